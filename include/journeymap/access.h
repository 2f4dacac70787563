/*
 * Who may do what: API keys, roles and the random tokens of browser sessions. libsodium is
 * included by src/access/ only.
 *
 * A key reads  jmk_<id><secret><check>  (admin, editor, viewer)  or  jmw_<id><secret><check>
 * (ingest-only "write keys", which end up in web pages' tracking code): `id` is 8 base62
 * characters, public, stored in clear and shown by `journeymap keys list`; `secret` is 32
 * base62 characters (190 bits from randombytes_buf); `check` is 6 base62 characters of the
 * CRC-32 of everything before it. The prefix and the checksum let a secret scanner recognise a
 * leaked key without asking us (as GitHub's and Slack's tokens do) and let us refuse a mistyped
 * key without a lookup. The workspace keeps only BLAKE2b-256 of the whole key: a key has 190
 * bits of entropy, so a slow password hash would add latency to every request and no safety.
 *
 * Roles (a request needs the permission of its route):
 *   admin    read, edit, ingest, manage keys and failed events
 *   editor   read, edit (definition versions, lanes, annotations)
 *   viewer   read
 *   ingest   ingest only (/v1/identify|group|track|page|batch)
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_ACCESS_H
#define JM_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workspace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JM_KEY_LEN 50 /* 4 prefix + 8 id + 32 secret + 6 check */

enum jm_permission { JM_PERM_READ, JM_PERM_EDIT, JM_PERM_INGEST, JM_PERM_ADMIN };

/* "admin", "editor", "viewer", "ingest"; parse also takes "ingest-only". */
JM_API const char *jm_role_key(enum jm_role role);
JM_API bool jm_role_parse(const char *s, enum jm_role *out);
JM_API bool jm_role_allows(enum jm_role role, enum jm_permission p);

/*
 * Makes a new key for `role`: its text into `key` (JM_KEY_LEN + 1 bytes, NUL-terminated; shown
 * once, never stored) and the row to store into *row (id, hash, role, `name` borrowed,
 * created = `now`). JM_EIO when the system's random source fails.
 */
JM_API jm_status jm_key_generate(enum jm_role role, const char *name, int64_t now,
                                 char key[JM_KEY_LEN + 1], struct jm_key_row *row,
                                 struct jm_error *err);
/*
 * Checks the shape, prefix and checksum of a presented key and gives its public id (id:
 * JM_KEY_ID_LEN + 1 bytes). JM_EPARSE with a reason that never echoes the key ("not a
 * journeymap key", "the key's checksum does not match: mistyped or cut short").
 */
JM_API jm_status jm_key_parse(const char *key, size_t len, char *id, struct jm_error *err);
/* Whether `key` hashes to row->hash (constant time) and the row is not revoked. */
JM_API bool jm_key_matches(const struct jm_key_row *row, const char *key, size_t len);
JM_API void jm_key_hash(const char *key, size_t len, unsigned char out[JM_KEY_HASH_LEN]);

/* `n` random characters of [A-Za-z0-9] into out (n + 1 bytes), for session ids and CSRF
 * tokens. JM_EIO when the random source fails. */
JM_API jm_status jm_random_token(char *out, size_t n, struct jm_error *err);
/* Constant-time comparison of two byte strings of the same length. */
JM_API bool jm_secure_equal(const void *a, const void *b, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* JM_ACCESS_H */
