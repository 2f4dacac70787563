/*
 * The store's internals shared between its files:
 *   store.c  the public accessors and jm_store_free()
 *   load.c   jm_store_load_with(): the scan, the dictionaries, the order of the groups
 *   sort.c   moving the raw columns into store order, and sorting runs by time
 *   extra.c  the dictionaries of the optional text columns
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_STORE_INTERNAL_H
#define JM_STORE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "journeymap/storage.h"
#include "journeymap/store.h"
#include "base/internal.h"

/* ---------------------------------------------------------------- the store */

/* One text of a hot dictionary. */
struct jm__store_entry {
    const char *s; /* NUL-terminated, in the store's arena */
    uint32_t len;
    uint32_t orig; /* first-seen index, while loading */
};

/* A hot dictionary, sorted by text; index 0 is "" for every dictionary but accounts. */
struct jm__store_dict {
    struct jm__store_entry *e;
    size_t n;
};

struct jm__store_text {
    uint64_t at; /* offset of the NUL-terminated text in the dictionary's buffer */
    uint32_t len;
};

/*
 * The dictionary of one optional text column: ids in first-seen order (scan order, so the
 * same workspace always gives the same ids), 0 = missing with text "".
 */
struct jm__store_textdict {
    struct jm__store_text *e; /* by id */
    size_t n, cap;
    char *buf; /* the texts, one after the other, each with a NUL */
    size_t buf_len, buf_cap;
    uint64_t *slots; /* while loading: text -> id, see extra.c */
    size_t slot_cap;
    uint32_t *hashes; /* while loading: one segment's hashes */
    size_t hash_cap;
    uint32_t *by_wid; /* while loading: workspace dictionary id -> id, 0 = not seen yet */
    size_t wid_len, wid_cap;
};

struct jm_store {
    struct jm_store_columns cols;
    int64_t *time_us;
    uint32_t *contact;
    uint16_t *touchpoint;
    uint8_t *channel;
    uint32_t *account_start;
    struct jm__store_dict dict[JM_STORE__DICTS];
    struct jm_arena strings;
    /* Optional columns: `fields` says which of text[] and num[] are loaded. */
    uint64_t fields;
    uint32_t *text[JM_EV__COUNT];
    struct jm__store_textdict tdict[JM_EV__COUNT];
    double *num[JM_EV__COUNT];
    bool props;
    uint64_t *props_at; /* event's offset in props_buf */
    uint32_t *props_len;
    char *props_buf;
    size_t props_bytes, props_cap;
};

/* The text fields jm_store_load_with() can load, and the numbers. */
#define JM__BIT(f) (UINT64_C(1) << (f))
#define JM__STORE_TEXT_FIELDS                                                                      \
    (JM__BIT(JM_EV_MESSAGE_ID) | JM__BIT(JM_EV_ANONYMOUS_ID) | JM__BIT(JM_EV_UTM_SOURCE) |         \
     JM__BIT(JM_EV_UTM_MEDIUM) | JM__BIT(JM_EV_UTM_CAMPAIGN) | JM__BIT(JM_EV_UTM_CONTENT) |        \
     JM__BIT(JM_EV_UTM_TERM) | JM__BIT(JM_EV_URL) | JM__BIT(JM_EV_REFERRER) |                      \
     JM__BIT(JM_EV_CURRENCY))
#define JM__STORE_NUM_FIELDS (JM__BIT(JM_EV_VALUE) | JM__BIT(JM_EV_SENTIMENT))

/* Whether field `f` is one of `kinds` and loaded in `s`. */
static inline bool jm__store_has(const struct jm_store *s, uint64_t kinds, int f)
{
    return (unsigned)f < JM_EV__COUNT && (s->fields & kinds & JM__BIT(f));
}

/*
 * A buffer for a column of `bytes`, from jm_malloc; big ones are advised to use transparent huge
 * pages (see sort.c). NULL when out of memory.
 */
void *jm__store_alloc(size_t bytes);
/* The same for a buffer grown with jm_realloc (`p` may be NULL). */
void *jm__store_realloc(void *p, size_t bytes);
/* The same, zeroed, from jm_calloc. */
void *jm__store_calloc(size_t n, size_t size);

/*
 * Faults in big buffers on a helper thread while the caller goes on (the kernel zeroes fresh
 * pages, and a 10^7-event load needs a quarter of a gigabyte of them). Only page tables change:
 * the buffers' contents are untouched, so the caller may write them meanwhile, but must join
 * before freeing or reallocating any of them. A thread that cannot be started is no error.
 */
#define JM__STORE_PREFAULT_MAX 24
struct jm__store_prefault {
    void *p[JM__STORE_PREFAULT_MAX];
    size_t bytes[JM__STORE_PREFAULT_MAX];
    size_t n;
    bool running;
    pthread_t thread;
};
/* Adds a buffer (NULL and small ones are skipped); before jm__store_prefault_start() only. */
void jm__store_prefault_add(struct jm__store_prefault *pf, void *p, size_t bytes);
void jm__store_prefault_start(struct jm__store_prefault *pf);
/* Waits for the helper; does nothing when none runs. */
void jm__store_prefault_join(struct jm__store_prefault *pf);

/* ---------------------------------------------------------------- moving into store order */

/* Most columns moved by position: time, 2 hot, 10 text, 2 numbers, 2 props. */
#define JM__STORE_COLS_MAX 17

/* One column: `width` bytes per event (1, 2, 4 or 8), `cap` events of room. */
struct jm__store_col {
    void *p;
    size_t width, cap;
};

/*
 * Moves every column of `raw` (scan order, `n` events) to store order: event i goes to
 * dest[i]. `spare` (may be NULL) is a buffer of `spare_bytes` for the first, widest column; the
 * call takes it over. On JM_OK final[k] holds column k in store order and owns it, and the raw
 * buffers are gone (freed, or reused for the final columns); on JM_ENOMEM the raw buffers and
 * the spare are freed and every final[k] is NULL.
 */
jm_status jm__store_scatter(struct jm__store_col *raw, size_t n_cols, const uint32_t *dest,
                            size_t n, void *spare, size_t spare_bytes, struct jm__store_col *final);

/* Buffers reused from run to run; zero-initialise, release once. */
struct jm__store_scratch {
    uint32_t *idx, *aux;
    unsigned char *buf;
    size_t cap_idx, cap_aux, cap_buf;
};

/*
 * Sorts events [begin, begin + n) of `time_us` by time, stably (equal times keep their order),
 * moving the `n_cols` columns of `cols` along. A run in order already costs one pass. Returns
 * JM_OK or JM_ENOMEM (nothing moved).
 */
jm_status jm__store_sort_run(int64_t *time_us, const struct jm__store_col *cols, size_t n_cols,
                             size_t begin, size_t n, struct jm__store_scratch *s);
void jm__store_scratch_release(struct jm__store_scratch *s);

/* ---------------------------------------------------------------- dictionary order */

/*
 * Puts in order[0..n) the indexes of e[0..n) sorted by text (memcmp order, a text before its
 * extensions; equal texts by index). Returns JM_OK or JM_ENOMEM.
 */
jm_status jm__store_sort_texts(const struct jm__store_entry *e, size_t n, uint32_t *order);

/* ---------------------------------------------------------------- text columns */

void jm__store_textdict_init(struct jm__store_textdict *d);
void jm__store_textdict_release(struct jm__store_textdict *d);
/* Frees what only loading needs (the hash of the texts, the workspace id cache). */
void jm__store_textdict_done(struct jm__store_textdict *d);
/*
 * Maps field `f` of the `seg->n` events of `seg` to ids of `d` in out[0 .. seg->n), adding the
 * texts not seen before. Returns JM_OK or JM_ENOMEM (`d` stays consistent).
 */
jm_status jm__store_textdict_map(struct jm__store_textdict *d, struct jm_storage *st,
                                 const struct jm_event_segment *seg, enum jm_event_field f,
                                 uint32_t *out);

#endif
