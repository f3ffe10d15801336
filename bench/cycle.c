/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark client: N blocking connect-and-close cycles
 * (socket, connect, close) to ADDR PORT, then one line
 *   cpu_ns_per_cycle=X wall_ns_per_cycle=Y cycles=N errors=E
 * CPU time is the process's (CLOCK_PROCESS_CPUTIME_ID, user + system)
 * over the measured loop only, after WARMUP unmeasured cycles.
 *
 *   cycle ADDR PORT N [WARMUP [SHAPE]]
 *
 * SHAPE "plain" (the default): socket, connect, close.  "peer": socket,
 * connect, getpeername, SO_LINGER 0 (the close resets the connection:
 * no FIN exchange, no TIME_WAIT), close: the cycle of issue 15, what a
 * client that looks at its peer (Go's dialer does) costs.
 *
 * ADDR is an IPv4 or IPv6 literal.  Exits 1 when more than 1% of the
 * cycles failed. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static unsigned long run(const struct sockaddr *sa, socklen_t len,
			 int family, unsigned long n, int peer,
			 int *last_errno)
{
	unsigned long errors = 0;
	const struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	for (unsigned long i = 0; i < n; i++) {
		int fd = socket(family, SOCK_STREAM, 0);

		if (fd < 0) {
			*last_errno = errno;
			errors++;
			continue;
		}
		if (connect(fd, sa, len) < 0) {
			*last_errno = errno;
			errors++;
		} else if (peer) {
			struct sockaddr_storage p;
			socklen_t pl = sizeof(p);

			if (getpeername(fd, (struct sockaddr *)&p, &pl) < 0 ||
			    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
				       sizeof(lg)) < 0) {
				*last_errno = errno;
				errors++;
			} else if (p.ss_family != family) {
				*last_errno = EAFNOSUPPORT;
				errors++;
			}
		}
		close(fd);
	}
	return errors;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	const struct sockaddr *sa;
	socklen_t len;
	unsigned long port, n, warmup = 1000, errors;
	struct timespec c0, c1, w0, w1;
	int family, last_errno = 0, peer = 0;

	if (argc == 6 && !strcmp(argv[5], "peer"))
		peer = 1;
	else if (argc == 6 && strcmp(argv[5], "plain"))
		argc = 0;   /* usage */
	if (argc < 4 || argc > 6 || parse_ul(argv[2], 65535, &port) ||
	    port == 0 || parse_ul(argv[3], 1000000000UL, &n) || n == 0 ||
	    (argc >= 5 && parse_ul(argv[4], 1000000000UL, &warmup))) {
		fprintf(stderr, "usage: cycle ADDR PORT N [WARMUP [plain|peer]]\n");
		return 2;
	}
	family = parse_ip(argv[1], port, &ss, &len);
	if (family < 0) {
		fprintf(stderr, "cycle: not an IP literal: %s\n", argv[1]);
		return 2;
	}
	sa = (const struct sockaddr *)&ss;

	run(sa, len, family, warmup, peer, &last_errno);
	clock_gettime(CLOCK_MONOTONIC, &w0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	errors = run(sa, len, family, n, peer, &last_errno);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &w1);
	printf("cpu_ns_per_cycle=%.1f wall_ns_per_cycle=%.1f cycles=%lu "
	       "errors=%lu\n", ns(&c0, &c1) / (double)n,
	       ns(&w0, &w1) / (double)n, n, errors);
	if (errors)
		fprintf(stderr, "cycle: %lu of %lu cycles failed, last: %s\n",
			errors, n, strerror(last_errno));
	return errors * 100 > n ? 1 : 0;
}
