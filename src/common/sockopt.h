/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket options carried from a program's AF_INET socket to the AF_INET6
 * socket that replaces it, shared by the library and the supervisor.
 * Async-signal-safe, lock-free. */
#ifndef TNAT64_SOCKOPT_H
#define TNAT64_SOCKOPT_H

#include <sys/socket.h>

/* The system calls to use (the library passes its real_* functions so as
 * not to go through its own hooks). */
struct sockopt_ops {
	int (*socket)(int, int, int);
	int (*close)(int);
	int (*get)(int, int, int, void *, socklen_t *);
	int (*set)(int, int, int, const void *, socklen_t);
};

enum {
	SOCKOPT_SOCKET = 1u << 0,   /* SOL_SOCKET options */
	SOCKOPT_TCP    = 1u << 1,   /* SOL_TCP options (stream sockets) */
	SOCKOPT_IP     = 1u << 2,   /* SOL_IP options */
};

/* Copy to `to` the options of the given levels that differ on `from`
 * from a fresh socket's defaults: what the program set.  IPv4-level
 * options go first (IP_TOS resets SO_PRIORITY) and IP_TOS, IP_TTL and
 * the IP_RECV* ones are also set at the IPv6 level. */
void sockopt_carry(int from, int to, unsigned levels, int type,
		   const struct sockopt_ops *ops);

/* Set the IPv6 counterpart of an IPv4-level option (IP_TOS, IP_TTL,
 * IP_PKTINFO, IP_RECVTOS, IP_RECVTTL, IP_RECVERR, IP_MTU_DISCOVER) on an
 * AF_INET6 socket whose traffic may leave as IPv6; val/len as given to
 * setsockopt (an int, or one byte). */
void sockopt_mirror_ip(int fd, int name, const void *val, socklen_t len,
		       const struct sockopt_ops *ops);

/* net.ipv6.bindv6only: AF_INET6 sockets are IPv6-only by default (a
 * dual-stack stand-in must then clear IPV6_V6ONLY).  Read once; errno
 * kept. */
int sockopt_bindv6only(void);

/* ioctl requests that only an AF_INET socket answers (IPv4 interface
 * addresses, ARP, IPv4 routes; an AF_INET6 socket takes some of the same
 * numbers with IPv6 structures): a stand-in must become a real AF_INET
 * socket first. */
extern const unsigned int sockopt_inet_ioctls[];
extern const unsigned int sockopt_n_inet_ioctls;
int sockopt_inet_ioctl(unsigned long req);

#endif
