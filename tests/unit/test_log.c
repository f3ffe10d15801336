/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the async-signal-safe logger and its formatter. */
#include "check.h"
#include "fdid.h"
#include "log.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static size_t fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = log_format(buf, size, f, ap);
	va_end(ap);
	return n;
}

static void test_format(void)
{
	char b[128];
	struct in_addr a4;
	uint8_t a6[16];

	inet_pton(AF_INET, "192.0.2.33", &a4);
	inet_pton(AF_INET6, "2001:db8::c000:221", a6);

	fmt(b, sizeof(b), "plain");
	CHECK_STR("format plain", b, "plain");
	fmt(b, sizeof(b), "%s|%d|%u|%x|%c|%%", "str", -42, 42u, 0xbeefu, 'z');
	CHECK_STR("format basic", b, "str|-42|42|beef|z|%");
	fmt(b, sizeof(b), "%ld %lu %lld %llu %zu", -1234567890123L,
	    1234567890123UL, -9223372036854775807LL - 1,
	    18446744073709551615ULL, (size_t)7);
	CHECK_STR("format long", b,
		  "-1234567890123 1234567890123 -9223372036854775808 18446744073709551615 7");
	fmt(b, sizeof(b), "%d %d", 0, -2147483647 - 1);
	CHECK_STR("format int edge", b, "0 -2147483648");
	fmt(b, sizeof(b), "to %A via %B", a4.s_addr, a6);
	CHECK_STR("format %A %B", b, "to 192.0.2.33 via 2001:db8::c000:221");
	fmt(b, sizeof(b), "%s %B", (const char *)NULL, (const uint8_t *)NULL);
	CHECK_STR("format NULL", b, "(null) (null)");
	fmt(b, sizeof(b), "100%");
	CHECK_STR("format trailing %", b, "100%");
	fmt(b, sizeof(b), "%q %lq");
	CHECK_STR("format unknown conversion", b, "%q %lq");
	fmt(b, sizeof(b), "%lx", 0xfedcba9876543210UL);
	CHECK_STR("format %lx", b, "fedcba9876543210");

	size_t n = fmt(b, 8, "%s", "0123456789");
	CHECK("format truncates", n == 7 && strcmp(b, "0123456") == 0);
	n = fmt(b, 1, "%s", "0123456789");
	CHECK("format size 1", n == 0 && b[0] == '\0');
	memset(b, 'x', 4);
	n = fmt(b, 0, "%s", "abc");
	CHECK("format size 0 writes nothing", n == 0 && b[0] == 'x');
}

static ssize_t drain(int fd, char *buf, size_t size)
{
	ssize_t n = read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static void test_msg(void)
{
	int p[2];
	char buf[2048], want[256];
	ssize_t n;

	if (pipe(p) != 0)
		abort();
	fcntl(p[0], F_SETFL, O_NONBLOCK);

	log_setup(LOG_INFO, p[1], "/usr/bin/prog");
	CHECK_INT("log_level", log_level(), LOG_INFO);
	errno = 1234;
	log_msg(LOG_ERR, "hello %s %d", "world", 5);
	CHECK_INT("errno preserved", errno, 1234);
	n = drain(p[0], buf, sizeof(buf));
	snprintf(want, sizeof(want), "tnat64[%d]: prog: hello world 5\n",
		 (int)getpid());
	CHECK_MSG("line format", n > 0 && strcmp(buf, want) == 0,
		  "got \"%s\"", buf);

	log_msg(LOG_INFO, "with newline\n");
	drain(p[0], buf, sizeof(buf));
	snprintf(want, sizeof(want), "tnat64[%d]: prog: with newline\n",
		 (int)getpid());
	CHECK_MSG("single trailing newline", strcmp(buf, want) == 0,
		  "got \"%s\"", buf);

	log_msg(LOG_DEBUG, "filtered");
	n = drain(p[0], buf, sizeof(buf));
	CHECK("level filter", n < 0 && errno == EAGAIN);

	char big[1500];

	memset(big, 'a', 200);
	big[200] = '\0';
	log_msg(LOG_ERR, "%s%s%s", big, big, big);
	n = drain(p[0], buf, sizeof(buf));
	CHECK_MSG("truncated to 512 bytes with newline",
		  n == 512 && buf[511] == '\n' && buf[510] == 'a',
		  "n=%zd", n);

	/* a huge argument is shown by its ends: the message survives */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(big + sizeof(big) - 1 - LOG_ARG_TAIL, 'z', LOG_ARG_TAIL);
	log_msg(LOG_ERR, "X=%s is bad", big);
	n = drain(p[0], buf, sizeof(buf));
	{
		char big_want[600];
		int k = snprintf(big_want, sizeof(big_want),
				 "tnat64[%d]: prog: X=", (int)getpid());

		memset(big_want + k, 'a', LOG_ARG_HEAD);
		k += LOG_ARG_HEAD;
		memcpy(big_want + k, "...", 3);
		k += 3;
		memset(big_want + k, 'z', LOG_ARG_TAIL);
		k += LOG_ARG_TAIL;
		strcpy(big_want + k, " is bad\n");
		CHECK_MSG("huge argument shortened to its ends",
			  strcmp(buf, big_want) == 0, "n=%zd \"%s\"", n, buf);
	}

	/* control characters of arguments never reach the terminal */
	log_msg(LOG_ERR, "v=%s.", "\x1b[2J\r\n\t\x7f\x80ok");
	n = drain(p[0], buf, sizeof(buf));
	CHECK_MSG("control characters in arguments", n > 0 &&
		  strstr(buf, "v=?[2J????\x80ok.\n"), "got \"%s\"", buf);
	log_setup(LOG_ERR, p[1], "pro\ngram\x1b");
	log_msg(LOG_ERR, "x");
	drain(p[0], buf, sizeof(buf));
	snprintf(want, sizeof(want), "tnat64[%d]: pro?gram?: x\n",
		 (int)getpid());
	CHECK_MSG("control characters in progname", strcmp(buf, want) == 0,
		  "got \"%s\"", buf);
	log_setup(LOG_INFO, p[1], "/usr/bin/prog");

	log_setup(0, p[1], "prog");
	log_msg(LOG_ERR, "silent");
	n = drain(p[0], buf, sizeof(buf));
	CHECK("level 0 silent", n < 0 && log_level() == 0);
	log_setup(-1, p[1], "prog");
	CHECK("negative level silent", log_level() == 0);

	log_setup(LOG_ERR, p[1], NULL);
	log_msg(LOG_ERR, "no name");
	drain(p[0], buf, sizeof(buf));
	snprintf(want, sizeof(want), "tnat64[%d]: no name\n", (int)getpid());
	CHECK_MSG("no progname", strcmp(buf, want) == 0, "got \"%s\"", buf);

	/* a closed fd: nothing to see, errno still preserved */
	log_setup(LOG_ERR, 1000, "prog");
	errno = 77;
	log_msg(LOG_ERR, "into the void");
	CHECK_INT("errno preserved on failed write", errno, 77);

	close(p[0]);
	close(p[1]);
	log_setup(LOG_ERR, 2, "test_log");
}

static void test_env(void)
{
	CHECK_INT("env unset", log_level_from_env(NULL), LOG_ERR);
	CHECK_INT("env empty", log_level_from_env(""), LOG_ERR);
	CHECK_INT("env -1", log_level_from_env("-1"), 0);
	CHECK_INT("env 0", log_level_from_env("0"), LOG_ERR);
	CHECK_INT("env 1", log_level_from_env("1"), LOG_WARN);
	CHECK_INT("env 2", log_level_from_env("2"), LOG_INFO);
	CHECK_INT("env 3", log_level_from_env("3"), LOG_DEBUG);
	CHECK_INT("env 10", log_level_from_env("10"), LOG_DEBUG);
	CHECK_INT("env junk", log_level_from_env("yes"), LOG_ERR);
	CHECK_INT("env trailing junk", log_level_from_env("2x"), LOG_ERR);
}

/* The descriptor of ours open on path (read from /proc/self/fd), or -1. */
static int fd_on(const char *path)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char link[300], target[PATH_MAX];
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path) == 0 && atoi(e->d_name) != dirfd(d))
			found = atoi(e->d_name);
	}
	closedir(d);
	return found;
}

static size_t count_lines(const char *path, const char *needle)
{
	char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	size_t c = 0;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (char *p = buf; (p = strstr(p, needle)); p++)
		c++;
	return c;
}

/* Bytes waiting on a non-blocking descriptor (0 when none). */
static ssize_t pending(int fd)
{
	char buf[2048];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < 0 && errno == ENOTSOCK)
		n = read(fd, buf, sizeof(buf));
	return n < 0 ? 0 : n;
}

enum { BY_CLOSE, BY_CLOSE_RANGE, BY_RAW_CLOSE_RANGE, BY_CLOSEFROM, BY_DUP2,
       BY_DUP3, BY_RAW_CLOSE, N_WAYS };
static const char *const way_name[N_WAYS] = {
	"close", "close_range", "raw-close_range", "closefrom", "dup2",
	"dup3", "raw-close",
};

/* Take descriptor fd away from the logger the way a program does, and
 * put the program's own socket sock at that number. */
static void take_away(int way, int fd, int sock)
{
	switch (way) {
	case BY_CLOSE:
		close(fd);
		break;
	case BY_CLOSE_RANGE:
		close_range((unsigned)fd, (unsigned)fd, 0);
		break;
	case BY_RAW_CLOSE_RANGE:
		syscall(SYS_close_range, (unsigned)fd, ~0U, 0);
		break;
	case BY_CLOSEFROM:
		closefrom(fd);
		break;
	case BY_RAW_CLOSE:
		syscall(SYS_close, fd);
		break;
	}
	if (way == BY_DUP3)
		dup3(sock, fd, 0);
	else
		dup2(sock, fd);
}

/* TNAT64_DEBUG_FILE set, and the program takes its descriptor for a
 * socket of its own: the socket gets nothing, the file keeps getting the
 * lines (opened again), and the new descriptor is not a low number. */
static void test_file_taken(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/debug.log", dir);
	for (int way = 0; way < N_WAYS; way++) {
		int sp[2], fd, fd2;
		const char *w = way_name[way];

		unlink(path);
		CHECK(tname("file/%s/setup", w),
		      log_setup_file(LOG_INFO, path, "prog") == 0);
		fd = fd_on(path);
		CHECK_MSG(tname("file/%s/high descriptor", w), fd >= 3,
			  "fd %d", fd);
		log_msg(LOG_ERR, "first line");
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0 ||
		    fd < 0)
			abort();
		/* the pair's ends are above fd when closefrom runs */
		if (way == BY_CLOSEFROM || way == BY_RAW_CLOSE_RANGE) {
			int a = fcntl(sp[0], F_DUPFD_CLOEXEC, 0);
			int b = fcntl(sp[1], F_DUPFD_CLOEXEC, 0);

			close(sp[0]);
			close(sp[1]);
			sp[0] = a;
			sp[1] = b;
			if (sp[0] > fd || sp[1] > fd)
				abort();
		}
		take_away(way, fd, sp[0]);
		errno = 4321;
		log_msg(LOG_ERR, "second line");
		CHECK_INT(tname("file/%s/errno kept", w), errno, 4321);
		CHECK_INT(tname("file/%s/program's socket untouched", w),
			  (int)pending(sp[1]), 0);
		CHECK_INT(tname("file/%s/first line in file", w),
			  (int)count_lines(path, "first line"), 1);
		CHECK_INT(tname("file/%s/second line in file", w),
			  (int)count_lines(path, "second line"), 1);
		fd2 = fd_on(path);
		CHECK_MSG(tname("file/%s/reopened high", w), fd2 >= 3 &&
			  fd2 != sp[0] && fd2 != sp[1], "fd %d", fd2);
		close(sp[0]);
		close(sp[1]);
		close(fd);
		if (fd2 >= 0)
			close(fd2);
	}
	unlink(path);
}

/* Standard error closed and its number reused by a socket: nothing is
 * written into the socket, nor anywhere else. */
static void test_stderr_reused(void)
{
	int p[2], sp[2], in, out;

	if (pipe(p) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		abort();
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	log_setup(LOG_INFO, p[1], "prog");
	log_msg(LOG_ERR, "to the pipe");
	CHECK("stderr/pipe gets lines", pending(p[0]) > 0);
	/* the program closes "stderr" and a socket of its own gets the
	 * number */
	in = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	out = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	{
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t al = sizeof(a);

		if (bind(in, (struct sockaddr *)&a, sizeof(a)) < 0 ||
		    getsockname(in, (struct sockaddr *)&a, &al) < 0 ||
		    connect(out, (struct sockaddr *)&a, sizeof(a)) < 0)
			abort();
	}
	dup2(out, p[1]);
	log_msg(LOG_ERR, "must not go out");
	CHECK_INT("stderr/reused by a UDP socket: nothing sent",
		  (int)pending(in), 0);
	CHECK_INT("stderr/reused: the old pipe gets nothing either",
		  (int)pending(p[0]), 0);

	/* an IP socket as standard error from the start (inetd): never */
	log_setup(LOG_INFO, out, "prog");
	log_msg(LOG_ERR, "inetd");
	CHECK_INT("stderr/AF_INET socket at set-up: nothing sent",
		  (int)pending(in), 0);

	/* a UNIX socket (the journal) is a fine standard error */
	log_setup(LOG_INFO, sp[0], "prog");
	log_msg(LOG_ERR, "journal");
	CHECK("stderr/AF_UNIX socket gets lines", pending(sp[1]) > 0);

	close(in);
	close(out);
	close(p[0]);
	close(p[1]);
	close(sp[0]);
	close(sp[1]);
	log_setup(LOG_ERR, 2, "test_log");
}

/* A relative TNAT64_DEBUG_FILE is opened again at its first place after
 * the program changed directory; a FIFO without a reader never blocks. */
static void test_file_paths(const char *dir)
{
	char sub[PATH_MAX], path[PATH_MAX], fifo[PATH_MAX], cwd[PATH_MAX];
	int fd;

	if (!getcwd(cwd, sizeof(cwd)))
		abort();
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(path, sizeof(path), "%s/rel.log", dir);
	mkdir(sub, 0700);
	if (chdir(dir) < 0)
		abort();
	CHECK("file/relative/setup",
	      log_setup_file(LOG_INFO, "rel.log", "prog") == 0);
	fd = fd_on(path);
	if (chdir(sub) < 0)
		abort();
	close(fd);
	log_msg(LOG_ERR, "after chdir");
	CHECK_INT("file/relative/reopened at the absolute path",
		  (int)count_lines(path, "after chdir"), 1);
	CHECK("file/relative/nothing in the new directory",
	      access("rel.log", F_OK) < 0);
	fd = fd_on(path);
	if (fd >= 0)
		close(fd);
	if (chdir(cwd) < 0)
		abort();
	unlink(path);
	rmdir(sub);

	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	if (mkfifo(fifo, 0600) < 0)
		abort();
	CHECK("file/FIFO without reader: refused, not blocked",
	      log_setup_file(LOG_INFO, fifo, "prog") == -ENXIO);
	unlink(fifo);
	CHECK("file/level 0 opens nothing",
	      log_setup_file(0, "/nonexistent/dir/x", "prog") == 0);
	CHECK("file/unopenable path is an error",
	      log_setup_file(LOG_ERR, "/nonexistent/dir/x", "prog") < 0);
	log_setup(LOG_ERR, 2, "test_log");
}

static void test_fdid(void)
{
	int a[2], b[2], hi;
	struct fdid id;

	if (pipe(a) < 0 || pipe(b) < 0)
		abort();
	CHECK("fdid/get", fdid_get(a[0], &id) == 0);
	CHECK("fdid/same", fdid_same(a[0], &id));
	dup2(b[0], a[0]);
	CHECK("fdid/replaced by dup2 is not the same", !fdid_same(a[0], &id));
	CHECK("fdid/close refuses another file",
	      fdid_close(a[0], &id) == -EBADF && fcntl(a[0], F_GETFD) >= 0);
	fdid_get(a[1], &id);
	CHECK("fdid/close own", fdid_close(a[1], &id) == 0 &&
	      fcntl(a[1], F_GETFD) < 0);
	CHECK("fdid/closed is not the same", !fdid_same(a[1], &id));
	CHECK("fdid/bad fd", fdid_get(-1, &id) == -EBADF);
	hi = fdid_move_high(b[1]);
	CHECK_MSG("fdid/move_high", hi >= 3 && hi != b[1] &&
		  fcntl(b[1], F_GETFD) < 0 &&
		  (fcntl(hi, F_GETFD) & FD_CLOEXEC), "hi %d", hi);
	close(a[0]);
	close(b[0]);
	close(hi);
}

int main(void)
{
	char dir[] = "/tmp/tnat64-test-log.XXXXXX";

	if (!mkdtemp(dir))
		abort();
	test_format();
	test_msg();
	test_env();
	test_fdid();
	test_file_taken(dir);
	test_stderr_reused();
	test_file_paths(dir);
	rmdir(dir);
	return check_exit();
}
