/*
 * Tests for base/utf8.c. Besides hand-picked cases, every 1-, 2- and 3-byte input (and 4-byte
 * inputs led by F0-F4) is checked against a slow reference decoder written from RFC 3629, and
 * the 8-byte ASCII fast path is probed with a bad byte at every offset.
 *
 * A bad sequence is reported at the offset of its first byte (the lead), wherever in it the
 * problem is.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <string.h>

#include "base/internal.h"

#define S(lit) (lit), (sizeof(lit) - 1)

/* Returns the bad offset, or -1 when valid. */
static long bad_at(const char *s, size_t len)
{
    size_t bad = 12345;
    if (jm_utf8_valid(s, len, &bad))
        return -1;
    return (long)bad;
}

/* The reference: decode the code point and check the ranges RFC 3629 allows. */
static long ref_bad_at(const unsigned char *s, size_t len)
{
    static const unsigned long min_cp[] = {0, 0x80, 0x800, 0x10000};
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        int n = c < 0x80 ? 0 : c < 0xc0 ? -1 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : c < 0xf8 ? 3 : -1;
        if (n < 0 || len - i <= (size_t)n)
            return (long)i;
        unsigned long cp = c & (0x7fu >> n);
        for (int k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return (long)i;
            cp = cp << 6 | (s[i + k] & 0x3fu);
        }
        if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return (long)i;
        i += (size_t)n + 1;
    }
    return -1;
}

static void accepts_ascii_and_empty(void **state)
{
    (void)state;
    assert_int_equal(bad_at("", 0), -1);
    assert_int_equal(bad_at(NULL, 0), -1);
    assert_int_equal(bad_at(S("hello, world")), -1);
    assert_int_equal(bad_at(S("\0\x01\x7f")), -1);
    assert_true(jm_utf8_valid(S("x"), NULL));
}

static void accepts_multibyte_text(void **state)
{
    (void)state;
    assert_int_equal(bad_at(S("Nhận biết")), -1);
    assert_int_equal(bad_at(S("Cân nhắc → Quyết định")), -1);
    assert_int_equal(bad_at(S("\xf0\x9f\x9a\x80\xf0\x9f\x87\xbb\xf0\x9f\x87\xb3")), -1); /* 🚀🇻🇳 */
    assert_int_equal(bad_at(S("\xc2\x80")), -1);         /* U+0080 */
    assert_int_equal(bad_at(S("\xdf\xbf")), -1);         /* U+07FF */
    assert_int_equal(bad_at(S("\xe0\xa0\x80")), -1);     /* U+0800 */
    assert_int_equal(bad_at(S("\xed\x9f\xbf")), -1);     /* U+D7FF */
    assert_int_equal(bad_at(S("\xee\x80\x80")), -1);     /* U+E000 */
    assert_int_equal(bad_at(S("\xef\xbf\xbf")), -1);     /* U+FFFF */
    assert_int_equal(bad_at(S("\xf0\x90\x80\x80")), -1); /* U+10000 */
    assert_int_equal(bad_at(S("\xf4\x8f\xbf\xbf")), -1); /* U+10FFFF */
}

static void rejects_overlong_forms(void **state)
{
    (void)state;
    assert_int_equal(bad_at(S("\xc0\x80")), 0);
    assert_int_equal(bad_at(S("\xc1\xbf")), 0);
    assert_int_equal(bad_at(S("ab\xe0\x80\x80")), 2);
    assert_int_equal(bad_at(S("\xe0\x9f\xbf")), 0);
    assert_int_equal(bad_at(S("abc\xf0\x80\x80\x80")), 3);
    assert_int_equal(bad_at(S("\xf0\x8f\xbf\xbf")), 0);
}

static void rejects_surrogates_and_code_points_past_10ffff(void **state)
{
    (void)state;
    assert_int_equal(bad_at(S("\xed\xa0\x80")), 0);  /* U+D800 */
    assert_int_equal(bad_at(S("x\xed\xbf\xbf")), 1); /* U+DFFF */
    assert_int_equal(bad_at(S("\xf4\x90\x80\x80")), 0);
    assert_int_equal(bad_at(S("\xf5\x80\x80\x80")), 0);
    assert_int_equal(bad_at(S("\xf8\x88\x80\x80\x80")), 0);
    assert_int_equal(bad_at(S("\xff")), 0);
    assert_int_equal(bad_at(S("\xfe")), 0);
}

static void rejects_stray_continuation_bytes(void **state)
{
    (void)state;
    assert_int_equal(bad_at(S("\x80")), 0);
    assert_int_equal(bad_at(S("a\xbf")), 1);
    assert_int_equal(bad_at(S("\xc3\xa9\xa9")), 2);
}

static void rejects_truncated_sequences_at_the_end(void **state)
{
    (void)state;
    assert_int_equal(bad_at(S("abc\xc3")), 3);
    assert_int_equal(bad_at(S("abc\xe1\xba")), 3);
    assert_int_equal(bad_at(S("abc\xe1")), 3);
    assert_int_equal(bad_at(S("\xf0\x9f\x9a")), 0);
    assert_int_equal(bad_at(S("\xf0\x9f")), 0);
    assert_int_equal(bad_at(S("\xf0")), 0);
    /* A valid string cut by `len` is truncated too. */
    const char *viet = "Nhận";
    assert_int_equal(bad_at(viet, 4), 2);
    assert_int_equal(bad_at(viet, 5), -1);
}

static void rejects_truncated_sequences_in_the_middle(void **state)
{
    (void)state;
    assert_int_equal(bad_at(S("ab\xe1\xba"
                              "cd")),
                     2);
    assert_int_equal(bad_at(S("\xc3"
                              "abcdefghijk")),
                     0);
    assert_int_equal(bad_at(S("abcdefgh\xf0\x9f\x9a"
                              "abcdefgh")),
                     8);
    assert_int_equal(bad_at(S("\xe1\xba\xad\xe1\xba\xe1\xba\xad")), 3);
}

static void reports_the_first_of_several_bad_sequences(void **state)
{
    (void)state;
    assert_int_equal(bad_at(S("ok\xff\xc0\x80")), 2);
    assert_int_equal(bad_at(S("Nhận\x80 biết\xff")), 6);
}

/* The fast path reads 8 bytes at a time: a bad byte must be found at any offset. */
static void ascii_fast_path_finds_a_bad_byte_at_every_offset(void **state)
{
    (void)state;
    char buf[32];
    for (size_t len = 1; len <= 24; len++) {
        for (size_t off = 0; off < len && off <= 20; off++) {
            memset(buf, 'a', sizeof(buf));
            buf[off] = (char)0x80;
            assert_int_equal(bad_at(buf, len), (long)off);
            buf[off] = (char)0xff;
            assert_int_equal(bad_at(buf, len), (long)off);
            buf[off] = 'z';
            assert_int_equal(bad_at(buf, len), -1);
        }
    }
}

static void ascii_fast_path_hands_over_multibyte_at_every_offset(void **state)
{
    (void)state;
    char buf[32];
    for (size_t off = 0; off <= 20; off++) {
        memset(buf, 'a', sizeof(buf));
        memcpy(buf + off, "\xe1\xba\xad", 3); /* "ậ" */
        assert_int_equal(bad_at(buf, 24), -1);
        assert_int_equal(bad_at(buf, off + 2), (long)off); /* cut inside it */
        buf[off + 2] = 'a';
        assert_int_equal(bad_at(buf, 24), (long)off);
    }
}

static void bad_offset_may_be_null(void **state)
{
    (void)state;
    assert_false(jm_utf8_valid(S("\xff"), NULL));
}

static void matches_the_reference_on_every_short_input(void **state)
{
    (void)state;
    unsigned char b[4];
    for (unsigned x = 0; x < 256; x++) {
        b[0] = (unsigned char)x;
        assert_int_equal(bad_at((char *)b, 1), ref_bad_at(b, 1));
        for (unsigned y = 0; y < 256; y++) {
            b[1] = (unsigned char)y;
            assert_int_equal(bad_at((char *)b, 2), ref_bad_at(b, 2));
        }
    }
    for (unsigned x = 0xc0; x < 256; x++) {
        for (unsigned y = 0; y < 256; y++) {
            for (unsigned z = 0; z < 256; z++) {
                b[0] = (unsigned char)x, b[1] = (unsigned char)y, b[2] = (unsigned char)z;
                long want = ref_bad_at(b, 3), got = bad_at((char *)b, 3);
                if (got != want)
                    fail_msg("%02x %02x %02x: got %ld, want %ld", x, y, z, got, want);
            }
        }
    }
}

static void matches_the_reference_on_four_byte_leads(void **state)
{
    (void)state;
    unsigned char b[5] = {0, 0, 0, 0, 'a'};
    for (unsigned x = 0xf0; x <= 0xf5; x++) {
        for (unsigned y = 0x70; y < 0xd0; y++) {
            for (unsigned z = 0x70; z < 0xd0; z += 3) {
                for (unsigned w = 0x70; w < 0xd0; w += 5) {
                    b[0] = (unsigned char)x, b[1] = (unsigned char)y;
                    b[2] = (unsigned char)z, b[3] = (unsigned char)w;
                    long want = ref_bad_at(b, 5), got = bad_at((char *)b, 5);
                    if (got != want)
                        fail_msg("%02x %02x %02x %02x: got %ld, want %ld", x, y, z, w, got, want);
                }
            }
        }
    }
}

static void count_counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(jm_utf8_count("", 0), 0);
    assert_int_equal(jm_utf8_count(S("hello")), 5);
    assert_int_equal(jm_utf8_count(S("Nhận biết")), 9);
    assert_int_equal(jm_utf8_count(S("\xf0\x9f\x9a\x80!")), 2);
    assert_int_equal(jm_utf8_count(S("a\0b")), 3);
}

static void prefix_never_ends_inside_a_character(void **state)
{
    (void)state;
    const char *s = "Nh\xe1\xba\xadn \xf0\x9f\x9a\x80"; /* "Nhận 🚀": 2 + 3 + 2 + 4 bytes */
    size_t len = strlen(s);
    static const size_t want[] = {0, 1, 2, 2, 2, 5, 6, 7, 7, 7, 7, 11, 11};
    for (size_t max = 0; max <= 12; max++)
        assert_int_equal(jm__utf8_prefix(s, len, max), want[max]);
    assert_int_equal(jm__utf8_prefix(s, 4, 100), 2); /* a short `len` cuts too */
    assert_int_equal(jm__utf8_prefix("abc", 3, 2), 2);
    assert_int_equal(jm__utf8_prefix("", 0, 5), 0);
    /* Stray continuation bytes are not a character to protect. */
    assert_int_equal(jm__utf8_prefix("a\x80\x80\x80\x80", 5, 5), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_ascii_and_empty),
        cmocka_unit_test(accepts_multibyte_text),
        cmocka_unit_test(rejects_overlong_forms),
        cmocka_unit_test(rejects_surrogates_and_code_points_past_10ffff),
        cmocka_unit_test(rejects_stray_continuation_bytes),
        cmocka_unit_test(rejects_truncated_sequences_at_the_end),
        cmocka_unit_test(rejects_truncated_sequences_in_the_middle),
        cmocka_unit_test(reports_the_first_of_several_bad_sequences),
        cmocka_unit_test(ascii_fast_path_finds_a_bad_byte_at_every_offset),
        cmocka_unit_test(ascii_fast_path_hands_over_multibyte_at_every_offset),
        cmocka_unit_test(bad_offset_may_be_null),
        cmocka_unit_test(matches_the_reference_on_every_short_input),
        cmocka_unit_test(matches_the_reference_on_four_byte_leads),
        cmocka_unit_test(count_counts_code_points),
        cmocka_unit_test(prefix_never_ends_inside_a_character),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
