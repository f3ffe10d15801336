/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: DNS query building and strict reply parsing (dns.c). */
#include "check.h"
#include "dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ builder */

struct msg {
	uint8_t b[2048];
	size_t n;
};

static void put8(struct msg *m, unsigned v)
{
	if (m->n >= sizeof(m->b))
		abort();
	m->b[m->n++] = (uint8_t)v;
}

static void put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

/* "a.b" in wire form; "@12" is a compression pointer to offset 12;
 * "x.@12" labels then a pointer. */
static void putname(struct msg *m, const char *s)
{
	while (*s) {
		if (*s == '@') {
			unsigned off = (unsigned)atoi(s + 1);

			put16(m, 0xc000 | off);
			return;
		}
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		put8(m, (unsigned)l);
		for (size_t i = 0; i < l; i++)
			put8(m, (uint8_t)s[i]);
		s += l;
		if (*s == '.')
			s++;
	}
	put8(m, 0);
}

static void header(struct msg *m, unsigned id, unsigned flags, unsigned qd,
		   unsigned an, unsigned ns, unsigned ar)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

static void question(struct msg *m, const char *name, unsigned type)
{
	putname(m, name);
	put16(m, type);
	put16(m, DNS_CLASS_IN);
}

static void rr_head(struct msg *m, const char *owner, unsigned type,
		    uint32_t ttl, unsigned rdlen)
{
	putname(m, owner);
	put16(m, type);
	put16(m, DNS_CLASS_IN);
	put32(m, ttl);
	put16(m, rdlen);
}

static void aaaa(struct msg *m, const char *owner, uint32_t ttl,
		 const char *addr)
{
	uint8_t a[16];

	if (inet_pton(AF_INET6, addr, a) != 1)
		abort();
	rr_head(m, owner, DNS_TYPE_AAAA, ttl, 16);
	for (int i = 0; i < 16; i++)
		put8(m, a[i]);
}

static void cname(struct msg *m, const char *owner, uint32_t ttl,
		  const char *target)
{
	size_t at;

	rr_head(m, owner, DNS_TYPE_CNAME, ttl, 0);
	at = m->n - 2;
	putname(m, target);
	m->b[at] = (uint8_t)((m->n - at - 2) >> 8);
	m->b[at + 1] = (uint8_t)(m->n - at - 2);
}

static void soa(struct msg *m, const char *owner, uint32_t ttl,
		uint32_t minimum)
{
	size_t at;

	rr_head(m, owner, DNS_TYPE_SOA, ttl, 0);
	at = m->n - 2;
	putname(m, "ns.example");
	putname(m, "hostmaster.example");
	put32(m, 1);
	put32(m, 3600);
	put32(m, 600);
	put32(m, 86400);
	put32(m, minimum);
	m->b[at] = (uint8_t)((m->n - at - 2) >> 8);
	m->b[at + 1] = (uint8_t)(m->n - at - 2);
}

#define ID 0x4a7b
#define RESP 0x8180 /* QR RD RA, NOERROR */
#define Q "ipv4only.arpa"

/* ------------------------------------------------------------ cases */

static void c_good(struct msg *m)
{
	header(m, ID, RESP, 1, 2, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	aaaa(m, "@12", 600, "64:ff9b::c000:aa");
	aaaa(m, "@12", 300, "64:ff9b::c000:ab");
}

static void c_case(struct msg *m)
{
	header(m, ID, RESP, 1, 1, 0, 0);
	question(m, "IPv4Only.ARPA", DNS_TYPE_AAAA);
	aaaa(m, "IPV4ONLY.arpa", 60, "64:ff9b::c000:aa");
}

static void c_bad_id(struct msg *m)
{
	c_good(m);
	m->b[1] ^= 1;
}

static void c_not_response(struct msg *m)
{
	c_good(m);
	m->b[2] &= 0x7f;
}

static void c_opcode(struct msg *m)
{
	c_good(m);
	m->b[2] |= 2 << 3; /* STATUS */
}

static void c_qd0(struct msg *m)
{
	header(m, ID, RESP | 1, 0, 0, 0, 0); /* FORMERR without question */
}

static void c_other_name(struct msg *m)
{
	header(m, ID, RESP, 1, 1, 0, 0);
	question(m, "ipv4only.arpa.example", DNS_TYPE_AAAA);
	aaaa(m, "@12", 60, "64:ff9b::c000:aa");
}

static void c_other_type(struct msg *m)
{
	header(m, ID, RESP, 1, 0, 0, 0);
	question(m, Q, DNS_TYPE_A);
}

static void c_tc(struct msg *m)
{
	header(m, ID, RESP | 0x0200, 1, 2, 0, 0);
	question(m, Q, DNS_TYPE_AAAA); /* records cut off */
}

static void c_nxdomain(struct msg *m)
{
	header(m, ID, RESP | DNS_RCODE_NXDOMAIN, 1, 0, 1, 0);
	question(m, Q, DNS_TYPE_AAAA);
	soa(m, "arpa", 900, 300);
}

static void c_nodata(struct msg *m)
{
	header(m, ID, RESP, 1, 0, 1, 0);
	question(m, Q, DNS_TYPE_AAAA);
	soa(m, "@12", 60, 3600);
}

static void c_nodata_nosoa(struct msg *m)
{
	header(m, ID, RESP, 1, 0, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
}

static void c_servfail(struct msg *m)
{
	header(m, ID, RESP | DNS_RCODE_SERVFAIL, 1, 0, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
}

static void c_cname(struct msg *m)
{
	header(m, ID, RESP, 1, 3, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	/* out of order: the AAAA first, then the chain */
	aaaa(m, "b.example", 120, "2001:db8:64::c000:aa");
	cname(m, "@12", 300, "a.example");
	cname(m, "a.example", 300, "b.example");
}

static void c_cname_loop(struct msg *m)
{
	header(m, ID, RESP, 1, 2, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	cname(m, "@12", 300, "a.example");
	cname(m, "a.example", 300, "@12");
}

static void c_foreign_owner(struct msg *m)
{
	header(m, ID, RESP, 1, 1, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	aaaa(m, "elsewhere.example", 60, "2001:db8:64::c000:aa");
}

static void c_aaaa_short(struct msg *m)
{
	header(m, ID, RESP, 1, 1, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	rr_head(m, "@12", DNS_TYPE_AAAA, 60, 4);
	put32(m, 0xc00000aa);
}

static void c_ptr_self(struct msg *m)
{
	header(m, ID, RESP, 1, 1, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	put16(m, 0xc000 | (unsigned)m->n); /* points at itself */
	put16(m, DNS_TYPE_AAAA);
	put16(m, 1);
	put32(m, 60);
	put16(m, 16);
	for (int i = 0; i < 16; i++)
		put8(m, 0);
}

static void c_ptr_forward(struct msg *m)
{
	header(m, ID, RESP, 1, 1, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	put16(m, 0xc000 | (unsigned)(m->n + 2));
	put8(m, 0);
	put16(m, DNS_TYPE_AAAA);
	put16(m, 1);
	put32(m, 60);
	put16(m, 16);
	for (int i = 0; i < 16; i++)
		put8(m, 0);
}

static void c_ptr_header(struct msg *m)
{
	header(m, ID, RESP, 1, 1, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	aaaa(m, "@4", 60, "64:ff9b::c000:aa");
}

static void c_rdlen_past_end(struct msg *m)
{
	c_good(m);
	m->b[m->n - 17] = 40; /* last record's RDLENGTH low byte */
}

static void c_trailing(struct msg *m)
{
	c_good(m);
	put8(m, 0);
}

static void c_count_high(struct msg *m)
{
	c_good(m);
	m->b[7] = 3;
}

static void c_short_header(struct msg *m)
{
	c_good(m);
	m->n = 11;
}

static void c_ttl_msb(struct msg *m)
{
	header(m, ID, RESP, 1, 1, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	aaaa(m, "@12", 0x80000001u, "64:ff9b::c000:aa");
}

static void c_label_ext(struct msg *m)
{
	header(m, ID, RESP, 1, 1, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	put8(m, 0x41);
	put8(m, 0);
}

static void c_long_name(struct msg *m)
{
	char name[400];
	size_t n = 0;

	for (int i = 0; i < 5; i++) {
		memset(name + n, 'a', 63);
		n += 63;
		name[n++] = '.';
	}
	name[n - 1] = '\0';
	header(m, ID, RESP, 1, 1, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	aaaa(m, name, 60, "64:ff9b::c000:aa");
}

static void c_many(struct msg *m)
{
	header(m, ID, RESP, 1, 20, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	for (int i = 0; i < 20; i++)
		aaaa(m, "@12", 60, "64:ff9b::c000:aa");
}

static void c_too_many(struct msg *m)
{
	header(m, ID, RESP, 1, 65, 0, 0);
	question(m, Q, DNS_TYPE_AAAA);
	for (int i = 0; i < 65; i++)
		aaaa(m, "@12", 60, "64:ff9b::c000:aa");
}

static void c_additional(struct msg *m)
{
	c_good(m);
	m->b[11] = 1;
	/* an OPT record in the additional section is skipped */
	put8(m, 0);
	put16(m, 41);
	put16(m, 1232);
	put32(m, 0);
	put16(m, 0);
}

static void c_soa_short(struct msg *m)
{
	header(m, ID, RESP, 1, 0, 1, 0);
	question(m, Q, DNS_TYPE_AAAA);
	rr_head(m, "@12", DNS_TYPE_SOA, 60, 3);
	put8(m, 0);
	put8(m, 0);
	put8(m, 0);
}

static const struct {
	const char *name;
	void (*build)(struct msg *);
	int rc;
	int rcode;
	int naddr;
	int truncated;
	long long neg_ttl; /* -1: none */
	long long ttl0;    /* first TTL, -1: unchecked */
} cases[] = {
	{ "good", c_good, 0, 0, 2, 0, -1, 600 },
	{ "question case differs", c_case, 0, 0, 1, 0, -1, 60 },
	{ "wrong id", c_bad_id, -ESRCH, 0, 0, 0, -1, -1 },
	{ "QR clear", c_not_response, -ESRCH, 0, 0, 0, -1, -1 },
	{ "opcode STATUS", c_opcode, -ESRCH, 0, 0, 0, -1, -1 },
	{ "no question", c_qd0, -ESRCH, 0, 0, 0, -1, -1 },
	{ "other name", c_other_name, -ESRCH, 0, 0, 0, -1, -1 },
	{ "other type", c_other_type, -ESRCH, 0, 0, 0, -1, -1 },
	{ "truncated", c_tc, 0, 0, 0, 1, -1, -1 },
	{ "NXDOMAIN + SOA", c_nxdomain, 0, 3, 0, 0, 300, -1 },
	{ "NODATA + SOA", c_nodata, 0, 0, 0, 0, 60, -1 },
	{ "NODATA without SOA", c_nodata_nosoa, 0, 0, 0, 0, -1, -1 },
	{ "SERVFAIL", c_servfail, 0, 2, 0, 0, -1, -1 },
	{ "CNAME chain", c_cname, 0, 0, 1, 0, -1, 120 },
	{ "CNAME loop", c_cname_loop, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "AAAA of another name", c_foreign_owner, 0, 0, 0, 0, -1, -1 },
	{ "AAAA of 4 bytes", c_aaaa_short, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "pointer to itself", c_ptr_self, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "forward pointer", c_ptr_forward, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "pointer into header", c_ptr_header, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "RDLENGTH past the end", c_rdlen_past_end, -EBADMSG, 0, 0, 0, -1,
	  -1 },
	{ "trailing byte", c_trailing, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "ANCOUNT too high", c_count_high, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "short header", c_short_header, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "TTL with MSB set", c_ttl_msb, 0, 0, 1, 0, -1, 0 },
	{ "extended label type", c_label_ext, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "name over 255 bytes", c_long_name, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "20 AAAA records", c_many, 0, 0, DNS_MAX_AAAA, 0, -1, 60 },
	{ "65 records", c_too_many, -EBADMSG, 0, 0, 0, -1, -1 },
	{ "OPT in additional", c_additional, 0, 0, 2, 0, -1, 600 },
	{ "SOA data too short", c_soa_short, -EBADMSG, 0, 0, 0, -1, -1 },
};

static void test_replies(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct msg m;
		struct dns_reply r;
		int rc;

		memset(&m, 0, sizeof(m));
		cases[i].build(&m);
		rc = dns_parse_reply(m.b, m.n, ID, Q, DNS_TYPE_AAAA, &r);
		CHECK_INT(tname("reply %s: rc", cases[i].name), rc,
			  cases[i].rc);
		if (rc != 0 || cases[i].rc != 0)
			continue;
		CHECK_INT(tname("reply %s: rcode", cases[i].name), r.rcode,
			  cases[i].rcode);
		CHECK_INT(tname("reply %s: naddr", cases[i].name), r.naddr,
			  cases[i].naddr);
		CHECK_INT(tname("reply %s: TC", cases[i].name), r.truncated,
			  cases[i].truncated);
		CHECK_INT(tname("reply %s: negative TTL", cases[i].name),
			  r.have_neg_ttl ? (long long)r.neg_ttl : -1,
			  cases[i].neg_ttl);
		if (cases[i].ttl0 >= 0 && r.naddr)
			CHECK_INT(tname("reply %s: TTL", cases[i].name),
				  r.ttl[0], cases[i].ttl0);
	}
}

static void test_reply_details(void)
{
	struct msg m;
	struct dns_reply r;
	uint8_t want[16];

	c_good(&m);
	dns_parse_reply(m.b, m.n, ID, Q, DNS_TYPE_AAAA, &r);
	inet_pton(AF_INET6, "64:ff9b::c000:ab", want);
	CHECK("good: second address", r.naddr == 2 &&
	      memcmp(r.addr[1], want, 16) == 0 && r.ttl[1] == 300);
	c_cname(&m);
	dns_parse_reply(m.b, m.n, ID, Q, DNS_TYPE_AAAA, &r);
	CHECK_INT("CNAME chain: links followed", r.ncname, 2);
	c_many(&m);
	dns_parse_reply(m.b, m.n, ID, Q, DNS_TYPE_AAAA, &r);
	CHECK_INT("20 AAAA: dropped", r.naddr_dropped, 20 - DNS_MAX_AAAA);
	/* the name given with a final dot is the same name */
	c_good(&m);
	CHECK_INT("question with final dot",
		  dns_parse_reply(m.b, m.n, ID, "ipv4only.arpa.",
				  DNS_TYPE_AAAA, &r), 0);
}

/* Every truncation and every single-byte change of a good reply: never
 * a crash or an out-of-bounds read (ASan), always a defined result. */
static void test_mutations(void)
{
	struct msg good, m;
	struct dns_reply r;
	int bad = 0;

	c_cname(&good);
	for (size_t len = 0; len < good.n; len++) {
		int rc = dns_parse_reply(good.b, len, ID, Q, DNS_TYPE_AAAA, &r);

		if (rc != -EBADMSG && rc != -ESRCH && rc != 0)
			bad++;
	}
	for (size_t i = 0; i < good.n; i++) {
		static const uint8_t vals[] = { 0x00, 0xff, 0xc0, 0x3f, 0x0c,
						0x01, 0x80 };

		for (size_t v = 0; v < sizeof(vals); v++) {
			int rc;

			m = good;
			m.b[i] = vals[v];
			rc = dns_parse_reply(m.b, m.n, ID, Q, DNS_TYPE_AAAA,
					     &r);
			if (rc != -EBADMSG && rc != -ESRCH && rc != 0)
				bad++;
			if (rc == 0 && r.naddr > DNS_MAX_AAAA)
				bad++;
		}
	}
	CHECK_INT("mutated replies: defined results", bad, 0);
}

static void test_query(void)
{
	uint8_t b[DNS_UDP_MAX];
	static const uint8_t want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		8, 'i', 'p', 'v', '4', 'o', 'n', 'l', 'y', 4, 'a', 'r', 'p',
		'a', 0, 0, 28, 0, 1,
	};
	char longlabel[80];
	char longname[300];
	int n = dns_build_query(b, sizeof(b), 0x1234, RFC7050_NAME,
				DNS_TYPE_AAAA);

	CHECK_INT("query length", n, (int)sizeof(want));
	CHECK("query bytes", n == (int)sizeof(want) &&
	      memcmp(b, want, sizeof(want)) == 0);
	CHECK("query: RD set, CD clear", (b[2] & 1) && !(b[3] & 0x10));
	CHECK_INT("query with final dot",
		  dns_build_query(b, sizeof(b), 1, "ipv4only.arpa.",
				  DNS_TYPE_AAAA), (int)sizeof(want));
	CHECK_INT("query: small buffer",
		  dns_build_query(b, 20, 1, RFC7050_NAME, DNS_TYPE_AAAA),
		  -ENOSPC);
	CHECK_INT("query: empty name",
		  dns_build_query(b, sizeof(b), 1, "", DNS_TYPE_AAAA), -EINVAL);
	CHECK_INT("query: empty label",
		  dns_build_query(b, sizeof(b), 1, "a..b", DNS_TYPE_AAAA),
		  -EINVAL);
	memset(longlabel, 'x', 64);
	longlabel[64] = '\0';
	CHECK_INT("query: 64-byte label",
		  dns_build_query(b, sizeof(b), 1, longlabel, DNS_TYPE_AAAA),
		  -EINVAL);
	for (int i = 0; i < 290; i++)
		longname[i] = i % 10 == 9 ? '.' : 'y';
	longname[290] = '\0';
	CHECK_INT("query: name over 255 bytes",
		  dns_build_query(b, sizeof(b), 1, longname, DNS_TYPE_AAAA),
		  -EINVAL);
}

int main(void)
{
	test_query();
	test_replies();
	test_reply_details();
	test_mutations();
	return check_exit();
}
