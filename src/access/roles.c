/*
 * Roles and what each may do (access.h). The table is the whole policy: the server asks
 * jm_role_allows() for the permission of each route, so a role gains or loses a right here
 * and nowhere else.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "journeymap/access.h"

#define P(x) (1u << (x))

static const struct {
    const char *key;
    unsigned perms;
} roles[JM_ROLE__COUNT] = {
    [JM_ROLE_ADMIN] = {"admin",
                       P(JM_PERM_READ) | P(JM_PERM_EDIT) | P(JM_PERM_INGEST) | P(JM_PERM_ADMIN)},
    [JM_ROLE_EDITOR] = {"editor", P(JM_PERM_READ) | P(JM_PERM_EDIT)},
    [JM_ROLE_VIEWER] = {"viewer", P(JM_PERM_READ)},
    /* Write keys sit in web pages' source: they must not read anything back. */
    [JM_ROLE_INGEST] = {"ingest", P(JM_PERM_INGEST)},
};

const char *jm_role_key(enum jm_role role)
{
    return (unsigned)role < JM_ROLE__COUNT ? roles[role].key : "unknown";
}

bool jm_role_parse(const char *s, enum jm_role *out)
{
    if (!s || !out)
        return false;
    if (strcmp(s, "ingest-only") == 0) {
        *out = JM_ROLE_INGEST;
        return true;
    }
    for (int r = 0; r < JM_ROLE__COUNT; r++)
        if (strcmp(s, roles[r].key) == 0) {
            *out = (enum jm_role)r;
            return true;
        }
    return false;
}

bool jm_role_allows(enum jm_role role, enum jm_permission p)
{
    return (unsigned)role < JM_ROLE__COUNT && (unsigned)p <= JM_PERM_ADMIN &&
           (roles[role].perms & P(p)) != 0;
}
