/*
 * The post-sale story of one account: onboarding, product usage, support tickets against an
 * SLA, NPS/CSAT/CES surveys, expansion and advocacy, renewal or churn, and a revenue row (MRR)
 * for every month it pays.
 *
 * Everything hangs off one number, health (0..1): it starts from fit and the heat of the deal,
 * rises with training during onboarding, drifts back toward fit month by month, and drops with
 * every SLA breach. Health drives usage, ticket volume, CSAT and NPS scores, expansion and
 * advocacy; churn at renewal depends on health, on a poor last NPS and on repeated breaches.
 * The world's support crunch (mid-period, response times double) therefore shows up
 * as a breach spike, lower CSAT and NPS, and a churn bump at the following renewals.
 *
 * Starter customers pay monthly and can leave any month; the others sign yearly contracts.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "demo/internal.h"

struct cust {
    double mrr;
    int64_t won_at, renew_at, next_nps;
    int64_t pending_at; /* when an expansion's MRR starts, 0 for none */
    double pending_delta;
    int64_t busy_until; /* an expansion deal is open until then */
    int last_nps;       /* -1 before the first answer */
    int breaches;       /* SLA breaches in the current contract year */
    bool monthly, churned, case_study;
};

/* Product usage per person and month at full health, by DMU role. Calibrated so that the
 * average account lands at 150-200 events (product events about half of them). */
static const double usage_rate[RO__COUNT] = {
    [RO_DECIDER] = 3.5,     [RO_CHAMPION] = 25.0,  [RO_USER] = 39.0,
    [RO_RESEARCHER] = 14.0, [RO_INFLUENCER] = 7.0, [RO_FINANCE] = 1.2};

static int64_t days_us(double d)
{
    return (int64_t)(d * (double)DEMO_DAY);
}

/* Someone who can answer a survey or open a ticket: a known person, preferably a user. */
static int known_person(struct demo_sim *s, int64_t t)
{
    for (int tries = 0; tries < 4; tries++) {
        unsigned i = rng_below(&s->rng, s->a->n_contacts);
        if (s->a->contacts[i].created <= t)
            return (int)i;
    }
    return jm__demo_contact_or_lead(s, RO_CHAMPION);
}

static void survey(struct demo_sim *s, int64_t t, unsigned kind, int c, int score)
{
    struct demo_survey *sv = t < s->horizon ? DEMO_PUSH(s, s->a->surveys) : NULL;
    if (!sv)
        return;
    sv->time = t;
    sv->kind = (uint8_t)kind;
    sv->contact = (int8_t)c;
    sv->score = (int8_t)score;
    sv->vi = s->a->vn && rng_chance(&s->rng, 0.75);
    if (rng_chance(&s->rng, kind == SV_NPS ? 0.55 : 0.3))
        sv->comment = (int16_t)(1 + rng_below(&s->rng, 250));
}

static int score(double x, int lo, int hi)
{
    return (int)demo_clamp(round(x), lo, hi);
}

/* ---------------------------------------------------------------- onboarding and usage */

/* Training is for the people who will use the product, not for the boss or finance. */
static int trainee(struct demo_sim *s)
{
    int c = (int)rng_below(&s->rng, s->a->n_contacts);
    unsigned role = s->a->contacts[c].role;
    return role == RO_DECIDER || role == RO_FINANCE ? jm__demo_contact_or_lead(s, RO_USER) : c;
}

static void onboard(struct demo_sim *s, int64_t won_at)
{
    int champion = jm__demo_contact_or_lead(s, RO_CHAMPION),
        user = jm__demo_contact_or_lead(s, RO_USER);
    double slow = s->a->vn ? 1.3 : 1.0;
    int64_t t = jm__demo_worktime(s, won_at + days_us(rng_range(&s->rng, 2, 8) * slow));
    jm__demo_event(s, t, TP_ONBOARDING_CALL, champion);
    if (user != champion)
        jm__demo_event(s, t, TP_ONBOARDING_CALL, user);
    static const unsigned lo[3] = {0, 1, 2};
    unsigned k = lo[s->a->segment] + rng_below(&s->rng, 3);
    for (unsigned i = 0; i < k; i++) {
        int64_t at = jm__demo_worktime(s, t + days_us(rng_range(&s->rng, 5, 40)));
        jm__demo_event(s, at, TP_TRAINING_SESSION, trainee(s));
    }
    /* Teams that were trained stay; teams left alone drift away. */
    s->health = demo_clamp(s->health + (k ? 0.08 : -0.1), 0.02, 0.98);
    double h = s->health;
    if (rng_chance(&s->rng, 0.45))
        survey(s, t + days_us(3), SV_CES, champion, score(2 + 5 * h + rng_normal(&s->rng), 1, 7));
    if (rng_chance(&s->rng, 0.35))
        survey(s, t + days_us(4), SV_CSAT, user,
               score(1.5 + 3.5 * h + 0.6 * rng_normal(&s->rng), 1, 5));
}

static void usage(struct demo_sim *s, int64_t month, int64_t next)
{
    uint32_t days = (uint32_t)((next - month) / DEMO_DAY);
    for (unsigned i = 0; i < s->a->n_contacts; i++) {
        double lam = usage_rate[s->a->contacts[i].role] * (0.25 + s->health);
        unsigned n = jm__demo_poisson(&s->rng, lam);
        for (unsigned j = 0; j < n; j++) {
            int64_t t = jm__demo_worktime(s, month + rng_below(&s->rng, days) * DEMO_DAY);
            jm__demo_event(s, t, TP_PRODUCT_LOGIN, (int)i);
            unsigned f = jm__demo_poisson(&s->rng, 1.8);
            for (unsigned k = 0; k < f; k++)
                jm__demo_event(s, t + (int64_t)(k + 1) * rng_below(&s->rng, 600) * JM_US_PER_SEC,
                               TP_FEATURE_USED, (int)i);
        }
    }
}

/* ---------------------------------------------------------------- support */

static double support_load(const struct demo_world *w, int64_t t)
{
    return t >= w->crunch_start && t < w->crunch_end ? 2.0 : 1.0;
}

static void ticket(struct demo_sim *s, struct cust *c, int64_t t)
{
    static const uint8_t pri_w[4] = {25, 50, 18, 7}, sla[4] = {24, 8, 4, 1};
    static const double resolve_h[4] = {96, 48, 24, 8};
    static const uint8_t ch_w[5] = {45, 30, 15, 10, 0}, ch_w_vn[5] = {30, 25, 15, 5, 25};
    struct demo_ticket *tk = DEMO_PUSH(s, s->a->tickets);
    if (!tk)
        return;
    unsigned pri = jm__demo_pick_u8(&s->rng, pri_w, 4);
    double factor = exp(-0.9 + 0.6 * rng_normal(&s->rng)) * support_load(s->w, t);
    double resp_h = demo_clamp(sla[pri] * factor, 0.08, 24 * 14);
    tk->opened = t;
    tk->first_response = t + (int64_t)(resp_h * (double)DEMO_HOUR);
    tk->resolved = tk->first_response +
                   (int64_t)((rng_exp(&s->rng, resolve_h[pri]) + 0.2) * (double)DEMO_HOUR);
    tk->priority = (uint8_t)pri;
    tk->sla_hours = sla[pri];
    tk->breached = resp_h > sla[pri];
    tk->channel = (uint8_t)jm__demo_pick_u8(&s->rng, s->a->vn ? ch_w_vn : ch_w, 5);
    tk->subject = (uint8_t)rng_below(&s->rng, 250);
    tk->contact = (int8_t)known_person(s, t);
    double h = s->health;
    if (rng_chance(&s->rng, 0.7))
        tk->csat = (int8_t)score(
            4.5 - 1.4 * tk->breached - 1.5 * (1 - h) + 0.6 * rng_normal(&s->rng), 1, 5);
    int8_t who = tk->contact, csat = tk->csat;
    int64_t resolved = tk->resolved;
    bool breached = tk->breached;
    struct demo_event *ev = jm__demo_event(s, t, TP_SUPPORT_TICKET, who);
    ev->variant = (uint8_t)pri;
    if (csat)
        ev->sentiment = jm__demo_sentiment(s, (csat - 3) / 2.0);
    if (breached) {
        s->health = demo_clamp(h - 0.05, 0.02, 0.98);
        c->breaches++;
    }
    if (rng_chance(&s->rng, 0.12))
        survey(s, resolved + days_us(1), SV_CES, who,
               score(6.5 - 2.5 * breached - 2 * (1 - h) + rng_normal(&s->rng), 1, 7));
}

static void tickets(struct demo_sim *s, struct cust *c, int64_t month, int64_t next)
{
    static const double base[3] = {0.35, 0.8, 1.6};
    double lam = base[s->a->segment] * (month < c->won_at + days_us(60) ? 2.0 : 1.0) *
                 (1.4 - 0.8 * s->health);
    unsigned n = jm__demo_poisson(&s->rng, lam);
    uint32_t days = (uint32_t)((next - month) / DEMO_DAY);
    for (unsigned i = 0; i < n; i++)
        ticket(s, c, jm__demo_worktime(s, month + rng_below(&s->rng, days) * DEMO_DAY));
}

/* ---------------------------------------------------------------- surveys, growth, renewal */

static void nps(struct demo_sim *s, struct cust *c)
{
    int64_t t = jm__demo_worktime(s, c->next_nps);
    c->next_nps += days_us(91);
    if (!rng_chance(&s->rng, 0.62))
        return;
    int v = score(3.3 + 7.5 * s->health + 1.4 * rng_normal(&s->rng), 0, 10);
    survey(s, t, SV_NPS, known_person(s, t), v);
    c->last_nps = v;
}

static void upsell(struct demo_sim *s, struct cust *c, int64_t month)
{
    struct demo_deal d;
    memset(&d, 0, sizeof(d));
    int champion = jm__demo_contact_or_lead(s, RO_CHAMPION),
        decider = jm__demo_contact_or_lead(s, RO_DECIDER);
    int64_t t = jm__demo_worktime(s, month + rng_below(&s->rng, 25) * DEMO_DAY);
    jm__demo_event(s, t, TP_UPSELL_MEETING, champion);
    for (unsigned i = 0; i < DS__OPEN; i++)
        d.stage_at[i] = DEMO_NEVER;
    d.pipeline = PL_EXPANSION;
    d.product = (uint8_t)(PR_ADDON_SEATS + rng_below(&s->rng, 3));
    d.amount = round(c->mrr * 12 * rng_range(&s->rng, 0.15, 0.45) / 100) * 100;
    d.created = d.stage_at[DS_DISCOVERY] = t;
    d.contact = (int8_t)champion;
    d.owner = s->a->owner_ae;
    t = jm__demo_worktime(s, t + days_us(rng_range(&s->rng, 10, 30)));
    d.stage_at[DS_PROPOSAL] = t;
    jm__demo_event(s, t, TP_PROPOSAL_SENT, champion)->value = d.amount;
    d.won = rng_chance(&s->rng, 0.4 + 0.5 * (s->health - 0.6));
    d.closed = jm__demo_worktime(s, t + days_us(rng_range(&s->rng, 10, 45)));
    if (d.won) {
        jm__demo_event(s, d.closed, TP_CONTRACT_SIGNED, decider)->value = d.amount;
        c->pending_at = jm__demo_next_month(d.closed);
        c->pending_delta = d.amount / 12;
    } else {
        static const double why[5] = {40, 30, 0, 30, 0};
        d.lost_reason = (uint8_t)jm__demo_pick(&s->rng, why, 5);
    }
    c->busy_until = d.closed;
    struct demo_deal *p = DEMO_PUSH(s, s->a->deals);
    if (p)
        *p = d;
}

static void grow_or_shrink(struct demo_sim *s, struct cust *c, int64_t month)
{
    static const double up[3] = {0.03, 0.05, 0.07};
    double h = s->health;
    int champion = jm__demo_contact_or_lead(s, RO_CHAMPION);
    /* Expansion talk starts once the customer has seen value: after a few months. */
    if (month >= c->busy_until && month >= c->won_at + days_us(120) && !c->pending_at && h > 0.62 &&
        rng_chance(&s->rng, up[s->a->segment]))
        upsell(s, c, month);
    if (h > 0.72 && rng_chance(&s->rng, 0.035))
        jm__demo_event(s, jm__demo_worktime(s, month + days_us(rng_range(&s->rng, 0, 27))),
                       TP_REFERRAL, champion);
    if (h > 0.72 && rng_chance(&s->rng, 0.025))
        jm__demo_event(s, jm__demo_worktime(s, month + days_us(rng_range(&s->rng, 0, 27))),
                       TP_REVIEW_WRITTEN, known_person(s, month));
    if (h > 0.8 && !c->case_study && rng_chance(&s->rng, 0.02)) {
        c->case_study = true;
        jm__demo_event(s, jm__demo_worktime(s, month + days_us(rng_range(&s->rng, 0, 27))),
                       TP_CASE_STUDY_PARTICIPATION, champion);
    }
    if (h < 0.35 && rng_chance(&s->rng, 0.07)) /* seats cut mid-contract */
        c->mrr = round(c->mrr * rng_range(&s->rng, 0.6, 0.85));
}

/*
 * Why the account left, as its CSM would record it: read from the state that made it leave, so
 * the reasons agree with the data (breaches, a poor NPS, low health) and cost no random draw.
 */
static void record_churn(struct demo_sim *s, const struct cust *c)
{
    uint8_t why;
    if (c->breaches >= 1)
        why = 1; /* poor support */
    else if (c->last_nps >= 0 && c->last_nps <= 6)
        why = 3; /* unhappy with product */
    else if (s->health < 0.5)
        why = 2; /* low adoption */
    else if (s->a->segment == SEG_SMB && s->a->index % 3 != 0)
        why = 4; /* budget cut */
    else
        why = 5; /* switched to competitor */
    s->a->churn_reason = why;
}

static void renew(struct demo_sim *s, struct cust *c)
{
    double h = s->health;
    double p = 0.06 + 0.65 * (1 - h) * (1 - h) + (c->last_nps >= 0 && c->last_nps <= 6 ? 0.15 : 0) +
               (c->breaches >= 2 ? 0.12 : 0) + (s->a->segment == SEG_SMB ? 0.05 : 0);
    if (rng_chance(&s->rng, p)) {
        c->churned = true;
        record_churn(s, c);
        return;
    }
    if (h > 0.7)
        c->mrr = round(c->mrr * 1.05); /* list-price uplift */
    else if (h < 0.45)
        c->mrr = round(c->mrr * rng_range(&s->rng, 0.7, 0.9)); /* downgrade to stay */
    int64_t t = jm__demo_worktime(s, c->renew_at - days_us(rng_range(&s->rng, 5, 25)));
    int who = jm__demo_contact_or_lead(s, rng_chance(&s->rng, 0.5) ? RO_DECIDER : RO_CHAMPION);
    jm__demo_event(s, t, TP_RENEWAL, who)->value = c->mrr * 12;
    c->renew_at += days_us(365);
    c->breaches = 0;
}

/* ---------------------------------------------------------------- the month loop */

static void month_step(struct demo_sim *s, struct cust *c, int64_t month, int64_t next)
{
    if (c->pending_at && c->pending_at <= month) {
        c->mrr += c->pending_delta;
        c->pending_at = 0;
    }
    struct demo_revenue *rv = DEMO_PUSH(s, s->a->revenue);
    if (rv) {
        rv->period_start = month;
        rv->mrr = round(c->mrr);
    }
    s->mood = s->health * 1.6 - 0.7;
    usage(s, month, next);
    tickets(s, c, month, next);
    if (c->next_nps < next)
        nps(s, c);
    grow_or_shrink(s, c, month);
    double target = 0.3 + 0.5 * s->a->fit;
    s->health = demo_clamp(s->health + 0.08 * (target - s->health) + 0.035 * rng_normal(&s->rng),
                           0.02, 0.98);
    if (c->renew_at < next)
        renew(s, c);
    else if (c->monthly &&
             (c->churned = rng_chance(&s->rng, 0.01 + 0.06 * (1 - s->health) * (1 - s->health))))
        record_churn(s, c);
}

void jm__demo_customer(struct demo_sim *s, const struct demo_deal *won)
{
    struct cust c;
    memset(&c, 0, sizeof(c));
    c.mrr = round(won->amount / 12);
    c.won_at = won->closed;
    c.renew_at = won->closed + days_us(365);
    c.next_nps = won->closed + days_us(90);
    c.last_nps = -1;
    c.monthly = won->product == PR_STARTER;
    s->a->won_at = won->closed;
    s->health =
        demo_clamp(0.3 + 0.4 * s->a->fit + 0.15 * s->heat + 0.08 * rng_normal(&s->rng), 0.05, 0.95);
    s->mood = s->health * 1.6 - 0.7;
    onboard(s, won->closed);
    for (int64_t month = jm__demo_next_month(won->closed);
         month < s->horizon && !c.churned && !s->rc;) {
        int64_t next = jm__demo_next_month(month);
        month_step(s, &c, month, next);
        month = next;
    }
    s->t = s->horizon;
}
