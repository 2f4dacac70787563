/*
 * JSON for ingest: jansson parses the body, and the result is copied at once into our own tree
 * (internal.h) in the batch's arena, so jansson's objects live only for the duration of the
 * parse and nothing else in src/ingest/ sees a jansson type.
 *
 * jansson already refuses what a tracking endpoint must refuse: invalid UTF-8, NUL bytes in
 * strings ("\u0000"), integers that do not fit 64 bits, and nesting past its depth limit (2048),
 * all with a line and column. The copy recurses as deep as jansson accepted, which is bounded.
 *
 * The allocator is left as it is: jm_free is free(), so memory allocated by whichever of
 * jansson's allocators is current is freed correctly by the other (import/jsonl.c sets it).
 *
 * SPDX-License-Identifier: MIT
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "ingest/internal.h"

static jm_status copy(json_t *src, struct jm__jv *dst, struct jm_arena *a);

static jm_status copy_array(json_t *src, struct jm__jv *dst, struct jm_arena *a)
{
    size_t n = json_array_size(src), bytes;
    if (!jm_size_mul(n ? n : 1, sizeof(*dst->item), &bytes))
        return JM_ENOMEM;
    dst->item = jm_arena_alloc(a, bytes);
    if (!dst->item)
        return JM_ENOMEM;
    dst->n = n;
    for (size_t i = 0; i < n; i++) {
        jm_status rc = copy(json_array_get(src, i), &dst->item[i], a);
        if (rc)
            return rc;
    }
    return JM_OK;
}

static jm_status copy_object(json_t *src, struct jm__jv *dst, struct jm_arena *a)
{
    size_t n = json_object_size(src), bytes, kbytes;
    if (!jm_size_mul(n ? n : 1, sizeof(*dst->item), &bytes) ||
        !jm_size_mul(n ? n : 1, sizeof(*dst->key), &kbytes))
        return JM_ENOMEM;
    dst->item = jm_arena_alloc(a, bytes);
    dst->key = jm_arena_alloc(a, kbytes);
    if (!dst->item || !dst->key)
        return JM_ENOMEM;
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(src, k, v)
    {
        if (i == n)
            break;
        dst->key[i] = jm_arena_strdup(a, k);
        if (!dst->key[i])
            return JM_ENOMEM;
        jm_status rc = copy(v, &dst->item[i], a);
        if (rc)
            return rc;
        i++;
    }
    dst->n = i;
    return JM_OK;
}

static jm_status copy(json_t *src, struct jm__jv *dst, struct jm_arena *a)
{
    memset(dst, 0, sizeof(*dst));
    switch (json_typeof(src)) {
    case JSON_OBJECT:
        dst->type = JM_J_OBJECT;
        return copy_object(src, dst, a);
    case JSON_ARRAY:
        dst->type = JM_J_ARRAY;
        return copy_array(src, dst, a);
    case JSON_STRING:
        dst->type = JM_J_STRING;
        dst->len = json_string_length(src);
        dst->s = jm_arena_strndup(a, json_string_value(src), dst->len);
        return dst->s ? JM_OK : JM_ENOMEM;
    case JSON_INTEGER:
        dst->type = JM_J_INT;
        dst->i = json_integer_value(src);
        dst->r = (double)dst->i;
        return JM_OK;
    case JSON_REAL:
        dst->type = JM_J_REAL;
        dst->r = json_real_value(src);
        return JM_OK;
    case JSON_TRUE:
        dst->type = JM_J_TRUE;
        return JM_OK;
    case JSON_FALSE:
        dst->type = JM_J_FALSE;
        return JM_OK;
    case JSON_NULL:
        dst->type = JM_J_NULL;
        return JM_OK;
    }
    return JM_EINVAL;
}

jm_status jm__json_parse(const char *text, size_t len, struct jm_arena *a, struct jm__jv **out,
                         struct jm_error *err)
{
    json_error_t je;
    *out = NULL;
    json_t *root = json_loadb(text, len, JSON_DECODE_ANY, &je);
    if (!root)
        return jm_error_set(err, JM_EPARSE, "line %d, column %d: %s", je.line, je.column,
                            je.text[0] ? je.text : "not JSON");
    struct jm__jv *v = jm_arena_alloc(a, sizeof(*v));
    jm_status rc = v ? copy(root, v, a) : JM_ENOMEM;
    json_decref(root);
    if (rc)
        return jm_error_set(err, rc, "out of memory");
    *out = v;
    return JM_OK;
}

/* The shortest %.Ng that reads back as the same double, as import/jsonl.c writes numbers. */
static jm_status add_real(struct jm_strbuf *sb, double v)
{
    char buf[40];
    jm_format_double(v, buf, sizeof(buf));
    return jm_strbuf_addstr(sb, buf);
}

jm_status jm__json_write(const struct jm__jv *v, struct jm_strbuf *sb)
{
    jm_status rc = JM_OK;
    switch (v->type) {
    case JM_J_NULL:
        return jm_strbuf_addstr(sb, "null");
    case JM_J_FALSE:
        return jm_strbuf_addstr(sb, "false");
    case JM_J_TRUE:
        return jm_strbuf_addstr(sb, "true");
    case JM_J_INT:
        return jm_strbuf_addf(sb, "%lld", (long long)v->i);
    case JM_J_REAL:
        return add_real(sb, v->r);
    case JM_J_STRING:
        return jm_strbuf_add_json_string(sb, v->s, v->len);
    case JM_J_ARRAY:
    case JM_J_OBJECT:
        rc = jm_strbuf_addch(sb, v->type == JM_J_ARRAY ? '[' : '{');
        for (size_t i = 0; i < v->n && !rc; i++) {
            if (i)
                rc = jm_strbuf_addch(sb, ',');
            if (!rc && v->type == JM_J_OBJECT)
                rc = jm_strbuf_add_json_string(sb, v->key[i], strlen(v->key[i]));
            if (!rc && v->type == JM_J_OBJECT)
                rc = jm_strbuf_addch(sb, ':');
            if (!rc)
                rc = jm__json_write(&v->item[i], sb);
        }
        return rc ? rc : jm_strbuf_addch(sb, v->type == JM_J_ARRAY ? ']' : '}');
    }
    return JM_EINVAL;
}

const struct jm__jv *jm__json_get(const struct jm__jv *v, const char *key)
{
    if (!v || v->type != JM_J_OBJECT)
        return NULL;
    /* The last of repeated keys wins, as in jansson (and JavaScript). */
    for (size_t i = v->n; i-- > 0;)
        if (strcmp(v->key[i], key) == 0)
            return &v->item[i];
    return NULL;
}
