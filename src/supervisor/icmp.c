/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICMP sockets of supervised programs (busybox ping and traceroute):
 * the library's rules (policy.h, policy_icmp) with the supervisor's
 * means.  The program's AF_INET ICMP socket (raw or "ping") becomes an
 * ICMPv6 socket of ours, installed in its place, when a send goes to a
 * NAT64 destination, or at the first trapped call naming it on a host
 * without IPv4 routes (a raw socket that only receives: busybox
 * traceroute's).  socket() is not looked at for them.  What it reads is
 * turned into ICMPv4 by recv.c with icmpx_rx_6to4, what it sends here. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdatomic.h>
#include <string.h>

#include "icmpx.h"
#include "log.h"
#include "sockopt.h"
#include "sv.h"


bool sv_is_icmp(const struct sockinfo *si)
{
	return policy_icmp(si->type, si->proto);
}

bool sv_ipv6_only(void)
{
	/* 0 unknown, 1 IPv4 routed, 2 without IPv4 routes */
	static _Atomic int state;
	int s = atomic_load_explicit(&state, memory_order_relaxed);
	const struct config *c = sv_config();

	if (!s) {
		s = sockopt_ipv4_unrouted(&sv_sockopt_ops) ? 2 : 1;
		atomic_store_explicit(&state, s, memory_order_relaxed);
	}
	return s == 2 && c && (c->has_default || c->nsubnets > 0);
}

int sv_icmp_to_v6(struct call *c, struct sockinfo *si, bool standin)
{
	uint32_t filt = 0;
	socklen_t l = sizeof(filt);
	int fl, r, on = 1;
	bool raw = si->type == SOCK_RAW, recvttl = false;

	if (raw) {
		/* the program writes IPv4 headers itself: never */
		if (sv_sockopt_int(si->d, SOL_IP, IP_HDRINCL) > 0)
			return -EPERM;
		if (getsockopt(si->d, SOL_RAW, ICMP_FILTER, &filt, &l) < 0)
			filt = 0;
		recvttl = sv_sockopt_int(si->d, SOL_IP, IP_RECVTTL) > 0;
	}
	r = sv_replace_socket(c, si, &fl);
	if (r < 0)
		return r;
	if (!(fl & O_NONBLOCK))
		fcntl(si->d, F_SETFL, fl);
	if (raw) {
		uint32_t f6[8];

		icmpx_filter_6(filt, f6);
		setsockopt(si->d, SOL_ICMPV6, ICMP6_FILTER, f6, sizeof(f6));
		setsockopt(si->d, SOL_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
		/* A socket filter the program attaches later would reach the
		 * kernel, which would run it on ICMPv6 bytes: refused
		 * (EPERM) instead; the program sees every reply, as before
		 * it attached one. */
		setsockopt(si->d, SOL_SOCKET, SO_LOCK_FILTER, &on, sizeof(on));
	}
	si->x.icmp_recvttl = recvttl;
	si->x.standin = standin;
	socktab_put(&si->x);
	log_msg(LOG_DEBUG, "pid %d fd %d: ICMP socket now ICMPv6%s",
		(int)c->tid, si->fd, standin ? " (no IPv4 routes)" : "");
	return 0;
}

bool sv_icmp_4to6(struct sv_lmsg *lm)
{
	return lm->iov.iov_len >= 8 &&
	       icmpx_echo_4to6(lm->iov.iov_base, lm->iov.iov_len);
}

int64_t sv_icmp_setsockopt(struct call *c, struct sockinfo *si, int name,
			   const void *val, socklen_t len)
{
	int r, v = 0;

	if (sockopt_ip_twin(name) < 0 || name == IP_MTU) {
		/* No twin (IP_OPTIONS, IP_HDRINCL...): a raw stand-in not
		 * used yet becomes the AF_INET socket; otherwise the
		 * kernel's answer (a datagram ICMPv6 socket takes IPv4-level
		 * options, to no effect; a raw one refuses them). */
		if (si->type == SOCK_RAW && si->x.standin) {
			r = sv_unstand(c, si);
			if (r < 0)
				return r;
		}
		return SV_CONTINUE;
	}
	if (si->type != SOCK_RAW) {
		if (setsockopt(si->d, SOL_IP, name, val, len) < 0)
			return -errno;
		sockopt_mirror_ip(si->d, name, val, len, &sv_sockopt_ops);
		return 0;
	}
	if (name == IP_RECVTTL) {
		/* the hop limit is always asked (the header's TTL) */
		if (len < 1)
			return -EINVAL;
		memcpy(&v, val, len < (socklen_t)sizeof(v) ? (size_t)len
							    : sizeof(v));
		si->x.icmp_recvttl = v != 0;
		socktab_put(&si->x);
		return 0;
	}
	return sockopt_set_ip6(si->d, name, val, len, &sv_sockopt_ops);
}
