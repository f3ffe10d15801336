/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The C library symbol versions the library binds to (every object of
 * the library is compiled with `-include` of this file: Makefile).
 *
 * With /etc/ld.so.preload every program that starts loads the library,
 * and the dynamic linker checks each symbol version the library needs
 * against the versions libc.so.6 defines, walking its list of about 40
 * (GLIBC_2.2.5 first, the newest last) for every one: a dozen versions
 * up to GLIBC_2.35 cost about 4% of the instructions of /bin/true (make
 * bench-startup).  The functions below have an older version that is the
 * same code (clock_gettime, dlvsym: one address, two names) or does the
 * same for the library's uses (memcpy@GLIBC_2.2.5 is memmove, which is
 * memcpy for buffers that do not overlap); the library binds to it.  Other
 * new-versioned functions are not used in the library (fstat, stat and
 * fstatat: rawsys.h; gettid and getrandom: syscall(2);
 * _dl_find_object, dladdr1 and _r_debug: linkmap.c), so that it needs
 * no version newer than GLIBC_2.16 (getauxval); `make check` verifies it
 * (tests/integration/t_system.sh, system/shape).  Elsewhere than glibc
 * on x86-64 this file does nothing. */
#ifndef TNAT64_SYMVER_H
#define TNAT64_SYMVER_H

#if defined(__x86_64__) && !defined(__ILP32__) && defined(__has_include)
#if __has_include(<gnu/libc-version.h>) /* glibc; nothing included yet */
#define TN_SYMVER_GLIBC 1
#endif
#endif
#ifdef TN_SYMVER_GLIBC
__asm__(".symver memcpy, memcpy@GLIBC_2.2.5");
__asm__(".symver clock_gettime, clock_gettime@GLIBC_2.2.5");
__asm__(".symver dlvsym, dlvsym@GLIBC_2.2.5");
#endif

#endif
