/*
 * struct jm_journey -> definition text (the inverse of parse.c). The output is meant to be read
 * and edited by people, and to parse back to an equal definition, so:
 *
 *   - every string a person wrote is double-quoted and escaped: a text that looks like a
 *     number, `true`, `null`, or holds ": " or "#", stays a string, and Vietnamese passes
 *     through as UTF-8;
 *   - words of the format (account, won, conversion_rate) and numbers are plain;
 *   - numbers are written with the fewest digits that read back as the same double;
 *   - defaults that depend on the stage's position (active) are written only when they
 *     differ, so moving stages around later does not leave stale values behind.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "journeymap/define.h"

struct writer {
    struct jm_strbuf *sb;
    enum jm_lang lang; /* JM_LANG__COUNT: both languages as {en, vi} */
    const struct jm_journey *j;
    jm_status rc; /* sticky: the first failure; later writes do nothing */
    struct jm_error *err;
};

static void put(struct writer *w, const char *fmt, ...) JM_PRINTF(2, 3);
static void put(struct writer *w, const char *fmt, ...)
{
    if (w->rc)
        return;
    va_list ap;
    va_start(ap, fmt);
    w->rc = jm_strbuf_vaddf(w->sb, fmt, ap);
    va_end(ap);
}

static void indent(struct writer *w, int n)
{
    put(w, "%*s", n, "");
}

/* ---------------------------------------------------------------- scalars */

/* Decodes the UTF-8 sequence at s (valid, checked before); returns its length. */
static size_t decode(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
    unsigned c = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++)
        c = (c << 6) | (s[i] & 0x3f);
    *cp = c;
    return n;
}

/*
 * Code points a double-quoted YAML scalar cannot hold as they are: C0 and C1 controls and DEL
 * (libyaml's reader refuses them, or folds NEL as a line break), the line and paragraph
 * separators (also breaks to libyaml), a stray byte-order mark and the two non-characters.
 */
static bool must_escape(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

static void put_str(struct writer *w, const char *s)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    if (!w->rc && !jm_utf8_valid(s, len, NULL)) {
        w->rc = jm_error_set(w->err, JM_EINVAL, "cannot write a text that is not valid UTF-8");
        return;
    }
    put(w, "\"");
    for (size_t i = 0; i < len && !w->rc;) {
        unsigned cp;
        size_t n = decode((const unsigned char *)s + i, &cp);
        if (cp == '"' || cp == '\\')
            put(w, "\\%c", (char)cp);
        else if (cp == '\n')
            put(w, "\\n");
        else if (cp == '\t')
            put(w, "\\t");
        else if (cp == '\r')
            put(w, "\\r");
        else if (must_escape(cp))
            put(w, cp <= 0xff ? "\\x%02X" : "\\u%04X", cp);
        else
            w->rc = jm_strbuf_add(w->sb, s + i, n);
        i += n;
    }
    put(w, "\"");
}

static void put_num(struct writer *w, double v)
{
    char buf[40];
    if (!isfinite(v)) {
        if (!w->rc)
            w->rc = jm_error_set(w->err, JM_EINVAL, "cannot write a number that is not finite");
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) { /* whole numbers in full: 180, not 1.8e+02 */
        put(w, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    put(w, "%s", buf);
}

static void put_text(struct writer *w, const struct jm_text *t)
{
    if (w->lang != JM_LANG__COUNT) {
        put_str(w, jm_text_get(t, w->lang));
        return;
    }
    const char *sep = "{";
    for (size_t i = 0; i < JM_LANG__COUNT; i++) {
        if (!t->s[i] || !t->s[i][0])
            continue;
        put(w, "%s%s: ", sep, jm_lang_code((enum jm_lang)i));
        put_str(w, t->s[i]);
        sep = ", ";
    }
    put(w, "%s", *sep == '{' ? "\"\"" : "}");
}

static void put_strlist(struct writer *w, const struct jm_strlist *l)
{
    put(w, "[");
    for (size_t i = 0; i < l->n; i++) {
        put(w, "%s", i ? ", " : "");
        put_str(w, l->v[i]);
    }
    put(w, "]");
}

/* `KEY: TEXT` on its own line, unless the text is empty. */
static void put_text_field(struct writer *w, int ind, const char *key, const struct jm_text *t)
{
    if (jm_text_empty(t))
        return;
    indent(w, ind);
    put(w, "%s: ", key);
    put_text(w, t);
    put(w, "\n");
}

static void put_str_field(struct writer *w, int ind, const char *key, const char *s)
{
    if (!s)
        return;
    indent(w, ind);
    put(w, "%s: ", key);
    put_str(w, s);
    put(w, "\n");
}

/* `KEY:` and one `- TEXT` line per item, unless the list is empty. */
static void put_text_list(struct writer *w, int ind, const char *key, const struct jm_text_list *l)
{
    if (!l->n)
        return;
    indent(w, ind);
    put(w, "%s:\n", key);
    for (size_t i = 0; i < l->n; i++) {
        indent(w, ind + 2);
        put(w, "- ");
        put_text(w, &l->items[i]);
        put(w, "\n");
    }
}

static void put_kpi(struct writer *w, const struct jm_kpi *k)
{
    put(w, "{metric: %s, target: ", jm_kpi_key(k->metric));
    put_num(w, k->target);
    if (!jm_text_empty(&k->name)) {
        put(w, ", name: ");
        put_text(w, &k->name);
    }
    put(w, "}");
}

static void put_where(struct writer *w, size_t n, const struct jm_condition *c)
{
    put(w, "{");
    for (size_t i = 0; i < n; i++) {
        put(w, "%s", i ? ", " : "");
        put_str(w, c[i].field);
        put(w, ": ");
        put_strlist(w, &c[i].values);
    }
    put(w, "}");
}

/* ---------------------------------------------------------------- rules */

static void put_event(struct writer *w, const struct jm_rule *r)
{
    const char *sep = "";
    put(w, "event: {");
    if (r->touchpoints.n) {
        put(w, "touchpoint: ");
        put_strlist(w, &r->touchpoints);
        sep = ", ";
    }
    if (r->channels.n) {
        put(w, "%schannel: ", sep);
        put_strlist(w, &r->channels);
        sep = ", ";
    }
    if (r->n_where) {
        put(w, "%swhere: ", sep);
        put_where(w, r->n_where, r->where);
        sep = ", ";
    }
    if (r->at_least > 1) {
        put(w, "%sat_least: %lu", sep, (unsigned long)r->at_least);
        sep = ", ";
    }
    if (r->within_days > 0) {
        put(w, "%swithin_days: ", sep);
        put_num(w, r->within_days);
    }
    put(w, "}");
}

static void put_deal(struct writer *w, const struct jm_rule *r)
{
    static const char *const signals[] = {"created", "won", "lost"};
    if (r->deal != JM_DEAL_IN_STAGE && !r->pipelines.n) {
        put(w, "deal: %s", signals[r->deal]);
        return;
    }
    if (r->deal == JM_DEAL_IN_STAGE) {
        put(w, "deal: {stage: ");
        put_strlist(w, &r->deal_stages);
    } else {
        put(w, "deal: {is: %s", signals[r->deal]);
    }
    if (r->pipelines.n) {
        put(w, ", pipeline: ");
        put_strlist(w, &r->pipelines);
    }
    put(w, "}");
}

static void put_score(struct writer *w, const struct jm_rule *r)
{
    if (r->threshold) {
        put(w, "score: ");
        put_str(w, r->threshold);
        return;
    }
    put(w, "score: {at_least: ");
    put_num(w, r->score_at_least);
    put(w, "}");
}

static void put_ticket(struct writer *w, const struct jm_rule *r)
{
    if (!r->priorities.n) {
        put(w, "ticket: opened");
        return;
    }
    put(w, "ticket: {priority: ");
    put_strlist(w, &r->priorities);
    put(w, "}");
}

static void put_survey(struct writer *w, const struct jm_rule *r)
{
    put(w, "survey: {");
    if (r->survey_kind)
        put(w, "kind: %s, ", r->survey_kind);
    put(w, "min: ");
    put_num(w, r->score_min);
    put(w, ", max: ");
    put_num(w, r->score_max);
    put(w, "}");
}

/* Writes `r` from the current position; nested lines are indented by `ind`. */
static void put_rule(struct writer *w, const struct jm_rule *r, int ind)
{
    static const char *const revenue[] = {"started", "grown", "shrunk", "ended"};
    switch (r->kind) {
    case JM_RULE_ALL:
    case JM_RULE_ANY:
        put(w, "%s:\n", r->kind == JM_RULE_ALL ? "all" : "any");
        for (size_t i = 0; i < r->n_children; i++) {
            indent(w, ind + 2);
            put(w, "- ");
            put_rule(w, &r->children[i], ind + 4);
        }
        return;
    case JM_RULE_NOT:
        put(w, "not:\n");
        indent(w, ind + 2);
        put_rule(w, r->children, ind + 2);
        return;
    case JM_RULE_EVENT:
        put_event(w, r);
        break;
    case JM_RULE_SCORE:
        put_score(w, r);
        break;
    case JM_RULE_DEAL:
        put_deal(w, r);
        break;
    case JM_RULE_TICKET:
        put_ticket(w, r);
        break;
    case JM_RULE_SURVEY:
        put_survey(w, r);
        break;
    case JM_RULE_REVENUE:
        put(w, "revenue: %s", revenue[r->revenue]);
        break;
    case JM_RULE_STAGE:
        put(w, "stage: ");
        put_str(w, r->stage < w->j->n_stages ? w->j->stages[r->stage].key : "");
        break;
    }
    put(w, "\n");
}

/* ---------------------------------------------------------------- sections */

static void put_settings(struct writer *w)
{
    const struct jm_journey *j = w->j;
    const struct jm_settings *s = &j->settings;
    put(w, "\nsettings:\n  level: %s\n  rollup: %s\n  conversion_window_days: ",
        s->level == JM_LEVEL_CONTACT ? "contact" : "account",
        s->rollup == JM_ROLLUP_COMBINED ? "combined" : "any_contact");
    put_num(w, s->conversion_window_days);
    put(w, "\n  stall_days: ");
    put_num(w, s->stall_days);
    put(w, "\n  skip_counts_as_passed: %s\n", s->skip_counts_as_passed ? "true" : "false");
    if (s->period_from != INT64_MIN || s->period_to != INT64_MAX) {
        char buf[40];
        const char *sep = "";
        put(w, "  period: {");
        if (s->period_from != INT64_MIN) {
            jm_time_format(s->period_from, s->period_from % JM_US_PER_DAY == 0, buf, sizeof(buf));
            put(w, "from: \"%s\"", buf);
            sep = ", ";
        }
        if (s->period_to != INT64_MAX) {
            jm_time_format(s->period_to, s->period_to % JM_US_PER_DAY == 0, buf, sizeof(buf));
            put(w, "%sto: \"%s\"", sep, buf);
        }
        put(w, "}\n");
    }
    if (s->goal < j->n_stages)
        put_str_field(w, 2, "goal", j->stages[s->goal].key);
}

/* One annotation per line, as a flow mapping: a line per note keeps version diffs readable. */
static void put_annotation(struct writer *w, const struct jm_annotation *a)
{
    put(w, "      - {id: ");
    put_str(w, a->id);
    put(w, ", lane: %s, kind: %s, text: ", jm_lane_key(a->lane), jm_annotation_kind_key(a->kind));
    put_text(w, &a->text);
    if (a->author && *a->author) {
        put(w, ", author: ");
        put_str(w, a->author);
    }
    if (a->at != JM_TIME_NONE) {
        char when[40];
        jm_time_format(a->at, false, when, sizeof(when));
        put(w, ", at: %s", when);
    }
    put(w, "}\n");
}

static void put_stage(struct writer *w, size_t i)
{
    const struct jm_stage *st = &w->j->stages[i];
    put(w, "  - key: ");
    put_str(w, st->key);
    put(w, "\n");
    put_text_field(w, 4, "name", &st->name);
    put_str_field(w, 4, "owner", st->owner);
    if (st->active != (i + 1 < w->j->n_stages))
        put(w, "    active: %s\n", st->active ? "true" : "false");
    if (st->revisit)
        put(w, "    revisit: true\n");
    if (st->revisit_when) {
        put(w, "    revisit:\n      ");
        put_rule(w, st->revisit_when, 6);
    }
    if (st->has_emotion) {
        put(w, "    emotion: ");
        put_num(w, st->emotion);
        put(w, "\n");
    }
    if (st->dmu_roles.n) {
        put(w, "    dmu_roles: ");
        put_strlist(w, &st->dmu_roles);
        put(w, "\n");
    }
    if (st->entry) {
        put(w, "    entry:\n      ");
        put_rule(w, st->entry, 6);
    }
    bool lanes = false;
    for (size_t l = 0; l < JM_LANE__COUNT; l++)
        lanes |= st->lanes[l].n > 0;
    if (lanes)
        put(w, "    lanes:\n");
    for (size_t l = 0; l < JM_LANE__COUNT; l++)
        put_text_list(w, 6, jm_lane_key((enum jm_lane)l), &st->lanes[l]);
    bool future = st->has_future_emotion;
    for (size_t l = 0; l < JM_LANE__COUNT; l++)
        future |= st->future[l].n > 0;
    if (future)
        put(w, "    future:\n");
    if (st->has_future_emotion) {
        put(w, "      emotion: ");
        put_num(w, st->future_emotion);
        put(w, "\n");
    }
    for (size_t l = 0; l < JM_LANE__COUNT; l++)
        put_text_list(w, 6, jm_lane_key((enum jm_lane)l), &st->future[l]);
    if (st->n_kpis)
        put(w, "    kpis:\n");
    for (size_t k = 0; k < st->n_kpis; k++) {
        put(w, "      - ");
        put_kpi(w, &st->kpis[k]);
        put(w, "\n");
    }
    if (st->n_annotations)
        put(w, "    annotations:\n");
    for (size_t a = 0; a < st->n_annotations; a++)
        put_annotation(w, &st->annotations[a]);
}

static void put_touchpoint(struct writer *w, const struct jm_touchpoint_def *t)
{
    put(w, "  - key: ");
    put_str(w, t->key);
    put(w, "\n");
    put_text_field(w, 4, "name", &t->name);
    put_str_field(w, 4, "stage", t->stage);
    put_str_field(w, 4, "channel", t->channel);
    put_str_field(w, 4, "owner", t->owner);
    put_text_field(w, 4, "outcome", &t->outcome);
    if (t->has_kpi) {
        put(w, "    kpi: ");
        put_kpi(w, &t->kpi);
        put(w, "\n");
    }
}

static void put_persona(struct writer *w, const struct jm_persona *p)
{
    bool company = p->kind == JM_PERSONA_COMPANY;
    put(w, "  - key: ");
    put_str(w, p->key);
    put(w, "\n    kind: %s\n", company ? "company" : "person");
    put_text_field(w, 4, "name", &p->name);
    put_text_field(w, 4, "description", &p->description);
    if (company) {
        put_text_field(w, 4, "industry", &p->industry);
        put_text_field(w, 4, "size", &p->size);
        put_text_field(w, 4, "geography", &p->geography);
        put_text_list(w, 4, "challenges", &p->challenges);
        put_text_list(w, 4, "motivations", &p->motivations);
        return;
    }
    put_str_field(w, 4, "role", p->role);
    put_text_list(w, 4, "responsibilities", &p->responsibilities);
    put_text_list(w, 4, "kpis", &p->kpis);
    put_text_list(w, 4, "goals", &p->goals);
    put_text_list(w, 4, "trusted_sources", &p->trusted_sources);
    put_text_list(w, 4, "decision_criteria", &p->decision_criteria);
}

static void put_channel_rule(struct writer *w, const struct jm_channel_rule *r)
{
    const char *names[] = {"channels", "sources", "mediums", "referrers"};
    const struct jm_strlist *lists[] = {&r->channels, &r->sources, &r->mediums, &r->referrers};
    put(w, "  - {group: ");
    put_str(w, r->group);
    for (size_t i = 0; i < 4; i++) {
        if (!lists[i]->n)
            continue;
        put(w, ", %s: ", names[i]);
        put_strlist(w, lists[i]);
    }
    put(w, "}\n");
}

static void put_scoring(struct writer *w)
{
    const struct jm_scoring *s = &w->j->scoring;
    if (!s->half_life_days && !s->n_rules && !s->n_thresholds)
        return;
    put(w, "\nscoring:\n");
    if (s->half_life_days) {
        put(w, "  half_life_days: ");
        put_num(w, s->half_life_days);
        put(w, "\n");
    }
    if (s->n_rules)
        put(w, "  rules:\n");
    for (size_t i = 0; i < s->n_rules; i++) {
        const struct jm_score_rule *r = &s->rules[i];
        put(w, "    - {");
        if (r->touchpoints.n) {
            put(w, "touchpoint: ");
            put_strlist(w, &r->touchpoints);
            put(w, ", ");
        }
        if (r->n_where) {
            put(w, "where: ");
            put_where(w, r->n_where, r->where);
            put(w, ", ");
        }
        put(w, "points: ");
        put_num(w, r->points);
        put(w, "}\n");
    }
    if (s->n_thresholds)
        put(w, "  thresholds: {");
    for (size_t i = 0; i < s->n_thresholds; i++) {
        put(w, "%s", i ? ", " : "");
        put_str(w, s->thresholds[i].name);
        put(w, ": ");
        put_num(w, s->thresholds[i].value);
    }
    if (s->n_thresholds)
        put(w, "}\n");
}

/* ---------------------------------------------------------------- the file */

static void put_journey(struct writer *w)
{
    const struct jm_journey *j = w->j;
    put(w, "journey: ");
    put_str(w, j->key);
    put(w, "\nlang: %s\n", jm_lang_code(w->lang == JM_LANG__COUNT ? j->lang : w->lang));
    put_text_field(w, 0, "name", &j->name);
    put_text_field(w, 0, "description", &j->description);
    put_settings(w);
    put(w, "\nstages:\n");
    for (size_t i = 0; i < j->n_stages; i++)
        put_stage(w, i);
    if (j->n_touchpoints)
        put(w, "\ntouchpoints:\n");
    for (size_t i = 0; i < j->n_touchpoints; i++)
        put_touchpoint(w, &j->touchpoints[i]);
    if (j->n_personas)
        put(w, "\npersonas:\n");
    for (size_t i = 0; i < j->n_personas; i++)
        put_persona(w, &j->personas[i]);
    if (j->n_dmu_roles)
        put(w, "\ndmu_roles:\n");
    for (size_t i = 0; i < j->n_dmu_roles; i++) {
        put(w, "  - key: ");
        put_str(w, j->dmu_roles[i].key);
        put(w, "\n");
        put_text_field(w, 4, "name", &j->dmu_roles[i].name);
        put_text_field(w, 4, "description", &j->dmu_roles[i].description);
    }
    if (j->n_channel_rules)
        put(w, "\nchannel_groups:\n");
    for (size_t i = 0; i < j->n_channel_rules; i++)
        put_channel_rule(w, &j->channel_rules[i]);
    put_scoring(w);
}

jm_status jm_journey_write(const struct jm_journey *j, enum jm_lang lang, struct jm_strbuf *sb,
                           struct jm_error *err)
{
    if ((unsigned)lang > JM_LANG__COUNT)
        return jm_error_set(err, JM_EINVAL, "unknown language %d", (int)lang);
    struct writer w = {.sb = sb, .lang = lang, .j = j, .err = err};
    size_t start = sb->len;
    put_journey(&w);
    if (w.rc) {
        if (sb->cap) { /* leave `sb` as it was */
            sb->len = start;
            sb->buf[start] = '\0';
        }
        if (w.rc == JM_ENOMEM)
            jm_error_set(err, w.rc, "out of memory");
        else if (w.rc == JM_ELIMIT)
            jm_error_set(err, w.rc, "the definition is larger than the buffer's limit");
    }
    return w.rc;
}
