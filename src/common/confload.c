/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confload.h"
#include "fdid.h"
#include "log.h"
#include "prefix.h"

#ifndef TNAT64_CONF_FILE_DEFAULT
#define TNAT64_CONF_FILE_DEFAULT "/etc/tnat64.conf"
#endif
#define CONF_MAX_SIZE (1u << 20)

static char conf_path[4096], prefix_text[128];
static int captured, have_conf_path, have_prefix;

/* Copy v into buf if it fits (a longer value is not a usable one). */
static int keep(char *buf, size_t size, const char *v)
{
	size_t n;

	if (!v)
		return 0;
	n = strlen(v);
	if (n >= size)
		return 0;
	memcpy(buf, v, n + 1);
	return 1;
}

void tnconf_capture_env(void)
{
	have_conf_path = keep(conf_path, sizeof(conf_path),
			      tnconf_env("TNAT64_CONF_FILE", 1));
	have_prefix = keep(prefix_text, sizeof(prefix_text),
			   tnconf_env("TNAT64_NAT64_PREFIX", 1));
	captured = 1;
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

	if (level < 1 || !file || !*file ||
	    log_setup_file(level, file, progname) < 0)
		log_setup(level, 2, progname);
	if (lvl && *lvl && !is_number(lvl))
		log_msg(LOG_ERR, "TNAT64_DEBUG=%s is not a number; showing "
			"errors only", lvl);
	errno = saved;
}

/* The whole file in an anonymous mapping: its length, or -errno.
 * buf and maplen receive the mapping, for munmap. */
static long read_file(const char *path, char **buf, size_t *maplen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
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
	if (st.st_size > CONF_MAX_SIZE) {
		fdid_close(fd, &id);
		return -EFBIG;
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
	const char *path = captured ? (have_conf_path ? conf_path : NULL)
				    : tnconf_env("TNAT64_CONF_FILE", 1);
	const char *p = captured ? (have_prefix ? prefix_text : NULL)
				 : tnconf_env("TNAT64_NAT64_PREFIX", 1);
	struct nat64_prefix over;
	char *text = NULL;
	size_t maplen = 0, asize;
	void *arena;
	long len;

	if (!path || !*path)
		path = TNAT64_CONF_FILE_DEFAULT;
	len = read_file(path, &text, &maplen);
	if (len < 0 && len != -ENOENT)
		log_msg(LOG_ERR, "cannot read %s (errno %d); using the "
			"built-in configuration", path, (int)-len);
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
	for (size_t i = 0; i < c->nerrors_stored; i++)
		log_msg(LOG_ERR, "%s:%d: %s", c->filename, c->errors[i].line,
			c->errors[i].msg);
	if (c->nerrors > c->nerrors_stored)
		log_msg(LOG_ERR, "%s: %lu more errors", c->filename,
			(unsigned long)(c->nerrors - c->nerrors_stored));
}
