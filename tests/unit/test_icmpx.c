/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: ICMPv6 -> ICMPv4 for the program's view (RFC 7915 5.2, 5.3),
 * with the well-known prefix 64:ff9b::/96. */
#include "check.h"
#include "icmpx.h"
#include "prefix.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct nat64_prefix wkp;

static bool v4_of(const uint8_t v6[16], uint32_t *v4, void *ctx)
{
	(void)ctx;
	return nat64_extract(&wkp, v6, v4);
}

static uint32_t a4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

static void a6(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1)
		abort();
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* A checksum that verifies folds to zero. */
static bool sum_ok(const void *d, size_t n, uint32_t pseudo)
{
	return icmpx_fold(icmpx_sum(d, n, pseudo)) == 0;
}

static uint32_t pseudo6(const uint8_t *ip6, unsigned len, unsigned nh)
{
	uint8_t tail[8] = { 0, 0, (uint8_t)(len >> 8), (uint8_t)len, 0, 0, 0,
			    (uint8_t)nh };

	return icmpx_sum(tail, 8, icmpx_sum(ip6 + 8, 32, 0));
}

static uint32_t pseudo4(const uint8_t *ip4, unsigned len, unsigned proto)
{
	uint8_t tail[4] = { 0, (uint8_t)proto, (uint8_t)(len >> 8),
			    (uint8_t)len };

	return icmpx_sum(tail, 4, icmpx_sum(ip4 + 12, 8, 0));
}

/* An IPv6 packet from 2001:db8:1::2 to 64:ff9b::198.51.100.10 with hop
 * limit hl and the given payload; returns its length. */
static size_t ip6pkt(uint8_t *b, unsigned nh, unsigned hl,
		     const uint8_t *payload, size_t plen)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	b[1] = 0x00;
	put16(b + 4, (unsigned)plen);
	b[6] = (uint8_t)nh;
	b[7] = (uint8_t)hl;
	a6("2001:db8:1::2", b + 8);
	a6("64:ff9b::c633:640a", b + 24);
	memcpy(b + 40, payload, plen);
	return 40 + plen;
}

static void test_mapping(void)
{
	static const struct {
		uint8_t t6, c6;
		uint32_t i6;
		bool ok;
		uint8_t t4, c4;
		uint32_t i4;
	} t[] = {
		{ 1, 0, 0, true, 3, 1, 0 },    /* no route -> host unreach */
		{ 1, 1, 0, true, 3, 10, 0 },   /* admin -> host admin */
		{ 1, 2, 0, true, 3, 1, 0 },    /* beyond scope */
		{ 1, 3, 0, true, 3, 1, 0 },    /* address unreachable */
		{ 1, 4, 0, true, 3, 3, 0 },    /* port unreachable */
		{ 1, 5, 0, false, 0, 0, 0 },   /* policy fail: dropped */
		{ 1, 6, 0, false, 0, 0, 0 },
		{ 2, 0, 1500, true, 3, 4, 1480 },
		{ 2, 0, 1280, true, 3, 4, 1260 },
		{ 2, 0, 70000, true, 3, 4, 65535 },
		{ 2, 0, 40, true, 3, 4, 68 },
		{ 2, 1, 1500, false, 0, 0, 0 },
		{ 3, 0, 0, true, 11, 0, 0 },
		{ 3, 1, 0, true, 11, 1, 0 },
		{ 3, 2, 0, false, 0, 0, 0 },
		{ 4, 0, 0, true, 12, 0, 0 },   /* version/traffic class */
		{ 4, 0, 1, true, 12, 0, 1 },
		{ 4, 0, 2, false, 0, 0, 0 },   /* flow label: n/a */
		{ 4, 0, 3, false, 0, 0, 0 },
		{ 4, 0, 4, true, 12, 0, 2 },   /* payload length */
		{ 4, 0, 5, true, 12, 0, 2 },
		{ 4, 0, 6, true, 12, 0, 9 },   /* next header -> protocol */
		{ 4, 0, 7, true, 12, 0, 8 },   /* hop limit -> TTL */
		{ 4, 0, 8, true, 12, 0, 12 },
		{ 4, 0, 23, true, 12, 0, 12 },
		{ 4, 0, 24, true, 12, 0, 16 },
		{ 4, 0, 39, true, 12, 0, 16 },
		{ 4, 0, 40, false, 0, 0, 0 },  /* past the header */
		{ 4, 1, 6, true, 3, 2, 0 },    /* unknown next header */
		{ 4, 2, 0, false, 0, 0, 0 },   /* unknown option: dropped */
		{ 128, 0, 0, false, 0, 0, 0 }, /* not an error */
		{ 133, 0, 0, false, 0, 0, 0 }, /* router solicitation */
		{ 135, 0, 0, false, 0, 0, 0 }, /* neighbour solicitation */
		{ 143, 0, 0, false, 0, 0, 0 }, /* MLDv2 report */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct icmpx_err4 e = { 0xee, 0xee, 0xeeee };
		bool ok = icmpx_err_6to4(t[i].t6, t[i].c6, t[i].i6, &e);
		const char *n = tname("map/%u/%u/%u", t[i].t6, t[i].c6,
				      (unsigned)t[i].i6);

		if (!t[i].ok)
			CHECK(n, !ok);
		else
			CHECK_MSG(n, ok && e.type == t[i].t4 &&
				  e.code == t[i].c4 && e.info == t[i].i4,
				  "ok %d -> %u/%u/%u", ok, e.type, e.code,
				  (unsigned)e.info);
	}

	CHECK_INT("errno4/net unreach", icmpx_errno4(3, 0), ENETUNREACH);
	CHECK_INT("errno4/host unreach", icmpx_errno4(3, 1), EHOSTUNREACH);
	CHECK_INT("errno4/proto unreach", icmpx_errno4(3, 2), ENOPROTOOPT);
	CHECK_INT("errno4/port unreach", icmpx_errno4(3, 3), ECONNREFUSED);
	CHECK_INT("errno4/frag needed", icmpx_errno4(3, 4), EMSGSIZE);
	CHECK_INT("errno4/host admin", icmpx_errno4(3, 10), EHOSTUNREACH);
	CHECK_INT("errno4/time exceeded", icmpx_errno4(11, 0), EHOSTUNREACH);
	CHECK_INT("errno4/parameter problem", icmpx_errno4(12, 0), EPROTO);
	CHECK_INT("errno4/echo reply", icmpx_errno4(0, 0), 0);
	CHECK_INT("errno4/unknown code", icmpx_errno4(3, 16), 0);
	CHECK_INT("errno 6to4/no route", icmpx_errno_6to4(ENETUNREACH),
		  EHOSTUNREACH);
	CHECK_INT("errno 6to4/admin", icmpx_errno_6to4(EACCES), EHOSTUNREACH);
	CHECK_INT("errno 6to4/refused", icmpx_errno_6to4(ECONNREFUSED),
		  ECONNREFUSED);
	CHECK_INT("errno 6to4/msgsize", icmpx_errno_6to4(EMSGSIZE), EMSGSIZE);
}

static void test_echo(void)
{
	uint8_t m[64], hdr[20];

	memset(m, 0, sizeof(m));
	m[0] = 8;
	put16(m + 4, 0x1234);
	put16(m + 6, 7);
	for (size_t i = 8; i < sizeof(m); i++)
		m[i] = (uint8_t)i;
	put16(m + 2, 0xbeef);
	CHECK("echo/4to6", icmpx_echo_4to6(m, sizeof(m)) && m[0] == 128 &&
	      m[2] == 0 && m[3] == 0 && get16(m + 4) == 0x1234 &&
	      get16(m + 6) == 7);
	m[0] = 129;
	CHECK("echo/6to4 reply", icmpx_echo_6to4(m, sizeof(m)) && m[0] == 0 &&
	      sum_ok(m, sizeof(m), 0) && get16(m + 4) == 0x1234);
	m[0] = 3;
	CHECK("echo/not echo untouched", !icmpx_echo_4to6(m, sizeof(m)) &&
	      m[0] == 3);
	CHECK("echo/short", !icmpx_echo_6to4(m, 4));

	icmpx_ipv4_header(hdr, a4("198.51.100.10"), a4("192.0.0.1"), 61, 0x10,
			  1, 64, htons(0x4242));
	CHECK("ipv4 header/fields", hdr[0] == 0x45 && hdr[1] == 0x10 &&
	      get16(hdr + 2) == 84 && hdr[6] == 0x40 && hdr[8] == 61 &&
	      hdr[9] == 1 && get16(hdr + 4) == 0x4242);
	CHECK("ipv4 header/checksum", sum_ok(hdr, 20, 0));
}

/* Time Exceeded quoting a UDP datagram: outer, inner header and UDP
 * checksum all valid in IPv4 terms. */
static void test_error_udp(void)
{
	uint8_t udp[20], pkt[100], msg6[200], out[200];
	size_t plen;
	long n;

	memset(udp, 0, sizeof(udp));
	put16(udp, 40000);
	put16(udp + 2, 33434);
	put16(udp + 4, sizeof(udp));
	memcpy(udp + 8, "traceroute!!", 12);
	plen = ip6pkt(pkt, 17, 1, udp, sizeof(udp));
	put16(pkt + 46, icmpx_fold(icmpx_sum(pkt + 40, sizeof(udp),
					     pseudo6(pkt, sizeof(udp), 17))));
	CHECK("udp/test packet valid", sum_ok(pkt + 40, sizeof(udp),
					       pseudo6(pkt, sizeof(udp), 17)));
	memset(msg6, 0, 8);
	msg6[0] = 3; /* time exceeded */
	memcpy(msg6 + 8, pkt, plen);
	n = icmpx_msg_6to4(msg6, 8 + plen, out, sizeof(out),
			   htonl(ICMPX_LOCAL_V4), v4_of, NULL);
	CHECK_INT("udp/length", n, 8 + 20 + sizeof(udp));
	CHECK("udp/type 11 code 0", out[0] == 11 && out[1] == 0);
	CHECK("udp/icmp checksum", sum_ok(out, (size_t)n, 0));
	CHECK("udp/inner header checksum", sum_ok(out + 8, 20, 0));
	CHECK("udp/inner addresses", memcmp(out + 8 + 12, "\xc0\x00\x00\x01", 4) == 0 &&
	      memcmp(out + 8 + 16, "\xc6\x33\x64\x0a", 4) == 0);
	CHECK("udp/inner ttl, proto, length", out[8 + 8] == 1 &&
	      out[8 + 9] == 17 && get16(out + 8 + 2) == 20 + sizeof(udp));
	CHECK("udp/inner ports kept", get16(out + 28) == 40000 &&
	      get16(out + 30) == 33434);
	CHECK("udp/checksum over the IPv4 pseudo-header",
	      sum_ok(out + 28, sizeof(udp), pseudo4(out + 8, sizeof(udp), 17)));

	/* quoted only in part (8 bytes of UDP): still translated */
	n = icmpx_msg_6to4(msg6, 8 + 40 + 8, out, sizeof(out),
			   htonl(ICMPX_LOCAL_V4), v4_of, NULL);
	CHECK_INT("udp/truncated quote", n, 8 + 20 + 8);
	CHECK("udp/truncated: total length from the IPv6 header",
	      get16(out + 8 + 2) == 20 + sizeof(udp));

	/* Packet Too Big: MTU - 20 in bytes 6-7 */
	msg6[0] = 2;
	put16(msg6 + 6, 1320);
	n = icmpx_msg_6to4(msg6, 8 + plen, out, sizeof(out),
			   htonl(ICMPX_LOCAL_V4), v4_of, NULL);
	CHECK("ptb/frag needed mtu 1300", n > 0 && out[0] == 3 && out[1] == 4 &&
	      get16(out + 6) == 1300 && sum_ok(out, (size_t)n, 0));

	/* Parameter problem pointer at the hop limit */
	msg6[0] = 4;
	msg6[1] = 0;
	memset(msg6 + 4, 0, 4);
	msg6[7] = 7;
	n = icmpx_msg_6to4(msg6, 8 + plen, out, sizeof(out),
			   htonl(ICMPX_LOCAL_V4), v4_of, NULL);
	CHECK("paramprob/pointer 8", n > 0 && out[0] == 12 && out[4] == 8);

	/* neighbour solicitation: not for the program */
	msg6[0] = 135;
	CHECK_INT("nd/dropped", icmpx_msg_6to4(msg6, 8 + plen, out, sizeof(out),
					       0, v4_of, NULL), 0);
	/* not an IPv6 packet inside */
	msg6[0] = 1;
	msg6[8] = 0x45;
	CHECK_INT("malformed/inner not IPv6",
		  icmpx_msg_6to4(msg6, 8 + plen, out, sizeof(out), 0, v4_of,
				 NULL), -1);
	CHECK_INT("malformed/short", icmpx_msg_6to4(msg6, 7, out, sizeof(out),
						    0, v4_of, NULL), -1);
}

/* Destination unreachable quoting our echo request (traceroute -I, ping):
 * the quoted echo becomes ICMPv4 with a valid checksum; a fragment
 * header is skipped. */
static void test_error_echo(void)
{
	uint8_t echo[24], pkt[100], msg6[200], out[200], frag[200];
	size_t plen;
	long n;

	memset(echo, 0, sizeof(echo));
	echo[0] = 128;
	put16(echo + 4, 0x77);
	put16(echo + 6, 3);
	memcpy(echo + 8, "0123456789abcdef", 16);
	plen = ip6pkt(pkt, 58, 5, echo, sizeof(echo));
	put16(pkt + 42, icmpx_fold(icmpx_sum(pkt + 40, sizeof(echo),
					     pseudo6(pkt, sizeof(echo), 58))));
	memset(msg6, 0, 8);
	msg6[0] = 1;
	msg6[1] = 3;
	memcpy(msg6 + 8, pkt, plen);
	n = icmpx_msg_6to4(msg6, 8 + plen, out, sizeof(out),
			   htonl(ICMPX_LOCAL_V4), v4_of, NULL);
	CHECK("echo-in-error/host unreachable", n == (long)(8 + 20 + sizeof(echo)) &&
	      out[0] == 3 && out[1] == 1 && sum_ok(out, (size_t)n, 0));
	CHECK("echo-in-error/inner protocol 1", out[8 + 9] == 1);
	CHECK("echo-in-error/inner echo request", out[28] == 8 &&
	      get16(out + 32) == 0x77 && get16(out + 34) == 3);
	CHECK("echo-in-error/inner echo checksum",
	      sum_ok(out + 28, sizeof(echo), 0));

	/* the same with a fragment header (first fragment, MF set) */
	memcpy(frag, pkt, 40);
	frag[6] = 44;
	put16(frag + 4, (unsigned)(8 + sizeof(echo)));
	memset(frag + 40, 0, 8);
	frag[40] = 58;
	put16(frag + 42, 0x0001); /* offset 0, M=1 */
	frag[46] = 0xab;
	frag[47] = 0xcd;
	memcpy(frag + 48, pkt + 40, sizeof(echo));
	msg6[1] = 4;
	memcpy(msg6 + 8, frag, 48 + sizeof(echo));
	n = icmpx_msg_6to4(msg6, 8 + 48 + sizeof(echo), out, sizeof(out),
			   htonl(ICMPX_LOCAL_V4), v4_of, NULL);
	CHECK("frag/translated", n == (long)(8 + 20 + sizeof(echo)) &&
	      out[1] == 3);
	CHECK("frag/MF and id", (out[8 + 6] & 0x20) && out[8 + 4] == 0xab &&
	      out[8 + 5] == 0xcd && get16(out + 8 + 2) == 20 + sizeof(echo));
	CHECK("frag/header checksum", sum_ok(out + 8, 20, 0));

	/* destination outside the prefix: the dummy address */
	pkt[24] = 0x20;
	msg6[1] = 0;
	memcpy(msg6 + 8, pkt, plen);
	n = icmpx_msg_6to4(msg6, 8 + plen, out, sizeof(out),
			   htonl(ICMPX_LOCAL_V4), v4_of, NULL);
	CHECK("dummy/192.0.0.8", n > 0 &&
	      memcmp(out + 8 + 16, "\xc0\x00\x00\x08", 4) == 0);

	/* echo reply as a whole message */
	echo[0] = 129;
	n = icmpx_msg_6to4(echo, sizeof(echo), out, sizeof(out), 0, v4_of,
			   NULL);
	CHECK("msg/echo reply", n == (long)sizeof(echo) && out[0] == 0 &&
	      sum_ok(out, sizeof(echo), 0) && get16(out + 6) == 3);
	CHECK_INT("msg/cap too small", icmpx_msg_6to4(echo, sizeof(echo), out,
						       4, 0, v4_of, NULL), -1);
}

static bool blocked(const uint32_t f[8], unsigned t)
{
	return (f[t >> 5] >> (t & 31)) & 1;
}

/* ICMP_FILTER -> ICMP6_FILTER: ND, MLD and router messages never pass;
 * the program's blocked ICMPv4 types block their ICMPv6 sources. */
static void test_filter(void)
{
	uint32_t f[8];
	unsigned t;
	bool others = true;

	icmpx_filter_6(0, f);
	CHECK("filter/none: echo and errors pass", !blocked(f, 128) &&
	      !blocked(f, 129) && !blocked(f, 1) && !blocked(f, 2) &&
	      !blocked(f, 3) && !blocked(f, 4));
	for (t = 0; t < 256; t++)
		if (t != 1 && t != 2 && t != 3 && t != 4 && t != 128 &&
		    t != 129 && !blocked(f, t))
			others = false;
	CHECK("filter/none: ND, MLD, router messages blocked",
	      others && blocked(f, 133) && blocked(f, 135) && blocked(f, 136) &&
	      blocked(f, 130) && blocked(f, 143));
	/* iputils ping: everything but source quench, unreachable, time
	 * exceeded, parameter problem, redirect and echo reply blocked */
	icmpx_filter_6(~((1u << 4) | (1u << 3) | (1u << 11) | (1u << 12) |
			 (1u << 5) | (1u << 0)), f);
	CHECK("filter/ping: reply and errors pass", !blocked(f, 129) &&
	      !blocked(f, 1) && !blocked(f, 2) && !blocked(f, 3) &&
	      !blocked(f, 4));
	CHECK("filter/ping: echo request blocked", blocked(f, 128));
	/* its second filter, after an error: only echo replies */
	icmpx_filter_6(~((1u << 4) | (1u << 5) | (1u << 0)), f);
	CHECK("filter/replies only", !blocked(f, 129) && blocked(f, 1) &&
	      blocked(f, 2) && blocked(f, 3) && blocked(f, 4));
	/* parameter problem passes while either of its forms does */
	icmpx_filter_6(~(1u << 3), f);
	CHECK("filter/param problem as protocol unreachable",
	      !blocked(f, 4) && !blocked(f, 1) && blocked(f, 3));
}

/* What an IPv4 ICMP socket's reader gets: raw (header + message) and
 * datagram (message), echo and errors, and what it never sees. */
static void test_rx(void)
{
	uint8_t buf[1600], echo[64], pkt[200], src6[16], other6[16];
	struct icmpx_rx rx;
	size_t plen;
	long n;

	a6("64:ff9b::c633:640a", src6);
	a6("2001:db8:1::1", other6);
	memset(echo, 0, sizeof(echo));
	echo[0] = 129;
	put16(echo + 4, 0x1234);
	put16(echo + 6, 9);
	memcpy(echo + 8, "ping data", 9);
	put16(echo + 2, 0xbeef); /* an ICMPv6 checksum: replaced */

	memset(&rx, 0, sizeof(rx));
	rx.src6 = src6;
	rx.hoplimit = 61;
	rx.local4 = htonl(ICMPX_LOCAL_V4);
	rx.v4_of = v4_of;
	memcpy(buf + 20, echo, sizeof(echo));
	n = icmpx_rx_6to4(buf, sizeof(buf), 20, sizeof(echo), sizeof(echo),
			  &rx);
	CHECK_INT("rx/raw echo reply length", n, 20 + sizeof(echo));
	CHECK("rx/raw header", buf[0] == 0x45 && buf[8] == 61 && buf[9] == 1 &&
	      get16(buf + 2) == 20 + sizeof(echo) && sum_ok(buf, 20, 0) &&
	      memcmp(buf + 12, "\xc6\x33\x64\x0a", 4) == 0 &&
	      memcmp(buf + 16, "\xc0\x00\x00\x01", 4) == 0);
	CHECK("rx/raw echo reply type 0, id, seq, checksum", buf[20] == 0 &&
	      get16(buf + 24) == 0x1234 && get16(buf + 26) == 9 &&
	      sum_ok(buf + 20, sizeof(echo), 0));
	CHECK("rx/source", rx.src4 == a4("198.51.100.10") &&
	      rx.full == 20 + sizeof(echo));

	/* datagram socket, message received in part of 1000 bytes */
	memcpy(buf, echo, sizeof(echo));
	n = icmpx_rx_6to4(buf, sizeof(buf), 0, sizeof(echo), 1000, &rx);
	CHECK("rx/dgram echo reply", n == (long)sizeof(echo) && buf[0] == 0 &&
	      rx.full == 1000);

	/* an echo from an address without an IPv4 form: not seen */
	rx.src6 = other6;
	memcpy(buf, echo, sizeof(echo));
	CHECK_INT("rx/echo from IPv6-only host dropped",
		  icmpx_rx_6to4(buf, sizeof(buf), 0, sizeof(echo),
				sizeof(echo), &rx), 0);

	/* time exceeded from an IPv6-only router about our echo request */
	echo[0] = 128;
	plen = ip6pkt(pkt, 58, 1, echo, sizeof(echo));
	memset(buf + 20, 0, 8);
	buf[20] = 3;
	memcpy(buf + 28, pkt, plen);
	n = icmpx_rx_6to4(buf, sizeof(buf), 20, 8 + plen, 8 + plen, &rx);
	CHECK_INT("rx/time exceeded length", n, 20 + 8 + 20 + sizeof(echo));
	CHECK("rx/time exceeded from 192.0.0.8", buf[20] == 11 &&
	      rx.src4 == htonl(ICMPX_DUMMY_V4) &&
	      memcmp(buf + 12, "\xc0\x00\x00\x08", 4) == 0 &&
	      get16(buf + 2) == n && sum_ok(buf + 20, (size_t)n - 20, 0));
	CHECK("rx/quoted echo request", buf[48] == 8 &&
	      get16(buf + 52) == 0x1234 && rx.full == (size_t)n);

	/* an error about a packet to a native IPv6 address: not ours */
	a6("2001:db8:2::5", pkt + 24);
	memcpy(buf + 28, pkt, plen);
	CHECK_INT("rx/error about IPv6 traffic dropped",
		  icmpx_rx_6to4(buf, sizeof(buf), 20, 8 + plen, 8 + plen,
				&rx), 0);
	/* neighbour advertisement */
	buf[20] = 136;
	CHECK_INT("rx/ND dropped", icmpx_rx_6to4(buf, sizeof(buf), 20, 32, 32,
						 &rx), 0);
	CHECK_INT("rx/short", icmpx_rx_6to4(buf, sizeof(buf), 20, 4, 4, &rx),
		  -1);
	CHECK_INT("rx/no room", icmpx_rx_6to4(buf, 24, 20, 4, 4, &rx), -1);
}

int main(void)
{
	if (nat64_prefix_parse("64:ff9b::/96", &wkp) != 0)
		abort();
	test_mapping();
	test_echo();
	test_error_udp();
	test_error_echo();
	test_filter();
	test_rx();
	return check_exit();
}
