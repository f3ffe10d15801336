/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A signal storm under tnat64-seccomp (doc/seccomp.md, "Signals"): a
 * 1 ms interval timer (SIGALRM) interrupts a program making socket
 * calls, which must see EINTR only where a native program does.  Built
 * static by t_seccomp.sh (the supervisor's usual client); it also runs
 * natively where IPv4 is reachable.
 *
 *   seccomp_storm ADDR ECHOPORT HOLE HOLEPORT CYCLES CALLS TRAPPED
 *
 * 1. CYCLES socket+connect+write+read+close cycles to ADDR:ECHOPORT
 *    (srv's echo: a "PEER ..." greeting, then the echo) with a handler
 *    without SA_RESTART, then CYCLES with SA_RESTART.  connect, read and
 *    write are retried on EINTR as a native program must (EISCONN after
 *    a retry: connected).  Every cycle succeeds, the caller's sockaddr
 *    is never modified, socket() returns the lowest free descriptor each
 *    time and the run ends with the descriptors it began with; with
 *    SA_RESTART no call fails with EINTR at all.
 * 2. CALLS times each, under the timer without SA_RESTART: socket+close,
 *    bind+listen (127.0.0.1), setsockopt(SOL_SOCKET, SO_KEEPALIVE),
 *    ioctl(FIONREAD): the kernel never interrupts them and the
 *    supervisor does not trap them, so none may fail with EINTR.
 * 3. TRAPPED times each, on a translated connection: getsockname,
 *    getpeername, getsockopt(SO_DOMAIN), setsockopt(IP_TOS), the
 *    never-interrupted calls the supervisor still traps.  Their EINTRs
 *    are counted ("# eintr" lines); each call retried must give the
 *    right answer.
 * 4. A blocking connect to HOLE:HOLEPORT (nothing answers) under
 *    alarm(1) without SA_RESTART: EINTR, as natively.
 * 5. A blocking recvfrom on a translated UDP socket whose datagram went
 *    to HOLE (the supervisor holds that call): a timer signal without
 *    SA_RESTART ends it with EINTR; with SA_RESTART it goes on (the
 *    signals come, the call stays) until a signal without SA_RESTART
 *    from a child process ends it.  The process keeps one thread. */
#include "progs.h"

#include <dirent.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/wait.h>

static const char *addr, *hole;
static unsigned echo_port, hole_port;
static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
	(void)sig;
	ticks++;
}

static void handler(bool restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

/* The 1 ms storm on (ms 1) or off (0). */
static void timer(int ms)
{
	struct itimerval it = {
		.it_interval = { 0, ms * 1000 },
		.it_value = { 0, ms * 1000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;   /* the directory's own */
}

struct tally {
	unsigned long socket_eintr, connect_eintr, io_eintr, failed;
	unsigned long sockaddr_changed, fd_moved;
	char why[200];
};

/* write or read all of len bytes, counting EINTRs. */
static int io_all(struct tally *t, int fd, char *buf, size_t len, bool rd)
{
	while (len) {
		ssize_t n = rd ? read(fd, buf, len) : write(fd, buf, len);

		if (n < 0 && errno == EINTR) {
			t->io_eintr++;
			continue;
		}
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void fail_why(struct tally *t, const char *what)
{
	t->failed++;
	if (!t->why[0])
		snprintf(t->why, sizeof t->why, "%s: %s", what,
			 errno ? strerror(errno) : "EOF");
}

static void one_cycle(struct tally *t, int want_fd, unsigned long i)
{
	struct sockaddr_in sa = sin4(addr, echo_port), copy = sa;
	char msg[32], back[32], c;
	size_t len;
	int fd, r;
	bool retried = false;

	while ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 && errno == EINTR)
		t->socket_eintr++;
	if (fd < 0) {
		fail_why(t, "socket");
		return;
	}
	if (fd != want_fd)
		t->fd_moved++;
	for (;;) {
		r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
		if (memcmp(&sa, &copy, sizeof sa))
			t->sockaddr_changed++;
		if (r == 0 || (r < 0 && errno == EISCONN && retried))
			break;
		if (errno != EINTR) {
			fail_why(t, "connect");
			close(fd);
			return;
		}
		t->connect_eintr++;
		retried = true;
	}
	/* The greeting line, then one echo. */
	do {
		if (io_all(t, fd, &c, 1, true) < 0) {
			fail_why(t, "greeting");
			close(fd);
			return;
		}
	} while (c != '\n');
	len = (size_t)snprintf(msg, sizeof msg, "cycle %lu\n", i);
	if (io_all(t, fd, msg, len, false) < 0 ||
	    io_all(t, fd, back, len, true) < 0 || memcmp(back, msg, len))
		fail_why(t, "echo");
	close(fd);
}

static void cycles(const char *pfx, bool restart, unsigned long n)
{
	struct tally t;
	char name[96];
	int want = dup(0), fds;

	/* The lowest free number: where every cycle's socket must land. */
	close(want);
	memset(&t, 0, sizeof t);
	fds = count_fds();
	handler(restart);
	ticks = 0;
	timer(1);
	for (unsigned long i = 0; i < n; i++)
		one_cycle(&t, want, i);
	timer(0);
	note("%s: %lu cycles, %ld timer signals, EINTR: socket %lu, "
	     "connect %lu, read/write %lu", pfx, n, (long)ticks,
	     t.socket_eintr, t.connect_eintr, t.io_eintr);
	snprintf(name, sizeof name, "storm/%s/every-cycle", pfx);
	check(name, t.failed == 0, "%lu of %lu failed, first: %s", t.failed,
	      n, t.why);
	snprintf(name, sizeof name, "storm/%s/socket-no-eintr", pfx);
	check(name, t.socket_eintr == 0, "socket() failed with EINTR %lu "
	      "times", t.socket_eintr);
	snprintf(name, sizeof name, "storm/%s/sockaddr-untouched", pfx);
	check(name, t.sockaddr_changed == 0, "connect changed the caller's "
	      "sockaddr %lu times", t.sockaddr_changed);
	snprintf(name, sizeof name, "storm/%s/no-descriptor-left", pfx);
	check(name, t.fd_moved == 0 && count_fds() == fds,
	      "socket() not on the lowest free number %lu times; %d "
	      "descriptors, %d before", t.fd_moved, count_fds(), fds);
	if (restart) {
		snprintf(name, sizeof name, "storm/%s/restarted", pfx);
		check(name, t.connect_eintr == 0 && t.io_eintr == 0,
		      "EINTR with SA_RESTART: connect %lu, read/write %lu",
		      t.connect_eintr, t.io_eintr);
	}
	snprintf(name, sizeof name, "storm/%s/signals-came", pfx);
	check(name, ticks > 0, "no SIGALRM during the cycles");
}

/* Phase 2: calls the supervisor does not trap. */
static void untrapped(unsigned long n)
{
	struct sockaddr_in lo = sin4("127.0.0.1", 0);
	unsigned long e_socket = 0, e_close = 0, e_bind = 0, e_listen = 0;
	unsigned long e_opt = 0, e_ioctl = 0, bad = 0;
	int one = 1, v, fd;

	handler(false);
	timer(1);
	for (unsigned long i = 0; i < n; i++) {
		fd = socket(AF_INET, i & 1 ? SOCK_DGRAM : SOCK_STREAM, 0);
		if (fd < 0) {
			e_socket += errno == EINTR;
			bad++;
			continue;
		}
		if (close(fd) < 0)
			e_close += errno == EINTR;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	for (unsigned long i = 0; i < n; i++) {
		if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one,
			       sizeof one) < 0)
			e_opt += errno == EINTR;
		if (ioctl(fd, FIONREAD, &v) < 0)
			e_ioctl += errno == EINTR;
	}
	close(fd);
	for (unsigned long i = 0; i < n / 10; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (bind(s, (struct sockaddr *)&lo, sizeof lo) < 0)
			e_bind += errno == EINTR;
		else if (listen(s, 1) < 0)
			e_listen += errno == EINTR;
		close(s);
	}
	timer(0);
	note("untrapped: EINTR over %lu calls each: socket %lu, close %lu, "
	     "setsockopt %lu, ioctl %lu; over %lu: bind %lu, listen %lu", n,
	     e_socket, e_close, e_opt, e_ioctl, n / 10, e_bind, e_listen);
	check("storm/untrapped/socket-no-eintr", e_socket == 0 && bad == 0,
	      "socket(): %lu EINTR, %lu failures in %lu calls", e_socket,
	      bad, n);
	check("storm/untrapped/others-no-eintr",
	      e_close + e_opt + e_ioctl + e_bind + e_listen == 0,
	      "EINTR: close %lu setsockopt %lu ioctl %lu bind %lu listen %lu",
	      e_close, e_opt, e_ioctl, e_bind, e_listen);
}

/* Phase 3: the never-interrupted calls still trapped, on a translated
 * connection: EINTR counted, the retried call right. */
static void trapped(unsigned long n)
{
	struct sockaddr_in p, want = sin4(addr, echo_port);
	unsigned long e_name = 0, e_peer = 0, e_dom = 0, e_tos = 0, bad = 0;
	socklen_t l;
	int fd = tcp_connect4(addr, echo_port), d, tos = 0x10;

	if (fd < 0) {
		fail("storm/trapped/connect", "%s", strerror(errno));
		return;
	}
	handler(false);
	timer(1);
	for (unsigned long i = 0; i < n; i++) {
		l = sizeof p;
		while (getsockname(fd, (struct sockaddr *)&p, &l) < 0) {
			if (errno != EINTR)
				break;
			e_name++;
			l = sizeof p;
		}
		if (l != sizeof p || p.sin_family != AF_INET || !p.sin_port)
			bad++;
		l = sizeof p;
		while (getpeername(fd, (struct sockaddr *)&p, &l) < 0) {
			if (errno != EINTR)
				break;
			e_peer++;
			l = sizeof p;
		}
		if (l != sizeof p || p.sin_family != AF_INET ||
		    p.sin_addr.s_addr != want.sin_addr.s_addr ||
		    p.sin_port != want.sin_port)
			bad++;
		l = sizeof d;
		while (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &d, &l) < 0) {
			if (errno != EINTR)
				break;
			e_dom++;
			l = sizeof d;
		}
		if (d != AF_INET)
			bad++;
		while (setsockopt(fd, SOL_IP, IP_TOS, &tos, sizeof tos) < 0) {
			if (errno != EINTR) {
				bad++;
				break;
			}
			e_tos++;
		}
	}
	timer(0);
	close(fd);
	note("trapped: EINTR over %lu calls each: getsockname %lu, "
	     "getpeername %lu, getsockopt(SO_DOMAIN) %lu, "
	     "setsockopt(IP_TOS) %lu", n, e_name, e_peer, e_dom, e_tos);
	check("storm/trapped/answers", bad == 0, "%lu wrong answers", bad);
}

/* Phase 4: alarm() around a blocking connect that cannot complete. */
static void alarm_connect(void)
{
	struct sockaddr_in sa = sin4(hole, hole_port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), r, e;

	handler(false);
	alarm(1);
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	e = errno;
	alarm(0);
	check("storm/alarm-interrupts-connect", r < 0 && e == EINTR,
	      "connect: %s", r == 0 ? "connected" : strerror(e));
	close(fd);
}

static void on_usr2(int sig)
{
	(void)sig;
}

/* The timer every ms milliseconds (0: off), not the 1 ms storm. */
static void timer_ms(int ms)
{
	struct itimerval it = {
		.it_interval = { ms / 1000, (ms % 1000) * 1000 },
		.it_value = { ms / 1000, (ms % 1000) * 1000 },
	};

	setitimer(ITIMER_REAL, &it, NULL);
}

/* Phase 5: a receive the supervisor holds, interrupted. */
static void held_recv(void)
{
	struct sockaddr_in sa = sin4(hole, hole_port), from;
	struct sigaction usr2;
	socklen_t l = sizeof from;
	char buf[8];
	int fd = socket(AF_INET, SOCK_DGRAM, 0), e;
	ssize_t r;
	pid_t kid;

	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof sa) != 1) {
		fail("storm/held-recv/sendto", "%s", strerror(errno));
		close(fd);
		return;
	}
	handler(false);
	timer_ms(300);
	r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &l);
	e = errno;
	timer_ms(0);
	check("storm/held-recv/eintr", r < 0 && e == EINTR, "recvfrom: %s",
	      r < 0 ? strerror(e) : "a datagram");
	/* SA_RESTART: the timer's signals restart it; SIGUSR2 (no
	 * SA_RESTART) from a child after 1.5 s ends it. */
	memset(&usr2, 0, sizeof usr2);
	usr2.sa_handler = on_usr2;
	sigaction(SIGUSR2, &usr2, NULL);
	handler(true);
	kid = fork();
	if (kid == 0) {
		usleep(1500 * 1000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	ticks = 0;
	timer_ms(200);
	l = sizeof from;
	r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &l);
	e = errno;
	timer_ms(0);
	if (kid > 0)
		waitpid(kid, NULL, 0);
	check("storm/held-recv/sa-restart", r < 0 && e == EINTR && ticks >= 3,
	      "recvfrom: %s after %ld SIGALRMs (want EINTR from SIGUSR2 "
	      "after 3 or more)", r < 0 ? strerror(e) : "a datagram",
	      (long)ticks);
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned long n, calls, ntrapped;

	if (argc != 8) {
		fprintf(stderr, "usage: %s ADDR ECHOPORT HOLE HOLEPORT CYCLES "
			"CALLS TRAPPED\n", argv[0]);
		return 2;
	}
	addr = argv[1];
	echo_port = (unsigned)progs_arg_num(argv[2], 65535);
	hole = argv[3];
	hole_port = (unsigned)progs_arg_num(argv[4], 65535);
	n = (unsigned long)progs_arg_num(argv[5], 1000000);
	calls = (unsigned long)progs_arg_num(argv[6], 10000000);
	ntrapped = (unsigned long)progs_arg_num(argv[7], 10000000);
	cycles("no-restart", false, n);
	cycles("sa-restart", true, n);
	untrapped(calls);
	trapped(ntrapped);
	alarm_connect();
	held_recv();
	return progs_exit();
}
