/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket options carried from a program's AF_INET socket to the AF_INET6
 * socket that replaces it, shared by the library and the supervisor.
 * Async-signal-safe, lock-free. */
#ifndef TNAT64_SOCKOPT_H
#define TNAT64_SOCKOPT_H

#include <sys/socket.h>

#include "policy.h"

/* One getsockopt(fd, SOL_SOCKET, name, val, &len) of a batch: len in
 * and out, err 0 or an errno value. */
struct sockopt_req {
	int name;
	void *val;
	socklen_t len;
	int err;
};

/* The system calls to use (the library passes its real_* functions so as
 * not to go through its own hooks). */
struct sockopt_ops {
	int (*socket)(int, int, int);
	int (*close)(int);
	int (*get)(int, int, int, void *, socklen_t *);
	int (*set)(int, int, int, const void *, socklen_t);
	int (*ioctl)(int, unsigned long, void *);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	/* Optional (NULL: one get each): the SOL_SOCKET options req[0..n)
	 * of fd read at once (n <= SOCKOPT_BATCH_MAX); 0 when every req has
	 * its result, -1 when it cannot (nothing is known then). */
	int (*get_socket_batch)(int fd, struct sockopt_req *req, unsigned n);
};
#define SOCKOPT_BATCH_MAX 16

enum {
	SOCKOPT_SOCKET = 1u << 0,   /* SOL_SOCKET options */
	SOCKOPT_TCP    = 1u << 1,   /* SOL_TCP options (stream sockets) */
	SOCKOPT_IP     = 1u << 2,   /* SOL_IP options */
};

/* sockopt_carry's result: options it set that change how a call on the
 * new socket waits. */
#define SOCKOPT_SET_SNDTIMEO (1u << 0)   /* SO_SNDTIMEO (connect, send) */

/* Copy to `to` the options of the given levels that differ on `from`
 * from a fresh socket's defaults: what the program set.  IPv4-level
 * options go first (IP_TOS resets SO_PRIORITY) and IP_TOS, IP_TTL and
 * the IP_RECV* ones are also set at the IPv6 level.  The SOL_SOCKET
 * ones are read in one batch where ops->get_socket_batch can.  Returns
 * the SOCKOPT_SET_* bits of what it set. */
unsigned sockopt_carry(int from, int to, unsigned levels, int type,
		       const struct sockopt_ops *ops);

/* Set the IPv6 counterpart of an IPv4-level option (IP_TOS, IP_TTL,
 * IP_PKTINFO, IP_RECVTOS, IP_RECVTTL, IP_RECVERR, IP_MTU_DISCOVER) on an
 * AF_INET6 socket whose traffic may leave as IPv6; val/len as given to
 * setsockopt (an int, or one byte). */
void sockopt_mirror_ip(int fd, int name, const void *val, socklen_t len,
		       const struct sockopt_ops *ops);

/* The IPv6-level option (SOL_IPV6) that does for IPv6 traffic what the
 * IPv4-level option name does for IPv4: IP_TOS IPV6_TCLASS, IP_TTL
 * IPV6_UNICAST_HOPS, IP_PKTINFO IPV6_RECVPKTINFO, IP_RECVTOS
 * IPV6_RECVTCLASS, IP_RECVTTL IPV6_RECVHOPLIMIT, IP_RECVERR IPV6_RECVERR,
 * IP_MTU_DISCOVER IPV6_MTU_DISCOVER (same IP_PMTUDISC_* values), IP_MTU
 * IPV6_MTU (read only; the IPv4 path MTU is 20 bytes less),
 * IP_MULTICAST_TTL IPV6_MULTICAST_HOPS, IP_MULTICAST_LOOP
 * IPV6_MULTICAST_LOOP; -1: none. */
int sockopt_ip_twin(int name);

/* setsockopt(SOL_IP, name, val, len) of an AF_INET socket now carried by
 * the AF_INET6 socket fd on which IPv4-level options do nothing (an ICMPv6
 * socket): checked as ip(7) checks it (an int, or one byte when len < 4;
 * IP_TTL 1-255 or -1, IP_TOS one byte, IP_MTU_DISCOVER 0-5) and set as
 * its twin.  0, -ENOPROTOOPT (no twin) or -errno (EINVAL...). */
int sockopt_set_ip6(int fd, int name, const void *val, socklen_t len,
		    const struct sockopt_ops *ops);
/* getsockopt(SOL_IP, name) for such a socket: the twin's value as ip(7)
 * reports it (IP_MTU: IPV6_MTU - 20; one byte when *len < 4 and the value
 * fits).  0, -ENOPROTOOPT or -errno. */
int sockopt_get_ip6(int fd, int name, void *val, socklen_t *len,
		    const struct sockopt_ops *ops);

/* An ICMPv6 socket from6 whose IPv4-level options were kept as their
 * twins (sockopt_set_ip6) becomes the AF_INET socket to4 again: set
 * there the IPv4 options the twins say (TOS, TTL when not the default,
 * RECVERR, MTU_DISCOVER, PKTINFO, RECVTOS, multicast TTL and loop).
 * IP_RECVTTL is the caller's (a raw stand-in asks the hop limit for
 * itself). */
void sockopt_carry_back_ip(int from6, int to4, const struct sockopt_ops *ops);

/* True when IPv4 has no route here: a UDP socket's connect to a global
 * address (nothing is sent) fails with ENETUNREACH.  The caller caches
 * it.  errno kept. */
bool sockopt_ipv4_unrouted(const struct sockopt_ops *ops);

/* net.ipv6.bindv6only: AF_INET6 sockets are IPv6-only by default (a
 * dual-stack stand-in must then clear IPV6_V6ONLY).  Read once; errno
 * kept.  1 when it cannot be read (no /proc): clearing it is right
 * either way. */
int sockopt_bindv6only(void);

/* The interface socket fd (of the given family) is bound to with
 * SO_BINDTODEVICE: POLICY_DEVICE_NONE (none, or it cannot be read),
 * POLICY_DEVICE_IPV4 or POLICY_DEVICE_NO_IPV4 (SIOCGIFADDR says
 * EADDRNOTAVAIL; asked on fd itself when it is an AF_INET socket, on a
 * short-lived one otherwise).  errno kept. */
enum policy_device sockopt_device(int fd, int family,
				  const struct sockopt_ops *ops);

/* policy_way for an attempt on socket fd (of the given family) through
 * prefix state st, finding out its interface (sockopt_device, into
 * s->device) only when the decision depends on it. */
static inline enum policy_way sockopt_way(int fd, int family,
					  enum policy_call call,
					  enum policy_state st,
					  struct policy_sock *s,
					  const struct sockopt_ops *ops)
{
	enum policy_way w = policy_way(call, st, s);

	if (__builtin_expect(w == POLICY_WAY_ASK_DEVICE, 0)) {
		s->device = sockopt_device(fd, family, ops);
		w = policy_way(call, st, s);
	}
	return w;
}

#endif
