/*
 * The engine's cache: a second acquire of the same journey returns the same snapshot; after a
 * commit from another connection, an acquire past the 2 s rebuild pause still returns the old
 * snapshot at once (the rebuild runs in the background) and, shortly after, the new one, while
 * a request still holding the old snapshot keeps it intact; the per-view output cache gives
 * back what was put.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journeymap/demo.h"
#include "journeymap/storage.h"
#include "server/engine.h"

static char db[64];

static jm_status put(const struct jm_record *rec, void *ctx)
{
    enum jm_put_outcome out;
    return jm_storage_put(ctx, rec, &out, NULL);
}

static void make_workspace(void)
{
    struct jm_storage *st;
    struct jm_demo_opts o = {7, JM_DEMO_MIN_EVENTS, 0, 0};
    snprintf(db, sizeof db, "/tmp/jm-engine-%d.db", (int)getpid());
    unlink(db);
    assert_int_equal(jm_storage_open(db, JM_STORAGE_CREATE, &st, NULL), JM_OK);
    assert_int_equal(jm_storage_begin(st, NULL), JM_OK);
    assert_int_equal(jm_demo_generate(&o, put, st, NULL, NULL), JM_OK);
    assert_int_equal(jm_storage_commit(st, NULL), JM_OK);
    jm_storage_close(st);
}

/* Adds one owner through a connection of its own (as the ingest writer would). */
static void commit_elsewhere(void)
{
    struct jm_storage *st;
    struct jm_record rec;
    jm_record_init(&rec, jm_entity_get(JM_ENT_OWNER));
    rec.v[0] = (struct jm_value){JM_V_TEXT, 0, 0, "own-new", 7};
    assert_int_equal(jm_storage_open(db, 0, &st, NULL), JM_OK);
    assert_int_equal(jm_storage_begin(st, NULL), JM_OK);
    assert_int_equal(put(&rec, st), JM_OK);
    assert_int_equal(jm_storage_commit(st, NULL), JM_OK);
    jm_storage_close(st);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Polls (bounded: a sanitized build is slow) until the background rebuild replaced `old`. Each
 * acquire meanwhile must answer without waiting for that build. */
static const struct srv_view *wait_newer(struct srv_request *req, const char *key,
                                         const struct srv_view *old)
{
    struct jm_error err = {0};
    const struct srv_view *v = NULL;
    for (double t0 = now_s(); now_s() - t0 < 30;) {
        double a = now_s();
        assert_int_equal(srv_view_acquire(req, key, 0, INT64_MAX, &v, &err), JM_OK);
        assert_true(now_s() - a < 0.5);
        if (v != old)
            return v;
        srv_view_release(req, v);
        usleep(10000);
    }
    fail_msg("the snapshot was not rebuilt within 30 s");
    return NULL;
}

static void cache_and_staleness(void **state)
{
    (void)state;
    make_workspace();
    struct srv_config cfg = {
        .db_path = db, .host = "127.0.0.1", .quiet = true, .access_log = "/dev/null"};
    struct srv *s = NULL;
    struct jm_error err = {0};
    if (srv_start(&cfg, &s, &err))
        fail_msg("srv_start: %s", err.msg);
    struct srv_request req = {.srv = s, .method = "GET", .path = "/", .body = ""};
    const struct srv_view *v1, *v2, *v3;
    const char *key = srv_default_journey(s);
    assert_int_equal(srv_view_acquire(&req, key, 0, INT64_MAX, &v1, &err), JM_OK);
    assert_int_equal(srv_view_acquire(&req, key, 0, INT64_MAX, &v2, &err), JM_OK);
    assert_ptr_equal(v1, v2);
    assert_true(v1->tl->n_units > 0);
    assert_int_equal(v1->version, 1);
    srv_view_cache_put(v1, "x", "abc", 3);
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_true(srv_view_cached(v2, "x", &sb));
    assert_string_equal(sb.buf, "abc");
    assert_false(srv_view_cached(v2, "y", &sb));
    srv_view_release(&req, v2);

    commit_elsewhere();
    sleep(3); /* past the rebuild pause */
    /* Deterministic: the worker installs its snapshot under the lock this acquire holds. */
    assert_int_equal(srv_view_acquire(&req, key, 0, INT64_MAX, &v3, &err), JM_OK);
    assert_ptr_equal(v3, v1);
    srv_view_release(&req, v3);
    v3 = wait_newer(&req, key, v1);
    assert_true(v3->data_version != v1->data_version);
    /* The old snapshot is still whole for whoever holds it. */
    assert_true(v1->tl->n_units == v3->tl->n_units);
    jm_strbuf_reset(&sb);
    assert_false(srv_view_cached(v3, "x", &sb));
    srv_view_release(&req, v1);
    srv_view_release(&req, v3);
    assert_int_equal(srv_view_acquire(&req, "no-such-journey", 0, INT64_MAX, &v3, &err),
                     JM_ENOTFOUND);
    jm_strbuf_release(&sb);
    srv_stop(s);
    unlink(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cache_and_staleness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
