/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket behaviour under tnat64-seccomp (run it there; it also works
 * natively where IPv4 is reachable):
 *
 *   seccomp_basic ADDR ECHOPORT UDPPORT REFUSEDPORT
 *
 * ADDR:ECHOPORT is srv's TCP echo (greeting "PEER ..."), ADDR:UDPPORT a
 * UDP echo, REFUSEDPORT a TCP port nothing listens on.  Checks blocking
 * and non-blocking TCP connects, IPv4 names, FD_CLOEXEC and O_NONBLOCK
 * kept, a dup'ed descriptor, UDP unconnected (sendto/recvfrom,
 * sendmsg/recvmsg, sendmmsg/recvmmsg) and connected, AF_UNIX and local
 * IPv4 traffic left alone. */
#include "progs.h"

#include <sys/un.h>

static const char *addr;
static unsigned echo_port, udp_port, refused_port;

static bool is_v4(const struct sockaddr_in *s, const char *want, unsigned port)
{
	struct in_addr a;

	inet_pton(AF_INET, want, &a);
	return s->sin_family == AF_INET && s->sin_addr.s_addr == a.s_addr &&
	       (port == 0 || ntohs(s->sin_port) == port);
}

static void check_names(const char *name, int fd, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	char b[128], n[96];

	snprintf(n, sizeof n, "%s/getpeername", name);
	if (getpeername(fd, (struct sockaddr *)&ss, &l) < 0)
		fail(n, "%s", strerror(errno));
	else
		check(n, l == sizeof(struct sockaddr_in) &&
		      is_v4((struct sockaddr_in *)&ss, addr, port),
		      "%s", fmt_sa(&ss, sizeof ss, l, b, sizeof b));
	snprintf(n, sizeof n, "%s/getsockname", name);
	l = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &l) < 0)
		fail(n, "%s", strerror(errno));
	else
		check(n, l == sizeof(struct sockaddr_in) &&
		      ss.ss_family == AF_INET &&
		      ((struct sockaddr_in *)&ss)->sin_port != 0,
		      "%s", fmt_sa(&ss, sizeof ss, l, b, sizeof b));
	/* A short buffer gets the truncated address and the full length. */
	snprintf(n, sizeof n, "%s/getpeername-short", name);
	{
		char small[4];

		l = sizeof(small);
		if (getpeername(fd, (struct sockaddr *)small, &l) < 0)
			fail(n, "%s", strerror(errno));
		else
			check(n, l == sizeof(struct sockaddr_in) &&
			      small[0] == AF_INET && small[1] == 0,
			      "len %u", (unsigned)l);
	}
}

static void tcp_blocking(void)
{
	struct sockaddr_in sa = sin4(addr, echo_port);
	struct greeting g;
	char err[256];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), d;

	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail("tcp-blocking/connect", "%s", strerror(errno));
		close(fd);
		return;
	}
	pass("tcp-blocking/connect");
	check("tcp-blocking/cloexec-kept", fcntl(fd, F_GETFD) & FD_CLOEXEC,
	      "FD_CLOEXEC lost");
	check("tcp-blocking/still-blocking",
	      !(fcntl(fd, F_GETFL) & O_NONBLOCK), "O_NONBLOCK appeared");
	check_names("tcp-blocking", fd, echo_port);
	if (read_greeting(fd, &g, err, sizeof err) < 0 ||
	    echo_roundtrip(fd, "blocking\n", err, sizeof err) < 0)
		fail("tcp-blocking/echo", "%s", err);
	else
		pass("tcp-blocking/echo");
	/* Same socket under another number: still shown as IPv4. */
	d = dup(fd);
	{
		struct sockaddr_in p;
		socklen_t l = sizeof p;

		check("tcp-blocking/dup-getpeername",
		      getpeername(d, (struct sockaddr *)&p, &l) == 0 &&
		      is_v4(&p, addr, echo_port), "not the IPv4 peer");
	}
	close(d);
	close(fd);
}

static void tcp_nonblocking(void)
{
	struct sockaddr_in sa = sin4(addr, echo_port);
	struct pollfd p;
	struct greeting g;
	char err[256];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), r, e = 0;
	socklen_t l = sizeof e;

	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	check("tcp-nonblocking/einprogress", r == 0 || errno == EINPROGRESS,
	      "connect: %s", strerror(errno));
	check("tcp-nonblocking/cloexec-not-added",
	      !(fcntl(fd, F_GETFD) & FD_CLOEXEC), "FD_CLOEXEC appeared");
	check("tcp-nonblocking/still-nonblocking",
	      fcntl(fd, F_GETFL) & O_NONBLOCK, "O_NONBLOCK lost");
	p.fd = fd;
	p.events = POLLOUT;
	if (poll(&p, 1, 10000) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0 || e) {
		fail("tcp-nonblocking/connected", "poll/SO_ERROR: %s",
		     strerror(e ? e : ETIMEDOUT));
		close(fd);
		return;
	}
	pass("tcp-nonblocking/connected");
	/* Asking connect() again, as some programs do: Linux answers 0 the
	 * first time after completion, EISCONN from then on. */
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	if (r == 0)
		r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	check("tcp-nonblocking/reconnect-eisconn", r < 0 && errno == EISCONN,
	      "r=%d %s", r, strerror(errno));
	check_names("tcp-nonblocking", fd, echo_port);
	if (read_greeting(fd, &g, err, sizeof err) < 0 ||
	    echo_roundtrip(fd, "nonblocking\n", err, sizeof err) < 0)
		fail("tcp-nonblocking/echo", "%s", err);
	else
		pass("tcp-nonblocking/echo");
	close(fd);
}

static void tcp_refused(void)
{
	struct sockaddr_in sa = sin4(addr, refused_port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int r = connect(fd, (struct sockaddr *)&sa, sizeof sa);

	check("tcp-refused", r < 0 && errno == ECONNREFUSED, "r=%d %s", r,
	      strerror(errno));
	close(fd);
}

static int wait_in(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 5000) == 1 ? 0 : -1;
}

static void udp_unconnected(void)
{
	struct sockaddr_in sa = sin4(addr, udp_port), from, me;
	socklen_t l;
	char buf[256], b[128];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;
	bool ok = false;

	for (int i = 0; i < 3 && !ok; i++) {
		if (sendto(fd, "u1", 2, 0, (struct sockaddr *)&sa, sizeof sa) != 2) {
			fail("udp/sendto", "%s", strerror(errno));
			close(fd);
			return;
		}
		if (wait_in(fd) < 0)
			continue;
		l = sizeof from;
		memset(&from, 0, sizeof from);
		n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &l);
		check("udp/recvfrom-source", n == 2 && l == sizeof from &&
		      is_v4(&from, addr, udp_port), "n=%zd %s", n,
		      fmt_sa(&from, sizeof from, l, b, sizeof b));
		ok = true;
	}
	if (!ok)
		fail("udp/recvfrom-source", "no reply");
	l = sizeof me;
	check("udp/getsockname",
	      getsockname(fd, (struct sockaddr *)&me, &l) == 0 &&
	      me.sin_family == AF_INET && me.sin_addr.s_addr == 0 &&
	      me.sin_port != 0, "%s", fmt_sa(&me, sizeof me, l, b, sizeof b));

	/* sendmsg/recvmsg with names */
	{
		struct iovec iov[2] = { { "m", 1 }, { "sg", 2 } };
		struct msghdr m = { .msg_name = &sa, .msg_namelen = sizeof sa,
				    .msg_iov = iov, .msg_iovlen = 2 };
		struct iovec riov[2];
		char r1[1], r2[16];

		ok = false;
		for (int i = 0; i < 3 && !ok; i++) {
			if (sendmsg(fd, &m, 0) != 3) {
				fail("udp/sendmsg", "%s", strerror(errno));
				break;
			}
			if (wait_in(fd) < 0)
				continue;
			riov[0].iov_base = r1;
			riov[0].iov_len = 1;
			riov[1].iov_base = r2;
			riov[1].iov_len = sizeof r2;
			memset(&from, 0, sizeof from);
			{
				struct msghdr rm = { .msg_name = &from,
						     .msg_namelen = sizeof from,
						     .msg_iov = riov,
						     .msg_iovlen = 2 };

				n = recvmsg(fd, &rm, 0);
				check("udp/recvmsg", n == 3 && r1[0] == 'm' &&
				      !memcmp(r2, "sg", 2) &&
				      rm.msg_namelen == sizeof from &&
				      is_v4(&from, addr, udp_port),
				      "n=%zd %s", n, fmt_sa(&from, sizeof from,
							    rm.msg_namelen, b,
							    sizeof b));
			}
			ok = true;
		}
		if (!ok)
			fail("udp/recvmsg", "no reply");
	}

	/* sendmmsg/recvmmsg: two datagrams */
	{
		struct iovec iv[2] = { { "mm1", 3 }, { "mm2", 3 } };
		struct mmsghdr mm[2];
		struct sockaddr_in froms[2];
		char rb[2][16];
		struct iovec riv[2] = { { rb[0], 16 }, { rb[1], 16 } };
		int got = 0;

		memset(mm, 0, sizeof mm);
		for (int i = 0; i < 2; i++) {
			mm[i].msg_hdr.msg_name = &sa;
			mm[i].msg_hdr.msg_namelen = sizeof sa;
			mm[i].msg_hdr.msg_iov = &iv[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		n = sendmmsg(fd, mm, 2, 0);
		check("udp/sendmmsg", n == 2 && mm[0].msg_len == 3 &&
		      mm[1].msg_len == 3, "n=%zd %s", n, strerror(errno));
		for (int t = 0; t < 20 && got < 2; t++) {
			if (wait_in(fd) < 0)
				break;
			memset(mm, 0, sizeof mm);
			for (int i = 0; i < 2; i++) {
				mm[i].msg_hdr.msg_name = &froms[i];
				mm[i].msg_hdr.msg_namelen = sizeof froms[i];
				mm[i].msg_hdr.msg_iov = &riv[i];
				mm[i].msg_hdr.msg_iovlen = 1;
			}
			n = recvmmsg(fd, mm, (unsigned)(2 - got), MSG_DONTWAIT,
				     NULL);
			for (int i = 0; i < n; i++) {
				if (!is_v4(&froms[i], addr, udp_port) ||
				    mm[i].msg_len != 3) {
					fail("udp/recvmmsg", "%s len %u",
					     fmt_sa(&froms[i], sizeof froms[i],
						    mm[i].msg_hdr.msg_namelen,
						    b, sizeof b),
					     mm[i].msg_len);
					got = -100;
				}
				got++;
			}
		}
		if (got == 2)
			pass("udp/recvmmsg");
		else if (got >= 0)
			fail("udp/recvmmsg", "%d of 2 datagrams", got);
	}
	close(fd);
}

static void udp_connected(void)
{
	struct sockaddr_in sa = sin4(addr, udp_port);
	char buf[64];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok = false;

	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		fail("udp-connected/connect", "%s", strerror(errno));
		close(fd);
		return;
	}
	pass("udp-connected/connect");
	check_names("udp-connected", fd, udp_port);
	for (int i = 0; i < 3 && !ok; i++) {
		if (send(fd, "c1", 2, 0) != 2) {
			fail("udp-connected/send", "%s", strerror(errno));
			break;
		}
		if (wait_in(fd) < 0)
			continue;
		check("udp-connected/recv", recv(fd, buf, sizeof buf, 0) == 2 &&
		      !memcmp(buf, "c1", 2), "bad reply");
		ok = true;
	}
	if (!ok)
		fail("udp-connected/recv", "no reply");
	close(fd);
}

static void unix_untouched(void)
{
	int sv[2];
	char c = 0;
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0) {
		fail("unix/socketpair", "%s", strerror(errno));
		return;
	}
	c = 'x';
	check("unix/sendmsg", sendmsg(sv[0], &m, 0) == 1, "%s",
	      strerror(errno));
	c = 0;
	check("unix/recvmsg", recvmsg(sv[1], &m, 0) == 1 && c == 'x', "%s",
	      strerror(errno));
	close(sv[0]);
	close(sv[1]);
}

static void local_untouched(void)
{
	struct sockaddr_in sa = sin4("127.0.0.1", 0), p;
	socklen_t l = sizeof sa;
	int ls = socket(AF_INET, SOCK_STREAM, 0), fd, c;

	if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &l) < 0) {
		fail("local/listen", "%s", strerror(errno));
		close(ls);
		return;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	c = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	check("local/connect", c == 0, "%s", strerror(errno));
	l = sizeof p;
	{
		int dom = -1;
		socklen_t dl = sizeof dom;

		getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dl);
		check("local/still-af-inet", dom == AF_INET, "domain %d", dom);
	}
	check("local/getpeername",
	      getpeername(fd, (struct sockaddr *)&p, &l) == 0 &&
	      is_v4(&p, "127.0.0.1", ntohs(sa.sin_port)), "wrong peer");
	close(fd);
	close(ls);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: %s ADDR ECHOPORT UDPPORT REFUSEDPORT\n",
			argv[0]);
		return 2;
	}
	addr = argv[1];
	echo_port = (unsigned)progs_arg_num(argv[2], 65535);
	udp_port = (unsigned)progs_arg_num(argv[3], 65535);
	refused_port = (unsigned)progs_arg_num(argv[4], 65535);
	tcp_blocking();
	tcp_nonblocking();
	tcp_refused();
	udp_unconnected();
	udp_connected();
	unix_untouched();
	local_untouched();
	return progs_exit();
}
