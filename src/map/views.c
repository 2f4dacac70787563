/*
 * Team views: the full map, and one view per team that owns part of the journey. A view picks
 * the lanes (and renames some for the team's questions: a sales view reads pain points as
 * objections), the panels, and the stages it puts forward (those its team owns).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "map/internal.h"

#define TEXT(l)                                                                                    \
    {                                                                                              \
        JM_MAP_LANE_TEXT, JM_LANE_##l,                                                             \
        {                                                                                          \
            NULL, NULL                                                                             \
        }                                                                                          \
    }
#define NAMED(l, en, vi)                                                                           \
    {                                                                                              \
        JM_MAP_LANE_TEXT, JM_LANE_##l,                                                             \
        {                                                                                          \
            en, vi                                                                                 \
        }                                                                                          \
    }
#define MEASURED(k)                                                                                \
    {                                                                                              \
        JM_MAP_LANE_##k, JM_LANE_THINKING,                                                         \
        {                                                                                          \
            NULL, NULL                                                                             \
        }                                                                                          \
    }
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct jm__view_lane full[] = {
    TEXT(THINKING),    TEXT(GOALS),           TEXT(ACTIONS),       TEXT(QUESTIONS),
    TEXT(INFORMATION), MEASURED(TOUCHPOINTS), MEASURED(CHANNELS),  MEASURED(EMOTION),
    MEASURED(VOICE),   TEXT(EMOTIONS),        TEXT(PAIN_POINTS),   TEXT(MOMENTS_OF_TRUTH),
    TEXT(OUR_GOALS),   TEXT(OUR_ACTIONS),     TEXT(OPPORTUNITIES), MEASURED(KPIS),
    MEASURED(DMU),
};

/* Marketing: what content and which channels each stage needs. */
static const struct jm__view_lane marketing[] = {
    TEXT(THINKING),
    TEXT(QUESTIONS),
    NAMED(INFORMATION, "Content needs", "Nội dung cần có"),
    MEASURED(TOUCHPOINTS),
    MEASURED(CHANNELS),
    MEASURED(EMOTION),
    MEASURED(VOICE),
    TEXT(PAIN_POINTS),
    NAMED(OUR_ACTIONS, "Campaigns and content", "Chiến dịch và nội dung"),
    TEXT(OPPORTUNITIES),
    MEASURED(KPIS),
};

/* Sales: the objections to answer, what the committee decides on, and the handoff. */
static const struct jm__view_lane sales[] = {
    TEXT(THINKING),
    TEXT(QUESTIONS),
    NAMED(PAIN_POINTS, "Common objections", "Phản đối thường gặp"),
    NAMED(INFORMATION, "Decision criteria and proof", "Tiêu chí quyết định và bằng chứng"),
    NAMED(MOMENTS_OF_TRUTH, "Deal-making moments", "Khoảnh khắc quyết định thương vụ"),
    MEASURED(TOUCHPOINTS),
    MEASURED(EMOTION),
    MEASURED(VOICE),
    MEASURED(DMU),
    NAMED(OUR_ACTIONS, "Sales plays", "Kịch bản bán hàng"),
    MEASURED(KPIS),
};

/* Product: where the experience rubs, and what to build first. */
static const struct jm__view_lane product[] = {
    TEXT(ACTIONS),          NAMED(PAIN_POINTS, "Friction points", "Điểm ma sát"),
    TEXT(EMOTIONS),         MEASURED(EMOTION),
    MEASURED(VOICE),        MEASURED(TOUCHPOINTS),
    TEXT(MOMENTS_OF_TRUTH), NAMED(OPPORTUNITIES, "Priority features", "Tính năng ưu tiên"),
    MEASURED(KPIS),
};

/* Customer success: onboarding, expansion and churn. */
static const struct jm__view_lane cs[] = {
    TEXT(GOALS),
    TEXT(ACTIONS),
    NAMED(PAIN_POINTS, "Churn risks", "Nguy cơ rời bỏ"),
    TEXT(MOMENTS_OF_TRUTH),
    MEASURED(EMOTION),
    MEASURED(VOICE),
    MEASURED(TOUCHPOINTS),
    NAMED(OUR_ACTIONS, "Onboarding and expansion plays", "Hoạt động onboarding và mở rộng"),
    NAMED(OPPORTUNITIES, "Expansion opportunities", "Cơ hội mở rộng"),
    MEASURED(KPIS),
    MEASURED(DMU),
};

static const char *const marketing_teams[] = {"marketing", NULL};
static const char *const sales_teams[] = {"sales", NULL};
static const char *const product_teams[] = {"product", NULL};
static const char *const cs_teams[] = {"customer_success", "cs", "support", NULL};

static const struct jm__view views[JM_VIEW__COUNT] = {
    [JM_VIEW_FULL] = {"full",
                      {"Full map", "Toàn bộ bản đồ"},
                      NULL,
                      {true, true, true, true, true, true, true, true, true, true},
                      COUNT(full),
                      full},
    [JM_VIEW_MARKETING] = {"marketing",
                           {"Marketing view", "Góc nhìn tiếp thị"},
                           marketing_teams,
                           {true, true, true, false, true, true, true, false, true, true},
                           COUNT(marketing),
                           marketing},
    [JM_VIEW_SALES] = {"sales",
                       {"Sales view", "Góc nhìn bán hàng"},
                       sales_teams,
                       {true, true, true, true, true, true, true, false, false, true},
                       COUNT(sales),
                       sales},
    [JM_VIEW_PRODUCT] = {"product",
                         {"Product view", "Góc nhìn sản phẩm"},
                         product_teams,
                         {false, true, true, false, true, false, true, false, true, true},
                         COUNT(product),
                         product},
    [JM_VIEW_CS] = {"cs",
                    {"Customer success view", "Góc nhìn chăm sóc khách hàng"},
                    cs_teams,
                    {true, true, true, true, false, false, false, true, true, true},
                    COUNT(cs),
                    cs},
};

const struct jm__view *jm__map_view(enum jm_map_view v)
{
    return &views[(unsigned)v < JM_VIEW__COUNT ? v : JM_VIEW_FULL];
}

bool jm_map_view_parse(const char *s, enum jm_map_view *out)
{
    for (size_t v = 0; v < JM_VIEW__COUNT; v++)
        if (strcasecmp(s, views[v].key) == 0) {
            *out = (enum jm_map_view)v;
            return true;
        }
    if (strcasecmp(s, "customer_success") == 0) {
        *out = JM_VIEW_CS;
        return true;
    }
    return false;
}

const char *jm_map_view_key(enum jm_map_view v)
{
    return jm__map_view(v)->key;
}

bool jm_map_state_parse(const char *s, enum jm_map_state *out)
{
    static const char *const names[] = {"current", "future", "both"};
    for (size_t i = 0; i < 3; i++)
        if (strcasecmp(s, names[i]) == 0) {
            *out = (enum jm_map_state)i;
            return true;
        }
    return false;
}
