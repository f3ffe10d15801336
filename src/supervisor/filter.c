/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The seccomp filter installed in the program: x86_64 only (any other
 * architecture or the x32 ABI kills the process), SECCOMP_RET_USER_NOTIF
 * for the socket calls that can carry or reveal an address, ALLOW for
 * everything else.  Only the number and the register arguments are
 * examined, so the kernel's per-syscall action cache makes every other
 * call (read, write...) as cheap as without a filter.
 *
 * Signals: a trapped call interrupted by a signal before the supervisor
 * received it fails with EINTR (or restarts, with SA_RESTART), whatever
 * the filter's flags.  So no call the kernel never interrupts is trapped
 * where the registers can tell it needs no translation: socket, bind,
 * listen, accept, ioctl, close, setsockopt and getsockopt but for the
 * few below, and connect and sendto only with an address length an IP
 * socket address can have.  What remains of them is listed and measured
 * in doc/seccomp.md. */
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

#include "sv.h"

#ifndef __x86_64__
#error "tnat64-seccomp supports x86_64 only"
#endif

#define X32_SYSCALL_BIT 0x40000000u

enum { L_NOTIFY = 1000, L_KILL, L_CONNECT, L_SENDTO, L_SENDTO_LEN, L_ARG4,
       L_NOSYS, L_SETSOCKOPT, L_GETSOCKOPT, L_ALLOW };

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

/* Always: their addresses are in memory the filter cannot see. */
static const int trapped[] = {
	__NR_sendmsg, __NR_sendmmsg, __NR_recvmsg, __NR_recvmmsg,
	__NR_getpeername, __NR_getsockname,
};

/* Address lengths an IPv4 or IPv6 socket address can have: struct
 * sockaddr_in (16) to struct sockaddr_in6 (28) and unions of them, or
 * struct sockaddr_storage (128) and larger.  AF_UNIX addresses (up to
 * 110 bytes: file names of 13 bytes or more) and netlink ones (12) are
 * left out. */
#define ADDR_MIN 16u
#define ADDR_MAX 28u
#define ADDR_BIG 111u

/* The IPv4-level options our sockets mirror to their IPv6 twins
 * (sockopt.c), and for ICMP sockets (icmp.c) IP_RECVTTL, which our
 * ICMPv6 ones keep for the TTL of what they read, and IP_PKTINFO, the
 * first call naming busybox traceroute's receiving raw socket (made
 * ICMPv6 there on a host without IPv4 routes: nothing else it does
 * before it waits is trapped); the others apply to an AF_INET6 socket's
 * IPv4-mapped traffic as they do to an AF_INET socket's, or to nothing
 * of ours. */
static const unsigned int mirrored[] = {
	IP_TOS, IP_TTL, IP_RECVERR, IP_MTU_DISCOVER, IP_RECVTTL, IP_PKTINFO,
};

/* The address length in A (socklen_t: the low 32 bits): notify or
 * allow. */
static void addr_len(struct asm_state *a)
{
	emit(a, JGE(ADDR_BIG), L_NOTIFY, -1);
	emit(a, JGT(ADDR_MAX), L_ALLOW, -1);
	emit(a, JGE(ADDR_MIN), L_NOTIFY, L_ALLOW);
}

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* With SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19) where the
 * kernel has it: a call we received waits for our answer through
 * signals (only a fatal one ends it), so a signal can no longer turn a
 * call being answered into EINTR; the window before we receive it stays.
 * Calls we hold for long are interrupted by us instead (watchdog.c). */
static int install(struct sock_fprog *prog, bool *killable)
{
	int fd = (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
			      SECCOMP_FILTER_FLAG_NEW_LISTENER |
			      SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, prog);

	*killable = fd >= 0;
	if (fd < 0 && errno == EINVAL)
		fd = (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
				  SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
	return fd;
}

int sv_filter_install(bool *killable)
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
	/* connect: by its address length (argument 2). */
	emit(&a, JEQ(__NR_connect), L_CONNECT, -1);
	/* sendto: only with an address (argument 4) of such a length
	 * (argument 5); recvfrom: only with an address. */
	emit(&a, JEQ(__NR_sendto), L_SENDTO, -1);
	emit(&a, JEQ(__NR_recvfrom), L_ARG4, -1);
	/* IPv4-level options with an IPv6 twin. */
	emit(&a, JEQ(__NR_setsockopt), L_SETSOCKOPT, -1);
	/* getsockopt(SOL_SOCKET, SO_DOMAIN) of ours says AF_INET. */
	emit(&a, JEQ(__NR_getsockopt), L_GETSOCKOPT, -1);
	/* io_uring would bypass the filter: programs fall back without it. */
	emit(&a, JEQ(__NR_io_uring_setup), L_NOSYS, -1);
	emit(&a, RET(SECCOMP_RET_ALLOW), -1, -1);
	label(&a, L_CONNECT);
	emit(&a, ARG(2), -1, -1);
	addr_len(&a);
	label(&a, L_SENDTO);
	emit(&a, LD(offsetof(struct seccomp_data, args[4])), -1, -1);
	emit(&a, JEQ(0), -1, L_SENDTO_LEN);
	emit(&a, LD(offsetof(struct seccomp_data, args[4]) + 4), -1, -1);
	emit(&a, JEQ(0), L_ALLOW, -1);
	label(&a, L_SENDTO_LEN);
	emit(&a, ARG(5), -1, -1);
	addr_len(&a);
	label(&a, L_ARG4);
	emit(&a, LD(offsetof(struct seccomp_data, args[4])), -1, -1);
	emit(&a, JEQ(0), -1, L_NOTIFY);
	emit(&a, LD(offsetof(struct seccomp_data, args[4]) + 4), -1, -1);
	emit(&a, JEQ(0), L_ALLOW, L_NOTIFY);
	label(&a, L_SETSOCKOPT);
	emit(&a, ARG(1), -1, -1);
	emit(&a, JEQ(SOL_IP), -1, L_ALLOW);
	emit(&a, ARG(2), -1, -1);
	for (size_t i = 0; i < sizeof(mirrored) / sizeof(mirrored[0]); i++)
		emit(&a, JEQ(mirrored[i]), L_NOTIFY, -1);
	emit(&a, RET(SECCOMP_RET_ALLOW), -1, -1);
	label(&a, L_GETSOCKOPT);
	emit(&a, ARG(1), -1, -1);
	emit(&a, JEQ(SOL_SOCKET), -1, L_ALLOW);
	emit(&a, ARG(2), -1, -1);
	emit(&a, JEQ(SO_DOMAIN), L_NOTIFY, L_ALLOW);
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
	fd = install(&prog, killable);
	if (fd < 0 && errno == EACCES) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return -errno;
		fd = install(&prog, killable);
	}
	return fd < 0 ? -errno : fd;
}
