/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Address classification, formatting and sockaddr helpers. Pure code,
 * async-signal-safe (no stdio, no allocation, no locale). */
#ifndef TNAT64_ADDR_H
#define TNAT64_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* All IPv4 addresses are uint32_t in network byte order. */

/* 0.0.0.0/8, 127.0.0.0/8 and 169.254.0.0/16: never translated.  Inline:
 * every connect and send of a program asks (a few instructions). */
static inline bool ipv4_always_local(uint32_t v4)
{
	uint32_t h = ntohl(v4);

	return (h >> 24) == 127 || (h >> 24) == 0 || (h >> 16) == 0xa9fe;
}

/* Multicast 224.0.0.0/4 or limited broadcast: never translated. */
static inline bool ipv4_is_multicast_or_broadcast(uint32_t v4)
{
	uint32_t h = ntohl(v4);

	return (h >> 28) == 0xe || h == 0xffffffffu;
}
/* Globally reachable per the IANA IPv4 special-purpose registry
 * (RFC 6890): false for private, shared, documentation, benchmarking,
 * loopback, link-local, multicast, reserved... RFC 6052 section 3.1 says
 * the well-known prefix must not be used with these. */
bool ipv4_is_global(uint32_t v4);

bool ipv6_is_v4mapped(const uint8_t a[16]);
void ipv6_make_v4mapped(uint32_t v4, uint8_t out[16]);

/* Text forms, NUL-terminated; return the length written (without NUL).
 * buf must hold 16 (IPv4) or 46 (IPv6, RFC 5952 form) bytes. */
size_t fmt_ipv4(char *buf, uint32_t v4);
size_t fmt_ipv6(char *buf, const uint8_t a[16]);
/* Decimal unsigned, buf >= 21 bytes. */
size_t fmt_uint(char *buf, unsigned long long v);

/* Copy an address out the way the kernel does for getsockname(2):
 * copy at most *len bytes of src, then set *len to srclen. */
void sockaddr_copy_out(struct sockaddr *dst, socklen_t *len,
		       const void *src, socklen_t srclen);

#endif
