/*
 * The report as JSON: the shape docs/analytics.md documents, numbers as the report holds them
 * (rates exact, durations in days), NaN written as null.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "analytics/internal.h"

struct out {
    struct jm_strbuf *sb;
    jm_status rc;
    enum jm_lang lang;
};

static void raw(struct out *o, const char *s)
{
    if (!o->rc)
        o->rc = jm_strbuf_addstr(o->sb, s);
}

static void str(struct out *o, const char *s)
{
    if (!o->rc)
        o->rc = jm_strbuf_add_json_string(o->sb, s ? s : "", s ? strlen(s) : 0);
}

static void num(struct out *o, double x)
{
    if (o->rc)
        return;
    if (!isfinite(x)) {
        raw(o, "null");
        return;
    }
    char buf[40];
    jm_format_double(x, buf, sizeof(buf));
    raw(o, buf);
}

static void u64(struct out *o, uint64_t x)
{
    if (!o->rc)
        o->rc = jm_strbuf_addf(o->sb, "%llu", (unsigned long long)x);
}

static void key(struct out *o, const char *k)
{
    str(o, k);
    raw(o, ":");
}

static void dist(struct out *o, const char *k, const struct jm_dist *d)
{
    key(o, k);
    raw(o, "{\"count\":");
    u64(o, d->count);
    raw(o, ",\"mean\":");
    num(o, d->mean);
    raw(o, ",\"median\":");
    num(o, d->median);
    raw(o, ",\"p75\":");
    num(o, d->p75);
    raw(o, ",\"p90\":");
    num(o, d->p90);
    raw(o, "}");
}

static const char *stage_key(const struct jm_report *r, size_t s)
{
    return s < r->tl->n_stages ? r->tl->journey->stages[s].key : NULL;
}

static void group(struct out *o, const struct jm_report *r, const struct jm_group_result *g)
{
    size_t ns = r->tl->n_stages;
    raw(o, "{\"label\":");
    str(o, g->label);
    raw(o, ",\"units\":");
    u64(o, g->units);
    raw(o, ",\"stages\":[");
    for (size_t s = 0; s < ns; s++) {
        const struct jm_stage_result *st = &g->stages[s];
        raw(o, s ? ",{\"stage\":" : "{\"stage\":");
        str(o, stage_key(r, s));
        raw(o, ",\"reached\":");
        u64(o, st->reached);
        raw(o, ",\"converted\":");
        u64(o, st->converted);
        raw(o, ",\"dropped\":");
        u64(o, st->dropped);
        raw(o, ",\"skipped\":");
        u64(o, st->skipped);
        raw(o, ",\"entered\":");
        u64(o, st->entered);
        raw(o, ",\"rate\":");
        num(o, st->rate);
        raw(o, ",");
        dist(o, "days_in_stage", &st->in_stage);
        raw(o, "}");
    }
    raw(o, "],");
    dist(o, "days_to_goal", &g->to_goal);
    raw(o, ",\"transitions\":[");
    bool first = true;
    for (size_t from = 0; from <= ns; from++)
        for (size_t to = 0; to < ns; to++) {
            uint64_t n = g->transitions[from * ns + to];
            if (!n)
                continue;
            raw(o, first ? "{\"from\":" : ",{\"from\":");
            first = false;
            if (from)
                str(o, stage_key(r, from - 1));
            else
                raw(o, "null");
            raw(o, ",\"to\":");
            str(o, stage_key(r, to));
            raw(o, ",\"count\":");
            u64(o, n);
            raw(o, "}");
        }
    raw(o, "],\"moves\":{\"enter\":");
    u64(o, g->moves[JM_MOVE_ENTER]);
    raw(o, ",\"forward\":");
    u64(o, g->moves[JM_MOVE_FORWARD]);
    raw(o, ",\"skip\":");
    u64(o, g->moves[JM_MOVE_SKIP]);
    raw(o, ",\"back\":");
    u64(o, g->moves[JM_MOVE_BACK]);
    raw(o, ",\"reentry\":");
    u64(o, g->reentries);
    raw(o, "},\"deals\":{\"deals\":");
    u64(o, g->deals);
    raw(o, ",\"won\":");
    u64(o, g->won);
    raw(o, ",\"lost\":");
    u64(o, g->lost);
    raw(o, ",\"open\":");
    u64(o, g->open);
    raw(o, ",\"win_rate\":");
    num(o, g->win_rate);
    raw(o, ",\"won_amount\":");
    num(o, g->won_amount);
    raw(o, ",\"open_amount\":");
    num(o, g->open_amount);
    raw(o, ",");
    dist(o, "cycle_days", &g->cycle);
    raw(o, "}}");
}

static const char *const BREAK_KIND[] = {"drop", "kpi", "last_touch", "dmu", "stall"};

static void breaks(struct out *o, const struct jm_report *r)
{
    raw(o, ",\"break_points\":[");
    for (size_t i = 0; i < r->n_breaks; i++) {
        const struct jm_break_point *b = &r->breaks[i];
        raw(o, i ? ",{\"kind\":" : "{\"kind\":");
        str(o, BREAK_KIND[b->kind]);
        raw(o, ",\"stage\":");
        if (b->stage < r->tl->n_stages)
            str(o, stage_key(r, b->stage));
        else
            raw(o, "null");
        raw(o, ",\"severity\":");
        num(o, b->severity);
        raw(o, ",\"value\":");
        num(o, b->value);
        raw(o, ",\"target\":");
        num(o, b->kind == JM_BREAK_KPI || b->kind == JM_BREAK_DMU ? b->target : NAN);
        raw(o, ",\"count\":");
        u64(o, b->count);
        raw(o, ",\"of\":");
        u64(o, b->of);
        raw(o, ",\"what\":");
        if (b->what)
            str(o, b->what);
        else
            raw(o, "null");
        if (b->kind == JM_BREAK_DMU) {
            raw(o, ",\"rate_with_role\":");
            num(o, b->with_role_rate);
            raw(o, ",\"rate_without_role\":");
            num(o, b->without_role_rate);
        }
        raw(o, "}");
    }
    raw(o, "]");
}

static void idle(struct out *o, const struct jm_report *r)
{
    raw(o, ",\"stalled\":");
    u64(o, r->n_stalled);
    raw(o, ",\"silent\":");
    u64(o, r->n_silent);
    raw(o, ",\"idle_units\":[");
    for (size_t i = 0; i < r->n_idle; i++) {
        const struct jm_idle_unit *x = &r->idle[i];
        char when[40];
        jm_time_format(x->last_touch, false, when, sizeof(when));
        raw(o, i ? ",{\"id\":" : "{\"id\":");
        str(o, jm_timelines_unit_id(r->tl, x->unit));
        raw(o, ",\"stage\":");
        str(o, stage_key(r, x->stage));
        raw(o, x->kind == JM_IDLE_SILENT ? ",\"kind\":\"silent\"" : ",\"kind\":\"stalled\"");
        raw(o, ",\"days_in_stage\":");
        num(o, x->days_in_stage);
        raw(o, ",\"days_silent\":");
        num(o, x->days_silent);
        raw(o, ",\"last_touch\":");
        str(o, when);
        raw(o, ",\"last_touchpoint\":");
        str(o, x->last_touchpoint);
        raw(o, "}");
    }
    raw(o, "]");
}

static void kpis(struct out *o, const struct jm_report *r)
{
    raw(o, ",\"kpis\":[");
    for (size_t i = 0; i < r->n_kpis; i++) {
        const struct jm_kpi_result *k = &r->kpis[i];
        raw(o, i ? ",{\"metric\":" : "{\"metric\":");
        str(o, jm_kpi_key(k->kpi->metric));
        raw(o, ",\"stage\":");
        if (k->stage < r->tl->n_stages)
            str(o, stage_key(r, k->stage));
        else
            raw(o, "null");
        raw(o, ",\"touchpoint\":");
        if (k->touchpoint)
            str(o, k->touchpoint);
        else
            raw(o, "null");
        raw(o, ",\"target\":");
        num(o, k->kpi->target);
        raw(o, ",\"measured\":");
        num(o, k->measured);
        raw(o, k->met ? ",\"met\":true}" : ",\"met\":false}");
    }
    raw(o, "]");
}

static void trend(struct out *o, const struct jm_report *r)
{
    raw(o, ",\"trend\":[");
    for (size_t s = 0; s < r->tl->n_stages; s++) {
        raw(o, s ? ",{\"stage\":" : "{\"stage\":");
        str(o, stage_key(r, s));
        raw(o, ",\"months\":[");
        for (size_t m = 0; m < r->n_trend[s]; m++) {
            const struct jm_month_point *p = &r->trend[s][m];
            if (!o->rc)
                o->rc = jm_strbuf_addf(o->sb, "%s{\"month\":\"%04d-%02d\",", m ? "," : "", p->year,
                                       p->month);
            dist(o, "days_in_stage", &p->days);
            raw(o, "}");
        }
        raw(o, "]}");
    }
    raw(o, "]");
}

/* Share of the units in each stage with each DMU role engaged there (roles no one has are left
 * out). */
static void coverage(struct out *o, const struct jm_report *r)
{
    const struct jm_timelines *tl = r->tl;
    raw(o, ",\"dmu_coverage\":[");
    for (size_t s = 0; s < tl->n_stages; s++) {
        raw(o, s ? ",{\"stage\":" : "{\"stage\":");
        str(o, stage_key(r, s));
        raw(o, ",\"roles\":{");
        bool first = true;
        for (size_t b = 0; b < tl->n_roles; b++) {
            double x = r->dmu_coverage[s * tl->n_roles + b];
            if (!(x > 0))
                continue;
            if (!first)
                raw(o, ",");
            first = false;
            key(o, tl->role_keys[b]);
            num(o, x);
        }
        raw(o, "}}");
    }
    raw(o, "]");
}

static void deals_tables(struct out *o, const struct jm_report *r)
{
    raw(o, ",\"open_pipeline\":[");
    for (size_t i = 0; i < r->n_pipeline; i++) {
        raw(o, i ? ",{\"pipeline\":" : "{\"pipeline\":");
        str(o, r->pipeline[i].pipeline);
        raw(o, ",\"stage\":");
        str(o, r->pipeline[i].stage);
        raw(o, ",\"deals\":");
        u64(o, r->pipeline[i].deals);
        raw(o, ",\"amount\":");
        num(o, r->pipeline[i].amount);
        raw(o, "}");
    }
    raw(o, "],\"lost_reasons\":[");
    for (size_t i = 0; i < r->n_reasons; i++) {
        raw(o, i ? ",{\"reason\":" : "{\"reason\":");
        str(o, r->reasons[i].reason);
        raw(o, ",\"deals\":");
        u64(o, r->reasons[i].deals);
        raw(o, "}");
    }
    raw(o, "]");
}

enum {
    P_GROUPS = 1u << 0,
    P_KPIS = 1u << 1,
    P_BREAKS = 1u << 2,
    P_IDLE = 1u << 3,
    P_TREND = 1u << 4,
    P_COVERAGE = 1u << 5,
    P_DEALS = 1u << 6,
    P_ALL = 0x7fu
};

static void report(struct out *o, const struct jm_report *r, unsigned parts)
{
    enum jm_lang lang = o->lang;
    const struct jm_journey *j = r->tl->journey;
    raw(o, "{\"journey\":");
    str(o, j->key);
    raw(o, ",\"name\":");
    str(o, jm_text_get(&j->name, lang));
    raw(o, r->tl->level == JM_LEVEL_ACCOUNT ? ",\"level\":\"account\"" : ",\"level\":\"contact\"");
    char buf[40];
    jm_time_format(r->tl->as_of, false, buf, sizeof(buf));
    raw(o, ",\"as_of\":");
    str(o, r->tl->as_of == INT64_MIN ? NULL : buf);
    raw(o, ",\"by\":");
    if (r->opts.by)
        str(o, r->opts.by);
    else
        raw(o, "null");
    raw(o, ",\"stages\":[");
    for (size_t s = 0; s < r->tl->n_stages; s++) {
        raw(o, s ? ",{\"key\":" : "{\"key\":");
        str(o, j->stages[s].key);
        raw(o, ",\"name\":");
        str(o, jm_text_get(&j->stages[s].name, lang));
        raw(o, "}");
    }
    raw(o, "]");
    if (parts & P_GROUPS) {
        raw(o, ",\"groups\":[");
        for (size_t g = 0; g < r->n_groups; g++) {
            if (g)
                raw(o, ",");
            group(o, r, &r->groups[g]);
        }
        raw(o, "]");
    }
    if (parts & P_KPIS)
        kpis(o, r);
    if (parts & P_BREAKS)
        breaks(o, r);
    if (parts & P_IDLE)
        idle(o, r);
    if (parts & P_TREND)
        trend(o, r);
    if (parts & P_COVERAGE)
        coverage(o, r);
    if (parts & P_DEALS)
        deals_tables(o, r);
    raw(o, "}\n");
}

jm_status jm_report_json(const struct jm_report *r, enum jm_lang lang, struct jm_strbuf *sb)
{
    struct out o = {sb, JM_OK, lang};
    report(&o, r, P_ALL);
    return o.rc;
}

static const struct {
    const char *name;
    unsigned parts;
} PARTS[] = {
    {"funnel", P_GROUPS},      {"time-in-stage", P_GROUPS | P_TREND},
    {"transitions", P_GROUPS}, {"breaks", P_BREAKS | P_KPIS},
    {"stalled", P_IDLE},       {"deals", P_GROUPS | P_DEALS},
    {"breakdown", P_GROUPS},   {"kpis", P_KPIS},
    {"dmu", P_COVERAGE},
};

const char *jm_report_part_name(size_t i)
{
    return i < sizeof(PARTS) / sizeof(PARTS[0]) ? PARTS[i].name : NULL;
}

jm_status jm_report_json_part(const struct jm_report *r, enum jm_lang lang, const char *part,
                              struct jm_strbuf *sb)
{
    for (size_t i = 0; i < sizeof(PARTS) / sizeof(PARTS[0]); i++)
        if (strcmp(part, PARTS[i].name) == 0) {
            struct out o = {sb, JM_OK, lang};
            report(&o, r, PARTS[i].parts);
            return o.rc;
        }
    return JM_EINVAL;
}
