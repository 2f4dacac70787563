/*
 * The workspace: journeymap's system of record (DESIGN.md §3). The embedded default is one SQLite
 * file (journeymap.db) in WAL mode with foreign keys on; all SQL lives in src/storage/.
 *
 * Entities other than events are rows keyed by their id. Events are kept columnar from the
 * start: imports append them in segments of up to JM_SEGMENT_EVENTS events, each column one
 * BLOB, so a workspace of 10^7 events loads into the analytic store in one sequential read and
 * imports are not bound by per-row B-tree inserts.
 *
 *   event_segments(id, n, min_time, max_time, <one BLOB per column>)
 *     key, time            u64[n], i64[n]   dedup key, UTC microseconds
 *     account, contact     u32[n]           rowid in accounts/contacts, 0 = none
 *     touchpoint, channel, utm_*, currency
 *                          u32[n]           id in `dict`, 0 = missing
 *     value, sentiment     f64[n]           NaN = missing
 *     message_id, anonymous_id, url, referrer, properties
 *                          string heap: u32 offsets[n + 1], then the bytes; empty = missing
 *   A column whose every value is missing in a segment is stored as NULL.
 *   All numbers are little-endian; `meta` records the format version.
 *
 * Writes happen inside a transaction (jm_storage_begin .. commit/rollback); an import is one
 * transaction, so a failed or killed import leaves the workspace as it was.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_STORAGE_H
#define JM_STORAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JM_SEGMENT_EVENTS 65536

struct jm_storage;

#define JM_STORAGE_CREATE   0x1u /* create the file when missing */
#define JM_STORAGE_READONLY 0x2u
/* Every commit is fsynced before it returns (PRAGMA synchronous = FULL), so what was
 * acknowledged survives an OS crash or power loss too: for the ingest writer, which answers 200
 * only for durable events. Other connections keep NORMAL (sqlite.c says why). Such a connection
 * never checkpoints the write-ahead log itself: its owner calls jm_storage_checkpoint() on
 * another connection, so no commit waits for a checkpoint. */
#define JM_STORAGE_DURABLE 0x4u

/*
 * Opens (and with JM_STORAGE_CREATE creates) the workspace at `path`, migrating its schema to
 * the current version. Returns owned; close with jm_storage_close(). A connection waits up to
 * 10 s for another one's write lock (several connections share a workspace: the server's
 * writer and request threads, the CLI) before failing with JM_ESTORAGE "busy". Errors:
 * JM_ENOTFOUND (no such workspace), JM_ESTORAGE (not a journeymap workspace, or newer than
 * this build).
 */
JM_API jm_status jm_storage_open(const char *path, unsigned flags, struct jm_storage **out,
                                 struct jm_error *err);
JM_API void jm_storage_close(struct jm_storage *st);
/* The schema version the workspace is at. */
JM_API int jm_storage_schema_version(struct jm_storage *st);

JM_API jm_status jm_storage_begin(struct jm_storage *st, struct jm_error *err);
/* Flushes pending event segments and commits. */
JM_API jm_status jm_storage_commit(struct jm_storage *st, struct jm_error *err);
/* Drops everything since begin, pending events included. */
JM_API void jm_storage_rollback(struct jm_storage *st);
/*
 * Copies what it can of the write-ahead log back into the database without waiting for
 * readers or writers (a passive checkpoint), so the log stays small while a JM_STORAGE_DURABLE
 * connection writes. Another checkpoint already running is not an error.
 */
JM_API jm_status jm_storage_checkpoint(struct jm_storage *st, struct jm_error *err);

enum jm_put_outcome { JM_PUT_INSERTED, JM_PUT_UPDATED, JM_PUT_UNCHANGED };

/*
 * Upserts one record inside a transaction. Entities are matched by id (revenue by account and
 * period start): a new id is inserted; an existing one gets the record's present fields
 * (ABSENT ones keep their stored value; properties are merged key by key), and is reported
 * UNCHANGED when that changes nothing. Events are deduplicated by jm_event_key(): a repeat is
 * UNCHANGED. References (account, contact, owner) must exist already, in the workspace or
 * earlier in this transaction: JM_ENOTFOUND names the missing id otherwise.
 * The record's strings are copied; nothing is borrowed past the call.
 */
JM_API jm_status jm_storage_put(struct jm_storage *st, const struct jm_record *rec,
                                enum jm_put_outcome *outcome, struct jm_error *err);

/*
 * Hints that about `n` more events will be put in the open transaction, so the set of event keys
 * used for deduplication makes room for them now rather than growing (and rehashing) by doubling
 * as they arrive. A hint only: the events put stay the same whatever `n` is, and a reservation
 * that cannot be had (out of memory, or `n` absurdly large) is skipped, not an error.
 * Errors: JM_EINVAL (no transaction open), JM_ESTORAGE (the stored keys cannot be read).
 */
JM_API jm_status jm_storage_expect_events(struct jm_storage *st, uint64_t n, struct jm_error *err);

/*
 * Merges the trailing run of small event segments (each under JM_SEGMENT_EVENTS / 16 events,
 * as many small commits leave them: the ingest writer's group commits write one each) into one
 * segment, in a transaction of its own. Every event keeps its key, fields and order; only the
 * segment rows change. Does nothing when there are fewer than two such segments. *merged (may
 * be NULL) is the number of segments removed. JM_EINVAL inside an open transaction.
 */
JM_API jm_status jm_storage_compact_events(struct jm_storage *st, unsigned *merged,
                                           struct jm_error *err);

/* Says whether an entity with text id `id` exists (committed or in this transaction). */
JM_API jm_status jm_storage_exists(struct jm_storage *st, enum jm_entity kind, const char *id,
                                   size_t len, bool *exists, struct jm_error *err);

/*
 * Calls `fn` for every record of `kind` other than events, in id order. The record and its
 * strings are valid during the call only. A non-zero return from `fn` stops the scan and is
 * returned.
 */
typedef jm_status (*jm_record_fn)(const struct jm_record *rec, void *ctx);
JM_API jm_status jm_storage_scan(struct jm_storage *st, enum jm_entity kind, jm_record_fn fn,
                                 void *ctx, struct jm_error *err);

/*
 * One decoded event segment. Columns follow enum jm_event_field; ids are resolved through
 * jm_event_segment_text(). Valid during the scan callback only.
 */
struct jm_event_segment {
    size_t n;
    const uint64_t *key;
    const int64_t *time;
    const uint32_t *account, *contact;  /* workspace row ids, 0 = none */
    const uint32_t *dict[JM_EV__COUNT]; /* dictionary columns, others NULL */
    const double *value, *sentiment;
    const uint32_t *heap_off[JM_EV__COUNT]; /* string-heap columns, others NULL */
    const char *heap[JM_EV__COUNT];
    const uint32_t *props_off;
    const char *props;
};
typedef jm_status (*jm_segment_fn)(const struct jm_event_segment *seg, void *ctx);
JM_API jm_status jm_storage_scan_events(struct jm_storage *st, jm_segment_fn fn, void *ctx,
                                        struct jm_error *err);
/*
 * Like jm_storage_scan_events(), reading only the fields whose bit (UINT64_C(1) << f) is in
 * `fields` (bit JM_EV__COUNT: properties, which are stored per event too); the others read as
 * missing. Time is always read. A reader that needs four columns of twenty reads a fraction of
 * the file.
 */
JM_API jm_status jm_storage_scan_event_fields(struct jm_storage *st, uint64_t fields,
                                              jm_segment_fn fn, void *ctx, struct jm_error *err);
/*
 * Text of event field `f` of event `i` of `seg` (dictionary, heap or resolved entity id) into
 * *s and *len; *len == 0 means missing (always for time, value and sentiment). Heap texts
 * (message_id, anonymous_id, url, referrer) are valid during the scan callback; dictionary
 * texts and entity ids until the storage is closed, a transaction is rolled back, or another
 * process's commit is noticed (the caches are rebuilt then).
 */
JM_API void jm_event_segment_text(struct jm_storage *st, const struct jm_event_segment *seg,
                                  size_t i, enum jm_event_field f, const char **s, size_t *len);
/*
 * The workspace row id of account or contact `id[0..len)`, as the account and contact columns of
 * struct jm_event_segment hold it, into *rowid: for readers that join other records to events
 * (the store applies the identities table this way). JM_ENOTFOUND when there is none.
 */
JM_API jm_status jm_storage_row_id(struct jm_storage *st, enum jm_entity kind, const char *id,
                                   size_t len, uint32_t *rowid, struct jm_error *err);
/* Properties JSON of event `i`, or len 0. */
JM_API void jm_event_segment_props(const struct jm_event_segment *seg, size_t i, const char **s,
                                   size_t *len);

/* Number of rows of `kind` (events: of events). */
JM_API jm_status jm_storage_count(struct jm_storage *st, enum jm_entity kind, uint64_t *n,
                                  struct jm_error *err);

/*
 * Runs SQLite's integrity check and journeymap's consistency checks (dangling references,
 * segment shapes, dictionary ids, duplicate event keys, time ordering of deals and tickets).
 * Each finding is passed to `report` as one line; *problems counts them, except lines that
 * start with "warning: " (e.g. a won deal without a close date).
 */
typedef void (*jm_report_fn)(const char *line, void *ctx);
JM_API jm_status jm_storage_check(struct jm_storage *st, jm_report_fn report, void *ctx,
                                  unsigned long *problems, struct jm_error *err);

/*
 * Records one finished import (file, mapping, rows read / inserted / updated / unchanged /
 * rejected) in the import log, inside the current transaction.
 */
struct jm_import_stats {
    uint64_t rows;
    uint64_t inserted[JM_ENT__COUNT];
    uint64_t updated[JM_ENT__COUNT];
    uint64_t unchanged[JM_ENT__COUNT];
    uint64_t rejected;
    uint64_t files; /* files read (a folder counts its files) */
};
JM_API jm_status jm_storage_log_import(struct jm_storage *st, const char *source,
                                       const char *mapping, const struct jm_import_stats *stats,
                                       struct jm_error *err);

/*
 * The workspace summary behind `journeymap stats`, one row at a time, section by section:
 *   "entities"        label = entity name, count = rows
 *   "deal stages"     label = "pipeline / stage (status)", count, amount = sum of amounts
 *   "deal status"     label = open/won/lost, count, amount
 *   "event channels"  label = channel or "(missing)", count
 *   "touchpoints"     label = touchpoint, count
 *   "events by month" label = "YYYY-MM", count (ascending months)
 *   "deals by month"  label = "YYYY-MM" of created, count, amount
 * Within a section rows come by count descending, then label, except the monthly ones.
 * `amount` is NAN where it does not apply.
 */
typedef jm_status (*jm_stat_fn)(const char *section, const char *label, uint64_t count,
                                double amount, void *ctx);
JM_API jm_status jm_storage_stats(struct jm_storage *st, jm_stat_fn fn, void *ctx,
                                  struct jm_error *err);

#ifdef __cplusplus
}
#endif
#endif /* JM_STORAGE_H */
