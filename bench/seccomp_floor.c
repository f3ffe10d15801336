/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The floor of seccomp user notification for the benchmark: run CMD
 * under a filter that traps the named system calls and answer each
 * notification at once with SECCOMP_USER_NOTIF_FLAG_CONTINUE (the kernel
 * then runs the call as it is), doing nothing else.  What a cycle costs
 * under it is the price of the mechanism alone (two context switches
 * and the notification round trip per trapped call), below which no
 * supervisor can go for the same number of trapped calls.
 *
 *   seccomp_floor [-r] SYSCALL[,SYSCALL...] CMD [ARGS...]
 *
 * -r: the floor of a translator that replaces the program's socket (as
 * tnat64-seccomp does), with the same trapped calls: besides answering,
 * the supervisor does for each call the work no such translator can
 * leave out, and nothing else.  Every call takes the program's socket
 * (pidfd_getfd) and tells which it is (fstat: by identity, never by the
 * descriptor's number).  connect: read the address (process_vm_readv),
 * take the socket, make one of the same kind, put it in the program's
 * place (SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SETFD: the
 * program's own thread installs it, two more context switches), release
 * the old one and ours (close_range), then CONTINUE: the program
 * connects the new socket itself.  getpeername: read the length, take
 * the socket, ask its name, write name and length (process_vm_writev),
 * release it, answer.  sendto with an address: read data and address in
 * one call, take the socket, send on it, release it.  recvfrom with an
 * address: read the length, take the socket, receive on it, write data,
 * source and length, release it.  Left out: what a translator needs
 * besides (copying the options, connecting to another address, its
 * table of sockets, waiting for a datagram without blocking others:
 * doc/seccomp.md, Cost).  For bench/cycle and bench/udp to IPv6
 * addresses.
 *
 * SYSCALL: socket, connect, getpeername, getsockname, sendto, recvfrom.
 * bench/run.sh pins the list to what tnat64-seccomp trapped for the
 * measured cycle before it trapped less (socket, connect, getpeername
 * for a TCP cycle; sendto, recvfrom for a datagram exchange): a
 * supervisor trapping fewer calls shows as faster than this floor.  Same
 * wake-up mode as tnat64-seccomp (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
 * where the kernel has it).  Exit status: CMD's, 125 when the mode
 * cannot start.  x86_64 only. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define MAX_TRAPS 6

/* The program's socket fd, taken (pidfd_getfd) and identified (fstat:
 * its inode; a translator tells its own sockets by identity, never by
 * the descriptor's number, which the program may have reused): our
 * duplicate, or -1. */
static int take(int pidfd, int fd)
{
	struct stat st;
	int dup = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);

	if (dup >= 0 && fstat(dup, &st) < 0) {
		close(dup);
		dup = -1;
	}
	return dup;
}

/* The program's memory read (n pieces), then its socket fd taken: the
 * read comes first, so that the take proves the call still pending, as
 * in tnat64-seccomp.  Our duplicate, or -1. */
static int read_take(const struct seccomp_notif *req, int pidfd, int fd,
		     const struct iovec *local, const struct iovec *remote,
		     unsigned long n)
{
	if (process_vm_readv((pid_t)req->pid, local, n, remote, n, 0) < 0)
		return -1;
	return take(pidfd, fd);
}

static void *arg_ptr(const struct seccomp_notif *req, int i)
{
	return (void *)(uintptr_t)req->data.args[i];
}

/* connect(fd, addr, len): a socket of the same kind in its place, then
 * CONTINUE (0). */
static int work_connect(int listener, int pidfd,
			const struct seccomp_notif *req)
{
	struct sockaddr_storage ss;
	size_t len = (size_t)req->data.args[2];
	struct iovec local = { &ss, len < sizeof(ss) ? len : sizeof(ss) };
	struct iovec remote = { arg_ptr(req, 1), local.iov_len };
	int fd = (int)req->data.args[0];
	struct seccomp_notif_addfd add = { .id = req->id,
		.flags = SECCOMP_ADDFD_FLAG_SETFD, .newfd = (__u32)fd };
	int dup = read_take(req, pidfd, fd, &local, &remote, 1), s;

	if (dup < 0)
		return 0;
	s = socket(AF_INET6, SOCK_STREAM, 0);
	if (s >= 0) {
		add.srcfd = (__u32)s;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
	}
	if (s == dup + 1) {
		syscall(SYS_close_range, dup, s, 0);
	} else {
		close(dup);
		if (s >= 0)
			close(s);
	}
	return 0;
}

/* getpeername(fd, addr, len): answered (1) with the name written. */
static int work_getpeername(int pidfd, const struct seccomp_notif *req,
			    struct seccomp_notif_resp *resp)
{
	struct sockaddr_storage ss;
	socklen_t len, got = sizeof(ss);
	struct iovec l1 = { &len, sizeof(len) };
	struct iovec r1 = { arg_ptr(req, 2), sizeof(len) };
	int dup = read_take(req, pidfd, (int)req->data.args[0], &l1, &r1, 1);
	int r;

	if (dup < 0)
		return 0;
	r = getpeername(dup, (struct sockaddr *)&ss, &got);
	close(dup);
	if (r < 0) {
		resp->error = -errno;
	} else {
		struct iovec l2[2] = { { &ss, got < len ? got : len },
				       { &got, sizeof(got) } };
		struct iovec r2[2] = { { arg_ptr(req, 1), l2[0].iov_len },
				       { arg_ptr(req, 2), sizeof(got) } };

		if (process_vm_writev((pid_t)req->pid, l2, 2, r2, 2, 0) < 0)
			return 0;
	}
	return 1;
}

static char data[65536];

/* sendto(fd, buf, len, flags, addr, alen) with an address: data and
 * address read in one call, sent by us on our copy; answered (1). */
static int work_sendto(int pidfd, const struct seccomp_notif *req,
		       struct seccomp_notif_resp *resp)
{
	struct sockaddr_storage ss;
	size_t len = (size_t)req->data.args[2];
	socklen_t alen = (socklen_t)req->data.args[5];
	struct iovec l[2] = {
		{ data, len < sizeof(data) ? len : sizeof(data) },
		{ &ss, alen < sizeof(ss) ? alen : sizeof(ss) } };
	struct iovec r[2] = { { arg_ptr(req, 1), l[0].iov_len },
			      { arg_ptr(req, 4), l[1].iov_len } };
	ssize_t n;
	int dup;

	if (!req->data.args[4])
		return 0;
	dup = read_take(req, pidfd, (int)req->data.args[0], l, r, 2);
	if (dup < 0)
		return 0;
	n = sendto(dup, data, l[0].iov_len, (int)req->data.args[3],
		   (struct sockaddr *)&ss, (socklen_t)l[1].iov_len);
	if (n < 0)
		resp->error = -errno;
	else
		resp->val = n;
	close(dup);
	return 1;
}

/* recvfrom(fd, buf, len, flags, addr, alen) with an address: received
 * by us on our copy, data, source and length written; answered (1). */
static int work_recvfrom(int pidfd, const struct seccomp_notif *req,
			 struct seccomp_notif_resp *resp)
{
	struct sockaddr_storage ss;
	socklen_t alen, got = sizeof(ss);
	size_t len = (size_t)req->data.args[2];
	struct iovec l1 = { &alen, sizeof(alen) };
	struct iovec r1 = { arg_ptr(req, 5), sizeof(alen) };
	ssize_t n;
	int dup;

	if (!req->data.args[4] || !req->data.args[5])
		return 0;
	dup = read_take(req, pidfd, (int)req->data.args[0], &l1, &r1, 1);
	if (dup < 0)
		return 0;
	n = recvfrom(dup, data, len < sizeof(data) ? len : sizeof(data),
		     (int)req->data.args[3], (struct sockaddr *)&ss, &got);
	close(dup);
	if (n < 0) {
		resp->error = -errno;
	} else {
		struct iovec l2[3] = { { data, (size_t)n },
				       { &ss, got < alen ? got : alen },
				       { &got, sizeof(got) } };
		struct iovec r2[3] = { { arg_ptr(req, 1), (size_t)n },
				       { arg_ptr(req, 4), l2[1].iov_len },
				       { arg_ptr(req, 5), sizeof(got) } };

		if (process_vm_writev((pid_t)req->pid, l2, 3, r2, 3, 0) < 0)
			return 0;
		resp->val = n;
	}
	return 1;
}

/* The translator's unavoidable work for one notification (-r): 1 when
 * it answered the call itself, 0 for CONTINUE. */
static int replace_work(int listener, int pidfd,
			const struct seccomp_notif *req,
			struct seccomp_notif_resp *resp)
{
	switch (req->data.nr) {
	case __NR_connect:
		return work_connect(listener, pidfd, req);
	case __NR_getpeername:
		return work_getpeername(pidfd, req, resp);
	case __NR_sendto:
		return work_sendto(pidfd, req, resp);
	case __NR_recvfrom:
		return work_recvfrom(pidfd, req, resp);
	default:
		return 0;
	}
}

static const struct {
	const char *name;
	int nr;
} calls[] = {
	{ "socket", __NR_socket }, { "connect", __NR_connect },
	{ "getpeername", __NR_getpeername },
	{ "getsockname", __NR_getsockname }, { "sendto", __NR_sendto },
	{ "recvfrom", __NR_recvfrom },
};

static int parse_traps(const char *list, int *nr)
{
	char buf[128], *save = NULL, *t;
	int n = 0;

	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
			if (!strcmp(t, calls[i].name))
				break;
		if (n == MAX_TRAPS || i == sizeof(calls) / sizeof(calls[0]))
			return -1;
		nr[n++] = calls[i].nr;
	}
	return n ? n : -1;
}

static int install(const int *nr, int n)
{
	struct sock_filter f[4 + MAX_TRAPS + 2];
	struct sock_fprog prog;
	int k = 0;

	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
				AUDIT_ARCH_X86_64, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
				SECCOMP_RET_KILL_PROCESS);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
				offsetof(struct seccomp_data, nr));
	for (int i = 0; i < n; i++)
		/* jump to the USER_NOTIF return after the ALLOW one */
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
				BPF_K, (unsigned)nr[i],
				(unsigned char)(n - i), 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
				SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
				SECCOMP_RET_USER_NOTIF);
	prog.len = (unsigned short)k;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

int main(int argc, char **argv)
{
	int nr[MAX_TRAPS], n, sp[2], pidfd, listener, status;
	int child_fd = -1, replace = 0;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "-r")) {
		replace = 1;
		argv++;
		argc--;
	}
	if (argc < 3 || (n = parse_traps(argv[1], nr)) < 0) {
		fprintf(stderr, "usage: seccomp_floor [-r] SYSCALL[,SYSCALL...] "
			"CMD [ARGS...]   (SYSCALL: socket, connect, "
			"getpeername, getsockname, sendto, recvfrom)\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return 125;
	pid = fork();
	if (pid < 0)
		return 125;
	if (pid == 0) {
		char c = 0;

		close(sp[0]);
		child_fd = install(nr, n);
		if (child_fd < 0) {
			perror("seccomp_floor: seccomp");
			_exit(125);
		}
		/* Tell the parent our listener's number, wait until it has
		 * taken its own copy (our read is not trapped). */
		if (write(sp[1], &child_fd, sizeof(child_fd)) !=
		    (ssize_t)sizeof(child_fd) || read(sp[1], &c, 1) < 0)
			_exit(125);
		close(child_fd);
		execvp(argv[2], argv + 2);
		perror("seccomp_floor: exec");
		_exit(127);
	}
	close(sp[1]);
	if (read(sp[0], &child_fd, sizeof(child_fd)) !=
	    (ssize_t)sizeof(child_fd)) {
		waitpid(pid, &status, 0);
		return 125;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	listener = pidfd < 0 ? -1
			     : (int)syscall(SYS_pidfd_getfd, pidfd, child_fd, 0);
	if (listener < 0) {
		perror("seccomp_floor: pidfd_getfd");
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return 125;
	}
	close(sp[0]);   /* the child's read returns: go */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
	      (unsigned long)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			struct pollfd p = { .fd = listener };

			if (errno == EINTR)
				continue;
			if (errno == ENOENT && poll(&p, 1, 0) == 1 &&
			    !(p.revents & POLLHUP))
				continue;
			break;   /* no task left under the filter */
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		if (!replace || !replace_work(listener, pidfd, &req, &resp))
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
