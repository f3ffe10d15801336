/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: address classification, text forms, sockaddr helpers.
 * (The special-purpose ranges are named here only as numbers to
 * classify; no test sends anything anywhere.) */
#include "check.h"
#include "addr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static uint32_t v4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

static void test_is_global(void)
{
	static const char *not_global[] = {
		"0.0.0.0", "0.255.255.255", "10.0.0.0", "10.255.255.255",
		"100.64.0.0", "100.127.255.255", "127.0.0.1", "127.255.255.255",
		"169.254.0.0", "169.254.255.255", "172.16.0.0",
		"172.31.255.255", "192.0.0.0", "192.0.0.9", "192.0.0.255",
		"192.0.2.0", "192.0.2.33", "192.0.2.255", "192.88.99.0",
		"192.88.99.255", "192.168.0.0", "192.168.255.255",
		"198.18.0.0", "198.19.255.255", "198.51.100.0",
		"198.51.100.255", "203.0.113.0", "203.0.113.255", "224.0.0.0",
		"239.255.255.255", "240.0.0.0", "254.255.255.255",
		"255.255.255.255",
	};
	/* just outside each of the blocks above */
	static const char *global[] = {
		"1.0.0.0", "9.255.255.255", "11.0.0.0", "100.63.255.255",
		"100.128.0.0", "126.255.255.255", "128.0.0.0",
		"169.253.255.255", "169.255.0.0", "172.15.255.255",
		"172.32.0.0", "191.255.255.255", "192.0.1.0", "192.0.3.0",
		"192.88.98.255", "192.88.100.0", "192.167.255.255",
		"192.169.0.0", "198.17.255.255", "198.20.0.0",
		"198.51.99.255", "198.51.101.0", "203.0.112.255",
		"203.0.114.0", "223.255.255.255",
	};

	for (size_t i = 0; i < sizeof(not_global) / sizeof(not_global[0]); i++)
		CHECK(tname("not global %s", not_global[i]),
		      !ipv4_is_global(v4(not_global[i])));
	for (size_t i = 0; i < sizeof(global) / sizeof(global[0]); i++)
		CHECK(tname("global %s", global[i]),
		      ipv4_is_global(v4(global[i])));
}

static void test_local_multicast(void)
{
	CHECK("always local 0.1.2.3", ipv4_always_local(v4("0.1.2.3")));
	CHECK("always local 127.0.0.1", ipv4_always_local(v4("127.0.0.1")));
	CHECK("always local 169.254.1.1",
	      ipv4_always_local(v4("169.254.1.1")));
	CHECK("not always local 192.0.2.1",
	      !ipv4_always_local(v4("192.0.2.1")));
	CHECK("not always local 169.255.0.0",
	      !ipv4_always_local(v4("169.255.0.0")));
	CHECK("not always local 1.0.0.0", !ipv4_always_local(v4("1.0.0.0")));
	CHECK("multicast 224.0.0.1",
	      ipv4_is_multicast_or_broadcast(v4("224.0.0.1")));
	CHECK("multicast 239.255.255.255",
	      ipv4_is_multicast_or_broadcast(v4("239.255.255.255")));
	CHECK("broadcast 255.255.255.255",
	      ipv4_is_multicast_or_broadcast(v4("255.255.255.255")));
	CHECK("not multicast 240.0.0.1",
	      !ipv4_is_multicast_or_broadcast(v4("240.0.0.1")));
	CHECK("not multicast 203.0.113.255",
	      !ipv4_is_multicast_or_broadcast(v4("203.0.113.255")));
}

static void test_fmt_ipv4(void)
{
	char buf[16];
	size_t n;

	n = fmt_ipv4(buf, v4("192.0.2.33"));
	CHECK_STR("fmt_ipv4 192.0.2.33", buf, "192.0.2.33");
	CHECK_INT("fmt_ipv4 length", n, 10);
	n = fmt_ipv4(buf, v4("255.255.255.255"));
	CHECK_STR("fmt_ipv4 max", buf, "255.255.255.255");
	CHECK_INT("fmt_ipv4 max length", n, 15);
	fmt_ipv4(buf, 0);
	CHECK_STR("fmt_ipv4 zero", buf, "0.0.0.0");
}

static void test_fmt_uint(void)
{
	char buf[21];

	fmt_uint(buf, 0);
	CHECK_STR("fmt_uint 0", buf, "0");
	fmt_uint(buf, 65535);
	CHECK_STR("fmt_uint 65535", buf, "65535");
	CHECK_INT("fmt_uint max length", fmt_uint(buf, ~0ULL), 20);
	CHECK_STR("fmt_uint max", buf, "18446744073709551615");
}

static const struct {
	const char *in, *want;
} v6cases[] = {
	{ "::", "::" },
	{ "::1", "::1" },
	{ "1::", "1::" },
	{ "2001:db8::1", "2001:db8::1" },
	{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
	{ "2001:DB8::ABCD", "2001:db8::abcd" },
	{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },    /* tie: first */
	{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },          /* longest */
	{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" }, /* one zero */
	{ "2001:db8:1:1:1:1:1:0", "2001:db8:1:1:1:1:1:0" },
	{ "0:2001:db8:1:1:1:1:1", "0:2001:db8:1:1:1:1:1" },
	{ "2001:db8:1:1:1:1:0:0", "2001:db8:1:1:1:1::" },
	{ "0:0:2001:db8:1:1:1:1", "::2001:db8:1:1:1:1" },
	{ "2001:db8::", "2001:db8::" },
	{ "2001:db8:0:0:1::", "2001:db8:0:0:1::" },          /* 2 vs 3 */
	{ "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
	  "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
	{ "::ffff:0.0.0.0", "::ffff:0.0.0.0" },
	{ "::192.0.2.1", "::c000:201" },                   /* not mapped */
	{ "::ffff:0:c000:201", "::ffff:0:c000:201" },       /* not mapped */
	{ "64:ff9b::192.0.2.33", "64:ff9b::c000:221" },
	{ "2001:db8:122:344:c0:2:2100::", "2001:db8:122:344:c0:2:2100:0" },
	{ "2001:0:0:0:1:0:0:0", "2001::1:0:0:0" },
	{ "1:0:0:2:0:0:0:3", "1:0:0:2::3" },
};

static void test_fmt_ipv6(void)
{
	for (size_t i = 0; i < sizeof(v6cases) / sizeof(v6cases[0]); i++) {
		uint8_t a[16];
		char buf[46];
		size_t n;

		if (inet_pton(AF_INET6, v6cases[i].in, a) != 1)
			abort();
		memset(buf, 'X', sizeof(buf));
		n = fmt_ipv6(buf, a);
		CHECK_MSG(tname("fmt_ipv6 %s", v6cases[i].in),
			  strcmp(buf, v6cases[i].want) == 0 && n == strlen(buf),
			  "got \"%s\" (%zu), want \"%s\"", buf, n,
			  v6cases[i].want);
	}
}

/* glibc's inet_ntop follows RFC 5952 too, except that it also prints the
 * deprecated IPv4-compatible form ::a.b.c.d.  Compare on random
 * addresses with many zero groups. */
static void test_fmt_ipv6_random(void)
{
	unsigned long seed = 12345;
	int bad = 0;
	char first[128] = "";

	for (int iter = 0; iter < 200000; iter++) {
		uint8_t a[16];
		char mine[46], ref[INET6_ADDRSTRLEN];

		for (int g = 0; g < 8; g++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			unsigned r = (unsigned)(seed >> 33);
			unsigned w = (r & 3) ? 0 : (r >> 2) & 0xffff;

			if ((r >> 20) % 7 == 0)
				w = 0xffff;
			a[2 * g] = (uint8_t)(w >> 8);
			a[2 * g + 1] = (uint8_t)w;
		}
		bool compat = true;

		for (int k = 0; k < 12; k++)
			if (a[k])
				compat = false;
		if (compat)
			continue;
		fmt_ipv6(mine, a);
		inet_ntop(AF_INET6, a, ref, sizeof(ref));
		if (strcmp(mine, ref) != 0) {
			if (!bad++)
				snprintf(first, sizeof(first), "%s vs %s", mine,
					 ref);
		}
	}
	CHECK_MSG("fmt_ipv6 matches inet_ntop on random addresses", bad == 0,
		  "%d mismatches, first: %s", bad, first);
}

static void test_v4mapped(void)
{
	uint8_t a[16], want[16];

	ipv6_make_v4mapped(v4("192.0.2.1"), a);
	inet_pton(AF_INET6, "::ffff:192.0.2.1", want);
	CHECK("make v4mapped", memcmp(a, want, 16) == 0);
	CHECK("is v4mapped", ipv6_is_v4mapped(a));
	inet_pton(AF_INET6, "::192.0.2.1", a);
	CHECK("compat is not v4mapped", !ipv6_is_v4mapped(a));
	inet_pton(AF_INET6, "64:ff9b::192.0.2.1", a);
	CHECK("nat64 is not v4mapped", !ipv6_is_v4mapped(a));
	inet_pton(AF_INET6, "::fffe:192.0.2.1", a);
	CHECK("::fffe: is not v4mapped", !ipv6_is_v4mapped(a));
}

static void test_sockaddr_copy_out(void)
{
	struct sockaddr_in6 src;
	union {
		struct sockaddr_storage ss;
		unsigned char b[sizeof(struct sockaddr_storage)];
	} dst;
	socklen_t len;

	memset(&src, 0, sizeof(src));
	src.sin6_family = AF_INET6;
	src.sin6_port = htons(443);
	inet_pton(AF_INET6, "2001:db8::1", &src.sin6_addr);

	memset(&dst, 0xee, sizeof(dst));
	len = sizeof(dst);
	sockaddr_copy_out((struct sockaddr *)&dst, &len, &src, sizeof(src));
	CHECK("copy_out full: len", len == sizeof(src));
	CHECK("copy_out full: data", memcmp(&dst, &src, sizeof(src)) == 0 &&
	      dst.b[sizeof(src)] == 0xee);

	memset(&dst, 0xee, sizeof(dst));
	len = 4;
	sockaddr_copy_out((struct sockaddr *)&dst, &len, &src, sizeof(src));
	CHECK("copy_out short: len is full size", len == sizeof(src));
	CHECK("copy_out short: only 4 bytes copied",
	      memcmp(&dst, &src, 4) == 0 && dst.b[4] == 0xee);

	memset(&dst, 0xee, sizeof(dst));
	len = 0;
	sockaddr_copy_out((struct sockaddr *)&dst, &len, &src, sizeof(src));
	CHECK("copy_out zero: nothing copied",
	      len == sizeof(src) && dst.b[0] == 0xee);

	len = 0;
	sockaddr_copy_out(NULL, &len, &src, sizeof(src));
	CHECK("copy_out NULL dst with zero len", len == sizeof(src));

	sockaddr_copy_out((struct sockaddr *)&dst, NULL, &src, sizeof(src));
	CHECK("copy_out NULL len is harmless", true);

	struct sockaddr_in s4;

	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_port = htons(80);
	s4.sin_addr.s_addr = v4("192.0.2.1");
	memset(&dst, 0xee, sizeof(dst));
	len = sizeof(dst);
	sockaddr_copy_out((struct sockaddr *)&dst, &len, &s4, sizeof(s4));
	CHECK("copy_out sockaddr_in", len == sizeof(s4) &&
	      memcmp(&dst, &s4, sizeof(s4)) == 0 &&
	      dst.b[sizeof(s4)] == 0xee);
}

int main(void)
{
	test_is_global();
	test_local_multicast();
	test_fmt_ipv4();
	test_fmt_uint();
	test_fmt_ipv6();
	test_fmt_ipv6_random();
	test_v4mapped();
	test_sockaddr_copy_out();
	return check_exit();
}
