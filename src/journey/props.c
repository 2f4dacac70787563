/*
 * Reading one top-level value out of a properties object. Properties are stored as compact
 * JSON objects written by our own importers, but they are read here as untrusted bytes: the
 * scanner never reads past the terminating NUL, gives up on anything it does not understand,
 * and has a fuzz target (fuzz/fuzz_props.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "journey/internal.h"

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Appends code point `cp` as UTF-8. */
static void add_utf8(struct jm_strbuf *sb, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    jm_strbuf_add(sb, b, n);
}

/* Reads a string starting after its opening quote; returns the byte after the closing quote,
 * or NULL. With `sb` NULL it only skips. */
static const char *string(const char *p, struct jm_strbuf *sb)
{
    for (;;) {
        char c = *p++;
        if (c == '"')
            return p;
        if (!c || (unsigned char)c < 0x20)
            return NULL;
        if (c != '\\') {
            if (sb)
                jm_strbuf_addch(sb, c);
            continue;
        }
        c = *p++;
        const char *esc = strchr("\"\\/bfnrt", c);
        if (c && esc) {
            if (sb)
                jm_strbuf_addch(sb, "\"\\/\b\f\n\r\t"[esc - "\"\\/bfnrt"]);
            continue;
        }
        if (c != 'u')
            return NULL;
        unsigned cp = 0;
        for (int k = 0; k < 4; k++) {
            int h = hex(p[k]);
            if (h < 0)
                return NULL;
            cp = cp * 16 + (unsigned)h;
        }
        p += 4;
        if (sb)
            add_utf8(sb, cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp);
    }
}

/* Skips one value (nested objects and arrays by depth); NULL when malformed. */
static const char *skip_value(const char *p)
{
    int depth = 0;
    do {
        p = skip_ws(p);
        if (*p == '"') {
            p = string(p + 1, NULL);
            if (!p)
                return NULL;
        } else if (*p == '{' || *p == '[') {
            depth++;
            p++;
        } else if (*p == '}' || *p == ']') {
            if (--depth < 0)
                return NULL;
            p++;
        } else if (*p == ',' || *p == ':') {
            if (!depth)
                return NULL;
            p++;
        } else if (*p) {
            while (*p && !strchr(",:}] \t\r\n", *p))
                p++;
        } else {
            return NULL;
        }
        if (depth)
            p = skip_ws(p);
    } while (depth > 0 && *p);
    return depth ? NULL : p;
}

bool jm__props_get(const char *json, const char *key, struct jm_strbuf *sb)
{
    const char *p = skip_ws(json);
    if (*p++ != '{')
        return false;
    struct jm_strbuf k;
    jm_strbuf_init(&k, 1u << 16);
    bool found = false;
    for (;;) {
        p = skip_ws(p);
        if (*p != '"')
            break;
        jm_strbuf_reset(&k);
        p = string(p + 1, &k);
        if (!p)
            break;
        p = skip_ws(p);
        if (*p++ != ':')
            break;
        p = skip_ws(p);
        bool match = k.len == strlen(key) && memcmp(k.buf, key, k.len) == 0;
        const char *v = p;
        if (match && *v == '"') {
            found = string(v + 1, sb) != NULL;
            break;
        }
        p = skip_value(v);
        if (!p)
            break;
        if (match) { /* numbers, booleans, objects: their JSON text */
            if (strncmp(v, "null", 4) != 0)
                jm_strbuf_add(sb, v, (size_t)(p - v));
            found = true;
            break;
        }
        p = skip_ws(p);
        if (*p++ != ',')
            break;
    }
    jm_strbuf_release(&k);
    return found;
}
