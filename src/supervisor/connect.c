/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connect(2): an AF_INET socket whose destination goes to NAT64 is
 * replaced by an AF_INET6 one and connected to the NAT64 address; our
 * own sockets (stand-ins, replaced ones) connect to the NAT64 address or
 * ::ffff:a.b.c.d; an AF_INET6 socket's ::ffff:a.b.c.d goes to NAT64 in
 * place.  The way is the policy's (sv_way). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "sv.h"

static int do_connect(struct call *c, int d, const void *sa, socklen_t len)
{
	int r;

	/* A connect that takes long loses the receive turn to another
	 * worker (the watchdog passes it on after SV_RECEIVER_MS). */
	sv_block_begin(c);
	r = connect(d, (const struct sockaddr *)sa, len) == 0 ? 0 : -errno;
	sv_block_end(c);
	return r;
}

/* The program's blocking connect on our socket d, started non-blocking:
 * wait like the kernel would (SO_SNDTIMEO -> EINPROGRESS). */
static int wait_connected(struct call *c, int d, int pfx)
{
	struct timespec dl;
	bool has_dl;
	int r;

	has_dl = sv_timeo_deadline(d, SO_SNDTIMEO, &dl);
	{
		/* Most connects finish within a moment: wait that long
		 * keeping our turn to receive. */
		struct pollfd p = { .fd = d, .events = POLLOUT };

		if (poll(&p, 1, SV_RECEIVER_MS) == 1) {
			int e = sv_sockopt_int(d, SOL_SOCKET, SO_ERROR);

			r = e > 0 ? -e : 0;
			sv_cache_after(pfx, POLICY_CONNECT, r);
			return r;
		}
	}
	sv_pass_turn(c);
	r = sv_poll_wait(c, d, POLLOUT, has_dl ? &dl : NULL);
	if (r == 0) {
		int e = sv_sockopt_int(d, SOL_SOCKET, SO_ERROR);

		r = e > 0 ? -e : 0;
	} else if (r == -EAGAIN) {
		r = -EINPROGRESS;
	}
	sv_cache_after(pfx, POLICY_CONNECT, r);
	return r;
}

/* connect() of an AF_INET socket. */
static int connect_v4(struct call *c, struct sockinfo *si,
		      const struct sockaddr_storage *ss, socklen_t len)
{
	const struct sockaddr_in *sin = (const void *)ss;
	struct sockaddr_in6 s6;
	enum policy_way way;
	uint32_t v4;
	uint16_t port;
	int pfx, r, flags;

	if (len < sizeof(*sin) || ss->ss_family != AF_INET ||
	    !sv_translatable(si))
		return do_connect(c, si->d, ss, len);
	v4 = sin->sin_addr.s_addr;
	port = sin->sin_port;
	if (!sv_route(v4, port, &pfx))
		return do_connect(c, si->d, ss, len);
	way = sv_way(si, POLICY_CONNECT, pfx);
	if (way == POLICY_WAY_DIRECT)
		return do_connect(c, si->d, ss, len);
	if (way == POLICY_WAY_DIRECT_FIRST) {
		r = do_connect(c, si->d, ss, len);
		if (!policy_direct_failed(r))
			return r;
	}
	r = sv_replace_socket(c, si, &flags);
	if (r < 0)
		return r;
	sv_synth(pfx, v4, port, &s6);
	r = connect(si->d, (struct sockaddr *)&s6, sizeof(s6)) == 0 ? 0
									: -errno;
	sv_log_xlat("connect", c, si->fd, v4, port, &s6, r);
	sv_cache_after(pfx, POLICY_CONNECT, r);
	si->x.pfx = pfx;
	si->x.peer_v4 = v4;
	si->x.peer_port = port;
	si->x.connected = r == 0 || r == -EINPROGRESS;
	socktab_put(&si->x);
	if (!(flags & O_NONBLOCK))
		fcntl(si->d, F_SETFL, flags);
	if (r == -EINPROGRESS && !(flags & O_NONBLOCK))
		r = wait_connected(c, si->d, pfx);
	return r;
}

/* connect() of a socket we translated before (a UDP re-connect, a TCP
 * connect repeated after EINTR or to poll its progress). */
static int connect_x(struct call *c, struct sockinfo *si,
		     struct sockaddr_storage *ss, socklen_t len)
{
	const struct sockaddr_in *sin = (const void *)ss;
	struct sockaddr_in6 s6;
	int pfx, r;
	bool direct_first;

	if (!si->x.v6map && len >= sizeof(ss->ss_family) &&
	    ss->ss_family != AF_INET && ss->ss_family != AF_UNSPEC)
		/* What the program's AF_INET socket would answer. */
		return len < sizeof(*sin) ? -EINVAL : -EAFNOSUPPORT;
	if (si->x.v6map || len < sizeof(*sin) || ss->ss_family != AF_INET) {
		r = do_connect(c, si->d, ss, len);
		if (r == 0 && ss->ss_family == AF_UNSPEC) {
			si->x.connected = false;
			si->x.peer_v4 = 0;
			si->x.peer_port = 0;
			socktab_put(&si->x);
		}
		return r;
	}
	direct_first = sv_dest_on_x(si, POLICY_CONNECT, sin->sin_addr.s_addr,
				    sin->sin_port, &s6, &pfx);
	r = do_connect(c, si->d, &s6, sizeof(s6));
	if (direct_first && policy_direct_failed(r)) {
		sv_synth(pfx, sin->sin_addr.s_addr, sin->sin_port, &s6);
		r = do_connect(c, si->d, &s6, sizeof(s6));
	}
	if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
		sv_cache_after(pfx, POLICY_CONNECT, r);
	sv_log_xlat("connect", c, si->fd, sin->sin_addr.s_addr, sin->sin_port,
		    &s6, r);
	if (r == 0 || r == -EINPROGRESS || r == -EALREADY || r == -EISCONN) {
		si->x.standin = false;
		si->x.pfx = IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr) ? -1 : pfx;
		si->x.peer_v4 = sin->sin_addr.s_addr;
		si->x.peer_port = sin->sin_port;
		si->x.connected = true;
		socktab_put(&si->x);
	}
	return r;
}

/* connect() of an AF_INET6 socket: only ::ffff:a.b.c.d needs us. */
static int connect_v6(struct call *c, struct sockinfo *si,
		      const struct sockaddr_storage *ss, socklen_t len)
{
	const struct sockaddr_in6 *in6 = (const void *)ss;
	struct sockaddr_in6 s6;
	uint32_t v4;
	int pfx, r;

	if (len < sizeof(*in6) || ss->ss_family != AF_INET6 ||
	    !ipv6_is_v4mapped(in6->sin6_addr.s6_addr) || !sv_translatable(si))
		return do_connect(c, si->d, ss, len);
	memcpy(&v4, &in6->sin6_addr.s6_addr[12], 4);
	if (!sv_route(v4, in6->sin6_port, &pfx))
		return do_connect(c, si->d, ss, len);
	if (sv_way(si, POLICY_CONNECT, pfx) != POLICY_WAY_NAT64) {
		r = do_connect(c, si->d, ss, len);
		if (!policy_direct_failed(r))
			return r;
	}
	sv_synth(pfx, v4, in6->sin6_port, &s6);
	/* Recorded first: getpeername may come before connect returns. */
	sv_x_begin(si, pfx);
	si->x.peer_v4 = v4;
	si->x.peer_port = in6->sin6_port;
	si->x.connected = true;
	si->x.v6map = true;
	socktab_put(&si->x);
	r = do_connect(c, si->d, &s6, sizeof(s6));
	sv_log_xlat("connect", c, si->fd, v4, in6->sin6_port, &s6, r);
	sv_cache_after(pfx, POLICY_CONNECT, r);
	return r;
}

/* An AF_INET6 socket we do not know, given an IPv4 address: a stand-in
 * whose entry was lost (natively the call would fail).  Remember it
 * again. */
static void lost_standin(struct sockinfo *si, const struct sockaddr_storage *ss,
			 socklen_t len)
{
	if (si->domain != AF_INET6 || len < sizeof(struct sockaddr_in) ||
	    ss->ss_family != AF_INET || !sv_translatable(si))
		return;
	sv_x_begin(si, -1);
	si->x.standin = true;
	socktab_put(&si->x);
}

int64_t sv_handle_connect(struct call *c)
{
	struct sockinfo si;
	struct sockaddr_storage ss;
	socklen_t len;
	int64_t ret;
	int r;

	if (!sv_open_for(c, &si, sv_is_inet, &ret))
		return ret;
	r = sv_read_sockaddr(c, c->args[1], c->args[2], &ss, &len);
	if (r == 0 && !si.have_x)
		lost_standin(&si, &ss, len);
	if (r == 0) {
		if (si.have_x) {
			r = connect_x(c, &si, &ss, len);
			if (sv_forget_stale(&si, r))
				r = connect_v4(c, &si, &ss, len);
		} else if (si.domain == AF_INET) {
			r = connect_v4(c, &si, &ss, len);
		} else {
			r = connect_v6(c, &si, &ss, len);
		}
	}
	sv_sock_close(&si);
	return r;
}
