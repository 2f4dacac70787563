/*
 * Entry rules: a small tree of all / any / not over leaves (event, score, deal, ticket, survey,
 * revenue, stage), each written as a one-key mapping:
 *
 *   entry:                             struct jm_rule tree:
 *     all:                             ALL
 *       - any: [{event: ...}, ...]      |- ANY
 *       - not: {deal: lost}             |   `- EVENT ...
 *                                       `- NOT
 *                                           `- DEAL lost
 *
 * Two shapes are refused because the engine could not give them a moment to happen: `not`
 * anywhere but directly under `all` (an absence alone never occurs), and an `all` made of
 * nothing but `not`s. Stage leaves make stages depend on each other; a cycle of them (a needs
 * b, b needs a) could never start, so the whole definition is checked for one at the end.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "define/parse.h"
#include "model/internal.h"

/* In the order of enum jm_rule_kind. */
static const char *const rule_keys[] = {"all",    "any",    "not",     "event", "score", "deal",
                                        "ticket", "survey", "revenue", "stage", NULL};

static jm_status rule(struct jm_defparse *p, const struct jm_ynode *n, int parent, unsigned depth,
                      struct jm_rule *r);

/* ---------------------------------------------------------------- all, any, not */

static jm_status children(struct jm_defparse *p, const struct jm_ynode *v, unsigned depth,
                          struct jm_rule *r)
{
    const char *name = rule_keys[r->kind];
    jm_status rc = jm__yexpect(&p->doc, v, JM_Y_SEQ, name);
    if (!rc && v->n == 0)
        return jm__def_fail(p, v, "%s needs at least one rule", name);
    if (!rc)
        rc = jm__def_array(p, v->n, sizeof(*r->children), (void **)&r->children);
    size_t nots = 0;
    for (size_t i = 0; !rc && i < v->n; i++) {
        rc = rule(p, v->items[i], (int)r->kind, depth + 1, &r->children[i]);
        nots += r->children[i].kind == JM_RULE_NOT;
        r->n_children = i + 1;
    }
    if (!rc && r->kind == JM_RULE_ALL && nots == v->n)
        return jm_error_at(p->err, JM_EPARSE, p->doc.name, r->line, r->column,
                           "all needs at least one rule other than not");
    return rc;
}

static jm_status not_rule(struct jm_defparse *p, const struct jm_ynode *n, const struct jm_ynode *v,
                          int parent, unsigned depth, struct jm_rule *r)
{
    if (parent != JM_RULE_ALL)
        return jm__def_fail(p, n, "not is allowed only directly inside all");
    jm_status rc = jm__def_array(p, 1, sizeof(*r->children), (void **)&r->children);
    if (!rc)
        rc = rule(p, v, JM_RULE_NOT, depth + 1, r->children);
    r->n_children = 1;
    return rc;
}

/* ---------------------------------------------------------------- leaves */

static const char *const event_keys[] = {"touchpoint", "channel",     "where",
                                         "at_least",   "within_days", NULL};

static jm_status event_rule(struct jm_defparse *p, const struct jm_ynode *v, struct jm_rule *r)
{
    const struct jm_ynode *x;
    double d;
    r->at_least = 1;
    if (jm__ynull(v)) /* `event:` alone: any event */
        return JM_OK;
    if (v->kind != JM_Y_MAP) /* `event: blog_view` or `event: [a, b]`: touchpoints */
        return jm__def_strlist(p, v, "touchpoint", &r->touchpoints);
    jm_status rc = jm__def_map(p, v, "event", event_keys);
    if (!rc && (x = jm__def_get(v, "touchpoint")))
        rc = jm__def_strlist(p, x, "touchpoint", &r->touchpoints);
    if (!rc && (x = jm__def_get(v, "channel")))
        rc = jm__def_strlist(p, x, "channel", &r->channels);
    if (!rc && (x = jm__def_get(v, "where")))
        rc = jm__def_where(p, x, &r->n_where, &r->where);
    if (!rc && (x = jm__def_get(v, "at_least")) &&
        !(rc = jm__def_number(p, x, "at_least", 1, JM_DEF_MAX_AT_LEAST, &d))) {
        if (d != floor(d))
            return jm__def_fail(p, x, "at_least must be a whole number, not '%s'", x->s);
        r->at_least = (uint32_t)d;
    }
    if (!rc && (x = jm__def_get(v, "within_days")))
        rc = jm__def_number(p, x, "within_days", 0, JM_DEF_MAX_DAYS, &r->within_days);
    return rc;
}

static jm_status score_rule(struct jm_defparse *p, const struct jm_ynode *v, struct jm_rule *r)
{
    static const char *const keys[] = {"at_least", NULL};
    const struct jm_scoring *s = &p->j->scoring;
    const struct jm_ynode *x;
    if (v->kind == JM_Y_SCALAR) {
        for (size_t i = 0; i < s->n_thresholds; i++)
            if (strcmp(s->thresholds[i].name, v->s) == 0) {
                r->threshold = s->thresholds[i].name;
                r->score_at_least = s->thresholds[i].value;
                return JM_OK;
            }
        char list[300] = "";
        size_t used = 0;
        for (size_t i = 0; i < s->n_thresholds && used < sizeof(list); i++)
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                     s->thresholds[i].name);
        if (!s->n_thresholds)
            return jm__def_fail(p, v, "no threshold '%s' (define it under scoring.thresholds)",
                                v->s);
        return jm__def_fail(p, v, "no threshold '%s' (thresholds: %s)", v->s, list);
    }
    jm_status rc = jm__def_map(p, v, "score", keys);
    if (rc)
        return rc;
    if (!(x = jm__def_get(v, "at_least")))
        return jm__def_fail(p, v, "score needs at_least (or the name of a threshold)");
    return jm__def_number(p, x, "at_least", -INFINITY, INFINITY, &r->score_at_least);
}

static const char *const deal_signals[] = {"created", "won", "lost", NULL};

static jm_status deal_rule(struct jm_defparse *p, const struct jm_ynode *v, struct jm_rule *r)
{
    static const char *const keys[] = {"is", "stage", "pipeline", NULL};
    const struct jm_ynode *is, *stage, *x;
    int e;
    if (v->kind == JM_Y_SCALAR) {
        for (e = 0; deal_signals[e]; e++)
            if (strcmp(deal_signals[e], v->s) == 0) {
                r->deal = (enum jm_deal_signal)e;
                return JM_OK;
            }
        return jm__def_fail(p, v, "deal must be created, won, lost or {stage: [...]}, not '%s'",
                            v->s);
    }
    jm_status rc = jm__def_map(p, v, "deal", keys);
    if (rc)
        return rc;
    is = jm__def_get(v, "is");
    stage = jm__def_get(v, "stage");
    if (is && stage)
        return jm__def_fail(p, v, "deal takes is or stage, not both");
    if (!is && !stage)
        return jm__def_fail(p, v, "deal needs is (created, won or lost) or stage");
    if (is && !(rc = jm__def_enum(p, is, "is", deal_signals, &e)))
        r->deal = (enum jm_deal_signal)e;
    if (stage && !(rc = jm__def_strlist(p, stage, "stage", &r->deal_stages))) {
        r->deal = JM_DEAL_IN_STAGE;
        if (r->deal_stages.n == 0)
            return jm__def_fail(p, stage, "stage must name at least one deal stage");
    }
    if (!rc && (x = jm__def_get(v, "pipeline")))
        rc = jm__def_strlist(p, x, "pipeline", &r->pipelines);
    return rc;
}

static jm_status ticket_rule(struct jm_defparse *p, const struct jm_ynode *v, struct jm_rule *r)
{
    static const char *const keys[] = {"priority", NULL};
    const struct jm_ynode *x;
    if (v->kind == JM_Y_SCALAR) {
        if (strcmp(v->s, "opened") == 0)
            return JM_OK;
        return jm__def_fail(p, v, "ticket must be opened or {priority: [...]}, not '%s'", v->s);
    }
    jm_status rc = jm__def_map(p, v, "ticket", keys);
    if (rc || !(x = jm__def_get(v, "priority")))
        return rc;
    if ((rc = jm__def_strlist(p, x, "priority", &r->priorities)))
        return rc;
    for (size_t i = 0; i < r->priorities.n; i++) {
        size_t k = 0;
        while (jm__ticket_priority[k] && strcasecmp(jm__ticket_priority[k], r->priorities.v[i]))
            k++;
        if (!jm__ticket_priority[k])
            return jm__def_fail(p, x->kind == JM_Y_SEQ ? x->items[i] : x,
                                "priority must be low, normal, high or urgent, not '%s'",
                                r->priorities.v[i]);
        r->priorities.v[i] = jm__ticket_priority[k]; /* canonical, static */
    }
    return JM_OK;
}

static jm_status survey_rule(struct jm_defparse *p, const struct jm_ynode *v, struct jm_rule *r)
{
    static const char *const keys[] = {"kind", "min", "max", NULL};
    static const double scale[][2] = {{0, 10}, {1, 5}, {1, 7}}; /* nps, csat, ces */
    const struct jm_ynode *kind = v, *x;
    double lo = 0, hi = 10; /* any kind: the widest scale */
    int e;
    jm_status rc = JM_OK;
    if (v->kind != JM_Y_SCALAR && !(rc = jm__def_map(p, v, "survey", keys)))
        kind = jm__def_get(v, "kind");
    if (!rc && kind && !(rc = jm__def_enum(p, kind, "kind", jm__survey_kinds, &e))) {
        r->survey_kind = jm__survey_kinds[e];
        lo = scale[e][0], hi = scale[e][1];
    }
    r->score_min = lo;
    r->score_max = hi;
    if (rc || v->kind == JM_Y_SCALAR)
        return rc;
    if ((x = jm__def_get(v, "min")))
        rc = jm__def_number(p, x, "min", lo, hi, &r->score_min);
    if (!rc && (x = jm__def_get(v, "max")))
        rc = jm__def_number(p, x, "max", lo, hi, &r->score_max);
    if (!rc && r->score_min > r->score_max)
        return jm__def_fail(p, v, "survey min must not be greater than max");
    return rc;
}

static jm_status revenue_rule(struct jm_defparse *p, const struct jm_ynode *v, struct jm_rule *r)
{
    static const char *const signals[] = {"started", "grown", "shrunk", "ended", NULL};
    int e;
    jm_status rc = jm__def_enum(p, v, "revenue", signals, &e);
    if (!rc)
        r->revenue = (enum jm_revenue_signal)e;
    return rc;
}

static jm_status stage_rule(struct jm_defparse *p, const struct jm_ynode *v, struct jm_rule *r)
{
    if (v->kind != JM_Y_SCALAR)
        return jm__def_fail(p, v, "stage must be a stage key, not %s", jm__ykind_name(v));
    return jm__def_stage_index(p, v, v->s, &r->stage);
}

/* ---------------------------------------------------------------- one rule */

static jm_status rule(struct jm_defparse *p, const struct jm_ynode *n, int parent, unsigned depth,
                      struct jm_rule *r)
{
    jm_status rc = jm__def_map(p, n, "a rule", rule_keys);
    if (rc)
        return rc;
    if (n->n != 1)
        return jm__def_fail(p, n,
                            "a rule holds exactly one of all, any, not, event, score, deal, "
                            "ticket, survey, revenue or stage (combine several with all or any)");
    if (depth > JM_DEF_MAX_RULE_DEPTH)
        return jm__def_fail(p, n, "rules nest more than %d levels deep", JM_DEF_MAX_RULE_DEPTH);
    const struct jm_ynode *v = n->pairs[0].value;
    size_t kind = 0;
    while (strcmp(rule_keys[kind], n->pairs[0].key->s) != 0)
        kind++;
    r->kind = (enum jm_rule_kind)kind;
    r->line = n->line;
    r->column = n->column;
    switch (r->kind) {
    case JM_RULE_ALL:
    case JM_RULE_ANY:
        return children(p, v, depth, r);
    case JM_RULE_NOT:
        return not_rule(p, n, v, parent, depth, r);
    case JM_RULE_EVENT:
        return event_rule(p, v, r);
    case JM_RULE_SCORE:
        return score_rule(p, v, r);
    case JM_RULE_DEAL:
        return deal_rule(p, v, r);
    case JM_RULE_TICKET:
        return ticket_rule(p, v, r);
    case JM_RULE_SURVEY:
        return survey_rule(p, v, r);
    case JM_RULE_REVENUE:
        return revenue_rule(p, v, r);
    case JM_RULE_STAGE:
        return stage_rule(p, v, r);
    }
    return JM_OK;
}

jm_status jm__def_entry(struct jm_defparse *p, const struct jm_ynode *n, struct jm_rule **out)
{
    jm_status rc = jm__def_array(p, 1, sizeof(**out), (void **)out);
    return rc ? rc : rule(p, n, -1, 1, *out);
}

/* ---------------------------------------------------------------- where */

static const char *const event_fields[] = {
    "touchpoint",  "channel",  "channel_group", "utm_source", "utm_medium", "utm_campaign",
    "utm_content", "utm_term", "url",           "referrer",   NULL};

/* `contact.FIELD` / `account.FIELD`: a field of the entity, or properties.NAME. */
static jm_status entity_field(struct jm_defparse *p, const struct jm_ynode *k, enum jm_entity kind,
                              const char *field)
{
    const struct jm_entity_def *def = jm_entity_get(kind);
    if ((strncmp(field, "properties.", 11) == 0 && field[11]) || jm_entity_field(def, field) >= 0)
        return JM_OK;
    char list[400] = "";
    size_t used = 0;
    for (size_t i = 0; i < def->nfields && used < sizeof(list); i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                 def->fields[i].name);
    return jm__def_fail(p, k, "%s have no field '%s' (fields: %s; or properties.NAME)", def->name,
                        field, list);
}

static jm_status check_field(struct jm_defparse *p, const struct jm_ynode *k)
{
    const char *f = k->s;
    for (size_t i = 0; event_fields[i]; i++)
        if (strcmp(f, event_fields[i]) == 0)
            return JM_OK;
    if (strncmp(f, "properties.", 11) == 0 && f[11])
        return JM_OK;
    if (strncmp(f, "contact.", 8) == 0)
        return entity_field(p, k, JM_ENT_CONTACT, f + 8);
    if (strncmp(f, "account.", 8) == 0)
        return entity_field(p, k, JM_ENT_ACCOUNT, f + 8);
    return jm__def_fail(p, k,
                        "unknown field '%s' in where (expected touchpoint, channel, "
                        "channel_group, utm_source, utm_medium, utm_campaign, utm_content, "
                        "utm_term, url, referrer, properties.NAME, contact.FIELD or "
                        "account.FIELD)",
                        f);
}

/* Values that name a DMU role or a persona must name one that exists. */
static jm_status check_values(struct jm_defparse *p, const struct jm_ynode *v,
                              const struct jm_condition *c)
{
    const struct jm_journey *j = p->j;
    bool role = strcmp(c->field, "contact.dmu_role") == 0;
    bool persona = strcmp(c->field, "contact.persona") == 0 && j->n_personas > 0;
    for (size_t i = 0; (role || persona) && i < c->values.n; i++) {
        const struct jm_ynode *at = v->kind == JM_Y_SEQ ? v->items[i] : v;
        const char *s = c->values.v[i];
        if (role) {
            jm_status rc = jm__def_check_role(p, at, s);
            if (rc)
                return rc;
            continue;
        }
        size_t k = 0;
        while (k < j->n_personas && strcmp(j->personas[k].key, s) != 0)
            k++;
        if (k == j->n_personas)
            return jm__def_fail(p, at, "no persona '%s' (declare it under personas)", s);
    }
    return JM_OK;
}

jm_status jm__def_where(struct jm_defparse *p, const struct jm_ynode *n, size_t *n_where,
                        struct jm_condition **where)
{
    *n_where = 0;
    jm_status rc = jm__def_map(p, n, "where", NULL);
    if (!rc)
        rc = jm__def_array(p, n->n, sizeof(**where), (void **)where);
    for (size_t i = 0; !rc && i < n->n; i++) {
        const struct jm_ynode *k = n->pairs[i].key, *v = n->pairs[i].value;
        struct jm_condition *c = &(*where)[i];
        if (!(rc = check_field(p, k)) && !(rc = jm__def_str(p, k, "a field", &c->field)) &&
            !(rc = jm__def_strlist(p, v, c->field, &c->values)))
            rc = check_values(p, v, c);
        *n_where = i + 1;
    }
    return rc;
}

/* ---------------------------------------------------------------- cycles */

/* Appends the STAGE leaves under `r` to out[*n] (counts them only when `out` is NULL). */
static void stage_leaves(const struct jm_rule *r, const struct jm_rule **out, size_t *n)
{
    if (r->kind == JM_RULE_STAGE) {
        if (out)
            out[*n] = r;
        (*n)++;
    }
    for (size_t i = 0; i < r->n_children; i++)
        stage_leaves(&r->children[i], out, n);
}

/* "a -> b -> a" from the DFS stack `path[from..top)` back to path[from]. */
static jm_status cycle_error(struct jm_defparse *p, const struct jm_rule *at, const size_t *path,
                             size_t from, size_t top)
{
    char msg[300] = "";
    size_t used = 0;
    for (size_t i = from; i <= top && used < sizeof(msg); i++)
        used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s%s", i > from ? " -> " : "",
                                 p->j->stages[i < top ? path[i] : path[from]].key);
    return jm_error_at(p->err, JM_EPARSE, p->doc.name, at->line, at->column,
                       "stage rules form a cycle: %s", msg);
}

/*
 * Depth-first search over stages, edges from a stage to the stages its entry rule (and its
 * `revisit` rule) names.
 * Iterative, with the path on an explicit stack, so a long chain of stages cannot exhaust the C
 * stack. Scratch memory comes from the YAML document's arena, freed with it.
 */
jm_status jm__def_check_cycles(struct jm_defparse *p)
{
    const struct jm_journey *j = p->j;
    size_t ns = j->n_stages, ne = 0;
    for (size_t s = 0; s < ns; s++) {
        stage_leaves(j->stages[s].entry, NULL, &ne);
        if (j->stages[s].revisit_when)
            stage_leaves(j->stages[s].revisit_when, NULL, &ne);
    }
    struct jm_arena *a = &p->doc.arena;
    size_t *off = jm_arena_alloc(a, (ns + 1) * sizeof(*off));
    size_t *next = jm_arena_alloc(a, ns * sizeof(*next));
    size_t *path = jm_arena_alloc(a, ns * sizeof(*path));
    unsigned char *color = jm_arena_alloc(a, ns); /* 0 new, 1 on the path, 2 done */
    const struct jm_rule **edges = jm_arena_alloc(a, (ne + 1) * sizeof(*edges));
    if (!off || !next || !path || !color || !edges)
        return jm__ynomem(&p->doc);
    ne = 0;
    for (size_t s = 0; s < ns; s++) {
        stage_leaves(j->stages[s].entry, edges, &ne);
        if (j->stages[s].revisit_when)
            stage_leaves(j->stages[s].revisit_when, edges, &ne);
        off[s + 1] = ne; /* off[0] is 0: the arena zeroes */
    }
    for (size_t s = 0; s < ns; s++) {
        size_t top = 0;
        if (color[s])
            continue;
        path[top++] = s;
        color[s] = 1;
        while (top) {
            size_t u = path[top - 1];
            if (off[u] + next[u] == off[u + 1]) {
                color[u] = 2;
                top--;
                continue;
            }
            const struct jm_rule *e = edges[off[u] + next[u]++];
            if (color[e->stage] == 1) {
                size_t from = 0;
                while (path[from] != e->stage)
                    from++;
                return cycle_error(p, e, path, from, top);
            }
            if (color[e->stage] == 0) {
                color[e->stage] = 1;
                path[top++] = e->stage;
            }
        }
    }
    return JM_OK;
}
