/*
 * Tests of the dictionaries' text sort (src/store/text_sort.c) against a plain comparison sort:
 * texts sharing long prefixes, texts that are prefixes of others, embedded NUL bytes (which the
 * sort's zero padding must not confuse with the end of a text), duplicates, and sizes on both
 * sides of the insertion-sort cutoff.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "store/internal.h"

static const struct jm__store_entry *ref_base;

/* memcmp order, then length, then index: what jm__store_sort_texts() promises. */
static int ref_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const struct jm__store_entry *x = &ref_base[a], *y = &ref_base[b];
    size_t len = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, len);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return (a > b) - (a < b);
}

static void check_sorted(struct jm__store_entry *e, size_t n)
{
    uint32_t *got = test_malloc((n + 1) * sizeof(*got));
    uint32_t *want = test_malloc((n + 1) * sizeof(*want));
    for (size_t i = 0; i < n; i++) {
        e[i].orig = (uint32_t)i;
        want[i] = (uint32_t)i;
    }
    ref_base = e;
    qsort(want, n, sizeof(*want), ref_cmp);
    assert_int_equal(jm__store_sort_texts(e, n, got), JM_OK);
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i])
            fail_msg("position %zu of %zu: got '%.*s' (%u), want '%.*s' (%u)", i, n,
                     (int)e[got[i]].len, e[got[i]].s, got[i], (int)e[want[i]].len, e[want[i]].s,
                     want[i]);
    test_free(got);
    test_free(want);
}

/* A pseudo-random generator of our own, so the cases are the same everywhere. */
static uint64_t next(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return *state >> 33;
}

/* `n` texts over a small alphabet (NUL included) after one of a few long shared prefixes. */
static void random_case(size_t n, size_t prefix_len, uint64_t seed)
{
    static const char alphabet[] = {'\0', 'a', 'b', '0', '9', '\xff'};
    struct jm__store_entry *e = test_malloc((n + 1) * sizeof(*e));
    char *buf = test_malloc(n * (prefix_len + 24) + 1);
    char *p = buf;
    uint64_t st = seed;
    for (size_t i = 0; i < n; i++) {
        size_t pre = next(&st) % 3 == 0 ? prefix_len / 2 : prefix_len;
        size_t tail = next(&st) % 20;
        for (size_t k = 0; k < pre; k++)
            p[k] = (char)('A' + k % 7);
        for (size_t k = 0; k < tail; k++)
            p[pre + k] = alphabet[next(&st) % sizeof(alphabet)];
        e[i] = (struct jm__store_entry){p, (uint32_t)(pre + tail), 0};
        p += pre + tail;
    }
    check_sorted(e, n);
    test_free(buf);
    test_free(e);
}

static void texts_sort_like_memcmp(void **state)
{
    (void)state;
    static const char *const words[] = {
        "acc-000010", "acc-00001",   "acc-000010", "b",          "",      "a",
        "abcdefgh",   "abcdefghi",   "abcdefgh",   "abcdefg",    "zz",    "con-000001-2",
        "con-000001", "con-0000011", "Việt Nam",   "Viet Nam",   "\xff",  "abcdefgh\xff",
        "1000101",    "999",         "100",        "1000100000", "10001", "abcdefghabcdefgh",
    };
    size_t n = sizeof(words) / sizeof(words[0]);
    struct jm__store_entry e[sizeof(words) / sizeof(words[0])];
    for (size_t i = 0; i < n; i++)
        e[i] = (struct jm__store_entry){words[i], (uint32_t)strlen(words[i]), 0};
    check_sorted(e, n);
    check_sorted(e, 0);
    check_sorted(e, 1);
}

static void embedded_nul_bytes_are_not_the_end(void **state)
{
    (void)state;
    /* "ab" < "ab\0" < "ab\0\0" < "ab\0a": zero padding must not make them equal. */
    static const struct {
        const char *s;
        uint32_t len;
    } t[] = {{"ab\0a", 4},    {"ab\0\0", 4},        {"ab", 2}, {"ab\0", 3}, {"abcdefgh\0", 9},
             {"abcdefgh", 8}, {"abcdefgh\0\0", 10}, {"", 0},   {"\0", 1}};
    size_t n = sizeof(t) / sizeof(t[0]);
    struct jm__store_entry e[sizeof(t) / sizeof(t[0])];
    for (size_t i = 0; i < n; i++)
        e[i] = (struct jm__store_entry){t[i].s, t[i].len, 0};
    check_sorted(e, n);
}

static void many_texts_with_shared_prefixes(void **state)
{
    (void)state;
    random_case(40, 3, 1);     /* below the radix cutoff */
    random_case(5000, 0, 2);   /* decided in the first chunk */
    random_case(5000, 12, 3);  /* a second chunk */
    random_case(3000, 200, 4); /* deeper than the radix passes go: the merge sort */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(texts_sort_like_memcmp),
        cmocka_unit_test(embedded_nul_bytes_are_not_the_end),
        cmocka_unit_test(many_texts_with_shared_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
