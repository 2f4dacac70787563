/*
 * Attribution (insights.h) on the workspace of attribution_fixture.h, every credit worked out
 * by hand below. Unless a test says otherwise: WON conversions, by touchpoint, lookback 365
 * days, half-life 1 day (so time-decay weights are powers of two), no exclusions.
 *
 *   A  won d12, 1000: touches ad d0, blog d1, form d4, webinar d7, demo d9 (contract_signed
 *      at d12 is not strictly before). Lead: a1 created d3 -> last touch <= d3 = blog.
 *      Opportunity: DA created d8 -> last touch <= d8 = webinar.
 *      positions: first ad, lead blog, opp webinar, last demo; form holds none
 *   B  won d20, 500: touches ad d2, blog d5, blog d6, form d10. Lead: b1 has no `created` ->
 *      the first touch with a contact, blog d5. Opportunity: DB created d15 -> form d10.
 *      positions: first ad, lead blog d5, opp form, last form (two positions); blog d6 none
 *   C  won d5, 200: no events -> the no-touch row
 *   D  no conversion: its path ad blog -> null (Markov only)
 *
 * SPDX-License-Identifier: MIT
 */
#include "attribution_fixture.h"

static void near(double got, double want, const char *what)
{
    if (!(fabs(got - want) < 1e-9))
        fail_msg("%s: got %.12f, want %.12f", what, got, want);
}

static struct jm_attribution_opts defaults(void)
{
    struct jm_attribution_opts o;
    jm_attribution_defaults(&o);
    o.by = JM_DIM_TOUCHPOINT;
    o.half_life_days = 1;
    o.threads = 1;
    return o;
}

static struct jm_attribution *run(const struct jm_report *r, const struct jm_attribution_opts *o)
{
    struct jm_attribution *a = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_attribution_compute(r, o, &a, &err))
        fail_msg("attribution: %s", err.msg);
    return a;
}

static const struct jm_attribution_row *row(const struct jm_attribution *a, const char *key)
{
    ptrdiff_t i = jm_attribution_row(a, key);
    if (i < 0)
        fail_msg("no row '%s'", key);
    return &a->rows[i];
}

/* Every model's column sums to the conversions and to the revenue. */
static void assert_conserves(const struct jm_attribution *a)
{
    for (int m = 0; m < JM_ATTR__COUNT; m++) {
        double c = 0, v = 0;
        for (size_t i = 0; i < a->n_rows; i++) {
            c += a->rows[i].conversions[m];
            v += a->rows[i].revenue[m];
        }
        near(c, (double)a->conversions, jm_attr_model_key((enum jm_attr_model)m));
        near(v, a->revenue, jm_attr_model_key((enum jm_attr_model)m));
    }
}

/* The conversions (and revenue at `value`) of `key` in each model, FIRST .. DECAY. */
static void assert_credits(const struct jm_attribution *a, const char *key, const double *want)
{
    const struct jm_attribution_row *r = row(a, key);
    for (int m = 0; m < JM_ATTR_MARKOV; m++)
        near(r->conversions[m], want[m], key);
}

static void models_credit_by_hand(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    struct jm_attribution *a = run(f->r, &o);
    assert_int_equal(a->conversions, 3);
    assert_int_equal(a->with_touches, 2);
    near(a->revenue, 1700, "revenue");
    assert_int_equal(a->n_rows, 6);
    static const char *const keys[] = {"ad",   "blog",    "demo",
                                       "form", "webinar", JM_INSIGHT_NO_TOUCH};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(a->rows[i].key, keys[i]);
    /*
     * Per model (A + B), models FIRST LEAD OPP LAST LINEAR U W FULL DECAY:
     *   LINEAR  A 1/5 each; B ad 1/4, blog 2/4, form 1/4
     *   U       A ad .4, blog .4, rest .2 over form, webinar, demo (1/15 each)
     *           B ad .4, blog5 .4, rest .2 over blog6, form (.1 each) -> blog .5, form .1
     *   W       A ad .3, blog .3, webinar .3, rest .1 over form, demo (.05 each)
     *           B ad .3, blog5 .3, form .3, rest .1 to blog6 -> blog .4
     *   FULL    A ad, blog, webinar, demo .225 each, form .1
     *           B ad .225, blog5 .225, form .225 + .225, blog6 .1 -> blog .325, form .45
     *   DECAY   A (ages from demo d9: 9, 8, 5, 2, 0 days) 1, 2, 16, 128, 512 over 659
     *           B (ages from form d10: 8, 5, 4, 0) 1, 8 + 16, 256 over 281
     */
    const double ad[] = {2, 0, 0, 0, .2 + .25, .8, .6, .45, 1.0 / 659 + 1.0 / 281};
    const double blog[] = {
        0, 2, 0, 0, .2 + .5, .4 + .5, .3 + .4, .225 + .325, 2.0 / 659 + 24.0 / 281};
    const double demo[] = {0, 0, 0, 1, .2, 1.0 / 15, .05, .225, 512.0 / 659};
    const double form[] = {
        0, 0, 1, 1, .2 + .25, 1.0 / 15 + .1, .05 + .3, .1 + .45, 16.0 / 659 + 256.0 / 281};
    const double webinar[] = {0, 0, 1, 0, .2, 1.0 / 15, .3, .225, 128.0 / 659};
    assert_credits(a, "ad", ad);
    assert_credits(a, "blog", blog);
    assert_credits(a, "demo", demo);
    assert_credits(a, "form", form);
    assert_credits(a, "webinar", webinar);
    const struct jm_attribution_row *nt = row(a, JM_INSIGHT_NO_TOUCH);
    for (int m = 0; m < JM_ATTR__COUNT; m++) {
        near(nt->conversions[m], 1, "no touch");
        near(nt->revenue[m], 200, "no touch revenue");
    }
    /* Touches in the windows (D's are not in any) and conversions touched. */
    assert_int_equal(row(a, "ad")->touches, 2);
    assert_int_equal(row(a, "blog")->touches, 3);
    assert_int_equal(row(a, "blog")->converting, 2);
    assert_int_equal(row(a, "webinar")->converting, 1);
    assert_int_equal(nt->touches, 0);
    assert_int_equal(nt->converting, 1);
    /* Revenue: A's shares of 1000 and B's of 500, e.g. linear ad 200 + 125, U blog 400 + 250. */
    near(row(a, "ad")->revenue[JM_ATTR_LINEAR], 325, "linear revenue");
    near(row(a, "blog")->revenue[JM_ATTR_U], 650, "u revenue");
    near(row(a, "form")->revenue[JM_ATTR_LAST], 500, "last revenue");
    assert_conserves(a);
    jm_attribution_free(a);
}

/*
 * Markov over the paths  A: ad blog form webinar demo -> conv;  B: ad blog form -> conv (the
 * blog repeat collapses);  C: -> conv;  D: ad blog -> null.
 *   start -> ad 3/4, conv 1/4; ad -> blog 1; blog -> form 2/3, null 1/3;
 *   form -> webinar 1/2, conv 1/2; webinar -> demo -> conv
 *   x: demo 1, webinar 1, form 1, blog 2/3, ad 2/3; P = 1/4 + 3/4 * 2/3 = 3/4
 *   without ad, blog or form: P = 1/4, effect 2/3 each
 *   without webinar or demo: x_form = 1/2, x_blog = x_ad = 1/3, P = 1/2, effect 1/3 each
 *   sum of effects 8/3: ad, blog, form get 1/4 of the 2 touched conversions (0.5) and of
 *   their 1500 (375); webinar and demo 1/8 (0.25, 187.5)
 */
static void markov_credits_removal_effects(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    struct jm_attribution *a = run(f->r, &o);
    assert_int_equal(a->paths, 4);
    assert_int_equal(a->converting_paths, 3);
    near(a->markov_p, 0.75, "P");
    static const char *const big[] = {"ad", "blog", "form"}, *const small[] = {"webinar", "demo"};
    for (int i = 0; i < 3; i++) {
        near(row(a, big[i])->removal_effect, 2.0 / 3, big[i]);
        near(row(a, big[i])->conversions[JM_ATTR_MARKOV], 0.5, big[i]);
        near(row(a, big[i])->revenue[JM_ATTR_MARKOV], 375, big[i]);
    }
    for (int i = 0; i < 2; i++) {
        near(row(a, small[i])->removal_effect, 1.0 / 3, small[i]);
        near(row(a, small[i])->conversions[JM_ATTR_MARKOV], 0.25, small[i]);
        near(row(a, small[i])->revenue[JM_ATTR_MARKOV], 187.5, small[i]);
    }
    near(row(a, JM_INSIGHT_NO_TOUCH)->removal_effect, 0, "no touch");
    jm_attribution_free(a);
}

/*
 * Lookback 5 days. A (d12): window [d7, d12) = webinar, demo. Its lead touch (a1 created d3)
 * falls before the window: LEAD falls back to the first touch, webinar; opportunity (d8) is
 * webinar too.
 *   U    first .4 (webinar), no lead, rest .2 (demo): total .6 -> webinar 2/3, demo 1/3
 *   W    first .3 + opp .3 on webinar, rest .1 (demo): total .7 -> 6/7, 1/7
 *   FULL first + opp .45 on webinar, last .225 on demo, no rest: total .675 -> 2/3, 1/3
 * B (d20): window [d15, d20) is empty -> no touch, like C: the no-touch row has 2 and 700.
 * D's path (ad blog -> null) cannot reach a conversion: no removal effect, so no ad row.
 */
static void lookback_cuts_window_and_renormalises(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    o.lookback_days = 5;
    struct jm_attribution *a = run(f->r, &o);
    assert_int_equal(a->with_touches, 1);
    assert_int_equal(a->n_rows, 3);
    const double webinar[] = {1, 1, 1, 0, .5, 2.0 / 3, 6.0 / 7, 2.0 / 3, 1.0 / 5};
    const double demo[] = {0, 0, 0, 1, .5, 1.0 / 3, 1.0 / 7, 1.0 / 3, 4.0 / 5};
    assert_credits(a, "webinar", webinar); /* decay: ages 2 and 0 -> 1/4 : 1 */
    assert_credits(a, "demo", demo);
    near(row(a, JM_INSIGHT_NO_TOUCH)->conversions[JM_ATTR_LINEAR], 2, "no touch");
    near(row(a, JM_INSIGHT_NO_TOUCH)->revenue[JM_ATTR_W], 700, "no touch revenue");
    assert_int_equal(jm_attribution_row(a, "ad"), -1);
    assert_conserves(a);
    jm_attribution_free(a);
}

/* Excluding ad: A's touches blog form webinar demo, B's blog blog form; no ad row anywhere
 * (D's path is blog -> null). FIRST blog 2; LINEAR blog 1/4 + 2/3, form 1/4 + 1/3. */
static void excluded_touchpoints_are_no_touches(void **state)
{
    struct fx *f = *state;
    static const char *const excl[] = {"ad", "no_such_touchpoint"};
    struct jm_attribution_opts o = defaults();
    o.exclude = excl;
    o.n_exclude = 2;
    struct jm_attribution *a = run(f->r, &o);
    assert_int_equal(jm_attribution_row(a, "ad"), -1);
    near(row(a, "blog")->conversions[JM_ATTR_FIRST], 2, "first");
    near(row(a, "blog")->conversions[JM_ATTR_LINEAR], .25 + 2.0 / 3, "linear");
    near(row(a, "form")->conversions[JM_ATTR_LINEAR], .25 + 1.0 / 3, "linear");
    assert_int_equal(row(a, "blog")->touches, 3);
    assert_conserves(a);
    jm_attribution_free(a);
}

/*
 * Milestones from stages: lead = entering "lead" (A d4, B d10), opportunity = entering "opp"
 * (A d8, B d15).
 *   A: lead form (d4 is at or before d4), opp webinar
 *   B: lead form, opp form, last form: one touch with three positions
 *      U    ad .4, form .4, rest .2 over blog5, blog6 -> blog .2
 *      FULL ad .225, form .675, rest .1 -> blog .1
 */
static void stage_milestones_and_shared_positions(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    o.lead_stage = "lead";
    o.opportunity_stage = "opp";
    struct jm_attribution *a = run(f->r, &o);
    /* LEAD: A form, B form; OPP: A webinar, B form */
    near(row(a, "form")->conversions[JM_ATTR_LEAD], 2, "lead");
    near(row(a, "form")->conversions[JM_ATTR_OPPORTUNITY], 1, "opp");
    near(row(a, "webinar")->conversions[JM_ATTR_OPPORTUNITY], 1, "opp");
    /* U: A ad .4, form .4, rest over blog, webinar, demo 1/15; B ad .4, form .4, blog .2 */
    near(row(a, "form")->conversions[JM_ATTR_U], .8, "u");
    near(row(a, "blog")->conversions[JM_ATTR_U], 1.0 / 15 + .2, "u");
    /* FULL: A ad, form, webinar, demo .225, blog .1; B ad .225, form .675, blog .1 */
    near(row(a, "form")->conversions[JM_ATTR_FULL], .225 + .675, "full");
    near(row(a, "blog")->conversions[JM_ATTR_FULL], .2, "full");
    assert_conserves(a);
    jm_attribution_free(a);
}

/*
 * TOUCHPOINT "form": A converts d4, touches ad, blog (lead: a1 created d3 -> blog); B d10,
 * touches ad, blog, blog (lead: first touch with a contact, blog d5). Neither has a deal
 * created before its conversion: OPP falls back to the lead touch. Values: the deals won at
 * or after the conversion, 1000 and 500. D never fills the form: its path ends in null.
 *   A  U: ad .4, blog .4, no rest: 50/50. FULL: ad .225, blog .225 + .225 (lead and last) ->
 *      1/3, 2/3
 *   B  U: ad .4, blog5 .4, blog6 .2 -> ad .4, blog .6. FULL: ad .225, blog5 .225, blog6 .225
 *      (last), no rest -> ad 1/3, blog 2/3
 */
static void touchpoint_conversion(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    o.conversion = JM_CONVERT_TOUCHPOINT;
    o.target = "form";
    struct jm_attribution *a = run(f->r, &o);
    assert_int_equal(a->conversions, 2);
    near(a->revenue, 1500, "revenue");
    assert_int_equal(a->n_conv, 2);
    assert_int_equal(a->conv[0].time, attr_day(4));
    assert_int_equal(a->conv[0].deal, jm_dataset_find(f->ds, JM_ENT_DEAL, "DA", 2));
    near(a->conv[0].value, 1000, "value");
    assert_int_equal(a->conv[1].n_touches, 3);
    /* W: A 50/50 (no opportunity); B ad .3, blog5 .3, blog6 .1 over .7 -> ad 3/7.
     * Decay, ages from the last touch: A 1, 0 -> 1/2 : 1 (ad 1/3); B 4, 1, 0 -> 1/16 : 1/2 : 1
     * (ad 1/25). */
    const double ad[] = {
        2, 0, 0, 0, .5 + 1.0 / 3, .5 + .4, .5 + 3.0 / 7, 2.0 / 3, 1.0 / 3 + 1.0 / 25};
    assert_credits(a, "ad", ad);
    near(row(a, "blog")->conversions[JM_ATTR_OPPORTUNITY], 2, "opp falls back to lead");
    near(row(a, "blog")->revenue[JM_ATTR_U], 500 + 300, "u revenue");
    assert_int_equal(a->paths, 3);
    assert_int_equal(a->converting_paths, 2);
    assert_conserves(a);
    jm_attribution_free(a);
}

/* STAGE "opp" (entering it: A d8, B d15, C d3): C has no touches; its value is DC (won d5,
 * after d3): 200. A's touches before d8: ad, blog, form, webinar; B's: ad, blog, blog, form. */
static void stage_conversion(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    o.conversion = JM_CONVERT_STAGE;
    o.target = "opp";
    struct jm_attribution *a = run(f->r, &o);
    assert_int_equal(a->conversions, 3);
    near(a->revenue, 1700, "revenue");
    near(row(a, "webinar")->conversions[JM_ATTR_LAST], 1, "last");
    near(row(a, "form")->conversions[JM_ATTR_LAST], 1, "last");
    assert_int_equal(jm_attribution_row(a, "demo"), -1);
    near(row(a, JM_INSIGHT_NO_TOUCH)->revenue[JM_ATTR_FIRST], 200, "no touch");
    assert_conserves(a);
    jm_attribution_free(a);
}

/* REVENUE: only A has MRR; first active month 2025-02 (d31); value = its first twelve months,
 * 100 + 150 (2026-02 is month 13). Touches: all six events, contract_signed last. */
static void revenue_conversion(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    o.conversion = JM_CONVERT_REVENUE;
    struct jm_attribution *a = run(f->r, &o);
    assert_int_equal(a->conversions, 1);
    assert_int_equal(a->conv[0].time, attr_day(31));
    assert_int_equal(a->conv[0].deal, JM_NONE);
    near(a->revenue, 250, "revenue");
    near(row(a, "contract_signed")->conversions[JM_ATTR_LAST], 1, "last");
    near(row(a, "ad")->revenue[JM_ATTR_LINEAR], 250.0 / 6, "linear");
    assert_conserves(a);
    jm_attribution_free(a);
}

/* Period [d10, d30): A (d12) and B (d20) won in it, C (d5) not; D has no touch in it, so no
 * path; both paths convert. */
static void period_selects_conversions(void **state)
{
    struct fx *f = *state;
    struct jm_analysis_options p = {.from = attr_day(10), .to = attr_day(30)};
    struct jm_report *r = NULL;
    struct jm_error err;
    assert_int_equal(jm_analyze(f->tl, &p, &r, &err), JM_OK);
    struct jm_attribution_opts o = defaults();
    struct jm_attribution *a = run(r, &o);
    assert_int_equal(a->conversions, 2);
    assert_int_equal(jm_attribution_row(a, JM_INSIGHT_NO_TOUCH), -1);
    assert_int_equal(a->paths, 2);
    near(a->markov_p, 1, "P");
    assert_conserves(a);
    jm_attribution_free(a);
    jm_report_free(r);
}

/* The population: only B and D. B converts; D's path ends in null. */
static void filter_selects_accounts(void **state)
{
    struct fx *f = *state;
    uint8_t in[4] = {0};
    for (size_t u = 0; u < f->tl->n_units; u++) {
        const char *id = jm_timelines_unit_id(f->tl, u);
        in[u] = strcmp(id, "B") == 0 || strcmp(id, "D") == 0;
    }
    struct jm_analysis_options p = {.from = INT64_MIN, .to = INT64_MAX, .units_in = in};
    struct jm_report *r = NULL;
    struct jm_error err;
    assert_int_equal(jm_analyze(f->tl, &p, &r, &err), JM_OK);
    struct jm_attribution_opts o = defaults();
    struct jm_attribution *a = run(r, &o);
    assert_int_equal(a->conversions, 1);
    near(a->revenue, 500, "revenue");
    assert_int_equal(a->paths, 2);
    assert_int_equal(a->converting_paths, 1);
    near(row(a, "blog")->conversions[JM_ATTR_LINEAR], .5, "linear");
    assert_conserves(a);
    jm_attribution_free(a);
    jm_report_free(r);
}

/*
 * The peers' question: the first contract_signed per account, no lookback, by channel. A's
 * touches: paid, organic, organic, email, sales; B's: paid, organic x3.
 *   first touch: paid 2; linear: paid 1/5 + 1/4, organic 2/5 + 3/4, email 1/5, sales 1/5
 */
static void peers_first_touch_and_linear(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    o.conversion = JM_CONVERT_TOUCHPOINT;
    o.target = "contract_signed";
    o.lookback_days = 0;
    o.by = JM_DIM_CHANNEL;
    struct jm_attribution *a = run(f->r, &o);
    assert_int_equal(a->conversions, 2);
    near(row(a, "paid")->conversions[JM_ATTR_FIRST], 2, "first");
    near(row(a, "paid")->conversions[JM_ATTR_LINEAR], .45, "linear");
    near(row(a, "organic")->conversions[JM_ATTR_LINEAR], 1.15, "linear");
    near(row(a, "email")->conversions[JM_ATTR_LINEAR], .2, "linear");
    near(row(a, "sales")->conversions[JM_ATTR_LINEAR], .2, "linear");
    assert_int_equal(jm_attribution_row(a, JM_INSIGHT_NO_TOUCH), -1);
    jm_attribution_free(a);
}

/* Three threads give exactly the one-thread numbers (sums run in conversion order). */
static void threads_change_nothing(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    struct jm_attribution *one = run(f->r, &o);
    o.threads = 3;
    struct jm_attribution *three = run(f->r, &o);
    assert_int_equal(one->n_rows, three->n_rows);
    for (size_t i = 0; i < one->n_rows; i++) {
        assert_string_equal(one->rows[i].key, three->rows[i].key);
        assert_memory_equal(one->rows[i].conversions, three->rows[i].conversions,
                            sizeof(one->rows[i].conversions));
        assert_true(one->rows[i].removal_effect == three->rows[i].removal_effect);
    }
    assert_int_equal(one->n_credits, three->n_credits);
    jm_attribution_free(one);
    jm_attribution_free(three);
}

/* Without utm_source loaded every touch is "(missing)". */
static void unloaded_source_is_missing(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    o.by = JM_DIM_SOURCE;
    struct jm_attribution *a = run(f->r, &o);
    assert_int_equal(a->n_rows, 2);
    near(row(a, JM_INSIGHT_MISSING)->conversions[JM_ATTR_W], 2, "missing");
    jm_attribution_free(a);
}

static void bad_options_are_einval(void **state)
{
    struct fx *f = *state;
    struct jm_attribution *a = NULL;
    struct jm_error err;
    struct jm_attribution_opts o = defaults();
    o.conversion = JM_CONVERT_STAGE;
    o.target = "nope";
    assert_int_equal(jm_attribution_compute(f->r, &o, &a, &err), JM_EINVAL);
    assert_non_null(strstr(err.msg, "nope"));
    o.target = NULL;
    assert_int_equal(jm_attribution_compute(f->r, &o, &a, &err), JM_EINVAL);
    o = defaults();
    o.conversion = JM_CONVERT_TOUCHPOINT;
    o.target = "nope";
    assert_int_equal(jm_attribution_compute(f->r, &o, &a, &err), JM_EINVAL);
    o = defaults();
    o.lookback_days = -1;
    assert_int_equal(jm_attribution_compute(f->r, &o, &a, &err), JM_EINVAL);
    o.lookback_days = 1;
    o.half_life_days = NAN;
    assert_int_equal(jm_attribution_compute(f->r, &o, &a, &err), JM_EINVAL);
    o = defaults();
    o.lead_stage = "nope";
    assert_int_equal(jm_attribution_compute(f->r, &o, &a, &err), JM_EINVAL);
    assert_null(a);
}

static void model_keys_parse_and_names(void **state)
{
    (void)state;
    enum jm_attr_model m;
    for (int i = 0; i < JM_ATTR__COUNT; i++) {
        assert_true(jm_attr_model_parse(jm_attr_model_key((enum jm_attr_model)i), &m));
        assert_int_equal(m, i);
        assert_true(strlen(jm_attr_model_name(m, JM_LANG_VI)) > 0);
    }
    assert_true(jm_attr_model_parse("u", &m) && m == JM_ATTR_U);
    assert_true(jm_attr_model_parse("decay", &m) && m == JM_ATTR_DECAY);
    assert_false(jm_attr_model_parse("U", &m));
    assert_string_equal(jm_attr_model_name(JM_ATTR_W, JM_LANG_EN), "W-shaped");
}

static double jnum(json_t *o, const char *path0, const char *path1)
{
    json_t *v = json_object_get(json_object_get(o, path0), path1);
    if (!json_is_number(v))
        fail_msg("%s.%s is not a number", path0, path1);
    return json_number_value(v);
}

static void json_document(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    struct jm_attribution *a = run(f->r, &o);
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_attribution_json(f->r, a, JM_LANG_EN, &sb), JM_OK);
    json_t *doc = fx_json_parse(sb.buf);
    assert_string_equal(json_string_value(json_object_get(doc, "journey")), "attr");
    json_t *conv = json_object_get(doc, "conversion");
    assert_string_equal(json_string_value(json_object_get(conv, "kind")), "won");
    assert_true(json_is_null(json_object_get(conv, "target")));
    assert_int_equal(json_array_size(json_object_get(doc, "models")), JM_ATTR__COUNT);
    near(json_number_value(json_object_get(doc, "revenue")), 1700, "revenue");
    near(jnum(doc, "markov", "p"), 0.75, "p");
    json_t *r0 = json_array_get(json_object_get(doc, "rows"), 0);
    assert_string_equal(json_string_value(json_object_get(r0, "key")), "ad");
    near(jnum(r0, "conversions", "linear"), 0.45, "linear");
    near(jnum(r0, "conversions", "time_decay"), 0.0051, "decay to 4 decimals"); /* 1/659+1/281 */
    near(jnum(r0, "revenue", "w_shaped"), 450, "w revenue");                    /* 300 + 150 */
    assert_non_null(strstr(sb.buf, "\"first_touch\":2.0000"));
    json_decref(doc);
    jm_strbuf_release(&sb);
    f->a = a; /* fx_teardown frees it */
    fx_json_fails_when_cut(f, FX_ATTRIBUTION);
}

/* The conversions behind "form": B's linear share 1/4 lists before A's 1/5. */
static void drill_lists_largest_share_first(void **state)
{
    struct fx *f = *state;
    struct jm_attribution_opts o = defaults();
    struct jm_attribution *a = run(f->r, &o);
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(
        jm_attribution_drill_json(f->r, a, jm_attribution_row(a, "form"), 0, JM_LANG_EN, &sb),
        JM_OK);
    json_t *doc = fx_json_parse(sb.buf);
    assert_string_equal(json_string_value(json_object_get(doc, "row")), "form");
    json_t *list = json_object_get(doc, "conversions");
    assert_int_equal(json_array_size(list), 2);
    json_t *c0 = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(c0, "account"), "id")),
                        "B");
    near(jnum(c0, "deal", "amount"), 500, "amount");
    near(jnum(c0, "share", "linear"), 0.25, "share");
    near(jnum(c0, "share", "last_touch"), 1, "share");
    assert_true(json_is_null(json_object_get(json_object_get(c0, "share"), "markov")));
    assert_int_equal(json_integer_value(json_object_get(c0, "touches")), 4);
    json_decref(doc);
    jm_strbuf_reset(&sb);
    /* Everything, at most one: C's conversion is the earliest (d5) of equal shares. */
    assert_int_equal(jm_attribution_drill_json(f->r, a, -1, 1, JM_LANG_EN, &sb), JM_OK);
    doc = fx_json_parse(sb.buf);
    assert_non_null(doc);
    list = json_object_get(doc, "conversions");
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(list, 0), "account"), "id")),
                        "C");
    json_decref(doc);
    jm_attribution_free(a);
    jm_strbuf_release(&sb);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, attr_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(models_credit_by_hand),
        T(markov_credits_removal_effects),
        T(lookback_cuts_window_and_renormalises),
        T(excluded_touchpoints_are_no_touches),
        T(stage_milestones_and_shared_positions),
        T(touchpoint_conversion),
        T(stage_conversion),
        T(revenue_conversion),
        T(period_selects_conversions),
        T(filter_selects_accounts),
        T(peers_first_touch_and_linear),
        T(threads_change_nothing),
        T(unloaded_source_is_missing),
        T(bad_options_are_einval),
        cmocka_unit_test(model_keys_parse_and_names),
        T(json_document),
        T(drill_lists_largest_share_first),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
