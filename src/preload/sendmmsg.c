/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tnat64.h"

EXPORT int sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_sendmmsg(fd, vec, n, flags), saved);
}

TN_SELF(sendmmsg)
