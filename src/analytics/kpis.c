/*
 * KPIs against their targets, and DMU coverage per stage. A KPI is measured on everyone
 * (group "(all)") in the period:
 *   conversion_rate  the stage's funnel rate          median_days  median days in the stage
 *   count            units that reached the stage (a touchpoint KPI: its events)
 *   nps              NPS of surveys answered while in the stage
 *   win_rate         won / (won + lost) of the deals of units that reached the stage
 *   dmu_coverage     mean share of the stage's key roles engaged while in it
 *   nrr              latest MRR / first MRR summed over the accounts that reached the stage
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "analytics/internal.h"

static bool reached(const struct jm_report *r, size_t u, size_t s)
{
    return jm__in_period(&r->opts, jm__reached_at(r->tl, u, s));
}

static double nps_in_stage(const struct jm_report *r, size_t s)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_dataset *ds = tl->ds;
    const struct jm_entity_def *def = jm_entity_get(JM_ENT_SURVEY);
    int fk = jm_entity_field(def, "kind"), fs = jm_entity_field(def, "score");
    uint64_t n = 0, pro = 0, det = 0;
    for (size_t row = 0; row < jm_dataset_rows(ds, JM_ENT_SURVEY); row++) {
        const struct jm_value *k = jm_dataset_value(ds, JM_ENT_SURVEY, row, fk);
        if (k->kind != JM_V_TEXT || strcmp(k->s, "nps") != 0)
            continue;
        uint32_t u = jm__record_unit(tl, JM_ENT_SURVEY, row);
        int64_t t = jm__record_time(ds, JM_ENT_SURVEY, row);
        if (!jm__unit_in(r, u) || !jm__in_period(&r->opts, t) ||
            jm_timelines_stage_at(tl, u, t) != s)
            continue;
        const struct jm_value *v = jm_dataset_value(ds, JM_ENT_SURVEY, row, fs);
        double score = v->kind == JM_V_INT ? (double)v->i : v->r;
        n++;
        pro += score >= 9;
        det += score <= 6;
    }
    return n ? 100.0 * ((double)pro - (double)det) / (double)n : NAN;
}

static double win_rate_of_reached(const struct jm_report *r, size_t s)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_dataset *ds = tl->ds;
    int fs = jm_entity_field(jm_entity_get(JM_ENT_DEAL), "status");
    uint64_t won = 0, lost = 0;
    for (size_t d = 0; d < jm_dataset_rows(ds, JM_ENT_DEAL); d++) {
        uint32_t u = jm__record_unit(tl, JM_ENT_DEAL, d);
        if (!jm__unit_in(r, u) || !reached(r, u, s))
            continue;
        const struct jm_value *v = jm_dataset_value(ds, JM_ENT_DEAL, d, fs);
        won += v->kind == JM_V_TEXT && strcmp(v->s, "won") == 0;
        lost += v->kind == JM_V_TEXT && strcmp(v->s, "lost") == 0;
    }
    return won + lost ? (double)won / (double)(won + lost) : NAN;
}

static double dmu_coverage(const struct jm_report *r, size_t s)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_strlist *key = &tl->journey->stages[s].dmu_roles;
    uint16_t want = 0;
    for (size_t i = 0; i < key->n; i++) {
        int bit = jm_timelines_role(tl, key->v[i]);
        if (bit >= 0)
            want |= (uint16_t)(1u << bit);
    }
    if (!want)
        return NAN;
    double sum = 0;
    uint64_t n = 0;
    for (size_t u = 0; u < tl->n_units; u++) {
        if (!jm__in_period(&r->opts, tl->entered[u * tl->n_stages + s]) || !jm__unit_in(r, u))
            continue;
        sum += (double)__builtin_popcount(tl->roles[u * tl->n_stages + s] & want) /
               (double)__builtin_popcount(want);
        n++;
    }
    return n ? sum / (double)n : NAN;
}

/* Accounts of the units that reached the stage: latest MRR over first MRR, summed. */
static double nrr(const struct jm_report *r, size_t s)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_dataset *ds = tl->ds;
    size_t na = jm_dataset_rows(ds, JM_ENT_ACCOUNT), nrev = jm_dataset_rows(ds, JM_ENT_REVENUE);
    uint8_t *in = jm_calloc(na + 1, 1);
    int64_t *first_t = jm_malloc((na + 1) * sizeof(int64_t)),
            *last_t = jm_malloc((na + 1) * sizeof(int64_t));
    double *first = jm_calloc(na + 1, sizeof(double)), *last = jm_calloc(na + 1, sizeof(double));
    double start = 0, now = 0;
    if (!in || !first_t || !last_t || !first || !last)
        goto done;
    for (size_t u = 0; u < tl->n_units; u++) {
        uint32_t a = tl->level == JM_LEVEL_ACCOUNT
                         ? tl->unit_row[u]
                         : ds->tables[JM_ENT_CONTACT].account[tl->unit_row[u]];
        if (a != JM_NONE && reached(r, u, s) && jm__unit_in(r, u))
            in[a] = 1;
    }
    for (size_t a = 0; a < na; a++) {
        first_t[a] = INT64_MAX;
        last_t[a] = INT64_MIN;
    }
    int fm = jm_entity_field(jm_entity_get(JM_ENT_REVENUE), "mrr");
    for (size_t row = 0; row < nrev; row++) {
        uint32_t a = ds->tables[JM_ENT_REVENUE].account[row];
        int64_t t = jm__record_time(ds, JM_ENT_REVENUE, row);
        if (a == JM_NONE || !in[a])
            continue;
        const struct jm_value *v = jm_dataset_value(ds, JM_ENT_REVENUE, row, fm);
        double mrr = v->kind == JM_V_INT ? (double)v->i : v->r;
        if (t < first_t[a]) {
            first_t[a] = t;
            first[a] = mrr;
        }
        if (t > last_t[a]) {
            last_t[a] = t;
            last[a] = mrr;
        }
    }
    for (size_t a = 0; a < na; a++) {
        start += first[a];
        now += last[a];
    }
done:
    jm_free(in);
    jm_free(first_t);
    jm_free(last_t);
    jm_free(first);
    jm_free(last);
    return start > 0 ? now / start : NAN;
}

static uint64_t touchpoint_events(const struct jm_report *r, const char *tp)
{
    const struct jm_store *st = jm_dataset_store(r->tl->ds);
    const struct jm_store_columns *col = jm_store_columns(st);
    int64_t id = jm_store_lookup(st, JM_STORE_TOUCHPOINT, tp, strlen(tp));
    uint64_t n = 0;
    for (size_t a = 0; id > 0 && a <= col->n_accounts; a++) {
        size_t b, e;
        jm_store_account_slice(st, a, &b, &e);
        for (size_t i = b; i < e; i++)
            n += col->touchpoint[i] == (uint16_t)id && jm__in_period(&r->opts, col->time_us[i]) &&
                 (!r->unit_in || jm__unit_in(r, jm__event_unit(r->tl, a, i)));
    }
    return n;
}

static double measure(const struct jm_report *r, size_t s, const char *tp, enum jm_kpi_metric m)
{
    const struct jm_stage_result *st = tp ? NULL : &r->groups[0].stages[s];
    switch (m) {
    case JM_KPI_CONVERSION_RATE:
        return st ? st->rate : NAN;
    case JM_KPI_MEDIAN_DAYS:
        return st ? st->in_stage.median : NAN;
    case JM_KPI_COUNT:
        return st ? (double)st->reached : (double)touchpoint_events(r, tp);
    case JM_KPI_NPS:
        return nps_in_stage(r, s);
    case JM_KPI_WIN_RATE:
        return win_rate_of_reached(r, s);
    case JM_KPI_DMU_COVERAGE:
        return dmu_coverage(r, s);
    case JM_KPI_NRR:
        return nrr(r, s);
    case JM_KPI__COUNT:
        break;
    }
    return NAN;
}

static void judge(struct jm_kpi_result *k)
{
    double t = k->kpi->target, scale = fabs(t) > 0 ? fabs(t) : 1;
    k->gap = (k->measured - t) / scale;
    if (!jm_kpi_higher_is_better(k->kpi->metric))
        k->gap = -k->gap;
    k->met = isfinite(k->measured) && k->gap >= 0;
}

jm_status jm__analyze_kpis(struct jm_report *r)
{
    const struct jm_journey *j = r->tl->journey;
    size_t n = 0, ns = j->n_stages, nr = r->tl->n_roles;
    for (size_t s = 0; s < ns; s++)
        n += j->stages[s].n_kpis;
    for (size_t t = 0; t < j->n_touchpoints; t++)
        n += j->touchpoints[t].has_kpi;
    r->kpis = jm_arena_alloc(&r->arena, (n + 1) * sizeof(*r->kpis));
    r->dmu_coverage = jm_arena_alloc(&r->arena, (ns * nr + 1) * sizeof(double));
    if (!r->kpis || !r->dmu_coverage)
        return JM_ENOMEM;
    for (size_t s = 0; s < ns; s++)
        for (size_t k = 0; k < j->stages[s].n_kpis; k++) {
            struct jm_kpi_result *x = &r->kpis[r->n_kpis++];
            *x = (struct jm_kpi_result){.stage = s, .kpi = &j->stages[s].kpis[k]};
            x->measured = measure(r, s, NULL, x->kpi->metric);
            judge(x);
        }
    for (size_t t = 0; t < j->n_touchpoints; t++) {
        const struct jm_touchpoint_def *tp = &j->touchpoints[t];
        if (!tp->has_kpi)
            continue;
        struct jm_kpi_result *x = &r->kpis[r->n_kpis++];
        size_t s = tp->stage ? tp->stage_index : JM_NONE;
        *x = (struct jm_kpi_result){.stage = s, .kpi = &tp->kpi, .touchpoint = tp->key};
        /* Touchpoint KPIs other than count are measured on its usual stage. */
        x->measured = tp->kpi.metric == JM_KPI_COUNT ? measure(r, 0, tp->key, JM_KPI_COUNT)
                      : s != JM_NONE                 ? measure(r, s, NULL, tp->kpi.metric)
                                                     : NAN;
        judge(x);
    }
    const struct jm_timelines *tl = r->tl;
    for (size_t s = 0; s < ns; s++)
        for (size_t b = 0; b < nr; b++) {
            uint64_t in = 0, with = 0;
            for (size_t u = 0; u < tl->n_units; u++) {
                if (!jm__in_period(&r->opts, tl->entered[u * ns + s]) || !jm__unit_in(r, u))
                    continue;
                in++;
                with += (tl->roles[u * ns + s] >> b) & 1u;
            }
            r->dmu_coverage[s * nr + b] = in ? (double)with / (double)in : NAN;
        }
    return JM_OK;
}
