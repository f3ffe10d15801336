/* SPDX-License-Identifier: GPL-2.0-or-later */
/* getaddrinfo: on an IPv6-only host glibc's AI_ADDRCONFIG hides every
 * IPv4 answer, literals included, so an IPv4-only program never gets as
 * far as connect().  While a NAT64 prefix applies, IPv4 is reachable
 * through us: ask without AI_ADDRCONFIG.  The answer itself, its order
 * and freeaddrinfo stay glibc's. */
#include <netdb.h>
#include <string.h>

#include "tnat64.h"

/* A prefix applies when there is a default one or any path. */
static int nat64_configured(void)
{
	const struct config *c = tn_config();

	return c && (c->has_default || c->nsubnets > 0);
}

int tn_getaddrinfo(const char *node, const char *service,
		   const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo h;

	if (hints) {
		if (!(hints->ai_flags & AI_ADDRCONFIG) ||
		    (hints->ai_family != AF_INET &&
		     hints->ai_family != AF_UNSPEC) ||
		    !nat64_configured())
			return real.getaddrinfo(node, service, hints, res);
		h = *hints;
	} else {
		if (!nat64_configured())
			return real.getaddrinfo(node, service, hints, res);
		/* glibc's defaults for no hints, less AI_ADDRCONFIG. */
		memset(&h, 0, sizeof(h));
		h.ai_family = AF_UNSPEC;
		h.ai_flags = AI_V4MAPPED | AI_ADDRCONFIG;
	}
	h.ai_flags &= ~AI_ADDRCONFIG;
	return real.getaddrinfo(node, service, &h, res);
}
