/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A program that forks and execs: the parent and the child both use
 * IPv4 (translated), then the child execs CMD (a static program, e.g.
 * busybox wget), which must be translated too.  Prints CMD's output.
 *
 *   seccomp_forkexec ADDR ECHOPORT CMD [ARGS...] */
#include "progs.h"

#include <sys/wait.h>

static int echo_once(const char *name, const char *addr, unsigned port)
{
	struct greeting g;
	char err[256];
	int fd = tcp_connect4(addr, port);

	if (fd < 0) {
		fail(name, "connect: %s", strerror(errno));
		return -1;
	}
	if (read_greeting(fd, &g, err, sizeof err) < 0 ||
	    echo_roundtrip(fd, "fork\n", err, sizeof err) < 0) {
		fail(name, "%s", err);
		close(fd);
		return -1;
	}
	pass(name);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long port;
	pid_t c;
	int st;

	if (argc < 4 || progs_parse_ull(argv[2], 65535, &port) < 0) {
		fprintf(stderr, "usage: %s ADDR ECHOPORT CMD [ARGS...]\n",
			argv[0]);
		return 2;
	}
	echo_once("forkexec/parent-before-fork", argv[1], (unsigned)port);
	fflush(stdout);
	c = fork();
	if (c < 0) {
		fail("forkexec/fork", "%s", strerror(errno));
		return progs_exit();
	}
	if (c == 0) {
		echo_once("forkexec/child", argv[1], (unsigned)port);
		fflush(stdout);
		execvp(argv[3], argv + 3);
		printf("FAIL: forkexec/exec: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	echo_once("forkexec/parent-after-fork", argv[1], (unsigned)port);
	if (waitpid(c, &st, 0) < 0)
		fail("forkexec/wait", "%s", strerror(errno));
	else
		check("forkexec/exec-static-child", WIFEXITED(st) &&
		      WEXITSTATUS(st) == 0, "child status 0x%x", st);
	return progs_exit();
}
