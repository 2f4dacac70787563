/*
 * Tests for base/alloc.c: the fault injector's counting rules (tests all over the suite depend
 * on them), zero-size and overflowing requests, and jm_grow's growth and overflow checks.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <string.h>

#include "journeymap/base.h"

/*
 * Huge requests must come back as NULL rather than abort the test under ASan, whose default is
 * to treat an impossible size as a fatal error.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static int teardown(void **state)
{
    (void)state;
    jm_alloc_fail_reset();
    return 0;
}

/* ---------------------------------------------------------------- fault injection */

static void fail_at_fails_nth_allocation_and_every_later_one(void **state)
{
    (void)state;
    jm_alloc_fail_at(3);
    void *a = jm_malloc(8);
    void *b = jm_calloc(2, 8);
    assert_non_null(a);
    assert_non_null(b);
    assert_null(jm_malloc(8));
    assert_null(jm_calloc(1, 1));
    assert_null(jm_strdup("x"));
    assert_int_equal(jm_alloc_count(), 5);
    jm_free(a);
    jm_free(b);
}

static void fail_at_one_fails_the_very_next_allocation(void **state)
{
    (void)state;
    jm_alloc_fail_at(1);
    assert_null(jm_malloc(1));
    assert_int_equal(jm_alloc_count(), 1);
}

static void fail_at_zero_turns_injection_off(void **state)
{
    (void)state;
    jm_alloc_fail_at(1);
    jm_alloc_fail_at(0);
    void *p = jm_malloc(4);
    assert_non_null(p);
    assert_int_equal(jm_alloc_count(), 1);
    jm_free(p);
}

static void fail_at_restarts_the_count(void **state)
{
    (void)state;
    jm_alloc_fail_reset();
    jm_free(jm_malloc(1));
    jm_free(jm_malloc(1));
    assert_int_equal(jm_alloc_count(), 2);
    jm_alloc_fail_at(2);
    assert_int_equal(jm_alloc_count(), 0);
    void *p = jm_malloc(1);
    assert_non_null(p);
    assert_null(jm_malloc(1));
    jm_free(p);
}

static void fail_reset_clears_count_and_injection(void **state)
{
    (void)state;
    jm_alloc_fail_at(1);
    assert_null(jm_malloc(1));
    jm_alloc_fail_reset();
    assert_int_equal(jm_alloc_count(), 0);
    void *p = jm_malloc(1);
    assert_non_null(p);
    assert_int_equal(jm_alloc_count(), 1);
    jm_free(p);
}

static void count_includes_every_allocating_call_but_not_free(void **state)
{
    (void)state;
    jm_alloc_fail_reset();
    void *a = jm_malloc(1);
    void *b = jm_calloc(1, 1);
    a = jm_realloc(a, 100);
    char *c = jm_strdup("abc");
    char *d = jm_strndup("abc", 2);
    jm_free(a);
    jm_free(b);
    jm_free(c);
    jm_free(d);
    jm_free(NULL);
    assert_int_equal(jm_alloc_count(), 5);
}

static void failing_realloc_keeps_the_old_block(void **state)
{
    (void)state;
    char *p = jm_malloc(16);
    assert_non_null(p);
    memcpy(p, "0123456789abcde", 16);
    jm_alloc_fail_at(1);
    assert_null(jm_realloc(p, 1 << 20));
    jm_alloc_fail_reset();
    assert_string_equal(p, "0123456789abcde");
    jm_free(p);
}

/* ---------------------------------------------------------------- sizes */

static void malloc_zero_returns_distinct_non_null_pointers(void **state)
{
    (void)state;
    void *a = jm_malloc(0);
    void *b = jm_malloc(0);
    void *c = jm_calloc(0, 8);
    void *d = jm_realloc(NULL, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(d);
    assert_ptr_not_equal(a, b);
    jm_free(a);
    jm_free(b);
    jm_free(c);
    jm_free(d);
}

static void calloc_zeroes_and_rejects_overflowing_products(void **state)
{
    (void)state;
    unsigned char *p = jm_calloc(100, 3);
    assert_non_null(p);
    for (int i = 0; i < 300; i++)
        assert_int_equal(p[i], 0);
    jm_free(p);
    assert_null(jm_calloc(SIZE_MAX / 2, 4));
}

static void strndup_copies_embedded_nul_and_terminates(void **state)
{
    (void)state;
    char *s = jm_strndup("a\0bcdef", 4);
    assert_non_null(s);
    assert_memory_equal(s, "a\0bc", 4);
    assert_int_equal(s[4], '\0');
    jm_free(s);
    char *e = jm_strndup(NULL, 0);
    assert_non_null(e);
    assert_string_equal(e, "");
    jm_free(e);
}

static void strndup_of_impossible_length_fails_cleanly(void **state)
{
    (void)state;
    /* len + 1 wraps to 0: it must not become a 1-byte block written at s[SIZE_MAX]. */
    assert_null(jm_strndup("x", SIZE_MAX));
}

static void size_mul_detects_overflow(void **state)
{
    (void)state;
    size_t r = 0;
    assert_true(jm_size_mul(6, 7, &r));
    assert_int_equal(r, 42);
    assert_true(jm_size_mul(SIZE_MAX, 1, &r));
    assert_false(jm_size_mul(SIZE_MAX / 2 + 1, 2, &r));
    assert_false(jm_size_mul((size_t)1 << 32, (size_t)1 << 32, &r));
}

/* ---------------------------------------------------------------- jm_grow */

static void grow_starts_at_eight_and_doubles(void **state)
{
    (void)state;
    int *items = NULL;
    size_t cap = 0;
    assert_int_equal(jm_grow((void **)&items, &cap, 1, sizeof(int)), JM_OK);
    assert_int_equal(cap, 8);
    assert_int_equal(jm_grow((void **)&items, &cap, 9, sizeof(int)), JM_OK);
    assert_int_equal(cap, 16);
    assert_int_equal(jm_grow((void **)&items, &cap, 100, sizeof(int)), JM_OK);
    assert_int_equal(cap, 128);
    items[127] = 7;
    jm_free(items);
}

static void grow_within_capacity_does_not_allocate(void **state)
{
    (void)state;
    int *items = NULL;
    size_t cap = 0;
    assert_int_equal(jm_grow((void **)&items, &cap, 0, sizeof(int)), JM_OK);
    assert_null(items);
    assert_int_equal(jm_grow((void **)&items, &cap, 5, sizeof(int)), JM_OK);
    int *before = items;
    jm_alloc_fail_at(1);
    assert_int_equal(jm_grow((void **)&items, &cap, 8, sizeof(int)), JM_OK);
    assert_int_equal(jm_alloc_count(), 0);
    assert_ptr_equal(items, before);
    jm_alloc_fail_reset();
    jm_free(items);
}

static void grow_keeps_the_contents(void **state)
{
    (void)state;
    long *items = NULL;
    size_t cap = 0;
    for (long i = 0; i < 10000; i++) {
        assert_int_equal(jm_grow((void **)&items, &cap, (size_t)i + 1, sizeof(long)), JM_OK);
        items[i] = i * 3;
    }
    assert_int_equal(cap, 16384);
    for (long i = 0; i < 10000; i++)
        assert_int_equal(items[i], i * 3);
    jm_free(items);
}

static void grow_rejects_overflowing_sizes_and_leaves_the_array(void **state)
{
    (void)state;
    char *items = NULL;
    size_t cap = 0;
    assert_int_equal(jm_grow((void **)&items, &cap, 4, 1), JM_OK);
    char *before = items;
    /* The element count cannot double past SIZE_MAX. */
    assert_int_equal(jm_grow((void **)&items, &cap, SIZE_MAX, 1), JM_ENOMEM);
    /* The count fits but count * elsize does not. */
    assert_int_equal(jm_grow((void **)&items, &cap, (size_t)1 << 40, (size_t)1 << 30), JM_ENOMEM);
    assert_ptr_equal(items, before);
    assert_int_equal(cap, 8);
    jm_free(items);
}

static void grow_failure_leaves_the_array(void **state)
{
    (void)state;
    int *items = NULL;
    size_t cap = 0;
    assert_int_equal(jm_grow((void **)&items, &cap, 8, sizeof(int)), JM_OK);
    items[7] = 99;
    int *before = items;
    jm_alloc_fail_at(1);
    assert_int_equal(jm_grow((void **)&items, &cap, 9, sizeof(int)), JM_ENOMEM);
    jm_alloc_fail_reset();
    assert_ptr_equal(items, before);
    assert_int_equal(cap, 8);
    assert_int_equal(items[7], 99);
    jm_free(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(fail_at_fails_nth_allocation_and_every_later_one, teardown),
        cmocka_unit_test_teardown(fail_at_one_fails_the_very_next_allocation, teardown),
        cmocka_unit_test_teardown(fail_at_zero_turns_injection_off, teardown),
        cmocka_unit_test_teardown(fail_at_restarts_the_count, teardown),
        cmocka_unit_test_teardown(fail_reset_clears_count_and_injection, teardown),
        cmocka_unit_test_teardown(count_includes_every_allocating_call_but_not_free, teardown),
        cmocka_unit_test_teardown(failing_realloc_keeps_the_old_block, teardown),
        cmocka_unit_test_teardown(malloc_zero_returns_distinct_non_null_pointers, teardown),
        cmocka_unit_test_teardown(calloc_zeroes_and_rejects_overflowing_products, teardown),
        cmocka_unit_test_teardown(strndup_copies_embedded_nul_and_terminates, teardown),
        cmocka_unit_test_teardown(strndup_of_impossible_length_fails_cleanly, teardown),
        cmocka_unit_test_teardown(size_mul_detects_overflow, teardown),
        cmocka_unit_test_teardown(grow_starts_at_eight_and_doubles, teardown),
        cmocka_unit_test_teardown(grow_within_capacity_does_not_allocate, teardown),
        cmocka_unit_test_teardown(grow_keeps_the_contents, teardown),
        cmocka_unit_test_teardown(grow_rejects_overflowing_sizes_and_leaves_the_array, teardown),
        cmocka_unit_test_teardown(grow_failure_leaves_the_array, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
