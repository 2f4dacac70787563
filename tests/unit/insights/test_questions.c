/*
 * The four questions on four accounts, computed by hand. Days count from 2025-01-01 (day 31
 * is February 1st). The goal stage (the default "bought") is entered by a contract event.
 *
 *   A  a1 blog d0 seo /blog/1 | a2 pricing d2 /pricing core | a1 pricing d3, d4 /pricing core
 *      a2 contract d10 (bought d10; its won deal closes d12, later)
 *      revenue Jan 100, Feb 100 -> churns in March (churn_reason "price")
 *   B  b1 webinar d40 ads | b1 pricing d45 /pricing core;  won deal closed d52 (bought d52)
 *      revenue Feb, Mar, Apr 200 (never churns; April is the last month)
 *   C  c1 webinar d5 seo | c1 pricing d6 /pricing; lost deal "budget" 100; never buys
 *   D  d1 docs d35, d36, d37 ads url http://x.com (page "/") lite; lost deals "budget" 50,
 *      "timing" 20, "budget" 30; revenue Mar 50 -> churns in April (no reason)
 *
 * SPDX-License-Identifier: MIT
 */
#include "insights_fixture.h"

static const char JOURNEY[] = "journey: test\n"
                              "name: Test\n"
                              "stages:\n"
                              "  - key: aware\n"
                              "    name: Aware\n"
                              "    entry: {event: {touchpoint: [blog, webinar, docs]}}\n"
                              "  - key: consider\n"
                              "    name: Consider\n"
                              "    entry: {event: {touchpoint: pricing}}\n"
                              "  - key: customer\n"
                              "    name: Customer\n"
                              "    entry: {event: {touchpoint: contract}}\n";

static int64_t d(int day)
{
    return fx_day(day);
}

static void event(struct jm_storage *st, const char *con, const char *tp, int day, const char *ch,
                  const char *url, const char *product)
{
    char acc[2] = {(char)(con[0] - 'a' + 'A'), 0}, props[64];
    struct jm_record r;
    fx_event_rec(&r, acc, con, d(day), tp, ch);
    if (url)
        set_text(&r, "url", url);
    if (product) {
        snprintf(props, sizeof(props), "{\"product\":\"%s\",\"n\":1}", product);
        set_props(&r, props);
    }
    ws_put(st, &r);
}

/* A deal created 5 days before it closed; `reason` (why it was lost) may be NULL. */
static void deal(struct jm_storage *st, const char *id, const char *acc, int closed,
                 const char *status, double amount, const char *reason)
{
    fx_deal(st, &(struct fx_deal){.id = id,
                                  .account = acc,
                                  .status = status,
                                  .lost_reason = reason,
                                  .created = d(closed - 5),
                                  .closed = d(closed),
                                  .amount = amount});
}

static void put_all(struct jm_storage *st)
{
    fx_account(st, "A", NULL, "{\"churn_reason\":\"price\"}");
    fx_account(st, "B", NULL, NULL);
    fx_account(st, "C", NULL, NULL);
    fx_account(st, "D", NULL, NULL);
    static const char *const CON[] = {"a1", "a2", "b1", "c1", "d1"};
    for (size_t i = 0; i < 5; i++)
        fx_contact(st, CON[i], (char[]){(char)(CON[i][0] - 'a' + 'A'), 0}, FX_NO_TIME);
    event(st, "a1", "blog", 0, "seo", "https://x.com/blog/1?utm=1", NULL);
    event(st, "a2", "pricing", 2, "email", "https://x.com/pricing#top", "core");
    event(st, "a1", "pricing", 3, "email", "/pricing", "core");
    event(st, "a1", "pricing", 4, "email", "https://x.com/pricing", "core");
    event(st, "a2", "contract", 10, "sales", NULL, NULL);
    event(st, "b1", "webinar", 40, "ads", NULL, NULL);
    event(st, "b1", "pricing", 45, "email", "https://y.org/pricing?a", "core");
    event(st, "c1", "webinar", 5, "seo", NULL, NULL);
    event(st, "c1", "pricing", 6, "email", "/pricing", NULL);
    for (int i = 0; i < 3; i++)
        event(st, "d1", "docs", 35 + i, "ads", "http://x.com", "lite");
    deal(st, "DA", "A", 12, "won", 1000, NULL);
    deal(st, "DB", "B", 52, "won", 2000, NULL);
    deal(st, "DC", "C", 20, "lost", 100, "budget");
    deal(st, "DD1", "D", 40, "lost", 50, "budget");
    deal(st, "DD2", "D", 41, "lost", 20, "timing");
    deal(st, "DD3", "D", 42, "lost", 30, "budget");
    fx_revenue(st, "A", day_us(2025, 1, 1), 100);
    fx_revenue(st, "A", day_us(2025, 2, 1), 100);
    for (unsigned m = 2; m <= 4; m++)
        fx_revenue(st, "B", day_us(2025, m, 1), 200);
    fx_revenue(st, "D", day_us(2025, 3, 1), 50);
}

/* The store options that load urls and properties too. */
static const struct jm_store_options *extras(struct jm_store_options *so)
{
    *so = (struct jm_store_options){0};
    jm_insight_store_options(so);
    so->properties = true;
    return so;
}

static int setup(void **state)
{
    struct jm_store_options so;
    return fx_setup(state, put_all, extras(&so), JOURNEY);
}

static const struct jm_questions *answer(struct fx *f)
{
    struct jm_questions_opts o;
    jm_questions_defaults(&o);
    fx_ok(f, jm_questions_compute(f->r, &o, &f->q, &f->err), "questions");
    return f->q;
}

static bool near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

static void assert_row(const struct jm_count_row *row, const char *key, uint64_t n, double share,
                       double extra)
{
    assert_string_equal(row->key, key);
    assert_int_equal(row->accounts, n);
    assert_true(near(row->share, share));
    if (isnan(extra))
        assert_true(isnan(row->extra));
    else
        assert_true(near(row->extra, extra));
}

static void first_touches_by_channel_touchpoint_and_month(void **state)
{
    const struct jm_questions *q = answer(*state);
    assert_int_equal(q->met, 4);
    assert_int_equal(q->n_first_channels, 2);
    assert_row(&q->first_channels[0], "ads", 2, 0.5, NAN); /* B, D; tie with seo by text */
    assert_row(&q->first_channels[1], "seo", 2, 0.5, NAN); /* A, C */
    assert_int_equal(q->n_first_touchpoints, 3);
    assert_row(&q->first_touchpoints[0], "webinar", 2, 0.5, NAN);
    assert_row(&q->first_touchpoints[1], "blog", 1, 0.25, NAN);
    assert_row(&q->first_touchpoints[2], "docs", 1, 0.25, NAN);
    assert_int_equal(q->n_first_months, 2);
    assert_row(&q->first_months[0], "2025-01", 2, 0.5, NAN);
    assert_row(&q->first_months[1], "2025-02", 2, 0.5, NAN);
}

static void time_to_buy_counts_touches_before_buying(void **state)
{
    const struct jm_questions *q = answer(*state);
    assert_int_equal(q->bought, 2);
    assert_int_equal(q->days_to_buy.count, 2);
    assert_true(near(q->days_to_buy.median, 11)); /* A 10 (stage before deal), B 12 */
    assert_true(near(q->touches_to_buy.mean, 3)); /* A 4 (not the contract itself), B 2 */
    assert_true(near(q->contacts_to_buy.mean, 1.5));
    assert_int_equal(q->n_buy_by_channel, 2);
    assert_row(&q->buy_by_channel[0], "ads", 1, 0.5, 12);
    assert_row(&q->buy_by_channel[1], "seo", 1, 0.5, 10);
}

static void churn_and_lost_reasons(void **state)
{
    const struct jm_questions *q = answer(*state);
    assert_int_equal(q->customers, 3);
    assert_int_equal(q->churned, 2);
    assert_true(near(q->months_to_churn.mean, 1.5)); /* A 2, D 1 */
    assert_int_equal(q->n_churn_reasons, 2);
    assert_row(&q->churn_reasons[0], JM_INSIGHT_MISSING, 1, 0.5, 50);
    assert_row(&q->churn_reasons[1], "price", 1, 0.5, 100);
    assert_int_equal(q->n_lost_reasons, 2);
    assert_row(&q->lost_reasons[0], "budget", 2, 1, 180); /* C and D (two deals) */
    assert_row(&q->lost_reasons[1], "timing", 1, 0.5, 20);
}

static void what_buyers_look_at_against_non_buyers(void **state)
{
    const struct jm_questions *q = answer(*state);
    /* Buyers A, B; non-buyers C, D. */
    assert_int_equal(q->n_looked_touchpoints, 3);
    assert_row(&q->looked_touchpoints[0], "pricing", 2, 1, 2); /* non-buyers: C only */
    assert_row(&q->looked_touchpoints[1], "blog", 1, 0.5, NAN);
    assert_row(&q->looked_touchpoints[2], "webinar", 1, 0.5, 1);
    assert_int_equal(q->n_looked_pages, 2);
    assert_row(&q->looked_pages[0], "/pricing", 2, 1, 2);
    assert_row(&q->looked_pages[1], "/blog/1", 1, 0.5, NAN);
    assert_int_equal(q->n_repeated_pages, 1);
    assert_row(&q->repeated_pages[0], "/pricing", 1, 0.5, NAN); /* A: 3 views */
    assert_int_equal(q->n_repeated_products, 1);
    assert_row(&q->repeated_products[0], "core", 1, 0.5, NAN);
}

static void without_urls_and_properties_those_lists_are_empty(void **state)
{
    struct fx *f = *state;
    fx_load(f, NULL);
    answer(f);
    assert_int_equal(f->q->n_looked_pages, 0);
    assert_int_equal(f->q->n_repeated_pages, 0);
    assert_int_equal(f->q->n_repeated_products, 0);
    assert_int_equal(f->q->n_looked_touchpoints, 3);
}

static void json_answers(void **state)
{
    struct fx *f = *state;
    answer(f);
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_questions_json(f->r, f->q, JM_LANG_EN, &sb), JM_OK);
    json_t *doc = fx_json_parse(sb.buf);
    assert_int_equal(json_integer_value(json_object_get(doc, "bought")), 2);
    json_t *lt = json_array_get(json_object_get(doc, "looked_touchpoints"), 1);
    assert_true(json_is_null(json_object_get(lt, "lift")));
    json_t *lr = json_array_get(json_object_get(doc, "lost_reasons"), 0);
    assert_true(json_number_value(json_object_get(lr, "amount_lost")) == 180);
    /* figures print with their decimals, as in every insight */
    assert_non_null(strstr(sb.buf, "{\"key\":\"budget\",\"accounts\":2,\"share\":1.0000,"
                                   "\"amount_lost\":180.00}"));
    assert_non_null(strstr(sb.buf, "\"days_to_buy\":{\"count\":2,\"mean\":11.00,"));
    json_decref(doc);
    jm_strbuf_release(&sb);
    fx_json_fails_when_cut(f, FX_QUESTIONS);
}

static void allocation_failures_leak_nothing(void **state)
{
    struct fx *f = *state;
    struct jm_questions_opts o;
    jm_questions_defaults(&o);
    assert_true(fx_fail_each_alloc(f, FX_QUESTIONS, &o, 5000) < 5000);
}

static void contact_level_is_refused(void **state)
{
    struct fx *f = *state;
    fx_run2(f, FX_CONTACT_JOURNEY);
    fx_analyze(f, f->tl2, NULL);
    struct jm_questions_opts o;
    jm_questions_defaults(&o);
    fx_refuses(f, FX_QUESTIONS, &o);
}

static void buy_stage_and_limit_options(void **state)
{
    struct fx *f = *state;
    struct jm_questions_opts o;
    jm_questions_defaults(&o);
    o.buy_stage = "consider";
    o.limit = 1;
    o.repeat_min = 1;
    struct jm_error err;
    assert_int_equal(jm_questions_compute(f->r, &o, &f->q, &err), JM_OK);
    /* Bought = first pricing: A d2, B d45, C d6 (D never). */
    assert_int_equal(f->q->bought, 3);
    assert_int_equal(f->q->n_first_channels, 1);
    assert_int_equal(f->q->n_first_months, 2); /* months are never cut */
    assert_true(near(f->q->days_to_buy.median, 2));
    jm_questions_free(f->q);
    f->q = NULL;
    o.buy_stage = "nosuch";
    assert_int_equal(jm_questions_compute(f->r, &o, &f->q, &err), JM_EINVAL);
    assert_null(f->q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(first_touches_by_channel_touchpoint_and_month),
        FX_TEST(time_to_buy_counts_touches_before_buying),
        FX_TEST(churn_and_lost_reasons),
        FX_TEST(what_buyers_look_at_against_non_buyers),
        FX_TEST(without_urls_and_properties_those_lists_are_empty),
        FX_TEST(buy_stage_and_limit_options),
        FX_TEST(json_answers),
        FX_TEST(contact_level_is_refused),
        FX_TEST(allocation_failures_leak_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
