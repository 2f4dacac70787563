/*
 * The map (docs/api.md "The map"): `journeymap map`'s output for the options in the query, in
 * any format, over the engine's view. Building and rendering a map costs far more than sending
 * it, so each output is kept with the view under its normalised options: the same page asked
 * again, by anyone, is served from memory until the data or the definition changes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "journeymap/map.h"
#include "server/engine.h"

/* The map document is shown in a frame of the app: it has inline styles and data: images, and
 * nothing else. */
static const char MAP_CSP[] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                              "frame-ancestors 'self'";

static const char *const TYPES[] = {
    [JM_FORMAT_HTML] = "text/html; charset=utf-8",
    [JM_FORMAT_SVG] = "image/svg+xml",
    [JM_FORMAT_PNG] = "image/png",
    [JM_FORMAT_PDF] = "application/pdf",
    [JM_FORMAT_JSON] = "application/json",
    [JM_FORMAT_CSV] = "text/csv; charset=utf-8",
};
static const char *const EXT[] = {"html", "svg", "png", "pdf", "json", "csv"};

struct map_req {
    struct srv_args a;
    struct jm_map_options mo;
    enum jm_map_format fmt;
    struct jm_render_options ro;
};

static bool bad(struct srv_response *res, const char *what, const char *v)
{
    srv_error(res, 400, "bad_argument", "%s, not '%s'", what, v);
    return false;
}

/* The map's own arguments (srv_args_parse has read journey, lang, period, segment, level). */
static bool map_args(struct srv_request *req, struct srv_response *res, struct map_req *m)
{
    const char *f = srv_query(req, "format"), *view = srv_query(req, "view");
    const char *state = srv_query(req, "state"), *paper = srv_query(req, "paper");
    m->mo.lang = m->a.lang;
    m->mo.from = m->a.ao.from;
    m->mo.to = m->a.ao.to;
    m->mo.persona = srv_query(req, "persona");
    m->mo.title = srv_query(req, "title");
    m->mo.segment = srv_query(req, "segment");
    if (m->mo.segment && !*m->mo.segment)
        m->mo.segment = NULL;
    if (m->mo.persona && !*m->mo.persona)
        m->mo.persona = NULL;
    m->fmt = JM_FORMAT_HTML;
    if (f && !jm_map_format_parse(f, &m->fmt))
        return bad(res, "format must be html, svg, png, pdf, json or csv", f);
    if (view && !jm_map_view_parse(view, &m->mo.view))
        return bad(res, "view must be full, marketing, sales, product or cs", view);
    if (state && !jm_map_state_parse(state, &m->mo.state))
        return bad(res, "state must be current, future or both", state);
    if (paper && strcmp(paper, "a3") != 0 && strcmp(paper, "a4") != 0)
        return bad(res, "paper must be a3 or a4", paper);
    if (m->mo.segment && m->mo.persona) {
        srv_error(res, 400, "bad_argument", "give segment or persona, not both");
        return false;
    }
    m->ro.paper = paper && strcmp(paper, "a4") == 0 ? JM_PAPER_A4 : JM_PAPER_A3;
    return true;
}

/* Everything that makes one output differ from another, as the cache's name for it. */
static void cache_name(const struct map_req *m, struct jm_strbuf *sb)
{
    jm_strbuf_addf(sb, "map|%s|%d|%d|%d|%lld|%lld|%d|", EXT[m->fmt], (int)m->mo.view,
                   (int)m->mo.lang, (int)m->mo.state, (long long)m->mo.from, (long long)m->mo.to,
                   (int)m->ro.paper);
    jm_strbuf_add_json_string(sb, m->mo.segment ? m->mo.segment : "",
                              m->mo.segment ? strlen(m->mo.segment) : 0);
    jm_strbuf_add_json_string(sb, m->mo.persona ? m->mo.persona : "",
                              m->mo.persona ? strlen(m->mo.persona) : 0);
    jm_strbuf_add_json_string(sb, m->mo.title ? m->mo.title : "",
                              m->mo.title ? strlen(m->mo.title) : 0);
}

static jm_status render(const struct srv_view *v, const struct map_req *m, struct jm_strbuf *out,
                        struct jm_error *err)
{
    struct jm_map *map = NULL;
    jm_status rc = jm_map_build(v->ds, v->journey, &m->mo, &map, err);
    if (!rc)
        rc = jm_map_render(map, m->fmt, &m->ro, out, err);
    jm_map_free(map);
    return rc;
}

static void set_headers(struct srv_response *res, const struct srv_view *v, const struct map_req *m)
{
    res->type = TYPES[m->fmt];
    if (m->fmt == JM_FORMAT_HTML)
        res->csp = MAP_CSP;
    if (m->fmt == JM_FORMAT_CSV || m->fmt == JM_FORMAT_PDF || m->fmt == JM_FORMAT_PNG) {
        char cd[200];
        /* Journey keys are [a-z0-9_-] (the definition checks them), safe in a header. */
        snprintf(cd, sizeof cd, "%s; filename=\"%s-map.%s\"",
                 m->fmt == JM_FORMAT_CSV ? "attachment" : "inline", v->journey->key, EXT[m->fmt]);
        srv_header_add(res, "Content-Disposition", cd);
    }
}

static void get_map(struct srv_request *req, struct srv_response *res)
{
    struct map_req m = {0};
    const struct srv_view *v = NULL;
    struct jm_strbuf name = JM_STRBUF_INIT;
    if (!srv_args_parse(req, res, &m.a) || !map_args(req, res, &m) ||
        !srv_args_view(req, res, &m.a, &v))
        return;
    cache_name(&m, &name);
    if (!srv_view_cached(v, name.buf, &res->body)) {
        struct jm_error err = {0};
        jm_status rc = render(v, &m, &res->body, &err);
        if (rc) {
            jm_strbuf_reset(&res->body);
            srv_fail(res, rc, &err);
        } else {
            srv_view_cache_put(v, name.buf, res->body.buf, res->body.len);
        }
    }
    if (res->status == 0 || res->status == 200)
        set_headers(res, v, &m);
    jm_strbuf_release(&name);
    srv_view_release(req, v);
}

const struct srv_route srv_routes_map[] = {
    {"GET", "/api/v1/map", JM_PERM_READ, 0, get_map},
    {NULL, NULL, 0, 0, NULL},
};
