/* SPDX-License-Identifier: GPL-2.0-or-later */
/* For the "supervisor killed" test: keeps one call held by the
 * supervisor (a blocking recvfrom on a translated UDP socket whose
 * datagram went to a black hole: nothing comes back) and one translated
 * connection open, prints READY, then makes a new connect every 100 ms.
 * Once the supervisor is killed, the held call and the new ones must
 * fail cleanly (ENOSYS: no listener any more) and the old connection
 * keep working.  (A blocking connect waits in the program's own call,
 * not in the supervisor: doc/seccomp.md.)
 *
 *   seccomp_kill ADDR ECHOPORT BLACKHOLE PORT */
#include "progs.h"

#include <stdatomic.h>

static const char *hole;
static unsigned hole_port;
static atomic_int hole_done;
static int hole_errno;

static void *hole_thread(void *arg)
{
	struct sockaddr_in sa = sin4(hole, hole_port), from;
	socklen_t l = sizeof from;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[16];
	ssize_t r = sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof sa);

	(void)arg;
	if (r == 1)
		r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from,
			     &l);
	hole_errno = r >= 0 ? 0 : errno;
	atomic_store(&hole_done, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long long port, hp;
	struct greeting g;
	char err[256];
	pthread_t t;
	int keep, i, new_errno = 0;

	if (argc != 5 || progs_parse_ull(argv[2], 65535, &port) < 0 ||
	    progs_parse_ull(argv[4], 65535, &hp) < 0) {
		fprintf(stderr, "usage: %s ADDR ECHOPORT BLACKHOLE PORT\n",
			argv[0]);
		return 2;
	}
	hole = argv[3];
	hole_port = (unsigned)hp;
	keep = tcp_connect4(argv[1], (unsigned)port);
	if (keep < 0 || read_greeting(keep, &g, err, sizeof err) < 0) {
		fail("kill/setup", "no connection: %s", strerror(errno));
		return progs_exit();
	}
	pthread_create(&t, NULL, hole_thread, NULL);
	usleep(300 * 1000);
	printf("READY\n");
	fflush(stdout);
	/* At most 60 s: the test kills the supervisor well before. */
	for (i = 0; i < 600; i++) {
		int fd = tcp_connect4(argv[1], (unsigned)port);

		if (fd < 0 && errno != EINTR) {
			new_errno = errno;
			break;
		}
		if (fd >= 0)
			close(fd);
		usleep(100 * 1000);
	}
	check("kill/new-calls-fail-cleanly", new_errno == ENOSYS,
	      "new connect: %s", new_errno ? strerror(new_errno) : "never failed");
	for (i = 0; i < 100 && !atomic_load(&hole_done); i++)
		usleep(100 * 1000);
	check("kill/pending-call-ended", atomic_load(&hole_done) &&
	      hole_errno == ENOSYS, "%s", atomic_load(&hole_done)
	      ? strerror(hole_errno) : "still stuck after 10 s");
	check("kill/old-connection-works",
	      echo_roundtrip(keep, "still here\n", err, sizeof err) == 0,
	      "%s", err);
	return progs_exit();
}
