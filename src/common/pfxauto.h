/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The discovered default prefix of one process (`nat64_prefix = auto`,
 * or no default prefix configured): what the library and the supervisor
 * keep beside their immutable configuration, and when they read the
 * cache, discover and rediscover.  One implementation for both
 * mechanisms and the status command (doc/discovery.md).
 *
 *   pfxauto_init   once, before use: system calls, who we are, budget
 *   pfxauto_load   with the configuration: read the cache (no network)
 *   pfxauto_peek   any time (route decisions, translating back): the
 *                  prefix published now; lock-free, no system call
 *   pfxauto_get    when a translation needs the prefix: the published
 *                  one while it is fresh, else the cache again, else RFC
 *                  7050 discovery, synchronous and bounded (DISC_BUDGET_MS
 *                  plus a file read), whatever the socket's flags
 *   pfxauto_unreachable  a translation through the prefix failed with
 *                  "unreachable": rediscover at the next pfxauto_get, at
 *                  most once per PFXAUTO_RETRY_S seconds
 *
 * Publication: a new record is written into a slot of a small ring that
 * readers are not using and then published with one atomic store, so
 * readers never wait and never see half a record (each slot also has a
 * sequence number, odd while written).  Only one thread refreshes at a
 * time (a claim with a deadline, so that a process forked during a
 * refresh, or a signal handler re-entering one, is never stuck): the
 * others keep using what is published, or wait for the first result at
 * most the budget.  No allocation, no locks; async-signal-safe as far
 * as its operations table is. */
#ifndef TNAT64_PFXAUTO_H
#define TNAT64_PFXAUTO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "pfxcache.h"
#include "pfxdisc.h"
#include "prefix.h"

/* After "unreachable" errors through the prefix, a process asks again at
 * most this often (seconds). */
#define PFXAUTO_RETRY_S 10
#define PFXAUTO_RING 4

struct pfxauto_slot {
	atomic_uint seq;           /* odd while being written */
	struct pfx_record rec;     /* !have_prefix: negative entry */
	unsigned gen;              /* pfxauto.gen when published */
};

struct pfxauto {
	/* set by pfxauto_init */
	struct disc_ops ops;
	struct disc_env env;
	struct disc_params params;
	struct nat64_prefix fallback;    /* used without a discovered one */
	char xdg[256];                   /* env.xdg points here */
	atomic_bool ready;
	/* state */
	_Atomic(struct pfxauto_slot *) cur;  /* NULL: nothing known yet */
	struct pfxauto_slot ring[PFXAUTO_RING];
	unsigned next;                   /* written by the claim holder */
	_Atomic int64_t busy;            /* CLOCK_MONOTONIC ms deadline of
					    the refresh in progress, 0 none */
	_Atomic int64_t last_disc;       /* CLOCK_REALTIME s of the last RFC
					    7050 attempt */
	atomic_bool stale;               /* unreachable through cur */
	atomic_uint gen;                 /* published records so far */
	_Atomic int64_t loaded_ms;       /* CLOCK_MONOTONIC ms of
					    pfxauto_load's read */
};

/* What a mechanism gets. */
struct pfxauto_view {
	struct nat64_prefix prefix;  /* discovered, or the fallback */
	bool discovered;             /* false: fallback */
	unsigned gen;                /* changes with each new record */
};

/* Set a up (once, before any other call; a must be zeroed): ops are
 * copied, env too (its xdg string into a), p (may be NULL: defaults)
 * too; fallback NULL means 64:ff9b::/96.  Reads nothing. */
void pfxauto_init(struct pfxauto *a, const struct disc_ops *ops,
		  const struct disc_env *env, const struct disc_params *p,
		  const struct nat64_prefix *fallback);

/* Read the cache files (pfxcache.h) and publish a fresh record found
 * there; no network traffic.  Cost: about ten small system calls
 * (stat, open, fstat, read, close) for a user, half that for root. */
void pfxauto_load(struct pfxauto *a);

/* The published view: true with *v filled, false while nothing is known
 * (pfxauto_get then discovers).  Lock-free, no system call. */
static inline bool pfxauto_peek(struct pfxauto *a, struct pfxauto_view *v)
{
	for (int tries = 0; tries < 4; tries++) {
		struct pfxauto_slot *s = atomic_load_explicit(&a->cur,
						memory_order_acquire);
		unsigned q;

		if (!s)
			return false;
		q = atomic_load_explicit(&s->seq, memory_order_acquire);
		if (q & 1)
			continue;
		v->discovered = s->rec.have_prefix;
		v->prefix = s->rec.have_prefix ? s->rec.prefix : a->fallback;
		v->gen = s->gen;
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&s->seq, memory_order_relaxed) == q)
			return true;
	}
	return false;
}

/* The view for a translation (see above): refreshes a missing, expired
 * or unreachable record first.  Always fills *v (the fallback when
 * nothing could be found).  May block for the discovery budget. */
void pfxauto_get(struct pfxauto *a, struct pfxauto_view *v);

/* True when pfxauto_get would refresh now (callers that must not hold
 * something up while it does, such as a supervisor worker, step aside
 * first).  No system call but the clock. */
bool pfxauto_due(struct pfxauto *a);

/* A translation through view gen (0: the one published now) failed with
 * an unreachable error (policy_nat64_unreachable): the next pfxauto_get
 * rediscovers (rate limited).  Errors through an older record are
 * ignored. */
void pfxauto_unreachable(struct pfxauto *a, unsigned gen);

/* Publish rec, found by the caller itself (tnat64 status runs the
 * tool's discovery, PREF64 included): later pfxauto_get calls use it
 * while it is fresh. */
void pfxauto_set(struct pfxauto *a, const struct pfx_record *rec);

/* The published record (source, origin, lifetime), for status output:
 * true with *rec set, false when nothing is known. */
bool pfxauto_record(struct pfxauto *a, struct pfx_record *rec);

/* disc_params.v4_rewrite for a configuration (ctx: const struct config
 * *): an IPv4 name server the host cannot reach goes through the NAT64
 * prefix configured for it (a path block or an explicit default; a
 * discovered default cannot serve to find itself). */
bool pfxauto_rewrite_by_config(void *ctx, const struct sockaddr_in *server,
			       struct sockaddr_in6 *out);

#endif
