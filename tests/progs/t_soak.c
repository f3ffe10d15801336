/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Long runs under the library (tests/integration/t_soak.sh; `make soak`
 * runs them at full size, `make check` small):
 *
 *   connects N   N translated connect-and-close cycles to the echo
 *                service (SO_LINGER 0: no TIME_WAIT), one process
 *   dgrams N     N translated datagrams (sendto) to the echo service's
 *                UDP port ("!": no answer asked for), one process
 *   threads N    64 threads doing N connect-and-close cycles each while
 *                two more fork and exec /bin/true over and over
 *
 * connects and dgrams print the descriptor count and resident size
 * after the first 10,000 and at the end, and fail when the count differs
 * or the resident size grew by 1 MiB or more.  Mode from the environment:
 * SOAK="connects 1000000" and the like. */
#include "progs.h"

#include <stdatomic.h>
#include <sys/wait.h>

static struct progs_opts o;
static atomic_long errors, forks;
static atomic_int stop;

static int count_fds(void)
{
	return progs_count_fds(1024);
}

static long rss_kb(void)
{
	char buf[128];
	long size = 0, res = 0;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%ld %ld", &size, &res) != 2)
		return -1;
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static int cycle(const struct sockaddr_in *sa)
{
	struct linger l = { 1, 0 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	r = connect(fd, (const struct sockaddr *)sa, sizeof *sa) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int dgram(int fd, const struct sockaddr_in *sa)
{
	return sendto(fd, "!soak", 5, 0, (const struct sockaddr *)sa,
		      sizeof *sa) == 5 ? 0 : -errno;
}

/* Run op n times; check descriptors and resident size between the
 * first 10,000 and the end. */
static void steady(const char *what, unsigned long n, int fd,
		   const struct sockaddr_in *sa)
{
	unsigned long bad = 0, first = n < 10000 ? n : 10000;
	int fds1 = 0, fds2, last = 0;
	long rss1 = 0, rss2;
	char name[128];

	/* printing brings in pages of its own: before the first count */
	printf("# %s: %lu\n", what, n);
	fflush(stdout);
	for (unsigned long i = 0; i < n; i++) {
		int r = fd < 0 ? cycle(sa) : dgram(fd, sa);

		/* a full socket buffer (ENOBUFS, EAGAIN) is not an error
		 * of ours: datagrams may be dropped */
		if (r && r != -ENOBUFS && r != -EAGAIN) {
			bad++;
			last = -r;
		}
		if (i + 1 == first) {
			fds1 = count_fds();
			rss1 = rss_kb();
			printf("# %s: after %lu: %d descriptors, RSS %ld kB\n",
			       what, first, fds1, rss1);
			fflush(stdout);
		}
	}
	fds2 = count_fds();
	rss2 = rss_kb();
	printf("# %s: after %lu: %d descriptors, RSS %ld kB (%+ld kB)\n", what,
	       n, fds2, rss2, rss2 - rss1);
	snprintf(name, sizeof name, "soak: %lu %s: all succeed", n, what);
	if (bad == 0)
		pass(name);
	else
		fail(name, "%lu failed, last: %s", bad, strerror(last));
	snprintf(name, sizeof name,
		 "soak: %lu %s: descriptors equal, RSS grown < 1 MiB", n, what);
	if (fds1 == fds2 && rss1 > 0 && rss2 - rss1 < 1024)
		pass(name);
	else
		fail(name, "descriptors %d -> %d, RSS %ld -> %ld kB", fds1,
		     fds2, rss1, rss2);
}

struct targ {
	const struct sockaddr_in *sa;
	unsigned long n;
};

static void *connector(void *p)
{
	const struct targ *t = p;

	for (unsigned long i = 0; i < t->n; i++)
		if (cycle(t->sa) != 0)
			atomic_fetch_add(&errors, 1);
	return NULL;
}

static void *forker(void *p)
{
	(void)p;
	while (!atomic_load(&stop)) {
		pid_t c = fork();
		int st;

		if (c == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			atomic_fetch_add(&errors, 1);
		else
			atomic_fetch_add(&forks, 1);
	}
	return NULL;
}

static void threads(unsigned long n, const struct sockaddr_in *sa)
{
	pthread_t c[64], f[2];
	struct targ t = { sa, n };
	int fds1 = count_fds(), fds2;
	char name[128];

	for (int i = 0; i < 2; i++)
		pthread_create(&f[i], NULL, forker, NULL);
	for (int i = 0; i < 64; i++)
		pthread_create(&c[i], NULL, connector, &t);
	for (int i = 0; i < 64; i++)
		pthread_join(c[i], NULL);
	atomic_store(&stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(f[i], NULL);
	fds2 = count_fds();
	printf("# threads: 64 x %lu cycles, %ld fork+exec, descriptors %d -> %d\n",
	       n, atomic_load(&forks), fds1, fds2);
	snprintf(name, sizeof name, "soak: 64 threads x %lu cycles while "
		 "forking and executing: all succeed, no descriptor left", n);
	if (atomic_load(&errors) == 0 && atomic_load(&forks) > 0 && fds1 == fds2)
		pass(name);
	else
		fail(name, "%ld errors, %ld fork+exec, descriptors %d -> %d",
		     atomic_load(&errors), atomic_load(&forks), fds1, fds2);
}

int main(int argc, char **argv)
{
	const char *mode = getenv("SOAK");
	struct sockaddr_in sa;
	char what[16] = "";
	unsigned long n = 0;

	progs_getopt(argc, argv, &o);
	sa = sin4(o.addr, o.echo_port);
	if (!mode || sscanf(mode, "%15s %lu", what, &n) != 2 || n == 0) {
		fprintf(stderr, "SOAK=\"connects|dgrams|threads N\" needed\n");
		return 2;
	}
	if (!strcmp(what, "connects")) {
		steady("connect cycles", n, -1, &sa);
	} else if (!strcmp(what, "dgrams")) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		sa = sin4(o.addr, o.sum_port); /* -s: the UDP echo port */
		steady("datagrams", n, fd, &sa);
		close(fd);
	} else if (!strcmp(what, "threads")) {
		threads(n, &sa);
	} else {
		fprintf(stderr, "unknown SOAK mode %s\n", what);
		return 2;
	}
	return progs_exit();
}
