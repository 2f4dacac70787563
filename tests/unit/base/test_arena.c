/*
 * Tests for base/arena.c: every allocation is 16-aligned and zeroed, large requests get a block
 * of their own, and out-of-memory is sticky (SQLite's rule): after the first failed malloc the
 * arena returns NULL without trying again, until it is released.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <stdint.h>
#include <string.h>

#include "journeymap/base.h"

/* Impossible sizes must come back as NULL, not abort the test under ASan. */
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

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static void alloc_returns_aligned_zeroed_memory(void **state)
{
    (void)state;
    struct jm_arena a = JM_ARENA_INIT;
    for (size_t size = 1; size < 300; size += 7) {
        unsigned char *p = jm_arena_alloc(&a, size);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_true(all_zero(p, size));
        /* Dirty it so the next allocation's zeroing is really checked. */
        memset(p, 0xff, size);
    }
    assert_false(a.failed);
    jm_arena_release(&a);
}

static void alloc_rounds_sizes_up_to_sixteen(void **state)
{
    (void)state;
    struct jm_arena a = JM_ARENA_INIT;
    char *p = jm_arena_alloc(&a, 1);
    char *q = jm_arena_alloc(&a, 17);
    char *r = jm_arena_alloc(&a, 16);
    assert_ptr_equal(q, p + 16);
    assert_ptr_equal(r, q + 32);
    assert_int_equal(a.used_total, 64);
    jm_arena_release(&a);
}

static void alloc_of_zero_bytes_returns_non_null(void **state)
{
    (void)state;
    struct jm_arena a = JM_ARENA_INIT;
    assert_non_null(jm_arena_alloc(&a, 0));
    assert_false(a.failed);
    jm_arena_release(&a);
}

static void large_allocation_gets_its_own_block(void **state)
{
    (void)state;
    struct jm_arena a = JM_ARENA_INIT;
    char *small = jm_arena_alloc(&a, 10);
    size_t big = 3u << 20; /* past the 1 MiB block cap */
    unsigned char *p = jm_arena_alloc(&a, big);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    assert_true(all_zero(p, big));
    memset(p, 0xab, big);
    char *after = jm_arena_alloc(&a, 10);
    assert_non_null(after);
    assert_true(all_zero((unsigned char *)after, 10));
    memcpy(small, "still here", 10);
    assert_memory_equal(small, "still here", 10);
    assert_int_equal(p[big - 1], 0xab);
    jm_arena_release(&a);
}

static void many_small_allocations_stay_intact_across_blocks(void **state)
{
    (void)state;
    struct jm_arena a = JM_ARENA_INIT;
    enum { N = 100000 };
    static uint64_t *ptrs[N];
    for (uint64_t i = 0; i < N; i++) {
        ptrs[i] = jm_arena_alloc(&a, 24);
        assert_non_null(ptrs[i]);
        ptrs[i][0] = i;
        ptrs[i][2] = ~i;
    }
    for (uint64_t i = 0; i < N; i++) {
        assert_int_equal(ptrs[i][0], i);
        assert_int_equal(ptrs[i][1], 0);
        assert_int_equal(ptrs[i][2], ~i);
    }
    assert_int_equal(a.used_total, (size_t)N * 32);
    jm_arena_release(&a);
}

static void first_failure_is_sticky_until_release(void **state)
{
    (void)state;
    struct jm_arena a;
    jm_arena_init(&a);
    jm_alloc_fail_at(1);
    assert_null(jm_arena_alloc(&a, 8));
    assert_true(a.failed);
    jm_alloc_fail_reset();
    /* Memory is back, but the arena keeps failing so callers can check once at the end. */
    assert_null(jm_arena_alloc(&a, 8));
    assert_null(jm_arena_strdup(&a, "x"));
    assert_null(jm_arena_printf(&a, "%d", 1));
    assert_int_equal(jm_alloc_count(), 0);
    jm_arena_release(&a);
    assert_false(a.failed);
    assert_null(a.head);
    assert_non_null(jm_arena_alloc(&a, 8));
    jm_arena_release(&a);
}

/*
 * Allocates 2000 * 100 bytes, which takes six blocks (4, 8, 16, 32, 64 and 128 KiB), and fails
 * each of those mallocs in turn: everything before the failure stays intact, everything after
 * it is NULL, and no further malloc is even attempted.
 */
static void failing_each_underlying_malloc_in_turn(void **state)
{
    (void)state;
    enum { N = 2000 };
    static unsigned char *ptrs[N];
    jm_alloc_fail_reset();
    struct jm_arena a = JM_ARENA_INIT;
    for (int i = 0; i < N; i++)
        assert_non_null(jm_arena_alloc(&a, 100));
    jm_arena_release(&a);
    unsigned long mallocs = jm_alloc_count();
    assert_int_equal(mallocs, 6);
    for (unsigned long n = 1; n <= mallocs; n++) {
        jm_alloc_fail_at(n);
        int first_null = -1;
        for (int i = 0; i < N; i++) {
            ptrs[i] = jm_arena_alloc(&a, 100);
            if (!ptrs[i] && first_null < 0)
                first_null = i;
            if (first_null >= 0)
                assert_null(ptrs[i]);
            else
                memset(ptrs[i], i & 0xff, 100);
        }
        assert_true(first_null >= 0);
        assert_true(a.failed);
        assert_int_equal(jm_alloc_count(), n);
        for (int i = 0; i < first_null; i++)
            assert_int_equal(ptrs[i][99], i & 0xff);
        jm_alloc_fail_reset();
        jm_arena_release(&a);
    }
}

static void impossible_sizes_fail_without_wrapping(void **state)
{
    (void)state;
    struct jm_arena a = JM_ARENA_INIT;
    assert_null(jm_arena_alloc(&a, SIZE_MAX));
    assert_true(a.failed);
    jm_arena_release(&a);
    assert_null(jm_arena_alloc(&a, SIZE_MAX - 100));
    assert_true(a.failed);
    jm_arena_release(&a);
    assert_null(jm_arena_strndup(&a, "x", SIZE_MAX));
    assert_true(a.failed);
    jm_arena_release(&a);
}

static void release_then_reuse(void **state)
{
    (void)state;
    struct jm_arena a = JM_ARENA_INIT;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 1000; i++)
            assert_non_null(jm_arena_alloc(&a, 1000));
        assert_int_equal(a.used_total, 1000 * 1008);
        jm_arena_release(&a);
        assert_null(a.head);
        assert_int_equal(a.used_total, 0);
        assert_int_equal(a.block_size, 0);
    }
    jm_arena_release(&a); /* releasing an empty arena is fine */
}

static void strdup_and_strndup_copy_and_terminate(void **state)
{
    (void)state;
    struct jm_arena a = JM_ARENA_INIT;
    char src[] = "Nhận biết";
    char *s = jm_arena_strdup(&a, src);
    char *n = jm_arena_strndup(&a, "ab\0cd", 4);
    char *e = jm_arena_strndup(&a, NULL, 0);
    src[0] = 'X';
    assert_string_equal(s, "Nhận biết");
    assert_memory_equal(n, "ab\0c", 5);
    assert_string_equal(e, "");
    jm_arena_release(&a);
}

static void printf_formats_into_the_arena(void **state)
{
    (void)state;
    struct jm_arena a = JM_ARENA_INIT;
    assert_string_equal(jm_arena_printf(&a, "%s=%d", "n", 42), "n=42");
    assert_string_equal(jm_arena_printf(&a, "%s", ""), "");
    assert_string_equal(jm_arena_printf(&a, "%.*s|", 3, "abcdef"), "abc|");
    char big[10001];
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char *p = jm_arena_printf(&a, "<%s>", big);
    assert_non_null(p);
    assert_int_equal(strlen(p), 10002);
    assert_int_equal(p[0], '<');
    assert_int_equal(p[10000], 'z');
    assert_int_equal(p[10001], '>');
    jm_arena_release(&a);
}

static void printf_failure_marks_the_arena(void **state)
{
    (void)state;
    struct jm_arena a = JM_ARENA_INIT;
    jm_alloc_fail_at(1);
    assert_null(jm_arena_printf(&a, "%d", 5));
    assert_true(a.failed);
    jm_alloc_fail_reset();
    jm_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(alloc_returns_aligned_zeroed_memory, teardown),
        cmocka_unit_test_teardown(alloc_rounds_sizes_up_to_sixteen, teardown),
        cmocka_unit_test_teardown(alloc_of_zero_bytes_returns_non_null, teardown),
        cmocka_unit_test_teardown(large_allocation_gets_its_own_block, teardown),
        cmocka_unit_test_teardown(many_small_allocations_stay_intact_across_blocks, teardown),
        cmocka_unit_test_teardown(first_failure_is_sticky_until_release, teardown),
        cmocka_unit_test_teardown(failing_each_underlying_malloc_in_turn, teardown),
        cmocka_unit_test_teardown(impossible_sizes_fail_without_wrapping, teardown),
        cmocka_unit_test_teardown(release_then_reuse, teardown),
        cmocka_unit_test_teardown(strdup_and_strndup_copy_and_terminate, teardown),
        cmocka_unit_test_teardown(printf_formats_into_the_arena, teardown),
        cmocka_unit_test_teardown(printf_failure_marks_the_arena, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
