/*
 * The demo company: a seeded generator of a realistic B2B SaaS company's customer data, the
 * first thing a new user sees on the journey map (`journeymap demo-data`).
 *
 * The company sells a customer-journey product from offices in Ho Chi Minh City, Hanoi,
 * Singapore, London and New York. Its accounts (Vietnam a large share, with Vietnamese names,
 * then South-East Asia, Japan, Australia, the US, the UK and Germany) walk a non-linear journey:
 * awareness, consideration, decision, onboarding, usage, renewal and advocacy, with stalls,
 * drop-offs, backward moves and hot leads that go silent. Deals, tickets with SLAs, NPS/CSAT/CES
 * surveys and monthly recurring revenue (expansion, contraction, churn) follow from the same
 * simulation, so every figure on the map has a cause in the data.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_DEMO_H
#define JM_DEMO_H

#include <stdint.h>

#include "model.h"
#include "storage.h" /* jm_record_fn only: the generator never touches storage */

#ifdef __cplusplus
extern "C" {
#endif

#define JM_DEMO_MIN_EVENTS UINT64_C(10000)
#define JM_DEMO_MAX_EVENTS UINT64_C(50000000)

struct jm_demo_opts {
    uint64_t seed;
    uint64_t events;  /* exact number of events to generate, JM_DEMO_MIN_EVENTS..MAX_EVENTS */
    int64_t start_us; /* the period [start_us, end_us); both 0: the 24 months before */
    int64_t end_us;   /* 2026-11-01T00:00Z. At least 90 days, at most 30 years. */
};

struct jm_demo_summary {
    uint64_t records[JM_ENT__COUNT]; /* records handed to the sink, per entity */
};

/*
 * Generates the demo company and hands every record to `sink` (with `ctx`): first the owners,
 * then account by account the account, its contacts, events (in time order), deals, tickets,
 * surveys and revenue rows, so every reference (owner, account, contact) points at a record
 * the sink has already seen. Records and their strings are valid during the call only.
 *
 * The number of events is exactly opts->events: accounts are generated until it is reached,
 * and the last account is cut off at that point in its story (as if time stopped there), so
 * it may have fewer records of every kind. The number of accounts follows from the target
 * (150 to 200 events per account on average). Every time lies in the period; all ids are
 * deterministic ("acc-000042", "con-000042-3", "deal-000042-1", ...) and event message ids are
 * unique UUID-shaped strings derived from the seed. The same options always give the same
 * records, in the same order, on every platform.
 *
 * Memory stays bounded by one account's records, whatever the size. `out` (may be NULL)
 * receives the counts. Returns JM_OK; JM_EINVAL for options out of range (detail in `err`);
 * JM_ENOMEM; or the first non-zero status returned by `sink`, which stops generation.
 */
JM_API jm_status jm_demo_generate(const struct jm_demo_opts *opts, jm_record_fn sink, void *ctx,
                                  struct jm_demo_summary *out, struct jm_error *err);

#ifdef __cplusplus
}
#endif
#endif /* JM_DEMO_H */
