/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fdops.h"
#include "tnat64.h"

static __attribute__((noinline)) int socket_full(int domain, int type,
						 int protocol)
{
	int saved = errno;

	tn_ensure_init();
	return tn_ret(tn_socket(domain, type, protocol), saved);
}

EXPORT int socket(int domain, int type, int protocol)
{
	/* The socket asked for, recorded: libc's call and its errno. */
	if (__builtin_expect(tn_socket_as_asked(domain, type), 1))
		return tn_socket_plain(domain, type, protocol);
	return socket_full(domain, type, protocol);
}

TN_SELF(socket)
