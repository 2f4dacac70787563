/*
 * A valid call -> the records it writes (ingest.h has the mapping in prose; docs/ingest.md as a
 * table). Traits with a field of their own (model.h) fill it; the others, and values that do
 * not fit their field (an unknown DMU role, a name over 1024 bytes), stay in the record's
 * properties, so nothing the tracking code sent is dropped.
 *
 * Events get their channel group at ingest, from the same default rules the analyses use
 * (define.h), because a live event has no CRM channel to keep: the raw facts (utm_*, url,
 * referrer) are stored beside it, so a definition's own rules can still regroup it later.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "journeymap/define.h"
#include "ingest/map.h"

struct trait_map {
    const char *trait, *field;
};

static const struct trait_map contact_traits[] = {
    {"email", "email"},       {"name", "name"},         {"title", "title"},
    {"dmu_role", "dmu_role"}, {"dmuRole", "dmu_role"},  {"persona", "persona"},
    {"created", "created"},   {"createdAt", "created"}, {"created_at", "created"},
};

static const struct trait_map account_traits[] = {
    {"name", "name"},           {"domain", "domain"},       {"website", "domain"},
    {"industry", "industry"},   {"employees", "employees"}, {"employee_count", "employees"},
    {"size_band", "size_band"}, {"country", "country"},     {"region", "region"},
    {"segment", "segment"},     {"created", "created"},     {"createdAt", "created"},
    {"created_at", "created"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void set_text(struct jm_record *r, int f, const char *s)
{
    r->v[f] = (struct jm_value){.kind = JM_V_TEXT, .s = s, .len = strlen(s)};
}

static void record_with_id(struct jm_record *r, enum jm_entity kind, const char *id)
{
    const struct jm_entity_def *def = jm_entity_get(kind);
    jm_record_init(r, def);
    set_text(r, def->id_field, id);
}

static bool in_list(const char *key, const char *const *skip)
{
    for (; skip && *skip; skip++)
        if (strcmp(key, *skip) == 0)
            return true;
    return false;
}

/* Writes the members of object `o` not in `skip` (nor `taken`), then `extra` members. */
static jm_status write_props(struct jm__call *c, const struct jm__jv *o, const char *const *skip,
                             const bool *taken, const struct jm__jv *extra, const char **out,
                             size_t *len)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    size_t n = 0;
    jm_status rc = jm_strbuf_addch(&sb, '{');
    for (size_t i = 0; o && i < o->n && !rc; i++) {
        if (in_list(o->key[i], skip) || (taken && taken[i]))
            continue;
        if (n++)
            rc = jm_strbuf_addch(&sb, ',');
        if (!rc)
            rc = jm_strbuf_add_json_string(&sb, o->key[i], strlen(o->key[i]));
        if (!rc)
            rc = jm_strbuf_addch(&sb, ':');
        if (!rc)
            rc = jm__json_write(&o->item[i], &sb);
    }
    for (size_t i = 0; extra && i < extra->n && !rc; i++) {
        if (n++)
            rc = jm_strbuf_addch(&sb, ',');
        if (!rc)
            rc = jm_strbuf_add_json_string(&sb, extra->key[i], strlen(extra->key[i]));
        if (!rc)
            rc = jm_strbuf_addch(&sb, ':');
        if (!rc)
            rc = jm__json_write(&extra->item[i], &sb);
    }
    if (!rc)
        rc = jm_strbuf_addch(&sb, '}');
    *out = NULL;
    *len = 0;
    if (!rc && n) {
        *out = jm_arena_strndup(&c->b->arena, sb.buf, sb.len);
        *len = sb.len;
        rc = *out ? JM_OK : JM_ENOMEM;
    }
    jm_strbuf_release(&sb);
    return rc;
}

/* Sets the field `name` of `r` from text `s`; false when the text does not fit the field. */
static bool set_field(struct jm__call *c, struct jm_record *r, const char *name, const char *s)
{
    int f = jm_entity_field(r->def, name);
    const struct jm_field_def *fd = &r->def->fields[f];
    if (strcmp(name, "domain") == 0 && strpbrk(s, "/:"))
        s = jm__url_host(s, &c->b->arena);
    if (!s || !*s || (fd->max_len && strlen(s) > fd->max_len) || !jm_utf8_valid(s, strlen(s), NULL))
        return false;
    struct jm_value v;
    if (jm_value_parse(fd, s, strlen(s), NULL, &v, NULL) || v.kind == JM_V_MISSING)
        return false;
    if (fd->type == JM_FT_INT && fd->min < fd->max && (v.i < fd->min || v.i > fd->max))
        return false;
    r->v[f] = v;
    return true;
}

/* Traits -> fields of `r` per `map`; the rest (but `skip`) -> r's properties. */
static jm_status map_traits(struct jm__call *c, const struct jm__jv *traits,
                            const struct trait_map *map, size_t nmap, const char *const *skip,
                            struct jm_record *r)
{
    if (!traits || traits->type != JM_J_OBJECT || traits->n == 0)
        return JM_OK;
    bool *taken = jm_arena_alloc(&c->b->arena, traits->n * sizeof(*taken));
    if (!taken)
        return JM_ENOMEM;
    for (size_t i = 0; i < traits->n; i++) {
        const char *s = jm__call_text(c, &traits->item[i]);
        for (size_t m = 0; s && m < nmap && !taken[i]; m++)
            if (strcmp(traits->key[i], map[m].trait) == 0)
                taken[i] = set_field(c, r, map[m].field, s);
    }
    return write_props(c, traits, skip, taken, NULL, &r->props, &r->props_len);
}

static const struct jm__jv *object_or_fail(struct jm__call *c, const char *name, jm_status *rc)
{
    const struct jm__jv *v = jm__json_get(c->v, name);
    *rc = JM_OK;
    if (v && v->type == JM_J_NULL)
        return NULL;
    if (v && v->type != JM_J_OBJECT)
        *rc = jm__call_fail(c, name, "must be an object");
    return v;
}

/* The lower-case domain of an email address, or NULL. */
static const char *email_domain(struct jm__call *c, const char *email)
{
    const char *at = email ? strrchr(email, '@') : NULL;
    if (!at || !at[1])
        return NULL;
    char *d = jm_arena_strdup(&c->b->arena, at + 1);
    for (char *p = d; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return d;
}

/* "first last" when the traits give no name. */
static void contact_name(struct jm__call *c, const struct jm__jv *traits, struct jm_record *r)
{
    int f = jm_entity_field(r->def, "name");
    if (r->v[f].kind != JM_V_ABSENT)
        return;
    const char *first = jm__call_text(c, jm__json_get(traits, "firstName"));
    const char *last = jm__call_text(c, jm__json_get(traits, "lastName"));
    if (!first && !last)
        return;
    const char *name = jm_arena_printf(&c->b->arena, "%s%s%s", first ? first : "",
                                       first && last ? " " : "", last ? last : "");
    if (name)
        set_field(c, r, "name", name);
}

jm_status jm__map_identify(struct jm__call *c)
{
    struct jm__item *it = c->it;
    jm_status rc;
    const struct jm__jv *traits = object_or_fail(c, "traits", &rc);
    /* An anonymous identify names nobody: there is nothing to store, and nothing wrong. */
    if (rc || !it->user_id)
        return rc;
    static const char *const skip[] = {"company", "firstName", "lastName", NULL};
    record_with_id(&it->contact, JM_ENT_CONTACT, it->user_id);
    rc = map_traits(c, traits, contact_traits, N(contact_traits), skip, &it->contact);
    if (rc)
        return rc;
    contact_name(c, traits, &it->contact);
    it->has_contact = true;
    int email = jm_entity_field(it->contact.def, "email");
    if (it->contact.v[email].kind == JM_V_TEXT)
        it->email_domain = email_domain(c, it->contact.v[email].s);
    const struct jm__jv *company = jm__json_get(traits, "company");
    const char *account = jm__call_text(c, jm__json_get(company, "id"));
    if (!account)
        account = jm__call_text(c, jm__call_context(c, "groupId"));
    if (!account || strlen(account) > 256)
        return JM_OK;
    static const char *const company_skip[] = {"id", NULL};
    it->account_id = account;
    record_with_id(&it->account, JM_ENT_ACCOUNT, account);
    it->has_account = true;
    set_text(&it->contact, jm_entity_field(it->contact.def, "account"), account);
    return map_traits(c, company, account_traits, N(account_traits), company_skip, &it->account);
}

jm_status jm__map_group(struct jm__call *c)
{
    struct jm__item *it = c->it;
    jm_status rc;
    const struct jm__jv *traits = object_or_fail(c, "traits", &rc);
    if (rc)
        return rc;
    const struct jm__jv *gv = jm__json_get(c->v, "groupId");
    const char *group = jm__call_text(c, gv);
    if (!group || (gv->type != JM_J_STRING && gv->type != JM_J_INT))
        return jm__call_fail(c, NULL, "group needs \"groupId\"");
    if (strlen(group) > 256)
        return jm__call_fail(c, "groupId", "is %zu bytes; the limit is 256", strlen(group));
    it->account_id = group;
    record_with_id(&it->account, JM_ENT_ACCOUNT, group);
    it->has_account = true;
    rc = map_traits(c, traits, account_traits, N(account_traits), NULL, &it->account);
    if (rc || !it->user_id)
        return rc;
    record_with_id(&it->contact, JM_ENT_CONTACT, it->user_id);
    set_text(&it->contact, jm_entity_field(it->contact.def, "account"), group);
    it->has_contact = true;
    return JM_OK;
}

/* ---------------------------------------------------------------- events */

/* What an event carries besides its ids, gathered before the record is built. */
struct ev {
    const struct jm__jv *props;
    const char *url, *referrer, *channel;
    const char *utm[5]; /* source, medium, campaign, content, term */
};

static const char *const utm_param[5] = {"utm_source", "utm_medium", "utm_campaign", "utm_content",
                                         "utm_term"};
static const char *const campaign_key[5] = {"source", "medium", "name", "content", "term"};

static void event_utm(struct jm__call *c, struct ev *e)
{
    const struct jm__jv *campaign = jm__call_context(c, "campaign");
    for (int i = 0; i < 5; i++) {
        e->utm[i] = jm__call_text(c, jm__json_get(campaign, campaign_key[i]));
        if (!e->utm[i] && i == 2)
            e->utm[i] = jm__call_text(c, jm__json_get(campaign, "campaign"));
        if (!e->utm[i])
            e->utm[i] = jm__url_param(e->url, utm_param[i], &c->b->arena);
    }
}

/*
 * The channel group. A referrer on the page's own site is navigation, not a source (GA4 drops
 * self-referrals too); a page view with no source at all is Direct, while a server-side event
 * with no page says nothing about its channel and gets none.
 */
static const char *event_channel(struct jm__call *c, const struct ev *e)
{
    const char *ref = e->referrer;
    const char *rh = jm__url_host(ref, &c->b->arena), *uh = jm__url_host(e->url, &c->b->arena);
    if (rh && uh && strcmp(rh, uh) == 0)
        ref = NULL;
    size_t n;
    const struct jm_channel_rule *rules = jm_channel_default_rules(&n);
    const char *g = jm_channel_group(rules, n, e->channel, e->utm[0], e->utm[1], ref);
    if (strcmp(g, "(missing)") == 0)
        return e->url ? "Direct" : NULL;
    return g;
}

static void set_opt(struct jm_record *r, int f, const char *s)
{
    if (s && *s)
        set_text(r, f, s);
}

static bool number(const struct jm__jv *v, double *out)
{
    if (!v || (v->type != JM_J_INT && v->type != JM_J_REAL) || !isfinite(v->r))
        return false;
    *out = v->r;
    return true;
}

/* value, currency and sentiment from the properties. */
static void event_numbers(const struct ev *e, struct jm_record *r)
{
    double d;
    if (number(jm__json_get(e->props, "revenue"), &d) ||
        number(jm__json_get(e->props, "value"), &d))
        r->v[JM_EV_VALUE] = (struct jm_value){.kind = JM_V_REAL, .r = d};
    const struct jm__jv *cur = jm__json_get(e->props, "currency");
    if (cur && cur->type == JM_J_STRING && cur->len && cur->len <= 16)
        set_text(r, JM_EV_CURRENCY, cur->s);
    if (number(jm__json_get(e->props, "sentiment"), &d) && d >= -1 && d <= 1)
        r->v[JM_EV_SENTIMENT] = (struct jm_value){.kind = JM_V_REAL, .r = d};
}

/* The event's properties: the call's, less what became fields, plus a page's name/category. */
static jm_status event_props(struct jm__call *c, const struct ev *e, struct jm_record *r)
{
    static const char *const skip[] = {"url",      "referrer",  "revenue", "value",
                                       "currency", "sentiment", "channel", NULL};
    struct jm__jv extra = {.type = JM_J_OBJECT};
    struct jm__jv items[2];
    const char *keys[2];
    if (c->it->pub.call == JM_CALL_PAGE) {
        static const char *const names[2] = {"name", "category"};
        extra.item = items;
        extra.key = keys;
        for (int i = 0; i < 2; i++) {
            const struct jm__jv *v = jm__json_get(c->v, names[i]);
            if (v && v->type == JM_J_STRING && !jm__json_get(e->props, names[i])) {
                items[extra.n] = *v;
                keys[extra.n++] = names[i];
            }
        }
    }
    return write_props(c, e->props, skip, NULL, &extra, &r->props, &r->props_len);
}

/* A text field over its field's limit fails the call rather than being cut. */
static jm_status check_lengths(struct jm__call *c, const struct jm_record *r)
{
    for (size_t f = 0; f < r->def->nfields; f++) {
        const struct jm_field_def *fd = &r->def->fields[f];
        const struct jm_value *v = &r->v[f];
        if (v->kind == JM_V_TEXT && fd->max_len && v->len > fd->max_len)
            return jm__call_fail(c, NULL, "the event's %s is %zu bytes; the limit is %u", fd->name,
                                 v->len, (unsigned)fd->max_len);
        if (v->kind == JM_V_TEXT && !jm_utf8_valid(v->s, v->len, NULL))
            return jm__call_fail(c, NULL, "the event's %s is not UTF-8", fd->name);
    }
    return JM_OK;
}

static jm_status event_touchpoint(struct jm__call *c, const char **out)
{
    if (c->it->pub.call == JM_CALL_PAGE) {
        *out = "page_view";
        return JM_OK;
    }
    const struct jm__jv *v = jm__json_get(c->v, "event");
    *out = v && v->type == JM_J_STRING && v->len && strlen(v->s) == v->len ? v->s : NULL;
    return *out ? JM_OK : jm__call_fail(c, NULL, "track needs \"event\"");
}

static void event_fields(struct jm__call *c, const struct ev *e, struct jm_record *r)
{
    struct jm__item *it = c->it;
    set_opt(r, JM_EV_MESSAGE_ID, it->pub.message_id);
    set_opt(r, JM_EV_CONTACT, it->user_id);
    set_opt(r, JM_EV_ANONYMOUS_ID, it->anon_id);
    set_opt(r, JM_EV_ACCOUNT, it->account_id);
    set_opt(r, JM_EV_CHANNEL, event_channel(c, e));
    for (int i = 0; i < 5; i++)
        set_opt(r, JM_EV_UTM_SOURCE + i, e->utm[i]);
    set_opt(r, JM_EV_URL, e->url);
    set_opt(r, JM_EV_REFERRER, e->referrer);
    event_numbers(e, r);
}

/* The bare contact and account an event refers to, so its references hold. */
static void event_refs(struct jm__item *it)
{
    if (it->user_id) {
        record_with_id(&it->contact, JM_ENT_CONTACT, it->user_id);
        it->has_contact = true;
    }
    if (it->account_id) {
        record_with_id(&it->account, JM_ENT_ACCOUNT, it->account_id);
        it->has_account = true;
    }
}

jm_status jm__map_event(struct jm__call *c, int64_t time)
{
    struct jm__item *it = c->it;
    struct jm_record *r = &it->event;
    struct ev e = {0};
    const char *touchpoint;
    jm_status rc = event_touchpoint(c, &touchpoint);
    if (!rc)
        e.props = object_or_fail(c, "properties", &rc);
    if (rc)
        return rc;
    const struct jm__jv *page = jm__call_context(c, "page");
    e.url = jm__call_text(c, jm__json_get(page, "url"));
    if (!e.url)
        e.url = jm__call_text(c, jm__json_get(e.props, "url"));
    e.referrer = jm__call_text(c, jm__json_get(page, "referrer"));
    if (!e.referrer)
        e.referrer = jm__call_text(c, jm__json_get(e.props, "referrer"));
    e.channel = jm__call_text(c, jm__json_get(e.props, "channel"));
    event_utm(c, &e);
    it->account_id = jm__call_text(c, jm__call_context(c, "groupId"));
    if (it->account_id && strlen(it->account_id) > 256)
        return jm__call_fail(c, "context.groupId", "is %zu bytes; the limit is 256",
                             strlen(it->account_id));
    jm_record_init(r, jm_entity_get(JM_ENT_EVENT));
    r->v[JM_EV_TIME] = (struct jm_value){.kind = JM_V_TIME, .i = time};
    set_text(r, JM_EV_TOUCHPOINT, touchpoint);
    event_fields(c, &e, r);
    rc = event_props(c, &e, r);
    if (!rc)
        rc = check_lengths(c, r);
    if (rc)
        return rc;
    it->has_event = true;
    event_refs(it);
    return JM_OK;
}

/* ---------------------------------------------------------------- free mail */

/* Providers whose addresses say nothing about the sender's company. */
static const char *const free_mail[] = {
    "gmail.com",   "googlemail.com", "yahoo.com", "yahoo.com.vn",   "outlook.com",
    "hotmail.com", "live.com",       "msn.com",   "icloud.com",     "me.com",
    "mac.com",     "aol.com",        "proton.me", "protonmail.com", "gmx.com",
    "gmx.de",      "mail.ru",        "yandex.ru", "yandex.com",     "qq.com",
    "163.com",     "zoho.com",       "hey.com",   "fastmail.com",   "web.de",
};

bool jm__free_mail_domain(const char *domain)
{
    if (!domain)
        return true;
    for (size_t i = 0; i < N(free_mail); i++)
        if (strcasecmp(domain, free_mail[i]) == 0)
            return true;
    return false;
}
