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
 * Paths are not kept: each thread counts their transitions as it reads them (jm__mcount: a
 * matrix over key ids when there are at most MCOUNT_DENSE_DIM - 3 keys, else a hash of pairs),
 * the threads' counts are added up, and only then are key states numbered, in key order, not
 * in the order paths arrive. Counts are integers, so the same paths give the same matrix (and
 * the same rounding) whatever the number of threads that read them.
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

/* At most this many counted states (n_keys + 3) are a matrix: 128 KiB of counts per thread. */
#define MCOUNT_DENSE_DIM 128
#define NO_CODE          UINT64_MAX

jm_status jm__mcount_init(struct jm__mcount *c, size_t n_keys)
{
    memset(c, 0, sizeof(*c));
    c->n_keys = n_keys;
    c->dim = n_keys + 3;
    if (c->dim > MCOUNT_DENSE_DIM)
        return JM_OK;
    c->dense = jm_calloc(c->dim * c->dim, sizeof(*c->dense));
    return c->dense ? JM_OK : JM_ENOMEM;
}

void jm__mcount_release(struct jm__mcount *c)
{
    jm_free(c->dense);
    jm_free(c->code);
    jm_free(c->n);
    memset(c, 0, sizeof(*c));
}

static jm_status hash_grow(struct jm__mcount *c)
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

/* Adds `k` transitions from -> to. */
static jm_status add_n(struct jm__mcount *c, uint32_t from, uint32_t to, uint64_t k)
{
    if (c->dense) {
        c->dense[from * c->dim + to] += k;
        return JM_OK;
    }
    if (2 * (c->used + 1) > c->cap && hash_grow(c))
        return JM_ENOMEM;
    uint64_t code = (uint64_t)from << 32 | to;
    size_t h = jm__mix64(code) & (c->cap - 1);
    while (c->code[h] != NO_CODE && c->code[h] != code)
        h = (h + 1) & (c->cap - 1);
    if (c->code[h] == NO_CODE) {
        c->code[h] = code;
        c->used++;
    }
    c->n[h] += k;
    return JM_OK;
}

jm_status jm__mcount_add(struct jm__mcount *c, uint32_t from, uint32_t to)
{
    return add_n(c, from, to, 1);
}

jm_status jm__mcount_end(struct jm__mcount *c, bool converted)
{
    uint32_t from = c->prev;
    c->prev = 0;
    c->paths++;
    c->converting += converted;
    return add_n(c, from, (uint32_t)c->n_keys + 1 + !converted, 1);
}

jm_status jm__mcount_merge(struct jm__mcount *into, const struct jm__mcount *from)
{
    into->paths += from->paths;
    into->converting += from->converting;
    if (from->dense) {
        for (size_t i = 0; i < from->dim * from->dim; i++)
            if (from->dense[i] &&
                add_n(into, (uint32_t)(i / from->dim), (uint32_t)(i % from->dim), from->dense[i]))
                return JM_ENOMEM;
        return JM_OK;
    }
    for (size_t i = 0; i < from->cap; i++)
        if (from->code[i] != NO_CODE &&
            add_n(into, (uint32_t)(from->code[i] >> 32), (uint32_t)from->code[i], from->n[i]))
            return JM_ENOMEM;
    return JM_OK;
}

/* One (from, to) count, in counted states until the chain renumbers them. */
struct step {
    uint32_t from, to;
    uint64_t n;
};

static int step_cmp(const void *x, const void *y)
{
    const struct step *a = x, *b = y;
    uint64_t p = (uint64_t)a->from << 32 | a->to, q = (uint64_t)b->from << 32 | b->to;
    return (p > q) - (p < q);
}

/* The counts as steps ordered by (from, to); returns how many, or SIZE_MAX out of memory. */
static size_t mcount_steps(const struct jm__mcount *c, struct step **out)
{
    size_t n = 0, cap = c->dense ? c->dim * c->dim : c->used;
    struct step *v = *out = jm_malloc((cap + 1) * sizeof(*v));
    if (!v)
        return SIZE_MAX;
    if (c->dense) {
        for (size_t i = 0; i < c->dim * c->dim; i++)
            if (c->dense[i])
                v[n++] = (struct step){(uint32_t)(i / c->dim), (uint32_t)(i % c->dim), c->dense[i]};
        return n;
    }
    for (size_t i = 0; i < c->cap; i++)
        if (c->code[i] != NO_CODE)
            v[n++] = (struct step){(uint32_t)(c->code[i] >> 32), (uint32_t)c->code[i], c->n[i]};
    jm__qsort(v, n, sizeof(*v), step_cmp);
    return n;
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

/* Sparse rows from steps v[0..n) in chain states, by (from, to): counts over the row's total. */
static jm_status chain_build(const struct step *v, size_t n, size_t m, struct chain *ch)
{
    ch->m = m;
    ch->row = jm_calloc(m + 1, sizeof(*ch->row));
    ch->col = jm_malloc((n + 1) * sizeof(*ch->col));
    ch->q = jm_malloc((n + 1) * sizeof(*ch->q));
    ch->b = jm_calloc(m, sizeof(*ch->b));
    double *total = jm_calloc(m, sizeof(*total));
    jm_status rc = JM_ENOMEM;
    if (!ch->row || !ch->col || !ch->q || !ch->b || !total)
        goto out;
    for (size_t i = 0; i < n; i++)
        total[v[i].from] += (double)v[i].n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t from = v[i].from, to = v[i].to;
        double p = (double)v[i].n / total[from];
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

/* Counted state `s` as the chain's: start 0, key k at state[k], conv n + 1, null n + 2. */
static uint32_t chain_state(uint32_t s, size_t n_keys, const uint32_t *state, uint32_t n)
{
    if (s == 0)
        return 0;
    if (s <= n_keys)
        return state[s - 1];
    return s - (uint32_t)n_keys + n;
}

/*
 * Numbers the keys entered by some step 1 .. n in key order (0: on no path; every key on a
 * path is entered, as repeats are one step) and renumbers the steps' states to the chain's:
 * start 0, keys 1 .. n, conv n + 1, null n + 2. The order of the steps is kept. Returns n.
 */
static size_t number_states(struct step *v, size_t n_steps, size_t n_keys, uint32_t *state)
{
    for (size_t i = 0; i < n_steps; i++)
        if (v[i].to >= 1 && v[i].to <= n_keys)
            state[v[i].to - 1] = 1;
    uint32_t n = 0;
    for (size_t k = 0; k < n_keys; k++)
        if (state[k])
            state[k] = ++n;
    for (size_t i = 0; i < n_steps; i++) {
        v[i].from = chain_state(v[i].from, n_keys, state, n);
        v[i].to = chain_state(v[i].to, n_keys, state, n);
    }
    return n;
}

jm_status jm__markov_solve_counts(const struct jm__mcount *c, size_t dense_max,
                                  struct jm__markov *out)
{
    size_t n_keys = c->n_keys;
    memset(out, 0, sizeof(*out));
    out->p = NAN;
    out->paths = c->paths;
    out->converting = c->converting;
    uint32_t *state = jm_calloc(n_keys + 1, sizeof(*state));
    out->removal = jm_calloc(n_keys + 1, sizeof(*out->removal));
    double *re = NULL;
    struct step *v = NULL;
    struct chain ch = {0};
    jm_status rc = JM_ENOMEM;
    size_t n_steps = mcount_steps(c, &v);
    if (!state || !out->removal || n_steps == SIZE_MAX)
        goto out;
    size_t n = out->n_states = number_states(v, n_steps, n_keys, state);
    re = jm_calloc(n + 1, sizeof(*re));
    if (!re || chain_build(v, n_steps, n + 1, &ch))
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
    jm_free(v);
    chain_release(&ch);
    return rc;
}

jm_status jm__markov_solve(const struct jm__paths *lists, size_t n_lists, size_t n_keys,
                           size_t dense_max, struct jm__markov *out)
{
    struct jm__mcount c;
    jm_status rc = jm__mcount_init(&c, n_keys);
    for (size_t l = 0; l < n_lists && !rc; l++) {
        c.prev = 0; /* each list starts a path */
        for (size_t i = 0; i < lists[l].n && !rc; i++) {
            uint32_t w = lists[l].w[i];
            rc = w == JM__MARKOV_CONV || w == JM__MARKOV_NULL
                     ? jm__mcount_end(&c, w == JM__MARKOV_CONV)
                     : jm__mcount_key(&c, w);
        }
    }
    if (rc)
        memset(out, 0, sizeof(*out));
    else
        rc = jm__markov_solve_counts(&c, dense_max, out);
    jm__mcount_release(&c);
    return rc;
}

void jm__markov_release(struct jm__markov *m)
{
    jm_free(m->removal);
    m->removal = NULL;
}
