/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sendto(2), sendmsg(2), sendmmsg(2) with a destination.  A datagram
 * (or TCP Fast Open connect) to a NAT64 destination is sent by us: from
 * one of our sockets to the NAT64 address or ::ffff:a.b.c.d, from an
 * AF_INET socket of the program after replacing it by an AF_INET6 one
 * (replace.c), from an AF_INET6 one to the NAT64 address in place.  The
 * message is copied out of the program once.  Everything else (no
 * destination, a direct IPv4 one, another family) is the kernel's, as
 * it is: a dual-stack socket of ours sends to an IPv4 address itself. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "msgconv.h"
#include "sv.h"

/* What a destination asks of us. */
enum dest_kind {
	DEST_KERNEL,   /* none, direct IPv4, another family: the kernel's */
	DEST_V6,       /* an IPv6 address: only our sockets need a look */
	DEST_NAT64,    /* IPv4 (or ::ffff:) through a NAT64 prefix: ours */
};

static enum dest_kind classify(const struct sockaddr_storage *ss,
			       socklen_t len)
{
	const struct sockaddr_in *sin = (const void *)ss;
	const struct sockaddr_in6 *in6 = (const void *)ss;
	uint32_t v4;
	int pfx;

	if (len >= sizeof(*sin) && ss->ss_family == AF_INET)
		return sv_route(sin->sin_addr.s_addr, sin->sin_port, &pfx)
		       ? DEST_NAT64 : DEST_KERNEL;
	if (len < sizeof(ss->ss_family) || ss->ss_family != AF_INET6)
		return DEST_KERNEL;
	if (len >= sizeof(*in6) && ipv6_is_v4mapped(in6->sin6_addr.s6_addr)) {
		memcpy(&v4, &in6->sin6_addr.s6_addr[12], 4);
		if (sv_route(v4, in6->sin6_port, &pfx))
			return DEST_NAT64;
	}
	return DEST_V6;
}

/* May the program's call wait (a blocking socket, no MSG_DONTWAIT)? */
static bool may_wait(struct sockinfo *si, int flags)
{
	int fl;

	if (flags & MSG_DONTWAIT)
		return false;
	fl = sv_sock_flags(si);
	return fl >= 0 && !(fl & O_NONBLOCK);
}

static ssize_t do_send(struct call *c, struct sockinfo *si,
		       struct sv_lmsg *lm, const void *name,
		       socklen_t namelen, int flags)
{
	struct msghdr m = {
		.msg_name = (void *)name, .msg_namelen = namelen,
		.msg_iov = &lm->iov, .msg_iovlen = 1,
		.msg_control = lm->ctl, .msg_controllen = lm->ctllen,
	};
	ssize_t r;

	if (si->type == SOCK_STREAM) {
		/* TCP Fast Open: the send connects, and may wait for it. */
		sv_maybe_pass_turn(c, si->d, flags, POLLOUT);
		sv_block_begin(c);
		r = sendmsg(si->d, &m, flags);
		r = r < 0 ? -errno : r;
		sv_block_end(c);
		return r == -EINTR ? sv_interrupted(c, si->d, SO_SNDTIMEO) : r;
	}
	/* A datagram goes at once, unless the send buffer is full: only
	 * then may it wait, without our receive turn. */
	r = sendmsg(si->d, &m, flags | MSG_DONTWAIT);
	if (r >= 0)
		return r;
	r = -errno;
	if (r != -EAGAIN || !may_wait(si, flags))
		return r;
	sv_pass_turn(c);
	sv_block_begin(c);
	r = sendmsg(si->d, &m, flags);
	r = r < 0 ? -errno : r;
	sv_block_end(c);
	return r == -EINTR ? sv_interrupted(c, si->d, SO_SNDTIMEO) : r;
}

/* A datagram or TFO connect of an AF_INET socket of the program to a
 * NAT64 destination v4:port, synthesized as *s6 (way: not direct only). */
static ssize_t send_replacing(struct call *c, struct sockinfo *si,
			      struct sv_lmsg *lm, int flags, int pfx,
			      uint32_t v4, uint16_t port,
			      const struct sockaddr_in6 *s6)
{
	unsigned carried;
	int old, e;
	ssize_t r;

	e = sv_replace_socket(c, si, false, &old, &carried);
	if (e < 0)
		return e;
	si->x.pfx = pfx;
	if (si->type == SOCK_STREAM) {
		si->x.peer_v4 = v4;
		si->x.peer_port = port;
		si->x.connected = true;
		socktab_put(&si->x);
	}
	r = do_send(c, si, lm, s6, sizeof(*s6), flags);
	sv_log_xlat("send", c, si->fd, v4, port, s6, (int)(r < 0 ? r : 0));
	sv_cache_after(pfx, POLICY_SEND, r);
	sv_replace_end(c, si, old, r);
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
	return do_send(c, si, lm, name, namelen, flags);
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
	int pfx = -1, nat, old = -1;
	ssize_t r;

	if (!lm->namelen) {
		/* connected (through sendmsg; send() is not trapped) */
		if (si->have_x && !sv_icmp_4to6(lm))
			return icmp_no_form(c, si, lm, NULL, 0, flags);
		return do_send(c, si, lm, NULL, 0, flags);
	}
	if (lm->namelen < sizeof(*sin) || sin->sin_family != AF_INET) {
		if (!si->have_x)
			return do_send(c, si, lm, name, lm->namelen, flags);
		return sin->sin_family != AF_UNSPEC ? -EAFNOSUPPORT : -EINVAL;
	}
	v4 = sin->sin_addr.s_addr;
	nat = sv_route(v4, 0, &pfx);   /* ICMP has no ports */
	if (si->have_x) {
		/* an ICMPv6 socket cannot reach a direct IPv4 destination
		 * (and ours has no AF_INET twin): what IPv4 says without
		 * a route */
		if (policy_icmp_family(nat) == AF_INET)
			return -ENETUNREACH;
	} else {
		if (!nat)
			return do_send(c, si, lm, name, lm->namelen, flags);
		way = sv_way(si, POLICY_SEND, pfx);
		if (way == POLICY_WAY_DIRECT)
			return do_send(c, si, lm, name, lm->namelen, flags);
		if (way == POLICY_WAY_DIRECT_FIRST) {
			r = do_send(c, si, lm, name, lm->namelen, flags);
			if (!policy_direct_failed((int)r))
				return r;
		}
	}
	/* no prefix applies after all (a default left to discovery that
	 * found none): the direct answer */
	if (sv_synth(c, pfx, v4, 0, &s6) < 0)
		return way == POLICY_WAY_DIRECT_FIRST || si->have_x
		       ? -ENETUNREACH
		       : do_send(c, si, lm, name, lm->namelen, flags);
	if (!si->have_x) {
		int e = sv_icmp_to_v6(c, si, pfx, &old);

		if (e < 0)
			return way == POLICY_WAY_DIRECT_FIRST
			       ? -ENETUNREACH
			       : do_send(c, si, lm, name, lm->namelen, flags);
	} else if (si->x.pfx != pfx) {
		si->x.pfx = pfx;
		socktab_put(&si->x);
	}
	if (!sv_icmp_4to6(lm)) {
		r = icmp_no_form(c, si, lm, &s6, sizeof(s6), flags);
		sv_replace_end(c, si, old, r);
		return r;
	}
	if (lm->ctllen && lm->ctllen <= sizeof(ctl6) / 2 - 32) {
		int overflow;
		size_t n = msgconv_cmsg_to_v6(lm->ctl, lm->ctllen, ctl6,
					      sizeof(ctl6), &overflow);

		if (!overflow) {
			lm->ctl = ctl6;
			lm->ctllen = n;
		}
	}
	r = do_send(c, si, lm, &s6, sizeof(s6), flags);
	lm->ctl = ctl4;
	lm->ctllen = ctl4len;
	if (way != POLICY_WAY_NAT64 || r < 0 || old >= 0)
		sv_log_xlat("ICMP", c, si->fd, v4, 0, &s6, (int)(r < 0 ? r : 0));
	sv_cache_after(pfx, POLICY_SEND, r);
	sv_replace_end(c, si, old, r);
	return r;
}

/* One message with its destination, the socket's facts known. */
static ssize_t send_one(struct call *c, struct sockinfo *si,
			struct sv_lmsg *lm, int flags)
{
	const struct sockaddr_in *sin = (const void *)&lm->name;
	const struct sockaddr_in6 *in6 = (const void *)&lm->name;
	const void *name = lm->namelen ? &lm->name : NULL;
	struct sockaddr_in6 s6;
	enum policy_way way;
	uint32_t v4;
	uint16_t port;
	int pfx;
	ssize_t r;
	bool direct_first;
	/* A stream socket with MSG_FASTOPEN connects like connect(). */
	bool tfo = si->type == SOCK_STREAM && (flags & MSG_FASTOPEN);

	if (sv_is_icmp(si))
		return icmp_send(c, si, lm, flags);
	if (!sv_translatable(si) || (si->type != SOCK_DGRAM && !tfo))
		return do_send(c, si, lm, name, lm->namelen, flags);
	if (si->have_x && !si->x.v6map) {
		if (lm->namelen >= sizeof(sin->sin_family) &&
		    sin->sin_family != AF_INET && sin->sin_family != AF_UNSPEC)
			return -EAFNOSUPPORT;   /* as on an AF_INET socket */
		if (lm->namelen < sizeof(*sin) || sin->sin_family != AF_INET)
			return do_send(c, si, lm, name, lm->namelen, flags);
		v4 = sin->sin_addr.s_addr;
		port = sin->sin_port;
		direct_first = sv_dest_on_x(c, si, POLICY_SEND, v4, port,
					    &s6, &pfx);
		r = do_send(c, si, lm, &s6, sizeof(s6), flags);
		if (direct_first && policy_direct_failed((int)r) &&
		    sv_synth(c, pfx, v4, port, &s6) == 0)
			r = do_send(c, si, lm, &s6, sizeof(s6), flags);
		if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
			sv_cache_after(pfx, POLICY_SEND, r);
		if (tfo && (r >= 0 || r == -EINPROGRESS)) {
			si->x.pfx = IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr) ? -1
									: pfx;
			si->x.peer_v4 = v4;
			si->x.peer_port = port;
			si->x.connected = true;
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
		return do_send(c, si, lm, name, lm->namelen, flags);
	}
	if (!sv_route(v4, port, &pfx))
		return do_send(c, si, lm, &lm->name, lm->namelen, flags);
	way = sv_way(si, POLICY_SEND, pfx);
	if (way == POLICY_WAY_DIRECT)
		return do_send(c, si, lm, &lm->name, lm->namelen, flags);
	if (way == POLICY_WAY_DIRECT_FIRST) {
		r = do_send(c, si, lm, &lm->name, lm->namelen, flags);
		if (!policy_direct_failed((int)r))
			return r;
	}
	/* No prefix applies after all (a default left to discovery that
	 * found none): the direct answer. */
	if (sv_synth(c, pfx, v4, port, &s6) < 0)
		return way == POLICY_WAY_DIRECT_FIRST ? -ENETUNREACH
			: do_send(c, si, lm, &lm->name, lm->namelen, flags);
	if (si->domain == AF_INET)
		return send_replacing(c, si, lm, flags, pfx, v4, port, &s6);
	if (!si->have_x) {
		sv_x_begin(si, pfx);
		si->x.v6map = true;
		socktab_put(&si->x);
	}
	r = do_send(c, si, lm, &s6, sizeof(s6), flags);
	sv_log_xlat("send", c, si->fd, v4, port, &s6, (int)(r < 0 ? r : 0));
	sv_cache_after(pfx, POLICY_SEND, r);
	return r;
}

/* The socket of a send to a destination of that kind: identified by
 * the duplicate the send needs (a replacement reads its fdinfo then),
 * classified.  0, or what the handler returns (SV_CONTINUE: an IPv6
 * destination and not our socket, not an IP socket, or a stream one
 * whose destination the kernel ignores, TCP Fast Open aside). */
static int64_t send_front(struct call *c, struct sockinfo *si, int flags,
			  enum dest_kind kind)
{
	int r;

	if (kind == DEST_NAT64)
		sv_icmp_pending(c);
	r = sv_sock_ident(c, (int)c->args[0], si, SV_IDENT_DUP);

	if (r == 0 && !si->have_x && kind != DEST_NAT64) {
		sv_sock_close(si);
		return SV_CONTINUE;
	}
	if (r == 0)
		r = si->have_x ? sv_sock_dup(c, si) : sv_sock_facts(c, si);
	if (r < 0) {
		sv_sock_close(si);
		return r == -ENOENT ? r : SV_CONTINUE;
	}
	if (!sv_is_inet(si) ||
	    (si->type == SOCK_STREAM && !(flags & MSG_FASTOPEN))) {
		sv_sock_close(si);
		return SV_CONTINUE;
	}
	/* Whatever we read before was the program's (a pidfd_getfd or
	 * ID_VALID since): we may send it. */
	r = sv_confirm(c);
	if (r < 0) {
		sv_sock_close(si);
		return r;
	}
	return 0;
}

/* Does a call with this destination need us?  no destination and direct
 * IPv4 ones never do; IPv6 ones only when a socket may be ours. */
static bool needs_us(enum dest_kind k)
{
	return k == DEST_NAT64 || (k == DEST_V6 && !socktab_empty());
}

/* Thread-local buffer for the payload of one datagram. */
#define SEND_BUF 65536
static _Thread_local unsigned char send_buf[SEND_BUF];

int64_t sv_handle_sendto(struct call *c)
{
	struct sockinfo si;
	struct sv_lmsg lm;
	struct iovec riov[2];
	int flags = (int)c->args[3];
	size_t len = c->args[2];
	uint64_t ulen = c->args[5];
	bool small = len <= SEND_BUF;
	enum dest_kind kind;
	int64_t r;
	ssize_t n;

	/* The destination and (when it is small) the data at once. */
	memset(&lm, 0, sizeof(lm));
	if ((int)ulen < 0 || ulen > sizeof(lm.name))
		return SV_CONTINUE;    /* the kernel's EINVAL */
	riov[0].iov_base = (void *)(uintptr_t)c->args[4];
	riov[0].iov_len = ulen;
	riov[1].iov_base = (void *)(uintptr_t)c->args[1];
	riov[1].iov_len = small ? len : 0;
	if (small && len) {
		/* One read into two places: name, then payload. */
		struct iovec l[2] = { { &lm.name, ulen }, { send_buf, len } };

		n = sv_read_into(c, l, 2, riov, 2);
		n = n < 0 ? n : (size_t)n == ulen + len ? 0 : -EFAULT;
	} else {
		n = sv_readv(c, &lm.name, ulen, riov, 1);
		n = n < 0 ? n : (size_t)n == ulen ? 0 : -EFAULT;
	}
	if (n < 0)
		return n == -ENOENT ? n : SV_CONTINUE;
	lm.namelen = (socklen_t)ulen;
	kind = classify(&lm.name, lm.namelen);
	if (!needs_us(kind))
		return SV_CONTINUE;
	r = send_front(c, &si, flags, kind);
	if (r)
		return r;
	if (small) {
		lm.iov.iov_base = send_buf;
		lm.iov.iov_len = len;
	} else if (len > SV_SEND_MAX) {
		r = -EMSGSIZE;
	} else {
		lm.iov.iov_len = len;
		lm.iov.iov_base = malloc(len);
		if (!lm.iov.iov_base)
			r = -ENOMEM;
		else if (sv_readv(c, lm.iov.iov_base, len, &riov[1], 1) !=
			 (ssize_t)len || sv_confirm(c) < 0)
			r = -EFAULT;
	}
	if (r == 0)
		r = send_one(c, &si, &lm, flags);
	if (!small)
		free(lm.iov.iov_base);
	sv_sock_close(&si);
	return r;
}

/* The destination of the program's struct msghdr m: what it asks. */
static enum dest_kind msg_dest(struct call *c, const struct msghdr *m,
			       int *err)
{
	struct sockaddr_storage ss;
	socklen_t len;

	*err = 0;
	if (!m->msg_name || !m->msg_namelen)
		return DEST_KERNEL;
	*err = sv_read_sockaddr(c, (uintptr_t)m->msg_name, m->msg_namelen,
				&ss, &len);
	return *err ? DEST_KERNEL : classify(&ss, len);
}

/* The rest of a send of messages we handle: every read done, prove the
 * program is still there before sending any of it. */
static int64_t read_msg(struct call *c, const struct msghdr *m,
			struct sv_lmsg *lm)
{
	int r = sv_read_send_msg(c, m, lm);

	if (r == 0 && (r = sv_confirm(c)) < 0)
		sv_lmsg_free(lm);
	return r;
}

int64_t sv_handle_sendmsg(struct call *c)
{
	struct sockinfo si;
	struct msghdr m;
	struct sv_lmsg lm;
	int flags = (int)c->args[2], e;
	enum dest_kind kind;
	int64_t r;

	r = sv_read(c, c->args[1], &m, sizeof(m));
	if (r < 0)
		return r == -ENOENT ? r : SV_CONTINUE;
	kind = msg_dest(c, &m, &e);
	if (!needs_us(kind))
		return e == -ENOENT ? e : SV_CONTINUE;
	r = send_front(c, &si, flags, kind);
	if (r)
		return r;
	r = read_msg(c, &m, &lm);
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
	int64_t r;
	unsigned i;
	bool need = false;

	if (vlen > SV_MMSG_MAX)
		vlen = SV_MMSG_MAX;
	/* Only when some message needs us: all of them are sent by us
	 * then, in order. */
	for (i = 0; i < vlen && !need; i++) {
		struct mmsghdr mm;
		int e;

		r = sv_read(c, c->args[1] + (uint64_t)i * sizeof(mm), &mm,
			    sizeof(mm));
		if (r < 0)
			return r == -ENOENT ? r : SV_CONTINUE;
		need = needs_us(msg_dest(c, &mm.msg_hdr, &e));
		if (e == -ENOENT)
			return e;
	}
	if (!need)
		return SV_CONTINUE;
	r = send_front(c, &si, flags, DEST_NAT64);
	if (r)
		return r;
	for (i = 0; i < vlen; i++) {
		uint64_t at = c->args[1] + (uint64_t)i * sizeof(struct mmsghdr);
		struct mmsghdr mm;
		struct sv_lmsg lm;
		ssize_t n;

		r = sv_read(c, at, &mm, sizeof(mm));
		if (r == 0)
			r = read_msg(c, &mm.msg_hdr, &lm);
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
