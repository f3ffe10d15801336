/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading the configuration from the environment and the file, as the
 * library and the supervisor both do.  Async-signal-safe: open, read and
 * mmap only; no stdio, no malloc, no locks. */
#ifndef TNAT64_CONFLOAD_H
#define TNAT64_CONFLOAD_H

#include <stdbool.h>

#include <stddef.h>
#include <sys/types.h>

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

/* tnconf_capture_env from envp (NULL-terminated "NAME=value" strings),
 * for the library's constructor, which runs in every process: no libc
 * call, no constant data read (a page fault), nothing written outside
 * TN_LOAD_DATA (loadtime.h) unless TNAT64_CONF_FILE is set.  As getenv(3), the
 * first of a name counts.  secure: the process runs in secure-execution
 * mode (AT_SECURE), where none is taken.  Returns TNCONF_ENV_OURS when a
 * TNAT64_* variable is set, with TNCONF_ENV_DEBUG when TNAT64_DEBUG or
 * TNAT64_DEBUG_FILE is (call tnconf_setup_logging then). */
#define TNCONF_ENV_OURS 1u
#define TNCONF_ENV_DEBUG 2u
unsigned int tnconf_capture_envp(char *const *envp, bool secure);

/* The captured XDG_RUNTIME_DIR (tnconf_env's value before capture), or
 * NULL when unset, empty, too long or in a secure-execution process. */
const char *tnconf_xdg_runtime_dir(void);

/* log_setup from TNAT64_DEBUG and TNAT64_DEBUG_FILE. */
void tnconf_setup_logging(const char *progname);

struct tnconf {
	struct config *config;
	void *arena;         /* mmap'ed; config lives in it */
	size_t arena_size;
	void *image;         /* the compiled form mapped (confimg.h), or NULL */
	size_t image_size;
};

/* Files of at least TNCONF_CACHE_MIN bytes are parsed once: their
 * compiled form (confimg.h) is kept in the cache directory of the prefix
 * cache, with its trust rules (pfxcache.h: the user's own directory, or
 * the system one written by root only; only the system one, never
 * written, in secure-execution processes), as conf-DEV-INO, and later
 * processes map it instead of reading the file: a cost that does not grow
 * with the file.  It is used while the file keeps the stamp it had
 * (device, inode, size, modification and change times), and written only
 * for a file unchanged for TNCONF_SETTLE_SECONDS.  The cache file must
 * only ever be replaced (rename), as this code does: truncating a mapped
 * one in place would fault the programs using it. */
#define TNCONF_CACHE_MIN (64 * 1024)
#define TNCONF_SETTLE_SECONDS 2

/* For tests: the cache directories' roots instead of /run/user, /tmp
 * and /run/tnat64 (NULL: those). */
void tnconf_set_cache_dirs(const char *run_user, const char *tmp,
			   const char *sysdir);

/* TNAT64_CONF_FILE (or the default file; the built-in configuration if
 * there is none), with TNAT64_NAT64_PREFIX as the default prefix if set
 * and valid.  Problems reading the file or with the variable are logged
 * (a missing default file is not a problem) and give the built-in
 * configuration: a name too long, something other than a regular file
 * (never read, never waited for), any error opening or reading it, not
 * enough memory for it (there is no other size limit).
 * Empty variables count as unset.  0, or -ENOMEM when no memory could be
 * mapped. */
int tnconf_load(struct tnconf *out);

/* The text of the configuration file path as tnconf_load reads it
 * (never waiting: a FIFO, a terminal or a device is never read; /dev/null
 * is an empty file), in an anonymous mapping *buf of *maplen bytes (for
 * munmap; none when 0): its length, -errno, or TNCONF_NOT_REGULAR with
 * *mode set (tnconf_file_type names it: "a directory", "a FIFO"...). */
#define TNCONF_NOT_REGULAR (-100000)
long tnconf_read_text(const char *path, char **buf, size_t *maplen,
		      mode_t *mode);
const char *tnconf_file_type(mode_t m);

/* Unmap what tnconf_load mapped. */
void tnconf_free(struct tnconf *c);

/* Log the first TNCONF_REPORT_MAX errors of the file, one line each,
 * naming file and line, then how many more there are: a broken file
 * costs every program that reads it a few lines of its standard error,
 * not thousands. */
#define TNCONF_REPORT_MAX 5
void tnconf_report(const struct config *c);

#endif
