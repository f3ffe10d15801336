/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tnat64.h"

EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	int saved = errno;

	tn_ensure_init();
	return tn_sret(tn_recvmsg(fd, msg, flags), saved);
}

TN_SELF(recvmsg)
