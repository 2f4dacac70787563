/*
 * Administration (admin role): API keys and the ingest payloads that could not be stored.
 * A key is shown once, in the answer that creates it; lists give only its public id.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "base/ytree.h"
#include "journeymap/ingest.h"
#include "server/core.h"

static void add_time(struct jm_strbuf *b, const char *name, int64_t t)
{
    char when[40];
    jm_strbuf_addf(b, ", \"%s\": ", name);
    if (!t) {
        jm_strbuf_addstr(b, "null");
        return;
    }
    jm_time_format(t, false, when, sizeof when);
    jm_strbuf_addf(b, "\"%s\"", when);
}

static void add_str(struct jm_strbuf *b, const char *name, const char *v, size_t len)
{
    jm_strbuf_addf(b, ", \"%s\": ", name);
    jm_strbuf_add_json_string(b, v ? v : "", v ? len : 0);
}

static jm_status key_json(const struct jm_key_row *k, void *ctx)
{
    struct jm_strbuf *b = ctx;
    const char *role = jm_role_key(k->role);
    jm_strbuf_addf(b, "%s{\"id\": \"%s\"", b->buf[b->len - 1] == '[' ? "" : ", ", k->id);
    add_str(b, "role", role, strlen(role));
    add_str(b, "name", k->name, k->name ? strlen(k->name) : 0);
    add_time(b, "created", k->created);
    add_time(b, "last_used", k->last_used);
    add_time(b, "revoked", k->revoked);
    return jm_strbuf_addch(b, '}');
}

static void keys_list(struct srv_request *req, struct srv_response *res)
{
    struct jm_storage *st;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = srv_storage(req, &st, &err);
    jm_strbuf_addstr(&res->body, "{\"keys\": [");
    if (!rc)
        rc = jm_keys_list(st, key_json, &res->body, &err);
    if (rc)
        srv_fail(res, rc, &err);
    else
        jm_strbuf_addstr(&res->body, "]}\n");
}

/* A scalar field of the JSON body's top-level object, or NULL. */
static const char *field(const struct jm_ydoc *d, const char *name)
{
    const struct jm_ynode *n = jm__yget(d->root, name);
    return n && n->kind == JM_Y_SCALAR ? n->s : NULL;
}

/* Makes and stores a key for `role`; answers 201 with the key, shown this once. */
static void create_key(struct srv_request *req, struct srv_response *res, enum jm_role role,
                       const char *name)
{
    char key[JM_KEY_LEN + 1];
    struct jm_key_row row;
    struct jm_storage *st;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_key_generate(role, name, srv_now(), key, &row, &err);
    if (!rc)
        rc = srv_storage(req, &st, &err);
    if (!rc)
        rc = jm_keys_put(st, &row, &err);
    if (rc) {
        srv_fail(res, rc, &err);
        return;
    }
    res->status = 201;
    jm_strbuf_addf(&res->body, "{\"key\": \"%s\", \"id\": \"%s\"", key, row.id);
    add_str(&res->body, "role", jm_role_key(role), strlen(jm_role_key(role)));
    add_str(&res->body, "name", name, strlen(name));
    jm_strbuf_addstr(&res->body, "}\n");
}

static void keys_create(struct srv_request *req, struct srv_response *res)
{
    struct jm_ydoc d;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm__ydoc_load(&d, req->body, req->body_len, "body", JM_YDOC_NO_ALIASES, &err);
    const char *role_s = rc ? NULL : field(&d, "role");
    const char *name = rc ? NULL : field(&d, "name");
    enum jm_role role;
    if (rc)
        srv_fail(res, rc, &err);
    else if (!role_s || !jm_role_parse(role_s, &role))
        srv_error(res, 400, "bad_request", "\"role\" must be one of admin, editor, viewer, ingest");
    else if (!name || !*name || strlen(name) > 200)
        srv_error(res, 400, "bad_request",
                  "\"name\" must say what the key is for (1 to 200 bytes)");
    else
        create_key(req, res, role, name);
    jm__ydoc_release(&d);
}

static void keys_revoke(struct srv_request *req, struct srv_response *res)
{
    struct jm_storage *st;
    struct jm_error err;
    jm_error_clear(&err);
    const char *id = req->params[0];
    jm_status rc = srv_storage(req, &st, &err);
    if (!rc)
        rc = jm_keys_revoke(st, id, srv_now(), &err);
    if (rc) {
        srv_fail(res, rc, &err);
        return;
    }
    srv_keycache_forget(req->srv->keys, id);
    jm_strbuf_addstr(&res->body, "{\"revoked\": ");
    jm_strbuf_add_json_string(&res->body, id, strlen(id));
    jm_strbuf_addstr(&res->body, "}\n");
}

/* ---------------------------------------------------------------- failed events */

static jm_status failed_json(const struct jm_failed_event *ev, void *ctx)
{
    struct jm_strbuf *b = ctx;
    jm_strbuf_addf(b, "%s{\"id\": %lld", b->buf[b->len - 1] == '[' ? "" : ", ", (long long)ev->id);
    add_time(b, "received", ev->received);
    add_str(b, "key_id", ev->key_id, ev->key_id ? strlen(ev->key_id) : 0);
    add_str(b, "call", ev->call, ev->call ? strlen(ev->call) : 0);
    add_str(b, "reason", ev->reason, ev->reason ? strlen(ev->reason) : 0);
    add_str(b, "payload", ev->payload, ev->payload_len);
    return jm_strbuf_addch(b, '}');
}

/* A non-negative integer query argument, `def` when absent; false when malformed. */
static bool query_int(struct srv_request *req, const char *name, long long def, long long *out)
{
    const char *s = srv_query(req, name);
    char *end;
    *out = def;
    if (!s || !*s)
        return true;
    *out = strtoll(s, &end, 10);
    return *end == '\0' && *out >= 0;
}

static void failed_list(struct srv_request *req, struct srv_response *res)
{
    long long after, limit;
    if (!query_int(req, "after", 0, &after) || !query_int(req, "limit", 100, &limit) ||
        limit > 1000) {
        srv_error(res, 400, "bad_request",
                  "'after' and 'limit' must be whole numbers; limit at "
                  "most 1000");
        return;
    }
    struct jm_storage *st;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = srv_storage(req, &st, &err);
    jm_strbuf_addstr(&res->body, "{\"failed_events\": [");
    if (!rc)
        rc =
            jm_failed_list(st, after, (size_t)(limit ? limit : 100), failed_json, &res->body, &err);
    if (rc)
        srv_fail(res, rc, &err);
    else
        jm_strbuf_addstr(&res->body, "]}\n");
}

struct one_failed {
    int64_t id;
    bool found;
    char call[32];
    struct jm_strbuf payload;
};

static jm_status take_failed(const struct jm_failed_event *ev, void *ctx)
{
    struct one_failed *f = ctx;
    if (ev->id != f->id)
        return JM_OK;
    f->found = true;
    snprintf(f->call, sizeof f->call, "%s", ev->call ? ev->call : "");
    return jm_strbuf_add(&f->payload, ev->payload, ev->payload_len);
}

/* Parses and stores the payload again; answers as ingest does. */
static void replay_payload(struct srv_request *req, struct srv_response *res, struct one_failed *f)
{
    enum jm_ingest_call call;
    struct jm_ingest_batch *b = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    if (!jm_ingest_call_parse(f->call, &call)) {
        srv_error(res, 400, "bad_request", "failed event %lld has an unknown call '%s'",
                  (long long)f->id, f->call);
        return;
    }
    jm_status rc = jm_ingest_parse(call, f->payload.buf, f->payload.len, srv_now(), &b, &err);
    for (size_t i = 0; !rc && i < jm_ingest_batch_count(b); i++) {
        const struct jm_ingest_item *it = jm_ingest_batch_item(b, i);
        if (it->outcome == JM_ITEM_FAILED) /* still bad: keep this one, store nothing */
            rc = jm_error_set(&err, JM_EPARSE, "item %zu: %s", i, it->reason ? it->reason : "");
    }
    if (!rc)
        rc = jm_ingest_submit(srv_writer(req->srv), b, req->caller.key_id, &err);
    struct jm_storage *st;
    if (!rc)
        rc = srv_storage(req, &st, &err);
    if (!rc)
        rc = jm_failed_delete(st, f->id, &err);
    if (rc) {
        srv_fail(res, rc, &err);
    } else {
        size_t stored = 0, dups = 0;
        for (size_t i = 0; i < jm_ingest_batch_count(b); i++) {
            stored += jm_ingest_batch_item(b, i)->outcome == JM_ITEM_STORED;
            dups += jm_ingest_batch_item(b, i)->outcome == JM_ITEM_DUPLICATE;
        }
        jm_strbuf_addf(&res->body, "{\"replayed\": %lld, \"stored\": %zu, \"duplicates\": %zu}\n",
                       (long long)f->id, stored, dups);
    }
    jm_ingest_batch_free(b);
}

static void failed_replay(struct srv_request *req, struct srv_response *res)
{
    char *end;
    struct one_failed f = {.id = strtoll(req->params[0], &end, 10)};
    if (*end || f.id <= 0) {
        srv_error(res, 404, "not_found", "no failed event '%s'", req->params[0]);
        return;
    }
    jm_strbuf_init(&f.payload, 0);
    struct jm_storage *st;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = srv_storage(req, &st, &err);
    if (!rc)
        rc = jm_failed_list(st, f.id - 1, 1, take_failed, &f, &err);
    if (rc)
        srv_fail(res, rc, &err);
    else if (!f.found)
        srv_error(res, 404, "not_found", "no failed event %lld", (long long)f.id);
    else
        replay_payload(req, res, &f);
    jm_strbuf_release(&f.payload);
}

const struct srv_route srv_routes_admin[] = {
    {"GET", "/api/v1/keys", JM_PERM_ADMIN, 0, keys_list},
    {"POST", "/api/v1/keys", JM_PERM_ADMIN, 4096, keys_create},
    {"DELETE", "/api/v1/keys/{}", JM_PERM_ADMIN, 0, keys_revoke},
    {"GET", "/api/v1/failed-events", JM_PERM_ADMIN, 0, failed_list},
    {"POST", "/api/v1/failed-events/{}/replay", JM_PERM_ADMIN, 0, failed_replay},
    {NULL, NULL, 0, 0, NULL},
};
