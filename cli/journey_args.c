/*
 * Options the commands that apply a journey share (analyze, map): which journey, the period,
 * a segment, and checking a word against its choices.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "journeymap/define.h"

static bool parse_day(const char *s, size_t len, int64_t *out)
{
    struct jm_error err;
    return jm_time_parse(s, len, NULL, out, &err) == JM_OK;
}

/* "2024", "2024-03", "FROM..TO" -> [from, to). */
bool cli_parse_period(const char *p, int64_t *from, int64_t *to)
{
    const int64_t day = 86400 * (int64_t)JM_US_PER_SEC;
    const char *dots = strstr(p, "..");
    *from = INT64_MIN;
    *to = INT64_MAX;
    if (!dots) {
        size_t n = strlen(p);
        int y, m = 0;
        if ((n == 4 && sscanf(p, "%4d", &y) == 1) ||
            (n == 7 && sscanf(p, "%4d-%2d", &y, &m) == 2)) {
            if (m < 0 || m > 12)
                return false;
            *from = jm_days_from_civil(y, (unsigned)(m ? m : 1), 1) * day;
            int ny = m ? (m == 12 ? y + 1 : y) : y + 1, nm = m ? (m == 12 ? 1 : m + 1) : 1;
            *to = jm_days_from_civil(ny, (unsigned)nm, 1) * day;
            return true;
        }
        return parse_day(p, n, from) && (*to = *from + day, true);
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

int cli_load_journey(const char *tpl, const char *file, const char *level, struct jm_journey **j)
{
    struct jm_error err = {0};
    jm_status rc = tpl ? jm_template_load(tpl, j, &err) : jm_journey_load(file, j, &err);
    if (rc)
        return cli_fail(rc, &err);
    if (level)
        (*j)->settings.level = strcmp(level, "contact") == 0 ? JM_LEVEL_CONTACT : JM_LEVEL_ACCOUNT;
    return JM_EXIT_OK;
}

int cli_check_choice(const char *cmd, const char *what, const char *v, const char *const *ok)
{
    char list[160] = "";
    for (size_t i = 0; ok[i]; i++) {
        if (strcmp(v, ok[i]) == 0)
            return 0;
        size_t n = strlen(list);
        snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "", ok[i]);
    }
    return cli_usage_error(cmd, "%s must be one of %s, not '%s'", what, list, v);
}

bool cli_parse_segment(char *arg, const char **path, const char **value)
{
    char *eq = strchr(arg, '=');
    if (!eq || eq == arg)
        return false;
    *eq = '\0';
    *path = arg;
    *value = eq + 1;
    return true;
}
