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

/* Send msg to the NAT64 form of sin; control messages become IPv6 ones. */
static ssize_t send_nat64(int fd, const struct msghdr *msg, int flags,
			  int pfx, const struct sockaddr_in *sin, int own_iov)
{
	struct sockaddr_in6 s6;
	struct msghdr m = *msg;
	char ctl[CTL_MAX] __attribute__((aligned(sizeof(size_t))));
	ssize_t r;

	tn_synth(pfx, sin->sin_addr.s_addr, sin->sin_port, &s6);
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
	r = send_rewritten(fd, &m, flags, own_iov);
	if (r >= 0 || r == -EINPROGRESS || r == -EAGAIN || r == -EWOULDBLOCK ||
	    r == -ENOBUFS || r == -EMSGSIZE || r == -ECONNREFUSED)
		tn_cache_set(pfx, CACHE_NAT64_WORKS);
	else if (r == -ENETUNREACH || r == -EHOSTUNREACH || r == -EADDRNOTAVAIL)
		tn_cache_set(pfx, CACHE_DIRECT_FIRST);
	return r;
}

/* sendmsg() on an FD_EMU socket with an IPv4 destination. */
static ssize_t emu_sendmsg(int fd, struct fdrec *rec, const struct msghdr *msg,
			   int flags, const struct sockaddr_in *sin,
			   int own_iov)
{
	uint32_t v4 = sin->sin_addr.s_addr;
	struct sockaddr_in6 m6;
	struct msghdr m = *msg;
	int pfx = -1, nat;
	ssize_t r;

	if (ipv4_is_multicast_or_broadcast(v4) && (rec->opts & OPT_FRESH)) {
		/* Never translated: be the AF_INET socket asked for. */
		r = tn_unfresh(fd, rec);
		return r < 0 ? r : do_sendmsg(fd, msg, flags);
	}
	rec->opts &= (uint8_t)~OPT_FRESH;
	nat = tn_route(v4, sin->sin_port, &pfx);
	if (nat && tn_cache_get(pfx) == CACHE_NAT64_WORKS) {
		rec->peer_prefix = (uint8_t)pfx;
		return send_nat64(fd, msg, flags, pfx, sin, own_iov);
	}
	msgconv_v4_to_mapped(sin, &m6);
	m.msg_name = &m6;
	m.msg_namelen = sizeof(m6);
	r = send_rewritten(fd, &m, flags, own_iov);
	if (r != -ENETUNREACH || !nat)
		return r;
	rec->peer_prefix = (uint8_t)pfx;
	return send_nat64(fd, msg, flags, pfx, sin, own_iov);
}

/* own_iov: msg and its single iovec were built by tn_sendto. */
static ssize_t sendmsg_any(int fd, const struct msghdr *msg, int flags,
			   int own_iov)
{
	const struct sockaddr_in *sin;
	struct fdrec *rec;
	uint32_t kind;
	int pfx = -1, type, domain = AF_INET;
	ssize_t r;

	if (!msg || !msg->msg_name ||
	    msg->msg_namelen < (socklen_t)sizeof(struct sockaddr_in) ||
	    ((const struct sockaddr *)msg->msg_name)->sa_family != AF_INET)
		return do_sendmsg(fd, msg, flags);
	sin = msg->msg_name;
	rec = fdtab_get(fd, 0);
	kind = fdrec_kind(rec);
	if (kind == FD_EMU)
		return emu_sendmsg(fd, rec, msg, flags, sin, own_iov);
	if (!tn_route(sin->sin_addr.s_addr, sin->sin_port, &pfx))
		return do_sendmsg(fd, msg, flags);

	/* An AF_INET socket: datagrams, or a TCP Fast Open connect. */
	if (kind == FD_PLAIN) {
		type = rec->type;
		domain = rec->domain;
		if (domain != AF_INET ||
		    !(type == SOCK_DGRAM || (type == SOCK_STREAM &&
					     (flags & MSG_FASTOPEN))))
			return do_sendmsg(fd, msg, flags);
	} else {
		type = -1;
	}
	if (kind != FD_PLAIN || tn_cache_get(pfx) != CACHE_NAT64_WORKS ||
	    (rec->opts & OPT_BOUND)) {
		r = do_sendmsg(fd, msg, flags);
		if (r != -ENETUNREACH)
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
	}
	if (domain != AF_INET ||
	    !(type == SOCK_DGRAM || (type == SOCK_STREAM &&
				     (flags & MSG_FASTOPEN))))
		return -ENETUNREACH;
	if (!rec)
		rec = fdtab_get(fd, 1);
	r = tn_replace(fd, rec, AF_INET6);
	if (r < 0)
		return r;
	if (rec) {
		rec->peer_prefix = (uint8_t)pfx;
		if (type == SOCK_STREAM) {
			rec->peer_v4 = sin->sin_addr.s_addr;
			rec->peer_port = sin->sin_port;
		}
	}
	r = send_nat64(fd, msg, flags, pfx, sin, own_iov);
	log_msg(LOG_INFO, "fd %d: %s to %A:%u via NAT64%s", fd,
		type == SOCK_DGRAM ? "datagrams" : "fast open",
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
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = n };
	struct msghdr m = { .msg_name = (void *)addr, .msg_namelen = len,
			    .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;

	if (!addr || len < (socklen_t)sizeof(struct sockaddr_in) ||
	    addr->sa_family != AF_INET) {
		r = real.sendto(fd, buf, n, flags, addr, len);
		return r < 0 ? neg_errno() : r;
	}
	return sendmsg_any(fd, &m, flags, 1);
}

/* sendmmsg: untouched unless a message has an IPv4 destination that
 * needs us; then message by message, as the kernel would report it
 * (the count sent, or the first error if none was). */
int tn_sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags)
{
	struct fdrec *rec = fdtab_get(fd, 0);
	int emu = fdrec_kind(rec) == FD_EMU, need = 0;
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
