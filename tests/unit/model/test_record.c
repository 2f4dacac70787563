/*
 * Tests for model/record.c: converting source text to typed values, checking records, and the
 * identity functions (key text, content digest, event deduplication key).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "journeymap/model.h"
#include "base/internal.h"
#include "model/internal.h"

static const struct jm_field_def *field(enum jm_entity kind, const char *name)
{
    const struct jm_entity_def *d = jm_entity_get(kind);
    int i = jm_entity_field(d, name);
    assert_true(i >= 0);
    return &d->fields[i];
}

static struct jm_value parse_len(const struct jm_field_def *f, const char *s, size_t len,
                                 const char *date_format)
{
    struct jm_value v;
    struct jm_error err = {0};
    if (jm_value_parse(f, s, len, date_format, &v, &err))
        fail_msg("%s '%.*s': %s", f->name, (int)len, s, err.msg);
    return v;
}

static struct jm_value parse(const struct jm_field_def *f, const char *s)
{
    return parse_len(f, s, strlen(s), NULL);
}

static void parse_fails_len(const struct jm_field_def *f, const char *s, size_t len,
                            const char *msg)
{
    struct jm_value v;
    struct jm_error err = {0};
    assert_int_equal(jm_value_parse(f, s, len, NULL, &v, &err), JM_EPARSE);
    if (msg)
        assert_string_equal(err.msg, msg);
}

static void parse_fails(const struct jm_field_def *f, const char *s, const char *msg)
{
    parse_fails_len(f, s, strlen(s), msg);
}

static void set_text(struct jm_record *r, const char *name, const char *s)
{
    int i = jm_entity_field(r->def, name);
    assert_true(i >= 0);
    r->v[i] = (struct jm_value){.kind = JM_V_TEXT, .s = s, .len = strlen(s)};
}

static void set_kind(struct jm_record *r, const char *name, enum jm_vkind kind, int64_t i, double x)
{
    int f = jm_entity_field(r->def, name);
    assert_true(f >= 0);
    r->v[f] = (struct jm_value){.kind = kind, .i = i, .r = x};
}

static jm_status check(const struct jm_record *r, int *bad, char *msg)
{
    struct jm_error err = {0};
    jm_status rc = jm_record_check(r, bad, &err);
    memcpy(msg, err.msg, sizeof(err.msg));
    return rc;
}

/* ---------------------------------------------------------------- jm_value_parse */

static void value_parse_empty_text_is_missing(void **state)
{
    (void)state;
    const enum jm_entity k[] = {JM_ENT_ACCOUNT, JM_ENT_ACCOUNT, JM_ENT_ACCOUNT,
                                JM_ENT_DEAL,    JM_ENT_DEAL,    JM_ENT_EVENT};
    const char *n[] = {"name", "employees", "created", "status", "amount", "account"};
    for (size_t i = 0; i < 6; i++) {
        struct jm_value v = parse_len(field(k[i], n[i]), "", 0, NULL);
        assert_int_equal(v.kind, JM_V_MISSING);
        v = parse_len(field(k[i], n[i]), NULL, 0, NULL);
        assert_int_equal(v.kind, JM_V_MISSING);
    }
}

static void value_parse_white_space_alone_is_missing_for_typed_fields(void **state)
{
    (void)state;
    assert_int_equal(parse(field(JM_ENT_ACCOUNT, "employees"), "  ").kind, JM_V_MISSING);
    assert_int_equal(parse(field(JM_ENT_DEAL, "amount"), "\t").kind, JM_V_MISSING);
    assert_int_equal(parse(field(JM_ENT_DEAL, "created"), " ").kind, JM_V_MISSING);
    assert_int_equal(parse(field(JM_ENT_DEAL, "status"), "   ").kind, JM_V_MISSING);
    /* Text keeps the data's spelling, spaces included. */
    struct jm_value v = parse(field(JM_ENT_ACCOUNT, "name"), "  ");
    assert_int_equal(v.kind, JM_V_TEXT);
    assert_int_equal(v.len, 2);
}

static void value_parse_text_and_refs_borrow_the_input(void **state)
{
    (void)state;
    const char *s = " Công ty Cổ phần ";
    struct jm_value v = parse(field(JM_ENT_ACCOUNT, "name"), s);
    assert_int_equal(v.kind, JM_V_TEXT);
    assert_ptr_equal(v.s, s);
    assert_int_equal(v.len, strlen(s));
    v = parse(field(JM_ENT_CONTACT, "account"), "ACME");
    assert_int_equal(v.kind, JM_V_TEXT);
    assert_int_equal(v.len, 4);
}

static void value_parse_enum_matches_canonical_values_and_aliases(void **state)
{
    (void)state;
    const struct jm_field_def *role = field(JM_ENT_CONTACT, "dmu_role");
    const struct jm_field_def *status = field(JM_ENT_DEAL, "status");
    const struct jm_field_def *prio = field(JM_ENT_TICKET, "priority");
    struct jm_value v = parse(role, "Proposer");
    assert_int_equal(v.kind, JM_V_TEXT);
    assert_ptr_equal(v.s, jm__dmu_roles[1]); /* the static canonical spelling */
    assert_int_equal(v.len, 8);
    assert_ptr_equal(parse(role, "CHAMPION").s, jm__dmu_roles[1]);
    assert_ptr_equal(parse(role, "Economic Buyer").s, jm__dmu_roles[0]);
    assert_ptr_equal(parse(role, "technical-evaluator").s, jm__dmu_roles[3]);
    assert_ptr_equal(parse(role, "end user").s, jm__dmu_roles[2]);
    assert_ptr_equal(parse(status, "Closed Won").s, jm__deal_status[1]);
    assert_ptr_equal(parse(status, "closed-lost").s, jm__deal_status[2]);
    assert_ptr_equal(parse(status, "ClosedWon").s, jm__deal_status[1]);
    assert_ptr_equal(parse(status, "Closed  -  Won").s, jm__deal_status[1]);
    assert_ptr_equal(parse(status, "  won\t").s, jm__deal_status[1]);
    assert_ptr_equal(parse(status, "New").s, jm__deal_status[0]);
    assert_ptr_equal(parse(prio, "Medium").s, jm__ticket_priority[1]);
    assert_ptr_equal(parse(prio, "critical").s, jm__ticket_priority[3]);
}

static void value_parse_unknown_enum_lists_the_allowed_values(void **state)
{
    (void)state;
    const struct jm_field_def *status = field(JM_ENT_DEAL, "status");
    parse_fails(status, "maybe", "unknown status 'maybe' (expected one of: open, won, lost)");
    parse_fails(status, " Closed ", "unknown status 'Closed' (expected one of: open, won, lost)");
    /* An alias only counts when its target is one of this field's values. */
    parse_fails(status, "critical", "unknown status 'critical' (expected one of: open, won, lost)");
    parse_fails(field(JM_ENT_CONTACT, "dmu_role"), "boss",
                "unknown dmu_role 'boss' (expected one of: decider, champion, user, researcher, "
                "influencer, finance, unknown)");
    parse_fails(field(JM_ENT_SURVEY, "kind"), "net promoter",
                "unknown kind 'net promoter' (expected one of: nps, csat, ces)");
    /* A NUL byte must not end the comparison early. */
    parse_fails_len(status, "won\0junk", 8, NULL);
    char long_in[100];
    memset(long_in, 'w', sizeof(long_in));
    parse_fails_len(status, long_in, sizeof(long_in),
                    "unknown status 'wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww' "
                    "(expected one of: open, won, lost)");
}

static void value_parse_reads_plain_decimal_numbers(void **state)
{
    (void)state;
    const struct jm_field_def *emp = field(JM_ENT_ACCOUNT, "employees");
    const struct jm_field_def *amount = field(JM_ENT_DEAL, "amount");
    struct jm_value v = parse(amount, "1e3");
    assert_int_equal(v.kind, JM_V_REAL);
    assert_true(v.r == 1000.0);
    assert_true(parse(amount, "-12.5").r == -12.5);
    assert_true(parse(amount, "+0.25").r == 0.25);
    assert_true(parse(amount, ".5").r == 0.5);
    assert_true(parse(amount, "2.5E-3").r == 0.0025);
    v = parse(amount, "-0");
    assert_true(v.r == 0.0 && !signbit(v.r)); /* "-0" and "0" are the same content */
    v = parse(emp, " 42 ");
    assert_int_equal(v.kind, JM_V_INT);
    assert_int_equal(v.i, 42);
    assert_int_equal(parse(emp, "4.0").i, 4);
    assert_int_equal(parse(emp, "1e3").i, 1000);
    assert_int_equal(parse(emp, "-7").i, -7);
    assert_int_equal(parse(emp, "+7").i, 7);
    assert_int_equal(parse(emp, "007").i, 7);
}

static void value_parse_keeps_large_integers_exact(void **state)
{
    (void)state;
    const struct jm_field_def *emp = field(JM_ENT_ACCOUNT, "employees");
    /* Through a double these would round to ...992 and ...808. */
    assert_int_equal(parse(emp, "9007199254740993").i, INT64_C(9007199254740993));
    assert_int_equal(parse(emp, "9223372036854775807").i, INT64_MAX);
    assert_int_equal(parse(emp, "-9223372036854775808").i, INT64_MIN);
    parse_fails(emp, "9223372036854775808",
                "expected a whole number for employees, got '9223372036854775808'");
    /* Past 2^53 a non-plain spelling cannot be exact: refused rather than rounded. */
    parse_fails(emp, "9.007199254740993e15", NULL);
    parse_fails(emp, "1e20", NULL);
}

static void value_parse_rejects_what_is_not_a_plain_number(void **state)
{
    (void)state;
    const struct jm_field_def *emp = field(JM_ENT_ACCOUNT, "employees");
    const struct jm_field_def *amount = field(JM_ENT_DEAL, "amount");
    parse_fails(emp, "4.5", "expected a whole number for employees, got '4.5'");
    parse_fails(amount, "0x10", "expected a number for amount, got '0x10'");
    parse_fails(amount, "nan", "expected a number for amount, got 'nan'");
    parse_fails(amount, "inf", "expected a number for amount, got 'inf'");
    parse_fails(amount, "-infinity", NULL);
    parse_fails(amount, "1,000", "expected a number for amount, got '1,000'");
    parse_fails(amount, "1 000", NULL);
    parse_fails(amount, "$100", NULL);
    parse_fails(amount, "1e400", "expected a number for amount, got '1e400'");
    parse_fails(amount, ".", NULL);
    parse_fails(amount, "-", NULL);
    parse_fails(amount, "1e", NULL);
    parse_fails(amount, "--1", NULL);
    parse_fails(amount, "1.2.3", NULL);
    parse_fails_len(amount,
                    "12\0"
                    "3",
                    4, NULL);
    parse_fails_len(emp, "12\0", 3, NULL);
    char big[80];
    memset(big, '1', sizeof(big));
    parse_fails_len(amount, big, sizeof(big), NULL);
}

static void value_parse_reads_times_with_the_date_format(void **state)
{
    (void)state;
    const struct jm_field_def *created = field(JM_ENT_DEAL, "created");
    struct jm_value v = parse(created, "2024-03-05");
    assert_int_equal(v.kind, JM_V_TIME);
    assert_int_equal(v.i, INT64_C(1709596800000000));
    assert_int_equal(parse(created, " 2024-03-05T14:30Z ").i, INT64_C(1709649000000000));
    assert_int_equal(parse_len(created, "05/03/2024", 10, "%d/%m/%Y").i, INT64_C(1709596800000000));
    assert_int_equal(parse_len(created, "03/05/2024", 10, "%m/%d/%Y").i, INT64_C(1709596800000000));
    assert_int_equal(parse_len(created, "1709596800", 10, "unix").i, INT64_C(1709596800000000));
    parse_fails(created, "05/03/2024",
                "created: expected an ISO-8601 date such as 2024-03-05 or 2024-03-05T14:30:00Z, "
                "got '05/03/2024' (set a date format for others)");
    parse_fails(created, "2023-02-29",
                "created: invalid date or time '2023-02-29': 2023-02 has no day 29");
    struct jm_value w;
    assert_int_equal(jm_value_parse(created, "x", 1, NULL, &w, NULL), JM_EPARSE);
}

/* ---------------------------------------------------------------- jm_record_check */

static void check_accepts_a_complete_record(void **state)
{
    (void)state;
    struct jm_record r;
    char msg[512];
    int bad = 99;
    jm_record_init(&r, jm_entity_get(JM_ENT_ACCOUNT));
    set_text(&r, "id", "acc-1");
    set_text(&r, "name", "Công ty Nhận biết");
    set_kind(&r, "employees", JM_V_INT, 120, 0);
    set_kind(&r, "created", JM_V_TIME, INT64_C(1709596800000000), 0);
    set_kind(&r, "region", JM_V_MISSING, 0, 0);
    assert_int_equal(check(&r, &bad, msg), JM_OK);
    assert_int_equal(bad, -1);
    assert_int_equal(jm_record_check(&r, NULL, NULL), JM_OK);
}

static void check_requires_required_fields(void **state)
{
    (void)state;
    struct jm_record r;
    char msg[512];
    int bad;
    jm_record_init(&r, jm_entity_get(JM_ENT_ACCOUNT));
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    assert_int_equal(bad, 0);
    assert_string_equal(msg, "account id is required");
    set_kind(&r, "id", JM_V_MISSING, 0, 0);
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    jm_record_init(&r, jm_entity_get(JM_ENT_EVENT));
    set_text(&r, "touchpoint", "webinar");
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    assert_int_equal(bad, JM_EV_TIME);
    assert_string_equal(msg, "event time is required");
    set_kind(&r, "time", JM_V_TIME, 0, 0);
    assert_int_equal(check(&r, &bad, msg), JM_OK);
    jm_record_init(&r, jm_entity_get(JM_ENT_REVENUE));
    set_text(&r, "account", "A");
    set_kind(&r, "period_start", JM_V_TIME, 0, 0);
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    assert_string_equal(msg, "revenue mrr is required");
    assert_int_equal(bad, 2);
}

static void check_enforces_numeric_ranges(void **state)
{
    (void)state;
    struct jm_record r;
    char msg[512];
    int bad;
    jm_record_init(&r, jm_entity_get(JM_ENT_ACCOUNT));
    set_text(&r, "id", "a");
    set_kind(&r, "employees", JM_V_INT, -1, 0);
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    assert_int_equal(bad, 5);
    assert_string_equal(msg, "employees -1 is outside 0..1e+09");
    set_kind(&r, "employees", JM_V_INT, 1000000000, 0);
    assert_int_equal(check(&r, &bad, msg), JM_OK);
    jm_record_init(&r, jm_entity_get(JM_ENT_EVENT));
    set_kind(&r, "time", JM_V_TIME, 0, 0);
    set_text(&r, "touchpoint", "call");
    set_kind(&r, "sentiment", JM_V_REAL, 0, 1.5);
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    assert_string_equal(msg, "sentiment 1.5 is outside -1..1");
    assert_int_equal(bad, JM_EV_SENTIMENT);
    set_kind(&r, "sentiment", JM_V_REAL, 0, -1);
    set_kind(&r, "value", JM_V_REAL, 0, -1e12); /* no range: anything finite */
    assert_int_equal(check(&r, &bad, msg), JM_OK);
    set_kind(&r, "value", JM_V_REAL, 0, NAN);
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    assert_string_equal(msg, "value is not a finite number");
    jm_record_init(&r, jm_entity_get(JM_ENT_TICKET));
    set_text(&r, "id", "t");
    set_kind(&r, "opened", JM_V_TIME, 0, 0);
    set_kind(&r, "csat", JM_V_INT, 6, 0); /* an INT may stand for a REAL */
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    assert_string_equal(msg, "csat 6 is outside 1..5");
}

static jm_status survey(const char *kind, double score, int *bad, char *msg)
{
    struct jm_record r;
    jm_record_init(&r, jm_entity_get(JM_ENT_SURVEY));
    set_text(&r, "id", "s-1");
    set_kind(&r, "time", JM_V_TIME, 0, 0);
    set_text(&r, "kind", kind);
    set_kind(&r, "score", JM_V_REAL, 0, score);
    return check(&r, bad, msg);
}

static void check_survey_score_ranges_follow_the_kind(void **state)
{
    (void)state;
    char msg[512];
    int bad;
    assert_int_equal(survey("nps", 0, &bad, msg), JM_OK);
    assert_int_equal(survey("nps", 10, &bad, msg), JM_OK);
    assert_int_equal(survey("nps", 11, &bad, msg), JM_EPARSE);
    assert_string_equal(msg, "nps score 11 is outside 0..10");
    assert_int_equal(bad, 5);
    assert_int_equal(survey("nps", -1, &bad, msg), JM_EPARSE);
    assert_int_equal(survey("csat", 1, &bad, msg), JM_OK);
    assert_int_equal(survey("csat", 5, &bad, msg), JM_OK);
    assert_int_equal(survey("csat", 0, &bad, msg), JM_EPARSE);
    assert_string_equal(msg, "csat score 0 is outside 1..5");
    assert_int_equal(survey("csat", 6, &bad, msg), JM_EPARSE);
    assert_int_equal(survey("csat", 5.5, &bad, msg), JM_EPARSE);
    assert_int_equal(survey("ces", 1, &bad, msg), JM_OK);
    assert_int_equal(survey("ces", 7, &bad, msg), JM_OK);
    assert_int_equal(survey("ces", 8, &bad, msg), JM_EPARSE);
    assert_string_equal(msg, "ces score 8 is outside 1..7");
    assert_int_equal(survey("ces", 0.5, &bad, msg), JM_EPARSE);
    /* Only canonical kinds get this far: "NPS" is not one. */
    assert_int_equal(survey("NPS", 5, &bad, msg), JM_EPARSE);
    assert_string_equal(msg, "kind 'NPS' is not one of its values");
    assert_int_equal(bad, 4);
}

static void check_limits_text_length(void **state)
{
    (void)state;
    struct jm_record r;
    char msg[512], id[258];
    int bad;
    memset(id, 'i', sizeof(id) - 1);
    id[257] = '\0';
    jm_record_init(&r, jm_entity_get(JM_ENT_OWNER));
    set_text(&r, "id", id);
    assert_int_equal(check(&r, &bad, msg), JM_ELIMIT);
    assert_int_equal(bad, 0);
    assert_string_equal(msg, "id is 257 bytes, longer than the limit of 256");
    id[256] = '\0';
    assert_int_equal(check(&r, &bad, msg), JM_ELIMIT); /* still the old length in r */
    set_text(&r, "id", id);
    assert_int_equal(check(&r, &bad, msg), JM_OK);
}

static void check_rejects_invalid_utf8(void **state)
{
    (void)state;
    struct jm_record r;
    char msg[512];
    int bad;
    jm_record_init(&r, jm_entity_get(JM_ENT_OWNER));
    set_text(&r, "id", "o");
    set_text(&r, "name", "ab\xc3(");
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    assert_int_equal(bad, 1);
    assert_string_equal(msg, "name is not valid UTF-8 (byte 3)");
    set_text(&r, "name", "Nhận biết");
    r.props = "{\"k\":\"\xff\"}";
    r.props_len = strlen(r.props);
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    assert_int_equal(bad, -1);
    assert_string_equal(msg, "properties are not valid UTF-8 (byte 7)");
}

static void check_rejects_values_of_the_wrong_kind(void **state)
{
    (void)state;
    struct jm_record r;
    char msg[512];
    int bad;
    jm_record_init(&r, jm_entity_get(JM_ENT_DEAL));
    set_text(&r, "id", "d");
    set_text(&r, "created", "2024-03-05");
    assert_int_equal(check(&r, &bad, msg), JM_EINVAL);
    assert_string_equal(msg, "created has a value of the wrong kind");
    assert_int_equal(bad, 8);
    set_kind(&r, "created", JM_V_TIME, 0, 0);
    set_kind(&r, "name", JM_V_INT, 5, 0);
    assert_int_equal(check(&r, &bad, msg), JM_EINVAL);
    set_text(&r, "name", "Big deal");
    set_text(&r, "status", "Won");
    assert_int_equal(check(&r, &bad, msg), JM_EPARSE);
    assert_string_equal(msg, "status 'Won' is not one of its values");
    set_text(&r, "status", "won");
    assert_int_equal(check(&r, &bad, msg), JM_OK);
}

/* ---------------------------------------------------------------- identity */

static void record_key_is_the_id_or_the_composite_key(void **state)
{
    (void)state;
    struct jm_record r;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    jm_record_init(&r, jm_entity_get(JM_ENT_ACCOUNT));
    set_text(&r, "id", "ACME");
    set_text(&r, "name", "Acme Corp");
    assert_int_equal(jm_record_key(&r, &sb), JM_OK);
    assert_string_equal(sb.buf, "ACME");
    jm_strbuf_reset(&sb);
    jm_record_init(&r, jm_entity_get(JM_ENT_REVENUE));
    set_text(&r, "account", "ACME");
    set_kind(&r, "period_start", JM_V_TIME, INT64_C(1704067200000000), 0); /* 2024-01-01 */
    set_kind(&r, "mrr", JM_V_REAL, 0, 99.5);
    assert_int_equal(jm_record_key(&r, &sb), JM_OK);
    assert_string_equal(sb.buf, "ACME|2024-01-01");
    jm_strbuf_reset(&sb);
    set_kind(&r, "period_start", JM_V_TIME, INT64_C(1704067200000000) + 43200 * 1000000LL, 0);
    assert_int_equal(jm_record_key(&r, &sb), JM_OK);
    assert_string_equal(sb.buf, "ACME|2024-01-01T12:00:00Z");
    jm_strbuf_reset(&sb);
    jm_record_init(&r, jm_entity_get(JM_ENT_EVENT));
    set_text(&r, "message_id", "msg-1");
    assert_int_equal(jm_record_key(&r, &sb), JM_OK);
    assert_string_equal(sb.buf, "msg-1");
    jm_strbuf_reset(&sb);
    jm_record_init(&r, jm_entity_get(JM_ENT_EVENT));
    assert_int_equal(jm_record_key(&r, &sb), JM_OK);
    assert_string_equal(sb.buf, "");
    jm_strbuf_release(&sb);
}

static void make_contact(struct jm_record *r)
{
    jm_record_init(r, jm_entity_get(JM_ENT_CONTACT));
    set_text(r, "id", "c-1");
    set_text(r, "name", "Nguyễn Văn A");
    set_kind(r, "created", JM_V_TIME, INT64_C(1709596800000000), 0);
}

static void digest_ignores_absent_but_not_missing(void **state)
{
    (void)state;
    struct jm_record a, b;
    make_contact(&a);
    make_contact(&b);
    uint64_t base = jm_record_digest(&a);
    assert_int_equal(jm_record_digest(&b), base);
    /* An ABSENT value's leftovers mean nothing. */
    int email = jm_entity_field(b.def, "email");
    b.v[email] = (struct jm_value){.kind = JM_V_ABSENT, .s = "junk", .len = 4, .i = 9};
    assert_int_equal(jm_record_digest(&b), base);
    b.v[email].kind = JM_V_MISSING;
    uint64_t missing = jm_record_digest(&b);
    assert_int_not_equal(missing, base);
    set_text(&b, "email", "");
    uint64_t empty_text = jm_record_digest(&b);
    assert_int_not_equal(empty_text, missing);
    assert_int_not_equal(empty_text, base);
    set_text(&b, "email", "a@b.vn");
    assert_int_not_equal(jm_record_digest(&b), empty_text);
}

static void digest_depends_on_values_positions_and_props(void **state)
{
    (void)state;
    struct jm_record a, b;
    make_contact(&a);
    make_contact(&b);
    uint64_t base = jm_record_digest(&a);
    set_text(&b, "name", "Nguyễn Văn B");
    assert_int_not_equal(jm_record_digest(&b), base);
    /* The same text under another field is other content. */
    make_contact(&b);
    set_kind(&b, "name", JM_V_ABSENT, 0, 0);
    set_text(&b, "title", "Nguyễn Văn A");
    assert_int_not_equal(jm_record_digest(&b), base);
    make_contact(&b);
    set_kind(&b, "created", JM_V_TIME, INT64_C(1709596800000001), 0);
    assert_int_not_equal(jm_record_digest(&b), base);
    make_contact(&b);
    b.props = "{\"plan\":\"pro\"}";
    b.props_len = strlen(b.props);
    uint64_t with_props = jm_record_digest(&b);
    assert_int_not_equal(with_props, base);
    b.props = "{\"plan\":\"free\"}";
    b.props_len = strlen(b.props);
    assert_int_not_equal(jm_record_digest(&b), with_props);
    b.props_len = 0; /* no props, whatever the pointer */
    assert_int_equal(jm_record_digest(&b), base);
    assert_int_not_equal(base, 0);
}

static void digest_differs_between_entities(void **state)
{
    (void)state;
    struct jm_record a, b;
    jm_record_init(&a, jm_entity_get(JM_ENT_OWNER));
    jm_record_init(&b, jm_entity_get(JM_ENT_ACCOUNT));
    set_text(&a, "id", "x");
    set_text(&b, "id", "x");
    assert_int_not_equal(jm_record_digest(&a), jm_record_digest(&b));
}

static void make_event(struct jm_record *r, const char *mid)
{
    jm_record_init(r, jm_entity_get(JM_ENT_EVENT));
    if (mid)
        set_text(r, "message_id", mid);
    set_kind(r, "time", JM_V_TIME, INT64_C(1709649000000000), 0);
    set_text(r, "contact", "c-1");
    set_text(r, "touchpoint", "webinar_attended");
}

static void event_key_prefers_the_message_id(void **state)
{
    (void)state;
    struct jm_record a, b;
    make_event(&a, "m-1");
    make_event(&b, "m-1");
    set_text(&b, "touchpoint", "email_opened");
    set_kind(&b, "time", JM_V_TIME, 0, 0);
    assert_int_equal(jm_event_key(&a), jm_event_key(&b));
    make_event(&b, "m-2");
    assert_int_not_equal(jm_event_key(&a), jm_event_key(&b));
    make_event(&b, NULL);
    assert_int_not_equal(jm_event_key(&a), jm_event_key(&b));
}

static void event_content_key_treats_absent_and_missing_alike(void **state)
{
    (void)state;
    struct jm_record a, b;
    make_event(&a, NULL);
    make_event(&b, NULL);
    uint64_t k = jm_event_key(&a);
    assert_int_not_equal(k, 0);
    assert_int_equal(jm_event_key(&b), k);
    set_kind(&b, "channel", JM_V_MISSING, 0, 0);
    set_kind(&b, "message_id", JM_V_MISSING, 0, 0);
    assert_int_equal(jm_event_key(&b), k);
    /* An empty message id is no id: the content decides. */
    set_text(&b, "message_id", "");
    assert_int_equal(jm_event_key(&b), k);
    set_text(&b, "channel", "email");
    assert_int_not_equal(jm_event_key(&b), k);
    make_event(&b, NULL);
    set_kind(&b, "time", JM_V_TIME, INT64_C(1709649000000001), 0);
    assert_int_not_equal(jm_event_key(&b), k);
    make_event(&b, NULL);
    b.props = "{\"a\":1}";
    b.props_len = 7;
    assert_int_not_equal(jm_event_key(&b), k);
}

static void event_keys_of_many_events_are_distinct_and_never_zero(void **state)
{
    (void)state;
    struct jm_u64set seen = JM_U64SET_INIT;
    char mid[32];
    for (int i = 0; i < 20000; i++) {
        struct jm_record r;
        snprintf(mid, sizeof(mid), "msg-%d", i);
        make_event(&r, i % 2 ? mid : NULL);
        set_kind(&r, "time", JM_V_TIME, (int64_t)i * 1000000, 0);
        uint64_t k = jm_event_key(&r);
        bool added = false;
        assert_int_not_equal(k, 0);
        assert_int_equal(jm__u64set_add(&seen, k, &added), JM_OK);
        assert_true(added);
    }
    jm__u64set_release(&seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(value_parse_empty_text_is_missing),
        cmocka_unit_test(value_parse_white_space_alone_is_missing_for_typed_fields),
        cmocka_unit_test(value_parse_text_and_refs_borrow_the_input),
        cmocka_unit_test(value_parse_enum_matches_canonical_values_and_aliases),
        cmocka_unit_test(value_parse_unknown_enum_lists_the_allowed_values),
        cmocka_unit_test(value_parse_reads_plain_decimal_numbers),
        cmocka_unit_test(value_parse_keeps_large_integers_exact),
        cmocka_unit_test(value_parse_rejects_what_is_not_a_plain_number),
        cmocka_unit_test(value_parse_reads_times_with_the_date_format),
        cmocka_unit_test(check_accepts_a_complete_record),
        cmocka_unit_test(check_requires_required_fields),
        cmocka_unit_test(check_enforces_numeric_ranges),
        cmocka_unit_test(check_survey_score_ranges_follow_the_kind),
        cmocka_unit_test(check_limits_text_length),
        cmocka_unit_test(check_rejects_invalid_utf8),
        cmocka_unit_test(check_rejects_values_of_the_wrong_kind),
        cmocka_unit_test(record_key_is_the_id_or_the_composite_key),
        cmocka_unit_test(digest_ignores_absent_but_not_missing),
        cmocka_unit_test(digest_depends_on_values_positions_and_props),
        cmocka_unit_test(digest_differs_between_entities),
        cmocka_unit_test(event_key_prefers_the_message_id),
        cmocka_unit_test(event_content_key_treats_absent_and_missing_alike),
        cmocka_unit_test(event_keys_of_many_events_are_distinct_and_never_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
