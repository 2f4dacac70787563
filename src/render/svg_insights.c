/*
 * The insight panels of the SVG map (ipanel.c lays them out): a heading, a line on what was
 * counted, a row of fact cards, and a table of text, numbers, share bars or heat cells.
 *
 *   | What wins deals                                                        |
 *   | 128 won deals, 365-day lookback: ...                                   |
 *   | +-----------+ +-----------+                                            |
 *   | | label     | | label     |   fact cards, equal width, tallest sets    |
 *   | | 42        | | 3.1       |   the row's height                         |
 *   | +-----------+ +-----------+                                            |
 *   | Channel     | First touch  | W-shaped | ...      table: header band,   |
 *   | Organic     | 42.0% ====   | ...               rows as tall as their   |
 *                                                     tallest cell            |
 * Like the other panels, each piece is measured (draw = false) and then drawn by the same code.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

static const struct jm__tstyle t_note = {13, 19, false, JM__MUTED, JM__START};
static const struct jm__tstyle t_head = {11.5, 16, true, JM__MUTED, JM__START};
static const struct jm__tstyle t_cell = {13, 18.5, false, JM__BODY, JM__START};

/* ---------------------------------------------------------------- fact cards */

static double fact_card(struct jm__svg *s, const struct jm__fact *f, double x, double y, double w,
                        double h, bool draw)
{
    static const struct jm__tstyle lab = {12, 17, true, JM__MUTED, JM__START};
    static const struct jm__tstyle val = {24, 30, true, JM__INK, JM__START};
    static const struct jm__tstyle det = {12, 17, false, JM__BODY, JM__START};
    const double pad = 14, iw = w - 2 * pad;
    if (draw)
        jm__svg_rect(s, x, y, w, h, 6, "#ffffff", "stroke=\"#e1e4e9\" stroke-width=\"1\"");
    double cy = y + pad;
    cy += jm__svg_text(s, x + pad, cy, iw, f->label, &lab, draw) + 4;
    cy += jm__svg_text(s, x + pad, cy, iw, f->value, &val, draw) + 2;
    cy += jm__svg_text(s, x + pad, cy, iw, f->detail, &det, draw);
    return cy + pad - y;
}

static double facts(struct jm__svg *s, const struct jm__ipanel *p, double x, double y, double w)
{
    if (!p->n_facts)
        return 0;
    const double gap = 16;
    size_t cols = p->n_facts < 4 ? 4 : p->n_facts; /* a lone fact stays card-sized */
    double cw = (w - gap * (double)(cols - 1)) / (double)cols, h = 0;
    for (size_t i = 0; i < p->n_facts; i++)
        h = fmax(h, fact_card(s, &p->facts[i], 0, 0, cw, 0, false));
    for (size_t i = 0; i < p->n_facts; i++)
        fact_card(s, &p->facts[i], x + (double)i * (cw + gap), y, cw, h, true);
    return h + 20;
}

/* ---------------------------------------------------------------- tables */

struct cols {
    double x[JM__ITABLE_COLS + 1];
};

/* One cell at the top-left of its column box; returns its content height. */
static double cell(struct jm__svg *s, const struct jm__itable *t, const struct cols *c, size_t col,
                   const struct jm__icell *v, double y, double rh, bool draw)
{
    double x = c->x[col] + 8, w = c->x[col + 1] - c->x[col] - 16;
    struct jm__tstyle st = t_cell;
    if (col == 0) { /* the row's name */
        st.bold = true;
        st.fill = JM__INK;
    }
    switch (t->kind[col]) {
    case JM__ICOL_TEXT:
        return jm__svg_text(s, x, y, w, v->text, &st, draw);
    case JM__ICOL_NUM:
        st.anchor = JM__END;
        return jm__svg_text(s, x + w, y, w, v->text, &st, draw);
    case JM__ICOL_BAR: {
        double h = fmax(jm__svg_text(s, x, y, w, v->text, &st, draw), st.lh);
        double share = v->v >= 0 ? fmin(v->v, 1) : 0;
        if (draw) {
            jm__svg_rect(s, x, y + h + 3, w, 6, 3, "#eceff3", NULL);
            jm__svg_rect(s, x, y + h + 3, fmax(share * w, share > 0 ? 6 : 0), 6, 3, "#5b7db8",
                         NULL);
        }
        return h + 9;
    }
    case JM__ICOL_HEAT: {
        const char *tint = jm__heat_color(v->v);
        if (draw && tint)
            jm__svg_rect(s, c->x[col] + 1, y - 8, c->x[col + 1] - c->x[col] - 2, rh - 2, 0, tint,
                         NULL);
        st.anchor = JM__MIDDLE;
        st.size = 12;
        return jm__svg_text(s, (c->x[col] + c->x[col + 1]) / 2, y, w + 8, v->text, &st, draw);
    }
    }
    return 0;
}

static double header_row(struct jm__svg *s, const struct jm__itable *t, const struct cols *c,
                         double y)
{
    double h = t_head.lh;
    for (size_t k = 0; k < t->n_cols; k++)
        h = fmax(h, jm__svg_text(s, 0, 0, c->x[k + 1] - c->x[k] - 16, t->head[k], &t_head, false));
    jm__svg_rect(s, c->x[0], y, c->x[t->n_cols] - c->x[0], h + 16, 0, JM__PANEL, NULL);
    for (size_t k = 0; k < t->n_cols; k++) {
        struct jm__tstyle st = t_head;
        double w = c->x[k + 1] - c->x[k] - 16, x = c->x[k] + 8;
        if (t->kind[k] == JM__ICOL_NUM) {
            st.anchor = JM__END;
            x += w;
        } else if (t->kind[k] == JM__ICOL_HEAT) {
            st.anchor = JM__MIDDLE;
            x += w / 2;
        }
        jm__svg_text(s, x, y + 8, w, t->head[k], &st, true);
    }
    return h + 16;
}

static double itable(struct jm__svg *s, const struct jm__itable *t, double x, double y, double w)
{
    double y0 = y;
    struct cols c;
    c.x[0] = x;
    for (size_t k = 0; k < t->n_cols; k++)
        c.x[k + 1] = c.x[k] + t->width[k] * w;
    if (t->caption && *t->caption)
        y += jm__svg_text(s, x, y, w, t->caption, &t_head, true) + 6;
    y += header_row(s, t, &c, y);
    for (size_t r = 0; r < t->n_rows; r++) {
        const struct jm__icell *row = &t->cells[r * t->n_cols];
        double h = 0;
        for (size_t k = 0; k < t->n_cols; k++)
            h = fmax(h, cell(s, t, &c, k, &row[k], 0, 0, false));
        h += 16;
        if (r % 2)
            jm__svg_rect(s, x, y, w, h, 0, "#fafbfc", NULL);
        for (size_t k = 0; k < t->n_cols; k++)
            cell(s, t, &c, k, &row[k], y + 8, h, true);
        jm__svg_rect(s, x, y + h - 1, w, 1, 0, JM__RULE, NULL);
        y += h;
    }
    return y - y0;
}

/* ---------------------------------------------------------------- the panel */

double jm__svg_ipanel(struct jm__svg *s, const struct jm__ipanel *p, double x, double y, double w)
{
    double y0 = y;
    y += jm__svg_heading(s, x, y, w, p->title, 20);
    if (p->note && *p->note)
        y += jm__svg_text(s, x, y, w, p->note, &t_note, true) + 12;
    if (p->empty) {
        static const struct jm__tstyle t = {14, 20, false, JM__MUTED, JM__START};
        y += jm__svg_text(s, x, y, w, jm__ui(s->m, JM_UI_NO_DATA), &t, true) + 12;
    }
    y += facts(s, p, x, y, w);
    for (size_t i = 0; i < p->n_tables; i++)
        y += (i ? 20 : 0) + itable(s, &p->tables[i], x, y + (i ? 20 : 0), w);
    return y - y0;
}
