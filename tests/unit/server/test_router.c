/*
 * Tests for server/router.c: literal and {} patterns, the trailing "*" of the web app, first
 * match wins, params filled in order, and 404 (unknown path) against 405 (known path, other
 * method) with the Allow list.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <string.h>

#include "server/core.h"

static void h_a(struct srv_request *q, struct srv_response *r)
{
    (void)q, (void)r;
}
static void h_b(struct srv_request *q, struct srv_response *r)
{
    (void)q, (void)r;
}

static const struct srv_route api[] = {
    {"GET", "/api/v1/accounts", JM_PERM_READ, 0, h_a},
    {"GET", "/api/v1/accounts/{}", JM_PERM_READ, 0, h_a},
    {"GET", "/api/v1/accounts/{}/timeline", JM_PERM_READ, 0, h_b},
    {"PUT", "/api/v1/journeys/{}/stages/{}/lanes/{}", JM_PERM_EDIT, 100, h_b},
    {"DELETE", "/api/v1/accounts/{}", JM_PERM_ADMIN, 0, h_b},
    {NULL, NULL, 0, 0, NULL},
};
static const struct srv_route app[] = {
    {"GET", "/healthz", SRV_PUBLIC, 0, h_a},
    {"GET", "/*", SRV_PUBLIC, 0, h_b},
    {NULL, NULL, 0, 0, NULL},
};
static const struct srv_route *const tables[] = {api, app, NULL};

struct fixture {
    struct jm_arena arena;
    struct srv_request req;
};

static const struct srv_route *find(struct fixture *f, const char *method, const char *path,
                                    bool *known)
{
    memset(&f->req, 0, sizeof f->req);
    f->req.arena = &f->arena;
    f->req.method = method;
    f->req.path = path;
    return srv_route_match(tables, &f->req, known);
}

static void literal_and_param_patterns(void **state)
{
    (void)state;
    struct fixture f = {JM_ARENA_INIT, {0}};
    bool known;
    const struct srv_route *r = find(&f, "GET", "/api/v1/accounts", &known);
    assert_ptr_equal(r, &api[0]);
    assert_int_equal(f.req.n_params, 0);
    r = find(&f, "GET", "/api/v1/accounts/ACME-1", &known);
    assert_ptr_equal(r, &api[1]);
    assert_int_equal(f.req.n_params, 1);
    assert_string_equal(f.req.params[0], "ACME-1");
    r = find(&f, "GET", "/api/v1/accounts/ACME-1/timeline", &known);
    assert_ptr_equal(r, &api[2]);
    assert_string_equal(f.req.params[0], "ACME-1");
    r = find(&f, "PUT", "/api/v1/journeys/b2b-5/stages/decide/lanes/pain_points", &known);
    assert_ptr_equal(r, &api[3]);
    assert_int_equal(f.req.n_params, 3);
    assert_string_equal(f.req.params[0], "b2b-5");
    assert_string_equal(f.req.params[1], "decide");
    assert_string_equal(f.req.params[2], "pain_points");
    jm_arena_release(&f.arena);
}

static void empty_segments_and_extra_text_do_not_match(void **state)
{
    (void)state;
    struct fixture f = {JM_ARENA_INIT, {0}};
    bool known;
    /* "/api/v1/accounts/" has an empty {} segment: only the wildcard takes it */
    assert_ptr_equal(find(&f, "GET", "/api/v1/accounts/", &known), &app[1]);
    assert_ptr_equal(find(&f, "GET", "/api/v1/accountsX", &known), &app[1]);
    assert_ptr_equal(find(&f, "GET", "/api/v1/accounts/a/timeline/x", &known), &app[1]);
    assert_null(find(&f, "POST", "/api/v1/accounts/a/timeline/x", &known));
    assert_false(known);
    jm_arena_release(&f.arena);
}

static void wildcard_takes_the_rest_and_is_last(void **state)
{
    (void)state;
    struct fixture f = {JM_ARENA_INIT, {0}};
    bool known;
    assert_ptr_equal(find(&f, "GET", "/healthz", &known), &app[0]);
    assert_ptr_equal(find(&f, "GET", "/", &known), &app[1]);
    assert_ptr_equal(find(&f, "GET", "/app.js", &known), &app[1]);
    assert_ptr_equal(find(&f, "HEAD", "/app.js", &known), &app[1]);
    jm_arena_release(&f.arena);
}

static void unknown_path_is_404_known_path_is_405(void **state)
{
    (void)state;
    struct fixture f = {JM_ARENA_INIT, {0}};
    bool known = true;
    /* only the wildcard matches: a POST there is an unknown path, not a wrong method */
    assert_null(find(&f, "POST", "/nowhere", &known));
    assert_false(known);
    assert_null(find(&f, "POST", "/api/v1/accounts/ACME-1", &known));
    assert_true(known);
    assert_null(find(&f, "POST", "/healthz", &known));
    assert_true(known);
    struct jm_strbuf allow = JM_STRBUF_INIT;
    assert_int_equal(srv_route_allow(tables, "/api/v1/accounts/ACME-1", &allow), JM_OK);
    assert_string_equal(allow.buf, "GET, DELETE");
    jm_strbuf_reset(&allow);
    assert_int_equal(srv_route_allow(tables, "/nowhere", &allow), JM_OK);
    assert_string_equal(allow.buf, "");
    jm_strbuf_release(&allow);
    jm_arena_release(&f.arena);
}

static void params_are_capped(void **state)
{
    (void)state;
    static const struct srv_route many[] = {
        {"GET", "/{}/{}/{}/{}/{}", SRV_PUBLIC, 0, h_a},
        {NULL, NULL, 0, 0, NULL},
    };
    static const struct srv_route *const t[] = {many, NULL};
    struct jm_arena arena = JM_ARENA_INIT;
    struct srv_request req = {.method = "GET", .path = "/a/b/c/d/e", .arena = &arena};
    bool known;
    assert_null(srv_route_match(t, &req, &known));
    jm_arena_release(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literal_and_param_patterns),
        cmocka_unit_test(empty_segments_and_extra_text_do_not_match),
        cmocka_unit_test(wildcard_takes_the_rest_and_is_last),
        cmocka_unit_test(unknown_path_is_404_known_path_is_405),
        cmocka_unit_test(params_are_capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
