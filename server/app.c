/*
 * The web app: the files of web/ compiled into the binary (assets.h), the one-time sign-in link
 * and the health check. Assets carry an ETag of their content, so a reload costs a 304.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "server/assets.h"
#include "server/core.h"

static const char *content_type(const char *name)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".json", "application/json"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i][0]) == 0)
            return types[i][1];
    return "application/octet-stream";
}

/* FNV-1a: an ETag only needs to change when the content does. */
static uint64_t content_hash(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

static const struct jm__embedded_file *asset(const char *path)
{
    const char *name = strcmp(path, "/") == 0 ? "index.html" : path + 1;
    for (size_t i = 0; i < jm__web_assets_count; i++)
        if (strcmp(jm__web_assets[i].name, name) == 0)
            return &jm__web_assets[i];
    return NULL;
}

static void serve_asset(struct srv_request *req, struct srv_response *res)
{
    const struct jm__embedded_file *f = asset(req->path);
    if (!f) {
        srv_error(res, 404, "not_found", "no such page or endpoint: '%s'", req->path);
        return;
    }
    char etag[24];
    snprintf(etag, sizeof etag, "\"%016llx\"", (unsigned long long)content_hash(f->data, f->len));
    srv_header_add(res, "ETag", etag);
    res->cache = true;
    const char *inm = srv_header(req, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
        res->status = 304;
        return;
    }
    res->type = content_type(strcmp(req->path, "/") == 0 ? "index.html" : f->name);
    res->bytes = f->data;
    res->n_bytes = f->len;
}

static void signin(struct srv_request *req, struct srv_response *res)
{
    const char *token = srv_query(req, "token");
    if (!token || !srv_signin_take(req->srv->sessions, token, srv_now())) {
        srv_error(res, 403, "forbidden",
                  "this sign-in link is unknown, used or expired: links work once, for an "
                  "hour; restart 'journeymap serve --signin-link' for a new one or sign in "
                  "with a key");
        return;
    }
    struct srv_caller who = {.known = true, .role = JM_ROLE_ADMIN};
    snprintf(who.name, sizeof who.name, "sign-in link");
    if (!srv_session_begin(req, res, &who))
        return;
    res->status = 303;
    srv_header_add(res, "Location", "/");
}

static void healthz(struct srv_request *req, struct srv_response *res)
{
    (void)req;
    jm_strbuf_addf(&res->body, "{\"ok\": true, \"version\": \"%s\"}\n", jm_version());
}

const struct srv_route srv_routes_app[] = {
    {"GET", "/healthz", SRV_PUBLIC, 0, healthz},
    {"GET", "/signin", SRV_PUBLIC, 0, signin},
    {"GET", "/*", SRV_PUBLIC, 0, serve_asset},
    {NULL, NULL, 0, 0, NULL},
};
