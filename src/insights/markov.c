/*
 * The Markov chain of attribution (internal.h "markov"): transitions counted over the paths,
 * the probability of conversion from the start, and each key's removal effect.
 *
 *   states:  0 = start | 1 .. n = the keys on some path, in key order | conv | null
 *   Q[i][j]  transient -> transient probabilities (counts / the row's total), b[i] -> conv
 *   x        absorption into conv: x = Q x + b, i.e. (I - Q) x = b, P = x[0]
 *
 * Removing key k sends its incoming transitions to null, so what is left of P are the paths
 * that never visit k: P(-k) = P - h(0, k) x[k], where h(0, k) is the probability of ever
 * visiting k from the start. With N = (I - Q)^-1 (expected visits), h(0, k) = N[0][k] / N[k][k].
 * For up to dense_max states one LU factorisation gives x and every column of N, so each
 * removal costs one pair of triangular solves and no iteration: exact to rounding (~1e-15).
 * Beyond that a dense matrix would not fit in a reasonable memory, and each removal is solved
 * by Gauss-Seidel over the sparse rows, warm-started from the full chain's x (which lies above
 * the removed chain's, so the sweeps converge monotonically from above).
 *
 * Key states are numbered in key order, not in the order paths arrive, so the same paths give
 * the same matrix (and the same rounding) whatever the number of threads that read them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "insights/internal.h"
#include "base/banned.h"

#define GS_TOLERANCE  1e-16
#define GS_MAX_SWEEPS 200000

/* ---------------------------------------------------------------- paths */

jm_status jm__paths_push(struct jm__paths *p, uint32_t word)
{
    if (p->n == p->cap && jm_grow((void **)&p->w, &p->cap, p->n + 1, sizeof(*p->w)))
        return JM_ENOMEM;
    p->w[p->n++] = word;
    return JM_OK;
}

void jm__paths_release(struct jm__paths *p)
{
    jm_free(p->w);
    memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- transition counts */

/* Counts per (from, to) state pair: open addressing on the pair as one 64-bit code. */
struct counts {
    uint64_t *code, *n;
    size_t used, cap; /* cap a power of two, kept at most half full */
};
#define NO_CODE UINT64_MAX

static jm_status counts_grow(struct counts *c)
{
    size_t cap = c->cap ? c->cap * 2 : 256;
    uint64_t *code = jm_malloc(cap * sizeof(*code)), *n = jm_calloc(cap, sizeof(*n));
    if (!code || !n) {
        jm_free(code);
        jm_free(n);
        return JM_ENOMEM;
    }
    memset(code, 0xff, cap * sizeof(*code));
    for (size_t i = 0; i < c->cap; i++) {
        if (c->code[i] == NO_CODE)
            continue;
        size_t h = jm__mix64(c->code[i]) & (cap - 1);
        while (code[h] != NO_CODE)
            h = (h + 1) & (cap - 1);
        code[h] = c->code[i];
        n[h] = c->n[i];
    }
    jm_free(c->code);
    jm_free(c->n);
    c->code = code;
    c->n = n;
    c->cap = cap;
    return JM_OK;
}

static jm_status counts_add(struct counts *c, uint32_t from, uint32_t to)
{
    if (2 * (c->used + 1) > c->cap && counts_grow(c))
        return JM_ENOMEM;
    uint64_t code = (uint64_t)from << 32 | to;
    size_t h = jm__mix64(code) & (c->cap - 1);
    while (c->code[h] != NO_CODE && c->code[h] != code)
        h = (h + 1) & (c->cap - 1);
    if (c->code[h] == NO_CODE) {
        c->code[h] = code;
        c->used++;
    }
    c->n[h]++;
    return JM_OK;
}

static void counts_release(struct counts *c)
{
    jm_free(c->code);
    jm_free(c->n);
    memset(c, 0, sizeof(*c));
}

/* ---------------------------------------------------------------- the chain */

/* Transient states 0 .. m - 1 as sparse rows; conv = m, null = m + 1 while counting. */
struct chain {
    size_t m;
    uint32_t *row; /* m + 1: state i's transitions are [row[i], row[i + 1]) */
    uint32_t *col;
    double *q;
    double *b; /* m: probability of going to conv */
};

static void chain_release(struct chain *c)
{
    jm_free(c->row);
    jm_free(c->col);
    jm_free(c->q);
    jm_free(c->b);
    memset(c, 0, sizeof(*c));
}

/* Counts the steps of every path (consecutive repeats collapsed) with keys as states. */
static jm_status count_paths(const struct jm__paths *lists, size_t n_lists, const uint32_t *state,
                             uint32_t conv, struct counts *c, struct jm__markov *out)
{
    for (size_t l = 0; l < n_lists; l++) {
        uint32_t prev = 0;
        for (size_t i = 0; i < lists[l].n; i++) {
            uint32_t w = lists[l].w[i];
            uint32_t to = w == JM__MARKOV_CONV ? conv : w == JM__MARKOV_NULL ? conv + 1 : state[w];
            if (to != prev && counts_add(c, prev, to))
                return JM_ENOMEM;
            prev = to;
            if (w == JM__MARKOV_CONV || w == JM__MARKOV_NULL) {
                out->paths++;
                out->converting += w == JM__MARKOV_CONV;
                prev = 0;
            }
        }
    }
    return JM_OK;
}

static int code_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* Sparse rows from the counts: each row's counts over the row's total. */
static jm_status chain_build(struct counts *c, size_t m, struct chain *ch)
{
    ch->m = m;
    ch->row = jm_calloc(m + 1, sizeof(*ch->row));
    ch->col = jm_malloc((c->used + 1) * sizeof(*ch->col));
    ch->q = jm_malloc((c->used + 1) * sizeof(*ch->q));
    ch->b = jm_calloc(m, sizeof(*ch->b));
    uint64_t *e = jm_malloc((c->used + 1) * 2 * sizeof(*e));
    double *total = jm_calloc(m, sizeof(*total));
    jm_status rc = JM_ENOMEM;
    if (!ch->row || !ch->col || !ch->q || !ch->b || !e || !total)
        goto out;
    size_t n = 0;
    for (size_t i = 0; i < c->cap; i++)
        if (c->code[i] != NO_CODE)
            e[n++] = c->code[i];
    jm__qsort(e, n, sizeof(*e), code_cmp); /* by from, then to: rows come out in order */
    for (size_t i = 0; i < n; i++) {
        size_t h = jm__mix64(e[i]) & (c->cap - 1);
        while (c->code[h] != e[i])
            h = (h + 1) & (c->cap - 1);
        e[n + i] = c->n[h];
        total[e[i] >> 32] += (double)c->n[h];
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t from = (uint32_t)(e[i] >> 32), to = (uint32_t)e[i];
        double p = (double)e[n + i] / total[from];
        if (to == m)
            ch->b[from] = p;
        else if (to < m) {
            ch->col[k] = to;
            ch->q[k++] = p;
        }
        ch->row[from + 1] = (uint32_t)k;
    }
    for (size_t i = 0; i < m; i++) /* rows without transient steps keep the previous end */
        if (ch->row[i + 1] < ch->row[i])
            ch->row[i + 1] = ch->row[i];
    rc = JM_OK;
out:
    jm_free(e);
    jm_free(total);
    return rc;
}

/* ---------------------------------------------------------------- direct solve */

/* In-place LU factorisation with partial pivoting of the m x m matrix a. */
static void lu_factor(double *a, size_t *piv, size_t m)
{
    for (size_t k = 0; k < m; k++) {
        size_t p = k;
        for (size_t i = k + 1; i < m; i++)
            if (fabs(a[i * m + k]) > fabs(a[p * m + k]))
                p = i;
        piv[k] = p;
        if (p != k)
            for (size_t j = 0; j < m; j++) {
                double t = a[k * m + j];
                a[k * m + j] = a[p * m + j];
                a[p * m + j] = t;
            }
        double d = a[k * m + k];
        for (size_t i = k + 1; i < m; i++) {
            double f = a[i * m + k] /= d;
            if (f != 0)
                for (size_t j = k + 1; j < m; j++)
                    a[i * m + j] -= f * a[k * m + j];
        }
    }
}

/* Solves (LU) x = x in place. */
static void lu_solve(const double *a, const size_t *piv, size_t m, double *x)
{
    for (size_t k = 0; k < m; k++) {
        double t = x[k];
        x[k] = x[piv[k]];
        x[piv[k]] = t;
    }
    for (size_t i = 1; i < m; i++)
        for (size_t j = 0; j < i; j++)
            x[i] -= a[i * m + j] * x[j];
    for (size_t i = m; i-- > 0;) {
        for (size_t j = i + 1; j < m; j++)
            x[i] -= a[i * m + j] * x[j];
        x[i] /= a[i * m + i];
    }
}

/* P and the removal effects through N's columns: re[k - 1] for key state k. */
static jm_status solve_dense(const struct chain *c, double *p, double *re)
{
    size_t m = c->m, mm;
    if (!jm_size_mul(m, m, &mm))
        return JM_ENOMEM;
    double *a = jm_calloc(mm, sizeof(*a)), *x = jm_malloc(m * sizeof(*x));
    double *z = jm_malloc(m * sizeof(*z));
    size_t *piv = jm_malloc(m * sizeof(*piv));
    jm_status rc = JM_ENOMEM;
    if (!a || !x || !z || !piv)
        goto out;
    for (size_t i = 0; i < m; i++) {
        a[i * m + i] = 1;
        for (uint32_t k = c->row[i]; k < c->row[i + 1]; k++)
            a[i * m + c->col[k]] -= c->q[k];
    }
    lu_factor(a, piv, m);
    memcpy(x, c->b, m * sizeof(*x));
    lu_solve(a, piv, m, x);
    *p = x[0];
    for (size_t k = 1; k < m; k++) {
        memset(z, 0, m * sizeof(*z));
        z[k] = 1;
        lu_solve(a, piv, m, z); /* column k of N: z[0] = N[0][k], z[k] = N[k][k] */
        re[k - 1] = *p > 0 ? z[0] / z[k] * x[k] / *p : 0;
    }
    rc = JM_OK;
out:
    jm_free(a);
    jm_free(x);
    jm_free(z);
    jm_free(piv);
    return rc;
}

/* ---------------------------------------------------------------- iterative solve */

/* Gauss-Seidel sweeps on x (x[removed] held at 0; removed = m: none) until they stop moving. */
static double gauss_seidel(const struct chain *c, double *x, size_t removed)
{
    for (unsigned sweep = 0; sweep < GS_MAX_SWEEPS; sweep++) {
        double delta = 0;
        for (size_t i = 0; i < c->m; i++) {
            if (i == removed)
                continue;
            double v = c->b[i];
            for (uint32_t k = c->row[i]; k < c->row[i + 1]; k++)
                v += c->q[k] * x[c->col[k]];
            delta = fmax(delta, fabs(v - x[i]));
            x[i] = v;
        }
        if (delta <= GS_TOLERANCE)
            break;
    }
    return x[0];
}

static jm_status solve_sparse(const struct chain *c, double *p, double *re)
{
    double *x = jm_calloc(c->m, sizeof(*x)), *y = jm_malloc(c->m * sizeof(*y));
    if (!x || !y) {
        jm_free(x);
        jm_free(y);
        return JM_ENOMEM;
    }
    *p = gauss_seidel(c, x, c->m);
    for (size_t k = 1; k < c->m; k++) {
        memcpy(y, x, c->m * sizeof(*y));
        y[k] = 0;
        re[k - 1] = *p > 0 ? 1 - gauss_seidel(c, y, k) / *p : 0;
    }
    jm_free(x);
    jm_free(y);
    return JM_OK;
}

/* ---------------------------------------------------------------- solve */

/* Numbers the keys found on the paths 1 .. n in key order (0: on no path); returns n. */
static size_t number_states(const struct jm__paths *lists, size_t n_lists, size_t n_keys,
                            uint32_t *state)
{
    for (size_t l = 0; l < n_lists; l++)
        for (size_t i = 0; i < lists[l].n; i++)
            if (lists[l].w[i] < n_keys)
                state[lists[l].w[i]] = 1;
    uint32_t n = 0;
    for (size_t k = 0; k < n_keys; k++)
        if (state[k])
            state[k] = ++n;
    return n;
}

jm_status jm__markov_solve(const struct jm__paths *lists, size_t n_lists, size_t n_keys,
                           size_t dense_max, struct jm__markov *out)
{
    memset(out, 0, sizeof(*out));
    out->p = NAN;
    uint32_t *state = jm_calloc(n_keys + 1, sizeof(*state));
    out->removal = jm_calloc(n_keys + 1, sizeof(*out->removal));
    double *re = NULL;
    struct counts cnt = {0};
    struct chain ch = {0};
    jm_status rc = JM_ENOMEM;
    if (!state || !out->removal)
        goto out;
    size_t n = out->n_states = number_states(lists, n_lists, n_keys, state);
    re = jm_calloc(n + 1, sizeof(*re));
    if (!re || count_paths(lists, n_lists, state, (uint32_t)n + 1, &cnt, out) ||
        chain_build(&cnt, n + 1, &ch))
        goto out;
    rc = JM_OK;
    if (!out->paths)
        goto out;
    rc = n + 1 <= (dense_max ? dense_max : JM__MARKOV_DENSE_MAX) ? solve_dense(&ch, &out->p, re)
                                                                 : solve_sparse(&ch, &out->p, re);
    for (size_t k = 0; k < n_keys && !rc; k++)
        if (state[k])
            out->removal[k] = re[state[k] - 1];
out:
    jm_free(state);
    jm_free(re);
    counts_release(&cnt);
    chain_release(&ch);
    return rc;
}

void jm__markov_release(struct jm__markov *m)
{
    jm_free(m->removal);
    m->removal = NULL;
}
