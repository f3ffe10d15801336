/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by the benchmark programs. */
#ifndef TNAT64_BENCH_H
#define TNAT64_BENCH_H

#include <errno.h>
#include <stdlib.h>
#include <time.h>

/* A decimal number in [0, max], nothing else: 0, or -1. */
static inline int parse_ul(const char *s, unsigned long max,
			   unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Nanoseconds from a to b. */
static inline double ns(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 +
	       (double)(b->tv_nsec - a->tv_nsec);
}

#endif
