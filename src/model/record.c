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

static jm_status parse_enum(const struct jm_field_def *f, const char *s, size_t len,
                            struct jm_value *out, struct jm_error *err)
{
    char norm[40];
    size_t n = 0;
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len >= sizeof(norm))
        goto unknown;
    for (; n < len; n++) {
        char c = (char)tolower((unsigned char)s[n]);
        norm[n] = (c == ' ' || c == '-') ? '_' : c;
    }
    norm[n] = '\0';
    const char *v = enum_match(f->values, norm);
    if (!v)
        goto unknown;
    out->kind = JM_V_TEXT;
    out->s = v;
    out->len = strlen(v);
    return JM_OK;
unknown: {
    char list[200] = "";
    size_t used = 0;
    for (size_t i = 0; f->values[i] && used < sizeof(list) - 1; i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                 f->values[i]);
    return jm_error_set(err, JM_EPARSE, "unknown %s '%.*s' (expected one of: %s)", f->name,
                        (int)(len > 60 ? 60 : len), s, list);
}
}

/* ---------------------------------------------------------------- numbers */

static jm_status parse_number(const struct jm_field_def *f, const char *s, size_t len,
                              struct jm_value *out, struct jm_error *err)
{
    char buf[64];
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (len == 0 || len >= sizeof(buf))
        goto bad;
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* strtod accepts hex, "inf" and "nan"; a CRM number is plain decimal. */
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789+-.eE", buf[i]))
            goto bad;
    errno = 0;
    char *end;
    double d = strtod(buf, &end);
    if (*end || errno == ERANGE || !isfinite(d))
        goto bad;
    if (f->type == JM_FT_INT) {
        if (d != floor(d) || fabs(d) > 9.007199254740992e15)
            goto bad;
        out->kind = JM_V_INT;
        out->i = (int64_t)d;
    } else {
        out->kind = JM_V_REAL;
        out->r = d;
    }
    return JM_OK;
bad:
    return jm_error_set(err, JM_EPARSE, "expected %s for %s, got '%.*s'",
                        f->type == JM_FT_INT ? "a whole number" : "a number", f->name,
                        (int)(len > 60 ? 60 : len), s);
}

jm_status jm_value_parse(const struct jm_field_def *f, const char *s, size_t len,
                         const char *date_format, struct jm_value *out, struct jm_error *err)
{
    memset(out, 0, sizeof(*out));
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

static jm_status check_survey_score(const struct jm_record *rec, int *field,
                                    struct jm_error *err)
{
    const struct jm_value *kind = &rec->v[4], *score = &rec->v[5];
    if (!present(kind) || !present(score))
        return JM_OK;
    double lo = 0, hi = 10;
    if (kind->len == 4 && memcmp(kind->s, "csat", 4) == 0)
        lo = 1, hi = 5;
    else if (kind->len == 3 && memcmp(kind->s, "ces", 3) == 0)
        lo = 1, hi = 7;
    if (score->r < lo || score->r > hi) {
        *field = 5;
        return jm_error_set(err, JM_EPARSE, "%.*s score %g is outside %g..%g", (int)kind->len,
                            kind->s, score->r, lo, hi);
    }
    return JM_OK;
}

static jm_status check_value(const struct jm_field_def *f, const struct jm_value *v,
                             struct jm_error *err)
{
    if (v->kind == JM_V_TEXT) {
        size_t bad;
        if (v->len > f->max_len)
            return jm_error_set(err, JM_ELIMIT, "%s is %zu bytes, longer than the limit of %u",
                                f->name, v->len, (unsigned)f->max_len);
        if (!jm_utf8_valid(v->s, v->len, &bad))
            return jm_error_set(err, JM_EPARSE, "%s is not valid UTF-8 (byte %zu)", f->name,
                                bad + 1);
    }
    double x = v->kind == JM_V_INT ? (double)v->i : v->r;
    if ((v->kind == JM_V_INT || v->kind == JM_V_REAL) && f->min < f->max &&
        (x < f->min || x > f->max))
        return jm_error_set(err, JM_EPARSE, "%s %g is outside %g..%g", f->name, x, f->min,
                            f->max);
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
            return jm_error_set(err, JM_EPARSE, "properties are not valid UTF-8");
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
        jm_time_format(v->i, false, tb, sizeof(tb));
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
    if (mid->kind == JM_V_TEXT) {
        h = jm__hash64(mid->s, mid->len, 0x6d736769);
    } else {
        /* Content key: an empty column and an unmapped one are the same event. */
        h = 0x65766e74;
        for (size_t i = 0; i < rec->def->nfields; i++)
            if (present(&rec->v[i]))
                h = hash_value(h, i, &rec->v[i]);
        if (rec->props_len)
            h = jm__hash64(rec->props, rec->props_len, h ^ 0x70726f70);
    }
    return h ? h : 1;
}
