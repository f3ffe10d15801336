/* SPDX-License-Identifier: GPL-2.0-or-later */
/* setsockopt(2) at the IPv4 level and getsockopt(2) of SO_DOMAIN on our
 * sockets. */
#include <errno.h>
#include <netinet/in.h>

#include "sockopt.h"
#include "sv.h"

/* Ours, or an ICMP socket that becomes ours now (no IPv4 routes). */
static bool want_set(const struct sockinfo *si)
{
	return sv_translated(si) ||
	       (si->domain == AF_INET && sv_is_icmp(si) && sv_ipv6_only());
}

/* Our copy of an IPv4-level option's value: the kernel reads an int, or
 * one byte when optlen < 4 (*v zeroed, *len capped at an int's size). */
static int read_ipopt(struct call *c, int *v, socklen_t *len)
{
	int l = (int)c->args[4];

	*v = 0;
	if (l < 0)
		return -EINVAL;
	if (l > (int)sizeof(*v))
		l = sizeof(*v);
	*len = (socklen_t)l;
	return l ? sv_read(c, c->args[3], v, (size_t)l) : 0;
}

/* setsockopt(SOL_IP, ...) of one of our sockets: the in-place options
 * are set by us and mirrored; any other IPv4-level option (multicast,
 * IP_PKTINFO...) makes a stand-in the AF_INET socket the program asked
 * for, and the kernel then sets it itself (no decision depends on its
 * value).  ICMP sockets: icmp.c. */
int64_t sv_handle_setsockopt(struct call *c)
{
	struct sockinfo si;
	int level = (int)c->args[1], name = (int)c->args[2], v;
	socklen_t len;
	int64_t ret;
	int r;

	if (!sv_open_for(c, &si, want_set, &ret))
		return ret;
	if (!si.have_x && sv_icmp_to_v6(c, &si, true) < 0) {
		sv_sock_close(&si);
		return SV_CONTINUE;
	}
	if (sv_is_icmp(&si)) {
		r = read_ipopt(c, &v, &len);
		ret = r < 0 ? r : sv_icmp_setsockopt(c, &si, name, &v, len);
		sv_sock_close(&si);
		return ret;
	}
	/* The options a stand-in keeps (policy_option_needs_inet; received
	 * control messages are not rewritten here, so IP_PKTINFO and the
	 * like are not among them) are set by us and mirrored. */
	if (level == SOL_IP && !policy_option_needs_inet(level, name, false)) {
		/* Set by us from our copy of the value, so that the IPv6
		 * twin gets exactly what the kernel accepted (or nothing). */
		r = read_ipopt(c, &v, &len);
		if (r == 0 && setsockopt(si.d, SOL_IP, name, &v, len) < 0)
			r = -errno;
		if (r == 0)
			sockopt_mirror_ip(si.d, name, &v, len, &sv_sockopt_ops);
		sv_sock_close(&si);
		return r;
	}
	if (si.x.standin)
		return sv_unstand_and_continue(c, &si);
	sv_sock_close(&si);
	return SV_CONTINUE;
}

/* getsockopt(SOL_SOCKET, SO_DOMAIN): what the program asked for. */
int64_t sv_handle_getsockopt(struct call *c)
{
	struct sockinfo si;
	int64_t ret;
	int r, ulen, v = AF_INET;

	if (!sv_open_for(c, &si, sv_translated, &ret))
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
