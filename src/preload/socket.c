/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tnat64.h"

EXPORT int socket(int domain, int type, int protocol)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_socket(domain, type, protocol), saved);
}

TN_SELF(socket)
