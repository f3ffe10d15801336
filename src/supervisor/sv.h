/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64-seccomp: internal interface.
 *
 * Processes:  W (the command the launcher execs, or the library's exec
 *             |  hooks in place of a static program: it keeps the pid
 *             |  the parent knows and stands for B towards it)
 *               `- A (the supervisor: serves seccomp notifications)
 *                    `- B (the program: filter installed, then execve)
 * A must be an ancestor of every supervised process (Yama ptrace_scope 1
 * lets a process inspect only its descendants), so A is B's parent and a
 * child subreaper; W relays signals to B, B's stops and continues, and
 * B's exit status, so the shell does not wait for daemons B leaves behind.
 *
 * Files (doc/DESIGN.md draws a connect and a datagram through them):
 *   main.c spawn.c waiter.c     the processes W, A and B
 *   conf.c filter.c want.c      configuration and policy state, the
 *                               seccomp filter, --want (its ELF test is
 *                               src/common/execkind.c)
 *   serve.c watchdog.c          notifications: workers, blocking calls
 *   target.c targetmsg.c        the target's descriptors and memory
 *   socktab.c sock.c replace.c  our sockets: table, classification,
 *   uring.c                     replacement by an AF_INET6 socket (its
 *                               options read in one batch)
 *   handle.c                    dispatch, one handler file per call or
 *   connect.c send.c recv.c     small family
 *   sockopt.c names.c
 *   icmp.c                      ICMP sockets (ping, traceroute)
 * The translation policy itself is src/common/policy.h, the library's.
 * What is trapped, and why no call the kernel never interrupts is:
 * filter.c, doc/seccomp.md. */
#ifndef TNAT64_SV_H
#define TNAT64_SV_H

#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#include "config.h"
#include "policy.h"
#include "sockopt.h"

#define SV_NAME "tnat64-seccomp"

/* Result of a handler that means "let the kernel run the call as it is"
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE). */
#define SV_CONTINUE INT64_MIN
/* Result of a handler that answered the notification itself. */
#define SV_REPLIED (INT64_MIN + 1)

/* ---------------------------------------------------------- conf.c */
/* Load TNAT64_CONF_FILE (or the default) and TNAT64_NAT64_PREFIX, set up
 * logging from TNAT64_DEBUG / TNAT64_DEBUG_FILE.  Never fails. */
void sv_conf_load(void);
const struct config *sv_config(void);
/* policy_route under our configuration and discovered default
 * (prefixes.h): 1 when v4:port (network order) goes through the NAT64
 * prefix in slot *pfx, 0 when direct. */
int sv_route(uint32_t v4, uint16_t port_be, int *pfx);
struct call;
/* The NAT64 socket address of v4:port in prefix slot pfx, for a
 * translation about to be made by the worker of call c (may be NULL):
 * prefixes_synth, which finds a discovered default (bounded; the worker
 * passes its receive turn first).  0, or -ENETUNREACH when no prefix
 * applies after all. */
int sv_synth(struct call *c, int pfx, uint32_t v4, uint16_t port_be,
	     struct sockaddr_in6 *out);
/* prefixes_list under our configuration and discovered default: the
 * prefixes to find embedded IPv4 addresses in (ICMP errors); buf has
 * room for nbuf (SV_PFX_LIST is enough for most). */
#define SV_PFX_LIST 8
const struct nat64_prefix *sv_prefix_list(struct nat64_prefix *buf,
					  size_t nbuf, size_t *n);
/* The IPv4 form of an address seen on a translated socket
 * (prefixes_to_v4): the slot used, -1 mapped, -2 none. */
int sv_to_v4(const struct sockaddr_in6 *s6, int prefer,
	     struct sockaddr_in *out);
/* The decision cache (policy.h), one state per prefix slot, shared by
 * every program we serve. */
enum policy_state sv_cache_get(int pfx);
/* After an attempt through NAT64 in slot pfx that returned r (>= 0 or
 * -errno): policy_after_nat64. */
void sv_cache_after(int pfx, enum policy_call call, long r);

/* ---------------------------------------------------------- filter.c */
/* Install the filter in the calling process; returns the listener fd or
 * -errno, *killable: received calls wait through non-fatal signals
 * (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV). */
int sv_filter_install(bool *killable);

/* ---------------------------------------------------------- want.c */
/* --want: 0 = the supervisor (static, Go...), 1 = the library, 2 = not
 * found, 3 = privileged for this user (LD_PRELOAD ignored; why on
 * standard output). */
int sv_want(const char *file);

/* ---------------------------------------------------------- main.c */
/* Set in the program's environment: a tnat64-seccomp started inside it
 * (still under our filter) just runs its command; the outer supervisor
 * serves it (a second listener would be refused with EBUSY). */
#define SV_ACTIVE_ENV "TNAT64_SECCOMP_ACTIVE"
/* "tnat64-seccomp: what: strerror(err)" on stderr, exit status 125. */
__attribute__((noreturn)) void sv_die(const char *what, int err);

/* The program to run (the command line). */
struct sv_target {
	char **argv;        /* its argv; argv[0] is what it sees */
	const char *file;   /* --exec: execve this (no PATH search); NULL:
			       execvp(argv[0]) */
	int fd;             /* --exec-fd: execveat this, or -1 */
	bool cloexec;       /* fd is not left open in the program */
	bool fail_open;     /* run it untranslated when the mode cannot
			       start (the library's hooks) */
	sigset_t mask;      /* the signal mask it starts with */
};
/* Exec the program (its signal mask restored): returns errno. */
int sv_exec_program(const struct sv_target *t);
const char *sv_program_name(const struct sv_target *t);
/* One log line, then the program without us, in this process. */
__attribute__((noreturn)) void sv_fail_open(const struct sv_target *t,
					    const char *why);
/* The program's environment, in B: libtnat64 out of LD_PRELOAD (we
 * translate), SV_ACTIVE_ENV set. */
void sv_program_env(void);
/* The signals W relays to B and A witnesses. */
void sv_relay_set(sigset_t *set);

/* ---------------------------------------------------------- spawn.c */
/* Process A: fork B, which installs the filter and execs t; take its
 * listener, serve, report to W on wfd and answer it on rfd (the lines
 * are listed in waiter.c).  Never returns. */
__attribute__((noreturn)) void sv_run_supervisor(const struct sv_target *t,
						 int wfd, int rfd);

/* ---------------------------------------------------------- waiter.c */
/* Process W: stand for B (signals, stops, exit status), as A reports on
 * rfd; W asks A on wfd.  Never returns (exits or raises B's signal). */
int sv_run_waiter(pid_t a, const struct sv_target *t, int rfd, int wfd);
/* Close every descriptor but those in keep[0..n) (0, 1 and 2 become
 * /dev/null unless kept). */
void sv_close_except(const int *keep, size_t n);

/* ---------------------------------------------------------- serve.c */
/* One notification being handled (seccomp_unotify(2)). */
struct call {
	uint64_t id;
	pid_t tid;
	int nr;
	uint64_t args[6];
	int pidfd;              /* -1 until sv_pidfd() */
	bool pidfd_cached;      /* pidfd belongs to the worker's cache */
	bool live;              /* proof since our last read that the
				   thread still waits for us (target.c) */
	bool write_ok;          /* proof since our last read that the call
				   is still pending: ID_VALID, or with
				   killable waits that the thread lives */
	pthread_t thread;       /* the worker handling it */
	atomic_int cancelled;   /* the notification went away, or (killable
				   waits) a signal came for its thread */
	atomic_int signalled;   /* that signal: answer as the kernel would */
	atomic_int receiver;    /* its worker still holds the receive turn */
	struct call *next;      /* blocking-region list */
};

/* The seccomp listener; set by sv_serve_start before any worker runs. */
extern int sv_listener;
#define SV_MAX_WORKERS 4096

/* Start serving notifications on listener (worker threads); once no
 * supervised task is left, 1 is written to the eventfd gone.  killable:
 * the filter was installed with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
 * (then we interrupt the calls we hold when a signal comes). */
void sv_serve_start(int listener, int gone, bool killable);
/* Before A exits: at TNAT64_DEBUG 3, log how many notifications came,
 * per call. */
void sv_serve_end(void);
/* Before anything that may block for long: let another worker receive
 * the next notifications. */
void sv_pass_turn(struct call *c);
/* SCHED_BATCH for our threads where wake-ups are synchronous (serve.c). */
void sv_batch_policy(void);

/* ---------------------------------------------------------- watchdog.c */
/* A blocking system call made on the program's behalf: between
 * begin and end, the call is interrupted (EINTR) once the notification
 * becomes invalid (the program's thread got a signal or died). */
void sv_block_begin(struct call *c);
void sv_block_end(struct call *c);
/* Turn short waits (RECEIVER_MS) keep; longer ones pass it. */
#define SV_RECEIVER_MS 1
/* A blocking call of ours on the program's socket d, for the program's
 * call, returned -EINTR (the watchdog interrupted it): what the
 * program's call returns, as the kernel's own interrupted socket call:
 * -ERESTARTSYS when a signal waits for the thread and d has no timeout
 * of that kind (opt: SO_RCVTIMEO or SO_SNDTIMEO), so that it restarts
 * with SA_RESTART; else -EINTR. */
int sv_interrupted(struct call *c, int d, int opt);
static inline bool sv_cancelled(struct call *c)
{
	return atomic_load(&c->cancelled) != 0;
}
/* A worker thread starts / stops using its blocking-region slot. */
void sv_watch_join(void);
void sv_watch_leave(void);
/* The interrupt signal's handler and the watchdog thread (killable: see
 * sv_serve_start). */
void sv_watchdog_start(bool killable);

/* ---------------------------------------------------------- target.c */
/* The filter has SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (set by
 * sv_serve_start): a received call's thread waits for our answer until
 * it dies, so a proof that the thread lives is one that the
 * notification is still pending. */
void sv_target_killable(bool killable);
/* The notification is still pending (SECCOMP_IOCTL_NOTIF_ID_VALID). */
bool sv_id_valid(const struct call *c);
/* Before acting on what was read from the program: 0 once a proof newer
 * than the last read says its thread still waits for us (ID_VALID unless
 * a pidfd_getfd or ADDFD gave one), -ENOENT when it went away. */
int sv_confirm(struct call *c);
/* Target access: all return >= 0 or -errno (-ENOENT: the notification
 * went away). */
int sv_getfd(struct call *c, int fd);
/* The program's descriptor as /proc/TID/fdinfo shows it (one pread of a
 * file the worker keeps open): 0, -EBADF, SV_NOT_INSPECTABLE or -errno. */
struct sv_fdinfo {
	uint64_t ino;       /* socket inode number */
	int flags;          /* file status flags (O_NONBLOCK...) */
	bool cloexec;       /* the descriptor's close-on-exec flag */
};
int sv_fdinfo(struct call *c, int fd, struct sv_fdinfo *out);
/* sv_fdinfo would cost no open (the worker has the file). */
bool sv_fdinfo_cached(const struct call *c, int fd);
/* The program's memory.  Reads: -EPERM when the process may not be
 * looked at (non-dumpable), -EFAULT, -ENOENT.  Writes check ID_VALID
 * first (once after a read). */
int sv_read(struct call *c, uint64_t addr, void *buf, size_t len);
int sv_write(struct call *c, uint64_t addr, const void *buf, size_t len);
/* Remote iovec lists (the program's addresses). */
ssize_t sv_readv(struct call *c, void *buf, size_t len,
		 const struct iovec *riov, size_t n);
/* process_vm_readv itself (one system call for several pieces): bytes
 * read, or -errno as sv_read. */
ssize_t sv_read_into(struct call *c, const struct iovec *liov, size_t ln,
		    const struct iovec *riov, size_t rn);
ssize_t sv_writev(struct call *c, const void *buf, size_t len,
		  const struct iovec *riov, size_t n);
ssize_t sv_write_into(struct call *c, const struct iovec *liov, size_t ln,
		      const struct iovec *riov, size_t rn);
/* Install our srcfd as the program's fd (dup2 semantics, the given
 * close-on-exec flag): fd or -errno (-ENOENT: the call went away, and
 * nothing was installed). */
int sv_install(struct call *c, int srcfd, int fd, bool cloexec);
/* After the reply: release what the call held. */
void sv_call_done(struct call *c);
/* A worker thread ends: close its cached pidfds and fdinfo files. */
void sv_target_thread_done(void);

/* ---------------------------------------------------------- targetmsg.c */
#define SV_RECV_MAX (1u << 20)    /* largest buffer we receive into */
#define SV_SEND_MAX (4u << 20)    /* largest message we copy to send */
#define SV_CTL_MAX 65536          /* largest control buffer */
#define SV_MMSG_MAX 1024          /* UIO_MAXIOV, the kernel's vlen cap */

/* The program's socket address at uaddr, ulen bytes (a bad length:
 * -EINVAL, unreadable: -EFAULT). */
int sv_read_sockaddr(struct call *c, uint64_t uaddr, uint64_t ulen,
		     struct sockaddr_storage *ss, socklen_t *len);
/* getsockname-style output: at most *ulenp bytes of sa at uaddr, then
 * *ulenp = len. */
int sv_write_sockaddr(struct call *c, uint64_t uaddr, uint64_t ulenp,
		      const void *sa, socklen_t len);
/* Its two steps: the program's length at ulenp (0, -EFAULT, -EINVAL
 * when negative, -ENOENT), then the address and len written with that
 * length ulen (>= 0) read before. */
int sv_read_addrlen(struct call *c, uint64_t ulenp, int *ulen);
int sv_put_sockaddr(struct call *c, uint64_t uaddr, uint64_t ulenp, int ulen,
		    const void *sa, socklen_t len);
/* The iovec list at riov_addr (n entries, at most SV_MMSG_MAX) copied in
 * (*out, to free) and the sum of its lengths. */
int sv_read_iov_list(struct call *c, uint64_t riov_addr, size_t n,
		     struct iovec **out, size_t *total);
/* A message to send, copied out of the program. */
struct sv_lmsg {
	struct sockaddr_storage name;
	socklen_t namelen;
	struct iovec iov;
	void *ctl;
	size_t ctllen;
};
/* The program's struct msghdr m (read already), for sending: name, data
 * and control messages copied.  0 or -errno; sv_lmsg_free after. */
int sv_read_send_msg(struct call *c, const struct msghdr *m,
		     struct sv_lmsg *lm);
void sv_lmsg_free(struct sv_lmsg *m);
/* The msg_len of the program's struct mmsghdr at at. */
int sv_put_msg_len(struct call *c, uint64_t at, ssize_t n);

/* ---------------------------------------------------------- socktab.c */
/* What we remember of a socket we translated (or connected to a NAT64
 * address for an AF_INET6 program socket), by inode number. */
struct xsock {
	uint64_t ino;
	int type;              /* SOCK_STREAM / SOCK_DGRAM */
	int proto;             /* as the program asked (0 = default) */
	int pfx;               /* prefix of the peer, -1 = direct/none */
	uint32_t peer_v4;      /* network order, 0 = not connected */
	uint16_t peer_port;    /* network order */
	uint32_t bound_v4;     /* address the program bound (AF_INET view) */
	bool connected;
	bool v6map;            /* program socket is AF_INET6: show ::ffff:x */
	bool icmp_recvttl;     /* raw ICMP: the program asked IP_RECVTTL */
};
bool socktab_get(uint64_t ino, struct xsock *out);
void socktab_put(const struct xsock *x);
void socktab_del(uint64_t ino);
size_t socktab_count(void);
/* No socket is ours (one atomic load): a call that concerns only our
 * sockets goes on as it is. */
bool socktab_empty(void);

/* ---------------------------------------------------------- sock.c */
/* The program's socket a call names, as a handler sees it.  Filled in
 * steps, each costing system calls only when the handler needs it. */
struct sockinfo {
	int fd;                /* the program's descriptor number */
	int d;                 /* our duplicate of its socket, -1 = none */
	uint64_t ino;
	bool have_x;           /* one of ours: x is its table entry */
	struct xsock x;
	bool have_flags;       /* flags known */
	bool have_fdinfo;      /* cloexec known too (its fdinfo was read) */
	int flags;             /* its file status flags (O_NONBLOCK...) */
	bool cloexec;          /* its close-on-exec flag */
	int domain, type, proto;  /* 0 until sv_sock_facts */
	struct sockaddr_in local; /* an AF_INET socket's name (facts) */
};

/* The kernel does not let us look (a process that made itself
 * non-dumpable): the call runs untranslated. */
#define SV_NOT_INSPECTABLE (-100000)
/* How sv_sock_ident finds out who a descriptor is. */
enum sv_ident {
	SV_IDENT_CHEAP,   /* by its fdinfo when the worker has that file
			   * open (one pread), else by a duplicate */
	SV_IDENT_DUP,     /* by the duplicate the call needs anyway
			   * (pidfd_getfd and fstat: cheaper than a pread of
			   * its fdinfo, the kernel's formatted text) */
	SV_IDENT_FDINFO,  /* by its fdinfo, flags and cloexec with it: the
			   * call will most likely replace the socket */
};
/* Who the program's fd is: inode and table entry (si->d the duplicate
 * when the way taken made one).  0, -errno or SV_NOT_INSPECTABLE. */
int sv_sock_ident(struct call *c, int fd, struct sockinfo *si,
		  enum sv_ident how);
/* Its close-on-exec and status flags from its fdinfo, unless known
 * (si->have_fdinfo): what a replacement must keep.  0, -errno or
 * SV_NOT_INSPECTABLE. */
int sv_sock_fdinfo(struct call *c, struct sockinfo *si);
/* Its file status flags (O_NONBLOCK...): from its fdinfo when read,
 * else asked of our duplicate (si->d), which shares the program's open
 * file, and kept.  The flags, or -1 when they cannot be had. */
int sv_sock_flags(struct sockinfo *si);
/* Our duplicate of it (si->d): 0, -errno or SV_NOT_INSPECTABLE. */
int sv_sock_dup(struct call *c, struct sockinfo *si);
/* Its domain, type and protocol, and an AF_INET socket's own name
 * (duplicating it first): 0 or -errno. */
int sv_sock_facts(struct call *c, struct sockinfo *si);
void sv_sock_close(struct sockinfo *si);
/* The front of a call that concerns only our sockets: true with si one
 * of ours, duplicated; false with *ret what the handler returns
 * (SV_CONTINUE, or -errno). */
bool sv_open_ours(struct call *c, struct sockinfo *si, int64_t *ret);
/* The same without the duplicate (si->d -1 when the worker has the
 * socket's fdinfo file open: SV_IDENT_CHEAP): a handler that reads the
 * program's memory does so before sv_sock_dup, whose pidfd_getfd through
 * the thread's pidfd then proves the call still pending (target.c) and
 * spares the write its ID_VALID check.  (sv_open_ours after the read
 * does the same in one step.) */
bool sv_find_ours(struct call *c, struct sockinfo *si, int64_t *ret);
/* An IPv4/IPv6 socket (facts known). */
bool sv_is_inet(const struct sockinfo *si);
/* TCP/UDP and the like (policy_translatable; facts known). */
bool sv_translatable(const struct sockinfo *si);
/* A call on a socket we took for ours failed with err the way it fails
 * on a socket of another family: if the entry is stale, forget it and
 * look again.  true when si changed (the caller retries). */
bool sv_forget_stale(struct sockinfo *si, int err);
/* Start remembering si's socket as ours (the caller fills in the rest
 * and calls socktab_put). */
void sv_x_begin(struct sockinfo *si, int pfx);
/* getsockopt of an int, -1 on failure. */
int sv_sockopt_int(int fd, int level, int name);
/* Socket options with plain system calls (src/common/sockopt.c). */
extern const struct sockopt_ops sv_sockopt_ops;
/* The policy's way (policy_way) for a connect or send through prefix
 * pfx on si's socket (facts known). */
enum policy_way sv_way(struct sockinfo *si, enum policy_call call, int pfx);
/* Where a connect or send to v4:port goes first on one of our AF_INET6
 * sockets (s6); true when NAT64 (prefix *pfx) may follow a failed direct
 * attempt. */
bool sv_dest_on_x(struct call *c, struct sockinfo *si, enum policy_call call,
		  uint32_t v4, uint16_t port, struct sockaddr_in6 *s6,
		  int *pfx);
/* One log line for a translated call (r: 0 or -errno). */
void sv_log_xlat(const char *what, struct call *c, int fd, uint32_t v4,
		 uint16_t port, const struct sockaddr_in6 *s6, int r);
/* The deadline of socket d's SO_SNDTIMEO or SO_RCVTIMEO (optname) from
 * now on CLOCK_MONOTONIC: false when it has none. */
bool sv_timeo_deadline(int d, int optname, struct timespec *dl);
/* Milliseconds left until dl (rounded up), 0 when past. */
int sv_ms_left(const struct timespec *dl);
/* Wait at most SV_RECEIVER_MS for events on d, keeping the worker's
 * receive turn (no blocking region): most connects finish, and most
 * replies come, within that moment, and passing the turn wakes another
 * worker.  True when d has them. */
bool sv_poll_brief(int d, short events);
/* Wait (a blocking region: sv_block_begin) until d has events, or until
 * dl (NULL: none): 0, -EAGAIN at dl, -EINTR when the call went away. */
int sv_poll_wait(struct call *c, int d, short events,
		 const struct timespec *dl);
/* Before a call on the program's socket d that may wait (blocking
 * socket, no MSG_DONTWAIT, and events not ready now): sv_pass_turn. */
void sv_maybe_pass_turn(struct call *c, int d, int flags, short events);

/* ---------------------------------------------------------- replace.c */
/* Replace the program's AF_INET socket si (facts and fdinfo known) by a
 * new AF_INET6 socket of ours, installed under the same number: same
 * type, protocol, options, status flags (but O_NONBLOCK when nonblock,
 * for a connect of ours), close-on-exec flag and local port, and in the
 * table.  si then describes it; *old keeps our duplicate of the old
 * socket (or -1: it had to go to free its port) for sv_replace_end.
 * *carried: the SOCKOPT_C_* options that were set.  0 or -errno (the
 * program's socket unchanged). */
int sv_replace_socket(struct call *c, struct sockinfo *si, bool nonblock,
		      int *old, unsigned *carried);
/* After the first call on the new socket returned r: when that failed at
 * once (NAT64 unreachable...), the program gets its old socket back
 * where it can; the old one is released. */
void sv_replace_end(struct call *c, struct sockinfo *si, int old, long r);
/* The same without releasing old: sv_sock_close_old does, with si's
 * duplicate (one close_range when their numbers are adjacent). */
void sv_replace_back(struct call *c, struct sockinfo *si, int old, long r);
void sv_sock_close_old(struct sockinfo *si, int old);

/* ---------------------------------------------------------- uring.c */
/* getsockopt(fd, SOL_SOCKET, ...) of req[0..n) in one system call
 * (io_uring socket commands, Linux 6.7; n <= SOCKOPT_BATCH_MAX): 0 when
 * each req has its result, -1 when it cannot (read them one by one).
 * For the calling worker thread only. */
int sv_uring_getsockopts(int fd, struct sockopt_req *req, unsigned n);
/* A worker thread ends: its ring goes. */
void sv_uring_thread_done(void);

/* ---------------------------------------------------------- icmp.c */
/* An ICMP socket (raw or "ping"; policy_icmp) of the program's (facts
 * known), or ours for one. */
bool sv_is_icmp(const struct sockinfo *si);
/* IPv4 has no route here and a NAT64 prefix is configured (probed once):
 * ICMP sockets become ICMPv6 at the first trapped call naming them
 * (policy_icmp_born_v6). */
bool sv_ipv6_only(void);
/* Replace the program's AF_INET ICMP socket si (facts and fdinfo known)
 * by an ICMPv6 one of ours (sv_replace_socket; ICMP6_FILTER from its
 * ICMP_FILTER, IP_RECVTTL noted, the hop limit asked, later socket
 * filters refused), for a first call that goes through prefix pfx (-1:
 * none yet).  0 or -errno (-EPERM: IP_HDRINCL, never); *old as
 * sv_replace_socket's, for sv_replace_end. */
int sv_icmp_to_v6(struct call *c, struct sockinfo *si, int pfx, int *old);
/* sv_open_ours; on a host without IPv4 routes (sv_ipv6_only) an
 * AF_INET ICMP socket of the program's also, made ours (ICMPv6) first
 * (a raw socket that only receives, busybox traceroute's, has no send to
 * be made ours at), or for a raw socket's setsockopt, noted to be made
 * ours at the thread's next send to NAT64 (sv_icmp_pending) and left to
 * the kernel now. */
bool sv_icmp_open_ours(struct call *c, struct sockinfo *si, int64_t *ret);
/* No socket can be ours for those two: none is ours yet, and the host
 * has IPv4 routes (an ICMP socket of the program's stays its own). */
bool sv_icmp_none_ours(void);
/* The same, but as sv_find_ours where ICMP sockets need nothing. */
bool sv_icmp_find_ours(struct call *c, struct sockinfo *si, int64_t *ret);
/* Before c's send to a NAT64 destination: the raw ICMP sockets noted
 * for its thread become ICMPv6 (one atomic load when none is). */
void sv_icmp_pending(struct call *c);
/* The program's ICMPv4 echo in our copy lm as ICMPv6 (in place); false
 * when it is no echo (no ICMPv6 form). */
bool sv_icmp_4to6(struct sv_lmsg *lm);
/* setsockopt(SOL_IP, name) of our ICMPv6 socket (val: the int or byte
 * read): its IPv6 twin, or with none the kernel's answer
 * (SV_CONTINUE). */
int64_t sv_icmp_setsockopt(struct call *c, struct sockinfo *si, int name,
			   const void *val, socklen_t len);

/* ---------------------------------------------------------- handlers */
/* handle.c: the handler of c's system call; its result: SV_CONTINUE,
 * SV_REPLIED, the value to return, or -errno. */
int64_t sv_handle(struct call *c);
int64_t sv_handle_connect(struct call *c);          /* connect.c */
int64_t sv_handle_sendto(struct call *c);           /* send.c */
int64_t sv_handle_sendmsg(struct call *c);
int64_t sv_handle_sendmmsg(struct call *c);
int64_t sv_handle_recvfrom(struct call *c);         /* recv.c */
int64_t sv_handle_recvmsg(struct call *c);
int64_t sv_handle_recvmmsg(struct call *c);
int64_t sv_handle_setsockopt(struct call *c);       /* sockopt.c */
int64_t sv_handle_getsockopt(struct call *c);
int64_t sv_handle_names(struct call *c, bool peer); /* names.c */
/* names.c: the address a program with an AF_INET socket (or an AF_INET6
 * one with a NAT64 peer) sees for an IPv6 address ss of socket x (local:
 * our own address, not a peer's). */
socklen_t sv_view_addr(const struct xsock *x, const struct sockaddr_storage *ss,
		       socklen_t len, bool local, struct sockaddr_storage *out);

#endif
