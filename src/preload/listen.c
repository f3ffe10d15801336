/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fdops.h"
#include "tnat64.h"

EXPORT int listen(int fd, int backlog)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_listen(fd, backlog), saved);
}

TN_SELF(listen)
