/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: RFC 7050 section 3 prefix extraction (rfc7050.c). */
#include "check.h"
#include "rfc7050.h"
#include "addr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static void v6(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1)
		abort();
}

static const char *ptext(const struct nat64_prefix *p)
{
	static char buf[4][64];
	static unsigned k;
	char *b = buf[k++ % 4];
	size_t n = fmt_ipv6(b, p->addr);

	b[n++] = '/';
	fmt_uint(b + n, p->len);
	return b;
}

/* Synthesized addresses of 192.0.0.170/171 for every RFC 6052 length
 * (RFC 6052 2.2 layout), and what RFC 7050 3 must find in them. */
static const struct {
	const char *addr;
	const char *prefix; /* NULL: none */
} table[] = {
	{ "64:ff9b::c000:aa", "64:ff9b::/96" },
	{ "64:ff9b::192.0.0.171", "64:ff9b::/96" },
	{ "2001:db8:122:344::c000:aa", "2001:db8:122:344::/96" },
	{ "2001:db8:122:344:c0:0:aa00:0", "2001:db8:122:344::/64" },
	{ "2001:db8:122:3c0:0:aa::", "2001:db8:122:300::/56" },
	{ "2001:db8:122:c000:0:aa00::", "2001:db8:122::/48" },
	{ "2001:db8:1c0:0:aa::", "2001:db8:100::/40" },
	{ "2001:db8:c000:aa::", "2001:db8::/32" },
	{ "2001:db8:c000:ab::", "2001:db8::/32" },
	/* a real address: no well-known address anywhere */
	{ "2001:db8::1", NULL },
	{ "64:ff9b::c000:201", NULL },  /* 192.0.2.1 */
	{ "64:ff9b::c000:ac", NULL },   /* 192.0.0.172 */
	/* the /64 form with a non-zero u-octet is not RFC 6052 */
	{ "2001:db8:122:344:ffc0:0:aa00:0", NULL },
	/* /96 with a non-zero u-octet (byte 8): invalid prefix */
	{ "2001:db8:0:0:100::c000:aa", NULL },
	{ "::", NULL },
};

static void test_table(void)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		uint8_t a[16];
		struct nat64_prefix p, want;
		bool ok;

		v6(table[i].addr, a);
		ok = rfc7050_prefix_of(a, &p);
		if (!table[i].prefix) {
			CHECK_MSG(tname("rfc7050 %s: none", table[i].addr), !ok,
				  "found %s", ok ? ptext(&p) : "");
			continue;
		}
		if (!CHECK_MSG(tname("rfc7050 %s: found", table[i].addr), ok,
			       "nothing found"))
			continue;
		nat64_prefix_parse(table[i].prefix, &want);
		CHECK_MSG(tname("rfc7050 %s: prefix", table[i].addr),
			  nat64_prefix_equal(&p, &want), "got %s, want %s",
			  ptext(&p), table[i].prefix);
	}
}

/* Every length, both well-known addresses, synthesized by prefix.c: the
 * round trip gives the prefix back (longest first does not pick a wrong
 * shorter one). */
static void test_roundtrip(void)
{
	static const char *pfx[] = {
		"2001:db8::/32", "2001:db8:6400::/40", "2001:db8:64::/48",
		"2001:db8:64::/56", "2001:db8:64::/64", "2001:db8:64::/96",
		"64:ff9b::/96",
	};
	static const uint32_t wka[] = { RFC7050_WKA1, RFC7050_WKA2 };

	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		for (int w = 0; w < 2; w++) {
			struct nat64_prefix p, got;
			uint8_t a[16];

			nat64_prefix_parse(pfx[i], &p);
			nat64_synth(&p, htonl(wka[w]), a);
			CHECK_MSG(tname("roundtrip %s .%u", pfx[i],
					wka[w] & 0xff),
				  rfc7050_prefix_of(a, &got) &&
				  nat64_prefix_equal(&got, &p),
				  "got %s", ptext(&got));
		}
}

static void test_suffix(void)
{
	uint8_t a[16];
	struct nat64_prefix p;

	/* /64 with suffix bits after the embedded address */
	v6("2001:db8:64::c0:0:aa00:5", a);
	CHECK("suffix kept", rfc7050_prefix_of(a, &p) && p.len == 64 &&
	      p.suffix[15] == 5);
}

static void test_several(void)
{
	uint8_t a[5][16];
	struct nat64_prefix out[2];
	size_t ign = 99, n;

	v6("2001:db8:64::c000:aa", a[0]);
	v6("2001:db8::1", a[1]);              /* ignored */
	v6("2001:db8:64::c000:ab", a[2]);     /* same prefix */
	v6("2001:db8:65::c000:aa", a[3]);     /* second prefix */
	v6("2001:db8:66:0:c0:0:aa00:0", a[4]); /* third (/64) */
	n = rfc7050_prefixes((const uint8_t (*)[16])a, 5, out, 2, &ign);
	CHECK_INT("several: distinct", n, 3);
	CHECK_INT("several: ignored", ign, 1);
	CHECK_STR("several: first", ptext(&out[0]), "2001:db8:64::/96");
	CHECK_STR("several: second", ptext(&out[1]), "2001:db8:65::/96");
	n = rfc7050_prefixes((const uint8_t (*)[16])a + 1, 1, out, 2, &ign);
	CHECK("only unrelated answers: none", n == 0 && ign == 1);
}

int main(void)
{
	test_table();
	test_roundtrip();
	test_suffix();
	test_several();
	return check_exit();
}
