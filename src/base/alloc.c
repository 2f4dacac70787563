/*
 * The one allocator. Every journeymap allocation passes through here so a test can make the N-th
 * one fail (STYLE.md §7: fail each allocation in turn and check nothing leaks or crashes).
 *
 * The counters are atomics because the server allocates from several threads; fault injection
 * itself is only used by single-threaded tests.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

static atomic_ulong alloc_count;
static atomic_ulong fail_at; /* 0: never fail */

void jm_alloc_fail_at(unsigned long n)
{
    atomic_store(&alloc_count, 0);
    atomic_store(&fail_at, n);
}

void jm_alloc_fail_reset(void)
{
    atomic_store(&fail_at, 0);
    atomic_store(&alloc_count, 0);
}

unsigned long jm_alloc_count(void)
{
    return atomic_load(&alloc_count);
}

/* Counts the attempt and says whether it must fail. */
static bool injected_failure(void)
{
    unsigned long n = atomic_fetch_add(&alloc_count, 1) + 1;
    unsigned long f = atomic_load(&fail_at);
    return f != 0 && n >= f;
}

void *jm_malloc(size_t size)
{
    if (injected_failure())
        return NULL;
    return malloc(size ? size : 1);
}

void *jm_calloc(size_t n, size_t size)
{
    if (injected_failure())
        return NULL;
    if (n == 0 || size == 0)
        n = size = 1;
    return calloc(n, size);
}

void *jm_realloc(void *p, size_t size)
{
    if (injected_failure())
        return NULL;
    return realloc(p, size ? size : 1);
}

void jm_free(void *p)
{
    free(p);
}

char *jm_strndup(const char *s, size_t len)
{
    /* len + 1 would wrap to 0 and become a 1-byte block with `len` bytes copied into it. */
    if (len == SIZE_MAX)
        return NULL;
    char *d = jm_malloc(len + 1);
    if (!d)
        return NULL;
    if (len)
        memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *jm_strdup(const char *s)
{
    return jm_strndup(s, strlen(s));
}

jm_status jm_grow(void **items, size_t *cap, size_t need, size_t elsize)
{
    if (need <= *cap)
        return JM_OK;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return JM_ENOMEM;
        ncap *= 2;
    }
    size_t bytes;
    if (!jm_size_mul(ncap, elsize, &bytes))
        return JM_ENOMEM;
    void *p = jm_realloc(*items, bytes);
    if (!p)
        return JM_ENOMEM;
    *items = p;
    *cap = ncap;
    return JM_OK;
}
