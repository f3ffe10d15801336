/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <unistd.h>

#include "fdops.h"
#include "tnat64.h"

EXPORT int close(int fd)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_close(fd), saved);
}

TN_SELF(close)
