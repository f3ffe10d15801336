/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the DNS reply parser of prefix discovery (dns_parse_reply)
 * and RFC 7050 extraction of what it returns (rfc7050_prefixes).
 *
 * Input: one selector byte, then either
 *  - (selector bit 0 clear) raw bytes given to the parser as a reply,
 *    in a heap block of exactly their size;
 *  - (bit 0 set) the description of a well-formed reply: rcode, a chain
 *    of CNAMEs, names compressed or not, AAAA records with addresses and
 *    TTLs from the input; the reply is built here the RFC 1035 way.
 *
 * Checks, beyond "does not crash" and "reads nothing past the reply":
 *  - the result is 0, -ESRCH or -EBADMSG, the same on a second parse;
 *  - on 0: at most DNS_MAX_AAAA addresses, TTLs below 2^31, at most 8
 *    CNAMEs, and naddr + naddr_dropped equal to the AAAA records of a
 *    built reply, in order, with their TTLs, its rcode and CNAME count;
 *  - every prefix rfc7050_prefixes finds synthesizes 192.0.0.170 or
 *    192.0.0.171 into one of the answer's addresses. */
#include "fuzz.h"

#include <arpa/inet.h>
#include <errno.h>

#include "dns.h"
#include "prefix.h"
#include "rfc7050.h"

#define MAXREC 24

struct built {
	uint8_t msg[DNS_UDP_MAX * 4];
	size_t len;
	uint8_t rcode;
	size_t ncname, naddr;
	uint8_t addr[MAXREC][16];
	uint32_t ttl[MAXREC];
};

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Append a name: "cN.example" (or the question's name when n is 0),
 * compressed to an earlier copy at offset at when at is not 0. */
static size_t put_name(uint8_t *p, unsigned n, size_t at)
{
	static const uint8_t q[] = "\x08ipv4only\x04" "arpa";
	size_t k = 0;

	if (at) {
		put16(p, 0xc000 | (unsigned)at);
		return 2;
	}
	if (n == 0) {
		memcpy(p, q, sizeof(q)); /* with the final root byte */
		return sizeof(q);
	}
	p[k++] = 2;
	p[k++] = 'c';
	p[k++] = (uint8_t)('0' + n % 10);
	memcpy(p + k, "\x07" "example", 8);
	k += 8;
	p[k++] = 0;
	return k;
}

static void build(struct fuzz_in *in, uint16_t id, struct built *b)
{
	uint8_t flags = fuzz_u8(in);
	bool compress = flags & 1;
	size_t off = DNS_HEADER_LEN, nrec, owner_at = DNS_HEADER_LEN;
	uint8_t *m = b->msg;

	memset(b, 0, sizeof(*b));
	b->rcode = (flags >> 1) & 1 ? DNS_RCODE_NXDOMAIN : DNS_RCODE_NOERROR;
	b->ncname = (flags >> 2) % 4;
	b->naddr = b->rcode ? 0 : fuzz_u8(in) % (MAXREC + 1);
	nrec = b->ncname + b->naddr;
	put16(m, id);
	put16(m + 2, 0x8180 | b->rcode); /* QR, RD, RA */
	put16(m + 4, 1);
	put16(m + 6, (unsigned)nrec);
	put16(m + 8, 0);
	put16(m + 10, 0);
	off += put_name(m + off, 0, 0);
	put16(m + off, DNS_TYPE_AAAA);
	put16(m + off + 2, DNS_CLASS_IN);
	off += 4;
	for (size_t i = 0; i < b->ncname; i++) {
		size_t rd;

		off += put_name(m + off, (unsigned)i, compress ? owner_at : 0);
		put16(m + off, DNS_TYPE_CNAME);
		put16(m + off + 2, DNS_CLASS_IN);
		put32(m + off + 4, 300);
		rd = off + 10;
		owner_at = rd;
		off = rd + put_name(m + rd, (unsigned)i + 1, 0);
		put16(m + rd - 2, (unsigned)(off - rd));
	}
	for (size_t i = 0; i < b->naddr; i++) {
		off += put_name(m + off, (unsigned)b->ncname,
				compress || !b->ncname ? owner_at : 0);
		if (!compress && !b->ncname) {
			/* the question's name written out, not compressed */
			off -= 2;
			off += put_name(m + off, 0, 0);
		}
		put16(m + off, DNS_TYPE_AAAA);
		put16(m + off + 2, DNS_CLASS_IN);
		fuzz_bytes(in, &b->ttl[i], 4);
		b->ttl[i] &= 0x7fffffff;
		put32(m + off + 4, b->ttl[i]);
		put16(m + off + 8, 16);
		fuzz_bytes(in, b->addr[i], 16);
		if (fuzz_u8(in) & 1) {
			/* make it a real NAT64 answer now and then */
			struct nat64_prefix p;
			static const unsigned lens[6] = { 32, 40, 48, 56, 64, 96 };

			memcpy(p.addr, b->addr[i], 16);
			memset(p.suffix, 0, 16);
			p.len = (uint8_t)lens[b->addr[i][15] % 6];
			for (unsigned bit = p.len; bit < 128; bit++)
				p.addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
			p.addr[8] = 0;
			nat64_synth(&p, htonl(0xc00000aa | (b->addr[i][14] & 1)),
				    b->addr[i]);
		}
		memcpy(m + off + 10, b->addr[i], 16);
		off += 26;
	}
	b->len = off;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct built b;
	static struct dns_reply r1, r2;
	uint8_t sel = fuzz_u8(&in);
	uint16_t id = fuzz_u16(&in);
	uint8_t *msg;
	size_t len;
	int e1, e2;

	if (sel & 1) {
		build(&in, id, &b);
		len = b.len;
		msg = malloc(len);
		if (!msg)
			abort();
		memcpy(msg, b.msg, len);
	} else {
		len = in.n;
		msg = malloc(len ? len : 1);
		if (!msg)
			abort();
		if (len)
			memcpy(msg, in.p, len);
		if (len >= 2 && (sel & 2))
			id = (uint16_t)(msg[0] << 8 | msg[1]);
	}
	e1 = dns_parse_reply(msg, len, id, RFC7050_NAME, DNS_TYPE_AAAA, &r1);
	e2 = dns_parse_reply(msg, len, id, "IPV4ONLY.ARPA.", DNS_TYPE_AAAA,
			     &r2);
	FUZZ_ASSERT(e1 == 0 || e1 == -ESRCH || e1 == -EBADMSG);
	FUZZ_ASSERT(e1 == e2);
	if (e1 == 0) {
		FUZZ_ASSERT(r1.naddr <= DNS_MAX_AAAA && r1.ncname <= 8);
		FUZZ_ASSERT(r1.naddr == r2.naddr && r1.rcode == r2.rcode);
		for (size_t i = 0; i < r1.naddr; i++)
			FUZZ_ASSERT(r1.ttl[i] < 0x80000000u &&
				    memcmp(r1.addr[i], r2.addr[i], 16) == 0);
	}
	if (sel & 1) {
		FUZZ_ASSERT(e1 == 0);
		FUZZ_ASSERT(r1.rcode == b.rcode && r1.ncname == b.ncname);
		FUZZ_ASSERT(r1.naddr + r1.naddr_dropped == b.naddr);
		for (size_t i = 0; i < r1.naddr; i++)
			FUZZ_ASSERT(memcmp(r1.addr[i], b.addr[i], 16) == 0 &&
				    r1.ttl[i] == b.ttl[i]);
	}
	if (e1 == 0 && r1.naddr) {
		struct nat64_prefix pfx[DNS_MAX_AAAA];
		size_t ignored = 0;
		size_t n = rfc7050_prefixes((const uint8_t (*)[16])r1.addr,
					    r1.naddr, pfx, DNS_MAX_AAAA,
					    &ignored);

		FUZZ_ASSERT(n <= r1.naddr && ignored <= r1.naddr);
		for (size_t k = 0; k < n; k++) {
			bool found = false;

			for (size_t i = 0; i < r1.naddr && !found; i++) {
				uint32_t v4;

				found = nat64_extract(&pfx[k], r1.addr[i], &v4) &&
					(ntohl(v4) == 0xc00000aa ||
					 ntohl(v4) == 0xc00000ab);
			}
			FUZZ_ASSERT(found);
		}
	}
	free(msg);
	return 0;
}
