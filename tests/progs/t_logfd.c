/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The library's log lines never go into the program's connections.
 *
 *   t_logfd [-a ADDR4] [-s SUMPORT] [-u UDPPORT] WHERE WAY PROTO
 *
 * WHERE  file    the program takes the descriptor of TNAT64_DEBUG_FILE
 *                (found in /proc/self/fd; 3 when nothing of the library
 *                is there, as under the supervisor) for its own socket;
 *        stderr  the program closes standard error and its socket gets
 *                fd 2.
 * WAY    how the descriptor is taken: close, close_range,
 *        raw-close_range (syscall(SYS_close_range, n, ~0U, 0)),
 *        closefrom, dup2, dup3, raw-close (syscall(SYS_close)).
 * PROTO  tcp   connect to ADDR4:SUMPORT (srv's checksum service), send a
 *              payload, shut down, compare the server's byte count and
 *              hash with what was sent;
 *        udp   sendto ADDR4:UDPPORT (udpecho) without connecting, then
 *              the same over connect+send: every datagram echoed back
 *              must be one the program sent, in order.
 * Prints PASS/FAIL lines on stdout (fd 1, never taken). */
#include "progs.h"

#include <dirent.h>
#include <limits.h>
#include <sys/syscall.h>

static const char *where, *way, *proto;

/* Our descriptor open on path, or -1. */
static int fd_on(const char *path)
{
	char real[PATH_MAX];
	DIR *d;
	struct dirent *e;
	int found = -1;

	if (!path || !realpath(path, real) || !(d = opendir("/proc/self/fd")))
		return -1;
	while ((e = readdir(d))) {
		char link[300], target[PATH_MAX];
		ssize_t n;

		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, real) == 0)
			found = atoi(e->d_name);
	}
	closedir(d);
	return found;
}

/* Take descriptor target away the WAY way and put a new socket of the
 * program's there: the closing ways close first (closefrom and the raw
 * close_range close everything above too), then the socket gets the
 * number (by itself when it is the lowest free one, as fd 2 is, else by
 * dup2); dup2 and dup3 put a fresh socket over it directly. */
static int program_socket(int type)
{
	const char *file = getenv("TNAT64_DEBUG_FILE");
	int target = strcmp(where, "stderr") == 0 ? 2 : fd_on(file);
	bool dup_way = strcmp(way, "dup2") == 0 || strcmp(way, "dup3") == 0;
	int s;

	if (target < 0)
		target = 3;
	if (strcmp(way, "close") == 0)
		close(target);
	else if (strcmp(way, "close_range") == 0)
		close_range((unsigned)target, (unsigned)target, 0);
	else if (strcmp(way, "raw-close_range") == 0)
		syscall(SYS_close_range, (unsigned)target, ~0U, 0);
	else if (strcmp(way, "closefrom") == 0)
		closefrom(target);
	else if (strcmp(way, "raw-close") == 0)
		syscall(SYS_close, target);
	else if (!dup_way)
		return -1;
	s = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (s < 0 || s == target)
		return s;
	if (strcmp(way, "dup3") == 0 ? dup3(s, target, 0) != target
				     : dup2(s, target) != target)
		return -1;
	close(s);
	return target;
}

static void payload(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)('a' + (i * 7 + seed) % 26);
}

static void run_tcp(const struct progs_opts *o)
{
	char name[128], buf[3000], ans[128], want[128];
	struct sockaddr_in sa = sin4(o->addr, o->sum_port);
	int fd = program_socket(SOCK_STREAM);

	snprintf(name, sizeof(name), "logfd/%s/%s/tcp", where, way);
	if (fd < 0) {
		fail(name, "could not place the socket: %s", strerror(errno));
		return;
	}
	set_timeouts(fd, 10);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fail(name, "connect: %s", strerror(errno));
		close(fd);
		return;
	}
	payload(buf, sizeof(buf), 3);
	if (write_all(fd, buf, sizeof(buf)) < 0 || shutdown(fd, SHUT_WR) < 0 ||
	    read_line(fd, ans, sizeof(ans)) < 0) {
		fail(name, "exchange: %s", strerror(errno));
		close(fd);
		return;
	}
	snprintf(want, sizeof(want), "%zu %016llx", sizeof(buf),
		 (unsigned long long)fnv1a64(FNV64_OFFSET, buf, sizeof(buf)));
	if (strcmp(ans, want) == 0)
		pass(name);
	else
		fail(name, "the server received \"%s\", the program sent \"%s\"",
		     ans, want);
	close(fd);
}

/* Receive echoes until the one of "end": each must be exactly what was
 * sent, in order. */
static void check_echoes(int fd, const char *name, const char *const *sent,
			 size_t n)
{
	size_t i = 0;

	for (;;) {
		char buf[2048];
		ssize_t r = recv(fd, buf, sizeof(buf) - 1, 0);

		if (r < 0) {
			fail(name, "recv after %zu echoes: %s", i,
			     strerror(errno));
			return;
		}
		buf[r] = '\0';
		if (i >= n || strcmp(buf, sent[i]) != 0) {
			fail(name, "echo %zu is \"%.80s\", not \"%s\"", i, buf,
			     i < n ? sent[i] : "(nothing)");
			return;
		}
		if (++i == n)
			break;
	}
	pass(name);
}

static void run_udp(const struct progs_opts *o, unsigned udp_port)
{
	static const char *const sent[] = { "first datagram", "second", "end" };
	struct sockaddr_in sa = sin4(o->addr, udp_port);
	char name[128];
	int fd = program_socket(SOCK_DGRAM);

	snprintf(name, sizeof(name), "logfd/%s/%s/udp-sendto", where, way);
	if (fd < 0) {
		fail(name, "could not place the socket: %s", strerror(errno));
		return;
	}
	set_timeouts(fd, 10);
	for (size_t i = 0; i < 3; i++)
		if (sendto(fd, sent[i], strlen(sent[i]), 0,
			   (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			fail(name, "sendto: %s", strerror(errno));
			close(fd);
			return;
		}
	check_echoes(fd, name, sent, 3);
	close(fd);

	snprintf(name, sizeof(name), "logfd/%s/%s/udp-connected", where, way);
	fd = program_socket(SOCK_DGRAM);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fail(name, "socket/connect: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	set_timeouts(fd, 10);
	for (size_t i = 0; i < 3; i++)
		if (send(fd, sent[i], strlen(sent[i]), 0) < 0) {
			fail(name, "send: %s", strerror(errno));
			close(fd);
			return;
		}
	check_echoes(fd, name, sent, 3);
	close(fd);
}

int main(int argc, char **argv)
{
	struct progs_opts o;
	unsigned udp_port = 7003;
	int i, n = 0;
	char *args[16];

	/* -u is ours; the rest goes to progs_getopt */
	for (i = 0; i < argc && n < 15; i++) {
		if (strcmp(argv[i], "-u") == 0 && i + 1 < argc) {
			udp_port = (unsigned)progs_arg_num(argv[++i], 65535);
			continue;
		}
		args[n++] = argv[i];
	}
	if (n < 4) {
		fprintf(stderr, "usage: t_logfd [-a ADDR4] [-s SUMPORT] "
			"[-u UDPPORT] file|stderr WAY tcp|udp\n");
		return 2;
	}
	where = args[n - 3];
	way = args[n - 2];
	proto = args[n - 1];
	args[n - 3] = NULL;
	progs_getopt(n - 3, args, &o);
	if (strcmp(proto, "tcp") == 0)
		run_tcp(&o);
	else
		run_udp(&o, udp_port);
	return progs_exit();
}
