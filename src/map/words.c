/*
 * The map's own words in English and Vietnamese: headings and phrases the renderers print, team
 * names, and the headings of the measured lanes. The definition's texts carry their own
 * translations; these are the words around them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "map/internal.h"

static const char *const ui[JM_UI__COUNT][JM_LANG__COUNT] = {
    [JM_UI_TITLE_SUFFIX] = {"journey map", "bản đồ hành trình"},
    [JM_UI_VIEW] = {"Full map", "Toàn bộ bản đồ"},
    [JM_UI_PERIOD] = {"Period", "Kỳ phân tích"},
    [JM_UI_ALL_TIME] = {"all time", "toàn bộ thời gian"},
    [JM_UI_AS_OF] = {"Data as of", "Dữ liệu đến"},
    [JM_UI_UNITS] = {"accounts", "tài khoản"},
    [JM_UI_FILTER] = {"Segment", "Phân khúc"},
    [JM_UI_STAGE] = {"Stage", "Giai đoạn"},
    [JM_UI_OWNER] = {"Owner", "Phụ trách"},
    [JM_UI_REACHED] = {"reached", "đạt"},
    [JM_UI_CONVERTED] = {"converted", "chuyển tiếp"},
    [JM_UI_RATE] = {"conversion", "tỷ lệ chuyển đổi"},
    [JM_UI_MEDIAN_DAYS] = {"median days in stage", "trung vị số ngày ở giai đoạn"},
    [JM_UI_DAYS] = {"days", "ngày"},
    [JM_UI_DROPPED] = {"dropped", "rời bỏ"},
    [JM_UI_SKIPPED] = {"skipped", "bỏ qua"},
    [JM_UI_NOW_IN] = {"in stage now", "đang ở giai đoạn"},
    [JM_UI_FUNNEL] = {"Funnel", "Phễu chuyển đổi"},
    [JM_UI_FLOWS] = {"Flows between stages", "Dòng chảy giữa các giai đoạn"},
    [JM_UI_FORWARD] = {"forward", "tiến"},
    [JM_UI_SKIP] = {"skip", "bỏ qua"},
    [JM_UI_BACK] = {"back", "lùi"},
    [JM_UI_START] = {"(start)", "(bắt đầu)"},
    [JM_UI_DROP_OFF] = {"dropped out", "rời bỏ"},
    [JM_UI_BREAKS] = {"Break points", "Điểm gãy"},
    [JM_UI_NO_BREAKS] = {"No break points stand out.", "Không có điểm gãy nổi bật."},
    [JM_UI_IDLE] = {"Stalled and silent", "Chững lại và im lặng"},
    [JM_UI_STALLED] = {"stalled", "chững lại"},
    [JM_UI_SILENT] = {"silent", "im lặng"},
    [JM_UI_DAYS_IN] = {"days in stage", "ngày ở giai đoạn"},
    [JM_UI_DAYS_SILENT] = {"days silent", "ngày im lặng"},
    [JM_UI_LAST_TOUCH] = {"last touch", "điểm chạm cuối"},
    [JM_UI_NO_IDLE] = {"Nobody is stalled or silent.", "Không có ai chững lại hay im lặng."},
    [JM_UI_PERSONAS] = {"Personas", "Chân dung khách hàng"},
    [JM_UI_TARGET] = {"target", "mục tiêu"},
    [JM_UI_MET] = {"met", "đạt"},
    [JM_UI_NEAR] = {"near target", "gần đạt"},
    [JM_UI_MISSED] = {"missed", "chưa đạt"},
    [JM_UI_NO_DATA] = {"no data", "chưa có dữ liệu"},
    [JM_UI_MEASURED] = {"measured", "đo từ dữ liệu"},
    [JM_UI_AUTHORED] = {"authored", "theo định nghĩa"},
    [JM_UI_PEAK] = {"peak", "đỉnh"},
    [JM_UI_VALLEY] = {"valley", "đáy"},
    [JM_UI_SURVEYS] = {"surveys", "khảo sát"},
    [JM_UI_EVENTS] = {"events", "sự kiện"},
    [JM_UI_CURRENT] = {"Today", "Hiện tại"},
    [JM_UI_FUTURE] = {"Future", "Tương lai"},
    [JM_UI_HANDOFF] = {"handoff", "bàn giao"},
    [JM_UI_KEY_ROLE] = {"key role", "vai trò chính"},
    [JM_UI_GENERATED] = {"Made with journeymap", "Tạo bởi journeymap"},
    [JM_UI_ATTRIBUTION] = {"What wins deals", "Điều gì mang lại hợp đồng"},
    [JM_UI_PATHS] = {"Most common paths to the goal", "Các hành trình phổ biến nhất đến mục tiêu"},
    [JM_UI_RETENTION] = {"Retention and revenue", "Giữ chân khách hàng và doanh thu"},
    [JM_UI_VOICE] = {"Voice of the customer", "Tiếng nói khách hàng"},
    [JM_UI_QUESTIONS] = {"The four questions", "Bốn câu hỏi"},
    [JM_UI_CHANNEL] = {"Channel", "Kênh"},
    [JM_UI_PATH] = {"Path", "Hành trình"},
    [JM_UI_SHARE] = {"share", "tỷ lệ"},
    [JM_UI_COHORT] = {"Cohort", "Nhóm khách hàng"},
    [JM_UI_MONTHS_SINCE] = {"months since the first invoice", "số tháng kể từ hóa đơn đầu tiên"},
    [JM_UI_GRR] = {"gross revenue retention", "tỷ lệ giữ chân doanh thu gộp"},
    [JM_UI_NRR] = {"net revenue retention", "tỷ lệ giữ chân doanh thu ròng"},
    [JM_UI_LTV] = {"lifetime value", "giá trị vòng đời"},
    [JM_UI_ANSWERS] = {"answers", "câu trả lời"},
    [JM_UI_PRIORITY] = {"Priority", "Mức ưu tiên"},
    [JM_UI_TICKETS] = {"tickets", "phiếu hỗ trợ"},
    [JM_UI_RESPONSE] = {"first response late", "phản hồi đầu tiên trễ hạn"},
    [JM_UI_RESOLUTION] = {"resolution late", "giải quyết trễ hạn"},
    [JM_UI_SLA] = {"SLA breaches by priority", "Vi phạm SLA theo mức ưu tiên"},
};

const char *jm__map_ui(enum jm_map_ui u, enum jm_lang lang)
{
    return (unsigned)u < JM_UI__COUNT ? ui[u][lang == JM_LANG_VI] : "";
}

static const struct {
    const char *key, *name[JM_LANG__COUNT];
} teams[] = {
    {"marketing", {"Marketing", "Tiếp thị"}},
    {"sales", {"Sales", "Bán hàng"}},
    {"customer_success", {"Customer success", "Chăm sóc khách hàng"}},
    {"cs", {"Customer success", "Chăm sóc khách hàng"}},
    {"support", {"Support", "Hỗ trợ"}},
    {"product", {"Product", "Sản phẩm"}},
    {"partners", {"Partners", "Đối tác"}},
    {"finance", {"Finance", "Tài chính"}},
    {"revops", {"RevOps", "RevOps"}},
};

const char *jm__map_team_name(const char *team, enum jm_lang lang)
{
    if (!team)
        return "";
    for (size_t i = 0; i < sizeof(teams) / sizeof(teams[0]); i++)
        if (strcasecmp(team, teams[i].key) == 0)
            return teams[i].name[lang == JM_LANG_VI];
    return team;
}

const char *jm__map_lane_name(enum jm_map_lane_kind kind, enum jm_lang lang)
{
    static const char *const names[][JM_LANG__COUNT] = {
        [JM_MAP_LANE_TEXT] = {"", ""},
        [JM_MAP_LANE_TOUCHPOINTS] = {"Touchpoints", "Điểm chạm"},
        [JM_MAP_LANE_CHANNELS] = {"Channels", "Kênh"},
        [JM_MAP_LANE_EMOTION] = {"Emotion curve", "Đường cảm xúc"},
        [JM_MAP_LANE_KPIS] = {"KPIs", "Chỉ số KPI"},
        [JM_MAP_LANE_DMU] = {"Buying committee", "Nhóm ra quyết định"},
        [JM_MAP_LANE_VOICE] = {"Voice of the customer", "Tiếng nói khách hàng"},
    };
    return names[kind][lang == JM_LANG_VI];
}
