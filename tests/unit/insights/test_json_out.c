/*
 * The insights' shared JSON writer (json_out.c): commas, strings, numbers rounded half up and
 * printed with their decimals, times, distributions, the journey head, and the first failure
 * kept to the end.
 *
 * SPDX-License-Identifier: MIT
 */
#include "insights_fixture.h"

/* A writer on `sb`, emptied first. */
static struct jm__jout writer(struct jm_strbuf *sb)
{
    jm_strbuf_reset(sb);
    return (struct jm__jout){.sb = sb, .lang = JM_LANG_EN};
}

static void commas_follow_what_came_before(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct jm__jout o = writer(&sb);
    jm__jout_raw(&o, "{");
    jm__jout_str(&o, "a", "x");
    jm__jout_open(&o, "list", '[');
    jm__jout_u64(&o, NULL, 1);
    jm__jout_str(&o, NULL, NULL);
    jm__jout_open(&o, NULL, '{');
    jm__jout_bool(&o, "ok", true);
    jm__jout_raw(&o, "}");
    jm__jout_open(&o, NULL, '[');
    jm__jout_raw(&o, "]");
    jm__jout_raw(&o, "]");
    jm__jout_key(&o, "b");
    jm__jout_num(&o, NULL, 1, 2);
    jm__jout_open(&o, "empty", '{');
    jm__jout_raw(&o, "}}");
    assert_int_equal(jm__jout_done(&o), JM_OK);
    assert_string_equal(sb.buf, "{\"a\":\"x\",\"list\":[1,null,{\"ok\":true},[]],\"b\":1.00,"
                                "\"empty\":{}}");
    jm_strbuf_release(&sb);
}

static void strings_are_escaped(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct jm__jout o = writer(&sb);
    jm__jout_open(&o, NULL, '[');
    jm__jout_str(&o, NULL, "a\"b\\c\nd");
    jm__jout_str(&o, NULL, "Tiếng Việt");
    jm__jout_str(&o, NULL, "");
    jm__jout_raw(&o, "]");
    assert_string_equal(sb.buf, "[\"a\\\"b\\\\c\\nd\",\"Tiếng Việt\",\"\"]");
    jm_strbuf_release(&sb);
}

/* `x` to `decimals` places as the writer prints it. */
static const char *num(struct jm_strbuf *sb, double x, int decimals)
{
    struct jm__jout o = writer(sb);
    jm__jout_num(&o, NULL, x, decimals);
    assert_int_equal(jm__jout_done(&o), JM_OK);
    return sb->buf;
}

static void numbers_round_half_up_with_fixed_decimals(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_string_equal(num(&sb, 2, 4), "2.0000");
    assert_string_equal(num(&sb, 0.125, 2), "0.13");
    assert_string_equal(num(&sb, 1.005, 2), "1.01"); /* stored a hair below 1.005 */
    assert_string_equal(num(&sb, 0.12345, 4), "0.1235");
    assert_string_equal(num(&sb, 2.0 / 3, 4), "0.6667");
    assert_string_equal(num(&sb, -1.005, 2), "-1.00"); /* half up, not away from zero */
    assert_string_equal(num(&sb, -0.001, 2), "0.00");  /* no "-0.00" */
    assert_string_equal(num(&sb, -0.0, 4), "0.0000");
    assert_string_equal(num(&sb, 1234567.891, 2), "1234567.89");
    assert_string_equal(num(&sb, NAN, 2), "null");
    assert_string_equal(num(&sb, INFINITY, 4), "null");
    assert_string_equal(num(&sb, -INFINITY, 2), "null");
    /* four places are jm_round4's */
    for (double x = -3; x < 3; x += 0.000173)
        assert_true(strtod(num(&sb, x, 4), NULL) == jm_round4(x));
    jm_strbuf_release(&sb);
}

static void counts_times_and_distributions(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct jm__jout o = writer(&sb);
    jm__jout_raw(&o, "{");
    jm__jout_u64(&o, "max", UINT64_MAX);
    jm__jout_time(&o, "t", day_us(2024, 3, 5) + 90 * JM_US_PER_SEC);
    jm__jout_time(&o, "open", INT64_MIN);
    jm__jout_time(&o, "end", INT64_MAX);
    struct jm_dist d = {3, 1.5, 1, 2.255, NAN};
    jm__jout_dist(&o, "days", &d);
    jm__jout_raw(&o, "}");
    assert_string_equal(sb.buf, "{\"max\":18446744073709551615,\"t\":\"2024-03-05T00:01:30Z\","
                                "\"open\":null,\"end\":null,\"days\":{\"count\":3,\"mean\":1.50,"
                                "\"median\":1.00,\"p75\":2.26,\"p90\":null}}");
    jm_strbuf_release(&sb);
}

static void fill(struct jm_storage *st)
{
    fx_account(st, "A", NULL, NULL);
    fx_event(st, "A", NULL, fx_day(3), "blog", NULL);
}

static const char JOURNEY[] = "journey: j\n"
                              "name: {en: \"The \\\"journey\\\"\", vi: Hành trình}\n"
                              "stages:\n"
                              "  - key: aware\n"
                              "    name: Aware\n"
                              "    entry: {event: {touchpoint: blog}}\n";

static void head_names_the_journey_in_its_language(void **state)
{
    void *fixture = NULL;
    fx_setup(&fixture, fill, NULL, JOURNEY);
    struct fx *f = fixture;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct jm__jout o = writer(&sb);
    jm__jout_head(&o, f->r);
    jm__jout_raw(&o, "}");
    assert_string_equal(sb.buf, "{\"journey\":\"j\",\"name\":\"The \\\"journey\\\"\",\"level\":"
                                "\"account\",\"period\":{\"from\":null,\"to\":null},\"as_of\":"
                                "\"2025-01-04T00:00:00Z\"}");
    struct jm_analysis_options march = {.from = day_us(2025, 3, 1), .to = INT64_MAX};
    fx_analyze(f, f->tl, &march);
    o = writer(&sb);
    o.lang = JM_LANG_VI;
    jm__jout_head(&o, f->r);
    assert_string_equal(sb.buf, "{\"journey\":\"j\",\"name\":\"Hành trình\",\"level\":\"account\","
                                "\"period\":{\"from\":\"2025-03-01T00:00:00Z\",\"to\":null},"
                                "\"as_of\":\"2025-01-04T00:00:00Z\"");
    jm_strbuf_release(&sb);
    fx_teardown(&fixture);
    (void)state;
}

/* Under a ceiling the first failure stays: nothing after it is written, done() reports it. */
static void the_first_failure_is_kept(void **state)
{
    (void)state;
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 8);
    struct jm__jout o = {.sb = &sb};
    jm__jout_raw(&o, "{");
    jm__jout_str(&o, "long key", "x");
    jm__jout_raw(&o, "}");
    assert_int_equal(jm__jout_done(&o), JM_ELIMIT);
    assert_string_equal(sb.buf, "{");
    jm_strbuf_release(&sb);
    /* a buffer that failed before the writer began makes done() fail too */
    jm_strbuf_init(&sb, 4);
    assert_int_not_equal(jm_strbuf_addstr(&sb, "too long"), JM_OK);
    o = (struct jm__jout){.sb = &sb};
    jm__jout_u64(&o, NULL, 7);
    assert_int_equal(jm__jout_done(&o), JM_ENOMEM);
    jm_strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commas_follow_what_came_before),
        cmocka_unit_test(strings_are_escaped),
        cmocka_unit_test(numbers_round_half_up_with_fixed_decimals),
        cmocka_unit_test(counts_times_and_distributions),
        cmocka_unit_test(head_names_the_journey_in_its_language),
        cmocka_unit_test(the_first_failure_is_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
