/*
 * jm_ingest_load: a load generator for journeymap's Segment-compatible ingest, for `make bench`
 * (sustained events/s, p50 and p99 latency) and for the kill -9 test (which messageIds were
 * acknowledged).
 *
 *   jm_ingest_load --port 8080 --key jmw_... [--host 127.0.0.1] [--mode single|batch]
 *                  [--batch 100] [--connections 8] [--seconds 5 | --events N]
 *                  [--prefix run1] [--acked FILE] [--keep-going] [--summary FILE]
 *
 * Each connection is a thread with one keep-alive HTTP/1.1 connection that sends track calls
 * (/v1/track, or /v1/batch with --batch calls each) as fast as the answers come back: a closed
 * loop, so the latency measured is the server's answer time under that concurrency, fsync
 * included, and events/s is what the server sustains. Every event has a unique messageId
 * PREFIX-CONNECTION-SEQUENCE; with --acked, the ids of every event answered 200 are written
 * there, one a line. A connection that fails (the server was killed) ends the run unless
 * --keep-going, which reconnects until the time or the events are used up.
 *
 * Output: one line per mode on stdout ("batch 100 x 8: 51234 events/s, p50 1.9 ms, p99 7.4 ms,
 * 256170 events, 0 errors"), and with --summary the same numbers tab-separated.
 * It asserts nothing (a benchmark), except that it exits non-zero when no request succeeded.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

#define MAX_CONNECTIONS 256
#define MAX_BATCH       1000

struct config {
    const char *host, *key, *prefix, *acked, *summary;
    int port;
    bool batch;
    unsigned batch_size, connections;
    double seconds;
    uint64_t events; /* 0: run for `seconds` */
    bool keep_going;
};

struct worker {
    const struct config *cfg;
    unsigned index;
    pthread_t thread;
    double *lat; /* milliseconds, one per answered request */
    size_t n_lat, cap_lat;
    uint64_t acked_events, errors;
    char **acked_ids; /* with --acked: the ids answered 200 */
    size_t n_acked, cap_acked;
};

static char auth_header[400];
static uint64_t events_left; /* shared budget with --events; guarded by budget_lock */
static pthread_mutex_t budget_lock = PTHREAD_MUTEX_INITIALIZER;
static double deadline;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "jm_ingest_load: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void *grow(void *p, size_t *cap, size_t elem)
{
    *cap = *cap ? *cap * 2 : 1024;
    void *q = realloc(p, *cap * elem);
    if (!q)
        die("out of memory");
    return q;
}

/* A whole number option, or exit with usage. */
static unsigned long long number(const char *s, const char *what)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end) {
        fprintf(stderr, "jm_ingest_load: %s must be a whole number, not '%s'\n", what, s);
        exit(2);
    }
    return v;
}

/* The Content-Length of an answer's head (up to the blank line), 0 when none. */
static size_t content_length(const char *head, const char *end)
{
    static const char name[] = "\r\ncontent-length:";
    for (const char *p = head; p + sizeof(name) - 1 < end; p++)
        if (strncasecmp(p, name, sizeof(name) - 1) == 0)
            return strtoul(p + sizeof(name) - 1, NULL, 10);
    return 0;
}

static void base64(const char *in, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(in), o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)in[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)in[i + 2];
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[o] = '\0';
}

/* How many events the next request may carry: 0 when the run is over. */
static unsigned take_budget(const struct config *cfg, unsigned want)
{
    if (now_s() >= deadline)
        return 0;
    if (!cfg->events)
        return want;
    pthread_mutex_lock(&budget_lock);
    unsigned got = events_left < want ? (unsigned)events_left : want;
    events_left -= got;
    pthread_mutex_unlock(&budget_lock);
    return got;
}

static int connect_server(const struct config *cfg)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port)};
    if (inet_pton(AF_INET, cfg->host, &a.sin_addr) != 1) {
        fprintf(stderr, "jm_ingest_load: --host must be an IPv4 address\n");
        exit(2);
    }
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* One track call as JSON: a realistic page of a B2B site with UTM parameters. */
static int event_json(char *out, size_t cap, const struct config *cfg, unsigned w, uint64_t seq,
                      bool typed)
{
    static const char *const touch[] = {"Blog Viewed", "Webinar Registered", "Demo Requested",
                                        "Pricing Viewed", "Quote Sent"};
    static const char *const medium[] = {"cpc", "email", "social", "organic", "referral"};
    unsigned c = (unsigned)(seq * 2654435761u >> 7);
    return snprintf(out, cap,
                    "{%s\"messageId\":\"%s-%u-%llu\",\"userId\":\"load-%u-%u\","
                    "\"event\":\"%s\",\"timestamp\":\"2026-11-%02uT%02u:%02u:00Z\","
                    "\"properties\":{\"plan\":\"team\",\"seats\":%u},"
                    "\"context\":{\"groupId\":\"acct-%u-%u\",\"page\":{\"url\":"
                    "\"https://example.com/p?utm_source=news&utm_medium=%s&utm_campaign=q4\","
                    "\"referrer\":\"https://www.google.com/\"}}}",
                    typed ? "\"type\":\"track\"," : "", cfg->prefix, w, (unsigned long long)seq, w,
                    c % 500, touch[c % 5], 1 + c % 28, c % 24, c % 60, 1 + c % 40, w, c % 100,
                    medium[c % 5]);
}

/* Reads one HTTP answer; returns its status, or -1 when the connection failed. */
static int read_answer(int fd, char *buf, size_t cap)
{
    size_t have = 0;
    for (;;) {
        ssize_t r = read(fd, buf + have, cap - 1 - have);
        if (r <= 0)
            return -1;
        have += (size_t)r;
        buf[have] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (!end)
            continue;
        size_t body = content_length(buf, end);
        size_t head = (size_t)(end + 4 - buf);
        while (have < head + body) {
            if (have >= cap - 1)
                return -1;
            r = read(fd, buf + have, cap - 1 - have);
            if (r <= 0)
                return -1;
            have += (size_t)r;
        }
        return strncmp(buf, "HTTP/1.1 ", 9) == 0 ? (int)strtol(buf + 9, NULL, 10) : -1;
    }
}

static void record_acked(struct worker *wk, uint64_t first, unsigned n)
{
    wk->acked_events += n;
    if (!wk->cfg->acked)
        return;
    for (unsigned i = 0; i < n; i++) {
        if (wk->n_acked == wk->cap_acked)
            wk->acked_ids = grow(wk->acked_ids, &wk->cap_acked, sizeof(char *));
        char id[128];
        snprintf(id, sizeof(id), "%s-%u-%llu", wk->cfg->prefix, wk->index,
                 (unsigned long long)(first + i));
        wk->acked_ids[wk->n_acked++] = strdup(id);
    }
}

/* Sends one request of `n` events starting at sequence `seq`; returns the status or -1. */
static int send_request(int fd, struct worker *wk, uint64_t seq, unsigned n, char *body, size_t cap,
                        char *answer, size_t acap)
{
    const struct config *cfg = wk->cfg;
    size_t len = 0;
    if (cfg->batch) {
        len += (size_t)snprintf(body, cap, "{\"batch\":[");
        for (unsigned i = 0; i < n; i++) {
            len += (size_t)event_json(body + len, cap - len, cfg, wk->index, seq + i, true);
            body[len++] = i + 1 < n ? ',' : ']';
        }
        body[len++] = '}';
    } else {
        len = (size_t)event_json(body, cap, cfg, wk->index, seq, false);
    }
    char head[512];
    int hl = snprintf(head, sizeof(head),
                      "POST /v1/%s HTTP/1.1\r\nHost: %s:%d\r\n%s"
                      "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      cfg->batch ? "batch" : "track", cfg->host, cfg->port, auth_header, len);
    if (write(fd, head, (size_t)hl) != hl || write(fd, body, len) != (ssize_t)len)
        return -1;
    return read_answer(fd, answer, acap);
}

static void *run_worker(void *arg)
{
    struct worker *wk = arg;
    const struct config *cfg = wk->cfg;
    size_t cap = (size_t)(cfg->batch ? cfg->batch_size : 1) * 1024 + 64;
    char *body = malloc(cap), *answer = malloc(65536);
    if (!body || !answer)
        die("out of memory");
    uint64_t seq = 0;
    int fd = connect_server(cfg);
    for (;;) {
        if (fd < 0) {
            wk->errors++;
            if (!cfg->keep_going || now_s() >= deadline)
                break;
            usleep(20000);
            fd = connect_server(cfg);
            continue;
        }
        unsigned n = take_budget(cfg, cfg->batch ? cfg->batch_size : 1);
        if (!n)
            break;
        double t0 = now_s();
        int status = send_request(fd, wk, seq, n, body, cap, answer, 65536);
        double ms = (now_s() - t0) * 1e3;
        if (status == 200) {
            if (wk->n_lat == wk->cap_lat)
                wk->lat = grow(wk->lat, &wk->cap_lat, sizeof(double));
            wk->lat[wk->n_lat++] = ms;
            record_acked(wk, seq, n);
        } else {
            wk->errors++;
            if (status < 0) {
                close(fd);
                fd = -1;
            }
        }
        seq += n; /* an unanswered id is never reused: it may have been stored */
    }
    if (fd >= 0)
        close(fd);
    free(body);
    free(answer);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *v, size_t n, double q)
{
    if (!n)
        return 0;
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static void usage(int code)
{
    fputs("usage: jm_ingest_load --port N --key KEY [--host 127.0.0.1] [--mode single|batch]\n"
          "       [--batch 100] [--connections 8] [--seconds 5 | --events N] [--prefix ID]\n"
          "       [--acked FILE] [--keep-going] [--summary FILE]\n",
          code ? stderr : stdout);
    exit(code);
}

static void parse_args(int argc, char **argv, struct config *cfg)
{
    static const struct option opts[] = {
        {"host", 1, NULL, 'H'},    {"port", 1, NULL, 'p'},    {"key", 1, NULL, 'k'},
        {"mode", 1, NULL, 'm'},    {"batch", 1, NULL, 'b'},   {"connections", 1, NULL, 'c'},
        {"seconds", 1, NULL, 's'}, {"events", 1, NULL, 'n'},  {"prefix", 1, NULL, 'P'},
        {"acked", 1, NULL, 'a'},   {"summary", 1, NULL, 'S'}, {"keep-going", 0, NULL, 'K'},
        {"help", 0, NULL, 'h'},    {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'H':
            cfg->host = optarg;
            break;
        case 'p':
            cfg->port = (int)number(optarg, "--port");
            break;
        case 'k':
            cfg->key = optarg;
            break;
        case 'm':
            cfg->batch = strcmp(optarg, "batch") == 0;
            break;
        case 'b':
            cfg->batch_size = (unsigned)number(optarg, "--batch");
            break;
        case 'c':
            cfg->connections = (unsigned)number(optarg, "--connections");
            break;
        case 's':
            cfg->seconds = atof(optarg);
            break;
        case 'n':
            cfg->events = number(optarg, "--events");
            break;
        case 'P':
            cfg->prefix = optarg;
            break;
        case 'a':
            cfg->acked = optarg;
            break;
        case 'S':
            cfg->summary = optarg;
            break;
        case 'K':
            cfg->keep_going = true;
            break;
        case 'h':
            usage(0);
            break;
        default:
            usage(2);
        }
    }
    if (!cfg->key || cfg->port <= 0 || cfg->connections < 1 || cfg->connections > MAX_CONNECTIONS ||
        cfg->batch_size < 1 || cfg->batch_size > MAX_BATCH || cfg->seconds <= 0)
        usage(2);
}

static void report(const struct config *cfg, struct worker *w, double wall)
{
    size_t n = 0;
    uint64_t events = 0, errors = 0;
    for (unsigned i = 0; i < cfg->connections; i++) {
        n += w[i].n_lat;
        events += w[i].acked_events;
        errors += w[i].errors;
    }
    double *all = malloc((n ? n : 1) * sizeof(double));
    if (!all)
        die("out of memory");
    size_t k = 0;
    for (unsigned i = 0; i < cfg->connections; i++)
        for (size_t j = 0; j < w[i].n_lat; j++)
            all[k++] = w[i].lat[j];
    qsort(all, n, sizeof(double), cmp_double);
    double p50 = quantile(all, n, 0.50), p99 = quantile(all, n, 0.99);
    const char *mode = cfg->batch ? "batch" : "single";
    unsigned per = cfg->batch ? cfg->batch_size : 1;
    printf("%s %u x %u connections: %.0f events/s, %.0f requests/s, p50 %.2f ms, p99 %.2f ms, "
           "%llu events in %.2f s, %llu errors\n",
           mode, per, cfg->connections, (double)events / wall, (double)n / wall, p50, p99,
           (unsigned long long)events, wall, (unsigned long long)errors);
    if (cfg->summary) {
        FILE *f = fopen(cfg->summary, "a");
        if (!f)
            die(cfg->summary);
        fprintf(f, "%s\t%u\t%u\t%.0f\t%.3f\t%.3f\t%llu\t%llu\n", mode, per, cfg->connections,
                (double)events / wall, p50, p99, (unsigned long long)events,
                (unsigned long long)errors);
        fclose(f);
    }
    free(all);
    if (!n)
        exit(1);
}

static void write_acked(const struct config *cfg, struct worker *w)
{
    FILE *f = fopen(cfg->acked, "w");
    if (!f)
        die(cfg->acked);
    for (unsigned i = 0; i < cfg->connections; i++)
        for (size_t j = 0; j < w[i].n_acked; j++)
            fprintf(f, "%s\n", w[i].acked_ids[j]);
    if (fclose(f) != 0)
        die(cfg->acked);
}

int main(int argc, char **argv)
{
    struct config cfg = {
        .host = "127.0.0.1", .prefix = "load", .batch_size = 100, .connections = 8, .seconds = 5};
    parse_args(argc, argv, &cfg);
    if (cfg.events)
        cfg.seconds = cfg.seconds > 5 ? cfg.seconds : 3600;
    char user[200], enc[300];
    snprintf(user, sizeof(user), "%s:", cfg.key);
    base64(user, enc);
    snprintf(auth_header, sizeof(auth_header), "Authorization: Basic %s\r\n", enc);
    events_left = cfg.events;

    struct worker *w = calloc(cfg.connections, sizeof(*w));
    if (!w)
        die("out of memory");
    double t0 = now_s();
    deadline = t0 + cfg.seconds;
    for (unsigned i = 0; i < cfg.connections; i++) {
        w[i].cfg = &cfg;
        w[i].index = i;
        if (pthread_create(&w[i].thread, NULL, run_worker, &w[i]) != 0)
            die("pthread_create");
    }
    for (unsigned i = 0; i < cfg.connections; i++)
        pthread_join(w[i].thread, NULL);
    double wall = now_s() - t0;
    if (cfg.acked)
        write_acked(&cfg, w);
    report(&cfg, w, wall);
    for (unsigned i = 0; i < cfg.connections; i++) {
        for (size_t j = 0; j < w[i].n_acked; j++)
            free(w[i].acked_ids[j]);
        free(w[i].acked_ids);
        free(w[i].lat);
    }
    free(w);
    return 0;
}
