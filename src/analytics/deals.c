/*
 * Deal metrics (DESIGN.md §4): win rate = won / (won + lost), sales cycle = close - create of
 * won deals, open pipeline by pipeline and stage, and why deals were lost. A deal belongs to
 * the period when it was created in it (closed, when it has no creation date).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/internal.h"

struct deal_fields {
    int created, closed, status, amount, pipeline, stage, reason;
};

static struct deal_fields fields(void)
{
    const struct jm_entity_def *d = jm_entity_get(JM_ENT_DEAL);
    return (struct deal_fields){jm_entity_field(d, "created"),    jm_entity_field(d, "closed"),
                                jm_entity_field(d, "status"),     jm_entity_field(d, "amount"),
                                jm_entity_field(d, "pipeline"),   jm_entity_field(d, "stage"),
                                jm_entity_field(d, "lost_reason")};
}

static double number(const struct jm_value *v)
{
    return v->kind == JM_V_INT ? (double)v->i : v->kind == JM_V_REAL ? v->r : 0;
}

static bool status_is(const struct jm_value *v, const char *s)
{
    return v->kind == JM_V_TEXT && v->len == strlen(s) && memcmp(v->s, s, v->len) == 0;
}

static const char *text_or_missing(const struct jm_value *v)
{
    return v->kind == JM_V_TEXT && v->len ? v->s : "(missing)";
}

/* Adds deal d to group g's counts; its cycle (won) to `cycles`. */
static jm_status count_deal(const struct jm_dataset *ds, const struct deal_fields *f, size_t d,
                            struct jm_group_result *g, struct jm_dvec *cycles)
{
    const struct jm_value *status = jm_dataset_value(ds, JM_ENT_DEAL, d, f->status);
    double amount = number(jm_dataset_value(ds, JM_ENT_DEAL, d, f->amount));
    const struct jm_value *c = jm_dataset_value(ds, JM_ENT_DEAL, d, f->created);
    const struct jm_value *x = jm_dataset_value(ds, JM_ENT_DEAL, d, f->closed);
    g->deals++;
    if (status_is(status, "won")) {
        g->won++;
        g->won_amount += amount;
        if (c->kind == JM_V_TIME && x->kind == JM_V_TIME)
            return jm__dvec_push(cycles, (double)(x->i - c->i) / JM_DAY_US);
    } else if (status_is(status, "lost")) {
        g->lost++;
    } else {
        g->open++;
        g->open_amount += amount;
    }
    return JM_OK;
}

struct tally {
    const char *a, *b;
    uint64_t n;
    double amount;
};

static int tally_cmp(const void *x, const void *y)
{
    const struct tally *p = x, *q = y;
    if (p->n != q->n)
        return p->n > q->n ? -1 : 1;
    int c = strcmp(p->a, q->a);
    return c ? c : strcmp(p->b ? p->b : "", q->b ? q->b : "");
}

/* Adds one to the tally of (a, b), found by a linear search: pipelines, stages and reasons are
 * few. */
static jm_status tally_add(struct tally **t, size_t *n, size_t *cap, const char *a, const char *b,
                           double amount)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*t)[i].a, a) == 0 && (!b || strcmp((*t)[i].b, b) == 0)) {
            (*t)[i].n++;
            (*t)[i].amount += amount;
            return JM_OK;
        }
    if (*n == *cap && jm_grow((void **)t, cap, *n + 1, sizeof(**t)))
        return JM_ENOMEM;
    (*t)[(*n)++] = (struct tally){a, b, 1, amount};
    return JM_OK;
}

static jm_status pipeline_and_reasons(struct jm_report *r, const struct deal_fields *f,
                                      const bool *counted)
{
    const struct jm_dataset *ds = r->tl->ds;
    struct tally *pl = NULL, *rs = NULL;
    size_t npl = 0, cpl = 0, nrs = 0, crs = 0;
    jm_status rc = JM_OK;
    for (size_t d = 0; !rc && d < jm_dataset_rows(ds, JM_ENT_DEAL); d++) {
        if (!counted[d])
            continue;
        const struct jm_value *status = jm_dataset_value(ds, JM_ENT_DEAL, d, f->status);
        if (status_is(status, "lost"))
            rc = tally_add(&rs, &nrs, &crs,
                           text_or_missing(jm_dataset_value(ds, JM_ENT_DEAL, d, f->reason)), NULL,
                           0);
        else if (!status_is(status, "won"))
            rc = tally_add(&pl, &npl, &cpl,
                           text_or_missing(jm_dataset_value(ds, JM_ENT_DEAL, d, f->pipeline)),
                           text_or_missing(jm_dataset_value(ds, JM_ENT_DEAL, d, f->stage)),
                           number(jm_dataset_value(ds, JM_ENT_DEAL, d, f->amount)));
    }
    if (!rc) {
        jm__qsort(pl, npl, sizeof(*pl), tally_cmp);
        jm__qsort(rs, nrs, sizeof(*rs), tally_cmp);
        r->pipeline = jm_arena_alloc(&r->arena, (npl + 1) * sizeof(*r->pipeline));
        r->reasons = jm_arena_alloc(&r->arena, (nrs + 1) * sizeof(*r->reasons));
        rc = r->pipeline && r->reasons ? JM_OK : JM_ENOMEM;
    }
    for (size_t i = 0; !rc && i < npl; i++)
        r->pipeline[r->n_pipeline++] =
            (struct jm_deal_stage_row){pl[i].a, pl[i].b, pl[i].n, pl[i].amount};
    for (size_t i = 0; !rc && i < nrs; i++)
        r->reasons[r->n_reasons++] = (struct jm_reason_row){rs[i].a, rs[i].n};
    jm_free(pl);
    jm_free(rs);
    return rc;
}

jm_status jm__analyze_deals(struct jm_report *r, const uint32_t *deal_group)
{
    const struct jm_dataset *ds = r->tl->ds;
    struct deal_fields f = fields();
    size_t nd = jm_dataset_rows(ds, JM_ENT_DEAL);
    struct jm_dvec *cycles = jm_calloc(r->n_groups, sizeof(*cycles));
    bool *counted = jm_calloc(nd + 1, sizeof(bool));
    jm_status rc = cycles && counted ? JM_OK : JM_ENOMEM;
    for (size_t d = 0; !rc && d < nd; d++) {
        int64_t t = jm__record_time(ds, JM_ENT_DEAL, d);
        if (t == INT64_MIN) {
            const struct jm_value *x = jm_dataset_value(ds, JM_ENT_DEAL, d, f.closed);
            t = x->kind == JM_V_TIME ? x->i : INT64_MIN;
        }
        /* Without a period every deal counts, dated or not. */
        bool open_period = r->opts.from == INT64_MIN && r->opts.to == INT64_MAX;
        if (!open_period && (t == INT64_MIN || !jm__in_period(&r->opts, t)))
            continue;
        if (r->unit_in && !jm__unit_in(r, jm__record_unit(r->tl, JM_ENT_DEAL, d)))
            continue;
        counted[d] = true;
        rc = count_deal(ds, &f, d, &r->groups[0], &cycles[0]);
        size_t g = deal_group ? deal_group[d] : 0;
        if (!rc && g)
            rc = count_deal(ds, &f, d, &r->groups[g], &cycles[g]);
    }
    for (size_t g = 0; !rc && g < r->n_groups; g++) {
        struct jm_group_result *gr = &r->groups[g];
        gr->win_rate = gr->won + gr->lost ? (double)gr->won / (double)(gr->won + gr->lost) : NAN;
        jm_dist_of(cycles[g].v, cycles[g].n, &gr->cycle);
    }
    if (!rc)
        rc = pipeline_and_reasons(r, &f, counted);
    for (size_t g = 0; cycles && g < r->n_groups; g++)
        jm_free(cycles[g].v);
    jm_free(cycles);
    jm_free(counted);
    return rc;
}
