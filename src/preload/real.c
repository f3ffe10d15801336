/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "real.h"

struct real_fns real;

static void *lookup(const char *name, const void *self_base, int required)
{
	void *p = dlsym(RTLD_NEXT, name);
	Dl_info info;

	/* A definition inside this library would make the hook call itself. */
	if (p && dladdr(p, &info) && info.dli_fbase == self_base) {
		static const char msg[] =
			"tnat64: fatal: dlsym(RTLD_NEXT) returned the hook itself\n";
		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	if (!p && required) {
		static const char msg[] =
			"tnat64: fatal: a required libc symbol is missing\n";
		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	return p;
}

#define RESOLVE(field, req) \
	do { \
		void *p_ = lookup(#field, base, req); \
		memcpy(&real.field, &p_, sizeof(p_)); \
	} while (0)

void real_resolve(void)
{
	Dl_info self;
	const void *base = NULL;

	if (dladdr((const void *)&real, &self))
		base = self.dli_fbase;

	RESOLVE(socket, 1);
	RESOLVE(socketpair, 1);
	RESOLVE(connect, 1);
	RESOLVE(bind, 1);
	RESOLVE(listen, 1);
	RESOLVE(accept, 1);
	RESOLVE(accept4, 1);
	RESOLVE(close, 1);
	RESOLVE(close_range, 0);
	RESOLVE(closefrom, 0);
	RESOLVE(dup, 1);
	RESOLVE(dup2, 1);
	RESOLVE(dup3, 1);
	RESOLVE(fcntl, 1);
	RESOLVE(fcntl64, 0);
	RESOLVE(getpeername, 1);
	RESOLVE(getsockname, 1);
	RESOLVE(getsockopt, 1);
	RESOLVE(setsockopt, 1);
	RESOLVE(sendto, 1);
	RESOLVE(sendmsg, 1);
	RESOLVE(sendmmsg, 1);
	RESOLVE(recvfrom, 1);
	RESOLVE(recvmsg, 1);
	RESOLVE(recvmmsg, 1);
	RESOLVE(getaddrinfo, 1);
	RESOLVE(gethostbyname, 1);
	RESOLVE(gethostbyname2, 1);
	RESOLVE(gethostbyname_r, 1);
	RESOLVE(gethostbyname2_r, 1);
}
