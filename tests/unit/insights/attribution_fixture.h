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

#include "insights_fixture.h"

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
    return fx_day(d);
}

static inline void attr_event(struct jm_storage *st, const char *acc, const char *con, int d,
                              const char *tp, const char *ch)
{
    fx_event(st, acc, con, attr_day(d), tp, ch);
}

static inline void attr_deal(struct jm_storage *st, const char *id, const char *acc, int created,
                             int closed, double amount)
{
    fx_deal(st, &(struct fx_deal){.id = id,
                                  .account = acc,
                                  .name = id,
                                  .status = "won",
                                  .created = attr_day(created),
                                  .closed = attr_day(closed),
                                  .amount = amount});
}

static inline void attr_fill(struct jm_storage *st)
{
    static const char *const ACC[] = {"A", "B", "C", "D"};
    for (size_t i = 0; i < 4; i++)
        fx_account(st, ACC[i], NULL, NULL);
    fx_contact(st, "a1", "A", attr_day(3));
    fx_contact(st, "a2", "A", attr_day(6));
    fx_contact(st, "b1", "B", FX_NO_TIME);
    fx_contact(st, "c1", "C", attr_day(1));
    fx_contact(st, "d1", "D", FX_NO_TIME);
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
    fx_revenue(st, "A", day_us(2025, 2, 1), 100);
    fx_revenue(st, "A", day_us(2025, 3, 1), 150);
    fx_revenue(st, "A", day_us(2026, 2, 1), 999);
}

static inline int attr_setup(void **state)
{
    return fx_setup(state, attr_fill, NULL, ATTR_JOURNEY);
}

#endif
