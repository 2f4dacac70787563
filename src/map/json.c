/*
 * The map model as JSON (docs/map.md): what the API serves and the web app draws. Numbers that
 * do not exist (a rate with nobody reached, an emotion with no data) are null; rates are exact
 * fractions rounded half up to 4 decimals, days to 2.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "map/internal.h"

struct out {
    struct jm_strbuf *sb;
    jm_status rc;
};

static void raw(struct out *o, const char *s)
{
    if (!o->rc)
        o->rc = jm_strbuf_addstr(o->sb, s);
}

/* "key": (with a comma before unless `first`) */
static void key(struct out *o, const char *k, bool first)
{
    if (!first)
        raw(o, ",");
    if (!o->rc)
        o->rc = jm_strbuf_add_json_string(o->sb, k, strlen(k));
    raw(o, ":");
}

static void str(struct out *o, const char *k, const char *v, bool first)
{
    key(o, k, first);
    if (!v)
        raw(o, "null");
    else if (!o->rc)
        o->rc = jm_strbuf_add_json_string(o->sb, v, strlen(v));
}

static void num(struct out *o, const char *k, double v, int decimals, bool first)
{
    key(o, k, first);
    if (!isfinite(v))
        raw(o, "null");
    else if (!o->rc)
        o->rc = decimals == 4 ? jm_strbuf_addf(o->sb, "%.4f", jm_round4(v))
                              : jm_strbuf_addf(o->sb, "%.*f", decimals, v);
}

static void count(struct out *o, const char *k, uint64_t v, bool first)
{
    key(o, k, first);
    if (!o->rc)
        o->rc = jm_strbuf_addf(o->sb, "%llu", (unsigned long long)v);
}

static void boolean(struct out *o, const char *k, bool v, bool first)
{
    key(o, k, first);
    raw(o, v ? "true" : "false");
}

static void index_or_null(struct out *o, const char *k, uint32_t v, bool first)
{
    if (v == JM_NONE) {
        key(o, k, first);
        raw(o, "null");
    } else {
        count(o, k, v, first);
    }
}

static void strings(struct out *o, const char *k, const char *const *v, size_t n, bool first)
{
    key(o, k, first);
    raw(o, "[");
    for (size_t i = 0; i < n && !o->rc; i++) {
        if (i)
            raw(o, ",");
        o->rc = jm_strbuf_add_json_string(o->sb, v[i], strlen(v[i]));
    }
    raw(o, "]");
}

static void time_or_null(struct out *o, const char *k, int64_t t, bool first)
{
    key(o, k, first);
    if (t == INT64_MIN || t == INT64_MAX) {
        raw(o, "null");
        return;
    }
    char buf[40];
    jm_time_format(t, false, buf, sizeof(buf));
    if (!o->rc)
        o->rc = jm_strbuf_add_json_string(o->sb, buf, strlen(buf));
}

static void dist(struct out *o, const char *k, const struct jm_dist *d)
{
    key(o, k, false);
    raw(o, "{");
    count(o, "count", d->count, true);
    num(o, "mean", d->mean, 2, false);
    num(o, "median", d->median, 2, false);
    num(o, "p75", d->p75, 2, false);
    num(o, "p90", d->p90, 2, false);
    raw(o, "}");
}

/* {"nps": {n, mean, top, bottom, nps}, "csat": {...}, "ces": {...}} */
static void scores(struct out *o, const char *k, const struct jm_score_summary *s, bool first)
{
    static const char *const kinds[JM_SURVEY__COUNT] = {"nps", "csat", "ces"};
    key(o, k, first);
    raw(o, "{");
    for (size_t i = 0; i < JM_SURVEY__COUNT; i++) {
        key(o, kinds[i], i == 0);
        raw(o, "{");
        count(o, "n", s[i].n, true);
        num(o, "mean", s[i].mean, 4, false);
        num(o, "top", s[i].top, 4, false);
        num(o, "bottom", s[i].bottom, 4, false);
        if (i == JM_SURVEY_NPS)
            num(o, "nps", s[i].nps, 2, false);
        raw(o, "}");
    }
    raw(o, "}");
}

static void header(struct out *o, const struct jm_map *m)
{
    static const char *const states[] = {"current", "future", "both"};
    static const char *const ui_keys[JM_UI__COUNT] = {
        "title_suffix", "view",       "period",      "all_time", "as_of",     "units",
        "filter",       "stage",      "owner",       "reached",  "converted", "rate",
        "median_days",  "days",       "dropped",     "skipped",  "now_in",    "funnel",
        "flows",        "forward",    "skip",        "back",     "start",     "drop_off",
        "breaks",       "no_breaks",  "idle",        "stalled",  "silent",    "days_in",
        "days_silent",  "last_touch", "no_idle",     "personas", "target",    "met",
        "near",         "missed",     "no_data",     "measured", "authored",  "peak",
        "valley",       "surveys",    "events",      "current",  "future",    "handoff",
        "key_role",     "generated",  "attribution", "paths",    "retention", "voice",
        "questions",    "channel",    "path",        "share",    "cohort",    "months_since",
        "grr",          "nrr",        "ltv",         "answers",  "priority",  "tickets",
        "response",     "resolution", "sla"};
    str(o, "title", m->title, true);
    str(o, "journey", m->journey_key, false);
    str(o, "journey_name", m->journey_name, false);
    str(o, "lang", m->lang_code, false);
    str(o, "view", m->view_key, false);
    str(o, "state", states[m->state], false);
    str(o, "level", m->level, false);
    time_or_null(o, "from", m->from, false);
    time_or_null(o, "to", m->to, false);
    str(o, "period", m->period_text, false);
    time_or_null(o, "as_of", m->as_of, false);
    str(o, "filter", m->filter_text, false);
    count(o, "units", m->units, false);
    key(o, "panels", false);
    raw(o, "{");
    boolean(o, "funnel", m->panels.funnel, true);
    boolean(o, "flows", m->panels.flows, false);
    boolean(o, "breaks", m->panels.breaks, false);
    boolean(o, "idle", m->panels.idle, false);
    boolean(o, "personas", m->panels.personas, false);
    boolean(o, "attribution", m->panels.attribution, false);
    boolean(o, "paths", m->panels.paths, false);
    boolean(o, "retention", m->panels.retention, false);
    boolean(o, "voice", m->panels.voice, false);
    boolean(o, "questions", m->panels.questions, false);
    raw(o, "}");
    key(o, "ui", false);
    raw(o, "{");
    for (size_t u = 0; u < JM_UI__COUNT; u++)
        str(o, ui_keys[u], m->ui[u], u == 0);
    raw(o, "}");
    key(o, "teams", false);
    raw(o, "[");
    for (size_t i = 0; i < m->n_teams; i++) {
        raw(o, i ? ",{" : "{");
        str(o, "key", m->teams[i].key, true);
        str(o, "name", m->teams[i].name, false);
        raw(o, "}");
    }
    raw(o, "]");
    key(o, "lanes", false);
    raw(o, "[");
    for (size_t i = 0; i < m->n_lanes; i++) {
        raw(o, i ? ",{" : "{");
        str(o, "key", m->lanes[i].key, true);
        str(o, "kind", m->lanes[i].kind == JM_MAP_LANE_TEXT ? "text" : "measured", false);
        str(o, "name", m->lanes[i].name, false);
        raw(o, "}");
    }
    raw(o, "]");
}

static void stage_lists(struct out *o, const struct jm_map_stage *s)
{
    static const char *const status[] = {"met", "near", "missed", "no_data"};
    key(o, "touchpoints", false);
    raw(o, "[");
    for (size_t i = 0; i < s->n_touchpoints; i++) {
        const struct jm_map_touchpoint *t = &s->touchpoints[i];
        raw(o, i ? ",{" : "{");
        str(o, "key", t->key, true);
        str(o, "name", t->name, false);
        str(o, "channel", t->channel, false);
        str(o, "owner", t->owner, false);
        count(o, "events", t->events, false);
        num(o, "share", t->share, 4, false);
        raw(o, "}");
    }
    raw(o, "]");
    key(o, "channels", false);
    raw(o, "[");
    for (size_t i = 0; i < s->n_channels; i++) {
        raw(o, i ? ",{" : "{");
        str(o, "group", s->channels[i].label, true);
        count(o, "events", s->channels[i].events, false);
        num(o, "share", s->channels[i].share, 4, false);
        raw(o, "}");
    }
    raw(o, "]");
    key(o, "kpis", false);
    raw(o, "[");
    for (size_t i = 0; i < s->n_kpis; i++) {
        const struct jm_map_kpi *k = &s->kpis[i];
        raw(o, i ? ",{" : "{");
        str(o, "metric", k->metric, true);
        str(o, "name", k->name, false);
        str(o, "touchpoint", k->touchpoint, false);
        num(o, "measured", k->measured, 4, false);
        num(o, "target", k->target, 4, false);
        str(o, "status", status[k->status], false);
        str(o, "measured_text", k->measured_text, false);
        str(o, "target_text", k->target_text, false);
        boolean(o, "higher_is_better", k->higher_is_better, false);
        raw(o, "}");
    }
    raw(o, "]");
    key(o, "dmu", false);
    raw(o, "[");
    for (size_t i = 0; i < s->n_roles; i++) {
        raw(o, i ? ",{" : "{");
        str(o, "role", s->roles[i].key, true);
        str(o, "name", s->roles[i].name, false);
        boolean(o, "key_role", s->roles[i].key_role, false);
        num(o, "coverage", s->roles[i].coverage, 4, false);
        raw(o, "}");
    }
    raw(o, "]");
}

static void cells(struct out *o, const struct jm_map *m, const struct jm_map_stage *s)
{
    key(o, "cells", false);
    raw(o, "{");
    bool first = true;
    for (size_t i = 0; i < m->n_lanes; i++) {
        if (m->lanes[i].kind != JM_MAP_LANE_TEXT)
            continue;
        const struct jm_map_cell *c = &s->cells[m->lanes[i].lane];
        key(o, m->lanes[i].key, first);
        first = false;
        raw(o, "{");
        strings(o, "items", c->items, c->n, true);
        strings(o, "future", c->future, c->n_future, false);
        strings(o, "notes", c->notes, c->n_notes, false);
        raw(o, "}");
    }
    raw(o, "}");
}

static void stage(struct out *o, const struct jm_map *m, const struct jm_map_stage *s)
{
    str(o, "key", s->key, true);
    str(o, "name", s->name, false);
    str(o, "owner", s->owner, false);
    str(o, "owner_name", s->owner_name, false);
    boolean(o, "in_view", s->in_view, false);
    boolean(o, "active", s->active, false);
    boolean(o, "handoff", s->handoff, false);
    count(o, "reached", s->reached, false);
    count(o, "converted", s->converted, false);
    count(o, "dropped", s->dropped, false);
    count(o, "skipped", s->skipped, false);
    count(o, "entered", s->entered, false);
    count(o, "now_in", s->now_in, false);
    count(o, "idle", s->idle, false);
    num(o, "rate", s->rate, 4, false);
    dist(o, "days_in_stage", &s->in_stage);
    num(o, "emotion", s->emotion, 4, false);
    boolean(o, "emotion_measured", s->emotion_measured, false);
    num(o, "future_emotion", s->future_emotion, 4, false);
    key(o, "emotion_mark", false);
    raw(o, s->emotion_mark > 0 ? "\"peak\"" : s->emotion_mark < 0 ? "\"valley\"" : "null");
    count(o, "surveys", s->n_surveys, false);
    num(o, "nps", s->nps, 2, false);
    count(o, "sentiment_events", s->n_sentiment, false);
    num(o, "sentiment", s->sentiment, 4, false);
    count(o, "events", s->events, false);
    scores(o, "voice", s->voice, false);
    stage_lists(o, s);
    cells(o, m, s);
}

static void panels(struct out *o, const struct jm_map *m)
{
    static const char *const kinds[] = {"enter", "forward", "skip", "back", "drop"};
    key(o, "flows", false);
    raw(o, "[");
    for (size_t i = 0; i < m->n_flows; i++) {
        raw(o, i ? ",{" : "{");
        str(o, "kind", kinds[m->flows[i].kind], true);
        index_or_null(o, "from", m->flows[i].from, false);
        index_or_null(o, "to", m->flows[i].to, false);
        count(o, "count", m->flows[i].count, false);
        raw(o, "}");
    }
    raw(o, "]");
    key(o, "breaks", false);
    raw(o, "[");
    for (size_t i = 0; i < m->n_breaks; i++) {
        raw(o, i ? ",{" : "{");
        str(o, "kind", m->breaks[i].kind, true);
        index_or_null(o, "stage", m->breaks[i].stage, false);
        num(o, "severity", m->breaks[i].severity, 4, false);
        str(o, "headline", m->breaks[i].headline, false);
        str(o, "text", m->breaks[i].text, false);
        raw(o, "}");
    }
    raw(o, "]");
    count(o, "stalled", m->n_stalled, false);
    count(o, "silent", m->n_silent, false);
    key(o, "idle", false);
    raw(o, "[");
    for (size_t i = 0; i < m->n_idle; i++) {
        const struct jm_map_idle *x = &m->idle[i];
        raw(o, i ? ",{" : "{");
        str(o, "id", x->id, true);
        str(o, "name", x->name, false);
        count(o, "stage", x->stage, false);
        str(o, "state", x->silent ? "silent" : "stalled", false);
        num(o, "days_in_stage", x->days_in_stage, 2, false);
        num(o, "days_silent", x->days_silent, 2, false);
        str(o, "last_touch", x->last_touch, false);
        str(o, "last_touchpoint", x->last_touchpoint, false);
        raw(o, "}");
    }
    raw(o, "]");
}

static void personas(struct out *o, const struct jm_map *m)
{
    key(o, "personas", false);
    raw(o, "[");
    for (size_t i = 0; i < m->n_personas; i++) {
        const struct jm_map_persona *p = &m->personas[i];
        raw(o, i ? ",{" : "{");
        str(o, "key", p->key, true);
        str(o, "name", p->name, false);
        str(o, "kind", p->kind, false);
        str(o, "subtitle", p->subtitle, false);
        str(o, "description", p->description, false);
        boolean(o, "matches_filter", p->matches_filter, false);
        key(o, "sections", false);
        raw(o, "[");
        for (size_t k = 0; k < p->n_sections; k++) {
            raw(o, k ? ",{" : "{");
            str(o, "title", p->sections[k].title, true);
            strings(o, "items", p->sections[k].items, p->sections[k].n, false);
            raw(o, "}");
        }
        raw(o, "]}");
    }
    raw(o, "]");
}

/* ---------------------------------------------------------------- insight panels */

static void attribution(struct out *o, const struct jm_map_attribution *a)
{
    count(o, "conversions", a->conversions, true);
    count(o, "with_touches", a->with_touches, false);
    num(o, "revenue", a->revenue, 2, false);
    num(o, "lookback_days", a->lookback_days, 2, false);
    num(o, "no_touch", a->no_touch, 4, false);
    str(o, "note", a->note, false);
    key(o, "models", false);
    raw(o, "[");
    for (size_t k = 0; k < JM_MAP_ATTR_MODELS; k++) {
        raw(o, k ? ",{" : "{");
        str(o, "key", jm_attr_model_key(a->models[k]), true);
        str(o, "name", a->model_names[k], false);
        raw(o, "}");
    }
    raw(o, "]");
    key(o, "rows", false);
    raw(o, "[");
    for (size_t i = 0; i < a->n_rows; i++) {
        const struct jm_map_attr_row *r = &a->rows[i];
        raw(o, i ? ",{" : "{");
        str(o, "key", r->key, true);
        count(o, "converting", r->converting, false);
        for (size_t k = 0; k < JM_MAP_ATTR_MODELS; k++) {
            key(o, jm_attr_model_key(a->models[k]), false);
            raw(o, "{");
            num(o, "credit", r->credit[k], 4, true);
            num(o, "share", r->share[k], 4, false);
            raw(o, "}");
        }
        raw(o, "}");
    }
    raw(o, "]");
}

static void paths(struct out *o, const struct jm_map_paths *p)
{
    str(o, "from", p->from, true);
    str(o, "to", p->to, false);
    count(o, "units", p->units, false);
    count(o, "distinct", p->distinct, false);
    str(o, "note", p->note, false);
    key(o, "paths", false);
    raw(o, "[");
    for (size_t i = 0; i < p->n_paths; i++) {
        const struct jm_map_path *x = &p->paths[i];
        raw(o, i ? ",{" : "{");
        strings(o, "steps", x->steps, x->n_steps, true);
        count(o, "units", x->units, false);
        num(o, "share", x->share, 4, false);
        num(o, "median_days", x->median_days, 2, false);
        raw(o, "}");
    }
    raw(o, "]");
}

static void retention(struct out *o, const struct jm_map_retention *r)
{
    count(o, "months", r->months, true);
    num(o, "grr", r->grr, 4, false);
    num(o, "nrr", r->nrr, 4, false);
    num(o, "ltv", r->ltv, 2, false);
    num(o, "monthly_logo_churn", r->monthly_logo_churn, 4, false);
    str(o, "note", r->note, false);
    key(o, "cohorts", false);
    raw(o, "[");
    for (size_t i = 0; i < r->n_cohorts; i++) {
        const struct jm_map_cohort *c = &r->cohorts[i];
        raw(o, i ? ",{" : "{");
        str(o, "cohort", c->label, true);
        count(o, "accounts", c->accounts, false);
        num(o, "start_mrr", c->start_mrr, 2, false);
        key(o, "nrr", false);
        raw(o, "[");
        for (size_t k = 0; k < c->n_months && !o->rc; k++) {
            if (k)
                raw(o, ",");
            if (!isfinite(c->nrr[k]))
                raw(o, "null");
            else
                o->rc = jm_strbuf_addf(o->sb, "%.4f", jm_round4(c->nrr[k]));
        }
        raw(o, "]}");
    }
    raw(o, "]");
}

static void voice(struct out *o, const struct jm_map_voice *v)
{
    scores(o, "all", v->all, true);
    key(o, "sla", false);
    raw(o, "[");
    for (size_t i = 0; i < v->n_sla; i++) {
        const struct jm_map_sla *x = &v->sla[i];
        raw(o, i ? ",{" : "{");
        str(o, "priority", x->key, true);
        str(o, "name", x->name, false);
        count(o, "tickets", x->tickets, false);
        count(o, "response_breaches", x->response_breaches, false);
        count(o, "resolution_breaches", x->resolution_breaches, false);
        num(o, "response_rate", x->response_rate, 4, false);
        num(o, "resolution_rate", x->resolution_rate, 4, false);
        raw(o, "}");
    }
    raw(o, "]");
}

static void questions(struct out *o, const struct jm_map_questions *q)
{
    count(o, "met", q->met, true);
    str(o, "top_channel", q->top_channel, false);
    num(o, "top_channel_share", q->top_channel ? q->top_channel_share : NAN, 4, false);
    count(o, "bought", q->bought, false);
    num(o, "median_days_to_buy", q->median_days_to_buy, 2, false);
    count(o, "customers", q->customers, false);
    count(o, "churned", q->churned, false);
    num(o, "churn_rate", q->churn_rate, 4, false);
    str(o, "top_churn_reason", q->top_churn_reason, false);
    str(o, "top_page", q->top_page, false);
    count(o, "top_page_accounts", q->top_page_accounts, false);
    key(o, "answers", false);
    raw(o, "[");
    for (size_t i = 0; i < JM_MAP_QUESTIONS; i++) {
        const struct jm_map_answer *a = &q->answers[i];
        raw(o, i ? ",{" : "{");
        str(o, "key", a->key, true);
        str(o, "question", a->question, false);
        str(o, "answer", a->answer, false);
        str(o, "detail", a->detail, false);
        raw(o, "}");
    }
    raw(o, "]");
}

/* "insights": {"attribution": {...} or null, ...} */
static void insights(struct out *o, const struct jm_map *m)
{
    key(o, "insights", false);
    raw(o, "{");
#define PANEL(name, first)                                                                         \
    key(o, #name, first);                                                                          \
    if (m->name) {                                                                                 \
        raw(o, "{");                                                                               \
        name(o, m->name);                                                                          \
        raw(o, "}");                                                                               \
    } else {                                                                                       \
        raw(o, "null");                                                                            \
    }
    PANEL(attribution, true)
    PANEL(paths, false)
    PANEL(retention, false)
    PANEL(voice, false)
    PANEL(questions, false)
#undef PANEL
    raw(o, "}");
}

jm_status jm_map_json(const struct jm_map *m, struct jm_strbuf *sb)
{
    struct out o = {sb, JM_OK};
    raw(&o, "{");
    header(&o, m);
    key(&o, "stages", false);
    raw(&o, "[");
    for (size_t s = 0; s < m->n_stages; s++) {
        raw(&o, s ? ",{" : "{");
        stage(&o, m, &m->stages[s]);
        raw(&o, "}");
    }
    raw(&o, "]");
    panels(&o, m);
    personas(&o, m);
    insights(&o, m);
    raw(&o, "}\n");
    return o.rc;
}
