/*
 * The insight panels as the page shows them (internal.h, struct jm__ipanel): which facts, which
 * tables and which columns, and every number formatted. The SVG (svg_insights.c) and the HTML
 * page (html_insights.c) both draw from this, so the poster and the page cannot disagree on
 * what a panel says; only the drawing differs.
 *
 *   attribution  facts: won deals, revenue; table: channel x (first touch, W-shaped, linear,
 *                Markov) as share bars, then "with a touch"
 *   paths        facts: units with a path, distinct paths; table: path, units, share, median days
 *   retention    facts: GRR, NRR (at `months`), LTV; table: cohort x months 0..11 (heat)
 *   voice        facts: NPS, CSAT, CES; table: priority x tickets, response and resolution late
 *   questions    facts: the four answers (question, short answer, detail)
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

#define ARROW " \xe2\x86\x92 " /* " → " between a path's steps */

static const char *const ids[JM_PANEL__COUNT] = {
    [JM_PANEL_ATTRIBUTION] = "jm-attribution", [JM_PANEL_PATHS] = "jm-paths",
    [JM_PANEL_RETENTION] = "jm-retention",     [JM_PANEL_VOICE] = "jm-voice",
    [JM_PANEL_QUESTIONS] = "jm-questions",
};
static const enum jm_map_ui titles[JM_PANEL__COUNT] = {
    [JM_PANEL_ATTRIBUTION] = JM_UI_ATTRIBUTION, [JM_PANEL_PATHS] = JM_UI_PATHS,
    [JM_PANEL_RETENTION] = JM_UI_RETENTION,     [JM_PANEL_VOICE] = JM_UI_VOICE,
    [JM_PANEL_QUESTIONS] = JM_UI_QUESTIONS,
};

size_t jm__ipanels_shown(const struct jm_map *m, enum jm_map_panel *out)
{
    size_t n = 0;
    if (m->panels.questions && m->questions)
        out[n++] = JM_PANEL_QUESTIONS;
    if (m->panels.attribution && m->attribution)
        out[n++] = JM_PANEL_ATTRIBUTION;
    if (m->panels.paths && m->paths)
        out[n++] = JM_PANEL_PATHS;
    if (m->panels.retention && m->retention)
        out[n++] = JM_PANEL_RETENTION;
    if (m->panels.voice && m->voice)
        out[n++] = JM_PANEL_VOICE;
    return n;
}

const char *jm__heat_color(double nrr)
{
    if (!isfinite(nrr))
        return NULL;
    return nrr < 0.7   ? "#f4c7c3"
           : nrr < 0.9 ? "#fbe0d0"
           : nrr < 1.0 ? "#fdf1dc"
           : nrr < 1.1 ? "#e2f1e5"
                       : "#c5e4cd";
}

/* ---------------------------------------------------------------- building blocks */

static const char *dup(struct jm__ipanel *p, const char *s)
{
    const char *c = jm_arena_strdup(&p->arena, s ? s : "");
    return c ? c : "";
}

static const char *pct(struct jm__ipanel *p, double share, int decimals)
{
    char buf[48];
    jm__fmt_pct(share, decimals, buf, sizeof(buf));
    return dup(p, buf);
}

static const char *fixed(struct jm__ipanel *p, double v, int decimals, bool sign)
{
    char buf[48];
    jm__fmt_fixed(v, decimals, sign, buf, sizeof(buf));
    return dup(p, buf);
}

static const char *count(struct jm__ipanel *p, uint64_t v)
{
    char buf[48];
    jm__fmt_count(v, buf, sizeof(buf));
    return dup(p, buf);
}

static void fact(struct jm__ipanel *p, const char *label, const char *value, const char *detail)
{
    if (p->n_facts < JM__IPANEL_FACTS)
        p->facts[p->n_facts++] =
            (struct jm__fact){label ? label : "", value ? value : "", detail ? detail : ""};
}

/* A table of `rows` rows; columns are added with col(). */
static struct jm__itable *table(struct jm__ipanel *p, const char *caption, size_t rows, size_t cols)
{
    struct jm__itable *t = &p->tables[p->n_tables++];
    t->caption = caption;
    t->n_rows = rows;
    t->cells = jm_arena_alloc(&p->arena, (rows * cols + 1) * sizeof(*t->cells));
    if (!t->cells)
        t->n_rows = 0;
    return t;
}

static void col(struct jm__itable *t, const char *head, enum jm__icol kind, double width)
{
    if (t->n_cols < JM__ITABLE_COLS) {
        t->head[t->n_cols] = head;
        t->kind[t->n_cols] = kind;
        t->width[t->n_cols++] = width;
    }
}

static struct jm__icell *at(struct jm__itable *t, size_t row, size_t c)
{
    return &t->cells[row * t->n_cols + c];
}

static void put(struct jm__itable *t, size_t row, size_t c, const char *text, double v)
{
    if (t->cells && row < t->n_rows && c < t->n_cols)
        *at(t, row, c) = (struct jm__icell){text ? text : "", v};
}

/* ---------------------------------------------------------------- panels */

static void attribution(const struct jm_map *m, struct jm__ipanel *p)
{
    const struct jm_map_attribution *a = m->attribution;
    p->note = a->note;
    p->empty = !a->conversions;
    fact(p, jm__ui(m, JM_UI_CONVERTED), count(p, a->conversions), "");
    if (p->empty)
        return;
    struct jm__itable *t = table(p, NULL, a->n_rows, 2 + JM_MAP_ATTR_MODELS);
    col(t, jm__ui(m, JM_UI_CHANNEL), JM__ICOL_TEXT, 0.24);
    for (size_t k = 0; k < JM_MAP_ATTR_MODELS; k++)
        col(t, a->model_names[k], JM__ICOL_BAR, 0.66 / JM_MAP_ATTR_MODELS);
    col(t, jm__ui(m, JM_UI_CONVERTED), JM__ICOL_NUM, 0.10);
    for (size_t i = 0; i < a->n_rows; i++) {
        const struct jm_map_attr_row *r = &a->rows[i];
        put(t, i, 0, r->key, NAN);
        for (size_t k = 0; k < JM_MAP_ATTR_MODELS; k++)
            put(t, i, 1 + k, pct(p, r->share[k], 1), r->share[k]);
        put(t, i, 1 + JM_MAP_ATTR_MODELS, count(p, r->converting), NAN);
    }
}

static const char *path_text(struct jm__ipanel *p, const struct jm_map_path *x)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    for (size_t k = 0; k < x->n_steps; k++) {
        if (k)
            jm_strbuf_addstr(&sb, ARROW);
        jm_strbuf_addstr(&sb, x->steps[k] ? x->steps[k] : "");
    }
    const char *s = dup(p, sb.buf);
    jm_strbuf_release(&sb);
    return s;
}

static void paths(const struct jm_map *m, struct jm__ipanel *p)
{
    const struct jm_map_paths *x = m->paths;
    p->note = x->note;
    p->empty = !x->n_paths;
    if (p->empty)
        return;
    struct jm__itable *t = table(p, NULL, x->n_paths, 4);
    col(t, jm__ui(m, JM_UI_PATH), JM__ICOL_TEXT, 0.58);
    col(t, jm__ui(m, JM_UI_UNITS), JM__ICOL_NUM, 0.12);
    col(t, jm__ui(m, JM_UI_SHARE), JM__ICOL_BAR, 0.16);
    col(t, jm__ui(m, JM_UI_MEDIAN_DAYS), JM__ICOL_NUM, 0.14);
    for (size_t i = 0; i < x->n_paths; i++) {
        const struct jm_map_path *r = &x->paths[i];
        put(t, i, 0, path_text(p, r), NAN);
        put(t, i, 1, count(p, r->units), NAN);
        put(t, i, 2, pct(p, r->share, 1), r->share);
        put(t, i, 3, fixed(p, r->median_days, 1, false), NAN);
    }
}

static void retention(const struct jm_map *m, struct jm__ipanel *p)
{
    const struct jm_map_retention *r = m->retention;
    char months[64];
    snprintf(months, sizeof(months), "%zu", r->months);
    p->note = r->note;
    p->empty = !r->n_cohorts;
    if (p->empty)
        return;
    fact(p, "NRR", pct(p, r->nrr, 0), jm__ui(m, JM_UI_NRR));
    fact(p, "GRR", pct(p, r->grr, 0), jm__ui(m, JM_UI_GRR));
    fact(p, "LTV", fixed(p, r->ltv, 0, false), jm__ui(m, JM_UI_LTV));
    struct jm__itable *t =
        table(p, jm__ui(m, JM_UI_MONTHS_SINCE), r->n_cohorts, 1 + JM_MAP_COHORT_MONTHS);
    col(t, jm__ui(m, JM_UI_COHORT), JM__ICOL_TEXT, 0.16);
    for (size_t k = 0; k < JM_MAP_COHORT_MONTHS; k++) {
        snprintf(months, sizeof(months), "%zu", k);
        col(t, dup(p, months), JM__ICOL_HEAT, 0.84 / JM_MAP_COHORT_MONTHS);
    }
    for (size_t i = 0; i < r->n_cohorts; i++) {
        const struct jm_map_cohort *c = &r->cohorts[i];
        put(t, i, 0, c->label, NAN);
        for (size_t k = 0; k < JM_MAP_COHORT_MONTHS; k++)
            put(t, i, 1 + k, k < c->n_months ? pct(p, c->nrr[k], 0) : "",
                k < c->n_months ? c->nrr[k] : NAN);
    }
}

static const char *answers(struct jm__ipanel *p, const struct jm_map *m, uint64_t n)
{
    char buf[96];
    jm__fmt_count(n, buf, sizeof(buf));
    size_t len = strlen(buf);
    snprintf(buf + len, sizeof(buf) - len, " %s", jm__ui(m, JM_UI_ANSWERS));
    return dup(p, buf);
}

static void voice(const struct jm_map *m, struct jm__ipanel *p)
{
    const struct jm_map_voice *v = m->voice;
    const struct jm_score_summary *s = v->all;
    p->note = "";
    p->empty = !s[0].n && !s[1].n && !s[2].n && !v->n_sla;
    if (s[JM_SURVEY_NPS].n)
        fact(p, "NPS", fixed(p, s[JM_SURVEY_NPS].nps, 0, true), answers(p, m, s[JM_SURVEY_NPS].n));
    if (s[JM_SURVEY_CSAT].n)
        fact(p, "CSAT", pct(p, s[JM_SURVEY_CSAT].top, 0), answers(p, m, s[JM_SURVEY_CSAT].n));
    if (s[JM_SURVEY_CES].n)
        fact(p, "CES", fixed(p, s[JM_SURVEY_CES].mean, 1, false),
             answers(p, m, s[JM_SURVEY_CES].n));
    if (!v->n_sla)
        return;
    struct jm__itable *t = table(p, jm__ui(m, JM_UI_SLA), v->n_sla, 4);
    col(t, jm__ui(m, JM_UI_PRIORITY), JM__ICOL_TEXT, 0.28);
    col(t, jm__ui(m, JM_UI_TICKETS), JM__ICOL_NUM, 0.16);
    col(t, jm__ui(m, JM_UI_RESPONSE), JM__ICOL_BAR, 0.28);
    col(t, jm__ui(m, JM_UI_RESOLUTION), JM__ICOL_BAR, 0.28);
    for (size_t i = 0; i < v->n_sla; i++) {
        const struct jm_map_sla *r = &v->sla[i];
        put(t, i, 0, r->name, NAN);
        put(t, i, 1, count(p, r->tickets), NAN);
        put(t, i, 2, pct(p, r->response_rate, 1), r->response_rate);
        put(t, i, 3, pct(p, r->resolution_rate, 1), r->resolution_rate);
    }
}

static void questions(const struct jm_map *m, struct jm__ipanel *p)
{
    p->note = "";
    for (size_t i = 0; i < JM_MAP_QUESTIONS; i++) {
        const struct jm_map_answer *a = &m->questions->answers[i];
        fact(p, a->question, a->answer, a->detail);
    }
}

jm_status jm__ipanel_make(const struct jm_map *m, enum jm_map_panel which, struct jm__ipanel *p)
{
    memset(p, 0, sizeof(*p));
    jm_arena_init(&p->arena);
    p->panel = which;
    p->id = (unsigned)which < JM_PANEL__COUNT && ids[which] ? ids[which] : "jm-panel";
    p->title = (unsigned)which < JM_PANEL__COUNT ? jm__ui(m, titles[which]) : "";
    p->note = "";
    if (which == JM_PANEL_ATTRIBUTION && m->attribution)
        attribution(m, p);
    else if (which == JM_PANEL_PATHS && m->paths)
        paths(m, p);
    else if (which == JM_PANEL_RETENTION && m->retention)
        retention(m, p);
    else if (which == JM_PANEL_VOICE && m->voice)
        voice(m, p);
    else if (which == JM_PANEL_QUESTIONS && m->questions)
        questions(m, p);
    else
        p->empty = true;
    if (!p->note)
        p->note = "";
    return p->arena.failed ? JM_ENOMEM : JM_OK;
}

void jm__ipanel_release(struct jm__ipanel *p)
{
    jm_arena_release(&p->arena);
}
