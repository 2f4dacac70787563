/*
 * A hand-built journey map for the renderer tests (test_render.c, test_raster.c), so they run
 * without a dataset or the map builder.
 *
 *   struct jm_map *m = fixture_map(FIXTURE_VI);   // or FIXTURE_EN, FIXTURE_HOSTILE
 *   ... render m, mutate it (m->state, m->panels, stages[i].in_view) as a test needs ...
 *   fixture_free(m);
 *
 * The map: 5 stages (Nhận biết, Cân nhắc, Khoảnh khắc sự thật, Triển khai, Gắn bó & giới thiệu)
 * owned by three teams, so two handoffs; every lane kind (the 11 text lanes, touchpoints,
 * channels, the emotion curve, KPIs, DMU); text cells with future-state items and notes, one
 * long unbreakable URL; KPIs of every status (and a touchpoint KPI); an emotion curve with a
 * peak, a valley, measured and authored points, a future curve and a stage without a value;
 * flows of every kind (entries into three stages, forward moves, two skips, two backward moves,
 * drop-offs); five break points (one without a stage); four stalled or silent units; two
 * personas (a company and a person, the latter matching the filter); a Voice lane and every
 * insight panel (attribution, paths, a retention triangle, voice with SLA rows, the four
 * questions). All panels are on.
 *
 * FIXTURE_HOSTILE has the same numbers, but EVERY string, keys and UI phrases included, is one
 * of fixture_hostile[] in turn: markup, attribute breakouts, "javascript:", "]]>", "&amp;",
 * control characters and invalid UTF-8.
 *
 * Everything lives in m->arena; the struct itself comes from jm_calloc. fixture_free() releases
 * both (it does not call jm_map_free, so the fixture does not depend on the map builder).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_TEST_MAP_FIXTURE_H
#define JM_TEST_MAP_FIXTURE_H

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "journeymap/map.h"

enum fixture_kind { FIXTURE_VI, FIXTURE_EN, FIXTURE_HOSTILE };

/* Hostile strings, in the order the hostile fixture hands them out. */
static const char *const fixture_hostile[] = {
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "<svg onload=alert(1)>",
    "]]>",
    "&amp;",
    "bad \xff\xfe utf-8 \xc3\x28 and \xe2\x82 cut",
    "' onmouseover='alert(1)' x='",
    "</text></svg><script>alert(2)</script>",
    "ctl\x01\x1b[31m\x7f chars",
    "<!-- <![CDATA[ x ]]> -->",
    "url(javascript:alert(3))",
};
#define FIXTURE_N_HOSTILE (sizeof(fixture_hostile) / sizeof(fixture_hostile[0]))

static const char *const fixture_ui_vi[JM_UI__COUNT] = {
    "bản đồ hành trình",
    "Toàn bộ bản đồ",
    "Giai đoạn",
    "toàn thời gian",
    "Dữ liệu đến",
    "tài khoản",
    "Phân khúc",
    "Giai đoạn",
    "Phụ trách",
    "đã đến",
    "chuyển đổi",
    "tỷ lệ chuyển đổi",
    "Trung vị số ngày trong giai đoạn",
    "ngày",
    "Rời bỏ",
    "Bỏ qua",
    "Đang ở giai đoạn",
    "Phễu chuyển đổi",
    "Dòng chuyển giữa các giai đoạn",
    "tiến tới",
    "nhảy cóc",
    "quay lại",
    "(bắt đầu)",
    "rời khỏi hành trình",
    "Điểm gãy",
    "Không có điểm gãy nổi bật.",
    "Đình trệ và im lặng",
    "đình trệ",
    "im lặng",
    "ngày trong giai đoạn",
    "ngày im lặng",
    "lần chạm cuối",
    "Không có tài khoản đình trệ hay im lặng.",
    "Chân dung khách hàng",
    "mục tiêu",
    "đạt",
    "gần đạt",
    "chưa đạt",
    "chưa có dữ liệu",
    "đo được",
    "ước lượng",
    "đỉnh",
    "đáy",
    "khảo sát",
    "sự kiện",
    "Hiện tại",
    "Tương lai",
    "bàn giao",
    "vai trò chính",
    "Tạo bằng journeymap",
    "Điều gì mang lại hợp đồng",
    "Các hành trình phổ biến nhất đến mục tiêu",
    "Giữ chân khách hàng và doanh thu",
    "Tiếng nói khách hàng",
    "Bốn câu hỏi",
    "Kênh",
    "Hành trình",
    "tỷ lệ",
    "Nhóm khách hàng",
    "số tháng kể từ hóa đơn đầu tiên",
    "tỷ lệ giữ chân doanh thu gộp",
    "tỷ lệ giữ chân doanh thu ròng",
    "giá trị vòng đời",
    "câu trả lời",
    "Mức ưu tiên",
    "phiếu hỗ trợ",
    "phản hồi đầu tiên trễ hạn",
    "giải quyết trễ hạn",
    "Vi phạm SLA theo mức ưu tiên",
};

static const char *const fixture_ui_en[JM_UI__COUNT] = {
    "journey map",
    "Full map",
    "Period",
    "all time",
    "Data as of",
    "accounts",
    "Segment",
    "Stage",
    "Owner",
    "reached",
    "converted",
    "conversion",
    "Median days in stage",
    "days",
    "Dropped",
    "Skipped",
    "In stage now",
    "Funnel",
    "Flows between stages",
    "forward",
    "skip",
    "back",
    "(start)",
    "dropped out",
    "Break points",
    "No break points stand out.",
    "Stalled and silent",
    "stalled",
    "silent",
    "days in stage",
    "days silent",
    "last touch",
    "No stalled or silent accounts.",
    "Personas",
    "target",
    "met",
    "near target",
    "missed",
    "no data",
    "measured",
    "authored",
    "peak",
    "valley",
    "surveys",
    "events",
    "Today",
    "Future",
    "handoff",
    "key role",
    "Made with journeymap",
    "What wins deals",
    "Most common paths to the goal",
    "Retention and revenue",
    "Voice of the customer",
    "The four questions",
    "Channel",
    "Path",
    "share",
    "Cohort",
    "months since the first invoice",
    "gross revenue retention",
    "net revenue retention",
    "lifetime value",
    "answers",
    "Priority",
    "tickets",
    "first response late",
    "resolution late",
    "SLA breaches by priority",
};

struct fixture_ctx {
    struct jm_arena *a;
    bool hostile, en;
    unsigned next;
};

/* `vi` (or `en` in the English fixture), copied into the arena; a hostile string instead. */
static inline const char *fixture_str(struct fixture_ctx *f, const char *vi, const char *en)
{
    if (f->hostile)
        return fixture_hostile[f->next++ % FIXTURE_N_HOSTILE];
    return jm_arena_strdup(f->a, f->en && en ? en : vi);
}

/* A NULL-free list of n strings; `vi` and `en` hold n entries each (en may be NULL). */
static inline const char **fixture_list(struct fixture_ctx *f, size_t n, const char *const *vi,
                                        const char *const *en)
{
    const char **v = jm_arena_alloc(f->a, (n ? n : 1) * sizeof(*v));
    for (size_t i = 0; v && i < n; i++)
        v[i] = fixture_str(f, vi[i], en ? en[i] : NULL);
    return v;
}

#define FIXTURE_LIST(f, vi, en) fixture_list(f, sizeof(vi) / sizeof(vi[0]), vi, en)

static inline void fixture_lanes(struct fixture_ctx *f, struct jm_map *m)
{
    static const struct {
        enum jm_map_lane_kind kind;
        enum jm_lane lane;
        const char *key, *vi, *en;
    } lanes[] = {
        {JM_MAP_LANE_TEXT, JM_LANE_THINKING, "thinking", "Khách hàng nghĩ gì", "Thinking"},
        {JM_MAP_LANE_TEXT, JM_LANE_GOALS, "goals", "Mục tiêu của khách hàng", "Customer goals"},
        {JM_MAP_LANE_TEXT, JM_LANE_ACTIONS, "actions", "Hành động", "Actions"},
        {JM_MAP_LANE_TOUCHPOINTS, JM_LANE_THINKING, "touchpoints", "Điểm chạm", "Touchpoints"},
        {JM_MAP_LANE_CHANNELS, JM_LANE_THINKING, "channels", "Kênh", "Channels"},
        {JM_MAP_LANE_TEXT, JM_LANE_QUESTIONS, "questions", "Câu hỏi", "Questions"},
        {JM_MAP_LANE_TEXT, JM_LANE_PAIN_POINTS, "pain_points", "Điểm đau", "Pain points"},
        {JM_MAP_LANE_TEXT, JM_LANE_EMOTIONS, "emotions", "Cảm xúc", "Emotions"},
        {JM_MAP_LANE_EMOTION, JM_LANE_THINKING, "emotion", "Đường cảm xúc", "Emotion curve"},
        {JM_MAP_LANE_VOICE, JM_LANE_THINKING, "voice", "Tiếng nói khách hàng",
         "Voice of the customer"},
        {JM_MAP_LANE_TEXT, JM_LANE_INFORMATION, "information", "Thông tin cần", "Information"},
        {JM_MAP_LANE_TEXT, JM_LANE_MOMENTS_OF_TRUTH, "moments_of_truth", "Khoảnh khắc quyết định",
         "Moments of truth"},
        {JM_MAP_LANE_KPIS, JM_LANE_THINKING, "kpis", "Chỉ số KPI", "KPIs"},
        {JM_MAP_LANE_DMU, JM_LANE_THINKING, "dmu", "Nhóm ra quyết định", "Buying committee"},
        {JM_MAP_LANE_TEXT, JM_LANE_OUR_GOALS, "our_goals", "Mục tiêu của chúng ta", "Our goals"},
        {JM_MAP_LANE_TEXT, JM_LANE_OUR_ACTIONS, "our_actions", "Việc chúng ta làm", "Our actions"},
        {JM_MAP_LANE_TEXT, JM_LANE_OPPORTUNITIES, "opportunities", "Cơ hội cải thiện",
         "Opportunities"},
    };
    m->n_lanes = sizeof(lanes) / sizeof(lanes[0]);
    m->lanes = jm_arena_alloc(f->a, sizeof(lanes) / sizeof(lanes[0]) * sizeof(*m->lanes));
    for (size_t i = 0; m->lanes && i < m->n_lanes; i++) {
        m->lanes[i].kind = lanes[i].kind;
        m->lanes[i].lane = lanes[i].lane;
        m->lanes[i].key = fixture_str(f, lanes[i].key, NULL);
        m->lanes[i].name = fixture_str(f, lanes[i].vi, lanes[i].en);
    }
}

/* The text of lane `lane` in stage `i`: 1-3 lines, some stages with a future state. */
static inline void fixture_cells(struct fixture_ctx *f, struct jm_map_stage *st, size_t i)
{
    static const char *const vi[5][3] = {
        {"Chi phí báo cáo thủ công đang quá cao", "Có công cụ nào hợp với đội nhỏ không?",
         "Đọc bài viết so sánh trên blog"},
        {"Cần bằng chứng ROI trước khi trình sếp", "Ai trong công ty sẽ dùng hằng ngày?",
         "Xem tài liệu tích hợp: https://acme.example.com/tai-lieu/huong-dan-tich-hop-chi-tiet"},
        {"Giá có nằm trong ngân sách quý này không?", "Pháp chế cần xem lại điều khoản dữ liệu",
         "Ký hợp đồng thử nghiệm 3 tháng"},
        {"Đội ngũ có kịp học cách dùng không?", "Dữ liệu cũ có chuyển sang được không?",
         "Tham gia buổi đào tạo trực tuyến"},
        {"Sẵn sàng giới thiệu cho đối tác", "Muốn mở rộng sang chi nhánh khác",
         "Viết đánh giá trên G2"},
    };
    static const char *const en[5][3] = {
        {"Manual reporting costs too much", "Is there a tool that fits a small team?",
         "Reads a comparison post on the blog"},
        {"Needs ROI proof before pitching the boss", "Who will use it every day?",
         "Reads the integration docs: https://acme.example.com/docs/integration-guide-in-detail"},
        {"Does the price fit this quarter's budget?", "Legal must review the data terms",
         "Signs a 3-month pilot"},
        {"Can the team learn it in time?", "Can old data be migrated?",
         "Joins the online training"},
        {"Ready to refer partners", "Wants to expand to another branch", "Writes a G2 review"},
    };
    static const char *const future_vi[] = {"Máy tính ROI tự động trên trang giá",
                                            "Tài khoản dùng thử có sẵn dữ liệu mẫu"};
    static const char *const future_en[] = {"An automatic ROI calculator on the pricing page",
                                            "Trial accounts come with sample data"};
    static const char *const notes_vi[] = {"Ghi chú từ phỏng vấn: 7/10 khách nhắc đến giá"};
    static const char *const notes_en[] = {"Interview note: 7 of 10 customers mention price"};
    for (int l = 0; l < JM_LANE__COUNT; l++) {
        struct jm_map_cell *c = &st->cells[l];
        size_t n = 1 + (size_t)(l + (int)i) % 3;
        const char *const *src_vi = vi[i];
        const char *const *src_en = en[i];
        if (l == JM_LANE_ACTIONS || l == JM_LANE_INFORMATION) { /* the long URL */
            c->n = 1;
            c->items = fixture_list(f, 1, src_vi + 2, src_en + 2);
        } else {
            c->n = n;
            c->items = fixture_list(f, n, src_vi, src_en);
        }
        if ((l == JM_LANE_PAIN_POINTS || l == JM_LANE_OPPORTUNITIES) && i < 2) {
            c->n_future = 2;
            c->future = FIXTURE_LIST(f, future_vi, future_en);
        }
        if (l == JM_LANE_PAIN_POINTS && i == 1) {
            c->n_notes = 1;
            c->notes = FIXTURE_LIST(f, notes_vi, notes_en);
        }
    }
}

static inline void fixture_touchpoints(struct fixture_ctx *f, struct jm_map_stage *st, size_t i)
{
    static const struct {
        const char *key, *vi, *en, *channel, *owner;
        uint64_t events;
    } tps[] = {
        {"blog", "Bài viết blog", "Blog post", "Organic Search", "marketing", 2900},
        {"webinar", "Webinar sản phẩm", "Product webinar", "Email", "marketing", 840},
        {"demo", "Buổi demo 1-1", "1:1 demo", "Direct", "sales", 310},
        {"quote", "Gửi báo giá", "Quote sent", "", "sales", 120},
        {"kickoff", "Họp khởi động", "Kickoff call", "Direct", "cs", 95},
        {"ticket", "Yêu cầu hỗ trợ", "Support ticket", "Support", "", 60},
    };
    size_t first = i, n = 2 + i % 2;
    st->n_touchpoints = n;
    st->touchpoints = jm_arena_alloc(f->a, n * sizeof(*st->touchpoints));
    uint64_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += tps[(first + k) % 6].events;
    for (size_t k = 0; st->touchpoints && k < n; k++) {
        struct jm_map_touchpoint *tp = &st->touchpoints[k];
        size_t t = (first + k) % 6;
        tp->key = fixture_str(f, tps[t].key, NULL);
        tp->name = fixture_str(f, tps[t].vi, tps[t].en);
        tp->channel = fixture_str(f, tps[t].channel, NULL);
        tp->owner = fixture_str(f, tps[t].owner, NULL);
        tp->events = tps[t].events;
        tp->share = (double)tps[t].events / (double)total;
    }
    static const char *const groups[] = {"Organic Search", "Email", "Paid Social", "Direct"};
    static const double shares[4][4] = {
        {0.52, 0.23, 0.17, 0.08}, {0.41, 0.39, 0.2, 0}, {0.7, 0.3, 0, 0}, {1, 0, 0, 0}};
    size_t nc = 4 - (i < 4 ? i : 3);
    st->n_channels = nc;
    st->channels = jm_arena_alloc(f->a, nc * sizeof(*st->channels));
    for (size_t k = 0; st->channels && k < nc; k++) {
        st->channels[k].label = fixture_str(f, groups[(k + i) % 4], NULL);
        st->channels[k].share = shares[4 - nc][k];
        st->channels[k].events = (uint64_t)(shares[4 - nc][k] * 1000);
    }
}

static inline void fixture_kpis(struct fixture_ctx *f, struct jm_map_stage *st, size_t i)
{
    static const struct {
        const char *vi, *en, *metric, *tp_vi, *tp_en;
        double measured, target;
        bool higher, percent;
        enum jm_map_status status;
        const char *mt, *tt;
    } k[] = {
        {"Tỷ lệ thành MQL", "MQL rate", "conversion_rate", NULL, NULL, 0.425, 0.4, true, true,
         JM_STATUS_MET, "42.5%", "40%"},
        {"Tỷ lệ chuyển đổi", "Conversion rate", "conversion_rate", NULL, NULL, 0.371, 0.4, true,
         true, JM_STATUS_NEAR, "37.1%", "40%"},
        {"Số ngày trung vị", "Median days", "median_days", NULL, NULL, 30.0, 21.0, false, false,
         JM_STATUS_MISSED, "30.0 ngày", "21 ngày"},
        {"Tỷ lệ kích hoạt", "Activation rate", "activation_rate", NULL, NULL, NAN, 0.8, true, true,
         JM_STATUS_NO_DATA, "\xe2\x80\x94", "80%"},
        {"Tỷ lệ tham dự", "Attendance rate", "touchpoint_rate", "Webinar sản phẩm",
         "Product webinar", 0.33, 0.35, true, true, JM_STATUS_NEAR, "33%", "35%"},
        {"Điểm NPS", "NPS", "nps", NULL, NULL, 42, 30, true, false, JM_STATUS_MET, "+42", "+30"},
    };
    size_t idx[5][2] = {{0, 4}, {1, 1}, {2, 2}, {3, 3}, {5, 5}};
    size_t n = idx[i][0] == idx[i][1] ? 1 : 2;
    st->n_kpis = n;
    st->kpis = jm_arena_alloc(f->a, n * sizeof(*st->kpis));
    for (size_t j = 0; st->kpis && j < n; j++) {
        struct jm_map_kpi *kp = &st->kpis[j];
        size_t t = idx[i][j];
        kp->name = fixture_str(f, k[t].vi, k[t].en);
        kp->metric = fixture_str(f, k[t].metric, NULL);
        kp->touchpoint = k[t].tp_vi ? fixture_str(f, k[t].tp_vi, k[t].tp_en) : NULL;
        kp->measured = k[t].measured;
        kp->target = k[t].target;
        kp->higher_is_better = k[t].higher;
        kp->percent = k[t].percent;
        kp->status = k[t].status;
        kp->measured_text = fixture_str(f, k[t].mt, f->en && t == 2 ? "30.0 days" : NULL);
        kp->target_text = fixture_str(f, k[t].tt, f->en && t == 2 ? "21 days" : NULL);
    }
}

static inline void fixture_roles(struct fixture_ctx *f, struct jm_map_stage *st, size_t i)
{
    static const struct {
        const char *key, *vi, *en;
    } r[] = {
        {"decider", "Người quyết định", "Decider"},
        {"champion", "Người đề xuất", "Champion"},
        {"user", "Người dùng", "User"},
        {"researcher", "Người đánh giá kỹ thuật", "Technical evaluator"},
        {"influencer", "Người ảnh hưởng", "Influencer"},
        {"finance", "Kiểm soát tài chính", "Finance gatekeeper"},
    };
    st->n_roles = 6;
    st->roles = jm_arena_alloc(f->a, 6 * sizeof(*st->roles));
    for (size_t k = 0; st->roles && k < 6; k++) {
        st->roles[k].key = fixture_str(f, r[k].key, NULL);
        st->roles[k].name = fixture_str(f, r[k].vi, r[k].en);
        st->roles[k].key_role = k < 1 + i % 3;
        st->roles[k].coverage = fmod(0.92 - 0.13 * (double)k + 0.07 * (double)i, 1.0);
    }
}

static inline void fixture_stages(struct fixture_ctx *f, struct jm_map *m)
{
    static const struct {
        const char *key, *vi, *en, *owner, *owner_vi, *owner_en;
        uint64_t reached, converted, dropped, skipped, now_in, idle;
        double median, emotion, future;
        bool measured;
        int mark;
        uint64_t surveys, sentiment;
        double nps, mean_sentiment;
    } s[] = {
        {"awareness", "Nhận biết", "Awareness", "marketing", "Marketing", "Marketing", 1240,
         610,         540,         90,          85,          12,          11.5,        0.3,
         0.5,         true,        0,           0,           320,         NAN,         0.31},
        {"consideration",
         "Cân nhắc",
         "Consideration",
         "marketing",
         "Marketing",
         "Marketing",
         700,
         260,
         380,
         15,
         140,
         31,
         21.3,
         -0.45,
         0.1,
         false,
         -1,
         14,
         0,
         -12,
         NAN},
        {"moment_of_truth",
         "Khoảnh khắc sự thật",
         "Moment of truth",
         "sales",
         "Kinh doanh",
         "Sales",
         330,
         150,
         170,
         0,
         60,
         9,
         30.0,
         0.1,
         0.35,
         true,
         0,
         6,
         80,
         10,
         0.05},
        {"onboarding",
         "Triển khai",
         "Onboarding",
         "cs",
         "Chăm sóc khách hàng",
         "Customer success",
         150,
         120,
         30,
         0,
         22,
         2,
         18.0,
         0.75,
         0.8,
         true,
         1,
         40,
         210,
         42,
         0.52},
        {"loyalty",
         "Gắn bó & giới thiệu",
         "Loyalty & advocacy",
         "cs",
         "Chăm sóc khách hàng",
         "Customer success",
         120,
         0,
         0,
         0,
         120,
         0,
         NAN,
         NAN,
         0.9,
         false,
         0,
         0,
         0,
         NAN,
         NAN},
    };
    m->n_stages = 5;
    m->stages = jm_arena_alloc(f->a, 5 * sizeof(*m->stages));
    for (size_t i = 0; m->stages && i < 5; i++) {
        struct jm_map_stage *st = &m->stages[i];
        st->key = fixture_str(f, s[i].key, NULL);
        st->name = fixture_str(f, s[i].vi, s[i].en);
        st->owner = fixture_str(f, s[i].owner, NULL);
        st->owner_name = fixture_str(f, s[i].owner_vi, s[i].owner_en);
        st->in_view = true;
        st->active = i < 4;
        st->handoff = i == 1 || i == 2;
        st->reached = s[i].reached;
        st->converted = s[i].converted;
        st->dropped = s[i].dropped;
        st->skipped = s[i].skipped;
        st->entered = s[i].reached;
        st->now_in = s[i].now_in;
        st->idle = s[i].idle;
        st->rate = s[i].converted ? (double)s[i].converted / (double)s[i].reached : NAN;
        st->in_stage.count = isfinite(s[i].median) ? s[i].converted : 0;
        st->in_stage.mean = s[i].median * 1.2;
        st->in_stage.median = s[i].median;
        st->in_stage.p75 = s[i].median * 1.6;
        st->in_stage.p90 = s[i].median * 2.3;
        st->emotion = s[i].emotion;
        st->emotion_measured = s[i].measured;
        st->future_emotion = s[i].future;
        st->emotion_mark = s[i].mark;
        st->n_surveys = s[i].surveys;
        st->n_sentiment = s[i].sentiment;
        st->nps = s[i].nps;
        st->sentiment = s[i].mean_sentiment;
        st->events = 1000 * (5 - i);
        fixture_touchpoints(f, st, i);
        fixture_kpis(f, st, i);
        fixture_roles(f, st, i);
        fixture_cells(f, st, i);
    }
    m->stages[4].emotion = 0.5; /* authored, at the end of the curve */
    m->stages[3].handoff = false;
    /* The owning teams, in the order they first own a stage (as jm_map_build lists them). */
    m->teams = jm_arena_alloc(f->a, 5 * sizeof(*m->teams));
    for (size_t i = 0; m->stages && m->teams && i < 5; i++) {
        const struct jm_map_stage *st = &m->stages[i];
        bool known = false;
        for (size_t t = 0; t < m->n_teams; t++)
            known |= strcmp(m->teams[t].key, st->owner) == 0;
        if (!known)
            m->teams[m->n_teams++] = (struct jm_map_team){st->owner, st->owner_name};
    }
}

static inline void fixture_flows(struct fixture_ctx *f, struct jm_map *m)
{
    static const struct jm_map_flow flows[] = {
        {JM_FLOW_ENTER, JM_NONE, 0, 1150}, {JM_FLOW_ENTER, JM_NONE, 1, 90},
        {JM_FLOW_ENTER, JM_NONE, 2, 10},   {JM_FLOW_FORWARD, 0, 1, 610},
        {JM_FLOW_FORWARD, 1, 2, 260},      {JM_FLOW_FORWARD, 2, 3, 150},
        {JM_FLOW_FORWARD, 3, 4, 120},      {JM_FLOW_SKIP, 0, 2, 60},
        {JM_FLOW_SKIP, 1, 3, 15},          {JM_FLOW_BACK, 2, 1, 45},
        {JM_FLOW_BACK, 3, 1, 8},           {JM_FLOW_DROP, 0, JM_NONE, 540},
        {JM_FLOW_DROP, 1, JM_NONE, 380},   {JM_FLOW_DROP, 2, JM_NONE, 170},
        {JM_FLOW_DROP, 3, JM_NONE, 30},
    };
    m->n_flows = sizeof(flows) / sizeof(flows[0]);
    m->flows = jm_arena_alloc(f->a, sizeof(flows));
    if (m->flows)
        memcpy(m->flows, flows, sizeof(flows));
}

static inline void fixture_breaks(struct fixture_ctx *f, struct jm_map *m)
{
    static const struct {
        const char *kind;
        uint32_t stage;
        double severity;
        const char *h_vi, *h_en, *t_vi, *t_en;
    } b[] = {
        {"drop", 1, 0.82, "Cân nhắc mất 54% tài khoản", "Consideration loses 54%",
         "380 trong 700 tài khoản dừng ở Cân nhắc; tỷ lệ chuyển đổi 37,1% thấp hơn mục tiêu 40%.",
         "380 of 700 accounts stop at Consideration; conversion 37.1% is below the 40% target."},
        {"kpi", 2, 0.61, "Chu kỳ quyết định dài hơn mục tiêu", "Decision takes longer than target",
         "Trung vị 30 ngày so với mục tiêu 21 ngày.", "Median 30 days against a 21-day target."},
        {"dmu", 2, 0.42, "Thiếu người kiểm soát tài chính", "No finance gatekeeper engaged",
         "Chỉ 12% tài khoản có người phụ trách tài chính tham gia trước khi ký.",
         "Only 12% of accounts involve finance before signing."},
        {"last_touch", 1, 0.27, "Im lặng sau khi gửi báo giá", "Silence after the quote",
         "41% tài khoản rời bỏ có điểm chạm cuối là \"Gửi báo giá\".",
         "41% of dropped accounts last touched \"Quote sent\"."},
        {"stall", JM_NONE, 0.15, "12 tài khoản đình trệ", "12 accounts stalled",
         "Chờ lâu hơn p90 của giai đoạn hiện tại.", "Waiting longer than their stage's p90."},
    };
    m->n_breaks = 5;
    m->breaks = jm_arena_alloc(f->a, 5 * sizeof(*m->breaks));
    for (size_t i = 0; m->breaks && i < 5; i++) {
        m->breaks[i].kind = fixture_str(f, b[i].kind, NULL);
        m->breaks[i].stage = b[i].stage;
        m->breaks[i].severity = b[i].severity;
        m->breaks[i].headline = fixture_str(f, b[i].h_vi, b[i].h_en);
        m->breaks[i].text = fixture_str(f, b[i].t_vi, b[i].t_en);
    }
}

static inline void fixture_idle(struct fixture_ctx *f, struct jm_map *m)
{
    static const struct {
        const char *id, *name;
        uint32_t stage;
        bool silent;
        double days_in, days_silent;
        const char *last, *tp_vi, *tp_en;
    } u[] = {
        {"acc-0042", "Công ty TNHH Sao Việt", 1, true, 64.5, 41.2, "2025-11-20", "Gửi báo giá",
         "Quote sent"},
        {"acc-0107", "Minh Phát Logistics", 2, false, 52.0, 6.5, "2025-12-25", "Buổi demo 1-1",
         "1:1 demo"},
        {"acc-0311", "acc-0311", 0, true, 38.9, 38.9, "", "", ""},
        {"acc-0520", "Nhà máy Đông Á", 3, false, 29.3, 3.0, "2025-12-28", "Họp khởi động",
         "Kickoff call"},
    };
    m->n_idle = 4;
    m->n_stalled = 12;
    m->n_silent = 7;
    m->idle = jm_arena_alloc(f->a, 4 * sizeof(*m->idle));
    for (size_t i = 0; m->idle && i < 4; i++) {
        m->idle[i].id = fixture_str(f, u[i].id, NULL);
        m->idle[i].name = fixture_str(f, u[i].name, NULL);
        m->idle[i].stage = u[i].stage;
        m->idle[i].silent = u[i].silent;
        m->idle[i].days_in_stage = u[i].days_in;
        m->idle[i].days_silent = u[i].days_silent;
        m->idle[i].last_touch = fixture_str(f, u[i].last, NULL);
        m->idle[i].last_touchpoint = fixture_str(f, u[i].tp_vi, u[i].tp_en);
    }
}

static inline void fixture_personas(struct fixture_ctx *f, struct jm_map *m)
{
    static const char *const goals_vi[] = {"Giảm 50% thời gian làm báo cáo",
                                           "Một nguồn số liệu chung cho mọi phòng ban"};
    static const char *const goals_en[] = {"Halve the time spent on reports",
                                           "One source of numbers for every team"};
    static const char *const fears_vi[] = {"Triển khai kéo dài, tốn nhân lực",
                                           "Dữ liệu khách hàng rời khỏi Việt Nam",
                                           "Chi phí tăng khi mở rộng người dùng"};
    static const char *const fears_en[] = {
        "A long, costly rollout", "Customer data leaving Vietnam", "Costs rising as users grow"};
    m->n_personas = 2;
    m->personas = jm_arena_alloc(f->a, 2 * sizeof(*m->personas));
    if (!m->personas)
        return;
    for (size_t i = 0; i < 2; i++) {
        struct jm_map_persona *p = &m->personas[i];
        p->key = fixture_str(f, i ? "ops_lead" : "midsize_software", NULL);
        p->name = i ? fixture_str(f, "Chị Lan, Trưởng phòng vận hành", "Lan, head of operations")
                    : fixture_str(f, "Doanh nghiệp phần mềm vừa", "Mid-size software firm");
        p->kind = fixture_str(f, i ? "person" : "company", NULL);
        p->subtitle =
            i ? fixture_str(f, "Người quyết định", "Decider")
              : fixture_str(f, "Phần mềm · 200-1000 · Việt Nam", "Software · 200-1000 · Vietnam");
        p->description =
            i ? fixture_str(f,
                            "Chịu trách nhiệm về hiệu quả vận hành, ra quyết định cuối cùng "
                            "khi ngân sách dưới 500 triệu đồng.",
                            "Owns operational efficiency; has the final word under a 20k USD "
                            "budget.")
              : fixture_str(f,
                            "Công ty 200-1000 nhân sự, đã có CRM nhưng báo cáo vẫn làm bằng "
                            "bảng tính.",
                            "200-1000 staff, a CRM in place, reports still in spreadsheets.");
        p->matches_filter = i == 1;
        p->n_sections = 2;
        p->sections = jm_arena_alloc(f->a, 2 * sizeof(*p->sections));
        if (!p->sections)
            return;
        p->sections[0].title = fixture_str(f, "Mục tiêu", "Goals");
        p->sections[0].n = 2;
        p->sections[0].items = FIXTURE_LIST(f, goals_vi, goals_en);
        p->sections[1].title = fixture_str(f, "Nỗi lo", "Worries");
        p->sections[1].n = 3;
        p->sections[1].items = FIXTURE_LIST(f, fears_vi, fears_en);
    }
}

/* The Voice lane's numbers: stages 0-2 have answers, the others none. */
static inline void fixture_voice_lane(struct jm_map *m)
{
    static const struct jm_score_summary nps = {12, 7.9, 0.5, 0.25, 25.0};
    static const struct jm_score_summary csat = {8, 4.1, 0.75, 0.125, NAN};
    static const struct jm_score_summary ces = {5, 5.2, 0.6, 0.2, NAN};
    for (size_t i = 0; i < m->n_stages && i < 3; i++) {
        m->stages[i].voice[JM_SURVEY_NPS] = nps;
        if (i > 0)
            m->stages[i].voice[JM_SURVEY_CSAT] = csat;
        if (i > 1)
            m->stages[i].voice[JM_SURVEY_CES] = ces;
    }
}

static inline void fixture_attribution(struct fixture_ctx *f, struct jm_map *m)
{
    static const char *const names[JM_MAP_ATTR_MODELS][2] = {{"Điểm chạm đầu tiên", "First touch"},
                                                             {"Hình chữ W", "W-shaped"},
                                                             {"Tuyến tính", "Linear"},
                                                             {"Markov", "Markov"}};
    static const char *const channels[] = {"Organic Search", "Paid Social", "Email"};
    struct jm_map_attribution *a = jm_arena_alloc(f->a, sizeof(*a));
    if (!a)
        return;
    a->conversions = 40;
    a->with_touches = 38;
    a->lookback_days = 365;
    a->no_touch = 2;
    a->note =
        fixture_str(f, "40 hợp đồng thắng, nhìn lại 365 ngày", "40 won deals, 365-day lookback");
    for (size_t k = 0; k < JM_MAP_ATTR_MODELS; k++) {
        a->models[k] =
            (enum jm_attr_model[]){JM_ATTR_FIRST, JM_ATTR_W, JM_ATTR_LINEAR, JM_ATTR_MARKOV}[k];
        a->model_names[k] = fixture_str(f, names[k][0], names[k][1]);
    }
    a->n_rows = 3;
    a->rows = jm_arena_alloc(f->a, 3 * sizeof(*a->rows));
    for (size_t i = 0; a->rows && i < 3; i++) {
        a->rows[i].key = fixture_str(f, channels[i], NULL);
        a->rows[i].converting = 30 - 10 * i;
        for (size_t k = 0; k < JM_MAP_ATTR_MODELS; k++) {
            a->rows[i].credit[k] = 20.0 - 5.0 * (double)i - (double)k;
            a->rows[i].share[k] = a->rows[i].credit[k] / 40;
        }
    }
    m->attribution = a;
}

static inline void fixture_paths(struct fixture_ctx *f, struct jm_map *m)
{
    static const char *const steps_vi[] = {"Bài blog", "Trang giá", "Demo"};
    static const char *const steps_en[] = {"Blog post", "Pricing page", "Demo"};
    struct jm_map_paths *p = jm_arena_alloc(f->a, sizeof(*p));
    if (!p)
        return;
    p->from = fixture_str(f, "awareness", NULL);
    p->to = fixture_str(f, "customer", NULL);
    p->units = 50;
    p->distinct = 9;
    p->note = fixture_str(f, "50 tài khoản đi từ Nhận biết đến Khách hàng",
                          "50 accounts went from Awareness to Customer");
    p->n_paths = 2;
    p->paths = jm_arena_alloc(f->a, 2 * sizeof(*p->paths));
    for (size_t i = 0; p->paths && i < 2; i++) {
        p->paths[i].n_steps = 3 - i;
        p->paths[i].steps = fixture_list(f, 3 - i, steps_vi, steps_en);
        p->paths[i].units = 20 - 8 * i;
        p->paths[i].share = (double)p->paths[i].units / 50;
        p->paths[i].median_days = 30.5 + (double)i;
    }
    m->paths = p;
}

static inline void fixture_retention(struct fixture_ctx *f, struct jm_map *m)
{
    struct jm_map_retention *r = jm_arena_alloc(f->a, sizeof(*r));
    if (!r)
        return;
    r->n_cohorts = 3;
    r->cohorts = jm_arena_alloc(f->a, 3 * sizeof(*r->cohorts));
    for (size_t i = 0; r->cohorts && i < 3; i++) {
        struct jm_map_cohort *c = &r->cohorts[i];
        c->label = fixture_str(f, (const char *[]){"2025-01", "2025-02", "2025-03"}[i], NULL);
        c->accounts = 10 + i;
        c->start_mrr = 1000;
        c->n_months = 12 - i;
        for (size_t k = 0; k < c->n_months; k++)
            c->nrr[k] = 1.0 + 0.02 * (double)k - 0.05 * (double)i;
    }
    r->months = 11;
    r->nrr = 1.12;
    r->grr = 0.91;
    r->ltv = 15400;
    r->monthly_logo_churn = 0.02;
    r->note = fixture_str(f, "NRR của mỗi nhóm theo tháng bắt đầu", "NRR of each cohort");
    m->retention = r;
}

static inline void fixture_voice(struct fixture_ctx *f, struct jm_map *m)
{
    struct jm_map_voice *v = jm_arena_alloc(f->a, sizeof(*v));
    if (!v)
        return;
    v->all[JM_SURVEY_NPS] = (struct jm_score_summary){40, 8.0, 0.5, 0.2, 30.0};
    v->all[JM_SURVEY_CSAT] = (struct jm_score_summary){20, 4.2, 0.8, 0.1, NAN};
    v->all[JM_SURVEY_CES] = (struct jm_score_summary){10, 5.5, 0.7, 0.1, NAN};
    v->n_sla = 2;
    v->sla = jm_arena_alloc(f->a, 2 * sizeof(*v->sla));
    for (size_t i = 0; v->sla && i < 2; i++) {
        v->sla[i].key = i ? "urgent" : "high";
        v->sla[i].name = fixture_str(f, i ? "Khẩn cấp" : "Cao", i ? "Urgent" : "High");
        v->sla[i].tickets = 10;
        v->sla[i].response_breaches = 2 + i;
        v->sla[i].resolution_breaches = 1;
        v->sla[i].response_rate = (double)(2 + i) / 10;
        v->sla[i].resolution_rate = 0.1;
    }
    m->voice = v;
}

static inline void fixture_questions(struct fixture_ctx *f, struct jm_map *m)
{
    static const char *const q[4][3] = {
        {"Khách hàng gặp chúng ta lần đầu ở đâu?", "Organic Search", "42% trong 120 tài khoản"},
        {"Bao lâu thì họ mua?", "34.0 ngày", "trung vị; 12 tài khoản đã mua"},
        {"Khi nào và vì sao họ rời đi?", "8.3% rời bỏ", "3 trên 36 khách hàng; lý do: Giá"},
        {"Họ xem đi xem lại gì trước khi mua?", "/pricing", "5 khách hàng đã mua"},
    };
    static const char *const q_en[4][3] = {
        {"Where do accounts first meet us?", "Organic Search", "first touch of 42% of 120"},
        {"How long until they buy?", "34.0 days", "median; 12 accounts bought"},
        {"When and why do they leave?", "8.3% churned", "3 of 36 customers; top reason: Price"},
        {"What do they look at again and again before buying?", "/pricing", "5 buyers"},
    };
    static const char *const keys[4] = {"first_touch", "time_to_buy", "churn", "before_buying"};
    struct jm_map_questions *x = jm_arena_alloc(f->a, sizeof(*x));
    if (!x)
        return;
    for (size_t i = 0; i < 4; i++) {
        x->answers[i].key = keys[i];
        x->answers[i].question = fixture_str(f, q[i][0], q_en[i][0]);
        x->answers[i].answer = fixture_str(f, q[i][1], q_en[i][1]);
        x->answers[i].detail = fixture_str(f, q[i][2], q_en[i][2]);
    }
    x->met = 120;
    x->churn_rate = 3.0 / 36;
    x->median_days_to_buy = 34;
    m->questions = x;
}

/* Every insight panel, on. */
static inline void fixture_insights(struct fixture_ctx *f, struct jm_map *m)
{
    fixture_voice_lane(m);
    fixture_attribution(f, m);
    fixture_paths(f, m);
    fixture_retention(f, m);
    fixture_voice(f, m);
    fixture_questions(f, m);
    m->panels.attribution = m->panels.paths = m->panels.retention = true;
    m->panels.voice = m->panels.questions = true;
}

/* Returns the fixture map (NULL when out of memory); free it with fixture_free(). */
static inline struct jm_map *fixture_map(enum fixture_kind kind)
{
    struct jm_map *m = jm_calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    jm_arena_init(&m->arena);
    struct fixture_ctx f = {&m->arena, kind == FIXTURE_HOSTILE, kind == FIXTURE_EN, 0};
    m->lang = kind == FIXTURE_EN ? JM_LANG_EN : JM_LANG_VI;
    m->lang_code = fixture_str(&f, kind == FIXTURE_EN ? "en" : "vi", NULL);
    m->view = JM_VIEW_FULL;
    m->view_key = fixture_str(&f, "full", NULL);
    m->state = JM_STATE_CURRENT;
    m->title = fixture_str(&f, "Acme Analytics — Hành trình khách hàng B2B",
                           "Acme Analytics — B2B customer journey");
    m->journey_key = fixture_str(&f, "b2b", NULL);
    m->journey_name = fixture_str(&f, "Hành trình B2B", "B2B journey");
    m->level = fixture_str(&f, "account", NULL);
    m->period_text = fixture_str(&f, "2025-01-01 – 2025-12-31", NULL);
    m->from = INT64_C(1735689600000000);
    m->to = INT64_C(1767225600000000);
    m->as_of = m->to;
    m->as_of_text = fixture_str(&f, "2025-12-31", NULL);
    m->filter_text = fixture_str(&f, "ngành = Phần mềm", "industry = Software");
    m->units = 1240;
    for (int k = 0; k < JM_UI__COUNT; k++)
        m->ui[k] = fixture_str(&f, fixture_ui_vi[k], fixture_ui_en[k]);
    m->panels.funnel = m->panels.flows = m->panels.breaks = true;
    m->panels.idle = m->panels.personas = true;
    fixture_lanes(&f, m);
    fixture_stages(&f, m);
    fixture_flows(&f, m);
    fixture_breaks(&f, m);
    fixture_idle(&f, m);
    fixture_personas(&f, m);
    fixture_insights(&f, m);
    if (m->arena.failed) {
        jm_arena_release(&m->arena);
        jm_free(m);
        return NULL;
    }
    return m;
}

static inline void fixture_free(struct jm_map *m)
{
    if (!m)
        return;
    jm_arena_release(&m->arena);
    jm_free(m);
}

#endif /* JM_TEST_MAP_FIXTURE_H */
