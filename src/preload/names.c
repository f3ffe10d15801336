/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the program observes of a translated socket: getpeername,
 * getsockname, getsockopt.  The kernel is always asked first; a record
 * that no longer matches the socket (descriptor reused behind our back)
 * is dropped and the kernel's answer returned untouched. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <string.h>

#include "addr.h"
#include "msgconv.h"
#include "prefix.h"
#include "tnat64.h"

/* The IPv4 form of an address the kernel reports for a translated socket
 * (mapped, or inside the peer's prefix or another configured one);
 * false when it has none. */
static bool to_v4(const struct fdrec *rec, const struct sockaddr_in6 *s6,
		  struct sockaddr_in *out)
{
	return tn_to_v4(s6, rec->peer_prefix == 0xff ? -1 : rec->peer_prefix,
			out) != -2;
}

static int names(int fd, struct sockaddr *addr, socklen_t *len, int peer)
{
	struct fdrec *rec = fdtab_get(fd, 0);
	uint32_t kind = fdrec_kind(rec);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int r;

	if (kind != FD_EMU && kind != FD_V6MAP && kind != FD_ICMP6) {
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
	if (kind == FD_ICMP6) {
		/* ICMP: the address bound (0.0.0.0), the port a raw IPv4
		 * socket shows (its protocol) or the ping socket's
		 * identifier; the peer connected to */
		struct sockaddr_in sin = { .sin_family = AF_INET };

		if (peer) {
			sin.sin_addr.s_addr = rec->peer_v4;
			sin.sin_port = rec->peer_port;
		} else {
			sin.sin_addr.s_addr = rec->bound_v4;
			sin.sin_port = rec->type == SOCK_RAW
				       ? htons(IPPROTO_ICMP)
				       : ((struct sockaddr_in6 *)&ss)->sin6_port;
		}
		sockaddr_copy_out(addr, len, &sin, sizeof(sin));
		return 0;
	}
	if (kind == FD_EMU) {
		const struct sockaddr_in6 *s6 = (const void *)&ss;
		struct sockaddr_in sin;
		/* Our own address has an IPv4 form only when it is mapped;
		 * otherwise the program sees the address it bound (or
		 * 0.0.0.0) with the real port. */
		bool ok = peer || ipv6_is_v4mapped(s6->sin6_addr.s6_addr)
			  ? to_v4(rec, s6, &sin) : false;

		if (!ok && !peer) {
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_port = s6->sin6_port;
			sin.sin_addr.s_addr = rec->bound_v4;
			ok = true;
		}
		if (ok) {
			sockaddr_copy_out(addr, len, &sin, sizeof(sin));
			return 0;
		}
	} else {
		/* FD_V6MAP: the program sees ::ffff: addresses, the peer it
		 * asked for and ::ffff:0.0.0.0 for our IPv6 address. */
		struct sockaddr_in6 s6 = *(const struct sockaddr_in6 *)&ss;
		struct sockaddr_in sin = { .sin_family = AF_INET };

		if (peer ? to_v4(rec, &s6, &sin)
			 : !ipv6_is_v4mapped(s6.sin6_addr.s6_addr)) {
			ipv6_make_v4mapped(sin.sin_addr.s_addr,
					   s6.sin6_addr.s6_addr);
			s6.sin6_flowinfo = 0;
			s6.sin6_scope_id = 0;
			sockaddr_copy_out(addr, len, &s6, sizeof(s6));
			return 0;
		}
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
	uint32_t kind = fdrec_kind(rec);

	if (kind == FD_ICMP6) {
		int r = tn_icmp_getsockopt(fd, rec, level, name, val, len);

		if (r != TN_ICMP_PASS)
			return r;
	}
	/* IP_MTU of a peer through NAT64: the IPv6 path MTU less the 20
	 * bytes the IPv4 header is shorter */
	if (kind == FD_EMU && level == SOL_IP && name == IP_MTU &&
	    rec->peer_prefix != 0xff)
		return sockopt_get_ip6(fd, name, val, len, &tn_sockopt_ops);
	if (real.getsockopt(fd, level, name, val, len) < 0)
		return neg_errno();
	/* The outcome of a non-blocking connect through NAT64 (SO_ERROR
	 * after poll): the decision cache hears of it as of a blocking one,
	 * and an unreachable discovered prefix is rediscovered. */
	if (level == SOL_SOCKET && name == SO_ERROR && rec &&
	    rec->peer_prefix != 0xff && len && *len >= (socklen_t)sizeof(int) &&
	    (fdrec_kind(rec) == FD_EMU || fdrec_kind(rec) == FD_V6MAP)) {
		int e;

		memcpy(&e, val, sizeof(e));
		if (e > 0 && policy_nat64_unreachable(POLICY_CONNECT, -e))
			tn_cache_after(rec->peer_prefix, POLICY_CONNECT, -e);
	}
	/* The program created an AF_INET socket and must keep seeing one. */
	if ((kind == FD_EMU || kind == FD_ICMP6) && level == SOL_SOCKET &&
	    (name == SO_DOMAIN || name == SO_ERROR) && len &&
	    *len >= (socklen_t)sizeof(int)) {
		int v;

		memcpy(&v, val, sizeof(v));
		if (name == SO_DOMAIN && v == AF_INET6)
			v = AF_INET;
		else if (name == SO_ERROR && v > 0)
			v = (int)-tn_errno6to4(rec, -v);
		memcpy(val, &v, sizeof(v));
	}
	return 0;
}
