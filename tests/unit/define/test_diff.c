/*
 * Diffs of journey definitions: each kind of structural change is found with its stage, lane,
 * language and texts; identical definitions give no change; the line diff is exact (kept,
 * removed and added lines with their numbers) and reads back both texts.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <string.h>

#include "journeymap/diff.h"

static const char before[] = "journey: t\n"
                             "stages:\n"
                             "  - key: a\n"
                             "    name: {en: Aware, vi: Nhận biết}\n"
                             "    owner: marketing\n"
                             "    entry: {event: x}\n"
                             "    kpis: [{metric: conversion_rate, target: 0.3}]\n"
                             "    lanes:\n"
                             "      pain_points: [{en: slow, vi: chậm}, {en: costly, vi: đắt}]\n"
                             "  - key: b\n"
                             "    entry: {deal: won}\n"
                             "  - key: c\n"
                             "    entry: {deal: lost}\n";

static const char after[] = "journey: t\n"
                            "stages:\n"
                            "  - key: a\n"
                            "    name: {en: Awareness, vi: Nhận biết}\n"
                            "    owner: sales\n"
                            "    entry: {event: y}\n"
                            "    kpis: [{metric: conversion_rate, target: 0.4}]\n"
                            "    lanes:\n"
                            "      pain_points: [{en: slow, vi: chậm}, {en: too costly, vi: đắt}]\n"
                            "  - key: b\n"
                            "    entry: {deal: won}\n"
                            "  - key: d\n"
                            "    entry: {deal: lost}\n";

static struct jm_journey *parse(const char *yaml)
{
    struct jm_journey *j = NULL;
    struct jm_error err = {0};
    if (jm_journey_parse(yaml, strlen(yaml), "t.yaml", &j, &err))
        fail_msg("unexpected error: %s", err.msg);
    return j;
}

/* The change of `kind` at `stage`, or NULL. */
static const struct jm_change *find(const struct jm_diff *d, enum jm_change_kind kind,
                                    const char *stage)
{
    for (size_t i = 0; i < d->n_changes; i++)
        if (d->changes[i].kind == kind && strcmp(d->changes[i].stage, stage) == 0)
            return &d->changes[i];
    return NULL;
}

static void every_kind_is_found(void **state)
{
    (void)state;
    struct jm_journey *a = parse(before), *b = parse(after);
    struct jm_diff d;
    jm_diff_init(&d);
    assert_int_equal(jm_diff_journeys(a, b, &d), JM_OK);
    const struct jm_change *c = find(&d, JM_CHANGE_STAGE_RENAMED, "a");
    assert_non_null(c);
    assert_int_equal(c->lang, JM_LANG_EN);
    assert_string_equal(c->before, "Aware");
    assert_string_equal(c->after, "Awareness");
    c = find(&d, JM_CHANGE_OWNER_CHANGED, "a");
    assert_non_null(c);
    assert_string_equal(c->before, "marketing");
    assert_string_equal(c->after, "sales");
    assert_non_null(find(&d, JM_CHANGE_ENTRY_CHANGED, "a"));
    assert_null(find(&d, JM_CHANGE_ENTRY_CHANGED, "b"));
    c = find(&d, JM_CHANGE_KPI_CHANGED, "a");
    assert_non_null(c);
    assert_string_equal(c->what, "conversion_rate");
    assert_string_equal(c->before, "0.3");
    assert_string_equal(c->after, "0.4");
    c = find(&d, JM_CHANGE_ITEM_REMOVED, "a");
    assert_non_null(c);
    assert_string_equal(c->lane, "pain_points");
    assert_string_equal(c->before, "costly");
    c = find(&d, JM_CHANGE_ITEM_ADDED, "a");
    assert_non_null(c);
    assert_string_equal(c->after, "too costly");
    assert_non_null(find(&d, JM_CHANGE_STAGE_REMOVED, "c"));
    assert_non_null(find(&d, JM_CHANGE_STAGE_ADDED, "d"));
    /* Exactly these: the Vietnamese lane line and name did not change. */
    assert_int_equal(d.n_changes, 8);
    jm_diff_release(&d);
    jm_journey_free(a);
    jm_journey_free(b);
}

static void identical_gives_nothing(void **state)
{
    (void)state;
    struct jm_journey *a = parse(before), *b = parse(before);
    struct jm_diff d;
    jm_diff_init(&d);
    assert_int_equal(jm_diff_journeys(a, b, &d), JM_OK);
    assert_int_equal(jm_diff_texts(before, strlen(before), before, strlen(before), &d), JM_OK);
    assert_int_equal(d.n_changes, 0);
    assert_int_equal(d.added + d.removed, 0);
    for (size_t i = 0; i < d.n_lines; i++)
        assert_int_equal(d.lines[i].op, ' ');
    assert_int_equal(d.n_lines, 13);
    jm_diff_release(&d);
    jm_journey_free(a);
    jm_journey_free(b);
}

static void line_diff_is_exact(void **state)
{
    (void)state;
    const char *x = "a\nb\nc\nd\ne\n", *y = "a\nc\nd\nX\ne\nf\n";
    static const struct {
        char op;
        const char *text;
        size_t old_no, new_no;
    } want[] = {{' ', "a", 1, 1}, {'-', "b", 2, 0}, {' ', "c", 3, 2}, {' ', "d", 4, 3},
                {'+', "X", 0, 4}, {' ', "e", 5, 5}, {'+', "f", 0, 6}};
    struct jm_diff d;
    jm_diff_init(&d);
    assert_int_equal(jm_diff_texts(x, strlen(x), y, strlen(y), &d), JM_OK);
    assert_int_equal(d.n_lines, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < d.n_lines; i++) {
        assert_int_equal(d.lines[i].op, want[i].op);
        assert_int_equal(d.lines[i].len, strlen(want[i].text));
        assert_memory_equal(d.lines[i].text, want[i].text, d.lines[i].len);
        assert_int_equal(d.lines[i].old_no, want[i].old_no);
        assert_int_equal(d.lines[i].new_no, want[i].new_no);
    }
    assert_int_equal(d.added, 2);
    assert_int_equal(d.removed, 1);
    jm_diff_release(&d);
}

static void json_names_the_change(void **state)
{
    (void)state;
    struct jm_journey *a = parse(before), *b = parse(after);
    struct jm_diff d;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    jm_diff_init(&d);
    assert_int_equal(jm_diff_journeys(a, b, &d), JM_OK);
    assert_int_equal(jm_diff_texts(before, strlen(before), after, strlen(after), &d), JM_OK);
    assert_int_equal(jm_diff_json(&d, &sb), JM_OK);
    assert_non_null(strstr(sb.buf, "{\"kind\":\"item_added\",\"stage\":\"a\",\"lane\":"
                                   "\"pain_points\",\"lang\":\"en\",\"what\":null,"
                                   "\"before\":null,\"after\":\"too costly\"}"));
    assert_non_null(strstr(sb.buf, "{\"op\":\"-\",\"old\":12,\"new\":0,\"text\":\"  - key: c\"}"));
    jm_strbuf_release(&sb);
    jm_diff_release(&d);
    jm_journey_free(a);
    jm_journey_free(b);
}

static const char notes_before[] =
    "journey: t\n"
    "stages:\n"
    "  - key: a\n"
    "    entry: {event: x}\n"
    "    annotations:\n"
    "      - {id: n1, lane: pain_points, kind: pain_point, text: {en: slow, vi: chậm}}\n"
    "      - {id: n2, lane: opportunities, kind: opportunity, text: {en: faster}}\n"
    "      - {id: n3, lane: questions, kind: note, text: {en: who signs}}\n";

static const char notes_after[] =
    "journey: t\n"
    "stages:\n"
    "  - key: a\n"
    "    entry: {event: x}\n"
    "    annotations:\n"
    "      - {id: n1, lane: pain_points, kind: pain_point, text: {en: slow, vi: rất chậm}}\n"
    "      - {id: n3, lane: questions, kind: pain_point, text: {en: who signs}}\n"
    "      - {id: n4, lane: goals, kind: note, text: {en: renew}}\n";

/* The only change of `kind`, checked to be unique. */
static const struct jm_change *only(const struct jm_diff *d, enum jm_change_kind kind)
{
    const struct jm_change *found = NULL;
    for (size_t i = 0; i < d->n_changes; i++)
        if (d->changes[i].kind == kind) {
            assert_null(found);
            found = &d->changes[i];
        }
    assert_non_null(found);
    return found;
}

static void annotations_are_compared_by_id(void **state)
{
    (void)state;
    struct jm_journey *a = parse(notes_before), *b = parse(notes_after);
    struct jm_diff d;
    jm_diff_init(&d);
    assert_int_equal(jm_diff_journeys(a, b, &d), JM_OK);
    assert_int_equal(d.n_changes, 4);
    const struct jm_change *c = only(&d, JM_CHANGE_NOTE_REMOVED); /* n2 */
    assert_string_equal(c->lane, "opportunities");
    assert_string_equal(c->what, "opportunity");
    assert_string_equal(c->before, "faster");
    assert_null(c->after);
    c = only(&d, JM_CHANGE_NOTE_ADDED); /* n4 */
    assert_string_equal(c->lane, "goals");
    assert_string_equal(c->after, "renew");
    /* n1: its Vietnamese text; n3: its kind (text the same, reported once). */
    size_t changed = 0;
    for (size_t i = 0; i < d.n_changes; i++) {
        c = &d.changes[i];
        if (c->kind != JM_CHANGE_NOTE_CHANGED)
            continue;
        changed++;
        if (strcmp(c->lane, "pain_points") == 0) {
            assert_int_equal(c->lang, JM_LANG_VI);
            assert_string_equal(c->before, "chậm");
            assert_string_equal(c->after, "rất chậm");
        } else {
            assert_string_equal(c->lane, "questions");
            assert_string_equal(c->what, "pain_point");
        }
    }
    assert_int_equal(changed, 2);
    jm_diff_release(&d);
    jm_journey_free(a);
    jm_journey_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_is_found),
        cmocka_unit_test(identical_gives_nothing),
        cmocka_unit_test(line_diff_is_exact),
        cmocka_unit_test(json_names_the_change),
        cmocka_unit_test(annotations_are_compared_by_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
