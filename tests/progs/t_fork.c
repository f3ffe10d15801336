/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Translated sockets across fork(): the parent connects and forks; the
 * child uses the inherited socket (data, getpeername) and makes a new
 * translated connect; then the parent does the same.
 *
 *   t_fork [-a ADDR4] [-e ECHOPORT]
 *
 * Runs under the library in the IPv6-only client namespace. */
#include "progs.h"

#include <sys/wait.h>

static void use_socket(const char *who, int fd, const struct progs_opts *o)
{
	struct sockaddr_in want = sin4(o->addr, o->echo_port), got;
	socklen_t len = sizeof got;
	char name[96], err[256], msg[64], b[96];

	snprintf(name, sizeof name, "fork_%s_inherited_getpeername", who);
	memset(&got, 0, sizeof got);
	check(name, getpeername(fd, (struct sockaddr *)&got, &len) == 0 &&
	      len == sizeof got && !memcmp(&got, &want, sizeof want),
	      "got %s", FMT_SA(got, len, b));
	snprintf(name, sizeof name, "fork_%s_inherited_echo", who);
	snprintf(msg, sizeof msg, "%s pid %ld\n", who, (long)getpid());
	check(name, echo_roundtrip(fd, msg, err, sizeof err) == 0, "%s", err);
}

static void new_connect(const char *who, const struct progs_opts *o)
{
	struct sockaddr_in want = sin4(o->addr, o->echo_port), got;
	socklen_t len = sizeof got;
	struct greeting g;
	char name[96], err[256], b[96];
	int fd;

	snprintf(name, sizeof name, "fork_%s_new_connect", who);
	fd = tcp_connect4(o->addr, o->echo_port);
	if (fd < 0) {
		fail(name, "connect: %s", strerror(errno));
		return;
	}
	set_timeouts(fd, 20);
	if (getpeername(fd, (struct sockaddr *)&got, &len) < 0 ||
	    len != sizeof got || memcmp(&got, &want, sizeof want))
		fail(name, "getpeername %s", FMT_SA(got, len, b));
	else if (read_greeting(fd, &g, err, sizeof err) < 0 ||
		 echo_roundtrip(fd, "new\n", err, sizeof err) < 0)
		fail(name, "%s", err);
	else
		pass(name);
	close(fd);
}

int main(int argc, char **argv)
{
	struct progs_opts o;
	struct greeting g;
	char err[256];
	int fd, st;
	pid_t pid;

	progs_getopt(argc, argv, &o);
	fd = tcp_connect4(o.addr, o.echo_port);
	if (fd < 0) {
		fail("fork_parent_connect", "connect %s:%u: %s", o.addr,
		     o.echo_port, strerror(errno));
		return progs_exit();
	}
	set_timeouts(fd, 20);
	if (read_greeting(fd, &g, err, sizeof err) < 0 ||
	    echo_roundtrip(fd, "before fork\n", err, sizeof err) < 0) {
		fail("fork_parent_connect", "%s", err);
		return progs_exit();
	}
	pass("fork_parent_connect");

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fail("fork_fork", "%s", strerror(errno));
		return progs_exit();
	}
	if (pid == 0) {
		use_socket("child", fd, &o);
		new_connect("child", &o);
		fflush(stdout);
		_exit(progs_failures ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) < 0) {
		fail("fork_child_exit", "waitpid: %s", strerror(errno));
	} else if (WIFSIGNALED(st)) {
		fail("fork_child_exit", "child killed by signal %d",
		     WTERMSIG(st));
	} else if (WEXITSTATUS(st) != 0) {
		progs_failures++; /* the child printed its FAIL lines */
	}
	use_socket("parent", fd, &o);
	new_connect("parent", &o);
	close(fd);
	return progs_exit();
}
