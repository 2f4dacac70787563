/*
 * Writing CSV fields (RFC 4180) for exports and reject files. A text field that a spreadsheet
 * would run as a formula (it starts with = + - @ TAB or CR) gets a leading apostrophe when the
 * caller asks for it: exported CRM text is attacker-controlled, and "=HYPERLINK(...)" in a
 * contact's name must stay text when someone opens the export in Excel (OWASP "CSV injection").
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "base/internal.h"

jm_status jm__csv_field(struct jm_strbuf *sb, const char *s, size_t len, bool escape_formulas)
{
    bool formula = escape_formulas && len && strchr("=+-@\t\r", s[0]);
    bool quote = formula;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote)
        return jm_strbuf_add(sb, s, len);
    jm_status rc = jm_strbuf_addch(sb, '"');
    if (!rc && formula)
        rc = jm_strbuf_addch(sb, '\'');
    for (size_t i = 0; i < len && !rc; i++)
        rc = s[i] == '"' ? jm_strbuf_add(sb, "\"\"", 2) : jm_strbuf_addch(sb, s[i]);
    return rc ? rc : jm_strbuf_addch(sb, '"');
}
