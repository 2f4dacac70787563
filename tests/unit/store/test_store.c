/*
 * Tests of the analytic event store: exact order, slices and dictionaries on a hand-made
 * workspace, invariants and a cross-check with `journeymap stats` on the demo company, and
 * every allocation of a load failing in turn.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <unistd.h>

#include "../storage/storage_test.h"
#include "journeymap/demo.h"
#include "journeymap/store.h"

static int64_t at(int sec)
{
    return day_us(2025, 1, 1) + (int64_t)sec * JM_US_PER_SEC;
}

static void put_account(struct jm_storage *st, const char *id)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", id);
    set_text(&r, "name", id);
    ws_put(st, &r);
}

static void put_contact(struct jm_storage *st, const char *id, const char *account)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_CONTACT);
    set_text(&r, "id", id);
    set_text(&r, "account", account);
    ws_put(st, &r);
}

struct ev {
    const char *mid, *account, *contact, *tp, *ch;
    int sec;
};

/* Ten events over three accounts, out of time order, in two segments. */
static const struct ev EVENTS[] = {
    {"e1", "acc-b", "con-b1", "demo", "email", 50},
    {"e2", "acc-a", "con-a2", "webinar", "web", 30},
    {"e3", "acc-a", "con-a1", "demo", NULL, 20},
    {"e4", "acc-a", "con-a1", "signup", "web", 10},
    {"e5", "acc-a", NULL, "webinar", "email", 40},
    {"e6", NULL, NULL, "signup", "web", 5},
    {"e7", "acc-c", "con-c1", "demo", "chat", 70},
    {"e8", "acc-c", "con-c1", "demo", "chat", 60},
    {"e9", "acc-b", "con-b1", "signup", "email", 45},
    {"e10", "acc-a", "con-a2", "demo", "web", 25},
};

static void put_ev(struct jm_storage *st, const struct ev *e)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    set_text(&r, "message_id", e->mid);
    set_time(&r, "time", at(e->sec));
    set_text(&r, "touchpoint", e->tp);
    if (e->account)
        set_text(&r, "account", e->account);
    if (e->contact)
        set_text(&r, "contact", e->contact);
    if (e->ch)
        set_text(&r, "channel", e->ch);
    ws_put(st, &r);
}

static void make_small(struct jm_storage *st)
{
    ws_begin(st);
    put_account(st, "acc-b");
    put_account(st, "acc-a");
    put_account(st, "acc-c");
    put_contact(st, "con-b1", "acc-b");
    put_contact(st, "con-a2", "acc-a");
    put_contact(st, "con-a1", "acc-a");
    put_contact(st, "con-c1", "acc-c");
    for (size_t i = 0; i < 5; i++)
        put_ev(st, &EVENTS[i]);
    ws_commit(st);
    ws_begin(st);
    for (size_t i = 5; i < sizeof(EVENTS) / sizeof(EVENTS[0]); i++)
        put_ev(st, &EVENTS[i]);
    ws_commit(st);
}

static struct jm_store *load(struct jm_storage *st)
{
    struct jm_store *s = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_store_load(st, &s, &err))
        fail_msg("store load: %s", err.msg);
    return s;
}

static void assert_dict(const struct jm_store *s, enum jm_store_dict d, const char *const *want,
                        size_t n)
{
    assert_int_equal(jm_store_dict_size(s, d), n);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        assert_string_equal(jm_store_text(s, d, i, &len), want[i]);
        assert_int_equal(len, strlen(want[i]));
        if (len)
            assert_int_equal(jm_store_lookup(s, d, want[i], len), (int64_t)i);
    }
    assert_int_equal(jm_store_lookup(s, d, "nope", 4), -1);
    assert_int_equal(jm_store_lookup(s, d, "", 0), -1);
}

static void dictionaries_are_sorted_by_text(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    make_small(st);
    struct jm_store *s = load(st);
    static const char *const acc[] = {"acc-a", "acc-b", "acc-c"};
    static const char *const con[] = {"", "con-a1", "con-a2", "con-b1", "con-c1"};
    static const char *const tp[] = {"", "demo", "signup", "webinar"};
    static const char *const ch[] = {"", "chat", "email", "web"};
    assert_dict(s, JM_STORE_ACCOUNT, acc, 3);
    assert_dict(s, JM_STORE_CONTACT, con, 5);
    assert_dict(s, JM_STORE_TOUCHPOINT, tp, 4);
    assert_dict(s, JM_STORE_CHANNEL, ch, 4);
    assert_string_equal(jm_store_text(s, JM_STORE_ACCOUNT, 3, NULL), "");
    assert_int_equal(jm_store_accounts(s), 3);
    assert_int_equal(jm_store_contacts(s), 4);
    jm_store_free(s);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void events_are_sorted_by_account_contact_time(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    make_small(st);
    struct jm_store *s = load(st);
    const struct jm_store_columns *c = jm_store_columns(s);
    static const int secs[] = {40, 10, 20, 25, 30, 45, 50, 60, 70, 5};
    static const uint32_t con[] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 0};
    static const uint16_t tp[] = {3, 2, 1, 1, 3, 2, 1, 1, 1, 2};
    static const uint8_t ch[] = {2, 3, 0, 3, 3, 2, 2, 1, 1, 3};
    static const uint32_t starts[] = {0, 5, 7, 9, 10};
    assert_int_equal(c->n, 10);
    assert_int_equal(jm_store_events(s), 10);
    assert_int_equal(c->n_accounts, 3);
    for (size_t i = 0; i < 10; i++) {
        assert_int_equal(c->time_us[i], at(secs[i]));
        assert_int_equal(c->contact[i], con[i]);
        assert_int_equal(c->touchpoint[i], tp[i]);
        assert_int_equal(c->channel[i], ch[i]);
    }
    for (size_t a = 0; a <= 3; a++) {
        size_t b, e;
        jm_store_account_slice(s, a, &b, &e);
        assert_int_equal(b, starts[a]);
        assert_int_equal(e, starts[a + 1]);
        assert_int_equal(c->account_start[a], starts[a]);
    }
    size_t b = 1, e = 1;
    jm_store_account_slice(s, 4, &b, &e);
    assert_int_equal(e - b, 0);
    double bpe = jm_store_bytes_per_event(s);
    assert_true(fabs(bpe - (15.0 * 10 + 4 * 5) / 10) < 1e-9);
    jm_store_free(s);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void empty_workspace_gives_an_empty_store(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_store *s = load(st);
    assert_int_equal(jm_store_events(s), 0);
    assert_int_equal(jm_store_accounts(s), 0);
    assert_int_equal(jm_store_contacts(s), 0);
    size_t b = 1, e = 1;
    jm_store_account_slice(s, 0, &b, &e);
    assert_int_equal(e - b, 0);
    assert_true(jm_store_bytes_per_event(s) == 0);
    jm_store_free(s);
    jm_store_free(NULL);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void long_runs_are_sorted_stably_by_time(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    put_account(st, "acc-a");
    put_contact(st, "con-a1", "acc-a");
    for (int i = 0; i < 200; i++) {
        char mid[32], tp[32];
        snprintf(mid, sizeof(mid), "m%d", i);
        snprintf(tp, sizeof(tp), "t%03d", i);
        put_ev(st, &(struct ev){mid, "acc-a", "con-a1", tp, NULL, (i * 37) % 50});
    }
    ws_commit(st);
    struct jm_store *s = load(st);
    const struct jm_store_columns *c = jm_store_columns(s);
    assert_int_equal(c->n, 200);
    /* Touchpoint "t%03d" of event i has index i + 1, so it names the event. */
    for (size_t k = 1; k < c->n; k++) {
        assert_true(c->time_us[k - 1] <= c->time_us[k]);
        if (c->time_us[k - 1] == c->time_us[k])
            assert_true(c->touchpoint[k - 1] < c->touchpoint[k]);
    }
    for (size_t k = 0; k < c->n; k++)
        assert_int_equal(c->time_us[k], at(((c->touchpoint[k] - 1) * 37) % 50));
    jm_store_free(s);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void more_than_255_channels_is_a_limit(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    for (int i = 0; i < 255; i++) {
        char mid[32], chan[32];
        snprintf(mid, sizeof(mid), "m%d", i);
        snprintf(chan, sizeof(chan), "ch%03d", i);
        put_ev(st, &(struct ev){mid, NULL, NULL, "demo", chan, i});
    }
    ws_commit(st);
    struct jm_store *s = load(st);
    assert_int_equal(jm_store_dict_size(s, JM_STORE_CHANNEL), 256);
    jm_store_free(s);
    ws_begin(st);
    put_ev(st, &(struct ev){"one-more", NULL, NULL, "demo", "ch255", 1});
    ws_commit(st);
    struct jm_error err;
    s = (struct jm_store *)&err; /* must be reset to NULL */
    assert_int_equal(jm_store_load(st, &s, &err), JM_ELIMIT);
    assert_null(s);
    assert_string_equal(err.msg, "more than 255 channels");
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- demo company */

static jm_status put_sink(const struct jm_record *rec, void *ctx)
{
    enum jm_put_outcome out;
    return jm_storage_put(ctx, rec, &out, NULL);
}

struct tp_check {
    const struct jm_store *s;
    const uint64_t *counts;
    uint64_t total;
    size_t rows;
};

static jm_status check_stat(const char *section, const char *label, uint64_t count, double amount,
                            void *ctx)
{
    (void)amount;
    struct tp_check *c = ctx;
    if (strcmp(section, "touchpoints") != 0)
        return JM_OK;
    int64_t i = jm_store_lookup(c->s, JM_STORE_TOUCHPOINT, label, strlen(label));
    if (i < 0)
        fail_msg("touchpoint '%s' not in the store", label);
    if (c->counts[i] != count)
        fail_msg("touchpoint '%s': store %llu, stats %llu", label, (unsigned long long)c->counts[i],
                 (unsigned long long)count);
    c->total += count;
    c->rows++;
    return JM_OK;
}

/* Accounts are runs, contacts runs within them, times ascending within a contact. */
static void assert_sorted(const struct jm_store *s)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    assert_int_equal(c->account_start[0], 0);
    assert_int_equal(c->account_start[c->n_accounts + 1], c->n);
    for (size_t a = 0; a <= c->n_accounts; a++) {
        size_t b, e;
        jm_store_account_slice(s, a, &b, &e);
        assert_true(b <= e);
        for (size_t i = b + 1; i < e; i++) {
            assert_true(c->contact[i - 1] <= c->contact[i]);
            if (c->contact[i - 1] == c->contact[i])
                assert_true(c->time_us[i - 1] <= c->time_us[i]);
        }
    }
}

static void demo_company_matches_storage_stats(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_demo_opts o = {.seed = 7, .events = 20000};
    struct jm_error err;
    ws_begin(st);
    if (jm_demo_generate(&o, put_sink, st, NULL, &err))
        fail_msg("demo: %s", err.msg);
    ws_commit(st);
    struct jm_store *s = load(st);
    assert_int_equal(jm_store_events(s), 20000);
    assert_int_equal(jm_store_accounts(s), ws_count(st, JM_ENT_ACCOUNT));
    assert_sorted(s);
    size_t ntp = jm_store_dict_size(s, JM_STORE_TOUCHPOINT);
    uint64_t *counts = test_calloc(ntp, sizeof(*counts));
    const struct jm_store_columns *c = jm_store_columns(s);
    for (size_t i = 0; i < c->n; i++)
        counts[c->touchpoint[i]]++;
    struct tp_check chk = {s, counts, 0, 0};
    assert_int_equal(jm_storage_stats(st, check_stat, &chk, &err), JM_OK);
    assert_int_equal(chk.total, 20000);
    assert_int_equal(chk.rows, ntp - 1);
    assert_int_equal(counts[0], 0);
    print_message("%zu touchpoints, %.2f bytes/event\n", ntp - 1, jm_store_bytes_per_event(s));
    test_free(counts);
    jm_store_free(s);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- fault injection */

static void every_allocation_of_a_load_may_fail(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    char path[4200];
    snprintf(path, sizeof(path), "%s", jm_test_path(dir, "ws.db"));
    struct jm_storage *st = ws_open(path, JM_STORAGE_CREATE);
    make_small(st);
    jm_storage_close(st);
    st = ws_open(path, 0);
    struct jm_store *s = NULL;
    jm_alloc_fail_reset();
    assert_int_equal(jm_store_load(st, &s, NULL), JM_OK);
    unsigned long total = jm_alloc_count();
    jm_store_free(s);
    jm_storage_close(st);
    unsigned long failed = 0;
    for (unsigned long n = 1; n <= total + 5; n++) {
        st = ws_open(path, 0);
        s = NULL;
        jm_alloc_fail_reset();
        jm_alloc_fail_at(n);
        jm_status rc = jm_store_load(st, &s, NULL);
        jm_alloc_fail_reset();
        if (rc != JM_OK && rc != JM_ENOMEM)
            fail_msg("allocation %lu of %lu: %s", n, total, jm_strerror(rc));
        assert_true(rc == JM_OK ? s != NULL : s == NULL);
        if (s)
            assert_int_equal(jm_store_events(s), 10);
        failed += rc != JM_OK;
        jm_store_free(s);
        jm_storage_close(st);
    }
    assert_true(failed > 0);
    print_message("%lu allocations, %lu failing loads\n", total, failed);
    jm_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dictionaries_are_sorted_by_text),
        cmocka_unit_test(events_are_sorted_by_account_contact_time),
        cmocka_unit_test(empty_workspace_gives_an_empty_store),
        cmocka_unit_test(long_runs_are_sorted_stably_by_time),
        cmocka_unit_test(more_than_255_channels_is_a_limit),
        cmocka_unit_test(demo_company_matches_storage_stats),
        cmocka_unit_test(every_allocation_of_a_load_may_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
