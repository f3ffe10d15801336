/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Address classification, formatting and sockaddr helpers.
 * Everything here is async-signal-safe: no stdio, no allocation, no
 * locale, no global state. */
#include "addr.h"

#include <string.h>

/* Host-order helpers without relying on the libc (ntohl is a macro or
 * builtin anyway, but keep this file self-contained). */
static uint32_t to_host(uint32_t v4)
{
	const uint8_t *b = (const uint8_t *)&v4;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

static bool in_net(uint32_t h, uint32_t net, unsigned len)
{
	uint32_t mask = len ? ~(uint32_t)0 << (32 - len) : 0;

	return (h & mask) == net;
}

/* IANA IPv4 special-purpose address registry (RFC 6890 and updates):
 * blocks whose "Globally Reachable" is False.  192.0.0.0/24 is treated as
 * a whole (its two global exceptions are anycast service addresses that
 * have no business behind the well-known prefix). */
static const struct {
	uint32_t net;
	uint8_t len;
} not_global[] = {
	{ 0x00000000u, 8 },   /* 0.0.0.0/8       this network */
	{ 0x0a000000u, 8 },   /* 10.0.0.0/8      private */
	{ 0x64400000u, 10 },  /* 100.64.0.0/10   shared address space */
	{ 0x7f000000u, 8 },   /* 127.0.0.0/8     loopback */
	{ 0xa9fe0000u, 16 },  /* 169.254.0.0/16  link-local */
	{ 0xac100000u, 12 },  /* 172.16.0.0/12   private */
	{ 0xc0000000u, 24 },  /* 192.0.0.0/24    IETF protocol assignments */
	{ 0xc0000200u, 24 },  /* 192.0.2.0/24    TEST-NET-1 */
	{ 0xc0586300u, 24 },  /* 192.88.99.0/24  6to4 relay anycast */
	{ 0xc0a80000u, 16 },  /* 192.168.0.0/16  private */
	{ 0xc6120000u, 15 },  /* 198.18.0.0/15   benchmarking */
	{ 0xc6336400u, 24 },  /* 198.51.100.0/24 TEST-NET-2 */
	{ 0xcb007100u, 24 },  /* 203.0.113.0/24  TEST-NET-3 */
	{ 0xe0000000u, 4 },   /* 224.0.0.0/4     multicast */
	{ 0xf0000000u, 4 },   /* 240.0.0.0/4     reserved, incl. broadcast */
};

bool ipv4_is_global(uint32_t v4)
{
	uint32_t h = to_host(v4);

	for (size_t i = 0; i < sizeof(not_global) / sizeof(not_global[0]); i++)
		if (in_net(h, not_global[i].net, not_global[i].len))
			return false;
	return true;
}

bool ipv6_is_v4mapped(const uint8_t a[16])
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					 0xff, 0xff };

	return memcmp(a, pfx, 12) == 0;
}

void ipv6_make_v4mapped(uint32_t v4, uint8_t out[16])
{
	memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	memcpy(out + 12, &v4, 4);
}

size_t fmt_uint(char *buf, unsigned long long v)
{
	char tmp[21];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

size_t fmt_ipv4(char *buf, uint32_t v4)
{
	const uint8_t *b = (const uint8_t *)&v4;
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		if (i)
			buf[n++] = '.';
		n += fmt_uint(buf + n, b[i]);
	}
	buf[n] = '\0';
	return n;
}

static size_t fmt_hex16(char *buf, unsigned v)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 0;
	int shift = 12;

	while (shift > 0 && ((v >> shift) & 0xf) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		buf[n++] = digits[(v >> shift) & 0xf];
	return n;
}

size_t fmt_ipv6(char *buf, const uint8_t a[16])
{
	unsigned w[8];
	int best = -1, bestlen = 0;
	size_t n = 0;

	if (ipv6_is_v4mapped(a)) {
		uint32_t v4;

		memcpy(buf, "::ffff:", 7);
		memcpy(&v4, a + 12, 4);
		return 7 + fmt_ipv4(buf + 7, v4);
	}

	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];

	/* RFC 5952 4.2: longest run of at least two zero groups, the first
	 * one on a tie. */
	for (int i = 0; i < 8;) {
		if (w[i] != 0) {
			i++;
			continue;
		}
		int j = i;

		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j;
	}
	if (bestlen < 2)
		best = -1;

	for (int i = 0; i < 8;) {
		if (i == best) {
			buf[n++] = ':';
			buf[n++] = ':';
			i += bestlen;
			continue;
		}
		/* a group right after "::" needs no separator */
		if (i > 0 && !(best >= 0 && i == best + bestlen))
			buf[n++] = ':';
		n += fmt_hex16(buf + n, w[i]);
		i++;
	}
	buf[n] = '\0';
	return n;
}

void sockaddr_copy_out(struct sockaddr *dst, socklen_t *len,
		       const void *src, socklen_t srclen)
{
	socklen_t n;

	if (!len)
		return;
	n = *len < srclen ? *len : srclen;
	if (dst && src && n)
		memcpy(dst, src, n);
	*len = srclen;
}
