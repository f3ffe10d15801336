/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A program's AF_INET socket replaced, in its descriptor table, by an
 * AF_INET6 socket of ours (SECCOMP_IOCTL_NOTIF_ADDFD with
 * SECCOMP_ADDFD_FLAG_SETFD), at its first connect or send to a NAT64
 * destination: same type, protocol, status flags, close-on-exec flag,
 * options and local port.  Nothing else of the program is touched
 * before the ADDFD, which the kernel refuses once the call went away (a
 * signal): then the program still has its own socket, as it was. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "log.h"
#include "sockopt.h"
#include "sv.h"

/* A socket of the program's family set in what it may carry. */
static unsigned carry_levels(int type)
{
	return SOCKOPT_SOCKET | SOCKOPT_IP |
	       (type == SOCK_STREAM ? SOCKOPT_TCP : 0);
}

int sv_replace_socket(struct call *c, struct sockinfo *si, bool nonblock,
		      int *old, unsigned *carried)
{
	struct stat st;
	int n, off = 0, on = 1, r;
	uint16_t port = si->local.sin_port;
	uint32_t bound_v4 = si->local.sin_addr.s_addr;
	bool icmp = policy_icmp(si->type, si->proto);

	*old = -1;
	*carried = 0;
	r = sv_sock_fdinfo(c, si);
	if (r < 0)
		return r;
	/* ICMP: an ICMPv6 socket (no dual stack); a raw socket's "port" is
	 * its protocol */
	if (icmp && si->type == SOCK_RAW)
		port = 0;
	n = socket(AF_INET6, si->type | SOCK_CLOEXEC |
		   (nonblock || (si->flags & O_NONBLOCK) ? SOCK_NONBLOCK : 0),
		   policy_proto6(si->type, si->proto));
	if (n < 0)
		return -errno;
	/* Dual-stack: ::ffff:a.b.c.d destinations stay reachable. */
	if (!icmp && sockopt_bindv6only())
		setsockopt(n, SOL_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	*carried = sockopt_carry(si->d, n, carry_levels(si->type), si->type,
				 &sv_sockopt_ops);
	/* Status flags beyond O_NONBLOCK (O_ASYNC...): rare. */
	if ((si->flags & ~(O_NONBLOCK | O_ACCMODE)) &&
	    fcntl(n, F_SETFL, si->flags | (nonblock ? O_NONBLOCK : 0)) < 0)
		log_msg(LOG_DEBUG, "fd %d: status flags %#x not kept",
			si->fd, si->flags);
	if (fstat(n, &st) < 0) {
		r = -errno;
		close(n);
		return r;
	}
	r = sv_install(c, n, si->fd, si->cloexec);
	if (r < 0) {
		close(n);
		return r;
	}
	*old = si->d;
	si->d = n;
	si->domain = AF_INET6;
	si->ino = (uint64_t)st.st_ino;
	sv_x_begin(si, -1);
	si->x.bound_v4 = ipv4_always_local(bound_v4) ? bound_v4 : 0;
	if (port) {
		struct sockaddr_in6 any = { .sin6_family = AF_INET6,
					    .sin6_port = port };

		/* The old socket holds the port until it goes. */
		close(*old);
		*old = -1;
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
	/* Known before the call on it returns: another thread's
	 * getpeername may come first. */
	socktab_put(&si->x);
	return 0;
}

/* A first call that failed at once says nothing went out: the program
 * keeps the socket it made (natively its call fails the same way). */
static bool failed_at_once(long r)
{
	return r < 0 && r != -EINPROGRESS && r != -EAGAIN &&
	       r != -EWOULDBLOCK && r != -EINTR && r != -EALREADY;
}

void sv_replace_back(struct call *c, struct sockinfo *si, int old, long r)
{
	if (old >= 0 && failed_at_once(r) &&
	    sv_install(c, old, si->fd, si->cloexec) >= 0) {
		socktab_del(si->ino);
		si->have_x = false;
		log_msg(LOG_DEBUG, "pid %d fd %d: kept as AF_INET (errno %d)",
			(int)c->tid, si->fd, (int)-r);
	}
}

void sv_replace_end(struct call *c, struct sockinfo *si, int old, long r)
{
	sv_replace_back(c, si, old, r);
	if (old >= 0)
		close(old);
}

void sv_sock_close_old(struct sockinfo *si, int old)
{
	int lo = si->d < old ? si->d : old;

	/* Two numbers next to each other: nothing else is between. */
	if (si->d >= 0 && old >= 0 && (si->d - old == 1 || old - si->d == 1) &&
	    close_range((unsigned)lo, (unsigned)lo + 1, 0) == 0) {
		si->d = -1;
		return;
	}
	sv_sock_close(si);
	if (old >= 0)
		close(old);
}
