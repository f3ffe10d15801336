/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging for code running inside other programs: async-signal-safe,
 * one write(2) per message, errno preserved, never stdout. */
#ifndef TNAT64_LOG_H
#define TNAT64_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "loadtime.h"

enum { LOG_ERR = 1, LOG_WARN = 2, LOG_INFO = 3, LOG_DEBUG = 4 };

/* Level from TNAT64_DEBUG (0.06 semantics: unset = errors only, -1 or 0 =
 * silent... see log.c); messages go to fd (standard error: 2) for as long
 * as fd stays the file it is now (checked by st_dev/st_ino before every
 * message), and never to a socket other than AF_UNIX.  progname: its last
 * path component starts every line (NULL: none).  errno is kept. */
void log_setup(int level, int fd, const char *progname);


/* Like log_setup, but messages are appended to the file at path
 * (TNAT64_DEBUG_FILE; created 0600, opened close-on-exec, non-blocking,
 * on a descriptor number of 512 or more where the limit allows).  When the
 * program closes or reuses that descriptor, the file is opened again by
 * its path (made absolute now) at the next message.  Nothing is opened
 * when level < 1.  0, or -errno when the file cannot be opened (no
 * destination is set then: call log_setup to fall back). */
int log_setup_file(int level, const char *path, const char *progname);
int log_level(void);

/* printf-like, but only %s %d %u %ld %lu %x %c %% and two extensions:
 * %A = IPv4 address (uint32_t, network order), %B = IPv6 address
 * (const uint8_t *).  Control characters (0x00-0x1f, 0x7f) of %s
 * arguments and of progname are written as '?': values from variables
 * and files never reach a terminal as escapes.  A %s argument longer
 * than LOG_ARG_MAX bytes is shown as its first LOG_ARG_HEAD bytes, "..."
 * and its last LOG_ARG_TAIL bytes.  Truncates at 512 bytes. */
#define LOG_ARG_MAX 256
#define LOG_ARG_HEAD 192
#define LOG_ARG_TAIL 48
void log_msg(int level, const char *fmt, ...);
/* log_msg without ever opening the debug file again (a message whose
 * destination was taken away is dropped): no shared state is written,
 * as a vfork child must not (the library's exec hooks). */
void log_msg_fixed(int level, const char *fmt, ...);

/* Added helpers. */
/* The formatter behind log_msg, usable on its own: writes at most size
 * bytes including the NUL (truncating), returns the length written.
 * Also accepts the l, ll and z length modifiers on d, u and x.
 * Async-signal-safe. */
size_t log_format(char *buf, size_t size, const char *fmt, va_list ap);
/* Level for a TNAT64_DEBUG value, 0.06-compatible: NULL (unset), empty or
 * not a number -> LOG_ERR; negative -> 0 (silent); 0 -> LOG_ERR (0.06's
 * MSGERR); 1 -> LOG_WARN; 2 -> LOG_INFO (one line per translation);
 * 3 or more -> LOG_DEBUG. */
int log_level_from_env(const char *value);
/* A few words for an errno value met when opening or reading a file
 * ("permission denied"), "error" for others; messages give the number
 * too.  Static strings, async-signal-safe (strerror is not). */
const char *log_errno_text(int err);

#endif
