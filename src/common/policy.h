/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The translation policy: which IPv4 traffic goes through NAT64 and how,
 * for both mechanisms (the preloaded library, src/preload/, and the
 * seccomp supervisor, src/supervisor/).
 *
 * Pure code: every function takes plain values (IPv4 addresses and ports
 * in network byte order, socket types, errno values as -errno, option
 * levels and names, ioctl requests, facts about a socket) and returns a
 * decision.  No system call, no allocation, no lock: async-signal-safe.
 * The mechanisms find the facts (cheaply: what they already know first)
 * and carry the decisions out.
 *
 * The rule, tnat64 0.06's, per NAT64 prefix (RFC 6052):
 *   - a destination goes direct when it is always local, multicast or
 *     broadcast, matches a `local` rule or no prefix applies;
 *   - otherwise direct IPv4 first, and NAT64 when the direct attempt fails
 *     with "network unreachable" (policy_direct_failed);
 *   - once NAT64 worked through a prefix, NAT64 at once for it
 *     (POLICY_NAT64_WORKS); when NAT64 itself turns out unreachable, direct
 *     first again (POLICY_DIRECT_FIRST): policy_after_nat64.
 * Socket rules (socket(7)): an AF_INET socket bound to one IPv4 address
 * is never translated; a datagram that would replace a socket the program
 * bound tries direct first even then (replacing it loses its queue); one
 * bound with SO_BINDTODEVICE to an interface
 * without IPv4 goes to NAT64 at once (a direct attempt would wait for ARP
 * instead of failing); a stand-in (the dual-stack AF_INET6 socket handed
 * out for socket(AF_INET, ...)) becomes a real AF_INET socket before
 * multicast, broadcast, IPv4-only options and AF_INET-only ioctls. */
#ifndef TNAT64_POLICY_H
#define TNAT64_POLICY_H

#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "addr.h"
#include "config.h"
#include "pfxauto.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

/* The decisions the library takes on every translated call are inline
 * functions: its hot path pays no call for them. */

/* ------------------------------------------------------------ sockets */

/* Sockets whose IPv4 traffic is translated: TCP and MPTCP streams, UDP
 * and UDP-Lite datagrams (proto 0 is the type's default).  ICMP "ping"
 * sockets, raw sockets, SCTP... are left alone.  type without the
 * SOCK_NONBLOCK/SOCK_CLOEXEC flags. */
static inline bool policy_translatable(int type, int proto)
{
	if (type == SOCK_STREAM)
		return proto == 0 || proto == IPPROTO_TCP ||
		       proto == IPPROTO_MPTCP;
	if (type == SOCK_DGRAM)
		return proto == 0 || proto == IPPROTO_UDP ||
		       proto == IPPROTO_UDPLITE;
	return false;
}

/* ICMP sockets: socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) (the "ping"
 * socket an unprivileged ping uses where net.ipv4.ping_group_range allows
 * it) and socket(AF_INET, SOCK_RAW, IPPROTO_ICMP).  Their traffic to a
 * NAT64 destination goes through an ICMPv6 socket of the same type
 * (policy_proto6; RFC 7915: echo 8/0 <-> 128/129, errors read in ICMPv4
 * form): a send or connect decides as for a datagram (policy_route,
 * policy_way), and the socket's family then follows the destination
 * (policy_icmp_family: there is no dual-stack ICMP socket).  On a host
 * where IPv4 has no route they are ICMPv6 from the start
 * (policy_icmp_born_v6): a raw socket may only ever receive, e.g. the
 * errors a traceroute's UDP probes bring back.  A raw socket whose
 * program writes the IPv4 header itself (IP_HDRINCL) is never
 * translated (policy_icmp_keeps_inet). */
static inline bool policy_icmp(int type, int proto)
{
	return proto == IPPROTO_ICMP && (type == SOCK_DGRAM || type == SOCK_RAW);
}

/* The protocol of the AF_INET6 socket that carries the translated
 * traffic of an AF_INET socket of type and proto. */
static inline int policy_proto6(int type, int proto)
{
	return policy_icmp(type, proto) ? IPPROTO_ICMPV6 : proto;
}

/* An AF_INET socket of type/proto is made as its ICMPv6 form at once:
 * ICMP sockets on a host without an IPv4 route (ipv6_only_host). */
static inline bool policy_icmp_born_v6(int type, int proto,
				       bool ipv6_only_host)
{
	return ipv6_only_host && policy_icmp(type, proto);
}

/* The family an ICMP socket needs for a destination that policy_route
 * sent through NAT64 (nat) or not. */
static inline int policy_icmp_family(bool nat)
{
	return nat ? AF_INET6 : AF_INET;
}

/* setsockopt(level, name) that keeps an ICMP socket AF_INET for good:
 * IP_HDRINCL (the program writes IPv4 headers). */
static inline bool policy_icmp_keeps_inet(int level, int name)
{
	return level == SOL_IP && name == IP_HDRINCL;
}

/* ------------------------------------------------------- destinations */

/* An AF_INET socket bound to bound_v4 (network order; INADDR_ANY when
 * unbound): true when it is bound to one IPv4 address, chosen on purpose,
 * and its traffic is never translated. */
static inline bool policy_bound_addr(uint32_t bound_v4)
{
	return bound_v4 != 0;
}

/* Never translated, without looking at the configuration: 0.0.0.0/8,
 * 127.0.0.0/8, 169.254.0.0/16, multicast (224.0.0.0/4) and the limited
 * broadcast address.  v4 in network byte order. */
static inline bool policy_always_direct(uint32_t v4)
{
	return ipv4_always_local(v4) || ipv4_is_multicast_or_broadcast(v4);
}

/* Prefix slots.  A slot names one NAT64 prefix of the mechanism's prefix
 * set: slot = index into config.prefixes.  Slot 0 is the default prefix;
 * when the configuration leaves it to discovery (config.default_auto),
 * its prefix is not the configuration's but the one found at run time
 * (pfxauto.h), kept beside the immutable configuration and published
 * atomically, and it may change (prefixes.h: a slot whose prefix changes
 * starts again from POLICY_DIRECT_FIRST, policy_cache_forget). */
#define POLICY_SLOTS CONF_MAX_PREFIXES
#define POLICY_SLOT_DEFAULT 0

/* The prefix in slot of configuration c, or NULL when there is none.
 * For the default slot of an auto configuration this is only its
 * fallback (prefixes.h has the prefix in use). */
static inline const struct nat64_prefix *policy_prefix(const struct config *c,
						       int slot)
{
	if (!c || slot < 0 || slot >= POLICY_SLOTS ||
	    (size_t)slot >= c->nprefixes)
		return NULL;
	return &c->prefixes[slot];
}

/* The destination decision for v4:port (network byte order) under
 * configuration c (NULL: none, everything direct) with the discovered
 * default a (may be NULL: its fallback then): 1 when it goes through the
 * NAT64 prefix in *slot, 0 when it goes direct (*slot = -1).  Order:
 * policy_always_direct, `local` rules, `path` subnets in file order, the
 * default prefix; never the well-known prefix for a non-global address
 * (RFC 6052 section 3.1, nat64_prefix_applies).  See config_lookup.  For
 * the discovered default that rule needs the prefix found: while nothing
 * is known yet, the answer is 1 (tentatively), and the translation
 * itself, which finds the prefix, applies the rule (prefixes_synth). */
static inline int policy_route(const struct config *c, struct pfxauto *a,
			       uint32_t v4, uint16_t port_be, int *slot)
{
	struct pfxauto_view v;

	*slot = -1;
	if (!c)
		return 0;
	/* config_lookup starts with policy_always_direct's addresses, and
	 * its prefix index is always one of c's. */
	switch (config_lookup(c, v4, ntohs(port_be), slot)) {
	case LOOKUP_NAT64:
		return 1;
	case LOOKUP_AUTO:
		if (a ? !pfxauto_peek(a, &v) ||
			nat64_prefix_applies(&v.prefix, v4)
		      : nat64_prefix_applies(&c->prefixes[0], v4))
			return 1;
		*slot = -1;
		return 0;
	default:
		*slot = -1;
		return 0;
	}
}

/* ----------------------------------------------------- decision cache */

/* What is known of a prefix slot (0.06's cache). */
enum policy_state {
	POLICY_DIRECT_FIRST = 0,  /* try IPv4 first, NAT64 on "no route" */
	POLICY_NAT64_WORKS = 1,   /* NAT64 worked: NAT64 at once */
};

/* The state of every slot: one per process (library) or supervisor.
 * Lock-free (relaxed atomics: a stale read only costs one extra direct
 * attempt or one NAT64 attempt), async-signal-safe and fork-safe. */
struct policy_cache {
	_Atomic unsigned char state[POLICY_SLOTS];
};

static inline enum policy_state policy_cache_get(struct policy_cache *pc,
						 int slot)
{
	if (slot < 0 || slot >= POLICY_SLOTS)
		return POLICY_DIRECT_FIRST;
	return (enum policy_state)atomic_load_explicit(&pc->state[slot],
						       memory_order_relaxed);
}

/* Set slot's state (slots out of range are ignored).  Writes only on a
 * change, so that the cache line stays shared between CPUs. */
static inline void policy_cache_set(struct policy_cache *pc, int slot,
				    enum policy_state st)
{
	if (slot >= 0 && slot < POLICY_SLOTS &&
	    atomic_load_explicit(&pc->state[slot], memory_order_relaxed) !=
	    (unsigned char)st)
		atomic_store_explicit(&pc->state[slot], (unsigned char)st,
				      memory_order_relaxed);
}

/* Slot's prefix changed (or went away): what was learnt no longer holds. */
static inline void policy_cache_forget(struct policy_cache *pc, int slot)
{
	policy_cache_set(pc, slot, POLICY_DIRECT_FIRST);
}

/* ---------------------------------------------------------- attempts */

/* The kind of call an attempt is made for: the errors mean different
 * things (a datagram's EAGAIN says the route was found). */
enum policy_call {
	POLICY_CONNECT,  /* connect(2) */
	POLICY_SEND,     /* a send with a destination: a datagram, or a TCP
			    Fast Open connect (MSG_FASTOPEN) */
};

/* SO_BINDTODEVICE, as far as the mechanism knows it. */
enum policy_device {
	POLICY_DEVICE_NONE,     /* no interface set, or not known and not
				   worth asking (a socket never seen made) */
	POLICY_DEVICE_ASK,      /* an interface may be set: find out only
				   when the decision depends on it */
	POLICY_DEVICE_IPV4,     /* bound to an interface with an IPv4
				   address */
	POLICY_DEVICE_NO_IPV4,  /* bound to an interface without one */
};

/* What the mechanism knows of the socket an attempt is made on. */
struct policy_sock {
	/* An AF_INET socket bound to one IPv4 address (not INADDR_ANY): the
	 * program chose IPv4 on purpose; its traffic is never translated. */
	bool bound_addr;
	/* The program bound it (any address), or the mechanism cannot tell:
	 * it may hold received datagrams that replacing it would lose. */
	bool bound;
	/* NAT64 needs a new socket in its place (an AF_INET socket); false
	 * for stand-ins and sockets translated already. */
	bool replace;
	enum policy_device device;
};

/* How an attempt to a destination policy_route sent to a prefix goes. */
enum policy_way {
	POLICY_WAY_DIRECT,        /* direct IPv4 only: never translated */
	POLICY_WAY_DIRECT_FIRST,  /* direct IPv4 first; NAT64 when it fails
				     as policy_direct_failed says */
	POLICY_WAY_NAT64,         /* NAT64 at once */
	POLICY_WAY_ASK_DEVICE,    /* depends on the interface of
				     SO_BINDTODEVICE: find it out
				     (POLICY_DEVICE_IPV4 or _NO_IPV4) and
				     ask again */
};

/* The decision for one connect or send (call) through a prefix slot whose
 * cached state is st, on socket s:
 *   bound_addr                                 -> DIRECT
 *   st NAT64_WORKS (but not for a send that would replace a bound
 *   socket: direct first keeps its queue)      -> NAT64
 *   device ASK                                 -> ASK_DEVICE
 *   device NO_IPV4                             -> NAT64
 *   otherwise                                  -> DIRECT_FIRST */
static inline enum policy_way policy_way(enum policy_call call,
					enum policy_state st,
					const struct policy_sock *s)
{
	if (s->bound_addr)
		return POLICY_WAY_DIRECT;
	if (st == POLICY_NAT64_WORKS &&
	    !(call == POLICY_SEND && s->bound && s->replace))
		return POLICY_WAY_NAT64;
	switch (s->device) {
	case POLICY_DEVICE_ASK:
		return POLICY_WAY_ASK_DEVICE;
	case POLICY_DEVICE_NO_IPV4:
		return POLICY_WAY_NAT64;
	default:
		return POLICY_WAY_DIRECT_FIRST;
	}
}

/* A direct attempt failed with err (-errno): true when the destination
 * goes to NAT64 now ("network unreachable": no IPv4 route). */
static inline bool policy_direct_failed(int err)
{
	return err == -ENETUNREACH;
}

/* err (-errno) of an attempt through NAT64 says NAT64 itself cannot be
 * reached (no route to the prefix, no IPv6 source address): connect
 * ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL, EAFNOSUPPORT; send the first
 * three. */
static inline bool policy_nat64_unreachable(enum policy_call call,
					    int err)
{
	switch (-err) {
	case ENETUNREACH:
	case EHOSTUNREACH:
	case EADDRNOTAVAIL:
		return true;
	case EAFNOSUPPORT:
		return call == POLICY_CONNECT;
	default:
		return false;
	}
}

/* What the cache of the slot becomes after an attempt through NAT64 that
 * returned r (>= 0 or -errno): POLICY_DIRECT_FIRST when NAT64 is
 * unreachable; POLICY_NAT64_WORKS when it got through (connect: any other
 * result, the route was there; send: success, EINPROGRESS, EAGAIN,
 * ENOBUFS, EMSGSIZE, ECONNREFUSED); -1 when r says nothing either way
 * (a send's EPERM, EINTR...). */
static inline int policy_after_nat64(enum policy_call call, long r)
{
	if (r < 0 && r >= -4095 && policy_nat64_unreachable(call, (int)r))
		return POLICY_DIRECT_FIRST;
	if (call == POLICY_CONNECT || r >= 0)
		return POLICY_NAT64_WORKS;
	switch (-r) {
	case EINPROGRESS:
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
	case ENOBUFS:
	case EMSGSIZE:
	case ECONNREFUSED:
		/* The route to the prefix was found: the datagram only waits
		 * for room, is too big, or the peer said no. */
		return POLICY_NAT64_WORKS;
	default:
		return -1;
	}
}

/* Apply policy_after_nat64 to slot of pc.  Returns the new state, or -1
 * (unchanged). */
static inline int policy_cache_after(struct policy_cache *pc, int slot,
				     enum policy_call call, long r)
{
	int st = policy_after_nat64(call, r);

	if (st >= 0)
		policy_cache_set(pc, slot, (enum policy_state)st);
	return st;
}

/* ---------------------------------------------------------- stand-ins */

/* A stand-in not used yet (no bind, listen, connect or send) about to
 * send to v4: true when it must become the AF_INET socket the program
 * asked for first (multicast and broadcast are never translated, and
 * their options are IPv4 ones). */
bool policy_dest_needs_inet(uint32_t v4);

/* r (-errno) from turning a stand-in back into the AF_INET socket the
 * program asked for: true when it failed for lack of a descriptor or of
 * memory (EMFILE, ENFILE, ENOBUFS, ENOMEM).  bind, listen, setsockopt and
 * ioctl never give those natively: they then go on with the stand-in
 * itself (an AF_INET6 socket that takes IPv4-mapped addresses and most
 * IPv4-level options) instead of failing. */
static inline bool policy_unstand_short(int r)
{
	return r == -EMFILE || r == -ENFILE || r == -ENOBUFS || r == -ENOMEM;
}

/* setsockopt(level, name) on a stand-in not used yet: true when only a
 * real AF_INET socket takes it (multicast options, SO_BROADCAST, raw IP
 * options...), false when the stand-in keeps it (options that apply to
 * its IPv4-mapped traffic as well; IPv4-level ones are mirrored to their
 * IPv6 twins, see sockopt_mirror_ip).  cmsg_v4: the mechanism rewrites
 * received IPv6 control messages into IPv4 ones (msgconv_cmsg_to_v4), so
 * that IP_PKTINFO, IP_RECVTOS and IP_RECVTTL can stay too. */
bool policy_option_needs_inet(int level, int name, bool cmsg_v4);

/* ioctl requests that only an AF_INET socket answers (IPv4 interface
 * addresses, ARP, IPv4 routes; an AF_INET6 socket takes some of the same
 * numbers with IPv6 structures): a stand-in becomes a real AF_INET socket
 * first.  The table is sorted. */
extern const unsigned int policy_inet_ioctls[];
extern const unsigned int policy_n_inet_ioctls;
bool policy_ioctl_needs_inet(unsigned long req);

#endif
