/*
 * The two halves of the voice of the customer: voice.c reads the survey answers, voice_sla.c
 * the tickets against their SLA targets and what breaches go with. This is what they pass.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_INSIGHTS_VOICE_SLA_H
#define JM_INSIGHTS_VOICE_SLA_H

#include "insights/internal.h"

/* One survey answer of the report's population and period. */
struct jm__answer {
    uint32_t unit, row;
    int64_t time;
    enum jm_survey_kind kind;
    double score;
    uint32_t touch; /* store index of the unit's last event within touch_days, or JM_NONE */
};

/*
 * Fills v->sla (tickets opened in the period by the population) and v->breach, whose NPS
 * sides come from the NPS answers among `a[0..n)` (any order). v->opts is set.
 * Returns JM_OK or JM_ENOMEM.
 */
jm_status jm__voice_sla(const struct jm_report *r, struct jm_voice *v, const struct jm__answer *a,
                        size_t n);

#endif /* JM_INSIGHTS_VOICE_SLA_H */
