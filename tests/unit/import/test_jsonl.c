/*
 * Tests for import/jsonl.c: columns that accumulate, flattening of nested objects, arrays and
 * numbers as text, cell positions, every error message in full, recovery after a bad line,
 * and allocation failures at every step (jansson's included).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "base/internal.h"
#include "import/source.h"

#define NAME   "t.jsonl"
#define LIT(s) (s), (sizeof(s) - 1)

static int teardown(void **state)
{
    (void)state;
    jm_alloc_fail_reset();
    return 0;
}

static struct jm_source *open_mem(const char *data, size_t len, const struct jm_source_opts *o)
{
    struct jm_source *src = NULL;
    struct jm_error err = {0};
    if (jm__source_open_mem(data, len, NAME, o, &src, &err))
        fail_msg("open failed: %s", err.msg);
    return src;
}

static bool next_row(struct jm_source *src, struct jm_row *row)
{
    struct jm_error err = {0};
    bool eof = false;
    if (jm__source_next(src, row, &eof, &err))
        fail_msg("row failed: %s", err.msg);
    return !eof;
}

/* Reads every row and returns them as "name=[text] name=- ...\n" lines; free with jm_free. */
static char *read_all(const char *data, size_t len, const struct jm_source_opts *o)
{
    struct jm_source *src = open_mem(data, len, o);
    struct jm_strbuf out = JM_STRBUF_INIT;
    struct jm_row row;
    while (next_row(src, &row)) {
        for (size_t i = 0; i < row.n; i++) {
            const struct jm_cell *c = &row.cells[i];
            jm_strbuf_addf(&out, "%s%s=", i ? " " : "", jm__source_column(src, i));
            if (c->present)
                jm_strbuf_addf(&out, "[%.*s]", (int)c->len, c->s);
            else
                jm_strbuf_addch(&out, '-');
        }
        jm_strbuf_addch(&out, '\n');
    }
    jm__source_close(src);
    return jm_strbuf_detach(&out, NULL);
}

static void assert_reads(const char *data, size_t len, const struct jm_source_opts *o,
                         const char *want)
{
    char *got = read_all(data, len, o);
    assert_string_equal(got, want);
    jm_free(got);
}
#define ASSERT_READS(lit, want) assert_reads(LIT(lit), NULL, (want))

static void assert_fails(const char *data, size_t len, const struct jm_source_opts *o,
                         jm_status want, const char *msg)
{
    struct jm_source *src = NULL;
    struct jm_error err = {0};
    struct jm_row row;
    bool eof = false;
    jm_status rc = jm__source_open_mem(data, len, NAME, o, &src, &err);
    while (!rc && !eof)
        rc = jm__source_next(src, &row, &eof, &err);
    jm__source_close(src);
    assert_int_equal(rc, want);
    assert_string_equal(err.msg, msg);
}
#define ASSERT_FAILS(lit, want, msg) assert_fails(LIT(lit), NULL, (want), (msg))

/* ---------------------------------------------------------------- reading */

static void jsonl_accumulates_columns_as_keys_appear(void **state)
{
    (void)state;
    static const char data[] = "{\"id\":1,\"name\":\"Ann\"}\n{\"id\":2,\"city\":\"Hue\"}\n";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_row row;
    assert_true(jm__source_open_columns(src));
    assert_int_equal(jm__source_ncolumns(src), 0);
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 1);
    assert_int_equal(row.n, 2);
    assert_int_equal(jm__source_find(src, "city"), -1);
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 2);
    assert_int_equal(row.n, 3);
    assert_int_equal(jm__source_find(src, "city"), 2);
    assert_string_equal(jm__source_column(src, 2), "city");
    assert_false(row.cells[1].present); /* this line has no "name" */
    assert_int_equal(row.cells[1].len, 0);
    assert_non_null(row.cells[1].s);
    assert_memory_equal(row.cells[2].s, "Hue", 3);
    assert_int_equal(row.raw_len, strlen("{\"id\":2,\"city\":\"Hue\"}"));
    assert_false(next_row(src, &row));
    jm__source_close(src);
}

static void jsonl_flattens_nested_objects_and_keeps_them_whole(void **state)
{
    (void)state;
    ASSERT_READS("{\"ctx\":{\"page\":{\"url\":\"/a\",\"n\":2}},\"x\":1}\n",
                 /* whole objects come with sorted keys: the same object is the same text */
                 "ctx=[{\"page\":{\"n\":2,\"url\":\"/a\"}}] ctx.page=[{\"n\":2,\"url\":\"/a\"}] "
                 "ctx.page.url=[/a] ctx.page.n=[2] x=[1]\n");
    ASSERT_READS("{\"e\":{}}\n", "e=[{}]\n");
}

static void jsonl_keeps_arrays_as_json_text(void **state)
{
    (void)state;
    ASSERT_READS("{\"tags\": [\"a\", 1, 2.5, true, null, {\"k\": \"v\"}, [], \"q\\\"é\"]}\n",
                 "tags=[[\"a\",1,2.5,true,null,{\"k\":\"v\"},[],\"q\\\"é\"]]\n");
}

static void jsonl_prints_numbers_as_shortest_round_trip_text(void **state)
{
    (void)state;
    ASSERT_READS("{\"a\":0.1,\"b\":3.0,\"c\":-0.0,\"d\":1e300,\"e\":0.30000000000000004,"
                 "\"f\":0.3333333333333333,\"g\":123456789012345678,\"h\":-5,\"i\":1.5e-7,"
                 "\"j\":[0.1,100.25]}\n",
                 "a=[0.1] b=[3] c=[-0] d=[1e+300] e=[0.30000000000000004] f=[0.3333333333333333] "
                 "g=[123456789012345678] h=[-5] i=[1.5e-07] j=[[0.1,100.25]]\n");
}

static void jsonl_reads_true_false_and_null_as_empty(void **state)
{
    (void)state;
    static const char data[] = "{\"t\":true,\"f\":false,\"n\":null}\n";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_row row;
    assert_true(next_row(src, &row));
    assert_memory_equal(row.cells[0].s, "true", 4);
    assert_memory_equal(row.cells[1].s, "false", 5);
    assert_true(row.cells[2].present); /* null: the key is there, its value is empty */
    assert_int_equal(row.cells[2].len, 0);
    jm__source_close(src);
}

static void jsonl_unescapes_strings(void **state)
{
    (void)state;
    ASSERT_READS(
        "{\"s\":\"a\\\"b\\\\c\\nd\\u00e9\\ud83d\\ude00\",\"v\":\"Công ty Cổ phần Nhận biết\"}\n",
        "s=[a\"b\\c\ndé\xf0\x9f\x98\x80] v=[Công ty Cổ phần Nhận biết]\n");
}

static void jsonl_skips_blank_lines_and_counts_lines(void **state)
{
    (void)state;
    static const char data[] = "\xef\xbb\xbf\n  \r\n{\"a\":1}\r\n\t\n{\"a\":2}";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_row row;
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 3);
    assert_int_equal(row.raw_len, 7); /* without the CR */
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 5);
    assert_memory_equal(row.cells[0].s, "2", 1);
    assert_int_equal(jm__source_offset(src), jm__source_size(src));
    assert_false(next_row(src, &row));
    jm__source_close(src);
}

static void jsonl_handles_empty_files_and_objects(void **state)
{
    (void)state;
    struct jm_source *src = open_mem("", 0, NULL);
    struct jm_row row;
    assert_false(next_row(src, &row));
    jm__source_close(src);
    ASSERT_READS("{}\n{\"a\":1}\n{}\n", "\na=[1]\na=-\n");
}

static void jsonl_gives_each_cell_the_column_of_its_value(void **state)
{
    (void)state;
    static const char data[] =
        "{\"id\": 7, \"tên\":\"Công ty\", \"x\" : {\"y\":[1,2], \"z\":\"é\"}}\n"
        "{\"arr\":[{\"b\":1}],\"b\":2}\n"
        "{\"s\":\"x\\\"b\\\":1\",\"b\":3}\n";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_row row;
    assert_true(next_row(src, &row));
    unsigned long want[] = {8, 17, 34, 39, 50};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(row.cells[i].line, 1);
        assert_int_equal(row.cells[i].column, want[i]);
    }
    assert_true(next_row(src, &row));
    long b = jm__source_find(src, "b");
    assert_int_equal(row.cells[b].line, 2);
    assert_int_equal(row.cells[b].column, 22);
    assert_true(next_row(src, &row));
    assert_int_equal(row.cells[b].column, 21);
    jm__source_close(src);
}

/* ---------------------------------------------------------------- errors */

static void jsonl_rejects_malformed_json_with_its_position(void **state)
{
    (void)state;
    ASSERT_FAILS("{\"a\":1,}\n", JM_EPARSE,
                 "t.jsonl:1:8: malformed JSON: string or '}' expected near '}'");
    ASSERT_FAILS("{\"a\":1}\n\n{\"a\":tru}\n", JM_EPARSE,
                 "t.jsonl:3:8: malformed JSON: invalid token near 'tru'");
    ASSERT_FAILS("{\"a\":\"b", JM_EPARSE,
                 "t.jsonl:1:7: malformed JSON: premature end of input near '\"b'");
    ASSERT_FAILS("{\"a\":1} x\n", JM_EPARSE,
                 "t.jsonl:1:9: malformed JSON: end of file expected near 'x'");
    ASSERT_FAILS("{\"tên\":\"ü\" x}\n", JM_EPARSE,
                 "t.jsonl:1:12: malformed JSON: '}' expected near 'x'");
    ASSERT_FAILS("{\"a\":1,\"a\":2}\n", JM_EPARSE,
                 "t.jsonl:1:10: malformed JSON: duplicate object key near '\"a\"'");
}

static void jsonl_rejects_invalid_utf8(void **state)
{
    (void)state;
    ASSERT_FAILS("{\"a\":\"\xff\"}\n", JM_EPARSE,
                 "t.jsonl:1:6: malformed JSON: unable to decode byte 0xff near '\"'");
}

static void jsonl_rejects_a_line_that_is_not_an_object(void **state)
{
    (void)state;
    ASSERT_FAILS("[1,2]\n", JM_EPARSE, "t.jsonl:1:1: expected a JSON object, found an array");
    ASSERT_FAILS("{\"a\":1}\n  \"s\"\n", JM_EPARSE,
                 "t.jsonl:2:3: expected a JSON object, found a string");
    ASSERT_FAILS("42\n", JM_EPARSE, "t.jsonl:1:1: expected a JSON object, found a number");
    ASSERT_FAILS("null\n", JM_EPARSE, "t.jsonl:1:1: expected a JSON object, found null");
    ASSERT_FAILS("true\n", JM_EPARSE, "t.jsonl:1:1: expected a JSON object, found true");
}

static void jsonl_rejects_keys_that_flatten_to_the_same_name(void **state)
{
    (void)state;
    ASSERT_FAILS("{\"a.b\":1,\"a\":{\"b\":2}}\n", JM_EPARSE,
                 "t.jsonl:1:19: repeated key 'a.b' after flattening nested objects");
}

static void jsonl_rejects_values_longer_than_max_field(void **state)
{
    (void)state;
    struct jm_source_opts o = {.max_field = 5};
    assert_reads(LIT("{\"a\":\"abcde\",\"b\":12345}\n"), &o, "a=[abcde] b=[12345]\n");
    assert_fails(LIT("{\"a\":\"abcdef\"}\n"), &o, JM_ELIMIT,
                 "t.jsonl:1:6: value of 'a' longer than 5 bytes");
    assert_fails(LIT("{\"o\":{\"k\":1}}\n"), &o, JM_ELIMIT,
                 "t.jsonl:1:6: value of 'o' longer than 5 bytes");
}

static void jsonl_limits_the_number_of_columns(void **state)
{
    (void)state;
    struct jm_source_opts o = {.max_columns = 2};
    assert_reads(LIT("{\"a\":1,\"b\":2}\n{\"b\":3,\"a\":4}\n"), &o, "a=[1] b=[2]\na=[4] b=[3]\n");
    assert_fails(LIT("{\"a\":1,\"b\":2,\"c\":3}\n"), &o, JM_ELIMIT,
                 "t.jsonl:1:18: more than 2 columns");
    struct jm_strbuf sb = JM_STRBUF_INIT;
    jm_strbuf_addch(&sb, '{');
    for (int i = 1; i <= 4097; i++)
        jm_strbuf_addf(&sb, "%s\"k%d\":%d", i > 1 ? "," : "", i, i);
    jm_strbuf_addstr(&sb, "}\n");
    char msg[128];
    size_t col = (size_t)(strstr(sb.buf, "\"k4097\":") - sb.buf) + 9;
    snprintf(msg, sizeof(msg), "t.jsonl:1:%zu: more than 4096 columns", col);
    assert_fails(sb.buf, sb.len, NULL, JM_ELIMIT, msg);
    jm_strbuf_release(&sb);
}

static void jsonl_continues_after_a_bad_line(void **state)
{
    (void)state;
    static const char data[] = "{\"a\":1}\n{oops}\n{\"a\":3}\n";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_error err = {0};
    struct jm_row row;
    bool eof = false;
    assert_true(next_row(src, &row));
    assert_int_equal(jm__source_next(src, &row, &eof, &err), JM_EPARSE);
    assert_int_equal(row.line, 2);
    assert_int_equal(row.raw_len, 6);
    assert_memory_equal(row.raw, "{oops}", 6);
    assert_int_equal(jm__source_offset(src), 15);
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 3);
    assert_memory_equal(row.cells[0].s, "3", 1);
    jm__source_close(src);
}

static void jsonl_opens_files_by_path(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_write_file(dir, "events.ndjson", "{\"event\":\"demo_request\"}\n");
    struct jm_source *src = NULL;
    struct jm_error err = {0};
    struct jm_row row;
    assert_int_equal(jm__source_open(path, "events.ndjson", NULL, &src, &err), JM_OK);
    assert_true(jm__source_open_columns(src));
    assert_true(next_row(src, &row));
    assert_string_equal(jm__source_column(src, 0), "event");
    jm__source_close(src);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- out of memory */

static jm_status open_and_read(const char *data, struct jm_error *err)
{
    struct jm_source *src = NULL;
    struct jm_row row;
    bool eof = false;
    jm_status rc = jm__source_open_mem(data, strlen(data), NAME, NULL, &src, err);
    while (!rc && !eof)
        rc = jm__source_next(src, &row, &eof, err);
    jm__source_close(src);
    return rc;
}

static void jsonl_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    static const char data[] =
        "{\"id\":\"c-1\",\"ts\":1700000000,\"v\":0.25,\"ok\":true,\"none\":null,"
        "\"ctx\":{\"page\":{\"url\":\"/pricing\",\"title\":\"Công ty Cổ phần Nhận biết\"}},"
        "\"tags\":[\"a\",{\"b\":[1,2.5]}],\"padding\":\"grow the scratch and key buffers a bit "
        "more than sixty-four bytes\"}\n"
        "\n{\"id\":\"c-2\",\"new\":{\"k\":[]}}\n";
    bool finished = false;
    for (unsigned long n = 1; !finished && n < 5000; n++) {
        struct jm_error err = {0};
        jm_alloc_fail_at(n);
        jm_status rc = open_and_read(data, &err);
        finished = jm_alloc_count() < n;
        jm_alloc_fail_reset();
        if (rc != JM_OK) {
            assert_int_equal(rc, JM_ENOMEM);
            assert_string_equal(err.msg, "out of memory");
        }
        assert_true(rc == JM_OK || !finished);
    }
    assert_true(finished);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(jsonl_accumulates_columns_as_keys_appear, teardown),
        cmocka_unit_test_teardown(jsonl_flattens_nested_objects_and_keeps_them_whole, teardown),
        cmocka_unit_test_teardown(jsonl_keeps_arrays_as_json_text, teardown),
        cmocka_unit_test_teardown(jsonl_prints_numbers_as_shortest_round_trip_text, teardown),
        cmocka_unit_test_teardown(jsonl_reads_true_false_and_null_as_empty, teardown),
        cmocka_unit_test_teardown(jsonl_unescapes_strings, teardown),
        cmocka_unit_test_teardown(jsonl_skips_blank_lines_and_counts_lines, teardown),
        cmocka_unit_test_teardown(jsonl_handles_empty_files_and_objects, teardown),
        cmocka_unit_test_teardown(jsonl_gives_each_cell_the_column_of_its_value, teardown),
        cmocka_unit_test_teardown(jsonl_rejects_malformed_json_with_its_position, teardown),
        cmocka_unit_test_teardown(jsonl_rejects_invalid_utf8, teardown),
        cmocka_unit_test_teardown(jsonl_rejects_a_line_that_is_not_an_object, teardown),
        cmocka_unit_test_teardown(jsonl_rejects_keys_that_flatten_to_the_same_name, teardown),
        cmocka_unit_test_teardown(jsonl_rejects_values_longer_than_max_field, teardown),
        cmocka_unit_test_teardown(jsonl_limits_the_number_of_columns, teardown),
        cmocka_unit_test_teardown(jsonl_continues_after_a_bad_line, teardown),
        cmocka_unit_test_teardown(jsonl_opens_files_by_path, teardown),
        cmocka_unit_test_teardown(jsonl_fails_cleanly_at_every_allocation, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
