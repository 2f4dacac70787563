/*
 * Retention and the voice of the customer as JSON (insights.h): each one document, the
 * report's head first. Numbers are rounded as reports print them: rates, shares and emotions
 * to 4 decimals, money, days, hours, mean scores and NPS to 2; NAN is null (json_out.c).
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
#include "insights/internal.h"
#include "base/banned.h"

/* The two roundings the header lists. */
static void rate(struct jm__jout *o, const char *k, double x)
{
    jm__jout_num(o, k, x, 4);
}

static void money(struct jm__jout *o, const char *k, double x)
{
    jm__jout_num(o, k, x, 2);
}

static void month(struct jm__jout *o, const char *k, int year, int mon)
{
    char buf[16];
    jm__month_text(jm__month_index(year, mon), buf, sizeof(buf));
    jm__jout_str(o, k, buf);
}

/* ---------------------------------------------------------------- retention */

static void cell(struct jm__jout *o, const struct jm_cohort_cell *c, size_t offset)
{
    jm__jout_open(o, NULL, '{');
    jm__jout_u64(o, "offset", offset);
    jm__jout_u64(o, "logos", c->logos);
    rate(o, "logo_rate", c->logo_rate);
    money(o, "mrr", c->mrr);
    rate(o, "nrr", c->nrr);
    rate(o, "grr", c->grr);
    money(o, "expansion", c->expansion);
    money(o, "contraction", c->contraction);
    money(o, "churned", c->churned);
    jm__jout_raw(o, "}");
}

static void cells(struct jm__jout *o, const char *k, const struct jm_cohort_cell *c, size_t n)
{
    jm__jout_open(o, k, '[');
    for (size_t i = 0; i < n; i++)
        cell(o, &c[i], i);
    jm__jout_raw(o, "]");
}

static void cohorts(struct jm__jout *o, const struct jm_retention *rt)
{
    jm__jout_open(o, "cohorts", '[');
    for (size_t i = 0; i < rt->n_cohorts; i++) {
        const struct jm_cohort *c = &rt->cohorts[i];
        jm__jout_open(o, NULL, '{');
        month(o, "cohort", c->year, c->month);
        jm__jout_u64(o, "accounts", c->accounts);
        money(o, "start_mrr", c->start_mrr);
        money(o, "ltv_realized", c->ltv_realized);
        cells(o, "cells", c->cells, c->n_cells);
        jm__jout_raw(o, "}");
    }
    jm__jout_raw(o, "]");
    cells(o, "total", rt->total, rt->n_total);
}

static void bridge(struct jm__jout *o, const struct jm_retention *rt)
{
    jm__jout_open(o, "months", '[');
    for (size_t i = 0; i < rt->n_months; i++) {
        const struct jm_mrr_month *m = &rt->months[i];
        jm__jout_open(o, NULL, '{');
        month(o, "month", m->year, m->month);
        jm__jout_u64(o, "active", m->active);
        jm__jout_u64(o, "new_logos", m->new_logos);
        jm__jout_u64(o, "churned_logos", m->churned_logos);
        jm__jout_u64(o, "reactivated", m->reactivated);
        money(o, "mrr", m->mrr);
        money(o, "new_mrr", m->new_mrr);
        money(o, "expansion", m->expansion);
        money(o, "contraction", m->contraction);
        money(o, "churned_mrr", m->churned_mrr);
        money(o, "reactivation", m->reactivation);
        jm__jout_raw(o, "}");
    }
    jm__jout_raw(o, "]");
    jm__jout_open(o, "churn", '{');
    rate(o, "monthly_logo_churn", rt->monthly_logo_churn);
    rate(o, "monthly_mrr_churn", rt->monthly_mrr_churn);
    money(o, "arpa", rt->arpa);
    money(o, "ltv", rt->ltv);
    jm__jout_raw(o, "}");
}

static void reasons(struct jm__jout *o, const char *k, const char *label,
                    const struct jm_churn_reason *rows, size_t n)
{
    jm__jout_open(o, k, '[');
    for (size_t i = 0; i < n; i++) {
        jm__jout_open(o, NULL, '{');
        jm__jout_str(o, label, rows[i].reason);
        jm__jout_u64(o, "accounts", rows[i].accounts);
        money(o, "mrr_lost", rows[i].mrr_lost);
        jm__jout_raw(o, "}");
    }
    jm__jout_raw(o, "]");
}

/* One side of "before churn": accounts, tickets and breaches per account, NPS. */
static void side(struct jm__jout *o, uint64_t accounts, double tickets, double breaches, double nps,
                 uint64_t answers)
{
    jm__jout_u64(o, "accounts", accounts);
    rate(o, "tickets_per_account", tickets);
    rate(o, "breaches_per_account", breaches);
    money(o, "nps", nps);
    jm__jout_u64(o, "nps_answers", answers);
}

static void before(struct jm__jout *o, const struct jm_before_churn *b)
{
    jm__jout_open(o, "before_churn", '{');
    jm__jout_open(o, "churned", '{');
    side(o, b->accounts, b->tickets_per_account, b->breaches_per_account, b->nps, b->nps_answers);
    reasons(o, "last_touches", "touchpoint", b->last_touches, b->n_last_touches);
    jm__jout_raw(o, "}");
    jm__jout_open(o, "retained", '{');
    side(o, b->retained_accounts, b->retained_tickets_per_account, b->retained_breaches_per_account,
         b->retained_nps, b->retained_nps_answers);
    jm__jout_raw(o, "}}");
}

jm_status jm_retention_json(const struct jm_report *r, const struct jm_retention *rt,
                            enum jm_lang lang, struct jm_strbuf *sb)
{
    struct jm__jout o = {.sb = sb, .lang = lang};
    jm__jout_head(&o, r);
    jm__jout_open(&o, "options", '{');
    jm__jout_u64(&o, "max_offset", rt->opts.max_offset);
    jm__jout_str(&o, "reason_by", rt->opts.reason_by);
    money(&o, "before_days", rt->opts.before_days);
    rate(&o, "margin", rt->opts.margin);
    jm__jout_raw(&o, "}");
    cohorts(&o, rt);
    bridge(&o, rt);
    reasons(&o, "reasons", "reason", rt->reasons, rt->n_reasons);
    before(&o, &rt->before);
    jm__jout_raw(&o, "}\n");
    return jm__jout_done(&o);
}

/* ---------------------------------------------------------------- voice */

static const char *const KIND_KEYS[JM_SURVEY__COUNT] = {"nps", "csat", "ces"};
static const char *const PRIO_KEYS[JM_PRIO__COUNT] = {"low", "normal", "high", "urgent"};

static void summaries(struct jm__jout *o, const struct jm_score_summary *s)
{
    for (int k = 0; k < JM_SURVEY__COUNT; k++) {
        jm__jout_open(o, KIND_KEYS[k], '{');
        jm__jout_u64(o, "n", s[k].n);
        money(o, "mean", s[k].mean);
        rate(o, "top", s[k].top);
        rate(o, "bottom", s[k].bottom);
        if (k == JM_SURVEY_NPS)
            money(o, "nps", s[k].nps);
        jm__jout_raw(o, "}");
    }
}

static void voice_rows(struct jm__jout *o, const char *k, const struct jm_voice_row *rows, size_t n)
{
    jm__jout_open(o, k, '[');
    for (size_t i = 0; i < n; i++) {
        jm__jout_open(o, NULL, '{');
        jm__jout_str(o, "key", rows[i].key);
        summaries(o, rows[i].s);
        jm__jout_raw(o, "}");
    }
    jm__jout_raw(o, "]");
}

static void voice_stages(struct jm__jout *o, const struct jm_report *r, const struct jm_voice *v)
{
    jm__jout_open(o, "stages", '[');
    for (size_t s = 0; s < v->n_stages; s++) {
        jm__jout_open(o, NULL, '{');
        jm__jout_str(o, "key", v->stages[s].key);
        jm__jout_str(o, "name", jm_text_get(&r->tl->journey->stages[s].name, o->lang));
        summaries(o, v->stages[s].s);
        rate(o, "emotion", v->emotion[s]);
        rate(o, "authored_emotion", v->authored_emotion[s]);
        jm__jout_raw(o, "}");
    }
    jm__jout_raw(o, "]");
}

static void sla(struct jm__jout *o, const struct jm_voice *v)
{
    jm__jout_open(o, "sla", '[');
    for (int p = 0; p <= JM_PRIO__COUNT; p++) {
        const struct jm_sla_row *s = &v->sla[p];
        jm__jout_open(o, NULL, '{');
        jm__jout_str(o, "priority", p < JM_PRIO__COUNT ? PRIO_KEYS[p] : NULL);
        jm__jout_u64(o, "tickets", s->tickets);
        jm__jout_u64(o, "responded", s->responded);
        jm__jout_u64(o, "resolved", s->resolved);
        jm__jout_u64(o, "response_breaches", s->response_breaches);
        jm__jout_u64(o, "resolution_breaches", s->resolution_breaches);
        jm__jout_dist(o, "response_hours", &s->response_hours);
        jm__jout_dist(o, "resolution_hours", &s->resolution_hours);
        money(o, "csat", s->csat);
        jm__jout_u64(o, "n_csat", s->n_csat);
        jm__jout_raw(o, "}");
    }
    jm__jout_raw(o, "]");
    const struct jm_breach_effect *b = &v->breach;
    jm__jout_open(o, "breach_effect", '{');
    jm__jout_u64(o, "units_breached", b->units_breached);
    jm__jout_u64(o, "units_clean", b->units_clean);
    money(o, "nps_after_breach", b->nps_after_breach);
    jm__jout_u64(o, "n_after_breach", b->n_after_breach);
    money(o, "nps_clean", b->nps_clean);
    jm__jout_u64(o, "n_clean", b->n_clean);
    rate(o, "churn_breached", b->churn_breached);
    jm__jout_u64(o, "customers_breached", b->customers_breached);
    rate(o, "churn_clean", b->churn_clean);
    jm__jout_u64(o, "customers_clean", b->customers_clean);
    jm__jout_raw(o, "}");
}

static void voice_options(struct jm__jout *o, const struct jm_voice_opts *opts)
{
    jm__jout_open(o, "options", '{');
    jm__jout_str(o, "by", opts->by);
    money(o, "touch_days", opts->touch_days);
    money(o, "after_breach_days", opts->after_breach_days);
    jm__jout_open(o, "sla", '{');
    for (int p = 0; p < JM_PRIO__COUNT; p++) {
        jm__jout_open(o, PRIO_KEYS[p], '{');
        money(o, "first_response_hours", opts->sla[p].first_response_hours);
        money(o, "resolution_hours", opts->sla[p].resolution_hours);
        jm__jout_raw(o, "}");
    }
    jm__jout_raw(o, "}}");
}

jm_status jm_voice_json(const struct jm_report *r, const struct jm_voice *v, enum jm_lang lang,
                        struct jm_strbuf *sb)
{
    struct jm__jout o = {.sb = sb, .lang = lang};
    jm__jout_head(&o, r);
    voice_options(&o, &v->opts);
    jm__jout_open(&o, "all", '{');
    summaries(&o, v->all);
    jm__jout_raw(&o, "}");
    voice_stages(&o, r, v);
    voice_rows(&o, "touchpoints", v->touchpoints, v->n_touchpoints);
    voice_rows(&o, "groups", v->groups, v->n_groups);
    voice_rows(&o, "months", v->months, v->n_months);
    sla(&o, v);
    jm__jout_raw(&o, "}\n");
    return jm__jout_done(&o);
}
