/*
 * Fuzz target for jm_time_parse(). The input is "format NUL text" (no NUL: the whole input is
 * text in auto mode). Whatever parses must survive a round trip: jm_time_format() writes it as
 * ISO-8601, auto mode reads that back, and the two times must be equal (to the day for the
 * date-only form). A mismatch aborts, which libFuzzer and the replay test report.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "journeymap/base.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Formats `us` and parses it back in auto mode; aborts unless that gives `us` again (its
 * midnight for the date-only form).
 */
static void check_round_trip(int64_t us, bool date_only)
{
    char buf[40];
    jm_time_format(us, date_only, buf, sizeof(buf));
    /* Years outside 0000-9999 print with a sign, which ISO auto mode does not read. */
    if (buf[0] == '-' || buf[0] == '+')
        return;
    int64_t want = us, r = us % JM_US_PER_DAY;
    if (date_only)
        want -= r < 0 ? r + JM_US_PER_DAY : r; /* no overflow: the year is 0000-9999 */
    int64_t back = 0;
    struct jm_error err;
    if (jm_time_parse(buf, strlen(buf), NULL, &back, &err) != JM_OK || back != want)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    char *format = NULL;
    const char *text = (const char *)data;
    size_t len = size;
    if (nul) {
        size_t flen = (size_t)(nul - data);
        format = malloc(flen + 1);
        if (!format)
            return 0;
        memcpy(format, data, flen);
        format[flen] = '\0';
        text = (const char *)nul + 1;
        len = size - flen - 1;
    }
    int64_t us = 0;
    struct jm_error err;
    if (jm_time_parse(text, len, format, &us, &err) == JM_OK) {
        check_round_trip(us, false);
        check_round_trip(us, true);
    } else {
        /* Failures are always EPARSE, and quote the input without breaking its UTF-8. */
        bool valid_in = jm_utf8_valid(text, len, NULL) &&
                        (!format || jm_utf8_valid(format, strlen(format), NULL));
        if (err.code != JM_EPARSE || (valid_in && !jm_utf8_valid(err.msg, strlen(err.msg), NULL)))
            abort();
    }
    free(format);
    return 0;
}
