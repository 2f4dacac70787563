/*
 * Shared pieces of the analytics: the report under construction and helpers on a unit's moves.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_ANALYTICS_INTERNAL_H
#define JM_ANALYTICS_INTERNAL_H

#include "journey/internal.h"
#include "journeymap/analytics.h"

#define JM_DAY_US 86400000000.0

/* A growable list of doubles. */
struct jm_dvec {
    double *v;
    size_t n, cap;
};
jm_status jm__dvec_push(struct jm_dvec *d, double x);

static inline bool jm__in_period(const struct jm_analysis_options *o, int64_t t)
{
    return t != INT64_MAX && t >= o->from && t < o->to;
}

/* Whether unit u (JM_NONE: none) is in the report's population (the filter). */
static inline bool jm__unit_in(const struct jm_report *r, size_t u)
{
    return u != JM_NONE && (!r->unit_in || r->unit_in[u]);
}

/* When unit u reached stage s (the funnel's meaning: its first pass when skips count, else its
 * first entry); INT64_MAX if never. */
static inline int64_t jm__reached_at(const struct jm_timelines *tl, size_t u, size_t s)
{
    size_t i = u * tl->n_stages + s;
    return tl->journey->settings.skip_counts_as_passed ? tl->passed[i] : tl->entered[i];
}

/* Time of unit u's first move into a stage after `stage`, at or after `t`; INT64_MAX if none. */
int64_t jm__next_later(const struct jm_timelines *tl, size_t u, size_t stage, int64_t t);
/* The stage unit u is in now (after its last move), or JM_NO_STAGE. */
uint16_t jm__current_stage(const struct jm_timelines *tl, size_t u);
/* The unit a record belongs to at this journey's level, or JM_NONE. */
uint32_t jm__record_unit(const struct jm_timelines *tl, enum jm_entity kind, size_t row);

/* The unit of store event i, which lies in store account a's slice, or JM_NONE. */
uint32_t jm__event_unit(const struct jm_timelines *tl, size_t a, size_t i);

/* Parts of jm_analyze, in the order it calls them. */
jm_status jm__analyze_kpis(struct jm_report *r);
jm_status jm__analyze_idle(struct jm_report *r);
jm_status jm__analyze_breaks(struct jm_report *r);
/* deal_group: each deal's 1-based group (0: only in "(all)"), or NULL without a breakdown. */
jm_status jm__analyze_deals(struct jm_report *r, const uint32_t *deal_group);

#endif /* JM_ANALYTICS_INTERNAL_H */
