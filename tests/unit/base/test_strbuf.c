/*
 * Tests for base/strbuf.c: appending, the ceiling (a failed append leaves the buffer exactly as
 * it was, whatever the reason), detach/reset/release, and JSON string escaping.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <string.h>

#include "journeymap/base.h"

static int teardown(void **state)
{
    (void)state;
    jm_alloc_fail_reset();
    return 0;
}

/* Asserts that `sb` holds exactly `len` bytes `s`, NUL-terminated. */
static void assert_sb(const struct jm_strbuf *sb, const char *s, size_t len)
{
    assert_int_equal(sb->len, len);
    assert_memory_equal(sb->buf, s, len);
    assert_int_equal(sb->buf[len], '\0');
}
#define ASSERT_SB(sb, lit) assert_sb((sb), (lit), sizeof(lit) - 1)

/* Escapes `s[0..len)` into a fresh buffer and compares with the expected literal. */
static void assert_json(const char *s, size_t len, const char *want)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_strbuf_add_json_string(&sb, s, len), JM_OK);
    assert_string_equal(sb.buf, want);
    assert_int_equal(sb.len, strlen(want));
    jm_strbuf_release(&sb);
}
#define ASSERT_JSON(lit, want) assert_json((lit), sizeof(lit) - 1, (want))

/* ---------------------------------------------------------------- appending */

static void init_is_an_empty_string_without_allocating(void **state)
{
    (void)state;
    jm_alloc_fail_at(1);
    struct jm_strbuf a = JM_STRBUF_INIT, b;
    jm_strbuf_init(&b, 100);
    ASSERT_SB(&a, "");
    ASSERT_SB(&b, "");
    assert_int_equal(b.max, 100);
    assert_int_equal(jm_alloc_count(), 0);
    jm_strbuf_release(&a);
    jm_strbuf_release(&b);
}

static void add_appends_bytes_including_nul(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_strbuf_add(&sb, "ab", 2), JM_OK);
    assert_int_equal(jm_strbuf_add(&sb, "c\0d", 3), JM_OK);
    assert_int_equal(jm_strbuf_add(&sb, NULL, 0), JM_OK);
    assert_int_equal(jm_strbuf_addstr(&sb, "ef"), JM_OK);
    assert_int_equal(jm_strbuf_addch(&sb, '!'), JM_OK);
    assert_int_equal(jm_strbuf_addch(&sb, '\0'), JM_OK);
    assert_sb(&sb, "abc\0def!\0", 9);
    jm_strbuf_release(&sb);
    ASSERT_SB(&sb, "");
}

static void addf_formats_past_the_first_block(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_strbuf_addf(&sb, "%d-%s", 42, "x"), JM_OK);
    assert_int_equal(jm_strbuf_addf(&sb, "%s", ""), JM_OK);
    ASSERT_SB(&sb, "42-x");
    for (int i = 0; i < 1000; i++)
        assert_int_equal(jm_strbuf_addf(&sb, "%04d,", i), JM_OK);
    assert_int_equal(sb.len, 4 + 5000);
    assert_memory_equal(sb.buf + 4, "0000,0001,", 10);
    assert_memory_equal(sb.buf + sb.len - 5, "0999,", 5);
    assert_true(sb.cap > sb.len);
    jm_strbuf_release(&sb);
}

static void grows_to_a_megabyte_keeping_content(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    for (int i = 0; i < (1 << 20); i++)
        assert_int_equal(jm_strbuf_addch(&sb, (char)('a' + i % 26)), JM_OK);
    assert_int_equal(sb.len, 1 << 20);
    for (int i = 0; i < (1 << 20); i += 4099)
        assert_int_equal(sb.buf[i], 'a' + i % 26);
    assert_int_equal(sb.buf[sb.len], '\0');
    jm_strbuf_release(&sb);
}

static void add_may_append_the_buffer_to_itself(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_strbuf_addstr(&sb, "abc"), JM_OK);
    /* Each round doubles the string, so the source moves when the buffer grows. */
    for (int i = 0; i < 10; i++)
        assert_int_equal(jm_strbuf_add(&sb, sb.buf, sb.len), JM_OK);
    assert_int_equal(sb.len, 3 * 1024);
    for (size_t i = 0; i < sb.len; i++)
        assert_int_equal(sb.buf[i], "abc"[i % 3]);
    assert_int_equal(jm_strbuf_add(&sb, sb.buf + 1, 2), JM_OK);
    assert_memory_equal(sb.buf + sb.len - 2, "bc", 2);
    jm_strbuf_release(&sb);
}

/* ---------------------------------------------------------------- ceiling */

static void ceiling_rejects_growth_and_keeps_the_buffer(void **state)
{
    (void)state;
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 10);
    assert_int_equal(jm_strbuf_addstr(&sb, "hello"), JM_OK);
    assert_int_equal(jm_strbuf_addstr(&sb, "world!"), JM_ELIMIT);
    ASSERT_SB(&sb, "hello");
    assert_int_equal(jm_strbuf_addf(&sb, "%s", "123456"), JM_ELIMIT);
    ASSERT_SB(&sb, "hello");
    assert_int_equal(jm_strbuf_addstr(&sb, "world"), JM_OK);
    ASSERT_SB(&sb, "helloworld");
    assert_int_equal(jm_strbuf_addch(&sb, 'x'), JM_ELIMIT);
    assert_int_equal(jm_strbuf_add(&sb, "", 0), JM_OK);
    ASSERT_SB(&sb, "helloworld");
    assert_true(sb.cap <= 11);
    jm_strbuf_release(&sb);
    assert_int_equal(sb.max, 10); /* release keeps the ceiling */
}

static void ceiling_rejects_absurd_sizes_without_allocating(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_strbuf_addch(&sb, 'a'), JM_OK);
    jm_alloc_fail_at(1);
    assert_int_equal(jm_strbuf_grow(&sb, JM_STRBUF_DEFAULT_MAX), JM_ELIMIT);
    assert_int_equal(jm_strbuf_grow(&sb, SIZE_MAX), JM_ELIMIT);
    assert_int_equal(jm_alloc_count(), 0);
    ASSERT_SB(&sb, "a");
    jm_strbuf_release(&sb);
}

static void ceiling_of_size_max_does_not_wrap(void **state)
{
    (void)state;
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, SIZE_MAX);
    for (int i = 0; i < 200; i++)
        assert_int_equal(jm_strbuf_addch(&sb, 'q'), JM_OK);
    assert_true(sb.cap > 200);
    assert_int_equal(sb.buf[199], 'q');
    assert_int_equal(jm_strbuf_grow(&sb, SIZE_MAX), JM_ELIMIT);
    jm_strbuf_release(&sb);
}

static void json_string_over_the_ceiling_leaves_the_buffer(void **state)
{
    (void)state;
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 9);
    assert_int_equal(jm_strbuf_addstr(&sb, "ab"), JM_OK);
    assert_int_equal(jm_strbuf_add_json_string(&sb, "0123456789", 10), JM_ELIMIT);
    ASSERT_SB(&sb, "ab");
    assert_int_equal(jm_strbuf_add_json_string(&sb, "\n\n\n", 3), JM_ELIMIT);
    ASSERT_SB(&sb, "ab");
    assert_int_equal(jm_strbuf_add_json_string(&sb, "\n\n\n", 2), JM_OK);
    ASSERT_SB(&sb, "ab\"\\n\\n\"");
    jm_strbuf_release(&sb);
}

/* ---------------------------------------------------------------- detach, reset */

static void detach_hands_over_the_buffer(void **state)
{
    (void)state;
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 50);
    assert_int_equal(jm_strbuf_addstr(&sb, "owned"), JM_OK);
    size_t len = 0;
    char *p = jm_strbuf_detach(&sb, &len);
    assert_string_equal(p, "owned");
    assert_int_equal(len, 5);
    ASSERT_SB(&sb, "");
    assert_int_equal(sb.cap, 0);
    assert_int_equal(sb.max, 50);
    jm_free(p);
    assert_int_equal(jm_strbuf_addstr(&sb, "again"), JM_OK);
    ASSERT_SB(&sb, "again");
    jm_strbuf_release(&sb);
}

static void detach_of_an_empty_buffer_returns_an_owned_empty_string(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    size_t len = 9;
    char *p = jm_strbuf_detach(&sb, &len);
    assert_non_null(p);
    assert_ptr_not_equal(p, jm_strbuf_empty);
    assert_string_equal(p, "");
    assert_int_equal(len, 0);
    jm_free(p);
    jm_alloc_fail_at(1);
    assert_null(jm_strbuf_detach(&sb, NULL));
}

static void reset_empties_but_keeps_memory(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_strbuf_addstr(&sb, "some text"), JM_OK);
    char *mem = sb.buf;
    size_t cap = sb.cap;
    jm_strbuf_reset(&sb);
    ASSERT_SB(&sb, "");
    assert_ptr_equal(sb.buf, mem);
    assert_int_equal(sb.cap, cap);
    jm_alloc_fail_at(1);
    assert_int_equal(jm_strbuf_addstr(&sb, "fits"), JM_OK);
    jm_alloc_fail_reset();
    ASSERT_SB(&sb, "fits");
    jm_strbuf_release(&sb);
    jm_strbuf_reset(&sb); /* on an unallocated buffer: must not write to the shared "" */
    ASSERT_SB(&sb, "");
}

/* ---------------------------------------------------------------- JSON */

static void json_escapes_quotes_and_backslashes(void **state)
{
    (void)state;
    ASSERT_JSON("", "\"\"");
    ASSERT_JSON("plain", "\"plain\"");
    ASSERT_JSON("say \"hi\"", "\"say \\\"hi\\\"\"");
    ASSERT_JSON("C:\\dir\\", "\"C:\\\\dir\\\\\"");
    ASSERT_JSON("/", "\"/\"");
}

static void json_escapes_every_control_character(void **state)
{
    (void)state;
    ASSERT_JSON("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
    ASSERT_JSON("\x01\x08\x0c\x1f", "\"\\u0001\\u0008\\u000c\\u001f\"");
    ASSERT_JSON("\x7f", "\"\\u007f\"");
    ASSERT_JSON("nul\0byte", "\"nul\\u0000byte\"");
    ASSERT_JSON(" ~", "\" ~\"");
    for (int c = 0; c < 0x20; c++) {
        struct jm_strbuf sb = JM_STRBUF_INIT;
        char ch = (char)c;
        assert_int_equal(jm_strbuf_add_json_string(&sb, &ch, 1), JM_OK);
        if (c == '\n' || c == '\r' || c == '\t')
            assert_int_equal(sb.len, 4);
        else
            assert_int_equal(sb.len, 8);
        assert_int_equal(sb.buf[1], '\\');
        jm_strbuf_release(&sb);
    }
}

static void json_passes_utf8_through(void **state)
{
    (void)state;
    ASSERT_JSON("Nhận biết", "\"Nhận biết\"");
    ASSERT_JSON("Nh\xe1\xba\xadn bi\xe1\xba\xbft", "\"Nh\xe1\xba\xadn bi\xe1\xba\xbft\"");
    ASSERT_JSON("\xf0\x9f\x9a\x80 \xe2\x82\xac", "\"\xf0\x9f\x9a\x80 \xe2\x82\xac\"");
}

static void json_appends_after_existing_content(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_strbuf_addch(&sb, '{'), JM_OK);
    assert_int_equal(jm_strbuf_add_json_string(&sb, "k", 1), JM_OK);
    assert_int_equal(jm_strbuf_addch(&sb, ':'), JM_OK);
    assert_int_equal(jm_strbuf_add_json_string(&sb, "v\"", 2), JM_OK);
    assert_int_equal(jm_strbuf_addch(&sb, '}'), JM_OK);
    ASSERT_SB(&sb, "{\"k\":\"v\\\"\"}");
    jm_strbuf_release(&sb);
}

/* ---------------------------------------------------------------- fault injection */

static void failed_allocation_leaves_the_buffer(void **state)
{
    (void)state;
    char quotes[300];
    memset(quotes, '"', sizeof(quotes));
    for (unsigned long n = 1; n <= 4; n++) {
        struct jm_strbuf sb = JM_STRBUF_INIT;
        assert_int_equal(jm_strbuf_addstr(&sb, "keep"), JM_OK);
        jm_alloc_fail_at(n);
        /* Append until an allocation fails; the failing call must leave no trace. */
        jm_status rc = JM_OK;
        size_t before = 0;
        for (int i = 0; i < 20 && !rc; i++) {
            before = sb.len;
            rc = jm_strbuf_add_json_string(&sb, quotes, sizeof(quotes));
        }
        assert_int_equal(rc, JM_ENOMEM);
        assert_int_equal(sb.len, before);
        assert_int_equal((before - 4) % 602, 0);
        assert_memory_equal(sb.buf, "keep", 4);
        assert_int_equal(sb.buf[sb.len], '\0');
        assert_int_equal(jm_strbuf_addf(&sb, "%0*d", (int)(sb.cap - sb.len), 1), JM_ENOMEM);
        assert_int_equal(sb.len, before);
        assert_int_equal(sb.buf[sb.len], '\0');
        jm_alloc_fail_reset();
        jm_strbuf_release(&sb);
    }
}

static void first_allocation_failure_keeps_the_empty_string(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    jm_alloc_fail_at(1);
    assert_int_equal(jm_strbuf_addstr(&sb, "x"), JM_ENOMEM);
    assert_int_equal(jm_strbuf_addf(&sb, "%d", 1), JM_ENOMEM);
    assert_int_equal(jm_strbuf_add_json_string(&sb, "x", 1), JM_ENOMEM);
    ASSERT_SB(&sb, "");
    assert_int_equal(sb.cap, 0);
    jm_alloc_fail_reset();
    jm_strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(init_is_an_empty_string_without_allocating, teardown),
        cmocka_unit_test_teardown(add_appends_bytes_including_nul, teardown),
        cmocka_unit_test_teardown(addf_formats_past_the_first_block, teardown),
        cmocka_unit_test_teardown(grows_to_a_megabyte_keeping_content, teardown),
        cmocka_unit_test_teardown(add_may_append_the_buffer_to_itself, teardown),
        cmocka_unit_test_teardown(ceiling_rejects_growth_and_keeps_the_buffer, teardown),
        cmocka_unit_test_teardown(ceiling_rejects_absurd_sizes_without_allocating, teardown),
        cmocka_unit_test_teardown(ceiling_of_size_max_does_not_wrap, teardown),
        cmocka_unit_test_teardown(json_string_over_the_ceiling_leaves_the_buffer, teardown),
        cmocka_unit_test_teardown(detach_hands_over_the_buffer, teardown),
        cmocka_unit_test_teardown(detach_of_an_empty_buffer_returns_an_owned_empty_string,
                                  teardown),
        cmocka_unit_test_teardown(reset_empties_but_keeps_memory, teardown),
        cmocka_unit_test_teardown(json_escapes_quotes_and_backslashes, teardown),
        cmocka_unit_test_teardown(json_escapes_every_control_character, teardown),
        cmocka_unit_test_teardown(json_passes_utf8_through, teardown),
        cmocka_unit_test_teardown(json_appends_after_existing_content, teardown),
        cmocka_unit_test_teardown(failed_allocation_leaves_the_buffer, teardown),
        cmocka_unit_test_teardown(first_allocation_failure_keeps_the_empty_string, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
