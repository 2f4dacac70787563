/*
 * Drill-down: the units behind a report's numbers. Each function walks the units with the very
 * tests the report used to count them (period, conversion window, population), so the list
 * behind "reached 120" has 120 entries. And the period words shared by the CLI and the API.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analytics/internal.h"

static bool parse_day(const char *s, size_t len, int64_t *out)
{
    struct jm_error err;
    return jm_time_parse(s, len, NULL, out, &err) == JM_OK;
}

bool jm_period_parse(const char *p, int64_t *from, int64_t *to)
{
    const int64_t day = 86400 * (int64_t)JM_US_PER_SEC;
    const char *dots = strstr(p, "..");
    *from = INT64_MIN;
    *to = INT64_MAX;
    if (!dots) {
        size_t n = strlen(p);
        int y, m = 0;
        char tail;
        if ((n == 4 && sscanf(p, "%4d%c", &y, &tail) == 1) ||
            (n == 7 && sscanf(p, "%4d-%2d%c", &y, &m, &tail) == 2)) {
            if (m < 0 || m > 12 || (n == 7 && m == 0))
                return false;
            *from = jm_days_from_civil(y, (unsigned)(m ? m : 1), 1) * day;
            int ny = m ? (m == 12 ? y + 1 : y) : y + 1, nm = m ? (m == 12 ? 1 : m + 1) : 1;
            *to = jm_days_from_civil(ny, (unsigned)nm, 1) * day;
            return true;
        }
        return n && parse_day(p, n, from) && (*to = *from + day, true);
    }
    if (dots > p && !parse_day(p, (size_t)(dots - p), from))
        return false;
    if (dots[2]) {
        if (!parse_day(dots + 2, strlen(dots + 2), to))
            return false;
        *to += day; /* the last day is included */
    }
    return *from < *to;
}

static const char *const DRILL_KEYS[JM_DRILL__COUNT] = {"reached",  "converted", "dropped",
                                                        "in_stage", "stalled",   "silent"};

bool jm_drill_parse(const char *s, enum jm_drill *out)
{
    for (size_t i = 0; i < JM_DRILL__COUNT; i++)
        if (strcmp(s, DRILL_KEYS[i]) == 0) {
            *out = (enum jm_drill)i;
            return true;
        }
    return false;
}

const char *jm_drill_key(enum jm_drill d)
{
    return (unsigned)d < JM_DRILL__COUNT ? DRILL_KEYS[d] : "";
}

/* Whether unit u reached stage s in the period, and whether it converted (funnel rules). */
static bool reached(const struct jm_report *r, size_t u, size_t s, bool *converted)
{
    const struct jm_timelines *tl = r->tl;
    double wd = tl->journey->settings.conversion_window_days;
    int64_t window = wd > 0 ? (int64_t)llround(wd * JM_DAY_US) : 0;
    int64_t reach = jm__reached_at(tl, u, s);
    if (!jm__in_period(&r->opts, reach))
        return false;
    int64_t next = jm__next_later(tl, u, s, reach);
    *converted = next != INT64_MAX && (!window || next - reach <= window);
    return true;
}

/* The idle kind of unit u when it is listed among the idle units; -1 when it is not. */
static int idle_kind(const struct jm_report *r, size_t u)
{
    for (size_t i = 0; i < r->n_idle; i++)
        if (r->idle[i].unit == u)
            return (int)r->idle[i].kind;
    return -1;
}

static bool counts(const struct jm_report *r, size_t u, size_t s, enum jm_drill what)
{
    bool conv = false;
    switch (what) {
    case JM_DRILL_REACHED:
        return reached(r, u, s, &conv);
    case JM_DRILL_CONVERTED:
        return reached(r, u, s, &conv) && conv;
    case JM_DRILL_DROPPED:
        return reached(r, u, s, &conv) && !conv;
    case JM_DRILL_IN_STAGE:
        return jm__current_stage(r->tl, u) == s;
    case JM_DRILL_STALLED:
        return jm__current_stage(r->tl, u) == s && idle_kind(r, u) == JM_IDLE_STALLED;
    case JM_DRILL_SILENT:
        return jm__current_stage(r->tl, u) == s && idle_kind(r, u) == JM_IDLE_SILENT;
    default:
        return false;
    }
}

uint64_t jm_report_drill(const struct jm_report *r, size_t stage, enum jm_drill what, uint8_t *in)
{
    uint64_t n = 0;
    for (size_t u = 0; u < r->tl->n_units; u++) {
        in[u] = stage < r->tl->n_stages && jm__unit_in(r, u) && counts(r, u, stage, what);
        n += in[u];
    }
    return n;
}

/* Droppers of stage s whose last touch was touchpoint `tp` (the break point's test). */
static bool last_touch_dropper(const struct jm_report *r, size_t u, size_t s, const char *tp)
{
    const struct jm_timelines *tl = r->tl;
    int64_t t = jm__reached_at(tl, u, s);
    if (!jm__in_period(&r->opts, t) || jm__next_later(tl, u, s, t) != INT64_MAX ||
        tl->last_event[u] == JM_NONE)
        return false;
    const struct jm_store *st = jm_dataset_store(tl->ds);
    uint16_t id = jm_store_columns(st)->touchpoint[tl->last_event[u]];
    return strcmp(jm_store_text(st, JM_STORE_TOUCHPOINT, id, NULL), tp ? tp : "") == 0;
}

/* Entered stage s in the period without DMU role `role` engaged there. */
static bool missing_role(const struct jm_report *r, size_t u, size_t s, const char *role)
{
    const struct jm_timelines *tl = r->tl;
    int bit = role ? jm_timelines_role(tl, role) : -1;
    size_t i = u * tl->n_stages + s;
    return bit >= 0 && jm__in_period(&r->opts, tl->entered[i]) && !((tl->roles[i] >> bit) & 1);
}

uint64_t jm_report_drill_break(const struct jm_report *r, const struct jm_break_point *b,
                               uint8_t *in)
{
    uint64_t n = 0;
    for (size_t u = 0; u < r->tl->n_units; u++) {
        bool yes = false, conv = false;
        if (!jm__unit_in(r, u) || b->stage >= r->tl->n_stages) {
            in[u] = 0;
            continue;
        }
        switch (b->kind) {
        case JM_BREAK_DROP:
            yes = reached(r, u, b->stage, &conv) && !conv;
            break;
        case JM_BREAK_KPI:
            yes = reached(r, u, b->stage, &conv);
            break;
        case JM_BREAK_LAST_TOUCH:
            yes = last_touch_dropper(r, u, b->stage, b->what);
            break;
        case JM_BREAK_DMU:
            yes = missing_role(r, u, b->stage, b->what);
            break;
        case JM_BREAK_STALL:
            yes = jm__current_stage(r->tl, u) == b->stage && idle_kind(r, u) >= 0;
            break;
        }
        in[u] = yes;
        n += yes;
    }
    return n;
}

uint64_t jm_report_drill_touchpoint(const struct jm_report *r, const char *tp, size_t stage,
                                    uint8_t *in)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_store *st = jm_dataset_store(tl->ds);
    const struct jm_store_columns *col = jm_store_columns(st);
    int64_t id = jm_store_lookup(st, JM_STORE_TOUCHPOINT, tp, strlen(tp));
    uint64_t n = 0;
    memset(in, 0, tl->n_units);
    for (size_t a = 0; id >= 0 && a <= col->n_accounts; a++) {
        size_t b, e;
        jm_store_account_slice(st, a, &b, &e);
        for (size_t i = b; i < e; i++) {
            if (col->touchpoint[i] != id || !jm__in_period(&r->opts, col->time_us[i]))
                continue;
            uint32_t u = jm__event_unit(tl, a, i);
            if (!jm__unit_in(r, u) || u >= tl->n_units || in[u])
                continue;
            uint16_t s = jm_timelines_stage_at(tl, u, col->time_us[i]);
            if (s == JM_NO_STAGE || (stage != JM_NONE && s != stage))
                continue;
            in[u] = 1;
            n++;
        }
    }
    return n;
}
