/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tnat64.h"

EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags,
			struct sockaddr *addr, socklen_t *len)
{
	int saved = errno;

	tn_ensure_init();
	return tn_sret(tn_recvfrom(fd, buf, n, flags, addr, len), saved);
}

TN_SELF(recvfrom)
