/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A program's socket replaced, in its descriptor table, by one of ours
 * (SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SETFD), both ways:
 * an AF_INET socket whose traffic goes to NAT64 becomes AF_INET6, a
 * stand-in becomes the AF_INET socket the program asked for.  Same type,
 * protocol, status flags, close-on-exec flag, options and local port. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "log.h"
#include "sockopt.h"
#include "sv.h"

static void copy_options(int from, int to, int type)
{
	sockopt_carry(from, to, SOCKOPT_SOCKET | SOCKOPT_TCP | SOCKOPT_IP,
		      type, &sv_sockopt_ops);
}

/* Replace the program's AF_INET socket (si->d) by a new AF_INET6 one.
 * On success si describes the new socket (si->d is ours, installed as
 * the program's si->fd, still O_NONBLOCK for our connect), *flags holds
 * the program's status flags to restore and the old socket is released. */
int sv_replace_socket(struct call *c, struct sockinfo *si, int *flags)
{
	struct sockaddr_in bound;
	socklen_t bl = sizeof(bound);
	struct stat st;
	int n, off = 0, on = 1, r;
	uint16_t port = 0;
	uint32_t bound_v4 = 0;

	*flags = fcntl(si->d, F_GETFL);
	if (*flags < 0)
		return -errno;
	if (getsockname(si->d, (struct sockaddr *)&bound, &bl) == 0 &&
	    bound.sin_family == AF_INET) {
		port = bound.sin_port;
		bound_v4 = bound.sin_addr.s_addr;
	}
	/* ICMP: an ICMPv6 socket; a raw socket's "port" is its protocol */
	if (policy_icmp(si->type, si->proto) && si->type == SOCK_RAW)
		port = 0;
	n = socket(AF_INET6, si->type | SOCK_NONBLOCK | SOCK_CLOEXEC,
		   policy_proto6(si->type, si->proto));
	if (n < 0)
		return -errno;
	if (!policy_icmp(si->type, si->proto))
		setsockopt(n, SOL_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	copy_options(si->d, n, si->type);
	if (fstat(n, &st) < 0) {
		r = -errno;
		close(n);
		return r;
	}
	r = sv_install(c, n, si->fd);
	if (r < 0) {
		close(n);
		return r;
	}
	sv_sock_close(si);           /* the old socket goes away with this */
	si->d = n;
	si->domain = AF_INET6;
	si->ino = (uint64_t)st.st_ino;
	sv_x_begin(si, -1);
	si->x.bound_v4 = ipv4_always_local(bound_v4) ? bound_v4 : 0;
	if (port) {
		struct sockaddr_in6 any = { .sin6_family = AF_INET6,
					    .sin6_port = port };

		if (bind(n, (struct sockaddr *)&any, sizeof(any)) < 0 &&
		    errno == EADDRINUSE) {
			/* Someone else still holds the old socket. */
			setsockopt(n, SOL_IPV6, IPV6_V6ONLY, &on, sizeof(on));
			if (bind(n, (struct sockaddr *)&any, sizeof(any)) < 0)
				log_msg(LOG_WARN, "pid %d fd %d: cannot keep "
					"local port %u (errno %d)", (int)c->tid,
					si->fd, (unsigned)ntohs(port), errno);
		}
	}
	socktab_put(&si->x);
	return 0;
}

/* Turn a stand-in into the AF_INET socket the program asked for (it is
 * about to bind, listen or set IPv4-level options): same type, protocol,
 * status flags, close-on-exec flag and options.  si then describes the
 * new socket. */
int sv_unstand(struct call *c, struct sockinfo *si)
{
	int n, fl, r;

	fl = fcntl(si->d, F_GETFL);
	if (fl < 0)
		return -errno;
	n = socket(AF_INET, si->type | SOCK_CLOEXEC, si->x.proto);
	if (n < 0)
		return -errno;
	copy_options(si->d, n, si->type);
	if (policy_icmp(si->type, si->x.proto)) {
		/* IPv4-level options were kept as their IPv6 twins */
		int on = 1;

		sockopt_carry_back_ip(si->d, n, &sv_sockopt_ops);
		if (si->x.icmp_recvttl)
			setsockopt(n, SOL_IP, IP_RECVTTL, &on, sizeof(on));
	}
	if (fl & O_NONBLOCK)
		fcntl(n, F_SETFL, fl);
	r = sv_install(c, n, si->fd);
	if (r < 0) {
		close(n);
		return r;
	}
	log_msg(LOG_DEBUG, "pid %d fd %d: stand-in back to AF_INET",
		(int)c->tid, si->fd);
	socktab_del(si->ino);
	sv_sock_close(si);
	si->d = n;
	si->domain = AF_INET;
	si->have_x = false;
	return 0;
}

/* The end of a handler that turned a stand-in back into an AF_INET
 * socket (or found nothing to do): the kernel runs the call itself. */
int64_t sv_unstand_and_continue(struct call *c, struct sockinfo *si)
{
	int r = sv_unstand(c, si);

	sv_sock_close(si);
	return r < 0 ? r : SV_CONTINUE;
}
