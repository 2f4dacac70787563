/*
 * The demo company's catalog: the touchpoints of its B2B journey with the channels they arrive
 * through, the pages of its website (https://demo-company.example, Vietnamese pages under /vi)
 * and app, UTM sources and referrers, campaign themes, products, and the words customers use in
 * tickets and surveys, in English and Vietnamese.
 *
 * Variants are picked by a per-event byte (`variant % count`), so the generator stores one
 * small number per event and the strings stay static.
 *
 * SPDX-License-Identifier: MIT
 */
#include "demo/internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *const jm__demo_channel_names[CH__COUNT] = {
    "organic_search", "paid_search", "paid_social", "social",          "email",
    "direct",         "referral",    "display",     "events",          "partner",
    "sales",          "product",     "support",     "customer_success"};

/* ---------------------------------------------------------------- pages and properties */

static const char *const pg_landing[] = {"/lp/customer-journey-mapping", "/lp/b2b-funnel-analytics",
                                         "/lp/free-trial", NULL};
static const char *const pg_blog[] = {
    "/blog/what-is-a-b2b-customer-journey-map", "/blog/buying-committee-dmu-guide",
    "/blog/lead-scoring-sales-trusts",          "/blog/why-hot-leads-go-silent",
    "/blog/from-nps-to-net-revenue-retention",  "/blog/onboarding-that-prevents-churn",
    "/blog/marketing-sales-handoff-sla",        NULL};
static const char *const pg_webinar[] = {"/webinars/journey-mapping-101",
                                         "/webinars/revops-playbook-apac",
                                         "/webinars/from-nps-to-expansion", NULL};
static const char *const pp_webinar[] = {"{\"webinar\":\"Journey mapping 101\"}",
                                         "{\"webinar\":\"The RevOps playbook for APAC\"}",
                                         "{\"webinar\":\"From NPS to expansion revenue\"}", NULL};
static const char *const pg_paper[] = {"/resources/b2b-journey-benchmark",
                                       "/resources/dmu-mapping-template",
                                       "/resources/apac-saas-buyer-report", NULL};
static const char *const pp_paper[] = {"{\"asset\":\"B2B journey benchmark\"}",
                                       "{\"asset\":\"DMU mapping template\"}",
                                       "{\"asset\":\"APAC SaaS buyer report\"}", NULL};
/* Variants 0-1 are Vietnamese events: the journey picks them for Vietnamese accounts. */
static const char *const pp_booth[] = {
    "{\"event\":\"Vietnam Digital Summit\"}", "{\"event\":\"Hội thảo Chuyển đổi số Doanh nghiệp\"}",
    "{\"event\":\"SaaS Connect Asia\"}", "{\"event\":\"MarTech Europe\"}", NULL};
static const char *const pg_pricing[] = {"/pricing", NULL};
static const char *const pg_case[] = {"/customers/minh-phat-logistics",
                                      "/customers/bluepeak-health", "/customers/sakura-retail",
                                      "/customers/rheinwerk-software", NULL};
static const char *const pg_compare[] = {"/compare/hubspot", "/compare/uxpressia",
                                         "/compare/spreadsheets", NULL};
static const char *const pg_newsletter[] = {"/newsletter", NULL};
static const char *const pg_trial[] = {"/signup?plan=trial", NULL};
static const char *const pg_demo[] = {"/demo", NULL};
static const char *const pg_login[] = {"/login", NULL};
static const char *const pg_feature[] = {
    "/journeys", "/funnels", "/break-points", "/attribution", "/surveys", "/reports", NULL};
static const char *const pp_feature[] = {"{\"feature\":\"journey_map\"}",
                                         "{\"feature\":\"funnel\"}",
                                         "{\"feature\":\"break_points\"}",
                                         "{\"feature\":\"attribution\"}",
                                         "{\"feature\":\"surveys\"}",
                                         "{\"feature\":\"reports\"}",
                                         NULL};
static const char *const pp_priority[] = {"{\"priority\":\"low\"}", "{\"priority\":\"normal\"}",
                                          "{\"priority\":\"high\"}", "{\"priority\":\"urgent\"}",
                                          NULL};
static const char *const pp_review[] = {"{\"site\":\"G2\"}", "{\"site\":\"Capterra\"}", NULL};

/* ---------------------------------------------------------------- touchpoints */

#define WEB(n, st, id, c0, w0, c1, w1, c2, w2, c3, w3, pg, pp)                                     \
    {                                                                                              \
        n, st, TK_WEB, id, false, {c0, c1, c2, c3}, {w0, w1, w2, w3}, pg, pp                       \
    }
#define CRM(n, st, ch, snt, pp)                                                                    \
    {                                                                                              \
        n, st, TK_CRM, true, snt, {ch, 0, 0, 0}, {1, 0, 0, 0}, NULL, pp                            \
    }

const struct demo_tp_def jm__demo_tps[TP__COUNT] = {
    [TP_AD_CLICK] = WEB("ad_click", ST_AWARENESS, false, CH_PAID_SEARCH, 5, CH_PAID_SOCIAL, 4,
                        CH_DISPLAY, 2, 0, 0, pg_landing, NULL),
    [TP_BLOG_VIEW] = WEB("blog_view", ST_AWARENESS, false, CH_ORGANIC_SEARCH, 6, CH_SOCIAL, 2,
                         CH_EMAIL, 2, CH_DIRECT, 1, pg_blog, NULL),
    [TP_SOCIAL_POST_VIEW] = WEB("social_post_view", ST_AWARENESS, false, CH_SOCIAL, 5,
                                CH_PAID_SOCIAL, 3, 0, 0, 0, 0, pg_blog, NULL),
    [TP_WEBINAR_REGISTERED] =
        WEB("webinar_registered", ST_AWARENESS, true, CH_EMAIL, 4, CH_PAID_SOCIAL, 2, CH_SOCIAL, 2,
            CH_PARTNER, 1, pg_webinar, pp_webinar),
    [TP_WEBINAR_ATTENDED] = CRM("webinar_attended", ST_AWARENESS, CH_EVENTS, false, pp_webinar),
    [TP_WHITEPAPER_DOWNLOAD] =
        WEB("whitepaper_download", ST_AWARENESS, true, CH_PAID_SOCIAL, 4, CH_ORGANIC_SEARCH, 3,
            CH_PAID_SEARCH, 2, CH_EMAIL, 2, pg_paper, pp_paper),
    [TP_EVENT_BOOTH_VISIT] = {"event_booth_visit",
                              ST_AWARENESS,
                              TK_CRM,
                              true,
                              false,
                              {CH_EVENTS, CH_PARTNER, 0, 0},
                              {5, 2, 0, 0},
                              NULL,
                              pp_booth},
    [TP_PRICING_VIEW] = WEB("pricing_view", ST_CONSIDERATION, false, CH_DIRECT, 4,
                            CH_ORGANIC_SEARCH, 3, CH_PAID_SEARCH, 2, CH_EMAIL, 1, pg_pricing, NULL),
    [TP_CASE_STUDY_VIEW] = WEB("case_study_view", ST_CONSIDERATION, false, CH_ORGANIC_SEARCH, 3,
                               CH_EMAIL, 3, CH_DIRECT, 2, CH_REFERRAL, 1, pg_case, NULL),
    [TP_COMPARISON_PAGE_VIEW] =
        WEB("comparison_page_view", ST_CONSIDERATION, false, CH_ORGANIC_SEARCH, 4, CH_PAID_SEARCH,
            3, CH_REFERRAL, 1, 0, 0, pg_compare, NULL),
    [TP_NEWSLETTER_SIGNUP] = WEB("newsletter_signup", ST_CONSIDERATION, true, CH_ORGANIC_SEARCH, 3,
                                 CH_SOCIAL, 2, CH_DIRECT, 2, 0, 0, pg_newsletter, NULL),
    [TP_TRIAL_SIGNUP] = WEB("trial_signup", ST_CONSIDERATION, true, CH_DIRECT, 3, CH_PAID_SEARCH, 3,
                            CH_ORGANIC_SEARCH, 2, CH_PARTNER, 1, pg_trial, NULL),
    [TP_DEMO_REQUEST] = WEB("demo_request", ST_CONSIDERATION, true, CH_DIRECT, 3, CH_PAID_SEARCH, 2,
                            CH_ORGANIC_SEARCH, 2, CH_PARTNER, 1, pg_demo, NULL),
    [TP_SALES_CALL] = CRM("sales_call", ST_DECISION, CH_SALES, true, NULL),
    [TP_DEMO_MEETING] = CRM("demo_meeting", ST_DECISION, CH_SALES, true, NULL),
    [TP_PROPOSAL_SENT] = CRM("proposal_sent", ST_DECISION, CH_SALES, false, NULL),
    [TP_QUOTE_SENT] = CRM("quote_sent", ST_DECISION, CH_SALES, false, NULL),
    [TP_SECURITY_REVIEW] = CRM("security_review", ST_DECISION, CH_SALES, true, NULL),
    [TP_CONTRACT_SENT] = CRM("contract_sent", ST_DECISION, CH_SALES, false, NULL),
    [TP_CONTRACT_SIGNED] = CRM("contract_signed", ST_DECISION, CH_SALES, false, NULL),
    [TP_ONBOARDING_CALL] = CRM("onboarding_call", ST_USAGE, CH_CUSTOMER_SUCCESS, true, NULL),
    [TP_PRODUCT_LOGIN] = {"product_login",
                          ST_USAGE,
                          TK_APP,
                          true,
                          false,
                          {CH_PRODUCT, 0, 0, 0},
                          {1, 0, 0, 0},
                          pg_login,
                          NULL},
    [TP_FEATURE_USED] = {"feature_used",
                         ST_USAGE,
                         TK_APP,
                         true,
                         false,
                         {CH_PRODUCT, 0, 0, 0},
                         {1, 0, 0, 0},
                         pg_feature,
                         pp_feature},
    [TP_TRAINING_SESSION] = CRM("training_session", ST_USAGE, CH_CUSTOMER_SUCCESS, true, NULL),
    [TP_SUPPORT_TICKET] = CRM("support_ticket", ST_USAGE, CH_SUPPORT, true, pp_priority),
    [TP_RENEWAL] = CRM("renewal", ST_LOYALTY, CH_CUSTOMER_SUCCESS, true, NULL),
    [TP_UPSELL_MEETING] = CRM("upsell_meeting", ST_LOYALTY, CH_CUSTOMER_SUCCESS, true, NULL),
    [TP_REFERRAL] = CRM("referral", ST_LOYALTY, CH_REFERRAL, false, NULL),
    [TP_REVIEW_WRITTEN] = CRM("review_written", ST_LOYALTY, CH_REFERRAL, false, pp_review),
    [TP_CASE_STUDY_PARTICIPATION] =
        CRM("case_study_participation", ST_LOYALTY, CH_CUSTOMER_SUCCESS, true, NULL),
};

/* ---------------------------------------------------------------- UTM and referrers */

static const struct demo_utm utm_paid_search[] = {{"google", "cpc", "https://www.google.com/"},
                                                  {"google", "cpc", "https://www.google.com/"},
                                                  {"google", "cpc", "https://www.google.com/"},
                                                  {"bing", "cpc", "https://www.bing.com/"}};
static const struct demo_utm utm_paid_search_vn[] = {
    {"google", "cpc", "https://www.google.com.vn/"},
    {"google", "cpc", "https://www.google.com.vn/"},
    {"google", "cpc", "https://www.google.com.vn/"},
    {"coccoc", "cpc", "https://coccoc.com/"}};
static const struct demo_utm utm_paid_social[] = {
    {"linkedin", "paid_social", "https://www.linkedin.com/"},
    {"linkedin", "paid_social", "https://www.linkedin.com/"},
    {"facebook", "paid_social", "https://www.facebook.com/"}};
static const struct demo_utm utm_paid_social_vn[] = {
    {"facebook", "paid_social", "https://www.facebook.com/"},
    {"facebook", "paid_social", "https://www.facebook.com/"},
    {"linkedin", "paid_social", "https://www.linkedin.com/"},
    {"zalo", "paid_social", "https://zalo.me/"}};
static const struct demo_utm utm_social[] = {{"linkedin", "social", "https://www.linkedin.com/"},
                                             {"linkedin", "social", "https://www.linkedin.com/"},
                                             {"twitter", "social", "https://t.co/"},
                                             {"facebook", "social", "https://www.facebook.com/"}};
static const struct demo_utm utm_social_vn[] = {
    {"facebook", "social", "https://www.facebook.com/"},
    {"facebook", "social", "https://www.facebook.com/"},
    {"zalo", "social", "https://zalo.me/"},
    {"linkedin", "social", "https://www.linkedin.com/"}};
static const struct demo_utm utm_email[] = {{"newsletter", "email", NULL},
                                            {"hubspot", "email", NULL}};
static const struct demo_utm utm_display[] = {{"google", "display", "https://www.forbes.com/"},
                                              {"google", "display", "https://techcrunch.com/"}};
static const struct demo_utm utm_display_vn[] = {{"google", "display", "https://vnexpress.net/"},
                                                 {"google", "display", "https://cafef.vn/"}};
static const struct demo_utm utm_partner[] = {
    {"apac-revops-collective", "partner", "https://apac-revops.example/"},
    {"cloudbridge-consulting", "partner", "https://cloudbridge.example/"}};
static const struct demo_utm utm_partner_vn[] = {
    {"saigon-digital", "partner", "https://saigondigital.example/"},
    {"hanoi-cloud-partners", "partner", "https://hanoicloud.example/"},
    {"saigon-digital", "partner", "https://saigondigital.example/"}};
static const struct demo_utm ref_search[] = {{NULL, NULL, "https://www.google.com/"},
                                             {NULL, NULL, "https://www.google.com/"},
                                             {NULL, NULL, "https://www.google.com/"},
                                             {NULL, NULL, "https://www.bing.com/"},
                                             {NULL, NULL, "https://duckduckgo.com/"}};
static const struct demo_utm ref_search_vn[] = {{NULL, NULL, "https://www.google.com.vn/"},
                                                {NULL, NULL, "https://www.google.com.vn/"},
                                                {NULL, NULL, "https://www.google.com/"},
                                                {NULL, NULL, "https://coccoc.com/"}};
static const struct demo_utm ref_referral[] = {{NULL, NULL, "https://www.g2.com/"},
                                               {NULL, NULL, "https://www.capterra.com/"},
                                               {NULL, NULL, "https://www.producthunt.com/"}};
static const struct demo_utm ref_referral_vn[] = {{NULL, NULL, "https://www.g2.com/"},
                                                  {NULL, NULL, "https://cafebiz.vn/"},
                                                  {NULL, NULL, "https://www.facebook.com/"}};

#define PICK(tab, tab_vn) (vn ? &tab_vn[variant % N(tab_vn)] : &tab[variant % N(tab)])

const struct demo_utm *jm__demo_utm(enum demo_channel ch, unsigned variant, bool vn)
{
    switch (ch) {
    case CH_PAID_SEARCH:
        return PICK(utm_paid_search, utm_paid_search_vn);
    case CH_PAID_SOCIAL:
        return PICK(utm_paid_social, utm_paid_social_vn);
    case CH_SOCIAL:
        return PICK(utm_social, utm_social_vn);
    case CH_EMAIL:
        return &utm_email[variant % N(utm_email)];
    case CH_DISPLAY:
        return PICK(utm_display, utm_display_vn);
    case CH_PARTNER:
        return PICK(utm_partner, utm_partner_vn);
    case CH_ORGANIC_SEARCH:
        return PICK(ref_search, ref_search_vn);
    case CH_REFERRAL:
        return PICK(ref_referral, ref_referral_vn);
    default:
        return NULL;
    }
}

static const char *const keywords[] = {"customer journey mapping software",
                                       "b2b customer journey analytics",
                                       "funnel analytics tool",
                                       "uxpressia alternative",
                                       "lead scoring software",
                                       "nps software b2b"};
static const char *const keywords_vn[] = {"phần mềm hành trình khách hàng",
                                          "phân tích phễu bán hàng", "phần mềm CRM B2B",
                                          "đo lường NPS khách hàng", "customer journey map là gì"};

const char *jm__demo_keyword(unsigned variant, bool vn)
{
    return vn ? keywords_vn[variant % N(keywords_vn)] : keywords[variant % N(keywords)];
}

/* ---------------------------------------------------------------- campaigns */

const char *const jm__demo_themes[DEMO_N_THEMES] = {
    "brand-search",         "journey-mapping-search", "competitor-search",   "abm-linkedin",
    "retargeting",          "webinar-series",         "newsletter",          "nurture-drip",
    "partner-co-marketing", "vn-partner-program",     "vn-facebook-leadgen", "display-awareness"};

const int8_t *jm__demo_channel_themes(enum demo_channel ch, bool vn)
{
    static const int8_t none[] = {-1}, search[] = {0, 1, 1, 2}, social[] = {3, 4, 5, -1},
                        social_vn[] = {10, 10, 4, 5}, email[] = {6, 7, 5, -1},
                        display[] = {11, 4, -1}, partner[] = {8, -1}, partner_vn[] = {9, -1};
    switch (ch) {
    case CH_PAID_SEARCH:
        return search;
    case CH_PAID_SOCIAL:
        return vn ? social_vn : social;
    case CH_EMAIL:
        return email;
    case CH_DISPLAY:
        return display;
    case CH_PARTNER:
        return vn ? partner_vn : partner;
    default:
        return none;
    }
}

/* ---------------------------------------------------------------- deals, tickets, surveys */

const char *const jm__demo_products[PR__COUNT] = {"Starter",
                                                  "Growth",
                                                  "Enterprise",
                                                  "Add-on: Extra seats",
                                                  "Add-on: Analytics Pro",
                                                  "Add-on: Premium support"};
const char *const jm__demo_lost_reasons[5] = {"price", "timing", "competitor", "no decision",
                                              "missing feature"};
const char *const jm__demo_churn_reasons[6] = {
    "",           "poor support",          "low adoption", "unhappy with product",
    "budget cut", "switched to competitor"};
const char *const jm__demo_deal_stages[6] = {"Discovery",   "Demo",       "Proposal",
                                             "Negotiation", "Closed won", "Closed lost"};
const char *const jm__demo_ticket_channels[5] = {"email", "chat", "phone", "portal", "zalo"};

static const char *const subjects[] = {"CSV import rejects dates in our CRM export",
                                       "SSO login fails for new users",
                                       "Funnel numbers differ from our CRM report",
                                       "How do we add a stage to the journey map?",
                                       "Webhook to Slack is not firing",
                                       "Invoice needs our VAT number",
                                       "Dashboard is slow for our largest accounts",
                                       "Feature request: export the map to PDF"};
static const char *const subjects_vn[] = {"Không đăng nhập được bằng SSO",
                                          "Lỗi nhập file CSV có dấu tiếng Việt",
                                          "Số liệu phễu khác với báo cáo CRM",
                                          "Cần xuất hóa đơn VAT cho công ty",
                                          "Hướng dẫn thêm giai đoạn vào bản đồ hành trình",
                                          "Báo cáo tải rất chậm vào đầu tháng",
                                          "Webhook gửi sang Zalo OA không hoạt động"};

const char *jm__demo_ticket_subject(unsigned variant, bool vn)
{
    return vn ? subjects_vn[variant % N(subjects_vn)] : subjects[variant % N(subjects)];
}

static const char *const comments[3][5] = {
    {"Support took days to answer a blocking ticket.",
     "Too expensive for what our team actually uses.",
     "Data imports keep failing and nobody follows up.",
     "We never got proper onboarding, the team stopped logging in.", NULL},
    {"Useful reports, but the setup was harder than expected.",
     "Good product, pricing is a bit high for us.", "Works well, we would like more integrations.",
     NULL, NULL},
    {"The journey map finally got sales and marketing on the same page.",
     "Our customer success manager is fantastic.",
     "Break-point reports helped us fix our demo follow-up.",
     "Easy to use and the numbers match our CRM.", NULL},
};
static const char *const comments_vn[3][5] = {
    {"Hỗ trợ rất chậm, ticket của chúng tôi mất ba ngày mới được trả lời.",
     "Giá quá cao so với nhu cầu của doanh nghiệp nhỏ.",
     "Nhập dữ liệu hay bị lỗi, không ai liên hệ lại.", NULL, NULL},
    {"Báo cáo hữu ích nhưng cài đặt ban đầu hơi phức tạp.",
     "Sản phẩm tốt, mong có thêm tích hợp với Zalo và MISA.", "Giá hơi cao nhưng chấp nhận được.",
     NULL, NULL},
    {"Bản đồ hành trình giúp phòng kinh doanh và marketing hiểu nhau hơn.",
     "Đội chăm sóc khách hàng hỗ trợ rất nhiệt tình.",
     "Dễ dùng, số liệu khớp với CRM của chúng tôi.",
     "Nhờ báo cáo điểm gãy, chúng tôi rút ngắn chu kỳ bán hàng.", NULL},
};

const char *jm__demo_comment(unsigned band, unsigned variant, bool vn)
{
    const char *const *list = vn ? comments_vn[band % 3] : comments[band % 3];
    unsigned n = 0;
    while (n < 5 && list[n])
        n++;
    return n ? list[variant % n] : NULL;
}
