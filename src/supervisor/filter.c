/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp filter installed in the program: x86_64 only (any other
 * architecture or the x32 ABI kills the process), SECCOMP_RET_USER_NOTIF
 * for the socket calls that can carry or reveal an address, ALLOW for
 * everything else.  Only the number and one argument are examined, so
 * the kernel's per-syscall action cache makes every other call (read,
 * write...) as cheap as without a filter. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "policy.h"
#include "sv.h"

#ifndef __x86_64__
#error "tnat64-seccomp supports x86_64 only"
#endif

#define X32_SYSCALL_BIT 0x40000000u

enum { L_NOTIFY = 1000, L_KILL, L_ARG4, L_NOSYS, L_SOCKET, L_SETSOCKOPT,
       L_GETSOCKOPT, L_IOCTL, L_ALLOW };

struct asm_state {
	struct sock_filter insn[128];
	int label_of[128][2]; /* pending label targets for jt, jf (or -1) */
	int n;
	int labels[16];       /* index of each label's instruction */
};

static void emit(struct asm_state *a, struct sock_filter f, int jt, int jf)
{
	if (a->n == (int)(sizeof(a->insn) / sizeof(a->insn[0]))) {
		a->n++;     /* too long: resolve() refuses it */
		return;
	}
	if (a->n > (int)(sizeof(a->insn) / sizeof(a->insn[0])))
		return;
	a->insn[a->n] = f;
	a->label_of[a->n][0] = jt;
	a->label_of[a->n][1] = jf;
	a->n++;
}

static void label(struct asm_state *a, int l)
{
	a->labels[l - L_NOTIFY] = a->n;
}

static int resolve(struct asm_state *a)
{
	if (a->n > (int)(sizeof(a->insn) / sizeof(a->insn[0])))
		return -1;
	for (int i = 0; i < a->n; i++) {
		for (int k = 0; k < 2; k++) {
			int l = a->label_of[i][k], d;

			if (l < L_NOTIFY)
				continue;
			d = a->labels[l - L_NOTIFY] - i - 1;
			if (d < 0 || d > 255)
				return -1;
			if (k == 0)
				a->insn[i].jt = (unsigned char)d;
			else
				a->insn[i].jf = (unsigned char)d;
		}
	}
	return 0;
}

#define LD(off) (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define JEQ(k) (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), 0, 0)
#define JGE(k) (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), 0, 0)
#define JGT(k) (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (k), 0, 0)
#define RET(k) (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (k))
#define AND(k) (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, (k))
/* Low 32 bits of argument i (an int argument, as the kernel reads it). */
#define ARG(i) LD(offsetof(struct seccomp_data, args[i]))

static const int trapped[] = {
	__NR_connect, __NR_sendmsg, __NR_sendmmsg, __NR_recvmsg,
	__NR_recvmmsg, __NR_getpeername, __NR_getsockname, __NR_bind,
	__NR_listen,
};

int sv_filter_install(void)
{
	struct asm_state a = { .n = 0 };
	struct sock_fprog prog;
	int fd;

	emit(&a, LD(offsetof(struct seccomp_data, arch)), -1, -1);
	emit(&a, JEQ(AUDIT_ARCH_X86_64), -1, L_KILL);
	emit(&a, LD(offsetof(struct seccomp_data, nr)), -1, -1);
	emit(&a, JGE(X32_SYSCALL_BIT), L_KILL, -1);
	for (size_t i = 0; i < sizeof(trapped) / sizeof(trapped[0]); i++)
		emit(&a, JEQ((unsigned)trapped[i]), L_NOTIFY, -1);
	/* sendto/recvfrom: only with an address (argument 4). */
	emit(&a, JEQ(__NR_sendto), L_ARG4, -1);
	emit(&a, JEQ(__NR_recvfrom), L_ARG4, -1);
	/* socket(AF_INET, SOCK_STREAM or SOCK_DGRAM, ...): the stand-in. */
	emit(&a, JEQ(__NR_socket), L_SOCKET, -1);
	/* IPv4-level options (a stand-in may have to become AF_INET). */
	emit(&a, JEQ(__NR_setsockopt), L_SETSOCKOPT, -1);
	/* getsockopt(SOL_SOCKET, SO_DOMAIN) of a stand-in says AF_INET. */
	emit(&a, JEQ(__NR_getsockopt), L_GETSOCKOPT, -1);
	/* ioctl requests only AF_INET sockets answer (ifconfig's). */
	emit(&a, JEQ(__NR_ioctl), L_IOCTL, -1);
	/* io_uring would bypass the filter: programs fall back without it. */
	emit(&a, JEQ(__NR_io_uring_setup), L_NOSYS, -1);
	emit(&a, RET(SECCOMP_RET_ALLOW), -1, -1);
	label(&a, L_ARG4);
	emit(&a, LD(offsetof(struct seccomp_data, args[4])), -1, -1);
	emit(&a, JEQ(0), -1, L_NOTIFY);
	emit(&a, LD(offsetof(struct seccomp_data, args[4]) + 4), -1, -1);
	emit(&a, JEQ(0), -1, L_NOTIFY);
	emit(&a, RET(SECCOMP_RET_ALLOW), -1, -1);
	label(&a, L_SOCKET);
	emit(&a, ARG(0), -1, -1);
	emit(&a, JEQ(AF_INET), -1, L_ALLOW);
	emit(&a, ARG(1), -1, -1);
	emit(&a, AND(0xf), -1, -1);     /* without SOCK_NONBLOCK/CLOEXEC */
	emit(&a, JEQ(SOCK_STREAM), L_NOTIFY, -1);
	emit(&a, JEQ(SOCK_DGRAM), L_NOTIFY, L_ALLOW);
	label(&a, L_SETSOCKOPT);
	emit(&a, ARG(1), -1, -1);
	emit(&a, JEQ(SOL_IP), L_NOTIFY, L_ALLOW);
	label(&a, L_GETSOCKOPT);
	emit(&a, ARG(1), -1, -1);
	emit(&a, JEQ(SOL_SOCKET), -1, L_ALLOW);
	emit(&a, ARG(2), -1, -1);
	emit(&a, JEQ(SO_DOMAIN), L_NOTIFY, L_ALLOW);
	label(&a, L_IOCTL);
	emit(&a, ARG(1), -1, -1);
	emit(&a, JGE(policy_inet_ioctls[0]), -1, L_ALLOW);
	emit(&a, JGT(policy_inet_ioctls[policy_n_inet_ioctls - 1]), L_ALLOW,
	     -1);
	for (unsigned int i = 0; i < policy_n_inet_ioctls; i++)
		emit(&a, JEQ(policy_inet_ioctls[i]), L_NOTIFY, -1);
	label(&a, L_ALLOW);
	emit(&a, RET(SECCOMP_RET_ALLOW), -1, -1);
	label(&a, L_NOTIFY);
	emit(&a, RET(SECCOMP_RET_USER_NOTIF), -1, -1);
	label(&a, L_NOSYS);
	emit(&a, RET(SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)), -1, -1);
	label(&a, L_KILL);
	emit(&a, RET(SECCOMP_RET_KILL_PROCESS), -1, -1);
	if (resolve(&a) < 0)
		return -EINVAL;

	prog.len = (unsigned short)a.n;
	prog.filter = a.insn;
	/* Root may install a filter without no_new_privs, so that set-user-ID
	 * programs keep working when root runs them; anyone else needs it. */
	fd = (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
			  SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0 && errno == EACCES) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return -errno;
		fd = (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
				  SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	}
	return fd < 0 ? -errno : fd;
}
