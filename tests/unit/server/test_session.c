/*
 * Tests for server/session.c: sessions expire after 12 h idle and are kept alive by use, the
 * sign-in token works once and only within its hour, the CSRF rule, and cookie parsing.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <string.h>

#include "server/core.h"

#define HOUR (3600 * JM_US_PER_SEC)

static void sessions_live_while_used(void **state)
{
    (void)state;
    struct srv_sessions *ss = srv_sessions_new();
    struct srv_caller who = {.known = true, .role = JM_ROLE_EDITOR, .key_id = "abcdEFGH"};
    struct srv_session s, got;
    assert_int_equal(srv_session_create(ss, &who, 0, &s, NULL), JM_OK);
    assert_int_equal(strlen(s.id), SRV_SESSION_ID_LEN);
    assert_int_equal(strlen(s.csrf), SRV_SESSION_ID_LEN);
    assert_string_not_equal(s.id, s.csrf);
    assert_true(s.who.session);
    assert_true(srv_session_get(ss, s.id, 11 * HOUR, &got));
    assert_int_equal(got.who.role, JM_ROLE_EDITOR);
    assert_string_equal(got.csrf, s.csrf);
    /* used at 11 h, so still alive at 22 h; then idle past 12 h */
    assert_true(srv_session_get(ss, s.id, 22 * HOUR, &got));
    assert_false(srv_session_get(ss, s.id, 34 * HOUR + 1, &got));
    srv_sessions_free(ss);
}

static void unknown_and_dropped_sessions_are_refused(void **state)
{
    (void)state;
    struct srv_sessions *ss = srv_sessions_new();
    struct srv_caller who = {.known = true, .role = JM_ROLE_ADMIN};
    struct srv_session a, b, got;
    assert_int_equal(srv_session_create(ss, &who, 0, &a, NULL), JM_OK);
    assert_int_equal(srv_session_create(ss, &who, 0, &b, NULL), JM_OK);
    char wrong[SRV_SESSION_ID_LEN + 1];
    memcpy(wrong, a.id, sizeof wrong);
    wrong[0] = wrong[0] == 'x' ? 'y' : 'x';
    assert_false(srv_session_get(ss, wrong, 1, &got));
    assert_false(srv_session_get(ss, "", 1, &got));
    assert_false(srv_session_get(ss, "short", 1, &got));
    srv_session_drop(ss, a.id);
    assert_false(srv_session_get(ss, a.id, 1, &got));
    assert_true(srv_session_get(ss, b.id, 1, &got));
    srv_sessions_free(ss);
}

static void signin_token_works_once_within_the_hour(void **state)
{
    (void)state;
    struct srv_sessions *ss = srv_sessions_new();
    char t[SRV_SESSION_ID_LEN + 1], u[SRV_SESSION_ID_LEN + 1];
    assert_int_equal(srv_signin_create(ss, 0, t, NULL), JM_OK);
    assert_int_equal(srv_signin_create(ss, 0, u, NULL), JM_OK);
    assert_false(srv_signin_take(ss, "nope", 1));
    assert_true(srv_signin_take(ss, t, HOUR - 1));
    assert_false(srv_signin_take(ss, t, HOUR - 1));
    assert_false(srv_signin_take(ss, u, HOUR)); /* expired, and gone */
    srv_sessions_free(ss);
}

static void csrf_rule(void **state)
{
    (void)state;
    const char *want = "0123456789abcdef0123456789abcdef";
    const char *host = "127.0.0.1:8080";
    assert_null(srv_csrf_check("GET", NULL, want, "http://evil.example", host));
    assert_non_null(srv_csrf_check("POST", NULL, want, NULL, host));
    assert_non_null(srv_csrf_check("DELETE", "", want, NULL, host));
    assert_non_null(srv_csrf_check("PUT", "0123456789abcdef0123456789abcdeX", want, NULL, host));
    assert_non_null(srv_csrf_check("PUT", "0123456789abcdef", want, NULL, host));
    assert_null(srv_csrf_check("PATCH", want, want, NULL, host));
    assert_null(srv_csrf_check("POST", want, want, "http://127.0.0.1:8080", host));
    assert_null(srv_csrf_check("POST", want, want, "https://127.0.0.1:8080", host));
    assert_non_null(srv_csrf_check("POST", want, want, "http://127.0.0.1:8081", host));
    assert_non_null(srv_csrf_check("POST", want, want, "http://evil.example", host));
    assert_non_null(srv_csrf_check("POST", want, want, "null", host));
}

static void cookie_values(void **state)
{
    (void)state;
    char v[40];
    assert_true(srv_cookie_get("a=1; jm_session=XYZ; b=2", "jm_session", v, sizeof v));
    assert_string_equal(v, "XYZ");
    assert_true(srv_cookie_get("jm_session=Q", "jm_session", v, sizeof v));
    assert_string_equal(v, "Q");
    assert_false(srv_cookie_get("xjm_session=Q; jm_sessionx=R", "jm_session", v, sizeof v));
    assert_false(srv_cookie_get("", "jm_session", v, sizeof v));
    assert_false(srv_cookie_get("jm_session=0123456789", "jm_session", v, 5));
}

static void log_line_is_json_without_query(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct srv_log_entry e = {.time = 0,
                              .method = "GET",
                              .path = "/a\"b",
                              .key_id = "",
                              .remote = "127.0.0.1",
                              .request_id = "r1",
                              .status = 200,
                              .bytes = 12,
                              .duration_ms = 1.5};
    assert_int_equal(srv_log_format(&sb, &e), JM_OK);
    assert_string_equal(sb.buf, "{\"time\": \"1970-01-01T00:00:00Z\", \"method\": \"GET\", "
                                "\"path\": \"/a\\\"b\", \"status\": 200, \"bytes\": 12, "
                                "\"duration_ms\": 1.500, \"key\": \"-\", \"remote\": "
                                "\"127.0.0.1\", \"request_id\": \"r1\"}\n");
    jm_strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sessions_live_while_used),
        cmocka_unit_test(unknown_and_dropped_sessions_are_refused),
        cmocka_unit_test(signin_token_works_once_within_the_hour),
        cmocka_unit_test(csrf_rule),
        cmocka_unit_test(cookie_values),
        cmocka_unit_test(log_line_is_json_without_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
