/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recvfrom(2), recvmsg(2), recvmmsg(2) on our translated datagram
 * sockets: received into our buffers, copied out within the program's
 * lengths with the source in the form the program expects
 * (sv_view_addr), in one write.  Everything else runs as it is. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "sv.h"

/* Common front of the receive calls: only our translated datagram
 * sockets need us; everything else runs as it is. */
static int64_t recv_front(struct call *c, struct sockinfo *si)
{
	int64_t r;

	if (!sv_open_ours(c, si, &r))
		return r;
	if (si->x.type != SOCK_DGRAM) {
		sv_sock_close(si);
		return SV_CONTINUE;
	}
	return 0;
}

/* Receive on our socket: at once if something is there; if not and the
 * program's call may wait, without our receive turn (and interrupted
 * when the program's thread is). */
static ssize_t do_recv(struct call *c, struct sockinfo *si,
		       struct msghdr *m, int flags)
{
	ssize_t r = recvmsg(si->d, m, flags | MSG_DONTWAIT);
	int fl;

	if (r >= 0 || errno != EAGAIN || (flags & MSG_DONTWAIT))
		return r < 0 ? -errno : r;
	fl = fcntl(si->d, F_GETFL);
	if (fl < 0 || (fl & O_NONBLOCK))
		return -EAGAIN;
	sv_pass_turn(c);
	sv_block_begin(c);
	r = recvmsg(si->d, m, flags);
	if (r < 0)
		r = -errno;
	sv_block_end(c);
	return r == -EINTR ? sv_interrupted(c, si->d, SO_RCVTIMEO) : r;
}

/* Thread-local buffer for one datagram; larger buffers are allocated. */
#define RECV_BUF 65536
static _Thread_local unsigned char recv_buf[RECV_BUF];

static void *buf_get(size_t len)
{
	return len <= RECV_BUF ? recv_buf : malloc(len);
}

static void buf_put(void *b)
{
	if (b != recv_buf)
		free(b);
}

int64_t sv_handle_recvfrom(struct call *c)
{
	struct sockinfo si;
	struct sockaddr_storage ss, view;
	struct iovec liov, l[3], rv[3];
	struct msghdr m;
	size_t len = c->args[2], copy;
	int ulen;
	socklen_t vl;
	int64_t r = recv_front(c, &si);
	ssize_t n;

	if (r)
		return r;
	/* The kernel would check the length pointer only afterwards, but a
	 * datagram must not be consumed for a call that cannot return it. */
	r = sv_read(c, c->args[5], &ulen, sizeof(ulen));
	if (r == 0 && ulen < 0)
		r = -EINVAL;
	if (r < 0) {
		sv_sock_close(&si);
		return r == -ENOENT ? r : r == -EINVAL ? r : -EFAULT;
	}
	liov.iov_len = len < SV_RECV_MAX ? len : SV_RECV_MAX;
	liov.iov_base = buf_get(liov.iov_len);
	if (!liov.iov_base) {
		sv_sock_close(&si);
		return -ENOMEM;
	}
	memset(&m, 0, sizeof(m));
	m.msg_name = &ss;
	m.msg_namelen = sizeof(ss);
	m.msg_iov = &liov;
	m.msg_iovlen = 1;
	n = do_recv(c, &si, &m, (int)c->args[3]);
	r = n;
	if (n >= 0) {
		copy = (size_t)n < liov.iov_len ? (size_t)n : liov.iov_len;
		vl = sv_view_addr(&si.x, &ss, m.msg_namelen, false, &view);
		/* data, source (cut to the program's length), its length */
		l[0] = (struct iovec){ liov.iov_base, copy };
		rv[0] = (struct iovec){ (void *)(uintptr_t)c->args[1], copy };
		l[1] = (struct iovec){ &view, (size_t)ulen < vl ? (size_t)ulen
								: vl };
		rv[1] = (struct iovec){ (void *)(uintptr_t)c->args[4],
					l[1].iov_len };
		ulen = (int)vl;
		l[2] = (struct iovec){ &ulen, sizeof(ulen) };
		rv[2] = (struct iovec){ (void *)(uintptr_t)c->args[5],
					sizeof(ulen) };
		if (sv_write_into(c, l, 3, rv, 3) !=
		    (ssize_t)(copy + l[1].iov_len + sizeof(ulen)))
			r = -EFAULT;
	}
	buf_put(liov.iov_base);
	sv_sock_close(&si);
	return r;
}

/* Where the first copy bytes of a scatter list riov (n entries) go: the
 * list cut there, into out (n entries); the number used. */
static size_t cut_iov(const struct iovec *riov, size_t n, size_t copy,
		      struct iovec *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n && copy; i++) {
		if (!riov[i].iov_len)
			continue;
		out[k] = riov[i];
		if (out[k].iov_len > copy)
			out[k].iov_len = copy;
		copy -= out[k].iov_len;
		k++;
	}
	return k;
}

/* One recvmsg into the program's struct msghdr at um. */
static ssize_t recv_one(struct call *c, struct sockinfo *si, uint64_t um,
			int flags)
{
	struct msghdr pm, m;
	struct sockaddr_storage ss, view;
	struct iovec *riov = NULL, *rv = NULL, liov, l[6];
	size_t total, copy, k, want;
	void *ctl = NULL;
	socklen_t vl;
	ssize_t n, r;

	r = sv_read(c, um, &pm, sizeof(pm));
	if (r < 0)
		return r;
	r = sv_read_iov_list(c, (uintptr_t)pm.msg_iov, pm.msg_iovlen, &riov,
			     &total);
	if (r < 0)
		return r;
	liov.iov_len = total < SV_RECV_MAX ? total : SV_RECV_MAX;
	liov.iov_base = buf_get(liov.iov_len);
	if (pm.msg_control && pm.msg_controllen)
		ctl = malloc(pm.msg_controllen < SV_CTL_MAX
			     ? pm.msg_controllen : SV_CTL_MAX);
	rv = calloc(pm.msg_iovlen + 5, sizeof(*rv));
	if (!liov.iov_base || !rv ||
	    (pm.msg_control && pm.msg_controllen && !ctl)) {
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
	n = do_recv(c, si, &m, flags);
	r = n;
	if (n < 0)
		goto out;
	/* Everything the program gets, in one write: the data, the source
	 * (cut to its length), the control messages, and the lengths and
	 * flags in its struct msghdr. */
	copy = (size_t)n < liov.iov_len ? (size_t)n : liov.iov_len;
	k = cut_iov(riov, pm.msg_iovlen, copy, rv);
	l[0] = (struct iovec){ liov.iov_base, copy };
	want = copy;
	vl = 0;
	if (pm.msg_name) {
		vl = sv_view_addr(&si->x, &ss, m.msg_namelen, false, &view);
		l[1] = (struct iovec){ &view, pm.msg_namelen < vl
					      ? pm.msg_namelen : vl };
		rv[k++] = (struct iovec){ pm.msg_name, l[1].iov_len };
	} else {
		l[1] = (struct iovec){ &view, 0 };
	}
	pm.msg_namelen = vl;
	l[2] = (struct iovec){ ctl, ctl ? m.msg_controllen : 0 };
	if (l[2].iov_len)
		rv[k++] = (struct iovec){ pm.msg_control, l[2].iov_len };
	pm.msg_controllen = l[2].iov_len;
	pm.msg_flags = m.msg_flags;
	l[3] = (struct iovec){ &pm.msg_namelen, sizeof(pm.msg_namelen) };
	rv[k++] = (struct iovec){ (void *)(uintptr_t)(um + offsetof(
				  struct msghdr, msg_namelen)),
				  sizeof(pm.msg_namelen) };
	l[4] = (struct iovec){ &pm.msg_controllen, sizeof(pm.msg_controllen) };
	rv[k++] = (struct iovec){ (void *)(uintptr_t)(um + offsetof(
				  struct msghdr, msg_controllen)),
				  sizeof(pm.msg_controllen) };
	l[5] = (struct iovec){ &pm.msg_flags, sizeof(pm.msg_flags) };
	rv[k++] = (struct iovec){ (void *)(uintptr_t)(um + offsetof(
				  struct msghdr, msg_flags)),
				  sizeof(pm.msg_flags) };
	want += l[1].iov_len + l[2].iov_len + l[3].iov_len + l[4].iov_len +
		l[5].iov_len;
	if (sv_write_into(c, l, 6, rv, k) != (ssize_t)want)
		r = -EFAULT;
out:
	free(riov);
	free(rv);
	if (liov.iov_base)
		buf_put(liov.iov_base);
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
