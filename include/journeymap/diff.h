/*
 * What changed between two versions of a journey definition: a structural diff of the parsed
 * definitions (stages added, removed or renamed; each lane's lines added or removed, per
 * language; annotations added, removed or edited; KPI targets and entry rules changed) and a line diff of the two YAML texts (longest
 * common subsequence), for the version history.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_DIFF_H
#define JM_DIFF_H

#include <stddef.h>

#include "define.h"

#ifdef __cplusplus
extern "C" {
#endif

enum jm_change_kind {
    JM_CHANGE_STAGE_ADDED,   /* stage: the new stage's key; after: its name */
    JM_CHANGE_STAGE_REMOVED, /* stage; before: its name */
    JM_CHANGE_STAGE_RENAMED, /* stage, lang; before, after: the names */
    JM_CHANGE_ITEM_ADDED,    /* stage, lane, lang; after: the line */
    JM_CHANGE_ITEM_REMOVED,  /* stage, lane, lang; before: the line */
    JM_CHANGE_KPI_CHANGED,   /* stage; what: the metric; before, after: targets ("" none) */
    JM_CHANGE_ENTRY_CHANGED, /* stage: its entry rule differs */
    JM_CHANGE_OWNER_CHANGED, /* stage; before, after */
    JM_CHANGE_NOTE_ADDED,    /* stage, lane, lang; what: the annotation's kind; after: its text */
    JM_CHANGE_NOTE_REMOVED,  /* stage, lane, lang; what: its kind; before: its text */
    JM_CHANGE_NOTE_CHANGED,  /* stage, lane, lang; what: its kind; before, after: the texts */
    JM_CHANGE__COUNT
};
/* "stage_added", "stage_removed", "stage_renamed", "item_added", "item_removed",
 * "kpi_changed", "entry_changed", "owner_changed", "note_added", "note_removed",
 * "note_changed". Annotations are matched by id within their stage; texts per language. */
JM_API const char *jm_change_key(enum jm_change_kind k);

struct jm_change {
    enum jm_change_kind kind;
    const char *stage;          /* stage key */
    const char *lane;           /* lane key ("pain_points") or NULL */
    enum jm_lang lang;          /* for names and lane lines */
    const char *what;           /* KPI metric key, or NULL */
    const char *before, *after; /* NULL where it does not apply */
};

/* One line of the text diff: ' ' kept, '-' only in the old text, '+' only in the new. */
struct jm_diff_line {
    char op;
    const char *text; /* without its newline; not NUL-terminated */
    size_t len;
    size_t old_no, new_no; /* 1-based line numbers; 0 where the line is not in that text */
};

struct jm_diff {
    size_t n_changes;
    struct jm_change *changes;
    size_t n_lines;
    struct jm_diff_line *lines; /* point into the texts given to jm_diff_texts */
    size_t added, removed;      /* lines */
    struct jm_arena arena;      /* owns the arrays and the strings of `changes` */
};

/* Zeroed; release with jm_diff_release. */
JM_API void jm_diff_init(struct jm_diff *d);
JM_API void jm_diff_release(struct jm_diff *d);
/* Adds the structural changes from `a` to `b` (borrowed; strings are copied). */
JM_API jm_status jm_diff_journeys(const struct jm_journey *a, const struct jm_journey *b,
                                  struct jm_diff *d);
/*
 * Sets the line diff of `a` and `b` (borrowed: must outlive `d`). Texts over 20,000 lines each
 * give JM_ELIMIT.
 */
JM_API jm_status jm_diff_texts(const char *a, size_t alen, const char *b, size_t blen,
                               struct jm_diff *d);
/* {"changes": [{"kind", "stage", "lane", "lang", "what", "before", "after"}...], "added",
 * "removed", "lines": [{"op", "old", "new", "text"}...]} */
JM_API jm_status jm_diff_json(const struct jm_diff *d, struct jm_strbuf *sb);

#ifdef __cplusplus
}
#endif
#endif /* JM_DIFF_H */
