/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdarg.h>

#include "fdops.h"
#include "tnat64.h"
#include "rawsys.h"

/* Every fcntl command takes at most one argument, an int or a pointer;
 * passing it on as a pointer-sized value is what libc does itself. */
TN_EXEC_TEXT static int hook(int fd, int cmd, va_list ap, int use64)
{
	int saved = errno;
	void *arg = va_arg(ap, void *);

	tn_ensure_init();
	return tn_ret(tn_fcntl(fd, cmd, arg, use64), saved);
}

EXPORT TN_EXEC_TEXT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int r;

	va_start(ap, cmd);
	r = hook(fd, cmd, ap, 0);
	va_end(ap);
	return r;
}

EXPORT TN_EXEC_TEXT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	int r;

	va_start(ap, cmd);
	r = hook(fd, cmd, ap, 1);
	va_end(ap);
	return r;
}

TN_SELF(fcntl)
TN_SELF(fcntl64)
