/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket state set before a translated connect survives it: descriptor
 * flags, socket options, a bind to a fixed port, the fd number.
 *
 *   t_opts [-a ADDR4] [-e ECHOPORT] [-l LOCALPORT] [-i IFNAME]
 *
 * Runs under the library in the IPv6-only client namespace.  IFNAME is
 * the client's interface towards the gateway (default: the first
 * non-loopback interface).  LOCALPORT is a free port for the
 * bind-before-connect check. */
#include "progs.h"

#include <dirent.h>
#include <net/if.h>

struct intopt {
	const char *name;
	int level, opt, value;
	bool root;  /* needs CAP_NET_ADMIN */
};

static const struct intopt intopts[] = {
	{ "opts_so_reuseaddr", SOL_SOCKET, SO_REUSEADDR, 1, false },
	{ "opts_so_keepalive", SOL_SOCKET, SO_KEEPALIVE, 1, false },
	{ "opts_tcp_nodelay", IPPROTO_TCP, TCP_NODELAY, 1, false },
	{ "opts_so_sndbuf", SOL_SOCKET, SO_SNDBUF, 65536, false },
	{ "opts_so_rcvbuf", SOL_SOCKET, SO_RCVBUF, 98304, false },
	{ "opts_so_mark", SOL_SOCKET, SO_MARK, 0x4242, true },
	{ "opts_ip_tos", IPPROTO_IP, IP_TOS, 0x28, false },
	{ "opts_so_priority", SOL_SOCKET, SO_PRIORITY, 3, false },
	{ "opts_so_oobinline", SOL_SOCKET, SO_OOBINLINE, 1, false },
	{ "opts_tcp_keepidle", IPPROTO_TCP, TCP_KEEPIDLE, 77, false },
	{ "opts_tcp_keepintvl", IPPROTO_TCP, TCP_KEEPINTVL, 11, false },
	{ "opts_tcp_keepcnt", IPPROTO_TCP, TCP_KEEPCNT, 5, false },
	{ "opts_tcp_user_timeout", IPPROTO_TCP, TCP_USER_TIMEOUT, 54321,
	  false },
};
#define NINT (sizeof intopts / sizeof intopts[0])

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

static const char *default_ifname(char *buf, size_t bufsz)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	const char *r = NULL;

	if (!ni)
		return NULL;
	for (p = ni; p->if_index; p++) {
		if (strcmp(p->if_name, "lo")) {
			snprintf(buf, bufsz, "%s", p->if_name);
			r = buf;
			break;
		}
	}
	if_freenameindex(ni);
	return r;
}

static bool tv_eq(const struct timeval *a, const struct timeval *b)
{
	return a->tv_sec == b->tv_sec && a->tv_usec == b->tv_usec;
}

static void test_options(const struct progs_opts *o)
{
	struct sockaddr_in sa = sin4(o->addr, o->echo_port);
	int before[NINT], after, fd, fdnum, nfd_before, nfd_after, r, e;
	bool set_ok[NINT];
	struct timeval rcvto = { 3, 500000 }, sndto = { 4, 250000 }, tv0, tv1;
	struct linger lg = { 1, 7 }, lg0, lg1;
	char cc0[32] = "", cc1[32] = "";
	socklen_t len;
	bool cc_ok = false;
	struct greeting g;
	char err[256];

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail("opts_socket", "%s", strerror(errno));
		return;
	}
	fdnum = fd;
	for (size_t i = 0; i < NINT; i++) {
		const struct intopt *io = &intopts[i];
		len = sizeof before[i];
		set_ok[i] = setsockopt(fd, io->level, io->opt, &io->value,
				       sizeof io->value) == 0 &&
			    getsockopt(fd, io->level, io->opt, &before[i],
				       &len) == 0;
		if (!set_ok[i])
			skip(io->name, "cannot set before connect: %s",
			     strerror(errno));
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcvto, sizeof rcvto);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &sndto, sizeof sndto);
	len = sizeof tv0;
	getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv0, &len);
	rcvto = tv0; /* kernel rounding to jiffies */
	len = sizeof tv0;
	getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv0, &len);
	sndto = tv0;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	len = sizeof lg0;
	getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg0, &len);
	cc_ok = setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4) == 0;
	len = sizeof cc0;
	getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc0, &len);
	if (!cc_ok)
		skip("opts_tcp_congestion", "setsockopt reno: %s",
		     strerror(errno));

	nfd_before = count_fds();
	errno = 12345;
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	e = errno;
	if (r < 0) {
		fail("opts_connect", "connect %s:%u: %s", o->addr, o->echo_port,
		     strerror(e));
		close(fd);
		return;
	}
	pass("opts_connect");
	nfd_after = count_fds();
	check("opts_no_fd_leak", nfd_before == nfd_after,
	      "%d fds open before connect, %d after", nfd_before, nfd_after);
	{
		struct sockaddr_in p;
		socklen_t pl = sizeof p;
		check("opts_fd_number_unchanged",
		      fd == fdnum && getpeername(fdnum, (struct sockaddr *)&p,
						 &pl) == 0 &&
		      p.sin_family == AF_INET,
		      "fd %d is not the connected AF_INET socket", fdnum);
	}

	for (size_t i = 0; i < NINT; i++) {
		const struct intopt *io = &intopts[i];
		if (!set_ok[i])
			continue;
		after = -1;
		len = sizeof after;
		if (getsockopt(fd, io->level, io->opt, &after, &len) < 0)
			fail(io->name, "getsockopt after connect: %s",
			     strerror(errno));
		else
			check(io->name, after == before[i],
			      "before connect %d (set %d), after %d",
			      before[i], io->value, after);
	}
	len = sizeof tv1;
	r = getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv1, &len);
	check("opts_so_rcvtimeo", r == 0 && tv_eq(&tv1, &rcvto),
	      "after connect %ld.%06ld, want %ld.%06ld", (long)tv1.tv_sec,
	      (long)tv1.tv_usec, (long)rcvto.tv_sec, (long)rcvto.tv_usec);
	len = sizeof tv1;
	r = getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv1, &len);
	check("opts_so_sndtimeo", r == 0 && tv_eq(&tv1, &sndto),
	      "after connect %ld.%06ld, want %ld.%06ld", (long)tv1.tv_sec,
	      (long)tv1.tv_usec, (long)sndto.tv_sec, (long)sndto.tv_usec);
	len = sizeof lg1;
	r = getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg1, &len);
	check("opts_so_linger",
	      r == 0 && lg1.l_onoff == lg0.l_onoff &&
	      lg1.l_linger == lg0.l_linger,
	      "after connect {%d,%d}, want {%d,%d}", lg1.l_onoff,
	      lg1.l_linger, lg0.l_onoff, lg0.l_linger);
	if (cc_ok) {
		len = sizeof cc1;
		r = getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc1, &len);
		check("opts_tcp_congestion", r == 0 && !strcmp(cc0, cc1),
		      "after connect \"%s\", want \"%s\"", cc1, cc0);
	}
	r = fcntl(fd, F_GETFD);
	check("opts_fd_cloexec", r >= 0 && (r & FD_CLOEXEC),
	      "F_GETFD after connect = %d", r);
	{
		int t = 0, d = 0;
		len = sizeof t;
		getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &len);
		check("opts_so_type", t == SOCK_STREAM, "SO_TYPE %d", t);
		len = sizeof d;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &d, &len) == 0)
			note("SO_DOMAIN after translated connect: %d (%s)", d,
			     d == AF_INET ? "AF_INET" :
			     d == AF_INET6 ? "AF_INET6" : "?");
	}

	/* What the server saw: the TOS on the wire (IPv6 traffic class,
	 * copied to the IPv4 TOS by the NAT64). */
	if (read_greeting(fd, &g, err, sizeof err) < 0) {
		fail("opts_ip_tos_on_wire", "%s", err);
	} else if (g.tos < 0) {
		skip("opts_ip_tos_on_wire", "server cannot see the TOS");
	} else {
		check("opts_ip_tos_on_wire", (g.tos & 0xfc) == 0x28,
		      "server saw TOS 0x%02x, want 0x28", g.tos);
	}
	check("opts_echo", echo_roundtrip(fd, "options\n", err,
					  sizeof err) == 0, "%s", err);

	/* Set after the connect, read back. */
	{
		int tos = 0x10, v = 0;
		len = sizeof v;
		r = setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
		if (r == 0)
			r = getsockopt(fd, IPPROTO_IP, IP_TOS, &v, &len);
		check("opts_ip_tos_set_after_connect", r == 0 && v == tos,
		      "r %d (%s) value 0x%x", r, r ? strerror(errno) : "ok",
		      v);
	}
	close(fd);
}

/* SO_BINDTODEVICE on its own socket, with a 5 s SO_SNDTIMEO so that a
 * connect stuck on the IPv4 side cannot hang the program.  (With a bound
 * device and no IPv4 route, the kernel takes an IPv4 destination as
 * on-link, ARPs for it and never answers ENETUNREACH.) */
static void test_bindtodevice(const struct progs_opts *o, const char *ifname)
{
	const char *name = "opts_so_bindtodevice";
	struct sockaddr_in sa = sin4(o->addr, o->echo_port), got;
	char dev0[IFNAMSIZ] = "", dev1[IFNAMSIZ] = "", err[256], b[96];
	struct greeting g;
	socklen_t len;
	int fd, r;

	if (!ifname) {
		skip(name, "no interface name");
		return;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	set_timeouts(fd, 5);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname) + 1) < 0) {
		skip(name, "setsockopt %s: %s", ifname, strerror(errno));
		close(fd);
		return;
	}
	len = sizeof dev0;
	getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev0, &len);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail(name, "connect %s:%u with the socket bound to %s: %s%s",
		     o->addr, o->echo_port, ifname, strerror(errno),
		     errno == EINPROGRESS ? " (SO_SNDTIMEO expired)" : "");
		close(fd);
		return;
	}
	len = sizeof dev1;
	r = getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev1, &len);
	if (r < 0 || strcmp(dev0, dev1)) {
		fail(name, "after connect \"%s\", want \"%s\"", dev1, dev0);
	} else if (getpeername(fd, (struct sockaddr *)&got,
			       &(socklen_t){ sizeof got }) < 0 ||
		   memcmp(&got, &sa, sizeof sa)) {
		fail(name, "getpeername %s", FMT_SA(got, sizeof got, b));
	} else if (read_greeting(fd, &g, err, sizeof err) < 0 ||
		   echo_roundtrip(fd, "bound\n", err, sizeof err) < 0) {
		fail(name, "%s", err);
	} else {
		pass(name);
	}
	close(fd);
}

static void test_cloexec_off(const struct progs_opts *o)
{
	int fd = tcp_connect4(o->addr, o->echo_port);
	int r;

	if (fd < 0) {
		fail("opts_no_cloexec_stays_off", "connect: %s",
		     strerror(errno));
		return;
	}
	r = fcntl(fd, F_GETFD);
	check("opts_no_cloexec_stays_off", r == 0, "F_GETFD = %d", r);
	close(fd);

	/* FD_CLOEXEC set with fcntl (not SOCK_CLOEXEC) before connect. */
	{
		struct sockaddr_in sa = sin4(o->addr, o->echo_port);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
			fail("opts_fcntl_cloexec", "connect: %s",
			     strerror(errno));
		} else {
			r = fcntl(fd, F_GETFD);
			check("opts_fcntl_cloexec", r >= 0 && (r & FD_CLOEXEC),
			      "F_GETFD = %d", r);
		}
		close(fd);
	}
}

static void bind_then_connect(const char *name, const struct progs_opts *o,
			      unsigned port)
{
	struct sockaddr_in any = sin4("0.0.0.0", port);
	struct sockaddr_in sa = sin4(o->addr, o->echo_port), got;
	socklen_t len = sizeof got;
	struct greeting g;
	char err[256], b[96];
	int one = 1, fd;
	unsigned want;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&any, sizeof any) < 0) {
		fail(name, "bind 0.0.0.0:%u: %s", port, strerror(errno));
		close(fd);
		return;
	}
	if (getsockname(fd, (struct sockaddr *)&got, &len) < 0) {
		fail(name, "getsockname after bind: %s", strerror(errno));
		close(fd);
		return;
	}
	want = ntohs(got.sin_port);
	if (port && want != port) {
		fail(name, "after bind getsockname says %s",
		     FMT_SA(got, len, b));
		close(fd);
		return;
	}
	set_timeouts(fd, 20);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail(name, "connect %s:%u after bind: %s", o->addr,
		     o->echo_port, strerror(errno));
		close(fd);
		return;
	}
	len = sizeof got;
	if (getsockname(fd, (struct sockaddr *)&got, &len) < 0) {
		fail(name, "getsockname after connect: %s", strerror(errno));
	} else if (len != sizeof got || got.sin_family != AF_INET ||
		   ntohs(got.sin_port) != want) {
		fail(name, "after connect getsockname %s, want port %u",
		     FMT_SA(got, len, b), want);
	} else if (read_greeting(fd, &g, err, sizeof err) < 0) {
		fail(name, "%s", err);
	} else {
		check(name, g.port == want,
		      "server saw source port %u, bound %u", g.port, want);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	struct progs_opts o;
	char ifbuf[IFNAMSIZ];
	const char *ifname;

	progs_getopt(argc, argv, &o);
	ifname = o.ifname ? o.ifname : default_ifname(ifbuf, sizeof ifbuf);
	if (ifname)
		note("SO_BINDTODEVICE interface: %s", ifname);
	test_options(&o);
	test_bindtodevice(&o, ifname);
	test_cloexec_off(&o);
	bind_then_connect("opts_bind_port_then_connect", &o, o.local_port);
	bind_then_connect("opts_bind_port0_then_connect", &o, 0);
	return progs_exit();
}
