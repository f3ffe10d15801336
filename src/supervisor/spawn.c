/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A, the supervisor, and B, the program (process layout: sv.h).  B
 * installs the filter and waits; A takes the listener out of B with
 * pidfd_getfd (B's own sendmsg would be trapped already), checks it,
 * starts serving, lets B exec CMD, and reports to W: "P pid" once B
 * runs, "X wait-status" when it ends, "E 0 message" when the mode cannot
 * start. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sv.h"

static const char *filter_error(int e)
{
	switch (e) {
	case EINVAL:
		return "the kernel has no seccomp user notification "
		       "(SECCOMP_FILTER_FLAG_NEW_LISTENER needs Linux 5.0; "
		       "this mode needs 5.9)";
	case EBUSY:
		return "another seccomp listener is installed already "
		       "(nested tnat64-seccomp or a container runtime)";
	case ENOSYS:
		return "the kernel has no seccomp()";
	case EACCES:
	case EPERM:
		return "not allowed to install a seccomp filter";
	default:
		return "cannot install the seccomp filter";
	}
}

struct hello {
	int err;     /* errno of the failure, 0 */
	int fd;      /* listener fd number in B */
	bool killable;  /* sv_filter_install's */
};

static void write_all(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf = (const char *)buf + n;
		len -= (size_t)n;
	}
}

static int read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static void run_program(char **argv, int to_a, int from_a)
{
	struct hello h = { 0, -1, false };
	char go;
	int fd = sv_filter_install(&h.killable);

	if (fd < 0) {
		h.err = -fd;
		write_all(to_a, &h, sizeof(h));
		_exit(125);
	}
	h.fd = fd;
	write_all(to_a, &h, sizeof(h));
	if (read_all(from_a, &go, 1) < 0 || go != 'g')
		_exit(125);
	/* The supervisor holds the listener now; ours must not keep it
	 * alive after the supervisor is gone. */
	close(fd);
	close(to_a);
	close(from_a);
	setenv(SV_ACTIVE_ENV, "1", 1);
	execvp(argv[0], argv);
	{
		int e = errno;

		fprintf(stderr, SV_NAME ": %s: %s\n", argv[0], strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
}

/* One line to W: "P pid", "X wait-status" or "E 0 message". */
static void msg_to_w(int fd, char kind, long v, const char *s)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%c %ld%s%s\n", kind, v,
			 s ? " " : "", s ? s : "");

	if (n > 0)
		write_all(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n
							   : sizeof(buf) - 1);
}

void sv_run_supervisor(char **argv, int wfd)
{
	int to_a[2], from_a[2], pfd, listener, sfd, gone;
	struct hello h;
	pid_t b;
	sigset_t chld;
	struct seccomp_notif_addfd probe;
	int b_done = 0;

	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	prctl(PR_SET_NAME, "tnat64-seccomp", 0, 0, 0);
	if (pipe2(to_a, O_CLOEXEC) < 0 || pipe2(from_a, O_CLOEXEC) < 0)
		sv_die("pipe", errno);
	b = fork();
	if (b < 0)
		sv_die("fork", errno);
	if (b == 0) {
		close(wfd);
		close(to_a[0]);
		close(from_a[1]);
		run_program(argv, to_a[1], from_a[0]);
	}
	close(to_a[1]);
	close(from_a[0]);
	if (read_all(to_a[0], &h, sizeof(h)) < 0)
		h.err = EIO, h.fd = -1;
	if (h.err) {
		msg_to_w(wfd, 'E', 0, filter_error(h.err));
		waitpid(b, NULL, 0);
		_exit(125);
	}
	pfd = (int)syscall(SYS_pidfd_open, b, 0);
	listener = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, h.fd, 0);
	if (listener < 0) {
		msg_to_w(wfd, 'E', 0, "cannot take the seccomp "
			 "listener from the program (pidfd_getfd)");
		kill(b, SIGKILL);
		waitpid(b, NULL, 0);
		_exit(125);
	}
	close(pfd);
	/* SECCOMP_IOCTL_NOTIF_ADDFD (5.9): an unknown id gives ENOENT when
	 * the ioctl exists. */
	memset(&probe, 0, sizeof(probe));
	probe.id = ~0ULL;
	probe.srcfd = (uint32_t)listener;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &probe) < 0 &&
	    errno != ENOENT) {
		msg_to_w(wfd, 'E', 0, "the kernel has no "
			 "SECCOMP_IOCTL_NOTIF_ADDFD: Linux 5.9 or later is "
			 "needed");
		kill(b, SIGKILL);
		waitpid(b, NULL, 0);
		_exit(125);
	}

	/* The terminal's signals are for the program, not for us. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	{
		int nul = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			close(nul);
		}
	}

	gone = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sv_serve_start(listener, gone, h.killable);
	msg_to_w(wfd, 'P', (long)b, NULL);
	write_all(from_a[1], "g", 1);
	close(from_a[1]);
	close(to_a[0]);

	/* Not polling the listener here: a waiter on it is woken by every
	 * notification.  The workers report "no task left" on gone; a
	 * zero-timeout poll also checks now and then. */
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = gone, .events = POLLIN },
		};
		struct pollfd l = { .fd = listener };
		int st;
		pid_t w;

		if (poll(p, 2, b_done ? 1000 : -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) > 0)
				;
		}
		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w == b && !b_done) {
				b_done = 1;
				msg_to_w(wfd, 'X', (long)st, NULL);
				close(wfd);
			}
		}
		/* POLLHUP: every supervised task has exited (it comes before
		 * they are reaped).  Stay until B's status is passed on. */
		if (poll(&l, 1, 0) == 1 && (l.revents & (POLLHUP | POLLERR))) {
			if (b_done)
				break;
			poll(NULL, 0, 10);
		}
	}
	sv_serve_end();
	_exit(0);
}
