/*
 * The stage engine and its analytics on a workspace small enough to compute by hand: a skip, a
 * backward move with a re-entry, the edge of an "N within a window" rule, an empty stage, an
 * even-count median, accounts rolled up from several contacts (any contact vs combined), a deal
 * without an account, a conversion window, a period, and a breakdown.
 *
 *   day:        0     1     2     3     5     8    10    12    15    20    21    30    40
 *   A  a1 dec  blog        pri         pri          deal+             won
 *      a2 fin        blog
 *   B  b1      pri                           pri               pri                        (7 d)
 *   C  c1      blog              deal+ (lost d9)         blog        pri   pri   deal+ won(d40)
 *   D  d1      pri   (d2 pri on d3: two people, one pricing each)
 *   DX: a won deal with no account (created d5, won d7)
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>

#include "../storage/storage_test.h"
#include "journeymap/analytics.h"
#include "journeymap/journey.h"

static const char JOURNEY[] =
    "journey: test\n"
    "name: Test\n"
    "settings:\n"
    "  level: account\n"
    "stages:\n"
    "  - key: aware\n"
    "    name: Aware\n"
    "    entry: {event: {touchpoint: blog}}\n"
    "  - key: consider\n"
    "    name: Consider\n"
    "    revisit: true\n"
    "    entry: {event: {touchpoint: pricing, at_least: 2, within_days: 7}}\n"
    "  - key: decide\n"
    "    name: Decide\n"
    "    dmu_roles: [decider, finance]\n"
    "    entry: {deal: created}\n"
    "  - key: customer\n"
    "    name: Customer\n"
    "    entry: {deal: won}\n";

static int64_t d(int day)
{
    return day_us(2025, 1, 1) + (int64_t)day * 86400 * JM_US_PER_SEC;
}

static void account(struct jm_storage *st, const char *id, const char *industry)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", id);
    set_text(&r, "industry", industry);
    ws_put(st, &r);
}

static void contact(struct jm_storage *st, const char *id, const char *acc, const char *role)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_CONTACT);
    set_text(&r, "id", id);
    set_text(&r, "account", acc);
    if (role)
        set_text(&r, "dmu_role", role);
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

static void deal(struct jm_storage *st, const char *id, const char *acc, const char *con,
                 int created, int closed, const char *status)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_DEAL);
    set_text(&r, "id", id);
    if (acc)
        set_text(&r, "account", acc);
    if (con)
        set_text(&r, "contact", con);
    set_time(&r, "created", d(created));
    if (closed >= 0)
        set_time(&r, "closed", d(closed));
    set_text(&r, "status", status);
    set_text(&r, "product", acc ? "Core" : "Lite");
    ws_put(st, &r);
}

struct fixture {
    char *dir;
    struct jm_storage *st;
    struct jm_dataset *ds;
    struct jm_journey *j;
    struct jm_timelines *tl;
    struct jm_report *r;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->dir = strdup(jm_test_tmpdir());
    f->st = ws_create(f->dir);
    ws_begin(f->st);
    account(f->st, "A", "retail");
    account(f->st, "B", "retail");
    account(f->st, "C", "health");
    account(f->st, "D", "");
    contact(f->st, "a1", "A", "decider");
    contact(f->st, "a2", "A", "finance");
    contact(f->st, "b1", "B", NULL);
    contact(f->st, "c1", "C", "decider");
    contact(f->st, "d1", "D", NULL);
    contact(f->st, "d2", "D", NULL);
    event(f->st, "A", "a1", "blog", 0);
    event(f->st, "A", "a2", "blog", 1);
    event(f->st, "A", "a1", "pricing", 2);
    event(f->st, "A", "a1", "pricing", 5);
    event(f->st, "B", "b1", "pricing", 0);
    event(f->st, "B", "b1", "pricing", 8);
    event(f->st, "B", "b1", "pricing", 15);
    event(f->st, "C", "c1", "blog", 0);
    event(f->st, "C", "c1", "blog", 12);
    event(f->st, "C", "c1", "pricing", 20);
    event(f->st, "C", "c1", "pricing", 21);
    event(f->st, "D", "d1", "pricing", 0);
    event(f->st, "D", "d2", "pricing", 3);
    deal(f->st, "DA", "A", "a1", 10, 20, "won");
    deal(f->st, "DC1", "C", "c1", 3, 9, "lost");
    deal(f->st, "DC2", "C", "c1", 30, 40, "won");
    deal(f->st, "DX", NULL, NULL, 5, 7, "won");
    ws_commit(f->st);
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_dataset_load(f->st, NULL, &f->ds, &err) ||
        jm_journey_parse(JOURNEY, sizeof(JOURNEY) - 1, "test.yaml", &f->j, &err))
        fail_msg("%s", err.msg);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
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

static void run(struct fixture *f, const struct jm_analysis_options *o)
{
    struct jm_error err;
    jm_error_clear(&err);
    jm_report_free(f->r);
    jm_timelines_free(f->tl);
    f->r = NULL;
    f->tl = NULL;
    struct jm_analysis_options all = {.from = INT64_MIN, .to = INT64_MAX};
    if (jm_journey_run(f->ds, f->j, &f->tl, &err) || jm_analyze(f->tl, o ? o : &all, &f->r, &err))
        fail_msg("%s", err.msg);
}

static size_t unit_of(const struct fixture *f, const char *id)
{
    for (size_t u = 0; u < f->tl->n_units; u++)
        if (strcmp(jm_timelines_unit_id(f->tl, u), id) == 0)
            return u;
    fail_msg("no unit %s", id);
    return 0;
}

/* The unit's moves as "kind:from>to@day" words. */
static void assert_moves(const struct fixture *f, const char *id, const char *want)
{
    static const char *const K[] = {"enter", "fwd", "skip", "back"};
    size_t u = unit_of(f, id);
    char got[512] = "";
    for (size_t k = f->tl->move_start[u]; k < f->tl->move_start[u + 1]; k++) {
        const struct jm_move *m = &f->tl->moves[k];
        size_t n = strlen(got);
        snprintf(got + n, sizeof(got) - n, "%s%s:%d>%d@%lld%s", n ? " " : "", K[m->kind],
                 m->from == JM_NO_STAGE ? -1 : m->from, m->to,
                 (long long)((m->time - d(0)) / (86400 * JM_US_PER_SEC)), m->reentry ? "r" : "");
    }
    assert_string_equal(got, want);
}

static void moves_keep_skips_backs_and_reentries(void **state)
{
    struct fixture *f = *state;
    run(f, NULL);
    assert_int_equal(f->tl->n_units, 4);
    assert_moves(f, "A", "enter:-1>0@0 fwd:0>1@5 fwd:1>2@10 fwd:2>3@20");
    /* pricing on days 0 and 8 are 8 days apart; 8 and 15 exactly 7: the window's edge counts */
    assert_moves(f, "B", "enter:-1>1@15");
    /* the blog on day 12 is ignored: aware does not allow revisits; consider does */
    assert_moves(f, "C", "enter:-1>0@0 skip:0>2@3 back:2>1@21 fwd:1>2@30r fwd:2>3@40");
    /* one pricing view per person: no account-level consider with any_contact */
    assert_moves(f, "D", "");
}

static void a_revisit_rule_only_moves_back(void **state)
{
    struct fixture *f = *state;
    char text[sizeof(JOURNEY) + 64];
    const char *at = strstr(JOURNEY, "revisit: true");
    snprintf(text, sizeof(text), "%.*srevisit: {deal: lost}%s", (int)(at - JOURNEY), JOURNEY,
             at + strlen("revisit: true"));
    struct jm_journey *j = NULL, *keep = f->j;
    struct jm_error err;
    if (jm_journey_parse(text, strlen(text), "revisit.yaml", &j, &err))
        fail_msg("%s", err.msg);
    f->j = j;
    run(f, NULL);
    /* the lost deal on day 9 sends C back; pricing on day 21 finds it there already */
    assert_moves(f, "C", "enter:-1>0@0 skip:0>2@3 back:2>1@9 fwd:1>2@30r fwd:2>3@40");
    assert_moves(f, "A", "enter:-1>0@0 fwd:0>1@5 fwd:1>2@10 fwd:2>3@20");
    jm_report_free(f->r);
    jm_timelines_free(f->tl);
    f->r = NULL;
    f->tl = NULL;
    f->j = keep;
    jm_journey_free(j);
}

static void funnel_counts_skips_as_passing(void **state)
{
    struct fixture *f = *state;
    run(f, NULL);
    const struct jm_stage_result *s = f->r->groups[0].stages;
    assert_int_equal(s[0].reached, 3);
    assert_int_equal(s[0].converted, 3);
    assert_int_equal(s[0].skipped, 1);
    assert_int_equal(s[0].entered, 2);
    assert_int_equal(s[1].reached, 3);
    assert_int_equal(s[1].converted, 2);
    assert_int_equal(s[1].dropped, 1);
    assert_int_equal(s[1].skipped, 1);
    assert_true(fabs(s[1].rate - 2.0 / 3.0) < 1e-12);
    assert_true(fabs(jm_round4(s[1].rate) - 0.6667) < 1e-12);
    assert_int_equal(s[2].reached, 2);
    assert_int_equal(s[2].converted, 2);
    assert_int_equal(s[3].reached, 2);
    assert_int_equal(s[3].converted, 0);
    /* without skips counting, B never reached aware and C never passed consider before day 21 */
    f->j->settings.skip_counts_as_passed = false;
    run(f, NULL);
    s = f->r->groups[0].stages;
    assert_int_equal(s[0].reached, 2);
    assert_int_equal(s[1].reached, 3);   /* A d5, B d15, C d21 */
    assert_int_equal(s[1].converted, 2); /* A, and C on day 30 */
    f->j->settings.skip_counts_as_passed = true;
}

static void time_in_stage_has_even_count_medians(void **state)
{
    struct fixture *f = *state;
    run(f, NULL);
    const struct jm_stage_result *s = f->r->groups[0].stages;
    assert_int_equal(s[0].in_stage.count, 2); /* A 5 days, C 3 days */
    assert_true(fabs(s[0].in_stage.median - 4) < 1e-12);
    assert_int_equal(s[1].in_stage.count, 2); /* A 5 days, C 9 days (day 21 -> 30) */
    assert_true(fabs(s[1].in_stage.median - 7) < 1e-12);
    assert_true(fabs(s[2].in_stage.median - 23.5) < 1e-12); /* A 10, C 37 */
    assert_int_equal(s[3].in_stage.count, 0);               /* the last stage: nowhere to go */
    assert_true(isnan(s[3].in_stage.median));
    const struct jm_dist *g = &f->r->groups[0].to_goal; /* A 20, C 40 */
    assert_int_equal(g->count, 2);
    assert_true(fabs(g->mean - 30) < 1e-12);
    assert_true(fabs(g->p90 - 38) < 1e-12);
}

static void transitions_and_moves(void **state)
{
    struct fixture *f = *state;
    run(f, NULL);
    const struct jm_group_result *g = &f->r->groups[0];
    const uint64_t *t = g->transitions; /* row 0 = start, row k = stage k-1; 4 columns */
    assert_int_equal(t[0 * 4 + 0], 2);
    assert_int_equal(t[0 * 4 + 1], 1);
    assert_int_equal(t[1 * 4 + 1], 1);
    assert_int_equal(t[1 * 4 + 2], 1);
    assert_int_equal(t[2 * 4 + 2], 2);
    assert_int_equal(t[3 * 4 + 1], 1);
    assert_int_equal(t[3 * 4 + 3], 2);
    assert_int_equal(g->moves[JM_MOVE_ENTER], 3);
    assert_int_equal(g->moves[JM_MOVE_FORWARD], 5);
    assert_int_equal(g->moves[JM_MOVE_SKIP], 1);
    assert_int_equal(g->moves[JM_MOVE_BACK], 1);
    assert_int_equal(g->reentries, 1);
}

static void conversion_window_and_period(void **state)
{
    struct fixture *f = *state;
    f->j->settings.conversion_window_days = 4; /* A takes 5 days from aware to consider */
    run(f, NULL);
    assert_int_equal(f->r->groups[0].stages[0].converted, 2);
    f->j->settings.conversion_window_days = 5; /* exactly 5 days: inside */
    run(f, NULL);
    assert_int_equal(f->r->groups[0].stages[0].converted, 3);
    f->j->settings.conversion_window_days = 0;
    struct jm_analysis_options o = {.from = d(4), .to = d(16)};
    run(f, &o);
    const struct jm_stage_result *s = f->r->groups[0].stages;
    assert_int_equal(s[0].reached, 1);          /* B passed it on day 15 */
    assert_int_equal(s[1].reached, 2);          /* A day 5, B day 15 (C passed it on day 3) */
    assert_int_equal(s[2].reached, 1);          /* A day 10 */
    assert_int_equal(f->r->groups[0].deals, 2); /* created in the period: DA, DX */
}

static void combined_rollup_sees_the_whole_committee(void **state)
{
    struct fixture *f = *state;
    f->j->settings.rollup = JM_ROLLUP_COMBINED;
    run(f, NULL);
    assert_moves(f, "D", "enter:-1>1@3");
    f->j->settings.rollup = JM_ROLLUP_ANY_CONTACT;
}

static void contact_level_units(void **state)
{
    struct fixture *f = *state;
    f->j->settings.level = JM_LEVEL_CONTACT;
    run(f, NULL);
    assert_int_equal(f->tl->n_units, 6);
    assert_moves(f, "a1", "enter:-1>0@0 fwd:0>1@5 fwd:1>2@10 fwd:2>3@20");
    assert_moves(f, "a2", "enter:-1>0@1");
    assert_moves(f, "d1", "");
    f->j->settings.level = JM_LEVEL_ACCOUNT;
}

static void deals_and_dmu_roles(void **state)
{
    struct fixture *f = *state;
    run(f, NULL);
    const struct jm_group_result *g = &f->r->groups[0];
    assert_int_equal(g->deals, 4); /* DX has no account but is a deal all the same */
    assert_int_equal(g->won, 3);
    assert_int_equal(g->lost, 1);
    assert_true(fabs(g->win_rate - 0.75) < 1e-12);
    assert_int_equal(g->cycle.count, 3); /* 10, 10, 2 */
    assert_true(fabs(g->cycle.median - 10) < 1e-12);
    size_t a = unit_of(f, "A");
    int dec = jm_timelines_role(f->tl, "decider"), fin = jm_timelines_role(f->tl, "finance");
    assert_true(dec >= 0 && fin >= 0);
    assert_int_equal(f->tl->roles[a * 4 + 0], (1u << dec) | (1u << fin));
    assert_int_equal(f->tl->roles[a * 4 + 2], 0); /* no event while deciding */
}

static void breakdown_by_account_field_and_deal_product(void **state)
{
    struct fixture *f = *state;
    struct jm_analysis_options o = {.from = INT64_MIN, .to = INT64_MAX, .by = "industry"};
    run(f, &o);
    assert_int_equal(f->r->n_groups, 4); /* (all), (missing), health, retail */
    assert_string_equal(f->r->groups[1].label, "(missing)");
    assert_string_equal(f->r->groups[2].label, "health");
    assert_string_equal(f->r->groups[3].label, "retail");
    assert_int_equal(f->r->groups[3].units, 2);
    assert_int_equal(f->r->groups[3].stages[0].reached, 2); /* A, and B by skipping */
    assert_int_equal(f->r->groups[2].deals, 2);
    o.by = "product"; /* deals by their own product; units by their first deal's */
    run(f, &o);
    assert_string_equal(f->r->groups[2].label, "Core");
    assert_int_equal(f->r->groups[2].deals, 3);
    assert_string_equal(f->r->groups[3].label, "Lite");
    assert_int_equal(f->r->groups[3].won, 1);
    o.by = "no.such";
    struct jm_error err;
    jm_error_clear(&err);
    struct jm_report *r = NULL;
    assert_int_equal(jm_analyze(f->tl, &o, &r, &err), JM_EINVAL);
    assert_non_null(strstr(err.msg, "cannot break down by 'no.such'"));
}

/* A segment is the breakdown group of the same label, with deals, KPIs and idle units narrowed
 * to it; a value no unit has is an error naming those that exist. */
static void a_segment_filter_matches_its_breakdown_group(void **state)
{
    struct fixture *f = *state;
    struct jm_analysis_options o = {.from = INT64_MIN, .to = INT64_MAX, .by = "industry"};
    run(f, &o);
    struct jm_group_result want = f->r->groups[3]; /* retail */
    uint64_t reached[4], converted[4];
    for (size_t s = 0; s < 4; s++) {
        reached[s] = want.stages[s].reached;
        converted[s] = want.stages[s].converted;
    }
    o.by = NULL;
    o.filter_by = "industry";
    o.filter_value = "Retail"; /* the data says "retail": matched ignoring case */
    run(f, &o);
    const struct jm_group_result *got = &f->r->groups[0];
    assert_int_equal(got->units, want.units);
    assert_int_equal(got->deals, want.deals);
    assert_int_equal(got->won, want.won);
    for (size_t s = 0; s < 4; s++) {
        assert_int_equal(got->stages[s].reached, reached[s]);
        assert_int_equal(got->stages[s].converted, converted[s]);
    }
    for (size_t i = 0; i < f->r->n_idle; i++)
        assert_true(f->r->unit_in[f->r->idle[i].unit]);
    o.filter_value = "mining";
    struct jm_error err;
    jm_error_clear(&err);
    struct jm_report *r = NULL;
    assert_int_equal(jm_analyze(f->tl, &o, &r, &err), JM_EINVAL);
    assert_non_null(strstr(err.msg, "no account has industry = \"mining\""));
    assert_non_null(strstr(err.msg, "\"health\", \"retail\""));
}

static void report_json_is_valid_shape(void **state)
{
    struct fixture *f = *state;
    run(f, NULL);
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, JM_STRBUF_DEFAULT_MAX);
    assert_int_equal(jm_report_json(f->r, JM_LANG_EN, &sb), JM_OK);
    assert_non_null(strstr(sb.buf, "\"stage\":\"consider\",\"reached\":3,\"converted\":2"));
    jm_strbuf_release(&sb);
}

static void every_allocation_can_fail(void **state)
{
    struct fixture *f = *state;
    struct jm_analysis_options o = {.from = INT64_MIN, .to = INT64_MAX, .by = "industry"};
    unsigned long n;
    for (n = 1; n < 100000; n++) {
        struct jm_error err;
        struct jm_timelines *tl = NULL;
        struct jm_report *r = NULL;
        jm_alloc_fail_reset();
        jm_alloc_fail_at(n);
        jm_status rc = jm_journey_run(f->ds, f->j, &tl, &err);
        if (!rc)
            rc = jm_analyze(tl, &o, &r, &err);
        jm_alloc_fail_reset();
        jm_report_free(r);
        jm_timelines_free(tl);
        if (!rc)
            break;
        assert_int_equal(rc, JM_ENOMEM);
    }
    assert_true(n > 10 && n < 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(moves_keep_skips_backs_and_reentries),
        cmocka_unit_test(a_revisit_rule_only_moves_back),
        cmocka_unit_test(funnel_counts_skips_as_passing),
        cmocka_unit_test(time_in_stage_has_even_count_medians),
        cmocka_unit_test(transitions_and_moves),
        cmocka_unit_test(conversion_window_and_period),
        cmocka_unit_test(combined_rollup_sees_the_whole_committee),
        cmocka_unit_test(contact_level_units),
        cmocka_unit_test(deals_and_dmu_roles),
        cmocka_unit_test(breakdown_by_account_field_and_deal_product),
        cmocka_unit_test(a_segment_filter_matches_its_breakdown_group),
        cmocka_unit_test(report_json_is_valid_shape),
        cmocka_unit_test(every_allocation_can_fail),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
