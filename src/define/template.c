/*
 * Built-in journey templates: the YAML files in templates/, compiled into the library by cmake/embed.cmake
 * (see define/embed.h), so `journeymap template init` works from any folder and the binary never
 * looks for files next to itself. Each template is one bilingual definition ({en, vi} texts);
 * loading one parses it like any definition file, with "template:NAME" as its path in messages.
 *
 * The templates are parsed on demand rather than once at start-up: a parse takes well under a
 * millisecond, and a parsed journey is the caller's to own and free.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "define/embed.h"
#include "journeymap/define.h"

size_t jm_template_count(void)
{
    return jm__templates_count;
}

const char *jm_template_name(size_t i)
{
    return i < jm__templates_count ? jm__templates[i].name : NULL;
}

const char *jm_template_source(const char *name, size_t *len)
{
    for (size_t i = 0; name && i < jm__templates_count; i++) {
        if (strcmp(jm__templates[i].name, name) == 0) {
            if (len)
                *len = jm__templates[i].len;
            return (const char *)jm__templates[i].data;
        }
    }
    if (len)
        *len = 0;
    return NULL;
}

/* "b2b-5, buyer-8, ..." into buf, cut short (never mid-name) when it does not fit. */
static void list_names(char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < jm__templates_count; i++) {
        const char *sep = i ? ", " : "";
        size_t need = strlen(sep) + strlen(jm__templates[i].name);
        if (used + need + 4 >= cap) {
            snprintf(buf + used, cap - used, "%s...", sep);
            return;
        }
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", sep, jm__templates[i].name);
    }
}

jm_status jm_template_load(const char *name, struct jm_journey **out, struct jm_error *err)
{
    *out = NULL;
    if (!name)
        return jm_error_set(err, JM_EINVAL, "no template name given");
    size_t len;
    const char *src = jm_template_source(name, &len);
    if (!src) {
        char names[160];
        list_names(names, sizeof(names));
        return jm_error_set(err, JM_ENOTFOUND, "no template '%.64s' (templates: %s)", name, names);
    }
    char path[128]; /* a name found above is one of ours, so it fits */
    snprintf(path, sizeof(path), "template:%s", name);
    return jm_journey_parse(src, len, path, out, err);
}
