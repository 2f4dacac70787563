/*
 * The data model (DESIGN.md §2): the eight entities a B2B company's customer data is made of,
 * each described once, as a table of fields. That table drives everything that touches an
 * entity: the importers' column mappings and type checks, the storage schema (a test checks the
 * SQL schema against it), export and stats. Add a field here and in a storage migration.
 *
 * A record is one entity instance in transit (import -> storage, storage -> export): an array of
 * typed values, one per field, plus a JSON object of free-form properties.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_MODEL_H
#define JM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum jm_entity {
    JM_ENT_OWNER,
    JM_ENT_ACCOUNT,
    JM_ENT_CONTACT,
    JM_ENT_EVENT,
    JM_ENT_DEAL,
    JM_ENT_TICKET,
    JM_ENT_SURVEY,
    JM_ENT_REVENUE,
    JM_ENT__COUNT
};

enum jm_ftype {
    JM_FT_TEXT, /* UTF-8 text up to max_len bytes */
    JM_FT_INT,  /* 64-bit integer */
    JM_FT_REAL, /* double */
    JM_FT_TIME, /* UTC microseconds */
    JM_FT_ENUM, /* one of `values` (stored as that text) */
    JM_FT_REF   /* the id of another entity (`ref`), stored as text */
};

#define JM_FIELD_REQUIRED 0x1u /* a record without it is rejected */
#define JM_FIELD_KEY      0x2u /* part of the entity's identity */

struct jm_field_def {
    const char *name;
    enum jm_ftype type;
    unsigned flags;
    enum jm_entity ref;        /* JM_FT_REF: the entity referred to */
    const char *const *values; /* JM_FT_ENUM: canonical values, NULL-terminated */
    uint32_t max_len;          /* JM_FT_TEXT/REF/ENUM: longest value in bytes */
    double min, max;           /* JM_FT_INT/REAL: inclusive range when min < max */
    const char *doc;           /* one line for docs and --help */
};

#define JM_MAX_FIELDS 24

struct jm_entity_def {
    enum jm_entity kind;
    const char *name;     /* plural, the table and CLI name: "accounts" */
    const char *singular; /* "account" */
    const struct jm_field_def *fields;
    size_t nfields;
    int id_field; /* index of the text id, or -1 (revenue is keyed by account + period) */
};

/* The definition of `kind`. */
JM_API const struct jm_entity_def *jm_entity_get(enum jm_entity kind);
/* Finds an entity by plural or singular name ("deals", "deal"); NULL when unknown. */
JM_API const struct jm_entity_def *jm_entity_find(const char *name);
/* Index of `name` in def->fields, or -1. */
JM_API int jm_entity_field(const struct jm_entity_def *def, const char *name);

/* ---------------------------------------------------------------- records */

enum jm_vkind {
    JM_V_ABSENT,  /* the source does not provide this field: storage keeps what it has */
    JM_V_MISSING, /* the source provides it, empty: stored as NULL, shown as "(missing)" */
    JM_V_TEXT,    /* s/len (TEXT, ENUM, REF) */
    JM_V_INT,     /* i */
    JM_V_REAL,    /* r */
    JM_V_TIME     /* i, UTC microseconds */
};

struct jm_value {
    enum jm_vkind kind;
    int64_t i;
    double r;
    const char *s; /* not NUL-terminated; borrowed */
    size_t len;
};

/*
 * One entity instance. `v` has def->nfields values. `props` is a JSON object text (or NULL) of
 * the properties that have no field of their own. Strings are borrowed from the producer.
 */
struct jm_record {
    const struct jm_entity_def *def;
    struct jm_value v[JM_MAX_FIELDS];
    const char *props;
    size_t props_len;
};

/* Sets every value of `rec` to ABSENT for entity `def`. */
JM_API void jm_record_init(struct jm_record *rec, const struct jm_entity_def *def);

/*
 * Converts source text `s[0..len)` to the typed value of field `f` in *out (borrowing `s` for
 * text). Empty text gives MISSING. For every type but TEXT and REF, surrounding white space is
 * ignored (so white space alone is MISSING too). Numbers are plain decimal ("1e3" and " 42 "
 * pass; "0x10", "nan", "1,000" do not); an INT takes "4.0" but not "4.5". Enum text is matched
 * case-insensitively, with runs of spaces, dashes and underscores read as one underscore, and
 * through the field's aliases ("proposer" -> "champion");
 * *out then points at the canonical static spelling. `date_format` is passed to
 * jm_time_parse() for TIME fields (NULL: ISO-8601). Returns JM_OK or JM_EPARSE with the reason
 * in `err` (no position; the caller knows it).
 */
JM_API jm_status jm_value_parse(const struct jm_field_def *f, const char *s, size_t len,
                                const char *date_format, struct jm_value *out,
                                struct jm_error *err);

/*
 * Checks a complete record: required fields present, numbers in range, the survey score in the
 * range of its kind, text within max_len (JM_ELIMIT) and valid UTF-8, enum values canonical.
 * A value whose kind does not fit its field (TIME in a TEXT field) gives JM_EINVAL; an INT may
 * stand for a REAL. On failure *field (when not NULL) is the index of the offending field (-1
 * for the record as a whole).
 */
JM_API jm_status jm_record_check(const struct jm_record *rec, int *field, struct jm_error *err);

/*
 * The record's identity as text into `sb` ("ACME" or, for revenue, "ACME|2024-01-01"; a time
 * that is not midnight UTC is written in full). Events give their message id, or "".
 */
JM_API jm_status jm_record_key(const struct jm_record *rec, struct jm_strbuf *sb);

/*
 * A 64-bit digest of the record's present values and properties, so storage and importers can
 * tell "same id, same content" (re-import: nothing changes) from "same id, other content".
 */
JM_API uint64_t jm_record_digest(const struct jm_record *rec);

/*
 * The deduplication key of an event: from its message id when it has one, else from its whole
 * content. Never 0.
 */
JM_API uint64_t jm_event_key(const struct jm_record *rec);

/*
 * The text form of `v` for exports: text as is (borrowed), whole numbers in decimal, reals in
 * their shortest round-trip form, times as ISO-8601 UTC. Non-text forms are written into `buf`
 * (at least 40 bytes). ABSENT and MISSING give len 0.
 */
JM_API void jm_value_text(const struct jm_value *v, char *buf, size_t cap, const char **s,
                          size_t *len);
/* Writes the shortest "%.Ng" form of `d` that reads back as `d` (buf: at least 32 bytes). */
JM_API void jm_format_double(double d, char *buf, size_t cap);

/* Field indexes of the event entity, for the columnar paths that must not look names up. */
enum jm_event_field {
    JM_EV_MESSAGE_ID,
    JM_EV_TIME,
    JM_EV_ACCOUNT,
    JM_EV_CONTACT,
    JM_EV_ANONYMOUS_ID,
    JM_EV_TOUCHPOINT,
    JM_EV_CHANNEL,
    JM_EV_UTM_SOURCE,
    JM_EV_UTM_MEDIUM,
    JM_EV_UTM_CAMPAIGN,
    JM_EV_UTM_CONTENT,
    JM_EV_UTM_TERM,
    JM_EV_URL,
    JM_EV_REFERRER,
    JM_EV_VALUE,
    JM_EV_CURRENCY,
    JM_EV_SENTIMENT,
    JM_EV__COUNT
};

#ifdef __cplusplus
}
#endif
#endif /* JM_MODEL_H */
