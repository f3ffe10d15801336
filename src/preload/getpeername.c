/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tnat64.h"

EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_getpeername(fd, addr, len), saved);
}

TN_SELF(getpeername)
