/*
 * Analyses over raw event sequences: what each account or contact did, in time order, read
 * straight from the analytic store (store.h) with no journey definition in between. Four of
 * them, each a pure function (store, options) -> result that the caller frees:
 *
 *   funnel        ordered step funnel with a conversion window (ClickHouse windowFunnel):
 *                 entities by the furthest step they reached
 *   ttc           time to convert: first event of any kind -> first event of a target
 *                 touchpoint; count, mean, median, p75, p90 in days
 *   transitions   next-event pairs per contact: how often touchpoint B directly follows A
 *   attribution   first-touch and linear credit by channel for each account's first
 *                 conversion (target touchpoint), over the account's earlier events
 *
 * Entities. An account is the store's account slice; events without an account belong to no
 * account and are left out of per-account analyses. A contact is every event carrying that
 * contact, whichever account (or none) the events carry; events without a contact are left out
 * of per-contact analyses. Touchpoints and channels are named by their store indexes (dense,
 * 0 = missing, ordered by text): jm_store_text() turns them into labels.
 *
 * Speed (DESIGN.md §6): each analysis reads the columns it needs in one pass, split by account
 * ranges over `threads` threads (0: one per core, fewer for a small store). The counts do not
 * depend on the thread count; linear credit, a sum of fractions, may differ in its last bits.
 * Nothing is allocated or hashed per event. A contact whose events lie in more than one
 * account's slice is detected by counting runs and handled by a slower path that merges its
 * runs by time, so the fast path stays branch-light.
 *
 * Every result is owned by the caller and freed with its own jm_sequence_*_free(); the store
 * and the options are borrowed for the call only. Any number of analyses may run on one store
 * at once (the store is read-only).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_SEQUENCE_H
#define JM_SEQUENCE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whose sequence an analysis follows. */
enum jm_sequence_entity { JM_SEQUENCE_CONTACT, JM_SEQUENCE_ACCOUNT };

/*
 * How a quantile of n sorted values x[0..n) is chosen (p in [0, 1]):
 *   JM_QUANTILE_LINEAR  DESIGN.md §4: linear interpolation between closest ranks at
 *                       h = (n - 1) p, so the median of an even count is the mean of the two
 *                       middle values (DuckDB quantile_cont, PostgreSQL percentile_cont).
 *   JM_QUANTILE_EXACT   x[floor(p n)] (clamped to n - 1): ClickHouse quantileExact, and the
 *                       peers' SQLite ttc.sql. The peers' reference result sets use this one.
 *   JM_QUANTILE_DISC    x[ceil(p n) - 1] (at least x[0]): the first value whose cumulative
 *                       share reaches p (DuckDB quantile_disc, PostgreSQL percentile_disc).
 */
enum jm_quantile { JM_QUANTILE_LINEAR, JM_QUANTILE_EXACT, JM_QUANTILE_DISC };

/*
 * The quantile `p` (0..1, clamped) of the `n` values `sorted` (ascending) by `method`, in the
 * values' unit; NAN when n == 0.
 */
JM_API double jm_sequence_quantile(const int64_t *sorted, size_t n, double p,
                                   enum jm_quantile method);

/* ---------------------------------------------------------------- funnel */

#define JM_SEQUENCE_MAX_STEPS 32

/*
 * An ordered step funnel. Steps are touchpoint names; a name may appear at several steps (each
 * event then counts for one of them at a time), and a name the store does not know simply never
 * matches. `window_us` bounds the time from the first to the last step (0 = no bound);
 * `threads` 0 means one per core.
 */
struct jm_sequence_funnel_opts {
    const char *const *steps;
    size_t n_steps; /* 1 .. JM_SEQUENCE_MAX_STEPS */
    int64_t window_us;
    enum jm_sequence_entity entity;
    unsigned threads;
};

/*
 * The level of an entity is the largest k such that it has events e1..ek, distinct, ei a
 * step-i event, with t1 <= t2 <= ... <= tk and tk - t1 <= window (an exact window counts).
 * That is ClickHouse's windowFunnel(window)(t, step1, ..., stepN); see sequence_funnel.c for
 * how events at equal times are treated. Only entities with at least one step event count:
 * level 0 means some step events but no first step.
 */
struct jm_sequence_funnel {
    size_t n_steps;
    uint64_t entities;                            /* sum of by_level */
    uint64_t by_level[JM_SEQUENCE_MAX_STEPS + 1]; /* by_level[k], k = 0 .. n_steps */
};

/*
 * Computes the funnel of `opts` over `s`. Returns owned in *out (free with
 * jm_sequence_funnel_free()); `s` and `opts` are borrowed. Errors: JM_EINVAL (no steps, more
 * than JM_SEQUENCE_MAX_STEPS, a NULL step, a negative window; detail in `err`), JM_ENOMEM.
 * On failure *out is NULL.
 */
JM_API jm_status jm_sequence_funnel_compute(const struct jm_store *s,
                                            const struct jm_sequence_funnel_opts *opts,
                                            struct jm_sequence_funnel **out, struct jm_error *err);
/* Frees `f`; NULL does nothing. */
JM_API void jm_sequence_funnel_free(struct jm_sequence_funnel *f);

/* ---------------------------------------------------------------- time to convert */

/*
 * Time from an entity's first event (of any touchpoint) to its first event of `target`, over
 * the entities that have a `target` event. `quantile` picks how median, p75 and p90 are read
 * (DESIGN.md §4 is JM_QUANTILE_LINEAR; JM_QUANTILE_EXACT reproduces the peers' ttc).
 */
struct jm_sequence_ttc_opts {
    const char *target;
    enum jm_sequence_entity entity;
    enum jm_quantile quantile;
    unsigned threads;
};

/* Durations in days (86400 s); all NAN when count == 0. */
struct jm_sequence_ttc {
    size_t count;
    double mean_days, median_days, p75_days, p90_days;
    int64_t *durations_us; /* the count durations, ascending; other quantiles from here */
};

/*
 * Computes the time to convert of `opts` over `s`. Returns owned in *out (free with
 * jm_sequence_ttc_free()). Errors: JM_EINVAL (NULL target), JM_ENOMEM. A target the store
 * does not know gives count 0.
 */
JM_API jm_status jm_sequence_ttc_compute(const struct jm_store *s,
                                         const struct jm_sequence_ttc_opts *opts,
                                         struct jm_sequence_ttc **out, struct jm_error *err);
JM_API void jm_sequence_ttc_free(struct jm_sequence_ttc *t);

/* ---------------------------------------------------------------- transitions */

/*
 * For every contact, each event and the contact's next event (by time; events at the same time
 * keep store order) form one pair (from, to). Events without a contact are skipped.
 */
struct jm_sequence_transitions_opts {
    unsigned threads;
};

struct jm_sequence_transition {
    uint16_t from, to; /* touchpoint indexes */
    uint64_t n;
};

/* The pairs seen at least once, ordered by (from, to), i.e. by touchpoint text. */
struct jm_sequence_transitions {
    size_t n;
    uint64_t total; /* sum of rows[i].n */
    struct jm_sequence_transition *rows;
};

/*
 * Counts the transitions of `s`. `opts` may be NULL (defaults). Returns owned in *out (free
 * with jm_sequence_transitions_free()). Errors: JM_ENOMEM.
 */
JM_API jm_status jm_sequence_transitions_compute(const struct jm_store *s,
                                                 const struct jm_sequence_transitions_opts *opts,
                                                 struct jm_sequence_transitions **out,
                                                 struct jm_error *err);
JM_API void jm_sequence_transitions_free(struct jm_sequence_transitions *t);

/* ---------------------------------------------------------------- attribution */

/*
 * Touch credit per account: an account converts at its first `target` event; its touchpoints
 * are all its events strictly before that time (any contact or none). First touch gives 1 to
 * the channel of the earliest touchpoint (at equal times, the first in store order); linear
 * gives 1/n to the channel of each of the n touchpoints. Accounts converting at their first
 * event have no touchpoints and give no credit.
 */
struct jm_sequence_attribution_opts {
    const char *target;
    unsigned threads;
};

struct jm_sequence_credit {
    uint8_t channel;      /* channel index; 0 = missing */
    uint64_t touches;     /* touchpoints on this channel */
    uint64_t first_touch; /* accounts whose first touchpoint is on this channel */
    double linear;
};

/* The channels with at least one touchpoint, by channel index (text order). */
struct jm_sequence_attribution {
    uint64_t conversions; /* accounts with a target event */
    uint64_t credited;    /* of those, the ones with at least one touchpoint */
    size_t n;
    struct jm_sequence_credit *rows;
};

/*
 * Computes the attribution of `opts` over `s`. Returns owned in *out (free with
 * jm_sequence_attribution_free()). Errors: JM_EINVAL (NULL target), JM_ENOMEM.
 */
JM_API jm_status jm_sequence_attribution_compute(const struct jm_store *s,
                                                 const struct jm_sequence_attribution_opts *opts,
                                                 struct jm_sequence_attribution **out,
                                                 struct jm_error *err);
JM_API void jm_sequence_attribution_free(struct jm_sequence_attribution *a);

#ifdef __cplusplus
}
#endif
#endif /* JM_SEQUENCE_H */
