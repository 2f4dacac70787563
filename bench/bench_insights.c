/*
 * jm_bench's insight workloads: attribution by the per-path models and the most common paths
 * between two touchpoints (include/journeymap/insights.h), on the peers' generated events with
 * the journey examples/journeys/peers.yaml, beside the same questions in the peers' SQL
 * (bench/sql/<peer>/attribution_models.sql and paths.sql; docs/benchmarks.md).
 *
 * The insights read an analysed report, so the dataset is loaded, the journey applied and the
 * report made once per process, untimed like the store load; each timed run is then one
 * jm_attribution_compute() or jm_paths_compute() on it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "bench_insights.h"

#include <stdint.h>
#include <stdlib.h>

#include "journeymap/insights.h"
#include "journeymap/journey.h"
#include "base/banned.h"

struct bench_insights {
    struct jm_journey *j;
    struct jm_dataset *ds;
    struct jm_timelines *tl;
    struct jm_report *r;
    unsigned threads;
};

jm_status bench_insights_open(struct jm_storage *st, const char *journey, unsigned threads,
                              struct bench_insights **out, struct jm_error *err)
{
    struct bench_insights *bi = calloc(1, sizeof(*bi));
    if (!bi)
        return JM_ENOMEM;
    bi->threads = threads;
    struct jm_analysis_options ao = {INT64_MIN, INT64_MAX, NULL, 0, NULL, NULL, NULL};
    struct jm_store_options so;
    jm_status rc = jm_journey_load(journey, &bi->j, err);
    if (rc)
        goto out;
    jm_journey_store_options(bi->j, NULL, &so);
    jm_insight_store_options(&so);
    rc = jm_dataset_load(st, &so, &bi->ds, err);
    if (!rc)
        rc = jm_journey_run(bi->ds, bi->j, &bi->tl, err);
    if (!rc)
        rc = jm_analyze(bi->tl, &ao, &bi->r, err);
out:
    if (rc) {
        bench_insights_free(bi);
        bi = NULL;
    }
    *out = bi;
    return rc;
}

void bench_insights_free(struct bench_insights *bi)
{
    if (!bi)
        return;
    jm_report_free(bi->r);
    jm_timelines_free(bi->tl);
    jm_dataset_free(bi->ds);
    jm_journey_free(bi->j);
    free(bi);
}

/* ---------------------------------------------------------------- attribution */

static void write_attribution(const struct jm_attribution *a, FILE *out)
{
    for (size_t i = 0; i < a->n_rows; i++) {
        const struct jm_attribution_row *row = &a->rows[i];
        fprintf(out, "%s\t%llu\t%llu", row->key, (unsigned long long)row->touches,
                (unsigned long long)row->converting);
        /* The SQL computes every model but Markov, in enum order. */
        for (int m = 0; m < JM_ATTR_MARKOV; m++)
            fprintf(out, "\t%.6f", row->conversions[m]);
        fputc('\n', out);
    }
}

jm_status bench_insights_attribution(const struct bench_insights *bi, FILE *out,
                                     struct jm_error *err)
{
    struct jm_attribution_opts o;
    jm_attribution_defaults(&o);
    o.conversion = JM_CONVERT_TOUCHPOINT;
    o.target = "contract_signed";
    o.by = JM_DIM_CHANNEL;
    o.lookback_days = 0;
    o.half_life_days = 7;
    o.lead_stage = "demo";
    o.opportunity_stage = "quote";
    o.threads = bi->threads;
    struct jm_attribution *a = NULL;
    jm_status rc = jm_attribution_compute(bi->r, &o, &a, err);
    if (!rc && out)
        write_attribution(a, out);
    jm_attribution_free(a);
    return rc;
}

/* ---------------------------------------------------------------- paths */

static void write_paths(const struct jm_paths *p, FILE *out)
{
    for (size_t i = 0; i < p->n_paths; i++) {
        const struct jm_path *path = &p->paths[i];
        for (size_t k = 0; k < path->n_steps; k++)
            fprintf(out, "%s%s", k ? " > " : "", path->steps[k]);
        fprintf(out, "\t%llu\n", (unsigned long long)path->units);
    }
}

jm_status bench_insights_paths(const struct bench_insights *bi, FILE *out, struct jm_error *err)
{
    struct jm_paths_opts o;
    jm_paths_defaults(&o);
    o.mode = JM_PATHS_BETWEEN;
    o.from_kind = JM_ANCHOR_TOUCHPOINT;
    o.from = "demo_request";
    o.to_kind = JM_ANCHOR_TOUCHPOINT;
    o.to = "contract_signed";
    o.step = JM_DIM_TOUCHPOINT;
    o.collapse = true;
    o.max_steps = 64;
    o.limit = 20;
    o.threads = bi->threads;
    struct jm_paths *p = NULL;
    jm_status rc = jm_paths_compute(bi->r, &o, &p, err);
    if (!rc && out)
        write_paths(p, out);
    jm_paths_free(p);
    return rc;
}
