/*
 * The attribution tests' workspace, small enough to credit by hand (test_attribution.c has the
 * arithmetic). Days from 2025-01-01; touchpoint (channel); "-" = a contact-less event.
 *
 *   A  contacts a1 (created d3), a2 (created d6)
 *      d0 - ad (paid)   d1 a1 blog (organic)   d4 a1 form (organic)   d7 a2 webinar (email)
 *      d9 a2 demo (sales)   d12 a1 contract_signed (sales)
 *      deal DA created d8, won d12, 1000; MRR 2025-02 100, 2025-03 150, 2026-02 999
 *   B  contact b1 (no created)
 *      d2 - ad (paid)   d5 b1 blog   d6 b1 blog (organic)   d10 b1 form (organic)
 *      d20 b1 contract_signed (sales)
 *      deal DB created d15, won d20, 500
 *   C  contact c1 (created d1), no events; deal DC created d3, won d5, 200
 *   D  contact d1 (no created); d3 d1 ad (paid), d8 d1 blog (organic); no deal
 *
 * Journey (account level): lead = first form event, opp = a deal created, won = a deal won.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_TEST_ATTRIBUTION_FIXTURE_H
#define JM_TEST_ATTRIBUTION_FIXTURE_H

#include <math.h>
#include <stdlib.h>

#include "../storage/storage_test.h"
#include "insights/internal.h"

static const char ATTR_JOURNEY[] = "journey: attr\n"
                                   "name: Attribution\n"
                                   "settings:\n"
                                   "  level: account\n"
                                   "stages:\n"
                                   "  - key: lead\n"
                                   "    name: Lead\n"
                                   "    entry: {event: {touchpoint: form}}\n"
                                   "  - key: opp\n"
                                   "    name: Opportunity\n"
                                   "    entry: {deal: created}\n"
                                   "  - key: won\n"
                                   "    name: Won\n"
                                   "    entry: {deal: won}\n";

static inline int64_t attr_day(int d)
{
    return day_us(2025, 1, 1) + (int64_t)d * JM_US_PER_DAY;
}

static inline void attr_account(struct jm_storage *st, const char *id)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", id);
    set_text(&r, "name", id);
    ws_put(st, &r);
}

static inline void attr_contact(struct jm_storage *st, const char *id, const char *acc, int created)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_CONTACT);
    set_text(&r, "id", id);
    set_text(&r, "account", acc);
    if (created >= 0)
        set_time(&r, "created", attr_day(created));
    ws_put(st, &r);
}

static inline void attr_event(struct jm_storage *st, const char *acc, const char *con, int d,
                              const char *tp, const char *ch)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    set_time(&r, "time", attr_day(d));
    set_text(&r, "account", acc);
    if (con)
        set_text(&r, "contact", con);
    set_text(&r, "touchpoint", tp);
    set_text(&r, "channel", ch);
    ws_put(st, &r);
}

static inline void attr_deal(struct jm_storage *st, const char *id, const char *acc, int created,
                             int closed, double amount)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_DEAL);
    set_text(&r, "id", id);
    set_text(&r, "account", acc);
    set_text(&r, "name", id);
    set_time(&r, "created", attr_day(created));
    set_time(&r, "closed", attr_day(closed));
    set_text(&r, "status", "won");
    set_real(&r, "amount", amount);
    ws_put(st, &r);
}

static inline void attr_mrr(struct jm_storage *st, const char *acc, int year, unsigned month,
                            double mrr)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_REVENUE);
    set_text(&r, "account", acc);
    set_time(&r, "period_start", day_us(year, month, 1));
    set_real(&r, "mrr", mrr);
    ws_put(st, &r);
}

static inline void attr_fill(struct jm_storage *st)
{
    attr_account(st, "A");
    attr_account(st, "B");
    attr_account(st, "C");
    attr_account(st, "D");
    attr_contact(st, "a1", "A", 3);
    attr_contact(st, "a2", "A", 6);
    attr_contact(st, "b1", "B", -1);
    attr_contact(st, "c1", "C", 1);
    attr_contact(st, "d1", "D", -1);
    attr_event(st, "A", NULL, 0, "ad", "paid");
    attr_event(st, "A", "a1", 1, "blog", "organic");
    attr_event(st, "A", "a1", 4, "form", "organic");
    attr_event(st, "A", "a2", 7, "webinar", "email");
    attr_event(st, "A", "a2", 9, "demo", "sales");
    attr_event(st, "A", "a1", 12, "contract_signed", "sales");
    attr_event(st, "B", NULL, 2, "ad", "paid");
    attr_event(st, "B", "b1", 5, "blog", "organic");
    attr_event(st, "B", "b1", 6, "blog", "organic");
    attr_event(st, "B", "b1", 10, "form", "organic");
    attr_event(st, "B", "b1", 20, "contract_signed", "sales");
    attr_event(st, "D", "d1", 3, "ad", "paid");
    attr_event(st, "D", "d1", 8, "blog", "organic");
    attr_deal(st, "DA", "A", 8, 12, 1000);
    attr_deal(st, "DB", "B", 15, 20, 500);
    attr_deal(st, "DC", "C", 3, 5, 200);
    attr_mrr(st, "A", 2025, 2, 100);
    attr_mrr(st, "A", 2025, 3, 150);
    attr_mrr(st, "A", 2026, 2, 999);
}

struct attr_fixture {
    char *dir;
    struct jm_storage *st;
    struct jm_dataset *ds;
    struct jm_journey *j;
    struct jm_timelines *tl;
    struct jm_report *r;
};

static inline int attr_setup(void **state)
{
    struct attr_fixture *f = calloc(1, sizeof(*f));
    struct jm_error err;
    jm_error_clear(&err);
    f->dir = strdup(jm_test_tmpdir());
    f->st = ws_create(f->dir);
    ws_begin(f->st);
    attr_fill(f->st);
    ws_commit(f->st);
    struct jm_analysis_options all = {.from = INT64_MIN, .to = INT64_MAX};
    if (jm_dataset_load(f->st, NULL, &f->ds, &err) ||
        jm_journey_parse(ATTR_JOURNEY, sizeof(ATTR_JOURNEY) - 1, "attr.yaml", &f->j, &err) ||
        jm_journey_run(f->ds, f->j, &f->tl, &err) || jm_analyze(f->tl, &all, &f->r, &err))
        fail_msg("%s", err.msg);
    *state = f;
    return 0;
}

static inline int attr_teardown(void **state)
{
    struct attr_fixture *f = *state;
    jm_report_free(f->r);
    jm_timelines_free(f->tl);
    jm_journey_free(f->j);
    jm_dataset_free(f->ds);
    jm_storage_close(f->st);
    jm_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

#endif
