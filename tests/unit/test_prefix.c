/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: NAT64 prefix parsing, RFC 6052 synthesis and extraction. */
#include "check.h"
#include "prefix.h"
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint32_t v4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

static void v6(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1)
		abort();
}

/* RFC 6052 section 2.4, plus the well-known prefix */
static const struct {
	const char *prefix;
	const char *ipv4;
	const char *ipv6;      /* as written in the RFC */
	const char *canonical; /* RFC 5952 text */
} rfc6052[] = {
	{ "2001:db8::/32", "192.0.2.33", "2001:db8:c000:221::",
	  "2001:db8:c000:221::" },
	{ "2001:db8:100::/40", "192.0.2.33", "2001:db8:1c0:2:21::",
	  "2001:db8:1c0:2:21::" },
	{ "2001:db8:122::/48", "192.0.2.33", "2001:db8:122:c000:2:2100::",
	  "2001:db8:122:c000:2:2100::" },
	{ "2001:db8:122:300::/56", "192.0.2.33", "2001:db8:122:3c0:0:221::",
	  "2001:db8:122:3c0:0:221::" },
	{ "2001:db8:122:344::/64", "192.0.2.33",
	  "2001:db8:122:344:c0:2:2100::", "2001:db8:122:344:c0:2:2100:0" },
	{ "2001:db8:122:344::/96", "192.0.2.33",
	  "2001:db8:122:344::192.0.2.33", "2001:db8:122:344::c000:221" },
	{ "64:ff9b::/96", "192.0.2.33", "64:ff9b::192.0.2.33",
	  "64:ff9b::c000:221" },
};

static void test_rfc6052_table(void)
{
	for (size_t i = 0; i < sizeof(rfc6052) / sizeof(rfc6052[0]); i++) {
		struct nat64_prefix p;
		uint8_t want[16], got[16];
		char text[46];
		uint32_t back = 0;
		int rc = nat64_prefix_parse(rfc6052[i].prefix, &p);

		if (!CHECK_MSG(tname("rfc6052 parse %s", rfc6052[i].prefix),
			       rc == 0, "rc=%d", rc))
			continue;
		v6(rfc6052[i].ipv6, want);
		nat64_synth(&p, v4(rfc6052[i].ipv4), got);
		fmt_ipv6(text, got);
		CHECK_MSG(tname("rfc6052 synth %s", rfc6052[i].prefix),
			  memcmp(got, want, 16) == 0, "got %s, want %s", text,
			  rfc6052[i].ipv6);
		CHECK_STR(tname("rfc6052 text %s", rfc6052[i].prefix), text,
			  rfc6052[i].canonical);
		CHECK_MSG(tname("rfc6052 extract %s", rfc6052[i].prefix),
			  nat64_extract(&p, want, &back) &&
			  back == v4(rfc6052[i].ipv4),
			  "extract failed or wrong address");
	}
}

static void test_roundtrip_all_lengths(void)
{
	static const char *pfx[] = {
		"2001:db8::/32", "2001:db8:aa00::/40", "2001:db8:aabb::/48",
		"2001:db8:aabb:cc00::/56", "2001:db8:aabb:ccdd::/64",
		"2001:db8:64::/96",
	};
	static const char *addrs[] = {
		"192.0.2.0", "192.0.2.255", "198.51.100.7", "203.0.113.200",
		"0.0.0.0", "255.255.255.255",
	};

	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		struct nat64_prefix p;
		bool ok = nat64_prefix_parse(pfx[i], &p) == 0;

		for (size_t j = 0; ok && j < sizeof(addrs) / sizeof(addrs[0]); j++) {
			uint8_t a[16];
			uint32_t back;

			nat64_synth(&p, v4(addrs[j]), a);
			ok = a[8] == 0 && nat64_extract(&p, a, &back) &&
			     back == v4(addrs[j]) &&
			     memcmp(a, p.addr, p.len / 8) == 0;
		}
		CHECK(tname("roundtrip %s", pfx[i]), ok);
	}
}

static void test_parse_ok(void)
{
	struct nat64_prefix p;

	CHECK("parse no length = /96",
	      nat64_prefix_parse("64:ff9b::", &p) == 0 && p.len == 96 &&
	      nat64_prefix_is_wkp(&p));
	CHECK("parse 64:ff9b::/96 is wkp",
	      nat64_prefix_parse("64:ff9b::/96", &p) == 0 &&
	      nat64_prefix_is_wkp(&p) && nat64_prefix_equal(&p, &nat64_wkp));
	CHECK("parse 2001:db8:64::/96 not wkp",
	      nat64_prefix_parse("2001:db8:64::/96", &p) == 0 &&
	      !nat64_prefix_is_wkp(&p));
	CHECK("parse 64:ff9b::/64 not wkp",
	      nat64_prefix_parse("64:ff9b::/64", &p) == 0 && p.len == 64 &&
	      !nat64_prefix_is_wkp(&p));
	CHECK("parse uppercase",
	      nat64_prefix_parse("2001:DB8:64::/96", &p) == 0);
	CHECK("parse suffix cleared",
	      nat64_prefix_parse("2001:db8::/32", &p) == 0 &&
	      memcmp(p.suffix, (uint8_t[16]){ 0 }, 16) == 0);
	CHECK("parse 64:ff9b:1::/48 (RFC 8215 local-use)",
	      nat64_prefix_parse("64:ff9b:1::/48", &p) == 0 && p.len == 48);
}

static void test_parse_errors(void)
{
	static const char *bad[] = {
		"", "/96", "garbage", "192.0.2.1", "2001:db8::/",
		"2001:db8::/0", "2001:db8::/31", "2001:db8::/33",
		"2001:db8::/95", "2001:db8::/97", "2001:db8::/128",
		"2001:db8::/96x", "2001:db8::/ 96", "2001:db8::/+96",
		"2001:db8::/-96", "2001:db8::/0x60", "2001:db8::/9600",
		"2001:db8::/96/96", " 2001:db8::/96", "2001:db8::/96 ",
		"2001:db8::1/96",          /* bits past the length */
		"2001:db8:1::/32",         /* bits past the length */
		"2001:db8:0:1::/56",       /* bit 63 set past /56 */
		"2001:db8:0:0:1::/64",     /* bits past /64 */
		"2001:db8:0:0:ff00::/96",  /* non-zero u-octet */
		"2001:db8:0:0:100::/96",   /* u-octet low bit */
		"2001:db8::g/96", "2001:db8:::/96",
		"2001:db8:0000:0000:0000:0000:0000:0000:0000/96",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nat64_prefix p;

		memset(&p, 0x5a, sizeof(p));
		int rc = nat64_prefix_parse(bad[i], &p);

		CHECK_MSG(tname("parse rejects \"%s\"", bad[i]), rc == -EINVAL,
			  "rc=%d", rc);
	}
	CHECK("parse rejects NULL", nat64_prefix_parse(NULL, NULL) == -EINVAL);
}

static void test_suffix(void)
{
	struct nat64_prefix p;
	uint8_t a[16], want[16];
	uint32_t back;

	/* 0.06's complex example: a /64 with ::aa:bbcc */
	nat64_prefix_parse("2001:db8:122:344::/64", &p);
	CHECK("suffix ::aa:bbcc on /64",
	      nat64_suffix_parse("::aa:bbcc", &p) == 0);
	nat64_synth(&p, v4("192.0.2.33"), a);
	v6("2001:db8:122:344:c0:2:21aa:bbcc", want);
	CHECK("suffix synth /64", memcmp(a, want, 16) == 0);
	CHECK("suffix ignored by extract",
	      nat64_extract(&p, a, &back) && back == v4("192.0.2.33"));
	v6("2001:db8:122:344:c0:2:2100:0", a);
	CHECK("extract without suffix bits",
	      nat64_extract(&p, a, &back) && back == v4("192.0.2.33"));

	nat64_prefix_parse("2001:db8:122:344::/64", &p);
	CHECK("suffix overlapping IPv4 on /64 rejected",
	      nat64_suffix_parse("::1:0:0", &p) == -EINVAL);
	CHECK("suffix overlapping IPv4 on /64 rejected (byte 12)",
	      nat64_suffix_parse("::100:0", &p) == -EINVAL);
	CHECK("suffix ::ff:ffff on /64 ok",
	      nat64_suffix_parse("::ff:ffff", &p) == 0);

	nat64_prefix_parse("2001:db8:64::/96", &p);
	CHECK("suffix :: on /96 ok", nat64_suffix_parse("::", &p) == 0);
	CHECK("suffix ::1 on /96 rejected",
	      nat64_suffix_parse("::1", &p) == -EINVAL);

	nat64_prefix_parse("2001:db8::/32", &p);
	CHECK("suffix in u-octet rejected",
	      nat64_suffix_parse("0:0:0:0:ff00::", &p) == -EINVAL);
	CHECK("suffix overlapping prefix rejected",
	      nat64_suffix_parse("1::", &p) == -EINVAL);
	CHECK("suffix overlapping IPv4 on /32 rejected",
	      nat64_suffix_parse("0:0:0:1::", &p) == -EINVAL);
	CHECK("suffix after IPv4 on /32 ok",
	      nat64_suffix_parse("0:0:0:0:ff:ffff:ffff:ffff", &p) == 0);
	nat64_synth(&p, v4("192.0.2.33"), a);
	v6("2001:db8:c000:221:ff:ffff:ffff:ffff", want);
	CHECK("suffix synth /32", memcmp(a, want, 16) == 0);

	nat64_prefix_parse("2001:db8:100::/40", &p);
	CHECK("suffix on /40 byte 9 rejected",
	      nat64_suffix_parse("0:0:0:0:ff::", &p) == -EINVAL);
	CHECK("suffix on /40 byte 10 ok",
	      nat64_suffix_parse("0:0:0:0:0:ff00::", &p) == 0);
	nat64_prefix_parse("2001:db8:122::/48", &p);
	CHECK("suffix on /48 byte 10 rejected",
	      nat64_suffix_parse("0:0:0:0:0:ff00::", &p) == -EINVAL);
	CHECK("suffix on /48 byte 11 ok",
	      nat64_suffix_parse("0:0:0:0:0:ff::", &p) == 0);
	nat64_prefix_parse("2001:db8:122:300::/56", &p);
	CHECK("suffix on /56 byte 11 rejected",
	      nat64_suffix_parse("0:0:0:0:0:ff::", &p) == -EINVAL);
	CHECK("suffix on /56 byte 12 ok",
	      nat64_suffix_parse("::ff00:0", &p) == 0);
	CHECK("suffix garbage rejected",
	      nat64_suffix_parse("zz", &p) == -EINVAL);

	uint8_t allowed[16];

	nat64_suffix_allowed(96, allowed);
	CHECK("suffix allowed /96 empty",
	      memcmp(allowed, (uint8_t[16]){ 0 }, 16) == 0);
}

static void test_extract_negative(void)
{
	struct nat64_prefix p;
	uint8_t a[16];
	uint32_t back = 0x12345678;

	nat64_prefix_parse("2001:db8:64::/96", &p);
	v6("2001:db8:65::c000:221", a);
	CHECK("extract other prefix fails", !nat64_extract(&p, a, &back));
	v6("2001:db8::c000:221", a);
	CHECK("extract shorter prefix fails", !nat64_extract(&p, a, &back));
	v6("64:ff9b::c000:221", a);
	CHECK("extract wkp with nsp fails", !nat64_extract(&p, a, &back));

	nat64_prefix_parse("2001:db8:122:344::/64", &p);
	v6("2001:db8:122:344:1c0:2:2100:0", a); /* u-octet = 0x01 */
	CHECK("extract non-zero u-octet fails", !nat64_extract(&p, a, &back));
	nat64_prefix_parse("2001:db8::/32", &p);
	v6("2001:db8:c000:221:ff00::", a);
	CHECK("extract /32 non-zero u-octet fails",
	      !nat64_extract(&p, a, &back));
	CHECK("extract left v4 untouched on failure", back == 0x12345678);
	v6("2001:db8:c000:221:00ff::", a);
	CHECK("extract /32 suffix bits ignored",
	      nat64_extract(&p, a, &back) && back == v4("192.0.2.33"));
}

static void test_equal(void)
{
	struct nat64_prefix a, b;

	nat64_prefix_parse("2001:db8:64::/96", &a);
	nat64_prefix_parse("2001:db8:64::", &b);
	CHECK("equal same", nat64_prefix_equal(&a, &b));
	nat64_prefix_parse("2001:db8:64::/64", &b);
	CHECK("equal differs by length", !nat64_prefix_equal(&a, &b));
	nat64_prefix_parse("2001:db8:64::/64", &a);
	nat64_suffix_parse("::1", &a);
	CHECK("equal differs by suffix", !nat64_prefix_equal(&a, &b));
	CHECK("len valid", nat64_prefix_len_valid(40) &&
	      !nat64_prefix_len_valid(128) && !nat64_prefix_len_valid(0));
}

int main(void)
{
	test_rfc6052_table();
	test_roundtrip_all_lengths();
	test_parse_ok();
	test_parse_errors();
	test_suffix();
	test_extract_negative();
	test_equal();
	return check_exit();
}
