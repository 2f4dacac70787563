/*
 * Base-layer pieces the other modules share but that are not public API: hashing, a string
 * map and an integer set, a terminal progress bar, and the banned-function list.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_BASE_INTERNAL_H
#define JM_BASE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "journeymap/base.h"

/* ---------------------------------------------------------------- hashing */

/*
 * A fast 64-bit hash of bytes (a multiply-xorshift mix, seeded). Good enough for hash tables and
 * for the 64-bit event deduplication key, where a collision among 10^8 events has odds of about
 * 3e-4; not a cryptographic hash.
 */
uint64_t jm__hash64(const void *data, size_t len, uint64_t seed);
/* Mixes a 64-bit value into a well-spread one (the finaliser of the hash above). */
uint64_t jm__mix64(uint64_t x);

/* qsort that accepts an empty or absent array (qsort's pointer must not be NULL, even for 0). */
static inline void jm__qsort(void *base, size_t n, size_t size,
                             int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* ---------------------------------------------------------------- utf-8 */

/*
 * Returns the length of the longest prefix of s[0..len) that is at most `max` bytes and does not
 * end inside a multi-byte sequence, so a message that quotes or truncates text stays valid UTF-8.
 */
size_t jm__utf8_prefix(const char *s, size_t len, size_t max);

/* ---------------------------------------------------------------- string map */

/*
 * Maps byte strings to 64-bit values. Keys are copied into the map's own arena; lookups return
 * pointers into it, valid until the map is released (callers keep them, e.g. storage's caches).
 * Open addressing with linear probing, kept at most 70% full.
 *
 * Each slot also holds the first JM_STRMAP_INLINE (8) bytes of its key, zero-padded, as one
 * word beside a 32-bit hash, so a lookup of a key that short compares two integers within the
 * slot and never follows `key` into the arena: one cache miss per lookup instead of two on a
 * large map. Longer keys compare the prefix word first and the rest through `key`. The slot
 * stays 32 bytes.
 */
#define JM_STRMAP_INLINE 8
struct jm_strmap_slot {
    uint64_t value;
    const char *key; /* NULL for an empty slot; the arena copy, stable until release */
    uint32_t hash;   /* low 32 bits of the key's hash */
    uint32_t len;
    uint64_t prefix; /* the key's first JM_STRMAP_INLINE bytes, zero-padded, as a word */
};
struct jm_strmap {
    struct jm_strmap_slot *slots;
    size_t cap; /* a power of two, or 0 */
    size_t n;
    struct jm_arena keys;
};
#define JM_STRMAP_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0, JM_ARENA_INIT                                                                  \
    }

void jm__strmap_init(struct jm_strmap *m);
void jm__strmap_release(struct jm_strmap *m);
/* Returns a pointer to the value of `key`, or NULL when absent. */
uint64_t *jm__strmap_get(const struct jm_strmap *m, const char *key, size_t len);
/*
 * Finds or adds `key`. On JM_OK *value points at its value (new keys start at `init`), and
 * *added (when not NULL) says whether it was new. Returns JM_ENOMEM on failure.
 */
jm_status jm__strmap_put(struct jm_strmap *m, const char *key, size_t len, uint64_t init,
                         uint64_t **value, bool *added);

/* ---------------------------------------------------------------- integer set */

/* A set of non-zero 64-bit integers (0 marks an empty slot; callers map 0 to 1). */
struct jm_u64set {
    uint64_t *slots;
    size_t cap;
    size_t n;
};
#define JM_U64SET_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }
void jm__u64set_release(struct jm_u64set *s);
bool jm__u64set_has(const struct jm_u64set *s, uint64_t v);
/* Adds `v` (JM_EINVAL for 0); *added (when not NULL) says whether it was new. */
jm_status jm__u64set_add(struct jm_u64set *s, uint64_t v, bool *added);
/* Makes room for `n` more members without rehashing on the way (JM_ENOMEM if impossible). */
jm_status jm__u64set_reserve(struct jm_u64set *s, size_t n);

/* ---------------------------------------------------------------- progress */

/*
 * A progress bar on stderr, drawn only when stderr is a terminal, redrawn at most 10 times a
 * second: "importing events.csv  [#########.......]  58%  1.2M rows  2.1M rows/s".
 */
struct jm_progress {
    const char *label;
    const char *unit; /* what items are: "rows" unless set after start */
    uint64_t total;   /* bytes or items; 0 = unknown */
    uint64_t done;
    uint64_t items;
    double started;
    double last_draw;
    bool enabled;
};
void jm__progress_start(struct jm_progress *p, const char *label, uint64_t total);
void jm__progress_update(struct jm_progress *p, uint64_t done, uint64_t items);
void jm__progress_finish(struct jm_progress *p);
/* Seconds from a monotonic clock. */
double jm__now(void);

/* ---------------------------------------------------------------- files */

/*
 * Reads all of `path` (at most `max` bytes) into an owned, NUL-terminated buffer (free with
 * jm_free). Errors: JM_ENOTFOUND, JM_EIO, JM_ELIMIT (too large), JM_ENOMEM.
 */
jm_status jm__read_file(const char *path, size_t max, char **out, size_t *len,
                        struct jm_error *err);

/*
 * Appends one CSV field (RFC 4180 quoting when needed). With `escape_formulas`, text a
 * spreadsheet would evaluate (leading = + - @ TAB CR) is prefixed with an apostrophe.
 */
jm_status jm__csv_field(struct jm_strbuf *sb, const char *s, size_t len, bool escape_formulas);

#include "base/banned.h"

#endif /* JM_BASE_INTERNAL_H */
