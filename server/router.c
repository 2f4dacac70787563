/*
 * Finding a request's route. Patterns are literal text with {} for one non-empty path segment
 * (filled into req->params, in order) and a trailing "*" for any rest (the web app's assets).
 * The first route that matches wins, so tables list specific routes before wildcards. A path that
 * only a wildcard matches is not "known": a POST to an unknown path is a 404, not a 405.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "server/core.h"

/* Whether `path` matches `pat`; with `req`, fills its params. *wild tells a "*" match. */
static bool match(const char *pat, const char *path, struct srv_request *req, bool *wild)
{
    const char *seg[SRV_MAX_PARAMS];
    size_t len[SRV_MAX_PARAMS], n = 0;
    *wild = false;
    while (*pat) {
        if (pat[0] == '*' && pat[1] == '\0') {
            *wild = true;
            path += strlen(path);
            break;
        }
        if (pat[0] == '{' && pat[1] == '}') {
            size_t l = strcspn(path, "/");
            if (l == 0 || n == SRV_MAX_PARAMS)
                return false;
            seg[n] = path, len[n++] = l;
            pat += 2, path += l;
            continue;
        }
        if (*pat != *path)
            return false;
        pat++, path++;
    }
    if (*path)
        return false;
    if (req) {
        for (size_t i = 0; i < n; i++)
            req->params[i] = req->arena ? jm_arena_strndup(req->arena, seg[i], len[i]) : NULL;
        req->n_params = n;
    }
    return true;
}

/* HEAD is answered as GET (the daemon leaves the body out). */
static bool same_method(const char *route, const char *asked)
{
    return strcmp(route, asked) == 0 || (strcmp(asked, "HEAD") == 0 && strcmp(route, "GET") == 0);
}

const struct srv_route *srv_route_match(const struct srv_route *const *tables,
                                        struct srv_request *req, bool *path_known)
{
    *path_known = false;
    for (size_t t = 0; tables[t]; t++)
        for (const struct srv_route *r = tables[t]; r->method; r++) {
            bool wild;
            if (!match(r->pattern, req->path, NULL, &wild))
                continue;
            if (!same_method(r->method, req->method)) {
                *path_known = *path_known || !wild;
                continue;
            }
            match(r->pattern, req->path, req, &wild);
            return r;
        }
    return NULL;
}

jm_status srv_route_allow(const struct srv_route *const *tables, const char *path,
                          struct jm_strbuf *sb)
{
    jm_status rc = JM_OK;
    for (size_t t = 0; tables[t]; t++)
        for (const struct srv_route *r = tables[t]; r->method && !rc; r++) {
            bool wild;
            if (!match(r->pattern, path, NULL, &wild) || wild)
                continue;
            if (sb->len)
                rc = jm_strbuf_addstr(sb, ", ");
            if (!rc)
                rc = jm_strbuf_addstr(sb, r->method);
        }
    return rc;
}
