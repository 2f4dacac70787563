/*
 * jm_map_render: the public entry to the map's renderers. It names the formats, picks the
 * renderer, and makes a failed render leave the caller's buffer as it was, so a CLI or an HTTP
 * handler never sends half a document.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "render/internal.h"

#include "base/internal.h"

static const char *const format_names[] = {
    [JM_FORMAT_HTML] = "html", [JM_FORMAT_SVG] = "svg",   [JM_FORMAT_PNG] = "png",
    [JM_FORMAT_PDF] = "pdf",   [JM_FORMAT_JSON] = "json", [JM_FORMAT_CSV] = "csv",
};
#define N_FORMATS (sizeof(format_names) / sizeof(format_names[0]))

bool jm_map_format_parse(const char *s, enum jm_map_format *out)
{
    for (size_t i = 0; s && i < N_FORMATS; i++) {
        if (strcasecmp(s, format_names[i]) == 0) {
            *out = (enum jm_map_format)i;
            return true;
        }
    }
    return false;
}

/* The extension is what follows the last '.' of the last path component: "map.HTML" is HTML,
 * "maps.d/map" and ".svg" (a hidden file with no extension) are nothing. "htm" is HTML too. */
bool jm_map_format_of_path(const char *path, enum jm_map_format *out)
{
    if (!path)
        return false;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return false;
    if (strcasecmp(dot + 1, "htm") == 0) {
        *out = JM_FORMAT_HTML;
        return true;
    }
    return jm_map_format_parse(dot + 1, out);
}

static jm_status render(const struct jm_map *m, enum jm_map_format format,
                        const struct jm_render_options *opts, struct jm_strbuf *out,
                        struct jm_error *err)
{
    switch (format) {
    case JM_FORMAT_HTML:
        return jm__html_map(m, out);
    case JM_FORMAT_SVG:
        return jm__svg_map(m, out, NULL);
    case JM_FORMAT_PNG:
    case JM_FORMAT_PDF:
        return jm__raster_map(m, format, opts, out, err);
    case JM_FORMAT_JSON:
        return jm_map_json(m, out);
    case JM_FORMAT_CSV:
        return jm__csv_map(m, out);
    }
    return jm_error_set(err, JM_EINVAL, "unknown map format %d", (int)format);
}

jm_status jm_map_render(const struct jm_map *m, enum jm_map_format format,
                        const struct jm_render_options *opts, struct jm_strbuf *out,
                        struct jm_error *err)
{
    if (!m || !out)
        return jm_error_set(err, JM_EINVAL, "no map or no output buffer to render into");
    size_t start = out->len;
    if (err)
        jm_error_clear(err);
    jm_status rc = render(m, format, opts, out, err);
    if (!rc)
        return JM_OK;
    /* The renderers that take no `err` only fail for memory or the buffer's ceiling. */
    if (err && err->code == JM_OK)
        jm_error_set(err, rc, "cannot render the map as %s: %s",
                     (size_t)format < N_FORMATS ? format_names[format] : "?", jm_strerror(rc));
    if (out->len != start) {
        out->len = start;
        out->buf[start] = '\0';
    }
    return rc;
}
