/*
 * The access log: one JSON object per line, so it can be read by jq or shipped as is. It names
 * the path without its query (where secrets such as sign-in tokens travel) and the key's public
 * id, never the key.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "server/core.h"

struct srv_log {
    FILE *f;
    bool owned;
    pthread_mutex_t lock;
};

jm_status srv_log_open(const char *path, struct srv_log **out, struct jm_error *err)
{
    struct srv_log *log = jm_calloc(1, sizeof *log);
    if (!log)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    if (!path || strcmp(path, "-") == 0) {
        log->f = stderr;
    } else {
        log->f = fopen(path, "a");
        if (!log->f) {
            int e = errno;
            jm_free(log);
            return jm_error_set(err, JM_EIO, "cannot open the access log '%s': %s", path,
                                strerror(e));
        }
        log->owned = true;
    }
    pthread_mutex_init(&log->lock, NULL);
    *out = log;
    return JM_OK;
}

void srv_log_close(struct srv_log *log)
{
    if (!log)
        return;
    if (log->owned)
        fclose(log->f);
    else
        fflush(log->f);
    pthread_mutex_destroy(&log->lock);
    jm_free(log);
}

static jm_status add_field(struct jm_strbuf *sb, const char *name, const char *value)
{
    jm_status rc = jm_strbuf_addf(sb, ", \"%s\": ", name);
    const char *v = value && *value ? value : "-";
    return rc ? rc : jm_strbuf_add_json_string(sb, v, strlen(v));
}

jm_status srv_log_format(struct jm_strbuf *sb, const struct srv_log_entry *e)
{
    char when[40];
    jm_time_format(e->time, false, when, sizeof when);
    jm_status rc = jm_strbuf_addf(sb, "{\"time\": \"%s\"", when);
    if (!rc)
        rc = add_field(sb, "method", e->method);
    if (!rc)
        rc = add_field(sb, "path", e->path);
    if (!rc)
        rc = jm_strbuf_addf(sb, ", \"status\": %d, \"bytes\": %zu, \"duration_ms\": %.3f",
                            e->status, e->bytes, e->duration_ms);
    if (!rc)
        rc = add_field(sb, "key", e->key_id);
    if (!rc)
        rc = add_field(sb, "remote", e->remote);
    if (!rc)
        rc = add_field(sb, "request_id", e->request_id);
    return rc ? rc : jm_strbuf_addstr(sb, "}\n");
}

void srv_log_request(struct srv_log *log, const struct srv_log_entry *e)
{
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 64 * 1024);
    if (srv_log_format(&sb, e) == JM_OK) {
        pthread_mutex_lock(&log->lock);
        fwrite(sb.buf, 1, sb.len, log->f);
        fflush(log->f);
        pthread_mutex_unlock(&log->lock);
    }
    jm_strbuf_release(&sb);
}
