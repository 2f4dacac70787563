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

static jm_status error_vset(struct jm_error *err, jm_status code, const char *prefix,
                            const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    size_t n = (size_t)snprintf(err->msg, sizeof(err->msg), "%s", prefix);
    if (n >= sizeof(err->msg))
        return code;
    vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
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
    char prefix[300];
    if (line && column)
        snprintf(prefix, sizeof(prefix), "%s:%lu:%lu: ", file, line, column);
    else if (line)
        snprintf(prefix, sizeof(prefix), "%s:%lu: ", file, line);
    else
        snprintf(prefix, sizeof(prefix), "%s: ", file);
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, prefix, fmt, ap);
    va_end(ap);
    return code;
}
