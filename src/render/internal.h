/*
 * Renderers of the journey map (include/journeymap/map.h). Each reads a struct jm_map and
 * writes bytes; none computes a number or picks a language: the model has it all.
 *
 *   render.c   jm_map_render: format names, dispatch
 *   svg*.c     the standalone SVG (also what PNG and PDF rasterise)
 *   html*.c    the self-contained HTML page
 *   raster.c   SVG -> PNG / PDF pages (librsvg + cairo; the only file that includes them)
 *   csv.c      the map's tables as CSV
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_RENDER_INTERNAL_H
#define JM_RENDER_INTERNAL_H

#include "journeymap/map.h"

/* Where the SVG's sections lie, so PDF pages can hold whole sections (A4) and PNG knows its
 * size. Sections in order: the map (stage columns and lanes), funnel and flows, break points and
 * stalled accounts, personas, then one per insight panel; absent sections are left out. */
#define JM_SVG_MAX_SECTIONS 16
#define JM_SVG_MAX_CUTS     64
struct jm__svg_layout {
    double width, height; /* of the whole document, in SVG user units (CSS px) */
    size_t n_sections;
    double top[JM_SVG_MAX_SECTIONS], bottom[JM_SVG_MAX_SECTIONS];
    /* Where a page may break inside a section too tall for one page: the bottom of each of the
     * map's lane rows, ascending. */
    size_t n_cuts;
    double cut[JM_SVG_MAX_CUTS];
};

/* The standalone SVG document; `layout` may be NULL. */
jm_status jm__svg_map(const struct jm_map *m, struct jm_strbuf *sb, struct jm__svg_layout *layout);
/* The self-contained HTML page. */
jm_status jm__html_map(const struct jm_map *m, struct jm_strbuf *sb);
/* The tables as CSV. */
jm_status jm__csv_map(const struct jm_map *m, struct jm_strbuf *sb);
/* PNG or PDF of the SVG. */
jm_status jm__raster_map(const struct jm_map *m, enum jm_map_format format,
                         const struct jm_render_options *opts, struct jm_strbuf *sb,
                         struct jm_error *err);

/* ================================================================ shared by svg*.c and html*.c */

/* ---------------------------------------------------------------- escaping (escape.c) */

/*
 * Decodes the code point at s[0..len) (len > 0) into *cp and returns the bytes it took. A bad
 * or truncated sequence, an overlong form or a surrogate gives U+FFFD and takes one byte.
 */
size_t jm__utf8_next(const char *s, size_t len, uint32_t *cp);
/*
 * Appends s[0..len) cleaned: valid UTF-8 (U+FFFD for each bad byte and for U+FFFE/U+FFFF),
 * control characters removed except "\n" and "\t". Returns JM_OK, JM_ENOMEM or JM_ELIMIT.
 */
jm_status jm__text_clean(struct jm_strbuf *sb, const char *s, size_t len);
/*
 * Appends s[0..len) cleaned as above and escaped for XML and HTML: & < > " ' become entities,
 * in text and in double-quoted attribute values alike; with `attr`, "\n" and "\t" become spaces.
 */
jm_status jm__xml_escape(struct jm_strbuf *sb, const char *s, size_t len, bool attr);

/*
 * An output with a sticky status: after the first failure every write does nothing and `rc`
 * keeps the failure, so drawing code writes freely and checks once at the end.
 */
struct jm__out {
    struct jm_strbuf *sb;
    jm_status rc;
};
void jm__out_mem(struct jm__out *o, const char *s, size_t len);
void jm__out_raw(struct jm__out *o, const char *s); /* markup we wrote; NULL writes nothing */
void jm__out_f(struct jm__out *o, const char *fmt, ...) JM_PRINTF(2, 3);
/* User text, escaped (NULL writes nothing). */
void jm__out_text(struct jm__out *o, const char *s);
void jm__out_textn(struct jm__out *o, const char *s, size_t len);
/* User text as the inside of a double-quoted attribute value. */
void jm__out_attr(struct jm__out *o, const char *s);
/* A coordinate: at most two decimals, no exponent; NaN and absurd values write 0. */
void jm__out_num(struct jm__out *o, double x);

/* ---------------------------------------------------------------- text (text.c) */

/* Estimated advance width in px of UTF-8 s[0..len) in Noto Sans at `size` px (see text.c). */
double jm__text_width(const char *s, size_t len, double size, bool bold);

/* Lines of wrapped text: spans of `text`, the cleaned copy of the input. */
struct jm__line {
    size_t off, len;
    double width; /* estimated, px */
};
struct jm__lines {
    struct jm__line *v;
    size_t n, cap;
    struct jm_strbuf text;
};
void jm__lines_init(struct jm__lines *l);
void jm__lines_release(struct jm__lines *l);
/*
 * Cleans `s` (NULL is "") and wraps it into lines at most `max_w` px wide at `size` px; "\n"
 * breaks, words longer than a line are cut. Replaces what `l` held. JM_OK or JM_ENOMEM.
 */
jm_status jm__text_wrap(struct jm__lines *l, const char *s, double max_w, double size, bool bold);

/* ---------------------------------------------------------------- theme (svg_theme.c) */

/* The grid both renderers share, in CSS px: lane header column, stage columns, page margin. */
#define JM__LANE_W      170.0
#define JM__COL_W       240.0
#define JM__MARGIN      40.0
#define JM__MIN_WIDTH   1100.0 /* panels need room even when a journey has two stages */
#define JM__EMOTION_H   150.0  /* the emotion curve's plot, above the cells' own text */
#define JM__FONT_FAMILY "'Noto Sans', 'DejaVu Sans', 'Segoe UI', Roboto, Arial, sans-serif"

#define JM__INK     "#1d2433"
#define JM__BODY    "#374151"
#define JM__MUTED   "#6b7280"
#define JM__FAINT   "#9aa1ad"
#define JM__RULE    "#e3e6eb"
#define JM__PANEL   "#f5f6f8"
#define JM__NEUTRAL "#64748b"

/* A map heading or phrase: m->ui[k], "" when the model has none. */
const char *jm__ui(const struct jm_map *m, enum jm_map_ui k);
/* The accent of the team `owner` (a stage owner key or name): one per team, in stage order. */
const char *jm__team_color(const struct jm_map *m, const char *owner);
/* "met", "near", "missed", "no_data"; its ui word; its colour and a light tint of it. */
const char *jm__status_key(enum jm_map_status st);
const char *jm__status_word(const struct jm_map *m, enum jm_map_status st);
const char *jm__status_color(enum jm_map_status st);
const char *jm__status_tint(enum jm_map_status st);
/* The colour of a break point's marker and callout, by severity. */
const char *jm__severity_color(double severity);
/* The bullet colour of a text lane (pain points red, opportunities green...). */
const char *jm__lane_accent(const struct jm_map_lane *lane);
/* The band of the lane header's edge: customer lanes, our lanes, measured lanes. */
const char *jm__lane_group_color(const struct jm_map_lane *lane);
/* Whether a stage index is one of the map's stages. */
bool jm__stage_ok(const struct jm_map *m, uint32_t stage);
/* The items a text cell shows in the map's state (future state falls back to today's). */
size_t jm__cell_items(const struct jm_map *m, const struct jm_map_cell *c, const char ***items);
/* `code` when it is a well-formed language tag ("vi", "en-US"), else "und". */
const char *jm__lang_tag(const char *code);
/* Width of the stage grid: lane header column and every stage column. */
double jm__grid_width(const struct jm_map *m);

/*
 * Numbers as the map prints them, into buf (at least 48 bytes): counts with a narrow no-break
 * space between thousands ("12 345"), shares as percentages ("42.5%"), days and signed values
 * to `decimals` places. NaN prints as an em dash.
 */
void jm__fmt_count(uint64_t v, char *buf, size_t cap);
void jm__fmt_pct(double share, int decimals, char *buf, size_t cap);
void jm__fmt_fixed(double v, int decimals, bool sign, char *buf, size_t cap);

/*
 * Phrases both renderers print, appended to `sb`: a touchpoint's "Email · Marketing · 2 900
 * events"; a KPI's "target 40%" (nothing without a target); under the emotion curve up to three
 * lines ("+0.30 · measured", "NPS -12 · 14 surveys", "320 events · +0.31") joined by "\n".
 * Return JM_OK, JM_ENOMEM or JM_ELIMIT.
 */
jm_status jm__touchpoint_meta(const struct jm_map *m, const struct jm_map_touchpoint *tp,
                              struct jm_strbuf *sb);
jm_status jm__kpi_target(const struct jm_map *m, const struct jm_map_kpi *k, struct jm_strbuf *sb);
jm_status jm__emotion_note(const struct jm_map *m, const struct jm_map_stage *st,
                           struct jm_strbuf *sb);
/* The Voice lane's cell, into an empty `sb` like the emotion note: up to three lines joined by
 * "\n", "NPS +20 · 5 answers", "CSAT 80% · 4 answers", "CES 5.2 · 3 answers" (the kinds
 * answered in the stage; "" when none). */
jm_status jm__voice_note(const struct jm_map *m, const struct jm_map_stage *st,
                         struct jm_strbuf *sb);

/* ---------------------------------------------------------------- svg kit (svg.c) */

/* An SVG being written: the output, the map, and scratch space for wrapping. */
struct jm__svg {
    struct jm__out o;
    const struct jm_map *m;
    struct jm__lines lines;
    struct jm__svg_layout *layout; /* where the grid records its row cuts, or NULL */
};
void jm__svg_init(struct jm__svg *s, const struct jm_map *m, struct jm_strbuf *sb);
void jm__svg_release(struct jm__svg *s);

enum jm__anchor { JM__START, JM__MIDDLE, JM__END };
struct jm__tstyle {
    double size, lh; /* font size and line height, px */
    bool bold;
    const char *fill;
    enum jm__anchor anchor; /* x is the left edge, the centre or the right edge */
};
/*
 * Draws `text` wrapped to `w` px, its first line box's top at `y`, and returns the height it
 * took (lines x line height; 0 for empty text). With `draw` false it only measures.
 */
double jm__svg_text(struct jm__svg *s, double x, double y, double w, const char *text,
                    const struct jm__tstyle *st, bool draw);
/* The width of the widest line `text` wraps to at `w` (0 for empty text). */
double jm__svg_text_w(struct jm__svg *s, double w, const char *text, const struct jm__tstyle *st);
/* A rectangle; `extra` (markup we wrote, may be NULL) is added to its attributes. */
void jm__svg_rect(struct jm__svg *s, double x, double y, double w, double h, double r,
                  const char *fill, const char *extra);
/* A card's coloured left edge: a bar of width w whose left corners follow the card's radius r. */
void jm__svg_edge(struct jm__svg *s, double x, double y, double w, double h, double r,
                  const char *fill);
/* A circle; a five-pointed star of outer radius r (key roles, the filtered persona). */
void jm__svg_circle(struct jm__svg *s, double cx, double cy, double r, const char *fill,
                    const char *extra);
void jm__svg_star(struct jm__svg *s, double cx, double cy, double r, const char *fill);
/* The status icon: a disc in the status colour with a tick, a bang, a cross or a dash. */
void jm__svg_status_icon(struct jm__svg *s, double cx, double cy, double r, enum jm_map_status st);
/* Opens a group moved to (x, y), dimmed when `dim`; close it with jm__svg_close_g. */
void jm__svg_open_g(struct jm__svg *s, double x, double y, bool dim);
void jm__svg_close_g(struct jm__svg *s);

/* ---------------------------------------------------------------- svg parts */

/* The stage grid (svg_lanes.c): header row, handoffs and every lane, from (x, y); returns the
 * bottom. */
double jm__svg_grid(struct jm__svg *s, double x, double y);
/*
 * Chart fragments (svg_charts.c), drawn with the origin at their top-left so the SVG document
 * places them with a translate and the HTML page wraps each in its own inline <svg>:
 *   emotion  n_stages x JM__COL_W wide, JM__EMOTION_H high: the curve over the stage columns
 *   funnel   jm__grid_width() wide; returns its height
 *   sankey   jm__grid_width() wide; returns its height (0 when there are no flows)
 */
void jm__svg_emotion(struct jm__svg *s);
/* The y of emotion `v` (-1..1, clamped) in the emotion fragment. */
double jm__svg_emotion_y(double v);
bool jm__svg_has_future_curve(const struct jm_map *m);
double jm__svg_funnel(struct jm__svg *s);
double jm__svg_sankey(struct jm__svg *s);
/* Panels (svg_panels.c) at (x, y), `w` wide; each returns its height. */
double jm__svg_breaks(struct jm__svg *s, double x, double y, double w);
double jm__svg_idle(struct jm__svg *s, double x, double y, double w);
double jm__svg_personas(struct jm__svg *s, double x, double y, double w);
/* A persona's icon, a building or a person in a 20px disc centred on (cx, cy). */
void jm__svg_persona_icon(struct jm__svg *s, double cx, double cy, bool company);
/* A panel heading; returns its height. */
double jm__svg_heading(struct jm__svg *s, double x, double y, double w, const char *text,
                       double size);

/* ---------------------------------------------------------------- html parts (html*.c) */

/* The HTML page writes through a struct jm__svg too: one output, and its charts are inline. */
void jm__html_open(struct jm__svg *s, const char *tag, const char *cls);
/* <tag class="cls">text</tag>, the text escaped; `cls` may be NULL. */
void jm__html_el(struct jm__svg *s, const char *tag, const char *cls, const char *text);
/* ` data-NAME="value"`, the value escaped. */
void jm__html_data(struct jm__svg *s, const char *name, const char *value);
/* Opens an inline <svg> of w x h with viewBox `vb`; labelled for screen readers, or hidden. */
void jm__html_inline_svg(struct jm__svg *s, double w, double h, const char *vb, const char *label);
/* A share bar (0..1) filled with `fill`. */
void jm__html_bar(struct jm__svg *s, double share, const char *fill);
/* A bullet list of the non-empty items, bullets in `dot`. */
void jm__html_items(struct jm__svg *s, const char **v, size_t n, const char *dot);
/* The stage grid (html_grid.c) and the panels under it (html_panels.c). */
void jm__html_grid(struct jm__svg *s);
void jm__html_panels(struct jm__svg *s);

/* ---------------------------------------------------------------- insight panels (ipanel.c) */

/*
 * An insight panel (attribution, paths, retention, voice, questions) laid out once, for both the
 * SVG and the HTML page: a title, a line saying what was counted, fact cards (a label, a big
 * value, a line of detail) and tables whose cells are text, numbers, bars or heat. Every string
 * is the model's or formatted from its numbers; the renderers only draw it.
 */
#define JM__IPANEL_FACTS 6
#define JM__ITABLE_COLS  14
enum jm__icol {
    JM__ICOL_TEXT, /* text, left */
    JM__ICOL_NUM,  /* text, right */
    JM__ICOL_BAR,  /* text and a bar of v (0..1) */
    JM__ICOL_HEAT  /* text on a cell tinted by v (jm__heat_color); NAN: no tint */
};
struct jm__icell {
    const char *text; /* "" for an empty cell */
    double v;
};
struct jm__itable {
    const char *caption; /* a heading over the table, or NULL */
    size_t n_cols, n_rows;
    const char *head[JM__ITABLE_COLS];
    enum jm__icol kind[JM__ITABLE_COLS];
    double width[JM__ITABLE_COLS]; /* shares of the table's width, summing to 1 */
    struct jm__icell *cells;       /* n_rows x n_cols, row-major */
};
struct jm__fact {
    const char *label, *value, *detail; /* detail may be "" */
};
struct jm__ipanel {
    enum jm_map_panel panel;
    const char *id;    /* "jm-attribution"... the HTML section's id */
    const char *title; /* the heading */
    const char *note;  /* what was counted, or "" */
    bool empty;        /* nothing to show: the note says "no data" */
    size_t n_facts;
    struct jm__fact facts[JM__IPANEL_FACTS];
    size_t n_tables;
    struct jm__itable tables[2];
    struct jm_arena arena; /* the formatted strings and cells */
};
/* The insight panels `m` shows, in page order, into out[JM_PANEL__COUNT]; returns how many. */
size_t jm__ipanels_shown(const struct jm_map *m, enum jm_map_panel *out);
/* Lays out panel `p` of `m`. Release with jm__ipanel_release (also after a failure). */
jm_status jm__ipanel_make(const struct jm_map *m, enum jm_map_panel p, struct jm__ipanel *out);
void jm__ipanel_release(struct jm__ipanel *p);
/* The tint of a retention cell: red below 100% NRR, green above. */
const char *jm__heat_color(double nrr);
/* Draws panel `p` (svg_insights.c) at (x, y), `w` wide, and returns its height. */
double jm__svg_ipanel(struct jm__svg *s, const struct jm__ipanel *p, double x, double y, double w);
/* Writes panel `p` as a <section> (html_insights.c). */
void jm__html_ipanel(struct jm__svg *s, const struct jm__ipanel *p);

/* Which optional sections a map shows (shared so SVG, HTML and raster agree). */
bool jm__show_funnel(const struct jm_map *m);
bool jm__show_flows(const struct jm_map *m);
bool jm__show_breaks(const struct jm_map *m);
bool jm__show_idle(const struct jm_map *m);
bool jm__show_personas(const struct jm_map *m);

#endif /* JM_RENDER_INTERNAL_H */
