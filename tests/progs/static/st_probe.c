/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A statically linked program (no LD_PRELOAD reaches it) for the exec
 * coverage tests (tests/integration/t_exec.sh, tests/progs/t_spawn.c):
 *
 *   st_probe exit N             exit with status N
 *   st_probe connect ADDR PORT  TCP connect, "GET / HTTP/1.0", print the
 *                               first line of the answer; status 0 when
 *                               connected, 1 when not (errno printed)
 *   st_probe beat FILE          every 10 ms, write a growing counter to
 *                               FILE (from 1); never ends by itself
 *   st_probe count FILE         like beat, and FILE also says how many
 *                               SIGUSR2 and SIGURG it received and the
 *                               value of the last SIGRTMIN+1 (sigqueue)
 *   st_probe closeout           close its standard output, then wait for
 *                               a signal
 *   st_probe ident              print "argv0=... env=$TNAT64_T fd5=open|
 *                               closed fd6=open|closed fds=N" (N: open
 *                               descriptors above 2)
 *   st_probe pid                print its pid and its parent's
 * Built with -static and without sanitizers (Makefile). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t usr2, urg;
static volatile sig_atomic_t rtval = -1;

static void on_count(int sig)
{
	if (sig == SIGUSR2)
		usr2++;
	else
		urg++;
}

static void on_rt(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	rtval = si->si_value.sival_int;
}

__attribute__((noreturn)) static void beat(const char *file, int counting)
{
	char buf[128];
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	if (counting) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_count;
		sigaction(SIGUSR2, &sa, NULL);
		sigaction(SIGURG, &sa, NULL);
		sa.sa_handler = NULL;
		sa.sa_sigaction = on_rt;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGRTMIN + 1, &sa, NULL);
	}
	for (unsigned long n = 1;; n++) {
		/* A new file renamed over the old one: readers never see it
		 * half written. */
		char tmp[4096];
		int fd, len;

		snprintf(tmp, sizeof(tmp), "%s.tmp", file);
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (counting)
			len = snprintf(buf, sizeof(buf), "%lu usr2=%d urg=%d rt=%d\n",
				       n, (int)usr2, (int)urg, (int)rtval);
		else
			len = snprintf(buf, sizeof(buf), "%lu\n", n);
		if (fd >= 0) {
			(void)!write(fd, buf, (size_t)len);
			close(fd);
			rename(tmp, file);
		}
		nanosleep(&ts, NULL);
	}
}

static int do_connect(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	char buf[512];
	ssize_t n;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(port));
	if (s < 0 || inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		printf("socket: %s\n", strerror(errno));
		return 2;
	}
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		printf("connect %s:%s: %s\n", addr, port, strerror(errno));
		return 1;
	}
	(void)!write(s, "GET / HTTP/1.0\r\n\r\n", 18);
	n = read(s, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		printf("%s\n", buf);
	}
	close(s);
	return 0;
}

static int ident(char **argv)
{
	const char *v = getenv("TNAT64_T");
	int fds = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd > 2 && fd != dirfd(d))
			fds++;
	}
	if (d)
		closedir(d);
	printf("argv0=%s env=%s fd5=%s fd6=%s fds=%d\n", argv[0],
	       v ? v : "(unset)", fcntl(5, F_GETFD) >= 0 ? "open" : "closed",
	       fcntl(6, F_GETFD) >= 0 ? "open" : "closed", fds);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "exit"))
		return atoi(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "connect"))
		return do_connect(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "beat"))
		beat(argv[2], 0);
	if (argc >= 3 && !strcmp(argv[1], "count"))
		beat(argv[2], 1);
	if (argc >= 2 && !strcmp(argv[1], "ident"))
		return ident(argv);
	if (argc >= 2 && !strcmp(argv[1], "closeout")) {
		close(1);
		for (;;)
			pause();
	}
	if (argc >= 2 && !strcmp(argv[1], "pid")) {
		printf("pid=%d ppid=%d\n", (int)getpid(), (int)getppid());
		return 0;
	}
	fprintf(stderr, "usage: st_probe exit N | connect ADDR PORT | beat FILE"
		" | count FILE | closeout | ident | pid\n");
	return 2;
}
