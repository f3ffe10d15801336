/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sendto(2), sendmsg(2), sendmmsg(2) with a destination: datagrams
 * (and TCP Fast Open connects) of translated sockets go to the NAT64
 * address or ::ffff:a.b.c.d, those of an AF_INET socket whose
 * destination needs NAT64 replace it first.  The message is copied out
 * of the program once and sent by us. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "msgconv.h"
#include "sv.h"

static ssize_t do_send(struct call *c, int d, struct sv_lmsg *lm,
		       const void *name, socklen_t namelen, int flags)
{
	struct msghdr m = {
		.msg_name = (void *)name, .msg_namelen = namelen,
		.msg_iov = &lm->iov, .msg_iovlen = 1,
		.msg_control = lm->ctl, .msg_controllen = lm->ctllen,
	};
	ssize_t r;

	sv_maybe_pass_turn(c, d, flags, POLLOUT);
	sv_block_begin(c);
	r = sendmsg(d, &m, flags);
	if (r < 0)
		r = -errno;
	sv_block_end(c);
	return r;
}

/* An ICMP socket's message with no ICMPv6 form (no echo): a raw one
 * loses it as a translator would (RFC 7915 section 5.1), reported sent;
 * a "ping" socket gets the kernel's answer (EINVAL, as for IPv4). */
static ssize_t icmp_no_form(struct call *c, struct sockinfo *si,
			    struct sv_lmsg *lm, const void *name,
			    socklen_t namelen, int flags)
{
	if (si->type == SOCK_RAW)
		return (ssize_t)lm->iov.iov_len;
	return do_send(c, si->d, lm, name, namelen, flags);
}

/* A send on an ICMP socket (policy.h, policy_icmp): as a datagram's, on
 * an ICMPv6 socket of ours for NAT64 destinations (sv_icmp_to_v6), with
 * the echo header and control messages in their IPv6 form. */
static ssize_t icmp_send(struct call *c, struct sockinfo *si,
			 struct sv_lmsg *lm, int flags)
{
	const struct sockaddr_in *sin = (const void *)&lm->name;
	const void *name = lm->namelen ? &lm->name : NULL;
	char ctl6[1024] __attribute__((aligned(sizeof(size_t))));
	struct sockaddr_in6 s6;
	enum policy_way way = POLICY_WAY_NAT64;
	void *ctl4 = lm->ctl;
	size_t ctl4len = lm->ctllen;
	uint32_t v4;
	int pfx = -1, nat, e;
	ssize_t r;

	if (!lm->namelen) {
		/* connected (through sendmsg; send() is not trapped) */
		if (!si->have_x)
			return do_send(c, si->d, lm, NULL, 0, flags);
		if (!sv_icmp_4to6(lm))
			return icmp_no_form(c, si, lm, NULL, 0, flags);
		return do_send(c, si->d, lm, NULL, 0, flags);
	}
	if (lm->namelen < sizeof(*sin) || sin->sin_family != AF_INET) {
		if (!si->have_x)
			return do_send(c, si->d, lm, name, lm->namelen, flags);
		return sin->sin_family != AF_UNSPEC ? -EAFNOSUPPORT : -EINVAL;
	}
	v4 = sin->sin_addr.s_addr;
	nat = sv_route(v4, 0, &pfx);   /* ICMP has no ports */
	if (si->have_x) {
		if (policy_icmp_family(nat) == AF_INET) {
			e = sv_unstand(c, si);
			return e < 0 ? e : do_send(c, si->d, lm, name,
						   lm->namelen, flags);
		}
	} else {
		if (!nat)
			return do_send(c, si->d, lm, name, lm->namelen, flags);
		way = sv_way(si, POLICY_SEND, pfx);
		if (way == POLICY_WAY_DIRECT)
			return do_send(c, si->d, lm, name, lm->namelen, flags);
		if (way == POLICY_WAY_DIRECT_FIRST) {
			r = do_send(c, si->d, lm, name, lm->namelen, flags);
			if (!policy_direct_failed((int)r))
				return r;
		}
		e = sv_icmp_to_v6(c, si, false);
		if (e < 0)
			return way == POLICY_WAY_DIRECT_FIRST
			       ? -ENETUNREACH
			       : do_send(c, si->d, lm, name, lm->namelen,
					 flags);
	}
	if (si->x.standin || si->x.pfx != pfx) {
		si->x.standin = false;
		si->x.pfx = pfx;
		socktab_put(&si->x);
	}
	sv_synth(pfx, v4, 0, &s6);
	if (!sv_icmp_4to6(lm))
		return icmp_no_form(c, si, lm, &s6, sizeof(s6), flags);
	if (lm->ctllen && lm->ctllen <= sizeof(ctl6) / 2 - 32) {
		int overflow;
		size_t n = msgconv_cmsg_to_v6(lm->ctl, lm->ctllen, ctl6,
					      sizeof(ctl6), &overflow);

		if (!overflow) {
			lm->ctl = ctl6;
			lm->ctllen = n;
		}
	}
	r = do_send(c, si->d, lm, &s6, sizeof(s6), flags);
	lm->ctl = ctl4;
	lm->ctllen = ctl4len;
	if (way != POLICY_WAY_NAT64 || r < 0)
		sv_log_xlat("ICMP", c, si->fd, v4, 0, &s6, (int)(r < 0 ? r : 0));
	sv_cache_after(pfx, POLICY_SEND, r);
	return r;
}

/* One message with its destination, socket already classified. */
static ssize_t send_one(struct call *c, struct sockinfo *si, struct sv_lmsg *lm,
			int flags)
{
	const struct sockaddr_in *sin = (const void *)&lm->name;
	const struct sockaddr_in6 *in6 = (const void *)&lm->name;
	struct sockaddr_in6 s6;
	enum policy_way way;
	uint32_t v4;
	uint16_t port;
	int pfx, rflags;
	ssize_t r;
	bool direct_first;

	/* A stream stand-in with MSG_FASTOPEN connects like connect(). */
	bool tfo = si->type == SOCK_STREAM && (flags & MSG_FASTOPEN) &&
		   si->have_x && !si->x.v6map;

	if (sv_is_icmp(si))
		return icmp_send(c, si, lm, flags);
	if (!sv_translatable(si) || (si->type != SOCK_DGRAM && !tfo))
		return do_send(c, si->d, lm, lm->namelen ? &lm->name : NULL,
			       lm->namelen, flags);
	if (si->have_x && !si->x.v6map) {
		if (lm->namelen >= sizeof(sin->sin_family) &&
		    sin->sin_family != AF_INET && sin->sin_family != AF_UNSPEC)
			return -EAFNOSUPPORT;   /* as on an AF_INET socket */
		if (lm->namelen < sizeof(*sin) || sin->sin_family != AF_INET)
			return do_send(c, si->d, lm,
				       lm->namelen ? &lm->name : NULL,
				       lm->namelen, flags);
		v4 = sin->sin_addr.s_addr;
		port = sin->sin_port;
		if (si->x.standin && policy_dest_needs_inet(v4)) {
			/* Be the AF_INET socket asked for. */
			int e = sv_unstand(c, si);

			return e < 0 ? e : do_send(c, si->d, lm, &lm->name,
						   lm->namelen, flags);
		}
		direct_first = sv_dest_on_x(si, POLICY_SEND, v4, port, &s6,
					    &pfx);
		r = do_send(c, si->d, lm, &s6, sizeof(s6), flags);
		if (direct_first && policy_direct_failed((int)r)) {
			sv_synth(pfx, v4, port, &s6);
			r = do_send(c, si->d, lm, &s6, sizeof(s6), flags);
		}
		if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
			sv_cache_after(pfx, POLICY_SEND, r);
		if (tfo && (r >= 0 || r == -EINPROGRESS)) {
			si->x.pfx = IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr) ? -1
									: pfx;
			si->x.peer_v4 = v4;
			si->x.peer_port = port;
			si->x.connected = true;
			si->x.standin = false;
			socktab_put(&si->x);
		} else if (si->x.standin && r >= 0) {
			si->x.standin = false;   /* bound now */
			socktab_put(&si->x);
		}
		return r;
	}
	/* An AF_INET socket, or an AF_INET6 one sending to ::ffff:x. */
	if (si->domain == AF_INET && lm->namelen >= sizeof(*sin) &&
	    sin->sin_family == AF_INET) {
		v4 = sin->sin_addr.s_addr;
		port = sin->sin_port;
	} else if (si->domain == AF_INET6 && lm->namelen >= sizeof(*in6) &&
		   in6->sin6_family == AF_INET6 &&
		   ipv6_is_v4mapped(in6->sin6_addr.s6_addr)) {
		memcpy(&v4, &in6->sin6_addr.s6_addr[12], 4);
		port = in6->sin6_port;
	} else {
		return do_send(c, si->d, lm, lm->namelen ? &lm->name : NULL,
			       lm->namelen, flags);
	}
	if (!sv_route(v4, port, &pfx))
		return do_send(c, si->d, lm, &lm->name, lm->namelen, flags);
	way = sv_way(si, POLICY_SEND, pfx);
	if (way == POLICY_WAY_DIRECT)
		return do_send(c, si->d, lm, &lm->name, lm->namelen, flags);
	if (way == POLICY_WAY_DIRECT_FIRST) {
		r = do_send(c, si->d, lm, &lm->name, lm->namelen, flags);
		if (!policy_direct_failed((int)r))
			return r;
	}
	sv_synth(pfx, v4, port, &s6);
	if (si->domain == AF_INET) {
		int e = sv_replace_socket(c, si, &rflags);

		if (e < 0)
			return e;
		if (!(rflags & O_NONBLOCK))
			fcntl(si->d, F_SETFL, rflags);
	} else if (!si->have_x) {
		sv_x_begin(si, pfx);
		si->x.v6map = true;
		socktab_put(&si->x);
	}
	r = do_send(c, si->d, lm, &s6, sizeof(s6), flags);
	sv_log_xlat("send", c, si->fd, v4, port, &s6, (int)(r < 0 ? r : 0));
	sv_cache_after(pfx, POLICY_SEND, r);
	return r;
}

/* Common front of the send calls: SV_CONTINUE or 0 with si open. */
static int64_t send_front(struct call *c, struct sockinfo *si, int flags)
{
	int r = sv_sock_open(c, (int)c->args[0], si);

	if (r == SV_NOT_INSPECTABLE)
		return SV_CONTINUE;
	if (r < 0)
		return r;
	/* Not IP, or a stream socket (whose sendto/sendmsg address the
	 * kernel ignores, TCP Fast Open aside). */
	if (!sv_is_inet(si) ||
	    (si->type == SOCK_STREAM && !(flags & MSG_FASTOPEN))) {
		sv_sock_close(si);
		return SV_CONTINUE;
	}
	return 0;
}

int64_t sv_handle_sendto(struct call *c)
{
	struct sockinfo si;
	struct sv_lmsg lm;
	struct iovec riov;
	int flags = (int)c->args[3];
	int64_t r = send_front(c, &si, flags);
	ssize_t n;

	if (r)
		return r;
	memset(&lm, 0, sizeof(lm));
	r = sv_read_sockaddr(c, c->args[4], c->args[5], &lm.name, &lm.namelen);
	if (r == 0 && c->args[2] > SV_SEND_MAX)
		r = -EMSGSIZE;
	if (r == 0) {
		lm.iov.iov_len = c->args[2];
		lm.iov.iov_base = malloc(lm.iov.iov_len ? lm.iov.iov_len : 1);
		if (!lm.iov.iov_base)
			r = -ENOMEM;
	}
	if (r == 0 && lm.iov.iov_len) {
		riov.iov_base = (void *)(uintptr_t)c->args[1];
		riov.iov_len = lm.iov.iov_len;
		n = sv_readv(c, lm.iov.iov_base, lm.iov.iov_len, &riov, 1);
		if (n < 0 || (size_t)n != lm.iov.iov_len)
			r = n == -ENOENT ? -ENOENT : -EFAULT;
	}
	if (r == 0)
		r = send_one(c, &si, &lm, flags);
	sv_lmsg_free(&lm);
	sv_sock_close(&si);
	return r;
}

int64_t sv_handle_sendmsg(struct call *c)
{
	struct sockinfo si;
	struct msghdr m;
	struct sv_lmsg lm;
	int flags = (int)c->args[2];
	int64_t r = send_front(c, &si, flags);

	if (r)
		return r;
	r = sv_read(c, c->args[1], &m, sizeof(m));
	if (r == 0)
		r = sv_read_send_msg(c, &m, &lm);
	if (r == 0) {
		r = send_one(c, &si, &lm, flags);
		sv_lmsg_free(&lm);
	}
	sv_sock_close(&si);
	return r;
}

int64_t sv_handle_sendmmsg(struct call *c)
{
	struct sockinfo si;
	int flags = (int)c->args[3];
	unsigned vlen = (unsigned)c->args[2];
	int64_t r = send_front(c, &si, flags);
	unsigned i;

	if (r)
		return r;
	if (vlen > SV_MMSG_MAX)
		vlen = SV_MMSG_MAX;
	for (i = 0; i < vlen; i++) {
		uint64_t at = c->args[1] + (uint64_t)i * sizeof(struct mmsghdr);
		struct mmsghdr mm;
		struct sv_lmsg lm;
		ssize_t n;

		r = sv_read(c, at, &mm, sizeof(mm));
		if (r == 0)
			r = sv_read_send_msg(c, &mm.msg_hdr, &lm);
		if (r < 0)
			break;
		n = send_one(c, &si, &lm, flags);
		sv_lmsg_free(&lm);
		if (n < 0) {
			r = n;
			break;
		}
		r = sv_put_msg_len(c, at, n);
		if (r < 0)
			break;
	}
	sv_sock_close(&si);
	return i > 0 ? (int64_t)i : r;
}
