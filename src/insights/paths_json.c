/*
 * Paths, flows and the four questions as JSON (jm_paths_json, jm_flows_json,
 * jm_questions_json). Numbers are rounded as reports print them: shares and lifts to 4
 * decimals, days, step counts and money to 2, half up; NAN is null.
 *
 * SPDX-License-Identifier: MIT
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "insights/internal.h"

struct out {
    struct jm_strbuf *sb;
    jm_status rc;
    enum jm_lang lang;
};

static void raw(struct out *o, const char *s)
{
    if (!o->rc)
        o->rc = jm_strbuf_addstr(o->sb, s);
}

static void str(struct out *o, const char *s)
{
    if (!s)
        raw(o, "null");
    else if (!o->rc)
        o->rc = jm_strbuf_add_json_string(o->sb, s, strlen(s));
}

static void key(struct out *o, const char *k)
{
    raw(o, ",");
    str(o, k);
    raw(o, ":");
}

/* `x` rounded half up to `decimals` places (jm_round4's way), null when not finite. */
static void num(struct out *o, double x, int decimals)
{
    if (!isfinite(x)) {
        raw(o, "null");
        return;
    }
    double scale = decimals == 4 ? 1e4 : 1e2, s = x * scale;
    double r = floor(s + 0.5 + 8 * DBL_EPSILON * fabs(s)) / scale;
    char buf[40];
    jm_format_double(r, buf, sizeof(buf));
    raw(o, buf);
}

static void u64(struct out *o, uint64_t x)
{
    if (!o->rc)
        o->rc = jm_strbuf_addf(o->sb, "%llu", (unsigned long long)x);
}

static void dist(struct out *o, const char *k, const struct jm_dist *d)
{
    key(o, k);
    raw(o, "{\"count\":");
    u64(o, d->count);
    raw(o, ",\"mean\":");
    num(o, d->mean, 2);
    raw(o, ",\"median\":");
    num(o, d->median, 2);
    raw(o, ",\"p75\":");
    num(o, d->p75, 2);
    raw(o, ",\"p90\":");
    num(o, d->p90, 2);
    raw(o, "}");
}

static void time_or_null(struct out *o, int64_t t)
{
    char buf[40];
    jm_time_format(t, false, buf, sizeof(buf));
    str(o, t == INT64_MIN || t == INT64_MAX ? NULL : buf);
}

/* The journey head, leaving the object open. */
static void head(struct out *o, const struct jm_report *r)
{
    const struct jm_journey *j = r->tl->journey;
    raw(o, "{\"journey\":");
    str(o, j->key);
    key(o, "name");
    str(o, jm_text_get(&j->name, o->lang));
    key(o, "level");
    str(o, r->tl->level == JM_LEVEL_ACCOUNT ? "account" : "contact");
    raw(o, ",\"period\":{\"from\":");
    time_or_null(o, r->opts.from);
    raw(o, ",\"to\":");
    time_or_null(o, r->opts.to);
    raw(o, "}");
    key(o, "as_of");
    time_or_null(o, r->tl->as_of);
}

/* ---------------------------------------------------------------- paths */

static void anchor(struct out *o, const char *k, enum jm_path_anchor kind, const char *what)
{
    static const char *const KIND[] = {"any", "stage", "touchpoint"};
    key(o, k);
    raw(o, "{\"kind\":");
    str(o, (unsigned)kind < 3 ? KIND[kind] : NULL);
    raw(o, ",\"key\":");
    str(o, kind == JM_ANCHOR_ANY ? NULL : what);
    raw(o, "}");
}

static void one_path(struct out *o, const struct jm_path *p)
{
    raw(o, "{\"steps\":[");
    for (size_t k = 0; k < p->n_steps; k++) {
        raw(o, k ? "," : "");
        str(o, p->steps[k]);
    }
    raw(o, "],\"repeats\":[");
    for (size_t k = 0; k < p->n_steps; k++) {
        raw(o, k ? "," : "");
        num(o, p->repeats[k], 2);
    }
    raw(o, "]");
    key(o, "units");
    u64(o, p->units);
    key(o, "share");
    num(o, p->share, 4);
    key(o, "converted");
    u64(o, p->converted);
    dist(o, "days", &p->days);
    raw(o, "}");
}

/* The figures of a paths result, inside an open object. */
static void paths_body(struct out *o, const struct jm_paths *p)
{
    key(o, "units");
    u64(o, p->units);
    key(o, "distinct");
    u64(o, p->distinct);
    key(o, "paths");
    raw(o, "[");
    for (size_t i = 0; i < p->n_paths; i++) {
        raw(o, i ? "," : "");
        one_path(o, &p->paths[i]);
    }
    raw(o, "]");
    dist(o, "length", &p->length);
    key(o, "length_hist");
    raw(o, "[");
    for (size_t i = 0; i <= p->opts.max_steps; i++) {
        raw(o, i ? "," : "");
        u64(o, p->length_hist[i]);
    }
    raw(o, "]");
    key(o, "gaps");
    raw(o, "[");
    for (size_t i = 0; i < p->n_gaps; i++) {
        raw(o, i ? ",{\"from_step\":" : "{\"from_step\":");
        u64(o, p->gaps[i].from_step);
        dist(o, "days", &p->gaps[i].days);
        raw(o, "}");
    }
    raw(o, "]");
    dist(o, "gap_days", &p->gap_days);
}

jm_status jm_paths_json(const struct jm_report *r, const struct jm_paths *p, enum jm_lang lang,
                        struct jm_strbuf *sb)
{
    struct out o = {sb, JM_OK, lang};
    const struct jm_paths_opts *op = &p->opts;
    bool drop = op->mode == JM_PATHS_AFTER_DROP;
    head(&o, r);
    key(&o, "mode");
    str(&o, drop ? "after_drop" : "between");
    anchor(&o, "from", op->from_kind, op->from);
    if (drop) {
        key(&o, "to");
        raw(&o, "null");
    } else {
        anchor(&o, "to", op->to_kind, op->to);
    }
    key(&o, "step");
    str(&o, jm_insight_dim_key(op->step));
    key(&o, "collapse");
    raw(&o, op->collapse ? "true" : "false");
    key(&o, "max_steps");
    u64(&o, op->max_steps);
    paths_body(&o, p);
    raw(&o, "}\n");
    return o.rc;
}

jm_status jm_flows_json(const struct jm_report *r, const struct jm_flows *f, enum jm_lang lang,
                        struct jm_strbuf *sb)
{
    struct out o = {sb, JM_OK, lang};
    const struct jm_journey *j = r->tl->journey;
    head(&o, r);
    key(&o, "flows");
    raw(&o, "[");
    for (size_t i = 0; i < f->n; i++) {
        const struct jm_flow_paths *fp = &f->flows[i];
        raw(&o, i ? ",{\"from\":" : "{\"from\":");
        str(&o, j->stages[fp->from].key);
        key(&o, "to");
        str(&o, j->stages[fp->to].key);
        key(&o, "moves");
        u64(&o, fp->moves);
        paths_body(&o, fp->paths);
        raw(&o, "}");
    }
    raw(&o, "]}\n");
    return o.rc;
}

/* ---------------------------------------------------------------- the four questions */

/* A list of rows; `extra` names the rows' extra figure (NULL: none) printed to `decimals`. */
static void rows(struct out *o, const char *k, const struct jm_count_row *row, size_t n,
                 const char *extra, int decimals)
{
    key(o, k);
    raw(o, "[");
    for (size_t i = 0; i < n; i++) {
        raw(o, i ? ",{\"key\":" : "{\"key\":");
        str(o, row[i].key);
        key(o, "accounts");
        u64(o, row[i].accounts);
        key(o, "share");
        num(o, row[i].share, 4);
        if (extra) {
            key(o, extra);
            num(o, row[i].extra, decimals);
        }
        raw(o, "}");
    }
    raw(o, "]");
}

jm_status jm_questions_json(const struct jm_report *r, const struct jm_questions *q,
                            enum jm_lang lang, struct jm_strbuf *sb)
{
    struct out o = {sb, JM_OK, lang};
    head(&o, r);
    key(&o, "met");
    u64(&o, q->met);
    rows(&o, "first_channels", q->first_channels, q->n_first_channels, NULL, 0);
    rows(&o, "first_touchpoints", q->first_touchpoints, q->n_first_touchpoints, NULL, 0);
    rows(&o, "first_months", q->first_months, q->n_first_months, NULL, 0);
    key(&o, "bought");
    u64(&o, q->bought);
    dist(&o, "days_to_buy", &q->days_to_buy);
    dist(&o, "touches_to_buy", &q->touches_to_buy);
    dist(&o, "contacts_to_buy", &q->contacts_to_buy);
    rows(&o, "buy_by_channel", q->buy_by_channel, q->n_buy_by_channel, "median_days", 2);
    key(&o, "customers");
    u64(&o, q->customers);
    key(&o, "churned");
    u64(&o, q->churned);
    dist(&o, "months_to_churn", &q->months_to_churn);
    rows(&o, "churn_reasons", q->churn_reasons, q->n_churn_reasons, "mrr_lost", 2);
    rows(&o, "lost_reasons", q->lost_reasons, q->n_lost_reasons, "amount_lost", 2);
    rows(&o, "looked_touchpoints", q->looked_touchpoints, q->n_looked_touchpoints, "lift", 4);
    rows(&o, "looked_pages", q->looked_pages, q->n_looked_pages, "lift", 4);
    rows(&o, "repeated_pages", q->repeated_pages, q->n_repeated_pages, "lift", 4);
    rows(&o, "repeated_products", q->repeated_products, q->n_repeated_products, "lift", 4);
    raw(&o, "}\n");
    return o.rc;
}
