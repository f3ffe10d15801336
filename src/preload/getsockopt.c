/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tnat64.h"

EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_getsockopt(fd, level, name, val, len), saved);
}

TN_SELF(getsockopt)
