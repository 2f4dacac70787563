/*
 * Records: typed values converted from source text, checked against the entity definition,
 * and hashed for change detection and event deduplication.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/internal.h"
#include "model/internal.h"

void jm_record_init(struct jm_record *rec, const struct jm_entity_def *def)
{
    memset(rec, 0, sizeof(*rec));
    rec->def = def;
}

/* ---------------------------------------------------------------- enums */

struct alias {
    const char *from, *to;
};

/* What CRMs write for our canonical values, after lower-casing and '-'/' ' -> '_'. */
static const struct alias enum_aliases[] = {
    {"proposer", "champion"},
    {"initiator", "champion"},
    {"technical_evaluator", "researcher"},
    {"evaluator", "researcher"},
    {"technical_buyer", "researcher"},
    {"economic_buyer", "decider"},
    {"decision_maker", "decider"},
    {"finance_gatekeeper", "finance"},
    {"gatekeeper", "finance"},
    {"end_user", "user"},
    {"closed_won", "won"},
    {"closedwon", "won"},
    {"closed_lost", "lost"},
    {"closedlost", "lost"},
    {"medium", "normal"},
    {"critical", "urgent"},
    {"new", "open"},
    {"waiting", "pending"},
    {"solved", "resolved"},
};

static const char *enum_match(const char *const *values, const char *norm)
{
    for (size_t i = 0; values[i]; i++)
        if (strcmp(values[i], norm) == 0)
            return values[i];
    for (size_t a = 0; a < sizeof(enum_aliases) / sizeof(enum_aliases[0]); a++) {
        if (strcmp(enum_aliases[a].from, norm) != 0)
            continue;
        for (size_t i = 0; values[i]; i++)
            if (strcmp(values[i], enum_aliases[a].to) == 0)
                return values[i];
    }
    return NULL;
}

/* Trims ASCII white space from both ends of s[0..*len). */
static const char *trim(const char *s, size_t *len)
{
    while (*len && isspace((unsigned char)*s))
        s++, (*len)--;
    while (*len && isspace((unsigned char)s[*len - 1]))
        (*len)--;
    return s;
}

/* How much of `s` an error message quotes: at most 60 bytes, whole UTF-8 characters. */
static int quoted(const char *s, size_t len)
{
    return (int)jm__utf8_prefix(s, len, 60);
}

/*
 * Lower-cases `s` into `norm` with each run of spaces, dashes and underscores read as one '_'
 * ("Closed  Won", "closed-won" -> "closed_won"). False when it does not fit or holds a NUL byte
 * (which would end the comparison early: "won\0junk" is not "won").
 */
static bool normalise_enum(const char *s, size_t len, char *norm, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = (char)tolower((unsigned char)s[i]);
        if (c == '\0')
            return false;
        if (c == ' ' || c == '-' || c == '_') {
            if (n && norm[n - 1] == '_')
                continue;
            c = '_';
        }
        if (n + 1 >= cap)
            return false;
        norm[n++] = c;
    }
    norm[n] = '\0';
    return true;
}

static jm_status parse_enum(const struct jm_field_def *f, const char *s, size_t len,
                            struct jm_value *out, struct jm_error *err)
{
    char norm[40];
    const char *v = NULL;
    if (normalise_enum(s, len, norm, sizeof(norm)))
        v = enum_match(f->values, norm);
    if (v) {
        out->kind = JM_V_TEXT;
        out->s = v;
        out->len = strlen(v);
        return JM_OK;
    }
    char list[200] = "";
    size_t used = 0;
    for (size_t i = 0; f->values[i] && used < sizeof(list) - 1; i++)
        used +=
            (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", f->values[i]);
    return jm_error_set(err, JM_EPARSE, "unknown %s '%.*s' (expected one of: %s)", f->name,
                        quoted(s, len), s, list);
}

/* ---------------------------------------------------------------- numbers */

/*
 * Whole numbers that are plain digits are read exactly with strtoll: through a double, any
 * integer past 2^53 would silently round ("9007199254740993" -> ...992). Other spellings
 * ("1e3", "4.0") go through strtod and must be below 2^53, where doubles are still exact.
 */
static bool parse_int(const char *buf, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (!*end)
        return errno != ERANGE && (*out = v, true);
    errno = 0;
    double d = strtod(buf, &end);
    if (*end || errno == ERANGE || d != floor(d) || fabs(d) >= 9007199254740992.0)
        return false;
    *out = (int64_t)d;
    return true;
}

static jm_status parse_number(const struct jm_field_def *f, const char *s, size_t len,
                              struct jm_value *out, struct jm_error *err)
{
    char buf[64];
    if (len >= sizeof(buf))
        goto bad;
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* strtod accepts hex, "inf" and "nan"; a CRM number is plain decimal. NULs are junk too. */
    for (size_t i = 0; i < len; i++)
        if (!buf[i] || !strchr("0123456789+-.eE", buf[i]))
            goto bad;
    if (f->type == JM_FT_INT) {
        if (!parse_int(buf, &out->i))
            goto bad;
        out->kind = JM_V_INT;
        return JM_OK;
    }
    errno = 0;
    char *end;
    double d = strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(d))
        goto bad;
    out->kind = JM_V_REAL;
    out->r = d == 0 ? 0.0 : d; /* "-0" is 0: the digest must not tell them apart */
    return JM_OK;
bad:
    return jm_error_set(err, JM_EPARSE, "expected %s for %s, got '%.*s'",
                        f->type == JM_FT_INT ? "a whole number" : "a number", f->name,
                        quoted(s, len), s);
}

jm_status jm_value_parse(const struct jm_field_def *f, const char *s, size_t len,
                         const char *date_format, struct jm_value *out, struct jm_error *err)
{
    memset(out, 0, sizeof(*out));
    /*
     * Typed fields ignore surrounding white space (" 42 ", "2024-03-05 "), and white space
     * alone is as empty as "". Text keeps the data's spelling (DESIGN.md §4).
     */
    if (f->type != JM_FT_TEXT && f->type != JM_FT_REF)
        s = trim(s, &len);
    if (len == 0) {
        out->kind = JM_V_MISSING;
        return JM_OK;
    }
    switch (f->type) {
    case JM_FT_TEXT:
    case JM_FT_REF:
        out->kind = JM_V_TEXT;
        out->s = s;
        out->len = len;
        return JM_OK;
    case JM_FT_ENUM:
        return parse_enum(f, s, len, out, err);
    case JM_FT_INT:
    case JM_FT_REAL:
        return parse_number(f, s, len, out, err);
    case JM_FT_TIME: {
        struct jm_error terr;
        if (jm_time_parse(s, len, date_format, &out->i, &terr))
            return jm_error_set(err, JM_EPARSE, "%s: %s", f->name, terr.msg);
        out->kind = JM_V_TIME;
        return JM_OK;
    }
    }
    return jm_error_set(err, JM_EINVAL, "field %s has no type", f->name);
}

/* ---------------------------------------------------------------- checks */

static bool present(const struct jm_value *v)
{
    return v->kind != JM_V_ABSENT && v->kind != JM_V_MISSING;
}

/* The number in `v` (an INT or a REAL). */
static double number_of(const struct jm_value *v)
{
    return v->kind == JM_V_INT ? (double)v->i : v->r;
}

/* The score's range depends on the survey kind: NPS 0-10, CSAT 1-5, CES 1-7. */
static jm_status check_survey_score(const struct jm_record *rec, int *field, struct jm_error *err)
{
    int k = jm_entity_field(rec->def, "kind"), sc = jm_entity_field(rec->def, "score");
    const struct jm_value *kind = &rec->v[k], *score = &rec->v[sc];
    if (!present(kind) || !present(score))
        return JM_OK;
    double lo = 0, hi = 10, x = number_of(score);
    if (kind->len == 4 && memcmp(kind->s, "csat", 4) == 0)
        lo = 1, hi = 5;
    else if (kind->len == 3 && memcmp(kind->s, "ces", 3) == 0)
        lo = 1, hi = 7;
    if (x < lo || x > hi) {
        *field = sc;
        return jm_error_set(err, JM_EPARSE, "%.*s score %g is outside %g..%g", (int)kind->len,
                            kind->s, x, lo, hi);
    }
    return JM_OK;
}

/* Whether a value of kind `k` may stand in a field of type `t`. */
static bool kind_fits(enum jm_ftype t, enum jm_vkind k)
{
    switch (t) {
    case JM_FT_TEXT:
    case JM_FT_ENUM:
    case JM_FT_REF:
        return k == JM_V_TEXT;
    case JM_FT_INT:
        return k == JM_V_INT;
    case JM_FT_REAL:
        return k == JM_V_REAL || k == JM_V_INT;
    case JM_FT_TIME:
        return k == JM_V_TIME;
    }
    return false;
}

/* An enum value must be one of the canonical spellings (as jm_value_parse() produces). */
static bool enum_member(const struct jm_field_def *f, const struct jm_value *v)
{
    for (size_t i = 0; f->values[i]; i++)
        if (strlen(f->values[i]) == v->len && memcmp(f->values[i], v->s, v->len) == 0)
            return true;
    return false;
}

static jm_status check_text(const struct jm_field_def *f, const struct jm_value *v,
                            struct jm_error *err)
{
    size_t bad;
    if (v->len > f->max_len)
        return jm_error_set(err, JM_ELIMIT, "%s is %zu bytes, longer than the limit of %u", f->name,
                            v->len, (unsigned)f->max_len);
    if (!jm_utf8_valid(v->s, v->len, &bad))
        return jm_error_set(err, JM_EPARSE, "%s is not valid UTF-8 (byte %zu)", f->name, bad + 1);
    if (f->type == JM_FT_ENUM && !enum_member(f, v))
        return jm_error_set(err, JM_EPARSE, "%s '%.*s' is not one of its values", f->name,
                            quoted(v->s, v->len), v->s);
    return JM_OK;
}

/*
 * Records built by hand (the demo generator, storage reads, API callers) skip
 * jm_value_parse(), so the value's kind, enum spelling and finiteness are checked here too.
 */
static jm_status check_value(const struct jm_field_def *f, const struct jm_value *v,
                             struct jm_error *err)
{
    if (!present(v))
        return JM_OK;
    if (!kind_fits(f->type, v->kind))
        return jm_error_set(err, JM_EINVAL, "%s has a value of the wrong kind", f->name);
    if (v->kind == JM_V_TEXT)
        return check_text(f, v, err);
    if (v->kind == JM_V_REAL && !isfinite(v->r))
        return jm_error_set(err, JM_EPARSE, "%s is not a finite number", f->name);
    double x = number_of(v);
    if ((v->kind == JM_V_INT || v->kind == JM_V_REAL) && f->min < f->max &&
        (x < f->min || x > f->max))
        return jm_error_set(err, JM_EPARSE, "%s %g is outside %g..%g", f->name, x, f->min, f->max);
    return JM_OK;
}

jm_status jm_record_check(const struct jm_record *rec, int *field, struct jm_error *err)
{
    int dummy;
    if (!field)
        field = &dummy;
    *field = -1;
    const struct jm_entity_def *def = rec->def;
    for (size_t i = 0; i < def->nfields; i++) {
        const struct jm_field_def *f = &def->fields[i];
        const struct jm_value *v = &rec->v[i];
        *field = (int)i;
        if ((f->flags & JM_FIELD_REQUIRED) && !present(v))
            return jm_error_set(err, JM_EPARSE, "%s %s is required", def->singular, f->name);
        jm_status rc = check_value(f, v, err);
        if (rc)
            return rc;
    }
    *field = -1;
    if (rec->props_len) {
        size_t bad;
        if (!jm_utf8_valid(rec->props, rec->props_len, &bad))
            return jm_error_set(err, JM_EPARSE, "properties are not valid UTF-8 (byte %zu)",
                                bad + 1);
    }
    if (def->kind == JM_ENT_SURVEY)
        return check_survey_score(rec, field, err);
    return JM_OK;
}

/* ---------------------------------------------------------------- identity */

static jm_status add_value_text(struct jm_strbuf *sb, const struct jm_value *v)
{
    char tb[40];
    switch (v->kind) {
    case JM_V_TEXT:
        return jm_strbuf_add(sb, v->s, v->len);
    case JM_V_INT:
        return jm_strbuf_addf(sb, "%lld", (long long)v->i);
    case JM_V_REAL:
        return jm_strbuf_addf(sb, "%.17g", v->r);
    case JM_V_TIME:
        /* A period start is a day: "ACME|2024-01-01", with the time only when there is one. */
        jm_time_format(v->i, v->i % JM_US_PER_DAY == 0, tb, sizeof(tb));
        return jm_strbuf_addstr(sb, tb);
    default:
        return JM_OK;
    }
}

jm_status jm_record_key(const struct jm_record *rec, struct jm_strbuf *sb)
{
    const struct jm_entity_def *def = rec->def;
    jm_status rc = JM_OK;
    bool first = true;
    for (size_t i = 0; i < def->nfields && !rc; i++) {
        if (!(def->fields[i].flags & JM_FIELD_KEY))
            continue;
        if (!first)
            rc = jm_strbuf_addch(sb, '|');
        first = false;
        if (!rc)
            rc = add_value_text(sb, &rec->v[i]);
    }
    return rc;
}

static uint64_t hash_value(uint64_t h, size_t idx, const struct jm_value *v)
{
    uint64_t tag = ((uint64_t)idx << 8) | (uint64_t)v->kind;
    h = jm__hash64(&tag, sizeof(tag), h);
    switch (v->kind) {
    case JM_V_TEXT:
        return jm__hash64(v->s, v->len, h);
    case JM_V_INT:
    case JM_V_TIME:
        return jm__hash64(&v->i, sizeof(v->i), h);
    case JM_V_REAL:
        return jm__hash64(&v->r, sizeof(v->r), h);
    default:
        return h;
    }
}

uint64_t jm_record_digest(const struct jm_record *rec)
{
    uint64_t h = (uint64_t)rec->def->kind + 1;
    for (size_t i = 0; i < rec->def->nfields; i++)
        if (rec->v[i].kind != JM_V_ABSENT)
            h = hash_value(h, i, &rec->v[i]);
    if (rec->props_len)
        h = jm__hash64(rec->props, rec->props_len, h ^ 0x70726f70);
    return h ? h : 1;
}

uint64_t jm_event_key(const struct jm_record *rec)
{
    const struct jm_value *mid = &rec->v[JM_EV_MESSAGE_ID];
    uint64_t h;
    /* An empty id (a hand-built record) identifies nothing: every such event would collide. */
    if (mid->kind == JM_V_TEXT && mid->len > 0) {
        h = jm__hash64(mid->s, mid->len, 0x6d736769);
    } else {
        /* Content key: an empty column and an unmapped one are the same event. */
        h = 0x65766e74;
        for (size_t i = 0; i < rec->def->nfields; i++)
            if (i != JM_EV_MESSAGE_ID && present(&rec->v[i]))
                h = hash_value(h, i, &rec->v[i]);
        if (rec->props_len)
            h = jm__hash64(rec->props, rec->props_len, h ^ 0x70726f70);
    }
    return h ? h : 1;
}
