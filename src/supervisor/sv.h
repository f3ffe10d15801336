/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64-seccomp: internal interface.
 *
 * Processes:  W (the command the launcher execs; what the shell waits for)
 *               `- A (the supervisor: serves seccomp notifications)
 *                    `- B (the program: filter installed, then execve)
 * A must be an ancestor of every supervised process (Yama ptrace_scope 1
 * lets a process inspect only its descendants), so A is B's parent and a
 * child subreaper; W only relays B's exit status so the shell does not
 * wait for daemons B leaves behind.
 *
 * Files (doc/DESIGN.md draws a connect and a datagram through them):
 *   main.c spawn.c waiter.c     the processes W, A and B
 *   conf.c filter.c elf.c       configuration and policy state, the
 *                               seccomp filter, --want
 *   serve.c watchdog.c          notifications: workers, blocking calls
 *   target.c targetmsg.c        the target's descriptors and memory
 *   socktab.c sock.c replace.c  our sockets: table, classification,
 *                               replacement both ways
 *   handle.c                    dispatch, one handler file per call or
 *   connect.c send.c recv.c     small family
 *   socket.c sockopt.c names.c
 *   bind.c ioctl.c
 *   icmp.c                      ICMP sockets (ping, traceroute)
 * The translation policy itself is src/common/policy.h, the library's. */
#ifndef TNAT64_SV_H
#define TNAT64_SV_H

#include <linux/seccomp.h>
#include <pthread.h>
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
/* policy_route under our configuration: 1 when v4:port (network order)
 * goes through the NAT64 prefix in slot *pfx, 0 when direct. */
int sv_route(uint32_t v4, uint16_t port_be, int *pfx);
/* The NAT64 socket address of v4:port in prefix slot pfx. */
void sv_synth(int pfx, uint32_t v4, uint16_t port_be,
	      struct sockaddr_in6 *out);
/* The decision cache (policy.h), one state per prefix slot, shared by
 * every program we serve. */
enum policy_state sv_cache_get(int pfx);
/* After an attempt through NAT64 in slot pfx that returned r (>= 0 or
 * -errno): policy_after_nat64. */
void sv_cache_after(int pfx, enum policy_call call, long r);

/* ---------------------------------------------------------- filter.c */
/* Install the filter in the calling process; returns the listener fd or
 * -errno. */
int sv_filter_install(void);

/* ---------------------------------------------------------- elf.c */
/* --want: 0 = static or Go ELF binary, 1 = not, 2 = error. */
int sv_want(const char *file);

/* ---------------------------------------------------------- main.c */
/* Set in the program's environment: a tnat64-seccomp started inside it
 * (still under our filter) just runs its command; the outer supervisor
 * serves it (a second listener would be refused with EBUSY). */
#define SV_ACTIVE_ENV "TNAT64_SECCOMP_ACTIVE"
/* "tnat64-seccomp: what: strerror(err)" on stderr, exit status 125. */
__attribute__((noreturn)) void sv_die(const char *what, int err);

/* ---------------------------------------------------------- spawn.c */
/* Process A: fork B, which installs the filter and execs argv; take its
 * listener, serve, report to W on wfd.  Never returns. */
__attribute__((noreturn)) void sv_run_supervisor(char **argv, int wfd);

/* ---------------------------------------------------------- waiter.c */
/* Process W: relay signals to B and end the way B ended, as A reports on
 * rfd.  Never returns (exits or raises B's signal). */
int sv_run_waiter(pid_t a, int rfd);

/* ---------------------------------------------------------- serve.c */
/* One notification being handled (seccomp_unotify(2)). */
struct call {
	uint64_t id;
	pid_t tid;
	int nr;
	uint64_t args[6];
	int pidfd;              /* -1 until sv_pidfd() */
	bool pidfd_cached;      /* pidfd belongs to the worker's cache */
	pthread_t thread;       /* the worker handling it */
	atomic_int cancelled;   /* the notification went away */
	atomic_int receiver;    /* its worker still holds the receive turn */
	struct call *next;      /* blocking-region list */
};

/* The seccomp listener; set by sv_serve_start before any worker runs. */
extern int sv_listener;
#define SV_MAX_WORKERS 4096

/* Start serving notifications on listener (worker threads); once no
 * supervised task is left, 1 is written to the eventfd gone. */
void sv_serve_start(int listener, int gone);
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
static inline bool sv_cancelled(struct call *c)
{
	return atomic_load(&c->cancelled) != 0;
}
/* A worker thread starts / stops using its blocking-region slot. */
void sv_watch_join(void);
void sv_watch_leave(void);
/* The interrupt signal's handler and the watchdog thread. */
void sv_watchdog_start(void);

/* ---------------------------------------------------------- target.c */
/* The notification is still pending (SECCOMP_IOCTL_NOTIF_ID_VALID). */
bool sv_id_valid(const struct call *c);
/* Target access: all return >= 0 or -errno (-ENOENT: the notification
 * went away). */
int sv_getfd(struct call *c, int fd);
/* May we duplicate the program's descriptors (not non-dumpable)? */
bool sv_inspectable(struct call *c);
int sv_read(struct call *c, uint64_t addr, void *buf, size_t len);
int sv_write(struct call *c, uint64_t addr, const void *buf, size_t len);
/* Remote iovec lists (the program's addresses). */
ssize_t sv_readv(struct call *c, void *buf, size_t len,
		 const struct iovec *riov, size_t n);
ssize_t sv_writev(struct call *c, const void *buf, size_t len,
		  const struct iovec *riov, size_t n);
/* Install our srcfd as the program's fd (dup2 semantics). */
int sv_install(struct call *c, int srcfd, int fd);
/* Install our srcfd in the program as the trapped call's result (its
 * new descriptor number): SV_REPLIED, the number to reply, or -errno. */
int64_t sv_install_result(struct call *c, int srcfd, bool cloexec);
/* After the reply: release what the call held. */
void sv_call_done(struct call *c);
/* A worker thread ends: close its cached pidfds. */
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
	bool standin;          /* made by socket(AF_INET), not used yet */
	bool icmp_recvttl;     /* raw ICMP: the program asked IP_RECVTTL */
};
bool socktab_get(uint64_t ino, struct xsock *out);
void socktab_put(const struct xsock *x);
void socktab_del(uint64_t ino);
size_t socktab_count(void);

/* ---------------------------------------------------------- sock.c */
/* The program's socket a call names, as a handler sees it. */
struct sockinfo {
	int fd;                /* the program's descriptor number */
	int d;                 /* our duplicate of its socket */
	uint64_t ino;
	int domain, type, proto;
	bool have_x;           /* one of ours: x is its table entry */
	struct xsock x;
};

/* sv_sock_open: the kernel does not let us look (a process that made
 * itself non-dumpable): the call runs untranslated. */
#define SV_NOT_INSPECTABLE (-100000)
/* Duplicate the program's fd and find out what it is: 0, -errno or
 * SV_NOT_INSPECTABLE. */
int sv_sock_open(struct call *c, int fd, struct sockinfo *si);
void sv_sock_close(struct sockinfo *si);
/* Open the socket named by the call's first argument, and keep it only
 * when want() says there is work for us: true with si open, or false
 * with *ret what the handler returns (SV_CONTINUE or -errno). */
bool sv_open_for(struct call *c, struct sockinfo *si,
		 bool (*want)(const struct sockinfo *), int64_t *ret);
/* want() functions: an IPv4/IPv6 socket; one of ours; a stand-in not
 * used yet. */
bool sv_is_inet(const struct sockinfo *si);
bool sv_translated(const struct sockinfo *si);
bool sv_fresh_standin(const struct sockinfo *si);
/* TCP/UDP and the like (policy_translatable). */
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
 * pfx on si's socket. */
enum policy_way sv_way(struct sockinfo *si, enum policy_call call, int pfx);
/* Where a connect or send to v4:port goes first on one of our AF_INET6
 * sockets (s6); true when NAT64 (prefix *pfx) may follow a failed direct
 * attempt. */
bool sv_dest_on_x(struct sockinfo *si, enum policy_call call, uint32_t v4,
		  uint16_t port, struct sockaddr_in6 *s6, int *pfx);
/* One log line for a translated call (r: 0 or -errno). */
void sv_log_xlat(const char *what, struct call *c, int fd, uint32_t v4,
		 uint16_t port, const struct sockaddr_in6 *s6, int r);
/* The deadline of socket d's SO_SNDTIMEO or SO_RCVTIMEO (optname) from
 * now on CLOCK_MONOTONIC: false when it has none. */
bool sv_timeo_deadline(int d, int optname, struct timespec *dl);
/* Milliseconds left until dl (rounded up), 0 when past. */
int sv_ms_left(const struct timespec *dl);
/* Wait (a blocking region: sv_block_begin) until d has events, or until
 * dl (NULL: none): 0, -EAGAIN at dl, -EINTR when the call went away. */
int sv_poll_wait(struct call *c, int d, short events,
		 const struct timespec *dl);
/* Before a call on the program's socket d that may wait (blocking
 * socket, no MSG_DONTWAIT, and events not ready now): sv_pass_turn. */
void sv_maybe_pass_turn(struct call *c, int d, int flags, short events);

/* ---------------------------------------------------------- replace.c */
/* Replace the program's AF_INET socket by a new AF_INET6 one of ours: on
 * success si describes it (O_NONBLOCK for our connect; *flags holds the
 * program's status flags to restore) and it is in the table. */
int sv_replace_socket(struct call *c, struct sockinfo *si, int *flags);
/* Turn a stand-in into the AF_INET socket the program asked for; si then
 * describes the new socket. */
int sv_unstand(struct call *c, struct sockinfo *si);
/* sv_unstand, then let the kernel run the call (SV_CONTINUE or -errno). */
int64_t sv_unstand_and_continue(struct call *c, struct sockinfo *si);

/* ---------------------------------------------------------- icmp.c */
/* An ICMP socket (raw or "ping"; policy_icmp) of the program's, or ours
 * for one. */
bool sv_is_icmp(const struct sockinfo *si);
/* IPv4 has no route here and a NAT64 prefix is configured (probed once):
 * ICMP sockets become ICMPv6 at the first trapped call naming them
 * (policy_icmp_born_v6). */
bool sv_ipv6_only(void);
/* Replace the program's AF_INET ICMP socket by an ICMPv6 one of ours
 * (sv_replace_socket; status flags restored, ICMP6_FILTER from its
 * ICMP_FILTER, the hop limit asked, later socket filters refused);
 * standin: not used yet.  0 or -errno (-EPERM: IP_HDRINCL, never). */
int sv_icmp_to_v6(struct call *c, struct sockinfo *si, bool standin);
/* The program's ICMPv4 echo in our copy lm as ICMPv6 (in place); false
 * when it is no echo (no ICMPv6 form). */
bool sv_icmp_4to6(struct sv_lmsg *lm);
/* setsockopt(SOL_IP, name) of our ICMPv6 socket (val: the int or byte
 * read): its twin, or with none SV_CONTINUE (a raw stand-in not used
 * yet becomes the AF_INET socket first). */
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
int64_t sv_handle_socket(struct call *c);           /* socket.c */
int64_t sv_handle_setsockopt(struct call *c);       /* sockopt.c */
int64_t sv_handle_getsockopt(struct call *c);
int64_t sv_handle_names(struct call *c, bool peer); /* names.c */
int64_t sv_handle_bind(struct call *c);             /* bind.c */
int64_t sv_handle_listen(struct call *c);
int64_t sv_handle_ioctl(struct call *c);            /* ioctl.c */
/* names.c: the address a program with an AF_INET socket (or an AF_INET6
 * one with a NAT64 peer) sees for an IPv6 address ss of socket x (local:
 * our own address, not a peer's). */
socklen_t sv_view_addr(const struct xsock *x, const struct sockaddr_storage *ss,
		       socklen_t len, bool local, struct sockaddr_storage *out);

#endif
