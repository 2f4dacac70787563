/*
 * The analytic event store: every event of a workspace in memory, in columns sorted by
 * (account, contact, time), for the stage engine and the analytics (DESIGN.md §3). They read
 * events one account at a time, and within an account one contact at a time in time order, so
 * that is the order the columns are kept in: each account is a contiguous slice, each contact a
 * contiguous run inside its account's slice, and a scan over either touches memory in order.
 *
 *   event i:           0        1        2        3        4        5   ...   n-1
 *   time_us    i64  [ t0     | t1     | t2     | t3     | t4     | t5  | ... ]   8 B
 *   contact    u32  [ 0      | 3      | 3      | 7      | 7      | 0   | ... ]   4 B
 *   touchpoint u16  [ 2      | 5      | 5      | 1      | 2      | 4   | ... ]   2 B
 *   channel    u8   [ 0      | 1      | 1      | 2      | 0      | 3   | ... ]   1 B
 *                     \___ account 0 ___________________/ \_ acc 1 ... no account (last) _/
 *   account_start u32[n_accounts + 2]: account a is events [start[a], start[a + 1]);
 *                  a == n_accounts is the group of events without an account, always last.
 *
 * That is 15 bytes per event for the hot columns (plus 4 bytes per account): 10^7 events fit
 * in 150 MB. Time stays exact (UTC microseconds, as stored): analytics compare and subtract
 * times, and a coarser unit would merge events the workspace keeps apart. Accounts cost no
 * column because the sort makes them runs; contacts keep a column because a contact's events
 * must be told apart from its neighbours' within the slice.
 *
 * Every text column is a dense store-local index into a dictionary, sorted by text so the same
 * workspace always gives the same indexes:
 *   account     0 .. n_accounts - 1                   (the workspace's text ids)
 *   contact     0 = none, 1 .. n_contacts             (text ids)
 *   touchpoint  0 = missing, 1 .. at most 65535
 *   channel     0 = missing, 1 .. at most 255         (more: jm_store_load fails, JM_ELIMIT)
 * Within an account, events without a contact (contact 0) come first; events with equal
 * (account, contact, time) keep the order they have in the workspace.
 *
 * Optional extra columns (jm_store_load_with()) follow the same order, event i of every column
 * being the same event:
 *   text fields    u32  [ id ... ]   utm_*, url, referrer, anonymous_id, currency, message_id;
 *                                    0 = missing, 1 .. in first-seen (scan) order, not by text
 *   value, sentiment f64 [ x ... ]   NAN = missing
 *   properties     each event's JSON text, or none
 * They are loaded only when asked for: message_id or url can cost more than all the hot
 * columns together.
 *
 * A store is a snapshot: it does not see events put after jm_store_load(), and it does not
 * refer to the storage once loaded (its dictionaries own their texts). It is read-only, so any
 * number of threads may read one store at once.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_STORE_H
#define JM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

struct jm_storage;
struct jm_store;

enum jm_store_dict {
    JM_STORE_ACCOUNT,
    JM_STORE_CONTACT,
    JM_STORE_TOUCHPOINT,
    JM_STORE_CHANNEL,
    JM_STORE__DICTS
};

/*
 * The columns, borrowed from the store: valid until jm_store_free(). `account_start` has
 * n_accounts + 2 entries (see the layout above), the last one equal to `n`.
 */
struct jm_store_columns {
    size_t n;
    size_t n_accounts;
    const int64_t *time_us;
    const uint32_t *contact;
    const uint16_t *touchpoint;
    const uint8_t *channel;
    const uint32_t *account_start;
};

/*
 * Reads every event segment of `st` once and builds the store. Returns owned in *out; free
 * with jm_store_free(). Errors: JM_ENOMEM; JM_ELIMIT (more than 255 channels, 65535
 * touchpoints, or 2^32 - 1 events, accounts or contacts); storage errors from the scan.
 * On failure *out is NULL. While it runs, a helper thread may fault in the store's memory (it
 * touches nothing else and is joined before the call returns).
 */
JM_API jm_status jm_store_load(struct jm_storage *st, struct jm_store **out, struct jm_error *err);

/* What jm_store_load_with() loads besides the hot columns. */
struct jm_store_options {
    /*
     * Bit (UINT64_C(1) << f) per enum jm_event_field to load: the text fields (utm_source,
     * utm_medium, utm_campaign, utm_content, utm_term, url, referrer, anonymous_id, currency,
     * message_id) as dictionary-coded uint32 columns (0 = missing), JM_EV_VALUE and
     * JM_EV_SENTIMENT as double columns (NAN = missing). Bits of the hot fields (time, account,
     * contact, touchpoint, channel) and bits past JM_EV__COUNT are ignored.
     */
    uint64_t fields;
    bool properties; /* keep each event's properties JSON text */
};

/*
 * jm_store_load() with the extra columns of `opts`; NULL `opts` is jm_store_load(). The hot
 * columns, their order and their dictionaries are the same either way. Same ownership and
 * errors as jm_store_load().
 */
JM_API jm_status jm_store_load_with(struct jm_storage *st, const struct jm_store_options *opts,
                                    struct jm_store **out, struct jm_error *err);
/* Frees `s` and everything it owns; NULL does nothing. */
JM_API void jm_store_free(struct jm_store *s);

JM_API const struct jm_store_columns *jm_store_columns(const struct jm_store *s);
JM_API size_t jm_store_events(const struct jm_store *s);
JM_API size_t jm_store_accounts(const struct jm_store *s);
/* Distinct contacts, not counting "none". */
JM_API size_t jm_store_contacts(const struct jm_store *s);

/*
 * The events of account `a` (0 .. n_accounts - 1; n_accounts: the events without an account)
 * as [*begin, *end). An `a` out of range gives an empty slice.
 */
JM_API void jm_store_account_slice(const struct jm_store *s, size_t a, size_t *begin, size_t *end);

/*
 * Number of indexes of dictionary `d`: n_accounts for accounts; for the others the distinct
 * texts plus one, for index 0 (none / missing).
 */
JM_API size_t jm_store_dict_size(const struct jm_store *s, enum jm_store_dict d);
/*
 * Text of index `i` of dictionary `d`, NUL-terminated, with its length in *len (may be NULL).
 * Index 0 of contacts, touchpoints and channels, and any index out of range, give "" and 0.
 * Borrowed from the store.
 */
JM_API const char *jm_store_text(const struct jm_store *s, enum jm_store_dict d, size_t i,
                                 size_t *len);
/*
 * Index of text `s[0..len)` in dictionary `d`, or -1 when absent (also for ""): a binary
 * search, O(log n).
 */
JM_API int64_t jm_store_lookup(const struct jm_store *s, enum jm_store_dict d, const char *str,
                               size_t len);

/* ---------------------------------------------------------------- extra columns */

/*
 * Column of text field `f`, in store order (n entries, 0 = missing), or NULL when `f` was not
 * loaded (or is not a text field). Borrowed from the store.
 */
JM_API const uint32_t *jm_store_field(const struct jm_store *s, enum jm_event_field f);
/* Number of ids of text field `f`: ids are 0 .. size - 1, 0 = missing; 0 when not loaded. */
JM_API size_t jm_store_field_dict_size(const struct jm_store *s, enum jm_event_field f);
/*
 * Text of id `id` of text field `f`, NUL-terminated, with its length in *len (may be NULL).
 * Id 0, an id out of range and a field not loaded give "" and 0. Borrowed from the store.
 */
JM_API const char *jm_store_field_text(const struct jm_store *s, enum jm_event_field f, uint32_t id,
                                       size_t *len);
/*
 * Column of JM_EV_VALUE or JM_EV_SENTIMENT in store order (NAN = missing), or NULL when not
 * loaded. Borrowed from the store.
 */
JM_API const double *jm_store_number(const struct jm_store *s, enum jm_event_field f);
/*
 * Properties JSON of event `i` (store order) into *json and *len, not NUL-terminated, borrowed
 * from the store. *len is 0 (and *json "") when the event has none, `i` is out of range or the
 * properties were not loaded.
 */
JM_API void jm_store_props(const struct jm_store *s, size_t i, const char **json, size_t *len);

/*
 * Memory of the hot columns (time, contact, touchpoint, channel, account_start) divided by the
 * number of events; 0 for an empty store.
 */
JM_API double jm_store_bytes_per_event(const struct jm_store *s);
/*
 * Memory of every column, hot and extra, plus the properties text, in bytes. Dictionaries are
 * not counted.
 */
JM_API size_t jm_store_bytes_total(const struct jm_store *s);

#ifdef __cplusplus
}
#endif
#endif /* JM_STORE_H */
