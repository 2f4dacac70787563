/*
 * Browser sessions and one-time sign-in tokens, kept in memory only: a restart signs everyone
 * out, which is the safe direction, and nothing secret is ever written to the workspace. Session
 * ids and tokens are compared in constant time so their lookup leaks nothing by its timing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "server/core.h"

#define SIGNIN_MAX 16

struct signin {
    char token[SRV_SESSION_ID_LEN + 1];
    int64_t expires; /* 0: free slot */
};

struct srv_sessions {
    pthread_mutex_t lock;
    struct srv_session *items;
    size_t n, cap;
    struct signin signins[SIGNIN_MAX];
};

struct srv_sessions *srv_sessions_new(void)
{
    struct srv_sessions *ss = jm_calloc(1, sizeof *ss);
    if (ss)
        pthread_mutex_init(&ss->lock, NULL);
    return ss;
}

void srv_sessions_free(struct srv_sessions *ss)
{
    if (!ss)
        return;
    pthread_mutex_destroy(&ss->lock);
    jm_free(ss->items);
    jm_free(ss);
}

static bool same_token(const char *a, const char *b)
{
    return strlen(b) == SRV_SESSION_ID_LEN && jm_secure_equal(a, b, SRV_SESSION_ID_LEN);
}

/* Index of the session to replace when full: the least recently seen. Lock held. */
static size_t oldest(const struct srv_sessions *ss)
{
    size_t at = 0;
    for (size_t i = 1; i < ss->n; i++)
        if (ss->items[i].last_seen < ss->items[at].last_seen)
            at = i;
    return at;
}

/* Forgets the sessions idle too long. Lock held. */
static void expire(struct srv_sessions *ss, int64_t now)
{
    size_t k = 0;
    for (size_t i = 0; i < ss->n; i++)
        if (now - ss->items[i].last_seen <= SRV_SESSION_IDLE_US)
            ss->items[k++] = ss->items[i];
    ss->n = k;
}

jm_status srv_session_create(struct srv_sessions *ss, const struct srv_caller *who, int64_t now,
                             struct srv_session *out, struct jm_error *err)
{
    struct srv_session s = {.who = *who, .last_seen = now};
    s.who.session = true;
    jm_status rc = jm_random_token(s.id, SRV_SESSION_ID_LEN, err);
    if (!rc)
        rc = jm_random_token(s.csrf, SRV_SESSION_ID_LEN, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&ss->lock);
    expire(ss, now);
    size_t at = ss->n;
    if (ss->n == SRV_SESSIONS_MAX)
        at = oldest(ss);
    else if (jm_grow((void **)&ss->items, &ss->cap, ss->n + 1, sizeof *ss->items) == JM_OK)
        ss->n++;
    else
        rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    if (!rc)
        ss->items[at] = s;
    pthread_mutex_unlock(&ss->lock);
    if (!rc)
        *out = s;
    return rc;
}

bool srv_session_get(struct srv_sessions *ss, const char *id, int64_t now, struct srv_session *out)
{
    bool found = false;
    pthread_mutex_lock(&ss->lock);
    expire(ss, now);
    for (size_t i = 0; i < ss->n && !found; i++)
        if (same_token(ss->items[i].id, id)) {
            ss->items[i].last_seen = now;
            *out = ss->items[i];
            found = true;
        }
    pthread_mutex_unlock(&ss->lock);
    return found;
}

void srv_session_drop(struct srv_sessions *ss, const char *id)
{
    pthread_mutex_lock(&ss->lock);
    for (size_t i = 0; i < ss->n; i++)
        if (same_token(ss->items[i].id, id)) {
            ss->items[i] = ss->items[--ss->n];
            break;
        }
    pthread_mutex_unlock(&ss->lock);
}

jm_status srv_signin_create(struct srv_sessions *ss, int64_t now,
                            char token[SRV_SESSION_ID_LEN + 1], struct jm_error *err)
{
    jm_status rc = jm_random_token(token, SRV_SESSION_ID_LEN, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&ss->lock);
    size_t at = 0; /* a free or expired slot, else the one expiring first */
    for (size_t i = 0; i < SIGNIN_MAX; i++)
        if (ss->signins[i].expires <= now || ss->signins[i].expires < ss->signins[at].expires)
            at = i;
    memcpy(ss->signins[at].token, token, SRV_SESSION_ID_LEN + 1);
    ss->signins[at].expires = now + SRV_SIGNIN_TTL_US;
    pthread_mutex_unlock(&ss->lock);
    return JM_OK;
}

bool srv_signin_take(struct srv_sessions *ss, const char *token, int64_t now)
{
    bool ok = false;
    pthread_mutex_lock(&ss->lock);
    for (size_t i = 0; i < SIGNIN_MAX; i++) {
        struct signin *t = &ss->signins[i];
        if (t->expires && same_token(t->token, token)) {
            ok = now < t->expires;
            t->expires = 0; /* used up, or expired: gone either way */
        }
    }
    pthread_mutex_unlock(&ss->lock);
    return ok;
}

static bool method_safe(const char *m)
{
    return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

/* Whether `origin` is "http://HOST" or "https://HOST". */
static bool same_origin(const char *origin, const char *host)
{
    const char *rest = NULL;
    if (!strncmp(origin, "http://", 7))
        rest = origin + 7;
    else if (!strncmp(origin, "https://", 8))
        rest = origin + 8;
    return rest && host && strcasecmp(rest, host) == 0;
}

const char *srv_csrf_check(const char *method, const char *sent, const char *want,
                           const char *origin, const char *host)
{
    if (method_safe(method))
        return NULL;
    if (!sent || !*sent)
        return "the X-CSRF-Token header is missing: requests signed in by the session cookie "
               "must send the token given at sign-in";
    if (strlen(sent) != strlen(want) || !jm_secure_equal(sent, want, strlen(want)))
        return "the X-CSRF-Token header does not match this session's token";
    if (origin && !same_origin(origin, host))
        return "the request comes from another origin";
    return NULL;
}

bool srv_cookie_get(const char *header, const char *name, char *out, size_t cap)
{
    size_t nlen = strlen(name);
    const char *p = header;
    while (p && *p) {
        p += strspn(p, " ;");
        size_t len = strcspn(p, ";");
        if (len > nlen && !strncmp(p, name, nlen) && p[nlen] == '=') {
            size_t vlen = len - nlen - 1;
            if (vlen >= cap)
                return false;
            memcpy(out, p + nlen + 1, vlen);
            out[vlen] = '\0';
            return true;
        }
        p += len;
    }
    return false;
}
