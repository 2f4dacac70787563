/*
 * The analysed workspace, cached. A snapshot is one journey version parsed, the dataset loaded
 * and the timelines run: what every data, analysis and map answer reads. Building one costs a
 * full load of the workspace, so snapshots are shared by every request until the data or the
 * definition changes, and refcounted so requests in flight keep theirs while a newer one is
 * built.
 *
 *   slot      (journey key, version, level) -> its current snapshot; at most MAX_SLOTS, the
 *             least recently used idle slot is dropped for a new one
 *   snapshot  journey + dataset + timelines, the workspace's data version when its load began,
 *             rendered outputs (map html/svg/json... per options), the status report
 *
 * Staleness. jm_storage_data_version() is per connection (SQLite's PRAGMA data_version is only
 * comparable on the connection that read it), so the engine keeps one connection of its own,
 * used for that check (and the warm-up's read of the default journey), under `vlock`. The
 * version is read before the load starts: a commit during the load makes the snapshot look
 * older than it is, never newer.
 *
 * Stale-while-revalidate, built in the background: when the data changed, the first request
 * at least REBUILD_US after the last build began starts a worker thread that rebuilds the slot
 * on a connection of its own, and every request (that one included) keeps getting the latest
 * completed snapshot without waiting. Under sustained ingest a slot is thus rebuilt at most
 * every 2 s and no request waits for it. A slot with no snapshot yet makes its requests wait
 * for the first build (there is nothing to serve), never start a second one; its failure is
 * kept in the slot so they all get it. At most one worker runs per slot; close joins them.
 * At start the server warms the default journey's slot (srv_engine_warm), so the first page
 * finds it built.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "journeymap/analytics.h"
#include "journeymap/insights.h"
#include "journeymap/journey.h"
#include "journeymap/store.h"
#include "server/engine.h"

#define MAX_SLOTS        8
#define REBUILD_US       (2 * JM_US_PER_SEC)
#define MAX_OUTPUTS      48
#define MAX_OUTPUT_BYTES ((size_t)96 << 20) /* per snapshot */

struct output {
    char *name;
    unsigned char *bytes;
    size_t len;
};

struct snap {
    struct srv_view view; /* first: a const srv_view * is a snap * */
    struct jm_journey *journey;
    struct jm_dataset *ds;
    struct jm_timelines *tl;
    unsigned refs;        /* the slot's reference plus the requests holding it; engine lock */
    pthread_mutex_t lock; /* the outputs and the status report */
    struct output outputs[MAX_OUTPUTS];
    size_t n_outputs, output_bytes;
    struct jm_report *status;
    uint8_t *unit_status;
};

struct slot {
    char key[128];
    int version;
    int level;
    struct jm_strbuf yaml; /* the version's text, what a worker parses; fixed while building */
    struct snap *cur;
    bool building;            /* a worker runs for this slot */
    bool joinable;            /* `worker` is to be joined (it may still be running) */
    pthread_t worker;         /* the slot's last worker */
    int64_t started_us;       /* monotonic: when the last build began (the rebuild pause) */
    jm_status fail;           /* the last build's failure while there is no snapshot */
    struct jm_error fail_err; /* its message, for every request that waited on it */
    uint64_t used;            /* engine tick of the last acquire, for eviction */
};

struct srv_engine {
    struct srv *srv;
    pthread_mutex_t lock; /* slots and refcounts */
    pthread_cond_t built; /* a build ended */
    struct slot slots[MAX_SLOTS];
    uint64_t tick;
    bool closing;          /* no new workers */
    pthread_mutex_t vlock; /* `vconn` */
    struct jm_storage *vconn;
};

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * JM_US_PER_SEC + ts.tv_nsec / 1000;
}

jm_status srv_engine_open(struct srv *s, struct srv_engine **out, struct jm_error *err)
{
    struct srv_engine *e = jm_calloc(1, sizeof *e);
    if (!e)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    e->srv = s;
    jm_status rc = jm_storage_open(srv_config_of(s)->db_path, JM_STORAGE_READONLY, &e->vconn, err);
    if (rc) {
        jm_free(e);
        return rc;
    }
    pthread_mutex_init(&e->lock, NULL);
    pthread_mutex_init(&e->vlock, NULL);
    pthread_cond_init(&e->built, NULL);
    *out = e;
    return JM_OK;
}

static void snap_free(struct snap *sn)
{
    for (size_t i = 0; i < sn->n_outputs; i++) {
        jm_free(sn->outputs[i].name);
        jm_free(sn->outputs[i].bytes);
    }
    jm_report_free(sn->status);
    jm_free(sn->unit_status);
    jm_timelines_free(sn->tl);
    jm_dataset_free(sn->ds);
    jm_journey_free(sn->journey);
    pthread_mutex_destroy(&sn->lock);
    jm_free(sn);
}

/* Drops one reference; the last one frees. Engine lock held. */
static void snap_unref(struct snap *sn)
{
    if (sn && --sn->refs == 0)
        snap_free(sn);
}

/* Waits for the slot's last worker to exit. Safe with the engine lock held once the slot is seen
 * not building: the worker cleared `building` under the lock and takes it no more. */
static void slot_reap(struct slot *sl)
{
    if (sl->joinable)
        pthread_join(sl->worker, NULL);
    sl->joinable = false;
}

void srv_engine_close(struct srv_engine *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->lock);
    e->closing = true;
    pthread_mutex_unlock(&e->lock);
    /* A load cannot be interrupted: this waits for the builds under way (one per slot). */
    for (size_t i = 0; i < MAX_SLOTS; i++) {
        slot_reap(&e->slots[i]);
        snap_unref(e->slots[i].cur);
        jm_strbuf_release(&e->slots[i].yaml);
    }
    jm_storage_close(e->vconn);
    pthread_cond_destroy(&e->built);
    pthread_mutex_destroy(&e->vlock);
    pthread_mutex_destroy(&e->lock);
    jm_free(e);
}

static jm_status data_version(struct srv_engine *e, uint64_t *v, struct jm_error *err)
{
    pthread_mutex_lock(&e->vlock);
    jm_status rc = jm_storage_data_version(e->vconn, v, err);
    pthread_mutex_unlock(&e->vlock);
    return rc;
}

/* ---------------------------------------------------------------- building */

struct yaml_copy {
    struct jm_strbuf text;
    int version;
};

static jm_status copy_version(const struct jm_journey_version *v, void *ctx)
{
    struct yaml_copy *c = ctx;
    c->version = v->version;
    jm_strbuf_reset(&c->text);
    return jm_strbuf_add(&c->text, v->yaml, v->yaml_len);
}

/* The store options every answer of a snapshot may need: the journey's, every text field (the
 * timeline's UTM columns, any event breakdown), value and sentiment, and what the insights read
 * (api_insights.c). One load serves them all. */
static void all_options(const struct jm_journey *j, struct jm_store_options *so)
{
    jm_journey_store_options(j, NULL, so);
    jm_insight_store_options(so);
    so->fields |= (UINT64_C(1) << JM_EV__COUNT) - 1;
}

static jm_status build(struct jm_storage *st, const struct jm_strbuf *yaml, int version, int level,
                       uint64_t dv, struct snap **out, struct jm_error *err)
{
    struct snap *sn = jm_calloc(1, sizeof *sn);
    if (!sn)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    pthread_mutex_init(&sn->lock, NULL);
    struct jm_store_options so;
    jm_status rc = jm_journey_parse(yaml->buf, yaml->len, "journey", &sn->journey, err);
    if (!rc && level >= 0)
        sn->journey->settings.level = (enum jm_level)level;
    if (!rc) {
        all_options(sn->journey, &so);
        rc = jm_dataset_load(st, &so, &sn->ds, err);
    }
    if (!rc)
        rc = jm_journey_run(sn->ds, sn->journey, &sn->tl, err);
    if (!rc)
        sn->view = (struct srv_view){sn->journey, sn->ds, sn->tl, version, dv};
    /* The accounts' statuses (the accounts list, detail and drill-downs) here, in the build's
     * thread, rather than in the first such request after every rebuild (~0.3 s on the demo). */
    const struct jm_report *r;
    const uint8_t *status;
    if (!rc && sn->tl->level == JM_LEVEL_ACCOUNT)
        rc = srv_view_status(&sn->view, &r, &status, err);
    if (rc) {
        snap_free(sn);
        return rc;
    }
    sn->refs = 1;
    *out = sn;
    return JM_OK;
}

/* Builds the slot's snapshot on a connection of its own (request threads keep theirs). The slot
 * is not retaken while it builds, so its key, yaml and level hold still without the lock. */
static jm_status build_slot(struct srv_engine *e, const struct slot *sl, struct snap **out,
                            struct jm_error *err)
{
    struct jm_storage *st = NULL;
    uint64_t dv = 0;
    /* The data version first: whatever is loaded after it is at least that new. */
    jm_status rc = data_version(e, &dv, err);
    if (!rc)
        rc = jm_storage_open(srv_config_of(e->srv)->db_path, JM_STORAGE_READONLY, &st, err);
    if (!rc)
        rc = build(st, &sl->yaml, sl->version, sl->level, dv, out, err);
    jm_storage_close(st);
    return rc;
}

struct job {
    struct srv_engine *e;
    struct slot *sl;
};

static void *worker_main(void *arg)
{
    struct job job = *(struct job *)arg;
    jm_free(arg);
    struct snap *sn = NULL;
    struct jm_error err = {0};
    jm_status rc = build_slot(job.e, job.sl, &sn, &err);
    pthread_mutex_lock(&job.e->lock);
    struct slot *sl = job.sl;
    sl->building = false;
    if (!rc) {
        snap_unref(sl->cur);
        sl->cur = sn;
    }
    sl->fail = rc;
    sl->fail_err = err;
    pthread_cond_broadcast(&job.e->built);
    pthread_mutex_unlock(&job.e->lock);
    return NULL;
}

/* Starts the slot's worker. Engine lock held, slot not building. When no thread can be had, the
 * slot records the failure (requests keep the snapshot they have, if any). */
static void start_build(struct srv_engine *e, struct slot *sl)
{
    if (e->closing)
        return;
    slot_reap(sl);
    sl->started_us = mono_us();
    struct job *job = jm_malloc(sizeof *job);
    if (job) {
        *job = (struct job){e, sl};
        sl->building = pthread_create(&sl->worker, NULL, worker_main, job) == 0;
    }
    sl->joinable = sl->building;
    if (!sl->building) {
        jm_free(job);
        sl->fail = jm_error_set(&sl->fail_err, JM_ENOMEM, "cannot start a thread to analyse");
    }
}

/* ---------------------------------------------------------------- slots */

/*
 * Whether `sl` answers for (key, version, level). A slot built at the definition's own level
 * (-1) also answers for that level asked for by name: the accounts routes ask for the account
 * level, which is the default journey's, and would otherwise load the same snapshot twice.
 */
static bool slot_is(const struct slot *sl, const char *key, int version, int level)
{
    bool same_level = sl->level == level ||
                      (sl->level < 0 && level >= 0 && sl->cur && (int)sl->cur->tl->level == level);
    return sl->version == version && same_level && strcmp(sl->key, key) == 0;
}

static struct slot *slot_find(struct srv_engine *e, const char *key, int version, int level)
{
    for (size_t i = 0; i < MAX_SLOTS; i++) {
        struct slot *sl = &e->slots[i];
        if ((sl->cur || sl->building) && slot_is(sl, key, version, level))
            return sl;
    }
    return NULL;
}

/* A free slot, or the least recently used one not being built (its snapshot released). */
static struct slot *slot_take(struct srv_engine *e, const char *key, int version, int level)
{
    struct slot *best = NULL;
    for (size_t i = 0; i < MAX_SLOTS; i++) {
        struct slot *sl = &e->slots[i];
        if (sl->building)
            continue;
        if (!sl->cur) {
            best = sl;
            break;
        }
        if (!best || sl->used < best->used)
            best = sl;
    }
    if (!best)
        return NULL;
    slot_reap(best);
    snap_unref(best->cur);
    struct jm_strbuf yaml = best->yaml;
    jm_strbuf_reset(&yaml); /* its buffer is kept for the next version's text */
    memset(best, 0, sizeof *best);
    best->yaml = yaml;
    snprintf(best->key, sizeof best->key, "%s", key);
    best->version = version;
    best->level = level;
    return best;
}

/* The slot of (key, y's version, level), found or taken with y's text. Engine lock held. */
static jm_status slot_get(struct srv_engine *e, const struct yaml_copy *y, const char *key,
                          int level, struct slot **out, struct jm_error *err)
{
    struct slot *sl = slot_find(e, key, y->version, level);
    if (!sl) {
        sl = slot_take(e, key, y->version, level);
        if (!sl)
            return jm_error_set(err, JM_ELIMIT, "too many analyses are being built at once");
        if (jm_strbuf_add(&sl->yaml, y->text.buf, y->text.len))
            return jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    *out = sl;
    return JM_OK;
}

/* Starts a rebuild when the slot is stale (data version `dv` is newer than its snapshot's) and
 * the rebuild pause has passed since the last one began; a slot never built always builds. */
static void maybe_rebuild(struct srv_engine *e, struct slot *sl, uint64_t dv)
{
    bool stale = !sl->cur || sl->cur->view.data_version != dv;
    bool may = !sl->cur || mono_us() - sl->started_us >= REBUILD_US;
    if (stale && may && !sl->building)
        start_build(e, sl);
}

static jm_status acquire_locked(struct srv_engine *e, const struct yaml_copy *y, const char *key,
                                int level, uint64_t dv, struct snap **out, struct jm_error *err)
{
    struct slot *sl;
    jm_status rc = slot_get(e, y, key, level, &sl, err);
    if (rc)
        return rc;
    maybe_rebuild(e, sl, dv);
    /* Nothing to serve yet: wait for the first build, which the first request started. */
    while (!sl->cur && sl->building)
        pthread_cond_wait(&e->built, &e->lock);
    /* The slot may have been taken for another key while we waited. */
    if (!slot_is(sl, key, y->version, level))
        return acquire_locked(e, y, key, level, dv, out, err);
    if (!sl->cur) {
        if (err)
            *err = sl->fail_err;
        return sl->fail ? sl->fail : jm_error_set(err, JM_EIO, "the analysis was not built");
    }
    sl->used = ++e->tick;
    sl->cur->refs++;
    *out = sl->cur;
    return JM_OK;
}

jm_status srv_view_acquire_at(struct srv_request *req, const char *key, int version, int64_t as_of,
                              int level, const struct srv_view **out, struct jm_error *err)
{
    struct srv_engine *e = srv_engine_of(req->srv);
    struct yaml_copy y = {JM_STRBUF_INIT, 0};
    struct jm_storage *st;
    uint64_t dv = 0;
    struct snap *sn = NULL;
    *out = NULL;
    if (strlen(key) >= sizeof(e->slots[0].key))
        return jm_error_set(err, JM_EINVAL, "a journey key has at most %zu characters",
                            sizeof(e->slots[0].key) - 1);
    /* What the snapshot is compared with; the worker reads its own before it loads. */
    jm_status rc = data_version(e, &dv, err);
    if (!rc)
        rc = srv_storage(req, &st, err);
    if (!rc)
        rc = jm_journeys_get(st, key, version, as_of, copy_version, &y, err);
    if (!rc) {
        pthread_mutex_lock(&e->lock);
        rc = acquire_locked(e, &y, key, level, dv, &sn, err);
        pthread_mutex_unlock(&e->lock);
    }
    jm_strbuf_release(&y.text);
    if (!rc)
        *out = &sn->view;
    return rc;
}

void srv_engine_warm(struct srv_engine *e, const char *key)
{
    struct yaml_copy y = {JM_STRBUF_INIT, 0};
    struct slot *sl;
    if (strlen(key) >= sizeof(e->slots[0].key))
        return;
    /* The engine's own connection: no request thread (nor its connection) exists yet. */
    pthread_mutex_lock(&e->vlock);
    jm_status rc = jm_journeys_get(e->vconn, key, 0, INT64_MAX, copy_version, &y, NULL);
    pthread_mutex_unlock(&e->vlock);
    pthread_mutex_lock(&e->lock);
    if (!rc && slot_get(e, &y, key, -1, &sl, NULL) == JM_OK)
        maybe_rebuild(e, sl, 0);
    pthread_mutex_unlock(&e->lock);
    jm_strbuf_release(&y.text);
}

jm_status srv_view_acquire(struct srv_request *req, const char *key, int version, int64_t as_of,
                           const struct srv_view **out, struct jm_error *err)
{
    return srv_view_acquire_at(req, key, version, as_of, -1, out, err);
}

void srv_view_release(struct srv_request *req, const struct srv_view *v)
{
    if (!v)
        return;
    struct srv_engine *e = srv_engine_of(req->srv);
    pthread_mutex_lock(&e->lock);
    snap_unref((struct snap *)(uintptr_t)v);
    pthread_mutex_unlock(&e->lock);
}

/* ---------------------------------------------------------------- per-view caches */

static struct snap *snap_of(const struct srv_view *v)
{
    return (struct snap *)(uintptr_t)v;
}

bool srv_view_cached(const struct srv_view *v, const char *name, struct jm_strbuf *out)
{
    struct snap *sn = snap_of(v);
    bool hit = false;
    pthread_mutex_lock(&sn->lock);
    for (size_t i = 0; i < sn->n_outputs && !hit; i++)
        if (strcmp(sn->outputs[i].name, name) == 0)
            hit = jm_strbuf_add(out, sn->outputs[i].bytes, sn->outputs[i].len) == JM_OK;
    pthread_mutex_unlock(&sn->lock);
    return hit;
}

void srv_view_cache_put(const struct srv_view *v, const char *name, const void *bytes, size_t len)
{
    struct snap *sn = snap_of(v);
    pthread_mutex_lock(&sn->lock);
    bool dup = false;
    for (size_t i = 0; i < sn->n_outputs; i++)
        dup = dup || strcmp(sn->outputs[i].name, name) == 0;
    if (!dup && sn->n_outputs < MAX_OUTPUTS && sn->output_bytes + len <= MAX_OUTPUT_BYTES) {
        struct output o = {jm_strdup(name), jm_malloc(len ? len : 1), len};
        if (o.name && o.bytes) {
            memcpy(o.bytes, bytes, len);
            sn->outputs[sn->n_outputs++] = o;
            sn->output_bytes += len;
        } else {
            jm_free(o.name);
            jm_free(o.bytes);
        }
    }
    pthread_mutex_unlock(&sn->lock);
}

const char *const srv_status_key[SRV__COUNT] = {"none",   "active", "stalled",
                                                "silent", "won",    "lost"};

/* The unit a deal belongs to at the view's level, or JM_NONE. */
static uint32_t deal_unit(const struct srv_view *v, size_t row)
{
    if (v->tl->level == JM_LEVEL_ACCOUNT)
        return jm_dataset_record_account(v->ds, JM_ENT_DEAL, row);
    const struct jm_entity_def *def = jm_entity_get(JM_ENT_DEAL);
    const struct jm_value *c =
        jm_dataset_value(v->ds, JM_ENT_DEAL, row, jm_entity_field(def, "contact"));
    return c && c->kind == JM_V_TEXT ? jm_dataset_find(v->ds, JM_ENT_CONTACT, c->s, c->len)
                                     : JM_NONE;
}

static jm_status unit_statuses(const struct srv_view *v, const struct jm_report *r, uint8_t *st)
{
    size_t n = v->tl->n_units;
    uint8_t *deals = jm_calloc(n ? n : 1, 1); /* bit 0: a won deal; bit 1: an open one */
    if (!deals)
        return JM_ENOMEM;
    for (size_t u = 0; u < n; u++)
        st[u] = v->tl->move_start[u] < v->tl->move_start[u + 1] ? SRV_ACTIVE : SRV_NONE;
    for (size_t i = 0; i < r->n_idle; i++)
        st[r->idle[i].unit] = r->idle[i].kind == JM_IDLE_SILENT ? SRV_SILENT : SRV_STALLED;
    int f = jm_entity_field(jm_entity_get(JM_ENT_DEAL), "status");
    for (size_t row = 0; row < jm_dataset_rows(v->ds, JM_ENT_DEAL); row++) {
        uint32_t u = deal_unit(v, row);
        const struct jm_value *x = jm_dataset_value(v->ds, JM_ENT_DEAL, row, f);
        if (u >= n || !x || x->kind != JM_V_TEXT)
            continue;
        deals[u] |= 4;
        if (x->len == 3 && memcmp(x->s, "won", 3) == 0)
            deals[u] |= 1;
        else if (!(x->len == 4 && memcmp(x->s, "lost", 4) == 0))
            deals[u] |= 2;
    }
    for (size_t u = 0; u < n; u++)
        if (deals[u] & 1)
            st[u] = SRV_WON;
        else if (deals[u] == 4)
            st[u] = SRV_LOST;
    jm_free(deals);
    return JM_OK;
}

jm_status srv_view_status(const struct srv_view *v, const struct jm_report **report,
                          const uint8_t **status, struct jm_error *err)
{
    struct snap *sn = snap_of(v);
    jm_status rc = JM_OK;
    pthread_mutex_lock(&sn->lock);
    if (!sn->unit_status) {
        struct jm_analysis_options ao = {INT64_MIN, INT64_MAX, NULL, 0, NULL, NULL, NULL};
        ao.max_listed = v->tl->n_units ? v->tl->n_units : 1;
        if (!sn->status)
            rc = jm_analyze(v->tl, &ao, &sn->status, err);
        uint8_t *st = rc ? NULL : jm_malloc(v->tl->n_units + 1);
        if (!rc && !st)
            rc = jm_error_set(err, JM_ENOMEM, "out of memory");
        if (!rc)
            rc = unit_statuses(v, sn->status, st);
        if (rc == JM_ENOMEM)
            jm_error_set(err, rc, "out of memory");
        if (rc)
            jm_free(st);
        else
            sn->unit_status = st;
    }
    pthread_mutex_unlock(&sn->lock);
    *report = rc ? NULL : sn->status;
    *status = rc ? NULL : sn->unit_status;
    return rc;
}

const char *srv_journey_arg(struct srv_request *req)
{
    const char *j = srv_query(req, "journey");
    return j && *j ? j : srv_default_journey(req->srv);
}
