/*
 * Functions we never call: they overflow buffers, keep hidden state or hide parse errors.
 * Including this after the system headers turns a call into a compile error that names the
 * replacement's reason.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_BANNED_H
#define JM_BANNED_H

#define JM_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) JM_BANNED(strcpy)
#undef strcat
#define strcat(x, y) JM_BANNED(strcat)
#undef sprintf
#define sprintf(...) JM_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) JM_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) JM_BANNED(strtok)
#undef atoi
#define atoi(x) JM_BANNED(atoi)
#undef atol
#define atol(x) JM_BANNED(atol)
#undef gets
#define gets(x) JM_BANNED(gets)

#endif /* JM_BANNED_H */
