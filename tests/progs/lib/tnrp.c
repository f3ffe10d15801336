/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A module for tests/progs/t_dlopen.c, found only through the program's
 * RUNPATH ($ORIGIN/rpath), built twice (libtnrp.so, libtnrpdeep.so: the
 * second one is loaded with RTLD_DEEPBIND).  Its own RUNPATH
 * ($ORIGIN/inner) holds libtninner.so, which only a dlopen made by this
 * module (tnrp_open) can find. */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int tnrp_connect(const char *addr, int port);
void *tnrp_open(const char *name, int mode);

/* TCP connect to addr:port from this module: 0 or the errno. */
int tnrp_connect(const char *addr, int port)
{
	struct sockaddr_in sin;
	int s = socket(AF_INET, SOCK_STREAM, 0), r = 0;

	if (s < 0)
		return errno;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		r = EINVAL;
	else if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		r = errno;
	close(s);
	return r;
}

/* dlopen as this module: its RUNPATH and $ORIGIN.  Not a tail call
 * (glibc would take the jump's target's return address: our caller's). */
void *tnrp_open(const char *name, int mode)
{
	void *h = dlopen(name, mode);

	__asm__ volatile("" : : "r"(h) : "memory");
	return h;
}
