/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Receives on translated sockets: the source address and the ancillary
 * data come back in the IPv4 form the program expects.  The kernel's
 * answer lands in our own buffers first (an IPv6 address does not fit in
 * a sockaddr_in), then is copied out within the program's lengths. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <linux/errqueue.h>

#include "addr.h"
#include "icmpx.h"
#include "msgconv.h"
#include "tnat64.h"

#define CTL_MAX 2048

/* Convert the kernel's source address (ss, sl) for the program; returns 0,
 * or -1 when the source has no IPv4 form (a datagram from an IPv6 host
 * that an IPv4 socket could never have received). */
static int source_out(const struct fdrec *rec, const struct sockaddr_in6 *ss,
		      socklen_t sl, void *name, socklen_t *namelen)
{
	struct sockaddr_in sin;

	if (ss->sin6_family != AF_INET6 || sl < (socklen_t)sizeof(*ss)) {
		if (name)
			sockaddr_copy_out(name, namelen, ss, sl);
		else if (namelen)
			*namelen = 0;
		return 0;
	}
	if (tn_to_v4(ss, rec->peer_prefix == 0xff ? -1 : rec->peer_prefix,
		     &sin) == -2)
		return -1;
	if (name)
		sockaddr_copy_out(name, namelen, &sin, sizeof(sin));
	else if (namelen)
		*namelen = 0;
	return 0;
}

/* The control messages of a receive on an FD_EMU socket, in IPv4 form
 * (error-queue entries included). */
static size_t cmsg_out(const struct fdrec *rec, const void *src, size_t len,
		       void *dst, size_t cap, int *trunc)
{
	struct nat64_prefix buf[TN_PFX_LIST];
	size_t n;
	const struct nat64_prefix *p = tn_prefix_list(buf, TN_PFX_LIST, &n);

	return msgconv_cmsg_to_v4x(src, len, dst, cap, rec->bound_v4, p, n,
				   trunc);
}

ssize_t tn_recv_errqueue(int fd, struct fdrec *rec, struct msghdr *msg,
			 int flags)
{
	char ctl[CTL_MAX] __attribute__((aligned(sizeof(size_t))));
	struct nat64_prefix buf[TN_PFX_LIST];
	size_t np;
	const struct nat64_prefix *p = tn_prefix_list(buf, TN_PFX_LIST, &np);
	bool icmp = fdrec_kind(rec) == FD_ICMP6;
	struct sockaddr_in6 ss;
	struct msghdr m;
	ssize_t r;
	int trunc = 0;

	for (;;) {
		size_t want = msg->msg_control ? msg->msg_controllen : 0;

		m = *msg;
		m.msg_name = &ss;
		m.msg_namelen = sizeof(ss);
		m.msg_control = ctl;
		m.msg_controllen = want + 256 < CTL_MAX ? want + 256 : CTL_MAX;
		r = real.recvmsg(fd, &m, flags);
		if (r < 0)
			return neg_errno();
		if (msgconv_errq_has_v4(ctl, m.msg_controllen, p, np))
			break;
		/* RFC 7915 drops it: the next one, or EAGAIN */
		if (flags & MSG_PEEK) {
			struct msghdr d = { .msg_control = ctl,
					    .msg_controllen = sizeof(ctl) };

			real.recvmsg(fd, &d, (flags & ~MSG_PEEK) | MSG_DONTWAIT);
		}
	}
	/* An ICMP socket reads the echo it sent: in ICMPv4 form. */
	if (icmp && r >= 8 && msg->msg_iovlen && msg->msg_iov[0].iov_base &&
	    msg->msg_iov[0].iov_len >= 8)
		icmpx_echo_6to4(msg->msg_iov[0].iov_base,
				(size_t)r < msg->msg_iov[0].iov_len
				? (size_t)r : msg->msg_iov[0].iov_len);
	if (!m.msg_namelen || source_out(rec, &ss, m.msg_namelen,
					 msg->msg_name, &msg->msg_namelen) < 0)
		msg->msg_namelen = 0;
	if (icmp)
		msg->msg_controllen = tn_icmp_cmsg_out(rec, ctl,
						       m.msg_controllen, msg,
						       &trunc);
	else if (msg->msg_control && msg->msg_controllen)
		msg->msg_controllen = cmsg_out(rec, ctl, m.msg_controllen,
					       msg->msg_control,
					       msg->msg_controllen, &trunc);
	else
		msg->msg_controllen = 0;
	msg->msg_flags = (m.msg_flags & ~MSG_CTRUNC) |
			 (trunc || (m.msg_flags & MSG_CTRUNC) ? MSG_CTRUNC : 0);
	return r;
}

/* Throw away the datagram at the head of the queue (after a MSG_PEEK). */
static void discard(int fd)
{
	char b;

	real.recvfrom(fd, &b, 1, MSG_DONTWAIT | MSG_TRUNC, NULL, NULL);
}

ssize_t tn_recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct fdrec *rec = fdtab_get(fd, 0);
	char ctl[CTL_MAX] __attribute__((aligned(sizeof(size_t))));
	struct sockaddr_in6 ss;
	struct msghdr m;
	uint32_t kind = fdrec_kind(rec);
	ssize_t r;

	if (kind == FD_ICMP6)
		return tn_icmp_recvmsg(fd, rec, msg, flags);
	if (kind != FD_EMU || !msg) {
		r = real.recvmsg(fd, msg, flags);
		return r < 0 ? neg_errno() : r;
	}
	if (flags & MSG_ERRQUEUE)
		return tn_recv_errqueue(fd, rec, msg, flags);
	for (;;) {
		int trunc = 0;

		m = *msg;
		m.msg_name = &ss;
		m.msg_namelen = sizeof(ss);
		if (msg->msg_control && msg->msg_controllen) {
			m.msg_control = ctl;
			m.msg_controllen = msg->msg_controllen + 256 < CTL_MAX
					   ? msg->msg_controllen + 256 : CTL_MAX;
		}
		r = real.recvmsg(fd, &m, flags);
		if (r < 0)
			return tn_errno6to4(rec, neg_errno());
		if (m.msg_namelen && source_out(rec, &ss, m.msg_namelen,
				msg->msg_name, &msg->msg_namelen) < 0) {
			if (flags & MSG_PEEK)
				discard(fd);
			if (rec->type == SOCK_STREAM)
				break; /* cannot happen: streams have no source */
			continue;
		}
		if (!m.msg_namelen)
			msg->msg_namelen = 0;
		if (m.msg_control) {
			msg->msg_controllen = cmsg_out(rec, ctl,
				m.msg_controllen, msg->msg_control,
				msg->msg_controllen, &trunc);
		} else {
			msg->msg_controllen = m.msg_controllen;
		}
		msg->msg_flags = m.msg_flags | (trunc ? MSG_CTRUNC : 0);
		break;
	}
	return r;
}

ssize_t tn_recvfrom(int fd, void *buf, size_t n, int flags,
		    struct sockaddr *addr, socklen_t *len)
{
	struct fdrec *rec = fdtab_get(fd, 0);
	struct iovec iov = { .iov_base = buf, .iov_len = n };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	uint32_t kind = fdrec_kind(rec);
	ssize_t r;

	if (kind != FD_ICMP6 && (kind != FD_EMU || !addr)) {
		r = real.recvfrom(fd, buf, n, flags, addr, len);
		return r < 0 ? (kind == FD_EMU ? tn_errno6to4(rec, neg_errno())
				: neg_errno()) : r;
	}
	if (addr && !len)
		return -EFAULT;
	m.msg_name = addr;
	m.msg_namelen = addr ? *len : 0;
	r = tn_recvmsg(fd, &m, flags);
	if (r >= 0 && addr)
		*len = m.msg_namelen;
	return r;
}

#define MMSG_BATCH 16
/* Control buffers handed to the kernel for one recvmmsg batch: each
 * message gets its program's size plus room for the IPv6 forms (larger
 * IPV6_PKTINFO) and for both forms of an IPv4 datagram, as recvmsg does. */
#define MMSG_CTL_ARENA 4096
#define MMSG_CTL_EXTRA 256

int tn_recvmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags,
		struct timespec *timeout)
{
	struct fdrec *rec = fdtab_get(fd, 0);
	struct mmsghdr mv[MMSG_BATCH];
	struct sockaddr_in6 names[MMSG_BATCH];
	size_t caps[MMSG_BATCH], used = 0;
	char arena[MMSG_CTL_ARENA] __attribute__((aligned(sizeof(size_t))));
	int r;

	if (fdrec_kind(rec) == FD_ICMP6 && vec) {
		/* one by one: the ICMPv4 view needs each message whole */
		unsigned int i;

		for (i = 0; i < n; i++) {
			int f = flags & ~MSG_WAITFORONE;
			ssize_t got;

			if (i > 0 && (flags & MSG_WAITFORONE))
				f |= MSG_DONTWAIT;
			got = tn_icmp_recvmsg(fd, rec, &vec[i].msg_hdr, f);
			if (got < 0)
				return i ? (int)i : (int)got;
			vec[i].msg_len = (unsigned int)got;
		}
		return (int)n;
	}
	if (fdrec_kind(rec) != FD_EMU || !vec || !n) {
		r = real.recvmmsg(fd, vec, n, flags, timeout);
		return r < 0 ? neg_errno() : r;
	}
	/* A batch of at most MMSG_BATCH: recvmmsg may always return fewer. */
	if (n > MMSG_BATCH)
		n = MMSG_BATCH;
	for (unsigned int i = 0; i < n; i++) {
		mv[i] = vec[i];
		caps[i] = vec[i].msg_hdr.msg_controllen;
		mv[i].msg_hdr.msg_name = &names[i];
		mv[i].msg_hdr.msg_namelen = sizeof(names[i]);
		if (vec[i].msg_hdr.msg_control && caps[i]) {
			size_t want = CMSG_ALIGN(caps[i] + MMSG_CTL_EXTRA);

			if (want <= sizeof(arena) - used) {
				mv[i].msg_hdr.msg_control = arena + used;
				mv[i].msg_hdr.msg_controllen = want;
				used += want;
			} else if (i > 0) {
				n = i; /* the others in the next call */
				break;
			}
			/* else a huge buffer, first of the batch: the kernel
			 * writes to it, rewritten in place below */
		}
	}
	r = real.recvmmsg(fd, mv, n, flags, timeout);
	if (r < 0)
		return (int)tn_errno6to4(rec, neg_errno());
	for (int i = 0; i < r; i++) {
		struct msghdr *out = &vec[i].msg_hdr;
		const struct msghdr *in = &mv[i].msg_hdr;

		vec[i].msg_len = mv[i].msg_len;
		out->msg_flags = in->msg_flags;
		out->msg_controllen = in->msg_controllen;
		if (in->msg_control && in->msg_controllen &&
		    in->msg_control != out->msg_control) {
			int trunc;

			out->msg_controllen = cmsg_out(rec,
				in->msg_control, in->msg_controllen,
				out->msg_control, caps[i], &trunc);
			if (trunc)
				out->msg_flags |= MSG_CTRUNC;
		} else if (in->msg_control && in->msg_controllen) {
			/* Rewrite in place through a copy: IPv4 forms are
			 * never longer than the IPv6 ones. */
			char ctl[CTL_MAX] __attribute__((aligned(sizeof(size_t))));
			size_t cl = in->msg_controllen < CTL_MAX
				    ? in->msg_controllen : CTL_MAX;
			int trunc;

			memcpy(ctl, in->msg_control, cl);
			out->msg_controllen = cmsg_out(rec, ctl, cl,
				out->msg_control, caps[i], &trunc);
			if (trunc)
				out->msg_flags |= MSG_CTRUNC;
		}
		if (!in->msg_namelen) {
			out->msg_namelen = 0;
		} else if (source_out(rec, &names[i], in->msg_namelen,
				      out->msg_name, &out->msg_namelen) < 0) {
			/* No IPv4 form: report the unspecified address. */
			struct sockaddr_in none = { .sin_family = AF_INET,
					.sin_port = names[i].sin6_port };

			if (out->msg_name)
				sockaddr_copy_out(out->msg_name,
						  &out->msg_namelen, &none,
						  sizeof(none));
		}
	}
	return r;
}
