/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "real.h"

struct real_fns real;

/* Our hooks, by their hidden aliases (TN_SELF). */
extern __typeof(accept) tn_self_accept;
extern __typeof(accept4) tn_self_accept4;
extern __typeof(bind) tn_self_bind;
extern __typeof(close) tn_self_close;
extern __typeof(close_range) tn_self_close_range;
extern __typeof(closefrom) tn_self_closefrom;
extern __typeof(connect) tn_self_connect;
extern __typeof(dup) tn_self_dup;
extern __typeof(dup2) tn_self_dup2;
extern __typeof(dup3) tn_self_dup3;
extern __typeof(fcntl) tn_self_fcntl;
extern __typeof(fcntl64) tn_self_fcntl64;
extern __typeof(epoll_create) tn_self_epoll_create;
extern __typeof(epoll_create1) tn_self_epoll_create1;
extern __typeof(getaddrinfo) tn_self_getaddrinfo;
extern __typeof(gethostbyname) tn_self_gethostbyname;
extern __typeof(gethostbyname2) tn_self_gethostbyname2;
extern __typeof(gethostbyname_r) tn_self_gethostbyname_r;
extern __typeof(gethostbyname2_r) tn_self_gethostbyname2_r;
extern __typeof(getpeername) tn_self_getpeername;
extern __typeof(getsockname) tn_self_getsockname;
extern __typeof(getsockopt) tn_self_getsockopt;
extern __typeof(ioctl) tn_self_ioctl;
extern __typeof(listen) tn_self_listen;
extern __typeof(recvfrom) tn_self_recvfrom;
extern __typeof(recvmmsg) tn_self_recvmmsg;
extern __typeof(recvmsg) tn_self_recvmsg;
extern __typeof(sendmmsg) tn_self_sendmmsg;
extern __typeof(sendmsg) tn_self_sendmsg;
extern __typeof(sendto) tn_self_sendto;
extern __typeof(setsockopt) tn_self_setsockopt;
extern __typeof(socket) tn_self_socket;
extern __typeof(socketpair) tn_self_socketpair;

static void *lookup(const char *name, const void *self, int required)
{
	void *p = dlsym(RTLD_NEXT, name);

	/* Nothing after us has it: the C library was loaded before us (a
	 * line "libc.so.6 libtnat64.so" in /etc/ld.so.preload).  Programs
	 * then bind to its functions, not to our hooks; take them too
	 * rather than stop every program on the host. */
	if (!p) {
		p = dlsym(RTLD_DEFAULT, name);
		if (p == self)
			p = NULL;
	}

	/* Our own definition would make the hook call itself forever. */
	if (p && p == self) {
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
		void *p_ = lookup(#field, (const void *)tn_self_##field, req); \
		memcpy(&real.field, &p_, sizeof(p_)); \
	} while (0)

void real_resolve(void)
{
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
	RESOLVE(ioctl, 1);
	RESOLVE(epoll_create, 1);
	RESOLVE(epoll_create1, 1);
}
