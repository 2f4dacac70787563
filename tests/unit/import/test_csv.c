/*
 * Tests for import/csv.c and import/source.c: RFC 4180 quoting, line endings, BOM, delimiter
 * detection, positions in characters, every error message in full, limits, recovery after a
 * bad row, the real public datasets, and allocation failures at every step.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/internal.h"
#include "import/source.h"

#define NAME "t.csv"
/* A string literal as (pointer, length), so literals may hold NUL and invalid bytes. */
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
    jm_status rc = jm__source_open_mem(data, len, NAME, o, &src, &err);
    if (rc)
        fail_msg("open failed: %s", err.msg);
    return src;
}

/* Appends the row as "[cell][cell]\n" (absent cells as "-") to `out`. */
static void dump_row(struct jm_strbuf *out, const struct jm_row *row)
{
    for (size_t i = 0; i < row->n; i++) {
        const struct jm_cell *c = &row->cells[i];
        if (!c->present)
            jm_strbuf_addstr(out, "-");
        else
            jm_strbuf_addf(out, "[%.*s]", (int)c->len, c->s);
    }
    jm_strbuf_addch(out, '\n');
}

/* Reads every row of `data` (which must be error-free) and returns them dumped; free it. */
static char *read_all(const char *data, size_t len, const struct jm_source_opts *o)
{
    struct jm_source *src = open_mem(data, len, o);
    struct jm_strbuf out = JM_STRBUF_INIT;
    struct jm_error err = {0};
    struct jm_row row;
    bool eof = false;
    while (!eof) {
        if (jm__source_next(src, &row, &eof, &err))
            fail_msg("row failed: %s", err.msg);
        if (!eof)
            dump_row(&out, &row);
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

/* Opens and reads `data` until something fails; asserts that failure's status and message. */
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

static bool next_row(struct jm_source *src, struct jm_row *row)
{
    struct jm_error err = {0};
    bool eof = false;
    if (jm__source_next(src, row, &eof, &err))
        fail_msg("row failed: %s", err.msg);
    return !eof;
}

/* ---------------------------------------------------------------- reading */

static void csv_reads_header_and_rows_as_named_cells(void **state)
{
    (void)state;
    static const char data[] = "id,name,city\n1,Ann,Hanoi\n2,Bob,Hue\n";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_row row;
    assert_int_equal(jm__source_ncolumns(src), 3);
    assert_string_equal(jm__source_column(src, 1), "name");
    assert_null(jm__source_column(src, 3));
    assert_int_equal(jm__source_find(src, "city"), 2);
    assert_int_equal(jm__source_find(src, "nope"), -1);
    assert_false(jm__source_open_columns(src));
    assert_string_equal(jm__source_name(src), NAME);

    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 2);
    assert_int_equal(row.n, 3);
    assert_memory_equal(row.cells[1].s, "Ann", 3);
    assert_int_equal(row.cells[1].len, 3);
    assert_int_equal(row.cells[1].line, 2);
    assert_int_equal(row.cells[1].column, 3);
    assert_true(row.cells[1].present);
    /* Zero-copy: the cell is a slice of the input. */
    assert_ptr_equal(row.cells[1].s, data + 15);
    assert_int_equal(row.raw_len, 11);
    assert_memory_equal(row.raw, "1,Ann,Hanoi", 11);

    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 3);
    assert_false(next_row(src, &row));
    assert_false(next_row(src, &row)); /* the end stays the end */
    jm__source_close(src);
}

static void csv_reads_empty_cells(void **state)
{
    (void)state;
    ASSERT_READS("a,b,c\n,,\n1,,3\n\"\",x,\n", "[][][]\n[1][][3]\n[][x][]\n");
}

static void csv_reads_quoted_delimiters_and_doubled_quotes(void **state)
{
    (void)state;
    ASSERT_READS("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"\"\"\"\"\",\"\"\n",
                 "[x, y][say \"hi\"]\n[\"\"][]\n");
}

static void csv_reads_quoted_newline_and_counts_lines(void **state)
{
    (void)state;
    static const char data[] = "a,b\n1,\"two\nlines\"\n\"x\n\ny\",é\n3,4\n";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_row row;
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 2);
    assert_int_equal(row.cells[1].len, 9);
    assert_memory_equal(row.cells[1].s, "two\nlines", 9);
    assert_int_equal(row.cells[1].line, 2);
    assert_int_equal(row.cells[1].column, 3);
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 4);
    assert_memory_equal(row.cells[0].s, "x\n\ny", 4);
    /* The second cell starts on the row's third physical line, after `y",`. */
    assert_int_equal(row.cells[1].line, 6);
    assert_int_equal(row.cells[1].column, 4);
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 7);
    assert_false(next_row(src, &row));
    jm__source_close(src);
}

static void csv_reads_crlf_line_endings(void **state)
{
    (void)state;
    ASSERT_READS("a,b\r\n1,2\r\n\"q\",\"r\"\r\n\"in\r\nside\",x\r\n",
                 "[1][2]\n[q][r]\n[in\r\nside][x]\n");
    /* A CR that does not end a line is data. */
    ASSERT_READS("a,b\nx\ry,2\n", "[x\ry][2]\n");
}

static void csv_reads_a_last_line_without_newline(void **state)
{
    (void)state;
    ASSERT_READS("a,b\n1,2", "[1][2]\n");
    ASSERT_READS("a,b\n1,2\r", "[1][2]\n");
    ASSERT_READS("a,b\n1,\"2\"", "[1][2]\n");
    ASSERT_READS("a,b\n1,", "[1][]\n");
}

static void csv_skips_blank_lines(void **state)
{
    (void)state;
    static const char data[] = "\n\r\na,b\n\n1,2\r\n\r\n\n3,4\n\n";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_row row;
    assert_int_equal(jm__source_ncolumns(src), 2);
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 5);
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 8);
    assert_int_equal(row.cells[0].line, 8);
    assert_false(next_row(src, &row));
    jm__source_close(src);
}

static void csv_skips_utf8_bom(void **state)
{
    (void)state;
    static const char data[] = "\xef\xbb\xbf"
                               "id,name\n1,x\n";
    struct jm_source *src = open_mem(LIT(data), NULL);
    assert_string_equal(jm__source_column(src, 0), "id");
    assert_int_equal(jm__source_find(src, "id"), 0);
    jm__source_close(src);
    /* Columns on line 1 do not count the BOM. */
    ASSERT_FAILS("\xef\xbb\xbf"
                 "a,,b\n",
                 JM_EPARSE, "t.csv:1:3: empty column name");
}

static void csv_handles_empty_and_header_only_files(void **state)
{
    (void)state;
    const char *inputs[] = {"", "\xef\xbb\xbf", "\n\r\n\n"};
    for (size_t i = 0; i < 3; i++) {
        struct jm_source *src = open_mem(inputs[i], strlen(inputs[i]), NULL);
        struct jm_row row;
        assert_int_equal(jm__source_ncolumns(src), 0);
        assert_false(next_row(src, &row));
        jm__source_close(src);
    }
    ASSERT_READS("a,b,c", "");
    ASSERT_READS("a,b,c\r\n\r\n", "");
    struct jm_source *src = open_mem(LIT("a,b,c\n"), NULL);
    assert_int_equal(jm__source_ncolumns(src), 3);
    jm__source_close(src);
}

static void csv_detects_the_delimiter_from_the_header(void **state)
{
    (void)state;
    ASSERT_READS("a;b;c\n1;2,5;3\n", "[1][2,5][3]\n");
    ASSERT_READS("a\tb\n1\t2\n", "[1][2]\n");
    ASSERT_READS("a|b\n1|2\n", "[1][2]\n");
    /* Delimiters inside quotes do not count: two semicolons beat three quoted commas. */
    ASSERT_READS("\"a,b,c,d\";x;y\n1;2;3\n", "[1][2][3]\n");
    /* A tie goes to the comma; one column means comma too. */
    ASSERT_READS("a,b;c\n1,2;3\n", "[1][2;3]\n");
    ASSERT_READS("only\nx;y\n", "[x;y]\n");
}

static void csv_uses_the_given_delimiter(void **state)
{
    (void)state;
    struct jm_source_opts o = {.delimiter = ';'};
    assert_reads(LIT("a,b;c\n1,2;3\n"), &o, "[1,2][3]\n");
    o.delimiter = '#';
    assert_reads(LIT("a#b\n\"#\"#2\n"), &o, "[#][2]\n");
    o.delimiter = '"';
    assert_fails(LIT("a,b\n"), &o, JM_EINVAL,
                 "t.csv: the delimiter cannot be a quote or a line break");
    o.delimiter = '\n';
    assert_fails(LIT("a,b\n"), &o, JM_EINVAL,
                 "t.csv: the delimiter cannot be a quote or a line break");
}

static void csv_counts_columns_in_characters(void **state)
{
    (void)state;
    static const char data[] = "tên,mô tả,x\n"
                               "Công ty Cổ phần Nhận biết,\"Đà Nẵng, Việt Nam\",ok\n";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_row row;
    assert_string_equal(jm__source_column(src, 1), "mô tả");
    assert_int_equal(jm__source_find(src, "tên"), 0);
    assert_true(next_row(src, &row));
    assert_int_equal(row.cells[0].column, 1);
    assert_int_equal(row.cells[1].column, 27);
    assert_int_equal(row.cells[2].column, 47);
    assert_int_equal(row.cells[1].len, strlen("Đà Nẵng, Việt Nam"));
    jm__source_close(src);
    ASSERT_FAILS("a,b\nCổ phần,x,y\n", JM_EPARSE, "t.csv:2:11: expected 2 fields, found 3");
}

/* Many unescaped cells in one row: the scratch buffer grows while the row is read. */
static void csv_cells_survive_scratch_growth(void **state)
{
    (void)state;
    struct jm_strbuf in = JM_STRBUF_INIT, want = JM_STRBUF_INIT;
    for (int i = 0; i < 40; i++)
        jm_strbuf_addf(&in, "%sc%d", i ? "," : "", i);
    jm_strbuf_addch(&in, '\n');
    for (int i = 0; i < 40; i++) {
        jm_strbuf_addf(&in, "%s\"cell \"\"%d\"\" of forty, padded to grow the buffer\"",
                       i ? "," : "", i);
        jm_strbuf_addf(&want, "[cell \"%d\" of forty, padded to grow the buffer]", i);
    }
    jm_strbuf_addch(&want, '\n');
    assert_reads(in.buf, in.len, NULL, want.buf);
    jm_strbuf_release(&in);
    jm_strbuf_release(&want);
}

static void csv_tracks_offset_and_size(void **state)
{
    (void)state;
    static const char data[] = "a\n1\n22\n";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_row row;
    assert_int_equal(jm__source_size(src), 7);
    assert_int_equal(jm__source_offset(src), 2);
    assert_true(next_row(src, &row));
    assert_int_equal(jm__source_offset(src), 4);
    assert_true(next_row(src, &row));
    assert_int_equal(jm__source_offset(src), 7);
    assert_false(next_row(src, &row));
    jm__source_close(src);
}

static void csv_reads_rows_without_allocating(void **state)
{
    (void)state;
    struct jm_strbuf in = JM_STRBUF_INIT;
    jm_strbuf_addstr(&in, "a,b,c\n");
    for (int i = 0; i < 1000; i++)
        jm_strbuf_addf(&in, "%d,\"q\"\"%d\",é\n", i, i);
    struct jm_source *src = open_mem(in.buf, in.len, NULL);
    struct jm_row row;
    assert_true(next_row(src, &row));
    jm_alloc_fail_reset(); /* zeroes the count */
    int n = 1;
    while (next_row(src, &row))
        n++;
    assert_int_equal(n, 1000);
    assert_int_equal(jm_alloc_count(), 0);
    jm__source_close(src);
    jm_strbuf_release(&in);
}

/* ---------------------------------------------------------------- errors */

static void csv_rejects_unterminated_quote_at_the_opening_quote(void **state)
{
    (void)state;
    ASSERT_FAILS("a,b\n1,\"open\n2,3\n", JM_EPARSE, "t.csv:2:3: unterminated quoted field");
    ASSERT_FAILS("\"a,b\n", JM_EPARSE, "t.csv:1:1: unterminated quoted field");
}

static void csv_rejects_stray_quote_in_unquoted_field(void **state)
{
    (void)state;
    ASSERT_FAILS("a,b\n1,5\" screen\n", JM_EPARSE, "t.csv:2:4: stray quote in unquoted field");
}

static void csv_rejects_text_after_closing_quote(void **state)
{
    (void)state;
    ASSERT_FAILS("a,b\n\"x\"y,2\n", JM_EPARSE, "t.csv:2:4: unexpected text after closing quote");
    ASSERT_FAILS("a,b\n\"x\" ,2\n", JM_EPARSE, "t.csv:2:4: unexpected text after closing quote");
    ASSERT_FAILS("a,b\n1,\"x\"\ry\n", JM_EPARSE, "t.csv:2:6: unexpected text after closing quote");
}

static void csv_rejects_invalid_utf8_at_the_bad_byte(void **state)
{
    (void)state;
    ASSERT_FAILS("a,b\n1,ab\xff"
                 "c\n",
                 JM_EPARSE, "t.csv:2:5: invalid UTF-8 byte 0xff");
    ASSERT_FAILS("a,b\nđ,\"x\ny\xc3(\"\n", JM_EPARSE, "t.csv:3:2: invalid UTF-8 byte 0xc3");
    ASSERT_FAILS("a,b\xc0\xaf\n", JM_EPARSE, "t.csv:1:4: invalid UTF-8 byte 0xc0");
    /* Surrogates and overlongs are not UTF-8 either. */
    ASSERT_FAILS("a,b\n1,\xed\xa0\x80\n", JM_EPARSE, "t.csv:2:3: invalid UTF-8 byte 0xed");
}

static void csv_rejects_too_few_fields_at_the_end_of_the_row(void **state)
{
    (void)state;
    ASSERT_FAILS("a,b,c\n1,2\n", JM_EPARSE, "t.csv:2:4: expected 3 fields, found 2");
    ASSERT_FAILS("a,b,c\n1,2\r\n", JM_EPARSE, "t.csv:2:4: expected 3 fields, found 2");
    ASSERT_FAILS("a,b,c\n1,\"x\ny\"", JM_EPARSE, "t.csv:3:3: expected 3 fields, found 2");
    ASSERT_FAILS("a,b\nonly\n", JM_EPARSE, "t.csv:2:5: expected 2 fields, found 1");
}

static void csv_rejects_too_many_fields_where_the_extra_one_starts(void **state)
{
    (void)state;
    ASSERT_FAILS("a,b\n1,2,3,4\n", JM_EPARSE, "t.csv:2:5: expected 2 fields, found 4");
    ASSERT_FAILS("a,b\n1,2,\n", JM_EPARSE, "t.csv:2:5: expected 2 fields, found 3");
    ASSERT_FAILS("a\n1,2\n", JM_EPARSE, "t.csv:2:3: expected 1 field, found 2");
}

static void csv_rejects_fields_longer_than_max_field(void **state)
{
    (void)state;
    struct jm_source_opts o = {.max_field = 5};
    assert_reads(LIT("a,b\nabcde,\"ab\"\"cd\"\n"), &o, "[abcde][ab\"cd]\n");
    assert_fails(LIT("a,b\n1,abcdef\n"), &o, JM_ELIMIT, "t.csv:2:3: field longer than 5 bytes");
    assert_fails(LIT("a,b\n1,\"ab\"\"cde\"\n"), &o, JM_ELIMIT,
                 "t.csv:2:3: field longer than 5 bytes");
    assert_fails(LIT("a,b\n1,\"abc\ndef\"\n"), &o, JM_ELIMIT,
                 "t.csv:2:3: field longer than 5 bytes");
    assert_fails(LIT("abcdef,b\n"), &o, JM_ELIMIT, "t.csv:1:1: field longer than 5 bytes");
}

static void csv_rejects_empty_and_repeated_column_names(void **state)
{
    (void)state;
    ASSERT_FAILS("a,,c\n", JM_EPARSE, "t.csv:1:3: empty column name");
    ASSERT_FAILS("a,b,\n", JM_EPARSE, "t.csv:1:5: empty column name");
    ASSERT_FAILS("a,\"\",c\n", JM_EPARSE, "t.csv:1:3: empty column name");
    ASSERT_FAILS("\n\nid,name,id\n", JM_EPARSE, "t.csv:3:9: repeated column name 'id'");
    ASSERT_FAILS("tên,\"tên\"\n", JM_EPARSE, "t.csv:1:5: repeated column name 'tên'");
}

/* Builds a header of `n` columns c1..cn and one row of n values. */
static void wide_file(struct jm_strbuf *sb, size_t n)
{
    for (size_t i = 1; i <= n; i++)
        jm_strbuf_addf(sb, "%sc%zu", i > 1 ? "," : "", i);
    jm_strbuf_addch(sb, '\n');
    for (size_t i = 1; i <= n; i++)
        jm_strbuf_addf(sb, "%s%zu", i > 1 ? "," : "", i);
    jm_strbuf_addch(sb, '\n');
}

static void csv_limits_the_number_of_columns(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    wide_file(&sb, 4096);
    struct jm_source *src = open_mem(sb.buf, sb.len, NULL);
    struct jm_row row;
    assert_int_equal(jm__source_ncolumns(src), 4096);
    assert_int_equal(jm__source_find(src, "c4096"), 4095);
    assert_true(next_row(src, &row));
    assert_int_equal(row.n, 4096);
    assert_memory_equal(row.cells[4095].s, "4096", 4);
    jm__source_close(src);

    jm_strbuf_reset(&sb);
    wide_file(&sb, 4097);
    char msg[128];
    size_t col = (size_t)(strstr(sb.buf, ",c4097") - sb.buf) + 2;
    snprintf(msg, sizeof(msg), "t.csv:1:%zu: more than 4096 columns", col);
    assert_fails(sb.buf, sb.len, NULL, JM_ELIMIT, msg);

    struct jm_source_opts o = {.max_columns = 2};
    assert_fails(LIT("a,b,c\n"), &o, JM_ELIMIT, "t.csv:1:5: more than 2 columns");
    jm_strbuf_release(&sb);
}

static void csv_reports_the_earliest_problem_in_a_row(void **state)
{
    (void)state;
    ASSERT_FAILS("a,b\n\xff,x\"y\n", JM_EPARSE, "t.csv:2:1: invalid UTF-8 byte 0xff");
    ASSERT_FAILS("a,b\nx\"y,\xff\n", JM_EPARSE, "t.csv:2:2: stray quote in unquoted field");
    ASSERT_FAILS("a,b\n\"x\"y,1,2\n", JM_EPARSE, "t.csv:2:4: unexpected text after closing quote");
    /* The field count is checked only when nothing else is wrong. */
    ASSERT_FAILS("a,b\n1,2,\xff\n", JM_EPARSE, "t.csv:2:5: invalid UTF-8 byte 0xff");
}

/* After a bad row, the next call reads the next row: an importer may skip bad rows. */
static void csv_continues_after_a_bad_row(void **state)
{
    (void)state;
    static const char data[] = "a,b\n1,2,3\nx\"y,2\n\"ok\",\"\"\"\"\n9,9";
    struct jm_source *src = open_mem(LIT(data), NULL);
    struct jm_error err = {0};
    struct jm_row row;
    bool eof = false;
    assert_int_equal(jm__source_next(src, &row, &eof, &err), JM_EPARSE);
    assert_string_equal(err.msg, "t.csv:2:5: expected 2 fields, found 3");
    assert_int_equal(row.line, 2);
    assert_int_equal(row.raw_len, 5);
    assert_memory_equal(row.raw, "1,2,3", 5);
    assert_int_equal(jm__source_offset(src), 10);
    assert_int_equal(jm__source_next(src, &row, &eof, &err), JM_EPARSE);
    assert_string_equal(err.msg, "t.csv:3:2: stray quote in unquoted field");
    assert_memory_equal(row.raw, "x\"y,2", 5);
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 4);
    assert_memory_equal(row.cells[1].s, "\"", 1);
    assert_true(next_row(src, &row));
    assert_int_equal(row.line, 5);
    assert_false(next_row(src, &row));
    jm__source_close(src);
}

/* ---------------------------------------------------------------- files */

static void csv_opens_files_by_path(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_write_file(dir, "people.csv", "id;name\n1;Ann\n");
    struct jm_source *src = NULL;
    struct jm_error err = {0};
    struct jm_row row;
    assert_int_equal(jm__source_open(path, "people.csv", NULL, &src, &err), JM_OK);
    assert_string_equal(jm__source_name(src), "people.csv");
    assert_true(next_row(src, &row));
    assert_memory_equal(row.cells[1].s, "Ann", 3);
    jm__source_close(src);

    path = jm_test_write_file(dir, "empty.csv", "");
    assert_int_equal(jm__source_open(path, path, NULL, &src, &err), JM_OK);
    assert_false(next_row(src, &row));
    jm__source_close(src);

    char want[4200];
    path = jm_test_path(dir, "missing.csv");
    assert_int_equal(jm__source_open(path, path, NULL, &src, &err), JM_ENOTFOUND);
    assert_null(src);
    snprintf(want, sizeof(want), "cannot open '%s': No such file or directory", path);
    assert_string_equal(err.msg, want);
    assert_int_equal(jm__source_open(dir, dir, NULL, &src, &err), JM_EIO);
    snprintf(want, sizeof(want), "cannot read '%s': it is a directory", dir);
    assert_string_equal(err.msg, want);

    path = jm_test_write_file(dir, "bad.csv", "a,a\n");
    assert_int_equal(jm__source_open(path, "bad.csv", NULL, &src, &err), JM_EPARSE);
    assert_string_equal(err.msg, "bad.csv:1:3: repeated column name 'a'");
    jm_test_rmtree(dir);
}

static void csv_reads_standard_input_for_dash(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_write_file(dir, "in.csv", "a,b\n1,2\n3,4\n");
    int saved = dup(STDIN_FILENO), fd = open(path, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    struct jm_source *src = NULL;
    struct jm_error err = {0};
    struct jm_row row;
    jm_status rc = jm__source_open("-", "<stdin>", NULL, &src, &err);
    dup2(saved, STDIN_FILENO);
    close(saved);
    assert_int_equal(rc, JM_OK);
    assert_int_equal(jm__source_ncolumns(src), 2);
    assert_true(next_row(src, &row));
    assert_true(next_row(src, &row));
    assert_memory_equal(row.cells[1].s, "4", 1);
    assert_false(next_row(src, &row));
    jm__source_close(src);
    jm_test_rmtree(dir);
}

static void csv_picks_the_format_by_extension(void **state)
{
    (void)state;
    static const char data[] = "{\"a\":1}\n";
    const char *names[] = {"x.jsonl", "x.NDJSON", "dir.v2/x.json", "-", "noext"};
    for (size_t i = 0; i < 5; i++) {
        struct jm_source *src = NULL;
        struct jm_error err = {0};
        assert_int_equal(jm__source_open_mem(LIT(data), names[i], NULL, &src, &err), JM_OK);
        assert_true(jm__source_open_columns(src));
        jm__source_close(src);
    }
    /* Any other extension is CSV, whatever the content; so is an explicit format. */
    struct jm_source *src = NULL;
    struct jm_error err = {0};
    assert_int_equal(jm__source_open_mem(LIT("{a}\n1\n"), "x.txt", NULL, &src, &err), JM_OK);
    assert_false(jm__source_open_columns(src));
    jm__source_close(src);
    struct jm_source_opts o = {.format = JM_SRC_CSV};
    assert_int_equal(jm__source_open_mem(LIT("{a}\n1\n"), "x.jsonl", &o, &src, &err), JM_OK);
    assert_false(jm__source_open_columns(src));
    jm__source_close(src);
}

/* ---------------------------------------------------------------- the public datasets */

/* Opens a file of ../shared/data, reads it all, and returns the number of rows. */
static size_t count_rows(const char *rel, struct jm_source **keep)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/data/%s", jm_test_shared_dir(), rel);
    struct jm_source *src = NULL;
    struct jm_error err = {0};
    struct jm_row row;
    if (jm__source_open(path, rel, NULL, &src, &err))
        fail_msg("%s", err.msg);
    size_t n = 0;
    while (next_row(src, &row))
        n++;
    if (keep)
        *keep = src;
    else
        jm__source_close(src);
    return n;
}

/* Returns row `want` (1-based, data rows) of a dataset file; `src` stays open for the cells. */
static struct jm_row dataset_row(const char *rel, size_t want, struct jm_source **src)
{
    char path[4096];
    struct jm_error err = {0};
    struct jm_row row = {0};
    snprintf(path, sizeof(path), "%s/data/%s", jm_test_shared_dir(), rel);
    if (jm__source_open(path, rel, NULL, src, &err))
        fail_msg("%s", err.msg);
    for (size_t i = 0; i < want; i++)
        assert_true(next_row(*src, &row));
    return row;
}

static void assert_cell(const struct jm_source *src, const struct jm_row *row, const char *col,
                        const char *want)
{
    long i = jm__source_find(src, col);
    assert_true(i >= 0);
    assert_int_equal(row->cells[i].len, strlen(want));
    assert_memory_equal(row->cells[i].s, want, strlen(want));
}

static void csv_reads_the_maven_crm_files(void **state)
{
    (void)state;
    struct jm_source *src;
    assert_int_equal(count_rows("maven-crm-sales-opportunities/sales_pipeline.csv", NULL), 8800);
    assert_int_equal(count_rows("maven-crm-sales-opportunities/accounts.csv", NULL), 85);
    assert_int_equal(count_rows("maven-crm-sales-opportunities/products.csv", NULL), 7);
    assert_int_equal(count_rows("maven-crm-sales-opportunities/sales_teams.csv", NULL), 35);
    assert_int_equal(count_rows("maven-crm-sales-opportunities/data_dictionary.csv", &src), 21);
    assert_int_equal(jm__source_ncolumns(src), 3);
    jm__source_close(src);

    struct jm_row row = dataset_row("maven-crm-sales-opportunities/accounts.csv", 1, &src);
    assert_cell(src, &row, "account", "Acme Corporation");
    assert_cell(src, &row, "revenue", "1100.04");
    assert_cell(src, &row, "subsidiary_of", ""); /* before the CRLF */
    jm__source_close(src);

    row = dataset_row("maven-crm-sales-opportunities/sales_pipeline.csv", 1, &src);
    assert_cell(src, &row, "opportunity_id", "1C1I7A6R");
    assert_cell(src, &row, "close_value", "1054");
    jm__source_close(src);

    row = dataset_row("maven-crm-sales-opportunities/data_dictionary.csv", 19, &src);
    assert_int_equal(row.line, 20);
    assert_cell(src, &row, "Description",
                "Date in which the \"Engaging\" deal stage was initiated");
    jm__source_close(src);
    row = dataset_row("maven-crm-sales-opportunities/data_dictionary.csv", 20, &src);
    assert_cell(src, &row, "Description", "Date in which the deal was \"Won\" or \"Lost\"");
    jm__source_close(src);
}

static void csv_reads_the_olist_funnel_files(void **state)
{
    (void)state;
    struct jm_source *src;
    assert_int_equal(
        count_rows("olist-marketing-funnel/olist_marketing_qualified_leads_dataset.csv", NULL),
        8000);
    assert_int_equal(count_rows("olist-marketing-funnel/olist_closed_deals_dataset.csv", &src),
                     842);
    assert_int_equal(jm__source_ncolumns(src), 14);
    jm__source_close(src);

    struct jm_row row =
        dataset_row("olist-marketing-funnel/olist_closed_deals_dataset.csv", 71, &src);
    assert_int_equal(row.line, 72);
    assert_cell(src, &row, "mql_id", "58caf27a48e7930aefd5437298d64a70");
    assert_cell(src, &row, "lead_behaviour_profile", "cat, wolf");
    assert_cell(src, &row, "has_company", "True");
    assert_cell(src, &row, "declared_monthly_revenue", "30000.0");
    jm__source_close(src);

    row = dataset_row("olist-marketing-funnel/olist_marketing_qualified_leads_dataset.csv", 8000,
                      &src);
    assert_cell(src, &row, "mql_id", "8a6492305a5fbcdcdd1a7f5a90764c07");
    assert_cell(src, &row, "origin", "direct_traffic");
    jm__source_close(src);
}

/* ---------------------------------------------------------------- out of memory */

/* Opens (by path when `path`, else from memory) and reads everything; returns the status. */
static jm_status open_and_read(const char *path, const char *data, struct jm_error *err)
{
    struct jm_source *src = NULL;
    struct jm_row row;
    bool eof = false;
    jm_status rc = path ? jm__source_open(path, path, NULL, &src, err)
                        : jm__source_open_mem(data, strlen(data), NAME, NULL, &src, err);
    while (!rc && !eof)
        rc = jm__source_next(src, &row, &eof, err);
    jm__source_close(src);
    return rc;
}

static void csv_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    static const char data[] =
        "\xef\xbb\xbf"
        "id,\"na\"\"me\",c3,c4,c5,c6,c7,c8,c9,c10,c11,c12,c13,c14,c15,c16,c17\n"
        "1,\"a\"\"b\",\"multi\nline\nquoted\nfield\nwith\nmany\nlines\nhere\","
        "é,,,,,,,,,,,,,\n"
        "2,x,y,z,,,,,,,,,,,,,\n";
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_write_file(dir, "oom.csv", data);
    for (int by_path = 0; by_path < 2; by_path++) {
        bool finished = false;
        for (unsigned long n = 1; !finished && n < 1000; n++) {
            struct jm_error err = {0};
            jm_alloc_fail_at(n);
            jm_status rc = open_and_read(by_path ? path : NULL, data, &err);
            finished = jm_alloc_count() < n; /* the n-th allocation never happened */
            jm_alloc_fail_reset();
            if (rc != JM_OK) {
                assert_int_equal(rc, JM_ENOMEM);
                assert_string_equal(err.msg, "out of memory");
            }
            assert_true(rc == JM_OK || !finished);
        }
        assert_true(finished);
    }
    jm_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(csv_reads_header_and_rows_as_named_cells, teardown),
        cmocka_unit_test_teardown(csv_reads_empty_cells, teardown),
        cmocka_unit_test_teardown(csv_reads_quoted_delimiters_and_doubled_quotes, teardown),
        cmocka_unit_test_teardown(csv_reads_quoted_newline_and_counts_lines, teardown),
        cmocka_unit_test_teardown(csv_reads_crlf_line_endings, teardown),
        cmocka_unit_test_teardown(csv_reads_a_last_line_without_newline, teardown),
        cmocka_unit_test_teardown(csv_skips_blank_lines, teardown),
        cmocka_unit_test_teardown(csv_skips_utf8_bom, teardown),
        cmocka_unit_test_teardown(csv_handles_empty_and_header_only_files, teardown),
        cmocka_unit_test_teardown(csv_detects_the_delimiter_from_the_header, teardown),
        cmocka_unit_test_teardown(csv_uses_the_given_delimiter, teardown),
        cmocka_unit_test_teardown(csv_counts_columns_in_characters, teardown),
        cmocka_unit_test_teardown(csv_cells_survive_scratch_growth, teardown),
        cmocka_unit_test_teardown(csv_tracks_offset_and_size, teardown),
        cmocka_unit_test_teardown(csv_reads_rows_without_allocating, teardown),
        cmocka_unit_test_teardown(csv_rejects_unterminated_quote_at_the_opening_quote, teardown),
        cmocka_unit_test_teardown(csv_rejects_stray_quote_in_unquoted_field, teardown),
        cmocka_unit_test_teardown(csv_rejects_text_after_closing_quote, teardown),
        cmocka_unit_test_teardown(csv_rejects_invalid_utf8_at_the_bad_byte, teardown),
        cmocka_unit_test_teardown(csv_rejects_too_few_fields_at_the_end_of_the_row, teardown),
        cmocka_unit_test_teardown(csv_rejects_too_many_fields_where_the_extra_one_starts, teardown),
        cmocka_unit_test_teardown(csv_rejects_fields_longer_than_max_field, teardown),
        cmocka_unit_test_teardown(csv_rejects_empty_and_repeated_column_names, teardown),
        cmocka_unit_test_teardown(csv_limits_the_number_of_columns, teardown),
        cmocka_unit_test_teardown(csv_reports_the_earliest_problem_in_a_row, teardown),
        cmocka_unit_test_teardown(csv_continues_after_a_bad_row, teardown),
        cmocka_unit_test_teardown(csv_opens_files_by_path, teardown),
        cmocka_unit_test_teardown(csv_reads_standard_input_for_dash, teardown),
        cmocka_unit_test_teardown(csv_picks_the_format_by_extension, teardown),
        cmocka_unit_test_teardown(csv_reads_the_maven_crm_files, teardown),
        cmocka_unit_test_teardown(csv_reads_the_olist_funnel_files, teardown),
        cmocka_unit_test_teardown(csv_fails_cleanly_at_every_allocation, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
