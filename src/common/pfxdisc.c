/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NAT64 prefix discovery engine (see pfxdisc.h): RFC 7050 queries and
 * the cache files, all system calls through an operations table. */
#include "pfxdisc.h"
#include "addr.h"
#include "dns.h"
#include "log.h"
#include "resolvconf.h"
#include "rfc7050.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* renameat */
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#define RESOLV_READ_MAX 8192

/* ------------------------------------------------------------ libc ops */

/* The table holds our own small functions, not libc's addresses: in the
 * preloaded library an address of libc's is a symbol the dynamic loader
 * must look up when the library is loaded, in every process (with the
 * library in /etc/ld.so.preload), while these calls bind lazily, at
 * their first use. */
static int libc_socket(int domain, int type, int protocol)
{
	return socket(domain, type, protocol);
}

static int libc_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	return connect(fd, sa, len);
}

static ssize_t libc_sendto(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *sa, socklen_t salen)
{
	return sendto(fd, buf, len, flags, sa, salen);
}

static ssize_t libc_recvfrom(int fd, void *buf, size_t len, int flags,
			     struct sockaddr *sa, socklen_t *salen)
{
	return recvfrom(fd, buf, len, flags, sa, salen);
}

static int libc_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	return poll(fds, n, timeout_ms);
}

static int libc_close(int fd)
{
	return close(fd);
}

static int libc_clock_gettime(clockid_t clk, struct timespec *ts)
{
	return clock_gettime(clk, ts);
}

static int libc_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return openat(dirfd, path, flags, mode);
}

static ssize_t libc_read(int fd, void *buf, size_t len)
{
	return read(fd, buf, len);
}

static ssize_t libc_write(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len);
}

/* fstat, fstatat and getrandom by number: their libc symbols are of
 * versions every program would pay to check at load time
 * (src/preload/symver.h).  -1 and errno, as libc's. */
static int libc_fstat(int fd, struct stat *st)
{
	return (int)syscall(SYS_fstat, fd, st);
}

static int libc_fstatat(int dirfd, const char *path, struct stat *st,
			int flags)
{
	return (int)syscall(SYS_newfstatat, dirfd, path, st, flags);
}

static int libc_fchmod(int fd, mode_t mode)
{
	return fchmod(fd, mode);
}

static int libc_mkdirat(int dirfd, const char *path, mode_t mode)
{
	return mkdirat(dirfd, path, mode);
}

static int libc_renameat(int olddirfd, const char *oldpath, int newdirfd,
			 const char *newpath)
{
	return renameat(olddirfd, oldpath, newdirfd, newpath);
}

static int libc_unlinkat(int dirfd, const char *path, int flags)
{
	return unlinkat(dirfd, path, flags);
}

static ssize_t libc_getrandom(void *buf, size_t len, unsigned flags)
{
	return syscall(SYS_getrandom, buf, len, flags);
}

const struct disc_ops disc_libc_ops = {
	.socket = libc_socket,
	.connect = libc_connect,
	.sendto = libc_sendto,
	.recvfrom = libc_recvfrom,
	.poll = libc_poll,
	.close = libc_close,
	.clock_gettime = libc_clock_gettime,
	.openat = libc_openat,
	.read = libc_read,
	.write = libc_write,
	.fstat = libc_fstat,
	.fstatat = libc_fstatat,
	.fchmod = libc_fchmod,
	.mkdirat = libc_mkdirat,
	.renameat = libc_renameat,
	.unlinkat = libc_unlinkat,
	.getrandom = libc_getrandom,
};

/* ------------------------------------------------------------ helpers */

static int64_t mono_ms(const struct disc_ops *ops)
{
	struct timespec ts;

	if (ops->clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t disc_now(const struct disc_ops *ops)
{
	struct timespec ts;

	if (ops->clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return 0;
	return (int64_t)ts.tv_sec;
}

/* Random bits: getrandom, else a weak mix of the clocks (a sandbox may
 * refuse getrandom; the id then only guards against stray replies). */
static void random_bytes(const struct disc_ops *ops, void *buf, size_t len)
{
	static unsigned counter;
	uint8_t *b = buf;
	struct timespec ts = { 0, 0 };
	uint64_t x;

	if (ops->getrandom && ops->getrandom(buf, len, GRND_NONBLOCK) ==
	    (ssize_t)len)
		return;
	ops->clock_gettime(CLOCK_MONOTONIC, &ts);
	x = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
	    (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32 ^
	    __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
	for (size_t i = 0; i < len; i++) {
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ull;
		b[i] = (uint8_t)(x >> 56);
	}
}

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void cat_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(dst);

	if (n < size)
		copy_str(dst + n, size - n, src);
}

static void set_why(struct disc_result *r, const char *server,
		    const char *what)
{
	r->why[0] = '\0';
	cat_str(r->why, sizeof(r->why), server);
	cat_str(r->why, sizeof(r->why), ": ");
	cat_str(r->why, sizeof(r->why), what);
}

/* Read a whole small file (at most size bytes) through ops.  Returns the
 * length or -errno. */
static long read_small(const struct disc_ops *ops, int dirfd,
		       const char *path, int flags, char *buf, size_t size,
		       struct stat *st)
{
	int fd = ops->openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
			     O_NONBLOCK | flags, 0);
	size_t len = 0;
	long ret;

	if (fd < 0)
		return -errno;
	if (st && ops->fstat(fd, st) < 0) {
		ret = -errno;
		ops->close(fd);
		return ret;
	}
	while (len < size) {
		ssize_t n = ops->read(fd, buf + len, size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			ops->close(fd);
			return ret;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		/* the whole regular file: no read for the end of it */
		if (st && S_ISREG(st->st_mode) && len >= (size_t)st->st_size)
			break;
	}
	ops->close(fd);
	return (long)len;
}

/* Interface index of name from /sys/class/net/NAME/ifindex, 0 if none. */
static unsigned ifindex_of(const struct disc_ops *ops, const char *name)
{
	char path[64] = "/sys/class/net/";
	char buf[16];
	unsigned v = 0;
	long n;

	cat_str(path, sizeof(path), name);
	cat_str(path, sizeof(path), "/ifindex");
	n = read_small(ops, AT_FDCWD, path, 0, buf, sizeof(buf) - 1, NULL);
	if (n <= 0)
		return 0;
	for (long i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (unsigned)(buf[i] - '0');
	return v;
}

/* ------------------------------------------------------------ query */

enum ask { ASK_REPLY, ASK_FAILED };

static bool same_peer(const struct sockaddr *got, socklen_t glen,
		      const struct sockaddr *want)
{
	if (got->sa_family != want->sa_family)
		return false;
	if (want->sa_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)got;
		const struct sockaddr_in *b = (const void *)want;

		return glen >= (socklen_t)sizeof(*a) &&
		       a->sin_port == b->sin_port &&
		       a->sin_addr.s_addr == b->sin_addr.s_addr;
	} else {
		const struct sockaddr_in6 *a = (const void *)got;
		const struct sockaddr_in6 *b = (const void *)want;

		return glen >= (socklen_t)sizeof(*a) &&
		       a->sin6_port == b->sin6_port &&
		       memcmp(&a->sin6_addr, &b->sin6_addr, 16) == 0;
	}
}

static bool unreachable(int e)
{
	return e == ENETUNREACH || e == EHOSTUNREACH || e == EADDRNOTAVAIL ||
	       e == EAFNOSUPPORT;
}

static const char *err_text(int e)
{
	switch (e) {
	case ENETUNREACH:
		return "network unreachable";
	case EHOSTUNREACH:
		return "host unreachable";
	case ECONNREFUSED:
		return "connection refused (no DNS server there)";
	case EAFNOSUPPORT:
		return "address family not supported";
	case EADDRNOTAVAIL:
		return "address not available";
	case EACCES:
	case EPERM:
		return "not permitted (sandbox?)";
	case EMFILE:
	case ENFILE:
		return "no descriptor left";
	default:
		return "socket error";
	}
}

/* One query to one server; waits at most wait_ms.  On ASK_REPLY *reply
 * is a parsed reply to our query. */
static enum ask ask(const struct disc_ops *ops, const struct disc_params *p,
		    const struct resolv_ns *ns, int wait_ms, const char *stext,
		    struct dns_reply *reply, struct disc_result *res)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} to, from;
	uint8_t q[DNS_UDP_MAX], buf[DNS_UDP_MAX + 1];
	uint16_t id;
	socklen_t tolen;
	int64_t end;
	int fd, qlen, e;

	memset(&to, 0, sizeof(to));
	if (ns->family == AF_INET) {
		to.v4 = ns->sa.v4;
		tolen = sizeof(to.v4);
	} else {
		to.v6 = ns->sa.v6;
		if (ns->scope_name[0]) {
			to.v6.sin6_scope_id = ifindex_of(ops, ns->scope_name);
			if (!to.v6.sin6_scope_id) {
				set_why(res, stext, "no such interface");
				return ASK_FAILED;
			}
		}
		tolen = sizeof(to.v6);
	}
	fd = ops->socket(to.sa.sa_family,
			 SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		e = errno;
	} else if (ops->connect(fd, &to.sa, tolen) < 0) {
		e = errno;
		ops->close(fd);
		fd = -1;
	} else {
		e = 0;
	}
	if (fd < 0 && ns->family == AF_INET && unreachable(e) &&
	    p->v4_rewrite) {
		struct sockaddr_in6 v6;

		memset(&v6, 0, sizeof(v6));
		if (p->v4_rewrite(p->ctx, &ns->sa.v4, &v6)) {
			to.v6 = v6;
			to.v6.sin6_family = AF_INET6;
			to.v6.sin6_port = ns->sa.v4.sin_port;
			tolen = sizeof(to.v6);
			fd = ops->socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC |
					 SOCK_NONBLOCK, 0);
			if (fd < 0) {
				e = errno;
			} else if (ops->connect(fd, &to.sa, tolen) < 0) {
				e = errno;
				ops->close(fd);
				fd = -1;
			}
		}
	}
	if (fd < 0) {
		set_why(res, stext, err_text(e));
		return ASK_FAILED;
	}

	random_bytes(ops, &id, sizeof(id));
	qlen = dns_build_query(q, sizeof(q), id, RFC7050_NAME, DNS_TYPE_AAAA);
	if (qlen < 0 || ops->sendto(fd, q, (size_t)qlen, MSG_NOSIGNAL, NULL,
				    0) != qlen) {
		e = errno;
		ops->close(fd);
		set_why(res, stext, qlen < 0 ? "query" : err_text(e));
		return ASK_FAILED;
	}
	res->queries++;
	end = mono_ms(ops) + wait_ms;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = end - mono_ms(ops);
		socklen_t flen = sizeof(from);
		ssize_t n;
		int rc;

		if (left <= 0) {
			ops->close(fd);
			set_why(res, stext, "no answer (timeout)");
			return ASK_FAILED;
		}
		rc = ops->poll(&pfd, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			e = errno;
			ops->close(fd);
			set_why(res, stext, err_text(e));
			return ASK_FAILED;
		}
		if (rc == 0)
			continue;
		n = ops->recvfrom(fd, buf, sizeof(buf), 0, &from.sa, &flen);
		if (n < 0) {
			e = errno;
			if (e == EINTR || e == EAGAIN || e == EWOULDBLOCK)
				continue;
			ops->close(fd);
			set_why(res, stext, err_text(e));
			return ASK_FAILED;
		}
		if (!same_peer(&from.sa, flen, &to.sa))
			continue; /* not from the server asked */
		if ((size_t)n > DNS_UDP_MAX) {
			ops->close(fd);
			set_why(res, stext, "reply longer than 512 bytes");
			return ASK_FAILED;
		}
		rc = dns_parse_reply(buf, (size_t)n, id, RFC7050_NAME,
				     DNS_TYPE_AAAA, reply);
		if (rc == -ESRCH)
			continue; /* a stray or forged datagram */
		ops->close(fd);
		if (rc < 0) {
			set_why(res, stext, "malformed reply");
			return ASK_FAILED;
		}
		return ASK_REPLY;
	}
}

static const char *rcode_text(unsigned rc)
{
	switch (rc) {
	case DNS_RCODE_SERVFAIL:
		return "server failure (SERVFAIL)";
	case DNS_RCODE_REFUSED:
		return "query refused (REFUSED)";
	case 1:
		return "format error (FORMERR)";
	case 4:
		return "not implemented (NOTIMP)";
	default:
		return "error reply";
	}
}

/* A reply decides unless the server failed (SERVFAIL, REFUSED...) or
 * truncated it: then the next server is asked. */
static bool judge(const struct dns_reply *r, const char *stext,
		  struct disc_result *res)
{
	struct nat64_prefix found[4];
	size_t n, ign = 0;

	if (r->truncated) {
		set_why(res, stext, "truncated reply");
		return false;
	}
	if (r->rcode != DNS_RCODE_NOERROR && r->rcode != DNS_RCODE_NXDOMAIN) {
		set_why(res, stext, rcode_text(r->rcode));
		return false;
	}
	copy_str(res->server, sizeof(res->server), stext);
	n = r->rcode == DNS_RCODE_NOERROR
		? rfc7050_prefixes((const uint8_t (*)[16])r->addr, r->naddr,
				   found, 4, &ign)
		: 0;
	res->nignored = ign;
	if (n == 0) {
		res->status = DISC_NO_DNS64;
		if (r->naddr) {
			long long t = r->ttl[0];

			for (size_t i = 1; i < r->naddr; i++)
				if (r->ttl[i] < t)
					t = r->ttl[i];
			res->ttl = t;
			set_why(res, stext, "AAAA answers without the "
				"well-known addresses (ignored)");
		} else {
			res->ttl = r->have_neg_ttl ? (long long)r->neg_ttl : -1;
			set_why(res, stext, r->rcode == DNS_RCODE_NXDOMAIN
				? "no such name (NXDOMAIN): no DNS64"
				: "no AAAA record: no DNS64");
		}
		return true;
	}
	res->status = DISC_FOUND;
	res->prefix = found[0];
	res->nprefixes = n;
	for (size_t i = 1; i < n && i < 4; i++)
		res->others[i - 1] = found[i];
	/* the TTL of the records that gave the prefix used */
	res->ttl = -1;
	for (size_t i = 0; i < r->naddr; i++) {
		struct nat64_prefix p;

		if (rfc7050_prefix_of(r->addr[i], &p) &&
		    nat64_prefix_equal(&p, &found[0]) &&
		    (res->ttl < 0 || r->ttl[i] < res->ttl))
			res->ttl = r->ttl[i];
	}
	return true;
}

int disc_rfc7050(const struct disc_ops *ops, const struct disc_params *p,
		 struct disc_result *res)
{
	static const struct disc_params none;
	char text[RESOLV_READ_MAX];
	struct resolv_conf rc;
	struct dns_reply reply;
	unsigned budget, attempts, try_ms;
	int64_t start, deadline;
	long len;

	if (!ops || !res)
		return -EINVAL;
	if (!p)
		p = &none;
	memset(res, 0, sizeof(*res));
	res->status = DISC_NO_ANSWER;
	res->ttl = -1;
	start = mono_ms(ops);
	budget = p->budget_ms ? p->budget_ms : DISC_BUDGET_MS;
	if (budget > DISC_BUDGET_MAX_MS)
		budget = DISC_BUDGET_MAX_MS;
	deadline = start + budget;

	len = read_small(ops, AT_FDCWD,
			 p->resolv_conf ? p->resolv_conf : DISC_RESOLV_CONF, 0,
			 text, sizeof(text), NULL);
	/* no file: libc's default server (127.0.0.1) */
	resolv_conf_parse(text, len > 0 ? (size_t)len : 0, &rc);
	res->resolv_errors = rc.nerrors;
	res->servers = (unsigned)rc.nns;
	attempts = rc.attempts < DISC_ATTEMPTS_MAX ? rc.attempts
						   : DISC_ATTEMPTS_MAX;
	try_ms = rc.timeout_s * 1000;
	if (try_ms > budget / (attempts * rc.nns))
		try_ms = budget / (attempts * (unsigned)rc.nns);
	if (try_ms > DISC_TRY_MAX_MS)
		try_ms = DISC_TRY_MAX_MS;
	if (try_ms < DISC_TRY_MIN_MS)
		try_ms = DISC_TRY_MIN_MS;

	for (unsigned a = 0; a < attempts; a++) {
		for (size_t i = 0; i < rc.nns; i++) {
			int64_t left = deadline - mono_ms(ops);
			char stext[64];

			if (left <= 0)
				goto out;
			resolv_ns_format(&rc.ns[i], stext, sizeof(stext));
			copy_str(res->server, sizeof(res->server), stext);
			if (ask(ops, p, &rc.ns[i],
				(int)(left < try_ms ? left : try_ms), stext,
				&reply, res) != ASK_REPLY)
				continue;
			if (judge(&reply, stext, res))
				goto out;
		}
	}
out:
	res->elapsed_ms = (unsigned)(mono_ms(ops) - start);
	return 0;
}

void disc_result_record(const struct disc_result *r, int64_t now,
			struct pfx_record *rec)
{
	if (r->status == DISC_FOUND)
		pfx_record_make(rec, &r->prefix, PFX_SRC_RFC7050, r->server,
				now, r->ttl);
	else
		pfx_record_make(rec, NULL, PFX_SRC_NONE,
				r->status == DISC_NO_DNS64 ? r->server : NULL,
				now, r->status == DISC_NO_DNS64 ? r->ttl : -1);
}

/* ------------------------------------------------------------ cache */

void disc_env_from_process(struct disc_env *e)
{
	memset(e, 0, sizeof(*e));
	e->euid = geteuid();
	e->secure = getauxval(AT_SECURE) != 0;
	e->xdg = e->secure ? NULL : getenv("XDG_RUNTIME_DIR");
}

static size_t env_dirs(const struct disc_env *env, struct pfx_dir d[4])
{
	return pfx_dirs(env->euid, env->secure, env->xdg, env->run_user,
			env->tmp, env->sysdir, d);
}

/* Check a directory: 1 trusted, 0 missing, -1 untrusted (logged when
 * log_it).  One system call: the name itself, symbolic links not
 * followed (a link is not a directory). */
static int dir_state(const struct disc_ops *ops, const char *path,
		     uid_t owner, bool log_it)
{
	struct stat st;
	enum pfx_trust t;

	if (ops->fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		if (log_it)
			log_msg(LOG_ERR, "prefix cache: ignoring %s (%s)", path,
				errno == ENOTDIR ? "not a directory"
						 : "cannot look at it");
		return -1;
	}
	t = pfx_trust_check(&st, true, owner);
	if (t != PFX_TRUSTED) {
		if (log_it)
			log_msg(LOG_ERR, "prefix cache: ignoring %s (%s)", path,
				pfx_trust_reason(t));
		return -1;
	}
	return 1;
}

/* Index of the user's cache directory among d (the first candidate whose
 * parent is trusted), or -1. */
static int user_dir(const struct disc_ops *ops, const struct pfx_dir *d,
		    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (d[i].system)
			continue;
		if (!d[i].parent[0] ||
		    dir_state(ops, d[i].parent, d[i].owner, false) == 1)
			return (int)i;
	}
	return -1;
}

size_t disc_cache_dirs(const struct disc_ops *ops, const struct disc_env *env,
		       struct pfx_dir out[2])
{
	struct pfx_dir d[4];
	size_t n = env_dirs(env, d), k = 0;
	int u = user_dir(ops, d, n);

	if (u >= 0)
		out[k++] = d[u];
	for (size_t i = 0; i < n; i++)
		if (d[i].system)
			out[k++] = d[i];
	return k;
}

int disc_cache_open(const struct disc_ops *ops, const struct pfx_dir *d,
		    const char *name, struct stat *st, const char *what)
{
	char path[PFX_PATH_MAX + 96];
	enum pfx_trust t;
	int fd, ds;

	copy_str(path, sizeof(path), d->dir);
	cat_str(path, sizeof(path), "/");
	cat_str(path, sizeof(path), name);
	ds = dir_state(ops, d->dir, d->owner, true);
	if (ds <= 0)
		return ds == 0 ? -ENOENT : -EPERM;
	fd = ops->openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
			 O_NONBLOCK | O_NOFOLLOW, 0);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT)
			return -ENOENT;
		log_msg(LOG_ERR, "%s: ignoring %s (%s)", what, path,
			e == ELOOP ? "a symbolic link" : "cannot read it");
		return -EPERM;
	}
	if (ops->fstat(fd, st) < 0) {
		ops->close(fd);
		log_msg(LOG_ERR, "%s: ignoring %s (cannot read it)", what, path);
		return -EPERM;
	}
	t = pfx_trust_check(st, false, d->owner);
	if (t != PFX_TRUSTED) {
		ops->close(fd);
		log_msg(LOG_ERR, "%s: ignoring %s (%s)", what, path,
			pfx_trust_reason(t));
		return -EPERM;
	}
	return fd;
}

/* Read dir/prefix: 1 with *rec set, 0 no file, -1 rejected (logged). */
static int read_record(const struct disc_ops *ops, const struct pfx_dir *d,
		       struct pfx_record *rec, char *path, size_t psize)
{
	char buf[PFX_RECORD_MAX + 1];
	struct stat st;
	size_t n = 0;
	int fd;

	copy_str(path, psize, d->dir);
	cat_str(path, psize, "/" PFX_FILE_NAME);
	fd = disc_cache_open(ops, d, PFX_FILE_NAME, &st, "prefix cache");
	if (fd < 0)
		return fd == -ENOENT ? 0 : -1;
	while (n < sizeof(buf)) {
		ssize_t k = ops->read(fd, buf + n, sizeof(buf) - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		/* the whole file as fstat saw it (written by rename, never
		 * in place): no read for the end of it */
		if (n >= (size_t)st.st_size)
			break;
	}
	ops->close(fd);
	if (pfx_record_parse(buf, n, rec) < 0) {
		log_msg(LOG_ERR, "prefix cache: ignoring %s (not a valid "
			"record)", path);
		return -1;
	}
	return 1;
}

int disc_cache_read(const struct disc_ops *ops, const struct disc_env *env,
		    int64_t now, struct pfx_record *out, char *from,
		    size_t fromsize)
{
	struct pfx_dir d[2];
	struct pfx_record user, sys;
	char upath[PFX_PATH_MAX + 16] = "", spath[PFX_PATH_MAX + 16] = "";
	const struct pfx_record *pick;
	bool have_user = false, have_sys = false;
	size_t n = disc_cache_dirs(ops, env, d);

	for (size_t i = 0; i < n; i++) {
		if (d[i].system)
			have_sys = read_record(ops, &d[i], &sys, spath,
					       sizeof(spath)) == 1;
		else
			have_user = read_record(ops, &d[i], &user, upath,
						sizeof(upath)) == 1;
	}
	pick = pfx_record_pick(have_user ? &user : NULL,
			       have_sys ? &sys : NULL, now);
	if (!pick)
		return 0;
	*out = *pick;
	if (from)
		copy_str(from, fromsize, pick == &user ? upath : spath);
	return 1;
}

int disc_cache_put(const struct disc_ops *ops, const struct disc_env *env,
		   const char *name, const struct iovec *iov, int iovcnt,
		   char *where, size_t wsize)
{
	struct pfx_dir d[4];
	size_t n = env_dirs(env, d);
	const struct pfx_dir *w = NULL;
	char tmpname[96];
	uint8_t rnd[6];
	int dfd, fd, ds, e;

	if (env->secure)
		return -EPERM;
	if (strlen(name) > 64 || strchr(name, '/'))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (d[i].system && d[i].writable)
			w = &d[i];
	if (!w) {
		int u = user_dir(ops, d, n);

		if (u < 0)
			return -ENOENT;
		w = &d[u];
	}
	ds = dir_state(ops, w->dir, w->owner, true);
	if (ds < 0)
		return -EPERM;
	if (ds == 0 &&
	    ops->mkdirat(AT_FDCWD, w->dir, w->system ? 0755 : 0700) < 0 &&
	    errno != EEXIST)
		return -errno;
	dfd = ops->openat(AT_FDCWD, w->dir, O_RDONLY | O_DIRECTORY |
			  O_NOFOLLOW | O_CLOEXEC, 0);
	if (dfd < 0)
		return -errno;
	{
		struct stat st;

		if (ops->fstat(dfd, &st) < 0 ||
		    pfx_trust_check(&st, true, w->owner) != PFX_TRUSTED) {
			ops->close(dfd);
			return -EPERM;
		}
	}
	random_bytes(ops, rnd, sizeof(rnd));
	copy_str(tmpname, sizeof(tmpname), ".");
	cat_str(tmpname, sizeof(tmpname), name);
	cat_str(tmpname, sizeof(tmpname), ".");
	for (size_t i = 0; i < sizeof(rnd); i++) {
		char hx[3] = { "0123456789abcdef"[rnd[i] >> 4],
			       "0123456789abcdef"[rnd[i] & 15], 0 };

		cat_str(tmpname, sizeof(tmpname), hx);
	}
	fd = ops->openat(dfd, tmpname, O_WRONLY | O_CREAT | O_EXCL |
			 O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = -errno;
		ops->close(dfd);
		return e;
	}
	e = 0;
	if (ops->fchmod(fd, 0644) < 0)
		e = -errno;
	for (int i = 0; !e && i < iovcnt; i++) {
		const char *b = iov[i].iov_base;
		size_t off = 0;

		while (off < iov[i].iov_len) {
			ssize_t k = ops->write(fd, b + off,
					       iov[i].iov_len - off);

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				e = k < 0 ? -errno : -EIO;
				break;
			}
			off += (size_t)k;
		}
	}
	if (ops->close(fd) < 0 && !e)
		e = -errno;
	if (!e && ops->renameat(dfd, tmpname, dfd, name) < 0)
		e = -errno;
	if (e)
		ops->unlinkat(dfd, tmpname, 0);
	ops->close(dfd);
	if (!e && where) {
		copy_str(where, wsize, w->dir);
		cat_str(where, wsize, "/");
		cat_str(where, wsize, name);
	}
	return e;
}

int disc_cache_write(const struct disc_ops *ops, const struct disc_env *env,
		     const struct pfx_record *rec, char *where, size_t wsize)
{
	char text[PFX_RECORD_MAX];
	struct iovec iov;
	int len;

	if (env->secure)
		return -EPERM;
	len = pfx_record_format(rec, text, sizeof(text));
	if (len < 0)
		return len;
	iov.iov_base = text;
	iov.iov_len = (size_t)len;
	return disc_cache_put(ops, env, PFX_FILE_NAME, &iov, 1, where, wsize);
}

void disc_store(const struct disc_ops *ops, const struct disc_env *env,
		const struct pfx_record *rec, const struct disc_result *res)
{
	int e;

	if (env->secure || res->queries == 0)
		return;
	e = disc_cache_write(ops, env, rec, NULL, 0);
	if (e < 0)
		log_msg(LOG_WARN, "prefix cache: not written (errno %d)", -e);
}

void disc_report(const struct disc_result *res)
{
	if (res->status == DISC_FOUND) {
		log_msg(LOG_INFO, "NAT64 prefix %B/%u from %s (RFC 7050)",
			res->prefix.addr, res->prefix.len, res->server);
		for (size_t i = 0; i + 1 < res->nprefixes && i < 3; i++)
			log_msg(LOG_WARN, "%s also answered prefix %B/%u "
				"(not used)", res->server, res->others[i].addr,
				res->others[i].len);
	} else {
		log_msg(LOG_INFO, "no NAT64 prefix discovered (%s)", res->why);
	}
}

int disc_discover(const struct disc_ops *ops, const struct disc_env *env,
		  const struct disc_params *p, struct pfx_record *rec,
		  struct disc_result *res)
{
	struct disc_result local;

	if (!res)
		res = &local;
	disc_rfc7050(ops, p, res);
	disc_result_record(res, disc_now(ops), rec);
	disc_store(ops, env, rec, res);
	disc_report(res);
	return rec->have_prefix ? 1 : 0;
}

int disc_obtain(const struct disc_ops *ops, const struct disc_env *env,
		const struct disc_params *p, struct pfx_record *rec,
		struct disc_result *res)
{
	struct disc_result local;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	if (disc_cache_read(ops, env, disc_now(ops), rec, NULL, 0) == 1)
		return rec->have_prefix ? 1 : 0;
	return disc_discover(ops, env, p, rec, res);
}
