/*
 * The look both renderers share: team accents, status and severity colours, lane colours, the
 * rules for which sections show, and how numbers print. The HTML page takes its colours from
 * here too, so a team is the same blue on the wall poster and in the browser.
 *
 * Colours: a calm neutral base (ink #1d2433 on white, panels #f5f6f8) and one saturated accent
 * per team owner. Status colours (green, amber, red, grey) are kept out of the team palette's
 * first entries so "our team is green" never reads as "target met".
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

static const char *const team_palette[] = {
    "#2f6bd8", /* blue */
    "#0e8a7e", /* teal */
    "#7b4fd6", /* violet */
    "#b83280", /* magenta */
    "#0369a1", /* deep sky */
    "#8a5a00", /* bronze */
    "#c2570c", /* burnt orange */
    "#4d7c0f", /* olive */
};
#define N_TEAM (sizeof(team_palette) / sizeof(team_palette[0]))

const char *jm__ui(const struct jm_map *m, enum jm_map_ui k)
{
    return (unsigned)k < JM_UI__COUNT && m->ui[k] ? m->ui[k] : "";
}

static bool same(const char *a, const char *b)
{
    return a && b && *a && strcmp(a, b) == 0;
}

/*
 * Teams are numbered by the first stage they own, so the colours follow the journey from left
 * to right and stay the same whichever view or filter the map shows.
 */
const char *jm__team_color(const struct jm_map *m, const char *owner)
{
    for (size_t t = 0; owner && *owner && t < m->n_teams; t++)
        if (same(m->teams[t].key, owner) || same(m->teams[t].name, owner))
            return team_palette[t % N_TEAM];
    return JM__NEUTRAL;
}

const char *jm__status_key(enum jm_map_status st)
{
    switch (st) {
    case JM_STATUS_MET:
        return "met";
    case JM_STATUS_NEAR:
        return "near";
    case JM_STATUS_MISSED:
        return "missed";
    default:
        return "no_data";
    }
}

const char *jm__status_word(const struct jm_map *m, enum jm_map_status st)
{
    switch (st) {
    case JM_STATUS_MET:
        return jm__ui(m, JM_UI_MET);
    case JM_STATUS_NEAR:
        return jm__ui(m, JM_UI_NEAR);
    case JM_STATUS_MISSED:
        return jm__ui(m, JM_UI_MISSED);
    default:
        return jm__ui(m, JM_UI_NO_DATA);
    }
}

const char *jm__status_color(enum jm_map_status st)
{
    switch (st) {
    case JM_STATUS_MET:
        return "#17803d";
    case JM_STATUS_NEAR:
        return "#b45309";
    case JM_STATUS_MISSED:
        return "#c62828";
    default:
        return "#6b7280";
    }
}

const char *jm__status_tint(enum jm_map_status st)
{
    switch (st) {
    case JM_STATUS_MET:
        return "#ebf7ef";
    case JM_STATUS_NEAR:
        return "#fdf4e3";
    case JM_STATUS_MISSED:
        return "#fdeeee";
    default:
        return "#f2f3f5";
    }
}

const char *jm__severity_color(double severity)
{
    if (!(severity < 0.66))
        return "#c62828";
    if (severity >= 0.33)
        return "#dd6b20";
    return "#c99a06";
}

const char *jm__lane_accent(const struct jm_map_lane *lane)
{
    if (lane->kind != JM_MAP_LANE_TEXT)
        return JM__FAINT;
    switch (lane->lane) {
    case JM_LANE_PAIN_POINTS:
        return "#c62828";
    case JM_LANE_OPPORTUNITIES:
        return "#17803d";
    case JM_LANE_MOMENTS_OF_TRUTH:
        return "#b45309";
    case JM_LANE_QUESTIONS:
        return "#7b4fd6";
    default:
        return JM__FAINT;
    }
}

const char *jm__lane_group_color(const struct jm_map_lane *lane)
{
    if (lane->kind != JM_MAP_LANE_TEXT)
        return "#94a3b8"; /* measured */
    switch (lane->lane) {
    case JM_LANE_OUR_GOALS:
    case JM_LANE_OUR_ACTIONS:
    case JM_LANE_OPPORTUNITIES:
        return "#34a37a"; /* ours */
    default:
        return "#6b93d6"; /* the customer's */
    }
}

bool jm__stage_ok(const struct jm_map *m, uint32_t stage)
{
    return stage != JM_NONE && stage < m->n_stages;
}

size_t jm__cell_items(const struct jm_map *m, const struct jm_map_cell *c, const char ***items)
{
    if (m->state == JM_STATE_FUTURE && c->n_future) {
        *items = c->future;
        return c->n_future;
    }
    *items = c->items;
    return c->n;
}

double jm__grid_width(const struct jm_map *m)
{
    return JM__LANE_W + (double)m->n_stages * JM__COL_W;
}

/* ---------------------------------------------------------------- sections */

bool jm__show_funnel(const struct jm_map *m)
{
    return m->panels.funnel && m->n_stages > 0;
}

bool jm__show_flows(const struct jm_map *m)
{
    return m->panels.flows && m->n_flows > 0 && m->n_stages > 0;
}

/* Break points and stalled units show when asked for even when there are none: "no break points
 * stand out" is news worth a line on the wall. */
bool jm__show_breaks(const struct jm_map *m)
{
    return m->panels.breaks;
}

bool jm__show_idle(const struct jm_map *m)
{
    return m->panels.idle;
}

bool jm__show_personas(const struct jm_map *m)
{
    return m->panels.personas && m->n_personas > 0;
}

/* ---------------------------------------------------------------- numbers */

#define EM_DASH "\xe2\x80\x94"
#define NNBSP   "\xe2\x80\xaf" /* narrow no-break space: a thousands separator in any language */

void jm__fmt_count(uint64_t v, char *buf, size_t cap)
{
    char digits[24];
    int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 4 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0 && n > 4) {
            memcpy(buf + o, NNBSP, 3);
            o += 3;
        }
        buf[o++] = digits[i];
    }
    buf[o < cap ? o : cap - 1] = '\0';
}

void jm__fmt_fixed(double v, int decimals, bool sign, char *buf, size_t cap)
{
    if (!isfinite(v)) {
        snprintf(buf, cap, "%s", EM_DASH);
        return;
    }
    double p = pow(10, decimals);
    v = round(v * p) / p;
    if (v == 0)
        v = 0; /* no "-0.0", and zero takes no sign */
    snprintf(buf, cap, sign && v != 0 ? "%+.*f" : "%.*f", decimals, v);
}

void jm__fmt_pct(double share, int decimals, char *buf, size_t cap)
{
    if (!isfinite(share)) {
        snprintf(buf, cap, "%s", EM_DASH);
        return;
    }
    jm__fmt_fixed(share * 100, decimals, false, buf, cap);
    size_t n = strlen(buf);
    if (n + 1 < cap) {
        buf[n] = '%';
        buf[n + 1] = '\0';
    }
}

/* ---------------------------------------------------------------- composed phrases */

/* The model's words and numbers joined the same way in the SVG and the HTML. */

static const char *team_name(const struct jm_map *m, const char *owner)
{
    for (size_t i = 0; owner && *owner && i < m->n_stages; i++)
        if (m->stages[i].owner && strcmp(m->stages[i].owner, owner) == 0 &&
            m->stages[i].owner_name && *m->stages[i].owner_name)
            return m->stages[i].owner_name;
    return owner;
}

static void sep(struct jm__out *o, const struct jm_strbuf *sb, size_t line_start)
{
    if (sb->len > line_start)
        jm__out_raw(o, " \xc2\xb7 ");
}

jm_status jm__touchpoint_meta(const struct jm_map *m, const struct jm_map_touchpoint *tp,
                              struct jm_strbuf *sb)
{
    struct jm__out o = {sb, JM_OK};
    char n[48];
    size_t start = sb->len;
    const char *owner = team_name(m, tp->owner);
    jm__out_raw(&o, tp->channel);
    if (owner && *owner) {
        sep(&o, sb, start);
        jm__out_raw(&o, owner);
    }
    sep(&o, sb, start);
    jm__fmt_count(tp->events, n, sizeof(n));
    jm__out_f(&o, "%s ", n);
    jm__out_raw(&o, jm__ui(m, JM_UI_EVENTS));
    return o.rc;
}

jm_status jm__kpi_target(const struct jm_map *m, const struct jm_map_kpi *k, struct jm_strbuf *sb)
{
    struct jm__out o = {sb, JM_OK};
    if (!k->target_text || !*k->target_text)
        return JM_OK;
    jm__out_raw(&o, jm__ui(m, JM_UI_TARGET));
    jm__out_raw(&o, " ");
    jm__out_raw(&o, k->target_text);
    return o.rc;
}

jm_status jm__emotion_note(const struct jm_map *m, const struct jm_map_stage *st,
                           struct jm_strbuf *sb)
{
    struct jm__out o = {sb, JM_OK};
    char a[48], b[48];
    if (isfinite(st->emotion)) {
        jm__fmt_fixed(st->emotion, 2, true, a, sizeof(a));
        jm__out_f(&o, "%s \xc2\xb7 ", a);
        jm__out_raw(&o, jm__ui(m, st->emotion_measured ? JM_UI_MEASURED : JM_UI_AUTHORED));
    }
    if (st->n_surveys) {
        if (sb->len)
            jm__out_raw(&o, "\n");
        jm__fmt_count(st->n_surveys, a, sizeof(a));
        if (isfinite(st->nps)) {
            jm__fmt_fixed(st->nps, 0, true, b, sizeof(b));
            jm__out_f(&o, "NPS %s \xc2\xb7 ", b);
        }
        jm__out_f(&o, "%s ", a);
        jm__out_raw(&o, jm__ui(m, JM_UI_SURVEYS));
    }
    if (st->n_sentiment) {
        if (sb->len)
            jm__out_raw(&o, "\n");
        jm__fmt_count(st->n_sentiment, a, sizeof(a));
        jm__out_f(&o, "%s ", a);
        jm__out_raw(&o, jm__ui(m, JM_UI_EVENTS));
        if (isfinite(st->sentiment)) {
            jm__fmt_fixed(st->sentiment, 2, true, b, sizeof(b));
            jm__out_f(&o, " \xc2\xb7 %s", b);
        }
    }
    return o.rc;
}

/* One line of the Voice cell: "NPS +20 · 5 answers". */
static void voice_line(struct jm__out *o, const struct jm_map *m, const char *name,
                       const char *value, uint64_t n)
{
    char c[48];
    jm__fmt_count(n, c, sizeof(c));
    if (o->sb->len)
        jm__out_raw(o, "\n");
    jm__out_f(o, "%s %s \xc2\xb7 %s ", name, value, c);
    jm__out_raw(o, jm__ui(m, JM_UI_ANSWERS));
}

jm_status jm__voice_note(const struct jm_map *m, const struct jm_map_stage *st,
                         struct jm_strbuf *sb)
{
    struct jm__out o = {sb, JM_OK};
    const struct jm_score_summary *v = st->voice;
    char a[48];
    if (v[JM_SURVEY_NPS].n) {
        jm__fmt_fixed(v[JM_SURVEY_NPS].nps, 0, true, a, sizeof(a));
        voice_line(&o, m, "NPS", a, v[JM_SURVEY_NPS].n);
    }
    if (v[JM_SURVEY_CSAT].n) {
        jm__fmt_pct(v[JM_SURVEY_CSAT].top, 0, a, sizeof(a));
        voice_line(&o, m, "CSAT", a, v[JM_SURVEY_CSAT].n);
    }
    if (v[JM_SURVEY_CES].n) {
        jm__fmt_fixed(v[JM_SURVEY_CES].mean, 1, false, a, sizeof(a));
        voice_line(&o, m, "CES", a, v[JM_SURVEY_CES].n);
    }
    return o.rc;
}

/*
 * A language tag fit for xml:lang and lang: letters, digits and hyphens in BCP 47's shape
 * ("vi", "en-US"), else "und". Not cosmetic: librsvg draws nothing at all for an SVG whose
 * xml:lang it cannot parse.
 */
static bool ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

const char *jm__lang_tag(const char *code)
{
    size_t n = code ? strlen(code) : 0, run = 0;
    if (n < 2 || n > 35 || !ascii_alpha(code[0]))
        return "und";
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        if (c == '-') {
            if (run == 0 || i + 1 == n)
                return "und";
            run = 0;
        } else if (ascii_alpha(c) || (c >= '0' && c <= '9')) {
            if (++run > 8)
                return "und";
        } else {
            return "und";
        }
    }
    return code;
}
