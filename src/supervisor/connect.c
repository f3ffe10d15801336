/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connect(2).  The address is read once; a connect that goes direct
 * (127.0.0.1, a `local` rule, no prefix...) on a socket that is not
 * ours is the kernel's, as it is (SV_CONTINUE).  An AF_INET socket whose
 * destination goes to NAT64 is replaced by an AF_INET6 one (replace.c)
 * whose connect to the NAT64 address we start; a blocking program then
 * waits for it in its own call (SV_CONTINUE: connect on a connecting
 * socket waits and ignores the address), so a signal interrupts it, or
 * restarts it, exactly as without us.  Our own sockets (translated
 * before) connect to the NAT64 address or ::ffff:a.b.c.d; an AF_INET6
 * socket's ::ffff:a.b.c.d goes to NAT64 in place.  The way is the
 * policy's (sv_way). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "sockopt.h"
#include "sv.h"

static int do_connect(struct call *c, int d, const void *sa, socklen_t len)
{
	int r;

	/* A connect that takes long loses the receive turn to another
	 * worker (the watchdog passes it on after SV_RECEIVER_MS). */
	sv_block_begin(c);
	r = connect(d, (const struct sockaddr *)sa, len) == 0 ? 0 : -errno;
	sv_block_end(c);
	return r == -EINTR ? sv_interrupted(c, d, SO_SNDTIMEO) : r;
}

/* The program's blocking connect on our socket d with its own
 * SO_SNDTIMEO: wait like the kernel's first connect does (the timeout
 * gives EINPROGRESS; a connect repeated by the kernel would say
 * EALREADY). */
static int wait_connected(struct call *c, int d, int pfx)
{
	struct timespec dl;
	bool has_dl;
	int r;

	if (sv_poll_brief(d, POLLOUT)) {
		int e = sv_sockopt_int(d, SOL_SOCKET, SO_ERROR);

		r = e > 0 ? -e : 0;
		sv_cache_after(pfx, POLICY_CONNECT, r);
		return r;
	}
	/* SO_SNDTIMEO read only for a connect that takes longer (one
	 * getsockopt fewer otherwise); its deadline starts up to 1 ms late */
	has_dl = sv_timeo_deadline(d, SO_SNDTIMEO, &dl);
	sv_pass_turn(c);
	r = sv_poll_wait(c, d, POLLOUT, has_dl ? &dl : NULL);
	if (r == 0) {
		int e = sv_sockopt_int(d, SOL_SOCKET, SO_ERROR);

		r = e > 0 ? -e : 0;
	} else if (r == -EAGAIN) {
		r = -EINPROGRESS;
	} else if (r == -EINTR) {
		r = sv_interrupted(c, d, SO_SNDTIMEO);
	}
	sv_cache_after(pfx, POLICY_CONNECT, r);
	return r;
}

static bool blocking(struct sockinfo *si)
{
	int fl = sv_sock_flags(si);

	return fl < 0 || !(fl & O_NONBLOCK);
}

/* A blocking connect started by us (EINPROGRESS) on the program's
 * socket: the program waits for it in its own call (SV_CONTINUE), unless
 * it set SO_SNDTIMEO (the kernel's repeated connect would then end in
 * EALREADY instead of EINPROGRESS): then we wait. */
static int64_t wait_in_program(struct call *c, struct sockinfo *si,
			       int pfx, bool sndtimeo)
{
	if (!sndtimeo)
		return SV_CONTINUE;
	return wait_connected(c, si->d, pfx);
}

/* An AF_INET socket of the program to a NAT64 destination (v4:port,
 * synthesized as *s6): replaced, then connected by us to the NAT64
 * address (non-blocking). */
static int64_t connect_nat64(struct call *c, struct sockinfo *si, int pfx,
			     uint32_t v4, uint16_t port,
			     const struct sockaddr_in6 *s6)
{
	unsigned carried;
	int old, r;
	int64_t ret;

	r = sv_replace_socket(c, si, true, &old, &carried);
	if (r < 0)
		return r;
	si->x.pfx = pfx;
	si->x.peer_v4 = v4;
	si->x.peer_port = port;
	si->x.connected = true;
	socktab_put(&si->x);
	r = connect(si->d, (const struct sockaddr *)s6, sizeof(*s6)) == 0 ? 0
									  : -errno;
	sv_log_xlat("connect", c, si->fd, v4, port, s6, r);
	sv_cache_after(pfx, POLICY_CONNECT, r);
	/* Our connect was non-blocking; the program's socket is as it was
	 * made from now on. */
	if (!(si->flags & O_NONBLOCK))
		fcntl(si->d, F_SETFL, si->flags);
	sv_replace_back(c, si, old, r);
	ret = r;
	if (r == -EINPROGRESS && !(si->flags & O_NONBLOCK))
		ret = wait_in_program(c, si, pfx,
				      carried & SOCKOPT_SET_SNDTIMEO);
	/* Both of ours released at once. */
	sv_sock_close_old(si, old);
	return ret;
}

/* connect() of an AF_INET socket (not ours) to v4:port through prefix
 * pfx. */
static int64_t connect_v4(struct call *c, struct sockinfo *si,
			  const struct sockaddr_storage *ss, socklen_t len,
			  int pfx, uint32_t v4, uint16_t port)
{
	enum policy_way way = sv_way(si, POLICY_CONNECT, pfx);
	struct sockaddr_in6 s6;
	int r = 0;

	if (way == POLICY_WAY_DIRECT)
		return SV_CONTINUE;   /* bound to an IPv4 address on purpose */
	if (way == POLICY_WAY_DIRECT_FIRST) {
		/* On the program's own socket, with the address read: it
		 * must still be the program's thread that asks. */
		r = sv_confirm(c);
		if (r < 0)
			return r;
		r = do_connect(c, si->d, ss, len);
		if (!policy_direct_failed(r))
			return r;
	}
	/* No prefix applies after all (a default left to discovery that
	 * found none): what the direct attempt said, or the program's own
	 * connect. */
	if (sv_synth(c, pfx, v4, port, &s6) < 0)
		return way == POLICY_WAY_DIRECT_FIRST ? r : SV_CONTINUE;
	return connect_nat64(c, si, pfx, v4, port, &s6);
}

/* The state of one of our TCP sockets (tcp_info's first byte), -1 when
 * it cannot be told. */
static int tcp_state(int d)
{
	unsigned char st = 0;
	socklen_t l = sizeof(st);

	if (getsockopt(d, SOL_TCP, TCP_INFO, &st, &l) < 0 || l < 1)
		return -1;
	return st;
}

/* connect() of a socket we translated before (a UDP re-connect, a TCP
 * connect repeated after EINTR or to poll its progress). */
static int64_t connect_x(struct call *c, struct sockinfo *si,
			 struct sockaddr_storage *ss, socklen_t len)
{
	const struct sockaddr_in *sin = (const void *)ss;
	struct sockaddr_in6 s6;
	int pfx, r, st;
	bool direct_first;

	if (!si->x.v6map && len >= sizeof(ss->ss_family) &&
	    ss->ss_family != AF_INET && ss->ss_family != AF_UNSPEC)
		/* What the program's AF_INET socket would answer. */
		return len < sizeof(*sin) ? -EINVAL : -EAFNOSUPPORT;
	if (si->x.type == SOCK_STREAM && ss->ss_family != AF_UNSPEC &&
	    (si->x.proto == 0 || si->x.proto == IPPROTO_TCP) &&
	    (st = tcp_state(si->d)) >= 0 && st != TCP_CLOSE) {
		/* Connecting or connected: the kernel's answer ignores the
		 * address (EALREADY, and a blocking socket waits; EISCONN;
		 * 0 once connected), in the program's own call. */
		bool waits = st == TCP_SYN_SENT || st == TCP_SYN_RECV;
		struct timeval tv = { 0, 0 };
		socklen_t l = sizeof(tv);

		if (!waits || !blocking(si) ||
		    getsockopt(si->d, SOL_SOCKET, SO_SNDTIMEO, &tv, &l) < 0 ||
		    (!tv.tv_sec && !tv.tv_usec))
			return SV_CONTINUE;
	}
	if (si->x.v6map || len < sizeof(*sin) || ss->ss_family != AF_INET) {
		r = sv_confirm(c);
		if (r == 0)
			r = do_connect(c, si->d, ss, len);
		if (r == 0 && ss->ss_family == AF_UNSPEC) {
			si->x.connected = false;
			si->x.peer_v4 = 0;
			si->x.peer_port = 0;
			socktab_put(&si->x);
		}
		return r;
	}
	r = sv_confirm(c);
	if (r < 0)
		return r;
	direct_first = sv_dest_on_x(c, si, POLICY_CONNECT,
				    sin->sin_addr.s_addr, sin->sin_port, &s6,
				    &pfx);
	r = do_connect(c, si->d, &s6, sizeof(s6));
	if (direct_first && policy_direct_failed(r) &&
	    sv_synth(c, pfx, sin->sin_addr.s_addr, sin->sin_port, &s6) == 0)
		r = do_connect(c, si->d, &s6, sizeof(s6));
	if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
		sv_cache_after(pfx, POLICY_CONNECT, r);
	sv_log_xlat("connect", c, si->fd, sin->sin_addr.s_addr, sin->sin_port,
		    &s6, r);
	if (r == 0 || r == -EINPROGRESS || r == -EALREADY || r == -EISCONN) {
		si->x.pfx = IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr) ? -1 : pfx;
		si->x.peer_v4 = sin->sin_addr.s_addr;
		si->x.peer_port = sin->sin_port;
		si->x.connected = true;
		socktab_put(&si->x);
	}
	return r;
}

/* connect() of an AF_INET6 socket (not ours) to ::ffff:v4 through prefix
 * pfx: to the NAT64 address, in place. */
static int64_t connect_v6(struct call *c, struct sockinfo *si,
			  const struct sockaddr_storage *ss, socklen_t len,
			  int pfx, uint32_t v4, uint16_t port)
{
	struct sockaddr_in6 s6;
	int r = sv_confirm(c);

	if (r < 0)
		return r;
	if (sv_way(si, POLICY_CONNECT, pfx) != POLICY_WAY_NAT64) {
		r = do_connect(c, si->d, ss, len);
		if (!policy_direct_failed(r))
			return r;
	}
	if (sv_synth(c, pfx, v4, port, &s6) < 0)
		return do_connect(c, si->d, ss, len);
	/* Recorded first: getpeername may come before connect returns. */
	sv_x_begin(si, pfx);
	si->x.peer_v4 = v4;
	si->x.peer_port = port;
	si->x.connected = true;
	si->x.v6map = true;
	socktab_put(&si->x);
	r = do_connect(c, si->d, &s6, sizeof(s6));
	sv_log_xlat("connect", c, si->fd, v4, port, &s6, r);
	sv_cache_after(pfx, POLICY_CONNECT, r);
	return r;
}

int64_t sv_handle_connect(struct call *c)
{
	struct sockinfo si;
	struct sockaddr_storage ss;
	const struct sockaddr_in *sin = (const void *)&ss;
	const struct sockaddr_in6 *in6 = (const void *)&ss;
	socklen_t len;
	uint32_t v4 = 0;
	uint16_t port = 0;
	bool v4dest = false, mapped = false;
	int pfx = -1, nat = 0;
	int64_t ret;
	int r;

	/* The address first: most connects are decided by it alone.  One
	 * we cannot read is the kernel's to refuse (EFAULT, EINVAL, in its
	 * own order with EBADF...). */
	r = sv_read_sockaddr(c, c->args[1], c->args[2], &ss, &len);
	if (r < 0)
		return r == -ENOENT ? r : SV_CONTINUE;
	if (len >= sizeof(*sin) && ss.ss_family == AF_INET) {
		v4dest = true;
		v4 = sin->sin_addr.s_addr;
		port = sin->sin_port;
	} else if (len >= offsetof(struct sockaddr_in6, sin6_scope_id) &&
		   ss.ss_family == AF_INET6 &&
		   ipv6_is_v4mapped(in6->sin6_addr.s6_addr)) {
		mapped = true;
		memcpy(&v4, &in6->sin6_addr.s6_addr[12], 4);
		port = in6->sin6_port;
	}
	if (v4dest || mapped)
		nat = sv_route(v4, port, &pfx);
	/* Direct, and no socket is ours: nothing to do. */
	if (!nat && socktab_empty())
		return SV_CONTINUE;
	r = sv_sock_ident(c, (int)c->args[0], &si,
			  nat ? SV_IDENT_FDINFO : SV_IDENT_CHEAP);
	if (r < 0)
		return r == -ENOENT ? r : SV_CONTINUE;
	if (!si.have_x && !nat) {
		sv_sock_close(&si);
		return SV_CONTINUE;
	}
	/* Ours: the table says what it is; else ask the socket. */
	r = si.have_x ? sv_sock_dup(c, &si) : sv_sock_facts(c, &si);
	if (r < 0) {
		sv_sock_close(&si);
		return r == -ENOENT ? r : SV_CONTINUE;
	}
	ret = SV_CONTINUE;
	if (si.have_x) {
		ret = connect_x(c, &si, &ss, len);
		if (ret < 0 && ret != SV_CONTINUE &&
		    sv_forget_stale(&si, (int)ret))
			ret = nat && v4dest && si.domain == AF_INET &&
			      sv_translatable(&si)
			      ? connect_v4(c, &si, &ss, len, pfx, v4, port)
			      : SV_CONTINUE;
	} else if (si.domain == AF_INET && v4dest && sv_translatable(&si)) {
		ret = connect_v4(c, &si, &ss, len, pfx, v4, port);
	} else if (si.domain == AF_INET6 && mapped && sv_translatable(&si)) {
		ret = connect_v6(c, &si, &ss, len, pfx, v4, port);
	}
	sv_sock_close(&si);
	return ret;
}
