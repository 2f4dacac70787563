/*
 * Writing a command's output file whole: a definition, a map.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/*
 * Writes `sb` to `output` through a temporary file beside it, so the file appears complete or
 * not at all. Without `force`, link() puts it in place only if nothing is there, so a file
 * created meanwhile by someone else is not overwritten either (rename() would replace it).
 */
jm_status cli_write_file(const char *output, const struct jm_strbuf *sb, bool force,
                         struct jm_error *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", output) >= (int)sizeof(tmp))
        return jm_error_set(err, JM_EINVAL, "file name too long: '%.100s...'", output);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return jm_error_set(err, JM_EIO, "cannot write '%s': %s", output, strerror(errno));
    mode_t mask = umask(0);
    umask(mask);
    jm_status rc = JM_OK;
    /* mkstemp() makes the file private; what we write is an ordinary file to share. */
    if (fchmod(fd, 0666 & ~mask) != 0)
        rc = JM_EIO;
    for (size_t done = 0; !rc && done < sb->len;) {
        ssize_t n = write(fd, sb->buf + done, sb->len - done);
        if (n < 0 && errno != EINTR)
            rc = JM_EIO;
        done += n > 0 ? (size_t)n : 0;
    }
    if (close(fd) != 0)
        rc = JM_EIO;
    if (!rc && !force && link(tmp, output) != 0) {
        if (errno == EEXIST)
            rc = jm_error_set(err, JM_ECONFLICT, "'%s' already exists", output);
        /* Some file systems (FAT, some network mounts) have no hard links; there the check
         * before writing is all there is, and rename() below does the rest. */
        else if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP)
            rc = JM_EIO;
        else
            force = true;
    }
    if (!rc && force && rename(tmp, output) != 0)
        rc = JM_EIO;
    if (rc == JM_EIO)
        jm_error_set(err, JM_EIO, "cannot write '%s': %s", output, strerror(errno));
    if (rc || !force)
        unlink(tmp);
    return rc;
}
