/*
 * Support tickets against SLA targets, for the voice of the customer (insights.h): one row per
 * priority for the tickets the population opened in the period, and how breaches go with NPS
 * and churn. Also the CLI's "PRIORITY=FIRST/RESOLUTION" form of a target.
 *
 * A breach happens at a moment: the ticket's opening plus the target it missed (the earlier one
 * when it missed both), whether or not it was answered later. An NPS answer counts as "after a
 * breach" when one of its unit's breach moments lies in [answer - after_breach_days, answer],
 * so a survey sent before anything went wrong is not blamed on it. The breach set is the SLA
 * table's tickets; units without any of them are "clean".
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "insights/voice_sla.h"

#define HOUR_US 3600000000.0

/* ---------------------------------------------------------------- parsing */

/* "4", "4h", "1.5d": hours, 0 .. a century. */
static bool parse_hours(const char *s, size_t len, double *out)
{
    char buf[32];
    if (!len || len >= sizeof(buf) || !(s[0] == '.' || (s[0] >= '0' && s[0] <= '9')))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    double x = strtod(buf, &end);
    double unit = 1;
    if (*end == 'h' || *end == 'd')
        unit = *end++ == 'd' ? 24 : 1;
    if (*end || !(x * unit <= 876000)) /* a century: what jm_voice_compute() accepts */
        return false;
    *out = x * unit;
    return true;
}

bool jm_voice_parse_sla(struct jm_voice_opts *o, const char *s, struct jm_error *err)
{
    static const char *const NAMES[JM_PRIO__COUNT] = {"low", "normal", "high", "urgent"};
    const char *eq = strchr(s, '='), *slash = eq ? strchr(eq, '/') : NULL;
    struct jm_sla_target t;
    if (!slash || eq == s ||
        !parse_hours(eq + 1, (size_t)(slash - eq - 1), &t.first_response_hours) ||
        !parse_hours(slash + 1, strlen(slash + 1), &t.resolution_hours)) {
        jm_error_set(err, JM_EINVAL,
                     "sla '%s': expected PRIORITY=FIRST/RESOLUTION in hours, as urgent=1/8 or "
                     "high=4h/1d",
                     s);
        return false;
    }
    for (int p = 0; p < JM_PRIO__COUNT; p++)
        if (strlen(NAMES[p]) == (size_t)(eq - s) &&
            strncasecmp(s, NAMES[p], (size_t)(eq - s)) == 0) {
            o->sla[p] = t;
            return true;
        }
    jm_error_set(err, JM_EINVAL, "sla '%s': unknown priority '%.*s' (low, normal, high, urgent)", s,
                 (int)(eq - s), s);
    return false;
}

/* ---------------------------------------------------------------- the SLA table */

struct moment {
    uint32_t unit;
    int64_t time;
};

struct sla_work {
    struct jm_dvec resp[JM_PRIO__COUNT + 1], res[JM_PRIO__COUNT + 1];
    double csat[JM_PRIO__COUNT + 1];
    struct moment *moments; /* breach moments, sorted by (unit, time) once all are in */
    size_t n, cap;
    uint8_t *breached; /* per unit */
    int csat_field;
};

/* When a ticket opened at `opened` with breaches `b` first missed a target. */
static int64_t breach_moment(const struct jm_sla_target *t, const struct jm__breach *b,
                             int64_t opened)
{
    double h = b->response ? t->first_response_hours : INFINITY;
    if (b->resolution && t->resolution_hours < h)
        h = t->resolution_hours;
    return opened + (int64_t)(h * HOUR_US);
}

static jm_status ticket(const struct jm_report *r, struct jm_voice *v, struct sla_work *w,
                        size_t row, uint32_t u)
{
    const struct jm_dataset *ds = r->tl->ds;
    int64_t opened = jm__record_time(ds, JM_ENT_TICKET, row);
    enum jm_priority p = jm__ticket_prio(ds, row);
    struct jm_sla_row *sr = &v->sla[p];
    struct jm__breach b;
    jm__ticket_breach(ds, row, v->opts.sla, r->tl->as_of, &b);
    sr->tickets++;
    sr->responded += isfinite(b.resp_h);
    sr->resolved += isfinite(b.res_h);
    sr->response_breaches += b.response;
    sr->resolution_breaches += b.resolution;
    if ((isfinite(b.resp_h) && jm__dvec_push(&w->resp[p], b.resp_h)) ||
        (isfinite(b.res_h) && jm__dvec_push(&w->res[p], b.res_h)))
        return JM_ENOMEM;
    double csat = jm__value_number(jm_dataset_value(ds, JM_ENT_TICKET, row, w->csat_field));
    if (!isnan(csat)) {
        sr->n_csat++;
        w->csat[p] += csat;
    }
    if (!b.response && !b.resolution)
        return JM_OK;
    w->breached[u] = 1;
    if (w->n == w->cap && jm_grow((void **)&w->moments, &w->cap, w->n + 1, sizeof(*w->moments)))
        return JM_ENOMEM;
    w->moments[w->n++] = (struct moment){u, breach_moment(&v->opts.sla[p], &b, opened)};
    return JM_OK;
}

static jm_status table(const struct jm_report *r, struct jm_voice *v, struct sla_work *w)
{
    const struct jm_dataset *ds = r->tl->ds;
    for (size_t row = 0; row < jm_dataset_rows(ds, JM_ENT_TICKET); row++) {
        uint32_t u = jm__record_unit(r->tl, JM_ENT_TICKET, row);
        if (!jm__unit_in(r, u) || !jm__in_period(&r->opts, jm__record_time(ds, JM_ENT_TICKET, row)))
            continue;
        if (ticket(r, v, w, row, u))
            return JM_ENOMEM;
    }
    for (int p = 0; p <= JM_PRIO__COUNT; p++) {
        struct jm_sla_row *sr = &v->sla[p];
        jm_dist_of(w->resp[p].v, w->resp[p].n, &sr->response_hours);
        jm_dist_of(w->res[p].v, w->res[p].n, &sr->resolution_hours);
        sr->csat = sr->n_csat ? w->csat[p] / (double)sr->n_csat : NAN;
    }
    return JM_OK;
}

/* ---------------------------------------------------------------- breach effect */

static int moment_cmp(const void *a, const void *b)
{
    const struct moment *x = a, *y = b;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return (x->time > y->time) - (x->time < y->time);
}

/* Whether unit u had a breach moment in [t - window, t]. */
static bool after_breach(const struct sla_work *w, uint32_t u, int64_t t, int64_t window)
{
    size_t lo = 0, hi = w->n; /* the first moment past (u, t) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct moment *m = &w->moments[mid];
        if (m->unit < u || (m->unit == u && m->time <= t))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && w->moments[lo - 1].unit == u && t - w->moments[lo - 1].time <= window;
}

static void nps_sides(struct jm_voice *v, const struct sla_work *w, const struct jm__answer *a,
                      size_t n)
{
    struct jm_breach_effect *be = &v->breach;
    int64_t window = (int64_t)(v->opts.after_breach_days * JM_DAY_US), net[2] = {0, 0};
    for (size_t k = 0; k < n; k++) {
        if (a[k].kind != JM_SURVEY_NPS)
            continue;
        bool after = after_breach(w, a[k].unit, a[k].time, window);
        *(after ? &be->n_after_breach : &be->n_clean) += 1;
        net[after] += (a[k].score >= 9) - (a[k].score <= 6);
    }
    be->nps_clean = be->n_clean ? 100.0 * (double)net[0] / (double)be->n_clean : NAN;
    be->nps_after_breach =
        be->n_after_breach ? 100.0 * (double)net[1] / (double)be->n_after_breach : NAN;
}

/* Customers (accounts ever active in revenue) that churned, breached or not. */
static jm_status churn_sides(const struct jm_report *r, struct jm_voice *v,
                             const struct sla_work *w)
{
    struct jm_breach_effect *be = &v->breach;
    be->churn_breached = be->churn_clean = NAN;
    if (r->tl->level != JM_LEVEL_ACCOUNT)
        return JM_OK;
    struct jm__mrr m;
    if (jm__mrr_build(r->tl->ds, &m))
        return JM_ENOMEM;
    uint64_t churned[2] = {0, 0};
    for (size_t u = 0; u < m.n_accounts; u++) {
        if (!jm__unit_in(r, u) || m.start[u] == INT64_MIN)
            continue;
        *(w->breached[u] ? &be->customers_breached : &be->customers_clean) += 1;
        churned[w->breached[u]] += m.churn[u] != INT64_MIN;
    }
    if (be->customers_breached)
        be->churn_breached = (double)churned[1] / (double)be->customers_breached;
    if (be->customers_clean)
        be->churn_clean = (double)churned[0] / (double)be->customers_clean;
    jm__mrr_release(&m);
    return JM_OK;
}

jm_status jm__voice_sla(const struct jm_report *r, struct jm_voice *v, const struct jm__answer *a,
                        size_t n)
{
    struct sla_work w;
    memset(&w, 0, sizeof(w));
    w.csat_field = jm_entity_field(jm_entity_get(JM_ENT_TICKET), "csat");
    w.breached = jm_calloc(r->tl->n_units + 1, 1);
    jm_status rc = w.breached ? table(r, v, &w) : JM_ENOMEM;
    if (!rc) {
        jm__qsort(w.moments, w.n, sizeof(*w.moments), moment_cmp);
        for (size_t u = 0; u < r->tl->n_units; u++)
            if (jm__unit_in(r, u))
                *(w.breached[u] ? &v->breach.units_breached : &v->breach.units_clean) += 1;
        nps_sides(v, &w, a, n);
        rc = churn_sides(r, v, &w);
    }
    for (int p = 0; p <= JM_PRIO__COUNT; p++) {
        jm_free(w.resp[p].v);
        jm_free(w.res[p].v);
    }
    jm_free(w.moments);
    jm_free(w.breached);
    return rc;
}
