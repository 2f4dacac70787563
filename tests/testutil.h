/*
 * Helpers shared by the unit tests: paths from the environment, temporary directories that
 * clean themselves up, and file helpers.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_TESTUTIL_H
#define JM_TESTUTIL_H

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>

/* $JM_SOURCE_DIR, $JM_SHARED_DIR: the checkout and ../shared. */
const char *jm_test_source_dir(void);
const char *jm_test_shared_dir(void);
/* Makes a fresh empty directory under $TMPDIR and returns its path (static storage). */
const char *jm_test_tmpdir(void);
/* Writes `data` to `dir/name` and returns the full path (static buffer, rotating 8 slots). */
const char *jm_test_write_file(const char *dir, const char *name, const char *data);
/* Joins two path parts into a rotating static buffer. */
const char *jm_test_path(const char *dir, const char *name);
/* Removes a directory tree (for teardown). */
void jm_test_rmtree(const char *dir);

#endif
