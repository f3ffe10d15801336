/* SPDX-License-Identifier: GPL-2.0-or-later */
/* System calls made without libc, for code that runs in every process at
 * load time or on a hot path: no lazy binding of a libc function (about
 * a thousand instructions the first time), no page of libc's code or
 * constant data touched (a page fault each in a process that never used
 * them), and errno left alone.  Each returns what the kernel returns: a
 * value >= 0, or -errno.  Where no inline form is written for the
 * architecture, libc's syscall(2) does the call (errno kept). */
#ifndef TNAT64_RAWSYS_H
#define TNAT64_RAWSYS_H

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
static inline long raw_syscall2(long nr, long a, long b)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "0"(nr), "D"(a), "S"(b)
			 : "rcx", "r11", "memory");
	return r;
}
#else
static inline long raw_syscall2(long nr, long a, long b)
{
	int saved = errno;
	long r = syscall(nr, a, b);

	if (r < 0)
		r = -errno;
	errno = saved;
	return r;
}
#endif

#endif
