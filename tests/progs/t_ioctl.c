/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ioctl requests only an AF_INET socket answers (SIOCGIFADDR and the
 * like, what ifconfig-style programs open a datagram socket for) must
 * work on a socket(AF_INET) socket under tnat64 exactly as natively,
 * even when tnat64 hands out a dual-stack stand-in (UDP on an IPv6-only
 * host, anything under tnat64-seccomp).  The reference is a socket made
 * with the raw system call and asked with the raw ioctl, which neither
 * the library nor (for SIOCGIFFLAGS, not trapped) changes.
 *
 *   t_ioctl [IFNAME]      (default lo)
 */
#include "progs.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

static const char *ifname = "lo";

struct answer {
	long r;
	int err;
	struct ifreq ifr;
};

static void ask(int fd, unsigned long req, bool raw, struct answer *a)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->ifr.ifr_name, sizeof(a->ifr.ifr_name), "%s", ifname);
	errno = 0;
	a->r = raw ? syscall(SYS_ioctl, fd, req, &a->ifr)
		   : ioctl(fd, req, &a->ifr);
	a->err = a->r < 0 ? errno : 0;
}

static void one(const char *what, int type, unsigned long req,
		const char *reqname)
{
	char name[96];
	struct answer want, got;
	int ref = (int)syscall(SYS_socket, AF_INET, type, 0);
	int fd = socket(AF_INET, type, 0);
	int dom = -1;
	socklen_t dl = sizeof(dom);

	snprintf(name, sizeof(name), "ioctl/%s/%s", what, reqname);
	if (ref < 0 || fd < 0) {
		fail(name, "socket: %s", strerror(errno));
		goto out;
	}
	ask(ref, req, true, &want);
	ask(fd, req, false, &got);
	if (got.r != want.r || got.err != want.err) {
		fail(name, "returned %ld (%s), natively %ld (%s)", got.r,
		     strerror(got.err), want.r, strerror(want.err));
		goto out;
	}
	if (want.r == 0 &&
	    memcmp(&got.ifr.ifr_ifru, &want.ifr.ifr_ifru,
		   sizeof(want.ifr.ifr_ifru))) {
		fail(name, "answer differs from the native one");
		goto out;
	}
	pass(name);
	snprintf(name, sizeof(name), "ioctl/%s/%s/so-domain", what, reqname);
	check(name, getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dl) == 0 &&
	      dom == AF_INET, "SO_DOMAIN %d", dom);
out:
	if (ref >= 0)
		close(ref);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	static const struct {
		unsigned long req;
		const char *name;
	} reqs[] = {
		{ SIOCGIFADDR, "SIOCGIFADDR" },
		{ SIOCGIFNETMASK, "SIOCGIFNETMASK" },
		{ SIOCGIFBRDADDR, "SIOCGIFBRDADDR" },
		{ SIOCGIFDSTADDR, "SIOCGIFDSTADDR" },
		{ SIOCGIFFLAGS, "SIOCGIFFLAGS" },
	};

	if (argc > 2) {
		fprintf(stderr, "usage: t_ioctl [IFNAME]\n");
		return 2;
	}
	if (argc == 2)
		ifname = argv[1];
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		one("udp", SOCK_DGRAM, reqs[i].req, reqs[i].name);
		one("tcp", SOCK_STREAM, reqs[i].req, reqs[i].name);
	}
	return progs_exit();
}
