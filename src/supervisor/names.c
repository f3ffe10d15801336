/* SPDX-License-Identifier: GPL-2.0-or-later */
/* getsockname(2), getpeername(2) of our sockets, and the address the
 * program sees for an IPv6 one (also the source of a received datagram). */
#include <errno.h>
#include <string.h>

#include "addr.h"
#include "msgconv.h"
#include "sv.h"

/* The address a program with an AF_INET socket (or an AF_INET6 one with
 * a NAT64 peer) sees for an IPv6 source/peer address ss of socket x. */
socklen_t sv_view_addr(const struct xsock *x,
		       const struct sockaddr_storage *ss, socklen_t len,
		       bool local, struct sockaddr_storage *out)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const uint8_t *a = s6->sin6_addr.s6_addr;
	uint32_t v4 = 0;
	bool have;

	memset(out, 0, sizeof(*out));
	if (ss->ss_family != AF_INET6 || len < sizeof(*s6)) {
		memcpy(out, ss, len);
		return len;
	}
	if (!local || ipv6_is_v4mapped(a)) {
		struct sockaddr_in in;

		have = sv_to_v4(s6, x->pfx, &in) != -2;
		if (have)
			v4 = in.sin_addr.s_addr;
	}
	if (local && !have)
		v4 = x->v6map ? 0 : x->bound_v4;
	if (x->v6map) {
		struct sockaddr_in6 m = *s6;

		if (have || local) {
			ipv6_make_v4mapped(v4, m.sin6_addr.s6_addr);
			m.sin6_flowinfo = 0;
			m.sin6_scope_id = 0;
		}
		memcpy(out, &m, sizeof(m));
		return sizeof(m);
	} else {
		struct sockaddr_in in = { .sin_family = AF_INET,
					  .sin_port = s6->sin6_port };

		if (!have && !local && x->connected)
			v4 = x->peer_v4;
		in.sin_addr.s_addr = v4;
		memcpy(out, &in, sizeof(in));
		return sizeof(in);
	}
}

int64_t sv_handle_names(struct call *c, bool peer)
{
	struct sockinfo si;
	struct sockaddr_storage ss, view;
	socklen_t sl = sizeof(ss), vl;
	int64_t ret;
	int r, ulen, lr;

	/* The program's length is read before we take its socket, whose
	 * pidfd_getfd then proves the call pending for the write; its
	 * errors come after the socket's own, as the kernel's do. */
	if (!sv_find_ours(c, &si, &ret))
		return ret;
	lr = sv_read_addrlen(c, c->args[2], &ulen);
	r = lr == -ENOENT ? lr : sv_sock_dup(c, &si);
	if (r < 0) {
		sv_sock_close(&si);
		return r == -ENOENT ? r : SV_CONTINUE;
	}
	r = peer ? getpeername(si.d, (struct sockaddr *)&ss, &sl)
		 : getsockname(si.d, (struct sockaddr *)&ss, &sl);
	if (r < 0) {
		r = -errno;
	} else if (lr < 0) {
		r = lr;
	} else {
		vl = sv_view_addr(&si.x, &ss, sl, !peer, &view);
		/* a raw IPv4 socket's port is its protocol */
		if (!peer && sv_is_icmp(&si) && si.type == SOCK_RAW &&
		    view.ss_family == AF_INET)
			((struct sockaddr_in *)&view)->sin_port =
				htons(IPPROTO_ICMP);
		r = sv_put_sockaddr(c, c->args[1], c->args[2], ulen, &view,
				    vl);
	}
	sv_sock_close(&si);
	return r;
}
