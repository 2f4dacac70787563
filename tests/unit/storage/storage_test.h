/*
 * Helpers shared by the storage tests: opening workspaces in a temporary folder, building
 * records field by field, and reading the file back with SQLite directly.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_STORAGE_TEST_H
#define JM_STORAGE_TEST_H

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "journeymap/storage.h"
#include "model/internal.h"
#include "storage/internal.h"

static inline struct jm_storage *ws_open(const char *path, unsigned flags)
{
    struct jm_storage *st = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_storage_open(path, flags, &st, &err);
    if (rc)
        fail_msg("open '%s': %s", path, err.msg);
    return st;
}

static inline struct jm_storage *ws_create(const char *dir)
{
    return ws_open(jm_test_path(dir, "ws.db"), JM_STORAGE_CREATE);
}

static inline void ws_begin(struct jm_storage *st)
{
    struct jm_error err;
    if (jm_storage_begin(st, &err))
        fail_msg("begin: %s", err.msg);
}

static inline void ws_commit(struct jm_storage *st)
{
    struct jm_error err;
    if (jm_storage_commit(st, &err))
        fail_msg("commit: %s", err.msg);
}

static inline void rec_init(struct jm_record *r, enum jm_entity kind)
{
    jm_record_init(r, jm_entity_get(kind));
}

static inline struct jm_value *rec_field(struct jm_record *r, const char *name)
{
    int i = jm_entity_field(r->def, name);
    if (i < 0)
        fail_msg("no field %s in %s", name, r->def->name);
    return &r->v[i];
}

static inline void set_text(struct jm_record *r, const char *name, const char *s)
{
    *rec_field(r, name) = (struct jm_value){.kind = JM_V_TEXT, .s = s, .len = strlen(s)};
}

static inline void set_time(struct jm_record *r, const char *name, int64_t us)
{
    *rec_field(r, name) = (struct jm_value){.kind = JM_V_TIME, .i = us};
}

static inline void set_real(struct jm_record *r, const char *name, double x)
{
    *rec_field(r, name) = (struct jm_value){.kind = JM_V_REAL, .r = x};
}

static inline void set_int(struct jm_record *r, const char *name, int64_t x)
{
    *rec_field(r, name) = (struct jm_value){.kind = JM_V_INT, .i = x};
}

static inline void set_missing(struct jm_record *r, const char *name)
{
    *rec_field(r, name) = (struct jm_value){.kind = JM_V_MISSING};
}

static inline void set_props(struct jm_record *r, const char *json)
{
    r->props = json;
    r->props_len = strlen(json);
}

/* Puts `r` and returns the outcome; fails the test on an error. */
static inline enum jm_put_outcome ws_put(struct jm_storage *st, const struct jm_record *r)
{
    enum jm_put_outcome out;
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_storage_put(st, r, &out, &err))
        fail_msg("put %s: %s", r->def->singular, err.msg);
    return out;
}

static inline uint64_t ws_count(struct jm_storage *st, enum jm_entity kind)
{
    uint64_t n = 0;
    struct jm_error err;
    if (jm_storage_count(st, kind, &n, &err))
        fail_msg("count: %s", err.msg);
    return n;
}

static inline int64_t day_us(int y, unsigned m, unsigned d)
{
    return jm_days_from_civil(y, m, d) * JM_US_PER_DAY;
}

/* Puts an owner, an account and a contact, the usual references of other records. */
static inline void ws_put_basics(struct jm_storage *st, const char *account, const char *contact)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", account);
    set_text(&r, "name", account);
    ws_put(st, &r);
    rec_init(&r, JM_ENT_CONTACT);
    set_text(&r, "id", contact);
    set_text(&r, "account", account);
    ws_put(st, &r);
}

/* Opens the workspace file with SQLite directly, as a second connection. */
static inline sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        fail_msg("raw open %s: %s", path, db ? sqlite3_errmsg(db) : "?");
    return db;
}

static inline void raw_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        char copy[512];
        snprintf(copy, sizeof(copy), "%s", msg ? msg : "?");
        sqlite3_free(msg);
        fail_msg("raw exec '%s': %s", sql, copy);
    }
}

/* The first column of the first row of `sql` as an integer. */
static inline int64_t raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("raw prepare '%s': %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return v;
}

/* The first column of the first row of `sql` as text into buf. */
static inline const char *raw_text(sqlite3 *db, const char *sql, char *buf, size_t cap)
{
    sqlite3_stmt *s = NULL;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("raw prepare '%s': %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return buf;
}

#endif
