/*
 * The voice of the customer on a workspace small enough to compute by hand (days from
 * 2025-01-01; touch window 14 days; the data ends on day 50, the last answer):
 *
 *   A ent  a1 blog d0, a2 pricing d2 10:00, deal won d10   (aware d0, consider d2, customer d10)
 *   B smb  b1 blog d1, pricing d20                          (aware d1, consider d20)
 *   C smb  c1 blog d3                                       (aware d3)
 *   D ent  no events; E ent nothing at all
 *
 *   answer           unit  stage     touchpoint        month
 *   s1 NPS 10 d2 12h A/a1  consider  pricing (a2's)    2025-01   contact level: aware, blog
 *   s2 NPS 7  d40    A     customer  none (38 d)       2025-02
 *   s3 NPS 9  d1     B/b1  aware     blog (same time)  2025-01
 *   s4 CSAT 5 d15    B     aware     blog (14 d: in)   2025-01
 *   s5 CSAT 2 d21    B/b1  consider  pricing           2025-01
 *   s6 CES 6  d5     C     aware     blog              2025-01
 *   s7 CES 2  d50    C     aware     none              2025-02
 *   s8 NPS 0  d5     D     none      none              2025-01
 *   s9 CSAT 4 d-10   C     none      none              2024-12   (out of a 2025 period)
 *
 *   ticket  unit  priority  opened  response / resolution   breach (moment)
 *   k1      A     urgent    d4      0.5 h / 10 h            resolution (d4 08:00)
 *   k2      A     high      d30     5 h / 20 h              response (d30 04:00)
 *   k3      B     normal    d10     1 h / 80 h              resolution (d13)
 *   k4      C     low       d45     open                    response (d46); resolution due
 *                                                           exactly at d50: not yet
 *   k5      D     (none)    d5      100 h / -               no target
 *
 * Revenue: A Dec 100, Jan 100; B Dec 50 (churns in Jan); D Dec 10, Jan 10.
 *
 * SPDX-License-Identifier: MIT
 */
#include "insights_fixture.h"

static const char JOURNEY[] = "journey: voice\n"
                              "name: {en: Voice test, vi: Tiếng nói}\n"
                              "settings:\n"
                              "  level: %s\n"
                              "stages:\n"
                              "  - key: aware\n"
                              "    name: {en: Aware, vi: Biết}\n"
                              "    emotion: 0.2\n"
                              "    entry: {event: {touchpoint: blog}}\n"
                              "  - key: consider\n"
                              "    name: Consider\n"
                              "    entry: {event: {touchpoint: pricing}}\n"
                              "  - key: customer\n"
                              "    name: Customer\n"
                              "    entry: {deal: won}\n";

static int64_t d(double day)
{
    return fx_day(day);
}

static void fill_people(struct jm_storage *st)
{
    static const char *const acc[][2] = {
        {"A", "ent"}, {"B", "smb"}, {"C", "smb"}, {"D", "ent"}, {"E", "ent"}};
    for (size_t i = 0; i < 5; i++)
        fx_account(st, acc[i][0], acc[i][1], NULL);
    static const char *const con[][2] = {{"a1", "A"}, {"a2", "A"}, {"b1", "B"}, {"c1", "C"}};
    for (size_t i = 0; i < 4; i++)
        fx_contact(st, con[i][0], con[i][1], FX_NO_TIME);
    fx_event(st, "A", "a1", d(0), "blog", NULL);
    fx_event(st, "A", "a2", d(2 + 10 / 24.0), "pricing", NULL);
    fx_event(st, "B", "b1", d(1), "blog", NULL);
    fx_event(st, "B", "b1", d(20), "pricing", NULL);
    fx_event(st, "C", "c1", d(3), "blog", NULL);
    fx_deal(st, &(struct fx_deal){.id = "W1",
                                  .account = "A",
                                  .status = "won",
                                  .created = d(5),
                                  .closed = d(10),
                                  .amount = NAN});
}

static void fill(struct jm_storage *st)
{
    fill_people(st);
    const struct fx_survey answers[] = {
        {"s1", "A", "a1", "nps", 10, d(2.5)}, {"s2", "A", NULL, "nps", 7, d(40)},
        {"s3", "B", "b1", "nps", 9, d(1)},    {"s4", "B", NULL, "csat", 5, d(15)},
        {"s5", "B", "b1", "csat", 2, d(21)},  {"s6", "C", NULL, "ces", 6, d(5)},
        {"s7", "C", NULL, "ces", 2, d(50)},   {"s8", "D", NULL, "nps", 0, d(5)},
        {"s9", "C", NULL, "csat", 4, d(-10)},
    };
    for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
        fx_survey(st, &answers[i]);
    /* hours to first response and resolution, csat; < 0 for none */
    const struct fx_ticket tickets[] = {
        {"k1", "A", "urgent", d(4), 0.5, 10, 2}, {"k2", "A", "high", d(30), 5, 20, 4},
        {"k3", "B", "normal", d(10), 1, 80, -1}, {"k4", "C", "low", d(45), -1, -1, -1},
        {"k5", "D", NULL, d(5), 100, -1, -1},
    };
    for (size_t i = 0; i < sizeof(tickets) / sizeof(tickets[0]); i++)
        fx_ticket(st, &tickets[i]);
    fx_revenue(st, "A", day_us(2024, 12, 1), 100);
    fx_revenue(st, "A", day_us(2025, 1, 1), 100);
    fx_revenue(st, "B", day_us(2024, 12, 1), 50);
    fx_revenue(st, "D", day_us(2024, 12, 1), 10);
    fx_revenue(st, "D", day_us(2025, 1, 1), 10);
}

/* The journey at `level` ("account" or "contact") into yaml[0 .. cap). */
static const char *journey_at(char *yaml, size_t cap, const char *level)
{
    snprintf(yaml, cap, JOURNEY, level);
    return yaml;
}

/* Journey j at the account level (analysed), j2 at the contact level. */
static int setup(void **state)
{
    char yaml[1024];
    fx_setup(state, fill, NULL, journey_at(yaml, sizeof(yaml), "account"));
    fx_run2(*state, journey_at(yaml, sizeof(yaml), "contact"));
    return 0;
}

/* Analyses level 0 (account) or 1 (contact) over `ao` (NULL: everything) and computes the
 * voice with `o` (NULL: defaults). */
static const struct jm_voice *compute(struct fx *f, int level, const struct jm_analysis_options *ao,
                                      const struct jm_voice_opts *o)
{
    fx_analyze(f, level ? f->tl2 : f->tl, ao);
    fx_ok(f, jm_voice_compute(f->r, o, &f->v, &f->err), "voice");
    return f->v;
}

#define near(x, want) assert_true(fabs((x) - (want)) < 1e-9)

static void assert_summary(const struct jm_score_summary *s, uint64_t n, double mean, double top,
                           double bottom)
{
    assert_int_equal(s->n, n);
    if (!n) {
        assert_true(isnan(s->mean) && isnan(s->top) && isnan(s->bottom) && isnan(s->nps));
        return;
    }
    near(s->mean, mean);
    near(s->top, top);
    near(s->bottom, bottom);
}

static const struct jm_voice_row *row(const struct jm_voice_row *rows, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].key, key) == 0)
            return &rows[i];
    fail_msg("no row '%s'", key);
    return NULL;
}

static void summaries_of_all_answers(void **state)
{
    const struct jm_voice *v = compute(*state, 0, NULL, NULL);
    const struct jm_score_summary *s = v->all;
    assert_summary(&s[JM_SURVEY_NPS], 4, 26.0 / 4, 0.5, 0.25);
    near(s[JM_SURVEY_NPS].nps, 25);
    assert_summary(&s[JM_SURVEY_CSAT], 3, 11.0 / 3, 2.0 / 3, 1.0 / 3);
    assert_true(isnan(s[JM_SURVEY_CSAT].nps));
    assert_summary(&s[JM_SURVEY_CES], 2, 4, 0.5, 0.5);
}

static void by_stage_with_the_emotion_curve(void **state)
{
    const struct jm_voice *v = compute(*state, 0, NULL, NULL);
    assert_int_equal(v->n_stages, 3);
    const struct jm_voice_row *aw = &v->stages[0], *co = &v->stages[1], *cu = &v->stages[2];
    assert_string_equal(aw->key, "aware");
    assert_summary(&aw->s[JM_SURVEY_NPS], 1, 9, 1, 0);
    near(aw->s[JM_SURVEY_NPS].nps, 100);
    assert_summary(&aw->s[JM_SURVEY_CSAT], 1, 5, 1, 0);
    assert_summary(&aw->s[JM_SURVEY_CES], 2, 4, 0.5, 0.5);
    assert_summary(&co->s[JM_SURVEY_NPS], 1, 10, 1, 0);
    assert_summary(&co->s[JM_SURVEY_CSAT], 1, 2, 0, 1);
    assert_summary(&cu->s[JM_SURVEY_NPS], 1, 7, 0, 0); /* a passive: NPS 0 */
    near(cu->s[JM_SURVEY_NPS].nps, 0);
    assert_summary(&cu->s[JM_SURVEY_CES], 0, 0, 0, 0);
    /* scores on -1..1: aware (0.8 + 1 + 2/3 - 2/3) / 4, consider (1 - 0.5) / 2, customer 0.4 */
    near(v->emotion[0], 0.45);
    near(v->emotion[1], 0.25);
    near(v->emotion[2], 0.4);
    near(v->authored_emotion[0], 0.2);
    assert_true(isnan(v->authored_emotion[1]) && isnan(v->authored_emotion[2]));
}

static void by_touchpoint_group_and_month(void **state)
{
    const struct jm_voice *v = compute(*state, 0, NULL, NULL);
    assert_int_equal(v->n_touchpoints, 3); /* most answers first */
    assert_string_equal(v->touchpoints[0].key, JM_INSIGHT_NO_TOUCH);
    assert_int_equal(v->touchpoints[0].s[JM_SURVEY_NPS].n, 2); /* s2, s8 */
    assert_int_equal(v->touchpoints[0].s[JM_SURVEY_CSAT].n, 1);
    assert_int_equal(v->touchpoints[0].s[JM_SURVEY_CES].n, 1);
    assert_string_equal(v->touchpoints[1].key, "blog");
    assert_int_equal(v->touchpoints[1].s[JM_SURVEY_CSAT].n, 1); /* s4, exactly 14 days on */
    assert_string_equal(v->touchpoints[2].key, "pricing");
    assert_summary(&v->touchpoints[2].s[JM_SURVEY_NPS], 1, 10, 1, 0); /* s1: a2's pricing */
    assert_int_equal(v->n_groups, 2);
    assert_string_equal(v->groups[0].key, "ent");
    assert_summary(&v->groups[0].s[JM_SURVEY_NPS], 3, 17.0 / 3, 1.0 / 3, 1.0 / 3);
    assert_string_equal(v->groups[1].key, "smb");
    assert_int_equal(v->groups[1].s[JM_SURVEY_CSAT].n, 3);
    assert_int_equal(v->n_months, 3);
    assert_string_equal(v->months[0].key, "2024-12");
    assert_string_equal(v->months[1].key, "2025-01");
    assert_summary(&v->months[1].s[JM_SURVEY_NPS], 3, 19.0 / 3, 2.0 / 3, 1.0 / 3);
    near(v->months[1].s[JM_SURVEY_NPS].nps, 100.0 / 3);
    assert_string_equal(v->months[2].key, "2025-02");
    assert_int_equal(v->months[2].s[JM_SURVEY_CES].n, 1);
}

static void touch_window_and_period(void **state)
{
    struct jm_voice_opts o;
    jm_voice_defaults(&o);
    o.touch_days = 13.99; /* s4 loses its blog view of 14 days before */
    const struct jm_voice *v = compute(*state, 0, NULL, &o);
    assert_int_equal(row(v->touchpoints, v->n_touchpoints, "blog")->s[JM_SURVEY_CSAT].n, 0);
    o.touch_days = 0; /* no bound: s2 finds pricing, s7 blog */
    v = compute(*state, 0, NULL, &o);
    assert_int_equal(row(v->touchpoints, v->n_touchpoints, "pricing")->s[JM_SURVEY_NPS].n, 2);
    assert_int_equal(row(v->touchpoints, v->n_touchpoints, "blog")->s[JM_SURVEY_CES].n, 2);
    struct jm_analysis_options ao = {.from = d(0), .to = day_us(2026, 1, 1)};
    v = compute(*state, 0, &ao, NULL);
    assert_int_equal(v->all[JM_SURVEY_CSAT].n, 2); /* s9 is out */
    assert_int_equal(v->n_months, 2);
}

static void contact_level_follows_the_contact(void **state)
{
    const struct jm_voice *v = compute(*state, 1, NULL, NULL);
    /* only s1, s3, s5 name a contact */
    assert_int_equal(v->all[JM_SURVEY_NPS].n, 2);
    assert_int_equal(v->all[JM_SURVEY_CSAT].n, 1);
    assert_int_equal(v->stages[0].s[JM_SURVEY_NPS].n, 2); /* a1 never saw pricing */
    assert_int_equal(v->n_touchpoints, 2);
    assert_string_equal(v->touchpoints[0].key, "blog");
    assert_int_equal(v->touchpoints[0].s[JM_SURVEY_NPS].n, 2);
    assert_string_equal(v->touchpoints[1].key, "pricing");
    assert_int_equal(v->n_groups, 2);
    assert_int_equal(v->groups[0].s[JM_SURVEY_NPS].n, 1); /* ent: a1 */
    /* tickets name no contact: none at this level, and churn is an account matter */
    for (int p = 0; p <= JM_PRIO__COUNT; p++)
        assert_int_equal(v->sla[p].tickets, 0);
    assert_int_equal(v->breach.units_breached, 0);
    assert_int_equal(v->breach.units_clean, 4);
    assert_true(isnan(v->breach.churn_breached) && isnan(v->breach.churn_clean));
}

static void sla_rows_per_priority(void **state)
{
    const struct jm_voice *v = compute(*state, 0, NULL, NULL);
    const struct jm_sla_row *low = &v->sla[JM_PRIO_LOW], *normal = &v->sla[JM_PRIO_NORMAL];
    const struct jm_sla_row *high = &v->sla[JM_PRIO_HIGH], *urgent = &v->sla[JM_PRIO_URGENT];
    const struct jm_sla_row *none = &v->sla[JM_PRIO__COUNT];
    /* Per priority (low, normal, high, urgent, none): tickets, responded, resolved, late first
     * responses, late resolutions. k4 (low) is open, its response target long past, its
     * resolution due exactly at the data's end; k5 has no priority, so no target. */
    static const uint64_t COUNTS[JM_PRIO__COUNT + 1][5] = {
        {1, 0, 0, 1, 0}, {1, 1, 1, 0, 1}, {1, 1, 1, 1, 0}, {1, 1, 1, 0, 1}, {1, 1, 0, 0, 0}};
    for (int p = 0; p <= JM_PRIO__COUNT; p++) {
        const struct jm_sla_row *s = &v->sla[p];
        const uint64_t got[5] = {s->tickets, s->responded, s->resolved, s->response_breaches,
                                 s->resolution_breaches};
        for (int k = 0; k < 5; k++)
            assert_int_equal(got[k], COUNTS[p][k]);
    }
    assert_int_equal(low->response_hours.count, 0);
    near(normal->resolution_hours.mean, 80);
    near(high->csat, 4);
    near(urgent->response_hours.median, 0.5);
    near(urgent->csat, 2);
    assert_true(isnan(none->csat));
    /* a period that leaves out k4 and k2 */
    struct jm_analysis_options ao = {.from = d(0), .to = d(20)};
    v = compute(*state, 0, &ao, NULL);
    assert_int_equal(v->sla[JM_PRIO_LOW].tickets, 0);
    assert_int_equal(v->sla[JM_PRIO_HIGH].tickets, 0);
    assert_int_equal(v->sla[JM_PRIO_URGENT].tickets, 1);
}

static void breach_effect_on_nps_and_churn(void **state)
{
    const struct jm_voice *v = compute(*state, 0, NULL, NULL);
    const struct jm_breach_effect *b = &v->breach;
    assert_int_equal(b->units_breached, 3); /* A, B, C */
    assert_int_equal(b->units_clean, 2);    /* D, E */
    /* s2 (A, d40) comes 10 days after k2's breach; s1, s3, s8 come before any */
    assert_int_equal(b->n_after_breach, 1);
    near(b->nps_after_breach, 0);
    assert_int_equal(b->n_clean, 3);
    near(b->nps_clean, 100.0 / 3);
    /* customers: A and B breached (B churned), D clean */
    assert_int_equal(b->customers_breached, 2);
    near(b->churn_breached, 0.5);
    assert_int_equal(b->customers_clean, 1);
    near(b->churn_clean, 0);
    struct jm_voice_opts o;
    jm_voice_defaults(&o);
    o.after_breach_days = 9.5; /* s2 comes 9.8 days after k2's breach: too late now */
    v = compute(*state, 0, NULL, &o);
    assert_int_equal(v->breach.n_after_breach, 0);
    assert_true(isnan(v->breach.nps_after_breach));
    o.sla[JM_PRIO_HIGH].first_response_hours = 6; /* k2 answered in 5 h: no breach at all */
    o.after_breach_days = 90;
    v = compute(*state, 0, NULL, &o);
    assert_int_equal(v->sla[JM_PRIO_HIGH].response_breaches, 0);
    assert_int_equal(v->breach.units_breached, 3); /* A still has k1 */
    assert_int_equal(v->breach.n_after_breach, 1); /* k1's breach on d4: s2 is 36 days on */
}

static void parse_sla(void **state)
{
    (void)state;
    struct jm_voice_opts o;
    jm_voice_defaults(&o);
    struct jm_error err;
    jm_error_clear(&err);
    assert_true(jm_voice_parse_sla(&o, "urgent=2/16", &err));
    near(o.sla[JM_PRIO_URGENT].first_response_hours, 2);
    near(o.sla[JM_PRIO_URGENT].resolution_hours, 16);
    assert_true(jm_voice_parse_sla(&o, "high=4h/1d", &err));
    near(o.sla[JM_PRIO_HIGH].resolution_hours, 24);
    assert_true(jm_voice_parse_sla(&o, "Normal=0.5/2.5d", &err));
    near(o.sla[JM_PRIO_NORMAL].first_response_hours, 0.5);
    near(o.sla[JM_PRIO_NORMAL].resolution_hours, 60);
    assert_true(jm_voice_parse_sla(&o, "low=0/0", &err));
    near(o.sla[JM_PRIO_LOW].resolution_hours, 0);
    static const char *const BAD[] = {
        "urgent",         "urgent=1",     "urgent=1/", "urgent=/8",    "urgent=1x/8",
        "urgent=-1/8",    "urgent=1/8/9", "=1/8",      "urgent=1h/8w", "urgent=nan/8",
        "urgent= 1/8",    "urgent=inf/8", "",          "urgent=1/8h ", "urgent=1e999/8",
        "urgent=1/36501d"};
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        jm_error_clear(&err);
        if (jm_voice_parse_sla(&o, BAD[i], &err))
            fail_msg("'%s' parsed", BAD[i]);
        assert_non_null(strstr(err.msg, "expected PRIORITY=FIRST/RESOLUTION"));
    }
    assert_false(jm_voice_parse_sla(&o, "critical=1/8", &err));
    assert_string_equal(err.msg,
                        "sla 'critical=1/8': unknown priority 'critical' (low, normal, high, "
                        "urgent)");
    /* nothing bad got in */
    near(o.sla[JM_PRIO_URGENT].first_response_hours, 2);
    near(o.sla[JM_PRIO_URGENT].resolution_hours, 16);
}

static void json_form(void **state)
{
    struct fx *f = *state;
    const struct jm_voice *v = compute(f, 0, NULL, NULL);
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 0);
    assert_int_equal(jm_voice_json(f->r, v, JM_LANG_VI, &sb), JM_OK);
    assert_non_null(strstr(sb.buf, "{\"journey\":\"voice\",\"name\":\"Tiếng nói\""));
    assert_non_null(strstr(
        sb.buf, "\"all\":{\"nps\":{\"n\":4,\"mean\":6.50,\"top\":0.5000,\"bottom\":0.2500,"
                "\"nps\":25.00},\"csat\":{\"n\":3,\"mean\":3.67,\"top\":0.6667,\"bottom\":0.3333},"
                "\"ces\":{\"n\":2,\"mean\":4.00,\"top\":0.5000,\"bottom\":0.5000}}"));
    assert_non_null(strstr(sb.buf, "{\"key\":\"aware\",\"name\":\"Biết\",\"nps\":{\"n\":1"));
    assert_non_null(strstr(sb.buf, "\"emotion\":0.4500,\"authored_emotion\":0.2000}"));
    assert_non_null(strstr(sb.buf, "\"authored_emotion\":null}"));
    assert_non_null(strstr(sb.buf, "{\"priority\":\"urgent\",\"tickets\":1,\"responded\":1,"
                                   "\"resolved\":1,\"response_breaches\":0,"
                                   "\"resolution_breaches\":1,\"response_hours\":{\"count\":1,"
                                   "\"mean\":0.50,"));
    assert_non_null(strstr(sb.buf, "{\"priority\":null,\"tickets\":1,"));
    assert_non_null(strstr(sb.buf, "\"nps_clean\":33.33,\"n_clean\":3,\"churn_breached\":0.5000"));
    assert_non_null(strstr(sb.buf, "\"urgent\":{\"first_response_hours\":1.00,"
                                   "\"resolution_hours\":8.00}"));
    jm_strbuf_release(&sb);
    fx_json_fails_when_cut(f, FX_VOICE);
}

static void every_allocation_can_fail(void **state)
{
    struct fx *f = *state;
    for (int level = 0; level < 2; level++) {
        compute(f, level, NULL, NULL);
        unsigned long n = fx_fail_each_alloc(f, FX_VOICE, NULL, 100000);
        assert_true(n > 10 && n < 100000);
    }
}

static void bad_options_are_refused(void **state)
{
    struct fx *f = *state;
    compute(f, 0, NULL, NULL);
    struct jm_voice_opts o;
    jm_voice_defaults(&o);
    o.touch_days = -1;
    fx_refuses(f, FX_VOICE, &o);
    jm_voice_defaults(&o);
    o.by = "nonsense";
    fx_refuses(f, FX_VOICE, &o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summaries_of_all_answers),
        cmocka_unit_test(by_stage_with_the_emotion_curve),
        cmocka_unit_test(by_touchpoint_group_and_month),
        cmocka_unit_test(touch_window_and_period),
        cmocka_unit_test(contact_level_follows_the_contact),
        cmocka_unit_test(sla_rows_per_priority),
        cmocka_unit_test(breach_effect_on_nps_and_churn),
        cmocka_unit_test(parse_sla),
        cmocka_unit_test(json_form),
        cmocka_unit_test(bad_options_are_refused),
        cmocka_unit_test(every_allocation_can_fail),
    };
    return cmocka_run_group_tests(tests, setup, fx_teardown);
}
