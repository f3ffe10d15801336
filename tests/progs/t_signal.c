/* SPDX-License-Identifier: GPL-2.0-or-later */
/* connect() from a signal handler: the library's connect path is
 * async-signal-safe (no locks, no allocation).  A SIGALRM handler makes
 * translated connects, the very first translation of the process (and so
 * the configuration load) among them, while the main program makes its
 * own translated connects that the signal interrupts.
 * Usage: t_signal -a ADDR4 -e ECHOPORT */
#include <signal.h>
#include <sys/time.h>

#include "progs.h"

static struct sockaddr_in dst;
static volatile sig_atomic_t h_ok, h_bad, h_err, in_handler;

/* Only async-signal-safe calls in here. */
static void on_alarm(int sig)
{
	int saved = errno, fd;
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);

	(void)sig;
	in_handler = 1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		h_bad++;
		h_err = errno;
	} else if (getpeername(fd, (struct sockaddr *)&peer, &len) < 0 ||
		   len != sizeof(peer) || peer.sin_family != AF_INET ||
		   peer.sin_addr.s_addr != dst.sin_addr.s_addr ||
		   peer.sin_port != dst.sin_port) {
		h_bad++;
	} else {
		h_ok++;
	}
	if (fd >= 0)
		close(fd);
	in_handler = 0;
	errno = saved;
}

/* A connect the signal may interrupt: EINTR leaves it going on. */
static int connect_main(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t l = sizeof(err);

	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == 0)
		return 0;
	if (errno != EINTR)
		return -1;
	while (poll(&p, 1, 5000) < 0)
		if (errno != EINTR)
			return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0 || err) {
		errno = err ? err : errno;
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct progs_opts o;
	struct sigaction sa;
	struct itimerval it = { { 0, 4000 }, { 0, 4000 } };
	int main_ok = 0, main_bad = 0, main_err = 0, i;

	progs_getopt(argc, argv, &o);
	dst = sin4(o.addr, o.echo_port);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0 ||
	    setitimer(ITIMER_REAL, &it, NULL) < 0) {
		fail("signal/setup", "%s", strerror(errno));
		return progs_exit();
	}
	/* The first translation happens inside the handler. */
	for (i = 0; i < 2000 && !h_ok && !h_bad; i++)
		usleep(1000);
	check("signal/first translation inside a signal handler",
	      h_ok > 0 && h_bad == 0, "ok %d, failed %d (errno %d)",
	      (int)h_ok, (int)h_bad, (int)h_err);

	for (i = 0; i < 300; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);

		if (fd < 0 || connect_main(fd) < 0) {
			main_bad++;
			main_err = errno;
		} else if (getpeername(fd, (struct sockaddr *)&peer, &len) < 0 ||
			   peer.sin_addr.s_addr != dst.sin_addr.s_addr) {
			main_bad++;
		} else {
			main_ok++;
		}
		if (fd >= 0)
			close(fd);
	}
	it.it_value.tv_usec = 0;
	it.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	note("main %d connects, handler %d connects", main_ok, (int)h_ok);
	check("signal/main connects interrupted by handler connects",
	      main_bad == 0 && main_ok == 300, "ok %d, failed %d (errno %d)",
	      main_ok, main_bad, main_err);
	check("signal/handler connects while the main program connects",
	      h_bad == 0 && h_ok > 1, "ok %d, failed %d (errno %d)",
	      (int)h_ok, (int)h_bad, (int)h_err);
	return progs_exit();
}
