/*
 * The server's route table: every file's routes, specific ones first and the web app's
 * wildcard last (router.c takes the first match). Kept apart from router.c so the router's
 * unit test links without the handlers.
 *
 * SPDX-License-Identifier: MIT
 */
#include "server/core.h"

const struct srv_route *const srv_tables[] = {
    srv_routes_ingest,   srv_routes_session,
    srv_routes_admin,    srv_routes_data,
    srv_routes_journeys, srv_routes_analysis,
    srv_routes_map,      srv_routes_insights,
    srv_routes_app,      NULL,
};

const struct srv_route *srv_route_find(struct srv_request *req, bool *path_known)
{
    return srv_route_match(srv_tables, req, path_known);
}
