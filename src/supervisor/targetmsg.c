/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket addresses, iovec lists and message headers in the target's
 * memory (seccomp_unotify(2): the program whose call we handle): read
 * once into our own copies, written back within the program's lengths. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "sv.h"

int sv_read_sockaddr(struct call *c, uint64_t uaddr, uint64_t ulen,
		     struct sockaddr_storage *ss, socklen_t *len)
{
	int r;

	memset(ss, 0, sizeof(*ss));
	if ((int)ulen < 0 || ulen > sizeof(*ss))
		return -EINVAL;
	*len = (socklen_t)ulen;
	if (!*len)
		return 0;
	r = sv_read(c, uaddr, ss, *len);
	return r == -ENOENT ? -ENOENT : (r < 0 ? -EFAULT : 0);
}

int sv_read_addrlen(struct call *c, uint64_t ulenp, int *ulen)
{
	int e;

	if (!ulenp)
		return -EFAULT;
	e = sv_read(c, ulenp, ulen, sizeof(*ulen));
	if (e < 0)
		return e == -ENOENT ? e : -EFAULT;
	return *ulen < 0 ? -EINVAL : 0;
}

/* getsockname-style output: at most *ulen bytes of sa, then *ulen = len,
 * in one write. */
int sv_write_sockaddr(struct call *c, uint64_t uaddr, uint64_t ulenp,
		      const void *sa, socklen_t len)
{
	int ulen, e = sv_read_addrlen(c, ulenp, &ulen);

	return e < 0 ? e : sv_put_sockaddr(c, uaddr, ulenp, ulen, sa, len);
}

int sv_put_sockaddr(struct call *c, uint64_t uaddr, uint64_t ulenp, int ulen,
		    const void *sa, socklen_t len)
{
	struct iovec l[2], r[2];
	size_t put;
	int e;

	put = (size_t)ulen < len ? (size_t)ulen : len;
	l[0] = (struct iovec){ (void *)sa, put };
	r[0] = (struct iovec){ (void *)(uintptr_t)uaddr, put };
	ulen = (int)len;
	l[1] = (struct iovec){ &ulen, sizeof(ulen) };
	r[1] = (struct iovec){ (void *)(uintptr_t)ulenp, sizeof(ulen) };
	e = (int)sv_write_into(c, l, 2, r, 2);
	if (e < 0)
		return e;
	return (size_t)e == put + sizeof(ulen) ? 0 : -EFAULT;
}

/* Copy the iovec list at riov_addr (n entries) into one buffer. */
int sv_read_iov_list(struct call *c, uint64_t riov_addr, size_t n,
		     struct iovec **out, size_t *total)
{
	struct iovec *v;
	size_t t = 0;
	int r;

	*out = NULL;
	*total = 0;
	if (n == 0)
		return 0;
	if (n > SV_MMSG_MAX)
		return -EMSGSIZE;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r = sv_read(c, riov_addr, v, n * sizeof(*v));
	if (r < 0) {
		free(v);
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		if ((ssize_t)v[i].iov_len < 0 || t + v[i].iov_len < t) {
			free(v);
			return -EINVAL;
		}
		t += v[i].iov_len;
	}
	*out = v;
	*total = t;
	return 0;
}

void sv_lmsg_free(struct sv_lmsg *m)
{
	free(m->iov.iov_base);
	free(m->ctl);
	m->iov.iov_base = m->ctl = NULL;
}

/* The program's struct msghdr at um, for sending: everything copied. */
int sv_read_send_msg(struct call *c, const struct msghdr *m,
		     struct sv_lmsg *lm)
{
	struct iovec *riov;
	size_t total;
	ssize_t n;
	int r;

	memset(lm, 0, sizeof(*lm));
	if (m->msg_name && m->msg_namelen) {
		r = sv_read_sockaddr(c, (uintptr_t)m->msg_name, m->msg_namelen,
				     &lm->name, &lm->namelen);
		if (r < 0)
			return r;
	}
	r = sv_read_iov_list(c, (uintptr_t)m->msg_iov, m->msg_iovlen, &riov,
			     &total);
	if (r < 0)
		return r;
	if (total > SV_SEND_MAX) {
		free(riov);
		return -EMSGSIZE;
	}
	lm->iov.iov_base = malloc(total ? total : 1);
	lm->iov.iov_len = total;
	if (!lm->iov.iov_base) {
		free(riov);
		return -ENOMEM;
	}
	n = sv_readv(c, lm->iov.iov_base, total, riov, m->msg_iovlen);
	free(riov);
	if (n < 0 || (size_t)n != total) {
		sv_lmsg_free(lm);
		return n == -ENOENT ? -ENOENT : -EFAULT;
	}
	if (m->msg_control && m->msg_controllen) {
		if (m->msg_controllen > SV_CTL_MAX) {
			sv_lmsg_free(lm);
			return -ENOBUFS;
		}
		lm->ctl = malloc(m->msg_controllen);
		lm->ctllen = m->msg_controllen;
		if (!lm->ctl) {
			sv_lmsg_free(lm);
			return -ENOMEM;
		}
		r = sv_read(c, (uintptr_t)m->msg_control, lm->ctl, lm->ctllen);
		if (r < 0) {
			sv_lmsg_free(lm);
			return r;
		}
	}
	return 0;
}

/* The msg_len of the program's struct mmsghdr at at. */
int sv_put_msg_len(struct call *c, uint64_t at, ssize_t n)
{
	unsigned len = (unsigned)n;

	return sv_write(c, at + offsetof(struct mmsghdr, msg_len), &len,
			sizeof(len));
}
