/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up cost of a library in /etc/ld.so.preload (bench/startup.sh).
 *
 *   startup ROUNDS RUNS WARMUP PRELOAD_FILE NAME=FILE... -- PROG [ARG...]
 *
 * ROUNDS rounds of RUNS runs of PROG in each mode NAME, its output to
 * /dev/null.  Within a round the modes' runs alternate one by one (each
 * set of one run per mode in a shuffled order), so that drift of
 * the machine, which on a shared VM moves the time of a run by tens of
 * per cent over seconds, hits every mode alike: before each run
 * PRELOAD_FILE gets the content of the mode's FILE (or is removed, for
 * FILE "-").  Each run's CPU time (user + system: the kernel's run time
 * of that child, from wait4's rusage), wall time and minor page faults
 * are taken.  WARMUP runs of each mode come first, unmeasured.  One line
 * per round:
 *   round R NAME=CPU_NS_PER_RUN,WALL_NS_PER_RUN,MINOR_FAULTS_PER_RUN,
 *               MEDIAN_CPU_NS_OF_A_RUN ...
 * (the first three are means over the round's runs of that mode).
 *
 * It never writes the host's /etc: PRELOAD_FILE must be in a directory
 * on an overlay file system (the private /etc that bench/startup.sh
 * mounts in a mount namespace of its own), or it refuses. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/magic.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

#define MAX_MODES 8

struct mode {
	const char *name;
	char *content;		/* NULL: no file */
	size_t len;
};

static void die(const char *what, int err)
{
	fprintf(stderr, "startup: %s%s%s\n", what, err ? ": " : "",
		err ? strerror(err) : "");
	exit(1);
}

static char *slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die(path, errno);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory", 0);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die(path, errno);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
}

static void put(const char *path, const struct mode *m)
{
	size_t off = 0;
	int fd;

	if (!m->content) {
		if (unlink(path) < 0 && errno != ENOENT)
			die(path, errno);
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(path, errno);
	while (off < m->len) {
		ssize_t w = write(fd, m->content + off, m->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			die(path, errno);
		off += (size_t)w;
	}
	if (close(fd) < 0)
		die(path, errno);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static long long median(long long *v, unsigned long n)
{
	qsort(v, n, sizeof(*v), cmp_ll);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One run of argv, which must exit 0: its CPU time (user + system, ns,
 * from wait4's rusage: the kernel's run time of that child), wall time
 * (ns, spawn to reaped) and minor page faults. */
static void run_one(char **argv, const posix_spawn_file_actions_t *fa,
		    const char *mode, long long *cpu, long long *wall,
		    long long *minflt)
{
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid;
	int st, e;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = posix_spawn(&pid, argv[0], fa, NULL, argv, environ);
	if (e)
		die(argv[0], e);
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4", errno);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "startup: %s failed (status %#x) in mode %s\n",
			argv[0], st, mode);
		exit(1);
	}
	*cpu = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
		       1000000000LL +
	       (long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
	*wall = (long long)ns(&t0, &t1);
	*minflt = ru.ru_minflt;
}

/* order: 0..n-1 in a random order (Fisher-Yates; xorshift64 in *seed,
 * which must not be 0). */
static void shuffle(int *order, int n, uint64_t *seed)
{
	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = n - 1; i > 0; i--) {
		uint64_t x = *seed;
		int k, t;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		*seed = x;
		k = (int)(x % (uint64_t)(i + 1));
		t = order[i];
		order[i] = order[k];
		order[k] = t;
	}
}

int main(int argc, char **argv)
{
	struct mode modes[MAX_MODES];
	posix_spawn_file_actions_t fa;
	long long *cpu;
	unsigned long rounds, n, warm;
	const char *path;
	char dir[4096];
	struct statfs sf;
	int nm = 0, i = 5;
	uint64_t seed = 0x9e3779b97f4a7c15ULL; /* the same orders every time */

	if (argc < 8 || parse_ul(argv[1], 100000, &rounds) ||
	    parse_ul(argv[2], 1000000, &n) || parse_ul(argv[3], 1000000, &warm) ||
	    rounds < 1 || n < 1) {
		fprintf(stderr, "usage: startup ROUNDS RUNS WARMUP PRELOAD_FILE "
			"NAME=FILE... -- PROG [ARG...]\n");
		return 2;
	}
	path = argv[4];
	snprintf(dir, sizeof(dir), "%s", path);
	if (statfs(dirname(dir), &sf) < 0)
		die(path, errno);
	if (sf.f_type != OVERLAYFS_SUPER_MAGIC) {
		fprintf(stderr, "startup: %s is not on an overlay file system: "
			"run me from bench/startup.sh\n", path);
		return 1;
	}
	for (; i < argc && strcmp(argv[i], "--"); i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq || eq == argv[i] || nm == MAX_MODES)
			die("modes are NAME=FILE (at most 8)", 0);
		*eq = '\0';
		modes[nm].name = argv[i];
		modes[nm].content = NULL;
		modes[nm].len = 0;
		if (strcmp(eq + 1, "-"))
			modes[nm].content = slurp(eq + 1, &modes[nm].len);
		nm++;
	}
	if (i + 1 >= argc || nm == 0)
		die("no modes or no program", 0);
	argv += i + 1;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (int m = 0; m < nm; m++) {
		put(path, &modes[m]);
		for (unsigned long j = 0; j < warm; j++) {
			long long c, w, f;

			run_one(argv, &fa, modes[m].name, &c, &w, &f);
		}
	}
	cpu = malloc((size_t)nm * n * sizeof(*cpu));
	if (!cpu)
		die("out of memory", 0);
	for (unsigned long r = 0; r < rounds; r++) {
		long long wsum[MAX_MODES] = { 0 }, fsum[MAX_MODES] = { 0 };
		long long csum[MAX_MODES] = { 0 };

		/* the modes' runs alternate one by one, each set of nm runs
		 * in an order of its own, shuffled: with an order that only
		 * turned, each mode always ran right after the same other
		 * one (lib after none), whose traces in the caches and the
		 * page tables' memory it then met every time */
		for (unsigned long j = 0; j < n; j++) {
			int order[MAX_MODES];

			shuffle(order, nm, &seed);
			for (int k = 0; k < nm; k++) {
				int m = order[k];
				long long c, w, f;

				put(path, &modes[m]);
				run_one(argv, &fa, modes[m].name, &c, &w, &f);
				cpu[(size_t)m * n + j] = c;
				csum[m] += c;
				wsum[m] += w;
				fsum[m] += f;
			}
		}
		printf("round %lu", r + 1);
		for (int m = 0; m < nm; m++)
			printf(" %s=%.0f,%.0f,%.2f,%lld", modes[m].name,
			       (double)csum[m] / (double)n,
			       (double)wsum[m] / (double)n,
			       (double)fsum[m] / (double)n,
			       median(cpu + (size_t)m * n, n));
		printf("\n");
		fflush(stdout);
	}
	posix_spawn_file_actions_destroy(&fa);
	put(path, &(struct mode){ .name = "none" });
	return 0;
}
