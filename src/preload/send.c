/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sendto/sendmsg with a destination: TCP Fast Open (MSG_FASTOPEN), which
 * is a connect carrying data. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "addr.h"
#include "tnat64.h"

enum { DEST_ASIS, DEST_REWRITTEN };

/* Decide where a send with an explicit IPv4 destination goes; when it
 * must be rewritten, out holds the IPv6 destination.  *direct_first says
 * the caller must first try the original destination. */
static int dest_for(int fd, struct fdrec **recp, const struct sockaddr *addr,
		    socklen_t len, int flags, struct sockaddr_in6 *out,
		    int *pfxp, int *direct_first)
{
	const struct sockaddr_in *sin = (const void *)addr;
	struct fdrec *rec = fdtab_get(fd, 0);
	uint32_t kind = fdrec_kind(rec);
	int pfx = -1, nat;

	*recp = rec;
	*direct_first = 0;
	if (!addr || len < (socklen_t)sizeof(*sin) || addr->sa_family != AF_INET)
		return DEST_ASIS;
	if (kind != FD_EMU && !(flags & MSG_FASTOPEN))
		return DEST_ASIS;
	nat = tn_route(sin->sin_addr.s_addr, sin->sin_port, &pfx);
	*pfxp = pfx;
	if (nat && tn_cache_get(pfx) == CACHE_NAT64_WORKS) {
		tn_synth(pfx, sin->sin_addr.s_addr, sin->sin_port, out);
		return DEST_REWRITTEN;
	}
	if (kind == FD_EMU) {
		memset(out, 0, sizeof(*out));
		out->sin6_family = AF_INET6;
		out->sin6_port = sin->sin_port;
		ipv6_make_v4mapped(sin->sin_addr.s_addr, out->sin6_addr.s6_addr);
		*direct_first = nat;
		return DEST_REWRITTEN;
	}
	if (!nat)
		return DEST_ASIS;
	*direct_first = 1;
	tn_synth(pfx, sin->sin_addr.s_addr, sin->sin_port, out);
	return DEST_REWRITTEN;
}

static ssize_t do_sendmsg(int fd, const struct msghdr *m, int flags)
{
	ssize_t r = real.sendmsg(fd, m, flags);

	return r < 0 ? neg_errno() : r;
}

ssize_t tn_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct sockaddr_in6 s6;
	struct fdrec *rec;
	struct msghdr m;
	int pfx = -1, direct_first, kind;
	const struct sockaddr_in *sin;
	ssize_t r;

	if (!msg || dest_for(fd, &rec, msg->msg_name, msg->msg_namelen, flags,
			     &s6, &pfx, &direct_first) == DEST_ASIS)
		return do_sendmsg(fd, msg, flags);
	sin = msg->msg_name;
	kind = (int)fdrec_kind(rec);
	m = *msg;
	if (kind == FD_EMU) {
		/* s6 is the mapped or the NAT64 form already. */
		m.msg_name = &s6;
		m.msg_namelen = sizeof(s6);
		r = do_sendmsg(fd, &m, flags);
		if (r != -ENETUNREACH || !direct_first)
			return r;
		tn_synth(pfx, sin->sin_addr.s_addr, sin->sin_port, &s6);
		r = do_sendmsg(fd, &m, flags);
		tn_cache_set(pfx, r == -ENETUNREACH ? CACHE_DIRECT_FIRST
						    : CACHE_NAT64_WORKS);
		return r;
	}
	/* An AF_INET socket: only TCP Fast Open gets here. */
	if (direct_first) {
		r = do_sendmsg(fd, msg, flags);
		if (r != -ENETUNREACH)
			return r;
	}
	if (!rec)
		rec = fdtab_get(fd, 1);
	r = tn_replace(fd, rec, AF_INET6);
	if (r < 0)
		return r;
	if (rec) {
		rec->peer_prefix = (uint8_t)pfx;
		rec->peer_v4 = sin->sin_addr.s_addr;
		rec->peer_port = sin->sin_port;
	}
	m.msg_name = &s6;
	m.msg_namelen = sizeof(s6);
	r = do_sendmsg(fd, &m, flags);
	tn_cache_set(pfx, r == -ENETUNREACH ? CACHE_DIRECT_FIRST
					    : CACHE_NAT64_WORKS);
	return r;
}

ssize_t tn_sendto(int fd, const void *buf, size_t n, int flags,
		  const struct sockaddr *addr, socklen_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = n };
	struct msghdr m = { .msg_name = (void *)addr, .msg_namelen = len,
			    .msg_iov = &iov, .msg_iovlen = 1 };
	struct fdrec *rec;
	struct sockaddr_in6 s6;
	int pfx, direct_first;

	if (dest_for(fd, &rec, addr, len, flags, &s6, &pfx, &direct_first) ==
	    DEST_ASIS) {
		ssize_t r = real.sendto(fd, buf, n, flags, addr, len);
		return r < 0 ? neg_errno() : r;
	}
	return tn_sendmsg(fd, &m, flags);
}
