/*
 * The panels under the SVG map: break-point callouts, the stalled and silent units, persona
 * cards. Cards sit in a grid of equal columns; the cards of one grid row share the height of the
 * tallest, so the wall poster reads in straight lines. Each card is measured (draw = false) and
 * then drawn with the same function, so measuring and drawing cannot disagree.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

static const struct jm__tstyle t_body = {13, 19, false, JM__BODY, JM__START};
static const struct jm__tstyle t_meta = {11.5, 16, false, JM__MUTED, JM__START};

typedef double (*card_fn)(struct jm__svg *s, size_t i, double x, double y, double w, double h,
                          bool draw);

/* Lays out `n` cards in `cols` columns; returns the height. */
static double card_grid(struct jm__svg *s, size_t n, size_t cols, double x, double y, double w,
                        double gap, card_fn card)
{
    double cw = (w - gap * (double)(cols - 1)) / (double)cols, y0 = y;
    for (size_t first = 0; first < n; first += cols) {
        double rh = 0;
        for (size_t i = first; i < n && i < first + cols; i++)
            rh = fmax(rh, card(s, i, 0, 0, cw, 0, false));
        for (size_t i = first; i < n && i < first + cols; i++)
            card(s, i, x + (double)(i - first) * (cw + gap), y, cw, rh, true);
        y += rh + gap;
    }
    return n ? y - y0 - gap : 0;
}

static size_t columns(double w, double min_card)
{
    size_t c = (size_t)(w / min_card);
    return c < 1 ? 1 : c > 3 ? 3 : c;
}

static double none(struct jm__svg *s, double x, double y, double w, const char *text)
{
    static const struct jm__tstyle t = {14, 20, false, JM__MUTED, JM__START};
    return jm__svg_text(s, x, y, w, text, &t, true);
}

/* ---------------------------------------------------------------- break points */

static double clamp01(double v)
{
    return v >= 0 ? (v <= 1 ? v : 1) : 0;
}

static double break_card(struct jm__svg *s, size_t i, double x, double y, double w, double h,
                         bool draw)
{
    const struct jm_map *m = s->m;
    const struct jm_map_break *b = &m->breaks[i];
    double sev = clamp01(b->severity);
    /* Severity is weight: a thicker edge and a larger headline for what hurts most. */
    double edge = 3 + 5 * sev, pad = 18, ix = x + edge + pad, iw = w - edge - 2 * pad;
    struct jm__tstyle head = {14.5 + 2.5 * sev, 0, true, JM__INK, JM__START};
    head.lh = head.size * 1.35;
    static const struct jm__tstyle num = {12, 16, true, "#ffffff", JM__MIDDLE};
    const char *color = jm__severity_color(b->severity);
    double cy = y + pad;
    if (draw) {
        jm__svg_rect(s, x, y, w, h, 6, "#ffffff", "stroke=\"#e1e4e9\" stroke-width=\"1\"");
        jm__svg_edge(s, x, y, edge, h, 6, color);
        char n[24];
        snprintf(n, sizeof(n), "%zu", i + 1);
        jm__svg_circle(s, ix + 12, cy + 12, 12, color, NULL);
        jm__svg_text(s, ix + 12, cy + 12 - num.lh / 2, 40, n, &num, true);
    }
    double top_h = 24;
    if (jm__stage_ok(m, b->stage)) {
        const struct jm_map_stage *st = &m->stages[b->stage];
        struct jm__tstyle t = t_meta;
        t.bold = true;
        t.fill = jm__team_color(m, st->owner);
        double th = jm__svg_text(s, ix + 34, cy + 4, iw - 34, st->name, &t, draw);
        top_h = fmax(top_h, th + 4);
    }
    cy += top_h + 10;
    cy += jm__svg_text(s, ix, cy, iw, b->headline, &head, draw) + 6;
    cy += jm__svg_text(s, ix, cy, iw, b->text, &t_body, draw);
    return cy + pad - y;
}

double jm__svg_breaks(struct jm__svg *s, double x, double y, double w)
{
    if (!s->m->n_breaks)
        return none(s, x, y, w, jm__ui(s->m, JM_UI_NO_BREAKS));
    return card_grid(s, s->m->n_breaks, columns(w, 420), x, y, w, 16, break_card);
}

/* ---------------------------------------------------------------- stalled and silent */

#define IDLE_COLS 6
static const double idle_frac[IDLE_COLS] = {0.25, 0.17, 0.11, 0.11, 0.11, 0.25};

struct table {
    double x[IDLE_COLS + 1];
};

static double idle_cell(struct jm__svg *s, const struct table *t, const struct jm_map_idle *u,
                        int col, double y, bool draw)
{
    const struct jm_map *m = s->m;
    static const struct jm__tstyle name = {13, 18.5, true, JM__INK, JM__START};
    static const struct jm__tstyle cell = {13, 18.5, false, JM__BODY, JM__START};
    static const struct jm__tstyle numr = {13, 18.5, false, JM__INK, JM__END};
    double x = t->x[col] + 10, w = t->x[col + 1] - t->x[col] - 20;
    char buf[48];
    switch (col) {
    case 0: {
        double h = jm__svg_text(s, x, y, w, u->name && *u->name ? u->name : u->id, &name, draw);
        if (u->id && *u->id && u->name && *u->name && strcmp(u->id, u->name) != 0)
            h += jm__svg_text(s, x, y + h, w, u->id, &t_meta, draw);
        return h;
    }
    case 1: {
        if (!jm__stage_ok(m, u->stage))
            return 0;
        const struct jm_map_stage *st = &m->stages[u->stage];
        if (draw)
            jm__svg_circle(s, x + 4, y + cell.lh / 2, 4, jm__team_color(m, st->owner), NULL);
        return jm__svg_text(s, x + 14, y, w - 14, st->name, &cell, draw);
    }
    case 2: {
        struct jm__tstyle chip = {11.5, 15, true, u->silent ? "#2f4f8f" : "#9a4a06", JM__START};
        const char *word = jm__ui(m, u->silent ? JM_UI_SILENT : JM_UI_STALLED);
        double cw = jm__svg_text_w(s, w - 16, word, &chip);
        double ch = jm__svg_text(s, 0, 0, w - 16, word, &chip, false);
        if (draw && ch > 0) {
            jm__svg_rect(s, x, y + 1, cw + 16, ch + 4, fmin(9, (ch + 4) / 2),
                         u->silent ? "#e8eefb" : "#fdf1e2", NULL);
            jm__svg_text(s, x + 8, y + 3, w - 16, word, &chip, true);
        }
        return ch + 6;
    }
    case 3:
    case 4:
        jm__fmt_fixed(col == 3 ? u->days_in_stage : u->days_silent, 1, false, buf, sizeof(buf));
        return jm__svg_text(s, x + w, y, w, buf, &numr, draw);
    default: {
        double h = jm__svg_text(s, x, y, w, u->last_touch, &cell, draw);
        return h + jm__svg_text(s, x, y + h, w, u->last_touchpoint, &t_meta, draw);
    }
    }
}

static double idle_header(struct jm__svg *s, const struct table *t, double y)
{
    const struct jm_map *m = s->m;
    static const struct jm__tstyle lab = {11.5, 16, true, JM__MUTED, JM__START};
    const char *labels[IDLE_COLS] = {
        jm__ui(m, JM_UI_UNITS),   jm__ui(m, JM_UI_STAGE),       "",
        jm__ui(m, JM_UI_DAYS_IN), jm__ui(m, JM_UI_DAYS_SILENT), jm__ui(m, JM_UI_LAST_TOUCH)};
    double h = 16;
    for (int c = 0; c < IDLE_COLS; c++) {
        struct jm__tstyle st = lab;
        double w = t->x[c + 1] - t->x[c] - 20;
        st.anchor = c == 3 || c == 4 ? JM__END : JM__START;
        h = fmax(h, jm__svg_text(s, 0, 0, w, labels[c], &st, false));
    }
    jm__svg_rect(s, t->x[0], y, t->x[IDLE_COLS] - t->x[0], h + 16, 0, JM__PANEL, NULL);
    for (int c = 0; c < IDLE_COLS; c++) {
        struct jm__tstyle st = lab;
        double w = t->x[c + 1] - t->x[c] - 20;
        st.anchor = c == 3 || c == 4 ? JM__END : JM__START;
        jm__svg_text(s, st.anchor == JM__END ? t->x[c + 1] - 10 : t->x[c] + 10, y + 8, w, labels[c],
                     &st, true);
    }
    return h + 16;
}

double jm__svg_idle(struct jm__svg *s, double x, double y, double w)
{
    const struct jm_map *m = s->m;
    double y0 = y;
    char a[48], b[48];
    jm__fmt_count(m->n_stalled, a, sizeof(a));
    jm__fmt_count(m->n_silent, b, sizeof(b));
    if (!m->n_idle && !m->n_stalled && !m->n_silent)
        return none(s, x, y, w, jm__ui(m, JM_UI_NO_IDLE));
    /* The totals: "12 stalled   5 silent", beyond the rows listed. */
    static const struct jm__tstyle n = {15, 20, true, JM__INK, JM__START};
    static const struct jm__tstyle wd = {13, 20, false, JM__MUTED, JM__START};
    double cx = x;
    const char *nums[2] = {a, b};
    const char *words[2] = {jm__ui(m, JM_UI_STALLED), jm__ui(m, JM_UI_SILENT)};
    for (int i = 0; i < 2; i++) {
        double nw = jm__svg_text_w(s, w, nums[i], &n) + 5;
        jm__svg_text(s, cx, y, w, nums[i], &n, true);
        jm__svg_text(s, cx + nw, y, w / 2 - nw, words[i], &wd, true);
        cx += nw + jm__svg_text_w(s, w / 2 - nw, words[i], &wd) + 28;
    }
    y += 32;
    if (!m->n_idle)
        return y - y0;
    struct table t;
    t.x[0] = x;
    for (int c = 0; c < IDLE_COLS; c++)
        t.x[c + 1] = t.x[c] + idle_frac[c] * w;
    y += idle_header(s, &t, y);
    for (size_t i = 0; i < m->n_idle; i++) {
        double h = 0;
        for (int c = 0; c < IDLE_COLS; c++)
            h = fmax(h, idle_cell(s, &t, &m->idle[i], c, 0, false));
        h += 18;
        if (i % 2)
            jm__svg_rect(s, x, y, w, h, 0, "#fafbfc", NULL);
        for (int c = 0; c < IDLE_COLS; c++)
            idle_cell(s, &t, &m->idle[i], c, y + 9, true);
        jm__svg_rect(s, x, y + h - 1, w, 1, 0, JM__RULE, NULL);
        y += h;
    }
    return y - y0;
}

/* ---------------------------------------------------------------- personas */

void jm__svg_persona_icon(struct jm__svg *s, double cx, double cy, bool company)
{
    jm__svg_circle(s, cx, cy, 20, "#e8eefb", NULL);
    jm__out_raw(&s->o, "<g transform=\"translate(");
    jm__out_num(&s->o, cx);
    jm__out_raw(&s->o, " ");
    jm__out_num(&s->o, cy);
    if (company)
        jm__out_raw(&s->o, ")\" fill=\"#2f4f8f\"><path d=\"M-9 10 V-8 H3 V-3 H9 V10 Z\"/>"
                           "<path d=\"M-6 -5 h3 v3 h-3 Z M-1 -5 h2 v3 h-2 Z M-6 0 h3 v3 h-3 Z "
                           "M-1 0 h2 v3 h-2 Z M4 0 h3 v3 h-3 Z M-3 6 h4 v4 h-4 Z\" "
                           "fill=\"#e8eefb\"/></g>\n");
    else
        jm__out_raw(&s->o, ")\" fill=\"#2f4f8f\"><circle cy=\"-4\" r=\"5.5\"/>"
                           "<path d=\"M-10 11 C-10 3 -5 1.5 0 1.5 C5 1.5 10 3 10 11 Z\"/></g>\n");
}

static double persona_card(struct jm__svg *s, size_t i, double x, double y, double w, double h,
                           bool draw)
{
    const struct jm_map_persona *p = &s->m->personas[i];
    static const struct jm__tstyle name = {17, 22, true, JM__INK, JM__START};
    static const struct jm__tstyle sub = {12.5, 17.5, false, JM__MUTED, JM__START};
    static const struct jm__tstyle sec = {11.5, 16, true, "#2f4f8f", JM__START};
    static const struct jm__tstyle item = {12.5, 18, false, JM__BODY, JM__START};
    const double pad = 20, iw = w - 2 * pad, hx = x + pad + 54, hw = iw - 54;
    if (draw) {
        jm__svg_rect(s, x, y, w, h, 8, "#ffffff",
                     p->matches_filter ? "stroke=\"#2f6bd8\" stroke-width=\"2.5\""
                                       : "stroke=\"#e1e4e9\" stroke-width=\"1\"");
        jm__svg_persona_icon(s, x + pad + 20, y + pad + 20,
                             p->kind && strcmp(p->kind, "company") == 0);
        if (p->matches_filter)
            jm__svg_star(s, x + w - pad - 6, y + pad + 8, 8, "#2f6bd8");
    }
    double nh =
        jm__svg_text(s, hx, y + pad, hw - (p->matches_filter ? 22 : 0), p->name, &name, draw);
    nh += jm__svg_text(s, hx, y + pad + nh, hw, p->subtitle, &sub, draw);
    double cy = y + pad + fmax(nh, 40) + 12;
    if (p->description && *p->description)
        cy += jm__svg_text(s, x + pad, cy, iw, p->description, &t_body, draw) + 10;
    for (size_t k = 0; k < p->n_sections; k++) {
        const struct jm_map_section *sc = &p->sections[k];
        if (draw)
            jm__svg_rect(s, x + pad, cy + 4, iw, 1, 0, "#eceef2", NULL);
        cy += 12;
        cy += jm__svg_text(s, x + pad, cy, iw, sc->title, &sec, draw) + 3;
        for (size_t j = 0; j < sc->n; j++) {
            if (!sc->items[j] || !*sc->items[j])
                continue;
            if (draw)
                jm__svg_circle(s, x + pad + 4, cy + item.lh / 2, 2.4, "#9aa1ad", NULL);
            cy += jm__svg_text(s, x + pad + 13, cy, iw - 13, sc->items[j], &item, draw) + 3;
        }
    }
    return cy + pad - 4 - y;
}

double jm__svg_personas(struct jm__svg *s, double x, double y, double w)
{
    return card_grid(s, s->m->n_personas, columns(w, 400), x, y, w, 20, persona_card);
}
