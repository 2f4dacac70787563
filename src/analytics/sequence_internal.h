/*
 * What the sequence analyses (sequence_*.c) share: splitting the store into account ranges run
 * on several threads, finding touchpoint ids fast, and the slow path for contacts whose events
 * lie in more than one account slice.
 *
 *   account slices:  [ acc 0 | acc 1 | acc 2 | ... | acc A-1 | no account ]
 *   parts:           [ part 0 ........ | part 1 ............................ ]
 *                    cut between slices so each part holds about n / parts events
 *
 * A contact normally has one run (a contiguous stretch of the contact column inside one slice).
 * The analyses count the runs they pass; when the count exceeds the number of contacts
 * (jm_store_contacts(): the distinct contacts of the store's events, store.h), some contact has
 * several runs, and jm__seq_split_find() lists them so the analysis can take back
 * what it counted run by run and count the merged sequence instead.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_ANALYTICS_SEQUENCE_INTERNAL_H
#define JM_ANALYTICS_SEQUENCE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journeymap/sequence.h"

/* ---------------------------------------------------------------- parts and threads */

/*
 * Runs part `part` of the work: the account slices [a_begin, a_end) (a_end may include the
 * no-account group, index n_accounts). Called once per part, maybe on another thread.
 */
typedef jm_status (*jm__seq_part_fn)(void *ctx, unsigned part, size_t a_begin, size_t a_end);

/*
 * How many parts to cut `s` into for `threads` threads: 0 means one per core, fewer when the
 * store is small so a thread always has enough events to pay for its start; any other count
 * is taken as it is (at most 64).
 */
unsigned jm__seq_parts(const struct jm_store *s, unsigned threads);

/*
 * Calls `fn` for each of `parts` parts of the slices [0, n_groups) (n_accounts, or
 * n_accounts + 1 to include the events without an account), parts 1.. on their own threads and
 * part 0 on the caller's. Returns the first non-OK status of a part (all parts run anyway).
 */
jm_status jm__seq_run(const struct jm_store *s, unsigned parts, size_t n_groups, jm__seq_part_fn fn,
                      void *ctx);

/* The largest slice among [a_begin, a_end), in events. */
size_t jm__seq_max_slice(const struct jm_store *s, size_t a_begin, size_t a_end);

/* ---------------------------------------------------------------- scanning */

/* The first i in [0, n) with a[i] == v, or n. Reads 16 ids per step. */
size_t jm__seq_find_u16(const uint16_t *a, size_t n, uint16_t v);

/*
 * Which of keys[0..4) occur among a[b..e): bit k for keys[k]. Reads whole blocks of 8, so it
 * may read past e, never past n_all (the column's length), and ignores what it reads there.
 */
unsigned jm__seq_any4_u16(const uint16_t *a, size_t b, size_t e, size_t n_all,
                          const uint16_t keys[4]);

/*
 * The end of the run of a[b] in [b, e): the first i > b with a[i] != a[b], or e (b < e). May
 * read past e, never past n_all.
 */
size_t jm__seq_run_end(const uint32_t *a, size_t b, size_t e, size_t n_all);

/*
 * The accounts among [a_begin, a_end) with an event of touchpoint `tp`, in hits[] (holding
 * a_end - a_begin), with the position of their first such event in first[]; how many.
 */
size_t jm__seq_accounts_with(const struct jm_store *s, size_t a_begin, size_t a_end, uint16_t tp,
                             uint32_t *hits, uint32_t *first);

/* Asks for the cache lines of [p, p + len) to be fetched (at most 64 lines). */
void jm__seq_prefetch(const void *p, size_t len);

/* The store index of touchpoint `name`, or 0 when the store has no such touchpoint. */
uint16_t jm__seq_touchpoint(const struct jm_store *s, const char *name);

/* ---------------------------------------------------------------- split contacts */

struct jm__seq_range {
    uint32_t begin, end; /* events [begin, end) of one run */
};

/* The contacts with more than one run, and their runs in store order. */
struct jm__seq_split {
    size_t n;
    uint32_t *contact;          /* [n], ascending */
    size_t *first;              /* [n + 1]: contact i's runs are runs[first[i] .. first[i + 1]) */
    struct jm__seq_range *runs; /* all runs of those contacts */
    size_t n_events;            /* the most events of one of those contacts */
};

/*
 * Fills `sp` (which the caller zeroes first) with the contacts of `s` that have more than one
 * run. One pass over the contact column. Returns JM_OK or JM_ENOMEM.
 */
jm_status jm__seq_split_find(const struct jm_store *s, struct jm__seq_split *sp);
void jm__seq_split_release(struct jm__seq_split *sp);

/*
 * The positions of split contact `i`'s events in time order (equal times in store order), in
 * `pos` (at least sp->n_events entries); returns how many.
 */
size_t jm__seq_split_merge(const struct jm_store *s, const struct jm__seq_split *sp, size_t i,
                           uint32_t *pos);

/* Says whether `contact` is one of `sp`'s (binary search). */
bool jm__seq_split_has(const struct jm__seq_split *sp, uint32_t contact);

#endif /* JM_ANALYTICS_SEQUENCE_INTERNAL_H */
