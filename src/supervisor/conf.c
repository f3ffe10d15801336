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
#include "prefixes.h"
#include "sv.h"

static struct config *conf;
/* The prefixes of every program we serve: the configuration's by slot,
 * the discovered default beside it, the decision cache. */
static struct prefixes pfx;

void sv_conf_load(void)
{
	struct tnconf loaded;

	tnconf_setup_logging(SV_NAME);
	if (tnconf_load(&loaded) < 0) {
		log_msg(LOG_ERR, "out of memory loading the configuration");
		exit(1);
	}
	conf = loaded.config;
	if (conf->default_auto) {
		/* The cache now, with the configuration; the network only
		 * when a translation needs the prefix (sv_synth).  We run as
		 * the supervised user, with its environment. */
		struct disc_params p = {
			.v4_rewrite = pfxauto_rewrite_by_config, .ctx = conf,
		};
		struct disc_env env;

		disc_env_from_process(&env);
		pfxauto_init(&pfx.autop, &disc_libc_ops, &env, &p,
			     &conf->prefixes[0]);
		pfxauto_load(&pfx.autop);
	}
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

int sv_route(uint32_t v4, uint16_t port_be, int *pfx_slot)
{
	report_once();
	return prefixes_route(&pfx, conf, v4, port_be, pfx_slot);
}

int sv_synth(struct call *c, int slot, uint32_t v4, uint16_t port_be,
	     struct sockaddr_in6 *out)
{
	/* A discovery may take a while: let other workers receive. */
	if (c && prefixes_is_auto(conf, slot) && pfxauto_due(&pfx.autop))
		sv_pass_turn(c);
	return prefixes_synth(&pfx, conf, slot, v4, port_be, out);
}

const struct nat64_prefix *sv_prefix_list(struct nat64_prefix *buf,
					  size_t nbuf, size_t *n)
{
	return prefixes_list(&pfx, conf, buf, nbuf, n);
}

int sv_to_v4(const struct sockaddr_in6 *s6, int prefer,
	     struct sockaddr_in *out)
{
	return prefixes_to_v4(&pfx, conf, s6, prefer, out);
}

enum policy_state sv_cache_get(int slot)
{
	return policy_cache_get(&pfx.cache, slot);
}

void sv_cache_after(int slot, enum policy_call call, long r)
{
	prefixes_after(&pfx, conf, slot, call, r);
}
