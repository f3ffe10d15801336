/* SPDX-License-Identifier: GPL-2.0-or-later */
/* W, the process the shell waits for (process layout: sv.h): it passes
 * on the signals other processes send it to B and ends the way B ended,
 * so that the shell sees the program's status and does not wait for the
 * daemons B leaves behind.  A reports on a pipe (spawn.c). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
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

static const int forwarded[] = {
	SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH,
};

int sv_run_waiter(pid_t a, int rfd)
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
		sv_die("signalfd", errno);

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = eof ? -1 : rfd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		struct signalfd_siginfo si;
		int st;
		pid_t w;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			sv_die("poll", errno);
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
