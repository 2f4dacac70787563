/*
 * Filling a response: JSON errors and extra headers. The daemon side (http.c) sends it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "server/internal.h"

void srv_error(struct srv_response *res, int status, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    res->status = status;
    res->type = "application/json";
    res->bytes = NULL, res->n_bytes = 0;
    res->cache = false;
    jm_strbuf_reset(&res->body);
    /* A failure here leaves a partial body; the daemon answers 500 for a failed response. */
    jm_strbuf_addstr(&res->body, "{\"error\": {\"code\": ");
    jm_strbuf_add_json_string(&res->body, code, strlen(code));
    jm_strbuf_addstr(&res->body, ", \"message\": ");
    jm_strbuf_add_json_string(&res->body, msg, strlen(msg));
    jm_strbuf_addstr(&res->body, "}}\n");
}

void srv_fail(struct srv_response *res, jm_status rc, const struct jm_error *err)
{
    const char *msg = err && err->code == rc && err->msg[0] ? err->msg : jm_strerror(rc);
    switch (rc) {
    case JM_OK:
        return;
    case JM_ENOTFOUND:
        srv_error(res, 404, "not_found", "%s", msg);
        return;
    case JM_EPARSE:
    case JM_EINVAL:
        srv_error(res, 400, "bad_request", "%s", msg);
        return;
    case JM_ECONFLICT:
        srv_error(res, 409, "conflict", "%s", msg);
        return;
    case JM_ELIMIT:
        srv_error(res, 413, "too_large", "%s", msg);
        return;
    case JM_ENOTSUP:
        srv_error(res, 501, "not_supported", "%s", msg);
        return;
    case JM_ENOMEM:
    case JM_ESTORAGE:
    case JM_EIO:
        break;
    }
    srv_error(res, 500, "internal", "%s", msg);
}

void srv_header_add(struct srv_response *res, const char *name, const char *value)
{
    if (res->n_headers == SRV_MAX_HEADERS)
        return; /* a bug of ours: handlers add a couple at most */
    /* Values live NUL-separated in `own`, which may move as it grows: remember which headers
     * point into it, by offset, and point them at the new place after the append. */
    ptrdiff_t off[SRV_MAX_HEADERS];
    const char *base = res->own.buf;
    for (size_t i = 0; i < res->n_headers; i++) {
        const char *v = res->headers[i][1];
        bool inside = v >= base && v < base + res->own.len;
        off[i] = inside ? v - base : -1;
    }
    size_t at = res->own.len;
    if (jm_strbuf_add(&res->own, value, strlen(value) + 1))
        return;
    for (size_t i = 0; i < res->n_headers; i++)
        if (off[i] >= 0)
            res->headers[i][1] = res->own.buf + off[i];
    res->headers[res->n_headers][0] = name;
    res->headers[res->n_headers][1] = res->own.buf + at;
    res->n_headers++;
}
