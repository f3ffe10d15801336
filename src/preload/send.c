/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sends with an explicit IPv4 destination: UDP datagrams and TCP Fast
 * Open (MSG_FASTOPEN, a connect carrying data). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "addr.h"
#include "fdops.h"
#include "log.h"
#include "msgconv.h"
#include "tnat64.h"

#define CTL_MAX 1024

static ssize_t do_sendmsg(int fd, const struct msghdr *m, int flags)
{
	ssize_t r = real.sendmsg(fd, m, flags);

	return r < 0 ? neg_errno() : r;
}

/* Send our own rewritten copy m.  sendto costs the kernel less than
 * sendmsg (no msghdr and iovec to copy in): use it when the program called
 * sendto (own_iov: m's single iovec is ours, not the program's, so it can
 * be read here without risking a fault the kernel would report as
 * EFAULT). */
static ssize_t send_rewritten(int fd, const struct msghdr *m, int flags,
			      int own_iov)
{
	ssize_t r;

	if (own_iov && !m->msg_control && m->msg_iovlen == 1)
		r = real.sendto(fd, m->msg_iov[0].iov_base,
				m->msg_iov[0].iov_len, flags,
				(const struct sockaddr *)m->msg_name,
				m->msg_namelen);
	else
		r = real.sendmsg(fd, m, flags);
	return r < 0 ? neg_errno() : r;
}

/* Pieces an ICMP message may come in (its header takes one more). */
#define ICMP_IOV 64

/* An ICMP socket's message with no ICMPv6 form (not an echo): a raw one
 * loses it as a translator would (RFC 7915 section 5.1), reported sent;
 * a "ping" socket refuses it as the kernel does for IPv4 (EINVAL). */
static ssize_t icmp_no_form(int fd, const struct fdrec *rec,
			    const struct msghdr *msg, int flags)
{
	size_t n = 0;

	if (rec->type != SOCK_RAW)
		return do_sendmsg(fd, msg, flags);
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		n += msg->msg_iov[i].iov_len;
	return (ssize_t)n;
}

/* Send msg to the NAT64 form of sin; control messages become IPv6 ones,
 * an ICMP socket's echo header ICMPv6's. */
static ssize_t send_nat64(int fd, struct fdrec *rec, const struct msghdr *msg,
			  int flags, int pfx, const struct sockaddr_in *sin,
			  int own_iov)
{
	struct sockaddr_in6 s6;
	struct msghdr m = *msg;
	char ctl[CTL_MAX] __attribute__((aligned(sizeof(size_t))));
	struct iovec iov[ICMP_IOV + 1];
	uint8_t hdr[8];
	bool icmp = fdrec_kind(rec) == FD_ICMP6;
	ssize_t r;

	/* -ENETUNREACH when no prefix applies after all: the direct
	 * attempt's answer; an ICMPv6 socket's port is its protocol or
	 * nothing */
	r = tn_synth(pfx, sin->sin_addr.s_addr, icmp ? 0 : sin->sin_port,
		     &s6);
	if (r < 0)
		return r;
	m.msg_name = &s6;
	m.msg_namelen = sizeof(s6);
	if (msg->msg_control && msg->msg_controllen &&
	    msg->msg_controllen <= CTL_MAX / 2 - 32) {
		int overflow;

		m.msg_control = ctl;
		m.msg_controllen = msgconv_cmsg_to_v6(msg->msg_control,
				msg->msg_controllen, ctl, sizeof(ctl), &overflow);
		if (overflow)
			m.msg_control = msg->msg_control,
			m.msg_controllen = msg->msg_controllen;
	}
	if (icmp) {
		int e = tn_icmp_msg_4to6(&m, &m, iov, ICMP_IOV + 1, hdr);

		if (e < 0)
			return e;
		if (e == 0)
			return icmp_no_form(fd, rec, &m, flags);
		own_iov = 0;
	}
	r = send_rewritten(fd, &m, flags, own_iov);
	tn_cache_after(pfx, POLICY_SEND, r);
	return r;
}

/* A send on an FD_ICMP6 socket: to its connected peer (no destination),
 * to a NAT64 destination, or to a direct one (the AF_INET socket again:
 * there is no dual-stack ICMP socket, policy_icmp_family). */
static ssize_t icmp6_sendmsg(int fd, struct fdrec *rec,
			     const struct msghdr *msg, int flags, int own_iov)
{
	const struct sockaddr_in *sin = msg ? msg->msg_name : NULL;
	int pfx = -1, nat;

	if (!msg || !msg->msg_name) {
		struct msghdr m;
		struct iovec iov[ICMP_IOV + 1];
		uint8_t hdr[8];
		int e;

		if (!msg)
			return do_sendmsg(fd, msg, flags);
		e = tn_icmp_msg_4to6(msg, &m, iov, ICMP_IOV + 1, hdr);
		if (e < 0)
			return e;
		if (e == 0)
			return icmp_no_form(fd, rec, msg, flags);
		return do_sendmsg(fd, &m, flags);
	}
	if (msg->msg_namelen < (socklen_t)sizeof(*sin) ||
	    sin->sin_family != AF_INET)
		return msg->msg_namelen >= (socklen_t)sizeof(sa_family_t) &&
		       sin->sin_family != AF_UNSPEC ? -EAFNOSUPPORT : -EINVAL;
	rec->opts &= (uint8_t)~OPT_FRESH;
	nat = tn_route(sin->sin_addr.s_addr, 0, &pfx);
	if (policy_icmp_family(nat) == AF_INET) {
		int e = tn_replace(fd, rec, AF_INET);

		return e < 0 ? e : do_sendmsg(fd, msg, flags);
	}
	rec->peer_prefix = (uint8_t)pfx;
	return send_nat64(fd, rec, msg, flags, pfx, sin, own_iov);
}

/* The per-socket destination cache (struct fdrec, dst_*).  Lock-free and
 * async-signal-safe: a writer claims the record by making dst_seq odd;
 * readers that see an odd or changed dst_seq take the full path. */
static int dst_get(struct fdrec *rec, const struct sockaddr_in *sin,
		   struct sockaddr_in6 *out)
{
	uint32_t seq = atomic_load_explicit(&rec->dst_seq, memory_order_acquire);
	uint32_t v4, pp, a[4];
	int pfx;

	if (!seq || (seq & 1))
		return 0;
	v4 = atomic_load_explicit(&rec->dst_v4, memory_order_relaxed);
	pp = atomic_load_explicit(&rec->dst_port_pfx, memory_order_relaxed);
	for (int i = 0; i < 4; i++)
		a[i] = atomic_load_explicit(&rec->dst6[i], memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	if (atomic_load_explicit(&rec->dst_seq, memory_order_relaxed) != seq ||
	    v4 != sin->sin_addr.s_addr || (uint16_t)(pp >> 16) != sin->sin_port)
		return 0;
	pfx = (int)(pp & 0xff) - 1;
	/* A NAT64 destination holds while its prefix is known to work. */
	if (pfx >= 0 && tn_cache_get(pfx) != POLICY_NAT64_WORKS)
		return 0;
	memset(out, 0, sizeof(*out));
	out->sin6_family = AF_INET6;
	out->sin6_port = sin->sin_port;
	memcpy(out->sin6_addr.s6_addr, a, 16);
	return 1;
}

static void dst_put(struct fdrec *rec, const struct sockaddr_in *sin, int pfx,
		    const struct sockaddr_in6 *s6)
{
	uint32_t seq = atomic_load_explicit(&rec->dst_seq, memory_order_relaxed);
	uint32_t a[4];

	if ((seq & 1) || !atomic_compare_exchange_strong_explicit(&rec->dst_seq,
			&seq, seq + 1, memory_order_acquire, memory_order_relaxed))
		return; /* someone else is writing: skip, it is only a cache */
	atomic_thread_fence(memory_order_release);
	memcpy(a, s6->sin6_addr.s6_addr, 16);
	atomic_store_explicit(&rec->dst_v4, sin->sin_addr.s_addr,
			      memory_order_relaxed);
	atomic_store_explicit(&rec->dst_port_pfx,
			      (uint32_t)sin->sin_port << 16 | (uint32_t)(pfx + 1),
			      memory_order_relaxed);
	for (int i = 0; i < 4; i++)
		atomic_store_explicit(&rec->dst6[i], a[i], memory_order_relaxed);
	/* Never 0 again once used: 0 means empty. */
	atomic_store_explicit(&rec->dst_seq, seq + 2 ? seq + 2 : 2,
			      memory_order_release);
}

/* sendmsg() on an FD_EMU socket with an IPv4 destination. */
static ssize_t emu_sendmsg(int fd, struct fdrec *rec, const struct msghdr *msg,
			   int flags, const struct sockaddr_in *sin,
			   int own_iov)
{
	uint32_t v4 = sin->sin_addr.s_addr;
	struct policy_sock s;
	struct sockaddr_in6 m6;
	struct msghdr m = *msg;
	int pfx = -1, nat;
	ssize_t r;

	if ((rec->opts & OPT_FRESH) && policy_dest_needs_inet(v4)) {
		/* Be the AF_INET socket asked for. */
		r = tn_unfresh(fd, rec);
		return r < 0 ? r : do_sendmsg(fd, msg, flags);
	}
	if (rec->opts & OPT_FRESH)
		rec->opts &= (uint8_t)~OPT_FRESH;
	nat = tn_route(v4, sin->sin_port, &pfx);
	tn_sock_facts(rec, &s);
	if (nat && tn_way(fd, rec, POLICY_SEND, pfx, &s) == POLICY_WAY_NAT64) {
		rec->peer_prefix = (uint8_t)pfx;
		r = send_nat64(fd, rec, msg, flags, pfx, sin, own_iov);
		goto sent_nat64;
	}
	msgconv_v4_to_mapped(sin, &m6);
	m.msg_name = &m6;
	m.msg_namelen = sizeof(m6);
	r = send_rewritten(fd, &m, flags, own_iov);
	if (!nat && r >= 0 && rec->type == SOCK_DGRAM)
		dst_put(rec, sin, -1, &m6); /* local for good: config is fixed */
	if (!nat || !policy_direct_failed((int)r))
		return r;
	rec->peer_prefix = (uint8_t)pfx;
	r = send_nat64(fd, rec, msg, flags, pfx, sin, own_iov);
sent_nat64:
	if (r >= 0 && rec->type == SOCK_DGRAM &&
	    tn_synth(pfx, v4, sin->sin_port, &m6) == 0)
		dst_put(rec, sin, pfx, &m6);
	return r;
}

/* own_iov: msg and its single iovec were built by tn_sendto. */
static ssize_t sendmsg_any(int fd, const struct msghdr *msg, int flags,
			   int own_iov)
{
	const struct sockaddr_in *sin;
	struct fdrec *rec;
	struct policy_sock s;
	enum policy_way way;
	uint32_t kind;
	int pfx = -1, type, domain = AF_INET, direct;
	bool icmp = false;
	ssize_t r;

	if (!msg || !msg->msg_name ||
	    msg->msg_namelen < (socklen_t)sizeof(struct sockaddr_in) ||
	    ((const struct sockaddr *)msg->msg_name)->sa_family != AF_INET) {
		rec = fdtab_get(fd, 0);
		if (fdrec_kind(rec) == FD_ICMP6)
			return icmp6_sendmsg(fd, rec, msg, flags, own_iov);
		return do_sendmsg(fd, msg, flags);
	}
	sin = msg->msg_name;
	rec = fdtab_get(fd, 0);
	kind = fdrec_kind(rec);
	if (kind == FD_EMU)
		return emu_sendmsg(fd, rec, msg, flags, sin, own_iov);
	if (kind == FD_ICMP6)
		return icmp6_sendmsg(fd, rec, msg, flags, own_iov);
	if (kind == FD_PLAIN)
		icmp = policy_icmp(rec->type, rec->proto) &&
		       !(tn_icmp_flags(rec) & ICMPF_HDRINCL);
	/* ICMP has no ports: a path's port range never matches it */
	if (!tn_route(sin->sin_addr.s_addr, icmp ? 0 : sin->sin_port, &pfx))
		return do_sendmsg(fd, msg, flags);

	/* An AF_INET socket: datagrams, ICMP, or a TCP Fast Open connect. */
	if (kind == FD_PLAIN) {
		type = rec->type;
		domain = rec->domain;
		if (domain != AF_INET ||
		    !(icmp || (policy_translatable(type, rec->proto) &&
			       (type == SOCK_DGRAM ||
				(type == SOCK_STREAM &&
				 (flags & MSG_FASTOPEN))))))
			return do_sendmsg(fd, msg, flags);
	} else {
		type = -1;
	}
	/* A socket never seen made is asked nothing before a direct
	 * attempt failed (policy: it may be bound). */
	tn_sock_facts(rec, &s);
	way = tn_way(fd, rec, POLICY_SEND, pfx, &s);
	if (way == POLICY_WAY_DIRECT)
		return do_sendmsg(fd, msg, flags);
	direct = way == POLICY_WAY_DIRECT_FIRST;
	if (direct) {
		r = do_sendmsg(fd, msg, flags);
		if (!policy_direct_failed((int)r))
			return r;
	}
	if (type < 0) {
		int v;
		socklen_t l = sizeof(v);

		if (real.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) < 0)
			return -ENETUNREACH;
		domain = v;
		l = sizeof(v);
		if (real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l) < 0)
			return -ENETUNREACH;
		type = v;
		l = sizeof(v);
		if (real.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) < 0 ||
		    !policy_translatable(type, v))
			return -ENETUNREACH;
	}
	if (domain != AF_INET ||
	    !(icmp || type == SOCK_DGRAM || (type == SOCK_STREAM &&
					     (flags & MSG_FASTOPEN))))
		return -ENETUNREACH;
	if (!rec)
		rec = fdtab_get(fd, 1);
	/* Every path here tried IPv4 first or knows NAT64 works; without an
	 * IPv6 socket, the IPv4 error is the answer. */
	if (tn_replace(fd, rec, AF_INET6) < 0)
		return direct ? -ENETUNREACH : do_sendmsg(fd, msg, flags);
	if (rec) {
		rec->peer_prefix = (uint8_t)pfx;
		if (type == SOCK_STREAM) {
			rec->peer_v4 = sin->sin_addr.s_addr;
			rec->peer_port = sin->sin_port;
		}
	}
	r = send_nat64(fd, rec, msg, flags, pfx, sin, own_iov);
	log_msg(LOG_INFO, "fd %d: %s to %A:%u via NAT64%s", fd,
		icmp ? "ICMP" : type == SOCK_DGRAM ? "datagrams" : "fast open",
		sin->sin_addr.s_addr, (unsigned)ntohs(sin->sin_port),
		r < 0 ? " failed" : "");
	return r;
}

ssize_t tn_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return sendmsg_any(fd, msg, flags, 0);
}

ssize_t tn_sendto(int fd, const void *buf, size_t n, int flags,
		  const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_in6 s6;
	struct fdrec *rec;
	ssize_t r;

	if (!addr || len < (socklen_t)sizeof(struct sockaddr_in) ||
	    addr->sa_family != AF_INET) {
		rec = fdtab_get(fd, 0);
		if (fdrec_kind(rec) == FD_ICMP6)
			goto icmp;
		r = real.sendto(fd, buf, n, flags, addr, len);
		return r < 0 ? neg_errno() : r;
	}
	/* The same peer as last time on a stand-in datagram socket. */
	rec = fdtab_get(fd, 0);
	if (fdrec_kind(rec) == FD_EMU &&
	    dst_get(rec, (const struct sockaddr_in *)(const void *)addr, &s6)) {
		r = real.sendto(fd, buf, n, flags, (struct sockaddr *)&s6,
				sizeof(s6));
		if (r >= 0)
			return r;
		r = neg_errno();
		if (!policy_nat64_unreachable(POLICY_SEND, (int)r))
			return r;
		/* The way there is gone: decide again. */
	}
icmp:
	{
		struct iovec iov = { .iov_base = (void *)buf, .iov_len = n };
		struct msghdr m = { .msg_name = (void *)addr,
				    .msg_namelen = len, .msg_iov = &iov,
				    .msg_iovlen = 1 };

		return sendmsg_any(fd, &m, flags, 1);
	}
}

/* sendmmsg: untouched unless a message has an IPv4 destination that
 * needs us; then message by message, as the kernel would report it
 * (the count sent, or the first error if none was). */
int tn_sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags)
{
	struct fdrec *rec = fdtab_get(fd, 0);
	int emu = fdrec_kind(rec) == FD_EMU || fdrec_kind(rec) == FD_ICMP6;
	int need = 0;
	unsigned int i;

	for (i = 0; vec && i < n && !need; i++) {
		const struct msghdr *m = &vec[i].msg_hdr;
		const struct sockaddr_in *sin = m->msg_name;
		int pfx;

		if (!sin || m->msg_namelen < (socklen_t)sizeof(*sin) ||
		    sin->sin_family != AF_INET)
			continue;
		need = emu || tn_route(sin->sin_addr.s_addr, sin->sin_port,
				       &pfx);
	}
	if (!need) {
		int r = real.sendmmsg(fd, vec, n, flags);
		return r < 0 ? neg_errno() : r;
	}
	for (i = 0; i < n; i++) {
		ssize_t r = tn_sendmsg(fd, &vec[i].msg_hdr, flags);

		if (r < 0)
			return i ? (int)i : (int)r;
		vec[i].msg_len = (unsigned int)r;
	}
	return (int)n;
}

/* send(2): only an ICMPv6 socket of ours needs anything (its connected
 * peer's echo header); the rest is sendto without an address. */
ssize_t tn_send(int fd, const void *buf, size_t n, int flags)
{
	return tn_sendto(fd, buf, n, flags, NULL, 0);
}
