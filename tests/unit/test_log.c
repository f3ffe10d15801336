/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the async-signal-safe logger and its formatter. */
#include "check.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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

int main(void)
{
	test_format();
	test_msg();
	test_env();
	return check_exit();
}
