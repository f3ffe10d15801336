/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the supervisor does with each trapped call: one file per call or
 * small family (connect.c, send.c, recv.c, sockopt.c, names.c) over the
 * core (sock.c, replace.c, targetmsg.c, target.c); see doc/DESIGN.md.
 *
 * Rules:
 * - An address in the program's memory is read once, into our own copy;
 *   a call we translate is then made by us, on our duplicate of the
 *   program's socket (pidfd_getfd), with that copy.
 *   SECCOMP_USER_NOTIF_FLAG_CONTINUE (the kernel runs the program's call
 *   itself, re-reading its memory) is the answer whenever the kernel's
 *   own handling of what we read is the right one: a direct destination,
 *   another family, a socket that is not ours asked for a name or a
 *   source, a connect on a socket already connecting.  A program that
 *   changes that memory meanwhile gets the kernel's handling of its new
 *   contents, which it could have had without us: nothing is checked on
 *   its behalf, so nothing can be bypassed.
 * - An AF_INET socket whose destination needs NAT64 is replaced, in the
 *   program's descriptor table, by an AF_INET6 socket of ours
 *   (SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SETFD), with the
 *   same type, protocol, status flags, close-on-exec flag, the options the
 *   program set and its local port.  We remember it by inode number and
 *   show the program IPv4 addresses for it from then on.
 * - The decision rule is the library's, src/common/policy.h: direct IPv4
 *   first; on "network unreachable", NAT64; once NAT64 worked for a
 *   prefix, NAT64 at once; when NAT64 itself turns out unreachable, direct
 *   first again. */
#include <errno.h>
#include <sys/syscall.h>

#include "sv.h"

int64_t sv_handle(struct call *c)
{
	switch (c->nr) {
	case SYS_connect:
		return sv_handle_connect(c);
	case SYS_sendto:
		return sv_handle_sendto(c);
	case SYS_sendmsg:
		return sv_handle_sendmsg(c);
	case SYS_sendmmsg:
		return sv_handle_sendmmsg(c);
	case SYS_recvfrom:
		return sv_handle_recvfrom(c);
	case SYS_recvmsg:
		return sv_handle_recvmsg(c);
	case SYS_recvmmsg:
		return sv_handle_recvmmsg(c);
	case SYS_getpeername:
		return sv_handle_names(c, true);
	case SYS_getsockname:
		return sv_handle_names(c, false);
	case SYS_setsockopt:
		return sv_handle_setsockopt(c);
	case SYS_getsockopt:
		return sv_handle_getsockopt(c);
	default:
		return -ENOSYS;
	}
}
