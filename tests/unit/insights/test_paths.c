/*
 * Paths and flows on a workspace small enough to follow by hand. Stages: aware (blog),
 * consider (pricing), decide (demo), customer (contract, the goal).
 *
 *   day:      0          1     2        3        4     5        6     8         10
 *   A  a1     blog       blog           .        demo                           contract
 *      a2                      pricing                 pricing
 *   B  b1     blog                      pricing              demo   contract
 *   C  c1     blog       pric.                                                       (drops)
 *   D  d1     pricing          webinar  blog                                          (drops)
 *   E  e1     blog             demo     pricing        contract (day 5)
 *      e2     blog (same time as e1's)
 *
 * Moves: A aware 0, consider 2, decide 4, customer 10; B aware 0, consider 3, decide 6,
 * customer 8; C aware 0, consider 1; D consider 0 (its later blog is ignored: no revisits);
 * E aware 0, skips to decide 2, customer 5 (its pricing on day 3 is ignored).
 *
 * SPDX-License-Identifier: MIT
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "../storage/storage_test.h"
#include "journeymap/insights.h"

static const char JOURNEY[] = "journey: test\n"
                              "name: Test\n"
                              "settings:\n"
                              "  level: %s\n"
                              "stages:\n"
                              "  - key: aware\n"
                              "    name: Aware\n"
                              "    entry: {event: {touchpoint: blog}}\n"
                              "  - key: consider\n"
                              "    name: Consider\n"
                              "    entry: {event: {touchpoint: pricing}}\n"
                              "  - key: decide\n"
                              "    name: Decide\n"
                              "    entry: {event: {touchpoint: demo}}\n"
                              "  - key: customer\n"
                              "    name: Customer\n"
                              "    entry: {event: {touchpoint: contract}}\n";

static int64_t d(int day)
{
    return day_us(2025, 1, 1) + (int64_t)day * 86400 * JM_US_PER_SEC;
}

static void account(struct jm_storage *st, const char *id)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", id);
    ws_put(st, &r);
}

static void contact(struct jm_storage *st, const char *id, const char *acc)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_CONTACT);
    set_text(&r, "id", id);
    set_text(&r, "account", acc);
    ws_put(st, &r);
}

static void event(struct jm_storage *st, const char *acc, const char *con, const char *tp, int day)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    set_time(&r, "time", d(day));
    set_text(&r, "account", acc);
    set_text(&r, "contact", con);
    set_text(&r, "touchpoint", tp);
    set_text(&r, "channel", "web");
    ws_put(st, &r);
}

struct fixture {
    char *dir;
    struct jm_storage *st;
    struct jm_dataset *ds;
    struct jm_journey *j;
    struct jm_timelines *tl;
    struct jm_report *r;
    struct jm_paths *p;
    struct jm_flows *fl;
};

static void put_all(struct jm_storage *st)
{
    static const char *const ACC[] = {"A", "B", "C", "D", "E"};
    for (size_t i = 0; i < 5; i++)
        account(st, ACC[i]);
    contact(st, "a1", "A");
    contact(st, "a2", "A");
    contact(st, "b1", "B");
    contact(st, "c1", "C");
    contact(st, "d1", "D");
    contact(st, "e1", "E");
    contact(st, "e2", "E");
    event(st, "A", "a1", "blog", 0);
    event(st, "A", "a1", "blog", 1);
    event(st, "A", "a2", "pricing", 2);
    event(st, "A", "a1", "demo", 4);
    event(st, "A", "a2", "pricing", 5);
    event(st, "A", "a1", "contract", 10);
    event(st, "B", "b1", "blog", 0);
    event(st, "B", "b1", "pricing", 3);
    event(st, "B", "b1", "demo", 6);
    event(st, "B", "b1", "contract", 8);
    event(st, "C", "c1", "blog", 0);
    event(st, "C", "c1", "pricing", 1);
    event(st, "D", "d1", "pricing", 0);
    event(st, "D", "d1", "webinar", 2);
    event(st, "D", "d1", "blog", 3);
    event(st, "E", "e2", "blog", 0);
    event(st, "E", "e1", "blog", 0);
    event(st, "E", "e1", "demo", 2);
    event(st, "E", "e1", "pricing", 3);
    event(st, "E", "e1", "contract", 5);
}

static void analyse(struct fixture *f, const char *level)
{
    char yaml[sizeof(JOURNEY) + 16];
    snprintf(yaml, sizeof(yaml), JOURNEY, level);
    struct jm_error err;
    jm_error_clear(&err);
    struct jm_analysis_options all = {.from = INT64_MIN, .to = INT64_MAX};
    if (jm_journey_parse(yaml, strlen(yaml), "test.yaml", &f->j, &err) ||
        jm_journey_run(f->ds, f->j, &f->tl, &err) || jm_analyze(f->tl, &all, &f->r, &err))
        fail_msg("%s", err.msg);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->dir = strdup(jm_test_tmpdir());
    f->st = ws_create(f->dir);
    ws_begin(f->st);
    put_all(f->st);
    ws_commit(f->st);
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_dataset_load(f->st, NULL, &f->ds, &err))
        fail_msg("%s", err.msg);
    analyse(f, "account");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    jm_flows_free(f->fl);
    jm_paths_free(f->p);
    jm_report_free(f->r);
    jm_timelines_free(f->tl);
    jm_journey_free(f->j);
    jm_dataset_free(f->ds);
    jm_storage_close(f->st);
    jm_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void compute(struct fixture *f, const struct jm_paths_opts *o)
{
    struct jm_error err;
    jm_error_clear(&err);
    jm_paths_free(f->p);
    f->p = NULL;
    if (jm_paths_compute(f->r, o, &f->p, &err))
        fail_msg("%s", err.msg);
}

/* The path's steps joined by " > ". */
static const char *text(const struct jm_path *p)
{
    static char buf[256];
    buf[0] = '\0';
    for (size_t k = 0; k < p->n_steps; k++) {
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof(buf) - n, "%s%s", k ? " > " : "", p->steps[k]);
    }
    return buf;
}

static void opts_tp(struct jm_paths_opts *o, const char *from, const char *to)
{
    jm_paths_defaults(o);
    o->from_kind = o->to_kind = JM_ANCHOR_TOUCHPOINT;
    o->from = from;
    o->to = to;
}

/* ---------------------------------------------------------------- tests */

static void between_touchpoints_counts_paths_and_days(void **state)
{
    struct fixture *f = *state;
    struct jm_paths_opts o;
    opts_tp(&o, "demo", "contract");
    compute(f, &o);
    /* A: demo 4, pricing 5, contract 10; B: demo 6, contract 8; E: demo 2, pricing 3,
     * contract 5. */
    assert_int_equal(f->p->units, 3);
    assert_int_equal(f->p->distinct, 2);
    assert_int_equal(f->p->n_paths, 2);
    assert_string_equal(text(&f->p->paths[0]), "demo > pricing > contract");
    assert_int_equal(f->p->paths[0].units, 2);
    assert_true(fabs(f->p->paths[0].share - 2.0 / 3.0) < 1e-12);
    assert_int_equal(f->p->paths[0].converted, 2);
    assert_int_equal(f->p->paths[0].days.count, 2);
    assert_true(fabs(f->p->paths[0].days.mean - 4.5) < 1e-9); /* 6 and 3 days */
    assert_string_equal(text(&f->p->paths[1]), "demo > contract");
    assert_true(fabs(f->p->paths[1].days.median - 2) < 1e-9);
    /* Gaps of the listed paths' units: step 0 -> 1: 1, 2, 1; step 1 -> 2: 5, 2. */
    assert_int_equal(f->p->n_gaps, 7);
    assert_int_equal(f->p->gaps[0].days.count, 3);
    assert_true(fabs(f->p->gaps[0].days.median - 1) < 1e-9);
    assert_true(fabs(f->p->gaps[1].days.mean - 3.5) < 1e-9);
    assert_int_equal(f->p->gaps[2].days.count, 0);
}

/* Same answer on one thread and on three (each part its own map, merged). */
static void cut_paths(struct fixture *f, unsigned threads)
{
    struct jm_paths_opts o;
    jm_paths_defaults(&o);
    o.max_steps = 3;
    o.threads = threads;
    compute(f, &o);
    /* Collapsed: A blog(2) pricing demo pricing contract (5); B blog pricing demo contract (4);
     * C blog pricing (2); D pricing webinar blog (3); E blog(2) demo pricing contract (4). */
    assert_int_equal(f->p->units, 5);
    assert_int_equal(f->p->distinct, 4);
    assert_int_equal(f->p->n_paths, 4);
    assert_string_equal(text(&f->p->paths[0]), "blog > pricing > " JM_PATH_ELLIPSIS " > contract");
    assert_int_equal(f->p->paths[0].units, 2);
    assert_int_equal(f->p->paths[0].n_steps, 4);
    assert_true(fabs(f->p->paths[0].repeats[0] - 1.5) < 1e-12); /* A's two blogs, B's one */
    assert_true(fabs(f->p->paths[0].repeats[2] - 1.5) < 1e-12); /* demo + pricing; demo */
    assert_true(fabs(f->p->paths[0].repeats[3] - 1) < 1e-12);
    /* Ties by text: "blog > d..." < "blog > p..." < "pricing...". */
    assert_string_equal(text(&f->p->paths[1]), "blog > demo > " JM_PATH_ELLIPSIS " > contract");
    assert_true(fabs(f->p->paths[1].repeats[0] - 2) < 1e-12); /* e1 and e2 at the same time */
    assert_string_equal(text(&f->p->paths[2]), "blog > pricing");
    assert_string_equal(text(&f->p->paths[3]), "pricing > webinar > blog");
    assert_true(fabs(f->p->paths[3].days.mean - 3) < 1e-9);
    /* Lengths 5 4 2 3 4: histogram 0..3 with the last bucket ">= 3". */
    static const uint64_t HIST[] = {0, 0, 1, 4};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(f->p->length_hist[i], HIST[i]);
    assert_true(fabs(f->p->length.mean - 3.6) < 1e-9);
    assert_true(fabs(f->p->length.median - 4) < 1e-9);
    /* Gap 0: A 2, B 3, E 2, C 1, D 2; gap 1 only D's uncut path: 1. */
    assert_int_equal(f->p->n_gaps, 2);
    assert_int_equal(f->p->gaps[0].days.count, 5);
    assert_true(fabs(f->p->gaps[0].days.mean - 2) < 1e-9);
    assert_int_equal(f->p->gaps[1].days.count, 1);
    /* All 13 step gaps: 2 2 1 5 / 3 3 2 / 1 / 2 1 / 2 1 2. */
    assert_int_equal(f->p->gap_days.count, 13);
    assert_true(fabs(f->p->gap_days.mean - 27.0 / 13.0) < 1e-9);
    assert_true(fabs(f->p->gap_days.median - 2) < 1e-9);
}

static void whole_paths_are_cut_with_an_ellipsis(void **state)
{
    cut_paths(*state, 1);
    cut_paths(*state, 3);
}

static void no_collapse_keeps_repeats_and_limit_cuts_the_list(void **state)
{
    struct fixture *f = *state;
    struct jm_paths_opts o;
    jm_paths_defaults(&o);
    o.collapse = false;
    o.limit = 1;
    static const char *const EXCL[] = {"webinar", "nosuch"};
    o.exclude = EXCL;
    o.n_exclude = 2;
    compute(f, &o);
    assert_int_equal(f->p->distinct, 5);
    assert_int_equal(f->p->n_paths, 1);
    /* All paths have one unit: the first by text is E's ("blog > blog > d" before A's
     * "blog > blog > p"). */
    assert_string_equal(text(&f->p->paths[0]), "blog > blog > demo > pricing > contract");
    /* D without its webinar: pricing > blog (2 steps). */
    assert_int_equal(f->p->length_hist[2], 2);
}

static void stage_anchors_and_channel_steps(void **state)
{
    struct fixture *f = *state;
    struct jm_paths_opts o;
    jm_paths_defaults(&o);
    o.from_kind = o.to_kind = JM_ANCHOR_STAGE;
    o.from = "consider";
    o.to = "customer";
    o.step = JM_DIM_CHANNEL;
    compute(f, &o);
    /* A: consider 2 .. customer 10 (4 events), B: 3 .. 8 (3 events), all on "web". */
    assert_int_equal(f->p->units, 2);
    assert_int_equal(f->p->n_paths, 1);
    assert_string_equal(text(&f->p->paths[0]), "web");
    assert_true(fabs(f->p->paths[0].repeats[0] - 3.5) < 1e-12);
    assert_true(fabs(f->p->paths[0].days.mean - 6.5) < 1e-9);
}

static void after_drop_follows_the_funnels_droppers(void **state)
{
    struct fixture *f = *state;
    struct jm_paths_opts o;
    jm_paths_defaults(&o);
    o.mode = JM_PATHS_AFTER_DROP;
    o.from_kind = JM_ANCHOR_STAGE;
    o.from = "consider";
    compute(f, &o);
    uint8_t in[8];
    assert_int_equal(jm_report_drill(f->r, 1, JM_DRILL_DROPPED, in), 2);
    assert_int_equal(f->p->units, 2); /* C and D */
    assert_string_equal(text(&f->p->paths[0]), "pricing");
    assert_int_equal(f->p->paths[0].converted, 0);
    assert_true(fabs(f->p->paths[0].days.mean - 0) < 1e-9);
    assert_string_equal(text(&f->p->paths[1]), "pricing > webinar > blog");
    assert_true(fabs(f->p->paths[1].days.mean - 3) < 1e-9);
}

static void population_and_period_limit_units(void **state)
{
    struct fixture *f = *state;
    struct jm_error err;
    jm_report_free(f->r);
    f->r = NULL;
    /* Days 1 .. 9: no unit's first touch is in it; the demo anchors of A and B are, but
     * A's contract (day 10) is not. */
    struct jm_analysis_options per = {.from = d(1), .to = d(9)};
    assert_int_equal(jm_analyze(f->tl, &per, &f->r, &err), JM_OK);
    struct jm_paths_opts o;
    jm_paths_defaults(&o);
    compute(f, &o);
    assert_int_equal(f->p->units, 0);
    assert_int_equal(f->p->n_paths, 0);
    opts_tp(&o, "demo", "contract");
    compute(f, &o);
    assert_int_equal(f->p->units, 2); /* B and E */
}

static void bad_options_are_rejected(void **state)
{
    struct fixture *f = *state;
    struct jm_error err;
    struct jm_paths_opts o;
    opts_tp(&o, "demo", "nosuch");
    assert_int_equal(jm_paths_compute(f->r, &o, &f->p, &err), JM_EINVAL);
    assert_null(f->p);
    assert_non_null(strstr(err.msg, "nosuch"));
    jm_paths_defaults(&o);
    o.from_kind = JM_ANCHOR_STAGE;
    o.from = "nosuch";
    assert_int_equal(jm_paths_compute(f->r, &o, &f->p, &err), JM_EINVAL);
    opts_tp(&o, "demo", "contract");
    o.mode = JM_PATHS_AFTER_DROP;
    assert_int_equal(jm_paths_compute(f->r, &o, &f->p, &err), JM_EINVAL);
    opts_tp(&o, "demo", "contract");
    o.max_steps = 1;
    assert_int_equal(jm_paths_compute(f->r, &o, &f->p, &err), JM_EINVAL);
}

static void flows_follow_the_sankey(void **state)
{
    struct fixture *f = *state;
    struct jm_error err;
    assert_int_equal(jm_paths_flows(f->r, 5, &f->fl, &err), JM_OK);
    /* aware->consider (A B C), aware->decide (E skips), consider->decide (A B),
     * decide->customer (A B E). */
    assert_int_equal(f->fl->n, 4);
    static const size_t FROM[] = {0, 0, 1, 2}, TO[] = {1, 2, 2, 3}, MOVES[] = {3, 1, 2, 3};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(f->fl->flows[i].from, FROM[i]);
        assert_int_equal(f->fl->flows[i].to, TO[i]);
        assert_int_equal(f->fl->flows[i].moves, MOVES[i]);
        assert_int_equal(f->fl->flows[i].paths->units, MOVES[i]);
    }
    assert_string_equal(text(&f->fl->flows[0].paths->paths[0]), "blog > pricing");
    assert_string_equal(text(&f->fl->flows[1].paths->paths[0]), "blog > demo");
    assert_string_equal(text(&f->fl->flows[3].paths->paths[0]), "demo > pricing > contract");
    assert_int_equal(f->fl->flows[3].paths->paths[0].units, 2);
    assert_string_equal(text(&f->fl->flows[3].paths->paths[1]), "demo > contract");
}

static void contact_level_paths(void **state)
{
    struct fixture *f = *state;
    jm_report_free(f->r);
    jm_timelines_free(f->tl);
    jm_journey_free(f->j);
    analyse(f, "contact");
    struct jm_paths_opts o;
    jm_paths_defaults(&o);
    compute(f, &o);
    /* 7 contacts; a1: blog(2) demo contract, a2: pricing(2), e2: blog. */
    assert_int_equal(f->p->units, 7);
    int found = 0;
    for (size_t i = 0; i < f->p->n_paths; i++) {
        const char *t = text(&f->p->paths[i]);
        found += strcmp(t, "blog > demo > contract") == 0 && f->p->paths[i].units == 1;
        found += strcmp(t, "pricing") == 0 && f->p->paths[i].repeats[0] == 2;
        found += strcmp(t, "blog") == 0 && f->p->paths[i].units == 1;
    }
    assert_int_equal(found, 3);
}

static void json_lists_the_paths(void **state)
{
    struct fixture *f = *state;
    struct jm_paths_opts o;
    opts_tp(&o, "demo", "contract");
    compute(f, &o);
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_paths_json(f->r, f->p, JM_LANG_EN, &sb), JM_OK);
    json_error_t je;
    json_t *doc = json_loads(sb.buf, 0, &je);
    if (!doc)
        fail_msg("bad json: %s\n%s", je.text, sb.buf);
    json_t *p0 = json_array_get(json_object_get(doc, "paths"), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(p0, "steps"), 1)),
                        "pricing");
    assert_true(json_real_value(json_object_get(p0, "share")) == 0.6667);
    assert_int_equal(json_integer_value(json_object_get(doc, "units")), 3);
    assert_string_equal(json_string_value(json_object_get(doc, "journey")), "test");
    json_decref(doc);
    jm_strbuf_release(&sb);
    struct jm_error err;
    assert_int_equal(jm_paths_flows(f->r, 2, &f->fl, &err), JM_OK);
    assert_int_equal(jm_flows_json(f->r, f->fl, JM_LANG_EN, &sb), JM_OK);
    doc = json_loads(sb.buf, 0, &je);
    if (!doc)
        fail_msg("bad json: %s\n%s", je.text, sb.buf);
    assert_int_equal(json_array_size(json_object_get(doc, "flows")), 4);
    json_decref(doc);
    jm_strbuf_release(&sb);
}

static void allocation_failures_leak_nothing(void **state)
{
    struct fixture *f = *state;
    struct jm_paths_opts o;
    jm_paths_defaults(&o);
    o.max_steps = 3;
    int ok = 0;
    for (unsigned long n = 1; n < 5000 && !ok; n++) {
        struct jm_error err;
        struct jm_paths *p = NULL;
        struct jm_flows *fl = NULL;
        jm_alloc_fail_at(n);
        jm_status rc = jm_paths_compute(f->r, &o, &p, &err);
        jm_status rc2 = rc ? rc : jm_paths_flows(f->r, 3, &fl, &err);
        jm_alloc_fail_reset();
        if (rc)
            assert_null(p);
        if (rc2)
            assert_null(fl);
        assert_true(rc2 == JM_OK || rc2 == JM_ENOMEM);
        ok = rc2 == JM_OK;
        jm_paths_free(p);
        jm_flows_free(fl);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(between_touchpoints_counts_paths_and_days, setup, teardown),
        cmocka_unit_test_setup_teardown(whole_paths_are_cut_with_an_ellipsis, setup, teardown),
        cmocka_unit_test_setup_teardown(no_collapse_keeps_repeats_and_limit_cuts_the_list, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(stage_anchors_and_channel_steps, setup, teardown),
        cmocka_unit_test_setup_teardown(after_drop_follows_the_funnels_droppers, setup, teardown),
        cmocka_unit_test_setup_teardown(population_and_period_limit_units, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_options_are_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(flows_follow_the_sankey, setup, teardown),
        cmocka_unit_test_setup_teardown(contact_level_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(json_lists_the_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(allocation_failures_leak_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
