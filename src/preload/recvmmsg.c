/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tnat64.h"

EXPORT int recvmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags,
		    struct timespec *timeout)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_recvmmsg(fd, vec, n, flags, timeout), saved);
}

TN_SELF(recvmmsg)
