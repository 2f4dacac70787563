/*
 * The insights' shared helpers on a workspace small enough to check by hand: an account's
 * events merged from its contacts' runs into time order, months, and the recurring-revenue
 * series with starts and churns, and SLA breaches.
 *
 *   account A: contact a1 events at days 1, 4, 9; a2 at days 2, 4, 7; contact-less at day 4
 *              -> time order 1(a1) 2(a2) 4(none) 4(a1) 4(a2) 7(a2) 9(a1): equal times keep the
 *                 slice order (contact-less first, then by contact)
 *   revenue (month: mrr)
 *     A: 2024-01 100, 2024-02 120, 2024-03 (two rows 50 + 30 = 80), 2024-05 90
 *        -> start 2024-01, churn 2024-04 (no row), back in 2024-05
 *     B: 2024-02 0, 2024-03 200, 2024-04 200, 2024-05 200 -> start 2024-03, never churns
 *     C: 2024-04 60, 2024-05 0 -> start 2024-04, churn 2024-05 (a row of 0)
 *   last month with data: 2024-05; B's 2024-06 is unknown, not a churn.
 *
 * SPDX-License-Identifier: MIT
 */
#include "insights_fixture.h"

static int64_t day(int d)
{
    return day_us(2024, 1, 1) + (int64_t)d * JM_US_PER_DAY;
}

static void event(struct jm_storage *st, const char *acc, const char *con, const char *tp, int d)
{
    fx_event(st, acc, con, day(d), tp, NULL);
}

static void revenue(struct jm_storage *st, const char *acc, int month, int mday, double mrr)
{
    fx_revenue(st, acc, day_us(2024, (unsigned)month, (unsigned)mday), mrr);
}

/* A ticket of A opened on day 1; hours to first response and resolution, < 0 for none. */
static void ticket(struct jm_storage *st, const char *id, const char *prio, double resp_h,
                   double res_h)
{
    fx_ticket(st, &(struct fx_ticket){id, "A", prio, day(1), resp_h, res_h, -1});
}

static void fill(struct jm_storage *st)
{
    fx_account(st, "A", NULL, NULL);
    fx_contact(st, "a1", "A", FX_NO_TIME);
    fx_account(st, "B", NULL, NULL);
    fx_contact(st, "b1", "B", FX_NO_TIME);
    fx_account(st, "C", NULL, NULL);
    fx_contact(st, "c1", "C", FX_NO_TIME);
    fx_contact(st, "a2", "A", FX_NO_TIME);
    event(st, "A", "a1", "t1", 1);
    event(st, "A", "a2", "t2", 2);
    event(st, "A", "a1", "t4a1", 4);
    event(st, "A", "a2", "t4a2", 4);
    event(st, "A", NULL, "t4none", 4);
    event(st, "A", "a2", "t7", 7);
    event(st, "A", "a1", "t9", 9);
    event(st, "B", "b1", "t3", 3);
    revenue(st, "A", 1, 1, 100);
    revenue(st, "A", 2, 1, 120);
    revenue(st, "A", 3, 1, 50);
    revenue(st, "A", 3, 15, 30);
    revenue(st, "A", 5, 1, 90);
    revenue(st, "B", 2, 1, 0);
    revenue(st, "B", 3, 1, 200);
    revenue(st, "B", 4, 1, 200);
    revenue(st, "B", 5, 1, 200);
    revenue(st, "C", 4, 1, 60);
    revenue(st, "C", 5, 1, 0);
    ticket(st, "k1", "urgent", 2, 5);  /* response late (1h) */
    ticket(st, "k2", "high", 1, 48);   /* resolution late */
    ticket(st, "k3", "low", -1, -1);   /* open: late by as_of */
    ticket(st, "k4", "normal", 8, 72); /* exactly on time */
}

static int setup(void **state)
{
    return fx_setup(state, fill, NULL, NULL);
}

static void touches_in_time_order(void **state)
{
    struct fx *f = *state;
    const struct jm_store *s = jm_dataset_store(f->ds);
    const struct jm_store_columns *col = jm_store_columns(s);
    static const char *const want[] = {"t1", "t2", "t4none", "t4a1", "t4a2", "t7", "t9"};
    uint32_t a = jm__store_account_of_row(f->ds, jm_dataset_find(f->ds, JM_ENT_ACCOUNT, "A", 1));
    assert_int_not_equal(a, JM_NONE);
    struct jm__touches b = {0};
    for (int pass = 0; pass < 2; pass++) { /* the buffers are reused from call to call */
        assert_int_equal(jm__touches_of(s, a, &b), JM_OK);
        assert_int_equal(b.n, 7);
        for (size_t i = 0; i < b.n; i++)
            assert_string_equal(
                jm_store_text(s, JM_STORE_TOUCHPOINT, col->touchpoint[b.ev[i]], NULL), want[i]);
    }
    assert_int_equal(jm__touches_lower(s, &b, day(4)), 2);
    assert_int_equal(jm__touches_lower(s, &b, day(5)), 5);
    assert_int_equal(jm__touches_lower(s, &b, day(10)), 7);
    jm__touches_release(&b);
}

static void months(void **state)
{
    (void)state;
    char buf[16];
    assert_int_equal(jm__month_of(day_us(2024, 3, 31) + 86399 * JM_US_PER_SEC),
                     jm__month_index(2024, 3));
    assert_int_equal(jm__month_start(jm__month_index(2024, 12) + 1), day_us(2025, 1, 1));
    jm__month_text(jm__month_index(1969, 12), buf, sizeof(buf));
    assert_string_equal(buf, "1969-12");
    assert_int_equal(jm__month_start(jm__month_index(1969, 12)), day_us(1969, 12, 1));
}

static size_t row(struct fx *f, const char *id)
{
    return jm_dataset_find(f->ds, JM_ENT_ACCOUNT, id, 1);
}

static void mrr_series_and_churn(void **state)
{
    struct fx *f = *state;
    struct jm__mrr m;
    assert_int_equal(jm__mrr_build(f->ds, &m), JM_OK);
    assert_int_equal(m.first_month, jm__month_index(2024, 1));
    assert_int_equal(m.last_month, jm__month_index(2024, 5));
    size_t a = row(f, "A"), b = row(f, "B"), c = row(f, "C");
    assert_true(jm__mrr_at(&m, a, jm__month_index(2024, 3)) == 80);
    assert_true(jm__mrr_at(&m, a, jm__month_index(2024, 4)) == 0);
    assert_true(jm__mrr_at(&m, a, jm__month_index(2024, 5)) == 90);
    assert_int_equal(m.start[a], jm__month_index(2024, 1));
    assert_int_equal(m.churn[a], jm__month_index(2024, 4));
    assert_int_equal(m.start[b], jm__month_index(2024, 3));
    assert_int_equal(m.churn[b], INT64_MIN);
    assert_int_equal(m.start[c], jm__month_index(2024, 4));
    assert_int_equal(m.churn[c], jm__month_index(2024, 5));
    jm__mrr_release(&m);
}

static void sla_breaches(void **state)
{
    struct fx *f = *state;
    struct jm_sla_target sla[JM_PRIO__COUNT] = {{24, 120}, {8, 72}, {4, 24}, {1, 8}};
    struct jm__breach br;
    int64_t as_of = day(30);
    static const struct {
        const char *id;
        bool response, resolution;
        double resp_h;
    } want[] = {{"k1", true, false, 2},
                {"k2", false, true, 1},
                {"k3", true, true, NAN},
                {"k4", false, false, 8}};
    for (size_t i = 0; i < 4; i++) {
        uint32_t t = jm_dataset_find(f->ds, JM_ENT_TICKET, want[i].id, 2);
        jm__ticket_breach(f->ds, t, sla, as_of, &br);
        assert_int_equal(br.response, want[i].response);
        assert_int_equal(br.resolution, want[i].resolution);
        if (isnan(want[i].resp_h))
            assert_true(isnan(br.resp_h));
        else
            assert_true(fabs(br.resp_h - want[i].resp_h) < 1e-9);
    }
    assert_int_equal(jm__ticket_prio(f->ds, jm_dataset_find(f->ds, JM_ENT_TICKET, "k2", 2)),
                     JM_PRIO_HIGH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(touches_in_time_order, setup, fx_teardown),
        cmocka_unit_test(months),
        cmocka_unit_test_setup_teardown(mrr_series_and_churn, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(sla_breaches, setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
