/*
 * Arena allocator. Blocks form a singly linked list, newest first; allocation bumps a pointer in
 * the newest block and opens a new block (doubling, up to 1 MiB, or the request's size) when it
 * does not fit. Nothing is freed alone.
 *
 *   head -> [block: next | size | used | data ............]
 *              `-> [older block] -> ... -> NULL
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/internal.h"

struct jm_arena_block {
    struct jm_arena_block *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

#define ARENA_FIRST_BLOCK 4096
#define ARENA_MAX_BLOCK   (1u << 20)

void jm_arena_init(struct jm_arena *a)
{
    a->head = NULL;
    a->block_size = 0;
    a->used_total = 0;
    a->failed = false;
}

static struct jm_arena_block *arena_new_block(struct jm_arena *a, size_t need)
{
    size_t size = a->block_size ? a->block_size * 2 : ARENA_FIRST_BLOCK;
    if (size > ARENA_MAX_BLOCK)
        size = ARENA_MAX_BLOCK;
    if (size < need)
        size = need;
    a->block_size = size;
    struct jm_arena_block *b = jm_malloc(sizeof(*b) + size);
    if (!b)
        return NULL;
    b->next = a->head;
    b->size = size;
    b->used = 0;
    a->head = b;
    return b;
}

void *jm_arena_alloc(struct jm_arena *a, size_t size)
{
    if (a->failed || size > SIZE_MAX - 64)
        goto fail;
    size = (size + 15) & ~(size_t)15;
    struct jm_arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        b = arena_new_block(a, size);
        if (!b)
            goto fail;
    }
    void *p = b->data + b->used;
    b->used += size;
    a->used_total += size;
    memset(p, 0, size);
    return p;
fail:
    a->failed = true;
    return NULL;
}

char *jm_arena_strndup(struct jm_arena *a, const char *s, size_t len)
{
    /* len + 1 must not wrap to 0; SIZE_MAX fails (stickily) like any impossible size. */
    char *d = jm_arena_alloc(a, len < SIZE_MAX ? len + 1 : SIZE_MAX);
    if (!d)
        return NULL;
    if (len)
        memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *jm_arena_strdup(struct jm_arena *a, const char *s)
{
    return jm_arena_strndup(a, s, strlen(s));
}

char *jm_arena_printf(struct jm_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        a->failed = true;
        return NULL;
    }
    char *d = jm_arena_alloc(a, (size_t)n + 1);
    if (!d)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

void jm_arena_release(struct jm_arena *a)
{
    struct jm_arena_block *b = a->head;
    while (b) {
        struct jm_arena_block *next = b->next;
        jm_free(b);
        b = next;
    }
    jm_arena_init(a);
}
