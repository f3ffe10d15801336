/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UDP benchmark (bench/run_udp.sh).
 *
 *   udp send ADDR PORT N [WARMUP [SIZE]]
 *       N datagrams of SIZE bytes (default 64) in a tight sendto loop on
 *       one unconnected socket of ADDR's family (AF_INET for an IPv4
 *       literal: translated when the library is loaded; AF_INET6 for an
 *       IPv6 one), after WARMUP (default 10000) unmeasured ones on the
 *       same socket (the first translated send replaces the socket).
 *       Prints one line
 *         cpu_ns_per_dgram=X wall_ns_per_dgram=Y dgrams_per_s=Z sent=N errors=E
 *       CPU time is the process's (CLOCK_PROCESS_CPUTIME_ID, user +
 *       system) over the measured loop; dgrams_per_s is N over the wall
 *       time of that loop.  Exits 1 when more than 1% of the sends failed.
 *   udp ab ADDR4 ADDR6 PORT N [CHUNK [SIZE]]
 *       Two unconnected sockets in one process, AF_INET sending to ADDR4
 *       (translated when the library is loaded) and AF_INET6 sending to
 *       ADDR6 (passed through), alternating chunks of CHUNK (default 1000)
 *       sendto calls until each has sent N (after one warm-up chunk
 *       each); the CPU time of every chunk (CLOCK_THREAD_CPUTIME_ID) goes
 *       to its socket.  Fine-grained alternation cancels the drift of a
 *       busy machine.  Prints one line
 *         v4_cpu_ns_per_dgram=X v6_cpu_ns_per_dgram=Y ratio_v6_over_v4=R errors=E
 *   udp sink PORT
 *       Receives and drops everything sent to [::]:PORT (dual-stack),
 *       in batches; runs until killed.
 *   udp echo PORT
 *       Sends every datagram to [::]:PORT back to its source; runs until
 *       killed.
 *   udp rr ADDR PORT N [WARMUP [SIZE]]
 *       N request/response exchanges with an echo at ADDR PORT on one
 *       unconnected socket of ADDR's family: sendto, then recvfrom with
 *       the source (a reply not back within a second counts as an
 *       error), after WARMUP (default 1000) unmeasured ones.  Prints
 *         cpu_ns_per_rr=X wall_ns_per_rr=Y rr=N errors=E
 *       Exits 1 when more than 1% of the exchanges failed. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

__attribute__((noreturn)) static void usage(void)
{
	fprintf(stderr, "usage: udp send ADDR PORT N [WARMUP [SIZE]]\n"
		"       udp ab ADDR4 ADDR6 PORT N [CHUNK [SIZE]]\n"
		"       udp sink PORT\n"
		"       udp echo PORT\n"
		"       udp rr ADDR PORT N [WARMUP [SIZE]]\n");
	exit(2);
}

/* A dual-stack datagram socket bound to [::]:port, or -1. */
static int bind_any(unsigned long port)
{
	struct sockaddr_in6 a;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), off = 0, big = 8 << 20;

	memset(&a, 0, sizeof a);
	a.sin6_family = AF_INET6;
	a.sin6_port = htons((unsigned short)port);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("udp: bind");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	return fd;
}

static int echo(unsigned long port)
{
	static char buf[65536];
	struct sockaddr_storage from;
	int fd = bind_any(port);

	if (fd < 0)
		return 1;
	for (;;) {
		socklen_t l = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0,
				     (struct sockaddr *)&from, &l);

		if (n >= 0)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
			       l);
		else if (errno != EINTR)
			return 1;
	}
}

static int open_dst(const char *addr, unsigned long port,
		    struct sockaddr_storage *ss, socklen_t *len);

static unsigned long rr_run(int fd, const struct sockaddr *sa, socklen_t len,
			    char *buf, size_t size, unsigned long n,
			    int *last_errno)
{
	unsigned long errors = 0;

	for (unsigned long i = 0; i < n; i++) {
		struct sockaddr_storage from;
		socklen_t l = sizeof from;
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (sendto(fd, buf, size, 0, sa, len) < 0 ||
		    poll(&p, 1, 1000) != 1 ||
		    recvfrom(fd, buf, size, 0, (struct sockaddr *)&from,
			     &l) < 0) {
			*last_errno = errno ? errno : ETIMEDOUT;
			errors++;
		}
	}
	return errors;
}

static int rr(int argc, char **argv)
{
	static char buf[65507];
	struct sockaddr_storage ss;
	unsigned long port, n, warmup = 1000, size = 64, errors;
	struct timespec c0, c1, w0, w1;
	socklen_t len;
	int fd, last_errno = 0;

	if (argc < 5 || argc > 7 || parse_ul(argv[3], 65535, &port) ||
	    port == 0 || parse_ul(argv[4], 1000000000UL, &n) || n == 0 ||
	    (argc >= 6 && parse_ul(argv[5], 1000000000UL, &warmup)) ||
	    (argc == 7 && (parse_ul(argv[6], sizeof buf, &size) || !size)))
		usage();
	fd = open_dst(argv[2], port, &ss, &len);
	if (fd < 0) {
		perror("udp: socket");
		return 1;
	}
	memset(buf, 'r', size);
	rr_run(fd, (struct sockaddr *)&ss, len, buf, size, warmup,
	       &last_errno);
	clock_gettime(CLOCK_MONOTONIC, &w0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	errors = rr_run(fd, (struct sockaddr *)&ss, len, buf, size, n,
			&last_errno);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &w1);
	printf("cpu_ns_per_rr=%.1f wall_ns_per_rr=%.1f rr=%lu errors=%lu\n",
	       ns(&c0, &c1) / (double)n, ns(&w0, &w1) / (double)n, n, errors);
	if (errors)
		fprintf(stderr, "udp: %lu of %lu exchanges failed, last: %s\n",
			errors, n, strerror(last_errno));
	close(fd);
	return errors * 100 > n ? 1 : 0;
}

static int sink(unsigned long port)
{
	enum { BATCH = 64 };
	static char bufs[BATCH][2048];
	struct mmsghdr v[BATCH];
	struct iovec iov[BATCH];
	int fd = bind_any(port);

	if (fd < 0)
		return 1;
	for (;;) {
		memset(v, 0, sizeof v);
		for (int i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof bufs[i];
			v[i].msg_hdr.msg_iov = &iov[i];
			v[i].msg_hdr.msg_iovlen = 1;
		}
		if (recvmmsg(fd, v, BATCH, MSG_WAITFORONE, NULL) < 0 &&
		    errno != EINTR) {
			perror("udp sink: recvmmsg");
			return 1;
		}
	}
}

static unsigned long run(int fd, const struct sockaddr *sa, socklen_t len,
			 const char *buf, size_t size, unsigned long n,
			 int *last_errno)
{
	unsigned long errors = 0;

	for (unsigned long i = 0; i < n; i++) {
		if (sendto(fd, buf, size, 0, sa, len) < 0) {
			*last_errno = errno;
			errors++;
		}
	}
	return errors;
}

static int open_dst(const char *addr, unsigned long port,
		    struct sockaddr_storage *ss, socklen_t *len)
{
	if (parse_ip(addr, port, ss, len) < 0) {
		fprintf(stderr, "udp: not an IP literal: %s\n", addr);
		exit(2);
	}
	return socket(ss->ss_family, SOCK_DGRAM, 0);
}

static int ab(int argc, char **argv)
{
	static char buf[1500];
	struct sockaddr_storage d[2];
	socklen_t dl[2];
	unsigned long port, n, chunk = 1000, size = 64, errors = 0;
	double cpu[2] = { 0, 0 };
	int fd[2], last_errno = 0;

	if (argc < 6 || argc > 8 || parse_ul(argv[4], 65535, &port) ||
	    port == 0 || parse_ul(argv[5], 1000000000UL, &n) || n == 0 ||
	    (argc >= 7 && (parse_ul(argv[6], 1000000000UL, &chunk) ||
			   chunk == 0)) ||
	    (argc == 8 && parse_ul(argv[7], sizeof buf, &size)))
		usage();
	memset(buf, 'u', size);
	for (int k = 0; k < 2; k++) {
		fd[k] = open_dst(argv[2 + k], port, &d[k], &dl[k]);
		if (fd[k] < 0 || sendto(fd[k], buf, size, 0,
					(struct sockaddr *)&d[k], dl[k]) < 0) {
			fprintf(stderr, "udp: first send to %s: %s\n",
				argv[2 + k], strerror(errno));
			return 1;
		}
		run(fd[k], (struct sockaddr *)&d[k], dl[k], buf, size, chunk,
		    &last_errno);
	}
	for (unsigned long done = 0; done < n; done += chunk) {
		unsigned long c = n - done < chunk ? n - done : chunk;

		/* alternate which one goes first */
		for (int j = 0; j < 2; j++) {
			int k = (int)((done / chunk + (unsigned long)j) % 2);
			struct timespec t0, t1;

			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
			errors += run(fd[k], (struct sockaddr *)&d[k], dl[k],
				      buf, size, c, &last_errno);
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
			cpu[k] += ns(&t0, &t1);
		}
	}
	printf("v4_cpu_ns_per_dgram=%.1f v6_cpu_ns_per_dgram=%.1f "
	       "ratio_v6_over_v4=%.4f errors=%lu\n", cpu[0] / (double)n,
	       cpu[1] / (double)n, cpu[1] / cpu[0], errors);
	if (errors)
		fprintf(stderr, "udp: %lu sends failed, last: %s\n", errors,
			strerror(last_errno));
	return errors * 100 > 2 * n ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	const struct sockaddr *sa;
	socklen_t len;
	unsigned long port, n, warmup = 10000, size = 64, errors;
	struct timespec c0, c1, w0, w1;
	int family, fd, last_errno = 0;
	static char buf[65507];
	double wall;

	if (argc == 3 && strcmp(argv[1], "sink") == 0) {
		if (parse_ul(argv[2], 65535, &port) || port == 0)
			usage();
		return sink(port);
	}
	if (argc == 3 && strcmp(argv[1], "echo") == 0) {
		if (parse_ul(argv[2], 65535, &port) || port == 0)
			usage();
		return echo(port);
	}
	if (argc >= 2 && strcmp(argv[1], "ab") == 0)
		return ab(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "rr") == 0)
		return rr(argc, argv);
	if (argc < 5 || argc > 7 || strcmp(argv[1], "send") != 0 ||
	    parse_ul(argv[3], 65535, &port) || port == 0 ||
	    parse_ul(argv[4], 1000000000UL, &n) || n == 0 ||
	    (argc >= 6 && parse_ul(argv[5], 1000000000UL, &warmup)) ||
	    (argc == 7 && (parse_ul(argv[6], sizeof buf, &size))))
		usage();
	family = parse_ip(argv[2], port, &ss, &len);
	if (family < 0) {
		fprintf(stderr, "udp: not an IP literal: %s\n", argv[2]);
		return 2;
	}
	sa = (const struct sockaddr *)&ss;
	memset(buf, 'u', size);
	fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udp: socket");
		return 1;
	}
	/* The first send must work: it is the one that translates. */
	if (sendto(fd, buf, size, 0, sa, len) < 0) {
		fprintf(stderr, "udp: first sendto: %s\n", strerror(errno));
		return 1;
	}
	run(fd, sa, len, buf, size, warmup, &last_errno);
	clock_gettime(CLOCK_MONOTONIC, &w0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	errors = run(fd, sa, len, buf, size, n, &last_errno);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &w1);
	wall = ns(&w0, &w1);
	printf("cpu_ns_per_dgram=%.1f wall_ns_per_dgram=%.1f "
	       "dgrams_per_s=%.0f sent=%lu errors=%lu\n",
	       ns(&c0, &c1) / (double)n, wall / (double)n,
	       (double)n * 1e9 / wall, n, errors);
	if (errors)
		fprintf(stderr, "udp: %lu of %lu sends failed, last: %s\n",
			errors, n, strerror(last_errno));
	close(fd);
	return errors * 100 > n ? 1 : 0;
}
