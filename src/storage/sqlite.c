/*
 * The SQLite workspace (storage.h): the only file that includes <sqlite3.h>.
 *
 * Connection settings, and why:
 *   journal_mode=WAL     readers (the server, `stats`) never block the importer and vice versa.
 *   synchronous=NORMAL   in WAL mode a commit is appended to the WAL with write(2) before it
 *                        returns; the data is in the OS page cache, so killing the process (even
 *                        kill -9) at any moment keeps every committed import and loses nothing
 *                        but the one in flight, whose WAL frames the next open ignores (the
 *                        test killed_import_keeps_what_was_committed does exactly this). Only an
 *                        OS crash or power loss can lose the last commits (never corrupt the
 *                        file: checkpoints still fsync), because NORMAL does not fsync the WAL
 *                        on each commit. That is the durability we promise; re-running the
 *                        import repairs it, since imports are idempotent.
 *   foreign_keys=ON      SQLite enforces every REF column; jm_storage_put() checks references
 *                        itself first only to give a clear "account 'X' does not exist".
 *   synchronous=FULL     instead, with JM_STORAGE_DURABLE (the ingest writer): the WAL is
 *                        fsynced on every commit, because ingest answers 200 only for events
 *                        that survive a power loss; group commit spreads that cost.
 *   wal_autocheckpoint=0 also with JM_STORAGE_DURABLE: SQLite would otherwise copy the WAL back
 *                        into the database (and fsync it) inside every thousandth page's commit,
 *                        a pause of a hundred ms and more that every request of that group
 *                        waits for; the writer's owner checkpoints from another connection
 *                        instead (jm_storage_checkpoint), which does not stop commits.
 *   busy_timeout=10000   a second writer waits for the first rather than failing at once: the
 *                        server runs a writer thread, request threads and maybe the CLI on one
 *                        file, and an ingest group commit holds the lock for a few ms.
 *   BEGIN IMMEDIATE      a transaction takes the write lock up front, so two importers queue
 *                        instead of deadlocking on a read-to-write upgrade.
 *
 * Opening: stat() tells a missing file (JM_ENOTFOUND) from a bad one; the SQLite header's
 * application_id ("JMAP") and the meta table tell a workspace from any other database; PRAGMA
 * user_version is the schema version, and schema.c's migrations bring it up to date one
 * transaction each.
 *
 * Every statement is prepared (SQL text comes from this file and the entity tables, never from
 * data) and the hot ones are cached: fixed ones in st->q, per-entity lookups, and upserts per
 * (entity, set of present fields). A row upsert first finds the id's rowid (the id cache, else
 * one SELECT), then runs an INSERT, or an UPDATE whose WHERE clause compares the new values
 * with the stored ones so sqlite3_changes() tells UPDATED from UNCHANGED. (INSERT .. ON
 * CONFLICT DO UPDATE would count an insert and an update alike, and the cache lookup is needed
 * anyway for references.)
 *
 * A connection is used by one thread at a time (SQLITE_OPEN_NOMUTEX); the server opens one
 * per worker.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "model/internal.h"
#include "storage/internal.h"

#define P_PROPS    (JM_MAX_FIELDS + 1) /* SQL parameter numbers after the fields' 1..nfields */
#define P_DIGEST   (JM_MAX_FIELDS + 2)
#define P_ROWID    (JM_MAX_FIELDS + 3)
#define ALL_CACHES (~0u)

/* ================================================================ errors and statements */

static void drop_caches(struct jm_storage *st, unsigned which);

/* Turns a SQLite failure into a status and message; notes a transaction SQLite rolled back. */
/* Write-ahead log frames (pages) past which jm_storage_checkpoint() makes the log start over:
 * 16384 pages of 4 KB, the 64 MB journal_size_limit. */
#define JM__WAL_RESTART_FRAMES 16384

static jm_status db_fail(struct jm_storage *st, int rc, struct jm_error *err, const char *what)
{
    jm_status code = JM_ESTORAGE;
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        code = JM_ENOMEM;
        break;
    case SQLITE_CONSTRAINT:
        code = JM_ECONFLICT;
        break;
    case SQLITE_TOOBIG:
        code = JM_ELIMIT;
        break;
    default:
        break;
    }
    const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    jm_error_set(err, code, "%s: %s", what, msg);
    if (st->in_tx && sqlite3_get_autocommit(st->db))
        st->tx_aborted = true;
    return code;
}

static jm_status prepare(struct jm_storage *st, const char *sql, bool keep, sqlite3_stmt **out,
                         struct jm_error *err)
{
    int rc = sqlite3_prepare_v3(st->db, sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL);
    if (rc != SQLITE_OK) {
        *out = NULL;
        return db_fail(st, rc, err, "cannot prepare a statement");
    }
    return JM_OK;
}

/* Steps `s` once (a write, or a query whose first row is read before reset) and resets it. */
static jm_status run(struct jm_storage *st, sqlite3_stmt *s, const char *what, struct jm_error *err)
{
    int rc = sqlite3_step(s);
    jm_status out = JM_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        out = db_fail(st, rc, err, what);
    sqlite3_reset(s);
    return out;
}

/* Steps a query: *row says whether a row came; a failure is an error naming `what`. */
static jm_status next_row(struct jm_storage *st, sqlite3_stmt *s, bool *row, const char *what,
                          struct jm_error *err)
{
    int rc = sqlite3_step(s);
    *row = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? JM_OK : db_fail(st, rc, err, what);
}

static jm_status build_segment_insert(struct jm_strbuf *sb)
{
    jm_status rc = jm_strbuf_addstr(sb, "INSERT INTO event_segments(n, min_time, max_time");
    for (int c = 0; c < JM_SC__COUNT && !rc; c++)
        rc = jm_strbuf_addf(sb, ", %s", jm__segcols[c].name);
    if (!rc)
        rc = jm_strbuf_addstr(sb, ") VALUES(?1, ?2, ?3");
    for (int c = 0; c < JM_SC__COUNT && !rc; c++)
        rc = jm_strbuf_addf(sb, ", ?%d", c + 4);
    return rc ? rc : jm_strbuf_addch(sb, ')');
}

static const char *const fixed_sql[JM_Q__COUNT] = {
    [JM_Q_BEGIN] = "BEGIN IMMEDIATE",
    [JM_Q_BEGIN_READ] = "BEGIN",
    [JM_Q_COMMIT] = "COMMIT",
    [JM_Q_ROLLBACK] = "ROLLBACK",
    [JM_Q_DATA_VERSION] = "PRAGMA data_version",
    [JM_Q_DICT_INSERT] = "INSERT INTO dict(value) VALUES(?1)",
    [JM_Q_EVENT_COUNT] = "SELECT coalesce(sum(n), 0) FROM event_segments",
    [JM_Q_IMPORT_LOG] = "INSERT INTO import_log(time, source, mapping, rows, inserted, updated,"
                        " unchanged, rejected, detail, version)"
                        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
};

/* The cached statement `which`, prepared on first use. */
static jm_status stmt(struct jm_storage *st, enum jm__stmt which, sqlite3_stmt **out,
                      struct jm_error *err)
{
    if (!st->q[which]) {
        jm_status rc;
        if (which == JM_Q_SEGMENT_INSERT) {
            jm_strbuf_reset(&st->scratch);
            rc = build_segment_insert(&st->scratch);
            if (rc)
                return jm_error_set(err, rc, "out of memory");
            rc = prepare(st, st->scratch.buf, true, &st->q[which], err);
        } else {
            rc = prepare(st, fixed_sql[which], true, &st->q[which], err);
        }
        if (rc)
            return rc;
    }
    *out = st->q[which];
    return JM_OK;
}

/* Runs a fixed statement and returns the first column of its first row in *v (0 if none). */
static jm_status scalar(struct jm_storage *st, sqlite3_stmt *s, int64_t *v, struct jm_error *err)
{
    int rc = sqlite3_step(s);
    *v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    jm_status out = JM_OK;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        out = db_fail(st, rc, err, "query failed");
    sqlite3_reset(s);
    return out;
}

/* Drops every cache when another connection has committed since we last looked. */
static jm_status refresh(struct jm_storage *st, struct jm_error *err)
{
    sqlite3_stmt *s = NULL;
    int64_t v;
    jm_status rc = stmt(st, JM_Q_DATA_VERSION, &s, err);
    if (!rc)
        rc = scalar(st, s, &v, err);
    if (rc)
        return rc;
    if (st->have_data_version && v != st->data_version)
        drop_caches(st, ALL_CACHES);
    st->data_version = v;
    st->have_data_version = true;
    return JM_OK;
}

/* ================================================================ open, migrate, close */

static jm_status db_open(struct jm_storage *st, struct jm_error *err)
{
    int flags = SQLITE_OPEN_NOMUTEX;
    if (st->flags & JM_STORAGE_READONLY)
        flags |= SQLITE_OPEN_READONLY;
    else
        flags |= SQLITE_OPEN_READWRITE | ((st->flags & JM_STORAGE_CREATE) ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(st->path, &st->db, flags, NULL);
    if (rc != SQLITE_OK) {
        const char *msg = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
        return jm_error_set(err, (rc & 0xff) == SQLITE_NOMEM ? JM_ENOMEM : JM_ESTORAGE,
                            "cannot open workspace '%s': %s", st->path, msg);
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, 10000);
    return JM_OK;
}

/* Reads one integer with a one-off statement; returns SQLite's code (to spot SQLITE_NOTADB). */
static int peek_int(struct jm_storage *st, const char *sql, int64_t *v)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(s);
    *v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
    sqlite3_finalize(s);
    return rc;
}

/* Tells a workspace (and its version) from an empty file and from anything else. */
static jm_status identify(struct jm_storage *st, int *version, struct jm_error *err)
{
    int64_t app = 0, uv = 0, nobj = 0;
    int rc = peek_int(st, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK)
        rc = peek_int(st, "PRAGMA user_version", &uv);
    if (rc == SQLITE_OK)
        rc = peek_int(st, "SELECT count(*) FROM sqlite_schema", &nobj);
    if (rc != SQLITE_OK)
        return jm_error_set(err, JM_ESTORAGE, "'%s' is not a journeymap workspace (%s)", st->path,
                            sqlite3_errmsg(st->db));
    if (app == 0 && uv == 0 && nobj == 0) {
        if (!(st->flags & JM_STORAGE_CREATE))
            return jm_error_set(err, JM_ESTORAGE,
                                "'%s' is empty, not a journeymap workspace (run 'journeymap init')",
                                st->path);
        *version = 0;
        return JM_OK;
    }
    if (app != JM__APPLICATION_ID)
        return jm_error_set(err, JM_ESTORAGE,
                            "'%s' is a SQLite database but not a journeymap workspace", st->path);
    if (uv > JM__SCHEMA_VERSION || uv < 0)
        return jm_error_set(err, JM_ESTORAGE,
                            "workspace schema version %lld is newer than this journeymap (%d)",
                            (long long)uv, JM__SCHEMA_VERSION);
    *version = (int)uv;
    return JM_OK;
}

static jm_status configure(struct jm_storage *st, struct jm_error *err)
{
    static const char pragmas[] = "PRAGMA foreign_keys = ON;"
                                  "PRAGMA journal_size_limit = 67108864;"
                                  "PRAGMA cache_size = -32768;";
    int rc = sqlite3_exec(st->db, pragmas, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(st->db,
                          st->flags & JM_STORAGE_DURABLE
                              ? "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0"
                              : "PRAGMA synchronous = NORMAL",
                          NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return db_fail(st, rc, err, "cannot configure the workspace");
    if (st->flags & JM_STORAGE_READONLY)
        return JM_OK;
    sqlite3_stmt *s = NULL;
    jm_status jrc = prepare(st, "PRAGMA journal_mode = WAL", false, &s, err);
    if (jrc)
        return jrc;
    rc = sqlite3_step(s);
    bool wal =
        rc == SQLITE_ROW && sqlite3_stricmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
    sqlite3_finalize(s);
    if (!wal)
        return jm_error_set(err, JM_ESTORAGE, "cannot put workspace '%s' in WAL mode: %s", st->path,
                            sqlite3_errmsg(st->db));
    return JM_OK;
}

static jm_status exec(struct jm_storage *st, const char *sql, struct jm_error *err)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? JM_OK : db_fail(st, rc, err, "migration failed");
}

/* What only the first migration does: mark the file as ours and say who made it. */
static jm_status stamp_new(struct jm_storage *st, struct jm_error *err)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", JM__APPLICATION_ID);
    jm_status rc = exec(st, sql, err);
    sqlite3_stmt *s = NULL;
    if (!rc)
        rc = prepare(st, "INSERT INTO meta(key, value) VALUES('created_by', 'journeymap ' || ?1)",
                     false, &s, err);
    if (!rc) {
        sqlite3_bind_text(s, 1, jm_version(), -1, SQLITE_STATIC);
        rc = run(st, s, "migration failed", err);
    }
    sqlite3_finalize(s);
    return rc;
}

static jm_status set_version(struct jm_storage *st, int v, struct jm_error *err)
{
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
    jm_status rc = exec(st, sql, err);
    sqlite3_stmt *s = NULL;
    if (!rc)
        rc = prepare(st, "UPDATE meta SET value = ?1 WHERE key = 'schema_version'", false, &s, err);
    if (!rc) {
        sqlite3_bind_int(s, 1, v);
        rc = run(st, s, "migration failed", err);
    }
    sqlite3_finalize(s);
    return rc;
}

/*
 * Applies the next migration in its own transaction. The version is read again under the write
 * lock: another process may have migrated the file meanwhile.
 */
static jm_status migrate_step(struct jm_storage *st, int *version, struct jm_error *err)
{
    int64_t v;
    jm_status rc = exec(st, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    if (peek_int(st, "PRAGMA user_version", &v) != SQLITE_OK)
        rc = db_fail(st, sqlite3_errcode(st->db), err, "migration failed");
    else if (v < JM__SCHEMA_VERSION)
        rc = exec(st, jm__migrations[v], err);
    if (!rc && v == 0)
        rc = stamp_new(st, err);
    if (!rc && v < JM__SCHEMA_VERSION)
        rc = set_version(st, (int)v + 1, err);
    if (!rc)
        rc = exec(st, "COMMIT", err);
    if (rc) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return jm_error_set(err, rc, "cannot migrate workspace '%s' to schema version %d: %s",
                            st->path, (int)v + 1, err ? err->msg : "");
    }
    *version = v < JM__SCHEMA_VERSION ? (int)v + 1 : (int)v;
    return JM_OK;
}

static jm_status migrate(struct jm_storage *st, int version, struct jm_error *err)
{
    if (version < JM__SCHEMA_VERSION && (st->flags & JM_STORAGE_READONLY))
        return jm_error_set(err, JM_ESTORAGE,
                            "workspace schema version %d is older than this journeymap (%d); "
                            "open it writable once to upgrade it",
                            version, JM__SCHEMA_VERSION);
    while (version < JM__SCHEMA_VERSION) {
        jm_status rc = migrate_step(st, &version, err);
        if (rc)
            return rc;
    }
    st->version = version;
    return JM_OK;
}

/* Checks the meta table a workspace must have, and the segment format we can read. */
static jm_status check_meta(struct jm_storage *st, struct jm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, "SELECT key, value FROM meta", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return jm_error_set(err, JM_ESTORAGE, "'%s' is not a journeymap workspace (%s)", st->path,
                            sqlite3_errmsg(st->db));
    int ok = 0;
    jm_status out = JM_OK;
    while (!out && sqlite3_step(s) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(s, 0);
        const char *v = (const char *)sqlite3_column_text(s, 1);
        if (!k || !v)
            continue;
        if (strcmp(k, "format") == 0 && strcmp(v, JM__FORMAT) == 0)
            ok++;
        else if (strcmp(k, "byte_order") == 0 && strcmp(v, "little-endian") == 0)
            ok++;
        else if (strcmp(k, "segment_format") == 0 && strcmp(v, JM__SEGMENT_FORMAT) == 0)
            ok++;
        else if (strcmp(k, "segment_format") == 0)
            out = jm_error_set(err, JM_ESTORAGE,
                               "workspace '%s' has event segment format %s; this journeymap "
                               "reads format %s",
                               st->path, v, JM__SEGMENT_FORMAT);
    }
    sqlite3_finalize(s);
    if (!out && ok != 3)
        out = jm_error_set(err, JM_ESTORAGE, "'%s' is not a journeymap workspace (bad meta table)",
                           st->path);
    return out;
}

static void names_init(struct jm__names *n)
{
    memset(n, 0, sizeof(*n));
    jm__strmap_init(&n->map);
}

jm_status jm_storage_open(const char *path, unsigned flags, struct jm_storage **out,
                          struct jm_error *err)
{
    struct stat sb;
    if (out)
        *out = NULL;
    if (!path || !out || ((flags & JM_STORAGE_CREATE) && (flags & JM_STORAGE_READONLY)))
        return jm_error_set(err, JM_EINVAL, "invalid arguments to open a workspace");
    if (!(flags & JM_STORAGE_CREATE) && stat(path, &sb) != 0 && errno == ENOENT)
        return jm_error_set(err, JM_ENOTFOUND, "no workspace at '%s' (run 'journeymap init')",
                            path);
    struct jm_storage *st = jm_calloc(1, sizeof(*st));
    if (!st)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    for (int k = 0; k < JM_ENT__COUNT; k++)
        names_init(&st->names[k]);
    names_init(&st->dict);
    jm_strbuf_init(&st->scratch, 0);
    st->flags = flags;
    st->path = jm_strdup(path);
    int version = 0;
    jm_status rc = st->path ? db_open(st, err) : jm_error_set(err, JM_ENOMEM, "out of memory");
    if (!rc)
        rc = identify(st, &version, err);
    if (!rc)
        rc = configure(st, err);
    /* A file that only claims to be a workspace is refused before any migration touches it. */
    if (!rc && version > 0)
        rc = check_meta(st, err);
    if (!rc)
        rc = migrate(st, version, err);
    if (!rc)
        rc = check_meta(st, err);
    if (rc) {
        jm_storage_close(st);
        return rc;
    }
    *out = st;
    return JM_OK;
}

int jm_storage_schema_version(struct jm_storage *st)
{
    return st ? st->version : 0;
}

static void names_release(struct jm__names *n)
{
    jm__strmap_release(&n->map);
    jm_free(n->by_id);
    names_init(n);
}

/* Drops the caches named by `which` (JM__DIRTY_* and entity bits). */
static void drop_caches(struct jm_storage *st, unsigned which)
{
    for (int k = 0; k < JM_ENT__COUNT; k++)
        if (which & (1u << k))
            names_release(&st->names[k]);
    if (which & JM__DIRTY_DICT)
        names_release(&st->dict);
    if (which & JM__DIRTY_KEYS) {
        jm__u64set_release(&st->keys);
        st->keys_loaded = false;
    }
    /* Hits point into the maps' keys. */
    memset(st->hit, 0, sizeof(st->hit));
}

void jm_storage_close(struct jm_storage *st)
{
    if (!st)
        return;
    jm_storage_rollback(st);
    for (int k = 0; k < JM_ENT__COUNT; k++) {
        for (size_t i = 0; i < st->nups[k]; i++) {
            sqlite3_finalize(st->ups[k][i].ins);
            sqlite3_finalize(st->ups[k][i].upd);
        }
        jm_free(st->ups[k]);
        sqlite3_finalize(st->find[k]);
        sqlite3_finalize(st->count[k]);
    }
    for (int q = 0; q < JM_Q__COUNT; q++)
        sqlite3_finalize(st->q[q]);
    for (size_t i = 0; i < st->ncached; i++)
        sqlite3_finalize(st->cached[i].s);
    jm_free(st->cached);
    sqlite3_close(st->db);
    drop_caches(st, ALL_CACHES);
    jm__segbuf_release(&st->build);
    jm__segread_release(&st->read);
    jm_strbuf_release(&st->scratch);
    jm_free(st->path);
    jm_free(st);
}

/* ================================================================ transactions */

static jm_status writable(struct jm_storage *st, struct jm_error *err)
{
    if (!st->in_tx)
        return jm_error_set(err, JM_EINVAL, "no transaction is open");
    if (st->tx_aborted)
        return jm_error_set(err, JM_ESTORAGE,
                            "the transaction was aborted by an earlier error; roll it back");
    return JM_OK;
}

jm_status jm_storage_begin(struct jm_storage *st, struct jm_error *err)
{
    if (!st)
        return jm_error_set(err, JM_EINVAL, "no workspace");
    if (st->flags & JM_STORAGE_READONLY)
        return jm_error_set(err, JM_EINVAL, "workspace '%s' is open read-only", st->path);
    if (st->in_tx)
        return jm_error_set(err, JM_EINVAL, "a transaction is already open");
    if (st->reading)
        return jm_error_set(err, JM_EINVAL, "cannot begin a transaction inside a scan");
    sqlite3_stmt *s = NULL;
    jm_status rc = stmt(st, JM_Q_BEGIN, &s, err);
    if (!rc)
        rc = run(st, s, "cannot start a transaction", err);
    if (rc && (sqlite3_errcode(st->db) & 0xff) == SQLITE_BUSY)
        rc = jm_error_set(err, JM_ESTORAGE,
                          "workspace '%s' is busy: another process is writing to it", st->path);
    /* Under the write lock nobody else can commit: caches checked now stay valid. */
    if (!rc)
        rc = refresh(st, err);
    if (rc) {
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    st->in_tx = true;
    st->tx_aborted = false;
    st->dirty = 0;
    return JM_OK;
}

jm_status jm_storage_commit(struct jm_storage *st, struct jm_error *err)
{
    if (!st || !st->in_tx)
        return jm_error_set(err, JM_EINVAL, "no transaction is open");
    sqlite3_stmt *s = NULL;
    jm_status rc = writable(st, err);
    if (!rc)
        rc = jm__storage_flush(st, err);
    if (!rc)
        rc = stmt(st, JM_Q_COMMIT, &s, err);
    if (!rc)
        rc = run(st, s, "cannot commit", err);
    if (rc) {
        jm_storage_rollback(st);
        return rc;
    }
    st->in_tx = false;
    st->dirty = 0;
    st->own_commits++;
    return JM_OK;
}

jm_status jm_storage_checkpoint(struct jm_storage *st, struct jm_error *err)
{
    int log = 0, done = 0;
    int rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    /*
     * A passive checkpoint never catches a log that is written all the time, and the log only
     * starts over once it has been copied back entirely: past JM__WAL_RESTART_FRAMES, wait for
     * the writer once (most frames are copied already, so the wait is short).
     */
    if (rc == SQLITE_OK && log > JM__WAL_RESTART_FRAMES)
        rc = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
    /* BUSY: another checkpoint is running, or the writer held on; the next call catches up. */
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        return db_fail(st, rc, err, "cannot checkpoint the workspace");
    return JM_OK;
}

void jm_storage_rollback(struct jm_storage *st)
{
    if (!st || !st->in_tx)
        return;
    if (!sqlite3_get_autocommit(st->db)) {
        sqlite3_stmt *s = NULL;
        if (stmt(st, JM_Q_ROLLBACK, &s, NULL) == JM_OK)
            run(st, s, "rollback", NULL);
        else
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    }
    /* A transaction SQLite aborted may have written to any cache before it failed. */
    drop_caches(st, st->tx_aborted ? ALL_CACHES : st->dirty);
    jm__segbuf_reset(&st->build);
    st->in_tx = false;
    st->tx_aborted = false;
    st->dirty = 0;
}

/* Outside a transaction, reads run in one read transaction so they see one snapshot. */
static jm_status read_begin(struct jm_storage *st, bool *started, struct jm_error *err)
{
    *started = false;
    if (st->in_tx || st->reading)
        return JM_OK;
    sqlite3_stmt *s = NULL;
    jm_status rc = stmt(st, JM_Q_BEGIN_READ, &s, err);
    if (!rc)
        rc = run(st, s, "cannot start reading", err);
    if (!rc)
        rc = refresh(st, err);
    if (!rc) {
        st->reading = true;
        *started = true;
    } else if (!sqlite3_get_autocommit(st->db)) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

static void read_end(struct jm_storage *st, bool started)
{
    if (!started)
        return;
    sqlite3_stmt *s = NULL;
    if (stmt(st, JM_Q_COMMIT, &s, NULL) == JM_OK)
        run(st, s, "end of read", NULL);
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->reading = false;
}

/* ================================================================ id and dictionary caches */

/* The cached copy of a key, from the value pointer jm__strmap_put/get returned. */
static const char *slot_key(uint64_t *value)
{
    const struct jm_strmap_slot *slot =
        (const struct jm_strmap_slot *)(void *)((char *)value -
                                                offsetof(struct jm_strmap_slot, value));
    return slot->key;
}

/* Makes by_id hold ids up to `id`, zeroing the new entries. */
static jm_status names_reserve(struct jm__names *n, uint64_t id)
{
    if (id < n->cap)
        return JM_OK;
    size_t old = n->cap;
    void *p = n->by_id;
    jm_status rc = jm_grow(&p, &n->cap, (size_t)id + 1, sizeof(*n->by_id));
    if (rc)
        return rc;
    n->by_id = p;
    memset(n->by_id + old, 0, (n->cap - old) * sizeof(*n->by_id));
    return JM_OK;
}

/* Adds text -> id; a complete table also records id -> text. */
static jm_status names_add(struct jm__names *n, const char *s, size_t len, uint64_t id,
                           const char **key)
{
    uint64_t *v;
    jm_status rc = jm__strmap_put(&n->map, s, len, id, &v, NULL);
    if (!rc) {
        *v = id;
        if (key)
            *key = slot_key(v);
    }
    if (!rc && n->complete && id <= UINT32_MAX)
        rc = names_reserve(n, id);
    if (rc) {
        n->complete = false; /* a miss must now ask SQL again */
        return rc;
    }
    if (n->complete && id <= UINT32_MAX)
        n->by_id[id] = (struct jm__name){slot_key(v), (uint32_t)len};
    return JM_OK;
}

/* An entity's identity: its cache key, and what the SQL lookup binds. */
struct ident {
    const char *key;
    size_t klen;
    const char *s; /* id, or revenue's account */
    size_t len;
    int64_t period; /* revenue only */
    char buf[300];
};

static jm_status prepare_find(struct jm_storage *st, const struct jm_entity_def *def,
                              struct jm_error *err)
{
    char sql[160];
    if (def->id_field >= 0)
        snprintf(sql, sizeof(sql), "SELECT rowid FROM %s WHERE id = ?1", def->name);
    else
        snprintf(sql, sizeof(sql), "SELECT rowid FROM %s WHERE account = ?1 AND period_start = ?2",
                 def->name);
    return prepare(st, sql, true, &st->find[def->kind], err);
}

/* The rowid of `id` in the table of `kind`, 0 when there is none; caches what it finds. */
static jm_status lookup(struct jm_storage *st, enum jm_entity kind, const struct ident *id,
                        uint64_t *rowid, const char **key, struct jm_error *err)
{
    struct jm__names *n = &st->names[kind];
    uint64_t *v = jm__strmap_get(&n->map, id->key, id->klen);
    *rowid = 0;
    if (v) {
        *rowid = *v;
        if (key)
            *key = slot_key(v);
        return JM_OK;
    }
    if (n->complete)
        return JM_OK;
    jm_status rc = st->find[kind] ? JM_OK : prepare_find(st, jm_entity_get(kind), err);
    if (rc)
        return rc;
    sqlite3_stmt *s = st->find[kind];
    int64_t found;
    sqlite3_bind_text(s, 1, id->s, (int)id->len, SQLITE_STATIC);
    if (kind == JM_ENT_REVENUE)
        sqlite3_bind_int64(s, 2, id->period);
    rc = scalar(st, s, &found, err);
    if (rc || found <= 0)
        return rc;
    rc = names_add(n, id->key, id->klen, (uint64_t)found, key);
    if (rc)
        return jm_error_set(err, rc, "out of memory");
    *rowid = (uint64_t)found;
    return JM_OK;
}

static void ident_text(struct ident *id, const char *s, size_t len)
{
    id->key = id->s = s;
    id->klen = id->len = len;
    id->period = 0;
}

jm_status jm__storage_ref(struct jm_storage *st, enum jm_entity kind, const char *s, size_t len,
                          uint64_t *rowid, const char **key, struct jm_error *err)
{
    struct ident id;
    ident_text(&id, s ? s : "", len);
    jm_status rc = lookup(st, kind, &id, rowid, key, err);
    if (rc || *rowid)
        return rc;
    return jm_error_set(err, JM_ENOTFOUND, "%s '%.*s' does not exist",
                        jm_entity_get(kind)->singular, (int)(len > 200 ? 200 : len), id.s);
}

jm_status jm_storage_exists(struct jm_storage *st, enum jm_entity kind, const char *id, size_t len,
                            bool *exists, struct jm_error *err)
{
    const struct jm_entity_def *def = jm_entity_get(kind);
    if (!st || !def || def->id_field < 0 || !exists || (!id && len) || len > INT32_MAX)
        return jm_error_set(err, JM_EINVAL, "exists: %s have no text id",
                            def ? def->name : "unknown entities");
    *exists = false;
    jm_status rc = st->in_tx || st->reading ? JM_OK : refresh(st, err);
    struct ident ident;
    uint64_t rowid = 0;
    ident_text(&ident, id ? id : "", len);
    if (!rc)
        rc = lookup(st, kind, &ident, &rowid, NULL, err);
    *exists = rowid != 0;
    return rc;
}

/* Loads a whole table of (id, text) into `n`, which is then complete. */
static jm_status load_table(struct jm_storage *st, struct jm__names *n, const char *table,
                            const char *idcol, const char *textcol, struct jm_error *err)
{
    char sql[128];
    sqlite3_stmt *s = NULL;
    int64_t max;
    snprintf(sql, sizeof(sql), "SELECT coalesce(max(%s), 0) FROM %s", idcol, table);
    jm_status rc = prepare(st, sql, false, &s, err);
    if (rc)
        return rc;
    rc = scalar(st, s, &max, err);
    sqlite3_finalize(s);
    if (!rc && max > UINT32_MAX)
        return jm_error_set(err, JM_ELIMIT, "%s has row ids past 2^32", table);
    if (!rc && names_reserve(n, (uint64_t)max))
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    snprintf(sql, sizeof(sql), "SELECT %s, %s FROM %s", idcol, textcol, table);
    if (!rc)
        rc = prepare(st, sql, false, &s, err);
    if (rc)
        return rc;
    n->complete = true; /* so names_add fills by_id; reset below on failure */
    bool row = true;
    while (!rc && row) {
        rc = next_row(st, s, &row, "cannot read the workspace", err);
        if (rc || !row)
            break;
        const char *t = (const char *)sqlite3_column_text(s, 1);
        size_t len = (size_t)sqlite3_column_bytes(s, 1);
        if (t && names_add(n, t, len, (uint64_t)sqlite3_column_int64(s, 0), NULL))
            rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    sqlite3_finalize(s);
    if (rc)
        n->complete = false;
    return rc;
}

static jm_status load_dict(struct jm_storage *st, struct jm_error *err)
{
    return st->dict.complete ? JM_OK : load_table(st, &st->dict, "dict", "id", "value", err);
}

jm_status jm__storage_load_names(struct jm_storage *st, struct jm_error *err)
{
    jm_status rc = load_dict(st, err);
    static const enum jm_entity kinds[] = {JM_ENT_ACCOUNT, JM_ENT_CONTACT};
    for (size_t i = 0; i < 2 && !rc; i++) {
        struct jm__names *n = &st->names[kinds[i]];
        if (!n->complete)
            rc = load_table(st, n, jm_entity_get(kinds[i])->name, "rowid", "id", err);
    }
    return rc;
}

jm_status jm__storage_dict_id(struct jm_storage *st, const char *s, size_t len, uint64_t *id,
                              const char **key, struct jm_error *err)
{
    jm_status rc = load_dict(st, err);
    if (rc)
        return rc;
    uint64_t *v = jm__strmap_get(&st->dict.map, s, len);
    if (v) {
        *id = *v;
        *key = slot_key(v);
        return JM_OK;
    }
    sqlite3_stmt *q = NULL;
    rc = stmt(st, JM_Q_DICT_INSERT, &q, err);
    if (rc)
        return rc;
    sqlite3_bind_text(q, 1, s, (int)len, SQLITE_STATIC);
    rc = run(st, q, "cannot add to the event dictionary", err);
    if (rc)
        return rc;
    *id = (uint64_t)sqlite3_last_insert_rowid(st->db);
    st->dirty |= JM__DIRTY_DICT;
    rc = names_add(&st->dict, s, len, *id, key);
    return rc ? jm_error_set(err, rc, "out of memory") : JM_OK;
}

/* ================================================================ rows */

static bool enum_known(const struct jm_field_def *f, const struct jm_value *v)
{
    for (size_t i = 0; f->values[i]; i++)
        if (strlen(f->values[i]) == v->len && memcmp(f->values[i], v->s, v->len) == 0)
            return true;
    return false;
}

static jm_status check_value(const struct jm_entity_def *def, const struct jm_field_def *f,
                             const struct jm_value *v, struct jm_error *err)
{
    bool ok = false;
    switch (f->type) {
    case JM_FT_TEXT:
    case JM_FT_REF:
    case JM_FT_ENUM:
        ok = v->kind == JM_V_TEXT && (v->s || !v->len) && v->len <= INT32_MAX;
        break;
    case JM_FT_INT:
        ok = v->kind == JM_V_INT;
        break;
    case JM_FT_REAL:
        ok = v->kind == JM_V_REAL || v->kind == JM_V_INT;
        break;
    case JM_FT_TIME:
        ok = v->kind == JM_V_TIME;
        break;
    }
    if (v->kind == JM_V_MISSING && !(f->flags & JM_FIELD_KEY))
        return JM_OK;
    if (v->kind == JM_V_TEXT && v->len == 0 && (f->flags & JM_FIELD_KEY))
        ok = false; /* an empty id is no id */
    if (!ok && (f->flags & JM_FIELD_KEY))
        return jm_error_set(err, JM_EINVAL, "%s %s is required", def->singular, f->name);
    if (!ok)
        return jm_error_set(err, JM_EINVAL, "%s %s has a value of the wrong type", def->singular,
                            f->name);
    if (f->type == JM_FT_ENUM && !enum_known(f, v))
        return jm_error_set(err, JM_EPARSE, "unknown %s %s '%.*s'", def->singular, f->name,
                            (int)(v->len > 60 ? 60 : v->len), v->s);
    return JM_OK;
}

static bool props_given(const struct jm_record *rec)
{
    return rec->props && rec->props_len;
}

/* Checks value types against the fields and computes the mask of present fields. */
static jm_status row_validate(const struct jm_record *rec, uint32_t *mask, struct jm_error *err)
{
    const struct jm_entity_def *def = rec->def;
    *mask = 0;
    for (size_t i = 0; i < def->nfields; i++) {
        const struct jm_field_def *f = &def->fields[i];
        const struct jm_value *v = &rec->v[i];
        if (v->kind == JM_V_ABSENT && !(f->flags & JM_FIELD_KEY))
            continue;
        jm_status rc = check_value(def, f, v, err);
        if (rc)
            return rc;
        *mask |= UINT32_C(1) << i;
    }
    if (props_given(rec)) {
        size_t i = 0;
        while (i < rec->props_len && strchr(" \t\r\n", rec->props[i]))
            i++;
        if (i == rec->props_len || rec->props[i] != '{' || rec->props_len > INT32_MAX)
            return jm_error_set(err, JM_EPARSE, "%s properties must be a JSON object",
                                def->singular);
        *mask |= JM__MASK_PROPS;
    }
    return JM_OK;
}

static jm_status row_ident(const struct jm_record *rec, struct ident *id, struct jm_error *err)
{
    const struct jm_entity_def *def = rec->def;
    if (def->id_field >= 0) {
        const struct jm_value *v = &rec->v[def->id_field];
        ident_text(id, v->s, v->len);
        return JM_OK;
    }
    /* Revenue: the cache key is the account, a NUL, and the period start's bytes. */
    const struct jm_value *acc = &rec->v[0], *period = &rec->v[1];
    if (acc->len + 1 + sizeof(int64_t) > sizeof(id->buf))
        return jm_error_set(err, JM_ELIMIT, "revenue account id is too long");
    ident_text(id, acc->s, acc->len);
    memcpy(id->buf, acc->s, acc->len);
    id->buf[acc->len] = '\0';
    memcpy(id->buf + acc->len + 1, &period->i, sizeof(int64_t));
    id->key = id->buf;
    id->klen = acc->len + 1 + sizeof(int64_t);
    id->period = period->i;
    return JM_OK;
}

static jm_status check_refs(struct jm_storage *st, const struct jm_record *rec,
                            struct jm_error *err)
{
    const struct jm_entity_def *def = rec->def;
    for (size_t i = 0; i < def->nfields; i++) {
        const struct jm_value *v = &rec->v[i];
        if (def->fields[i].type != JM_FT_REF || v->kind != JM_V_TEXT)
            continue;
        uint64_t rowid;
        const char *key;
        jm_status rc = jm__storage_ref(st, def->fields[i].ref, v->s, v->len, &rowid, &key, err);
        if (rc)
            return rc;
    }
    return JM_OK;
}

/* "deal 'D-17'" or "revenue 'ACME'" for messages. */
static void row_label(const struct jm_record *rec, char *buf, size_t cap)
{
    const struct jm_entity_def *def = rec->def;
    const struct jm_value *v = &rec->v[def->id_field >= 0 ? def->id_field : 0];
    snprintf(buf, cap, "%s '%.*s'", def->singular, (int)(v->len > 100 ? 100 : v->len),
             v->s ? v->s : "");
}

/* ---------------------------------------------------------------- upsert statements */

static bool is_key(const struct jm_field_def *f)
{
    return (f->flags & JM_FIELD_KEY) != 0;
}

static jm_status build_insert(struct jm_strbuf *sb, const struct jm_entity_def *def, uint32_t mask)
{
    jm_status rc = jm_strbuf_addf(sb, "INSERT INTO %s(", def->name);
    for (size_t i = 0; i < def->nfields && !rc; i++)
        if (mask & (UINT32_C(1) << i))
            rc = jm_strbuf_addf(sb, "%s, ", def->fields[i].name);
    if (!rc && (mask & JM__MASK_PROPS))
        rc = jm_strbuf_addstr(sb, "properties, ");
    if (!rc)
        rc = jm_strbuf_addstr(sb, "digest) VALUES(");
    for (size_t i = 0; i < def->nfields && !rc; i++)
        if (mask & (UINT32_C(1) << i))
            rc = jm_strbuf_addf(sb, "?%zu, ", i + 1);
    if (!rc && (mask & JM__MASK_PROPS))
        rc = jm_strbuf_addf(sb, "json_patch('{}', ?%d), ", P_PROPS);
    return rc ? rc : jm_strbuf_addf(sb, "?%d)", P_DIGEST);
}

/*
 * UPDATE ... SET the present fields WHERE rowid = ? AND (some present field differs): a row
 * that would not change is not written, and sqlite3_changes() says so.
 */
static jm_status build_update(struct jm_strbuf *sb, const struct jm_entity_def *def, uint32_t mask)
{
    jm_status rc = jm_strbuf_addf(sb, "UPDATE %s SET ", def->name);
    for (size_t i = 0; i < def->nfields && !rc; i++)
        if ((mask & (UINT32_C(1) << i)) && !is_key(&def->fields[i]))
            rc = jm_strbuf_addf(sb, "%s = ?%zu, ", def->fields[i].name, i + 1);
    if (!rc && (mask & JM__MASK_PROPS))
        rc = jm_strbuf_addf(sb, "properties = json_patch(properties, ?%d), ", P_PROPS);
    if (!rc)
        rc = jm_strbuf_addf(sb, "digest = ?%d WHERE rowid = ?%d AND (0", P_DIGEST, P_ROWID);
    for (size_t i = 0; i < def->nfields && !rc; i++)
        if ((mask & (UINT32_C(1) << i)) && !is_key(&def->fields[i]))
            rc = jm_strbuf_addf(sb, " OR %s IS NOT ?%zu", def->fields[i].name, i + 1);
    if (!rc && (mask & JM__MASK_PROPS))
        rc = jm_strbuf_addf(sb, " OR properties IS NOT json_patch(properties, ?%d)", P_PROPS);
    return rc ? rc : jm_strbuf_addch(sb, ')');
}

/* The cached insert or update statement for `def` and `mask`, prepared on first use. */
static jm_status upsert_stmt(struct jm_storage *st, const struct jm_entity_def *def, uint32_t mask,
                             bool update, sqlite3_stmt **out, struct jm_error *err)
{
    enum jm_entity k = def->kind;
    struct jm__upsert *u = NULL;
    for (size_t i = 0; i < st->nups[k] && !u; i++)
        if (st->ups[k][i].mask == mask)
            u = &st->ups[k][i];
    if (!u) {
        void *p = st->ups[k];
        if (jm_grow(&p, &st->capups[k], st->nups[k] + 1, sizeof(*u)))
            return jm_error_set(err, JM_ENOMEM, "out of memory");
        st->ups[k] = p;
        u = &st->ups[k][st->nups[k]++];
        *u = (struct jm__upsert){mask, NULL, NULL};
    }
    sqlite3_stmt **slot = update ? &u->upd : &u->ins;
    if (!*slot) {
        jm_strbuf_reset(&st->scratch);
        jm_status rc =
            update ? build_update(&st->scratch, def, mask) : build_insert(&st->scratch, def, mask);
        if (rc)
            return jm_error_set(err, rc, "out of memory");
        rc = prepare(st, st->scratch.buf, true, slot, err);
        if (rc)
            return rc;
    }
    *out = *slot;
    return JM_OK;
}

static void bind_value(sqlite3_stmt *s, int p, const struct jm_field_def *f,
                       const struct jm_value *v)
{
    switch (v->kind) {
    case JM_V_TEXT:
        sqlite3_bind_text(s, p, v->s ? v->s : "", (int)v->len, SQLITE_STATIC);
        break;
    case JM_V_INT:
        if (f->type == JM_FT_REAL)
            sqlite3_bind_double(s, p, (double)v->i);
        else
            sqlite3_bind_int64(s, p, v->i);
        break;
    case JM_V_TIME:
        sqlite3_bind_int64(s, p, v->i);
        break;
    case JM_V_REAL:
        sqlite3_bind_double(s, p, v->r);
        break;
    default:
        sqlite3_bind_null(s, p);
        break;
    }
}

static void bind_record(sqlite3_stmt *s, const struct jm_record *rec, uint32_t mask)
{
    const struct jm_entity_def *def = rec->def;
    for (size_t i = 0; i < def->nfields; i++)
        if (mask & (UINT32_C(1) << i))
            bind_value(s, (int)i + 1, &def->fields[i], &rec->v[i]);
    if (mask & JM__MASK_PROPS)
        sqlite3_bind_text(s, P_PROPS, rec->props, (int)rec->props_len, SQLITE_STATIC);
    sqlite3_bind_int64(s, P_DIGEST, (int64_t)jm_record_digest(rec));
}

/* Runs an upsert statement; bad properties JSON is the caller's data, not a storage fault. */
static jm_status run_upsert(struct jm_storage *st, sqlite3_stmt *s, const struct jm_record *rec,
                            uint32_t mask, struct jm_error *err)
{
    char label[160], what[200];
    row_label(rec, label, sizeof(label));
    snprintf(what, sizeof(what), "cannot write %s", label);
    int rc = sqlite3_step(s);
    jm_status out = JM_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        out = db_fail(st, rc, err, what);
        if (rc == SQLITE_ERROR && (mask & JM__MASK_PROPS))
            out = jm_error_set(err, JM_EPARSE, "%s: properties are not valid JSON (%s)", label,
                               sqlite3_errmsg(st->db));
    }
    sqlite3_reset(s);
    return out;
}

static jm_status insert_row(struct jm_storage *st, const struct jm_record *rec, uint32_t mask,
                            const struct ident *id, struct jm_error *err)
{
    sqlite3_stmt *s = NULL;
    jm_status rc = upsert_stmt(st, rec->def, mask, false, &s, err);
    if (rc)
        return rc;
    bind_record(s, rec, mask);
    rc = run_upsert(st, s, rec, mask, err);
    if (rc)
        return rc;
    enum jm_entity k = rec->def->kind;
    st->dirty |= 1u << k;
    rc = names_add(&st->names[k], id->key, id->klen, (uint64_t)sqlite3_last_insert_rowid(st->db),
                   NULL);
    return rc ? jm_error_set(err, rc, "out of memory") : JM_OK;
}

static jm_status update_row(struct jm_storage *st, const struct jm_record *rec, uint32_t mask,
                            uint64_t rowid, enum jm_put_outcome *outcome, struct jm_error *err)
{
    const struct jm_entity_def *def = rec->def;
    uint32_t keys = 0;
    for (size_t i = 0; i < def->nfields; i++)
        if (is_key(&def->fields[i]))
            keys |= UINT32_C(1) << i;
    *outcome = JM_PUT_UNCHANGED;
    if ((mask & ~keys) == 0)
        return JM_OK; /* nothing but the identity: nothing to change */
    sqlite3_stmt *s = NULL;
    jm_status rc = upsert_stmt(st, def, mask, true, &s, err);
    if (rc)
        return rc;
    bind_record(s, rec, mask);
    sqlite3_bind_int64(s, P_ROWID, (int64_t)rowid);
    rc = run_upsert(st, s, rec, mask, err);
    if (!rc && sqlite3_changes(st->db) > 0)
        *outcome = JM_PUT_UPDATED;
    return rc;
}

static jm_status put_row(struct jm_storage *st, const struct jm_record *rec,
                         enum jm_put_outcome *outcome, struct jm_error *err)
{
    uint32_t mask;
    struct ident id;
    uint64_t rowid = 0;
    jm_status rc = row_validate(rec, &mask, err);
    if (!rc)
        rc = check_refs(st, rec, err);
    if (!rc)
        rc = row_ident(rec, &id, err);
    if (!rc)
        rc = lookup(st, rec->def->kind, &id, &rowid, NULL, err);
    if (rc)
        return rc;
    if (rowid)
        return update_row(st, rec, mask, rowid, outcome, err);
    rc = insert_row(st, rec, mask, &id, err);
    if (!rc)
        *outcome = JM_PUT_INSERTED;
    return rc;
}

jm_status jm_storage_put(struct jm_storage *st, const struct jm_record *rec,
                         enum jm_put_outcome *outcome, struct jm_error *err)
{
    if (!st || !rec || !rec->def || !outcome || rec->def != jm_entity_get(rec->def->kind))
        return jm_error_set(err, JM_EINVAL, "invalid arguments to put a record");
    *outcome = JM_PUT_UNCHANGED;
    jm_status rc = writable(st, err);
    if (rc)
        return rc;
    if (rec->def->kind == JM_ENT_EVENT)
        return jm__event_put(st, rec, outcome, err);
    return put_row(st, rec, outcome, err);
}

/* ================================================================ reading rows */

/* SELECT <fields>, properties FROM <table> [WHERE <where>] ORDER BY <identity> [LIMIT n]. */
static jm_status build_select(struct jm_strbuf *sb, const struct jm_entity_def *def,
                              const char *where, size_t limit)
{
    jm_status rc = jm_strbuf_addstr(sb, "SELECT ");
    for (size_t i = 0; i < def->nfields && !rc; i++)
        rc = jm_strbuf_addf(sb, "%s, ", def->fields[i].name);
    if (!rc)
        rc = jm_strbuf_addf(sb, "properties FROM %s", def->name);
    if (!rc && where)
        rc = jm_strbuf_addf(sb, " WHERE %s", where);
    if (!rc)
        rc = jm_strbuf_addstr(sb, def->id_field >= 0 ? " ORDER BY id"
                                                     : " ORDER BY account, period_start");
    if (!rc && limit)
        rc = jm_strbuf_addf(sb, " LIMIT %zu", limit);
    return rc;
}

/* Points an enum value at the canonical static spelling when it is one. */
static void canonical_enum(const struct jm_field_def *f, struct jm_value *v)
{
    for (size_t i = 0; f->values[i]; i++)
        if (strlen(f->values[i]) == v->len && memcmp(f->values[i], v->s, v->len) == 0) {
            v->s = f->values[i];
            return;
        }
}

static void read_value(sqlite3_stmt *s, int col, const struct jm_field_def *f, struct jm_value *v)
{
    memset(v, 0, sizeof(*v));
    if (sqlite3_column_type(s, col) == SQLITE_NULL) {
        v->kind = JM_V_MISSING;
        return;
    }
    switch (f->type) {
    case JM_FT_TEXT:
    case JM_FT_REF:
    case JM_FT_ENUM:
        v->kind = JM_V_TEXT;
        v->s = (const char *)sqlite3_column_text(s, col);
        v->len = (size_t)sqlite3_column_bytes(s, col);
        if (!v->s)
            v->s = "";
        if (f->type == JM_FT_ENUM)
            canonical_enum(f, v);
        break;
    case JM_FT_INT:
        v->kind = JM_V_INT;
        v->i = sqlite3_column_int64(s, col);
        break;
    case JM_FT_TIME:
        v->kind = JM_V_TIME;
        v->i = sqlite3_column_int64(s, col);
        break;
    case JM_FT_REAL:
        v->kind = JM_V_REAL;
        v->r = sqlite3_column_double(s, col);
        break;
    }
}

static void read_record(sqlite3_stmt *s, const struct jm_entity_def *def, struct jm_record *rec)
{
    jm_record_init(rec, def);
    for (size_t i = 0; i < def->nfields; i++)
        read_value(s, (int)i, &def->fields[i], &rec->v[i]);
    const char *p = (const char *)sqlite3_column_text(s, (int)def->nfields);
    size_t len = (size_t)sqlite3_column_bytes(s, (int)def->nfields);
    if (p && len && strcmp(p, "{}") != 0) {
        rec->props = p;
        rec->props_len = len;
    }
}

static jm_status bind_args(struct jm_storage *st, sqlite3_stmt *s, const struct jm__sqlval *args,
                           int nargs, struct jm_error *err);

jm_status jm__storage_scan_where(struct jm_storage *st, enum jm_entity kind, const char *where,
                                 const struct jm__sqlval *args, int nargs, size_t limit,
                                 jm_record_fn fn, void *ctx, struct jm_error *err)
{
    const struct jm_entity_def *def = jm_entity_get(kind);
    if (!st || !def || kind == JM_ENT_EVENT || !fn)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to scan records");
    struct jm_strbuf sql = JM_STRBUF_INIT;
    sqlite3_stmt *s = NULL;
    jm_status rc = build_select(&sql, def, where, limit);
    rc = rc ? jm_error_set(err, rc, "out of memory") : prepare(st, sql.buf, false, &s, err);
    jm_strbuf_release(&sql);
    if (!rc)
        rc = bind_args(st, s, args, nargs, err);
    bool row = !rc;
    while (!rc && row) {
        rc = next_row(st, s, &row, "cannot read the workspace", err);
        if (rc || !row)
            break;
        struct jm_record rec;
        read_record(s, def, &rec);
        rc = fn(&rec, ctx);
    }
    sqlite3_finalize(s);
    return rc;
}

jm_status jm_storage_scan(struct jm_storage *st, enum jm_entity kind, jm_record_fn fn, void *ctx,
                          struct jm_error *err)
{
    return jm__storage_scan_where(st, kind, NULL, NULL, 0, 0, fn, ctx, err);
}

jm_status jm_storage_count(struct jm_storage *st, enum jm_entity kind, uint64_t *n,
                           struct jm_error *err)
{
    const struct jm_entity_def *def = jm_entity_get(kind);
    if (!st || !def || !n)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to count records");
    *n = 0;
    sqlite3_stmt *s = NULL;
    jm_status rc = JM_OK;
    if (kind == JM_ENT_EVENT) {
        rc = stmt(st, JM_Q_EVENT_COUNT, &s, err);
    } else if (!st->count[kind]) {
        char sql[96];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", def->name);
        rc = prepare(st, sql, true, &st->count[kind], err);
    }
    if (rc)
        return rc;
    int64_t v;
    rc = scalar(st, s ? s : st->count[kind], &v, err);
    if (!rc)
        *n = (uint64_t)v + (kind == JM_ENT_EVENT && st->in_tx ? st->build.n : 0);
    return rc;
}

/* ================================================================ event segments */

jm_status jm__storage_flush(struct jm_storage *st, struct jm_error *err)
{
    if (st->build.n == 0)
        return JM_OK;
    sqlite3_stmt *s = NULL;
    jm_status rc = stmt(st, JM_Q_SEGMENT_INSERT, &s, err);
    if (rc)
        return rc;
    struct jm__segblobs b;
    jm__segbuf_encode(&st->build, &b);
    sqlite3_bind_int64(s, 1, (int64_t)b.n);
    sqlite3_bind_int64(s, 2, b.min_time);
    sqlite3_bind_int64(s, 3, b.max_time);
    for (int c = 0; c < JM_SC__COUNT; c++) {
        if (b.data[c])
            sqlite3_bind_blob64(s, c + 4, b.data[c], b.len[c], SQLITE_STATIC);
        else
            sqlite3_bind_null(s, c + 4);
    }
    rc = run(st, s, "cannot write an event segment", err);
    if (rc) {
        jm__segbuf_unencode(&st->build);
        return rc;
    }
    jm__segbuf_reset(&st->build);
    return JM_OK;
}

static void read_blobs(sqlite3_stmt *s, int first, struct jm__segblobs *b)
{
    b->id = sqlite3_column_int64(s, 0);
    int64_t n = sqlite3_column_int64(s, 1);
    b->n = n < 0 ? 0 : (size_t)n;
    b->min_time = sqlite3_column_int64(s, 2);
    b->max_time = sqlite3_column_int64(s, 3);
    for (int c = 0; c < JM_SC__COUNT; c++) {
        int col = first + c;
        if (sqlite3_column_type(s, col) == SQLITE_NULL) {
            b->data[c] = NULL;
            b->len[c] = 0;
            continue;
        }
        const void *p = sqlite3_column_blob(s, col);
        b->len[c] = (size_t)sqlite3_column_bytes(s, col);
        b->data[c] = p ? p : ""; /* an empty BLOB comes back as NULL */
    }
}

jm_status jm__storage_segments(struct jm_storage *st, uint32_t columns, jm__raw_fn fn, void *ctx,
                               struct jm_error *err)
{
    struct jm_strbuf sql = JM_STRBUF_INIT;
    jm_status rc = jm_strbuf_addstr(&sql, "SELECT id, n, min_time, max_time");
    columns |= (1u << JM_SC_KEY) | (1u << JM_SC_TIME);
    /* A column not asked for is never read: SQLite skips its overflow pages entirely. */
    for (int c = 0; c < JM_SC__COUNT && !rc; c++)
        rc = jm_strbuf_addf(&sql, ", %s", columns & (1u << c) ? jm__segcols[c].name : "NULL");
    if (!rc)
        rc = jm_strbuf_addstr(&sql, " FROM event_segments ORDER BY id");
    sqlite3_stmt *s = NULL;
    rc = rc ? jm_error_set(err, rc, "out of memory") : prepare(st, sql.buf, false, &s, err);
    jm_strbuf_release(&sql);
    if (rc)
        return rc;
    bool row = true;
    while (!rc && row) {
        rc = next_row(st, s, &row, "cannot read event segments", err);
        if (rc || !row)
            break;
        struct jm__segblobs b;
        read_blobs(s, 4, &b);
        rc = fn(&b, ctx);
    }
    sqlite3_finalize(s);
    return rc;
}

/* Adds the keys of one stored segment to the dedup set. */
static jm_status add_keys(struct jm_storage *st, sqlite3_stmt *s, struct jm_error *err)
{
    int64_t id = sqlite3_column_int64(s, 0), n = sqlite3_column_int64(s, 1);
    const unsigned char *p = sqlite3_column_blob(s, 2);
    size_t len = (size_t)sqlite3_column_bytes(s, 2);
    if (n < 0 || len != (size_t)n * 8 || (len && !p))
        return jm_error_set(err, JM_ESTORAGE,
                            "event segment %lld is corrupt (run 'journeymap check')",
                            (long long)id);
    for (size_t i = 0; i < (size_t)n; i++) {
        uint64_t k;
        bool added;
        memcpy(&k, p + 8 * i, 8);
        if (k && jm__u64set_add(&st->keys, k, &added))
            return jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    return JM_OK;
}

jm_status jm__storage_load_keys(struct jm_storage *st, struct jm_error *err)
{
    sqlite3_stmt *s = NULL;
    int64_t total;
    jm_status rc = stmt(st, JM_Q_EVENT_COUNT, &s, err);
    if (!rc)
        rc = scalar(st, s, &total, err);
    if (!rc && jm__u64set_reserve(&st->keys, (size_t)total + st->build.n))
        rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    if (!rc)
        rc = prepare(st, "SELECT id, n, key FROM event_segments", false, &s, err);
    if (rc)
        return rc;
    bool row = true;
    while (!rc && row) {
        rc = next_row(st, s, &row, "cannot read event keys", err);
        if (rc || !row)
            break;
        rc = add_keys(st, s, err);
    }
    sqlite3_finalize(s);
    if (!rc)
        st->keys_loaded = true;
    else
        jm__u64set_release(&st->keys);
    return rc;
}

jm_status jm_storage_expect_events(struct jm_storage *st, uint64_t n, struct jm_error *err)
{
    if (!st)
        return jm_error_set(err, JM_EINVAL, "no workspace");
    jm_status rc = writable(st, err);
    /* Loaded first: loading reserves for the stored keys alone, from an empty set. */
    if (!rc && !st->keys_loaded)
        rc = jm__storage_load_keys(st, err);
    if (rc)
        return rc;
    /* Only a hint: a failed reservation leaves the set as it was, to grow as events come. */
    if (n <= SIZE_MAX)
        (void)jm__u64set_reserve(&st->keys, (size_t)n);
    return JM_OK;
}

struct scan_ctx {
    struct jm_storage *st;
    jm_segment_fn fn;
    void *ctx;
    struct jm_error *err;
};

static jm_status decode_and_call(const struct jm__segblobs *raw, void *arg)
{
    struct scan_ctx *sc = arg;
    char why[200];
    jm_status rc = jm__segread_decode(&sc->st->read, raw, why, sizeof(why));
    if (rc == JM_ENOMEM)
        return jm_error_set(sc->err, rc, "out of memory");
    if (rc)
        return jm_error_set(sc->err, rc, "event segment %lld is corrupt: %s", (long long)raw->id,
                            why);
    return sc->fn(&sc->st->read.seg, sc->ctx);
}

jm_status jm_storage_scan_events(struct jm_storage *st, jm_segment_fn fn, void *ctx,
                                 struct jm_error *err)
{
    return jm_storage_scan_event_fields(st, ~UINT64_C(0), fn, ctx, err);
}

jm_status jm_storage_scan_event_fields(struct jm_storage *st, uint64_t fields, jm_segment_fn fn,
                                       void *ctx, struct jm_error *err)
{
    if (!st || !fn)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to scan events");
    bool started = false;
    jm_status rc = st->in_tx ? writable(st, err) : JM_OK;
    if (!rc && st->in_tx)
        rc = jm__storage_flush(st, err);
    if (!rc)
        rc = read_begin(st, &started, err);
    if (!rc)
        rc = jm__storage_load_names(st, err);
    struct scan_ctx sc = {st, fn, ctx, err};
    uint32_t columns = 0;
    for (int c = 0; c < JM_SC__COUNT; c++) {
        int f = jm__segcols[c].field;
        if (fields & (UINT64_C(1) << (f < 0 ? JM_EV__COUNT : f)))
            columns |= 1u << c;
    }
    if (!rc)
        rc = jm__storage_segments(st, columns, decode_and_call, &sc, err);
    read_end(st, started);
    return rc;
}

/* ================================================================ fixed queries, import log */

static void read_sqlval(sqlite3_stmt *s, int col, struct jm__sqlval *v)
{
    memset(v, 0, sizeof(*v));
    switch (sqlite3_column_type(s, col)) {
    case SQLITE_INTEGER:
        v->type = JM_SQL_INT;
        v->i = sqlite3_column_int64(s, col);
        v->r = (double)v->i;
        break;
    case SQLITE_FLOAT:
        v->type = JM_SQL_REAL;
        v->r = sqlite3_column_double(s, col);
        v->i = (int64_t)v->r;
        break;
    case SQLITE_NULL:
        v->type = JM_SQL_NULL;
        v->s = "";
        break;
    case SQLITE_BLOB:
        v->type = JM_SQL_BLOB;
        v->s = sqlite3_column_blob(s, col);
        v->len = (size_t)sqlite3_column_bytes(s, col);
        if (!v->s)
            v->s = "";
        break;
    default:
        v->type = JM_SQL_TEXT;
        v->s = (const char *)sqlite3_column_text(s, col);
        v->len = (size_t)sqlite3_column_bytes(s, col);
        if (!v->s)
            v->s = "";
        break;
    }
}

jm_status jm__storage_query(struct jm_storage *st, const char *sql, jm__row_fn fn, void *ctx,
                            struct jm_error *err)
{
    sqlite3_stmt *s = NULL;
    jm_status rc = prepare(st, sql, false, &s, err);
    if (rc)
        return rc;
    int ncol = sqlite3_column_count(s);
    if (ncol > JM__SQL_MAXCOL)
        ncol = JM__SQL_MAXCOL;
    bool row = true;
    while (!rc && row) {
        rc = next_row(st, s, &row, "query failed", err);
        if (rc || !row)
            break;
        struct jm__sqlval col[JM__SQL_MAXCOL];
        for (int c = 0; c < ncol; c++)
            read_sqlval(s, c, &col[c]);
        rc = fn(col, ncol, ctx);
    }
    sqlite3_finalize(s);
    return rc;
}

static jm_status bind_args(struct jm_storage *st, sqlite3_stmt *s, const struct jm__sqlval *args,
                           int nargs, struct jm_error *err)
{
    for (int i = 0; i < nargs; i++) {
        const struct jm__sqlval *a = &args[i];
        int rc = SQLITE_OK;
        switch (a->type) {
        case JM_SQL_NULL:
            rc = sqlite3_bind_null(s, i + 1);
            break;
        case JM_SQL_INT:
            rc = sqlite3_bind_int64(s, i + 1, a->i);
            break;
        case JM_SQL_REAL:
            rc = sqlite3_bind_double(s, i + 1, a->r);
            break;
        case JM_SQL_TEXT:
            rc = sqlite3_bind_text64(s, i + 1, a->s, a->len, SQLITE_STATIC, SQLITE_UTF8);
            break;
        case JM_SQL_BLOB:
            rc = sqlite3_bind_blob64(s, i + 1, a->s, a->len, SQLITE_STATIC);
            break;
        }
        if (rc != SQLITE_OK)
            return db_fail(st, rc, err, "cannot bind a parameter");
    }
    return JM_OK;
}

/* The kept statement for `sql`, prepared on first use. A statement still stepping (a callback
 * running the same query again) gets a fresh one, which *fresh says to finalize. */
static jm_status cached_stmt(struct jm_storage *st, const char *sql, sqlite3_stmt **out,
                             bool *fresh, struct jm_error *err)
{
    *fresh = false;
    for (size_t i = 0; i < st->ncached; i++)
        if (st->cached[i].sql == sql) {
            if (!sqlite3_stmt_busy(st->cached[i].s)) {
                *out = st->cached[i].s;
                return JM_OK;
            }
            *fresh = true;
            return prepare(st, sql, false, out, err);
        }
    if (st->ncached == st->capcached) {
        void *p = st->cached;
        if (jm_grow(&p, &st->capcached, st->ncached + 1, sizeof(*st->cached)))
            return jm_error_set(err, JM_ENOMEM, "out of memory");
        st->cached = p;
    }
    jm_status rc = prepare(st, sql, true, out, err);
    if (!rc)
        st->cached[st->ncached++] = (struct jm__cached){sql, *out};
    return rc;
}

static jm_status exec_rows(struct jm_storage *st, sqlite3_stmt *s, jm__row_fn fn, void *ctx,
                           struct jm_error *err)
{
    int ncol = sqlite3_column_count(s);
    if (ncol > JM__SQL_MAXCOL)
        ncol = JM__SQL_MAXCOL;
    jm_status rc = JM_OK;
    bool row = true;
    while (!rc && row) {
        rc = next_row(st, s, &row, "query failed", err);
        if (rc || !row || !fn)
            continue;
        struct jm__sqlval col[JM__SQL_MAXCOL];
        for (int c = 0; c < ncol; c++)
            read_sqlval(s, c, &col[c]);
        rc = fn(col, ncol, ctx);
    }
    return rc;
}

jm_status jm__storage_exec(struct jm_storage *st, const char *sql, const struct jm__sqlval *args,
                           int nargs, jm__row_fn fn, void *ctx, struct jm__sqlresult *res,
                           struct jm_error *err)
{
    sqlite3_stmt *s = NULL;
    bool fresh;
    if (res)
        *res = (struct jm__sqlresult){0, 0};
    jm_status rc = cached_stmt(st, sql, &s, &fresh, err);
    if (rc)
        return rc;
    bool write = !sqlite3_stmt_readonly(s);
    if (write && st->flags & JM_STORAGE_READONLY)
        rc = jm_error_set(err, JM_EINVAL, "workspace '%s' is open read-only", st->path);
    else if (write && st->in_tx)
        rc = writable(st, err);
    if (!rc)
        rc = bind_args(st, s, args, nargs, err);
    if (!rc)
        rc = exec_rows(st, s, fn, ctx, err);
    if (!rc && write) {
        int64_t changes = sqlite3_changes64(st->db);
        if (res)
            *res = (struct jm__sqlresult){changes, sqlite3_last_insert_rowid(st->db)};
        if (!st->in_tx && changes > 0)
            st->own_commits++; /* autocommit: this statement was a transaction of its own */
    }
    if (fresh) {
        sqlite3_finalize(s);
    } else {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
    return rc;
}

jm_status jm__storage_version(struct jm_storage *st, uint64_t *v, struct jm_error *err)
{
    jm_status rc = refresh(st, err);
    if (!rc)
        *v = (uint64_t)st->data_version + st->own_commits;
    return rc;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * JM_US_PER_SEC + ts.tv_nsec / 1000;
}

/* {"accounts": {"inserted": 3, "updated": 0, "unchanged": 1}, ...} for entities with counts. */
static jm_status import_detail(struct jm_strbuf *sb, const struct jm_import_stats *stats)
{
    jm_status rc = jm_strbuf_addch(sb, '{');
    bool first = true;
    for (int k = 0; k < JM_ENT__COUNT && !rc; k++) {
        if (!stats->inserted[k] && !stats->updated[k] && !stats->unchanged[k])
            continue;
        rc = jm_strbuf_addf(sb,
                            "%s\"%s\": {\"inserted\": %llu, \"updated\": %llu, "
                            "\"unchanged\": %llu}",
                            first ? "" : ", ", jm_entity_get((enum jm_entity)k)->name,
                            (unsigned long long)stats->inserted[k],
                            (unsigned long long)stats->updated[k],
                            (unsigned long long)stats->unchanged[k]);
        first = false;
    }
    return rc ? rc : jm_strbuf_addch(sb, '}');
}

jm_status jm_storage_log_import(struct jm_storage *st, const char *source, const char *mapping,
                                const struct jm_import_stats *stats, struct jm_error *err)
{
    if (!st || !source || !stats)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to log an import");
    sqlite3_stmt *s = NULL;
    jm_status rc = writable(st, err);
    if (!rc)
        rc = stmt(st, JM_Q_IMPORT_LOG, &s, err);
    if (rc)
        return rc;
    struct jm_strbuf detail = JM_STRBUF_INIT;
    if (import_detail(&detail, stats)) {
        jm_strbuf_release(&detail);
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    uint64_t sum[3] = {0, 0, 0};
    for (int k = 0; k < JM_ENT__COUNT; k++) {
        sum[0] += stats->inserted[k];
        sum[1] += stats->updated[k];
        sum[2] += stats->unchanged[k];
    }
    sqlite3_bind_int64(s, 1, now_us());
    sqlite3_bind_text(s, 2, source, -1, SQLITE_STATIC);
    if (mapping)
        sqlite3_bind_text(s, 3, mapping, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 3);
    sqlite3_bind_int64(s, 4, (int64_t)stats->rows);
    for (int i = 0; i < 3; i++)
        sqlite3_bind_int64(s, 5 + i, (int64_t)sum[i]);
    sqlite3_bind_int64(s, 8, (int64_t)stats->rejected);
    sqlite3_bind_text(s, 9, detail.buf, (int)detail.len, SQLITE_STATIC);
    sqlite3_bind_text(s, 10, jm_version(), -1, SQLITE_STATIC);
    rc = run(st, s, "cannot write the import log", err);
    jm_strbuf_release(&detail);
    return rc;
}
