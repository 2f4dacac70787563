/*
 * The workspace's records besides the customer data (storage.h): what `journeymap serve` keeps
 * between runs. All SQL stays in src/storage/ (schema migration 3).
 *
 *   api_keys          one row per API key: its public id, the BLAKE2b hash of the whole key
 *                     (never the key), role, name, created / last used / revoked times
 *   journey_versions  every saved version of every journey definition: key, version (1, 2, ...
 *                     per key), the YAML text, who saved it, why, when. Versions are never
 *                     changed or deleted: the map is a living document with a history.
 *   failed_events     ingest payloads that could not be stored, with the reason, for replay
 *   identities        anonymous id -> contact, recorded on identify; the store resolves an
 *                     event that carries only an anonymous id to its contact through it
 *
 * Every writer here runs inside the caller's transaction (jm_storage_begin .. commit) or, when
 * none is open, in one of its own.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_WORKSPACE_H
#define JM_WORKSPACE_H

#include <stdbool.h>
#include <stdint.h>

#include "storage.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- API keys */

/* Roles, from most to least allowed (access.h says what each may do). */
enum jm_role { JM_ROLE_ADMIN, JM_ROLE_EDITOR, JM_ROLE_VIEWER, JM_ROLE_INGEST, JM_ROLE__COUNT };

#define JM_KEY_ID_LEN   8  /* the public part of a key, stored and listed in clear */
#define JM_KEY_HASH_LEN 32 /* BLAKE2b-256 of the whole key */

struct jm_key_row {
    int64_t rowid;
    char id[JM_KEY_ID_LEN + 1];
    unsigned char hash[JM_KEY_HASH_LEN];
    enum jm_role role;
    const char *name; /* what it is for ("website tracking"); valid during the callback */
    int64_t created, last_used, revoked; /* UTC microseconds; 0 = never */
};

/* Stores a new key. JM_ECONFLICT when `id` is taken. */
JM_API jm_status jm_keys_put(struct jm_storage *st, const struct jm_key_row *key,
                             struct jm_error *err);
/* The key with public id `id` into *out (name not kept: NULL); *found false when none. */
JM_API jm_status jm_keys_find(struct jm_storage *st, const char *id, struct jm_key_row *out,
                              bool *found, struct jm_error *err);
/* Every key, revoked ones too, oldest first. */
typedef jm_status (*jm_key_fn)(const struct jm_key_row *key, void *ctx);
JM_API jm_status jm_keys_list(struct jm_storage *st, jm_key_fn fn, void *ctx, struct jm_error *err);
/* Marks key `id` revoked at `when`. JM_ENOTFOUND when no such key. Revoking twice keeps the
 * first time. */
JM_API jm_status jm_keys_revoke(struct jm_storage *st, const char *id, int64_t when,
                                struct jm_error *err);
/* Records that key `id` was used at `when` (best effort: callers may ignore failure). Written
 * only when the stored time is a minute or more older, so a busy key costs no write per
 * request; a caller holding the row may skip the call when row.last_used is that recent. */
JM_API jm_status jm_keys_touch(struct jm_storage *st, const char *id, int64_t when,
                               struct jm_error *err);

/* ---------------------------------------------------------------- journey versions */

struct jm_journey_version {
    const char *key;     /* the definition's key ("b2b-5") */
    int version;         /* 1, 2, ... per key */
    int64_t saved;       /* UTC microseconds */
    const char *author;  /* key name or "cli"; may be "" */
    const char *message; /* why it was saved ("edit pain points of Decision"); may be "" */
    const char *yaml;    /* the definition as saved; NUL-terminated */
    size_t yaml_len;
};

/*
 * Saves `yaml` as the next version of journey `key` (1 when it is the first) and returns that
 * version in *version. The caller has checked that the text parses (jm_journey_parse). `saved`
 * is the time to record (the clock's now in production; tests pass their own).
 */
JM_API jm_status jm_journeys_save(struct jm_storage *st, const char *key, const char *yaml,
                                  size_t yaml_len, const char *author, const char *message,
                                  int64_t saved, int *version, struct jm_error *err);
/*
 * One version of `key` into `fn`: `version` > 0 that version; 0 the latest, or with `as_of` !=
 * INT64_MAX the latest saved at or before `as_of`. JM_ENOTFOUND names the key (and version or
 * date) when there is none.
 */
typedef jm_status (*jm_journey_version_fn)(const struct jm_journey_version *v, void *ctx);
JM_API jm_status jm_journeys_get(struct jm_storage *st, const char *key, int version, int64_t as_of,
                                 jm_journey_version_fn fn, void *ctx, struct jm_error *err);
/* The versions of `key` (every key when NULL), newest first per key; `yaml` is NULL here. */
JM_API jm_status jm_journeys_list(struct jm_storage *st, const char *key, jm_journey_version_fn fn,
                                  void *ctx, struct jm_error *err);

/* ---------------------------------------------------------------- failed events */

struct jm_failed_event {
    int64_t id;
    int64_t received;    /* UTC microseconds */
    const char *key_id;  /* the write key's public id, or "" */
    const char *call;    /* "track", "identify", "batch", ... */
    const char *reason;  /* "batch[3].timestamp: not an ISO-8601 time" */
    const char *payload; /* the event's JSON text as received (the whole body when it did not
                            parse); may be cut to JM_FAILED_PAYLOAD_MAX bytes */
    size_t payload_len;
};
#define JM_FAILED_PAYLOAD_MAX (512u * 1024u)

JM_API jm_status jm_failed_put(struct jm_storage *st, const struct jm_failed_event *ev, int64_t *id,
                               struct jm_error *err);
/* Failed events with id > `after`, oldest first, at most `limit` (0: all). */
typedef jm_status (*jm_failed_fn)(const struct jm_failed_event *ev, void *ctx);
JM_API jm_status jm_failed_list(struct jm_storage *st, int64_t after, size_t limit, jm_failed_fn fn,
                                void *ctx, struct jm_error *err);
/* Removes failed event `id` (after a successful replay). JM_ENOTFOUND when none. */
JM_API jm_status jm_failed_delete(struct jm_storage *st, int64_t id, struct jm_error *err);
JM_API jm_status jm_failed_count(struct jm_storage *st, uint64_t *n, struct jm_error *err);

/* ---------------------------------------------------------------- identities */

/*
 * Records that anonymous id `anon` is contact `contact` (which must exist). A later identify of
 * the same anonymous id as another contact keeps the first (the browser was shared; the first
 * sign-in owns its history); *linked says whether this call added the link.
 */
JM_API jm_status jm_identity_link(struct jm_storage *st, const char *anon, const char *contact,
                                  bool *linked, struct jm_error *err);
/* The contact of `anon` into `sb` (emptied first); *found false when none. */
JM_API jm_status jm_identity_find(struct jm_storage *st, const char *anon, struct jm_strbuf *sb,
                                  bool *found, struct jm_error *err);
/* Every link, for the store loader. Strings valid during the call. */
typedef jm_status (*jm_identity_fn)(const char *anon, const char *contact, void *ctx);
JM_API jm_status jm_identity_scan(struct jm_storage *st, jm_identity_fn fn, void *ctx,
                                  struct jm_error *err);

/* ---------------------------------------------------------------- lookups */

/*
 * The record of `kind` with text id `id` into `fn` (revenue: not supported). *found false when
 * there is none (fn not called).
 */
JM_API jm_status jm_storage_get(struct jm_storage *st, enum jm_entity kind, const char *id,
                                jm_record_fn fn, void *ctx, bool *found, struct jm_error *err);
/*
 * Records of `kind` in id order after `after` ("" from the start), at most `limit`, where field
 * `field` equals `value` when `field` is not NULL (e.g. contacts with account = "ACME", deals
 * with account = "ACME"). For the API's pages and an account's contacts and deals.
 */
JM_API jm_status jm_storage_page(struct jm_storage *st, enum jm_entity kind, const char *after,
                                 size_t limit, const char *field, const char *value,
                                 jm_record_fn fn, void *ctx, struct jm_error *err);
/* The id of the account whose `domain` is `domain` (case-insensitive; a leading "www." on either
 * side ignored) into `sb`; *found false when none or more than one. */
JM_API jm_status jm_storage_account_by_domain(struct jm_storage *st, const char *domain,
                                              struct jm_strbuf *sb, bool *found,
                                              struct jm_error *err);

/*
 * A number that changes whenever another connection commits to the workspace (SQLite's
 * PRAGMA data_version plus this connection's own commits), so a server can tell that its
 * cached analysis is stale without reading anything else.
 */
JM_API jm_status jm_storage_data_version(struct jm_storage *st, uint64_t *v, struct jm_error *err);

#ifdef __cplusplus
}
#endif
#endif /* JM_WORKSPACE_H */
