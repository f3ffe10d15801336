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

_Atomic unsigned int tn_state;
_Atomic(const struct config *) tn_config_ptr;
#define config_ptr tn_config_ptr
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

	if (tn_state_get() & TN_READY)
		return;
	read_env(); /* a hook called before our constructor ran */
	real_resolve();
	tn_state_set(TN_READY);
	errno = saved;
}

__attribute__((constructor)) static void tn_constructor(void)
{
	int saved = errno;

	read_env();
	errno = saved;
}

/* The configuration, loaded once; with report, its errors reported once
 * (then TN_CONF_DONE is set and tn_config no longer calls here). */
static const struct config *config_load(void)
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
	if (c)
		tn_state_set(TN_CONF);
	return c;
}

/* Errors in the file are reported once per process, by the first caller
 * that works with IPv4: a program that only uses IPv6 (or nothing) never
 * hears of them, even with the library in /etc/ld.so.preload. */
static atomic_bool reported;

const struct config *tn_config_load(bool report)
{
	const struct config *c = config_load();

	if (!report || !c)
		return c;
	if (!atomic_load_explicit(&reported, memory_order_relaxed) &&
	    !atomic_exchange_explicit(&reported, true, memory_order_relaxed)) {
		int saved = errno;

		tnconf_report(c);
		errno = saved;
	}
	tn_state_set(TN_CONF_DONE);
	return c;
}

enum policy_state tn_cache_get(int slot)
{
	return policy_cache_get(&cache, slot);
}


void tn_cache_after(int slot, enum policy_call call, long r)
{
	if (policy_cache_after(&cache, slot, call, r) == POLICY_NAT64_WORKS)
		tn_state_set(TN_NAT64_USED);
}

bool tn_nat64_in_use(void)
{
	return (tn_state_get() & TN_NAT64_USED) != 0;
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
		int saved = errno;
		int fd = real.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		/* Any global address: only the route lookup matters. */
		struct sockaddr_in probe = { .sin_family = AF_INET,
					     .sin_port = htons(53),
					     .sin_addr.s_addr = htonl(0xc0000201) };

		struct fdid id;

		s = 1;
		if (fd >= 0 && fdid_get(fd, &id) == 0) {
			if (real.connect(fd, (struct sockaddr *)&probe,
					 sizeof(probe)) < 0 &&
			    errno == ENETUNREACH)
				s = 2;
			fdid_close(fd, &id);
		}
		errno = saved;
		atomic_store_explicit(&state, s, memory_order_relaxed);
	}
	return s == 2 && tn_nat64_configured();
}
