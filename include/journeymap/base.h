/*
 * The base layer: allocation, arenas, growable strings, and time parsing. Everything else in
 * journeymap allocates through these so tests can make any allocation fail and so every buffer
 * has a ceiling.
 *
 * Lifetimes (see STYLE.md §4): heap objects are jm_x_new()/jm_x_free(); caller-owned ones are
 * jm_x_init()/jm_x_release(); arena memory lives until jm_arena_release().
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_BASE_H
#define JM_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journeymap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- allocation */

/*
 * All journeymap memory comes from these. They behave like the C library's, except that
 * jm_malloc(0) returns a unique non-NULL pointer and the fault injector below can make them fail.
 */
JM_API void *jm_malloc(size_t size);
JM_API void *jm_calloc(size_t n, size_t size);
JM_API void *jm_realloc(void *p, size_t size);
JM_API void jm_free(void *p);
/* Returns an owned copy of `s` (of `len` bytes, NUL added), or NULL when out of memory. */
JM_API char *jm_strndup(const char *s, size_t len);
JM_API char *jm_strdup(const char *s);

/*
 * Fault injection for tests: the `n`-th allocation from now (1-based) and every one after it
 * fail, until jm_alloc_fail_reset(). n == 0 turns injection off. jm_alloc_count() is the number
 * of allocations attempted since the last reset, so a test can run a function once to count its
 * allocations and then fail each one in turn.
 */
JM_API void jm_alloc_fail_at(unsigned long n);
JM_API void jm_alloc_fail_reset(void);
JM_API unsigned long jm_alloc_count(void);

/*
 * Returns `a * b` in *out, or false when it overflows size_t. Every size computed from input
 * goes through this.
 */
static inline bool jm_size_mul(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/*
 * Grows the array `*items` (of `*cap` elements of `elsize` bytes) so it holds at least `need`
 * elements, doubling. Returns JM_OK or JM_ENOMEM (the array is untouched then).
 */
JM_API jm_status jm_grow(void **items, size_t *cap, size_t need, size_t elsize);

/* ---------------------------------------------------------------- arena */

/*
 * A bump allocator for memory that dies together: one per query, request or import batch.
 * Out of memory is sticky: after the first failure every allocation returns NULL and
 * `failed` stays true, so callers may check once at the end.
 */
struct jm_arena_block;
struct jm_arena {
    struct jm_arena_block *head;
    size_t block_size;
    size_t used_total;
    bool failed;
};
#define JM_ARENA_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

JM_API void jm_arena_init(struct jm_arena *a);
/* Returns `size` bytes aligned to 16, zeroed, or NULL (and sets a->failed). */
JM_API void *jm_arena_alloc(struct jm_arena *a, size_t size);
/* Returns a NUL-terminated copy of `s[0..len)` in the arena, or NULL. */
JM_API char *jm_arena_strndup(struct jm_arena *a, const char *s, size_t len);
JM_API char *jm_arena_strdup(struct jm_arena *a, const char *s);
JM_API char *jm_arena_printf(struct jm_arena *a, const char *fmt, ...) JM_PRINTF(2, 3);
/* Frees every block; the arena may be used again afterwards. */
JM_API void jm_arena_release(struct jm_arena *a);

/* ---------------------------------------------------------------- strbuf */

/*
 * A growable NUL-terminated byte string. `max` is its ceiling in bytes (0 means the default
 * ceiling, JM_STRBUF_DEFAULT_MAX); growing past it fails with JM_ELIMIT and leaves the buffer
 * as it was. `buf` is never NULL after init ("" when empty).
 *
 * `failed` is sticky, like an arena's: the first append that fails (out of memory, over `max`)
 * sets it and only init/release clear it (reset does not), so a writer of many small appends
 * may check once at the end that nothing was cut out of the middle.
 */
struct jm_strbuf {
    char *buf;
    size_t len;
    size_t cap;
    size_t max;
    bool failed;
};
#define JM_STRBUF_DEFAULT_MAX ((size_t)1 << 30)
extern char jm_strbuf_empty[];
#define JM_STRBUF_INIT                                                                             \
    {                                                                                              \
        jm_strbuf_empty, 0, 0, 0, false                                                            \
    }

JM_API void jm_strbuf_init(struct jm_strbuf *sb, size_t max);
JM_API void jm_strbuf_release(struct jm_strbuf *sb);
/* Empties the buffer but keeps its memory. */
JM_API void jm_strbuf_reset(struct jm_strbuf *sb);
JM_API jm_status jm_strbuf_grow(struct jm_strbuf *sb, size_t extra);
/* Appends `data[0..len)`, which may point into `sb` itself. */
JM_API jm_status jm_strbuf_add(struct jm_strbuf *sb, const void *data, size_t len);
JM_API jm_status jm_strbuf_addstr(struct jm_strbuf *sb, const char *s);
JM_API jm_status jm_strbuf_addch(struct jm_strbuf *sb, char c);
/* Appends printf-style; unlike jm_strbuf_add(), the arguments must not point into `sb`. */
JM_API jm_status jm_strbuf_addf(struct jm_strbuf *sb, const char *fmt, ...) JM_PRINTF(2, 3);
JM_API jm_status jm_strbuf_vaddf(struct jm_strbuf *sb, const char *fmt, va_list ap) JM_PRINTF(2, 0);
/*
 * Adds `s[0..len)` as a JSON string literal, quotes included: '"', '\\', and control characters
 * (0x00-0x1f, 0x7f) are escaped, other bytes (UTF-8) pass through. On failure nothing is added.
 */
JM_API jm_status jm_strbuf_add_json_string(struct jm_strbuf *sb, const char *s, size_t len);
/* Takes the buffer out (caller frees with jm_free) and leaves `sb` empty. */
JM_API char *jm_strbuf_detach(struct jm_strbuf *sb, size_t *len);

/* ---------------------------------------------------------------- time */

/* Times are UTC microseconds since 1970-01-01 (DESIGN.md §4). */
#define JM_US_PER_SEC INT64_C(1000000)
#define JM_US_PER_DAY (INT64_C(86400) * JM_US_PER_SEC)
#define JM_TIME_NONE  INT64_MIN

/*
 * Parses a time. With `format` NULL or "auto" it accepts exactly:
 *   ISO-8601 dates and date-times: 2024-03-05, 2024-03-05T14:30, 2024-03-05 14:30:15,
 *   fractions of a second (up to 9 digits, kept to the microsecond), and a zone Z, +07:00,
 *   +0700 or +07 (no zone means UTC).
 * Other named formats: "unix" (seconds), "unix_ms" (milliseconds), "iso" (as auto).
 * Anything else is a strptime-like pattern: %Y %y (69-99 -> 19xx, 00-68 -> 20xx) %m %d %H %M %S
 * %f (fraction) %z (zone) %b or %B (English month: full name, 3 letters or "Sept"), %e (day,
 * space-padded or not), %I %p (12-hour clock), %% and literal text; a space matches a run of
 * spaces. A pattern with another directive fails with a message naming it.
 * Day/month order is never guessed: "02/01/2024" fails in auto mode. Leading or trailing
 * white space is not skipped (jm_value_parse() trims it).
 * Returns JM_OK or JM_EPARSE with the reason in `err` (no position: the caller adds it).
 */
JM_API jm_status jm_time_parse(const char *s, size_t len, const char *format, int64_t *out_us,
                               struct jm_error *err);

/* Days from the civil date (proleptic Gregorian) to 1970-01-01; month 1..12. */
JM_API int64_t jm_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Splits UTC microseconds into a civil date and time. */
JM_API void jm_time_civil(int64_t us, int *year, int *month, int *day, int *hour, int *min,
                          int *sec);
/*
 * Writes `us` as ISO-8601 UTC into buf (at least 32 bytes): "2024-03-05T14:30:15Z", with
 * ".ffffff" when there is a fraction, or just "2024-03-05" when `date_only`. Years outside
 * 0000-9999 take a sign ("-0001-12-31", "+10000-01-01"); every int64_t value is safe.
 */
JM_API void jm_time_format(int64_t us, bool date_only, char *buf, size_t cap);

/* ---------------------------------------------------------------- utf-8 */

/*
 * Returns true when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points
 * past U+10FFFF). On false, *bad_offset (when not NULL) is the byte offset of the first bad byte.
 */
JM_API bool jm_utf8_valid(const char *s, size_t len, size_t *bad_offset);
/* Counts the code points of a valid UTF-8 string (for column numbers and display width). */
JM_API size_t jm_utf8_count(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* JM_BASE_H */
