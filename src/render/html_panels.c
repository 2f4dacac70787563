/*
 * The panels of the HTML page under the grid: the funnel and the Sankey (the SVG fragments of
 * svg_charts.c, inline), break-point cards, the stalled and silent table, persona cards, then
 * the insight panels (html_insights.c). Each panel is a <section> with a fixed id (jm-funnel,
 * jm-flows, jm-breaks, jm-idle, jm-personas, jm-questions, jm-attribution, jm-paths,
 * jm-retention, jm-voice), present only when the map shows it, as in the SVG.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

static void section_open(struct jm__svg *s, const char *id, enum jm_map_ui title)
{
    jm__out_f(&s->o, "<section id=\"%s\">\n", id);
    jm__html_el(s, "h2", NULL, jm__ui(s->m, title));
    jm__out_raw(&s->o, "\n");
}

/* A chart fragment, drawn into a scratch buffer first: its <svg> tag needs its height. */
static void chart(struct jm__svg *s, double (*draw)(struct jm__svg *), enum jm_map_ui label)
{
    struct jm_strbuf tmp = JM_STRBUF_INIT;
    struct jm_strbuf *out = s->o.sb;
    s->o.sb = &tmp;
    double h = ceil(draw(s));
    s->o.sb = out;
    double w = jm__grid_width(s->m);
    char vb[64];
    snprintf(vb, sizeof(vb), "0 0 %.0f %.0f", ceil(w), h);
    jm__out_raw(&s->o, "<figure class=\"jm-chart\">");
    jm__html_inline_svg(s, w, h, vb, jm__ui(s->m, label));
    jm__out_mem(&s->o, tmp.buf, tmp.len);
    jm__out_raw(&s->o, "</svg></figure>\n");
    jm_strbuf_release(&tmp);
}

/* ---------------------------------------------------------------- break points */

static void breaks(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    section_open(s, "jm-breaks", JM_UI_BREAKS);
    if (!m->n_breaks) {
        jm__html_el(s, "p", "jm-none", jm__ui(m, JM_UI_NO_BREAKS));
        jm__out_raw(&s->o, "</section>\n");
        return;
    }
    jm__out_raw(&s->o, "<div class=\"jm-cards\">\n");
    for (size_t i = 0; i < m->n_breaks; i++) {
        const struct jm_map_break *b = &m->breaks[i];
        double sev = b->severity >= 0 ? fmin(b->severity, 1) : 0;
        const char *color = jm__severity_color(b->severity);
        /* Severity is weight, as on the poster: a thicker edge and a larger headline. */
        jm__out_f(&s->o,
                  "<article class=\"jm-card jm-break\" style=\"--sev:%s;--edge:%.1fpx\""
                  " data-break=\"%zu\" data-kind=\"",
                  color, 3 + 5 * sev, i + 1);
        jm__out_attr(&s->o, b->kind ? b->kind : "");
        jm__out_f(&s->o, "\"><div class=\"jm-break-top\"><span class=\"jm-pin\">%zu</span>", i + 1);
        if (jm__stage_ok(m, b->stage)) {
            const struct jm_map_stage *st = &m->stages[b->stage];
            jm__out_f(&s->o, "<span style=\"color:%s\"", jm__team_color(m, st->owner));
            jm__html_data(s, "stage", st->key);
            jm__out_raw(&s->o, ">");
            jm__out_text(&s->o, st->name);
            jm__out_raw(&s->o, "</span>");
        }
        jm__out_f(&s->o, "</div><h3 style=\"font-size:%.1fpx\">", 14.5 + 2.5 * sev);
        jm__out_text(&s->o, b->headline);
        jm__out_raw(&s->o, "</h3>");
        jm__html_el(s, "p", NULL, b->text);
        jm__out_raw(&s->o, "</article>\n");
    }
    jm__out_raw(&s->o, "</div>\n</section>\n");
}

/* ---------------------------------------------------------------- stalled and silent */

static void days(struct jm__svg *s, double d)
{
    char buf[48];
    jm__fmt_fixed(d, 1, false, buf, sizeof(buf));
    jm__html_el(s, "td", "jm-num", buf);
}

static void idle_row(struct jm__svg *s, const struct jm_map_idle *u)
{
    const struct jm_map *m = s->m;
    /* data-account: the web app opens the unit's timeline from the row. */
    jm__out_raw(&s->o, "<tr");
    jm__html_data(s, "account", u->id);
    jm__out_raw(&s->o,
                u->silent ? " data-status=\"silent\"><td>" : " data-status=\"stalled\"><td>");
    jm__out_text(&s->o, u->name && *u->name ? u->name : u->id);
    if (u->id && *u->id && u->name && *u->name && strcmp(u->id, u->name) != 0)
        jm__html_el(s, "span", "jm-sub", u->id);
    jm__out_raw(&s->o, "</td><td>");
    if (jm__stage_ok(m, u->stage)) {
        const struct jm_map_stage *st = &m->stages[u->stage];
        jm__out_f(&s->o, "<span class=\"jm-dot\" style=\"--team:%s\"></span>",
                  jm__team_color(m, st->owner));
        jm__out_text(&s->o, st->name);
    }
    jm__out_raw(&s->o, "</td><td>");
    jm__html_el(s, "span", u->silent ? "jm-chip jm-chip-silent" : "jm-chip jm-chip-stalled",
                jm__ui(m, u->silent ? JM_UI_SILENT : JM_UI_STALLED));
    jm__out_raw(&s->o, "</td>");
    days(s, u->days_in_stage);
    days(s, u->days_silent);
    jm__out_raw(&s->o, "<td>");
    jm__out_text(&s->o, u->last_touch);
    if (u->last_touchpoint && *u->last_touchpoint)
        jm__html_el(s, "span", "jm-sub", u->last_touchpoint);
    jm__out_raw(&s->o, "</td></tr>\n");
}

static void idle(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    char a[48], b[48];
    section_open(s, "jm-idle", JM_UI_IDLE);
    if (!m->n_idle && !m->n_stalled && !m->n_silent) {
        jm__html_el(s, "p", "jm-none", jm__ui(m, JM_UI_NO_IDLE));
        jm__out_raw(&s->o, "</section>\n");
        return;
    }
    jm__fmt_count(m->n_stalled, a, sizeof(a));
    jm__fmt_count(m->n_silent, b, sizeof(b));
    jm__out_raw(&s->o, "<p class=\"jm-totals\"><span>");
    jm__html_el(s, "b", NULL, a);
    jm__out_text(&s->o, jm__ui(m, JM_UI_STALLED));
    jm__out_raw(&s->o, "</span><span>");
    jm__html_el(s, "b", NULL, b);
    jm__out_text(&s->o, jm__ui(m, JM_UI_SILENT));
    jm__out_raw(&s->o, "</span></p>\n");
    if (m->n_idle) {
        /* The same column shares as the poster's table (svg_panels.c). */
        jm__out_raw(&s->o, "<table class=\"jm-table\"><colgroup><col style=\"width:25%\">"
                           "<col style=\"width:17%\"><col style=\"width:11%\"><col "
                           "style=\"width:11%\"><col style=\"width:11%\"><col style=\"width:25%\">"
                           "</colgroup><thead><tr>");
        jm__html_el(s, "th", NULL, jm__ui(m, JM_UI_UNITS));
        jm__html_el(s, "th", NULL, jm__ui(m, JM_UI_STAGE));
        jm__out_raw(&s->o, "<th></th>");
        jm__html_el(s, "th", "jm-num", jm__ui(m, JM_UI_DAYS_IN));
        jm__html_el(s, "th", "jm-num", jm__ui(m, JM_UI_DAYS_SILENT));
        jm__html_el(s, "th", NULL, jm__ui(m, JM_UI_LAST_TOUCH));
        jm__out_raw(&s->o, "</tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < m->n_idle; i++)
            idle_row(s, &m->idle[i]);
        jm__out_raw(&s->o, "</tbody></table>\n");
    }
    jm__out_raw(&s->o, "</section>\n");
}

/* ---------------------------------------------------------------- personas */

static void persona_icon(struct jm__svg *s, bool company)
{
    jm__html_inline_svg(s, 40, 40, "-20 -20 40 40", NULL);
    jm__svg_persona_icon(s, 0, 0, company);
    jm__out_raw(&s->o, "</svg>");
}

static void personas(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    section_open(s, "jm-personas", JM_UI_PERSONAS);
    jm__out_raw(&s->o, "<div class=\"jm-cards\">\n");
    for (size_t i = 0; i < m->n_personas; i++) {
        const struct jm_map_persona *p = &m->personas[i];
        jm__out_f(&s->o, "<article class=\"jm-card jm-persona%s\"",
                  p->matches_filter ? " jm-match" : "");
        jm__html_data(s, "persona", p->key);
        jm__out_raw(&s->o, "><div class=\"jm-persona-head\">");
        persona_icon(s, p->kind && strcmp(p->kind, "company") == 0);
        jm__out_raw(&s->o, "<div>");
        jm__html_el(s, "h3", NULL, p->name);
        if (p->subtitle && *p->subtitle)
            jm__html_el(s, "span", "jm-sub", p->subtitle);
        jm__out_raw(&s->o, "</div></div>");
        if (p->description && *p->description)
            jm__html_el(s, "p", "jm-persona-desc", p->description);
        for (size_t k = 0; k < p->n_sections; k++) {
            jm__html_el(s, "h4", NULL, p->sections[k].title);
            jm__html_items(s, p->sections[k].items, p->sections[k].n, JM__FAINT);
        }
        jm__out_raw(&s->o, "</article>\n");
    }
    jm__out_raw(&s->o, "</div>\n</section>\n");
}

void jm__html_panels(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    if (jm__show_funnel(m)) {
        section_open(s, "jm-funnel", JM_UI_FUNNEL);
        chart(s, jm__svg_funnel, JM_UI_FUNNEL);
        jm__out_raw(&s->o, "</section>\n");
    }
    if (jm__show_flows(m)) {
        section_open(s, "jm-flows", JM_UI_FLOWS);
        chart(s, jm__svg_sankey, JM_UI_FLOWS);
        jm__out_raw(&s->o, "</section>\n");
    }
    if (jm__show_breaks(m))
        breaks(s);
    if (jm__show_idle(m))
        idle(s);
    if (jm__show_personas(m))
        personas(s);
    enum jm_map_panel shown[JM_PANEL__COUNT];
    size_t n = jm__ipanels_shown(m, shown);
    for (size_t i = 0; i < n; i++) {
        struct jm__ipanel p;
        jm_status rc = jm__ipanel_make(m, shown[i], &p);
        if (rc && !s->o.rc)
            s->o.rc = rc;
        jm__html_ipanel(s, &p);
        jm__ipanel_release(&p);
    }
}
