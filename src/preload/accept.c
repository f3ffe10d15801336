/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fdops.h"
#include "tnat64.h"

EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_accept(fd, addr, len, 0, 0), saved);
}

EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_accept(fd, addr, len, flags, 1), saved);
}

TN_SELF(accept)
TN_SELF(accept4)
