/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recv(2) and its _FORTIFY_SOURCE form: glibc's call the system call
 * themselves, past our recvfrom; an ICMP socket of ours must be read in
 * its ICMPv4 form. */
#include "tnat64.h"

ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags);
extern void __chk_fail(void) __attribute__((noreturn));

EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	int saved = errno;

	tn_ensure_init();
	return tn_sret(tn_recvfrom(fd, buf, n, flags, NULL, NULL), saved);
}

TN_SELF(recv)

EXPORT ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen,
			  int flags)
{
	int saved = errno;

	if (n > buflen)
		__chk_fail();
	tn_ensure_init();
	return tn_sret(tn_recvfrom(fd, buf, n, flags, NULL, NULL), saved);
}
