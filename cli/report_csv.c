/*
 * The analysis as CSV, one table at a time, for spreadsheets and the cross-check tests: rates
 * and days to 4 decimals (half up), empty where there is nothing to measure, text escaped
 * against formula injection.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/internal.h"
#include "cli.h"
#include "cli_report.h"

struct csv {
    struct jm_strbuf sb;
    jm_status rc;
};

static void text(struct csv *c, const char *s, bool last)
{
    if (!c->rc)
        c->rc = jm__csv_field(&c->sb, s ? s : "", s ? strlen(s) : 0, true);
    if (!c->rc)
        c->rc = jm_strbuf_addch(&c->sb, last ? '\n' : ',');
}

static void number(struct csv *c, double x, bool last)
{
    if (!c->rc && isfinite(x))
        c->rc = jm_strbuf_addf(&c->sb, "%.4f", jm_round4(x));
    if (!c->rc)
        c->rc = jm_strbuf_addch(&c->sb, last ? '\n' : ',');
}

static void count(struct csv *c, uint64_t x, bool last)
{
    if (!c->rc)
        c->rc = jm_strbuf_addf(&c->sb, "%llu%c", (unsigned long long)x, last ? '\n' : ',');
}

static void line(struct csv *c, const char *header)
{
    if (!c->rc)
        c->rc = jm_strbuf_addstr(&c->sb, header);
}

static void dist(struct csv *c, const struct jm_dist *d, bool last)
{
    count(c, d->count, false);
    number(c, d->mean, false);
    number(c, d->median, false);
    number(c, d->p75, false);
    number(c, d->p90, last);
}

static const char *key(const struct jm_report *r, size_t s)
{
    return s < r->tl->n_stages ? r->tl->journey->stages[s].key : "";
}

static void funnel(struct csv *c, const struct jm_report *r, enum jm_lang lang)
{
    line(c, "group,stage,stage_name,reached,converted,rate,dropped,skipped,entered,days_count,"
            "days_mean,days_median,days_p75,days_p90\n");
    for (size_t g = 0; g < r->n_groups; g++)
        for (size_t s = 0; s < r->tl->n_stages; s++) {
            const struct jm_stage_result *st = &r->groups[g].stages[s];
            text(c, r->groups[g].label, false);
            text(c, key(r, s), false);
            text(c, jm_text_get(&r->tl->journey->stages[s].name, lang), false);
            count(c, st->reached, false);
            count(c, st->converted, false);
            number(c, st->rate, false);
            count(c, st->dropped, false);
            count(c, st->skipped, false);
            count(c, st->entered, false);
            dist(c, &st->in_stage, true);
        }
}

static void transitions(struct csv *c, const struct jm_report *r)
{
    size_t ns = r->tl->n_stages;
    line(c, "group,from,to,count\n");
    for (size_t g = 0; g < r->n_groups; g++)
        for (size_t from = 0; from <= ns; from++)
            for (size_t to = 0; to < ns; to++) {
                uint64_t n = r->groups[g].transitions[from * ns + to];
                if (!n)
                    continue;
                text(c, r->groups[g].label, false);
                text(c, from ? key(r, from - 1) : "(start)", false);
                text(c, key(r, to), false);
                count(c, n, true);
            }
}

static void deals(struct csv *c, const struct jm_report *r)
{
    line(c, "group,deals,won,lost,open,win_rate,won_amount,open_amount,cycle_count,cycle_mean,"
            "cycle_median,cycle_p75,cycle_p90\n");
    for (size_t g = 0; g < r->n_groups; g++) {
        const struct jm_group_result *gr = &r->groups[g];
        text(c, gr->label, false);
        count(c, gr->deals, false);
        count(c, gr->won, false);
        count(c, gr->lost, false);
        count(c, gr->open, false);
        number(c, gr->win_rate, false);
        number(c, gr->won_amount, false);
        number(c, gr->open_amount, false);
        dist(c, &gr->cycle, true);
    }
}

static void kpis(struct csv *c, const struct jm_report *r)
{
    line(c, "stage,touchpoint,metric,target,measured,met\n");
    for (size_t i = 0; i < r->n_kpis; i++) {
        const struct jm_kpi_result *k = &r->kpis[i];
        text(c, key(r, k->stage), false);
        text(c, k->touchpoint, false);
        text(c, jm_kpi_key(k->kpi->metric), false);
        number(c, k->kpi->target, false);
        number(c, k->measured, false);
        text(c, k->met ? "yes" : "no", true);
    }
}

static void breaks(struct csv *c, const struct jm_report *r)
{
    static const char *const kind[] = {"drop", "kpi", "last_touch", "dmu", "stall"};
    line(c, "rank,kind,stage,severity,value,target,count,of,what\n");
    for (size_t i = 0; i < r->n_breaks; i++) {
        const struct jm_break_point *b = &r->breaks[i];
        count(c, i + 1, false);
        text(c, kind[b->kind], false);
        text(c, key(r, b->stage), false);
        number(c, b->severity, false);
        number(c, b->value, false);
        number(c, b->kind == JM_BREAK_KPI || b->kind == JM_BREAK_DMU ? b->target : NAN, false);
        count(c, b->count, false);
        count(c, b->of, false);
        text(c, b->what, true);
    }
}

static void idle(struct csv *c, const struct jm_report *r)
{
    line(c, "id,stage,kind,days_in_stage,days_silent,last_touch,last_touchpoint\n");
    for (size_t i = 0; i < r->n_idle; i++) {
        const struct jm_idle_unit *x = &r->idle[i];
        char when[40];
        jm_time_format(x->last_touch, false, when, sizeof(when));
        text(c, jm_timelines_unit_id(r->tl, x->unit), false);
        text(c, key(r, x->stage), false);
        text(c, x->kind == JM_IDLE_SILENT ? "silent" : "stalled", false);
        number(c, x->days_in_stage, false);
        number(c, x->days_silent, false);
        text(c, when, false);
        text(c, x->last_touchpoint, true);
    }
}

int cli_report_csv(const struct jm_report *r, const char *table, enum jm_lang lang)
{
    struct csv c = {JM_STRBUF_INIT, JM_OK};
    jm_strbuf_init(&c.sb, JM_STRBUF_DEFAULT_MAX);
    if (strcmp(table, "transitions") == 0)
        transitions(&c, r);
    else if (strcmp(table, "deals") == 0)
        deals(&c, r);
    else if (strcmp(table, "kpis") == 0)
        kpis(&c, r);
    else if (strcmp(table, "breaks") == 0)
        breaks(&c, r);
    else if (strcmp(table, "idle") == 0)
        idle(&c, r);
    else
        funnel(&c, r, lang);
    if (!c.rc)
        fwrite(c.sb.buf, 1, c.sb.len, stdout);
    jm_strbuf_release(&c.sb);
    return c.rc ? JM_EXIT_INTERNAL : JM_EXIT_OK;
}
