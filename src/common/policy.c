/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The translation policy (policy.h): pure decisions, no system calls. */
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include "policy.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

bool policy_translatable(int type, int proto)
{
	if (type == SOCK_STREAM)
		return proto == 0 || proto == IPPROTO_TCP ||
		       proto == IPPROTO_MPTCP;
	if (type == SOCK_DGRAM)
		return proto == 0 || proto == IPPROTO_UDP ||
		       proto == IPPROTO_UDPLITE;
	return false;
}

int policy_route(const struct config *c, uint32_t v4, uint16_t port_be,
		 int *slot)
{
	*slot = -1;
	if (!c)
		return 0;
	/* config_lookup starts with policy_always_direct's addresses. */
	if (config_lookup(c, v4, ntohs(port_be), slot) != LOOKUP_NAT64 ||
	    !policy_prefix(c, *slot)) {
		*slot = -1;
		return 0;
	}
	return 1;
}

const struct nat64_prefix *policy_prefix(const struct config *c, int slot)
{
	if (!c || slot < 0 || slot >= POLICY_SLOTS ||
	    (size_t)slot >= c->nprefixes)
		return NULL;
	return &c->prefixes[slot];
}

enum policy_way policy_way(enum policy_call call, enum policy_state st,
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

bool policy_nat64_unreachable(enum policy_call call, int err)
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

int policy_after_nat64(enum policy_call call, long r)
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

bool policy_dest_needs_inet(uint32_t v4)
{
	return ipv4_is_multicast_or_broadcast(v4);
}

bool policy_option_needs_inet(int level, int name, bool cmsg_v4)
{
	if (level == SOL_SOCKET)
		return name == SO_BROADCAST;
	if (level != SOL_IP)
		return false;
	switch (name) {
	case IP_TOS: case IP_TTL: case IP_RECVERR: case IP_MTU_DISCOVER:
	case IP_FREEBIND: case IP_BIND_ADDRESS_NO_PORT:
		return false;
	case IP_PKTINFO: case IP_RECVTOS: case IP_RECVTTL:
		/* Their control messages come in IPv6 form on a stand-in. */
		return !cmsg_v4;
	default:
		return true;
	}
}

/* Sorted. */
const unsigned int policy_inet_ioctls[] = {
	SIOCADDRT, SIOCDELRT, SIOCRTMSG,
	SIOCSIFFLAGS, SIOCGIFADDR, SIOCSIFADDR, SIOCGIFDSTADDR,
	SIOCSIFDSTADDR, SIOCGIFBRDADDR, SIOCSIFBRDADDR, SIOCGIFNETMASK,
	SIOCSIFNETMASK, SIOCSIFPFLAGS, SIOCGIFPFLAGS,
	SIOCDARP, SIOCGARP, SIOCSARP,
};
const unsigned int policy_n_inet_ioctls =
	sizeof(policy_inet_ioctls) / sizeof(policy_inet_ioctls[0]);

bool policy_ioctl_needs_inet(unsigned long req)
{
	/* The kernel takes the request as an unsigned int. */
	unsigned int r = (unsigned int)req;

	if (r < SIOCADDRT || r > SIOCSARP)
		return false;
	for (unsigned int i = 0; i < policy_n_inet_ioctls; i++)
		if (policy_inet_ioctls[i] == r)
			return true;
	return false;
}
