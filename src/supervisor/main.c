/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64-seccomp [--] CMD [ARGS...]     run CMD under the supervisor
 * tnat64-seccomp --exec FILE [--] ARGV0 [ARGS...]
 *                                       run FILE (no PATH search) with
 *                                       that argv, in this process's place
 * tnat64-seccomp --exec-fd N [--cloexec] [--] ARGV0 [ARGS...]
 *                                       the same for the file open as N
 * tnat64-seccomp --want FILE            exit 0 if FILE needs this mode
 * tnat64-seccomp --check                exit 0 if the kernel has what we need
 *
 * Process layout: see sv.h.  W (this process) forks A; A forks B, B sets
 * no_new_privs when not root, installs the filter and waits; A takes the
 * listener out of B with pidfd_getfd (B's own sendmsg would be trapped
 * already), checks it, lets B exec CMD, and serves.  W stands for B
 * towards whoever started it (waiter.c).
 *
 * --exec and --exec-fd are what the library's exec hooks run instead of
 * a static or Go program (src/preload/exec.c): the program keeps its
 * pid (W's), argv[0], environment and descriptors, and when this mode
 * cannot start, W runs the program itself without translation (fail
 * open, one log line).
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
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confload.h"
#include "log.h"
#include "sv.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " SV_NAME " [--] CMD [ARGS...]\n"
		"       " SV_NAME " --exec FILE [--] ARGV0 [ARGS...]\n"
		"       " SV_NAME " --exec-fd N [--cloexec] [--] ARGV0 "
		"[ARGS...]\n"
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

/* LD_PRELOAD without its libtnat64 entries (NULL when nothing is left),
 * to free; or NULL with *same set when there is none to drop. */
static char *preload_without_library(bool *same)
{
	const char *pre = getenv("LD_PRELOAD");
	char *copy, *tok, *save = NULL, *out;
	size_t n = 0;

	*same = !pre || !strstr(pre, "libtnat64");
	if (*same)
		return NULL;
	copy = strdup(pre);
	out = calloc(1, strlen(pre) + 1);
	if (!copy || !out) {
		free(copy);
		free(out);
		*same = true;
		return NULL;
	}
	for (tok = strtok_r(copy, " :", &save); tok;
	     tok = strtok_r(NULL, " :", &save)) {
		if (strstr(tok, "libtnat64"))
			continue;
		if (n)
			out[n++] = ' ';
		memcpy(out + n, tok, strlen(tok));
		n += strlen(tok);
	}
	free(copy);
	if (!n) {
		free(out);
		return NULL;
	}
	return out;
}

void sv_program_env(void)
{
	bool same;
	char *pre = preload_without_library(&same);

	if (!same) {
		if (pre)
			setenv("LD_PRELOAD", pre, 1);
		else
			unsetenv("LD_PRELOAD");
		free(pre);
	}
	setenv(SV_ACTIVE_ENV, "1", 1);
}

/* The library must not be in the supervisor (it would translate our own
 * calls).  A static build (the normal one) is out of reach of
 * LD_PRELOAD and /etc/ld.so.preload alike; a dynamic one (sanitizer
 * builds) starts again without it. */
static void drop_library(char **argv)
{
	bool same;
	char *pre;

	if (getauxval(AT_BASE) == 0)
		return; /* no dynamic loader: nothing was preloaded */
	pre = preload_without_library(&same);
	if (same)
		return;
	if (pre)
		setenv("LD_PRELOAD", pre, 1);
	else
		unsetenv("LD_PRELOAD");
	free(pre);
	execv("/proc/self/exe", argv);
	/* Could not start again: carry on, the program at least is clean. */
}

const char *sv_program_name(const struct sv_target *t)
{
	return t->file ? t->file : t->argv[0];
}

int sv_exec_program(const struct sv_target *t)
{
	sigprocmask(SIG_SETMASK, &t->mask, NULL);
	if (t->fd >= 0) {
		if (t->cloexec)
			fcntl(t->fd, F_SETFD, FD_CLOEXEC);
		syscall(SYS_execveat, t->fd, "", t->argv, environ,
			AT_EMPTY_PATH);
	} else if (t->file) {
		execve(t->file, t->argv, environ);
	} else {
		execvp(t->argv[0], t->argv);
	}
	return errno;
}

void sv_fail_open(const struct sv_target *t, const char *why)
{
	int e;

	log_msg(LOG_ERR, "%s is a program the library cannot reach (static "
		"or Go) and the seccomp supervisor cannot run here (%s): it "
		"runs without translation", sv_program_name(t), why);
	e = sv_exec_program(t);
	fprintf(stderr, SV_NAME ": %s: %s\n", sv_program_name(t), strerror(e));
	exit(e == ENOENT ? 127 : 126);
}

/* The signals W passes on to the program and A witnesses (waiter.c):
 * every one a process may send, but SIGCHLD (ours), SIGKILL and SIGSTOP
 * (nobody can catch them), the faults a process raises on itself, and
 * the C library's own (32, 33, below SIGRTMIN). */
void sv_relay_set(sigset_t *set)
{
	sigfillset(set);
	sigdelset(set, SIGCHLD);
	sigdelset(set, SIGKILL);
	sigdelset(set, SIGSTOP);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGTRAP);
	sigdelset(set, SIGSYS);
	for (int s = SIGRTMAX + 1; s < 65; s++)
		sigdelset(set, s);
	for (int s = 32; s < SIGRTMIN; s++)
		sigdelset(set, s);
}

/* --exec-fd's number: a descriptor, strictly. */
static int parse_fd(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

int main(int argc, char **argv)
{
	int i = 1, a2w[2], w2a[2];
	struct sv_target t;
	sigset_t relay;
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
	memset(&t, 0, sizeof(t));
	t.fd = -1;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--exec") && i + 1 < argc && !t.file &&
		    t.fd < 0) {
			t.file = argv[++i];
			t.fail_open = true;
		} else if (!strcmp(argv[i], "--exec-fd") && i + 1 < argc &&
			   !t.file && t.fd < 0) {
			t.fd = parse_fd(argv[++i]);
			if (t.fd < 0) {
				fprintf(stderr, SV_NAME ": --exec-fd wants a "
					"descriptor number, not '%s'\n", argv[i]);
				return 2;
			}
			t.fail_open = true;
		} else if (!strcmp(argv[i], "--cloexec")) {
			t.cloexec = true;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			/* a command whose name starts with '-' comes after
			 * "--", as the launcher and the library pass it */
			fprintf(stderr, SV_NAME ": unknown option '%s' (try "
				SV_NAME " --help)\n", argv[i]);
			return 2;
		} else {
			break;
		}
	}
	if (i >= argc || (t.cloexec && t.fd < 0)) {
		usage(stderr);
		return 2;
	}
	t.argv = argv + i;
	drop_library(argv);
	/* From here on no signal meant for the program is lost: W passes
	 * on what it receives (waiter.c); B starts with t.mask again. */
	sv_relay_set(&relay);
	sigprocmask(SIG_BLOCK, &relay, &t.mask);
	if (getenv(SV_ACTIVE_ENV) && under_filter()) {
		int e;

		sv_program_env();
		e = sv_exec_program(&t);

		fprintf(stderr, SV_NAME ": %s: %s\n", sv_program_name(&t),
			strerror(e));
		return e == ENOENT ? 127 : 126;
	}
	why = check_pidfd();
	if (why) {
		if (t.fail_open) {
			tnconf_setup_logging(SV_NAME);
			sv_fail_open(&t, why);
		}
		fprintf(stderr, SV_NAME ": %s\n", why);
		return 125;
	}
	sv_conf_load();
	if (pipe2(a2w, O_CLOEXEC) < 0 || pipe2(w2a, O_CLOEXEC) < 0)
		sv_die("pipe", errno);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	a = fork();
	if (a < 0)
		sv_die("fork", errno);
	if (a == 0) {
		close(a2w[0]);
		close(w2a[1]);
		sv_run_supervisor(&t, a2w[1], w2a[0]);
	}
	close(a2w[1]);
	close(w2a[0]);
	return sv_run_waiter(a, &t, a2w[0], w2a[1]);
}
