/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <unistd.h>

#include "fdops.h"
#include "tnat64.h"
#include "rawsys.h"

EXPORT TN_EXEC_TEXT int close_range(unsigned int first, unsigned int last,
				   int flags)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_close_range(first, last, flags), saved);
}

EXPORT TN_EXEC_TEXT void closefrom(int lowfd)
{
	tn_ensure_init();
	tn_closefrom(lowfd);
}

TN_SELF(close_range)
TN_SELF(closefrom)
