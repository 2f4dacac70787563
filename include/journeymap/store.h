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
 * A store is a snapshot: it does not see events put after jm_store_load(), and it does not
 * refer to the storage once loaded (its dictionaries own their texts). It is read-only, so any
 * number of threads may read one store at once.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_STORE_H
#define JM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"

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
 * On failure *out is NULL.
 */
JM_API jm_status jm_store_load(struct jm_storage *st, struct jm_store **out, struct jm_error *err);
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
/* Index of text `s[0..len)` in dictionary `d`, or -1 when absent (also for ""). */
JM_API int64_t jm_store_lookup(const struct jm_store *s, enum jm_store_dict d, const char *str,
                               size_t len);

/*
 * Memory of the hot columns (time, contact, touchpoint, channel, account_start) divided by the
 * number of events; 0 for an empty store.
 */
JM_API double jm_store_bytes_per_event(const struct jm_store *s);

#ifdef __cplusplus
}
#endif
#endif /* JM_STORE_H */
