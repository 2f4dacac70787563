/*
 * Retention and the voice of the customer as JSON (insights.h): each one document, the
 * report's head first. Numbers are rounded as reports print them: rates, shares and emotions
 * to 4 decimals, money, days, hours, mean scores and NPS to 2; NAN is null.
 *
 *   head     {"journey","name","level","period":{"from","to"},"as_of", ...
 *   retention  "options", "cohorts":[{"cohort":"YYYY-MM","accounts","start_mrr","ltv_realized",
 *              "cells":[CELL]}], "total":[CELL], "months":[bridge month], "churn":{pooled},
 *              "reasons":[{"reason","accounts","mrr_lost"}], "before_churn":{"churned",
 *              "retained"}}   CELL = {"offset","logos","logo_rate","mrr","nrr","grr",
 *              "expansion","contraction","churned"}
 *   voice      "options", "all":SUMMARIES, "stages":[{"key","name",SUMMARIES...,"emotion",
 *              "authored_emotion"}], "touchpoints", "groups", "months":[{"key",SUMMARIES...}],
 *              "sla":[{"priority",...}], "breach_effect":{...}}
 *              SUMMARIES = "nps":{"n","mean","top","bottom","nps"},"csat":{..},"ces":{..}
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

/* `"key":` with the comma before it unless it opens an object. */
static void key(struct out *o, const char *k)
{
    if (!o->rc && o->sb->len && o->sb->buf[o->sb->len - 1] != '{')
        raw(o, ",");
    str(o, k);
    raw(o, ":");
}

static void u64(struct out *o, const char *k, uint64_t x)
{
    key(o, k);
    if (!o->rc)
        o->rc = jm_strbuf_addf(o->sb, "%llu", (unsigned long long)x);
}

/* x rounded half up to `places` (2 or 4) decimals, printed with them; NAN as null. */
static void fixed(struct out *o, const char *k, double x, int places)
{
    key(o, k);
    if (!isfinite(x)) {
        raw(o, "null");
        return;
    }
    double r = x;
    if (places == 4) {
        r = jm_round4(x);
    } else { /* the same nudge as jm_round4, for decimal fractions stored a hair low */
        double s = x * 100;
        r = floor(s + 0.5 + 8 * DBL_EPSILON * fabs(s)) / 100;
    }
    if (r == 0)
        r = 0; /* no "-0.00" */
    if (!o->rc)
        o->rc = jm_strbuf_addf(o->sb, "%.*f", places, r);
}

static void rate(struct out *o, const char *k, double x)
{
    fixed(o, k, x, 4);
}

static void money(struct out *o, const char *k, double x)
{
    fixed(o, k, x, 2);
}

static void month(struct out *o, const char *k, int year, int mon)
{
    char buf[16];
    jm__month_text(jm__month_index(year, mon), buf, sizeof(buf));
    key(o, k);
    str(o, buf);
}

static void time_or_null(struct out *o, const char *k, int64_t t)
{
    char buf[40];
    key(o, k);
    if (t == INT64_MIN || t == INT64_MAX) {
        raw(o, "null");
        return;
    }
    jm_time_format(t, false, buf, sizeof(buf));
    str(o, buf);
}

/* The head every insight document starts with; leaves the object open. */
static void head(struct out *o, const struct jm_report *r, enum jm_lang lang)
{
    const struct jm_journey *j = r->tl->journey;
    raw(o, "{");
    key(o, "journey");
    str(o, j->key);
    key(o, "name");
    str(o, jm_text_get(&j->name, lang));
    key(o, "level");
    str(o, r->tl->level == JM_LEVEL_ACCOUNT ? "account" : "contact");
    key(o, "period");
    raw(o, "{");
    time_or_null(o, "from", r->opts.from);
    time_or_null(o, "to", r->opts.to);
    raw(o, "}");
    time_or_null(o, "as_of", r->tl->as_of);
}

/* ---------------------------------------------------------------- retention */

static void cell(struct out *o, const struct jm_cohort_cell *c, size_t offset)
{
    raw(o, "{");
    u64(o, "offset", offset);
    u64(o, "logos", c->logos);
    rate(o, "logo_rate", c->logo_rate);
    money(o, "mrr", c->mrr);
    rate(o, "nrr", c->nrr);
    rate(o, "grr", c->grr);
    money(o, "expansion", c->expansion);
    money(o, "contraction", c->contraction);
    money(o, "churned", c->churned);
    raw(o, "}");
}

static void cells(struct out *o, const char *k, const struct jm_cohort_cell *c, size_t n)
{
    key(o, k);
    raw(o, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            raw(o, ",");
        cell(o, &c[i], i);
    }
    raw(o, "]");
}

static void cohorts(struct out *o, const struct jm_retention *rt)
{
    key(o, "cohorts");
    raw(o, "[");
    for (size_t i = 0; i < rt->n_cohorts; i++) {
        const struct jm_cohort *c = &rt->cohorts[i];
        raw(o, i ? ",{" : "{");
        month(o, "cohort", c->year, c->month);
        u64(o, "accounts", c->accounts);
        money(o, "start_mrr", c->start_mrr);
        money(o, "ltv_realized", c->ltv_realized);
        cells(o, "cells", c->cells, c->n_cells);
        raw(o, "}");
    }
    raw(o, "]");
    cells(o, "total", rt->total, rt->n_total);
}

static void bridge(struct out *o, const struct jm_retention *rt)
{
    key(o, "months");
    raw(o, "[");
    for (size_t i = 0; i < rt->n_months; i++) {
        const struct jm_mrr_month *m = &rt->months[i];
        raw(o, i ? ",{" : "{");
        month(o, "month", m->year, m->month);
        u64(o, "active", m->active);
        u64(o, "new_logos", m->new_logos);
        u64(o, "churned_logos", m->churned_logos);
        u64(o, "reactivated", m->reactivated);
        money(o, "mrr", m->mrr);
        money(o, "new_mrr", m->new_mrr);
        money(o, "expansion", m->expansion);
        money(o, "contraction", m->contraction);
        money(o, "churned_mrr", m->churned_mrr);
        money(o, "reactivation", m->reactivation);
        raw(o, "}");
    }
    raw(o, "]");
    key(o, "churn");
    raw(o, "{");
    rate(o, "monthly_logo_churn", rt->monthly_logo_churn);
    rate(o, "monthly_mrr_churn", rt->monthly_mrr_churn);
    money(o, "arpa", rt->arpa);
    money(o, "ltv", rt->ltv);
    raw(o, "}");
}

static void reasons(struct out *o, const char *k, const char *label,
                    const struct jm_churn_reason *rows, size_t n)
{
    key(o, k);
    raw(o, "[");
    for (size_t i = 0; i < n; i++) {
        raw(o, i ? ",{" : "{");
        key(o, label);
        str(o, rows[i].reason);
        u64(o, "accounts", rows[i].accounts);
        money(o, "mrr_lost", rows[i].mrr_lost);
        raw(o, "}");
    }
    raw(o, "]");
}

/* One side of "before churn": accounts, tickets and breaches per account, NPS. */
static void side(struct out *o, uint64_t accounts, double tickets, double breaches, double nps,
                 uint64_t answers)
{
    u64(o, "accounts", accounts);
    rate(o, "tickets_per_account", tickets);
    rate(o, "breaches_per_account", breaches);
    money(o, "nps", nps);
    u64(o, "nps_answers", answers);
}

static void before(struct out *o, const struct jm_before_churn *b)
{
    key(o, "before_churn");
    raw(o, "{");
    key(o, "churned");
    raw(o, "{");
    side(o, b->accounts, b->tickets_per_account, b->breaches_per_account, b->nps, b->nps_answers);
    reasons(o, "last_touches", "touchpoint", b->last_touches, b->n_last_touches);
    raw(o, "}");
    key(o, "retained");
    raw(o, "{");
    side(o, b->retained_accounts, b->retained_tickets_per_account, b->retained_breaches_per_account,
         b->retained_nps, b->retained_nps_answers);
    raw(o, "}}");
}

jm_status jm_retention_json(const struct jm_report *r, const struct jm_retention *rt,
                            enum jm_lang lang, struct jm_strbuf *sb)
{
    struct out o = {sb, JM_OK};
    head(&o, r, lang);
    key(&o, "options");
    raw(&o, "{");
    u64(&o, "max_offset", rt->opts.max_offset);
    key(&o, "reason_by");
    str(&o, rt->opts.reason_by);
    money(&o, "before_days", rt->opts.before_days);
    rate(&o, "margin", rt->opts.margin);
    raw(&o, "}");
    cohorts(&o, rt);
    bridge(&o, rt);
    reasons(&o, "reasons", "reason", rt->reasons, rt->n_reasons);
    before(&o, &rt->before);
    raw(&o, "}\n");
    return o.rc ? o.rc : sb->failed ? JM_ENOMEM : JM_OK;
}

/* ---------------------------------------------------------------- voice */

static const char *const KIND_KEYS[JM_SURVEY__COUNT] = {"nps", "csat", "ces"};
static const char *const PRIO_KEYS[JM_PRIO__COUNT] = {"low", "normal", "high", "urgent"};

static void summaries(struct out *o, const struct jm_score_summary *s)
{
    for (int k = 0; k < JM_SURVEY__COUNT; k++) {
        key(o, KIND_KEYS[k]);
        raw(o, "{");
        u64(o, "n", s[k].n);
        money(o, "mean", s[k].mean);
        rate(o, "top", s[k].top);
        rate(o, "bottom", s[k].bottom);
        if (k == JM_SURVEY_NPS)
            money(o, "nps", s[k].nps);
        raw(o, "}");
    }
}

static void voice_rows(struct out *o, const char *k, const struct jm_voice_row *rows, size_t n)
{
    key(o, k);
    raw(o, "[");
    for (size_t i = 0; i < n; i++) {
        raw(o, i ? ",{" : "{");
        key(o, "key");
        str(o, rows[i].key);
        summaries(o, rows[i].s);
        raw(o, "}");
    }
    raw(o, "]");
}

static void voice_stages(struct out *o, const struct jm_report *r, const struct jm_voice *v,
                         enum jm_lang lang)
{
    key(o, "stages");
    raw(o, "[");
    for (size_t s = 0; s < v->n_stages; s++) {
        raw(o, s ? ",{" : "{");
        key(o, "key");
        str(o, v->stages[s].key);
        key(o, "name");
        str(o, jm_text_get(&r->tl->journey->stages[s].name, lang));
        summaries(o, v->stages[s].s);
        rate(o, "emotion", v->emotion[s]);
        rate(o, "authored_emotion", v->authored_emotion[s]);
        raw(o, "}");
    }
    raw(o, "]");
}

static void dist(struct out *o, const char *k, const struct jm_dist *d)
{
    key(o, k);
    raw(o, "{");
    u64(o, "count", d->count);
    money(o, "mean", d->mean);
    money(o, "median", d->median);
    money(o, "p75", d->p75);
    money(o, "p90", d->p90);
    raw(o, "}");
}

static void sla(struct out *o, const struct jm_voice *v)
{
    key(o, "sla");
    raw(o, "[");
    for (int p = 0; p <= JM_PRIO__COUNT; p++) {
        const struct jm_sla_row *s = &v->sla[p];
        raw(o, p ? ",{" : "{");
        key(o, "priority");
        str(o, p < JM_PRIO__COUNT ? PRIO_KEYS[p] : NULL);
        u64(o, "tickets", s->tickets);
        u64(o, "responded", s->responded);
        u64(o, "resolved", s->resolved);
        u64(o, "response_breaches", s->response_breaches);
        u64(o, "resolution_breaches", s->resolution_breaches);
        dist(o, "response_hours", &s->response_hours);
        dist(o, "resolution_hours", &s->resolution_hours);
        money(o, "csat", s->csat);
        u64(o, "n_csat", s->n_csat);
        raw(o, "}");
    }
    raw(o, "]");
    const struct jm_breach_effect *b = &v->breach;
    key(o, "breach_effect");
    raw(o, "{");
    u64(o, "units_breached", b->units_breached);
    u64(o, "units_clean", b->units_clean);
    money(o, "nps_after_breach", b->nps_after_breach);
    u64(o, "n_after_breach", b->n_after_breach);
    money(o, "nps_clean", b->nps_clean);
    u64(o, "n_clean", b->n_clean);
    rate(o, "churn_breached", b->churn_breached);
    u64(o, "customers_breached", b->customers_breached);
    rate(o, "churn_clean", b->churn_clean);
    u64(o, "customers_clean", b->customers_clean);
    raw(o, "}");
}

static void voice_options(struct out *o, const struct jm_voice_opts *opts)
{
    key(o, "options");
    raw(o, "{");
    key(o, "by");
    str(o, opts->by);
    money(o, "touch_days", opts->touch_days);
    money(o, "after_breach_days", opts->after_breach_days);
    key(o, "sla");
    raw(o, "{");
    for (int p = 0; p < JM_PRIO__COUNT; p++) {
        key(o, PRIO_KEYS[p]);
        raw(o, "{");
        money(o, "first_response_hours", opts->sla[p].first_response_hours);
        money(o, "resolution_hours", opts->sla[p].resolution_hours);
        raw(o, "}");
    }
    raw(o, "}}");
}

jm_status jm_voice_json(const struct jm_report *r, const struct jm_voice *v, enum jm_lang lang,
                        struct jm_strbuf *sb)
{
    struct out o = {sb, JM_OK};
    head(&o, r, lang);
    voice_options(&o, &v->opts);
    key(&o, "all");
    raw(&o, "{");
    summaries(&o, v->all);
    raw(&o, "}");
    voice_stages(&o, r, v, lang);
    voice_rows(&o, "touchpoints", v->touchpoints, v->n_touchpoints);
    voice_rows(&o, "groups", v->groups, v->n_groups);
    voice_rows(&o, "months", v->months, v->n_months);
    sla(&o, v);
    raw(&o, "}\n");
    return o.rc ? o.rc : sb->failed ? JM_ENOMEM : JM_OK;
}
