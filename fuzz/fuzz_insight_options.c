/*
 * Fuzz target for the words the insights take from the CLI and the API: jm_voice_parse_sla()
 * ("urgent=1/8"), jm_attr_model_parse(), jm_insight_dim_parse() and jm_period_parse(). The input
 * is lines; each line (up to a NUL, if any) goes to all four. A broken invariant aborts, which
 * libFuzzer and the replay test report:
 *
 *   sla     parsed: exactly one priority's target set, both hours finite, 0 .. a century, and
 *           writing it back as "priority=F/R" (%.17g) parses to the very same target;
 *           refused: no target touched, JM_EINVAL with a message quoting the line (whole UTF-8
 *           when the line is)
 *   model   parsed: a model whose key parses back to it and which has a name in each language;
 *           refused: the output untouched
 *   dim     parsed: exact, so the line is the dimension's key; refused: the output untouched
 *   period  parsed: from < to; when both ends are whole days (or open), "FROM..TO" of their
 *           dates parses back to the same period
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journeymap/insights.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CENTURY_HOURS 876000.0 /* the longest target jm_voice_compute() accepts */

static bool hours_ok(double h)
{
    return isfinite(h) && h >= 0 && h <= CENTURY_HOURS;
}

/* The priority whose target is no longer NAN, or -1 when none is; aborts when two are. */
static int set_priority(const struct jm_voice_opts *o)
{
    int p = -1;
    for (int i = 0; i < JM_PRIO__COUNT; i++) {
        if (isnan(o->sla[i].first_response_hours) && isnan(o->sla[i].resolution_hours))
            continue;
        if (p >= 0)
            abort();
        p = i;
    }
    return p;
}

static void check_sla(const char *line)
{
    static const char *const PRIO[JM_PRIO__COUNT] = {"low", "normal", "high", "urgent"};
    struct jm_voice_opts o;
    jm_voice_defaults(&o);
    for (int i = 0; i < JM_PRIO__COUNT; i++) /* NAN marks what the parser did not write */
        o.sla[i] = (struct jm_sla_target){NAN, NAN};
    struct jm_error err;
    jm_error_clear(&err);
    if (!jm_voice_parse_sla(&o, line, &err)) {
        bool valid = jm_utf8_valid(line, strlen(line), NULL);
        if (set_priority(&o) >= 0 || err.code != JM_EINVAL || strncmp(err.msg, "sla '", 5) != 0 ||
            (valid && !jm_utf8_valid(err.msg, strlen(err.msg), NULL)))
            abort();
        return;
    }
    int p = set_priority(&o);
    if (p < 0)
        abort();
    struct jm_sla_target t = o.sla[p];
    if (!hours_ok(t.first_response_hours) || !hours_ok(t.resolution_hours))
        abort();
    char again[96];
    snprintf(again, sizeof(again), "%s=%.17g/%.17g", PRIO[p], t.first_response_hours,
             t.resolution_hours);
    o.sla[p] = (struct jm_sla_target){NAN, NAN};
    if (!jm_voice_parse_sla(&o, again, &err) || set_priority(&o) != p ||
        o.sla[p].first_response_hours != t.first_response_hours ||
        o.sla[p].resolution_hours != t.resolution_hours)
        abort();
}

static void check_model(const char *line)
{
    enum jm_attr_model m = JM_ATTR__COUNT, back = JM_ATTR__COUNT;
    if (!jm_attr_model_parse(line, &m)) {
        if (m != JM_ATTR__COUNT)
            abort();
        return;
    }
    if ((unsigned)m >= JM_ATTR__COUNT || !jm_attr_model_parse(jm_attr_model_key(m), &back) ||
        back != m || !*jm_attr_model_name(m, JM_LANG_EN) || !*jm_attr_model_name(m, JM_LANG_VI))
        abort();
}

static void check_dim(const char *line)
{
    enum jm_insight_dim d = JM_DIM__COUNT;
    if (!jm_insight_dim_parse(line, &d)) {
        if (d != JM_DIM__COUNT)
            abort();
        return;
    }
    if ((unsigned)d >= JM_DIM__COUNT || strcmp(line, jm_insight_dim_key(d)) != 0)
        abort();
}

/* "YYYY-MM-DD" of the day starting at `us` into buf, or false when `us` is not a day's start or
 * its year prints with a sign (outside 0000-9999, which the parser does not read back). */
static bool day_text(int64_t us, char *buf, size_t cap)
{
    if (us % JM_US_PER_DAY != 0)
        return false;
    jm_time_format(us, true, buf, cap);
    return buf[0] != '-' && buf[0] != '+';
}

static void check_period(const char *line)
{
    int64_t from = 0, to = 0;
    if (!jm_period_parse(line, &from, &to))
        return;
    if (from >= to)
        abort();
    char f[40] = "", t[40] = "", again[96];
    if ((from != INT64_MIN && !day_text(from, f, sizeof(f))) ||
        (to != INT64_MAX &&
         (to < INT64_MIN + JM_US_PER_DAY || !day_text(to - JM_US_PER_DAY, t, sizeof(t)))))
        return; /* a time of day, or a year out of print: no round trip */
    snprintf(again, sizeof(again), "%s..%s", f, t);
    int64_t from2 = 0, to2 = 0;
    if (!jm_period_parse(again, &from2, &to2) || from2 != from || to2 != to)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    for (size_t start = 0; start <= size;) {
        char *nl = memchr(buf + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - buf) : size;
        buf[end] = '\0'; /* the parsers read the line up to here, or to a NUL in it */
        check_sla(buf + start);
        check_model(buf + start);
        check_dim(buf + start);
        check_period(buf + start);
        start = end + 1;
    }
    free(buf);
    return 0;
}
