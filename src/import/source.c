/*
 * Opening a source (source.h): get the file's bytes, pick the format, start the reader; then
 * hand each jm__source_next() to csv.c or jsonl.c. Also the column list both readers share.
 *
 * Where the bytes come from:
 *   - a regular file is mmap(2)ed read-only. The CSV reader's cells are slices of the file, so
 *     reading in place costs no copy and needs no buffer-boundary logic (a quoted field may
 *     span any number of lines), and MADV_SEQUENTIAL lets the kernel read ahead;
 *   - "-" (standard input), pipes and other non-regular files are read into an owned buffer
 *     with a ceiling, because they cannot be mapped;
 *   - jm__source_open_mem() borrows the caller's buffer (tests, fuzzing).
 * A file truncated by someone else while mapped would fault (SIGBUS); importing a file that is
 * being rewritten is not supported.
 *
 * The format is opts->format, else the extension (.jsonl .ndjson .json are JSONL, any other
 * extension is CSV), else, for names without one ("-", /dev/fd/63), the content: JSONL when the
 * first non-blank byte is '{'.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import/source_impl.h"

#define DEFAULT_MAX_FIELD   ((size_t)1 << 20)
#define DEFAULT_MAX_COLUMNS ((size_t)4096)
/* Standard input is held in memory whole; past this it is better saved to a file and mapped. */
#define MAX_STDIN  (SIZE_MAX > UINT32_MAX ? (size_t)4 << 30 : (size_t)1 << 30)
#define READ_CHUNK ((size_t)1 << 16)

/* ---------------------------------------------------------------- getting the bytes */

/* Reads `fd` to its end into src->owned (for stdin and pipes, which cannot be mapped). */
static jm_status read_fd(struct jm_source *src, int fd, const char *path, struct jm_error *err)
{
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, MAX_STDIN);
    jm_status rc = JM_OK;
    for (;;) {
        rc = jm_strbuf_grow(&sb, READ_CHUNK);
        if (rc)
            break;
        ssize_t n = read(fd, sb.buf + sb.len, sb.cap - sb.len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = jm_error_set(err, JM_EIO, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        sb.len += (size_t)n;
    }
    if (rc == JM_ELIMIT)
        jm_error_set(err, rc, "'%s' is larger than %zu bytes", path, (size_t)MAX_STDIN);
    else if (rc == JM_ENOMEM)
        jm_error_set(err, rc, "out of memory reading '%s'", path);
    if (rc) {
        jm_strbuf_release(&sb);
        return rc;
    }
    src->owned = sb.cap ? sb.buf : NULL;
    src->data = sb.cap ? sb.buf : "";
    src->len = sb.len;
    return JM_OK;
}

static jm_status map_fd(struct jm_source *src, int fd, size_t size, const char *path,
                        struct jm_error *err)
{
    void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        return jm_error_set(err, JM_EIO, "cannot map '%s': %s", path, strerror(errno));
    /* Only a hint: a failure costs read-ahead, not correctness. */
    (void)madvise(p, size, MADV_SEQUENTIAL);
    src->map = p;
    src->map_len = size;
    src->data = p;
    src->len = size;
    return JM_OK;
}

static jm_status load_file(struct jm_source *src, const char *path, struct jm_error *err)
{
    if (strcmp(path, "-") == 0)
        return read_fd(src, STDIN_FILENO, "standard input", err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return jm_error_set(err, errno == ENOENT ? JM_ENOTFOUND : JM_EIO, "cannot open '%s': %s",
                            path, strerror(errno));
    struct stat st;
    jm_status rc;
    if (fstat(fd, &st) != 0)
        rc = jm_error_set(err, JM_EIO, "cannot read '%s': %s", path, strerror(errno));
    else if (S_ISDIR(st.st_mode))
        rc = jm_error_set(err, JM_EIO, "cannot read '%s': it is a directory", path);
    else if (!S_ISREG(st.st_mode))
        rc = read_fd(src, fd, path, err);
    else if ((uintmax_t)st.st_size > SIZE_MAX)
        rc = jm_error_set(err, JM_ELIMIT, "'%s' is too large to map", path);
    else if (st.st_size == 0)
        rc = JM_OK; /* src->data is already ""; mmap(2) refuses length 0 */
    else
        rc = map_fd(src, fd, (size_t)st.st_size, path, err);
    close(fd);
    return rc;
}

/* ---------------------------------------------------------------- opening */

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

static enum jm_source_format detect_format(const char *path, const char *data, size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (dot && dot[1])
        return has_suffix(dot, ".jsonl") || has_suffix(dot, ".ndjson") || has_suffix(dot, ".json")
                   ? JM_SRC_JSONL
                   : JM_SRC_CSV;
    size_t i = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return i < len && data[i] == '{' ? JM_SRC_JSONL : JM_SRC_CSV;
}

static jm_status source_new(const char *name, const struct jm_source_opts *opts,
                            struct jm_source **out, struct jm_error *err)
{
    struct jm_source *src = jm_calloc(1, sizeof(*src));
    if (!src)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    src->name = jm_strdup(name);
    if (!src->name) {
        jm_free(src);
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    src->format = opts ? opts->format : JM_SRC_AUTO;
    src->delimiter = opts ? opts->delimiter : 0;
    src->max_field = opts && opts->max_field ? opts->max_field : DEFAULT_MAX_FIELD;
    src->max_columns = opts && opts->max_columns ? opts->max_columns : DEFAULT_MAX_COLUMNS;
    src->data = "";
    src->line = 1;
    jm_arena_init(&src->names_arena);
    jm__strmap_init(&src->index);
    /* Unescaped cells of one row: each at most max_field, so this only stops runaway rows. */
    size_t ceiling;
    if (!jm_size_mul(src->max_field, src->max_columns, &ceiling) || ceiling > JM_STRBUF_DEFAULT_MAX)
        ceiling = JM_STRBUF_DEFAULT_MAX;
    jm_strbuf_init(&src->scratch, ceiling);
    jm_strbuf_init(&src->key, 0);
    *out = src;
    return JM_OK;
}

static jm_status source_start(struct jm_source *src, const char *path, struct jm_error *err)
{
    if (src->format == JM_SRC_AUTO)
        src->format = detect_format(path, src->data, src->len);
    if (src->format == JM_SRC_JSONL)
        return jm__jsonl_start(src, err);
    return jm__csv_start(src, err);
}

jm_status jm__source_open(const char *path, const char *name, const struct jm_source_opts *opts,
                          struct jm_source **out, struct jm_error *err)
{
    struct jm_source *src = NULL;
    *out = NULL;
    jm_status rc = source_new(name ? name : path, opts, &src, err);
    if (!rc)
        rc = load_file(src, path, err);
    if (!rc)
        rc = source_start(src, path, err);
    if (rc) {
        jm__source_close(src);
        return rc;
    }
    *out = src;
    return JM_OK;
}

jm_status jm__source_open_mem(const char *data, size_t len, const char *name,
                              const struct jm_source_opts *opts, struct jm_source **out,
                              struct jm_error *err)
{
    struct jm_source *src = NULL;
    *out = NULL;
    jm_status rc = source_new(name ? name : "<memory>", opts, &src, err);
    if (rc)
        return rc;
    src->data = len ? data : "";
    src->len = len;
    rc = source_start(src, src->name, err);
    if (rc) {
        jm__source_close(src);
        return rc;
    }
    *out = src;
    return JM_OK;
}

void jm__source_close(struct jm_source *src)
{
    if (!src)
        return;
    jm__jsonl_release(src);
    if (src->map)
        munmap(src->map, src->map_len);
    jm_free(src->owned);
    jm_arena_release(&src->names_arena);
    jm__strmap_release(&src->index);
    jm_free(src->names);
    jm_free(src->cells);
    jm_free(src->soff);
    jm_free(src->lines);
    jm_strbuf_release(&src->scratch);
    jm_strbuf_release(&src->key);
    jm_free(src->name);
    jm_free(src);
}

/* ---------------------------------------------------------------- rows and columns */

jm_status jm__source_next(struct jm_source *src, struct jm_row *row, bool *eof,
                          struct jm_error *err)
{
    if (src->format == JM_SRC_JSONL)
        return jm__jsonl_next(src, row, eof, err);
    return jm__csv_next(src, row, eof, err);
}

jm_status jm__source_add_column(struct jm_source *src, const char *name, size_t len, size_t *index,
                                bool *added)
{
    uint64_t *slot;
    bool is_new;
    if (jm__strmap_put(&src->index, name, len, src->ncols, &slot, &is_new))
        return JM_ENOMEM;
    /* UINT64_MAX: a name whose earlier adding ran out of memory; add it for real now. */
    if (!is_new && *slot != UINT64_MAX) {
        *index = (size_t)*slot;
        *added = false;
        return JM_OK;
    }
    *slot = src->ncols;
    *index = src->ncols;
    *added = true;
    char *copy = jm_arena_strndup(&src->names_arena, name, len);
    if (!copy || jm_grow((void **)&src->names, &src->names_cap, src->ncols + 1, sizeof(char *)))
        goto oom;
    src->names[src->ncols++] = copy;
    return JM_OK;
oom:
    /* Keep the map and the name list in step: a name the list lacks must not be findable. */
    *slot = UINT64_MAX;
    src->names_arena.failed = false;
    return JM_ENOMEM;
}

jm_status jm__source_reserve_cells(struct jm_source *src, size_t n)
{
    if (n <= src->cells_cap)
        return JM_OK;
    size_t cap = src->cells_cap;
    if (jm_grow((void **)&src->cells, &cap, n, sizeof(struct jm_cell)))
        return JM_ENOMEM;
    size_t cap2 = src->cells_cap;
    if (jm_grow((void **)&src->soff, &cap2, cap, sizeof(size_t)))
        return JM_ENOMEM; /* cells grew but cells_cap did not: the next call retries */
    src->cells_cap = cap;
    return JM_OK;
}

void jm__source_fix_cells(struct jm_source *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (src->cells[i].s == JM_SRC_IN_SCRATCH)
            src->cells[i].s = src->scratch.buf + src->soff[i];
}

size_t jm__source_ncolumns(const struct jm_source *src)
{
    return src->ncols;
}

const char *jm__source_column(const struct jm_source *src, size_t i)
{
    return i < src->ncols ? src->names[i] : NULL;
}

long jm__source_find(const struct jm_source *src, const char *name)
{
    const uint64_t *v = jm__strmap_get(&src->index, name, strlen(name));
    return v && *v < src->ncols ? (long)*v : -1;
}

bool jm__source_open_columns(const struct jm_source *src)
{
    return src->format == JM_SRC_JSONL;
}

uint64_t jm__source_offset(const struct jm_source *src)
{
    return src->pos;
}

uint64_t jm__source_size(const struct jm_source *src)
{
    return src->len;
}

const char *jm__source_name(const struct jm_source *src)
{
    return src->name;
}
