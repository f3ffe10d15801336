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
 * inherits B and still reports its exit status.
 *
 * This file: the command line and the checks; A and B: spawn.c; W:
 * waiter.c. */
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

void sv_die(const char *what, int err)
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
	if (getenv(SV_ACTIVE_ENV) && under_filter()) {
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
		sv_die("pipe", errno);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	a = fork();
	if (a < 0)
		sv_die("fork", errno);
	if (a == 0) {
		close(st[0]);
		sv_run_supervisor(argv + i, st[1]);
	}
	close(st[1]);
	return sv_run_waiter(a, st[0]);
}
