/*
 * The workspace records of workspace.h: API keys, journey versions, failed events, identities,
 * record lookups and the data version, against a real SQLite file.
 *
 * SPDX-License-Identifier: MIT
 */
#include <limits.h>
#include <stdlib.h>

#include "storage_test.h"
#include "journeymap/workspace.h"

static struct jm_key_row key_row(const char *id, enum jm_role role, const char *name,
                                 int64_t created)
{
    struct jm_key_row k;
    memset(&k, 0, sizeof(k));
    snprintf(k.id, sizeof(k.id), "%s", id);
    for (int i = 0; i < JM_KEY_HASH_LEN; i++)
        k.hash[i] = (unsigned char)(id[0] + i);
    k.role = role;
    k.name = name;
    k.created = created;
    return k;
}

/* ---------------------------------------------------------------- keys */

struct seen_keys {
    int n;
    char ids[8][JM_KEY_ID_LEN + 1];
    char names[8][32];
    struct jm_key_row rows[8];
};

static jm_status collect_key(const struct jm_key_row *k, void *ctx)
{
    struct seen_keys *s = ctx;
    if (s->n < 8) {
        snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", k->id);
        snprintf(s->names[s->n], sizeof(s->names[0]), "%s", k->name);
        s->rows[s->n] = *k;
        s->rows[s->n].name = NULL;
    }
    s->n++;
    return JM_OK;
}

static void keys_put_find_list_revoke_touch(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_error err;
    struct jm_key_row a = key_row("AAAAaaa1", JM_ROLE_INGEST, "website", 2000);
    struct jm_key_row b = key_row("BBBBbbb2", JM_ROLE_VIEWER, "board", 1000);
    assert_int_equal(jm_keys_put(st, &a, &err), JM_OK);
    assert_int_equal(jm_keys_put(st, &b, &err), JM_OK);
    assert_int_equal(jm_keys_put(st, &a, &err), JM_ECONFLICT);
    assert_non_null(strstr(err.msg, "AAAAaaa1"));

    struct jm_key_row got;
    bool found = true;
    assert_int_equal(jm_keys_find(st, "ZZZZzzz9", &got, &found, &err), JM_OK);
    assert_false(found);
    assert_int_equal(jm_keys_find(st, "AAAAaaa1", &got, &found, &err), JM_OK);
    assert_true(found);
    assert_string_equal(got.id, "AAAAaaa1");
    assert_int_equal(got.role, JM_ROLE_INGEST);
    assert_memory_equal(got.hash, a.hash, JM_KEY_HASH_LEN);
    assert_int_equal(got.created, 2000);
    assert_int_equal(got.last_used, 0);
    assert_int_equal(got.revoked, 0);

    /* Oldest first: b was created before a. */
    struct seen_keys s = {0};
    assert_int_equal(jm_keys_list(st, collect_key, &s, &err), JM_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[0], "BBBBbbb2");
    assert_string_equal(s.names[0], "board");
    assert_string_equal(s.names[1], "website");

    int64_t t0 = 10 * JM_US_PER_SEC * 60;
    assert_int_equal(jm_keys_touch(st, "AAAAaaa1", t0, &err), JM_OK);
    assert_int_equal(jm_keys_touch(st, "AAAAaaa1", t0 + JM_US_PER_SEC, &err), JM_OK);
    assert_int_equal(jm_keys_find(st, "AAAAaaa1", &got, &found, &err), JM_OK);
    assert_int_equal(got.last_used, t0); /* a second later is not written */
    assert_int_equal(jm_keys_touch(st, "AAAAaaa1", t0 + 61 * JM_US_PER_SEC, &err), JM_OK);
    assert_int_equal(jm_keys_find(st, "AAAAaaa1", &got, &found, &err), JM_OK);
    assert_int_equal(got.last_used, t0 + 61 * JM_US_PER_SEC);

    assert_int_equal(jm_keys_revoke(st, "AAAAaaa1", 5000, &err), JM_OK);
    assert_int_equal(jm_keys_revoke(st, "AAAAaaa1", 9000, &err), JM_OK);
    assert_int_equal(jm_keys_find(st, "AAAAaaa1", &got, &found, &err), JM_OK);
    assert_int_equal(got.revoked, 5000); /* the first time is kept */
    assert_int_equal(jm_keys_revoke(st, "nope0000", 5000, &err), JM_ENOTFOUND);
    assert_string_equal(err.msg, "no API key with id 'nope0000'");
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void keys_roles_are_stored_by_name(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_error err;
    static const char *const names[] = {"admin", "editor", "viewer", "ingest"};
    for (int r = 0; r < JM_ROLE__COUNT; r++) {
        char id[16];
        snprintf(id, sizeof(id), "role%04d", r);
        struct jm_key_row k = key_row(id, (enum jm_role)r, "", r);
        assert_int_equal(jm_keys_put(st, &k, &err), JM_OK);
    }
    jm_storage_close(st);
    sqlite3 *db = raw_open(jm_test_path(dir, "ws.db"));
    char buf[32], sql[96];
    for (int r = 0; r < JM_ROLE__COUNT; r++) {
        snprintf(sql, sizeof(sql), "SELECT role FROM api_keys WHERE id = 'role%04d'", r);
        assert_string_equal(raw_text(db, sql, buf, sizeof(buf)), names[r]);
    }
    /* A role this build does not know is an error, not a silent downgrade or promotion. */
    raw_exec(db, "UPDATE api_keys SET role = 'root' WHERE id = 'role0002'");
    sqlite3_close(db);
    st = ws_open(jm_test_path(dir, "ws.db"), 0);
    struct jm_key_row got;
    bool found;
    assert_int_equal(jm_keys_find(st, "role0002", &got, &found, &err), JM_ESTORAGE);
    assert_non_null(strstr(err.msg, "unknown role 'root'"));
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- journey versions */

struct seen_versions {
    int n;
    int version[8];
    char key[8][16];
    char yaml[8][64];
    char author[8][16];
    bool yaml_null[8];
};

static jm_status collect_version(const struct jm_journey_version *v, void *ctx)
{
    struct seen_versions *s = ctx;
    if (s->n < 8) {
        s->version[s->n] = v->version;
        snprintf(s->key[s->n], 16, "%s", v->key);
        snprintf(s->author[s->n], 16, "%s", v->author);
        s->yaml_null[s->n] = v->yaml == NULL;
        snprintf(s->yaml[s->n], 64, "%s", v->yaml ? v->yaml : "");
    }
    s->n++;
    return JM_OK;
}

static int save(struct jm_storage *st, const char *key, const char *yaml, int64_t when)
{
    struct jm_error err;
    int v = -1;
    if (jm_journeys_save(st, key, yaml, strlen(yaml), "cli", "why", when, &v, &err))
        fail_msg("save: %s", err.msg);
    return v;
}

static void journey_versions_are_numbered_per_key(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_error err;
    assert_int_equal(save(st, "b2b", "key: b2b # 1", 100), 1);
    assert_int_equal(save(st, "b2b", "key: b2b # 2", 200), 2);
    assert_int_equal(save(st, "saas", "key: saas # 1", 150), 1);
    /* Inside a caller's transaction too, and a rollback takes the version back. */
    ws_begin(st);
    assert_int_equal(save(st, "b2b", "key: b2b # 3", 300), 3);
    jm_storage_rollback(st);
    ws_begin(st);
    assert_int_equal(save(st, "b2b", "key: b2b # 3", 300), 3);
    ws_commit(st);

    struct seen_versions s = {0};
    assert_int_equal(jm_journeys_get(st, "b2b", 0, INT64_MAX, collect_version, &s, &err), JM_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.version[0], 3);
    assert_string_equal(s.yaml[0], "key: b2b # 3");

    memset(&s, 0, sizeof(s));
    assert_int_equal(jm_journeys_get(st, "b2b", 2, INT64_MAX, collect_version, &s, &err), JM_OK);
    assert_string_equal(s.yaml[0], "key: b2b # 2");
    assert_string_equal(s.author[0], "cli");

    memset(&s, 0, sizeof(s));
    assert_int_equal(jm_journeys_get(st, "b2b", 0, 250, collect_version, &s, &err), JM_OK);
    assert_int_equal(s.version[0], 2);
    memset(&s, 0, sizeof(s));
    assert_int_equal(jm_journeys_get(st, "b2b", 0, 100, collect_version, &s, &err), JM_OK);
    assert_int_equal(s.version[0], 1);

    assert_int_equal(jm_journeys_get(st, "b2b", 0, 99, collect_version, &s, &err), JM_ENOTFOUND);
    assert_string_equal(err.msg, "journey 'b2b' had no version yet on 1970-01-01T00:00:00.000099Z");
    assert_int_equal(jm_journeys_get(st, "b2b", 9, INT64_MAX, collect_version, &s, &err),
                     JM_ENOTFOUND);
    assert_string_equal(err.msg, "journey 'b2b' has no version 9");
    assert_int_equal(jm_journeys_get(st, "nope", 0, INT64_MAX, collect_version, &s, &err),
                     JM_ENOTFOUND);
    assert_string_equal(err.msg, "journey 'nope' has no saved version");

    memset(&s, 0, sizeof(s));
    assert_int_equal(jm_journeys_list(st, "b2b", collect_version, &s, &err), JM_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.version[0], 3);
    assert_int_equal(s.version[2], 1);
    assert_true(s.yaml_null[0]);
    memset(&s, 0, sizeof(s));
    assert_int_equal(jm_journeys_list(st, NULL, collect_version, &s, &err), JM_OK);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.key[3], "saas");
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- failed events */

struct seen_failed {
    int n;
    int64_t id[8];
    size_t len[8];
    char call[8][16];
    char head[8][64];
    bool valid_utf8[8];
};

static jm_status collect_failed(const struct jm_failed_event *ev, void *ctx)
{
    struct seen_failed *s = ctx;
    if (s->n < 8) {
        s->id[s->n] = ev->id;
        s->len[s->n] = ev->payload_len;
        snprintf(s->call[s->n], 16, "%s", ev->call);
        snprintf(s->head[s->n], 64, "%.*s", (int)(ev->payload_len < 63 ? ev->payload_len : 63),
                 ev->payload);
        s->valid_utf8[s->n] = jm_utf8_valid(ev->payload, ev->payload_len, NULL);
    }
    s->n++;
    return JM_OK;
}

static void failed_events_put_list_delete_count(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_error err;
    const char *json = "{\"event\": \"Đăng ký\", \"userId\": \"u1\"}";
    struct jm_failed_event ev = {.received = 42,
                                 .key_id = "AAAAaaa1",
                                 .call = "track",
                                 .reason = "timestamp: not an ISO-8601 time",
                                 .payload = json,
                                 .payload_len = strlen(json)};
    int64_t id1 = 0, id2 = 0, id3 = 0;
    assert_int_equal(jm_failed_put(st, &ev, &id1, &err), JM_OK);

    /* 600 KB of two-byte characters, one byte off: the cut falls inside a character. */
    size_t big = 600 * 1024 + 1;
    char *huge = malloc(big);
    assert_non_null(huge);
    huge[0] = '"';
    for (size_t i = 1; i + 1 < big; i += 2)
        memcpy(huge + i, "\xc3\xa9", 2); /* é */
    ev.call = "batch";
    ev.payload = huge;
    ev.payload_len = big;
    assert_int_equal(jm_failed_put(st, &ev, &id2, &err), JM_OK);
    free(huge);
    ev.call = "identify";
    ev.payload = NULL;
    ev.payload_len = 0;
    ev.key_id = NULL;
    assert_int_equal(jm_failed_put(st, &ev, &id3, &err), JM_OK);
    assert_true(id1 < id2 && id2 < id3);

    uint64_t n = 0;
    assert_int_equal(jm_failed_count(st, &n, &err), JM_OK);
    assert_int_equal(n, 3);
    struct seen_failed s = {0};
    assert_int_equal(jm_failed_list(st, 0, 0, collect_failed, &s, &err), JM_OK);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.head[0], json);
    assert_string_equal(s.call[1], "batch");
    assert_true(s.len[1] <= JM_FAILED_PAYLOAD_MAX);
    assert_true(s.len[1] > JM_FAILED_PAYLOAD_MAX - 2);
    assert_true(s.valid_utf8[1]);
    assert_int_equal(s.len[2], 0);

    memset(&s, 0, sizeof(s));
    assert_int_equal(jm_failed_list(st, id1, 1, collect_failed, &s, &err), JM_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.id[0], id2);

    assert_int_equal(jm_failed_delete(st, id2, &err), JM_OK);
    assert_int_equal(jm_failed_delete(st, id2, &err), JM_ENOTFOUND);
    assert_int_equal(jm_failed_count(st, &n, &err), JM_OK);
    assert_int_equal(n, 2);
    /* Ids are never reused, so a reader paging "after" one cannot skip a new event. */
    int64_t id4 = 0;
    ev.payload = "{}";
    ev.payload_len = 2;
    assert_int_equal(jm_failed_delete(st, id3, &err), JM_OK);
    assert_int_equal(jm_failed_put(st, &ev, &id4, &err), JM_OK);
    assert_true(id4 > id3);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- identities */

struct seen_links {
    int n;
    char text[256];
};

static jm_status collect_link(const char *anon, const char *contact, void *ctx)
{
    struct seen_links *s = ctx;
    size_t len = strlen(s->text);
    snprintf(s->text + len, sizeof(s->text) - len, "%s=%s;", anon, contact);
    s->n++;
    return JM_OK;
}

static void identities_link_first_wins(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_error err;
    ws_begin(st);
    ws_put_basics(st, "ACME", "alice");
    ws_put_basics(st, "INITECH", "bob");
    bool linked = false;
    assert_int_equal(jm_identity_link(st, "anon-1", "alice", &linked, &err), JM_OK);
    assert_true(linked);
    ws_commit(st);

    assert_int_equal(jm_identity_link(st, "anon-1", "bob", &linked, &err), JM_OK);
    assert_false(linked);
    assert_int_equal(jm_identity_link(st, "anon-2", "bob", &linked, &err), JM_OK);
    assert_true(linked);
    assert_int_equal(jm_identity_link(st, "anon-3", "carol", &linked, &err), JM_ENOTFOUND);
    assert_string_equal(err.msg, "contact 'carol' does not exist");

    struct jm_strbuf sb = JM_STRBUF_INIT;
    bool found = false;
    assert_int_equal(jm_identity_find(st, "anon-1", &sb, &found, &err), JM_OK);
    assert_true(found);
    assert_string_equal(sb.buf, "alice");
    assert_int_equal(jm_identity_find(st, "anon-9", &sb, &found, &err), JM_OK);
    assert_false(found);
    assert_int_equal(sb.len, 0);
    jm_strbuf_release(&sb);

    struct seen_links s = {0};
    assert_int_equal(jm_identity_scan(st, collect_link, &s, &err), JM_OK);
    assert_string_equal(s.text, "anon-1=alice;anon-2=bob;");
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- lookups */

struct seen_records {
    int n;
    char ids[16][16];
    char names[16][32];
};

static jm_status collect_record(const struct jm_record *rec, void *ctx)
{
    struct seen_records *s = ctx;
    if (s->n < 16) {
        const struct jm_value *id = &rec->v[rec->def->id_field];
        snprintf(s->ids[s->n], 16, "%.*s", (int)id->len, id->s);
        int f = jm_entity_field(rec->def, "name");
        if (f >= 0 && rec->v[f].kind == JM_V_TEXT)
            snprintf(s->names[s->n], 32, "%.*s", (int)rec->v[f].len, rec->v[f].s);
    }
    s->n++;
    return JM_OK;
}

static void put_account(struct jm_storage *st, const char *id, const char *domain)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", id);
    set_text(&r, "name", id);
    if (domain)
        set_text(&r, "domain", domain);
    ws_put(st, &r);
}

static void put_contact(struct jm_storage *st, const char *id, const char *account)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_CONTACT);
    set_text(&r, "id", id);
    set_text(&r, "account", account);
    set_text(&r, "name", id);
    ws_put(st, &r);
}

static void get_and_page_records(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_error err;
    ws_begin(st);
    put_account(st, "A1", "a.example");
    put_account(st, "A2", NULL);
    static const char *const contacts[] = {"c1", "c2", "c3", "c4", "c5"};
    for (int i = 0; i < 5; i++)
        put_contact(st, contacts[i], i % 2 ? "A2" : "A1");
    ws_commit(st);

    struct seen_records s = {0};
    bool found = false;
    assert_int_equal(jm_storage_get(st, JM_ENT_CONTACT, "c3", collect_record, &s, &found, &err),
                     JM_OK);
    assert_true(found);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.names[0], "c3");
    memset(&s, 0, sizeof(s));
    assert_int_equal(jm_storage_get(st, JM_ENT_CONTACT, "c9", collect_record, &s, &found, &err),
                     JM_OK);
    assert_false(found);
    assert_int_equal(s.n, 0);
    assert_int_equal(jm_storage_get(st, JM_ENT_REVENUE, "A1", collect_record, &s, &found, &err),
                     JM_EINVAL);

    /* Contacts of A1 (c1, c3, c5), two per page. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(
        jm_storage_page(st, JM_ENT_CONTACT, "", 2, "account", "A1", collect_record, &s, &err),
        JM_OK);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[0], "c1");
    assert_string_equal(s.ids[1], "c3");
    memset(&s, 0, sizeof(s));
    assert_int_equal(
        jm_storage_page(st, JM_ENT_CONTACT, "c3", 2, "account", "A1", collect_record, &s, &err),
        JM_OK);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ids[0], "c5");
    /* Without a filter, every contact after c2. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(
        jm_storage_page(st, JM_ENT_CONTACT, "c2", 0, NULL, NULL, collect_record, &s, &err), JM_OK);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.ids[0], "c3");
    assert_int_equal(
        jm_storage_page(st, JM_ENT_CONTACT, "", 2, "account; DROP", "A1", collect_record, &s, &err),
        JM_EINVAL);
    assert_string_equal(err.msg, "contacts have no field 'account; DROP'");
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static bool by_domain(struct jm_storage *st, const char *domain, char *out, size_t cap)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct jm_error err;
    bool found = true;
    if (jm_storage_account_by_domain(st, domain, &sb, &found, &err))
        fail_msg("by domain: %s", err.msg);
    snprintf(out, cap, "%s", sb.buf);
    jm_strbuf_release(&sb);
    return found;
}

static void account_by_domain_ignores_case_and_www(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    put_account(st, "ACME", "www.Acme.com");
    put_account(st, "INI", "initech.io");
    put_account(st, "DUP1", "twin.example");
    put_account(st, "DUP2", "WWW.twin.example");
    ws_commit(st);
    char id[32];
    assert_true(by_domain(st, "acme.com", id, sizeof(id)));
    assert_string_equal(id, "ACME");
    assert_true(by_domain(st, "WWW.ACME.COM", id, sizeof(id)));
    assert_string_equal(id, "ACME");
    assert_true(by_domain(st, "www.initech.io", id, sizeof(id)));
    assert_string_equal(id, "INI");
    assert_false(by_domain(st, "twin.example", id, sizeof(id)));
    assert_string_equal(id, "");
    assert_false(by_domain(st, "other.example", id, sizeof(id)));
    assert_false(by_domain(st, "", id, sizeof(id)));
    /* A sub-domain is another domain. */
    assert_false(by_domain(st, "mail.acme.com", id, sizeof(id)));
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static uint64_t data_version(struct jm_storage *st)
{
    uint64_t v = 0;
    struct jm_error err;
    if (jm_storage_data_version(st, &v, &err))
        fail_msg("data version: %s", err.msg);
    return v;
}

static void data_version_changes_on_commits(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *a = ws_create(dir);
    struct jm_storage *b = ws_open(jm_test_path(dir, "ws.db"), 0);
    uint64_t va = data_version(a), vb = data_version(b);
    assert_int_equal(data_version(a), va); /* reading changes nothing */

    ws_begin(a);
    put_account(a, "ACME", NULL);
    ws_commit(a);
    uint64_t va2 = data_version(a), vb2 = data_version(b);
    assert_true(va2 != va); /* its own commit */
    assert_true(vb2 != vb); /* another connection's */

    /* A single-statement write in autocommit counts too. */
    int v;
    struct jm_error err;
    assert_int_equal(jm_journeys_save(b, "k", "x", 1, "", "", 1, &v, &err), JM_OK);
    assert_true(data_version(a) != va2);
    assert_true(data_version(b) != vb2);
    jm_storage_close(b);
    jm_storage_close(a);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- schema */

static void schema_2_workspace_is_migrated_to_3(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_path(dir, "ws.db");
    sqlite3 *db = raw_open(path);
    char sql[128];
    raw_exec(db, jm__migrations[0]);
    raw_exec(db, jm__migrations[1]);
    snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", JM__APPLICATION_ID);
    raw_exec(db, sql);
    raw_exec(db, "PRAGMA user_version = 2; UPDATE meta SET value='2' WHERE key='schema_version'");
    raw_exec(db, "INSERT INTO accounts(id, name, domain) VALUES('OLD', 'Old', 'old.example')");
    sqlite3_close(db);

    struct jm_storage *st = ws_open(path, 0);
    assert_int_equal(jm_storage_schema_version(st), 3);
    char id[32];
    assert_true(by_domain(st, "old.example", id, sizeof(id)));
    assert_string_equal(id, "OLD");
    uint64_t n = 99;
    struct jm_error err;
    assert_int_equal(jm_failed_count(st, &n, &err), JM_OK);
    assert_int_equal(n, 0);
    jm_storage_close(st);

    db = raw_open(path);
    static const char *const tables[] = {"api_keys", "journey_versions", "failed_events",
                                         "identities"};
    for (int i = 0; i < 4; i++) {
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_schema WHERE name = '%s'",
                 tables[i]);
        assert_int_equal(raw_int(db, sql), 1);
    }
    /* The domain lookup uses the index, not a scan of every account. */
    char plan[256];
    sqlite3_stmt *s = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(
            db, "EXPLAIN QUERY PLAN SELECT id FROM accounts WHERE " JM__DOMAIN_KEY " = 'x'", -1, &s,
            NULL),
        SQLITE_OK);
    plan[0] = '\0';
    while (sqlite3_step(s) == SQLITE_ROW)
        snprintf(plan + strlen(plan), sizeof(plan) - strlen(plan), "%s;",
                 (const char *)sqlite3_column_text(s, 3));
    sqlite3_finalize(s);
    assert_non_null(strstr(plan, "accounts_domain"));
    sqlite3_close(db);
    jm_test_rmtree(dir);
}

static jm_status int_col(const struct jm__sqlval *col, int ncol, void *ctx)
{
    if (ncol > 0)
        *(int64_t *)ctx = col[0].i;
    return JM_OK;
}

static int64_t synchronous(struct jm_storage *st)
{
    int64_t v = -1;
    struct jm_error err;
    if (jm__storage_exec(st, "PRAGMA synchronous", NULL, 0, int_col, &v, NULL, &err))
        fail_msg("pragma: %s", err.msg);
    return v;
}

static void durable_connections_sync_fully(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    assert_int_equal(synchronous(st), 1); /* NORMAL */
    jm_storage_close(st);
    st = ws_open(jm_test_path(dir, "ws.db"), JM_STORAGE_DURABLE);
    assert_int_equal(synchronous(st), 2); /* FULL */
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_put_find_list_revoke_touch),
        cmocka_unit_test(keys_roles_are_stored_by_name),
        cmocka_unit_test(journey_versions_are_numbered_per_key),
        cmocka_unit_test(failed_events_put_list_delete_count),
        cmocka_unit_test(identities_link_first_wins),
        cmocka_unit_test(get_and_page_records),
        cmocka_unit_test(account_by_domain_ignores_case_and_www),
        cmocka_unit_test(data_version_changes_on_commits),
        cmocka_unit_test(schema_2_workspace_is_migrated_to_3),
        cmocka_unit_test(durable_connections_sync_fully),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
