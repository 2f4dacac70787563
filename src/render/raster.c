/*
 * PNG and PDF of the journey map: the standalone SVG (jm__svg_map) drawn by librsvg into a cairo
 * surface. This is the only file that includes librsvg and cairo (STYLE.md §1), so nothing else
 * in the tree sees GLib.
 *
 * Both formats draw the very SVG the SVG renderer writes; neither lays anything out again, so a
 * PNG, a PDF page and the SVG always agree.
 *
 * PNG: one image of the whole document at `scale` pixels per SVG unit (default 2), on white.
 * An image surface costs 4 bytes a pixel, and cairo cannot make one wider or taller than 32767
 * pixels, so the scale is lowered until the image fits both limits (MAX_PIXELS, about 480 MB
 * at most): a very long map still renders, only less sharp.
 *
 * PDF: landscape pages, A3 (420 x 297 mm, the default) or A4 (297 x 210 mm), 10 mm margins.
 * The SVG's sections (the map, funnel and flows, break points and stalled units, personas; see
 * struct jm__svg_layout) are never cut: each is a horizontal band of the document, scaled so
 * the document's width fills the printable width, and the bands go onto pages greedily, as
 * many as fit on a page before starting the next. A band taller than a page is scaled down to
 * fit a page of its own (and centred across). So on A3 the whole map section is on page 1, and
 * on A4 it is too, smaller when it must be. Each band is drawn by clipping to its rectangle on
 * the page and rendering the full document offset so that the band lands there:
 *
 *      SVG (width W)                     page (printable pw x ph, at scale s = pw / W)
 *    0 +-----------+ <- band 0 starts    +------------------+
 *      | title     |    at 0 (header)    | band 0 (map)     |  y = 0
 *  top1+-----------+                     |                  |
 *      | funnel    | band 1              +------------------+  y += (top1 - 0) * s
 *  top2+-----------+                     | band 1 (funnel)  |
 *      | breaks    | band 2              +------------------+
 *      |  ...      |                     (band 2 does not fit: next page)
 *    H +-----------+ <- last band ends at H (footer)
 *
 * A band runs from its section's top to the next section's top (the first from 0, the last to
 * the document's end), so the spacing between sections is kept; the fit test uses the
 * section's own bottom, so the blank after it may fall past the page's edge. Text stays text
 * (pango through cairo's PDF surface), so the PDF is searchable and pdftotext reads it; cairo
 * drops the glyphs a clip hides, so each page holds only its own text.
 *
 * SPDX-License-Identifier: MIT
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <math.h>
#include <string.h>

#include "render/internal.h"

#include "base/internal.h"

#define MAX_PIXELS    120e6   /* PNG: pixels in the image, at most */
#define MAX_SIDE      32767.0 /* PNG: cairo's limit on an image surface's width and height */
#define MM            (72.0 / 25.4)
#define MARGIN        (10 * MM)
#define DEFAULT_SCALE 2.0

/* ---------------------------------------------------------------- output */

/* Where cairo writes the PNG or PDF stream: the caller's buffer, and the first failure. */
struct sink {
    struct jm_strbuf *sb;
    jm_status rc;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct sink *s = closure;
    if (!s->rc)
        s->rc = jm_strbuf_add(s->sb, data, len);
    return s->rc ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* A cairo failure as a jm_status: the sink's own failure when writing failed, else by kind. */
static jm_status cairo_failed(struct jm_error *err, cairo_status_t st, const struct sink *s,
                              const char *what)
{
    if (s && s->rc)
        return jm_error_set(err, s->rc, "cannot write the map's %s: %s", what, jm_strerror(s->rc));
    jm_status rc = st == CAIRO_STATUS_NO_MEMORY ? JM_ENOMEM : JM_EIO;
    return jm_error_set(err, rc, "cannot draw the map's %s: %s", what, cairo_status_to_string(st));
}

/* ---------------------------------------------------------------- the SVG */

/* The map as SVG, parsed by librsvg; *out is NULL on failure. The handle has no base file, so
 * librsvg loads no external resource (image, stylesheet) whatever the SVG names. */
static jm_status load_svg(const struct jm_map *m, struct jm__svg_layout *lo, RsvgHandle **out,
                          struct jm_error *err)
{
    struct jm_strbuf svg = JM_STRBUF_INIT;
    GError *gerr = NULL;
    *out = NULL;
    memset(lo, 0, sizeof(*lo));
    jm_status rc = jm__svg_map(m, &svg, lo);
    if (rc) {
        jm_error_set(err, rc, "cannot render the map as SVG: %s", jm_strerror(rc));
        goto out;
    }
    if (!(isfinite(lo->width) && isfinite(lo->height) && lo->width >= 1 && lo->height >= 1)) {
        rc = jm_error_set(err, JM_EINVAL, "the map's SVG has no size (%g x %g)", lo->width,
                          lo->height);
        goto out;
    }
    *out = rsvg_handle_new_from_data((const guint8 *)svg.buf, svg.len, &gerr);
    if (!*out) {
        /* Our own SVG failed to parse: a renderer bug, but say what librsvg said. */
        rc = jm_error_set(err, JM_EPARSE, "librsvg cannot read the map's SVG: %s",
                          gerr ? gerr->message : "unknown error");
        goto out;
    }
out:
    if (gerr)
        g_error_free(gerr);
    jm_strbuf_release(&svg);
    return rc;
}

/* Draws the whole document with its top-left corner at (x, y) and `scale` units per SVG unit,
 * `top` SVG units scrolled up (the band's start), clipped to the current clip. */
static jm_status draw_svg(cairo_t *cr, RsvgHandle *h, const struct jm__svg_layout *lo, double x,
                          double y, double scale, double top, struct jm_error *err)
{
    GError *gerr = NULL;
    RsvgRectangle viewport = {0, -top, lo->width, lo->height};
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, scale, scale);
    gboolean ok = rsvg_handle_render_document(h, cr, &viewport, &gerr);
    cairo_restore(cr);
    if (ok)
        return JM_OK;
    jm_status rc = jm_error_set(err, JM_EIO, "librsvg cannot draw the map: %s",
                                gerr ? gerr->message : "unknown error");
    if (gerr)
        g_error_free(gerr);
    return rc;
}

/* ---------------------------------------------------------------- PNG */

/* The scale the PNG can have: the asked one, lowered until the image fits the limits. */
static double png_scale(const struct jm__svg_layout *lo, double scale)
{
    if (lo->width * scale > MAX_SIDE)
        scale = MAX_SIDE / lo->width;
    if (lo->height * scale > MAX_SIDE)
        scale = MAX_SIDE / lo->height;
    if (lo->width * lo->height * scale * scale > MAX_PIXELS)
        scale = sqrt(MAX_PIXELS / (lo->width * lo->height));
    return scale;
}

/* Pixels along a side of `len` SVG units: rounded up so no drawing is cut, at least one. */
static int png_side(double len, double scale)
{
    double px = ceil(len * scale - 1e-9);
    return px < 1 ? 1 : px > MAX_SIDE ? (int)MAX_SIDE : (int)px;
}

static jm_status render_png(RsvgHandle *h, const struct jm__svg_layout *lo, double scale,
                            struct jm_strbuf *sb, struct jm_error *err)
{
    struct sink s = {sb, JM_OK};
    scale = png_scale(lo, scale);
    cairo_surface_t *surface = cairo_image_surface_create(
        CAIRO_FORMAT_ARGB32, png_side(lo->width, scale), png_side(lo->height, scale));
    cairo_t *cr = cairo_create(surface);
    jm_status rc = JM_OK;
    cairo_status_t st = cairo_status(cr);
    if (st) {
        rc = cairo_failed(err, st, NULL, "PNG");
        goto out;
    }
    /* A map is a document: white paper, not a transparent sheet in a dark image viewer. */
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    rc = draw_svg(cr, h, lo, 0, 0, scale, 0, err);
    if (rc)
        goto out;
    cairo_surface_flush(surface);
    st = cairo_surface_write_to_png_stream(surface, sink_write, &s);
    if (st)
        rc = cairo_failed(err, st, &s, "PNG");
out:
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return rc;
}

/* ---------------------------------------------------------------- PDF pages */

struct paper {
    double width, height; /* points, landscape */
};

/* Where one band of the SVG goes: SVG rows [top, bottom) on page `page`, its top-left corner
 * at (x, y) points, at `scale` points per SVG unit. */
struct slot {
    double top, bottom;
    unsigned page;
    double x, y, scale;
};

#define MAX_BANDS (JM_SVG_MAX_SECTIONS + JM_SVG_MAX_CUTS)

/*
 * The bands of the document: one per section, except that a section taller than a page at the
 * width-filling scale is cut between the map's lane rows (lo->cut) into bands that each fit,
 * so the map stays at a readable size across pages instead of shrinking onto one. Each band is
 * [top, bottom) of drawing and runs on to `end` (the spacing before the next band).
 */
static size_t plan_bands(const struct jm__svg_layout *lo, double rows_per_page, double *top,
                         double *bottom, double *end)
{
    size_t n = lo->n_sections <= JM_SVG_MAX_SECTIONS ? lo->n_sections : 0, nb = 0;
    for (size_t i = 0; i < n; i++) {
        bool ordered = lo->top[i] <= lo->bottom[i] && (i == 0 || lo->top[i] >= lo->bottom[i - 1]);
        if (!ordered || lo->top[i] < 0 || lo->bottom[i] > lo->height)
            n = 0;
    }
    if (n == 0) { /* a renderer bug: one band, the whole map */
        top[0] = 0;
        bottom[0] = end[0] = lo->height;
        return 1;
    }
    for (size_t i = 0; i < n && nb < MAX_BANDS; i++) {
        bool last = i + 1 == n;
        double t = i == 0 ? 0 : lo->top[i], b = last ? lo->height : lo->bottom[i];
        double e = last ? lo->height : lo->top[i + 1];
        /* cut where the next row would overflow the page, at the last row bottom that fits */
        for (size_t c = 0; c < lo->n_cuts && nb + 1 < MAX_BANDS && b - t > rows_per_page; c++) {
            double here = lo->cut[c], next = c + 1 < lo->n_cuts ? lo->cut[c + 1] : b;
            if (here <= t || here >= b || next - t <= rows_per_page)
                continue;
            top[nb] = t;
            bottom[nb] = end[nb] = here;
            nb++;
            t = here;
        }
        top[nb] = t;
        bottom[nb] = b;
        end[nb++] = e;
    }
    return nb;
}

/*
 * Places the bands on pages: as many as fit on a page before starting the next. Returns the
 * number of slots (at least 1) and the number of pages in *n_pages.
 */
static size_t plan_pages(const struct jm__svg_layout *lo, struct paper paper,
                         struct slot slots[MAX_BANDS], unsigned *n_pages)
{
    double pw = paper.width - 2 * MARGIN, ph = paper.height - 2 * MARGIN;
    double fit = pw / lo->width; /* the document's width across the printable width */
    double top[MAX_BANDS], bottom[MAX_BANDS], end[MAX_BANDS];
    size_t n = plan_bands(lo, ph / fit, top, bottom, end);
    unsigned page = 0;
    double y = 0; /* points used on the current page */
    for (size_t i = 0; i < n; i++) {
        double scale = fit;
        if ((bottom[i] - top[i]) * scale > ph)
            scale = ph / (bottom[i] - top[i]);
        if (y > 0 && y + (bottom[i] - top[i]) * scale > ph + 1e-6) {
            page++;
            y = 0;
        }
        slots[i] = (struct slot){top[i],     bottom[i], page, MARGIN + (pw - lo->width * scale) / 2,
                                 MARGIN + y, scale};
        y += (end[i] - top[i]) * scale;
    }
    *n_pages = page + 1;
    return n;
}

static jm_status render_pdf(const struct jm_map *m, RsvgHandle *h, const struct jm__svg_layout *lo,
                            enum jm_paper paper_size, struct jm_strbuf *sb, struct jm_error *err)
{
    struct paper paper = paper_size == JM_PAPER_A4 ? (struct paper){297 * MM, 210 * MM}
                                                   : (struct paper){420 * MM, 297 * MM};
    struct slot slots[MAX_BANDS];
    unsigned n_pages;
    size_t n = plan_pages(lo, paper, slots, &n_pages);
    struct sink s = {sb, JM_OK};
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(sink_write, &s, paper.width, paper.height);
    cairo_t *cr = cairo_create(surface);
    jm_status rc = JM_OK;
    cairo_status_t st = cairo_status(cr);
    if (st)
        goto out;
    if (m->title && *m->title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, m->title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "journeymap");
    /* A failed write puts `cr` in an error state: stop there rather than have librsvg warn. */
    for (unsigned page = 0, i = 0; page < n_pages && !rc && !cairo_status(cr); page++) {
        for (; i < n && slots[i].page == page && !rc && !cairo_status(cr); i++) {
            const struct slot *sl = &slots[i];
            cairo_save(cr);
            cairo_rectangle(cr, sl->x, sl->y, lo->width * sl->scale,
                            (sl->bottom - sl->top) * sl->scale);
            cairo_clip(cr);
            rc = draw_svg(cr, h, lo, sl->x, sl->y, sl->scale, sl->top, err);
            cairo_restore(cr);
        }
        cairo_show_page(cr);
    }
    st = cairo_status(cr);
    if (rc && s.rc) /* librsvg failed because cairo could not write: say why */
        rc = jm_error_set(err, s.rc, "cannot write the map's PDF: %s", jm_strerror(s.rc));
    if (rc || st)
        goto out;
    cairo_surface_finish(surface); /* writes the PDF's trailer through the sink */
    st = cairo_surface_status(surface);
out:
    if (!rc && st)
        rc = cairo_failed(err, st, &s, "PDF");
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    return rc;
}

/* ---------------------------------------------------------------- entry */

jm_status jm__raster_map(const struct jm_map *m, enum jm_map_format format,
                         const struct jm_render_options *opts, struct jm_strbuf *sb,
                         struct jm_error *err)
{
    double scale = opts && opts->scale != 0 ? opts->scale : DEFAULT_SCALE;
    if (!(isfinite(scale) && scale > 0))
        return jm_error_set(err, JM_EINVAL, "the PNG scale must be a positive number, not %g",
                            scale);
    if (format != JM_FORMAT_PNG && format != JM_FORMAT_PDF)
        return jm_error_set(err, JM_EINVAL, "not a raster format: %d", (int)format);
    struct jm__svg_layout lo;
    RsvgHandle *h = NULL;
    jm_status rc = load_svg(m, &lo, &h, err);
    if (rc)
        goto out;
    if (format == JM_FORMAT_PNG)
        rc = render_png(h, &lo, scale, sb, err);
    else
        rc = render_pdf(m, h, &lo, opts ? opts->paper : JM_PAPER_A3, sb, err);
out:
    if (h)
        g_object_unref(h);
    return rc;
}
