/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals of the hooks that create, copy and close descriptors or set
 * options: they only keep the per-descriptor records right. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "addr.h"
#include "fdops.h"
#include "icmptab.h"
#include "tnat64.h"
#include "rawsys.h"

/* Once NAT64 is in use, an AF_INET TCP socket is born as a dual-stack
 * AF_INET6 one (FD_EMU, "fresh"): a translated connect then needs no
 * second socket, and a local one goes out as ::ffff:a.b.c.d.  Anything
 * that is not a plain client connect (bind, listen, an IPv4 option the
 * IPv6 socket refuses) turns it back into a real AF_INET socket first. */
static int emu_socket(int type, int proto)
{
	int off = 0, fd = real.socket(AF_INET6, type, proto);

	if (fd >= 0 && tn_bindv6only() &&
	    real.setsockopt(fd, SOL_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0) {
		real.close(fd);
		return -1;
	}
	return fd;
}

/* A datagram socket on a host without IPv4 is born dual-stack even
 * before NAT64 has been used: one socket may talk to local IPv4 peers and
 * to translated ones in turn, and replacing it later would lose the
 * datagrams already queued on it.  (Stream sockets wait until NAT64 has
 * worked: until then an AF_INET one costs nothing extra.) */
int tn_socket(int domain, int type, int proto)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int emu = 0, fd = -1;

	/* Read the configuration with the first IP socket, not only at the
	 * first connect that needs it: daemons make their first socket before
	 * they drop privileges (and may no longer read the file after).  Its
	 * errors wait until the program works with IPv4. */
	if (domain == AF_INET)
		(void)tn_config();
	else if (domain == AF_INET6)
		(void)tn_config_quiet();

	if (domain == AF_INET && policy_translatable(base, proto) &&
	    (tn_nat64_in_use() ||
	     (base == SOCK_DGRAM && tn_ipv6_only_host()))) {
		int saved = errno;

		fd = emu_socket(type, proto);
		emu = fd >= 0;
		errno = saved;
	} else if (domain == AF_INET && policy_icmp(base, proto) &&
		   policy_icmp_born_v6(base, proto, tn_ipv6_only_host())) {
		int saved = errno;

		fd = tn_icmp_socket(type, proto);
		emu = fd >= 0;
		errno = saved;
	}
	if (fd < 0)
		fd = real.socket(domain, type, proto);
	if (fd < 0)
		return neg_errno();
	if (!tn_socket_record(fd, domain, type, proto, emu) && emu) {
		/* No record, no emulation: give the program what it asked. */
		real.close(fd);
		fd = real.socket(domain, type, proto);
		if (fd < 0)
			return neg_errno();
		fdtab_clear(fd);
	}
	return fd;
}

static inline bool ip_socket(int domain, int base)
{
	return (domain == AF_INET || domain == AF_INET6) &&
	       (base == SOCK_STREAM || base == SOCK_DGRAM);
}

/* A new socket's record, all but its kind (left FD_UNKNOWN). */
static inline void rec_fields(struct fdrec *rec, int domain, int base,
			      int proto, bool emu)
{
	atomic_store_explicit(&rec->kind, FD_UNKNOWN, memory_order_relaxed);
	rec->domain = (uint8_t)domain;
	rec->type = (uint8_t)base;
	rec->proto = proto;
	rec->opts = emu ? OPT_FRESH : 0;
	rec->peer_prefix = 0xff;
	rec->peer_v4 = 0;
	rec->peer_port = 0;
	rec->bound_v4 = 0;
	rec->bound_port = 0;
	atomic_store_explicit(&rec->dst_seq, 0, memory_order_relaxed);
	/* an ICMP socket's state left by a descriptor closed unseen */
	if (__builtin_expect(atomic_load_explicit(&rec->icmp,
						  memory_order_relaxed) != 0, 0))
		fdtab_set_icmp(rec, 0);
	if (emu)
		tn_state_set(TN_EMU_SEEN);
}

static inline void rec_init(struct fdrec *rec, int domain, int base,
			    int proto, bool emu)
{
	rec_fields(rec, domain, base, proto, emu);
	atomic_store_explicit(&rec->kind, emu ? FD_EMU : FD_PLAIN,
			      memory_order_release);
}

/* An ICMP socket's record (policy_icmp): an AF_INET one also gets the
 * state kept for it (icmptab.h) and its spare; born ICMPv6 (emu), it is
 * FD_ICMP6. */
static void icmp_rec_init(int fd, struct fdrec *rec, int domain, int base,
			  int proto, bool emu)
{
	rec_fields(rec, domain, base, proto, emu);
	if (domain == AF_INET) {
		fdtab_set_icmp(rec, icmptab_new());
		tn_icmp_make_spare(fd, emu ? AF_INET6 : AF_INET, rec);
	}
	atomic_store_explicit(&rec->kind, emu ? FD_ICMP6 : FD_PLAIN,
			      memory_order_release);
}

int tn_socket_plain(int domain, int type, int proto)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int fd = real.socket(domain, type, proto);
	struct fdrec *rec;

	if (fd < 0)
		return fd;
	/* The usual case inline: its chunk of the table exists. */
	rec = fdtab_get(fd, 0);
	if (__builtin_expect(rec && ip_socket(domain, base), 1)) {
		rec_init(rec, domain, base, proto, false);
		return fd;
	}
	tn_socket_record(fd, domain, type, proto, false);
	return fd;
}

bool tn_socket_record(int fd, int domain, int type, int proto, bool emu)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct fdrec *rec;

	bool icmp = (domain == AF_INET || domain == AF_INET6) &&
		    policy_icmp(base, proto);

	if ((!ip_socket(domain, base) && !icmp) ||
	    (rec = fdtab_get(fd, 1)) == NULL) {
		fdtab_clear(fd);
		return false;
	}
	if (icmp)
		icmp_rec_init(fd, rec, domain, base, proto, emu);
	else
		rec_init(rec, domain, base, proto, emu);
	return true;
}

int tn_socketpair(int domain, int type, int proto, int sv[2])
{
	if (real.socketpair(domain, type, proto, sv) < 0)
		return neg_errno();
	fdtab_clear(sv[0]);
	fdtab_clear(sv[1]);
	return 0;
}

int tn_accept(int fd, struct sockaddr *addr, socklen_t *len, int flags,
	      int use4)
{
	int r = use4 ? real.accept4(fd, addr, len, flags)
		     : real.accept(fd, addr, len);

	if (r < 0)
		return neg_errno();
	fdtab_clear(r);
	return r;
}

TN_EXEC_TEXT int tn_close_range(unsigned int first, unsigned int last,
				 int flags)
{
	if (!real.close_range)
		return -ENOSYS;
	if (!(flags & CLOSE_RANGE_CLOEXEC) && first <= last)
		fdtab_clear_range(first, last);
	return real.close_range(first, last, flags) < 0 ? neg_errno() : 0;
}

TN_EXEC_TEXT void tn_closefrom(int lowfd)
{
	if (lowfd >= 0)
		fdtab_clear_range((unsigned int)lowfd, ~0u);
	if (real.closefrom)
		real.closefrom(lowfd);
}

TN_EXEC_TEXT int tn_dup(int oldfd)
{
	int r = real.dup(oldfd);

	if (r < 0)
		return neg_errno();
	fdtab_copy(oldfd, r);
	return r;
}

TN_EXEC_TEXT int tn_dup3(int oldfd, int newfd, int flags, int use3)
{
	int r = use3 ? real.dup3(oldfd, newfd, flags)
		     : real.dup2(oldfd, newfd);

	if (r < 0)
		return neg_errno();
	fdtab_copy(oldfd, r);
	return r;
}

TN_EXEC_TEXT int tn_fcntl(int fd, int cmd, void *arg, int use64)
{
	int (*f)(int, int, ...) = use64 && real.fcntl64 ? real.fcntl64
						       : real.fcntl;
	int r = f(fd, cmd, arg);

	if (r < 0)
		return neg_errno();
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		fdtab_copy(fd, r);
	return r;
}

int tn_setsockopt(int fd, int level, int name, const void *val,
		  socklen_t len)
{
	struct fdrec *rec = fdtab_get(fd, 0);
	uint32_t kind = fdrec_kind(rec);

	if (tn_is_icmp(rec, kind)) {
		int r = tn_icmp_setsockopt(fd, rec, level, name, val, len);

		if (r != TN_ICMP_PASS)
			return r;
	}
	/* Received control messages are rewritten to IPv4 form here (recv.c):
	 * IP_PKTINFO and the like stay on the stand-in. */
	if (kind == FD_EMU && (rec->opts & OPT_FRESH) &&
	    policy_option_needs_inet(level, name, true)) {
		int r = tn_unfresh(fd, rec);

		if (r == 0)
			kind = FD_PLAIN;
		else if (!policy_unstand_short(r))
			return r;
	}
	if (real.setsockopt(fd, level, name, val, len) < 0) {
		int r = neg_errno();

		/* An IPv4 option our stand-in socket does not take. */
		if (kind != FD_EMU || !(rec->opts & OPT_FRESH) ||
		    level != SOL_IP || tn_unfresh(fd, rec) < 0)
			return r;   /* the stand-in's answer (policy_unstand_short) */
		kind = FD_PLAIN;
		if (real.setsockopt(fd, level, name, val, len) < 0)
			return neg_errno();
	}
	if (kind == FD_PLAIN || kind == FD_EMU || kind == FD_ICMP6) {
		if (level == SOL_SOCKET && name == SO_BINDTODEVICE)
			rec->opts |= OPT_DEVICE;
		if (level == SOL_SOCKET)
			rec->opts |= OPT_SOCKET;
		else if (level == SOL_TCP)
			rec->opts |= OPT_TCP;
		else if (level == SOL_IP)
			rec->opts |= OPT_IP;
	}
	if (kind == FD_EMU && level == SOL_IP)
		sockopt_mirror_ip(fd, name, val, len, &tn_sockopt_ops);
	return 0;
}

int tn_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct fdrec *rec = fdtab_get(fd, 0);
	uint32_t kind = fdrec_kind(rec);
	int r;

	if (kind == FD_EMU && (rec->opts & OPT_FRESH)) {
		r = tn_unfresh(fd, rec);
		if (r == 0)
			kind = FD_PLAIN;
		else if (!policy_unstand_short(r))
			return r;
	}
	if (kind == FD_ICMP6) {
		/* to any IPv4 address: nothing to do for ICMPv6; to one: the
		 * program wants IPv4 (policy_bound_addr) */
		const struct sockaddr_in *sin = (const void *)addr;

		if (addr && len >= (socklen_t)sizeof(*sin) &&
		    sin->sin_family == AF_INET &&
		    !policy_bound_addr(sin->sin_addr.s_addr)) {
			rec->opts |= OPT_BOUND;
			return 0;
		}
		r = tn_replace(fd, rec, AF_INET);
		if (r < 0)
			return r;
		kind = FD_PLAIN;
	}
	if (kind == FD_EMU && addr && len >= (socklen_t)sizeof(struct sockaddr_in) &&
	    addr->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)addr;
		struct sockaddr_in6 s6;

		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_port = sin->sin_port;
		if (sin->sin_addr.s_addr != htonl(INADDR_ANY))
			ipv6_make_v4mapped(sin->sin_addr.s_addr,
					   s6.sin6_addr.s6_addr);
		if (real.bind(fd, (struct sockaddr *)&s6, sizeof(s6)) < 0)
			return neg_errno();
		rec->opts &= (uint8_t)~OPT_FRESH;   /* used now: kept as it is */
		rec->bound_v4 = sin->sin_addr.s_addr;
		rec->bound_port = sin->sin_port;
		return 0;
	}
	if (real.bind(fd, addr, len) < 0)
		return neg_errno();
	if (kind == FD_PLAIN) {
		rec->opts |= OPT_BOUND;
		if (addr && addr->sa_family == AF_INET &&
		    len >= (socklen_t)sizeof(struct sockaddr_in))
			rec->bound_v4 = ((const struct sockaddr_in *)
					 (const void *)addr)->sin_addr.s_addr;
	}
	return 0;
}

/* A fresh FD_EMU socket about to be used as more than a client: make it
 * the real AF_INET socket the program asked for. */
int tn_unfresh(int fd, struct fdrec *rec)
{
	return tn_replace(fd, rec, AF_INET);
}

/* ioctl requests only an AF_INET socket answers (interface addresses:
 * ifconfig-style programs open a datagram socket just for them) turn a
 * fresh stand-in into the AF_INET socket the program asked for. */
int tn_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	if (policy_ioctl_needs_inet(req)) {
		struct fdrec *rec = fdtab_get(fd, 0);

		if (fdrec_kind(rec) == FD_EMU && (rec->opts & OPT_FRESH)) {
			r = tn_unfresh(fd, rec);
			if (r < 0 && !policy_unstand_short(r))
				return r;
		}
	}
	r = real.ioctl(fd, req, arg);
	return r < 0 ? neg_errno() : r;
}

int tn_listen(int fd, int backlog)
{
	struct fdrec *rec = fdtab_get(fd, 0);

	if (fdrec_kind(rec) == FD_EMU && (rec->opts & OPT_FRESH)) {
		int r = tn_unfresh(fd, rec);

		if (r < 0 && !policy_unstand_short(r))
			return r;
		if (r < 0)
			rec->opts &= (uint8_t)~OPT_FRESH; /* listens as it is */
	}
	return real.listen(fd, backlog) < 0 ? neg_errno() : 0;
}
