/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: address classification, formatting and the getsockname-
 * style copy (src/common/addr.c).
 *
 * Input: 4 bytes IPv4 address, 16 bytes IPv6 address, 8 bytes unsigned
 * number (little-endian), 4 bytes caller's length, then a socket address
 * of any length.
 *
 * Checks, beyond "does not crash":
 *  - fmt_ipv4 and fmt_uint give what inet_ntop and snprintf give;
 *  - fmt_ipv6 gives RFC 5952 text: what inet_ntop gives (except for
 *    IPv4-compatible addresses, which glibc writes with a dotted tail),
 *    at most 45 characters, read back by inet_pton as the same address;
 *  - the classifications agree with the address blocks written out as
 *    text here, and with each other (always-local and multicast
 *    addresses are never global);
 *  - sockaddr_copy_out copies at most the caller's length into a buffer
 *    of exactly that length and reports the full one. */
#include "fuzz.h"

#include <arpa/inet.h>

#include "addr.h"

static bool in_block(uint32_t v4, const char *net, unsigned len)
{
	struct in_addr a;
	uint32_t mask = len ? ~(uint32_t)0 << (32 - len) : 0;

	if (inet_pton(AF_INET, net, &a) != 1)
		abort();
	return (ntohl(v4) & mask) == ntohl(a.s_addr);
}

/* IANA IPv4 special-purpose registry: not globally reachable. */
static bool ref_global(uint32_t v4)
{
	static const struct {
		const char *net;
		unsigned len;
	} blocks[] = {
		{ "0.0.0.0", 8 }, { "10.0.0.0", 8 }, { "100.64.0.0", 10 },
		{ "127.0.0.0", 8 }, { "169.254.0.0", 16 },
		{ "172.16.0.0", 12 }, { "192.0.0.0", 24 },
		{ "192.0.2.0", 24 }, { "192.88.99.0", 24 },
		{ "192.168.0.0", 16 }, { "198.18.0.0", 15 },
		{ "198.51.100.0", 24 }, { "203.0.113.0", 24 },
		{ "224.0.0.0", 4 }, { "240.0.0.0", 4 },
	};

	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (in_block(v4, blocks[i].net, blocks[i].len))
			return false;
	return true;
}

static void check_v4(uint32_t v4)
{
	char mine[16], libc[INET_ADDRSTRLEN];
	size_t n = fmt_ipv4(mine, v4);
	bool local = ipv4_always_local(v4);
	bool mcast = ipv4_is_multicast_or_broadcast(v4);
	bool global = ipv4_is_global(v4);

	FUZZ_ASSERT(inet_ntop(AF_INET, &v4, libc, sizeof(libc)) != NULL);
	FUZZ_ASSERT(strcmp(mine, libc) == 0 && n == strlen(libc));

	FUZZ_ASSERT(local == (in_block(v4, "0.0.0.0", 8) ||
			      in_block(v4, "127.0.0.0", 8) ||
			      in_block(v4, "169.254.0.0", 16)));
	FUZZ_ASSERT(mcast == (in_block(v4, "224.0.0.0", 4) ||
			      v4 == 0xffffffffu));
	FUZZ_ASSERT(global == ref_global(v4));
	FUZZ_ASSERT(!(global && (local || mcast)));

	uint8_t m[16];
	uint32_t back;

	ipv6_make_v4mapped(v4, m);
	FUZZ_ASSERT(ipv6_is_v4mapped(m));
	memcpy(&back, m + 12, 4);
	FUZZ_ASSERT(back == v4);
}

static void check_v6(const uint8_t a[16])
{
	char mine[64], libc[INET6_ADDRSTRLEN];
	uint8_t back[16];
	size_t n;
	bool compat = true;
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	memset(mine, 'x', sizeof(mine));
	n = fmt_ipv6(mine, a);
	FUZZ_ASSERT(n <= 45 && strlen(mine) == n);
	for (size_t i = n + 1; i < sizeof(mine); i++)
		FUZZ_ASSERT(mine[i] == 'x'); /* nothing past the NUL */
	FUZZ_ASSERT(inet_pton(AF_INET6, mine, back) == 1);
	FUZZ_ASSERT(memcmp(back, a, 16) == 0);
	for (size_t i = 0; i < n; i++)
		FUZZ_ASSERT(mine[i] == ':' || mine[i] == '.' ||
			    (mine[i] >= '0' && mine[i] <= '9') ||
			    (mine[i] >= 'a' && mine[i] <= 'f'));

	/* glibc writes ::a.b.c.d for IPv4-compatible addresses */
	for (int i = 0; i < 12; i++)
		compat = compat && a[i] == 0;
	compat = compat && (a[12] || a[13]);
	FUZZ_ASSERT(inet_ntop(AF_INET6, a, libc, sizeof(libc)) != NULL);
	if (!compat)
		FUZZ_ASSERT(strcmp(mine, libc) == 0);

	FUZZ_ASSERT(ipv6_is_v4mapped(a) == (memcmp(a, mapped, 12) == 0));
}

static void check_uint(unsigned long long v)
{
	char mine[21], libc[32];

	snprintf(libc, sizeof(libc), "%llu", v);
	FUZZ_ASSERT(fmt_uint(mine, v) == strlen(libc));
	FUZZ_ASSERT(strcmp(mine, libc) == 0);
}

static void check_copy_out(socklen_t len, const uint8_t *src,
			   socklen_t srclen)
{
	socklen_t l = len;
	uint8_t *dst = malloc(len ? len : 1);
	socklen_t n = len < srclen ? len : srclen;

	if (!dst)
		abort();
	memset(dst, 0xee, len ? len : 1);
	sockaddr_copy_out((struct sockaddr *)dst, &l, src, srclen);
	FUZZ_ASSERT(l == srclen);
	FUZZ_ASSERT(n == 0 || memcmp(dst, src, n) == 0);
	for (socklen_t i = n; i < len; i++)
		FUZZ_ASSERT(dst[i] == 0xee);
	free(dst);

	/* no buffer: only the length */
	l = 0;
	sockaddr_copy_out(NULL, &l, src, srclen);
	FUZZ_ASSERT(l == srclen);
	sockaddr_copy_out(NULL, NULL, src, srclen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint32_t v4;
	uint8_t v6[16];
	uint64_t u;
	uint32_t len;
	size_t n;
	char *rest;

	fuzz_bytes(&in, &v4, 4);
	fuzz_bytes(&in, v6, 16);
	u = (uint64_t)fuzz_u32(&in) | (uint64_t)fuzz_u32(&in) << 32;
	len = fuzz_u32(&in) % 512;
	rest = fuzz_rest(&in, &n, 0);

	check_v4(v4);
	check_v6(v6);
	check_uint(u);
	check_uint(u >> (u & 63));
	check_copy_out((socklen_t)len, (const uint8_t *)rest, (socklen_t)n);
	free(rest);
	return 0;
}
