/* SPDX-License-Identifier: GPL-2.0-or-later */
/* setsockopt(2) of the IPv4-level options that have an IPv6 twin, and
 * getsockopt(2) of SO_DOMAIN, on our sockets (the filter traps no
 * other option: filter.c). */
#include <errno.h>
#include <netinet/in.h>

#include "sockopt.h"
#include "sv.h"

/* setsockopt(SOL_IP, IP_TOS, IP_TTL, IP_RECVERR, IP_MTU_DISCOVER) of one
 * of our sockets: set by us from our copy of the value, so that the IPv6
 * twin (IPV6_TCLASS...) gets exactly what the kernel accepted (or
 * nothing): the NAT64 traffic is IPv6.  ICMP sockets: icmp.c (on a host
 * without IPv4 routes this makes one ours). */
int64_t sv_handle_setsockopt(struct call *c)
{
	struct sockinfo si;
	union {
		int i;
		unsigned char b[sizeof(int)];
	} v = { 0 };
	int name = (int)c->args[2], len = (int)c->args[4];
	int64_t ret;
	int r = 0;

	/* IP_RECVTTL and IP_PKTINFO are trapped for ICMP sockets (filter.c:
	 * their control messages are ours to show) */
	if ((int)c->args[1] != SOL_IP ||
	    (name != IP_RECVTTL && name != IP_PKTINFO &&
	     policy_option_needs_inet(SOL_IP, name, false)))
		return SV_CONTINUE;
	if (!sv_icmp_open_ours(c, &si, &ret))
		return ret;
	if (!sv_is_icmp(&si) && policy_option_needs_inet(SOL_IP, name, false)) {
		sv_sock_close(&si);
		return SV_CONTINUE;
	}
	/* The kernel reads an int, or one byte when optlen < 4. */
	if (len < 0) {
		r = -EINVAL;
	} else {
		if (len > (int)sizeof(v))
			len = sizeof(v);
		if (len)
			r = sv_read(c, c->args[3], &v, (size_t)len);
		if (r == 0)
			r = sv_confirm(c);
		if (r == 0 && sv_is_icmp(&si)) {
			ret = sv_icmp_setsockopt(c, &si, name, &v,
						 (socklen_t)len);
			sv_sock_close(&si);
			return ret;
		}
		if (r == 0 && setsockopt(si.d, SOL_IP, name, &v,
					 (socklen_t)len) < 0)
			r = -errno;
	}
	if (r == 0)
		sockopt_mirror_ip(si.d, name, &v, (socklen_t)len,
				  &sv_sockopt_ops);
	sv_sock_close(&si);
	return r == -EPERM ? SV_CONTINUE : r;
}

/* getsockopt(SOL_SOCKET, SO_DOMAIN): what the program asked for. */
int64_t sv_handle_getsockopt(struct call *c)
{
	struct sockinfo si;
	int64_t ret;
	int r, ulen, v = AF_INET;

	if (!sv_open_ours(c, &si, &ret))
		return ret;
	sv_sock_close(&si);
	if (si.x.v6map)
		return SV_CONTINUE;
	r = sv_read(c, c->args[4], &ulen, sizeof(ulen));
	if (r < 0)
		return r == -ENOENT ? r : -EFAULT;
	if (ulen < 0)
		return -EINVAL;
	if ((size_t)ulen > sizeof(v))
		ulen = sizeof(v);
	r = sv_write(c, c->args[3], &v, (size_t)ulen);
	if (r == 0)
		r = sv_write(c, c->args[4], &ulen, sizeof(ulen));
	return r < 0 ? (r == -ENOENT ? r : -EFAULT) : 0;
}
