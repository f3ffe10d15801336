/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Non-blocking translated connects: EINPROGRESS, completion seen through
 * poll, select and epoll (registered after the connect), SO_ERROR, data
 * exchange, O_NONBLOCK kept, refused connects.
 *
 *   t_nonblock [-a ADDR4] [-e ECHOPORT] [-r REFUSEDPORT]
 *
 * Runs under the library in the IPv6-only client namespace. */
#include "progs.h"

#include <sys/epoll.h>
#include <sys/select.h>

enum waiter { W_POLL, W_SELECT, W_EPOLL };

/* Wait until fd is writable (connect finished).  1 ready, 0 timeout,
 * -1 error (errno). */
static int wait_writable(int fd, enum waiter w)
{
	switch (w) {
	case W_POLL: {
		struct pollfd pf = { .fd = fd, .events = POLLOUT };
		return poll(&pf, 1, 15000);
	}
	case W_SELECT: {
		fd_set wfds;
		struct timeval tv = { 15, 0 };
		if (fd >= FD_SETSIZE) {
			errno = EBADF;
			return -1;
		}
		FD_ZERO(&wfds);
		FD_SET(fd, &wfds);
		return select(fd + 1, NULL, &wfds, NULL, &tv);
	}
	case W_EPOLL: {
		struct epoll_event ev = { .events = EPOLLOUT, .data.fd = fd };
		int ep = epoll_create1(EPOLL_CLOEXEC), r;
		if (ep < 0)
			return -1;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			int e = errno;
			close(ep);
			errno = e;
			return -1;
		}
		r = epoll_wait(ep, &ev, 1, 15000);
		if (r == 1 && ev.data.fd != fd) {
			close(ep);
			errno = EINVAL;
			return -1;
		}
		close(ep);
		return r;
	}
	}
	return -1;
}

static const char *wname[] = { "poll", "select", "epoll" };

/* Returns the fd after a finished non-blocking connect, or -1 (check
 * already reported). */
static int nb_connect(const char *name, const char *addr, unsigned port,
		      enum waiter w, bool sock_nonblock, int *so_error)
{
	struct sockaddr_in sa = sin4(addr, port);
	int fd, r, e, err = -1;
	socklen_t len = sizeof err;

	if (sock_nonblock) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	} else {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 && fcntl(fd, F_SETFL,
				     fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
			fail(name, "fcntl O_NONBLOCK: %s", strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (fd < 0) {
		fail(name, "socket: %s", strerror(errno));
		return -1;
	}
	errno = 0;
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	e = errno;
	if (r < 0 && e != EINPROGRESS) {
		*so_error = e;
		close(fd);
		return -2; /* immediate error, caller decides */
	}
	if (r < 0) {
		r = wait_writable(fd, w);
		if (r <= 0) {
			fail(name, "%s waiting for the connect: %s", wname[w],
			     r == 0 ? "timed out" : strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
		fail(name, "getsockopt SO_ERROR: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*so_error = err;
	return fd;
}

static void nb_ok(const char *base, const struct progs_opts *o,
		  enum waiter w, bool sock_nonblock)
{
	char name[96], sub[128], err[256], b[96];
	int fd, so_error = -1, fl;
	struct greeting g;
	struct sockaddr_in want = sin4(o->addr, o->echo_port), got;
	socklen_t len = sizeof got;

	snprintf(name, sizeof name, "%s", base);
	fd = nb_connect(name, o->addr, o->echo_port, w, sock_nonblock,
			&so_error);
	if (fd == -2) {
		fail(name, "connect: %s (want EINPROGRESS or 0)",
		     strerror(so_error));
		return;
	}
	if (fd < 0)
		return;
	if (so_error) {
		fail(name, "SO_ERROR %d (%s)", so_error, strerror(so_error));
		close(fd);
		return;
	}
	if (getpeername(fd, (struct sockaddr *)&got, &len) < 0 ||
	    len != sizeof got || memcmp(&got, &want, sizeof want)) {
		fail(name, "getpeername %s", FMT_SA(got, len, b));
		close(fd);
		return;
	}
	if (read_greeting(fd, &g, err, sizeof err) < 0 ||
	    echo_roundtrip(fd, "non-blocking\n", err, sizeof err) < 0) {
		fail(name, "%s", err);
		close(fd);
		return;
	}
	pass(name);

	snprintf(sub, sizeof sub, "%s_still_nonblocking", base);
	fl = fcntl(fd, F_GETFL);
	check(sub, fl >= 0 && (fl & O_NONBLOCK), "F_GETFL = 0x%x", fl);

	/* A read with nothing pending must not block. */
	snprintf(sub, sizeof sub, "%s_read_eagain", base);
	{
		char c;
		ssize_t n = read(fd, &c, 1);
		check(sub, n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK),
		      "read returned %zd (%s)", n, n < 0 ? strerror(errno)
							  : "data");
	}

	/* Calling connect again after completion: 0 or EISCONN. */
	snprintf(sub, sizeof sub, "%s_connect_again", base);
	{
		int r, e;
		errno = 0;
		r = connect(fd, (struct sockaddr *)&want, sizeof want);
		e = errno;
		check(sub, r == 0 || e == EISCONN,
		      "r %d errno %d (%s)", r, e, strerror(e));
		r = connect(fd, (struct sockaddr *)&want, sizeof want);
		e = errno;
		snprintf(sub, sizeof sub, "%s_connect_third_eisconn", base);
		check(sub, r < 0 && e == EISCONN,
		      "r %d errno %d (%s)", r, e, strerror(e));
	}
	close(fd);
}

static void nb_refused(const char *name, const struct progs_opts *o,
		       enum waiter w)
{
	int so_error = -1;
	int fd = nb_connect(name, o->addr, o->refused_port, w, false,
			    &so_error);

	if (fd == -2) {
		check(name, so_error == ECONNREFUSED,
		      "immediate connect error %s, want ECONNREFUSED",
		      strerror(so_error));
		return;
	}
	if (fd < 0)
		return;
	check(name, so_error == ECONNREFUSED, "SO_ERROR %d (%s)", so_error,
	      strerror(so_error));
	close(fd);
}

int main(int argc, char **argv)
{
	struct progs_opts o;

	progs_getopt(argc, argv, &o);
	nb_ok("nonblock_poll", &o, W_POLL, false);
	nb_ok("nonblock_select", &o, W_SELECT, false);
	nb_ok("nonblock_epoll", &o, W_EPOLL, false);
	nb_ok("nonblock_sock_nonblock_poll", &o, W_POLL, true);
	nb_refused("nonblock_refused_poll", &o, W_POLL);
	nb_refused("nonblock_refused_epoll", &o, W_EPOLL);
	return progs_exit();
}
