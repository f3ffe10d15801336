/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bind(2) and listen(2) of our sockets: a stand-in becomes the AF_INET
 * socket the program asked for (a server); a replaced socket binds the
 * IPv4-mapped form of the address. */
#include <errno.h>
#include <string.h>

#include "msgconv.h"
#include "sv.h"

int64_t sv_handle_bind(struct call *c)
{
	struct sockinfo si;
	struct sockaddr_storage ss;
	socklen_t len;
	int64_t ret;
	int r;

	if (!sv_open_for(c, &si, sv_translated, &ret))
		return ret;
	r = sv_read_sockaddr(c, c->args[1], c->args[2], &ss, &len);
	if (r == 0 && sv_is_icmp(&si)) {
		/* ICMP: any address keeps it ICMPv6 (policy_bound_addr);
		 * a raw socket has no port */
		struct sockaddr_in *sin = (void *)&ss;

		if (len >= sizeof(*sin) && sin->sin_family == AF_INET &&
		    !policy_bound_addr(sin->sin_addr.s_addr)) {
			if (si.type == SOCK_RAW)
				sin->sin_port = 0;
			si.x.standin = false;
			socktab_put(&si.x);
		}
	}
	if (r == 0 && si.x.standin) {
		/* A server (or a client choosing its address): from now on
		 * a real AF_INET socket, as the program asked for. */
		r = sv_unstand(c, &si);
		if (r == 0)
			r = bind(si.d, (struct sockaddr *)&ss, len) == 0 ? 0
									: -errno;
	} else if (r == 0) {
		const struct sockaddr_in *sin = (const void *)&ss;

		if (!si.x.v6map && len >= sizeof(*sin) &&
		    sin->sin_family == AF_INET) {
			struct sockaddr_in6 s6;

			msgconv_mapped(sin->sin_addr.s_addr, sin->sin_port,
				       &s6);
			if (sin->sin_addr.s_addr == 0)
				memset(&s6.sin6_addr, 0, sizeof(s6.sin6_addr));
			r = bind(si.d, (struct sockaddr *)&s6, sizeof(s6)) == 0
				? 0 : -errno;
			if (r == 0) {
				si.x.bound_v4 = sin->sin_addr.s_addr;
				socktab_put(&si.x);
			}
		} else {
			r = bind(si.d, (struct sockaddr *)&ss, len) == 0
				? 0 : -errno;
		}
	}
	sv_sock_close(&si);
	return r;
}

/* listen() of a stand-in that was never bound. */
int64_t sv_handle_listen(struct call *c)
{
	struct sockinfo si;
	int64_t ret;

	if (!sv_open_for(c, &si, sv_fresh_standin, &ret))
		return ret;
	return sv_unstand_and_continue(c, &si);
}
