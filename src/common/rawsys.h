/* SPDX-License-Identifier: GPL-2.0-or-later */
/* System calls made inline, for code that runs where a call through the
 * library's PLT costs page faults: the constructor, at load time in every
 * process (fdid_get of standard error; loadtime.h), and the exec hooks'
 * path (src/preload/exec.c, src/common/execkind.c), which runs in the
 * forked (or vfork) child of
 * whatever program the library is in, just before its execve: there
 * every page of ours touched for the first time is a page fault (text and
 * read-only data pages are not mapped in a child until touched; a
 * written stack or data page is copied), and a call through the
 * library's PLT to libc's syscall() or __errno_location binds the symbol
 * lazily in the child (a dozen pages of the loader, symbol tables and
 * GOT) every time.  These wrappers are one `syscall' instruction in the
 * caller's code: they return the kernel's value (-errno on failure,
 * -4095..-1) and never touch errno.  tn_copy is memcpy for that path.
 *
 * TN_EXEC_TEXT places a function of that path in one text section
 * (.text.hot.*, which the linker gathers at the start of .text, a page
 * after the constructor's code: src/preload/lib.ld), together with the
 * fast paths of the descriptor calls a shell's child makes between fork
 * and exec (close, dup2, fcntl, close_range), so that all of it (about
 * 8 KB) lies in one fault-around window of the library's text: one page
 * fault for all of it.  (The kernel's windows are 64 KB aligned in the address
 * space, where the library lands at any page: one time in eight or so
 * the path straddles two.) */
#ifndef TNAT64_RAWSYS_H
#define TNAT64_RAWSYS_H

#include <fcntl.h>
#include <stddef.h>
#include <sys/syscall.h>

#define TN_EXEC_TEXT __attribute__((section(".text.hot.tnat64_exec")))

#if defined(__x86_64__)

static inline long tn_sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "0"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

static inline long tn_sys4(long n, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "0"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return r;
}

static inline long tn_sys5(long n, long a, long b, long c, long d, long e)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "0"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return r;
}

#else /* Elsewhere: libc's syscall(), errno kept. */

#include <errno.h>
#include <unistd.h>

static inline long tn_sys5(long n, long a, long b, long c, long d, long e)
{
	int saved = errno;
	long r = syscall(n, a, b, c, d, e);

	if (r == -1) {
		r = -errno;
		errno = saved;
	}
	return r;
}

static inline long tn_sys3(long n, long a, long b, long c)
{
	return tn_sys5(n, a, b, c, 0, 0);
}

static inline long tn_sys4(long n, long a, long b, long c, long d)
{
	return tn_sys5(n, a, b, c, d, 0);
}

#endif

/* n bytes from src to dst: a loop that stays a loop (the empty asm on
 * the index keeps compilers from making it a call to libc's memcpy,
 * through the PLT). */
static inline TN_EXEC_TEXT void tn_copy(void *dst, const void *src,
					size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (size_t i = 0; i < n; i++) {
		d[i] = s[i];
		__asm__("" : "+r"(i));
	}
}

#define TN_SYS1(n, a) tn_sys3(n, (long)(a), 0, 0)
#define TN_SYS2(n, a, b) tn_sys3(n, (long)(a), (long)(b), 0)
#define TN_SYS3(n, a, b, c) tn_sys3(n, (long)(a), (long)(b), (long)(c))
#define TN_SYS4(n, a, b, c, d) \
	tn_sys4(n, (long)(a), (long)(b), (long)(c), (long)(d))
#define TN_SYS5(n, a, b, c, d, e) \
	tn_sys5(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e))

/* fstat(2) of a descriptor and stat(2) of a path (no AT_ flags: links
 * followed), 0 or -errno.  The library uses these, not libc's fstat and
 * stat (fstatat calls, and symbols of version GLIBC_2.33, which every
 * program would pay to check at load time: src/preload/symver.h). */
#ifdef SYS_fstat
#define TN_FSTAT(fd, st) TN_SYS2(SYS_fstat, fd, st)
#else
#define TN_FSTAT(fd, st) TN_SYS4(SYS_newfstatat, fd, "", st, AT_EMPTY_PATH)
#endif
#define TN_STAT(path, st) TN_SYS4(SYS_newfstatat, AT_FDCWD, path, st, 0)

#endif
