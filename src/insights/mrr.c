/*
 * Recurring revenue by account and month (internal.h): the revenue table folded into one point
 * per account and month, with each account's first active month and first churn. Retention,
 * voice (breaches against churn) and the four questions all read churn from here, so they
 * agree on it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "insights/internal.h"

/* Appends (month, mrr) to account r's points, summing rows of one month. */
static void add_point(struct jm__mrr *m, size_t *n, size_t first, int64_t month, double mrr)
{
    if (*n > first && m->points[*n - 1].month == month) {
        m->points[*n - 1].mrr += mrr;
        return;
    }
    m->points[(*n)++] = (struct jm__mrr_point){month, mrr};
}

/* Start and first churn of account r from its points (months ascending). */
static void start_and_churn(struct jm__mrr *m, size_t r)
{
    const struct jm__mrr_point *p = m->points + m->start_idx[r];
    size_t n = m->start_idx[r + 1] - m->start_idx[r];
    m->start[r] = m->churn[r] = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        if (!(p[i].mrr > 0))
            continue;
        if (m->start[r] == INT64_MIN)
            m->start[r] = p[i].month;
        /* Active in p[i].month: the next month is a churn unless it is active too. */
        int64_t next = p[i].month + 1;
        bool next_active = i + 1 < n && p[i + 1].month == next && p[i + 1].mrr > 0;
        if (!next_active && next <= m->last_month) {
            m->churn[r] = next;
            return;
        }
    }
}

static jm_status fill_points(const struct jm_dataset *ds, struct jm__mrr *m,
                             const struct jm_groups *g)
{
    int fp = jm_entity_field(jm_entity_get(JM_ENT_REVENUE), "period_start");
    int fm = jm_entity_field(jm_entity_get(JM_ENT_REVENUE), "mrr");
    size_t n = 0;
    for (size_t r = 0; r < m->n_accounts; r++) {
        m->start_idx[r] = (uint32_t)n;
        for (uint32_t k = g->start[r]; k < g->start[r + 1]; k++) {
            size_t row = g->rows[k];
            int64_t t = jm__value_time(jm_dataset_value(ds, JM_ENT_REVENUE, row, fp));
            double mrr = jm__value_number(jm_dataset_value(ds, JM_ENT_REVENUE, row, fm));
            if (t == INT64_MAX)
                continue;
            int64_t month = jm__month_of(t);
            add_point(m, &n, m->start_idx[r], month, isnan(mrr) ? 0 : mrr);
            if (m->first_month == INT64_MIN || month < m->first_month)
                m->first_month = month;
            if (m->last_month == INT64_MIN || month > m->last_month)
                m->last_month = month;
        }
    }
    m->start_idx[m->n_accounts] = (uint32_t)n;
    return JM_OK;
}

jm_status jm__mrr_build(const struct jm_dataset *ds, struct jm__mrr *m)
{
    memset(m, 0, sizeof(*m));
    m->first_month = m->last_month = INT64_MIN;
    m->n_accounts = jm_dataset_rows(ds, JM_ENT_ACCOUNT);
    size_t rows = jm_dataset_rows(ds, JM_ENT_REVENUE);
    struct jm_groups g;
    if (jm__groups_build(ds, JM_ENT_REVENUE, false, m->n_accounts, &g) != JM_OK)
        return JM_ENOMEM;
    m->start_idx = jm_malloc((m->n_accounts + 1) * sizeof(uint32_t));
    m->points = jm_malloc((rows + 1) * sizeof(*m->points));
    m->start = jm_malloc((m->n_accounts + 1) * sizeof(int64_t));
    m->churn = jm_malloc((m->n_accounts + 1) * sizeof(int64_t));
    jm_status rc = JM_ENOMEM;
    if (m->start_idx && m->points && m->start && m->churn)
        rc = fill_points(ds, m, &g);
    jm__groups_release(&g);
    if (rc != JM_OK) {
        jm__mrr_release(m);
        return rc;
    }
    for (size_t r = 0; r < m->n_accounts; r++)
        start_and_churn(m, r);
    return JM_OK;
}

void jm__mrr_release(struct jm__mrr *m)
{
    jm_free(m->start_idx);
    jm_free(m->points);
    jm_free(m->start);
    jm_free(m->churn);
    memset(m, 0, sizeof(*m));
}

double jm__mrr_at(const struct jm__mrr *m, size_t r, int64_t month)
{
    size_t lo = m->start_idx[r], hi = m->start_idx[r + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->points[mid].month < month)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->start_idx[r + 1] && m->points[lo].month == month ? m->points[lo].mrr : 0;
}
