/*
 * The standalone SVG document of a journey map, and the small drawing kit the other svg*.c
 * files share. The page reads top to bottom, each section on the stage grid:
 *
 *   +--------------------------------------------------------------+  y = 0
 *   | title; view, period, data as of, segment, units; team legend |  section 0: the map
 *   | Stage | Nhận biết     | Cân nhắc      | ...                   |
 *   | lane  | cell          | cell          |                       |
 *   +--------------------------------------------------------------+
 *   | Funnel (bars on the stage columns) / Flows (Sankey)          |  section 1 (optional)
 *   +--------------------------------------------------------------+
 *   | Break points (cards) / Stalled and silent (table)            |  section 2 (optional)
 *   +--------------------------------------------------------------+
 *   | Personas (cards)                                             |  section 3 (optional)
 *   +--------------------------------------------------------------+
 *   | The four questions, attribution, paths, retention, voice     |  a section each
 *   | footer                                                       |  (optional)
 *   +--------------------------------------------------------------+  y = height
 *
 * Nothing is measured by a browser: every box is sized here from text.c's width estimates, and
 * rows grow to their tallest cell, so no text leaves its box. The document is written into a
 * scratch buffer first because its height is known only at the end.
 *
 * Safety: no script, no foreignObject, no href or url() at all, no event attributes; every
 * piece of model text goes through jm__out_text/jm__out_attr (escape.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

/* ---------------------------------------------------------------- drawing kit */

void jm__svg_init(struct jm__svg *s, const struct jm_map *m, struct jm_strbuf *sb)
{
    s->o.sb = sb;
    s->o.rc = JM_OK;
    s->m = m;
    s->layout = NULL;
    jm__lines_init(&s->lines);
}

void jm__svg_release(struct jm__svg *s)
{
    jm__lines_release(&s->lines);
}

static void num_attr(struct jm__svg *s, const char *name, double v)
{
    jm__out_f(&s->o, " %s=\"", name);
    jm__out_num(&s->o, v);
    jm__out_raw(&s->o, "\"");
}

static void wrap(struct jm__svg *s, const char *text, double w, const struct jm__tstyle *st)
{
    jm_status rc = jm__text_wrap(&s->lines, text, w, st->size, st->bold);
    if (rc && !s->o.rc)
        s->o.rc = rc;
    if (rc)
        s->lines.n = 0;
}

double jm__svg_text(struct jm__svg *s, double x, double y, double w, const char *text,
                    const struct jm__tstyle *st, bool draw)
{
    if (!text || !*text)
        return 0;
    wrap(s, text, w, st);
    const struct jm__lines *l = &s->lines;
    if (!draw || !l->n)
        return (double)l->n * st->lh;
    static const char *const anchors[] = {NULL, "middle", "end"};
    /* Centre the glyphs' cap height in the line box: baseline at mid-box plus 0.36 em. */
    double base = y + st->lh / 2 + st->size * 0.36;
    jm__out_raw(&s->o, "<text");
    num_attr(s, "font-size", st->size);
    if (st->bold)
        jm__out_raw(&s->o, " font-weight=\"700\"");
    jm__out_f(&s->o, " fill=\"%s\"", st->fill ? st->fill : JM__INK);
    if (anchors[st->anchor])
        jm__out_f(&s->o, " text-anchor=\"%s\"", anchors[st->anchor]);
    jm__out_raw(&s->o, ">");
    for (size_t i = 0; i < l->n; i++) {
        jm__out_raw(&s->o, "<tspan");
        num_attr(s, "x", x);
        num_attr(s, "y", base + (double)i * st->lh);
        jm__out_raw(&s->o, ">");
        jm__out_textn(&s->o, l->text.buf + l->v[i].off, l->v[i].len);
        jm__out_raw(&s->o, "</tspan>");
    }
    jm__out_raw(&s->o, "</text>\n");
    return (double)l->n * st->lh;
}

double jm__svg_text_w(struct jm__svg *s, double w, const char *text, const struct jm__tstyle *st)
{
    if (!text || !*text)
        return 0;
    wrap(s, text, w, st);
    double max = 0;
    for (size_t i = 0; i < s->lines.n; i++)
        max = fmax(max, s->lines.v[i].width);
    return max;
}

void jm__svg_rect(struct jm__svg *s, double x, double y, double w, double h, double r,
                  const char *fill, const char *extra)
{
    if (w <= 0 || h <= 0)
        return;
    jm__out_raw(&s->o, "<rect");
    num_attr(s, "x", x);
    num_attr(s, "y", y);
    num_attr(s, "width", w);
    num_attr(s, "height", h);
    if (r > 0)
        num_attr(s, "rx", r);
    jm__out_f(&s->o, " fill=\"%s\"", fill);
    if (extra) {
        jm__out_raw(&s->o, " ");
        jm__out_raw(&s->o, extra);
    }
    jm__out_raw(&s->o, "/>\n");
}

void jm__svg_edge(struct jm__svg *s, double x, double y, double w, double h, double r,
                  const char *fill)
{
    r = fmin(r, fmin(w, h / 2));
    jm__out_raw(&s->o, "<path d=\"M");
    jm__out_num(&s->o, x + w);
    jm__out_raw(&s->o, " ");
    jm__out_num(&s->o, y);
    jm__out_raw(&s->o, " V");
    jm__out_num(&s->o, y + h);
    jm__out_raw(&s->o, " H");
    jm__out_num(&s->o, x + r);
    jm__out_f(&s->o, " A%.2f %.2f 0 0 1 ", r, r);
    jm__out_num(&s->o, x);
    jm__out_raw(&s->o, " ");
    jm__out_num(&s->o, y + h - r);
    jm__out_raw(&s->o, " V");
    jm__out_num(&s->o, y + r);
    jm__out_f(&s->o, " A%.2f %.2f 0 0 1 ", r, r);
    jm__out_num(&s->o, x + r);
    jm__out_raw(&s->o, " ");
    jm__out_num(&s->o, y);
    jm__out_f(&s->o, " Z\" fill=\"%s\"/>\n", fill);
}

void jm__svg_circle(struct jm__svg *s, double cx, double cy, double r, const char *fill,
                    const char *extra)
{
    jm__out_raw(&s->o, "<circle cx=\"");
    jm__out_num(&s->o, cx);
    jm__out_raw(&s->o, "\" cy=\"");
    jm__out_num(&s->o, cy);
    jm__out_raw(&s->o, "\" r=\"");
    jm__out_num(&s->o, r);
    jm__out_f(&s->o, "\" fill=\"%s\"", fill);
    if (extra) {
        jm__out_raw(&s->o, " ");
        jm__out_raw(&s->o, extra);
    }
    jm__out_raw(&s->o, "/>\n");
}

void jm__svg_star(struct jm__svg *s, double cx, double cy, double r, const char *fill)
{
    jm__out_raw(&s->o, "<path d=\"");
    for (int k = 0; k < 10; k++) {
        double a = -M_PI / 2 + k * M_PI / 5, rr = k % 2 ? r * 0.45 : r;
        jm__out_raw(&s->o, k ? " L" : "M");
        jm__out_num(&s->o, cx + rr * cos(a));
        jm__out_raw(&s->o, " ");
        jm__out_num(&s->o, cy + rr * sin(a));
    }
    jm__out_f(&s->o, " Z\" fill=\"%s\"/>\n", fill);
}

void jm__svg_status_icon(struct jm__svg *s, double cx, double cy, double r, enum jm_map_status st)
{
    jm__out_raw(&s->o, "<g");
    jm__out_raw(&s->o, " transform=\"translate(");
    jm__out_num(&s->o, cx);
    jm__out_raw(&s->o, " ");
    jm__out_num(&s->o, cy);
    jm__out_raw(&s->o, ") scale(");
    jm__out_num(&s->o, r / 10);
    jm__out_f(&s->o, ")\"><circle r=\"10\" fill=\"%s\"/>", jm__status_color(st));
    /* Drawn, not typed: the tick and cross glyphs are missing from Noto Sans. */
    static const char *const marks[] = {
        "<path d=\"M-4.5 0.5 L-1.2 3.8 L5 -3.6\" fill=\"none\" stroke=\"#fff\" "
        "stroke-width=\"2.4\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
        "<path d=\"M0 -5 V1.2\" stroke=\"#fff\" stroke-width=\"2.6\" stroke-linecap=\"round\"/>"
        "<circle cy=\"4.8\" r=\"1.5\" fill=\"#fff\"/>",
        "<path d=\"M-3.8 -3.8 L3.8 3.8 M3.8 -3.8 L-3.8 3.8\" stroke=\"#fff\" stroke-width=\"2.4\" "
        "stroke-linecap=\"round\"/>",
        "<path d=\"M-4.5 0 H4.5\" stroke=\"#fff\" stroke-width=\"2.4\" stroke-linecap=\"round\"/>",
    };
    jm__out_raw(&s->o, marks[st <= JM_STATUS_NO_DATA ? st : JM_STATUS_NO_DATA]);
    jm__out_raw(&s->o, "</g>\n");
}

void jm__svg_open_g(struct jm__svg *s, double x, double y, bool dim)
{
    jm__out_raw(&s->o, "<g transform=\"translate(");
    jm__out_num(&s->o, x);
    jm__out_raw(&s->o, " ");
    jm__out_num(&s->o, y);
    jm__out_raw(&s->o, dim ? ")\" opacity=\"0.45\">\n" : ")\">\n");
}

void jm__svg_close_g(struct jm__svg *s)
{
    jm__out_raw(&s->o, "</g>\n");
}

double jm__svg_heading(struct jm__svg *s, double x, double y, double w, const char *text,
                       double size)
{
    const struct jm__tstyle st = {size, size * 1.3, true, JM__INK, JM__START};
    jm__svg_rect(s, x, y + 2, 4, size * 1.3 - 4, 2, JM__INK, NULL);
    double h = jm__svg_text(s, x + 14, y, w - 14, text, &st, true);
    return fmax(h, size * 1.3) + size * 0.6;
}

/* ---------------------------------------------------------------- header */

/* One "label value" pair of the header's meta line, laid out left to right. */
struct flow {
    struct jm__svg *s;
    double x0, x, y, right, line_h;
};

/* One line of two styles: the label's and the value's tspans flow, so the renderer itself puts
 * one space between them and the pair reads as a phrase, whatever our width estimate says. */
static void pair_line(struct flow *f, const char *label, const char *value,
                      const struct jm__tstyle *lab, const struct jm__tstyle *val)
{
    struct jm__out *o = &f->s->o;
    jm__out_raw(o, "<text font-size=\"13.5\"><tspan x=\"");
    jm__out_num(o, f->x);
    jm__out_raw(o, "\" y=\"");
    jm__out_num(o, f->y + lab->lh / 2 + lab->size * 0.36);
    jm__out_f(o, "\" fill=\"%s\"%s>", lab->fill, lab->bold ? " font-weight=\"700\"" : "");
    jm__out_text(o, label);
    jm__out_f(o, "</tspan> <tspan fill=\"%s\"%s>", val->fill,
              val->bold ? " font-weight=\"700\"" : "");
    jm__out_text(o, value);
    jm__out_raw(o, "</tspan></text>\n");
}

static void flow_item(struct flow *f, const char *label, const char *value, bool number_first)
{
    static const struct jm__tstyle muted = {13.5, 20, false, JM__MUTED, JM__START};
    static const struct jm__tstyle strong = {13.5, 20, true, JM__INK, JM__START};
    const struct jm__tstyle *lab = number_first ? &strong : &muted;
    const struct jm__tstyle *val = number_first ? &muted : &strong;
    if (!value || !*value)
        return;
    double avail = f->right - f->x0;
    bool has_label = label && *label;
    double lw = has_label ? jm__svg_text_w(f->s, 1e6, label, lab) + 5 : 0;
    double vw = jm__svg_text_w(f->s, 1e6, value, val);
    bool one_line = lw + vw <= avail && !strchr(value, '\n') && !(has_label && strchr(label, '\n'));
    if (!one_line) {
        lw = has_label ? jm__svg_text_w(f->s, avail, label, lab) + 5 : 0;
        vw = jm__svg_text_w(f->s, avail - lw, value, val);
    }
    if (f->x > f->x0 && f->x + lw + vw > f->right) {
        f->x = f->x0;
        f->y += f->line_h;
        f->line_h = 20;
    }
    if (one_line && has_label) {
        pair_line(f, label, value, lab, val);
    } else {
        if (lw > 0)
            jm__svg_text(f->s, f->x, f->y, avail, label, lab, true);
        double h = jm__svg_text(f->s, f->x + lw, f->y, avail - lw, value, val, true);
        f->line_h = fmax(f->line_h, h);
    }
    f->x += lw + vw + 20;
}

/* The view's name in a dark pill, and the state's (future, or today beside future). */
static double pill(struct jm__svg *s, double x, double y, const char *text, const char *bg,
                   const char *fg, bool dashed)
{
    const struct jm__tstyle st = {12.5, 16, true, fg, JM__START};
    double tw = jm__svg_text_w(s, 400, text, &st);
    double h = jm__svg_text(s, 0, 0, 400, text, &st, false);
    jm__svg_rect(s, x, y, tw + 24, h + 8, (h + 8) / 2, bg,
                 dashed ? "stroke=\"#0e8a7e\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\""
                        : NULL);
    jm__svg_text(s, x + 12, y + 4, 400, text, &st, true);
    return tw + 24;
}

static double header(struct jm__svg *s, double x, double y, double w)
{
    const struct jm_map *m = s->m;
    static const struct jm__tstyle title = {30, 38, true, JM__INK, JM__START};
    y += jm__svg_text(s, x, y, w, m->title && *m->title ? m->title : m->journey_name, &title, true);
    y += 10;
    double px = x + pill(s, x, y, jm__ui(m, JM_UI_VIEW), JM__INK, "#ffffff", false) + 10;
    if (m->state == JM_STATE_FUTURE) {
        px += pill(s, px, y, jm__ui(m, JM_UI_FUTURE), "#e6f4f1", "#0b6e64", true) + 10;
    } else if (m->state == JM_STATE_BOTH) {
        px += pill(s, px, y, jm__ui(m, JM_UI_CURRENT), "#eef0f3", JM__INK, false) + 6;
        px += pill(s, px, y, jm__ui(m, JM_UI_FUTURE), "#e6f4f1", "#0b6e64", true) + 10;
    }
    struct flow f = {s, x, px + 8, y + 2, x + w, 20};
    char n[48];
    jm__fmt_count(m->units, n, sizeof(n));
    flow_item(&f, jm__ui(m, JM_UI_PERIOD), m->period_text, false);
    flow_item(&f, jm__ui(m, JM_UI_AS_OF), m->as_of_text, false);
    flow_item(&f, jm__ui(m, JM_UI_FILTER), m->filter_text, false);
    flow_item(&f, n, jm__ui(m, JM_UI_UNITS), true);
    y = f.y + f.line_h + 14;

    /* Team legend: the accent of each owner, in the order teams first appear. */
    static const struct jm__tstyle lab = {12.5, 18, false, JM__MUTED, JM__START};
    static const struct jm__tstyle team = {12.5, 18, true, JM__BODY, JM__START};
    double tx = x, lw = jm__svg_text_w(s, 200, jm__ui(m, JM_UI_OWNER), &lab);
    if (m->n_teams) {
        jm__svg_text(s, tx, y, 200, jm__ui(m, JM_UI_OWNER), &lab, true);
        tx += lw + 12;
    }
    for (size_t t = 0; t < m->n_teams; t++) {
        const struct jm_map_team *tm = &m->teams[t];
        const char *name = tm->name && *tm->name ? tm->name : tm->key;
        double nw = jm__svg_text_w(s, 260, name, &team);
        if (tx + 18 + nw > x + w) {
            tx = x + lw + 12;
            y += 22;
        }
        jm__svg_rect(s, tx, y + 4, 10, 10, 3, jm__team_color(m, tm->key), NULL);
        jm__svg_text(s, tx + 16, y, 260, name, &team, true);
        tx += 16 + nw + 20;
    }
    if (m->n_teams)
        y += 18;
    return y + 22;
}

static double footer(struct jm__svg *s, double x, double y, double w)
{
    static const struct jm__tstyle st = {11.5, 16, false, JM__FAINT, JM__END};
    jm__svg_rect(s, x, y, w, 1, 0, JM__RULE, NULL);
    return 12 + jm__svg_text(s, x + w, y + 12, w, jm__ui(s->m, JM_UI_GENERATED), &st, true);
}

/* ---------------------------------------------------------------- the document */

struct doc {
    struct jm__svg *s;
    struct jm__svg_layout *l;
    double x, w; /* content box */
};

static void section(struct doc *d, double top, double bottom)
{
    if (d->l->n_sections < JM_SVG_MAX_SECTIONS) {
        d->l->top[d->l->n_sections] = top;
        d->l->bottom[d->l->n_sections] = bottom;
        d->l->n_sections++;
    }
}

static double charts(struct doc *d, double y)
{
    struct jm__svg *s = d->s;
    const struct jm_map *m = s->m;
    if (jm__show_funnel(m)) {
        y += jm__svg_heading(s, d->x, y, d->w, jm__ui(m, JM_UI_FUNNEL), 20);
        jm__svg_open_g(s, d->x, y, false);
        y += jm__svg_funnel(s) + 36;
        jm__svg_close_g(s);
    }
    if (jm__show_flows(m)) {
        y += jm__svg_heading(s, d->x, y, d->w, jm__ui(m, JM_UI_FLOWS), 20);
        jm__svg_open_g(s, d->x, y, false);
        y += jm__svg_sankey(s) + 36;
        jm__svg_close_g(s);
    }
    return y;
}

/* The insight panels, one section each, so an A4 page break falls between them. */
static double insights(struct doc *d, double y, double gap)
{
    enum jm_map_panel shown[JM_PANEL__COUNT];
    size_t n = jm__ipanels_shown(d->s->m, shown);
    for (size_t i = 0; i < n; i++) {
        struct jm__ipanel p;
        jm_status rc = jm__ipanel_make(d->s->m, shown[i], &p);
        if (rc && !d->s->o.rc)
            d->s->o.rc = rc;
        double top = y;
        y += jm__svg_ipanel(d->s, &p, d->x, y, d->w);
        section(d, top - gap / 2, y + gap / 2);
        y += gap;
        jm__ipanel_release(&p);
    }
    return y;
}

static double body(struct doc *d)
{
    struct jm__svg *s = d->s;
    const struct jm_map *m = s->m;
    const double gap = 48;
    double y = JM__MARGIN;
    y = header(s, d->x, y, d->w);
    y = jm__svg_grid(s, d->x, y);
    section(d, 0, y + gap / 2);
    y += gap;
    if (jm__show_funnel(m) || jm__show_flows(m)) {
        double top = y;
        y = charts(d, y) - 36;
        section(d, top - gap / 2, y + gap / 2);
        y += gap;
    }
    if (jm__show_breaks(m) || jm__show_idle(m)) {
        double top = y;
        if (jm__show_breaks(m)) {
            y += jm__svg_heading(s, d->x, y, d->w, jm__ui(m, JM_UI_BREAKS), 20);
            y += jm__svg_breaks(s, d->x, y, d->w) + 36;
        }
        if (jm__show_idle(m)) {
            y += jm__svg_heading(s, d->x, y, d->w, jm__ui(m, JM_UI_IDLE), 20);
            y += jm__svg_idle(s, d->x, y, d->w) + 36;
        }
        y -= 36;
        section(d, top - gap / 2, y + gap / 2);
        y += gap;
    }
    if (jm__show_personas(m)) {
        double top = y;
        y += jm__svg_heading(s, d->x, y, d->w, jm__ui(m, JM_UI_PERSONAS), 20);
        y += jm__svg_personas(s, d->x, y, d->w);
        section(d, top - gap / 2, y + gap / 2);
        y += gap;
    }
    y = insights(d, y, gap);
    y += footer(s, d->x, y - gap / 2 + 8, d->w) - gap / 2 + 8;
    return y + JM__MARGIN;
}

jm_status jm__svg_map(const struct jm_map *m, struct jm_strbuf *sb, struct jm__svg_layout *layout)
{
    struct jm_strbuf tmp = JM_STRBUF_INIT;
    struct jm__svg_layout scratch;
    size_t start = sb->len;
    struct jm__svg s;
    jm__svg_init(&s, m, &tmp);
    if (!layout)
        layout = &scratch;
    memset(layout, 0, sizeof(*layout));
    double w = fmax(jm__grid_width(m), JM__MIN_WIDTH - 2 * JM__MARGIN);
    s.layout = layout;
    struct doc d = {&s, layout, JM__MARGIN, w};
    double height = ceil(body(&d));
    double width = ceil(w + 2 * JM__MARGIN);
    if (layout->n_sections)
        layout->bottom[layout->n_sections - 1] = height;
    layout->width = width;
    layout->height = height;

    struct jm__out o = {sb, s.o.rc};
    jm__out_raw(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"");
    jm__out_f(&o, " width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\"", width, height, width,
              height);
    jm__out_raw(&o, " font-family=\"" JM__FONT_FAMILY "\" xml:lang=\"");
    jm__out_attr(&o, jm__lang_tag(m->lang_code));
    jm__out_raw(&o, "\" role=\"img\">\n<title>");
    jm__out_text(&o, m->title && *m->title ? m->title : m->journey_name);
    jm__out_raw(&o, " \xe2\x80\x94 ");
    jm__out_text(&o, jm__ui(m, JM_UI_VIEW));
    jm__out_raw(&o, "</title>\n");
    jm__out_f(&o, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", width, height);
    jm__out_mem(&o, tmp.buf, tmp.len);
    jm__out_raw(&o, "</svg>\n");
    jm_status rc = o.rc;
    if (rc && sb->cap) { /* leave the caller's buffer as it was */
        sb->len = start;
        sb->buf[start] = '\0';
    }
    jm__svg_release(&s);
    jm_strbuf_release(&tmp);
    return rc;
}
