/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NAT64 prefix discovery engine: RFC 7050 over UDP to the resolv.conf
 * name servers, and the shared cache files (pfxcache.h has the format,
 * lifetimes, trust rule and locations).
 *
 * Usable from inside other programs: no allocation, no stdio, no locks,
 * async-signal-safe as long as the operations given are; every system
 * call goes through an operations table, so that the library can pass
 * its real.* (unhooked) socket functions and the tools libc's.  Every
 * descriptor is opened, used and closed within one call, on every path.
 *
 * Time bound: disc_rfc7050 returns within budget_ms (DISC_BUDGET_MS =
 * 2000 ms by default) plus scheduling noise.  Each try waits
 * resolv.conf's timeout clamped to [DISC_TRY_MIN_MS, DISC_TRY_MAX_MS] and
 * to an equal share of the budget; at most DISC_ATTEMPTS_MAX rounds over
 * the (at most three) name servers.  A reply is accepted only from the
 * address and port queried (connected UDP socket, source checked again),
 * with the query's random id and question; the source port is the
 * kernel's random ephemeral port (a bind to a port of our choosing could
 * take one the program is about to bind). */
#ifndef TNAT64_PFXDISC_H
#define TNAT64_PFXDISC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#include "pfxcache.h"
#include "prefix.h"

#define DISC_BUDGET_MS 2000       /* default and library bound, total */
#define DISC_BUDGET_MAX_MS 10000  /* what a tool may ask for */
#define DISC_TRY_MIN_MS 250
#define DISC_TRY_MAX_MS 1000
#define DISC_ATTEMPTS_MAX 2
#define DISC_RESOLV_CONF "/etc/resolv.conf"

struct disc_ops {
	int (*socket)(int domain, int type, int protocol);
	int (*connect)(int fd, const struct sockaddr *sa, socklen_t len);
	ssize_t (*sendto)(int fd, const void *buf, size_t len, int flags,
			  const struct sockaddr *sa, socklen_t salen);
	ssize_t (*recvfrom)(int fd, void *buf, size_t len, int flags,
			    struct sockaddr *sa, socklen_t *salen);
	int (*poll)(struct pollfd *fds, nfds_t n, int timeout_ms);
	int (*close)(int fd);
	int (*clock_gettime)(clockid_t clk, struct timespec *ts);
	int (*openat)(int dirfd, const char *path, int flags, mode_t mode);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	int (*fstat)(int fd, struct stat *st);
	int (*fstatat)(int dirfd, const char *path, struct stat *st,
		       int flags);
	int (*fchmod)(int fd, mode_t mode);
	int (*mkdirat)(int dirfd, const char *path, mode_t mode);
	int (*renameat)(int olddirfd, const char *oldpath, int newdirfd,
			const char *newpath);
	int (*unlinkat)(int dirfd, const char *path, int flags);
	ssize_t (*getrandom)(void *buf, size_t len, unsigned flags);
};

/* The C library's functions (tools, tests).  The preload library copies
 * it and replaces socket/connect/sendto/recvfrom/close with real.*. */
extern const struct disc_ops disc_libc_ops;

struct disc_params {
	const char *resolv_conf;   /* NULL: DISC_RESOLV_CONF */
	unsigned budget_ms;        /* 0: DISC_BUDGET_MS; <= DISC_BUDGET_MAX_MS */
	/* Called when an IPv4 name server cannot be reached directly
	 * (ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL, EAFNOSUPPORT: an
	 * IPv6-only host): fill *out with an IPv6 address for it (through
	 * a configured NAT64 prefix) and return true, or return false.
	 * May be NULL. */
	bool (*v4_rewrite)(void *ctx, const struct sockaddr_in *server,
			   struct sockaddr_in6 *out);
	void *ctx;
};

enum disc_status {
	DISC_FOUND = 0,      /* prefix set */
	DISC_NO_DNS64,       /* a server answered: no AAAA, NXDOMAIN, or
				AAAA without the well-known addresses */
	DISC_NO_ANSWER,      /* no usable answer from any server in time */
};

struct disc_result {
	enum disc_status status;
	struct nat64_prefix prefix;      /* DISC_FOUND: the one to use */
	size_t nprefixes;                /* distinct prefixes in the answer */
	struct nat64_prefix others[3];   /* the next ones, to report */
	size_t nignored;                 /* AAAA answers without a WKA */
	char server[64];                 /* who answered (or was last asked) */
	long long ttl;                   /* seconds for the cache, -1: none */
	unsigned queries;                /* datagrams sent */
	unsigned servers;                /* name servers in resolv.conf */
	unsigned elapsed_ms;
	char why[128];                   /* DISC_NO_ANSWER: what went wrong
					    last; DISC_NO_DNS64: what the
					    server said */
	size_t resolv_errors;            /* lines of resolv.conf skipped */
};

/* RFC 7050 discovery (sections 3 and 4 of the RFC; one AAAA query for
 * ipv4only.arpa, without CD): always returns 0 with *out filled (the
 * status says what happened); -EINVAL for bad arguments only.  Bounded
 * in time as described above. */
int disc_rfc7050(const struct disc_ops *ops, const struct disc_params *p,
		 struct disc_result *out);

/* Who this process is, for the cache rules (pfxcache.h). */
struct disc_env {
	uid_t euid;
	bool secure;              /* AT_SECURE: no user cache, no writes */
	const char *xdg;          /* XDG_RUNTIME_DIR, NULL when secure */
	const char *run_user;     /* NULL: "/run/user" */
	const char *tmp;          /* NULL: "/tmp" */
	const char *sysdir;       /* NULL: PFX_SYSTEM_DIR */
};

/* Fill e from this process: geteuid(), getauxval(AT_SECURE), and
 * XDG_RUNTIME_DIR unless secure.  Not async-signal-safe (getenv): call
 * it at start-up and keep the result (the library captures the variable
 * when it loads). */
void disc_env_from_process(struct disc_env *e);

/* Read the caches this process may use (its own and the system one) and
 * pick the better fresh record (pfx_record_pick).  A file that exists but
 * is not trusted or not a valid record is ignored with one LOG_ERR line.
 * Returns 1 with *out set, 0 when there is no fresh record.  from (may be
 * NULL) gets the path of the record used. */
int disc_cache_read(const struct disc_ops *ops, const struct disc_env *env,
		    int64_t now, struct pfx_record *out, char *from,
		    size_t fromsize);

/* Write rec atomically to this process's cache: the user's (created 0700
 * if needed) for users, the system one for root; nothing for
 * secure-execution processes (-EPERM).  A temporary file is created with
 * O_EXCL|O_NOFOLLOW in the same directory, made 0644, written, and
 * renamed over PFX_FILE_NAME.  0 or -errno; where (may be NULL) gets the
 * path written. */
int disc_cache_write(const struct disc_ops *ops, const struct disc_env *env,
		     const struct pfx_record *rec, char *where,
		     size_t wsize);

/* The same rules for any file of the cache directories (the compiled
 * configurations of confload.c live there too):
 *
 * disc_cache_dirs: the directories this process may read, in the order
 * to try: the user's cache directory (when one of its candidates has a
 * trusted parent; none for root and secure-execution processes), then
 * the system one.  Returns how many (<= 2). */
size_t disc_cache_dirs(const struct disc_ops *ops, const struct disc_env *env,
		       struct pfx_dir out[2]);
/* Open d->dir/name for reading when the directory and the file are
 * trusted (pfx_trust_check with d->owner; no symbolic link): the
 * descriptor (close-on-exec) with *st filled, -ENOENT when there is no
 * such file or directory, -EPERM when it may not be used (one LOG_ERR
 * line starting with what: "WHAT: ignoring PATH (REASON)"). */
int disc_cache_open(const struct disc_ops *ops, const struct pfx_dir *d,
		    const char *name, struct stat *st, const char *what);
/* Write iov[0..iovcnt) atomically as name (no '/', at most 64 bytes) in
 * this process's cache directory, as disc_cache_write does. */
int disc_cache_put(const struct disc_ops *ops, const struct disc_env *env,
		   const char *name, const struct iovec *iov, int iovcnt,
		   char *where, size_t wsize);

/* Seconds since the epoch (CLOCK_REALTIME) through ops. */
int64_t disc_now(const struct disc_ops *ops);

/* Cache record for a discovery result: the prefix (DISC_FOUND) or a
 * negative entry, with the documented lifetimes. */
void disc_result_record(const struct disc_result *r, int64_t now,
			struct pfx_record *rec);

/* RFC 7050 discovery (disc_rfc7050) turned into a record (positive or
 * negative) that is written to this process's cache and logged (the
 * prefix at LOG_INFO, other prefixes of the answer at LOG_WARN).  The
 * cache is not written by secure-execution processes, nor when no query
 * could be sent at all (a sandbox refusing the socket, no route to any
 * name server): that says nothing about the network, only about this
 * process.  Returns 1 when *rec holds a prefix, 0 for a negative entry.
 * res (may be NULL) gets the details.  At most budget_ms of waiting. */
int disc_discover(const struct disc_ops *ops, const struct disc_env *env,
		  const struct disc_params *p, struct pfx_record *rec,
		  struct disc_result *res);

/* disc_discover's last two steps, for callers that decide in between:
 * write rec to the cache when res says something about the network
 * (not secure, res->queries > 0; a failure is logged at LOG_WARN), and
 * log res (the prefix at LOG_INFO, other prefixes at LOG_WARN). */
void disc_store(const struct disc_ops *ops, const struct disc_env *env,
		const struct pfx_record *rec, const struct disc_result *res);
void disc_report(const struct disc_result *res);

/* What the launcher's tools call: a fresh cached record if there is one
 * (no network traffic), else disc_discover.  Returns 1 when *rec holds a
 * prefix, 0 when it is a negative entry (use the built-in default).  res
 * (may be NULL) gets the discovery's details; res->queries is 0 when the
 * cache answered.  Cost: one to three small file reads when cached;
 * otherwise at most budget_ms of waiting.  The library and the
 * supervisor go through pfxauto.h, which keeps the record per process. */
int disc_obtain(const struct disc_ops *ops, const struct disc_env *env,
		const struct disc_params *p, struct pfx_record *rec,
		struct disc_result *res);

#endif
