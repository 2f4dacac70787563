/*
 * Retention (insights.h): account cohorts by first month of recurring revenue, the MRR bridge,
 * pooled churn and lifetime value, churn reasons and what came before churn.
 *
 * One pass over the population's accounts does it all. Each account's MRR is spread into a
 * dense series over the data's months (first .. last month with a revenue row), so a cohort
 * cell is s[c + k] and a bridge month compares s[t] with s[t - 1]:
 *
 *   months   first                     c                 c + k                last
 *   s        [ 0  | 0  | ... | 0     | m0  | ...     | mk  | ...         | m_last ]
 *
 * Choices the header leaves open, made here:
 *   - a month is "in the period" when it overlaps [from, to): cohorts are selected that way,
 *     and the pooled rates (churn, ARPA, LTV) are taken over the bridge months in the period;
 *   - the bridge itself covers every month of the data for the population;
 *   - churn reasons and "before churn" use the accounts of the period's cohorts; an account
 *     that churned and came back counts as churned (its first churn), and `mrr_lost` is its MRR
 *     in the month before that churn;
 *   - the "before" window ends where the last active month ends (the churn month's start, or
 *     for a retained account the end of its last active month) and reaches back before_days.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "insights/internal.h"

#define MAX_DAYS 36500.0 /* a century */

void jm_retention_defaults(struct jm_retention_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->max_offset = 24;
    o->reason_by = "account.properties.churn_reason";
    o->before_days = 90;
    o->margin = 1;
}

/* ---------------------------------------------------------------- the pass */

/* "Before churn" tallies of one side (churned or retained accounts). */
struct side {
    uint64_t accounts, tickets, breaches, nps_n;
    int64_t nps_net;
};

struct ret {
    const struct jm_report *r;
    const struct jm_dataset *ds;
    struct jm_retention *rt;
    struct jm__mrr m;
    size_t n_months;   /* first .. last month of data */
    double *s;         /* one account's series, n_months */
    size_t *cohort_of; /* month offset -> cohort index, or SIZE_MAX */
    struct jm_breakdown reasons;
    uint64_t *reason_n; /* per reason group */
    double *reason_mrr;
    uint64_t *touch_n; /* per touchpoint id, then one for "no touch" */
    double *touch_mrr;
    struct jm_groups tickets, surveys; /* by account row */
    struct jm__touches touches;
    struct jm_sla_target sla[JM_PRIO__COUNT];
    struct side churned, retained;
};

static bool month_in_period(const struct jm_analysis_options *o, int64_t month)
{
    return jm__month_start(month) < o->to && jm__month_start(month + 1) > o->from;
}

/* Account row r's MRR in every month of the data into w->s. */
static void series_of(struct ret *w, size_t r)
{
    const struct jm__mrr *m = &w->m;
    memset(w->s, 0, w->n_months * sizeof(double));
    for (uint32_t i = m->start_idx[r]; i < m->start_idx[r + 1]; i++)
        w->s[m->points[i].month - m->first_month] = m->points[i].mrr;
}

/* Whether account row r is in the population and its cohort in the period. */
static bool in_cohorts(const struct ret *w, size_t r)
{
    return jm__unit_in(w->r, r) && w->m.start[r] != INT64_MIN &&
           month_in_period(&w->r->opts, w->m.start[r]);
}

/* ---------------------------------------------------------------- cohorts */

static void cell_finish(struct jm_cohort_cell *c, uint64_t accounts, double start_mrr)
{
    c->logo_rate = accounts ? (double)c->logos / (double)accounts : NAN;
    c->nrr = start_mrr > 0 ? c->mrr / start_mrr : NAN;
    c->grr = start_mrr > 0 ? (start_mrr - c->contraction - c->churned) / start_mrr : NAN;
}

/* Makes the cohorts (empty cells) of the months that start selected accounts. */
static jm_status cohorts_alloc(struct ret *w)
{
    struct jm_retention *rt = w->rt;
    size_t n_acc = w->m.n_accounts, n = 0;
    for (size_t t = 0; t < w->n_months; t++)
        w->cohort_of[t] = SIZE_MAX;
    for (size_t r = 0; r < n_acc; r++) {
        size_t *slot = in_cohorts(w, r) ? &w->cohort_of[w->m.start[r] - w->m.first_month] : NULL;
        if (slot && *slot == SIZE_MAX) {
            *slot = 0; /* numbered below, in month order */
            n++;
        }
    }
    rt->cohorts = jm_arena_alloc(&rt->arena, (n + 1) * sizeof(*rt->cohorts));
    if (!rt->cohorts)
        return JM_ENOMEM;
    for (size_t t = 0; t < w->n_months; t++) {
        if (w->cohort_of[t] == SIZE_MAX)
            continue;
        struct jm_cohort *c = &rt->cohorts[rt->n_cohorts];
        w->cohort_of[t] = rt->n_cohorts++;
        jm__month_civil(w->m.first_month + (int64_t)t, &c->year, &c->month);
        size_t known = w->n_months - 1 - t;
        c->n_cells = (known < rt->opts.max_offset ? known : rt->opts.max_offset) + 1;
        c->cells = jm_arena_alloc(&rt->arena, c->n_cells * sizeof(*c->cells));
        if (!c->cells)
            return JM_ENOMEM;
    }
    return JM_OK;
}

/* Adds the account whose series is in w->s to its cohort. */
static void cohort_add(struct ret *w, size_t r)
{
    size_t c0 = (size_t)(w->m.start[r] - w->m.first_month);
    struct jm_cohort *c = &w->rt->cohorts[w->cohort_of[c0]];
    double m0 = w->s[c0];
    c->accounts++;
    c->start_mrr += m0;
    for (size_t k = 0; k < c->n_cells; k++) {
        struct jm_cohort_cell *cell = &c->cells[k];
        double mk = w->s[c0 + k];
        if (mk > 0) {
            cell->logos++;
            cell->mrr += mk;
            cell->expansion += fmax(0, mk - m0);
            cell->contraction += fmax(0, m0 - mk);
        } else {
            cell->churned += m0;
        }
    }
    for (size_t t = c0; t < w->n_months; t++)
        c->ltv_realized += w->s[t]; /* a sum until cohorts_finish divides it */
}

static jm_status cohorts_finish(struct jm_retention *rt)
{
    for (size_t i = 0; i < rt->n_cohorts; i++) {
        struct jm_cohort *c = &rt->cohorts[i];
        c->ltv_realized /= (double)c->accounts;
        for (size_t k = 0; k < c->n_cells; k++)
            cell_finish(&c->cells[k], c->accounts, c->start_mrr);
        if (c->n_cells > rt->n_total)
            rt->n_total = c->n_cells;
    }
    rt->total = jm_arena_alloc(&rt->arena, (rt->n_total + 1) * sizeof(*rt->total));
    if (!rt->total)
        return JM_ENOMEM;
    /* Each offset pools the cohorts that have reached it, so a young cohort does not pull an
     * old offset's rate down with months it has not lived yet. */
    for (size_t k = 0; k < rt->n_total; k++) {
        struct jm_cohort_cell *t = &rt->total[k];
        uint64_t accounts = 0;
        double start = 0;
        for (size_t i = 0; i < rt->n_cohorts; i++) {
            const struct jm_cohort *c = &rt->cohorts[i];
            if (k >= c->n_cells)
                continue;
            accounts += c->accounts;
            start += c->start_mrr;
            t->logos += c->cells[k].logos;
            t->mrr += c->cells[k].mrr;
            t->expansion += c->cells[k].expansion;
            t->contraction += c->cells[k].contraction;
            t->churned += c->cells[k].churned;
        }
        cell_finish(t, accounts, start);
    }
    return JM_OK;
}

/* ---------------------------------------------------------------- the MRR bridge */

static jm_status bridge_alloc(struct ret *w)
{
    struct jm_retention *rt = w->rt;
    rt->months = jm_arena_alloc(&rt->arena, (w->n_months + 1) * sizeof(*rt->months));
    if (!rt->months)
        return JM_ENOMEM;
    rt->n_months = w->n_months;
    for (size_t t = 0; t < w->n_months; t++)
        jm__month_civil(w->m.first_month + (int64_t)t, &rt->months[t].year, &rt->months[t].month);
    return JM_OK;
}

/* Adds the account whose series is in w->s to every month of the bridge. */
static void bridge_add(struct ret *w, size_t r)
{
    size_t start =
        w->m.start[r] == INT64_MIN ? SIZE_MAX : (size_t)(w->m.start[r] - w->m.first_month);
    for (size_t t = 0; t < w->n_months; t++) {
        struct jm_mrr_month *mm = &w->rt->months[t];
        double prev = t ? w->s[t - 1] : 0, cur = w->s[t];
        if (cur > 0) {
            mm->active++;
            mm->mrr += cur;
        }
        if (cur > 0 && prev > 0) {
            mm->expansion += fmax(0, cur - prev);
            mm->contraction += fmax(0, prev - cur);
        } else if (cur > 0 && t == start) {
            mm->new_logos++;
            mm->new_mrr += cur;
        } else if (cur > 0) {
            mm->reactivated++;
            mm->reactivation += cur;
        } else if (prev > 0) {
            mm->churned_logos++;
            mm->churned_mrr += prev;
        }
    }
}

/* Churn, ARPA and LTV pooled over the bridge months in the period. */
static void pooled(struct ret *w)
{
    struct jm_retention *rt = w->rt;
    double start_logos = 0, churned = 0, start_mrr = 0, lost = 0, active = 0, mrr = 0;
    for (size_t t = 0; t < rt->n_months; t++) {
        if (!month_in_period(&w->r->opts, w->m.first_month + (int64_t)t))
            continue;
        const struct jm_mrr_month *mm = &rt->months[t];
        if (t) {
            start_logos += (double)rt->months[t - 1].active;
            start_mrr += rt->months[t - 1].mrr;
        }
        churned += (double)mm->churned_logos;
        lost += mm->churned_mrr + mm->contraction;
        active += (double)mm->active;
        mrr += mm->mrr;
    }
    rt->monthly_logo_churn = start_logos > 0 ? churned / start_logos : NAN;
    rt->monthly_mrr_churn = start_mrr > 0 ? lost / start_mrr : NAN;
    rt->arpa = active > 0 ? mrr / active : NAN;
    rt->ltv =
        rt->monthly_logo_churn > 0 ? rt->arpa * rt->opts.margin / rt->monthly_logo_churn : NAN;
}

/* ---------------------------------------------------------------- before churn */

/* Tickets and NPS answers of account r in [from, to). */
static void window_records(struct ret *w, size_t r, int64_t from, int64_t to, struct side *sd)
{
    const struct jm_dataset *ds = w->ds;
    int fk = jm_entity_field(jm_entity_get(JM_ENT_SURVEY), "kind");
    int fs = jm_entity_field(jm_entity_get(JM_ENT_SURVEY), "score");
    for (uint32_t i = w->tickets.start[r]; i < w->tickets.start[r + 1]; i++) {
        uint32_t row = w->tickets.rows[i];
        int64_t t = jm__record_time(ds, JM_ENT_TICKET, row);
        if (t < from || t >= to)
            continue;
        struct jm__breach b;
        jm__ticket_breach(ds, row, w->sla, w->r->tl->as_of, &b);
        sd->tickets++;
        sd->breaches += b.response || b.resolution;
    }
    for (uint32_t i = w->surveys.start[r]; i < w->surveys.start[r + 1]; i++) {
        uint32_t row = w->surveys.rows[i];
        int64_t t = jm__record_time(ds, JM_ENT_SURVEY, row);
        double score = jm__value_number(jm_dataset_value(ds, JM_ENT_SURVEY, row, fs));
        if (t < from || t >= to || isnan(score) ||
            !jm__value_is(jm_dataset_value(ds, JM_ENT_SURVEY, row, fk), "nps"))
            continue;
        sd->nps_n++;
        sd->nps_net += (score >= 9) - (score <= 6);
    }
}

/* The touchpoint id of account r's last touch in [from, to), or dict size for none. */
static jm_status last_touch(struct ret *w, size_t r, int64_t from, int64_t to, size_t *tp)
{
    const struct jm_store *st = jm_dataset_store(w->ds);
    const struct jm_store_columns *col = jm_store_columns(st);
    *tp = jm_store_dict_size(st, JM_STORE_TOUCHPOINT);
    uint32_t a = jm__store_account_of_row(w->ds, r);
    if (a == JM_NONE)
        return JM_OK;
    if (jm__touches_of(st, a, &w->touches))
        return JM_ENOMEM;
    size_t i = jm__touches_lower(st, &w->touches, to);
    if (i > 0 && col->time_us[w->touches.ev[i - 1]] >= from)
        *tp = col->touchpoint[w->touches.ev[i - 1]];
    return JM_OK;
}

/* Reasons, last touches and the window's records of account r (of the period's cohorts). */
static jm_status before_add(struct ret *w, size_t r)
{
    bool churned = w->m.churn[r] != INT64_MIN;
    int64_t last_active = churned ? w->m.churn[r] - 1 : INT64_MIN;
    for (size_t t = w->n_months; !churned && t-- > 0;)
        if (w->s[t] > 0) {
            last_active = w->m.first_month + (int64_t)t;
            break;
        }
    int64_t to = jm__month_start(last_active + 1);
    int64_t from = to - (int64_t)(w->rt->opts.before_days * JM_DAY_US);
    struct side *sd = churned ? &w->churned : &w->retained;
    sd->accounts++;
    window_records(w, r, from, to, sd);
    if (!churned)
        return JM_OK;
    double lost = w->s[last_active - w->m.first_month];
    uint32_t g = w->reasons.group_of[r];
    w->reason_n[g]++;
    w->reason_mrr[g] += lost;
    size_t tp;
    if (last_touch(w, r, from, to, &tp))
        return JM_ENOMEM;
    w->touch_n[tp]++;
    w->touch_mrr[tp] += lost;
    return JM_OK;
}

struct row_sort {
    const char *label;
    uint64_t n;
    double mrr;
};

static int row_cmp(const void *a, const void *b)
{
    const struct row_sort *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->label, y->label);
}

/* The non-zero counts as rows, most accounts first (then by label). */
static jm_status reason_rows(struct jm_arena *arena, const char *const *labels, const uint64_t *n,
                             const double *mrr, size_t n_keys, struct jm_churn_reason **out,
                             size_t *n_out)
{
    struct row_sort *rows = jm_malloc((n_keys + 1) * sizeof(*rows));
    *out = jm_arena_alloc(arena, (n_keys + 1) * sizeof(**out));
    if (!rows || !*out) {
        jm_free(rows);
        return JM_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n_keys; i++)
        if (n[i])
            rows[k++] = (struct row_sort){labels[i], n[i], mrr[i]};
    jm__qsort(rows, k, sizeof(*rows), row_cmp);
    /* Labels are copied: the breakdown's die with the call, the store's with the dataset. */
    for (size_t i = 0; i < k; i++)
        (*out)[i] =
            (struct jm_churn_reason){jm_arena_strdup(arena, rows[i].label), rows[i].n, rows[i].mrr};
    *n_out = k;
    jm_free(rows);
    return arena->failed ? JM_ENOMEM : JM_OK;
}

static double per(double x, uint64_t n)
{
    return n ? x / (double)n : NAN;
}

static double nps_of(const struct side *sd)
{
    return sd->nps_n ? 100.0 * (double)sd->nps_net / (double)sd->nps_n : NAN;
}

static jm_status before_finish(struct ret *w)
{
    struct jm_retention *rt = w->rt;
    const struct jm_store *st = jm_dataset_store(w->ds);
    size_t n_tp = jm_store_dict_size(st, JM_STORE_TOUCHPOINT);
    const char **tp_labels = jm_malloc((n_tp + 1) * sizeof(char *));
    if (!tp_labels)
        return JM_ENOMEM;
    for (size_t i = 0; i < n_tp; i++)
        tp_labels[i] = i ? jm_store_text(st, JM_STORE_TOUCHPOINT, i, NULL) : JM_INSIGHT_MISSING;
    tp_labels[n_tp] = JM_INSIGHT_NO_TOUCH;
    struct jm_before_churn *b = &rt->before;
    jm_status rc = reason_rows(&rt->arena, w->reasons.labels, w->reason_n, w->reason_mrr,
                               w->reasons.n_groups, &rt->reasons, &rt->n_reasons);
    if (!rc)
        rc = reason_rows(&rt->arena, tp_labels, w->touch_n, w->touch_mrr, n_tp + 1,
                         &b->last_touches, &b->n_last_touches);
    jm_free(tp_labels);
    if (rc)
        return rc;
    b->accounts = w->churned.accounts;
    b->tickets_per_account = per((double)w->churned.tickets, w->churned.accounts);
    b->breaches_per_account = per((double)w->churned.breaches, w->churned.accounts);
    b->nps = nps_of(&w->churned);
    b->nps_answers = w->churned.nps_n;
    b->retained_accounts = w->retained.accounts;
    b->retained_tickets_per_account = per((double)w->retained.tickets, w->retained.accounts);
    b->retained_breaches_per_account = per((double)w->retained.breaches, w->retained.accounts);
    b->retained_nps = nps_of(&w->retained);
    b->retained_nps_answers = w->retained.nps_n;
    return JM_OK;
}

/* ---------------------------------------------------------------- compute */

static jm_status work_init(struct ret *w, struct jm_error *err)
{
    const struct jm_dataset *ds = w->ds;
    size_t n_acc = jm_dataset_rows(ds, JM_ENT_ACCOUNT);
    size_t n_tp = jm_store_dict_size(jm_dataset_store(ds), JM_STORE_TOUCHPOINT);
    jm_status rc = jm_breakdown_units(w->r->tl, w->rt->opts.reason_by, &w->reasons, err);
    if (rc)
        return rc;
    if (jm__mrr_build(ds, &w->m) ||
        jm__groups_build(ds, JM_ENT_TICKET, false, n_acc, &w->tickets) ||
        jm__groups_build(ds, JM_ENT_SURVEY, false, n_acc, &w->surveys))
        return JM_ENOMEM;
    w->n_months =
        w->m.first_month == INT64_MIN ? 0 : (size_t)(w->m.last_month - w->m.first_month + 1);
    w->s = jm_malloc((w->n_months + 1) * sizeof(double));
    w->cohort_of = jm_malloc((w->n_months + 1) * sizeof(size_t));
    w->reason_n = jm_calloc(w->reasons.n_groups + 1, sizeof(uint64_t));
    w->reason_mrr = jm_calloc(w->reasons.n_groups + 1, sizeof(double));
    w->touch_n = jm_calloc(n_tp + 1, sizeof(uint64_t));
    w->touch_mrr = jm_calloc(n_tp + 1, sizeof(double));
    if (!w->s || !w->cohort_of || !w->reason_n || !w->reason_mrr || !w->touch_n || !w->touch_mrr)
        return JM_ENOMEM;
    struct jm_voice_opts vo;
    jm_voice_defaults(&vo);
    memcpy(w->sla, vo.sla, sizeof(w->sla));
    return JM_OK;
}

static void work_release(struct ret *w)
{
    jm__mrr_release(&w->m);
    jm_breakdown_release(&w->reasons);
    jm__groups_release(&w->tickets);
    jm__groups_release(&w->surveys);
    jm__touches_release(&w->touches);
    jm_free(w->s);
    jm_free(w->cohort_of);
    jm_free(w->reason_n);
    jm_free(w->reason_mrr);
    jm_free(w->touch_n);
    jm_free(w->touch_mrr);
}

static jm_status run(struct ret *w, struct jm_error *err)
{
    jm_status rc = work_init(w, err);
    if (rc)
        return rc;
    if (cohorts_alloc(w) || bridge_alloc(w))
        return JM_ENOMEM;
    for (size_t r = 0; r < w->m.n_accounts; r++) {
        if (!jm__unit_in(w->r, r) || w->m.start[r] == INT64_MIN)
            continue;
        series_of(w, r);
        bridge_add(w, r);
        if (!in_cohorts(w, r))
            continue;
        cohort_add(w, r);
        if (before_add(w, r))
            return JM_ENOMEM;
    }
    if (cohorts_finish(w->rt) || before_finish(w))
        return JM_ENOMEM;
    pooled(w);
    return JM_OK;
}

static jm_status check_opts(const struct jm_report *r, const struct jm_retention_opts *o,
                            struct jm_error *err)
{
    if (r->tl->level != JM_LEVEL_ACCOUNT)
        return jm_error_set(err, JM_EINVAL,
                            "retention is about accounts: journey '%s' is at contact level",
                            r->tl->journey->key);
    /* The bound keeps before_days * JM_DAY_US inside int64_t. */
    if (!(o->before_days >= 0 && o->before_days <= MAX_DAYS) ||
        !(o->margin >= 0 && o->margin <= 1) || !o->reason_by)
        return jm_error_set(err, JM_EINVAL,
                            "retention options: before_days must be 0..%g, margin 0..1 and "
                            "reason_by set",
                            MAX_DAYS);
    return JM_OK;
}

jm_status jm_retention_compute(const struct jm_report *r, const struct jm_retention_opts *o,
                               struct jm_retention **out, struct jm_error *err)
{
    *out = NULL;
    struct jm_retention_opts def;
    jm_retention_defaults(&def);
    if (!o)
        o = &def;
    jm_status rc = check_opts(r, o, err);
    if (rc)
        return rc;
    struct jm_retention *rt = jm_calloc(1, sizeof(*rt));
    if (!rt)
        return jm_error_set(err, JM_ENOMEM, "out of memory computing retention");
    jm_arena_init(&rt->arena);
    rt->opts = *o;
    rt->opts.reason_by = jm_arena_strdup(&rt->arena, o->reason_by);
    struct ret w = {.r = r, .ds = r->tl->ds, .rt = rt};
    rc = rt->opts.reason_by ? run(&w, err) : JM_ENOMEM;
    work_release(&w);
    if (rc) {
        jm_retention_free(rt);
        return rc == JM_ENOMEM ? jm_error_set(err, rc, "out of memory computing retention") : rc;
    }
    *out = rt;
    return JM_OK;
}

void jm_retention_free(struct jm_retention *rt)
{
    if (!rt)
        return;
    jm_arena_release(&rt->arena);
    jm_free(rt);
}
