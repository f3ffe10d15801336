/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <unistd.h>

#include "fdops.h"
#include "tnat64.h"

EXPORT int dup(int oldfd)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_dup(oldfd), saved);
}

EXPORT int dup2(int oldfd, int newfd)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_dup3(oldfd, newfd, 0, 0), saved);
}

EXPORT int dup3(int oldfd, int newfd, int flags)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_dup3(oldfd, newfd, flags, 1), saved);
}

TN_SELF(dup)
TN_SELF(dup2)
TN_SELF(dup3)
