/*
 * What the insights share: an account's touches in time order, the key of an event in a
 * dimension, months, the recurring-revenue series with churn, and SLA breaches of tickets.
 * common.c, mrr.c and sla.c implement them; each insight lives in its own file.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_INSIGHTS_INTERNAL_H
#define JM_INSIGHTS_INTERNAL_H

#include "analytics/internal.h"
#include "journeymap/insights.h"

/* ---------------------------------------------------------------- touches */

/*
 * The events of store account `a` (every contact's and the contact-less ones) as store
 * indexes in time order, equal times in store order. The slice is sorted by (contact, time),
 * so this merges its contact runs. `buf` is reused from call to call (one per thread).
 */
struct jm__touches {
    uint32_t *ev;
    size_t n, cap;
    uint32_t *tmp; /* merge scratch (common.c sizes it) */
};
jm_status jm__touches_of(const struct jm_store *s, size_t a, struct jm__touches *buf);
void jm__touches_release(struct jm__touches *buf);
/* First index in buf->ev[0..n) whose time is >= t (times ascend). */
size_t jm__touches_lower(const struct jm_store *s, const struct jm__touches *buf, int64_t t);

/* ---------------------------------------------------------------- markov counts */

/*
 * The Markov chain's transitions counted while the paths are read (markov.c), so that no path
 * is stored: per thread, a path is jm__mcount_key() for each of its keys (consecutive repeats
 * count once), then jm__mcount_end(). Counted states: 0 start, 1 + key, n_keys + 1 conversion,
 * n_keys + 2 null; a matrix of them when small (dense), else a hash of (from, to) pairs.
 * jm__mcount_merge() adds one thread's counts to another's; jm__markov_solve_counts() solves.
 */
struct jm__mcount {
    size_t n_keys, dim; /* dim = n_keys + 3 */
    uint32_t prev;      /* state of the path being read */
    uint64_t paths, converting;
    uint64_t *dense;    /* dim * dim counts [from * dim + to], or NULL: the hash below */
    uint64_t *code, *n; /* open addressing on from << 32 | to; cap a power of two */
    size_t used, cap;
};
jm_status jm__mcount_init(struct jm__mcount *c, size_t n_keys);
jm_status jm__mcount_add(struct jm__mcount *c, uint32_t from, uint32_t to); /* the hash */
static inline jm_status jm__mcount_key(struct jm__mcount *c, uint32_t key)
{
    uint32_t to = key + 1, from = c->prev;
    c->prev = to;
    if (c->dense) { /* a repeat adds 0 to the diagonal, which no step reads: no branch */
        c->dense[from * c->dim + to] += to != from;
        return JM_OK;
    }
    return to == from ? JM_OK : jm__mcount_add(c, from, to);
}
jm_status jm__mcount_end(struct jm__mcount *c, bool converted);
jm_status jm__mcount_merge(struct jm__mcount *into, const struct jm__mcount *from);
void jm__mcount_release(struct jm__mcount *c);
struct jm__markov;
/* jm__markov_solve() on counts: the same paths give the same result, bit for bit. */
jm_status jm__markov_solve_counts(const struct jm__mcount *c, size_t dense_max,
                                  struct jm__markov *out);

/* The touchpoint ids to leave out (keys the store does not know are ignored): a per-touchpoint
 * byte map of jm_store_dict_size(TOUCHPOINT) entries, or NULL when `n` is 0. Caller frees. */
jm_status jm__exclude_map(const struct jm_store *s, const char *const *keys, size_t n,
                          uint8_t **out);

/* ---------------------------------------------------------------- dimensions */

/*
 * An event's key in a dimension: a dense id per distinct value, 0 = missing.
 *   TOUCHPOINT / CHANNEL  the store's dictionary index (sorted by text)
 *   SOURCE / CAMPAIGN     the store's field id (first-seen order; 0 also when not loaded)
 */
struct jm__dim {
    enum jm_insight_dim by;
    const struct jm_store *s;
    const uint16_t *tp;
    const uint8_t *ch;
    const uint32_t *field; /* SOURCE / CAMPAIGN; NULL when not loaded */
    size_t n_keys;         /* ids are 0 .. n_keys - 1 */
};
void jm__dim_init(struct jm__dim *d, const struct jm_store *s, enum jm_insight_dim by);
static inline uint32_t jm__dim_key(const struct jm__dim *d, size_t i)
{
    switch (d->by) {
    case JM_DIM_TOUCHPOINT:
        return d->tp[i];
    case JM_DIM_CHANNEL:
        return d->ch[i];
    default:
        return d->field ? d->field[i] : 0;
    }
}
/* Label of key `k`: its text, or JM_INSIGHT_MISSING for 0 / empty. Borrowed from the store. */
const char *jm__dim_label(const struct jm__dim *d, uint32_t k);
/*
 * The keys 0 .. n - 1 put in label order (byte order of jm__dim_label, JM_INSIGHT_MISSING
 * sorted as its text): order[0 .. n) gets key ids. Caller frees *order.
 */
jm_status jm__dim_order(const struct jm__dim *d, uint32_t **order);

/* ---------------------------------------------------------------- records and months */

/* A number field's value as a double (INT or REAL), else NAN. */
double jm__value_number(const struct jm_value *v);
/* A time field's value, or INT64_MAX when absent / missing. */
int64_t jm__value_time(const struct jm_value *v);
/* Whether a text/enum value equals `s`. */
bool jm__value_is(const struct jm_value *v, const char *s);
/* The value of field `name` of row `row` of entity `kind` (a name lookup: call outside loops or
 * keep the index from jm_entity_field). */
const struct jm_value *jm__field(const struct jm_dataset *ds, enum jm_entity kind, size_t row,
                                 const char *name);

/* Months as one integer: year * 12 + (month - 1). */
static inline int64_t jm__month_index(int year, int month)
{
    return (int64_t)year * 12 + month - 1;
}
int64_t jm__month_of(int64_t us);             /* month index of a UTC time */
int64_t jm__month_start(int64_t month_index); /* UTC us of its first day, 00:00 */
void jm__month_civil(int64_t month_index, int *year, int *month);
/* "YYYY-MM" of a month index into buf (at least 8 bytes). */
void jm__month_text(int64_t month_index, char *buf, size_t cap);

/* The store account index of accounts row `row`, or JM_NONE when it has no events. */
uint32_t jm__store_account_of_row(const struct jm_dataset *ds, size_t row);

/* ---------------------------------------------------------------- recurring revenue */

/*
 * Each account's MRR by month from the revenue table (rows in one month summed), and what it
 * makes of it (retention's definitions in insights.h):
 *   months      first_month .. last_month, the months with any revenue row at both ends
 *   per account row: its months with a row, ascending (mrr may be 0)
 *   start       its first active month (MRR > 0), or INT64_MIN when never active
 *   churn       the month of its first churn (active, then a month not active, <= last_month),
 *               or INT64_MIN when it never churned
 */
struct jm__mrr_point {
    int64_t month;
    double mrr;
};
struct jm__mrr {
    size_t n_accounts;               /* accounts rows */
    int64_t first_month, last_month; /* INT64_MIN when the table is empty */
    uint32_t *start_idx;             /* n_accounts + 1: account r's points [idx[r], idx[r+1]) */
    struct jm__mrr_point *points;
    int64_t *start, *churn; /* per accounts row */
};
jm_status jm__mrr_build(const struct jm_dataset *ds, struct jm__mrr *m);
void jm__mrr_release(struct jm__mrr *m);
/* Account row r's MRR in month `month` (0 when no row). */
double jm__mrr_at(const struct jm__mrr *m, size_t r, int64_t month);

/* ---------------------------------------------------------------- tickets and SLA */

/* Priority of ticket `row` (JM_PRIO__COUNT when it has none). */
enum jm_priority jm__ticket_prio(const struct jm_dataset *ds, size_t row);
/*
 * Whether ticket `row` breached its priority's targets in `sla` (JM_PRIO__COUNT entries): its
 * first response (or, unanswered, `as_of`) later than opened + target, and likewise resolution.
 * A target of 0 is never breached. Hours to first response / resolution in *resp_h / *res_h
 * (NAN when not yet); either pointer may be NULL.
 */
struct jm__breach {
    bool response, resolution;
    double resp_h, res_h;
};
void jm__ticket_breach(const struct jm_dataset *ds, size_t row, const struct jm_sla_target *sla,
                       int64_t as_of, struct jm__breach *out);

/* ---------------------------------------------------------------- markov */

/*
 * The Markov chain of attribution (markov.c). Paths are stored as words: key ids (< n_keys),
 * each path ended by JM__MARKOV_CONV or JM__MARKOV_NULL; an empty path is its end word alone.
 */
#define JM__MARKOV_CONV      UINT32_MAX
#define JM__MARKOV_NULL      (UINT32_MAX - 1)
#define JM__MARKOV_DENSE_MAX 1024 /* most states solved directly (LU); more: Gauss-Seidel */

struct jm__paths {
    uint32_t *w;
    size_t n, cap;
};
jm_status jm__paths_push(struct jm__paths *p, uint32_t word);
void jm__paths_release(struct jm__paths *p);

struct jm__markov {
    uint64_t paths, converting;
    size_t n_states; /* keys on some path */
    double p;        /* P(conversion) from the start; NAN without paths */
    double *removal; /* n_keys: removal effect of each key, 0 for keys on no path */
};
/*
 * Builds the chain (start, one state per key on a path, conversion, null; consecutive repeats
 * of a key are one step) from the paths of lists[0 .. n_lists) and solves it: P and each key's
 * removal effect 1 - P(key removed) / P (0 when P is 0). Up to `dense_max` transient states (0:
 * JM__MARKOV_DENSE_MAX) by a direct solve, more by Gauss-Seidel. Release `out` even on error.
 */
jm_status jm__markov_solve(const struct jm__paths *lists, size_t n_lists, size_t n_keys,
                           size_t dense_max, struct jm__markov *out);
void jm__markov_release(struct jm__markov *m);

/* ---------------------------------------------------------------- JSON */

/*
 * The writer behind every insight's JSON (json_out.c), so that the documents agree on how they
 * print: strings escaped (NULL as null); unsigned integers; other numbers rounded half up to 2
 * or 4 decimals the way jm_round4 does and printed with exactly that many ("%.2f", "%.4f"),
 * NAN and infinities as null, never "-0.00"; times as ISO 8601 UTC, INT64_MIN and INT64_MAX as
 * null.
 *
 * Commas are automatic: a key or a value gets one unless it opens the document or follows '{',
 * '[', ':' or ','. So `k` names the member to write in an object and is NULL for an array's
 * element or after jm__jout_key(); raw text (brackets closing, literals) never gets one.
 *
 * The first failed append is sticky in `rc` and everything after it does nothing, so a writer
 * checks once, at the end, with jm__jout_done(). `sb` is borrowed; documents are appended to it.
 */
struct jm__jout {
    struct jm_strbuf *sb;
    jm_status rc;
    enum jm_lang lang; /* of names (the journey's, stages') */
};
void jm__jout_raw(struct jm__jout *o, const char *s);
void jm__jout_key(struct jm__jout *o, const char *k);
/* `c` ('{' or '[') after the key `k` (NULL: none). */
void jm__jout_open(struct jm__jout *o, const char *k, char c);
void jm__jout_str(struct jm__jout *o, const char *k, const char *s);
void jm__jout_bool(struct jm__jout *o, const char *k, bool b);
void jm__jout_u64(struct jm__jout *o, const char *k, uint64_t x);
/* `x` rounded half up to `decimals` (2 or 4) places. */
void jm__jout_num(struct jm__jout *o, const char *k, double x, int decimals);
void jm__jout_time(struct jm__jout *o, const char *k, int64_t t);
/* {"count","mean","median","p75","p90"}, the figures to 2 decimals (days, hours, steps). */
void jm__jout_dist(struct jm__jout *o, const char *k, const struct jm_dist *d);
/*
 * Opens the document with the journey head every insight starts with, and leaves it open:
 * {"journey","name","level","period":{"from","to"},"as_of"
 */
void jm__jout_head(struct jm__jout *o, const struct jm_report *r);
/* JM_OK, the first failure, or JM_ENOMEM when `sb` failed before the writer began. */
jm_status jm__jout_done(const struct jm__jout *o);

#endif /* JM_INSIGHTS_INTERNAL_H */
