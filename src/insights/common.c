/*
 * What the insights share (internal.h): an account's touches in time order, dimension keys and
 * labels, record values and months.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "insights/internal.h"

/* ---------------------------------------------------------------- touches */

/* ev: cap entries; tmp: 4 * cap, room for two arrays of cap packed 64-bit keys. */
static jm_status touches_reserve(struct jm__touches *b, size_t n)
{
    if (n <= b->cap)
        return JM_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < n)
        cap *= 2;
    uint32_t *ev = jm_realloc(b->ev, cap * sizeof(uint32_t));
    if (!ev)
        return JM_ENOMEM;
    b->ev = ev;
    uint32_t *tmp = jm_realloc(b->tmp, cap * 2 * sizeof(uint64_t));
    if (!tmp)
        return JM_ENOMEM;
    b->tmp = tmp;
    b->cap = cap;
    return JM_OK;
}

/* Merges the sorted runs src[a..m) and src[m..e) into dst[a..e) by (time, index). */
static void merge_runs(const int64_t *t, const uint32_t *src, uint32_t *dst, size_t a, size_t m,
                       size_t e)
{
    size_t i = a, j = m, k = a;
    while (i < m && j < e) {
        /* Store indexes break ties: within the slice they are the workspace order. */
        bool left = t[src[i]] < t[src[j]] || (t[src[i]] == t[src[j]] && src[i] < src[j]);
        dst[k++] = left ? src[i++] : src[j++];
    }
    while (i < m)
        dst[k++] = src[i++];
    while (j < e)
        dst[k++] = src[j++];
}

static inline bool before(const int64_t *t, uint32_t x, uint32_t y)
{
    return t[x] < t[y] || (t[x] == t[y] && x < y);
}

/* End of the ascending run (by time, then index) that starts at `a`. */
static size_t run_end(const int64_t *t, const uint32_t *v, size_t a, size_t n)
{
    size_t e = a + 1;
    while (e < n && !before(t, v[e], v[e - 1]))
        e++;
    return e;
}

/* The general merge: indexes compared through the time column. */
static void sort_indirect(const int64_t *t, struct jm__touches *b)
{
    size_t n = b->n;
    uint32_t *src = b->ev, *dst = b->tmp;
    for (;;) {
        size_t runs = 0;
        for (size_t x = 0; x < n;) {
            size_t m = run_end(t, src, x, n);
            size_t e = m < n ? run_end(t, src, m, n) : n;
            merge_runs(t, src, dst, x, m, e);
            runs++;
            x = e;
        }
        uint32_t *swap = src;
        src = dst;
        dst = swap;
        if (runs <= 1)
            break;
    }
    if (src != b->ev)
        memcpy(b->ev, src, n * sizeof(uint32_t));
}

/*
 * Merges the ascending runs src[a..m) and src[m..e) into dst[a..e) without branching on the
 * keys, from both ends at once: the smallest go to the front, the largest to the back, two
 * independent chains of loads. Keys are distinct (the offset is in their low bits) and below
 * 2^63, so an exhausted run reads as UINT64_MAX at the front and as -1 at the back.
 */
static void merge_keys(const uint64_t *src, uint64_t *dst, size_t a, size_t m, size_t e)
{
    size_t i = a, j = m, k = a;
    ptrdiff_t i2 = (ptrdiff_t)m - 1, j2 = (ptrdiff_t)e - 1, k2 = (ptrdiff_t)e - 1;
    for (size_t steps = (e - a) / 2; steps; steps--) {
        uint64_t x = i < m ? src[i] : UINT64_MAX, y = j < e ? src[j] : UINT64_MAX;
        bool left = x < y;
        dst[k++] = left ? x : y;
        i += left;
        j += !left;
        int64_t x2 = i2 >= (ptrdiff_t)a ? (int64_t)src[i2] : -1;
        int64_t y2 = j2 >= (ptrdiff_t)m ? (int64_t)src[j2] : -1;
        bool left2 = x2 > y2;
        dst[k2--] = (uint64_t)(left2 ? x2 : y2);
        i2 -= left2;
        j2 -= !left2;
    }
    if ((e - a) & 1) {
        uint64_t x = i < m ? src[i] : UINT64_MAX, y = j < e ? src[j] : UINT64_MAX;
        dst[k] = x < y ? x : y;
    }
}

/*
 * Sorts by keys (time - t_min) << bits | offset, which order as (time, index) do, when the
 * account's time span leaves room for the offset's bits below bit 63 (any account of a few
 * centuries); false when it does not. Comparing packed keys held side by side costs no
 * look-up of the time column and no mispredicted branch per event.
 */
static bool sort_packed(const int64_t *t, size_t begin, struct jm__touches *b, int64_t t_min,
                        int64_t t_max)
{
    size_t n = b->n;
    unsigned bits = 1;
    while (bits < 32 && (n - 1) >> bits)
        bits++;
    uint64_t span = (uint64_t)t_max - (uint64_t)t_min;
    if (span >> (63 - bits))
        return false;
    uint64_t *src = (uint64_t *)(void *)b->tmp, *dst = src + b->cap;
    uint32_t *run = b->ev; /* the runs' starts, then n (ev is written last) */
    size_t runs = 1;
    run[0] = 0;
    for (size_t i = 0; i < n; i++) {
        src[i] = ((uint64_t)t[begin + i] - (uint64_t)t_min) << bits | i;
        if (i && src[i] < src[i - 1])
            run[runs++] = (uint32_t)i;
    }
    run[runs] = (uint32_t)n;
    while (runs > 1) { /* merge neighbouring runs in pairs */
        size_t merged = 0;
        for (size_t k = 0; k < runs; k += 2) {
            size_t x = run[k], m = run[k + 1], e = k + 2 <= runs ? run[k + 2] : m;
            if (e == m)
                memcpy(dst + x, src + x, (m - x) * sizeof(*dst));
            else
                merge_keys(src, dst, x, m, e);
            run[merged++] = (uint32_t)x;
        }
        run[merged] = (uint32_t)n;
        runs = merged;
        uint64_t *swap = src;
        src = dst;
        dst = swap;
    }
    uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (size_t i = 0; i < n; i++)
        b->ev[i] = (uint32_t)(begin + (src[i] & mask));
    return true;
}

/*
 * The slice is sorted by (contact, time): a few ascending runs, one per contact. An account
 * whose events already ascend (one contact, or contacts in time order) costs one scan of its
 * times; the others a natural merge sort, merging neighbouring runs until one is left:
 * O(n log runs), on packed keys when they fit.
 */
jm_status jm__touches_of(const struct jm_store *s, size_t a, struct jm__touches *b)
{
    const int64_t *t = jm_store_columns(s)->time_us;
    size_t begin, end;
    jm_store_account_slice(s, a, &begin, &end);
    size_t n = end - begin;
    b->n = 0;
    if (touches_reserve(b, n + 1) != JM_OK)
        return JM_ENOMEM;
    bool ascending = true;
    int64_t t_min = n ? t[begin] : 0, t_max = t_min;
    for (size_t i = 1; i < n; i++) {
        int64_t x = t[begin + i];
        ascending &= t[begin + i - 1] <= x;
        t_min = x < t_min ? x : t_min;
        t_max = x > t_max ? x : t_max;
    }
    b->n = n;
    if (ascending || !sort_packed(t, begin, b, t_min, t_max)) {
        for (size_t i = 0; i < n; i++)
            b->ev[i] = (uint32_t)(begin + i);
        if (!ascending)
            sort_indirect(t, b);
    }
    return JM_OK;
}

void jm__touches_release(struct jm__touches *b)
{
    jm_free(b->ev);
    jm_free(b->tmp);
    memset(b, 0, sizeof(*b));
}

size_t jm__touches_lower(const struct jm_store *s, const struct jm__touches *b, int64_t t)
{
    const int64_t *time = jm_store_columns(s)->time_us;
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (time[b->ev[mid]] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

jm_status jm__exclude_map(const struct jm_store *s, const char *const *keys, size_t n,
                          uint8_t **out)
{
    *out = NULL;
    if (!n)
        return JM_OK;
    size_t size = jm_store_dict_size(s, JM_STORE_TOUCHPOINT);
    uint8_t *map = jm_calloc(size + 1, 1);
    if (!map)
        return JM_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        int64_t id =
            keys[i] ? jm_store_lookup(s, JM_STORE_TOUCHPOINT, keys[i], strlen(keys[i])) : -1;
        if (id >= 0)
            map[id] = 1;
    }
    *out = map;
    return JM_OK;
}

/* ---------------------------------------------------------------- dimensions */

static const enum jm_event_field DIM_FIELD[JM_DIM__COUNT] = {
    [JM_DIM_SOURCE] = JM_EV_UTM_SOURCE, [JM_DIM_CAMPAIGN] = JM_EV_UTM_CAMPAIGN};

void jm__dim_init(struct jm__dim *d, const struct jm_store *s, enum jm_insight_dim by)
{
    const struct jm_store_columns *col = jm_store_columns(s);
    memset(d, 0, sizeof(*d));
    d->by = by;
    d->s = s;
    d->tp = col->touchpoint;
    d->ch = col->channel;
    switch (by) {
    case JM_DIM_TOUCHPOINT:
        d->n_keys = jm_store_dict_size(s, JM_STORE_TOUCHPOINT);
        break;
    case JM_DIM_CHANNEL:
        d->n_keys = jm_store_dict_size(s, JM_STORE_CHANNEL);
        break;
    default:
        d->field = jm_store_field(s, DIM_FIELD[by]);
        d->n_keys = d->field ? jm_store_field_dict_size(s, DIM_FIELD[by]) : 1;
        break;
    }
    if (!d->n_keys)
        d->n_keys = 1;
}

const char *jm__dim_label(const struct jm__dim *d, uint32_t k)
{
    const char *text = "";
    size_t len = 0;
    switch (d->by) {
    case JM_DIM_TOUCHPOINT:
        text = jm_store_text(d->s, JM_STORE_TOUCHPOINT, k, &len);
        break;
    case JM_DIM_CHANNEL:
        text = jm_store_text(d->s, JM_STORE_CHANNEL, k, &len);
        break;
    default:
        if (d->field)
            text = jm_store_field_text(d->s, DIM_FIELD[d->by], k, &len);
        break;
    }
    return k && len ? text : JM_INSIGHT_MISSING;
}

struct labelled {
    const char *label;
    uint32_t key;
};

static int by_label(const void *x, const void *y)
{
    return strcmp(((const struct labelled *)x)->label, ((const struct labelled *)y)->label);
}

/* The labels travel with the keys: qsort has no context argument, and a static one would race
 * between the server's threads answering insights at once. */
jm_status jm__dim_order(const struct jm__dim *d, uint32_t **order)
{
    struct labelled *l = jm_malloc((d->n_keys + 1) * sizeof(*l));
    *order = jm_malloc((d->n_keys + 1) * sizeof(uint32_t));
    if (!l || !*order) {
        jm_free(l);
        jm_free(*order);
        *order = NULL;
        return JM_ENOMEM;
    }
    /* Touchpoints and channels are already in text order after the missing 0, but "(missing)"
     * sorts among the texts like any label, so every dimension is sorted the same way. */
    for (size_t k = 0; k < d->n_keys; k++)
        l[k] = (struct labelled){jm__dim_label(d, (uint32_t)k), (uint32_t)k};
    jm__qsort(l, d->n_keys, sizeof(*l), by_label);
    for (size_t k = 0; k < d->n_keys; k++)
        (*order)[k] = l[k].key;
    jm_free(l);
    return JM_OK;
}

const char *jm_insight_dim_key(enum jm_insight_dim d)
{
    static const char *const keys[JM_DIM__COUNT] = {"touchpoint", "channel", "source", "campaign"};
    return d < JM_DIM__COUNT ? keys[d] : "";
}

bool jm_insight_dim_parse(const char *s, enum jm_insight_dim *out)
{
    for (int d = 0; d < JM_DIM__COUNT && s; d++)
        if (strcmp(s, jm_insight_dim_key((enum jm_insight_dim)d)) == 0) {
            *out = (enum jm_insight_dim)d;
            return true;
        }
    return false;
}

bool jm_path_anchor_parse(const char *s, enum jm_path_anchor *kind, const char **key)
{
    const char *colon = s ? strchr(s, ':') : NULL;
    if (!colon || !colon[1])
        return false;
    size_t n = (size_t)(colon - s);
    if (n == 5 && memcmp(s, "stage", 5) == 0)
        *kind = JM_ANCHOR_STAGE;
    else if (n == 10 && memcmp(s, "touchpoint", 10) == 0)
        *kind = JM_ANCHOR_TOUCHPOINT;
    else
        return false;
    *key = colon + 1;
    return true;
}

bool jm_conversion_parse(const char *s, enum jm_conversion_kind *kind, const char **target)
{
    enum jm_path_anchor a;
    if (s && (strcmp(s, "won") == 0 || strcmp(s, "revenue") == 0)) {
        *kind = s[0] == 'w' ? JM_CONVERT_WON : JM_CONVERT_REVENUE;
        *target = NULL;
        return true;
    }
    if (!jm_path_anchor_parse(s, &a, target))
        return false;
    *kind = a == JM_ANCHOR_STAGE ? JM_CONVERT_STAGE : JM_CONVERT_TOUCHPOINT;
    return true;
}

void jm_insight_store_options(struct jm_store_options *opts)
{
    opts->fields |= UINT64_C(1) << JM_EV_UTM_SOURCE | UINT64_C(1) << JM_EV_UTM_CAMPAIGN |
                    UINT64_C(1) << JM_EV_URL | UINT64_C(1) << JM_EV_VALUE;
}

/* ---------------------------------------------------------------- records and months */

double jm__value_number(const struct jm_value *v)
{
    return v->kind == JM_V_INT ? (double)v->i : v->kind == JM_V_REAL ? v->r : NAN;
}

int64_t jm__value_time(const struct jm_value *v)
{
    return v->kind == JM_V_TIME ? v->i : INT64_MAX;
}

bool jm__value_is(const struct jm_value *v, const char *s)
{
    size_t len = strlen(s);
    return v->kind == JM_V_TEXT && v->len == len && memcmp(v->s, s, len) == 0;
}

const struct jm_value *jm__field(const struct jm_dataset *ds, enum jm_entity kind, size_t row,
                                 const char *name)
{
    return jm_dataset_value(ds, kind, row, jm_entity_field(jm_entity_get(kind), name));
}

int64_t jm__month_of(int64_t us)
{
    int y, m, d, hh, mm, ss;
    jm_time_civil(us, &y, &m, &d, &hh, &mm, &ss);
    return jm__month_index(y, m);
}

void jm__month_civil(int64_t month_index, int *year, int *month)
{
    int64_t y = month_index >= 0 ? month_index / 12 : -((11 - month_index) / 12);
    *year = (int)y;
    *month = (int)(month_index - y * 12) + 1;
}

int64_t jm__month_start(int64_t month_index)
{
    int y, m;
    jm__month_civil(month_index, &y, &m);
    return jm_days_from_civil(y, (unsigned)m, 1) * INT64_C(86400000000);
}

void jm__month_text(int64_t month_index, char *buf, size_t cap)
{
    int y, m;
    jm__month_civil(month_index, &y, &m);
    snprintf(buf, cap, "%04d-%02d", y, m);
}

uint32_t jm__store_account_of_row(const struct jm_dataset *ds, size_t row)
{
    const struct jm_value *id = jm_dataset_value(ds, JM_ENT_ACCOUNT, row, 0);
    if (id->kind != JM_V_TEXT)
        return JM_NONE;
    int64_t a = jm_store_lookup(jm_dataset_store(ds), JM_STORE_ACCOUNT, id->s, id->len);
    return a < 0 ? JM_NONE : (uint32_t)a;
}
