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
 * stalled accounts, personas; absent sections are left out. */
#define JM_SVG_MAX_SECTIONS 8
struct jm__svg_layout {
    double width, height; /* of the whole document, in SVG user units (CSS px) */
    size_t n_sections;
    double top[JM_SVG_MAX_SECTIONS], bottom[JM_SVG_MAX_SECTIONS];
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

#endif /* JM_RENDER_INTERNAL_H */
