/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICMP sockets through NAT64 (policy.h, policy_icmp): the program's
 * AF_INET ICMP socket (raw or "ping") is carried by an ICMPv6 socket of
 * the same type (FD_ICMP6) once a send or connect goes to a NAT64
 * destination, or from the start on a host without IPv4 routes.  Here:
 * making that socket, the ICMPv4 view of what it reads (RFC 7915 via
 * icmpx_rx_6to4: an IPv4 header for raw sockets, echo 129 -> 0, errors
 * in ICMPv4 form, neighbour discovery and the like never), the program's
 * ICMP_FILTER and socket filter (kept in icmptab.c, run here on that
 * view with cbpf.c), the echo header of what it sends (8 -> 128), and IPv4-level
 * options as their IPv6 twins.  Sends go through send.c, connects
 * through xlat.c, error queues through recv.c. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <string.h>

#include "addr.h"
#include "cbpf.h"
#include "fdid.h"
#include "icmptab.h"
#include "icmpx.h"
#include "log.h"
#include "msgconv.h"
#include "tnat64.h"


#define ICMP_CTL 2048
/* Received into our own buffer when the program's is smaller than an
 * error can be (or scattered): what it can hold fits in this. */
#define ICMP_STACK (20 + ICMPX_ERR_MAX + 64)

/* What the library keeps for rec's socket (NULL: nothing). */
static struct icmpsock *icmp_of(const struct fdrec *rec)
{
	return rec ? icmptab_at(atomic_load_explicit(&rec->icmp,
						     memory_order_acquire))
		   : NULL;
}

/* ICMPv6 socket options the IPv4 form needs: only the messages with an
 * ICMPv4 form that the program's ICMP_FILTER lets through, and (raw)
 * the hop limit, shown as the IPv4 header's TTL. */
static void setup_v6(int fd, const struct icmpsock *ic, int type)
{
	uint32_t f[8];
	int on = 1;

	if (type != SOCK_RAW)
		return;
	icmpx_filter_6(ic ? ic->filter4 : 0, f);
	real.setsockopt(fd, SOL_ICMPV6, ICMP6_FILTER, f, sizeof(f));
	real.setsockopt(fd, SOL_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
}

int tn_icmp_socket(int type, int proto)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	int fd = real.socket(AF_INET6, type, policy_proto6(base, proto));

	if (fd >= 0)
		setup_v6(fd, NULL, base);
	return fd;
}

/* A filter that drops everything: an idle spare queues nothing. */
static const struct sock_filter drop_all[] = {
	BPF_STMT(BPF_RET | BPF_K, 0),
};

/* Keep s (ours) as ic's spare, idle. */
static void keep(struct icmpsock *ic, int s)
{
	struct sock_fprog fp = { 1, (struct sock_filter *)drop_all };

	real.setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp));
	if (ic->spare >= 0)
		fdid_close(ic->spare, &ic->spare_id);
	ic->spare = -1;
	if (fdid_get(s, &ic->spare_id) == 0)
		ic->spare = s;
	else
		real.close(s);
}

void tn_icmp_make_spare(int fd, int family, struct fdrec *rec)
{
	struct icmpsock *ic = icmp_of(rec);
	int saved = errno, s;

	if (!ic || rec->type != SOCK_RAW || !tn_nat64_configured())
		return;
	s = family == AF_INET6
	    ? real.socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP)
	    : tn_icmp_socket(SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (s >= 0) {
		s = fdid_move_high(s);
		if (s != fd)
			keep(ic, s);
	}
	errno = saved;
}

int tn_icmp_take_spare(struct fdrec *rec, int family, int fl)
{
	struct icmpsock *ic = icmp_of(rec);
	int s, d;
	socklen_t l = sizeof(d);
	char b[64];

	if (!ic || (s = ic->spare) < 0 || !fdid_same(s, &ic->spare_id) ||
	    real.getsockopt(s, SOL_SOCKET, SO_DOMAIN, &d, &l) < 0 ||
	    d != family)
		return -1;
	ic->spare = -1;
	/* what it queued before its filter, and the filter */
	for (int i = 0; i < 256 && real.recvfrom(s, b, sizeof(b), MSG_DONTWAIT,
						 NULL, NULL) >= 0; i++)
		;
	real.setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &d, sizeof(d));
	real.fcntl(s, F_SETFL, fl);
	return s;
}

void tn_icmp_keep_spare(struct fdrec *rec, int old)
{
	struct icmpsock *ic = icmp_of(rec);

	if (!ic) {
		real.close(old);
		return;
	}
	real.fcntl(old, F_SETFL, O_RDWR);
	keep(ic, old);
}

void tn_icmp_setup(int oldfd, int newfd, int family, const struct fdrec *rec)
{
	const struct icmpsock *ic = icmp_of(rec);
	uint32_t n;

	if (family == AF_INET6) {
		setup_v6(newfd, ic, rec->type);
		return;
	}
	sockopt_carry_back_ip(oldfd, newfd, &tn_sockopt_ops);
	if (!ic)
		return;
	if (atomic_load(&ic->flags) & ICMPF_RECVTTL) {
		int on = 1;

		real.setsockopt(newfd, SOL_IP, IP_RECVTTL, &on, sizeof(on));
	}
	if (rec->type == SOCK_RAW && ic->filter4)
		real.setsockopt(newfd, SOL_RAW, ICMP_FILTER, &ic->filter4,
				sizeof(ic->filter4));
	n = atomic_load_explicit(&ic->nprog, memory_order_acquire);
	if (n) {
		struct sock_fprog fp = { .len = (unsigned short)n,
					 .filter = (struct sock_filter *)ic->prog };

		real.setsockopt(newfd, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
				sizeof(fp));
	}
}

/* Set or clear flag f of ic. */
static void set_flag(struct icmpsock *ic, unsigned int f, bool on)
{
	if (!ic)
		return;
	if (on)
		atomic_fetch_or(&ic->flags, f);
	else
		atomic_fetch_and(&ic->flags, ~f);
}

int tn_icmp_msg_4to6(const struct msghdr *msg, struct msghdr *out,
		     struct iovec *iov, size_t niov, uint8_t hdr[8])
{
	size_t got = 0, k = 1, i;

	/* the ICMP header, gathered from the program's pieces */
	for (i = 0; i < msg->msg_iovlen && got < 8; i++) {
		const struct iovec *v = &msg->msg_iov[i];
		size_t take = v->iov_len < 8 - got ? v->iov_len : 8 - got;

		if (take)
			memcpy(hdr + got, v->iov_base, take);
		got += take;
		if (take < v->iov_len) {
			if (k >= niov)
				return -EMSGSIZE;
			iov[k].iov_base = (char *)v->iov_base + take;
			iov[k].iov_len = v->iov_len - take;
			k++;
		}
	}
	if (got < 8 || !icmpx_echo_4to6(hdr, 8))
		return 0;
	for (; i < msg->msg_iovlen; i++) {
		if (k >= niov)
			return -EMSGSIZE;
		iov[k++] = msg->msg_iov[i];
	}
	iov[0].iov_base = hdr;
	iov[0].iov_len = 8;
	*out = *msg;
	out->msg_iov = iov;
	out->msg_iovlen = k;
	return 1;
}

/* The prefixes to find IPv4 forms in (buf: TN_PFX_LIST entries), the
 * socket's peer's first. */
static void pfx_of(const struct fdrec *rec, struct msgconv_pfx *p,
		   struct nat64_prefix *buf)
{
	p->pfx = tn_prefix_list(buf, TN_PFX_LIST, &p->npfx);
	p->prefer = rec->peer_prefix == 0xff ? -1 : rec->peer_prefix;
}

size_t tn_icmp_cmsg_out(const struct fdrec *rec, char *ctl, size_t len,
			struct msghdr *msg, int *trunc)
{
	struct nat64_prefix pbuf[TN_PFX_LIST];
	struct msgconv_pfx p;

	*trunc = 0;
	if (rec->type == SOCK_RAW && !(tn_icmp_flags(rec) & ICMPF_RECVTTL))
		len = msgconv_cmsg_drop(ctl, len, SOL_IPV6, IPV6_HOPLIMIT);
	if (!msg->msg_control || !msg->msg_controllen)
		return 0;
	pfx_of(rec, &p, pbuf);
	return msgconv_cmsg_to_v4x(ctl, len, msg->msg_control,
				   msg->msg_controllen, htonl(ICMPX_LOCAL_V4),
				   p.pfx, p.npfx, trunc);
}

/* The program's socket filter on the ICMPv4 view (n bytes at buf, hdr
 * of them an IPv4 header): the bytes to keep, 0 to drop. */
static size_t run_filter(const struct icmpsock *ic, const uint8_t *buf,
			 size_t n, size_t hdr, const struct icmpx_rx *rx)
{
	uint32_t len = atomic_load_explicit(&ic->nprog, memory_order_acquire);
	uint8_t net[20 + 512];
	struct cbpf_pkt pkt = { buf, n, buf, n, 0x0800 };
	long r;

	if (!len)
		return n;
	if (!hdr) {
		/* a datagram socket's filter sees the message, and the
		 * network view (SKF_NET_OFF) starts at the IPv4 header */
		size_t m = n < sizeof(net) - 20 ? n : sizeof(net) - 20;

		icmpx_ipv4_header(net, rx->src4, rx->local4, rx->hoplimit, 0,
				  IPPROTO_ICMP, (uint16_t)n, 0);
		memcpy(net + 20, buf, m);
		pkt.net = net;
		pkt.netlen = 20 + m;
	}
	/* memory-safe even if the program replaces the filter meanwhile */
	r = cbpf_run(ic->prog, len, &pkt);
	return r >= 0 && (size_t)r < n ? (size_t)r : n;
}

/* Copy n bytes to the program's pieces; the bytes copied. */
static size_t scatter(const uint8_t *src, size_t n, const struct msghdr *msg)
{
	size_t done = 0;

	for (size_t i = 0; i < msg->msg_iovlen && done < n; i++) {
		size_t take = msg->msg_iov[i].iov_len < n - done
			      ? msg->msg_iov[i].iov_len : n - done;

		if (take)
			memcpy(msg->msg_iov[i].iov_base, src + done, take);
		done += take;
	}
	return done;
}

/* Throw away the message at the head of the queue (after a MSG_PEEK). */
static void discard(int fd)
{
	char b;

	real.recvfrom(fd, &b, 1, MSG_DONTWAIT | MSG_TRUNC, NULL, NULL);
}

ssize_t tn_icmp_recvmsg(int fd, struct fdrec *rec, struct msghdr *msg,
			int flags)
{
	size_t hdr = rec->type == SOCK_RAW ? 20 : 0, total = 0, cap, got, n;
	const struct icmpsock *ic = icmp_of(rec);
	uint8_t stackbuf[ICMP_STACK] __attribute__((aligned(8)));
	char ctl[ICMP_CTL] __attribute__((aligned(sizeof(size_t))));
	struct sockaddr_in6 ss;
	struct icmpx_rx rx;
	struct nat64_prefix pbuf[TN_PFX_LIST];
	struct msgconv_pfx p;
	struct msghdr m;
	struct iovec iov;
	uint8_t *buf;
	bool inplace;
	ssize_t r;
	int trunc;

	if (!msg || (!msg->msg_iov && msg->msg_iovlen)) {
		r = real.recvmsg(fd, msg, flags);
		return r < 0 ? tn_errno6to4(rec, neg_errno()) : r;
	}
	if (flags & MSG_ERRQUEUE)
		return tn_recv_errqueue(fd, rec, msg, flags);
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		total += msg->msg_iov[i].iov_len;
	inplace = msg->msg_iovlen == 1 && msg->msg_iov[0].iov_base &&
		  msg->msg_iov[0].iov_len >= sizeof(stackbuf);
	buf = inplace ? msg->msg_iov[0].iov_base : stackbuf;
	cap = inplace ? msg->msg_iov[0].iov_len : sizeof(stackbuf);
	pfx_of(rec, &p, pbuf);
	for (;;) {
		memset(&m, 0, sizeof(m));
		iov.iov_base = buf + hdr;
		iov.iov_len = cap - hdr;
		m.msg_name = &ss;
		m.msg_namelen = sizeof(ss);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = ctl;
		m.msg_controllen = msg->msg_control && msg->msg_controllen
				   ? (msg->msg_controllen + 256 < ICMP_CTL
				      ? msg->msg_controllen + 256 : ICMP_CTL)
				   : 256;
		r = real.recvmsg(fd, &m, flags | MSG_TRUNC);
		if (r < 0)
			return tn_errno6to4(rec, neg_errno());
		got = (size_t)r < cap - hdr ? (size_t)r : cap - hdr;
		memset(&rx, 0, sizeof(rx));
		rx.src6 = ss.sin6_addr.s6_addr;
		rx.hoplimit = (uint8_t)msgconv_cmsg_int(ctl, m.msg_controllen,
						    SOL_IPV6, IPV6_HOPLIMIT, 64);
		rx.local4 = htonl(ICMPX_LOCAL_V4);
		rx.v4_of = msgconv_v4_of;
		rx.ctx = &p;
		r = m.msg_namelen >= sizeof(ss) && ss.sin6_family == AF_INET6
		    ? icmpx_rx_6to4(buf, cap, hdr, got, (size_t)r, &rx) : 0;
		n = r > 0 ? (size_t)r : 0;
		/* the program's ICMP_FILTER (raw(7): types from 32 pass) */
		if (n && ic && hdr && buf[hdr] < 32 &&
		    (ic->filter4 >> buf[hdr] & 1))
			n = 0;
		if (n && ic) {
			size_t keep = run_filter(ic, buf, n, hdr, &rx);

			if (keep < n) {
				n = keep;
				rx.full = keep;
			}
		}
		if (n)
			break;
		/* Not for the program: the next one, as the kernel would
		 * have given it (a non-blocking socket says EAGAIN). */
		if (flags & MSG_PEEK)
			discard(fd);
	}
	if (!inplace)
		n = scatter(buf, n, msg);
	else if (n > total)
		n = total;
	if (msg->msg_name) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_addr.s_addr = rx.src4 };

		sockaddr_copy_out(msg->msg_name, &msg->msg_namelen, &sin,
				  sizeof(sin));
	} else {
		msg->msg_namelen = 0;
	}
	msg->msg_controllen = tn_icmp_cmsg_out(rec, ctl, m.msg_controllen, msg,
					       &trunc);
	msg->msg_flags = (m.msg_flags & ~(MSG_TRUNC | MSG_CTRUNC)) |
			 (rx.full > n ? MSG_TRUNC : 0) |
			 (trunc || (m.msg_flags & MSG_CTRUNC) ? MSG_CTRUNC : 0);
	return (flags & MSG_TRUNC) ? (ssize_t)rx.full : (ssize_t)n;
}

/* A stand-in not used yet becomes the AF_INET socket asked for. */
static int unfresh(int fd, struct fdrec *rec)
{
	if (fdrec_kind(rec) != FD_ICMP6 || !(rec->opts & OPT_FRESH))
		return -ENOPROTOOPT;
	return tn_replace(fd, rec, AF_INET);
}

static int set_filter(int fd, struct fdrec *rec, const void *val,
		      socklen_t len)
{
	struct icmpsock *ic = icmp_of(rec);
	struct sock_fprog fp;

	if (!val || len < (socklen_t)sizeof(fp))
		return -EINVAL;
	memcpy(&fp, val, sizeof(fp));
	if (!fp.filter || cbpf_check(fp.filter, fp.len) < 0)
		return -EINVAL;
	if (!ic)
		return -ENOMEM; /* as when a socket's option memory is out */
	if (fdrec_kind(rec) == FD_ICMP6) {
		if (atomic_load(&ic->flags) & ICMPF_LOCKED)
			return -EPERM;
	} else if (real.setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, val,
				   len) < 0) {
		return neg_errno();
	}
	atomic_store_explicit(&ic->nprog, 0, memory_order_release);
	memcpy(ic->prog, fp.filter, fp.len * sizeof(*fp.filter));
	atomic_store_explicit(&ic->nprog, fp.len, memory_order_release);
	return 0;
}

/* The int of an option value (an int, or fewer bytes). */
static int intval(const void *val, socklen_t len)
{
	int v = 0;

	if (val && len > 0)
		memcpy(&v, val, len < (socklen_t)sizeof(v) ? (size_t)len
							    : sizeof(v));
	return v;
}

int tn_icmp_setsockopt(int fd, struct fdrec *rec, int level, int name,
		       const void *val, socklen_t len)
{
	bool v6 = fdrec_kind(rec) == FD_ICMP6, raw = rec->type == SOCK_RAW;
	struct icmpsock *ic = icmp_of(rec);
	int r;

	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ATTACH_FILTER:
			return set_filter(fd, rec, val, len);
		case SO_DETACH_FILTER:
			if (v6) {
				if (ic && (atomic_load(&ic->flags) &
					   ICMPF_LOCKED))
					return -EPERM;
				if (!ic || !atomic_load(&ic->nprog))
					return -ENOENT;
			} else if (real.setsockopt(fd, level, name, val, len) < 0) {
				return neg_errno();
			}
			if (ic)
				atomic_store(&ic->nprog, 0);
			return 0;
		case SO_LOCK_FILTER:
			if (real.setsockopt(fd, level, name, val, len) < 0)
				return neg_errno();
			if (len >= (socklen_t)sizeof(int) && intval(val, len))
				set_flag(ic, ICMPF_LOCKED, true);
			return 0;
		}
		return TN_ICMP_PASS;
	}
	if (level == SOL_RAW && name == ICMP_FILTER && raw) {
		uint32_t mask = ic ? ic->filter4 : 0;

		if (!v6) {
			if (real.setsockopt(fd, level, name, val, len) < 0)
				return neg_errno();
		} else if (len && !val) {
			return -EFAULT;
		} else if (!ic) {
			return -ENOMEM;
		}
		/* raw(7): up to 4 bytes, over the old value */
		if (val)
			memcpy(&mask, val, len < 4 ? (size_t)len : 4);
		if (ic)
			ic->filter4 = mask;
		if (v6)
			setup_v6(fd, ic, SOCK_RAW);
		return 0;
	}
	if (level != SOL_IP)
		return TN_ICMP_PASS;
	/* short of descriptors or memory, the ICMPv6 socket answers
	 * (setsockopt never gives EMFILE natively: policy_unstand_short) */
	if (policy_icmp_keeps_inet(level, name) && v6 &&
	    (r = unfresh(fd, rec)) < 0 && !policy_unstand_short(r))
		return r;
	if (fdrec_kind(rec) != FD_ICMP6) {
		/* AF_INET: the kernel's own; what a translation needs later
		 * is noted */
		if (real.setsockopt(fd, level, name, val, len) < 0)
			return neg_errno();
		if (name == IP_RECVTTL)
			set_flag(ic, ICMPF_RECVTTL, intval(val, len) != 0);
		else if (name == IP_HDRINCL && intval(val, len))
			set_flag(ic, ICMPF_HDRINCL, true);
		rec->opts |= OPT_IP;
		return 0;
	}
	if (name == IP_RECVTTL && raw) {
		/* the hop limit is always asked (the header's TTL): only
		 * whether the program sees it changes */
		if (!val || len < 1)
			return -EINVAL;
		set_flag(ic, ICMPF_RECVTTL, intval(val, len) != 0);
		return 0;
	}
	r = sockopt_set_ip6(fd, name, val, len, &tn_sockopt_ops);
	if (r != -ENOPROTOOPT) {
		if (r == 0 && name == IP_RECVTTL)
			set_flag(ic, ICMPF_RECVTTL, intval(val, len) != 0);
		rec->opts |= OPT_IP;
		return r;
	}
	/* No IPv6 twin (IP_OPTIONS, IP_RETOPTS...): a datagram ICMPv6
	 * socket takes IPv4-level options itself (to no effect on its
	 * traffic); a raw one refuses them, so a stand-in not used yet
	 * becomes the AF_INET socket (its spare). */
	if (raw && (rec->opts & OPT_FRESH))
		(void)unfresh(fd, rec);
	r = real.setsockopt(fd, level, name, val, len) < 0 ? neg_errno() : 0;
	if (r == 0)
		rec->opts |= OPT_IP;
	return r;
}

int tn_icmp_getsockopt(int fd, struct fdrec *rec, int level, int name,
		       void *val, socklen_t *len)
{
	bool raw = rec->type == SOCK_RAW;
	int v;

	if (fdrec_kind(rec) != FD_ICMP6)
		return TN_ICMP_PASS;
	if (!len)
		return -EFAULT;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_DOMAIN:
			v = AF_INET;
			break;
		case SO_PROTOCOL:
			v = IPPROTO_ICMP;
			break;
		case SO_ATTACH_FILTER: { /* SO_GET_FILTER */
			const struct icmpsock *ic = icmp_of(rec);
			uint32_t n = ic ? atomic_load(&ic->nprog) : 0;

			/* socket(7): the length is in instructions */
			if (*len && *len < n)
				return -EINVAL;
			if (*len && n)
				memcpy(val, ic->prog, n * sizeof(*ic->prog));
			*len = (socklen_t)n;
			return 0;
		}
		default:
			return TN_ICMP_PASS;
		}
		if ((int)*len < 0)
			return -EINVAL;
		if (*len > (socklen_t)sizeof(v))
			*len = sizeof(v);
		memcpy(val, &v, *len);
		return 0;
	}
	if (level == SOL_RAW && name == ICMP_FILTER && raw) {
		if ((int)*len < 0)
			return -EINVAL;
		if (*len > 4)
			*len = 4;
		{
			const struct icmpsock *ic = icmp_of(rec);
			uint32_t f = ic ? ic->filter4 : 0;

			memcpy(val, &f, *len);
		}
		return 0;
	}
	if (level != SOL_IP)
		return TN_ICMP_PASS;
	if ((name == IP_RECVTTL && raw) || name == IP_HDRINCL) {
		v = name == IP_RECVTTL &&
		    (tn_icmp_flags(rec) & ICMPF_RECVTTL);
		if ((int)*len < 0)
			return -EINVAL;
		if (*len > (socklen_t)sizeof(v))
			*len = sizeof(v);
		memcpy(val, &v, *len);
		return 0;
	}
	v = sockopt_get_ip6(fd, name, val, len, &tn_sockopt_ops);
	return v == -ENOPROTOOPT && !raw ? TN_ICMP_PASS : v;
}

int tn_icmp_connect(int fd, struct fdrec *rec, const struct sockaddr_in *sin)
{
	uint32_t v4 = sin->sin_addr.s_addr;
	struct sockaddr_in6 s6;
	struct policy_sock s;
	int pfx = -1, r, nat = tn_route(v4, 0, &pfx);

	if (tn_icmp_flags(rec) & ICMPF_HDRINCL)
		return real.connect(fd, (const struct sockaddr *)sin,
				    sizeof(*sin)) < 0 ? neg_errno() : 0;
	if (fdrec_kind(rec) == FD_ICMP6) {
		rec->opts &= (uint8_t)~OPT_FRESH;
		if (!nat) {
			r = tn_replace(fd, rec, AF_INET);
			if (r < 0)
				return r;
			return real.connect(fd, (const struct sockaddr *)sin,
					    sizeof(*sin)) < 0 ? neg_errno() : 0;
		}
	} else {
		if (!nat)
			return real.connect(fd, (const struct sockaddr *)sin,
					    sizeof(*sin)) < 0 ? neg_errno() : 0;
		tn_sock_facts(rec, &s);
		switch (tn_way(fd, rec, POLICY_CONNECT, pfx, &s)) {
		case POLICY_WAY_DIRECT:
			return real.connect(fd, (const struct sockaddr *)sin,
					    sizeof(*sin)) < 0 ? neg_errno() : 0;
		case POLICY_WAY_NAT64:
			break;
		default:
			r = real.connect(fd, (const struct sockaddr *)sin,
					 sizeof(*sin)) < 0 ? neg_errno() : 0;
			if (!policy_direct_failed(r))
				return r;
		}
		r = tn_replace(fd, rec, AF_INET6);
		if (r < 0)
			return -ENETUNREACH;
	}
	rec->peer_prefix = (uint8_t)pfx;
	rec->peer_v4 = v4;
	rec->peer_port = sin->sin_port;
	/* no prefix applies after all (a discovered default that fell
	 * back): the direct attempt's "network unreachable" */
	r = tn_synth(pfx, v4, 0, &s6);
	if (r < 0)
		return r;
	r = real.connect(fd, (struct sockaddr *)&s6, sizeof(s6)) < 0
	    ? neg_errno() : 0;
	tn_cache_after(pfx, POLICY_CONNECT, r);
	log_msg(LOG_INFO, "fd %d: ICMP to %A via NAT64 [%B]%s", fd, v4,
		s6.sin6_addr.s6_addr, r ? " failed" : "");
	return r;
}
