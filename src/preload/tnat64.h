/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal interface of the preloaded library. */
#ifndef TNAT64_PRELOAD_H
#define TNAT64_PRELOAD_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "config.h"
#include "fdtab.h"
#include "icmptab.h"
#include "icmpx.h"
#include "policy.h"
#include "real.h"
#include "sockopt.h"

#define EXPORT __attribute__((visibility("default")))

/* A hidden alias of a hook, placed after its definition: its address is
 * always our own function, whatever the symbol lookup order, so that
 * real_resolve can tell a lookup that came back to us. */
#if defined(__GNUC__) && !defined(__clang__)
#define TN_COPY_ATTRS(name) __attribute__((copy(name)))
#else
#define TN_COPY_ATTRS(name)
#endif
#define TN_SELF(name) \
	__typeof(name) tn_self_##name TN_COPY_ATTRS(name) \
		__attribute__((alias(#name), visibility("hidden")));

/* What this process has done so far, one word that the hooks' fast
 * paths test with one load (bits only ever get set; init.c):
 *   TN_READY      everything in real is resolved (by the first hook
 *                 called, tn_ensure_init, not at load time)
 *   TN_CONF       the configuration is loaded (tn_config_ptr)
 *   TN_CONF_DONE  ... and its errors reported (tn_config)
 *   TN_NAT64_USED NAT64 has worked (tn_nat64_in_use): socket() makes
 *                 stand-ins from then on
 *   TN_EMU_SEEN   a stand-in (FD_EMU) or FD_V6MAP record exists or
 *                 existed: until then no record is one. */
enum {
	TN_READY = 1u << 0,
	TN_CONF = 1u << 1,
	TN_CONF_DONE = 1u << 2,
	TN_NAT64_USED = 1u << 3,
	TN_EMU_SEEN = 1u << 4,
};
extern _Atomic unsigned int tn_state;

static inline unsigned int tn_state_get(void)
{
	return atomic_load_explicit(&tn_state, memory_order_acquire);
}

static inline void tn_state_set(unsigned int bits)
{
	if ((tn_state_get() & bits) != bits)
		atomic_fetch_or_explicit(&tn_state, bits, memory_order_acq_rel);
}

void tn_init(void);

static inline void tn_ensure_init(void)
{
	if (__builtin_expect(!(tn_state_get() & TN_READY), 0))
		tn_init();
}

/* The configuration, loaded on first use (async-signal-safe: open/read/
 * mmap only).  Never NULL once returned: falls back to the built-in one.
 * tn_config reports the file's errors (once per process); tn_config_quiet
 * only loads, for callers that do not work with IPv4 (an AF_INET6 socket
 * being created). */
const struct config *tn_config_load(bool report);
extern _Atomic(const struct config *) tn_config_ptr;

static inline const struct config *tn_config(void)
{
	if (__builtin_expect((tn_state_get() & TN_CONF_DONE) != 0, 1))
		return atomic_load_explicit(&tn_config_ptr,
					    memory_order_relaxed);
	return tn_config_load(true);
}

static inline const struct config *tn_config_quiet(void)
{
	if (__builtin_expect((tn_state_get() & TN_CONF) != 0, 1))
		return atomic_load_explicit(&tn_config_ptr,
					    memory_order_relaxed);
	return tn_config_load(false);
}

/* connect(fd, addr, len) is libc's own, nothing to look up or record:
 * an IPv4 destination that is never translated (loopback, link-local,
 * multicast...: policy_always_direct) while no descriptor of this
 * process is a stand-in, once initialised.  A few instructions. */
static inline bool tn_connect_untouched(const struct sockaddr *addr,
					socklen_t len)
{
	const struct sockaddr_in *sin = (const void *)addr;

	return (tn_state_get() & (TN_READY | TN_EMU_SEEN)) == TN_READY &&
	       addr && len >= (socklen_t)sizeof(*sin) &&
	       addr->sa_family == AF_INET &&
	       policy_always_direct(sin->sin_addr.s_addr);
}

/* socket(domain, type, ...) makes just the socket asked for, with nothing
 * to load first: once initialised, any domain but IP, an AF_INET6 socket
 * once the configuration is loaded, an AF_INET stream socket once it is
 * loaded and reported while NAT64 has not been used yet (tn_socket makes
 * stand-ins after that; datagram sockets always go there, for the
 * IPv6-only-host rule). */
static inline bool tn_socket_as_asked(int domain, int type)
{
	unsigned int st = tn_state_get();

	if (domain == AF_INET)
		return (st & (TN_READY | TN_CONF_DONE | TN_NAT64_USED)) ==
		       (TN_READY | TN_CONF_DONE) &&
		       (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) == SOCK_STREAM;
	if (domain == AF_INET6)
		return (st & (TN_READY | TN_CONF)) == (TN_READY | TN_CONF);
	return (st & TN_READY) != 0;
}

/* The decision cache of this process, one state per prefix slot
 * (policy.h). */
enum policy_state tn_cache_get(int slot);
/* After an attempt through NAT64 in slot that returned r (>= 0 or
 * -errno): the state policy_after_nat64 gives; NAT64 is in use from its
 * first success on (tn_nat64_in_use). */
void tn_cache_after(int slot, enum policy_call call, long r);

/* Errno-free internals: return >= 0 or -errno. */
int tn_connect(int fd, const struct sockaddr *addr, socklen_t len);
int tn_getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int tn_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int tn_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int tn_setsockopt(int fd, int level, int name, const void *val,
		  socklen_t len);
int tn_socket(int domain, int type, int proto);
int tn_bind(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t tn_sendto(int fd, const void *buf, size_t n, int flags,
		  const struct sockaddr *addr, socklen_t len);
ssize_t tn_sendmsg(int fd, const struct msghdr *msg, int flags);
int tn_sendmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags);
ssize_t tn_recvfrom(int fd, void *buf, size_t n, int flags,
		    struct sockaddr *addr, socklen_t *len);
ssize_t tn_recvmsg(int fd, struct msghdr *msg, int flags);
int tn_recvmmsg(int fd, struct mmsghdr *vec, unsigned int n, int flags,
		struct timespec *timeout);
int tn_getaddrinfo(const char *node, const char *service,
		   const struct addrinfo *hints, struct addrinfo **res);
/* Point this thread's glibc resolver at the NAT64 form of IPv4
 * nameservers that cannot be reached directly. */
void tn_fix_resolver(void);

/* Replace the socket behind fd by a new one of family AF_INET6 (the
 * record becomes FD_EMU) or AF_INET (back to FD_PLAIN), keeping type,
 * protocol, status flags, close-on-exec, the options the program set and
 * a bound port.  0 or -errno. */
int tn_replace(int fd, struct fdrec *rec, int family);

/* True once NAT64 has worked in this process: from then on socket()
 * hands out dual-stack AF_INET6 sockets for AF_INET TCP requests, so a
 * translated connect needs no second socket. */
bool tn_nat64_in_use(void);
/* A NAT64 prefix is configured (a default one or any path). */
bool tn_nat64_configured(void);
/* True when a prefix is configured and IPv4 has no default route here
 * (probed once per process, lazily: a route lookup, nothing sent). */
bool tn_ipv6_only_host(void);
/* 1 if net.ipv6.bindv6only is set (new AF_INET6 sockets are v6-only). */
int tn_bindv6only(void);

/* policy_route under this process's configuration and discovered
 * default (prefixes.h): 1 when v4:port (network order) goes through the
 * NAT64 prefix in slot *pfx, 0 when direct (always-direct addresses
 * without loading the configuration). */
int tn_route(uint32_t v4, uint16_t port_be, int *pfx);
/* The NAT64 socket address of v4:port in prefix slot pfx, for a
 * translation about to be made (prefixes_synth: the discovered default
 * is found here, synchronously, at most the discovery budget, also for a
 * non-blocking socket).  0, or -ENETUNREACH when no prefix applies after
 * all. */
int tn_synth(int pfx, uint32_t v4, uint16_t port_be,
	     struct sockaddr_in6 *out);
/* The prefixes to find embedded IPv4 addresses in (ICMP errors), slot 0
 * the discovered default of an auto configuration (prefixes_list; buf:
 * room for nbuf, TN_PFX_LIST is enough for most). */
#define TN_PFX_LIST 8
const struct nat64_prefix *tn_prefix_list(struct nat64_prefix *buf,
					  size_t nbuf, size_t *n);
/* The IPv4 form of an address a translated socket reports
 * (prefixes_to_v4): the slot used, -1 mapped, -2 none. */
int tn_to_v4(const struct sockaddr_in6 *s6, int prefer,
	     struct sockaddr_in *out);

/* The real functions for the shared option code (xlat.c). */
extern const struct sockopt_ops tn_sockopt_ops;

/* What the library knows of the socket of record rec (policy_sock):
 * from the record alone, no system call. */
static inline void tn_sock_facts(const struct fdrec *rec,
				 struct policy_sock *s)
{
	uint32_t kind = fdrec_kind(rec);

	memset(s, 0, sizeof(*s));
	switch (kind) {
	case FD_PLAIN:
		s->bound = (rec->opts & OPT_BOUND) != 0;
		s->replace = rec->domain == AF_INET;
		s->bound_addr = s->replace && s->bound &&
				policy_bound_addr(rec->bound_v4);
		break;
	case FD_EMU:
	case FD_V6MAP:
		break;
	default:
		/* Never seen made: it may be bound, and it is no stand-in. */
		s->bound = true;
		s->replace = true;
		return;
	}
	/* Only sockets where the program set SO_BINDTODEVICE are asked. */
	s->device = (rec->opts & OPT_DEVICE) ? POLICY_DEVICE_ASK
					     : POLICY_DEVICE_NONE;
}

/* The decision for an attempt on fd through prefix pfx (policy_way); the
 * interface of SO_BINDTODEVICE is asked only when it matters. */
static inline enum policy_way tn_way(int fd, const struct fdrec *rec,
				     enum policy_call call, int pfx,
				     struct policy_sock *s)
{
	int family = fdrec_kind(rec) == FD_PLAIN ? rec->domain : AF_INET6;

	return sockopt_way(fd, family, call, tn_cache_get(pfx), s,
			   &tn_sockopt_ops);
}

/* ------------------------------------------------- ICMP sockets (icmp.c) */

/* The program's AF_INET ICMP socket (raw or "ping"; policy_icmp), as
 * created here or carried by an ICMPv6 socket of ours (FD_ICMP6). */
static inline bool tn_is_icmp(const struct fdrec *rec, uint32_t kind)
{
	return kind == FD_ICMP6 ||
	       (kind == FD_PLAIN && rec->domain == AF_INET &&
		policy_icmp(rec->type, rec->proto));
}
/* The ICMPv6 socket standing in for socket(AF_INET, type, proto) (type
 * with its flags) on a host without IPv4 routes: fd or -1 (errno). */
int tn_icmp_socket(int type, int proto);
/* A raw ICMP socket fd of family was just made for the program (record
 * rec): make the other family's now, while the program may, and keep it
 * as rec's spare (nothing when no NAT64 prefix is configured). */
void tn_icmp_make_spare(int fd, int family, struct fdrec *rec);
/* tn_replace's new socket for a raw ICMP record: its spare if it is of
 * family (readied: emptied, unfiltered, status flags fl), else -1. */
int tn_icmp_take_spare(struct fdrec *rec, int family, int fl);
/* Keep old (our duplicate of the socket fd had before tn_replace put
 * another in its place) as rec's spare. */
void tn_icmp_keep_spare(struct fdrec *rec, int old);
/* ICMPF_* of an ICMP socket's record (0 without any). */
static inline unsigned int tn_icmp_flags(const struct fdrec *rec)
{
	const struct icmpsock *s =
		icmptab_at(atomic_load_explicit(&rec->icmp,
						memory_order_acquire));

	return s ? atomic_load_explicit(&s->flags, memory_order_relaxed) : 0;
}
/* tn_replace's part for ICMP sockets: what newfd (now of family) needs
 * that oldfd had or the record keeps (ICMP6_FILTER and the hop limit;
 * back to AF_INET: IPv4-level options from their twins, ICMP_FILTER, the
 * socket filter). */
void tn_icmp_setup(int oldfd, int newfd, int family, const struct fdrec *rec);
/* The program's ICMPv4 message msg with its echo header (first 8 bytes,
 * copied to hdr) as ICMPv6 in out, through iov (niov entries at most):
 * 1; 0 when it is no echo (no ICMPv6 form, RFC 7915 5.1); -EMSGSIZE when
 * it is in more pieces than niov. */
int tn_icmp_msg_4to6(const struct msghdr *msg, struct msghdr *out,
		     struct iovec *iov, size_t niov, uint8_t hdr[8]);
/* recvmsg on an FD_ICMP6 socket (the ICMPv4 view; errors in IPv4 form). */
ssize_t tn_icmp_recvmsg(int fd, struct fdrec *rec, struct msghdr *msg,
			int flags);
/* The control messages of an ICMP socket's receive (ctl, len bytes) into
 * msg's buffer; the length written, *trunc set when some did not fit. */
size_t tn_icmp_cmsg_out(const struct fdrec *rec, char *ctl, size_t len,
			struct msghdr *msg, int *trunc);
/* connect() of an ICMP socket to sin. */
int tn_icmp_connect(int fd, struct fdrec *rec, const struct sockaddr_in *sin);
/* Options of ICMP sockets: the result, or TN_ICMP_PASS when the common
 * path applies. */
#define TN_ICMP_PASS 1
int tn_icmp_setsockopt(int fd, struct fdrec *rec, int level, int name,
		       const void *val, socklen_t len);
int tn_icmp_getsockopt(int fd, struct fdrec *rec, int level, int name,
		       void *val, socklen_t *len);

/* recvmsg(MSG_ERRQUEUE) of a translated socket (FD_EMU, FD_ICMP6): the
 * entries in IPv4 form (msgconv_err_to_v4; entries without one are
 * skipped), the destination in msg_name as the IPv4 address, an ICMP
 * socket's quoted echo as ICMPv4 (recv.c). */
ssize_t tn_recv_errqueue(int fd, struct fdrec *rec, struct msghdr *msg,
			 int flags);
ssize_t tn_send(int fd, const void *buf, size_t n, int flags);

/* -errno r of a call on a translated socket whose peer is reached through
 * NAT64, as the AF_INET socket would have given it (icmpx_errno_6to4:
 * "no route" and "prohibited" from the network are "host unreachable"). */
static inline long tn_errno6to4(const struct fdrec *rec, long r)
{
	if (r < 0 && rec && rec->peer_prefix != 0xff)
		return -icmpx_errno_6to4((int)-r);
	return r;
}

/* Return -errno of the last failing libc call. */
static inline int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

/* Hook epilogue: -errno -> errno; on success errno is put back to what
 * it was when the hook was entered (internal calls may have failed on
 * the way to that success). */
static inline int tn_ret(int r, int saved_errno)
{
	if (r < 0) {
		errno = -r;
		return -1;
	}
	errno = saved_errno;
	return r;
}

static inline ssize_t tn_sret(ssize_t r, int saved_errno)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	errno = saved_errno;
	return r;
}

#endif
