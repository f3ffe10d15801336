/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UDP through the library: AF_INET datagram sockets of an IPv4-only
 * program on an IPv6-only host, talking to an IPv4 server through NAT64
 * and to 127.0.0.1 on the same sockets.
 *
 *   t_udp [-a ADDR4] [-e PORT] [-l LOCALPORT] [-T TOS]
 *   t_udp -P [-a ADDR4] [-e PORT]
 *
 * ADDR4:PORT is a udpecho (tests/progs/udpecho.c) in the server
 * namespace answering with IPv4 TOS byte TOS; 127.0.0.1:LOCALPORT a
 * udpecho in the client namespace.  Runs under the library in the client
 * namespace.
 *
 * -P (probe mode) prints "PROBE <name> <result>" lines only, for sends the
 * library must leave to the kernel (broadcast, multicast, sockets bound to
 * 127.0.0.1): the calling script runs it with and without the library in
 * the same namespace and compares.
 *
 * Several sockets are created before anything is translated: until NAT64
 * has worked once in the process, AF_INET sockets are real ones, replaced
 * on their first translated send (the path whose side effects are tested:
 * options, O_NONBLOCK, bound port); later ones start as dual-stack
 * AF_INET6 stand-ins. */
#include "progs.h"

#include <fcntl.h>
#include <net/if.h>
#include <sys/uio.h>

static struct {
	const char *addr;
	unsigned port, lport;
	int tos;
} o = { "198.51.100.10", 7001, 7101, 0xb8 };

static struct sockaddr_in srv, loc;

/* ---- errno kept by successful calls ---------------------------------- */

static int ek_calls, ek_bad;
static char ek_first[200];

static void ek_note(const char *call, int e)
{
	if (!ek_bad++)
		snprintf(ek_first, sizeof ek_first, "%s left errno %d (%s)",
			 call, e, strerror(e));
}

/* Run call with errno set to EDOM; a successful call must not touch it. */
#define KEEP(call) __extension__({ \
	__typeof__(call) keep_r_; \
	errno = EDOM; \
	keep_r_ = (call); \
	ek_calls++; \
	if (keep_r_ >= 0 && errno != EDOM) \
		ek_note(#call, errno); \
	keep_r_; \
})

/* ---- helpers ----------------------------------------------------------- */

/* check() as an expression: true when it passed. */
#define CHK(name, cond, ...) \
	((cond) ? (pass(name), true) : (fail(name, __VA_ARGS__), false))

static bool all_aa(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i] != 0xaa)
			return false;
	return true;
}

static int usock(int flags)
{
	struct timeval tv = { .tv_sec = 3, .tv_usec = 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | flags, 0);

	if (fd < 0) {
		fail("udp/socket", "socket: %s", strerror(errno));
		exit(progs_exit());
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

static const char *sastr(const void *sa, socklen_t len)
{
	static char b[4][128];
	static unsigned k;
	char *out = b[k++ % 4];

	return fmt_sa(sa, sizeof(struct sockaddr_storage), len, out,
		      sizeof b[0]);
}

static bool sa_eq(const void *sa, socklen_t len, const struct sockaddr_in *w)
{
	const struct sockaddr_in *s = sa;

	return len == sizeof *w && s->sin_family == AF_INET &&
	       s->sin_port == w->sin_port &&
	       s->sin_addr.s_addr == w->sin_addr.s_addr;
}

static ssize_t send_to(int fd, const char *msg, const struct sockaddr_in *to)
{
	return KEEP(sendto(fd, msg, strlen(msg), 0, (const struct sockaddr *)to,
			   sizeof *to));
}

/* Receive one datagram: 0 ok, -1 with a reason in err. */
static int recv_one(int fd, char *buf, size_t bufsz, size_t *n,
		    struct sockaddr_storage *from, socklen_t *fl, int flags,
		    char *err, size_t errsz)
{
	ssize_t r;

	*fl = sizeof *from;
	memset(from, 0x55, sizeof *from);
	r = KEEP(recvfrom(fd, buf, bufsz, flags, (struct sockaddr *)from, fl));
	if (r < 0) {
		snprintf(err, errsz, "recvfrom: %s", strerror(errno));
		return -1;
	}
	*n = (size_t)r;
	return 0;
}

/* Receive msg from want; check data, source and its length. */
static void expect(const char *name, int fd, const char *msg,
		   const struct sockaddr_in *want)
{
	struct sockaddr_storage from;
	socklen_t fl;
	char buf[2048], err[160];
	size_t n;

	if (recv_one(fd, buf, sizeof buf, &n, &from, &fl, 0, err, sizeof err)) {
		fail(name, "%s", err);
		return;
	}
	if (n != strlen(msg) || memcmp(buf, msg, n)) {
		fail(name, "got %zu bytes \"%.*s\", want \"%s\"", n,
		     (int)(n > 60 ? 60 : n), buf, msg);
		return;
	}
	CHK(name, sa_eq(&from, fl, want), "source %s, want %s",
	      sastr(&from, fl), sastr(want, sizeof *want));
}

/* Receive count datagrams whose bodies are msgs[] in any order, each from
 * its src[] (same index).  0, or -1 with a reason in err. */
static int recv_set(int fd, const char *const *msgs,
		    const struct sockaddr_in *const *src, int count, char *err,
		    size_t errsz)
{
	int seen[8] = { 0 };

	for (int i = 0; i < count; i++) {
		struct sockaddr_storage from;
		socklen_t fl;
		char buf[256], e[160];
		size_t n;
		int j;

		if (recv_one(fd, buf, sizeof buf - 1, &n, &from, &fl, 0, e,
			     sizeof e)) {
			snprintf(err, errsz, "datagram %d of %d: %s", i + 1,
				 count, e);
			return -1;
		}
		buf[n] = 0;
		for (j = 0; j < count; j++)
			if (!seen[j] && strcmp(buf, msgs[j]) == 0)
				break;
		if (j == count) {
			snprintf(err, errsz, "unexpected datagram \"%.60s\"",
				 buf);
			return -1;
		}
		seen[j] = 1;
		if (!sa_eq(&from, fl, src[j])) {
			snprintf(err, errsz, "\"%.40s\" from %.60s, want %.60s", buf,
				 sastr(&from, fl),
				 sastr(src[j], sizeof *src[j]));
			return -1;
		}
	}
	return 0;
}

static void expect_set(const char *name, int fd, const char *const *msgs,
		       const struct sockaddr_in *const *src, int count)
{
	char err[200];

	if (recv_set(fd, msgs, src, count, err, sizeof err) == 0)
		pass(name);
	else
		fail(name, "%s", err);
}

static void drain(int fd)
{
	char b[2048];

	while (recv(fd, b, sizeof b, MSG_DONTWAIT) >= 0)
		;
}

struct peerinfo {
	char addr[INET_ADDRSTRLEN];
	unsigned port;
	int tos, ttl;
};

/* Send "?" (or the given datagram starting with '?') to dst and parse
 * the answer.  0 or -1 with err. */
static int query_with(int fd, const struct sockaddr_in *dst,
		      const struct msghdr *custom, struct peerinfo *pi,
		      char *err, size_t errsz)
{
	struct sockaddr_storage from;
	socklen_t fl;
	char buf[256];
	size_t n;
	ssize_t r;

	if (custom)
		r = KEEP(sendmsg(fd, custom, 0));
	else
		r = send_to(fd, "?", dst);
	if (r < 0) {
		snprintf(err, errsz, "send: %s", strerror(errno));
		return -1;
	}
	for (int tries = 0; tries < 4; tries++) {
		if (recv_one(fd, buf, sizeof buf - 1, &n, &from, &fl, 0, err,
			     errsz))
			return -1;
		buf[n] = 0;
		if (strncmp(buf, "PEER ", 5))
			continue; /* a stray echo */
		if (sscanf(buf, "PEER %15s %u TOS %d TTL %d", pi->addr,
			   &pi->port, &pi->tos, &pi->ttl) != 4) {
			snprintf(err, errsz, "bad answer \"%.100s\"", buf);
			return -1;
		}
		if (!sa_eq(&from, fl, dst)) {
			snprintf(err, errsz, "answer from %s",
				 sastr(&from, fl));
			return -1;
		}
		return 0;
	}
	snprintf(err, errsz, "no PEER answer");
	return -1;
}

static int query(int fd, const struct sockaddr_in *dst, struct peerinfo *pi,
		 char *err, size_t errsz)
{
	return query_with(fd, dst, NULL, pi, err, errsz);
}

static unsigned local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &l) < 0 ||
	    ss.ss_family != AF_INET)
		return 0;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int wait_in(int fd, int ms)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	return poll(&pf, 1, ms);
}

/* ---- 1. unconnected ----------------------------------------------------- */

static void t_unconnected(int fd)
{
	struct sockaddr_storage ss;
	struct sockaddr_in want = srv;
	struct peerinfo pi;
	socklen_t l;
	char buf[128], err[160], b16[16], exp16[16];
	ssize_t r;
	int v;

	r = send_to(fd, "hello1", &srv);
	if (!CHK("udp/sendto translated", r == 6, "sendto: %zd (%s)", r,
		   r < 0 ? strerror(errno) : "short"))
		return;
	expect("udp/recvfrom reports 198.51.100.10:PORT AF_INET len 16", fd,
	       "hello1", &srv);

	l = sizeof ss;
	memset(&ss, 0x55, sizeof ss);
	r = KEEP(getsockname(fd, (struct sockaddr *)&ss, &l));
	CHK("udp/getsockname AF_INET, real port",
	      r == 0 && l == sizeof(struct sockaddr_in) &&
	      ss.ss_family == AF_INET &&
	      ((struct sockaddr_in *)&ss)->sin_port != 0 &&
	      ((struct sockaddr_in *)&ss)->sin_addr.s_addr == 0,
	      "getsockname %zd: %s", r, sastr(&ss, l));
	if (query(fd, &srv, &pi, err, sizeof err))
		fail("udp/getsockname port is the port on the wire", "%s", err);
	else
		CHK("udp/getsockname port is the port on the wire",
		      pi.port == ntohs(((struct sockaddr_in *)&ss)->sin_port),
		      "server saw %s port %u, getsockname %u", pi.addr,
		      pi.port, ntohs(((struct sockaddr_in *)&ss)->sin_port));

	l = sizeof ss;
	errno = 0;
	r = getpeername(fd, (struct sockaddr *)&ss, &l);
	CHK("udp/getpeername unconnected: ENOTCONN",
	      r < 0 && errno == ENOTCONN, "getpeername %zd errno %s", r,
	      strerror(errno));

	l = sizeof v;
	r = KEEP(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l));
	CHK("udp/SO_DOMAIN still AF_INET", r == 0 && v == AF_INET,
	      "SO_DOMAIN %d", v);
	l = sizeof v;
	r = getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l);
	CHK("udp/SO_TYPE SOCK_DGRAM", r == 0 && v == SOCK_DGRAM,
	      "SO_TYPE %d", v);

	/* Short address buffers: a truncated copy, the full length back. */
	memset(exp16, 0, sizeof exp16);
	memcpy(exp16, &want, sizeof want);
	{
		static const socklen_t lens[] = { 8, 6, 2, 0 };

		for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
			char name[96];

			snprintf(name, sizeof name,
				 "udp/recvfrom namelen %u: truncated copy, "
				 "length 16", (unsigned)lens[i]);
			send_to(fd, "short", &srv);
			memset(b16, 0xaa, sizeof b16);
			l = lens[i];
			r = KEEP(recvfrom(fd, buf, sizeof buf, 0,
					  (struct sockaddr *)b16, &l));
			CHK(name, r == 5 && l == 16 &&
			      memcmp(b16, exp16, lens[i]) == 0 &&
			      all_aa(b16 + lens[i], 16 - lens[i]),
			      "r %zd, len %u, bytes %02x %02x %02x %02x "
			      "%02x %02x %02x %02x | %02x", r, (unsigned)l,
			      (unsigned char)b16[0], (unsigned char)b16[1],
			      (unsigned char)b16[2], (unsigned char)b16[3],
			      (unsigned char)b16[4], (unsigned char)b16[5],
			      (unsigned char)b16[6], (unsigned char)b16[7],
			      (unsigned char)b16[lens[i] < 16 ? lens[i] : 15]);
		}
	}
	{
		struct iovec iov = { buf, sizeof buf };
		struct msghdr m;

		send_to(fd, "short-msg", &srv);
		memset(&m, 0, sizeof m);
		memset(b16, 0xaa, sizeof b16);
		m.msg_name = b16;
		m.msg_namelen = 8;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		r = KEEP(recvmsg(fd, &m, 0));
		CHK("udp/recvmsg msg_namelen 8: truncated copy, length 16",
		      r == 9 && m.msg_namelen == 16 &&
		      memcmp(b16, exp16, 8) == 0 && all_aa(b16 + 8, 8),
		      "r %zd, msg_namelen %u", r, (unsigned)m.msg_namelen);

		send_to(fd, "noname", &srv);
		memset(&m, 0, sizeof m);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		r = KEEP(recvmsg(fd, &m, 0));
		CHK("udp/recvmsg without msg_name",
		      r == 6 && memcmp(buf, "noname", 6) == 0,
		      "r %zd (%s)", r, r < 0 ? strerror(errno) : "data");
	}
	l = sizeof ss;
	send_to(fd, "storage", &srv);
	r = KEEP(recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&ss, &l));
	CHK("udp/recvfrom into sockaddr_storage: len 16",
	      r == 7 && sa_eq(&ss, l, &srv), "r %zd from %s", r, sastr(&ss, l));

	send_to(fd, "plainrecv", &srv);
	r = KEEP(recv(fd, buf, sizeof buf, 0));
	CHK("udp/recv", r == 9 && memcmp(buf, "plainrecv", 9) == 0,
	      "r %zd", r);
	send_to(fd, "plainread", &srv);
	r = KEEP(read(fd, buf, sizeof buf));
	CHK("udp/read", r == 9 && memcmp(buf, "plainread", 9) == 0,
	      "r %zd", r);

	/* MSG_TRUNC and a short data buffer. */
	{
		const char *big = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
		struct iovec iov = { buf, 4 };
		struct msghdr m;

		send_to(fd, big, &srv);
		r = KEEP(recv(fd, buf, 4, MSG_TRUNC));
		CHK("udp/recv MSG_TRUNC returns the datagram's length",
		      r == 40 && memcmp(buf, "0123", 4) == 0, "r %zd", r);

		send_to(fd, big, &srv);
		memset(&m, 0, sizeof m);
		memset(&ss, 0, sizeof ss);
		m.msg_name = &ss;
		m.msg_namelen = sizeof ss;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		r = KEEP(recvmsg(fd, &m, 0));
		CHK("udp/recvmsg short buffer: MSG_TRUNC in msg_flags",
		      r == 4 && (m.msg_flags & MSG_TRUNC) &&
		      sa_eq(&ss, m.msg_namelen, &srv),
		      "r %zd flags %#x from %s", r, (unsigned)m.msg_flags,
		      sastr(&ss, m.msg_namelen));

		send_to(fd, big, &srv);
		l = sizeof ss;
		r = KEEP(recvfrom(fd, buf, 4, MSG_TRUNC,
				  (struct sockaddr *)&ss, &l));
		CHK("udp/recvfrom MSG_TRUNC with address",
		      r == 40 && sa_eq(&ss, l, &srv), "r %zd from %s", r,
		      sastr(&ss, l));
	}

	/* MSG_PEEK, then the same datagram again. */
	{
		char b2[32];
		struct sockaddr_storage s2;
		socklen_t l2 = sizeof s2;
		ssize_t r2;

		send_to(fd, "peek!", &srv);
		l = sizeof ss;
		r = KEEP(recvfrom(fd, buf, sizeof buf, MSG_PEEK,
				  (struct sockaddr *)&ss, &l));
		r2 = KEEP(recvfrom(fd, b2, sizeof b2, 0,
				   (struct sockaddr *)&s2, &l2));
		CHK("udp/MSG_PEEK then recvfrom: same datagram and source",
		      r == 5 && r2 == 5 && !memcmp(buf, "peek!", 5) &&
		      !memcmp(b2, "peek!", 5) && sa_eq(&ss, l, &srv) &&
		      sa_eq(&s2, l2, &srv), "peek %zd from %s, then %zd "
		      "from %s", r, sastr(&ss, l), r2, sastr(&s2, l2));
		errno = 0;
		r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		CHK("udp/MSG_PEEK: nothing left after", r < 0 &&
		      (errno == EAGAIN || errno == EWOULDBLOCK),
		      "recv %zd (%s)", r, strerror(errno));
	}

	/* sendmsg with two iovecs */
	{
		struct iovec iov[2] = { { (void *)"abc", 3 },
					{ (void *)"defg", 4 } };
		struct msghdr m;

		memset(&m, 0, sizeof m);
		m.msg_name = &srv;
		m.msg_namelen = sizeof srv;
		m.msg_iov = iov;
		m.msg_iovlen = 2;
		r = KEEP(sendmsg(fd, &m, 0));
		CHK("udp/sendmsg translated", r == 7, "sendmsg %zd (%s)", r,
		      strerror(errno));
		expect("udp/sendmsg echo source", fd, "abcdefg", &srv);
	}

	/* sendto with a sockaddr_storage-sized length */
	{
		struct sockaddr_storage big;

		memset(&big, 0, sizeof big);
		memcpy(&big, &srv, sizeof srv);
		r = KEEP(sendto(fd, "bigaddr", 7, 0, (struct sockaddr *)&big,
				sizeof big));
		CHK("udp/sendto with sizeof(sockaddr_storage)", r == 7,
		      "sendto %zd (%s)", r, strerror(errno));
		expect("udp/sendto with sizeof(sockaddr_storage): echo", fd,
		       "bigaddr", &srv);
	}

	/* a dup'ed descriptor behaves the same */
	{
		int d = dup(fd);

		send_to(d, "dup", &srv);
		expect("udp/dup of a translated socket", d, "dup", &srv);
		close(d);
	}
}

/* ---- sendmmsg / recvmmsg ------------------------------------------------ */

static void t_mmsg(int fd)
{
	static const char *const body[3] = { "mm0", "mm1", "mm2" };
	struct mmsghdr v[3];
	struct iovec iov[3];
	struct sockaddr_storage names[3];
	char bufs[3][32];
	int r, got = 0, bad = 0;
	char why[200] = "";

	memset(v, 0, sizeof v);
	for (int i = 0; i < 3; i++) {
		iov[i].iov_base = (void *)body[i];
		iov[i].iov_len = 3;
		v[i].msg_hdr.msg_name = &srv;
		v[i].msg_hdr.msg_namelen = sizeof srv;
		v[i].msg_hdr.msg_iov = &iov[i];
		v[i].msg_hdr.msg_iovlen = 1;
	}
	r = KEEP(sendmmsg(fd, v, 3, 0));
	CHK("udp/sendmmsg 3 translated", r == 3 && v[0].msg_len == 3 &&
	      v[1].msg_len == 3 && v[2].msg_len == 3, "sendmmsg %d (%s)", r,
	      strerror(errno));

	while (got < 3) {
		int n;

		memset(v, 0, sizeof v);
		for (int i = 0; i < 3; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof bufs[i];
			memset(&names[i], 0x55, sizeof names[i]);
			v[i].msg_hdr.msg_name = &names[i];
			v[i].msg_hdr.msg_namelen = sizeof names[i];
			v[i].msg_hdr.msg_iov = &iov[i];
			v[i].msg_hdr.msg_iovlen = 1;
		}
		n = KEEP(recvmmsg(fd, v, (unsigned)(3 - got), MSG_WAITFORONE,
				  NULL));
		if (n <= 0) {
			snprintf(why, sizeof why, "recvmmsg %d after %d (%s)",
				 n, got, strerror(errno));
			bad = 1;
			break;
		}
		for (int i = 0; i < n; i++) {
			const struct msghdr *h = &v[i].msg_hdr;

			if (v[i].msg_len != 3 || memcmp(bufs[i], "mm", 2) ||
			    !sa_eq(&names[i], h->msg_namelen, &srv)) {
				if (!bad)
					snprintf(why, sizeof why,
						 "message %d: len %u from %s",
						 got + i, v[i].msg_len,
						 sastr(&names[i],
						       h->msg_namelen));
				bad = 1;
			}
		}
		got += n;
	}
	CHK("udp/recvmmsg: each from 198.51.100.10:PORT len 16", !bad,
	      "%s", why);

	/* recvmmsg with a short msg_namelen */
	{
		unsigned char b16[16], exp16[16];

		memset(exp16, 0, sizeof exp16);
		memcpy(exp16, &srv, sizeof srv);
		send_to(fd, "mmshort", &srv);
		memset(v, 0, sizeof v);
		memset(b16, 0xaa, sizeof b16);
		iov[0].iov_base = bufs[0];
		iov[0].iov_len = sizeof bufs[0];
		v[0].msg_hdr.msg_name = b16;
		v[0].msg_hdr.msg_namelen = 8;
		v[0].msg_hdr.msg_iov = &iov[0];
		v[0].msg_hdr.msg_iovlen = 1;
		r = KEEP(recvmmsg(fd, v, 1, 0, NULL));
		CHK("udp/recvmmsg msg_namelen 8: truncated copy, length 16",
		      r == 1 && v[0].msg_hdr.msg_namelen == 16 &&
		      !memcmp(b16, exp16, 8) && all_aa((char *)b16 + 8, 8),
		      "r %d msg_namelen %u", r,
		      (unsigned)v[0].msg_hdr.msg_namelen);
	}
	errno = 0;
	memset(v, 0, sizeof v);
	iov[0].iov_base = bufs[0];
	iov[0].iov_len = sizeof bufs[0];
	v[0].msg_hdr.msg_iov = &iov[0];
	v[0].msg_hdr.msg_iovlen = 1;
	r = recvmmsg(fd, v, 1, MSG_DONTWAIT, NULL);
	CHK("udp/recvmmsg MSG_DONTWAIT on an empty queue: EAGAIN",
	      r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK),
	      "recvmmsg %d (%s)", r, strerror(errno));
}

/* ---- 2. connected ----------------------------------------------------- */

static void t_connected(int fd, const char *tag)
{
	struct sockaddr_storage ss;
	socklen_t l;
	char buf[64], name[128];
	ssize_t r;

	r = KEEP(connect(fd, (struct sockaddr *)&srv, sizeof srv));
	snprintf(name, sizeof name, "udp/%s: connect translated", tag);
	if (!CHK(name, r == 0, "connect: %s", strerror(errno)))
		return;
	l = sizeof ss;
	memset(&ss, 0x55, sizeof ss);
	r = KEEP(getpeername(fd, (struct sockaddr *)&ss, &l));
	snprintf(name, sizeof name,
		 "udp/%s: getpeername 198.51.100.10:PORT len 16", tag);
	CHK(name, r == 0 && sa_eq(&ss, l, &srv), "getpeername %zd: %s", r,
	      sastr(&ss, l));
	{
		unsigned char b16[16], exp16[16];

		memset(exp16, 0, sizeof exp16);
		memcpy(exp16, &srv, sizeof srv);
		memset(b16, 0xaa, sizeof b16);
		l = 8;
		r = getpeername(fd, (struct sockaddr *)b16, &l);
		snprintf(name, sizeof name,
			 "udp/%s: getpeername len 8: truncated, 16", tag);
		CHK(name, r == 0 && l == 16 && !memcmp(b16, exp16, 8) &&
		      all_aa((char *)b16 + 8, 8), "r %zd len %u", r,
		      (unsigned)l);
	}
	l = sizeof ss;
	r = KEEP(getsockname(fd, (struct sockaddr *)&ss, &l));
	snprintf(name, sizeof name, "udp/%s: getsockname AF_INET port", tag);
	CHK(name, r == 0 && l == sizeof(struct sockaddr_in) &&
	      ss.ss_family == AF_INET &&
	      ((struct sockaddr_in *)&ss)->sin_port != 0,
	      "getsockname %zd: %s", r, sastr(&ss, l));

	r = KEEP(send(fd, "conn", 4, 0));
	snprintf(name, sizeof name, "udp/%s: send", tag);
	CHK(name, r == 4, "send %zd (%s)", r, strerror(errno));
	r = KEEP(recv(fd, buf, sizeof buf, 0));
	snprintf(name, sizeof name, "udp/%s: recv", tag);
	CHK(name, r == 4 && !memcmp(buf, "conn", 4), "recv %zd (%s)", r,
	      strerror(errno));

	r = KEEP(write(fd, "wr", 2));
	snprintf(name, sizeof name, "udp/%s: write + recvfrom source", tag);
	if (r != 2)
		fail(name, "write %zd (%s)", r, strerror(errno));
	else
		expect(name, fd, "wr", &srv);

	r = KEEP(sendto(fd, "nulladdr", 8, 0, NULL, 0));
	snprintf(name, sizeof name, "udp/%s: sendto NULL address", tag);
	if (r != 8)
		fail(name, "sendto %zd (%s)", r, strerror(errno));
	else
		expect(name, fd, "nulladdr", &srv);

	r = send_to(fd, "sameaddr", &srv);
	snprintf(name, sizeof name, "udp/%s: sendto the peer's address", tag);
	if (r != 8)
		fail(name, "sendto %zd (%s)", r, strerror(errno));
	else
		expect(name, fd, "sameaddr", &srv);

	{
		struct iovec iov = { (void *)"msgnull", 7 };
		struct msghdr m;

		memset(&m, 0, sizeof m);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		r = KEEP(sendmsg(fd, &m, 0));
		snprintf(name, sizeof name, "udp/%s: sendmsg no name", tag);
		if (r != 7)
			fail(name, "sendmsg %zd (%s)", r, strerror(errno));
		else
			expect(name, fd, "msgnull", &srv);
	}
	{
		struct mmsghdr v[2];
		struct iovec iov[2] = { { (void *)"cm1", 3 },
					{ (void *)"cm2", 3 } };
		static const char *const msgs[2] = { "cm1", "cm2" };
		const struct sockaddr_in *src[2] = { &srv, &srv };

		memset(v, 0, sizeof v);
		v[0].msg_hdr.msg_iov = &iov[0];
		v[0].msg_hdr.msg_iovlen = 1;
		v[1].msg_hdr.msg_iov = &iov[1];
		v[1].msg_hdr.msg_iovlen = 1;
		r = KEEP(sendmmsg(fd, v, 2, 0));
		snprintf(name, sizeof name, "udp/%s: sendmmsg no names", tag);
		if (r != 2)
			fail(name, "sendmmsg %zd (%s)", r, strerror(errno));
		else
			expect_set(name, fd, msgs, src, 2);
	}

	/* Disconnect (AF_UNSPEC), then unconnected use. */
	{
		struct sockaddr unspec;

		memset(&unspec, 0, sizeof unspec);
		unspec.sa_family = AF_UNSPEC;
		r = KEEP(connect(fd, &unspec, sizeof unspec));
		l = sizeof ss;
		errno = 0;
		snprintf(name, sizeof name, "udp/%s: connect AF_UNSPEC "
			 "disconnects", tag);
		CHK(name, r == 0 &&
		      getpeername(fd, (struct sockaddr *)&ss, &l) < 0 &&
		      errno == ENOTCONN, "connect %zd, then getpeername "
		      "errno %s", r, strerror(errno));
		send_to(fd, "afterdisc", &srv);
		snprintf(name, sizeof name, "udp/%s: sendto after "
			 "disconnect", tag);
		expect(name, fd, "afterdisc", &srv);
	}

	/* The translated socket connects to 127.0.0.1 next. */
	r = KEEP(connect(fd, (struct sockaddr *)&loc, sizeof loc));
	snprintf(name, sizeof name, "udp/%s: reconnect to 127.0.0.1", tag);
	if (r != 0) {
		fail(name, "connect: %s", strerror(errno));
		return;
	}
	l = sizeof ss;
	r = getpeername(fd, (struct sockaddr *)&ss, &l);
	CHK(name, r == 0 && sa_eq(&ss, l, &loc), "getpeername %s",
	      sastr(&ss, l));
	send(fd, "c-loc", 5, 0);
	snprintf(name, sizeof name, "udp/%s: reconnected: echo from "
		 "127.0.0.1", tag);
	expect(name, fd, "c-loc", &loc);
}

/* ---- 3. mixed local / translated --------------------------------------- */

static void t_mixed(int fd, const char *tag, bool check_port)
{
	struct peerinfo p1, p2;
	char err[160], name[160];
	const struct sockaddr_in *src2[2] = { &srv, &loc };

	send_to(fd, "loc1", &loc);
	snprintf(name, sizeof name, "udp/%s: 127.0.0.1 first", tag);
	expect(name, fd, "loc1", &loc);
	if (query(fd, &loc, &p1, err, sizeof err))
		p1.port = 0;
	send_to(fd, "rem1", &srv);
	snprintf(name, sizeof name, "udp/%s: then 198.51.100.10", tag);
	expect(name, fd, "rem1", &srv);
	send_to(fd, "loc2", &loc);
	snprintf(name, sizeof name, "udp/%s: then 127.0.0.1 again", tag);
	expect(name, fd, "loc2", &loc);
	if (check_port) {
		snprintf(name, sizeof name, "udp/%s: 127.0.0.1 sees the same "
			 "local port before and after translation", tag);
		if (p1.port == 0 || query(fd, &loc, &p2, err, sizeof err))
			fail(name, "query failed: %s", err);
		else
			CHK(name, p1.port == p2.port, "port %u, then %u",
			      p1.port, p2.port);
	}
	{
		static const char *const m2[2] = { "rem2", "loc3" };

		send_to(fd, "rem2", &srv);
		send_to(fd, "loc3", &loc);
		snprintf(name, sizeof name, "udp/%s: both in flight", tag);
		expect_set(name, fd, m2, src2, 2);
	}
	{
		static const char *const m2[2] = { "mm-r", "mm-l" };
		struct mmsghdr v[2];
		struct iovec iov[2] = { { (void *)"mm-r", 4 },
					{ (void *)"mm-l", 4 } };
		int r;

		memset(v, 0, sizeof v);
		v[0].msg_hdr.msg_name = &srv;
		v[0].msg_hdr.msg_namelen = sizeof srv;
		v[0].msg_hdr.msg_iov = &iov[0];
		v[0].msg_hdr.msg_iovlen = 1;
		v[1].msg_hdr.msg_name = &loc;
		v[1].msg_hdr.msg_namelen = sizeof loc;
		v[1].msg_hdr.msg_iov = &iov[1];
		v[1].msg_hdr.msg_iovlen = 1;
		r = KEEP(sendmmsg(fd, v, 2, 0));
		snprintf(name, sizeof name, "udp/%s: sendmmsg to both", tag);
		if (r != 2)
			fail(name, "sendmmsg %d (%s)", r, strerror(errno));
		else
			expect_set(name, fd, m2, src2, 2);
	}
}

/* A socket that used 127.0.0.1 and still has an answer queued when its
 * first translated send replaces it. */
static void t_mixed_pending(int fd)
{
	static const char *const m2[2] = { "pending", "x" };
	const struct sockaddr_in *src2[2] = { &loc, &srv };

	send_to(fd, "pending", &loc);
	if (wait_in(fd, 3000) != 1) {
		fail("udp/mixed: answer queued before translation is kept",
		     "no answer from 127.0.0.1");
		return;
	}
	send_to(fd, "x", &srv);
	/* On an IPv6-only host the library makes datagram sockets dual-stack
	 * from birth, so nothing is replaced and nothing queued is lost. */
	{
		char err[200];

		if (recv_set(fd, m2, src2, 2, err, sizeof err) == 0)
			pass("udp/mixed: answer queued before translation is "
			     "kept");
		else
			fail("udp/mixed: answer queued before translation is "
			     "kept", "%s", err);
	}
}

/* The kernel's port of a replaced socket is taken on the IPv6 side: the
 * translated send must still work, from another port. */
static void t_port_taken(int fd)
{
	struct sockaddr_in6 a6;
	struct peerinfo pi;
	char err[160];
	int on = 1, s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	unsigned p;

	send_to(fd, "taken", &loc);
	expect("udp/port taken on the IPv6 side: 127.0.0.1 first", fd,
	       "taken", &loc);
	p = local_port(fd);
	memset(&a6, 0, sizeof a6);
	a6.sin6_family = AF_INET6;
	a6.sin6_port = htons((uint16_t)p);
	if (s6 >= 0 &&
	    setsockopt(s6, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) < 0) {
		close(s6);
		s6 = -1;
	}
	if (s6 >= 0 && bind(s6, (struct sockaddr *)&a6, sizeof a6) < 0) {
		int e = errno;

		close(s6);
		if (e != EADDRINUSE) {
			fail("udp/port taken on the IPv6 side",
			     "bind [::]:%u: %s", p, strerror(e));
			return;
		}
		/* The socket is dual-stack already (born so on an IPv6-only
		 * host): its port is held on the IPv6 side too, and the
		 * translated send keeps it. */
		if (query(fd, &srv, &pi, err, sizeof err))
			fail("udp/port held on both sides: translated send",
			     "%s", err);
		else
			CHK("udp/port held on both sides: translated send",
			    pi.port == p && local_port(fd) == p,
			    "server saw port %u, getsockname %u (was %u)",
			    pi.port, local_port(fd), p);
		return;
	}
	if (s6 < 0) {
		fail("udp/port taken on the IPv6 side", "no IPv6 socket: %s",
		     strerror(errno));
		return;
	}
	if (query(fd, &srv, &pi, err, sizeof err))
		fail("udp/port taken on the IPv6 side: translated send still "
		     "works", "%s", err);
	else
		CHK("udp/port taken on the IPv6 side: translated send still "
		    "works", pi.port != 0 && pi.port == local_port(fd),
		    "server saw port %u, getsockname %u (was %u)", pi.port,
		    local_port(fd), p);
	close(s6);
}

/* ---- 4. ancillary data ------------------------------------------------- */

static void set_recv_opts(int fd)
{
	int on = 1;

	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
	setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof on);
	setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
}

struct anc {
	int have_pkt, have_tos, have_ttl, n_pkt, n_v6, n_other;
	int ifindex, tos, tos_len, ttl;
	struct in_addr pkt_addr;
};

static void parse_anc(struct msghdr *m, struct anc *a)
{
	struct cmsghdr *c;

	memset(a, 0, sizeof *a);
	a->tos = a->ttl = -1;
	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == IPPROTO_IPV6) {
			a->n_v6++;
		} else if (c->cmsg_level == IPPROTO_IP &&
			   c->cmsg_type == IP_PKTINFO &&
			   c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo p;

			memcpy(&p, CMSG_DATA(c), sizeof p);
			a->have_pkt = 1;
			a->n_pkt++;
			a->ifindex = p.ipi_ifindex;
			a->pkt_addr = p.ipi_addr;
		} else if (c->cmsg_level == IPPROTO_IP &&
			   c->cmsg_type == IP_TOS &&
			   c->cmsg_len >= CMSG_LEN(1)) {
			a->have_tos = 1;
			a->tos_len = (int)(c->cmsg_len - CMSG_LEN(0));
			a->tos = *(unsigned char *)CMSG_DATA(c);
		} else if (c->cmsg_level == IPPROTO_IP &&
			   c->cmsg_type == IP_TTL &&
			   c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			a->have_ttl = 1;
			memcpy(&a->ttl, CMSG_DATA(c), sizeof a->ttl);
		} else {
			a->n_other++;
		}
	}
}

/* Receive one datagram with a control buffer of ctlsz bytes. */
static ssize_t recv_anc(int fd, size_t ctlsz, struct msghdr *m,
			struct sockaddr_storage *ss, char *ctl, char *buf,
			size_t bufsz, struct iovec *iov)
{
	iov->iov_base = buf;
	iov->iov_len = bufsz;
	memset(m, 0, sizeof *m);
	m->msg_name = ss;
	m->msg_namelen = sizeof *ss;
	m->msg_iov = iov;
	m->msg_iovlen = 1;
	m->msg_control = ctl;
	m->msg_controllen = ctlsz;
	return KEEP(recvmsg(fd, m, 0));
}

static void check_anc(const char *tag, const struct anc *a, int flags,
		      const struct sockaddr_storage *ss, socklen_t sl,
		      const struct sockaddr_in *want, int want_tos)
{
	char name[160];

	snprintf(name, sizeof name, "udp/%s: source", tag);
	CHK(name, sa_eq(ss, sl, want), "from %s", sastr(ss, sl));
	snprintf(name, sizeof name, "udp/%s: no MSG_CTRUNC", tag);
	CHK(name, !(flags & MSG_CTRUNC), "msg_flags %#x", (unsigned)flags);
	snprintf(name, sizeof name, "udp/%s: IP_PKTINFO once, ifindex "
		 "non-zero", tag);
	CHK(name, a->n_pkt == 1 && a->ifindex > 0,
	      "%d IP_PKTINFO, ifindex %d", a->n_pkt, a->ifindex);
	snprintf(name, sizeof name, "udp/%s: IP_TTL sane", tag);
	CHK(name, a->have_ttl && a->ttl > 0 && a->ttl <= 255,
	      a->have_ttl ? "IP_TTL %d" : "no IP_TTL%.0d", a->ttl);
	snprintf(name, sizeof name, "udp/%s: IP_TOS 1 byte = %#x", tag,
		 (unsigned)want_tos);
	CHK(name, a->have_tos && a->tos_len == 1 && a->tos == want_tos,
	      a->have_tos ? "IP_TOS %#x (%d bytes)" : "no IP_TOS%.0d%.0d",
	      (unsigned)a->tos, a->tos_len);
	snprintf(name, sizeof name, "udp/%s: no IPv6-level messages", tag);
	CHK(name, a->n_v6 == 0 && a->n_other == 0,
	      "%d IPv6-level, %d other", a->n_v6, a->n_other);
}

/* Echo from the server read with recvmsg (big and IPv4-exact control
 * buffers) and recvmmsg. */
static void t_anc_one(int fd, const char *tag)
{
	union {
		char b[512];
		struct cmsghdr align;
	} ctl;
	const size_t exact = CMSG_SPACE(sizeof(struct in_pktinfo)) +
			     CMSG_SPACE(sizeof(int)) + CMSG_SPACE(1);
	struct sockaddr_storage ss;
	struct msghdr m;
	struct iovec iov;
	struct anc a;
	char buf[64], name[160];
	ssize_t r;

	drain(fd);
	send_to(fd, "anc", &srv);
	r = recv_anc(fd, sizeof ctl.b, &m, &ss, ctl.b, buf, sizeof buf, &iov);
	snprintf(name, sizeof name, "%s, recvmsg", tag);
	if (r != 3) {
		fail(name, "recvmsg %zd (%s)", r, strerror(errno));
		return;
	}
	parse_anc(&m, &a);
	if (a.have_pkt)
		note("%s: IP_PKTINFO ifindex %d ipi_addr %s, TTL %d, TOS %#x",
		     tag, a.ifindex, inet_ntoa(a.pkt_addr), a.ttl,
		     (unsigned)a.tos);
	check_anc(name, &a, m.msg_flags, &ss, m.msg_namelen, &srv, o.tos);

	send_to(fd, "anc", &srv);
	r = recv_anc(fd, exact, &m, &ss, ctl.b, buf, sizeof buf, &iov);
	snprintf(name, sizeof name, "udp/%s, recvmsg IPv4-sized control "
		 "buffer: all three", tag);
	if (r != 3) {
		fail(name, "recvmsg %zd (%s)", r, strerror(errno));
	} else {
		parse_anc(&m, &a);
		CHK(name, a.have_pkt && a.have_tos && a.have_ttl &&
		      !a.n_v6 && !(m.msg_flags & MSG_CTRUNC),
		      "pktinfo %d tos %d ttl %d, %d IPv6-level, flags %#x, "
		      "controllen %zu of %zu", a.have_pkt, a.have_tos,
		      a.have_ttl, a.n_v6, (unsigned)m.msg_flags,
		      (size_t)m.msg_controllen, exact);
	}

	/* recvmmsg: a big and an exact buffer */
	{
		union {
			char b[2][512];
			struct cmsghdr align;
		} c2;
		struct mmsghdr v[2];
		struct iovec io[2];
		struct sockaddr_storage names[2];
		char bb[2][64];
		int got = 0, n;

		send_to(fd, "anc1", &srv);
		send_to(fd, "anc2", &srv);
		while (got < 2) {
			memset(v, 0, sizeof v);
			for (int i = 0; i < 2; i++) {
				io[i].iov_base = bb[i];
				io[i].iov_len = sizeof bb[i];
				v[i].msg_hdr.msg_name = &names[i];
				v[i].msg_hdr.msg_namelen = sizeof names[i];
				v[i].msg_hdr.msg_iov = &io[i];
				v[i].msg_hdr.msg_iovlen = 1;
				v[i].msg_hdr.msg_control = c2.b[i];
				v[i].msg_hdr.msg_controllen =
					(got + i) == 0 ? sizeof c2.b[i] : exact;
			}
			n = KEEP(recvmmsg(fd, v, (unsigned)(2 - got),
					  MSG_WAITFORONE, NULL));
			if (n <= 0) {
				snprintf(name, sizeof name, "udp/%s, recvmmsg",
					 tag);
				fail(name, "recvmmsg %d (%s)", n,
				     strerror(errno));
				return;
			}
			for (int i = 0; i < n; i++) {
				parse_anc(&v[i].msg_hdr, &a);
				if (got + i == 0) {
					snprintf(name, sizeof name,
						 "%s, recvmmsg", tag);
					check_anc(name, &a,
						  v[i].msg_hdr.msg_flags,
						  &names[i],
						  v[i].msg_hdr.msg_namelen,
						  &srv, o.tos);
				} else {
					snprintf(name, sizeof name,
						 "udp/%s, recvmmsg IPv4-sized "
						 "control buffer: all three",
						 tag);
					CHK(name, a.have_pkt && a.have_tos &&
					      a.have_ttl && !a.n_v6 &&
					      !(v[i].msg_hdr.msg_flags &
						MSG_CTRUNC),
					      "pktinfo %d tos %d ttl %d, %d "
					      "IPv6-level, flags %#x, "
					      "controllen %zu of %zu",
					      a.have_pkt, a.have_tos,
					      a.have_ttl, a.n_v6,
					      (unsigned)v[i].msg_hdr.msg_flags,
					      (size_t)v[i].msg_hdr.msg_controllen,
					      exact);
				}
			}
			got += n;
		}
	}

	/* A local datagram on the same (now dual-stack) socket: IPv4 on
	 * the wire, the kernel may give both forms. */
	send_to(fd, "anc-loc", &loc);
	r = recv_anc(fd, sizeof ctl.b, &m, &ss, ctl.b, buf, sizeof buf, &iov);
	snprintf(name, sizeof name, "%s, from 127.0.0.1", tag);
	if (r != 7) {
		fail(name, "recvmsg %zd (%s)", r, strerror(errno));
		return;
	}
	parse_anc(&m, &a);
	check_anc(name, &a, m.msg_flags, &ss, m.msg_namelen, &loc, 0);
	snprintf(name, sizeof name, "udp/%s, from 127.0.0.1: IP_PKTINFO "
		 "address 127.0.0.1 on lo", tag);
	CHK(name, a.have_pkt && a.pkt_addr.s_addr == htonl(0x7f000001) &&
	      a.ifindex == (int)if_nametoindex("lo"), "ipi_addr %s ifindex %d",
	      inet_ntoa(a.pkt_addr), a.ifindex);
}

/* recvmmsg with many messages of medium control buffers (the library may
 * split the batch) and with one very large control buffer. */
static void t_anc_mmsg_sizes(int fd)
{
	enum { NM = 8, MED = 600, HUGE = 6000 };
	static union {
		char b[NM][MED];
		struct cmsghdr align;
	} med;
	static union {
		char b[HUGE];
		struct cmsghdr align;
	} huge;
	struct mmsghdr v[NM];
	struct iovec io[NM];
	char bb[NM][32];
	struct anc a;
	int got = 0, calls = 0, bad = 0, n, maxn = 0;
	char why[200] = "";

	drain(fd);
	for (int i = 0; i < NM; i++)
		send_to(fd, "mmsz", &srv);
	while (got < NM && calls < 3 * NM) {
		memset(v, 0, sizeof v);
		for (int i = 0; i < NM - got; i++) {
			io[i].iov_base = bb[i];
			io[i].iov_len = sizeof bb[i];
			v[i].msg_hdr.msg_iov = &io[i];
			v[i].msg_hdr.msg_iovlen = 1;
			v[i].msg_hdr.msg_control = med.b[i];
			v[i].msg_hdr.msg_controllen = MED;
		}
		calls++;
		n = KEEP(recvmmsg(fd, v, (unsigned)(NM - got), MSG_WAITFORONE,
				  NULL));
		if (n <= 0) {
			snprintf(why, sizeof why, "recvmmsg %d after %d (%s)",
				 n, got, strerror(errno));
			bad = 1;
			break;
		}
		if (n > maxn)
			maxn = n;
		for (int i = 0; i < n; i++) {
			parse_anc(&v[i].msg_hdr, &a);
			if (!bad && (!a.have_pkt || !a.have_tos ||
				     !a.have_ttl || a.n_v6 ||
				     (v[i].msg_hdr.msg_flags & MSG_CTRUNC))) {
				snprintf(why, sizeof why, "message %d: pktinfo "
					 "%d tos %d ttl %d, %d IPv6-level, "
					 "flags %#x", got + i, a.have_pkt,
					 a.have_tos, a.have_ttl, a.n_v6,
					 (unsigned)v[i].msg_hdr.msg_flags);
				bad = 1;
			}
		}
		got += n;
	}
	note("recvmmsg of %d with %d-byte control buffers: %d calls, at most "
	     "%d per call", NM, MED, calls, maxn);
	CHK("udp/recvmmsg, 8 messages with 600-byte control buffers",
	    !bad && got == NM, "%s (got %d)", why, got);

	send_to(fd, "mmhuge", &srv);
	memset(v, 0, sizeof v);
	io[0].iov_base = bb[0];
	io[0].iov_len = sizeof bb[0];
	v[0].msg_hdr.msg_iov = &io[0];
	v[0].msg_hdr.msg_iovlen = 1;
	v[0].msg_hdr.msg_control = huge.b;
	v[0].msg_hdr.msg_controllen = HUGE;
	n = KEEP(recvmmsg(fd, v, 1, 0, NULL));
	if (n != 1) {
		fail("udp/recvmmsg with a 6000-byte control buffer",
		     "recvmmsg %d (%s)", n, strerror(errno));
		return;
	}
	parse_anc(&v[0].msg_hdr, &a);
	CHK("udp/recvmmsg with a 6000-byte control buffer",
	    a.have_pkt && a.have_tos && a.have_ttl && !a.n_v6 &&
	    !(v[0].msg_hdr.msg_flags & MSG_CTRUNC), "pktinfo %d tos %d ttl %d, "
	    "%d IPv6-level, flags %#x", a.have_pkt, a.have_tos, a.have_ttl,
	    a.n_v6, (unsigned)v[0].msg_hdr.msg_flags);
}

/* ---- 5. TOS and TTL going out ----------------------------------------- */

static void t_out_opts(int fd_before, int fd_after)
{
	struct peerinfo pi;
	char err[160];
	int v;

	/* fd_before: options set while it was still a real AF_INET socket */
	if (query(fd_before, &srv, &pi, err, sizeof err)) {
		fail("udp/IP_TOS and IP_TTL set before translation", "%s", err);
	} else {
		CHK("udp/IP_TOS 0x20 set before translation reaches the wire",
		      pi.tos == 0x20, "server saw TOS %d", pi.tos);
		CHK("udp/IP_TTL 20 set before translation reaches the wire",
		      pi.ttl <= 20 && pi.ttl >= 15, "server saw TTL %d",
		      pi.ttl);
	}
	/* fd_after: translated first, then options */
	if (query(fd_after, &srv, &pi, err, sizeof err)) {
		fail("udp/translated, default TOS", "%s", err);
		return;
	}
	note("default: server saw %s port %u TOS %d TTL %d", pi.addr, pi.port,
	     pi.tos, pi.ttl);
	v = 0x48;
	setsockopt(fd_after, IPPROTO_IP, IP_TOS, &v, sizeof v);
	v = 25;
	setsockopt(fd_after, IPPROTO_IP, IP_TTL, &v, sizeof v);
	if (query(fd_after, &srv, &pi, err, sizeof err)) {
		fail("udp/IP_TOS set after translation", "%s", err);
	} else {
		CHK("udp/IP_TOS 0x48 set after translation reaches the wire",
		      pi.tos == 0x48, "server saw TOS %d", pi.tos);
		CHK("udp/IP_TTL 25 set after translation reaches the wire",
		      pi.ttl <= 25 && pi.ttl >= 20, "server saw TTL %d",
		      pi.ttl);
	}
	{
		socklen_t l = sizeof v;

		v = -1;
		getsockopt(fd_after, IPPROTO_IP, IP_TOS, &v, &l);
		CHK("udp/getsockopt IP_TOS after translation", v == 0x48,
		      "IP_TOS %d", v);
	}

	/* Per-datagram control messages on sendmsg. */
	{
		static const struct {
			const char *name;
			int type, len, val, want_tos, want_ttl_max;
		} cases[] = {
			{ "udp/sendmsg IP_TOS cmsg (int) 0x68", IP_TOS, 4, 0x68,
			  0x68, 0 },
			{ "udp/sendmsg IP_TOS cmsg (1 byte) 0x88", IP_TOS, 1,
			  0x88, 0x88, 0 },
			{ "udp/sendmsg IP_TTL cmsg 30", IP_TTL, 4, 30, -1, 30 },
		};

		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			union {
				char b[CMSG_SPACE(sizeof(int))];
				struct cmsghdr align;
			} c;
			struct cmsghdr *h;
			struct iovec iov = { (void *)"?", 1 };
			struct msghdr m;
			unsigned char byte = (unsigned char)cases[i].val;

			memset(&c, 0, sizeof c);
			memset(&m, 0, sizeof m);
			m.msg_name = &srv;
			m.msg_namelen = sizeof srv;
			m.msg_iov = &iov;
			m.msg_iovlen = 1;
			m.msg_control = c.b;
			m.msg_controllen = CMSG_SPACE((size_t)cases[i].len);
			h = CMSG_FIRSTHDR(&m);
			h->cmsg_level = IPPROTO_IP;
			h->cmsg_type = cases[i].type;
			h->cmsg_len = CMSG_LEN((size_t)cases[i].len);
			if (cases[i].len == 1)
				memcpy(CMSG_DATA(h), &byte, 1);
			else
				memcpy(CMSG_DATA(h), &cases[i].val, 4);
			if (query_with(fd_after, &srv, &m, &pi, err,
				       sizeof err)) {
				fail(cases[i].name, "%s", err);
				continue;
			}
			if (cases[i].want_tos >= 0)
				CHK(cases[i].name, pi.tos == cases[i].want_tos,
				      "server saw TOS %d", pi.tos);
			else
				CHK(cases[i].name,
				      pi.ttl <= cases[i].want_ttl_max &&
				      pi.ttl >= cases[i].want_ttl_max - 5,
				      "server saw TTL %d", pi.ttl);
		}
	}
	/* IP_PKTINFO on send (ifindex 0: any) */
	{
		union {
			char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
			struct cmsghdr align;
		} c;
		struct in_pktinfo p;
		struct cmsghdr *h;
		struct iovec iov = { (void *)"pktinfo-out", 11 };
		struct msghdr m;
		ssize_t r;

		memset(&c, 0, sizeof c);
		memset(&p, 0, sizeof p);
		memset(&m, 0, sizeof m);
		m.msg_name = &srv;
		m.msg_namelen = sizeof srv;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = c.b;
		m.msg_controllen = sizeof c.b;
		h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = IPPROTO_IP;
		h->cmsg_type = IP_PKTINFO;
		h->cmsg_len = CMSG_LEN(sizeof p);
		memcpy(CMSG_DATA(h), &p, sizeof p);
		drain(fd_after);
		r = KEEP(sendmsg(fd_after, &m, 0));
		if (r != 11)
			fail("udp/sendmsg IP_PKTINFO cmsg", "sendmsg %zd (%s)",
			     r, strerror(errno));
		else
			expect("udp/sendmsg IP_PKTINFO cmsg", fd_after,
			       "pktinfo-out", &srv);
	}
}

/* ---- 6. non-blocking --------------------------------------------------- */

static void t_nonblock(int fd, const char *tag)
{
	char buf[32], name[160];
	ssize_t r;
	int fl = fcntl(fd, F_GETFL);

	send_to(fd, "!drop", &srv); /* translated, no answer */
	snprintf(name, sizeof name, "udp/%s: O_NONBLOCK kept", tag);
	fl = fcntl(fd, F_GETFL);
	CHK(name, fl >= 0 && (fl & O_NONBLOCK), "F_GETFL %#x", fl);
	usleep(100000);
	errno = 0;
	r = recvfrom(fd, buf, sizeof buf, 0, NULL, NULL);
	snprintf(name, sizeof name, "udp/%s: recvfrom EAGAIN", tag);
	CHK(name, r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK),
	      "recvfrom %zd (%s)", r, strerror(errno));
	{
		struct sockaddr_in a;
		socklen_t l = sizeof a;

		errno = 0;
		r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&a, &l);
		snprintf(name, sizeof name, "udp/%s: recvfrom with address "
			 "EAGAIN", tag);
		CHK(name, r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK),
		      "recvfrom %zd (%s)", r, strerror(errno));
	}
	send_to(fd, "nb", &srv);
	snprintf(name, sizeof name, "udp/%s: poll then recvfrom", tag);
	if (wait_in(fd, 3000) != 1)
		fail(name, "not readable within 3 s");
	else
		expect(name, fd, "nb", &srv);
}

/* ---- 7. datagrams from IPv6-only sources -------------------------------- */

static void t_v6_source(int fd)
{
	struct sockaddr_in6 me;
	struct sockaddr_storage ss;
	socklen_t l = sizeof ss;
	int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	char buf[64];
	ssize_t r;

	/* the translated socket's port, on ::1 */
	if (s6 < 0) {
		skip("udp/IPv6-only source", "no AF_INET6 socket");
		return;
	}
	memset(&me, 0, sizeof me);
	me.sin6_family = AF_INET6;
	me.sin6_addr = in6addr_loopback;
	me.sin6_port = htons((uint16_t)local_port(fd));
	drain(fd);

	sendto(s6, "v6junk", 6, 0, (struct sockaddr *)&me, sizeof me);
	wait_in(fd, 1000);
	errno = 0;
	r = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&ss,
		     &l);
	CHK("udp/datagram from ::1 only: recvfrom EAGAIN, not reported",
	      r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK),
	      "recvfrom %zd (%s) from %s", r, strerror(errno),
	      r >= 0 ? sastr(&ss, l) : "-");

	sendto(s6, "v6junk", 6, 0, (struct sockaddr *)&me, sizeof me);
	wait_in(fd, 1000);
	send_to(fd, "after-junk", &srv);
	expect("udp/datagram from ::1 skipped, next one reported", fd,
	       "after-junk", &srv);

	sendto(s6, "v6junk", 6, 0, (struct sockaddr *)&me, sizeof me);
	wait_in(fd, 1000);
	send_to(fd, "peek-junk", &srv);
	usleep(200000);
	l = sizeof ss;
	r = recvfrom(fd, buf, sizeof buf, MSG_PEEK, (struct sockaddr *)&ss, &l);
	CHK("udp/MSG_PEEK skips a datagram from ::1",
	      r == 9 && !memcmp(buf, "peek-junk", 9) && sa_eq(&ss, l, &srv),
	      "peek %zd from %s", r, r >= 0 ? sastr(&ss, l) : strerror(errno));
	drain(fd);

	/* recvmmsg: whatever it does with it, never an AF_INET6 address */
	sendto(s6, "v6junk", 6, 0, (struct sockaddr *)&me, sizeof me);
	wait_in(fd, 1000);
	{
		struct mmsghdr v;
		struct iovec iov = { buf, sizeof buf };
		int n;

		memset(&v, 0, sizeof v);
		memset(&ss, 0x55, sizeof ss);
		v.msg_hdr.msg_name = &ss;
		v.msg_hdr.msg_namelen = sizeof ss;
		v.msg_hdr.msg_iov = &iov;
		v.msg_hdr.msg_iovlen = 1;
		n = recvmmsg(fd, &v, 1, MSG_DONTWAIT, NULL);
		CHK("udp/recvmmsg never reports an IPv6 source",
		      n < 0 || (ss.ss_family == AF_INET &&
				v.msg_hdr.msg_namelen == 16),
		      "recvmmsg %d: %s", n,
		      sastr(&ss, v.msg_hdr.msg_namelen));
		if (n == 1)
			note("recvmmsg reports a datagram from ::1 as %s",
			     sastr(&ss, v.msg_hdr.msg_namelen));
	}
	close(s6);
}

/* ---- 8. bound sockets --------------------------------------------------- */

static void t_bound_any(int fd)
{
	struct sockaddr_in any = sin4("0.0.0.0", 0);
	struct peerinfo pi;
	char err[160];
	unsigned p;

	if (bind(fd, (struct sockaddr *)&any, sizeof any) < 0) {
		fail("udp/bound 0.0.0.0: port kept", "bind: %s",
		     strerror(errno));
		return;
	}
	p = local_port(fd);
	if (query(fd, &srv, &pi, err, sizeof err)) {
		fail("udp/bound 0.0.0.0: port kept", "%s", err);
		return;
	}
	CHK("udp/bound 0.0.0.0: port kept on the wire", pi.port == p,
	      "bound %u, server saw %u", p, pi.port);
	CHK("udp/bound 0.0.0.0: getsockname keeps the port",
	      local_port(fd) == p, "bound %u, now %u", p, local_port(fd));
}

static void t_bound_local(void)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 0);
	int fd = usock(0);
	ssize_t r;

	if (bind(fd, (struct sockaddr *)&lo, sizeof lo) < 0) {
		fail("udp/bound 127.0.0.1", "bind: %s", strerror(errno));
		return;
	}
	errno = 0;
	r = sendto(fd, "b", 1, 0, (struct sockaddr *)&srv, sizeof srv);
	CHK("udp/bound 127.0.0.1: sending to 198.51.100.10 is not "
	      "translated", r < 0 && (errno == ENETUNREACH || errno == EINVAL),
	      "sendto %zd (%s)", r, strerror(errno));
	send_to(fd, "bound-lo", &loc);
	expect("udp/bound 127.0.0.1: still talks to 127.0.0.1", fd,
	       "bound-lo", &loc);
	close(fd);
}

/* ---- probe mode --------------------------------------------------------- */

static void probe(const char *name, ssize_t r, int e)
{
	printf("PROBE %s %s\n", name, r >= 0 ? "ok" : strerrorname_np(e));
	fflush(stdout);
}

static void probe_send(const char *name, int fd, const char *dst,
		       unsigned port)
{
	struct sockaddr_in d = sin4(dst, port);
	ssize_t r;

	errno = 0;
	r = sendto(fd, "p", 1, 0, (struct sockaddr *)&d, sizeof d);
	probe(name, r, errno);
}

static int probe_sock(int bcast, int mcast_ttl)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), on = 1;

	if (bcast)
		setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
	if (mcast_ttl)
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &mcast_ttl,
			   sizeof mcast_ttl);
	return fd;
}

static int run_probes(void)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 0);
	int fd, x;
	ssize_t r;

	/* Before NAT64 was used in this process: real AF_INET sockets. */
	fd = probe_sock(1, 0);
	probe_send("fresh-bcast-255", fd, "255.255.255.255", o.port);
	close(fd);
	fd = probe_sock(0, 0);
	probe_send("fresh-bcast-255-no-SO_BROADCAST", fd, "255.255.255.255",
		   o.port);
	close(fd);
	fd = probe_sock(0, 0);
	probe_send("fresh-mcast-239", fd, "239.1.2.3", o.port);
	close(fd);
	fd = probe_sock(0, 0);
	probe_send("fresh-mcast-224.0.0.1", fd, "224.0.0.1", o.port);
	close(fd);
	fd = probe_sock(0, 0);
	bind(fd, (struct sockaddr *)&lo, sizeof lo);
	probe_send("bound-127-to-server", fd, o.addr, o.port);
	close(fd);

	/* A socket used with the server first (translated under the
	 * library, ENETUNREACH without), then broadcast / multicast. */
	x = probe_sock(0, 0);
	errno = 0;
	r = sendto(x, "p", 1, 0, (struct sockaddr *)&srv, sizeof srv);
	printf("# server send: %s\n", r >= 0 ? "ok" : strerrorname_np(errno));
	probe_send("used-mcast-239", x, "239.1.2.3", o.port);
	{
		int on = 1;

		setsockopt(x, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
	}
	probe_send("used-bcast-255", x, "255.255.255.255", o.port);
	close(x);

	/* After NAT64 worked once: AF_INET sockets start as stand-ins. */
	fd = probe_sock(1, 0);
	probe_send("later-bcast-255", fd, "255.255.255.255", o.port);
	close(fd);
	fd = probe_sock(0, 0);
	probe_send("later-bcast-255-no-SO_BROADCAST", fd, "255.255.255.255",
		   o.port);
	close(fd);
	fd = probe_sock(0, 0);
	probe_send("later-mcast-239", fd, "239.1.2.3", o.port);
	close(fd);
	fd = probe_sock(0, 4);
	probe_send("later-mcast-239-ttl", fd, "239.1.2.3", o.port);
	close(fd);
	fd = probe_sock(0, 0);
	probe_send("later-mcast-then-server", fd, "239.1.2.3", o.port);
	close(fd);
	fd = probe_sock(0, 0);
	bind(fd, (struct sockaddr *)&lo, sizeof lo);
	probe_send("later-bound-127-to-server", fd, o.addr, o.port);
	close(fd);
	fd = probe_sock(0, 0);
	{
		struct sockaddr_in lo7 = sin4("127.0.0.1", 7);

		errno = 0;
		r = connect(fd, (struct sockaddr *)&lo7, sizeof lo7);
		probe("later-connect-127", r, errno);
	}
	close(fd);
	return 0;
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
	unsigned long long v;
	int c, probe_mode = 0;
	int mix_a, mix_pend, anc_before, out_before, nb_before, nb_fcntl,
	    bound_any, port_taken;

	while ((c = getopt(argc, argv, "a:e:l:T:P")) != -1) {
		switch (c) {
		case 'a':
			o.addr = optarg;
			break;
		case 'e': case 'l': case 'T':
			if (progs_parse_ull(optarg, c == 'T' ? 255 : 65535, &v) ||
			    (c != 'T' && v == 0)) {
				fprintf(stderr, "bad -%c\n", c);
				return 2;
			}
			if (c == 'e')
				o.port = (unsigned)v;
			else if (c == 'l')
				o.lport = (unsigned)v;
			else
				o.tos = (int)v;
			break;
		case 'P':
			probe_mode = 1;
			break;
		default:
			fprintf(stderr, "usage: t_udp [-P] [-a ADDR4] [-e PORT] "
				"[-l LOCALPORT] [-T TOS]\n");
			return 2;
		}
	}
	srv = sin4(o.addr, o.port);
	loc = sin4("127.0.0.1", o.lport);
	if (probe_mode)
		return run_probes();

	/* Created before NAT64 is used: real AF_INET sockets. */
	mix_a = usock(0);
	mix_pend = usock(0);
	anc_before = usock(0);
	set_recv_opts(anc_before);
	out_before = usock(0);
	{
		int t = 0x20, ttl = 20;

		setsockopt(out_before, IPPROTO_IP, IP_TOS, &t, sizeof t);
		setsockopt(out_before, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
	}
	nb_before = usock(SOCK_NONBLOCK);
	nb_fcntl = usock(0);
	fcntl(nb_fcntl, F_SETFL, fcntl(nb_fcntl, F_GETFL) | O_NONBLOCK);
	bound_any = usock(0);
	port_taken = usock(0);

	/* The first translation of the process happens in here. */
	t_mixed(mix_a, "mixed (replaced socket)", true);
	t_mixed_pending(mix_pend);
	t_port_taken(port_taken);

	{
		int fd = usock(0);

		t_unconnected(fd);
		t_mmsg(fd);
		close(fd);
	}
	{
		int fd = usock(0);

		t_mixed(fd, "mixed (dual-stack socket)", true);
		close(fd);
	}
	{
		int fd = usock(0);

		t_connected(fd, "connected");
		close(fd);
	}

	t_anc_one(anc_before, "cmsg (options set before translation)");
	{
		int fd = usock(0);

		set_recv_opts(fd);
		t_anc_one(fd, "cmsg (options on a stand-in socket)");
		close(fd);
		fd = usock(0);
		send_to(fd, "!", &srv);
		set_recv_opts(fd);
		t_anc_one(fd, "cmsg (options set after translation)");
		t_anc_mmsg_sizes(fd);
		close(fd);
	}
	{
		int fd = usock(0);

		t_out_opts(out_before, fd);
		close(fd);
	}

	t_nonblock(nb_before, "SOCK_NONBLOCK (replaced socket)");
	t_nonblock(nb_fcntl, "fcntl O_NONBLOCK (replaced socket)");
	{
		int fd = usock(SOCK_NONBLOCK);

		t_nonblock(fd, "SOCK_NONBLOCK (stand-in socket)");
		close(fd);
	}
	{
		int fd = usock(0);
		char buf[8];
		ssize_t r;

		send_to(fd, "!", &srv);
		errno = 0;
		r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		CHK("udp/MSG_DONTWAIT on a blocking translated socket: "
		      "EAGAIN", r < 0 && (errno == EAGAIN ||
					  errno == EWOULDBLOCK),
		      "recv %zd (%s)", r, strerror(errno));
		t_v6_source(fd);
		close(fd);
	}

	t_bound_any(bound_any);
	t_bound_local();

	CHK("udp/errno unchanged by successful calls", ek_bad == 0,
	      "%d of %d calls: first: %s", ek_bad, ek_calls, ek_first);
	return progs_exit();
}
