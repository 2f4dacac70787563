/*
 * journeymap keys: create, list and revoke the API keys of `journeymap serve` (access.h).
 *
 * A new key is printed once and never again: the workspace keeps only its hash, so a lost key
 * is revoked and replaced, not recovered. `list` shows the public ids, never secrets.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <string.h>
#include <time.h>

#include "base/internal.h"
#include "cli.h"
#include "journeymap/access.h"

#define NAME_MAX_BYTES 63 /* the server copies the name into a 64-byte field */

static const char keys_help[] =
    "usage: journeymap keys create --role ROLE --name TEXT [--db PATH] [-q]\n"
    "       journeymap keys list [--format text|json] [--db PATH]\n"
    "       journeymap keys revoke ID [--db PATH]\n"
    "\n"
    "Manages the API keys of 'journeymap serve'. A key is shown once, when it is created;\n"
    "the workspace keeps only its hash. Roles:\n"
    "  admin    read, edit, ingest, manage keys and failed events\n"
    "  editor   read and edit (journey versions, lanes, annotations)\n"
    "  viewer   read\n"
    "  ingest   send events only: a Segment write key (jmw_...) for tracking code\n"
    "\n"
    "  -h, --help   show this help (also after a subcommand)\n";

static const char create_help[] =
    "usage: journeymap keys create --role ROLE --name TEXT [--db PATH] [-q]\n"
    "\n"
    "Creates an API key and prints it once.\n"
    "\n"
    "  --role ROLE  admin, editor, viewer or ingest (ingest-only)\n"
    "  --name TEXT  what the key is for (\"website tracking\"); the author of versions saved\n"
    "               with it (up to 63 bytes)\n"
    "  -q           print only the key\n"
    "  --db PATH    the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -h, --help   show this help\n";

static const char list_help[] =
    "usage: journeymap keys list [--format text|json] [--db PATH]\n"
    "\n"
    "Lists every key, revoked ones too, oldest first: id, role, name, created, last used,\n"
    "revoked. Secrets are never shown; they are not stored.\n"
    "\n"
    "  --format F   text (default) or json\n"
    "  --db PATH    the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -h, --help   show this help\n";

static const char revoke_help[] =
    "usage: journeymap keys revoke ID [--db PATH]\n"
    "\n"
    "Revokes the key with public id ID (as 'keys list' shows it; a whole key works too).\n"
    "Requests with it are refused from then on. Exit code 3 when there is no such key.\n"
    "\n"
    "  --db PATH    the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -h, --help   show this help\n";

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * JM_US_PER_SEC + ts.tv_nsec / 1000;
}

/* Options shared by the subcommands; each accepts only its own. */
struct keys_opts {
    const char *db, *role, *name, *format;
    bool quiet;
};

static int parse_opts(const char *cmd, const char *help, const char *allowed, int argc, char **argv,
                      struct keys_opts *o)
{
    static const struct option lo[] = {{"db", required_argument, NULL, 'd'},
                                       {"role", required_argument, NULL, 'r'},
                                       {"name", required_argument, NULL, 'n'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0, 0, 0, 0}};
    int c, li = -1;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hq", lo, NULL)) != -1) {
        if (c == 'h')
            return fputs(help, stdout), -1;
        if (c == ':' || c == '?')
            return cli_option_error(cmd, c, argv);
        if (!strchr(allowed, c)) {
            for (li = 0; lo[li].name && lo[li].val != c; li++)
                ;
            return c == 'q'
                       ? cli_usage_error(cmd, "option '-q' does not apply here")
                       : cli_usage_error(cmd, "option '--%s' does not apply here", lo[li].name);
        }
        if (c == 'd')
            o->db = optarg;
        else if (c == 'r')
            o->role = optarg;
        else if (c == 'n')
            o->name = optarg;
        else if (c == 'f')
            o->format = optarg;
        else if (c == 'q')
            o->quiet = true;
    }
    return 0;
}

/* ================================================================ create */

static void print_created(const char *key, const struct jm_key_row *row)
{
    printf("Created %s key %s (%s):\n\n    %s\n\n", jm_role_key(row->role), row->id, row->name,
           key);
    printf("Copy it now: it will not be shown again (the workspace keeps only its hash).\n");
    if (row->role != JM_ROLE_INGEST)
        return;
    printf("\nIt is a Segment write key: point existing tracking code at this server, e.g.\n"
           "  curl -u '%s:' -H 'Content-Type: application/json' \\\n"
           "       -d '{\"userId\": \"u1\", \"event\": \"Signed Up\"}' "
           "http://127.0.0.1:8080/v1/track\n"
           "or, in analytics.js, give it as the write key with the Segment.io integration's\n"
           "apiHost set to this server's address followed by /v1.\n",
           key);
}

static int check_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0)
        return cli_usage_error("keys create", "--name must not be empty");
    if (len > NAME_MAX_BYTES)
        return cli_usage_error("keys create",
                               "--name is %zu bytes long; at most %d (in UTF-8) are kept", len,
                               NAME_MAX_BYTES);
    if (!jm_utf8_valid(name, len, NULL))
        return cli_usage_error("keys create", "--name is not valid UTF-8");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return cli_usage_error("keys create", "--name must not contain control characters");
    return 0;
}

static int keys_create(int argc, char **argv)
{
    struct keys_opts o = {0};
    int ec = parse_opts("keys create", create_help, "drnq", argc, argv, &o);
    if (ec)
        return ec < 0 ? JM_EXIT_OK : ec;
    if (optind < argc)
        return cli_usage_error("keys create", "unexpected argument '%s'", argv[optind]);
    enum jm_role role;
    if (!o.role)
        return cli_usage_error("keys create", "--role is required (admin, editor, viewer, ingest)");
    if (!jm_role_parse(o.role, &role))
        return cli_usage_error("keys create",
                               "--role must be admin, editor, viewer or ingest, not '%s'", o.role);
    if (!o.name)
        return cli_usage_error("keys create", "--name is required: say what the key is for");
    ec = check_name(o.name);
    if (ec)
        return ec;
    struct jm_storage *st;
    ec = cli_open(o.db, 0, &st);
    if (ec)
        return ec;
    char key[JM_KEY_LEN + 1];
    struct jm_key_row row;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_key_generate(role, o.name, now_us(), key, &row, &err);
    if (!rc)
        rc = jm_keys_put(st, &row, &err);
    jm_storage_close(st);
    if (rc)
        return cli_fail(rc, &err);
    if (o.quiet)
        puts(key);
    else
        print_created(key, &row);
    return JM_EXIT_OK;
}

/* ================================================================ list */

/* "2024-03-05 14:30" UTC, or "-" for never. */
static void short_time(int64_t us, char *buf, size_t cap)
{
    if (!us) {
        snprintf(buf, cap, "-");
        return;
    }
    int y, mo, d, h, mi, s;
    jm_time_civil(us, &y, &mo, &d, &h, &mi, &s);
    snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
}

struct list_out {
    bool json;
    size_t n;
    size_t name_width;
    struct jm_strbuf sb;
};

static jm_status json_time(struct jm_strbuf *sb, const char *field, int64_t us)
{
    char buf[40];
    if (!us)
        return jm_strbuf_addf(sb, ",\"%s\":null", field);
    jm_time_format(us, false, buf, sizeof(buf));
    return jm_strbuf_addf(sb, ",\"%s\":\"%s\"", field, buf);
}

static jm_status list_json(const struct jm_key_row *k, void *ctx)
{
    struct list_out *o = ctx;
    struct jm_strbuf *sb = &o->sb;
    jm_status rc =
        jm_strbuf_addf(sb, "%s{\"id\":\"%s\",\"role\":\"%s\",\"name\":", o->n++ ? "," : "", k->id,
                       jm_role_key(k->role));
    if (!rc)
        rc = jm_strbuf_add_json_string(sb, k->name, strlen(k->name));
    if (!rc)
        rc = json_time(sb, "created", k->created);
    if (!rc)
        rc = json_time(sb, "last_used", k->last_used);
    if (!rc)
        rc = json_time(sb, "revoked", k->revoked);
    return rc ? rc : jm_strbuf_addch(sb, '}');
}

/* First pass of the text table: the name column's width, in characters (names may be
 * Vietnamese: "Đội bán hàng" is 12 characters and 17 bytes). */
static jm_status measure(const struct jm_key_row *k, void *ctx)
{
    struct list_out *o = ctx;
    size_t w = jm_utf8_count(k->name, strlen(k->name));
    if (w > o->name_width)
        o->name_width = w;
    return JM_OK;
}

static jm_status list_text(const struct jm_key_row *k, void *ctx)
{
    struct list_out *o = ctx;
    char created[32], used[32], revoked[32];
    short_time(k->created, created, sizeof(created));
    short_time(k->last_used, used, sizeof(used));
    short_time(k->revoked, revoked, sizeof(revoked));
    size_t pad = o->name_width - jm_utf8_count(k->name, strlen(k->name));
    printf("%-8s  %-6s  %s%*s  %-16s  %-16s  %s\n", k->id, jm_role_key(k->role), k->name, (int)pad,
           "", created, used, revoked);
    o->n++;
    return JM_OK;
}

static jm_status print_list(struct jm_storage *st, struct list_out *o, struct jm_error *err)
{
    if (o->json) {
        jm_status rc = jm_strbuf_addch(&o->sb, '[');
        if (!rc)
            rc = jm_keys_list(st, list_json, o, err);
        if (!rc)
            rc = jm_strbuf_addch(&o->sb, ']');
        if (rc == JM_ENOMEM)
            return jm_error_set(err, rc, "out of memory");
        if (!rc)
            puts(o->sb.buf);
        return rc;
    }
    o->name_width = 4; /* "name" */
    jm_status rc = jm_keys_list(st, measure, o, err);
    if (rc)
        return rc;
    printf("%-8s  %-6s  %-*s  %-16s  %-16s  %s\n", "id", "role", (int)o->name_width, "name",
           "created (UTC)", "last used", "revoked");
    rc = jm_keys_list(st, list_text, o, err);
    if (!rc && o->n == 0)
        printf("(no keys: create one with 'journeymap keys create --role admin --name ...')\n");
    return rc;
}

static int keys_list(int argc, char **argv)
{
    struct keys_opts o = {0};
    int ec = parse_opts("keys list", list_help, "df", argc, argv, &o);
    if (ec)
        return ec < 0 ? JM_EXIT_OK : ec;
    if (optind < argc)
        return cli_usage_error("keys list", "unexpected argument '%s'", argv[optind]);
    if (o.format && strcmp(o.format, "text") != 0 && strcmp(o.format, "json") != 0)
        return cli_usage_error("keys list", "--format must be text or json");
    struct jm_storage *st;
    ec = cli_open(o.db, JM_STORAGE_READONLY, &st);
    if (ec)
        return ec;
    struct list_out out = {.json = o.format && strcmp(o.format, "json") == 0, .sb = JM_STRBUF_INIT};
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = print_list(st, &out, &err);
    jm_strbuf_release(&out.sb);
    jm_storage_close(st);
    return rc ? cli_fail(rc, &err) : JM_EXIT_OK;
}

/* ================================================================ revoke */

static int keys_revoke(int argc, char **argv)
{
    struct keys_opts o = {0};
    int ec = parse_opts("keys revoke", revoke_help, "d", argc, argv, &o);
    if (ec)
        return ec < 0 ? JM_EXIT_OK : ec;
    if (optind >= argc)
        return cli_usage_error("keys revoke",
                               "which key? give its id (see 'journeymap keys list')");
    if (optind + 1 < argc)
        return cli_usage_error("keys revoke", "unexpected argument '%s'", argv[optind + 1]);
    const char *arg = argv[optind];
    char id[JM_KEY_ID_LEN + 1];
    /* A whole key pasted in is taken by its id; it is never printed back. */
    if (jm_key_parse(arg, strlen(arg), id, NULL) == JM_OK)
        arg = id;
    struct jm_storage *st;
    ec = cli_open(o.db, 0, &st);
    if (ec)
        return ec;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_keys_revoke(st, arg, now_us(), &err);
    jm_storage_close(st);
    if (rc)
        return cli_fail(rc, &err);
    printf("Revoked key %s: requests with it are refused from now on.\n", arg);
    return JM_EXIT_OK;
}

int cmd_keys(int argc, char **argv)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        fputs(keys_help, argc < 2 ? stderr : stdout);
        return argc < 2 ? JM_EXIT_USAGE : JM_EXIT_OK;
    }
    if (strcmp(argv[1], "create") == 0)
        return keys_create(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return keys_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "revoke") == 0)
        return keys_revoke(argc - 1, argv + 1);
    return cli_usage_error("keys", "unknown subcommand '%s' (create, list or revoke)", argv[1]);
}
