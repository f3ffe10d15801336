/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up: resolve the real libc functions first, then (lazily, on the
 * first connect that needs it) the configuration.  No locks anywhere: a
 * hooked call made during initialisation cannot deadlock. */
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

void tn_init(void)
{
	int saved = errno;

	if (atomic_load_explicit(&tn_ready, memory_order_acquire))
		return;
	real_resolve();
	tnconf_setup_logging(progname());
	tnconf_capture_env();
	atomic_store_explicit(&tn_ready, true, memory_order_release);
	errno = saved;
}

__attribute__((constructor)) static void tn_constructor(void)
{
	tn_init();
}

const struct config *tn_config(void)
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
	} else if (c) {
		tnconf_report(c);
	}
	errno = saved;
	if (!c) /* only if memory is exhausted twice over */
		c = atomic_load_explicit(&config_ptr, memory_order_acquire);
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
