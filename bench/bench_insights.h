/*
 * jm_bench's insight workloads (bench_insights.c), run by the timing loop of bench_sequence.c.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_BENCH_INSIGHTS_H
#define JM_BENCH_INSIGHTS_H

#include <stdio.h>

#include "journeymap/storage.h"

/* The analysed report the workloads read: dataset, journey, timelines and jm_analyze. */
struct bench_insights;

/*
 * Loads the dataset of `st`, applies the journey in file `journey` and analyses it, once and
 * untimed (the peers' counterpart is their load). `threads` goes to every compute call (0: one
 * per core). Returns owned in *out; free with bench_insights_free().
 */
jm_status bench_insights_open(struct jm_storage *st, const char *journey, unsigned threads,
                              struct bench_insights **out, struct jm_error *err);
void bench_insights_free(struct bench_insights *bi);

/*
 * One run of a workload. With `out` (may be NULL) the result set is written there as the
 * SQL in bench/sql/<peer>/<workload>.sql prints it.
 *   attribution_models  first contract_signed per account, by channel, lookback unbounded,
 *                       lead stage demo, opportunity stage quote, half-life 7 days: per row
 *                       channel, touches, converting, then the nine per-path models' conversion
 *                       credits (enum jm_attr_model order, Markov left out) to 6 decimals
 *   paths               demo_request -> contract_signed, steps by touchpoint, collapsed,
 *                       max_steps 64, top 20: path (steps joined by " > "), accounts
 */
jm_status bench_insights_attribution(const struct bench_insights *bi, FILE *out,
                                     struct jm_error *err);
jm_status bench_insights_paths(const struct bench_insights *bi, FILE *out, struct jm_error *err);

#endif /* JM_BENCH_INSIGHTS_H */
