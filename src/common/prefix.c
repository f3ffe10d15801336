/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NAT64 prefixes: parsing and RFC 6052 section 2.2 address synthesis and
 * extraction.  Pure code: no allocation, no stdio, no global state. */
#include "prefix.h"
#include "addr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

/* Byte 8 of the IPv6 address (bits 64-71) is the RFC 6052 "u" octet. */
#define U_OCTET 8

const struct nat64_prefix nat64_wkp = {
	.addr = { 0x00, 0x64, 0xff, 0x9b },
	.suffix = { 0 },
	.len = 96,
};

bool nat64_prefix_len_valid(unsigned len)
{
	switch (len) {
	case 32: case 40: case 48: case 56: case 64: case 96:
		return true;
	default:
		return false;
	}
}

/* Byte offsets of the four IPv4 octets inside the IPv6 address for a
 * given prefix length: consecutive from len/8, skipping the u-octet. */
static void v4_positions(unsigned len, unsigned pos[4])
{
	unsigned b = len / 8;

	for (int i = 0; i < 4; i++) {
		if (b == U_OCTET)
			b++;
		pos[i] = b++;
	}
}

void nat64_suffix_allowed(unsigned len, uint8_t mask[16])
{
	unsigned pos[4];
	unsigned first;

	memset(mask, 0, 16);
	if (!nat64_prefix_len_valid(len))
		return;
	v4_positions(len, pos);
	first = pos[3] + 1;
	for (unsigned i = first; i < 16; i++)
		if (i != U_OCTET)
			mask[i] = 0xff;
}

/* True when any bit at position >= len is set. */
static bool bits_past(const uint8_t a[16], unsigned len)
{
	unsigned full = len / 8, rem = len % 8;

	if (rem) {
		uint8_t m = (uint8_t)(0xffu >> rem);

		if (a[full] & m)
			return true;
		full++;
	}
	for (unsigned i = full; i < 16; i++)
		if (a[i])
			return true;
	return false;
}

int nat64_prefix_parse(const char *text, struct nat64_prefix *out)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash;
	size_t alen;
	unsigned long len = 96;
	struct nat64_prefix p;

	if (!text || !out)
		return -EINVAL;
	slash = strchr(text, '/');
	alen = slash ? (size_t)(slash - text) : strlen(text);
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, alen);
	buf[alen] = '\0';

	memset(&p, 0, sizeof(p));
	if (inet_pton(AF_INET6, buf, p.addr) != 1)
		return -EINVAL;

	if (slash) {
		const char *s = slash + 1;
		char *end;

		/* strtoul would accept spaces, signs and "0x": digits only */
		if (*s < '0' || *s > '9')
			return -EINVAL;
		errno = 0;
		len = strtoul(s, &end, 10);
		if (errno || *end != '\0' || end - s > 3)
			return -EINVAL;
	}
	if (!nat64_prefix_len_valid((unsigned)len))
		return -EINVAL;
	p.len = (uint8_t)len;
	if (bits_past(p.addr, p.len))
		return -EINVAL;
	if (p.addr[U_OCTET] != 0)
		return -EINVAL;
	*out = p;
	return 0;
}

int nat64_suffix_set(struct nat64_prefix *p, const uint8_t suffix[16])
{
	uint8_t allowed[16];

	nat64_suffix_allowed(p->len, allowed);
	for (int i = 0; i < 16; i++)
		if (suffix[i] & (uint8_t)~allowed[i])
			return -EINVAL;
	memcpy(p->suffix, suffix, 16);
	return 0;
}

int nat64_suffix_parse(const char *text, struct nat64_prefix *p)
{
	uint8_t s[16];

	if (!text || !p)
		return -EINVAL;
	if (inet_pton(AF_INET6, text, s) != 1)
		return -EINVAL;
	return nat64_suffix_set(p, s);
}

void nat64_synth(const struct nat64_prefix *p, uint32_t v4, uint8_t out[16])
{
	const uint8_t *b = (const uint8_t *)&v4; /* network order bytes */
	unsigned pos[4];

	uint64_t sfx[2];

	memcpy(out, p->addr, 16);
	/* the prefix has no bits past len, but be robust against a
	 * hand-built one */
	memset(out + p->len / 8, 0, 16 - p->len / 8);
	if (p->len == 96) {
		/* the common case, on every translated connect */
		memcpy(out + 12, b, 4);
	} else {
		v4_positions(p->len, pos);
		for (int i = 0; i < 4; i++)
			out[pos[i]] = b[i];
		out[U_OCTET] = 0;
	}
	memcpy(sfx, p->suffix, 16);
	if (sfx[0] | sfx[1]) {
		for (int i = 0; i < 16; i++)
			out[i] |= p->suffix[i];
		/* never let a stray suffix bit leak into the u-octet */
		out[U_OCTET] = 0;
	}
}

bool nat64_extract(const struct nat64_prefix *p, const uint8_t in[16],
		   uint32_t *v4)
{
	unsigned n = p->len / 8;
	unsigned pos[4];
	uint8_t b[4];

	if (!nat64_prefix_len_valid(p->len))
		return false;
	if (memcmp(in, p->addr, n) != 0)
		return false;
	if (in[U_OCTET] != 0)
		return false;
	v4_positions(p->len, pos);
	for (int i = 0; i < 4; i++)
		b[i] = in[pos[i]];
	if (v4)
		memcpy(v4, b, 4);
	return true;
}

bool nat64_prefix_is_wkp(const struct nat64_prefix *p)
{
	return p->len == 96 && memcmp(p->addr, nat64_wkp.addr, 12) == 0;
}

bool nat64_prefix_applies(const struct nat64_prefix *p, uint32_t v4)
{
	return !nat64_prefix_is_wkp(p) || ipv4_is_global(v4);
}

bool nat64_prefix_equal(const struct nat64_prefix *a,
			const struct nat64_prefix *b)
{
	return a->len == b->len && memcmp(a->addr, b->addr, 16) == 0 &&
	       memcmp(a->suffix, b->suffix, 16) == 0;
}
