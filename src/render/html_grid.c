/*
 * The stage grid of the HTML page: the stage header row, the handoff strip and one row per lane,
 * each row its own CSS grid with the same fixed tracks (html.c has the style). The cells say
 * what the SVG cells say (svg_lanes.c), in HTML, so the browser wraps the text itself.
 *
 * The emotion row stacks two layers in one grid row: the cells (with the NPS and survey lines
 * at their foot) and, over them, the emotion curve's inline SVG spanning every stage column.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

/* A team's colour and its light tint, as CSS custom properties. */
static void team_style(struct jm__svg *s, const char *owner)
{
    const char *c = jm__team_color(s->m, owner);
    jm__out_f(&s->o, " style=\"--team:%s;--tint:%s1a\"", c, c);
}

static void stage_attrs(struct jm__svg *s, const struct jm_map_stage *st)
{
    jm__html_data(s, "stage", st->key);
}

/* ---------------------------------------------------------------- header rows */

static void break_pins(struct jm__svg *s, size_t stage)
{
    const struct jm_map *m = s->m;
    bool any = false;
    for (size_t b = 0; b < m->n_breaks; b++) {
        if (m->breaks[b].stage != stage)
            continue;
        if (!any)
            jm__out_raw(&s->o, "<span class=\"jm-pins\">");
        any = true;
        jm__out_f(&s->o, "<span class=\"jm-pin\" style=\"--sev:%s\" title=\"",
                  jm__severity_color(m->breaks[b].severity));
        jm__out_attr(&s->o, m->breaks[b].headline);
        jm__out_f(&s->o, "\">%zu</span>", b + 1);
    }
    if (any)
        jm__out_raw(&s->o, "</span>");
}

static void stage_row(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    jm__out_raw(&s->o, "<div class=\"jm-row jm-stages\">\n<div class=\"jm-corner\">");
    jm__html_el(s, "span", NULL, jm__ui(m, JM_UI_STAGE));
    jm__html_el(s, "span", NULL, jm__ui(m, JM_UI_OWNER));
    jm__out_raw(&s->o, "</div>\n");
    for (size_t i = 0; i < m->n_stages; i++) {
        const struct jm_map_stage *st = &m->stages[i];
        jm__out_f(&s->o, "<div class=\"jm-stage%s\"", st->in_view ? "" : " jm-dimcol");
        stage_attrs(s, st);
        team_style(s, st->owner);
        jm__out_raw(&s->o, ">");
        break_pins(s, i);
        jm__html_el(s, "h2", st->in_view ? NULL : "jm-dim", st->name);
        const char *owner = st->owner_name && *st->owner_name ? st->owner_name : st->owner;
        if (owner && *owner)
            jm__html_el(s, "span", st->in_view ? "jm-owner" : "jm-owner jm-dim", owner);
        jm__out_raw(&s->o, "</div>\n");
    }
    jm__out_raw(&s->o, "</div>\n");
}

static void handoff_row(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    bool any = false;
    for (size_t i = 0; i + 1 < m->n_stages; i++)
        any |= m->stages[i].handoff;
    if (!any)
        return;
    jm__out_raw(&s->o, "<div class=\"jm-row jm-handoffs\"><div class=\"jm-corner\"></div>"
                       "<div class=\"jm-strip\">");
    for (size_t i = 0; i + 1 < m->n_stages; i++) {
        if (!m->stages[i].handoff)
            continue;
        jm__out_f(&s->o, "<span class=\"jm-handoff\" style=\"left:%.0fpx\">",
                  (double)(i + 1) * JM__COL_W);
        jm__out_f(&s->o, "<i style=\"background:%s\"></i>", jm__team_color(m, m->stages[i].owner));
        jm__out_text(&s->o, jm__ui(m, JM_UI_HANDOFF));
        jm__out_f(&s->o, "<i style=\"background:%s\"></i></span>",
                  jm__team_color(m, m->stages[i + 1].owner));
    }
    jm__out_raw(&s->o, "</div></div>\n");
}

/* ---------------------------------------------------------------- cells */

static void text_cell(struct jm__svg *s, const struct jm_map_lane *lane,
                      const struct jm_map_stage *st)
{
    const struct jm_map *m = s->m;
    if ((unsigned)lane->lane >= JM_LANE__COUNT)
        return;
    const struct jm_map_cell *c = &st->cells[lane->lane];
    const char *dot = jm__lane_accent(lane);
    if (m->state == JM_STATE_BOTH && c->n_future) {
        if (c->n) {
            jm__out_raw(&s->o, "<div class=\"jm-today\">");
            jm__html_el(s, "p", "jm-state-label", jm__ui(m, JM_UI_CURRENT));
            jm__html_items(s, c->items, c->n, dot);
            jm__out_raw(&s->o, "</div>");
        }
        jm__out_raw(&s->o, "<div class=\"jm-future\">");
        jm__html_el(s, "p", "jm-state-label", jm__ui(m, JM_UI_FUTURE));
        jm__html_items(s, c->future, c->n_future, dot);
        jm__out_raw(&s->o, "</div>");
    } else {
        const char **v;
        size_t n = jm__cell_items(m, c, &v);
        if (n)
            jm__html_items(s, v, n, dot);
    }
    for (size_t i = 0; i < c->n_notes; i++)
        if (c->notes[i] && *c->notes[i])
            jm__html_el(s, "p", "jm-note", c->notes[i]);
}

static void sub_from(struct jm__svg *s, struct jm_strbuf *tmp, jm_status rc)
{
    if (rc && !s->o.rc)
        s->o.rc = rc;
    jm__html_el(s, "span", "jm-sub", tmp->buf);
}

static void touchpoints_cell(struct jm__svg *s, const struct jm_map_stage *st,
                             struct jm_strbuf *tmp)
{
    if (!st->n_touchpoints)
        return;
    jm__out_raw(&s->o, "<ul class=\"jm-tps\">");
    for (size_t i = 0; i < st->n_touchpoints; i++) {
        const struct jm_map_touchpoint *tp = &st->touchpoints[i];
        const char *c = jm__team_color(s->m, tp->owner);
        jm__out_f(&s->o, "<li class=\"jm-tp\" style=\"--team:%s\"", c);
        /* For the web app's drill-down to the touchpoint's accounts. */
        jm__html_data(s, "touchpoint", tp->key);
        jm__out_raw(&s->o, ">");
        jm__html_el(s, "span", "jm-tp-name", tp->name);
        jm_strbuf_reset(tmp);
        sub_from(s, tmp, jm__touchpoint_meta(s->m, tp, tmp));
        jm__html_bar(s, tp->share, c);
        jm__out_raw(&s->o, "</li>");
    }
    jm__out_raw(&s->o, "</ul>");
}

static void channels_cell(struct jm__svg *s, const struct jm_map_stage *st)
{
    if (!st->n_channels)
        return;
    jm__out_raw(&s->o, "<ul class=\"jm-shares\">");
    for (size_t i = 0; i < st->n_channels; i++) {
        char p[48];
        jm__fmt_pct(st->channels[i].share, 0, p, sizeof(p));
        jm__out_raw(&s->o, "<li><div class=\"jm-line\">");
        jm__html_el(s, "span", NULL, st->channels[i].label);
        jm__html_el(s, "b", NULL, p);
        jm__out_raw(&s->o, "</div>");
        jm__html_bar(s, st->channels[i].share, "#5b7db8");
        jm__out_raw(&s->o, "</li>");
    }
    jm__out_raw(&s->o, "</ul>");
}

static void kpis_cell(struct jm__svg *s, const struct jm_map_stage *st, struct jm_strbuf *tmp)
{
    if (!st->n_kpis)
        return;
    jm__out_raw(&s->o, "<div class=\"jm-kpis\">");
    for (size_t i = 0; i < st->n_kpis; i++) {
        const struct jm_map_kpi *k = &st->kpis[i];
        jm__out_raw(&s->o, "<div class=\"jm-kpi\"");
        jm__html_data(s, "kpi", k->metric);
        jm__out_f(&s->o, " data-status=\"%s\" style=\"--st:%s;--tint:%s\">",
                  jm__status_key(k->status), jm__status_color(k->status),
                  jm__status_tint(k->status));
        if (k->touchpoint && *k->touchpoint)
            jm__html_el(s, "span", "jm-sub", k->touchpoint);
        jm__html_el(s, "div", "jm-kpi-name", k->name);
        jm__out_raw(&s->o, "<div class=\"jm-kpi-val\">");
        jm__html_el(s, "b", NULL,
                    k->measured_text && *k->measured_text ? k->measured_text : "\xe2\x80\x94");
        jm_strbuf_reset(tmp);
        jm_status rc = jm__kpi_target(s->m, k, tmp);
        if (rc && !s->o.rc)
            s->o.rc = rc;
        if (tmp->len)
            jm__html_el(s, "span", NULL, tmp->buf);
        jm__out_raw(&s->o, "</div><div class=\"jm-kpi-status\">");
        jm__html_inline_svg(s, 13, 13, "-10 -10 20 20", NULL);
        jm__svg_status_icon(s, 0, 0, 10, k->status);
        jm__out_raw(&s->o, "</svg>");
        jm__out_text(&s->o, jm__status_word(s->m, k->status));
        jm__out_raw(&s->o, "</div></div>");
    }
    jm__out_raw(&s->o, "</div>");
}

static void star_icon(struct jm__svg *s, const char *color)
{
    jm__html_inline_svg(s, 12, 12, "-6 -6 12 12", NULL);
    jm__svg_star(s, 0, 0.4, 6, color);
    jm__out_raw(&s->o, "</svg>");
}

static void dmu_cell(struct jm__svg *s, const struct jm_map_stage *st)
{
    if (!st->n_roles)
        return;
    const char *accent = jm__team_color(s->m, st->owner);
    jm__out_raw(&s->o, "<ul class=\"jm-roles\">");
    for (size_t i = 0; i < st->n_roles; i++) {
        const struct jm_map_role *r = &st->roles[i];
        char p[48];
        jm__fmt_pct(r->coverage, 0, p, sizeof(p));
        jm__out_raw(&s->o, r->key_role ? "<li class=\"jm-key\">" : "<li>");
        jm__out_raw(&s->o, "<div class=\"jm-line\"><span>");
        if (r->key_role)
            star_icon(s, accent);
        jm__out_text(&s->o, r->name);
        jm__out_raw(&s->o, "</span>");
        jm__html_el(s, "b", NULL, p);
        jm__out_raw(&s->o, "</div>");
        jm__html_bar(s, r->coverage, r->key_role ? accent : "#aab4c3");
        jm__out_raw(&s->o, "</li>");
    }
    jm__out_raw(&s->o, "</ul>");
}

/* A note of lines ("\n"-separated) as paragraphs: the emotion and voice cells. */
static void note_cell(struct jm__svg *s, const struct jm_map_stage *st, struct jm_strbuf *tmp,
                      jm_status (*note)(const struct jm_map *, const struct jm_map_stage *,
                                        struct jm_strbuf *))
{
    jm_strbuf_reset(tmp);
    jm_status rc = note(s->m, st, tmp);
    if (rc && !s->o.rc)
        s->o.rc = rc;
    for (char *line = tmp->buf; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        jm__out_raw(&s->o, "<p>");
        jm__out_textn(&s->o, line, len);
        jm__out_raw(&s->o, "</p>");
        line += len + (nl ? 1 : 0);
    }
}

static void cell(struct jm__svg *s, const struct jm_map_lane *lane, size_t i, struct jm_strbuf *tmp)
{
    const struct jm_map_stage *st = &s->m->stages[i];
    bool emotion = lane->kind == JM_MAP_LANE_EMOTION;
    jm__out_f(&s->o, "<div class=\"jm-cell%s%s\"", emotion ? " jm-emo-cell" : "",
              st->in_view ? "" : " jm-dim jm-dimcol");
    stage_attrs(s, st);
    jm__html_data(s, "lane", lane->key);
    /* Text cells are the ones the web app lets an editor change. */
    if (lane->kind == JM_MAP_LANE_TEXT)
        jm__out_raw(&s->o, " data-kind=\"text\"");
    if (emotion)
        jm__out_f(&s->o, " style=\"grid-row:1;grid-column:%zu\"", i + 2);
    jm__out_raw(&s->o, ">");
    switch (lane->kind) {
    case JM_MAP_LANE_TEXT:
        text_cell(s, lane, st);
        break;
    case JM_MAP_LANE_TOUCHPOINTS:
        touchpoints_cell(s, st, tmp);
        break;
    case JM_MAP_LANE_CHANNELS:
        channels_cell(s, st);
        break;
    case JM_MAP_LANE_EMOTION:
        note_cell(s, st, tmp, jm__emotion_note);
        break;
    case JM_MAP_LANE_KPIS:
        kpis_cell(s, st, tmp);
        break;
    case JM_MAP_LANE_DMU:
        dmu_cell(s, st);
        break;
    case JM_MAP_LANE_VOICE:
        jm__out_raw(&s->o, "<div class=\"jm-voice\">");
        note_cell(s, st, tmp, jm__voice_note);
        jm__out_raw(&s->o, "</div>");
        break;
    }
    jm__out_raw(&s->o, "</div>\n");
}

/* ---------------------------------------------------------------- lane rows */

static void legend_line(struct jm__svg *s, const char *color, bool dashed, const char *text)
{
    if (!text || !*text)
        return;
    jm__out_f(&s->o, "<li><i%s style=\"--c:%s\"></i>", dashed ? " class=\"jm-dash\"" : "", color);
    jm__out_text(&s->o, text);
    jm__out_raw(&s->o, "</li>");
}

static void lane_header(struct jm__svg *s, const struct jm_map_lane *lane)
{
    const struct jm_map *m = s->m;
    jm__out_raw(&s->o, "<div class=\"jm-lane\"");
    jm__html_data(s, "lane", lane->key);
    jm__out_f(&s->o, " style=\"--group:%s%s\">", jm__lane_group_color(lane),
              lane->kind == JM_MAP_LANE_EMOTION ? ";grid-row:1;grid-column:1" : "");
    jm__html_el(s, "h3", NULL, lane->name);
    if (lane->kind == JM_MAP_LANE_EMOTION) {
        jm__out_raw(&s->o, "<ul class=\"jm-legend\">");
        legend_line(s, "#1f4e99", false, jm__ui(m, JM_UI_MEASURED));
        legend_line(s, "#1f4e99", true, jm__ui(m, JM_UI_AUTHORED));
        if (jm__svg_has_future_curve(m))
            legend_line(s, "#0e8a7e", true, jm__ui(m, JM_UI_FUTURE));
        jm__out_raw(&s->o, "</ul>");
    } else if (lane->kind == JM_MAP_LANE_DMU) {
        bool any = false;
        for (size_t i = 0; i < m->n_stages && !any; i++)
            for (size_t k = 0; k < m->stages[i].n_roles && !any; k++)
                any = m->stages[i].roles[k].key_role;
        if (any) {
            jm__out_raw(&s->o, "<ul class=\"jm-legend\"><li>");
            star_icon(s, JM__BODY);
            jm__out_text(&s->o, jm__ui(m, JM_UI_KEY_ROLE));
            jm__out_raw(&s->o, "</li></ul>");
        }
    }
    jm__out_raw(&s->o, "</div>\n");
}

static void emotion_plot(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    double w = (double)m->n_stages * JM__COL_W;
    char vb[64];
    snprintf(vb, sizeof(vb), "0 0 %.0f %.0f", w, JM__EMOTION_H);
    jm__out_raw(&s->o, "<div class=\"jm-emo-plot\" aria-hidden=\"true\">");
    jm__html_inline_svg(s, w, JM__EMOTION_H, vb, NULL);
    jm__svg_emotion(s);
    jm__out_raw(&s->o, "</svg></div>\n");
}

void jm__html_grid(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    struct jm_strbuf tmp = JM_STRBUF_INIT;
    jm__out_raw(&s->o, "<div class=\"jm-scroll\">\n<div class=\"jm-grid\">\n");
    stage_row(s);
    handoff_row(s);
    for (size_t l = 0; l < m->n_lanes; l++) {
        const struct jm_map_lane *lane = &m->lanes[l];
        jm__out_f(&s->o, "<div class=\"jm-row%s\">\n", l % 2 ? " jm-alt" : "");
        lane_header(s, lane);
        for (size_t i = 0; i < m->n_stages; i++)
            cell(s, lane, i, &tmp);
        if (lane->kind == JM_MAP_LANE_EMOTION && m->n_stages)
            emotion_plot(s);
        jm__out_raw(&s->o, "</div>\n");
    }
    jm__out_raw(&s->o, "</div>\n</div>\n");
    jm_strbuf_release(&tmp);
}
