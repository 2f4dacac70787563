/*
 * Who is calling. A request presents an API key (Authorization: Bearer, or on /v1/ Segment's
 * Basic form with the write key as user name) or the session cookie of a browser signed in
 * earlier. Verified keys are cached for CACHE_TTL_US so ingest does not read the workspace on
 * every request; the cache is also how a revocation reaches running sessions, so a revoked key
 * stops working within that time. The session routes (/api/v1/session) are here too.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "base/ytree.h"
#include "server/core.h"

#define CACHE_TTL_US   (5 * JM_US_PER_SEC)
#define TOUCH_EVERY_US (60 * JM_US_PER_SEC)
#define CACHE_MAX      256

struct cached {
    struct jm_key_row row; /* row.name NULL; see name */
    char name[64];
    bool found;
    int64_t checked, touched;
};

struct srv_keycache {
    pthread_mutex_t lock;
    struct cached items[CACHE_MAX];
    size_t n;
};

struct srv_keycache *srv_keycache_new(void)
{
    struct srv_keycache *kc = jm_calloc(1, sizeof *kc);
    if (kc)
        pthread_mutex_init(&kc->lock, NULL);
    return kc;
}

void srv_keycache_free(struct srv_keycache *kc)
{
    if (!kc)
        return;
    pthread_mutex_destroy(&kc->lock);
    jm_free(kc);
}

void srv_keycache_forget(struct srv_keycache *kc, const char *id)
{
    pthread_mutex_lock(&kc->lock);
    for (size_t i = 0; i < kc->n; i++)
        if (strcmp(kc->items[i].row.id, id) == 0) {
            kc->items[i] = kc->items[--kc->n];
            break;
        }
    pthread_mutex_unlock(&kc->lock);
}

struct name_ctx {
    const char *id;
    char *name;
    size_t cap;
};

static jm_status copy_name(const struct jm_key_row *k, void *ctx)
{
    struct name_ctx *nc = ctx;
    if (strcmp(k->id, nc->id) == 0)
        snprintf(nc->name, nc->cap, "%s", k->name ? k->name : "");
    return JM_OK;
}

/* Reads key `id` from the workspace into *c. */
static jm_status load(struct srv_request *req, const char *id, struct cached *c,
                      struct jm_error *err)
{
    struct jm_storage *st;
    jm_status rc = srv_storage(req, &st, err);
    if (!rc)
        rc = jm_keys_find(st, id, &c->row, &c->found, err);
    /* jm_keys_find does not keep the name, which is the author of versions saved by the key */
    struct name_ctx nc = {id, c->name, sizeof c->name};
    c->name[0] = '\0';
    if (!rc && c->found)
        rc = jm_keys_list(st, copy_name, &nc, err);
    snprintf(c->row.id, sizeof c->row.id, "%s", id);
    c->row.name = NULL;
    return rc;
}

/* Key `id` as the workspace had it at most CACHE_TTL_US ago. */
static jm_status lookup(struct srv_request *req, const char *id, struct cached *out,
                        struct jm_error *err)
{
    struct srv_keycache *kc = req->srv->keys;
    int64_t now = srv_now();
    size_t at = CACHE_MAX;
    pthread_mutex_lock(&kc->lock);
    for (size_t i = 0; i < kc->n && at == CACHE_MAX; i++)
        if (strcmp(kc->items[i].row.id, id) == 0)
            at = i;
    bool fresh = at < CACHE_MAX && now - kc->items[at].checked < CACHE_TTL_US;
    if (fresh)
        *out = kc->items[at];
    pthread_mutex_unlock(&kc->lock);
    if (fresh)
        return JM_OK;
    struct cached c = {0};
    jm_status rc = load(req, id, &c, err);
    if (rc)
        return rc;
    c.checked = now;
    pthread_mutex_lock(&kc->lock);
    for (size_t i = 0; i < kc->n; i++)
        if (strcmp(kc->items[i].row.id, id) == 0)
            at = i, c.touched = kc->items[i].touched;
    if (at == CACHE_MAX && kc->n < CACHE_MAX) {
        at = kc->n++;
    } else if (at == CACHE_MAX) { /* full: replace the entry checked longest ago */
        at = 0;
        for (size_t i = 1; i < kc->n; i++)
            if (kc->items[i].checked < kc->items[at].checked)
                at = i;
    }
    kc->items[at] = c;
    pthread_mutex_unlock(&kc->lock);
    *out = c;
    return JM_OK;
}

/* Records the key's use, at most once a minute per key (best effort). */
static void touch(struct srv_request *req, const char *id)
{
    struct srv_keycache *kc = req->srv->keys;
    int64_t now = srv_now();
    bool due = false;
    pthread_mutex_lock(&kc->lock);
    for (size_t i = 0; i < kc->n; i++)
        if (strcmp(kc->items[i].row.id, id) == 0 && now - kc->items[i].touched >= TOUCH_EVERY_US) {
            kc->items[i].touched = now;
            due = true;
        }
    pthread_mutex_unlock(&kc->lock);
    struct jm_storage *st;
    if (due && srv_storage(req, &st, NULL) == JM_OK)
        jm_keys_touch(st, id, now, NULL);
}

jm_status srv_auth_key(struct srv_request *req, const char *key, size_t len, struct srv_caller *who,
                       struct jm_error *err)
{
    char id[JM_KEY_ID_LEN + 1];
    jm_status rc = jm_key_parse(key, len, id, err);
    if (rc)
        return rc;
    struct cached c;
    rc = lookup(req, id, &c, err);
    if (rc)
        return rc;
    if (!c.found || !jm_key_matches(&c.row, key, len))
        return jm_error_set(err, JM_ENOTFOUND, "the key is unknown or revoked");
    memset(who, 0, sizeof *who);
    who->known = true;
    who->role = c.row.role;
    snprintf(who->key_id, sizeof who->key_id, "%s", id);
    snprintf(who->name, sizeof who->name, "%s", c.name);
    touch(req, id);
    return JM_OK;
}

/* Decodes base64 `in` into out (cap bytes, NUL-terminated); false when malformed or too long. */
static bool base64_decode(const char *in, char *out, size_t cap)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t acc = 0;
    size_t bits = 0, n = 0;
    for (; *in && *in != '='; in++) {
        const char *p = strchr(abc, *in);
        if (!p || !*in)
            return false;
        acc = (acc << 6) | (uint32_t)(p - abc);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n + 1 >= cap)
                return false;
            out[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[n] = '\0';
    return true;
}

/*
 * The key presented in the Authorization header into key (cap bytes). Returns false with
 * *problem set when the header is there but unusable, false with *problem NULL when absent.
 */
static bool presented_key(const struct srv_request *req, char *key, size_t cap,
                          const char **problem)
{
    const char *a = srv_header(req, "Authorization");
    *problem = NULL;
    if (!a)
        return false;
    if (strncasecmp(a, "Bearer ", 7) == 0) {
        a += 7 + strspn(a + 7, " ");
        if (strlen(a) >= cap)
            return *problem = "not a journeymap key", false;
        snprintf(key, cap, "%s", a);
        return true;
    }
    if (strncasecmp(a, "Basic ", 6) != 0)
        return *problem = "the Authorization header must read 'Bearer KEY'", false;
    if (strncmp(req->path, "/v1/", 4) != 0)
        return *problem = "Basic authentication is accepted on /v1/ only (Segment's form); "
                          "send 'Authorization: Bearer KEY'",
               false;
    if (!base64_decode(a + 6 + strspn(a + 6, " "), key, cap))
        return *problem = "the Basic credentials are not valid base64", false;
    key[strcspn(key, ":")] = '\0'; /* the write key is the user name; no password */
    return true;
}

/* The caller of the session cookie, if any and if its key still stands. Sets *csrf_problem for
 * an unsafe request without the right token. */
static bool session_caller(struct srv_request *req, const struct srv_route *route,
                           const char **csrf_problem)
{
    char id[SRV_SESSION_ID_LEN + 8];
    const char *cookie = srv_header(req, "Cookie");
    struct srv_session s;
    if (!cookie || !srv_cookie_get(cookie, "jm_session", id, sizeof id) ||
        !srv_session_get(req->srv->sessions, id, srv_now(), &s))
        return false;
    if (s.who.key_id[0]) { /* signed in by key: it must not have been revoked since */
        struct cached c;
        if (lookup(req, s.who.key_id, &c, NULL) || !c.found || c.row.revoked) {
            srv_session_drop(req->srv->sessions, id);
            return false;
        }
    }
    if (route->access != SRV_PUBLIC)
        *csrf_problem = srv_csrf_check(req->method, srv_header(req, "X-CSRF-Token"), s.csrf,
                                       srv_header(req, "Origin"), srv_header(req, "Host"));
    req->caller = s.who;
    return true;
}

static const char *perm_name(int p)
{
    switch (p) {
    case JM_PERM_READ:
        return "read";
    case JM_PERM_EDIT:
        return "edit";
    case JM_PERM_INGEST:
        return "ingest";
    default:
        return "admin";
    }
}

static bool refuse(struct srv_request *req, struct srv_response *res, const char *problem)
{
    bool v1 = strncmp(req->path, "/v1/", 4) == 0;
    srv_error(res, 401, "unauthorized", "%s",
              problem ? problem
              : v1    ? "this needs a write key: send it as the Basic-auth user name "
                        "or as 'Authorization: Bearer KEY'"
                      : "this needs an API key ('Authorization: Bearer KEY') or a signed-in "
                        "session");
    srv_header_add(res, "WWW-Authenticate",
                   v1 ? "Basic realm=\"journeymap\"" : "Bearer realm=\"journeymap\"");
    return false;
}

bool srv_auth_check(struct srv_request *req, const struct srv_route *route,
                    struct srv_response *res)
{
    char key[128];
    const char *problem = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    if (presented_key(req, key, sizeof key, &problem)) {
        jm_status rc = srv_auth_key(req, key, strlen(key), &req->caller, &err);
        if (rc == JM_ESTORAGE || rc == JM_EIO || rc == JM_ENOMEM) {
            srv_error(res, 503, "unavailable", "cannot check the key now: %s", err.msg);
            return false;
        }
        if (rc)
            problem = err.msg[0] ? err.msg : "not a journeymap key";
    } else if (!problem && session_caller(req, route, &problem) && problem) {
        srv_error(res, 403, "csrf", "%s", problem);
        return false;
    }
    if (route->access == SRV_PUBLIC)
        return true;
    if (!req->caller.known)
        return refuse(req, res, problem);
    if (!jm_role_allows(req->caller.role, (enum jm_permission)route->access)) {
        srv_error(res, 403, "forbidden",
                  "the %s role does not have the '%s' permission that %s %s needs",
                  jm_role_key(req->caller.role), perm_name(route->access), req->method, req->path);
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- /api/v1/session */

static void session_json(struct srv_response *res, const struct srv_caller *who, const char *csrf)
{
    struct jm_strbuf *b = &res->body;
    const char *role = jm_role_key(who->role);
    jm_strbuf_reset(b);
    jm_strbuf_addstr(b, "{\"role\": ");
    jm_strbuf_add_json_string(b, role, strlen(role));
    jm_strbuf_addstr(b, ", \"name\": ");
    jm_strbuf_add_json_string(b, who->name, strlen(who->name));
    jm_strbuf_addstr(b, ", \"csrf\": ");
    if (csrf)
        jm_strbuf_add_json_string(b, csrf, strlen(csrf));
    else
        jm_strbuf_addstr(b, "null");
    jm_strbuf_addstr(b, "}\n");
}

/* Starts a browser session for `who`: the cookie and {"role", "name", "csrf"}. */
bool srv_session_begin(struct srv_request *req, struct srv_response *res,
                       const struct srv_caller *who)
{
    struct srv_session s;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = srv_session_create(req->srv->sessions, who, srv_now(), &s, &err);
    if (rc) {
        srv_fail(res, rc, &err);
        return false;
    }
    char cookie[128];
    snprintf(cookie, sizeof cookie, "jm_session=%s; HttpOnly; SameSite=Strict; Path=/", s.id);
    srv_header_add(res, "Set-Cookie", cookie);
    session_json(res, &s.who, s.csrf);
    return true;
}

/* The "key" of a JSON body {"key": "..."} into out; false with the answer set. */
static bool body_key(struct srv_request *req, struct srv_response *res, char *out, size_t cap)
{
    struct jm_ydoc d;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm__ydoc_load(&d, req->body, req->body_len, "body", JM_YDOC_NO_ALIASES, &err);
    const struct jm_ynode *k = rc ? NULL : jm__yget(d.root, "key");
    bool ok = k && k->kind == JM_Y_SCALAR && k->len < cap;
    if (ok)
        snprintf(out, cap, "%s", k->s);
    else if (rc)
        srv_fail(res, rc, &err);
    else
        srv_error(res, 400, "bad_request", "the body must be {\"key\": \"jmk_...\"}");
    jm__ydoc_release(&d);
    return ok;
}

static void session_post(struct srv_request *req, struct srv_response *res)
{
    char key[128];
    if (!body_key(req, res, key, sizeof key))
        return;
    struct srv_caller who;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = srv_auth_key(req, key, strlen(key), &who, &err);
    if (rc == JM_EPARSE || rc == JM_ENOTFOUND) {
        srv_error(res, 401, "unauthorized", "%s", err.msg);
        return;
    }
    if (rc) {
        srv_fail(res, rc, &err);
        return;
    }
    if (!jm_role_allows(who.role, JM_PERM_READ)) {
        srv_error(res, 403, "forbidden", "an %s key cannot sign in to the web app",
                  jm_role_key(who.role));
        return;
    }
    req->caller = who; /* for the access log */
    srv_session_begin(req, res, &who);
}

static void session_get(struct srv_request *req, struct srv_response *res)
{
    struct srv_session s;
    char id[SRV_SESSION_ID_LEN + 8];
    const char *cookie = srv_header(req, "Cookie");
    bool have = req->caller.session && cookie &&
                srv_cookie_get(cookie, "jm_session", id, sizeof id) &&
                srv_session_get(req->srv->sessions, id, srv_now(), &s);
    session_json(res, &req->caller, have ? s.csrf : NULL);
}

static void session_delete(struct srv_request *req, struct srv_response *res)
{
    char id[SRV_SESSION_ID_LEN + 8];
    const char *cookie = srv_header(req, "Cookie");
    if (cookie && srv_cookie_get(cookie, "jm_session", id, sizeof id))
        srv_session_drop(req->srv->sessions, id);
    srv_header_add(res, "Set-Cookie", "jm_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    jm_strbuf_addstr(&res->body, "{\"signed_out\": true}\n");
}

const struct srv_route srv_routes_session[] = {
    {"POST", "/api/v1/session", SRV_PUBLIC, 4096, session_post},
    {"GET", "/api/v1/session", JM_PERM_READ, 0, session_get},
    {"DELETE", "/api/v1/session", JM_PERM_READ, 0, session_delete},
    {NULL, NULL, 0, 0, NULL},
};
