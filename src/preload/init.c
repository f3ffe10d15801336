/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up: resolve the real libc functions first, then (lazily, on the
 * first connect that needs it) the configuration.  No locks anywhere: a
 * hooked call made during initialisation cannot deadlock. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "log.h"
#include "prefix.h"
#include "tnat64.h"

#ifndef TNAT64_CONF_FILE_DEFAULT
#define TNAT64_CONF_FILE_DEFAULT "/etc/tnat64.conf"
#endif
#define CONF_MAX_SIZE (1u << 20)

atomic_bool tn_ready;
static _Atomic(const struct config *) config_ptr;
static _Atomic int cache[CONF_MAX_PREFIXES];
static int override_set;
static struct nat64_prefix override_prefix;

/* Secure execution (setuid, file capabilities): ignore file paths and
 * prefixes from the environment. */
static int secure(void)
{
	return getauxval(AT_SECURE) != 0;
}

static const char *env(const char *name, int trusted_only)
{
	if (trusted_only && secure())
		return NULL;
	return getenv(name);
}

static int parse_int(const char *s, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static const char *progname(void)
{
	extern char *program_invocation_short_name;

	return program_invocation_short_name ? program_invocation_short_name
					     : "?";
}

static void setup_logging(void)
{
	int saved = errno;
	const char *lvl = env("TNAT64_DEBUG", 0);
	const char *file = env("TNAT64_DEBUG_FILE", 1);
	int level = log_level_from_env(lvl);
	long dummy;
	int fd = 2;

	if (level > 0 && file && *file) {
		int f = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			     0600);
		if (f >= 0)
			fd = f;
	}
	log_setup(level, fd, progname());
	if (lvl && *lvl && parse_int(lvl, &dummy) < 0)
		log_msg(LOG_ERR, "TNAT64_DEBUG=%s is not a number; showing "
			"errors only", lvl);
	errno = saved;
}

void tn_init(void)
{
	int saved = errno;
	const char *p;

	if (atomic_load_explicit(&tn_ready, memory_order_acquire))
		return;
	real_resolve();
	setup_logging();
	p = env("TNAT64_NAT64_PREFIX", 1);
	if (p && *p) {
		if (nat64_prefix_parse(p, &override_prefix) == 0)
			override_set = 1;
		else
			log_msg(LOG_ERR, "TNAT64_NAT64_PREFIX=%s is not a valid "
				"NAT64 prefix (/32 /40 /48 /56 /64 /96), ignored",
				p);
	}
	atomic_store_explicit(&tn_ready, true, memory_order_release);
	errno = saved;
}

__attribute__((constructor)) static void tn_constructor(void)
{
	tn_init();
}

/* Read the whole file into an anonymous mapping.  Returns its length or
 * -errno; *buf is the mapping (length rounded to pages, caller unmaps). */
static long read_file(const char *path, char **buf, size_t *maplen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t len = 0, cap;
	char *b;

	if (fd < 0)
		return neg_errno();
	if (fstat(fd, &st) < 0 || st.st_size > CONF_MAX_SIZE) {
		int e = st.st_size > CONF_MAX_SIZE ? -EFBIG : neg_errno();
		real.close(fd);
		return e;
	}
	cap = (size_t)st.st_size + 1;
	b = mmap(NULL, cap, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED) {
		real.close(fd);
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
	real.close(fd);
	if (len > CONF_MAX_SIZE)
		len = CONF_MAX_SIZE;
	*buf = b;
	*maplen = cap;
	return (long)len;
}

static const struct config *load_config(void **arena_out, size_t *size_out)
{
	const char *path = env("TNAT64_CONF_FILE", 1);
	char *text = NULL;
	size_t maplen = 0, asize;
	long len;
	void *arena;
	struct config *c;

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
		return NULL;
	}
	if (len >= 0)
		c = config_parse(text, (size_t)len, path, arena, asize);
	else
		c = config_builtin(arena, asize);
	if (text)
		munmap(text, maplen);
	*arena_out = arena;
	*size_out = asize;
	if (override_set && c)
		config_set_default(c, &override_prefix);
	return c;
}

const struct config *tn_config(void)
{
	const struct config *c = atomic_load_explicit(&config_ptr,
						      memory_order_acquire);
	const struct config *expected = NULL;
	void *arena = NULL;
	size_t asize = 0;
	int saved;

	if (c)
		return c;
	saved = errno;
	c = load_config(&arena, &asize);
	if (!c) {
		static char fallback[1 << 14];
		static atomic_flag used = ATOMIC_FLAG_INIT;

		if (atomic_flag_test_and_set(&used))
			c = NULL;
		else
			c = config_builtin(fallback, sizeof(fallback));
	}
	if (c && !atomic_compare_exchange_strong_explicit(&config_ptr,
			&expected, c, memory_order_acq_rel,
			memory_order_acquire)) {
		if (arena)
			munmap(arena, asize);
		c = expected; /* another thread won; its copy is used */
	} else if (c) {
		for (size_t i = 0; i < c->nerrors_stored; i++)
			log_msg(LOG_ERR, "%s:%d: %s", c->filename,
				c->errors[i].line, c->errors[i].msg);
		if (c->nerrors > c->nerrors_stored)
			log_msg(LOG_ERR, "%s: %lu more errors", c->filename,
				(unsigned long)(c->nerrors - c->nerrors_stored));
	}
	errno = saved;
	if (!c) /* only if memory is exhausted twice over */
		c = atomic_load_explicit(&config_ptr, memory_order_acquire);
	return c;
}

int tn_cache_get(int prefix)
{
	if (prefix < 0 || prefix >= CONF_MAX_PREFIXES)
		return CACHE_DIRECT_FIRST;
	return atomic_load_explicit(&cache[prefix], memory_order_relaxed);
}

static atomic_bool nat64_used;

void tn_cache_set(int prefix, int state)
{
	if (prefix >= 0 && prefix < CONF_MAX_PREFIXES &&
	    atomic_load_explicit(&cache[prefix], memory_order_relaxed) != state)
		atomic_store_explicit(&cache[prefix], state,
				      memory_order_relaxed);
	if (state == CACHE_NAT64_WORKS &&
	    !atomic_load_explicit(&nat64_used, memory_order_relaxed))
		atomic_store_explicit(&nat64_used, true, memory_order_relaxed);
}

bool tn_nat64_in_use(void)
{
	return atomic_load_explicit(&nat64_used, memory_order_relaxed);
}

/* Read once, when NAT64 is first used (not at load time). */
int tn_bindv6only(void)
{
	static _Atomic int v = -1;
	int r = atomic_load_explicit(&v, memory_order_relaxed);

	if (r < 0) {
		char c = '0';
		int saved = errno;
		int fd = open("/proc/sys/net/ipv6/bindv6only",
			      O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			if (read(fd, &c, 1) != 1)
				c = '0';
			real.close(fd);
		}
		errno = saved;
		r = c == '1';
		atomic_store_explicit(&v, r, memory_order_relaxed);
	}
	return r;
}

bool tn_nat64_configured(void)
{
	const struct config *c = tn_config();

	return c && (c->has_default || c->nsubnets > 0);
}

bool tn_ipv6_only_host(void)
{
	/* 0 unknown, 1 IPv4 routed, 2 IPv6-only */
	static _Atomic int state;
	int s = atomic_load_explicit(&state, memory_order_relaxed);

	if (!s) {
		int saved = errno;
		int fd = real.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		/* Any global address: only the route lookup matters. */
		struct sockaddr_in probe = { .sin_family = AF_INET,
					     .sin_port = htons(53),
					     .sin_addr.s_addr = htonl(0xc0000201) };

		s = 1;
		if (fd >= 0) {
			if (real.connect(fd, (struct sockaddr *)&probe,
					 sizeof(probe)) < 0 &&
			    errno == ENETUNREACH)
				s = 2;
			real.close(fd);
		}
		errno = saved;
		atomic_store_explicit(&state, s, memory_order_relaxed);
	}
	return s == 2 && tn_nat64_configured();
}
