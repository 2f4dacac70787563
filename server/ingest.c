/*
 * The Segment-compatible ingest routes: parse the body, hand it to the group-commit writer, and
 * acknowledge only once the writer says it is durable. A body that is not JSON is kept in
 * failed_events with its reason so nothing a client sent is silently lost.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "journeymap/ingest.h"
#include "server/core.h"

/* Keeps a body that could not be parsed, for replay after a fix (best effort). */
static void keep_failed(struct srv_request *req, enum jm_ingest_call call, const char *reason)
{
    struct jm_storage *st;
    if (srv_storage(req, &st, NULL))
        return;
    struct jm_failed_event ev = {
        .received = req->received,
        .key_id = req->caller.key_id,
        .call = jm_ingest_call_name(call),
        .reason = reason,
        .payload = req->body,
        .payload_len =
            req->body_len < JM_FAILED_PAYLOAD_MAX ? req->body_len : JM_FAILED_PAYLOAD_MAX,
    };
    int64_t id;
    jm_failed_put(st, &ev, &id, NULL);
}

static void answer(struct srv_response *res, const struct jm_ingest_batch *b)
{
    size_t n = jm_ingest_batch_count(b), stored = 0, dups = 0;
    struct jm_strbuf failed = JM_STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const struct jm_ingest_item *it = jm_ingest_batch_item(b, i);
        stored += it->outcome == JM_ITEM_STORED;
        dups += it->outcome == JM_ITEM_DUPLICATE;
        if (it->outcome != JM_ITEM_FAILED)
            continue;
        const char *mid = it->message_id ? it->message_id : "";
        const char *why = it->reason ? it->reason : "";
        jm_strbuf_addf(&failed, "%s{\"index\": %zu, \"messageId\": ", failed.len ? ", " : "", i);
        jm_strbuf_add_json_string(&failed, mid, strlen(mid));
        jm_strbuf_addstr(&failed, ", \"error\": ");
        jm_strbuf_add_json_string(&failed, why, strlen(why));
        jm_strbuf_addch(&failed, '}');
    }
    jm_strbuf_addf(&res->body,
                   "{\"success\": true, \"stored\": %zu, \"duplicates\": %zu, \"failed\": [%s]}\n",
                   stored, dups, failed.buf);
    jm_strbuf_release(&failed);
}

static void ingest(struct srv_request *req, struct srv_response *res, enum jm_ingest_call call)
{
    struct jm_ingest_batch *b = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_ingest_parse(call, req->body, req->body_len, req->received, &b, &err);
    if (rc == JM_EPARSE) {
        keep_failed(req, call, err.msg);
        srv_error(res, 400, "bad_json", "%s", err.msg);
        return;
    }
    if (rc) {
        srv_fail(res, rc, &err);
        return;
    }
    rc = jm_ingest_submit(srv_writer(req->srv), b, req->caller.key_id, &err);
    if (rc)
        /* nothing of the batch is stored: the client must retry, so no acknowledgement */
        srv_error(res, 503, "unavailable", "the events could not be stored: %s",
                  err.msg[0] ? err.msg : jm_strerror(rc));
    else
        answer(res, b);
    jm_ingest_batch_free(b);
}

static void identify(struct srv_request *req, struct srv_response *res)
{
    ingest(req, res, JM_CALL_IDENTIFY);
}

static void group(struct srv_request *req, struct srv_response *res)
{
    ingest(req, res, JM_CALL_GROUP);
}

static void track(struct srv_request *req, struct srv_response *res)
{
    ingest(req, res, JM_CALL_TRACK);
}

static void page(struct srv_request *req, struct srv_response *res)
{
    ingest(req, res, JM_CALL_PAGE);
}

static void batch(struct srv_request *req, struct srv_response *res)
{
    ingest(req, res, JM_CALL_BATCH);
}

const struct srv_route srv_routes_ingest[] = {
    {"POST", "/v1/identify", JM_PERM_INGEST, JM_INGEST_EVENT_MAX, identify},
    {"POST", "/v1/group", JM_PERM_INGEST, JM_INGEST_EVENT_MAX, group},
    {"POST", "/v1/track", JM_PERM_INGEST, JM_INGEST_EVENT_MAX, track},
    {"POST", "/v1/page", JM_PERM_INGEST, JM_INGEST_EVENT_MAX, page},
    {"POST", "/v1/screen", JM_PERM_INGEST, JM_INGEST_EVENT_MAX, page},
    {"POST", "/v1/batch", JM_PERM_INGEST, JM_INGEST_BATCH_MAX, batch},
    {NULL, NULL, 0, 0, NULL},
};
