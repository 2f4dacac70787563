/*
 * jm_storage_check(): what `journeymap check` reports. Four passes, each finding one line:
 *
 *   1. SQLite's PRAGMA integrity_check (pages, indexes) and foreign_key_check (REF columns).
 *   2. Every row through jm_record_check() (required fields, ranges such as survey scores per
 *      kind, text limits), plus enum spellings. Time order (a deal closed before it was created,
 *      a ticket answered or resolved before it was opened) and a won or lost deal without a close
 *      date are warnings: real CRM data has them, and the records are still usable.
 *   3. Every event segment: column shapes (decoding validates them), min/max time, dictionary
 *      ids and account/contact rowids that resolve, and dedup keys unique across segments.
 *
 * Warnings start with "warning: " and are not counted in *problems, so a workspace with only
 * warnings checks clean. Segment findings are summarised per segment and column (a corrupt
 * segment of 65536 events is one line, not 65536).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "storage/internal.h"

struct check {
    struct jm_storage *st;
    jm_report_fn report;
    void *ctx;
    unsigned long problems;
    struct jm_u64set keys;
    struct jm_error *err;
};

static void finding(struct check *c, bool warning, const char *fmt, ...) JM_PRINTF(3, 4);

static void finding(struct check *c, bool warning, const char *fmt, ...)
{
    char line[600];
    size_t n = (size_t)snprintf(line, sizeof(line), "%s", warning ? "warning: " : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    if (!warning)
        c->problems++;
    c->report(line, c->ctx);
}

/* ---------------------------------------------------------------- SQLite */

static jm_status integrity_row(const struct jm__sqlval *col, int ncol, void *arg)
{
    struct check *c = arg;
    if (ncol >= 1 && !(col[0].len == 2 && memcmp(col[0].s, "ok", 2) == 0))
        finding(c, false, "integrity: %.*s", (int)col[0].len, col[0].s);
    return JM_OK;
}

/* foreign_key_check rows: table, rowid, parent table, foreign key index. */
static jm_status foreign_key_row(const struct jm__sqlval *col, int ncol, void *arg)
{
    struct check *c = arg;
    if (ncol >= 3)
        finding(c, false, "%.*s row %lld refers to a missing row of %.*s", (int)col[0].len,
                col[0].s, (long long)col[1].i, (int)col[2].len, col[2].s);
    return JM_OK;
}

/* ---------------------------------------------------------------- rows */

static void label_of(const struct jm_record *rec, char *buf, size_t cap)
{
    const struct jm_entity_def *def = rec->def;
    const struct jm_value *v = &rec->v[def->id_field >= 0 ? def->id_field : 0];
    snprintf(buf, cap, "%s '%.*s'", def->singular, (int)(v->len > 100 ? 100 : v->len),
             v->kind == JM_V_TEXT ? v->s : "");
}

static bool has_time(const struct jm_value *v)
{
    return v->kind == JM_V_TIME;
}

/* Reports `later` earlier than `first` (both fields of `rec`, by index). */
static void check_order(struct check *c, const struct jm_record *rec, int first, int later,
                        const char *verb, const char *label)
{
    const struct jm_value *a = &rec->v[first], *b = &rec->v[later];
    if (!has_time(a) || !has_time(b) || b->i >= a->i)
        return;
    char ta[40], tb[40];
    /* Most CRM times are dates: print those as dates. */
    jm_time_format(a->i, a->i % JM_US_PER_DAY == 0, ta, sizeof(ta));
    jm_time_format(b->i, b->i % JM_US_PER_DAY == 0, tb, sizeof(tb));
    /* Source data does this (Olist has a deal won before its lead's first contact): worth
     * seeing, but the workspace itself is sound, so it is a warning, not a problem. */
    finding(c, true, "%s was %s %s, before it was %s %s", label, verb, tb,
            rec->def->fields[first].name, ta);
}

static void check_times(struct check *c, const struct jm_record *rec, const char *label)
{
    const struct jm_entity_def *def = rec->def;
    if (def->kind == JM_ENT_DEAL) {
        int created = jm_entity_field(def, "created"), closed = jm_entity_field(def, "closed");
        int status = jm_entity_field(def, "status");
        check_order(c, rec, created, closed, "closed", label);
        const struct jm_value *s = &rec->v[status];
        bool ended =
            s->kind == JM_V_TEXT && (strcmp(s->s, "won") == 0 || strcmp(s->s, "lost") == 0);
        if (ended && !has_time(&rec->v[closed]))
            finding(c, true, "%s is %s but has no close date", label, s->s);
    } else if (def->kind == JM_ENT_TICKET) {
        int opened = jm_entity_field(def, "opened");
        check_order(c, rec, opened, jm_entity_field(def, "first_response"), "first answered",
                    label);
        check_order(c, rec, opened, jm_entity_field(def, "resolved"), "resolved", label);
    }
}

/* Enum values read back point at the canonical spelling; anything else is a stray. */
static void check_enums(struct check *c, const struct jm_record *rec, const char *label)
{
    const struct jm_entity_def *def = rec->def;
    for (size_t i = 0; i < def->nfields; i++) {
        const struct jm_field_def *f = &def->fields[i];
        const struct jm_value *v = &rec->v[i];
        if (f->type != JM_FT_ENUM || v->kind != JM_V_TEXT)
            continue;
        bool known = false;
        for (size_t j = 0; f->values[j] && !known; j++)
            known = v->s == f->values[j];
        if (!known)
            finding(c, false, "%s has an unknown %s '%.*s'", label, f->name,
                    (int)(v->len > 60 ? 60 : v->len), v->s);
    }
}

static jm_status check_record(const struct jm_record *rec, void *arg)
{
    struct check *c = arg;
    char label[160];
    struct jm_error why;
    label_of(rec, label, sizeof(label));
    /* jm_record_check() stops at the first bad field; enums are our own check otherwise. */
    if (jm_record_check(rec, NULL, &why))
        finding(c, false, "%s: %s", label, why.msg);
    else
        check_enums(c, rec, label);
    check_times(c, rec, label);
    return JM_OK;
}

/* ---------------------------------------------------------------- segments */

static bool name_known(const struct jm__names *n, uint32_t id)
{
    return id < n->cap && n->by_id[id].s;
}

/* Counts ids of column `col` that resolve nowhere; one line per segment and column. */
static void check_ids(struct check *c, const struct jm__segblobs *raw, const uint32_t *ids,
                      const struct jm__names *names, const char *col, const char *what)
{
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < raw->n; i++)
        if (ids[i] && !name_known(names, ids[i]) && bad++ == 0)
            first = i;
    if (bad)
        finding(c, false,
                "event segment %lld: %zu %s values refer to missing %s (first: id %u at event "
                "%zu)",
                (long long)raw->id, bad, col, what, (unsigned)ids[first], first);
}

static void check_segment_times(struct check *c, const struct jm__segblobs *raw,
                                const struct jm_event_segment *seg)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < seg->n; i++) {
        lo = seg->time[i] < lo ? seg->time[i] : lo;
        hi = seg->time[i] > hi ? seg->time[i] : hi;
    }
    if (lo != raw->min_time || hi != raw->max_time)
        finding(c, false, "event segment %lld: min_time/max_time do not match its events",
                (long long)raw->id);
}

static jm_status check_keys(struct check *c, const struct jm__segblobs *raw,
                            const struct jm_event_segment *seg)
{
    size_t dup = 0, zero = 0;
    for (size_t i = 0; i < seg->n; i++) {
        bool added;
        if (seg->key[i] == 0) {
            zero++;
            continue;
        }
        if (jm__u64set_add(&c->keys, seg->key[i], &added))
            return jm_error_set(c->err, JM_ENOMEM, "out of memory");
        dup += !added;
    }
    if (zero)
        finding(c, false, "event segment %lld: %zu events have no dedup key", (long long)raw->id,
                zero);
    if (dup)
        finding(c, false, "event segment %lld: %zu events repeat the dedup key of another event",
                (long long)raw->id, dup);
    return JM_OK;
}

static jm_status check_segment(const struct jm__segblobs *raw, void *arg)
{
    struct check *c = arg;
    struct jm_storage *st = c->st;
    char why[200];
    jm_status rc = jm__segread_decode(&st->read, raw, why, sizeof(why));
    if (rc == JM_ENOMEM)
        return jm_error_set(c->err, rc, "out of memory");
    if (rc) {
        finding(c, false, "event segment %lld is corrupt: %s", (long long)raw->id, why);
        return JM_OK;
    }
    const struct jm_event_segment *seg = &st->read.seg;
    check_segment_times(c, raw, seg);
    check_ids(c, raw, seg->account, &st->names[JM_ENT_ACCOUNT], "account", "accounts");
    check_ids(c, raw, seg->contact, &st->names[JM_ENT_CONTACT], "contact", "contacts");
    for (int col = 0; col < JM_SC__COUNT; col++)
        if (jm__segcols[col].kind == JM_CK_DICT)
            check_ids(c, raw, seg->dict[jm__segcols[col].field], &st->dict, jm__segcols[col].name,
                      "dictionary entries");
    return check_keys(c, raw, seg);
}

/* ---------------------------------------------------------------- entry */

jm_status jm_storage_check(struct jm_storage *st, jm_report_fn report, void *ctx,
                           unsigned long *problems, struct jm_error *err)
{
    if (!st || !report)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to check a workspace");
    struct check c = {st, report, ctx, 0, JM_U64SET_INIT, err};
    jm_status rc = jm__storage_query(st, "PRAGMA integrity_check", integrity_row, &c, err);
    if (!rc)
        rc = jm__storage_query(st, "PRAGMA foreign_key_check", foreign_key_row, &c, err);
    for (int k = 0; k < JM_ENT__COUNT && !rc; k++)
        if (k != JM_ENT_EVENT)
            rc = jm_storage_scan(st, (enum jm_entity)k, check_record, &c, err);
    if (!rc)
        rc = jm__storage_load_names(st, err);
    if (!rc)
        rc = jm__storage_segments(st, JM__ALL_SEGCOLS, check_segment, &c, err);
    jm__u64set_release(&c.keys);
    if (problems)
        *problems = c.problems;
    return rc;
}
