/*
 * Live ingest in the shape of the Segment HTTP Tracking API, so existing tracking code can point
 * at journeymap: identify, group, track, page (and screen, read as page) calls, alone or in a
 * batch, become workspace records.
 *
 *   identify  userId -> the contact (traits: email, name, title, dmu_role, persona, created;
 *             the rest kept as properties); an anonymousId beside it is linked to the contact
 *             (workspace.h identities) so its earlier events count as the contact's; the
 *             contact's account from traits.company.id / context.groupId, else the one whose
 *             domain is the email's (never for free-mail domains)
 *   group     groupId -> the account (traits: name, domain or website, industry, employees,
 *             size_band, country, region, segment, created), and userId's contact joins it
 *   track     an event: touchpoint = event name; contact = userId (a bare contact is created
 *             when unknown), else anonymousId; account = context.groupId, else the contact's;
 *             properties.revenue / value -> value, currency; sentiment from properties
 *   page      an event: touchpoint "page_view" (name and category kept as properties)
 *
 * Every event gets utm_* from context.campaign, else from the query of context.page.url (or
 * properties.url), and a channel group (the default rules of define.h: "Paid Search",
 * "Organic Search", "Email", "Referral", "Direct", ...) from them and the referrer. The time is
 * `timestamp` corrected for the client's clock (timestamp + receivedAt - sentAt, as Segment does)
 * and else the time received. messageId is the event's dedup key: the same messageId twice is
 * stored once, in the same transaction as the event (the key is part of the event segment).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_INGEST_H
#define JM_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journeymap.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JM_INGEST_EVENT_MAX (32u * 1024u)  /* bytes of one call's JSON, as Segment */
#define JM_INGEST_BATCH_MAX (500u * 1024u) /* bytes of one batch request, as Segment */

enum jm_ingest_call {
    JM_CALL_IDENTIFY,
    JM_CALL_GROUP,
    JM_CALL_TRACK,
    JM_CALL_PAGE,
    JM_CALL_BATCH, /* {"batch": [calls with "type"], "context": {...}} */
    JM_CALL__COUNT
};
/* "identify", ... "batch"; parse also takes "screen" as JM_CALL_PAGE. */
JM_API const char *jm_ingest_call_name(enum jm_ingest_call c);
JM_API bool jm_ingest_call_parse(const char *s, enum jm_ingest_call *out);

/* One request's calls, parsed and later written. Owned; jm_ingest_batch_free. */
struct jm_ingest_batch;

enum jm_item_outcome {
    JM_ITEM_PENDING,   /* parsed, not written yet */
    JM_ITEM_STORED,    /* written (or, for identify/group, applied) */
    JM_ITEM_DUPLICATE, /* its messageId was stored before: nothing written */
    JM_ITEM_FAILED     /* kept in failed_events with `reason` */
};
struct jm_ingest_item {
    enum jm_ingest_call call;
    enum jm_item_outcome outcome;
    const char *message_id; /* "" when it had none */
    const char *reason;     /* JM_ITEM_FAILED: "timestamp: not an ISO-8601 time" */
};

/*
 * Parses the body of a request to /v1/<call> received at `received` into a new batch. A call
 * that is valid JSON but not a valid event (no userId nor anonymousId, a bad timestamp, track
 * without event...) becomes a FAILED item with its reason and its JSON kept for the failed-events
 * table; the others are PENDING. Errors (the request is refused, nothing written):
 *   JM_EPARSE  the body is not JSON, or not an object (batch: "batch" not a list), with
 *              "line L, column C: ..." from the parser
 *   JM_ELIMIT  the body is over JM_INGEST_BATCH_MAX (batch) / JM_INGEST_EVENT_MAX (one call), or
 *              one call of a batch is over JM_INGEST_EVENT_MAX: the message names the limit
 *              ("event 3 of the batch is 40213 bytes; the limit is 32768 bytes per event")
 */
JM_API jm_status jm_ingest_parse(enum jm_ingest_call call, const char *body, size_t len,
                                 int64_t received, struct jm_ingest_batch **out,
                                 struct jm_error *err);
JM_API void jm_ingest_batch_free(struct jm_ingest_batch *b);
JM_API size_t jm_ingest_batch_count(const struct jm_ingest_batch *b);
/* Item `i` (valid until the batch is freed). */
JM_API const struct jm_ingest_item *jm_ingest_batch_item(const struct jm_ingest_batch *b, size_t i);

/* ---------------------------------------------------------------- the writer */

/*
 * One thread that owns the workspace's write connection and commits with group commit: requests
 * submit their batches and wait; the writer takes every batch waiting, writes them in one
 * transaction (each batch under its own savepoint, so one batch's storage error does not undo
 * another's), commits with synchronous=FULL, and only then wakes the requests. Many requests
 * share one fsync, so throughput grows with concurrency while each answer still means durable.
 */
struct jm_ingest_writer;

struct jm_ingest_writer_options {
    const char *db_path;
    unsigned max_batch_events; /* events per transaction at most (0: 20000) */
    unsigned linger_us;        /* wait this long for more batches before committing (0: none) */
};

JM_API jm_status jm_ingest_writer_open(const struct jm_ingest_writer_options *o,
                                       struct jm_ingest_writer **out, struct jm_error *err);
/* Writes what was submitted, then stops the thread and closes the connection. */
JM_API void jm_ingest_writer_close(struct jm_ingest_writer *w);
/*
 * Submits batch `b` (sent with write key `key_id`, recorded with failed items) and waits until
 * it is committed. Afterwards each item's outcome is STORED, DUPLICATE or FAILED. JM_ESTORAGE /
 * JM_EIO when the commit failed: nothing of the batch is stored and the request must not be
 * acknowledged.
 */
JM_API jm_status jm_ingest_submit(struct jm_ingest_writer *w, struct jm_ingest_batch *b,
                                  const char *key_id, struct jm_error *err);

struct jm_ingest_stats {
    uint64_t commits, batches, stored, duplicates, failed;
};
JM_API void jm_ingest_writer_stats(struct jm_ingest_writer *w, struct jm_ingest_stats *out);

#ifdef __cplusplus
}
#endif
#endif /* JM_INGEST_H */
