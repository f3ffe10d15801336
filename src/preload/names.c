/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the program observes of a translated socket: getpeername,
 * getsockname, getsockopt.  The kernel is always asked first; a record
 * that no longer matches the socket (descriptor reused behind our back)
 * is dropped and the kernel's answer returned untouched. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "addr.h"
#include "prefix.h"
#include "tnat64.h"

/* The IPv4 view of an IPv6 address seen on an FD_EMU socket. */
static int v6_to_v4(const struct fdrec *rec, const struct sockaddr_in6 *s6,
		    int peer, struct sockaddr_in *out)
{
	const uint8_t *a = s6->sin6_addr.s6_addr;
	uint32_t v4;

	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = s6->sin6_port;
	if (ipv6_is_v4mapped(a)) {
		memcpy(&out->sin_addr.s_addr, a + 12, 4);
		return 0;
	}
	if (peer) {
		const struct config *c = tn_config();

		if (rec->peer_prefix != 0xff && c &&
		    rec->peer_prefix < c->nprefixes &&
		    nat64_extract(&c->prefixes[rec->peer_prefix], a, &v4)) {
			out->sin_addr.s_addr = v4;
			return 0;
		}
		return -1;
	}
	/* Our local IPv6 address has no IPv4 form: show the address the
	 * program bound, or the unspecified one, with the real port. */
	if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr) || !ipv6_is_v4mapped(a))
		out->sin_addr.s_addr = rec->bound_v4;
	return 0;
}

static int names(int fd, struct sockaddr *addr, socklen_t *len, int peer)
{
	struct fdrec *rec = fdtab_get(fd, 0);
	uint32_t kind = fdrec_kind(rec);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int r;

	if (kind != FD_EMU && kind != FD_V6MAP) {
		r = peer ? real.getpeername(fd, addr, len)
			 : real.getsockname(fd, addr, len);
		return r < 0 ? neg_errno() : r;
	}
	if (!len)
		return -EFAULT;
	r = peer ? real.getpeername(fd, (struct sockaddr *)&ss, &sl)
		 : real.getsockname(fd, (struct sockaddr *)&ss, &sl);
	if (r < 0)
		return neg_errno();
	if (ss.ss_family != AF_INET6 || sl < sizeof(struct sockaddr_in6)) {
		fdtab_clear(fd); /* not the socket we translated */
		sockaddr_copy_out(addr, len, &ss, sl);
		return 0;
	}
	if (kind == FD_EMU) {
		struct sockaddr_in sin;

		if (v6_to_v4(rec, (const struct sockaddr_in6 *)&ss, peer,
			     &sin) == 0) {
			sockaddr_copy_out(addr, len, &sin, sizeof(sin));
			return 0;
		}
	} else {
		struct sockaddr_in6 s6 = *(const struct sockaddr_in6 *)&ss;
		const struct config *c = tn_config();
		uint32_t v4;

		if (!peer) {
			/* Local side of a NAT64 connection: ::ffff:0.0.0.0
			 * keeps the program in its IPv4-mapped world. */
			if (!ipv6_is_v4mapped(s6.sin6_addr.s6_addr)) {
				ipv6_make_v4mapped(0, s6.sin6_addr.s6_addr);
				s6.sin6_flowinfo = 0;
				s6.sin6_scope_id = 0;
			}
			sockaddr_copy_out(addr, len, &s6, sizeof(s6));
			return 0;
		}
		if (rec->peer_prefix != 0xff && c &&
		    rec->peer_prefix < c->nprefixes &&
		    nat64_extract(&c->prefixes[rec->peer_prefix],
				  s6.sin6_addr.s6_addr, &v4)) {
			ipv6_make_v4mapped(v4, s6.sin6_addr.s6_addr);
			s6.sin6_flowinfo = 0;
			s6.sin6_scope_id = 0;
		}
		sockaddr_copy_out(addr, len, &s6, sizeof(s6));
		return 0;
	}
	sockaddr_copy_out(addr, len, &ss, sl);
	return 0;
}

int tn_getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return names(fd, addr, len, 1);
}

int tn_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return names(fd, addr, len, 0);
}

int tn_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct fdrec *rec = fdtab_get(fd, 0);

	if (real.getsockopt(fd, level, name, val, len) < 0)
		return neg_errno();
	/* The program created an AF_INET socket and must keep seeing one. */
	if (fdrec_kind(rec) == FD_EMU && level == SOL_SOCKET &&
	    name == SO_DOMAIN && len && *len >= (socklen_t)sizeof(int)) {
		int v;

		memcpy(&v, val, sizeof(v));
		if (v == AF_INET6) {
			v = AF_INET;
			memcpy(val, &v, sizeof(v));
		}
	}
	return 0;
}
