/*
 * Paths, flows and the four questions as JSON (jm_paths_json, jm_flows_json,
 * jm_questions_json). Numbers are rounded as reports print them: shares and lifts to 4
 * decimals, days, step counts and money to 2, half up, and printed with that many decimals;
 * NAN is null (json_out.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include "insights/internal.h"
#include "base/banned.h"

/* ---------------------------------------------------------------- paths */

static void anchor(struct jm__jout *o, const char *k, enum jm_path_anchor kind, const char *what)
{
    static const char *const KIND[] = {"any", "stage", "touchpoint"};
    jm__jout_open(o, k, '{');
    jm__jout_str(o, "kind", (unsigned)kind < 3 ? KIND[kind] : NULL);
    jm__jout_str(o, "key", kind == JM_ANCHOR_ANY ? NULL : what);
    jm__jout_raw(o, "}");
}

static void one_path(struct jm__jout *o, const struct jm_path *p)
{
    jm__jout_open(o, NULL, '{');
    jm__jout_open(o, "steps", '[');
    for (size_t k = 0; k < p->n_steps; k++)
        jm__jout_str(o, NULL, p->steps[k]);
    jm__jout_raw(o, "]");
    jm__jout_open(o, "repeats", '[');
    for (size_t k = 0; k < p->n_steps; k++)
        jm__jout_num(o, NULL, p->repeats[k], 2);
    jm__jout_raw(o, "]");
    jm__jout_u64(o, "units", p->units);
    jm__jout_num(o, "share", p->share, 4);
    jm__jout_u64(o, "converted", p->converted);
    jm__jout_dist(o, "days", &p->days);
    jm__jout_raw(o, "}");
}

/* The figures of a paths result, inside an open object. */
static void paths_body(struct jm__jout *o, const struct jm_paths *p)
{
    jm__jout_u64(o, "units", p->units);
    jm__jout_u64(o, "distinct", p->distinct);
    jm__jout_open(o, "paths", '[');
    for (size_t i = 0; i < p->n_paths; i++)
        one_path(o, &p->paths[i]);
    jm__jout_raw(o, "]");
    jm__jout_dist(o, "length", &p->length);
    jm__jout_open(o, "length_hist", '[');
    for (size_t i = 0; i <= p->opts.max_steps; i++)
        jm__jout_u64(o, NULL, p->length_hist[i]);
    jm__jout_raw(o, "]");
    jm__jout_open(o, "gaps", '[');
    for (size_t i = 0; i < p->n_gaps; i++) {
        jm__jout_open(o, NULL, '{');
        jm__jout_u64(o, "from_step", p->gaps[i].from_step);
        jm__jout_dist(o, "days", &p->gaps[i].days);
        jm__jout_raw(o, "}");
    }
    jm__jout_raw(o, "]");
    jm__jout_dist(o, "gap_days", &p->gap_days);
}

jm_status jm_paths_json(const struct jm_report *r, const struct jm_paths *p, enum jm_lang lang,
                        struct jm_strbuf *sb)
{
    struct jm__jout o = {.sb = sb, .lang = lang};
    const struct jm_paths_opts *op = &p->opts;
    bool drop = op->mode == JM_PATHS_AFTER_DROP;
    jm__jout_head(&o, r);
    jm__jout_str(&o, "mode", drop ? "after_drop" : "between");
    anchor(&o, "from", op->from_kind, op->from);
    if (drop)
        jm__jout_str(&o, "to", NULL);
    else
        anchor(&o, "to", op->to_kind, op->to);
    jm__jout_str(&o, "step", jm_insight_dim_key(op->step));
    jm__jout_bool(&o, "collapse", op->collapse);
    jm__jout_u64(&o, "max_steps", op->max_steps);
    paths_body(&o, p);
    jm__jout_raw(&o, "}\n");
    return jm__jout_done(&o);
}

jm_status jm_flows_json(const struct jm_report *r, const struct jm_flows *f, enum jm_lang lang,
                        struct jm_strbuf *sb)
{
    struct jm__jout o = {.sb = sb, .lang = lang};
    const struct jm_journey *j = r->tl->journey;
    jm__jout_head(&o, r);
    jm__jout_open(&o, "flows", '[');
    for (size_t i = 0; i < f->n; i++) {
        const struct jm_flow_paths *fp = &f->flows[i];
        jm__jout_open(&o, NULL, '{');
        jm__jout_str(&o, "from", j->stages[fp->from].key);
        jm__jout_str(&o, "to", j->stages[fp->to].key);
        jm__jout_u64(&o, "moves", fp->moves);
        paths_body(&o, fp->paths);
        jm__jout_raw(&o, "}");
    }
    jm__jout_raw(&o, "]}\n");
    return jm__jout_done(&o);
}

/* ---------------------------------------------------------------- the four questions */

/* A list of rows; `extra` names the rows' extra figure (NULL: none) printed to `decimals`. */
static void rows(struct jm__jout *o, const char *k, const struct jm_count_row *row, size_t n,
                 const char *extra, int decimals)
{
    jm__jout_open(o, k, '[');
    for (size_t i = 0; i < n; i++) {
        jm__jout_open(o, NULL, '{');
        jm__jout_str(o, "key", row[i].key);
        jm__jout_u64(o, "accounts", row[i].accounts);
        jm__jout_num(o, "share", row[i].share, 4);
        if (extra)
            jm__jout_num(o, extra, row[i].extra, decimals);
        jm__jout_raw(o, "}");
    }
    jm__jout_raw(o, "]");
}

jm_status jm_questions_json(const struct jm_report *r, const struct jm_questions *q,
                            enum jm_lang lang, struct jm_strbuf *sb)
{
    struct jm__jout o = {.sb = sb, .lang = lang};
    jm__jout_head(&o, r);
    jm__jout_u64(&o, "met", q->met);
    rows(&o, "first_channels", q->first_channels, q->n_first_channels, NULL, 0);
    rows(&o, "first_touchpoints", q->first_touchpoints, q->n_first_touchpoints, NULL, 0);
    rows(&o, "first_months", q->first_months, q->n_first_months, NULL, 0);
    jm__jout_u64(&o, "bought", q->bought);
    jm__jout_dist(&o, "days_to_buy", &q->days_to_buy);
    jm__jout_dist(&o, "touches_to_buy", &q->touches_to_buy);
    jm__jout_dist(&o, "contacts_to_buy", &q->contacts_to_buy);
    rows(&o, "buy_by_channel", q->buy_by_channel, q->n_buy_by_channel, "median_days", 2);
    jm__jout_u64(&o, "customers", q->customers);
    jm__jout_u64(&o, "churned", q->churned);
    jm__jout_dist(&o, "months_to_churn", &q->months_to_churn);
    rows(&o, "churn_reasons", q->churn_reasons, q->n_churn_reasons, "mrr_lost", 2);
    rows(&o, "lost_reasons", q->lost_reasons, q->n_lost_reasons, "amount_lost", 2);
    rows(&o, "looked_touchpoints", q->looked_touchpoints, q->n_looked_touchpoints, "lift", 4);
    rows(&o, "looked_pages", q->looked_pages, q->n_looked_pages, "lift", 4);
    rows(&o, "repeated_pages", q->repeated_pages, q->n_repeated_pages, "lift", 4);
    rows(&o, "repeated_products", q->repeated_products, q->n_repeated_products, "lift", 4);
    jm__jout_raw(&o, "}\n");
    return jm__jout_done(&o);
}
