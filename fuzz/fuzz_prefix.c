/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: NAT64 prefix and suffix parsing (nat64_prefix_parse,
 * nat64_suffix_parse, nat64_suffix_set) and RFC 6052 section 2.2
 * synthesis and extraction (nat64_synth, nat64_extract).
 *
 * Input: 4 bytes IPv4 address, 16 bytes IPv6 address, 1 byte length
 * selector, 16 bytes suffix, then text "PREFIX\nSUFFIX".
 *
 * Checks, beyond "does not crash":
 *  - a prefix text is accepted exactly when prefix.h says it is (an
 *    IPv6 address, optionally /LEN with LEN one of the RFC 6052 lengths
 *    in at most three digits, no bits past LEN, zero u-octet); an
 *    accepted one reads back from its own text form;
 *  - a suffix is accepted exactly when it stays in the bits after the
 *    embedded IPv4 address, outside the u-octet; a refused one leaves
 *    the prefix as it was;
 *  - synthesis puts the IPv4 octets where the table of RFC 6052 2.2
 *    puts them, keeps the prefix and the suffix, zeroes the u-octet, and
 *    extraction gives the IPv4 address back;
 *  - extraction of any address succeeds exactly when it carries the
 *    prefix and a zero u-octet, and then takes the octets from the
 *    table's places. */
#include "fuzz.h"

#include <arpa/inet.h>
#include <errno.h>

#include "addr.h"
#include "prefix.h"

static const unsigned lens[6] = { 32, 40, 48, 56, 64, 96 };

/* RFC 6052 section 2.2, figure 1: where the four IPv4 octets go. */
static const unsigned *v4_bytes(unsigned len)
{
	static const unsigned table[6][4] = {
		{ 4, 5, 6, 7 },     /* /32 */
		{ 5, 6, 7, 9 },     /* /40 */
		{ 6, 7, 9, 10 },    /* /48 */
		{ 7, 9, 10, 11 },   /* /56 */
		{ 9, 10, 11, 12 },  /* /64 */
		{ 12, 13, 14, 15 }, /* /96 */
	};

	for (int i = 0; i < 6; i++)
		if (lens[i] == len)
			return table[i];
	abort();
}

static bool bits_past(const uint8_t a[16], unsigned len)
{
	for (unsigned bit = len; bit < 128; bit++)
		if (a[bit / 8] & (0x80u >> (bit % 8)))
			return true;
	return false;
}

/* The acceptance rule of nat64_prefix_parse, written out. */
static bool ref_prefix_ok(const char *text)
{
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	char buf[64];
	uint8_t a[16];
	unsigned len = 96;

	if (alen == 0 || alen >= sizeof(buf))
		return false;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1)
		return false;
	if (slash) {
		const char *d = slash + 1;
		size_t n = strlen(d);

		if (n < 1 || n > 3)
			return false;
		len = 0;
		for (size_t i = 0; i < n; i++) {
			if (d[i] < '0' || d[i] > '9')
				return false;
			len = len * 10 + (unsigned)(d[i] - '0');
		}
	}
	return nat64_prefix_len_valid(len) && !bits_past(a, len) && a[8] == 0;
}

/* Bits a suffix may use: after the embedded address, not the u-octet. */
static void ref_allowed(unsigned len, uint8_t m[16])
{
	const unsigned *pos = v4_bytes(len);

	memset(m, 0, 16);
	for (unsigned i = pos[3] + 1; i < 16; i++)
		m[i] = i == 8 ? 0 : 0xff;
}

static void check_prefix_valid(const struct nat64_prefix *p)
{
	uint8_t allowed[16], mine[16];

	FUZZ_ASSERT(nat64_prefix_len_valid(p->len));
	FUZZ_ASSERT(!bits_past(p->addr, p->len));
	FUZZ_ASSERT(p->addr[8] == 0);
	nat64_suffix_allowed(p->len, allowed);
	ref_allowed(p->len, mine);
	FUZZ_ASSERT(memcmp(allowed, mine, 16) == 0);
	for (int i = 0; i < 16; i++)
		FUZZ_ASSERT((p->suffix[i] & ~allowed[i]) == 0);
	FUZZ_ASSERT(nat64_prefix_equal(p, p));
	FUZZ_ASSERT(nat64_prefix_is_wkp(p) ==
		    (p->len == 96 && memcmp(p->addr, nat64_wkp.addr, 16) == 0));
}

/* The text form of p's prefix part reads back as it. */
static void check_text_round_trip(const struct nat64_prefix *p)
{
	char text[64];
	struct nat64_prefix back, bare = *p;
	size_t n = fmt_ipv6(text, p->addr);

	FUZZ_ASSERT(n > 0 && n < 46 && strlen(text) == n);
	snprintf(text + n, sizeof(text) - n, "/%u", (unsigned)p->len);
	memset(bare.suffix, 0, 16);
	FUZZ_ASSERT(ref_prefix_ok(text));
	FUZZ_ASSERT(nat64_prefix_parse(text, &back) == 0);
	FUZZ_ASSERT(nat64_prefix_equal(&back, &bare));
}

static void check_synth(const struct nat64_prefix *p, uint32_t v4)
{
	const unsigned *pos = v4_bytes(p->len);
	const uint8_t *b = (const uint8_t *)&v4;
	uint8_t out[16], allowed[16];
	uint32_t back = ~v4;

	nat64_synth(p, v4, out);
	nat64_suffix_allowed(p->len, allowed);
	FUZZ_ASSERT(memcmp(out, p->addr, p->len / 8) == 0);
	FUZZ_ASSERT(out[8] == 0);
	for (int i = 0; i < 4; i++)
		FUZZ_ASSERT(out[pos[i]] == b[i]);
	for (int i = 0; i < 16; i++)
		FUZZ_ASSERT((out[i] & allowed[i]) == p->suffix[i]);
	FUZZ_ASSERT(nat64_extract(p, out, &back) && back == v4);
	FUZZ_ASSERT(nat64_extract(p, out, NULL));
}

static void check_extract(const struct nat64_prefix *p, const uint8_t in[16])
{
	const unsigned *pos = v4_bytes(p->len);
	bool want = memcmp(in, p->addr, p->len / 8) == 0 && in[8] == 0;
	uint32_t v4 = 0x5a5a5a5au;
	bool got = nat64_extract(p, in, &v4);

	FUZZ_ASSERT(got == want);
	if (!got) {
		FUZZ_ASSERT(v4 == 0x5a5a5a5au); /* untouched */
		return;
	}
	for (int i = 0; i < 4; i++)
		FUZZ_ASSERT(((const uint8_t *)&v4)[i] == in[pos[i]]);
}

static void check_suffix(struct nat64_prefix *p, const char *text,
			 const uint8_t raw[16])
{
	struct nat64_prefix before = *p;
	uint8_t s[16], allowed[16];
	bool fits;

	nat64_suffix_allowed(p->len, allowed);

	/* binary: a suffix outside the allowed bits is refused */
	fits = true;
	for (int i = 0; i < 16; i++)
		fits = fits && (raw[i] & ~allowed[i]) == 0;
	FUZZ_ASSERT((nat64_suffix_set(p, raw) == 0) == fits);
	if (!fits)
		FUZZ_ASSERT(nat64_prefix_equal(p, &before));
	else
		FUZZ_ASSERT(memcmp(p->suffix, raw, 16) == 0);
	for (int i = 0; i < 16; i++)
		s[i] = raw[i] & allowed[i];
	FUZZ_ASSERT(nat64_suffix_set(p, s) == 0);
	check_prefix_valid(p);
	check_synth(p, 0xffffffffu);
	*p = before;

	/* text */
	if (inet_pton(AF_INET6, text, s) == 1) {
		fits = true;
		for (int i = 0; i < 16; i++)
			fits = fits && (s[i] & ~allowed[i]) == 0;
	} else {
		fits = false;
	}
	FUZZ_ASSERT((nat64_suffix_parse(text, p) == 0) == fits);
	if (!fits)
		FUZZ_ASSERT(nat64_prefix_equal(p, &before));
	else
		FUZZ_ASSERT(memcmp(p->suffix, s, 16) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t raw[16], rawsfx[16];
	uint32_t v4;
	unsigned sel;
	struct nat64_prefix p, q;
	size_t n;
	char *text, *sfx;

	fuzz_bytes(&in, &v4, 4);
	fuzz_bytes(&in, raw, 16);
	sel = fuzz_u8(&in);
	fuzz_bytes(&in, rawsfx, 16);
	text = fuzz_rest(&in, &n, 1);
	sfx = memchr(text, '\n', n);
	if (sfx)
		*sfx++ = '\0';
	else
		sfx = text + n;

	/* the text prefix */
	memset(&p, 0x77, sizeof(p));
	q = p;
	int r = nat64_prefix_parse(text, &p);

	FUZZ_ASSERT(r == 0 || r == -EINVAL);
	FUZZ_ASSERT((r == 0) == ref_prefix_ok(text));
	if (r == 0) {
		check_prefix_valid(&p);
		check_text_round_trip(&p);
		check_synth(&p, v4);
		check_extract(&p, raw);
		check_suffix(&p, sfx, rawsfx);
	} else {
		FUZZ_ASSERT(memcmp(&p, &q, sizeof(p)) == 0); /* untouched */
	}

	/* a prefix of every length made of the binary part */
	for (int k = 0; k < 6; k++) {
		unsigned len = lens[(sel + (unsigned)k) % 6];

		memset(&q, 0, sizeof(q));
		q.len = (uint8_t)len;
		memcpy(q.addr, raw, len / 8);
		q.addr[8] = 0;
		check_prefix_valid(&q);
		check_text_round_trip(&q);
		check_synth(&q, v4);
		check_extract(&q, raw);
		check_extract(&q, rawsfx);
		check_suffix(&q, sfx, rawsfx);
		if (nat64_suffix_parse(sfx, &q) == 0)
			check_synth(&q, v4);
	}
	free(text);
	return 0;
}
