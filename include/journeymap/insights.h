/*
 * Insights: the questions B2B teams ask after "where do they drop?" (docs/insights.md).
 *
 *   attribution  what made them buy: credit for each conversion to the touchpoints of the whole
 *                buying committee (every contact of the account) within a lookback window, by
 *                ten models side by side, in conversions and in revenue
 *   paths        which way they came: the most common touchpoint sequences between two stages
 *                or touchpoints, after a drop-off, behind each flow of the map's Sankey; path
 *                length and time between steps
 *   retention    do they stay and grow: account cohorts by start month (first month with
 *                recurring revenue), logo and revenue retention, expansion, contraction,
 *                lifetime value, churn reasons, what came before churn
 *   voice        how they feel: NPS, CSAT and CES per stage, touchpoint, segment and month; the
 *                emotion curve; support tickets against SLA targets and what breaches do
 *   questions    the four questions in one report: when do accounts first meet us, how long
 *                until they buy, when and why do they leave, what do they look at before buying
 *
 * Every insight reads an analysed report (analytics.h): its timelines, its period
 * (r->opts.from/to) and its population (r->unit_in, the report's filter). Each is a pure
 * function (report, options) -> result owned by the caller, freed with its own *_free(); the
 * report is borrowed for the call only, except where a result says it keeps pointers into it.
 * Attribution, retention and questions are about accounts: they need a report at the account
 * level (JM_EINVAL otherwise). Paths and voice follow the report's units.
 *
 * Money is summed as recorded, without currency conversion (like the deal figures).
 * Durations are days (doubles); rates are exact fractions, printed to 4 decimals.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_INSIGHTS_H
#define JM_INSIGHTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analytics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- common */

/* What a touch is counted as: the event's touchpoint, channel, utm_source or utm_campaign. */
enum jm_insight_dim {
    JM_DIM_TOUCHPOINT,
    JM_DIM_CHANNEL,
    JM_DIM_SOURCE,   /* utm_source (needs the store loaded with JM_EV_UTM_SOURCE) */
    JM_DIM_CAMPAIGN, /* utm_campaign (JM_EV_UTM_CAMPAIGN) */
    JM_DIM__COUNT
};
/* "touchpoint", "channel", "source", "campaign"; parse is exact (false for anything else). */
JM_API const char *jm_insight_dim_key(enum jm_insight_dim d);
JM_API bool jm_insight_dim_parse(const char *s, enum jm_insight_dim *out);
/* Adds (ORs in) the store options the insights read (utm fields, url, value), for
 * jm_dataset_load(). Products in the four questions also need opts->properties. */
JM_API void jm_insight_store_options(struct jm_store_options *opts);

/* Labels of the rows that are not data values. */
#define JM_INSIGHT_MISSING  "(missing)"       /* an empty value, as everywhere */
#define JM_INSIGHT_NO_TOUCH "(no touchpoint)" /* conversions without a touch in the window */

/* ---------------------------------------------------------------- attribution */

/*
 * What a conversion is. One per account for STAGE and TOUCHPOINT (the account's first entry
 * into the stage / first event of the touchpoint ever, counted when that time is in the period)
 * and REVENUE (its first month with recurring revenue, likewise); one per won deal for WON
 * (closed in the period).
 * Its value (revenue credit): WON the deal's amount; REVENUE the account's recurring revenue
 * in its first twelve months from that month (MRR summed); STAGE and TOUCHPOINT the amount of
 * the account's deals won at or after the conversion (0 when none).
 */
enum jm_conversion_kind {
    JM_CONVERT_STAGE,
    JM_CONVERT_TOUCHPOINT,
    JM_CONVERT_WON,
    JM_CONVERT_REVENUE
};

enum jm_attr_model {
    JM_ATTR_FIRST,       /* first touch: 1 to the first touch */
    JM_ATTR_LEAD,        /* lead creation: 1 to the lead-creation touch */
    JM_ATTR_OPPORTUNITY, /* opportunity creation: 1 to the opportunity-creation touch */
    JM_ATTR_LAST,        /* last touch before close: 1 to the last touch */
    JM_ATTR_LINEAR,      /* 1/n to each of the n touches */
    JM_ATTR_U,           /* 40 first, 40 lead creation, 20 spread over the others */
    JM_ATTR_W,           /* 30 first, 30 lead creation, 30 opportunity, 10 over the others */
    JM_ATTR_FULL,        /* 22.5 each first, lead, opportunity, last; 10 over the others */
    JM_ATTR_DECAY,       /* weight 2^(-age / half-life), age = conversion time - touch time */
    JM_ATTR_MARKOV,      /* removal effect of a first-order Markov chain over all paths */
    JM_ATTR__COUNT
};
/* "first_touch", "lead_creation", "opportunity_creation", "last_touch", "linear", "u_shaped",
 * "w_shaped", "full_path", "time_decay", "markov"; parse also takes "first", "last", "u", "w",
 * "full", "decay". The name in `lang` for reports. */
JM_API const char *jm_attr_model_key(enum jm_attr_model m);
JM_API bool jm_attr_model_parse(const char *s, enum jm_attr_model *out);
JM_API const char *jm_attr_model_name(enum jm_attr_model m, enum jm_lang lang);

/*
 * Touches and positions. A conversion's touches are the events of every contact of the account
 * and the account's own contact-less events, in [time - lookback, time) (strictly before the
 * conversion), minus the excluded touchpoints, in time order (equal times: store order).
 * Milestones:
 *   lead creation         the earliest `created` of the account's contacts; when none has one,
 *                         the first touch that carries a contact. With `lead_stage`, the
 *                         account's first entry into that stage instead.
 *   opportunity creation  WON: the deal's `created`; otherwise the `created` of the account's
 *                         first deal created before the conversion. With `opportunity_stage`,
 *                         the first entry into that stage instead.
 * A milestone's touch is the last touch at or before the milestone; it has none when the
 * milestone is unknown or comes before every touch.
 *
 * Positional models (U, W, FULL) give each position's weight to its touch (a touch holding two
 * positions gets both weights) and spread the rest evenly over the touches holding none. A
 * position without a touch is left out, and so is the rest when every touch holds a position;
 * the weights present are then scaled to sum to 1: two distinct touches in U-shaped get 50 %
 * each, one touch gets everything, U-shaped without a lead touch over three touches gives the
 * first 0.4 / 0.6 and the other two 0.1 / 0.6 each. Single-position models: LEAD without a lead
 * touch credits the first touch;
 * OPPORTUNITY without an opportunity touch credits the lead touch, else the first touch.
 *
 * Markov: every account in the population gives paths: one per conversion (its touches, then
 * "conversion") and, for an account without a conversion in the period, one path of its
 * touches in [last - lookback, last] where `last` is its last touch in the period (included),
 * then "null". A conversion without touches is the path start -> "conversion". Consecutive
 * repeats of a state are one step (a self-loop changes no absorption probability). States are
 * the rows' keys. P = probability of reaching conversion from start; removal effect of key k =
 * 1 - P(k removed, its incoming transitions lead to null) / P. Credit of k = its removal effect
 * over the sum of removal effects, times the conversions with touches (and their revenue).
 *
 * Conversions without a touch give their credit to the row JM_INSIGHT_NO_TOUCH in every model,
 * so each model's column sums to `conversions` and `revenue` (credits conserve).
 */
/* "won", "revenue", "stage:KEY" or "touchpoint:KEY" into *kind and *target (pointing into `s`,
 * NULL for won and revenue); false for anything else, an empty KEY included. */
JM_API bool jm_conversion_parse(const char *s, enum jm_conversion_kind *kind, const char **target);

struct jm_attribution_opts {
    enum jm_conversion_kind conversion;
    const char *target; /* STAGE: stage key; TOUCHPOINT: touchpoint key; else unused */
    enum jm_insight_dim by;
    double lookback_days;  /* 0: no bound. Default (jm_attribution_defaults): 365 */
    double half_life_days; /* JM_ATTR_DECAY; default 7 */
    const char *lead_stage, *opportunity_stage; /* NULL: the record-based milestones above */
    const char *const *exclude;                 /* touchpoint keys that are never touches */
    size_t n_exclude;
    unsigned threads; /* 0: one per core */
};
JM_API void jm_attribution_defaults(struct jm_attribution_opts *o);

/* A row per key with a touch in some conversion's window or a removal effect > 0. */
struct jm_attribution_row {
    const char *key;     /* the dimension's text, JM_INSIGHT_MISSING, or JM_INSIGHT_NO_TOUCH */
    uint64_t touches;    /* touches with this key in the conversions' windows */
    uint64_t converting; /* conversions with at least one touch of this key */
    double conversions[JM_ATTR__COUNT];
    double revenue[JM_ATTR__COUNT];
    double removal_effect; /* Markov; 0 for the no-touch row */
};

/* One conversion, for the drill-down. */
struct jm_conversion {
    uint32_t account; /* accounts row */
    uint32_t deal;    /* deals row (WON, or the deal whose amount is the value), or JM_NONE */
    int64_t time;
    double value;
    uint32_t n_touches;
    uint32_t credit_start, credit_end; /* its credits: a->credits[start .. end) */
};
/* The credit one conversion gives one row (every model but Markov, which is not per path). */
struct jm_conversion_credit {
    uint32_t row;
    double share[JM_ATTR__COUNT]; /* share of the conversion (0..1); MARKOV is 0 */
};

struct jm_attribution {
    struct jm_attribution_opts opts; /* as given; strings borrowed from the caller */
    uint64_t conversions;            /* in the period and population */
    uint64_t with_touches;
    double revenue;                   /* sum of the conversions' values */
    uint64_t paths, converting_paths; /* Markov: paths read, of which converting */
    double markov_p;                  /* P(conversion) of the chain; NAN without paths */
    size_t n_rows;                    /* by key text; JM_INSIGHT_NO_TOUCH last when present */
    struct jm_attribution_row *rows;
    size_t n_conv; /* by time */
    struct jm_conversion *conv;
    size_t n_credits;
    struct jm_conversion_credit *credits;
    struct jm_arena arena; /* owns everything above */
};

/* Errors: JM_EINVAL (not the account level, an unknown stage or touchpoint target, NULL
 * target, lookback or half-life negative or not finite), JM_ENOMEM. */
JM_API jm_status jm_attribution_compute(const struct jm_report *r,
                                        const struct jm_attribution_opts *o,
                                        struct jm_attribution **out, struct jm_error *err);
JM_API void jm_attribution_free(struct jm_attribution *a);
/* Row of `key`, or -1. */
JM_API ptrdiff_t jm_attribution_row(const struct jm_attribution *a, const char *key);

/* ---------------------------------------------------------------- paths */

/* Where a path starts or ends. */
enum jm_path_anchor {
    JM_ANCHOR_ANY,       /* from: the unit's first touch; to: its last touch in the period */
    JM_ANCHOR_STAGE,     /* first entry into a stage (key) */
    JM_ANCHOR_TOUCHPOINT /* first event of a touchpoint (key) */
};

/* "stage:KEY" or "touchpoint:KEY" into *kind and *key (pointing into `s`); false otherwise. */
JM_API bool jm_path_anchor_parse(const char *s, enum jm_path_anchor *kind, const char **key);

enum jm_paths_mode {
    JM_PATHS_BETWEEN,   /* units reaching `from` and then `to`: touches in [from, to], where
                         `from` is the unit's first from-anchor and `to` its first to-anchor
                         at or after it (time >= the from-anchor's time; for two touchpoint
                         anchors an event after the from event in time order) */
    JM_PATHS_AFTER_DROP /* units that reached stage `from` and dropped (the funnel's droppers):
                           touches after entering it, to the end of the data */
};

/*
 * A path is the sequence of a unit's touches (the `step` dimension of its events, in time
 * order) from its from-anchor to its to-anchor, both anchor events included when they are
 * touchpoints. With `collapse`, consecutive equal steps are one step (their count is kept in
 * the step's `repeats`). Paths longer than `max_steps` keep their first max_steps - 1 steps and
 * their last, with "…" between (counted as one distinct path per such shape).
 */
struct jm_paths_opts {
    enum jm_paths_mode mode;
    enum jm_path_anchor from_kind, to_kind;
    const char *from, *to; /* keys (NULL for JM_ANCHOR_ANY) */
    enum jm_insight_dim step;
    bool collapse;              /* default true */
    size_t max_steps;           /* default 8 */
    size_t limit;               /* paths listed, most common first; default 20 */
    const char *const *exclude; /* touchpoint keys never taken as steps */
    size_t n_exclude;
    unsigned threads;
};
JM_API void jm_paths_defaults(struct jm_paths_opts *o);

#define JM_PATH_ELLIPSIS "\xe2\x80\xa6" /* U+2026: the cut in a path too long to list */

struct jm_path {
    size_t n_steps;
    const char **steps;  /* labels; JM_PATH_ELLIPSIS where a long path is cut */
    double *repeats;     /* per step: the events it stands for, mean over the path's units (1
                            without collapse; at the ellipsis: the events it hides) */
    uint64_t units;      /* units whose path this is */
    double share;        /* units / paths.units */
    uint64_t converted;  /* of them, reached the journey's goal stage (at any time) */
    struct jm_dist days; /* days from the from-anchor to the to-anchor (to the last touch for
                            AFTER_DROP) */
};

/* Time between consecutive steps of the listed paths' units: step i -> i + 1. */
struct jm_path_gap {
    size_t from_step; /* index of the step in a path of length max_steps: 0, 1, ... */
    struct jm_dist days;
};

struct jm_paths {
    struct jm_paths_opts opts;
    uint64_t units;    /* units with a path (anchors found in order, in the period) */
    uint64_t distinct; /* distinct paths */
    size_t n_paths;    /* listed: min(limit, distinct); most units first, ties by text */
    struct jm_path *paths;
    struct jm_dist length; /* steps per path (after collapsing, before cutting) */
    uint64_t *length_hist; /* units by path length 0 .. max_steps; the last bucket is ">= max" */
    size_t n_gaps;         /* max_steps - 1 */
    struct jm_path_gap *gaps;
    struct jm_dist gap_days; /* every step -> next step, all paths */
    struct jm_arena arena;
};

/* Errors: JM_EINVAL (an anchor key the journey or store does not know, AFTER_DROP without a
 * stage `from`, max_steps < 2), JM_ENOMEM. */
JM_API jm_status jm_paths_compute(const struct jm_report *r, const struct jm_paths_opts *o,
                                  struct jm_paths **out, struct jm_error *err);
JM_API void jm_paths_free(struct jm_paths *p);

/*
 * The flows behind the map's Sankey: for every stage pair (A, B) that units moved between
 * (the report's transition counts, forward moves and skips), the `limit` most common paths
 * between entering A and entering B, steps by touchpoint.
 */
struct jm_flow_paths {
    size_t from, to; /* stage indexes */
    uint64_t moves;  /* the Sankey's count for this flow */
    struct jm_paths *paths;
};
struct jm_flows {
    size_t n;
    struct jm_flow_paths *flows; /* by (from, to) */
};
JM_API jm_status jm_paths_flows(const struct jm_report *r, size_t limit, struct jm_flows **out,
                                struct jm_error *err);
JM_API void jm_flows_free(struct jm_flows *f);

/* ---------------------------------------------------------------- retention */

/*
 * From the revenue table (monthly recurring revenue per account and period_start; a period is
 * counted in the month it starts, several rows in one month are summed). An account is active
 * in a month with MRR > 0. Its cohort is its first active month; it churns in the first month
 * after an active month in which it is not active (a month without a row counts as 0), and
 * returns ("reactivation") when active again. Months run to the last month that has any
 * revenue row; later months are unknown, never churn.
 * Cohort figures at offset k (months after the cohort month, 0 .. ) over the cohort's accounts:
 *   logos       active in month c + k;         logo retention = logos / cohort size
 *   mrr         their MRR in month c + k;      NRR = mrr / start_mrr (DESIGN.md §4)
 *   expansion   sum max(0, mrr_k - mrr_0) over accounts active at k
 *   contraction sum max(0, mrr_0 - mrr_k) over accounts active at k
 *   churned     sum mrr_0 over accounts not active at k
 *   GRR         (start_mrr - contraction - churned) / start_mrr
 * The period (r->opts) selects cohorts by their month (a month overlapping [from, to)); the
 * population filter selects accounts. The MRR bridge covers every month of the data; the pooled
 * rates (churn, ARPA, LTV) pool the bridge months in the period.
 */
struct jm_retention_opts {
    size_t max_offset;     /* months shown per cohort; default 24 */
    const char *reason_by; /* breakdown path of the churn reason; default
                              "account.properties.churn_reason" */
    double before_days;    /* "what came before churn": window before the churn month; default 90 */
    double margin;         /* gross margin for lifetime value, 0..1; default 1 */
};
JM_API void jm_retention_defaults(struct jm_retention_opts *o);

struct jm_cohort_cell {
    uint64_t logos;
    double logo_rate;
    double mrr, nrr, grr, expansion, contraction, churned;
};
struct jm_cohort {
    int year, month;
    uint64_t accounts;
    double start_mrr;
    size_t n_cells; /* offsets known: up to the last month of data, at most max_offset + 1 */
    struct jm_cohort_cell *cells;
    double ltv_realized; /* revenue so far per account of the cohort */
};

/* One month of the MRR bridge: how recurring revenue moved from the month before. */
struct jm_mrr_month {
    int year, month;
    uint64_t active, new_logos, churned_logos, reactivated;
    double mrr, new_mrr, expansion, contraction, churned_mrr, reactivation;
};

struct jm_churn_reason {
    const char *reason; /* the label, JM_INSIGHT_MISSING when not recorded */
    uint64_t accounts;
    double mrr_lost; /* MRR in the month before each account's first churn */
};

/* What came before churn, against the retained accounts over the same kind of window. */
struct jm_before_churn {
    uint64_t accounts;                    /* churned accounts (in the period's cohorts) */
    size_t n_last_touches;                /* touchpoints of their last touch before churn */
    struct jm_churn_reason *last_touches; /* reason = touchpoint key, accounts, mrr_lost */
    double tickets_per_account;           /* tickets opened in the window */
    double breaches_per_account;          /* of them, past their SLA (jm_voice_defaults' targets) */
    double nps;                           /* NPS of answers in the window; NAN when none */
    uint64_t nps_answers;
    /* the same for retained accounts, window = the before_days up to their last active month */
    double retained_tickets_per_account, retained_breaches_per_account, retained_nps;
    uint64_t retained_accounts, retained_nps_answers;
};

struct jm_retention {
    struct jm_retention_opts opts;
    size_t n_cohorts; /* by month */
    struct jm_cohort *cohorts;
    size_t n_months; /* every month from the first to the last with revenue */
    struct jm_mrr_month *months;
    /* Totals over the cohorts shown: weighted by start MRR / size, offsets 0 .. max_offset */
    size_t n_total;
    struct jm_cohort_cell *total;
    double monthly_logo_churn; /* churned logos / active logos at month starts, pooled */
    double monthly_mrr_churn;  /* (churned + contraction) / MRR at month starts, pooled */
    double arpa;               /* MRR per active account per month, pooled */
    double ltv;                /* arpa * margin / monthly_logo_churn; NAN when no churn */
    size_t n_reasons;          /* churned accounts of the period's cohorts; most accounts first */
    struct jm_churn_reason *reasons;
    struct jm_before_churn before;
    struct jm_arena arena;
};

JM_API jm_status jm_retention_compute(const struct jm_report *r, const struct jm_retention_opts *o,
                                      struct jm_retention **out, struct jm_error *err);
JM_API void jm_retention_free(struct jm_retention *rt);

/* ---------------------------------------------------------------- voice of the customer */

/*
 * Survey answers (the surveys table): NPS 0-10 (promoter 9-10, detractor 0-6; NPS = %promoters
 * - %detractors, -100 .. 100), CSAT 1-5 (satisfied 4-5), CES 1-7 (easy 5-7). An answer belongs
 * to its unit (the report's level), to the stage the unit was in when it answered, to the
 * touchpoint of the unit's last event at or before the answer within `touch_days`
 * (JM_INSIGHT_NO_TOUCH when none), to its unit's `by` group, and to its month.
 */
struct jm_score_summary {
    uint64_t n;
    double mean;   /* NAN when n == 0 */
    double top;    /* share of promoters / satisfied / easy; NAN when n == 0 */
    double bottom; /* share of detractors (NPS), dissatisfied 1-2 (CSAT), hard 1-3 (CES) */
    double nps;    /* NPS only: (top - bottom) * 100; NAN otherwise */
};
enum jm_survey_kind { JM_SURVEY_NPS, JM_SURVEY_CSAT, JM_SURVEY_CES, JM_SURVEY__COUNT };

struct jm_voice_row {
    const char *key; /* stage key, touchpoint key, group label, or "YYYY-MM" */
    struct jm_score_summary s[JM_SURVEY__COUNT];
};

/* SLA targets per ticket priority, in hours (0: no target). */
struct jm_sla_target {
    double first_response_hours, resolution_hours;
};
enum jm_priority { JM_PRIO_LOW, JM_PRIO_NORMAL, JM_PRIO_HIGH, JM_PRIO_URGENT, JM_PRIO__COUNT };

struct jm_voice_opts {
    const char *by;    /* segment breakdown path; default "account.segment" */
    double touch_days; /* default 14; 0: no bound */
    struct jm_sla_target sla[JM_PRIO__COUNT]; /* defaults: low 24/120, normal 8/72, high 4/24,
                                                 urgent 1/8 hours */
    double after_breach_days; /* answers within this after a breach count as "after"; 90 */
};
JM_API void jm_voice_defaults(struct jm_voice_opts *o);
/* Reads "PRIORITY=FIRST/RESOLUTION" (hours; "urgent=1/8", "high=4h/1d": h and d suffixes) into
 * o->sla. False (with the reason in err) when it is not that. */
JM_API bool jm_voice_parse_sla(struct jm_voice_opts *o, const char *s, struct jm_error *err);

/* Tickets opened in the period by the population, per priority (JM_PRIO__COUNT: no priority). */
struct jm_sla_row {
    uint64_t tickets, responded, resolved;
    uint64_t response_breaches, resolution_breaches; /* past the target (open ones too, once
                                                        the target has passed as of the data) */
    struct jm_dist response_hours, resolution_hours;
    double csat; /* mean ticket CSAT; NAN when none */
    uint64_t n_csat;
};

/* How breaches go with NPS and churn: units with at least one breach against the others. */
struct jm_breach_effect {
    uint64_t units_breached, units_clean;
    double nps_after_breach, nps_clean; /* NPS of answers within after_breach_days of a breach /
                                           of the other answers; NAN when none */
    uint64_t n_after_breach, n_clean;
    double churn_breached, churn_clean; /* share of customer accounts (ever active in revenue)
                                           that churned; NAN when none (account level only) */
    uint64_t customers_breached, customers_clean;
};

struct jm_voice {
    struct jm_voice_opts opts;
    struct jm_score_summary all[JM_SURVEY__COUNT];
    size_t n_stages; /* the report's stages, in order; key = stage key */
    struct jm_voice_row *stages;
    double *emotion;          /* per stage: the map's measured emotion (mean normalised score,
                                 jm_activity's), NAN when none */
    double *authored_emotion; /* per stage: the definition's, NAN when not authored */
    size_t n_touchpoints;     /* answers' touchpoints, most answers first */
    struct jm_voice_row *touchpoints;
    size_t n_groups; /* by group label; groups with answers */
    struct jm_voice_row *groups;
    size_t n_months; /* by month */
    struct jm_voice_row *months;
    struct jm_sla_row sla[JM_PRIO__COUNT + 1];
    struct jm_breach_effect breach;
    struct jm_arena arena;
};

JM_API jm_status jm_voice_compute(const struct jm_report *r, const struct jm_voice_opts *o,
                                  struct jm_voice **out, struct jm_error *err);
JM_API void jm_voice_free(struct jm_voice *v);

/* ---------------------------------------------------------------- the four questions */

struct jm_count_row {
    const char *key;
    uint64_t accounts;
    double share; /* of the question's accounts */
    double extra; /* per-question meaning, documented at its use; NAN when none */
};

struct jm_questions_opts {
    size_t limit;          /* rows per list; default 10 */
    size_t repeat_min;     /* "again and again": viewed at least this often; default 3 */
    const char *buy_stage; /* the stage that is "bought"; default the journey's goal stage
                              (settings.goal); a won deal counts as bought too */
};
JM_API void jm_questions_defaults(struct jm_questions_opts *o);

struct jm_questions {
    struct jm_questions_opts opts;
    /* 1. When do accounts first meet us: their first touch */
    uint64_t met; /* accounts whose first touch is in the period */
    size_t n_first_channels, n_first_touchpoints, n_first_months;
    struct jm_count_row *first_channels, *first_touchpoints; /* most accounts first */
    struct jm_count_row *first_months;                       /* key "YYYY-MM", by month */
    /* 2. How long until they buy: first touch -> bought (first won deal or buy stage) */
    uint64_t bought;
    struct jm_dist days_to_buy, touches_to_buy, contacts_to_buy;
    size_t n_buy_by_channel; /* by first channel: accounts = buyers, extra = median days */
    struct jm_count_row *buy_by_channel;
    /* 3. When and why do they leave: churn (retention's definition) and lost deals */
    uint64_t customers, churned;
    struct jm_dist months_to_churn; /* from the first active month to the churn month */
    size_t n_churn_reasons, n_lost_reasons;
    struct jm_count_row *churn_reasons, *lost_reasons; /* extra = MRR lost / amount lost */
    /* 4. What they look at before buying: buyers' touches before buying, against accounts that
     * did not buy (same population). extra = lift: share of buyers / share of non-buyers. */
    size_t n_looked_touchpoints, n_looked_pages, n_repeated_pages, n_repeated_products;
    struct jm_count_row *looked_touchpoints; /* accounts = buyers with it */
    struct jm_count_row *looked_pages;       /* url path (no query); needs JM_EV_URL */
    struct jm_count_row *repeated_pages;     /* buyers viewing the page >= repeat_min times */
    struct jm_count_row *repeated_products;  /* events' properties.product, >= repeat_min */
    struct jm_arena arena;
};

JM_API jm_status jm_questions_compute(const struct jm_report *r, const struct jm_questions_opts *o,
                                      struct jm_questions **out, struct jm_error *err);
JM_API void jm_questions_free(struct jm_questions *q);

/* ---------------------------------------------------------------- JSON */

/*
 * Each result as one JSON document (docs/insights.md has their shapes), labels in `lang`,
 * numbers rounded as reports print them (rates and shares to 4 decimals, days to 2, money to
 * 2), NAN as null. The report gives the journey head (key, name, level, period, as_of).
 * jm_attribution_drill_json lists the conversions behind row `row` (all when row < 0), with the
 * share each gave the row per model, at most `limit` (0: all), the largest linear share
 * first (then by time); each names its account (id, name) and deal (id, name, amount) when it has one.
 */
JM_API jm_status jm_attribution_json(const struct jm_report *r, const struct jm_attribution *a,
                                     enum jm_lang lang, struct jm_strbuf *sb);
JM_API jm_status jm_attribution_drill_json(const struct jm_report *r,
                                           const struct jm_attribution *a, ptrdiff_t row,
                                           size_t limit, enum jm_lang lang, struct jm_strbuf *sb);
JM_API jm_status jm_paths_json(const struct jm_report *r, const struct jm_paths *p,
                               enum jm_lang lang, struct jm_strbuf *sb);
JM_API jm_status jm_flows_json(const struct jm_report *r, const struct jm_flows *f,
                               enum jm_lang lang, struct jm_strbuf *sb);
JM_API jm_status jm_retention_json(const struct jm_report *r, const struct jm_retention *rt,
                                   enum jm_lang lang, struct jm_strbuf *sb);
JM_API jm_status jm_voice_json(const struct jm_report *r, const struct jm_voice *v,
                               enum jm_lang lang, struct jm_strbuf *sb);
JM_API jm_status jm_questions_json(const struct jm_report *r, const struct jm_questions *q,
                                   enum jm_lang lang, struct jm_strbuf *sb);

#ifdef __cplusplus
}
#endif
#endif /* JM_INSIGHTS_H */
