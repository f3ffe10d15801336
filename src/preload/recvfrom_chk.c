/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Programs built with _FORTIFY_SOURCE call __recvfrom_chk, and glibc's
 * version goes to its internal recvfrom, past our hook: do the check
 * here and take the same path as recvfrom. */
#include "tnat64.h"

ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
		       struct sockaddr *addr, socklen_t *len);
extern void __chk_fail(void) __attribute__((noreturn));

EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen,
			      int flags, struct sockaddr *addr, socklen_t *len)
{
	int saved = errno;

	if (n > buflen)
		__chk_fail();
	tn_ensure_init();
	return tn_sret(tn_recvfrom(fd, buf, n, flags, addr, len), saved);
}
