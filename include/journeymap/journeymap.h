/*
 * journeymap: a B2B customer journey platform. This umbrella header holds what every module
 * shares: the version, the status codes every fallible function returns, and the error detail
 * that travels with them.
 *
 * Errors follow one rule: a function that can fail returns jm_status (JM_OK == 0) and, when the
 * caller passed a `struct jm_error *err` (it may be NULL), fills it with a one-line message in the
 * form "file:line:column: what is wrong" (or just "what is wrong" when no position applies).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_JOURNEYMAP_H
#define JM_JOURNEYMAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define JM_API __attribute__((visibility("default")))

#if defined(__GNUC__)
#    define JM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#    define JM_PRINTF(f, a)
#endif

#define JM_STATUS_MAP(X)                                                                           \
    X(OK, "success")                                                                               \
    X(ENOMEM, "out of memory")                                                                     \
    X(EINVAL, "invalid argument")                                                                  \
    X(EPARSE, "malformed input")                                                                   \
    X(EIO, "i/o error")                                                                            \
    X(ESTORAGE, "storage backend error")                                                           \
    X(ENOTFOUND, "not found")                                                                      \
    X(ENOTSUP, "not supported by this build")                                                      \
    X(ECONFLICT, "conflicting data")                                                               \
    X(ELIMIT, "limit exceeded")

typedef enum jm_status {
#define X(name, msg) JM_##name,
    JM_STATUS_MAP(X)
#undef X
} jm_status;

/* Returns a static, lower-case description of `rc`. */
JM_API const char *jm_strerror(jm_status rc);

/* The detail of a failure. `msg` is "file:line:column: message" where a position applies. */
struct jm_error {
    jm_status code;
    char msg[512];
};

/*
 * Records `code` and a printf-style message in `err` (which may be NULL) and returns `code`, so
 * a failing path can say `return jm_error_set(err, JM_EINVAL, "unknown field '%s'", name);`.
 */
JM_API jm_status jm_error_set(struct jm_error *err, jm_status code, const char *fmt, ...)
    JM_PRINTF(3, 4);

/*
 * Like jm_error_set(), prefixed with "file:line:column: " (line or column 0 leaves it out; a NULL
 * or empty `file` leaves out the whole prefix). A message longer than `msg` is cut at a whole
 * UTF-8 character.
 */
JM_API jm_status jm_error_at(struct jm_error *err, jm_status code, const char *file,
                             unsigned long line, unsigned long column, const char *fmt, ...)
    JM_PRINTF(6, 7);

/* Clears `err` to JM_OK and an empty message. */
JM_API void jm_error_clear(struct jm_error *err);

/* Returns the library version, "MAJOR.MINOR.PATCH". */
JM_API const char *jm_version(void);

#ifdef __cplusplus
}
#endif
#endif /* JM_JOURNEYMAP_H */
