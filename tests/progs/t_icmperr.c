/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICMP errors of translated UDP sockets in IPv4 form (ip(7) IP_RECVERR,
 * MSG_ERRQUEUE, SO_ERROR), as an IPv4 program reads them.  Runs in the
 * testbed with an IPv4 router (lib.sh TB_ROUTER=1) under the library or
 * the supervisor.
 *
 *   t_icmperr [-S] SERVER4 CLOSEDPORT MTU UNREACH4 PROHIBIT4 HOP1 HOP2...
 *
 * -S: under the supervisor, whose filter does not trap getsockopt at the
 * IPv4 level: IP_MTU is reported as SKIP.
 *
 * - port unreachable: a datagram to SERVER4:CLOSEDPORT;
 * - time exceeded: a datagram with IP_TTL i for each HOPi, whose address
 *   must be the offender (192.0.0.8 for hops without IPv4);
 * - fragmentation needed: IP_PMTUDISC_DO and a datagram larger than the
 *   IPv4 path MTU (MTU, at least 1260): ee_info and IP_MTU must say MTU;
 * - host unreachable (UNREACH4, an "unreachable" route on an IPv4
 *   router) and administratively prohibited (PROHIBIT4, "prohibit").
 * Every field of each entry is checked: errno, origin, type, code, info,
 * offender (family, address, port), the destination in msg_name, the
 * datagram in the data (as much of it as the ICMP error quoted: an IPv4
 * router quotes 576 bytes at most), the control message's level and
 * type, and SO_ERROR / the next call's errno on connected sockets.
 * A router sends at most one "unreachable" a second to a host (Linux,
 * net/ipv4/route.c ip_error, counting the other errors it sent too): the
 * host unreachable and prohibited probes wait two seconds first. */
#include "progs.h"

#include <time.h>
#include <netinet/ip.h>
#include <sys/syscall.h>

#ifndef IP_MTU
#define IP_MTU 14
#endif

static const char *a4(uint32_t a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* Check one entry against what an IPv4 socket reports. */
static void check_entry(const char *name, const struct progs_msg *e,
			int err, int type, int code, uint32_t info,
			const char *offender, const struct sockaddr_in *dst,
			const char *sent, size_t sentlen)
{
	char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN], n[160];
	struct sockaddr_in want_off = sin4(offender, 0);
	const struct sockaddr_in *got = progs_sin(e);

	snprintf(n, sizeof(n), "%s/cmsg", name);
	if (!e->have_ee || e->ipv6_cmsg) {
		fail(n, "IP_RECVERR %s, IPv6 control messages %s",
		     e->have_ee ? "present" : "missing",
		     e->ipv6_cmsg ? "present" : "absent");
		return;
	}
	pass(n);
	snprintf(n, sizeof(n), "%s/ee", name);
	if (e->ee.ee_errno == (uint32_t)err &&
	    e->ee.ee_origin == SO_EE_ORIGIN_ICMP && e->ee.ee_type == type &&
	    e->ee.ee_code == code && e->ee.ee_info == info && e->ee.ee_pad == 0)
		pass(n);
	else
		fail(n, "errno %u origin %u type %u code %u info %u, want "
		     "%d %d %d %d %u", e->ee.ee_errno, e->ee.ee_origin,
		     e->ee.ee_type, e->ee.ee_code, e->ee.ee_info, err,
		     SO_EE_ORIGIN_ICMP, type, code, info);
	snprintf(n, sizeof(n), "%s/offender", name);
	if (e->off.sin_family == AF_INET &&
	    e->off.sin_addr.s_addr == want_off.sin_addr.s_addr &&
	    e->off.sin_port == 0)
		pass(n);
	else
		fail(n, "family %d %s port %u, want AF_INET %s",
		     e->off.sin_family, a4(e->off.sin_addr.s_addr, b1),
		     ntohs(e->off.sin_port), offender);
	snprintf(n, sizeof(n), "%s/name", name);
	if (e->namelen == sizeof(struct sockaddr_in) &&
	    got->sin_family == AF_INET &&
	    got->sin_addr.s_addr == dst->sin_addr.s_addr &&
	    got->sin_port == dst->sin_port)
		pass(n);
	else
		fail(n, "msg_name len %u family %d %s:%u, want %s:%u",
		     (unsigned)e->namelen, got->sin_family,
		     a4(got->sin_addr.s_addr, b1), ntohs(got->sin_port),
		     a4(dst->sin_addr.s_addr, b2), ntohs(dst->sin_port));
	snprintf(n, sizeof(n), "%s/data", name);
	if (e->n > 0 && (size_t)e->n <= sentlen &&
	    (e->n == (ssize_t)sentlen || sentlen > 512) &&
	    memcmp(e->data, sent, (size_t)e->n) == 0)
		pass(n);
	else
		fail(n, "%zd bytes, not the %zu sent (or their start)", e->n,
		     sentlen);
}

static int udp_to(const struct sockaddr_in *dst, int ttl, int pmtu)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	if (fd < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) < 0 ||
	    (ttl > 0 &&
	     setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0) ||
	    (pmtu >= 0 && setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu,
				     sizeof(pmtu)) < 0) ||
	    connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* After an ICMP error on a connected socket: SO_ERROR holds err once. */
static void check_so_error(const char *name, int fd, int err)
{
	int v = -1;
	socklen_t len = sizeof(v);
	char n[160];

	snprintf(n, sizeof(n), "%s/SO_ERROR", name);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len) == 0 && v == err)
		pass(n);
	else
		fail(n, "%d (%s), want %d (%s)", v, strerror(v), err,
		     strerror(err));
}

static void simple(const char *name, const char *dsta, unsigned port,
		   int err, int type, int code, const char *offender, int ttl)
{
	struct sockaddr_in dst = sin4(dsta, port);
	char msg[64];
	struct progs_msg e;
	int fd = udp_to(&dst, ttl, -1);

	snprintf(msg, sizeof(msg), "probe for %s", name);
	if (fd < 0 || send(fd, msg, strlen(msg), 0) < 0) {
		fail(name, "socket/send: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (progs_recv(fd, MSG_ERRQUEUE, &e) < 0) {
		fail(name, "no error-queue entry: %s", strerror(errno));
		close(fd);
		return;
	}
	check_entry(name, &e, err, type, code, 0, offender, &dst, msg,
		    strlen(msg));
	/* reading the queue clears the pending error, as on IPv4 */
	check_so_error(name, fd, 0);
	close(fd);
}

static bool supervised;

static void frag_needed(const char *server, unsigned port, unsigned mtu)
{
	struct sockaddr_in dst = sin4(server, port);
	static char big[1400];
	struct progs_msg e;
	int fd = udp_to(&dst, 0, IP_PMTUDISC_DO), v = -1;
	socklen_t len = sizeof(v);
	ssize_t r;

	memset(big, 'm', sizeof(big));
	if (fd < 0 || send(fd, big, sizeof(big), 0) < 0) {
		fail("fragneeded", "socket/send: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (progs_recv(fd, MSG_ERRQUEUE, &e) < 0) {
		fail("fragneeded", "no error-queue entry: %s", strerror(errno));
		close(fd);
		return;
	}
	check_entry("fragneeded", &e, EMSGSIZE, 3, 4, mtu, "203.0.113.2",
		    &dst, big, sizeof(big));
	if (supervised)
		skip("fragneeded/IP_MTU", "getsockopt(SOL_IP) is not trapped "
		     "by the supervisor's filter");
	else if (getsockopt(fd, IPPROTO_IP, IP_MTU, &v, &len) == 0 &&
		 v == (int)mtu)
		pass("fragneeded/IP_MTU");
	else
		fail("fragneeded/IP_MTU", "%d (%s), want %u", v,
		     v < 0 ? strerror(errno) : "", mtu);
	/* now the kernel knows: the next one fails here, EMSGSIZE, with a
	 * local error entry giving the MTU */
	r = send(fd, big, sizeof(big), 0);
	if (r < 0 && errno == EMSGSIZE)
		pass("fragneeded/local EMSGSIZE");
	else
		fail("fragneeded/local EMSGSIZE", "send gave %zd (%s)", r,
		     strerror(errno));
	if (progs_recv(fd, MSG_ERRQUEUE, &e) == 0 && e.have_ee &&
	    e.ee.ee_origin == SO_EE_ORIGIN_LOCAL &&
	    e.ee.ee_errno == EMSGSIZE && e.ee.ee_info == mtu)
		pass("fragneeded/local entry");
	else
		fail("fragneeded/local entry", "origin %u errno %u info %u",
		     e.ee.ee_origin, e.ee.ee_errno, e.ee.ee_info);
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned port, mtu;

	if (argc > 1 && strcmp(argv[1], "-S") == 0) {
		supervised = true;
		argv++;
		argc--;
	}
	if (argc < 7) {
		fprintf(stderr, "usage: t_icmperr [-S] SERVER4 CLOSEDPORT MTU "
			"UNREACH4 PROHIBIT4 HOP1 HOP2...\n");
		return 2;
	}
	port = (unsigned)progs_arg_num(argv[2], 65535);
	mtu = (unsigned)progs_arg_num(argv[3], 65535);
	simple("portunreach", argv[1], port, ECONNREFUSED, 3, 3, argv[1], 0);
	for (int i = 6; i < argc; i++) {
		char name[32];

		snprintf(name, sizeof(name), "ttl%d", i - 5);
		simple(name, argv[1], port, EHOSTUNREACH, 11, 0, argv[i],
		       i - 5);
	}
	frag_needed(argv[1], port, mtu);
	/* the router's "unreachable" and "prohibit" routes send ICMPv4 host
	 * unreachable and administratively prohibited, which come back
	 * through NAT64 as ICMPv6 no route / admin prohibited */
	nanosleep(&(struct timespec){ 2, 0 }, NULL);
	simple("hostunreach", argv[4], port, EHOSTUNREACH, 3, 1,
	       "203.0.113.2", 0);
	nanosleep(&(struct timespec){ 2, 0 }, NULL);
	simple("prohibited", argv[5], port, EHOSTUNREACH, 3, 10,
	       "203.0.113.2", 0);
	{
		/* connected socket, no IP_RECVERR: only SO_ERROR / errno */
		struct sockaddr_in dst = sin4(argv[1], port);
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		char c;

		if (fd >= 0 && connect(fd, (struct sockaddr *)&dst,
				       sizeof(dst)) == 0 &&
		    send(fd, "x", 1, 0) == 1) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			poll(&p, 1, 5000);
			if (recv(fd, &c, 1, MSG_DONTWAIT) < 0 &&
			    errno == ECONNREFUSED)
				pass("portunreach/recv errno");
			else
				fail("portunreach/recv errno", "%s",
				     strerror(errno));
		} else {
			fail("portunreach/recv errno", "setup: %s",
			     strerror(errno));
		}
		if (fd >= 0)
			close(fd);
	}
	return progs_exit();
}
