/* SPDX-License-Identifier: GPL-2.0-or-later */
/* socket(2) of an AF_INET stream or datagram socket: a stand-in. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockopt.h"
#include "sv.h"

/* socket(AF_INET, SOCK_STREAM or SOCK_DGRAM): the program gets a
 * dual-stack AF_INET6 socket of ours, a stand-in (as the library's), so
 * its connect and sends to NAT64 destinations need no replacement of
 * the socket (and no copy of its options) later.  Installed as the
 * call's result in one step (SECCOMP_ADDFD_FLAG_SEND). */
int64_t sv_handle_socket(struct call *c)
{
	int type = (int)c->args[1], proto = (int)c->args[2];
	int base = type & 0xf, off = 0, n;
	struct xsock x;
	struct stat st;
	int64_t r;

	if ((int)c->args[0] != AF_INET ||
	    (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)))
		return SV_CONTINUE;
	if (!policy_translatable(base, proto))
		return SV_CONTINUE;     /* ICMP "ping" sockets and the rest */
	/* A process we cannot look at (it made itself non-dumpable) would
	 * see the stand-in's AF_INET6 nature in every later call, which
	 * we could not answer: it keeps real AF_INET sockets. */
	if (!sv_inspectable(c))
		return SV_CONTINUE;
	n = socket(AF_INET6, base | (type & SOCK_NONBLOCK) | SOCK_CLOEXEC,
		   proto);
	if (n < 0)
		return SV_CONTINUE;     /* no IPv6: the kernel's AF_INET one */
	if (sockopt_bindv6only())
		setsockopt(n, SOL_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (fstat(n, &st) < 0) {
		close(n);
		return SV_CONTINUE;
	}
	memset(&x, 0, sizeof(x));
	x.ino = (uint64_t)st.st_ino;
	x.type = base;
	x.proto = proto;
	x.pfx = -1;
	x.standin = true;
	socktab_put(&x);
	r = sv_install_result(c, n, (type & SOCK_CLOEXEC) != 0);
	close(n);
	if (r < 0 && r != SV_REPLIED)
		socktab_del(x.ino);
	return r;
}
