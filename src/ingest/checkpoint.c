/*
 * The ingest writer's checkpointer: a thread with its own workspace connection that copies the
 * write-ahead log back into the database every CHECKPOINT_MS. The writer's durable connection
 * never checkpoints (storage.h: JM_STORAGE_DURABLE), because SQLite's automatic checkpoint runs
 * inside a commit and every request of that commit's group would wait for it; a passive
 * checkpoint from here runs beside the commits instead. Without it the log would grow forever.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <time.h>

#include "ingest/internal.h"
#include "journeymap/storage.h"

#define CHECKPOINT_MS 250

struct jm__checkpointer {
    struct jm_storage *st;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    bool stop;
};

static void *checkpoint_main(void *arg)
{
    struct jm__checkpointer *c = arg;
    pthread_mutex_lock(&c->mu);
    while (!c->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        long ns = ts.tv_nsec + CHECKPOINT_MS * 1000000L;
        ts.tv_sec += ns / 1000000000L;
        ts.tv_nsec = ns % 1000000000L;
        pthread_cond_timedwait(&c->wake, &c->mu, &ts);
        if (c->stop)
            break;
        pthread_mutex_unlock(&c->mu);
        /* Best effort: a failed checkpoint leaves the log as it was for the next one. */
        (void)jm_storage_checkpoint(c->st, NULL);
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

jm_status jm__checkpointer_start(const char *db_path, struct jm__checkpointer **out,
                                 struct jm_error *err)
{
    *out = NULL;
    struct jm__checkpointer *c = jm_calloc(1, sizeof(*c));
    if (!c)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    jm_status rc = jm_storage_open(db_path, 0, &c->st, err);
    if (!rc && (pthread_mutex_init(&c->mu, NULL) || pthread_cond_init(&c->wake, NULL)))
        rc = jm_error_set(err, JM_ENOMEM, "cannot create the checkpointer's locks");
    if (!rc && pthread_create(&c->thread, NULL, checkpoint_main, c))
        rc = jm_error_set(err, JM_ENOMEM, "cannot start the checkpointer thread");
    if (rc) {
        jm_storage_close(c->st);
        jm_free(c);
        return rc;
    }
    *out = c;
    return JM_OK;
}

void jm__checkpointer_stop(struct jm__checkpointer *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    /* The writer has committed its last group by now: leave the log copied back. */
    (void)jm_storage_checkpoint(c->st, NULL);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->mu);
    jm_storage_close(c->st);
    jm_free(c);
}
