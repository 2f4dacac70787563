/*
 * Retention on a workspace small enough to compute by hand. MRR by month of 2024 (a month
 * without a row is 0; D has two rows in February, summed; F's January row is 0):
 *
 *        Jan  Feb  Mar  Apr  May  Jun    segment  churn_reason
 *   A    100  100  150  150  150  150    ent      -            expansion in Mar
 *   B    200  100   -   100  100  100    ent      price        contraction, churn, return
 *   C     -    50   50    0    -    -    smb      -            churns in Apr (a 0 row)
 *   D     -    80   80   80   80   80    smb      -            30 + 50 in Feb
 *   E    (no revenue)
 *   F      0   -    60   60   60   60    smb      -            cohort Mar, not Jan
 *
 * Cohorts: Jan {A, B} start 300, Feb {C, D} start 130, Mar {F} start 60; data ends in June.
 *
 * Before churn (90 days before the churn month; retained: 90 days before July):
 *   B churns in Mar: window [Dec 2, Mar 1): webinar Feb 10 (pricing Mar 5 is after), urgent
 *     ticket Feb 1 answered after 3 h (a breach; the Mar 10 ticket is outside), NPS 3 Feb 20
 *   C churns in Apr: window [Jan 2, Apr 1): its events on Jan 1 and at Apr 1 00:00 are both
 *     outside, so no touch; NPS 8 Mar 15
 *   retained A, D, F: window [Apr 2, Jul 1): A's high ticket within target, D's low ticket
 *     never answered (breached by Jun 20, the data's end), NPS A 10, D 9 (F's 6 in Jan is out)
 *
 * SPDX-License-Identifier: MIT
 */
#include "insights_fixture.h"

static const char JOURNEY[] = "journey: ret\n"
                              "name: Retention test\n"
                              "settings:\n"
                              "  level: account\n"
                              "stages:\n"
                              "  - key: aware\n"
                              "    name: Aware\n"
                              "    entry: {event: {touchpoint: webinar}}\n"
                              "  - key: customer\n"
                              "    name: Customer\n"
                              "    entry: {revenue: started}\n";

static int64_t at(int month, int day)
{
    return day_us(2024, (unsigned)month, (unsigned)day);
}

static void revenue(struct jm_storage *st, const char *acc, int month, int day, double mrr)
{
    fx_revenue(st, acc, at(month, day), mrr);
}

static void nps(struct jm_storage *st, const char *id, const char *acc, double score, int64_t t)
{
    fx_survey(st, &(struct fx_survey){id, acc, NULL, "nps", score, t});
}

static void fill_revenue(struct jm_storage *st)
{
    static const struct {
        const char *acc;
        double mrr[6]; /* Jan .. Jun; < 0: no row */
    } R[] = {
        {"A", {100, 100, 150, 150, 150, 150}}, {"B", {200, 100, -1, 100, 100, 100}},
        {"C", {-1, 50, 50, 0, -1, -1}},        {"D", {-1, -1, 80, 80, 80, 80}},
        {"F", {0, -1, 60, 60, 60, 60}},
    };
    for (size_t i = 0; i < sizeof(R) / sizeof(R[0]); i++)
        for (int m = 0; m < 6; m++)
            if (R[i].mrr[m] >= 0)
                revenue(st, R[i].acc, m + 1, 1, R[i].mrr[m]);
    revenue(st, "D", 2, 1, 30);
    revenue(st, "D", 2, 15, 50);
}

static void fill(struct jm_storage *st)
{
    fx_account(st, "A", "ent", NULL);
    fx_account(st, "B", "ent", "{\"churn_reason\":\"price\"}");
    static const char *const SMB[] = {"C", "D", "E", "F"};
    for (size_t i = 0; i < 4; i++)
        fx_account(st, SMB[i], "smb", NULL);
    fill_revenue(st);
    fx_event(st, "B", NULL, at(2, 10), "webinar", NULL);
    fx_event(st, "B", NULL, at(3, 5), "pricing", NULL);
    fx_event(st, "C", NULL, at(1, 1), "webinar", NULL);
    fx_event(st, "C", NULL, at(4, 1), "pricing", NULL);
    fx_event(st, "E", NULL, at(3, 1), "webinar", NULL);
    fx_event(st, "A", NULL, at(6, 20), "blog", NULL);
    /* hours to first response and resolution, then csat; < 0 for none */
    fx_ticket(st, &(struct fx_ticket){"t1", "B", "urgent", at(2, 1) + 10 * FX_HOUR, 3, 5, -1});
    fx_ticket(st, &(struct fx_ticket){"t2", "B", "normal", at(3, 10), 1, 2, -1});
    fx_ticket(st, &(struct fx_ticket){"t3", "A", "high", at(5, 1), 2, 10, -1});
    fx_ticket(st, &(struct fx_ticket){"t4", "D", "low", at(6, 1), -1, -1, -1});
    nps(st, "s1", "B", 3, at(2, 20));
    nps(st, "s2", "C", 8, at(3, 15));
    nps(st, "s3", "A", 10, at(5, 10));
    nps(st, "s4", "D", 9, at(6, 5));
    nps(st, "s5", "F", 6, at(1, 15));
}

static int setup(void **state)
{
    return fx_setup(state, fill, NULL, JOURNEY);
}

/* Analyses with `ao` (NULL: everything) and computes retention with `o` (NULL: defaults). */
static const struct jm_retention *compute(struct fx *f, const struct jm_analysis_options *ao,
                                          const struct jm_retention_opts *o)
{
    fx_analyze(f, f->tl, ao);
    fx_ok(f, jm_retention_compute(f->r, o, &f->rt, &f->err), "retention");
    return f->rt;
}

#define near(x, want) assert_true(fabs((x) - (want)) < 1e-9)

/* logos, mrr, expansion, contraction, churned */
static void assert_cell(const struct jm_cohort_cell *c, uint64_t logos, double mrr, double exp,
                        double contr, double churned)
{
    assert_int_equal(c->logos, logos);
    near(c->mrr, mrr);
    near(c->expansion, exp);
    near(c->contraction, contr);
    near(c->churned, churned);
}

static void cohorts_at_each_offset(void **state)
{
    const struct jm_retention *rt = compute(*state, NULL, NULL);
    assert_int_equal(rt->n_cohorts, 3);
    const struct jm_cohort *jan = &rt->cohorts[0], *feb = &rt->cohorts[1], *mar = &rt->cohorts[2];
    assert_int_equal(jan->year, 2024);
    assert_int_equal(jan->month, 1);
    assert_int_equal(feb->month, 2);
    assert_int_equal(mar->month, 3); /* F: its 0 in January does not start it */
    assert_int_equal(jan->accounts, 2);
    near(jan->start_mrr, 300);
    assert_int_equal(jan->n_cells, 6);
    assert_cell(&jan->cells[0], 2, 300, 0, 0, 0);
    assert_cell(&jan->cells[1], 2, 200, 0, 100, 0);  /* B contracts */
    assert_cell(&jan->cells[2], 1, 150, 50, 0, 200); /* A expands, B gone */
    assert_cell(&jan->cells[3], 2, 250, 50, 100, 0); /* B is back */
    assert_cell(&jan->cells[5], 2, 250, 50, 100, 0);
    near(jan->cells[2].logo_rate, 0.5);
    near(jan->cells[2].nrr, 0.5);
    near(jan->cells[2].grr, 100.0 / 300);
    near(jan->cells[1].nrr, 200.0 / 300);
    near(jan->cells[3].grr, 200.0 / 300);
    near(jan->ltv_realized, (800 + 600) / 2.0);
    /* Feb: D's two February rows are one month of 80 */
    assert_int_equal(feb->accounts, 2);
    near(feb->start_mrr, 130);
    assert_int_equal(feb->n_cells, 5);
    assert_cell(&feb->cells[1], 2, 130, 0, 0, 0);
    assert_cell(&feb->cells[2], 1, 80, 0, 0, 50); /* C's 0 row is a churn */
    assert_cell(&feb->cells[4], 1, 80, 0, 0, 50);
    near(feb->cells[2].nrr, 80.0 / 130);
    near(feb->ltv_realized, 250);
    assert_int_equal(mar->n_cells, 4);
    assert_cell(&mar->cells[3], 1, 60, 0, 0, 0);
    near(mar->ltv_realized, 240);
}

static void totals_pool_the_cohorts_that_reached_each_offset(void **state)
{
    const struct jm_retention *rt = compute(*state, NULL, NULL);
    assert_int_equal(rt->n_total, 6);
    near(rt->total[0].nrr, 1);
    near(rt->total[1].nrr, 390.0 / 490);
    near(rt->total[1].grr, 390.0 / 490);
    assert_int_equal(rt->total[2].logos, 3);
    near(rt->total[2].logo_rate, 0.6);
    near(rt->total[2].grr, 240.0 / 490);
    near(rt->total[3].grr, 340.0 / 490);
    /* offset 4: only Jan and Feb have lived it (start 430, 4 accounts) */
    near(rt->total[4].logo_rate, 0.75);
    near(rt->total[4].nrr, 330.0 / 430);
    near(rt->total[4].grr, 280.0 / 430);
    near(rt->total[5].nrr, 250.0 / 300);
}

static void mrr_bridge_month_by_month(void **state)
{
    const struct jm_retention *rt = compute(*state, NULL, NULL);
    assert_int_equal(rt->n_months, 6);
    static const struct {
        uint64_t active, new_logos, churned, reactivated;
        double mrr, new_mrr, exp, contr, churned_mrr, react;
    } W[] = {
        {2, 2, 0, 0, 300, 300, 0, 0, 0, 0},   {4, 2, 0, 0, 330, 130, 0, 100, 0, 0},
        {4, 1, 1, 0, 340, 60, 50, 0, 100, 0}, {4, 0, 1, 1, 390, 0, 0, 0, 50, 100},
        {4, 0, 0, 0, 390, 0, 0, 0, 0, 0},     {4, 0, 0, 0, 390, 0, 0, 0, 0, 0},
    };
    double prev = 0;
    for (size_t t = 0; t < 6; t++) {
        const struct jm_mrr_month *m = &rt->months[t];
        assert_int_equal(m->month, (int)t + 1);
        assert_int_equal(m->active, W[t].active);
        assert_int_equal(m->new_logos, W[t].new_logos);
        assert_int_equal(m->churned_logos, W[t].churned);
        assert_int_equal(m->reactivated, W[t].reactivated);
        near(m->mrr, W[t].mrr);
        near(m->new_mrr, W[t].new_mrr);
        near(m->expansion, W[t].exp);
        near(m->contraction, W[t].contr);
        near(m->churned_mrr, W[t].churned_mrr);
        near(m->reactivation, W[t].react);
        /* the bridge adds up */
        near(prev + m->new_mrr + m->reactivation + m->expansion - m->contraction - m->churned_mrr,
             m->mrr);
        prev = m->mrr;
    }
}

static void pooled_churn_arpa_and_ltv(void **state)
{
    struct jm_retention_opts o;
    jm_retention_defaults(&o);
    const struct jm_retention *rt = compute(*state, NULL, &o);
    /* month starts Feb..Jun hold 2 + 4 + 4 + 4 + 4 logos; 2 churn (Mar, Apr) */
    near(rt->monthly_logo_churn, 2.0 / 18);
    near(rt->monthly_mrr_churn, 250.0 / 1750);
    near(rt->arpa, 2140.0 / 22);
    near(rt->ltv, (2140.0 / 22) * 9);
    o.margin = 0.5;
    rt = compute(*state, NULL, &o);
    near(rt->ltv, (2140.0 / 22) * 4.5);
    o.max_offset = 2;
    rt = compute(*state, NULL, &o);
    assert_int_equal(rt->cohorts[0].n_cells, 3);
    assert_int_equal(rt->n_total, 3);
}

static void churn_reasons_and_what_came_before(void **state)
{
    const struct jm_retention *rt = compute(*state, NULL, NULL);
    assert_int_equal(rt->n_reasons, 2); /* one each: by label then */
    assert_string_equal(rt->reasons[0].reason, JM_INSIGHT_MISSING);
    near(rt->reasons[0].mrr_lost, 50);
    assert_string_equal(rt->reasons[1].reason, "price");
    assert_int_equal(rt->reasons[1].accounts, 1);
    near(rt->reasons[1].mrr_lost, 100); /* February's MRR, the month before churn */
    const struct jm_before_churn *b = &rt->before;
    assert_int_equal(b->accounts, 2);
    assert_int_equal(b->n_last_touches, 2);
    assert_string_equal(b->last_touches[0].reason, JM_INSIGHT_NO_TOUCH);
    assert_string_equal(b->last_touches[1].reason, "webinar");
    near(b->last_touches[1].mrr_lost, 100);
    near(b->tickets_per_account, 0.5);
    near(b->breaches_per_account, 0.5);
    assert_int_equal(b->nps_answers, 2);
    near(b->nps, -50);
    assert_int_equal(b->retained_accounts, 3);
    near(b->retained_tickets_per_account, 2.0 / 3);
    near(b->retained_breaches_per_account, 1.0 / 3);
    assert_int_equal(b->retained_nps_answers, 2);
    near(b->retained_nps, 100);
}

static void period_selects_cohorts_and_pooled_months(void **state)
{
    struct jm_analysis_options ao = {.from = at(2, 1), .to = at(3, 1)};
    const struct jm_retention *rt = compute(*state, &ao, NULL);
    assert_int_equal(rt->n_cohorts, 1);
    assert_int_equal(rt->cohorts[0].month, 2);
    assert_int_equal(rt->n_months, 6); /* the bridge is every month */
    near(rt->monthly_logo_churn, 0);
    assert_true(isnan(rt->ltv)); /* no churn, no lifetime */
    near(rt->monthly_mrr_churn, 100.0 / 300);
    near(rt->arpa, 330.0 / 4);
    assert_int_equal(rt->before.accounts, 1); /* C */
    assert_int_equal(rt->n_reasons, 1);
    assert_int_equal(rt->before.retained_accounts, 1); /* D */
}

static void population_filter_selects_accounts(void **state)
{
    struct jm_analysis_options ao = {
        .from = INT64_MIN, .to = INT64_MAX, .filter_by = "segment", .filter_value = "smb"};
    const struct jm_retention *rt = compute(*state, &ao, NULL);
    assert_int_equal(rt->n_cohorts, 2); /* Feb {C, D}, Mar {F} */
    assert_int_equal(rt->months[0].active, 0);
    near(rt->months[2].mrr, 190);
    near(rt->monthly_logo_churn, 1.0 / 9);
}

static void json_form(void **state)
{
    struct fx *f = *state;
    const struct jm_retention *rt = compute(f, NULL, NULL);
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, JM_STRBUF_DEFAULT_MAX);
    assert_int_equal(jm_retention_json(f->r, rt, JM_LANG_EN, &sb), JM_OK);
    assert_non_null(strstr(sb.buf, "{\"journey\":\"ret\",\"name\":\"Retention test\",\"level\":"
                                   "\"account\",\"period\":{\"from\":null,\"to\":null}"));
    assert_non_null(strstr(sb.buf, "{\"cohort\":\"2024-01\",\"accounts\":2,\"start_mrr\":300.00,"
                                   "\"ltv_realized\":700.00,\"cells\":["));
    assert_non_null(strstr(sb.buf, "{\"offset\":2,\"logos\":1,\"logo_rate\":0.5000,\"mrr\":150.00,"
                                   "\"nrr\":0.5000,\"grr\":0.3333,\"expansion\":50.00,"
                                   "\"contraction\":0.00,\"churned\":200.00}"));
    assert_non_null(strstr(sb.buf, "\"monthly_logo_churn\":0.1111,\"monthly_mrr_churn\":0.1429,"
                                   "\"arpa\":97.27,\"ltv\":875.45}"));
    assert_non_null(strstr(sb.buf, "\"reasons\":[{\"reason\":\"(missing)\",\"accounts\":1,"
                                   "\"mrr_lost\":50.00},{\"reason\":\"price\""));
    assert_non_null(strstr(sb.buf, "\"retained\":{\"accounts\":3,\"tickets_per_account\":0.6667,"
                                   "\"breaches_per_account\":0.3333,\"nps\":100.00"));
    jm_strbuf_reset(&sb);
    struct jm_analysis_options ao = {.from = at(2, 1), .to = at(3, 1)};
    rt = compute(f, &ao, NULL);
    assert_int_equal(jm_retention_json(f->r, rt, JM_LANG_EN, &sb), JM_OK);
    assert_non_null(strstr(sb.buf, "\"period\":{\"from\":\"2024-02-01T00:00:00Z\""));
    assert_non_null(strstr(sb.buf, "\"ltv\":null"));
    jm_strbuf_release(&sb);
}

static void contact_level_and_bad_options_are_refused(void **state)
{
    struct fx *f = *state;
    compute(f, NULL, NULL);
    struct jm_retention_opts o;
    jm_retention_defaults(&o);
    o.margin = 1.5;
    fx_refuses(f, FX_RETENTION, &o);
    jm_retention_defaults(&o);
    o.reason_by = "nonsense";
    fx_refuses(f, FX_RETENTION, &o);
    /* a contact-level report */
    fx_run2(f, FX_CONTACT_JOURNEY);
    fx_analyze(f, f->tl2, NULL);
    fx_refuses(f, FX_RETENTION, NULL);
}

static void fill_one_account(struct jm_storage *st)
{
    fx_account(st, "A", "ent", NULL);
    fx_event(st, "A", NULL, at(1, 1), "webinar", NULL);
}

static void empty_revenue_gives_empty_tables(void **state)
{
    (void)state;
    void *empty = NULL;
    fx_setup(&empty, fill_one_account, NULL, JOURNEY);
    struct fx *f = empty;
    const struct jm_retention *rt = compute(f, NULL, NULL);
    assert_int_equal(rt->n_cohorts, 0);
    assert_int_equal(rt->n_months, 0);
    assert_int_equal(rt->n_total, 0);
    assert_true(isnan(rt->monthly_logo_churn) && isnan(rt->arpa) && isnan(rt->ltv));
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 0);
    assert_int_equal(jm_retention_json(f->r, rt, JM_LANG_EN, &sb), JM_OK);
    assert_non_null(strstr(sb.buf, "\"cohorts\":[],\"total\":[],\"months\":[]"));
    jm_strbuf_release(&sb);
    fx_teardown(&empty);
}

static void every_allocation_can_fail(void **state)
{
    struct fx *f = *state;
    compute(f, NULL, NULL);
    unsigned long n = fx_fail_each_alloc(f, FX_RETENTION, NULL, 100000);
    assert_true(n > 10 && n < 100000);
    /* and the JSON writer under every ceiling too small for it */
    fx_json_fails_when_cut(f, FX_RETENTION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cohorts_at_each_offset),
        cmocka_unit_test(totals_pool_the_cohorts_that_reached_each_offset),
        cmocka_unit_test(mrr_bridge_month_by_month),
        cmocka_unit_test(pooled_churn_arpa_and_ltv),
        cmocka_unit_test(churn_reasons_and_what_came_before),
        cmocka_unit_test(period_selects_cohorts_and_pooled_months),
        cmocka_unit_test(population_filter_selects_accounts),
        cmocka_unit_test(json_form),
        cmocka_unit_test(contact_level_and_bad_options_are_refused),
        cmocka_unit_test(empty_revenue_gives_empty_tables),
        cmocka_unit_test(every_allocation_can_fail),
    };
    return cmocka_run_group_tests(tests, setup, fx_teardown);
}
