/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <unistd.h>

#include "fdops.h"
#include "tnat64.h"
#include "rawsys.h"

EXPORT TN_EXEC_TEXT int dup(int oldfd)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_dup(oldfd), saved);
}

EXPORT TN_EXEC_TEXT int dup2(int oldfd, int newfd)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_dup3(oldfd, newfd, 0, 0), saved);
}

EXPORT TN_EXEC_TEXT int dup3(int oldfd, int newfd, int flags)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_dup3(oldfd, newfd, flags, 1), saved);
}

TN_SELF(dup)
TN_SELF(dup2)
TN_SELF(dup3)
