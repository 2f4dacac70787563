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
    if (extra > max || sb->len > max - extra)
        return JM_ELIMIT;
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return JM_OK;
    size_t ncap = sb->cap ? sb->cap : 64;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (ncap > max + 1)
        ncap = max + 1;
    char *p = jm_realloc(sb->cap ? sb->buf : NULL, ncap);
    if (!p)
        return JM_ENOMEM;
    if (!sb->cap)
        p[0] = '\0';
    sb->buf = p;
    sb->cap = ncap;
    return JM_OK;
}

jm_status jm_strbuf_add(struct jm_strbuf *sb, const void *data, size_t len)
{
    jm_status rc = jm_strbuf_grow(sb, len);
    if (rc)
        return rc;
    if (len)
        memcpy(sb->buf + sb->len, data, len);
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
    if (n < 0)
        return JM_EINVAL;
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

jm_status jm_strbuf_add_json_string(struct jm_strbuf *sb, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    jm_status rc = jm_strbuf_addch(sb, '"');
    for (size_t i = 0; i < len && !rc; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[7] = {'\\', 0};
        switch (c) {
        case '"':
        case '\\':
            esc[1] = (char)c;
            rc = jm_strbuf_add(sb, esc, 2);
            break;
        case '\n':
            rc = jm_strbuf_add(sb, "\\n", 2);
            break;
        case '\r':
            rc = jm_strbuf_add(sb, "\\r", 2);
            break;
        case '\t':
            rc = jm_strbuf_add(sb, "\\t", 2);
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                rc = jm_strbuf_add(sb, esc, 6);
            } else {
                rc = jm_strbuf_addch(sb, (char)c);
            }
        }
    }
    return rc ? rc : jm_strbuf_addch(sb, '"');
}

char *jm_strbuf_detach(struct jm_strbuf *sb, size_t *len)
{
    char *p = sb->cap ? sb->buf : jm_strndup("", 0);
    if (len)
        *len = sb->len;
    jm_strbuf_init(sb, sb->max);
    return p;
}
