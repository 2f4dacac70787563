/*
 * The ingest writer: one thread, one write connection, group commit (ingest.h).
 *
 * Why a thread: SQLite has one writer at a time, and a commit with synchronous=FULL costs an
 * fsync (milliseconds on most disks). With each request committing on its own, a server is
 * held to a few hundred requests a second whatever its cores. Here requests queue their
 * batches and sleep; the writer takes every batch waiting, writes them all in one transaction
 * and pays one fsync for all of them, then wakes their requests. Under load batches pile up
 * while the previous fsync runs, so the next commit carries more of them: throughput grows with
 * concurrency, and each 200 still means "on disk".
 *
 * One batch's storage error must not undo another's: SQLite savepoints would roll back the
 * rows, but not the connection's in-memory state (the pending event segment and the dedup
 * keys), so instead the whole group is rolled back and each batch is retried in a transaction
 * of its own. Storage errors are rare; the common case stays one commit per group.
 *
 * Identities are resolved while writing, because only the workspace knows them: the contact
 * behind an anonymous id, whether a contact already exists, the account that owns an email
 * domain.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "journeymap/workspace.h"
#include "ingest/internal.h"

/* A batch waiting for its commit; lives on the submitter's stack. */
struct sub {
    struct jm_ingest_batch *b;
    const char *key_id;
    jm_status rc;
    struct jm_error err;
    bool done;
    struct sub *next;
};

/* Commits between compactions of the small event segments they leave behind. */
#define COMPACT_EVERY 64

struct jm_ingest_writer {
    struct jm_storage *st;
    struct jm__checkpointer *checkpointer;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work; /* the writer waits for batches */
    pthread_cond_t done; /* submitters wait for their commit */
    struct sub *head, *tail;
    bool stopping, started;
    unsigned max_events, linger_us;
    struct jm_ingest_stats stats;
    unsigned since_compact;
    /* The writer thread's own scratch. */
    struct jm_strbuf sb;
};

/* ---------------------------------------------------------------- one item */

/* Errors that are the item's fault, not the workspace's: the item fails, the batch goes on. */
static bool item_error(jm_status rc)
{
    return rc == JM_EINVAL || rc == JM_ENOTFOUND || rc == JM_ELIMIT || rc == JM_EPARSE ||
           rc == JM_ECONFLICT;
}

static jm_status put(struct jm_storage *st, const struct jm_record *r, enum jm_put_outcome *outcome,
                     struct jm_error *err)
{
    enum jm_put_outcome o;
    return jm_storage_put(st, r, outcome ? outcome : &o, err);
}

/* Puts the bare record `r` (an id and nothing else) only when no row has its id yet. */
static jm_status ensure(struct jm_storage *st, enum jm_entity kind, const struct jm_record *r,
                        const char *id, struct jm_error *err)
{
    bool exists;
    jm_status rc = jm_storage_exists(st, kind, id, strlen(id), &exists, err);
    return rc || exists ? rc : put(st, r, NULL, err);
}

static jm_status has_account(const struct jm_record *rec, void *ctx)
{
    int f = jm_entity_field(rec->def, "account");
    *(bool *)ctx = rec->v[f].kind == JM_V_TEXT && rec->v[f].len > 0;
    return JM_OK;
}

/*
 * A contact identified without a company joins the account that owns its email's domain, unless
 * it already belongs to one (a CRM import knows better than a domain) or the domain is a
 * free-mail provider's.
 */
static jm_status attach_by_domain(struct jm_ingest_writer *w, struct jm__item *it,
                                  struct jm_arena *arena, struct jm_error *err)
{
    if (it->has_account || !it->email_domain || jm__free_mail_domain(it->email_domain))
        return JM_OK;
    bool found = false, owned = false;
    jm_status rc =
        jm_storage_get(w->st, JM_ENT_CONTACT, it->user_id, has_account, &owned, &found, err);
    if (rc || owned)
        return rc;
    rc = jm_storage_account_by_domain(w->st, it->email_domain, &w->sb, &found, err);
    if (rc || !found)
        return rc;
    /* In the batch's arena: a retried commit reads the record again. */
    const char *id = jm_arena_strndup(arena, w->sb.buf, w->sb.len);
    if (!id)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    int f = jm_entity_field(it->contact.def, "account");
    it->contact.v[f] = (struct jm_value){.kind = JM_V_TEXT, .s = id, .len = w->sb.len};
    return JM_OK;
}

static jm_status write_identify(struct jm_ingest_writer *w, struct jm__item *it,
                                struct jm_arena *arena, struct jm_error *err)
{
    if (!it->has_contact)
        return JM_OK;
    jm_status rc =
        it->has_account ? put(w->st, &it->account, NULL, err) : attach_by_domain(w, it, arena, err);
    if (!rc)
        rc = put(w->st, &it->contact, NULL, err);
    if (!rc && it->anon_id)
        rc = jm_identity_link(w->st, it->anon_id, it->user_id, NULL, err);
    return rc;
}

static jm_status write_group(struct jm_ingest_writer *w, struct jm__item *it, struct jm_error *err)
{
    jm_status rc = put(w->st, &it->account, NULL, err);
    if (!rc && it->has_contact)
        rc = put(w->st, &it->contact, NULL, err);
    return rc;
}

static jm_status write_event(struct jm_ingest_writer *w, struct jm__item *it, struct jm_error *err)
{
    jm_status rc = JM_OK;
    if (it->has_account)
        rc = ensure(w->st, JM_ENT_ACCOUNT, &it->account, it->account_id, err);
    if (!rc && it->has_contact)
        rc = ensure(w->st, JM_ENT_CONTACT, &it->contact, it->user_id, err);
    if (!rc && !it->user_id && it->anon_id) {
        bool found;
        rc = jm_identity_find(w->st, it->anon_id, &w->sb, &found, err);
        if (!rc && found)
            it->event.v[JM_EV_CONTACT] =
                (struct jm_value){.kind = JM_V_TEXT, .s = w->sb.buf, .len = w->sb.len};
    }
    enum jm_put_outcome o = JM_PUT_INSERTED;
    if (!rc)
        rc = put(w->st, &it->event, &o, err);
    /* The contact may point into the scratch buffer, which the next item reuses. */
    it->event.v[JM_EV_CONTACT].kind = it->user_id ? JM_V_TEXT : JM_V_ABSENT;
    if (!rc && o == JM_PUT_UNCHANGED)
        it->pub.outcome = JM_ITEM_DUPLICATE;
    return rc;
}

static jm_status record_failure(struct jm_ingest_writer *w, const struct jm_ingest_batch *b,
                                const struct jm__item *it, const char *key_id, struct jm_error *err)
{
    size_t len = it->json_len < JM_FAILED_PAYLOAD_MAX ? it->json_len : JM_FAILED_PAYLOAD_MAX;
    struct jm_failed_event ev = {0,
                                 b->received,
                                 key_id ? key_id : "",
                                 jm_ingest_call_name(it->pub.call),
                                 it->pub.reason ? it->pub.reason : "",
                                 it->json ? it->json : "",
                                 it->json ? len : 0};
    return jm_failed_put(w->st, &ev, NULL, err);
}

/* Writes item `it`; an item-level problem marks it FAILED (with its reason) and is no error. */
static jm_status write_item(struct jm_ingest_writer *w, struct jm_ingest_batch *b,
                            struct jm__item *it, const char *key_id, struct jm_error *err)
{
    jm_status rc = JM_OK;
    if (it->pub.outcome == JM_ITEM_PENDING) {
        it->pub.outcome = JM_ITEM_STORED;
        if (it->pub.call == JM_CALL_IDENTIFY)
            rc = write_identify(w, it, &b->arena, err);
        else if (it->pub.call == JM_CALL_GROUP)
            rc = write_group(w, it, err);
        else
            rc = write_event(w, it, err);
        if (rc && item_error(rc)) {
            it->pub.outcome = JM_ITEM_FAILED;
            it->pub.reason = jm_arena_strdup(&b->arena, err ? err->msg : jm_strerror(rc));
            rc = it->pub.reason ? JM_OK : jm_error_set(err, JM_ENOMEM, "out of memory");
        }
    }
    if (!rc && it->pub.outcome == JM_ITEM_FAILED)
        rc = record_failure(w, b, it, key_id, err);
    return rc;
}

/* Back to what parsing said, after a write that did not commit. */
static void reset_outcomes(struct jm_ingest_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        if (!b->items[i].parse_failed) {
            b->items[i].pub.outcome = JM_ITEM_PENDING;
            b->items[i].pub.reason = NULL;
        }
}

static jm_status write_batch(struct jm_ingest_writer *w, struct sub *s)
{
    struct jm_error ierr;
    for (size_t i = 0; i < s->b->n; i++) {
        jm_error_clear(&ierr);
        jm_status rc = write_item(w, s->b, &s->b->items[i], s->key_id, &ierr);
        if (rc) {
            s->err = ierr;
            return rc;
        }
    }
    return JM_OK;
}

/* ---------------------------------------------------------------- one group */

static void fail_sub(struct sub *s, jm_status rc, const struct jm_error *err)
{
    s->rc = rc;
    if (err && err != &s->err)
        s->err = *err;
    if (!s->err.msg[0])
        jm_error_set(&s->err, rc, "%s", jm_strerror(rc));
    reset_outcomes(s->b);
}

/* One batch in a transaction of its own (the retry after a group failed). */
static bool commit_alone(struct jm_ingest_writer *w, struct sub *s)
{
    struct jm_error err;
    jm_error_clear(&err);
    reset_outcomes(s->b);
    jm_status rc = jm_storage_begin(w->st, &err);
    if (!rc) {
        rc = write_batch(w, s);
        if (rc)
            err = s->err;
    }
    if (!rc)
        rc = jm_storage_commit(w->st, &err);
    else
        jm_storage_rollback(w->st);
    s->rc = rc;
    if (rc)
        fail_sub(s, rc, &err);
    return rc == JM_OK;
}

/* Writes the subs of `group` in one transaction; returns the number of commits made. */
static unsigned commit_group(struct jm_ingest_writer *w, struct sub *group)
{
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_storage_begin(w->st, &err);
    struct sub *bad = NULL;
    for (struct sub *s = group; s && !rc; s = s->next) {
        rc = write_batch(w, s);
        if (rc)
            bad = s;
    }
    if (!rc)
        rc = jm_storage_commit(w->st, &err);
    else
        jm_storage_rollback(w->st);
    if (!rc)
        return 1;
    unsigned commits = 0;
    for (struct sub *s = group; s; s = s->next) {
        if (!bad)
            fail_sub(s, rc, &err); /* begin or commit failed: nobody's batch is stored */
        else
            commits += commit_alone(w, s);
    }
    return commits;
}

static void count_outcomes(struct jm_ingest_stats *st, const struct jm_ingest_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        enum jm_item_outcome o = b->items[i].pub.outcome;
        st->stored += o == JM_ITEM_STORED;
        st->duplicates += o == JM_ITEM_DUPLICATE;
        st->failed += o == JM_ITEM_FAILED;
    }
}

/* ---------------------------------------------------------------- the thread */

/* Takes the waiting subs, up to max_events items (at least one sub). Under the lock. */
static struct sub *take_group(struct jm_ingest_writer *w)
{
    struct sub *group = w->head, *last = group;
    size_t events = group->b->n;
    while (last->next && events + last->next->b->n <= w->max_events) {
        last = last->next;
        events += last->b->n;
    }
    w->head = last->next;
    if (!w->head)
        w->tail = NULL;
    last->next = NULL;
    return group;
}

/* With a linger, waits that long for more batches to share the commit. Under the lock. */
static void linger(struct jm_ingest_writer *w)
{
    if (!w->linger_us || w->stopping)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long ns = ts.tv_nsec + (long)(w->linger_us % 1000000u) * 1000L;
    ts.tv_sec += (time_t)(w->linger_us / 1000000u) + ns / 1000000000L;
    ts.tv_nsec = ns % 1000000000L;
    pthread_cond_timedwait(&w->work, &w->mu, &ts);
}

/* Merges the small segments many commits leave, when the queue is idle. */
static void maybe_compact(struct jm_ingest_writer *w, bool force)
{
    if (!force && w->since_compact < COMPACT_EVERY)
        return;
    w->since_compact = 0;
    /* Best effort: a failed compaction leaves the segments as they were. */
    (void)jm_storage_compact_events(w->st, NULL, NULL);
}

static void *writer_main(void *arg)
{
    struct jm_ingest_writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->work, &w->mu);
        if (!w->head)
            break;
        linger(w);
        struct sub *group = take_group(w);
        pthread_mutex_unlock(&w->mu);
        unsigned commits = commit_group(w, group);
        pthread_mutex_lock(&w->mu);
        w->stats.commits += commits;
        w->since_compact += commits;
        for (struct sub *s = group, *next; s; s = next) {
            next = s->next;
            w->stats.batches++;
            if (!s->rc)
                count_outcomes(&w->stats, s->b);
            s->done = true;
        }
        pthread_cond_broadcast(&w->done);
        if (!w->head) {
            pthread_mutex_unlock(&w->mu);
            maybe_compact(w, false);
            pthread_mutex_lock(&w->mu);
        }
    }
    pthread_mutex_unlock(&w->mu);
    maybe_compact(w, w->since_compact > 0);
    return NULL;
}

/* ---------------------------------------------------------------- the API */

jm_status jm_ingest_writer_open(const struct jm_ingest_writer_options *o,
                                struct jm_ingest_writer **out, struct jm_error *err)
{
    *out = NULL;
    if (!o || !o->db_path)
        return jm_error_set(err, JM_EINVAL, "the ingest writer needs a workspace path");
    struct jm_ingest_writer *w = jm_calloc(1, sizeof(*w));
    if (!w)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    w->max_events = o->max_batch_events ? o->max_batch_events : 20000;
    w->linger_us = o->linger_us;
    jm_strbuf_init(&w->sb, 0);
    jm_status rc = jm_storage_open(o->db_path, JM_STORAGE_DURABLE, &w->st, err);
    if (!rc)
        rc = jm__checkpointer_start(o->db_path, &w->checkpointer, err);
    if (!rc && (pthread_mutex_init(&w->mu, NULL) || pthread_cond_init(&w->work, NULL) ||
                pthread_cond_init(&w->done, NULL)))
        rc = jm_error_set(err, JM_ENOMEM, "cannot create the ingest writer's locks");
    if (!rc && pthread_create(&w->thread, NULL, writer_main, w))
        rc = jm_error_set(err, JM_ENOMEM, "cannot start the ingest writer thread");
    if (rc) {
        jm__checkpointer_stop(w->checkpointer);
        jm_storage_close(w->st);
        jm_strbuf_release(&w->sb);
        jm_free(w);
        return rc;
    }
    w->started = true;
    *out = w;
    return JM_OK;
}

void jm_ingest_writer_close(struct jm_ingest_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_broadcast(&w->work);
    pthread_mutex_unlock(&w->mu);
    /* The thread drains the queue before it ends: every submitter gets its answer. */
    pthread_join(w->thread, NULL);
    jm__checkpointer_stop(w->checkpointer);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    pthread_mutex_destroy(&w->mu);
    jm_storage_close(w->st);
    jm_strbuf_release(&w->sb);
    jm_free(w);
}

jm_status jm_ingest_submit(struct jm_ingest_writer *w, struct jm_ingest_batch *b,
                           const char *key_id, struct jm_error *err)
{
    if (!w || !b)
        return jm_error_set(err, JM_EINVAL, "nothing to submit");
    struct sub s = {b, key_id, JM_OK, {JM_OK, ""}, false, NULL};
    pthread_mutex_lock(&w->mu);
    if (w->stopping) {
        pthread_mutex_unlock(&w->mu);
        return jm_error_set(err, JM_EINVAL, "the ingest writer is closing");
    }
    if (w->tail)
        w->tail->next = &s;
    else
        w->head = &s;
    w->tail = &s;
    pthread_cond_signal(&w->work);
    while (!s.done)
        pthread_cond_wait(&w->done, &w->mu);
    pthread_mutex_unlock(&w->mu);
    if (s.rc && err)
        *err = s.err;
    return s.rc;
}

void jm_ingest_writer_stats(struct jm_ingest_writer *w, struct jm_ingest_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    *out = w->stats;
    pthread_mutex_unlock(&w->mu);
}
