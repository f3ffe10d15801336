/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdarg.h>

#include "fdops.h"
#include "tnat64.h"

/* Every fcntl command takes at most one argument, an int or a pointer;
 * passing it on as a pointer-sized value is what libc does itself. */
EXPORT int fcntl(int fd, int cmd, ...)
{
	int saved = errno;
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	tn_ensure_init();
	return tn_ret(tn_fcntl(fd, cmd, arg, 0), saved);
}

EXPORT int fcntl64(int fd, int cmd, ...)
{
	int saved = errno;
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	tn_ensure_init();
	return tn_ret(tn_fcntl(fd, cmd, arg, 1), saved);
}

TN_SELF(fcntl)
TN_SELF(fcntl64)
