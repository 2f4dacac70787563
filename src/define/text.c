/*
 * The words of a journey map that do not come from the definition: language codes, lane
 * headings, KPI names and the built-in DMU roles, in English and Vietnamese. Vietnamese
 * headings are the ones Vietnamese CX teams write on their own maps ("Điểm đau", "Khoảnh khắc
 * sự thật"), not word-for-word translations.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "base/internal.h"
#include "journeymap/define.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const lang_codes[JM_LANG__COUNT] = {"en", "vi"};

bool jm_lang_parse(const char *s, enum jm_lang *out)
{
    for (size_t i = 0; i < JM_LANG__COUNT; i++)
        if (s && strcasecmp(s, lang_codes[i]) == 0) {
            *out = (enum jm_lang)i;
            return true;
        }
    return false;
}

const char *jm_lang_code(enum jm_lang lang)
{
    return (unsigned)lang < JM_LANG__COUNT ? lang_codes[lang] : "";
}

/*
 * An empty string counts as missing, so a file that says `vi: ""` falls back to English
 * instead of printing nothing.
 */
const char *jm_text_get(const struct jm_text *t, enum jm_lang lang)
{
    if (!t)
        return "";
    if ((unsigned)lang < JM_LANG__COUNT && t->s[lang] && t->s[lang][0])
        return t->s[lang];
    for (size_t i = 0; i < JM_LANG__COUNT; i++)
        if (t->s[i] && t->s[i][0])
            return t->s[i];
    return "";
}

bool jm_text_empty(const struct jm_text *t)
{
    return jm_text_get(t, JM_LANG_EN)[0] == '\0';
}

/* ---------------------------------------------------------------- lanes */

static const struct {
    const char *key, *name[JM_LANG__COUNT];
} lanes[JM_LANE__COUNT] = {
    [JM_LANE_THINKING] = {"thinking", {"Customer thinking", "Khách hàng nghĩ gì"}},
    [JM_LANE_ACTIONS] = {"actions", {"Customer actions", "Khách hàng làm gì"}},
    [JM_LANE_GOALS] = {"goals", {"Customer goals", "Mục tiêu của khách hàng"}},
    [JM_LANE_QUESTIONS] = {"questions", {"Questions", "Câu hỏi của khách hàng"}},
    [JM_LANE_PAIN_POINTS] = {"pain_points", {"Pain points", "Điểm đau"}},
    [JM_LANE_EMOTIONS] = {"emotions", {"Emotions", "Cảm xúc"}},
    [JM_LANE_INFORMATION] = {"information", {"Information needed", "Thông tin cần có"}},
    [JM_LANE_MOMENTS_OF_TRUTH] = {"moments_of_truth", {"Moments of truth", "Khoảnh khắc sự thật"}},
    [JM_LANE_OUR_GOALS] = {"our_goals", {"Our business goals", "Mục tiêu kinh doanh của chúng ta"}},
    [JM_LANE_OUR_ACTIONS] = {"our_actions", {"Our actions", "Hành động của chúng ta"}},
    [JM_LANE_OPPORTUNITIES] = {"opportunities", {"Opportunities", "Cơ hội cải thiện"}},
};

const char *jm_lane_key(enum jm_lane lane)
{
    return (unsigned)lane < JM_LANE__COUNT ? lanes[lane].key : "";
}

const char *jm_lane_name(enum jm_lane lane, enum jm_lang lang)
{
    if ((unsigned)lane >= JM_LANE__COUNT)
        return "";
    return lanes[lane].name[(unsigned)lang < JM_LANG__COUNT ? lang : JM_LANG_EN];
}

/* ---------------------------------------------------------------- KPIs */

static const struct {
    const char *key, *name[JM_LANG__COUNT];
    bool higher_is_better;
} kpis[JM_KPI__COUNT] = {
    [JM_KPI_CONVERSION_RATE] = {"conversion_rate", {"Conversion rate", "Tỷ lệ chuyển đổi"}, true},
    [JM_KPI_MEDIAN_DAYS] = {"median_days",
                            {"Median days in stage", "Số ngày trung vị trong giai đoạn"},
                            false},
    [JM_KPI_COUNT] = {"count", {"Count", "Số lượng"}, true},
    [JM_KPI_NPS] = {"nps", {"NPS", "NPS"}, true},
    [JM_KPI_WIN_RATE] = {"win_rate", {"Win rate", "Tỷ lệ thắng"}, true},
    [JM_KPI_DMU_COVERAGE] = {"dmu_coverage",
                             {"Buying-committee coverage", "Độ phủ nhóm ra quyết định"},
                             true},
    [JM_KPI_NRR] = {"nrr", {"Net revenue retention", "Tỷ lệ giữ chân doanh thu thuần"}, true},
};

const char *jm_kpi_key(enum jm_kpi_metric m)
{
    return (unsigned)m < JM_KPI__COUNT ? kpis[m].key : "";
}

const char *jm_kpi_name(enum jm_kpi_metric m, enum jm_lang lang)
{
    if ((unsigned)m >= JM_KPI__COUNT)
        return "";
    return kpis[m].name[(unsigned)lang < JM_LANG__COUNT ? lang : JM_LANG_EN];
}

bool jm_kpi_higher_is_better(enum jm_kpi_metric m)
{
    return (unsigned)m < JM_KPI__COUNT ? kpis[m].higher_is_better : true;
}

/* ---------------------------------------------------------------- DMU roles */

/* Keys as in the contacts' dmu_role field (model/entity.c). */
static const struct {
    const char *key, *name[JM_LANG__COUNT];
} roles[] = {
    {"decider", {"Decider", "Người quyết định"}},
    {"champion", {"Champion (proposer)", "Người đề xuất"}},
    {"user", {"User", "Người sử dụng"}},
    {"researcher", {"Researcher (technical evaluator)", "Người nghiên cứu"}},
    {"influencer", {"Influencer", "Người ảnh hưởng"}},
    {"finance", {"Finance gatekeeper", "Người kiểm soát tài chính"}},
    {"unknown", {"Unknown", "Chưa rõ"}},
};

const char *jm_journey_role_name(const struct jm_journey *j, const char *key, enum jm_lang lang)
{
    for (size_t i = 0; j && i < j->n_dmu_roles; i++)
        if (strcmp(j->dmu_roles[i].key, key) == 0 && !jm_text_empty(&j->dmu_roles[i].name))
            return jm_text_get(&j->dmu_roles[i].name, lang);
    for (size_t i = 0; i < N(roles); i++)
        if (strcmp(roles[i].key, key) == 0)
            return roles[i].name[(unsigned)lang < JM_LANG__COUNT ? lang : JM_LANG_EN];
    return key;
}
