/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The translation core: routing decisions, socket replacement and the
 * connect logic.  Everything here is async-signal-safe: no locks, no
 * allocation (fdtab chunks come from mmap), no stdio. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "epoll.h"
#include "fdid.h"
#include "fdops.h"
#include "log.h"
#include "msgconv.h"
#include "sockopt.h"
#include "tnat64.h"

/* The shared option code (sockopt.c) calls the real functions, never
 * our hooks. */
static int ops_socket(int d, int t, int p)
{
	return real.socket(d, t, p);
}

static int ops_close(int fd)
{
	return real.close(fd);
}

static int ops_get(int fd, int l, int n, void *v, socklen_t *len)
{
	return real.getsockopt(fd, l, n, v, len);
}

static int ops_set(int fd, int l, int n, const void *v, socklen_t len)
{
	return real.setsockopt(fd, l, n, v, len);
}

static int ops_ioctl(int fd, unsigned long req, void *arg)
{
	return real.ioctl(fd, req, arg);
}

static int ops_connect(int fd, const struct sockaddr *a, socklen_t l)
{
	return real.connect(fd, a, l);
}

const struct sockopt_ops tn_sockopt_ops = {
	.socket = ops_socket, .close = ops_close,
	.get = ops_get, .set = ops_set, .ioctl = ops_ioctl,
	.connect = ops_connect,
};

int tn_replace(int fd, struct fdrec *rec, int family)
{
	struct epoll_saved saved[EPOLL_SAVED_MAX];
	int nsaved;
	int fl, fdfl, s2, type, proto, r, off = 0, autoport = 0, old;
	bool icmp;
	unsigned int optmask;
	uint16_t port = 0;
	uint32_t bound = 0, kind = fdrec_kind(rec);

	fl = real.fcntl(fd, F_GETFL);
	fdfl = real.fcntl(fd, F_GETFD);
	if (fl < 0 || fdfl < 0)
		return neg_errno();
	if (kind == FD_PLAIN || kind == FD_EMU || kind == FD_ICMP6) {
		type = rec->type;
		proto = rec->proto;
		optmask = rec->opts;
	} else {
		socklen_t l = sizeof(type);

		if (real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0)
			return neg_errno();
		l = sizeof(proto);
		if (real.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l) < 0)
			proto = 0;
		optmask = OPT_SOCKET | OPT_TCP | OPT_IP | OPT_BOUND;
	}
	if (family == AF_INET6 && (optmask & OPT_BOUND)) {
		struct sockaddr_in sin;
		socklen_t l = sizeof(sin);

		if (real.getsockname(fd, (struct sockaddr *)&sin, &l) == 0 &&
		    sin.sin_family == AF_INET) {
			port = sin.sin_port;
			bound = sin.sin_addr.s_addr;
		}
		/* Bound to one local IPv4 address: never translated. */
		if (policy_bound_addr(bound))
			return -ENETUNREACH;
	} else if (family == AF_INET6 && type == SOCK_DGRAM &&
		   !policy_icmp(type, proto)) {
		/* Never bound by the program, but the kernel bound it on its
		 * first send (to a local peer, say): local peers keep
		 * reaching it at that port if the port can be had. */
		struct sockaddr_in sin;
		socklen_t l = sizeof(sin);

		if (real.getsockname(fd, (struct sockaddr *)&sin, &l) == 0 &&
		    sin.sin_family == AF_INET &&
		    sin.sin_addr.s_addr == htonl(INADDR_ANY)) {
			port = sin.sin_port;
			autoport = 1;
		}
	}
	/* ICMP: an ICMPv6 socket, no port to keep (a raw socket's is its
	 * protocol number) */
	icmp = policy_icmp(type, proto);
	if (icmp && type == SOCK_RAW)
		port = 0;
	s2 = icmp && rec ? tn_icmp_take_spare(rec, family, fl) : -1;
	if (s2 < 0)
		s2 = real.socket(family, type | SOCK_CLOEXEC |
				 ((fl & O_NONBLOCK) ? SOCK_NONBLOCK : 0),
				 family == AF_INET6 ? policy_proto6(type, proto)
						    : proto);
	if (s2 < 0)
		return neg_errno();
	if (family == AF_INET6 && !icmp && tn_bindv6only())
		real.setsockopt(s2, SOL_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (optmask & (OPT_SOCKET | OPT_TCP | OPT_IP))
		sockopt_carry(fd, s2, optmask & (OPT_SOCKET | OPT_TCP | OPT_IP),
			      type, &tn_sockopt_ops);
	if (icmp && rec)
		tn_icmp_setup(fd, s2, family, rec);
	nsaved = tn_epoll_save(fd, saved, EPOLL_SAVED_MAX);
	if (nsaved < 0) {
		/* Registrations that cannot be read (no /proc) would be lost
		 * with the old socket: a program waiting on them would wait
		 * forever.  Leave its socket as it is. */
		real.close(s2);
		return -ENETUNREACH;
	}
	/* a raw ICMP socket's old socket becomes its spare: the way back
	 * needs no privilege the program may have given up */
	old = icmp && rec && type == SOCK_RAW
	      ? fdid_move_high(real.fcntl(fd, F_DUPFD_CLOEXEC, 0)) : -1;
	r = real.dup3(s2, fd, (fdfl & FD_CLOEXEC) ? O_CLOEXEC : 0);
	if (r < 0) {
		r = neg_errno();
		real.close(s2);
		if (old >= 0)
			real.close(old);
		return r;
	}
	real.close(s2);
	if (old >= 0)
		tn_icmp_keep_spare(rec, old);
	if (nsaved)
		tn_epoll_restore(fd, saved, nsaved);
	if (rec) {
		atomic_store_explicit(&rec->kind, FD_UNKNOWN,
				      memory_order_relaxed);
		rec->domain = AF_INET;
		rec->type = (uint8_t)type;
		rec->proto = proto;
		rec->opts = (uint8_t)(optmask & ~(unsigned int)OPT_FRESH);
		rec->bound_port = port;
		rec->bound_v4 = bound;
		rec->peer_prefix = 0xff;
		rec->peer_v4 = 0;
		rec->peer_port = 0;
		atomic_store_explicit(&rec->dst_seq, 0, memory_order_relaxed);
		if (family == AF_INET6)
			tn_state_set(TN_EMU_SEEN);
		atomic_store_explicit(&rec->kind,
				      family == AF_INET ? FD_PLAIN
				      : icmp ? FD_ICMP6 : FD_EMU,
				      memory_order_release);
	}
	if (port) {
		/* The old socket held the port; it is closed now. */
		struct sockaddr_in6 any = { .sin6_family = AF_INET6,
					    .sin6_port = port };
		if (real.bind(fd, (struct sockaddr *)&any, sizeof(any)) < 0) {
			r = neg_errno();
			if (autoport) {
				/* Only the kernel's choice: take another. */
				if (rec)
					rec->bound_port = 0;
				return 0;
			}
			log_msg(LOG_WARN, "fd %d: cannot keep local port %u "
				"after translation (errno %d)", fd,
				(unsigned)ntohs(port), -r);
			return r;
		}
	}
	return 0;
}

static int do_connect(int fd, const void *sa, socklen_t len)
{
	return real.connect(fd, (const struct sockaddr *)sa, len) == 0 ? 0
		: neg_errno();
}

/* Connect an AF_INET6 socket (ours or the program's) to the NAT64 form of
 * v4:port and update the decision cache. */
static int connect_nat64(int fd, int pfx, uint32_t v4, uint16_t port)
{
	struct sockaddr_in6 s6;
	int r;

	/* No prefix applies after all (a discovered default that fell
	 * back to the well-known prefix, a non-global v4): the direct
	 * attempt's "network unreachable" stands. */
	r = tn_synth(pfx, v4, port, &s6);
	if (r < 0)
		return r;
	r = do_connect(fd, &s6, sizeof(s6));
	tn_cache_after(pfx, POLICY_CONNECT, r);
	if (r == 0 || r == -EINPROGRESS)
		log_msg(LOG_INFO, "fd %d: %A:%u via NAT64 [%B]:%u%s", fd, v4,
			(unsigned)ntohs(port), s6.sin6_addr.s6_addr,
			(unsigned)ntohs(port), r ? " (in progress)" : "");
	else
		log_msg(LOG_INFO, "fd %d: %A:%u via NAT64 [%B]:%u: errno %d",
			fd, v4, (unsigned)ntohs(port), s6.sin6_addr.s6_addr,
			(unsigned)ntohs(port), -r);
	return r;
}

static void set_peer(struct fdrec *rec, int pfx, uint32_t v4, uint16_t port)
{
	if (!rec)
		return;
	rec->peer_prefix = (uint8_t)(pfx < 0 ? 0xff : pfx);
	rec->peer_v4 = v4;
	rec->peer_port = port;
}

/* Type of the socket behind fd, from our record or the kernel. */
static int socket_type(int fd, const struct fdrec *rec, int *domain)
{
	int v, type, proto;
	socklen_t l = sizeof(v);
	uint32_t k = fdrec_kind(rec);

	if (k == FD_PLAIN || k == FD_V6MAP) {
		*domain = rec->domain;
		type = rec->type;
		proto = rec->proto;
	} else {
		if (real.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) < 0)
			return -1;
		*domain = v;
		l = sizeof(v);
		if (real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0)
			return -1;
		l = sizeof(v);
		if (real.getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l) < 0)
			return -1;
	}
	/* TCP and UDP only: not ping sockets, SCTP, DCCP... */
	if (!policy_translatable(type, proto))
		return -1;
	return type;
}

/* connect() on an FD_EMU socket: the destination is IPv4, the socket is
 * AF_INET6.  Direct destinations go as ::ffff:a.b.c.d. */
static int emu_connect(int fd, struct fdrec *rec, const struct sockaddr_in *sin)
{
	uint32_t v4 = sin->sin_addr.s_addr;
	struct policy_sock s;
	struct sockaddr_in6 m;
	int pfx = -1, r, nat;

	rec->opts &= (uint8_t)~OPT_FRESH;
	nat = tn_route(v4, sin->sin_port, &pfx);
	tn_sock_facts(rec, &s);
	if (nat && tn_way(fd, rec, POLICY_CONNECT, pfx, &s) ==
	    POLICY_WAY_NAT64) {
		set_peer(rec, pfx, v4, sin->sin_port);
		return connect_nat64(fd, pfx, v4, sin->sin_port);
	}
	msgconv_mapped(v4, sin->sin_port, &m);
	set_peer(rec, -1, v4, sin->sin_port);
	r = do_connect(fd, &m, sizeof(m));
	if (!nat || !policy_direct_failed(r))
		return r;
	set_peer(rec, pfx, v4, sin->sin_port);
	return connect_nat64(fd, pfx, v4, sin->sin_port);
}

int tn_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct fdrec *rec;
	struct policy_sock s;
	enum policy_way way;
	uint32_t kind, v4;
	uint16_t port;
	int pfx = -1, r, type, domain = 0;

	if (!addr || len < (socklen_t)sizeof(sa_family_t))
		return do_connect(fd, addr, len);
	rec = fdtab_get(fd, 0);
	kind = fdrec_kind(rec);

	if (addr->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)addr;

		if (len < (socklen_t)sizeof(*sin))
			return do_connect(fd, addr, len);
		if (kind == FD_EMU)
			return emu_connect(fd, rec, sin);
		if (tn_is_icmp(rec, kind))
			return tn_icmp_connect(fd, rec, sin);
		v4 = sin->sin_addr.s_addr;
		port = sin->sin_port;
		/* The common untranslated cases cost no system call. */
		if (!tn_route(v4, port, &pfx))
			return do_connect(fd, addr, len);
		type = socket_type(fd, rec, &domain);
		if (type < 0 || domain != AF_INET)
			return do_connect(fd, addr, len);
		tn_sock_facts(rec, &s);
		way = tn_way(fd, rec, POLICY_CONNECT, pfx, &s);
		if (way == POLICY_WAY_DIRECT)
			return do_connect(fd, addr, len);
		if (way == POLICY_WAY_DIRECT_FIRST) {
			r = do_connect(fd, addr, len);
			if (!policy_direct_failed(r))
				return r;
		}
		if (!rec)
			rec = fdtab_get(fd, 1);
		/* No IPv6 socket to be had (IPv6 disabled, no descriptor or
		 * memory left, its epoll registrations unknown...), or no
		 * record to translate back what the program sees: the IPv4
		 * attempt and its error are all there is. */
		if (!rec || tn_replace(fd, rec, AF_INET6) < 0)
			return way == POLICY_WAY_DIRECT_FIRST ? -ENETUNREACH
				: do_connect(fd, addr, len);
		set_peer(rec, pfx, v4, port);
		return connect_nat64(fd, pfx, v4, port);
	}

	if (addr->sa_family == AF_INET6 &&
	    len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const void *)addr;

		if (!ipv6_is_v4mapped(s6->sin6_addr.s6_addr))
			return do_connect(fd, addr, len);
		memcpy(&v4, &s6->sin6_addr.s6_addr[12], 4);
		port = s6->sin6_port;
		if (!tn_route(v4, port, &pfx))
			return do_connect(fd, addr, len);
		type = socket_type(fd, rec, &domain);
		if (type != SOCK_STREAM || domain != AF_INET6)
			return do_connect(fd, addr, len);
		tn_sock_facts(rec, &s);
		if (tn_way(fd, rec, POLICY_CONNECT, pfx, &s) != POLICY_WAY_NAT64) {
			r = do_connect(fd, addr, len);
			if (!policy_direct_failed(r))
				return r;
		}
		if (!rec)
			rec = fdtab_get(fd, 1);
		if (!rec) /* nothing to translate its names back with */
			return do_connect(fd, addr, len);
		atomic_store_explicit(&rec->kind, FD_UNKNOWN,
				      memory_order_relaxed);
		rec->domain = AF_INET6;
		rec->type = (uint8_t)type;
		set_peer(rec, pfx, v4, port);
		tn_state_set(TN_EMU_SEEN);
		atomic_store_explicit(&rec->kind, FD_V6MAP,
				      memory_order_release);
		return connect_nat64(fd, pfx, v4, port);
	}
	return do_connect(fd, addr, len);
}
