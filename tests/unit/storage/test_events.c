/*
 * Events in the workspace: deduplication, segments of JM_SEGMENT_EVENTS, every column read back
 * exactly, the shared dictionary, and what a rollback forgets.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include "storage_test.h"

static const char *const accounts[] = {"acc-0", "acc-1", "acc-2"};
static const char *const contacts[] = {"con-0", "con-1", "con-2", "con-3"};
static const char *const touchpoints[] = {"blog view", "webinar", "demo", "quote sent"};
static const char *const channels[] = {"organic", "email", "Trực tiếp"};

static void put_people(struct jm_storage *st)
{
    struct jm_record r;
    for (int i = 0; i < 3; i++) {
        rec_init(&r, JM_ENT_ACCOUNT);
        set_text(&r, "id", accounts[i]);
        ws_put(st, &r);
    }
    for (int i = 0; i < 4; i++) {
        rec_init(&r, JM_ENT_CONTACT);
        set_text(&r, "id", contacts[i]);
        set_text(&r, "account", accounts[i % 3]);
        ws_put(st, &r);
    }
}

/* Strings of generated event i live here while its record is used. */
struct gen {
    char mid[32], url[64], anon[32], props[48];
};

/* Event i of a deterministic mix: columns present or missing in different rhythms. */
static void gen_event(size_t i, struct gen *g, struct jm_record *r)
{
    rec_init(r, JM_ENT_EVENT);
    if (i % 2 == 0) {
        snprintf(g->mid, sizeof(g->mid), "msg-%zu", i);
        set_text(r, "message_id", g->mid);
    } else {
        snprintf(g->anon, sizeof(g->anon), "anon-%zu", i % 1000);
        set_text(r, "anonymous_id", g->anon);
    }
    set_time(r, "time", day_us(2023, 1, 1) + (int64_t)((i * 7919) % 150001) * 60 * JM_US_PER_SEC);
    if (i % 5)
        set_text(r, "account", accounts[i % 3]);
    if (i % 2)
        set_text(r, "contact", contacts[i % 4]);
    set_text(r, "touchpoint", touchpoints[i % 4]);
    if (i % 7)
        set_text(r, "channel", channels[i % 3]);
    else
        set_missing(r, "channel");
    if (i % 10 == 0)
        set_text(r, "utm_source", "linkedin");
    if (i % 3) {
        snprintf(g->url, sizeof(g->url), "https://example.vn/p/%zu", i);
        set_text(r, "url", g->url);
    }
    if (i % 2) {
        set_real(r, "value", (double)i * 0.5);
        set_text(r, "currency", "VND");
    }
    if (i % 11 == 0)
        set_real(r, "sentiment", ((double)(i % 3) - 1) * 0.5);
    if (i % 13 == 0) {
        snprintf(g->props, sizeof(g->props), "{\"i\":%zu}", i);
        set_props(r, g->props);
    }
}

static jm_status put_event(struct jm_storage *st, const char *mid, const char *tp, int64_t t,
                           enum jm_put_outcome *out)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    if (mid)
        set_text(&r, "message_id", mid);
    set_text(&r, "touchpoint", tp);
    set_time(&r, "time", t);
    return jm_storage_put(st, &r, out, NULL);
}

static enum jm_put_outcome ev(struct jm_storage *st, const char *mid, const char *tp, int64_t t)
{
    enum jm_put_outcome out;
    assert_int_equal(put_event(st, mid, tp, t, &out), JM_OK);
    return out;
}

static void events_are_deduplicated_within_and_across_transactions(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    assert_int_equal(ev(st, "m1", "demo", 1), JM_PUT_INSERTED);
    assert_int_equal(ev(st, "m1", "demo", 1), JM_PUT_UNCHANGED);
    assert_int_equal(ev(st, "m1", "webinar", 2), JM_PUT_UNCHANGED); /* the message id decides */
    assert_int_equal(ev(st, NULL, "demo", 1), JM_PUT_INSERTED);     /* content key */
    assert_int_equal(ev(st, NULL, "demo", 1), JM_PUT_UNCHANGED);
    assert_int_equal(ev(st, NULL, "demo", 2), JM_PUT_INSERTED);
    /* A repeat is UNCHANGED even when its contact would not resolve. */
    struct jm_record r;
    enum jm_put_outcome out;
    struct jm_error err;
    rec_init(&r, JM_ENT_EVENT);
    set_text(&r, "message_id", "m1");
    set_text(&r, "touchpoint", "demo");
    set_time(&r, "time", 1);
    set_text(&r, "contact", "C404");
    assert_int_equal(jm_storage_put(st, &r, &out, &err), JM_OK);
    assert_int_equal(out, JM_PUT_UNCHANGED);
    set_text(&r, "message_id", "m2");
    assert_int_equal(jm_storage_put(st, &r, &out, &err), JM_ENOTFOUND);
    assert_string_equal(err.msg, "contact 'C404' does not exist");
    ws_commit(st);
    assert_int_equal(ws_count(st, JM_ENT_EVENT), 3);
    /* The next transaction of the same connection. */
    ws_begin(st);
    assert_int_equal(ev(st, "m1", "demo", 1), JM_PUT_UNCHANGED);
    assert_int_equal(ev(st, "m9", "demo", 1), JM_PUT_INSERTED);
    jm_storage_rollback(st);
    ws_begin(st);
    assert_int_equal(ev(st, "m9", "demo", 1), JM_PUT_INSERTED); /* the rollback forgot it */
    ws_commit(st);
    jm_storage_close(st);

    /* A new connection loads the keys from the stored segments. */
    st = ws_open(jm_test_path(dir, "ws.db"), 0);
    ws_begin(st);
    assert_int_equal(ev(st, "m1", "demo", 1), JM_PUT_UNCHANGED);
    assert_int_equal(ev(st, "m9", "demo", 1), JM_PUT_UNCHANGED);
    assert_int_equal(ev(st, NULL, "demo", 2), JM_PUT_UNCHANGED);
    assert_int_equal(ev(st, NULL, "demo", 3), JM_PUT_INSERTED);
    ws_commit(st);
    assert_int_equal(ws_count(st, JM_ENT_EVENT), 5);
    jm_storage_close(st);
    sqlite3 *db = raw_open(jm_test_path(dir, "ws.db"));
    assert_int_equal(raw_int(db, "SELECT count(*) FROM event_segments"), 3);
    sqlite3_close(db);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- read back */

struct readback {
    struct jm_storage *st;
    size_t next; /* global index of the next event */
    size_t segments;
};

static void expect_text(struct jm_storage *st, const struct jm_event_segment *seg, size_t j,
                        const struct jm_record *r, enum jm_event_field f)
{
    const char *s;
    size_t len;
    jm_event_segment_text(st, seg, j, f, &s, &len);
    const struct jm_value *v = &r->v[f];
    size_t want = v->kind == JM_V_TEXT ? v->len : 0;
    if (len != want || (want && memcmp(s, v->s, len) != 0))
        fail_msg("field %s: got '%.*s', want '%.*s'", r->def->fields[f].name, (int)len, s,
                 (int)want, want ? v->s : "");
}

static void expect_real(double got, const struct jm_value *v)
{
    if (v->kind == JM_V_REAL)
        assert_true(got == v->r);
    else
        assert_true(isnan(got));
}

static void expect_event(struct readback *rb, const struct jm_event_segment *seg, size_t j)
{
    struct gen g;
    struct jm_record r;
    gen_event(rb->next, &g, &r);
    assert_true(seg->key[j] == jm_event_key(&r));
    assert_true(seg->time[j] == r.v[JM_EV_TIME].i);
    for (int f = 0; f < JM_EV__COUNT; f++)
        if (f != JM_EV_TIME && f != JM_EV_VALUE && f != JM_EV_SENTIMENT)
            expect_text(rb->st, seg, j, &r, (enum jm_event_field)f);
    expect_real(seg->value[j], &r.v[JM_EV_VALUE]);
    expect_real(seg->sentiment[j], &r.v[JM_EV_SENTIMENT]);
    const char *p;
    size_t len;
    jm_event_segment_props(seg, j, &p, &len);
    assert_int_equal(len, r.props_len);
    assert_memory_equal(p, r.props ? r.props : "", len);
    /* Non-text fields have no text. */
    jm_event_segment_text(rb->st, seg, j, JM_EV_TIME, &p, &len);
    assert_int_equal(len, 0);
}

static jm_status read_segment(const struct jm_event_segment *seg, void *ctx)
{
    struct readback *rb = ctx;
    assert_true(seg->n <= JM_SEGMENT_EVENTS);
    for (size_t j = 0; j < seg->n; j++, rb->next++)
        expect_event(rb, seg, j);
    rb->segments++;
    return JM_OK;
}

static void many_events_span_segments_and_read_back_exactly(void **state)
{
    (void)state;
    const size_t n = 2 * JM_SEGMENT_EVENTS + 18928;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    put_people(st);
    for (size_t i = 0; i < n; i++) {
        struct gen g;
        struct jm_record r;
        gen_event(i, &g, &r);
        assert_int_equal(ws_put(st, &r), JM_PUT_INSERTED);
    }
    ws_commit(st);
    assert_int_equal(ws_count(st, JM_ENT_EVENT), n);
    jm_storage_close(st);

    sqlite3 *db = raw_open(jm_test_path(dir, "ws.db"));
    char buf[100];
    raw_text(db, "SELECT group_concat(n) FROM (SELECT n FROM event_segments ORDER BY id)", buf,
             sizeof(buf));
    assert_string_equal(buf, "65536,65536,18928");
    /* Columns nobody filled are stored as NULL. */
    assert_int_equal(raw_int(db, "SELECT count(*) FROM event_segments WHERE utm_term IS NULL"
                                 " AND referrer IS NULL AND url IS NOT NULL"),
                     3);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM dict"), 4 + 3 + 1 + 1);
    sqlite3_close(db);

    st = ws_open(jm_test_path(dir, "ws.db"), JM_STORAGE_READONLY);
    struct readback rb = {st, 0, 0};
    struct jm_error err;
    assert_int_equal(jm_storage_scan_events(st, read_segment, &rb, &err), JM_OK);
    assert_int_equal(rb.next, n);
    assert_int_equal(rb.segments, 3);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- dictionary */

static void dictionary_values_are_stored_once(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    for (int i = 0; i < 1000; i++) {
        struct jm_record r;
        rec_init(&r, JM_ENT_EVENT);
        set_time(&r, "time", i);
        set_text(&r, "touchpoint", i % 2 ? "demo" : "webinar");
        set_text(&r, "channel", channels[i % 3]);
        set_text(&r, "utm_medium", "email"); /* the same text as a channel: one entry */
        ws_put(st, &r);
    }
    ws_commit(st);
    sqlite3 *db = raw_open(jm_test_path(dir, "ws.db"));
    assert_int_equal(raw_int(db, "SELECT count(*) FROM dict"), 5);
    ws_begin(st);
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    set_time(&r, "time", 5000);
    set_text(&r, "touchpoint", "demo");
    set_text(&r, "channel", "referral");
    ws_put(st, &r);
    ws_commit(st);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM dict"), 6);
    assert_int_equal(raw_int(db, "SELECT id FROM dict WHERE value = 'referral'"), 6);
    sqlite3_close(db);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- transactions */

static jm_status count_events(const struct jm_event_segment *seg, void *ctx)
{
    *(size_t *)ctx += seg->n;
    return JM_OK;
}

static void scan_inside_a_transaction_sees_pending_events(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    for (int i = 0; i < 10; i++) {
        char mid[16];
        snprintf(mid, sizeof(mid), "e%d", i);
        ev(st, mid, "demo", i);
    }
    assert_int_equal(ws_count(st, JM_ENT_EVENT), 10);
    size_t seen = 0;
    assert_int_equal(jm_storage_scan_events(st, count_events, &seen, NULL), JM_OK);
    assert_int_equal(seen, 10);
    ev(st, "e10", "demo", 10);
    assert_int_equal(ev(st, "e3", "demo", 3), JM_PUT_UNCHANGED);
    jm_storage_rollback(st);
    seen = 0;
    assert_int_equal(jm_storage_scan_events(st, count_events, &seen, NULL), JM_OK);
    assert_int_equal(seen, 0);
    /* The dictionary entry "demo" was rolled back with its events; it comes back cleanly. */
    ws_begin(st);
    assert_int_equal(ev(st, "e3", "demo", 3), JM_PUT_INSERTED);
    ws_commit(st);
    sqlite3 *db = raw_open(jm_test_path(dir, "ws.db"));
    assert_int_equal(raw_int(db, "SELECT count(*) FROM dict"), 1);
    sqlite3_close(db);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* The import hot path: once warm, putting events allocates nothing (per event, at least). */
static void steady_state_puts_do_not_allocate(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    put_people(st);
    size_t i = 0;
    for (; i < 1000; i++) { /* warm up: segment arrays, heaps, dictionary, key set */
        struct gen g;
        struct jm_record r;
        gen_event(i, &g, &r);
        ws_put(st, &r);
    }
    jm_alloc_fail_reset();
    for (; i < 1000 + 20000; i++) {
        struct gen g;
        struct jm_record r;
        gen_event(i, &g, &r);
        ws_put(st, &r);
    }
    /* Only doubling growth (key set, string heaps) allocates: a handful of times, not per event. */
    print_message("%lu allocations for 20000 events\n", jm_alloc_count());
    assert_in_range(jm_alloc_count(), 0, 6);
    ws_commit(st);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void expected_events_are_reserved_once(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_error err;
    assert_int_equal(jm_storage_expect_events(st, 10, &err), JM_EINVAL); /* no transaction */
    assert_int_equal(jm_storage_expect_events(NULL, 10, &err), JM_EINVAL);
    ws_begin(st);
    put_people(st);
    size_t i = 0;
    for (; i < 100; i++) {
        struct gen g;
        struct jm_record r;
        gen_event(i, &g, &r);
        ws_put(st, &r);
    }
    ws_commit(st);
    /* A fresh connection: the call loads the stored keys before it reserves beside them. */
    jm_storage_close(st);
    st = ws_open(jm_test_path(dir, "ws.db"), 0);
    ws_begin(st);
    assert_int_equal(jm_storage_expect_events(st, 20000, &err), JM_OK);
    assert_true(st->keys_loaded);
    assert_int_equal(st->keys.n, 100);
    size_t cap = st->keys.cap;
    assert_true(cap * 7 >= (100 + 20000) * 10);
    /* A hint too large to honour is skipped, not an error. */
    assert_int_equal(jm_storage_expect_events(st, UINT64_MAX, &err), JM_OK);
    assert_int_equal(st->keys.cap, cap);
    for (; i < 100 + 20000; i++) {
        struct gen g;
        struct jm_record r;
        gen_event(i, &g, &r);
        ws_put(st, &r);
    }
    assert_int_equal(st->keys.cap, cap); /* no rehash on the way */
    assert_int_equal(st->keys.n, 100 + 20000);
    /* The stored keys still deduplicate. */
    struct gen g;
    struct jm_record r;
    gen_event(7, &g, &r);
    enum jm_put_outcome out;
    assert_int_equal(jm_storage_put(st, &r, &out, NULL), JM_OK);
    assert_int_equal(out, JM_PUT_UNCHANGED);
    ws_commit(st);
    assert_int_equal(ws_count(st, JM_ENT_EVENT), 100 + 20000);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(events_are_deduplicated_within_and_across_transactions),
        cmocka_unit_test(many_events_span_segments_and_read_back_exactly),
        cmocka_unit_test(dictionary_values_are_stored_once),
        cmocka_unit_test(scan_inside_a_transaction_sees_pending_events),
        cmocka_unit_test(steady_state_puts_do_not_allocate),
        cmocka_unit_test(expected_events_are_reserved_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
