/* SPDX-License-Identifier: GPL-2.0-or-later */
/* send(2): glibc's calls the system call itself, past our sendto; a
 * connected ICMP socket of ours needs its echo header rewritten. */
#include "tnat64.h"

EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	int saved = errno;

	tn_ensure_init();
	return tn_sret(tn_send(fd, buf, n, flags), saved);
}

TN_SELF(send)
