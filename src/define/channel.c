/*
 * Channel grouping: an event's raw channel, UTM source and medium, and referrer -> one of a
 * few channel groups, so reports compare "Paid Search" with "Events" instead of a long tail
 * of spellings.
 *
 * The default rules follow GA4's default channel groups (Organic Search, Paid Search, Paid
 * Social, Organic Social, Email, Referral, Display, Direct, Affiliates), plus the B2B groups a
 * CRM adds: Events, Sales, Partner, Support, Product and Customer Success. They are tried in
 * this order:
 *
 *   1. the raw channel, when it names a group in one of its usual spellings ("paid_social",
 *      "Paid Social", "webinar"), because a CRM's channel field is the most deliberate answer;
 *   2. the UTM source and medium, in the order GA4 checks them: (direct); paid media (cpc from
 *      a search engine is Paid Search, from a social network Paid Social); display; then a
 *      social network or search engine as the source, organic or social media; referral;
 *      email; affiliates, partners and events by medium;
 *   3. the referrer's host: search engines, social networks, then any other site (Referral).
 *
 * A definition's own rules come first; the defaults still apply to what they leave unmatched
 * (end your rules with a catch-all `{group: ...}` to stop that). Patterns are matched
 * ASCII-case-insensitively over the whole text, `*` matching any run of bytes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "base/internal.h"
#include "journeymap/define.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define LIST(a)                                                                                    \
    {                                                                                              \
        N(a), (a)                                                                                  \
    }
#define NONE                                                                                       \
    {                                                                                              \
        0, NULL                                                                                    \
    }

/* ---------------------------------------------------------------- pattern lists */

static const char *ch_organic_search[] = {
    "organic_search", "organic-search", "organic search", "organicsearch", "seo", "search"};
static const char *ch_paid_search[] = {"paid_search", "paid-search", "paid search",
                                       "paidsearch",  "sem",         "ppc"};
static const char *ch_paid_social[] = {"paid_social", "paid-social", "paid social",
                                       "paidsocial",  "social_ads",  "social ads"};
static const char *ch_organic_social[] = {"social",         "organic_social", "organic-social",
                                          "organic social", "social_media",   "social media"};
static const char *ch_email[] = {"email",       "e-mail",          "e_mail",
                                 "newsletter*", "email_marketing", "email marketing"};
static const char *ch_display[] = {"display", "banner*", "programmatic"};
static const char *ch_affiliates[] = {"affiliate*"};
static const char *ch_referral[] = {"referral*"};
static const char *ch_events[] = {"event",       "events",       "webinar*",    "trade_show*",
                                  "trade show*", "trade-show*",  "conference*", "meetup*",
                                  "workshop*",   "field_event*", "field event*"};
static const char *ch_partner[] = {"partner*", "reseller*"};
static const char *ch_sales[] = {
    "sales", "outbound*", "sales_outreach", "sales outreach", "cold_call*", "cold call*",
    "sdr",   "bdr"};
static const char *ch_support[] = {"support*", "helpdesk", "help_desk", "help desk"};
static const char *ch_success[] = {"customer_success*",  "customer success*",  "customer-success*",
                                   "account_management", "account management", "onboarding*"};
static const char *ch_product[] = {
    "product", "product_usage", "product usage", "in_app", "in-app", "in app", "app"};
static const char *ch_direct[] = {"direct", "(direct)"};

static const char *src_search[] = {"google", "bing",       "coccoc",  "cốc cốc", "cococ",
                                   "yahoo",  "duckduckgo", "baidu",   "yandex",  "ecosia",
                                   "naver",  "google.*",   "bing.com"};
static const char *src_social[] = {
    "linkedin", "lnkd.in",   "facebook", "fb",           "instagram",   "ig",
    "twitter",  "x",         "t.co",     "zalo",         "tiktok",      "youtube",
    "reddit",   "pinterest", "threads",  "linkedin.com", "facebook.com"};
static const char *src_email[] = {"newsletter*", "email", "e-mail",     "hubspot", "mailchimp",
                                  "sendgrid",    "brevo", "sendinblue", "klaviyo"};
static const char *src_direct[] = {"(direct)", "direct"};

static const char *md_paid[] = {"cpc", "ppc", "paid*", "*cpc*", "retargeting"};
static const char *md_paid_social[] = {"paid_social", "paid-social", "paid social", "paidsocial",
                                       "social_paid", "social-paid", "social paid"};
static const char *md_display[] = {"display", "banner", "cpm", "expandable", "interstitial"};
static const char *md_search_paid[] = {"cpc",         "ppc",         "paidsearch",
                                       "paid_search", "paid-search", "paid search"};
static const char *md_social[] = {
    "social",       "social-network", "social_network", "social network",
    "social-media", "social_media",   "social media",   "sm"};
static const char *md_email[] = {"email", "e-mail", "e_mail", "e mail", "newsletter"};
static const char *md_affiliate[] = {"affiliate*"};
static const char *md_referral[] = {"referral", "referrer"};
static const char *md_partner[] = {"partner*"};
static const char *md_events[] = {"event*", "webinar*"};
static const char *md_organic[] = {"organic"};

static const char *ref_search[] = {"*://google.*",    "*.google.*",        "*://bing.com*",
                                   "*.bing.com*",     "*coccoc.com*",      "*duckduckgo.com*",
                                   "*search.yahoo.*", "*.baidu.com*",      "*yandex.*",
                                   "*ecosia.org*",    "*search.naver.com*"};
static const char *ref_social[] = {
    "*linkedin.com*",  "*lnkd.in*",     "*facebook.com*", "*://fb.com*", "*.fb.com*",
    "*instagram.com*", "*://t.co/*",    "*twitter.com*",  "*://x.com*",  "*zalo.me*",
    "*tiktok.com*",    "*youtube.com*", "*reddit.com*",   "*pinterest.*"};
static const char *ref_any[] = {"*"};

/* ---------------------------------------------------------------- the rules */

/* {group, channels, sources, mediums, referrers} */
static const struct jm_channel_rule default_rules[] = {
    /* 1. the raw channel */
    {"Paid Search", LIST(ch_paid_search), NONE, NONE, NONE},
    {"Organic Search", LIST(ch_organic_search), NONE, NONE, NONE},
    {"Paid Social", LIST(ch_paid_social), NONE, NONE, NONE},
    {"Organic Social", LIST(ch_organic_social), NONE, NONE, NONE},
    {"Email", LIST(ch_email), NONE, NONE, NONE},
    {"Display", LIST(ch_display), NONE, NONE, NONE},
    {"Affiliates", LIST(ch_affiliates), NONE, NONE, NONE},
    {"Referral", LIST(ch_referral), NONE, NONE, NONE},
    {"Events", LIST(ch_events), NONE, NONE, NONE},
    {"Partner", LIST(ch_partner), NONE, NONE, NONE},
    {"Sales", LIST(ch_sales), NONE, NONE, NONE},
    {"Support", LIST(ch_support), NONE, NONE, NONE},
    {"Customer Success", LIST(ch_success), NONE, NONE, NONE},
    {"Product", LIST(ch_product), NONE, NONE, NONE},
    {"Direct", LIST(ch_direct), NONE, NONE, NONE},
    /* 2. UTM source and medium, in GA4's order: paid before organic, source before medium */
    {"Direct", NONE, LIST(src_direct), NONE, NONE},
    {"Paid Social", NONE, NONE, LIST(md_paid_social), NONE},
    {"Paid Search", NONE, LIST(src_search), LIST(md_paid), NONE},
    {"Paid Social", NONE, LIST(src_social), LIST(md_paid), NONE},
    {"Display", NONE, NONE, LIST(md_display), NONE},
    {"Paid Search", NONE, NONE, LIST(md_search_paid), NONE},
    {"Organic Social", NONE, LIST(src_social), NONE, NONE},
    {"Organic Social", NONE, NONE, LIST(md_social), NONE},
    {"Organic Search", NONE, LIST(src_search), NONE, NONE},
    {"Organic Search", NONE, NONE, LIST(md_organic), NONE},
    {"Referral", NONE, NONE, LIST(md_referral), NONE},
    {"Email", NONE, LIST(src_email), NONE, NONE},
    {"Email", NONE, NONE, LIST(md_email), NONE},
    {"Affiliates", NONE, NONE, LIST(md_affiliate), NONE},
    {"Partner", NONE, NONE, LIST(md_partner), NONE},
    {"Events", NONE, NONE, LIST(md_events), NONE},
    /* 3. the referrer */
    {"Organic Search", NONE, NONE, NONE, LIST(ref_search)},
    {"Organic Social", NONE, NONE, NONE, LIST(ref_social)},
    {"Referral", NONE, NONE, NONE, LIST(ref_any)},
};

const struct jm_channel_rule *jm_channel_default_rules(size_t *n)
{
    *n = N(default_rules);
    return default_rules;
}

/* ---------------------------------------------------------------- matching */

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/*
 * Glob match of the whole of `s` against `p`. On a mismatch after a `*`, the star takes one
 * more byte and matching resumes there; only the latest star needs revisiting, so this is
 * O(len(s) * len(p)) at worst and never recurses.
 */
static bool glob_match(const char *p, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p && lower((unsigned char)*p) == lower((unsigned char)*s)) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* An empty list matches anything; a missing or empty text matches no pattern. */
static bool list_match(const struct jm_strlist *l, const char *s)
{
    if (l->n == 0)
        return true;
    if (!s || !*s)
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (glob_match(l->v[i], s))
            return true;
    return false;
}

static const char *first_match(const struct jm_channel_rule *rules, size_t n, const char *channel,
                               const char *source, const char *medium, const char *referrer)
{
    for (size_t i = 0; i < n; i++) {
        const struct jm_channel_rule *r = &rules[i];
        if (list_match(&r->channels, channel) && list_match(&r->sources, source) &&
            list_match(&r->mediums, medium) && list_match(&r->referrers, referrer))
            return r->group;
    }
    return NULL;
}

const char *jm_channel_group(const struct jm_channel_rule *rules, size_t n, const char *channel,
                             const char *source, const char *medium, const char *referrer)
{
    if ((!channel || !*channel) && (!source || !*source) && (!medium || !*medium) &&
        (!referrer || !*referrer))
        return "(missing)";
    const char *g = rules ? first_match(rules, n, channel, source, medium, referrer) : NULL;
    if (!g && rules != default_rules)
        g = first_match(default_rules, N(default_rules), channel, source, medium, referrer);
    return g ? g : "(other)";
}
