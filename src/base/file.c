/*
 * Whole-file reads for small inputs (mappings, journey definitions), with a size ceiling so a
 * wrong path to a huge file fails fast instead of eating memory.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/internal.h"

jm_status jm__read_file(const char *path, size_t max, char **out, size_t *len, struct jm_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return jm_error_set(err, errno == ENOENT ? JM_ENOTFOUND : JM_EIO, "cannot open '%s': %s",
                            path, strerror(errno));
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, max);
    char chunk[16384];
    size_t n;
    jm_status rc = JM_OK;
    while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = jm_strbuf_add(&sb, chunk, n);
    if (!rc && ferror(f))
        rc = jm_error_set(err, JM_EIO, "cannot read '%s': %s", path, strerror(errno));
    else if (rc == JM_ELIMIT)
        jm_error_set(err, rc, "'%s' is larger than %zu bytes", path, max);
    else if (rc)
        jm_error_set(err, rc, "out of memory reading '%s'", path);
    fclose(f);
    if (rc) {
        jm_strbuf_release(&sb);
        return rc;
    }
    *out = jm_strbuf_detach(&sb, len);
    return *out ? JM_OK : jm_error_set(err, JM_ENOMEM, "out of memory");
}
