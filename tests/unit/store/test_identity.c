/*
 * The store applies identities at load time: an event stored with only an anonymous id is its
 * contact's once the id is linked, and an event with a contact but no account counts for the
 * contact's account. Without links nothing changes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#include "unit/storage/storage_test.h"
#include "journeymap/store.h"
#include "journeymap/workspace.h"

static void put_event(struct jm_storage *st, const char *mid, const char *tp, const char *acc,
                      const char *con, const char *anon)
{
    struct jm_record r;
    rec_init(&r, JM_ENT_EVENT);
    set_text(&r, "message_id", mid);
    set_time(&r, "time", day_us(2024, 1, 1) + (int64_t)(mid[1] - '0') * JM_US_PER_DAY);
    set_text(&r, "touchpoint", tp);
    if (acc)
        set_text(&r, "account", acc);
    if (con)
        set_text(&r, "contact", con);
    if (anon)
        set_text(&r, "anonymous_id", anon);
    ws_put(st, &r);
}

/* "touchpoint@account/contact" of every event of the store, account by account. */
static const char *owners(struct jm_store *s)
{
    static char out[1024];
    out[0] = '\0';
    const struct jm_store_columns *c = jm_store_columns(s);
    for (size_t a = 0; a <= c->n_accounts; a++) {
        size_t b, e;
        jm_store_account_slice(s, a, &b, &e);
        const char *acc = a < c->n_accounts ? jm_store_text(s, JM_STORE_ACCOUNT, a, NULL) : "-";
        for (size_t i = b; i < e; i++) {
            size_t n = strlen(out);
            snprintf(out + n, sizeof(out) - n, "%s@%s/%s;",
                     jm_store_text(s, JM_STORE_TOUCHPOINT, c->touchpoint[i], NULL), acc,
                     jm_store_text(s, JM_STORE_CONTACT, c->contact[i], NULL));
        }
    }
    return out;
}

static const char *load_owners(struct jm_storage *st)
{
    struct jm_store *s = NULL;
    struct jm_error err;
    if (jm_store_load(st, &s, &err))
        fail_msg("load: %s", err.msg);
    const char *o = owners(s);
    jm_store_free(s);
    return o;
}

static void test_identities_at_load(void **state)
{
    (void)state;
    const char *dir = jm_test_tmpdir();
    struct jm_storage *st = ws_create(dir);
    ws_begin(st);
    ws_put_basics(st, "acme", "lan");
    struct jm_record r;
    rec_init(&r, JM_ENT_CONTACT);
    set_text(&r, "id", "solo"); /* no account */
    ws_put(st, &r);
    put_event(st, "m1", "visit", NULL, NULL, "anon-1");
    put_event(st, "m2", "signup", NULL, "lan", NULL);
    put_event(st, "m3", "demo", "acme", "lan", NULL);
    put_event(st, "m4", "read", NULL, "solo", NULL);
    put_event(st, "m5", "visit", NULL, NULL, "anon-2");
    ws_commit(st);
    /* No links yet: the anonymous visits have no contact; lan's signup has acme, her account. */
    assert_string_equal(load_owners(st),
                        "signup@acme/lan;demo@acme/lan;visit@-/;visit@-/;read@-/solo;");
    assert_int_equal(jm_identity_link(st, "anon-1", "lan", NULL, NULL), JM_OK);
    assert_string_equal(load_owners(st),
                        "visit@acme/lan;signup@acme/lan;demo@acme/lan;visit@-/;read@-/solo;");
    jm_storage_close(st);
    jm_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identities_at_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
