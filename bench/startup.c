/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Start-up cost of a library in /etc/ld.so.preload (bench/startup.sh).
 *
 *   startup ROUNDS RUNS WARMUP PRELOAD_FILE NAME=FILE... -- PROG [ARG...]
 *
 * For each of ROUNDS rounds and each mode NAME (the order turns by one
 * from round to round, so that drift of the machine hits every mode
 * alike), PRELOAD_FILE gets the content of FILE (or is removed, for
 * FILE "-"), then PROG runs RUNS times, one after the other, its output
 * to /dev/null, and the CPU time (user + system) those RUNS children used
 * is taken from getrusage(RUSAGE_CHILDREN) before and after, and each
 * run's own from wait4.  WARMUP runs of each mode come first, unmeasured.
 * One line per round:
 *   round R NAME=CPU_NS_PER_RUN,WALL_NS_PER_RUN,MINOR_FAULTS_PER_RUN,
 *               MEDIAN_CPU_NS_OF_A_RUN ...
 *
 * It never writes the host's /etc: PRELOAD_FILE must be in a directory
 * on an overlay file system (the private /etc that bench/startup.sh
 * mounts in a mount namespace of its own), or it refuses. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/magic.h>
#include <spawn.h>
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

/* CPU time (ns) and minor page faults of the children waited for. */
static long long cpu_ns(long long *minflt)
{
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		die("getrusage", errno);
	*minflt = ru.ru_minflt;
	return (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
		       1000000000LL +
	       (long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* RUNS runs of argv, one after the other; all must exit 0.  Each run's
 * CPU time (user + system, ns, from wait4's rusage: the kernel's exact
 * run time of that child) goes to cpu[] when cpu is not NULL; returns
 * their median (0 without cpu): a run that a burst elsewhere on the
 * machine slowed down moves it less than it moves the sum. */
static long long runs(char **argv, unsigned long n, const char *mode,
		      long long *cpu)
{
	posix_spawn_file_actions_t fa;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (unsigned long i = 0; i < n; i++) {
		pid_t pid;
		struct rusage ru;
		int st, e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);

		if (e)
			die(argv[0], e);
		while (wait4(pid, &st, 0, &ru) < 0)
			if (errno != EINTR)
				die("wait4", errno);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "startup: %s failed (status %#x) in mode %s\n",
				argv[0], st, mode);
			exit(1);
		}
		if (cpu)
			cpu[i] = (long long)(ru.ru_utime.tv_sec +
					     ru.ru_stime.tv_sec) * 1000000000LL +
				 (long long)(ru.ru_utime.tv_usec +
					     ru.ru_stime.tv_usec) * 1000LL;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (!cpu)
		return 0;
	qsort(cpu, n, sizeof(*cpu), cmp_ll);
	return n % 2 ? cpu[n / 2] : (cpu[n / 2 - 1] + cpu[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	struct mode modes[MAX_MODES];
	long long *cpu;
	unsigned long rounds, n, warm;
	const char *path;
	char dir[4096];
	struct statfs sf;
	int nm = 0, i = 5;

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

	for (int m = 0; m < nm; m++) {
		put(path, &modes[m]);
		runs(argv, warm, modes[m].name, NULL);
	}
	cpu = malloc(n * sizeof(*cpu));
	if (!cpu)
		die("out of memory", 0);
	for (unsigned long r = 0; r < rounds; r++) {
		printf("round %lu", r + 1);
		for (int k = 0; k < nm; k++) {
			const struct mode *m = &modes[(k + r) % (unsigned long)nm];
			struct timespec t0, t1;
			long long c0, c1, f0, f1, med;

			put(path, m);
			c0 = cpu_ns(&f0);
			clock_gettime(CLOCK_MONOTONIC, &t0);
			med = runs(argv, n, m->name, cpu);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			c1 = cpu_ns(&f1);
			printf(" %s=%.0f,%.0f,%.2f,%lld", m->name,
			       (double)(c1 - c0) / (double)n,
			       ns(&t0, &t1) / (double)n,
			       (double)(f1 - f0) / (double)n, med);
		}
		printf("\n");
		fflush(stdout);
	}
	put(path, &(struct mode){ .name = "none" });
	return 0;
}
