/*
 * Failed ingest events (workspace.h): what could not be stored, with the reason, kept for a
 * replay once the cause is fixed. Ids never repeat (AUTOINCREMENT), so a reader paging with
 * "after id" never skips a row because an older one was deleted and its id reused.
 *
 * SPDX-License-Identifier: MIT
 */
#include "journeymap/workspace.h"
#include "storage/internal.h"

static const char sql_put[] = "INSERT INTO failed_events(received, key_id, call, reason, payload)"
                              " VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_list[] = "SELECT id, received, key_id, call, reason, payload"
                               " FROM failed_events WHERE id > ?1 ORDER BY id LIMIT ?2";
static const char sql_delete[] = "DELETE FROM failed_events WHERE id = ?1";
static const char sql_count[] = "SELECT count(*) FROM failed_events";

jm_status jm_failed_put(struct jm_storage *st, const struct jm_failed_event *ev, int64_t *id,
                        struct jm_error *err)
{
    if (!st || !ev || !ev->call || !ev->reason || (!ev->payload && ev->payload_len))
        return jm_error_set(err, JM_EINVAL, "invalid arguments to keep a failed event");
    /* Cut at a whole UTF-8 character, so the kept text stays readable JSON up to the cut. */
    const char *payload = ev->payload ? ev->payload : "";
    size_t len = ev->payload_len;
    if (len > JM_FAILED_PAYLOAD_MAX)
        len = jm__utf8_prefix(payload, len, JM_FAILED_PAYLOAD_MAX);
    struct jm__sqlval args[] = {
        jm__sql_int(ev->received),  jm__sql_str(ev->key_id ? ev->key_id : ""),
        jm__sql_str(ev->call),      jm__sql_str(ev->reason),
        jm__sql_text(payload, len),
    };
    struct jm__sqlresult res;
    jm_status rc = jm__storage_exec(st, sql_put, args, 5, NULL, NULL, &res, err);
    if (!rc && id)
        *id = res.rowid;
    return rc;
}

struct list_ctx {
    jm_failed_fn fn;
    void *ctx;
};

static jm_status list_row(const struct jm__sqlval *c, int ncol, void *arg)
{
    (void)ncol;
    struct list_ctx *l = arg;
    struct jm_failed_event ev = {
        .id = c[0].i,
        .received = c[1].i,
        .key_id = c[2].s,
        .call = c[3].s,
        .reason = c[4].s,
        .payload = c[5].s,
        .payload_len = c[5].len,
    };
    return l->fn(&ev, l->ctx);
}

jm_status jm_failed_list(struct jm_storage *st, int64_t after, size_t limit, jm_failed_fn fn,
                         void *ctx, struct jm_error *err)
{
    if (!st || !fn)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to list failed events");
    struct list_ctx l = {fn, ctx};
    /* LIMIT -1 is SQLite's "no limit". */
    int64_t lim = limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit;
    struct jm__sqlval args[] = {jm__sql_int(after), jm__sql_int(lim)};
    return jm__storage_exec(st, sql_list, args, 2, list_row, &l, NULL, err);
}

jm_status jm_failed_delete(struct jm_storage *st, int64_t id, struct jm_error *err)
{
    if (!st)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to delete a failed event");
    struct jm__sqlval arg = jm__sql_int(id);
    struct jm__sqlresult res;
    jm_status rc = jm__storage_exec(st, sql_delete, &arg, 1, NULL, NULL, &res, err);
    if (!rc && res.changes == 0)
        rc = jm_error_set(err, JM_ENOTFOUND, "no failed event with id %lld", (long long)id);
    return rc;
}

static jm_status count_row(const struct jm__sqlval *c, int ncol, void *arg)
{
    if (ncol > 0 && c[0].i > 0)
        *(uint64_t *)arg = (uint64_t)c[0].i;
    return JM_OK;
}

jm_status jm_failed_count(struct jm_storage *st, uint64_t *n, struct jm_error *err)
{
    if (!st || !n)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to count failed events");
    *n = 0;
    return jm__storage_exec(st, sql_count, NULL, 0, count_row, n, NULL, err);
}
