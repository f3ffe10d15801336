/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The NAT64 prefixes of one mechanism (the library in a process, the
 * supervisor): the immutable configuration's, addressed by slot
 * (policy.h), with the discovered default beside it (pfxauto.h) when the
 * configuration leaves slot 0 to discovery, and the decision cache of
 * every slot.  The library and the supervisor each keep one struct
 * prefixes; what follows is the one implementation of what they do with
 * it.  A prefix from the file costs nothing here: the discovered one is
 * only looked at for slot 0 of an auto configuration. */
#ifndef TNAT64_PREFIXES_H
#define TNAT64_PREFIXES_H

#include <stdatomic.h>
#include <netinet/in.h>

#include "config.h"
#include "pfxauto.h"
#include "policy.h"

struct prefixes {
	struct pfxauto autop;        /* slot 0 of an auto configuration */
	struct policy_cache cache;   /* every slot */
	atomic_uint seen;            /* autop's gen last translated with */
};

/* True when slot of c is the discovered default. */
static inline bool prefixes_is_auto(const struct config *c, int slot)
{
	return slot == POLICY_SLOT_DEFAULT && c && c->default_auto;
}

/* policy_route with ps's discovered default. */
static inline int prefixes_route(struct prefixes *ps, const struct config *c,
				 uint32_t v4, uint16_t port_be, int *slot)
{
	return policy_route(c, &ps->autop, v4, port_be, slot);
}

/* The NAT64 socket address of v4:port (network order) through slot of
 * c, for a translation about to be made: 0, or -ENETUNREACH when the
 * slot's prefix turns out not to apply to v4 (the discovered default
 * fell back to 64:ff9b::/96 and v4 is not global; the direct attempt's
 * answer then stands).  For the discovered default this is where it is
 * found (pfxauto_get: may block for the discovery budget); when it
 * changed, the slot's cached state is forgotten. */
int prefixes_synth(struct prefixes *ps, const struct config *c, int slot,
		   uint32_t v4, uint16_t port_be, struct sockaddr_in6 *out);

/* After an attempt through slot that returned r (>= 0 or -errno):
 * policy_cache_after, and for the discovered default an unreachable
 * error (policy_nat64_unreachable) asks for rediscovery.  Returns the
 * slot's new state or -1 (unchanged). */
int prefixes_after(struct prefixes *ps, const struct config *c, int slot,
		   enum policy_call call, long r);

/* msgconv_addr_to_v4 over the prefixes of c, slot 0 being the
 * discovered default when it is one.  Returns the slot of the prefix
 * used, -1 for a mapped address, -2 when in has no IPv4 form. */
int prefixes_to_v4(struct prefixes *ps, const struct config *c,
		   const struct sockaddr_in6 *in, int prefer,
		   struct sockaddr_in *out);

/* The prefixes of c, in slot order, to find embedded IPv4 addresses in
 * (ICMP errors and their quoted datagrams: msgconv_cmsg_to_v4x,
 * msgconv_v4_of): c's own array, or for an auto configuration a copy in
 * buf (room for nbuf) whose slot 0 is the discovered default published
 * now (pfxauto_peek; the configuration's fallback while none is).  An
 * auto configuration of more than nbuf slots gets its own array (its
 * slot 0 the fallback).  *n entries; NULL and 0 without c. */
const struct nat64_prefix *prefixes_list(struct prefixes *ps,
					 const struct config *c,
					 struct nat64_prefix *buf, size_t nbuf,
					 size_t *n);

#endif
