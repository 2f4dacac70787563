/*
 * Model internals shared with storage and import.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_MODEL_INTERNAL_H
#define JM_MODEL_INTERNAL_H

#include "journeymap/model.h"

extern const char *const jm__dmu_roles[];
extern const char *const jm__deal_status[];
extern const char *const jm__ticket_priority[];
extern const char *const jm__ticket_status[];
extern const char *const jm__survey_kinds[];

#endif
