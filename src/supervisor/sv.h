/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64-seccomp: internal interface.
 *
 * Processes:  W (the command the launcher execs; what the shell waits for)
 *               `- A (the supervisor: serves seccomp notifications)
 *                    `- B (the program: filter installed, then execve)
 * A must be an ancestor of every supervised process (Yama ptrace_scope 1
 * lets a process inspect only its descendants), so A is B's parent and a
 * child subreaper; W only relays B's exit status so the shell does not
 * wait for daemons B leaves behind. */
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

#include "config.h"
#include "policy.h"

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

/* ---------------------------------------------------------- serve.c */
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

/* Start serving notifications on listener (worker threads); once no
 * supervised task is left, 1 is written to the eventfd gone. */
void sv_serve_start(int listener, int gone);
bool sv_id_valid(const struct call *c);
/* A blocking system call made on the program's behalf: between
 * begin and end, the call is interrupted (EINTR) once the notification
 * becomes invalid (the program's thread got a signal or died). */
void sv_block_begin(struct call *c);
void sv_block_end(struct call *c);
/* Before anything that may block for long: let another worker receive
 * the next notifications. */
void sv_pass_turn(struct call *c);
/* Turn short waits (RECEIVER_MS) keep; longer ones pass it. */
#define SV_RECEIVER_MS 1
static inline bool sv_cancelled(struct call *c)
{
	return atomic_load(&c->cancelled) != 0;
}

/* Target access: all return >= 0 or -errno. */
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

/* ---------------------------------------------------------- handle.c */
int64_t sv_handle(struct call *c);

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
};
bool socktab_get(uint64_t ino, struct xsock *out);
void socktab_put(const struct xsock *x);
void socktab_del(uint64_t ino);
size_t socktab_count(void);

#endif
