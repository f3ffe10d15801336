/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 7050 section 3: the NAT64 prefix inside the AAAA answers for
 * ipv4only.arpa.  Pure code (the bit positions are prefix.c's). */
#ifndef TNAT64_RFC7050_H
#define TNAT64_RFC7050_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

/* The well-known IPv4 addresses of ipv4only.arpa, network order. */
#define RFC7050_WKA1 0xc00000aau /* 192.0.0.170, host order */
#define RFC7050_WKA2 0xc00000abu /* 192.0.0.171 */

/* RFC 7050 3: look for 192.0.0.170 or 192.0.0.171 embedded in a at every
 * RFC 6052 position, longest prefix first (/96, /64, /56, /48, /40, /32;
 * the u-octet, bits 64-71, is skipped and must be zero).  On success *out
 * is the prefix (with as suffix whatever bits follow the embedded address)
 * and true is returned. */
bool rfc7050_prefix_of(const uint8_t a[16], struct nat64_prefix *out);

/* The distinct prefixes of n answers, in answer order: out gets at most
 * max of them; the return value is how many distinct ones there were
 * (may exceed max).  *ignored (if not NULL) counts the answers with
 * neither well-known address (RFC 7050 3: ignored).  RFC 7050 3 lets a
 * node use any of several prefixes; we use out[0] and report the rest. */
size_t rfc7050_prefixes(const uint8_t (*addrs)[16], size_t n,
			struct nat64_prefix *out, size_t max, size_t *ignored);

#endif
