/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: address rewriting in both directions (msgconv.c): the
 * IPv4 form of an IPv6 socket address a translated socket reports
 * (msgconv_addr_to_v4), and the ::ffff: form of an IPv4 one
 * (msgconv_v4_to_mapped) and the NAT64 form (nat64_synth).
 *
 * Input: 28 bytes struct sockaddr_in6, 1 byte number of prefixes (0-4),
 * 1 byte preferred index (signed), 4 prefixes of 16 bytes address, 1 byte
 * length selector and 16 bytes suffix each, 4 bytes IPv4 address,
 * 2 bytes port.  Prefixes are made valid (as the parser leaves them):
 * bits past the length and the u-octet cleared, suffix kept to its
 * allowed bits.
 *
 * Checks, beyond "does not crash":
 *  - the answer is the one msgconv.h describes: -1 and the embedded
 *    address for ::ffff:a.b.c.d, else the preferred prefix if it holds
 *    the address, else the first that does, else -2 with the output
 *    untouched; port kept, family AF_INET, sin_zero zeroed;
 *  - ::ffff: and NAT64 forms made from an IPv4 address come back as that
 *    address (with the prefix used as the preferred one). */
#include "fuzz.h"

#include <arpa/inet.h>

#include "addr.h"
#include "msgconv.h"
#include "prefix.h"

#define NPFX 4

static const unsigned lens[6] = { 32, 40, 48, 56, 64, 96 };

static void make_prefix(struct fuzz_in *in, struct nat64_prefix *p)
{
	uint8_t raw[16], sfx[16], allowed[16];
	unsigned len;

	fuzz_bytes(in, raw, 16);
	len = lens[fuzz_u8(in) % 6];
	fuzz_bytes(in, sfx, 16);
	memset(p, 0, sizeof(*p));
	p->len = (uint8_t)len;
	memcpy(p->addr, raw, len / 8);
	p->addr[8] = 0;
	nat64_suffix_allowed(len, allowed);
	for (int i = 0; i < 16; i++)
		sfx[i] &= allowed[i];
	FUZZ_ASSERT(nat64_suffix_set(p, sfx) == 0);
}

static int ref_to_v4(const struct sockaddr_in6 *in,
		     const struct nat64_prefix *pfx, size_t npfx, int prefer,
		     uint32_t *v4)
{
	const uint8_t *a = in->sin6_addr.s6_addr;

	if (ipv6_is_v4mapped(a)) {
		memcpy(v4, a + 12, 4);
		return -1;
	}
	if (prefer >= 0 && (size_t)prefer < npfx &&
	    nat64_extract(&pfx[prefer], a, v4))
		return prefer;
	for (size_t i = 0; i < npfx; i++)
		if (nat64_extract(&pfx[i], a, v4))
			return (int)i;
	return -2;
}

static void check_to_v4(const struct sockaddr_in6 *in,
			const struct nat64_prefix *pfx, size_t npfx,
			int prefer)
{
	struct sockaddr_in out, untouched;
	uint32_t want = 0;
	int r, w;

	memset(&out, 0xee, sizeof(out));
	untouched = out;
	r = msgconv_addr_to_v4(in, pfx, npfx, prefer, &out);
	w = ref_to_v4(in, pfx, npfx, prefer, &want);
	FUZZ_ASSERT(r == w);
	if (r == -2) {
		FUZZ_ASSERT(memcmp(&out, &untouched, sizeof(out)) == 0);
		return;
	}
	FUZZ_ASSERT(out.sin_family == AF_INET);
	FUZZ_ASSERT(out.sin_port == in->sin6_port);
	FUZZ_ASSERT(out.sin_addr.s_addr == want);
	for (size_t i = 0; i < sizeof(out.sin_zero); i++)
		FUZZ_ASSERT(out.sin_zero[i] == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct sockaddr_in6 s6;
	struct sockaddr_in s4, back;
	struct nat64_prefix pfx[NPFX];
	size_t npfx;
	int prefer;
	uint32_t v4;
	uint16_t port;

	fuzz_bytes(&in, &s6, sizeof(s6));
	npfx = fuzz_u8(&in) % (NPFX + 1);
	prefer = (int8_t)fuzz_u8(&in);
	for (int i = 0; i < NPFX; i++)
		make_prefix(&in, &pfx[i]);
	fuzz_bytes(&in, &v4, 4);
	port = fuzz_u16(&in);

	/* IPv6 -> IPv4, the address as given */
	check_to_v4(&s6, pfx, npfx, prefer);
	check_to_v4(&s6, pfx, npfx, -1);
	check_to_v4(&s6, npfx ? pfx : NULL, 0, prefer);

	/* IPv4 -> ::ffff: -> IPv4 */
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_port = htons(port);
	s4.sin_addr.s_addr = v4;
	memset(&s6, 0xee, sizeof(s6));
	msgconv_v4_to_mapped(&s4, &s6);
	FUZZ_ASSERT(s6.sin6_family == AF_INET6 && s6.sin6_port == s4.sin_port &&
		    s6.sin6_flowinfo == 0 && s6.sin6_scope_id == 0 &&
		    ipv6_is_v4mapped(s6.sin6_addr.s6_addr));
	FUZZ_ASSERT(msgconv_addr_to_v4(&s6, pfx, npfx, prefer, &back) == -1);
	FUZZ_ASSERT(memcmp(&back, &s4, sizeof(s4)) == 0);
	check_to_v4(&s6, pfx, npfx, prefer);

	/* IPv4 -> NAT64 form with each prefix -> IPv4 */
	for (size_t i = 0; i < npfx; i++) {
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_port = s4.sin_port;
		nat64_synth(&pfx[i], v4, s6.sin6_addr.s6_addr);
		if (ipv6_is_v4mapped(s6.sin6_addr.s6_addr))
			continue; /* a prefix inside ::ffff:0:0/96 */
		FUZZ_ASSERT(msgconv_addr_to_v4(&s6, pfx, npfx, (int)i,
					       &back) == (int)i);
		FUZZ_ASSERT(memcmp(&back, &s4, sizeof(s4)) == 0);
		check_to_v4(&s6, pfx, npfx, -1);
	}
	return 0;
}
