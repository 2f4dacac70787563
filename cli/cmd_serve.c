/*
 * journeymap serve: the HTTP server (server/) until SIGTERM or SIGINT, then a graceful stop.
 * The signals are blocked before the server's threads start, so they inherit the mask and only
 * this thread, in sigwait, ever sees them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "server/internal.h"

static const char serve_help[] =
    "usage: journeymap serve [--db PATH] [--listen HOST:PORT] [--template NAME | --journey FILE]\n"
    "                        [--threads N] [--access-log FILE] [--signin-link] [--quiet]\n"
    "\n"
    "Serves the workspace over HTTP: the web app, the REST API (docs/api.md) and ingest in the\n"
    "shape of Segment's HTTP Tracking API. Stops cleanly on Ctrl-C or SIGTERM: requests in\n"
    "flight are answered and received events written before it exits.\n"
    "\n"
    "  --db PATH          the workspace (default: $JOURNEYMAP_DB or ./journeymap.db); it must\n"
    "                     exist ('journeymap init')\n"
    "  --listen HOST:PORT where to listen (default 127.0.0.1:8080; port 0 picks a free one)\n"
    "  --template NAME    the journey shown by default, stored as version 1 when the workspace\n"
    "  --journey FILE     has none of its key yet (default: the b2b-5 template)\n"
    "  --threads N        worker threads (default 16; each waits for its commit, so more\n"
    "                     threads share each fsync)\n"
    "  --access-log FILE  append the access log (one JSON object per line) to FILE instead of\n"
    "                     stderr\n"
    "  --signin-link      print a one-time link that signs a browser in as admin (valid 1 hour)\n"
    "  --port-file FILE   write the port to FILE once listening (for scripts and tests)\n"
    "  --quiet            print nothing at start\n"
    "  -h, --help         show this help\n"
    "\n"
    "API keys: journeymap keys create --role admin|editor|viewer|ingest --name TEXT\n";

struct serve_opts {
    const char *db, *listen, *port_file;
    struct srv_config cfg;
    char host[256];
};

/* "HOST:PORT", "[V6]:PORT" or ":PORT" into cfg's host and port. */
static bool parse_listen(struct serve_opts *o)
{
    const char *s = o->listen, *colon = strrchr(s, ':');
    if (!colon)
        return false;
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end || port > 65535)
        return false;
    size_t hlen = (size_t)(colon - s);
    if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']')
        s++, hlen -= 2;
    if (hlen >= sizeof o->host)
        return false;
    memcpy(o->host, s, hlen);
    o->host[hlen] = '\0';
    o->cfg.host = hlen ? o->host : "127.0.0.1";
    o->cfg.port = (uint16_t)port;
    return true;
}

/* Parses argv; returns -1 to go on, else the exit code. */
static int parse(int argc, char **argv, struct serve_opts *o)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"listen", required_argument, NULL, 'l'},
                                         {"template", required_argument, NULL, 't'},
                                         {"journey", required_argument, NULL, 'j'},
                                         {"threads", required_argument, NULL, 'n'},
                                         {"access-log", required_argument, NULL, 'a'},
                                         {"signin-link", no_argument, NULL, 's'},
                                         {"port-file", required_argument, NULL, 'p'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'l':
            o->listen = optarg;
            break;
        case 't':
            o->cfg.template = optarg;
            break;
        case 'j':
            o->cfg.journey = optarg;
            break;
        case 'a':
            o->cfg.access_log = optarg;
            break;
        case 's':
            o->cfg.signin_link = true;
            break;
        case 'p':
            o->port_file = optarg;
            break;
        case 'q':
            o->cfg.quiet = true;
            break;
        case 'h':
            return fputs(serve_help, stdout), JM_EXIT_OK;
        case 'n':
            o->cfg.threads = (unsigned)strtoul(optarg, &end, 10);
            if (*end || o->cfg.threads < 1 || o->cfg.threads > 256)
                return cli_usage_error("serve", "--threads must be a number from 1 to 256");
            break;
        default:
            return cli_option_error("serve", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (o->cfg.template && o->cfg.journey)
        return cli_usage_error("serve", "give --template or --journey, not both");
    if (o->listen && !parse_listen(o))
        return cli_usage_error("serve",
                               "--listen must read HOST:PORT (e.g. 127.0.0.1:8080), "
                               "not '%s'",
                               o->listen);
    return -1;
}

/* Writes the port to `path` through a temporary file, so a reader never sees half of it. */
static int write_port_file(const char *path, uint16_t port)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_strbuf_addf(&sb, "%u\n", (unsigned)port);
    if (!rc) {
        remove(path);
        rc = cli_write_file(path, &sb, true, &err);
    }
    jm_strbuf_release(&sb);
    return rc ? cli_fail(rc, &err) : JM_EXIT_OK;
}

static void banner(const struct serve_opts *o, struct srv *s)
{
    const char *h = o->cfg.host;
    bool v6 = strchr(h, ':') != NULL;
    printf("journeymap serving %s on http://%s%s%s:%u/\n", o->cfg.db_path, v6 ? "[" : "", h,
           v6 ? "]" : "", (unsigned)srv_port(s));
}

int cmd_serve(int argc, char **argv)
{
    struct serve_opts o = {0};
    o.cfg.host = "127.0.0.1";
    o.cfg.port = 8080;
    int ec = parse(argc, argv, &o);
    if (ec >= 0)
        return ec;
    o.cfg.db_path = cli_db_path(o.db);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct srv *s;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = srv_start(&o.cfg, &s, &err);
    if (rc)
        return cli_fail(rc, &err);
    if (!o.cfg.quiet)
        banner(&o, s);
    char url[512];
    if (o.cfg.signin_link) {
        rc = srv_signin_link(s, url, sizeof url, &err);
        if (rc)
            ec = cli_fail(rc, &err);
        else
            printf("Open this link in your browser: %s\n(it signs you in as admin once, within "
                   "an hour)\n",
                   url);
    }
    fflush(stdout);
    if (ec < 0 && o.port_file && write_port_file(o.port_file, srv_port(s)))
        ec = JM_EXIT_NOTFOUND;
    if (ec < 0) {
        int sig;
        sigwait(&stop, &sig);
        ec = JM_EXIT_OK;
    }
    srv_stop(s);
    return ec;
}
