/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up.  At load time only what cannot wait: the TNAT64_* environment
 * (the program may change it later) and the logging it asks for, a few
 * getenv calls; a program that never calls a hook pays nothing more (in
 * /etc/ld.so.preload every program loads us).  The real libc functions
 * are resolved by the first hook called, the configuration at the first
 * IP socket or connect that needs it, and with it, when it leaves the
 * default prefix to discovery, the prefix cache (never the network: that
 * waits for a translation that needs the prefix, prefixes_synth).  No
 * locks anywhere: a hooked call made during initialisation cannot
 * deadlock. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confload.h"
#include "fdid.h"
#include "fdops.h"
#include "log.h"
#include "prefixes.h"
#include "sockopt.h"
#include "tnat64.h"

_Atomic unsigned int tn_state;
_Atomic(const struct config *) tn_config_ptr;
#define config_ptr tn_config_ptr
/* The prefixes: the configuration's by slot, the discovered default
 * beside it, the decision cache of each slot. */
static struct prefixes pfx;

static const char *progname(void)
{
	extern char *program_invocation_short_name;

	return program_invocation_short_name ? program_invocation_short_name
					     : "?";
}

/* Set once the environment has been looked at (by the constructor, or
 * by a hook that ran before it).  Kept with the other variables written
 * at load time (TN_LOAD_DATA, loadtime.h). */
static atomic_bool env_read TN_LOAD_DATA;

/* True for the one caller that gets to read the environment. */
TN_LOAD_TEXT static bool claim_env(void)
{
	return !atomic_load_explicit(&env_read, memory_order_acquire) &&
	       !atomic_exchange_explicit(&env_read, true, memory_order_acq_rel);
}

static void read_env(const char *prog)
{
	if (!claim_env())
		return;
	tnconf_setup_logging(prog);
	tnconf_capture_env();
}

void tn_init(void)
{
	int saved = errno;

	if (tn_state_get() & TN_READY)
		return;
	read_env(progname()); /* a hook called before our constructor ran */
	real_resolve();
	tn_state_set(TN_READY);
	errno = saved;
}

/* Whether the process runs in secure-execution mode, from the auxiliary
 * vector that follows the environment on the initial stack (getauxval
 * would be a lazy binding in every process). */
static bool auxv_secure(char **envp)
{
	const unsigned long *av;

	while (*envp)
		envp++;
	for (av = (const unsigned long *)(envp + 1); av[0] != AT_NULL; av += 2)
		if (av[0] == AT_SECURE)
			return av[1] != 0;
	return false;
}

/* glibc calls an ELF constructor with the program's argc, argv and
 * environment.  In /etc/ld.so.preload every program runs this, so it
 * touches no page an empty library would not (the variables it writes
 * are TN_LOAD_DATA) and makes no libc call but for the fstat of standard
 * error (log_setup): it keeps the environment variables the library
 * reads later (the program may change its environment in between:
 * tnconf_capture_envp) and names the program.  Only with TNAT64_DEBUG or
 * TNAT64_DEBUG_FILE set does it go through libc (tnconf_setup_logging).
 * Loaded by dlopen, where envp may not be the initial stack's, it reads
 * the environment as a hook would. */
TN_LOAD_TEXT __attribute__((constructor)) static void
tn_constructor(int argc, char **argv, char **envp)
{
	bool named = argc >= 1 && argv && argv[0];

	if (!named || envp != argv + argc + 1) {
		int saved = errno;

		read_env(named ? argv[0] : progname());
		errno = saved;
		return;
	}
	if (!claim_env())
		return;
	/* tnconf_setup_logging keeps errno itself; log_setup does too */
	if (tnconf_capture_envp(envp, auxv_secure(envp)) & TNCONF_ENV_DEBUG)
		tnconf_setup_logging(argv[0]);
	else
		log_setup(LOG_ERR, 2, argv[0]);
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

/* Discovery's system calls: libc's, but the socket calls are the real
 * ones, never our hooks. */
static int auto_socket(int d, int t, int p)
{
	return real.socket(d, t, p);
}

static int auto_connect(int fd, const struct sockaddr *sa, socklen_t l)
{
	return real.connect(fd, sa, l);
}

static ssize_t auto_sendto(int fd, const void *b, size_t n, int fl,
			   const struct sockaddr *sa, socklen_t l)
{
	return real.sendto(fd, b, n, fl, sa, l);
}

static ssize_t auto_recvfrom(int fd, void *b, size_t n, int fl,
			     struct sockaddr *sa, socklen_t *l)
{
	return real.recvfrom(fd, b, n, fl, sa, l);
}

static int auto_close(int fd)
{
	return real.close(fd);
}

/* The discovered default (c->default_auto): set up and the cache read
 * once, with the configuration, by the first caller that works with
 * IPv4. */
static void auto_setup(const struct config *c)
{
	struct disc_ops ops = disc_libc_ops;
	struct disc_params p = { .v4_rewrite = pfxauto_rewrite_by_config,
				 .ctx = (void *)c };
	struct disc_env env = { 0 };

	tn_ensure_init();
	ops.socket = auto_socket;
	ops.connect = auto_connect;
	ops.sendto = auto_sendto;
	ops.recvfrom = auto_recvfrom;
	ops.close = auto_close;
	env.euid = geteuid();
	env.secure = getauxval(AT_SECURE) != 0;
	env.xdg = env.secure ? NULL : tnconf_xdg_runtime_dir();
	pfxauto_init(&pfx.autop, &ops, &env, &p, &c->prefixes[0]);
	pfxauto_load(&pfx.autop);
}

/* Who sets the discovered default up: 0 nobody yet, AUTO_READY done,
 * otherwise the setting thread as pid << 32 | tid (a forked child finds
 * its parent's pid there when the fork came in the middle of it). */
#define AUTO_READY UINT64_MAX
static _Atomic uint64_t auto_owner;

/* Set the discovered default up once; a thread that comes while another
 * of this process does it waits for it (a few small file reads), at most
 * the discovery budget.  The setting thread itself (a signal handler
 * that interrupted it) carries on without, and a forked child whose
 * parent was in the middle of it sets it up again.  True once it is set
 * up.  The pid and tid are asked only while it is not. */
static bool auto_ensure(const struct config *c)
{
	uint64_t st = atomic_load_explicit(&auto_owner, memory_order_acquire);
	uint64_t pid, me;
	int saved;

	if (st == AUTO_READY)
		return true;
	saved = errno;
	pid = (uint64_t)getpid();
	me = pid << 32 | (uint32_t)syscall(SYS_gettid);
	for (int waited = 0; st != AUTO_READY && st != me;) {
		if (st == 0 || st >> 32 != pid) {
			if (atomic_compare_exchange_strong_explicit(&auto_owner,
					&st, me, memory_order_acq_rel,
					memory_order_acquire)) {
				auto_setup(c);
				atomic_store_explicit(&auto_owner, AUTO_READY,
						      memory_order_release);
				break;
			}
			continue;   /* st is what another thread put there */
		}
		if (waited++ >= DISC_BUDGET_MS)
			break;
		poll(NULL, 0, 1);
		st = atomic_load_explicit(&auto_owner, memory_order_acquire);
	}
	errno = saved;
	return atomic_load_explicit(&auto_owner, memory_order_acquire) ==
	       AUTO_READY;
}

/* Errors in the file are reported once per process, by the first caller
 * that works with IPv4: a program that only uses IPv6 (or nothing) never
 * hears of them, even with the library in /etc/ld.so.preload.  The
 * discovered default is set up (its cache read) by the same caller. */
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
	/* The fast path (tn_config) once the discovered default is set up
	 * too: until then every caller comes here. */
	if (!c->default_auto || auto_ensure(c))
		tn_state_set(TN_CONF_DONE);
	return c;
}

int tn_route(uint32_t v4, uint16_t port_be, int *slot)
{
	/* The common local destinations do not load the configuration. */
	if (policy_always_direct(v4)) {
		*slot = -1;
		return 0;
	}
	return prefixes_route(&pfx, tn_config(), v4, port_be, slot);
}

int tn_synth(int slot, uint32_t v4, uint16_t port_be,
	     struct sockaddr_in6 *out)
{
	return prefixes_synth(&pfx, tn_config(), slot, v4, port_be, out);
}

const struct nat64_prefix *tn_prefix_list(struct nat64_prefix *buf,
					  size_t nbuf, size_t *n)
{
	return prefixes_list(&pfx, tn_config(), buf, nbuf, n);
}

int tn_to_v4(const struct sockaddr_in6 *s6, int prefer,
	     struct sockaddr_in *out)
{
	return prefixes_to_v4(&pfx, tn_config(), s6, prefer, out);
}

enum policy_state tn_cache_get(int slot)
{
	return policy_cache_get(&pfx.cache, slot);
}


void tn_cache_after(int slot, enum policy_call call, long r)
{
	if (prefixes_after(&pfx, tn_config(), slot, call, r) ==
	    POLICY_NAT64_WORKS)
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
		s = sockopt_ipv4_unrouted(&tn_sockopt_ops) ? 2 : 1;
		atomic_store_explicit(&state, s, memory_order_relaxed);
	}
	return s == 2 && tn_nat64_configured();
}
