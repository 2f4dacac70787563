/*
 * Internals of the demo generator, shared by its files:
 *
 *   demo.c      the driver: options, owners, the account loop, the exact event budget
 *   catalog.c   touchpoints, channels, UTM sources, pages, products, survey comments
 *   names.c     countries, industries, company and person names, titles, the owner roster
 *   account.c   one account's firmographics and buying committee
 *   journey.c   the pre-sale simulation: awareness .. decision, deals
 *   customer.c  the post-sale simulation: onboarding, usage, tickets, surveys, MRR, renewal
 *   emit.c      turns one simulated account into jm_records for the sink
 *
 * One account at a time: the simulation fills the buffers of struct demo_account with compact
 * structs (times and table indexes, no strings), runs freely up to the end of the period, then
 * emit.c sorts the events, cuts everything at the cutoff (the period end, or the moment the
 * event budget runs out) and builds the records. Memory is that of the largest account.
 *
 * Randomness: xoshiro256** seeded through splitmix64 from (seed, account index), so an account
 * does not depend on the random draws of the accounts before it.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_DEMO_INTERNAL_H
#define JM_DEMO_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/internal.h"
#include "journeymap/demo.h"

#define DEMO_DAY   JM_US_PER_DAY
#define DEMO_HOUR  (INT64_C(3600) * JM_US_PER_SEC)
#define DEMO_NEVER INT64_MAX

/* ---------------------------------------------------------------- random numbers */

struct demo_rng {
    uint64_t s[4];
};

/* The splitmix64 step: a bijective mixer, also used to derive unique ids. */
static inline uint64_t demo_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline void rng_seed(struct demo_rng *r, uint64_t a, uint64_t b)
{
    uint64_t x = demo_mix(a + UINT64_C(0x9e3779b97f4a7c15)) ^ demo_mix(b ^ UINT64_C(0x5851f42d));
    for (int i = 0; i < 4; i++) {
        x += UINT64_C(0x9e3779b97f4a7c15);
        r->s[i] = demo_mix(x);
    }
}

static inline uint64_t rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: 4 words of state, passes BigCrush, a few cycles per number. */
static inline uint64_t rng_next(struct demo_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rng_rotl(s[3], 45);
    return out;
}

/* Uniform in [0, 1). */
static inline double rng_unit(struct demo_rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n), n > 0 (multiply-shift; the bias is below 2^-32 for our small n). */
static inline uint32_t rng_below(struct demo_rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static inline bool rng_chance(struct demo_rng *r, double p)
{
    return rng_unit(r) < p;
}

static inline double rng_range(struct demo_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_unit(r);
}

/* Exponential with the given mean. */
static inline double rng_exp(struct demo_rng *r, double mean)
{
    return -mean * log1p(-rng_unit(r));
}

/* A rough standard normal (sum of four uniforms, rescaled): cheap and bounded by ±3.5. */
static inline double rng_normal(struct demo_rng *r)
{
    return (rng_unit(r) + rng_unit(r) + rng_unit(r) + rng_unit(r) - 2.0) * 1.7320508;
}

/* Poisson-distributed count with mean `lambda` (normal approximation above 30). */
unsigned jm__demo_poisson(struct demo_rng *r, double lambda);
/* Index in [0, n) drawn with the given non-negative weights (not all zero). */
unsigned jm__demo_pick(struct demo_rng *r, const double *w, unsigned n);
/* Same, for small integer weight tables (data tables use these). */
unsigned jm__demo_pick_u8(struct demo_rng *r, const uint8_t *w, unsigned n);

static inline double demo_clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* ---------------------------------------------------------------- catalog */

enum demo_stage { ST_AWARENESS, ST_CONSIDERATION, ST_DECISION, ST_USAGE, ST_LOYALTY };

enum demo_tp {
    TP_AD_CLICK,
    TP_BLOG_VIEW,
    TP_SOCIAL_POST_VIEW,
    TP_WEBINAR_REGISTERED,
    TP_WEBINAR_ATTENDED,
    TP_WHITEPAPER_DOWNLOAD,
    TP_EVENT_BOOTH_VISIT,
    TP_PRICING_VIEW,
    TP_CASE_STUDY_VIEW,
    TP_COMPARISON_PAGE_VIEW,
    TP_NEWSLETTER_SIGNUP,
    TP_TRIAL_SIGNUP,
    TP_DEMO_REQUEST,
    TP_SALES_CALL,
    TP_DEMO_MEETING,
    TP_PROPOSAL_SENT,
    TP_QUOTE_SENT,
    TP_SECURITY_REVIEW,
    TP_CONTRACT_SENT,
    TP_CONTRACT_SIGNED,
    TP_ONBOARDING_CALL,
    TP_PRODUCT_LOGIN,
    TP_FEATURE_USED,
    TP_TRAINING_SESSION,
    TP_SUPPORT_TICKET,
    TP_RENEWAL,
    TP_UPSELL_MEETING,
    TP_REFERRAL,
    TP_REVIEW_WRITTEN,
    TP_CASE_STUDY_PARTICIPATION,
    TP__COUNT
};

enum demo_channel {
    CH_ORGANIC_SEARCH,
    CH_PAID_SEARCH,
    CH_PAID_SOCIAL,
    CH_SOCIAL,
    CH_EMAIL,
    CH_DIRECT,
    CH_REFERRAL,
    CH_DISPLAY,
    CH_EVENTS,
    CH_PARTNER,
    CH_SALES,
    CH_PRODUCT,
    CH_SUPPORT,
    CH_CUSTOMER_SUCCESS,
    CH__COUNT
};

/* How a touchpoint is recorded: on the website (cookie, url, maybe UTM), in the app, or by a
 * person in the CRM. Web touches carry the visitor's anonymous id; the others a contact. */
enum demo_tp_kind { TK_WEB, TK_APP, TK_CRM };

struct demo_tp_def {
    const char *name;
    uint8_t stage;       /* enum demo_stage, for the pace of the story */
    uint8_t kind;        /* enum demo_tp_kind */
    bool identifies;     /* a form fill or a meeting: the person becomes a known contact */
    bool sentiment;      /* calls, meetings, tickets: the rep logs how it went */
    uint8_t channels[4]; /* the channels it arrives through, with weights */
    uint8_t weights[4];
    const char *const *pages; /* url paths (NULL-terminated), NULL for none */
    const char *const *props; /* JSON property variants (NULL-terminated), NULL for none */
};

extern const struct demo_tp_def jm__demo_tps[TP__COUNT];
extern const char *const jm__demo_channel_names[CH__COUNT];

/* UTM source/medium pairs and a referrer for a channel; `vn` picks local variants. */
struct demo_utm {
    const char *source, *medium, *referrer;
};
/* The utm/referrer variant `variant` for channel `ch` (source NULL: untagged channel). */
const struct demo_utm *jm__demo_utm(enum demo_channel ch, unsigned variant, bool vn);
/* A paid-search keyword (utm_term), Vietnamese for Vietnamese accounts. */
const char *jm__demo_keyword(unsigned variant, bool vn);
/* Campaign themes per channel; the driver turns them into "<theme>-<yyyy>q<n>" names. */
#define DEMO_N_THEMES 12
extern const char *const jm__demo_themes[DEMO_N_THEMES];
/* The theme indexes a channel's campaigns use (terminated by -1 within 4 slots). */
const int8_t *jm__demo_channel_themes(enum demo_channel ch, bool vn);

enum demo_product {
    PR_STARTER,
    PR_GROWTH,
    PR_ENTERPRISE,
    PR_ADDON_SEATS,
    PR_ADDON_ANALYTICS,
    PR_ADDON_SUPPORT,
    PR__COUNT
};
extern const char *const jm__demo_products[PR__COUNT];
extern const char *const jm__demo_lost_reasons[5];
/* Why a customer left (account property churn_reason); index 0 is "none". */
extern const char *const jm__demo_churn_reasons[6];
extern const char *const jm__demo_deal_stages[6]; /* Discovery .. Closed lost */
extern const char *const jm__demo_ticket_channels[5];
/* Ticket subjects (English, Vietnamese) and survey comments by sentiment band. */
const char *jm__demo_ticket_subject(unsigned variant, bool vn);
/* NPS/CSAT comment for a score band (0 detractor, 1 passive, 2 promoter), or NULL. */
const char *jm__demo_comment(unsigned band, unsigned variant, bool vn);

/* ---------------------------------------------------------------- names */

enum demo_lang { LANG_VI, LANG_EN, LANG_SG, LANG_JA, LANG_TH, LANG_ID, LANG_DE, LANG__COUNT };
enum demo_segment { SEG_SMB, SEG_MID, SEG_ENT };
enum demo_office { OFF_HCMC, OFF_HANOI, OFF_SINGAPORE, OFF_LONDON, OFF_NEW_YORK, OFF__COUNT };

struct demo_country {
    const char *name;
    const char *region;
    uint8_t lang; /* enum demo_lang: company and person names */
    int8_t tz;    /* hours east of UTC, for business hours */
    uint16_t weight;
    const char *tld;
    uint8_t office;       /* enum demo_office that covers it */
    const char *legal[3]; /* legal form by segment, "" for none */
};
extern const struct demo_country jm__demo_countries[];
extern const unsigned jm__demo_n_countries;

struct demo_industry {
    const char *name; /* "SaaS", "Logistics", ... */
    uint8_t weight;
    double fit;                    /* how well the product fits it (ICP), 0..1 */
    bool regulated;                /* needs a security review */
    const char *word[LANG__COUNT]; /* the industry word in a company name, per language */
};
extern const struct demo_industry jm__demo_industries[];
extern const unsigned jm__demo_n_industries;

struct demo_size_band {
    const char *label;
    int32_t lo, hi; /* employees */
    uint8_t segment;
    uint8_t weight;
};
extern const struct demo_size_band jm__demo_bands[];
extern const unsigned jm__demo_n_bands;

/* Writes the company name, short name and domain stem of the `ordinal`-th company of `lang`
 * (names repeat only after every combination was used; the stem stays unique through a
 * numeric suffix). */
struct demo_company_name {
    char name[192], short_name[64], stem[64];
};
void jm__demo_company_name(struct demo_company_name *out, unsigned lang, uint32_t ordinal,
                           const struct demo_country *c, unsigned industry, unsigned segment,
                           struct demo_rng *r);

/* A person of language `lang`: display name and the local part of an email address. */
void jm__demo_person(unsigned lang, struct demo_rng *r, char *name, size_t name_cap, char *local,
                     size_t local_cap);

enum demo_role {
    RO_DECIDER,
    RO_CHAMPION,
    RO_USER,
    RO_RESEARCHER,
    RO_INFLUENCER,
    RO_FINANCE,
    RO__COUNT
};
extern const char *const jm__demo_role_names[RO__COUNT];
/* A job title and persona key for a role; Vietnamese titles for some Vietnamese contacts. */
void jm__demo_title(unsigned role, bool vi, struct demo_rng *r, const char **title,
                    const char **persona);

struct demo_owner_def {
    const char *name, *email, *team, *title;
    uint8_t office; /* enum demo_office */
    int8_t manager; /* roster index of the manager, -1 for none */
    uint8_t func;   /* enum demo_func */
};
enum demo_func { FN_MARKETING, FN_SDR, FN_AE, FN_CSM, FN_SUPPORT, FN__COUNT };
#define DEMO_ROSTER 40
extern const struct demo_owner_def jm__demo_roster[DEMO_ROSTER];
extern const char *const jm__demo_office_names[OFF__COUNT];

/* ---------------------------------------------------------------- simulation state */

#define DEMO_MAX_CONTACTS 8
#define DEMO_NONE         0xffffu

struct demo_event {
    int64_t time;
    double value;      /* < 0: none */
    uint32_t seq;      /* creation order: the tie-break that keeps sorting deterministic */
    uint8_t tp;        /* enum demo_tp */
    uint8_t ch;        /* enum demo_channel */
    int8_t contact;    /* index in the committee, -1 for none */
    uint8_t variant;   /* picks the page and property variant */
    uint8_t utm;       /* picks the UTM source and referrer, shared by a web session */
    uint8_t flags;     /* EVF_* */
    uint16_t campaign; /* index into the campaign table, DEMO_NONE for none */
    int16_t sentiment; /* hundredths, INT16_MIN for none */
};
#define EVF_FOLLOW_ON 0x1u /* a later page of a web session: referred by our own site */

enum demo_pipeline { PL_NEW, PL_EXPANSION };
enum demo_deal_stage { DS_DISCOVERY, DS_DEMO, DS_PROPOSAL, DS_NEGOTIATION, DS__OPEN };

struct demo_deal {
    int64_t created, closed;    /* closed: DEMO_NEVER while open */
    int64_t stage_at[DS__OPEN]; /* when each open stage was reached, DEMO_NEVER if not */
    double amount;              /* annual contract value, USD */
    uint8_t pipeline, won, lost_reason, product;
    int8_t contact;
    uint16_t owner;
};

struct demo_ticket {
    int64_t opened, first_response, resolved;
    uint8_t priority; /* low, normal, high, urgent */
    uint8_t channel, subject, sla_hours;
    bool breached;
    int8_t contact;
    int8_t csat; /* 1..5, 0 for no answer */
};

enum demo_survey_kind { SV_NPS, SV_CSAT, SV_CES };
struct demo_survey {
    int64_t time;
    uint8_t kind;
    int8_t contact;
    int8_t score;
    int16_t comment; /* variant + 1, 0 for no comment */
    bool vi;         /* the comment is in Vietnamese */
};

struct demo_revenue {
    int64_t period_start;
    double mrr;
};

struct demo_contact {
    char id[32], name[80], email[192], anon[24];
    const char *title, *persona;
    uint8_t role;
    int64_t created;   /* when the CRM first knew them; DEMO_NEVER before */
    int64_t web_known; /* when their browser was linked to them (form fill, tracked email
                        * click); their web visits before it are anonymous */
    uint16_t owner;
};

/* A growable array of `T`, grown through jm_grow(). */
#define DEMO_VEC(T)                                                                                \
    struct {                                                                                       \
        T *v;                                                                                      \
        size_t n, cap;                                                                             \
    }

struct demo_account {
    uint32_t index;
    char id[24];
    struct demo_company_name cn;
    char domain[96];
    const struct demo_country *country;
    uint8_t industry, band, segment;
    bool vn, partner_sourced;
    int32_t employees;
    uint8_t lead_source; /* channel of the first touch */
    uint16_t owner_ae, owner_sdr, owner_csm;
    double fit, intent, pace;
    double chmul[CH__COUNT]; /* how much likelier each channel is for this account */
    int64_t created;         /* the first touch; emit.c makes it the first kept event's time */
    int64_t won_at;          /* the first won deal, DEMO_NEVER for none */
    uint8_t churn_reason;    /* jm__demo_churn_reasons index; 0 while a customer or never one */
    struct demo_contact contacts[DEMO_MAX_CONTACTS];
    unsigned n_contacts;
    uint32_t seq;
    DEMO_VEC(struct demo_event) events;
    DEMO_VEC(struct demo_deal) deals;
    DEMO_VEC(struct demo_ticket) tickets;
    DEMO_VEC(struct demo_survey) surveys;
    DEMO_VEC(struct demo_revenue) revenue;
};

/* Dataset-wide state: the period, the owners, the campaign names, the name counters. */
struct demo_world {
    uint64_t seed;
    int64_t start, end;
    unsigned n_owners;
    /* Owners per function and office (roster indexes), for assignment by region. */
    uint16_t pool[FN__COUNT][OFF__COUNT][DEMO_ROSTER];
    uint8_t pool_n[FN__COUNT][OFF__COUNT];
    char owner_ids[DEMO_ROSTER][16];
    /* Campaign names: [quarter * DEMO_N_THEMES + theme], quarters from q0_year/q0_quarter. */
    const char **campaigns;
    unsigned n_quarters;
    int q0_year, q0_quarter;
    uint32_t name_ordinal[LANG__COUNT];
    /* A support crunch (too few engineers) in the middle of the period: SLA breaches spike,
     * and churn follows at the next renewals. */
    int64_t crunch_start, crunch_end;
    uint64_t id_salt;
    struct jm_arena arena;
};

/* One account's simulation. `rc` is sticky: the first allocation failure stops everything. */
struct demo_sim {
    struct demo_world *w;
    struct demo_account *a;
    struct demo_rng rng;
    int64_t t;       /* the story's clock */
    int64_t horizon; /* nothing happens at or after it (the period end) */
    jm_status rc;
    /* Journey memory the phases share. */
    double heat;     /* pre-sale momentum: intent, eroded by slow follow-ups and stalls */
    double health;   /* post-sale customer health 0..1 */
    double mood;     /* what logged sentiment centres on now, -1..1 */
    int recycles;    /* times the account came back after a loss or silence */
    int lost_reason; /* of the last lost deal, -1 for none or disqualified */
    bool hot_done;
    struct demo_event scratch; /* target of writes to events that fall past the horizon */
};

/* account.c: firmographics, committee and owners of account `index`. */
void jm__demo_account_init(struct demo_world *w, struct demo_sim *s, uint32_t index);

/* journey.c: runs the whole story of s->a from its first touch to the horizon. */
void jm__demo_simulate(struct demo_sim *s);
/* Appends an event (returns a scratch event when t is past the horizon or memory ran out). */
struct demo_event *jm__demo_event(struct demo_sim *s, int64_t t, unsigned tp, int contact);
/* The next business-hours moment at or after `t` in the account's time zone. */
int64_t jm__demo_worktime(struct demo_sim *s, int64_t t);
/* The first contact of `role`, or -1 when the committee has nobody in it. */
int jm__demo_contact(struct demo_sim *s, unsigned role);
/* Same, falling back to the lead (contact 0), who wears every hat in a small committee. */
int jm__demo_contact_or_lead(struct demo_sim *s, unsigned role);
/* Sentiment in hundredths around `mood` (-1..1). */
int16_t jm__demo_sentiment(struct demo_sim *s, double mood);
/* Records the first failure in s->rc; true when `rc` is JM_OK. */
static inline bool demo_ok(struct demo_sim *s, jm_status rc)
{
    if (rc && !s->rc)
        s->rc = rc;
    return rc == JM_OK;
}
/* Grows a DEMO_VEC by one and evaluates to the new zeroed element, or NULL (s->rc is set). */
#define DEMO_PUSH(s, vec)                                                                          \
    (demo_ok((s), jm_grow((void **)&(vec).v, &(vec).cap, (vec).n + 1, sizeof(*(vec).v)))           \
         ? memset(&(vec).v[(vec).n++], 0, sizeof(*(vec).v))                                        \
         : NULL)
/* The first day of the month after the one `t` falls in (UTC). */
int64_t jm__demo_next_month(int64_t t);

/* customer.c: from a won deal (closed at s->t) to churn or the horizon. */
void jm__demo_customer(struct demo_sim *s, const struct demo_deal *won);

/* emit.c: sorts the account's events, keeps at most `max_events` of them, cuts every other
 * record at the period end or at the last kept event, and hands the records to the sink. */
struct demo_emit {
    jm_record_fn sink;
    void *ctx;
    struct jm_demo_summary *sum;
};
jm_status jm__demo_emit_owners(struct demo_world *w, struct demo_emit *e);
jm_status jm__demo_emit_account(struct demo_world *w, struct demo_account *a, uint64_t max_events,
                                struct demo_emit *e);

#endif /* JM_DEMO_INTERNAL_H */
