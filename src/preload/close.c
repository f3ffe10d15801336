/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <unistd.h>

#include "fdops.h"
#include "tnat64.h"
#include "rawsys.h"

static __attribute__((noinline)) int close_full(int fd)
{
	tn_ensure_init();
	fdtab_clear(fd);
	return real.close(fd);
}

/* Forget the record first: once the kernel has closed the descriptor,
 * another thread may get the same number from socket() and record it.
 * libc's close sets errno itself, and only on failure. */
EXPORT TN_EXEC_TEXT int close(int fd)
{
	if (__builtin_expect(!(tn_state_get() & TN_READY), 0))
		return close_full(fd);
	fdtab_clear(fd);
	return real.close(fd);
}

TN_SELF(close)
