/*
 * The journey map as one self-contained HTML page: no script, no request of any kind (the
 * Content-Security-Policy says so to the browser too), inline CSS, charts as inline SVG drawn by
 * svg_charts.c, so the page and the SVG poster show the same curve, funnel and Sankey.
 *
 *   <main id="jm-map" data-view data-lang>
 *     <header>     title, view, period, data as of, segment, units, team legend
 *     .jm-scroll   the grid, scrolling sideways on a narrow screen; lane names stay in view
 *       .jm-row    one CSS grid per row (170px + n x 240px), so print never cuts a row
 *         .jm-lane[data-lane]   .jm-cell[data-stage][data-lane] x n
 *     <section id="jm-funnel|jm-flows|jm-breaks|jm-idle|jm-personas">   when shown
 *     <section id="jm-questions|jm-attribution|jm-paths|jm-retention|jm-voice">
 *     <footer>
 *
 * The hooks above (ids, data-* attributes, .jm-cell) are what the browser tests look for; keep
 * them. Cells never overflow: grid tracks are fixed, children may shrink (min-width: 0) and long
 * words break (overflow-wrap: anywhere). Every model string is escaped by escape.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

/* ---------------------------------------------------------------- style */

/* One literal per rule or two: ISO C caps a string literal at 4095 bytes. */
static const char *const css[] = {
    ":root{--lane:170px;--col:240px;--ink:#1d2433;--body:#374151;--muted:#6b7280;",
    "--faint:#9aa1ad;--rule:#e3e6eb;--panel:#f5f6f8}\n",
    "*{box-sizing:border-box}\n",
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n",
    "body{margin:0;background:#fff;color:var(--body);font:14px/1.45 " JM__FONT_FAMILY ";",
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}\n",
    "main{padding:32px 40px 24px}\n",
    "h1,h2,h3,p,ul,figure{margin:0}\n",
    "ul{padding:0;list-style:none}\n",
    ".jm-head h1{font-size:30px;line-height:38px;color:var(--ink);overflow-wrap:anywhere}\n",
    ".jm-meta{display:flex;flex-wrap:wrap;align-items:center;gap:8px 22px;margin-top:10px;",
    "font-size:13.5px;line-height:20px}\n",
    ".jm-pills{display:flex;gap:6px;flex-wrap:wrap}\n",
    ".jm-pill{display:inline-block;padding:3px 12px;border-radius:999px;font-weight:700;",
    "font-size:12.5px;line-height:16px}\n",
    ".jm-pill-view{background:var(--ink);color:#fff}\n",
    ".jm-pill-today{background:#eef0f3;color:var(--ink)}\n",
    ".jm-pill-future{background:#e6f4f1;color:#0b6e64;outline:1.5px dashed #0e8a7e;",
    "outline-offset:-1.5px}\n",
    ".jm-kv>span{color:var(--muted);margin-right:5px}.jm-kv>b{color:var(--ink)}\n",
    ".jm-units b{color:var(--ink);margin-right:5px}.jm-units span{color:var(--muted)}\n",
    ".jm-teams{display:flex;flex-wrap:wrap;gap:6px 20px;margin-top:12px;font-size:12.5px;",
    "color:var(--muted)}\n",
    ".jm-team{color:var(--body);font-weight:700}\n",
    ".jm-team::before{content:\"\";display:inline-block;width:10px;height:10px;",
    "border-radius:3px;background:var(--team);margin-right:6px;vertical-align:-1px}\n",
    /* the grid */
    ".jm-scroll{overflow-x:auto;margin-top:22px;padding-top:12px}\n",
    ".jm-grid{width:max-content;border-top:1px solid #cfd4dc;border-right:1px solid #e8ebef}\n",
    ".jm-row{display:grid;grid-template-columns:var(--lane) repeat(var(--n),var(--col));",
    "border-bottom:1px solid var(--rule);break-inside:avoid;page-break-inside:avoid}\n",
    ".jm-row>*{min-width:0}\n",
    ".jm-row>*+*{border-left:1px solid #e8ebef}\n",
    ".jm-corner,.jm-lane{background:var(--panel);position:sticky;left:0;z-index:2;",
    "border-right:1px solid #cfd4dc}\n",
    ".jm-corner{display:flex;flex-direction:column;justify-content:space-between;",
    "padding:20px 12px 14px 16px;font-size:10.5px;line-height:15px;font-weight:700;",
    "color:var(--muted)}\n",
    ".jm-stages{border-bottom:1.5px solid #cfd4dc}\n",
    ".jm-stage{position:relative;display:flex;flex-direction:column;justify-content:",
    "space-between;gap:12px;padding:20px 12px 14px;border-top:5px solid var(--team);",
    "margin-top:-1px}\n",
    ".jm-stage h2{font-size:17px;line-height:22px;color:var(--ink);overflow-wrap:anywhere}\n",
    ".jm-owner{align-self:flex-start;max-width:100%;padding:4px 10px;border-radius:10px;",
    "font-size:11.5px;line-height:15px;font-weight:700;color:var(--team);",
    "background:var(--tint);overflow-wrap:anywhere}\n",
    ".jm-pins{position:absolute;top:-13px;right:18px;display:flex;gap:3px}\n",
    ".jm-pin{display:inline-flex;align-items:center;justify-content:center;flex:none;",
    "width:21px;height:21px;border-radius:50%;background:var(--sev);color:#fff;",
    "font-size:11px;font-weight:700;line-height:1;border:2px solid #fff;box-sizing:content-box}\n",
    ".jm-dim{opacity:.45}.jm-dimcol{background:#f1f2f4}\n",
    ".jm-strip{grid-column:2/-1;position:relative;height:36px}\n",
    ".jm-strip::before{content:\"\";position:absolute;left:8px;right:8px;top:17px;height:2px;",
    "border-radius:1px;background:#dde1e7}\n",
    ".jm-handoff{position:absolute;top:50%;transform:translate(-50%,-50%);display:flex;",
    "align-items:center;gap:6px;padding:3px 10px;background:#fff;border:1px solid #9aa1ad;",
    "border-radius:999px;font-size:11px;line-height:14px;font-weight:700;color:var(--ink);",
    "white-space:nowrap}\n",
    ".jm-handoff i{width:8px;height:8px;border-radius:50%}\n",
    ".jm-lane{padding:12px 12px 12px 16px;box-shadow:inset 4px 0 0 var(--group)}\n",
    ".jm-lane h3{font-size:13.5px;line-height:18px;color:var(--ink);overflow-wrap:anywhere}\n",
    ".jm-legend{margin-top:6px;font-size:11px;line-height:15px;color:var(--muted)}\n",
    ".jm-legend li{display:flex;align-items:center;gap:6px;margin-top:2px;",
    "overflow-wrap:anywhere}\n",
    ".jm-legend i{flex:none;width:18px;border-top:2.5px solid var(--c)}\n",
    ".jm-legend i.jm-dash{border-top-style:dashed}\n",
    ".jm-legend svg{flex:none}\n",
    ".jm-cell{padding:12px;font-size:13px;line-height:18.5px;overflow-wrap:anywhere}\n",
    ".jm-alt>.jm-cell{background:#fafbfc}\n",
    ".jm-alt>.jm-cell.jm-dimcol,.jm-cell.jm-dimcol{background:#f1f2f4}\n",
    ".jm-items{display:flex;flex-direction:column;gap:5px}\n",
    ".jm-items li{position:relative;padding-left:13px}\n",
    ".jm-items li::before{content:\"\";position:absolute;left:1.5px;top:6.75px;width:5px;",
    "height:5px;border-radius:50%;background:var(--dot)}\n",
    ".jm-state-label{font-size:10.5px;line-height:15px;font-weight:700;color:var(--muted);",
    "margin-bottom:4px}\n",
    ".jm-today{margin-bottom:10px}\n",
    ".jm-future{padding:8px 10px 9px;border:1.2px dashed #4aa597;border-radius:6px;",
    "background:#eef8f6}\n",
    ".jm-future .jm-state-label{color:#0b6e64}\n",
    ".jm-note{position:relative;margin-top:8px;padding:6px 10px;background:#fff4cc;",
    "border:1px solid #ecd27c;border-radius:4px;font-size:12px;line-height:17px;color:#5b4a14}\n",
    ".jm-tps,.jm-shares,.jm-roles{display:flex;flex-direction:column}\n",
    ".jm-tps{gap:12px}.jm-shares,.jm-roles{gap:9px}\n",
    ".jm-tp{position:relative;padding-left:13px}\n",
    ".jm-tp::before{content:\"\";position:absolute;left:0.5px;top:5.25px;width:7px;height:7px;",
    "border-radius:50%;background:var(--team)}\n",
    ".jm-tp-name{display:block;font-size:12.5px;line-height:17.5px;font-weight:700;",
    "color:var(--ink)}\n",
    ".jm-sub{display:block;font-size:11.5px;line-height:16px;color:var(--muted)}\n",
    ".jm-bar{display:block;height:6px;margin-top:3px;border-radius:3px;background:#eceff3;",
    "overflow:hidden}\n",
    ".jm-bar>i{display:block;height:100%;border-radius:inherit;background:var(--fill)}\n",
    ".jm-tp .jm-bar{height:3px;margin-top:4px}.jm-roles .jm-bar{height:5px}\n",
    ".jm-line{display:flex;justify-content:space-between;align-items:flex-start;gap:10px;",
    "font-size:12.5px;line-height:17.5px}\n",
    ".jm-line>span{min-width:0;display:flex;gap:5px;align-items:flex-start}\n",
    ".jm-line>b{flex:none}.jm-line svg{flex:none;margin-top:3px}\n",
    ".jm-roles b{color:var(--muted);font-size:12px}.jm-key>.jm-line>span{font-weight:700;",
    "color:var(--ink)}\n",
    ".jm-kpis{display:flex;flex-direction:column;gap:8px}\n",
    ".jm-kpi{position:relative;padding:8px 8px 9px 12px;border-radius:5px;background:var(--tint);",
    "box-shadow:inset 4px 0 0 var(--st)}\n",
    ".jm-kpi-name{font-size:12.5px;line-height:17.5px;font-weight:700;color:var(--ink)}\n",
    ".jm-kpi-val{display:flex;flex-wrap:wrap;align-items:baseline;column-gap:10px;",
    "margin-top:2px}\n",
    ".jm-kpi-val b{font-size:17px;line-height:22px;color:var(--st)}\n",
    ".jm-kpi-val span{font-size:11.5px;color:var(--muted)}\n",
    ".jm-kpi-status{display:flex;align-items:center;gap:5px;margin-top:3px;font-size:11.5px;",
    "line-height:16px;font-weight:700;color:var(--st)}\n",
    ".jm-kpi-status svg{flex:none}\n",
    ".jm-emo-cell{padding-top:calc(8px + var(--emo-h) + 2px);text-align:center;font-size:11.5px;",
    "line-height:16px;color:var(--muted)}\n",
    ".jm-emo-plot{grid-row:1;grid-column:2/-1;z-index:1;pointer-events:none;padding-top:8px;",
    "border-left:0}\n",
    ".jm-emo-plot svg{display:block}\n",
    /* panels */
    "section{margin-top:48px}\n",
    "section>h2{font-size:20px;line-height:26px;color:var(--ink);padding-left:14px;",
    "border-left:4px solid var(--ink);margin-bottom:14px;break-after:avoid}\n",
    "section>h2~h2{margin-top:36px}\n",
    ".jm-chart{overflow-x:auto}\n.jm-chart svg{display:block}\n",
    ".jm-none{font-size:14px;color:var(--muted)}\n",
    ".jm-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,380px),1fr));",
    "gap:16px;max-width:var(--wide)}\n",
    ".jm-card{border:1px solid #e1e4e9;border-radius:6px;background:#fff;padding:18px;",
    "break-inside:avoid;page-break-inside:avoid;overflow-wrap:anywhere;min-width:0}\n",
    ".jm-break{box-shadow:inset var(--edge) 0 0 var(--sev);padding-left:calc(18px + "
    "var(--edge))}\n",
    ".jm-break-top{display:flex;align-items:center;gap:10px;font-size:11.5px;line-height:16px;",
    "font-weight:700}\n",
    ".jm-break-top .jm-pin{width:24px;height:24px;border:0;font-size:12px}\n",
    ".jm-break h3{margin:10px 0 6px;line-height:1.35;color:var(--ink)}\n",
    ".jm-break p{font-size:13px;line-height:19px}\n",
    ".jm-totals{display:flex;gap:28px;margin-bottom:12px;font-size:13px;color:var(--muted)}\n",
    ".jm-totals b{font-size:15px;color:var(--ink);margin-right:5px}\n",
    ".jm-table{width:100%;max-width:var(--wide);border-collapse:collapse;font-size:13px;",
    "line-height:18.5px;table-layout:fixed}\n",
    ".jm-table th{background:var(--panel);font-size:11.5px;line-height:16px;color:var(--muted);",
    "text-align:left;padding:8px 10px}\n",
    ".jm-table td{padding:9px 10px;border-bottom:1px solid var(--rule);vertical-align:top;",
    "overflow-wrap:anywhere}\n",
    ".jm-table tr{break-inside:avoid;page-break-inside:avoid}\n",
    ".jm-table tbody tr:nth-child(even){background:#fafbfc}\n",
    ".jm-table .jm-num{text-align:right;font-variant-numeric:tabular-nums}\n",
    ".jm-table td:first-child{font-weight:700;color:var(--ink)}\n",
    ".jm-table td:first-child .jm-sub{font-weight:400}\n",
    ".jm-dot{display:inline-block;width:8px;height:8px;border-radius:50%;background:var(--team);",
    "margin-right:6px}\n",
    ".jm-chip{display:inline-block;padding:1px 8px;border-radius:9px;font-size:11.5px;",
    "font-weight:700}\n",
    ".jm-chip-silent{background:#e8eefb;color:#2f4f8f}.jm-chip-stalled{background:#fdf1e2;",
    "color:#9a4a06}\n",
    ".jm-persona{padding:20px}\n",
    ".jm-persona.jm-match{border:2.5px solid #2f6bd8}\n",
    ".jm-persona-head{display:flex;gap:14px;align-items:flex-start}\n",
    ".jm-persona-head svg{flex:none}\n",
    ".jm-persona-head div{min-width:0;flex:1}\n",
    ".jm-persona h3{font-size:17px;line-height:22px;color:var(--ink)}\n",
    ".jm-persona .jm-sub{font-size:12.5px;line-height:17.5px}\n",
    ".jm-persona-desc{margin-top:12px;font-size:13px;line-height:19px}\n",
    ".jm-persona h4{margin:12px 0 3px;padding-top:10px;border-top:1px solid #eceef2;",
    "font-size:11.5px;line-height:16px;color:#2f4f8f}\n",
    ".jm-persona .jm-items{gap:3px;font-size:12.5px;line-height:18px}\n",
    /* insight panels */
    ".jm-note-line{font-size:13px;color:var(--muted);margin-bottom:12px}\n",
    ".jm-facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,220px),1fr));",
    "gap:16px;max-width:var(--wide);margin-bottom:20px}\n",
    ".jm-fact{border:1px solid #e1e4e9;border-radius:6px;padding:14px;break-inside:avoid;",
    "page-break-inside:avoid;overflow-wrap:anywhere;min-width:0}\n",
    ".jm-fact h3{font-size:12px;line-height:17px;color:var(--muted)}\n",
    ".jm-fact b{display:block;font-size:24px;line-height:30px;color:var(--ink);margin:4px 0 2px}\n",
    ".jm-fact p{font-size:12px;line-height:17px}\n",
    ".jm-caption{font-size:11.5px;font-weight:700;color:var(--muted);margin-bottom:6px}\n",
    ".jm-table td.jm-heat{text-align:center;font-size:12px;font-variant-numeric:tabular-nums}\n",
    ".jm-table th.jm-heat{text-align:center}\n",
    ".jm-voice p{font-size:12.5px;line-height:17.5px;font-weight:700;color:var(--ink)}\n",
    "footer{margin-top:40px;padding-top:12px;border-top:1px solid var(--rule);text-align:right;",
    "font-size:11.5px;color:var(--faint)}\n",
    "@media (max-width:800px){main{padding:20px 16px}.jm-head "
    "h1{font-size:24px;line-height:30px}}\n",
    "@page{size:A3 landscape;margin:10mm}\n",
    "@media print{main{padding:0;zoom:var(--print-zoom)}.jm-scroll,.jm-chart{overflow:visible}",
    ".jm-corner,.jm-lane{position:static}section{break-before:auto}",
    "section>h2{break-after:avoid}}\n",
};

/* ---------------------------------------------------------------- helpers */

void jm__html_open(struct jm__svg *s, const char *tag, const char *cls)
{
    jm__out_f(&s->o, "<%s", tag);
    if (cls && *cls)
        jm__out_f(&s->o, " class=\"%s\"", cls);
    jm__out_raw(&s->o, ">");
}

void jm__html_el(struct jm__svg *s, const char *tag, const char *cls, const char *text)
{
    jm__html_open(s, tag, cls);
    jm__out_text(&s->o, text);
    jm__out_f(&s->o, "</%s>", tag);
}

void jm__html_data(struct jm__svg *s, const char *name, const char *value)
{
    jm__out_f(&s->o, " data-%s=\"", name);
    jm__out_attr(&s->o, value ? value : "");
    jm__out_raw(&s->o, "\"");
}

void jm__html_inline_svg(struct jm__svg *s, double w, double h, const char *vb, const char *label)
{
    jm__out_f(&s->o, "<svg width=\"%.0f\" height=\"%.0f\" viewBox=\"%s\"", ceil(w), ceil(h), vb);
    if (label && *label) {
        jm__out_raw(&s->o, " role=\"img\" aria-label=\"");
        jm__out_attr(&s->o, label);
        jm__out_raw(&s->o, "\">");
    } else {
        jm__out_raw(&s->o, " aria-hidden=\"true\">");
    }
}

void jm__html_bar(struct jm__svg *s, double share, const char *fill)
{
    if (!(share >= 0))
        share = 0;
    jm__out_f(&s->o, "<span class=\"jm-bar\"><i style=\"width:%.1f%%;--fill:%s\"></i></span>",
              fmin(share, 1) * 100, fill);
}

void jm__html_items(struct jm__svg *s, const char **v, size_t n, const char *dot)
{
    jm__out_f(&s->o, "<ul class=\"jm-items\" style=\"--dot:%s\">", dot);
    for (size_t i = 0; i < n; i++) {
        if (!v[i] || !*v[i])
            continue;
        jm__html_el(s, "li", NULL, v[i]);
    }
    jm__out_raw(&s->o, "</ul>");
}

/* ---------------------------------------------------------------- header */

static void kv(struct jm__svg *s, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    jm__out_raw(&s->o, "<span class=\"jm-kv\">");
    jm__html_el(s, "span", NULL, label);
    jm__html_el(s, "b", NULL, value);
    jm__out_raw(&s->o, "</span>");
}

static void header(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    char n[48];
    jm__out_raw(&s->o, "<header class=\"jm-head\">\n");
    jm__html_el(s, "h1", NULL, m->title && *m->title ? m->title : m->journey_name);
    jm__out_raw(&s->o, "\n<div class=\"jm-meta\"><span class=\"jm-pills\">");
    jm__html_el(s, "span", "jm-pill jm-pill-view", jm__ui(m, JM_UI_VIEW));
    if (m->state == JM_STATE_BOTH)
        jm__html_el(s, "span", "jm-pill jm-pill-today", jm__ui(m, JM_UI_CURRENT));
    if (m->state != JM_STATE_CURRENT)
        jm__html_el(s, "span", "jm-pill jm-pill-future", jm__ui(m, JM_UI_FUTURE));
    jm__out_raw(&s->o, "</span>");
    kv(s, jm__ui(m, JM_UI_PERIOD), m->period_text);
    kv(s, jm__ui(m, JM_UI_AS_OF), m->as_of_text);
    kv(s, jm__ui(m, JM_UI_FILTER), m->filter_text);
    jm__fmt_count(m->units, n, sizeof(n));
    jm__out_raw(&s->o, "<span class=\"jm-units\">");
    jm__html_el(s, "b", NULL, n);
    jm__html_el(s, "span", NULL, jm__ui(m, JM_UI_UNITS));
    jm__out_raw(&s->o, "</span></div>\n");
    if (m->n_teams) {
        jm__out_raw(&s->o, "<p class=\"jm-teams\">");
        jm__html_el(s, "span", NULL, jm__ui(m, JM_UI_OWNER));
    }
    for (size_t t = 0; t < m->n_teams; t++) {
        const struct jm_map_team *team = &m->teams[t];
        jm__out_f(&s->o, "<span class=\"jm-team\" style=\"--team:%s\">",
                  jm__team_color(m, team->key));
        jm__out_text(&s->o, team->name && *team->name ? team->name : team->key);
        jm__out_raw(&s->o, "</span>");
    }
    if (m->n_teams)
        jm__out_raw(&s->o, "</p>\n");
    jm__out_raw(&s->o, "</header>\n");
}

/* ---------------------------------------------------------------- the page */

static void head(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    double page_w = fmax(jm__grid_width(m), JM__MIN_WIDTH - 2 * JM__MARGIN) + 2 * JM__MARGIN;
    jm__out_raw(&s->o, "<!DOCTYPE html>\n<html lang=\"");
    jm__out_attr(&s->o, jm__lang_tag(m->lang_code));
    jm__out_raw(&s->o, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                       "'none'; style-src 'unsafe-inline'; img-src data:\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<meta name=\"generator\" content=\"journeymap\">\n<title>");
    jm__out_text(&s->o, m->title && *m->title ? m->title : m->journey_name);
    jm__out_raw(&s->o, " \xe2\x80\x94 ");
    jm__out_text(&s->o, jm__ui(m, JM_UI_VIEW));
    jm__out_raw(&s->o, "</title>\n<style>\n");
    for (size_t i = 0; i < sizeof(css) / sizeof(css[0]); i++)
        jm__out_raw(&s->o, css[i]);
    /* What depends on the map: the number of stage columns, the emotion plot's height, the
     * width the panels line up with, and the zoom that fits the page on A3 landscape (400 mm
     * between margins, ~1510 CSS px). */
    jm__out_f(&s->o,
              "main{--n:%zu;--emo-h:%.0fpx;--wide:%.0fpx;--print-zoom:%.3f}\n"
              "</style>\n</head>\n",
              m->n_stages ? m->n_stages : 1, JM__EMOTION_H,
              fmax(jm__grid_width(m), JM__MIN_WIDTH - 2 * JM__MARGIN), fmin(1.0, 1510.0 / page_w));
}

jm_status jm__html_map(const struct jm_map *m, struct jm_strbuf *sb)
{
    struct jm__svg s;
    size_t start = sb->len;
    jm__svg_init(&s, m, sb);
    head(&s);
    jm__out_raw(&s.o, "<body>\n<main id=\"jm-map\"");
    jm__html_data(&s, "view", m->view_key);
    jm__html_data(&s, "lang", jm__lang_tag(m->lang_code));
    jm__out_f(&s.o, " data-state=\"%s\">\n",
              m->state == JM_STATE_FUTURE ? "future"
              : m->state == JM_STATE_BOTH ? "both"
                                          : "current");
    header(&s);
    jm__html_grid(&s);
    jm__html_panels(&s);
    jm__out_raw(&s.o, "<footer>");
    jm__out_text(&s.o, jm__ui(m, JM_UI_GENERATED));
    jm__out_raw(&s.o, "</footer>\n</main>\n</body>\n</html>\n");
    jm_status rc = s.o.rc;
    if (rc && sb->cap) {
        sb->len = start;
        sb->buf[start] = '\0';
    }
    jm__svg_release(&s);
    return rc;
}
