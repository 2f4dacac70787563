/*
 * jm_storage_stats(): the workspace summary behind `journeymap stats` (sections in storage.h).
 * Deal sections come from SQL over the deals table; event sections from one pass over the
 * segments, counting dictionary ids in arrays indexed by id (no string work per event) and
 * months through a cached [start, end) range, so 10^7 events cost a few array increments each.
 *
 * Rows are collected per section, sorted (count descending, then label; months ascending with
 * "(missing)" last) and handed to the callback.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storage/internal.h"

#define MISSING "(missing)"

struct row {
    const char *label;
    uint64_t count;
    double amount;
    int64_t month; /* year * 12 + month - 1; INT64_MAX for (missing) */
};

struct rows {
    struct row *v;
    size_t n, cap;
};

/* A running count per calendar month. */
struct months {
    struct row *v; /* sorted by month */
    size_t n, cap;
    int64_t lo, hi; /* [lo, hi) in microseconds: the month of v[last] */
    size_t last;
};

struct stats {
    struct jm_storage *st;
    struct jm_arena arena;          /* labels */
    uint64_t *channel, *touchpoint; /* by dictionary id */
    size_t ndict;
    struct months ev_months;
    jm_stat_fn fn;
    void *ctx;
    struct jm_error *err;
};

static jm_status oom(struct stats *s)
{
    return jm_error_set(s->err, JM_ENOMEM, "out of memory");
}

static jm_status rows_add(struct rows *r, const char *label, uint64_t count, double amount)
{
    void *p = r->v;
    if (!label || jm_grow(&p, &r->cap, r->n + 1, sizeof(*r->v)))
        return JM_ENOMEM;
    r->v = p;
    r->v[r->n++] = (struct row){label, count, amount, 0};
    return JM_OK;
}

static int by_count(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->label, y->label);
}

static jm_status emit(struct stats *s, const char *section, struct row *v, size_t n, bool sort)
{
    if (sort && n > 1)
        qsort(v, n, sizeof(*v), by_count);
    for (size_t i = 0; i < n; i++) {
        jm_status rc = s->fn(section, v[i].label, v[i].count, v[i].amount, s->ctx);
        if (rc)
            return rc;
    }
    return JM_OK;
}

/* ---------------------------------------------------------------- months */

static jm_status month_slot(struct months *m, int64_t t, size_t *slot)
{
    int y, mo, d, h, mi, sec;
    jm_time_civil(t, &y, &mo, &d, &h, &mi, &sec);
    int64_t key = (int64_t)y * 12 + mo - 1;
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->v[mid].month < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == m->n || m->v[lo].month != key) {
        void *p = m->v;
        if (jm_grow(&p, &m->cap, m->n + 1, sizeof(*m->v)))
            return JM_ENOMEM;
        m->v = p;
        memmove(m->v + lo + 1, m->v + lo, (m->n - lo) * sizeof(*m->v));
        m->v[lo] = (struct row){NULL, 0, 0, key};
        m->n++;
    }
    m->lo = jm_days_from_civil(y, (unsigned)mo, 1) * JM_US_PER_DAY;
    m->hi = jm_days_from_civil(mo == 12 ? y + 1 : y, mo == 12 ? 1 : (unsigned)mo + 1, 1) *
            JM_US_PER_DAY;
    m->last = lo;
    *slot = lo;
    return JM_OK;
}

static jm_status month_add(struct months *m, int64_t t, double amount)
{
    size_t slot = m->last;
    if (m->n == 0 || t < m->lo || t >= m->hi) {
        jm_status rc = month_slot(m, t, &slot);
        if (rc)
            return rc;
    }
    m->v[slot].count++;
    if (!isnan(amount))
        m->v[slot].amount += amount;
    return JM_OK;
}

/* Appends a row after the sorted months ("(missing)" goes last). */
static jm_status month_push(struct months *m, struct row r)
{
    void *p = m->v;
    if (jm_grow(&p, &m->cap, m->n + 1, sizeof(*m->v)))
        return JM_ENOMEM;
    m->v = p;
    m->v[m->n++] = r;
    return JM_OK;
}

static jm_status months_emit(struct stats *s, const char *section, struct months *m, bool amounts)
{
    for (size_t i = 0; i < m->n; i++) {
        int64_t key = m->v[i].month;
        if (key == INT64_MAX)
            m->v[i].label = MISSING;
        else
            m->v[i].label = jm_arena_printf(&s->arena, "%04lld-%02d",
                                            (long long)(key >= 0 ? key / 12 : (key - 11) / 12),
                                            (int)(((key % 12) + 12) % 12) + 1);
        if (!m->v[i].label)
            return oom(s);
        if (!amounts)
            m->v[i].amount = NAN;
    }
    return emit(s, section, m->v, m->n, false);
}

/* ---------------------------------------------------------------- entities and deals */

static jm_status entities(struct stats *s)
{
    struct row v[JM_ENT__COUNT];
    for (int k = 0; k < JM_ENT__COUNT; k++) {
        uint64_t n;
        jm_status rc = jm_storage_count(s->st, (enum jm_entity)k, &n, s->err);
        if (rc)
            return rc;
        v[k] = (struct row){jm_entity_get((enum jm_entity)k)->name, n, NAN, 0};
    }
    return emit(s, "entities", v, JM_ENT__COUNT, true);
}

static const char *text_or_missing(struct stats *s, const struct jm__sqlval *v)
{
    if (v->type == JM_SQL_NULL)
        return MISSING;
    return jm_arena_strndup(&s->arena, v->s, v->len);
}

struct deal_ctx {
    struct stats *s;
    struct rows stages, status;
    struct months months;
    struct row missing;
};

/* Row: pipeline, stage, status, count, amount. */
static jm_status deal_stage_row(const struct jm__sqlval *col, int ncol, void *arg)
{
    struct deal_ctx *d = arg;
    (void)ncol;
    const char *part[3];
    for (int i = 0; i < 3; i++) {
        part[i] = text_or_missing(d->s, &col[i]);
        if (!part[i])
            return oom(d->s);
    }
    const char *label = jm_arena_printf(&d->s->arena, "%s / %s (%s)", part[0], part[1], part[2]);
    return rows_add(&d->stages, label, (uint64_t)col[3].i, col[4].r) ? oom(d->s) : JM_OK;
}

static jm_status deal_status_row(const struct jm__sqlval *col, int ncol, void *arg)
{
    struct deal_ctx *d = arg;
    (void)ncol;
    const char *label = text_or_missing(d->s, &col[0]);
    return rows_add(&d->status, label, (uint64_t)col[1].i, col[2].r) ? oom(d->s) : JM_OK;
}

/* Row: created, amount. */
static jm_status deal_month_row(const struct jm__sqlval *col, int ncol, void *arg)
{
    struct deal_ctx *d = arg;
    (void)ncol;
    double amount = col[1].type == JM_SQL_NULL ? NAN : col[1].r;
    if (col[0].type == JM_SQL_NULL) {
        d->missing.count++;
        d->missing.amount += isnan(amount) ? 0 : amount;
        return JM_OK;
    }
    return month_add(&d->months, col[0].i, amount) ? oom(d->s) : JM_OK;
}

static jm_status deals(struct stats *s)
{
    struct deal_ctx d = {.s = s, .missing = {MISSING, 0, 0, INT64_MAX}};
    jm_status rc = jm__storage_query(s->st,
                                     "SELECT pipeline, stage, status, count(*), total(amount) "
                                     "FROM deals GROUP BY pipeline, stage, status",
                                     deal_stage_row, &d, s->err);
    if (!rc)
        rc = jm__storage_query(s->st,
                               "SELECT status, count(*), total(amount) FROM deals GROUP BY status",
                               deal_status_row, &d, s->err);
    if (!rc)
        rc = jm__storage_query(s->st, "SELECT created, amount FROM deals", deal_month_row, &d,
                               s->err);
    if (!rc)
        rc = emit(s, "deal stages", d.stages.v, d.stages.n, true);
    if (!rc)
        rc = emit(s, "deal status", d.status.v, d.status.n, true);
    if (!rc && d.missing.count && month_push(&d.months, d.missing))
        rc = oom(s);
    if (!rc)
        rc = months_emit(s, "deals by month", &d.months, true);
    jm_free(d.stages.v);
    jm_free(d.status.v);
    jm_free(d.months.v);
    return rc;
}

/* ---------------------------------------------------------------- events */

static void count_dict(const struct stats *s, uint64_t *counts, const uint32_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        counts[ids[i] < s->ndict ? ids[i] : 0]++; /* a dangling id counts as missing */
}

static jm_status event_segment(const struct jm_event_segment *seg, void *arg)
{
    struct stats *s = arg;
    if (!s->channel) {
        /* The scan has loaded the whole dictionary: every id is below its size. */
        s->ndict = s->st->dict.cap ? s->st->dict.cap : 1;
        s->channel = jm_calloc(s->ndict, sizeof(uint64_t));
        s->touchpoint = jm_calloc(s->ndict, sizeof(uint64_t));
        if (!s->channel || !s->touchpoint)
            return oom(s);
    }
    count_dict(s, s->channel, seg->dict[JM_EV_CHANNEL], seg->n);
    count_dict(s, s->touchpoint, seg->dict[JM_EV_TOUCHPOINT], seg->n);
    for (size_t i = 0; i < seg->n; i++)
        if (month_add(&s->ev_months, seg->time[i], NAN))
            return oom(s);
    return JM_OK;
}

static jm_status dict_section(struct stats *s, const char *section, const uint64_t *counts)
{
    struct rows r = {NULL, 0, 0};
    jm_status rc = JM_OK;
    const struct jm__names *dict = &s->st->dict;
    for (size_t id = 0; counts && id < s->ndict && !rc; id++) {
        if (!counts[id])
            continue;
        const char *label = MISSING;
        if (id && id < dict->cap && dict->by_id[id].s)
            label = jm_arena_strndup(&s->arena, dict->by_id[id].s, dict->by_id[id].len);
        if (rows_add(&r, label, counts[id], NAN))
            rc = oom(s);
    }
    if (!rc)
        rc = emit(s, section, r.v, r.n, true);
    jm_free(r.v);
    return rc;
}

static jm_status events(struct stats *s)
{
    jm_status rc = jm_storage_scan_events(s->st, event_segment, s, s->err);
    if (!rc)
        rc = dict_section(s, "event channels", s->channel);
    if (!rc)
        rc = dict_section(s, "touchpoints", s->touchpoint);
    if (!rc)
        rc = months_emit(s, "events by month", &s->ev_months, false);
    return rc;
}

jm_status jm_storage_stats(struct jm_storage *st, jm_stat_fn fn, void *ctx, struct jm_error *err)
{
    if (!st || !fn)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to workspace stats");
    struct stats s = {.st = st, .fn = fn, .ctx = ctx, .err = err};
    jm_arena_init(&s.arena);
    jm_status rc = entities(&s);
    if (!rc)
        rc = deals(&s);
    if (!rc)
        rc = events(&s);
    jm_free(s.channel);
    jm_free(s.touchpoint);
    jm_free(s.ev_months.v);
    jm_arena_release(&s.arena);
    return rc;
}
