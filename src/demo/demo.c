/*
 * jm_demo_generate(): the demo company, account after account, until the event budget is
 * spent. See internal.h for how the files divide the work.
 *
 * The number of accounts is not fixed up front: each account's story has as many events as it
 * has, and the loop stops when their sum reaches the target, cutting the last account at the
 * moment its budget runs out. That keeps the count exact and every account's story whole but
 * the last. The company's size scales with the data: 12 people at 10^4 events, 40 at 5*10^7.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "demo/internal.h"

static jm_status check_opts(const struct jm_demo_opts *o, int64_t *start, int64_t *end,
                            struct jm_error *err)
{
    if (o->events < JM_DEMO_MIN_EVENTS || o->events > JM_DEMO_MAX_EVENTS)
        return jm_error_set(err, JM_EINVAL, "demo: events must be %llu to %llu, not %llu",
                            (unsigned long long)JM_DEMO_MIN_EVENTS,
                            (unsigned long long)JM_DEMO_MAX_EVENTS, (unsigned long long)o->events);
    *start = o->start_us;
    *end = o->end_us;
    if (*start == 0 && *end == 0) {
        *end = jm_days_from_civil(2026, 11, 1) * DEMO_DAY;
        *start = jm_days_from_civil(2024, 11, 1) * DEMO_DAY;
    }
    int64_t max_end = jm_days_from_civil(9000, 1, 1) * DEMO_DAY;
    if (*start < 0 || *end > max_end || *end - *start < 90 * DEMO_DAY ||
        *end - *start > 30 * 366 * DEMO_DAY)
        return jm_error_set(err, JM_EINVAL,
                            "demo: the period must run forward 90 days to 30 years, after 1970");
    return JM_OK;
}

/* Owners: the first n of the roster, indexed by function and office for assignment. */
static void world_owners(struct demo_world *w, uint64_t events)
{
    double n = 12 + round(7.6 * log10((double)events / 1e4));
    w->n_owners = (unsigned)demo_clamp(n, 12, DEMO_ROSTER);
    for (unsigned i = 0; i < w->n_owners; i++) {
        const struct demo_owner_def *o = &jm__demo_roster[i];
        w->pool[o->func][o->office][w->pool_n[o->func][o->office]++] = (uint16_t)i;
        snprintf(w->owner_ids[i], sizeof(w->owner_ids[i]), "own-%02u", i + 1);
    }
}

/* Campaign names per quarter of the period: "webinar-series-2025q3". */
static jm_status world_campaigns(struct demo_world *w)
{
    int y, m, d, hh, mm, ss, y2, m2;
    jm_time_civil(w->start, &y, &m, &d, &hh, &mm, &ss);
    jm_time_civil(w->end - 1, &y2, &m2, &d, &hh, &mm, &ss);
    w->q0_year = y;
    w->q0_quarter = (m - 1) / 3;
    w->n_quarters = (unsigned)((y2 - y) * 4 + (m2 - 1) / 3 - w->q0_quarter + 1);
    size_t n = (size_t)w->n_quarters * DEMO_N_THEMES;
    w->campaigns = jm_arena_alloc(&w->arena, n * sizeof(*w->campaigns));
    for (size_t i = 0; w->campaigns && i < n; i++) {
        unsigned q = (unsigned)(i / DEMO_N_THEMES) + (unsigned)w->q0_quarter;
        w->campaigns[i] =
            jm_arena_printf(&w->arena, "%s-%04uq%u", jm__demo_themes[i % DEMO_N_THEMES],
                            (unsigned)y + q / 4, q % 4 + 1);
    }
    return w->arena.failed ? JM_ENOMEM : JM_OK;
}

static jm_status world_init(struct demo_world *w, const struct jm_demo_opts *o, int64_t start,
                            int64_t end)
{
    w->seed = o->seed;
    /* Records carry whole seconds (emit.c floors): start on one so nothing floors below it. */
    w->start = start + (JM_US_PER_SEC - start % JM_US_PER_SEC) % JM_US_PER_SEC;
    w->end = end;
    w->id_salt = demo_mix(o->seed ^ UINT64_C(0x6a6f75726e65796d));
    int64_t span = end - start;
    w->crunch_start = start + (int64_t)(0.42 * (double)span);
    w->crunch_end = start + (int64_t)(0.58 * (double)span);
    world_owners(w, o->events);
    return world_campaigns(w);
}

static void account_free(struct demo_account *a)
{
    if (!a)
        return;
    jm_free(a->events.v);
    jm_free(a->deals.v);
    jm_free(a->tickets.v);
    jm_free(a->surveys.v);
    jm_free(a->revenue.v);
    jm_free(a);
}

static jm_status run_accounts(struct demo_world *w, struct demo_sim *s, uint64_t target,
                              struct demo_emit *e, struct jm_error *err)
{
    jm_status rc = JM_OK;
    for (uint32_t index = 0; !rc && e->sum->records[JM_ENT_EVENT] < target; index++) {
        if (index == UINT32_MAX)
            return jm_error_set(err, JM_ELIMIT, "demo: too many accounts");
        jm__demo_account_init(w, s, index);
        jm__demo_simulate(s);
        if (s->rc)
            return jm_error_set(err, s->rc, "demo: %s", jm_strerror(s->rc));
        rc = jm__demo_emit_account(w, s->a, target - e->sum->records[JM_ENT_EVENT], e);
    }
    /* A failing sink has said why already; our own failures (memory) have not. */
    if (rc && err && err->code != rc)
        jm_error_set(err, rc, "demo: %s", jm_strerror(rc));
    return rc;
}

jm_status jm_demo_generate(const struct jm_demo_opts *opts, jm_record_fn sink, void *ctx,
                           struct jm_demo_summary *out, struct jm_error *err)
{
    struct jm_demo_summary sum;
    struct demo_world *w = NULL;
    struct demo_sim sim;
    int64_t start = 0, end = 0;
    memset(&sum, 0, sizeof(sum));
    memset(&sim, 0, sizeof(sim));
    if (!opts || !sink)
        return jm_error_set(err, JM_EINVAL, "demo: options and a sink are required");
    jm_status rc = check_opts(opts, &start, &end, err);
    if (rc)
        return rc;
    w = jm_malloc(sizeof(*w));
    if (w) {
        memset(w, 0, sizeof(*w));
        jm_arena_init(&w->arena);
    }
    sim.a = jm_calloc(1, sizeof(*sim.a));
    if (!w || !sim.a) {
        rc = jm_error_set(err, JM_ENOMEM, "demo: out of memory");
        goto out;
    }
    rc = world_init(w, opts, start, end);
    if (rc) {
        jm_error_set(err, rc, "demo: out of memory");
        goto out;
    }
    struct demo_emit e = {.sink = sink, .ctx = ctx, .sum = &sum};
    rc = jm__demo_emit_owners(w, &e);
    if (!rc)
        rc = run_accounts(w, &sim, opts->events, &e, err);
out:
    if (w)
        jm_arena_release(&w->arena);
    jm_free(w);
    account_free(sim.a);
    if (out)
        *out = sum;
    return rc;
}
