/*
 * Journey definitions: YAML (docs/journey-definition.md) -> struct jm_journey.
 *
 * The file is read in the order its references need, not in the order it is written: lang
 * first (plain texts depend on it), then DMU roles, personas and scoring (stages refer to
 * roles and thresholds, `where` conditions to roles and personas), then every stage's key (so
 * a rule may name a later stage), settings (the goal is a stage), the stages themselves,
 * touchpoints and channel groups, and last the check for cycles of stage rules. The first
 * problem stops the parse; nothing half-built is returned.
 *
 * Anchors and aliases are refused (JM_YDOC_NO_ALIASES): an alias can make a rule contain
 * itself, or multiply a small file into millions of rules, and nobody needs one to write a
 * journey.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "define/parse.h"

#define JM_DEF_MAX_FILE ((size_t)4 << 20)

/* ---------------------------------------------------------------- values */

const struct jm_ynode *jm__def_get(const struct jm_ynode *map, const char *key)
{
    const struct jm_ynode *v = jm__yget(map, key);
    return v && !jm__ynull(v) ? v : NULL;
}

jm_status jm__def_map(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                      const char *const *allowed)
{
    jm_status rc = jm__yexpect(&p->doc, n, JM_Y_MAP, what);
    return rc ? rc : jm__ycheck_keys(&p->doc, n, what, allowed);
}

jm_status jm__def_array(struct jm_defparse *p, size_t count, size_t size, void **out)
{
    size_t bytes;
    *out = jm_size_mul(count, size, &bytes) ? jm_arena_alloc(&p->j->arena, bytes) : NULL;
    return *out ? JM_OK : jm__ynomem(&p->doc);
}

/* The scalar's text, checked: a NUL would silently cut it short everywhere downstream. */
static jm_status scalar_text(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                             const char **out)
{
    if (n->kind != JM_Y_SCALAR)
        return jm__def_fail(p, n, "%s must be a single value, not %s", what, jm__ykind_name(n));
    if (strlen(n->s) != n->len)
        return jm__def_fail(p, n, "%s must not contain a NUL character", what);
    *out = jm__ynull(n) ? "" : n->s;
    return JM_OK;
}

jm_status jm__def_str(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                      const char **out)
{
    const char *s;
    jm_status rc = scalar_text(p, n, what, &s);
    if (rc)
        return rc;
    *out = jm_arena_strdup(&p->j->arena, s);
    return *out ? JM_OK : jm__ynomem(&p->doc);
}

jm_status jm__def_key(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                      const char **out)
{
    jm_status rc = jm__def_str(p, n, what, out);
    if (rc)
        return rc;
    size_t len = strlen(*out);
    if (len == 0)
        return jm__def_fail(p, n, "%s must not be empty", what);
    if (len > JM_DEF_MAX_KEY)
        return jm__def_fail(p, n, "%s is longer than %d bytes", what, JM_DEF_MAX_KEY);
    for (const char *c = *out; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
            return jm__def_fail(p, n, "%s '%s' may hold only letters, digits, '-' and '_'", what,
                                *out);
    return JM_OK;
}

/* Plain decimal only: strtod would also take "0x1p3", "nan" and "inf". */
static bool decimal_syntax(const char *s)
{
    int digits = 0;
    if (*s == '+' || *s == '-')
        s++;
    for (; isdigit((unsigned char)*s); s++)
        digits++;
    if (*s == '.')
        for (s++; isdigit((unsigned char)*s); s++)
            digits++;
    if (!digits)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

jm_status jm__def_number(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                         double lo, double hi, double *out)
{
    const char *s;
    jm_status rc = scalar_text(p, n, what, &s);
    if (rc)
        return rc;
    double v = decimal_syntax(s) ? strtod(s, NULL) : NAN;
    if (isfinite(v) && v >= lo && v <= hi) {
        *out = v;
        return JM_OK;
    }
    if (isinf(lo) && isinf(hi))
        return jm__def_fail(p, n, "%s must be a number, not '%s'", what, s);
    if (isinf(hi))
        return jm__def_fail(p, n, "%s must be a number of at least %.15g, not '%s'", what, lo, s);
    return jm__def_fail(p, n, "%s must be a number from %.15g to %.15g, not '%s'", what, lo, hi, s);
}

jm_status jm__def_bool(struct jm_defparse *p, const struct jm_ynode *n, const char *what, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    const char *s;
    jm_status rc = scalar_text(p, n, what, &s);
    for (size_t i = 0; !rc && i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
            *out = strcasecmp(s, yes[i]) == 0;
            return JM_OK;
        }
    }
    return rc ? rc : jm__def_fail(p, n, "%s must be true or false, not '%s'", what, s);
}

/* "a, b or c" */
static void join_or(const char *const *names, char *buf, size_t cap)
{
    size_t used = 0, count = 0;
    while (names[count])
        count++;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s",
                                 i == 0           ? ""
                                 : i + 1 == count ? " or "
                                                  : ", ",
                                 names[i]);
}

jm_status jm__def_enum(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                       const char *const *names, int *out)
{
    const char *s;
    jm_status rc = scalar_text(p, n, what, &s);
    if (rc)
        return rc;
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) {
            *out = i;
            return JM_OK;
        }
    char list[300];
    join_or(names, list, sizeof(list));
    return jm__def_fail(p, n, "%s must be %s, not '%s'", what, list, s);
}

jm_status jm__def_strlist(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                          struct jm_strlist *out)
{
    out->n = 0;
    if (n->kind == JM_Y_MAP)
        return jm__def_fail(p, n, "%s must be a value or a list of values, not a mapping", what);
    size_t count = n->kind == JM_Y_SEQ ? n->n : 1;
    jm_status rc = jm__def_array(p, count, sizeof(*out->v), (void **)&out->v);
    for (size_t i = 0; !rc && i < count; i++) {
        const struct jm_ynode *item = n->kind == JM_Y_SEQ ? n->items[i] : n;
        if (item->kind != JM_Y_SCALAR)
            return jm__def_fail(p, item, "%s must list single values, not %s", what,
                                jm__ykind_name(item));
        rc = jm__def_str(p, item, what, &out->v[i]);
    }
    if (!rc)
        out->n = count;
    return rc;
}

static const char *const text_keys[] = {"en", "vi", NULL};

/* One language of a text: NULL when empty, so "" and absent mean the same. */
static jm_status text_part(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                           const char **out)
{
    const char *s;
    jm_status rc = scalar_text(p, n, what, &s);
    if (rc || !*s) {
        *out = NULL;
        return rc;
    }
    *out = jm_arena_strdup(&p->j->arena, s);
    return *out ? JM_OK : jm__ynomem(&p->doc);
}

jm_status jm__def_text(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                       struct jm_text *out)
{
    memset(out, 0, sizeof(*out));
    if (n->kind == JM_Y_SCALAR)
        return text_part(p, n, what, &out->s[p->j->lang]);
    if (n->kind == JM_Y_SEQ)
        return jm__def_fail(p, n, "%s must be a text or {en: ..., vi: ...}, not a list", what);
    jm_status rc = jm__def_map(p, n, what, text_keys);
    for (size_t i = 0; !rc && i < JM_LANG__COUNT; i++) {
        const struct jm_ynode *v = jm__yget(n, text_keys[i]);
        if (v)
            rc = text_part(p, v, what, &out->s[i]);
    }
    return rc;
}

jm_status jm__def_text_list(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                            struct jm_text_list *out)
{
    size_t count = n->kind == JM_Y_SEQ ? n->n : 1;
    out->n = 0;
    jm_status rc = jm__def_array(p, count, sizeof(*out->items), (void **)&out->items);
    for (size_t i = 0; !rc && i < count; i++)
        rc = jm__def_text(p, n->kind == JM_Y_SEQ ? n->items[i] : n, what, &out->items[i]);
    if (!rc)
        out->n = count;
    return rc;
}

/* ---------------------------------------------------------------- stages */

jm_status jm__def_stage_index(struct jm_defparse *p, const struct jm_ynode *n, const char *key,
                              size_t *out)
{
    const struct jm_journey *j = p->j;
    for (size_t i = 0; i < j->n_stages; i++)
        if (strcmp(j->stages[i].key, key) == 0) {
            *out = i;
            return JM_OK;
        }
    char list[300];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < j->n_stages && used < sizeof(list); i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                 j->stages[i].key);
    return jm__def_fail(p, n, "no stage '%s' (stages: %s)", key, list);
}

static const char *const stage_keys[] = {"key",     "name",        "owner", "active", "revisit",
                                         "emotion", "dmu_roles",   "entry", "lanes",  "kpis",
                                         "future",  "annotations", NULL};

/* First pass: every stage's key, so rules and the goal may name any stage. */
static jm_status stage_keys_pass(struct jm_defparse *p, const struct jm_ynode *list)
{
    struct jm_journey *j = p->j;
    jm_status rc = jm__yexpect(&p->doc, list, JM_Y_SEQ, "stages");
    if (!rc && list->n == 0)
        return jm__def_fail(p, list, "stages is empty");
    if (!rc)
        rc = jm__def_array(p, list->n, sizeof(*j->stages), (void **)&j->stages);
    for (size_t i = 0; !rc && i < list->n; i++) {
        const struct jm_ynode *n = list->items[i], *k;
        struct jm_stage *st = &j->stages[i];
        if ((rc = jm__def_map(p, n, "a stage", stage_keys)))
            break;
        if (!(k = jm__def_get(n, "key")))
            return jm__def_fail(p, n, "a stage needs a key");
        if ((rc = jm__def_key(p, k, "stage key", &st->key)))
            break;
        for (size_t q = 0; q < i; q++)
            if (strcmp(j->stages[q].key, st->key) == 0)
                return jm__def_fail(p, k, "duplicate stage '%s'", st->key);
        st->line = n->line;
        st->column = n->column;
        st->active = i + 1 < list->n; /* the last stage is where journeys end */
        j->n_stages = i + 1;
    }
    return rc;
}

/* `lanes:` (what = "lanes") or `future:` (lanes and an emotion) into `lanes`. */
static jm_status stage_lanes(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                             struct jm_text_list *lanes, struct jm_stage *st)
{
    bool future = strcmp(what, "future") == 0;
    const char *keys[JM_LANE__COUNT + 2];
    for (size_t i = 0; i < JM_LANE__COUNT; i++)
        keys[i] = jm_lane_key((enum jm_lane)i);
    keys[JM_LANE__COUNT] = future ? "emotion" : NULL;
    keys[JM_LANE__COUNT + 1] = NULL;
    jm_status rc = jm__def_map(p, n, what, keys);
    for (size_t i = 0; !rc && i < JM_LANE__COUNT; i++) {
        const struct jm_ynode *v = jm__def_get(n, keys[i]);
        if (v)
            rc = jm__def_text_list(p, v, keys[i], &lanes[i]);
    }
    const struct jm_ynode *e = future ? jm__def_get(n, "emotion") : NULL;
    if (!rc && e) {
        rc = jm__def_number(p, e, "emotion", -1, 1, &st->future_emotion);
        st->has_future_emotion = !rc;
    }
    return rc;
}

static jm_status stage_kpis(struct jm_defparse *p, const struct jm_ynode *n, struct jm_stage *st)
{
    jm_status rc = jm__yexpect(&p->doc, n, JM_Y_SEQ, "kpis");
    if (!rc)
        rc = jm__def_array(p, n->n, sizeof(*st->kpis), (void **)&st->kpis);
    for (size_t i = 0; !rc && i < n->n; i++) {
        if ((rc = jm__def_kpi(p, n->items[i], &st->kpis[i])))
            break;
        for (size_t q = 0; q < i; q++)
            if (st->kpis[q].metric == st->kpis[i].metric)
                return jm__def_fail(p, n->items[i], "duplicate KPI '%s' in stage '%s'",
                                    jm_kpi_key(st->kpis[i].metric), st->key);
        st->n_kpis = i + 1;
    }
    return rc;
}

static jm_status stage_roles(struct jm_defparse *p, const struct jm_ynode *n, struct jm_stage *st)
{
    jm_status rc = jm__def_strlist(p, n, "dmu_roles", &st->dmu_roles);
    for (size_t i = 0; !rc && i < st->dmu_roles.n; i++)
        rc = jm__def_check_role(p, n->kind == JM_Y_SEQ ? n->items[i] : n, st->dmu_roles.v[i]);
    return rc;
}

/* Second pass: the rest of stage `i`. */
static jm_status stage_body(struct jm_defparse *p, const struct jm_ynode *n, struct jm_stage *st)
{
    const struct jm_ynode *x;
    jm_status rc = JM_OK;
    if ((x = jm__def_get(n, "name")))
        rc = jm__def_text(p, x, "name", &st->name);
    if (!rc && (x = jm__def_get(n, "owner")))
        rc = jm__def_str(p, x, "owner", &st->owner);
    if (!rc && (x = jm__def_get(n, "active")))
        rc = jm__def_bool(p, x, "active", &st->active);
    /* `revisit: true` lets the entry rule move entities back; a rule moves them back itself */
    if (!rc && (x = jm__def_get(n, "revisit")))
        rc = x->kind == JM_Y_MAP ? jm__def_entry(p, x, &st->revisit_when)
                                 : jm__def_bool(p, x, "revisit", &st->revisit);
    if (!rc && (x = jm__def_get(n, "emotion"))) {
        rc = jm__def_number(p, x, "emotion", -1, 1, &st->emotion);
        st->has_emotion = !rc;
    }
    if (!rc && (x = jm__def_get(n, "dmu_roles")))
        rc = stage_roles(p, x, st);
    if (!rc && (x = jm__def_get(n, "lanes")))
        rc = stage_lanes(p, x, "lanes", st->lanes, st);
    if (!rc && (x = jm__def_get(n, "future")))
        rc = stage_lanes(p, x, "future", st->future, st);
    if (!rc && (x = jm__def_get(n, "kpis")))
        rc = stage_kpis(p, x, st);
    if (!rc && (x = jm__def_get(n, "annotations")))
        rc = jm__def_annotations(p, x, st);
    if (rc)
        return rc;
    if (!(x = jm__def_get(n, "entry")))
        return jm__def_fail(p, n, "stage '%s' needs an entry rule", st->key);
    return jm__def_entry(p, x, &st->entry);
}

/* ---------------------------------------------------------------- settings */

static jm_status parse_date(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                            int64_t *out)
{
    const char *s;
    struct jm_error e;
    jm_status rc = scalar_text(p, n, what, &s);
    if (rc || !jm_time_parse(s, strlen(s), NULL, out, &e))
        return rc;
    if (strncmp(e.msg, "invalid date", 12) == 0)
        return jm__def_fail(p, n, "%s: %s", what, e.msg);
    return jm__def_fail(
        p, n, "%s must be a date such as 2024-01-01 or 2024-01-01T09:30:00Z, not '%s'", what, s);
}

static jm_status parse_period(struct jm_defparse *p, const struct jm_ynode *n)
{
    static const char *const keys[] = {"from", "to", NULL};
    struct jm_settings *s = &p->j->settings;
    const struct jm_ynode *x;
    jm_status rc = jm__def_map(p, n, "period", keys);
    if (!rc && (x = jm__def_get(n, "from")))
        rc = parse_date(p, x, "from", &s->period_from);
    if (!rc && (x = jm__def_get(n, "to")))
        rc = parse_date(p, x, "to", &s->period_to);
    if (!rc && s->period_from >= s->period_to)
        return jm__def_fail(p, n, "the period must end after it starts");
    return rc;
}

static const char *const settings_keys[] = {
    "level", "rollup", "conversion_window_days", "stall_days", "skip_counts_as_passed", "period",
    "goal",  NULL};
static const char *const level_names[] = {"account", "contact", NULL};
static const char *const rollup_names[] = {"any_contact", "combined", NULL};

static jm_status parse_settings(struct jm_defparse *p, const struct jm_ynode *n)
{
    struct jm_settings *s = &p->j->settings;
    const struct jm_ynode *x;
    int e;
    jm_status rc = jm__def_map(p, n, "settings", settings_keys);
    if (!rc && (x = jm__def_get(n, "level")) &&
        !(rc = jm__def_enum(p, x, "level", level_names, &e)))
        s->level = (enum jm_level)e;
    if (!rc && (x = jm__def_get(n, "rollup")) &&
        !(rc = jm__def_enum(p, x, "rollup", rollup_names, &e)))
        s->rollup = (enum jm_rollup)e;
    if (!rc && (x = jm__def_get(n, "conversion_window_days")))
        rc = jm__def_number(p, x, "conversion_window_days", 0, JM_DEF_MAX_DAYS,
                            &s->conversion_window_days);
    if (!rc && (x = jm__def_get(n, "stall_days")))
        rc = jm__def_number(p, x, "stall_days", 1, JM_DEF_MAX_DAYS, &s->stall_days);
    if (!rc && (x = jm__def_get(n, "skip_counts_as_passed")))
        rc = jm__def_bool(p, x, "skip_counts_as_passed", &s->skip_counts_as_passed);
    if (!rc && (x = jm__def_get(n, "period")))
        rc = parse_period(p, x);
    const char *goal;
    if (!rc && (x = jm__def_get(n, "goal")) && !(rc = scalar_text(p, x, "goal", &goal)))
        rc = jm__def_stage_index(p, x, goal, &s->goal);
    return rc;
}

/* ---------------------------------------------------------------- the file */

static const char *const top_keys[] = {"journey",   "lang",           "name",        "description",
                                       "settings",  "stages",         "touchpoints", "personas",
                                       "dmu_roles", "channel_groups", "scoring",     NULL};

static jm_status parse_head(struct jm_defparse *p, const struct jm_ynode *root)
{
    struct jm_journey *j = p->j;
    const struct jm_ynode *x;
    const char *s;
    jm_status rc = jm__def_map(p, root, "the journey definition", top_keys);
    if (!rc && (x = jm__def_get(root, "lang")) && !(rc = scalar_text(p, x, "lang", &s)) &&
        !jm_lang_parse(s, &j->lang))
        return jm__def_fail(p, x, "lang must be en or vi, not '%s'", s);
    if (rc)
        return rc;
    if (!(x = jm__def_get(root, "journey")))
        return jm__def_fail(p, root, "the definition needs a key (journey: NAME)");
    rc = jm__def_key(p, x, "journey key", &j->key);
    if (!rc && (x = jm__def_get(root, "name")))
        rc = jm__def_text(p, x, "name", &j->name);
    if (!rc && (x = jm__def_get(root, "description")))
        rc = jm__def_text(p, x, "description", &j->description);
    return rc;
}

static jm_status parse_top(struct jm_defparse *p, const struct jm_ynode *root)
{
    struct jm_journey *j = p->j;
    if (!root)
        return jm__def_fail(p, NULL, "the journey definition is empty");
    const struct jm_ynode *x, *stages;
    jm_status rc = parse_head(p, root);
    if (!rc && (x = jm__def_get(root, "dmu_roles")))
        rc = jm__def_dmu_roles(p, x);
    if (!rc && (x = jm__def_get(root, "personas")))
        rc = jm__def_personas(p, x);
    if (!rc && (x = jm__def_get(root, "scoring")))
        rc = jm__def_scoring(p, x);
    if (rc)
        return rc;
    if (!(stages = jm__def_get(root, "stages")))
        return jm__def_fail(p, root, "the definition needs stages");
    if ((rc = stage_keys_pass(p, stages)))
        return rc;
    j->settings.goal = j->n_stages - 1;
    if ((x = jm__def_get(root, "settings")))
        rc = parse_settings(p, x);
    for (size_t i = 0; !rc && i < j->n_stages; i++)
        rc = stage_body(p, stages->items[i], &j->stages[i]);
    if (!rc && (x = jm__def_get(root, "touchpoints")))
        rc = jm__def_touchpoints(p, x);
    if (!rc && (x = jm__def_get(root, "channel_groups")))
        rc = jm__def_channel_groups(p, x);
    if (!rc)
        rc = jm__def_check_cycles(p);
    return rc;
}

/* ---------------------------------------------------------------- public */

static struct jm_journey *journey_new(const char *path)
{
    struct jm_journey *j = jm_calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    jm_arena_init(&j->arena);
    j->path = jm_arena_strdup(&j->arena, path ? path : "");
    if (!j->path) {
        jm_free(j);
        return NULL;
    }
    j->lang = JM_LANG_EN;
    j->settings = (struct jm_settings){.level = JM_LEVEL_ACCOUNT,
                                       .rollup = JM_ROLLUP_ANY_CONTACT,
                                       .stall_days = 30,
                                       .skip_counts_as_passed = true,
                                       .period_from = INT64_MIN,
                                       .period_to = INT64_MAX};
    return j;
}

jm_status jm_journey_parse(const char *text, size_t len, const char *path, struct jm_journey **out,
                           struct jm_error *err)
{
    *out = NULL;
    struct jm_defparse p = {.err = err};
    if (!(p.j = journey_new(path)))
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    jm_status rc =
        jm__ydoc_load(&p.doc, text ? text : "", text ? len : 0, p.j->path, JM_YDOC_NO_ALIASES, err);
    if (!rc)
        rc = parse_top(&p, p.doc.root);
    if (!rc && p.j->arena.failed)
        rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    jm__ydoc_release(&p.doc);
    if (rc)
        jm_journey_free(p.j);
    else
        *out = p.j;
    return rc;
}

jm_status jm_journey_load(const char *path, struct jm_journey **out, struct jm_error *err)
{
    char *data;
    size_t len;
    *out = NULL;
    jm_status rc = jm__read_file(path, JM_DEF_MAX_FILE, &data, &len, err);
    if (rc && rc != JM_ENOMEM) {
        rc = JM_EIO; /* define.h promises JM_EIO for a file that cannot be read */
        if (err)
            err->code = rc;
    }
    if (rc)
        return rc;
    rc = jm_journey_parse(data, len, path, out, err);
    jm_free(data);
    return rc;
}

void jm_journey_free(struct jm_journey *j)
{
    if (!j)
        return;
    jm_arena_release(&j->arena);
    jm_free(j);
}

int jm_journey_stage(const struct jm_journey *j, const char *key)
{
    for (size_t i = 0; i < j->n_stages; i++)
        if (strcmp(j->stages[i].key, key) == 0)
            return (int)i;
    return -1;
}

const struct jm_touchpoint_def *jm_journey_touchpoint(const struct jm_journey *j, const char *key)
{
    for (size_t i = 0; i < j->n_touchpoints; i++)
        if (strcmp(j->touchpoints[i].key, key) == 0)
            return &j->touchpoints[i];
    return NULL;
}
