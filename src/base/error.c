/*
 * Status codes and error detail (journeymap.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/internal.h"

const char *jm_strerror(jm_status rc)
{
    switch (rc) {
#define X(name, msg)                                                                               \
    case JM_##name:                                                                                \
        return msg;
        JM_STATUS_MAP(X)
#undef X
    }
    return "unknown error";
}

const char *jm_version(void)
{
    return JM_VERSION;
}

void jm_error_clear(struct jm_error *err)
{
    if (err) {
        err->code = JM_OK;
        err->msg[0] = '\0';
    }
}

/*
 * Formats into a local copy first: callers add context with
 * jm_error_set(err, rc, "reading x: %s", err->msg), and vsnprintf must not read the buffer it
 * writes. A message cut at the buffer's end is cut back to a whole UTF-8 character, because
 * messages quote user text and end up in JSON and terminals.
 */
static jm_status error_vset(struct jm_error *err, jm_status code, const char *prefix,
                            const char *fmt, va_list ap)
{
    if (!err)
        return code;
    char msg[sizeof(err->msg)];
    int p = snprintf(msg, sizeof(msg), "%s", prefix);
    size_t n = p < 0 ? 0 : (size_t)p < sizeof(msg) ? (size_t)p : sizeof(msg) - 1;
    int m = vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
    if (m < 0)
        msg[n] = '\0';
    else if ((size_t)m >= sizeof(msg) - n)
        msg[jm__utf8_prefix(msg, strlen(msg), sizeof(msg) - 1)] = '\0';
    err->code = code;
    memcpy(err->msg, msg, strlen(msg) + 1);
    return code;
}

jm_status jm_error_set(struct jm_error *err, jm_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, "", fmt, ap);
    va_end(ap);
    return code;
}

jm_status jm_error_at(struct jm_error *err, jm_status code, const char *file, unsigned long line,
                      unsigned long column, const char *fmt, ...)
{
    /*
     * A very long path keeps its tail (the file name is what the reader needs) and the ": "
     * after it, so the message itself is never pushed out of the buffer.
     */
    char prefix[300];
    const char *dots = "";
    size_t flen = file ? strlen(file) : 0;
    if (flen > 240) {
        size_t skip = flen - 240;
        while (skip < flen && ((unsigned char)file[skip] & 0xc0) == 0x80)
            skip++; /* start on a whole character */
        file += skip, flen -= skip, dots = "...";
    }
    if (!flen)
        prefix[0] = '\0'; /* no file: the message alone, like jm_error_set() */
    else if (line && column)
        snprintf(prefix, sizeof(prefix), "%s%s:%lu:%lu: ", dots, file, line, column);
    else if (line)
        snprintf(prefix, sizeof(prefix), "%s%s:%lu: ", dots, file, line);
    else
        snprintf(prefix, sizeof(prefix), "%s%s: ", dots, file);
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, prefix, fmt, ap);
    va_end(ap);
    return code;
}
