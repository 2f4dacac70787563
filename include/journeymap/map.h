/*
 * The journey map (DESIGN.md §3): one model of stages x lanes that joins the definition's text
 * with the measured journey, built once per (journey, view, language, period, filter) and read
 * by every renderer, the API and the web app. Renderers draw it; none of them computes or
 * translates anything: every label they show, the UI's own headings included, is in the model,
 * already in the chosen language, and every number is already measured.
 *
 *   map
 *    |- ui[]          the headings and phrases renderers print ("Break points", "days"...)
 *    |- lanes[]       the rows this view shows, in order (text lanes, touchpoints, channels,
 *    |                the emotion curve, KPIs, DMU coverage)
 *    |- stages[]      the columns: owner, funnel numbers, emotion, touchpoints, channels, KPIs,
 *    |                DMU coverage, and a cell of text per text lane (current and future state)
 *    |- flows[]       the Sankey: entries, forward moves, skips, backward moves, drop-offs
 *    |- attribution, paths, retention, voice, questions
 *    |                insight panels (insights.h), NULL when not shown
 *    |- breaks[]      break points in plain words, most severe first
 *    |- idle[]        stalled and silent units, longest first
 *    `- personas[]    persona cards
 *
 * Its JSON form (jm_map_json) is documented in docs/map.md.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_MAP_H
#define JM_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analytics.h"
#include "define.h"
#include "insights.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Team views: which lanes and panels a map shows and which stages it puts forward. */
enum jm_map_view {
    JM_VIEW_FULL,
    JM_VIEW_MARKETING, /* content and channel needs */
    JM_VIEW_SALES,     /* objections, decision criteria, the handoff */
    JM_VIEW_PRODUCT,   /* friction points, priority features */
    JM_VIEW_CS,        /* customer success: onboarding, expansion, churn */
    JM_VIEW__COUNT
};
/* "full", "marketing", "sales", "product", "cs" (also "customer_success"). */
JM_API bool jm_map_view_parse(const char *s, enum jm_map_view *out);
JM_API const char *jm_map_view_key(enum jm_map_view v);

/* Which state of the journey the text lanes show. */
enum jm_map_state {
    JM_STATE_CURRENT, /* the definition's lanes */
    JM_STATE_FUTURE,  /* the authored future state (current text where none is authored) */
    JM_STATE_BOTH     /* current beside future */
};
JM_API bool jm_map_state_parse(const char *s, enum jm_map_state *out);

/* The headings and phrases of a map, in the map's language. */
enum jm_map_ui {
    JM_UI_TITLE_SUFFIX, /* "journey map" */
    JM_UI_VIEW,         /* the view's name: "Full map", "Marketing view"... */
    JM_UI_PERIOD,       /* "Period" */
    JM_UI_ALL_TIME,     /* "all time" */
    JM_UI_AS_OF,        /* "Data as of" */
    JM_UI_UNITS,        /* "accounts" / "contacts" */
    JM_UI_FILTER,       /* "Segment" */
    JM_UI_STAGE,        /* "Stage" */
    JM_UI_OWNER,        /* "Owner" */
    JM_UI_REACHED,      /* "reached" */
    JM_UI_CONVERTED,    /* "converted" */
    JM_UI_RATE,         /* "conversion" */
    JM_UI_MEDIAN_DAYS,  /* "median days in stage" */
    JM_UI_DAYS,         /* "days" */
    JM_UI_DROPPED,      /* "dropped" */
    JM_UI_SKIPPED,      /* "skipped" */
    JM_UI_NOW_IN,       /* "in stage now" */
    JM_UI_FUNNEL,       /* "Funnel" */
    JM_UI_FLOWS,        /* "Flows between stages" */
    JM_UI_FORWARD,      /* "forward" */
    JM_UI_SKIP,         /* "skip" */
    JM_UI_BACK,         /* "back" */
    JM_UI_START,        /* "(start)" */
    JM_UI_DROP_OFF,     /* "dropped out" */
    JM_UI_BREAKS,       /* "Break points" */
    JM_UI_NO_BREAKS,    /* "No break points stand out." */
    JM_UI_IDLE,         /* "Stalled and silent" */
    JM_UI_STALLED,      /* "stalled" */
    JM_UI_SILENT,       /* "silent" */
    JM_UI_DAYS_IN,      /* "days in stage" */
    JM_UI_DAYS_SILENT,  /* "days silent" */
    JM_UI_LAST_TOUCH,   /* "last touch" */
    JM_UI_NO_IDLE,      /* "No stalled or silent accounts." */
    JM_UI_PERSONAS,     /* "Personas" */
    JM_UI_TARGET,       /* "target" */
    JM_UI_MET,          /* "met" */
    JM_UI_NEAR,         /* "near target" */
    JM_UI_MISSED,       /* "missed" */
    JM_UI_NO_DATA,      /* "no data" */
    JM_UI_MEASURED,     /* "measured" (emotion from surveys and sentiment) */
    JM_UI_AUTHORED,     /* "authored" (emotion from the definition) */
    JM_UI_PEAK,         /* "peak" */
    JM_UI_VALLEY,       /* "valley" */
    JM_UI_SURVEYS,      /* "surveys" */
    JM_UI_EVENTS,       /* "events" */
    JM_UI_CURRENT,      /* "Today" */
    JM_UI_FUTURE,       /* "Future" */
    JM_UI_HANDOFF,      /* "handoff" */
    JM_UI_KEY_ROLE,     /* "key role" */
    JM_UI_GENERATED,    /* "Made with journeymap" */
    /* the insight panels */
    JM_UI_ATTRIBUTION,  /* "What wins deals" */
    JM_UI_PATHS,        /* "Most common paths to the goal" */
    JM_UI_RETENTION,    /* "Retention and revenue" */
    JM_UI_VOICE,        /* "Voice of the customer" */
    JM_UI_QUESTIONS,    /* "The four questions" */
    JM_UI_CHANNEL,      /* "Channel" */
    JM_UI_PATH,         /* "Path" */
    JM_UI_SHARE,        /* "share" */
    JM_UI_COHORT,       /* "Cohort" */
    JM_UI_MONTHS_SINCE, /* "months since the first invoice" */
    JM_UI_GRR,          /* "gross revenue retention" */
    JM_UI_NRR,          /* "net revenue retention" */
    JM_UI_LTV,          /* "lifetime value" */
    JM_UI_ANSWERS,      /* "answers" */
    JM_UI_PRIORITY,     /* "Priority" */
    JM_UI_TICKETS,      /* "tickets" */
    JM_UI_RESPONSE,     /* "first response breached" */
    JM_UI_RESOLUTION,   /* "resolution breached" */
    JM_UI_SLA,          /* "SLA breaches by priority" */
    JM_UI__COUNT
};

/* The kinds of rows a map shows. */
enum jm_map_lane_kind {
    JM_MAP_LANE_TEXT,        /* one of the definition's lanes (`lane`) */
    JM_MAP_LANE_TOUCHPOINTS, /* the stage's touchpoints, with channel, owner and event count */
    JM_MAP_LANE_CHANNELS,    /* share of the stage's events by channel group */
    JM_MAP_LANE_EMOTION,     /* the emotion curve */
    JM_MAP_LANE_KPIS,        /* KPIs measured against their targets */
    JM_MAP_LANE_DMU,         /* buying-committee roles engaged */
    JM_MAP_LANE_VOICE        /* NPS (with its answers), CSAT and CES of the stage */
};

struct jm_map_lane {
    enum jm_map_lane_kind kind;
    enum jm_lane lane; /* JM_MAP_LANE_TEXT only */
    const char *key;   /* "pain_points", "touchpoints", "emotion"... */
    const char *name;  /* heading in this view ("Objections" for pain points in sales) */
};

/* A text lane's cell: the definition's lines, the authored future state, annotations. */
struct jm_map_cell {
    size_t n;
    const char **items;
    size_t n_future;
    const char **future;
    size_t n_notes; /* annotations (pain points, opportunities, notes) added to the map */
    const char **notes;
};

struct jm_map_touchpoint {
    const char *key, *name;
    const char *channel; /* "" when the catalog gives none */
    const char *owner;   /* team, "" when none */
    uint64_t events;     /* events of it while units were in this stage, in the period */
    double share;        /* of the stage's events (0..1; 0 when the stage has none) */
};

struct jm_map_share {
    const char *label; /* channel group */
    uint64_t events;
    double share; /* of the stage's events */
};

enum jm_map_status { JM_STATUS_MET, JM_STATUS_NEAR, JM_STATUS_MISSED, JM_STATUS_NO_DATA };

struct jm_map_kpi {
    const char *name;       /* the KPI's label or its metric's name */
    const char *metric;     /* jm_kpi_key */
    const char *touchpoint; /* touchpoint KPIs: its name; NULL for stage KPIs */
    double measured;        /* NAN: no data */
    double target;
    bool higher_is_better;
    bool percent;              /* rates and shares: print measured and target as % */
    enum jm_map_status status; /* met; near (within 10% of the target); missed; no data */
    const char *measured_text; /* formatted, e.g. "42.5%", "12.3 days", "—" */
    const char *target_text;
};

struct jm_map_role {
    const char *key, *name;
    bool key_role;   /* one of the stage's key roles */
    double coverage; /* share of the stage's units with the role engaged there (0..1) */
};

struct jm_map_stage {
    const char *key, *name;
    const char *owner, *owner_name; /* team key and its name; "" when none */
    bool in_view;                   /* owned by the view's team (every stage in the full view) */
    bool active;                    /* units wait here (stalls are looked for) */
    bool handoff;                   /* the owner changes after this stage */
    /* funnel, in the period */
    uint64_t reached, converted, dropped, skipped, entered;
    uint64_t now_in, idle; /* units in the stage at the end of the data; of them stalled/silent */
    double rate;           /* converted / reached; NAN when none reached */
    struct jm_dist in_stage;
    /* emotion: -1 (very negative) .. 1; measured from surveys and sentiment where there is
     * data, else the definition's authored curve, else NAN */
    double emotion;
    bool emotion_measured;
    double future_emotion; /* authored future state; NAN when none */
    int emotion_mark;      /* +1 peak, -1 valley, 0 neither */
    uint64_t n_surveys, n_sentiment;
    double nps; /* NPS of surveys answered in the stage; NAN when none */
    /* voice (jm_voice_compute's stage rows): per survey kind, n = 0 when none was answered
     * here. The lane shows NPS (nps) with n, CSAT as the share satisfied (top), CES as its
     * mean. Emotion above is the same measure as the voice engine's. */
    struct jm_score_summary voice[JM_SURVEY__COUNT];
    double sentiment; /* mean event sentiment in the stage (-1..1); NAN when none */
    uint64_t events;  /* events while units were in the stage */
    size_t n_touchpoints;
    struct jm_map_touchpoint *touchpoints; /* catalog ones first (by events), then the rest */
    size_t n_channels;
    struct jm_map_share *channels; /* largest first */
    size_t n_kpis;
    struct jm_map_kpi *kpis;
    size_t n_roles;
    struct jm_map_role *roles; /* the journey's DMU roles; key roles first */
    struct jm_map_cell cells[JM_LANE__COUNT];
};

enum jm_map_flow_kind {
    JM_FLOW_ENTER,   /* from the start into a stage */
    JM_FLOW_FORWARD, /* to the next stage */
    JM_FLOW_SKIP,    /* forward past one or more stages */
    JM_FLOW_BACK,    /* to an earlier stage */
    JM_FLOW_DROP     /* reached the stage and went no further */
};

/* One band of the Sankey: `from` and `to` are stage indexes; JM_NONE for the start (ENTER) and
 * for the drop-off sink (DROP). */
struct jm_map_flow {
    enum jm_map_flow_kind kind;
    uint32_t from, to;
    uint64_t count; /* moves (ENTER..BACK) or units (DROP) in the period */
};

struct jm_map_break {
    const char *kind;     /* "drop", "kpi", "last_touch", "dmu", "stall" */
    uint32_t stage;       /* stage index, JM_NONE when none */
    double severity;      /* 0..1-ish, for ranking and for the callout's weight */
    const char *headline; /* short: "Consideration loses 62%" */
    const char *text;     /* the whole sentence in plain words */
};

struct jm_map_idle {
    const char *id, *name; /* the unit's id and display name (account or contact name) */
    uint32_t stage;
    bool silent; /* else stalled */
    double days_in_stage, days_silent;
    const char *last_touch;      /* date, "" when none */
    const char *last_touchpoint; /* name, "" when none */
};

/* A team that owns stages: its key and name, in the order of the first stage it owns. */
struct jm_map_team {
    const char *key, *name;
};

/* A persona card: a title, a subtitle and sections of bullet lines. */
struct jm_map_section {
    const char *title;
    size_t n;
    const char **items;
};
struct jm_map_persona {
    const char *key, *name;
    const char *kind;     /* "company" / "person" */
    const char *subtitle; /* "Software · 200-1000 · Vietnam" or the DMU role's name */
    const char *description;
    bool matches_filter; /* the persona the map is filtered to */
    size_t n_sections;
    struct jm_map_section *sections;
};

/* What the map shows besides the stage lanes. */
struct jm_map_panels {
    bool funnel, flows, breaks, idle, personas;
    bool attribution, paths, retention, voice, questions; /* the insight panels (below) */
};

/*
 * Choosing panels: a bit set of JM_PANEL_BIT(p). JM_PANELS_AUTO (0) shows the view's panels,
 * the insight panels among them only when they have data (no revenue: no retention panel).
 * A chosen set (JM_PANELS_CHOSEN | bits, what jm_map_panels_parse gives) shows those panels
 * whatever the view, an insight panel without data saying so. Attribution, retention and the
 * four questions are about accounts: a contact-level map never shows them.
 */
enum jm_map_panel {
    JM_PANEL_FUNNEL,
    JM_PANEL_FLOWS,
    JM_PANEL_BREAKS,
    JM_PANEL_IDLE,
    JM_PANEL_PERSONAS,
    JM_PANEL_ATTRIBUTION,
    JM_PANEL_PATHS,
    JM_PANEL_RETENTION,
    JM_PANEL_VOICE,
    JM_PANEL_QUESTIONS,
    JM_PANEL__COUNT
};
#define JM_PANEL_BIT(p)  (UINT32_C(1) << (p))
#define JM_PANELS_AUTO   UINT32_C(0)
#define JM_PANELS_CHOSEN (UINT32_C(1) << 31)
#define JM_PANELS_ALL    (JM_PANELS_CHOSEN | (JM_PANEL_BIT(JM_PANEL__COUNT) - 1))
/* "funnel", "flows", "breaks", "idle", "personas", "attribution", "paths", "retention",
 * "voice", "questions". */
JM_API const char *jm_map_panel_key(enum jm_map_panel p);
/* "all", "none" or a comma-separated list of panel keys into *out (JM_PANELS_CHOSEN set).
 * False, with the reason in `err`, for anything else. */
JM_API bool jm_map_panels_parse(const char *s, uint32_t *out, struct jm_error *err);

/* ---------------------------------------------------------------- insight panels */

/* Attribution: won deals by channel, lookback 365 days, four models side by side. */
#define JM_MAP_ATTR_MODELS 4 /* first touch, W-shaped, linear, Markov */
struct jm_map_attr_row {
    const char *key;                   /* the channel, or JM_INSIGHT_MISSING */
    uint64_t converting;               /* won deals with a touch of it */
    double credit[JM_MAP_ATTR_MODELS]; /* deals credited, by model (models[] order) */
    double share[JM_MAP_ATTR_MODELS];  /* credit / conversions (0..1) */
};
struct jm_map_attribution {
    uint64_t conversions; /* won deals in the period */
    uint64_t with_touches;
    double revenue;
    double lookback_days;
    enum jm_attr_model models[JM_MAP_ATTR_MODELS];
    const char *model_names[JM_MAP_ATTR_MODELS]; /* in the map's language */
    size_t n_rows; /* the top channels by linear credit (JM_INSIGHT_NO_TOUCH left out) */
    struct jm_map_attr_row *rows;
    double no_touch;  /* won deals without a touch in the window */
    const char *note; /* one sentence: what was counted */
};

/* Paths: the most common touchpoint paths from the first stage to the goal stage. */
#define JM_MAP_PATHS 5
struct jm_map_path {
    size_t n_steps;
    const char **steps; /* touchpoint names; JM_PATH_ELLIPSIS where a long path is cut */
    uint64_t units;
    double share;       /* of the units with a path */
    double median_days; /* from the first stage to the goal; NAN when none */
};
struct jm_map_paths {
    const char *from, *to; /* stage keys */
    uint64_t units, distinct;
    size_t n_paths;
    struct jm_map_path *paths;
    const char *note;
};

/* Retention: the NRR triangle of the last cohorts, and the headline figures. */
#define JM_MAP_COHORTS       12
#define JM_MAP_COHORT_MONTHS 12 /* offsets 0 .. 11 */
struct jm_map_cohort {
    const char *label; /* "2025-03" */
    uint64_t accounts;
    double start_mrr;
    size_t n_months; /* offsets known, at most JM_MAP_COHORT_MONTHS */
    double nrr[JM_MAP_COHORT_MONTHS];
};
struct jm_map_retention {
    size_t n_cohorts; /* the last JM_MAP_COHORTS cohorts, oldest first */
    struct jm_map_cohort *cohorts;
    size_t months;   /* the offset of grr and nrr: 12, or the last one known */
    double grr, nrr; /* all cohorts pooled (jm_retention's totals) at `months` */
    double ltv;      /* NAN when nobody churned */
    double monthly_logo_churn;
    const char *note;
};

/* Voice: the survey headline and SLA breaches per ticket priority. */
struct jm_map_sla {
    const char *key;  /* "low", "normal", "high", "urgent", "none" */
    const char *name; /* in the map's language */
    uint64_t tickets, response_breaches, resolution_breaches;
    double response_rate, resolution_rate; /* breaches / tickets */
};
struct jm_map_voice {
    struct jm_score_summary all[JM_SURVEY__COUNT];
    size_t n_sla; /* priorities with tickets, low to urgent, then "none" */
    struct jm_map_sla *sla;
};

/* The four questions, one short answer each (NULL figures: no data). */
enum { JM_MAP_QUESTIONS = 4 };
struct jm_map_answer {
    const char *key;      /* "first_touch", "time_to_buy", "churn", "before_buying" */
    const char *question; /* in the map's language */
    const char *answer;   /* short: "Organic Search", "34 days"; an em dash without data */
    const char *detail;   /* one line of context */
};
struct jm_map_questions {
    uint64_t met;            /* accounts first met in the period */
    const char *top_channel; /* the most common first-touch channel, NULL when none */
    double top_channel_share;
    uint64_t bought;
    double median_days_to_buy; /* NAN when nobody bought */
    uint64_t customers, churned;
    double churn_rate;            /* churned / customers; NAN without customers */
    const char *top_churn_reason; /* the most common recorded reason, NULL when none */
    const char *top_page;         /* the page buyers viewed again and again, NULL when none */
    uint64_t top_page_accounts;
    struct jm_map_answer answers[JM_MAP_QUESTIONS];
};

struct jm_map_options {
    enum jm_lang lang;
    enum jm_map_view view;
    enum jm_map_state state;
    int64_t from, to;    /* period [from, to); INT64_MIN / INT64_MAX: the definition's */
    const char *segment; /* "PATH=VALUE" (a breakdown path, jm_breakdown_units), or NULL */
    const char *persona; /* persona key (filters to units labelled with it), or NULL */
    const char *title;   /* the company or workspace name for the heading, or NULL */
    size_t max_listed;   /* stalled / silent units listed (0: 12) */
    size_t max_breaks;   /* break points (0: 8) */
    uint32_t panels;     /* JM_PANELS_AUTO, or a chosen set (see enum jm_map_panel) */
};

struct jm_map {
    enum jm_lang lang;
    const char *lang_code;
    enum jm_map_view view;
    const char *view_key;
    enum jm_map_state state;
    const char *title;       /* "Acme Analytics — B2B journey" */
    const char *journey_key; /* the definition's key */
    const char *journey_name;
    const char *level;       /* "account" / "contact" */
    const char *period_text; /* "2025-01-01 – 2025-12-31" or the "all time" phrase */
    int64_t from, to, as_of;
    const char *as_of_text;
    const char *filter_text; /* "industry = Software" or NULL */
    uint64_t units;          /* units in the (filtered) population */
    const char *ui[JM_UI__COUNT];
    struct jm_map_panels panels;
    size_t n_lanes;
    struct jm_map_lane *lanes;
    size_t n_stages;
    struct jm_map_stage *stages;
    size_t n_teams; /* the stages' owners, in the order they first own a stage */
    struct jm_map_team *teams;
    size_t n_flows;
    struct jm_map_flow *flows;
    size_t n_breaks;
    struct jm_map_break *breaks;
    size_t n_idle;
    uint64_t n_stalled, n_silent; /* all, beyond the listed ones */
    struct jm_map_idle *idle;
    size_t n_personas;
    struct jm_map_persona *personas;
    /* insight panels: set when the panel is shown (panels.X), else NULL */
    struct jm_map_attribution *attribution;
    struct jm_map_paths *paths;
    struct jm_map_retention *retention;
    struct jm_map_voice *voice;
    struct jm_map_questions *questions;
    struct jm_arena arena; /* owns everything above */
};

/*
 * Builds the map of `j` over `ds` (jm_journey_run and jm_analyze inside). Errors: an unknown
 * segment path or persona, a segment without '=' (JM_EINVAL, message says which), JM_ENOMEM.
 */
JM_API jm_status jm_map_build(const struct jm_dataset *ds, const struct jm_journey *j,
                              const struct jm_map_options *opts, struct jm_map **out,
                              struct jm_error *err);
JM_API void jm_map_free(struct jm_map *m);
/* The store options a map of `j` with `opts` needs (the journey's, the segment's, sentiment).
 * The insight panels read more (utm fields, url): merge jm_insight_store_options' in too. */
JM_API void jm_map_store_options(const struct jm_journey *j, const struct jm_map_options *opts,
                                 struct jm_store_options *so);

/* The model as one JSON document (docs/map.md). */
JM_API jm_status jm_map_json(const struct jm_map *m, struct jm_strbuf *sb);

/* ---------------------------------------------------------------- renderers */

enum jm_map_format {
    JM_FORMAT_HTML, /* one self-contained page: no external requests, prints well */
    JM_FORMAT_SVG,  /* standalone SVG, no script */
    JM_FORMAT_PNG,  /* the SVG rasterised (librsvg + cairo) */
    JM_FORMAT_PDF,  /* the SVG on A3 landscape or A4 pages */
    JM_FORMAT_JSON, /* jm_map_json */
    JM_FORMAT_CSV   /* the tables, formula injection escaped */
};
/* "html", "svg", "png", "pdf", "json", "csv"; and the format a file name's extension implies. */
JM_API bool jm_map_format_parse(const char *s, enum jm_map_format *out);
JM_API bool jm_map_format_of_path(const char *path, enum jm_map_format *out);

enum jm_paper { JM_PAPER_A3, JM_PAPER_A4 };

struct jm_render_options {
    enum jm_paper paper; /* PDF: A3 landscape (default) or A4 landscape pages */
    double scale;        /* PNG: pixels per SVG unit (0: 2) */
};

/* Renders `m` as `format`, appending to `out` (bytes; binary for PNG and PDF). */
JM_API jm_status jm_map_render(const struct jm_map *m, enum jm_map_format format,
                               const struct jm_render_options *opts, struct jm_strbuf *out,
                               struct jm_error *err);

#ifdef __cplusplus
}
#endif
#endif /* JM_MAP_H */
