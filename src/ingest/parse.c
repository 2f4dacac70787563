/*
 * The request body -> a batch of items. This file decides what each call is and whether it can
 * be stored at all (limits, call type, ids, times); map.c turns a valid call into records.
 *
 * Two kinds of problems, two answers: a body that is too big or not JSON refuses the whole
 * request (the client must fix it and send again); a call that is JSON but not a usable event
 * becomes a FAILED item with a precise reason, kept in failed_events for replay, while the
 * rest of the batch is stored. So tracking code never loses a whole batch to one bad event.
 *
 * Limits follow Segment's: 32 KB per call, 500 KB per batch request. A batch member is
 * measured as compact JSON (the form it is kept in), the whole body as received.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ingest/map.h"

static const char *const call_names[JM_CALL__COUNT] = {"identify", "group", "track", "page",
                                                       "batch"};

const char *jm_ingest_call_name(enum jm_ingest_call c)
{
    return (unsigned)c < JM_CALL__COUNT ? call_names[c] : "unknown";
}

bool jm_ingest_call_parse(const char *s, enum jm_ingest_call *out)
{
    if (!s)
        return false;
    for (int i = 0; i < JM_CALL__COUNT; i++)
        if (strcmp(s, call_names[i]) == 0) {
            *out = (enum jm_ingest_call)i;
            return true;
        }
    if (strcmp(s, "screen") == 0) {
        *out = JM_CALL_PAGE;
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------- helpers for map.c */

jm_status jm__call_fail(struct jm__call *c, const char *field, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    char where[64] = "";
    if (c->index >= 0)
        snprintf(where, sizeof(where), "batch[%ld]", c->index);
    const char *dot = where[0] && field ? "." : "";
    const char *sep = where[0] || field ? ": " : "";
    c->it->pub.reason =
        jm_arena_printf(&c->b->arena, "%s%s%s%s%s", where, dot, field ? field : "", sep, msg);
    c->it->pub.outcome = JM_ITEM_FAILED;
    c->it->parse_failed = true;
    return c->it->pub.reason ? JM_EPARSE : JM_ENOMEM;
}

const char *jm__call_text(struct jm__call *c, const struct jm__jv *v)
{
    char buf[40];
    if (!v)
        return NULL;
    switch (v->type) {
    case JM_J_STRING:
        return v->len && strlen(v->s) == v->len ? v->s : NULL;
    case JM_J_INT:
        snprintf(buf, sizeof(buf), "%lld", (long long)v->i);
        return jm_arena_strdup(&c->b->arena, buf);
    case JM_J_REAL:
        jm_format_double(v->r, buf, sizeof(buf));
        return jm_arena_strdup(&c->b->arena, buf);
    case JM_J_TRUE:
        return "true";
    case JM_J_FALSE:
        return "false";
    default:
        return NULL;
    }
}

const struct jm__jv *jm__call_context(const struct jm__call *c, const char *key)
{
    const struct jm__jv *v = jm__json_get(jm__json_get(c->v, "context"), key);
    return v ? v : jm__json_get(c->bctx, key);
}

/* ---------------------------------------------------------------- one call */

/* An ISO-8601 member `name` of the call into *us; *given false when absent. */
static jm_status call_time(struct jm__call *c, const struct jm__jv *v, const char *name,
                           int64_t *us, bool *given)
{
    *given = v && v->type != JM_J_NULL;
    if (!*given)
        return JM_OK;
    if (v->type != JM_J_STRING)
        return jm__call_fail(c, name, "not an ISO-8601 time");
    if (jm_time_parse(v->s, v->len, NULL, us, NULL))
        return jm__call_fail(c, name, "not an ISO-8601 time: '%.80s'", v->s);
    return JM_OK;
}

/*
 * When it happened: `timestamp` moved by the client's clock error, which is the gap between
 * when the client says it sent the call (sentAt) and when we received it. A client whose clock
 * is an hour fast sends timestamps an hour ahead, and its sentAt is an hour ahead as well.
 */
static jm_status corrected_time(struct jm__call *c, int64_t *out)
{
    int64_t ts = 0, sent = 0;
    bool has_ts, has_sent;
    const struct jm__jv *tv = jm__json_get(c->v, "timestamp");
    const char *tname = "timestamp";
    if (!tv || tv->type == JM_J_NULL) {
        tv = jm__json_get(c->v, "originalTimestamp");
        tname = "originalTimestamp";
    }
    jm_status rc = call_time(c, tv, tname, &ts, &has_ts);
    const struct jm__jv *sv = jm__json_get(c->v, "sentAt");
    if (!rc)
        rc = call_time(c, sv, "sentAt", &sent, &has_sent);
    if (rc)
        return rc;
    if (!has_ts)
        *out = c->b->received;
    else if (has_sent)
        *out = ts + (c->b->received - sent);
    else
        *out = ts;
    return JM_OK;
}

/* A user id, anonymous id or message id: a string or a number, at most 256 bytes. */
static jm_status call_id(struct jm__call *c, const char *name, const char **out)
{
    const struct jm__jv *v = jm__json_get(c->v, name);
    *out = NULL;
    if (v && (v->type == JM_J_OBJECT || v->type == JM_J_ARRAY))
        return jm__call_fail(c, name, "must be a string");
    if (v && v->type == JM_J_STRING && strlen(v->s) != v->len)
        return jm__call_fail(c, name, "contains a NUL byte");
    *out = jm__call_text(c, v);
    if (*out && strlen(*out) > 256)
        return jm__call_fail(c, name, "is %zu bytes; the limit is 256", strlen(*out));
    return JM_OK;
}

static jm_status call_ids(struct jm__call *c)
{
    const char *mid;
    jm_status rc = call_id(c, "userId", &c->it->user_id);
    if (!rc)
        rc = call_id(c, "anonymousId", &c->it->anon_id);
    if (!rc)
        rc = call_id(c, "messageId", &mid);
    if (rc)
        return rc;
    c->it->pub.message_id = mid ? mid : "";
    if (!c->it->user_id && !c->it->anon_id)
        return jm__call_fail(c, NULL, "%s needs \"userId\" or \"anonymousId\"",
                             jm_ingest_call_name(c->it->pub.call));
    return JM_OK;
}

static jm_status map_call(struct jm__call *c)
{
    int64_t time;
    jm_status rc = call_ids(c);
    if (!rc)
        rc = corrected_time(c, &time);
    if (rc)
        return rc;
    switch (c->it->pub.call) {
    case JM_CALL_IDENTIFY:
        return jm__map_identify(c);
    case JM_CALL_GROUP:
        return jm__map_group(c);
    case JM_CALL_TRACK:
    case JM_CALL_PAGE:
        return jm__map_event(c, time);
    default:
        return jm__call_fail(c, NULL, "not a call that can be stored");
    }
}

/* Parses one call into `it`. JM_EPARSE from map_call only means the item failed. */
static jm_status parse_call(struct jm_ingest_batch *b, struct jm__item *it, const struct jm__jv *v,
                            const struct jm__jv *bctx, long index)
{
    struct jm__call c = {b, it, v, bctx, index};
    it->pub.message_id = "";
    it->pub.outcome = JM_ITEM_PENDING;
    if (v->type != JM_J_OBJECT)
        return jm__call_fail(&c, NULL, "not a JSON object");
    jm_status rc = map_call(&c);
    return rc == JM_EPARSE ? JM_OK : rc;
}

/* ---------------------------------------------------------------- a batch */

/* The type of batch member `v` into it->pub.call, or the item fails. */
static jm_status member_type(struct jm_ingest_batch *b, struct jm__item *it, const struct jm__jv *v,
                             const struct jm__jv *bctx, long index, bool *ok)
{
    struct jm__call c = {b, it, v, bctx, index};
    const struct jm__jv *t = jm__json_get(v, "type");
    *ok = false;
    it->pub.call = JM_CALL_BATCH;
    it->pub.message_id = "";
    if (v->type != JM_J_OBJECT)
        return jm__call_fail(&c, NULL, "not a JSON object");
    if (!t || t->type != JM_J_STRING)
        return jm__call_fail(&c, NULL, "needs \"type\" (identify, group, track, page, screen)");
    enum jm_ingest_call call;
    if (!jm_ingest_call_parse(t->s, &call) || call == JM_CALL_BATCH)
        return jm__call_fail(&c, "type",
                             "'%.40s' is not supported (identify, group, track, "
                             "page, screen)",
                             t->s);
    it->pub.call = call;
    *ok = true;
    return JM_OK;
}

static jm_status member_json(struct jm_ingest_batch *b, struct jm__item *it, const struct jm__jv *v,
                             size_t i, struct jm_error *err)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    jm_status rc = jm__json_write(v, &sb);
    if (!rc && sb.len > JM_INGEST_EVENT_MAX)
        rc = jm_error_set(err, JM_ELIMIT,
                          "event %zu of the batch is %zu bytes; the limit is %u bytes per event",
                          i + 1, sb.len, JM_INGEST_EVENT_MAX);
    else if (rc)
        rc = jm_error_set(err, rc, "out of memory");
    if (!rc) {
        it->json = jm_arena_strndup(&b->arena, sb.buf, sb.len);
        it->json_len = sb.len;
        if (!it->json)
            rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    jm_strbuf_release(&sb);
    return rc;
}

static jm_status parse_batch(struct jm_ingest_batch *b, const struct jm__jv *root,
                             struct jm_error *err)
{
    const struct jm__jv *list = jm__json_get(root, "batch");
    const struct jm__jv *bctx = jm__json_get(root, "context");
    if (!list || list->type != JM_J_ARRAY)
        return jm_error_set(err, JM_EPARSE, "line 1, column 1: \"batch\" must be a list of calls");
    b->items = jm_arena_alloc(&b->arena, (list->n ? list->n : 1) * sizeof(*b->items));
    if (!b->items)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    for (size_t i = 0; i < list->n; i++) {
        struct jm__item *it = &b->items[b->n++];
        bool ok;
        jm_status rc = member_json(b, it, &list->item[i], i, err);
        if (!rc)
            rc = member_type(b, it, &list->item[i], bctx, (long)i, &ok);
        if (rc == JM_EPARSE)
            continue;
        if (!rc && ok)
            rc = parse_call(b, it, &list->item[i], bctx, (long)i);
        if (rc)
            return rc == JM_ENOMEM ? jm_error_set(err, rc, "out of memory") : rc;
    }
    return JM_OK;
}

static jm_status parse_single(struct jm_ingest_batch *b, enum jm_ingest_call call,
                              const struct jm__jv *root, const char *body, size_t len,
                              struct jm_error *err)
{
    b->items = jm_arena_alloc(&b->arena, sizeof(*b->items));
    if (!b->items)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    struct jm__item *it = &b->items[b->n++];
    it->pub.call = call;
    it->json = jm_arena_strndup(&b->arena, body, len);
    it->json_len = len;
    jm_status rc = it->json ? parse_call(b, it, root, NULL, -1) : JM_ENOMEM;
    return rc ? jm_error_set(err, rc, "out of memory") : JM_OK;
}

static jm_status check_size(enum jm_ingest_call call, size_t len, struct jm_error *err)
{
    if (call == JM_CALL_BATCH && len > JM_INGEST_BATCH_MAX)
        return jm_error_set(err, JM_ELIMIT,
                            "the batch is %zu bytes; the limit is %u bytes per batch", len,
                            JM_INGEST_BATCH_MAX);
    if (call != JM_CALL_BATCH && len > JM_INGEST_EVENT_MAX)
        return jm_error_set(err, JM_ELIMIT,
                            "the %s call is %zu bytes; the limit is %u bytes per event",
                            jm_ingest_call_name(call), len, JM_INGEST_EVENT_MAX);
    return JM_OK;
}

jm_status jm_ingest_parse(enum jm_ingest_call call, const char *body, size_t len, int64_t received,
                          struct jm_ingest_batch **out, struct jm_error *err)
{
    *out = NULL;
    if ((unsigned)call >= JM_CALL__COUNT || (!body && len))
        return jm_error_set(err, JM_EINVAL, "no such ingest call");
    jm_status rc = check_size(call, len, err);
    if (rc)
        return rc;
    struct jm_ingest_batch *b = jm_calloc(1, sizeof(*b));
    if (!b)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    jm_arena_init(&b->arena);
    b->call = call;
    b->received = received;
    struct jm__jv *root;
    rc = jm__json_parse(body ? body : "", len, &b->arena, &root, err);
    if (!rc && root->type != JM_J_OBJECT)
        rc = jm_error_set(err, JM_EPARSE, "line 1, column 1: the body must be a JSON object");
    if (!rc && call == JM_CALL_BATCH)
        rc = parse_batch(b, root, err);
    else if (!rc)
        rc = parse_single(b, call, root, body, len, err);
    if (!rc && b->arena.failed)
        rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    if (rc) {
        jm_ingest_batch_free(b);
        return rc;
    }
    *out = b;
    return JM_OK;
}

void jm_ingest_batch_free(struct jm_ingest_batch *b)
{
    if (!b)
        return;
    jm_arena_release(&b->arena);
    jm_free(b);
}

size_t jm_ingest_batch_count(const struct jm_ingest_batch *b)
{
    return b ? b->n : 0;
}

const struct jm_ingest_item *jm_ingest_batch_item(const struct jm_ingest_batch *b, size_t i)
{
    return b && i < b->n ? &b->items[i].pub : NULL;
}
