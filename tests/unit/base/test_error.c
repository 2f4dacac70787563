/*
 * Tests for base/error.c: message formats with and without a position, NULL `err`, messages
 * that overflow the buffer (cut at a whole UTF-8 character), a message that quotes the previous
 * one, and the text of every status.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "journeymap/base.h"

static void error_at_formats_file_line_and_column(void **state)
{
    (void)state;
    struct jm_error err;
    jm_error_clear(&err);
    assert_int_equal(jm_error_at(&err, JM_EPARSE, "f.csv", 3, 7, "bad %s", "date"), JM_EPARSE);
    assert_int_equal(err.code, JM_EPARSE);
    assert_string_equal(err.msg, "f.csv:3:7: bad date");
}

static void error_at_with_line_only(void **state)
{
    (void)state;
    struct jm_error err;
    jm_error_at(&err, JM_EIO, "f.csv", 3, 0, "short read");
    assert_string_equal(err.msg, "f.csv:3: short read");
    /* A column without a line means nothing: both go. */
    jm_error_at(&err, JM_EIO, "f.csv", 0, 9, "short read");
    assert_string_equal(err.msg, "f.csv: short read");
}

static void error_at_without_position(void **state)
{
    (void)state;
    struct jm_error err;
    jm_error_at(&err, JM_ENOTFOUND, "mapping.yaml", 0, 0, "no such file");
    assert_string_equal(err.msg, "mapping.yaml: no such file");
    assert_int_equal(err.code, JM_ENOTFOUND);
    jm_error_at(&err, JM_EINVAL, NULL, 3, 7, "no file");
    assert_string_equal(err.msg, "no file");
    jm_error_at(&err, JM_EINVAL, "", 3, 7, "empty file name");
    assert_string_equal(err.msg, "empty file name");
}

static void error_set_formats_and_returns_the_code(void **state)
{
    (void)state;
    struct jm_error err;
    assert_int_equal(jm_error_set(&err, JM_EINVAL, "unknown field '%s' (%d)", "x", 4), JM_EINVAL);
    assert_int_equal(err.code, JM_EINVAL);
    assert_string_equal(err.msg, "unknown field 'x' (4)");
    assert_int_equal(jm_error_set(&err, JM_OK, "%s", ""), JM_OK);
    assert_string_equal(err.msg, "");
}

static void null_err_is_allowed(void **state)
{
    (void)state;
    assert_int_equal(jm_error_set(NULL, JM_EIO, "x %d", 1), JM_EIO);
    assert_int_equal(jm_error_at(NULL, JM_EPARSE, "f", 1, 2, "y"), JM_EPARSE);
    jm_error_clear(NULL);
}

static void clear_resets_code_and_message(void **state)
{
    (void)state;
    struct jm_error err;
    jm_error_set(&err, JM_EIO, "boom");
    jm_error_clear(&err);
    assert_int_equal(err.code, JM_OK);
    assert_string_equal(err.msg, "");
}

static void long_message_is_cut_to_the_buffer(void **state)
{
    (void)state;
    struct jm_error err;
    char big[2000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    jm_error_set(&err, JM_EPARSE, "%s", big);
    assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
    jm_error_at(&err, JM_EPARSE, "f.csv", 1, 2, "%s", big);
    assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
    assert_memory_equal(err.msg, "f.csv:1:2: xxx", 14);
}

static void long_message_is_cut_at_a_whole_character(void **state)
{
    (void)state;
    struct jm_error err;
    char big[2000] = "";
    size_t used = 0;
    while (used + 12 < sizeof(big))
        used += (size_t)snprintf(big + used, sizeof(big) - used, "%s", "Nhận biết ");
    /* Shift the text by 0..3 bytes so the cut falls in every position of a character. */
    for (int shift = 0; shift < 4; shift++) {
        jm_error_at(&err, JM_EPARSE, "f.csv", 1, 1, "%.*s%s", shift, "###", big);
        size_t len = strlen(err.msg);
        assert_true(len <= sizeof(err.msg) - 1);
        assert_true(len >= sizeof(err.msg) - 4);
        assert_true(jm_utf8_valid(err.msg, len, NULL));
    }
}

static void long_file_name_keeps_its_tail_and_the_message(void **state)
{
    (void)state;
    struct jm_error err;
    char path[1001];
    memset(path, 'd', 1000);
    memcpy(path + 990, "/final.csv", 11);
    jm_error_at(&err, JM_EPARSE, path, 4, 2, "bad row");
    size_t len = strlen(err.msg);
    assert_true(len < 300);
    assert_memory_equal(err.msg, "...ddd", 6);
    assert_string_equal(err.msg + len - 23, "/final.csv:4:2: bad row");
}

static void message_may_quote_the_previous_message(void **state)
{
    (void)state;
    struct jm_error err;
    jm_error_set(&err, JM_EPARSE, "bad date");
    jm_error_set(&err, err.code, "column created: %s", err.msg);
    assert_string_equal(err.msg, "column created: bad date");
    jm_error_at(&err, err.code, "f.csv", 2, 0, "%s", err.msg);
    assert_string_equal(err.msg, "f.csv:2: column created: bad date");
}

static void strerror_describes_every_status(void **state)
{
    (void)state;
    assert_string_equal(jm_strerror(JM_OK), "success");
    assert_string_equal(jm_strerror(JM_ENOMEM), "out of memory");
    assert_string_equal(jm_strerror(JM_EINVAL), "invalid argument");
    assert_string_equal(jm_strerror(JM_EPARSE), "malformed input");
    assert_string_equal(jm_strerror(JM_EIO), "i/o error");
    assert_string_equal(jm_strerror(JM_ESTORAGE), "storage backend error");
    assert_string_equal(jm_strerror(JM_ENOTFOUND), "not found");
    assert_string_equal(jm_strerror(JM_ENOTSUP), "not supported by this build");
    assert_string_equal(jm_strerror(JM_ECONFLICT), "conflicting data");
    assert_string_equal(jm_strerror(JM_ELIMIT), "limit exceeded");
    assert_string_equal(jm_strerror((jm_status)99), "unknown error");
    assert_string_equal(jm_strerror((jm_status)-1), "unknown error");
    /* Every status has its own text, and JM_OK is 0. */
    assert_int_equal(JM_OK, 0);
#define X(name, msg) assert_string_equal(jm_strerror(JM_##name), msg);
    JM_STATUS_MAP(X)
#undef X
}

static void version_is_major_minor_patch(void **state)
{
    (void)state;
    unsigned a, b, c;
    char tail;
    assert_int_equal(sscanf(jm_version(), "%u.%u.%u%c", &a, &b, &c, &tail), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(error_at_formats_file_line_and_column),
        cmocka_unit_test(error_at_with_line_only),
        cmocka_unit_test(error_at_without_position),
        cmocka_unit_test(error_set_formats_and_returns_the_code),
        cmocka_unit_test(null_err_is_allowed),
        cmocka_unit_test(clear_resets_code_and_message),
        cmocka_unit_test(long_message_is_cut_to_the_buffer),
        cmocka_unit_test(long_message_is_cut_at_a_whole_character),
        cmocka_unit_test(long_file_name_keeps_its_tail_and_the_message),
        cmocka_unit_test(message_may_quote_the_previous_message),
        cmocka_unit_test(strerror_describes_every_status),
        cmocka_unit_test(version_is_major_minor_patch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
