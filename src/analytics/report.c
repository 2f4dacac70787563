/*
 * jm_analyze: one pass over the units fills every group's funnel, time in stage, time to the
 * goal and transitions; then deals, KPIs, stalled and silent units, and break points, which
 * read what the pass computed. Semantics: DESIGN.md §4 and docs/analytics.md.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analytics/internal.h"

jm_status jm__dvec_push(struct jm_dvec *d, double x)
{
    if (d->n == d->cap && jm_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(double)))
        return JM_ENOMEM;
    d->v[d->n++] = x;
    return JM_OK;
}

int64_t jm__next_later(const struct jm_timelines *tl, size_t u, size_t stage, int64_t t)
{
    for (size_t k = tl->move_start[u]; k < tl->move_start[u + 1]; k++)
        if (tl->moves[k].time >= t && tl->moves[k].to > stage)
            return tl->moves[k].time;
    return INT64_MAX;
}

uint16_t jm__current_stage(const struct jm_timelines *tl, size_t u)
{
    size_t e = tl->move_start[u + 1];
    return e > tl->move_start[u] ? tl->moves[e - 1].to : JM_NO_STAGE;
}

uint32_t jm__record_unit(const struct jm_timelines *tl, enum jm_entity kind, size_t row)
{
    const struct jm_table *t = &tl->ds->tables[kind];
    if (row >= t->n)
        return JM_NONE;
    return tl->level == JM_LEVEL_CONTACT ? t->contact[row] : t->account[row];
}

/* Everything collected in the pass over units, per group. */
struct pass {
    struct jm_report *r;
    struct jm_dvec *in_stage; /* n_groups x n_stages */
    struct jm_dvec *to_goal;  /* n_groups */
    struct jm_dvec trend;     /* (stage, month, days) triples for group 0, flattened */
    const uint32_t *group_of; /* unit -> group (1-based), or NULL */
};

static jm_status unit_stages(struct pass *p, size_t u, size_t g)
{
    const struct jm_timelines *tl = p->r->tl;
    const struct jm_settings *set = &tl->journey->settings;
    const struct jm_analysis_options *o = &p->r->opts;
    size_t ns = tl->n_stages;
    int64_t window = set->conversion_window_days > 0
                         ? (int64_t)llround(set->conversion_window_days * JM_DAY_US)
                         : 0;
    struct jm_stage_result *st = p->r->groups[g].stages;
    for (size_t a = 0; a < ns; a++) {
        int64_t ent = tl->entered[u * ns + a], pas = tl->passed[u * ns + a];
        int64_t reach = jm__reached_at(tl, u, a);
        if (pas != INT64_MAX && pas < ent && jm__in_period(o, pas))
            st[a].skipped++;
        if (jm__in_period(o, reach)) {
            st[a].reached++;
            int64_t next = jm__next_later(tl, u, a, reach);
            if (next != INT64_MAX && (!window || next - reach <= window))
                st[a].converted++;
        }
        if (!jm__in_period(o, ent))
            continue;
        st[a].entered++;
        int64_t next = jm__next_later(tl, u, a, ent);
        if (next == INT64_MAX)
            continue;
        double days = (double)(next - ent) / JM_DAY_US;
        if (jm__dvec_push(&p->in_stage[g * ns + a], days))
            return JM_ENOMEM;
        if (g == 0) {
            int y, m, d, h, mi, s;
            jm_time_civil(ent, &y, &m, &d, &h, &mi, &s);
            if (jm__dvec_push(&p->trend, (double)a) ||
                jm__dvec_push(&p->trend, (double)(y * 12 + m - 1)) ||
                jm__dvec_push(&p->trend, days))
                return JM_ENOMEM;
        }
    }
    return JM_OK;
}

static jm_status unit_moves(struct pass *p, size_t u, size_t g)
{
    const struct jm_timelines *tl = p->r->tl;
    const struct jm_analysis_options *o = &p->r->opts;
    struct jm_group_result *gr = &p->r->groups[g];
    size_t ns = tl->n_stages, b = tl->move_start[u], e = tl->move_start[u + 1];
    for (size_t k = b; k < e; k++) {
        const struct jm_move *m = &tl->moves[k];
        if (!jm__in_period(o, m->time))
            continue;
        size_t row = m->from == JM_NO_STAGE ? 0 : (size_t)m->from + 1;
        gr->transitions[row * ns + m->to]++;
        gr->moves[m->kind]++;
        gr->reentries += m->reentry;
    }
    /* Time to the goal: from the first stage entry to the first move reaching the goal. */
    if (b == e || !jm__in_period(o, tl->moves[b].time))
        return JM_OK;
    size_t goal = tl->journey->settings.goal;
    int64_t end = tl->moves[b].to >= goal ? tl->moves[b].time
                                          : jm__next_later(tl, u, goal - 1, tl->moves[b].time);
    if (end == INT64_MAX)
        return JM_OK;
    return jm__dvec_push(&p->to_goal[g], (double)(end - tl->moves[b].time) / JM_DAY_US);
}

static int triple_cmp(const void *a, const void *b)
{
    const double *x = a, *y = b;
    for (int i = 0; i < 2; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Per stage, the distribution of days in stage by month of entry. */
static jm_status build_trend(struct pass *p)
{
    struct jm_report *r = p->r;
    size_t ns = r->tl->n_stages, n = p->trend.n / 3;
    double *t = p->trend.v;
    jm__qsort(t, n, 3 * sizeof(double), triple_cmp);
    r->trend = jm_arena_alloc(&r->arena, (ns + 1) * sizeof(*r->trend));
    r->n_trend = jm_arena_alloc(&r->arena, (ns + 1) * sizeof(size_t));
    double *days = jm_malloc((n + 1) * sizeof(double));
    if (!r->trend || !r->n_trend || !days) {
        jm_free(days);
        return JM_ENOMEM;
    }
    memset(r->n_trend, 0, (ns + 1) * sizeof(size_t));
    for (size_t i = 0; i < n;) {
        size_t s = (size_t)t[3 * i], k = i;
        while (k < n && t[3 * k] == t[3 * i])
            k++;
        r->trend[s] = jm_arena_alloc(&r->arena, (k - i) * sizeof(struct jm_month_point));
        if (!r->trend[s]) {
            jm_free(days);
            return JM_ENOMEM;
        }
        for (size_t x = i; x < k;) {
            size_t y = x, nd = 0;
            while (y < k && t[3 * y + 1] == t[3 * x + 1])
                days[nd++] = t[3 * y++ + 2];
            struct jm_month_point *mp = &r->trend[s][r->n_trend[s]++];
            int month = (int)t[3 * x + 1];
            mp->year = month / 12;
            mp->month = month % 12 + 1;
            jm_dist_of(days, nd, &mp->days);
            x = y;
        }
        i = k;
    }
    jm_free(days);
    return JM_OK;
}

static jm_status alloc_groups(struct jm_report *r, const char *const *labels, size_t n_labels)
{
    size_t ns = r->tl->n_stages;
    r->n_groups = n_labels + 1;
    r->groups = jm_arena_alloc(&r->arena, r->n_groups * sizeof(*r->groups));
    if (!r->groups)
        return JM_ENOMEM;
    memset(r->groups, 0, r->n_groups * sizeof(*r->groups));
    for (size_t g = 0; g < r->n_groups; g++) {
        struct jm_group_result *gr = &r->groups[g];
        gr->label = g ? labels[g - 1] : "(all)";
        gr->stages = jm_arena_alloc(&r->arena, (ns + 1) * sizeof(*gr->stages));
        gr->transitions = jm_arena_alloc(&r->arena, (ns + 1) * (ns + 1) * sizeof(uint64_t));
        if (!gr->stages || !gr->transitions)
            return JM_ENOMEM;
        memset(gr->stages, 0, (ns + 1) * sizeof(*gr->stages));
        memset(gr->transitions, 0, (ns + 1) * (ns + 1) * sizeof(uint64_t));
    }
    return JM_OK;
}

static jm_status run_pass(struct pass *p)
{
    struct jm_report *r = p->r;
    const struct jm_timelines *tl = r->tl;
    size_t ns = tl->n_stages, ng = r->n_groups;
    p->in_stage = jm_calloc(ng * ns + 1, sizeof(struct jm_dvec));
    p->to_goal = jm_calloc(ng, sizeof(struct jm_dvec));
    if (!p->in_stage || !p->to_goal)
        return JM_ENOMEM;
    for (size_t u = 0; u < tl->n_units; u++) {
        if (!jm__unit_in(r, u))
            continue;
        size_t gs[2] = {0, p->group_of ? p->group_of[u] : 0};
        for (size_t k = 0; k < (gs[1] ? 2u : 1u); k++) {
            r->groups[gs[k]].units++;
            if (unit_stages(p, u, gs[k]) || unit_moves(p, u, gs[k]))
                return JM_ENOMEM;
        }
    }
    for (size_t g = 0; g < ng; g++) {
        for (size_t a = 0; a < ns; a++) {
            struct jm_stage_result *st = &r->groups[g].stages[a];
            struct jm_dvec *d = &p->in_stage[g * ns + a];
            st->dropped = st->reached - st->converted;
            st->rate = st->reached ? (double)st->converted / (double)st->reached : NAN;
            jm_dist_of(d->v, d->n, &st->in_stage);
        }
        jm_dist_of(p->to_goal[g].v, p->to_goal[g].n, &r->groups[g].to_goal);
    }
    return build_trend(p);
}

static void pass_release(struct pass *p, size_t cells, size_t groups)
{
    for (size_t i = 0; p->in_stage && i < cells; i++)
        jm_free(p->in_stage[i].v);
    for (size_t g = 0; p->to_goal && g < groups; g++)
        jm_free(p->to_goal[g].v);
    jm_free(p->in_stage);
    jm_free(p->to_goal);
    jm_free(p->trend.v);
}

/* Whether `by` labels deals by their own fields (then deal metrics group deal by deal). */
static bool deal_path(const char *by)
{
    static const char *const S[] = {"product", "owner", "manager", "pipeline"};
    if (strncmp(by, "deal.", 5) == 0 || strncmp(by, "owner.", 6) == 0)
        return true;
    for (size_t i = 0; i < sizeof(S) / sizeof(S[0]); i++)
        if (strcmp(by, S[i]) == 0)
            return true;
    return false;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The groups: the union of the units' labels and (for a deal path) the deals' labels. Writes
 * each unit's and deal's 1-based group. */
static jm_status make_groups(struct jm_report *r, struct jm_breakdown *ub, struct jm_breakdown *db,
                             uint32_t **unit_group, uint32_t **deal_group)
{
    size_t n = ub->n_groups + db->n_groups;
    const char **all = jm_malloc((n + 1) * sizeof(char *));
    if (!all)
        return JM_ENOMEM;
    memcpy(all, ub->labels, ub->n_groups * sizeof(char *));
    if (db->n_groups)
        memcpy(all + ub->n_groups, db->labels, db->n_groups * sizeof(char *));
    jm__qsort(all, n, sizeof(char *), str_cmp);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!w || strcmp(all[i], all[w - 1]) != 0)
            all[w++] = all[i];
    jm_status rc = JM_OK;
    for (size_t i = 0; !rc && i < w; i++) /* the breakdowns' arenas go before the report's */
        rc = (all[i] = jm_arena_strdup(&r->arena, all[i])) ? JM_OK : JM_ENOMEM;
    if (!rc)
        rc = alloc_groups(r, all, w);
    size_t nd = jm_dataset_rows(r->tl->ds, JM_ENT_DEAL);
    *unit_group = jm_malloc((r->tl->n_units + 1) * sizeof(uint32_t));
    *deal_group = jm_malloc((nd + 1) * sizeof(uint32_t));
    if (rc || !*unit_group || !*deal_group) {
        jm_free(all);
        return JM_ENOMEM;
    }
    for (size_t u = 0; u < r->tl->n_units; u++) {
        const char *l = ub->labels[ub->group_of[u]],
                   **hit = bsearch(&l, all, w, sizeof(char *), str_cmp);
        (*unit_group)[u] = (uint32_t)(hit - all) + 1;
    }
    for (size_t d = 0; d < nd; d++) {
        uint32_t u = jm__record_unit(r->tl, JM_ENT_DEAL, d);
        if (db->n_groups) {
            const char *l = db->labels[db->group_of[d]],
                       **hit = bsearch(&l, all, w, sizeof(char *), str_cmp);
            (*deal_group)[d] = (uint32_t)(hit - all) + 1;
        } else {
            (*deal_group)[d] = u == JM_NONE ? 0 : (*unit_group)[u];
        }
    }
    jm_free(all);
    return JM_OK;
}

/* The label `want` among the breakdown's, exactly, else ignoring case; n_groups if absent. */
static size_t find_label(const struct jm_breakdown *b, const char *want)
{
    for (size_t g = 0; g < b->n_groups; g++)
        if (strcmp(b->labels[g], want) == 0)
            return g;
    for (size_t g = 0; g < b->n_groups; g++)
        if (strcasecmp(b->labels[g], want) == 0)
            return g;
    return b->n_groups;
}

/* The error for a filter value no unit has, naming some values that exist. */
static jm_status no_such_label(const struct jm_report *r, const struct jm_breakdown *b,
                               struct jm_error *err)
{
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 0);
    for (size_t g = 0; g < b->n_groups && g < 12; g++)
        jm_strbuf_addf(&sb, "%s\"%s\"", g ? ", " : "", b->labels[g]);
    jm_status rc = jm_error_set(err, JM_EINVAL, "no %s has %s = \"%s\"; values there: %s%s",
                                r->tl->level == JM_LEVEL_ACCOUNT ? "account" : "contact",
                                r->opts.filter_by, r->opts.filter_value, sb.len ? sb.buf : "(none)",
                                b->n_groups > 12 ? ", ..." : "");
    jm_strbuf_release(&sb);
    return rc;
}

/* Narrows the population to the units whose filter_by label is filter_value, and to units_in. */
static jm_status filter_units(struct jm_report *r, struct jm_error *err)
{
    size_t nu = r->tl->n_units;
    uint8_t *in = jm_arena_alloc(&r->arena, nu + 1);
    if (!in)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    for (size_t u = 0; u < nu; u++)
        in[u] = !r->opts.units_in || r->opts.units_in[u];
    r->unit_in = in;
    if (!r->opts.filter_by)
        return JM_OK;
    struct jm_breakdown b = {0};
    jm_status rc = jm_breakdown_units(r->tl, r->opts.filter_by, &b, err);
    size_t want = rc ? 0 : find_label(&b, r->opts.filter_value ? r->opts.filter_value : "");
    if (!rc && want == b.n_groups)
        rc = no_such_label(r, &b, err);
    for (size_t u = 0; !rc && u < nu; u++)
        in[u] &= b.group_of[u] == want;
    jm_breakdown_release(&b);
    return rc;
}

static jm_status analyze(struct jm_report *r, struct jm_error *err)
{
    struct jm_breakdown ub = {0}, db = {0};
    uint32_t *unit_group = NULL, *deal_group = NULL;
    jm_status rc = r->opts.filter_by || r->opts.units_in ? filter_units(r, err) : JM_OK;
    if (!rc && r->opts.by) {
        rc = jm_breakdown_units(r->tl, r->opts.by, &ub, err);
        if (!rc && deal_path(r->opts.by))
            rc = jm_breakdown_deals(r->tl->ds, r->opts.by, &db, err);
        if (!rc && make_groups(r, &ub, &db, &unit_group, &deal_group))
            rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    } else if (!rc && alloc_groups(r, NULL, 0)) {
        rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    struct pass p = {.r = r, .group_of = unit_group};
    if (!rc && (run_pass(&p) || jm__analyze_deals(r, deal_group) || jm__analyze_kpis(r) ||
                jm__analyze_idle(r) || jm__analyze_breaks(r)))
        rc = jm_error_set(err, JM_ENOMEM, "out of memory analysing the journey");
    pass_release(&p, r->n_groups * r->tl->n_stages, r->n_groups);
    jm_breakdown_release(&ub);
    jm_breakdown_release(&db);
    jm_free(unit_group);
    jm_free(deal_group);
    return rc;
}

jm_status jm_analyze(const struct jm_timelines *tl, const struct jm_analysis_options *opts,
                     struct jm_report **out, struct jm_error *err)
{
    *out = NULL;
    struct jm_report *r = jm_calloc(1, sizeof(*r));
    if (!r)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    jm_arena_init(&r->arena);
    r->tl = tl;
    r->opts = *opts;
    if (!r->opts.max_listed)
        r->opts.max_listed = 20;
    /* The definition's period applies unless the caller narrows it. */
    const struct jm_settings *set = &tl->journey->settings;
    if (r->opts.from == INT64_MIN)
        r->opts.from = set->period_from;
    if (r->opts.to == INT64_MAX)
        r->opts.to = set->period_to;
    jm_status rc = analyze(r, err);
    if (rc) {
        jm_report_free(r);
        return rc;
    }
    *out = r;
    return JM_OK;
}

void jm_report_free(struct jm_report *r)
{
    if (!r)
        return;
    jm_arena_release(&r->arena);
    jm_free(r);
}
