/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Name resolution.
 *
 * getaddrinfo: on an IPv6-only host glibc's AI_ADDRCONFIG hides every
 * IPv4 answer, literals included, so an IPv4-only program never gets as
 * far as connect().  While a NAT64 prefix applies, IPv4 is reachable
 * through us: ask without AI_ADDRCONFIG.  The answer itself, its order
 * and freeaddrinfo stay glibc's.
 *
 * glibc's own resolver talks to the nameservers with internal calls no
 * preloaded library sees.  It does, however, read each nameserver
 * through the thread's resolver state, where an application may put an
 * IPv6 address (_res._u._ext.nsaddrs, glibc frees it on reinit).  So
 * before a lookup we replace an IPv4 nameserver that has no route by its
 * NAT64 address there; glibc then queries it over IPv6. */
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdid.h"
#include "log.h"
#include "tnat64.h"

/* A direct attempt to reach v4 that sends nothing: connecting a datagram
 * socket only looks the route up.  0 or -errno. */
static int ipv4_probe(const struct sockaddr_in *sin)
{
	int fd = real.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct fdid id;
	int r;

	if (fd < 0 || fdid_get(fd, &id) < 0)
		return -ENETUNREACH;
	r = real.connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == 0
	    ? 0 : -errno;
	fdid_close(fd, &id);
	return r;
}

void tn_fix_resolver(void)
{
	int saved = errno;
	res_state st;

	if (!tn_nat64_configured())
		return;
	st = __res_state();
	if (!st || (!(st->options & RES_INIT) && res_init() < 0)) {
		errno = saved;
		return;
	}
	for (int i = 0; i < st->nscount && i < MAXNS; i++) {
		struct sockaddr_in *sin = &st->nsaddr_list[i];
		struct sockaddr_in6 *s6;
		/* glibc's own sockets: made for each query, never bound. */
		struct policy_sock sock = { .device = POLICY_DEVICE_NONE };
		int pfx;

		if (sin->sin_family != AF_INET || st->_u._ext.nsaddrs[i] ||
		    !tn_route(sin->sin_addr.s_addr, sin->sin_port, &pfx))
			continue;
		if (policy_way(POLICY_SEND, tn_cache_get(pfx), &sock) !=
		    POLICY_WAY_NAT64 && !policy_direct_failed(ipv4_probe(sin)))
			continue;
		s6 = malloc(sizeof(*s6)); /* glibc frees it (res_nclose) */
		if (!s6)
			break;
		if (tn_synth(pfx, sin->sin_addr.s_addr, sin->sin_port,
			     s6) < 0) {
			free(s6); /* no prefix applies after all */
			continue;
		}
		st->_u._ext.nsaddrs[i] = s6;
		/* An empty IPv4 slot makes glibc use the IPv6 address. */
		sin->sin_family = AF_UNSPEC;
		log_msg(LOG_INFO, "resolver: nameserver %A via NAT64 [%B]",
			sin->sin_addr.s_addr, s6->sin6_addr.s6_addr);
	}
	errno = saved;
}

int tn_getaddrinfo(const char *node, const char *service,
		   const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo h;

	if (!tn_nat64_configured())
		return real.getaddrinfo(node, service, hints, res);
	tn_fix_resolver();
	if (hints) {
		if (!(hints->ai_flags & AI_ADDRCONFIG) ||
		    (hints->ai_family != AF_INET &&
		     hints->ai_family != AF_UNSPEC))
			return real.getaddrinfo(node, service, hints, res);
		h = *hints;
	} else {
		/* glibc's defaults for no hints, less AI_ADDRCONFIG. */
		memset(&h, 0, sizeof(h));
		h.ai_family = AF_UNSPEC;
		h.ai_flags = AI_V4MAPPED | AI_ADDRCONFIG;
	}
	h.ai_flags &= ~AI_ADDRCONFIG;
	return real.getaddrinfo(node, service, &h, res);
}
