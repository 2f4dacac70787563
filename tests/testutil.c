/*
 * Test helpers (testutil.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

const char *jm_test_source_dir(void)
{
    const char *d = getenv("JM_SOURCE_DIR");
    return d ? d : ".";
}

const char *jm_test_shared_dir(void)
{
    const char *d = getenv("JM_SHARED_DIR");
    return d ? d : "../shared";
}

const char *jm_test_path(const char *dir, const char *name)
{
    static char bufs[8][4096];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
    return b;
}

const char *jm_test_tmpdir(void)
{
    static char path[4096];
    const char *base = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/jmtest.XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(path)) {
        perror("mkdtemp");
        abort();
    }
    return path;
}

const char *jm_test_write_file(const char *dir, const char *name, const char *data)
{
    const char *p = jm_test_path(dir, name);
    FILE *f = fopen(p, "wb");
    if (!f) {
        perror(p);
        abort();
    }
    fwrite(data, 1, strlen(data), f);
    fclose(f);
    return p;
}

void jm_test_rmtree(const char *dir)
{
    if (!dir || strncmp(dir, "/tmp/", 5) != 0)
        return; /* never remove anything outside the temporary area */
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}
