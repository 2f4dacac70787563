/*
 * The workspace schema, as an ordered list of migrations. jm__migrations[v] takes a workspace
 * from version v to v + 1; sqlite.c runs each in its own transaction and records the new
 * version in PRAGMA user_version and in meta. A released migration is never edited: a change
 * is a new entry (and JM__SCHEMA_VERSION + 1).
 *
 * Tables follow the entity definitions of src/model/entity.c exactly, field by field and in
 * order, between a leading `rowid INTEGER PRIMARY KEY` and trailing `properties` (a JSON
 * object) and `digest` (jm_record_digest() of the last record that changed the row). The unit
 * test schema_matches_model compares them with PRAGMA table_info so they cannot drift.
 *
 *   model type   column
 *   TEXT, ENUM   TEXT      (enums hold the canonical spelling; no CHECK, so a new enum value
 *                           needs no table rebuild; jm_storage_check() reports strays)
 *   REF          TEXT      the referenced entity's text id, FOREIGN KEY to its id column
 *   INT          INTEGER
 *   REAL         REAL
 *   TIME         INTEGER   UTC microseconds
 *
 * Events are not rows: event_segments holds them columnar (layout in storage.h and segment.c),
 * with low-cardinality text through `dict`.
 *
 * History:
 *   1  meta, the entity tables, dict, event_segments, import_log
 *   2  indexes on the reference columns (per-account lookups, cheap foreign key checks)
 *   3  the records of `journeymap serve` (workspace.h): api_keys, journey_versions,
 *      failed_events, identities; an index on accounts' normalised domain (ingest attaches a
 *      contact to the account of its email's domain)
 *
 * SPDX-License-Identifier: MIT
 */
#include "storage/internal.h"

#define ROW_HEAD "rowid INTEGER PRIMARY KEY,\n"
#define ROW_TAIL "properties TEXT NOT NULL DEFAULT '{}',\ndigest INTEGER"

static const char migration_1[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;\n"
    "INSERT INTO meta(key, value) VALUES\n"
    " ('format', '" JM__FORMAT "'),\n"
    " ('segment_format', '" JM__SEGMENT_FORMAT "'),\n"
    " ('byte_order', 'little-endian'),\n"
    " ('schema_version', '0');\n"

    "CREATE TABLE owners(\n" ROW_HEAD "id TEXT NOT NULL UNIQUE,\n"
    "name TEXT, email TEXT, team TEXT, manager TEXT, office TEXT,\n" ROW_TAIL ");\n"

    "CREATE TABLE accounts(\n" ROW_HEAD "id TEXT NOT NULL UNIQUE,\n"
    "name TEXT, domain TEXT, industry TEXT, size_band TEXT, employees INTEGER,\n"
    "region TEXT, country TEXT, segment TEXT,\n"
    "owner TEXT REFERENCES owners(id),\n"
    "created INTEGER,\n" ROW_TAIL ");\n"

    "CREATE TABLE contacts(\n" ROW_HEAD "id TEXT NOT NULL UNIQUE,\n"
    "account TEXT REFERENCES accounts(id),\n"
    "name TEXT, email TEXT, title TEXT, dmu_role TEXT, persona TEXT,\n"
    "owner TEXT REFERENCES owners(id),\n"
    "created INTEGER,\n" ROW_TAIL ");\n"

    "CREATE TABLE deals(\n" ROW_HEAD "id TEXT NOT NULL UNIQUE,\n"
    "account TEXT REFERENCES accounts(id),\n"
    "contact TEXT REFERENCES contacts(id),\n"
    "name TEXT, pipeline TEXT, stage TEXT, amount REAL, currency TEXT,\n"
    "created INTEGER, closed INTEGER, status TEXT, lost_reason TEXT,\n"
    "owner TEXT REFERENCES owners(id),\n"
    "product TEXT,\n" ROW_TAIL ");\n"

    "CREATE TABLE tickets(\n" ROW_HEAD "id TEXT NOT NULL UNIQUE,\n"
    "account TEXT REFERENCES accounts(id),\n"
    "contact TEXT REFERENCES contacts(id),\n"
    "opened INTEGER, first_response INTEGER, resolved INTEGER, priority TEXT,\n"
    "channel TEXT, status TEXT, csat REAL,\n" ROW_TAIL ");\n"

    "CREATE TABLE surveys(\n" ROW_HEAD "id TEXT NOT NULL UNIQUE,\n"
    "account TEXT REFERENCES accounts(id),\n"
    "contact TEXT REFERENCES contacts(id),\n"
    "time INTEGER, kind TEXT, score REAL, comment TEXT,\n" ROW_TAIL ");\n"

    "CREATE TABLE revenue(\n" ROW_HEAD "account TEXT NOT NULL REFERENCES accounts(id),\n"
    "period_start INTEGER NOT NULL,\n"
    "mrr REAL, currency TEXT,\n" ROW_TAIL ",\n"
    "UNIQUE(account, period_start));\n"

    "CREATE TABLE dict(id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);\n"

    /* Blob columns in the order of enum jm__segcol. */
    "CREATE TABLE event_segments(\n"
    "id INTEGER PRIMARY KEY, n INTEGER NOT NULL, min_time INTEGER NOT NULL,\n"
    "max_time INTEGER NOT NULL,\n"
    "key BLOB NOT NULL, time BLOB NOT NULL, account BLOB, contact BLOB,\n"
    "touchpoint BLOB, channel BLOB, utm_source BLOB, utm_medium BLOB, utm_campaign BLOB,\n"
    "utm_content BLOB, utm_term BLOB, currency BLOB, value BLOB, sentiment BLOB,\n"
    "message_id BLOB, anonymous_id BLOB, url BLOB, referrer BLOB, properties BLOB);\n"

    "CREATE TABLE import_log(\n"
    "id INTEGER PRIMARY KEY,\n"
    "time INTEGER NOT NULL,\n"
    "source TEXT NOT NULL,\n"
    "mapping TEXT,\n"
    "rows INTEGER NOT NULL,\n"
    "inserted INTEGER NOT NULL, updated INTEGER NOT NULL, unchanged INTEGER NOT NULL,\n"
    "rejected INTEGER NOT NULL,\n"
    "detail TEXT NOT NULL,\n"
    "version TEXT NOT NULL);\n";

static const char migration_2[] = "CREATE INDEX accounts_owner ON accounts(owner);\n"
                                  "CREATE INDEX contacts_account ON contacts(account);\n"
                                  "CREATE INDEX contacts_owner ON contacts(owner);\n"
                                  "CREATE INDEX deals_account ON deals(account);\n"
                                  "CREATE INDEX deals_contact ON deals(contact);\n"
                                  "CREATE INDEX deals_owner ON deals(owner);\n"
                                  "CREATE INDEX tickets_account ON tickets(account);\n"
                                  "CREATE INDEX tickets_contact ON tickets(contact);\n"
                                  "CREATE INDEX surveys_account ON surveys(account);\n"
                                  "CREATE INDEX surveys_contact ON surveys(contact);\n";

/*
 * Keys keep only a hash (access.h says why BLAKE2b is enough). Journey versions are
 * append-only; `yaml` is the whole definition, so any version can be served or diffed alone.
 * The domain index's expression must stay the one jm_storage_account_by_domain() queries.
 */
static const char migration_3[] = "CREATE TABLE api_keys(\n"
                                  "rowid INTEGER PRIMARY KEY,\n"
                                  "id TEXT NOT NULL UNIQUE,\n"
                                  "hash BLOB NOT NULL,\n"
                                  "role TEXT NOT NULL,\n"
                                  "name TEXT NOT NULL DEFAULT '',\n"
                                  "created INTEGER NOT NULL,\n"
                                  "last_used INTEGER,\n"
                                  "revoked INTEGER);\n"

                                  "CREATE TABLE journey_versions(\n"
                                  "rowid INTEGER PRIMARY KEY,\n"
                                  "key TEXT NOT NULL,\n"
                                  "version INTEGER NOT NULL CHECK (version > 0),\n"
                                  "saved INTEGER NOT NULL,\n"
                                  "author TEXT NOT NULL DEFAULT '',\n"
                                  "message TEXT NOT NULL DEFAULT '',\n"
                                  "yaml TEXT NOT NULL,\n"
                                  "UNIQUE(key, version));\n"

                                  "CREATE TABLE failed_events(\n"
                                  "id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
                                  "received INTEGER NOT NULL,\n"
                                  "key_id TEXT NOT NULL DEFAULT '',\n"
                                  "call TEXT NOT NULL,\n"
                                  "reason TEXT NOT NULL,\n"
                                  "payload TEXT NOT NULL);\n"

                                  "CREATE TABLE identities(\n"
                                  "anon TEXT PRIMARY KEY,\n"
                                  "contact TEXT NOT NULL REFERENCES contacts(id)) WITHOUT ROWID;\n"
                                  "CREATE INDEX identities_contact ON identities(contact);\n"

                                  "CREATE INDEX accounts_domain ON accounts(" JM__DOMAIN_KEY ");\n";

const char *const jm__migrations[JM__SCHEMA_VERSION] = {migration_1, migration_2, migration_3};
