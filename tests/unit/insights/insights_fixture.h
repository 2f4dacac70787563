/*
 * What the insights' tests share: putting the records of a workspace small enough to compute by
 * hand, and the fixture that turns it into dataset, journey, timelines and report, keeps the
 * insight under test and frees it all again. Each test file describes its own workspace.
 *
 *   fx_setup(state, fill, so, yaml)   a fresh workspace in a temporary folder, filled by
 *                                     `fill`, loaded with store options `so` (NULL: defaults);
 *                                     with `yaml`, its journey run and analysed over everything
 *   fx_teardown(state)                frees all of it; both fit cmocka's setup and teardown
 *
 * Times: fx_day(d) is day `d` (fractions allowed) after 2025-01-01 00:00 UTC. Records whose
 * optional fields are many (deals, tickets, surveys) are put from a struct.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_TEST_INSIGHTS_FIXTURE_H
#define JM_TEST_INSIGHTS_FIXTURE_H

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "../storage/storage_test.h"
#include "insights/internal.h"

#define FX_HOUR    (3600 * JM_US_PER_SEC)
#define FX_NO_TIME INT64_MIN

/* A contact-level journey, which the account-level insights refuse. */
static const char FX_CONTACT_JOURNEY[] = "journey: c\n"
                                         "name: C\n"
                                         "settings:\n"
                                         "  level: contact\n"
                                         "stages:\n"
                                         "  - key: aware\n"
                                         "    name: Aware\n"
                                         "    entry: {event: {touchpoint: webinar}}\n";

static inline int64_t fx_day(double day)
{
    return day_us(2025, 1, 1) + (int64_t)(day * 24 * FX_HOUR);
}

/* ---------------------------------------------------------------- records */

/* An account named after its id; `segment` and `props` (a JSON object) may be NULL. */
static inline void fx_account(struct jm_storage *st, const char *id, const char *segment,
                              const char *props)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", id);
    set_text(&r, "name", id);
    if (segment)
        set_text(&r, "segment", segment);
    if (props)
        set_props(&r, props);
    ws_put(st, &r);
}

/* A contact of `account`, created at `created` (FX_NO_TIME: not known). */
static inline void fx_contact(struct jm_storage *st, const char *id, const char *account,
                              int64_t created)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_CONTACT);
    set_text(&r, "id", id);
    set_text(&r, "account", account);
    if (created != FX_NO_TIME)
        set_time(&r, "created", created);
    ws_put(st, &r);
}

/* An event of `account` at `t` into `r`, for more fields before ws_put(); `contact` and
 * `channel` may be NULL. */
static inline void fx_event_rec(struct jm_record *r, const char *account, const char *contact,
                                int64_t t, const char *touchpoint, const char *channel)
{
    rec_init(r, JM_ENT_EVENT);
    set_time(r, "time", t);
    set_text(r, "account", account);
    if (contact)
        set_text(r, "contact", contact);
    set_text(r, "touchpoint", touchpoint);
    if (channel)
        set_text(r, "channel", channel);
}

static inline void fx_event(struct jm_storage *st, const char *account, const char *contact,
                            int64_t t, const char *touchpoint, const char *channel)
{
    struct jm_record r;
    fx_event_rec(&r, account, contact, t, touchpoint, channel);
    ws_put(st, &r);
}

/* A revenue row: `account`'s MRR for the period starting at `t`. */
static inline void fx_revenue(struct jm_storage *st, const char *account, int64_t t, double mrr)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_REVENUE);
    set_text(&r, "account", account);
    set_time(&r, "period_start", t);
    set_real(&r, "mrr", mrr);
    ws_put(st, &r);
}

/* `name` and `lost_reason` may be NULL; `amount` is NAN for none (0 is an amount). */
struct fx_deal {
    const char *id, *account, *name, *status, *lost_reason;
    int64_t created, closed;
    double amount;
};

static inline void fx_deal(struct jm_storage *st, const struct fx_deal *d)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_DEAL);
    set_text(&r, "id", d->id);
    set_text(&r, "account", d->account);
    if (d->name)
        set_text(&r, "name", d->name);
    set_time(&r, "created", d->created);
    set_time(&r, "closed", d->closed);
    set_text(&r, "status", d->status);
    if (!isnan(d->amount))
        set_real(&r, "amount", d->amount);
    if (d->lost_reason)
        set_text(&r, "lost_reason", d->lost_reason);
    ws_put(st, &r);
}

/* `priority` may be NULL; hours after `opened` and `csat` are < 0 for none. */
struct fx_ticket {
    const char *id, *account, *priority;
    int64_t opened;
    double response_h, resolution_h, csat;
};

static inline void fx_ticket(struct jm_storage *st, const struct fx_ticket *t)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_TICKET);
    set_text(&r, "id", t->id);
    set_text(&r, "account", t->account);
    if (t->priority)
        set_text(&r, "priority", t->priority);
    set_time(&r, "opened", t->opened);
    if (t->response_h >= 0)
        set_time(&r, "first_response", t->opened + (int64_t)(t->response_h * FX_HOUR));
    if (t->resolution_h >= 0)
        set_time(&r, "resolved", t->opened + (int64_t)(t->resolution_h * FX_HOUR));
    if (t->csat >= 0)
        set_real(&r, "csat", t->csat);
    ws_put(st, &r);
}

/* `contact` may be NULL. */
struct fx_survey {
    const char *id, *account, *contact, *kind;
    double score;
    int64_t time;
};

static inline void fx_survey(struct jm_storage *st, const struct fx_survey *s)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_SURVEY);
    set_text(&r, "id", s->id);
    set_text(&r, "account", s->account);
    if (s->contact)
        set_text(&r, "contact", s->contact);
    set_text(&r, "kind", s->kind);
    set_real(&r, "score", s->score);
    set_time(&r, "time", s->time);
    ws_put(st, &r);
}

/* ---------------------------------------------------------------- the fixture */

struct fx {
    char *dir;
    struct jm_storage *st;
    struct jm_dataset *ds;
    struct jm_journey *j, *j2; /* j2: a second journey on the same data, fx_run2() */
    struct jm_timelines *tl, *tl2;
    struct jm_report *r;
    /* The insight under test, where a test keeps it; fx_drop() frees them. */
    struct jm_attribution *a;
    struct jm_paths *p;
    struct jm_flows *fl;
    struct jm_retention *rt;
    struct jm_voice *v;
    struct jm_questions *q;
    struct jm_error err;
};

static inline void fx_free_insights(struct fx *f)
{
    jm_attribution_free(f->a);
    jm_paths_free(f->p);
    jm_flows_free(f->fl);
    jm_retention_free(f->rt);
    jm_voice_free(f->v);
    jm_questions_free(f->q);
    f->a = NULL;
    f->p = NULL;
    f->fl = NULL;
    f->rt = NULL;
    f->v = NULL;
    f->q = NULL;
}

static inline bool fx_has_insight(const struct fx *f)
{
    return f->a || f->p || f->fl || f->rt || f->v || f->q;
}

/* Frees the insights and the report. */
static inline void fx_drop(struct fx *f)
{
    fx_free_insights(f);
    jm_report_free(f->r);
    f->r = NULL;
}

/* Fails the test unless `rc` is JM_OK, with f->err's message. */
static inline void fx_ok(struct fx *f, jm_status rc, const char *what)
{
    if (rc)
        fail_msg("%s: %s (%s)", what, f->err.msg, jm_strerror(rc));
}

/* Replaces f->r by the report of `tl` over `ao` (NULL: everything); drops the insights. */
static inline void fx_analyze(struct fx *f, const struct jm_timelines *tl,
                              const struct jm_analysis_options *ao)
{
    struct jm_analysis_options all = {.from = INT64_MIN, .to = INT64_MAX};
    fx_drop(f);
    jm_error_clear(&f->err);
    fx_ok(f, jm_analyze(tl, ao ? ao : &all, &f->r, &f->err), "analyze");
}

static inline void fx_run_into(struct fx *f, const char *yaml, struct jm_journey **j,
                               struct jm_timelines **tl)
{
    if (f->r && f->r->tl == *tl)
        fx_drop(f);
    jm_timelines_free(*tl);
    jm_journey_free(*j);
    *tl = NULL;
    *j = NULL;
    jm_error_clear(&f->err);
    fx_ok(f, jm_journey_parse(yaml, strlen(yaml), "test.yaml", j, &f->err), "journey");
    fx_ok(f, jm_journey_run(f->ds, *j, tl, &f->err), "run");
}

/* Replaces the journey by `yaml`, runs and analyses it over everything. */
static inline void fx_journey(struct fx *f, const char *yaml)
{
    fx_drop(f);
    fx_run_into(f, yaml, &f->j, &f->tl);
    fx_analyze(f, f->tl, NULL);
}

/* Runs `yaml` as the second journey (j2, tl2); no report. */
static inline void fx_run2(struct fx *f, const char *yaml)
{
    fx_run_into(f, yaml, &f->j2, &f->tl2);
}

/* (Re)loads the dataset with `so` (NULL: defaults); the journey, if any, runs and is analysed
 * again over everything. */
static inline void fx_load(struct fx *f, const struct jm_store_options *so)
{
    fx_drop(f);
    jm_timelines_free(f->tl);
    jm_dataset_free(f->ds);
    f->tl = NULL;
    jm_error_clear(&f->err);
    fx_ok(f, jm_dataset_load(f->st, so, &f->ds, &f->err), "load");
    if (!f->j)
        return;
    fx_ok(f, jm_journey_run(f->ds, f->j, &f->tl, &f->err), "run");
    fx_analyze(f, f->tl, NULL);
}

static inline int fx_setup(void **state, void (*fill)(struct jm_storage *st),
                           const struct jm_store_options *so, const char *yaml)
{
    struct fx *f = calloc(1, sizeof(*f));
    f->dir = strdup(jm_test_tmpdir());
    f->st = ws_create(f->dir);
    ws_begin(f->st);
    fill(f->st);
    ws_commit(f->st);
    fx_load(f, so);
    if (yaml)
        fx_journey(f, yaml);
    *state = f;
    return 0;
}

static inline int fx_teardown(void **state)
{
    struct fx *f = *state;
    fx_drop(f);
    jm_timelines_free(f->tl2);
    jm_journey_free(f->j2);
    jm_timelines_free(f->tl);
    jm_journey_free(f->j);
    jm_dataset_free(f->ds);
    jm_storage_close(f->st);
    jm_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Test `fn` between the file's own `setup` and fx_teardown. */
#define FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, fx_teardown)

/* ---------------------------------------------------------------- failing allocations */

enum fx_insight { FX_ATTRIBUTION, FX_RETENTION, FX_VOICE, FX_QUESTIONS, FX_PATHS_FLOWS };

/* The paths of `o`, then the flows (3 paths each); failed flows free the paths, so that only a
 * success leaves an insight. */
static inline jm_status fx_paths_then_flows(struct fx *f, const struct jm_paths_opts *o)
{
    jm_status rc = jm_paths_compute(f->r, o, &f->p, &f->err);
    if (rc)
        return rc;
    rc = jm_paths_flows(f->r, 3, &f->fl, &f->err);
    if (rc) {
        jm_paths_free(f->p);
        f->p = NULL;
    }
    return rc;
}

/* Computes `which` of f->r with options `opts` (of its type) into its place in `f`. */
static inline jm_status fx_compute(struct fx *f, enum fx_insight which, const void *opts)
{
    switch (which) {
    case FX_ATTRIBUTION:
        return jm_attribution_compute(f->r, opts, &f->a, &f->err);
    case FX_RETENTION:
        return jm_retention_compute(f->r, opts, &f->rt, &f->err);
    case FX_VOICE:
        return jm_voice_compute(f->r, opts, &f->v, &f->err);
    case FX_QUESTIONS:
        return jm_questions_compute(f->r, opts, &f->q, &f->err);
    case FX_PATHS_FLOWS:
        return fx_paths_then_flows(f, opts);
    }
    return JM_EINVAL;
}

/* `which` with options `opts` must be refused as JM_EINVAL, leaving no insight. */
static inline void fx_refuses(struct fx *f, enum fx_insight which, const void *opts)
{
    fx_free_insights(f);
    assert_int_equal(fx_compute(f, which, opts), JM_EINVAL);
    assert_false(fx_has_insight(f));
}

/*
 * Computes `which` with its n-th allocation failing, n = 1, 2, ... below `limit`, until it
 * succeeds. Each failure must be JM_ENOMEM and leave no insight in `f`, the success one.
 * Returns the n that succeeded (its insight stays in `f`), or `limit`.
 */
static inline unsigned long fx_fail_each_alloc(struct fx *f, enum fx_insight which,
                                               const void *opts, unsigned long limit)
{
    unsigned long n;
    for (n = 1; n < limit; n++) {
        fx_free_insights(f);
        jm_alloc_fail_at(n);
        jm_status rc = fx_compute(f, which, opts);
        jm_alloc_fail_reset();
        assert_int_equal(fx_has_insight(f), rc == JM_OK);
        if (!rc)
            break;
        assert_int_equal(rc, JM_ENOMEM);
    }
    return n;
}

/* ---------------------------------------------------------------- JSON */

/* Appends the JSON of the insight `which` that `f` holds (the paths for FX_PATHS_FLOWS). */
static inline jm_status fx_json(struct fx *f, enum fx_insight which, struct jm_strbuf *sb)
{
    switch (which) {
    case FX_ATTRIBUTION:
        return jm_attribution_json(f->r, f->a, JM_LANG_EN, sb);
    case FX_RETENTION:
        return jm_retention_json(f->r, f->rt, JM_LANG_EN, sb);
    case FX_VOICE:
        return jm_voice_json(f->r, f->v, JM_LANG_EN, sb);
    case FX_QUESTIONS:
        return jm_questions_json(f->r, f->q, JM_LANG_EN, sb);
    case FX_PATHS_FLOWS:
        return jm_paths_json(f->r, f->p, JM_LANG_EN, sb);
    }
    return JM_EINVAL;
}

/* `text` parsed (free with json_decref); fails the test when it is not JSON. */
static inline json_t *fx_json_parse(const char *text)
{
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    if (!doc)
        fail_msg("bad json: %s in %s", je.text, text);
    return doc;
}

/*
 * The JSON of `which` under every ceiling too small for all of it must fail, never come back
 * cut as a success; under its own length it must be the very same bytes.
 */
static inline void fx_json_fails_when_cut(struct fx *f, enum fx_insight which)
{
    struct jm_strbuf whole;
    jm_strbuf_init(&whole, 0);
    assert_int_equal(fx_json(f, which, &whole), JM_OK);
    for (size_t max = 1; max <= whole.len; max++) {
        struct jm_strbuf sb;
        jm_strbuf_init(&sb, max);
        jm_status rc = fx_json(f, which, &sb);
        if (max < whole.len) {
            assert_int_not_equal(rc, JM_OK);
        } else {
            assert_int_equal(rc, JM_OK);
            assert_string_equal(sb.buf, whole.buf);
        }
        jm_strbuf_release(&sb);
    }
    jm_strbuf_release(&whole);
}

#endif
