/* SPDX-License-Identifier: GPL-2.0-or-later */
/* W, the process the program's parent knows (process layout: sv.h): it
 * keeps the pid the parent got (the launcher or the library's exec hooks
 * exec'd W in the program's place) and stands for B, the program, as far
 * as a parent can tell:
 *  - B's end is W's: the same exit status, or the same signal (no core
 *    file is written for W);
 *  - a signal sent to W by another process is passed on to B (SIGSTOP
 *    and SIGKILL excepted, which nobody can catch: SIGKILL kills W, and
 *    A then kills B; SIGSTOP stops W alone), with its value for
 *    sigqueue().  A kill() of the whole process group reaches B itself:
 *    W asks A, which is in the group too and notes what it gets, and
 *    passes on only what A did not get (the program must not receive one
 *    signal twice);
 *  - when B stops (the terminal's ^Z, SIGSTOP, reading the terminal in
 *    the background...), W stops with the same signal, so that the
 *    parent's waitpid(WUNTRACED) sees it, and goes on when B does;
 *  - W holds none of the program's descriptors once B runs.
 * Lines from A (spawn.c): "P pid" B runs, "X status" B ended, "E 0 why"
 * the mode cannot start, "S sig" B stopped, "C 0" B continued, "G 0|1"
 * A did (not) get the signal W asked about.  Lines to A: "Q sig pid"
 * did you get sig from pid, "R" done with a stop. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sv.h"

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

/* Stop the way B stopped: the parent sees WSTOPSIG == sig. */
static void stop_like(int sig)
{
	sigset_t s;

	if (sig == SIGSTOP) {
		kill(getpid(), SIGSTOP);
		return;
	}
	/* Blocked here (for the signalfd): raised, it waits until the mask
	 * lets it through, with its default action, stop. */
	signal(sig, SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, sig);
	raise(sig);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

void sv_close_except(const int *keep, size_t n)
{
	int k[16], nul;
	unsigned lo = 3;
	size_t m = 0;
	bool kept[3] = { false, false, false };

	for (size_t i = 0; i < n && m < 16; i++)
		if (keep[i] >= 0)
			k[m++] = keep[i];
	qsort(k, m, sizeof(k[0]), cmp_int);
	for (size_t i = 0; i < m; i++)
		if (k[i] < 3)
			kept[k[i]] = true;
	/* 0, 1 and 2 stay open (on /dev/null): whatever we open later must
	 * not become one of them. */
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd < 3; fd++)
		if (!kept[fd] && nul >= 0 && nul != fd)
			dup2(nul, fd);
	for (size_t i = 0; i < m; i++) {
		if ((unsigned)k[i] < lo)
			continue;
		if ((unsigned)k[i] > lo)
			syscall(SYS_close_range, lo, (unsigned)k[i] - 1, 0);
		lo = (unsigned)k[i] + 1;
	}
	syscall(SYS_close_range, lo, ~0u, 0);
}

/* The signals of others that wait for A's answer ("G"), or for B's pid
 * ("P"), in order. */
#define PENDING_MAX 64
struct waiter {
	pid_t a, b;
	const struct sv_target *t;
	int rfd, wfd, sfd;
	bool a_alive, eof;
	struct signalfd_siginfo asked[PENDING_MAX];  /* asked A, in order */
	unsigned nasked;
	struct signalfd_siginfo later[PENDING_MAX];  /* before "P" */
	unsigned nlater;
	char line[600];
	size_t ll;
};

static void send_line(struct waiter *w, const char *s)
{
	size_t n = strlen(s);

	if (w->wfd >= 0 && write(w->wfd, s, n) != (ssize_t)n) {
		close(w->wfd);
		w->wfd = -1;
	}
}

/* Pass si on to B: sigqueue's value and sender kept (SI_QUEUE may name
 * any sender; kill() and tgkill() cannot be imitated). */
static void forward(struct waiter *w, const struct signalfd_siginfo *si)
{
	if (w->b <= 0) {
		if (w->nlater < PENDING_MAX)
			w->later[w->nlater++] = *si;
		return;
	}
	if (si->ssi_code == SI_QUEUE) {
		siginfo_t info;

		memset(&info, 0, sizeof(info));
		info.si_signo = (int)si->ssi_signo;
		info.si_code = SI_QUEUE;
		info.si_pid = (pid_t)si->ssi_pid;
		info.si_uid = si->ssi_uid;
		info.si_value.sival_ptr = (void *)(uintptr_t)si->ssi_ptr;
		if (syscall(SYS_rt_sigqueueinfo, w->b, si->ssi_signo, &info) == 0)
			return;
	}
	kill(w->b, (int)si->ssi_signo);
}

static void on_signal(struct waiter *w, const struct signalfd_siginfo *si)
{
	pid_t from = (pid_t)si->ssi_pid;
	char q[64];

	if ((int)si->ssi_signo == SIGCHLD)
		return;
	/* The kernel's own (the terminal's, hang-up) went to the whole
	 * process group, B included; A's stop/continue nudges are ours. */
	if (si->ssi_code > 0 || from == w->a || from == getpid() ||
	    (w->b > 0 && from == w->b))
		return;
	if (si->ssi_code != SI_USER || !w->a_alive || w->wfd < 0 ||
	    w->nasked == PENDING_MAX) {
		forward(w, si);
		return;
	}
	/* kill(): to W alone, or to the process group?  A knows. */
	snprintf(q, sizeof(q), "Q %u %ld\n", si->ssi_signo, (long)from);
	w->asked[w->nasked++] = *si;
	send_line(w, q);
	if (w->wfd < 0) {
		w->nasked--;
		forward(w, si);
	}
}

/* One line from A.  *stop: B's state after the lines read so far (0
 * running, else its stop signal); *stops: stops to answer with "R". */
static void on_line(struct waiter *w, char *line, int *stop, int *stops)
{
	long v = strtol(line + (line[0] ? 1 : 0), NULL, 10);

	switch (line[0]) {
	case 'P':
		w->b = (pid_t)v;
		/* B has its own copies: ours must not keep a pipe the parent
		 * reads from open after B closed it. */
		{
			int keep[] = { w->rfd, w->wfd, w->sfd };

			sv_close_except(keep, 3);
		}
		for (unsigned i = 0; i < w->nlater; i++)
			forward(w, &w->later[i]);
		w->nlater = 0;
		break;
	case 'X':
		exit_like((int)v);
		break;
	case 'E': {
		char *m = strchr(line + 2, ' ');

		if (w->t->fail_open)
			sv_fail_open(w->t, m ? m + 1 : line);
		fprintf(stderr, SV_NAME ": %s\n", m ? m + 1 : line);
		_exit(125);
	}
	case 'S':
		*stop = (int)v;
		(*stops)++;
		break;
	case 'C':
		*stop = 0;
		break;
	case 'G':
		if (w->nasked) {
			struct signalfd_siginfo si = w->asked[0];

			w->nasked--;
			memmove(w->asked, w->asked + 1,
				sizeof(w->asked[0]) * w->nasked);
			if (!v)
				forward(w, &si);
		}
		break;
	}
}

/* Everything A has written so far; then B's last state acted on. */
static void read_a(struct waiter *w)
{
	int stop = -1, stops = 0;

	for (;;) {
		ssize_t n = read(w->rfd, w->line + w->ll,
				 sizeof(w->line) - 1 - w->ll);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN)
				w->eof = true;
			break;
		}
		w->ll += (size_t)n;
		w->line[w->ll] = '\0';
		while ((nl = strchr(w->line, '\n'))) {
			*nl = '\0';
			on_line(w, w->line, &stop, &stops);
			w->ll -= (size_t)(nl + 1 - w->line);
			memmove(w->line, nl + 1, w->ll + 1);
		}
		if (w->ll >= sizeof(w->line) - 1)
			w->ll = 0;
	}
	if (stop > 0)
		stop_like(stop);
	while (stops-- > 0)
		send_line(w, "R\n");
}

int sv_run_waiter(pid_t a, const struct sv_target *t, int rfd, int wfd)
{
	struct waiter *w = calloc(1, sizeof(*w));
	sigset_t set;

	if (!w)
		sv_die("out of memory", ENOMEM);
	w->a = a;
	w->b = -1;
	w->t = t;
	w->rfd = rfd;
	w->wfd = wfd;
	w->a_alive = true;
	/* Blocked since main(): read here. */
	sv_relay_set(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	w->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (w->sfd < 0)
		sv_die("signalfd", errno);
	fcntl(rfd, F_SETFL, O_NONBLOCK);

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = w->eof ? -1 : rfd, .events = POLLIN },
			{ .fd = w->sfd, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		int st;
		pid_t pid;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			sv_die("poll", errno);
		/* Signals first: a "P" read below may forward those kept. */
		while (read(w->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			on_signal(w, &si);
		if (p[0].revents)
			read_a(w);
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			if (pid == a) {
				w->a_alive = false;
				/* Nobody answers questions any more. */
				for (unsigned i = 0; i < w->nasked; i++)
					forward(w, &w->asked[i]);
				w->nasked = 0;
			} else if (pid == w->b) {
				/* A died before B: B came to us. */
				exit_like(st);
			}
		}
		if (!w->a_alive && w->eof && w->b <= 0)
			_exit(125);
		if (!w->a_alive && w->eof && kill(w->b, 0) < 0 && errno == ESRCH)
			_exit(125);  /* B reaped by A, status lost with A */
	}
}
