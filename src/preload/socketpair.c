/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fdops.h"
#include "tnat64.h"

EXPORT int socketpair(int domain, int type, int protocol, int sv[2])
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_socketpair(domain, type, protocol, sv), saved);
}

TN_SELF(socketpair)
