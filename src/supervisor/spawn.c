/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A, the supervisor, and B, the program (process layout: sv.h).  B
 * installs the filter and waits; A takes the listener out of B with
 * pidfd_getfd (B's own sendmsg would be trapped already), checks it,
 * starts serving, lets B exec the program, and keeps W informed (the
 * lines are listed in waiter.c): B runs, stops, continues, ends, or the
 * mode cannot start; and it answers W's questions about the signals it
 * received itself (A blocks the signals W relays and only notes who sent
 * them: a kill() aimed at the process group reaches A, W and B alike, so
 * W must not pass that one on).
 *
 * A holds none of the program's descriptors: it closes them once B is
 * forked (a pipe the program's parent reads to its end must end when the
 * program's copies are closed), and its standard error once B has ended. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
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

static void run_program(const struct sv_target *t, int to_a, int from_a)
{
	struct hello h = { 0, -1, false };
	char go;
	int fd = sv_filter_install(&h.killable), e;

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
	sv_program_env();
	e = sv_exec_program(t);
	fprintf(stderr, SV_NAME ": %s: %s\n", sv_program_name(t), strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

/* One line to W. */
static void msg_to_w(int fd, char kind, long v, const char *s)
{
	char buf[512];
	int n;

	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%c %ld%s%s\n", kind, v, s ? " " : "",
		     s ? s : "");
	if (n > 0)
		write_all(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n
							   : sizeof(buf) - 1);
}

/* Signals A received from other processes by kill(), newest last: what
 * W asks about.  An entry older than SEEN_MS is stale (a signal sent to
 * A alone long ago). */
#define SEEN_MAX 32
#define SEEN_MS 2000
struct seen {
	int sig;
	pid_t pid;
	long long at_ms;
};
static struct seen seen[SEEN_MAX];
static unsigned nseen;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read the signals pending for A: SIGCHLD says a child changed state;
 * the others sent by kill() are noted. */
static void drain_signals(int sfd, pid_t w)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if ((int)si.ssi_signo == SIGCHLD || si.ssi_code != SI_USER ||
		    (pid_t)si.ssi_pid == w)
			continue;
		if (nseen == SEEN_MAX) {
			memmove(seen, seen + 1, sizeof(seen[0]) * (SEEN_MAX - 1));
			nseen--;
		}
		seen[nseen].sig = (int)si.ssi_signo;
		seen[nseen].pid = (pid_t)si.ssi_pid;
		seen[nseen].at_ms = now_ms();
		nseen++;
	}
}

/* Did A get sig from pid too (a kill() of the process group)?  The
 * entry is used up. */
static bool witnessed(int sig, pid_t pid)
{
	long long now = now_ms();

	for (unsigned i = nseen; i-- > 0;) {
		if (seen[i].sig != sig || seen[i].pid != pid ||
		    now - seen[i].at_ms > SEEN_MS)
			continue;
		memmove(seen + i, seen + i + 1, sizeof(seen[0]) * (nseen - i - 1));
		nseen--;
		return true;
	}
	return false;
}

struct w_link {
	int wfd, rfd;       /* to W, from W; -1 once W is gone */
	pid_t w;
	char buf[256];
	size_t len;
	unsigned unacked;   /* stops reported that W has not answered */
};

/* W's lines: "Q sig pid" (did you get it too?) and "R" (done with a
 * stop).  End of file: W is gone. */
static void read_w(struct w_link *l, int sfd, pid_t b, bool b_done)
{
	ssize_t n = read(l->rfd, l->buf + l->len, sizeof(l->buf) - 1 - l->len);
	char *nl;

	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		/* W was killed (SIGKILL: it passes on everything else): so
		 * is the program, as it would have been. */
		if (!b_done)
			kill(b, SIGKILL);
		close(l->rfd);
		close(l->wfd);
		l->rfd = l->wfd = -1;
		return;
	}
	l->len += (size_t)n;
	l->buf[l->len] = '\0';
	while ((nl = strchr(l->buf, '\n'))) {
		int sig;
		long pid;

		*nl = '\0';
		if (sscanf(l->buf, "Q %d %ld", &sig, &pid) == 2) {
			drain_signals(sfd, l->w);
			msg_to_w(l->wfd, 'G', witnessed(sig, (pid_t)pid), NULL);
		} else if (l->buf[0] == 'R' && l->unacked) {
			l->unacked--;
		}
		l->len -= (size_t)(nl + 1 - l->buf);
		memmove(l->buf, nl + 1, l->len + 1);
	}
	if (l->len >= sizeof(l->buf) - 1)
		l->len = 0;
}

static void close_program_fds(int keep1, int keep2, int keep3, int keep4)
{
	int keep[] = { 2, keep1, keep2, keep3, keep4 };

	sv_close_except(keep, sizeof(keep) / sizeof(keep[0]));
}

void sv_run_supervisor(const struct sv_target *t, int wfd, int rfd)
{
	int to_a[2], from_a[2], pfd, listener, sfd, gone;
	struct hello h;
	pid_t b;
	sigset_t set;
	struct seccomp_notif_addfd probe;
	struct w_link wl = { .wfd = wfd, .rfd = rfd, .w = getppid() };
	bool b_done = false, b_stopped = false;

	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	prctl(PR_SET_NAME, "tnat64-seccomp", 0, 0, 0);
	if (pipe2(to_a, O_CLOEXEC) < 0 || pipe2(from_a, O_CLOEXEC) < 0)
		sv_die("pipe", errno);
	b = fork();
	if (b < 0)
		sv_die("fork", errno);
	if (b == 0) {
		close(wfd);
		close(rfd);
		close(to_a[0]);
		close(from_a[1]);
		run_program(t, to_a[1], from_a[0]);
	}
	close(to_a[1]);
	close(from_a[0]);
	close_program_fds(wfd, rfd, to_a[0], from_a[1]);
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

	/* The signals meant for the program (the terminal's, a kill() of
	 * the process group) stay blocked here, as W left them, and are
	 * only noted (drain_signals); SIGCHLD joins them. */
	signal(SIGPIPE, SIG_IGN);
	sv_relay_set(&set);
	sigdelset(&set, SIGPIPE);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	{
		int nul = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			close(nul);
		}
	}
	fcntl(rfd, F_SETFL, O_NONBLOCK);

	gone = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sv_serve_start(listener, gone, h.killable);
	msg_to_w(wfd, 'P', (long)b, NULL);
	write_all(from_a[1], "g", 1);
	close(from_a[1]);
	close(to_a[0]);

	/* Not polling the listener here: a waiter on it is woken by every
	 * notification.  The workers report "no task left" on gone; a
	 * zero-timeout poll also checks now and then.  While W has not
	 * answered a stop of B that is over, W is woken every 10 ms (it
	 * may have stopped itself after our SIGCONT). */
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = gone, .events = POLLIN },
			{ .fd = wl.rfd, .events = POLLIN },
		};
		struct pollfd l = { .fd = listener };
		int st, timeout = b_done ? 1000 : -1;
		pid_t w;

		if (wl.unacked && !b_stopped && wl.rfd >= 0)
			timeout = 10;
		if (poll(p, 3, timeout) < 0 && errno != EINTR)
			break;
		if (wl.unacked && !b_stopped && wl.rfd >= 0)
			kill(wl.w, SIGCONT);
		if (p[0].revents & POLLIN)
			drain_signals(sfd, wl.w);
		if (p[2].revents)
			read_w(&wl, sfd, b, b_done);
		while (!b_done &&
		       (w = waitpid(b, &st, WNOHANG | WUNTRACED | WCONTINUED)) > 0) {
			if (WIFSTOPPED(st)) {
				b_stopped = true;
				wl.unacked++;
				msg_to_w(wl.wfd, 'S', WSTOPSIG(st), NULL);
			} else if (WIFCONTINUED(st)) {
				b_stopped = false;
				msg_to_w(wl.wfd, 'C', 0, NULL);
				if (wl.unacked)
					kill(wl.w, SIGCONT);
			} else {
				b_done = true;
				msg_to_w(wl.wfd, 'X', (long)st, NULL);
			}
		}
		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w == b && !b_done) {
				b_done = true;
				msg_to_w(wl.wfd, 'X', (long)st, NULL);
			}
		}
		if (b_done && wl.rfd >= 0) {
			/* W has what it needs: it goes, and so do our copies
			 * of its pipes and of the program's standard error. */
			int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);

			close(wl.wfd);
			close(wl.rfd);
			wl.wfd = wl.rfd = -1;
			if (nul >= 0) {
				dup2(nul, 2);
				close(nul);
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
