/*
 * journeymap import: CSV and JSONL files (or folders) into the workspace, through a column
 * mapping or, for files already in journeymap's field names, straight into one entity.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <time.h>

#include "base/internal.h"
#include "cli.h"
#include "journeymap/import.h"

static const char import_help[] =
    "usage: journeymap import [options] FILE|FOLDER...\n"
    "\n"
    "Imports CSV or JSONL files into the workspace in one transaction: on any bad row nothing\n"
    "is imported and the error names file:line:column. Re-importing the same data changes\n"
    "nothing (records are matched by id, events by message id or content).\n"
    "\n"
    "  -m, --mapping FILE    a column mapping (YAML, see docs/mapping.md and examples/mappings/);\n"
    "                        with a folder, imports every file the mapping names, in its order\n"
    "  -e, --entity NAME     no mapping: the columns are journeymap's field names for NAME\n"
    "                        (accounts, contacts, events, deals, tickets, surveys, revenue, "
    "owners);\n"
    "                        other columns become properties\n"
    "      --format F        csv or jsonl (default: from the mapping or the file extension)\n"
    "      --delimiter C     CSV delimiter, or 'tab' (default: detected from the header)\n"
    "      --date-format F   how dates are written, e.g. '%d/%m/%Y %H:%M' (default: ISO-8601;\n"
    "                        day/month order is never guessed); 'unix' and 'unix_ms' for epochs\n"
    "      --skip-bad-rows   import the good rows and write each bad one, with its reason, to\n"
    "                        the rejects file\n"
    "      --rejects FILE    where rejected rows go (default: rejects.csv)\n"
    "      --db PATH         the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -q, --quiet           no progress bar or summary\n"
    "  -h, --help            show this help\n"
    "\n"
    "examples:\n"
    "  journeymap import -m examples/mappings/hubspot-contacts.yaml contacts-export.csv\n"
    "  journeymap import -m examples/mappings/maven-crm.yaml "
    "../shared/data/maven-crm-sales-opportunities\n"
    "  journeymap import --entity events events.jsonl\n";

struct import_args {
    const char *db, *mapping, *entity, *rejects;
    struct jm_import_opts opts;
    bool quiet;
};

static int parse_args(int argc, char **argv, struct import_args *a)
{
    static const struct option lo[] = {{"mapping", required_argument, NULL, 'm'},
                                       {"entity", required_argument, NULL, 'e'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"delimiter", required_argument, NULL, 'D'},
                                       {"date-format", required_argument, NULL, 'T'},
                                       {"skip-bad-rows", no_argument, NULL, 's'},
                                       {"rejects", required_argument, NULL, 'r'},
                                       {"db", required_argument, NULL, 'd'},
                                       {"quiet", no_argument, NULL, 'q'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, ":m:e:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'm':
            a->mapping = optarg;
            break;
        case 'e':
            a->entity = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "jsonl") != 0)
                return cli_usage_error("import", "--format must be csv or jsonl");
            a->opts.format = optarg;
            break;
        case 'D':
            if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0)
                a->opts.delimiter = '\t';
            else if (strlen(optarg) == 1)
                a->opts.delimiter = optarg[0];
            else
                return cli_usage_error("import", "--delimiter takes one character or 'tab'");
            break;
        case 'T':
            a->opts.date_format = optarg;
            break;
        case 's':
            a->opts.skip_bad_rows = true;
            break;
        case 'r':
            a->rejects = optarg;
            break;
        case 'd':
            a->db = optarg;
            break;
        case 'q':
            a->quiet = true;
            break;
        case 'h':
            fputs(import_help, stdout);
            return -1;
        default:
            return cli_option_error("import", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("import", "name the files to import");
    if (!a->mapping == !a->entity)
        return cli_usage_error("import", "give either --mapping FILE or --entity NAME");
    return JM_EXIT_OK;
}

static void print_summary(const struct jm_import_stats *s, double secs)
{
    uint64_t nfiles = s->files;
    printf("imported %llu file%s: %llu rows in %.2f s (%.0f rows/s)\n", (unsigned long long)nfiles,
           nfiles == 1 ? "" : "s", (unsigned long long)s->rows, secs,
           secs > 0 ? (double)s->rows / secs : 0.0);
    for (int k = 0; k < JM_ENT__COUNT; k++) {
        if (!s->inserted[k] && !s->updated[k] && !s->unchanged[k])
            continue;
        printf("  %-9s %10llu new %10llu updated %10llu unchanged\n", jm_entity_get(k)->name,
               (unsigned long long)s->inserted[k], (unsigned long long)s->updated[k],
               (unsigned long long)s->unchanged[k]);
    }
    if (s->rejected)
        printf("  rejected  %10llu rows\n", (unsigned long long)s->rejected);
}

static int load_mapping(const struct import_args *a, struct jm_mapping **m)
{
    struct jm_error err;
    jm_error_clear(&err);
    if (a->mapping) {
        jm_status rc = jm_mapping_load(a->mapping, m, &err);
        return rc ? cli_fail(rc, &err) : JM_EXIT_OK;
    }
    const struct jm_entity_def *def = jm_entity_find(a->entity);
    if (!def)
        return cli_usage_error("import", "unknown entity '%s'", a->entity);
    jm_status rc = jm_mapping_identity(def, m, &err);
    return rc ? cli_fail(rc, &err) : JM_EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
    struct import_args a = {0};
    struct jm_mapping *m = NULL;
    struct jm_storage *st = NULL;
    struct jm_import_stats stats = {0};
    struct jm_error err;
    jm_error_clear(&err);
    int ec = parse_args(argc, argv, &a);
    if (ec)
        return ec < 0 ? JM_EXIT_OK : ec;
    if ((ec = load_mapping(&a, &m)) || (ec = cli_open(a.db, JM_STORAGE_CREATE, &st)))
        goto out;
    if (a.opts.skip_bad_rows) {
        const char *path = a.rejects ? a.rejects : "rejects.csv";
        if (!(a.opts.rejects = fopen(path, "w"))) {
            ec = cli_fail(
                jm_error_set(&err, JM_EIO, "cannot write '%s': %s", path, strerror(errno)), &err);
            goto out;
        }
        fputs("file,line,reason,row\n", a.opts.rejects);
    }
    a.opts.progress = !a.quiet;
    double t0 = jm__now();
    jm_status rc = jm_import_files(st, m, (const char *const *)argv + optind,
                                   (size_t)(argc - optind), &a.opts, &stats, &err);
    if (rc)
        ec = cli_fail(rc, &err);
    else if (!a.quiet)
        print_summary(&stats, jm__now() - t0);
    if (!rc && stats.rejected)
        fprintf(stderr, "journeymap: %llu bad rows left out; reasons in %s\n",
                (unsigned long long)stats.rejected, a.rejects ? a.rejects : "rejects.csv");
out:
    if (a.opts.rejects)
        fclose(a.opts.rejects);
    jm_storage_close(st);
    jm_mapping_free(m);
    return ec;
}
