/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <sys/ioctl.h>

#include "fdops.h"
#include "tnat64.h"

/* Every ioctl request passes one pointer-sized argument (or none, then
 * whatever is in the register is passed on, as libc itself does). */
EXPORT int ioctl(int fd, unsigned long req, ...)
{
	int saved = errno;
	void *arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	tn_ensure_init();
	return tn_ret(tn_ioctl(fd, req, arg), saved);
}

TN_SELF(ioctl)
