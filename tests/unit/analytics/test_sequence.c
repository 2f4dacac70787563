/*
 * Tests of the sequence analyses (funnel, time to convert, transitions, attribution) on stores
 * built from hand-made workspaces: hand-computed answers for the edges (a window exactly met,
 * equal times, repeated step names, an even count's median, entities with only later steps,
 * events without a contact or an account, a contact spread over several accounts), then the
 * same analyses against brute force on random workspaces with every thread count, and every
 * allocation failing in turn.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>

#include "../storage/storage_test.h"
#include "journeymap/sequence.h"
#include "journeymap/store.h"

#define SEC  JM_US_PER_SEC
#define DAY  JM_US_PER_DAY
#define BASE (day_us(2025, 1, 1))

/* One event of a fixture; NULL account, contact or channel leaves it out. */
struct ev {
    const char *acc, *con, *tp, *ch;
    int64_t us; /* from BASE */
};

static void put_named(struct jm_storage *st, enum jm_entity kind, const char *id)
{
    struct jm_record r;
    rec_init(&r, kind);
    set_text(&r, "id", id);
    if (kind == JM_ENT_ACCOUNT)
        set_text(&r, "name", id);
    ws_put(st, &r);
}

/* Builds a workspace holding `evs` (in that order) and returns its store. */
static struct jm_store *build(const struct ev *evs, size_t n)
{
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    for (size_t i = 0; i < n; i++) {
        if (evs[i].acc)
            put_named(st, JM_ENT_ACCOUNT, evs[i].acc);
        if (evs[i].con)
            put_named(st, JM_ENT_CONTACT, evs[i].con);
    }
    for (size_t i = 0; i < n; i++) {
        char mid[32];
        snprintf(mid, sizeof(mid), "e%zu", i);
        struct jm_record r;
        rec_init(&r, JM_ENT_EVENT);
        set_text(&r, "message_id", mid);
        set_time(&r, "time", BASE + evs[i].us);
        set_text(&r, "touchpoint", evs[i].tp);
        if (evs[i].acc)
            set_text(&r, "account", evs[i].acc);
        if (evs[i].con)
            set_text(&r, "contact", evs[i].con);
        if (evs[i].ch)
            set_text(&r, "channel", evs[i].ch);
        ws_put(st, &r);
    }
    ws_commit(st);
    struct jm_store *s = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_store_load(st, &s, &err))
        fail_msg("store load: %s", err.msg);
    jm_storage_close(st);
    jm_test_rmtree(dir);
    return s;
}

static const char *const STEPS4[] = {"blog_view", "demo_request", "quote_sent", "contract_signed"};

static struct jm_sequence_funnel *funnel(const struct jm_store *s, const char *const *steps,
                                         size_t n_steps, int64_t window_us,
                                         enum jm_sequence_entity e, unsigned threads)
{
    struct jm_sequence_funnel_opts o = {steps, n_steps, window_us, e, threads};
    struct jm_sequence_funnel *f = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_sequence_funnel_compute(s, &o, &f, &err))
        fail_msg("funnel: %s", err.msg);
    return f;
}

/* Asserts by_level[0..n) of `f` and that entities is their sum. */
static void assert_levels(const struct jm_sequence_funnel *f, const uint64_t *want, size_t n)
{
    uint64_t sum = 0;
    for (size_t k = 0; k < n; k++) {
        if (f->by_level[k] != want[k])
            fail_msg("level %zu: expected %llu, got %llu", k, (unsigned long long)want[k],
                     (unsigned long long)f->by_level[k]);
        sum += want[k];
    }
    for (size_t k = n; k <= JM_SEQUENCE_MAX_STEPS; k++)
        assert_int_equal(f->by_level[k], 0);
    assert_int_equal(f->entities, sum);
}

/* ---------------------------------------------------------------- funnel */

/*
 * Window 10 s. Per contact: c1 reaches 3 (quote exactly 10 s after the view counts, contract
 * at 11 s does not); c2 has only later steps (level 0); c3 misses the window once, then
 * makes 2; c4 has view, demo and quote at one time, written in reverse order (3); c5 has no
 * step event (not counted); c6 has only a demo, its account's view having no contact (0); c7
 * has no account (2). Per account: a1 = c1 + c2 -> 3, a2 = c3 + c4 -> 3, a3 = the view
 * without contact + c6's demo -> 2; c7 and c5's account a4 are not counted.
 */
static const struct ev FUNNEL_EVENTS[] = {
    {"a1", "c1", "blog_view", "web", 0},
    {"a1", "c1", "demo_request", "web", 5 * SEC},
    {"a1", "c1", "quote_sent", "sales", 10 * SEC},
    {"a1", "c1", "contract_signed", "sales", 11 * SEC},
    {"a1", "c2", "demo_request", "web", 1 * SEC},
    {"a1", "c2", "quote_sent", "sales", 2 * SEC},
    {"a2", "c3", "blog_view", "web", 0},
    {"a2", "c3", "demo_request", "web", 11 * SEC},
    {"a2", "c3", "blog_view", "web", 20 * SEC},
    {"a2", "c3", "demo_request", "web", 25 * SEC},
    {"a2", "c4", "quote_sent", "sales", 100 * SEC},
    {"a2", "c4", "demo_request", "web", 100 * SEC},
    {"a2", "c4", "blog_view", "web", 100 * SEC},
    {"a4", "c5", "webinar", "web", 0},
    {"a3", NULL, "blog_view", "web", 0},
    {"a3", "c6", "demo_request", "web", 3 * SEC},
    {NULL, "c7", "blog_view", "web", 0},
    {NULL, "c7", "demo_request", "web", 1 * SEC},
};

static void funnel_levels_per_contact_and_account(void **state)
{
    (void)state;
    struct jm_store *s = build(FUNNEL_EVENTS, sizeof(FUNNEL_EVENTS) / sizeof(FUNNEL_EVENTS[0]));
    for (unsigned threads = 0; threads <= 4; threads++) {
        struct jm_sequence_funnel *f = funnel(s, STEPS4, 4, 10 * SEC, JM_SEQUENCE_CONTACT, threads);
        static const uint64_t per_contact[] = {2, 0, 2, 2, 0};
        assert_int_equal(f->n_steps, 4);
        assert_levels(f, per_contact, 5);
        jm_sequence_funnel_free(f);
        f = funnel(s, STEPS4, 4, 10 * SEC, JM_SEQUENCE_ACCOUNT, threads);
        static const uint64_t per_account[] = {0, 0, 1, 2, 0};
        assert_levels(f, per_account, 5);
        jm_sequence_funnel_free(f);
    }
    jm_store_free(s);
}

static void funnel_window_is_inclusive_to_the_microsecond(void **state)
{
    (void)state;
    const int64_t w = 90 * DAY;
    static struct ev evs[] = {
        {"a1", "c1", "blog_view", NULL, 0},       {"a1", "c1", "demo_request", NULL, 0},
        {"a2", "c2", "blog_view", NULL, 0},       {"a2", "c2", "demo_request", NULL, 0},
        {"a3", "c3", "blog_view", NULL, 5 * DAY}, {"a3", "c3", "demo_request", NULL, 0},
    };
    evs[1].us = w;     /* exactly the window: counts */
    evs[3].us = w + 1; /* one microsecond more: does not */
    evs[5].us = 1000 * DAY;
    struct jm_store *s = build(evs, 6);
    struct jm_sequence_funnel *f = funnel(s, STEPS4, 2, w, JM_SEQUENCE_ACCOUNT, 1);
    static const uint64_t with_window[] = {0, 2, 1};
    assert_levels(f, with_window, 3);
    jm_sequence_funnel_free(f);
    /* Window 0: no bound at all. */
    f = funnel(s, STEPS4, 2, 0, JM_SEQUENCE_CONTACT, 1);
    static const uint64_t no_window[] = {0, 0, 3};
    assert_levels(f, no_window, 3);
    jm_sequence_funnel_free(f);
    jm_store_free(s);
}

/*
 * Steps A, B, A: an event counts for one step at a time. c1: A B A in order (3). c2: A and B
 * at one time, one A only (2). c3: two As and a B at one time (3). c4: B then A (0: B has no A
 * before it, and A alone is 1: so 1). c5: A, then A and B tied 10 s later with the window 5 s
 * (the tied A starts a new chain: 2, the later A is the same event, so not 3).
 */
static void funnel_repeated_step_names(void **state)
{
    (void)state;
    static const struct ev evs[] = {
        {"a1", "c1", "A", NULL, 0},        {"a1", "c1", "B", NULL, SEC},
        {"a1", "c1", "A", NULL, 2 * SEC},  {"a2", "c2", "B", NULL, 7 * SEC},
        {"a2", "c2", "A", NULL, 7 * SEC},  {"a3", "c3", "A", NULL, 9 * SEC},
        {"a3", "c3", "B", NULL, 9 * SEC},  {"a3", "c3", "A", NULL, 9 * SEC},
        {"a4", "c4", "B", NULL, 0},        {"a4", "c4", "A", NULL, SEC},
        {"a5", "c5", "A", NULL, 0},        {"a5", "c5", "B", NULL, 10 * SEC},
        {"a5", "c5", "A", NULL, 10 * SEC},
    };
    static const char *const aba[] = {"A", "B", "A"};
    struct jm_store *s = build(evs, sizeof(evs) / sizeof(evs[0]));
    struct jm_sequence_funnel *f = funnel(s, aba, 3, 5 * SEC, JM_SEQUENCE_CONTACT, 1);
    static const uint64_t want[] = {0, 1, 2, 2};
    assert_levels(f, want, 4);
    jm_sequence_funnel_free(f);
    f = funnel(s, aba, 3, 5 * SEC, JM_SEQUENCE_ACCOUNT, 2);
    assert_levels(f, want, 4);
    jm_sequence_funnel_free(f);
    jm_store_free(s);
}

static void funnel_single_unknown_and_invalid_steps(void **state)
{
    (void)state;
    struct jm_store *s = build(FUNNEL_EVENTS, sizeof(FUNNEL_EVENTS) / sizeof(FUNNEL_EVENTS[0]));
    /* One step: every entity with a blog view is at level 1. */
    struct jm_sequence_funnel *f = funnel(s, STEPS4, 1, 0, JM_SEQUENCE_CONTACT, 1);
    static const uint64_t one[] = {0, 4};
    assert_levels(f, one, 2);
    jm_sequence_funnel_free(f);
    /* A step the store does not know can never be passed. */
    static const char *const gap[] = {"blog_view", "no_such_touchpoint", "quote_sent"};
    f = funnel(s, gap, 3, 0, JM_SEQUENCE_ACCOUNT, 1);
    static const uint64_t stuck[] = {0, 3};
    assert_levels(f, stuck, 2);
    jm_sequence_funnel_free(f);

    const char *many[JM_SEQUENCE_MAX_STEPS + 1];
    for (size_t i = 0; i <= JM_SEQUENCE_MAX_STEPS; i++)
        many[i] = "blog_view";
    const char *with_null[] = {"blog_view", NULL};
    struct {
        const char *const *steps;
        size_t n;
        int64_t window;
    } bad[] = {{STEPS4, 0, 0},
               {many, JM_SEQUENCE_MAX_STEPS + 1, 0},
               {with_null, 2, 0},
               {STEPS4, 2, -1},
               {NULL, 2, 0}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct jm_sequence_funnel_opts o = {bad[i].steps, bad[i].n, bad[i].window,
                                            JM_SEQUENCE_CONTACT, 1};
        struct jm_error err;
        jm_error_clear(&err);
        f = (struct jm_sequence_funnel *)1;
        assert_int_equal(jm_sequence_funnel_compute(s, &o, &f, &err), JM_EINVAL);
        assert_null(f);
        assert_true(err.msg[0] != '\0');
    }
    /* 32 steps of one name is valid: c1-style repeated views count one step each. */
    f = funnel(s, many, JM_SEQUENCE_MAX_STEPS, 0, JM_SEQUENCE_ACCOUNT, 1);
    assert_int_equal(f->by_level[3], 1); /* a2 has three views */
    jm_sequence_funnel_free(f);
    jm_store_free(s);
}

/* ---------------------------------------------------------------- a contact in several accounts */

/*
 * c9 has events in a1, in a2 and without an account: per contact they are one sequence,
 * merged by time. Per account each slice stands alone.
 */
static const struct ev SPLIT_EVENTS[] = {
    {"a1", "c9", "blog_view", "web", 0},
    {"a1", "c9", "quote_sent", "sales", 4 * SEC},
    {"a2", "c9", "demo_request", "email", 2 * SEC},
    {"a2", "c9", "contract_signed", "sales", 6 * SEC},
    {NULL, "c9", "webinar", "web", 5 * SEC},
    {"a1", "c1", "blog_view", "web", 1 * SEC},
    {"a2", "c2", "webinar", "web", 0},
};

static void split_contact_is_one_sequence(void **state)
{
    (void)state;
    struct jm_store *s = build(SPLIT_EVENTS, sizeof(SPLIT_EVENTS) / sizeof(SPLIT_EVENTS[0]));
    for (unsigned threads = 1; threads <= 3; threads++) {
        struct jm_sequence_funnel *f = funnel(s, STEPS4, 4, 10 * SEC, JM_SEQUENCE_CONTACT, threads);
        static const uint64_t contacts[] = {0, 1, 0, 0, 1}; /* c1: 1, c9: 4 */
        assert_levels(f, contacts, 5);
        jm_sequence_funnel_free(f);

        /* c9: view 0, demo 2, quote 4, webinar 5, contract 6. */
        struct jm_sequence_transitions_opts to = {threads};
        struct jm_sequence_transitions *t = NULL;
        assert_int_equal(jm_sequence_transitions_compute(s, &to, &t, NULL), JM_OK);
        assert_int_equal(t->n, 4);
        assert_int_equal(t->total, 4);
        static const char *const want[4][2] = {{"blog_view", "demo_request"},
                                               {"demo_request", "quote_sent"},
                                               {"quote_sent", "webinar"},
                                               {"webinar", "contract_signed"}};
        for (size_t i = 0; i < 4; i++) {
            bool found = false;
            for (size_t r = 0; r < t->n; r++)
                found |= strcmp(jm_store_text(s, JM_STORE_TOUCHPOINT, t->rows[r].from, NULL),
                                want[i][0]) == 0 &&
                         strcmp(jm_store_text(s, JM_STORE_TOUCHPOINT, t->rows[r].to, NULL),
                                want[i][1]) == 0 &&
                         t->rows[r].n == 1;
            if (!found)
                fail_msg("no transition %s -> %s", want[i][0], want[i][1]);
        }
        jm_sequence_transitions_free(t);

        struct jm_sequence_ttc_opts tt = {"contract_signed", JM_SEQUENCE_CONTACT,
                                          JM_QUANTILE_LINEAR, threads};
        struct jm_sequence_ttc *ttc = NULL;
        assert_int_equal(jm_sequence_ttc_compute(s, &tt, &ttc, NULL), JM_OK);
        assert_int_equal(ttc->count, 1);
        assert_int_equal(ttc->durations_us[0], 6 * SEC);
        jm_sequence_ttc_free(ttc);
    }
    jm_store_free(s);
}

/* ---------------------------------------------------------------- time to convert */

static struct jm_sequence_ttc *ttc(const struct jm_store *s, enum jm_sequence_entity e,
                                   enum jm_quantile q, unsigned threads)
{
    struct jm_sequence_ttc_opts o = {"contract_signed", e, q, threads};
    struct jm_sequence_ttc *t = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_sequence_ttc_compute(s, &o, &t, &err))
        fail_msg("ttc: %s", err.msg);
    return t;
}

/*
 * Four converted accounts, 1, 2, 3 and 10 days from first event to first contract. a1's first
 * event has no contact; a2 signs twice (the earlier one counts, in the second contact's run);
 * a3's first event is in its second contact; a5 never signs. Per contact: c1 1 day, c2 0 days
 * (its first event is the contract), c6 3 days.
 */
static const struct ev TTC_EVENTS[] = {
    {"a1", NULL, "webinar", NULL, 0},
    {"a1", "c1", "blog_view", NULL, 1 * DAY},
    {"a1", "c1", "contract_signed", NULL, 1 * DAY},
    {"a2", "c1b", "blog_view", NULL, 0},
    {"a2", "c1b", "contract_signed", NULL, 5 * DAY},
    {"a2", "c2", "contract_signed", NULL, 2 * DAY},
    {"a3", "c3", "blog_view", NULL, 4 * DAY},
    {"a3", "c3", "contract_signed", NULL, 6 * DAY},
    {"a3", "c4", "webinar", NULL, 3 * DAY},
    {"a4", "c5", "webinar", NULL, 0},
    {"a4", "c6", "blog_view", NULL, 7 * DAY},
    {"a4", "c6", "contract_signed", NULL, 10 * DAY},
    {"a5", "c7", "blog_view", NULL, 0},
};

static void ttc_quantiles_by_method(void **state)
{
    (void)state;
    struct jm_store *s = build(TTC_EVENTS, sizeof(TTC_EVENTS) / sizeof(TTC_EVENTS[0]));
    static const struct {
        enum jm_quantile q;
        double median, p75, p90;
    } want[] = {
        {JM_QUANTILE_LINEAR, 2.5, 4.75, 7.9}, /* even count: mean of the middle two */
        {JM_QUANTILE_EXACT, 3, 10, 10},       /* x[floor(p n)] */
        {JM_QUANTILE_DISC, 2, 3, 10},         /* x[ceil(p n) - 1] */
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        for (unsigned threads = 0; threads <= 3; threads++) {
            struct jm_sequence_ttc *t = ttc(s, JM_SEQUENCE_ACCOUNT, want[i].q, threads);
            assert_int_equal(t->count, 4);
            static const int64_t d[] = {1 * DAY, 2 * DAY, 3 * DAY, 10 * DAY};
            for (size_t k = 0; k < 4; k++)
                assert_int_equal(t->durations_us[k], d[k]);
            assert_float_equal(t->mean_days, 4.0, 1e-12);
            assert_float_equal(t->median_days, want[i].median, 1e-12);
            assert_float_equal(t->p75_days, want[i].p75, 1e-12);
            assert_float_equal(t->p90_days, want[i].p90, 1e-12);
            jm_sequence_ttc_free(t);
        }
    struct jm_sequence_ttc *t = ttc(s, JM_SEQUENCE_CONTACT, JM_QUANTILE_LINEAR, 2);
    assert_int_equal(t->count, 5); /* c1 0, c1b 5, c2 0, c3 2, c6 3 days */
    static const int64_t dc[] = {0, 0, 2 * DAY, 3 * DAY, 5 * DAY};
    for (size_t k = 0; k < 5; k++)
        assert_int_equal(t->durations_us[k], dc[k]);
    assert_float_equal(t->median_days, 2.0, 1e-12); /* odd count: the middle value */
    jm_sequence_ttc_free(t);

    /* A target the store does not know: nothing converts. */
    struct jm_sequence_ttc_opts o = {"nope", JM_SEQUENCE_ACCOUNT, JM_QUANTILE_LINEAR, 1};
    assert_int_equal(jm_sequence_ttc_compute(s, &o, &t, NULL), JM_OK);
    assert_int_equal(t->count, 0);
    assert_true(isnan(t->median_days) && isnan(t->mean_days));
    jm_sequence_ttc_free(t);
    o.target = NULL;
    assert_int_equal(jm_sequence_ttc_compute(s, &o, &t, NULL), JM_EINVAL);
    assert_null(t);
    jm_sequence_ttc_free(NULL);
    jm_store_free(s);
}

static void quantile_edges(void **state)
{
    (void)state;
    static const int64_t one[] = {7}, five[] = {1, 2, 3, 4, 5};
    assert_true(isnan(jm_sequence_quantile(one, 0, 0.5, JM_QUANTILE_LINEAR)));
    for (int q = JM_QUANTILE_LINEAR; q <= JM_QUANTILE_DISC; q++) {
        assert_float_equal(jm_sequence_quantile(one, 1, 0.9, (enum jm_quantile)q), 7, 0);
        assert_float_equal(jm_sequence_quantile(five, 5, 0, (enum jm_quantile)q), 1, 0);
        assert_float_equal(jm_sequence_quantile(five, 5, 1, (enum jm_quantile)q), 5, 0);
        assert_float_equal(jm_sequence_quantile(five, 5, 0.5, (enum jm_quantile)q), 3, 0);
        assert_float_equal(jm_sequence_quantile(five, 5, 2, (enum jm_quantile)q), 5, 0);
        assert_float_equal(jm_sequence_quantile(five, 5, -1, (enum jm_quantile)q), 1, 0);
    }
    /* The peers' 1M numbers: n = 593, p90 -> index 533 for both discrete definitions. */
    int64_t v[593];
    for (size_t i = 0; i < 593; i++)
        v[i] = (int64_t)i;
    assert_float_equal(jm_sequence_quantile(v, 593, 0.9, JM_QUANTILE_EXACT), 533, 0);
    assert_float_equal(jm_sequence_quantile(v, 593, 0.9, JM_QUANTILE_DISC), 533, 0);
    assert_float_equal(jm_sequence_quantile(v, 593, 0.5, JM_QUANTILE_EXACT), 296, 0);
    /* 10M: n = 5920, where ClickHouse and DuckDB part by one rank. */
    int64_t *w = malloc(5920 * sizeof(*w));
    for (size_t i = 0; i < 5920; i++)
        w[i] = (int64_t)i;
    assert_float_equal(jm_sequence_quantile(w, 5920, 0.5, JM_QUANTILE_EXACT), 2960, 0);
    assert_float_equal(jm_sequence_quantile(w, 5920, 0.5, JM_QUANTILE_DISC), 2959, 0);
    assert_float_equal(jm_sequence_quantile(w, 5920, 0.9, JM_QUANTILE_EXACT), 5328, 0);
    assert_float_equal(jm_sequence_quantile(w, 5920, 0.9, JM_QUANTILE_DISC), 5327, 0);
    free(w);
}

/* ---------------------------------------------------------------- transitions */

static void transitions_per_contact_skip_events_without_contact(void **state)
{
    (void)state;
    /* c1: A B A C; c2: B B; no contact: A B (skipped); c3 alone: no pair. */
    static const struct ev evs[] = {
        {"a1", "c1", "A", NULL, 0},       {"a1", "c1", "B", NULL, SEC},
        {"a1", "c1", "A", NULL, 2 * SEC}, {"a1", "c1", "C", NULL, 3 * SEC},
        {"a1", "c2", "B", NULL, 0},       {"a1", "c2", "B", NULL, 5 * SEC},
        {"a1", NULL, "A", NULL, 0},       {"a1", NULL, "B", NULL, SEC},
        {"a2", "c3", "C", NULL, 0},       {NULL, NULL, "C", NULL, 0},
    };
    struct jm_store *s = build(evs, sizeof(evs) / sizeof(evs[0]));
    for (unsigned threads = 0; threads <= 3; threads++) {
        struct jm_sequence_transitions_opts o = {threads};
        struct jm_sequence_transitions *t = NULL;
        assert_int_equal(jm_sequence_transitions_compute(s, threads ? &o : NULL, &t, NULL), JM_OK);
        static const char *const want[][2] = {{"A", "B"}, {"A", "C"}, {"B", "A"}, {"B", "B"}};
        assert_int_equal(t->n, 4);
        assert_int_equal(t->total, 4);
        for (size_t i = 0; i < 4; i++) {
            assert_string_equal(jm_store_text(s, JM_STORE_TOUCHPOINT, t->rows[i].from, NULL),
                                want[i][0]);
            assert_string_equal(jm_store_text(s, JM_STORE_TOUCHPOINT, t->rows[i].to, NULL),
                                want[i][1]);
            assert_int_equal(t->rows[i].n, 1);
        }
        jm_sequence_transitions_free(t);
    }
    jm_sequence_transitions_free(NULL);
    jm_store_free(s);
}

/*
 * More touchpoints than a dense table takes (pairs are sorted instead): c1 walks t0000 ..
 * t1199 in order, and c2, spread over two accounts, goes t0000 -> t0001 -> t0000 across them.
 */
static void transitions_with_many_touchpoints(void **state)
{
    (void)state;
    enum { N = 1200 };
    static struct ev evs[N + 3];
    static char names[N][8];
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "t%04zu", i);
        evs[i] = (struct ev){"a1", "c1", names[i], NULL, (int64_t)i * SEC};
    }
    evs[N] = (struct ev){"a1", "c2", names[0], NULL, 0};
    evs[N + 1] = (struct ev){"a2", "c2", names[1], NULL, SEC};
    evs[N + 2] = (struct ev){"a1", "c2", names[0], NULL, 2 * SEC};
    struct jm_store *s = build(evs, N + 3);
    for (unsigned threads = 1; threads <= 2; threads++) {
        struct jm_sequence_transitions_opts o = {threads};
        struct jm_sequence_transitions *t = NULL;
        assert_int_equal(jm_sequence_transitions_compute(s, &o, &t, NULL), JM_OK);
        assert_int_equal(t->n, N); /* t0000->t0001 (twice), t0001->t0000, and N - 2 more */
        assert_int_equal(t->total, N - 1 + 2);
        assert_string_equal(jm_store_text(s, JM_STORE_TOUCHPOINT, t->rows[0].from, NULL), "t0000");
        assert_int_equal(t->rows[0].n, 2);
        assert_string_equal(jm_store_text(s, JM_STORE_TOUCHPOINT, t->rows[1].from, NULL), "t0001");
        assert_string_equal(jm_store_text(s, JM_STORE_TOUCHPOINT, t->rows[1].to, NULL), "t0000");
        assert_int_equal(t->rows[1].n, 1);
        jm_sequence_transitions_free(t);
    }
    jm_store_free(s);
}

/* ---------------------------------------------------------------- attribution */

struct credit_want {
    const char *channel;
    uint64_t touches, first;
    double linear;
};

static void assert_credit(const struct jm_store *s, const struct jm_sequence_attribution *a,
                          const struct credit_want *want, size_t n)
{
    assert_int_equal(a->n, n);
    for (size_t i = 0; i < n; i++) {
        const struct jm_sequence_credit *r = &a->rows[i];
        assert_string_equal(jm_store_text(s, JM_STORE_CHANNEL, r->channel, NULL), want[i].channel);
        assert_int_equal(r->touches, want[i].touches);
        assert_int_equal(r->first_touch, want[i].first);
        assert_float_equal(r->linear, want[i].linear, 1e-12);
    }
}

/*
 * a1: email (c1) at 0, web (no contact) at 1, signs at 5 (c2), then more: first email, linear
 * 1/2 each. a2 signs at its first event: a conversion without credit. a3 signs at 10 (c2) and
 * at 3 (c1): touches before 3 only, two of them tied at 0 in c0 (chat) and c1 (web): the first
 * in store order (contact c0) takes the first touch; a missing channel is its own row. a4
 * never signs.
 */
static void attribution_first_touch_and_linear(void **state)
{
    (void)state;
    static const struct ev evs[] = {
        {"a1", "c1", "webinar", "email", 0},
        {"a1", NULL, "blog_view", "web", SEC},
        {"a1", "c2", "contract_signed", "sales", 5 * SEC},
        {"a1", "c2", "blog_view", "web", 6 * SEC},
        {"a2", "c3", "contract_signed", "sales", 0},
        {"a2", "c3", "blog_view", "web", SEC},
        {"a3", "c1x", "blog_view", "web", 0},
        {"a3", "c1x", "contract_signed", "sales", 3 * SEC},
        {"a3", "c0x", "blog_view", "chat", 0},
        {"a3", "c0x", "blog_view", NULL, 2 * SEC},
        {"a3", "c2x", "contract_signed", "sales", 10 * SEC},
        {"a4", "c4", "blog_view", "web", 0},
    };
    struct jm_store *s = build(evs, sizeof(evs) / sizeof(evs[0]));
    static const struct credit_want want[] = {
        {"", 1, 0, 1.0 / 3},     /* the missing channel */
        {"chat", 1, 1, 1.0 / 3}, /* a3's first touch: c0x before c1x */
        {"email", 1, 1, 0.5},    /* a1 */
        {"web", 2, 0, 0.5 + 1.0 / 3},
    };
    for (unsigned threads = 0; threads <= 3; threads++) {
        struct jm_sequence_attribution_opts o = {"contract_signed", threads};
        struct jm_sequence_attribution *a = NULL;
        assert_int_equal(jm_sequence_attribution_compute(s, &o, &a, NULL), JM_OK);
        assert_int_equal(a->conversions, 3);
        assert_int_equal(a->credited, 2);
        assert_credit(s, a, want, 4);
        jm_sequence_attribution_free(a);
    }
    struct jm_sequence_attribution_opts none = {"nope", 1};
    struct jm_sequence_attribution *a = NULL;
    assert_int_equal(jm_sequence_attribution_compute(s, &none, &a, NULL), JM_OK);
    assert_int_equal(a->conversions, 0);
    assert_int_equal(a->n, 0);
    jm_sequence_attribution_free(a);
    none.target = NULL;
    assert_int_equal(jm_sequence_attribution_compute(s, &none, &a, NULL), JM_EINVAL);
    assert_null(a);
    jm_sequence_attribution_free(NULL);
    jm_store_free(s);
}

static void empty_store_gives_empty_results(void **state)
{
    (void)state;
    struct jm_store *s = build(NULL, 0);
    for (int e = JM_SEQUENCE_CONTACT; e <= JM_SEQUENCE_ACCOUNT; e++) {
        struct jm_sequence_funnel *f = funnel(s, STEPS4, 4, 0, (enum jm_sequence_entity)e, 0);
        assert_int_equal(f->entities, 0);
        jm_sequence_funnel_free(f);
        struct jm_sequence_ttc *t = ttc(s, (enum jm_sequence_entity)e, JM_QUANTILE_EXACT, 0);
        assert_int_equal(t->count, 0);
        jm_sequence_ttc_free(t);
    }
    struct jm_sequence_transitions *t = NULL;
    assert_int_equal(jm_sequence_transitions_compute(s, NULL, &t, NULL), JM_OK);
    assert_int_equal(t->n, 0);
    jm_sequence_transitions_free(t);
    struct jm_sequence_attribution_opts o = {"contract_signed", 0};
    struct jm_sequence_attribution *a = NULL;
    assert_int_equal(jm_sequence_attribution_compute(s, &o, &a, NULL), JM_OK);
    assert_int_equal(a->n, 0);
    jm_sequence_attribution_free(a);
    jm_store_free(s);
}

/* ---------------------------------------------------------------- random, against brute force */

#define R_EVENTS 400
#define R_TPS    5

static const char *const R_TP[R_TPS] = {"A", "B", "C", "D", "E"};
static const char *const R_CH[3] = {"ch1", "ch2", "ch3"};

struct rnd {
    struct ev ev[R_EVENTS];
    char names[R_EVENTS][2][16];
    size_t n;
};

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/*
 * Random events over 6 accounts and 14 contacts (some contacts in several accounts, some
 * events without account or contact). `ties`: times from a small set, so many are equal;
 * otherwise every time is distinct.
 */
static void make_random(struct rnd *r, uint64_t seed, bool ties)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15u + 1;
    r->n = R_EVENTS;
    for (size_t i = 0; i < r->n; i++) {
        unsigned acc = rng_next(&x) % 7, con = rng_next(&x) % 16;
        snprintf(r->names[i][0], 16, "a%u", acc);
        snprintf(r->names[i][1], 16, "c%u", con);
        r->ev[i].acc = acc < 6 ? r->names[i][0] : NULL;
        r->ev[i].con = con < 14 ? r->names[i][1] : NULL;
        r->ev[i].tp = R_TP[rng_next(&x) % R_TPS];
        r->ev[i].ch = R_CH[rng_next(&x) % 3];
        r->ev[i].us = ties ? (int64_t)(rng_next(&x) % 12) * SEC : (int64_t)i * 7919 % 100003 * SEC;
    }
}

/* Indexes of the events of one entity: same account (by_account) or same contact. */
static size_t members(const struct rnd *r, const char *id, bool by_account, size_t *out)
{
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++) {
        const char *v = by_account ? r->ev[i].acc : r->ev[i].con;
        if (v && strcmp(v, id) == 0)
            out[m++] = i;
    }
    return m;
}

/* The longest chain from step k on, after an event at time `last`, started at `start`. */
static unsigned chain(const struct rnd *r, const size_t *mem, size_t m, bool *used,
                      const char *const *steps, unsigned k, unsigned n_steps, int64_t last,
                      int64_t start, int64_t w)
{
    if (k == n_steps)
        return k;
    unsigned best = k;
    for (size_t j = 0; j < m && best < n_steps; j++) {
        const struct ev *e = &r->ev[mem[j]];
        if (used[j] || strcmp(e->tp, steps[k]) != 0)
            continue;
        if (k > 0 && (e->us < last || (w && e->us - start > w)))
            continue;
        used[j] = true;
        unsigned got =
            chain(r, mem, m, used, steps, k + 1, n_steps, e->us, k == 0 ? e->us : start, w);
        used[j] = false;
        best = got > best ? got : best;
    }
    return best;
}

static void brute_funnel(const struct rnd *r, const char *const *steps, unsigned n_steps, int64_t w,
                         bool by_account, uint64_t *levels)
{
    memset(levels, 0, (JM_SEQUENCE_MAX_STEPS + 1) * sizeof(*levels));
    char id[16];
    size_t mem[R_EVENTS];
    bool used[R_EVENTS] = {false};
    for (unsigned k = 0; k < (by_account ? 6u : 14u); k++) {
        snprintf(id, sizeof(id), "%c%u", by_account ? 'a' : 'c', k);
        size_t m = members(r, id, by_account, mem), any = 0;
        for (size_t j = 0; j < m; j++)
            for (unsigned s = 0; s < n_steps; s++)
                any |= strcmp(r->ev[mem[j]].tp, steps[s]) == 0;
        if (any)
            levels[chain(r, mem, m, used, steps, 0, n_steps, 0, 0, w)]++;
    }
}

static void random_funnels_match_brute_force(void **state)
{
    (void)state;
    /* Distinct names (four: compared 8 ids at a time; five: looked up), repeated, unknown. */
    static const struct {
        const char *steps[5];
        unsigned n;
    } plans[] = {{{"A", "B", "C", "D"}, 4}, {{"A", "B", "C", "D", "E"}, 5},
                 {{"A", "B", "A", "C"}, 4}, {{"B", "B", "B", "B"}, 4},
                 {{"E", "A", "X", "B"}, 4}, {{"C", "A"}, 2}};
    for (uint64_t seed = 1; seed <= 4; seed++) {
        static struct rnd r;
        make_random(&r, seed, seed % 2 == 1);
        struct jm_store *s = build(r.ev, r.n);
        for (size_t p = 0; p < sizeof(plans) / sizeof(plans[0]); p++)
            for (int64_t w = 0; w <= 3 * SEC; w += 3 * SEC)
                for (int by_acc = 0; by_acc <= 1; by_acc++) {
                    uint64_t want[JM_SEQUENCE_MAX_STEPS + 1];
                    brute_funnel(&r, plans[p].steps, plans[p].n, w, by_acc, want);
                    for (unsigned threads = 1; threads <= 3; threads += 2) {
                        struct jm_sequence_funnel *f =
                            funnel(s, plans[p].steps, plans[p].n, w,
                                   by_acc ? JM_SEQUENCE_ACCOUNT : JM_SEQUENCE_CONTACT, threads);
                        for (size_t k = 0; k <= plans[p].n; k++)
                            if (f->by_level[k] != want[k])
                                fail_msg("seed %llu plan %zu window %lld %s threads %u: level "
                                         "%zu: expected %llu, got %llu",
                                         (unsigned long long)seed, p, (long long)w,
                                         by_acc ? "account" : "contact", threads, k,
                                         (unsigned long long)want[k],
                                         (unsigned long long)f->by_level[k]);
                        jm_sequence_funnel_free(f);
                    }
                }
        jm_store_free(s);
    }
}

static void sort_i64(int64_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j] < v[j - 1]; j--) {
            int64_t x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
}

/* The events of one entity sorted by time (all times are distinct in these fixtures). */
static size_t by_time(const struct rnd *r, const char *id, bool by_account, size_t *mem)
{
    size_t m = members(r, id, by_account, mem);
    for (size_t i = 1; i < m; i++)
        for (size_t j = i; j > 0 && r->ev[mem[j]].us < r->ev[mem[j - 1]].us; j--) {
            size_t t = mem[j];
            mem[j] = mem[j - 1];
            mem[j - 1] = t;
        }
    return m;
}

static void random_sequences_match_brute_force(void **state)
{
    (void)state;
    for (uint64_t seed = 11; seed <= 13; seed++) {
        static struct rnd r;
        make_random(&r, seed, false);
        struct jm_store *s = build(r.ev, r.n);
        size_t mem[R_EVENTS];
        char id[16];
        /* Transitions per contact, time to convert per contact and per account. */
        uint64_t pairs[R_TPS][R_TPS] = {{0}};
        int64_t d_con[16], d_acc[8];
        size_t n_con = 0, n_acc = 0;
        for (unsigned k = 0; k < 14; k++) {
            snprintf(id, sizeof(id), "c%u", k);
            size_t m = by_time(&r, id, false, mem);
            for (size_t j = 1; j < m; j++)
                pairs[r.ev[mem[j - 1]].tp[0] - 'A'][r.ev[mem[j]].tp[0] - 'A']++;
            for (size_t j = 0; j < m; j++)
                if (strcmp(r.ev[mem[j]].tp, "D") == 0) {
                    d_con[n_con++] = r.ev[mem[j]].us - r.ev[mem[0]].us;
                    break;
                }
        }
        /* Attribution to D per account, on the channels. */
        double linear[3] = {0};
        uint64_t first[3] = {0}, touches[3] = {0}, conversions = 0;
        for (unsigned k = 0; k < 6; k++) {
            snprintf(id, sizeof(id), "a%u", k);
            size_t m = by_time(&r, id, true, mem), conv = m;
            for (size_t j = 0; j < m && conv == m; j++)
                if (strcmp(r.ev[mem[j]].tp, "D") == 0)
                    conv = j;
            if (conv == m)
                continue;
            conversions++;
            d_acc[n_acc++] = r.ev[mem[conv]].us - r.ev[mem[0]].us;
            if (conv == 0)
                continue;
            first[r.ev[mem[0]].ch[2] - '1']++;
            for (size_t j = 0; j < conv; j++) {
                touches[r.ev[mem[j]].ch[2] - '1']++;
                linear[r.ev[mem[j]].ch[2] - '1'] += 1.0 / (double)conv;
            }
        }
        sort_i64(d_con, n_con);
        sort_i64(d_acc, n_acc);
        for (unsigned threads = 1; threads <= 4; threads++) {
            struct jm_sequence_transitions_opts to = {threads};
            struct jm_sequence_transitions *t = NULL;
            assert_int_equal(jm_sequence_transitions_compute(s, &to, &t, NULL), JM_OK);
            uint64_t got[R_TPS][R_TPS] = {{0}};
            for (size_t i = 0; i < t->n; i++)
                got[jm_store_text(s, JM_STORE_TOUCHPOINT, t->rows[i].from, NULL)[0] - 'A']
                   [jm_store_text(s, JM_STORE_TOUCHPOINT, t->rows[i].to, NULL)[0] - 'A'] =
                       t->rows[i].n;
            assert_memory_equal(got, pairs, sizeof(pairs));
            jm_sequence_transitions_free(t);

            struct jm_sequence_ttc_opts o = {"D", JM_SEQUENCE_CONTACT, JM_QUANTILE_LINEAR, threads};
            struct jm_sequence_ttc *tc = NULL;
            assert_int_equal(jm_sequence_ttc_compute(s, &o, &tc, NULL), JM_OK);
            assert_int_equal(tc->count, n_con);
            assert_memory_equal(tc->durations_us, d_con, n_con * sizeof(*d_con));
            jm_sequence_ttc_free(tc);
            o.entity = JM_SEQUENCE_ACCOUNT;
            assert_int_equal(jm_sequence_ttc_compute(s, &o, &tc, NULL), JM_OK);
            assert_int_equal(tc->count, n_acc);
            assert_memory_equal(tc->durations_us, d_acc, n_acc * sizeof(*d_acc));
            jm_sequence_ttc_free(tc);

            struct jm_sequence_attribution_opts ao = {"D", threads};
            struct jm_sequence_attribution *a = NULL;
            assert_int_equal(jm_sequence_attribution_compute(s, &ao, &a, NULL), JM_OK);
            assert_int_equal(a->conversions, conversions);
            for (size_t i = 0; i < a->n; i++) {
                int c = jm_store_text(s, JM_STORE_CHANNEL, a->rows[i].channel, NULL)[2] - '1';
                assert_int_equal(a->rows[i].touches, touches[c]);
                assert_int_equal(a->rows[i].first_touch, first[c]);
                assert_float_equal(a->rows[i].linear, linear[c], 1e-9);
            }
            jm_sequence_attribution_free(a);
        }
        jm_store_free(s);
    }
}

/* ---------------------------------------------------------------- allocation failures */

static jm_status run_all(const struct jm_store *s)
{
    struct jm_sequence_funnel_opts fo = {STEPS4, 4, 10 * SEC, JM_SEQUENCE_CONTACT, 1};
    struct jm_sequence_funnel *f = NULL;
    jm_status rc = jm_sequence_funnel_compute(s, &fo, &f, NULL);
    jm_sequence_funnel_free(f);
    if (rc)
        return rc;
    fo.entity = JM_SEQUENCE_ACCOUNT;
    rc = jm_sequence_funnel_compute(s, &fo, &f, NULL);
    jm_sequence_funnel_free(f);
    if (rc)
        return rc;
    struct jm_sequence_ttc_opts to = {"contract_signed", JM_SEQUENCE_CONTACT, JM_QUANTILE_EXACT, 1};
    struct jm_sequence_ttc *t = NULL;
    rc = jm_sequence_ttc_compute(s, &to, &t, NULL);
    jm_sequence_ttc_free(t);
    if (rc)
        return rc;
    to.entity = JM_SEQUENCE_ACCOUNT;
    rc = jm_sequence_ttc_compute(s, &to, &t, NULL);
    jm_sequence_ttc_free(t);
    if (rc)
        return rc;
    struct jm_sequence_transitions_opts tro = {1};
    struct jm_sequence_transitions *tr = NULL;
    rc = jm_sequence_transitions_compute(s, &tro, &tr, NULL);
    jm_sequence_transitions_free(tr);
    if (rc)
        return rc;
    struct jm_sequence_attribution_opts ao = {"contract_signed", 1};
    struct jm_sequence_attribution *a = NULL;
    rc = jm_sequence_attribution_compute(s, &ao, &a, NULL);
    jm_sequence_attribution_free(a);
    return rc;
}

static void every_allocation_failure_is_reported(void **state)
{
    (void)state;
    struct jm_store *s = build(SPLIT_EVENTS, sizeof(SPLIT_EVENTS) / sizeof(SPLIT_EVENTS[0]));
    jm_alloc_fail_reset();
    assert_int_equal(run_all(s), JM_OK);
    unsigned long n = jm_alloc_count();
    assert_true(n > 10);
    for (unsigned long i = 1; i <= n; i++) {
        jm_alloc_fail_reset();
        jm_alloc_fail_at(i);
        jm_status rc = run_all(s);
        jm_alloc_fail_reset();
        if (rc != JM_ENOMEM)
            fail_msg("allocation %lu of %lu failing: got %s", i, n, jm_strerror(rc));
    }
    jm_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(funnel_levels_per_contact_and_account),
        cmocka_unit_test(funnel_window_is_inclusive_to_the_microsecond),
        cmocka_unit_test(funnel_repeated_step_names),
        cmocka_unit_test(funnel_single_unknown_and_invalid_steps),
        cmocka_unit_test(split_contact_is_one_sequence),
        cmocka_unit_test(ttc_quantiles_by_method),
        cmocka_unit_test(quantile_edges),
        cmocka_unit_test(transitions_per_contact_skip_events_without_contact),
        cmocka_unit_test(transitions_with_many_touchpoints),
        cmocka_unit_test(attribution_first_touch_and_linear),
        cmocka_unit_test(empty_store_gives_empty_results),
        cmocka_unit_test(random_funnels_match_brute_force),
        cmocka_unit_test(random_sequences_match_brute_force),
        cmocka_unit_test(every_allocation_failure_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
