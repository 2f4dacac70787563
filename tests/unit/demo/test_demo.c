/*
 * Tests for the demo company generator (src/demo): determinism, the exact event budget, that
 * every record is valid and refers only backwards, that times are inside the period and in
 * order, that the Vietnamese part of the data is there and well-formed, that the business
 * shape is plausible (win rate, churn, NPS, SLA breaches, regional differences), validation,
 * sink errors, allocation failures, and a 10^6-event run.
 *
 * The sink never keeps the records (they are valid during the call only): it folds each into
 * digests, counters and sets of hashed ids.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/internal.h"
#include "journeymap/demo.h"

#define DAY_US (INT64_C(86400) * 1000000)

/* ---------------------------------------------------------------- the checking sink */

struct check {
    int64_t start, end;
    uint64_t digest;
    uint64_t n[JM_ENT__COUNT];
    uint64_t invalid, dangling, out_of_period, out_of_order, dup_message_ids;
    char first_invalid[600];
    struct jm_u64set ids[JM_ENT__COUNT]; /* hashed ids of owners, accounts, contacts */
    struct jm_u64set message_ids;
    /* The account being emitted. */
    uint64_t cur_account;
    int64_t cur_created, last_event_time;
    bool cur_vn;
    /* Business shape. */
    uint64_t vn_accounts, vn_named, vn_contacts, vn_contacts_diacritic;
    uint64_t won, lost, open, expansion_won;
    double cycle_days_vn, cycle_days_other;
    uint64_t cycles_vn, cycles_other;
    uint64_t ev_vn, ev_other, partner_vn, partner_other, presale_vn, presale_other;
    uint64_t tickets_answered, breaches;
    uint64_t promoters, detractors, nps_answers;
    uint64_t payers, churned;
    int64_t last_revenue_period;
    bool cur_pays;
    /* Story shapes: per account, then totals. */
    unsigned cur_stages; /* bit 0 awareness touch, bit 1 later */
    uint64_t cur_decider;
    int64_t cur_decider_first, cur_first_demo, cur_proposal;
    bool cur_prev_high_intent, cur_silent, cur_backward;
    uint64_t awareness_only, went_silent, deciders_in_demos, late_deciders, proposals, backward;
    struct jm_u64set domains;
    uint64_t dup_domains;
};

static const char *const awareness_tps[] = {
    "ad_click",         "blog_view",           "social_post_view",  "webinar_registered",
    "webinar_attended", "whitepaper_download", "event_booth_visit", NULL};

static bool is_one_of(const struct jm_value *v, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (v->len == strlen(list[i]) && memcmp(v->s, list[i], v->len) == 0)
            return true;
    return false;
}

static uint64_t hash_value(const struct jm_value *v)
{
    return jm__hash64(v->s, v->len, 7) | 1;
}

static bool is(const struct jm_value *v, const char *s)
{
    return v->kind == JM_V_TEXT && v->len == strlen(s) && memcmp(v->s, s, v->len) == 0;
}

static void check_ref(struct check *c, const struct jm_value *v, enum jm_entity kind)
{
    if (v->kind == JM_V_TEXT && !jm__u64set_has(&c->ids[kind], hash_value(v)))
        c->dangling++;
}

static void check_time(struct check *c, const struct jm_value *v)
{
    if (v->kind == JM_V_TIME && (v->i < c->start || v->i >= c->end))
        c->out_of_period++;
}

static void remember(struct check *c, enum jm_entity kind, const struct jm_value *id)
{
    bool added;
    assert_int_equal(jm__u64set_add(&c->ids[kind], hash_value(id), &added), JM_OK);
}

/* Closes the account before the next one starts: did it pay until the end of the period,
 * and which story shapes did it show? */
static void close_stories(struct check *c)
{
    if (c->cur_stages == 1)
        c->awareness_only++;
    if (c->cur_prev_high_intent && c->end - c->last_event_time >= 90 * DAY_US)
        c->cur_silent = true;
    c->went_silent += c->cur_silent;
    if (c->cur_first_demo && c->cur_decider_first) {
        c->deciders_in_demos++;
        c->late_deciders += c->cur_decider_first > c->cur_first_demo;
    }
    c->proposals += c->cur_proposal != 0;
    c->backward += c->cur_backward;
    c->cur_stages = 0;
    c->cur_decider = 0;
    c->cur_decider_first = c->cur_first_demo = c->cur_proposal = 0;
    c->cur_prev_high_intent = c->cur_silent = c->cur_backward = false;
}

static void close_account(struct check *c)
{
    close_stories(c);
    if (c->cur_pays) {
        c->payers++;
        int y, m, d, hh, mi, ss;
        jm_time_civil(c->end - 1, &y, &m, &d, &hh, &mi, &ss);
        int64_t last_month = jm_days_from_civil(y, (unsigned)m, 1) * DAY_US;
        if (c->last_revenue_period < last_month)
            c->churned++;
    }
    c->cur_pays = false;
}

static void on_account(struct check *c, const struct jm_record *r)
{
    close_account(c);
    check_ref(c, &r->v[9], JM_ENT_OWNER);
    remember(c, JM_ENT_ACCOUNT, &r->v[0]);
    c->cur_account = hash_value(&r->v[0]);
    c->cur_created = r->v[10].i;
    c->last_event_time = INT64_MIN;
    c->cur_vn = is(&r->v[7], "Vietnam");
    bool added;
    assert_int_equal(jm__u64set_add(&c->domains, hash_value(&r->v[2]), &added), JM_OK);
    c->dup_domains += !added;
    if (c->cur_vn) {
        c->vn_accounts++;
        const struct jm_value *name = &r->v[1];
        if ((name->len > 7 && memcmp(name->s, "Công ty", strlen("Công ty")) == 0) ||
            (name->len > 8 && memcmp(name->s, "Tập đoàn", strlen("Tập đoàn")) == 0))
            c->vn_named++;
    }
}

static void on_contact(struct check *c, const struct jm_record *r)
{
    check_ref(c, &r->v[1], JM_ENT_ACCOUNT);
    check_ref(c, &r->v[7], JM_ENT_OWNER);
    remember(c, JM_ENT_CONTACT, &r->v[0]);
    if (hash_value(&r->v[1]) != c->cur_account || r->v[8].i < c->cur_created)
        c->out_of_order++;
    if (is(&r->v[5], "decider") && !c->cur_decider)
        c->cur_decider = hash_value(&r->v[0]);
    if (c->cur_vn) {
        c->vn_contacts++;
        /* Vietnamese names carry diacritics: some byte is past ASCII. */
        for (size_t i = 0; i < r->v[2].len; i++)
            if ((unsigned char)r->v[2].s[i] >= 0x80) {
                c->vn_contacts_diacritic++;
                break;
            }
    }
}

static void on_story(struct check *c, const struct jm_value *v)
{
    static const char *const high_intent[] = {"demo_request", "pricing_view", NULL};
    static const char *const second_look[] = {"comparison_page_view", "case_study_view", NULL};
    const struct jm_value *tp = &v[JM_EV_TOUCHPOINT];
    int64_t t = v[JM_EV_TIME].i;
    c->cur_stages |= is_one_of(tp, awareness_tps) ? 1u : 2u;
    /* Gone silent: high intent, then three months of nothing. */
    if (c->cur_prev_high_intent && t - c->last_event_time >= 90 * DAY_US)
        c->cur_silent = true;
    c->cur_prev_high_intent = is_one_of(tp, high_intent);
    if (is(tp, "demo_meeting") && !c->cur_first_demo)
        c->cur_first_demo = t;
    if (c->cur_decider && v[JM_EV_CONTACT].kind == JM_V_TEXT &&
        hash_value(&v[JM_EV_CONTACT]) == c->cur_decider && !c->cur_decider_first)
        c->cur_decider_first = t;
    if (is(tp, "proposal_sent") && !c->cur_proposal)
        c->cur_proposal = t;
    else if (c->cur_proposal && is_one_of(tp, second_look))
        c->cur_backward = true;
}

static void on_event(struct check *c, const struct jm_record *r)
{
    const struct jm_value *v = r->v;
    check_ref(c, &v[JM_EV_ACCOUNT], JM_ENT_ACCOUNT);
    check_ref(c, &v[JM_EV_CONTACT], JM_ENT_CONTACT);
    if (hash_value(&v[JM_EV_ACCOUNT]) != c->cur_account || v[JM_EV_TIME].i < c->last_event_time ||
        v[JM_EV_TIME].i < c->cur_created)
        c->out_of_order++;
    on_story(c, v);
    c->last_event_time = v[JM_EV_TIME].i;
    bool added;
    assert_int_equal(jm__u64set_add(&c->message_ids, jm_event_key(r), &added), JM_OK);
    if (!added)
        c->dup_message_ids++;
    bool partner = is(&v[JM_EV_CHANNEL], "partner"), product = is(&v[JM_EV_CHANNEL], "product");
    if (c->cur_vn)
        c->ev_vn++, c->partner_vn += partner, c->presale_vn += !product;
    else
        c->ev_other++, c->partner_other += partner, c->presale_other += !product;
}

static void on_deal(struct check *c, const struct jm_record *r)
{
    check_ref(c, &r->v[1], JM_ENT_ACCOUNT);
    check_ref(c, &r->v[2], JM_ENT_CONTACT);
    check_ref(c, &r->v[12], JM_ENT_OWNER);
    const struct jm_value *created = &r->v[8], *closed = &r->v[9];
    if (closed->kind == JM_V_TIME && closed->i < created->i)
        c->out_of_order++;
    bool expansion = is(&r->v[4], "Expansion");
    if (is(&r->v[10], "open")) {
        c->open++;
        if (closed->kind != JM_V_MISSING)
            c->out_of_order++;
    } else if (expansion) {
        c->expansion_won += is(&r->v[10], "won");
    } else if (is(&r->v[10], "won")) {
        c->won++;
        double days = (double)(closed->i - created->i) / (double)DAY_US;
        if (c->cur_vn)
            c->cycle_days_vn += days, c->cycles_vn++;
        else
            c->cycle_days_other += days, c->cycles_other++;
    } else {
        c->lost++;
        if (r->v[11].kind != JM_V_TEXT)
            c->invalid++;
    }
}

static void on_ticket(struct check *c, const struct jm_record *r)
{
    check_ref(c, &r->v[1], JM_ENT_ACCOUNT);
    check_ref(c, &r->v[2], JM_ENT_CONTACT);
    const struct jm_value *opened = &r->v[3], *first = &r->v[4], *resolved = &r->v[5];
    if (first->kind == JM_V_TIME && first->i < opened->i)
        c->out_of_order++;
    if (resolved->kind == JM_V_TIME && (first->kind != JM_V_TIME || resolved->i < first->i))
        c->out_of_order++;
    if (first->kind == JM_V_TIME) {
        c->tickets_answered++;
        if (r->props && strstr(r->props, "\"sla_breached\":true"))
            c->breaches++;
    }
}

static void on_survey(struct check *c, const struct jm_record *r)
{
    check_ref(c, &r->v[1], JM_ENT_ACCOUNT);
    check_ref(c, &r->v[2], JM_ENT_CONTACT);
    if (is(&r->v[4], "nps")) {
        c->nps_answers++;
        c->promoters += r->v[5].r >= 9;
        c->detractors += r->v[5].r <= 6;
    }
}

static void on_revenue(struct check *c, const struct jm_record *r)
{
    check_ref(c, &r->v[0], JM_ENT_ACCOUNT);
    int y, m, d, hh, mi, ss;
    jm_time_civil(r->v[1].i, &y, &m, &d, &hh, &mi, &ss);
    if (d != 1 || hh || mi || ss || r->v[2].r <= 0)
        c->invalid++;
    if (c->cur_pays && r->v[1].i <= c->last_revenue_period)
        c->out_of_order++;
    c->cur_pays = true;
    c->last_revenue_period = r->v[1].i;
}

static jm_status check_sink(const struct jm_record *r, void *ctx)
{
    struct check *c = ctx;
    int field;
    struct jm_error err;
    if (jm_record_check(r, &field, &err) != JM_OK && c->invalid++ == 0)
        snprintf(c->first_invalid, sizeof(c->first_invalid), "%s: %s", r->def->name, err.msg);
    c->digest = jm__mix64(c->digest + jm_record_digest(r));
    c->n[r->def->kind]++;
    for (size_t i = 0; i < r->def->nfields; i++)
        check_time(c, &r->v[i]);
    switch (r->def->kind) {
    case JM_ENT_OWNER:
        remember(c, JM_ENT_OWNER, &r->v[0]);
        break;
    case JM_ENT_ACCOUNT:
        on_account(c, r);
        break;
    case JM_ENT_CONTACT:
        on_contact(c, r);
        break;
    case JM_ENT_EVENT:
        on_event(c, r);
        break;
    case JM_ENT_DEAL:
        on_deal(c, r);
        break;
    case JM_ENT_TICKET:
        on_ticket(c, r);
        break;
    case JM_ENT_SURVEY:
        on_survey(c, r);
        break;
    default:
        on_revenue(c, r);
        break;
    }
    return JM_OK;
}

static void check_release(struct check *c)
{
    for (int k = 0; k < JM_ENT__COUNT; k++)
        jm__u64set_release(&c->ids[k]);
    jm__u64set_release(&c->message_ids);
    jm__u64set_release(&c->domains);
}

/* Generates with `seed` and `events` over the default period into a fresh checker. */
static void run(struct check *c, uint64_t seed, uint64_t events, struct jm_demo_summary *sum)
{
    struct jm_demo_opts o = {.seed = seed, .events = events};
    struct jm_error err;
    memset(c, 0, sizeof(*c));
    c->start = jm_days_from_civil(2024, 11, 1) * DAY_US;
    c->end = jm_days_from_civil(2026, 11, 1) * DAY_US;
    jm_error_clear(&err);
    jm_status rc = jm_demo_generate(&o, check_sink, c, sum, &err);
    if (rc)
        fail_msg("jm_demo_generate: %s", err.msg);
    close_account(c);
}

/* ---------------------------------------------------------------- tests */

static void same_seed_and_size_give_identical_records(void **state)
{
    (void)state;
    struct check a, b;
    struct jm_demo_summary sa, sb;
    run(&a, 7, 20000, &sa);
    run(&b, 7, 20000, &sb);
    assert_true(a.digest == b.digest);
    assert_memory_equal(&sa, &sb, sizeof(sa));
    check_release(&a);
    check_release(&b);
}

static void another_seed_gives_other_data(void **state)
{
    (void)state;
    struct check a, b;
    run(&a, 7, 20000, NULL);
    run(&b, 8, 20000, NULL);
    assert_true(a.digest != b.digest);
    check_release(&a);
    check_release(&b);
}

static void event_count_is_exact(void **state)
{
    (void)state;
    static const uint64_t targets[] = {10000, 12345, 54321};
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        struct check c;
        struct jm_demo_summary sum;
        run(&c, 42, targets[i], &sum);
        assert_int_equal(sum.records[JM_ENT_EVENT], targets[i]);
        for (int k = 0; k < JM_ENT__COUNT; k++)
            assert_int_equal(sum.records[k], c.n[k]);
        check_release(&c);
    }
}

static void records_are_valid_and_refer_backwards(void **state)
{
    (void)state;
    struct check c;
    run(&c, 3, 100000, NULL);
    if (c.invalid)
        fail_msg("%llu invalid records, first: %s", (unsigned long long)c.invalid, c.first_invalid);
    assert_int_equal(c.dangling, 0);
    assert_int_equal(c.dup_message_ids, 0);
    assert_int_equal(c.dup_domains, 0); /* contacts attach to accounts by email domain */
    assert_true(c.n[JM_ENT_OWNER] >= 12 && c.n[JM_ENT_OWNER] <= 40);
    /* Every kind of record shows up, and the contact count fits committees of 2-8. */
    for (int k = 0; k < JM_ENT__COUNT; k++)
        assert_true(c.n[k] > 0);
    double contacts = (double)c.n[JM_ENT_CONTACT] / (double)c.n[JM_ENT_ACCOUNT];
    assert_true(contacts >= 2.0 && contacts <= 8.0);
    check_release(&c);
}

static void times_are_inside_the_period_and_in_order(void **state)
{
    (void)state;
    struct check c;
    run(&c, 11, 100000, NULL);
    assert_int_equal(c.out_of_period, 0);
    assert_int_equal(c.out_of_order, 0);
    check_release(&c);
}

static void custom_period_is_respected(void **state)
{
    (void)state;
    struct check c;
    memset(&c, 0, sizeof(c));
    c.start = jm_days_from_civil(2021, 3, 15) * DAY_US;
    c.end = jm_days_from_civil(2021, 9, 1) * DAY_US;
    struct jm_demo_opts o = {.seed = 5, .events = 20000, .start_us = c.start, .end_us = c.end};
    assert_int_equal(jm_demo_generate(&o, check_sink, &c, NULL, NULL), JM_OK);
    assert_int_equal(c.out_of_period, 0);
    assert_int_equal(c.out_of_order, 0);
    assert_int_equal(c.n[JM_ENT_EVENT], 20000);
    check_release(&c);
}

static void vietnamese_accounts_and_names_are_there(void **state)
{
    (void)state;
    struct check c;
    run(&c, 42, 100000, NULL);
    double share = (double)c.vn_accounts / (double)c.n[JM_ENT_ACCOUNT];
    assert_true(share > 0.3 && share < 0.5);
    assert_int_equal(c.vn_named, c.vn_accounts); /* "Công ty ...", "Tập đoàn ..." */
    assert_true(c.vn_contacts_diacritic > c.vn_contacts * 9 / 10);
    assert_int_equal(c.invalid, 0); /* includes the UTF-8 check of every text field */
    check_release(&c);
}

struct firsts {
    uint64_t n;
    char owner[3][64], office[64], message_id[64];
};

static jm_status firsts_sink(const struct jm_record *r, void *ctx)
{
    struct firsts *f = ctx;
    if (r->def->kind == JM_ENT_OWNER && f->n < 3) {
        snprintf(f->owner[f->n], sizeof(f->owner[0]), "%.*s", (int)r->v[1].len, r->v[1].s);
        if (f->n == 0)
            snprintf(f->office, sizeof(f->office), "%.*s", (int)r->v[5].len, r->v[5].s);
    }
    if (r->def->kind == JM_ENT_EVENT && !f->message_id[0])
        snprintf(f->message_id, sizeof(f->message_id), "%.*s", (int)r->v[JM_EV_MESSAGE_ID].len,
                 r->v[JM_EV_MESSAGE_ID].s);
    f->n++;
    return JM_OK;
}

static void owners_come_first_with_exact_names(void **state)
{
    (void)state;
    struct firsts f;
    memset(&f, 0, sizeof(f));
    struct jm_demo_opts o = {.seed = 1, .events = 10000};
    assert_int_equal(jm_demo_generate(&o, firsts_sink, &f, NULL, NULL), JM_OK);
    /* The exact bytes: precomposed Vietnamese letters (NFC), as people type them. */
    assert_string_equal(f.owner[0], "Tr\xe1\xba\xa7n Minh Khoa");
    assert_string_equal(f.owner[1], "Nguy\xe1\xbb\x85n Thu Trang");
    assert_string_equal(f.office, "Ho Chi Minh City");
    /* Message ids look like UUIDs: 8-4-4-4-12 lower-case hex digits. */
    assert_int_equal(strlen(f.message_id), 36);
    for (int i = 0; i < 36; i++) {
        char ch = f.message_id[i];
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(ch, '-');
        else
            assert_true((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
    }
}

/* Ranges wide enough for any seed; they catch a broken story, not a tuned one. */
static void business_shape_is_plausible(void **state)
{
    (void)state;
    struct check c;
    run(&c, 42, 400000, NULL);
    double ev_per_account = (double)c.n[JM_ENT_EVENT] / (double)c.n[JM_ENT_ACCOUNT];
    double win = (double)c.won / (double)(c.won + c.lost);
    double churn = (double)c.churned / (double)c.payers;
    double nps = 100.0 * ((double)c.promoters - (double)c.detractors) / (double)c.nps_answers;
    double breach = (double)c.breaches / (double)c.tickets_answered;
    print_message("events/account %.1f, win rate %.3f, churned %.3f of %llu payers, NPS %.1f, "
                  "SLA breached %.3f\n",
                  ev_per_account, win, churn, (unsigned long long)c.payers, nps, breach);
    assert_true(ev_per_account > 120 && ev_per_account < 260);
    assert_true(win > 0.15 && win < 0.45);
    assert_true(c.open > 0 && c.expansion_won > 0);
    assert_true(churn > 0.05 && churn < 0.5);
    assert_true(nps > 0 && nps < 70);
    assert_true(breach > 0.03 && breach < 0.4);
    check_release(&c);
}

static void vietnam_differs_measurably(void **state)
{
    (void)state;
    struct check c;
    run(&c, 42, 400000, NULL);
    double vn_cycle = c.cycle_days_vn / (double)c.cycles_vn;
    double other_cycle = c.cycle_days_other / (double)c.cycles_other;
    double vn_partner = (double)c.partner_vn / (double)c.presale_vn;
    double other_partner = (double)c.partner_other / (double)c.presale_other;
    uint64_t other_accounts = c.n[JM_ENT_ACCOUNT] - c.vn_accounts;
    double vn_presale = (double)c.presale_vn / (double)c.vn_accounts;
    double other_presale = (double)c.presale_other / (double)other_accounts;
    print_message("sales cycle %.0f vs %.0f days, partner share %.3f vs %.3f, pre-sale touches "
                  "%.1f vs %.1f per account (Vietnam vs elsewhere)\n",
                  vn_cycle, other_cycle, vn_partner, other_partner, vn_presale, other_presale);
    assert_true(vn_cycle > 1.15 * other_cycle);
    assert_true(vn_partner > 2 * other_partner);
    assert_true(vn_presale > 1.15 * other_presale);
    check_release(&c);
}

/* The shapes the journey map is meant to reveal are all in the data. */
static void journeys_stall_drop_and_go_back(void **state)
{
    (void)state;
    struct check c;
    run(&c, 42, 400000, NULL);
    double accounts = (double)c.n[JM_ENT_ACCOUNT];
    print_message("awareness only %.3f, gone silent %.3f, decider late %.3f, back after "
                  "proposal %.3f\n",
                  (double)c.awareness_only / accounts, (double)c.went_silent / accounts,
                  (double)c.late_deciders / (double)c.deciders_in_demos,
                  (double)c.backward / (double)c.proposals);
    assert_true(c.awareness_only > accounts * 0.1 && c.awareness_only < accounts * 0.7);
    assert_true(c.went_silent > accounts * 0.02);
    assert_true(c.late_deciders > c.deciders_in_demos / 2);
    /* Second looks after a proposal: re-evaluation, finance reading up, nurture after a loss. */
    assert_true(c.backward > c.proposals / 10 && c.backward < c.proposals * 9 / 10);
    check_release(&c);
}

static void bad_options_are_rejected(void **state)
{
    (void)state;
    struct check c;
    struct jm_error err;
    memset(&c, 0, sizeof(c));
    struct jm_demo_opts o = {.seed = 1, .events = 9999};
    assert_int_equal(jm_demo_generate(&o, check_sink, &c, NULL, &err), JM_EINVAL);
    assert_non_null(strstr(err.msg, "events"));
    o.events = 50000001;
    assert_int_equal(jm_demo_generate(&o, check_sink, &c, NULL, &err), JM_EINVAL);
    o.events = 10000;
    o.start_us = jm_days_from_civil(2025, 1, 1) * DAY_US;
    o.end_us = o.start_us + 30 * DAY_US;
    assert_int_equal(jm_demo_generate(&o, check_sink, &c, NULL, &err), JM_EINVAL);
    o.end_us = o.start_us - DAY_US;
    assert_int_equal(jm_demo_generate(&o, check_sink, &c, NULL, &err), JM_EINVAL);
    assert_int_equal(jm_demo_generate(NULL, check_sink, &c, NULL, &err), JM_EINVAL);
    assert_int_equal(jm_demo_generate(&o, NULL, &c, NULL, &err), JM_EINVAL);
    for (int k = 0; k < JM_ENT__COUNT; k++)
        assert_int_equal(c.n[k], 0); /* a call that fails up front never calls the sink */
}

struct stopper {
    uint64_t calls, stop_at;
};

static jm_status stopping_sink(const struct jm_record *r, void *ctx)
{
    struct stopper *s = ctx;
    (void)r;
    return ++s->calls == s->stop_at ? JM_EIO : JM_OK;
}

static void a_failing_sink_stops_generation(void **state)
{
    (void)state;
    struct stopper s = {0, 5000};
    struct jm_demo_summary sum;
    struct jm_demo_opts o = {.seed = 1, .events = 20000};
    assert_int_equal(jm_demo_generate(&o, stopping_sink, &s, &sum, NULL), JM_EIO);
    assert_int_equal(s.calls, 5000);
    uint64_t total = 0;
    for (int k = 0; k < JM_ENT__COUNT; k++)
        total += sum.records[k];
    assert_int_equal(total, 4999); /* the failed record is not counted */
}

static jm_status counting_sink(const struct jm_record *r, void *ctx)
{
    (void)r;
    ++*(uint64_t *)ctx;
    return JM_OK;
}

static void allocation_failures_are_reported(void **state)
{
    (void)state;
    struct jm_demo_opts o = {.seed = 9, .events = 10000};
    uint64_t calls = 0;
    jm_alloc_fail_reset();
    assert_int_equal(jm_demo_generate(&o, counting_sink, &calls, NULL, NULL), JM_OK);
    unsigned long n = jm_alloc_count();
    assert_true(n > 0);
    for (unsigned long i = 1; i <= n; i++) {
        struct jm_error err;
        jm_error_clear(&err);
        jm_alloc_fail_reset();
        jm_alloc_fail_at(i);
        jm_status rc = jm_demo_generate(&o, counting_sink, &calls, NULL, &err);
        jm_alloc_fail_reset();
        assert_int_equal(rc, JM_ENOMEM);
        assert_int_equal(err.code, JM_ENOMEM);
    }
}

static void a_million_events_stream_through(void **state)
{
    (void)state;
    uint64_t calls = 0;
    struct jm_demo_summary sum;
    struct jm_demo_opts o = {.seed = 2026, .events = 1000000};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(jm_demo_generate(&o, counting_sink, &calls, &sum, NULL), JM_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("10^6 events, %llu accounts, %llu records in %.2f s\n",
                  (unsigned long long)sum.records[JM_ENT_ACCOUNT], (unsigned long long)calls, s);
    assert_int_equal(sum.records[JM_ENT_EVENT], 1000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_and_size_give_identical_records),
        cmocka_unit_test(another_seed_gives_other_data),
        cmocka_unit_test(event_count_is_exact),
        cmocka_unit_test(records_are_valid_and_refer_backwards),
        cmocka_unit_test(times_are_inside_the_period_and_in_order),
        cmocka_unit_test(custom_period_is_respected),
        cmocka_unit_test(vietnamese_accounts_and_names_are_there),
        cmocka_unit_test(owners_come_first_with_exact_names),
        cmocka_unit_test(business_shape_is_plausible),
        cmocka_unit_test(vietnam_differs_measurably),
        cmocka_unit_test(journeys_stall_drop_and_go_back),
        cmocka_unit_test(bad_options_are_rejected),
        cmocka_unit_test(a_failing_sink_stops_generation),
        cmocka_unit_test(allocation_failures_are_reported),
        cmocka_unit_test(a_million_events_stream_through),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
