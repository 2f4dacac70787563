/*
 * The server's life: srv_start opens the workspace (it must exist), seeds the journey served by
 * default as version 1 when none is stored, opens the ingest writer and the engine, then the
 * daemon; srv_stop undoes it in the reverse order once the requests in flight are answered.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/internal.h"
#include "journeymap/define.h"
#include "journeymap/ingest.h"
#include "server/core.h"

#define STOP_GRACE_MS 30000u

int64_t srv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * JM_US_PER_SEC + ts.tv_nsec / 1000;
}

jm_status srv_storage(struct srv_request *req, struct jm_storage **st, struct jm_error *err)
{
    struct srv *s = req->srv;
    *st = pthread_getspecific(s->conn_key);
    if (*st)
        return JM_OK;
    jm_status rc = jm_storage_open(s->cfg.db_path, 0, st, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&s->conns_lock);
    rc = jm_grow((void **)&s->conns, &s->cap_conns, s->n_conns + 1, sizeof *s->conns);
    if (!rc)
        s->conns[s->n_conns++] = *st;
    pthread_mutex_unlock(&s->conns_lock);
    if (rc) {
        jm_storage_close(*st);
        *st = NULL;
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    pthread_setspecific(s->conn_key, *st);
    return JM_OK;
}

struct jm_ingest_writer *srv_writer(struct srv *s)
{
    return s->writer;
}

const char *srv_default_journey(const struct srv *s)
{
    return s->default_journey;
}

const struct srv_config *srv_config_of(const struct srv *s)
{
    return &s->cfg;
}

struct srv_engine *srv_engine_of(struct srv *s)
{
    return s->engine;
}

uint16_t srv_port(const struct srv *s)
{
    return s->port;
}

static jm_status found_version(const struct jm_journey_version *v, void *ctx)
{
    (void)v;
    *(bool *)ctx = true;
    return JM_OK;
}

/*
 * Saves the configured journey as version 1 of its key unless a version is stored. It is saved
 * as journeymap writes definitions (both languages, no comments), the form every edit from the
 * API saves, so the line diff between version 1 and the first edit shows only the edit.
 */
static jm_status seed_journey(struct srv *s, struct jm_storage *st, struct jm_error *err)
{
    const char *tpl = s->cfg.template ? s->cfg.template : s->cfg.journey ? NULL : "b2b-5";
    char *text = NULL;
    size_t len = 0;
    jm_status rc = JM_OK;
    if (tpl) {
        const char *src = jm_template_source(tpl, &len);
        if (!src)
            return jm_error_set(err, JM_ENOTFOUND, "no built-in template '%s'", tpl);
        text = jm_strndup(src, len);
        if (!text)
            return jm_error_set(err, JM_ENOMEM, "out of memory");
    } else {
        rc = jm__read_file(s->cfg.journey, 4u << 20, &text, &len, err);
        if (rc)
            return rc;
    }
    struct jm_journey *j = NULL;
    rc = jm_journey_parse(text, len, tpl ? tpl : s->cfg.journey, &j, err);
    bool stored = false;
    if (!rc) {
        snprintf(s->default_journey, sizeof s->default_journey, "%s", j->key);
        rc = jm_journeys_get(st, j->key, 0, INT64_MAX, found_version, &stored, err);
        if (rc == JM_ENOTFOUND)
            rc = JM_OK, jm_error_clear(err);
    }
    struct jm_strbuf yaml = JM_STRBUF_INIT;
    if (!rc && !stored)
        rc = jm_journey_write(j, JM_LANG__COUNT, &yaml, err);
    int version;
    if (!rc && !stored)
        rc = jm_journeys_save(st, j->key, yaml.buf, yaml.len, "serve", "seeded by journeymap serve",
                              srv_now(), &version, err);
    jm_strbuf_release(&yaml);
    jm_journey_free(j);
    jm_free(text);
    return rc;
}

/* Copies the configuration's strings into s->strings so the caller's may go. */
static jm_status keep_config(struct srv *s, const struct srv_config *cfg)
{
    const char *const *src[] = {&cfg->db_path, &cfg->host, &cfg->template, &cfg->journey,
                                &cfg->access_log};
    const char **dst[] = {&s->cfg.db_path, &s->cfg.host, &s->cfg.template, &s->cfg.journey,
                          &s->cfg.access_log};
    size_t off[5];
    s->cfg = *cfg;
    jm_strbuf_init(&s->strings, 0);
    for (size_t i = 0; i < 5; i++) {
        off[i] = s->strings.len;
        if (*src[i] && jm_strbuf_add(&s->strings, *src[i], strlen(*src[i]) + 1))
            return JM_ENOMEM;
    }
    for (size_t i = 0; i < 5; i++)
        *dst[i] = *src[i] ? s->strings.buf + off[i] : NULL;
    if (!s->cfg.host)
        s->cfg.host = "127.0.0.1";
    return JM_OK;
}

static jm_status open_workspace(struct srv *s, struct jm_error *err)
{
    struct stat sb;
    if (stat(s->cfg.db_path, &sb) != 0)
        return jm_error_set(err, JM_ENOTFOUND,
                            "no workspace at '%s': create one with 'journeymap init --db %s' "
                            "(or 'journeymap demo-data')",
                            s->cfg.db_path, s->cfg.db_path);
    struct jm_storage *st;
    jm_status rc = jm_storage_open(s->cfg.db_path, 0, &st, err);
    if (rc)
        return rc;
    rc = seed_journey(s, st, err);
    jm_storage_close(st);
    return rc;
}

static jm_status start(struct srv *s, const struct srv_config *cfg, struct jm_error *err)
{
    if (keep_config(s, cfg))
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    jm_status rc = srv_log_open(s->cfg.access_log, &s->log, err);
    if (!rc)
        rc = open_workspace(s, err);
    struct jm_ingest_writer_options wo = {.db_path = s->cfg.db_path};
    if (!rc)
        rc = jm_ingest_writer_open(&wo, &s->writer, err);
    if (!rc)
        rc = srv_engine_open(s, &s->engine, err);
    if (!rc)
        srv_engine_warm(s->engine, s->default_journey);
    if (!rc) {
        s->sessions = srv_sessions_new();
        s->keys = srv_keycache_new();
        if (!s->sessions || !s->keys)
            rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    if (!rc)
        rc = srv_http_start(s, &s->http, &s->port, err);
    return rc;
}

jm_status srv_start(const struct srv_config *cfg, struct srv **out, struct jm_error *err)
{
    struct srv *s = jm_calloc(1, sizeof *s);
    if (!s)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    pthread_mutex_init(&s->conns_lock, NULL);
    s->conn_key_made = pthread_key_create(&s->conn_key, NULL) == 0;
    jm_status rc = s->conn_key_made ? start(s, cfg, err)
                                    : jm_error_set(err, JM_ENOMEM, "out of thread-local keys");
    if (rc) {
        srv_stop(s);
        return rc;
    }
    *out = s;
    return JM_OK;
}

void srv_stop(struct srv *s)
{
    if (!s)
        return;
    srv_http_stop(s->http, STOP_GRACE_MS); /* every worker thread is gone after this */
    if (s->writer)
        jm_ingest_writer_close(s->writer); /* writes what was submitted */
    if (s->engine)
        srv_engine_close(s->engine);
    for (size_t i = 0; i < s->n_conns; i++)
        jm_storage_close(s->conns[i]);
    jm_free(s->conns);
    if (s->conn_key_made)
        pthread_key_delete(s->conn_key);
    pthread_mutex_destroy(&s->conns_lock);
    srv_sessions_free(s->sessions);
    srv_keycache_free(s->keys);
    srv_log_close(s->log);
    jm_strbuf_release(&s->strings);
    jm_free(s);
}

jm_status srv_signin_link(struct srv *s, char *url, size_t cap, struct jm_error *err)
{
    char token[SRV_SESSION_ID_LEN + 1];
    jm_status rc = srv_signin_create(s->sessions, srv_now(), token, err);
    if (rc)
        return rc;
    bool v6 = strchr(s->cfg.host, ':') != NULL;
    snprintf(url, cap, "http://%s%s%s:%u/signin?token=%s", v6 ? "[" : "", s->cfg.host,
             v6 ? "]" : "", (unsigned)s->port, token);
    return JM_OK;
}
