/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recvfrom(2), recvmsg(2), recvmmsg(2) on our translated datagram
 * sockets: received into our buffers, copied out within the program's
 * lengths with the source in the form the program expects
 * (sv_view_addr).  Everything else runs as it is. */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "sv.h"

/* Common front of the receive calls: only our translated datagram
 * sockets need us; everything else runs as it is. */
static int64_t recv_front(struct call *c, struct sockinfo *si)
{
	int r = sv_sock_open(c, (int)c->args[0], si);

	if (r == SV_NOT_INSPECTABLE)
		return SV_CONTINUE;
	if (r < 0)
		return r;
	if (!si->have_x || si->type != SOCK_DGRAM) {
		sv_sock_close(si);
		return SV_CONTINUE;
	}
	return 0;
}

static ssize_t do_recv(struct call *c, int d, struct msghdr *m, int flags)
{
	ssize_t r;

	sv_maybe_pass_turn(c, d, flags, POLLIN);
	sv_block_begin(c);
	r = recvmsg(d, m, flags);
	if (r < 0)
		r = -errno;
	sv_block_end(c);
	return r;
}

int64_t sv_handle_recvfrom(struct call *c)
{
	struct sockinfo si;
	struct sockaddr_storage ss, view;
	struct iovec liov, riov;
	struct msghdr m;
	size_t len = c->args[2];
	int ulen;
	int64_t r = recv_front(c, &si);
	ssize_t n;

	if (r)
		return r;
	/* The kernel would check the length pointer only afterwards, but a
	 * datagram must not be consumed for a call that cannot return it. */
	if (sv_read(c, c->args[5], &ulen, sizeof(ulen)) < 0) {
		sv_sock_close(&si);
		return -EFAULT;
	}
	liov.iov_len = len < SV_RECV_MAX ? len : SV_RECV_MAX;
	liov.iov_base = malloc(liov.iov_len ? liov.iov_len : 1);
	if (!liov.iov_base) {
		sv_sock_close(&si);
		return -ENOMEM;
	}
	memset(&m, 0, sizeof(m));
	m.msg_name = &ss;
	m.msg_namelen = sizeof(ss);
	m.msg_iov = &liov;
	m.msg_iovlen = 1;
	n = do_recv(c, si.d, &m, (int)c->args[3]);
	r = n;
	if (n >= 0) {
		size_t copy = (size_t)n < liov.iov_len ? (size_t)n
						       : liov.iov_len;

		riov.iov_base = (void *)(uintptr_t)c->args[1];
		riov.iov_len = copy;
		if (copy && sv_writev(c, liov.iov_base, copy, &riov, 1) !=
		    (ssize_t)copy)
			r = -EFAULT;
		if (r >= 0) {
			socklen_t vl = sv_view_addr(&si.x, &ss, m.msg_namelen,
						    false, &view);
			int e = sv_write_sockaddr(c, c->args[4], c->args[5],
						  &view, vl);
			if (e < 0)
				r = e;
		}
	}
	free(liov.iov_base);
	sv_sock_close(&si);
	return r;
}

/* One recvmsg into the program's struct msghdr at um. */
static ssize_t recv_one(struct call *c, struct sockinfo *si, uint64_t um,
			int flags)
{
	struct msghdr pm, m;
	struct sockaddr_storage ss, view;
	struct iovec *riov = NULL, liov;
	size_t total;
	void *ctl = NULL;
	ssize_t n, r;

	r = sv_read(c, um, &pm, sizeof(pm));
	if (r < 0)
		return r;
	r = sv_read_iov_list(c, (uintptr_t)pm.msg_iov, pm.msg_iovlen, &riov,
			     &total);
	if (r < 0)
		return r;
	liov.iov_len = total < SV_RECV_MAX ? total : SV_RECV_MAX;
	liov.iov_base = malloc(liov.iov_len ? liov.iov_len : 1);
	if (pm.msg_control && pm.msg_controllen)
		ctl = malloc(pm.msg_controllen < SV_CTL_MAX
			     ? pm.msg_controllen : SV_CTL_MAX);
	if (!liov.iov_base || (pm.msg_control && pm.msg_controllen && !ctl)) {
		r = -ENOMEM;
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.msg_name = &ss;
	m.msg_namelen = sizeof(ss);
	m.msg_iov = &liov;
	m.msg_iovlen = 1;
	m.msg_control = ctl;
	m.msg_controllen = ctl ? (pm.msg_controllen < SV_CTL_MAX
				  ? pm.msg_controllen : SV_CTL_MAX) : 0;
	n = do_recv(c, si->d, &m, flags);
	r = n;
	if (n < 0)
		goto out;
	{
		size_t copy = (size_t)n < liov.iov_len ? (size_t)n
						       : liov.iov_len;

		if (copy && sv_writev(c, liov.iov_base, copy, riov,
				      pm.msg_iovlen) != (ssize_t)copy) {
			r = -EFAULT;
			goto out;
		}
	}
	if (pm.msg_name) {
		socklen_t vl = sv_view_addr(&si->x, &ss, m.msg_namelen, false,
					    &view);
		socklen_t put = pm.msg_namelen < vl ? pm.msg_namelen : vl;

		if (put && sv_write(c, (uintptr_t)pm.msg_name, &view, put) < 0) {
			r = -EFAULT;
			goto out;
		}
		pm.msg_namelen = vl;
	} else {
		pm.msg_namelen = 0;
	}
	if (ctl && m.msg_controllen &&
	    sv_write(c, (uintptr_t)pm.msg_control, ctl, m.msg_controllen) < 0) {
		r = -EFAULT;
		goto out;
	}
	pm.msg_controllen = ctl ? m.msg_controllen : 0;
	pm.msg_flags = m.msg_flags;
	if (sv_write(c, um + offsetof(struct msghdr, msg_namelen),
		     &pm.msg_namelen, sizeof(pm.msg_namelen)) < 0 ||
	    sv_write(c, um + offsetof(struct msghdr, msg_controllen),
		     &pm.msg_controllen, sizeof(pm.msg_controllen)) < 0 ||
	    sv_write(c, um + offsetof(struct msghdr, msg_flags),
		     &pm.msg_flags, sizeof(pm.msg_flags)) < 0)
		r = -EFAULT;
out:
	free(riov);
	free(liov.iov_base);
	free(ctl);
	return r;
}

int64_t sv_handle_recvmsg(struct call *c)
{
	struct sockinfo si;
	int64_t r = recv_front(c, &si);

	if (r)
		return r;
	r = recv_one(c, &si, c->args[1], (int)c->args[2]);
	sv_sock_close(&si);
	return r;
}

int64_t sv_handle_recvmmsg(struct call *c)
{
	struct sockinfo si;
	int flags = (int)c->args[3];
	unsigned vlen = (unsigned)c->args[2], i;
	int64_t r = recv_front(c, &si);

	if (r)
		return r;
	if (vlen > SV_MMSG_MAX)
		vlen = SV_MMSG_MAX;
	for (i = 0; i < vlen; i++) {
		uint64_t at = c->args[1] + (uint64_t)i * sizeof(struct mmsghdr);
		int f = flags & ~MSG_WAITFORONE;
		ssize_t n;

		if (i > 0 && (flags & MSG_WAITFORONE))
			f |= MSG_DONTWAIT;
		n = recv_one(c, &si, at, f);
		if (n < 0) {
			r = n;
			break;
		}
		r = sv_put_msg_len(c, at, n);
		if (r < 0)
			break;
	}
	sv_sock_close(&si);
	return i > 0 ? (int64_t)i : r;
}
