/*
 * Storage internals shared by the files of src/storage/:
 *
 *   sqlite.c   the SQLite connection: open, migrations, transactions, row upserts, scans,
 *              the id and dictionary caches, segment reads and writes. The only file that
 *              includes <sqlite3.h>; the others reach SQL through the jm__storage_* calls here.
 *   schema.c   the versioned migration scripts.
 *   segment.c  the columnar event segment: builder, encoding, decoding, text accessors.
 *   events.c   the event put path: dedup key set, reference and dictionary resolution.
 *   check.c    jm_storage_check().
 *   stats.c    jm_storage_stats().
 *   keys.c journeys.c failed.c identity.c lookup.c
 *              the workspace records of workspace.h, through jm__storage_exec() (parameterised
 *              statements cached per connection) and jm__storage_scan_where().
 *
 * Caches (all per connection, all rebuilt from the database on demand):
 *
 *   names[entity]  text id -> rowid (jm_strmap), plus rowid -> text (by_id) for segment text
 *   dict           dictionary value -> id, plus id -> value
 *   keys           event dedup keys of every stored segment and of this transaction's events
 *   hit[column]    the last value seen per event column, so runs of equal values skip hashing
 *
 * A rollback drops the caches the transaction wrote to (their new entries may name rows that
 * no longer exist); a commit by another connection, seen through PRAGMA data_version, drops
 * them all.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_STORAGE_INTERNAL_H
#define JM_STORAGE_INTERNAL_H

#include <string.h>

#include "journeymap/storage.h"
#include "base/internal.h"

/* The segment format stores numbers little-endian and the code copies them as they are. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#    error "NEEDSWORK: event segments need byte swapping on big-endian hosts"
#endif

/* Matches sqlite3.h's typedefs, so this header needs no SQLite include. */
struct sqlite3;
struct sqlite3_stmt;

/* ---------------------------------------------------------------- schema (schema.c) */

#define JM__SCHEMA_VERSION 3
/* Application id in the SQLite header: "JMAP". */
#define JM__APPLICATION_ID 0x4a4d4150
#define JM__FORMAT         "journeymap workspace"
#define JM__SEGMENT_FORMAT "1"

/* An account's domain as matched by jm_storage_account_by_domain(): lower case, without a
 * leading "www.". Indexed (migration 3), so the query must use this very text. */
#define JM__DOMAIN_KEY                                                                             \
    "(CASE WHEN lower(substr(domain, 1, 4)) = 'www.' THEN lower(substr(domain, 5))"                \
    " ELSE lower(domain) END)"

/* jm__migrations[v] takes a workspace from schema version v to v + 1. */
extern const char *const jm__migrations[JM__SCHEMA_VERSION];

/* ---------------------------------------------------------------- segments (segment.c) */

/* The BLOB columns of event_segments, in table order. */
enum jm__segcol {
    JM_SC_KEY,
    JM_SC_TIME,
    JM_SC_ACCOUNT,
    JM_SC_CONTACT,
    JM_SC_TOUCHPOINT,
    JM_SC_CHANNEL,
    JM_SC_UTM_SOURCE,
    JM_SC_UTM_MEDIUM,
    JM_SC_UTM_CAMPAIGN,
    JM_SC_UTM_CONTENT,
    JM_SC_UTM_TERM,
    JM_SC_CURRENCY,
    JM_SC_VALUE,
    JM_SC_SENTIMENT,
    JM_SC_MESSAGE_ID,
    JM_SC_ANONYMOUS_ID,
    JM_SC_URL,
    JM_SC_REFERRER,
    JM_SC_PROPERTIES,
    JM_SC__COUNT
};

enum jm__colkind {
    JM_CK_U64,  /* key */
    JM_CK_I64,  /* time */
    JM_CK_REF,  /* u32 rowid of an account or contact, 0 = none */
    JM_CK_DICT, /* u32 id in dict, 0 = missing */
    JM_CK_F64,  /* NaN = missing */
    JM_CK_HEAP  /* u32 offsets[n + 1], then the bytes */
};

struct jm__segcol_def {
    const char *name;
    enum jm__colkind kind;
    int field; /* enum jm_event_field, or -1 (key, properties) */
};
extern const struct jm__segcol_def jm__segcols[JM_SC__COUNT];

/*
 * One segment as stored: a pointer and length per column. A NULL column means every event of
 * the segment misses that value (key and time are never NULL).
 */
struct jm__segblobs {
    int64_t id;
    size_t n;
    int64_t min_time, max_time;
    const void *data[JM_SC__COUNT];
    size_t len[JM_SC__COUNT];
};

/* The fixed-width arrays of one segment of up to JM_SEGMENT_EVENTS events, in one block. */
struct jm__segarrays {
    void *block;
    uint64_t *key;
    int64_t *time;
    uint32_t *u32[JM_SC__COUNT]; /* REF and DICT columns */
    double *f64[JM_SC__COUNT];
    uint32_t *off[JM_SC__COUNT]; /* HEAP columns (reader only): n + 1 offsets */
};

/* A heap column being built: room for the offsets first, then the bytes (see segment.c). */
struct jm__heap {
    char *buf;
    size_t len, cap;
    size_t moved; /* bytes shifted down by encode, for unencode */
};

/* The segment being built in the current transaction. */
struct jm__segbuf {
    struct jm__segarrays a;
    size_t n;
    int64_t min_time, max_time;
    size_t heap_bytes; /* all heaps together */
    uint32_t present;  /* bit per column: some event has a value */
    struct jm__heap heap[JM_SC__COUNT];
};

/* One event as the builder takes it: everything resolved, nothing left to fail. */
struct jm__segrow {
    uint64_t key;
    int64_t time;
    uint32_t u32[JM_SC__COUNT];
    double f64[JM_SC__COUNT];
    const char *s[JM_SC__COUNT];
    size_t len[JM_SC__COUNT];
};

/* Decoded segments handed to scan callbacks. */
struct jm__segread {
    struct jm__segarrays a;
    struct jm_event_segment seg;
};

void jm__segbuf_release(struct jm__segbuf *b);
/* Forgets the pending events, keeping the memory. */
void jm__segbuf_reset(struct jm__segbuf *b);
/* Whether `row` fits in the segment, or the segment must be flushed first. */
bool jm__segbuf_fits(const struct jm__segbuf *b, const struct jm__segrow *row);
/* Makes room for `row`, so that jm__segbuf_append() cannot fail. */
jm_status jm__segbuf_reserve(struct jm__segbuf *b, const struct jm__segrow *row);
void jm__segbuf_append(struct jm__segbuf *b, const struct jm__segrow *row);
/*
 * Lays the pending events out as stored columns in *out, pointing into `b` (valid until the
 * next change to `b`). After a failed write, jm__segbuf_unencode() restores the builder.
 */
void jm__segbuf_encode(struct jm__segbuf *b, struct jm__segblobs *out);
void jm__segbuf_unencode(struct jm__segbuf *b);

void jm__segread_release(struct jm__segread *r);
/*
 * Validates the stored segment `raw` and decodes it into r->seg (aligned copies of the fixed
 * columns; heap bytes point into `raw`). On JM_ESTORAGE, `why` says what is wrong.
 */
jm_status jm__segread_decode(struct jm__segread *r, const struct jm__segblobs *raw, char *why,
                             size_t whylen);

/* ---------------------------------------------------------------- the connection */

struct jm__name {
    const char *s; /* in the owning map's key arena; NULL: unknown */
    uint32_t len;
};

/* Text <-> id for one table (an entity's ids, or the event dictionary). */
struct jm__names {
    struct jm_strmap map; /* text -> rowid */
    struct jm__name *by_id;
    size_t cap;    /* entries of by_id */
    bool complete; /* every row of the table is in `map` */
};

/* The last value resolved for an event column. */
struct jm__hit {
    const char *s; /* the cached key's bytes, NULL when empty */
    size_t len;
    uint32_t id;
};

/* Cached upsert statements for one set of present fields of one entity. */
struct jm__upsert {
    uint32_t mask; /* bit i: field i present; JM__MASK_PROPS: properties present */
    struct sqlite3_stmt *ins, *upd;
};
#define JM__MASK_PROPS (UINT32_C(1) << 31)

/* Fixed statements, prepared on first use. */
enum jm__stmt {
    JM_Q_BEGIN,
    JM_Q_BEGIN_READ,
    JM_Q_COMMIT,
    JM_Q_ROLLBACK,
    JM_Q_DATA_VERSION,
    JM_Q_DICT_INSERT,
    JM_Q_SEGMENT_INSERT,
    JM_Q_EVENT_COUNT,
    JM_Q_IMPORT_LOG,
    JM_Q__COUNT
};

/* A statement of jm__storage_exec(), prepared once per connection. */
struct jm__cached {
    const char *sql;
    struct sqlite3_stmt *s;
};

/* Which caches the open transaction added to (rollback drops those). */
#define JM__DIRTY_DICT (1u << JM_ENT__COUNT)
#define JM__DIRTY_KEYS (1u << (JM_ENT__COUNT + 1))

struct jm_storage {
    struct sqlite3 *db;
    char *path;
    unsigned flags;
    int version;
    bool in_tx;
    bool tx_aborted; /* SQLite rolled the transaction back after an error */
    bool reading;    /* a scan holds a read transaction */
    unsigned dirty;
    bool have_data_version;
    int64_t data_version;
    uint64_t own_commits; /* commits through this connection, for jm_storage_data_version() */

    struct sqlite3_stmt *q[JM_Q__COUNT];
    struct sqlite3_stmt *find[JM_ENT__COUNT];  /* identity -> rowid */
    struct sqlite3_stmt *count[JM_ENT__COUNT]; /* count(*) */
    struct jm__upsert *ups[JM_ENT__COUNT];
    size_t nups[JM_ENT__COUNT], capups[JM_ENT__COUNT];

    struct jm__names names[JM_ENT__COUNT];
    struct jm__names dict;
    struct jm_u64set keys;
    bool keys_loaded;
    struct jm__hit hit[JM_SC__COUNT];

    struct jm__cached *cached; /* jm__storage_exec() statements, by address of their text */
    size_t ncached, capcached;

    struct jm__segbuf build;
    struct jm__segread read;
    struct jm_strbuf scratch; /* identity keys, SQL text */
};

/* ---------------------------------------------------------------- sqlite.c for the others */

/*
 * Resolves the text id of an account or contact to its rowid: from the cache, else one SELECT
 * (then cached). *key points at the cached copy of the id (valid until the caches drop).
 * JM_ENOTFOUND: "<entity> '<id>' does not exist".
 */
jm_status jm__storage_ref(struct jm_storage *st, enum jm_entity kind, const char *s, size_t len,
                          uint64_t *rowid, const char **key, struct jm_error *err);
/* The dictionary id of `s`, inserting it when new. *key as above. */
jm_status jm__storage_dict_id(struct jm_storage *st, const char *s, size_t len, uint64_t *id,
                              const char **key, struct jm_error *err);
/* Loads the dedup keys of every stored segment into st->keys (once per cache lifetime). */
jm_status jm__storage_load_keys(struct jm_storage *st, struct jm_error *err);
/* Writes the pending segment, if any. */
jm_status jm__storage_flush(struct jm_storage *st, struct jm_error *err);
/* Loads the whole dictionary and the account and contact ids, for segment text. */
jm_status jm__storage_load_names(struct jm_storage *st, struct jm_error *err);

/*
 * Calls `fn` for every stored segment, raw (undecoded), in id order. Only the columns whose bit
 * (1 << column) is in `columns` are read; the others come back NULL, which decodes as missing
 * (key and time are always read).
 */
typedef jm_status (*jm__raw_fn)(const struct jm__segblobs *raw, void *ctx);
jm_status jm__storage_segments(struct jm_storage *st, uint32_t columns, jm__raw_fn fn, void *ctx,
                               struct jm_error *err);
#define JM__ALL_SEGCOLS ((1u << JM_SC__COUNT) - 1)

/* One result column of jm__storage_query() and jm__storage_exec(), or one parameter. */
struct jm__sqlval {
    enum { JM_SQL_NULL, JM_SQL_INT, JM_SQL_REAL, JM_SQL_TEXT, JM_SQL_BLOB } type;
    int64_t i;
    double r;
    const char *s; /* TEXT and BLOB (never NULL in a result; "" for NULL) */
    size_t len;
};
#define JM__SQL_MAXCOL 24 /* compact.c reads a whole segment row: 4 + JM_SC__COUNT */
typedef jm_status (*jm__row_fn)(const struct jm__sqlval *col, int ncol, void *ctx);
/*
 * Runs one fixed SQL statement (no parameters; never data in its text) and calls `fn` per
 * row with up to JM__SQL_MAXCOL columns, valid during the call.
 */
jm_status jm__storage_query(struct jm_storage *st, const char *sql, jm__row_fn fn, void *ctx,
                            struct jm_error *err);

/* Parameters for jm__storage_exec(). */
static inline struct jm__sqlval jm__sql_int(int64_t i)
{
    return (struct jm__sqlval){.type = JM_SQL_INT, .i = i};
}
/* `s` may be NULL: binds SQL NULL. */
static inline struct jm__sqlval jm__sql_text(const char *s, size_t len)
{
    return (struct jm__sqlval){.type = s ? JM_SQL_TEXT : JM_SQL_NULL, .s = s, .len = len};
}
static inline struct jm__sqlval jm__sql_str(const char *s)
{
    return jm__sql_text(s, s ? strlen(s) : 0);
}
static inline struct jm__sqlval jm__sql_blob(const void *p, size_t len)
{
    return (struct jm__sqlval){.type = JM_SQL_BLOB, .s = (const char *)p, .len = len};
}
static inline struct jm__sqlval jm__sql_null(void)
{
    return (struct jm__sqlval){.type = JM_SQL_NULL};
}

/* What a jm__storage_exec() write did. */
struct jm__sqlresult {
    int64_t changes; /* rows inserted, updated or deleted */
    int64_t rowid;   /* the last inserted rowid */
};

/*
 * Runs the parameterised statement `sql` with args[0..nargs) bound to ?1..?nargs, calling `fn`
 * (may be NULL) per result row with columns valid during the call; a non-zero return from `fn`
 * stops and is returned. `sql` must be a string with static storage: the prepared statement is
 * kept per connection, found again by the text's address. A write (the statement is not read-
 * only) joins the open transaction, or when none is open runs alone in autocommit, which is one
 * transaction of its own; it is refused inside an aborted transaction. `res` may be NULL.
 * Constraint failures are JM_ECONFLICT with SQLite's message in `err`.
 */
jm_status jm__storage_exec(struct jm_storage *st, const char *sql, const struct jm__sqlval *args,
                           int nargs, jm__row_fn fn, void *ctx, struct jm__sqlresult *res,
                           struct jm_error *err);

/*
 * Like jm_storage_scan(), with a filter: `where` is SQL text put after "WHERE" (built by the
 * caller from fixed column names, never from data) with parameters args[0..nargs), and at most
 * `limit` records (0: all). Records come in id order (revenue: account, period start).
 */
jm_status jm__storage_scan_where(struct jm_storage *st, enum jm_entity kind, const char *where,
                                 const struct jm__sqlval *args, int nargs, size_t limit,
                                 jm_record_fn fn, void *ctx, struct jm_error *err);

/* Checks the caches against PRAGMA data_version (refresh in sqlite.c) and returns the number
 * behind jm_storage_data_version(). */
jm_status jm__storage_version(struct jm_storage *st, uint64_t *v, struct jm_error *err);

/* events.c: the event branch of jm_storage_put(). */
jm_status jm__event_put(struct jm_storage *st, const struct jm_record *rec,
                        enum jm_put_outcome *outcome, struct jm_error *err);

#endif /* JM_STORAGE_INTERNAL_H */
