/*
 * The group-commit writer over a real SQLite workspace in a temporary directory: dedup by
 * messageId within a batch and across batches, failed items kept for replay, identities
 * (identify after anonymous events, email domains, group calls), concurrent submitters sharing
 * commits, and a close that drains what was submitted.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

#include "journeymap/ingest.h"
#include "journeymap/workspace.h"

#define RECEIVED (INT64_C(1717243200) * JM_US_PER_SEC)

struct fixture {
    const char *dir;
    char db[512];
    struct jm_ingest_writer *w;
};

static int setup_with(void **state, unsigned linger_us)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->dir = jm_test_tmpdir();
    snprintf(f->db, sizeof(f->db), "%s/journeymap.db", f->dir);
    struct jm_storage *st = NULL;
    struct jm_error err;
    if (jm_storage_open(f->db, JM_STORAGE_CREATE, &st, &err))
        fail_msg("open: %s", err.msg);
    jm_storage_close(st);
    struct jm_ingest_writer_options o = {f->db, 0, linger_us};
    if (jm_ingest_writer_open(&o, &f->w, &err))
        fail_msg("writer: %s", err.msg);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, 0);
}

static int setup_linger(void **state)
{
    return setup_with(state, 1000);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    jm_ingest_writer_close(f->w);
    jm_test_rmtree(f->dir);
    free(f);
    return 0;
}

/* Parses and submits `body`; returns the batch (caller frees) with its outcomes. */
static struct jm_ingest_batch *submit(struct fixture *f, enum jm_ingest_call call, const char *body)
{
    struct jm_ingest_batch *b = NULL;
    struct jm_error err;
    if (jm_ingest_parse(call, body, strlen(body), RECEIVED, &b, &err))
        fail_msg("parse: %s", err.msg);
    if (jm_ingest_submit(f->w, b, "key12345", &err))
        fail_msg("submit: %s", err.msg);
    return b;
}

static enum jm_item_outcome outcome(const struct jm_ingest_batch *b, size_t i)
{
    return jm_ingest_batch_item(b, i)->outcome;
}

static struct jm_storage *reader(struct fixture *f)
{
    struct jm_storage *st = NULL;
    struct jm_error err;
    if (jm_storage_open(f->db, 0, &st, &err))
        fail_msg("open: %s", err.msg);
    return st;
}

static uint64_t count(struct fixture *f, enum jm_entity kind)
{
    struct jm_storage *st = reader(f);
    uint64_t n = 0;
    assert_int_equal(jm_storage_count(st, kind, &n, NULL), JM_OK);
    jm_storage_close(st);
    return n;
}

/* "touchpoint=contact" of every stored event, in order, joined by ';'. */
struct events_text {
    struct jm_storage *st;
    char out[4096];
};

static jm_status on_segment(const struct jm_event_segment *seg, void *arg)
{
    struct events_text *t = arg;
    for (size_t i = 0; i < seg->n; i++) {
        const char *tp, *c;
        size_t tl, cl;
        jm_event_segment_text(t->st, seg, i, JM_EV_TOUCHPOINT, &tp, &tl);
        jm_event_segment_text(t->st, seg, i, JM_EV_CONTACT, &c, &cl);
        size_t n = strlen(t->out);
        snprintf(t->out + n, sizeof(t->out) - n, "%.*s=%.*s;", (int)tl, tp, (int)cl, c);
    }
    return JM_OK;
}

static const char *events(struct fixture *f)
{
    static struct events_text t;
    memset(&t, 0, sizeof(t));
    t.st = reader(f);
    assert_int_equal(jm_storage_scan_events(t.st, on_segment, &t, NULL), JM_OK);
    jm_storage_close(t.st);
    return t.out;
}

static jm_status account_of(const struct jm_record *rec, void *ctx)
{
    int f = jm_entity_field(rec->def, "account");
    snprintf(ctx, 64, "%.*s", (int)rec->v[f].len, rec->v[f].kind == JM_V_TEXT ? rec->v[f].s : "");
    return JM_OK;
}

static const char *contact_account(struct fixture *f, const char *id)
{
    static char buf[64];
    struct jm_storage *st = reader(f);
    bool found = false;
    buf[0] = '\0';
    assert_int_equal(jm_storage_get(st, JM_ENT_CONTACT, id, account_of, buf, &found, NULL), JM_OK);
    assert_true(found);
    jm_storage_close(st);
    return buf;
}

/* ---------------------------------------------------------------- tests */

static void test_dedup(void **state)
{
    struct fixture *f = *state;
    struct jm_ingest_batch *b = submit(
        f, JM_CALL_BATCH,
        "{\"batch\":[{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"a\",\"messageId\":\"m1\"},"
        "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"a\",\"messageId\":\"m1\"},"
        "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"b\",\"messageId\":\"m2\"}]}");
    assert_int_equal(outcome(b, 0), JM_ITEM_STORED);
    assert_int_equal(outcome(b, 1), JM_ITEM_DUPLICATE);
    assert_int_equal(outcome(b, 2), JM_ITEM_STORED);
    jm_ingest_batch_free(b);
    b = submit(f, JM_CALL_TRACK, "{\"userId\":\"u-1\",\"event\":\"a\",\"messageId\":\"m2\"}");
    assert_int_equal(outcome(b, 0), JM_ITEM_DUPLICATE);
    jm_ingest_batch_free(b);
    assert_int_equal(count(f, JM_ENT_EVENT), 2);
    /* The unknown user became a bare contact so the events' reference holds. */
    assert_int_equal(count(f, JM_ENT_CONTACT), 1);
    assert_string_equal(events(f), "a=u-1;b=u-1;");
    struct jm_ingest_stats s;
    jm_ingest_writer_stats(f->w, &s);
    assert_int_equal(s.batches, 2);
    assert_int_equal(s.stored, 2);
    assert_int_equal(s.duplicates, 2);
}

struct failed_seen {
    int n;
    char reason[256], key[16], call[16], payload[256];
};

static jm_status on_failed(const struct jm_failed_event *ev, void *arg)
{
    struct failed_seen *s = arg;
    s->n++;
    snprintf(s->reason, sizeof(s->reason), "%s", ev->reason);
    snprintf(s->key, sizeof(s->key), "%s", ev->key_id);
    snprintf(s->call, sizeof(s->call), "%s", ev->call);
    snprintf(s->payload, sizeof(s->payload), "%.*s", (int)ev->payload_len, ev->payload);
    return JM_OK;
}

static void test_failed_items(void **state)
{
    struct fixture *f = *state;
    struct jm_ingest_batch *b = submit(
        f, JM_CALL_BATCH,
        "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"ok\"},"
        "{\"type\":\"track\",\"userId\":\"u\",\"timestamp\":\"2024-13-40\",\"event\":\"x\"}]}");
    assert_int_equal(outcome(b, 0), JM_ITEM_STORED);
    assert_int_equal(outcome(b, 1), JM_ITEM_FAILED);
    jm_ingest_batch_free(b);
    struct jm_storage *st = reader(f);
    struct failed_seen seen = {0};
    assert_int_equal(jm_failed_list(st, 0, 0, on_failed, &seen, NULL), JM_OK);
    jm_storage_close(st);
    assert_int_equal(seen.n, 1);
    assert_string_equal(seen.reason, "batch[1].timestamp: not an ISO-8601 time: '2024-13-40'");
    assert_string_equal(seen.key, "key12345");
    assert_string_equal(seen.call, "track");
    assert_string_equal(seen.payload, "{\"type\":\"track\",\"userId\":\"u\",\"timestamp\":"
                                      "\"2024-13-40\",\"event\":\"x\"}");
    assert_int_equal(count(f, JM_ENT_EVENT), 1);
}

static void test_identify_merges_anonymous(void **state)
{
    struct fixture *f = *state;
    struct jm_ingest_batch *b =
        submit(f, JM_CALL_PAGE, "{\"anonymousId\":\"anon-1\",\"messageId\":\"p1\"}");
    assert_int_equal(outcome(b, 0), JM_ITEM_STORED);
    jm_ingest_batch_free(b);
    b = submit(f, JM_CALL_IDENTIFY,
               "{\"userId\":\"u-7\",\"anonymousId\":\"anon-1\",\"traits\":{\"name\":\"Lan\"}}");
    assert_int_equal(outcome(b, 0), JM_ITEM_STORED);
    jm_ingest_batch_free(b);
    /* Later anonymous events of the same browser are the contact's at once. */
    b = submit(f, JM_CALL_TRACK, "{\"anonymousId\":\"anon-1\",\"event\":\"demo\"}");
    jm_ingest_batch_free(b);
    assert_string_equal(events(f), "page_view=;demo=u-7;");
    /* The earlier one is resolved through the identities table when the store loads. */
    struct jm_storage *st = reader(f);
    struct jm_strbuf sb = JM_STRBUF_INIT;
    bool found = false;
    assert_int_equal(jm_identity_find(st, "anon-1", &sb, &found, NULL), JM_OK);
    assert_true(found);
    assert_string_equal(sb.buf, "u-7");
    jm_strbuf_release(&sb);
    jm_storage_close(st);
}

static void test_email_domain_attach(void **state)
{
    struct fixture *f = *state;
    jm_ingest_batch_free(submit(f, JM_CALL_GROUP,
                                "{\"anonymousId\":\"x\",\"groupId\":\"acme\",\"traits\":"
                                "{\"name\":\"ACME\",\"website\":\"https://www.acme.com\"}}"));
    jm_ingest_batch_free(submit(f, JM_CALL_IDENTIFY,
                                "{\"userId\":\"u-1\",\"traits\":{\"email\":\"lan@ACME.com\"}}"));
    assert_string_equal(contact_account(f, "u-1"), "acme");
    jm_ingest_batch_free(submit(f, JM_CALL_IDENTIFY,
                                "{\"userId\":\"u-2\",\"traits\":{\"email\":\"lan@gmail.com\"}}"));
    assert_string_equal(contact_account(f, "u-2"), "");
    /* A contact that has an account keeps it. */
    jm_ingest_batch_free(submit(f, JM_CALL_GROUP, "{\"userId\":\"u-3\",\"groupId\":\"other\"}"));
    jm_ingest_batch_free(
        submit(f, JM_CALL_IDENTIFY, "{\"userId\":\"u-3\",\"traits\":{\"email\":\"m@acme.com\"}}"));
    assert_string_equal(contact_account(f, "u-3"), "other");
}

static void test_group_attach(void **state)
{
    struct fixture *f = *state;
    jm_ingest_batch_free(
        submit(f, JM_CALL_IDENTIFY, "{\"userId\":\"u-1\",\"traits\":{\"email\":\"a@b.io\"}}"));
    assert_string_equal(contact_account(f, "u-1"), "");
    jm_ingest_batch_free(submit(f, JM_CALL_GROUP,
                                "{\"userId\":\"u-1\",\"groupId\":\"g-1\",\"traits\":{\"name\":"
                                "\"Beta\"}}"));
    assert_string_equal(contact_account(f, "u-1"), "g-1");
    jm_ingest_batch_free(submit(
        f, JM_CALL_IDENTIFY,
        "{\"userId\":\"u-2\",\"traits\":{\"company\":{\"id\":\"g-2\",\"name\":\"Gamma\"}}}"));
    assert_string_equal(contact_account(f, "u-2"), "g-2");
    assert_int_equal(count(f, JM_ENT_ACCOUNT), 2);
}

/* ---------------------------------------------------------------- concurrency */

#define THREADS     8
#define SUBMISSIONS 25

struct worker {
    struct fixture *f;
    int index;
    int errors;
};

static void *work(void *arg)
{
    struct worker *wk = arg;
    for (int i = 0; i < SUBMISSIONS; i++) {
        char body[512];
        /* Every thread also sends message "shared-i", which must be stored once. */
        snprintf(body, sizeof(body),
                 "{\"batch\":[{\"type\":\"track\",\"userId\":\"u-%d\",\"event\":\"e\","
                 "\"messageId\":\"t%d-%d\"},{\"type\":\"track\",\"anonymousId\":\"a\","
                 "\"event\":\"s\",\"messageId\":\"shared-%d\"}]}",
                 wk->index, wk->index, i, i);
        struct jm_ingest_batch *b = NULL;
        struct jm_error err;
        if (jm_ingest_parse(JM_CALL_BATCH, body, strlen(body), RECEIVED, &b, &err) ||
            jm_ingest_submit(wk->f->w, b, "k", &err) || outcome(b, 0) != JM_ITEM_STORED)
            wk->errors++;
        jm_ingest_batch_free(b);
    }
    return NULL;
}

static void test_concurrent_submitters(void **state)
{
    struct fixture *f = *state;
    pthread_t t[THREADS];
    struct worker wk[THREADS];
    for (int i = 0; i < THREADS; i++) {
        wk[i] = (struct worker){f, i, 0};
        assert_int_equal(pthread_create(&t[i], NULL, work, &wk[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(wk[i].errors, 0);
    }
    struct jm_ingest_stats s;
    jm_ingest_writer_stats(f->w, &s);
    assert_int_equal(s.batches, THREADS * SUBMISSIONS);
    assert_int_equal(s.stored, THREADS * SUBMISSIONS + SUBMISSIONS);
    assert_int_equal(s.duplicates, (THREADS - 1) * SUBMISSIONS);
    assert_true(s.commits < s.batches);
    assert_int_equal(count(f, JM_ENT_EVENT), THREADS * SUBMISSIONS + SUBMISSIONS);
}

static void *submit_one(void *arg)
{
    struct fixture *f = arg;
    const char *body = "{\"userId\":\"late\",\"event\":\"last\",\"messageId\":\"late-1\"}";
    struct jm_ingest_batch *b = NULL;
    jm_status rc = jm_ingest_parse(JM_CALL_TRACK, body, strlen(body), RECEIVED, &b, NULL);
    if (!rc)
        rc = jm_ingest_submit(f->w, b, "k", NULL);
    jm_ingest_batch_free(b);
    return (void *)(intptr_t)rc;
}

static void test_close_drains(void **state)
{
    struct fixture *f = *state;
    jm_ingest_writer_close(f->w);
    struct jm_ingest_writer_options o = {f->db, 0, 300000}; /* lingers 300 ms */
    assert_int_equal(jm_ingest_writer_open(&o, &f->w, NULL), JM_OK);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, submit_one, f), 0);
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL); /* the batch is queued; the writer lingers */
    jm_ingest_writer_close(f->w);
    f->w = NULL;
    void *rc;
    pthread_join(t, &rc);
    assert_int_equal((intptr_t)rc, JM_OK);
    assert_string_equal(events(f), "last=late;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dedup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identify_merges_anonymous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_email_domain_attach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_attach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_submitters, setup_linger, teardown),
        cmocka_unit_test_setup_teardown(test_close_drains, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
