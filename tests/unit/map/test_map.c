/*
 * The map model on a workspace small enough to compute by hand: funnel and flows, what happened
 * in each stage (events by touchpoint, sentiment, surveys put on -1..1), the measured emotion
 * curve falling back to the authored one, peaks and valleys, owners and handoffs, team views,
 * future state, persona and segment filters, and the JSON form.
 *
 *   day:   0          1          2            3          4         5          6       10
 *   A a1   blog +0.5             pricing -0.5 NPS 10     pricing                      won
 *   B b1              blog -1.0                                    pricing    NPS 0
 *   C c1                                      blog       CSAT 5
 *
 *   aware:    events 3 (sentiment +0.5, -1.0: mean -0.25), CSAT 5 -> +1; emotion (1 - 0.25) / 2
 *   consider: events 3 (sentiment -0.5), NPS 10 and 0 -> +1, -1: mean 0, NPS 0; emotion -0.25
 *   customer: no data -> the authored 0.8
 *
 * Insights (every event's channel is "web"; D1, won on day 10, is the only conversion):
 *   Voice lane   aware: CSAT 5 -> n 1, 100% satisfied; consider: NPS 10 and 0 -> n 2, NPS 0
 *   attribution  A's touches before day 10 are all "web": 1 deal, credit 1 in every model
 *   paths        aware -> customer: only A, blog, pricing, pricing -> "Blog post", "Pricing
 *                page" (collapsed), 10 days from day 0 to the won deal on day 10
 *   questions    3 accounts met, all first on "web"; A bought after 10 days; no revenue, so
 *                no customers and no retention panel
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../storage/storage_test.h"
#include "journeymap/map.h"

static const char JOURNEY[] =
    "journey: tiny\n"
    "name: {en: Tiny journey, vi: Hành trình nhỏ}\n"
    "stages:\n"
    "  - key: aware\n"
    "    name: {en: Awareness, vi: Nhận biết}\n"
    "    owner: marketing\n"
    "    emotion: 0.2\n"
    "    entry: {event: {touchpoint: blog}}\n"
    "    lanes:\n"
    "      pain_points: [Too many vendors]\n"
    "    future:\n"
    "      emotion: 0.6\n"
    "      pain_points: [One benchmark answers it]\n"
    "  - key: consider\n"
    "    name: {en: Consideration, vi: Cân nhắc}\n"
    "    owner: sales\n"
    "    dmu_roles: [decider]\n"
    "    entry: {event: {touchpoint: pricing}}\n"
    "    kpis: [{metric: conversion_rate, target: 0.55}]\n"
    "    annotations:\n"
    "      - {id: n1, lane: pain_points, kind: pain_point, text: {en: Pricing is unclear, vi: Giá "
    "không rõ}, author: Lan, at: 2025-03-05T14:30:00Z}\n"
    "      - {id: n2, lane: pain_points, kind: opportunity, text: Publish prices}\n"
    "      - {id: n3, lane: questions, kind: note, text: {vi: Hỏi lại sau demo}}\n"
    "  - key: customer\n"
    "    name: {en: Customer, vi: Khách hàng}\n"
    "    owner: customer_success\n"
    "    emotion: 0.8\n"
    "    entry: {deal: won}\n"
    "touchpoints:\n"
    "  - {key: blog, name: {en: Blog post, vi: Bài blog}, stage: aware, channel: Organic Search, "
    "owner: marketing}\n"
    "  - {key: pricing, name: Pricing page, stage: consider}\n"
    "personas:\n"
    "  - {key: cto, kind: person, name: CTO, role: decider}\n"
    "  - {key: retailer, kind: company, name: Retailer, industry: retail}\n";

static int64_t d(int day)
{
    return day_us(2025, 1, 1) + (int64_t)day * 86400 * JM_US_PER_SEC;
}

static void put(struct jm_storage *st, enum jm_entity kind, const char *const *kv)
{
    struct jm_record r;
    rec_init(&r, kind);
    for (size_t i = 0; kv[i]; i += 2)
        set_text(&r, kv[i], kv[i + 1]);
    ws_put(st, &r);
}

static void event(struct jm_storage *st, const char *acc, const char *con, const char *tp, int day,
                  double sentiment)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    set_time(&r, "time", d(day));
    set_text(&r, "account", acc);
    set_text(&r, "contact", con);
    set_text(&r, "touchpoint", tp);
    set_text(&r, "channel", "web");
    if (!isnan(sentiment))
        set_real(&r, "sentiment", sentiment);
    ws_put(st, &r);
}

static void survey(struct jm_storage *st, const char *id, const char *acc, const char *kind,
                   double score, int day)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_SURVEY);
    set_text(&r, "id", id);
    set_text(&r, "account", acc);
    set_text(&r, "kind", kind);
    set_real(&r, "score", score);
    set_time(&r, "time", d(day));
    ws_put(st, &r);
}

struct fixture {
    char *dir;
    struct jm_storage *st;
    struct jm_dataset *ds;
    struct jm_journey *j;
    struct jm_map *m;
};

static void fill(struct jm_storage *st)
{
    put(st, JM_ENT_ACCOUNT, (const char *[]){"id", "A", "industry", "retail", NULL});
    put(st, JM_ENT_ACCOUNT, (const char *[]){"id", "B", "industry", "health", NULL});
    put(st, JM_ENT_ACCOUNT, (const char *[]){"id", "C", "industry", "retail", NULL});
    put(st, JM_ENT_CONTACT,
        (const char *[]){"id", "a1", "account", "A", "persona", "cto", "dmu_role", "decider",
                         NULL});
    put(st, JM_ENT_CONTACT, (const char *[]){"id", "b1", "account", "B", NULL});
    put(st, JM_ENT_CONTACT, (const char *[]){"id", "c1", "account", "C", NULL});
    event(st, "A", "a1", "blog", 0, 0.5);
    event(st, "B", "b1", "blog", 1, -1.0);
    event(st, "A", "a1", "pricing", 2, -0.5);
    event(st, "C", "c1", "blog", 3, NAN);
    event(st, "A", "a1", "pricing", 4, NAN);
    event(st, "B", "b1", "pricing", 5, NAN);
    survey(st, "s1", "A", "nps", 10, 3);
    survey(st, "s2", "C", "csat", 5, 4);
    survey(st, "s3", "B", "nps", 0, 6);
    struct jm_record r;
    rec_init(&r, JM_ENT_DEAL);
    set_text(&r, "id", "D1");
    set_text(&r, "account", "A");
    set_time(&r, "created", d(6));
    set_time(&r, "closed", d(10));
    set_text(&r, "status", "won");
    ws_put(st, &r);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct jm_error err;
    f->dir = strdup(jm_test_tmpdir());
    f->st = ws_create(f->dir);
    ws_begin(f->st);
    fill(f->st);
    ws_commit(f->st);
    assert_int_equal(jm_journey_parse(JOURNEY, sizeof(JOURNEY) - 1, "tiny.yaml", &f->j, &err),
                     JM_OK);
    struct jm_map_options mo = {.from = INT64_MIN, .to = INT64_MAX};
    struct jm_store_options so, io = {0};
    jm_map_store_options(f->j, &mo, &so);
    jm_insight_store_options(&io);
    so.fields |= io.fields;
    assert_int_equal(jm_dataset_load(f->st, &so, &f->ds, &err), JM_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    jm_map_free(f->m);
    jm_dataset_free(f->ds);
    jm_journey_free(f->j);
    jm_storage_close(f->st);
    jm_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static const struct jm_map *build(struct fixture *f, const struct jm_map_options *o)
{
    struct jm_map_options all = {.from = INT64_MIN, .to = INT64_MAX};
    struct jm_error err;
    jm_error_clear(&err);
    jm_map_free(f->m);
    f->m = NULL;
    jm_status rc = jm_map_build(f->ds, f->j, o ? o : &all, &f->m, &err);
    if (rc)
        fail_msg("jm_map_build: %s", err.msg);
    return f->m;
}

static void funnel_and_flows(void **state)
{
    const struct jm_map *m = build(*state, NULL);
    assert_int_equal(m->n_stages, 3);
    assert_int_equal(m->units, 3);
    assert_int_equal(m->stages[0].reached, 3);
    assert_int_equal(m->stages[1].reached, 2);
    assert_int_equal(m->stages[2].reached, 1);
    assert_true(fabs(m->stages[0].rate - 2.0 / 3) < 1e-12);
    assert_int_equal(m->stages[1].now_in, 1); /* B; A went on */
    /* enter 3, aware -> consider 2, consider -> customer 1, drops 1 and 1 */
    uint64_t by_kind[5] = {0};
    for (size_t i = 0; i < m->n_flows; i++)
        by_kind[m->flows[i].kind] += m->flows[i].count;
    assert_int_equal(by_kind[JM_FLOW_ENTER], 3);
    assert_int_equal(by_kind[JM_FLOW_FORWARD], 3);
    assert_int_equal(by_kind[JM_FLOW_SKIP] + by_kind[JM_FLOW_BACK], 0);
    assert_int_equal(by_kind[JM_FLOW_DROP], 2);
    /* KPI: consider converts 1 of 2 = 0.5 against 0.55: within 10% -> near */
    assert_int_equal(m->stages[1].n_kpis, 1);
    assert_int_equal(m->stages[1].kpis[0].status, JM_STATUS_NEAR);
    assert_string_equal(m->stages[1].kpis[0].measured_text, "50.0%");
}

static void stage_activity_and_emotion(void **state)
{
    const struct jm_map *m = build(*state, NULL);
    const struct jm_map_stage *aw = &m->stages[0], *co = &m->stages[1], *cu = &m->stages[2];
    assert_int_equal(aw->events, 3);
    assert_int_equal(co->events, 3);
    assert_int_equal(cu->events, 0);
    assert_true(fabs(aw->sentiment - -0.25) < 1e-12);
    assert_int_equal(aw->n_surveys, 1);
    assert_true(aw->emotion_measured);
    assert_true(fabs(aw->emotion - 0.375) < 1e-12);
    assert_true(fabs(co->emotion - -0.25) < 1e-12);
    assert_true(fabs(co->nps - 0) < 1e-12);
    assert_int_equal(co->n_surveys, 2);
    assert_false(cu->emotion_measured);
    assert_true(fabs(cu->emotion - 0.8) < 1e-12); /* authored */
    assert_int_equal(cu->emotion_mark, 1);        /* the peak */
    assert_int_equal(co->emotion_mark, -1);       /* the valley */
    assert_int_equal(aw->emotion_mark, 0);
    assert_true(fabs(aw->future_emotion - 0.6) < 1e-12);
    assert_true(isnan(co->future_emotion));
    /* touchpoints: the catalog's name, channel and owner; the share of the stage's events */
    assert_int_equal(aw->n_touchpoints, 1);
    assert_string_equal(aw->touchpoints[0].name, "Blog post");
    assert_string_equal(aw->touchpoints[0].channel, "Organic Search");
    assert_string_equal(aw->touchpoints[0].owner, "Marketing");
    assert_int_equal(aw->touchpoints[0].events, 3);
    assert_true(fabs(aw->touchpoints[0].share - 1) < 1e-12);
    assert_int_equal(co->touchpoints[0].events, 3);
}

static void owners_views_and_future(void **state)
{
    struct jm_map_options o = {.from = INT64_MIN,
                               .to = INT64_MAX,
                               .view = JM_VIEW_SALES,
                               .lang = JM_LANG_VI,
                               .state = JM_STATE_BOTH};
    const struct jm_map *m = build(*state, &o);
    assert_string_equal(m->stages[0].name, "Nhận biết");
    assert_string_equal(m->stages[0].owner_name, "Tiếp thị");
    assert_true(m->stages[0].handoff);
    assert_true(m->stages[1].handoff);
    assert_false(m->stages[2].handoff);
    assert_int_equal(m->n_teams, 3); /* in the order they first own a stage */
    assert_string_equal(m->teams[0].key, "marketing");
    assert_string_equal(m->teams[2].name, "Chăm sóc khách hàng");
    assert_false(m->stages[0].in_view);
    assert_true(m->stages[1].in_view);
    assert_false(m->panels.personas == false);
    bool objections = false;
    for (size_t i = 0; i < m->n_lanes; i++)
        objections |= strcmp(m->lanes[i].name, "Phản đối thường gặp") == 0;
    assert_true(objections);
    const struct jm_map_cell *c = &m->stages[0].cells[JM_LANE_PAIN_POINTS];
    assert_int_equal(c->n, 1);
    assert_string_equal(c->items[0], "Too many vendors");
    assert_int_equal(c->n_future, 1);
    assert_string_equal(c->future[0], "One benchmark answers it");
    assert_string_equal(m->ui[JM_UI_BREAKS], "Điểm gãy");
}

static void persona_and_segment_filters(void **state)
{
    struct jm_map_options o = {.from = INT64_MIN, .to = INT64_MAX, .persona = "cto"};
    const struct jm_map *m = build(*state, &o);
    assert_int_equal(m->units, 1); /* A has the CTO */
    assert_int_equal(m->stages[0].reached, 1);
    assert_int_equal(m->stages[0].events, 1); /* A's blog; its pricing views are in consider */
    assert_true(m->personas[0].matches_filter);
    o.persona = "retailer"; /* the company persona: A and C by industry */
    m = build(*state, &o);
    assert_int_equal(m->units, 2);
    assert_int_equal(m->stages[1].reached, 1);
    o.persona = NULL;
    o.segment = "industry=health";
    m = build(*state, &o);
    assert_int_equal(m->units, 1);
    assert_int_equal(m->stages[1].reached, 1);
    assert_string_equal(m->filter_text, "industry = health");
    struct jm_error err;
    jm_error_clear(&err);
    struct jm_map *bad = NULL;
    struct fixture *f = *state;
    o.segment = NULL;
    o.persona = "cfo";
    assert_int_equal(jm_map_build(f->ds, f->j, &o, &bad, &err), JM_EINVAL);
    assert_string_equal(err.msg, "no persona 'cfo' in journey 'tiny' (personas: cto, retailer)");
    assert_null(bad);
}

static void json_form(void **state)
{
    const struct jm_map *m = build(*state, NULL);
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, JM_STRBUF_DEFAULT_MAX);
    assert_int_equal(jm_map_json(m, &sb), JM_OK);
    assert_non_null(
        strstr(sb.buf, "\"key\":\"aware\",\"name\":\"Awareness\",\"owner\":\"marketing\""));
    assert_non_null(strstr(sb.buf, "\"rate\":0.6667"));
    assert_non_null(strstr(sb.buf, "\"emotion\":0.3750,\"emotion_measured\":true"));
    assert_non_null(strstr(sb.buf, "{\"kind\":\"enter\",\"from\":null,\"to\":0,\"count\":3}"));
    assert_non_null(strstr(sb.buf, "{\"kind\":\"forward\",\"from\":0,\"to\":1,\"count\":2}"));
    assert_non_null(strstr(sb.buf, "{\"kind\":\"drop\",\"from\":0,\"to\":null,\"count\":1}"));
    assert_non_null(strstr(sb.buf, "\"pain_points\":{\"items\":[\"Too many vendors\"],"
                                   "\"future\":[\"One benchmark answers it\"],\"notes\":[]}"));
    jm_strbuf_release(&sb);
}

/* Annotations become their cell's notes, kind first, in the map's language. */
static void annotations_become_cell_notes(void **state)
{
    struct jm_map_options o = {.from = INT64_MIN, .to = INT64_MAX};
    const struct jm_map *m = build(*state, &o);
    const struct jm_map_cell *c = &m->stages[1].cells[JM_LANE_PAIN_POINTS];
    assert_int_equal(c->n, 0);
    assert_int_equal(c->n_notes, 2);
    assert_string_equal(c->notes[0], "Pain point: Pricing is unclear");
    assert_string_equal(c->notes[1], "Opportunity: Publish prices");
    c = &m->stages[1].cells[JM_LANE_QUESTIONS];
    assert_int_equal(c->n_notes, 1);
    assert_string_equal(c->notes[0], "Note: Hỏi lại sau demo"); /* only written in Vietnamese */
    assert_int_equal(m->stages[0].cells[JM_LANE_PAIN_POINTS].n_notes, 0);
    assert_int_equal(m->stages[2].cells[JM_LANE_PAIN_POINTS].n_notes, 0);
    /* A lane with only notes is shown. */
    bool questions = false;
    for (size_t i = 0; i < m->n_lanes; i++)
        questions |= m->lanes[i].kind == JM_MAP_LANE_TEXT && m->lanes[i].lane == JM_LANE_QUESTIONS;
    assert_true(questions);

    o.lang = JM_LANG_VI;
    m = build(*state, &o);
    c = &m->stages[1].cells[JM_LANE_PAIN_POINTS];
    assert_string_equal(c->notes[0], "Điểm đau: Giá không rõ");
    assert_string_equal(c->notes[1], "Cơ hội: Publish prices");
    assert_string_equal(m->stages[1].cells[JM_LANE_QUESTIONS].notes[0],
                        "Ghi chú: Hỏi lại sau demo");
}

static void voice_lane_per_stage(void **state)
{
    const struct jm_map *m = build(*state, NULL);
    const struct jm_score_summary *aware = m->stages[0].voice, *consider = m->stages[1].voice;
    assert_int_equal(aware[JM_SURVEY_CSAT].n, 1);
    assert_true(aware[JM_SURVEY_CSAT].top == 1.0);
    assert_int_equal(aware[JM_SURVEY_NPS].n, 0);
    assert_int_equal(consider[JM_SURVEY_NPS].n, 2);
    assert_true(fabs(consider[JM_SURVEY_NPS].nps) < 1e-9);
    for (size_t k = 0; k < JM_SURVEY__COUNT; k++)
        assert_int_equal(m->stages[2].voice[k].n, 0);
    bool lane = false;
    for (size_t i = 0; i < m->n_lanes; i++)
        lane |= m->lanes[i].kind == JM_MAP_LANE_VOICE && strcmp(m->lanes[i].key, "voice") == 0;
    assert_true(lane);
}

static void insight_panels_by_hand(void **state)
{
    const struct jm_map *m = build(*state, NULL);
    assert_true(m->panels.attribution && m->panels.paths && m->panels.voice);
    assert_true(m->panels.questions);
    assert_false(m->panels.retention); /* no revenue */
    assert_null(m->retention);
    const struct jm_map_attribution *a = m->attribution;
    assert_int_equal(a->conversions, 1);
    assert_int_equal(a->n_rows, 1);
    assert_string_equal(a->rows[0].key, "web");
    for (size_t k = 0; k < JM_MAP_ATTR_MODELS; k++) {
        assert_true(fabs(a->rows[0].credit[k] - 1) < 1e-9);
        assert_true(fabs(a->rows[0].share[k] - 1) < 1e-9);
    }
    assert_int_equal(a->models[3], JM_ATTR_MARKOV);
    const struct jm_map_paths *p = m->paths;
    assert_int_equal(p->units, 1);
    assert_int_equal(p->n_paths, 1);
    assert_int_equal(p->paths[0].n_steps, 2);
    assert_string_equal(p->paths[0].steps[0], "Blog post");
    assert_string_equal(p->paths[0].steps[1], "Pricing page");
    assert_true(fabs(p->paths[0].median_days - 10) < 1e-9);
    const struct jm_map_voice *v = m->voice;
    assert_int_equal(v->all[JM_SURVEY_NPS].n, 2);
    assert_int_equal(v->all[JM_SURVEY_CSAT].n, 1);
    assert_int_equal(v->n_sla, 0);
    const struct jm_map_questions *q = m->questions;
    assert_int_equal(q->met, 3);
    assert_string_equal(q->top_channel, "web");
    assert_true(fabs(q->top_channel_share - 1) < 1e-9);
    assert_int_equal(q->bought, 1);
    assert_true(fabs(q->median_days_to_buy - 10) < 1e-9);
    assert_int_equal(q->customers, 0);
    assert_string_equal(q->answers[0].answer, "web");
    assert_string_equal(q->answers[1].answer, "10.0 days");
    assert_string_equal(q->answers[2].answer, "\xe2\x80\x94"); /* no customers */
}

static void insight_panels_in_vietnamese(void **state)
{
    struct jm_map_options o = {.from = INT64_MIN, .to = INT64_MAX, .lang = JM_LANG_VI};
    const struct jm_map *m = build(*state, &o);
    assert_string_equal(m->ui[JM_UI_ATTRIBUTION], "Điều gì mang lại hợp đồng");
    assert_string_equal(m->ui[JM_UI_QUESTIONS], "Bốn câu hỏi");
    assert_string_equal(m->questions->answers[1].answer, "10.0 ngày");
    assert_string_equal(m->questions->answers[0].question,
                        "Khách hàng gặp chúng ta lần đầu ở đâu?");
    assert_string_equal(m->attribution->model_names[0],
                        jm_attr_model_name(JM_ATTR_FIRST, JM_LANG_VI));
    for (size_t i = 0; i < m->n_lanes; i++)
        if (m->lanes[i].kind == JM_MAP_LANE_VOICE)
            assert_string_equal(m->lanes[i].name, "Tiếng nói khách hàng");
}

static void panels_are_chosen(void **state)
{
    struct jm_error err;
    uint32_t bits = 0;
    assert_true(jm_map_panels_parse("all", &bits, &err));
    assert_int_equal(bits, JM_PANELS_ALL);
    assert_true(jm_map_panels_parse("none", &bits, &err));
    assert_int_equal(bits, JM_PANELS_CHOSEN);
    assert_true(jm_map_panels_parse("retention,Paths", &bits, &err));
    assert_int_equal(bits, JM_PANELS_CHOSEN | JM_PANEL_BIT(JM_PANEL_RETENTION) |
                               JM_PANEL_BIT(JM_PANEL_PATHS));
    assert_false(jm_map_panels_parse("paths,,voice", &bits, &err));
    assert_false(jm_map_panels_parse("sankey", &bits, &err));
    assert_non_null(strstr(err.msg, "unknown panel 'sankey'"));

    struct jm_map_options o = {.from = INT64_MIN, .to = INT64_MAX};
    jm_map_panels_parse("retention,paths", &o.panels, &err);
    const struct jm_map *m = build(*state, &o);
    /* chosen: shown even without data (no revenue: an empty triangle), nothing else */
    assert_true(m->panels.retention && m->panels.paths);
    assert_non_null(m->retention);
    assert_int_equal(m->retention->n_cohorts, 0);
    assert_false(m->panels.funnel || m->panels.breaks || m->panels.attribution);
    assert_null(m->attribution);
    assert_null(m->questions);
    assert_int_equal(m->stages[1].voice[JM_SURVEY_NPS].n, 2); /* the lane still has voice */

    o.panels = JM_PANELS_CHOSEN;
    m = build(*state, &o);
    assert_false(m->panels.funnel || m->panels.flows || m->panels.breaks || m->panels.idle ||
                 m->panels.personas || m->panels.voice || m->panels.paths);
}

static void contact_level_leaves_account_panels_out(void **state)
{
    struct fixture *f = *state;
    static const char prefix[] = "settings: {level: contact}\n";
    char yaml[sizeof(prefix) + sizeof(JOURNEY)];
    snprintf(yaml, sizeof(yaml), "%s%s", prefix, JOURNEY);
    struct jm_journey *j = NULL;
    struct jm_error err;
    assert_int_equal(jm_journey_parse(yaml, strlen(yaml), "c.yaml", &j, &err), JM_OK);
    struct jm_map_options o = {.from = INT64_MIN, .to = INT64_MAX, .panels = JM_PANELS_ALL};
    struct jm_map *m = NULL;
    assert_int_equal(jm_map_build(f->ds, j, &o, &m, &err), JM_OK);
    assert_string_equal(m->level, "contact");
    assert_null(m->attribution);
    assert_null(m->retention);
    assert_null(m->questions);
    assert_false(m->panels.attribution || m->panels.retention || m->panels.questions);
    assert_non_null(m->voice);
    assert_non_null(m->paths);
    jm_map_free(m);
    jm_journey_free(j);
}

static void json_has_the_insights(void **state)
{
    const struct jm_map *m = build(*state, NULL);
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_map_json(m, &sb), JM_OK);
    assert_non_null(strstr(sb.buf, "\"retention\":null,\"voice\":{\"all\":{\"nps\":{\"n\":2,"));
    assert_non_null(strstr(sb.buf, "\"steps\":[\"Blog post\",\"Pricing page\"],\"units\":1,"));
    assert_non_null(strstr(sb.buf, "\"voice\":{\"nps\":{\"n\":0,"));
    jm_strbuf_release(&sb);
}

static void every_allocation_can_fail(void **state)
{
    struct fixture *f = *state;
    struct jm_map_options o = {.from = INT64_MIN, .to = INT64_MAX, .persona = "retailer"};
    unsigned long n;
    for (n = 1; n < 100000; n++) {
        struct jm_error err;
        struct jm_map *m = NULL;
        jm_alloc_fail_reset();
        jm_alloc_fail_at(n);
        jm_status rc = jm_map_build(f->ds, f->j, &o, &m, &err);
        jm_alloc_fail_reset();
        jm_map_free(m);
        if (!rc)
            break;
        assert_int_equal(rc, JM_ENOMEM);
    }
    assert_true(n > 10 && n < 100000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(funnel_and_flows),
        cmocka_unit_test(stage_activity_and_emotion),
        cmocka_unit_test(owners_views_and_future),
        cmocka_unit_test(persona_and_segment_filters),
        cmocka_unit_test(json_form),
        cmocka_unit_test(annotations_become_cell_notes),
        cmocka_unit_test(voice_lane_per_stage),
        cmocka_unit_test(insight_panels_by_hand),
        cmocka_unit_test(insight_panels_in_vietnamese),
        cmocka_unit_test(panels_are_chosen),
        cmocka_unit_test(contact_level_leaves_account_panels_out),
        cmocka_unit_test(json_has_the_insights),
        cmocka_unit_test(every_allocation_can_fail),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
