/*
 * Options the commands that apply a journey share (analyze, map): which journey, the period,
 * a segment, and checking a word against its choices.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "journeymap/analytics.h"
#include "journeymap/define.h"

/* The library's period words, so the CLI and the API read them alike. */
bool cli_parse_period(const char *p, int64_t *from, int64_t *to)
{
    return jm_period_parse(p, from, to);
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
