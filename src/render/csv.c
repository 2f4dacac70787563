/*
 * The journey map's tables as one CSV stream, for spreadsheets.
 *
 * Layout: one header row, then every table's rows, each row naming its table in the first
 * column. Every row has the same columns (the union of the tables' columns), and a table leaves
 * the columns it does not use empty. We chose this over one block per table (each with its own
 * header, separated by blank lines) because a spreadsheet or a CSV reader then sees one
 * well-formed table: filtering or pivoting on `table` gives each table with its proper
 * headings, and nothing needs splitting first. Columns that mean the same thing are shared
 * (`stage` is always the stage's key, `name` the row's display name).
 *
 * The columns: table, stage, key, id, name, owner, reached, converted, rate, dropped, skipped,
 * median_days, p90_days, now_in, idle, emotion, nps, metric, touchpoint, measured, target,
 * status, kind, from, to, count, rank, headline, state, days_in_stage, days_silent, last_touch,
 * last_touchpoint, channel, events, share, lane, text, month. `stage` is always a stage's key
 * (empty where none applies); what each table fills besides table and stage:
 *
 *   stages       name owner reached converted rate dropped skipped median_days p90_days now_in
 *                idle emotion nps events            (owner: the team's name, else its key)
 *   kpis         name metric touchpoint measured target status
 *                                                   (touchpoint: its name, for touchpoint KPIs)
 *   flows        kind from to count                 (from/to: stage keys; empty for the start
 *                                                    of an entry and the sink of a drop)
 *   breaks       rank kind headline text            (rank 1 is the most severe)
 *   idle         id name state days_in_stage days_silent last_touch last_touchpoint
 *   touchpoints  key name channel owner events share
 *   channels     name events share                  (name: the channel group)
 *   lanes        lane name state text               (one row per line of a text lane's cell,
 *                                                    lane by lane in the view's order; name:
 *                                                    the lane's heading; state: current,
 *                                                    future or note)
 *   voice        metric count measured              (metric nps, csat or ces; count: answers;
 *                                                    measured: NPS, CSAT's share satisfied, CES's
 *                                                    mean; with a stage: answers there, without:
 *                                                    all answers)
 *   attribution  key metric measured share count    (key: channel; metric: the model's key;
 *                                                    measured: deals credited; share: of all won
 *                                                    deals; count: deals with a touch of it)
 *   paths        rank text count share median_days  (text: the steps joined by " → ")
 *   cohorts      name count month measured          (name: "YYYY-MM"; count: accounts; month:
 *                                                    months since the start; measured: NRR)
 *   retention    metric measured month              (metric nrr, grr, ltv or
 *                                                    monthly_logo_churn; month: of nrr and grr)
 *   sla          key name count metric measured     (key: priority; metric response or
 *                                                    resolution; measured: share breached)
 *   questions    key headline name text             (headline: the question; name: the short
 *                                                    answer; text: its detail)
 *
 * Keys of enumerations are fixed English words: status is met, near, missed or no_data; state
 * of an idle unit is stalled or silent; flow kinds are enter, forward, skip, back, drop.
 * Numbers: rates, shares, emotion, NPS and KPI values to 4 decimals, rounded half up
 * (jm_round4); days to 2 decimals, half up; counts as integers; nothing to measure is empty.
 * Text is cleaned first (valid UTF-8, control characters dropped but for newline and tab, as
 * the SVG and HTML do: jm__text_clean), then quoted as RFC 4180 asks, and text a spreadsheet
 * would run as a formula (= + - @ tab first) gets a leading apostrophe (jm__csv_field). Lines
 * end with "\n", like the other CSV outputs of journeymap.
 *
 * SPDX-License-Identifier: MIT
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"

#include "base/internal.h"

/* ---------------------------------------------------------------- rows */

#define COLUMNS(X)                                                                                 \
    X(TABLE, "table")                                                                              \
    X(STAGE, "stage")                                                                              \
    X(KEY, "key")                                                                                  \
    X(ID, "id")                                                                                    \
    X(NAME, "name")                                                                                \
    X(OWNER, "owner")                                                                              \
    X(REACHED, "reached")                                                                          \
    X(CONVERTED, "converted")                                                                      \
    X(RATE, "rate")                                                                                \
    X(DROPPED, "dropped")                                                                          \
    X(SKIPPED, "skipped")                                                                          \
    X(MEDIAN_DAYS, "median_days")                                                                  \
    X(P90_DAYS, "p90_days")                                                                        \
    X(NOW_IN, "now_in")                                                                            \
    X(IDLE, "idle")                                                                                \
    X(EMOTION, "emotion")                                                                          \
    X(NPS, "nps")                                                                                  \
    X(METRIC, "metric")                                                                            \
    X(TOUCHPOINT, "touchpoint")                                                                    \
    X(MEASURED, "measured")                                                                        \
    X(TARGET, "target")                                                                            \
    X(STATUS, "status")                                                                            \
    X(KIND, "kind")                                                                                \
    X(FROM, "from")                                                                                \
    X(TO, "to")                                                                                    \
    X(COUNT, "count")                                                                              \
    X(RANK, "rank")                                                                                \
    X(HEADLINE, "headline")                                                                        \
    X(STATE, "state")                                                                              \
    X(DAYS_IN_STAGE, "days_in_stage")                                                              \
    X(DAYS_SILENT, "days_silent")                                                                  \
    X(LAST_TOUCH, "last_touch")                                                                    \
    X(LAST_TOUCHPOINT, "last_touchpoint")                                                          \
    X(CHANNEL, "channel")                                                                          \
    X(EVENTS, "events")                                                                            \
    X(SHARE, "share")                                                                              \
    X(LANE, "lane")                                                                                \
    X(TEXT, "text")                                                                                \
    X(MONTH, "month")

enum column {
#define X(id, name) C_##id,
    COLUMNS(X)
#undef X
        N_COLUMNS
};

static const char *const column_names[N_COLUMNS] = {
#define X(id, name) name,
    COLUMNS(X)
#undef X
};

/* One row being filled: a value per column (NULL: empty). Text values are borrowed from the
 * map; numbers are formatted into `num`. */
struct row {
    const char *v[N_COLUMNS];
    bool text[N_COLUMNS]; /* escaped against formulas; numbers are not (a "-0.5" stays one) */
    char num[N_COLUMNS][32];
};

struct csv {
    struct jm_strbuf *sb;
    jm_status rc;
    struct row row;
    struct jm_strbuf clean; /* scratch: the cleaned text of one field */
};

static struct row *start(struct csv *c, const char *table)
{
    memset(c->row.v, 0, sizeof(c->row.v));
    memset(c->row.text, 0, sizeof(c->row.text));
    c->row.v[C_TABLE] = table;
    return &c->row;
}

static void text(struct row *r, enum column col, const char *s)
{
    r->v[col] = s;
    r->text[col] = true;
}

static void count(struct row *r, enum column col, uint64_t x)
{
    snprintf(r->num[col], sizeof(r->num[col]), "%" PRIu64, x);
    r->v[col] = r->num[col];
}

/* `x` half up to `decimals` (4: jm_round4; 2: days); NAN or infinite: empty. */
static void fixed(struct row *r, enum column col, double x, int decimals)
{
    if (!isfinite(x))
        return;
    if (decimals == 4) {
        x = jm_round4(x);
    } else {
        /* Half up like jm_round4, the nudge absorbing binary error in values like 1.005. */
        double s = x * 100;
        x = floor(s + 0.5 + 8 * DBL_EPSILON * fabs(s)) / 100;
    }
    snprintf(r->num[col], sizeof(r->num[col]), "%.*f", decimals, x == 0 ? 0.0 : x);
    r->v[col] = r->num[col];
}

static void emit(struct csv *c)
{
    for (size_t i = 0; i < N_COLUMNS && !c->rc; i++) {
        const char *s = c->row.v[i];
        if (i)
            c->rc = jm_strbuf_addch(c->sb, ',');
        if (c->rc || !s)
            continue;
        if (!c->row.text[i]) {
            c->rc = jm_strbuf_add(c->sb, s, strlen(s));
            continue;
        }
        jm_strbuf_reset(&c->clean);
        c->rc = jm__text_clean(&c->clean, s, strlen(s));
        if (!c->rc)
            c->rc = jm__csv_field(c->sb, c->clean.buf, c->clean.len, true);
    }
    if (!c->rc)
        c->rc = jm_strbuf_addch(c->sb, '\n');
}

static const char *stage_key(const struct jm_map *m, uint32_t stage)
{
    return stage < m->n_stages ? m->stages[stage].key : NULL;
}

/* ---------------------------------------------------------------- tables */

static void stages(struct csv *c, const struct jm_map *m)
{
    for (size_t i = 0; i < m->n_stages; i++) {
        const struct jm_map_stage *st = &m->stages[i];
        struct row *r = start(c, "stages");
        text(r, C_STAGE, st->key);
        text(r, C_NAME, st->name);
        text(r, C_OWNER, st->owner_name && *st->owner_name ? st->owner_name : st->owner);
        count(r, C_REACHED, st->reached);
        count(r, C_CONVERTED, st->converted);
        fixed(r, C_RATE, st->rate, 4);
        count(r, C_DROPPED, st->dropped);
        count(r, C_SKIPPED, st->skipped);
        if (st->in_stage.count) {
            fixed(r, C_MEDIAN_DAYS, st->in_stage.median, 2);
            fixed(r, C_P90_DAYS, st->in_stage.p90, 2);
        }
        count(r, C_NOW_IN, st->now_in);
        count(r, C_IDLE, st->idle);
        fixed(r, C_EMOTION, st->emotion, 4);
        fixed(r, C_NPS, st->nps, 4);
        count(r, C_EVENTS, st->events);
        emit(c);
    }
}

static void kpis(struct csv *c, const struct jm_map *m)
{
    for (size_t i = 0; i < m->n_stages; i++) {
        const struct jm_map_stage *st = &m->stages[i];
        for (size_t k = 0; k < st->n_kpis; k++) {
            const struct jm_map_kpi *kpi = &st->kpis[k];
            struct row *r = start(c, "kpis");
            text(r, C_STAGE, st->key);
            text(r, C_NAME, kpi->name);
            text(r, C_METRIC, kpi->metric);
            text(r, C_TOUCHPOINT, kpi->touchpoint);
            fixed(r, C_MEASURED, kpi->measured, 4);
            fixed(r, C_TARGET, kpi->target, 4);
            r->v[C_STATUS] = jm__status_key(kpi->status);
            emit(c);
        }
    }
}

static const char *const flow_keys[] = {
    [JM_FLOW_ENTER] = "enter", [JM_FLOW_FORWARD] = "forward", [JM_FLOW_SKIP] = "skip",
    [JM_FLOW_BACK] = "back",   [JM_FLOW_DROP] = "drop",
};

static void flows(struct csv *c, const struct jm_map *m)
{
    for (size_t i = 0; i < m->n_flows; i++) {
        const struct jm_map_flow *f = &m->flows[i];
        struct row *r = start(c, "flows");
        if ((size_t)f->kind < sizeof(flow_keys) / sizeof(flow_keys[0]))
            r->v[C_KIND] = flow_keys[f->kind];
        text(r, C_FROM, stage_key(m, f->from));
        text(r, C_TO, stage_key(m, f->to));
        count(r, C_COUNT, f->count);
        emit(c);
    }
}

static void breaks(struct csv *c, const struct jm_map *m)
{
    for (size_t i = 0; i < m->n_breaks; i++) {
        const struct jm_map_break *b = &m->breaks[i];
        struct row *r = start(c, "breaks");
        text(r, C_STAGE, stage_key(m, b->stage));
        count(r, C_RANK, i + 1);
        text(r, C_KIND, b->kind);
        text(r, C_HEADLINE, b->headline);
        text(r, C_TEXT, b->text);
        emit(c);
    }
}

static void idle(struct csv *c, const struct jm_map *m)
{
    for (size_t i = 0; i < m->n_idle; i++) {
        const struct jm_map_idle *u = &m->idle[i];
        struct row *r = start(c, "idle");
        text(r, C_STAGE, stage_key(m, u->stage));
        text(r, C_ID, u->id);
        text(r, C_NAME, u->name);
        r->v[C_STATE] = u->silent ? "silent" : "stalled";
        fixed(r, C_DAYS_IN_STAGE, u->days_in_stage, 2);
        fixed(r, C_DAYS_SILENT, u->days_silent, 2);
        text(r, C_LAST_TOUCH, u->last_touch);
        text(r, C_LAST_TOUCHPOINT, u->last_touchpoint);
        emit(c);
    }
}

static void touchpoints(struct csv *c, const struct jm_map *m)
{
    for (size_t i = 0; i < m->n_stages; i++) {
        const struct jm_map_stage *st = &m->stages[i];
        for (size_t k = 0; k < st->n_touchpoints; k++) {
            const struct jm_map_touchpoint *tp = &st->touchpoints[k];
            struct row *r = start(c, "touchpoints");
            text(r, C_STAGE, st->key);
            text(r, C_KEY, tp->key);
            text(r, C_NAME, tp->name);
            text(r, C_CHANNEL, tp->channel);
            text(r, C_OWNER, tp->owner);
            count(r, C_EVENTS, tp->events);
            fixed(r, C_SHARE, tp->share, 4);
            emit(c);
        }
    }
}

static void channels(struct csv *c, const struct jm_map *m)
{
    for (size_t i = 0; i < m->n_stages; i++) {
        const struct jm_map_stage *st = &m->stages[i];
        for (size_t k = 0; k < st->n_channels; k++) {
            struct row *r = start(c, "channels");
            text(r, C_STAGE, st->key);
            text(r, C_NAME, st->channels[k].label);
            count(r, C_EVENTS, st->channels[k].events);
            fixed(r, C_SHARE, st->channels[k].share, 4);
            emit(c);
        }
    }
}

/* One row per line of a cell: `state` says whether it is today's, the future's or a note. */
static void cell_lines(struct csv *c, const struct jm_map_lane *lane, const struct jm_map_stage *st,
                       const char *state, size_t n, const char *const *items)
{
    for (size_t i = 0; i < n; i++) {
        struct row *r = start(c, "lanes");
        text(r, C_STAGE, st->key);
        text(r, C_LANE, lane->key);
        text(r, C_NAME, lane->name);
        r->v[C_STATE] = state;
        text(r, C_TEXT, items[i]);
        emit(c);
    }
}

/* The view's text lanes, in the map's order: lane by lane, stage by stage, like the map. */
static void lanes(struct csv *c, const struct jm_map *m)
{
    for (size_t l = 0; l < m->n_lanes; l++) {
        const struct jm_map_lane *lane = &m->lanes[l];
        if (lane->kind != JM_MAP_LANE_TEXT || (size_t)lane->lane >= JM_LANE__COUNT)
            continue;
        for (size_t i = 0; i < m->n_stages; i++) {
            const struct jm_map_cell *cell = &m->stages[i].cells[lane->lane];
            cell_lines(c, lane, &m->stages[i], "current", cell->n, cell->items);
            cell_lines(c, lane, &m->stages[i], "future", cell->n_future, cell->future);
            cell_lines(c, lane, &m->stages[i], "note", cell->n_notes, cell->notes);
        }
    }
}

/* ---------------------------------------------------------------- insight tables */

static const char *const survey_keys[JM_SURVEY__COUNT] = {"nps", "csat", "ces"};

static void voice_rows(struct csv *c, const char *stage, const struct jm_score_summary *v)
{
    for (size_t k = 0; k < JM_SURVEY__COUNT; k++) {
        if (!v[k].n)
            continue;
        struct row *r = start(c, "voice");
        text(r, C_STAGE, stage);
        r->v[C_METRIC] = survey_keys[k];
        count(r, C_COUNT, v[k].n);
        fixed(r, C_MEASURED,
              k == JM_SURVEY_NPS    ? v[k].nps
              : k == JM_SURVEY_CSAT ? v[k].top
                                    : v[k].mean,
              4);
        emit(c);
    }
}

static void voice(struct csv *c, const struct jm_map *m)
{
    for (size_t i = 0; i < m->n_stages; i++)
        voice_rows(c, m->stages[i].key, m->stages[i].voice);
    if (!m->voice)
        return;
    voice_rows(c, NULL, m->voice->all);
    for (size_t i = 0; i < m->voice->n_sla; i++) {
        const struct jm_map_sla *x = &m->voice->sla[i];
        for (int k = 0; k < 2; k++) {
            struct row *r = start(c, "sla");
            r->v[C_KEY] = x->key;
            text(r, C_NAME, x->name);
            count(r, C_COUNT, x->tickets);
            r->v[C_METRIC] = k ? "resolution" : "response";
            fixed(r, C_MEASURED, k ? x->resolution_rate : x->response_rate, 4);
            emit(c);
        }
    }
}

static void attribution(struct csv *c, const struct jm_map *m)
{
    const struct jm_map_attribution *a = m->attribution;
    for (size_t i = 0; a && i < a->n_rows; i++)
        for (size_t k = 0; k < JM_MAP_ATTR_MODELS; k++) {
            struct row *r = start(c, "attribution");
            text(r, C_KEY, a->rows[i].key);
            r->v[C_METRIC] = jm_attr_model_key(a->models[k]);
            fixed(r, C_MEASURED, a->rows[i].credit[k], 4);
            fixed(r, C_SHARE, a->rows[i].share[k], 4);
            count(r, C_COUNT, a->rows[i].converting);
            emit(c);
        }
}

static void paths(struct csv *c, const struct jm_map *m)
{
    struct jm_strbuf steps = JM_STRBUF_INIT;
    for (size_t i = 0; m->paths && i < m->paths->n_paths; i++) {
        const struct jm_map_path *x = &m->paths->paths[i];
        jm_strbuf_reset(&steps);
        for (size_t k = 0; k < x->n_steps; k++) {
            if (k)
                jm_strbuf_addstr(&steps, " \xe2\x86\x92 ");
            jm_strbuf_addstr(&steps, x->steps[k]);
        }
        if (steps.failed && !c->rc)
            c->rc = JM_ENOMEM;
        struct row *r = start(c, "paths");
        count(r, C_RANK, i + 1);
        text(r, C_TEXT, steps.buf);
        count(r, C_COUNT, x->units);
        fixed(r, C_SHARE, x->share, 4);
        fixed(r, C_MEDIAN_DAYS, x->median_days, 2);
        emit(c);
    }
    jm_strbuf_release(&steps);
}

static void retention(struct csv *c, const struct jm_map *m)
{
    const struct jm_map_retention *rt = m->retention;
    for (size_t i = 0; rt && i < rt->n_cohorts; i++)
        for (size_t k = 0; k < rt->cohorts[i].n_months; k++) {
            struct row *r = start(c, "cohorts");
            text(r, C_NAME, rt->cohorts[i].label);
            count(r, C_COUNT, rt->cohorts[i].accounts);
            count(r, C_MONTH, k);
            fixed(r, C_MEASURED, rt->cohorts[i].nrr[k], 4);
            emit(c);
        }
    if (!rt)
        return;
    const char *keys[] = {"nrr", "grr", "ltv", "monthly_logo_churn"};
    const double vals[] = {rt->nrr, rt->grr, rt->ltv, rt->monthly_logo_churn};
    for (size_t k = 0; k < 4; k++) {
        struct row *r = start(c, "retention");
        r->v[C_METRIC] = keys[k];
        fixed(r, C_MEASURED, vals[k], k == 2 ? 2 : 4);
        if (k < 2)
            count(r, C_MONTH, rt->months);
        emit(c);
    }
}

static void questions(struct csv *c, const struct jm_map *m)
{
    for (size_t i = 0; m->questions && i < JM_MAP_QUESTIONS; i++) {
        const struct jm_map_answer *a = &m->questions->answers[i];
        struct row *r = start(c, "questions");
        r->v[C_KEY] = a->key;
        text(r, C_HEADLINE, a->question);
        text(r, C_NAME, a->answer);
        text(r, C_TEXT, a->detail);
        emit(c);
    }
}

/* ---------------------------------------------------------------- entry */

jm_status jm__csv_map(const struct jm_map *m, struct jm_strbuf *sb)
{
    struct csv c = {.sb = sb, .rc = JM_OK, .clean = JM_STRBUF_INIT};
    for (size_t i = 0; i < N_COLUMNS && !c.rc; i++) {
        c.rc = jm_strbuf_addstr(sb, column_names[i]);
        if (!c.rc)
            c.rc = jm_strbuf_addch(sb, i + 1 < N_COLUMNS ? ',' : '\n');
    }
    stages(&c, m);
    kpis(&c, m);
    flows(&c, m);
    breaks(&c, m);
    idle(&c, m);
    touchpoints(&c, m);
    channels(&c, m);
    lanes(&c, m);
    voice(&c, m);
    attribution(&c, m);
    paths(&c, m);
    retention(&c, m);
    questions(&c, m);
    jm_strbuf_release(&c.clean);
    return c.rc;
}
