/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tnat64.h"

static __attribute__((noinline)) int connect_full(int fd,
						  const struct sockaddr *addr,
						  socklen_t len)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_connect(fd, addr, len), saved);
}

EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	/* Loopback and the like: libc's connect, its errno. */
	if (__builtin_expect(tn_connect_untouched(addr, len), 1))
		return real.connect(fd, addr, len);
	return connect_full(fd, addr, len);
}

TN_SELF(connect)
