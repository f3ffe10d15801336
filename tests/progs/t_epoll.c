/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A socket registered with epoll before its connect (nginx does this):
 * the registration must survive the translation, the first one of the
 * process included, in which the library replaces the socket.
 * Usage: t_epoll -a ADDR4 -e ECHOPORT */
#include <sys/epoll.h>

#include "progs.h"

static void one(const char *name, const struct progs_opts *o, int et)
{
	struct sockaddr_in sa = sin4(o->addr, o->echo_port);
	struct epoll_event ev = { .events = EPOLLOUT | (et ? EPOLLET : 0),
				  .data.u64 = 0x5eed0000u + (unsigned)et };
	struct epoll_event got[4];
	struct greeting g;
	char err[256];
	int ep = epoll_create1(EPOLL_CLOEXEC), soerr = -1, n;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	socklen_t l = sizeof(soerr);

	if (ep < 0 || fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		fail(name, "setup: %s", strerror(errno));
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 &&
	    errno != EINPROGRESS) {
		fail(name, "connect: %s", strerror(errno));
		goto out;
	}
	n = epoll_wait(ep, got, 4, 5000);
	if (n != 1 || got[0].data.u64 != ev.data.u64 ||
	    !(got[0].events & EPOLLOUT)) {
		fail(name, "epoll_wait gave %d event(s) (data %#llx, events "
		     "%#x): the registration was lost", n,
		     n > 0 ? (unsigned long long)got[0].data.u64 : 0ULL,
		     n > 0 ? got[0].events : 0);
		goto out;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &l) < 0 || soerr) {
		fail(name, "SO_ERROR %d", soerr);
		goto out;
	}
	/* Switch to reading: the greeting must wake us too. */
	ev.events = EPOLLIN;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) < 0 ||
	    epoll_wait(ep, got, 4, 5000) != 1) {
		fail(name, "no EPOLLIN for the greeting: %s", strerror(errno));
		goto out;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	set_timeouts(fd, 5);
	if (read_greeting(fd, &g, err, sizeof(err)) < 0)
		fail(name, "%s", err);
	else
		pass(name);
out:
	if (fd >= 0)
		close(fd);
	if (ep >= 0)
		close(ep);
}

int main(int argc, char **argv)
{
	struct progs_opts o;

	progs_getopt(argc, argv, &o);
	/* First: the process's first translation (the socket is replaced). */
	one("epoll/registered before the first translated connect", &o, 1);
	/* Then: NAT64 is known to work (the socket is a stand-in). */
	one("epoll/registered before a later translated connect", &o, 0);
	return progs_exit();
}
