/*
 * API keys, roles and tokens (access.h): the key format and its checksum, hashing and
 * matching, the role table.
 *
 * SPDX-License-Identifier: MIT
 */
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "journeymap/access.h"

static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void make_key(enum jm_role role, char key[JM_KEY_LEN + 1], struct jm_key_row *row)
{
    struct jm_error err;
    if (jm_key_generate(role, "test", 1234, key, row, &err))
        fail_msg("generate: %s", err.msg);
}

static void keys_have_the_documented_format(void **state)
{
    (void)state;
    regex_t re;
    assert_int_equal(regcomp(&re, "^jm[kw]_[A-Za-z0-9]{46}$", REG_EXTENDED | REG_NOSUB), 0);
    for (int r = 0; r < JM_ROLE__COUNT; r++) {
        char key[JM_KEY_LEN + 1];
        struct jm_key_row row;
        make_key((enum jm_role)r, key, &row);
        assert_int_equal(strlen(key), JM_KEY_LEN);
        assert_int_equal(regexec(&re, key, 0, NULL, 0), 0);
        assert_memory_equal(key, r == JM_ROLE_INGEST ? "jmw_" : "jmk_", 4);
        assert_memory_equal(row.id, key + 4, JM_KEY_ID_LEN);
        assert_int_equal(strlen(row.id), JM_KEY_ID_LEN);
        assert_int_equal(row.role, r);
        assert_string_equal(row.name, "test");
        assert_int_equal(row.created, 1234);
        assert_int_equal(row.revoked, 0);
        char id[JM_KEY_ID_LEN + 1];
        struct jm_error err;
        assert_int_equal(jm_key_parse(key, JM_KEY_LEN, id, &err), JM_OK);
        assert_string_equal(id, row.id);
    }
    regfree(&re);
    /* Two keys never share an id or a secret. */
    char a[JM_KEY_LEN + 1], b[JM_KEY_LEN + 1];
    struct jm_key_row ra, rb;
    make_key(JM_ROLE_ADMIN, a, &ra);
    make_key(JM_ROLE_ADMIN, b, &rb);
    assert_string_not_equal(ra.id, rb.id);
    assert_memory_not_equal(a + 12, b + 12, 32);
}

/* The check is CRC-32 (zlib's) of the first 44 characters in 6 base62 digits: recomputed here
 * from the definition, so a change of algorithm or alphabet fails the test. */
static void checksum_is_crc32_in_base62(void **state)
{
    (void)state;
    char key[JM_KEY_LEN + 1];
    struct jm_key_row row;
    make_key(JM_ROLE_EDITOR, key, &row);
    uint32_t crc = 0xffffffffu;
    for (int i = 0; i < 44; i++) {
        crc ^= (unsigned char)key[i];
        for (int k = 0; k < 8; k++)
            crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
    }
    crc = ~crc;
    uint64_t v = 0;
    for (int i = 44; i < 50; i++)
        v = v * 62 + (uint64_t)(strchr(base62, key[i]) - base62);
    assert_int_equal(v, crc);
    /* zlib's check value for "123456789". */
    const char *nine = "123456789";
    crc = 0xffffffffu;
    for (int i = 0; i < 9; i++) {
        crc ^= (unsigned char)nine[i];
        for (int k = 0; k < 8; k++)
            crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
    }
    assert_int_equal(~crc, 0xcbf43926u);
}

static void every_single_character_change_is_refused(void **state)
{
    (void)state;
    char key[JM_KEY_LEN + 1];
    struct jm_key_row row;
    make_key(JM_ROLE_VIEWER, key, &row);
    unsigned tried = 0;
    for (int i = 0; i < JM_KEY_LEN; i++) {
        const char *alphabet = i < 4 ? "jmkw_x" : base62;
        for (const char *c = alphabet; *c; c++) {
            if (*c == key[i])
                continue;
            char bad[JM_KEY_LEN + 1];
            memcpy(bad, key, sizeof(bad));
            bad[i] = *c;
            char id[JM_KEY_ID_LEN + 1];
            struct jm_error err;
            if (jm_key_parse(bad, JM_KEY_LEN, id, &err) != JM_EPARSE)
                fail_msg("changing character %d to '%c' was not noticed", i, *c);
            tried++;
        }
    }
    assert_int_equal(tried, 46 * 61 + 4 * 5); /* every other letter or digit; 5 per prefix char */
}

static void parse_errors_never_echo_the_key(void **state)
{
    (void)state;
    char key[JM_KEY_LEN + 1];
    struct jm_key_row row;
    make_key(JM_ROLE_ADMIN, key, &row);
    char variants[6][80];
    snprintf(variants[0], 80, "%.49s", key);                               /* cut short */
    snprintf(variants[1], 80, "%sQ", key);                                 /* run on */
    snprintf(variants[2], 80, "abc_%s", key + 4);                          /* another prefix */
    snprintf(variants[3], 80, "%.20s-%s", key, key + 21);                  /* a foreign character */
    snprintf(variants[4], 80, "%.49s%c", key, key[49] == 'a' ? 'b' : 'a'); /* checksum */
    snprintf(variants[5], 80, "%s", "");
    for (int v = 0; v < 6; v++) {
        char id[JM_KEY_ID_LEN + 1];
        struct jm_error err;
        jm_error_clear(&err);
        assert_int_equal(jm_key_parse(variants[v], strlen(variants[v]), id, &err), JM_EPARSE);
        assert_true(err.msg[0] != '\0');
        assert_string_equal(id, "");
        /* Neither the secret nor the id appears, in any form. */
        assert_null(strstr(err.msg, row.id));
        char secret[33];
        snprintf(secret, sizeof(secret), "%.32s", key + 12);
        assert_null(strstr(err.msg, secret));
        assert_null(strstr(err.msg, "jmk_"));
    }
    struct jm_error err;
    char id[JM_KEY_ID_LEN + 1];
    jm_key_parse(variants[4], JM_KEY_LEN, id, &err);
    assert_string_equal(err.msg, "the key's checksum does not match: mistyped or cut short");
    jm_key_parse(variants[2], JM_KEY_LEN, id, &err);
    assert_string_equal(err.msg, "not a journeymap key");
}

static void hash_is_blake2b_256_of_the_whole_key(void **state)
{
    (void)state;
    /* BLAKE2b-256 of "abc" (RFC 7693 gives BLAKE2b-512; this is the 256-bit variant). */
    static const unsigned char want[32] = {0xbd, 0xdd, 0x81, 0x3c, 0x63, 0x42, 0x39, 0x72,
                                           0x31, 0x71, 0xef, 0x3f, 0xee, 0x98, 0x57, 0x9b,
                                           0x94, 0x96, 0x4e, 0x3b, 0xb1, 0xcb, 0x3e, 0x42,
                                           0x72, 0x62, 0xc8, 0xc0, 0x68, 0xd5, 0x23, 0x19};
    unsigned char h[JM_KEY_HASH_LEN];
    jm_key_hash("abc", 3, h);
    assert_memory_equal(h, want, 32);
    char key[JM_KEY_LEN + 1];
    struct jm_key_row row;
    make_key(JM_ROLE_INGEST, key, &row);
    jm_key_hash(key, JM_KEY_LEN, h);
    assert_memory_equal(h, row.hash, JM_KEY_HASH_LEN);
}

static void only_the_right_unrevoked_key_matches(void **state)
{
    (void)state;
    char key[JM_KEY_LEN + 1], other[JM_KEY_LEN + 1];
    struct jm_key_row row, orow;
    make_key(JM_ROLE_EDITOR, key, &row);
    make_key(JM_ROLE_EDITOR, other, &orow);
    assert_true(jm_key_matches(&row, key, JM_KEY_LEN));
    assert_false(jm_key_matches(&row, other, JM_KEY_LEN));
    assert_false(jm_key_matches(&row, key, JM_KEY_LEN - 1));
    row.revoked = 99;
    assert_false(jm_key_matches(&row, key, JM_KEY_LEN));
}

static void roles_allow_what_access_h_says(void **state)
{
    (void)state;
    /* rows: admin, editor, viewer, ingest; columns: read, edit, ingest, admin */
    static const bool want[JM_ROLE__COUNT][4] = {
        {true, true, true, true},
        {true, true, false, false},
        {true, false, false, false},
        {false, false, true, false},
    };
    for (int r = 0; r < JM_ROLE__COUNT; r++)
        for (int p = 0; p < 4; p++)
            if (jm_role_allows((enum jm_role)r, (enum jm_permission)p) != want[r][p])
                fail_msg("role %s, permission %d", jm_role_key((enum jm_role)r), p);
    assert_false(jm_role_allows(JM_ROLE__COUNT, JM_PERM_READ));

    static const char *const names[] = {"admin", "editor", "viewer", "ingest"};
    for (int r = 0; r < JM_ROLE__COUNT; r++) {
        enum jm_role got;
        assert_string_equal(jm_role_key((enum jm_role)r), names[r]);
        assert_true(jm_role_parse(names[r], &got));
        assert_int_equal(got, r);
    }
    enum jm_role got = JM_ROLE_ADMIN;
    assert_true(jm_role_parse("ingest-only", &got));
    assert_int_equal(got, JM_ROLE_INGEST);
    assert_false(jm_role_parse("root", &got));
    assert_false(jm_role_parse("Admin", &got));
    assert_false(jm_role_parse("", &got));
}

static void random_tokens_are_base62_and_differ(void **state)
{
    (void)state;
    char a[33], b[33];
    struct jm_error err;
    assert_int_equal(jm_random_token(a, 32, &err), JM_OK);
    assert_int_equal(jm_random_token(b, 32, &err), JM_OK);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, base62), 32);
    assert_string_not_equal(a, b);
    assert_true(jm_secure_equal(a, a, 32));
    assert_false(jm_secure_equal(a, b, 32));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_have_the_documented_format),
        cmocka_unit_test(checksum_is_crc32_in_base62),
        cmocka_unit_test(every_single_character_change_is_refused),
        cmocka_unit_test(parse_errors_never_echo_the_key),
        cmocka_unit_test(hash_is_blake2b_256_of_the_whole_key),
        cmocka_unit_test(only_the_right_unrevoked_key_matches),
        cmocka_unit_test(roles_allow_what_access_h_says),
        cmocka_unit_test(random_tokens_are_base62_and_differ),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
