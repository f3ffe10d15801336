/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tiny unit-test helpers: every check prints `PASS: name` or
 * `FAIL: name: reason`; check_exit() returns non-zero if any failed. */
#ifndef TNAT64_CHECK_H
#define TNAT64_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int check_npass, check_nfail;

__attribute__((format(printf, 3, 4)))
static inline bool check_result(bool ok, const char *name, const char *fmt,
				...)
{
	if (ok) {
		printf("PASS: %s\n", name);
		check_npass++;
	} else {
		va_list ap;

		printf("FAIL: %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		check_nfail++;
	}
	fflush(stdout);
	return ok;
}

/* A test name built printf-style; a few rotating buffers so that two
 * names can be alive at once. */
__attribute__((format(printf, 1, 2)))
static inline const char *tname(const char *fmt, ...)
{
	static char bufs[4][256];
	static unsigned next;
	char *b = bufs[next++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

#define CHECK(name, cond) \
	check_result((cond), (name), "%s (%s:%d)", #cond, __FILE__, __LINE__)

#define CHECK_MSG(name, cond, ...) check_result((cond), (name), __VA_ARGS__)

#define CHECK_INT(name, got, want) do { \
	long long check_g_ = (long long)(got), check_w_ = (long long)(want); \
	check_result(check_g_ == check_w_, (name), \
		     "%s = %lld, want %lld (%s:%d)", #got, check_g_, check_w_, \
		     __FILE__, __LINE__); \
} while (0)

#define CHECK_STR(name, got, want) do { \
	const char *check_g_ = (got), *check_w_ = (want); \
	check_result(check_g_ && check_w_ && strcmp(check_g_, check_w_) == 0, \
		     (name), "%s = \"%s\", want \"%s\" (%s:%d)", #got, \
		     check_g_ ? check_g_ : "(null)", check_w_, __FILE__, \
		     __LINE__); \
} while (0)

static inline int check_exit(void)
{
	printf("# %d passed, %d failed\n", check_npass, check_nfail);
	return check_nfail ? 1 : 0;
}

#endif
