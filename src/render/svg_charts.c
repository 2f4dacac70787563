/*
 * The map's charts, drawn as SVG fragments at their own origin: the emotion curve (a lane of the
 * grid), the funnel and the Sankey of flows (panels). The SVG document places them with a
 * translate; the HTML page wraps each in an inline <svg>, so both show the same drawing.
 *
 * All three sit on the stage grid: stage i's centre is at JM__COL_W * (i + 0.5) from the first
 * stage column, and the funnel and the Sankey keep the lane header column (JM__LANE_W) at their
 * left for labels, legends and the Sankey's start node.
 *
 * The Sankey:
 *
 *   names   Nhận biết        Cân nhắc          Quyết định
 *                 .---------- skip (arc above) ---------.
 *   (start) |====|=== forward ===|====|=== forward ===|====|      bands as thick strokes:
 *                |                 |  '--- back (loop below) -'  width = count x scale
 *                '-- dropped --.   '-- dropped --.
 *   dropped out  ==============v=================v==========      the sink
 *
 * Nodes are top-aligned bars. Each node stacks the bands leaving its right edge from the top:
 * skips (farthest target first, so arcs nest), forward, backs (nearest first, so loops nest),
 * drop; and the bands entering its left edge: skips (farthest source first), forward, backs.
 * Arcs above and loops below are stacked in levels, shortest span lowest, so they clear each
 * other and leave room for their count labels.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

static void num(struct jm__svg *s, double v)
{
    jm__out_num(&s->o, v);
}

static void pt(struct jm__svg *s, double x, double y)
{
    jm__out_num(&s->o, x);
    jm__out_raw(&s->o, " ");
    jm__out_num(&s->o, y);
}

static double col_center(size_t i)
{
    return ((double)i + 0.5) * JM__COL_W;
}

/* ---------------------------------------------------------------- emotion curve */

#define EMO_PAD 24.0 /* room for the peak and valley words above and below the scale */

double jm__svg_emotion_y(double v)
{
    if (!(v >= -1))
        v = -1;
    if (v > 1)
        v = 1;
    return EMO_PAD + (1 - v) / 2 * (JM__EMOTION_H - 2 * EMO_PAD);
}

bool jm__svg_has_future_curve(const struct jm_map *m)
{
    if (m->state == JM_STATE_CURRENT)
        return false;
    for (size_t i = 0; i < m->n_stages; i++)
        if (isfinite(m->stages[i].future_emotion))
            return true;
    return false;
}

static double emotion_of(const struct jm_map_stage *st, bool future)
{
    return future ? st->future_emotion : st->emotion;
}

/*
 * One smooth curve through the finite points: each run of consecutive stages with a value is a
 * Catmull-Rom spline, written as cubic segments; a segment touching an authored point is dashed.
 * Control points are clamped to the scale so the curve never swings past -1 or 1.
 */
static void curve(struct jm__svg *s, bool future, const char *color)
{
    const struct jm_map *m = s->m;
    size_t n = m->n_stages;
    for (size_t i = 0; i + 1 < n; i++) {
        double v1 = emotion_of(&m->stages[i], future), v2 = emotion_of(&m->stages[i + 1], future);
        if (!isfinite(v1) || !isfinite(v2))
            continue;
        double v0 = i > 0 && isfinite(emotion_of(&m->stages[i - 1], future))
                        ? emotion_of(&m->stages[i - 1], future)
                        : v1;
        double v3 = i + 2 < n && isfinite(emotion_of(&m->stages[i + 2], future))
                        ? emotion_of(&m->stages[i + 2], future)
                        : v2;
        double x1 = col_center(i), x2 = col_center(i + 1);
        double y0 = jm__svg_emotion_y(v0), y1 = jm__svg_emotion_y(v1);
        double y2 = jm__svg_emotion_y(v2), y3 = jm__svg_emotion_y(v3);
        double top = jm__svg_emotion_y(1), bottom = jm__svg_emotion_y(-1);
        double c1 = fmin(fmax(y1 + (y2 - y0) / 6, top), bottom);
        double c2 = fmin(fmax(y2 - (y3 - y1) / 6, top), bottom);
        bool dashed =
            future || !m->stages[i].emotion_measured || !m->stages[i + 1].emotion_measured;
        jm__out_raw(&s->o, "<path d=\"M");
        pt(s, x1, y1);
        jm__out_raw(&s->o, " C");
        pt(s, x1 + JM__COL_W / 3, c1);
        jm__out_raw(&s->o, " ");
        pt(s, x2 - JM__COL_W / 3, c2);
        jm__out_raw(&s->o, " ");
        pt(s, x2, y2);
        jm__out_f(
            &s->o,
            "\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" stroke-linecap=\"round\"%s/>\n",
            color, future ? "2" : "2.75",
            dashed ? (future ? " stroke-dasharray=\"7 4\"" : " stroke-dasharray=\"5 5\"") : "");
    }
}

/* Green above zero, red below, grey around it: the dot says how the stage feels at a glance. */
static const char *mood_color(double v)
{
    if (v >= 0.2)
        return "#17803d";
    if (v <= -0.2)
        return "#c62828";
    return "#6b7280";
}

static void emotion_dots(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    static const struct jm__tstyle peak = {10.5, 14, true, "#17803d", JM__MIDDLE};
    static const struct jm__tstyle valley = {10.5, 14, true, "#c62828", JM__MIDDLE};
    for (size_t i = 0; i < m->n_stages; i++) {
        const struct jm_map_stage *st = &m->stages[i];
        double x = col_center(i);
        if (jm__svg_has_future_curve(m) && isfinite(st->future_emotion)) {
            jm__out_raw(&s->o, "<circle cx=\"");
            num(s, x);
            jm__out_raw(&s->o, "\" cy=\"");
            num(s, jm__svg_emotion_y(st->future_emotion));
            jm__out_raw(&s->o, "\" r=\"3.5\" fill=\"#ffffff\" stroke=\"#0e8a7e\" "
                               "stroke-width=\"2\"/>\n");
        }
        if (!isfinite(st->emotion))
            continue;
        double y = jm__svg_emotion_y(st->emotion);
        const char *c = mood_color(st->emotion);
        jm__out_raw(&s->o, "<circle cx=\"");
        num(s, x);
        jm__out_raw(&s->o, "\" cy=\"");
        num(s, y);
        if (st->emotion_measured)
            jm__out_f(&s->o, "\" r=\"6\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"2\"/>\n", c);
        else
            jm__out_f(&s->o, "\" r=\"5.5\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2.5\"/>\n",
                      c);
        if (st->emotion_mark > 0)
            jm__svg_text(s, x, y - 10 - peak.lh, JM__COL_W - 20, jm__ui(m, JM_UI_PEAK), &peak,
                         true);
        else if (st->emotion_mark < 0)
            jm__svg_text(s, x, y + 10, JM__COL_W - 20, jm__ui(m, JM_UI_VALLEY), &valley, true);
    }
}

void jm__svg_emotion(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    double w = (double)m->n_stages * JM__COL_W;
    double top = jm__svg_emotion_y(1), zero = jm__svg_emotion_y(0), bottom = jm__svg_emotion_y(-1);
    jm__svg_rect(s, 6, top, w - 12, zero - top, 4, "#17803d", "fill-opacity=\"0.045\"");
    jm__svg_rect(s, 6, zero, w - 12, bottom - zero, 4, "#c62828", "fill-opacity=\"0.045\"");
    jm__svg_rect(s, 6, zero - 0.5, w - 12, 1, 0, "#c4c9d1", NULL);
    if (jm__svg_has_future_curve(m))
        curve(s, true, "#0e8a7e");
    curve(s, false, "#1f4e99");
    emotion_dots(s);
}

/* ---------------------------------------------------------------- funnel */

#define BAR_W 96.0
#define BAR_H 150.0

static const struct jm__tstyle t_row = {12, 17, false, JM__MUTED, JM__START};
static const struct jm__tstyle t_val = {13, 17, false, JM__INK, JM__MIDDLE};

/* "12.3 days" centred on x: the number strong, the unit quiet. */
static double days_value(struct jm__svg *s, double x, double y, double days)
{
    struct jm__tstyle a = t_val, b = t_row;
    char n[48];
    jm__fmt_fixed(days, 1, false, n, sizeof(n));
    if (!isfinite(days))
        return jm__svg_text(s, x, y, JM__COL_W - 20, n, &t_val, true);
    a.bold = true;
    a.anchor = b.anchor = JM__START;
    const char *unit = jm__ui(s->m, JM_UI_DAYS);
    double aw = jm__svg_text_w(s, JM__COL_W, n, &a) + 4;
    double bw = jm__svg_text_w(s, JM__COL_W - 20 - aw, unit, &b);
    double x0 = x - (aw + bw) / 2;
    jm__svg_text(s, x0, y, JM__COL_W, n, &a, true);
    return fmax(t_val.lh, jm__svg_text(s, x0 + aw, y, JM__COL_W - 20 - aw, unit, &b, true));
}

/* A stat row under the bars: the label in the lane column, a value centred in each column. */
static double funnel_row(struct jm__svg *s, double y, enum jm_map_ui label, int what)
{
    const struct jm_map *m = s->m;
    double h = fmax(jm__svg_text(s, 0, y, JM__LANE_W - 20, jm__ui(m, label), &t_row, true), 17);
    for (size_t i = 0; i < m->n_stages; i++) {
        const struct jm_map_stage *st = &m->stages[i];
        double x = JM__LANE_W + col_center(i);
        char buf[48];
        jm__svg_open_g(s, 0, 0, !st->in_view);
        if (what == 0) {
            h = fmax(h, days_value(s, x, y, st->in_stage.count ? st->in_stage.median : NAN));
        } else {
            uint64_t v = what == 1 ? st->dropped : what == 2 ? st->skipped : st->now_in;
            jm__fmt_count(v, buf, sizeof(buf));
            h = fmax(h, jm__svg_text(s, x, y, JM__COL_W - 20, buf, &t_val, true));
        }
        jm__svg_close_g(s);
    }
    return h;
}

static void funnel_connector(struct jm__svg *s, size_t i, double base, double h1, double h2)
{
    const struct jm_map *m = s->m;
    static const struct jm__tstyle rate = {14, 18, true, JM__INK, JM__MIDDLE};
    static const struct jm__tstyle conv = {10.5, 14, false, JM__MUTED, JM__MIDDLE};
    double xa = JM__LANE_W + col_center(i) + BAR_W / 2;
    double xb = JM__LANE_W + col_center(i + 1) - BAR_W / 2;
    const struct jm_map_stage *st = &m->stages[i];
    if (!isfinite(st->rate))
        return; /* no step to show: nobody reached the stage */
    jm__out_raw(&s->o, "<path d=\"M");
    pt(s, xa, base - h1);
    jm__out_raw(&s->o, " L");
    pt(s, xb, base - h2);
    jm__out_raw(&s->o, " L");
    pt(s, xb, base);
    jm__out_raw(&s->o, " L");
    pt(s, xa, base);
    jm__out_raw(&s->o, " Z\" fill=\"#e9eef6\"/>\n");
    char r[48], n[48];
    jm__fmt_pct(st->rate, 1, r, sizeof(r));
    jm__fmt_count(st->converted, n, sizeof(n));
    struct jm_strbuf tmp = JM_STRBUF_INIT;
    struct jm__out o = {&tmp, JM_OK};
    jm__out_f(&o, "%s ", n);
    jm__out_raw(&o, jm__ui(m, JM_UI_CONVERTED));
    double w = xb - xa - 8, cx = (xa + xb) / 2;
    double ch = jm__svg_text(s, cx, 0, w - 12, tmp.buf, &conv, false);
    double ph = 6 + rate.lh + ch + 6;
    double pw =
        fmax(jm__svg_text_w(s, w - 12, r, &rate), jm__svg_text_w(s, w - 12, tmp.buf, &conv));
    double py = base - 12 - ph;
    jm__svg_rect(s, cx - pw / 2 - 8, py, pw + 16, ph, 6, "#ffffff",
                 "stroke=\"#cfd6e2\" stroke-width=\"1\"");
    jm__svg_text(s, cx, py + 6, w - 12, r, &rate, true);
    jm__svg_text(s, cx, py + 6 + rate.lh, w - 12, tmp.buf, &conv, true);
    if (o.rc && !s->o.rc)
        s->o.rc = o.rc;
    jm_strbuf_release(&tmp);
}

static double bar_h(const struct jm_map *m, uint64_t max, size_t i)
{
    uint64_t r = m->stages[i].reached;
    return max ? fmax((double)r / (double)max * BAR_H, r ? 2 : 0) : 0;
}

double jm__svg_funnel(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    static const struct jm__tstyle num_t = {15, 20, true, JM__INK, JM__MIDDLE};
    static const struct jm__tstyle name_t = {13, 17.5, true, JM__INK, JM__MIDDLE};
    static const struct jm__tstyle lab = {12, 17, false, JM__MUTED, JM__START};
    uint64_t max = 0;
    for (size_t i = 0; i < m->n_stages; i++)
        if (m->stages[i].reached > max)
            max = m->stages[i].reached;
    size_t n = m->n_stages;
    double num_h = num_t.lh;
    for (size_t i = 0; i < n; i++) {
        char c[48];
        jm__fmt_count(m->stages[i].reached, c, sizeof(c));
        num_h = fmax(num_h, jm__svg_text(s, 0, 0, JM__COL_W - 20, c, &num_t, false));
    }
    double base = num_h + 6 + BAR_H;
    jm__svg_text(s, 0, base - BAR_H, JM__LANE_W - 20, jm__ui(m, JM_UI_REACHED), &lab, true);
    for (size_t i = 0; i + 1 < n; i++)
        funnel_connector(s, i, base, bar_h(m, max, i), bar_h(m, max, i + 1));
    for (size_t i = 0; i < n; i++) {
        const struct jm_map_stage *st = &m->stages[i];
        double cx = JM__LANE_W + col_center(i);
        char c[48];
        jm__fmt_count(st->reached, c, sizeof(c));
        jm__svg_open_g(s, 0, 0, !st->in_view);
        double h = bar_h(m, max, i);
        jm__svg_rect(s, cx - BAR_W / 2, base - h, BAR_W, h, 3, jm__team_color(m, st->owner), NULL);
        double th = jm__svg_text(s, cx, 0, JM__COL_W - 20, c, &num_t, false);
        jm__svg_text(s, cx, base - h - 6 - th, JM__COL_W - 20, c, &num_t, true);
        jm__svg_close_g(s);
    }
    jm__svg_rect(s, JM__LANE_W, base, (double)n * JM__COL_W, 1.5, 0, "#aeb6c2", NULL);
    double y = base + 12, nh = 0;
    for (size_t i = 0; i < n; i++) {
        jm__svg_open_g(s, 0, 0, !m->stages[i].in_view);
        nh = fmax(nh, jm__svg_text(s, JM__LANE_W + col_center(i), y, JM__COL_W - 24,
                                   m->stages[i].name, &name_t, true));
        jm__svg_close_g(s);
    }
    y += nh + 14;
    static const enum jm_map_ui rows[] = {JM_UI_MEDIAN_DAYS, JM_UI_DROPPED, JM_UI_SKIPPED,
                                          JM_UI_NOW_IN};
    for (int r = 0; r < 4; r++) {
        jm__svg_rect(s, 0, y - 0.5, jm__grid_width(m), 1, 0, JM__RULE, NULL);
        y += 8;
        y += funnel_row(s, y, rows[r], r) + 8;
    }
    jm__svg_rect(s, 0, y - 0.5, jm__grid_width(m), 1, 0, JM__RULE, NULL);
    return y;
}

/* ---------------------------------------------------------------- sankey */

#define NODE_W     12.0
#define NODE_MAX_H 170.0
#define MIN_BAND   1.5
#define LABEL_H    15.0
#define SINK       ((size_t)-1)

enum geo { STRAIGHT, OVER, UNDER, DROP };

struct band {
    enum jm_map_flow_kind kind;
    uint64_t count;
    size_t a, b; /* node indexes: 0 the start, i + 1 stage i; b == SINK for drops */
    enum geo geo;
    double w;
    double ys, yt; /* centre of the band at its source's right edge, its target's left edge */
    double level;  /* arcs: offset of the band's near edge from the nodes' top (above) or
                        bottom line (below) */
    double xa, xb; /* loops and drops: the x of their vertical runs */
};

struct node {
    double xl, xr, h, in, out;
};

struct sankey {
    struct jm__svg *s;
    const struct jm_map *m;
    struct band *b;
    size_t n;
    struct node *node; /* n_stages + 1 */
    size_t n_nodes;
    double top, bottom; /* y of the nodes' top and of the lowest node bottom */
};

static const char *band_color(enum jm_map_flow_kind k)
{
    switch (k) {
    case JM_FLOW_SKIP:
        return "#7b4fd6";
    case JM_FLOW_BACK:
        return "#e07b24";
    case JM_FLOW_DROP:
        return "#9aa3ae";
    default:
        return "#5b7db8";
    }
}

static double node_x(size_t node)
{
    return node ? JM__LANE_W + col_center(node - 1) : JM__LANE_W - 30;
}

static bool collect(struct sankey *k)
{
    const struct jm_map *m = k->m;
    k->b = jm_calloc(m->n_flows ? m->n_flows : 1, sizeof(*k->b));
    k->n_nodes = m->n_stages + 1;
    k->node = jm_calloc(k->n_nodes, sizeof(*k->node));
    if (!k->b || !k->node)
        return false;
    for (size_t i = 0; i < m->n_flows; i++) {
        const struct jm_map_flow *f = &m->flows[i];
        struct band *b = &k->b[k->n];
        if (!f->count)
            continue;
        if (f->kind == JM_FLOW_ENTER) {
            if (!jm__stage_ok(m, f->to))
                continue;
            b->a = 0;
            b->b = (size_t)f->to + 1;
        } else if (f->kind == JM_FLOW_DROP) {
            if (!jm__stage_ok(m, f->from))
                continue;
            b->a = (size_t)f->from + 1;
            b->b = SINK;
        } else {
            if (!jm__stage_ok(m, f->from) || !jm__stage_ok(m, f->to))
                continue;
            b->a = (size_t)f->from + 1;
            b->b = (size_t)f->to + 1;
        }
        b->kind = f->kind;
        b->count = f->count;
        b->geo = b->b == SINK ? DROP : b->b == b->a + 1 ? STRAIGHT : b->b > b->a ? OVER : UNDER;
        k->n++;
    }
    for (size_t i = 0; i < k->n_nodes; i++) {
        k->node[i].xl = node_x(i) - NODE_W / 2;
        k->node[i].xr = node_x(i) + NODE_W / 2;
    }
    return true;
}

/* Where a band sits in its source's out stack (lower ranks higher up). */
static double out_rank(const struct band *b)
{
    switch (b->geo) {
    case OVER:
        return 0 + 1.0 / (double)(b->b + 1); /* farthest target first */
    case STRAIGHT:
        return 1;
    case UNDER:
        return 2 + 1.0 / (double)(b->b + 2); /* nearest target (largest b) first */
    default:
        return 4;
    }
}

static double in_rank(const struct band *b)
{
    switch (b->geo) {
    case OVER:
        return 0 + (double)b->a / 1e6; /* farthest source first */
    case STRAIGHT:
        return 1;
    default:
        return 2 + (double)b->a / 1e6; /* nearest source first */
    }
}

/* Stacks the bands on each node's edges; sets widths, ys, yt (relative to the node top). */
static void stack(struct sankey *k)
{
    uint64_t max = 1;
    for (size_t i = 0; i < k->n_nodes; i++) {
        uint64_t in = 0, out = 0;
        for (size_t j = 0; j < k->n; j++) {
            in += k->b[j].b == i ? k->b[j].count : 0;
            out += k->b[j].a == i ? k->b[j].count : 0;
        }
        if (in > max)
            max = in;
        if (out > max)
            max = out;
    }
    double scale = NODE_MAX_H / (double)max;
    for (size_t j = 0; j < k->n; j++)
        k->b[j].w = fmax((double)k->b[j].count * scale, MIN_BAND);
    /* Walk the bands of each node in rank order: a selection sort, n is small. */
    for (size_t i = 0; i < k->n_nodes; i++) {
        struct node *nd = &k->node[i];
        for (int side = 0; side < 2; side++) {
            double last = -1;
            for (;;) {
                struct band *next = NULL;
                double best = 1e9;
                for (size_t j = 0; j < k->n; j++) {
                    struct band *b = &k->b[j];
                    if ((side ? b->b : b->a) != i)
                        continue;
                    double r = side ? in_rank(b) : out_rank(b);
                    double key = r + (double)j * 1e-9;
                    if (key > last && key < best) {
                        best = key;
                        next = b;
                    }
                }
                if (!next)
                    break;
                last = best;
                double *used = side ? &nd->in : &nd->out;
                if (side)
                    next->yt = *used + next->w / 2;
                else
                    next->ys = *used + next->w / 2;
                *used += next->w;
            }
        }
        nd->h = fmax(fmax(nd->in, nd->out), 4);
    }
}

static bool overlaps(double a0, double a1, double b0, double b1)
{
    return a0 < b1 + 30 && b0 < a1 + 30;
}

/*
 * Levels of arcs above (OVER) and loops below (UNDER): shortest spans first, each just clear of
 * the ones already placed over the same stretch, leaving room for their count labels.
 * Returns the depth the arcs need above the nodes; *below is the loops' depth.
 */
static double levels(struct sankey *k, double *below)
{
    double above = 0;
    *below = 0;
    for (size_t span = 1; span <= k->n_nodes + 1; span++) {
        for (size_t j = 0; j < k->n; j++) {
            struct band *b = &k->b[j];
            if (b->geo != OVER && b->geo != UNDER)
                continue;
            size_t len = b->geo == OVER ? b->b - b->a : b->a - b->b + 1;
            if (len != span)
                continue;
            double x0 = b->geo == OVER ? node_x(b->a) : node_x(b->b) - 40;
            double x1 = b->geo == OVER ? node_x(b->b) : node_x(b->a) + 40;
            double lv = b->geo == OVER ? 26 : 22;
            for (size_t o = 0; o < k->n; o++) {
                const struct band *p = &k->b[o];
                if (p == b || p->geo != b->geo || p->level <= 0)
                    continue;
                double p0 = p->geo == OVER ? node_x(p->a) : node_x(p->b) - 40;
                double p1 = p->geo == OVER ? node_x(p->b) : node_x(p->a) + 40;
                if (overlaps(x0, x1, p0, p1))
                    lv = fmax(lv, p->level + p->w + LABEL_H + 6);
            }
            b->level = lv;
            if (b->geo == OVER)
                above = fmax(above, lv + b->w + LABEL_H + 4);
            else
                *below = fmax(*below, lv + b->w + LABEL_H + 4);
        }
    }
    return above;
}

/* x of the vertical runs of loops and drops: outward from the node, in stack order. */
static void runs(struct sankey *k)
{
    for (size_t i = 0; i < k->n_nodes; i++) {
        double right = k->node[i].xr + 10, left = k->node[i].xl - 10;
        for (int pass = 0; pass < 2; pass++) {
            double last = -1;
            for (;;) {
                struct band *next = NULL;
                double best = 1e9;
                for (size_t j = 0; j < k->n; j++) {
                    struct band *b = &k->b[j];
                    bool mine = pass ? b->geo == UNDER && b->b == i
                                     : (b->geo == UNDER || b->geo == DROP) && b->a == i;
                    double key = (pass ? b->yt : b->ys) + (double)j * 1e-9;
                    if (mine && key > last && key < best) {
                        best = key;
                        next = b;
                    }
                }
                if (!next)
                    break;
                last = best;
                if (pass) {
                    next->xb = left - next->w / 2;
                    left -= next->w + 4;
                } else {
                    next->xa = right + next->w / 2;
                    right += next->w + 4;
                }
            }
        }
    }
}

static void over_path(struct sankey *k, const struct band *b, double ys)
{
    struct jm__svg *s = k->s;
    const struct node *na = &k->node[b->a], *nb = &k->node[b->b];
    double yt = k->top + b->yt, yc = k->top - b->level - b->w / 2;
    double dx = fmin(90, (nb->xl - na->xr) / 3);
    if (b->geo == STRAIGHT) {
        double mx = (na->xr + nb->xl) / 2;
        jm__out_raw(&s->o, " C");
        pt(s, mx, ys);
        jm__out_raw(&s->o, " ");
        pt(s, mx, yt);
        jm__out_raw(&s->o, " ");
        pt(s, nb->xl, yt);
        return;
    }
    /* Up into the arc's level, along it, and down into the target. */
    jm__out_raw(&s->o, " C");
    pt(s, na->xr + dx / 2, ys);
    jm__out_raw(&s->o, " ");
    pt(s, na->xr + dx / 2, yc);
    jm__out_raw(&s->o, " ");
    pt(s, na->xr + dx, yc);
    jm__out_raw(&s->o, " H");
    num(s, nb->xl - dx);
    jm__out_raw(&s->o, " C");
    pt(s, nb->xl - dx / 2, yc);
    jm__out_raw(&s->o, " ");
    pt(s, nb->xl - dx / 2, yt);
    jm__out_raw(&s->o, " ");
    pt(s, nb->xl, yt);
}

/* A quarter turn of radius r, clockwise, to (x, y). */
static void turn(struct jm__svg *s, double r, double x, double y)
{
    jm__out_raw(&s->o, " A");
    num(s, r);
    jm__out_raw(&s->o, " ");
    num(s, r);
    jm__out_raw(&s->o, " 0 0 1 ");
    pt(s, x, y);
}

/* Right, down (to the sink, for a drop), then left, up and right into the target. */
static void loop_path(struct sankey *k, const struct band *b, double ys, double sink_y)
{
    struct jm__svg *s = k->s;
    double r = b->w / 2 + 6;
    double yc = b->geo == DROP ? sink_y : k->bottom + b->level + b->w / 2;
    jm__out_raw(&s->o, " H");
    num(s, b->xa - r);
    turn(s, r, b->xa, ys + r);
    jm__out_raw(&s->o, " V");
    if (b->geo == DROP) {
        num(s, sink_y);
        return;
    }
    double yt = k->top + b->yt;
    num(s, yc - r);
    turn(s, r, b->xa - r, yc);
    jm__out_raw(&s->o, " H");
    num(s, b->xb + r);
    turn(s, r, b->xb, yc - r);
    jm__out_raw(&s->o, " V");
    num(s, yt + r);
    turn(s, r, b->xb + r, yt);
    jm__out_raw(&s->o, " H");
    num(s, k->node[b->b].xl);
}

static void band_path(struct sankey *k, const struct band *b, double sink_y)
{
    struct jm__svg *s = k->s;
    double ys = k->top + b->ys;
    jm__out_raw(&s->o, "<path d=\"M");
    pt(s, k->node[b->a].xr, ys);
    if (b->geo == STRAIGHT || b->geo == OVER)
        over_path(k, b, ys);
    else
        loop_path(k, b, ys, sink_y);
    jm__out_f(&s->o, "\" fill=\"none\" stroke=\"%s\" stroke-opacity=\"%s\" stroke-width=\"",
              band_color(b->kind), b->geo == UNDER ? "0.6" : "0.42");
    num(s, b->w);
    jm__out_raw(&s->o, "\"/>\n");
}

static void band_label(struct sankey *k, const struct band *b, double sink_y)
{
    static const struct jm__tstyle t = {11, 14, true, JM__INK, JM__MIDDLE};
    struct jm__svg *s = k->s;
    char c[48];
    double x, y;
    struct jm__tstyle st = t;
    jm__fmt_count(b->count, c, sizeof(c));
    if (b->geo == STRAIGHT) {
        x = (k->node[b->a].xr + k->node[b->b].xl) / 2;
        y = k->top + (b->ys + b->yt) / 2 - t.lh / 2;
    } else if (b->geo == OVER) {
        x = (k->node[b->a].xr + k->node[b->b].xl) / 2;
        y = k->top - b->level - b->w - t.lh - 1;
        st.fill = "#5b3aa8";
    } else if (b->geo == UNDER) {
        x = (b->xa + b->xb) / 2;
        y = k->bottom + b->level + b->w + 2;
        st.fill = "#a8520f";
    } else {
        x = b->xa + b->w / 2 + 5;
        y = sink_y - t.lh - 4;
        st.anchor = JM__START;
        st.fill = JM__MUTED;
    }
    /* A white halo keeps the number readable where it crosses a band. */
    jm__out_raw(&s->o, "<g stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" "
                       "paint-order=\"stroke\">");
    jm__svg_text(s, x, y, 120, c, &st, true);
    jm__out_raw(&s->o, "</g>\n");
}

static double sankey_legend(struct sankey *k)
{
    static const struct jm__tstyle t = {11.5, 16, false, JM__BODY, JM__START};
    static const enum jm_map_ui words[] = {JM_UI_FORWARD, JM_UI_SKIP, JM_UI_BACK, JM_UI_DROP_OFF};
    static const enum jm_map_flow_kind kinds[] = {JM_FLOW_FORWARD, JM_FLOW_SKIP, JM_FLOW_BACK,
                                                  JM_FLOW_DROP};
    double y = 0;
    for (int i = 0; i < 4; i++) {
        jm__svg_rect(k->s, 0, y + 4, 20, 8, 2, band_color(kinds[i]), "fill-opacity=\"0.6\"");
        y += jm__svg_text(k->s, 28, y, JM__LANE_W - 40, jm__ui(k->m, words[i]), &t, true) + 4;
    }
    return y;
}

static void sankey_draw(struct sankey *k, double names_h, double above, double below)
{
    struct jm__svg *s = k->s;
    const struct jm_map *m = k->m;
    static const struct jm__tstyle name_t = {13, 17.5, true, JM__INK, JM__MIDDLE};
    static const struct jm__tstyle start_t = {11.5, 16, true, JM__MUTED, JM__END};
    static const struct jm__tstyle sink_t = {11.5, 16, true, JM__MUTED, JM__END};
    double legend_h = sankey_legend(k);
    k->top = fmax(names_h + 10 + above, legend_h + 28);
    double max_h = 0;
    for (size_t i = 0; i < k->n_nodes; i++)
        max_h = fmax(max_h, k->node[i].h);
    k->bottom = k->top + max_h;
    double sink_y = k->bottom + fmax(below, 20) + 34;
    for (size_t i = 0; i < m->n_stages; i++) {
        jm__svg_open_g(s, 0, 0, !m->stages[i].in_view);
        jm__svg_text(s, JM__LANE_W + col_center(i), 0, JM__COL_W - 24, m->stages[i].name, &name_t,
                     true);
        jm__svg_close_g(s);
    }
    bool drops = false;
    for (size_t j = 0; j < k->n; j++) {
        drops |= k->b[j].geo == DROP;
        band_path(k, &k->b[j], sink_y);
    }
    for (size_t i = k->node[0].out > 0 ? 0 : 1; i < k->n_nodes; i++) {
        const char *c = i ? jm__team_color(m, m->stages[i - 1].owner) : "#94a3b8";
        jm__svg_rect(s, k->node[i].xl, k->top, NODE_W, k->node[i].h, 2, c, NULL);
    }
    if (k->node[0].out > 0)
        jm__svg_text(s, k->node[0].xl - 8, k->top, JM__LANE_W - 60, jm__ui(m, JM_UI_START),
                     &start_t, true);
    if (drops) {
        jm__svg_rect(s, JM__LANE_W + 8, sink_y, (double)m->n_stages * JM__COL_W - 16, 8, 3,
                     "#9aa3ae", NULL);
        jm__svg_text(s, JM__LANE_W - 8, sink_y + 4 - sink_t.lh / 2, JM__LANE_W - 20,
                     jm__ui(m, JM_UI_DROP_OFF), &sink_t, true);
    }
    for (size_t j = 0; j < k->n; j++)
        band_label(k, &k->b[j], sink_y);
}

double jm__svg_sankey(struct jm__svg *s)
{
    const struct jm_map *m = s->m;
    struct sankey k = {s, m, NULL, 0, NULL, 0, 0, 0};
    double h = 0;
    if (!m->n_flows || !m->n_stages)
        return 0;
    if (!collect(&k)) {
        if (!s->o.rc)
            s->o.rc = JM_ENOMEM;
        goto out;
    }
    stack(&k);
    double below, above = levels(&k, &below);
    runs(&k);
    static const struct jm__tstyle name_t = {13, 17.5, true, JM__INK, JM__MIDDLE};
    double names_h = 0;
    for (size_t i = 0; i < m->n_stages; i++)
        names_h =
            fmax(names_h, jm__svg_text(s, 0, 0, JM__COL_W - 24, m->stages[i].name, &name_t, false));
    sankey_draw(&k, names_h, above, below);
    double sink_y = k.bottom + fmax(below, 20) + 34;
    h = sink_y + 8 + 4;
out:
    jm_free(k.b);
    jm_free(k.node);
    return h;
}
