/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64-seccomp [--] CMD [ARGS...]     run CMD under the supervisor
 * tnat64-seccomp --want FILE            exit 0 if FILE needs this mode
 * tnat64-seccomp --check                exit 0 if the kernel has what we need
 *
 * Process layout: see sv.h.  W (this process) forks A; A forks B, B sets
 * no_new_privs when not root, installs the filter and waits; A takes the
 * listener out of B with pidfd_getfd (B's own sendmsg would be trapped
 * already), checks it, lets B exec CMD, and serves.  W tells the shell
 * how B ended.
 *
 * If A dies, the kernel answers every pending and future trapped call of
 * the program with ENOSYS (the listener is gone): the program sees clean
 * errors on its IPv4 socket calls and goes on; W, a child subreaper,
 * inherits B and still reports its exit status. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "sv.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " SV_NAME " [--] CMD [ARGS...]\n"
		"       " SV_NAME " --want FILE   (exit 0: FILE is a static or "
		"Go binary)\n"
		"       " SV_NAME " --check       (exit 0: the kernel supports "
		"this mode)\n"
		"       " SV_NAME " -h|--help|--version\n"
		"Runs CMD and its descendants with their IPv4 socket calls "
		"translated to NAT64\nby a seccomp supervisor (no root needed). "
		"Configuration: TNAT64_CONF_FILE,\nTNAT64_NAT64_PREFIX, "
		"TNAT64_DEBUG, TNAT64_DEBUG_FILE, as for libtnat64.\n");
}

static void die(const char *what, int err)
{
	fprintf(stderr, SV_NAME ": %s", what);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
	exit(125);
}

/* Kernel features we need besides the filter itself (checked in B):
 * pidfd_open (5.3), pidfd_getfd (5.6).  0 or an explanation. */
static const char *check_pidfd(void)
{
	int p = (int)syscall(SYS_pidfd_open, getpid(), 0), d;

	if (p < 0)
		return errno == ENOSYS ? "pidfd_open() is missing: Linux 5.9 or "
		       "later is needed" : "pidfd_open() is not permitted here";
	d = (int)syscall(SYS_pidfd_getfd, p, 2, 0);
	if (d < 0) {
		int e = errno;

		close(p);
		if (e == ENOSYS)
			return "pidfd_getfd() is missing: Linux 5.9 or later is "
			       "needed";
		if (e != EBADF)
			return "pidfd_getfd() is not permitted here (a container "
			       "seccomp profile?)";
		return NULL;
	}
	close(d);
	close(p);
	return NULL;
}

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

/* ---------------------------------------------------------- B */

/* Set in the program's environment: a tnat64-seccomp started inside it
 * (still under our filter) just runs its command; the outer supervisor
 * serves it (a second listener would be refused with EBUSY). */
#define ACTIVE_ENV "TNAT64_SECCOMP_ACTIVE"

static bool under_filter(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	char *p;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, "\nSeccomp:");
	return p && strtol(p + 9, NULL, 10) == 2;
}

struct hello {
	int err;     /* errno of the failure, 0 */
	int fd;      /* listener fd number in B */
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
	struct hello h = { 0, -1 };
	char go;
	int fd = sv_filter_install();

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
	setenv(ACTIVE_ENV, "1", 1);
	execvp(argv[0], argv);
	{
		int e = errno;

		fprintf(stderr, SV_NAME ": %s: %s\n", argv[0], strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
}

/* ---------------------------------------------------------- A */

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

static void run_supervisor(char **argv, int wfd)
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
		die("pipe", errno);
	b = fork();
	if (b < 0)
		die("fork", errno);
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
	sv_serve_start(listener, gone);
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
	_exit(0);
}

/* ---------------------------------------------------------- W */

static void exit_like(int st)
{
	if (WIFSIGNALED(st)) {
		int sig = WTERMSIG(st);
		struct rlimit no_core = { 0, 0 };
		sigset_t s;

		setrlimit(RLIMIT_CORE, &no_core);
		signal(sig, SIG_DFL);
		sigemptyset(&s);
		sigaddset(&s, sig);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		raise(sig);
		_exit(128 + sig);
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
}

static const int forwarded[] = {
	SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH,
};

static int run_waiter(pid_t a, int rfd)
{
	sigset_t set;
	int sfd, a_alive = 1, eof = 0;
	pid_t b = -1;
	char line[600];
	size_t ll = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		die("signalfd", errno);

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = eof ? -1 : rfd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		int st;
		pid_t w;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			die("poll", errno);
		if (p[0].revents) {
			ssize_t n = read(rfd, line + ll, sizeof(line) - 1 - ll);

			if (n <= 0) {
				eof = 1;
			} else {
				char *nl;

				ll += (size_t)n;
				line[ll] = '\0';
				while ((nl = strchr(line, '\n'))) {
					*nl = '\0';
					if (line[0] == 'P')
						b = (pid_t)atol(line + 2);
					else if (line[0] == 'X')
						exit_like(atoi(line + 2));
					else if (line[0] == 'E') {
						char *m = strchr(line + 2, ' ');

						fprintf(stderr, SV_NAME ": %s\n",
							m ? m + 1 : line);
						_exit(125);
					}
					ll -= (size_t)(nl + 1 - line);
					memmove(line, nl + 1, ll + 1);
				}
				if (ll >= sizeof(line) - 1)
					ll = 0;
			}
		}
		while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if ((int)si.ssi_signo == SIGCHLD)
				continue;
			/* From another process (kill), not the terminal (the
			 * program got that one itself). */
			if (b > 0 && (si.ssi_code == SI_USER ||
				      si.ssi_code == SI_QUEUE) &&
			    (pid_t)si.ssi_pid != b && (pid_t)si.ssi_pid != a)
				kill(b, (int)si.ssi_signo);
		}
		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w == a) {
				a_alive = 0;
			} else if (w == b) {
				/* A died before B: B came to us. */
				exit_like(st);
			}
		}
		if (!a_alive && eof && b <= 0)
			_exit(125);
		if (!a_alive && eof && kill(b, 0) < 0 && errno == ESRCH)
			_exit(125);  /* B reaped by A, status lost with A */
	}
}

/* The library must not be in the supervisor (it would translate our own
 * calls) nor in the program (the supervisor does that): drop libtnat64
 * entries from LD_PRELOAD and, if it was loaded into us, start again. */
static void drop_library(char **argv)
{
	const char *pre = getenv("LD_PRELOAD");
	char *copy, *tok, *save = NULL, *out;
	size_t n = 0;

	if (!pre || !strstr(pre, "libtnat64"))
		return;
	copy = strdup(pre);
	out = calloc(1, strlen(pre) + 1);
	if (!copy || !out)
		return;
	for (tok = strtok_r(copy, " :", &save); tok;
	     tok = strtok_r(NULL, " :", &save)) {
		if (strstr(tok, "libtnat64"))
			continue;
		if (n)
			out[n++] = ' ';
		memcpy(out + n, tok, strlen(tok));
		n += strlen(tok);
	}
	if (n)
		setenv("LD_PRELOAD", out, 1);
	else
		unsetenv("LD_PRELOAD");
	free(copy);
	free(out);
	execv("/proc/self/exe", argv);
	/* Could not start again: carry on, the program at least is clean. */
}

int main(int argc, char **argv)
{
	int i = 1, st[2];
	const char *why;
	pid_t a;

	if (i < argc && !strcmp(argv[i], "--want")) {
		if (argc != 3) {
			usage(stderr);
			return 2;
		}
		return sv_want(argv[2]);
	}
	if (i < argc && !strcmp(argv[i], "--check")) {
		why = check_pidfd();
		if (why) {
			fprintf(stderr, SV_NAME ": %s\n", why);
			return 1;
		}
		return 0;
	}
	if (i < argc && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (i < argc && !strcmp(argv[i], "--version")) {
		printf(SV_NAME " " PACKAGE_VERSION "\n");
		return 0;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	drop_library(argv);
	if (getenv(ACTIVE_ENV) && under_filter()) {
		execvp(argv[i], argv + i);
		fprintf(stderr, SV_NAME ": %s: %s\n", argv[i], strerror(errno));
		return errno == ENOENT ? 127 : 126;
	}
	why = check_pidfd();
	if (why) {
		fprintf(stderr, SV_NAME ": %s\n", why);
		return 125;
	}
	sv_conf_load();
	if (pipe2(st, O_CLOEXEC) < 0)
		die("pipe", errno);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	a = fork();
	if (a < 0)
		die("fork", errno);
	if (a == 0) {
		close(st[0]);
		run_supervisor(argv + i, st[1]);
	}
	close(st[1]);
	return run_waiter(a, st[0]);
}
