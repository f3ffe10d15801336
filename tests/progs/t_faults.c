/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Faults under the library (run by tests/integration/t_faults.sh in the
 * IPv6-only client namespace, talking to srv by IPv4 literal through
 * NAT64).  Each case makes one fault happen while the library does its
 * own work behind a call of the program, and checks that the call either
 * succeeds or fails with the errno the same call gives without the
 * library here (ENETUNREACH: the client has no IPv4 route), that no
 * descriptor is left behind, and that the library works again once the
 * fault is gone:
 *
 *   nofile    RLIMIT_NOFILE reached when the replacement socket is made
 *             (connect, sendto) and when a stand-in is made (socket)
 *   enobufs   the kernel refuses the library's IPv6 socket (ENOBUFS) and
 *             a translated send (ENOBUFS): a seccomp filter
 *   nomem     no memory for the library's descriptor table (mmap fails:
 *             a seccomp filter), then a translated connect
 *   epoll     a socket registered with epoll before its translated
 *             connect: works (with /proc) or fails at once with
 *             ENETUNREACH (without /proc: its registration cannot be
 *             read, never a socket left silent)
 *   plain     one translated connect and echo, errno kept (run with a
 *             debug file on a full disk, /proc hidden, an unreadable or
 *             vanished configuration and TNAT64_NAT64_PREFIX)
 *
 * FAULTS (environment): the cases to run, separated by spaces; default
 * all but epoll.  FAULTS_UNLINK: a file to remove before the first
 * socket (the configuration vanishes after the library loaded). */
#include "progs.h"

#include <dirent.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static struct progs_opts o;

static int count_fds(void)
{
	return progs_count_fds(4096);
}

/* Connect to the echo service and read its greeting: 0, or -errno. */
static int echo_once(int fd)
{
	struct sockaddr_in sa = sin4(o.addr, o.echo_port);
	char buf[64];

	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return -errno;
	if (read(fd, buf, 5) != 5 || memcmp(buf, "PEER ", 5) != 0)
		return -EPROTO;
	return 0;
}

static void check_works(const char *name)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int r = fd < 0 ? -errno : echo_once(fd);

	if (fd >= 0)
		close(fd);
	if (r == 0)
		pass(name);
	else
		fail(name, "connect and greeting: %s", strerror(-r));
}

/* Fill the descriptor table but for `left` free numbers; returns the
 * lowest filler (close from there with release). */
static int fill_fds(int left, int *first)
{
	struct rlimit rl;
	int n = 0, fd;

	getrlimit(RLIMIT_NOFILE, &rl);
	*first = -1;
	while ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) {
		if (*first < 0)
			*first = fd;
		n++;
	}
	for (int i = 0; i < left; i++)
		close(*first + n - 1 - i);
	return n - left;
}

static void release(int first, int n)
{
	for (int i = 0; i < n; i++)
		close(first + i);
}

static void case_nofile(void)
{
	struct rlimit rl = { 64, 64 };
	int before, first, n, fd, r;
	struct sockaddr_in sa = sin4(o.addr, o.echo_port);

	setrlimit(RLIMIT_NOFILE, &rl);
	before = count_fds();

	/* connect: the replacement socket cannot be had */
	n = fill_fds(1, &first);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	r = fd < 0 ? -errno
		: connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ? -errno : 0;
	if (fd >= 0 && r == -ENETUNREACH)
		pass("nofile: connect without a descriptor left: ENETUNREACH");
	else
		fail("nofile: connect without a descriptor left: ENETUNREACH",
		     "socket %d, connect %s", fd, strerror(-r));
	if (fd >= 0)
		close(fd);

	/* sendto: the same for a datagram socket */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	r = fd < 0 ? -errno
		: sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof sa) < 0
		? -errno : 0;
	/* (on a host without IPv4 the datagram socket is a stand-in from
	 * the start: then the send works) */
	if (fd >= 0 && (r == -ENETUNREACH || r == 0))
		pass("nofile: sendto without a descriptor left: sent or ENETUNREACH");
	else
		fail("nofile: sendto without a descriptor left: sent or ENETUNREACH",
		     "socket %d, sendto %s", fd, strerror(-r));
	if (fd >= 0)
		close(fd);
	release(first, n);
	if (count_fds() == before)
		pass("nofile: no descriptor left behind");
	else
		fail("nofile: no descriptor left behind", "%d open, %d before",
		     count_fds(), before);
	check_works("nofile: works again afterwards");

	/* NAT64 is in use now: socket() makes a stand-in; with one number
	 * left it gets it, with none the program's own EMFILE */
	n = fill_fds(1, &first);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0)
		pass("nofile: stand-in with one descriptor left");
	else
		fail("nofile: stand-in with one descriptor left", "%s",
		     strerror(errno));
	r = fd >= 0 ? -1 : 0;
	errno = 0;
	if (r && socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EMFILE)
		pass("nofile: socket with none left: EMFILE");
	else
		fail("nofile: socket with none left: EMFILE", "errno %s",
		     strerror(errno));
	/* none left: a bind and listen that would turn the stand-in back
	 * into an AF_INET socket keep it as it is (bind and listen never
	 * give EMFILE), the address the program sees is still its own */
	if (fd >= 0) {
		struct sockaddr_in lo = sin4("127.0.0.1", 0), got;
		socklen_t gl = sizeof got;
		int b = bind(fd, (struct sockaddr *)&lo, sizeof lo) < 0 ? errno : 0;
		int l = b ? -1 : listen(fd, 4) < 0 ? errno : 0;

		memset(&got, 0, sizeof got);
		if (!b && !l && getsockname(fd, (struct sockaddr *)&got, &gl) == 0 &&
		    gl == sizeof got && got.sin_family == AF_INET &&
		    got.sin_addr.s_addr == lo.sin_addr.s_addr && got.sin_port)
			pass("nofile: bind and listen of a stand-in with none left");
		else
			fail("nofile: bind and listen of a stand-in with none left",
			     "bind %s, listen %s, family %d", strerror(b),
			     l < 0 ? "-" : strerror(l), got.sin_family);
	}
	if (fd >= 0)
		close(fd);
	release(first, n);
	if (count_fds() == before)
		pass("nofile: stand-ins leave no descriptor behind");
	else
		fail("nofile: stand-ins leave no descriptor behind",
		     "%d open, %d before", count_fds(), before);
	check_works("nofile: works again at the end");
}

/* A seccomp filter: system call nr fails with err when its argument
 * arg (0-5, or -1 for any call) has the low 32 bits val. */
static int deny(int nr, int arg, uint32_t val, int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 arg < 0 ? offsetof(struct seccomp_data, nr)
				 : offsetof(struct seccomp_data, args[0]) +
				   8 * (unsigned)arg),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
			 arg < 0 ? (uint32_t)nr : val, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO | ((uint32_t)err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* Wait for the child p that ran checks; its failures count here. */
static void reap(pid_t p)
{
	int st;

	if (p > 0 && (waitpid(p, &st, 0) != p || !WIFEXITED(st) ||
		      WEXITSTATUS(st) != 0))
		progs_failures++;
}

static void case_enobufs(void)
{
	struct sockaddr_in sa = sin4(o.addr, o.echo_port);
	int before = count_fds(), fd, r;
	pid_t p = fork();

	/* in a child: filters stay for the life of the process */
	if (p == 0) {
		progs_failures = 0;
		if (deny(SYS_socket, 0, AF_INET6, ENOBUFS) < 0) {
			fail("enobufs: filter", "%s", strerror(errno));
			_exit(1);
		}
		fd = socket(AF_INET, SOCK_STREAM, 0);
		r = connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ? -errno : 0;
		close(fd);
		if (r == -ENETUNREACH)
			pass("enobufs: IPv6 socket refused: connect gives ENETUNREACH");
		else
			fail("enobufs: IPv6 socket refused: connect gives ENETUNREACH",
			     "got %s", strerror(-r));
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		r = sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof sa) < 0
			? -errno : 0;
		close(fd);
		if (r == -ENETUNREACH)
			pass("enobufs: IPv6 socket refused: sendto gives ENETUNREACH");
		else
			fail("enobufs: IPv6 socket refused: sendto gives ENETUNREACH",
			     "got %s", strerror(-r));
		if (count_fds() == before)
			pass("enobufs: no descriptor left behind");
		else
			fail("enobufs: no descriptor left behind", "%d open, %d before",
			     count_fds(), before);
		_exit(progs_failures ? 1 : 0);
	}
	reap(p);

	/* a translated datagram the kernel refuses: the program sees what
	 * the kernel said */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	r = sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof sa) < 0 ? -errno : 0;
	if (r != 0) {
		fail("enobufs: translated send", "first send: %s", strerror(-r));
		close(fd);
		return;
	}
	p = fork();
	if (p == 0) {
		progs_failures = 0;
		if (deny(SYS_sendto, -1, 0, ENOBUFS) < 0 ||
		    deny(SYS_sendmsg, -1, 0, ENOBUFS) < 0)
			_exit(1);
		r = sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof sa) < 0
			? -errno : 0;
		if (r == -ENOBUFS)
			pass("enobufs: translated send refused: ENOBUFS as the kernel said");
		else
			fail("enobufs: translated send refused: ENOBUFS as the kernel said",
			     "got %s", strerror(-r));
		_exit(progs_failures ? 1 : 0);
	}
	reap(p);
	close(fd);
	check_works("enobufs: works in the parent afterwards");
}

static void case_nomem(void)
{
	struct sockaddr_in sa = sin4(o.addr, o.echo_port);
	struct rlimit rl = { 4096, 4096 };
	int fd = socket(AF_INET, SOCK_STREAM, 0), hi, r;

	setrlimit(RLIMIT_NOFILE, &rl);
	printf("# nomem: descriptor table chunk for fds 2048..3071 refused\n");
	fflush(stdout);
	if (deny(SYS_mmap, 4, 0xffffffffu, ENOMEM) < 0) {
		fail("nomem: filter", "%s", strerror(errno));
		return;
	}
	errno = EDOM;
	hi = fcntl(fd, F_DUPFD, 2048);
	if (hi >= 2048 && errno == EDOM)
		pass("nomem: F_DUPFD without memory for a record: works, errno kept");
	else
		fail("nomem: F_DUPFD without memory for a record: works, errno kept",
		     "fd %d errno %s", hi, strerror(errno));
	close(fd);
	r = hi < 0 ? -EBADF
		: connect(hi, (struct sockaddr *)&sa, sizeof sa) < 0 ? -errno : 0;
	/* no record: not translated, the native answer */
	if (r == -ENETUNREACH)
		pass("nomem: connect of a descriptor without a record: ENETUNREACH");
	else
		fail("nomem: connect of a descriptor without a record: ENETUNREACH",
		     "got %s", strerror(-r));
	if (hi >= 0)
		close(hi);
	check_works("nomem: low descriptors still work");
}

static void case_epoll(bool proc)
{
	struct sockaddr_in sa = sin4(o.addr, o.echo_port);
	int before = count_fds();
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), r;
	struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = 42 };

	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ? -errno : 0;
	if (proc) {
		int n = epoll_wait(ep, &ev, 1, 5000);

		if ((r == 0 || r == -EINPROGRESS) && n == 1 && ev.data.u64 == 42)
			pass("epoll: registration carried over to the translated socket");
		else
			fail("epoll: registration carried over to the translated socket",
			     "connect %s, %d events", strerror(-r), n);
	} else if (r == -ENETUNREACH) {
		pass("epoll: without /proc, not translated: ENETUNREACH at once");
	} else {
		int n = epoll_wait(ep, &ev, 1, 5000);

		if ((r == 0 || r == -EINPROGRESS) && n == 1)
			pass("epoll: without /proc, translated with its registration");
		else
			fail("epoll: without /proc: a socket left without its "
			     "registration", "connect %s, %d events",
			     strerror(-r), n);
	}
	close(fd);
	close(ep);
	if (count_fds() == before)
		pass("epoll: no descriptor left behind");
	else
		fail("epoll: no descriptor left behind", "%d open, %d before",
		     count_fds(), before);
}

static void case_plain(void)
{
	int fd, r, before = count_fds();

	errno = EDOM;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	r = fd < 0 ? -errno : echo_once(fd);
	if (r == 0 && errno == EDOM)
		pass("plain: translated connect works, errno kept");
	else
		fail("plain: translated connect works, errno kept", "%s, errno %s",
		     strerror(-r), strerror(errno));
	if (fd >= 0)
		close(fd);
	if (count_fds() == before)
		pass("plain: no descriptor left behind");
	else
		fail("plain: no descriptor left behind", "%d open, %d before",
		     count_fds(), before);
}

static bool want(const char *cases, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = cases; (p = strstr(p, name)); p += n)
		if ((p == cases || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *cases = getenv("FAULTS");
	const char *gone = getenv("FAULTS_UNLINK");

	progs_getopt(argc, argv, &o);
	if (!cases)
		cases = "nofile enobufs nomem plain";
	if (gone && unlink(gone) != 0)
		fail("unlink", "%s: %s", gone, strerror(errno));
	printf("# t_faults: %s\n", cases);
	fflush(stdout);
	/* the configuration is loaded by the first IP socket: before any
	 * descriptor is short */
	close(socket(AF_INET, SOCK_STREAM, 0));
	if (want(cases, "plain"))
		case_plain();
	if (want(cases, "epoll"))
		case_epoll(true);
	if (want(cases, "epoll-noproc"))
		case_epoll(false);
	if (want(cases, "nofile"))
		case_nofile();
	if (want(cases, "enobufs"))
		case_enobufs();
	if (want(cases, "nomem"))
		case_nomem();
	return progs_exit();
}
