/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "epoll.h"
#include "tnat64.h"

EXPORT int epoll_create(int size)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_epoll_create(size, 0, 0), saved);
}

EXPORT int epoll_create1(int flags)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_epoll_create(0, flags, 1), saved);
}

TN_SELF(epoll_create)
TN_SELF(epoll_create1)
