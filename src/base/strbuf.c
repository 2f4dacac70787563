/*
 * Growable strings with a ceiling. An empty buffer points at a shared static "" so that `buf` is
 * always a valid C string without allocating.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "base/internal.h"

char jm_strbuf_empty[1];

void jm_strbuf_init(struct jm_strbuf *sb, size_t max)
{
    sb->buf = jm_strbuf_empty;
    sb->len = 0;
    sb->cap = 0;
    sb->max = max;
    sb->failed = false;
}

void jm_strbuf_release(struct jm_strbuf *sb)
{
    if (sb->cap)
        jm_free(sb->buf);
    jm_strbuf_init(sb, sb->max);
}

void jm_strbuf_reset(struct jm_strbuf *sb)
{
    sb->len = 0;
    if (sb->cap)
        sb->buf[0] = '\0';
}

jm_status jm_strbuf_grow(struct jm_strbuf *sb, size_t extra)
{
    size_t max = sb->max ? sb->max : JM_STRBUF_DEFAULT_MAX;
    /* Room for the NUL: a ceiling of SIZE_MAX would make max + 1 wrap to 0. */
    if (max > SIZE_MAX - 1)
        max = SIZE_MAX - 1;
    if (extra > max || sb->len > max - extra) {
        sb->failed = true;
        return JM_ELIMIT;
    }
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return JM_OK;
    size_t ncap = sb->cap ? sb->cap : 64;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (ncap > max + 1)
        ncap = max + 1;
    char *p = jm_realloc(sb->cap ? sb->buf : NULL, ncap);
    if (!p) {
        sb->failed = true;
        return JM_ENOMEM;
    }
    if (!sb->cap)
        p[0] = '\0';
    sb->buf = p;
    sb->cap = ncap;
    return JM_OK;
}

jm_status jm_strbuf_add(struct jm_strbuf *sb, const void *data, size_t len)
{
    /*
     * `data` may point into our own buffer (appending a copy of part of it); growing moves the
     * buffer, so remember the offset and find the bytes again afterwards. Integer comparison
     * because comparing pointers into different objects is undefined.
     */
    uintptr_t d = (uintptr_t)data, b = (uintptr_t)sb->buf;
    bool inside = sb->cap && d >= b && d < b + sb->cap;
    size_t off = inside ? (size_t)(d - b) : 0;
    jm_status rc = jm_strbuf_grow(sb, len);
    if (rc)
        return rc;
    if (inside)
        data = sb->buf + off;
    if (len)
        memmove(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
    return JM_OK;
}

jm_status jm_strbuf_addstr(struct jm_strbuf *sb, const char *s)
{
    return jm_strbuf_add(sb, s, strlen(s));
}

jm_status jm_strbuf_addch(struct jm_strbuf *sb, char c)
{
    return jm_strbuf_add(sb, &c, 1);
}

jm_status jm_strbuf_vaddf(struct jm_strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        sb->failed = true;
        return JM_EINVAL;
    }
    jm_status rc = jm_strbuf_grow(sb, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
    return JM_OK;
}

jm_status jm_strbuf_addf(struct jm_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jm_status rc = jm_strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
    return rc;
}

/* The escape for byte `c` in a JSON string, or NULL when it stands for itself. */
static const char *json_escape(unsigned char c, char tmp[7])
{
    static const char hex[] = "0123456789abcdef";
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        if (c >= 0x20 && c != 0x7f)
            return NULL;
        memcpy(tmp, "\\u00", 4);
        tmp[4] = hex[c >> 4];
        tmp[5] = hex[c & 15];
        tmp[6] = '\0';
        return tmp;
    }
}

jm_status jm_strbuf_add_json_string(struct jm_strbuf *sb, const char *s, size_t len)
{
    /* On failure the half-written literal is cut off again: the buffer stays as it was. */
    size_t start = sb->len;
    jm_status rc = jm_strbuf_addch(sb, '"');
    size_t run = 0; /* start of the pending run of bytes that need no escape */
    for (size_t i = 0; i < len && !rc; i++) {
        char tmp[7];
        const char *esc = json_escape((unsigned char)s[i], tmp);
        if (!esc)
            continue;
        rc = jm_strbuf_add(sb, s + run, i - run);
        if (!rc)
            rc = jm_strbuf_addstr(sb, esc);
        run = i + 1;
    }
    if (!rc && run < len)
        rc = jm_strbuf_add(sb, s + run, len - run);
    if (!rc)
        rc = jm_strbuf_addch(sb, '"');
    if (rc && sb->cap) {
        sb->len = start;
        sb->buf[start] = '\0';
    }
    return rc;
}

char *jm_strbuf_detach(struct jm_strbuf *sb, size_t *len)
{
    char *p = sb->cap ? sb->buf : jm_strndup("", 0);
    if (len)
        *len = sb->len;
    jm_strbuf_init(sb, sb->max);
    return p;
}
