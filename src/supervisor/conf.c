/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Configuration and logging for tnat64-seccomp: the same files, variables
 * and decision rule as the preloaded library. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "confload.h"
#include "log.h"
#include "prefix.h"
#include "sv.h"

static struct config *conf;
static atomic_int cache[CONF_MAX_PREFIXES];

void sv_conf_load(void)
{
	struct tnconf loaded;

	tnconf_setup_logging(SV_NAME);
	if (tnconf_load(&loaded) < 0) {
		log_msg(LOG_ERR, "out of memory loading the configuration");
		exit(1);
	}
	conf = loaded.config;
	tnconf_report(conf);
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
