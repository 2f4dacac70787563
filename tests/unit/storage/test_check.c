/*
 * jm_storage_stats() on a small fixture with every expected row written out, and
 * jm_storage_check() on clean data, on bad-but-storable data, and on segments corrupted by
 * hand through SQLite.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include "storage_test.h"

/* Lines collected from stats or check. */
struct lines {
    char v[64][200];
    size_t n;
};

static void add_line(struct lines *l, const char *s)
{
    assert_true(l->n < 64);
    snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", s);
}

/*
 * Compares lines; a wanted line "PREFIX*FRAGMENT" matches any line that starts with PREFIX and
 * contains FRAGMENT (for messages whose wording belongs to the model, not to storage).
 */
static bool line_matches(const char *got, const char *want)
{
    const char *star = strchr(want, '*');
    if (!star)
        return strcmp(got, want) == 0;
    return strncmp(got, want, (size_t)(star - want)) == 0 && strstr(got, star + 1);
}

static void expect_lines(const struct lines *got, const char *const *want, size_t nwant)
{
    for (size_t i = 0; i < got->n || i < nwant; i++) {
        const char *g = i < got->n ? got->v[i] : "(none)";
        const char *w = i < nwant ? want[i] : "(none)";
        if (!line_matches(g, w))
            fail_msg("line %zu:\n  got  %s\n  want %s", i, g, w);
    }
}

static void deal(struct jm_storage *st, const char *id, const char *account, const char *pipeline,
                 const char *stage, const char *status, double amount, int64_t created,
                 int64_t closed)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_DEAL);
    set_text(&r, "id", id);
    set_text(&r, "account", account);
    if (pipeline)
        set_text(&r, "pipeline", pipeline);
    if (stage)
        set_text(&r, "stage", stage);
    if (status)
        set_text(&r, "status", status);
    if (amount > 0)
        set_real(&r, "amount", amount);
    if (created)
        set_time(&r, "created", created);
    if (closed)
        set_time(&r, "closed", closed);
    ws_put(st, &r);
}

static void event(struct jm_storage *st, int64_t t, const char *tp, const char *channel,
                  const char *contact)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    set_time(&r, "time", t);
    set_text(&r, "touchpoint", tp);
    if (channel)
        set_text(&r, "channel", channel);
    if (contact)
        set_text(&r, "contact", contact);
    ws_put(st, &r);
}

static void put_fixture(struct jm_storage *st)
{
    struct jm_record r;
    ws_begin(st);
    rec_init(&r, JM_ENT_OWNER);
    set_text(&r, "id", "O1");
    ws_put(st, &r);
    ws_put_basics(st, "A1", "C1");
    ws_put_basics(st, "A2", "C2");
    ws_put_basics(st, "A3", "C3");
    deal(st, "D1", "A1", "new", "won", "won", 1000, day_us(2024, 1, 10), day_us(2024, 2, 1));
    deal(st, "D2", "A1", "new", "proposal", "open", 500, day_us(2024, 1, 20), 0);
    deal(st, "D3", "A2", "new", "won", "won", 2000, day_us(2024, 2, 5), day_us(2024, 3, 1));
    deal(st, "D4", "A3", "renewal", "lost", "lost", 300, day_us(2024, 2, 10), day_us(2024, 2, 20));
    deal(st, "D5", "A3", NULL, NULL, NULL, 0, 0, 0);
    event(st, day_us(2023, 12, 31) + 5, "webinar", "email", "C1");
    event(st, day_us(2024, 1, 1), "webinar", "email", "C1");
    event(st, day_us(2024, 1, 15), "webinar", "email", "C2");
    event(st, day_us(2024, 1, 31) + JM_US_PER_DAY - 1, "demo", "email", NULL);
    event(st, day_us(2024, 2, 1), "blog view", "organic", NULL);
    event(st, day_us(2024, 2, 2), "blog view", "organic", "C3");
    event(st, day_us(2024, 2, 29), "demo", NULL, NULL);
    rec_init(&r, JM_ENT_TICKET);
    set_text(&r, "id", "T1");
    set_time(&r, "opened", day_us(2024, 2, 1));
    ws_put(st, &r);
    rec_init(&r, JM_ENT_SURVEY);
    set_text(&r, "id", "S1");
    set_time(&r, "time", day_us(2024, 2, 1));
    set_text(&r, "kind", "nps");
    set_real(&r, "score", 9);
    ws_put(st, &r);
    rec_init(&r, JM_ENT_REVENUE);
    set_text(&r, "account", "A1");
    set_time(&r, "period_start", day_us(2024, 2, 1));
    set_real(&r, "mrr", 99);
    ws_put(st, &r);
    ws_commit(st);
}

/* ---------------------------------------------------------------- stats */

static jm_status stat_line(const char *section, const char *label, uint64_t count, double amount,
                           void *ctx)
{
    char line[200];
    if (isnan(amount))
        snprintf(line, sizeof(line), "%s|%s|%llu", section, label, (unsigned long long)count);
    else
        snprintf(line, sizeof(line), "%s|%s|%llu|%.2f", section, label, (unsigned long long)count,
                 amount);
    add_line(ctx, line);
    return JM_OK;
}

static void stats_of_a_small_fixture(void **state)
{
    (void)state;
    static const char *const want[] = {
        "entities|events|7",
        "entities|deals|5",
        "entities|accounts|3",
        "entities|contacts|3",
        "entities|owners|1",
        "entities|revenue|1",
        "entities|surveys|1",
        "entities|tickets|1",
        "deal stages|new / won (won)|2|3000.00",
        "deal stages|(missing) / (missing) ((missing))|1|0.00",
        "deal stages|new / proposal (open)|1|500.00",
        "deal stages|renewal / lost (lost)|1|300.00",
        "deal status|won|2|3000.00",
        "deal status|(missing)|1|0.00",
        "deal status|lost|1|300.00",
        "deal status|open|1|500.00",
        "deals by month|2024-01|2|1500.00",
        "deals by month|2024-02|2|2300.00",
        "deals by month|(missing)|1|0.00",
        "event channels|email|4",
        "event channels|organic|2",
        "event channels|(missing)|1",
        "touchpoints|webinar|3",
        "touchpoints|blog view|2",
        "touchpoints|demo|2",
        "events by month|2023-12|1",
        "events by month|2024-01|3",
        "events by month|2024-02|3",
    };
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    put_fixture(st);
    struct lines got = {.n = 0};
    struct jm_error err;
    assert_int_equal(jm_storage_stats(st, stat_line, &got, &err), JM_OK);
    expect_lines(&got, want, sizeof(want) / sizeof(want[0]));
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- check */

static void check_line(const char *line, void *ctx)
{
    add_line(ctx, line);
}

static unsigned long run_check(struct jm_storage *st, struct lines *got)
{
    unsigned long problems = 99;
    struct jm_error err;
    got->n = 0;
    if (jm_storage_check(st, check_line, got, &problems, &err))
        fail_msg("check: %s", err.msg);
    return problems;
}

static void clean_workspace_checks_clean(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct lines got;
    assert_int_equal(run_check(st, &got), 0);
    assert_int_equal(got.n, 0);
    put_fixture(st);
    assert_int_equal(run_check(st, &got), 0);
    expect_lines(&got, NULL, 0);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void check_finds_bad_but_storable_rows(void **state)
{
    (void)state;
    static const char *const want[] = {
        "warning: deal 'D8' was closed 2024-01-01, before it was created 2024-02-01",
        "warning: deal 'D9' is won but has no close date",
        "warning: ticket 'T2' was resolved 2024-03-01T12:00:00Z, before it was opened 2024-03-02",
        "survey 'S2': *11",
    };
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_record r;
    ws_begin(st);
    ws_put_basics(st, "A1", "C1");
    deal(st, "D8", "A1", "new", "won", "won", 10, day_us(2024, 2, 1), day_us(2024, 1, 1));
    deal(st, "D9", "A1", "new", "won", "won", 10, day_us(2024, 2, 1), 0);
    rec_init(&r, JM_ENT_TICKET);
    set_text(&r, "id", "T2");
    set_time(&r, "opened", day_us(2024, 3, 2));
    set_time(&r, "resolved", day_us(2024, 3, 1) + 12 * 3600 * JM_US_PER_SEC);
    ws_put(st, &r);
    rec_init(&r, JM_ENT_SURVEY);
    set_text(&r, "id", "S2");
    set_time(&r, "time", day_us(2024, 2, 1));
    set_text(&r, "kind", "nps");
    set_real(&r, "score", 11);
    ws_put(st, &r);
    ws_commit(st);
    struct lines got;
    assert_int_equal(run_check(st, &got), 1); /* warnings are not problems */
    expect_lines(&got, want, sizeof(want) / sizeof(want[0]));
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static jm_status no_op(const struct jm_event_segment *seg, void *ctx)
{
    (void)seg, (void)ctx;
    return JM_OK;
}

static void check_finds_hand_made_corruption(void **state)
{
    (void)state;
    static const char *const want[] = {
        "contacts row 2 refers to a missing row of accounts",
        "deal 'D1'*'maybe'",
        "event segment 1 is corrupt: column time has 10 bytes, expected 24 for 3 events",
        "event segment 2: min_time/max_time do not match its events",
        "event segment 2: 2 contact values refer to missing contacts (first: id 99 at event 0)",
        "event segment 2: 2 touchpoint values refer to missing dictionary entries (first: id 9 "
        "at event 0)",
        "event segment 3: 2 contact values refer to missing contacts (first: id 99 at event 0)",
        "event segment 3: 2 touchpoint values refer to missing dictionary entries (first: id 9 "
        "at event 0)",
        "event segment 3: 2 events repeat the dedup key of another event",
    };
    const char *dir = jm_test_tmpdir();
    const char *path = jm_test_path(dir, "ws.db");
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    ws_put_basics(st, "A1", "C1");
    deal(st, "D1", "A1", NULL, NULL, "open", 0, 0, 0);
    for (int i = 0; i < 3; i++)
        event(st, i, "webinar", "email", "C1");
    ws_commit(st);
    ws_begin(st);
    for (int i = 3; i < 5; i++)
        event(st, i, "demo", NULL, "C1");
    ws_commit(st);
    jm_storage_close(st);

    /* Foreign keys are off in a plain connection: the raw writes get through. */
    sqlite3 *db = raw_open(path);
    raw_exec(db, "INSERT INTO contacts(id, account) VALUES('C9', 'ZZ')");
    raw_exec(db, "UPDATE deals SET status = 'maybe' WHERE id = 'D1'");
    raw_exec(db, "UPDATE event_segments SET time = substr(time, 1, 10) WHERE id = 1");
    raw_exec(db, "UPDATE event_segments SET contact = x'6300000063000000',"
                 " touchpoint = x'0900000009000000', max_time = max_time + 1 WHERE id = 2");
    raw_exec(db, "INSERT INTO event_segments(n, min_time, max_time, key, time, contact, touchpoint)"
                 " SELECT n, min_time, max_time - 1, key, time, contact, touchpoint"
                 " FROM event_segments WHERE id = 2");
    sqlite3_close(db);

    st = ws_open(path, 0);
    struct lines got;
    assert_int_equal(run_check(st, &got), 9);
    expect_lines(&got, want, sizeof(want) / sizeof(want[0]));
    struct jm_error err;
    assert_int_equal(jm_storage_scan_events(st, no_op, NULL, &err), JM_ESTORAGE);
    assert_string_equal(err.msg, "event segment 1 is corrupt: column time has 10 bytes, expected "
                                 "24 for 3 events");
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats_of_a_small_fixture),
        cmocka_unit_test(clean_workspace_checks_clean),
        cmocka_unit_test(check_finds_bad_but_storable_rows),
        cmocka_unit_test(check_finds_hand_made_corruption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
