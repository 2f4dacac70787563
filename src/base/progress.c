/*
 * A terminal progress bar. It draws only when stderr is a terminal so logs and tests stay clean,
 * and redraws at most ten times a second so it costs nothing on a fast import.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "base/internal.h"

double jm__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void jm__progress_start(struct jm_progress *p, const char *label, uint64_t total)
{
    p->label = label;
    p->unit = "rows";
    p->total = total;
    p->done = p->items = 0;
    p->started = jm__now();
    p->last_draw = 0;
    p->enabled = isatty(STDERR_FILENO);
}

static void human(double v, char *buf, size_t cap)
{
    if (v >= 1e9)
        snprintf(buf, cap, "%.1fG", v / 1e9);
    else if (v >= 1e6)
        snprintf(buf, cap, "%.1fM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, cap, "%.1fk", v / 1e3);
    else
        snprintf(buf, cap, "%.0f", v);
}

static void progress_draw(struct jm_progress *p, double now)
{
    char bar[33], items[16], rate[16];
    double frac = p->total ? (double)p->done / (double)p->total : 0;
    if (frac > 1)
        frac = 1;
    int fill = (int)(frac * 32);
    for (int i = 0; i < 32; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[32] = '\0';
    double el = now - p->started;
    human((double)p->items, items, sizeof(items));
    human(el > 0 ? (double)p->items / el : 0, rate, sizeof(rate));
    fprintf(stderr, "\r%-28.28s [%s] %3d%%  %s %s  %s %s/s ", p->label, bar, (int)(frac * 100),
            items, p->unit, rate, p->unit);
    fflush(stderr);
    p->last_draw = now;
}

void jm__progress_update(struct jm_progress *p, uint64_t done, uint64_t items)
{
    p->done = done;
    p->items = items;
    if (!p->enabled)
        return;
    double now = jm__now();
    if (now - p->last_draw >= 0.1)
        progress_draw(p, now);
}

void jm__progress_finish(struct jm_progress *p)
{
    if (!p->enabled)
        return;
    p->done = p->total;
    progress_draw(p, jm__now());
    fputc('\n', stderr);
}
