/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tnat64.h"

EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_getsockname(fd, addr, len), saved);
}

TN_SELF(getsockname)
