/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The NAT64 prefixes of one mechanism (prefixes.h). */
#include <string.h>

#include "prefixes.h"
#include "msgconv.h"

#include <errno.h>

int prefixes_synth(struct prefixes *ps, const struct config *c, int slot,
		   uint32_t v4, uint16_t port_be, struct sockaddr_in6 *out)
{
	struct pfxauto_view v;

	if (!prefixes_is_auto(c, slot)) {
		msgconv_v4_to_nat64(policy_prefix(c, slot), v4, port_be, out);
		return 0;
	}
	pfxauto_get(&ps->autop, &v);
	if (atomic_load_explicit(&ps->seen, memory_order_relaxed) != v.gen) {
		atomic_store_explicit(&ps->seen, v.gen, memory_order_relaxed);
		policy_cache_forget(&ps->cache, slot);
	}
	if (!nat64_prefix_applies(&v.prefix, v4))
		return -ENETUNREACH;
	msgconv_v4_to_nat64(&v.prefix, v4, port_be, out);
	return 0;
}

int prefixes_after(struct prefixes *ps, const struct config *c, int slot,
		   enum policy_call call, long r)
{
	if (r < 0 && r >= -4095 && prefixes_is_auto(c, slot) &&
	    policy_nat64_unreachable(call, (int)r))
		pfxauto_unreachable(&ps->autop, 0);
	return policy_cache_after(&ps->cache, slot, call, r);
}

int prefixes_to_v4(struct prefixes *ps, const struct config *c,
		   const struct sockaddr_in6 *in, int prefer,
		   struct sockaddr_in *out)
{
	struct pfxauto_view v;
	const struct nat64_prefix *p0;
	int r;

	if (!c)
		return msgconv_addr_to_v4(in, NULL, 0, -1, out);
	if (!c->default_auto)
		return msgconv_addr_to_v4(in, c->prefixes, c->nprefixes, prefer,
					  out);
	/* slot 0 is the published discovered default, not the array's */
	p0 = pfxauto_peek(&ps->autop, &v) ? &v.prefix : &c->prefixes[0];
	if (prefer <= 0) {
		r = msgconv_addr_to_v4(in, p0, 1, prefer, out);
		if (r != -2)
			return r;
		r = msgconv_addr_to_v4(in, c->prefixes + 1, c->nprefixes - 1,
				       -1, out);
		return r >= 0 ? r + 1 : r;
	}
	r = msgconv_addr_to_v4(in, c->prefixes + 1, c->nprefixes - 1,
			       prefer - 1, out);
	if (r != -2)
		return r >= 0 ? r + 1 : r;
	return msgconv_addr_to_v4(in, p0, 1, -1, out);
}

const struct nat64_prefix *prefixes_list(struct prefixes *ps,
					 const struct config *c,
					 struct nat64_prefix *buf, size_t nbuf,
					 size_t *n)
{
	struct pfxauto_view v;

	*n = c ? c->nprefixes : 0;
	if (!c || !c->default_auto || !c->nprefixes || c->nprefixes > nbuf ||
	    !pfxauto_peek(&ps->autop, &v))
		return c ? c->prefixes : NULL;
	memcpy(buf, c->prefixes, c->nprefixes * sizeof(*buf));
	buf[0] = v.prefix;
	return buf;
}
