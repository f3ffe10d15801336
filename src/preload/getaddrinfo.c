/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tnat64.h"

EXPORT int getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res)
{
	tn_ensure_init();
	return tn_getaddrinfo(node, service, hints, res);
}

TN_SELF(getaddrinfo)
