/*
 * Segment calls -> items: every call type, the field mapping, UTM and channel groups, the
 * clock correction, every failure reason, the size limits at their edges, and bodies that are
 * not JSON.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "ingest/internal.h"

#define RECEIVED (INT64_C(1717243200) * JM_US_PER_SEC) /* 2024-06-01T12:00:00Z */

static struct jm_ingest_batch *parse_ok(enum jm_ingest_call call, const char *body)
{
    struct jm_ingest_batch *b = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_ingest_parse(call, body, strlen(body), RECEIVED, &b, &err);
    if (rc)
        fail_msg("parse failed: %s", err.msg);
    return b;
}

static jm_status parse_err(enum jm_ingest_call call, const char *body, size_t len,
                           struct jm_error *err)
{
    struct jm_ingest_batch *b = NULL;
    jm_error_clear(err);
    jm_status rc = jm_ingest_parse(call, body, len, RECEIVED, &b, err);
    jm_ingest_batch_free(b);
    return rc;
}

/* The text of field `name` of `r`, "" when it is not text. */
static const char *text(const struct jm_record *r, const char *name)
{
    static char buf[4][1100];
    static int slot;
    int f = jm_entity_field(r->def, name);
    assert_true(f >= 0);
    const struct jm_value *v = &r->v[f];
    char *out = buf[slot++ % 4];
    out[0] = '\0';
    if (v->kind == JM_V_TEXT)
        snprintf(out, sizeof(buf[0]), "%.*s", (int)v->len, v->s);
    return out;
}

static const char *props(const struct jm_record *r)
{
    static char buf[2048];
    snprintf(buf, sizeof(buf), "%.*s", (int)r->props_len, r->props ? r->props : "");
    return buf;
}

static const struct jm__item *item(const struct jm_ingest_batch *b, size_t i)
{
    assert_true(i < b->n);
    return &b->items[i];
}

/* The reason of the only item, which must have failed. */
static const char *single_reason(enum jm_ingest_call call, const char *body)
{
    static char buf[512];
    struct jm_ingest_batch *b = parse_ok(call, body);
    assert_int_equal(jm_ingest_batch_count(b), 1);
    const struct jm_ingest_item *it = jm_ingest_batch_item(b, 0);
    assert_int_equal(it->outcome, JM_ITEM_FAILED);
    snprintf(buf, sizeof(buf), "%s", it->reason);
    jm_ingest_batch_free(b);
    return buf;
}

/* ---------------------------------------------------------------- call types */

static void test_call_names(void **state)
{
    (void)state;
    enum jm_ingest_call c;
    for (int i = 0; i < JM_CALL__COUNT; i++) {
        assert_true(jm_ingest_call_parse(jm_ingest_call_name((enum jm_ingest_call)i), &c));
        assert_int_equal(c, i);
    }
    assert_true(jm_ingest_call_parse("screen", &c));
    assert_int_equal(c, JM_CALL_PAGE);
    assert_false(jm_ingest_call_parse("alias", &c));
    assert_false(jm_ingest_call_parse(NULL, &c));
}

static void test_identify(void **state)
{
    (void)state;
    struct jm_ingest_batch *b = parse_ok(
        JM_CALL_IDENTIFY,
        "{\"userId\":\"u-1\",\"anonymousId\":\"a-1\",\"messageId\":\"m-1\","
        "\"traits\":{\"email\":\"Lan@Acme.VN\",\"name\":\"Trần Lan\",\"title\":\"CTO\","
        "\"dmu_role\":\"Overlord\",\"persona\":\"tech\",\"plan\":\"pro\",\"dmuRole\":1,"
        "\"createdAt\":\"2024-01-02T03:04:05Z\",\"company\":{\"id\":\"acme\",\"name\":\"ACME\","
        "\"industry\":\"SaaS\",\"employees\":120,\"tier\":\"gold\"}}}");
    const struct jm__item *it = item(b, 0);
    assert_int_equal(it->pub.outcome, JM_ITEM_PENDING);
    assert_string_equal(it->pub.message_id, "m-1");
    assert_true(it->has_contact && it->has_account && !it->has_event);
    assert_string_equal(text(&it->contact, "id"), "u-1");
    assert_string_equal(text(&it->contact, "email"), "Lan@Acme.VN");
    assert_string_equal(text(&it->contact, "name"), "Trần Lan");
    assert_string_equal(text(&it->contact, "title"), "CTO");
    assert_string_equal(text(&it->contact, "account"), "acme");
    int created = jm_entity_field(it->contact.def, "created");
    assert_int_equal(it->contact.v[created].kind, JM_V_TIME);
    /* An unknown DMU role is kept as a property rather than refusing the call. */
    assert_non_null(strstr(props(&it->contact), "\"plan\":\"pro\""));
    assert_non_null(strstr(props(&it->contact), "\"dmu_role\":\"Overlord\""));
    assert_null(strstr(props(&it->contact), "\"company\""));
    assert_string_equal(it->email_domain, "acme.vn");
    assert_string_equal(it->anon_id, "a-1");
    assert_string_equal(text(&it->account, "id"), "acme");
    assert_string_equal(text(&it->account, "name"), "ACME");
    assert_string_equal(text(&it->account, "industry"), "SaaS");
    int emp = jm_entity_field(it->account.def, "employees");
    assert_int_equal(it->account.v[emp].kind, JM_V_INT);
    assert_int_equal(it->account.v[emp].i, 120);
    assert_string_equal(props(&it->account), "{\"tier\":\"gold\"}");
    jm_ingest_batch_free(b);
}

static void test_identify_names_and_context_group(void **state)
{
    (void)state;
    struct jm_ingest_batch *b =
        parse_ok(JM_CALL_IDENTIFY,
                 "{\"userId\":42,\"traits\":{\"firstName\":\"Minh\",\"lastName\":"
                 "\"Nguyễn\",\"dmu_role\":\"champion\"},\"context\":{\"groupId\":\"g-9\"}}");
    const struct jm__item *it = item(b, 0);
    assert_string_equal(text(&it->contact, "id"), "42");
    assert_string_equal(text(&it->contact, "name"), "Minh Nguyễn");
    assert_string_equal(text(&it->contact, "dmu_role"), "champion");
    assert_string_equal(text(&it->contact, "account"), "g-9");
    assert_null(it->contact.props);
    assert_null(it->email_domain);
    jm_ingest_batch_free(b);

    /* Anonymous identify: valid, nothing to store. */
    b = parse_ok(JM_CALL_IDENTIFY, "{\"anonymousId\":\"a\",\"traits\":{\"email\":\"x@y.z\"}}");
    it = item(b, 0);
    assert_int_equal(it->pub.outcome, JM_ITEM_PENDING);
    assert_false(it->has_contact || it->has_account || it->has_event);
    jm_ingest_batch_free(b);
}

static void test_group(void **state)
{
    (void)state;
    struct jm_ingest_batch *b =
        parse_ok(JM_CALL_GROUP, "{\"userId\":\"u-1\",\"groupId\":\"acme\",\"traits\":{\"name\":"
                                "\"ACME\",\"website\":\"https://WWW.Acme.com/about\",\"employees\":"
                                "\"250\",\"country\":\"VN\",\"plan\":\"enterprise\"}}");
    const struct jm__item *it = item(b, 0);
    assert_true(it->has_account && it->has_contact);
    assert_string_equal(it->account_id, "acme");
    assert_string_equal(text(&it->account, "domain"), "www.acme.com");
    assert_string_equal(text(&it->account, "country"), "VN");
    int emp = jm_entity_field(it->account.def, "employees");
    assert_int_equal(it->account.v[emp].i, 250);
    assert_string_equal(props(&it->account), "{\"plan\":\"enterprise\"}");
    assert_string_equal(text(&it->contact, "id"), "u-1");
    assert_string_equal(text(&it->contact, "account"), "acme");
    jm_ingest_batch_free(b);
}

static void test_track(void **state)
{
    (void)state;
    struct jm_ingest_batch *b = parse_ok(
        JM_CALL_TRACK,
        "{\"userId\":\"u-1\",\"event\":\"Demo Requested\",\"messageId\":\"m-7\","
        "\"timestamp\":\"2024-05-01T10:00:00Z\",\"context\":{\"groupId\":\"acme\"},"
        "\"properties\":{\"revenue\":99.5,\"currency\":\"USD\",\"sentiment\":0.5,\"plan\":\"pro\","
        "\"nested\":{\"a\":[1,true,null]}}}");
    const struct jm__item *it = item(b, 0);
    const struct jm_record *e = &it->event;
    assert_true(it->has_event && it->has_contact && it->has_account);
    assert_string_equal(text(e, "touchpoint"), "Demo Requested");
    assert_string_equal(text(e, "message_id"), "m-7");
    assert_string_equal(text(e, "contact"), "u-1");
    assert_string_equal(text(e, "account"), "acme");
    assert_string_equal(text(e, "currency"), "USD");
    assert_int_equal(e->v[JM_EV_VALUE].kind, JM_V_REAL);
    assert_true(e->v[JM_EV_VALUE].r == 99.5);
    assert_true(e->v[JM_EV_SENTIMENT].r == 0.5);
    assert_int_equal(e->v[JM_EV_TIME].i, INT64_C(1714557600) * JM_US_PER_SEC);
    assert_string_equal(props(e), "{\"plan\":\"pro\",\"nested\":{\"a\":[1,true,null]}}");
    /* A server-side event without a page says nothing about its channel. */
    assert_int_equal(e->v[JM_EV_CHANNEL].kind, JM_V_ABSENT);
    jm_ingest_batch_free(b);

    b = parse_ok(JM_CALL_TRACK,
                 "{\"anonymousId\":\"a-1\",\"event\":\"x\",\"properties\":{\"value\":3}}");
    it = item(b, 0);
    assert_false(it->has_contact);
    assert_string_equal(text(&it->event, "anonymous_id"), "a-1");
    assert_string_equal(text(&it->event, "contact"), "");
    assert_true(it->event.v[JM_EV_VALUE].r == 3);
    assert_null(it->event.props);
    jm_ingest_batch_free(b);
}

static void test_page_utm_from_url(void **state)
{
    (void)state;
    struct jm_ingest_batch *b = parse_ok(
        JM_CALL_PAGE,
        "{\"anonymousId\":\"a-1\",\"name\":\"Pricing\",\"category\":\"Docs\",\"context\":{\"page\":"
        "{\"url\":\"https://acme.com/pricing?utm_source=google&utm_medium=cpc&utm_campaign="
        "spring%20sale&utm_term=crm+tool#top\",\"referrer\":\"https://www.google.com/\"}}}");
    const struct jm_record *e = &item(b, 0)->event;
    assert_string_equal(text(e, "touchpoint"), "page_view");
    assert_string_equal(text(e, "utm_source"), "google");
    assert_string_equal(text(e, "utm_medium"), "cpc");
    assert_string_equal(text(e, "utm_campaign"), "spring sale");
    assert_string_equal(text(e, "utm_term"), "crm tool");
    assert_string_equal(text(e, "utm_content"), "");
    assert_string_equal(text(e, "channel"), "Paid Search");
    assert_string_equal(text(e, "referrer"), "https://www.google.com/");
    assert_string_equal(props(e), "{\"name\":\"Pricing\",\"category\":\"Docs\"}");
    jm_ingest_batch_free(b);
}

static void test_utm_from_campaign(void **state)
{
    (void)state;
    /* context.campaign wins over the URL; the URL fills what the campaign lacks. */
    struct jm_ingest_batch *b =
        parse_ok(JM_CALL_TRACK,
                 "{\"userId\":\"u\",\"event\":\"Signed Up\",\"context\":{\"campaign\":{\"source\":"
                 "\"newsletter\",\"medium\":\"email\",\"name\":\"June\"},\"page\":{\"url\":"
                 "\"https://a.com/?utm_source=x&utm_content=hero\"}}}");
    const struct jm_record *e = &item(b, 0)->event;
    assert_string_equal(text(e, "utm_source"), "newsletter");
    assert_string_equal(text(e, "utm_medium"), "email");
    assert_string_equal(text(e, "utm_campaign"), "June");
    assert_string_equal(text(e, "utm_content"), "hero");
    assert_string_equal(text(e, "channel"), "Email");
    jm_ingest_batch_free(b);
}

static const char *channel_of(const char *context)
{
    static char buf[64];
    char body[1024];
    snprintf(body, sizeof(body), "{\"userId\":\"u\",\"context\":%s}", context);
    struct jm_ingest_batch *b = parse_ok(JM_CALL_PAGE, body);
    snprintf(buf, sizeof(buf), "%s", text(&item(b, 0)->event, "channel"));
    jm_ingest_batch_free(b);
    return buf;
}

static void test_channel_groups(void **state)
{
    (void)state;
    assert_string_equal(channel_of("{\"page\":{\"url\":\"https://a.com/\",\"referrer\":"
                                   "\"https://www.google.com/search?q=crm\"}}"),
                        "Organic Search");
    assert_string_equal(channel_of("{\"page\":{\"url\":\"https://a.com/\",\"referrer\":"
                                   "\"https://www.linkedin.com/feed\"}}"),
                        "Organic Social");
    assert_string_equal(channel_of("{\"page\":{\"url\":\"https://a.com/\",\"referrer\":"
                                   "\"https://blog.example.org/post\"}}"),
                        "Referral");
    /* Navigation inside the site is not a referral. */
    assert_string_equal(channel_of("{\"page\":{\"url\":\"https://a.com/b\",\"referrer\":"
                                   "\"https://A.com/a\"}}"),
                        "Direct");
    assert_string_equal(channel_of("{\"page\":{\"url\":\"https://a.com/\"}}"), "Direct");
    assert_string_equal(channel_of("{\"campaign\":{\"source\":\"facebook\",\"medium\":\"cpc\"}}"),
                        "Paid Social");
    assert_string_equal(channel_of("{}"), "");
}

static int64_t time_of(const char *fields)
{
    char body[512];
    snprintf(body, sizeof(body), "{\"userId\":\"u\",\"event\":\"e\"%s}", fields);
    struct jm_ingest_batch *b = parse_ok(JM_CALL_TRACK, body);
    const struct jm__item *it = item(b, 0);
    assert_int_equal(it->pub.outcome, JM_ITEM_PENDING);
    int64_t t = it->event.v[JM_EV_TIME].i;
    jm_ingest_batch_free(b);
    return t;
}

static void test_clock_correction(void **state)
{
    (void)state;
    int64_t hour = 3600 * JM_US_PER_SEC;
    /* The client's clock is an hour fast: its sentAt is 13:00 when we receive at 12:00. */
    assert_int_equal(time_of(",\"timestamp\":\"2024-06-01T12:30:00Z\","
                             "\"sentAt\":\"2024-06-01T13:00:00Z\""),
                     RECEIVED - hour / 2);
    assert_int_equal(time_of(",\"timestamp\":\"2024-06-01T19:30:00+07:00\""), RECEIVED + hour / 2);
    assert_int_equal(time_of(""), RECEIVED);
    assert_int_equal(time_of(",\"originalTimestamp\":\"2024-06-01T11:00:00Z\""), RECEIVED - hour);
}

/* ---------------------------------------------------------------- failures */

static void test_failure_reasons(void **state)
{
    (void)state;
    assert_string_equal(single_reason(JM_CALL_TRACK, "{\"userId\":\"u\"}"),
                        "track needs \"event\"");
    assert_string_equal(single_reason(JM_CALL_TRACK, "{\"event\":\"x\"}"),
                        "track needs \"userId\" or \"anonymousId\"");
    assert_string_equal(single_reason(JM_CALL_TRACK, "{\"userId\":\"u\",\"event\":\"x\","
                                                     "\"timestamp\":\"2024-13-40\"}"),
                        "timestamp: not an ISO-8601 time: '2024-13-40'");
    assert_string_equal(single_reason(JM_CALL_TRACK, "{\"userId\":\"u\",\"event\":\"x\","
                                                     "\"sentAt\":12}"),
                        "sentAt: not an ISO-8601 time");
    assert_string_equal(single_reason(JM_CALL_TRACK, "{\"userId\":\"u\",\"event\":\"x\","
                                                     "\"properties\":[1]}"),
                        "properties: must be an object");
    assert_string_equal(single_reason(JM_CALL_IDENTIFY, "{\"userId\":\"u\",\"traits\":\"t\"}"),
                        "traits: must be an object");
    assert_string_equal(single_reason(JM_CALL_GROUP, "{\"userId\":\"u\"}"),
                        "group needs \"groupId\"");
    assert_string_equal(single_reason(JM_CALL_TRACK, "{\"userId\":{\"a\":1},\"event\":\"x\"}"),
                        "userId: must be a string");

    char body[1024], big[300];
    memset(big, 'm', 257);
    big[257] = '\0';
    snprintf(body, sizeof(body), "{\"userId\":\"u\",\"event\":\"x\",\"messageId\":\"%s\"}", big);
    assert_string_equal(single_reason(JM_CALL_TRACK, body), "messageId: is 257 bytes; the limit "
                                                            "is 256");
    memset(big, 'e', 129);
    big[129] = '\0';
    snprintf(body, sizeof(body), "{\"userId\":\"u\",\"event\":\"%s\"}", big);
    assert_string_equal(single_reason(JM_CALL_TRACK, body),
                        "the event's touchpoint is 129 bytes; the limit is 128");
}

static void test_batch_reasons(void **state)
{
    (void)state;
    struct jm_ingest_batch *b = parse_ok(
        JM_CALL_BATCH,
        "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"ok\"},"
        "{\"type\":\"track\",\"userId\":\"u\"},"
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"x\",\"timestamp\":\"2024-13-40\"},"
        "{\"userId\":\"u\"},{\"type\":\"alias\",\"userId\":\"u\"},7,"
        "{\"type\":\"screen\",\"anonymousId\":\"a\",\"name\":\"Home\"}],"
        "\"context\":{\"groupId\":\"acme\"}}");
    assert_int_equal(jm_ingest_batch_count(b), 7);
    assert_int_equal(item(b, 0)->pub.outcome, JM_ITEM_PENDING);
    assert_string_equal(text(&item(b, 0)->event, "account"), "acme");
    assert_string_equal(item(b, 1)->pub.reason, "batch[1]: track needs \"event\"");
    assert_string_equal(item(b, 2)->pub.reason,
                        "batch[2].timestamp: not an ISO-8601 time: '2024-13-40'");
    assert_string_equal(item(b, 3)->pub.reason,
                        "batch[3]: needs \"type\" (identify, group, track, page, screen)");
    assert_string_equal(item(b, 4)->pub.reason,
                        "batch[4].type: 'alias' is not supported (identify, group, track, page, "
                        "screen)");
    assert_string_equal(item(b, 5)->pub.reason, "batch[5]: not a JSON object");
    assert_int_equal(item(b, 6)->pub.call, JM_CALL_PAGE);
    assert_int_equal(item(b, 6)->pub.outcome, JM_ITEM_PENDING);
    /* Each member keeps its own JSON for failed_events. */
    assert_string_equal(item(b, 1)->json, "{\"type\":\"track\",\"userId\":\"u\"}");
    assert_string_equal(item(b, 5)->json, "7");
    jm_ingest_batch_free(b);

    b = parse_ok(JM_CALL_BATCH, "{\"batch\":[]}");
    assert_int_equal(jm_ingest_batch_count(b), 0);
    assert_null(jm_ingest_batch_item(b, 0));
    jm_ingest_batch_free(b);
}

static void test_not_json(void **state)
{
    (void)state;
    struct jm_error err;
    assert_int_equal(parse_err(JM_CALL_TRACK, "{\"a\":", 5, &err), JM_EPARSE);
    assert_non_null(strstr(err.msg, "line 1, column"));
    assert_int_equal(parse_err(JM_CALL_TRACK, "{\n\"a\" 1}", 8, &err), JM_EPARSE);
    assert_non_null(strstr(err.msg, "line 2, column"));
    assert_int_equal(parse_err(JM_CALL_TRACK, "[1]", 3, &err), JM_EPARSE);
    assert_string_equal(err.msg, "line 1, column 1: the body must be a JSON object");
    assert_int_equal(parse_err(JM_CALL_BATCH, "{\"batch\":{}}", 12, &err), JM_EPARSE);
    assert_non_null(strstr(err.msg, "\"batch\" must be a list"));
    assert_int_equal(parse_err(JM_CALL_BATCH, "{}", 2, &err), JM_EPARSE);
    assert_int_equal(parse_err(JM_CALL_TRACK, "", 0, &err), JM_EPARSE);
    /* Invalid UTF-8 and a NUL escape are refused by the parser. */
    const char bad[] = "{\"userId\":\"\xc3\x28\",\"event\":\"x\"}";
    assert_int_equal(parse_err(JM_CALL_TRACK, bad, sizeof(bad) - 1, &err), JM_EPARSE);
    const char nul[] = "{\"userId\":\"a\\u0000b\",\"event\":\"x\"}";
    assert_int_equal(parse_err(JM_CALL_TRACK, nul, sizeof(nul) - 1, &err), JM_EPARSE);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 10000;
    char *body = malloc(depth * 2 + 64);
    size_t n =
        (size_t)snprintf(body, 64, "{\"userId\":\"u\",\"event\":\"x\",\"properties\":{\"d\":");
    for (size_t i = 0; i < depth; i++)
        body[n++] = '[';
    for (size_t i = 0; i < depth; i++)
        body[n++] = ']';
    n += (size_t)snprintf(body + n, 3, "}}");
    struct jm_error err;
    assert_int_equal(parse_err(JM_CALL_TRACK, body, n, &err), JM_EPARSE);
    free(body);

    /* Modest nesting is kept as it came. */
    struct jm_ingest_batch *b =
        parse_ok(JM_CALL_TRACK,
                 "{\"userId\":\"u\",\"event\":\"x\",\"properties\":{\"d\":[[[[{\"k\":[]}]]]]}}");
    assert_string_equal(props(&item(b, 0)->event), "{\"d\":[[[[{\"k\":[]}]]]]}");
    jm_ingest_batch_free(b);
}

/* ---------------------------------------------------------------- limits */

/* A valid track call of exactly `len` bytes (the padding is white space after the object). */
static char *call_of_size(size_t len)
{
    char *s = malloc(len + 1);
    int n = snprintf(s, len + 1, "{\"userId\":\"u\",\"event\":\"x\",\"properties\":{\"p\":\"");
    size_t tail = 3, fill = len > (size_t)n + tail + 200 ? len - (size_t)n - tail - 200 : 0;
    memset(s + n, 'a', fill);
    memcpy(s + (size_t)n + fill, "\"}}", 3);
    size_t used = (size_t)n + fill + 3;
    assert_true(used <= len);
    memset(s + used, ' ', len - used);
    s[len] = '\0';
    return s;
}

static void test_single_limit(void **state)
{
    (void)state;
    struct jm_error err;
    size_t sizes[] = {JM_INGEST_EVENT_MAX - 1, JM_INGEST_EVENT_MAX, JM_INGEST_EVENT_MAX + 1};
    for (int i = 0; i < 3; i++) {
        char *s = call_of_size(sizes[i]);
        jm_status rc = parse_err(JM_CALL_TRACK, s, sizes[i], &err);
        free(s);
        assert_int_equal(rc, i < 2 ? JM_OK : JM_ELIMIT);
    }
    assert_string_equal(err.msg,
                        "the track call is 32769 bytes; the limit is 32768 bytes per event");
}

/* A batch body of exactly `len` bytes whose members are each under the event limit. */
static char *batch_of_size(size_t len)
{
    char *s = malloc(len + 1);
    size_t n = (size_t)snprintf(s, len + 1, "{\"batch\":[");
    const char *member = "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"x\"}";
    size_t mlen = strlen(member);
    while (n + mlen + 1 + 2 + 100 < len) {
        if (s[n - 1] != '[')
            s[n++] = ',';
        memcpy(s + n, member, mlen);
        n += mlen;
    }
    s[n++] = ']';
    s[n++] = '}';
    memset(s + n, ' ', len - n);
    s[len] = '\0';
    return s;
}

static void test_batch_limit(void **state)
{
    (void)state;
    struct jm_error err;
    size_t sizes[] = {JM_INGEST_BATCH_MAX - 1, JM_INGEST_BATCH_MAX, JM_INGEST_BATCH_MAX + 1};
    for (int i = 0; i < 3; i++) {
        char *s = batch_of_size(sizes[i]);
        jm_status rc = parse_err(JM_CALL_BATCH, s, sizes[i], &err);
        free(s);
        assert_int_equal(rc, i < 2 ? JM_OK : JM_ELIMIT);
    }
    assert_string_equal(err.msg, "the batch is 512001 bytes; the limit is 512000 bytes per batch");
}

/* A batch whose second member is exactly `len` bytes as compact JSON. */
static jm_status batch_member_of_size(size_t len, struct jm_error *err)
{
    const char *head =
        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"x\",\"properties\":{\"p\":\"";
    size_t hlen = strlen(head), fill = len - hlen - 3;
    char *s = malloc(len + 64);
    size_t n = (size_t)snprintf(s, 64, "{\"batch\":[{\"type\":\"page\",\"userId\":\"u\"},");
    memcpy(s + n, head, hlen);
    n += hlen;
    memset(s + n, 'b', fill);
    n += fill;
    n += (size_t)snprintf(s + n, 8, "\"}}]}");
    jm_status rc = parse_err(JM_CALL_BATCH, s, n, err);
    free(s);
    return rc;
}

static void test_batch_member_limit(void **state)
{
    (void)state;
    struct jm_error err;
    assert_int_equal(batch_member_of_size(JM_INGEST_EVENT_MAX - 1, &err), JM_OK);
    assert_int_equal(batch_member_of_size(JM_INGEST_EVENT_MAX, &err), JM_OK);
    assert_int_equal(batch_member_of_size(JM_INGEST_EVENT_MAX + 1, &err), JM_ELIMIT);
    assert_string_equal(err.msg, "event 2 of the batch is 32769 bytes; the limit is 32768 bytes "
                                 "per event");
}

/* ---------------------------------------------------------------- out of memory */

static void test_alloc_failures(void **state)
{
    (void)state;
    const char *body =
        "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"email\":\"a@b.c\","
        "\"company\":{\"id\":\"c\",\"x\":1}}},{\"type\":\"page\",\"anonymousId\":\"a\","
        "\"context\":{\"page\":{\"url\":\"https://a.com/?utm_source=g\"}}},{\"type\":\"track\"}]}";
    jm_alloc_fail_reset();
    struct jm_ingest_batch *b = parse_ok(JM_CALL_BATCH, body);
    unsigned long n = jm_alloc_count();
    jm_ingest_batch_free(b);
    for (unsigned long i = 1; i <= n; i++) {
        struct jm_error err;
        b = NULL;
        jm_alloc_fail_at(i);
        jm_status rc = jm_ingest_parse(JM_CALL_BATCH, body, strlen(body), RECEIVED, &b, &err);
        jm_alloc_fail_reset();
        assert_true(rc == JM_OK || rc == JM_ENOMEM || rc == JM_EPARSE);
        assert_true((rc == JM_OK) == (b != NULL));
        jm_ingest_batch_free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_names),
        cmocka_unit_test(test_identify),
        cmocka_unit_test(test_identify_names_and_context_group),
        cmocka_unit_test(test_group),
        cmocka_unit_test(test_track),
        cmocka_unit_test(test_page_utm_from_url),
        cmocka_unit_test(test_utm_from_campaign),
        cmocka_unit_test(test_channel_groups),
        cmocka_unit_test(test_clock_correction),
        cmocka_unit_test(test_failure_reasons),
        cmocka_unit_test(test_batch_reasons),
        cmocka_unit_test(test_not_json),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_single_limit),
        cmocka_unit_test(test_batch_limit),
        cmocka_unit_test(test_batch_member_limit),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
