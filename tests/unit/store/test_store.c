/*
 * Tests of the analytic event store: exact order, slices and dictionaries on a hand-made
 * workspace, invariants and a cross-check with `journeymap stats` on the demo company, the
 * optional extra columns checked event by event against an independent scan of the storage,
 * and every allocation of a load failing in turn.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "../storage/storage_test.h"
#include "journeymap/demo.h"
#include "journeymap/store.h"
#include "journeymap/workspace.h"

static int64_t at(int sec)
{
    return day_us(2025, 1, 1) + (int64_t)sec * JM_US_PER_SEC;
}

static void put_account(struct jm_storage *st, const char *id)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_ACCOUNT);
    set_text(&r, "id", id);
    set_text(&r, "name", id);
    ws_put(st, &r);
}

static void put_contact(struct jm_storage *st, const char *id, const char *account)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_CONTACT);
    set_text(&r, "id", id);
    set_text(&r, "account", account);
    ws_put(st, &r);
}

struct ev {
    const char *mid, *account, *contact, *tp, *ch;
    int sec;
};

/* Ten events over three accounts, out of time order, in two segments. */
static const struct ev EVENTS[] = {
    {"e1", "acc-b", "con-b1", "demo", "email", 50},
    {"e2", "acc-a", "con-a2", "webinar", "web", 30},
    {"e3", "acc-a", "con-a1", "demo", NULL, 20},
    {"e4", "acc-a", "con-a1", "signup", "web", 10},
    {"e5", "acc-a", NULL, "webinar", "email", 40},
    {"e6", NULL, NULL, "signup", "web", 5},
    {"e7", "acc-c", "con-c1", "demo", "chat", 70},
    {"e8", "acc-c", "con-c1", "demo", "chat", 60},
    {"e9", "acc-b", "con-b1", "signup", "email", 45},
    {"e10", "acc-a", "con-a2", "demo", "web", 25},
};

static void put_ev(struct jm_storage *st, const struct ev *e)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    set_text(&r, "message_id", e->mid);
    set_time(&r, "time", at(e->sec));
    set_text(&r, "touchpoint", e->tp);
    if (e->account)
        set_text(&r, "account", e->account);
    if (e->contact)
        set_text(&r, "contact", e->contact);
    if (e->ch)
        set_text(&r, "channel", e->ch);
    ws_put(st, &r);
}

static void make_small(struct jm_storage *st)
{
    ws_begin(st);
    put_account(st, "acc-b");
    put_account(st, "acc-a");
    put_account(st, "acc-c");
    put_contact(st, "con-b1", "acc-b");
    put_contact(st, "con-a2", "acc-a");
    put_contact(st, "con-a1", "acc-a");
    put_contact(st, "con-c1", "acc-c");
    for (size_t i = 0; i < 5; i++)
        put_ev(st, &EVENTS[i]);
    ws_commit(st);
    ws_begin(st);
    for (size_t i = 5; i < sizeof(EVENTS) / sizeof(EVENTS[0]); i++)
        put_ev(st, &EVENTS[i]);
    ws_commit(st);
}

static struct jm_store *load(struct jm_storage *st)
{
    struct jm_store *s = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_store_load(st, &s, &err))
        fail_msg("store load: %s", err.msg);
    return s;
}

static void assert_dict(const struct jm_store *s, enum jm_store_dict d, const char *const *want,
                        size_t n)
{
    assert_int_equal(jm_store_dict_size(s, d), n);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        assert_string_equal(jm_store_text(s, d, i, &len), want[i]);
        assert_int_equal(len, strlen(want[i]));
        if (len)
            assert_int_equal(jm_store_lookup(s, d, want[i], len), (int64_t)i);
    }
    assert_int_equal(jm_store_lookup(s, d, "nope", 4), -1);
    assert_int_equal(jm_store_lookup(s, d, "", 0), -1);
}

static void dictionaries_are_sorted_by_text(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    make_small(st);
    struct jm_store *s = load(st);
    static const char *const acc[] = {"acc-a", "acc-b", "acc-c"};
    static const char *const con[] = {"", "con-a1", "con-a2", "con-b1", "con-c1"};
    static const char *const tp[] = {"", "demo", "signup", "webinar"};
    static const char *const ch[] = {"", "chat", "email", "web"};
    assert_dict(s, JM_STORE_ACCOUNT, acc, 3);
    assert_dict(s, JM_STORE_CONTACT, con, 5);
    assert_dict(s, JM_STORE_TOUCHPOINT, tp, 4);
    assert_dict(s, JM_STORE_CHANNEL, ch, 4);
    assert_string_equal(jm_store_text(s, JM_STORE_ACCOUNT, 3, NULL), "");
    assert_int_equal(jm_store_accounts(s), 3);
    assert_int_equal(jm_store_contacts(s), 4);
    jm_store_free(s);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void events_are_sorted_by_account_contact_time(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    make_small(st);
    struct jm_store *s = load(st);
    const struct jm_store_columns *c = jm_store_columns(s);
    static const int secs[] = {40, 10, 20, 25, 30, 45, 50, 60, 70, 5};
    static const uint32_t con[] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 0};
    static const uint16_t tp[] = {3, 2, 1, 1, 3, 2, 1, 1, 1, 2};
    static const uint8_t ch[] = {2, 3, 0, 3, 3, 2, 2, 1, 1, 3};
    static const uint32_t starts[] = {0, 5, 7, 9, 10};
    assert_int_equal(c->n, 10);
    assert_int_equal(jm_store_events(s), 10);
    assert_int_equal(c->n_accounts, 3);
    for (size_t i = 0; i < 10; i++) {
        assert_int_equal(c->time_us[i], at(secs[i]));
        assert_int_equal(c->contact[i], con[i]);
        assert_int_equal(c->touchpoint[i], tp[i]);
        assert_int_equal(c->channel[i], ch[i]);
    }
    for (size_t a = 0; a <= 3; a++) {
        size_t b, e;
        jm_store_account_slice(s, a, &b, &e);
        assert_int_equal(b, starts[a]);
        assert_int_equal(e, starts[a + 1]);
        assert_int_equal(c->account_start[a], starts[a]);
    }
    size_t b = 1, e = 1;
    jm_store_account_slice(s, 4, &b, &e);
    assert_int_equal(e - b, 0);
    double bpe = jm_store_bytes_per_event(s);
    assert_true(fabs(bpe - (15.0 * 10 + 4 * 5) / 10) < 1e-9);
    jm_store_free(s);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void empty_workspace_gives_an_empty_store(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_store *s = load(st);
    assert_int_equal(jm_store_events(s), 0);
    assert_int_equal(jm_store_accounts(s), 0);
    assert_int_equal(jm_store_contacts(s), 0);
    size_t b = 1, e = 1;
    jm_store_account_slice(s, 0, &b, &e);
    assert_int_equal(e - b, 0);
    assert_true(jm_store_bytes_per_event(s) == 0);
    jm_store_free(s);
    jm_store_free(NULL);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void long_runs_are_sorted_stably_by_time(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    put_account(st, "acc-a");
    put_contact(st, "con-a1", "acc-a");
    for (int i = 0; i < 200; i++) {
        char mid[32], tp[32];
        snprintf(mid, sizeof(mid), "m%d", i);
        snprintf(tp, sizeof(tp), "t%03d", i);
        put_ev(st, &(struct ev){mid, "acc-a", "con-a1", tp, NULL, (i * 37) % 50});
    }
    ws_commit(st);
    struct jm_store *s = load(st);
    const struct jm_store_columns *c = jm_store_columns(s);
    assert_int_equal(c->n, 200);
    /* Touchpoint "t%03d" of event i has index i + 1, so it names the event. */
    for (size_t k = 1; k < c->n; k++) {
        assert_true(c->time_us[k - 1] <= c->time_us[k]);
        if (c->time_us[k - 1] == c->time_us[k])
            assert_true(c->touchpoint[k - 1] < c->touchpoint[k]);
    }
    for (size_t k = 0; k < c->n; k++)
        assert_int_equal(c->time_us[k], at(((c->touchpoint[k] - 1) * 37) % 50));
    jm_store_free(s);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void more_than_255_channels_is_a_limit(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    for (int i = 0; i < 255; i++) {
        char mid[32], chan[32];
        snprintf(mid, sizeof(mid), "m%d", i);
        snprintf(chan, sizeof(chan), "ch%03d", i);
        put_ev(st, &(struct ev){mid, NULL, NULL, "demo", chan, i});
    }
    ws_commit(st);
    struct jm_store *s = load(st);
    assert_int_equal(jm_store_dict_size(s, JM_STORE_CHANNEL), 256);
    jm_store_free(s);
    ws_begin(st);
    put_ev(st, &(struct ev){"one-more", NULL, NULL, "demo", "ch255", 1});
    ws_commit(st);
    struct jm_error err;
    s = (struct jm_store *)&err; /* must be reset to NULL */
    assert_int_equal(jm_store_load(st, &s, &err), JM_ELIMIT);
    assert_null(s);
    assert_string_equal(err.msg, "more than 255 channels");
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- demo company */

static jm_status put_sink(const struct jm_record *rec, void *ctx)
{
    enum jm_put_outcome out;
    return jm_storage_put(ctx, rec, &out, NULL);
}

struct tp_check {
    const struct jm_store *s;
    const uint64_t *counts;
    uint64_t total;
    size_t rows;
};

static jm_status check_stat(const char *section, const char *label, uint64_t count, double amount,
                            void *ctx)
{
    (void)amount;
    struct tp_check *c = ctx;
    if (strcmp(section, "touchpoints") != 0)
        return JM_OK;
    int64_t i = jm_store_lookup(c->s, JM_STORE_TOUCHPOINT, label, strlen(label));
    if (i < 0)
        fail_msg("touchpoint '%s' not in the store", label);
    if (c->counts[i] != count)
        fail_msg("touchpoint '%s': store %llu, stats %llu", label, (unsigned long long)c->counts[i],
                 (unsigned long long)count);
    c->total += count;
    c->rows++;
    return JM_OK;
}

/* Accounts are runs, contacts runs within them, times ascending within a contact. */
static void assert_sorted(const struct jm_store *s)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    assert_int_equal(c->account_start[0], 0);
    assert_int_equal(c->account_start[c->n_accounts + 1], c->n);
    for (size_t a = 0; a <= c->n_accounts; a++) {
        size_t b, e;
        jm_store_account_slice(s, a, &b, &e);
        assert_true(b <= e);
        for (size_t i = b + 1; i < e; i++) {
            assert_true(c->contact[i - 1] <= c->contact[i]);
            if (c->contact[i - 1] == c->contact[i])
                assert_true(c->time_us[i - 1] <= c->time_us[i]);
        }
    }
}

static void demo_company_matches_storage_stats(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_demo_opts o = {.seed = 7, .events = 20000};
    struct jm_error err;
    ws_begin(st);
    if (jm_demo_generate(&o, put_sink, st, NULL, &err))
        fail_msg("demo: %s", err.msg);
    ws_commit(st);
    struct jm_store *s = load(st);
    assert_int_equal(jm_store_events(s), 20000);
    assert_int_equal(jm_store_accounts(s), ws_count(st, JM_ENT_ACCOUNT));
    assert_sorted(s);
    size_t ntp = jm_store_dict_size(s, JM_STORE_TOUCHPOINT);
    uint64_t *counts = test_calloc(ntp, sizeof(*counts));
    const struct jm_store_columns *c = jm_store_columns(s);
    for (size_t i = 0; i < c->n; i++)
        counts[c->touchpoint[i]]++;
    struct tp_check chk = {s, counts, 0, 0};
    assert_int_equal(jm_storage_stats(st, check_stat, &chk, &err), JM_OK);
    assert_int_equal(chk.total, 20000);
    assert_int_equal(chk.rows, ntp - 1);
    assert_int_equal(counts[0], 0);
    print_message("%zu touchpoints, %.2f bytes/event\n", ntp - 1, jm_store_bytes_per_event(s));
    test_free(counts);
    jm_store_free(s);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- extra columns */

#define BIT(f) (UINT64_C(1) << (f))
static const enum jm_event_field TEXT_FIELDS[] = {
    JM_EV_MESSAGE_ID,  JM_EV_ANONYMOUS_ID, JM_EV_UTM_SOURCE, JM_EV_UTM_MEDIUM, JM_EV_UTM_CAMPAIGN,
    JM_EV_UTM_CONTENT, JM_EV_UTM_TERM,     JM_EV_URL,        JM_EV_REFERRER,   JM_EV_CURRENCY,
};
#define N_TEXT (sizeof(TEXT_FIELDS) / sizeof(TEXT_FIELDS[0]))
#define ALL_TEXT                                                                                   \
    (BIT(JM_EV_MESSAGE_ID) | BIT(JM_EV_ANONYMOUS_ID) | BIT(JM_EV_UTM_SOURCE) |                     \
     BIT(JM_EV_UTM_MEDIUM) | BIT(JM_EV_UTM_CAMPAIGN) | BIT(JM_EV_UTM_CONTENT) |                    \
     BIT(JM_EV_UTM_TERM) | BIT(JM_EV_URL) | BIT(JM_EV_REFERRER) | BIT(JM_EV_CURRENCY))
#define ALL_FIELDS (ALL_TEXT | BIT(JM_EV_VALUE) | BIT(JM_EV_SENTIMENT))

static struct jm_store *load_with(struct jm_storage *st, uint64_t fields, bool props)
{
    struct jm_store_options o = {.fields = fields, .properties = props};
    struct jm_store *s = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    if (jm_store_load_with(st, &o, &s, &err))
        fail_msg("store load: %s", err.msg);
    return s;
}

/* An event with every field; NULL texts and NAN numbers are left out. */
struct xev {
    const char *mid, *account, *contact, *tp;
    int sec;
    const char *src, *medium, *campaign, *url, *anon, *currency;
    double value, sentiment;
    const char *props;
};

static const struct xev XEVENTS[] = {
    {"x1", "acc-b", "con-b1", "demo", 50, "google", "cpc", "spring", "https://a/1", NULL, "VND",
     1500000, 0.5, "{\"plan\":\"pro\"}"},
    {"x2", "acc-a", "con-a2", "webinar", 30, "linkedin", "social", NULL, "https://a/2", "anon-1",
     NULL, NAN, NAN, NULL},
    {"x3", "acc-a", "con-a1", "demo", 20, "google", "cpc", "spring", NULL, NULL, "USD", 99.5, -1,
     "{}"},
    {"x4", "acc-a", "con-a1", "signup", 10, NULL, NULL, NULL, "https://a/1", "anon-1", NULL, NAN, 0,
     NULL},
    {"x5", NULL, NULL, "signup", 5, "newsletter", "email", "autumn", "https://a/3", "anon-2", NULL,
     NAN, NAN, "{\"k\":\"vi\\u1ec7t\"}"},
    /* Second segment. */
    {"x6", "acc-a", NULL, "webinar", 40, "google", "cpc", "autumn", "https://a/2", NULL, "VND", 0,
     NAN, NULL},
    {"x7", "acc-c", "con-c1", "demo", 70, NULL, NULL, NULL, NULL, NULL, NULL, NAN, NAN, NULL},
    {"x8", "acc-c", "con-c1", "demo", 60, "bing", "cpc", NULL, "https://a/1", "anon-3", "EUR", 7,
     0.25, "{\"a\":1}"},
    {"x9", "acc-b", "con-b1", "signup", 45, "google", NULL, NULL, NULL, NULL, NULL, NAN, NAN, NULL},
    {"x10", "acc-a", "con-a2", "demo", 25, "linkedin", "social", NULL, "https://a/2", "anon-1",
     "USD", 12, 1, "{\"b\":[1,2]}"},
};
#define N_XEVENTS (sizeof(XEVENTS) / sizeof(XEVENTS[0]))

static void put_field(struct jm_record *r, enum jm_event_field f, const char *s)
{
    if (s)
        r->v[f] = (struct jm_value){.kind = JM_V_TEXT, .s = s, .len = strlen(s)};
}

static void put_xev(struct jm_storage *st, const struct xev *e)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    set_time(&r, "time", at(e->sec));
    put_field(&r, JM_EV_MESSAGE_ID, e->mid);
    put_field(&r, JM_EV_ACCOUNT, e->account);
    put_field(&r, JM_EV_CONTACT, e->contact);
    put_field(&r, JM_EV_TOUCHPOINT, e->tp);
    put_field(&r, JM_EV_UTM_SOURCE, e->src);
    put_field(&r, JM_EV_UTM_MEDIUM, e->medium);
    put_field(&r, JM_EV_UTM_CAMPAIGN, e->campaign);
    put_field(&r, JM_EV_URL, e->url);
    /* The referrer repeats the url, so a heap text and its twin column are both covered. */
    put_field(&r, JM_EV_REFERRER, e->url);
    put_field(&r, JM_EV_ANONYMOUS_ID, e->anon);
    put_field(&r, JM_EV_CURRENCY, e->currency);
    if (!isnan(e->value))
        set_real(&r, "value", e->value);
    if (!isnan(e->sentiment))
        set_real(&r, "sentiment", e->sentiment);
    if (e->props)
        set_props(&r, e->props);
    ws_put(st, &r);
}

static void make_xsmall(struct jm_storage *st)
{
    ws_begin(st);
    put_account(st, "acc-b");
    put_account(st, "acc-a");
    put_account(st, "acc-c");
    put_contact(st, "con-b1", "acc-b");
    put_contact(st, "con-a2", "acc-a");
    put_contact(st, "con-a1", "acc-a");
    put_contact(st, "con-c1", "acc-c");
    for (size_t i = 0; i < 5; i++)
        put_xev(st, &XEVENTS[i]);
    ws_commit(st);
    ws_begin(st);
    for (size_t i = 5; i < N_XEVENTS; i++)
        put_xev(st, &XEVENTS[i]);
    ws_commit(st);
}

/* One event as an independent scan of the storage sees it. */
struct row {
    char *text[JM_EV__COUNT]; /* NULL when missing */
    size_t len[JM_EV__COUNT];
    int64_t time;
    double value, sentiment;
    char *props;
    size_t props_len;
    size_t seq; /* scan position */
};

struct rows {
    struct jm_storage *st;
    struct row *r;
    size_t n, cap;
};

static char *copy_text(const char *s, size_t len)
{
    if (len == 0)
        return NULL;
    char *c = malloc(len + 1);
    assert_non_null(c);
    memcpy(c, s, len);
    c[len] = '\0';
    return c;
}

static jm_status contact_account(const struct jm_record *rec, void *ctx)
{
    struct row *r = ctx;
    const struct jm_value *v = &rec->v[jm_entity_field(rec->def, "account")];
    if (v->kind == JM_V_TEXT && v->len) {
        r->text[JM_EV_ACCOUNT] = copy_text(v->s, v->len);
        r->len[JM_EV_ACCOUNT] = v->len;
    }
    return JM_OK;
}

static jm_status collect(const struct jm_event_segment *seg, void *ctx)
{
    struct rows *rs = ctx;
    for (size_t i = 0; i < seg->n; i++) {
        if (rs->n == rs->cap) {
            rs->cap = rs->cap ? rs->cap * 2 : 64;
            rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
            assert_non_null(rs->r);
        }
        struct row *r = &rs->r[rs->n];
        memset(r, 0, sizeof(*r));
        for (int f = 0; f < JM_EV__COUNT; f++) {
            const char *t;
            size_t len;
            jm_event_segment_text(rs->st, seg, i, f, &t, &len);
            r->text[f] = copy_text(t, len);
            r->len[f] = len;
        }
        /* An event with a contact but no account counts for the contact's account. */
        bool found;
        if (!r->len[JM_EV_ACCOUNT] && r->len[JM_EV_CONTACT])
            assert_int_equal(jm_storage_get(rs->st, JM_ENT_CONTACT, r->text[JM_EV_CONTACT],
                                            contact_account, r, &found, NULL),
                             JM_OK);
        r->time = seg->time[i];
        r->value = seg->value ? seg->value[i] : NAN;
        r->sentiment = seg->sentiment ? seg->sentiment[i] : NAN;
        const char *p;
        jm_event_segment_props(seg, i, &p, &r->props_len);
        r->props = copy_text(p, r->props_len);
        r->seq = rs->n++;
    }
    return JM_OK;
}

static int text_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

/* The order store.h documents: account (none last), contact (none first), time, workspace. */
static int row_cmp(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    const char *aa = a->text[JM_EV_ACCOUNT], *ba = b->text[JM_EV_ACCOUNT];
    if (!aa != !ba)
        return aa ? -1 : 1;
    int c = aa ? text_cmp(aa, a->len[JM_EV_ACCOUNT], ba, b->len[JM_EV_ACCOUNT]) : 0;
    if (c)
        return c;
    const char *ac = a->text[JM_EV_CONTACT], *bc = b->text[JM_EV_CONTACT];
    if (!ac != !bc)
        return ac ? 1 : -1;
    c = ac ? text_cmp(ac, a->len[JM_EV_CONTACT], bc, b->len[JM_EV_CONTACT]) : 0;
    if (c)
        return c;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static void rows_release(struct rows *rs)
{
    for (size_t k = 0; k < rs->n; k++) {
        for (int f = 0; f < JM_EV__COUNT; f++)
            free(rs->r[k].text[f]);
        free(rs->r[k].props);
    }
    free(rs->r);
}

/* Every event of the workspace in store order, from a scan and a sort of our own. */
static void scan_sorted(struct jm_storage *st, struct rows *rs)
{
    memset(rs, 0, sizeof(*rs));
    rs->st = st;
    struct jm_error err;
    if (jm_storage_scan_events(st, collect, rs, &err))
        fail_msg("scan: %s", err.msg);
    if (rs->n)
        qsort(rs->r, rs->n, sizeof(*rs->r), row_cmp);
}

static void assert_text(const char *got, size_t got_len, const char *want, size_t want_len,
                        size_t i, const char *what)
{
    if (!want)
        want = "";
    if (got_len != want_len || memcmp(got, want, want_len) != 0)
        fail_msg("event %zu %s: got '%.*s', want '%.*s'", i, what, (int)got_len, got, (int)want_len,
                 want);
}

static void assert_hot(const struct jm_store *s, const struct rows *rs)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    assert_int_equal(c->n, rs->n);
    for (size_t a = 0; a <= c->n_accounts; a++) {
        size_t b, e, acc_len, len;
        jm_store_account_slice(s, a, &b, &e);
        const char *acc = jm_store_text(s, JM_STORE_ACCOUNT, a, &acc_len);
        for (size_t i = b; i < e; i++) {
            const struct row *r = &rs->r[i];
            assert_text(acc, acc_len, r->text[JM_EV_ACCOUNT], r->len[JM_EV_ACCOUNT], i, "account");
            const char *t = jm_store_text(s, JM_STORE_CONTACT, c->contact[i], &len);
            assert_text(t, len, r->text[JM_EV_CONTACT], r->len[JM_EV_CONTACT], i, "contact");
            t = jm_store_text(s, JM_STORE_TOUCHPOINT, c->touchpoint[i], &len);
            assert_text(t, len, r->text[JM_EV_TOUCHPOINT], r->len[JM_EV_TOUCHPOINT], i, "tp");
            t = jm_store_text(s, JM_STORE_CHANNEL, c->channel[i], &len);
            assert_text(t, len, r->text[JM_EV_CHANNEL], r->len[JM_EV_CHANNEL], i, "channel");
            assert_int_equal(c->time_us[i], r->time);
        }
    }
}

/* Ids are given in scan order: each event's id is an old one or the next new one. */
static void assert_first_seen(const struct jm_store *s, const struct rows *rs,
                              enum jm_event_field f)
{
    const uint32_t *col = jm_store_field(s, f);
    uint32_t *by_seq = calloc(rs->n + 1, sizeof(*by_seq));
    assert_non_null(by_seq);
    for (size_t i = 0; i < rs->n; i++)
        by_seq[rs->r[i].seq] = col[i];
    uint32_t max = 0;
    for (size_t q = 0; q < rs->n; q++) {
        assert_true(by_seq[q] <= max + 1);
        if (by_seq[q] > max)
            max = by_seq[q];
    }
    assert_int_equal(jm_store_field_dict_size(s, f), (size_t)max + 1);
    free(by_seq);
}

static void assert_extras(const struct jm_store *s, const struct rows *rs, bool props)
{
    for (size_t k = 0; k < N_TEXT; k++) {
        enum jm_event_field f = TEXT_FIELDS[k];
        const uint32_t *col = jm_store_field(s, f);
        assert_non_null(col);
        for (size_t i = 0; i < rs->n; i++) {
            size_t len;
            const char *t = jm_store_field_text(s, f, col[i], &len);
            assert_text(t, len, rs->r[i].text[f], rs->r[i].len[f], i, "text field");
            assert_int_equal(col[i] == 0, rs->r[i].text[f] == NULL);
        }
        assert_first_seen(s, rs, f);
    }
    const double *v = jm_store_number(s, JM_EV_VALUE), *m = jm_store_number(s, JM_EV_SENTIMENT);
    assert_non_null(v);
    assert_non_null(m);
    for (size_t i = 0; i < rs->n; i++) {
        assert_true(isnan(v[i]) ? isnan(rs->r[i].value) : v[i] == rs->r[i].value);
        assert_true(isnan(m[i]) ? isnan(rs->r[i].sentiment) : m[i] == rs->r[i].sentiment);
        const char *json;
        size_t len;
        jm_store_props(s, i, &json, &len);
        if (props)
            assert_text(json, len, rs->r[i].props, rs->r[i].props_len, i, "props");
        else
            assert_int_equal(len, 0);
    }
}

/* Same hot columns and dictionaries whatever the options. */
static void assert_same_hot(const struct jm_store *a, const struct jm_store *b)
{
    const struct jm_store_columns *x = jm_store_columns(a), *y = jm_store_columns(b);
    assert_int_equal(x->n, y->n);
    assert_int_equal(x->n_accounts, y->n_accounts);
    assert_memory_equal(x->time_us, y->time_us, x->n * sizeof(*x->time_us));
    assert_memory_equal(x->contact, y->contact, x->n * sizeof(*x->contact));
    assert_memory_equal(x->touchpoint, y->touchpoint, x->n * sizeof(*x->touchpoint));
    assert_memory_equal(x->channel, y->channel, x->n * sizeof(*x->channel));
    assert_memory_equal(x->account_start, y->account_start,
                        (x->n_accounts + 2) * sizeof(*x->account_start));
    for (int d = 0; d < JM_STORE__DICTS; d++)
        assert_int_equal(jm_store_dict_size(a, d), jm_store_dict_size(b, d));
    assert_true(jm_store_bytes_per_event(a) == jm_store_bytes_per_event(b));
}

static void assert_no_extras(const struct jm_store *s)
{
    for (int f = 0; f < JM_EV__COUNT; f++) {
        size_t len = 1;
        assert_null(jm_store_field(s, f));
        assert_int_equal(jm_store_field_dict_size(s, f), 0);
        assert_string_equal(jm_store_field_text(s, f, 1, &len), "");
        assert_int_equal(len, 0);
        assert_null(jm_store_number(s, f));
    }
    const char *json = NULL;
    size_t len = 1;
    jm_store_props(s, 0, &json, &len);
    assert_int_equal(len, 0);
    assert_string_equal(json, "");
}

static void store_without_options_has_no_extras(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    make_xsmall(st);
    struct jm_store *s = load(st);
    assert_no_extras(s);
    assert_int_equal(jm_store_bytes_total(s), 15 * 10 + 4 * 5);
    struct jm_store *t = NULL;
    assert_int_equal(jm_store_load_with(st, NULL, &t, NULL), JM_OK);
    assert_no_extras(t);
    assert_same_hot(s, t);
    jm_store_free(t);
    /* Hot fields, and bits past the last field, ask for nothing. */
    uint64_t hot = BIT(JM_EV_TIME) | BIT(JM_EV_ACCOUNT) | BIT(JM_EV_CONTACT) |
                   BIT(JM_EV_TOUCHPOINT) | BIT(JM_EV_CHANNEL) | BIT(JM_EV__COUNT) | BIT(63);
    t = load_with(st, hot, false);
    assert_no_extras(t);
    assert_same_hot(s, t);
    jm_store_free(t);
    jm_store_free(s);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void extra_columns_follow_the_store_order(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    make_xsmall(st);
    struct rows rs;
    scan_sorted(st, &rs);
    struct jm_store *plain = load(st);
    struct jm_store *s = load_with(st, ALL_FIELDS, true);
    assert_hot(s, &rs);
    assert_same_hot(plain, s);
    assert_extras(s, &rs, true);
    /* Spot checks by hand: events 0..4 are acc-a's x6, x4, x3, x10, x2. */
    const uint32_t *src = jm_store_field(s, JM_EV_UTM_SOURCE);
    assert_string_equal(jm_store_field_text(s, JM_EV_UTM_SOURCE, src[0], NULL), "google");
    assert_int_equal(src[1], 0);
    assert_int_equal(jm_store_field_dict_size(s, JM_EV_UTM_SOURCE), 5); /* "", google, ... */
    assert_int_equal(jm_store_field_dict_size(s, JM_EV_UTM_TERM), 1);
    assert_int_equal(jm_store_field(s, JM_EV_UTM_TERM)[3], 0);
    assert_string_equal(jm_store_field_text(s, JM_EV_UTM_TERM, 1, NULL), "");
    /* Ids follow the scan: x1 is first, so its texts have id 1. */
    assert_string_equal(jm_store_field_text(s, JM_EV_MESSAGE_ID, 1, NULL), "x1");
    assert_string_equal(jm_store_field_text(s, JM_EV_CURRENCY, 1, NULL), "VND");
    assert_string_equal(jm_store_field_text(s, JM_EV_URL, 1, NULL), "https://a/1");
    assert_string_equal(jm_store_field_text(s, JM_EV_URL, 99, NULL), "");
    const double *val = jm_store_number(s, JM_EV_VALUE);
    assert_true(val[0] == 0);
    assert_true(isnan(val[1]));
    assert_true(val[2] == 99.5);
    const char *json;
    size_t len;
    jm_store_props(s, 3, &json, &len);
    assert_int_equal(len, strlen("{\"b\":[1,2]}"));
    assert_memory_equal(json, "{\"b\":[1,2]}", len);
    jm_store_props(s, 10, &json, &len);
    assert_int_equal(len, 0);
    size_t total = jm_store_bytes_total(s);
    assert_true(total > jm_store_bytes_total(plain));
    assert_true(jm_store_bytes_per_event(s) == jm_store_bytes_per_event(plain));
    jm_store_free(s);
    /* Fields are independent: only what was asked for is there. */
    s = load_with(st, BIT(JM_EV_URL) | BIT(JM_EV_SENTIMENT), false);
    assert_non_null(jm_store_field(s, JM_EV_URL));
    assert_null(jm_store_field(s, JM_EV_REFERRER));
    assert_null(jm_store_field(s, JM_EV_SENTIMENT));
    assert_null(jm_store_number(s, JM_EV_URL));
    assert_non_null(jm_store_number(s, JM_EV_SENTIMENT));
    assert_null(jm_store_number(s, JM_EV_VALUE));
    jm_store_props(s, 3, &json, &len);
    assert_int_equal(len, 0);
    jm_store_free(s);
    jm_store_free(plain);
    rows_release(&rs);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void extra_columns_of_events_without_them_are_missing(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    make_small(st); /* events without utm, url, value, sentiment or properties */
    struct jm_store *s = load_with(st, ALL_FIELDS, true);
    size_t n = jm_store_events(s);
    assert_int_equal(n, 10);
    for (size_t k = 0; k < N_TEXT; k++) {
        enum jm_event_field f = TEXT_FIELDS[k];
        const uint32_t *col = jm_store_field(s, f);
        assert_non_null(col);
        size_t want = f == JM_EV_MESSAGE_ID ? 11 : 1;
        assert_int_equal(jm_store_field_dict_size(s, f), want);
        for (size_t i = 0; i < n; i++)
            assert_true(f == JM_EV_MESSAGE_ID ? col[i] != 0 : col[i] == 0);
    }
    for (size_t i = 0; i < n; i++) {
        assert_true(isnan(jm_store_number(s, JM_EV_VALUE)[i]));
        assert_true(isnan(jm_store_number(s, JM_EV_SENTIMENT)[i]));
        const char *json;
        size_t len;
        jm_store_props(s, i, &json, &len);
        assert_int_equal(len, 0);
    }
    struct rows rs;
    scan_sorted(st, &rs);
    assert_hot(s, &rs);
    assert_extras(s, &rs, true);
    rows_release(&rs);
    jm_store_free(s);
    /* An empty workspace. */
    jm_storage_close(st);
    jm_test_rmtree(dir);
    dir = jm_test_tmpdir();
    st = ws_create(dir);
    s = load_with(st, ALL_FIELDS, true);
    assert_int_equal(jm_store_events(s), 0);
    assert_non_null(jm_store_field(s, JM_EV_URL));
    assert_int_equal(jm_store_field_dict_size(s, JM_EV_URL), 1);
    assert_int_equal(jm_store_bytes_total(s), 8);
    jm_store_free(s);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

static void demo_company_extra_columns_match_a_scan(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    struct jm_demo_opts o = {.seed = 11, .events = 20000};
    struct jm_error err;
    ws_begin(st);
    if (jm_demo_generate(&o, put_sink, st, NULL, &err))
        fail_msg("demo: %s", err.msg);
    ws_commit(st);
    struct rows rs;
    scan_sorted(st, &rs);
    struct jm_store *plain = load(st);
    struct jm_store *s = load_with(st, ALL_FIELDS, true);
    assert_hot(plain, &rs);
    assert_same_hot(plain, s);
    assert_extras(s, &rs, true);
    assert_int_equal(jm_store_field_dict_size(s, JM_EV_MESSAGE_ID), 20001);
    print_message("%.0f bytes/event with every column\n",
                  (double)jm_store_bytes_total(s) / (double)jm_store_events(s));
    rows_release(&rs);
    jm_store_free(s);
    jm_store_free(plain);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- interleaved events */

static uint64_t rnd(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return *state >> 33;
}

/*
 * Events in no useful order: accounts interleaved, times out of order with many ties, contacts
 * that turn up under several accounts or none, events without account or contact, over three
 * transactions (so three segments). The store must match the reference order exactly.
 */
static void interleaved_events_match_a_scan(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    char id[64], mid[64], url[64];
    ws_begin(st);
    for (int a = 0; a < 40; a++) {
        snprintf(id, sizeof(id), "acc-%02d", (a * 7) % 40);
        put_account(st, id);
    }
    for (int c = 0; c < 150; c++) {
        snprintf(id, sizeof(id), "con-%03d", c);
        snprintf(mid, sizeof(mid), "acc-%02d", c % 40);
        put_contact(st, id, mid);
    }
    ws_commit(st);
    uint64_t seed = 12345;
    int ev = 0;
    for (int tx = 0; tx < 3; tx++) {
        ws_begin(st);
        for (int i = 0; i < 3000; i++, ev++) {
            int c = (int)(rnd(&seed) % 160); /* 150..159: no contact */
            int a = c < 150 ? c % 40 : (int)(rnd(&seed) % 40);
            uint64_t r = rnd(&seed) % 20;
            if (r == 0)
                a = (int)(rnd(&seed) % 40); /* a contact under another account */
            struct jm_record rec;
            rec_init(&rec, JM_ENT_EVENT);
            snprintf(mid, sizeof(mid), "m%d", ev);
            put_field(&rec, JM_EV_MESSAGE_ID, mid);
            set_time(&rec, "time", at((int)(rnd(&seed) % 50)));
            put_field(&rec, JM_EV_TOUCHPOINT, r % 2 ? "demo" : "signup");
            char acc_id[32], con_id[32];
            snprintf(acc_id, sizeof(acc_id), "acc-%02d", a);
            snprintf(con_id, sizeof(con_id), "con-%03d", c);
            if (r != 1)
                put_field(&rec, JM_EV_ACCOUNT, acc_id);
            if (c < 150)
                put_field(&rec, JM_EV_CONTACT, con_id);
            snprintf(url, sizeof(url), "https://x/%d", (int)(rnd(&seed) % 30));
            if (r % 3)
                put_field(&rec, JM_EV_URL, url);
            if (r % 4)
                set_real(&rec, "value", (double)(rnd(&seed) % 1000));
            ws_put(st, &rec);
        }
        ws_commit(st);
    }
    struct rows rs;
    scan_sorted(st, &rs);
    struct jm_store *plain = load(st);
    struct jm_store *s = load_with(st, ALL_FIELDS, true);
    assert_int_equal(jm_store_events(s), 9000);
    assert_hot(plain, &rs);
    assert_same_hot(plain, s);
    assert_extras(s, &rs, true);
    assert_sorted(s);
    rows_release(&rs);
    jm_store_free(s);
    jm_store_free(plain);
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

/* ---------------------------------------------------------------- fault injection */

/* Fails each allocation of a load in turn: a clean JM_ENOMEM or a whole store, never a leak. */
static void fail_each_allocation(void (*make)(struct jm_storage *),
                                 const struct jm_store_options *opts)
{
    const char *dir = jm_test_tmpdir();
    char path[4200];
    snprintf(path, sizeof(path), "%s", jm_test_path(dir, "ws.db"));
    struct jm_storage *st = ws_open(path, JM_STORAGE_CREATE);
    make(st);
    jm_storage_close(st);
    st = ws_open(path, 0);
    struct jm_store *s = NULL;
    jm_alloc_fail_reset();
    assert_int_equal(jm_store_load_with(st, opts, &s, NULL), JM_OK);
    unsigned long total = jm_alloc_count();
    jm_store_free(s);
    jm_storage_close(st);
    unsigned long failed = 0;
    for (unsigned long n = 1; n <= total + 5; n++) {
        st = ws_open(path, 0);
        s = NULL;
        jm_alloc_fail_reset();
        jm_alloc_fail_at(n);
        jm_status rc = jm_store_load_with(st, opts, &s, NULL);
        jm_alloc_fail_reset();
        if (rc != JM_OK && rc != JM_ENOMEM)
            fail_msg("allocation %lu of %lu: %s", n, total, jm_strerror(rc));
        assert_true(rc == JM_OK ? s != NULL : s == NULL);
        if (s)
            assert_int_equal(jm_store_events(s), 10);
        if (s && opts && opts->properties) {
            const char *json;
            size_t len;
            jm_store_props(s, 3, &json, &len);
            assert_int_equal(len, strlen("{\"b\":[1,2]}"));
        }
        failed += rc != JM_OK;
        jm_store_free(s);
        jm_storage_close(st);
    }
    assert_true(failed > 0);
    print_message("%lu allocations, %lu failing loads\n", total, failed);
    jm_test_rmtree(dir);
}

static void every_allocation_of_a_load_may_fail(void **state)
{
    (void)state;
    fail_each_allocation(make_small, NULL);
}

static void every_allocation_of_a_load_with_extras_may_fail(void **state)
{
    (void)state;
    struct jm_store_options o = {.fields = ALL_FIELDS, .properties = true};
    fail_each_allocation(make_xsmall, &o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dictionaries_are_sorted_by_text),
        cmocka_unit_test(events_are_sorted_by_account_contact_time),
        cmocka_unit_test(empty_workspace_gives_an_empty_store),
        cmocka_unit_test(long_runs_are_sorted_stably_by_time),
        cmocka_unit_test(more_than_255_channels_is_a_limit),
        cmocka_unit_test(demo_company_matches_storage_stats),
        cmocka_unit_test(store_without_options_has_no_extras),
        cmocka_unit_test(extra_columns_follow_the_store_order),
        cmocka_unit_test(extra_columns_of_events_without_them_are_missing),
        cmocka_unit_test(demo_company_extra_columns_match_a_scan),
        cmocka_unit_test(interleaved_events_match_a_scan),
        cmocka_unit_test(every_allocation_of_a_load_may_fail),
        cmocka_unit_test(every_allocation_of_a_load_with_extras_may_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
