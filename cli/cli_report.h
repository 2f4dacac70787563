/*
 * Writing an analysis report to stdout: text for people, JSON and CSV for tools.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_CLI_REPORT_H
#define JM_CLI_REPORT_H

#include "journeymap/analytics.h"

int cli_report_text(const struct jm_report *r, enum jm_lang lang);
int cli_report_json(const struct jm_report *r, enum jm_lang lang);
/* `table`: funnel, transitions, deals, kpis, breaks or idle. */
int cli_report_csv(const struct jm_report *r, const char *table, enum jm_lang lang);

/* The timeline of the unit with text id `id` (exit 3 when there is none). */
int cli_report_timeline(const struct jm_timelines *tl, const char *id, enum jm_lang lang);

#endif
