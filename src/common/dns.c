/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DNS query building and strict reply parsing (RFC 1035, RFC 2181,
 * RFC 2308).  Pure code: every length and offset in a reply is checked
 * against the message before use; names are bounded to 255 bytes and
 * compression pointers may only point backwards, so a reply cannot make
 * us read outside it or loop. */
#include "dns.h"

#include <errno.h>
#include <string.h>

#define FLAG_QR 0x8000
#define FLAG_TC 0x0200
#define FLAG_RD 0x0100
#define MAX_CNAME_CHAIN 8

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

int dns_name_to_wire(const char *name, uint8_t out[DNS_NAME_MAX])
{
	size_t n = 0;
	const char *p = name;

	if (!name || !*name)
		return -EINVAL;
	if (strcmp(name, ".") == 0) {
		out[0] = 0;
		return 1;
	}
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		if (l == 0 || l > 63 || n + 1 + l + 1 > DNS_NAME_MAX)
			return -EINVAL;
		out[n++] = (uint8_t)l;
		for (size_t i = 0; i < l; i++)
			out[n++] = lower((uint8_t)p[i]);
		p += l;
		if (*p == '.')
			p++;
	}
	out[n++] = 0;
	return (int)n;
}

int dns_build_query(uint8_t *buf, size_t size, uint16_t id,
		    const char *name, uint16_t qtype)
{
	uint8_t wire[DNS_NAME_MAX];
	int wl = dns_name_to_wire(name, wire);
	size_t need;

	if (wl < 0)
		return wl;
	need = DNS_HEADER_LEN + (size_t)wl + 4;
	if (!buf || size < need)
		return -ENOSPC;
	memset(buf, 0, DNS_HEADER_LEN);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = FLAG_RD >> 8;  /* QR=0, opcode QUERY, RD=1 */
	buf[3] = 0;             /* RA=0, Z=0, AD=0, CD=0, rcode 0 */
	buf[5] = 1;             /* QDCOUNT */
	/* the question keeps the caller's case: replies are compared
	 * without case anyway */
	{
		size_t n = DNS_HEADER_LEN;
		const char *p = name;

		while (*p && strcmp(p, ".") != 0) {
			const char *dot = strchr(p, '.');
			size_t l = dot ? (size_t)(dot - p) : strlen(p);

			buf[n++] = (uint8_t)l;
			memcpy(buf + n, p, l);
			n += l;
			p += l;
			if (*p == '.')
				p++;
		}
		buf[n++] = 0;
		buf[n++] = (uint8_t)(qtype >> 8);
		buf[n++] = (uint8_t)qtype;
		buf[n++] = 0;
		buf[n++] = DNS_CLASS_IN;
		return (int)n;
	}
}

/* Read the (possibly compressed) name at off.  out gets its lowercased
 * wire form, *olen its length, *end the offset just past the name where
 * it appears (past the first pointer if any).  Pointers must point
 * strictly before every position already visited and past the header:
 * that bounds the walk.  0 or -EBADMSG. */
static int read_name(const uint8_t *m, size_t len, size_t off,
		     uint8_t out[DNS_NAME_MAX], size_t *olen, size_t *end)
{
	size_t n = 0, pos = off, limit = off;
	int jumped = 0;

	for (;;) {
		uint8_t c;

		if (pos >= len)
			return -EBADMSG;
		c = m[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= len)
				return -EBADMSG;
			target = (size_t)(c & 0x3f) << 8 | m[pos + 1];
			if (!jumped)
				*end = pos + 2;
			if (target >= limit || target < DNS_HEADER_LEN)
				return -EBADMSG;
			limit = pos = target;
			jumped = 1;
			continue;
		}
		if (c & 0xc0) /* 0x40, 0x80: extended label types */
			return -EBADMSG;
		if (c == 0) {
			out[n++] = 0;
			if (!jumped)
				*end = pos + 1;
			*olen = n;
			return 0;
		}
		if (pos + 1 + c > len || n + 1 + c + 1 > DNS_NAME_MAX)
			return -EBADMSG;
		out[n++] = c;
		for (size_t i = 0; i < c; i++)
			out[n++] = lower(m[pos + 1 + i]);
		pos += 1 + (size_t)c;
	}
}

struct rr {
	uint16_t owner;   /* offset of the owner name */
	uint16_t type, klass;
	uint32_t ttl;
	uint16_t rdoff, rdlen;
};

/* Parse the record at *pos; *pos moves past it. */
static int read_rr(const uint8_t *m, size_t len, size_t *pos, struct rr *r)
{
	uint8_t name[DNS_NAME_MAX];
	size_t nl, end;
	uint32_t ttl;

	if (read_name(m, len, *pos, name, &nl, &end) < 0)
		return -EBADMSG;
	if (end + 10 > len)
		return -EBADMSG;
	r->owner = (uint16_t)*pos;
	r->type = get16(m + end);
	r->klass = get16(m + end + 2);
	ttl = get32(m + end + 4);
	r->ttl = ttl & 0x80000000u ? 0 : ttl; /* RFC 2181 8 */
	r->rdlen = get16(m + end + 8);
	r->rdoff = (uint16_t)(end + 10);
	if ((size_t)r->rdoff + r->rdlen > len)
		return -EBADMSG;
	*pos = (size_t)r->rdoff + r->rdlen;
	return 0;
}

static int owner_is(const uint8_t *m, size_t len, const struct rr *r,
		    const uint8_t *want, size_t wlen)
{
	uint8_t name[DNS_NAME_MAX];
	size_t nl, end;

	if (read_name(m, len, r->owner, name, &nl, &end) < 0)
		return -EBADMSG;
	return nl == wlen && memcmp(name, want, wlen) == 0;
}

/* A name filling exactly the record data [off, off+dlen). */
static int rdata_name(const uint8_t *m, size_t len, size_t off, size_t dlen,
		      uint8_t out[DNS_NAME_MAX], size_t *olen, size_t *end)
{
	/* names inside record data may point anywhere before them, but
	 * must not run past the record data */
	if (read_name(m, off + dlen, off, out, olen, end) < 0)
		return -EBADMSG;
	(void)len;
	return 0;
}

int dns_parse_reply(const uint8_t *m, size_t len, uint16_t id,
		    const char *name, uint16_t qtype, struct dns_reply *out)
{
	uint8_t want[DNS_NAME_MAX], qn[DNS_NAME_MAX];
	struct rr rrs[DNS_MAX_RECORDS];
	size_t wlen, qlen, pos, end, nrr;
	unsigned flags, qd, an, ns, ar;
	int wl;

	if (!m || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	wl = dns_name_to_wire(name, want);
	if (wl < 0)
		return -EINVAL;
	wlen = (size_t)wl;
	if (len < DNS_HEADER_LEN)
		return -EBADMSG;
	flags = get16(m + 2);
	if (get16(m) != id || !(flags & FLAG_QR) || ((flags >> 11) & 0xf))
		return -ESRCH;
	qd = get16(m + 4);
	an = get16(m + 6);
	ns = get16(m + 8);
	ar = get16(m + 10);
	if (qd != 1)
		return -ESRCH;
	if (read_name(m, len, DNS_HEADER_LEN, qn, &qlen, &end) < 0 ||
	    end + 4 > len)
		return -EBADMSG;
	if (qlen != wlen || memcmp(qn, want, wlen) != 0 ||
	    get16(m + end) != qtype || get16(m + end + 2) != DNS_CLASS_IN)
		return -ESRCH;
	pos = end + 4;
	out->rcode = (uint8_t)(flags & 0xf);
	if (flags & FLAG_TC) {
		out->truncated = true;
		return 0;
	}
	if ((size_t)an + ns > DNS_MAX_RECORDS || ar > DNS_MAX_RECORDS)
		return -EBADMSG;
	nrr = (size_t)an + ns;
	for (size_t i = 0; i < nrr; i++)
		if (read_rr(m, len, &pos, &rrs[i]) < 0)
			return -EBADMSG;
	for (unsigned i = 0; i < ar; i++) {
		struct rr skip;

		if (read_rr(m, len, &pos, &skip) < 0)
			return -EBADMSG;
	}
	if (pos != len)
		return -EBADMSG;

	/* every AAAA and CNAME in the answer must be well-formed */
	for (size_t i = 0; i < an; i++) {
		uint8_t t[DNS_NAME_MAX];
		size_t tl, te;

		if (rrs[i].type == DNS_TYPE_AAAA && rrs[i].rdlen != 16)
			return -EBADMSG;
		if (rrs[i].type == DNS_TYPE_CNAME &&
		    (rdata_name(m, len, rrs[i].rdoff, rrs[i].rdlen, t, &tl,
				&te) < 0 ||
		     te != (size_t)rrs[i].rdoff + rrs[i].rdlen))
			return -EBADMSG;
	}

	/* follow the CNAME chain from the question's name */
	for (;;) {
		size_t i;

		for (i = 0; i < an; i++) {
			int r;

			if (rrs[i].type != DNS_TYPE_CNAME ||
			    rrs[i].klass != DNS_CLASS_IN)
				continue;
			r = owner_is(m, len, &rrs[i], want, wlen);
			if (r < 0)
				return -EBADMSG;
			if (r)
				break;
		}
		if (i == an)
			break;
		if (out->ncname == MAX_CNAME_CHAIN)
			return -EBADMSG;
		out->ncname++;
		if (rdata_name(m, len, rrs[i].rdoff, rrs[i].rdlen, want, &wlen,
			       &end) < 0)
			return -EBADMSG;
	}

	for (size_t i = 0; i < an; i++) {
		int r;

		if (rrs[i].type != qtype || rrs[i].klass != DNS_CLASS_IN ||
		    qtype != DNS_TYPE_AAAA)
			continue;
		r = owner_is(m, len, &rrs[i], want, wlen);
		if (r < 0)
			return -EBADMSG;
		if (!r)
			continue;
		if (out->naddr == DNS_MAX_AAAA) {
			out->naddr_dropped++;
			continue;
		}
		memcpy(out->addr[out->naddr], m + rrs[i].rdoff, 16);
		out->ttl[out->naddr] = rrs[i].ttl;
		out->naddr++;
	}

	/* RFC 2308 5: the negative answer's TTL is the smaller of the SOA
	 * record's TTL and its MINIMUM field */
	for (size_t i = an; i < nrr && out->naddr == 0; i++) {
		uint8_t t[DNS_NAME_MAX];
		size_t tl, e1, e2;
		uint32_t minimum;

		if (rrs[i].type != DNS_TYPE_SOA || rrs[i].klass != DNS_CLASS_IN)
			continue;
		if (rdata_name(m, len, rrs[i].rdoff, rrs[i].rdlen, t, &tl,
			       &e1) < 0 ||
		    rdata_name(m, len, e1,
			       (size_t)rrs[i].rdoff + rrs[i].rdlen - e1, t, &tl,
			       &e2) < 0 ||
		    e2 + 20 != (size_t)rrs[i].rdoff + rrs[i].rdlen)
			return -EBADMSG;
		minimum = get32(m + e2 + 16);
		if (minimum & 0x80000000u)
			minimum = 0;
		out->have_neg_ttl = true;
		out->neg_ttl = rrs[i].ttl < minimum ? rrs[i].ttl : minimum;
		break;
	}
	return 0;
}
