/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ioctl(2) requests only an AF_INET socket answers (SIOCGIFADDR...). */
#include <errno.h>

#include "sv.h"

/* An ioctl only an AF_INET socket answers (SIOCGIFADDR...) on a fresh
 * stand-in: make it the AF_INET socket the program asked for, then let
 * the kernel run the call. */
int64_t sv_handle_ioctl(struct call *c)
{
	struct sockinfo si;
	int64_t ret;

	if (!policy_ioctl_needs_inet(c->args[1]))
		return SV_CONTINUE;
	if (!sv_open_for(c, &si, sv_fresh_standin, &ret))
		return ret == -ENOTSOCK || ret == -EBADF ? SV_CONTINUE : ret;
	return sv_unstand_and_continue(c, &si);
}
