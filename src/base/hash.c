/*
 * Hashing, a string -> u64 map and a set of u64. Both tables use open addressing with linear
 * probing and a power-of-two capacity, kept at most 70% full: the probe sequences stay short
 * and a lookup touches one or two cache lines.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "base/internal.h"

uint64_t jm__mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

static uint64_t read64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

uint64_t jm__hash64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (UINT64_C(0x9e3779b97f4a7c15) * (len + 1));
    while (len >= 8) {
        h = (h ^ jm__mix64(read64(p))) * UINT64_C(0x9e3779b97f4a7c15);
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < len; i++)
        tail |= (uint64_t)p[i] << (8 * i);
    h ^= jm__mix64(tail ^ (len << 56));
    return jm__mix64(h);
}

/* ---------------------------------------------------------------- string map */

void jm__strmap_init(struct jm_strmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->n = 0;
    jm_arena_init(&m->keys);
}

void jm__strmap_release(struct jm_strmap *m)
{
    jm_free(m->slots);
    jm_arena_release(&m->keys);
    jm__strmap_init(m);
}

/* The prefix fits where the old 64-bit hash was: slots stay 32 bytes, two to a cache line. */
_Static_assert(sizeof(struct jm_strmap_slot) == 32, "a string map slot is 32 bytes");

/*
 * The first JM_STRMAP_INLINE bytes of `key` as a word, zero-padded when it is shorter. Only
 * equality matters (keys of one length always pack the same way), so short keys are shifted in
 * rather than passed to a variable-length memcpy call.
 */
static uint64_t strmap_prefix(const char *key, size_t len)
{
    uint64_t w = 0;
    if (len >= JM_STRMAP_INLINE) {
        memcpy(&w, key, JM_STRMAP_INLINE);
        return w;
    }
    for (size_t i = 0; i < len; i++)
        w |= (uint64_t)(unsigned char)key[i] << (8 * i);
    return w;
}

/* Whether slot `s` (occupied) holds `key`, whose hash is `h` and prefix word `pre`. */
static bool strmap_match(const struct jm_strmap_slot *s, const char *key, size_t len, uint32_t h,
                         uint64_t pre)
{
    if (s->hash != h || s->len != len || s->prefix != pre)
        return false;
    /* Keys up to JM_STRMAP_INLINE bytes are all in the prefix: no visit to the arena. */
    return len <= JM_STRMAP_INLINE ||
           memcmp(s->key + JM_STRMAP_INLINE, key + JM_STRMAP_INLINE, len - JM_STRMAP_INLINE) == 0;
}

/*
 * The slot of `key`, or the empty slot where it belongs. Only the 32 hash bits the slot keeps
 * pick the start, so a map past 2^32 slots would probe longer, never wrongly.
 */
static struct jm_strmap_slot *strmap_find(const struct jm_strmap *m, const char *key, size_t len,
                                          uint32_t h)
{
    uint64_t pre = strmap_prefix(key, len);
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct jm_strmap_slot *s = &m->slots[i];
        if (!s->key || strmap_match(s, key, len, h, pre))
            return s;
    }
}

uint64_t *jm__strmap_get(const struct jm_strmap *m, const char *key, size_t len)
{
    if (!m->cap)
        return NULL;
    struct jm_strmap_slot *s = strmap_find(m, key, len, (uint32_t)jm__hash64(key, len, 0));
    return s->key ? &s->value : NULL;
}

static jm_status strmap_rehash(struct jm_strmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 16;
    struct jm_strmap_slot *old = m->slots;
    size_t ocap = m->cap;
    m->slots = jm_calloc(ncap, sizeof(*m->slots));
    if (!m->slots) {
        m->slots = old;
        return JM_ENOMEM;
    }
    m->cap = ncap;
    size_t mask = ncap - 1;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i].key)
            continue;
        /* Keys are distinct: the first empty slot is the place, and no key is compared. */
        size_t j = old[i].hash & mask;
        while (m->slots[j].key)
            j = (j + 1) & mask;
        m->slots[j] = old[i];
    }
    jm_free(old);
    return JM_OK;
}

jm_status jm__strmap_put(struct jm_strmap *m, const char *key, size_t len, uint64_t init,
                         uint64_t **value, bool *added)
{
    if (len > UINT32_MAX)
        return JM_ELIMIT;
    if ((m->n + 1) * 10 > m->cap * 7 && strmap_rehash(m))
        return JM_ENOMEM;
    uint32_t h = (uint32_t)jm__hash64(key, len, 0);
    struct jm_strmap_slot *s = strmap_find(m, key, len, h);
    bool is_new = !s->key;
    if (is_new) {
        char *k = jm_arena_strndup(&m->keys, key, len);
        if (!k) {
            /*
             * The key arena is private and nothing came out of the failed allocation, so clear
             * its sticky failure: a transient OOM must not make a long-lived map (a
             * dictionary, the server's caches) refuse every new key for good.
             */
            m->keys.failed = false;
            return JM_ENOMEM;
        }
        s->key = k;
        s->len = (uint32_t)len;
        s->hash = h;
        s->prefix = strmap_prefix(key, len);
        s->value = init;
        m->n++;
    }
    if (added)
        *added = is_new;
    *value = &s->value;
    return JM_OK;
}

/* ---------------------------------------------------------------- u64 set */

void jm__u64set_release(struct jm_u64set *s)
{
    jm_free(s->slots);
    s->slots = NULL;
    s->cap = s->n = 0;
}

static uint64_t *u64set_find(const struct jm_u64set *s, uint64_t v)
{
    size_t mask = s->cap - 1;
    for (size_t i = jm__mix64(v) & mask;; i = (i + 1) & mask)
        if (s->slots[i] == v || s->slots[i] == 0)
            return &s->slots[i];
}

bool jm__u64set_has(const struct jm_u64set *s, uint64_t v)
{
    /* 0 marks an empty slot, so without the v != 0 test any non-full set would "have" it. */
    return v != 0 && s->cap && *u64set_find(s, v) == v;
}

static jm_status u64set_resize(struct jm_u64set *s, size_t ncap)
{
    uint64_t *old = s->slots;
    size_t ocap = s->cap;
    s->slots = jm_calloc(ncap, sizeof(uint64_t));
    if (!s->slots) {
        s->slots = old;
        return JM_ENOMEM;
    }
    s->cap = ncap;
    for (size_t i = 0; i < ocap; i++)
        if (old[i])
            *u64set_find(s, old[i]) = old[i];
    jm_free(old);
    return JM_OK;
}

jm_status jm__u64set_reserve(struct jm_u64set *s, size_t n)
{
    /*
     * Sizes come from callers' row counts, so guard the arithmetic: an overflowing need * 10
     * or a capacity doubled past SIZE_MAX would otherwise wrap and spin for ever at ncap == 0.
     */
    size_t need, ncap = s->cap ? s->cap : 16;
    if (n > SIZE_MAX - s->n || (need = s->n + n) > SIZE_MAX / 10 / sizeof(uint64_t))
        return JM_ENOMEM;
    while (need * 10 > ncap * 7)
        ncap *= 2;
    return ncap == s->cap ? JM_OK : u64set_resize(s, ncap);
}

jm_status jm__u64set_add(struct jm_u64set *s, uint64_t v, bool *added)
{
    if (v == 0)
        return JM_EINVAL;
    if (jm__u64set_reserve(s, 1))
        return JM_ENOMEM;
    uint64_t *slot = u64set_find(s, v);
    bool is_new = *slot == 0;
    if (is_new) {
        *slot = v;
        s->n++;
    }
    if (added)
        *added = is_new;
    return JM_OK;
}
