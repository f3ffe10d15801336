/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Configuration and logging for tnat64-seccomp: the same files, variables
 * and decision rule as the preloaded library. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "log.h"
#include "prefix.h"
#include "sv.h"

#ifndef TNAT64_CONF_FILE_DEFAULT
#define TNAT64_CONF_FILE_DEFAULT "/etc/tnat64.conf"
#endif
#define CONF_MAX_SIZE (1u << 20)

static struct config *conf;
static atomic_int cache[CONF_MAX_PREFIXES];

static const char *env(const char *name, int trusted_only)
{
	if (trusted_only && getauxval(AT_SECURE))
		return NULL;
	return getenv(name);
}

static void setup_logging(void)
{
	const char *lvl = env("TNAT64_DEBUG", 0);
	const char *file = env("TNAT64_DEBUG_FILE", 1);
	int level = log_level_from_env(lvl);
	int fd = 2;

	if (level > 0 && file && *file) {
		int f = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			     0600);
		if (f >= 0)
			fd = f;
	}
	log_setup(level, fd, SV_NAME);
}

/* Whole file into a malloc'd buffer; length or -errno. */
static long read_file(const char *path, char **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t len = 0, cap;
	char *b;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_size > CONF_MAX_SIZE) {
		int e = st.st_size > CONF_MAX_SIZE ? -EFBIG : -errno;
		close(fd);
		return e;
	}
	cap = (size_t)st.st_size + 1;
	b = malloc(cap);
	if (!b) {
		close(fd);
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
	close(fd);
	if (len > CONF_MAX_SIZE)
		len = CONF_MAX_SIZE;
	*out = b;
	return (long)len;
}

void sv_conf_load(void)
{
	const char *path = env("TNAT64_CONF_FILE", 1);
	const char *p = env("TNAT64_NAT64_PREFIX", 1);
	struct nat64_prefix over;
	int have_over = 0;
	char *text = NULL;
	long len;
	size_t asize;
	void *arena;

	setup_logging();
	if (p && *p) {
		if (nat64_prefix_parse(p, &over) == 0)
			have_over = 1;
		else
			log_msg(LOG_ERR, "TNAT64_NAT64_PREFIX=%s is not a valid "
				"NAT64 prefix (/32 /40 /48 /56 /64 /96), ignored",
				p);
	}
	if (!path || !*path)
		path = TNAT64_CONF_FILE_DEFAULT;
	len = read_file(path, &text);
	if (len < 0 && len != -ENOENT)
		log_msg(LOG_ERR, "cannot read %s (errno %d); using the "
			"built-in configuration", path, (int)-len);
	/* room for the built-in text too */
	asize = config_arena_size(len > 4096 ? (size_t)len : 4096);
	arena = malloc(asize);
	if (!arena) {
		log_msg(LOG_ERR, "out of memory loading the configuration");
		exit(1);
	}
	if (len >= 0)
		conf = config_parse(text, (size_t)len, path, arena, asize);
	else
		conf = config_builtin(arena, asize);
	free(text);
	if (!conf) {
		log_msg(LOG_ERR, "cannot load the configuration");
		exit(1);
	}
	for (size_t i = 0; i < conf->nerrors_stored; i++)
		log_msg(LOG_ERR, "%s:%d: %s", conf->filename,
			conf->errors[i].line, conf->errors[i].msg);
	if (conf->nerrors > conf->nerrors_stored)
		log_msg(LOG_ERR, "%s: %lu more errors", conf->filename,
			(unsigned long)(conf->nerrors - conf->nerrors_stored));
	if (have_over) {
		/* config_parse leaves room for a default at [0]. */
		if (conf->has_default || conf->nprefixes < CONF_MAX_PREFIXES) {
			conf->prefixes[0] = over;
			conf->has_default = true;
		}
	}
}

const struct config *sv_config(void)
{
	return conf;
}

int sv_route(uint32_t v4, uint16_t port_be, int *pfx)
{
	*pfx = -1;
	if (!conf || ipv4_always_local(v4) ||
	    ipv4_is_multicast_or_broadcast(v4))
		return 0;
	return config_lookup(conf, v4, ntohs(port_be), pfx) == LOOKUP_NAT64 &&
	       *pfx >= 0 && (size_t)*pfx < conf->nprefixes;
}

bool sv_extract(const uint8_t a[16], int hint, uint32_t *v4)
{
	if (!conf)
		return false;
	if (hint >= 0 && (size_t)hint < conf->nprefixes &&
	    nat64_extract(&conf->prefixes[hint], a, v4))
		return true;
	for (size_t i = 0; i < conf->nprefixes; i++)
		if (nat64_extract(&conf->prefixes[i], a, v4))
			return true;
	return false;
}

void sv_synth(int pfx, uint32_t v4, uint16_t port_be, void *out)
{
	struct sockaddr_in6 s6;

	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = port_be;
	nat64_synth(&conf->prefixes[pfx], v4, s6.sin6_addr.s6_addr);
	memcpy(out, &s6, sizeof(s6));
}

int sv_cache_get(int pfx)
{
	if (pfx < 0 || pfx >= CONF_MAX_PREFIXES)
		return SV_DIRECT_FIRST;
	return atomic_load_explicit(&cache[pfx], memory_order_relaxed);
}

void sv_cache_set(int pfx, int state)
{
	if (pfx >= 0 && pfx < CONF_MAX_PREFIXES)
		atomic_store_explicit(&cache[pfx], state, memory_order_relaxed);
}
