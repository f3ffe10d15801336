/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared helpers for the test programs in tests/progs/.  Header-only
 * (every program is built from its own .c file); everything is static
 * inline so unused helpers cost nothing and raise no warnings.
 *
 * Output protocol (doc/HELPERS.md): one line per check,
 *   PASS: name
 *   FAIL: name: reason
 *   SKIP: name: reason
 * and the program exits non-zero when any check failed. */
#ifndef TNAT64_PROGS_H
#define TNAT64_PROGS_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/errqueue.h>

static int progs_failures;
static pthread_mutex_t progs_out_lock = PTHREAD_MUTEX_INITIALIZER;

static inline void pass(const char *name)
{
	pthread_mutex_lock(&progs_out_lock);
	printf("PASS: %s\n", name);
	fflush(stdout);
	pthread_mutex_unlock(&progs_out_lock);
}

__attribute__((format(printf, 2, 3)))
static inline void fail(const char *name, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&progs_out_lock);
	progs_failures++;
	printf("FAIL: %s: %s\n", name, reason);
	fflush(stdout);
	pthread_mutex_unlock(&progs_out_lock);
}

__attribute__((format(printf, 2, 3)))
static inline void skip(const char *name, const char *fmt, ...)
{
	char reason[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&progs_out_lock);
	printf("SKIP: %s: %s\n", name, reason);
	fflush(stdout);
	pthread_mutex_unlock(&progs_out_lock);
}

/* Diagnostic line that is none of PASS/FAIL/SKIP (ignored by counters). */
__attribute__((format(printf, 1, 2)))
static inline void note(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&progs_out_lock);
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&progs_out_lock);
}

/* check(name, cond, fmt...): PASS or FAIL with the formatted reason. */
#define check(name, cond, ...) \
	do { if (cond) pass(name); else fail(name, __VA_ARGS__); } while (0)

static inline int progs_exit(void)
{
	fflush(stdout);
	return progs_failures ? 1 : 0;
}

/* ---- command line ---------------------------------------------------- */

struct progs_opts {
	const char *addr;      /* -a: IPv4 literal of the server */
	const char *addr2;     /* -b: second IPv4 literal of the server */
	unsigned echo_port;    /* -e: greeting + echo service */
	unsigned sum_port;     /* -s: checksum service */
	unsigned refused_port; /* -r: nothing listens there */
	unsigned local_port;   /* -l: free port for local listeners */
	const char *ifname;    /* -i: client interface for SO_BINDTODEVICE */
	unsigned long long bytes; /* -n: byte count (bulk transfer) */
	unsigned threads;      /* -t: thread count */
};

static inline int progs_parse_ull(const char *s, unsigned long long max,
				  unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A positional number argument in [1, max], or exit 2 with a message. */
static inline unsigned long long progs_arg_num(const char *s,
					       unsigned long long max)
{
	unsigned long long v;

	if (progs_parse_ull(s, max, &v) < 0 || v == 0) {
		fprintf(stderr, "bad number %s (1..%llu)\n", s, max);
		exit(2);
	}
	return v;
}

static inline void progs_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-a ADDR4] [-b ADDR4] [-e ECHOPORT] [-s SUMPORT] "
		"[-r REFUSEDPORT] [-l LOCALPORT] [-i IFNAME] [-n BYTES] "
		"[-t THREADS]\n", prog);
	exit(2);
}

static inline void progs_getopt(int argc, char **argv, struct progs_opts *o)
{
	int c;
	unsigned long long v;

	memset(o, 0, sizeof *o);
	o->addr = "198.51.100.10";
	o->addr2 = "198.51.100.11";
	o->echo_port = 7001;
	o->sum_port = 7002;
	o->refused_port = 7009;
	o->local_port = 7101;
	o->bytes = 50ULL * 1000 * 1000;
	o->threads = 32;
	while ((c = getopt(argc, argv, "a:b:e:s:r:l:i:n:t:")) != -1) {
		switch (c) {
		case 'a': o->addr = optarg; break;
		case 'b': o->addr2 = optarg; break;
		case 'i': o->ifname = optarg; break;
		case 'e': case 's': case 'r': case 'l':
			if (progs_parse_ull(optarg, 65535, &v) || v == 0)
				progs_usage(argv[0]);
			if (c == 'e') o->echo_port = (unsigned)v;
			else if (c == 's') o->sum_port = (unsigned)v;
			else if (c == 'r') o->refused_port = (unsigned)v;
			else o->local_port = (unsigned)v;
			break;
		case 'n':
			if (progs_parse_ull(optarg, ULLONG_MAX / 2, &v))
				progs_usage(argv[0]);
			o->bytes = v;
			break;
		case 't':
			if (progs_parse_ull(optarg, 1024, &v) || v == 0)
				progs_usage(argv[0]);
			o->threads = (unsigned)v;
			break;
		default:
			progs_usage(argv[0]);
		}
	}
	if (optind != argc)
		progs_usage(argv[0]);
}

/* ---- addresses ------------------------------------------------------- */

static inline struct sockaddr_in sin4(const char *addr, unsigned port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "bad IPv4 address %s\n", addr);
		exit(2);
	}
	return sa;
}

/* ::ffff:a.b.c.d */
static inline struct sockaddr_in6 sin6_mapped(const char *addr4,
					      unsigned port)
{
	struct sockaddr_in6 sa;
	struct in_addr a;

	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr4, &a) != 1) {
		fprintf(stderr, "bad IPv4 address %s\n", addr4);
		exit(2);
	}
	sa.sin6_addr.s6_addr[10] = 0xff;
	sa.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&sa.sin6_addr.s6_addr[12], &a, 4);
	return sa;
}

/* "family addr:port" for messages.  sa is an object of objsz bytes, len
 * what a call reported (may exceed objsz after truncation). */
static inline const char *fmt_sa(const void *sa, size_t objsz, socklen_t len,
				 char *buf, size_t bufsz)
{
	struct sockaddr_storage ss;
	size_t have = len < objsz ? len : objsz;
	char a[INET6_ADDRSTRLEN];
	const char *trunc = len > objsz ? " (truncated)" : "";

	if (have > sizeof ss)
		have = sizeof ss;
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, sa, have);
	if (have < sizeof(sa_family_t)) {
		snprintf(buf, bufsz, "(len %u)", (unsigned)len);
	} else if (ss.ss_family == AF_INET &&
		   have >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *i = (const struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &i->sin_addr, a, sizeof a);
		snprintf(buf, bufsz, "AF_INET %s:%u len %u", a,
			 ntohs(i->sin_port), (unsigned)len);
	} else if (ss.ss_family == AF_INET6 &&
		   have >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *i = (const struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &i->sin6_addr, a, sizeof a);
		snprintf(buf, bufsz, "AF_INET6 [%s]:%u len %u", a,
			 ntohs(i->sin6_port), (unsigned)len);
	} else if ((ss.ss_family == AF_INET || ss.ss_family == AF_INET6) &&
		   have >= 4) {
		const struct sockaddr_in *i = (const struct sockaddr_in *)&ss;
		snprintf(buf, bufsz, "%s port %u len %u%s",
			 ss.ss_family == AF_INET ? "AF_INET" : "AF_INET6",
			 ntohs(i->sin_port), (unsigned)len, trunc);
	} else {
		snprintf(buf, bufsz, "family %d len %u%s", ss.ss_family,
			 (unsigned)len, trunc);
	}
	return buf;
}

#define FMT_SA(obj, len, b) fmt_sa(&(obj), sizeof(obj), (len), (b), sizeof(b))

static inline bool v6_is_mapped(const struct in6_addr *a)
{
	static const uint8_t pfx[12] = { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };
	return memcmp(a->s6_addr, pfx, 12) == 0;
}

/* Open descriptors below max (no /proc needed). */
static inline int progs_count_fds(int max)
{
	int n = 0;

	for (int fd = 0; fd < max; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/* ---- I/O ------------------------------------------------------------- */

static inline int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pf = { .fd = fd, .events = POLLOUT };
				poll(&pf, 1, 10000);
				continue;
			}
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes (waiting up to 10 s per chunk on non-blocking
 * sockets).  0 on success, -1 with errno (ETIMEDOUT, ECONNRESET, 0 for
 * EOF). */
static inline int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd pf = { .fd = fd, .events = POLLIN };
				if (poll(&pf, 1, 10000) == 0) {
					errno = ETIMEDOUT;
					return -1;
				}
				continue;
			}
			return -1;
		}
		if (n == 0) {
			errno = 0;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read one line (without the '\n') byte by byte, so nothing after it is
 * consumed.  Returns the length or -1. */
static inline int read_line(int fd, char *buf, size_t bufsz)
{
	size_t i = 0;

	while (i + 1 < bufsz) {
		char c;
		if (read_all(fd, &c, 1) < 0)
			return -1;
		if (c == '\n') {
			buf[i] = 0;
			return (int)i;
		}
		buf[i++] = c;
	}
	errno = EMSGSIZE;
	return -1;
}

/* The echo service of srv.c greets every connection with
 *   PEER <ipv4> <port> TOS <tos>
 * (what the server sees: address, source port, IPv4 TOS of the ACK that
 * completed the handshake or -1), then echoes. */
struct greeting {
	char addr[INET6_ADDRSTRLEN];
	unsigned port;
	int tos;
};

static inline int read_greeting(int fd, struct greeting *g, char *err,
				size_t errsz)
{
	char line[160];
	int n;

	memset(g, 0, sizeof *g);
	n = read_line(fd, line, sizeof line);
	if (n < 0) {
		snprintf(err, errsz, "reading greeting: %s",
			 errno ? strerror(errno) : "EOF");
		return -1;
	}
	if (sscanf(line, "PEER %45s %u TOS %d", g->addr, &g->port,
		   &g->tos) != 3) {
		snprintf(err, errsz, "bad greeting \"%s\"", line);
		return -1;
	}
	return 0;
}

/* Send msg, read it back, compare.  0 or -1 with a reason in err. */
static inline int echo_roundtrip(int fd, const char *msg, char *err,
				 size_t errsz)
{
	char back[256];
	size_t len = strlen(msg);

	if (len > sizeof back) {
		snprintf(err, errsz, "message too long");
		return -1;
	}
	if (write_all(fd, msg, len) < 0) {
		snprintf(err, errsz, "write: %s", strerror(errno));
		return -1;
	}
	if (read_all(fd, back, len) < 0) {
		snprintf(err, errsz, "read echo: %s",
			 errno ? strerror(errno) : "EOF");
		return -1;
	}
	if (memcmp(back, msg, len)) {
		snprintf(err, errsz, "echo differs");
		return -1;
	}
	return 0;
}

/* Blocking TCP connect to addr:port over AF_INET.  Returns fd or -1
 * (errno kept). */
static inline int tcp_connect4(const char *addr, unsigned port)
{
	struct sockaddr_in sa = sin4(addr, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static inline void set_timeouts(int fd, int seconds)
{
	struct timeval tv = { .tv_sec = seconds, .tv_usec = 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* FNV-1a 64 (shared with srv.c's checksum service). */
#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME  0x100000001b3ULL

static inline uint64_t fnv1a64(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV64_PRIME;
	}
	return h;
}

/* ---- received messages (t_icmp, t_icmperr) --------------------------- */

/* One message read with recvmsg(2), and what an IPv4 program looks at in
 * its control messages. */
struct progs_msg {
	unsigned char data[2048];
	ssize_t n;
	struct sockaddr_storage name;
	socklen_t namelen;
	int ttl;                        /* IP_TTL, -1 when none */
	bool ipv6_cmsg;                 /* some IPv6-level message came */
	bool have_ee;                   /* IP_RECVERR: ee and off */
	struct sock_extended_err ee;
	struct sockaddr_in off;
};

/* The source (or error-queue destination) of m as an IPv4 address. */
static inline const struct sockaddr_in *progs_sin(const struct progs_msg *m)
{
	return (const struct sockaddr_in *)(const void *)&m->name;
}

/* Wait up to 5 s for fd (its error queue with MSG_ERRQUEUE in flags,
 * else data) and read one message into m: 0, or -1 with errno
 * (ETIMEDOUT when nothing came). */
static inline int progs_recv(int fd, int flags, struct progs_msg *m)
{
	bool errq = (flags & MSG_ERRQUEUE) != 0;
	struct pollfd p = { .fd = fd, .events = errq ? 0 : POLLIN };
	union {
		char buf[512];
		struct cmsghdr align;
	} u;
	struct iovec iov = { m->data, sizeof(m->data) };
	struct msghdr h;
	struct cmsghdr *c;

	memset(m, 0, sizeof(*m));
	m->ttl = -1;
	if (poll(&p, 1, 5000) != 1 || (errq && !(p.revents & POLLERR))) {
		errno = ETIMEDOUT;
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.msg_name = &m->name;
	h.msg_namelen = sizeof(m->name);
	h.msg_iov = &iov;
	h.msg_iovlen = 1;
	h.msg_control = u.buf;
	h.msg_controllen = sizeof(u.buf);
	m->n = recvmsg(fd, &h, flags);
	if (m->n < 0)
		return -1;
	m->namelen = h.msg_namelen;
	for (c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR &&
		    c->cmsg_len >= CMSG_LEN(sizeof(m->ee) + sizeof(m->off))) {
			memcpy(&m->ee, CMSG_DATA(c), sizeof(m->ee));
			memcpy(&m->off, CMSG_DATA(c) + sizeof(m->ee),
			       sizeof(m->off));
			m->have_ee = true;
		} else if (c->cmsg_level == IPPROTO_IPV6) {
			m->ipv6_cmsg = true;
		} else if (c->cmsg_level == IPPROTO_IP &&
			   c->cmsg_type == IP_TTL) {
			memcpy(&m->ttl, CMSG_DATA(c), sizeof(int));
		}
	}
	return 0;
}

#endif
