/*
 * Analytics on the stage timelines (DESIGN.md §4): funnel, time in stage and to convert with
 * their trend by entry month, the transition matrix, KPIs against their targets, break points,
 * stalled and gone-silent units, and deal metrics, each for every group of a breakdown.
 * Pure functions of (timelines, definition, options) -> a report struct; jm_report_json()
 * writes it as JSON (the CLI adds text and CSV).
 *
 * Durations are in days (doubles, never truncated). Rates are exact fractions; printing rounds
 * them half up to 4 decimals (jm_round4).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_ANALYTICS_H
#define JM_ANALYTICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journey.h"

#ifdef __cplusplus
extern "C" {
#endif

/* count, mean, median (mean of the two middle values for an even count), p75, p90; NAN when
 * count is 0. Percentiles interpolate linearly between closest ranks (p = (n-1)q). */
struct jm_dist {
    uint64_t count;
    double mean, median, p75, p90;
};
/* Summarises `v[0..n)` (sorted in place). */
JM_API void jm_dist_of(double *v, size_t n, struct jm_dist *out);
/* `x` rounded half up to 4 decimals (what reports print). */
JM_API double jm_round4(double x);

/*
 * A breakdown: a label per unit (or per deal). `by` is a path: `account.FIELD`,
 * `contact.FIELD`, `deal.FIELD` (the unit's first deal), `event.FIELD` (the unit's first
 * event: channel, touchpoint, utm_source...), FIELD may be `properties.NAME` or follow a
 * reference (`deal.owner.manager`). Shortcuts: channel, source (utm_source), channel_group,
 * touchpoint, persona, dmu_role, industry, segment, region, country, size_band, product,
 * owner, manager (deal.owner.manager), pipeline. Empty values group as "(missing)".
 */
struct jm_breakdown {
    size_t n_groups;
    const char **labels; /* sorted by text */
    uint32_t *group_of;  /* per unit (or deal) */
    struct jm_arena arena;
};
JM_API jm_status jm_breakdown_units(const struct jm_timelines *tl, const char *by,
                                    struct jm_breakdown *out, struct jm_error *err);
JM_API jm_status jm_breakdown_deals(const struct jm_dataset *ds, const char *by,
                                    struct jm_breakdown *out, struct jm_error *err);
JM_API void jm_breakdown_release(struct jm_breakdown *b);
/* Event fields a breakdown path needs loaded in the store (bits of enum jm_event_field). */
JM_API uint64_t jm_breakdown_fields(const char *by);

struct jm_analysis_options {
    int64_t from, to;  /* period: [from, to); INT64_MIN / INT64_MAX for open ends */
    const char *by;    /* breakdown path, or NULL */
    size_t max_listed; /* stalled / silent units listed (0: 20) */
    /* Only the units whose `filter_by` label (a breakdown path) is `filter_value`: every figure,
     * deals, KPIs, break points and idle units included. NULL: everyone. */
    const char *filter_by, *filter_value;
    /* And only the units u with units_in[u] != 0 (n_units entries, copied); NULL: everyone. */
    const uint8_t *units_in;
};

struct jm_stage_result {
    uint64_t reached;        /* reached the stage in the period (skips included when they count) */
    uint64_t converted;      /* of them, reached a later stage (within the window) */
    uint64_t dropped;        /* reached - converted */
    uint64_t skipped;        /* passed the stage by skipping it */
    uint64_t entered;        /* actually entered it */
    double rate;             /* converted / reached; NAN when reached is 0 */
    struct jm_dist in_stage; /* days from first entry to the first later stage */
};

struct jm_month_point {
    int year, month;
    struct jm_dist days;
};

struct jm_kpi_result {
    size_t stage; /* stage index, or JM_NONE for a touchpoint KPI */
    const struct jm_kpi *kpi;
    const char *touchpoint; /* touchpoint KPIs: its key */
    double measured;        /* NAN when there is nothing to measure */
    double gap;             /* (measured - target) / |target|, sign: + is better */
    bool met;
};

struct jm_group_result {
    const char *label;              /* "(all)" for the whole population */
    uint64_t units;                 /* units in the group */
    struct jm_stage_result *stages; /* n_stages */
    uint64_t *transitions;          /* (n_stages + 1) x n_stages; row 0 = (start) */
    uint64_t moves[4];              /* by enum jm_move_kind */
    uint64_t reentries;
    struct jm_dist to_goal; /* days from the first stage entry to the goal */
    /* deals of the group's units (or of the deal breakdown group) */
    uint64_t deals, won, lost, open;
    double win_rate, won_amount, open_amount;
    struct jm_dist cycle; /* days close - create of won deals */
};

enum jm_break_kind {
    JM_BREAK_DROP,       /* a stage losing many of those who reach it */
    JM_BREAK_KPI,        /* a KPI below its target */
    JM_BREAK_LAST_TOUCH, /* the touchpoint many droppers saw last */
    JM_BREAK_DMU,        /* a key DMU role usually missing in a stage */
    JM_BREAK_STALL       /* many units stalled or silent in a stage */
};

struct jm_break_point {
    enum jm_break_kind kind;
    size_t stage;
    double severity;          /* for ranking: share lost, KPI gap, share of droppers... */
    double value, target;     /* the measured number and what it is compared with */
    uint64_t count, of;       /* e.g. 120 of 400 droppers */
    const char *what;         /* touchpoint key or DMU role key, or NULL */
    const struct jm_kpi *kpi; /* JM_BREAK_KPI: the KPI missed */
    double with_role_rate, without_role_rate; /* JM_BREAK_DMU: conversion with / without */
};

enum jm_idle_kind { JM_IDLE_STALLED, JM_IDLE_SILENT };

struct jm_idle_unit {
    size_t unit;
    size_t stage;
    enum jm_idle_kind kind; /* silent wins when both hold */
    double days_in_stage, days_silent;
    int64_t last_touch;
    const char *last_touchpoint; /* "" when the unit has no events */
};

struct jm_deal_stage_row {
    const char *pipeline, *stage;
    uint64_t deals;
    double amount;
};

struct jm_reason_row {
    const char *reason;
    uint64_t deals;
};

struct jm_report {
    const struct jm_timelines *tl;
    struct jm_analysis_options opts;
    size_t n_groups; /* groups[0] is everyone; then the breakdown's groups */
    struct jm_group_result *groups;
    struct jm_month_point **trend; /* per stage: months of first entry, ascending */
    size_t *n_trend;
    size_t n_kpis;
    struct jm_kpi_result *kpis;
    double *dmu_coverage; /* n_stages x n_roles: share of units in the stage with the role */
    size_t n_breaks;      /* ranked, most severe first */
    struct jm_break_point *breaks;
    size_t n_idle, n_stalled, n_silent; /* listed; all stalled; all silent */
    struct jm_idle_unit *idle;
    uint64_t *idle_by_stage; /* n_stages: stalled or silent units now in the stage */
    size_t n_pipeline;       /* open deals by pipeline and stage, largest first */
    struct jm_deal_stage_row *pipeline;
    size_t n_reasons; /* lost reasons, most frequent first */
    struct jm_reason_row *reasons;
    const uint8_t *unit_in; /* per unit: 1 when in the filtered population; NULL: no filter */
    struct jm_arena arena;  /* owns everything above */
};

/* Analyses `tl`. Errors: an unknown breakdown or filter path, a filter value no unit has
 * (JM_EINVAL, the message lists values that exist), JM_ENOMEM. */
JM_API jm_status jm_analyze(const struct jm_timelines *tl, const struct jm_analysis_options *opts,
                            struct jm_report **out, struct jm_error *err);
JM_API void jm_report_free(struct jm_report *r);

/*
 * What happened inside each stage, for the map: events while units were in the stage (by
 * touchpoint and by channel group), event sentiment, and surveys answered there (NPS, and every
 * survey's score put on -1..1: NPS 0-10 as (s-5)/5, CSAT 1-5 as (s-3)/2, CES 1-7 as (s-4)/3).
 * An event or survey belongs to the stage its unit was in at that moment, in the report's period
 * and population. Channel groups come from the event's channel under the journey's grouping.
 */
struct jm_stage_activity {
    uint64_t events;
    uint64_t *by_touchpoint; /* per store touchpoint id (jm_store_dict_size) */
    uint64_t *by_group;      /* per channel group (jm_activity.group_names) */
    uint64_t n_sentiment;
    double sentiment; /* mean; NAN when none */
    uint64_t n_surveys;
    double emotion; /* mean normalised survey score; NAN when none */
    uint64_t n_nps;
    double nps; /* NAN when none */
};
struct jm_activity {
    size_t n_stages, n_touchpoints, n_groups;
    const char **group_names;
    struct jm_stage_activity *stages; /* n_stages */
    struct jm_arena arena;
};
/* Needs the store loaded with JM_EV_SENTIMENT for sentiment (else none is counted). */
JM_API jm_status jm_activity_of(const struct jm_report *r, struct jm_activity **out,
                                struct jm_error *err);
JM_API void jm_activity_free(struct jm_activity *a);

/*
 * A break point in plain words, in `lang`: a short headline ("Consideration loses 62%") and the
 * whole sentence ("Consideration loses 62% of the accounts that reach it (120 of 194).").
 */
JM_API jm_status jm_break_headline(const struct jm_report *r, const struct jm_break_point *b,
                                   enum jm_lang lang, struct jm_strbuf *sb);
JM_API jm_status jm_break_text(const struct jm_report *r, const struct jm_break_point *b,
                               enum jm_lang lang, struct jm_strbuf *sb);

/* The report as one JSON document (labels in `lang`). */
JM_API jm_status jm_report_json(const struct jm_report *r, enum jm_lang lang, struct jm_strbuf *sb);
/*
 * One part of that document: its head (journey, name, level, as_of, by, stages) and the
 * sections of `part`: "funnel", "transitions" and "breakdown" the groups; "time-in-stage" the
 * groups and the trend; "breaks" the break points and KPIs; "stalled" the idle units; "deals"
 * the groups and the deal tables; "kpis"; "dmu" the DMU coverage. JM_EINVAL for another name
 * (jm_report_part_name(0, 1, ...) lists them, NULL after the last).
 */
JM_API jm_status jm_report_json_part(const struct jm_report *r, enum jm_lang lang, const char *part,
                                     struct jm_strbuf *sb);
JM_API const char *jm_report_part_name(size_t i);

/* The store options a journey needs (event columns its rules and channel groups read), plus
 * those of breakdown `by` (may be NULL). */
JM_API void jm_journey_store_options(const struct jm_journey *j, const char *by,
                                     struct jm_store_options *opts);

/* ---------------------------------------------------------------- periods and drill-down */

/*
 * A period in words into [*from, *to): "2024" (a year), "2024-03" (a month), "2024-03-05" (a
 * day) or "FROM..TO" (dates, both days included; either side may be left out: open ends are
 * INT64_MIN / INT64_MAX). False when `p` is none of these or FROM is not before TO. Used by the
 * CLI's --period and the API's ?period.
 */
JM_API bool jm_period_parse(const char *p, int64_t *from, int64_t *to);

/* The numbers of a report one can drill into: a stage's funnel figures and idle units. */
enum jm_drill {
    JM_DRILL_REACHED,   /* reached the stage in the period */
    JM_DRILL_CONVERTED, /* of them, reached a later stage (within the conversion window) */
    JM_DRILL_DROPPED,   /* reached - converted */
    JM_DRILL_IN_STAGE,  /* in the stage at the end of the data (the map's "in stage now") */
    JM_DRILL_STALLED,   /* in the stage now, stalled (needs r->idle to list every idle unit) */
    JM_DRILL_SILENT,    /* in the stage now, silent (likewise) */
    JM_DRILL__COUNT
};
/* "reached", "converted", "dropped", "in_stage", "stalled", "silent". */
JM_API bool jm_drill_parse(const char *s, enum jm_drill *out);
JM_API const char *jm_drill_key(enum jm_drill d);
/*
 * Marks in `in` (n_units bytes, set to 0 or 1) the units of the report's population counted in
 * stage `stage`'s `what`, with the rules that made the report's numbers, so the list behind a
 * number has that number of units. For STALLED and SILENT every idle unit must be listed:
 * analyse with max_listed >= n_units. Returns the count.
 */
JM_API uint64_t jm_report_drill(const struct jm_report *r, size_t stage, enum jm_drill what,
                                uint8_t *in);
/*
 * Marks the units behind break point `b` of `r` (same conventions): DROP its droppers, KPI the
 * units that reached the stage, LAST_TOUCH the droppers whose last touch was b->what, DMU the
 * units that entered the stage without role b->what, STALL the idle units in the stage. For
 * every kind but KPI the count equals b->count.
 */
JM_API uint64_t jm_report_drill_break(const struct jm_report *r, const struct jm_break_point *b,
                                      uint8_t *in);
/*
 * Marks the units of the population with at least one event of touchpoint `tp` in the period
 * (while in stage `stage` when it is not JM_NONE: the map's per-stage touchpoint counts).
 */
JM_API uint64_t jm_report_drill_touchpoint(const struct jm_report *r, const char *tp, size_t stage,
                                           uint8_t *in);

#ifdef __cplusplus
}
#endif
#endif /* JM_ANALYTICS_H */
