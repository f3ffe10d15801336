/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The core of every handler: the program's socket, identified, then
 * duplicated and classified only as far as the call needs (struct
 * sockinfo), our table entry for it (struct xsock), and the policy's
 * decision for it (src/common/policy.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <time.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "msgconv.h"
#include "sockopt.h"
#include "sv.h"

void sv_sock_close(struct sockinfo *si)
{
	if (si->d >= 0)
		close(si->d);
	si->d = -1;
}

int sv_sockopt_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, name, &v, &l) < 0)
		return -1;
	return v;
}

static int not_inspectable(struct call *c)
{
	static atomic_int warned;

	if (!atomic_exchange(&warned, 1))
		log_msg(LOG_WARN, "pid %d: cannot look at its sockets (not "
			"dumpable?); its calls run untranslated", (int)c->tid);
	return SV_NOT_INSPECTABLE;
}

static void lookup(struct sockinfo *si)
{
	/* One of ours (an AF_INET6 socket).  A stale entry (its socket
	 * closed, the inode number reused) shows when a call on it fails:
	 * sv_forget_stale(). */
	si->have_x = socktab_get(si->ino, &si->x);
	if (si->have_x) {
		si->domain = AF_INET6;
		si->type = si->x.type;
		si->proto = si->x.proto;
	}
}

int sv_sock_dup(struct call *c, struct sockinfo *si)
{
	int d;

	if (si->d >= 0)
		return 0;
	d = sv_getfd(c, si->fd);
	if (d == -EPERM || d == -EACCES)
		return not_inspectable(c);
	if (d < 0)
		return d;
	si->d = d;
	return 0;
}

static void take_fdinfo(struct sockinfo *si, const struct sv_fdinfo *fi)
{
	si->flags = fi->flags;
	si->cloexec = fi->cloexec;
	si->have_flags = si->have_fdinfo = true;
}

int sv_sock_ident(struct call *c, int fd, struct sockinfo *si,
		  enum sv_ident how)
{
	struct stat st;
	int r;

	memset(si, 0, sizeof(*si));
	si->fd = fd;
	si->d = -1;
	if (how == SV_IDENT_FDINFO ||
	    (how == SV_IDENT_CHEAP && sv_fdinfo_cached(c, fd))) {
		struct sv_fdinfo fi;

		r = sv_fdinfo(c, fd, &fi);
		if (r < 0)
			return r == SV_NOT_INSPECTABLE ? not_inspectable(c) : r;
		si->ino = fi.ino;
		take_fdinfo(si, &fi);
	} else {
		r = sv_sock_dup(c, si);
		if (r < 0)
			return r;
		if (fstat(si->d, &st) < 0) {
			r = -errno;
			sv_sock_close(si);
			return r;
		}
		if (!S_ISSOCK(st.st_mode)) {
			sv_sock_close(si);
			return -ENOTSOCK;
		}
		si->ino = (uint64_t)st.st_ino;
	}
	lookup(si);
	return 0;
}

int sv_sock_fdinfo(struct call *c, struct sockinfo *si)
{
	struct sv_fdinfo fi;
	int r;

	if (si->have_fdinfo)
		return 0;
	r = sv_fdinfo(c, si->fd, &fi);
	if (r < 0)
		return r == SV_NOT_INSPECTABLE ? not_inspectable(c) : r;
	/* Another thread of the program may have put another file at that
	 * number since we duplicated it: the replacement, which takes the
	 * number too, then replaces that file, as the program's own dup2
	 * racing its call would leave it undefined which one the call
	 * used.  The flags and cloexec are the number's, now. */
	if (fi.ino != si->ino)
		log_msg(LOG_DEBUG, "pid %d fd %d: changed during the call",
			(int)c->tid, si->fd);
	take_fdinfo(si, &fi);
	return 0;
}

int sv_sock_flags(struct sockinfo *si)
{
	if (!si->have_flags) {
		/* our duplicate shares the program's open file */
		int fl = fcntl(si->d, F_GETFL);

		if (fl < 0)
			return -1;
		si->flags = fl;
		si->have_flags = true;
	}
	return si->flags;
}

/* The facts of si's open duplicate. */
static int read_facts(struct sockinfo *si)
{
	socklen_t l = sizeof(si->local);

	/* The name says the family, and for AF_INET whether and where it
	 * is bound (sv_way); anything else (AF_UNIX...) ends here. */
	memset(&si->local, 0, sizeof(si->local));
	if (getsockname(si->d, (struct sockaddr *)&si->local, &l) < 0)
		return -errno;
	si->domain = si->local.sin_family ? si->local.sin_family : -1;
	if (si->domain != AF_INET && si->domain != AF_INET6)
		return 0;
	si->type = sv_sockopt_int(si->d, SOL_SOCKET, SO_TYPE);
	si->proto = sv_sockopt_int(si->d, SOL_SOCKET, SO_PROTOCOL);
	return 0;
}

int sv_sock_facts(struct call *c, struct sockinfo *si)
{
	int r;

	if (si->domain)
		return 0;
	r = sv_sock_dup(c, si);
	return r < 0 ? r : read_facts(si);
}

/* The end of sv_find_ours and sv_open_ours after r. */
static bool ours_or_not(struct sockinfo *si, int r, int64_t *ret)
{
	if (r < 0 || !si->have_x) {
		sv_sock_close(si);
		/* Not ours, or not something we may look at: the kernel
		 * answers (its own EBADF, ENOTSOCK...). */
		*ret = r == -ENOENT ? r : SV_CONTINUE;
		return false;
	}
	return true;
}

/* sv_find_ours (how: SV_IDENT_CHEAP), sv_open_ours (SV_IDENT_DUP). */
static bool front_ours(struct call *c, struct sockinfo *si, int64_t *ret,
		       enum sv_ident how)
{
	if (socktab_empty()) {
		si->d = -1;
		*ret = SV_CONTINUE;
		return false;
	}
	return ours_or_not(si, sv_sock_ident(c, (int)c->args[0], si, how),
			   ret);
}

bool sv_find_ours(struct call *c, struct sockinfo *si, int64_t *ret)
{
	return front_ours(c, si, ret, SV_IDENT_CHEAP);
}

bool sv_open_ours(struct call *c, struct sockinfo *si, int64_t *ret)
{
	return front_ours(c, si, ret, SV_IDENT_DUP);
}

/* A call on a socket we took for ours failed the way it fails on a
 * socket of another family: if the entry is stale, forget it and look
 * again.  true when si changed (the caller retries). */
bool sv_forget_stale(struct sockinfo *si, int err)
{
	int domain;

	if (!si->have_x || si->d < 0 ||
	    (err != -EAFNOSUPPORT && err != -EINVAL))
		return false;
	domain = sv_sockopt_int(si->d, SOL_SOCKET, SO_DOMAIN);
	if (domain == AF_INET6)
		return false;
	socktab_del(si->ino);
	si->have_x = false;
	si->domain = 0;
	return read_facts(si) == 0;
}

/* Start remembering si's socket as ours (the caller fills in the rest
 * and calls socktab_put). */
void sv_x_begin(struct sockinfo *si, int pfx)
{
	memset(&si->x, 0, sizeof(si->x));
	si->x.ino = si->ino;
	si->x.type = si->type;
	si->x.proto = si->proto;
	si->x.pfx = pfx;
	si->have_x = true;
}

bool sv_is_inet(const struct sockinfo *si)
{
	return si->domain == AF_INET || si->domain == AF_INET6;
}

/* Sockets whose IPv4 traffic we translate (policy_translatable). */
bool sv_translatable(const struct sockinfo *si)
{
	return policy_translatable(si->type, si->proto);
}

static int ops_close(int fd)
{
	return close(fd);
}

static int ops_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

/* The carried options (src/common/sockopt.c), with plain system calls. */
const struct sockopt_ops sv_sockopt_ops = {
	.socket = socket, .close = ops_close,
	.get = getsockopt, .set = setsockopt, .ioctl = ops_ioctl,
	.connect = connect, .get_socket_batch = sv_uring_getsockopts,
};

/* The policy's decision (policy_way) for a connect or send (call)
 * through prefix pfx on si's socket.  An AF_INET socket of the program
 * is bound when its name (sv_sock_facts) says so (to one address: never
 * translated; to any: a send tries direct first, replacing the socket
 * would lose its queue); the interface of SO_BINDTODEVICE is asked only
 * when the decision depends on it. */
enum policy_way sv_way(struct sockinfo *si, enum policy_call call,
		       int pfx)
{
	struct policy_sock s = { .device = POLICY_DEVICE_ASK };

	if (!si->have_x && si->domain == AF_INET) {
		s.replace = true;
		s.bound_addr = policy_bound_addr(si->local.sin_addr.s_addr);
		s.bound = si->local.sin_port != 0;
	}
	return sockopt_way(si->d, si->domain, call, sv_cache_get(pfx), &s,
			   &sv_sockopt_ops);
}

/* Where a connect or send (call) to an IPv4 address goes first on one of
 * our AF_INET6 sockets: s6, the NAT64 address or ::ffff:a.b.c.d.  true
 * when that is a direct attempt after which NAT64 (prefix *pfx) may
 * follow (policy_direct_failed). */
bool sv_dest_on_x(struct call *c, struct sockinfo *si, enum policy_call call,
		  uint32_t v4, uint16_t port, struct sockaddr_in6 *s6,
		  int *pfx)
{
	bool nat = sv_route(v4, port, pfx);

	if (nat && sv_way(si, call, *pfx) == POLICY_WAY_NAT64 &&
	    sv_synth(c, *pfx, v4, port, s6) == 0)
		return false;
	msgconv_mapped(v4, port, s6);
	return nat;
}

void sv_log_xlat(const char *what, struct call *c, int fd, uint32_t v4,
		 uint16_t port, const struct sockaddr_in6 *s6, int r)
{
	if (log_level() < LOG_INFO)
		return;
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

/* A call on the program's socket d that may wait: blocking socket, no
 * MSG_DONTWAIT, and (events != 0) not ready now. */
void sv_maybe_pass_turn(struct call *c, int d, int flags, short events)
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

bool sv_timeo_deadline(int d, int optname, struct timespec *dl)
{
	struct timeval tv;
	socklen_t l = sizeof(tv);

	if (getsockopt(d, SOL_SOCKET, optname, &tv, &l) < 0 ||
	    (!tv.tv_sec && !tv.tv_usec))
		return false;
	clock_gettime(CLOCK_MONOTONIC, dl);
	dl->tv_sec += tv.tv_sec;
	dl->tv_nsec += tv.tv_usec * 1000L;
	if (dl->tv_nsec >= 1000000000L) {
		dl->tv_sec++;
		dl->tv_nsec -= 1000000000L;
	}
	return true;
}

int sv_ms_left(const struct timespec *dl)
{
	struct timespec now;
	long long left;

	clock_gettime(CLOCK_MONOTONIC, &now);
	left = (dl->tv_sec - now.tv_sec) * 1000LL +
	       (dl->tv_nsec - now.tv_nsec + 999999L) / 1000000L;
	return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

bool sv_poll_brief(int d, short events)
{
	struct pollfd p = { .fd = d, .events = events };

	return poll(&p, 1, SV_RECEIVER_MS) == 1;
}

int sv_poll_wait(struct call *c, int d, short events,
		 const struct timespec *dl)
{
	int r = 0;

	sv_block_begin(c);
	for (;;) {
		struct pollfd p = { .fd = d, .events = events };
		int ms = -1, n;

		if (dl && (ms = sv_ms_left(dl)) == 0) {
			r = -EAGAIN;
			break;
		}
		if (sv_cancelled(c)) {
			r = -EINTR;
			break;
		}
		n = poll(&p, 1, ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0)
			break;
	}
	sv_block_end(c);
	return r;
}
