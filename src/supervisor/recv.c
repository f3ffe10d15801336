/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recvfrom(2), recvmsg(2), recvmmsg(2) on our translated datagram
 * sockets: received into our buffers, copied out within the program's
 * lengths with the source in the form the program expects
 * (sv_view_addr), in one write.  Everything else runs as it is. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "icmpx.h"
#include "msgconv.h"
#include "sv.h"

/* Common front of the receive calls: only our translated datagram and
 * ICMP sockets need us (an ICMP socket of the program's becomes one of
 * ours here on a host without IPv4 routes); everything else runs as it
 * is.  Our duplicate of the socket is taken after the handler read what
 * it needs of the program: by recv_dup (sv_find_ours), or here (dup: the
 * handler read it before). */
static int64_t recv_front(struct call *c, struct sockinfo *si, bool dup)
{
	int64_t r;

	if (!(dup ? sv_icmp_open_ours(c, si, &r)
		  : sv_icmp_find_ours(c, si, &r)))
		return r;
	if (si->x.type != SOCK_DGRAM && !sv_is_icmp(si)) {
		sv_sock_close(si);
		return SV_CONTINUE;
	}
	return 0;
}

/* Our duplicate of si's socket, once the program's memory was read:
 * 0, or what the handler returns. */
static int64_t recv_dup(struct call *c, struct sockinfo *si)
{
	int r = sv_sock_dup(c, si);

	return r == 0 ? 0 : r == -ENOENT ? r : SV_CONTINUE;
}

/* A receive that may wait: wait for a message without taking it (the
 * program's SO_RCVTIMEO applies), and take it only while the program
 * still waits for it.  A call the program gave up (a signal: its
 * handler may well send the next ping, whose reply must reach the
 * restarted call) leaves the message queued.  0 when one is there,
 * -EAGAIN at the timeout, -EINTR when the call went away. */
static int wait_readable(struct call *c, int d)
{
	struct timespec dl;
	bool has_dl = sv_timeo_deadline(d, SO_RCVTIMEO, &dl);
	int r = sv_poll_wait(c, d, POLLIN, has_dl ? &dl : NULL);

	if (r == 0 && (sv_cancelled(c) || !sv_id_valid(c)))
		r = -EINTR;
	return r;
}

/* Receive on our duplicate of the program's socket si: at once when
 * something is there (one system call, the common case); otherwise, when
 * the program's call may wait (a blocking socket, by the status flags of
 * the open file, no MSG_DONTWAIT), wait for it: first for a moment
 * keeping our receive turn (sv_poll_brief), then without it
 * (wait_readable).  A message is taken only while the program's call
 * still waits for it. */
static ssize_t do_recv(struct call *c, struct sockinfo *si,
		       struct msghdr *m, int flags)
{
	int d = si->d;
	ssize_t r = recvmsg(d, m, flags | MSG_DONTWAIT);
	bool ready;
	int fl;

	if (r >= 0)
		return r;
	r = -errno;
	if ((r != -EAGAIN && r != -EWOULDBLOCK) ||
	    (flags & (MSG_DONTWAIT | MSG_ERRQUEUE)))
		return r;
	fl = sv_sock_flags(si);
	if (fl < 0 || (fl & O_NONBLOCK))
		return r;
	/* ready within the moment, and the call still waits for it */
	ready = sv_poll_brief(d, POLLIN) && !sv_cancelled(c) && sv_id_valid(c);
	for (;;) {
		if (!ready) {
			int w;

			sv_pass_turn(c);
			w = wait_readable(c, d);
			if (w == -EINTR)
				return sv_interrupted(c, d, SO_RCVTIMEO);
			if (w < 0)
				return w;
		}
		ready = false;
		r = recvmsg(d, m, flags | MSG_DONTWAIT);
		if (r >= 0)
			return r;
		r = -errno;
		/* another reader took it meanwhile: wait again */
		if (r != -EAGAIN && r != -EWOULDBLOCK)
			return r;
	}
}

/* One receive on our socket, in the program's form. */
struct rx {
	/* in: the buffer (the data is received at buf + hdr, cap bytes),
	 * room for control messages (ctl, ctlcap; NULL: none asked) */
	uint8_t *buf;
	size_t cap;
	char *ctl;
	size_t ctlcap;
	/* out */
	size_t n;            /* bytes of the result at buf */
	ssize_t ret;         /* what the call returns */
	size_t ctllen;       /* control messages at ctl, IPv4 form */
	int flags;           /* msg_flags */
	struct sockaddr_storage view;
	socklen_t viewlen;
};

/* The ICMP header room a raw socket's reader gets (the IPv4 header). */
static size_t rx_hdr(const struct sockinfo *si, int flags)
{
	return sv_is_icmp(si) && si->x.type == SOCK_RAW &&
	       !(flags & MSG_ERRQUEUE) ? 20 : 0;
}

/* Buffer size for len bytes of the program's: ICMP errors are looked at
 * whole (icmpx_rx_6to4). */
static size_t rx_cap(const struct sockinfo *si, size_t len)
{
	size_t cap = len < SV_RECV_MAX ? len : SV_RECV_MAX;

	if (sv_is_icmp(si) && cap < ICMPX_ERR_MAX + 64)
		cap = ICMPX_ERR_MAX + 64;
	return cap;
}

static ssize_t rx_one(struct call *c, struct sockinfo *si, struct rx *x,
		      int flags)
{
	struct nat64_prefix pbuf[SV_PFX_LIST];
	struct msgconv_pfx p = { NULL, 0, si->x.pfx };
	bool icmp = sv_is_icmp(si), errq = (flags & MSG_ERRQUEUE) != 0;
	size_t hdr = rx_hdr(si, flags), clen = 0;
	char ctl[2048] __attribute__((aligned(sizeof(size_t))));
	struct sockaddr_storage ss;
	struct msghdr m;
	ssize_t n;

	p.pfx = sv_prefix_list(pbuf, SV_PFX_LIST, &p.npfx);
	for (;;) {
		struct iovec iov = { x->buf + hdr, x->cap };
		struct icmpx_rx r;
		long got;

		memset(&m, 0, sizeof(m));
		m.msg_name = &ss;
		m.msg_namelen = sizeof(ss);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		/* a raw ICMP socket needs the hop limit, an error-queue read
		 * the entry: our own room even if the program gave none */
		if (x->ctl || icmp || errq) {
			m.msg_control = ctl;
			m.msg_controllen = x->ctl && x->ctlcap + 256 < sizeof(ctl)
					   ? x->ctlcap + 256 : sizeof(ctl);
		}
		n = do_recv(c, si, &m, flags | (icmp && !errq ? MSG_TRUNC : 0));
		if (n < 0)
			return errq || si->x.pfx < 0 ? n
			       : -icmpx_errno_6to4((int)-n);
		clen = m.msg_controllen;
		got = n < (ssize_t)x->cap ? n : (long)x->cap;
		if (errq) {
			if (!msgconv_errq_has_v4(ctl, clen, p.pfx, p.npfx)) {
				/* RFC 7915 drops it: the next one, or EAGAIN */
				if (flags & MSG_PEEK)
					do_recv(c, si, &m, (flags & ~MSG_PEEK) |
						MSG_DONTWAIT);
				continue;
			}
			/* an ICMP socket reads back the echo it sent */
			if (icmp)
				icmpx_echo_6to4(x->buf, (size_t)got);
			x->n = (size_t)got;
			x->ret = n;
			x->viewlen = sv_view_addr(&si->x, &ss, m.msg_namelen,
						  false, &x->view);
			break;
		}
		if (!icmp) {
			x->n = (size_t)got;
			x->ret = n;
			x->viewlen = sv_view_addr(&si->x, &ss, m.msg_namelen,
						  false, &x->view);
			break;
		}
		memset(&r, 0, sizeof(r));
		r.src6 = ((struct sockaddr_in6 *)&ss)->sin6_addr.s6_addr;
		r.hoplimit = (uint8_t)msgconv_cmsg_int(ctl, clen, SOL_IPV6,
						       IPV6_HOPLIMIT, 64);
		r.local4 = htonl(ICMPX_LOCAL_V4);
		r.v4_of = msgconv_v4_of;
		r.ctx = &p;
		got = ss.ss_family == AF_INET6
		      ? icmpx_rx_6to4(x->buf, x->cap + hdr, hdr, (size_t)got,
				      (size_t)n, &r) : 0;
		if (got > 0) {
			struct sockaddr_in sin = { .sin_family = AF_INET,
						   .sin_addr.s_addr = r.src4 };

			x->n = (size_t)got;
			x->ret = (flags & MSG_TRUNC) ? (ssize_t)r.full : got;
			x->flags = r.full > (size_t)got ? MSG_TRUNC : 0;
			memcpy(&x->view, &sin, sizeof(sin));
			x->viewlen = sizeof(sin);
			break;
		}
		/* not for the program (neighbour discovery, another host's
		 * traffic): the next one, as the kernel would have given it */
		if (flags & MSG_PEEK)
			do_recv(c, si, &m, (flags & ~MSG_PEEK) | MSG_DONTWAIT);
	}
	x->flags |= m.msg_flags & ~(icmp && !errq ? MSG_TRUNC : 0);
	x->ctllen = 0;
	if (icmp && si->x.type == SOCK_RAW && !si->x.icmp_recvttl)
		clen = msgconv_cmsg_drop(ctl, clen, SOL_IPV6, IPV6_HOPLIMIT);
	if (x->ctl) {
		int trunc = 0;

		x->ctllen = msgconv_cmsg_to_v4x(ctl, clen, x->ctl, x->ctlcap,
						icmp ? htonl(ICMPX_LOCAL_V4)
						     : si->x.bound_v4,
						p.pfx, p.npfx, &trunc);
		if (trunc)
			x->flags |= MSG_CTRUNC;
	}
	return x->ret;
}

/* Thread-local buffer for one datagram (and a raw socket's IPv4 header);
 * larger buffers are allocated. */
#define RECV_BUF (65536 + 64)
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
	struct iovec l[3], rv[3];
	struct rx x;
	size_t len = c->args[2], copy;
	int ulen, flags = (int)c->args[3];
	int64_t r, got;
	ssize_t n;

	if (sv_icmp_none_ours())
		return SV_CONTINUE;
	/* The kernel would check the length pointer only afterwards, but a
	 * datagram must not be consumed for a call that cannot return it.
	 * Read first: the duplicate that tells whose socket it is then also
	 * proves the call still pending for the write (target.c). */
	got = sv_read(c, c->args[5], &ulen, sizeof(ulen));
	r = recv_front(c, &si, true);
	if (r)
		return r;
	r = got;
	if (r == 0 && ulen < 0)
		r = -EINVAL;
	if (r) {
		sv_sock_close(&si);
		return r == -ENOENT || r == -EINVAL || r == SV_CONTINUE ? r
								    : -EFAULT;
	}
	memset(&x, 0, sizeof(x));
	x.cap = rx_cap(&si, len);
	x.buf = buf_get(x.cap + rx_hdr(&si, flags) + 1);
	if (!x.buf) {
		sv_sock_close(&si);
		return -ENOMEM;
	}
	n = rx_one(c, &si, &x, flags);
	r = n;
	if (n >= 0) {
		/* data, source (cut to the program's length), its length,
		 * in one write */
		copy = x.n < len ? x.n : len;
		l[0] = (struct iovec){ x.buf, copy };
		rv[0] = (struct iovec){ (void *)(uintptr_t)c->args[1], copy };
		l[1] = (struct iovec){ &x.view, (size_t)ulen < x.viewlen
						? (size_t)ulen : x.viewlen };
		rv[1] = (struct iovec){ (void *)(uintptr_t)c->args[4],
					l[1].iov_len };
		ulen = (int)x.viewlen;
		l[2] = (struct iovec){ &ulen, sizeof(ulen) };
		rv[2] = (struct iovec){ (void *)(uintptr_t)c->args[5],
					sizeof(ulen) };
		if (sv_write_into(c, l, 3, rv, 3) !=
		    (ssize_t)(copy + l[1].iov_len + sizeof(ulen)))
			r = -EFAULT;
		else if (!(flags & MSG_TRUNC) && (size_t)r > copy)
			r = (ssize_t)copy;
	}
	buf_put(x.buf);
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
	struct msghdr pm;
	struct iovec *riov = NULL, *rv = NULL, l[6];
	struct rx x;
	size_t total, copy, k, want;
	ssize_t n, r;

	r = sv_read(c, um, &pm, sizeof(pm));
	if (r < 0)
		return r;
	r = sv_read_iov_list(c, (uintptr_t)pm.msg_iov, pm.msg_iovlen, &riov,
			     &total);
	if (r < 0)
		return r;
	memset(&x, 0, sizeof(x));
	x.cap = rx_cap(si, total);
	x.buf = buf_get(x.cap + rx_hdr(si, flags) + 1);
	if (pm.msg_control && pm.msg_controllen) {
		x.ctlcap = pm.msg_controllen < SV_CTL_MAX ? pm.msg_controllen
							  : SV_CTL_MAX;
		x.ctl = malloc(x.ctlcap);
	}
	rv = calloc(pm.msg_iovlen + 5, sizeof(*rv));
	if (!x.buf || !rv || (pm.msg_control && pm.msg_controllen && !x.ctl)) {
		r = -ENOMEM;
		goto out;
	}
	r = recv_dup(c, si);
	if (r)
		goto out;
	n = rx_one(c, si, &x, flags);
	r = n;
	if (n < 0)
		goto out;
	/* Everything the program gets, in one write: the data, the source
	 * (cut to its length), the control messages, and the lengths and
	 * flags in its struct msghdr. */
	copy = x.n < total ? x.n : total;
	if (!(flags & MSG_TRUNC) && (size_t)r > copy)
		r = (ssize_t)copy;
	k = cut_iov(riov, pm.msg_iovlen, copy, rv);
	l[0] = (struct iovec){ x.buf, copy };
	want = copy;
	if (pm.msg_name) {
		l[1] = (struct iovec){ &x.view, pm.msg_namelen < x.viewlen
						? pm.msg_namelen : x.viewlen };
		rv[k++] = (struct iovec){ pm.msg_name, l[1].iov_len };
		pm.msg_namelen = x.viewlen;
	} else {
		l[1] = (struct iovec){ &x.view, 0 };
		pm.msg_namelen = 0;
	}
	l[2] = (struct iovec){ x.ctl, x.ctl ? x.ctllen : 0 };
	if (l[2].iov_len)
		rv[k++] = (struct iovec){ pm.msg_control, l[2].iov_len };
	pm.msg_controllen = l[2].iov_len;
	pm.msg_flags = x.flags;
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
	if (x.buf)
		buf_put(x.buf);
	free(x.ctl);
	return r;
}

int64_t sv_handle_recvmsg(struct call *c)
{
	struct sockinfo si;
	int64_t r = recv_front(c, &si, false);

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
	int64_t r = recv_front(c, &si, false);

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
