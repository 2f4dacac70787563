/*
 * The entity definitions: one table of fields per entity. Order matters: storage columns follow
 * it (a test compares them with the SQL schema), and the event fields follow enum
 * jm_event_field.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "base/internal.h"
#include "model/internal.h"

/* Canonical enum spellings. Aliases that import accepts live in record.c. */
const char *const jm__dmu_roles[] = {"decider",    "champion", "user",    "researcher",
                                     "influencer", "finance",  "unknown", NULL};
const char *const jm__deal_status[] = {"open", "won", "lost", NULL};
const char *const jm__ticket_priority[] = {"low", "normal", "high", "urgent", NULL};
const char *const jm__ticket_status[] = {"open", "pending", "resolved", "closed", NULL};
const char *const jm__survey_kinds[] = {"nps", "csat", "ces", NULL};

#define ID(n)                                                                                      \
    {                                                                                              \
        n, JM_FT_TEXT, JM_FIELD_REQUIRED | JM_FIELD_KEY, 0, NULL, 256, 0, 0, "unique id"           \
    }
#define TEXT(n, d)                                                                                 \
    {                                                                                              \
        n, JM_FT_TEXT, 0, 0, NULL, 1024, 0, 0, d                                                   \
    }
#define LONG(n, d)                                                                                 \
    {                                                                                              \
        n, JM_FT_TEXT, 0, 0, NULL, 65536, 0, 0, d                                                  \
    }
#define REF(n, e, d)                                                                               \
    {                                                                                              \
        n, JM_FT_REF, 0, e, NULL, 256, 0, 0, d                                                     \
    }
#define TIME(n, d)                                                                                 \
    {                                                                                              \
        n, JM_FT_TIME, 0, 0, NULL, 0, 0, 0, d                                                      \
    }
#define REAL(n, lo, hi, d)                                                                         \
    {                                                                                              \
        n, JM_FT_REAL, 0, 0, NULL, 0, lo, hi, d                                                    \
    }
#define ENUM(n, v, d)                                                                              \
    {                                                                                              \
        n, JM_FT_ENUM, 0, 0, v, 32, 0, 0, d                                                        \
    }

static const struct jm_field_def owner_fields[] = {
    ID("id"),
    TEXT("name", "full name"),
    TEXT("email", "work email"),
    TEXT("team", "team: marketing, sales, customer success..."),
    TEXT("manager", "the owner's manager"),
    TEXT("office", "office or region"),
};

static const struct jm_field_def account_fields[] = {
    ID("id"),
    TEXT("name", "company name"),
    TEXT("domain", "web domain, used to attach contacts by email"),
    TEXT("industry", "industry or sector"),
    TEXT("size_band", "size band such as 51-200"),
    {"employees", JM_FT_INT, 0, 0, NULL, 0, 0, 1e9, "number of employees"},
    TEXT("region", "region: APAC, EMEA, Central..."),
    TEXT("country", "country"),
    TEXT("segment", "segment: SMB, mid-market, enterprise..."),
    REF("owner", JM_ENT_OWNER, "account owner"),
    TIME("created", "when the account entered the CRM"),
};

static const struct jm_field_def contact_fields[] = {
    ID("id"),
    REF("account", JM_ENT_ACCOUNT, "the contact's company"),
    TEXT("name", "full name"),
    TEXT("email", "email"),
    TEXT("title", "job title"),
    ENUM("dmu_role", jm__dmu_roles, "buying-committee role"),
    TEXT("persona", "persona key"),
    REF("owner", JM_ENT_OWNER, "contact owner"),
    TIME("created", "when the contact entered the CRM"),
};

/* Keep in the order of enum jm_event_field. */
static const struct jm_field_def event_fields[] = {
    {"message_id", JM_FT_TEXT, JM_FIELD_KEY, 0, NULL, 256, 0, 0, "unique message id (dedup)"},
    {"time", JM_FT_TIME, JM_FIELD_REQUIRED, 0, NULL, 0, 0, 0, "when it happened"},
    REF("account", JM_ENT_ACCOUNT, "the account"),
    REF("contact", JM_ENT_CONTACT, "the contact"),
    TEXT("anonymous_id", "visitor id before identification"),
    {"touchpoint", JM_FT_TEXT, JM_FIELD_REQUIRED, 0, NULL, 128, 0, 0, "kind of touchpoint"},
    TEXT("channel", "channel"),
    TEXT("utm_source", "UTM source"),
    TEXT("utm_medium", "UTM medium"),
    TEXT("utm_campaign", "UTM campaign"),
    TEXT("utm_content", "UTM content"),
    TEXT("utm_term", "UTM term"),
    LONG("url", "page url"),
    LONG("referrer", "referrer url"),
    REAL("value", 0, 0, "monetary or numeric value"),
    TEXT("currency", "ISO currency of value"),
    REAL("sentiment", -1, 1, "sentiment from -1 (negative) to 1 (positive)"),
};

static const struct jm_field_def deal_fields[] = {
    ID("id"),
    REF("account", JM_ENT_ACCOUNT, "the buying account"),
    REF("contact", JM_ENT_CONTACT, "the lead the deal came from"),
    TEXT("name", "deal name"),
    TEXT("pipeline", "pipeline"),
    TEXT("stage", "pipeline stage"),
    REAL("amount", 0, 0, "amount"),
    TEXT("currency", "ISO currency"),
    TIME("created", "when the deal was created"),
    TIME("closed", "when it was won or lost"),
    ENUM("status", jm__deal_status, "open, won or lost"),
    TEXT("lost_reason", "why it was lost"),
    REF("owner", JM_ENT_OWNER, "deal owner"),
    TEXT("product", "product"),
};

static const struct jm_field_def ticket_fields[] = {
    ID("id"),
    REF("account", JM_ENT_ACCOUNT, "the account"),
    REF("contact", JM_ENT_CONTACT, "who opened it"),
    {"opened", JM_FT_TIME, JM_FIELD_REQUIRED, 0, NULL, 0, 0, 0, "when it was opened"},
    TIME("first_response", "first response"),
    TIME("resolved", "resolution"),
    ENUM("priority", jm__ticket_priority, "low, normal, high or urgent"),
    TEXT("channel", "email, chat, phone..."),
    ENUM("status", jm__ticket_status, "open, pending, resolved or closed"),
    REAL("csat", 1, 5, "satisfaction score 1-5"),
};

static const struct jm_field_def survey_fields[] = {
    ID("id"),
    REF("account", JM_ENT_ACCOUNT, "the account"),
    REF("contact", JM_ENT_CONTACT, "who answered"),
    {"time", JM_FT_TIME, JM_FIELD_REQUIRED, 0, NULL, 0, 0, 0, "when it was answered"},
    {"kind", JM_FT_ENUM, JM_FIELD_REQUIRED, 0, jm__survey_kinds, 8, 0, 0, "nps, csat or ces"},
    {"score", JM_FT_REAL, JM_FIELD_REQUIRED, 0, NULL, 0, 0, 0, "NPS 0-10, CSAT 1-5, CES 1-7"},
    LONG("comment", "free-text answer"),
};

static const struct jm_field_def revenue_fields[] = {
    {"account", JM_FT_REF, JM_FIELD_REQUIRED | JM_FIELD_KEY, JM_ENT_ACCOUNT, NULL, 256, 0, 0,
     "the paying account"},
    {"period_start", JM_FT_TIME, JM_FIELD_REQUIRED | JM_FIELD_KEY, 0, NULL, 0, 0, 0,
     "first day of the period"},
    {"mrr", JM_FT_REAL, JM_FIELD_REQUIRED, 0, NULL, 0, 0, 1e15, "monthly recurring revenue"},
    TEXT("currency", "ISO currency"),
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
static const struct jm_entity_def entities[JM_ENT__COUNT] = {
    {JM_ENT_OWNER, "owners", "owner", owner_fields, N(owner_fields), 0},
    {JM_ENT_ACCOUNT, "accounts", "account", account_fields, N(account_fields), 0},
    {JM_ENT_CONTACT, "contacts", "contact", contact_fields, N(contact_fields), 0},
    {JM_ENT_EVENT, "events", "event", event_fields, N(event_fields), -1},
    {JM_ENT_DEAL, "deals", "deal", deal_fields, N(deal_fields), 0},
    {JM_ENT_TICKET, "tickets", "ticket", ticket_fields, N(ticket_fields), 0},
    {JM_ENT_SURVEY, "surveys", "survey", survey_fields, N(survey_fields), 0},
    {JM_ENT_REVENUE, "revenue", "revenue", revenue_fields, N(revenue_fields), -1},
};

_Static_assert(N(event_fields) == JM_EV__COUNT, "event fields and enum jm_event_field differ");

const struct jm_entity_def *jm_entity_get(enum jm_entity kind)
{
    return (unsigned)kind < JM_ENT__COUNT ? &entities[kind] : NULL;
}

const struct jm_entity_def *jm_entity_find(const char *name)
{
    for (size_t i = 0; i < JM_ENT__COUNT; i++)
        if (strcasecmp(name, entities[i].name) == 0 || strcasecmp(name, entities[i].singular) == 0)
            return &entities[i];
    return NULL;
}

int jm_entity_field(const struct jm_entity_def *def, const char *name)
{
    for (size_t i = 0; i < def->nfields; i++)
        if (strcmp(def->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}
