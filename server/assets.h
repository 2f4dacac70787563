/*
 * The web app's files (web/), compiled into the binary by cmake/embed.cmake with their names
 * ("index.html", "app.js") so the server needs nothing on disk and makes no external requests.
 * app.c serves them.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_SERVER_ASSETS_H
#define JM_SERVER_ASSETS_H

#include "define/embed.h"

extern const struct jm__embedded_file jm__web_assets[];
extern const size_t jm__web_assets_count;

#endif
