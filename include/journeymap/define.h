/*
 * Journey definitions (DESIGN.md §2): what each stage of a customer journey means in data, and
 * the qualitative lanes practitioners fill in per stage. A definition is a YAML file
 * (docs/journey-definition.md); it parses into a struct jm_journey whose memory lives in one
 * arena. Built-in templates (templates/NAME.yaml, compiled into the binary) are definitions too.
 *
 *   journey
 *    |- settings        level, conversion window, stall threshold, skips, rollup, period, goal
 *    |- stages[]        key, names, owner, lanes, emotion, key DMU roles, KPIs, entry rule
 *    |   `- entry       a rule tree: all / any / not over leaves (event, score, deal, ticket,
 *    |                  survey, revenue, stage)
 *    |- touchpoints[]   the catalog: key, name, usual stage, channel, owner, outcome, KPI
 *    |- personas[]      firmographic and person personas
 *    |- dmu_roles[]     the buying-committee roles, with names
 *    |- channel_groups  rules from channel / UTM source / medium / referrer to a group
 *    `- scoring         lead-score points, decay half-life, named thresholds
 *
 * Every text a person reads is a struct jm_text: one string per language. A plain YAML string
 * is in the file's `lang`; `{en: ..., vi: ...}` gives both.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_DEFINE_H
#define JM_DEFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum jm_lang { JM_LANG_EN, JM_LANG_VI, JM_LANG__COUNT };

/* "en" / "vi" -> language; false when unknown. */
JM_API bool jm_lang_parse(const char *s, enum jm_lang *out);
JM_API const char *jm_lang_code(enum jm_lang lang);

/* A text in each language; NULL where the definition has none. */
struct jm_text {
    const char *s[JM_LANG__COUNT];
};
/* The text in `lang`, else in the other language, else "". Never NULL. */
JM_API const char *jm_text_get(const struct jm_text *t, enum jm_lang lang);
JM_API bool jm_text_empty(const struct jm_text *t);

struct jm_text_list {
    size_t n;
    struct jm_text *items;
};

struct jm_strlist {
    size_t n;
    const char **v;
};

/* The qualitative lanes of a stage, in the order a map shows them. */
enum jm_lane {
    JM_LANE_THINKING,         /* what the customer thinks */
    JM_LANE_ACTIONS,          /* what the customer does */
    JM_LANE_GOALS,            /* the customer's goals */
    JM_LANE_QUESTIONS,        /* questions they ask */
    JM_LANE_PAIN_POINTS,      /* worries and pain points */
    JM_LANE_EMOTIONS,         /* how they feel, in words */
    JM_LANE_INFORMATION,      /* information they need */
    JM_LANE_MOMENTS_OF_TRUTH, /* moments that make or break the relationship */
    JM_LANE_OUR_GOALS,        /* our business goal */
    JM_LANE_OUR_ACTIONS,      /* our actions and campaigns */
    JM_LANE_OPPORTUNITIES,    /* opportunities to improve */
    JM_LANE__COUNT
};
/* YAML key of a lane ("pain_points"); its heading in `lang` ("Pain points" / "Điểm đau"). */
JM_API const char *jm_lane_key(enum jm_lane lane);
JM_API const char *jm_lane_name(enum jm_lane lane, enum jm_lang lang);

/*
 * Annotations: what a team notes on one cell of the map (a stage's lane), from the web app or
 * the API. Each change saves a new definition version, so annotations live in the definition,
 * under a stage's `annotations:` (docs/journey-definition.md).
 */
enum jm_annotation_kind {
    JM_ANNOTATION_PAIN_POINT,
    JM_ANNOTATION_OPPORTUNITY,
    JM_ANNOTATION_NOTE,
    JM_ANNOTATION__COUNT
};
/* YAML key ("pain_point", "opportunity", "note"); its label in `lang` ("Pain point" /
 * "Điểm đau"). Parse takes the key; false when unknown. */
JM_API const char *jm_annotation_kind_key(enum jm_annotation_kind k);
JM_API const char *jm_annotation_kind_name(enum jm_annotation_kind k, enum jm_lang lang);
JM_API bool jm_annotation_kind_parse(const char *s, enum jm_annotation_kind *out);

struct jm_annotation {
    const char *id; /* unique within the journey: letters, digits, '-', '_' */
    enum jm_lane lane;
    enum jm_annotation_kind kind;
    struct jm_text text;
    const char *author; /* "" when not said */
    int64_t at;         /* when it was written, UTC microseconds; JM_TIME_NONE when not said */
    unsigned long line, column;
};

/* ---------------------------------------------------------------- rules */

enum jm_rule_kind {
    JM_RULE_ALL,     /* every child has happened */
    JM_RULE_ANY,     /* any child happens */
    JM_RULE_NOT,     /* its one child has not happened (only under `all`) */
    JM_RULE_EVENT,   /* events of given touchpoints / channels / conditions, N within a window */
    JM_RULE_SCORE,   /* lead score at or over a threshold */
    JM_RULE_DEAL,    /* a deal created, in a pipeline stage, won or lost */
    JM_RULE_TICKET,  /* a support ticket opened */
    JM_RULE_SURVEY,  /* a survey answered with a score in a range */
    JM_RULE_REVENUE, /* recurring revenue started, grown, shrunk or ended */
    JM_RULE_STAGE    /* entry into another stage */
};

enum jm_deal_signal { JM_DEAL_CREATED, JM_DEAL_WON, JM_DEAL_LOST, JM_DEAL_IN_STAGE };
enum jm_revenue_signal { JM_REV_STARTED, JM_REV_GROWN, JM_REV_SHRUNK, JM_REV_ENDED };

/*
 * `field` equals one of `values` (case-insensitive for enum-like fields, exact otherwise).
 * Event fields: touchpoint, channel, channel_group, utm_source, utm_medium, utm_campaign,
 * utm_content, utm_term, url, referrer, or `properties.NAME`. Also `contact.FIELD` and
 * `account.FIELD` of the event's contact and account (dmu_role, persona, industry...).
 */
struct jm_condition {
    const char *field;
    struct jm_strlist values;
};

struct jm_rule {
    enum jm_rule_kind kind;
    unsigned long line, column; /* where the rule is written, for messages */

    /* ALL, ANY: n_children >= 1; NOT: exactly 1. */
    size_t n_children;
    struct jm_rule *children;

    /* EVENT: empty lists match any. `channels` match the raw channel or its group. */
    struct jm_strlist touchpoints, channels;
    size_t n_where;
    struct jm_condition *where;
    uint32_t at_least;  /* >= 1 */
    double within_days; /* 0: no window */

    /* SCORE */
    double score_at_least;
    const char *threshold; /* the named threshold it came from, or NULL */

    /* DEAL: `stages` for IN_STAGE; `pipelines` empty: any pipeline. */
    enum jm_deal_signal deal;
    struct jm_strlist deal_stages, pipelines;

    /* TICKET: priorities empty: any. */
    struct jm_strlist priorities;

    /* SURVEY: kind "nps" / "csat" / "ces" (NULL: any); inclusive score range. */
    const char *survey_kind;
    double score_min, score_max;

    /* REVENUE */
    enum jm_revenue_signal revenue;

    /* STAGE: index into journey->stages. */
    size_t stage;
};

/* ---------------------------------------------------------------- the definition */

enum jm_kpi_metric {
    JM_KPI_CONVERSION_RATE, /* share of entities that move on from the stage (0..1) */
    JM_KPI_MEDIAN_DAYS,     /* median days in the stage (lower is better) */
    JM_KPI_COUNT,           /* entities that reached the stage (touchpoint: events) */
    JM_KPI_NPS,             /* NPS of surveys answered while in the stage (-100..100) */
    JM_KPI_WIN_RATE,        /* won / (won + lost) of deals of entities in the stage */
    JM_KPI_DMU_COVERAGE,    /* share of the stage's key DMU roles engaged (0..1) */
    JM_KPI_NRR,             /* net revenue retention of accounts that reached the stage */
    JM_KPI__COUNT
};
JM_API const char *jm_kpi_key(enum jm_kpi_metric m);
JM_API const char *jm_kpi_name(enum jm_kpi_metric m, enum jm_lang lang);
/* False for metrics where lower is better (median_days). */
JM_API bool jm_kpi_higher_is_better(enum jm_kpi_metric m);

struct jm_kpi {
    enum jm_kpi_metric metric;
    double target;
    struct jm_text name; /* optional label; empty: the metric's name */
    unsigned long line, column;
};

enum jm_level { JM_LEVEL_ACCOUNT, JM_LEVEL_CONTACT };
enum jm_rollup {
    JM_ROLLUP_ANY_CONTACT, /* an account reaches a stage when any contact or record does */
    JM_ROLLUP_COMBINED     /* rules see the account's events of all contacts together */
};

struct jm_settings {
    enum jm_level level;            /* default account */
    enum jm_rollup rollup;          /* default any_contact */
    double conversion_window_days;  /* 0: none (default) */
    double stall_days;              /* no touch for this long: gone silent (default 30) */
    bool skip_counts_as_passed;     /* default true */
    int64_t period_from, period_to; /* UTC us, [from, to); INT64_MIN / INT64_MAX: open */
    size_t goal;                    /* stage index of "converted" for time to convert;
                                       default the last stage */
};

struct jm_stage {
    const char *key;
    struct jm_text name;
    const char *owner; /* team: marketing, sales, customer_success, product... or NULL */
    bool active;       /* entities wait here (stalls are looked for); default true, except the
                          last stage */
    bool revisit;      /* an entity further on comes back here when the entry rule occurs */
    struct jm_rule *entry;
    struct jm_rule *revisit_when; /* or only when this rule occurs (`revisit: RULE`); NULL */
    struct jm_text_list lanes[JM_LANE__COUNT];
    bool has_emotion;
    double emotion; /* the authored emotion curve, -1 (very negative) .. 1 */
    /* The authored future state (`future:` lanes and emotion): what the stage should become. */
    struct jm_text_list future[JM_LANE__COUNT];
    bool has_future_emotion;
    double future_emotion;
    struct jm_strlist dmu_roles; /* key roles in this stage */
    size_t n_kpis;
    struct jm_kpi *kpis;
    size_t n_annotations; /* in the order written */
    struct jm_annotation *annotations;
    unsigned long line, column;
};

struct jm_touchpoint_def {
    const char *key; /* the event's touchpoint text */
    struct jm_text name;
    const char *stage;  /* usual stage key, or NULL */
    size_t stage_index; /* valid when stage != NULL */
    const char *channel, *owner;
    struct jm_text outcome; /* desired outcome */
    bool has_kpi;
    struct jm_kpi kpi;
};

enum jm_persona_kind { JM_PERSONA_COMPANY, JM_PERSONA_PERSON };

struct jm_persona {
    const char *key;
    enum jm_persona_kind kind;
    struct jm_text name, description;
    /* company */
    struct jm_text industry, size, geography;
    struct jm_text_list challenges, motivations;
    /* person */
    const char *role; /* DMU role key, or NULL */
    struct jm_text_list responsibilities, kpis, goals, trusted_sources, decision_criteria;
};

struct jm_dmu_role_def {
    const char *key; /* decider, champion, user, researcher, influencer, finance, or custom */
    struct jm_text name, description;
};

/*
 * One channel-grouping rule: the first rule whose every non-empty list has a match gives the
 * group. Patterns are case-insensitive, `*` matches any run of characters.
 */
struct jm_channel_rule {
    const char *group;
    struct jm_strlist channels, sources, mediums, referrers;
};

struct jm_score_rule {
    struct jm_strlist touchpoints; /* empty: any */
    size_t n_where;
    struct jm_condition *where;
    double points;
};

struct jm_threshold {
    const char *name;
    double value;
};

struct jm_scoring {
    double half_life_days; /* 0: no decay */
    size_t n_rules;
    struct jm_score_rule *rules;
    size_t n_thresholds;
    struct jm_threshold *thresholds;
};

struct jm_journey {
    const char *path; /* file it came from ("template:b2b-5" for built-ins) */
    const char *key;
    struct jm_text name, description;
    enum jm_lang lang; /* the file's language for plain strings */
    struct jm_settings settings;
    size_t n_stages;
    struct jm_stage *stages;
    size_t n_touchpoints;
    struct jm_touchpoint_def *touchpoints;
    size_t n_personas;
    struct jm_persona *personas;
    size_t n_dmu_roles;
    struct jm_dmu_role_def *dmu_roles;
    size_t n_channel_rules; /* none given: jm_channel_default_rules() */
    struct jm_channel_rule *channel_rules;
    struct jm_scoring scoring;
    struct jm_arena arena; /* owns everything above */
};

/*
 * Parses definition text. `path` names the file in messages ("file:line:column: ..."): unknown
 * keys, wrong types, values out of range, dangling references (a stage, touchpoint, persona or
 * threshold that does not exist), duplicate keys, cycles of stage rules, a `not` outside `all`
 * or an `all` with nothing but `not`. Returns owned in *out (NULL on failure).
 */
JM_API jm_status jm_journey_parse(const char *text, size_t len, const char *path,
                                  struct jm_journey **out, struct jm_error *err);
/* Reads and parses the file at `path` (JM_EIO when it cannot be read). */
JM_API jm_status jm_journey_load(const char *path, struct jm_journey **out, struct jm_error *err);
JM_API void jm_journey_free(struct jm_journey *j);

/*
 * Writes `j` as a definition file into `sb`, texts in `lang` as plain strings (falling back to
 * the other language where one is missing), or in both as {en, vi} maps when `lang` is
 * JM_LANG__COUNT. What it writes parses back to an equal definition.
 */
JM_API jm_status jm_journey_write(const struct jm_journey *j, enum jm_lang lang,
                                  struct jm_strbuf *sb, struct jm_error *err);

/* Index of stage `key`, or -1. */
JM_API int jm_journey_stage(const struct jm_journey *j, const char *key);
/* The touchpoint definition of `key`, or NULL. */
JM_API const struct jm_touchpoint_def *jm_journey_touchpoint(const struct jm_journey *j,
                                                             const char *key);
/* The DMU role's name in `lang` (from the definition, else the built-in name, else `key`). */
JM_API const char *jm_journey_role_name(const struct jm_journey *j, const char *key,
                                        enum jm_lang lang);

/*
 * The default channel grouping, in the spirit of GA4's default channel groups (Organic Search,
 * Paid Search, Paid Social, Organic Social, Email, Referral, Display, Direct...) plus Events,
 * Sales, Partner and Support.
 */
JM_API const struct jm_channel_rule *jm_channel_default_rules(size_t *n);
/*
 * The group of an event with these texts (any may be NULL/empty) under `rules`; "(other)" when
 * nothing matches; "(missing)" when all four are empty.
 */
JM_API const char *jm_channel_group(const struct jm_channel_rule *rules, size_t n,
                                    const char *channel, const char *source, const char *medium,
                                    const char *referrer);

/* ---------------------------------------------------------------- templates */

/* Number of built-in templates; their names in a fixed order ("b2b-5", ...). */
JM_API size_t jm_template_count(void);
JM_API const char *jm_template_name(size_t i);
/* The YAML source of template `name` (bilingual), or NULL when there is none. */
JM_API const char *jm_template_source(const char *name, size_t *len);
/* Parses template `name` (JM_ENOTFOUND names the templates that exist). */
JM_API jm_status jm_template_load(const char *name, struct jm_journey **out, struct jm_error *err);

#ifdef __cplusplus
}
#endif
#endif /* JM_DEFINE_H */
