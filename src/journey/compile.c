/*
 * Compiling a definition against a dataset: every text a rule names (touchpoints, channels,
 * condition values) becomes a table of yes/no per dictionary id, so evaluating a rule on an
 * event is a couple of array reads, never a string comparison. Names the data does not have
 * simply match nothing. Also here: the channel group of every event, and the evaluation order
 * of stages (a stage whose rule refers to another comes after it; the parser rejects cycles).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "journey/internal.h"

static bool in_list(const struct jm_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcasecmp(l->v[i], s) == 0)
            return true;
    return false;
}

static uint8_t *table_for(struct jm_engine *e, size_t n)
{
    uint8_t *t = jm_arena_alloc(&e->arena, n ? n : 1);
    if (t)
        memset(t, 0, n ? n : 1);
    return t;
}

/* Marks the ids of dictionary-like texts (got through `text`) that are in `l`. */
static uint8_t *match_texts(struct jm_engine *e, const struct jm_strlist *l, size_t n,
                            const char *(*text)(const struct jm_engine *, size_t, void *),
                            void *ctx)
{
    uint8_t *ok = table_for(e, n);
    if (!ok)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = text(e, i, ctx);
        ok[i] = in_list(l, *s ? s : "(missing)");
    }
    return ok;
}

static const char *store_text(const struct jm_engine *e, size_t i, void *ctx)
{
    return jm_store_text(e->ds->store, *(enum jm_store_dict *)ctx, i, NULL);
}

static const char *field_text(const struct jm_engine *e, size_t i, void *ctx)
{
    return jm_store_field_text(e->ds->store, *(enum jm_event_field *)ctx, (uint32_t)i, NULL);
}

static const char *group_text(const struct jm_engine *e, size_t i, void *ctx)
{
    (void)ctx;
    return e->group_names[i];
}

struct row_ctx {
    enum jm_entity kind;
    int field;
    const char *prop;
    struct jm_strbuf *sb;
};

/* The text of a contact's or account's field or property, "" when it has none. */
static const char *row_text(const struct jm_engine *e, size_t row, void *ctx)
{
    struct row_ctx *c = ctx;
    if (c->prop) {
        const char *props = jm_dataset_props(e->ds, c->kind, row);
        jm_strbuf_reset(c->sb);
        if (!props || !jm__props_get(props, c->prop, c->sb) || !c->sb->len)
            return "";
        return c->sb->buf;
    }
    const struct jm_value *v = jm_dataset_value(e->ds, c->kind, row, c->field);
    static char num[48];
    const char *s;
    size_t len;
    jm_value_text(v, num, sizeof(num), &s, &len);
    if (s != num && v->kind == JM_V_TEXT)
        return v->s; /* stored NUL-terminated by the dataset */
    return len ? num : "";
}

static jm_status compile_entity_cond(struct jm_engine *e, struct jm_ccond *c, enum jm_entity kind,
                                     const char *name)
{
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 1u << 16);
    struct row_ctx rc = {kind, -1, NULL, &sb};
    if (strncmp(name, "properties.", 11) == 0)
        rc.prop = name + 11;
    else
        rc.field = jm_entity_field(jm_entity_get(kind), name);
    c->source = kind == JM_ENT_CONTACT ? CS_CONTACT : CS_ACCOUNT;
    c->n_ok = jm_dataset_rows(e->ds, kind);
    c->ok = match_texts(e, c->values, c->n_ok, row_text, &rc);
    jm_strbuf_release(&sb);
    return c->ok ? JM_OK : JM_ENOMEM;
}

static const struct {
    const char *name;
    enum jm_event_field field;
} EVENT_FIELDS[] = {
    {"utm_source", JM_EV_UTM_SOURCE},     {"utm_medium", JM_EV_UTM_MEDIUM},
    {"utm_campaign", JM_EV_UTM_CAMPAIGN}, {"utm_content", JM_EV_UTM_CONTENT},
    {"utm_term", JM_EV_UTM_TERM},         {"url", JM_EV_URL},
    {"referrer", JM_EV_REFERRER},         {"anonymous_id", JM_EV_ANONYMOUS_ID},
    {"currency", JM_EV_CURRENCY},
};

static jm_status compile_cond(struct jm_engine *e, const struct jm_condition *src,
                              struct jm_ccond *c, struct jm_error *err)
{
    const char *f = src->field;
    c->values = &src->values;
    if (strncmp(f, "contact.", 8) == 0)
        return compile_entity_cond(e, c, JM_ENT_CONTACT, f + 8);
    if (strncmp(f, "account.", 8) == 0)
        return compile_entity_cond(e, c, JM_ENT_ACCOUNT, f + 8);
    if (strncmp(f, "properties.", 11) == 0) {
        c->source = CS_EVENT_PROP;
        c->prop = f + 11;
        return JM_OK;
    }
    enum jm_store_dict d = JM_STORE_TOUCHPOINT;
    if (strcmp(f, "touchpoint") == 0 || strcmp(f, "channel") == 0) {
        d = f[0] == 't' ? JM_STORE_TOUCHPOINT : JM_STORE_CHANNEL;
        c->source = f[0] == 't' ? CS_TOUCHPOINT : CS_CHANNEL;
        c->n_ok = jm_store_dict_size(e->ds->store, d);
        c->ok = match_texts(e, c->values, c->n_ok, store_text, &d);
        return c->ok ? JM_OK : JM_ENOMEM;
    }
    if (strcmp(f, "channel_group") == 0) {
        c->source = CS_GROUP;
        c->n_ok = e->n_groups;
        c->ok = match_texts(e, c->values, c->n_ok, group_text, NULL);
        return c->ok ? JM_OK : JM_ENOMEM;
    }
    for (size_t i = 0; i < sizeof(EVENT_FIELDS) / sizeof(EVENT_FIELDS[0]); i++) {
        if (strcmp(f, EVENT_FIELDS[i].name) != 0)
            continue;
        enum jm_event_field ef = EVENT_FIELDS[i].field;
        if (!jm_store_field(e->ds->store, ef))
            return jm_error_set(err, JM_EINVAL, "the store was loaded without the %s column", f);
        c->source = CS_EVENT_DICT;
        c->field = ef;
        c->n_ok = jm_store_field_dict_size(e->ds->store, ef);
        c->ok = match_texts(e, c->values, c->n_ok, field_text, &ef);
        return c->ok ? JM_OK : JM_ENOMEM;
    }
    return jm_error_set(err, JM_EINVAL, "unknown condition field '%s'", f);
}

/* The store account of event i: the slice that holds it (a binary search; conditions on the
 * account are rare and the slices are few beside the events). */
static size_t event_account(const struct jm_store_columns *col, size_t i)
{
    size_t lo = 0, hi = col->n_accounts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (col->account_start[mid + 1] <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A property of the event equals one of the values ("(missing)" matches its absence). */
static bool prop_matches(const struct jm_engine *e, const struct jm_ccond *c, size_t i)
{
    const char *json;
    size_t len;
    jm_store_props(e->ds->store, i, &json, &len);
    struct jm_strbuf sb, text; /* the store's texts are not NUL-terminated */
    jm_strbuf_init(&sb, 1u << 16);
    jm_strbuf_init(&text, JM_STRBUF_DEFAULT_MAX);
    bool has =
        len && !jm_strbuf_add(&text, json, len) && jm__props_get(text.buf, c->prop, &sb) && sb.len;
    bool hit = in_list(c->values, has ? sb.buf : "(missing)");
    jm_strbuf_release(&sb);
    jm_strbuf_release(&text);
    return hit;
}

bool jm__ccond_event(const struct jm_engine *e, const struct jm_ccond *c, size_t i)
{
    const struct jm_store_columns *col = e->col;
    switch (c->source) {
    case CS_TOUCHPOINT:
        return c->ok[col->touchpoint[i]];
    case CS_CHANNEL:
        return c->ok[col->channel[i]];
    case CS_GROUP:
        return c->ok[e->group[i]];
    case CS_EVENT_DICT: {
        uint32_t id = jm_store_field(e->ds->store, c->field)[i];
        return id < c->n_ok && c->ok[id];
    }
    case CS_CONTACT: {
        uint32_t row = jm_dataset_contact_row(e->ds, col->contact[i]);
        return row != JM_NONE && c->ok[row];
    }
    case CS_ACCOUNT: {
        uint32_t row = jm_dataset_account_row(e->ds, event_account(col, i));
        return row != JM_NONE && c->ok[row];
    }
    case CS_EVENT_PROP:
        return prop_matches(e, c, i);
    }
    return false;
}

static jm_status compile_rule(struct jm_engine *e, const struct jm_rule *r, struct jm_crule *c,
                              struct jm_error *err)
{
    memset(c, 0, sizeof(*c));
    c->src = r;
    if (r->n_children) {
        c->children = jm_arena_alloc(&e->arena, r->n_children * sizeof(*c->children));
        if (!c->children)
            return JM_ENOMEM;
        c->n_children = r->n_children;
        for (size_t i = 0; i < r->n_children; i++) {
            jm_status rc = compile_rule(e, &r->children[i], &c->children[i], err);
            if (rc)
                return rc;
        }
    }
    if (r->kind != JM_RULE_EVENT)
        return JM_OK;
    if (r->touchpoints.n) {
        enum jm_store_dict d = JM_STORE_TOUCHPOINT;
        c->tp_ok =
            match_texts(e, &r->touchpoints, jm_store_dict_size(e->ds->store, d), store_text, &d);
        if (!c->tp_ok)
            return JM_ENOMEM;
    }
    if (r->channels.n) {
        enum jm_store_dict d = JM_STORE_CHANNEL;
        c->ch_ok =
            match_texts(e, &r->channels, jm_store_dict_size(e->ds->store, d), store_text, &d);
        c->grp_ok = match_texts(e, &r->channels, e->n_groups, group_text, NULL);
        if (!c->ch_ok || !c->grp_ok)
            return JM_ENOMEM;
    }
    if (r->n_where) {
        c->where = jm_arena_alloc(&e->arena, r->n_where * sizeof(*c->where));
        if (!c->where)
            return JM_ENOMEM;
        memset(c->where, 0, r->n_where * sizeof(*c->where));
        c->n_where = r->n_where;
        for (size_t i = 0; i < r->n_where; i++) {
            jm_status rc = compile_cond(e, &r->where[i], &c->where[i], err);
            if (rc)
                return rc;
        }
    }
    return JM_OK;
}

/* The channel group of every event, from its channel and, when loaded, UTM source and medium
 * and referrer; a map from the combination of their ids to the group keeps it one hash lookup
 * per event. */
static jm_status compute_groups(struct jm_engine *e)
{
    const struct jm_store *st = e->ds->store;
    const struct jm_journey *j = e->j;
    size_t nrules = j->n_channel_rules;
    const struct jm_channel_rule *rules = j->channel_rules;
    if (!nrules)
        rules = jm_channel_default_rules(&nrules);
    const uint32_t *src = jm_store_field(st, JM_EV_UTM_SOURCE);
    const uint32_t *med = jm_store_field(st, JM_EV_UTM_MEDIUM);
    const uint32_t *ref = jm_store_field(st, JM_EV_REFERRER);
    size_t n = e->col->n;
    e->group = jm_malloc(n ? n : 1);
    e->group_names = jm_arena_alloc(&e->arena, 256 * sizeof(char *));
    if (!e->group || !e->group_names)
        return JM_ENOMEM;
    struct jm_strmap seen;
    jm__strmap_init(&seen);
    jm_status rc = JM_OK;
    uint32_t last[4] = {UINT32_MAX, 0, 0, 0};
    for (size_t i = 0; !rc && i < n; i++) {
        uint32_t key[4] = {e->col->channel[i], src ? src[i] : 0, med ? med[i] : 0,
                           ref ? ref[i] : 0};
        if (memcmp(key, last, sizeof(key)) == 0) { /* a contact's events often come alike */
            e->group[i] = e->group[i - 1];
            continue;
        }
        memcpy(last, key, sizeof(key));
        uint64_t *slot;
        bool added;
        rc = jm__strmap_put(&seen, (const char *)key, sizeof(key), 0, &slot, &added);
        if (rc || !added) {
            if (!rc)
                e->group[i] = (uint8_t)*slot;
            continue;
        }
        const char *g =
            jm_channel_group(rules, nrules, jm_store_text(st, JM_STORE_CHANNEL, key[0], NULL),
                             jm_store_field_text(st, JM_EV_UTM_SOURCE, key[1], NULL),
                             jm_store_field_text(st, JM_EV_UTM_MEDIUM, key[2], NULL),
                             jm_store_field_text(st, JM_EV_REFERRER, key[3], NULL));
        size_t gi = 0;
        while (gi < e->n_groups && strcmp(e->group_names[gi], g) != 0)
            gi++;
        if (gi == e->n_groups) {
            if (gi == 255) {
                rc = JM_ELIMIT;
                break;
            }
            e->group_names[e->n_groups++] = g;
        }
        *slot = gi;
        e->group[i] = (uint8_t)gi;
    }
    jm__strmap_release(&seen);
    return rc;
}

/* Scoring rules match events like an `event` rule: compile each as one. */
static jm_status compile_scoring(struct jm_engine *e, struct jm_error *err)
{
    const struct jm_scoring *sc = &e->j->scoring;
    if (!sc->n_rules)
        return JM_OK;
    e->score_rules = jm_arena_alloc(&e->arena, sc->n_rules * sizeof(*e->score_rules));
    struct jm_rule *as_event = jm_arena_alloc(&e->arena, sc->n_rules * sizeof(*as_event));
    if (!e->score_rules || !as_event)
        return jm_error_set(err, JM_ENOMEM, "out of memory compiling the scoring");
    for (size_t r = 0; r < sc->n_rules; r++) {
        memset(&as_event[r], 0, sizeof(as_event[r]));
        as_event[r].kind = JM_RULE_EVENT;
        as_event[r].touchpoints = sc->rules[r].touchpoints;
        as_event[r].n_where = sc->rules[r].n_where;
        as_event[r].where = sc->rules[r].where;
        as_event[r].at_least = 1;
        jm_status rc = compile_rule(e, &as_event[r], &e->score_rules[r], err);
        if (rc)
            return rc == JM_ENOMEM ? jm_error_set(err, rc, "out of memory compiling the scoring")
                                   : rc;
    }
    return JM_OK;
}

static bool conds_use_groups(const struct jm_condition *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].field, "channel_group") == 0)
            return true;
    return false;
}

static bool rule_uses_groups(const struct jm_rule *r)
{
    if (r->kind == JM_RULE_EVENT && (r->channels.n || conds_use_groups(r->where, r->n_where)))
        return true;
    for (size_t i = 0; i < r->n_children; i++)
        if (rule_uses_groups(&r->children[i]))
            return true;
    return false;
}

/* Channel groups cost a lookup per event: only worth it when a rule names a channel. */
static bool needs_groups(const struct jm_journey *j)
{
    for (size_t s = 0; s < j->n_stages; s++)
        if (rule_uses_groups(j->stages[s].entry) ||
            (j->stages[s].revisit_when && rule_uses_groups(j->stages[s].revisit_when)))
            return true;
    for (size_t i = 0; i < j->scoring.n_rules; i++)
        if (conds_use_groups(j->scoring.rules[i].where, j->scoring.rules[i].n_where))
            return true;
    return false;
}

/* Depth-first: stages a rule refers to are evaluated before it. */
static void visit_stage(struct jm_engine *e, size_t s, uint8_t *done, size_t *n);

static void visit_refs(struct jm_engine *e, const struct jm_rule *r, uint8_t *done, size_t *n)
{
    if (r->kind == JM_RULE_STAGE)
        visit_stage(e, r->stage, done, n);
    for (size_t i = 0; i < r->n_children; i++)
        visit_refs(e, &r->children[i], done, n);
}

static void visit_stage(struct jm_engine *e, size_t s, uint8_t *done, size_t *n)
{
    if (done[s])
        return;
    done[s] = 1; /* the parser rejected cycles, so marking on the way in is enough */
    visit_refs(e, e->j->stages[s].entry, done, n);
    if (e->j->stages[s].revisit_when)
        visit_refs(e, e->j->stages[s].revisit_when, done, n);
    e->order[(*n)++] = s;
}

jm_status jm__engine_compile(struct jm_engine *e, struct jm_error *err)
{
    const struct jm_journey *j = e->j;
    jm_arena_init(&e->arena);
    e->col = jm_store_columns(e->ds->store);
    jm_status rc = needs_groups(j) ? compute_groups(e) : JM_OK;
    if (rc)
        return rc == JM_ELIMIT ? jm_error_set(err, rc, "more than 255 channel groups")
                               : jm_error_set(err, rc, "out of memory grouping channels");
    e->stage_rules = jm_arena_alloc(&e->arena, j->n_stages * sizeof(*e->stage_rules));
    e->back_rules = jm_arena_alloc(&e->arena, j->n_stages * sizeof(*e->back_rules));
    e->order = jm_arena_alloc(&e->arena, j->n_stages * sizeof(size_t));
    uint8_t *done = table_for(e, j->n_stages);
    if (!e->stage_rules || !e->back_rules || !e->order || !done)
        return jm_error_set(err, JM_ENOMEM, "out of memory compiling the journey");
    memset(e->back_rules, 0, j->n_stages * sizeof(*e->back_rules));
    for (size_t s = 0; s < j->n_stages; s++) {
        rc = compile_rule(e, j->stages[s].entry, &e->stage_rules[s], err);
        if (!rc && j->stages[s].revisit_when)
            rc = compile_rule(e, j->stages[s].revisit_when, &e->back_rules[s], err);
        if (rc == JM_ENOMEM)
            return jm_error_set(err, rc, "out of memory compiling the journey");
        if (rc) {
            char why[sizeof(err->msg)];
            snprintf(why, sizeof(why), "%s", err->msg);
            return jm_error_at(err, rc, j->path, j->stages[s].line, j->stages[s].column,
                               "stage '%s': %s", j->stages[s].key, why);
        }
    }
    size_t n = 0;
    for (size_t s = 0; s < j->n_stages; s++)
        visit_stage(e, s, done, &n);
    rc = compile_scoring(e, err);
    if (rc)
        return rc;
    e->last_revenue_period = INT64_MIN;
    size_t nrev = jm_dataset_rows(e->ds, JM_ENT_REVENUE);
    int fp = jm_entity_field(jm_entity_get(JM_ENT_REVENUE), "period_start");
    for (size_t r = 0; r < nrev; r++) {
        const struct jm_value *v = jm_dataset_value(e->ds, JM_ENT_REVENUE, r, fp);
        if (v->kind == JM_V_TIME && v->i > e->last_revenue_period)
            e->last_revenue_period = v->i;
    }
    return JM_OK;
}

static void release_rule(struct jm_crule *c)
{
    for (size_t i = 0; i < c->n_children; i++)
        release_rule(&c->children[i]);
    jm_free(c->out.t);
    jm_free(c->hits.t);
}

void jm__engine_release(struct jm_engine *e)
{
    if (e->stage_rules)
        for (size_t s = 0; s < e->j->n_stages; s++)
            release_rule(&e->stage_rules[s]);
    if (e->back_rules)
        for (size_t s = 0; s < e->j->n_stages; s++)
            release_rule(&e->back_rules[s]);
    for (int k = 0; k < JM_ENT__COUNT; k++)
        jm__groups_release(&e->recs[k]);
    jm_free(e->group);
    jm_arena_release(&e->arena);
}
