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
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>

#include "icmpx.h"
#include "log.h"
#include "sockopt.h"
#include "sv.h"


bool sv_is_icmp(const struct sockinfo *si)
{
	return si->have_x ? policy_icmp(si->x.type, si->x.proto)
			  : policy_icmp(si->type, si->proto);
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

int sv_icmp_to_v6(struct call *c, struct sockinfo *si, int pfx, int *old)
{
	uint32_t filt = 0;
	socklen_t l = sizeof(filt);
	unsigned carried;
	int r, on = 1;
	bool raw = si->type == SOCK_RAW;

	*old = -1;
	if (raw) {
		/* the program writes IPv4 headers itself: never */
		if (sv_sockopt_int(si->d, SOL_IP, IP_HDRINCL) > 0)
			return -EPERM;
		if (getsockopt(si->d, SOL_RAW, ICMP_FILTER, &filt, &l) < 0)
			filt = 0;
	}
	/* the control messages the old socket was asked for (setsockopt
	 * is trapped for ours only) */
	bool recvttl = sv_sockopt_int(si->d, SOL_IP, IP_RECVTTL) > 0;
	bool pktinfo = sv_sockopt_int(si->d, SOL_IP, IP_PKTINFO) > 0;

	r = sv_replace_socket(c, si, false, old, &carried);
	if (r < 0)
		return r;
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
	si->x.pfx = pfx;
	socktab_put(&si->x);
	if (recvttl)
		(void)sv_icmp_setsockopt(c, si, IP_RECVTTL, &on, sizeof(on));
	if (pktinfo)
		(void)sv_icmp_setsockopt(c, si, IP_PKTINFO, &on, sizeof(on));
	log_msg(LOG_DEBUG, "pid %d fd %d: ICMP socket now ICMPv6%s",
		(int)c->tid, si->fd, pfx < 0 ? " (no IPv4 routes)" : "");
	return 0;
}

/* Raw ICMP sockets of the program's that an IPv4-level option named on
 * a host without IPv4 routes, to be made ICMPv6 at the next send to a
 * NAT64 destination the same thread makes (busybox traceroute binds its
 * receiving socket to an IPv4 address after its IP_PKTINFO and after a
 * connect of its UDP socket, and bind is not trapped: made ICMPv6
 * before, that bind would fail).  A small ring:
 * the oldest is forgotten. */
#define PENDING 16
static struct {
	pid_t tid;
	int fd;
	uint64_t ino;
} pending[PENDING];
static unsigned pending_next;
static atomic_uint npending;
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;

static void pending_add(const struct call *c, const struct sockinfo *si)
{
	pthread_mutex_lock(&pending_lock);
	pending[pending_next % PENDING].tid = c->tid;
	pending[pending_next % PENDING].fd = si->fd;
	if (!pending[pending_next % PENDING].ino)
		atomic_fetch_add(&npending, 1);
	pending[pending_next % PENDING].ino = si->ino;
	pending_next++;
	pthread_mutex_unlock(&pending_lock);
}

/* One pending socket of c's thread, taken off the ring: its fd and
 * inode, or false. */
static bool pending_take(const struct call *c, int *fd, uint64_t *ino)
{
	bool found = false;

	pthread_mutex_lock(&pending_lock);
	for (unsigned i = 0; i < PENDING && !found; i++)
		if (pending[i].ino && pending[i].tid == c->tid) {
			*fd = pending[i].fd;
			*ino = pending[i].ino;
			pending[i].ino = 0;
			atomic_fetch_sub(&npending, 1);
			found = true;
		}
	pthread_mutex_unlock(&pending_lock);
	return found;
}

void sv_icmp_pending(struct call *c)
{
	struct sockinfo si;
	uint64_t ino;
	int fd, old;

	if (!atomic_load_explicit(&npending, memory_order_relaxed))
		return;
	while (pending_take(c, &fd, &ino)) {
		if (sv_sock_ident(c, fd, &si, SV_IDENT_FDINFO) == 0 &&
		    !si.have_x &&
		    si.ino == ino && sv_sock_facts(c, &si) == 0 &&
		    si.domain == AF_INET && sv_is_icmp(&si) &&
		    sv_icmp_to_v6(c, &si, -1, &old) == 0)
			sv_replace_end(c, &si, old, 0);
		sv_sock_close(&si);
	}
}

bool sv_icmp_none_ours(void)
{
	return socktab_empty() && !sv_ipv6_only();
}

/* sv_icmp_open_ours, sv_icmp_find_ours (dup: false) */
static bool icmp_ours(struct call *c, struct sockinfo *si, int64_t *ret,
		      bool dup)
{
	int r, old;

	if (!sv_ipv6_only())
		return dup ? sv_open_ours(c, si, ret)
			   : sv_find_ours(c, si, ret);
	r = sv_sock_ident(c, (int)c->args[0], si,
			  dup ? SV_IDENT_DUP : SV_IDENT_CHEAP);
	if (r == 0 && (dup || !si->have_x))
		r = si->have_x ? sv_sock_dup(c, si) : sv_sock_facts(c, si);
	if (r == 0 && !si->have_x && si->domain == AF_INET && sv_is_icmp(si)) {
		/* a raw socket's option: at the next replacement, after a
		 * bind the kernel still makes (the option carried then) */
		if (si->type == SOCK_RAW && c->nr == __NR_setsockopt)
			pending_add(c, si);
		else if (sv_icmp_to_v6(c, si, -1, &old) == 0)
			sv_replace_end(c, si, old, 0);
	}
	if (r < 0 || !si->have_x) {
		sv_sock_close(si);
		*ret = r == -ENOENT ? r : SV_CONTINUE;
		return false;
	}
	return true;
}

bool sv_icmp_open_ours(struct call *c, struct sockinfo *si, int64_t *ret)
{
	return icmp_ours(c, si, ret, true);
}

bool sv_icmp_find_ours(struct call *c, struct sockinfo *si, int64_t *ret)
{
	return icmp_ours(c, si, ret, false);
}

bool sv_icmp_4to6(struct sv_lmsg *lm)
{
	return lm->iov.iov_len >= 8 &&
	       icmpx_echo_4to6(lm->iov.iov_base, lm->iov.iov_len);
}

int64_t sv_icmp_setsockopt(struct call *c, struct sockinfo *si, int name,
			   const void *val, socklen_t len)
{
	int v = 0;

	(void)c;
	/* no twin (IP_OPTIONS, IP_HDRINCL...): the kernel's answer (a
	 * datagram ICMPv6 socket takes IPv4-level options, to no effect; a
	 * raw one refuses them) */
	if (sockopt_ip_twin(name) < 0 || name == IP_MTU)
		return SV_CONTINUE;
	if (si->x.type != SOCK_RAW) {
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
