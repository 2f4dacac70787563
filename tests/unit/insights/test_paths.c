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
#include "insights_fixture.h"

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

static void event(struct jm_storage *st, const char *acc, const char *con, const char *tp, int day)
{
    fx_event(st, acc, con, fx_day(day), tp, "web");
}

static void put_all(struct jm_storage *st)
{
    static const char *const ACC[] = {"A", "B", "C", "D", "E"};
    for (size_t i = 0; i < 5; i++)
        fx_account(st, ACC[i], NULL, NULL);
    static const char *const CON[] = {"a1", "a2", "b1", "c1", "d1", "e1", "e2"};
    for (size_t i = 0; i < 7; i++)
        fx_contact(st, CON[i], (char[]){(char)(CON[i][0] - 'a' + 'A'), 0}, FX_NO_TIME);
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

/* Runs the journey at `level` ("account" or "contact") and analyses it over everything. */
static void analyse(struct fx *f, const char *level)
{
    char yaml[sizeof(JOURNEY) + 16];
    snprintf(yaml, sizeof(yaml), JOURNEY, level);
    fx_journey(f, yaml);
}

static int setup(void **state)
{
    fx_setup(state, put_all, NULL, NULL);
    analyse(*state, "account");
    return 0;
}

static void compute(struct fx *f, const struct jm_paths_opts *o)
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
    struct fx *f = *state;
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
static void cut_paths(struct fx *f, unsigned threads)
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
    struct fx *f = *state;
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
    struct fx *f = *state;
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
    struct fx *f = *state;
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
    struct fx *f = *state;
    struct jm_error err;
    jm_report_free(f->r);
    f->r = NULL;
    /* Days 1 .. 9: no unit's first touch is in it; the demo anchors of A and B are, but
     * A's contract (day 10) is not. */
    struct jm_analysis_options per = {.from = fx_day(1), .to = fx_day(9)};
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
    struct fx *f = *state;
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
    struct fx *f = *state;
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
    struct fx *f = *state;
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
    struct fx *f = *state;
    struct jm_paths_opts o;
    opts_tp(&o, "demo", "contract");
    compute(f, &o);
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_paths_json(f->r, f->p, JM_LANG_EN, &sb), JM_OK);
    json_t *doc = fx_json_parse(sb.buf);
    json_t *p0 = json_array_get(json_object_get(doc, "paths"), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(p0, "steps"), 1)),
                        "pricing");
    assert_true(json_real_value(json_object_get(p0, "share")) == 0.6667);
    /* figures print with their decimals, as in every insight: 1.00 steps, 4.50 days */
    assert_non_null(strstr(sb.buf, "\"repeats\":[1.00,1.00,1.00],\"units\":2,\"share\":0.6667,"
                                   "\"converted\":2,\"days\":{\"count\":2,\"mean\":4.50,"
                                   "\"median\":4.50,\"p75\":5.25,\"p90\":5.70}}"));
    assert_int_equal(json_integer_value(json_object_get(doc, "units")), 3);
    assert_string_equal(json_string_value(json_object_get(doc, "journey")), "test");
    json_decref(doc);
    jm_strbuf_release(&sb);
    fx_json_fails_when_cut(f, FX_PATHS_FLOWS);
    struct jm_error err;
    assert_int_equal(jm_paths_flows(f->r, 2, &f->fl, &err), JM_OK);
    assert_int_equal(jm_flows_json(f->r, f->fl, JM_LANG_EN, &sb), JM_OK);
    doc = fx_json_parse(sb.buf);
    assert_int_equal(json_array_size(json_object_get(doc, "flows")), 4);
    json_decref(doc);
    jm_strbuf_release(&sb);
}

static void allocation_failures_leak_nothing(void **state)
{
    struct fx *f = *state;
    struct jm_paths_opts o;
    jm_paths_defaults(&o);
    o.max_steps = 3;
    assert_true(fx_fail_each_alloc(f, FX_PATHS_FLOWS, &o, 5000) < 5000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(between_touchpoints_counts_paths_and_days),
        FX_TEST(whole_paths_are_cut_with_an_ellipsis),
        FX_TEST(no_collapse_keeps_repeats_and_limit_cuts_the_list),
        FX_TEST(stage_anchors_and_channel_steps),
        FX_TEST(after_drop_follows_the_funnels_droppers),
        FX_TEST(population_and_period_limit_units),
        FX_TEST(bad_options_are_rejected),
        FX_TEST(flows_follow_the_sankey),
        FX_TEST(contact_level_paths),
        FX_TEST(json_lists_the_paths),
        FX_TEST(allocation_failures_leak_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
