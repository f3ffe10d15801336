/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Translated sockets of tnat64-seccomp (doc/seccomp.md): an AF_INET
 * socket is the program's own until its first connect or send to a
 * NAT64 destination, which replaces it by an AF_INET6 socket of the
 * supervisor; that one must look and behave like the AF_INET socket the
 * program made, options and flags included.  Run it under the supervisor
 * (most checks also hold natively where IPv4 is reachable; the ones that
 * look at the IPv6 side of a translated socket only run under it):
 *
 *   seccomp_xlat ADDR ECHOPORT UDPPORT LOCALPORT [nodump]
 *
 * ADDR:ECHOPORT is srv's TCP echo (greeting "PEER ..."), ADDR:UDPPORT a
 * UDP echo (no TCP listener there), LOCALPORT to LOCALPORT+2 free ports
 * for local listeners.  Checks: SO_DOMAIN of a translated socket (kernel
 * optlen rules), names and flags of fresh sockets, epoll registration
 * after a non-blocking connect, IP_TOS/IP_TTL set before a translated
 * connect (kept, mirrored to the IPv6 level, seen on the wire; a refused
 * IP_TTL changes nothing), a UDP socket with an IPv4-only option, a UDP
 * socket bound to 0.0.0.0:0 before sending, servers (bind then listen,
 * and listen alone), local UDP, IPv6 addresses refused as by AF_INET,
 * TCP Fast Open, and a translated socket whose connect failed outliving
 * two sweeps of the supervisor's socket table.  With "nodump" it makes
 * itself non-dumpable first and checks only local sockets (run it so as
 * an unprivileged user). */
#include "progs.h"

#include <sys/epoll.h>
#include <sys/prctl.h>

static const char *addr;
static unsigned echo_port, udp_port, local_port;
/* Under tnat64-seccomp: translated sockets are really AF_INET6 ones. */
static bool supervised;

static bool is_v4(const struct sockaddr_in *s, const char *want, unsigned port)
{
	struct in_addr a;

	inet_pton(AF_INET, want, &a);
	return s->sin_family == AF_INET && s->sin_addr.s_addr == a.s_addr &&
	       (port == 0 || ntohs(s->sin_port) == port);
}

/* Wait (as a hang guard only) until fd has one of events. */
static bool wait_fd(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, ms) == 1;
}

static int so_domain(int fd)
{
	int v = -1;
	socklen_t l = sizeof v;

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) < 0)
		return -errno;
	return l == sizeof v ? v : -1000 - (int)l;
}

static int int_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof v;

	if (getsockopt(fd, level, name, &v, &l) < 0)
		return -1;
	return v;
}

static void check_domain(const char *pfx, const char *what, int fd)
{
	char n[128];
	int d = so_domain(fd);

	snprintf(n, sizeof n, "%s/%s", pfx, what);
	check(n, d == AF_INET, "SO_DOMAIN %d%s", d,
	      d == AF_INET6 ? " (AF_INET6: the translation shows)" : "");
}

/* A socket that the kernel itself takes for AF_INET: IPv6-level options
 * are unknown to it (a translated one, AF_INET6 underneath, would
 * answer). */
static void check_real_inet(const char *pfx, int fd)
{
	char n[128];
	int v = -1;
	socklen_t l = sizeof v;
	int r = getsockopt(fd, SOL_IPV6, IPV6_TCLASS, &v, &l);

	snprintf(n, sizeof n, "%s/really-af-inet", pfx);
	check(n, r < 0 && (errno == ENOPROTOOPT || errno == EOPNOTSUPP),
	      "IPV6_TCLASS answered (r=%d v=%d): still an AF_INET6 socket",
	      r, v);
}

/* getsockname: AF_INET, want_addr (NULL: any), port want_port (0: any
 * nonzero, -1: exactly 0).  Returns the port or 0. */
static unsigned check_sockname(const char *pfx, const char *what, int fd,
			       const char *want_addr, int want_port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s = (struct sockaddr_in *)&ss;
	socklen_t l = sizeof ss;
	char n[128], b[128];
	unsigned port;
	bool ok;

	snprintf(n, sizeof n, "%s/%s", pfx, what);
	memset(&ss, 0, sizeof ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &l) < 0) {
		fail(n, "getsockname: %s", strerror(errno));
		return 0;
	}
	port = ntohs(s->sin_port);
	ok = l == sizeof(struct sockaddr_in) && s->sin_family == AF_INET &&
	     (!want_addr || is_v4(s, want_addr, 0));
	if (want_port < 0)
		ok = ok && port == 0;
	else if (want_port == 0)
		ok = ok && port != 0;
	else
		ok = ok && port == (unsigned)want_port;
	check(n, ok, "%s", fmt_sa(&ss, sizeof ss, l, b, sizeof b));
	return ok ? port : 0;
}

/* ---------------------------------------------------------- SO_DOMAIN */

struct optres {
	int r, err;
	socklen_t len;
	unsigned char buf[8];
};

/* getsockopt(SO_DOMAIN) with optlen ulen into a buffer of 0xa5. */
static struct optres domain_raw(int fd, int ulen, bool null_len)
{
	struct optres o;
	socklen_t l = (socklen_t)ulen;

	memset(&o, 0, sizeof o);
	memset(o.buf, 0xa5, sizeof o.buf);
	errno = 0;
	o.r = getsockopt(fd, SOL_SOCKET, SO_DOMAIN, o.buf,
			 null_len ? NULL : &l);
	o.err = o.r < 0 ? errno : 0;
	o.len = l;
	return o;
}

/* The kernel's optlen rules (sk_getsockopt): a negative length is
 * EINVAL, a bad length pointer EFAULT, else min(optlen, sizeof(int))
 * bytes are copied and that length reported.  The same call on an
 * AF_UNIX socket (answered by the kernel) is the reference; only the
 * value differs.  Asked of a translated socket (the supervisor answers
 * for it). */
static void so_domain_optlen(void)
{
	static const struct {
		const char *name;
		int ulen;
		bool null_len;
	} cases[] = {
		{ "exact", 4, false },
		{ "long", 8, false },
		{ "short", 2, false },
		{ "zero", 0, false },
		{ "negative", -1, false },
		{ "null-optlen", 4, true },
	};
	int fd = tcp_connect4(addr, echo_port);
	int u = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || u < 0) {
		fail("xlat/so-domain-optlen", "connect: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct optres s = domain_raw(fd, cases[i].ulen,
					     cases[i].null_len);
		struct optres k = domain_raw(u, cases[i].ulen,
					     cases[i].null_len);
		int want = AF_INET;
		unsigned char exp[8];
		char n[96];

		snprintf(n, sizeof n, "xlat/so-domain-optlen/%s",
			 cases[i].name);
		/* What the supervisor must have written: the reference's
		 * bytes, with AF_INET in place of AF_UNIX. */
		memcpy(exp, k.buf, sizeof exp);
		if (k.r == 0 && k.len > 0)
			memcpy(exp, &want, k.len < sizeof want ? k.len
							       : sizeof want);
		check(n, s.r == k.r && s.err == k.err && s.len == k.len &&
		      !memcmp(s.buf, exp, sizeof exp),
		      "r=%d errno=%d len=%u byte0=%#x, kernel: r=%d errno=%d "
		      "len=%u", s.r, s.err, (unsigned)s.len, s.buf[0], k.r,
		      k.err, (unsigned)k.len);
	}
	close(u);
	close(fd);
}

/* ---------------------------------------------------------- fresh */

static void fresh(void)
{
	int t = socket(AF_INET, SOCK_STREAM, 0);
	int u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	int d, a, b, c;

	if (t < 0 || u < 0) {
		fail("xlat/socket", "%s", strerror(errno));
		return;
	}
	pass("xlat/socket");
	check_domain("xlat", "so-domain-tcp", t);
	check_domain("xlat", "so-domain-udp", u);
	check("xlat/so-type-protocol",
	      int_opt(t, SOL_SOCKET, SO_TYPE) == SOCK_STREAM &&
	      int_opt(t, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_TCP &&
	      int_opt(u, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM &&
	      int_opt(u, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_UDP,
	      "TCP %d/%d UDP %d/%d", int_opt(t, SOL_SOCKET, SO_TYPE),
	      int_opt(t, SOL_SOCKET, SO_PROTOCOL),
	      int_opt(u, SOL_SOCKET, SO_TYPE),
	      int_opt(u, SOL_SOCKET, SO_PROTOCOL));
	/* The same socket under another number (remembered by inode). */
	d = dup(t);
	check_domain("xlat", "so-domain-dup", d);
	close(d);

	/* Unbound, unconnected: 0.0.0.0 port 0, as an AF_INET socket. */
	check_sockname("xlat", "getsockname-fresh-tcp", t, "0.0.0.0", -1);
	check_sockname("xlat", "getsockname-fresh-udp", u, "0.0.0.0", -1);
	{
		char small[4];
		socklen_t l = sizeof small;

		memset(small, 0x5a, sizeof small);
		check("xlat/getsockname-fresh-short",
		      getsockname(t, (struct sockaddr *)small, &l) == 0 &&
		      l == sizeof(struct sockaddr_in) && small[0] == AF_INET &&
		      small[1] == 0 && small[2] == 0 && small[3] == 0,
		      "len %u family byte %d", (unsigned)l, small[0]);
	}
	{
		struct sockaddr_in p;
		socklen_t l = sizeof p;
		int r = getpeername(t, (struct sockaddr *)&p, &l);

		check("xlat/getpeername-fresh", r < 0 && errno == ENOTCONN,
		      "r=%d %s", r, strerror(errno));
	}

	/* The socket is the call's result: lowest free number, flags as
	 * asked. */
	a = socket(AF_INET, SOCK_STREAM, 0);
	b = socket(AF_INET, SOCK_DGRAM, 0);
	close(a);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	check("xlat/lowest-fd", c == a, "got fd %d, %d was free", c, a);
	check("xlat/flags-nonblock-cloexec",
	      (fcntl(c, F_GETFL) & O_NONBLOCK) &&
	      (fcntl(c, F_GETFD) & FD_CLOEXEC), "flags %#x fd flags %#x",
	      fcntl(c, F_GETFL), fcntl(c, F_GETFD));
	check("xlat/flags-default",
	      !(fcntl(b, F_GETFL) & O_NONBLOCK) &&
	      !(fcntl(b, F_GETFD) & FD_CLOEXEC), "flags %#x fd flags %#x",
	      fcntl(b, F_GETFL), fcntl(b, F_GETFD));
	close(b);
	close(c);
	close(t);
	close(u);
}

/* ---------------------------------------------------------- epoll */

/* A non-blocking connect, then the socket registered with epoll (as Go,
 * libuv, tokio and asyncio do): the registration is made on the socket
 * the connect left in the program (replaced by then), so the events
 * arrive.  (A registration made before a translated connect stays with
 * the replaced socket: doc/seccomp.md, Limits.) */
static void epoll_after_connect(void)
{
	const char *pfx = "xlat/epoll-after-connect";
	struct sockaddr_in sa = sin4(addr, echo_port), p;
	struct epoll_event ev = { .events = EPOLLOUT }, got[4];
	struct greeting g;
	char err[256], b[128];
	socklen_t l = sizeof p;
	int fd, ep, r, n, e = -1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (fd < 0 || ep < 0) {
		fail(pfx, "setup: %s", strerror(errno));
		goto out;
	}
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	if (r == 0) {
		pass("xlat/epoll-after-connect/connect");
	} else {
		check("xlat/epoll-after-connect/connect",
		      errno == EINPROGRESS, "r=%d %s", r, strerror(errno));
		if (errno != EINPROGRESS)
			goto out;
	}
	ev.data.fd = fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		fail(pfx, "epoll_ctl: %s", strerror(errno));
		goto out;
	}
	/* 10 s: a hang guard, not a measure. */
	n = epoll_wait(ep, got, 4, 10000);
	if (n != 1 || got[0].data.fd != fd || !(got[0].events & EPOLLOUT)) {
		fail("xlat/epoll-after-connect/epollout",
		     "epoll_wait %d events %#x (%s)", n,
		     n > 0 ? got[0].events : 0, n < 0 ? strerror(errno)
						     : "nothing");
		goto out;
	}
	pass("xlat/epoll-after-connect/epollout");
	l = sizeof e;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l);
	check("xlat/epoll-after-connect/so-error", e == 0, "SO_ERROR %d %s",
	      e, e > 0 ? strerror(e) : "");
	l = sizeof p;
	memset(&p, 0, sizeof p);
	check("xlat/epoll-after-connect/getpeername",
	      getpeername(fd, (struct sockaddr *)&p, &l) == 0 &&
	      l == sizeof p && is_v4(&p, addr, echo_port), "%s",
	      FMT_SA(p, l, b));
	check_domain(pfx, "so-domain", fd);
	if (read_greeting(fd, &g, err, sizeof err) < 0 ||
	    echo_roundtrip(fd, "epoll\n", err, sizeof err) < 0)
		fail("xlat/epoll-after-connect/echo", "%s", err);
	else
		pass("xlat/epoll-after-connect/echo");
	/* The echo came back: epoll still watches the right socket. */
	ev.events = EPOLLIN;
	epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
	if (write_all(fd, "again\n", 6) < 0) {
		fail("xlat/epoll-after-connect/epollin", "write: %s",
		     strerror(errno));
	} else {
		n = epoll_wait(ep, got, 4, 10000);
		check("xlat/epoll-after-connect/epollin",
		      n == 1 && (got[0].events & EPOLLIN), "epoll_wait %d", n);
	}
out:
	if (ep >= 0)
		close(ep);
	if (fd >= 0)
		close(fd);
}

/* ---------------------------------------------------------- IP_TOS */

/* IP_TOS and IP_TTL on a TCP socket before a translated connect: carried
 * to the AF_INET6 socket that replaces it (its IPv4 options, for
 * readback) and mirrored to the IPv6 level, which is what the NAT64 path
 * uses: the server sees the TOS. */
static void tos_before_connect(const char *pfx, bool one_byte)
{
	struct sockaddr_in sa = sin4(addr, echo_port);
	struct greeting g;
	char err[256], n[128];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int tos = one_byte ? 0x20 : 0x10, ttl = 33, r;
	unsigned char tos8 = (unsigned char)tos;

	set_timeouts(fd, 10);
	snprintf(n, sizeof n, "%s/setsockopt", pfx);
	if (one_byte)
		r = setsockopt(fd, SOL_IP, IP_TOS, &tos8, 1);
	else
		r = setsockopt(fd, SOL_IP, IP_TOS, &tos, sizeof tos);
	check(n, r == 0, "IP_TOS: %s", strerror(errno));
	snprintf(n, sizeof n, "%s/getsockopt", pfx);
	check(n, int_opt(fd, SOL_IP, IP_TOS) == tos, "IP_TOS %#x",
	      int_opt(fd, SOL_IP, IP_TOS));
	if (!one_byte) {
		snprintf(n, sizeof n, "%s/ttl", pfx);
		r = setsockopt(fd, SOL_IP, IP_TTL, &ttl, sizeof ttl);
		check(n, r == 0 && int_opt(fd, SOL_IP, IP_TTL) == ttl,
		      "r=%d IP_TTL %d", r, int_opt(fd, SOL_IP, IP_TTL));
	}
	check_domain(pfx, "so-domain-before-connect", fd);
	snprintf(n, sizeof n, "%s/connect", pfx);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail(n, "%s", strerror(errno));
		close(fd);
		return;
	}
	pass(n);
	check_domain(pfx, "so-domain-after-connect", fd);
	snprintf(n, sizeof n, "%s/getsockopt-after-connect", pfx);
	check(n, int_opt(fd, SOL_IP, IP_TOS) == tos, "IP_TOS %#x",
	      int_opt(fd, SOL_IP, IP_TOS));
	if (supervised) {
		/* AF_INET6 underneath now: the mirrored options are
		 * readable there. */
		snprintf(n, sizeof n, "%s/tclass", pfx);
		check(n, int_opt(fd, SOL_IPV6, IPV6_TCLASS) == tos,
		      "IPV6_TCLASS %#x", int_opt(fd, SOL_IPV6, IPV6_TCLASS));
		if (!one_byte) {
			int h = int_opt(fd, SOL_IPV6, IPV6_UNICAST_HOPS);

			snprintf(n, sizeof n, "%s/hops", pfx);
			check(n, h == ttl, "IPV6_UNICAST_HOPS %d", h);
			snprintf(n, sizeof n, "%s/ttl-after-connect", pfx);
			check(n, int_opt(fd, SOL_IP, IP_TTL) == ttl,
			      "IP_TTL %d", int_opt(fd, SOL_IP, IP_TTL));
		}
	}
	snprintf(n, sizeof n, "%s/echo", pfx);
	if (read_greeting(fd, &g, err, sizeof err) < 0 ||
	    echo_roundtrip(fd, "tos\n", err, sizeof err) < 0) {
		fail(n, "%s", err);
		close(fd);
		return;
	}
	pass(n);
	/* What the server saw: the IPv6 traffic class, copied to the IPv4
	 * TOS by the NAT64 (ECN bits aside). */
	snprintf(n, sizeof n, "%s/on-wire", pfx);
	if (g.tos < 0)
		skip(n, "server cannot see the TOS");
	else
		check(n, (g.tos & 0xfc) == tos, "server saw TOS %#x, want %#x",
		      g.tos, tos);
	close(fd);
}

/* setsockopt(IP_TTL, 0) is refused by the kernel (EINVAL) and must
 * change nothing: not the IPv6 hop limit either, or the translated
 * traffic would leave with hop limit 0 and die at the first router. */
static void ttl_invalid(void)
{
	struct sockaddr_in sa = sin4(addr, echo_port);
	struct greeting g;
	char err[256];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int ref = socket(AF_INET, SOCK_STREAM, 0), zero = 0, r;

	set_timeouts(fd, 10);
	r = setsockopt(fd, SOL_IP, IP_TTL, &zero, sizeof zero);
	check("xlat/ttl-invalid/einval", r < 0 && errno == EINVAL,
	      "r=%d %s", r, strerror(errno));
	check("xlat/ttl-invalid/ttl-unchanged",
	      int_opt(fd, SOL_IP, IP_TTL) == int_opt(ref, SOL_IP, IP_TTL),
	      "IP_TTL %d, fresh socket %d", int_opt(fd, SOL_IP, IP_TTL),
	      int_opt(ref, SOL_IP, IP_TTL));
	close(ref);
	/* SO_SNDTIMEO (10 s) bounds the connect: a hang guard. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail("xlat/ttl-invalid/connect", "%s", strerror(errno));
		close(fd);
		return;
	}
	pass("xlat/ttl-invalid/connect");
	if (supervised) {
		/* Translated: its hop limit is a fresh AF_INET6 socket's. */
		int ref6 = socket(AF_INET6, SOCK_STREAM, 0);

		check("xlat/ttl-invalid/hops-unchanged",
		      int_opt(fd, SOL_IPV6, IPV6_UNICAST_HOPS) ==
		      int_opt(ref6, SOL_IPV6, IPV6_UNICAST_HOPS),
		      "IPV6_UNICAST_HOPS %d, fresh AF_INET6 socket %d",
		      int_opt(fd, SOL_IPV6, IPV6_UNICAST_HOPS),
		      int_opt(ref6, SOL_IPV6, IPV6_UNICAST_HOPS));
		close(ref6);
	}
	if (read_greeting(fd, &g, err, sizeof err) < 0 ||
	    echo_roundtrip(fd, "ttl\n", err, sizeof err) < 0)
		fail("xlat/ttl-invalid/echo", "%s", err);
	else
		pass("xlat/ttl-invalid/echo");
	close(fd);
}

/* ---------------------------------------------------------- UDP */

/* sendto ADDR:UDPPORT, recvfrom: the reply comes from there, shown as
 * AF_INET.  A few tries (UDP); the waits are hang guards. */
static void udp_echo(const char *pfx, int fd, const char *msg)
{
	struct sockaddr_in sa = sin4(addr, udp_port), from;
	size_t len = strlen(msg);
	char buf[256], b[128], n[128];
	socklen_t l;
	ssize_t r;

	for (int i = 0; i < 3; i++) {
		/* A resend that fails is the reply's failure. */
		snprintf(n, sizeof n, "%s/%s", pfx, i ? "recvfrom" : "sendto");
		r = sendto(fd, msg, len, 0, (struct sockaddr *)&sa, sizeof sa);
		if (r != (ssize_t)len) {
			fail(n, "r=%zd %s", r, strerror(errno));
			return;
		}
		if (i == 0)
			pass(n);
		if (!wait_fd(fd, POLLIN, 5000))
			continue;
		snprintf(n, sizeof n, "%s/recvfrom", pfx);
		l = sizeof from;
		memset(&from, 0, sizeof from);
		r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from,
			     &l);
		check(n, r == (ssize_t)len && !memcmp(buf, msg, len) &&
		      l == sizeof from && is_v4(&from, addr, udp_port),
		      "r=%zd %s", r, fmt_sa(&from, sizeof from, l, b,
					    sizeof b));
		return;
	}
	snprintf(n, sizeof n, "%s/recvfrom", pfx);
	fail(n, "no reply");
}

/* A UDP socket given an IPv4-only option (a real AF_INET socket until
 * then); sending to a NAT64 destination then still works and the option
 * is still there. */
static void udp_v4_option(const char *pfx, int level, int name, int val)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char n[128];

	snprintf(n, sizeof n, "%s/setsockopt", pfx);
	if (setsockopt(fd, level, name, &val, sizeof val) < 0) {
		fail(n, "%s", strerror(errno));
		close(fd);
		return;
	}
	pass(n);
	snprintf(n, sizeof n, "%s/getsockopt", pfx);
	check(n, int_opt(fd, level, name) == val, "value %d, want %d",
	      int_opt(fd, level, name), val);
	check_domain(pfx, "so-domain", fd);
	check_real_inet(pfx, fd);
	udp_echo(pfx, fd, "v4opt");
	check_domain(pfx, "so-domain-after-send", fd);
	/* Whatever the socket became to reach the NAT64 destination, the
	 * option is still there (IPv4 destinations can still follow). */
	snprintf(n, sizeof n, "%s/getsockopt-after-send", pfx);
	check(n, int_opt(fd, level, name) == val, "value %d, want %d",
	      int_opt(fd, level, name), val);
	check_sockname(pfx, "getsockname-after-send", fd, "0.0.0.0", 0);
	close(fd);
}

/* bind(0.0.0.0:0) first (a common UDP client habit), then send to a
 * NAT64 destination: works, the port chosen at bind is kept. */
static void udp_bound_first(void)
{
	const char *pfx = "xlat/udp-bound";
	struct sockaddr_in any = sin4("0.0.0.0", 0);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	unsigned port;

	if (bind(fd, (struct sockaddr *)&any, sizeof any) < 0) {
		fail("xlat/udp-bound/bind", "%s", strerror(errno));
		close(fd);
		return;
	}
	pass("xlat/udp-bound/bind");
	check_domain(pfx, "so-domain", fd);
	port = check_sockname(pfx, "getsockname", fd, "0.0.0.0", 0);
	udp_echo(pfx, fd, "bound");
	if (port)
		check_sockname(pfx, "port-kept", fd, "0.0.0.0", (int)port);
	check_domain(pfx, "so-domain-after-send", fd);
	close(fd);
}

/* The flags a program gave its UDP socket are still the socket's after a
 * send to a NAT64 destination made it an IPv6 one (status flags, and the
 * descriptor's close-on-exec flag, which only /proc/PID/fdinfo tells the
 * supervisor). */
static void udp_flags_kept(const char *pfx, int flags)
{
	int fd = socket(AF_INET, SOCK_DGRAM | flags, 0);
	int fl, fdfl;
	char n[128];

	udp_echo(pfx, fd, "flags");
	fl = fcntl(fd, F_GETFL);
	fdfl = fcntl(fd, F_GETFD);
	snprintf(n, sizeof n, "%s/flags-kept", pfx);
	check(n, fl >= 0 && fdfl >= 0 &&
	      !(fl & O_NONBLOCK) == !(flags & SOCK_NONBLOCK) &&
	      !(fdfl & FD_CLOEXEC) == !(flags & SOCK_CLOEXEC),
	      "flags %#x fd flags %#x, socket made with %#x", fl, fdfl, flags);
	check_domain(pfx, "so-domain-after-send", fd);
	close(fd);
}

/* recvfrom on a translated UDP socket with a reply waiting and a length
 * pointer the kernel would refuse: EFAULT for a bad pointer, EINVAL for a
 * negative length, as natively (the supervisor reads the length before
 * it looks at the socket); then the socket still works. */
static void udp_recvfrom_bad_len(void)
{
	const char *pfx = "xlat/udp-recvfrom-bad-len";
	struct sockaddr_in sa = sin4(addr, udp_port), from;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t neg = (socklen_t)-1;
	char buf[64];
	ssize_t r;
	int e;

	udp_echo(pfx, fd, "first");
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof sa) != 1 ||
	    !wait_fd(fd, POLLIN, 5000)) {
		fail("xlat/udp-recvfrom-bad-len/reply", "no reply to wait");
		close(fd);
		return;
	}
	r = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT,
		     (struct sockaddr *)&from, (socklen_t *)8);
	e = errno;
	check("xlat/udp-recvfrom-bad-len/efault", r < 0 && e == EFAULT,
	      "r=%zd %s", r, strerror(e));
	r = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT,
		     (struct sockaddr *)&from, &neg);
	e = errno;
	check("xlat/udp-recvfrom-bad-len/einval", r < 0 && e == EINVAL,
	      "r=%zd %s", r, strerror(e));
	/* natively those consumed the reply; whatever is left goes */
	while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
		;
	udp_echo("xlat/udp-recvfrom-bad-len/after", fd, "after");
	close(fd);
}

/* ---------------------------------------------------------- servers */

/* A local client connects to 127.0.0.1:port of the listener ls (both
 * left alone by the supervisor); accept() must give an AF_INET peer,
 * data must flow. */
static void local_client(const char *pfx, int ls, unsigned port)
{
	struct sockaddr_in sa = sin4("127.0.0.1", port), peer, me;
	socklen_t l;
	char n[128], b[128], buf[8];
	int c, s = -1;

	c = socket(AF_INET, SOCK_STREAM, 0);
	set_timeouts(c, 10);
	snprintf(n, sizeof n, "%s/client-connect", pfx);
	if (connect(c, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail(n, "127.0.0.1:%u: %s", port, strerror(errno));
		close(c);
		return;
	}
	pass(n);
	l = sizeof peer;
	memset(&peer, 0, sizeof peer);
	snprintf(n, sizeof n, "%s/client-getpeername", pfx);
	check(n, getpeername(c, (struct sockaddr *)&peer, &l) == 0 &&
	      l == sizeof peer && is_v4(&peer, "127.0.0.1", port), "%s",
	      FMT_SA(peer, l, b));
	l = sizeof me;
	memset(&me, 0, sizeof me);
	snprintf(n, sizeof n, "%s/client-getsockname", pfx);
	check(n, getsockname(c, (struct sockaddr *)&me, &l) == 0 &&
	      l == sizeof me && is_v4(&me, "127.0.0.1", 0) && me.sin_port,
	      "%s", FMT_SA(me, l, b));

	snprintf(n, sizeof n, "%s/accept", pfx);
	if (!wait_fd(ls, POLLIN, 10000)) {
		fail(n, "no connection to accept");
		close(c);
		return;
	}
	l = sizeof peer;
	memset(&peer, 0, sizeof peer);
	s = accept(ls, (struct sockaddr *)&peer, &l);
	if (s < 0) {
		fail(n, "%s", strerror(errno));
		close(c);
		return;
	}
	/* The peer is the client as seen by an AF_INET listener: its own
	 * getsockname must agree. */
	check(n, l == sizeof peer && is_v4(&peer, "127.0.0.1", 0) &&
	      peer.sin_port == me.sin_port, "%s (client says port %u)",
	      FMT_SA(peer, l, b), ntohs(me.sin_port));
	check_domain(pfx, "accepted-so-domain", s);
	set_timeouts(s, 10);
	snprintf(n, sizeof n, "%s/data", pfx);
	if (fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK) < 0 ||
	    write_all(c, "ping", 4) < 0 || read_all(s, buf, 4) < 0 ||
	    memcmp(buf, "ping", 4) || write_all(s, "pong", 4) < 0 ||
	    read_all(c, buf, 4) < 0 || memcmp(buf, "pong", 4))
		fail(n, "%s", errno ? strerror(errno) : "EOF or wrong data");
	else
		pass(n);
	close(s);
	close(c);
}

/* socket(AF_INET) + options + bind + listen: a server is the AF_INET
 * socket asked for, with its options and flags. */
static void server(const char *pfx, const char *bind_addr, unsigned port,
		   int flags)
{
	struct sockaddr_in sa = sin4(bind_addr, port);
	struct timeval tv = { .tv_sec = 7, .tv_usec = 0 }, tg;
	socklen_t tl = sizeof tg;
	int one = 1, tos = 0x28;
	int ls = socket(AF_INET, SOCK_STREAM | flags, 0);
	char n[128];

	snprintf(n, sizeof n, "%s/setsockopt", pfx);
	if (setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    setsockopt(ls, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0 ||
	    setsockopt(ls, SOL_TCP, TCP_NODELAY, &one, sizeof one) < 0 ||
	    setsockopt(ls, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt(ls, SOL_IP, IP_TOS, &tos, sizeof tos) < 0) {
		fail(n, "%s", strerror(errno));
		close(ls);
		return;
	}
	pass(n);
	snprintf(n, sizeof n, "%s/bind", pfx);
	if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail(n, "%s:%u: %s", bind_addr, port, strerror(errno));
		close(ls);
		return;
	}
	pass(n);
	snprintf(n, sizeof n, "%s/reuseaddr-kept", pfx);
	check(n, int_opt(ls, SOL_SOCKET, SO_REUSEADDR) == 1, "SO_REUSEADDR %d",
	      int_opt(ls, SOL_SOCKET, SO_REUSEADDR));
	memset(&tg, 0, sizeof tg);
	getsockopt(ls, SOL_SOCKET, SO_RCVTIMEO, &tg, &tl);
	snprintf(n, sizeof n, "%s/options-kept", pfx);
	check(n, int_opt(ls, SOL_SOCKET, SO_KEEPALIVE) == 1 &&
	      int_opt(ls, SOL_TCP, TCP_NODELAY) == 1 &&
	      int_opt(ls, SOL_IP, IP_TOS) == tos && tg.tv_sec == tv.tv_sec,
	      "SO_KEEPALIVE %d TCP_NODELAY %d IP_TOS %#x SO_RCVTIMEO %ld",
	      int_opt(ls, SOL_SOCKET, SO_KEEPALIVE),
	      int_opt(ls, SOL_TCP, TCP_NODELAY), int_opt(ls, SOL_IP, IP_TOS),
	      (long)tg.tv_sec);
	snprintf(n, sizeof n, "%s/flags-kept", pfx);
	check(n, !!(fcntl(ls, F_GETFL) & O_NONBLOCK) ==
	      !!(flags & SOCK_NONBLOCK) &&
	      !!(fcntl(ls, F_GETFD) & FD_CLOEXEC) == !!(flags & SOCK_CLOEXEC),
	      "flags %#x fd flags %#x", fcntl(ls, F_GETFL),
	      fcntl(ls, F_GETFD));
	check_domain(pfx, "so-domain", ls);
	check_real_inet(pfx, ls);
	check_sockname(pfx, "getsockname", ls, bind_addr, (int)port);
	snprintf(n, sizeof n, "%s/listen", pfx);
	if (listen(ls, 8) < 0) {
		fail(n, "%s", strerror(errno));
		close(ls);
		return;
	}
	pass(n);
	check_sockname(pfx, "getsockname-listening", ls, bind_addr, (int)port);
	local_client(pfx, ls, port);
	close(ls);
}

/* listen() without bind: the kernel picks a port (autobind) of the
 * AF_INET socket asked for. */
static void autobind(const char *pfx)
{
	char n[128];
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port;

	snprintf(n, sizeof n, "%s/listen", pfx);
	if (listen(ls, 8) < 0) {
		fail(n, "%s", strerror(errno));
		close(ls);
		return;
	}
	pass(n);
	check_domain(pfx, "so-domain", ls);
	port = check_sockname(pfx, "getsockname", ls, "0.0.0.0", 0);
	if (port)
		local_client(pfx, ls, port);
	close(ls);
}

/* UDP between two sockets on 127.0.0.1 (neither translated): each side
 * sees the other as AF_INET 127.0.0.1 with the port it reports
 * itself. */
static void udp_local(void)
{
	struct sockaddr_in sa = sin4("127.0.0.1", 0), from, me;
	socklen_t l = sizeof sa;
	char buf[16], b[128];
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	int c = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t r;

	if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &l) < 0) {
		fail("xlat/udp-local/bind", "%s", strerror(errno));
		goto out;
	}
	pass("xlat/udp-local/bind");
	/* Loopback does not lose datagrams: no retries needed. */
	r = sendto(c, "hi", 2, 0, (struct sockaddr *)&sa, sizeof sa);
	check("xlat/udp-local/sendto", r == 2, "r=%zd %s", r,
	      strerror(errno));
	l = sizeof me;
	memset(&me, 0, sizeof me);
	check("xlat/udp-local/client-getsockname",
	      getsockname(c, (struct sockaddr *)&me, &l) == 0 &&
	      l == sizeof me && me.sin_family == AF_INET && me.sin_port,
	      "%s", FMT_SA(me, l, b));
	l = sizeof from;
	memset(&from, 0, sizeof from);
	r = wait_fd(s, POLLIN, 10000) ?
	    recvfrom(s, buf, sizeof buf, MSG_DONTWAIT,
		     (struct sockaddr *)&from, &l) : -1;
	check("xlat/udp-local/server-recvfrom",
	      r == 2 && l == sizeof from &&
	      is_v4(&from, "127.0.0.1", ntohs(me.sin_port)), "r=%zd %s", r,
	      FMT_SA(from, l, b));
	if (r != 2)
		goto out;
	r = sendto(s, "ho", 2, 0, (struct sockaddr *)&from, l);
	check("xlat/udp-local/server-sendto", r == 2, "r=%zd %s", r,
	      strerror(errno));
	l = sizeof from;
	memset(&from, 0, sizeof from);
	r = wait_fd(c, POLLIN, 10000) ?
	    recvfrom(c, buf, sizeof buf, MSG_DONTWAIT,
		     (struct sockaddr *)&from, &l) : -1;
	check("xlat/udp-local/client-recvfrom",
	      r == 2 && !memcmp(buf, "ho", 2) && l == sizeof from &&
	      is_v4(&from, "127.0.0.1", ntohs(sa.sin_port)), "r=%zd %s", r,
	      FMT_SA(from, l, b));
out:
	close(c);
	close(s);
}

/* An IPv6 address given to an AF_INET socket: the kernel says
 * EAFNOSUPPORT (tcp_v4_connect, udp_sendmsg); a translated one, an
 * AF_INET6 socket underneath, must not go and use it either. */
static void wrong_family(void)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in sa = sin4(addr, udp_port);
	int t = socket(AF_INET, SOCK_STREAM, 0);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	int r;
	ssize_t n;

	memset(&s6, 0, sizeof s6);
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons((uint16_t)local_port);
	s6.sin6_addr = in6addr_loopback;
	r = connect(t, (struct sockaddr *)&s6, sizeof s6);
	check("xlat/wrong-family/connect", r < 0 && errno == EAFNOSUPPORT,
	      "r=%d %s", r, r < 0 ? strerror(errno) : "connected");
	n = sendto(u, "x", 1, 0, (struct sockaddr *)&s6, sizeof s6);
	check("xlat/wrong-family/sendto", n < 0 && errno == EAFNOSUPPORT,
	      "r=%zd %s", n, n < 0 ? strerror(errno) : "sent");
	/* Translated by a first datagram to a NAT64 destination. */
	if (sendto(u, "x", 1, 0, (struct sockaddr *)&sa, sizeof sa) != 1) {
		fail("xlat/wrong-family/translated", "sendto: %s",
		     strerror(errno));
	} else {
		n = sendto(u, "x", 1, 0, (struct sockaddr *)&s6, sizeof s6);
		check("xlat/wrong-family/translated-sendto",
		      n < 0 && errno == EAFNOSUPPORT, "r=%zd %s", n,
		      n < 0 ? strerror(errno) : "sent");
		r = connect(u, (struct sockaddr *)&s6, sizeof s6);
		check("xlat/wrong-family/translated-connect",
		      r < 0 && errno == EAFNOSUPPORT, "r=%d %s", r,
		      r < 0 ? strerror(errno) : "connected");
	}
	close(u);
	close(t);
}

/* ---------------------------------------------------------- Fast Open */

static int tfo_sysctl(void)
{
	char b[16] = "";
	int fd = open("/proc/sys/net/ipv4/tcp_fastopen", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof b - 1);
	close(fd);
	return n > 0 ? atoi(b) : -1;
}

/* sendto(MSG_FASTOPEN) to a NAT64 destination on an AF_INET socket
 * connects like connect() (replaced first): data arrives, names are
 * IPv4.  When client TFO is off
 * the kernel says EOPNOTSUPP, and so must we. */
static void fastopen(const char *pfx)
{
	static const char msg[] = "fast open\n";
	struct sockaddr_in sa = sin4(addr, echo_port), p;
	socklen_t l = sizeof p;
	struct greeting g;
	char back[sizeof msg], err[256], b[128], n[128];
	int fd = socket(AF_INET, SOCK_STREAM, 0), sys = tfo_sysctl();
	ssize_t r;

	set_timeouts(fd, 10);
	snprintf(n, sizeof n, "%s/sendto", pfx);
	r = sendto(fd, msg, sizeof msg - 1, MSG_FASTOPEN,
		   (struct sockaddr *)&sa, sizeof sa);
	if (r < 0 && errno == EOPNOTSUPP) {
		check(n, sys >= 0 && !(sys & 1),
		      "EOPNOTSUPP with net.ipv4.tcp_fastopen=%d", sys);
		close(fd);
		return;
	}
	if (r != (ssize_t)(sizeof msg - 1)) {
		fail(n, "r=%zd %s (net.ipv4.tcp_fastopen=%d)", r,
		     strerror(errno), sys);
		close(fd);
		return;
	}
	pass(n);
	check_domain(pfx, "so-domain", fd);
	memset(&p, 0, sizeof p);
	snprintf(n, sizeof n, "%s/getpeername", pfx);
	check(n, getpeername(fd, (struct sockaddr *)&p, &l) == 0 &&
	      l == sizeof p && is_v4(&p, addr, echo_port), "%s",
	      FMT_SA(p, l, b));
	snprintf(n, sizeof n, "%s/echo", pfx);
	if (read_greeting(fd, &g, err, sizeof err) < 0)
		fail(n, "%s", err);
	else if (read_all(fd, back, sizeof msg - 1) < 0)
		fail(n, "reading the echo: %s",
		     errno ? strerror(errno) : "EOF");
	else
		check(n, !memcmp(back, msg, sizeof msg - 1), "echo differs");
	close(fd);
}

/* ---------------------------------------------------------- sweeps */

/* The supervisor forgets closed sockets by sweeping its table (a
 * NETLINK_SOCK_DIAG dump of open sockets) once it holds 8192 entries,
 * then at twice the live count.  A translated TCP socket whose connect
 * was refused is in no kernel table (unbound again), so it is not in the
 * dump either: it must survive any number of sweeps while the program
 * holds it, and a connect repeated on it still be translated.  Churn
 * enough short-lived translated sockets (a datagram each) for at least
 * two sweeps (entries made since the last sweep may be spared by the
 * first), then use the old one.  (No TCP listener on UDPPORT: refused.) */
#define CHURN 17000

static void survives_sweeps(void)
{
	const char *pfx = "xlat/sweep";
	struct sockaddr_in refused = sin4(addr, udp_port);
	struct sockaddr_in echo = sin4(addr, echo_port), p;
	struct sockaddr_in lo = sin4("127.0.0.1", 0);
	struct greeting g;
	char err[256], b[128];
	socklen_t l = sizeof p;
	int t = socket(AF_INET, SOCK_STREAM, 0);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int r = connect(t, (struct sockaddr *)&refused, sizeof refused);
	unsigned port;

	check("xlat/sweep/refused", r < 0 && errno == ECONNREFUSED, "r=%d %s",
	      r, r < 0 ? strerror(errno) : "connected");
	for (int i = 0; i < CHURN; i++) {
		int x = socket(AF_INET, SOCK_DGRAM, 0);

		if (x < 0 || sendto(x, "c", 1, MSG_DONTWAIT,
				    (struct sockaddr *)&refused,
				    sizeof refused) != 1) {
			fail("xlat/sweep/churn", "socket #%d: %s", i,
			     strerror(errno));
			if (x >= 0)
				close(x);
			break;
		}
		close(x);
	}
	/* Still ours: an AF_INET name, and the next connect translated. */
	check_domain(pfx, "so-domain", t);
	check_sockname(pfx, "getsockname", t, "0.0.0.0", 0);
	set_timeouts(t, 10);
	if (connect(t, (struct sockaddr *)&echo, sizeof echo) < 0) {
		fail("xlat/sweep/reconnect", "%s", strerror(errno));
	} else {
		pass("xlat/sweep/reconnect");
		memset(&p, 0, sizeof p);
		check("xlat/sweep/getpeername",
		      getpeername(t, (struct sockaddr *)&p, &l) == 0 &&
		      l == sizeof p && is_v4(&p, addr, echo_port), "%s",
		      FMT_SA(p, l, b));
		if (read_greeting(t, &g, err, sizeof err) < 0 ||
		    echo_roundtrip(t, "sweep\n", err, sizeof err) < 0)
			fail("xlat/sweep/echo", "%s", err);
		else
			pass("xlat/sweep/echo");
	}
	/* A server socket made early, bound late. */
	if (bind(s, (struct sockaddr *)&lo, sizeof lo) < 0) {
		fail("xlat/sweep/bind", "%s", strerror(errno));
	} else {
		pass("xlat/sweep/bind");
		check_real_inet(pfx, s);
		port = check_sockname(pfx, "bound-getsockname", s, "127.0.0.1",
				      0);
		if (port && listen(s, 4) == 0)
			local_client(pfx, s, port);
	}
	close(s);
	close(t);
}

/* ---------------------------------------------------------- not dumpable */

/* A process that made itself non-dumpable cannot be inspected by an
 * unprivileged supervisor (pidfd_getfd and process_vm_readv need ptrace
 * access): its calls run untranslated (doc/seccomp.md).  Its AF_INET
 * sockets must then be what it asked for, so that everything that does
 * not need NAT64 (here: local servers and clients) still works. */
static void not_dumpable(void)
{
	int fd;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		fail("xlat-nodump/prctl", "%s", strerror(errno));
		return;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	check_domain("xlat-nodump", "so-domain", fd);
	check_sockname("xlat-nodump", "getsockname-fresh", fd, "0.0.0.0",
		       -1);
	close(fd);
	server("xlat-nodump/server", "127.0.0.1", local_port + 2, 0);
	autobind("xlat-nodump/autobind");
}

int main(int argc, char **argv)
{
	if (argc != 5 && (argc != 6 || strcmp(argv[5], "nodump"))) {
		fprintf(stderr, "usage: %s ADDR ECHOPORT UDPPORT LOCALPORT "
			"[nodump]\n", argv[0]);
		return 2;
	}
	addr = argv[1];
	echo_port = (unsigned)progs_arg_num(argv[2], 65534);
	udp_port = (unsigned)progs_arg_num(argv[3], 65534);
	local_port = (unsigned)progs_arg_num(argv[4], 65534);
	supervised = getenv("TNAT64_SECCOMP_ACTIVE") != NULL;
	if (argc == 6) {
		not_dumpable();
		return progs_exit();
	}

	so_domain_optlen();
	fresh();
	/* First network use of the run: the decision cache is cold (direct
	 * IPv4 tried first) for a non-blocking connect. */
	epoll_after_connect();
	tos_before_connect("xlat/tos", false);
	tos_before_connect("xlat/tos-1byte", true);
	ttl_invalid();
	udp_v4_option("xlat/udp-v4opt-mcast-ttl", SOL_IP,
		      IP_MULTICAST_TTL, 5);
	udp_v4_option("xlat/udp-v4opt-pktinfo", SOL_IP, IP_PKTINFO, 1);
	udp_bound_first();
	udp_flags_kept("xlat/udp-flags-none", 0);
	udp_flags_kept("xlat/udp-flags-nonblock-cloexec",
		       SOCK_NONBLOCK | SOCK_CLOEXEC);
	udp_flags_kept("xlat/udp-flags-cloexec", SOCK_CLOEXEC);
	udp_recvfrom_bad_len();
	server("xlat/server-any", "0.0.0.0", local_port, 0);
	server("xlat/server-loopback", "127.0.0.1", local_port + 1,
	       SOCK_NONBLOCK | SOCK_CLOEXEC);
	autobind("xlat/autobind");
	udp_local();
	wrong_family();
	fastopen("xlat/fastopen");
	fastopen("xlat/fastopen-again");  /* with a cookie this time */
	survives_sweeps();
	return progs_exit();
}
