/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: src/common/msgconv.c, the conversions between what an IPv6
 * socket reports and what the owner of an IPv4 socket expects (source
 * addresses, received and sent control messages).  Buffers handed to the
 * code under test are often heap blocks of the exact size, so that a read
 * or write past their end shows up under `make tests SANITIZE=1`. */
#include "check.h"
#include "msgconv.h"
#include "prefix.h"
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <time.h>
#include <linux/errqueue.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SENT 0xa5 /* canary byte */

static uint32_t v4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

static struct sockaddr_in6 sa6(const char *s, uint16_t port)
{
	struct sockaddr_in6 a;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(port);
	a.sin6_flowinfo = htonl(0x12345);
	a.sin6_scope_id = 7;
	if (inet_pton(AF_INET6, s, &a.sin6_addr) != 1)
		abort();
	return a;
}

static struct nat64_prefix pfx(const char *s)
{
	struct nat64_prefix p;

	if (nat64_prefix_parse(s, &p) != 0)
		abort();
	return p;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

static int all_bytes(const void *p, size_t n, unsigned char b)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i] != b)
			return 0;
	return 1;
}

/* Is sin exactly AF_INET addr:port with a zero sin_zero? */
static int is_sin(const struct sockaddr_in *s, const char *addr, uint16_t port)
{
	return s->sin_family == AF_INET && s->sin_port == htons(port) &&
	       s->sin_addr.s_addr == v4(addr) &&
	       all_bytes(s->sin_zero, sizeof(s->sin_zero), 0);
}

static const char *sin_str(const struct sockaddr_in *s)
{
	static char b[4][64];
	static unsigned n;
	char *o = b[n++ % 4];
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
	snprintf(o, sizeof(b[0]), "family %d %s:%u", s->sin_family, a,
		 (unsigned)ntohs(s->sin_port));
	return o;
}

/* ------------------------------------------------------------ addresses */

static void test_addr_mapped(void)
{
	struct sockaddr_in6 in = sa6("::ffff:198.51.100.10", 7);
	struct sockaddr_in out;
	struct nat64_prefix p[1] = { pfx("64:ff9b::/96") };
	int r;

	memset(&out, SENT, sizeof(out));
	r = msgconv_addr_to_v4(&in, p, 1, 0, &out);
	CHECK_INT("addr mapped: result -1", r, -1);
	CHECK_MSG("addr mapped: 198.51.100.10:7, sin_zero clear",
		  is_sin(&out, "198.51.100.10", 7), "got %s", sin_str(&out));

	/* No prefixes at all: a mapped address still converts. */
	memset(&out, SENT, sizeof(out));
	r = msgconv_addr_to_v4(&in, NULL, 0, -1, &out);
	CHECK_INT("addr mapped, no prefixes: result -1", r, -1);
	CHECK("addr mapped, no prefixes: address",
	      is_sin(&out, "198.51.100.10", 7));

	in = sa6("::ffff:0.0.0.0", 0);
	memset(&out, SENT, sizeof(out));
	r = msgconv_addr_to_v4(&in, NULL, 0, -1, &out);
	CHECK_INT("addr mapped 0.0.0.0: result -1", r, -1);
	CHECK("addr mapped 0.0.0.0:0", is_sin(&out, "0.0.0.0", 0));

	in = sa6("::ffff:127.0.0.1", 65535);
	r = msgconv_addr_to_v4(&in, NULL, 0, -1, &out);
	CHECK("addr mapped 127.0.0.1:65535",
	      r == -1 && is_sin(&out, "127.0.0.1", 65535));

	/* Not mapped: ::198.51.100.10 (deprecated compatible) and
	 * ::fffe:... must not be read as mapped. */
	in = sa6("::198.51.100.10", 7);
	memset(&out, SENT, sizeof(out));
	r = msgconv_addr_to_v4(&in, NULL, 0, -1, &out);
	CHECK_INT("addr v4-compatible is not mapped", r, -2);
	CHECK("addr v4-compatible: out untouched",
	      all_bytes(&out, sizeof(out), SENT));
	in = sa6("::fffe:c633:640a", 7);
	r = msgconv_addr_to_v4(&in, NULL, 0, -1, &out);
	CHECK_INT("addr ::fffe:... is not mapped", r, -2);
}

/* Every RFC 6052 length: synthesize, then convert back. */
static void test_addr_each_length(void)
{
	static const char *const prefixes[] = {
		"2001:db8::/32", "2001:db8:100::/40", "2001:db8:122::/48",
		"2001:db8:122:300::/56", "2001:db8:64::/64",
		"2001:db8:64::/96", "64:ff9b::/96",
	};
	static const char *const addrs[] = {
		"198.51.100.10", "203.0.113.255", "192.0.2.1", "0.0.0.0",
		"255.255.255.255",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		struct nat64_prefix p[1] = { pfx(prefixes[i]) };

		for (size_t j = 0; j < sizeof(addrs) / sizeof(addrs[0]); j++) {
			struct sockaddr_in6 in;
			struct sockaddr_in out;
			int r;

			memset(&in, 0, sizeof(in));
			in.sin6_family = AF_INET6;
			in.sin6_port = htons(5353);
			nat64_synth(&p[0], v4(addrs[j]), in.sin6_addr.s6_addr);
			memset(&out, SENT, sizeof(out));
			r = msgconv_addr_to_v4(&in, p, 1, -1, &out);
			CHECK_MSG(tname("addr %s in %s", addrs[j], prefixes[i]),
				  r == 0 && is_sin(&out, addrs[j], 5353),
				  "result %d, got %s", r, sin_str(&out));
			/* The same with prefer pointing at it. */
			memset(&out, SENT, sizeof(out));
			r = msgconv_addr_to_v4(&in, p, 1, 0, &out);
			CHECK_MSG(tname("addr %s in %s, prefer 0", addrs[j],
					prefixes[i]),
				  r == 0 && is_sin(&out, addrs[j], 5353),
				  "result %d, got %s", r, sin_str(&out));
		}
	}
}

/* Overlapping prefixes: an address synthesized under 2001:db8:64::/64 also
 * lies inside 2001:db8::/32 (which reads a different IPv4 address out of
 * it).  The prefix the socket talks through (prefer) decides; without
 * one, the first matching prefix in configuration order. */
static void test_addr_prefer(void)
{
	struct nat64_prefix p[3] = {
		pfx("64:ff9b::/96"), pfx("2001:db8::/32"),
		pfx("2001:db8:64::/64"),
	};
	struct sockaddr_in6 in;
	struct sockaddr_in out;
	uint32_t via32;
	int r;

	memset(&in, 0, sizeof(in));
	in.sin6_family = AF_INET6;
	in.sin6_port = htons(7);
	nat64_synth(&p[2], v4("198.51.100.10"), in.sin6_addr.s6_addr);
	if (!nat64_extract(&p[1], in.sin6_addr.s6_addr, &via32))
		abort(); /* the premise of this test */

	r = msgconv_addr_to_v4(&in, p, 3, 2, &out);
	CHECK_INT("prefer 2 (/64): index", r, 2);
	CHECK_MSG("prefer 2 (/64): 198.51.100.10:7",
		  is_sin(&out, "198.51.100.10", 7), "got %s", sin_str(&out));

	r = msgconv_addr_to_v4(&in, p, 3, -1, &out);
	CHECK_INT("no preference: first match (/32) index", r, 1);
	CHECK_MSG("no preference: /32 reading",
		  out.sin_family == AF_INET && out.sin_addr.s_addr == via32 &&
		  out.sin_port == htons(7), "got %s", sin_str(&out));

	/* prefer names a prefix that does not contain the address: search. */
	r = msgconv_addr_to_v4(&in, p, 3, 0, &out);
	CHECK_INT("prefer 0 (not containing): falls back to index 1", r, 1);

	/* prefer out of range (>= npfx, 0xff-like): search, no crash. */
	r = msgconv_addr_to_v4(&in, p, 3, 3, &out);
	CHECK_INT("prefer == npfx: search", r, 1);
	r = msgconv_addr_to_v4(&in, p, 3, 254, &out);
	CHECK_INT("prefer 254: search", r, 1);
	/* prefer 2 but only 2 prefixes passed: index 2 is not looked at. */
	r = msgconv_addr_to_v4(&in, p, 2, 2, &out);
	CHECK_INT("prefer beyond npfx ignored", r, 1);

	/* The /96 well-known prefix among them. */
	in = sa6("64:ff9b::203.0.113.5", 443);
	r = msgconv_addr_to_v4(&in, p, 3, 2, &out);
	CHECK_MSG("wkp with prefer 2 (not containing)",
		  r == 0 && is_sin(&out, "203.0.113.5", 443),
		  "result %d, got %s", r, sin_str(&out));
}

static void test_addr_unrepresentable(void)
{
	struct nat64_prefix p[3] = {
		pfx("64:ff9b::/96"), pfx("2001:db8:64::/64"),
		pfx("2001:db8:122::/48"),
	};
	static const char *const no[] = {
		"2001:db8:1::2",             /* the client subnet */
		"::1", "::", "fe80::1",
		"2001:db8:64:0:100:c633:640a:0", /* /64, non-zero u-octet */
		"2001:db8:122:c633:ff64:a00::", /* /48, u-octet 0xff */
		"64:ff9a::c633:640a",        /* one bit off the wkp */
		"ff02::1",
	};

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		struct sockaddr_in6 in = sa6(no[i], 9);
		struct sockaddr_in out;
		int r;

		memset(&out, SENT, sizeof(out));
		r = msgconv_addr_to_v4(&in, p, 3, 1, &out);
		CHECK_MSG(tname("unrepresentable %s", no[i]),
			  r == -2 && all_bytes(&out, sizeof(out), SENT),
			  "result %d, out %s", r,
			  all_bytes(&out, sizeof(out), SENT) ? "untouched"
							     : "written");
	}
}

static void test_v4_to_mapped(void)
{
	struct sockaddr_in in;
	struct sockaddr_in6 out;
	struct sockaddr_in back;
	uint8_t want[16];
	int r;

	memset(&in, SENT, sizeof(in)); /* garbage in sin_zero */
	in.sin_family = AF_INET;
	in.sin_port = htons(53);
	in.sin_addr.s_addr = v4("198.51.100.10");
	memset(&out, SENT, sizeof(out));
	msgconv_v4_to_mapped(&in, &out);
	if (inet_pton(AF_INET6, "::ffff:198.51.100.10", want) != 1)
		abort();
	CHECK_INT("v4_to_mapped: family", out.sin6_family, AF_INET6);
	CHECK_INT("v4_to_mapped: port", ntohs(out.sin6_port), 53);
	CHECK("v4_to_mapped: address ::ffff:198.51.100.10",
	      memcmp(out.sin6_addr.s6_addr, want, 16) == 0);
	CHECK("v4_to_mapped: flowinfo and scope zero",
	      out.sin6_flowinfo == 0 && out.sin6_scope_id == 0);

	r = msgconv_addr_to_v4(&out, NULL, 0, -1, &back);
	CHECK("v4_to_mapped round trip",
	      r == -1 && is_sin(&back, "198.51.100.10", 53));

	in.sin_addr.s_addr = v4("255.255.255.255");
	in.sin_port = 0;
	msgconv_v4_to_mapped(&in, &out);
	r = msgconv_addr_to_v4(&out, NULL, 0, -1, &back);
	CHECK("v4_to_mapped round trip 255.255.255.255:0",
	      r == -1 && is_sin(&back, "255.255.255.255", 0));
}

/* ------------------------------------------------------ control messages */

struct cm {
	int level, type;
	size_t len;                /* data bytes */
	unsigned char data[64];
};

static struct cm mk(int level, int type, const void *data, size_t len)
{
	struct cm c;

	memset(&c, 0, sizeof(c));
	c.level = level;
	c.type = type;
	c.len = len;
	memcpy(c.data, data, len);
	return c;
}

static struct cm mk_int(int level, int type, int v)
{
	return mk(level, type, &v, sizeof(v));
}

/* Lay out msgs as the kernel does (CMSG_SPACE each; the last one without
 * its padding if short_last).  Returns the length. */
static size_t build(unsigned char *buf, size_t cap, const struct cm *msgs,
		    size_t n, int short_last)
{
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		struct cmsghdr h;
		size_t sp = CMSG_SPACE(msgs[i].len);

		if (off + sp > cap)
			abort();
		memset(buf + off, 0, sp);
		memset(&h, 0, sizeof(h));
		h.cmsg_len = CMSG_LEN(msgs[i].len);
		h.cmsg_level = msgs[i].level;
		h.cmsg_type = msgs[i].type;
		memcpy(buf + off, &h, sizeof(h));
		memcpy(buf + off + CMSG_LEN(0), msgs[i].data, msgs[i].len);
		off += (short_last && i + 1 == n) ? CMSG_LEN(msgs[i].len) : sp;
	}
	return off;
}

/* Parse what the code under test wrote: every byte up to len must belong
 * to a whole message (padding included; the last may lack its padding).
 * Returns the number of messages, or -1 if the layout is wrong. */
static int parse(const unsigned char *buf, size_t len, struct cm *out,
		 size_t max)
{
	size_t off = 0;
	int n = 0;

	while (off < len) {
		struct cmsghdr h;

		if (len - off < sizeof(h) || (size_t)n >= max)
			return -1;
		memcpy(&h, buf + off, sizeof(h));
		if (h.cmsg_len < CMSG_LEN(0) || h.cmsg_len > len - off ||
		    h.cmsg_len - CMSG_LEN(0) > sizeof(out[0].data))
			return -1;
		out[n] = mk(h.cmsg_level, h.cmsg_type, buf + off + CMSG_LEN(0),
			    h.cmsg_len - CMSG_LEN(0));
		n++;
		if (len - off <= CMSG_ALIGN(h.cmsg_len))
			off = len; /* last, possibly unpadded */
		else
			off += CMSG_ALIGN(h.cmsg_len);
	}
	/* glibc's own walker must agree. */
	{
		struct msghdr m;
		struct cmsghdr *c;
		int k = 0;
		void *copy = xmalloc(len);

		memcpy(copy, buf, len);
		memset(&m, 0, sizeof(m));
		m.msg_control = copy;
		m.msg_controllen = len;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			k++;
		free(copy);
		if (k != n)
			return -1;
	}
	return n;
}

static int cm_eq(const struct cm *a, const struct cm *b)
{
	return a->level == b->level && a->type == b->type &&
	       a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static const char *cm_str(const struct cm *c)
{
	static char b[4][96];
	static unsigned k;
	char *o = b[k++ % 4];

	snprintf(o, sizeof(b[0]), "level %d type %d len %zu", c->level,
		 c->type, c->len);
	return o;
}

/* Run msgconv_cmsg_to_v4 on an exact-size copy of src into an exact-size
 * dst of cap bytes; parse the result into out.  Returns the message count
 * (-1: bad layout), sets *ret and *trunc. */
static int run_v4(const unsigned char *src, size_t srclen, size_t cap,
		  uint32_t local, struct cm *out, size_t max, size_t *ret,
		  int *trunc)
{
	unsigned char *s = xmalloc(srclen), *d = xmalloc(cap);
	int n;

	memcpy(s, src, srclen);
	memset(d, SENT, cap);
	*trunc = -1;
	*ret = msgconv_cmsg_to_v4(srclen ? s : NULL, srclen, cap ? d : NULL,
				  cap, local, trunc);
	n = *ret <= cap ? parse(d, *ret, out, max) : -1;
	free(s);
	free(d);
	return n;
}

static int run_v6(const unsigned char *src, size_t srclen, size_t cap,
		  struct cm *out, size_t max, size_t *ret, int *ovf)
{
	unsigned char *s = xmalloc(srclen), *d = xmalloc(cap);
	int n;

	memcpy(s, src, srclen);
	memset(d, SENT, cap);
	*ovf = -1;
	*ret = msgconv_cmsg_to_v6(srclen ? s : NULL, srclen, cap ? d : NULL,
				  cap, ovf);
	n = *ret <= cap ? parse(d, *ret, out, max) : -1;
	free(s);
	free(d);
	return n;
}

static struct cm pktinfo6(unsigned ifindex, const char *addr)
{
	struct in6_pktinfo p;

	memset(&p, 0, sizeof(p));
	p.ipi6_ifindex = ifindex;
	if (inet_pton(AF_INET6, addr, &p.ipi6_addr) != 1)
		abort();
	return mk(IPPROTO_IPV6, IPV6_PKTINFO, &p, sizeof(p));
}

static struct cm pktinfo4(int ifindex, uint32_t spec, uint32_t addr)
{
	struct in_pktinfo p;

	memset(&p, 0, sizeof(p));
	p.ipi_ifindex = ifindex;
	p.ipi_spec_dst.s_addr = spec;
	p.ipi_addr.s_addr = addr;
	return mk(IPPROTO_IP, IP_PKTINFO, &p, sizeof(p));
}

static struct cm tos1(unsigned char t)
{
	return mk(IPPROTO_IP, IP_TOS, &t, 1);
}

/* One conversion: src messages in, expected messages out, all caps from
 * 0 to plenty checked against the whole-message rule. */
static void expect_v4(const char *name, const struct cm *in, size_t nin,
		      uint32_t local, const struct cm *want, size_t nwant)
{
	unsigned char src[1024], full[1024];
	struct cm got[16];
	size_t srclen, ret, fulllen, need;
	int n, trunc, ok;

	for (int short_last = 0; short_last < 2; short_last++) {
		const char *nm = tname("%s%s", name,
				       short_last ? " (source unpadded)" : "");

		srclen = build(src, sizeof(src), in, nin, short_last);
		n = run_v4(src, srclen, 512, local, got, 16, &ret, &trunc);
		ok = n == (int)nwant && trunc == 0;
		for (size_t i = 0; ok && i < nwant; i++)
			ok = cm_eq(&got[i], &want[i]);
		if (!CHECK_MSG(nm, ok, "%d messages (want %zu), truncated %d%s%s",
			       n, nwant, trunc, n > 0 ? ", first " : "",
			       n > 0 ? cm_str(&got[0]) : ""))
			continue;
		/* The result is laid out as the kernel would: CMSG_SPACE
		 * each (the builder's layout of the wanted messages). */
		fulllen = build(full, sizeof(full), want, nwant, 0);
		CHECK_MSG(tname("%s: length", nm), ret == fulllen,
			  "returned %zu, want %zu", ret, fulllen);
	}

	/* Every smaller destination: only whole messages, flag set when one
	 * was dropped, nothing written past cap (ASan). */
	srclen = build(src, sizeof(src), in, nin, 0);
	fulllen = build(full, sizeof(full), want, nwant, 0);
	need = nwant ? fulllen - (CMSG_SPACE(want[nwant - 1].len) -
				  CMSG_LEN(want[nwant - 1].len)) : 0;
	ok = 1;
	for (size_t cap = 0; cap <= fulllen + 8 && ok; cap++) {
		size_t whole = 0, used = 0;

		/* How many of the wanted messages fit whole in cap. */
		while (whole < nwant &&
		       used + CMSG_LEN(want[whole].len) <= cap) {
			used += CMSG_SPACE(want[whole].len);
			whole++;
		}
		n = run_v4(src, srclen, cap, local, got, 16, &ret, &trunc);
		if (n != (int)whole || ret > cap ||
		    trunc != (whole < nwant) ||
		    (cap >= need && whole != nwant)) {
			ok = 0;
			CHECK_MSG(tname("%s: truncated at cap %zu", name, cap),
				  0, "%d messages (want %zu), returned %zu, "
				  "truncated %d", n, whole, ret, trunc);
		}
		for (size_t i = 0; ok && i < whole; i++) {
			if (!cm_eq(&got[i], &want[i])) {
				ok = 0;
				CHECK_MSG(tname("%s: truncated at cap %zu",
						name, cap), 0,
					  "message %zu differs: %s", i,
					  cm_str(&got[i]));
			}
		}
	}
	if (ok)
		CHECK(tname("%s: every cap 0..%zu", name, fulllen + 8), 1);
}

static void test_cmsg_v4_conversions(void)
{
	uint32_t local = v4("192.0.2.2");
	struct cm in[8], want[8];
	struct timeval tv = { .tv_sec = 1700000000, .tv_usec = 123456 };
	uint32_t ovfl = 3;

	in[0] = pktinfo6(3, "2001:db8:1::2");
	want[0] = pktinfo4(3, local, local);
	expect_v4("cmsg v4: IPV6_PKTINFO -> IP_PKTINFO", in, 1, local, want, 1);

	in[0] = pktinfo6(7, "::ffff:127.0.0.1");
	want[0] = pktinfo4(7, 0, 0);
	expect_v4("cmsg v4: IPV6_PKTINFO, unbound (0.0.0.0)", in, 1, 0,
		  want, 1);

	in[0] = mk_int(IPPROTO_IPV6, IPV6_TCLASS, 0xb8);
	want[0] = tos1(0xb8);
	expect_v4("cmsg v4: IPV6_TCLASS -> IP_TOS 1 byte", in, 1, 0, want, 1);

	in[0] = mk_int(IPPROTO_IPV6, IPV6_TCLASS, 0x1fe);
	want[0] = tos1(0xfe);
	expect_v4("cmsg v4: IPV6_TCLASS > 255 -> low byte", in, 1, 0, want, 1);

	in[0] = mk_int(IPPROTO_IPV6, IPV6_TCLASS, 0);
	want[0] = tos1(0);
	expect_v4("cmsg v4: IPV6_TCLASS 0", in, 1, 0, want, 1);

	in[0] = mk_int(IPPROTO_IPV6, IPV6_HOPLIMIT, 62);
	want[0] = mk_int(IPPROTO_IP, IP_TTL, 62);
	expect_v4("cmsg v4: IPV6_HOPLIMIT -> IP_TTL", in, 1, 0, want, 1);

	/* Copied unchanged: socket-level, IPv4-level, other IPv6 ones. */
	in[0] = mk(SOL_SOCKET, SO_TIMESTAMP, &tv, sizeof(tv));
	in[1] = mk(SOL_SOCKET, SO_RXQ_OVFL, &ovfl, sizeof(ovfl));
	in[2] = mk_int(IPPROTO_IP, IP_TTL, 64);
	in[3] = mk_int(IPPROTO_IPV6, 11 /* IPV6_FLOWINFO */, 0x12345);
	in[4] = mk(IPPROTO_UDP, 103 /* UDP_GRO */, &ovfl, 2);
	in[5] = mk(IPPROTO_IPV6, IPV6_PKTINFO, "short", 5); /* too short */
	in[6] = mk(IPPROTO_IPV6, IPV6_TCLASS, "\x20", 1);    /* too short */
	memcpy(want, in, sizeof(struct cm) * 7);
	expect_v4("cmsg v4: others copied unchanged", in, 7, local, want, 7);

	/* All three together, order kept, with unconverted ones between. */
	in[0] = mk(SOL_SOCKET, SO_TIMESTAMP, &tv, sizeof(tv));
	in[1] = pktinfo6(2, "2001:db8:1::2");
	in[2] = mk_int(IPPROTO_IPV6, IPV6_HOPLIMIT, 63);
	in[3] = mk_int(IPPROTO_IPV6, IPV6_TCLASS, 0x28);
	in[4] = mk(SOL_SOCKET, SO_RXQ_OVFL, &ovfl, sizeof(ovfl));
	want[0] = in[0];
	want[1] = pktinfo4(2, local, local);
	want[2] = mk_int(IPPROTO_IP, IP_TTL, 63);
	want[3] = tos1(0x28);
	want[4] = in[4];
	expect_v4("cmsg v4: mixed, order kept", in, 5, local, want, 5);
}

/* An IPv4 datagram on a dual-stack socket may carry both forms: only the
 * IPv4 one stays, whichever comes first. */
static void test_cmsg_v4_duplicates(void)
{
	uint32_t local = v4("192.0.2.2");
	struct cm in[8], want[8];

	in[0] = pktinfo6(4, "::ffff:127.0.0.1");
	in[1] = pktinfo4(4, v4("127.0.0.1"), v4("127.0.0.1"));
	want[0] = in[1];
	expect_v4("cmsg v4: dup PKTINFO (v6 first)", in, 2, local, want, 1);
	in[0] = pktinfo4(4, v4("127.0.0.1"), v4("127.0.0.1"));
	in[1] = pktinfo6(4, "::ffff:127.0.0.1");
	want[0] = in[0];
	expect_v4("cmsg v4: dup PKTINFO (v4 first)", in, 2, local, want, 1);

	in[0] = mk_int(IPPROTO_IPV6, IPV6_TCLASS, 0x10);
	in[1] = tos1(0x10);
	want[0] = in[1];
	expect_v4("cmsg v4: dup TOS", in, 2, local, want, 1);

	in[0] = mk_int(IPPROTO_IPV6, IPV6_HOPLIMIT, 64);
	in[1] = mk_int(IPPROTO_IP, IP_TTL, 64);
	want[0] = in[1];
	expect_v4("cmsg v4: dup TTL", in, 2, local, want, 1);

	/* Only TOS has an IPv4 twin: HOPLIMIT is still converted. */
	in[0] = mk_int(IPPROTO_IPV6, IPV6_HOPLIMIT, 61);
	in[1] = tos1(0x04);
	in[2] = mk_int(IPPROTO_IPV6, IPV6_TCLASS, 0x04);
	in[3] = pktinfo6(5, "2001:db8:1::2");
	want[0] = mk_int(IPPROTO_IP, IP_TTL, 61);
	want[1] = tos1(0x04);
	want[2] = pktinfo4(5, local, local);
	expect_v4("cmsg v4: partial duplicates", in, 4, local, want, 3);
}

static void test_cmsg_v4_edges(void)
{
	unsigned char buf[256], d[64];
	struct cm in[2], got[4];
	size_t len, ret;
	int n, trunc;

	/* Zero-length source, NULL pointers, zero cap. */
	trunc = -1;
	ret = msgconv_cmsg_to_v4(NULL, 0, NULL, 0, 0, &trunc);
	CHECK("cmsg v4: empty source, NULL buffers", ret == 0 && trunc == 0);
	memset(d, SENT, sizeof(d));
	trunc = -1;
	ret = msgconv_cmsg_to_v4(buf, 0, d, sizeof(d), 0, &trunc);
	CHECK("cmsg v4: empty source writes nothing",
	      ret == 0 && trunc == 0 && all_bytes(d, sizeof(d), SENT));

	/* A message into cap 0 / NULL destination: dropped, flagged. */
	in[0] = mk_int(IPPROTO_IPV6, IPV6_HOPLIMIT, 64);
	len = build(buf, sizeof(buf), in, 1, 0);
	trunc = -1;
	ret = msgconv_cmsg_to_v4(buf, len, NULL, 0, 0, &trunc);
	CHECK("cmsg v4: NULL destination, cap 0", ret == 0 && trunc == 1);

	/* Exactly CMSG_LEN fits (no room for padding): kept whole. */
	in[0] = pktinfo6(1, "2001:db8:1::2");
	len = build(buf, sizeof(buf), in, 1, 0);
	n = run_v4(buf, len, CMSG_LEN(sizeof(struct in_pktinfo)), 0, got, 4,
		   &ret, &trunc);
	CHECK_MSG("cmsg v4: cap == CMSG_LEN(in_pktinfo) holds it", n == 1 &&
		  trunc == 0 && ret == CMSG_LEN(sizeof(struct in_pktinfo)),
		  "n %d trunc %d ret %zu", n, trunc, ret);
	n = run_v4(buf, len, CMSG_LEN(sizeof(struct in_pktinfo)) - 1, 0, got,
		   4, &ret, &trunc);
	CHECK_MSG("cmsg v4: cap one short drops it", n == 0 && trunc == 1 &&
		  ret == 0, "n %d trunc %d ret %zu", n, trunc, ret);
	/* A program sizes for IPv4: CMSG_SPACE(in_pktinfo) must hold the
	 * converted IPV6_PKTINFO (which itself is larger). */
	n = run_v4(buf, len, CMSG_SPACE(sizeof(struct in_pktinfo)), 0, got, 4,
		   &ret, &trunc);
	CHECK("cmsg v4: IPv4-sized buffer takes converted PKTINFO",
	      n == 1 && trunc == 0);
}

/* Malformed sources (cmsg_len lies): no read past srclen (the source is
 * an exact-size heap block), only whole messages out. */
static void test_cmsg_malformed(void)
{
	static const size_t bad_lens[] = {
		0, 1, sizeof(struct cmsghdr) - 1, 100000, (size_t)-1,
		(size_t)-16, (size_t)1 << 40,
	};
	unsigned char buf[256];
	struct cm in[2], got[8];
	size_t len, ret;
	int n, flag;

	in[0] = mk_int(IPPROTO_IPV6, IPV6_HOPLIMIT, 64);
	in[1] = mk_int(IPPROTO_IPV6, IPV6_TCLASS, 0x20);
	for (size_t i = 0; i < sizeof(bad_lens) / sizeof(bad_lens[0]); i++) {
		struct cmsghdr h;

		/* the second message's cmsg_len is wrong */
		len = build(buf, sizeof(buf), in, 2, 0);
		memcpy(&h, buf + CMSG_SPACE(sizeof(int)), sizeof(h));
		h.cmsg_len = bad_lens[i];
		memcpy(buf + CMSG_SPACE(sizeof(int)), &h, sizeof(h));
		n = run_v4(buf, len, 256, 0, got, 8, &ret, &flag);
		CHECK_MSG(tname("cmsg v4: bad cmsg_len %zu ignored",
				bad_lens[i]),
			  n == 1 && got[0].level == IPPROTO_IP &&
			  got[0].type == IP_TTL, "n %d", n);
		n = run_v6(buf, len, 256, got, 8, &ret, &flag);
		CHECK_MSG(tname("cmsg v6: bad cmsg_len %zu ignored",
				bad_lens[i]), n == 1 && flag == 0,
			  "n %d overflow %d", n, flag);
		/* ... and as the first one: nothing */
		memcpy(&h, buf, sizeof(h));
		h.cmsg_len = bad_lens[i];
		memcpy(buf, &h, sizeof(h));
		n = run_v4(buf, len, 256, 0, got, 8, &ret, &flag);
		CHECK_MSG(tname("cmsg v4: bad first cmsg_len %zu", bad_lens[i]),
			  n == 0 && ret == 0, "n %d ret %zu", n, ret);
		n = run_v6(buf, len, 256, got, 8, &ret, &flag);
		CHECK_MSG(tname("cmsg v6: bad first cmsg_len %zu", bad_lens[i]),
			  n == 0 && ret == 0, "n %d ret %zu", n, ret);
	}

	/* Source shorter than a header; cmsg_len claiming more than srclen
	 * (the kernel's truncated last message, MSG_CTRUNC). */
	len = build(buf, sizeof(buf), in, 2, 0);
	for (size_t cut = 0; cut <= len; cut++) {
		size_t whole = cut >= 2 * CMSG_SPACE(sizeof(int)) - 0 ? 2
			     : cut >= CMSG_SPACE(sizeof(int)) +
				      CMSG_LEN(sizeof(int)) ? 2
			     : cut >= CMSG_LEN(sizeof(int)) ? 1 : 0;

		n = run_v4(buf, cut, 256, 0, got, 8, &ret, &flag);
		if (n != (int)whole) {
			CHECK_MSG(tname("cmsg v4: source cut at %zu", cut), 0,
				  "%d messages, want %zu", n, whole);
			break;
		}
		n = run_v6(buf, cut, 256, got, 8, &ret, &flag);
		if (n != (int)whole) {
			CHECK_MSG(tname("cmsg v6: source cut at %zu", cut), 0,
				  "%d messages, want %zu", n, whole);
			break;
		}
		if (cut == len)
			CHECK("cmsg: source cut at every length", 1);
	}
}

/* Pseudo-random buffers (fixed seed): exact-size source and destination,
 * result must be well-formed and within cap. */
static void test_cmsg_fuzz(void)
{
	uint32_t x = 12345;
	int bad = 0;

	for (int iter = 0; iter < 20000 && !bad; iter++) {
		unsigned char src[160];
		struct cm got[64];
		size_t srclen, cap, ret;
		int n, flag;

		x = x * 1103515245u + 12345u;
		srclen = (x >> 8) % sizeof(src);
		for (size_t i = 0; i < srclen; i++) {
			x = x * 1103515245u + 12345u;
			src[i] = (unsigned char)(x >> 16);
		}
		/* make some headers plausible */
		for (size_t off = 0; off + sizeof(struct cmsghdr) <= srclen;
		     off += 24) {
			struct cmsghdr h;
			static const int lv[] = { IPPROTO_IP, IPPROTO_IPV6,
						  SOL_SOCKET };

			x = x * 1103515245u + 12345u;
			if (x & 0x10000)
				continue;
			memcpy(&h, src + off, sizeof(h));
			h.cmsg_len = CMSG_LEN((x >> 17) % 24);
			h.cmsg_level = lv[(x >> 22) % 3];
			h.cmsg_type = (int)((x >> 24) % 12);
			memcpy(src + off, &h, sizeof(h));
		}
		x = x * 1103515245u + 12345u;
		cap = (x >> 8) % 200;
		n = run_v4(src, srclen, cap, 0x0102a8c0, got, 64, &ret, &flag);
		if (n < 0 || ret > cap || (flag != 0 && flag != 1))
			bad = 1;
		n = run_v6(src, srclen, cap, got, 64, &ret, &flag);
		if (n < 0 || ret > cap || (flag != 0 && flag != 1) ||
		    (flag && ret))
			bad = 1;
		if (bad)
			CHECK_MSG("cmsg fuzz", 0, "iteration %d: srclen %zu "
				  "cap %zu n %d ret %zu flag %d", iter, srclen,
				  cap, n, ret, flag);
	}
	if (!bad)
		CHECK("cmsg fuzz: 20000 random buffers, both directions", 1);
}

/* ----------------------------------------------------------- v4 -> v6 */

static void expect_v6(const char *name, const struct cm *in, size_t nin,
		      const struct cm *want, size_t nwant)
{
	unsigned char src[1024], full[1024];
	struct cm got[16];
	size_t srclen, ret, fulllen, need;
	int n, ovf, ok;

	for (int short_last = 0; short_last < 2; short_last++) {
		const char *nm = tname("%s%s", name,
				       short_last ? " (source unpadded)" : "");

		srclen = build(src, sizeof(src), in, nin, short_last);
		n = run_v6(src, srclen, 1024, got, 16, &ret, &ovf);
		ok = n == (int)nwant && ovf == 0;
		for (size_t i = 0; ok && i < nwant; i++)
			ok = cm_eq(&got[i], &want[i]);
		if (!CHECK_MSG(nm, ok, "%d messages (want %zu), overflow %d%s%s",
			       n, nwant, ovf, n > 0 ? ", first " : "",
			       n > 0 ? cm_str(&got[0]) : ""))
			continue;
		fulllen = build(full, sizeof(full), want, nwant, 0);
		CHECK_MSG(tname("%s: length", nm), ret == fulllen,
			  "returned %zu, want %zu", ret, fulllen);
	}
	/* Smaller destinations: all or nothing. */
	srclen = build(src, sizeof(src), in, nin, 0);
	fulllen = build(full, sizeof(full), want, nwant, 0);
	need = nwant ? fulllen - (CMSG_SPACE(want[nwant - 1].len) -
				  CMSG_LEN(want[nwant - 1].len)) : 0;
	ok = 1;
	for (size_t cap = 0; cap < need && ok; cap++) {
		n = run_v6(src, srclen, cap, got, 16, &ret, &ovf);
		if (ret != 0 || ovf != 1) {
			ok = 0;
			CHECK_MSG(tname("%s: overflow at cap %zu", name, cap),
				  0, "returned %zu, overflow %d", ret, ovf);
		}
	}
	if (ok && nwant) {
		n = run_v6(src, srclen, need, got, 16, &ret, &ovf);
		ok = n == (int)nwant && ovf == 0;
		CHECK_MSG(tname("%s: overflow below %zu, fits at %zu", name,
				need, need), ok, "at %zu: n %d overflow %d",
			  need, n, ovf);
	}
}

static void test_cmsg_v6(void)
{
	struct cm in[8], want[8];
	struct in6_pktinfo p6;
	uint32_t ovfl = 9;
	uint16_t seg = 1200;

	in[0] = mk_int(IPPROTO_IP, IP_TOS, 0x20);
	want[0] = mk_int(IPPROTO_IPV6, IPV6_TCLASS, 0x20);
	expect_v6("cmsg v6: IP_TOS int -> IPV6_TCLASS", in, 1, want, 1);

	in[0] = tos1(0xb8);
	want[0] = mk_int(IPPROTO_IPV6, IPV6_TCLASS, 0xb8);
	expect_v6("cmsg v6: IP_TOS 1 byte -> IPV6_TCLASS", in, 1, want, 1);

	in[0] = mk_int(IPPROTO_IP, IP_TTL, 33);
	want[0] = mk_int(IPPROTO_IPV6, IPV6_HOPLIMIT, 33);
	expect_v6("cmsg v6: IP_TTL -> IPV6_HOPLIMIT", in, 1, want, 1);

	in[0] = pktinfo4(6, v4("192.0.2.2"), v4("198.51.100.10"));
	memset(&p6, 0, sizeof(p6));
	p6.ipi6_ifindex = 6;
	want[0] = mk(IPPROTO_IPV6, IPV6_PKTINFO, &p6, sizeof(p6));
	expect_v6("cmsg v6: IP_PKTINFO -> IPV6_PKTINFO (ifindex only)", in, 1,
		  want, 1);

	in[0] = mk(SOL_SOCKET, SO_RXQ_OVFL, &ovfl, sizeof(ovfl));
	in[1] = mk(IPPROTO_UDP, 103 /* UDP_SEGMENT */, &seg, sizeof(seg));
	in[2] = mk_int(IPPROTO_IPV6, IPV6_HOPLIMIT, 5);
	in[3] = mk(IPPROTO_IP, IP_TTL, "\x05", 1); /* too short: as is */
	memcpy(want, in, sizeof(struct cm) * 4);
	expect_v6("cmsg v6: others copied unchanged", in, 4, want, 4);

	in[0] = pktinfo4(2, 0, 0);
	in[1] = tos1(0x40);
	in[2] = mk(IPPROTO_UDP, 103, &seg, sizeof(seg));
	in[3] = mk_int(IPPROTO_IP, IP_TTL, 200);
	memset(&p6, 0, sizeof(p6));
	p6.ipi6_ifindex = 2;
	want[0] = mk(IPPROTO_IPV6, IPV6_PKTINFO, &p6, sizeof(p6));
	want[1] = mk_int(IPPROTO_IPV6, IPV6_TCLASS, 0x40);
	want[2] = in[2];
	want[3] = mk_int(IPPROTO_IPV6, IPV6_HOPLIMIT, 200);
	expect_v6("cmsg v6: mixed, order kept", in, 4, want, 4);

	{
		size_t ret;
		int ovf = -1;

		ret = msgconv_cmsg_to_v6(NULL, 0, NULL, 0, &ovf);
		CHECK("cmsg v6: empty source", ret == 0 && ovf == 0);
	}
}

/* An IPV6_RECVERR control message as the kernel makes it. */
static size_t errq6(void *buf, uint8_t origin, uint8_t type, uint8_t code,
		    uint32_t info, uint32_t err, const char *offender)
{
	struct sock_extended_err ee;
	struct sockaddr_in6 off;
	struct cmsghdr h;

	memset(&ee, 0, sizeof(ee));
	ee.ee_errno = err;
	ee.ee_origin = origin;
	ee.ee_type = type;
	ee.ee_code = code;
	ee.ee_info = info;
	memset(&off, 0, sizeof(off));
	if (offender)
		off = sa6(offender, 0);
	memset(&h, 0, sizeof(h));
	h.cmsg_len = CMSG_LEN(sizeof(ee) + sizeof(off));
	h.cmsg_level = IPPROTO_IPV6;
	h.cmsg_type = IPV6_RECVERR;
	memset(buf, 0, CMSG_SPACE(sizeof(ee) + sizeof(off)));
	memcpy(buf, &h, sizeof(h));
	memcpy((char *)buf + CMSG_LEN(0), &ee, sizeof(ee));
	memcpy((char *)buf + CMSG_LEN(sizeof(ee)), &off, sizeof(off));
	return CMSG_SPACE(sizeof(ee) + sizeof(off));
}

/* Error-queue entries of translated sockets in IP_RECVERR form. */
static void test_errqueue(void)
{
	static const struct {
		const char *name;
		uint8_t origin, type, code;
		uint32_t info, err;
		const char *offender;
		bool kept;
		uint8_t origin4, type4, code4;
		uint32_t info4, err4;
		const char *offender4;
	} t[] = {
		{ "time exceeded from an IPv4 router", 3, 3, 0, 0, EHOSTUNREACH,
		  "64:ff9b::cb00:7102", true, 2, 11, 0, 0, EHOSTUNREACH,
		  "203.0.113.2" },
		{ "time exceeded from an IPv6-only hop", 3, 3, 0, 0, EHOSTUNREACH,
		  "2001:db8:1::1", true, 2, 11, 0, 0, EHOSTUNREACH, "192.0.0.8" },
		{ "port unreachable", 3, 1, 4, 0, ECONNREFUSED,
		  "64:ff9b::c633:640a", true, 2, 3, 3, 0, ECONNREFUSED,
		  "198.51.100.10" },
		{ "no route becomes host unreachable", 3, 1, 0, 0, ENETUNREACH,
		  "64:ff9b::c633:640a", true, 2, 3, 1, 0, EHOSTUNREACH,
		  "198.51.100.10" },
		{ "admin prohibited", 3, 1, 1, 0, EACCES, "64:ff9b::c633:640a",
		  true, 2, 3, 10, 0, EHOSTUNREACH, "198.51.100.10" },
		{ "packet too big: MTU less 20", 3, 2, 0, 1320, EMSGSIZE,
		  "64:ff9b::cb00:7102", true, 2, 3, 4, 1300, EMSGSIZE,
		  "203.0.113.2" },
		{ "parameter problem pointer", 3, 4, 0, 7, EPROTO,
		  "2001:db8:1::1", true, 2, 12, 0, 8, EPROTO, "192.0.0.8" },
		{ "local EMSGSIZE: MTU less 20", 1, 0, 0, 1320, EMSGSIZE, NULL,
		  true, 1, 0, 0, 1300, EMSGSIZE, "0.0.0.0" },
		{ "policy failure has no ICMPv4 form", 3, 1, 5, 0, EACCES,
		  "2001:db8:1::1", false, 0, 0, 0, 0, 0, NULL },
	};
	struct nat64_prefix p;

	if (nat64_prefix_parse("64:ff9b::/96", &p) != 0)
		abort();
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned char in[128], out[128];
		size_t n = errq6(in, t[i].origin, t[i].type, t[i].code,
				 t[i].info, t[i].err, t[i].offender), m;
		int trunc = 0;
		struct cmsghdr h;
		struct sock_extended_err ee;
		struct sockaddr_in off;

		m = msgconv_cmsg_to_v4x(in, n, out, sizeof(out), 0, &p, 1,
					&trunc);
		if (!t[i].kept) {
			CHECK_INT(tname("errqueue/%s", t[i].name), m, 0);
			continue;
		}
		memcpy(&h, out, sizeof(h));
		memcpy(&ee, out + CMSG_LEN(0), sizeof(ee));
		memcpy(&off, out + CMSG_LEN(sizeof(ee)), sizeof(off));
		CHECK_MSG(tname("errqueue/%s/cmsg", t[i].name),
			  m == CMSG_SPACE(MSGCONV_ERR4_LEN) &&
			  h.cmsg_level == IPPROTO_IP &&
			  h.cmsg_type == IP_RECVERR &&
			  h.cmsg_len == CMSG_LEN(MSGCONV_ERR4_LEN) && !trunc,
			  "m %zu level %d type %d len %zu", m, h.cmsg_level,
			  h.cmsg_type, (size_t)h.cmsg_len);
		CHECK_MSG(tname("errqueue/%s/fields", t[i].name),
			  ee.ee_origin == t[i].origin4 &&
			  ee.ee_type == t[i].type4 && ee.ee_code == t[i].code4 &&
			  ee.ee_info == t[i].info4 && ee.ee_errno == t[i].err4,
			  "origin %u type %u code %u info %u errno %u",
			  ee.ee_origin, ee.ee_type, ee.ee_code, ee.ee_info,
			  ee.ee_errno);
		CHECK_MSG(tname("errqueue/%s/offender", t[i].name),
			  off.sin_addr.s_addr == v4(t[i].offender4) &&
			  off.sin_port == 0 &&
			  off.sin_family == (t[i].origin4 == 2 ? AF_INET : 0),
			  "family %d addr %08x", off.sin_family,
			  ntohl(off.sin_addr.s_addr));
	}
	{
		unsigned char in[128], out[40];
		size_t n = errq6(in, 3, 3, 0, 0, EHOSTUNREACH, "2001:db8::1");
		int trunc = 0;

		CHECK("errqueue/short buffer: truncated",
		      msgconv_cmsg_to_v4x(in, n, out, sizeof(out), 0, NULL, 0,
					  &trunc) == 0 && trunc);
		CHECK("errqueue/malformed entry dropped",
		      msgconv_err_to_v4(in + CMSG_LEN(0), 8, out, NULL, 0) == 0);
	}
}

/* msgconv_v4_of: the callback icmpx gets, over the configured prefixes. */
static void test_v4_of(void)
{
	struct nat64_prefix p[2];
	struct msgconv_pfx ctx = { p, 2, -1 };
	uint8_t a[16];
	uint32_t v4 = 0;

	if (nat64_prefix_parse("2001:db8:64::/96", &p[0]) != 0 ||
	    nat64_prefix_parse("2001:db8:65::/64", &p[1]) != 0)
		abort();
	inet_pton(AF_INET6, "2001:db8:65::c6:3364:a00:0", a);
	CHECK("v4_of: second prefix", msgconv_v4_of(a, &v4, &ctx) &&
	      v4 == htonl(0xc633640a));
	inet_pton(AF_INET6, "::ffff:203.0.113.2", a);
	CHECK("v4_of: mapped", msgconv_v4_of(a, &v4, &ctx) &&
	      v4 == htonl(0xcb007102));
	inet_pton(AF_INET6, "2001:db8:1::1", a);
	CHECK("v4_of: none", !msgconv_v4_of(a, &v4, &ctx));
	CHECK("v4_of: no prefixes", !msgconv_v4_of(a, &v4, NULL));
}

/* One control message carrying an int at p; its space. */
static size_t put_int_cmsg(char *p, int level, int type, int v)
{
	struct cmsghdr h;

	memset(&h, 0, sizeof(h));
	h.cmsg_len = CMSG_LEN(sizeof(int));
	h.cmsg_level = level;
	h.cmsg_type = type;
	memcpy(p, &h, sizeof(h));
	memcpy(p + CMSG_LEN(0), &v, sizeof(v));
	return CMSG_SPACE(sizeof(int));
}

/* msgconv_cmsg_drop / msgconv_cmsg_int: a raw ICMP stand-in's hop limit
 * read for the IPv4 header and removed when the program did not ask. */
static void test_cmsg_drop(void)
{
	union {
		char b[256];
		struct cmsghdr align;
	} u;
	size_t len = 0, n;

	memset(&u, 0, sizeof(u));
	len += put_int_cmsg(u.b + len, SOL_SOCKET, SO_MARK, 7);
	len += put_int_cmsg(u.b + len, SOL_IPV6, IPV6_HOPLIMIT, 61);
	CHECK_INT("cmsg_int: hop limit", msgconv_cmsg_int(u.b, len, SOL_IPV6,
							  IPV6_HOPLIMIT, 64), 61);
	CHECK_INT("cmsg_int: absent", msgconv_cmsg_int(u.b, len, SOL_IPV6,
						       IPV6_TCLASS, 64), 64);
	n = msgconv_cmsg_drop(u.b, len, SOL_IPV6, IPV6_HOPLIMIT);
	CHECK_INT("cmsg_drop: one left", n, CMSG_SPACE(sizeof(int)));
	CHECK("cmsg_drop: the other kept", ((struct cmsghdr *)u.b)->cmsg_type ==
	      SO_MARK && msgconv_cmsg_int(u.b, n, SOL_SOCKET, SO_MARK, 0) == 7);
	CHECK_INT("cmsg_drop: malformed stops", msgconv_cmsg_drop(u.b, 3, 0, 0),
		  0);
}

int main(void)
{
	test_v4_of();
	test_cmsg_drop();
	test_addr_mapped();
	test_addr_each_length();
	test_addr_prefer();
	test_addr_unrepresentable();
	test_v4_to_mapped();
	test_cmsg_v4_conversions();
	test_cmsg_v4_duplicates();
	test_cmsg_v4_edges();
	test_cmsg_malformed();
	test_cmsg_fuzz();
	test_cmsg_v6();
	test_errqueue();
	return check_exit();
}
