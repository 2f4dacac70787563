/*
 * Tests for base/hash.c: the string map (insert, find, rehash, keys that are byte strings, not C
 * strings) and the u64 set, including every allocation failing in turn.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/internal.h"

static int teardown(void **state)
{
    (void)state;
    jm_alloc_fail_reset();
    return 0;
}

static size_t key_of(char *buf, size_t cap, unsigned i)
{
    return (size_t)snprintf(buf, cap, "key-%u", i);
}

/* ---------------------------------------------------------------- hashing */

static void hash64_depends_on_every_byte_length_and_seed(void **state)
{
    (void)state;
    const char *s = "abcdefghijklmnopqrstuvwxyz";
    uint64_t h = jm__hash64(s, 26, 0);
    assert_int_equal(jm__hash64(s, 26, 0), h);
    assert_int_not_equal(jm__hash64(s, 26, 1), h);
    assert_int_not_equal(jm__hash64(s, 25, 0), h);
    assert_int_not_equal(jm__hash64("a", 1, 0), jm__hash64("a\0", 2, 0));
    assert_int_not_equal(jm__hash64("", 0, 0), jm__hash64("\0", 1, 0));
    char buf[26];
    for (size_t i = 0; i < 26; i++) {
        memcpy(buf, s, 26);
        buf[i] ^= 1;
        assert_int_not_equal(jm__hash64(buf, 26, 0), h);
    }
}

static void mix64_keeps_zero_and_spreads_neighbours(void **state)
{
    (void)state;
    assert_int_equal(jm__mix64(0), 0);
    assert_int_not_equal(jm__mix64(1), jm__mix64(2));
    assert_int_not_equal(jm__mix64(1), 1);
}

/* ---------------------------------------------------------------- string map */

static void strmap_put_adds_then_finds(void **state)
{
    (void)state;
    struct jm_strmap m = JM_STRMAP_INIT;
    uint64_t *v = NULL;
    bool added = false;
    assert_null(jm__strmap_get(&m, "a", 1));
    assert_int_equal(jm__strmap_put(&m, "a", 1, 5, &v, &added), JM_OK);
    assert_true(added);
    assert_int_equal(*v, 5);
    *v = 7;
    assert_int_equal(jm__strmap_put(&m, "a", 1, 99, &v, &added), JM_OK);
    assert_false(added);
    assert_int_equal(*v, 7);
    assert_int_equal(jm__strmap_put(&m, "b", 1, 1, &v, NULL), JM_OK);
    assert_int_equal(*jm__strmap_get(&m, "a", 1), 7);
    assert_int_equal(*jm__strmap_get(&m, "b", 1), 1);
    assert_null(jm__strmap_get(&m, "c", 1));
    assert_null(jm__strmap_get(&m, "ab", 2));
    assert_int_equal(m.n, 2);
    jm__strmap_release(&m);
    assert_int_equal(m.n, 0);
    assert_null(jm__strmap_get(&m, "a", 1));
}

static void strmap_holds_100k_keys_across_rehashes(void **state)
{
    (void)state;
    struct jm_strmap m;
    jm__strmap_init(&m);
    char k[32];
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t *v;
        bool added;
        assert_int_equal(jm__strmap_put(&m, k, key_of(k, sizeof(k), i), i * 3, &v, &added), JM_OK);
        assert_true(added);
    }
    assert_int_equal(m.n, 100000);
    assert_int_equal(m.cap & (m.cap - 1), 0);
    assert_true(m.n * 10 <= m.cap * 7);
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t *v = jm__strmap_get(&m, k, key_of(k, sizeof(k), i));
        assert_non_null(v);
        assert_int_equal(*v, (uint64_t)i * 3);
    }
    for (unsigned i = 100000; i < 101000; i++)
        assert_null(jm__strmap_get(&m, k, key_of(k, sizeof(k), i)));
    jm__strmap_release(&m);
}

static void strmap_keys_are_byte_strings(void **state)
{
    (void)state;
    struct jm_strmap m = JM_STRMAP_INIT;
    static const struct {
        const char *k;
        size_t len;
    } keys[] = {{"", 0},          {"a", 1},          {"a\0", 2},       {"a\0b", 3}, {"a\0c", 3},
                {"\0", 1},        {"\0\0", 2},       {"ab", 2},        {"abc", 3},  {"abcdefgh", 8},
                {"abcdefghi", 9}, {"abcdefgh\0", 9}, {"Nhận biết", 12}};
    size_t n = sizeof(keys) / sizeof(keys[0]);
    for (size_t i = 0; i < n; i++) {
        uint64_t *v;
        bool added;
        assert_int_equal(jm__strmap_put(&m, keys[i].k, keys[i].len, i + 100, &v, &added), JM_OK);
        assert_true(added);
    }
    assert_int_equal(m.n, n);
    for (size_t i = 0; i < n; i++) {
        uint64_t *v = jm__strmap_get(&m, keys[i].k, keys[i].len);
        assert_non_null(v);
        assert_int_equal(*v, i + 100);
    }
    assert_null(jm__strmap_get(&m, "a\0d", 3));
    /* An empty key may come as NULL. */
    uint64_t *empty = jm__strmap_get(&m, NULL, 0);
    assert_non_null(empty);
    assert_ptr_equal(empty, jm__strmap_get(&m, "", 0));
    jm__strmap_release(&m);
}

static void strmap_copies_its_keys(void **state)
{
    (void)state;
    struct jm_strmap m = JM_STRMAP_INIT;
    char key[] = "mutable";
    uint64_t *v;
    assert_int_equal(jm__strmap_put(&m, key, 7, 1, &v, NULL), JM_OK);
    memcpy(key, "changed", 7);
    assert_non_null(jm__strmap_get(&m, "mutable", 7));
    assert_null(jm__strmap_get(&m, "changed", 7));
    jm__strmap_release(&m);
}

/* The arena copy of a key, as storage's caches find it from the value pointer. */
static const char *slot_key(uint64_t *value)
{
    return ((const struct jm_strmap_slot *)(void *)((char *)value -
                                                    offsetof(struct jm_strmap_slot, value)))
        ->key;
}

/* Key `l` (0: N-1 bytes, 1: N, 2: N+1) variant `v`: NULs inside, and the last byte is v. */
static size_t boundary_key(char *buf, int l, char v)
{
    size_t len = JM_STRMAP_INLINE - 1 + (size_t)l;
    memset(buf, 0, len);
    buf[0] = 'k';
    buf[2] = (char)l;
    buf[len - 1] = v;
    return len;
}

static void strmap_keys_at_the_inline_boundary(void **state)
{
    (void)state;
    struct jm_strmap m = JM_STRMAP_INIT;
    static const char variants[] = {'\0', 'x'};
    const char *stable[3][2];
    char k[64];
    uint64_t *v;
    bool added;
    for (int l = 0; l < 3; l++)
        for (int i = 0; i < 2; i++) {
            size_t len = boundary_key(k, l, variants[i]);
            assert_int_equal(jm__strmap_put(&m, k, len, (uint64_t)(10 * l + i), &v, &added), JM_OK);
            assert_true(added);
            stable[l][i] = slot_key(v);
            assert_memory_equal(stable[l][i], k, len);
        }
    /* Long keys that all share one inline prefix and differ after it, through rehashes. */
    for (unsigned i = 0; i < 5000; i++) {
        memset(k, 'p', JM_STRMAP_INLINE);
        size_t len = JM_STRMAP_INLINE + key_of(k + JM_STRMAP_INLINE, 32, i);
        assert_int_equal(jm__strmap_put(&m, k, len, 1000 + i, &v, &added), JM_OK);
        assert_true(added);
    }
    for (int l = 0; l < 3; l++)
        for (int i = 0; i < 2; i++) {
            size_t len = boundary_key(k, l, variants[i]);
            v = jm__strmap_get(&m, k, len);
            assert_non_null(v);
            assert_int_equal(*v, 10 * l + i);
            assert_ptr_equal(slot_key(v), stable[l][i]); /* the key pointer outlives rehashes */
            assert_memory_equal(stable[l][i], k, len);
            boundary_key(k, l, 'y'); /* the same length, only the last byte differs */
            assert_null(jm__strmap_get(&m, k, len));
            assert_null(jm__strmap_get(&m, k, len - 1)); /* a shorter key, maybe zero-padded */
        }
    /* A key of N bytes ending in NUL is not the N-1 byte key that zero padding would mimic. */
    boundary_key(k, 0, 'x');
    k[JM_STRMAP_INLINE - 1] = '\0';
    assert_null(jm__strmap_get(&m, k, JM_STRMAP_INLINE));
    for (unsigned i = 0; i < 5000; i++) {
        memset(k, 'p', JM_STRMAP_INLINE);
        size_t len = JM_STRMAP_INLINE + key_of(k + JM_STRMAP_INLINE, 32, i);
        v = jm__strmap_get(&m, k, len);
        assert_non_null(v);
        assert_int_equal(*v, 1000 + i);
        k[len - 1] ^= 0x40;
        v = jm__strmap_get(&m, k, len);
        assert_true(v == NULL || *v != 1000 + i);
    }
    assert_int_equal(m.n, 6 + 5000);
    jm__strmap_release(&m);
}

static void strmap_rejects_keys_longer_than_4_gib(void **state)
{
    (void)state;
    struct jm_strmap m = JM_STRMAP_INIT;
    uint64_t *v;
    /* The length is checked before a byte is read. */
    assert_int_equal(jm__strmap_put(&m, "x", (size_t)UINT32_MAX + 1, 0, &v, NULL), JM_ELIMIT);
    assert_int_equal(m.n, 0);
    jm__strmap_release(&m);
}

/* Puts new keys from..n-1 (value i) until one fails; returns where it stopped. */
static unsigned strmap_fill(struct jm_strmap *m, unsigned from, unsigned n, jm_status *rc)
{
    char k[32];
    *rc = JM_OK;
    for (unsigned i = from; i < n; i++) {
        uint64_t *v = NULL;
        bool added = false;
        *rc = jm__strmap_put(m, k, key_of(k, sizeof(k), i), i, &v, &added);
        if (*rc)
            return i;
        assert_true(added);
    }
    return n;
}

/*
 * Fails each allocation of 2000 puts in turn: the failing put reports JM_ENOMEM, every earlier
 * key is still there, the failed key is not, and once memory is back the same map takes the
 * remaining keys (a transient failure must not poison a long-lived map).
 */
static void strmap_survives_failure_at_each_allocation(void **state)
{
    (void)state;
    enum { N = 2000 };
    struct jm_strmap m = JM_STRMAP_INIT;
    jm_status rc;
    jm_alloc_fail_reset();
    assert_int_equal(strmap_fill(&m, 0, N, &rc), N);
    jm__strmap_release(&m);
    unsigned long allocs = jm_alloc_count();
    assert_true(allocs > 5);
    char k[32];
    for (unsigned long f = 1; f <= allocs; f++) {
        jm_alloc_fail_at(f);
        unsigned done = strmap_fill(&m, 0, N, &rc);
        jm_alloc_fail_reset();
        assert_int_equal(rc, JM_ENOMEM);
        assert_int_equal(m.n, done);
        for (unsigned i = 0; i <= done && i < N; i++) {
            uint64_t *v = jm__strmap_get(&m, k, key_of(k, sizeof(k), i));
            if (i == done) {
                assert_null(v);
            } else {
                assert_non_null(v);
                assert_int_equal(*v, i);
            }
        }
        assert_int_equal(strmap_fill(&m, done, N, &rc), N);
        assert_int_equal(rc, JM_OK);
        assert_int_equal(m.n, N);
        jm__strmap_release(&m);
    }
}

/* ---------------------------------------------------------------- u64 set */

static void u64set_adds_and_finds(void **state)
{
    (void)state;
    struct jm_u64set s = JM_U64SET_INIT;
    bool added = false;
    assert_false(jm__u64set_has(&s, 5));
    assert_int_equal(jm__u64set_add(&s, 5, &added), JM_OK);
    assert_true(added);
    assert_int_equal(jm__u64set_add(&s, 5, &added), JM_OK);
    assert_false(added);
    assert_int_equal(jm__u64set_add(&s, UINT64_MAX, NULL), JM_OK);
    assert_true(jm__u64set_has(&s, 5));
    assert_true(jm__u64set_has(&s, UINT64_MAX));
    assert_false(jm__u64set_has(&s, 6));
    assert_int_equal(s.n, 2);
    jm__u64set_release(&s);
    assert_false(jm__u64set_has(&s, 5));
    assert_int_equal(s.n, 0);
}

static void u64set_rejects_zero_and_never_contains_it(void **state)
{
    (void)state;
    struct jm_u64set s = JM_U64SET_INIT;
    bool added = true;
    assert_int_equal(jm__u64set_add(&s, 0, &added), JM_EINVAL);
    assert_false(jm__u64set_has(&s, 0));
    assert_int_equal(jm__u64set_add(&s, 1, &added), JM_OK);
    /* 0 marks empty slots, so a naive probe would "find" it in any non-empty set. */
    assert_false(jm__u64set_has(&s, 0));
    assert_int_equal(s.n, 1);
    jm__u64set_release(&s);
}

static void u64set_holds_100k_members(void **state)
{
    (void)state;
    struct jm_u64set s = JM_U64SET_INIT;
    for (uint64_t i = 1; i <= 100000; i++) {
        bool added;
        /* Multiples of a large odd number spread over the whole 64-bit range. */
        assert_int_equal(jm__u64set_add(&s, i * UINT64_C(0x9e3779b97f4a7c15), &added), JM_OK);
        assert_true(added);
    }
    assert_int_equal(s.n, 100000);
    assert_true(s.n * 10 <= s.cap * 7);
    for (uint64_t i = 1; i <= 100000; i++)
        assert_true(jm__u64set_has(&s, i * UINT64_C(0x9e3779b97f4a7c15)));
    for (uint64_t i = 100001; i <= 101000; i++)
        assert_false(jm__u64set_has(&s, i * UINT64_C(0x9e3779b97f4a7c15)));
    for (uint64_t i = 1; i <= 1000; i++)
        assert_false(jm__u64set_has(&s, i)); /* small values, same low bits as nothing above */
    jm__u64set_release(&s);
}

static void u64set_reserve_avoids_rehashing(void **state)
{
    (void)state;
    struct jm_u64set s = JM_U64SET_INIT;
    assert_int_equal(jm__u64set_reserve(&s, 1000), JM_OK);
    size_t cap = s.cap;
    assert_int_equal(cap, 2048);
    jm_alloc_fail_at(1);
    /* 2048 slots kept 70% full take 1433 members. */
    for (uint64_t i = 1; i <= 1433; i++)
        assert_int_equal(jm__u64set_add(&s, i, NULL), JM_OK);
    assert_int_equal(jm_alloc_count(), 0);
    assert_int_equal(s.cap, cap);
    assert_int_equal(jm__u64set_add(&s, 5000, NULL), JM_ENOMEM);
    assert_false(jm__u64set_has(&s, 5000));
    jm_alloc_fail_reset();
    assert_int_equal(jm__u64set_reserve(&s, 0), JM_OK);
    assert_int_equal(s.cap, cap);
    for (uint64_t i = 1; i <= 1433; i++)
        assert_true(jm__u64set_has(&s, i));
    jm__u64set_release(&s);
}

static void u64set_reserve_of_an_absurd_count_fails(void **state)
{
    (void)state;
    struct jm_u64set s = JM_U64SET_INIT;
    assert_int_equal(jm__u64set_add(&s, 7, NULL), JM_OK);
    /* These overflow n * 10 or the doubling capacity: they must fail, not spin or wrap. */
    assert_int_equal(jm__u64set_reserve(&s, SIZE_MAX), JM_ENOMEM);
    assert_int_equal(jm__u64set_reserve(&s, SIZE_MAX / 8), JM_ENOMEM);
    assert_int_equal(jm__u64set_reserve(&s, (size_t)1 << 62), JM_ENOMEM);
    assert_true(jm__u64set_has(&s, 7));
    assert_int_equal(s.cap, 16);
    jm__u64set_release(&s);
}

static void u64set_survives_failure_at_each_allocation(void **state)
{
    (void)state;
    enum { N = 5000 };
    struct jm_u64set s = JM_U64SET_INIT;
    jm_alloc_fail_reset();
    for (uint64_t i = 1; i <= N; i++)
        assert_int_equal(jm__u64set_add(&s, i, NULL), JM_OK);
    jm__u64set_release(&s);
    unsigned long allocs = jm_alloc_count();
    assert_int_equal(allocs, 10); /* 16 -> 8192 slots, doubling */
    for (unsigned long f = 1; f <= allocs; f++) {
        jm_alloc_fail_at(f);
        uint64_t i = 1;
        jm_status rc = JM_OK;
        for (; i <= N && !rc; i++)
            rc = jm__u64set_add(&s, i, NULL);
        jm_alloc_fail_reset();
        assert_int_equal(rc, JM_ENOMEM);
        uint64_t failed = i - 1;
        assert_int_equal(s.n, failed - 1);
        for (uint64_t k = 1; k < failed; k++)
            assert_true(jm__u64set_has(&s, k));
        assert_false(jm__u64set_has(&s, failed));
        jm__u64set_release(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(hash64_depends_on_every_byte_length_and_seed, teardown),
        cmocka_unit_test_teardown(mix64_keeps_zero_and_spreads_neighbours, teardown),
        cmocka_unit_test_teardown(strmap_put_adds_then_finds, teardown),
        cmocka_unit_test_teardown(strmap_holds_100k_keys_across_rehashes, teardown),
        cmocka_unit_test_teardown(strmap_keys_are_byte_strings, teardown),
        cmocka_unit_test_teardown(strmap_copies_its_keys, teardown),
        cmocka_unit_test_teardown(strmap_keys_at_the_inline_boundary, teardown),
        cmocka_unit_test_teardown(strmap_rejects_keys_longer_than_4_gib, teardown),
        cmocka_unit_test_teardown(strmap_survives_failure_at_each_allocation, teardown),
        cmocka_unit_test_teardown(u64set_adds_and_finds, teardown),
        cmocka_unit_test_teardown(u64set_rejects_zero_and_never_contains_it, teardown),
        cmocka_unit_test_teardown(u64set_holds_100k_members, teardown),
        cmocka_unit_test_teardown(u64set_reserve_avoids_rehashing, teardown),
        cmocka_unit_test_teardown(u64set_reserve_of_an_absurd_count_fails, teardown),
        cmocka_unit_test_teardown(u64set_survives_failure_at_each_allocation, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
