/*
 * What paths.c gives flows.c: a paths computation whose units and anchor times the caller
 * chooses (the Sankey's flows anchor each unit at one move, not at first entries).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_INSIGHTS_PATHS_INTERNAL_H
#define JM_INSIGHTS_PATHS_INTERNAL_H

#include "insights/internal.h"

/*
 * Per-unit choices (each may be NULL):
 *   only              units to consider (n_units bytes), on top of the report's population
 *   from_at, to_at    per unit: the path is its touches with time in [from_at, to_at]; units
 *                     with from_at INT64_MAX have none. Both or neither; they replace the
 *                     opts' anchors and the period test on them.
 */
struct jm__paths_units {
    const uint8_t *only;
    const int64_t *from_at, *to_at;
};

jm_status jm__paths_compute(const struct jm_report *r, const struct jm_paths_opts *o,
                            const struct jm__paths_units *pu, struct jm_paths **out,
                            struct jm_error *err);

#endif /* JM_INSIGHTS_PATHS_INTERNAL_H */
