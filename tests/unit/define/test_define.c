/*
 * Journey definitions: the documented example parses with every field as written, every kind
 * of mistake is reported at its line and column in exact words, what jm_journey_write() writes
 * parses back to an equal definition (English, Vietnamese, both), channel grouping, and every
 * allocation failing in turn.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "base/ytree.h"
#include "journeymap/define.h"

#define NAME "j.yaml"

static int teardown(void **state)
{
    (void)state;
    jm_alloc_fail_reset();
    return 0;
}

static struct jm_journey *parse_ok(const char *yaml)
{
    struct jm_journey *j = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_journey_parse(yaml, strlen(yaml), NAME, &j, &err))
        fail_msg("unexpected error: %s", err.msg);
    return j;
}

static void expect_error(const char *yaml, const char *msg)
{
    struct jm_journey *j = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_journey_parse(yaml, strlen(yaml), NAME, &j, &err);
    if (rc != JM_EPARSE)
        fail_msg("expected '%s', got status %d (%s)", msg, (int)rc, err.msg);
    assert_null(j);
    assert_string_equal(err.msg, msg);
}

/* The first ```yaml block of docs/journey-definition.md, owned (free with free()). */
static char *doc_example(void)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/docs/journey-definition.md", jm_test_source_dir());
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *start = strstr(buf, "```yaml\n");
    assert_non_null(start);
    start += 8;
    char *end = strstr(start, "```");
    assert_non_null(end);
    char *out = malloc((size_t)(end - start) + 1);
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return out;
}

static struct jm_journey *parse_example(void)
{
    char *yaml = doc_example();
    struct jm_journey *j = parse_ok(yaml);
    free(yaml);
    return j;
}

/* A valid two-stage journey with `extra` spliced in before the stages. */
static const char *with(const char *extra)
{
    static char buf[4096];
    snprintf(buf, sizeof(buf),
             "journey: t\n%sstages:\n  - key: a\n    entry: {event: x}\n"
             "  - key: b\n    entry: {deal: won}\n",
             extra);
    return buf;
}

/* ---------------------------------------------------------------- the example */

#define EN(t) jm_text_get(&(t), JM_LANG_EN)
#define VI(t) jm_text_get(&(t), JM_LANG_VI)

static void check_example_head(const struct jm_journey *j)
{
    assert_string_equal(j->path, "j.yaml");
    assert_string_equal(j->key, "saas-b2b");
    assert_int_equal(j->lang, JM_LANG_EN);
    assert_string_equal(j->name.s[JM_LANG_EN], "SaaS buying journey");
    assert_string_equal(j->name.s[JM_LANG_VI], "Hành trình mua SaaS");
    assert_string_equal(j->description.s[JM_LANG_EN],
                        "From first touch to advocacy, per buying company.");
    assert_null(j->description.s[JM_LANG_VI]);
    assert_string_equal(VI(j->description), "From first touch to advocacy, per buying company.");
    const struct jm_settings *s = &j->settings;
    assert_int_equal(s->level, JM_LEVEL_ACCOUNT);
    assert_int_equal(s->rollup, JM_ROLLUP_ANY_CONTACT);
    assert_true(s->conversion_window_days == 180);
    assert_true(s->stall_days == 30);
    assert_true(s->skip_counts_as_passed);
    assert_true(s->period_from == jm_days_from_civil(2024, 1, 1) * JM_US_PER_DAY);
    assert_true(s->period_to == jm_days_from_civil(2025, 1, 1) * JM_US_PER_DAY);
    assert_int_equal(s->goal, 2);
    assert_int_equal(j->n_stages, 5);
}

static void check_example_awareness(const struct jm_journey *j)
{
    const struct jm_stage *st = &j->stages[0];
    assert_string_equal(st->key, "awareness");
    assert_string_equal(VI(st->name), "Nhận biết");
    assert_string_equal(st->owner, "marketing");
    assert_true(st->active);
    assert_false(st->revisit);
    assert_true(st->has_emotion && st->emotion == 0.2);
    assert_int_equal(st->dmu_roles.n, 2);
    assert_string_equal(st->dmu_roles.v[1], "user");
    assert_int_equal(st->line, 16);
    assert_int_equal(st->column, 5);
    const struct jm_rule *r = st->entry;
    assert_int_equal(r->kind, JM_RULE_ANY);
    assert_int_equal(r->line, 24);
    assert_int_equal(r->column, 7);
    assert_int_equal(r->n_children, 2);
    assert_int_equal(r->children[0].kind, JM_RULE_EVENT);
    assert_int_equal(r->children[0].touchpoints.n, 3);
    assert_string_equal(r->children[0].touchpoints.v[2], "webinar_attended");
    assert_int_equal(r->children[0].at_least, 1);
    assert_true(r->children[0].within_days == 0);
    assert_int_equal(r->children[1].channels.n, 2);
    assert_string_equal(r->children[1].channels.v[0], "Organic Search");
    for (size_t i = 0; i < JM_LANE__COUNT; i++)
        assert_true(st->lanes[i].n >= 1);
    assert_int_equal(st->lanes[JM_LANE_ACTIONS].n, 2);
    assert_string_equal(EN(st->lanes[JM_LANE_OPPORTUNITIES].items[0]),
                        "A Vietnamese-language benchmark report");
    const struct jm_text *t = &st->lanes[JM_LANE_OUR_ACTIONS].items[1];
    assert_string_equal(t->s[JM_LANG_VI], "Webinar cùng đối tác");
    assert_int_equal(st->n_kpis, 2);
    assert_int_equal(st->kpis[0].metric, JM_KPI_CONVERSION_RATE);
    assert_true(st->kpis[0].target == 0.25);
    assert_true(jm_text_empty(&st->kpis[0].name));
    assert_int_equal(st->kpis[1].metric, JM_KPI_COUNT);
    assert_string_equal(VI(st->kpis[1].name), "Số tài khoản tiếp cận");
}

static void check_example_consideration(const struct jm_journey *j)
{
    const struct jm_stage *st = &j->stages[1];
    assert_string_equal(st->key, "consideration");
    assert_false(st->revisit);
    assert_non_null(st->revisit_when);
    assert_int_equal(st->revisit_when->kind, JM_RULE_DEAL);
    assert_int_equal(st->revisit_when->deal, JM_DEAL_LOST);
    assert_false(st->has_emotion);
    assert_int_equal(st->dmu_roles.n, 0);
    const struct jm_rule *r = st->entry->children;
    assert_int_equal(r[0].at_least, 2);
    assert_true(r[0].within_days == 30);
    assert_string_equal(r[0].touchpoints.v[0], "pricing_view");
    assert_int_equal(r[1].n_where, 2);
    assert_string_equal(r[1].where[0].field, "contact.dmu_role");
    assert_int_equal(r[1].where[0].values.n, 2);
    assert_string_equal(r[1].where[0].values.v[1], "champion");
    assert_string_equal(r[1].where[1].field, "utm_campaign");
    assert_string_equal(r[1].where[1].values.v[0], "q3-webinars");
    assert_int_equal(r[2].kind, JM_RULE_SCORE);
    assert_string_equal(r[2].threshold, "mql");
    assert_true(r[2].score_at_least == 40);
    assert_int_equal(st->kpis[0].metric, JM_KPI_MEDIAN_DAYS);
    assert_true(st->kpis[0].target == 30);
}

static void check_example_decision_on(const struct jm_journey *j)
{
    const struct jm_stage *st = &j->stages[2];
    assert_string_equal(st->owner, "sales");
    assert_string_equal(st->dmu_roles.v[2], "it_admin");
    const struct jm_rule *r = st->entry->children;
    assert_int_equal(r[0].kind, JM_RULE_DEAL);
    assert_int_equal(r[0].deal, JM_DEAL_WON);
    assert_string_equal(r[0].pipelines.v[0], "New business");
    assert_int_equal(r[1].kind, JM_RULE_ALL);
    assert_int_equal(r[1].children[0].deal, JM_DEAL_IN_STAGE);
    assert_string_equal(r[1].children[0].deal_stages.v[1], "Negotiation");
    assert_int_equal(r[1].children[0].pipelines.n, 0);
    assert_int_equal(r[1].children[1].kind, JM_RULE_NOT);
    assert_int_equal(r[1].children[1].children[0].deal, JM_DEAL_LOST);
    assert_null(r[2].threshold);
    assert_true(r[2].score_at_least == 120);
    assert_true(st->kpis[1].target == 0.75);

    st = &j->stages[3];
    assert_int_equal(st->entry->children[0].revenue, JM_REV_STARTED);
    assert_string_equal(st->entry->children[1].touchpoints.v[0], "onboarding_call");
    assert_true(st->kpis[0].target == 1.1);

    st = &j->stages[4];
    assert_false(st->active); /* the last stage */
    r = st->entry;
    assert_int_equal(r->kind, JM_RULE_ALL);
    assert_int_equal(r->children[0].kind, JM_RULE_STAGE);
    assert_int_equal(r->children[0].stage, 3);
    const struct jm_rule *survey = &r->children[1].children[0];
    assert_string_equal(survey->survey_kind, "nps");
    assert_true(survey->score_min == 9 && survey->score_max == 10);
    assert_int_equal(r->children[2].children[0].kind, JM_RULE_TICKET);
    assert_string_equal(r->children[2].children[0].priorities.v[0], "urgent");
}

static void check_example_catalog(const struct jm_journey *j)
{
    assert_int_equal(j->n_touchpoints, 2);
    const struct jm_touchpoint_def *t = jm_journey_touchpoint(j, "demo_request");
    assert_non_null(t);
    assert_string_equal(VI(t->name), "Yêu cầu demo");
    assert_string_equal(t->stage, "consideration");
    assert_int_equal(t->stage_index, 1);
    assert_string_equal(t->channel, "Direct");
    assert_string_equal(t->owner, "sales");
    assert_string_equal(EN(t->outcome), "A qualified meeting within 48 hours");
    assert_true(t->has_kpi && t->kpi.metric == JM_KPI_COUNT && t->kpi.target == 200);
    t = jm_journey_touchpoint(j, "webinar_attended");
    assert_false(t->has_kpi);
    assert_null(t->owner);
    assert_null(jm_journey_touchpoint(j, "nope"));

    assert_int_equal(j->n_personas, 2);
    const struct jm_persona *p = &j->personas[0];
    assert_int_equal(p->kind, JM_PERSONA_COMPANY);
    assert_string_equal(EN(p->industry), "Retail");
    assert_string_equal(EN(p->size), "51-200");
    assert_string_equal(EN(p->geography), "Vietnam, Thailand");
    assert_string_equal(EN(p->challenges.items[0]), "Stock and orders in spreadsheets");
    assert_int_equal(p->motivations.n, 1);
    p = &j->personas[1];
    assert_int_equal(p->kind, JM_PERSONA_PERSON);
    assert_string_equal(VI(p->name), "Giám đốc vận hành");
    assert_string_equal(p->role, "decider");
    assert_int_equal(p->trusted_sources.n, 2);
    assert_string_equal(EN(p->decision_criteria.items[1]), "Local support");
    assert_string_equal(EN(p->kpis.items[0]), "Cost per order");
    assert_string_equal(EN(p->goals.items[0]), "Fewer manual steps");
    assert_string_equal(EN(p->responsibilities.items[0]), "Fulfilment cost and speed");

    assert_int_equal(j->n_dmu_roles, 3);
    assert_string_equal(jm_journey_role_name(j, "champion", JM_LANG_EN), "Proposer");
    assert_string_equal(jm_journey_role_name(j, "it_admin", JM_LANG_VI), "Quản trị viên CNTT");
    assert_string_equal(EN(j->dmu_roles[2].description), "Checks security and integrations");
    assert_string_equal(jm_journey_role_name(j, "finance", JM_LANG_VI),
                        "Người kiểm soát tài chính");
    assert_string_equal(jm_journey_role_name(j, "nobody", JM_LANG_VI), "nobody");
}

static void check_example_groups_and_scoring(const struct jm_journey *j)
{
    assert_int_equal(j->n_channel_rules, 2);
    const struct jm_channel_rule *c = &j->channel_rules[0];
    assert_string_equal(c->group, "Paid Search");
    assert_int_equal(c->mediums.n, 3);
    assert_string_equal(c->sources.v[1], "bing");
    assert_int_equal(c->channels.n, 0);
    assert_string_equal(j->channel_rules[1].channels.v[2], "trade_show");
    const struct jm_scoring *s = &j->scoring;
    assert_true(s->half_life_days == 30);
    assert_int_equal(s->n_rules, 3);
    assert_true(s->rules[0].points == 10);
    assert_string_equal(s->rules[1].touchpoints.v[1], "trial_start");
    assert_int_equal(s->rules[2].touchpoints.n, 0);
    assert_string_equal(s->rules[2].where[0].field, "contact.dmu_role");
    assert_string_equal(s->rules[2].where[0].values.v[0], "decider");
    assert_int_equal(s->n_thresholds, 2);
    assert_string_equal(s->thresholds[1].name, "sql");
    assert_true(s->thresholds[1].value == 80);
}

static void example_parses_with_every_field(void **state)
{
    (void)state;
    struct jm_journey *j = parse_example();
    check_example_head(j);
    check_example_awareness(j);
    check_example_consideration(j);
    check_example_decision_on(j);
    check_example_catalog(j);
    check_example_groups_and_scoring(j);
    assert_int_equal(jm_journey_stage(j, "loyalty"), 3);
    assert_int_equal(jm_journey_stage(j, "Loyalty"), -1);
    jm_journey_free(j);
}

static void defaults_apply_when_keys_are_absent(void **state)
{
    (void)state;
    struct jm_journey *j =
        parse_ok("journey: t\nname: Plain\nstages:\n"
                 "  - {key: a, entry: {event: x}, owner: }\n"
                 "  - key: b\n    entry: {event: {}}\n    lanes: {thinking: ~}\n");
    assert_int_equal(j->lang, JM_LANG_EN);
    assert_string_equal(j->name.s[JM_LANG_EN], "Plain");
    assert_null(j->name.s[JM_LANG_VI]);
    assert_int_equal(j->settings.level, JM_LEVEL_ACCOUNT);
    assert_int_equal(j->settings.rollup, JM_ROLLUP_ANY_CONTACT);
    assert_true(j->settings.conversion_window_days == 0);
    assert_true(j->settings.stall_days == 30);
    assert_true(j->settings.skip_counts_as_passed);
    assert_true(j->settings.period_from == INT64_MIN && j->settings.period_to == INT64_MAX);
    assert_int_equal(j->settings.goal, 1);
    assert_true(j->stages[0].active);
    assert_false(j->stages[1].active);
    assert_false(j->stages[0].revisit);
    assert_null(j->stages[0].owner);
    assert_int_equal(j->stages[1].lanes[JM_LANE_THINKING].n, 0);
    assert_int_equal(j->stages[1].entry->at_least, 1);
    assert_int_equal(j->stages[1].entry->touchpoints.n, 0);
    assert_int_equal(j->n_channel_rules, 0);
    assert_int_equal(j->scoring.n_thresholds, 0);
    jm_journey_free(j);

    j = parse_ok("journey: v\nlang: vi\nname: Hành trình\n"
                 "settings: {level: contact, rollup: combined, skip_counts_as_passed: no,"
                 " period: {to: '2024-06-30T17:00:00+07:00'}, stall_days: 7.5}\n"
                 "stages:\n  - key: a\n    active: false\n    entry:\n"
                 "      survey: csat\n  - {key: b, active: true, entry: {ticket: opened}}\n");
    assert_int_equal(j->lang, JM_LANG_VI);
    assert_string_equal(j->name.s[JM_LANG_VI], "Hành trình");
    assert_string_equal(jm_text_get(&j->name, JM_LANG_EN), "Hành trình");
    assert_int_equal(j->settings.level, JM_LEVEL_CONTACT);
    assert_int_equal(j->settings.rollup, JM_ROLLUP_COMBINED);
    assert_false(j->settings.skip_counts_as_passed);
    assert_true(j->settings.stall_days == 7.5);
    assert_true(j->settings.period_from == INT64_MIN);
    assert_true(j->settings.period_to ==
                jm_days_from_civil(2024, 6, 30) * JM_US_PER_DAY + 10 * 3600 * JM_US_PER_SEC);
    assert_false(j->stages[0].active);
    assert_true(j->stages[1].active);
    const struct jm_rule *r = j->stages[0].entry;
    assert_string_equal(r->survey_kind, "csat");
    assert_true(r->score_min == 1 && r->score_max == 5);
    assert_int_equal(j->stages[1].entry->priorities.n, 0);
    jm_journey_free(j);
}

/* ---------------------------------------------------------------- errors */

static void errors_name_unknown_keys(void **state)
{
    (void)state;
    expect_error(with("colour: red\n"),
                 "j.yaml:2:1: unknown key 'colour' in the journey definition (expected one of: "
                 "journey, lang, name, description, settings, stages, touchpoints, personas, "
                 "dmu_roles, channel_groups, scoring)");
    expect_error(
        "journey: t\nstages:\n  - key: a\n    colour: red\n    entry: {event: x}\n",
        "j.yaml:4:5: unknown key 'colour' in a stage (expected one of: key, name, "
        "owner, active, revisit, emotion, dmu_roles, entry, lanes, kpis, future, annotations)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: {touchpoints: x}}\n",
                 "j.yaml:4:21: unknown key 'touchpoints' in event (expected one of: touchpoint, "
                 "channel, where, at_least, within_days)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {evnt: x}\n",
                 "j.yaml:4:13: unknown key 'evnt' in a rule (expected one of: all, any, not, "
                 "event, score, deal, ticket, survey, revenue, stage)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "    lanes: {pains: [x]}\n",
                 "j.yaml:5:13: unknown key 'pains' in lanes (expected one of: thinking, actions, "
                 "goals, questions, pain_points, emotions, information, moments_of_truth, "
                 "our_goals, our_actions, opportunities)");
    expect_error(with("name: {en: a, fr: b}\n"),
                 "j.yaml:2:15: unknown key 'fr' in name (expected one of: en, vi)");
}

static void errors_name_wrong_types_and_words(void **state)
{
    (void)state;
    expect_error("journey: t\nstages: {a: b}\n",
                 "j.yaml:2:9: stages must be a list, not a mapping");
    expect_error("journey: t\nstages:\n  - a\n",
                 "j.yaml:3:5: a stage must be a mapping, not a value");
    expect_error(with("name: [a]\n"),
                 "j.yaml:2:7: name must be a text or {en: ..., vi: ...}, not a list");
    expect_error(with("settings: {stall_days: [1]}\n"),
                 "j.yaml:2:24: stall_days must be a single value, not a list");
    expect_error(with("settings: {level: company}\n"),
                 "j.yaml:2:19: level must be account or contact, not 'company'");
    expect_error(with("settings: {skip_counts_as_passed: maybe}\n"),
                 "j.yaml:2:35: skip_counts_as_passed must be true or false, not 'maybe'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: {channel: {a: b}}}\n",
                 "j.yaml:4:30: channel must be a value or a list of values, not a mapping");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: {channel: [[a]]}}\n",
                 "j.yaml:4:31: channel must list single values, not a list");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {any: {event: x}}\n",
                 "j.yaml:4:18: any must be a list, not a mapping");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {any: []}\n",
                 "j.yaml:4:18: any needs at least one rule");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x, deal: won}\n",
                 "j.yaml:4:12: a rule holds exactly one of all, any, not, event, score, deal, "
                 "ticket, survey, revenue or stage (combine several with all or any)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {}\n",
                 "j.yaml:4:12: a rule holds exactly one of all, any, not, event, score, deal, "
                 "ticket, survey, revenue or stage (combine several with all or any)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {deal: signed}\n",
                 "j.yaml:4:19: deal must be created, won, lost or {stage: [...]}, not 'signed'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {deal: {is: won, stage: x}}\n",
                 "j.yaml:4:19: deal takes is or stage, not both");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {deal: {pipeline: x}}\n",
                 "j.yaml:4:19: deal needs is (created, won or lost) or stage");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {ticket: {priority: [high, p1]}}\n",
                 "j.yaml:4:39: priority must be low, normal, high or urgent, not 'p1'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {revenue: up}\n",
                 "j.yaml:4:22: revenue must be started, grown, shrunk or ended, not 'up'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {survey: {kind: sus}}\n",
                 "j.yaml:4:28: kind must be nps, csat or ces, not 'sus'");
}

static void errors_name_values_out_of_range(void **state)
{
    (void)state;
    expect_error("journey: t\nstages:\n  - key: a\n    emotion: 2\n    entry: {event: x}\n",
                 "j.yaml:4:14: emotion must be a number from -1 to 1, not '2'");
    expect_error("journey: t\nstages:\n  - key: a\n    emotion: 0x1\n    entry: {event: x}\n",
                 "j.yaml:4:14: emotion must be a number from -1 to 1, not '0x1'");
    expect_error(with("settings: {conversion_window_days: -1}\n"),
                 "j.yaml:2:36: conversion_window_days must be a number from 0 to 36500, not '-1'");
    expect_error(with("settings: {stall_days: 0}\n"),
                 "j.yaml:2:24: stall_days must be a number from 1 to 36500, not '0'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: {at_least: 0}}\n",
                 "j.yaml:4:31: at_least must be a number from 1 to 1000000, not '0'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: {at_least: 1.5}}\n",
                 "j.yaml:4:31: at_least must be a whole number, not '1.5'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {survey: {kind: csat, max: 7}}\n",
                 "j.yaml:4:39: max must be a number from 1 to 5, not '7'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {survey: {min: 8, max: 3}}\n",
                 "j.yaml:4:21: survey min must not be greater than max");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "    kpis: [{metric: win_rate, target: 30}]\n",
                 "j.yaml:5:39: the target of win_rate must be a number from 0 to 1, not '30'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "    kpis: [{metric: nps, target: 101}]\n",
                 "j.yaml:5:34: the target of nps must be a number from -100 to 100, not '101'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "    kpis: [{metric: count, target: -5}]\n",
                 "j.yaml:5:36: the target of count must be a number of at least 0, not '-5'");
    expect_error(with("settings: {period: {from: 2024-13-01}}\n"),
                 "j.yaml:2:27: from: invalid date or time '2024-13-01': there is no month 13");
    expect_error(with("settings: {period: {from: 01/02/2024}}\n"),
                 "j.yaml:2:27: from must be a date such as 2024-01-01 or 2024-01-01T09:30:00Z, "
                 "not '01/02/2024'");
    expect_error(with("settings: {period: {from: 2025-01-01, to: 2024-01-01}}\n"),
                 "j.yaml:2:20: the period must end after it starts");
    expect_error(with("lang: fr\n"), "j.yaml:2:7: lang must be en or vi, not 'fr'");
    expect_error(with("scoring: {thresholds: {mql: lots}}\n"),
                 "j.yaml:2:29: mql must be a number, not 'lots'");
}

static void errors_name_missing_and_malformed_keys(void **state)
{
    (void)state;
    expect_error("stages: []\n", "j.yaml:1:1: the definition needs a key (journey: NAME)");
    expect_error("journey: t\n", "j.yaml:1:1: the definition needs stages");
    expect_error("journey: t\nstages: []\n", "j.yaml:2:9: stages is empty");
    expect_error("journey: 'a b'\nstages: []\n",
                 "j.yaml:1:10: journey key 'a b' may hold only letters, digits, '-' and '_'");
    expect_error("journey: t\nstages:\n  - name: x\n", "j.yaml:3:5: a stage needs a key");
    expect_error("journey: t\nstages:\n  - key: a\n    name: A\n",
                 "j.yaml:3:5: stage 'a' needs an entry rule");
    expect_error("journey: t\nstages:\n  - key: ''\n", "j.yaml:3:10: stage key must not be empty");
    expect_error("journey: t\nstages:\n  - key: \"a\\0b\"\n",
                 "j.yaml:3:10: stage key must not contain a NUL character");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "    kpis: [{target: 3}]\n",
                 "j.yaml:5:12: a KPI needs a metric (conversion_rate, median_days, count, nps, "
                 "win_rate, dmu_coverage or nrr)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "    kpis: [{metric: nps}]\n",
                 "j.yaml:5:12: a KPI needs a target");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "    kpis: [{metric: nps, target: 1}, {metric: nps, target: 2}]\n",
                 "j.yaml:5:38: duplicate KPI 'nps' in stage 'a'");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "touchpoints:\n  - {key: demo, kpi: {metric: speed, target: 1}}\n",
                 "j.yaml:6:31: metric must be conversion_rate, median_days, count, nps, "
                 "win_rate, dmu_coverage or nrr, not 'speed'");
    expect_error(with("personas: [{key: p}]\n"),
                 "j.yaml:2:12: a persona needs a kind (company or person)");
    expect_error(with("personas: [{key: p, kind: company, role: decider}]\n"),
                 "j.yaml:2:36: unknown key 'role' in a company persona (expected one of: key, "
                 "kind, name, description, industry, size, geography, challenges, "
                 "motivations)");
    expect_error(with("channel_groups: [{channels: [x]}]\n"),
                 "j.yaml:2:18: a channel group rule needs a group");
    expect_error(with("scoring: {rules: [{touchpoint: x}]}\n"),
                 "j.yaml:2:19: a scoring rule needs points");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {score: {}}\n",
                 "j.yaml:4:20: score needs at_least (or the name of a threshold)");
    expect_error("", "j.yaml: the journey definition is empty");
    expect_error("journey: [\n",
                 "j.yaml:2:1: did not find expected node content while parsing a flow node");
    expect_error("journey: t\nname: \"\\xff\\uD800\"\n",
                 "j.yaml:2:14: found invalid Unicode character escape code while parsing a "
                 "quoted scalar");
    expect_error("journey: \xff\n", "j.yaml:1:10: invalid leading UTF-8 octet");
}

static void errors_name_duplicates(void **state)
{
    (void)state;
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "  - key: a\n    entry: {event: y}\n",
                 "j.yaml:5:10: duplicate stage 'a'");
    expect_error(with("settings:\n  stall_days: 3\n  stall_days: 4\n"),
                 "j.yaml:4:3: duplicate key 'stall_days' in settings");
    expect_error("journey: t\njourney: u\nstages: []\n",
                 "j.yaml:2:1: duplicate key 'journey' in the journey definition");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: {where: {url: a, url: b}}}\n",
                 "j.yaml:4:37: duplicate key 'url' in where");
    expect_error(with("scoring: {thresholds: {mql: 1, mql: 2}}\n"),
                 "j.yaml:2:32: duplicate key 'mql' in thresholds");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "touchpoints: [{key: x}, {key: y}, {key: x}]\n",
                 "j.yaml:5:41: duplicate touchpoint 'x'");
    expect_error(with("dmu_roles: [{key: cto}, {key: cto}]\n"),
                 "j.yaml:2:31: duplicate DMU role 'cto'");
    expect_error(with("personas: [{key: p, kind: person}, {key: p, kind: company}]\n"),
                 "j.yaml:2:42: duplicate persona 'p'");
    expect_error(with("name: &a x\ndescription: *a\n"),
                 "j.yaml:2:7: anchors and aliases are not supported");
}

static void errors_name_dangling_references(void **state)
{
    (void)state;
    expect_error(with("settings: {goal: z}\n"), "j.yaml:2:18: no stage 'z' (stages: a, b)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {stage: c}\n"
                 "  - key: b\n    entry: {event: x}\n",
                 "j.yaml:4:20: no stage 'c' (stages: a, b)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "touchpoints: [{key: demo, stage: later}]\n",
                 "j.yaml:5:34: no stage 'later' (stages: a)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {score: hot}\n",
                 "j.yaml:4:20: no threshold 'hot' (define it under scoring.thresholds)");
    expect_error("journey: t\nscoring: {thresholds: {mql: 40, sql: 80}}\nstages:\n"
                 "  - key: a\n    entry: {score: hot}\n",
                 "j.yaml:5:20: no threshold 'hot' (thresholds: mql, sql)");
    expect_error("journey: t\nstages:\n  - key: a\n    dmu_roles: [decider, cfo]\n"
                 "    entry: {event: x}\n",
                 "j.yaml:4:26: unknown DMU role 'cfo' (built-in: decider, champion, user, "
                 "researcher, influencer, finance, unknown; or declare it under dmu_roles)");
    expect_error(with("personas: [{key: p, kind: person, role: boss}]\n"),
                 "j.yaml:2:41: unknown DMU role 'boss' (built-in: decider, champion, user, "
                 "researcher, influencer, finance, unknown; or declare it under dmu_roles)");
    struct jm_journey *j =
        parse_ok(with("dmu_roles: [{key: cfo}]\npersonas: [{key: p, kind: person, role: cfo}]\n"));
    assert_string_equal(j->personas[0].role, "cfo");
    jm_journey_free(j);
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: {where: {contact.dmu_role: "
                 "ceo}}}\n",
                 "j.yaml:4:47: unknown DMU role 'ceo' (built-in: decider, champion, user, "
                 "researcher, influencer, finance, unknown; or declare it under dmu_roles)");
    expect_error("journey: t\npersonas: [{key: p, kind: person}]\nstages:\n  - key: a\n"
                 "    entry: {event: {where: {contact.persona: [p, q]}}}\n",
                 "j.yaml:5:50: no persona 'q' (declare it under personas)");
}

static void errors_name_where_fields(void **state)
{
    (void)state;
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: {where: {colour: red}}}\n",
                 "j.yaml:4:29: unknown field 'colour' in where (expected touchpoint, channel, "
                 "channel_group, utm_source, utm_medium, utm_campaign, utm_content, utm_term, "
                 "url, referrer, properties.NAME, contact.FIELD or account.FIELD)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: {where: {properties.: x}}}\n",
                 "j.yaml:4:29: unknown field 'properties.' in where (expected touchpoint, channel, "
                 "channel_group, utm_source, utm_medium, utm_campaign, utm_content, utm_term, "
                 "url, referrer, properties.NAME, contact.FIELD or account.FIELD)");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: {where: {contact.age: 3}}}\n",
                 "j.yaml:4:29: contacts have no field 'age' (fields: id, account, name, email, "
                 "title, dmu_role, persona, owner, created; or properties.NAME)");
    expect_error(
        "journey: t\nstages:\n  - key: a\n    entry: {event: {where: {account.tier: 3}}}\n",
        "j.yaml:4:29: accounts have no field 'tier' (fields: id, name, domain, industry, "
        "size_band, employees, region, country, segment, owner, created; or "
        "properties.NAME)");
    struct jm_journey *j =
        parse_ok("journey: t\nstages:\n  - key: a\n    entry:\n      event:\n        where:\n"
                 "          properties.plan: pro\n          account.industry: [Retail, Logistics]\n"
                 "          account.properties.tier: gold\n          contact.title: CFO\n"
                 "          channel_group: Paid Search\n");
    const struct jm_rule *r = j->stages[0].entry;
    assert_int_equal(r->n_where, 5);
    assert_string_equal(r->where[0].field, "properties.plan");
    assert_string_equal(r->where[1].values.v[1], "Logistics");
    assert_string_equal(r->where[2].field, "account.properties.tier");
    jm_journey_free(j);
}

static void errors_name_rule_shapes_and_cycles(void **state)
{
    (void)state;
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {not: {event: x}}\n",
                 "j.yaml:4:12: not is allowed only directly inside all");
    expect_error("journey: t\nstages:\n  - key: a\n    entry:\n      any:\n"
                 "        - event: x\n        - not: {event: y}\n",
                 "j.yaml:7:11: not is allowed only directly inside all");
    expect_error("journey: t\nstages:\n  - key: a\n    entry:\n      all:\n"
                 "        - event: x\n        - not: {not: {event: y}}\n",
                 "j.yaml:7:16: not is allowed only directly inside all");
    expect_error("journey: t\nstages:\n  - key: a\n    entry:\n      all:\n"
                 "        - not: {event: x}\n        - not: {deal: lost}\n",
                 "j.yaml:5:7: all needs at least one rule other than not");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {stage: b}\n"
                 "  - key: b\n    entry: {any: [{event: x}, {stage: a}]}\n",
                 "j.yaml:6:31: stage rules form a cycle: a -> b -> a");
    expect_error("journey: t\nstages:\n  - key: a\n    entry: {event: x}\n"
                 "  - key: b\n    entry: {all: [{event: y}, {not: {stage: b}}]}\n",
                 "j.yaml:6:37: stage rules form a cycle: b -> b");
    expect_error("journey: t\nstages:\n  - {key: a, entry: {stage: b}}\n"
                 "  - {key: b, entry: {stage: c}}\n  - {key: c, entry: {stage: b}}\n",
                 "j.yaml:5:21: stage rules form a cycle: b -> c -> b");
    /* A chain without a cycle is fine. */
    struct jm_journey *j = parse_ok("journey: t\nstages:\n  - {key: a, entry: {event: x}}\n"
                                    "  - {key: b, entry: {stage: a}}\n"
                                    "  - {key: c, entry: {all: [{stage: a}, {stage: b}]}}\n");
    assert_int_equal(j->stages[2].entry->children[1].stage, 1);
    jm_journey_free(j);

    char deep[2048];
    int len = snprintf(deep, sizeof(deep), "journey: t\nstages:\n  - key: a\n    entry: ");
    for (int i = 0; i < 40; i++)
        len += snprintf(deep + len, sizeof(deep) - (size_t)len, "{any: [");
    len += snprintf(deep + len, sizeof(deep) - (size_t)len, "{event: x}");
    for (int i = 0; i < 40; i++)
        len += snprintf(deep + len, sizeof(deep) - (size_t)len, "]}");
    snprintf(deep + len, sizeof(deep) - (size_t)len, "\n");
    expect_error(deep, "j.yaml:4:236: rules nest more than 32 levels deep");
}

static void load_reports_unreadable_files(void **state)
{
    (void)state;
    struct jm_journey *j = NULL;
    struct jm_error err;
    assert_int_equal(jm_journey_load("/nonexistent/j.yaml", &j, &err), JM_EIO);
    assert_int_equal(err.code, JM_EIO);
    assert_null(j);
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_write_file(dir, "ok.yaml", with(""));
    assert_int_equal(jm_journey_load(path, &j, &err), JM_OK);
    assert_string_equal(j->path, path);
    jm_journey_free(j);
    path = jm_test_write_file(dir, "bad.yaml", "journey: t\nstages: 3\n");
    assert_int_equal(jm_journey_load(path, &j, &err), JM_EPARSE);
    assert_non_null(strstr(err.msg, "bad.yaml:2:9: stages must be a list, not a value"));
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- round trips */

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Texts: exactly when `lang` is JM_LANG__COUNT, else as read in `lang`. */
static void text_eq(const struct jm_text *a, const struct jm_text *b, enum jm_lang lang)
{
    if (lang != JM_LANG__COUNT) {
        assert_string_equal(jm_text_get(a, lang), jm_text_get(b, lang));
        return;
    }
    for (size_t i = 0; i < JM_LANG__COUNT; i++)
        assert_true(str_eq(a->s[i], b->s[i]));
}

static void texts_eq(const struct jm_text_list *a, const struct jm_text_list *b, enum jm_lang lang)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        text_eq(&a->items[i], &b->items[i], lang);
}

static void strlist_eq(const struct jm_strlist *a, const struct jm_strlist *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        assert_string_equal(a->v[i], b->v[i]);
}

static void where_eq(size_t n, const struct jm_condition *a, size_t m, const struct jm_condition *b)
{
    assert_int_equal(n, m);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(a[i].field, b[i].field);
        strlist_eq(&a[i].values, &b[i].values);
    }
}

static void rule_eq(const struct jm_rule *a, const struct jm_rule *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->n_children, b->n_children);
    for (size_t i = 0; i < a->n_children; i++)
        rule_eq(&a->children[i], &b->children[i]);
    strlist_eq(&a->touchpoints, &b->touchpoints);
    strlist_eq(&a->channels, &b->channels);
    where_eq(a->n_where, a->where, b->n_where, b->where);
    assert_int_equal(a->at_least, b->at_least);
    assert_true(a->within_days == b->within_days);
    assert_true(a->score_at_least == b->score_at_least);
    assert_true(str_eq(a->threshold, b->threshold));
    assert_int_equal(a->deal, b->deal);
    strlist_eq(&a->deal_stages, &b->deal_stages);
    strlist_eq(&a->pipelines, &b->pipelines);
    strlist_eq(&a->priorities, &b->priorities);
    assert_true(str_eq(a->survey_kind, b->survey_kind));
    assert_true(a->score_min == b->score_min && a->score_max == b->score_max);
    assert_int_equal(a->revenue, b->revenue);
    assert_int_equal(a->stage, b->stage);
}

static void kpi_eq(const struct jm_kpi *a, const struct jm_kpi *b, enum jm_lang lang)
{
    assert_int_equal(a->metric, b->metric);
    assert_true(a->target == b->target);
    text_eq(&a->name, &b->name, lang);
}

static void stage_eq(const struct jm_stage *a, const struct jm_stage *b, enum jm_lang lang)
{
    assert_string_equal(a->key, b->key);
    text_eq(&a->name, &b->name, lang);
    assert_true(str_eq(a->owner, b->owner));
    assert_int_equal(a->active, b->active);
    assert_int_equal(a->revisit, b->revisit);
    assert_int_equal(a->has_emotion, b->has_emotion);
    assert_true(a->emotion == b->emotion);
    strlist_eq(&a->dmu_roles, &b->dmu_roles);
    rule_eq(a->entry, b->entry);
    assert_true(!a->revisit_when == !b->revisit_when);
    if (a->revisit_when)
        rule_eq(a->revisit_when, b->revisit_when);
    for (size_t i = 0; i < JM_LANE__COUNT; i++)
        texts_eq(&a->lanes[i], &b->lanes[i], lang);
    assert_int_equal(a->n_kpis, b->n_kpis);
    for (size_t i = 0; i < a->n_kpis; i++)
        kpi_eq(&a->kpis[i], &b->kpis[i], lang);
}

static void persona_eq(const struct jm_persona *a, const struct jm_persona *b, enum jm_lang lang)
{
    assert_string_equal(a->key, b->key);
    assert_int_equal(a->kind, b->kind);
    text_eq(&a->name, &b->name, lang);
    text_eq(&a->description, &b->description, lang);
    text_eq(&a->industry, &b->industry, lang);
    text_eq(&a->size, &b->size, lang);
    text_eq(&a->geography, &b->geography, lang);
    texts_eq(&a->challenges, &b->challenges, lang);
    texts_eq(&a->motivations, &b->motivations, lang);
    assert_true(str_eq(a->role, b->role));
    texts_eq(&a->responsibilities, &b->responsibilities, lang);
    texts_eq(&a->kpis, &b->kpis, lang);
    texts_eq(&a->goals, &b->goals, lang);
    texts_eq(&a->trusted_sources, &b->trusted_sources, lang);
    texts_eq(&a->decision_criteria, &b->decision_criteria, lang);
}

static void catalog_eq(const struct jm_journey *a, const struct jm_journey *b, enum jm_lang lang)
{
    assert_int_equal(a->n_touchpoints, b->n_touchpoints);
    for (size_t i = 0; i < a->n_touchpoints; i++) {
        const struct jm_touchpoint_def *x = &a->touchpoints[i], *y = &b->touchpoints[i];
        assert_string_equal(x->key, y->key);
        text_eq(&x->name, &y->name, lang);
        assert_true(str_eq(x->stage, y->stage));
        assert_int_equal(x->stage ? x->stage_index : 0, y->stage ? y->stage_index : 0);
        assert_true(str_eq(x->channel, y->channel) && str_eq(x->owner, y->owner));
        text_eq(&x->outcome, &y->outcome, lang);
        assert_int_equal(x->has_kpi, y->has_kpi);
        if (x->has_kpi)
            kpi_eq(&x->kpi, &y->kpi, lang);
    }
    assert_int_equal(a->n_personas, b->n_personas);
    for (size_t i = 0; i < a->n_personas; i++)
        persona_eq(&a->personas[i], &b->personas[i], lang);
    assert_int_equal(a->n_dmu_roles, b->n_dmu_roles);
    for (size_t i = 0; i < a->n_dmu_roles; i++) {
        assert_string_equal(a->dmu_roles[i].key, b->dmu_roles[i].key);
        text_eq(&a->dmu_roles[i].name, &b->dmu_roles[i].name, lang);
        text_eq(&a->dmu_roles[i].description, &b->dmu_roles[i].description, lang);
    }
    assert_int_equal(a->n_channel_rules, b->n_channel_rules);
    for (size_t i = 0; i < a->n_channel_rules; i++) {
        const struct jm_channel_rule *x = &a->channel_rules[i], *y = &b->channel_rules[i];
        assert_string_equal(x->group, y->group);
        strlist_eq(&x->channels, &y->channels);
        strlist_eq(&x->sources, &y->sources);
        strlist_eq(&x->mediums, &y->mediums);
        strlist_eq(&x->referrers, &y->referrers);
    }
    const struct jm_scoring *s = &a->scoring, *t = &b->scoring;
    assert_true(s->half_life_days == t->half_life_days);
    assert_int_equal(s->n_rules, t->n_rules);
    for (size_t i = 0; i < s->n_rules; i++) {
        strlist_eq(&s->rules[i].touchpoints, &t->rules[i].touchpoints);
        where_eq(s->rules[i].n_where, s->rules[i].where, t->rules[i].n_where, t->rules[i].where);
        assert_true(s->rules[i].points == t->rules[i].points);
    }
    assert_int_equal(s->n_thresholds, t->n_thresholds);
    for (size_t i = 0; i < s->n_thresholds; i++) {
        assert_string_equal(s->thresholds[i].name, t->thresholds[i].name);
        assert_true(s->thresholds[i].value == t->thresholds[i].value);
    }
}

static void journey_eq(const struct jm_journey *a, const struct jm_journey *b, enum jm_lang lang)
{
    assert_string_equal(a->key, b->key);
    if (lang == JM_LANG__COUNT)
        assert_int_equal(a->lang, b->lang);
    else
        assert_int_equal(b->lang, lang);
    text_eq(&a->name, &b->name, lang);
    text_eq(&a->description, &b->description, lang);
    assert_memory_equal(&a->settings, &b->settings, sizeof(a->settings));
    assert_int_equal(a->n_stages, b->n_stages);
    for (size_t i = 0; i < a->n_stages; i++)
        stage_eq(&a->stages[i], &b->stages[i], lang);
    catalog_eq(a, b, lang);
}

/* Writes `j` in `lang`, parses it back, checks it equal, and checks writing again is a no-op. */
static void round_trip(const struct jm_journey *j, enum jm_lang lang)
{
    struct jm_strbuf sb = JM_STRBUF_INIT, again = JM_STRBUF_INIT;
    struct jm_error err;
    assert_int_equal(jm_journey_write(j, lang, &sb, &err), JM_OK);
    struct jm_journey *back = NULL;
    if (jm_journey_parse(sb.buf, sb.len, "written.yaml", &back, &err))
        fail_msg("written definition does not parse: %s\n%s", err.msg, sb.buf);
    journey_eq(j, back, lang);
    assert_int_equal(jm_journey_write(back, lang, &again, &err), JM_OK);
    assert_string_equal(sb.buf, again.buf);
    jm_journey_free(back);
    jm_strbuf_release(&sb);
    jm_strbuf_release(&again);
}

static void write_round_trips_the_example(void **state)
{
    (void)state;
    struct jm_journey *j = parse_example();
    round_trip(j, JM_LANG__COUNT);
    round_trip(j, JM_LANG_EN);
    round_trip(j, JM_LANG_VI);
    jm_journey_free(j);
}

/* Texts that YAML would read as something else, or that need escapes. */
static const char tricky[] =
    "journey: tricky\nlang: vi\n"
    "name: \"Tiếng Việt: “ngoặc kép” và 'nháy đơn' # không phải chú thích\"\n"
    "description: {en: \"  leading and trailing  \", vi: \"a\\tb\\nc\\r\\\\d\\\"e\\x01\\x7f\"}\n"
    "stages:\n"
    "  - key: a-1\n    name: {en: \"null\", vi: \"true\"}\n    owner: \"123\"\n"
    "    emotion: -0.125\n"
    "    entry: {event: {touchpoint: [\"- item\", \"{flow}\", \"[x]\", \"*star\", \"&amp\"],"
    " where: {\"properties.ghi chú\": [\"Đã xem\", \"\"]}}}\n"
    "    lanes:\n      thinking: [\"\\x85 NEL \\u2028 LS \\u2029 PS \\uFEFF BOM \\x9f C1\","
    " \"emoji 😀 \\U0001F600\", \"~\", \"\", \"yes\", \"0x10\", \"1e3\"]\n"
    "  - key: B_2\n    entry: {deal: {is: created, pipeline: \"Bán hàng: mới\"}}\n"
    "    kpis: [{metric: nrr, target: 0.1, name: \"ti\\u1ec7 l\\u1ec7\"}]\n"
    "settings: {period: {from: '2024-02-29T23:59:59.123456Z'}, conversion_window_days: 0.1,"
    " stall_days: 33.333333333333336}\n"
    "scoring: {half_life_days: 1e-3, thresholds: {\"1\": -2.5e-7},"
    " rules: [{where: {contact.persona: x}, points: 3}]}\n"
    "channel_groups: [{group: \"Tìm kiếm: trả phí\", referrers: [\"*://*.google.*/*\"]}]\n";

static void write_round_trips_any_text(void **state)
{
    (void)state;
    struct jm_journey *j = parse_ok(tricky);
    assert_string_equal(j->description.s[JM_LANG_VI], "a\tb\nc\r\\d\"e\x01\x7f");
    assert_string_equal(j->description.s[JM_LANG_EN], "  leading and trailing  ");
    assert_string_equal(j->stages[0].lanes[0].items[1].s[JM_LANG_VI], "emoji 😀 😀");
    assert_null(j->stages[0].lanes[0].items[3].s[JM_LANG_VI]);
    assert_string_equal(j->stages[1].kpis[0].name.s[JM_LANG_VI], "tiệ lệ");
    assert_string_equal(j->stages[0].entry->where[0].values.v[1], "");
    round_trip(j, JM_LANG__COUNT);
    round_trip(j, JM_LANG_VI);
    round_trip(j, JM_LANG_EN);
    jm_journey_free(j);
}

static void write_falls_back_to_the_other_language(void **state)
{
    (void)state;
    struct jm_journey *j =
        parse_ok(with("lang: vi\nname: Hành trình\ndescription: {en: Only English}\n"));
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_journey_write(j, JM_LANG_EN, &sb, NULL), JM_OK);
    assert_non_null(strstr(sb.buf, "journey: \"t\"\nlang: en\nname: \"Hành trình\"\n"
                                   "description: \"Only English\"\n"));
    jm_strbuf_reset(&sb);
    assert_int_equal(jm_journey_write(j, JM_LANG__COUNT, &sb, NULL), JM_OK);
    assert_non_null(strstr(sb.buf, "lang: vi\nname: {vi: \"Hành trình\"}\n"
                                   "description: {en: \"Only English\"}\n"));
    /* A buffer that is too small fails cleanly and keeps what it had. */
    struct jm_strbuf small;
    jm_strbuf_init(&small, 64);
    assert_int_equal(jm_strbuf_addstr(&small, "# head\n"), JM_OK);
    struct jm_error err;
    assert_int_equal(jm_journey_write(j, JM_LANG_EN, &small, &err), JM_ELIMIT);
    assert_string_equal(small.buf, "# head\n");
    jm_strbuf_release(&small);
    jm_strbuf_release(&sb);
    jm_journey_free(j);
}

/* ---------------------------------------------------------------- texts and names */

static void names_exist_in_both_languages(void **state)
{
    (void)state;
    enum jm_lang l;
    assert_true(jm_lang_parse("vi", &l) && l == JM_LANG_VI);
    assert_true(jm_lang_parse("EN", &l) && l == JM_LANG_EN);
    assert_false(jm_lang_parse("fr", &l));
    assert_string_equal(jm_lang_code(JM_LANG_VI), "vi");
    assert_string_equal(jm_lane_key(JM_LANE_PAIN_POINTS), "pain_points");
    assert_string_equal(jm_lane_name(JM_LANE_PAIN_POINTS, JM_LANG_VI), "Điểm đau");
    assert_string_equal(jm_lane_name(JM_LANE_THINKING, JM_LANG_VI), "Khách hàng nghĩ gì");
    assert_string_equal(jm_lane_name(JM_LANE_THINKING, JM_LANG_EN), "Customer thinking");
    assert_string_equal(jm_lane_name(JM_LANE_MOMENTS_OF_TRUTH, JM_LANG_VI), "Khoảnh khắc sự thật");
    for (size_t i = 0; i < JM_LANE__COUNT; i++)
        for (size_t k = 0; k < JM_LANG__COUNT; k++)
            assert_true(jm_lane_name((enum jm_lane)i, (enum jm_lang)k)[0] != '\0');
    for (size_t i = 0; i < JM_KPI__COUNT; i++)
        for (size_t k = 0; k < JM_LANG__COUNT; k++)
            assert_true(jm_kpi_name((enum jm_kpi_metric)i, (enum jm_lang)k)[0] != '\0');
    assert_string_equal(jm_kpi_key(JM_KPI_DMU_COVERAGE), "dmu_coverage");
    assert_string_equal(jm_kpi_name(JM_KPI_WIN_RATE, JM_LANG_VI), "Tỷ lệ thắng");
    assert_false(jm_kpi_higher_is_better(JM_KPI_MEDIAN_DAYS));
    assert_true(jm_kpi_higher_is_better(JM_KPI_NRR));
    static const char *const roles[][3] = {
        {"decider", "Decider", "Người quyết định"},
        {"champion", "Champion (proposer)", "Người đề xuất"},
        {"user", "User", "Người sử dụng"},
        {"researcher", "Researcher (technical evaluator)", "Người nghiên cứu"},
        {"influencer", "Influencer", "Người ảnh hưởng"},
        {"finance", "Finance gatekeeper", "Người kiểm soát tài chính"},
        {"unknown", "Unknown", "Chưa rõ"}};
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(jm_journey_role_name(NULL, roles[i][0], JM_LANG_EN), roles[i][1]);
        assert_string_equal(jm_journey_role_name(NULL, roles[i][0], JM_LANG_VI), roles[i][2]);
    }
    struct jm_text t = {{NULL, "chỉ tiếng Việt"}}, none = {{"", NULL}};
    assert_string_equal(jm_text_get(&t, JM_LANG_EN), "chỉ tiếng Việt");
    assert_string_equal(jm_text_get(&none, JM_LANG_VI), "");
    assert_true(jm_text_empty(&none));
    assert_false(jm_text_empty(&t));
}

/* ---------------------------------------------------------------- channel groups */

static const char *group(const char *channel, const char *source, const char *medium,
                         const char *referrer)
{
    size_t n;
    const struct jm_channel_rule *r = jm_channel_default_rules(&n);
    return jm_channel_group(r, n, channel, source, medium, referrer);
}

static void default_channel_groups_follow_ga4(void **state)
{
    (void)state;
    static const char *const raw[][2] = {{"organic_search", "Organic Search"},
                                         {"paid_search", "Paid Search"},
                                         {"paid_social", "Paid Social"},
                                         {"social", "Organic Social"},
                                         {"email", "Email"},
                                         {"direct", "Direct"},
                                         {"referral", "Referral"},
                                         {"display", "Display"},
                                         {"events", "Events"},
                                         {"partner", "Partner"},
                                         {"sales", "Sales"},
                                         {"product", "Product"},
                                         {"support", "Support"},
                                         {"customer_success", "Customer Success"},
                                         {"Paid Social", "Paid Social"},
                                         {"ORGANIC-SEARCH", "Organic Search"},
                                         {"Webinar series", "Events"},
                                         {"affiliates", "Affiliates"},
                                         {"Customer Success", "Customer Success"},
                                         {"(direct)", "Direct"}};
    for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
        assert_string_equal(group(raw[i][0], NULL, NULL, NULL), raw[i][1]);
    /* The demo data's UTM pairs, without a channel. */
    assert_string_equal(group(NULL, "google", "cpc", NULL), "Paid Search");
    assert_string_equal(group("", "coccoc", "cpc", NULL), "Paid Search");
    assert_string_equal(group(NULL, "linkedin", "paid_social", NULL), "Paid Social");
    assert_string_equal(group(NULL, "facebook", "cpc", NULL), "Paid Social");
    assert_string_equal(group(NULL, "zalo", "social", NULL), "Organic Social");
    assert_string_equal(group(NULL, "twitter", "social", NULL), "Organic Social");
    assert_string_equal(group(NULL, "newsletter", "email", NULL), "Email");
    assert_string_equal(group(NULL, "hubspot", "email", NULL), "Email");
    assert_string_equal(group(NULL, "google", "display", NULL), "Display");
    assert_string_equal(group(NULL, "saigon-digital", "partner", NULL), "Partner");
    assert_string_equal(group(NULL, "bing", NULL, NULL), "Organic Search");
    assert_string_equal(group(NULL, "google", "organic", NULL), "Organic Search");
    assert_string_equal(group(NULL, "g2.com", "referral", NULL), "Referral");
    assert_string_equal(group(NULL, "(direct)", "(none)", NULL), "Direct");
    assert_string_equal(group(NULL, "Bing", "PPC", NULL), "Paid Search");
    assert_string_equal(group(NULL, "somewhere", "cpc", NULL), "Paid Search");
    /* Referrers alone. */
    assert_string_equal(group(NULL, NULL, NULL, "https://www.google.com.vn/"), "Organic Search");
    assert_string_equal(group(NULL, NULL, NULL, "https://coccoc.com/search?q=crm"),
                        "Organic Search");
    assert_string_equal(group(NULL, NULL, NULL, "https://zalo.me/"), "Organic Social");
    assert_string_equal(group(NULL, NULL, NULL, "https://t.co/abc"), "Organic Social");
    assert_string_equal(group(NULL, NULL, NULL, "https://www.g2.com/"), "Referral");
    /* The raw channel wins over UTM; nothing at all is (missing); the unknown is (other). */
    assert_string_equal(group("events", "google", "cpc", NULL), "Events");
    assert_string_equal(group(NULL, NULL, NULL, NULL), "(missing)");
    assert_string_equal(group("", "", "", ""), "(missing)");
    assert_string_equal(group("carrier pigeon", NULL, NULL, NULL), "(other)");
}

static void definition_channel_groups_come_before_the_defaults(void **state)
{
    (void)state;
    struct jm_journey *j = parse_example();
    const struct jm_channel_rule *r = j->channel_rules;
    size_t n = j->n_channel_rules;
    assert_string_equal(jm_channel_group(r, n, NULL, "Google", "paid_x", NULL), "Paid Search");
    assert_string_equal(jm_channel_group(r, n, "Trade_Show", NULL, NULL, NULL), "Events");
    assert_string_equal(jm_channel_group(r, n, "email", NULL, NULL, NULL), "Email");
    assert_string_equal(jm_channel_group(r, n, "pigeon", NULL, NULL, NULL), "(other)");
    assert_string_equal(jm_channel_group(NULL, 0, "paid_search", NULL, NULL, NULL), "Paid Search");
    jm_journey_free(j);
    /* A catch-all turns the defaults off; patterns glob over the whole text. */
    j = parse_ok(with("channel_groups:\n  - {group: Ads, mediums: ['*c?c*', 'c*c', 'x*y*z']}\n"
                      "  - {group: Rest}\n"));
    r = j->channel_rules;
    n = j->n_channel_rules;
    assert_string_equal(jm_channel_group(r, n, NULL, NULL, "CPC", NULL), "Ads");
    assert_string_equal(jm_channel_group(r, n, NULL, NULL, "xaybz", NULL), "Ads");
    assert_string_equal(jm_channel_group(r, n, NULL, NULL, "xzy", NULL), "Rest");
    assert_string_equal(jm_channel_group(r, n, "email", NULL, NULL, NULL), "Rest");
    assert_string_equal(jm_channel_group(r, n, NULL, NULL, NULL, NULL), "(missing)");
    jm_journey_free(j);
}

/* ---------------------------------------------------------------- the YAML tree */

static void ytree_keeps_positions_and_aliases(void **state)
{
    (void)state;
    struct jm_ydoc d;
    const char *yaml = "a: &x [1, \"two\"]\nb: *x\nc: ~\n'd': ''\nk: \"Tiếng Việt: ok\"\n";
    struct jm_error err;
    assert_int_equal(jm__ydoc_load(&d, yaml, strlen(yaml), "y.yaml", 0, &err), JM_OK);
    const struct jm_ynode *a = jm__yget(d.root, "a"), *b = jm__yget(d.root, "b");
    assert_ptr_equal(a, b);
    assert_true(a->aliased);
    assert_int_equal(a->kind, JM_Y_SEQ);
    assert_int_equal(a->line, 1);
    assert_int_equal(a->column, 4);
    assert_int_equal(a->items[1]->column, 11);
    assert_false(a->items[1]->plain);
    assert_true(jm__ynull(jm__yget(d.root, "c")));
    assert_false(jm__ynull(jm__yget(d.root, "d")));
    assert_string_equal(jm__yget(d.root, "k")->s, "Tiếng Việt: ok");
    assert_null(jm__yget(d.root, "zz"));
    static const char *const allowed[] = {"a", "b", NULL};
    assert_int_equal(jm__ycheck_keys(&d, d.root, "the test", allowed), JM_EPARSE);
    assert_string_equal(err.msg, "y.yaml:3:1: unknown key 'c' in the test (expected one of: a, b)");
    jm__ydoc_release(&d);

    yaml = "&a [*a]\n";
    assert_int_equal(jm__ydoc_load(&d, yaml, strlen(yaml), "y.yaml", 0, &err), JM_OK);
    assert_ptr_equal(d.root->items[0], d.root);
    jm__ydoc_release(&d);
    assert_int_equal(jm__ydoc_load(&d, yaml, strlen(yaml), "y.yaml", JM_YDOC_NO_ALIASES, &err),
                     JM_EPARSE);
    assert_string_equal(err.msg, "y.yaml:1:1: anchors and aliases are not supported");
    jm__ydoc_release(&d);
}

/* ---------------------------------------------------------------- allocation failures */

static void parse_and_write_survive_every_allocation_failure(void **state)
{
    (void)state;
    char *yaml = doc_example();
    for (unsigned long n = 1;; n++) {
        struct jm_journey *j = NULL;
        struct jm_error err;
        jm_error_clear(&err);
        jm_alloc_fail_at(n);
        jm_status rc = jm_journey_parse(yaml, strlen(yaml), NAME, &j, &err);
        unsigned long used = jm_alloc_count();
        jm_alloc_fail_reset();
        if (rc == JM_OK) {
            jm_journey_free(j);
            if (used < n)
                break; /* every allocation has been failed once */
            continue;
        }
        assert_int_equal(rc, JM_ENOMEM);
        assert_string_equal(err.msg, "out of memory");
        assert_null(j);
    }
    struct jm_journey *j = parse_ok(yaml);
    for (unsigned long n = 1;; n++) {
        struct jm_strbuf sb = JM_STRBUF_INIT;
        struct jm_error err;
        jm_alloc_fail_at(n);
        jm_status rc = jm_journey_write(j, JM_LANG__COUNT, &sb, &err);
        unsigned long used = jm_alloc_count();
        jm_alloc_fail_reset();
        jm_strbuf_release(&sb);
        if (rc == JM_OK && used < n)
            break;
        assert_true(rc == JM_OK || rc == JM_ENOMEM);
        if (rc)
            assert_string_equal(err.msg, "out of memory");
    }
    jm_journey_free(j);
    free(yaml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_parses_with_every_field),
        cmocka_unit_test(defaults_apply_when_keys_are_absent),
        cmocka_unit_test(errors_name_unknown_keys),
        cmocka_unit_test(errors_name_wrong_types_and_words),
        cmocka_unit_test(errors_name_values_out_of_range),
        cmocka_unit_test(errors_name_missing_and_malformed_keys),
        cmocka_unit_test(errors_name_duplicates),
        cmocka_unit_test(errors_name_dangling_references),
        cmocka_unit_test(errors_name_where_fields),
        cmocka_unit_test(errors_name_rule_shapes_and_cycles),
        cmocka_unit_test(load_reports_unreadable_files),
        cmocka_unit_test(write_round_trips_the_example),
        cmocka_unit_test(write_round_trips_any_text),
        cmocka_unit_test(write_falls_back_to_the_other_language),
        cmocka_unit_test(names_exist_in_both_languages),
        cmocka_unit_test(default_channel_groups_follow_ga4),
        cmocka_unit_test(definition_channel_groups_come_before_the_defaults),
        cmocka_unit_test(ytree_keeps_positions_and_aliases),
        cmocka_unit_test_teardown(parse_and_write_survive_every_allocation_failure, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
