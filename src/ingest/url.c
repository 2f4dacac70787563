/*
 * The little URL reading ingest needs: a query parameter (utm_* of a landing page, when the
 * tracking library did not fill context.campaign) and a host (an account's website, an email
 * domain). Not a URL parser: it reads what browsers send and gives up quietly on the rest.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "ingest/internal.h"

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent- and plus-decodes s[0..len) into a new arena string. */
static char *decode(const char *s, size_t len, struct jm_arena *a)
{
    char *out = jm_arena_alloc(a, len + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < len && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            *o++ = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

const char *jm__url_param(const char *url, const char *name, struct jm_arena *a)
{
    if (!url)
        return NULL;
    const char *q = strchr(url, '?');
    if (!q)
        return NULL;
    size_t end = strcspn(q + 1, "#"), nlen = strlen(name);
    const char *p = q + 1, *stop = q + 1 + end;
    while (p < stop) {
        const char *amp = memchr(p, '&', (size_t)(stop - p));
        const char *pe = amp ? amp : stop;
        const char *eq = memchr(p, '=', (size_t)(pe - p));
        if (eq && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
            if (pe == eq + 1)
                return NULL;
            char *v = decode(eq + 1, (size_t)(pe - eq - 1), a);
            /* A decoded value may carry bytes a record must not: only valid UTF-8 is kept. */
            return v && v[0] && jm_utf8_valid(v, strlen(v), NULL) ? v : NULL;
        }
        p = pe + 1;
    }
    return NULL;
}

const char *jm__url_host(const char *url, struct jm_arena *a)
{
    if (!url)
        return NULL;
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *at = NULL;
    size_t span = strcspn(p, "/?#");
    for (size_t i = 0; i < span; i++)
        if (p[i] == '@')
            at = p + i;
    if (at) {
        span -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    size_t host = strcspn(p, ":/?#");
    if (host > span)
        host = span;
    if (host == 0)
        return NULL;
    char *out = jm_arena_strndup(a, p, host);
    for (char *c = out; c && *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    return out;
}
