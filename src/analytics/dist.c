/*
 * Distributions of durations, and the rounding reports print with (DESIGN.md §4).
 *
 * SPDX-License-Identifier: MIT
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "base/internal.h"
#include "journeymap/analytics.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
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
