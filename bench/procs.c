/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark driver: runs CMD N times, one after the other (fork, execvp,
 * wait), its output to /dev/null, and prints one line
 *   wall_ns_per_proc=X cpu_ns_per_proc=Y procs=N failed=F
 * CPU time is the children's (user + system, getrusage). Exits 1 when a
 * run failed.
 *
 *   procs N CMD [ARG...] */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static double tv_ns(const struct timeval *t)
{
	return (double)t->tv_sec * 1e9 + (double)t->tv_usec * 1e3;
}

int main(int argc, char **argv)
{
	unsigned long n, failed = 0;
	struct timespec w0, w1;
	struct rusage ru;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (argc < 3 || parse_ul(argv[1], 100000000UL, &n) || n == 0 ||
	    null < 0) {
		fprintf(stderr, "usage: procs N CMD [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &w0);
	for (unsigned long i = 0; i < n; i++) {
		int st;
		pid_t p = fork();

		if (p == 0) {
			dup2(null, 1);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			failed++;
	}
	clock_gettime(CLOCK_MONOTONIC, &w1);
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("wall_ns_per_proc=%.1f cpu_ns_per_proc=%.1f procs=%lu "
	       "failed=%lu\n", ns(&w0, &w1) / (double)n,
	       (tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime)) / (double)n, n,
	       failed);
	return failed ? 1 : 0;
}
