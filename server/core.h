/*
 * What the server's core files share (http.c, server.c, auth.c, session.c, log.c): the server
 * object itself, sessions and one-time sign-in tokens, the key cache, the access log. The API
 * handlers (api_*.c) see only internal.h.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_SERVER_CORE_H
#define JM_SERVER_CORE_H

#include <pthread.h>
#include <stdio.h>

#include "journeymap/base.h"
#include "server/internal.h"

struct srv_http;
struct srv_sessions;
struct srv_keycache;
struct srv_log;

struct srv {
    struct srv_config cfg; /* its strings point into `strings` */
    struct jm_strbuf strings;
    char default_journey[128];
    uint16_t port;
    struct jm_ingest_writer *writer;
    struct srv_engine *engine;
    struct srv_http *http;
    struct srv_sessions *sessions;
    struct srv_keycache *keys;
    struct srv_log *log;
    /* One workspace connection per worker thread, all closed by srv_stop once the workers are
     * gone: SQLite connections must not be shared between threads that run at once. */
    pthread_key_t conn_key;
    bool conn_key_made;
    pthread_mutex_t conns_lock;
    struct jm_storage **conns;
    size_t n_conns, cap_conns;
};

/* The clock, UTC microseconds. */
int64_t srv_now(void);

/* ---------------------------------------------------------------- http.c */

/* Starts the daemon on cfg's host and port; *port is the one bound. */
jm_status srv_http_start(struct srv *s, struct srv_http **out, uint16_t *port,
                         struct jm_error *err);
/* Stops accepting, waits (at most `grace_ms`) for the requests in flight, then stops. */
void srv_http_stop(struct srv_http *h, unsigned grace_ms);

/* ---------------------------------------------------------------- auth.c */

struct srv_keycache *srv_keycache_new(void);
void srv_keycache_free(struct srv_keycache *kc);
/* Drops key `id` from the cache so a revocation takes effect at once on this server. */
void srv_keycache_forget(struct srv_keycache *kc, const char *id);
/*
 * Authenticates `req` from its headers (Bearer, Basic on /v1/, session cookie with its CSRF
 * token) into req->caller and checks it against route->access. Returns true to go on, or false
 * with `res` holding the 401/403 answer.
 */
bool srv_auth_check(struct srv_request *req, const struct srv_route *route,
                    struct srv_response *res);
/* Verifies a presented key into *who. JM_EPARSE (malformed), JM_ENOTFOUND (unknown or revoked:
 * one message, so a caller cannot tell which), or the storage error. */
jm_status srv_auth_key(struct srv_request *req, const char *key, size_t len, struct srv_caller *who,
                       struct jm_error *err);

/* Starts a browser session for `who`: sets the cookie and the body {"role", "name", "csrf"};
 * false with the error answer set. */
bool srv_session_begin(struct srv_request *req, struct srv_response *res,
                       const struct srv_caller *who);

/* ---------------------------------------------------------------- session.c */

#define SRV_SESSION_ID_LEN  32
#define SRV_SESSION_IDLE_US (12 * 3600 * JM_US_PER_SEC)
#define SRV_SIGNIN_TTL_US   (3600 * JM_US_PER_SEC)
#define SRV_SESSIONS_MAX    4096

struct srv_session {
    char id[SRV_SESSION_ID_LEN + 1];
    char csrf[SRV_SESSION_ID_LEN + 1];
    struct srv_caller who;
    int64_t last_seen;
};

struct srv_sessions *srv_sessions_new(void);
void srv_sessions_free(struct srv_sessions *ss);
/* A new session for `who` into *out (ids from jm_random_token). At SRV_SESSIONS_MAX the least
 * recently seen session makes room. JM_EIO when the random source fails. */
jm_status srv_session_create(struct srv_sessions *ss, const struct srv_caller *who, int64_t now,
                             struct srv_session *out, struct jm_error *err);
/* The live session `id` into *out, marked seen at `now`; false when none or idle too long. */
bool srv_session_get(struct srv_sessions *ss, const char *id, int64_t now, struct srv_session *out);
void srv_session_drop(struct srv_sessions *ss, const char *id);
/* A one-time sign-in token (SRV_SESSION_ID_LEN characters), valid SRV_SIGNIN_TTL_US. */
jm_status srv_signin_create(struct srv_sessions *ss, int64_t now,
                            char token[SRV_SESSION_ID_LEN + 1], struct jm_error *err);
/* Uses up `token`: true once, when it exists and has not expired. */
bool srv_signin_take(struct srv_sessions *ss, const char *token, int64_t now);

/*
 * The CSRF rule for a request made with the session cookie: safe methods pass; unsafe ones need
 * `sent` (X-CSRF-Token) equal to `want` and, when `origin` is given, the origin
 * http(s)://`host`. NULL when it passes, else the reason (static text).
 */
const char *srv_csrf_check(const char *method, const char *sent, const char *want,
                           const char *origin, const char *host);
/* The value of cookie `name` in a Cookie header into out (cap bytes); false when absent. */
bool srv_cookie_get(const char *header, const char *name, char *out, size_t cap);

/* ---------------------------------------------------------------- log.c */

struct srv_log_entry {
    int64_t time;
    const char *method, *path, *key_id, *remote, *request_id;
    int status;
    size_t bytes;
    double duration_ms;
};

/* Opens the access log: `path` appended to, or stderr for NULL or "-". */
jm_status srv_log_open(const char *path, struct srv_log **out, struct jm_error *err);
void srv_log_close(struct srv_log *log);
/* One JSON object per line; lines of concurrent requests never interleave. */
void srv_log_request(struct srv_log *log, const struct srv_log_entry *e);
/* Appends the entry's JSON line (newline included) to `sb`. */
jm_status srv_log_format(struct jm_strbuf *sb, const struct srv_log_entry *e);

/* ---------------------------------------------------------------- router.c */

/* The route for `req` among the NULL-terminated list of tables (see srv_route_find). */
const struct srv_route *srv_route_match(const struct srv_route *const *tables,
                                        struct srv_request *req, bool *path_known);
/* The methods `req->path` answers to, comma separated, into `sb` (for 405's Allow). */
jm_status srv_route_allow(const struct srv_route *const *tables, const char *path,
                          struct jm_strbuf *sb);
/* Every table of the server, NULL-terminated (routes.c). */
extern const struct srv_route *const srv_tables[];

#endif /* JM_SERVER_CORE_H */
