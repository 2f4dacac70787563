/*
 * `journeymap serve`: an HTTP server over the library (DESIGN.md §3: a thin shell). libmicrohttpd
 * runs a thread pool; http.c (the only includer of microhttpd.h) turns each request into a
 * struct srv_request, finds its route, checks the caller's permission, calls the handler with a
 * struct srv_response to fill, and sends it with the security headers and an access-log line.
 *
 *   http.c       daemon, request bodies within their route's limit (413 names it), timeouts,
 *                graceful stop, security headers, access log (log.c)
 *   router.c     the route table: every api_*.c and app.c export their routes; patterns with
 *                {} segments ("/api/v1/accounts/{}/timeline") fill req->params
 *   auth.c       who is calling: Basic (Segment write keys, /v1/ only), Bearer keys, session
 *                cookies (session.c) with their CSRF token on every unsafe method
 *   ingest.c     /v1/identify|group|track|page|batch over the ingest writer (ingest.h)
 *   engine.c     the analysed workspace, cached: dataset + journey version + timelines, rebuilt
 *                when the data or the definition changed (srv_view)
 *   api_*.c      the REST API (docs/api.md); app.c the embedded web app (web/) and sign-in
 *
 * Handlers never touch MHD: they read the request through srv_query/srv_header and write the
 * response's status, type and body. Errors are JSON: {"error": {"code", "message"}}.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_SERVER_INTERNAL_H
#define JM_SERVER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journeymap/access.h"
#include "journeymap/base.h"
#include "journeymap/journeymap.h"
#include "journeymap/workspace.h"

struct srv;
struct jm_ingest_writer;

/* ---------------------------------------------------------------- configuration */

struct srv_config {
    const char *db_path;
    const char *host;       /* "127.0.0.1" */
    uint16_t port;          /* 8080; 0 picks a free port (tests read it from srv_port()) */
    unsigned threads;       /* worker threads (0: 16) */
    const char *template;   /* journey seeded as version 1 when none is stored: a template... */
    const char *journey;    /* ...or a definition file; neither: b2b-5 */
    const char *access_log; /* file for the access log ("-" or NULL: stderr) */
    unsigned timeout_s;     /* idle connection timeout (0: 30) */
    bool signin_link;       /* print a one-time sign-in URL for the browser at start */
    bool quiet;             /* no start-up banner */
};

/* Starts serving (returns once listening) / stops: finishes the requests in flight, drains the
 * ingest writer, closes everything. */
jm_status srv_start(const struct srv_config *cfg, struct srv **out, struct jm_error *err);
void srv_stop(struct srv *s);
uint16_t srv_port(const struct srv *s);
/* A one-time link that signs a browser in as admin (single use, valid an hour) into url. */
jm_status srv_signin_link(struct srv *s, char *url, size_t cap, struct jm_error *err);

/* ---------------------------------------------------------------- requests */

#define SRV_MAX_PARAMS 4

struct srv_caller {
    bool known; /* authenticated */
    enum jm_role role;
    char key_id[JM_KEY_ID_LEN + 1];
    char name[64]; /* the key's name: the author of saved versions */
    bool session;  /* came with the session cookie (CSRF checked) */
};

struct srv_request {
    struct srv *srv;
    const char *method;                 /* "GET", "POST", ... */
    const char *path;                   /* decoded, without the query */
    const char *params[SRV_MAX_PARAMS]; /* the {} segments of the route, decoded */
    size_t n_params;
    const char *body; /* NUL-terminated; "" when none */
    size_t body_len;
    int64_t received; /* UTC microseconds */
    struct srv_caller caller;
    struct jm_arena *arena; /* per-request memory (params...), released after the answer */
    void *conn;             /* http.c's connection: for srv_query / srv_header */
};

/* The query argument `name` (decoded), or NULL. */
const char *srv_query(const struct srv_request *r, const char *name);
/* The request header `name` (case-insensitive), or NULL. */
const char *srv_header(const struct srv_request *r, const char *name);

/* ---------------------------------------------------------------- responses */

#define SRV_MAX_HEADERS 4

struct srv_response {
    int status;       /* 200 unless set */
    const char *type; /* Content-Type; "application/json" unless set */
    struct jm_strbuf body;
    const char *headers[SRV_MAX_HEADERS][2]; /* extra headers: name, value (static or in `own`) */
    size_t n_headers;
    struct jm_strbuf own;       /* storage for header values built per response */
    const unsigned char *bytes; /* a static body (embedded asset) instead of `body` */
    size_t n_bytes;
    bool cache;      /* may be cached (static assets); API answers are no-store */
    const char *csp; /* a Content-Security-Policy other than the app's (the map
                                         document in its frame) */
};

/* Sets an error answer: status and {"error": {"code": code, "message": ...}}. */
void srv_error(struct srv_response *res, int status, const char *code, const char *fmt, ...)
    JM_PRINTF(4, 5);
/* The error for a library status (JM_ENOTFOUND 404, JM_EPARSE/JM_EINVAL 400, JM_ECONFLICT 409,
 * JM_ELIMIT 413, JM_ENOMEM/JM_ESTORAGE/JM_EIO 500) with err's message. */
void srv_fail(struct srv_response *res, jm_status rc, const struct jm_error *err);
/* Adds a header (value copied). */
void srv_header_add(struct srv_response *res, const char *name, const char *value);

/* ---------------------------------------------------------------- routes */

/* Who may call a route: nobody signed in, or a permission (access.h). */
enum srv_access { SRV_PUBLIC = -1 };

typedef void (*srv_handler)(struct srv_request *req, struct srv_response *res);

struct srv_route {
    const char *method;
    const char *pattern; /* "/api/v1/accounts/{}"; a trailing "*" matches any rest (assets) */
    int access;          /* SRV_PUBLIC or an enum jm_permission */
    size_t body_max;     /* bytes accepted (0: no body); more is 413 naming the limit */
    srv_handler fn;
};

/* Each file's routes, ended by a route with a NULL method. */
extern const struct srv_route srv_routes_ingest[];   /* ingest.c */
extern const struct srv_route srv_routes_session[];  /* auth.c */
extern const struct srv_route srv_routes_app[];      /* app.c */
extern const struct srv_route srv_routes_data[];     /* api_data.c */
extern const struct srv_route srv_routes_journeys[]; /* api_journeys.c */
extern const struct srv_route srv_routes_analysis[]; /* api_analysis.c */
extern const struct srv_route srv_routes_map[];      /* api_map.c */
extern const struct srv_route srv_routes_insights[]; /* api_insights.c */
extern const struct srv_route srv_routes_admin[];    /* api_admin.c: keys, failed events */

/* The route for method and path, filling req->params; NULL with *path_known false (404) or
 * true (405). */
const struct srv_route *srv_route_find(struct srv_request *req, bool *path_known);

/* ---------------------------------------------------------------- shared state */

/* A workspace connection for this request's thread, opened on first use and kept. */
jm_status srv_storage(struct srv_request *req, struct jm_storage **st, struct jm_error *err);
/* The ingest writer (group commit; ingest.h). */
struct jm_ingest_writer *srv_writer(struct srv *s);
/* The journey served when a request names none (the --template/--journey key). */
const char *srv_default_journey(const struct srv *s);
const struct srv_config *srv_config_of(const struct srv *s);

/*
 * The analysed workspace for journey `key` at `version` (0: latest; as_of != INT64_MAX: the
 * version in force then), built on first use and shared until the data or the definition
 * changes. Hold it for the request; release it after. engine.c.
 */
struct srv_view {
    const struct jm_journey *journey;
    const struct jm_dataset *ds;
    const struct jm_timelines *tl;
    int version;
    uint64_t data_version;
};
struct srv_engine;
jm_status srv_engine_open(struct srv *s, struct srv_engine **out, struct jm_error *err);
/* Waits for the builds under way (a load cannot be interrupted), then frees everything. */
void srv_engine_close(struct srv_engine *e);
/* Starts building journey `key`'s latest version in the background, so the first request
 * finds it ready (best effort: a failure is met again by that request). */
void srv_engine_warm(struct srv_engine *e, const char *key);
jm_status srv_view_acquire(struct srv_request *req, const char *key, int version, int64_t as_of,
                           const struct srv_view **out, struct jm_error *err);
void srv_view_release(struct srv_request *req, const struct srv_view *v);
struct srv_engine *srv_engine_of(struct srv *s);

#endif /* JM_SERVER_INTERNAL_H */
