/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Many threads making translated connects at the same moment, each on
 * its own socket, each exchanging data and checking getpeername and that
 * the server saw the port getsockname reports.
 *
 *   t_threads [-a ADDR4] [-e ECHOPORT] [-t THREADS]
 *
 * Runs under the library in the IPv6-only client namespace. */
#include "progs.h"

struct job {
	const struct progs_opts *o;
	pthread_barrier_t *go;
	int index;
	int ok;
	char err[256];
};

static void *worker(void *arg)
{
	struct job *j = arg;
	struct sockaddr_in want = sin4(j->o->addr, j->o->echo_port), got;
	socklen_t len;
	struct greeting g;
	char msg[64], b[96];
	int fd, rounds;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		snprintf(j->err, sizeof j->err, "socket: %s", strerror(errno));
		pthread_barrier_wait(j->go);
		return NULL;
	}
	set_timeouts(fd, 30);
	pthread_barrier_wait(j->go);
	if (connect(fd, (struct sockaddr *)&want, sizeof want) < 0) {
		snprintf(j->err, sizeof j->err, "connect: %s", strerror(errno));
		goto out;
	}
	len = sizeof got;
	if (getpeername(fd, (struct sockaddr *)&got, &len) < 0 ||
	    len != sizeof got || memcmp(&got, &want, sizeof want)) {
		snprintf(j->err, sizeof j->err, "getpeername %s",
			 FMT_SA(got, len, b));
		goto out;
	}
	len = sizeof got;
	if (getsockname(fd, (struct sockaddr *)&got, &len) < 0 ||
	    got.sin_family != AF_INET) {
		snprintf(j->err, sizeof j->err, "getsockname %s",
			 FMT_SA(got, len, b));
		goto out;
	}
	if (read_greeting(fd, &g, j->err, sizeof j->err) < 0)
		goto out;
	if (g.port != ntohs(got.sin_port)) {
		snprintf(j->err, sizeof j->err,
			 "server saw port %u, getsockname %u", g.port,
			 ntohs(got.sin_port));
		goto out;
	}
	for (rounds = 0; rounds < 20; rounds++) {
		snprintf(msg, sizeof msg, "thread %d round %d\n", j->index,
			 rounds);
		if (echo_roundtrip(fd, msg, j->err, sizeof j->err) < 0)
			goto out;
	}
	j->ok = 1;
out:
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct progs_opts o;
	pthread_barrier_t go;
	pthread_t *tids;
	struct job *jobs;
	unsigned n, ok = 0, started = 0;
	char name[64];

	progs_getopt(argc, argv, &o);
	n = o.threads;
	tids = calloc(n, sizeof *tids);
	jobs = calloc(n, sizeof *jobs);
	if (!tids || !jobs)
		return 2;
	pthread_barrier_init(&go, NULL, n);
	for (unsigned i = 0; i < n; i++) {
		jobs[i].o = &o;
		jobs[i].go = &go;
		jobs[i].index = (int)i;
		snprintf(jobs[i].err, sizeof jobs[i].err, "thread not run");
		if (pthread_create(&tids[i], NULL, worker, &jobs[i])) {
			fail("threads_all_connect", "pthread_create failed");
			/* the barrier can never open: give up */
			fflush(stdout);
			_exit(1);
		}
		started++;
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	for (unsigned i = 0; i < n; i++) {
		if (jobs[i].ok) {
			ok++;
		} else {
			snprintf(name, sizeof name, "threads_thread_%u", i);
			fail(name, "%s", jobs[i].err);
		}
	}
	snprintf(name, sizeof name, "threads_%u_parallel_connects", n);
	check(name, ok == n, "%u of %u threads succeeded", ok, n);
	pthread_barrier_destroy(&go);
	free(tids);
	free(jobs);
	return progs_exit();
}
