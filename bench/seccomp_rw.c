/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Read/write loop for the seccomp mode benchmark: a TCP connection to
 * itself over 127.0.0.1 (the connect is trapped once and let through),
 * then N iterations of write(64 bytes) on one end and read(64 bytes) on
 * the other, in one thread.  Prints
 *   cpu_ns_per_iter=C wall_ns_per_iter=X iters=N
 * (C: the process's CPU time, user + system, over the measured loop).
 * Under tnat64-seccomp, read and write are not trapped: the ratio to a
 * run without it shows what the filter itself costs.
 *
 *   seccomp_rw N [WARMUP] */
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

static int loop(int a, int b, unsigned long n)
{
	char buf[64];

	memset(buf, 'x', sizeof buf);
	for (unsigned long i = 0; i < n; i++) {
		if (write(a, buf, sizeof buf) != (ssize_t)sizeof buf)
			return -1;
		if (read(b, buf, sizeof buf) != (ssize_t)sizeof buf)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	socklen_t l = sizeof sa;
	unsigned long n, warm = 1000;
	struct timespec t0, t1, c0, c1;
	int ls, a, b;

	if (argc < 2 || parse_ul(argv[1], 1UL << 40, &n) < 0 ||
	    (argc > 2 && parse_ul(argv[2], 1UL << 40, &warm) < 0)) {
		fprintf(stderr, "usage: %s N [WARMUP]\n", argv[0]);
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(ls, 1) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &l) < 0) {
		perror("listen");
		return 1;
	}
	a = socket(AF_INET, SOCK_STREAM, 0);
	if (a < 0 || connect(a, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror("connect");
		return 1;
	}
	b = accept(ls, NULL, NULL);
	if (b < 0) {
		perror("accept");
		return 1;
	}
	if (loop(a, b, warm) < 0) {
		perror("loop");
		return 1;
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (loop(a, b, n) < 0) {
		perror("loop");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	printf("cpu_ns_per_iter=%.1f wall_ns_per_iter=%.1f iters=%lu\n",
	       ((double)(c1.tv_sec - c0.tv_sec) * 1e9 +
		(double)(c1.tv_nsec - c0.tv_nsec)) / (double)n,
	       ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
		(double)(t1.tv_nsec - t0.tv_nsec)) / (double)n, n);
	return 0;
}
