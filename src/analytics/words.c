/*
 * Break points in plain words, in English or Vietnamese: the sentence the CLI report prints and
 * the map's callouts show, and a short headline for the callout's title.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>

#include "analytics/internal.h"

/* The phrases are printf formats chosen by language; each language keeps the same conversions
 * in the same order, and the tests print every phrase in both languages. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

struct phrases {
    const char *accounts, *contacts;
    const char *drop, *last_seen, *dmu, *kpi, *stall;      /* sentences */
    const char *h_drop, *h_last, *h_dmu, *h_kpi, *h_stall; /* headlines */
};

static const struct phrases EN = {
    "accounts",
    "contacts",
    "%s loses %s of the %s that reach it (%llu of %llu).",
    "Of the %s that dropped out at %s, %s last saw \"%s\" (%llu of %llu).",
    "At %s, the %s is engaged in only %s of %s; %s convert with them, %s without.",
    "%s: %s is %s against a target of %s.",
    "%s: %s of the %s there now are stalled or silent (%llu of %llu).",
    "%s loses %s",
    "Last seen before leaving %s: %s",
    "%s: %s missing",
    "%s: %s misses its target",
    "%s: %s stalled or silent",
};

static const struct phrases VI = {
    "tài khoản",
    "liên hệ",
    "%s mất %s số %s đã đến giai đoạn này (%llu trên %llu).",
    "Trong số %s rời bỏ ở giai đoạn %s, %s có điểm chạm cuối cùng là \"%s\" (%llu trên %llu).",
    "Ở giai đoạn %s, vai trò %s chỉ tham gia ở %s số %s; có họ thì %s chuyển tiếp, không có "
    "thì %s.",
    "%s: %s đạt %s so với mục tiêu %s.",
    "%s: %s số %s đang ở đây bị chững lại hoặc im lặng (%llu trên %llu).",
    "%s mất %s",
    "Điểm chạm cuối trước khi rời %s: %s",
    "%s: thiếu %s",
    "%s: %s chưa đạt mục tiêu",
    "%s: %s chững lại hoặc im lặng",
};

static void percent(double x, char *buf, size_t cap)
{
    if (isfinite(x))
        snprintf(buf, cap, "%.1f%%", 100 * x);
    else
        snprintf(buf, cap, "-");
}

static const char *stage_name(const struct jm_report *r, size_t s, enum jm_lang lang)
{
    return s < r->tl->n_stages ? jm_text_get(&r->tl->journey->stages[s].name, lang) : "";
}

/* What a KPI break point is about: its touchpoint's name, or the stage's. */
static const char *kpi_subject(const struct jm_report *r, const struct jm_break_point *b,
                               enum jm_lang lang)
{
    const struct jm_touchpoint_def *tp =
        b->what ? jm_journey_touchpoint(r->tl->journey, b->what) : NULL;
    return tp ? jm_text_get(&tp->name, lang) : b->what ? b->what : stage_name(r, b->stage, lang);
}

static jm_status say(const struct jm_report *r, const struct jm_break_point *b, enum jm_lang lang,
                     bool headline, struct jm_strbuf *sb)
{
    const struct phrases *w = lang == JM_LANG_VI ? &VI : &EN;
    const char *units = r->tl->level == JM_LEVEL_ACCOUNT ? w->accounts : w->contacts;
    const char *stage = stage_name(r, b->stage, lang);
    unsigned long long n = b->count, of = b->of;
    char p1[24], p2[24], p3[24];
    switch (b->kind) {
    case JM_BREAK_DROP:
        percent(1 - b->value, p1, sizeof(p1));
        return headline ? jm_strbuf_addf(sb, w->h_drop, stage, p1)
                        : jm_strbuf_addf(sb, w->drop, stage, p1, units, n, of);
    case JM_BREAK_LAST_TOUCH:
        percent(b->value, p1, sizeof(p1));
        return headline ? jm_strbuf_addf(sb, w->h_last, stage, b->what)
                        : jm_strbuf_addf(sb, w->last_seen, units, stage, p1, b->what, n, of);
    case JM_BREAK_DMU: {
        const char *role = jm_journey_role_name(r->tl->journey, b->what, lang);
        percent(b->value, p1, sizeof(p1));
        percent(b->with_role_rate, p2, sizeof(p2));
        percent(b->without_role_rate, p3, sizeof(p3));
        return headline ? jm_strbuf_addf(sb, w->h_dmu, stage, role)
                        : jm_strbuf_addf(sb, w->dmu, stage, role, p1, units, p2, p3);
    }
    case JM_BREAK_KPI: {
        const char *metric = jm_kpi_name(b->kpi->metric, lang);
        enum jm_kpi_metric m = b->kpi->metric;
        bool rate = m == JM_KPI_CONVERSION_RATE || m == JM_KPI_WIN_RATE ||
                    m == JM_KPI_DMU_COVERAGE || m == JM_KPI_NRR;
        if (rate) { /* shares read as percentages, like everywhere else they are printed */
            percent(b->value, p1, sizeof(p1));
            percent(b->target, p2, sizeof(p2));
        } else {
            snprintf(p1, sizeof(p1), "%.4g", b->value);
            snprintf(p2, sizeof(p2), "%.4g", b->target);
        }
        return headline ? jm_strbuf_addf(sb, w->h_kpi, kpi_subject(r, b, lang), metric)
                        : jm_strbuf_addf(sb, w->kpi, kpi_subject(r, b, lang), metric, p1, p2);
    }
    case JM_BREAK_STALL:
        percent(b->severity, p1, sizeof(p1));
        return headline ? jm_strbuf_addf(sb, w->h_stall, stage, p1)
                        : jm_strbuf_addf(sb, w->stall, stage, p1, units, n, of);
    }
    return JM_OK;
}

jm_status jm_break_headline(const struct jm_report *r, const struct jm_break_point *b,
                            enum jm_lang lang, struct jm_strbuf *sb)
{
    return say(r, b, lang, true, sb);
}

jm_status jm_break_text(const struct jm_report *r, const struct jm_break_point *b,
                        enum jm_lang lang, struct jm_strbuf *sb)
{
    return say(r, b, lang, false, sb);
}
