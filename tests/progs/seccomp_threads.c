/* SPDX-License-Identifier: GPL-2.0-or-later */
/* N threads connect at once: N-1 to the echo service, one to a black
 * hole (an address nothing answers for).  Under tnat64-seccomp, the one
 * stuck connect must not hold up the others; a signal to the stuck
 * thread must interrupt its connect (EINTR) as without the supervisor.
 *
 *   seccomp_threads ADDR ECHOPORT BLACKHOLE PORT NTHREADS */
#include "progs.h"

#include <signal.h>
#include <stdatomic.h>

static const char *addr, *hole;
static unsigned echo_port, hole_port;
static pthread_barrier_t start;
static atomic_int done_ok, done_bad, hole_done;
static int hole_errno;

static void on_usr1(int sig)
{
	(void)sig;
}

static void *hole_thread(void *arg)
{
	struct sockaddr_in sa = sin4(hole, hole_port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), r;

	(void)arg;
	pthread_barrier_wait(&start);
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	hole_errno = r == 0 ? 0 : errno;
	atomic_store(&hole_done, 1);
	close(fd);
	return NULL;
}

static void *echo_thread(void *arg)
{
	struct greeting g;
	char err[256], msg[64];
	int fd;

	pthread_barrier_wait(&start);
	fd = tcp_connect4(addr, echo_port);
	if (fd < 0) {
		fail("threads/connect", "thread %ld: %s", (long)(intptr_t)arg,
		     strerror(errno));
		atomic_fetch_add(&done_bad, 1);
		return NULL;
	}
	snprintf(msg, sizeof msg, "thread %ld\n", (long)(intptr_t)arg);
	if (read_greeting(fd, &g, err, sizeof err) < 0 ||
	    echo_roundtrip(fd, msg, err, sizeof err) < 0) {
		fail("threads/echo", "thread %ld: %s", (long)(intptr_t)arg, err);
		atomic_fetch_add(&done_bad, 1);
	} else {
		atomic_fetch_add(&done_ok, 1);
	}
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	pthread_t *t, ht;
	int n, i;

	if (argc != 6) {
		fprintf(stderr, "usage: %s ADDR ECHOPORT BLACKHOLE PORT NTHREADS\n",
			argv[0]);
		return 2;
	}
	addr = argv[1];
	echo_port = (unsigned)progs_arg_num(argv[2], 65535);
	hole = argv[3];
	hole_port = (unsigned)progs_arg_num(argv[4], 65535);
	n = (int)progs_arg_num(argv[5], 1024);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;   /* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);

	t = calloc((size_t)n, sizeof(*t));
	pthread_barrier_init(&start, NULL, (unsigned)n);
	pthread_create(&ht, NULL, hole_thread, NULL);
	for (i = 1; i < n; i++)
		pthread_create(&t[i], NULL, echo_thread, (void *)(intptr_t)i);
	/* Bounded wait (a hang shows as a failure, not a stuck test). */
	for (i = 0; i < 300; i++) {
		if (atomic_load(&done_ok) + atomic_load(&done_bad) == n - 1)
			break;
		usleep(100 * 1000);
	}
	if (atomic_load(&hole_done)) {
		skip("threads/no-stall", "the black hole answered (errno %d)",
		     hole_errno);
	} else {
		check("threads/no-stall", atomic_load(&done_ok) == n - 1,
		      "%d of %d connects done while one was stuck",
		      atomic_load(&done_ok), n - 1);
	}
	for (i = 1; i < n; i++)
		pthread_join(t[i], NULL);

	if (!atomic_load(&hole_done)) {
		pthread_kill(ht, SIGUSR1);
		for (i = 0; i < 100 && !atomic_load(&hole_done); i++)
			usleep(100 * 1000);
		if (!atomic_load(&hole_done))
			fail("threads/signal-interrupts", "connect still stuck "
			     "10 s after SIGUSR1");
		else
			check("threads/signal-interrupts", hole_errno == EINTR,
			      "connect ended with %s", strerror(hole_errno));
		if (atomic_load(&hole_done))
			pthread_join(ht, NULL);
	}
	free(t);
	return progs_exit();
}
