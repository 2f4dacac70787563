/*
 * The pre-sale story of one account, as a small state machine over phases:
 *
 *   first touch -> AWARE <-> CONSIDER -> DECIDE -> (won) customer.c
 *                    |          |   \       |
 *                    v          v    HOT    +-> (lost / disqualified) NURTURE -> CONSIDER | end
 *                 quiet / end  quiet  |
 *                                     +-> months of silence -> CONSIDER | end
 *
 * Each phase emits a cluster of touches from one or more committee members, then draws where
 * to go next from the account's propensity (half fit, half "heat": intent eroded by slow
 * follow-ups and stalls). Clusters are separated by exponential gaps scaled by the account's
 * pace, so Vietnamese and enterprise accounts take measurably longer. People stay anonymous
 * (web touches carry only the visitor id) until a form fill or a meeting identifies them;
 * emit.c derives that from each contact's identification time.
 *
 * The deal walk (DECIDE) is where the B2B shape shows: an SDR call whose delay matters (a
 * slow callback cools the lead), demos with the champion and the technical evaluator, the
 * decider appearing only at the proposal, finance reading the pricing page anonymously before
 * the quote reaches them, security reviews in regulated industries, re-evaluation after the
 * proposal, long stalls that end in "no decision", and loss reasons that depend on the stage.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "demo/internal.h"

enum phase { PH_END, PH_AWARE, PH_CONSIDER, PH_HOT, PH_DECIDE, PH_NURTURE };

/* ---------------------------------------------------------------- events and time */

int64_t jm__demo_worktime(struct demo_sim *s, int64_t t)
{
    const int64_t open = 8 * DEMO_HOUR, close = 18 * DEMO_HOUR;
    int64_t tz = (int64_t)s->a->country->tz * DEMO_HOUR;
    int64_t local = t + tz;
    int64_t day = local / DEMO_DAY - (local % DEMO_DAY < 0);
    int64_t sod = local - day * DEMO_DAY;
    if (sod >= close) {
        day++;
        sod = 0;
    }
    /* 1970-01-01 was a Thursday: (day + 4) % 7 is 0 on Sundays and 6 on Saturdays. */
    for (int dow = (int)(((day + 4) % 7 + 7) % 7); dow == 0 || dow == 6; dow = (dow + 1) % 7) {
        day++;
        sod = 0;
    }
    int64_t lo = sod > open ? sod : open;
    int64_t at = lo + (int64_t)(rng_unit(&s->rng) * (double)(close - lo));
    return day * DEMO_DAY + at - tz;
}

int64_t jm__demo_next_month(int64_t t)
{
    int y, m, d, hh, mm, ss;
    jm_time_civil(t, &y, &m, &d, &hh, &mm, &ss);
    if (++m > 12)
        m = 1, y++;
    return jm_days_from_civil(y, (unsigned)m, 1) * DEMO_DAY;
}

static void identify(struct demo_sim *s, int c, int64_t t)
{
    if (c < 0 || (unsigned)c >= s->a->n_contacts || t >= s->horizon)
        return;
    if (t < s->a->contacts[c].created)
        s->a->contacts[c].created = t;
}

/* A form fill: the person becomes a contact and their browser is theirs from now on. */
static void identify_web(struct demo_sim *s, int c, int64_t t)
{
    identify(s, c, t);
    if (c >= 0 && (unsigned)c < s->a->n_contacts && t < s->horizon &&
        t < s->a->contacts[c].web_known)
        s->a->contacts[c].web_known = t;
}

int16_t jm__demo_sentiment(struct demo_sim *s, double mood)
{
    double x = demo_clamp(mood + 0.3 * rng_normal(&s->rng), -1.0, 1.0);
    return (int16_t)lround(x * 20.0) * 5; /* reps log in steps of 0.05 */
}

struct demo_event *jm__demo_event(struct demo_sim *s, int64_t t, unsigned tp, int contact)
{
    const struct demo_tp_def *d = &jm__demo_tps[tp];
    struct demo_event *ev = NULL;
    if (t < s->horizon && !s->rc)
        ev = DEMO_PUSH(s, s->a->events);
    if (!ev) {
        memset(&s->scratch, 0, sizeof(s->scratch));
        return &s->scratch;
    }
    ev->time = t;
    ev->value = -1;
    ev->seq = s->a->seq++;
    ev->tp = (uint8_t)tp;
    ev->ch = d->channels[0];
    ev->contact = (int8_t)contact;
    uint64_t bits = rng_next(&s->rng);
    ev->variant = (uint8_t)(bits >> 56);
    ev->utm = (uint8_t)(bits >> 48);
    ev->campaign = DEMO_NONE;
    ev->sentiment = d->sentiment ? jm__demo_sentiment(s, s->mood) : INT16_MIN;
    if (d->identifies && d->kind == TK_WEB)
        identify_web(s, contact, t);
    else if (d->identifies)
        identify(s, contact, t);
    return ev;
}

static uint16_t campaign_for(struct demo_sim *s, enum demo_channel ch, int64_t t)
{
    const int8_t *th = jm__demo_channel_themes(ch, s->a->vn);
    unsigned n = 0;
    while (n < 4 && th[n] >= 0)
        n++;
    if (!n)
        return DEMO_NONE;
    int y, m, d, hh, mm, ss;
    jm_time_civil(t, &y, &m, &d, &hh, &mm, &ss);
    long q = (long)(y - s->w->q0_year) * 4 + (m - 1) / 3 - s->w->q0_quarter;
    if (q < 0 || q >= (long)s->w->n_quarters)
        return DEMO_NONE;
    return (uint16_t)(q * DEMO_N_THEMES + th[rng_below(&s->rng, n)]);
}

static struct demo_event *touch_via(struct demo_sim *s, int64_t t, unsigned tp, int c, unsigned ch)
{
    uint16_t camp = jm__demo_tps[tp].kind == TK_WEB ? campaign_for(s, ch, t) : DEMO_NONE;
    struct demo_event *ev = jm__demo_event(s, t, tp, c);
    ev->ch = (uint8_t)ch;
    ev->campaign = camp;
    /* A click in our email carries the recipient's id; only known contacts get our email. */
    if (ch == CH_EMAIL && c >= 0 && s->a->contacts[c].created <= t)
        identify_web(s, c, t);
    return ev;
}

static struct demo_event *touch(struct demo_sim *s, int64_t t, unsigned tp, int c)
{
    const struct demo_tp_def *d = &jm__demo_tps[tp];
    double w[4];
    for (unsigned i = 0; i < 4; i++)
        w[i] = d->weights[i] * s->a->chmul[d->channels[i]];
    return touch_via(s, t, tp, c, d->channels[jm__demo_pick(&s->rng, w, 4)]);
}

/* ---------------------------------------------------------------- people */

int jm__demo_contact(struct demo_sim *s, unsigned role)
{
    for (unsigned i = 0; i < s->a->n_contacts; i++)
        if (s->a->contacts[i].role == role)
            return (int)i;
    return -1;
}

int jm__demo_contact_or_lead(struct demo_sim *s, unsigned role)
{
    int c = jm__demo_contact(s, role);
    return c >= 0 ? c : 0;
}

/* Who reads up on us: people who will use or evaluate the product. The boss and finance do
 * not browse blogs; they turn up late, at the proposal (a break point the map should show). */
static int reader(struct demo_sim *s)
{
    int c = (int)rng_below(&s->rng, s->a->n_contacts);
    unsigned role = s->a->contacts[c].role;
    if (role == RO_DECIDER && s->a->segment == SEG_SMB && rng_chance(&s->rng, 0.3))
        return c; /* except the founder of a small firm, who reads everything */
    return role == RO_DECIDER || role == RO_FINANCE ? 0 : c;
}

/* Early on the lead does most of the reading; sometimes a colleague finds us too. */
static int early_contact(struct demo_sim *s)
{
    double u = rng_unit(&s->rng);
    if (u < 0.45)
        return 0;
    return reader(s);
}

static double propensity(struct demo_sim *s)
{
    return 0.5 * s->a->fit + 0.5 * s->heat;
}

static void wait_days(struct demo_sim *s, double mean_days)
{
    double d = rng_exp(&s->rng, mean_days * s->a->pace);
    s->t += (int64_t)(d * (double)DEMO_DAY) + DEMO_HOUR;
}

static int64_t after_days(struct demo_sim *s, int64_t t, double lo, double hi)
{
    return jm__demo_worktime(s, t + (int64_t)(rng_range(&s->rng, lo, hi) * (double)DEMO_DAY));
}

/* ---------------------------------------------------------------- marketing touches */

/* Draws a touchpoint from a stage mix, adjusted for who the account is. */
static unsigned draw_tp(struct demo_sim *s, const double *mix)
{
    double w[TP__COUNT];
    memcpy(w, mix, sizeof(w));
    if (s->a->vn) {
        w[TP_EVENT_BOOTH_VISIT] *= 3.0, w[TP_WEBINAR_REGISTERED] *= 1.5;
        w[TP_TRIAL_SIGNUP] *= 0.5, w[TP_AD_CLICK] *= 0.8;
    }
    if (s->a->segment == SEG_SMB)
        w[TP_TRIAL_SIGNUP] *= 2.5, w[TP_EVENT_BOOTH_VISIT] *= 0.5;
    else if (s->a->segment == SEG_ENT)
        w[TP_TRIAL_SIGNUP] *= 0.3, w[TP_WHITEPAPER_DOWNLOAD] *= 1.5, w[TP_EVENT_BOOTH_VISIT] *= 1.5;
    return jm__demo_pick(&s->rng, w, TP__COUNT);
}

/* A self-serve trial: two weeks of logins by the person who signed up. */
static void trial(struct demo_sim *s, int64_t t, int c)
{
    unsigned k = 3 + rng_below(&s->rng, 8);
    for (unsigned i = 0; i < k; i++) {
        int64_t at = after_days(s, t, 0.01, 14);
        jm__demo_event(s, at, TP_PRODUCT_LOGIN, c);
        unsigned f = jm__demo_poisson(&s->rng, 1.5);
        for (unsigned j = 0; j < f; j++)
            jm__demo_event(s, at + (int64_t)(j + 1) * 4 * 60 * JM_US_PER_SEC, TP_FEATURE_USED, c);
    }
}

/* A web visit rarely stops at one page: the visitor reads on, in the same session, through
 * the same channel and campaign. */
static void browse(struct demo_sim *s, int64_t t, unsigned tp, int c, const struct demo_event *land)
{
    /* Early readers stay on content; pricing and case studies are a later stage's pages. */
    static const double light[TP__COUNT] = {[TP_BLOG_VIEW] = 95, [TP_WEBINAR_REGISTERED] = 2};
    static const double deep[TP__COUNT] = {[TP_PRICING_VIEW] = 35,
                                           [TP_CASE_STUDY_VIEW] = 25,
                                           [TP_COMPARISON_PAGE_VIEW] = 20,
                                           [TP_BLOG_VIEW] = 20};
    double mix[TP__COUNT];
    memcpy(mix, jm__demo_tps[tp].stage == ST_AWARENESS ? light : deep, sizeof(mix));
    uint8_t ch = land->ch, utm = land->utm;
    uint16_t campaign = land->campaign;
    unsigned n = jm__demo_poisson(&s->rng, s->a->vn ? 2.5 : 2.0), prev = tp;
    for (unsigned i = 0; i < n; i++) {
        /* Nobody reloads a one-page touchpoint (pricing); another blog post is fine. */
        const char *const *pages = jm__demo_tps[prev].pages;
        double keep = mix[prev];
        if (pages && !pages[1])
            mix[prev] = 0;
        unsigned next = jm__demo_pick(&s->rng, mix, TP__COUNT);
        mix[prev] = keep;
        t += (int64_t)(30 + rng_below(&s->rng, 400)) * JM_US_PER_SEC;
        struct demo_event *ev = jm__demo_event(s, t, next, c);
        ev->ch = ch;
        ev->utm = utm;
        ev->campaign = campaign;
        ev->flags |= EVF_FOLLOW_ON;
        prev = next;
    }
}

static void marketing_touch(struct demo_sim *s, int64_t t, unsigned tp, int c)
{
    struct demo_event *ev = touch(s, t, tp, c);
    if (tp == TP_EVENT_BOOTH_VISIT) /* Vietnamese accounts meet us at Vietnamese events */
        ev->variant = (uint8_t)(s->a->vn ? rng_below(&s->rng, 2) : 2 + rng_below(&s->rng, 2));
    /* Copy out: adding events below may move the array `ev` points into. */
    struct demo_event land = *ev;
    if (jm__demo_tps[tp].kind == TK_WEB)
        browse(s, t, tp, c, &land);
    if (tp == TP_WEBINAR_REGISTERED && rng_chance(&s->rng, 0.5)) {
        ev = jm__demo_event(s, after_days(s, t, 2, 10), TP_WEBINAR_ATTENDED, c);
        ev->variant = land.variant;
    } else if (tp == TP_TRIAL_SIGNUP) {
        trial(s, t, c);
    }
}

/* Gone quiet: most never come back; some return after months (a stall, not a drop). */
static int go_quiet(struct demo_sim *s, int back)
{
    if (s->recycles < 2 && rng_chance(&s->rng, 0.3)) {
        s->recycles++;
        s->t += (int64_t)(rng_range(&s->rng, 90, 300) * (double)DEMO_DAY);
        return back;
    }
    return PH_END;
}

static void request_demo(struct demo_sim *s)
{
    int c = jm__demo_contact_or_lead(s, RO_CHAMPION);
    s->t = after_days(s, s->t, 0, 4);
    marketing_touch(s, s->t, TP_DEMO_REQUEST, c);
}

/* ---------------------------------------------------------------- phases before the deal */

static int first_touch(struct demo_sim *s)
{
    static const double anon[TP__COUNT] = {
        [TP_AD_CLICK] = 3, [TP_BLOG_VIEW] = 5, [TP_SOCIAL_POST_VIEW] = 3};
    static const double ident[TP__COUNT] = {
        [TP_WHITEPAPER_DOWNLOAD] = 30, [TP_WEBINAR_REGISTERED] = 25, [TP_NEWSLETTER_SIGNUP] = 15,
        [TP_EVENT_BOOTH_VISIT] = 12,   [TP_DEMO_REQUEST] = 6,        [TP_TRIAL_SIGNUP] = 8};
    /* Weeks of anonymous visits usually come before anyone fills in a form. */
    int64_t t = jm__demo_worktime(s, s->a->created);
    unsigned n = 1 + rng_below(&s->rng, 4);
    for (unsigned i = 0; i < n; i++) {
        marketing_touch(s, t, draw_tp(s, anon), i && rng_chance(&s->rng, 0.3) ? reader(s) : 0);
        t = after_days(s, t, 0.1, 8);
    }
    unsigned tp = draw_tp(s, ident);
    marketing_touch(s, t, tp, 0);
    if (s->a->events.n)
        s->a->lead_source = s->a->events.v[0].ch;
    /* Enrichment finds a second person at the firm soon after the first form fill. */
    identify(s, 1, t + (int64_t)(rng_range(&s->rng, 0.05, 3) * (double)DEMO_DAY));
    s->t = t + DEMO_HOUR;
    if (tp == TP_DEMO_REQUEST)
        return PH_DECIDE;
    wait_days(s, tp == TP_TRIAL_SIGNUP ? 5 : 10);
    return tp == TP_TRIAL_SIGNUP ? PH_CONSIDER : PH_AWARE;
}

static int awareness(struct demo_sim *s)
{
    static const double mix[TP__COUNT] = {
        [TP_AD_CLICK] = 15,           [TP_BLOG_VIEW] = 30,           [TP_SOCIAL_POST_VIEW] = 15,
        [TP_WEBINAR_REGISTERED] = 10, [TP_WHITEPAPER_DOWNLOAD] = 10, [TP_EVENT_BOOTH_VISIT] = 4};
    int c = early_contact(s);
    unsigned n = 1 + jm__demo_poisson(&s->rng, s->a->vn ? 2.8 : 1.8);
    int64_t t = jm__demo_worktime(s, s->t);
    for (unsigned i = 0; i < n; i++) {
        marketing_touch(s, t, draw_tp(s, mix), c);
        t = after_days(s, t, 0, 1.5);
    }
    s->t = t;
    double p = propensity(s), u = rng_unit(&s->rng);
    double adv = (0.08 + 0.25 * p) * (s->a->vn ? 0.85 : 1.0), drop = 0.03 + 0.10 * (1 - p);
    if (u < adv) {
        wait_days(s, 5);
        return PH_CONSIDER;
    }
    if (u < adv + drop)
        return go_quiet(s, PH_AWARE);
    wait_days(s, 12);
    return PH_AWARE;
}

static int consideration(struct demo_sim *s)
{
    static const double mix[TP__COUNT] = {
        [TP_PRICING_VIEW] = 20, [TP_CASE_STUDY_VIEW] = 18,   [TP_COMPARISON_PAGE_VIEW] = 12,
        [TP_BLOG_VIEW] = 14,    [TP_NEWSLETTER_SIGNUP] = 6,  [TP_WEBINAR_REGISTERED] = 6,
        [TP_TRIAL_SIGNUP] = 6,  [TP_WHITEPAPER_DOWNLOAD] = 6};
    unsigned n = 2 + jm__demo_poisson(&s->rng, s->a->vn ? 3.0 : 1.8);
    int64_t t = jm__demo_worktime(s, s->t);
    int c = early_contact(s);
    for (unsigned i = 0; i < n; i++) {
        if (rng_chance(&s->rng, 0.3)) /* the committee widens: someone new reads up */
            c = reader(s);
        marketing_touch(s, t, draw_tp(s, mix), c);
        t = after_days(s, t, 0, 2.5);
    }
    s->t = t;
    if (!s->hot_done && s->heat > 0.5 && rng_chance(&s->rng, 0.2))
        return PH_HOT;
    double p = propensity(s), u = rng_unit(&s->rng);
    double demo = 0.09 + 0.28 * p, back = 0.08, drop = 0.03 + 0.10 * (1 - p);
    if (u < demo) {
        request_demo(s);
        return PH_DECIDE;
    }
    if (u < demo + back) { /* a backward move: back to reading general content */
        wait_days(s, 20);
        return PH_AWARE;
    }
    if (u < demo + back + drop)
        return go_quiet(s, PH_CONSIDER);
    wait_days(s, 9);
    return PH_CONSIDER;
}

/* A hot lead: a burst of high-intent visits in a few days, then months of silence. */
static int hot_burst(struct demo_sim *s)
{
    static const double mix[TP__COUNT] = {[TP_PRICING_VIEW] = 35,
                                          [TP_COMPARISON_PAGE_VIEW] = 20,
                                          [TP_CASE_STUDY_VIEW] = 15,
                                          [TP_BLOG_VIEW] = 5};
    s->hot_done = true;
    int c = jm__demo_contact_or_lead(s, RO_CHAMPION);
    int64_t t = jm__demo_worktime(s, s->t);
    unsigned k = 4 + rng_below(&s->rng, 6);
    for (unsigned i = 0; i < k; i++) {
        marketing_touch(s, t, draw_tp(s, mix), c);
        t = jm__demo_worktime(s, t + (int64_t)(rng_exp(&s->rng, 10) * (double)DEMO_HOUR));
    }
    if (rng_chance(&s->rng, 0.6)) {
        marketing_touch(s, t, TP_DEMO_REQUEST, c);
        /* The SDR calls back too late and reaches voicemail. */
        struct demo_event *ev = jm__demo_event(s, after_days(s, t, 1, 6), TP_SALES_CALL, c);
        ev->sentiment = jm__demo_sentiment(s, -0.3);
    }
    s->heat *= 0.5;
    s->t = t + (int64_t)(rng_range(&s->rng, 90, 270) * s->a->pace * (double)DEMO_DAY);
    if (s->recycles < 2 && rng_chance(&s->rng, 0.35)) {
        s->recycles++;
        return PH_CONSIDER;
    }
    return PH_END;
}

/* After a loss or a disqualification: a few nurture emails; some accounts come back. */
static int nurture(struct demo_sim *s)
{
    static const double mix[TP__COUNT] = {[TP_BLOG_VIEW] = 40,
                                          [TP_WEBINAR_REGISTERED] = 15,
                                          [TP_CASE_STUDY_VIEW] = 15,
                                          [TP_PRICING_VIEW] = 8};
    unsigned k = 1 + jm__demo_poisson(&s->rng, 1.5);
    for (unsigned i = 0; i < k; i++) {
        s->t = jm__demo_worktime(s, s->t + (int64_t)(rng_exp(&s->rng, 40) * (double)DEMO_DAY));
        int c = reader(s);
        unsigned tp = draw_tp(s, mix);
        if (rng_chance(&s->rng, 0.7))
            touch_via(s, s->t, tp, c, CH_EMAIL);
        else
            marketing_touch(s, s->t, tp, c);
    }
    static const double reopen[6] = {0.10, 0.12, 0.35, 0.12, 0.25, 0.12};
    if (s->recycles < 2 && rng_chance(&s->rng, reopen[s->lost_reason + 1])) {
        s->recycles++;
        s->t += (int64_t)(rng_range(&s->rng, 60, 240) * s->a->pace * (double)DEMO_DAY);
        s->heat = demo_clamp(s->a->intent * 0.9, s->heat, 1.0);
        return PH_CONSIDER;
    }
    return PH_END;
}

/* ---------------------------------------------------------------- the deal walk */

struct walk {
    struct demo_deal d;
    int64_t t;
    bool slow, stalled, decider_met;
    int champion, decider, finance, tech, influencer;
};

/* Sales touches of partner-sourced accounts often run through the partner. */
static struct demo_event *sales_touch(struct demo_sim *s, int64_t t, unsigned tp, int c)
{
    struct demo_event *ev = jm__demo_event(s, t, tp, c);
    if (s->a->partner_sourced && rng_chance(&s->rng, 0.4))
        ev->ch = CH_PARTNER;
    return ev;
}

static void price_deal(struct demo_sim *s, struct demo_deal *d)
{
    struct demo_rng *r = &s->rng;
    double amount;
    if (s->a->segment == SEG_SMB) {
        d->product = rng_chance(r, 0.7) ? PR_STARTER : PR_GROWTH;
        amount = d->product == PR_STARTER ? rng_range(r, 2400, 6000) : rng_range(r, 9000, 18000);
    } else if (s->a->segment == SEG_MID) {
        d->product = rng_chance(r, 0.7) ? PR_GROWTH : PR_ENTERPRISE;
        amount = d->product == PR_GROWTH ? rng_range(r, 15000, 45000) : rng_range(r, 40000, 80000);
    } else {
        d->product = PR_ENTERPRISE;
        amount = 60000 * exp(rng_unit(r) * 1.43); /* 60k..250k, log-uniform */
    }
    if (s->a->vn) /* local price list */
        amount *= 0.6;
    d->amount = round(amount / 100) * 100;
}

static void open_deal(struct demo_sim *s, struct walk *k, unsigned stage)
{
    if (k->d.created)
        return;
    for (unsigned i = 0; i < DS__OPEN; i++)
        k->d.stage_at[i] = DEMO_NEVER;
    k->d.created = k->t;
    k->d.stage_at[stage] = k->t;
    k->d.closed = DEMO_NEVER;
    k->d.pipeline = PL_NEW;
    k->d.contact = (int8_t)k->champion;
    k->d.owner = s->a->owner_ae;
    price_deal(s, &k->d);
}

/* The SDR's discovery call; its delay after the demo request is a break point in the data. */
static bool discovery(struct demo_sim *s, struct walk *k)
{
    k->slow = rng_chance(&s->rng, s->a->vn ? 0.2 : 0.25);
    double delay_h = k->slow ? rng_range(&s->rng, 48, 168) : rng_range(&s->rng, 0.5, 8);
    k->t = jm__demo_worktime(s, k->t + (int64_t)(delay_h * (double)DEMO_HOUR));
    if (k->slow)
        s->heat = demo_clamp(s->heat - 0.15, 0, 1);
    s->mood = s->heat * 1.6 - 0.6;
    sales_touch(s, k->t, TP_SALES_CALL, k->champion);
    if (s->a->vn && rng_chance(&s->rng, 0.5)) /* relationship first: a second, longer call */
        sales_touch(s, after_days(s, k->t, 1, 5), TP_SALES_CALL, k->champion);
    return rng_chance(&s->rng, (0.45 + 0.45 * s->a->fit) * (k->slow ? 0.9 : 1.0));
}

/* Re-evaluation: other committee members go back to comparison pages and case studies. */
static void reevaluate(struct demo_sim *s, struct walk *k)
{
    static const double mix[TP__COUNT] = {[TP_COMPARISON_PAGE_VIEW] = 30,
                                          [TP_CASE_STUDY_VIEW] = 25,
                                          [TP_PRICING_VIEW] = 20,
                                          [TP_BLOG_VIEW] = 10};
    const int who[3] = {k->influencer, k->tech, k->decider};
    unsigned n = 2 + rng_below(&s->rng, 3);
    for (unsigned i = 0; i < n; i++) {
        int c = who[rng_below(&s->rng, 3)];
        k->t = after_days(s, k->t, 1, 7);
        marketing_touch(s, k->t, draw_tp(s, mix), c >= 0 ? c : k->champion);
    }
    if (rng_chance(&s->rng, 0.5)) {
        k->t = after_days(s, k->t, 3, 10);
        sales_touch(s, k->t, TP_DEMO_MEETING, k->decider);
    }
}

static void demo_stage(struct demo_sim *s, struct walk *k)
{
    k->t = after_days(s, k->t, 2 * s->a->pace, 10 * s->a->pace);
    sales_touch(s, k->t, TP_DEMO_MEETING, k->champion);
    if (k->tech >= 0 && k->tech != k->champion)
        sales_touch(s, k->t, TP_DEMO_MEETING, k->tech);
    /* Partner-led Vietnamese deals often enter the pipeline only with the proposal. */
    if (!(s->a->partner_sourced && rng_chance(&s->rng, 0.3)))
        open_deal(s, k, DS_DEMO);
    static const double deep_dive[3] = {0.1, 0.25, 0.6};
    if (rng_chance(&s->rng, deep_dive[s->a->segment])) { /* a technical deep-dive */
        k->t = after_days(s, k->t, 7, 21);
        sales_touch(s, k->t, TP_DEMO_MEETING, k->tech >= 0 ? k->tech : k->champion);
        if (k->influencer >= 0)
            sales_touch(s, k->t, TP_DEMO_MEETING, k->influencer);
    }
    if (s->a->vn && rng_chance(&s->rng, 0.6))
        sales_touch(s, after_days(s, k->t, 2, 8), TP_SALES_CALL, k->champion);
    if (rng_chance(&s->rng, 0.2))
        reevaluate(s, k);
}

static void security_review(struct demo_sim *s, struct walk *k)
{
    k->t = after_days(s, k->t, 7, 21);
    int who = k->tech >= 0 ? k->tech : k->champion;
    sales_touch(s, k->t, TP_SECURITY_REVIEW, who);
    k->t = after_days(s, k->t, 14 * s->a->pace, 40 * s->a->pace);
    sales_touch(s, k->t, TP_SECURITY_REVIEW, who);
}

static void proposal_stage(struct demo_sim *s, struct walk *k)
{
    k->t = after_days(s, k->t, 5 * s->a->pace, 20 * s->a->pace);
    if (rng_chance(&s->rng, 0.7)) { /* the decider shows up now, not before */
        sales_touch(s, k->t, TP_SALES_CALL, k->decider);
        k->decider_met = true;
        k->t = after_days(s, k->t, 1, 5);
    }
    open_deal(s, k, DS_PROPOSAL);
    k->d.stage_at[DS_PROPOSAL] = k->t;
    sales_touch(s, k->t, TP_PROPOSAL_SENT, k->champion)->value = k->d.amount;
    /* Finance reads the pricing page (anonymously) before the quote reaches them. */
    int payer = k->finance >= 0 ? k->finance : k->decider;
    if (k->finance >= 0)
        marketing_touch(s, after_days(s, k->t, 0.5, 3), TP_PRICING_VIEW, k->finance);
    k->t = after_days(s, k->t, 2, 7);
    sales_touch(s, k->t, TP_QUOTE_SENT, payer)->value = k->d.amount;
    if (jm__demo_industries[s->a->industry].regulated || s->a->segment == SEG_ENT)
        security_review(s, k);
    if (s->a->vn && rng_chance(&s->rng, 0.6))
        sales_touch(s, after_days(s, k->t, 1, 6), TP_SALES_CALL, k->champion);
    if (rng_chance(&s->rng, 0.25))
        reevaluate(s, k);
    if (rng_chance(&s->rng, s->a->segment == SEG_ENT ? 0.3 : 0.2)) { /* stalled */
        k->t += (int64_t)(rng_range(&s->rng, 45, 120) * s->a->pace * (double)DEMO_DAY);
        k->stalled = true;
        s->heat = demo_clamp(s->heat - 0.1, 0, 1);
    }
}

static void negotiation_stage(struct demo_sim *s, struct walk *k)
{
    k->t = after_days(s, k->t, 5 * s->a->pace, 15 * s->a->pace);
    if (!k->decider_met) {
        sales_touch(s, k->t, TP_SALES_CALL, k->decider);
        k->t = after_days(s, k->t, 1, 4);
    }
    k->d.stage_at[DS_NEGOTIATION] = k->t;
    sales_touch(s, k->t, TP_CONTRACT_SENT, k->decider)->value = k->d.amount;
    if (k->finance >= 0 && rng_chance(&s->rng, 0.5))
        sales_touch(s, after_days(s, k->t, 1, 5), TP_SALES_CALL, k->finance);
    k->t = after_days(s, k->t, 3 * s->a->pace, 21 * s->a->pace);
    if (s->a->vn) { /* the director approves, the company seal goes on, paper goes back */
        sales_touch(s, k->t, TP_SALES_CALL, k->champion);
        k->t = after_days(s, k->t, 7, 25);
    }
}

/* Whether the deal is lost at `stage`; the chance to survive all three checks is the win
 * probability, which the account's fit and current heat drive. */
static bool lost_at(struct demo_sim *s, struct walk *k, unsigned stage)
{
    double pw = 0.35 * s->a->fit + 0.25 * s->heat - (k->slow ? 0.1 : 0) - (k->stalled ? 0.1 : 0) -
                (s->a->segment == SEG_ENT ? 0.05 : 0);
    if (rng_chance(&s->rng, cbrt(demo_clamp(pw, 0.03, 0.8))))
        return false;
    /* price, timing, competitor, no decision, missing feature */
    double w[3][5] = {{5, 15, 30, 20, 35}, {35, 20, 20, 25, 5}, {40, 25, 15, 20, 3}};
    double *ws = w[stage == DS_DEMO ? 0 : stage == DS_PROPOSAL ? 1 : 2];
    if (s->a->segment == SEG_SMB || s->a->vn)
        ws[0] *= 1.5;
    if (s->a->segment == SEG_ENT || k->stalled)
        ws[3] *= 2.0;
    k->d.lost_reason = (uint8_t)jm__demo_pick(&s->rng, ws, 5);
    return true;
}

static int close_deal(struct demo_sim *s, struct walk *k, bool won)
{
    k->t = after_days(s, k->t, won ? 0 : 1, won ? 2 : 10);
    s->t = k->t;
    k->d.closed = k->t;
    k->d.won = won;
    if (won)
        sales_touch(s, k->t, TP_CONTRACT_SIGNED, k->decider)->value = k->d.amount;
    if (k->d.created) {
        struct demo_deal *d = DEMO_PUSH(s, s->a->deals);
        if (d)
            *d = k->d;
    }
    if (won) {
        jm__demo_customer(s, &k->d);
        return PH_END;
    }
    s->lost_reason = k->d.lost_reason;
    return PH_NURTURE;
}

static int decision(struct demo_sim *s)
{
    struct walk k;
    memset(&k, 0, sizeof(k));
    k.t = s->t;
    /* Missing roles: the champion (or the lead) carries the deal, the boss signs. In a small
     * committee nobody else joins the technical and financial steps. */
    k.champion = jm__demo_contact_or_lead(s, RO_CHAMPION);
    k.decider = jm__demo_contact(s, RO_DECIDER);
    if (k.decider < 0)
        k.decider = k.champion;
    k.finance = jm__demo_contact(s, RO_FINANCE);
    k.tech = jm__demo_contact(s, RO_RESEARCHER);
    k.influencer = jm__demo_contact(s, RO_INFLUENCER);
    if (!discovery(s, &k)) {
        s->t = k.t;
        s->lost_reason = -1;
        return PH_NURTURE;
    }
    demo_stage(s, &k);
    if (lost_at(s, &k, DS_DEMO))
        return close_deal(s, &k, false);
    proposal_stage(s, &k);
    if (lost_at(s, &k, DS_PROPOSAL))
        return close_deal(s, &k, false);
    negotiation_stage(s, &k);
    if (lost_at(s, &k, DS_NEGOTIATION))
        return close_deal(s, &k, false);
    return close_deal(s, &k, true);
}

/* ---------------------------------------------------------------- the whole story */

void jm__demo_simulate(struct demo_sim *s)
{
    s->heat = s->a->intent;
    s->health = 0.5;
    s->recycles = 0;
    s->lost_reason = -1;
    s->hot_done = false;
    s->t = s->a->created;
    s->mood = s->heat * 1.6 - 0.6;
    int ph = first_touch(s);
    /* Every phase moves the clock forward by at least an hour; the cap is a safety net. */
    for (int steps = 0; ph != PH_END && s->t < s->horizon && !s->rc && steps < 1000; steps++) {
        s->mood = s->heat * 1.6 - 0.6;
        switch (ph) {
        case PH_AWARE:
            ph = awareness(s);
            break;
        case PH_CONSIDER:
            ph = consideration(s);
            break;
        case PH_HOT:
            ph = hot_burst(s);
            break;
        case PH_DECIDE:
            ph = decision(s);
            break;
        default:
            ph = nurture(s);
            break;
        }
    }
}
