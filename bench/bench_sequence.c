/*
 * jm_bench: the journey workloads of the peers' kit (../shared/peers/README.md) on journeymap's
 * analytic store, timed in-process, with their result sets written as the peers write theirs.
 *
 *   jm_bench --db build/peers/data/jm_10m.db --reps 11 --out DIR --prefix journeymap_10m_
 *
 * It opens the workspace, loads the store (timed on its own: it is a one-off per process, the
 * peers' equivalent is their load), then runs each workload `reps` times and prints the median
 * and the fastest run, events per second, and the store's bytes per event. The workloads:
 *
 *   funnel_contact  4-step funnel blog_view -> demo_request -> quote_sent -> contract_signed,
 *   funnel_account  90-day window, per contact / per account: entities by level
 *   ttc             first event -> first contract_signed per account: count, median, p90
 *   transitions     next-event pairs per contact
 *   attribution     first-touch and linear credit by channel before each first contract_signed
 *
 * With --journey examples/journeys/peers.yaml two insight workloads follow (bench_insights.c;
 * their dataset, timelines and report are made once, timed apart like the store load):
 *
 *   attribution_models  the nine per-path attribution models by channel (insights.h)
 *   paths               the 20 most common paths demo_request -> contract_signed
 *
 * With --out it writes <prefix><workload>.tsv in the peers' formats (results/out/*.tsv), plus
 * <prefix>ttc_disc.tsv (quantile_disc, DuckDB's definition) and <prefix>ttc_linear.tsv (count,
 * mean, median, p75, p90 by DESIGN.md §4). ttc.tsv uses ClickHouse's quantileExact, the
 * reference the peers are checked against. With --summary it writes one line per workload:
 * name, median s, min s, events, median CPU s of the process. The benchmark asserts nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_insights.h"
#include "journeymap/sequence.h"
#include "journeymap/storage.h"
#include "base/banned.h"

#define MAX_REPS 1000

struct config {
    const char *db, *out, *prefix, *summary, *only, *journey;
    const char *steps[JM_SEQUENCE_MAX_STEPS];
    size_t n_steps;
    const char *target;
    int64_t window_us;
    unsigned reps, threads;
    char *steps_copy;
};

struct bench {
    const struct config *cfg;
    const struct jm_store *s;
    struct bench_insights *ins; /* NULL without --journey */
    FILE *summary;
    double total; /* of the five sequence workloads */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---------------------------------------------------------------- output files */

static FILE *open_out(const struct config *cfg, const char *name)
{
    if (!cfg->out)
        return NULL;
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s%s.tsv", cfg->out, cfg->prefix, name);
    FILE *f = fopen(path, "w");
    if (!f)
        fprintf(stderr, "jm_bench: cannot write '%s': %s\n", path, strerror(errno));
    return f;
}

static const char *label(const struct jm_store *s, enum jm_store_dict d, size_t i)
{
    return i ? jm_store_text(s, d, i, NULL) : "(missing)";
}

static void write_funnel(const struct bench *b, const char *name,
                         const struct jm_sequence_funnel *f)
{
    FILE *o = open_out(b->cfg, name);
    if (!o)
        return;
    for (size_t k = 0; k <= f->n_steps; k++)
        if (f->by_level[k])
            fprintf(o, "%zu\t%llu\n", k, (unsigned long long)f->by_level[k]);
    fclose(o);
}

static void write_ttc(const struct bench *b, const struct jm_sequence_ttc *t)
{
    static const struct {
        const char *name;
        enum jm_quantile q;
    } files[] = {{"ttc", JM_QUANTILE_EXACT}, {"ttc_disc", JM_QUANTILE_DISC}};
    const double day = 86400e6;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        FILE *o = open_out(b->cfg, files[i].name);
        if (!o)
            return;
        fprintf(o, "%zu\t%.4f\t%.4f\n", t->count,
                jm_sequence_quantile(t->durations_us, t->count, 0.5, files[i].q) / day,
                jm_sequence_quantile(t->durations_us, t->count, 0.9, files[i].q) / day);
        fclose(o);
    }
    FILE *o = open_out(b->cfg, "ttc_linear");
    if (!o)
        return;
    const int64_t *d = t->durations_us;
    size_t n = t->count;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)d[i];
    fprintf(o, "%zu\t%.4f\t%.4f\t%.4f\t%.4f\n", n, n ? sum / (double)n / day : NAN,
            jm_sequence_quantile(d, n, 0.5, JM_QUANTILE_LINEAR) / day,
            jm_sequence_quantile(d, n, 0.75, JM_QUANTILE_LINEAR) / day,
            jm_sequence_quantile(d, n, 0.9, JM_QUANTILE_LINEAR) / day);
    fclose(o);
}

static void write_transitions(const struct bench *b, const struct jm_sequence_transitions *t)
{
    FILE *o = open_out(b->cfg, "transitions");
    if (!o)
        return;
    for (size_t i = 0; i < t->n; i++)
        fprintf(o, "%s\t%s\t%llu\n", label(b->s, JM_STORE_TOUCHPOINT, t->rows[i].from),
                label(b->s, JM_STORE_TOUCHPOINT, t->rows[i].to), (unsigned long long)t->rows[i].n);
    fclose(o);
}

static void write_attribution(const struct bench *b, const struct jm_sequence_attribution *a)
{
    FILE *o = open_out(b->cfg, "attribution");
    if (!o)
        return;
    for (size_t i = 0; i < a->n; i++)
        fprintf(o, "%s\t%llu\t%.6f\n", label(b->s, JM_STORE_CHANNEL, a->rows[i].channel),
                (unsigned long long)a->rows[i].first_touch, a->rows[i].linear);
    fclose(o);
}

/* ---------------------------------------------------------------- workloads */

/* One run of a workload; the last run keeps its result for the output files. */
typedef jm_status (*run_fn)(struct bench *b, bool last, struct jm_error *err);

static jm_status run_funnel(struct bench *b, bool last, enum jm_sequence_entity e,
                            struct jm_error *err)
{
    const struct config *cfg = b->cfg;
    struct jm_sequence_funnel_opts o = {cfg->steps, cfg->n_steps, cfg->window_us, e, cfg->threads};
    struct jm_sequence_funnel *f;
    jm_status rc = jm_sequence_funnel_compute(b->s, &o, &f, err);
    if (!rc && last)
        write_funnel(b, e == JM_SEQUENCE_CONTACT ? "funnel_contact" : "funnel_account", f);
    jm_sequence_funnel_free(f);
    return rc;
}

static jm_status run_funnel_contact(struct bench *b, bool last, struct jm_error *err)
{
    return run_funnel(b, last, JM_SEQUENCE_CONTACT, err);
}

static jm_status run_funnel_account(struct bench *b, bool last, struct jm_error *err)
{
    return run_funnel(b, last, JM_SEQUENCE_ACCOUNT, err);
}

static jm_status run_ttc(struct bench *b, bool last, struct jm_error *err)
{
    struct jm_sequence_ttc_opts o = {b->cfg->target, JM_SEQUENCE_ACCOUNT, JM_QUANTILE_EXACT,
                                     b->cfg->threads};
    struct jm_sequence_ttc *t;
    jm_status rc = jm_sequence_ttc_compute(b->s, &o, &t, err);
    if (!rc && last)
        write_ttc(b, t);
    jm_sequence_ttc_free(t);
    return rc;
}

static jm_status run_transitions(struct bench *b, bool last, struct jm_error *err)
{
    struct jm_sequence_transitions_opts o = {b->cfg->threads};
    struct jm_sequence_transitions *t;
    jm_status rc = jm_sequence_transitions_compute(b->s, &o, &t, err);
    if (!rc && last)
        write_transitions(b, t);
    jm_sequence_transitions_free(t);
    return rc;
}

static jm_status run_attribution(struct bench *b, bool last, struct jm_error *err)
{
    struct jm_sequence_attribution_opts o = {b->cfg->target, b->cfg->threads};
    struct jm_sequence_attribution *a;
    jm_status rc = jm_sequence_attribution_compute(b->s, &o, &a, err);
    if (!rc && last)
        write_attribution(b, a);
    jm_sequence_attribution_free(a);
    return rc;
}

/* An insight workload: one compute call on the report, the last run writing its result set. */
static jm_status run_insight(struct bench *b, bool last, const char *name,
                             jm_status (*fn)(const struct bench_insights *, FILE *,
                                             struct jm_error *),
                             struct jm_error *err)
{
    FILE *o = last ? open_out(b->cfg, name) : NULL;
    jm_status rc = fn(b->ins, o, err);
    if (o)
        fclose(o);
    return rc;
}

static jm_status run_attribution_models(struct bench *b, bool last, struct jm_error *err)
{
    return run_insight(b, last, "attribution_models", bench_insights_attribution, err);
}

static jm_status run_paths(struct bench *b, bool last, struct jm_error *err)
{
    return run_insight(b, last, "paths", bench_insights_paths, err);
}

static const struct {
    const char *name;
    run_fn fn;
    bool insight; /* needs --journey; not in the total of the five */
} WORKLOADS[] = {
    {"funnel_contact", run_funnel_contact, false},
    {"funnel_account", run_funnel_account, false},
    {"ttc", run_ttc, false},
    {"transitions", run_transitions, false},
    {"attribution", run_attribution, false},
    {"attribution_models", run_attribution_models, true},
    {"paths", run_paths, true},
};
#define N_WORKLOADS (sizeof(WORKLOADS) / sizeof(WORKLOADS[0]))

static void print_rate(double events, double s)
{
    if (s <= 0)
        printf("%10s", "-");
    else if (events / s >= 1e9)
        printf("%9.2fG", events / s / 1e9);
    else
        printf("%9.1fM", events / s / 1e6);
}

static jm_status bench_one(struct bench *b, size_t w, struct jm_error *err)
{
    double secs[MAX_REPS], cpu[MAX_REPS];
    unsigned reps = b->cfg->reps;
    for (unsigned r = 0; r < reps; r++) {
        double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), t0 = now();
        jm_status rc = WORKLOADS[w].fn(b, r + 1 == reps, err);
        secs[r] = now() - t0;
        cpu[r] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (rc)
            return rc;
    }
    double med = median(secs, reps), med_cpu = median(cpu, reps);
    double events = (double)jm_store_events(b->s);
    printf("  %-18s %10.5f %10.5f %10.5f ", WORKLOADS[w].name, med, secs[0], med_cpu);
    print_rate(events, med);
    putchar('\n');
    if (b->summary)
        fprintf(b->summary, "%s\t%.6f\t%.6f\t%.0f\t%.6f\n", WORKLOADS[w].name, med, secs[0], events,
                med_cpu);
    if (!WORKLOADS[w].insight)
        b->total += med;
    return JM_OK;
}

/* ---------------------------------------------------------------- main */

/* Says whether `name` is in the comma-separated --only list (all when there is none). */
static bool selected(const struct config *cfg, const char *name)
{
    if (!cfg->only)
        return true;
    size_t len = strlen(name);
    for (const char *p = cfg->only; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, name, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return true;
    return false;
}

/* With --journey and an insight workload selected, makes their report (timed apart). */
static jm_status open_insights(struct bench *b, struct jm_storage *st, struct jm_error *err)
{
    bool wanted = false;
    for (size_t w = 0; w < N_WORKLOADS; w++)
        wanted |= WORKLOADS[w].insight && selected(b->cfg, WORKLOADS[w].name);
    /* Without --journey they are left out, unless --only asks for one by name. */
    if (!b->cfg->journey && wanted && b->cfg->only)
        return jm_error_set(err, JM_EINVAL, "attribution_models and paths need --journey FILE");
    if (!b->cfg->journey || !wanted)
        return JM_OK;
    double t0 = now();
    jm_status rc = bench_insights_open(st, b->cfg->journey, b->cfg->threads, &b->ins, err);
    if (rc)
        return rc;
    double secs = now() - t0;
    printf("insights: dataset, journey %s and report made in %.3f s (once, not timed below)\n",
           b->cfg->journey, secs);
    if (b->summary)
        fprintf(b->summary, "insights_load\t%.6f\t%.6f\t%zu\t-\n", secs, secs,
                jm_store_events(b->s));
    return JM_OK;
}

static const char usage[] =
    "usage: jm_bench --db PATH [--reps N] [--threads N] [--out DIR] [--prefix P]\n"
    "                [--summary FILE] [--steps a,b,..] [--window-days D] [--target T]\n"
    "                [--only workload,...] [--journey FILE]\n"
    "\n"
    "Loads the workspace's analytic store and times the peers' five journey workloads on it\n"
    "(median of N runs each, default 11). --out writes the result sets as TSV, named\n"
    "<prefix><workload>.tsv. --threads 0 (default) uses every core. With --journey (the\n"
    "peers' examples/journeys/peers.yaml) the insight workloads attribution_models and\n"
    "paths run too.\n";

static int parse_args(int argc, char **argv, struct config *cfg)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"reps", required_argument, NULL, 'r'},
                                         {"threads", required_argument, NULL, 'j'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"prefix", required_argument, NULL, 'p'},
                                         {"summary", required_argument, NULL, 's'},
                                         {"steps", required_argument, NULL, 'S'},
                                         {"window-days", required_argument, NULL, 'w'},
                                         {"target", required_argument, NULL, 't'},
                                         {"only", required_argument, NULL, 'O'},
                                         {"journey", required_argument, NULL, 'J'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            cfg->db = optarg;
            break;
        case 'r':
            cfg->reps = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'j':
            cfg->threads = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'o':
            cfg->out = optarg;
            break;
        case 'p':
            cfg->prefix = optarg;
            break;
        case 's':
            cfg->summary = optarg;
            break;
        case 'w':
            cfg->window_us = (int64_t)(strtod(optarg, NULL) * 86400e6);
            break;
        case 't':
            cfg->target = optarg;
            break;
        case 'O':
            cfg->only = optarg;
            break;
        case 'J':
            cfg->journey = optarg;
            break;
        case 'S':
            free(cfg->steps_copy);
            cfg->steps_copy = strdup(optarg);
            cfg->n_steps = 0;
            for (char *p = cfg->steps_copy, *q; p && cfg->n_steps < JM_SEQUENCE_MAX_STEPS; p = q) {
                q = strchr(p, ',');
                if (q)
                    *q++ = '\0';
                cfg->steps[cfg->n_steps++] = p;
            }
            break;
        case 'h':
            fputs(usage, stdout);
            exit(0);
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (!cfg->db || optind != argc || cfg->reps < 1 || cfg->reps > MAX_REPS) {
        fputs(usage, stderr);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct config cfg = {.prefix = "",
                         .steps = {"blog_view", "demo_request", "quote_sent", "contract_signed"},
                         .n_steps = 4,
                         .target = "contract_signed",
                         .window_us = INT64_C(7776000) * 1000000,
                         .reps = 11};
    int ec = parse_args(argc, argv, &cfg);
    if (ec)
        return ec;
    struct jm_error err;
    jm_error_clear(&err);
    struct jm_storage *st = NULL;
    struct jm_store *s = NULL;
    struct bench b = {&cfg, NULL, NULL, NULL, 0};
    ec = 1;
    if (jm_storage_open(cfg.db, JM_STORAGE_READONLY, &st, &err))
        goto out;
    double t0 = now();
    if (jm_store_load(st, &s, &err))
        goto out;
    double load_s = now() - t0;
    b.s = s;
    printf("jm_bench %s\n", cfg.db);
    printf("store: %zu events, %zu accounts, %zu contacts, %.2f bytes/event; loaded in %.3f s\n",
           jm_store_events(s), jm_store_accounts(s), jm_store_contacts(s),
           jm_store_bytes_per_event(s), load_s);
    if (cfg.summary && !(b.summary = fopen(cfg.summary, "w"))) {
        fprintf(stderr, "jm_bench: cannot write '%s': %s\n", cfg.summary, strerror(errno));
        goto out;
    }
    if (b.summary)
        fprintf(b.summary, "store_load\t%.6f\t%.6f\t%zu\t-\n", load_s, load_s, jm_store_events(s));
    if (open_insights(&b, st, &err))
        goto out;
    printf("median of %u runs each, engine seconds (store loaded)\n", cfg.reps);
    printf("  %-18s %10s %10s %10s %10s\n", "workload", "median s", "min s", "cpu s", "events/s");
    for (size_t w = 0; w < N_WORKLOADS; w++)
        if (selected(&cfg, WORKLOADS[w].name) && (!WORKLOADS[w].insight || b.ins) &&
            bench_one(&b, w, &err))
            goto out;
    if (b.total > 0) { /* some of the five ran */
        printf("  %-18s %10.5f %10s %10s ", "total of the five", b.total, "", "");
        print_rate((double)jm_store_events(s), b.total);
        printf("   (goal: 0.1 s for the five at 10M events)\n");
    }
    ec = 0;
out:
    if (ec && err.code)
        fprintf(stderr, "jm_bench: %s\n", err.msg[0] ? err.msg : jm_strerror(err.code));
    if (b.summary)
        fclose(b.summary);
    bench_insights_free(b.ins);
    jm_store_free(s);
    jm_storage_close(st);
    free(cfg.steps_copy);
    return ec;
}
