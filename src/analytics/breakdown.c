/*
 * Breakdowns: a text label for every unit (or deal) from a path through the data model, and
 * the groups those labels make. A path starts at an entity (account, contact, deal, event) and
 * follows fields; a reference field leads on to the entity it names (deal.owner.manager), and
 * `properties.NAME` reads a property.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journey/internal.h"
#include "journeymap/analytics.h"

#define MISSING "(missing)"

static const struct {
    const char *name, *path;
} SHORTCUTS[] = {
    {"channel", "event.channel"},
    {"source", "event.utm_source"},
    {"medium", "event.utm_medium"},
    {"campaign", "event.utm_campaign"},
    {"channel_group", "event.channel_group"},
    {"touchpoint", "event.touchpoint"},
    {"persona", "contact.persona"},
    {"dmu_role", "contact.dmu_role"},
    {"title", "contact.title"},
    {"industry", "account.industry"},
    {"segment", "account.segment"},
    {"region", "account.region"},
    {"country", "account.country"},
    {"size_band", "account.size_band"},
    {"product", "deal.product"},
    {"owner", "deal.owner"},
    {"manager", "deal.owner.manager"},
    {"pipeline", "deal.pipeline"},
};

static const char *expand(const char *by)
{
    for (size_t i = 0; i < sizeof(SHORTCUTS) / sizeof(SHORTCUTS[0]); i++)
        if (strcmp(by, SHORTCUTS[i].name) == 0)
            return SHORTCUTS[i].path;
    return by;
}

static const struct {
    const char *name;
    enum jm_event_field field;
} EVENT_FIELDS[] = {
    {"touchpoint", JM_EV_TOUCHPOINT},     {"channel", JM_EV_CHANNEL},
    {"utm_source", JM_EV_UTM_SOURCE},     {"utm_medium", JM_EV_UTM_MEDIUM},
    {"utm_campaign", JM_EV_UTM_CAMPAIGN}, {"utm_content", JM_EV_UTM_CONTENT},
    {"utm_term", JM_EV_UTM_TERM},         {"url", JM_EV_URL},
    {"referrer", JM_EV_REFERRER},         {"currency", JM_EV_CURRENCY},
};

uint64_t jm_breakdown_fields(const char *by)
{
    if (!by)
        return 0;
    const char *p = expand(by);
    if (strncmp(p, "event.", 6) != 0)
        return 0;
    if (strcmp(p + 6, "channel_group") == 0)
        return (UINT64_C(1) << JM_EV_UTM_SOURCE) | (UINT64_C(1) << JM_EV_UTM_MEDIUM) |
               (UINT64_C(1) << JM_EV_REFERRER);
    for (size_t i = 0; i < sizeof(EVENT_FIELDS) / sizeof(EVENT_FIELDS[0]); i++)
        if (strcmp(p + 6, EVENT_FIELDS[i].name) == 0)
            return UINT64_C(1) << EVENT_FIELDS[i].field;
    return 0;
}

/* The text at `path` from row `row` of `kind` into `sb` (empty when missing). */
static jm_status follow(const struct jm_dataset *ds, enum jm_entity kind, size_t row,
                        const char *path, struct jm_strbuf *sb, struct jm_error *err)
{
    const struct jm_entity_def *def = jm_entity_get(kind);
    if (strncmp(path, "properties.", 11) == 0) {
        const char *props = row == JM_NONE ? NULL : jm_dataset_props(ds, kind, row);
        if (props)
            jm__props_get(props, path + 11, sb);
        return JM_OK;
    }
    const char *dot = strchr(path, '.');
    size_t len = dot ? (size_t)(dot - path) : strlen(path);
    int f = -1;
    for (size_t i = 0; i < def->nfields; i++)
        if (strlen(def->fields[i].name) == len && memcmp(def->fields[i].name, path, len) == 0)
            f = (int)i;
    if (f < 0 || (dot && def->fields[f].type != JM_FT_REF))
        return jm_error_set(err, JM_EINVAL, "%s has no %s '%.*s'", def->name,
                            f < 0 ? "field" : "reference", (int)len, path);
    if (row == JM_NONE)
        return dot ? follow(ds, def->fields[f].ref, JM_NONE, dot + 1, sb, err) : JM_OK;
    const struct jm_value *v = jm_dataset_value(ds, kind, row, f);
    if (dot) {
        uint32_t next =
            v->kind == JM_V_TEXT ? jm_dataset_find(ds, def->fields[f].ref, v->s, v->len) : JM_NONE;
        return follow(ds, def->fields[f].ref, next, dot + 1, sb, err);
    }
    char buf[48];
    const char *s;
    size_t n;
    jm_value_text(v, buf, sizeof(buf), &s, &n);
    if (v->kind == JM_V_TIME) /* dates group by day */
        n = n > 10 ? 10 : n;
    return jm_strbuf_add(sb, s, n);
}

/* Labels seen so far, each with its provisional group (renumbered by text in finish()). */
struct labeller {
    struct jm_strmap ids; /* label -> provisional group */
    struct jm_arena *arena;
    const char **labels;
    size_t n, cap;
};

static jm_status label_id(struct labeller *l, const char *s, size_t len, uint32_t *out)
{
    if (!len) {
        s = MISSING;
        len = strlen(MISSING);
    }
    uint64_t *slot;
    bool added;
    if (jm__strmap_put(&l->ids, s, len, l->n, &slot, &added))
        return JM_ENOMEM;
    if (added) {
        if (l->n == l->cap && jm_grow((void **)&l->labels, &l->cap, l->n + 1, sizeof(char *)))
            return JM_ENOMEM;
        char *copy = jm_arena_strndup(l->arena, s, len);
        if (!copy)
            return JM_ENOMEM;
        l->labels[l->n++] = copy;
    }
    *out = (uint32_t)*slot;
    return JM_OK;
}

/* Field `field` of event `i` ("channel_group" through the journey's channel grouping). */
static void event_text(const struct jm_timelines *tl, size_t i, const char *field,
                       struct jm_strbuf *sb)
{
    const struct jm_store *st = jm_dataset_store(tl->ds);
    const struct jm_store_columns *col = jm_store_columns(st);
    size_t len = 0;
    const char *s = "";
    if (i == JM_NONE)
        return;
    if (strcmp(field, "channel_group") == 0) {
        const struct jm_journey *j = tl->journey;
        size_t n = j->n_channel_rules;
        const struct jm_channel_rule *rules =
            j->channel_rules ? j->channel_rules : jm_channel_default_rules(&n);
        const uint32_t *src = jm_store_field(st, JM_EV_UTM_SOURCE);
        const uint32_t *med = jm_store_field(st, JM_EV_UTM_MEDIUM);
        const uint32_t *ref = jm_store_field(st, JM_EV_REFERRER);
        s = jm_channel_group(rules, n, jm_store_text(st, JM_STORE_CHANNEL, col->channel[i], NULL),
                             src ? jm_store_field_text(st, JM_EV_UTM_SOURCE, src[i], NULL) : "",
                             med ? jm_store_field_text(st, JM_EV_UTM_MEDIUM, med[i], NULL) : "",
                             ref ? jm_store_field_text(st, JM_EV_REFERRER, ref[i], NULL) : "");
        len = strlen(s);
    } else if (strcmp(field, "touchpoint") == 0) {
        s = jm_store_text(st, JM_STORE_TOUCHPOINT, col->touchpoint[i], &len);
    } else if (strcmp(field, "channel") == 0) {
        s = jm_store_text(st, JM_STORE_CHANNEL, col->channel[i], &len);
    } else {
        for (size_t k = 0; k < sizeof(EVENT_FIELDS) / sizeof(EVENT_FIELDS[0]); k++) {
            const uint32_t *c = jm_store_field(st, EVENT_FIELDS[k].field);
            if (strcmp(field, EVENT_FIELDS[k].name) == 0 && c)
                s = jm_store_field_text(st, EVENT_FIELDS[k].field, c[i], &len);
        }
    }
    jm_strbuf_add(sb, s, len);
}

static bool event_field_known(const char *field)
{
    if (strcmp(field, "channel_group") == 0)
        return true;
    for (size_t k = 0; k < sizeof(EVENT_FIELDS) / sizeof(EVENT_FIELDS[0]); k++)
        if (strcmp(field, EVENT_FIELDS[k].name) == 0)
            return true;
    return false;
}

/* The deal each unit is labelled by: its first deal by creation, in one pass over the deals
 * (units are rows of the accounts or contacts table). JM_NONE where a unit has none. */
static uint32_t *first_deals(const struct jm_timelines *tl)
{
    const struct jm_dataset *ds = tl->ds;
    const struct jm_table *t = &ds->tables[JM_ENT_DEAL];
    uint32_t *best = jm_malloc((tl->n_units + 1) * sizeof(uint32_t));
    int64_t *when = jm_malloc((tl->n_units + 1) * sizeof(int64_t));
    if (!best || !when) {
        jm_free(best);
        jm_free(when);
        return NULL;
    }
    for (size_t u = 0; u < tl->n_units; u++)
        best[u] = JM_NONE;
    for (size_t d = 0; d < t->n; d++) {
        uint32_t u = tl->level == JM_LEVEL_CONTACT ? t->contact[d] : t->account[d];
        int64_t c = jm__record_time(ds, JM_ENT_DEAL, d);
        if (u < tl->n_units && (best[u] == JM_NONE || c < when[u])) {
            best[u] = (uint32_t)d;
            when[u] = c;
        }
    }
    jm_free(when);
    return best;
}

/* What unit labels read: the timelines, and each unit's first deal for deal paths. */
struct unit_ctx {
    const struct jm_timelines *tl;
    const uint32_t *first_deal;
};

static int label_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts the labels and renumbers the groups to match. */
static jm_status finish(struct labeller *l, size_t n_items, struct jm_breakdown *out)
{
    const char **sorted = jm_arena_alloc(&out->arena, (l->n + 1) * sizeof(char *));
    uint32_t *renum = jm_malloc((l->n + 1) * sizeof(uint32_t));
    if (!sorted || !renum) {
        jm_free(renum);
        return JM_ENOMEM;
    }
    memcpy(sorted, l->labels, l->n * sizeof(char *));
    jm__qsort(sorted, l->n, sizeof(char *), label_cmp);
    for (size_t g = 0; g < l->n; g++)
        renum[*jm__strmap_get(&l->ids, sorted[g], strlen(sorted[g]))] = (uint32_t)g;
    for (size_t i = 0; i < n_items; i++)
        out->group_of[i] = renum[out->group_of[i]];
    out->labels = sorted;
    out->n_groups = l->n;
    jm_free(renum);
    return JM_OK;
}

static jm_status parse_path(const char *by, enum jm_entity *start, const char **rest,
                            struct jm_error *err)
{
    static const struct {
        const char *prefix;
        enum jm_entity kind;
    } P[] = {{"account.", JM_ENT_ACCOUNT},
             {"contact.", JM_ENT_CONTACT},
             {"deal.", JM_ENT_DEAL},
             {"event.", JM_ENT_EVENT},
             {"owner.", JM_ENT_OWNER}};
    const char *p = expand(by);
    for (size_t i = 0; i < sizeof(P) / sizeof(P[0]); i++)
        if (strncmp(p, P[i].prefix, strlen(P[i].prefix)) == 0 && p[strlen(P[i].prefix)]) {
            *start = P[i].kind;
            *rest = p + strlen(P[i].prefix);
            if (*start == JM_ENT_EVENT && !event_field_known(*rest))
                break;
            return JM_OK;
        }
    return jm_error_set(err, JM_EINVAL,
                        "cannot break down by '%s': use account.FIELD, contact.FIELD, deal.FIELD, "
                        "event.FIELD (FIELD may be properties.NAME or follow a reference, as in "
                        "deal.owner.manager), or channel, source, channel_group, touchpoint, "
                        "persona, dmu_role, industry, segment, region, country, size_band, "
                        "product, owner, manager, pipeline",
                        by);
}

static void labeller_init(struct labeller *l, struct jm_breakdown *out)
{
    memset(l, 0, sizeof(*l));
    l->arena = &out->arena;
    jm__strmap_init(&l->ids);
}

static void labeller_release(struct labeller *l)
{
    jm__strmap_release(&l->ids);
    jm_free(l->labels);
}

/* The label of unit u under a path starting at `start`. */
static jm_status unit_label(const void *ctx, size_t u, enum jm_entity start, const char *rest,
                            struct jm_strbuf *sb, struct jm_error *err)
{
    const struct unit_ctx *c = ctx;
    const struct jm_timelines *tl = c->tl;
    const struct jm_dataset *ds = tl->ds;
    uint32_t row = tl->unit_row[u];
    bool contact_level = tl->level == JM_LEVEL_CONTACT;
    switch (start) {
    case JM_ENT_EVENT:
        event_text(tl, tl->first_event[u], rest, sb);
        return JM_OK;
    case JM_ENT_DEAL:
        return follow(ds, JM_ENT_DEAL, c->first_deal[u], rest, sb, err);
    case JM_ENT_CONTACT:
        if (!contact_level)
            return jm_error_set(err, JM_EINVAL,
                                "contact fields break down contact-level journeys; this one is "
                                "at account level (use --level contact)");
        return follow(ds, JM_ENT_CONTACT, row, rest, sb, err);
    case JM_ENT_ACCOUNT:
        if (contact_level)
            row = ds->tables[JM_ENT_CONTACT].account[row];
        return follow(ds, JM_ENT_ACCOUNT, row, rest, sb, err);
    default:
        return jm_error_set(err, JM_EINVAL,
                            "cannot break units down by owner.%s: use "
                            "account.owner.%s or deal.owner.%s",
                            rest, rest, rest);
    }
}

/* The label of item i (a unit or a deal) under the path (start, rest), into sb. */
typedef jm_status (*label_fn)(const void *ctx, size_t i, enum jm_entity start, const char *rest,
                              struct jm_strbuf *sb, struct jm_error *err);

/* Labels items 0..n-1 with `label` and groups them by label. */
static jm_status build(const char *by, size_t n, label_fn label, const void *ctx,
                       struct jm_breakdown *out, struct jm_error *err)
{
    memset(out, 0, sizeof(*out));
    jm_arena_init(&out->arena);
    enum jm_entity start;
    const char *rest;
    jm_status rc = parse_path(by, &start, &rest, err);
    if (rc)
        return rc;
    struct labeller l;
    labeller_init(&l, out);
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 1u << 20);
    out->group_of = jm_malloc((n + 1) * sizeof(uint32_t));
    if (!out->group_of)
        rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        jm_strbuf_reset(&sb);
        rc = label(ctx, i, start, rest, &sb, err);
        if (!rc && label_id(&l, sb.buf, sb.len, &out->group_of[i]))
            rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    if (!rc && finish(&l, n, out))
        rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    jm_strbuf_release(&sb);
    labeller_release(&l);
    if (rc)
        jm_breakdown_release(out);
    return rc;
}

jm_status jm_breakdown_units(const struct jm_timelines *tl, const char *by,
                             struct jm_breakdown *out, struct jm_error *err)
{
    struct unit_ctx c = {tl, NULL};
    uint32_t *deals = NULL;
    if (strncmp(expand(by), "deal.", 5) == 0 && !(c.first_deal = deals = first_deals(tl)))
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    jm_status rc = build(by, tl->n_units, unit_label, &c, out, err);
    jm_free(deals);
    return rc;
}

/* The label of deal d: its own fields, its account's, its contact's, or its contact's (else
 * its account's) first event. */
static jm_status deal_label(const void *ctx, size_t d, enum jm_entity start, const char *rest,
                            struct jm_strbuf *sb, struct jm_error *err)
{
    const struct jm_dataset *ds = ctx;
    const struct jm_table *t = &ds->tables[JM_ENT_DEAL];
    switch (start) {
    case JM_ENT_DEAL:
        return follow(ds, JM_ENT_DEAL, d, rest, sb, err);
    case JM_ENT_ACCOUNT:
        return follow(ds, JM_ENT_ACCOUNT, t->account[d], rest, sb, err);
    case JM_ENT_CONTACT:
        return follow(ds, JM_ENT_CONTACT, t->contact[d], rest, sb, err);
    case JM_ENT_OWNER: { /* owner.X of a deal is its owner's X */
        char path[256];
        snprintf(path, sizeof(path), "owner.%s", rest);
        return follow(ds, JM_ENT_DEAL, d, path, sb, err);
    }
    default:
        return jm_error_set(err, JM_EINVAL,
                            "deals break down by deal, account or contact "
                            "fields; event.%s labels accounts and contacts",
                            rest);
    }
}

jm_status jm_breakdown_deals(const struct jm_dataset *ds, const char *by, struct jm_breakdown *out,
                             struct jm_error *err)
{
    return build(by, jm_dataset_rows(ds, JM_ENT_DEAL), deal_label, ds, out, err);
}

void jm_breakdown_release(struct jm_breakdown *b)
{
    jm_free(b->group_of);
    jm_arena_release(&b->arena);
    memset(b, 0, sizeof(*b));
}

#define GROUP_FIELDS                                                                               \
    ((UINT64_C(1) << JM_EV_UTM_SOURCE) | (UINT64_C(1) << JM_EV_UTM_MEDIUM) |                       \
     (UINT64_C(1) << JM_EV_REFERRER))

static void condition_needs(const struct jm_condition *c, size_t n, struct jm_store_options *o)
{
    for (size_t i = 0; i < n; i++) {
        const char *f = c[i].field;
        if (strncmp(f, "properties.", 11) == 0)
            o->properties = true;
        else if (strcmp(f, "channel_group") == 0)
            o->fields |= GROUP_FIELDS;
        else
            for (size_t k = 0; k < sizeof(EVENT_FIELDS) / sizeof(EVENT_FIELDS[0]); k++)
                if (strcmp(f, EVENT_FIELDS[k].name) == 0 && k >= 2)
                    o->fields |= UINT64_C(1) << EVENT_FIELDS[k].field;
    }
}

static void rule_needs(const struct jm_rule *r, struct jm_store_options *o)
{
    if (r->kind == JM_RULE_EVENT) {
        if (r->channels.n) /* a channel may name a group, which reads UTM and referrer */
            o->fields |= GROUP_FIELDS;
        condition_needs(r->where, r->n_where, o);
    }
    for (size_t i = 0; i < r->n_children; i++)
        rule_needs(&r->children[i], o);
}

void jm_journey_store_options(const struct jm_journey *j, const char *by,
                              struct jm_store_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    for (size_t s = 0; s < j->n_stages; s++)
        rule_needs(j->stages[s].entry, opts);
    for (size_t i = 0; i < j->scoring.n_rules; i++)
        condition_needs(j->scoring.rules[i].where, j->scoring.rules[i].n_where, opts);
    opts->fields |= jm_breakdown_fields(by);
}
