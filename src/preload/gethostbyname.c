/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The gethostbyname family: glibc's answer, after the thread's resolver
 * has been pointed at reachable nameservers. */
#include <netdb.h>

#include "tnat64.h"

EXPORT struct hostent *gethostbyname(const char *name)
{
	tn_ensure_init();
	tn_fix_resolver();
	return real.gethostbyname(name);
}

EXPORT struct hostent *gethostbyname2(const char *name, int af)
{
	tn_ensure_init();
	tn_fix_resolver();
	return real.gethostbyname2(name, af);
}

EXPORT int gethostbyname_r(const char *name, struct hostent *ret, char *buf,
			   size_t len, struct hostent **result, int *h_errnop)
{
	tn_ensure_init();
	tn_fix_resolver();
	return real.gethostbyname_r(name, ret, buf, len, result, h_errnop);
}

EXPORT int gethostbyname2_r(const char *name, int af, struct hostent *ret,
			    char *buf, size_t len, struct hostent **result,
			    int *h_errnop)
{
	tn_ensure_init();
	tn_fix_resolver();
	return real.gethostbyname2_r(name, af, ret, buf, len, result, h_errnop);
}

TN_SELF(gethostbyname)
TN_SELF(gethostbyname2)
TN_SELF(gethostbyname_r)
TN_SELF(gethostbyname2_r)
