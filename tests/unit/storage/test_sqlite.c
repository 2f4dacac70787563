/*
 * The SQLite workspace: opening, migrations, the schema against the model, row upserts, scans,
 * transactions and fault injection, all against real files in a temporary folder.
 *
 * SPDX-License-Identifier: MIT
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage_test.h"

/* ---------------------------------------------------------------- open and migrate */

static void open_missing_file_says_run_init(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_path(dir, "nope.db");
    struct jm_storage *st = NULL;
    struct jm_error err;
    assert_int_equal(jm_storage_open(path, 0, &st, &err), JM_ENOTFOUND);
    assert_null(st);
    char want[600];
    snprintf(want, sizeof(want), "no workspace at '%s' (run 'journeymap init')", path);
    assert_string_equal(err.msg, want);
    assert_int_equal(access(path, F_OK), -1); /* and nothing was created */
    jm_test_rmtree(dir);
}

static void create_then_reopen_keeps_meta_and_wal(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_path(dir, "ws.db");
    struct jm_storage *st = ws_open(path, JM_STORAGE_CREATE);
    assert_int_equal(jm_storage_schema_version(st), JM__SCHEMA_VERSION);
    jm_storage_close(st);
    st = ws_open(path, 0);
    assert_int_equal(jm_storage_schema_version(st), JM__SCHEMA_VERSION);
    jm_storage_close(st);

    sqlite3 *db = raw_open(path);
    char buf[200], want[64];
    assert_int_equal(raw_int(db, "PRAGMA application_id"), JM__APPLICATION_ID);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), JM__SCHEMA_VERSION);
    assert_string_equal(raw_text(db, "PRAGMA journal_mode", buf, sizeof(buf)), "wal");
    assert_string_equal(raw_text(db, "SELECT value FROM meta WHERE key='format'", buf, 200),
                        "journeymap workspace");
    assert_string_equal(raw_text(db, "SELECT value FROM meta WHERE key='byte_order'", buf, 200),
                        "little-endian");
    snprintf(want, sizeof(want), "%d", JM__SCHEMA_VERSION);
    assert_string_equal(raw_text(db, "SELECT value FROM meta WHERE key='schema_version'", buf, 200),
                        want);
    snprintf(want, sizeof(want), "journeymap %s", jm_version());
    assert_string_equal(raw_text(db, "SELECT value FROM meta WHERE key='created_by'", buf, 200),
                        want);
    sqlite3_close(db);
    jm_test_rmtree(dir);
}

static void old_workspace_is_migrated_one_step_at_a_time(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_path(dir, "ws.db");
    sqlite3 *db = raw_open(path);
    char sql[128], buf[64];
    raw_exec(db, jm__migrations[0]);
    snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", JM__APPLICATION_ID);
    raw_exec(db, sql);
    raw_exec(db, "PRAGMA user_version = 1; UPDATE meta SET value='1' WHERE key='schema_version'");
    assert_int_equal(
        raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name='contacts_account'"), 0);
    sqlite3_close(db);

    struct jm_storage *st = ws_open(path, 0);
    assert_int_equal(jm_storage_schema_version(st), JM__SCHEMA_VERSION);
    jm_storage_close(st);
    db = raw_open(path);
    char want[16];
    snprintf(want, sizeof(want), "%d", JM__SCHEMA_VERSION);
    assert_int_equal(raw_int(db, "PRAGMA user_version"), JM__SCHEMA_VERSION);
    assert_int_equal(
        raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE name='contacts_account'"), 1);
    assert_string_equal(
        raw_text(db, "SELECT value FROM meta WHERE key='schema_version'", buf, sizeof(buf)), want);
    sqlite3_close(db);
    jm_test_rmtree(dir);
}

static void newer_workspace_is_refused(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_path(dir, "ws.db");
    jm_storage_close(ws_open(path, JM_STORAGE_CREATE));
    sqlite3 *db = raw_open(path);
    raw_exec(db, "PRAGMA user_version = 99");
    sqlite3_close(db);
    struct jm_storage *st = NULL;
    struct jm_error err;
    assert_int_equal(jm_storage_open(path, 0, &st, &err), JM_ESTORAGE);
    assert_null(st);
    char want[200];
    snprintf(want, sizeof(want), "workspace schema version 99 is newer than this journeymap (%d)",
             JM__SCHEMA_VERSION);
    assert_string_equal(err.msg, want);
    jm_test_rmtree(dir);
}

static void expect_not_workspace(const char *path, unsigned flags, const char *fragment)
{
    struct jm_storage *st = NULL;
    struct jm_error err;
    assert_int_equal(jm_storage_open(path, flags, &st, &err), JM_ESTORAGE);
    assert_null(st);
    if (!strstr(err.msg, fragment))
        fail_msg("'%s' lacks '%s'", err.msg, fragment);
}

static void files_that_are_not_workspaces_are_refused(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    char noise[4097];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof(noise) - 1; i++) {
        x = x * 1103515245u + 12345u;
        noise[i] = (char)(1 + (x >> 16) % 255);
    }
    noise[sizeof(noise) - 1] = '\0';
    const char *p = jm_test_write_file(dir, "noise.db", noise);
    expect_not_workspace(p, 0, "is not a journeymap workspace");
    expect_not_workspace(p, JM_STORAGE_CREATE, "is not a journeymap workspace");
    p = jm_test_write_file(dir, "text.db", "name,email\nAnna,anna@example.com\n");
    expect_not_workspace(p, 0, "is not a journeymap workspace");
    p = jm_test_write_file(dir, "empty.db", "");
    expect_not_workspace(p, 0, "is empty, not a journeymap workspace");

    const char *other = jm_test_path(dir, "other.db");
    sqlite3 *db = raw_open(other);
    raw_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1)");
    sqlite3_close(db);
    expect_not_workspace(other, 0, "is a SQLite database but not a journeymap workspace");
    expect_not_workspace(other, JM_STORAGE_CREATE, "not a journeymap workspace");

    /* Our application id without the meta table: half-made or forged. */
    const char *forged = jm_test_path(dir, "forged.db");
    db = raw_open(forged);
    char sql[80];
    snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", JM__APPLICATION_ID);
    raw_exec(db, sql);
    raw_exec(db, "PRAGMA user_version = 2; CREATE TABLE t(x)");
    sqlite3_close(db);
    expect_not_workspace(forged, 0, "not a journeymap workspace");
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- schema vs model */

static const char *sql_type(enum jm_ftype t)
{
    switch (t) {
    case JM_FT_INT:
    case JM_FT_TIME:
        return "INTEGER";
    case JM_FT_REAL:
        return "REAL";
    default:
        return "TEXT";
    }
}

static void expect_column(sqlite3_stmt *s, const char *name, const char *type)
{
    if (sqlite3_step(s) != SQLITE_ROW)
        fail_msg("missing column %s", name);
    assert_string_equal((const char *)sqlite3_column_text(s, 1), name);
    assert_string_equal((const char *)sqlite3_column_text(s, 2), type);
}

static void check_columns(sqlite3 *db, const struct jm_entity_def *def)
{
    char sql[128];
    sqlite3_stmt *s;
    snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", def->name);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    expect_column(s, "rowid", "INTEGER");
    assert_int_equal(sqlite3_column_int(s, 5), 1); /* the primary key */
    for (size_t i = 0; i < def->nfields; i++)
        expect_column(s, def->fields[i].name, sql_type(def->fields[i].type));
    expect_column(s, "properties", "TEXT");
    expect_column(s, "digest", "INTEGER");
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
}

/* Every REF field is a foreign key to the referenced entity's id, and nothing else is. */
static void check_foreign_keys(sqlite3 *db, const struct jm_entity_def *def)
{
    char sql[128];
    sqlite3_stmt *s;
    int refs = 0, fks = 0;
    for (size_t i = 0; i < def->nfields; i++)
        refs += def->fields[i].type == JM_FT_REF;
    snprintf(sql, sizeof(sql), "PRAGMA foreign_key_list(%s)", def->name);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(s, 2);
        const char *from = (const char *)sqlite3_column_text(s, 3);
        const char *to = (const char *)sqlite3_column_text(s, 4);
        int f = jm_entity_field(def, from);
        assert_true(f >= 0);
        assert_int_equal(def->fields[f].type, JM_FT_REF);
        assert_string_equal(table, jm_entity_get(def->fields[f].ref)->name);
        assert_string_equal(to, "id");
        fks++;
    }
    sqlite3_finalize(s);
    assert_int_equal(fks, refs);
}

/* The entity's identity has a UNIQUE index: id, or revenue's (account, period_start). */
static void check_identity_unique(sqlite3 *db, const struct jm_entity_def *def)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT group_concat(name, ',') FROM (SELECT ii.name FROM pragma_index_list('%s') il,"
             " pragma_index_info(il.name) ii WHERE il.[unique] = 1 AND il.origin = 'u'"
             " ORDER BY il.name, ii.seqno)",
             def->name);
    char buf[128];
    raw_text(db, sql, buf, sizeof(buf));
    assert_string_equal(buf, def->id_field >= 0 ? "id" : "account,period_start");
}

static void schema_matches_model(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    jm_storage_close(ws_create(dir));
    sqlite3 *db = raw_open(jm_test_path(dir, "ws.db"));
    for (int k = 0; k < JM_ENT__COUNT; k++) {
        if (k == JM_ENT_EVENT)
            continue;
        const struct jm_entity_def *def = jm_entity_get((enum jm_entity)k);
        check_columns(db, def);
        check_foreign_keys(db, def);
        check_identity_unique(db, def);
    }
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA table_info(event_segments)", -1, &s, NULL),
                     SQLITE_OK);
    expect_column(s, "id", "INTEGER");
    expect_column(s, "n", "INTEGER");
    expect_column(s, "min_time", "INTEGER");
    expect_column(s, "max_time", "INTEGER");
    for (int c = 0; c < JM_SC__COUNT; c++)
        expect_column(s, jm__segcols[c].name, "BLOB");
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    /* The segment columns cover every event field once, plus key and properties. */
    int seen[JM_EV__COUNT] = {0};
    for (int c = 0; c < JM_SC__COUNT; c++)
        if (jm__segcols[c].field >= 0)
            seen[jm__segcols[c].field]++;
    for (int f = 0; f < JM_EV__COUNT; f++)
        assert_int_equal(seen[f], 1);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_table_info('dict')"), 2);
    sqlite3_close(db);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- upserts */

static void raw_account(const char *dir, char *out, size_t cap)
{
    sqlite3 *db = raw_open(jm_test_path(dir, "ws.db"));
    raw_text(db,
             "SELECT coalesce(name,'-') || '|' || coalesce(industry,'-') || '|' ||"
             " coalesce(employees,'-') || '|' || properties FROM accounts WHERE id='A'",
             out, cap);
    sqlite3_close(db);
}

static void account_upserts_report_what_changed(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_record r;
    char buf[256];
    ws_begin(st);
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", "A");
    set_text(&r, "name", "Acme");
    set_int(&r, "employees", 50);
    set_props(&r, "{\"tier\": \"gold\", \"x\": 1}");
    assert_int_equal(ws_put(st, &r), JM_PUT_INSERTED);
    assert_int_equal(ws_put(st, &r), JM_PUT_UNCHANGED);
    set_text(&r, "name", "Acme Corp");
    assert_int_equal(ws_put(st, &r), JM_PUT_UPDATED);
    ws_commit(st);
    raw_account(dir, buf, sizeof(buf));
    assert_string_equal(buf, "Acme Corp|-|50|{\"tier\":\"gold\",\"x\":1}");

    /* Only the id and properties: the fields keep their values, properties merge by key. */
    ws_begin(st);
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", "A");
    set_props(&r, "{\"x\": 2, \"y\": [3]}");
    assert_int_equal(ws_put(st, &r), JM_PUT_UPDATED);
    assert_int_equal(ws_put(st, &r), JM_PUT_UNCHANGED);
    /* MISSING of a NULL column changes nothing; of a set one, clears it. */
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", "A");
    set_missing(&r, "industry");
    assert_int_equal(ws_put(st, &r), JM_PUT_UNCHANGED);
    set_text(&r, "industry", "SaaS");
    assert_int_equal(ws_put(st, &r), JM_PUT_UPDATED);
    ws_commit(st);
    raw_account(dir, buf, sizeof(buf));
    assert_string_equal(buf, "Acme Corp|SaaS|50|{\"tier\":\"gold\",\"x\":2,\"y\":[3]}");

    ws_begin(st);
    set_missing(&r, "industry");
    set_missing(&r, "employees");
    set_props(&r, "{\"x\": null}");
    assert_int_equal(ws_put(st, &r), JM_PUT_UPDATED);
    ws_commit(st);
    raw_account(dir, buf, sizeof(buf));
    assert_string_equal(buf, "Acme Corp|-|-|{\"tier\":\"gold\",\"y\":[3]}");
    assert_int_equal(ws_count(st, JM_ENT_ACCOUNT), 1);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void revenue_is_keyed_by_account_and_period(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_record r;
    ws_begin(st);
    ws_put_basics(st, "A", "C1");
    rec_init(&r, JM_ENT_REVENUE);
    set_text(&r, "account", "A");
    set_time(&r, "period_start", day_us(2024, 1, 1));
    set_real(&r, "mrr", 100);
    assert_int_equal(ws_put(st, &r), JM_PUT_INSERTED);
    assert_int_equal(ws_put(st, &r), JM_PUT_UNCHANGED);
    set_real(&r, "mrr", 120);
    assert_int_equal(ws_put(st, &r), JM_PUT_UPDATED);
    set_time(&r, "period_start", day_us(2024, 2, 1));
    assert_int_equal(ws_put(st, &r), JM_PUT_INSERTED);
    ws_commit(st);
    jm_storage_close(st);
    /* A fresh connection (no cache) finds the same rows. */
    st = ws_open(jm_test_path(dir, "ws.db"), 0);
    ws_begin(st);
    set_real(&r, "mrr", 120);
    assert_int_equal(ws_put(st, &r), JM_PUT_UNCHANGED);
    set_time(&r, "period_start", day_us(2024, 1, 1));
    set_real(&r, "mrr", 130);
    assert_int_equal(ws_put(st, &r), JM_PUT_UPDATED);
    ws_commit(st);
    assert_int_equal(ws_count(st, JM_ENT_REVENUE), 2);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void expect_put_error(struct jm_storage *st, const struct jm_record *r, jm_status code,
                             const char *msg)
{
    enum jm_put_outcome out;
    struct jm_error err;
    jm_error_clear(&err);
    assert_int_equal(jm_storage_put(st, r, &out, &err), code);
    assert_string_equal(err.msg, msg);
}

static void references_must_exist(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_record r;
    ws_begin(st);
    rec_init(&r, JM_ENT_CONTACT);
    set_text(&r, "id", "C1");
    set_text(&r, "account", "NOPE");
    expect_put_error(st, &r, JM_ENOTFOUND, "account 'NOPE' does not exist");
    ws_put_basics(st, "A", "C0"); /* earlier in the same transaction counts */
    set_text(&r, "account", "A");
    assert_int_equal(ws_put(st, &r), JM_PUT_INSERTED);

    rec_init(&r, JM_ENT_DEAL);
    set_text(&r, "id", "D1");
    set_text(&r, "owner", "O9");
    expect_put_error(st, &r, JM_ENOTFOUND, "owner 'O9' does not exist");
    rec_init(&r, JM_ENT_REVENUE);
    set_text(&r, "account", "B");
    set_time(&r, "period_start", 0);
    expect_put_error(st, &r, JM_ENOTFOUND, "account 'B' does not exist");
    rec_init(&r, JM_ENT_EVENT);
    set_time(&r, "time", 1);
    set_text(&r, "touchpoint", "demo");
    set_text(&r, "contact", "C404");
    expect_put_error(st, &r, JM_ENOTFOUND, "contact 'C404' does not exist");

    /* Row errors leave the transaction usable. */
    ws_commit(st);
    assert_int_equal(ws_count(st, JM_ENT_CONTACT), 2);
    assert_int_equal(ws_count(st, JM_ENT_DEAL), 0);
    assert_int_equal(ws_count(st, JM_ENT_EVENT), 0);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void bad_records_are_refused(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_record r;
    rec_init(&r, JM_ENT_OWNER);
    set_text(&r, "id", "O1");
    expect_put_error(st, &r, JM_EINVAL, "no transaction is open");
    ws_begin(st);
    rec_init(&r, JM_ENT_OWNER);
    expect_put_error(st, &r, JM_EINVAL, "owner id is required");
    set_text(&r, "id", "");
    expect_put_error(st, &r, JM_EINVAL, "owner id is required");
    set_text(&r, "id", "O1");
    set_real(&r, "name", 3);
    expect_put_error(st, &r, JM_EINVAL, "owner name has a value of the wrong type");
    rec_init(&r, JM_ENT_DEAL);
    set_text(&r, "id", "D1");
    set_text(&r, "status", "WON");
    expect_put_error(st, &r, JM_EPARSE, "unknown deal status 'WON'");
    set_text(&r, "status", "won");
    set_props(&r, "[1, 2]");
    expect_put_error(st, &r, JM_EPARSE, "deal properties must be a JSON object");
    set_props(&r, "{\"a\": ");
    expect_put_error(st, &r, JM_EPARSE,
                     "deal 'D1': properties are not valid JSON (malformed JSON)");
    rec_init(&r, JM_ENT_EVENT);
    set_text(&r, "touchpoint", "demo");
    expect_put_error(st, &r, JM_EINVAL, "event time is required");
    ws_commit(st);
    assert_int_equal(ws_count(st, JM_ENT_DEAL), 0);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- scans */

struct seen_deals {
    int n;
    char ids[4][8];
};

static jm_status see_deal(const struct jm_record *rec, void *ctx)
{
    struct seen_deals *s = ctx;
    const struct jm_entity_def *def = rec->def;
    assert_int_equal(def->kind, JM_ENT_DEAL);
    const struct jm_value *id = &rec->v[jm_entity_field(def, "id")];
    snprintf(s->ids[s->n++], 8, "%.*s", (int)id->len, id->s);
    if (id->len == 2 && memcmp(id->s, "D1", 2) == 0) {
        const struct jm_value *amount = &rec->v[jm_entity_field(def, "amount")];
        const struct jm_value *created = &rec->v[jm_entity_field(def, "created")];
        const struct jm_value *status = &rec->v[jm_entity_field(def, "status")];
        const struct jm_value *currency = &rec->v[jm_entity_field(def, "currency")];
        const struct jm_value *owner = &rec->v[jm_entity_field(def, "owner")];
        assert_int_equal(amount->kind, JM_V_REAL);
        assert_true(amount->r == 1234.5);
        assert_int_equal(created->kind, JM_V_TIME);
        assert_true(created->i == day_us(2024, 3, 5) + 7);
        assert_int_equal(status->kind, JM_V_TEXT);
        assert_ptr_equal(status->s, jm__deal_status[1]); /* the canonical static "won" */
        assert_int_equal(currency->kind, JM_V_MISSING);
        assert_int_equal(owner->kind, JM_V_MISSING);
        assert_int_equal(rec->props_len, strlen("{\"src\":\"crm\"}"));
        assert_memory_equal(rec->props, "{\"src\":\"crm\"}", rec->props_len);
    } else {
        assert_null(rec->props);
    }
    return JM_OK;
}

static jm_status stop_at_first(const struct jm_record *rec, void *ctx)
{
    (void)rec;
    (*(int *)ctx)++;
    return JM_ECONFLICT;
}

static void scan_gives_typed_records_in_id_order(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_record r;
    char won[] = "won"; /* not the static spelling */
    ws_begin(st);
    ws_put_basics(st, "A", "C1");
    rec_init(&r, JM_ENT_DEAL);
    set_text(&r, "id", "D2");
    ws_put(st, &r);
    set_text(&r, "id", "D1");
    set_text(&r, "account", "A");
    set_real(&r, "amount", 1234.5);
    set_time(&r, "created", day_us(2024, 3, 5) + 7);
    set_text(&r, "status", won);
    set_missing(&r, "currency");
    set_props(&r, "{ \"src\" : \"crm\" }");
    ws_put(st, &r);
    ws_commit(st);
    struct seen_deals seen = {0};
    struct jm_error err;
    assert_int_equal(jm_storage_scan(st, JM_ENT_DEAL, see_deal, &seen, &err), JM_OK);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.ids[0], "D1");
    assert_string_equal(seen.ids[1], "D2");
    int calls = 0;
    assert_int_equal(jm_storage_scan(st, JM_ENT_DEAL, stop_at_first, &calls, &err), JM_ECONFLICT);
    assert_int_equal(calls, 1);
    assert_int_equal(jm_storage_scan(st, JM_ENT_EVENT, stop_at_first, &calls, &err), JM_EINVAL);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void exists_sees_committed_and_pending_rows(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    bool yes = true;
    struct jm_error err;
    assert_int_equal(jm_storage_exists(st, JM_ENT_ACCOUNT, "A", 1, &yes, &err), JM_OK);
    assert_false(yes);
    ws_begin(st);
    ws_put_basics(st, "A", "C1");
    assert_int_equal(jm_storage_exists(st, JM_ENT_CONTACT, "C1", 2, &yes, &err), JM_OK);
    assert_true(yes);
    ws_commit(st);
    jm_storage_close(st);
    st = ws_open(jm_test_path(dir, "ws.db"), JM_STORAGE_READONLY);
    assert_int_equal(jm_storage_exists(st, JM_ENT_ACCOUNT, "A", 1, &yes, &err), JM_OK);
    assert_true(yes);
    assert_int_equal(jm_storage_exists(st, JM_ENT_ACCOUNT, "AB", 2, &yes, &err), JM_OK);
    assert_false(yes);
    assert_int_equal(jm_storage_exists(st, JM_ENT_EVENT, "x", 1, &yes, &err), JM_EINVAL);
    /* Read-only: reads work, writes are refused. */
    assert_int_equal(ws_count(st, JM_ENT_CONTACT), 1);
    assert_int_equal(jm_storage_begin(st, &err), JM_EINVAL);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- transactions */

static void put_everything(struct jm_storage *st, int salt)
{
    struct jm_record r;
    char mid[32];
    ws_put_basics(st, "A", "C1");
    rec_init(&r, JM_ENT_DEAL);
    set_text(&r, "id", "D1");
    set_text(&r, "account", "A");
    set_text(&r, "pipeline", "new business");
    ws_put(st, &r);
    for (int i = 0; i < 3; i++) {
        rec_init(&r, JM_ENT_EVENT);
        snprintf(mid, sizeof(mid), "m-%d-%d", salt, i);
        set_text(&r, "message_id", mid);
        set_time(&r, "time", day_us(2024, 5, 1) + i);
        set_text(&r, "contact", "C1");
        set_text(&r, "touchpoint", "webinar");
        set_text(&r, "channel", salt ? "email" : "paid search");
        ws_put(st, &r);
    }
}

static void rollback_leaves_nothing_behind(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_path(dir, "ws.db");
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    put_everything(st, 0);
    assert_int_equal(ws_count(st, JM_ENT_EVENT), 3);
    jm_storage_rollback(st);
    for (int k = 0; k < JM_ENT__COUNT; k++)
        assert_int_equal(ws_count(st, (enum jm_entity)k), 0);
    jm_storage_close(st);

    st = ws_open(path, 0);
    for (int k = 0; k < JM_ENT__COUNT; k++)
        assert_int_equal(ws_count(st, (enum jm_entity)k), 0);
    jm_storage_close(st);
    sqlite3 *db = raw_open(path);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM dict"), 0);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM event_segments"), 0);
    sqlite3_close(db);

    /* The same connection after a rollback: no stale cache entry survives. */
    st = ws_open(path, 0);
    ws_begin(st);
    put_everything(st, 0);
    jm_storage_rollback(st);
    ws_begin(st);
    put_everything(st, 1);
    ws_commit(st);
    assert_int_equal(ws_count(st, JM_ENT_EVENT), 3);
    assert_int_equal(ws_count(st, JM_ENT_ACCOUNT), 1);
    jm_storage_close(st);
    db = raw_open(path);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM dict"), 2); /* webinar, email */
    assert_int_equal(raw_int(db, "PRAGMA foreign_key_check"), -1); /* no rows */
    sqlite3_close(db);
    jm_test_rmtree(dir);
}

static jm_status count_segments(const struct jm_event_segment *seg, void *ctx);

static jm_status first_account_text(const struct jm_event_segment *seg, void *ctx)
{
    struct jm_storage **st = ctx;
    const char *s;
    size_t len;
    jm_event_segment_text(*st, seg, seg->n - 1, JM_EV_ACCOUNT, &s, &len);
    assert_int_equal(len, 1);
    assert_memory_equal(s, "B", 1);
    return JM_OK;
}

static void second_connection_sees_commits(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_path(dir, "ws.db");
    struct jm_storage *a = ws_create(dir), *b = ws_open(path, 0);
    struct jm_record r;
    size_t n = 0;
    /* b loads every account id (a complete cache: a miss means "no such account"). */
    assert_int_equal(jm_storage_scan_events(b, count_segments, &n, NULL), JM_OK);
    bool yes = true;
    struct jm_error err;
    assert_int_equal(jm_storage_exists(b, JM_ENT_ACCOUNT, "B", 1, &yes, &err), JM_OK);
    assert_false(yes);
    /* a commits account B and an event of B behind b's back. */
    ws_begin(a);
    ws_put_basics(a, "B", "C1");
    rec_init(&r, JM_ENT_EVENT);
    set_time(&r, "time", 1);
    set_text(&r, "touchpoint", "demo");
    set_text(&r, "account", "B");
    ws_put(a, &r);
    ws_commit(a);
    /* b notices (PRAGMA data_version) and rebuilds its caches. */
    assert_int_equal(jm_storage_exists(b, JM_ENT_ACCOUNT, "B", 1, &yes, &err), JM_OK);
    assert_true(yes);
    assert_int_equal(jm_storage_scan_events(b, first_account_text, &b, &err), JM_OK);
    ws_begin(b);
    assert_int_equal(ws_put(b, &r), JM_PUT_UNCHANGED); /* b's key set saw a's event too */
    jm_storage_rollback(b);
    jm_storage_close(a);
    jm_storage_close(b);
    jm_test_rmtree(dir);
}

static void import_log_records_counts(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_import_stats stats;
    memset(&stats, 0, sizeof(stats));
    stats.rows = 10;
    stats.inserted[JM_ENT_ACCOUNT] = 7;
    stats.unchanged[JM_ENT_ACCOUNT] = 1;
    stats.updated[JM_ENT_CONTACT] = 1;
    stats.rejected = 1;
    struct jm_error err;
    assert_int_equal(jm_storage_log_import(st, "a.csv", NULL, &stats, &err), JM_EINVAL);
    ws_begin(st);
    assert_int_equal(jm_storage_log_import(st, "accounts.csv", "hubspot.yaml", &stats, &err),
                     JM_OK);
    ws_commit(st);
    jm_storage_close(st);
    sqlite3 *db = raw_open(jm_test_path(dir, "ws.db"));
    char buf[300];
    raw_text(db,
             "SELECT source || '|' || mapping || '|' || rows || '|' || inserted || '|' || updated"
             " || '|' || unchanged || '|' || rejected || '|' || detail FROM import_log",
             buf, sizeof(buf));
    assert_string_equal(buf, "accounts.csv|hubspot.yaml|10|7|1|1|1|"
                             "{\"accounts\": {\"inserted\": 7, \"updated\": 0, \"unchanged\": 1}, "
                             "\"contacts\": {\"inserted\": 0, \"updated\": 1, \"unchanged\": 0}}");
    assert_true(raw_int(db, "SELECT time FROM import_log") > day_us(2024, 1, 1));
    sqlite3_close(db);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- durability */

static void ignore_line(const char *line, void *ctx)
{
    (void)line, (void)ctx;
}

/*
 * The child commits 1000 events, then keeps importing in a second transaction (segments are
 * written to the WAL as it goes) until the parent kills it with SIGKILL. It never returns.
 */
static void import_until_killed(const char *path, int ready_fd)
{
    struct jm_storage *st = NULL;
    if (jm_storage_open(path, 0, &st, NULL) || jm_storage_begin(st, NULL))
        _exit(2);
    for (uint64_t i = 0;; i++) {
        struct jm_record r;
        enum jm_put_outcome out;
        rec_init(&r, JM_ENT_EVENT);
        set_time(&r, "time", (int64_t)i);
        set_text(&r, "touchpoint", "visit");
        if (jm_storage_put(st, &r, &out, NULL))
            _exit(3);
        if (i + 1 == 1000 && (jm_storage_commit(st, NULL) || jm_storage_begin(st, NULL)))
            _exit(4);
        if (i == 1000 + 3 * JM_SEGMENT_EVENTS && write(ready_fd, "x", 1) != 1)
            _exit(5);
    }
}

static void killed_import_keeps_what_was_committed(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    char path[4200];
    snprintf(path, sizeof(path), "%s", jm_test_path(dir, "ws.db"));
    jm_storage_close(ws_open(path, JM_STORAGE_CREATE));
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        import_until_killed(path, fds[1]);
    }
    close(fds[1]);
    char c;
    assert_int_equal(read(fds[0], &c, 1), 1); /* segments of the open transaction are written */
    close(fds[0]);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));

    struct jm_storage *st = ws_open(path, 0);
    assert_int_equal(ws_count(st, JM_ENT_EVENT), 1000);
    unsigned long problems = 1;
    struct jm_error err;
    assert_int_equal(jm_storage_check(st, ignore_line, NULL, &problems, &err), JM_OK);
    assert_int_equal(problems, 0);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- fault injection */

static jm_status count_segments(const struct jm_event_segment *seg, void *ctx)
{
    *(size_t *)ctx += seg->n;
    return JM_OK;
}

static jm_status ignore_stat(const char *section, const char *label, uint64_t count, double amount,
                             void *ctx)
{
    (void)section, (void)label, (void)count, (void)amount, (void)ctx;
    return JM_OK;
}

/* The whole life of a small workspace; any step may fail, none may crash or leak. */
static jm_status life(const char *path, bool *committed)
{
    struct jm_storage *st = NULL;
    struct jm_record r;
    enum jm_put_outcome out;
    jm_status rc = jm_storage_open(path, JM_STORAGE_CREATE, &st, NULL);
    if (!rc)
        rc = jm_storage_begin(st, NULL);
    const char *ids[] = {"A", "B"};
    for (int i = 0; i < 2 && !rc; i++) {
        rec_init(&r, JM_ENT_ACCOUNT);
        set_text(&r, "id", ids[i]);
        set_props(&r, "{\"k\": 1}");
        rc = jm_storage_put(st, &r, &out, NULL);
    }
    for (int i = 0; i < 20 && !rc; i++) {
        rec_init(&r, JM_ENT_EVENT);
        set_time(&r, "time", day_us(2024, 1, 1 + (unsigned)i));
        set_text(&r, "account", ids[i % 2]);
        set_text(&r, "touchpoint", i % 3 ? "visit" : "demo");
        set_text(&r, "url", i % 2 ? "https://example.com/a" : "https://example.com/b");
        rc = jm_storage_put(st, &r, &out, NULL);
    }
    if (!rc)
        rc = jm_storage_commit(st, NULL);
    else if (st)
        jm_storage_rollback(st);
    *committed = !rc;
    size_t n = 0;
    unsigned long problems = 0;
    if (!rc)
        rc = jm_storage_scan_events(st, count_segments, &n, NULL);
    if (!rc)
        rc = jm_storage_stats(st, ignore_stat, NULL, NULL);
    if (!rc)
        rc = jm_storage_check(st, ignore_line, NULL, &problems, NULL);
    if (!rc && (n != 20 || problems))
        rc = JM_EINVAL;
    jm_storage_close(st);
    return rc;
}

static void unlink_workspace(const char *path)
{
    char p[4300];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static void every_allocation_may_fail(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    char path[4200];
    snprintf(path, sizeof(path), "%s", jm_test_path(dir, "ws.db"));
    bool committed;
    jm_alloc_fail_reset();
    assert_int_equal(life(path, &committed), JM_OK);
    unsigned long total = jm_alloc_count();
    assert_true(total > 10);
    unsigned long failed = 0;
    for (unsigned long n = 1; n <= total; n++) {
        unlink_workspace(path);
        jm_alloc_fail_at(n);
        jm_status rc = life(path, &committed);
        jm_alloc_fail_reset();
        if (rc != JM_OK && rc != JM_ENOMEM)
            fail_msg("allocation %lu of %lu: %s", n, total, jm_strerror(rc));
        failed += rc != JM_OK;
        if (access(path, F_OK) != 0)
            continue;
        /* All or nothing: a failed import left nothing, a committed one everything. */
        struct jm_storage *st = ws_open(path, 0);
        assert_int_equal(ws_count(st, JM_ENT_EVENT), committed ? 20 : 0);
        assert_int_equal(ws_count(st, JM_ENT_ACCOUNT), committed ? 2 : 0);
        jm_storage_close(st);
    }
    /* Every allocation is needed: failing any one of them fails the run. */
    assert_int_equal(failed, total);
    print_message("%lu allocations, each failed in turn\n", total);
    jm_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_missing_file_says_run_init),
        cmocka_unit_test(create_then_reopen_keeps_meta_and_wal),
        cmocka_unit_test(old_workspace_is_migrated_one_step_at_a_time),
        cmocka_unit_test(newer_workspace_is_refused),
        cmocka_unit_test(files_that_are_not_workspaces_are_refused),
        cmocka_unit_test(schema_matches_model),
        cmocka_unit_test(account_upserts_report_what_changed),
        cmocka_unit_test(revenue_is_keyed_by_account_and_period),
        cmocka_unit_test(references_must_exist),
        cmocka_unit_test(bad_records_are_refused),
        cmocka_unit_test(scan_gives_typed_records_in_id_order),
        cmocka_unit_test(exists_sees_committed_and_pending_rows),
        cmocka_unit_test(rollback_leaves_nothing_behind),
        cmocka_unit_test(second_connection_sees_commits),
        cmocka_unit_test(import_log_records_counts),
        cmocka_unit_test(killed_import_keeps_what_was_committed),
        cmocka_unit_test(every_allocation_may_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
