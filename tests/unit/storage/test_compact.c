/*
 * Compaction of the small segments many small commits leave: every event survives with the
 * same key and fields, in the same order; dedup still sees every key, on this connection and
 * on a fresh one; full segments and lone small ones are left alone.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>

#include "storage_test.h"

static void put_event(struct jm_storage *st, int i)
{
    char mid[32], url[64];
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    snprintf(mid, sizeof(mid), "m-%d", i);
    set_text(&r, "message_id", mid);
    set_time(&r, "time", day_us(2024, 1, 1) + (int64_t)i * JM_US_PER_SEC);
    set_text(&r, "touchpoint", i % 2 ? "visit" : "demo");
    set_text(&r, "account", "acme");
    if (i % 3)
        set_text(&r, "contact", "lan");
    if (i % 4) {
        snprintf(url, sizeof(url), "https://a.com/%d", i);
        set_text(&r, "url", url);
    }
    if (i % 5 == 0)
        set_real(&r, "value", i * 1.5);
    if (i % 7 == 0)
        set_props(&r, "{\"k\":1}");
    enum jm_put_outcome o;
    assert_int_equal(jm_storage_put(st, &r, &o, NULL), JM_OK);
}

/* Every event as text, in scan order, and the number of segments. */
struct dump {
    struct jm_storage *st;
    struct jm_strbuf sb;
    int segments;
};

static jm_status on_segment(const struct jm_event_segment *seg, void *arg)
{
    struct dump *d = arg;
    d->segments++;
    for (size_t i = 0; i < seg->n; i++) {
        jm_strbuf_addf(&d->sb, "%llu %lld", (unsigned long long)seg->key[i],
                       (long long)seg->time[i]);
        for (int f = 0; f < JM_EV__COUNT; f++) {
            const char *s;
            size_t len;
            jm_event_segment_text(d->st, seg, i, (enum jm_event_field)f, &s, &len);
            jm_strbuf_addf(&d->sb, "|%.*s", (int)len, s);
        }
        const char *p;
        size_t plen;
        jm_event_segment_props(seg, i, &p, &plen);
        /* A column missing in a whole segment and a NaN are the same missing value. */
        double v = seg->value ? seg->value[i] : NAN;
        jm_strbuf_addf(&d->sb, "|%g|%.*s\n", isnan(v) ? -1.0 : v, (int)plen, p);
    }
    return JM_OK;
}

static char *dump(struct jm_storage *st, int *segments)
{
    struct dump d = {st, JM_STRBUF_INIT, 0};
    assert_int_equal(jm_storage_scan_events(st, on_segment, &d, NULL), JM_OK);
    *segments = d.segments;
    return jm_strbuf_detach(&d.sb, NULL);
}

static void print_line(const char *line, void *ctx)
{
    (void)ctx;
    print_message("check: %s\n", line);
}

static void test_compact_keeps_events(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    ws_put_basics(st, "acme", "lan");
    ws_commit(st);
    for (int c = 0; c < 40; c++) { /* 40 commits of 3 events: 40 segments */
        ws_begin(st);
        for (int i = 0; i < 3; i++)
            put_event(st, c * 3 + i);
        ws_commit(st);
    }
    int before_n, after_n;
    char *before = dump(st, &before_n);
    assert_int_equal(before_n, 40);
    unsigned merged = 0;
    assert_int_equal(jm_storage_compact_events(st, &merged, NULL), JM_OK);
    assert_int_equal(merged, 39);
    char *after = dump(st, &after_n);
    assert_int_equal(after_n, 1);
    if (strcmp(before, after) != 0) {
        size_t k = 0;
        while (before[k] == after[k])
            k++;
        while (k > 0 && before[k - 1] != '\n')
            k--;
        fail_msg("events differ after compaction:\n%.300s\n%.300s", before + k, after + k);
    }
    assert_int_equal(ws_count(st, JM_ENT_EVENT), 120);

    /* Dedup still knows every key, here and on a new connection. */
    enum jm_put_outcome o;
    ws_begin(st);
    for (int i = 0; i < 120; i += 17) {
        put_event(st, i);
    }
    ws_commit(st);
    assert_int_equal(ws_count(st, JM_ENT_EVENT), 120);
    jm_storage_close(st);
    st = ws_open(jm_test_path(dir, "ws.db"), 0);
    ws_begin(st);
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    set_text(&r, "message_id", "m-5");
    set_time(&r, "time", day_us(2024, 1, 1));
    set_text(&r, "touchpoint", "other");
    assert_int_equal(jm_storage_put(st, &r, &o, NULL), JM_OK);
    assert_int_equal(o, JM_PUT_UNCHANGED);
    ws_commit(st);

    /* Nothing left to merge: a second compaction is a no-op. */
    assert_int_equal(jm_storage_compact_events(st, &merged, NULL), JM_OK);
    assert_int_equal(merged, 0);
    unsigned long problems = 99;
    assert_int_equal(jm_storage_check(st, print_line, NULL, &problems, NULL), JM_OK);
    assert_int_equal(problems, 0);
    jm_free(before);
    jm_free(after);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void test_compact_refused_in_transaction(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    struct jm_error err;
    assert_int_equal(jm_storage_compact_events(st, NULL, &err), JM_EINVAL);
    jm_storage_rollback(st);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compact_keeps_events),
        cmocka_unit_test(test_compact_refused_in_transaction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
