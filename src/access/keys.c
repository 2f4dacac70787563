/*
 * API keys and random tokens (access.h): the only file that includes <sodium.h>.
 *
 *   jmk_ 3kT9pQ2a  Xb...32 base62...Zq  0aZ9kQ
 *   ^^^^ ^^^^^^^^  ^^^^^^^^^^^^^^^^^^^  ^^^^^^
 *   kind id (8)    secret (32)          CRC-32 of the 44 characters before, base62, 6 digits
 *
 * Base62 digits are 0-9, A-Z, a-z, in that order; the check is the CRC-32 (IEEE, as zlib's
 * crc32()) written most significant digit first and padded with '0' to 6 digits (62^6 > 2^32).
 * A CRC-32 catches every change of one character (any error burst up to 32 bits), so a mistyped
 * key is refused without a workspace lookup; a leaked key is recognisable by the pattern
 * \bjm[kw]_[A-Za-z0-9]{46}\b and its checksum (docs/security.md).
 *
 * Every character is drawn with randombytes_uniform(62), which has no modulo bias.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "journeymap/access.h"

#define PREFIX_LEN 4
#define SECRET_LEN 32
#define CHECK_LEN  6
#define BODY_LEN   (PREFIX_LEN + JM_KEY_ID_LEN + SECRET_LEN) /* what the check covers */

static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_status = -1;

static void sodium_start(void)
{
    sodium_status = sodium_init() < 0 ? -1 : 0;
}

/* libsodium must be initialised once before use; pthread_once makes the first call from any
 * of the server's threads do it exactly once. */
static jm_status ready(struct jm_error *err)
{
    pthread_once(&sodium_once, sodium_start);
    if (sodium_status != 0)
        return jm_error_set(err, JM_EIO, "cannot initialise the system's random source");
    return JM_OK;
}

static uint32_t crc32_ieee(const char *s, size_t len)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        crc ^= (unsigned char)s[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void check_digits(const char *body, char out[CHECK_LEN])
{
    uint32_t crc = crc32_ieee(body, BODY_LEN);
    for (int i = CHECK_LEN - 1; i >= 0; i--) {
        out[i] = base62[crc % 62];
        crc /= 62;
    }
}

static bool is_base62(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static void random_chars(char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = base62[randombytes_uniform(62)];
}

jm_status jm_key_generate(enum jm_role role, const char *name, int64_t now,
                          char key[JM_KEY_LEN + 1], struct jm_key_row *row, struct jm_error *err)
{
    if (!key || !row || (unsigned)role >= JM_ROLE__COUNT)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to make a key");
    jm_status rc = ready(err);
    if (rc)
        return rc;
    memcpy(key, role == JM_ROLE_INGEST ? "jmw_" : "jmk_", PREFIX_LEN);
    random_chars(key + PREFIX_LEN, JM_KEY_ID_LEN + SECRET_LEN);
    check_digits(key, key + BODY_LEN);
    key[JM_KEY_LEN] = '\0';
    memset(row, 0, sizeof(*row));
    memcpy(row->id, key + PREFIX_LEN, JM_KEY_ID_LEN);
    jm_key_hash(key, JM_KEY_LEN, row->hash);
    row->role = role;
    row->name = name;
    row->created = now;
    return JM_OK;
}

/* The messages below never quote the key: they end up in logs and HTTP answers. */
jm_status jm_key_parse(const char *key, size_t len, char *id, struct jm_error *err)
{
    if (!key || !id)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to read a key");
    id[0] = '\0';
    if (len < PREFIX_LEN ||
        (memcmp(key, "jmk_", PREFIX_LEN) != 0 && memcmp(key, "jmw_", PREFIX_LEN) != 0))
        return jm_error_set(err, JM_EPARSE, "not a journeymap key");
    for (size_t i = PREFIX_LEN; i < len; i++)
        if (!is_base62(key[i]))
            return jm_error_set(err, JM_EPARSE,
                                "not a journeymap key: character %zu is not a letter or digit",
                                i + 1);
    if (len != JM_KEY_LEN)
        return jm_error_set(err, JM_EPARSE,
                            "the key has %zu characters instead of %d: cut short or run on", len,
                            JM_KEY_LEN);
    char check[CHECK_LEN];
    check_digits(key, check);
    if (!jm_secure_equal(check, key + BODY_LEN, CHECK_LEN))
        return jm_error_set(err, JM_EPARSE,
                            "the key's checksum does not match: mistyped or cut short");
    memcpy(id, key + PREFIX_LEN, JM_KEY_ID_LEN);
    id[JM_KEY_ID_LEN] = '\0';
    return JM_OK;
}

void jm_key_hash(const char *key, size_t len, unsigned char out[JM_KEY_HASH_LEN])
{
    /* BLAKE2b needs no initialisation; ready() is called for libsodium's CPU feature checks. */
    (void)ready(NULL);
    crypto_generichash(out, JM_KEY_HASH_LEN, (const unsigned char *)key, len, NULL, 0);
}

bool jm_key_matches(const struct jm_key_row *row, const char *key, size_t len)
{
    if (!row || !key)
        return false;
    unsigned char h[JM_KEY_HASH_LEN];
    jm_key_hash(key, len, h);
    /* Compared in full even for a revoked key, so timing tells nothing either way. */
    bool same = jm_secure_equal(h, row->hash, JM_KEY_HASH_LEN);
    return same && row->revoked == 0;
}

jm_status jm_random_token(char *out, size_t n, struct jm_error *err)
{
    if (!out)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to make a token");
    jm_status rc = ready(err);
    if (rc) {
        out[0] = '\0';
        return rc;
    }
    random_chars(out, n);
    out[n] = '\0';
    return JM_OK;
}

bool jm_secure_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}
