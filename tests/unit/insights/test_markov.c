/*
 * The Markov chain of attribution (markov.c) on chains solved by hand, by the direct solver and
 * by Gauss-Seidel (dense_max 1 forces it), and jm_attribution_compute under failing
 * allocations.
 *
 * SPDX-License-Identifier: MIT
 */
#include "attribution_fixture.h"

#define A 1u
#define B 2u
#define C JM__MARKOV_CONV
#define N JM__MARKOV_NULL

static void solve(const uint32_t *w, size_t n, size_t dense_max, struct jm__markov *m)
{
    struct jm__paths p = {(uint32_t *)w, n, n};
    assert_int_equal(jm__markov_solve(&p, 1, 3, dense_max, m), JM_OK);
}

/*
 * Paths A B conv, A null, B conv, A B null:
 *   start -> A 3/4, -> B 1/4;  A -> B 2/3, -> null 1/3;  B -> conv 2/3, -> null 1/3
 *   x_B = 2/3, x_A = 2/3 * 2/3 = 4/9, P = 3/4 * 4/9 + 1/4 * 2/3 = 1/3 + 1/6 = 1/2
 *   without A: P = 1/4 * 2/3 = 1/6, effect 1 - (1/6) / (1/2) = 2/3
 *   without B: nothing converts, effect 1
 */
static void chain_without_loops(void **state)
{
    (void)state;
    static const uint32_t w[] = {A, B, C, A, N, B, C, A, B, N};
    for (size_t dense = 0; dense <= 1; dense++) {
        struct jm__markov m;
        solve(w, sizeof(w) / sizeof(w[0]), dense, &m);
        assert_int_equal(m.paths, 4);
        assert_int_equal(m.converting, 2);
        assert_int_equal(m.n_states, 2);
        assert_true(fabs(m.p - 0.5) < 1e-12);
        assert_true(fabs(m.removal[A] - 2.0 / 3) < 1e-12);
        assert_true(fabs(m.removal[B] - 1.0) < 1e-12);
        assert_true(m.removal[0] == 0);
        jm__markov_release(&m);
    }
}

/*
 * Paths A A B A conv (repeats collapse: A B A conv), B null, A null:
 *   start -> A 2/3, -> B 1/3;  A -> B, conv, null 1/3 each;  B -> A, null 1/2 each
 *   x_A = x_B / 3 + 1/3, x_B = x_A / 2  =>  x_A = 2/5, x_B = 1/5
 *   P = 2/3 * 2/5 + 1/3 * 1/5 = 1/3
 *   without A: x_B = 0, P = 0, effect 1
 *   without B: x_A = 1/3, P = 2/3 * 1/3 = 2/9, effect 1 - (2/9) / (1/3) = 1/3
 * (B is visited again after A, so N[A][A] > 1: the loop the direct solve must get right.)
 */
static void chain_with_a_loop(void **state)
{
    (void)state;
    static const uint32_t w[] = {A, A, B, A, C, B, N, A, N};
    for (size_t dense = 0; dense <= 1; dense++) {
        struct jm__markov m;
        solve(w, sizeof(w) / sizeof(w[0]), dense, &m);
        assert_int_equal(m.paths, 3);
        assert_int_equal(m.converting, 1);
        assert_true(fabs(m.p - 1.0 / 3) < 1e-12);
        assert_true(fabs(m.removal[A] - 1.0) < 1e-12);
        assert_true(fabs(m.removal[B] - 1.0 / 3) < 1e-12);
        jm__markov_release(&m);
    }
}

/*
 * An empty converting path goes start -> conv. Paths conv, A conv, A null:
 *   start -> conv 1/3, -> A 2/3; A -> conv 1/2; P = 1/3 + 1/3 = 2/3
 *   without A: P = 1/3, effect 1/2
 */
static void empty_path_converts_directly(void **state)
{
    (void)state;
    static const uint32_t w[] = {C, A, C, A, N};
    for (size_t dense = 0; dense <= 1; dense++) {
        struct jm__markov m;
        solve(w, sizeof(w) / sizeof(w[0]), dense, &m);
        assert_int_equal(m.paths, 3);
        assert_true(fabs(m.p - 2.0 / 3) < 1e-12);
        assert_true(fabs(m.removal[A] - 0.5) < 1e-12);
        assert_true(m.removal[B] == 0);
        jm__markov_release(&m);
    }
}

static void no_paths_no_probability(void **state)
{
    (void)state;
    struct jm__markov m;
    struct jm__paths p = {0};
    assert_int_equal(jm__markov_solve(&p, 1, 3, 0, &m), JM_OK);
    assert_int_equal(m.paths, 0);
    assert_true(isnan(m.p));
    assert_true(m.removal[A] == 0 && m.removal[B] == 0);
    jm__markov_release(&m);
}

/* Paths split over several lists count as one set (the parts of a threaded scan). */
static void lists_are_one_chain(void **state)
{
    (void)state;
    static const uint32_t w1[] = {A, B, C, A, N}, w2[] = {B, C, A, B, N};
    struct jm__paths p[2] = {{(uint32_t *)w1, 5, 5}, {(uint32_t *)w2, 5, 5}};
    struct jm__markov m;
    assert_int_equal(jm__markov_solve(p, 2, 3, 0, &m), JM_OK);
    assert_int_equal(m.paths, 4);
    assert_true(fabs(m.p - 0.5) < 1e-12); /* the chain of chain_without_loops */
    assert_true(fabs(m.removal[A] - 2.0 / 3) < 1e-12);
    jm__markov_release(&m);
}

/* Every allocation of the chain and of a whole attribution fails in turn: no leak, no crash. */
static void markov_survives_failing_allocations(void **state)
{
    (void)state;
    static const uint32_t w[] = {A, A, B, A, C, B, N, A, N};
    struct jm__paths p = {(uint32_t *)w, 9, 9};
    for (unsigned long n = 1;; n++) {
        struct jm__markov m;
        jm_alloc_fail_at(n);
        jm_status rc = jm__markov_solve(&p, 1, 3, 0, &m);
        jm_alloc_fail_reset();
        jm__markov_release(&m);
        if (rc == JM_OK)
            break;
        assert_int_equal(rc, JM_ENOMEM);
    }
}

static void attribution_survives_failing_allocations(void **state)
{
    struct fx *f = *state;
    static const char *const excl[] = {"webinar"};
    struct jm_attribution_opts o;
    jm_attribution_defaults(&o);
    o.by = JM_DIM_TOUCHPOINT;
    o.exclude = excl;
    o.n_exclude = 1;
    o.threads = 1;
    for (int kind = JM_CONVERT_STAGE; kind <= JM_CONVERT_REVENUE; kind++) {
        o.conversion = (enum jm_conversion_kind)kind;
        o.target = kind == JM_CONVERT_STAGE ? "opp" : "form";
        unsigned long n = fx_fail_each_alloc(f, FX_ATTRIBUTION, &o, ULONG_MAX);
        assert_true(n > 5); /* the loop did fail some allocations */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chain_without_loops),
        cmocka_unit_test(chain_with_a_loop),
        cmocka_unit_test(empty_path_converts_directly),
        cmocka_unit_test(no_paths_no_probability),
        cmocka_unit_test(lists_are_one_chain),
        cmocka_unit_test(markov_survives_failing_allocations),
        cmocka_unit_test_setup_teardown(attribution_survives_failing_allocations, attr_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
