/*
 * The stage grid of the SVG map: a header row of stage columns, a strip that marks handoffs
 * between teams, and one row per lane.
 *
 *        |<- JM__LANE_W ->|<---- JM__COL_W ---->|<---- JM__COL_W ---->|
 *        +----------------+---------------------+---------------------+
 *        | Stage          | (1)(2)  accent bar  |                     |  break pins on the bar
 *        |                | Nhận biết           | Cân nhắc            |
 *        | Owner          | [Marketing]         | [Sales]             |  chips bottom-aligned
 *        +----------------+----------( handoff )+---------------------+
 *        | Pain points    | • item wrapped      | • item              |  a row is as tall as
 *        |                |   to the column     |                     |  its tallest cell
 *        +----------------+---------------------+---------------------+
 *
 * Each cell is drawn at its own origin into a scratch buffer, which yields its height; once a
 * row's cells are all drawn the row knows its height, paints its background and lane header,
 * and then copies the cells in, each inside a translated group. So every cell is laid out once
 * and nothing overflows: a cell with many lines makes its row taller.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

#define PAD_X 12.0
#define PAD_Y 12.0
#define CW    (JM__COL_W - 2 * PAD_X) /* a cell's content width */

static const struct jm__tstyle t_item = {13, 18.5, false, JM__BODY, JM__START};
static const struct jm__tstyle t_small = {11.5, 16, false, JM__MUTED, JM__START};
static const struct jm__tstyle t_label = {10.5, 15, true, JM__MUTED, JM__START};
static const struct jm__tstyle t_name = {12.5, 17.5, true, JM__INK, JM__START};

struct grid {
    struct jm__svg *s;
    const struct jm_map *m;
    double x, gx;            /* left of the lane column; left of the first stage column */
    struct jm_strbuf *main;  /* where rows go */
    struct jm_strbuf *cells; /* one scratch buffer per stage */
    struct jm_strbuf tmp;    /* composed strings */
    size_t row;
};

/* ---------------------------------------------------------------- text lanes */

static double bullets(struct jm__svg *s, double x, double y, double w, const char **items, size_t n,
                      const char *dot, bool draw)
{
    double y0 = y;
    for (size_t i = 0; i < n; i++) {
        if (!items[i] || !*items[i])
            continue;
        if (y > y0)
            y += 5;
        if (draw)
            jm__svg_circle(s, x + 4, y + t_item.lh / 2, 2.6, dot, NULL);
        y += jm__svg_text(s, x + 13, y, w - 13, items[i], &t_item, draw);
    }
    return y - y0;
}

/* The future state in BOTH: a dashed teal block under today's lines. */
static double future_block(struct jm__svg *s, double y, const struct jm_map_cell *c,
                           const char *dot)
{
    const char *label = jm__ui(s->m, JM_UI_FUTURE);
    static const struct jm__tstyle lab = {10.5, 15, true, "#0b6e64", JM__START};
    double lh = jm__svg_text(s, 10, 0, CW - 20, label, &lab, false);
    double h = 8 + lh + 4 + bullets(s, 10, 0, CW - 20, c->future, c->n_future, dot, false) + 9;
    jm__svg_rect(s, 0, y, CW, h, 6, "#eef8f6",
                 "stroke=\"#4aa597\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"");
    jm__svg_text(s, 10, y + 8, CW - 20, label, &lab, true);
    bullets(s, 10, y + 8 + lh + 4, CW - 20, c->future, c->n_future, dot, true);
    return h;
}

static double notes(struct jm__svg *s, double y, const struct jm_map_cell *c)
{
    static const struct jm__tstyle t_note = {12, 17, false, "#5b4a14", JM__START};
    double y0 = y;
    for (size_t i = 0; i < c->n_notes; i++) {
        if (!c->notes[i] || !*c->notes[i])
            continue;
        y += 8;
        double h = jm__svg_text(s, 10, 0, CW - 20, c->notes[i], &t_note, false) + 12;
        jm__svg_rect(s, 0, y, CW, h, 4, "#fff4cc", "stroke=\"#ecd27c\" stroke-width=\"1\"");
        jm__out_raw(&s->o, "<path d=\"M");
        jm__out_num(&s->o, CW - 9);
        jm__out_raw(&s->o, " ");
        jm__out_num(&s->o, y);
        jm__out_raw(&s->o, " h9 v9 Z\" fill=\"#ecd27c\"/>\n");
        jm__svg_text(s, 10, y + 6, CW - 20, c->notes[i], &t_note, true);
        y += h;
    }
    return y - y0;
}

static double text_cell(struct grid *g, const struct jm_map_lane *lane,
                        const struct jm_map_stage *st)
{
    struct jm__svg *s = g->s;
    if ((unsigned)lane->lane >= JM_LANE__COUNT)
        return 0;
    const struct jm_map_cell *c = &st->cells[lane->lane];
    const char *dot = jm__lane_accent(lane);
    double y = 0;
    if (g->m->state == JM_STATE_BOTH && c->n_future) {
        if (c->n) {
            y += jm__svg_text(s, 0, y, CW, jm__ui(g->m, JM_UI_CURRENT), &t_label, true) + 4;
            y += bullets(s, 0, y, CW, c->items, c->n, dot, true) + 10;
        }
        y += future_block(s, y, c, dot);
    } else {
        const char **items;
        size_t n = jm__cell_items(g->m, c, &items);
        y += bullets(s, 0, y, CW, items, n, dot, true);
    }
    return y + notes(s, y, c);
}

/* ---------------------------------------------------------------- measured lanes */

/* A thin bar of `share` (0..1) of `w`, on a track. */
static void bar(struct jm__svg *s, double x, double y, double w, double h, double share,
                const char *fill)
{
    if (!(share >= 0))
        share = 0;
    jm__svg_rect(s, x, y, w, h, h / 2, "#eceff3", NULL);
    double bw = fmin(share, 1) * w;
    jm__svg_rect(s, x, y, fmax(bw, share > 0 ? h : 0), h, h / 2, fill, NULL);
}

static double touchpoints_cell(struct grid *g, const struct jm_map_stage *st)
{
    struct jm__svg *s = g->s;
    double y = 0;
    for (size_t i = 0; i < st->n_touchpoints; i++) {
        const struct jm_map_touchpoint *tp = &st->touchpoints[i];
        const char *color = jm__team_color(g->m, tp->owner);
        if (y > 0)
            y += 12;
        jm__svg_circle(s, 4, y + t_name.lh / 2, 3.5, color, NULL);
        y += jm__svg_text(s, 13, y, CW - 13, tp->name, &t_name, true);
        jm_strbuf_reset(&g->tmp);
        jm_status rc = jm__touchpoint_meta(g->m, tp, &g->tmp);
        if (rc && !s->o.rc)
            s->o.rc = rc;
        y += jm__svg_text(s, 13, y, CW - 13, g->tmp.buf, &t_small, true) + 4;
        bar(s, 13, y, CW - 13, 3, tp->share, color);
        y += 3;
    }
    return y;
}

static double channels_cell(struct grid *g, const struct jm_map_stage *st)
{
    struct jm__svg *s = g->s;
    static const struct jm__tstyle lab = {12.5, 17.5, false, JM__BODY, JM__START};
    static const struct jm__tstyle pct = {12.5, 17.5, true, JM__INK, JM__END};
    double y = 0;
    for (size_t i = 0; i < st->n_channels; i++) {
        const struct jm_map_share *ch = &st->channels[i];
        char p[48];
        jm__fmt_pct(ch->share, 0, p, sizeof(p));
        double pw = jm__svg_text_w(s, CW, p, &pct);
        if (y > 0)
            y += 9;
        jm__svg_text(s, CW, y, CW, p, &pct, true);
        y += fmax(jm__svg_text(s, 0, y, CW - pw - 10, ch->label, &lab, true), pct.lh) + 2;
        bar(s, 0, y, CW, 6, ch->share, "#5b7db8");
        y += 6;
    }
    return y;
}

/* One KPI card: the tinted box, the status edge, name, value against target, status in words. */
static double kpi_card(struct grid *g, double y0, const struct jm_map_kpi *k, bool draw)
{
    struct jm__svg *s = g->s;
    static const struct jm__tstyle tgt = {11.5, 22, false, JM__MUTED, JM__START};
    struct jm__tstyle val = {17, 22, true, jm__status_color(k->status), JM__START};
    struct jm__tstyle word = {11.5, 16, true, jm__status_color(k->status), JM__START};
    const double x = 12, w = CW - 20;
    double y = y0 + 8;
    if (k->touchpoint && *k->touchpoint)
        y += jm__svg_text(s, x, y, w, k->touchpoint, &t_small, draw);
    y += jm__svg_text(s, x, y, w, k->name, &t_name, draw) + 2;
    const char *mt = k->measured_text && *k->measured_text ? k->measured_text : "\xe2\x80\x94";
    double vw = jm__svg_text_w(s, w, mt, &val);
    jm_strbuf_reset(&g->tmp);
    jm_status rc = jm__kpi_target(g->m, k, &g->tmp);
    if (rc && !s->o.rc)
        s->o.rc = rc;
    const char *target = g->tmp.buf;
    double tw = jm__svg_text_w(s, w, target, &tgt);
    double vh = jm__svg_text(s, x, y, w, mt, &val, draw);
    if (*target && vw + 10 + tw <= w) {
        jm__svg_text(s, x + vw + 10, y, w - vw - 10, target, &tgt, draw);
        y += vh;
    } else {
        y += vh;
        y += jm__svg_text(s, x, y, w, target, &tgt, draw);
    }
    y += 3;
    if (draw)
        jm__svg_status_icon(s, x + 6.5, y + word.lh / 2, 6.5, k->status);
    y += fmax(jm__svg_text(s, x + 18, y, w - 18, jm__status_word(g->m, k->status), &word, draw),
              word.lh);
    return y + 9 - y0;
}

static double kpis_cell(struct grid *g, const struct jm_map_stage *st)
{
    struct jm__svg *s = g->s;
    double y = 0;
    for (size_t i = 0; i < st->n_kpis; i++) {
        const struct jm_map_kpi *k = &st->kpis[i];
        if (y > 0)
            y += 8;
        double h = kpi_card(g, y, k, false);
        jm__svg_rect(s, 0, y, CW, h, 5, jm__status_tint(k->status), NULL);
        jm__svg_edge(s, 0, y, 4, h, 5, jm__status_color(k->status));
        kpi_card(g, y, k, true);
        y += h;
    }
    return y;
}

static double dmu_cell(struct grid *g, const struct jm_map_stage *st)
{
    struct jm__svg *s = g->s;
    static const struct jm__tstyle role = {12.5, 17.5, false, JM__BODY, JM__START};
    static const struct jm__tstyle key = {12.5, 17.5, true, JM__INK, JM__START};
    static const struct jm__tstyle pct = {12, 17.5, true, JM__MUTED, JM__END};
    const char *accent = jm__team_color(g->m, st->owner);
    double y = 0;
    for (size_t i = 0; i < st->n_roles; i++) {
        const struct jm_map_role *r = &st->roles[i];
        char p[48];
        jm__fmt_pct(r->coverage, 0, p, sizeof(p));
        double pw = jm__svg_text_w(s, CW, p, &pct), ix = r->key_role ? 15 : 0;
        if (y > 0)
            y += 9;
        if (r->key_role)
            jm__svg_star(s, 5.5, y + role.lh / 2, 6, accent);
        jm__svg_text(s, CW, y, CW, p, &pct, true);
        y += fmax(jm__svg_text(s, ix, y, CW - ix - pw - 10, r->name, r->key_role ? &key : &role,
                               true),
                  role.lh) +
             2;
        bar(s, 0, y, CW, 5, r->coverage, r->key_role ? accent : "#aab4c3");
        y += 5;
    }
    return y;
}

static double emotion_cell(struct grid *g, const struct jm_map_stage *st)
{
    static const struct jm__tstyle t = {11.5, 16, false, JM__MUTED, JM__MIDDLE};
    jm_strbuf_reset(&g->tmp);
    jm_status rc = jm__emotion_note(g->m, st, &g->tmp);
    if (rc && !g->s->o.rc)
        g->s->o.rc = rc;
    return jm__svg_text(g->s, CW / 2, 0, CW, g->tmp.buf, &t, true);
}

static double voice_cell(struct grid *g, const struct jm_map_stage *st)
{
    jm_strbuf_reset(&g->tmp);
    jm_status rc = jm__voice_note(g->m, st, &g->tmp);
    if (rc && !g->s->o.rc)
        g->s->o.rc = rc;
    return jm__svg_text(g->s, 0, 0, CW, g->tmp.buf, &t_name, true);
}

static double cell(struct grid *g, const struct jm_map_lane *lane, const struct jm_map_stage *st)
{
    switch (lane->kind) {
    case JM_MAP_LANE_TEXT:
        return text_cell(g, lane, st);
    case JM_MAP_LANE_TOUCHPOINTS:
        return touchpoints_cell(g, st);
    case JM_MAP_LANE_CHANNELS:
        return channels_cell(g, st);
    case JM_MAP_LANE_EMOTION:
        return emotion_cell(g, st);
    case JM_MAP_LANE_KPIS:
        return kpis_cell(g, st);
    case JM_MAP_LANE_DMU:
        return dmu_cell(g, st);
    case JM_MAP_LANE_VOICE:
        return voice_cell(g, st);
    }
    return 0;
}

/* ---------------------------------------------------------------- lane headers */

/* A legend line: a short stroke (solid, dashed) or a star, then the words. */
static double legend(struct jm__svg *s, double x, double y, double w, const char *stroke,
                     const char *dash, bool is_star, const char *text, bool draw)
{
    static const struct jm__tstyle t = {11, 15, false, JM__MUTED, JM__START};
    if (!text || !*text)
        return 0;
    if (draw && is_star) {
        jm__svg_star(s, x + 8, y + t.lh / 2, 5.5, stroke);
    } else if (draw) {
        jm__out_raw(&s->o, "<path d=\"M");
        jm__out_num(&s->o, x);
        jm__out_raw(&s->o, " ");
        jm__out_num(&s->o, y + t.lh / 2);
        jm__out_f(&s->o,
                  " h18\" stroke=\"%s\" stroke-width=\"2.5\" fill=\"none\" "
                  "stroke-linecap=\"round\"%s%s%s/>\n",
                  stroke, dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
    }
    return jm__svg_text(s, x + 24, y, w - 24, text, &t, draw) + 2;
}

static double lane_header(struct grid *g, double y, const struct jm_map_lane *lane, bool draw)
{
    struct jm__svg *s = g->s;
    const struct jm_map *m = g->m;
    static const struct jm__tstyle t = {13.5, 18, true, JM__INK, JM__START};
    const double x = g->x + 16, w = JM__LANE_W - 16 - 12;
    double y0 = y;
    y += jm__svg_text(s, x, y, w, lane->name, &t, draw) + 6;
    if (lane->kind == JM_MAP_LANE_EMOTION) {
        const double lw = w - 22; /* the scale's labels sit at the column's right edge */
        y += legend(s, x, y, lw, "#1f4e99", NULL, false, jm__ui(m, JM_UI_MEASURED), draw);
        y += legend(s, x, y, lw, "#1f4e99", "4 4", false, jm__ui(m, JM_UI_AUTHORED), draw);
        if (jm__svg_has_future_curve(m))
            y += legend(s, x, y, lw, "#0e8a7e", "7 4", false, jm__ui(m, JM_UI_FUTURE), draw);
    } else if (lane->kind == JM_MAP_LANE_DMU) {
        bool any = false;
        for (size_t i = 0; i < m->n_stages && !any; i++)
            for (size_t k = 0; k < m->stages[i].n_roles && !any; k++)
                any = m->stages[i].roles[k].key_role;
        if (any)
            y += legend(s, x, y, w, JM__BODY, NULL, true, jm__ui(m, JM_UI_KEY_ROLE), draw);
    }
    return y - y0 - 6;
}

/* The -1..1 scale of the emotion curve, against the lane column's right edge. */
static void emotion_scale(struct grid *g, double plot_y)
{
    static const struct jm__tstyle t = {10.5, 14, false, JM__FAINT, JM__END};
    static const char *const labels[] = {"+1", "0", "-1"};
    for (int i = 0; i < 3; i++) {
        double v = 1 - i, y = plot_y + jm__svg_emotion_y(v);
        jm__svg_text(g->s, g->gx - 8, y - t.lh / 2, 30, labels[i], &t, true);
    }
}

/* ---------------------------------------------------------------- rows */

static double row(struct grid *g, double y, const struct jm_map_lane *lane)
{
    struct jm__svg *s = g->s;
    const struct jm_map *m = g->m;
    bool emotion = lane->kind == JM_MAP_LANE_EMOTION;
    double off = emotion ? 8 + JM__EMOTION_H + 2 : PAD_Y, h = 0;
    for (size_t i = 0; i < m->n_stages; i++) {
        jm_strbuf_reset(&g->cells[i]);
        s->o.sb = &g->cells[i];
        h = fmax(h, cell(g, lane, &m->stages[i]));
    }
    s->o.sb = g->main;
    double rh = fmax(off + h + PAD_Y, lane_header(g, y + PAD_Y, lane, false) + 2 * PAD_Y);
    rh = ceil(fmax(rh, 48));

    const char *zebra = g->row++ % 2 ? "#fafbfc" : "#ffffff";
    jm__svg_rect(s, g->gx, y, (double)m->n_stages * JM__COL_W, rh, 0, zebra, NULL);
    for (size_t i = 0; i < m->n_stages; i++)
        if (!m->stages[i].in_view)
            jm__svg_rect(s, g->gx + (double)i * JM__COL_W, y, JM__COL_W, rh, 0, "#f1f2f4", NULL);
    jm__svg_rect(s, g->x, y, JM__LANE_W, rh, 0, JM__PANEL, NULL);
    jm__svg_rect(s, g->x, y + 1, 4, rh - 2, 0, jm__lane_group_color(lane), NULL);
    lane_header(g, y + PAD_Y, lane, true);
    if (emotion) {
        emotion_scale(g, y + 8);
        jm__svg_open_g(s, g->gx, y + 8, false);
        jm__svg_emotion(s);
        jm__svg_close_g(s);
    }
    for (size_t i = 0; i < m->n_stages; i++) {
        if (!g->cells[i].len)
            continue;
        jm__svg_open_g(s, g->gx + (double)i * JM__COL_W + PAD_X, y + off, !m->stages[i].in_view);
        jm__out_mem(&s->o, g->cells[i].buf, g->cells[i].len);
        jm__svg_close_g(s);
    }
    jm__svg_rect(s, g->x, y + rh - 1, jm__grid_width(m), 1, 0, JM__RULE, NULL);
    return rh;
}

/* ---------------------------------------------------------------- stage header */

static const struct jm__tstyle t_stage = {17, 22, true, JM__INK, JM__START};
static const struct jm__tstyle t_chip = {11.5, 15, true, NULL, JM__START};

static double chip_h(struct jm__svg *s, const struct jm_map_stage *st)
{
    const char *name = st->owner_name && *st->owner_name ? st->owner_name : st->owner;
    if (!name || !*name)
        return 0;
    return jm__svg_text(s, 0, 0, CW - 20, name, &t_chip, false) + 8;
}

static void owner_chip(struct grid *g, double x, double y, const struct jm_map_stage *st)
{
    struct jm__svg *s = g->s;
    const char *name = st->owner_name && *st->owner_name ? st->owner_name : st->owner;
    if (!name || !*name)
        return;
    const char *color = jm__team_color(g->m, st->owner);
    struct jm__tstyle t = t_chip;
    t.fill = color;
    double w = jm__svg_text_w(s, CW - 20, name, &t) + 20, h = chip_h(s, st);
    jm__svg_rect(s, x, y, w, h, fmin(h / 2, 10), color, "fill-opacity=\"0.1\"");
    jm__svg_text(s, x + 10, y + 4, CW - 20, name, &t, true);
}

/* Numbered pins on a stage's accent bar, one per break point there, as in the callouts. */
static void break_pins(struct grid *g, double y)
{
    struct jm__svg *s = g->s;
    const struct jm_map *m = g->m;
    static const struct jm__tstyle t = {11, 14, true, "#ffffff", JM__MIDDLE};
    for (size_t i = 0; i < m->n_stages; i++) {
        /* Pins read left to right in break order, ending at the column's right edge; a column
         * holds nine (the panel lists every break anyway). */
        size_t n = 0, k = 0;
        for (size_t b = 0; b < m->n_breaks; b++)
            n += m->breaks[b].stage == i;
        n = n < 9 ? n : 9;
        double x0 = g->gx + (double)(i + 1) * JM__COL_W - 30 - (double)(n ? n - 1 : 0) * 24;
        for (size_t b = 0; b < m->n_breaks && k < n; b++) {
            if (m->breaks[b].stage != i)
                continue;
            double cx = x0 + (double)k++ * 24;
            char num[24];
            snprintf(num, sizeof(num), "%zu", b + 1);
            jm__svg_circle(s, cx, y, 10.5, jm__severity_color(m->breaks[b].severity),
                           "stroke=\"#ffffff\" stroke-width=\"2\"");
            jm__svg_text(s, cx, y - t.lh / 2, 30, num, &t, true);
        }
    }
}

static double stage_header(struct grid *g, double y)
{
    struct jm__svg *s = g->s;
    const struct jm_map *m = g->m;
    double name_h = 0, ch = 0;
    for (size_t i = 0; i < m->n_stages; i++) {
        name_h = fmax(name_h, jm__svg_text(s, 0, 0, CW, m->stages[i].name, &t_stage, false));
        ch = fmax(ch, chip_h(s, &m->stages[i]));
    }
    double h = ceil(20 + name_h + (ch > 0 ? 12 + ch : 0) + 14);
    jm__svg_rect(s, g->x, y, JM__LANE_W, h, 0, JM__PANEL, NULL);
    jm__svg_text(s, g->x + 16, y + 20, JM__LANE_W - 28, jm__ui(m, JM_UI_STAGE), &t_label, true);
    if (ch > 0)
        jm__svg_text(s, g->x + 16, y + h - 14 - ch + (ch - t_label.lh) / 2, JM__LANE_W - 28,
                     jm__ui(m, JM_UI_OWNER), &t_label, true);
    for (size_t i = 0; i < m->n_stages; i++) {
        const struct jm_map_stage *st = &m->stages[i];
        double x = g->gx + (double)i * JM__COL_W;
        if (!st->in_view)
            jm__svg_rect(s, x, y, JM__COL_W, h, 0, "#f1f2f4", NULL);
        jm__svg_rect(s, x + 3, y, JM__COL_W - 6, 5, 2.5, jm__team_color(m, st->owner),
                     st->in_view ? NULL : "fill-opacity=\"0.45\"");
        jm__svg_open_g(s, x + PAD_X, y, !st->in_view);
        jm__svg_text(s, 0, 20, CW, st->name, &t_stage, true);
        jm__svg_close_g(s);
        jm__svg_open_g(s, x + PAD_X, y + h - 14 - ch, !st->in_view);
        owner_chip(g, 0, 0, st);
        jm__svg_close_g(s);
    }
    break_pins(g, y + 2.5);
    jm__svg_rect(s, g->x, y + h - 1, jm__grid_width(m), 1.5, 0, "#cfd4dc", NULL);
    return h;
}

/* The strip under the stage header: a pill on each column boundary where the owner changes. */
static double handoffs(struct grid *g, double y)
{
    struct jm__svg *s = g->s;
    const struct jm_map *m = g->m;
    static const struct jm__tstyle t = {11, 14, true, JM__INK, JM__START};
    bool any = false;
    for (size_t i = 0; i + 1 < m->n_stages; i++)
        any |= m->stages[i].handoff;
    if (!any)
        return 0;
    const char *label = jm__ui(m, JM_UI_HANDOFF);
    double tw = jm__svg_text_w(s, JM__COL_W - 70, label, &t);
    double th = fmax(jm__svg_text(s, 0, 0, JM__COL_W - 70, label, &t, false), t.lh);
    double h = th + 18, ph = th + 8;
    jm__svg_rect(s, g->x, y, JM__LANE_W, h, 0, JM__PANEL, NULL);
    jm__svg_rect(s, g->gx + 8, y + h / 2 - 1, (double)m->n_stages * JM__COL_W - 16, 2, 1, "#dde1e7",
                 NULL);
    for (size_t i = 0; i + 1 < m->n_stages; i++) {
        if (!m->stages[i].handoff)
            continue;
        double bx = g->gx + (double)(i + 1) * JM__COL_W, pw = tw + 42;
        double px = bx - pw / 2, py = y + (h - ph) / 2;
        jm__svg_rect(s, px, py, pw, ph, ph / 2, "#ffffff", "stroke=\"#9aa1ad\" stroke-width=\"1\"");
        jm__svg_circle(s, px + 11, py + ph / 2, 4, jm__team_color(m, m->stages[i].owner), NULL);
        jm__svg_circle(s, px + pw - 11, py + ph / 2, 4, jm__team_color(m, m->stages[i + 1].owner),
                       NULL);
        jm__svg_text(s, px + 21, py + 4, JM__COL_W - 70, label, &t, true);
    }
    jm__svg_rect(s, g->x, y + h - 1, jm__grid_width(m), 1, 0, JM__RULE, NULL);
    return h;
}

/* ---------------------------------------------------------------- the grid */

double jm__svg_grid(struct jm__svg *s, double x, double y)
{
    const struct jm_map *m = s->m;
    struct grid g = {s, m, x, x + JM__LANE_W, s->o.sb, NULL, JM_STRBUF_INIT, 0};
    double top = y;
    g.cells = jm_calloc(m->n_stages ? m->n_stages : 1, sizeof(*g.cells));
    if (!g.cells) {
        if (!s->o.rc)
            s->o.rc = JM_ENOMEM;
        return y;
    }
    for (size_t i = 0; i < m->n_stages; i++)
        jm_strbuf_init(&g.cells[i], 0);
    y += stage_header(&g, y);
    y += handoffs(&g, y);
    double lanes_top = y;
    for (size_t i = 0; i < m->n_lanes; i++) {
        y += row(&g, y, &m->lanes[i]);
        if (s->layout && s->layout->n_cuts < JM_SVG_MAX_CUTS)
            s->layout->cut[s->layout->n_cuts++] = y;
    }
    /* Column rules last, over the rows' backgrounds. */
    for (size_t i = 0; i <= m->n_stages; i++) {
        double cx = g.gx + (double)i * JM__COL_W - (i == m->n_stages ? 1 : 0);
        jm__svg_rect(s, cx, i ? lanes_top : top, 1, y - (i ? lanes_top : top), 0,
                     i ? "#e8ebef" : "#cfd4dc", NULL);
    }
    for (size_t i = 0; i < m->n_stages; i++)
        jm_strbuf_release(&g.cells[i]);
    jm_free(g.cells);
    jm_strbuf_release(&g.tmp);
    return y;
}
