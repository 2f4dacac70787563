/*
 * Escaping for the SVG and HTML renderers, and the sticky-status writer they draw with.
 *
 * Every byte of user text reaches the output through jm__out_text() or jm__out_attr(), which
 * run it through one cleaner first:
 *
 *   bytes --> decode (bad UTF-8 -> U+FFFD, one per bad byte)
 *         --> drop C0/C1 controls except \n and \t, map U+FFFE/U+FFFF to U+FFFD
 *         --> escape & < > " ' as entities (attributes also turn \n and \t into spaces)
 *
 * Escaping all five characters in text and attributes alike means one rule serves both
 * contexts, and "]]>", "<script", `" onload=` can never appear raw. The result is valid UTF-8
 * made only of characters XML 1.0 allows, so librsvg's strict parser accepts it too.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

/* ---------------------------------------------------------------- utf-8 */

size_t jm__utf8_next(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[0];
    size_t n;
    uint32_t v;
    unsigned lo = 0x80, hi = 0xbf;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        v = c & 0x0f;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        v = c & 0x07;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf; /* nothing past U+10FFFF */
    } else {
        goto bad;
    }
    if (len <= n || s[1] < lo || s[1] > hi)
        goto bad;
    for (size_t k = 1; k <= n; k++) {
        if ((s[k] & 0xc0) != 0x80)
            goto bad;
        v = v << 6 | (s[k] & 0x3fu);
    }
    *cp = v;
    return n + 1;
bad:
    *cp = 0xfffd;
    return 1;
}

/* True for code points the output must not carry: controls (but \n, \t) and noncharacters. */
static bool dropped(uint32_t cp)
{
    if (cp == '\n' || cp == '\t')
        return false;
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

static void put_cp(char *buf, uint32_t cp, size_t *n)
{
    if (cp < 0x80) {
        buf[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        buf[(*n)++] = (char)(0xc0 | cp >> 6);
        buf[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        buf[(*n)++] = (char)(0xe0 | cp >> 12);
        buf[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3f));
    } else {
        buf[(*n)++] = (char)(0xf0 | cp >> 18);
        buf[(*n)++] = (char)(0x80 | (cp >> 12 & 0x3f));
        buf[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3f));
    }
}

/*
 * The one loop behind cleaning and escaping. Clean runs are copied in one piece, so ASCII and
 * well-formed Vietnamese pass through byte for byte.
 */
static jm_status emit(struct jm_strbuf *sb, const char *s, size_t len, bool escape, bool attr)
{
    size_t i = 0, run = 0;
    jm_status rc = JM_OK;
    while (i < len && !rc) {
        uint32_t cp;
        size_t n = jm__utf8_next(s + i, len - i, &cp);
        const char *rep = NULL;
        char tmp[8];
        size_t tn = 0;
        if (cp == 0xfffd && n == 1) {
            put_cp(tmp, 0xfffd, &tn); /* a bad byte, not a real U+FFFD (that is 3 bytes) */
        } else if (cp == 0xfffe || cp == 0xffff) {
            put_cp(tmp, 0xfffd, &tn);
        } else if (dropped(cp)) {
            rep = "";
        } else if (escape) {
            switch (cp) {
            case '&':
                rep = "&amp;";
                break;
            case '<':
                rep = "&lt;";
                break;
            case '>':
                rep = "&gt;";
                break;
            case '"':
                rep = "&quot;";
                break;
            case '\'':
                rep = "&#39;";
                break;
            case '\n':
            case '\t':
                rep = attr ? " " : NULL;
                break;
            default:
                break;
            }
        }
        if (!rep && !tn) {
            i += n;
            continue;
        }
        if (i > run)
            rc = jm_strbuf_add(sb, s + run, i - run);
        if (!rc)
            rc = rep ? jm_strbuf_addstr(sb, rep) : jm_strbuf_add(sb, tmp, tn);
        i += n;
        run = i;
    }
    if (!rc && len > run)
        rc = jm_strbuf_add(sb, s + run, len - run);
    return rc;
}

jm_status jm__text_clean(struct jm_strbuf *sb, const char *s, size_t len)
{
    return emit(sb, s, len, false, false);
}

jm_status jm__xml_escape(struct jm_strbuf *sb, const char *s, size_t len, bool attr)
{
    return emit(sb, s, len, true, attr);
}

/* ---------------------------------------------------------------- the writer */

void jm__out_mem(struct jm__out *o, const char *s, size_t len)
{
    if (!o->rc && len)
        o->rc = jm_strbuf_add(o->sb, s, len);
}

void jm__out_raw(struct jm__out *o, const char *s)
{
    if (s)
        jm__out_mem(o, s, strlen(s));
}

void jm__out_f(struct jm__out *o, const char *fmt, ...)
{
    if (o->rc)
        return;
    va_list ap;
    va_start(ap, fmt);
    o->rc = jm_strbuf_vaddf(o->sb, fmt, ap);
    va_end(ap);
}

void jm__out_textn(struct jm__out *o, const char *s, size_t len)
{
    if (!o->rc && s && len)
        o->rc = jm__xml_escape(o->sb, s, len, false);
}

void jm__out_text(struct jm__out *o, const char *s)
{
    if (s)
        jm__out_textn(o, s, strlen(s));
}

void jm__out_attr(struct jm__out *o, const char *s)
{
    if (!o->rc && s && *s)
        o->rc = jm__xml_escape(o->sb, s, strlen(s), true);
}

void jm__out_num(struct jm__out *o, double x)
{
    /* Two decimals are finer than any screen or printer, and a fixed form keeps "1e-07" and
     * "nan" (which would break the SVG) out of coordinates. */
    if (!(x == x) || x > 1e7 || x < -1e7)
        x = 0;
    char buf[40];
    int n = snprintf(buf, sizeof(buf), "%.2f", x);
    while (n > 0 && buf[n - 1] == '0')
        n--;
    if (n > 0 && buf[n - 1] == '.')
        n--;
    if (n == 2 && buf[0] == '-' && buf[1] == '0') { /* -0 */
        buf[0] = '0';
        n = 1;
    }
    jm__out_mem(o, buf, (size_t)n);
}
