/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sockets the library must leave alone, even when it is loaded:
 * listeners on 0.0.0.0 and 127.0.0.1, loopback connects, AF_INET6
 * loopback, AF_UNIX, AF_NETLINK, AF_INET UDP on 127.0.0.1.  Every
 * address the program sees through libc is compared with what the kernel
 * reports through the raw system call (which the library cannot
 * intercept).
 *
 *   t_local [-l LOCALPORT]
 *
 * Uses LOCALPORT..LOCALPORT+4 on the loopback of the client namespace. */
#include "progs.h"

#include <linux/netlink.h>
#include <sys/syscall.h>
#include <sys/un.h>

static long raw_name(int fd, int peer, void *sa, socklen_t *len)
{
	return syscall(peer ? SYS_getpeername : SYS_getsockname, fd, sa, len);
}

/* libc getsockname/getpeername gives the same bytes and length as the
 * kernel (or, with allow_mapped, the exact IPv4 form of the kernel's
 * ::ffff: address); name is reported only on failure. */
static bool same_as_kernel_or_mapped(const char *name, int fd, int peer,
				     void *out, socklen_t *outlen,
				     int allow_mapped)
{
	struct sockaddr_storage a, k;
	socklen_t al = sizeof a, kl = sizeof k;
	int r1;
	long r2;
	char b1[96], b2[96];

	memset(&a, 0x55, sizeof a);
	memset(&k, 0x55, sizeof k);
	r1 = peer ? getpeername(fd, (struct sockaddr *)&a, &al)
		  : getsockname(fd, (struct sockaddr *)&a, &al);
	r2 = raw_name(fd, peer, &k, &kl);
	if (r1 != 0 || r2 != 0) {
		fail(name, "%s: libc %d, syscall %ld (%s)",
		     peer ? "getpeername" : "getsockname", r1, r2,
		     strerror(errno));
		return false;
	}
	if (allow_mapped && k.ss_family == AF_INET6 && al == sizeof(struct sockaddr_in)) {
		/* A dual-stack stand-in (UDP on an IPv6-only host): the
		 * kernel shows ::ffff:a.b.c.d, the program must see exactly
		 * the IPv4 form of it. */
		const struct sockaddr_in6 *k6 = (const void *)&k;
		const struct sockaddr_in *a4 = (const void *)&a;
		static const unsigned char pre[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
						       0, 0, 0xff, 0xff };

		if (kl == sizeof(*k6) && a4->sin_family == AF_INET &&
		    !memcmp(k6->sin6_addr.s6_addr, pre, 12) &&
		    !memcmp(k6->sin6_addr.s6_addr + 12, &a4->sin_addr, 4) &&
		    k6->sin6_port == a4->sin_port) {
			if (out) {
				memcpy(out, &a, al < *outlen ? al : *outlen);
				*outlen = al;
			}
			return true;
		}
	}
	if (al != kl || memcmp(&a, &k, sizeof a)) {
		fail(name, "%s: libc gives %s, kernel %s",
		     peer ? "getpeername" : "getsockname",
		     FMT_SA(a, al, b1),
		     FMT_SA(k, kl, b2));
		return false;
	}
	if (out) {
		memcpy(out, &a, al < *outlen ? al : *outlen);
		*outlen = al;
	}
	return true;
}

static bool same_as_kernel(const char *name, int fd, int peer, void *out,
			   socklen_t *outlen)
{
	return same_as_kernel_or_mapped(name, fd, peer, out, outlen, 0);
}

static bool sa4_is(const struct sockaddr_in *s, socklen_t len,
		   const char *addr, unsigned port)
{
	struct sockaddr_in w = sin4(addr, port);

	return len == sizeof w && s->sin_family == AF_INET &&
	       s->sin_addr.s_addr == w.sin_addr.s_addr &&
	       (port == 0 || s->sin_port == w.sin_port);
}

static void tcp4_local(const char *name, const char *listen_addr,
		       unsigned port)
{
	struct sockaddr_in la = sin4(listen_addr, port);
	struct sockaddr_in dst = sin4("127.0.0.1", port);
	struct sockaddr_in got, cl, acc;
	socklen_t len;
	int one = 1, lfd, cfd, afd;
	char buf[16], b[96];

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(lfd, (struct sockaddr *)&la, sizeof la) < 0 ||
	    listen(lfd, 8) < 0) {
		fail(name, "bind/listen %s:%u: %s", listen_addr, port,
		     strerror(errno));
		close(lfd);
		return;
	}
	len = sizeof got;
	if (!same_as_kernel(name, lfd, 0, &got, &len))
		goto out_l;
	if (!sa4_is(&got, len, listen_addr, port)) {
		fail(name, "listener getsockname %s",
		     FMT_SA(got, len, b));
		goto out_l;
	}
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(cfd, (struct sockaddr *)&dst, sizeof dst) < 0) {
		fail(name, "connect 127.0.0.1:%u: %s", port, strerror(errno));
		goto out_c;
	}
	len = sizeof acc;
	memset(&acc, 0x55, sizeof acc);
	afd = accept(lfd, (struct sockaddr *)&acc, &len);
	if (afd < 0) {
		fail(name, "accept: %s", strerror(errno));
		goto out_c;
	}
	if (!sa4_is(&acc, len, "127.0.0.1", 0)) {
		fail(name, "accept gave %s", FMT_SA(acc, len, b));
		goto out_a;
	}
	len = sizeof got;
	if (!same_as_kernel(name, cfd, 1, &got, &len))
		goto out_a;
	if (!sa4_is(&got, len, "127.0.0.1", port)) {
		fail(name, "client getpeername %s",
		     FMT_SA(got, len, b));
		goto out_a;
	}
	len = sizeof cl;
	if (!same_as_kernel(name, cfd, 0, &cl, &len))
		goto out_a;
	if (!sa4_is(&cl, len, "127.0.0.1", 0) ||
	    cl.sin_port != acc.sin_port) {
		fail(name, "client getsockname %s, accept said port %u",
		     FMT_SA(cl, len, b), ntohs(acc.sin_port));
		goto out_a;
	}
	len = sizeof got;
	if (!same_as_kernel(name, afd, 1, &got, &len) ||
	    !same_as_kernel(name, afd, 0, NULL, NULL))
		goto out_a;
	if (memcmp(&got, &cl, sizeof cl)) {
		fail(name, "accepted getpeername %s differs from client",
		     FMT_SA(got, len, b));
		goto out_a;
	}
	if (write_all(cfd, "ping", 4) < 0 || read_all(afd, buf, 4) < 0 ||
	    memcmp(buf, "ping", 4) || write_all(afd, "pong", 4) < 0 ||
	    read_all(cfd, buf, 4) < 0 || memcmp(buf, "pong", 4)) {
		fail(name, "data exchange failed");
		goto out_a;
	}
	pass(name);
out_a:
	close(afd);
out_c:
	close(cfd);
out_l:
	close(lfd);
}

static void tcp6_loopback(const char *name, unsigned port)
{
	struct sockaddr_in6 sa;
	int one = 1, lfd, cfd = -1, afd = -1;

	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons((uint16_t)port);
	sa.sin6_addr = in6addr_loopback;
	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(lfd, 8) < 0) {
		fail(name, "bind/listen [::1]:%u: %s", port, strerror(errno));
		goto out;
	}
	cfd = socket(AF_INET6, SOCK_STREAM, 0);
	if (connect(cfd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail(name, "connect [::1]:%u: %s", port, strerror(errno));
		goto out;
	}
	afd = accept(lfd, NULL, NULL);
	if (afd < 0) {
		fail(name, "accept: %s", strerror(errno));
		goto out;
	}
	if (same_as_kernel(name, cfd, 0, NULL, NULL) &&
	    same_as_kernel(name, cfd, 1, NULL, NULL) &&
	    same_as_kernel(name, afd, 0, NULL, NULL) &&
	    same_as_kernel(name, afd, 1, NULL, NULL) &&
	    same_as_kernel(name, lfd, 0, NULL, NULL))
		pass(name);
out:
	if (afd >= 0)
		close(afd);
	if (cfd >= 0)
		close(cfd);
	close(lfd);
}

static void unix_pair(void)
{
	int sv[2];
	char buf[8];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		fail("local_unix_socketpair", "%s", strerror(errno));
		return;
	}
	if (write_all(sv[0], "unix", 4) < 0 || read_all(sv[1], buf, 4) < 0 ||
	    memcmp(buf, "unix", 4)) {
		fail("local_unix_socketpair", "data exchange failed");
	} else if (same_as_kernel("local_unix_socketpair", sv[0], 0, NULL,
				  NULL) &&
		   same_as_kernel("local_unix_socketpair", sv[0], 1, NULL,
				  NULL)) {
		pass("local_unix_socketpair");
	}
	close(sv[0]);
	close(sv[1]);
}

static void unix_named(void)
{
	struct sockaddr_un sa;
	int lfd, cfd, afd;
	const char *name = "local_unix_named";

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	/* abstract socket: nothing to clean up */
	snprintf(sa.sun_path + 1, sizeof sa.sun_path - 1, "tnat64-t_local-%ld",
		 (long)getpid());
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				    1 + strlen(sa.sun_path + 1));
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(lfd, (struct sockaddr *)&sa, len) < 0 || listen(lfd, 4) < 0) {
		fail(name, "bind/listen: %s", strerror(errno));
		close(lfd);
		return;
	}
	cfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(cfd, (struct sockaddr *)&sa, len) < 0) {
		fail(name, "connect: %s", strerror(errno));
	} else if ((afd = accept(lfd, NULL, NULL)) < 0) {
		fail(name, "accept: %s", strerror(errno));
	} else {
		if (same_as_kernel(name, cfd, 1, NULL, NULL) &&
		    same_as_kernel(name, lfd, 0, NULL, NULL) &&
		    same_as_kernel(name, afd, 0, NULL, NULL))
			pass(name);
		close(afd);
	}
	close(cfd);
	close(lfd);
}

static void netlink(void)
{
	const char *name = "local_netlink_getsockname";
	struct sockaddr_nl nl, got;
	socklen_t len = sizeof got;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0) {
		skip(name, "socket(AF_NETLINK): %s", strerror(errno));
		return;
	}
	memset(&nl, 0, sizeof nl);
	nl.nl_family = AF_NETLINK;
	if (bind(fd, (struct sockaddr *)&nl, sizeof nl) < 0) {
		fail(name, "bind: %s", strerror(errno));
	} else if (same_as_kernel(name, fd, 0, &got, &len)) {
		check(name, len == sizeof(struct sockaddr_nl) &&
		      got.nl_family == AF_NETLINK && got.nl_pid != 0,
		      "family %d len %u pid %u", got.nl_family, (unsigned)len,
		      got.nl_pid);
	}
	close(fd);
}

static void udp_loopback(unsigned port)
{
	const char *name = "local_udp_loopback";
	struct sockaddr_in ra = sin4("127.0.0.1", port), from, self;
	socklen_t len;
	int rfd, sfd, r;
	char buf[16], b1[96], b2[96];

	rfd = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(rfd, (struct sockaddr *)&ra, sizeof ra) < 0) {
		fail(name, "bind 127.0.0.1:%u: %s", port, strerror(errno));
		close(rfd);
		return;
	}
	set_timeouts(rfd, 5);

	/* connected sender */
	sfd = socket(AF_INET, SOCK_DGRAM, 0);
	if (connect(sfd, (struct sockaddr *)&ra, sizeof ra) < 0) {
		fail(name, "connect: %s", strerror(errno));
		goto out;
	}
	if (send(sfd, "udp1", 4, 0) != 4) {
		fail(name, "send: %s", strerror(errno));
		goto out;
	}
	len = sizeof from;
	r = (int)recvfrom(rfd, buf, sizeof buf, 0, (struct sockaddr *)&from,
			  &len);
	if (r != 4 || memcmp(buf, "udp1", 4)) {
		fail(name, "recvfrom: %d %s", r, strerror(errno));
		goto out;
	}
	len = sizeof self;
	if (!same_as_kernel_or_mapped(name, sfd, 0, &self, &len, 1) ||
	    !same_as_kernel_or_mapped(name, sfd, 1, NULL, NULL, 1))
		goto out;
	if (!sa4_is(&from, sizeof from, "127.0.0.1", 0) ||
	    from.sin_port != self.sin_port) {
		fail(name, "recvfrom says %s, sender getsockname %s",
		     FMT_SA(from, sizeof from, b1),
		     FMT_SA(self, len, b2));
		goto out;
	}
	close(sfd);

	/* unconnected sendto, reply with sendto to the recvfrom address */
	sfd = socket(AF_INET, SOCK_DGRAM, 0);
	set_timeouts(sfd, 5);
	if (sendto(sfd, "udp2", 4, 0, (struct sockaddr *)&ra, sizeof ra) != 4) {
		fail(name, "sendto: %s", strerror(errno));
		goto out;
	}
	len = sizeof from;
	r = (int)recvfrom(rfd, buf, sizeof buf, 0, (struct sockaddr *)&from,
			  &len);
	if (r != 4 || len != sizeof from ||
	    sendto(rfd, "back", 4, 0, (struct sockaddr *)&from, len) != 4) {
		fail(name, "recvfrom/sendto reply: %s", strerror(errno));
		goto out;
	}
	len = sizeof from;
	r = (int)recvfrom(sfd, buf, sizeof buf, 0, (struct sockaddr *)&from,
			  &len);
	if (r != 4 || memcmp(buf, "back", 4) ||
	    !sa4_is(&from, len, "127.0.0.1", port)) {
		fail(name, "reply: r %d from %s", r,
		     FMT_SA(from, len, b1));
		goto out;
	}
	pass(name);
out:
	close(sfd);
	close(rfd);
}

int main(int argc, char **argv)
{
	struct progs_opts o;

	progs_getopt(argc, argv, &o);
	tcp4_local("local_tcp_listen_any", "0.0.0.0", o.local_port);
	tcp4_local("local_tcp_listen_loopback", "127.0.0.1", o.local_port + 1);
	tcp6_loopback("local_tcp6_loopback", o.local_port + 2);
	unix_pair();
	unix_named();
	netlink();
	udp_loopback(o.local_port + 3);
	return progs_exit();
}
