/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pure conversions between what an IPv6 socket reports and what a
 * program that owns an IPv4 socket expects: source addresses and
 * ancillary data (control messages).  No allocation, async-signal-safe. */
#ifndef TNAT64_MSGCONV_H
#define TNAT64_MSGCONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "prefix.h"

/* The IPv4 form of an IPv6 address seen on a translated socket:
 * ::ffff:a.b.c.d gives a.b.c.d; an address inside one of the npfx
 * prefixes (the one at index prefer first, if prefer >= 0) gives the
 * embedded address.  Returns the prefix index used, -1 for a mapped
 * address, or -2 when the address has no IPv4 form (out untouched). */
int msgconv_addr_to_v4(const struct sockaddr_in6 *in,
		       const struct nat64_prefix *pfx, size_t npfx,
		       int prefer, struct sockaddr_in *out);

/* The prefixes msgconv_v4_of looks in (ctx of icmpx_v4_of). */
struct msgconv_pfx {
	const struct nat64_prefix *pfx;
	size_t npfx;
	int prefer;   /* index tried first, or -1 */
};
/* icmpx_v4_of over msgconv_addr_to_v4: true with *v4 when v6 embeds an
 * IPv4 address in one of ctx's prefixes (or is ::ffff:a.b.c.d). */
bool msgconv_v4_of(const uint8_t v6[16], uint32_t *v4, void *ctx);

/* ::ffff:a.b.c.d form of an IPv4 socket address. */
void msgconv_v4_to_mapped(const struct sockaddr_in *in,
			  struct sockaddr_in6 *out);
/* The same from an address and a port (network byte order). */
void msgconv_mapped(uint32_t v4, uint16_t port_be, struct sockaddr_in6 *out);

/* The socket address of v4:port_be (network byte order) under NAT64
 * prefix p (RFC 6052 section 2.2). */
void msgconv_v4_to_nat64(const struct nat64_prefix *p, uint32_t v4,
			 uint16_t port_be, struct sockaddr_in6 *out);

/* Rewrite received control messages for the IPv4 program: IPV6_PKTINFO
 * -> IP_PKTINFO (interface index kept, addresses local_v4), IPV6_TCLASS
 * -> IP_TOS (one byte, as the IPv4 stack sends it), IPV6_HOPLIMIT ->
 * IP_TTL; everything else is copied unchanged.  src/srclen is what the
 * kernel returned, dst/cap the program's buffer.  Messages that do not
 * fit whole are dropped and *truncated set (MSG_CTRUNC).  Returns the
 * number of bytes written to dst (the new msg_controllen). */
size_t msgconv_cmsg_to_v4(const void *src, size_t srclen, void *dst,
			  size_t cap, uint32_t local_v4, int *truncated);

/* msgconv_cmsg_to_v4, and IPV6_RECVERR entries (error queue, MSG_ERRQUEUE)
 * become IP_RECVERR ones by msgconv_err_to_v4 with the npfx prefixes
 * (entries with no ICMPv4 form are left out). */
size_t msgconv_cmsg_to_v4x(const void *src, size_t srclen, void *dst,
			   size_t cap, uint32_t local_v4,
			   const struct nat64_prefix *pfx, size_t npfx,
			   int *truncated);

/* The control messages of one error-queue read (ctl, len bytes) carry an
 * IPV6_RECVERR entry that has an ICMPv4 form (msgconv_err_to_v4), or no
 * such entry at all: false when RFC 7915 drops the entry, which the
 * program must then never read. */
bool msgconv_errq_has_v4(const void *ctl, size_t len,
			 const struct nat64_prefix *pfx, size_t npfx);

/* Size of an IP_RECVERR payload: struct sock_extended_err and the
 * offender's struct sockaddr_in. */
#define MSGCONV_ERR4_LEN (16 + sizeof(struct sockaddr_in))

/* One error-queue entry of an IPv6 socket (the payload of an IPV6_RECVERR
 * control message: struct sock_extended_err, then the offender's
 * sockaddr_in6, dlen bytes) as an IPv4 socket reports it (ip(7)
 * IP_RECVERR): for ICMPv6 errors origin SO_EE_ORIGIN_ICMP, type and code
 * per RFC 7915 section 5.2 (icmpx_err_6to4), ee_errno as Linux sets it
 * for that ICMPv4 error, ee_info the next-hop MTU less 20 or the mapped
 * pointer, and the offender the IPv4 address embedded in one of the npfx
 * prefixes (ICMPX_DUMMY_V4, 192.0.0.8, for IPv6-only hops); local errors
 * keep their origin, EMSGSIZE reports the MTU less 20, and the offender
 * is zeroed as IPv4 does; other origins (timestamps, zero copy) are kept
 * with the offender in IPv4 size.  Writes MSGCONV_ERR4_LEN bytes at out
 * and returns that, or 0 when the entry is malformed or has no ICMPv4
 * form (RFC 7915 drops it). */
size_t msgconv_err_to_v4(const void *data, size_t dlen, void *out,
			 const struct nat64_prefix *pfx, size_t npfx);

/* Remove every control message of level/type from buf (len bytes, in
 * place); returns the new length. */
size_t msgconv_cmsg_drop(void *buf, size_t len, int level, int type);
/* The int carried by the first control message of level/type in buf, or
 * dflt when there is none. */
int msgconv_cmsg_int(const void *buf, size_t len, int level, int type,
		     int dflt);

/* Rewrite control messages a program sends with an IPv4 destination that
 * goes out as IPv6: IP_TOS -> IPV6_TCLASS, IP_TTL -> IPV6_HOPLIMIT,
 * IP_PKTINFO -> IPV6_PKTINFO (interface index only); others unchanged.
 * Returns the bytes written to dst, or 0 with *overflow set if cap is too
 * small (callers size dst as srclen * 2 + 64). */
size_t msgconv_cmsg_to_v6(const void *src, size_t srclen, void *dst,
			  size_t cap, int *overflow);

#endif
