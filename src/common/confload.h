/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading the configuration from the environment and the file, as the
 * library and the supervisor both do.  Async-signal-safe: open, read and
 * mmap only; no stdio, no malloc, no locks. */
#ifndef TNAT64_CONFLOAD_H
#define TNAT64_CONFLOAD_H

#include <stddef.h>

#include "config.h"

/* getenv, except that variables naming files or prefixes
 * (trusted_only) are ignored in secure-execution (setuid) processes. */
const char *tnconf_env(const char *name, int trusted_only);

/* Keep copies of TNAT64_CONF_FILE, TNAT64_NAT64_PREFIX and
 * XDG_RUNTIME_DIR (where the user's prefix cache lives) as they are now:
 * the configuration and the cache are read later, on first use, and some
 * programs (nginx, daemons) clear their environment in between.  Cheap:
 * three getenv calls and three short copies.  None of them is taken in a
 * secure-execution process. */
void tnconf_capture_env(void);

/* The captured XDG_RUNTIME_DIR (tnconf_env's value before capture), or
 * NULL when unset, empty, too long or in a secure-execution process. */
const char *tnconf_xdg_runtime_dir(void);

/* log_setup from TNAT64_DEBUG and TNAT64_DEBUG_FILE. */
void tnconf_setup_logging(const char *progname);

struct tnconf {
	struct config *config;
	void *arena;         /* mmap'ed; config lives in it */
	size_t arena_size;
};

/* TNAT64_CONF_FILE (or the default file; the built-in configuration if
 * there is none), with TNAT64_NAT64_PREFIX as the default prefix if set
 * and valid.  Problems reading the file or with the variable are logged
 * (a missing default file is not a problem) and give the built-in
 * configuration: a name too long, something other than a regular file
 * (never read, never waited for), any error opening or reading it.
 * Empty variables count as unset.  0, or -ENOMEM when no memory could be
 * mapped. */
int tnconf_load(struct tnconf *out);

/* Unmap what tnconf_load mapped. */
void tnconf_free(struct tnconf *c);

/* Log the first TNCONF_REPORT_MAX errors of the file, one line each,
 * naming file and line, then how many more there are: a broken file
 * costs every program that reads it a few lines of its standard error,
 * not thousands. */
#define TNCONF_REPORT_MAX 5
void tnconf_report(const struct config *c);

#endif
