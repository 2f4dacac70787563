/*
 * Diffs of journey definitions (diff.h). The structural diff walks the stages by key (a stage
 * whose key is kept but whose name changed is renamed, not removed and added) and compares each
 * lane's lines as sets per language, so reordering lines is no change but editing one is a
 * removal and an addition. The text diff is the longest common subsequence of lines after the
 * common head and tail are set aside: an edit touches a few lines of a long file, so the table
 * stays small.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "journeymap/diff.h"

#define MAX_LINES 20000
#define MAX_CELLS ((size_t)32 << 20)

static const char *const CHANGE_KEYS[JM_CHANGE__COUNT] = {
    "stage_added",  "stage_removed", "stage_renamed", "item_added",
    "item_removed", "kpi_changed",   "entry_changed", "owner_changed",
    "note_added",   "note_removed",  "note_changed"};

const char *jm_change_key(enum jm_change_kind k)
{
    return (unsigned)k < JM_CHANGE__COUNT ? CHANGE_KEYS[k] : "";
}

void jm_diff_init(struct jm_diff *d)
{
    memset(d, 0, sizeof *d);
    jm_arena_init(&d->arena);
}

void jm_diff_release(struct jm_diff *d)
{
    jm_free(d->changes);
    jm_free(d->lines);
    jm_arena_release(&d->arena);
    memset(d, 0, sizeof *d);
}

struct adder {
    struct jm_diff *d;
    size_t cap;
    jm_status rc;
};

static const char *keep(struct adder *a, const char *s)
{
    return s ? jm_arena_strdup(&a->d->arena, s) : NULL;
}

static void add(struct adder *a, struct jm_change c)
{
    if (a->rc)
        return;
    if (a->d->n_changes == a->cap &&
        jm_grow((void **)&a->d->changes, &a->cap, a->d->n_changes + 1, sizeof c)) {
        a->rc = JM_ENOMEM;
        return;
    }
    c.stage = keep(a, c.stage);
    c.before = keep(a, c.before);
    c.after = keep(a, c.after);
    a->d->changes[a->d->n_changes++] = c;
}

static bool same(const char *x, const char *y)
{
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

static bool list_has(const struct jm_text_list *l, enum jm_lang lang, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (same(l->items[i].s[lang], s))
            return true;
    return false;
}

static void lanes(struct adder *a, const struct jm_stage *x, const struct jm_stage *y)
{
    for (int lane = 0; lane < JM_LANE__COUNT; lane++)
        for (int lang = 0; lang < JM_LANG__COUNT; lang++) {
            const struct jm_text_list *lx = &x->lanes[lane], *ly = &y->lanes[lane];
            struct jm_change c = {JM_CHANGE_ITEM_REMOVED,
                                  x->key,
                                  jm_lane_key(lane),
                                  (enum jm_lang)lang,
                                  NULL,
                                  NULL,
                                  NULL};
            for (size_t i = 0; i < lx->n; i++)
                if (lx->items[i].s[lang] && !list_has(ly, lang, lx->items[i].s[lang])) {
                    c.before = lx->items[i].s[lang];
                    add(a, c);
                }
            c.kind = JM_CHANGE_ITEM_ADDED;
            c.before = NULL;
            for (size_t i = 0; i < ly->n; i++)
                if (ly->items[i].s[lang] && !list_has(lx, lang, ly->items[i].s[lang])) {
                    c.after = ly->items[i].s[lang];
                    add(a, c);
                }
        }
}

static bool lists_equal(const struct jm_strlist *x, const struct jm_strlist *y)
{
    if (x->n != y->n)
        return false;
    for (size_t i = 0; i < x->n; i++)
        if (!same(x->v[i], y->v[i]))
            return false;
    return true;
}

static bool rules_equal(const struct jm_rule *x, const struct jm_rule *y)
{
    if (!x || !y)
        return x == y;
    if (x->kind != y->kind || x->n_children != y->n_children || x->at_least != y->at_least ||
        x->within_days != y->within_days || x->score_at_least != y->score_at_least ||
        x->deal != y->deal || x->revenue != y->revenue || x->stage != y->stage ||
        x->score_min != y->score_min || x->score_max != y->score_max ||
        !same(x->survey_kind, y->survey_kind) || !lists_equal(&x->touchpoints, &y->touchpoints) ||
        !lists_equal(&x->channels, &y->channels) ||
        !lists_equal(&x->deal_stages, &y->deal_stages) ||
        !lists_equal(&x->pipelines, &y->pipelines) ||
        !lists_equal(&x->priorities, &y->priorities) || x->n_where != y->n_where)
        return false;
    for (size_t i = 0; i < x->n_where; i++)
        if (!same(x->where[i].field, y->where[i].field) ||
            !lists_equal(&x->where[i].values, &y->where[i].values))
            return false;
    for (size_t i = 0; i < x->n_children; i++)
        if (!rules_equal(&x->children[i], &y->children[i]))
            return false;
    return true;
}

static void kpis(struct adder *a, const struct jm_stage *x, const struct jm_stage *y)
{
    char bx[40], by[40];
    for (int m = 0; m < JM_KPI__COUNT; m++) {
        const struct jm_kpi *kx = NULL, *ky = NULL;
        for (size_t i = 0; i < x->n_kpis; i++)
            kx = x->kpis[i].metric == (enum jm_kpi_metric)m ? &x->kpis[i] : kx;
        for (size_t i = 0; i < y->n_kpis; i++)
            ky = y->kpis[i].metric == (enum jm_kpi_metric)m ? &y->kpis[i] : ky;
        if ((!kx && !ky) || (kx && ky && kx->target == ky->target))
            continue;
        snprintf(bx, sizeof bx, "%g", kx ? kx->target : 0);
        snprintf(by, sizeof by, "%g", ky ? ky->target : 0);
        add(a, (struct jm_change){JM_CHANGE_KPI_CHANGED, x->key, NULL, JM_LANG_EN,
                                  jm_kpi_key((enum jm_kpi_metric)m), kx ? bx : "", ky ? by : ""});
    }
}

/* The annotation of stage `st` with id `id`, or NULL. */
static const struct jm_annotation *note_of(const struct jm_stage *st, const char *id)
{
    for (size_t i = 0; i < st->n_annotations; i++)
        if (strcmp(st->annotations[i].id, id) == 0)
            return &st->annotations[i];
    return NULL;
}

/* One change per language whose text differs between `x` and `y` (either may be NULL). */
static void note_change(struct adder *a, const char *stage, const struct jm_annotation *x,
                        const struct jm_annotation *y)
{
    const struct jm_annotation *n = y ? y : x;
    enum jm_change_kind kind = !x   ? JM_CHANGE_NOTE_ADDED
                               : !y ? JM_CHANGE_NOTE_REMOVED
                                    : JM_CHANGE_NOTE_CHANGED;
    for (int lang = 0; lang < JM_LANG__COUNT; lang++) {
        const char *before = x ? x->text.s[lang] : NULL, *after = y ? y->text.s[lang] : NULL;
        bool moved = x && y && (x->lane != y->lane || x->kind != y->kind);
        if ((before || after) && (!same(before, after) || (moved && lang == 0)))
            add(a, (struct jm_change){kind, stage, jm_lane_key(n->lane), (enum jm_lang)lang,
                                      jm_annotation_kind_key(n->kind), before, after});
    }
}

static void notes(struct adder *a, const struct jm_stage *x, const struct jm_stage *y)
{
    for (size_t i = 0; i < x->n_annotations; i++) {
        const struct jm_annotation *nx = &x->annotations[i], *ny = note_of(y, nx->id);
        if (!ny || ny->lane != nx->lane || ny->kind != nx->kind ||
            !same(nx->text.s[0], ny->text.s[0]) || !same(nx->text.s[1], ny->text.s[1]))
            note_change(a, x->key, nx, ny);
    }
    for (size_t i = 0; i < y->n_annotations; i++)
        if (!note_of(x, y->annotations[i].id))
            note_change(a, y->key, NULL, &y->annotations[i]);
}

static void stage(struct adder *a, const struct jm_stage *x, const struct jm_stage *y)
{
    for (int lang = 0; lang < JM_LANG__COUNT; lang++)
        if (!same(x->name.s[lang], y->name.s[lang]))
            add(a, (struct jm_change){JM_CHANGE_STAGE_RENAMED, x->key, NULL, (enum jm_lang)lang,
                                      NULL, x->name.s[lang], y->name.s[lang]});
    if (!same(x->owner, y->owner))
        add(a, (struct jm_change){JM_CHANGE_OWNER_CHANGED, x->key, NULL, JM_LANG_EN, NULL, x->owner,
                                  y->owner});
    if (!rules_equal(x->entry, y->entry) || !rules_equal(x->revisit_when, y->revisit_when))
        add(a, (struct jm_change){JM_CHANGE_ENTRY_CHANGED, x->key, NULL, JM_LANG_EN, NULL, NULL,
                                  NULL});
    kpis(a, x, y);
    lanes(a, x, y);
    notes(a, x, y);
}

jm_status jm_diff_journeys(const struct jm_journey *a, const struct jm_journey *b,
                           struct jm_diff *d)
{
    struct adder ad = {d, d->n_changes, JM_OK};
    for (size_t i = 0; i < a->n_stages; i++) {
        int k = jm_journey_stage(b, a->stages[i].key);
        if (k < 0)
            add(&ad, (struct jm_change){JM_CHANGE_STAGE_REMOVED, a->stages[i].key, NULL, a->lang,
                                        NULL, jm_text_get(&a->stages[i].name, a->lang), NULL});
        else
            stage(&ad, &a->stages[i], &b->stages[k]);
    }
    for (size_t i = 0; i < b->n_stages; i++)
        if (jm_journey_stage(a, b->stages[i].key) < 0)
            add(&ad, (struct jm_change){JM_CHANGE_STAGE_ADDED, b->stages[i].key, NULL, b->lang,
                                        NULL, NULL, jm_text_get(&b->stages[i].name, b->lang)});
    return ad.rc;
}

/* ---------------------------------------------------------------- lines */

struct span {
    const char *s;
    size_t len;
};

static jm_status split(const char *t, size_t len, struct span **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(t + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - t) : len;
        if (*n == MAX_LINES)
            return JM_ELIMIT;
        if (*n == cap && jm_grow((void **)out, &cap, *n + 1, sizeof **out))
            return JM_ENOMEM;
        (*out)[(*n)++] = (struct span){t + i, e - i};
        i = e + 1;
    }
    return JM_OK;
}

static bool eq(struct span x, struct span y)
{
    return x.len == y.len && memcmp(x.s, y.s, x.len) == 0;
}

static void emit(struct jm_diff *d, char op, struct span s, size_t o, size_t n)
{
    d->lines[d->n_lines++] = (struct jm_diff_line){op, s.s, s.len, o, n};
    d->added += op == '+';
    d->removed += op == '-';
}

/* LCS table of x[0..n) and y[0..m): t[i][j] = LCS length of x[i..) and y[j..). */
static jm_status middle(struct jm_diff *d, const struct span *x, size_t n, const struct span *y,
                        size_t m, size_t o, size_t w)
{
    if ((n + 1) * (m + 1) > MAX_CELLS)
        return JM_ELIMIT;
    uint16_t *t = jm_calloc((n + 1) * (m + 1), sizeof *t);
    if (!t)
        return JM_ENOMEM;
#define T(i, j) t[(i) * (m + 1) + (j)]
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            T(i, j) = eq(x[i], y[j]) ? (uint16_t)(T(i + 1, j + 1) + 1)
                                     : (T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && eq(x[i], y[j])) {
            emit(d, ' ', x[i], o + i + 1, w + j + 1);
            i++, j++;
        } else if (j < m && (i == n || T(i, j + 1) >= T(i + 1, j))) {
            emit(d, '+', y[j], 0, w + j + 1);
            j++;
        } else {
            emit(d, '-', x[i], o + i + 1, 0);
            i++;
        }
    }
#undef T
    jm_free(t);
    return JM_OK;
}

jm_status jm_diff_texts(const char *a, size_t alen, const char *b, size_t blen, struct jm_diff *d)
{
    struct span *x = NULL, *y = NULL;
    size_t n = 0, m = 0, head = 0, tail = 0;
    jm_status rc = split(a, alen, &x, &n);
    if (!rc)
        rc = split(b, blen, &y, &m);
    jm_free(d->lines);
    d->n_lines = d->added = d->removed = 0;
    d->lines = rc ? NULL : jm_malloc((n + m + 1) * sizeof *d->lines);
    if (!rc && !d->lines)
        rc = JM_ENOMEM;
    while (!rc && head < n && head < m && eq(x[head], y[head]))
        head++;
    while (!rc && tail < n - head && tail < m - head && eq(x[n - 1 - tail], y[m - 1 - tail]))
        tail++;
    for (size_t i = 0; !rc && i < head; i++)
        emit(d, ' ', x[i], i + 1, i + 1);
    if (!rc)
        rc = middle(d, x + head, n - head - tail, y + head, m - head - tail, head, head);
    for (size_t i = 0; !rc && i < tail; i++)
        emit(d, ' ', x[n - tail + i], n - tail + i + 1, m - tail + i + 1);
    jm_free(x);
    jm_free(y);
    return rc;
}

static void str(struct jm_strbuf *sb, const char *s)
{
    if (s)
        jm_strbuf_add_json_string(sb, s, strlen(s));
    else
        jm_strbuf_addstr(sb, "null");
}

jm_status jm_diff_json(const struct jm_diff *d, struct jm_strbuf *sb)
{
    size_t start = sb->len;
    jm_status rc = jm_strbuf_addstr(sb, "{\"changes\":[");
    for (size_t i = 0; !rc && i < d->n_changes; i++) {
        const struct jm_change *c = &d->changes[i];
        jm_strbuf_addf(sb, "%s{\"kind\":\"%s\",\"stage\":", i ? "," : "", jm_change_key(c->kind));
        str(sb, c->stage);
        jm_strbuf_addstr(sb, ",\"lane\":");
        str(sb, c->lane);
        jm_strbuf_addf(sb, ",\"lang\":\"%s\",\"what\":", jm_lang_code(c->lang));
        str(sb, c->what);
        jm_strbuf_addstr(sb, ",\"before\":");
        str(sb, c->before);
        jm_strbuf_addstr(sb, ",\"after\":");
        str(sb, c->after);
        rc = jm_strbuf_addch(sb, '}');
    }
    jm_strbuf_addf(sb, "],\"added\":%zu,\"removed\":%zu,\"lines\":[", d->added, d->removed);
    for (size_t i = 0; !rc && i < d->n_lines; i++) {
        const struct jm_diff_line *l = &d->lines[i];
        jm_strbuf_addf(sb, "%s{\"op\":\"%c\",\"old\":%zu,\"new\":%zu,\"text\":", i ? "," : "",
                       l->op, l->old_no, l->new_no);
        jm_strbuf_add_json_string(sb, l->text, l->len);
        rc = jm_strbuf_addch(sb, '}');
    }
    if (!rc)
        rc = jm_strbuf_addstr(sb, "]}\n");
    if (rc) { /* not sticky: a failed add may have left a hole, so give nothing */
        sb->len = start;
        sb->buf[start] = '\0';
    }
    return rc;
}
