/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The discovered default prefix of one process (pfxauto.h). */
#include "pfxauto.h"
#include "log.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

static int64_t mono_ms(const struct pfxauto *a)
{
	struct timespec ts;

	if (a->ops.clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned budget_ms(const struct pfxauto *a)
{
	unsigned b = a->params.budget_ms ? a->params.budget_ms : DISC_BUDGET_MS;

	return b > DISC_BUDGET_MAX_MS ? DISC_BUDGET_MAX_MS : b;
}

void pfxauto_init(struct pfxauto *a, const struct disc_ops *ops,
		  const struct disc_env *env, const struct disc_params *p,
		  const struct nat64_prefix *fallback)
{
	a->ops = *ops;
	a->env = *env;
	if (env->xdg && strlen(env->xdg) < sizeof(a->xdg)) {
		memcpy(a->xdg, env->xdg, strlen(env->xdg) + 1);
		a->env.xdg = a->xdg;
	} else {
		a->env.xdg = NULL; /* too long to be a usable directory */
	}
	if (p)
		a->params = *p;
	a->fallback = fallback ? *fallback : nat64_wkp;
	atomic_store_explicit(&a->ready, true, memory_order_release);
}

/* Copy the record of slot s: false when it was being rewritten. */
static bool slot_copy(struct pfxauto_slot *s, struct pfx_record *rec)
{
	unsigned q = atomic_load_explicit(&s->seq, memory_order_acquire);

	if (q & 1)
		return false;
	*rec = s->rec;
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(&s->seq, memory_order_relaxed) == q;
}

bool pfxauto_record(struct pfxauto *a, struct pfx_record *rec)
{
	for (int tries = 0; tries < 4; tries++) {
		struct pfxauto_slot *s = atomic_load_explicit(&a->cur,
						memory_order_acquire);

		if (!s)
			return false;
		if (slot_copy(s, rec))
			return true;
	}
	return false;
}

/* One refresh at a time: the claim is a deadline, so that a claim left
 * behind (a fork during a refresh, a signal handler waiting on its own
 * thread) runs out. */
static bool claim(struct pfxauto *a)
{
	int64_t now = mono_ms(a);
	int64_t b = atomic_load_explicit(&a->busy, memory_order_acquire);

	if (b && now < b)
		return false;
	return atomic_compare_exchange_strong_explicit(&a->busy, &b,
			now + budget_ms(a) + 1500, memory_order_acq_rel,
			memory_order_relaxed);
}

static void release(struct pfxauto *a)
{
	atomic_store_explicit(&a->busy, 0, memory_order_release);
}

/* Publish rec (claim held: the only writer).  The slot written is never
 * the published one; readers of an older one notice by its seq. */
static void publish(struct pfxauto *a, const struct pfx_record *rec)
{
	struct pfxauto_slot *cur = atomic_load_explicit(&a->cur,
						memory_order_relaxed);
	struct pfxauto_slot *s = &a->ring[a->next++ % PFXAUTO_RING];
	unsigned q;

	if (s == cur)
		s = &a->ring[a->next++ % PFXAUTO_RING];
	q = atomic_load_explicit(&s->seq, memory_order_relaxed);
	atomic_store_explicit(&s->seq, q + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	s->rec = *rec;
	s->gen = atomic_fetch_add_explicit(&a->gen, 1,
					   memory_order_relaxed) + 1;
	atomic_store_explicit(&s->seq, q + 2, memory_order_release);
	atomic_store_explicit(&a->stale, false, memory_order_relaxed);
	atomic_store_explicit(&a->cur, s, memory_order_release);
}

static void log_cached(const struct pfx_record *r)
{
	if (r->have_prefix)
		log_msg(LOG_DEBUG, "NAT64 prefix %B/%u from the cache (%s %s)",
			r->prefix.addr, r->prefix.len, pfx_source_name(r->source),
			r->origin);
	else
		log_msg(LOG_DEBUG, "no NAT64 prefix, says the cache (%s)",
			r->origin[0] ? r->origin : "nobody answered");
}

static bool same_record(const struct pfx_record *x,
			const struct pfx_record *y)
{
	return x->have_prefix == y->have_prefix &&
	       (!x->have_prefix || nat64_prefix_equal(&x->prefix, &y->prefix));
}

void pfxauto_load(struct pfxauto *a)
{
	struct pfx_record r;

	if (!atomic_load_explicit(&a->ready, memory_order_acquire) ||
	    atomic_load_explicit(&a->cur, memory_order_acquire) || !claim(a))
		return;
	if (disc_cache_read(&a->ops, &a->env, disc_now(&a->ops), &r, NULL,
			    0) == 1) {
		publish(a, &r);
		log_cached(&r);
	}
	atomic_store_explicit(&a->loaded_ms, mono_ms(a) | 1,
			      memory_order_relaxed);
	release(a);
}

void pfxauto_set(struct pfxauto *a, const struct pfx_record *rec)
{
	int64_t end = mono_ms(a) + budget_ms(a) + 1500;

	while (!claim(a) && mono_ms(a) < end)
		a->ops.poll(NULL, 0, 10);
	publish(a, rec);
	release(a);
}

/* Does pfxauto_get have to refresh at time now (CLOCK_REALTIME s)? */
static bool due_at(struct pfxauto *a, int64_t now)
{
	struct pfx_record r;

	if (!pfxauto_record(a, &r) || !pfx_record_fresh(&r, now))
		return true;
	return atomic_load_explicit(&a->stale, memory_order_relaxed) &&
	       now - atomic_load_explicit(&a->last_disc, memory_order_relaxed)
	       >= PFXAUTO_RETRY_S;
}

bool pfxauto_due(struct pfxauto *a)
{
	return due_at(a, disc_now(&a->ops));
}

/* The refresh itself (claim held). */
static void refresh(struct pfxauto *a, int64_t now)
{
	struct pfx_record old, r;
	struct disc_result res;
	bool have_old = pfxauto_record(a, &old);
	bool stale = atomic_load_explicit(&a->stale, memory_order_relaxed);

	/* Another process (the launcher, the service, a program of the same
	 * user) may have found it already; after unreachable errors, a
	 * record saying what failed is not an answer.  A cache read less
	 * than a second ago that found nothing (pfxauto_load, typically
	 * the program's first socket before its first connect) is not
	 * repeated: nothing is there, and a bad file is reported once. */
	int64_t loaded = atomic_load_explicit(&a->loaded_ms,
					      memory_order_relaxed);
	bool just_read = !have_old && loaded &&
			 mono_ms(a) - loaded < 1000;

	if (!just_read &&
	    disc_cache_read(&a->ops, &a->env, now, &r, NULL, 0) == 1 &&
	    !(stale && have_old && same_record(&r, &old) &&
	      r.obtained <= old.obtained)) {
		publish(a, &r);
		log_cached(&r);
		return;
	}
	atomic_store_explicit(&a->last_disc, now, memory_order_relaxed);
	disc_rfc7050(&a->ops, &a->params, &res);
	disc_report(&res);
	if (res.status == DISC_NO_ANSWER && stale && have_old &&
	    old.have_prefix && pfx_record_fresh(&old, now)) {
		/* Nobody answered: the network is in trouble rather than
		 * changed.  Keep the prefix (and the cache) until it expires;
		 * the next unreachable error asks again. */
		atomic_store_explicit(&a->stale, false, memory_order_relaxed);
		return;
	}
	disc_result_record(&res, disc_now(&a->ops), &r);
	disc_store(&a->ops, &a->env, &r, &res);
	if (have_old && !same_record(&r, &old))
		log_msg(LOG_INFO, "NAT64 prefix changed: %B/%u now (was %B/%u)",
			r.have_prefix ? r.prefix.addr : a->fallback.addr,
			r.have_prefix ? r.prefix.len : a->fallback.len,
			old.have_prefix ? old.prefix.addr : a->fallback.addr,
			old.have_prefix ? old.prefix.len : a->fallback.len);
	publish(a, &r);
}

/* Another thread is finding the first record: wait for it, at most as
 * long as its claim lasts. */
static void wait_published(struct pfxauto *a)
{
	int64_t end = mono_ms(a) + budget_ms(a) + 1500;

	while (!atomic_load_explicit(&a->cur, memory_order_acquire) &&
	       atomic_load_explicit(&a->busy, memory_order_acquire) &&
	       mono_ms(a) < end)
		a->ops.poll(NULL, 0, 10);
}

void pfxauto_get(struct pfxauto *a, struct pfxauto_view *v)
{
	int64_t now;

	if (!atomic_load_explicit(&a->ready, memory_order_acquire)) {
		v->prefix = nat64_wkp;
		v->discovered = false;
		v->gen = 0;
		return;
	}
	now = disc_now(&a->ops);
	if (due_at(a, now)) {
		if (claim(a)) {
			/* decided again under the claim: someone may just
			 * have refreshed */
			if (due_at(a, now))
				refresh(a, now);
			release(a);
		} else if (!atomic_load_explicit(&a->cur,
						 memory_order_acquire)) {
			wait_published(a);
		}
	}
	if (!pfxauto_peek(a, v)) {
		v->prefix = a->fallback;
		v->discovered = false;
		v->gen = 0;
	}
}

void pfxauto_unreachable(struct pfxauto *a, unsigned gen)
{
	struct pfxauto_slot *s = atomic_load_explicit(&a->cur,
						      memory_order_acquire);

	if (s && (!gen || s->gen == gen) &&
	    !atomic_load_explicit(&a->stale, memory_order_relaxed))
		atomic_store_explicit(&a->stale, true, memory_order_relaxed);
}

bool pfxauto_rewrite_by_config(void *ctx, const struct sockaddr_in *server,
			       struct sockaddr_in6 *out)
{
	const struct config *c = ctx;
	int idx;

	if (!c || config_lookup(c, server->sin_addr.s_addr,
				ntohs(server->sin_port), &idx) != LOOKUP_NAT64)
		return false;
	nat64_synth(&c->prefixes[idx], server->sin_addr.s_addr,
		    out->sin6_addr.s6_addr);
	return true;
}
