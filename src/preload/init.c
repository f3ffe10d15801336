/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up.  At load time only what cannot wait: the TNAT64_* environment
 * (the program may change it later) and the logging it asks for, a few
 * getenv calls; a program that never calls a hook pays nothing more (in
 * /etc/ld.so.preload every program loads us).  The real libc functions
 * are resolved by the first hook called, the configuration at the first
 * IP socket or connect that needs it.  No locks anywhere: a hooked call
 * made during initialisation cannot deadlock. */
#include <errno.h>
#include <netinet/in.h>

#include "confload.h"
#include "fdid.h"
#include "fdops.h"
#include "sockopt.h"
#include "tnat64.h"

atomic_bool tn_ready;
static _Atomic(const struct config *) config_ptr;
static struct policy_cache cache;

static const char *progname(void)
{
	extern char *program_invocation_short_name;

	return program_invocation_short_name ? program_invocation_short_name
					     : "?";
}

static atomic_bool env_read;

static void read_env(void)
{
	if (atomic_load_explicit(&env_read, memory_order_acquire) ||
	    atomic_exchange_explicit(&env_read, true, memory_order_acq_rel))
		return;
	tnconf_setup_logging(progname());
	tnconf_capture_env();
}

void tn_init(void)
{
	int saved = errno;

	if (atomic_load_explicit(&tn_ready, memory_order_acquire))
		return;
	read_env(); /* a hook called before our constructor ran */
	real_resolve();
	atomic_store_explicit(&tn_ready, true, memory_order_release);
	errno = saved;
}

__attribute__((constructor)) static void tn_constructor(void)
{
	int saved = errno;

	read_env();
	errno = saved;
}

const struct config *tn_config_quiet(void)
{
	const struct config *c = atomic_load_explicit(&config_ptr,
						      memory_order_acquire);
	const struct config *expected = NULL;
	struct tnconf loaded = { 0 };
	int saved;

	if (c)
		return c;
	saved = errno;
	if (tnconf_load(&loaded) == 0) {
		c = loaded.config;
	} else {
		/* No memory to map: the built-in configuration, once. */
		static char fallback[1 << 14];
		static atomic_flag used = ATOMIC_FLAG_INIT;

		if (!atomic_flag_test_and_set(&used))
			c = config_builtin(fallback, sizeof(fallback));
	}
	if (c && !atomic_compare_exchange_strong_explicit(&config_ptr,
			&expected, c, memory_order_acq_rel,
			memory_order_acquire)) {
		tnconf_free(&loaded); /* another thread won; use its copy */
		c = expected;
	}
	errno = saved;
	if (!c) /* only if memory is exhausted twice over */
		c = atomic_load_explicit(&config_ptr, memory_order_acquire);
	return c;
}

/* Errors in the file are reported once per process, by the first caller
 * that works with IPv4: a program that only uses IPv6 (or nothing) never
 * hears of them, even with the library in /etc/ld.so.preload. */
static atomic_bool reported;

const struct config *tn_config(void)
{
	const struct config *c = tn_config_quiet();

	if (c && !atomic_load_explicit(&reported, memory_order_relaxed) &&
	    !atomic_exchange_explicit(&reported, true, memory_order_relaxed)) {
		int saved = errno;

		tnconf_report(c);
		errno = saved;
	}
	return c;
}

enum policy_state tn_cache_get(int slot)
{
	return policy_cache_get(&cache, slot);
}

static atomic_bool nat64_used;

void tn_cache_after(int slot, enum policy_call call, long r)
{
	if (policy_cache_after(&cache, slot, call, r) == POLICY_NAT64_WORKS &&
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
	return sockopt_bindv6only();
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
		s = sockopt_ipv4_unrouted(&tn_sockopt_ops) ? 2 : 1;
		atomic_store_explicit(&state, s, memory_order_relaxed);
	}
	return s == 2 && tn_nat64_configured();
}
