/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the supervisor does with each trapped call.
 *
 * Rules:
 * - An address in the program's memory is read once, into our own copy,
 *   and the call is then made by us, on our duplicate of the program's
 *   socket (pidfd_getfd), with that copy.  SECCOMP_USER_NOTIF_FLAG_CONTINUE
 *   (the kernel runs the program's call itself, re-reading its memory) is
 *   used only when the decision depends on no memory contents: the socket
 *   is not an IPv4/IPv6 one, it is a stream socket (the kernel ignores the
 *   address of sendto/recvfrom there), or it is a socket we never touched
 *   asked for a name or a received datagram's source.
 * - An AF_INET socket whose destination needs NAT64 is replaced, in the
 *   program's descriptor table, by an AF_INET6 socket of ours
 *   (SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SETFD), with the
 *   same type, protocol, status flags, close-on-exec flag, the options the
 *   program changed and its local port.  We remember it by inode number and
 *   show the program IPv4 addresses for it from then on.
 * - The decision rule is the library's, src/common/policy.h: direct IPv4
 *   first; on "network unreachable", NAT64; once NAT64 worked for a
 *   prefix, NAT64 at once; when NAT64 itself turns out unreachable, direct
 *   first again. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "log.h"
#include "msgconv.h"
#include "policy.h"
#include "sockopt.h"
#include "sv.h"

#define NOT_INSPECTABLE (-100000)
#define RECV_MAX (1u << 20)    /* largest buffer we receive into */
#define SEND_MAX (4u << 20)    /* largest message we copy to send */
#define CTL_MAX 65536
#define MMSG_MAX 1024          /* UIO_MAXIOV, the kernel's vlen cap */

struct sockinfo {
	int fd;                /* the program's descriptor number */
	int d;                 /* our duplicate of its socket */
	uint64_t ino;
	int domain, type, proto;
	bool have_x;
	struct xsock x;
};

/* ---------------------------------------------------------- helpers */

static void sock_close(struct sockinfo *si)
{
	if (si->d >= 0)
		close(si->d);
	si->d = -1;
}

static int sockopt_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, name, &v, &l) < 0)
		return -1;
	return v;
}

/* Duplicate the program's fd and find out what it is.  Returns 0,
 * -errno, or NOT_INSPECTABLE when the kernel does not let us look
 * (a process that made itself non-dumpable). */
static int sock_open(struct call *c, int fd, struct sockinfo *si)
{
	struct stat st;
	int d;

	memset(si, 0, sizeof(*si));
	si->fd = fd;
	si->d = -1;
	d = sv_getfd(c, fd);
	if (d == -EPERM || d == -EACCES) {
		static atomic_int warned;

		if (!atomic_exchange(&warned, 1))
			log_msg(LOG_WARN, "pid %d: cannot look at its sockets "
				"(not dumpable?); its calls run untranslated",
				(int)c->tid);
		return NOT_INSPECTABLE;
	}
	if (d < 0)
		return d;
	si->d = d;
	if (fstat(d, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		sock_close(si);
		return -ENOTSOCK;
	}
	si->ino = (uint64_t)st.st_ino;
	if (socktab_get(si->ino, &si->x)) {
		/* One of ours (an AF_INET6 socket): no need to ask.  A stale
		 * entry (its socket closed, the inode number reused) shows
		 * when a call on it fails: forget_stale(). */
		si->domain = AF_INET6;
		si->type = si->x.type;
		si->proto = si->x.proto;
		si->have_x = true;
		return 0;
	}
	si->domain = sockopt_int(d, SOL_SOCKET, SO_DOMAIN);
	if (si->domain != AF_INET && si->domain != AF_INET6)
		return 0;
	si->type = sockopt_int(d, SOL_SOCKET, SO_TYPE);
	si->proto = sockopt_int(d, SOL_SOCKET, SO_PROTOCOL);
	return 0;
}

/* A call on a socket we took for ours failed the way it fails on a
 * socket of another family: if the entry is stale, forget it and look
 * again.  true when si changed (the caller retries). */
static bool forget_stale(struct sockinfo *si, int err)
{
	int domain;

	if (!si->have_x || (err != -EAFNOSUPPORT && err != -EINVAL))
		return false;
	domain = sockopt_int(si->d, SOL_SOCKET, SO_DOMAIN);
	if (domain == AF_INET6)
		return false;
	socktab_del(si->ino);
	si->have_x = false;
	si->domain = domain;
	si->type = sockopt_int(si->d, SOL_SOCKET, SO_TYPE);
	si->proto = sockopt_int(si->d, SOL_SOCKET, SO_PROTOCOL);
	return true;
}

/* Start remembering si's socket as ours (the caller fills in the rest
 * and calls socktab_put). */
static void x_begin(struct sockinfo *si, int pfx)
{
	memset(&si->x, 0, sizeof(si->x));
	si->x.ino = si->ino;
	si->x.type = si->type;
	si->x.proto = si->proto;
	si->x.pfx = pfx;
	si->have_x = true;
}

static bool is_inet(const struct sockinfo *si)
{
	return si->domain == AF_INET || si->domain == AF_INET6;
}

/* Sockets whose IPv4 traffic we translate (policy_translatable). */
static bool translatable(const struct sockinfo *si)
{
	return policy_translatable(si->type, si->proto);
}

static int read_sockaddr(struct call *c, uint64_t uaddr, uint64_t ulen,
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

/* getsockname-style output: at most *ulen bytes of sa, then *ulen = len. */
static int write_sockaddr(struct call *c, uint64_t uaddr, uint64_t ulenp,
			  const void *sa, socklen_t len)
{
	int ulen, r;

	if (!ulenp)
		return -EFAULT;
	r = sv_read(c, ulenp, &ulen, sizeof(ulen));
	if (r < 0)
		return r == -ENOENT ? r : -EFAULT;
	if (ulen < 0)
		return -EINVAL;
	if (ulen > 0 && len > 0) {
		r = sv_write(c, uaddr, sa, (size_t)ulen < len ? (size_t)ulen
							     : len);
		if (r < 0)
			return r;
	}
	ulen = (int)len;
	return sv_write(c, ulenp, &ulen, sizeof(ulen));
}

/* ---------------------------------------------------------- options */

static int ops_close(int fd)
{
	return close(fd);
}

static int ops_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

/* The carried options (src/common/sockopt.c), with plain system calls. */
static const struct sockopt_ops sv_ops = {
	.socket = socket, .close = ops_close,
	.get = getsockopt, .set = setsockopt, .ioctl = ops_ioctl,
};

static void copy_options(int from, int to, int type)
{
	sockopt_carry(from, to, SOCKOPT_SOCKET | SOCKOPT_TCP | SOCKOPT_IP,
		      type, &sv_ops);
}

/* Replace the program's AF_INET socket (si->d) by a new AF_INET6 one.
 * On success si describes the new socket (si->d is ours, installed as
 * the program's si->fd, still O_NONBLOCK for our connect), *flags holds
 * the program's status flags to restore and the old socket is released. */
static int replace_socket(struct call *c, struct sockinfo *si, int *flags)
{
	struct sockaddr_in bound;
	socklen_t bl = sizeof(bound);
	struct stat st;
	int n, off = 0, on = 1, r;
	uint16_t port = 0;
	uint32_t bound_v4 = 0;

	*flags = fcntl(si->d, F_GETFL);
	if (*flags < 0)
		return -errno;
	if (getsockname(si->d, (struct sockaddr *)&bound, &bl) == 0 &&
	    bound.sin_family == AF_INET) {
		port = bound.sin_port;
		bound_v4 = bound.sin_addr.s_addr;
	}
	n = socket(AF_INET6, si->type | SOCK_NONBLOCK | SOCK_CLOEXEC,
		   si->proto);
	if (n < 0)
		return -errno;
	setsockopt(n, SOL_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	copy_options(si->d, n, si->type);
	if (fstat(n, &st) < 0) {
		r = -errno;
		close(n);
		return r;
	}
	r = sv_install(c, n, si->fd);
	if (r < 0) {
		close(n);
		return r;
	}
	sock_close(si);           /* the old socket goes away with this */
	si->d = n;
	si->domain = AF_INET6;
	si->ino = (uint64_t)st.st_ino;
	x_begin(si, -1);
	si->x.bound_v4 = ipv4_always_local(bound_v4) ? bound_v4 : 0;
	if (port) {
		struct sockaddr_in6 any = { .sin6_family = AF_INET6,
					    .sin6_port = port };

		if (bind(n, (struct sockaddr *)&any, sizeof(any)) < 0 &&
		    errno == EADDRINUSE) {
			/* Someone else still holds the old socket. */
			setsockopt(n, SOL_IPV6, IPV6_V6ONLY, &on, sizeof(on));
			if (bind(n, (struct sockaddr *)&any, sizeof(any)) < 0)
				log_msg(LOG_WARN, "pid %d fd %d: cannot keep "
					"local port %u (errno %d)", (int)c->tid,
					si->fd, (unsigned)ntohs(port), errno);
		}
	}
	socktab_put(&si->x);
	return 0;
}

/* ---------------------------------------------------------- connect */

/* The policy's decision (policy_way) for a connect or send (call)
 * through prefix pfx on si's socket.  An AF_INET socket of the program
 * says with getsockname whether it is bound (to one address: never
 * translated; to any: a send tries direct first, replacing the socket
 * would lose its queue); the interface of SO_BINDTODEVICE is asked only
 * when the decision depends on it. */
static enum policy_way way_for(struct sockinfo *si, enum policy_call call,
			       int pfx)
{
	struct policy_sock s = { .device = POLICY_DEVICE_ASK };

	if (!si->have_x && si->domain == AF_INET) {
		struct sockaddr_in sin;
		socklen_t l = sizeof(sin);

		s.replace = true;
		if (getsockname(si->d, (struct sockaddr *)&sin, &l) == 0 &&
		    sin.sin_family == AF_INET) {
			s.bound_addr = policy_bound_addr(sin.sin_addr.s_addr);
			s.bound = sin.sin_port != 0;
		}
	}
	return sockopt_way(si->d, si->domain, call, sv_cache_get(pfx), &s,
			   &sv_ops);
}

/* A call on the program's socket d that may wait: blocking socket, no
 * MSG_DONTWAIT, and (events != 0) not ready now. */
static void maybe_pass_turn(struct call *c, int d, int flags, short events)
{
	int fl;

	if (flags & MSG_DONTWAIT)
		return;
	fl = fcntl(d, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK))
		return;
	if (events) {
		struct pollfd p = { .fd = d, .events = events };

		if (poll(&p, 1, 0) == 1)
			return;
	}
	sv_pass_turn(c);
}

static int do_connect(struct call *c, int d, const void *sa, socklen_t len)
{
	int r;

	/* A connect that takes long loses the receive turn to another
	 * worker (the watchdog passes it on after SV_RECEIVER_MS). */
	sv_block_begin(c);
	r = connect(d, (const struct sockaddr *)sa, len) == 0 ? 0 : -errno;
	sv_block_end(c);
	return r;
}

static void sndtimeo_deadline(int d, struct timespec *dl, bool *has)
{
	struct timeval tv;
	socklen_t l = sizeof(tv);

	*has = false;
	if (getsockopt(d, SOL_SOCKET, SO_SNDTIMEO, &tv, &l) == 0 &&
	    (tv.tv_sec || tv.tv_usec)) {
		clock_gettime(CLOCK_MONOTONIC, dl);
		dl->tv_sec += tv.tv_sec;
		dl->tv_nsec += tv.tv_usec * 1000L;
		if (dl->tv_nsec >= 1000000000L) {
			dl->tv_sec++;
			dl->tv_nsec -= 1000000000L;
		}
		*has = true;
	}
}

/* The program's blocking connect on our socket d, started non-blocking:
 * wait like the kernel would (SO_SNDTIMEO -> EINPROGRESS). */
static int wait_connected(struct call *c, int d, int pfx)
{
	struct timespec dl;
	bool has_dl;
	int r = -EINPROGRESS;

	sndtimeo_deadline(d, &dl, &has_dl);
	{
		/* Most connects finish within a moment: wait that long
		 * keeping our turn to receive. */
		struct pollfd p = { .fd = d, .events = POLLOUT };

		if (poll(&p, 1, SV_RECEIVER_MS) == 1) {
			int e = sockopt_int(d, SOL_SOCKET, SO_ERROR);

			r = e > 0 ? -e : 0;
			sv_cache_after(pfx, POLICY_CONNECT, r);
			return r;
		}
	}
	sv_pass_turn(c);
	sv_block_begin(c);
	for (;;) {
		struct pollfd p = { .fd = d, .events = POLLOUT };
		int ms = -1, n;

		if (has_dl) {
			struct timespec now;
			long long left;

			clock_gettime(CLOCK_MONOTONIC, &now);
			left = (dl.tv_sec - now.tv_sec) * 1000LL +
			       (dl.tv_nsec - now.tv_nsec) / 1000000L;
			if (left <= 0)
				break;
			ms = left > INT_MAX ? INT_MAX : (int)left;
		}
		if (sv_cancelled(c)) {
			r = -EINTR;
			break;
		}
		n = poll(&p, 1, ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0) {
			int e = sockopt_int(d, SOL_SOCKET, SO_ERROR);

			r = e > 0 ? -e : 0;
			break;
		}
	}
	sv_block_end(c);
	sv_cache_after(pfx, POLICY_CONNECT, r);
	return r;
}

static void log_xlat(const char *what, struct call *c, int fd, uint32_t v4,
		     uint16_t port, const struct sockaddr_in6 *s6, int r)
{
	if (r < 0 && r != -EINPROGRESS)
		log_msg(LOG_INFO, "pid %d fd %d: %s %A:%u -> [%B]:%u failed, "
			"errno %d", (int)c->tid, fd, what, v4,
			(unsigned)ntohs(port), s6->sin6_addr.s6_addr,
			(unsigned)ntohs(s6->sin6_port), -r);
	else
		log_msg(LOG_INFO, "pid %d fd %d: %s %A:%u -> [%B]:%u%s",
			(int)c->tid, fd, what, v4, (unsigned)ntohs(port),
			s6->sin6_addr.s6_addr, (unsigned)ntohs(s6->sin6_port),
			r ? " (in progress)" : "");
}

/* connect() of an AF_INET socket. */
static int connect_v4(struct call *c, struct sockinfo *si,
		      const struct sockaddr_storage *ss, socklen_t len)
{
	const struct sockaddr_in *sin = (const void *)ss;
	struct sockaddr_in6 s6;
	enum policy_way way;
	uint32_t v4;
	uint16_t port;
	int pfx, r, flags;

	if (len < sizeof(*sin) || ss->ss_family != AF_INET ||
	    !translatable(si))
		return do_connect(c, si->d, ss, len);
	v4 = sin->sin_addr.s_addr;
	port = sin->sin_port;
	if (!sv_route(v4, port, &pfx))
		return do_connect(c, si->d, ss, len);
	way = way_for(si, POLICY_CONNECT, pfx);
	if (way == POLICY_WAY_DIRECT)
		return do_connect(c, si->d, ss, len);
	if (way == POLICY_WAY_DIRECT_FIRST) {
		r = do_connect(c, si->d, ss, len);
		if (!policy_direct_failed(r))
			return r;
	}
	r = replace_socket(c, si, &flags);
	if (r < 0)
		return r;
	sv_synth(pfx, v4, port, &s6);
	r = connect(si->d, (struct sockaddr *)&s6, sizeof(s6)) == 0 ? 0
									: -errno;
	log_xlat("connect", c, si->fd, v4, port, &s6, r);
	sv_cache_after(pfx, POLICY_CONNECT, r);
	si->x.pfx = pfx;
	si->x.peer_v4 = v4;
	si->x.peer_port = port;
	si->x.connected = r == 0 || r == -EINPROGRESS;
	socktab_put(&si->x);
	if (!(flags & O_NONBLOCK))
		fcntl(si->d, F_SETFL, flags);
	if (r == -EINPROGRESS && !(flags & O_NONBLOCK))
		r = wait_connected(c, si->d, pfx);
	return r;
}

/* Where a connect or send (call) to an IPv4 address goes first on one of
 * our AF_INET6 sockets: s6, the NAT64 address or ::ffff:a.b.c.d.  true
 * when that is a direct attempt after which NAT64 (prefix *pfx) may
 * follow (policy_direct_failed). */
static bool dest_on_x(struct sockinfo *si, enum policy_call call, uint32_t v4,
		      uint16_t port, struct sockaddr_in6 *s6, int *pfx)
{
	bool nat = sv_route(v4, port, pfx);

	if (nat && way_for(si, call, *pfx) == POLICY_WAY_NAT64) {
		sv_synth(*pfx, v4, port, s6);
		return false;
	}
	msgconv_mapped(v4, port, s6);
	return nat;
}

/* connect() of a socket we translated before (a UDP re-connect, a TCP
 * connect repeated after EINTR or to poll its progress). */
static int connect_x(struct call *c, struct sockinfo *si,
		     struct sockaddr_storage *ss, socklen_t len)
{
	const struct sockaddr_in *sin = (const void *)ss;
	struct sockaddr_in6 s6;
	int pfx, r;
	bool direct_first;

	if (!si->x.v6map && len >= sizeof(ss->ss_family) &&
	    ss->ss_family != AF_INET && ss->ss_family != AF_UNSPEC)
		/* What the program's AF_INET socket would answer. */
		return len < sizeof(*sin) ? -EINVAL : -EAFNOSUPPORT;
	if (si->x.v6map || len < sizeof(*sin) || ss->ss_family != AF_INET) {
		r = do_connect(c, si->d, ss, len);
		if (r == 0 && ss->ss_family == AF_UNSPEC) {
			si->x.connected = false;
			si->x.peer_v4 = 0;
			si->x.peer_port = 0;
			socktab_put(&si->x);
		}
		return r;
	}
	direct_first = dest_on_x(si, POLICY_CONNECT, sin->sin_addr.s_addr,
				 sin->sin_port, &s6, &pfx);
	r = do_connect(c, si->d, &s6, sizeof(s6));
	if (direct_first && policy_direct_failed(r)) {
		sv_synth(pfx, sin->sin_addr.s_addr, sin->sin_port, &s6);
		r = do_connect(c, si->d, &s6, sizeof(s6));
	}
	if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
		sv_cache_after(pfx, POLICY_CONNECT, r);
	log_xlat("connect", c, si->fd, sin->sin_addr.s_addr, sin->sin_port,
		 &s6, r);
	if (r == 0 || r == -EINPROGRESS || r == -EALREADY || r == -EISCONN) {
		si->x.standin = false;
		si->x.pfx = IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr) ? -1 : pfx;
		si->x.peer_v4 = sin->sin_addr.s_addr;
		si->x.peer_port = sin->sin_port;
		si->x.connected = true;
		socktab_put(&si->x);
	}
	return r;
}

/* connect() of an AF_INET6 socket: only ::ffff:a.b.c.d needs us. */
static int connect_v6(struct call *c, struct sockinfo *si,
		      const struct sockaddr_storage *ss, socklen_t len)
{
	const struct sockaddr_in6 *in6 = (const void *)ss;
	struct sockaddr_in6 s6;
	uint32_t v4;
	int pfx, r;

	if (len < sizeof(*in6) || ss->ss_family != AF_INET6 ||
	    !ipv6_is_v4mapped(in6->sin6_addr.s6_addr) || !translatable(si))
		return do_connect(c, si->d, ss, len);
	memcpy(&v4, &in6->sin6_addr.s6_addr[12], 4);
	if (!sv_route(v4, in6->sin6_port, &pfx))
		return do_connect(c, si->d, ss, len);
	if (way_for(si, POLICY_CONNECT, pfx) != POLICY_WAY_NAT64) {
		r = do_connect(c, si->d, ss, len);
		if (!policy_direct_failed(r))
			return r;
	}
	sv_synth(pfx, v4, in6->sin6_port, &s6);
	/* Recorded first: getpeername may come before connect returns. */
	x_begin(si, pfx);
	si->x.peer_v4 = v4;
	si->x.peer_port = in6->sin6_port;
	si->x.connected = true;
	si->x.v6map = true;
	socktab_put(&si->x);
	r = do_connect(c, si->d, &s6, sizeof(s6));
	log_xlat("connect", c, si->fd, v4, in6->sin6_port, &s6, r);
	sv_cache_after(pfx, POLICY_CONNECT, r);
	return r;
}

/* Open the socket named by the call's first argument, and keep it only
 * when want() says there is work for us: true with si open, or false
 * with *ret what the handler returns (SV_CONTINUE, the kernel runs the
 * call itself, or -errno). */
static bool open_for(struct call *c, struct sockinfo *si,
		     bool (*want)(const struct sockinfo *), int64_t *ret)
{
	int r = sock_open(c, (int)c->args[0], si);

	if (r == NOT_INSPECTABLE || r < 0) {
		*ret = r < 0 && r != NOT_INSPECTABLE ? r : SV_CONTINUE;
		return false;
	}
	if (!want(si)) {
		sock_close(si);
		*ret = SV_CONTINUE;
		return false;
	}
	return true;
}

static bool translated(const struct sockinfo *si)
{
	return si->have_x;
}

/* An AF_INET6 socket we do not know, given an IPv4 address: a stand-in
 * whose entry was lost (natively the call would fail).  Remember it
 * again. */
static void lost_standin(struct sockinfo *si, const struct sockaddr_storage *ss,
			 socklen_t len)
{
	if (si->domain != AF_INET6 || len < sizeof(struct sockaddr_in) ||
	    ss->ss_family != AF_INET || !translatable(si))
		return;
	x_begin(si, -1);
	si->x.standin = true;
	socktab_put(&si->x);
}

static int64_t h_connect(struct call *c)
{
	struct sockinfo si;
	struct sockaddr_storage ss;
	socklen_t len;
	int64_t ret;
	int r;

	if (!open_for(c, &si, is_inet, &ret))
		return ret;
	r = read_sockaddr(c, c->args[1], c->args[2], &ss, &len);
	if (r == 0 && !si.have_x)
		lost_standin(&si, &ss, len);
	if (r == 0) {
		if (si.have_x) {
			r = connect_x(c, &si, &ss, len);
			if (forget_stale(&si, r))
				r = connect_v4(c, &si, &ss, len);
		} else if (si.domain == AF_INET) {
			r = connect_v4(c, &si, &ss, len);
		} else {
			r = connect_v6(c, &si, &ss, len);
		}
	}
	sock_close(&si);
	return r;
}

/* ---------------------------------------------------------- send */

struct lmsg {
	struct sockaddr_storage name;
	socklen_t namelen;
	struct iovec iov;
	void *ctl;
	size_t ctllen;
};

static void lmsg_free(struct lmsg *m)
{
	free(m->iov.iov_base);
	free(m->ctl);
	m->iov.iov_base = m->ctl = NULL;
}

/* Copy the iovec list at riov_addr (n entries) into one buffer. */
static int read_iov_list(struct call *c, uint64_t riov_addr, size_t n,
			 struct iovec **out, size_t *total)
{
	struct iovec *v;
	size_t t = 0;
	int r;

	*out = NULL;
	*total = 0;
	if (n == 0)
		return 0;
	if (n > MMSG_MAX)
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

/* The program's struct msghdr at um, for sending: everything copied. */
static int read_send_msg(struct call *c, const struct msghdr *m,
			 struct lmsg *lm)
{
	struct iovec *riov;
	size_t total;
	ssize_t n;
	int r;

	memset(lm, 0, sizeof(*lm));
	if (m->msg_name && m->msg_namelen) {
		r = read_sockaddr(c, (uintptr_t)m->msg_name, m->msg_namelen,
				  &lm->name, &lm->namelen);
		if (r < 0)
			return r;
	}
	r = read_iov_list(c, (uintptr_t)m->msg_iov, m->msg_iovlen, &riov,
			  &total);
	if (r < 0)
		return r;
	if (total > SEND_MAX) {
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
		lmsg_free(lm);
		return n == -ENOENT ? -ENOENT : -EFAULT;
	}
	if (m->msg_control && m->msg_controllen) {
		if (m->msg_controllen > CTL_MAX) {
			lmsg_free(lm);
			return -ENOBUFS;
		}
		lm->ctl = malloc(m->msg_controllen);
		lm->ctllen = m->msg_controllen;
		if (!lm->ctl) {
			lmsg_free(lm);
			return -ENOMEM;
		}
		r = sv_read(c, (uintptr_t)m->msg_control, lm->ctl, lm->ctllen);
		if (r < 0) {
			lmsg_free(lm);
			return r;
		}
	}
	return 0;
}

static ssize_t do_send(struct call *c, int d, struct lmsg *lm,
		       const void *name, socklen_t namelen, int flags)
{
	struct msghdr m = {
		.msg_name = (void *)name, .msg_namelen = namelen,
		.msg_iov = &lm->iov, .msg_iovlen = 1,
		.msg_control = lm->ctl, .msg_controllen = lm->ctllen,
	};
	ssize_t r;

	maybe_pass_turn(c, d, flags, POLLOUT);
	sv_block_begin(c);
	r = sendmsg(d, &m, flags);
	if (r < 0)
		r = -errno;
	sv_block_end(c);
	return r;
}

static int unstand(struct call *c, struct sockinfo *si);

/* One message with its destination, socket already classified. */
static ssize_t send_one(struct call *c, struct sockinfo *si, struct lmsg *lm,
			int flags)
{
	const struct sockaddr_in *sin = (const void *)&lm->name;
	const struct sockaddr_in6 *in6 = (const void *)&lm->name;
	struct sockaddr_in6 s6;
	enum policy_way way;
	uint32_t v4;
	uint16_t port;
	int pfx, rflags;
	ssize_t r;
	bool direct_first;

	/* A stream stand-in with MSG_FASTOPEN connects like connect(). */
	bool tfo = si->type == SOCK_STREAM && (flags & MSG_FASTOPEN) &&
		   si->have_x && !si->x.v6map;

	if (!translatable(si) || (si->type != SOCK_DGRAM && !tfo))
		return do_send(c, si->d, lm, lm->namelen ? &lm->name : NULL,
			       lm->namelen, flags);
	if (si->have_x && !si->x.v6map) {
		if (lm->namelen >= sizeof(sin->sin_family) &&
		    sin->sin_family != AF_INET && sin->sin_family != AF_UNSPEC)
			return -EAFNOSUPPORT;   /* as on an AF_INET socket */
		if (lm->namelen < sizeof(*sin) || sin->sin_family != AF_INET)
			return do_send(c, si->d, lm,
				       lm->namelen ? &lm->name : NULL,
				       lm->namelen, flags);
		v4 = sin->sin_addr.s_addr;
		port = sin->sin_port;
		if (si->x.standin && policy_dest_needs_inet(v4)) {
			/* Be the AF_INET socket asked for. */
			int e = unstand(c, si);

			return e < 0 ? e : do_send(c, si->d, lm, &lm->name,
						   lm->namelen, flags);
		}
		direct_first = dest_on_x(si, POLICY_SEND, v4, port, &s6, &pfx);
		r = do_send(c, si->d, lm, &s6, sizeof(s6), flags);
		if (direct_first && policy_direct_failed((int)r)) {
			sv_synth(pfx, v4, port, &s6);
			r = do_send(c, si->d, lm, &s6, sizeof(s6), flags);
		}
		if (!IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr))
			sv_cache_after(pfx, POLICY_SEND, r);
		if (tfo && (r >= 0 || r == -EINPROGRESS)) {
			si->x.pfx = IN6_IS_ADDR_V4MAPPED(&s6.sin6_addr) ? -1
									: pfx;
			si->x.peer_v4 = v4;
			si->x.peer_port = port;
			si->x.connected = true;
			si->x.standin = false;
			socktab_put(&si->x);
		} else if (si->x.standin && r >= 0) {
			si->x.standin = false;   /* bound now */
			socktab_put(&si->x);
		}
		return r;
	}
	/* An AF_INET socket, or an AF_INET6 one sending to ::ffff:x. */
	if (si->domain == AF_INET && lm->namelen >= sizeof(*sin) &&
	    sin->sin_family == AF_INET) {
		v4 = sin->sin_addr.s_addr;
		port = sin->sin_port;
	} else if (si->domain == AF_INET6 && lm->namelen >= sizeof(*in6) &&
		   in6->sin6_family == AF_INET6 &&
		   ipv6_is_v4mapped(in6->sin6_addr.s6_addr)) {
		memcpy(&v4, &in6->sin6_addr.s6_addr[12], 4);
		port = in6->sin6_port;
	} else {
		return do_send(c, si->d, lm, lm->namelen ? &lm->name : NULL,
			       lm->namelen, flags);
	}
	if (!sv_route(v4, port, &pfx))
		return do_send(c, si->d, lm, &lm->name, lm->namelen, flags);
	way = way_for(si, POLICY_SEND, pfx);
	if (way == POLICY_WAY_DIRECT)
		return do_send(c, si->d, lm, &lm->name, lm->namelen, flags);
	if (way == POLICY_WAY_DIRECT_FIRST) {
		r = do_send(c, si->d, lm, &lm->name, lm->namelen, flags);
		if (!policy_direct_failed((int)r))
			return r;
	}
	sv_synth(pfx, v4, port, &s6);
	if (si->domain == AF_INET) {
		int e = replace_socket(c, si, &rflags);

		if (e < 0)
			return e;
		if (!(rflags & O_NONBLOCK))
			fcntl(si->d, F_SETFL, rflags);
	} else if (!si->have_x) {
		x_begin(si, pfx);
		si->x.v6map = true;
		socktab_put(&si->x);
	}
	r = do_send(c, si->d, lm, &s6, sizeof(s6), flags);
	log_xlat("send", c, si->fd, v4, port, &s6, (int)(r < 0 ? r : 0));
	sv_cache_after(pfx, POLICY_SEND, r);
	return r;
}

/* Common front of the send calls: SV_CONTINUE or 0 with si open. */
static int64_t send_front(struct call *c, struct sockinfo *si, int flags)
{
	int r = sock_open(c, (int)c->args[0], si);

	if (r == NOT_INSPECTABLE)
		return SV_CONTINUE;
	if (r < 0)
		return r;
	/* Not IP, or a stream socket (whose sendto/sendmsg address the
	 * kernel ignores, TCP Fast Open aside). */
	if (!is_inet(si) ||
	    (si->type == SOCK_STREAM && !(flags & MSG_FASTOPEN))) {
		sock_close(si);
		return SV_CONTINUE;
	}
	return 0;
}

static int64_t h_sendto(struct call *c)
{
	struct sockinfo si;
	struct lmsg lm;
	struct iovec riov;
	int flags = (int)c->args[3];
	int64_t r = send_front(c, &si, flags);
	ssize_t n;

	if (r)
		return r;
	memset(&lm, 0, sizeof(lm));
	r = read_sockaddr(c, c->args[4], c->args[5], &lm.name, &lm.namelen);
	if (r == 0 && c->args[2] > SEND_MAX)
		r = -EMSGSIZE;
	if (r == 0) {
		lm.iov.iov_len = c->args[2];
		lm.iov.iov_base = malloc(lm.iov.iov_len ? lm.iov.iov_len : 1);
		if (!lm.iov.iov_base)
			r = -ENOMEM;
	}
	if (r == 0 && lm.iov.iov_len) {
		riov.iov_base = (void *)(uintptr_t)c->args[1];
		riov.iov_len = lm.iov.iov_len;
		n = sv_readv(c, lm.iov.iov_base, lm.iov.iov_len, &riov, 1);
		if (n < 0 || (size_t)n != lm.iov.iov_len)
			r = n == -ENOENT ? -ENOENT : -EFAULT;
	}
	if (r == 0)
		r = send_one(c, &si, &lm, flags);
	lmsg_free(&lm);
	sock_close(&si);
	return r;
}

static int64_t h_sendmsg(struct call *c)
{
	struct sockinfo si;
	struct msghdr m;
	struct lmsg lm;
	int flags = (int)c->args[2];
	int64_t r = send_front(c, &si, flags);

	if (r)
		return r;
	r = sv_read(c, c->args[1], &m, sizeof(m));
	if (r == 0)
		r = read_send_msg(c, &m, &lm);
	if (r == 0) {
		r = send_one(c, &si, &lm, flags);
		lmsg_free(&lm);
	}
	sock_close(&si);
	return r;
}

/* The msg_len of the program's struct mmsghdr at at. */
static int put_msg_len(struct call *c, uint64_t at, ssize_t n)
{
	unsigned len = (unsigned)n;

	return sv_write(c, at + offsetof(struct mmsghdr, msg_len), &len,
			sizeof(len));
}

static int64_t h_sendmmsg(struct call *c)
{
	struct sockinfo si;
	int flags = (int)c->args[3];
	unsigned vlen = (unsigned)c->args[2];
	int64_t r = send_front(c, &si, flags);
	unsigned i;

	if (r)
		return r;
	if (vlen > MMSG_MAX)
		vlen = MMSG_MAX;
	for (i = 0; i < vlen; i++) {
		uint64_t at = c->args[1] + (uint64_t)i * sizeof(struct mmsghdr);
		struct mmsghdr mm;
		struct lmsg lm;
		ssize_t n;

		r = sv_read(c, at, &mm, sizeof(mm));
		if (r == 0)
			r = read_send_msg(c, &mm.msg_hdr, &lm);
		if (r < 0)
			break;
		n = send_one(c, &si, &lm, flags);
		lmsg_free(&lm);
		if (n < 0) {
			r = n;
			break;
		}
		r = put_msg_len(c, at, n);
		if (r < 0)
			break;
	}
	sock_close(&si);
	return i > 0 ? (int64_t)i : r;
}

/* ---------------------------------------------------------- receive */

/* The address a program with an AF_INET socket (or an AF_INET6 one with
 * a NAT64 peer) sees for an IPv6 source/peer address ss of socket x. */
static socklen_t view_addr(const struct xsock *x,
			   const struct sockaddr_storage *ss, socklen_t len,
			   bool local, struct sockaddr_storage *out)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const uint8_t *a = s6->sin6_addr.s6_addr;
	uint32_t v4 = 0;
	bool have;

	memset(out, 0, sizeof(*out));
	if (ss->ss_family != AF_INET6 || len < sizeof(*s6)) {
		memcpy(out, ss, len);
		return len;
	}
	if (!local || ipv6_is_v4mapped(a)) {
		const struct config *cf = sv_config();
		struct sockaddr_in in;

		have = cf && msgconv_addr_to_v4(s6, cf->prefixes,
						cf->nprefixes, x->pfx, &in) != -2;
		if (have)
			v4 = in.sin_addr.s_addr;
	}
	if (local && !have)
		v4 = x->v6map ? 0 : x->bound_v4;
	if (x->v6map) {
		struct sockaddr_in6 m = *s6;

		if (have || local) {
			ipv6_make_v4mapped(v4, m.sin6_addr.s6_addr);
			m.sin6_flowinfo = 0;
			m.sin6_scope_id = 0;
		}
		memcpy(out, &m, sizeof(m));
		return sizeof(m);
	} else {
		struct sockaddr_in in = { .sin_family = AF_INET,
					  .sin_port = s6->sin6_port };

		if (!have && !local && x->connected)
			v4 = x->peer_v4;
		in.sin_addr.s_addr = v4;
		memcpy(out, &in, sizeof(in));
		return sizeof(in);
	}
}

/* Common front of the receive calls: only our translated datagram
 * sockets need us; everything else runs as it is. */
static int64_t recv_front(struct call *c, struct sockinfo *si)
{
	int r = sock_open(c, (int)c->args[0], si);

	if (r == NOT_INSPECTABLE)
		return SV_CONTINUE;
	if (r < 0)
		return r;
	if (!si->have_x || si->type != SOCK_DGRAM) {
		sock_close(si);
		return SV_CONTINUE;
	}
	return 0;
}

static ssize_t do_recv(struct call *c, int d, struct msghdr *m, int flags)
{
	ssize_t r;

	maybe_pass_turn(c, d, flags, POLLIN);
	sv_block_begin(c);
	r = recvmsg(d, m, flags);
	if (r < 0)
		r = -errno;
	sv_block_end(c);
	return r;
}

static int64_t h_recvfrom(struct call *c)
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
		sock_close(&si);
		return -EFAULT;
	}
	liov.iov_len = len < RECV_MAX ? len : RECV_MAX;
	liov.iov_base = malloc(liov.iov_len ? liov.iov_len : 1);
	if (!liov.iov_base) {
		sock_close(&si);
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
			socklen_t vl = view_addr(&si.x, &ss, m.msg_namelen,
						 false, &view);
			int e = write_sockaddr(c, c->args[4], c->args[5],
					       &view, vl);
			if (e < 0)
				r = e;
		}
	}
	free(liov.iov_base);
	sock_close(&si);
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
	r = read_iov_list(c, (uintptr_t)pm.msg_iov, pm.msg_iovlen, &riov,
			  &total);
	if (r < 0)
		return r;
	liov.iov_len = total < RECV_MAX ? total : RECV_MAX;
	liov.iov_base = malloc(liov.iov_len ? liov.iov_len : 1);
	if (pm.msg_control && pm.msg_controllen)
		ctl = malloc(pm.msg_controllen < CTL_MAX ? pm.msg_controllen
							 : CTL_MAX);
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
	m.msg_controllen = ctl ? (pm.msg_controllen < CTL_MAX
				  ? pm.msg_controllen : CTL_MAX) : 0;
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
		socklen_t vl = view_addr(&si->x, &ss, m.msg_namelen, false,
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

static int64_t h_recvmsg(struct call *c)
{
	struct sockinfo si;
	int64_t r = recv_front(c, &si);

	if (r)
		return r;
	r = recv_one(c, &si, c->args[1], (int)c->args[2]);
	sock_close(&si);
	return r;
}

static int64_t h_recvmmsg(struct call *c)
{
	struct sockinfo si;
	int flags = (int)c->args[3];
	unsigned vlen = (unsigned)c->args[2], i;
	int64_t r = recv_front(c, &si);

	if (r)
		return r;
	if (vlen > MMSG_MAX)
		vlen = MMSG_MAX;
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
		r = put_msg_len(c, at, n);
		if (r < 0)
			break;
	}
	sock_close(&si);
	return i > 0 ? (int64_t)i : r;
}

/* ---------------------------------------------------------- stand-ins */

/* socket(AF_INET, SOCK_STREAM or SOCK_DGRAM): the program gets a
 * dual-stack AF_INET6 socket of ours, a stand-in (as the library's), so
 * its connect and sends to NAT64 destinations need no replacement of
 * the socket (and no copy of its options) later.  Installed as the
 * call's result in one step (SECCOMP_ADDFD_FLAG_SEND). */
static int64_t h_socket(struct call *c)
{
	int type = (int)c->args[1], proto = (int)c->args[2];
	int base = type & 0xf, off = 0, n;
	struct xsock x;
	struct stat st;
	int64_t r;

	if ((int)c->args[0] != AF_INET ||
	    (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)))
		return SV_CONTINUE;
	if (!policy_translatable(base, proto))
		return SV_CONTINUE;     /* ICMP "ping" sockets and the rest */
	/* A process we cannot look at (it made itself non-dumpable) would
	 * see the stand-in's AF_INET6 nature in every later call, which
	 * we could not answer: it keeps real AF_INET sockets. */
	if (!sv_inspectable(c))
		return SV_CONTINUE;
	n = socket(AF_INET6, base | (type & SOCK_NONBLOCK) | SOCK_CLOEXEC,
		   proto);
	if (n < 0)
		return SV_CONTINUE;     /* no IPv6: the kernel's AF_INET one */
	if (sockopt_bindv6only())
		setsockopt(n, SOL_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (fstat(n, &st) < 0) {
		close(n);
		return SV_CONTINUE;
	}
	memset(&x, 0, sizeof(x));
	x.ino = (uint64_t)st.st_ino;
	x.type = base;
	x.proto = proto;
	x.pfx = -1;
	x.standin = true;
	socktab_put(&x);
	r = sv_install_result(c, n, (type & SOCK_CLOEXEC) != 0);
	close(n);
	if (r < 0 && r != SV_REPLIED)
		socktab_del(x.ino);
	return r;
}

/* Turn a stand-in into the AF_INET socket the program asked for (it is
 * about to bind, listen or set IPv4-level options): same type, protocol,
 * status flags, close-on-exec flag and options.  si then describes the
 * new socket. */
static int unstand(struct call *c, struct sockinfo *si)
{
	int n, fl, r;

	fl = fcntl(si->d, F_GETFL);
	if (fl < 0)
		return -errno;
	n = socket(AF_INET, si->type | SOCK_CLOEXEC, si->x.proto);
	if (n < 0)
		return -errno;
	copy_options(si->d, n, si->type);
	if (fl & O_NONBLOCK)
		fcntl(n, F_SETFL, fl);
	r = sv_install(c, n, si->fd);
	if (r < 0) {
		close(n);
		return r;
	}
	log_msg(LOG_DEBUG, "pid %d fd %d: stand-in back to AF_INET",
		(int)c->tid, si->fd);
	socktab_del(si->ino);
	sock_close(si);
	si->d = n;
	si->domain = AF_INET;
	si->have_x = false;
	return 0;
}

static bool fresh_standin(const struct sockinfo *si)
{
	return si->have_x && si->x.standin;
}

/* The end of a handler that turned a stand-in back into an AF_INET
 * socket (or found nothing to do): the kernel runs the call itself. */
static int64_t unstand_and_continue(struct call *c, struct sockinfo *si)
{
	int r = unstand(c, si);

	sock_close(si);
	return r < 0 ? r : SV_CONTINUE;
}

/* listen() of a stand-in that was never bound. */
static int64_t h_listen(struct call *c)
{
	struct sockinfo si;
	int64_t ret;

	if (!open_for(c, &si, fresh_standin, &ret))
		return ret;
	return unstand_and_continue(c, &si);
}

/* setsockopt(SOL_IP, ...) of one of our sockets: the in-place options
 * are set by us and mirrored; any other IPv4-level option (multicast,
 * IP_PKTINFO...) makes a stand-in the AF_INET socket the program asked
 * for, and the kernel then sets it itself (no decision depends on its
 * value). */
static int64_t h_setsockopt(struct call *c)
{
	struct sockinfo si;
	int level = (int)c->args[1], name = (int)c->args[2];
	int64_t ret;
	int r = 0;

	if (!open_for(c, &si, translated, &ret))
		return ret;
	/* The options a stand-in keeps (policy_option_needs_inet; received
	 * control messages are not rewritten here, so IP_PKTINFO and the
	 * like are not among them) are set by us and mirrored. */
	if (level == SOL_IP && !policy_option_needs_inet(level, name, false)) {
		/* Set by us from our copy of the value, so that the IPv6
		 * twin gets exactly what the kernel accepted (or nothing).
		 * The kernel reads an int, or one byte when optlen < 4. */
		union {
			int i;
			unsigned char b[sizeof(int)];
		} v = { 0 };
		int len = (int)c->args[4];

		if (len < 0) {
			r = -EINVAL;
		} else {
			if (len > (int)sizeof(v))
				len = sizeof(v);
			if (len)
				r = sv_read(c, c->args[3], &v, (size_t)len);
			if (r == 0 && setsockopt(si.d, SOL_IP, name, &v,
						 (socklen_t)len) < 0)
				r = -errno;
		}
		if (r == 0)
			sockopt_mirror_ip(si.d, name, &v, (socklen_t)len,
					  &sv_ops);
		sock_close(&si);
		return r;
	}
	if (si.x.standin)
		return unstand_and_continue(c, &si);
	sock_close(&si);
	return SV_CONTINUE;
}

/* An ioctl only an AF_INET socket answers (SIOCGIFADDR...) on a fresh
 * stand-in: make it the AF_INET socket the program asked for, then let
 * the kernel run the call. */
static int64_t h_ioctl(struct call *c)
{
	struct sockinfo si;
	int64_t ret;

	if (!policy_ioctl_needs_inet(c->args[1]))
		return SV_CONTINUE;
	if (!open_for(c, &si, fresh_standin, &ret))
		return ret == -ENOTSOCK || ret == -EBADF ? SV_CONTINUE : ret;
	return unstand_and_continue(c, &si);
}

/* getsockopt(SOL_SOCKET, SO_DOMAIN): what the program asked for. */
static int64_t h_getsockopt(struct call *c)
{
	struct sockinfo si;
	int64_t ret;
	int r, ulen, v = AF_INET;

	if (!open_for(c, &si, translated, &ret))
		return ret;
	sock_close(&si);
	if (si.x.v6map)
		return SV_CONTINUE;
	r = sv_read(c, c->args[4], &ulen, sizeof(ulen));
	if (r < 0)
		return r == -ENOENT ? r : -EFAULT;
	if (ulen < 0)
		return -EINVAL;
	if ((size_t)ulen > sizeof(v))
		ulen = sizeof(v);
	r = sv_write(c, c->args[3], &v, (size_t)ulen);
	if (r == 0)
		r = sv_write(c, c->args[4], &ulen, sizeof(ulen));
	return r < 0 ? (r == -ENOENT ? r : -EFAULT) : 0;
}

/* ---------------------------------------------------------- names, bind */

static int64_t h_names(struct call *c, bool peer)
{
	struct sockinfo si;
	struct sockaddr_storage ss, view;
	socklen_t sl = sizeof(ss), vl;
	int64_t ret;
	int r;

	if (!open_for(c, &si, translated, &ret))
		return ret;
	r = peer ? getpeername(si.d, (struct sockaddr *)&ss, &sl)
		 : getsockname(si.d, (struct sockaddr *)&ss, &sl);
	if (r < 0) {
		r = -errno;
	} else {
		vl = view_addr(&si.x, &ss, sl, !peer, &view);
		r = write_sockaddr(c, c->args[1], c->args[2], &view, vl);
	}
	sock_close(&si);
	return r;
}

static int64_t h_bind(struct call *c)
{
	struct sockinfo si;
	struct sockaddr_storage ss;
	socklen_t len;
	int64_t ret;
	int r;

	if (!open_for(c, &si, translated, &ret))
		return ret;
	r = read_sockaddr(c, c->args[1], c->args[2], &ss, &len);
	if (r == 0 && si.x.standin) {
		/* A server (or a client choosing its address): from now on
		 * a real AF_INET socket, as the program asked for. */
		r = unstand(c, &si);
		if (r == 0)
			r = bind(si.d, (struct sockaddr *)&ss, len) == 0 ? 0
									: -errno;
	} else if (r == 0) {
		const struct sockaddr_in *sin = (const void *)&ss;

		if (!si.x.v6map && len >= sizeof(*sin) &&
		    sin->sin_family == AF_INET) {
			struct sockaddr_in6 s6;

			msgconv_mapped(sin->sin_addr.s_addr, sin->sin_port, &s6);
			if (sin->sin_addr.s_addr == 0)
				memset(&s6.sin6_addr, 0, sizeof(s6.sin6_addr));
			r = bind(si.d, (struct sockaddr *)&s6, sizeof(s6)) == 0
				? 0 : -errno;
			if (r == 0) {
				si.x.bound_v4 = sin->sin_addr.s_addr;
				socktab_put(&si.x);
			}
		} else {
			r = bind(si.d, (struct sockaddr *)&ss, len) == 0
				? 0 : -errno;
		}
	}
	sock_close(&si);
	return r;
}

int64_t sv_handle(struct call *c)
{
	switch (c->nr) {
	case SYS_connect:
		return h_connect(c);
	case SYS_sendto:
		return h_sendto(c);
	case SYS_sendmsg:
		return h_sendmsg(c);
	case SYS_sendmmsg:
		return h_sendmmsg(c);
	case SYS_recvfrom:
		return h_recvfrom(c);
	case SYS_recvmsg:
		return h_recvmsg(c);
	case SYS_recvmmsg:
		return h_recvmmsg(c);
	case SYS_getpeername:
		return h_names(c, true);
	case SYS_getsockname:
		return h_names(c, false);
	case SYS_bind:
		return h_bind(c);
	case SYS_socket:
		return h_socket(c);
	case SYS_listen:
		return h_listen(c);
	case SYS_setsockopt:
		return h_setsockopt(c);
	case SYS_getsockopt:
		return h_getsockopt(c);
	case SYS_ioctl:
		return h_ioctl(c);
	default:
		return -ENOSYS;
	}
}
