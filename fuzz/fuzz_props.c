/*
 * Fuzz target for the properties scanner (jm__props_get, src/journey/props.c). The input is
 * "key NUL json" (no NUL: the whole input is the JSON and the key is "a"). The scanner must
 * never read past the text's end, and what it finds for a string value must be valid to append
 * (the strbuf keeps its invariants, checked by reading it whole).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "journey/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t klen = nul ? (size_t)(nul - data) : 1;
    char *key = jm_strndup(nul ? (const char *)data : "a", klen);
    const uint8_t *json = nul ? nul + 1 : data;
    char *text = jm_strndup((const char *)json, size - (size_t)(json - data));
    if (!key || !text) {
        jm_free(key);
        jm_free(text);
        return 0;
    }
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 1u << 16);
    if (jm__props_get(text, key, &sb) && strlen(sb.buf) > sb.len)
        abort(); /* the buffer must stay NUL-terminated at its length */
    jm_strbuf_release(&sb);
    jm_free(key);
    jm_free(text);
    return 0;
}
