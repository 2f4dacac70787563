/*
 * Turns one simulated account into records for the sink: the account, its known contacts, its
 * events in time order, then deals, tickets, surveys and revenue.
 *
 * The simulation runs past whatever the data can show; here everything is cut at `cutoff`,
 * the last moment the data sees (the end of the period, or the time of the last event the
 * budget allows). Cutting is the same as stopping the clock: a deal that closes later is
 * still open in its last reached stage, a ticket answered later is still open, a person not
 * yet identified is not a contact, and their earlier web visits stay anonymous.
 *
 * The event path is the hot one (up to 5*10^7 records): strings are static table entries or
 * built with memcpy into stack buffers, and one record is reused with every field set.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/internal.h"

struct emitter {
    struct demo_world *w;
    struct demo_account *a;
    struct demo_emit *e;
    int64_t cutoff;
    bool churn_kept; /* the churn lies inside the data */
    struct jm_record rec;
    struct jm_strbuf props;
};

/* ---------------------------------------------------------------- values */

static void v_missing(struct jm_value *v)
{
    v->kind = JM_V_MISSING;
    v->s = NULL;
    v->len = 0;
}

static void v_textn(struct jm_value *v, const char *s, size_t len)
{
    if (!s || !len) {
        v_missing(v);
        return;
    }
    v->kind = JM_V_TEXT;
    v->s = s;
    v->len = len;
}

static void v_text(struct jm_value *v, const char *s)
{
    v_textn(v, s, s ? strlen(s) : 0);
}

/* Times leave the generator in whole seconds, as CRMs export them. Flooring keeps every
 * order (a <= b stays so) and keeps times inside a period that starts on a second. */
static void v_time(struct jm_value *v, int64_t t)
{
    v->kind = JM_V_TIME;
    v->i = t - t % JM_US_PER_SEC;
}

static void v_real(struct jm_value *v, double r)
{
    v->kind = JM_V_REAL;
    v->r = r;
}

/* Starts a record of `kind` with every field MISSING: the generator is the whole truth about
 * each record, so a re-run overwrites rather than merges. */
static struct jm_record *start(struct emitter *m, enum jm_entity kind)
{
    struct jm_record *r = &m->rec;
    jm_record_init(r, jm_entity_get(kind));
    for (size_t i = 0; i < r->def->nfields; i++)
        r->v[i].kind = JM_V_MISSING;
    jm_strbuf_reset(&m->props);
    return r;
}

static jm_status send(struct emitter *m, struct jm_record *r)
{
    jm_status rc = m->e->sink(r, m->e->ctx);
    if (!rc)
        m->e->sum->records[r->def->kind]++;
    return rc;
}

static const char *contact_id(struct emitter *m, int c, int64_t at)
{
    if (c < 0 || (unsigned)c >= m->a->n_contacts || m->a->contacts[c].created > at)
        return NULL;
    return m->a->contacts[c].id;
}

/* ---------------------------------------------------------------- owners */

jm_status jm__demo_emit_owners(struct demo_world *w, struct demo_emit *e)
{
    struct emitter m = {.w = w, .e = e};
    char email[96], props[160];
    jm_status rc = JM_OK;
    for (unsigned i = 0; i < w->n_owners && !rc; i++) {
        const struct demo_owner_def *o = &jm__demo_roster[i];
        struct jm_record *r = start(&m, JM_ENT_OWNER);
        snprintf(email, sizeof(email), "%s@demo-company.example", o->email);
        snprintf(props, sizeof(props), "{\"title\":\"%s\"}", o->title);
        v_text(&r->v[0], w->owner_ids[i]);
        v_text(&r->v[1], o->name);
        v_text(&r->v[2], email);
        v_text(&r->v[3], o->team);
        v_text(&r->v[4], o->manager >= 0 ? jm__demo_roster[o->manager].name : NULL);
        v_text(&r->v[5], jm__demo_office_names[o->office]);
        r->props = props;
        r->props_len = strlen(props);
        rc = send(&m, r);
    }
    return rc;
}

/* ---------------------------------------------------------------- account and contacts */

static const char *const segment_names[3] = {"SMB", "mid-market", "enterprise"};

static jm_status emit_account(struct emitter *m)
{
    const struct demo_account *a = m->a;
    struct jm_record *r = start(m, JM_ENT_ACCOUNT);
    v_text(&r->v[0], a->id);
    v_text(&r->v[1], a->cn.name);
    v_text(&r->v[2], a->domain);
    v_text(&r->v[3], jm__demo_industries[a->industry].name);
    v_text(&r->v[4], jm__demo_bands[a->band].label);
    r->v[5].kind = JM_V_INT;
    r->v[5].i = a->employees;
    v_text(&r->v[6], a->country->region);
    v_text(&r->v[7], a->country->name);
    v_text(&r->v[8], segment_names[a->segment]);
    v_text(&r->v[9], m->w->owner_ids[a->owner_ae]);
    v_time(&r->v[10], a->created);
    const char *fit = a->fit > 0.7 ? "high" : a->fit > 0.45 ? "medium" : "low";
    /* Keys in sorted order: the canonical form imports also write (import/row.c). A churn
     * reason is recorded only when the churn is inside what is emitted. */
    bool churned = a->churn_reason && m->churn_kept;
    jm_status rc = jm_strbuf_addf(&m->props, "{%s%s%s\"icp_fit\":\"%s\",\"lead_source\":\"%s\"%s}",
                                  churned ? "\"churn_reason\":\"" : "",
                                  churned ? jm__demo_churn_reasons[a->churn_reason] : "",
                                  churned ? "\"," : "", fit, jm__demo_channel_names[a->lead_source],
                                  a->partner_sourced ? ",\"partner_sourced\":true" : "");
    if (rc)
        return rc;
    r->props = m->props.buf;
    r->props_len = m->props.len;
    return send(m, r);
}

static jm_status emit_contact(struct emitter *m, const struct demo_contact *c)
{
    struct jm_record *r = start(m, JM_ENT_CONTACT);
    v_text(&r->v[0], c->id);
    v_text(&r->v[1], m->a->id);
    v_text(&r->v[2], c->name);
    v_text(&r->v[3], c->email);
    v_text(&r->v[4], c->title);
    v_text(&r->v[5], jm__demo_role_names[c->role]);
    v_text(&r->v[6], c->persona);
    /* People who first appear after the win (new users) belong to customer success. */
    uint16_t owner = c->created >= m->a->won_at ? m->a->owner_csm : c->owner;
    v_text(&r->v[7], m->w->owner_ids[owner]);
    v_time(&r->v[8], c->created);
    static const char vi[] = "{\"language\":\"vi\"}", en[] = "{\"language\":\"en\"}";
    r->props = m->a->vn ? vi : en;
    r->props_len = sizeof(vi) - 1;
    return send(m, r);
}

/* ---------------------------------------------------------------- events */

static const char hexdig[16] = "0123456789abcdef";

/* A UUID-shaped message id from (account, position): a bijection of a 64-bit key, so ids are
 * unique by construction, and salted with the seed so two seeds never share one. */
static void message_id(const struct emitter *m, uint32_t pos, char out[36])
{
    uint64_t key = ((uint64_t)m->a->index << 32) | pos;
    uint64_t hi = demo_mix(key ^ m->w->id_salt), lo = demo_mix(hi + m->w->id_salt);
    static const uint8_t dash_after[] = {8, 12, 16, 20};
    unsigned o = 0, d = 0;
    for (unsigned i = 0; i < 32; i++) {
        if (d < 4 && i == dash_after[d])
            out[o++] = '-', d++;
        uint64_t word = i < 16 ? hi : lo;
        out[o++] = hexdig[(word >> (60 - 4 * (i & 15))) & 15];
    }
}

static size_t build_url(const struct demo_tp_def *d, unsigned variant, bool vn, char *buf,
                        size_t cap)
{
    static const char web[] = "https://demo-company.example",
                      app[] = "https://app.demo-company.example";
    unsigned n = 0;
    while (d->pages[n])
        n++;
    const char *base = d->kind == TK_APP ? app : web;
    size_t blen = d->kind == TK_APP ? sizeof(app) - 1 : sizeof(web) - 1;
    const char *path = d->pages[variant % n];
    size_t plen = strlen(path), len = 0;
    if (blen + plen + 4 > cap)
        return 0;
    memcpy(buf, base, blen);
    len = blen;
    if (vn && d->kind == TK_WEB)
        memcpy(buf + len, "/vi", 3), len += 3;
    memcpy(buf + len, path, plen);
    return len + plen;
}

static void event_utm(struct emitter *m, struct jm_record *r, const struct demo_event *ev)
{
    static const char home[] = "https://demo-company.example/",
                      home_vn[] = "https://demo-company.example/vi/";
    const struct demo_utm *u = jm__demo_utm((enum demo_channel)ev->ch, ev->utm, m->a->vn);
    if (ev->flags & EVF_FOLLOW_ON)
        v_text(&r->v[JM_EV_REFERRER], m->a->vn ? home_vn : home);
    if (!u)
        return;
    if (u->source) {
        v_text(&r->v[JM_EV_UTM_SOURCE], u->source);
        v_text(&r->v[JM_EV_UTM_MEDIUM], u->medium);
        if (ev->campaign != DEMO_NONE)
            v_text(&r->v[JM_EV_UTM_CAMPAIGN], m->w->campaigns[ev->campaign]);
        if (ev->ch == CH_PAID_SEARCH)
            v_text(&r->v[JM_EV_UTM_TERM], jm__demo_keyword(ev->utm >> 3, m->a->vn));
    }
    if (!(ev->flags & EVF_FOLLOW_ON))
        v_text(&r->v[JM_EV_REFERRER], u->referrer);
}

static jm_status emit_event(struct emitter *m, const struct demo_event *ev, uint32_t pos)
{
    const struct demo_tp_def *d = &jm__demo_tps[ev->tp];
    const struct demo_contact *c = ev->contact >= 0 ? &m->a->contacts[ev->contact] : NULL;
    struct jm_record *r = &m->rec;
    char mid[36], url[192];
    r->def = jm_entity_get(JM_ENT_EVENT);
    for (unsigned i = 0; i < JM_EV__COUNT; i++)
        r->v[i].kind = JM_V_MISSING;
    message_id(m, pos, mid);
    v_textn(&r->v[JM_EV_MESSAGE_ID], mid, sizeof(mid));
    v_time(&r->v[JM_EV_TIME], ev->time);
    v_text(&r->v[JM_EV_ACCOUNT], m->a->id);
    /* The web knows people by cookie until they identify themselves there; the CRM and the
     * app know them by name. */
    int64_t known = !c ? DEMO_NEVER : d->kind == TK_WEB ? c->web_known : c->created;
    v_text(&r->v[JM_EV_CONTACT], known <= ev->time ? c->id : NULL);
    v_text(&r->v[JM_EV_TOUCHPOINT], d->name);
    v_text(&r->v[JM_EV_CHANNEL], jm__demo_channel_names[ev->ch]);
    if (d->kind == TK_WEB) {
        v_text(&r->v[JM_EV_ANONYMOUS_ID], c ? c->anon : NULL);
        event_utm(m, r, ev);
    }
    if (d->pages)
        v_textn(&r->v[JM_EV_URL], url, build_url(d, ev->variant, m->a->vn, url, sizeof(url)));
    if (ev->value >= 0) {
        v_real(&r->v[JM_EV_VALUE], ev->value);
        v_text(&r->v[JM_EV_CURRENCY], "USD");
    }
    if (ev->sentiment != INT16_MIN)
        v_real(&r->v[JM_EV_SENTIMENT], ev->sentiment / 100.0);
    r->props = NULL;
    r->props_len = 0;
    if (d->props) {
        unsigned n = 0;
        while (d->props[n])
            n++;
        r->props = d->props[ev->variant % n];
        r->props_len = strlen(r->props);
    }
    return send(m, r);
}

/* ---------------------------------------------------------------- deals */

static unsigned last_open_stage(const struct demo_deal *d)
{
    unsigned stage = DS_DISCOVERY;
    for (unsigned i = 0; i < DS__OPEN; i++)
        if (d->stage_at[i] != DEMO_NEVER)
            stage = i;
    return stage;
}

static jm_status emit_deal(struct emitter *m, const struct demo_deal *d, unsigned n)
{
    char id[40], name[160];
    struct jm_record *r = start(m, JM_ENT_DEAL);
    snprintf(id, sizeof(id), "deal-%06u-%u", m->a->index + 1, n);
    snprintf(name, sizeof(name), "%s - %s", m->a->cn.short_name, jm__demo_products[d->product]);
    unsigned stage = DS_DISCOVERY;
    for (unsigned i = 0; i < DS__OPEN; i++)
        if (d->stage_at[i] <= m->cutoff)
            stage = i;
    bool closed = d->closed <= m->cutoff;
    if (closed)
        stage = d->won ? 4 : 5;
    v_text(&r->v[0], id);
    v_text(&r->v[1], m->a->id);
    v_text(&r->v[2], contact_id(m, d->contact, d->created));
    v_text(&r->v[3], name);
    v_text(&r->v[4], d->pipeline == PL_NEW ? "New business" : "Expansion");
    v_text(&r->v[5], jm__demo_deal_stages[stage]);
    v_real(&r->v[6], d->amount);
    v_text(&r->v[7], "USD");
    v_time(&r->v[8], d->created);
    if (closed)
        v_time(&r->v[9], d->closed);
    v_text(&r->v[10], !closed ? "open" : d->won ? "won" : "lost");
    if (closed && !d->won)
        v_text(&r->v[11], jm__demo_lost_reasons[d->lost_reason]);
    v_text(&r->v[12], m->w->owner_ids[d->owner]);
    v_text(&r->v[13], jm__demo_products[d->product]);
    /* Where a lost deal died matters more than "Closed lost": keep the last open stage. */
    jm_status rc = jm_strbuf_addf(&m->props, "{\"lead_source\":\"%s\"",
                                  jm__demo_channel_names[m->a->lead_source]);
    if (!rc && closed && !d->won)
        rc = jm_strbuf_addf(&m->props, ",\"lost_at_stage\":\"%s\"",
                            jm__demo_deal_stages[last_open_stage(d)]);
    if (!rc)
        rc = jm_strbuf_addch(&m->props, '}');
    if (rc)
        return rc;
    r->props = m->props.buf;
    r->props_len = m->props.len;
    return send(m, r);
}

/* ---------------------------------------------------------------- tickets */

static const char *const priorities[4] = {"low", "normal", "high", "urgent"};

static jm_status ticket_props(struct emitter *m, const struct demo_ticket *t)
{
    const char *subject = jm__demo_ticket_subject(t->subject, m->a->vn && t->subject % 4 != 0);
    jm_status rc = jm_strbuf_addf(&m->props, "{\"sla_breached\":%s,\"sla_hours\":%u,\"subject\":",
                                  t->breached ? "true" : "false", t->sla_hours);
    if (!rc)
        rc = jm_strbuf_add_json_string(&m->props, subject, strlen(subject));
    return rc ? rc : jm_strbuf_addch(&m->props, '}');
}

static jm_status emit_ticket(struct emitter *m, const struct demo_ticket *t, unsigned n)
{
    char id[40];
    struct jm_record *r = start(m, JM_ENT_TICKET);
    snprintf(id, sizeof(id), "tkt-%06u-%04u", m->a->index + 1, n);
    bool answered = t->first_response <= m->cutoff, resolved = t->resolved <= m->cutoff;
    const char *status = !answered ? "open" : !resolved ? "pending" : "resolved";
    if (resolved && t->resolved + 3 * DEMO_DAY <= m->cutoff)
        status = "closed";
    v_text(&r->v[0], id);
    v_text(&r->v[1], m->a->id);
    v_text(&r->v[2], contact_id(m, t->contact, t->opened));
    v_time(&r->v[3], t->opened);
    if (answered)
        v_time(&r->v[4], t->first_response);
    if (resolved)
        v_time(&r->v[5], t->resolved);
    v_text(&r->v[6], priorities[t->priority]);
    v_text(&r->v[7], jm__demo_ticket_channels[t->channel]);
    v_text(&r->v[8], status);
    if (resolved && t->csat)
        v_real(&r->v[9], t->csat);
    jm_status rc = ticket_props(m, t);
    if (rc)
        return rc;
    r->props = m->props.buf;
    r->props_len = m->props.len;
    return send(m, r);
}

/* ---------------------------------------------------------------- surveys and revenue */

static jm_status emit_survey(struct emitter *m, const struct demo_survey *sv, unsigned n)
{
    static const char *const kinds[3] = {"nps", "csat", "ces"};
    char id[40];
    struct jm_record *r = start(m, JM_ENT_SURVEY);
    snprintf(id, sizeof(id), "srv-%06u-%u", m->a->index + 1, n);
    v_text(&r->v[0], id);
    v_text(&r->v[1], m->a->id);
    v_text(&r->v[2], contact_id(m, sv->contact, sv->time));
    v_time(&r->v[3], sv->time);
    v_text(&r->v[4], kinds[sv->kind]);
    v_real(&r->v[5], sv->score);
    if (sv->comment) {
        /* Bands on each scale: NPS 0-6/7-8/9-10, CSAT 1-2/3-4/5, CES 1-3/4-5/6-7. */
        static const int passive_from[3] = {7, 3, 4}, promoter_from[3] = {9, 5, 6};
        unsigned band = sv->score >= promoter_from[sv->kind]  ? 2
                        : sv->score >= passive_from[sv->kind] ? 1
                                                              : 0;
        v_text(&r->v[6], jm__demo_comment(band, (unsigned)sv->comment, sv->vi));
    }
    return send(m, r);
}

static jm_status emit_revenue(struct emitter *m, const struct demo_revenue *rv)
{
    struct jm_record *r = start(m, JM_ENT_REVENUE);
    v_text(&r->v[0], m->a->id);
    v_time(&r->v[1], rv->period_start);
    v_real(&r->v[2], rv->mrr);
    v_text(&r->v[3], "USD");
    return send(m, r);
}

/* ---------------------------------------------------------------- one account */

static int cmp_event(const void *x, const void *y)
{
    const struct demo_event *a = x, *b = y;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static jm_status emit_rest(struct emitter *m)
{
    const struct demo_account *a = m->a;
    jm_status rc = JM_OK;
    for (size_t i = 0; i < a->deals.n && !rc; i++)
        if (a->deals.v[i].created <= m->cutoff)
            rc = emit_deal(m, &a->deals.v[i], (unsigned)i + 1);
    for (size_t i = 0; i < a->tickets.n && !rc; i++)
        if (a->tickets.v[i].opened <= m->cutoff)
            rc = emit_ticket(m, &a->tickets.v[i], (unsigned)i + 1);
    for (size_t i = 0; i < a->surveys.n && !rc; i++)
        if (a->surveys.v[i].time <= m->cutoff)
            rc = emit_survey(m, &a->surveys.v[i], (unsigned)i + 1);
    for (size_t i = 0; i < a->revenue.n && !rc; i++)
        if (a->revenue.v[i].period_start <= m->cutoff)
            rc = emit_revenue(m, &a->revenue.v[i]);
    return rc;
}

jm_status jm__demo_emit_account(struct demo_world *w, struct demo_account *a, uint64_t max_events,
                                struct demo_emit *e)
{
    struct emitter m = {.w = w, .a = a, .e = e, .cutoff = w->end - 1};
    size_t n = a->events.n;
    if (n == 0 || max_events == 0)
        return JM_OK;
    qsort(a->events.v, n, sizeof(a->events.v[0]), cmp_event);
    if (n > max_events) {
        n = (size_t)max_events;
        m.cutoff = a->events.v[n - 1].time;
    }
    a->created = a->events.v[0].time;
    /* The simulation runs past the data: a churn shows only when the month after the last
     * revenue row is still inside it. */
    m.churn_kept = a->revenue.n &&
                   jm__demo_next_month(a->revenue.v[a->revenue.n - 1].period_start) <= m.cutoff;
    jm_strbuf_init(&m.props, 4096);
    jm_status rc = emit_account(&m);
    for (unsigned i = 0; i < a->n_contacts && !rc; i++)
        if (a->contacts[i].created <= m.cutoff)
            rc = emit_contact(&m, &a->contacts[i]);
    for (size_t i = 0; i < n && !rc; i++)
        rc = emit_event(&m, &a->events.v[i], (uint32_t)i);
    if (!rc)
        rc = emit_rest(&m);
    jm_strbuf_release(&m.props);
    return rc;
}
