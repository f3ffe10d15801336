/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Configuration, logging and the decision cache of tnat64-seccomp: the
 * same files and variables as the preloaded library, the same policy
 * (src/common/policy.h). */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "confload.h"
#include "log.h"
#include "msgconv.h"
#include "sv.h"

static struct config *conf;
static struct policy_cache cache;

void sv_conf_load(void)
{
	struct tnconf loaded;

	tnconf_setup_logging(SV_NAME);
	if (tnconf_load(&loaded) < 0) {
		log_msg(LOG_ERR, "out of memory loading the configuration");
		exit(1);
	}
	conf = loaded.config;
}

/* Errors in the file are reported once, when a program first works with
 * IPv4 (as the library does, src/preload/init.c): a program that only
 * uses IPv6 or nothing, such as every static program a shell with the
 * library in /etc/ld.so.preload starts, never hears of them. */
static void report_once(void)
{
	static atomic_bool reported;

	if (!atomic_load_explicit(&reported, memory_order_relaxed) &&
	    !atomic_exchange_explicit(&reported, true, memory_order_relaxed))
		tnconf_report(conf);
}

const struct config *sv_config(void)
{
	return conf;
}

int sv_route(uint32_t v4, uint16_t port_be, int *pfx)
{
	report_once();
	return policy_route(conf, v4, port_be, pfx);
}

void sv_synth(int pfx, uint32_t v4, uint16_t port_be,
	      struct sockaddr_in6 *out)
{
	msgconv_v4_to_nat64(policy_prefix(conf, pfx), v4, port_be, out);
}

enum policy_state sv_cache_get(int pfx)
{
	return policy_cache_get(&cache, pfx);
}

void sv_cache_after(int pfx, enum policy_call call, long r)
{
	policy_cache_after(&cache, pfx, call, r);
}
