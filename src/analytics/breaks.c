/*
 * Where the journey breaks (DESIGN.md §2 "break point"): stages that lose many of those who
 * reach them, KPIs below target, the touchpoint many of those who dropped saw last, key DMU
 * roles usually missing in a stage, stages where many units stall or go silent. And the
 * stalled and silent units themselves: in an active stage with no touch for stall_days
 * (silent), or there for longer than the stage's p90 of days in stage (stalled).
 *
 * Severities are shares (0..1) so the kinds rank together: the share of reachers lost, the
 * KPI's relative gap (capped at 1), the share of reachers who dropped right after that
 * touchpoint, the share of units in the stage without the role, the share of units now in the
 * stage that are idle.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/internal.h"

#define MIN_UNITS 5 /* fewer units than this say nothing about a stage */

/* Furthest in the journey first (the deals at stake), then the most recently gone quiet (the
 * ones still easy to win back). */
static int idle_cmp(const void *a, const void *b)
{
    const struct jm_idle_unit *x = a, *y = b;
    if (x->stage != y->stage)
        return x->stage > y->stage ? -1 : 1;
    if (x->days_silent != y->days_silent)
        return x->days_silent < y->days_silent ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

jm_status jm__analyze_idle(struct jm_report *r)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_journey *j = tl->journey;
    const struct jm_store *st = jm_dataset_store(tl->ds);
    const struct jm_store_columns *col = jm_store_columns(st);
    size_t ns = tl->n_stages, n = 0, cap = 0;
    struct jm_idle_unit *all = NULL;
    r->idle_by_stage = jm_arena_alloc(&r->arena, (ns + 1) * sizeof(uint64_t));
    if (!r->idle_by_stage)
        return JM_ENOMEM;
    memset(r->idle_by_stage, 0, (ns + 1) * sizeof(uint64_t));
    for (size_t u = 0; u < tl->n_units; u++) {
        uint16_t s = jm__current_stage(tl, u);
        if (s == JM_NO_STAGE || !j->stages[s].active || !jm__unit_in(r, u))
            continue;
        int64_t since = tl->moves[tl->move_start[u + 1] - 1].time;
        int64_t last = tl->last_touch[u] > since ? tl->last_touch[u] : since;
        struct jm_idle_unit x = {u,
                                 s,
                                 JM_IDLE_SILENT,
                                 (double)(tl->as_of - since) / JM_DAY_US,
                                 (double)(tl->as_of - last) / JM_DAY_US,
                                 last,
                                 ""};
        double p90 = r->groups[0].stages[s].in_stage.p90;
        bool silent = x.days_silent >= j->settings.stall_days;
        bool stalled = isfinite(p90) && x.days_in_stage > p90;
        if (!silent && !stalled)
            continue;
        x.kind = silent ? JM_IDLE_SILENT : JM_IDLE_STALLED;
        if (tl->last_event[u] != JM_NONE)
            x.last_touchpoint =
                jm_store_text(st, JM_STORE_TOUCHPOINT, col->touchpoint[tl->last_event[u]], NULL);
        r->n_silent += silent;
        r->n_stalled += !silent;
        r->idle_by_stage[s]++;
        if (n == cap && jm_grow((void **)&all, &cap, n + 1, sizeof(*all))) {
            jm_free(all);
            return JM_ENOMEM;
        }
        all[n++] = x;
    }
    jm__qsort(all, n, sizeof(*all), idle_cmp);
    r->n_idle = n < r->opts.max_listed ? n : r->opts.max_listed;
    r->idle = jm_arena_alloc(&r->arena, (r->n_idle + 1) * sizeof(*r->idle));
    if (r->idle && r->n_idle)
        memcpy(r->idle, all, r->n_idle * sizeof(*all));
    jm_free(all);
    return r->idle ? JM_OK : JM_ENOMEM;
}

struct breaks {
    struct jm_break_point *v;
    size_t n, cap;
};

static jm_status add(struct breaks *b, struct jm_break_point p)
{
    if (b->n == b->cap && jm_grow((void **)&b->v, &b->cap, b->n + 1, sizeof(*b->v)))
        return JM_ENOMEM;
    b->v[b->n++] = p;
    return JM_OK;
}

/* The touchpoint most units that dropped out of stage s saw last. */
static jm_status last_touch(const struct jm_report *r, size_t s, struct breaks *b)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_stage_result *st = &r->groups[0].stages[s];
    const struct jm_store *store = jm_dataset_store(tl->ds);
    const struct jm_store_columns *col = jm_store_columns(store);
    size_t ntp = jm_store_dict_size(store, JM_STORE_TOUCHPOINT);
    uint64_t *count = jm_calloc(ntp + 1, sizeof(uint64_t)), droppers = 0;
    if (!count)
        return JM_ENOMEM;
    for (size_t u = 0; u < tl->n_units; u++) {
        int64_t t = jm__reached_at(tl, u, s);
        if (!jm__in_period(&r->opts, t) || jm__next_later(tl, u, s, t) != INT64_MAX ||
            tl->last_event[u] == JM_NONE || !jm__unit_in(r, u))
            continue;
        droppers++;
        count[col->touchpoint[tl->last_event[u]]]++;
    }
    size_t best = 0;
    for (size_t i = 1; i < ntp; i++)
        if (count[i] > count[best])
            best = i;
    jm_status rc = JM_OK;
    if (droppers >= MIN_UNITS && count[best])
        rc = add(b, (struct jm_break_point){
                        .kind = JM_BREAK_LAST_TOUCH,
                        .stage = s,
                        .severity = (double)count[best] / (double)st->reached,
                        .value = (double)count[best] / (double)droppers,
                        .count = count[best],
                        .of = droppers,
                        .what = jm_store_text(store, JM_STORE_TOUCHPOINT, best, NULL)});
    jm_free(count);
    return rc;
}

/* Key roles of stage s engaged in under half of the units in it. */
static jm_status missing_roles(const struct jm_report *r, size_t s, struct breaks *b)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_strlist *key = &tl->journey->stages[s].dmu_roles;
    size_t ns = tl->n_stages;
    for (size_t k = 0; k < key->n; k++) {
        int bit = jm_timelines_role(tl, key->v[k]);
        double cov = bit < 0 ? NAN : r->dmu_coverage[s * tl->n_roles + (size_t)bit];
        if (!isfinite(cov) || cov >= 0.5)
            continue;
        uint64_t in[2] = {0, 0}, conv[2] = {0, 0};
        for (size_t u = 0; u < tl->n_units; u++) {
            int64_t t = tl->entered[u * ns + s];
            if (!jm__in_period(&r->opts, t) || !jm__unit_in(r, u))
                continue;
            int has = (tl->roles[u * ns + s] >> bit) & 1;
            in[has]++;
            conv[has] += jm__next_later(tl, u, s, t) != INT64_MAX;
        }
        double with = in[1] ? (double)conv[1] / (double)in[1] : NAN;
        double without = in[0] ? (double)conv[0] / (double)in[0] : NAN;
        /* A missing role is a break point only where units with it do better. */
        if (in[0] + in[1] < MIN_UNITS || !(with > without))
            continue;
        jm_status rc =
            add(b, (struct jm_break_point){
                       .kind = JM_BREAK_DMU,
                       .stage = s,
                       .severity = 1 - cov,
                       .value = cov,
                       .target = 0.5,
                       .count = in[0],
                       .of = in[0] + in[1],
                       .what = key->v[k],
                       .with_role_rate = in[1] ? (double)conv[1] / (double)in[1] : NAN,
                       .without_role_rate = in[0] ? (double)conv[0] / (double)in[0] : NAN});
        if (rc)
            return rc;
    }
    return JM_OK;
}

static int break_cmp(const void *a, const void *b)
{
    const struct jm_break_point *x = a, *y = b;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if (x->stage != y->stage)
        return x->stage < y->stage ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

jm_status jm__analyze_breaks(struct jm_report *r)
{
    const struct jm_timelines *tl = r->tl;
    size_t ns = tl->n_stages;
    struct breaks b = {0};
    jm_status rc = JM_OK;
    for (size_t s = 0; !rc && s + 1 < ns; s++) { /* the last stage has nowhere to go */
        const struct jm_stage_result *st = &r->groups[0].stages[s];
        if (st->reached >= MIN_UNITS && st->dropped)
            rc = add(&b, (struct jm_break_point){.kind = JM_BREAK_DROP,
                                                 .stage = s,
                                                 .severity = 1 - st->rate,
                                                 .value = st->rate,
                                                 .count = st->dropped,
                                                 .of = st->reached});
        if (!rc && st->dropped)
            rc = last_touch(r, s, &b);
    }
    for (size_t s = 0; !rc && s < ns; s++) {
        rc = missing_roles(r, s, &b);
        uint64_t now = 0;
        for (size_t u = 0; u < tl->n_units; u++)
            now += jm__current_stage(tl, u) == s && jm__unit_in(r, u);
        if (!rc && now >= MIN_UNITS && r->idle_by_stage[s] * 10 >= now * 3)
            rc = add(&b,
                     (struct jm_break_point){.kind = JM_BREAK_STALL,
                                             .stage = s,
                                             .severity = (double)r->idle_by_stage[s] / (double)now,
                                             .count = r->idle_by_stage[s],
                                             .of = now});
    }
    for (size_t k = 0; !rc && k < r->n_kpis; k++) {
        const struct jm_kpi_result *x = &r->kpis[k];
        if (x->met || !isfinite(x->measured))
            continue;
        rc = add(&b, (struct jm_break_point){.kind = JM_BREAK_KPI,
                                             .stage = x->stage,
                                             .severity = fmin(1, -x->gap),
                                             .value = x->measured,
                                             .target = x->kpi->target,
                                             .kpi = x->kpi,
                                             .what = x->touchpoint});
    }
    if (!rc) {
        jm__qsort(b.v, b.n, sizeof(*b.v), break_cmp);
        r->breaks = jm_arena_alloc(&r->arena, (b.n + 1) * sizeof(*b.v));
        if (!r->breaks)
            rc = JM_ENOMEM;
        else if (b.n)
            memcpy(r->breaks, b.v, b.n * sizeof(*b.v));
        r->n_breaks = rc ? 0 : b.n;
    }
    jm_free(b.v);
    return rc;
}
