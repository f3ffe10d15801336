/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "confload.h"
#include "fdid.h"
#include "log.h"
#include "prefix.h"

#ifndef TNAT64_CONF_FILE_DEFAULT
#define TNAT64_CONF_FILE_DEFAULT "/etc/tnat64.conf"
#endif
#define CONF_MAX_SIZE (1u << 20)

static char conf_path[4096], prefix_text[128], xdg_dir[256];
static int captured, have_conf_path, have_prefix, have_xdg;
static size_t conf_path_len, prefix_len, xdg_len; /* of values too long */

/* Copy v into buf if it fits: 1; 0 when v is NULL; -1 with *len set
 * when it is too long to be usable (reported when it would be used). */
static int keep(char *buf, size_t size, const char *v, size_t *len)
{
	size_t n;

	if (!v)
		return 0;
	n = strlen(v);
	if (n >= size) {
		*len = n;
		return -1;
	}
	memcpy(buf, v, n + 1);
	return 1;
}

void tnconf_capture_env(void)
{
	have_conf_path = keep(conf_path, sizeof(conf_path),
			      tnconf_env("TNAT64_CONF_FILE", 1),
			      &conf_path_len);
	have_prefix = keep(prefix_text, sizeof(prefix_text),
			   tnconf_env("TNAT64_NAT64_PREFIX", 1), &prefix_len);
	have_xdg = keep(xdg_dir, sizeof(xdg_dir),
			tnconf_env("XDG_RUNTIME_DIR", 1), &xdg_len);
	captured = 1;
}

const char *tnconf_xdg_runtime_dir(void)
{
	const char *v = captured ? (have_xdg > 0 ? xdg_dir : NULL)
				 : tnconf_env("XDG_RUNTIME_DIR", 1);

	return v && *v ? v : NULL;
}

const char *tnconf_env(const char *name, int trusted_only)
{
	if (trusted_only && getauxval(AT_SECURE))
		return NULL;
	return getenv(name);
}

static int is_number(const char *s)
{
	char *end;

	errno = 0;
	strtol(s, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return end != s && !*end && !errno;
}

void tnconf_setup_logging(const char *progname)
{
	int saved = errno;
	const char *lvl = tnconf_env("TNAT64_DEBUG", 0);
	const char *file = tnconf_env("TNAT64_DEBUG_FILE", 1);
	int level = log_level_from_env(lvl);
	int err = 0;

	if (level > 0 && file && *file) {
		/* Never blocks the program: a FIFO that nobody reads fails
		 * at once (ENXIO) instead of waiting for a reader, and
		 * writes to a full one drop the message (log.c). */
		err = -log_setup_file(level, file, progname);
	}
	if (level < 1 || !file || !*file || err)
		log_setup(level, 2, progname);
	if (lvl && *lvl && !is_number(lvl))
		log_msg(LOG_ERR, "TNAT64_DEBUG=%s is not a number; showing "
			"errors only", lvl);
	if (err)
		log_msg(LOG_ERR, "cannot open TNAT64_DEBUG_FILE=%s: %s (errno "
			"%d); messages go to standard error", file,
			log_errno_text(err), err);
	errno = saved;
}

/* Not an errno: the path names something other than a regular file
 * (a directory, a FIFO, a device...), which is never read. */
#define NOT_REGULAR (-100000)

/* What the file type of a st_mode is, for messages. */
static const char *file_type(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" :
	       S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" :
	       "not a regular file";
}

/* The whole regular file in an anonymous mapping: its length, or -errno,
 * or NOT_REGULAR with *mode set.  buf and maplen receive the mapping,
 * for munmap.  Opened without waiting (a FIFO would wait for a writer)
 * and never read unless it is a regular file (a directory reads as
 * nothing, a terminal or a FIFO would wait for input, /dev/zero never
 * ends); /dev/null is an empty file (0, nothing mapped). */
static long read_file(const char *path, char **buf, size_t *maplen,
		      mode_t *mode)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	struct fdid id;
	size_t len = 0, cap;
	char *b;
	int e;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		e = -errno;
		syscall(SYS_close, fd);
		return e;
	}
	/* From here on, close only what is still the file we opened. */
	id = fdid_of_stat(&st);
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
		/* /dev/null: the usual way to say "an empty file" */
		fdid_close(fd, &id);
		return 0;
	} else if (!S_ISREG(st.st_mode)) {
		*mode = st.st_mode;
		e = NOT_REGULAR;
	} else {
		e = st.st_size > CONF_MAX_SIZE ? -EFBIG : 0;
	}
	if (e) {
		fdid_close(fd, &id);
		return e;
	}
	cap = (size_t)st.st_size + 1;
	b = mmap(NULL, cap, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED) {
		fdid_close(fd, &id);
		return -ENOMEM;
	}
	while (len < cap) {
		ssize_t n = read(fd, b + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	fdid_close(fd, &id);
	*buf = b;
	*maplen = cap;
	return (long)(len > CONF_MAX_SIZE ? CONF_MAX_SIZE : len);
}

int tnconf_load(struct tnconf *out)
{
	int saved = errno;
	const char *path = captured ? (have_conf_path > 0 ? conf_path : NULL)
				    : tnconf_env("TNAT64_CONF_FILE", 1);
	const char *p = captured ? (have_prefix > 0 ? prefix_text : NULL)
				 : tnconf_env("TNAT64_NAT64_PREFIX", 1);
	struct nat64_prefix over;
	char *text = NULL;
	size_t maplen = 0, asize;
	void *arena;
	long len;
	mode_t mode = 0;
	bool named = path && *path; /* by TNAT64_CONF_FILE */

	if (!named)
		path = TNAT64_CONF_FILE_DEFAULT;
	if (captured && have_conf_path < 0) {
		log_msg(LOG_ERR, "TNAT64_CONF_FILE is %lu bytes long, longer "
			"than a file name can be; using the built-in "
			"configuration", (unsigned long)conf_path_len);
		len = -ENAMETOOLONG;
	} else {
		len = read_file(path, &text, &maplen, &mode);
		if (len == NOT_REGULAR)
			log_msg(LOG_ERR, "cannot read %s: it is %s, not a "
				"file; using the built-in configuration", path,
				file_type(mode));
		else if (len < 0 && (len != -ENOENT || named))
			/* only the default file may be missing silently */
			log_msg(LOG_ERR, "cannot read %s: %s (errno %d); using "
				"the built-in configuration", path,
				log_errno_text((int)-len), (int)-len);
	}
	asize = config_arena_size(len > 0 ? (size_t)len : 0);
	arena = mmap(NULL, asize, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED) {
		if (text)
			munmap(text, maplen);
		errno = saved;
		return -ENOMEM;
	}
	out->config = len >= 0
		? config_parse(text, (size_t)len, path, arena, asize)
		: config_builtin(arena, asize);
	out->arena = arena;
	out->arena_size = asize;
	if (text)
		munmap(text, maplen);
	if (!out->config) { /* cannot happen: the arena size is a bound */
		tnconf_free(out);
		errno = saved;
		return -ENOMEM;
	}
	if (captured && have_prefix < 0)
		log_msg(LOG_ERR, "TNAT64_NAT64_PREFIX is %lu bytes long, not a "
			"NAT64 prefix (/32 /40 /48 /56 /64 /96), ignored",
			(unsigned long)prefix_len);
	if (p && *p) {
		if (nat64_prefix_parse(p, &over) == 0)
			config_set_default(out->config, &over);
		else
			log_msg(LOG_ERR, "TNAT64_NAT64_PREFIX=%s is not a valid "
				"NAT64 prefix (/32 /40 /48 /56 /64 /96), ignored",
				p);
	}
	errno = saved;
	return 0;
}

void tnconf_free(struct tnconf *c)
{
	if (c->arena)
		munmap(c->arena, c->arena_size);
	c->arena = NULL;
	c->config = NULL;
}

void tnconf_report(const struct config *c)
{
	size_t shown = c->nerrors_stored < TNCONF_REPORT_MAX ?
		       c->nerrors_stored : TNCONF_REPORT_MAX;

	for (size_t i = 0; i < shown; i++)
		log_msg(LOG_ERR, "%s:%d: %s", c->filename, c->errors[i].line,
			c->errors[i].msg);
	if (c->nerrors > shown)
		log_msg(LOG_ERR, "%s: %lu more error%s; tnat64-validateconf "
			"-f %s lists them", c->filename,
			(unsigned long)(c->nerrors - shown),
			c->nerrors - shown == 1 ? "" : "s", c->filename);
}
