/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NAT64 prefixes and RFC 6052 address synthesis/extraction. Pure code. */
#ifndef TNAT64_PREFIX_H
#define TNAT64_PREFIX_H

#include <stdbool.h>
#include <stdint.h>

struct nat64_prefix {
	uint8_t addr[16];   /* prefix bits; everything past len is zero */
	uint8_t suffix[16]; /* 0.06's nat64_suffix: only bits after the
			       embedded IPv4 address, never the u-octet */
	uint8_t len;        /* 32, 40, 48, 56, 64 or 96 */
};

/* "64:ff9b::", "64:ff9b::/96", "2001:db8:64::/64".  No length means /96.
 * Rejects other lengths, bits set past the length, a non-zero u-octet
 * (bits 64-71) and trailing junk.  Returns 0 or -EINVAL. */
int nat64_prefix_parse(const char *text, struct nat64_prefix *out);

/* Parse an IPv6 suffix ("::aa:bbcc") for prefix p: rejects bits that
 * overlap the prefix, the embedded IPv4 address or the u-octet.
 * Returns 0 or -EINVAL; on success p->suffix is set. */
int nat64_suffix_parse(const char *text, struct nat64_prefix *p);

/* RFC 6052 section 2.2: embed v4 (network byte order) in out. */
void nat64_synth(const struct nat64_prefix *p, uint32_t v4, uint8_t out[16]);

/* Inverse of nat64_synth: true and *v4 set (network order) when in lies
 * inside the prefix (u-octet zero); false otherwise. */
bool nat64_extract(const struct nat64_prefix *p, const uint8_t in[16],
		   uint32_t *v4);

/* 64:ff9b::/96 */
bool nat64_prefix_is_wkp(const struct nat64_prefix *p);
extern const struct nat64_prefix nat64_wkp;

bool nat64_prefix_equal(const struct nat64_prefix *a,
			const struct nat64_prefix *b);

/* RFC 6052 section 3.1: the well-known prefix must not be used for an
 * IPv4 address that is not global (private, shared, documentation...).
 * False when p is that prefix and v4 (network order) such an address. */
bool nat64_prefix_applies(const struct nat64_prefix *p, uint32_t v4);

/* Added helpers. */
/* True for the RFC 6052 lengths 32, 40, 48, 56, 64 and 96. */
bool nat64_prefix_len_valid(unsigned len);
/* Bits a suffix may use with a prefix of length len: every bit after the
 * embedded IPv4 address except the u-octet (none for /96 or an invalid
 * length). */
void nat64_suffix_allowed(unsigned len, uint8_t mask[16]);
/* Like nat64_suffix_parse with the suffix already in binary. */
int nat64_suffix_set(struct nat64_prefix *p, const uint8_t suffix[16]);

#endif
