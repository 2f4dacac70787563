/*
 * One account of the demo company before its story starts: where it is, what it does, how big
 * it is, how well it fits the product (fit) and how much it wants one now (intent), who owns
 * it, and the buying committee (DMU) that will show up one person at a time.
 *
 * Fit comes from the industry and segment (SaaS and logistics fit best, hospitality worst);
 * intent is independent of it, so the data holds good-fit accounts that are not buying yet and
 * eager accounts that will churn. Vietnamese accounts move at 1.45x the pace of the others and
 * enterprise at 1.6x, so cycle-length break points show up by region and segment.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "demo/internal.h"

/* ---------------------------------------------------------------- random helpers */

unsigned jm__demo_poisson(struct demo_rng *r, double lambda)
{
    if (lambda <= 0)
        return 0;
    if (lambda > 30) {
        double x = lambda + sqrt(lambda) * rng_normal(r) + 0.5;
        return x < 0 ? 0 : (unsigned)x;
    }
    double limit = exp(-lambda), p = rng_unit(r);
    unsigned k = 0;
    while (p > limit) {
        p *= rng_unit(r);
        k++;
    }
    return k;
}

unsigned jm__demo_pick(struct demo_rng *r, const double *w, unsigned n)
{
    double total = 0;
    for (unsigned i = 0; i < n; i++)
        total += w[i];
    double x = rng_unit(r) * total;
    for (unsigned i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    /* Rounding left x at the very top: the last non-zero weight. */
    for (unsigned i = n; i-- > 0;)
        if (w[i] > 0)
            return i;
    return 0;
}

unsigned jm__demo_pick_u8(struct demo_rng *r, const uint8_t *w, unsigned n)
{
    unsigned total = 0;
    for (unsigned i = 0; i < n; i++)
        total += w[i];
    unsigned x = rng_below(r, total);
    for (unsigned i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* ---------------------------------------------------------------- owners */

/* Who covers an office when it has nobody of a function (small datasets have 12 people). */
static const uint8_t fallback[OFF__COUNT][OFF__COUNT] = {
    [OFF_HCMC] = {OFF_HCMC, OFF_HANOI, OFF_SINGAPORE, OFF_LONDON, OFF_NEW_YORK},
    [OFF_HANOI] = {OFF_HANOI, OFF_HCMC, OFF_SINGAPORE, OFF_LONDON, OFF_NEW_YORK},
    [OFF_SINGAPORE] = {OFF_SINGAPORE, OFF_HCMC, OFF_HANOI, OFF_LONDON, OFF_NEW_YORK},
    [OFF_LONDON] = {OFF_LONDON, OFF_NEW_YORK, OFF_SINGAPORE, OFF_HCMC, OFF_HANOI},
    [OFF_NEW_YORK] = {OFF_NEW_YORK, OFF_LONDON, OFF_SINGAPORE, OFF_HCMC, OFF_HANOI},
};

/* An owner of function `fn` in or near `office`, picked by `salt` among those there. */
static uint16_t owner_for(const struct demo_world *w, unsigned fn, unsigned office, uint64_t salt)
{
    for (unsigned i = 0; i < OFF__COUNT; i++) {
        unsigned o = fallback[office][i];
        if (w->pool_n[fn][o])
            return w->pool[fn][o][salt % w->pool_n[fn][o]];
    }
    return 0; /* the head of sales owns what nobody else can */
}

/* ---------------------------------------------------------------- firmographics */

static unsigned pick_country(struct demo_rng *r)
{
    unsigned total = 0;
    for (unsigned i = 0; i < jm__demo_n_countries; i++)
        total += jm__demo_countries[i].weight;
    unsigned x = rng_below(r, total);
    for (unsigned i = 0; i < jm__demo_n_countries; i++) {
        if (x < jm__demo_countries[i].weight)
            return i;
        x -= jm__demo_countries[i].weight;
    }
    return 0;
}

static void pick_firmographics(struct demo_sim *s)
{
    struct demo_account *a = s->a;
    struct demo_rng *r = &s->rng;
    uint8_t w[16];
    a->country = &jm__demo_countries[pick_country(r)];
    a->vn = a->country->lang == LANG_VI;
    for (unsigned i = 0; i < jm__demo_n_industries; i++)
        w[i] = jm__demo_industries[i].weight;
    a->industry = (uint8_t)jm__demo_pick_u8(r, w, jm__demo_n_industries);
    for (unsigned i = 0; i < jm__demo_n_bands; i++)
        w[i] = jm__demo_bands[i].weight;
    a->band = (uint8_t)jm__demo_pick_u8(r, w, jm__demo_n_bands);
    const struct demo_size_band *b = &jm__demo_bands[a->band];
    a->segment = b->segment;
    /* Firm sizes are skewed: most sit near the bottom of their band. */
    double u = rng_unit(r);
    a->employees = b->lo + (int32_t)((double)(b->hi - b->lo) * u * u);
    static const double seg_fit[3] = {-0.05, 0.05, 0.0}, seg_pace[3] = {0.85, 1.2, 1.6};
    a->fit = demo_clamp(jm__demo_industries[a->industry].fit + seg_fit[a->segment] +
                            0.18 * rng_normal(r),
                        0.02, 0.98);
    u = rng_unit(r);
    a->intent = demo_clamp(0.15 + 0.8 * u * u + 0.05 * rng_normal(r), 0.02, 0.98);
    a->pace = seg_pace[a->segment] * (a->vn ? 1.45 : 1.0) * rng_range(r, 0.8, 1.25);
    a->partner_sourced = rng_chance(r, a->vn ? 0.3 : 0.07);
}

/* Channel preferences: Vietnamese buyers come through partners, events and Facebook/Zalo
 * far more than through paid search; SMBs search, enterprises meet at events. */
static void channel_mix(struct demo_account *a, double *mul)
{
    for (unsigned i = 0; i < CH__COUNT; i++)
        mul[i] = 1.0;
    if (a->vn) {
        mul[CH_PARTNER] = 3.0, mul[CH_EVENTS] = 2.0, mul[CH_SOCIAL] = 1.6;
        mul[CH_PAID_SEARCH] = 0.55, mul[CH_DISPLAY] = 0.7, mul[CH_ORGANIC_SEARCH] = 0.8;
    }
    if (a->partner_sourced)
        mul[CH_PARTNER] *= 3.0;
    if (a->segment == SEG_SMB)
        mul[CH_PAID_SEARCH] *= 1.5, mul[CH_EVENTS] *= 0.6;
    else if (a->segment == SEG_ENT)
        mul[CH_EVENTS] *= 1.6, mul[CH_PAID_SOCIAL] *= 1.3, mul[CH_PAID_SEARCH] *= 0.7;
}

/* When the account's first touch happens: the company grows, so later months bring more new
 * accounts (density rising linearly to 1.8x), and the story needs a fortnight at least. */
static int64_t first_touch_time(struct demo_world *w, struct demo_rng *r)
{
    const double g = 0.8;
    double u = rng_unit(r);
    double x = (sqrt(1.0 + 2.0 * g * u * (1.0 + g / 2.0)) - 1.0) / g;
    int64_t span = w->end - 14 * DEMO_DAY - w->start;
    return w->start + (int64_t)(x * (double)span);
}

/* ---------------------------------------------------------------- the committee */

static void committee_roles(struct demo_sim *s, uint8_t *roles, unsigned n)
{
    static const uint8_t rest[] = {RO_DECIDER,    RO_FINANCE,    RO_USER,
                                   RO_INFLUENCER, RO_RESEARCHER, RO_USER};
    static const uint8_t lead_w[3] = {35, 30, 35};
    static const uint8_t lead_roles[3] = {RO_RESEARCHER, RO_USER, RO_CHAMPION};
    roles[0] = lead_roles[jm__demo_pick_u8(&s->rng, lead_w, 3)];
    /* In a small firm the boss is the second person we meet; elsewhere the champion is. */
    if (n == 2)
        roles[1] = RO_DECIDER;
    else
        roles[1] = roles[0] == RO_CHAMPION ? RO_USER : RO_CHAMPION;
    for (unsigned i = 2; i < n; i++)
        roles[i] = rest[i - 2];
}

static void make_contact(struct demo_sim *s, unsigned i, unsigned role)
{
    struct demo_account *a = s->a;
    struct demo_contact *c = &a->contacts[i];
    char local[64];
    jm__demo_person(a->country->lang, &s->rng, c->name, sizeof(c->name), local, sizeof(local));
    /* Two people of one firm may share a local part: the second one gets a digit. */
    snprintf(c->email, sizeof(c->email), "%s@%s", local, a->domain);
    for (unsigned j = 0; j < i; j++)
        if (strcmp(a->contacts[j].email, c->email) == 0)
            snprintf(c->email, sizeof(c->email), "%s%u@%s", local, i + 1, a->domain);
    snprintf(c->id, sizeof(c->id), "con-%06u-%u", a->index + 1, i + 1);
    snprintf(c->anon, sizeof(c->anon), "anon-%016llx",
             (unsigned long long)demo_mix(s->w->seed ^ demo_mix(((uint64_t)a->index << 8) | i)));
    jm__demo_title(role, a->vn, &s->rng, &c->title, &c->persona);
    c->role = (uint8_t)role;
    c->created = DEMO_NEVER;
    c->web_known = DEMO_NEVER;
    c->owner = i < 2 ? a->owner_sdr : a->owner_ae;
}

static void make_committee(struct demo_sim *s)
{
    struct demo_account *a = s->a;
    static const unsigned lo[3] = {2, 3, 5}, span[3] = {3, 4, 4};
    unsigned n = lo[a->segment] + rng_below(&s->rng, span[a->segment]);
    uint8_t roles[DEMO_MAX_CONTACTS];
    committee_roles(s, roles, n);
    for (unsigned i = 0; i < n; i++)
        make_contact(s, i, roles[i]);
    a->n_contacts = n;
}

void jm__demo_account_init(struct demo_world *w, struct demo_sim *s, uint32_t index)
{
    struct demo_account *a = s->a;
    a->events.n = a->deals.n = a->tickets.n = a->surveys.n = a->revenue.n = 0;
    a->seq = 0;
    a->index = index;
    s->w = w;
    s->rc = JM_OK;
    s->horizon = w->end;
    rng_seed(&s->rng, w->seed, index);
    snprintf(a->id, sizeof(a->id), "acc-%06u", index + 1);
    pick_firmographics(s);
    channel_mix(a, a->chmul);
    unsigned lang = a->country->lang;
    jm__demo_company_name(&a->cn, lang, w->name_ordinal[lang]++, a->country, a->industry,
                          a->segment, &s->rng);
    const char *tld = a->country->tld;
    if (a->vn && rng_chance(&s->rng, 0.4))
        tld = ".com.vn";
    snprintf(a->domain, sizeof(a->domain), "%s%s", a->cn.stem, tld);
    uint64_t salt = rng_next(&s->rng);
    unsigned office = a->country->office;
    /* Hanoi covers the north: about a third of Vietnamese accounts. */
    if (a->vn && salt % 3 == 0)
        office = OFF_HANOI;
    a->owner_ae = owner_for(w, FN_AE, office, salt >> 8);
    a->owner_sdr = owner_for(w, FN_SDR, office, salt >> 16);
    a->owner_csm = owner_for(w, FN_CSM, office, salt >> 24);
    a->created = first_touch_time(w, &s->rng);
    a->won_at = DEMO_NEVER;
    make_committee(s);
}
