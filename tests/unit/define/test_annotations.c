/*
 * Annotations in journey definitions: parsed with their position, refused with a precise
 * "file:line:column" message when wrong, and written back so that the definition reads the
 * same (the web app saves every annotation change as a new version through the writer).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "journeymap/define.h"

#define HEAD                                                                                       \
    "journey: notes\n"                                                                             \
    "stages:\n"                                                                                    \
    "  - key: aware\n"                                                                             \
    "    entry: {event: {touchpoint: blog}}\n"

static const char GOOD[] =
    HEAD "    annotations:\n"
         "      - id: a1\n"
         "        lane: pain_points\n"
         "        kind: pain_point\n"
         "        text: {en: \"Pricing: unclear\", vi: Giá không rõ ràng}\n"
         "        author: Lan (sales)\n"
         "        at: 2025-03-05T14:30:00.25+07:00\n"
         "      - {id: a2, lane: opportunities, kind: opportunity, text: Publish a price list}\n"
         "  - key: buy\n"
         "    entry: {deal: won}\n"
         "    annotations:\n"
         "      - {id: b-1, lane: questions, kind: note, text: \"Who signs?\", at: 2025-04-01}\n";

static struct jm_journey *parse_ok(const char *yaml)
{
    struct jm_journey *j = NULL;
    struct jm_error err;
    if (jm_journey_parse(yaml, strlen(yaml), "notes.yaml", &j, &err))
        fail_msg("parse: %s", err.msg);
    return j;
}

static void annotations_are_parsed(void **state)
{
    (void)state;
    struct jm_journey *j = parse_ok(GOOD);
    const struct jm_stage *s = &j->stages[0];
    assert_int_equal(s->n_annotations, 2);
    const struct jm_annotation *a = &s->annotations[0];
    assert_string_equal(a->id, "a1");
    assert_int_equal(a->lane, JM_LANE_PAIN_POINTS);
    assert_int_equal(a->kind, JM_ANNOTATION_PAIN_POINT);
    assert_string_equal(jm_text_get(&a->text, JM_LANG_EN), "Pricing: unclear");
    assert_string_equal(jm_text_get(&a->text, JM_LANG_VI), "Giá không rõ ràng");
    assert_string_equal(a->author, "Lan (sales)");
    /* 14:30:00.25 at +07:00 is 07:30:00.25 UTC. */
    char when[40];
    jm_time_format(a->at, false, when, sizeof(when));
    assert_string_equal(when, "2025-03-05T07:30:00.250000Z");
    assert_int_equal(a->line, 6);
    assert_int_equal(a->column, 9);
    a = &s->annotations[1];
    assert_int_equal(a->kind, JM_ANNOTATION_OPPORTUNITY);
    assert_int_equal(a->lane, JM_LANE_OPPORTUNITIES);
    assert_string_equal(a->author, "");
    assert_true(a->at == JM_TIME_NONE);
    assert_int_equal(j->stages[1].n_annotations, 1);
    assert_int_equal(j->stages[1].annotations[0].kind, JM_ANNOTATION_NOTE);
    jm_journey_free(j);
}

static void expect_error(const char *annotations, const char *want)
{
    char yaml[2048];
    snprintf(yaml, sizeof(yaml), HEAD "    annotations:\n%s", annotations);
    struct jm_journey *j = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    assert_int_equal(jm_journey_parse(yaml, strlen(yaml), "notes.yaml", &j, &err), JM_EPARSE);
    assert_null(j);
    if (strcmp(err.msg, want) != 0)
        fail_msg("got '%s', want '%s'", err.msg, want);
}

static void bad_annotations_are_refused_with_their_place(void **state)
{
    (void)state;
    expect_error("      - {id: a1, lane: worries, kind: note, text: x}\n",
                 "notes.yaml:6:24: lane must be thinking, actions, goals, questions, pain_points, "
                 "emotions, information, moments_of_truth, our_goals, our_actions or "
                 "opportunities, not 'worries'");
    expect_error("      - {id: a1, lane: goals, kind: idea, text: x}\n",
                 "notes.yaml:6:37: kind must be pain_point, opportunity or note, not 'idea'");
    expect_error("      - {id: a1, lane: goals, kind: note, text: x}\n"
                 "      - {id: a1, lane: goals, kind: note, text: y}\n",
                 "notes.yaml:7:14: duplicate annotation id 'a1'");
    expect_error("      - {id: a1, lane: goals, kind: note, text: x, at: 05/03/2025}\n",
                 "notes.yaml:6:56: at: expected an ISO-8601 time such as 2025-03-05T14:30:00Z, "
                 "not '05/03/2025'");
    expect_error("      - {id: a1, lane: goals, text: x}\n",
                 "notes.yaml:6:9: an annotation needs kind");
    expect_error("      - {id: a1, lane: goals, kind: note, text: \"\"}\n",
                 "notes.yaml:6:49: an annotation's text must not be empty");
    expect_error("      - {id: a1, lane: goals, kind: note, text: x, colour: red}\n",
                 "notes.yaml:6:52: unknown key 'colour' in an annotation (expected one of: id, "
                 "lane, kind, text, author, at)");
    expect_error("      - {id: 'a 1', lane: goals, kind: note, text: x}\n",
                 "notes.yaml:6:14: annotation id 'a 1' may hold only letters, digits, '-' and "
                 "'_'");
    expect_error("      note: x\n", "notes.yaml:6:7: annotations must be a list, not a mapping");
}

/* An id used in an earlier stage is taken too: the API finds an annotation by id alone. */
static void ids_are_unique_across_stages(void **state)
{
    (void)state;
    const char *yaml = HEAD "    annotations: [{id: x, lane: goals, kind: note, text: a}]\n"
                            "  - key: buy\n"
                            "    entry: {deal: won}\n"
                            "    annotations: [{id: x, lane: goals, kind: note, text: b}]\n";
    struct jm_journey *j = NULL;
    struct jm_error err;
    assert_int_equal(jm_journey_parse(yaml, strlen(yaml), "notes.yaml", &j, &err), JM_EPARSE);
    assert_string_equal(err.msg, "notes.yaml:8:24: duplicate annotation id 'x'");
}

static void check_same(const struct jm_journey *a, const struct jm_journey *b, enum jm_lang lang)
{
    assert_int_equal(a->n_stages, b->n_stages);
    for (size_t s = 0; s < a->n_stages; s++) {
        assert_int_equal(a->stages[s].n_annotations, b->stages[s].n_annotations);
        for (size_t i = 0; i < a->stages[s].n_annotations; i++) {
            const struct jm_annotation *x = &a->stages[s].annotations[i];
            const struct jm_annotation *y = &b->stages[s].annotations[i];
            assert_string_equal(x->id, y->id);
            assert_int_equal(x->lane, y->lane);
            assert_int_equal(x->kind, y->kind);
            assert_string_equal(x->author, y->author);
            assert_true(x->at == y->at);
            for (int l = 0; l < JM_LANG__COUNT; l++) {
                enum jm_lang want = lang == JM_LANG__COUNT ? (enum jm_lang)l : lang;
                assert_string_equal(jm_text_get(&x->text, want), jm_text_get(&y->text, want));
            }
        }
    }
}

static void annotations_round_trip(void **state)
{
    (void)state;
    struct jm_journey *j = parse_ok(GOOD);
    static const enum jm_lang langs[] = {JM_LANG__COUNT, JM_LANG_EN, JM_LANG_VI};
    for (size_t i = 0; i < 3; i++) {
        struct jm_strbuf sb = JM_STRBUF_INIT, again = JM_STRBUF_INIT;
        struct jm_error err;
        assert_int_equal(jm_journey_write(j, langs[i], &sb, &err), JM_OK);
        if (!strstr(sb.buf, "    annotations:\n      - {id: \"a1\", lane: pain_points"))
            fail_msg("written without the annotations:\n%s", sb.buf);
        struct jm_journey *back = parse_ok(sb.buf);
        check_same(j, back, langs[i]);
        assert_int_equal(jm_journey_write(back, langs[i], &again, &err), JM_OK);
        assert_string_equal(sb.buf, again.buf);
        jm_journey_free(back);
        jm_strbuf_release(&sb);
        jm_strbuf_release(&again);
    }
    jm_journey_free(j);
}

static void kinds_have_keys_and_names(void **state)
{
    (void)state;
    static const char *const keys[] = {"pain_point", "opportunity", "note"};
    static const char *const vi[] = {"Điểm đau", "Cơ hội", "Ghi chú"};
    for (int k = 0; k < JM_ANNOTATION__COUNT; k++) {
        enum jm_annotation_kind got;
        assert_string_equal(jm_annotation_kind_key((enum jm_annotation_kind)k), keys[k]);
        assert_string_equal(jm_annotation_kind_name((enum jm_annotation_kind)k, JM_LANG_VI), vi[k]);
        assert_true(jm_annotation_kind_parse(keys[k], &got));
        assert_int_equal(got, k);
    }
    enum jm_annotation_kind got;
    assert_false(jm_annotation_kind_parse("pain_points", &got));
    assert_string_equal(jm_annotation_kind_name(JM_ANNOTATION_PAIN_POINT, JM_LANG_EN),
                        "Pain point");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(annotations_are_parsed),
        cmocka_unit_test(bad_annotations_are_refused_with_their_place),
        cmocka_unit_test(ids_are_unique_across_stages),
        cmocka_unit_test(annotations_round_trip),
        cmocka_unit_test(kinds_have_keys_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
