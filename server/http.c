/*
 * The daemon: libmicrohttpd (the only file that includes it) with a thread pool. Each request
 * becomes a struct srv_request in a per-request context; the route, the caller and the body's
 * announced size are checked as soon as the headers are in, so an unauthorised or oversized
 * request is answered before its body is read. The body is collected within the route's limit
 * (a chunked body is counted as it arrives), the handler fills a struct srv_response, and it is
 * sent with the security headers; the access log line is written when the answer is done.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server/core.h"

/* A chunked body over its limit is read and thrown away up to this much more, so the client
 * gets its 413; past it the connection is closed. */
#define DISCARD_MAX (1024u * 1024u)

static const char csp_app[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                              "img-src 'self' data:; connect-src 'self'; frame-src 'self'; "
                              "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

struct srv_http {
    struct srv *srv;
    struct MHD_Daemon *d;
    atomic_uint inflight;
    atomic_uint_fast64_t seq;
};

struct ctx {
    struct srv_http *h;
    struct srv_request req;
    struct srv_response res;
    struct jm_arena arena;
    struct jm_strbuf body;
    const struct srv_route *route;
    size_t received;
    bool too_big, answered, oom;
    int64_t started_ns;
    char request_id[24];
    size_t bytes_sent;
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const char *srv_query(const struct srv_request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *srv_header(const struct srv_request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static struct ctx *ctx_new(struct srv_http *h, struct MHD_Connection *c, const char *url,
                           const char *method)
{
    struct ctx *x = jm_calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->h = h;
    jm_arena_init(&x->arena);
    jm_strbuf_init(&x->body, 0);
    jm_strbuf_init(&x->res.body, 0);
    jm_strbuf_init(&x->res.own, 64 * 1024);
    x->res.status = 200;
    x->req.srv = h->srv;
    x->req.arena = &x->arena;
    x->req.conn = c;
    x->req.method = jm_arena_strdup(&x->arena, method);
    x->req.path = jm_arena_strdup(&x->arena, url);
    x->req.body = "";
    x->req.received = srv_now();
    x->started_ns = mono_ns();
    uint64_t n = atomic_fetch_add(&h->seq, 1);
    snprintf(x->request_id, sizeof x->request_id, "%08x%08x",
             (unsigned)(x->req.received / JM_US_PER_SEC), (unsigned)n);
    atomic_fetch_add(&h->inflight, 1);
    if (!x->req.method || !x->req.path)
        x->oom = true;
    return x;
}

static void ctx_free(struct ctx *x)
{
    jm_strbuf_release(&x->body);
    jm_strbuf_release(&x->res.body);
    jm_strbuf_release(&x->res.own);
    jm_arena_release(&x->arena);
    jm_free(x);
}

static void add_security_headers(struct MHD_Response *r, const struct srv_response *res)
{
    MHD_add_response_header(r, "Content-Security-Policy", res->csp ? res->csp : csp_app);
    MHD_add_response_header(r, "X-Frame-Options", res->csp ? "SAMEORIGIN" : "DENY");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(r, "Permissions-Policy",
                            "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    MHD_add_response_header(r, "Cache-Control", res->cache ? "no-cache" : "no-store");
}

static enum MHD_Result send_answer(struct ctx *x)
{
    struct srv_response *res = &x->res;
    if (x->oom)
        srv_error(res, 500, "internal", "out of memory");
    const void *data = res->bytes ? (const void *)res->bytes : res->body.buf;
    size_t len = res->bytes ? res->n_bytes : res->body.len;
    if (res->status == 304 || res->status == 204)
        len = 0;
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)data, res->bytes ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    if (len || res->status != 304)
        MHD_add_response_header(r, "Content-Type", res->type ? res->type : "application/json");
    add_security_headers(r, res);
    MHD_add_response_header(r, "X-Request-Id", x->request_id);
    for (size_t i = 0; i < res->n_headers; i++)
        MHD_add_response_header(r, res->headers[i][0], res->headers[i][1]);
    x->answered = true;
    x->bytes_sent = len;
    enum MHD_Result ok = MHD_queue_response(x->req.conn, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return ok;
}

static void too_large(struct ctx *x, uint64_t size)
{
    if (x->route->body_max == 0)
        srv_error(&x->res, 413, "too_large", "%s %s takes no request body", x->req.method,
                  x->req.path);
    else
        srv_error(&x->res, 413, "too_large",
                  "the request body is %llu bytes; the limit for %s is %zu bytes",
                  (unsigned long long)size, x->req.path, x->route->body_max);
}

/* 404 or 405 (with Allow) for a request no route takes. */
static void no_route(struct ctx *x, bool path_known)
{
    if (!path_known) {
        srv_error(&x->res, 404, "not_found", "no such page or endpoint: '%s'", x->req.path);
        return;
    }
    struct jm_strbuf allow;
    jm_strbuf_init(&allow, 256);
    srv_route_allow(srv_tables, x->req.path, &allow);
    srv_error(&x->res, 405, "method_not_allowed", "%s does not take %s; it takes %s", x->req.path,
              x->req.method, allow.buf);
    srv_header_add(&x->res, "Allow", allow.buf);
    jm_strbuf_release(&allow);
}

/* The first call, headers in: route, caller, announced size. Answers at once when refused. */
static enum MHD_Result begin(struct ctx *x)
{
    if (x->oom)
        return send_answer(x);
    bool known;
    x->route = srv_route_find(&x->req, &known);
    if (!x->route) {
        no_route(x, known);
        return send_answer(x);
    }
    if (!srv_auth_check(&x->req, x->route, &x->res))
        return send_answer(x);
    const char *cl = srv_header(&x->req, "Content-Length");
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno || end == cl || n > x->route->body_max) {
            too_large(x, n);
            return send_answer(x);
        }
    }
    jm_strbuf_init(&x->body, x->route->body_max + 1);
    return MHD_YES;
}

static enum MHD_Result take(struct ctx *x, const char *data, size_t n)
{
    x->received += n;
    if (x->too_big || x->received > x->route->body_max) {
        x->too_big = true;
        return x->received > x->route->body_max + DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    if (jm_strbuf_add(&x->body, data, n))
        x->oom = true;
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    struct ctx *x = *con_cls;
    if (!x) {
        x = ctx_new(cls, c, url, method);
        if (!x)
            return MHD_NO;
        *con_cls = x;
        return begin(x);
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        return x->answered ? MHD_YES : take(x, upload, n);
    }
    if (x->answered)
        return MHD_YES;
    if (x->too_big) {
        too_large(x, x->received);
        return send_answer(x);
    }
    if (!x->oom) {
        x->req.body = x->body.buf;
        x->req.body_len = x->body.len;
        x->route->fn(&x->req, &x->res);
        /* Handlers append without checking each step; a sticky failure means a cut body. */
        if (x->arena.failed || x->res.body.failed)
            x->oom = true;
    }
    return send_answer(x);
}

static void remote_of(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, cap, "-");
    if (ci && ci->client_addr) {
        socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                               : sizeof(struct sockaddr_in);
        getnameinfo(ci->client_addr, len, out, (socklen_t)cap, NULL, 0, NI_NUMERICHOST);
    }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct srv_http *h = cls;
    struct ctx *x = *con_cls;
    if (!x)
        return;
    char remote[64];
    remote_of(c, remote, sizeof remote);
    struct srv_log_entry e = {
        .time = x->req.received,
        .method = x->req.method,
        .path = x->req.path,
        .key_id = x->req.caller.key_id,
        .remote = remote,
        .request_id = x->request_id,
        .status = x->answered ? x->res.status : 0, /* 0: the client went away unanswered */
        .bytes = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? x->bytes_sent : 0,
        .duration_ms = (double)(mono_ns() - x->started_ns) / 1e6,
    };
    srv_log_request(h->srv->log, &e);
    ctx_free(x);
    *con_cls = NULL;
    atomic_fetch_sub(&h->inflight, 1);
}

/* The address to listen on, resolved without DNS when numeric ("127.0.0.1", "::1"). */
static jm_status resolve(const char *host, uint16_t port, struct addrinfo **ai,
                         struct jm_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    int e = getaddrinfo(host, service, &hints, ai);
    if (e)
        return jm_error_set(err, JM_EINVAL, "cannot listen on '%s': %s", host, gai_strerror(e));
    return JM_OK;
}

jm_status srv_http_start(struct srv *s, struct srv_http **out, uint16_t *port, struct jm_error *err)
{
    struct addrinfo *ai;
    jm_status rc = resolve(s->cfg.host, s->cfg.port, &ai, err);
    if (rc)
        return rc;
    struct srv_http *h = jm_calloc(1, sizeof *h);
    if (!h) {
        freeaddrinfo(ai);
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    h->srv = s;
    /* ITC lets MHD_quiesce_daemon wake the pool's threads for a graceful stop. */
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    errno = 0;
    h->d = MHD_start_daemon(
        flags, s->cfg.port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(s->cfg.threads ? s->cfg.threads : 16),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(s->cfg.timeout_s ? s->cfg.timeout_s : 30),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)1000, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h, MHD_OPTION_END);
    int e = errno;
    freeaddrinfo(ai);
    if (!h->d) {
        jm_free(h);
        return jm_error_set(err, JM_EIO, "cannot listen on %s:%u: %s", s->cfg.host,
                            (unsigned)s->cfg.port,
                            e ? strerror(e) : "the address is in use or not ours");
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    *port = di ? di->port : s->cfg.port;
    *out = h;
    return JM_OK;
}

void srv_http_stop(struct srv_http *h, unsigned grace_ms)
{
    if (!h)
        return;
    MHD_socket fd = MHD_quiesce_daemon(h->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    /* Requests in flight finish and are answered; idle keep-alive connections are closed. */
    for (unsigned waited = 0; atomic_load(&h->inflight) && waited < grace_ms; waited += 10)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    MHD_stop_daemon(h->d);
    jm_free(h);
}
