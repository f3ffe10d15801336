/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The translation policy (policy.h): the decisions not taken on every
 * call (the others are inline in policy.h).  Pure: no system calls. */
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include "policy.h"

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
