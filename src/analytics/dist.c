/*
 * Distributions of durations, and the rounding reports print with (DESIGN.md §4).
 *
 * SPDX-License-Identifier: MIT
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "base/internal.h"
#include "journeymap/analytics.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * Sorts v[lo..hi] ascending in place: quicksort (Hoare, median of three) with the comparisons
 * inline, insertion sort for short ranges, and qsort for a range that goes deeper than `depth`
 * (so a bad pivot sequence costs n log n, not n^2). Distributions of hundreds of thousands of
 * durations (paths' gaps) spent most of their time in qsort's call per comparison.
 */
static void sort_doubles(double *v, ptrdiff_t lo, ptrdiff_t hi, unsigned depth)
{
    while (hi - lo > 16) {
        if (!depth--) {
            jm__qsort(v + lo, (size_t)(hi - lo + 1), sizeof(double), cmp_double);
            return;
        }
        ptrdiff_t mid = lo + (hi - lo) / 2;
        double t;
#define SWAP(x, y) (t = v[x], v[x] = v[y], v[y] = t)
        if (v[mid] < v[lo])
            SWAP(mid, lo);
        if (v[hi] < v[lo])
            SWAP(hi, lo);
        if (v[hi] < v[mid])
            SWAP(hi, mid);
        double pivot = v[mid];
        ptrdiff_t i = lo - 1, j = hi + 1;
        for (;;) {
            do
                i++;
            while (v[i] < pivot);
            do
                j--;
            while (v[j] > pivot);
            if (i >= j)
                break;
            SWAP(i, j);
        }
#undef SWAP
        if (j - lo < hi - j) { /* the smaller side first keeps the stack shallow */
            sort_doubles(v, lo, j, depth);
            lo = j + 1;
        } else {
            sort_doubles(v, j + 1, hi, depth);
            hi = j;
        }
    }
    for (ptrdiff_t i = lo + 1; i <= hi; i++) { /* insertion sort of the short rest */
        double x = v[i];
        ptrdiff_t k = i;
        for (; k > lo && v[k - 1] > x; k--)
            v[k] = v[k - 1];
        v[k] = x;
    }
}

/* The q-quantile by linear interpolation between closest ranks: rank (n - 1) q. For q = 0.5
 * that is the middle value, or the mean of the two middle values for an even count. */
static double quantile(const double *v, size_t n, double q)
{
    double rank = (double)(n - 1) * q;
    size_t lo = (size_t)floor(rank);
    double frac = rank - (double)lo;
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (v[lo + 1] - v[lo]) * frac;
}

void jm_dist_of(double *v, size_t n, struct jm_dist *out)
{
    out->count = n;
    if (!n) {
        out->mean = out->median = out->p75 = out->p90 = NAN;
        return;
    }
    bool plain = true; /* no NaN, which orders with nothing: then qsort's rules decide */
    for (size_t i = 0; i < n && plain; i++)
        plain = !isnan(v[i]);
    if (plain)
        sort_doubles(v, 0, (ptrdiff_t)n - 1, 64);
    else
        jm__qsort(v, n, sizeof(double), cmp_double);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    out->mean = sum / (double)n;
    out->median = quantile(v, n, 0.5);
    out->p75 = quantile(v, n, 0.75);
    out->p90 = quantile(v, n, 0.9);
}

double jm_round4(double x)
{
    if (!isfinite(x))
        return x;
    /* Half up: a value that prints as ...5 in the fifth decimal goes up. The nudge, a few units
     * in the last place, absorbs the binary representation error of decimal fractions like
     * 0.12345 without moving any other value. */
    double s = x * 1e4;
    double r = floor(s + 0.5 + 8 * DBL_EPSILON * fabs(s));
    return r / 1e4;
}
