/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICMPv6 -> ICMPv4 for the program's view (RFC 7915 sections 5.2, 5.3);
 * see icmpx.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "icmpx.h"

enum { IP6_HLEN = 40, IP4_HLEN = 20, ICMP_HLEN = 8 };
enum { NH_HOPOPTS = 0, NH_TCP = 6, NH_UDP = 17, NH_ROUTING = 43,
       NH_FRAGMENT = 44, NH_ICMPV6 = 58, NH_DSTOPTS = 60, PROTO_ICMP = 1 };

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Figure 6 of RFC 7915: IPv6 header offset -> IPv4 header offset, -1 for
 * "n/a" (Flow Label) and offsets past the IPv6 header. */
static int pointer_6to4(uint32_t p6)
{
	static const signed char map[8] = { 0, 1, -1, -1, 2, 2, 9, 8 };

	if (p6 < 8)
		return map[p6];
	if (p6 < 24)
		return 12;
	if (p6 < 40)
		return 16;
	return -1;
}

bool icmpx_err_6to4(uint8_t type6, uint8_t code6, uint32_t info6,
		    struct icmpx_err4 *out)
{
	int p;

	out->info = 0;
	switch (type6) {
	case ICMPX6_DEST_UNREACH:
		out->type = ICMPX4_DEST_UNREACH;
		switch (code6) {
		case 0: /* no route */
		case 2: /* beyond scope of source address */
		case 3: /* address unreachable */
			out->code = ICMPX4_HOST_UNREACH;
			return true;
		case 1: /* administratively prohibited */
			out->code = ICMPX4_HOST_ANO;
			return true;
		case 4: /* port unreachable */
			out->code = ICMPX4_PORT_UNREACH;
			return true;
		}
		return false;
	case ICMPX6_PKT_TOOBIG:
		if (code6 != 0)
			return false;
		out->type = ICMPX4_DEST_UNREACH;
		out->code = ICMPX4_FRAG_NEEDED;
		/* the IPv4 header is 20 bytes shorter; the field has 16 bits */
		out->info = info6 > 65535 + 20 ? 65535
			  : info6 < 68 + 20 ? 68 : info6 - 20;
		return true;
	case ICMPX6_TIME_EXCEED:
		if (code6 > 1)
			return false;
		out->type = ICMPX4_TIME_EXCEEDED;
		out->code = code6;
		return true;
	case ICMPX6_PARAMPROB:
		if (code6 == 1) { /* unrecognized next header */
			out->type = ICMPX4_DEST_UNREACH;
			out->code = ICMPX4_PROT_UNREACH;
			return true;
		}
		if (code6 != 0 || (p = pointer_6to4(info6)) < 0)
			return false;
		out->type = ICMPX4_PARAMETERPROB;
		out->code = 0;
		out->info = (uint32_t)p;
		return true;
	}
	return false;
}

int icmpx_errno4(uint8_t type4, uint8_t code4)
{
	/* net/ipv4/icmp.c's icmp_err_convert, by Destination Unreachable
	 * code */
	static const int unreach[16] = {
		ENETUNREACH, EHOSTUNREACH, ENOPROTOOPT, ECONNREFUSED,
		EMSGSIZE, EOPNOTSUPP, ENETUNREACH, EHOSTDOWN, ENONET,
		ENETUNREACH, EHOSTUNREACH, ENETUNREACH, EHOSTUNREACH,
		EHOSTUNREACH, EHOSTUNREACH, EHOSTUNREACH,
	};

	switch (type4) {
	case ICMPX4_DEST_UNREACH:
		return code4 < 16 ? unreach[code4] : 0;
	case ICMPX4_TIME_EXCEEDED:
		return EHOSTUNREACH;
	case ICMPX4_PARAMETERPROB:
		return EPROTO;
	}
	return 0;
}

int icmpx_errno_6to4(int err)
{
	return err == ENETUNREACH || err == EACCES ? EHOSTUNREACH : err;
}

uint32_t icmpx_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len >= 2; p += 2, len -= 2)
		sum += rd16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t icmpx_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void icmpx_ipv4_header(uint8_t out[20], uint32_t src, uint32_t dst,
		       uint8_t ttl, uint8_t tos, uint8_t proto,
		       uint16_t payload_len, uint16_t id)
{
	uint32_t total = (uint32_t)payload_len + IP4_HLEN;

	out[0] = 0x45;
	out[1] = tos;
	wr16(out + 2, (uint16_t)(total > 65535 ? 65535 : total));
	memcpy(out + 4, &id, 2);
	out[6] = 0x40; /* DF */
	out[7] = 0;
	out[8] = ttl;
	out[9] = proto;
	out[10] = out[11] = 0;
	memcpy(out + 12, &src, 4);
	memcpy(out + 16, &dst, 4);
	wr16(out + 10, icmpx_fold(icmpx_sum(out, IP4_HLEN, 0)));
}

static bool echo_swap(uint8_t *msg, size_t len, uint8_t from_req,
		      uint8_t from_rep, uint8_t to_req, uint8_t to_rep)
{
	if (len < ICMP_HLEN || (msg[0] != from_req && msg[0] != from_rep))
		return false;
	msg[0] = msg[0] == from_req ? to_req : to_rep;
	return true;
}

bool icmpx_echo_4to6(uint8_t *msg, size_t len)
{
	if (!echo_swap(msg, len, ICMPX4_ECHO, ICMPX4_ECHOREPLY,
		       ICMPX6_ECHO_REQUEST, ICMPX6_ECHO_REPLY))
		return false;
	msg[2] = msg[3] = 0;
	return true;
}

bool icmpx_echo_6to4(uint8_t *msg, size_t len)
{
	if (!echo_swap(msg, len, ICMPX6_ECHO_REQUEST, ICMPX6_ECHO_REPLY,
		       ICMPX4_ECHO, ICMPX4_ECHOREPLY))
		return false;
	msg[2] = msg[3] = 0;
	wr16(msg + 2, icmpx_fold(icmpx_sum(msg, len, 0)));
	return true;
}

/* One's complement adjustment of a stored checksum: remove the 16-bit
 * sum `out_sum` from what it covers, add `in_sum`. */
static uint16_t cksum_adjust(uint16_t stored, uint32_t out_sum,
			     uint32_t in_sum)
{
	uint32_t s = (uint16_t)~stored;

	while (out_sum >> 16)
		out_sum = (out_sum & 0xffff) + (out_sum >> 16);
	/* s - out + in: adding the complement subtracts */
	s += (uint16_t)~out_sum;
	s += in_sum;
	return icmpx_fold(s);
}

/* The IPv6 pseudo-header of the packet in error minus the IPv4 one (only
 * the addresses differ for UDP and TCP: same length and protocol). */
static void addr_sums(const uint8_t *ip6, uint32_t src4, uint32_t dst4,
		      uint32_t *sum6, uint32_t *sum4)
{
	*sum6 = icmpx_sum(ip6 + 8, 32, 0);
	*sum4 = icmpx_sum(&src4, 4, icmpx_sum(&dst4, 4, 0));
}

long icmpx_inner_6to4(const uint8_t *in6, size_t len6, uint8_t *out,
		      size_t cap, uint32_t local4, icmpx_v4_of v4_of,
		      void *ctx)
{
	uint8_t nh;
	size_t off = IP6_HLEN, n;
	uint32_t plen, src4, dst4, s6, s4;
	uint16_t id = 0;
	bool frag = false;
	uint8_t fragbytes[2] = { 0, 0 };

	if (len6 < IP6_HLEN || (in6[0] >> 4) != 6 || cap < IP4_HLEN)
		return -1;
	plen = rd16(in6 + 4);
	nh = in6[6];
	/* skip the extension headers a translator skips */
	while (nh == NH_HOPOPTS || nh == NH_ROUTING || nh == NH_DSTOPTS ||
	       nh == NH_FRAGMENT) {
		size_t hl;

		if (off + 8 > len6)
			return -1;
		if (nh == NH_FRAGMENT) {
			uint16_t offmf = rd16(in6 + off + 2);

			frag = true;
			memcpy(&id, in6 + off + 6, 2); /* low 16 bits */
			/* offset in 8-byte units and MF, IPv4 layout */
			wr16(fragbytes, (uint16_t)((offmf >> 3) |
						   (offmf & 1 ? 0x2000 : 0)));
			hl = 8;
		} else {
			hl = ((size_t)in6[off + 1] + 1) * 8;
		}
		nh = in6[off];
		off += hl;
		if (off > len6)
			return -1;
	}
	if (!v4_of || !v4_of(in6 + 8, &src4, ctx))
		src4 = local4;
	if (!v4_of || !v4_of(in6 + 24, &dst4, ctx))
		dst4 = htonl(ICMPX_DUMMY_V4);
	plen = plen >= off - IP6_HLEN ? plen - (uint32_t)(off - IP6_HLEN) : 0;
	icmpx_ipv4_header(out, src4, dst4, in6[7],
			  (uint8_t)((in6[0] << 4) | (in6[1] >> 4)),
			  nh == NH_ICMPV6 ? PROTO_ICMP : nh,
			  (uint16_t)(plen > 65535 - IP4_HLEN ? 65535 - IP4_HLEN
							      : plen),
			  id);
	if (frag) {
		out[6] = fragbytes[0];
		out[7] = fragbytes[1];
		out[10] = out[11] = 0;
		wr16(out + 10, icmpx_fold(icmpx_sum(out, IP4_HLEN, 0)));
	}
	n = len6 - off;
	if (n > cap - IP4_HLEN)
		n = cap - IP4_HLEN;
	memcpy(out + IP4_HLEN, in6 + off, n);
	{
		uint8_t *t = out + IP4_HLEN;

		addr_sums(in6, src4, dst4, &s6, &s4);
		if (nh == NH_ICMPV6 && n >= 4 &&
		    (t[0] == ICMPX6_ECHO_REQUEST || t[0] == ICMPX6_ECHO_REPLY)) {
			/* ICMPv6's checksum covers a pseudo-header, ICMPv4's
			 * does not; and the type changes */
			uint8_t hdr6[8];
			uint32_t ps = s6;

			wr16(hdr6, 0);
			wr16(hdr6 + 2, (uint16_t)plen);
			hdr6[4] = hdr6[5] = hdr6[6] = 0;
			hdr6[7] = NH_ICMPV6;
			ps = icmpx_sum(hdr6, 8, ps);
			ps += (uint32_t)t[0] << 8;
			t[0] = t[0] == ICMPX6_ECHO_REQUEST ? ICMPX4_ECHO
							   : ICMPX4_ECHOREPLY;
			wr16(t + 2, cksum_adjust(rd16(t + 2), ps,
						 (uint32_t)t[0] << 8));
		} else if (nh == NH_UDP && n >= 8 && rd16(t + 6) != 0) {
			uint16_t c = cksum_adjust(rd16(t + 6), s6, s4);

			wr16(t + 6, c ? c : 0xffff);
		} else if (nh == NH_TCP && n >= 18) {
			wr16(t + 16, cksum_adjust(rd16(t + 16), s6, s4));
		}
	}
	return (long)(IP4_HLEN + n);
}

long icmpx_msg_6to4(const uint8_t *msg6, size_t len6, uint8_t *out,
		    size_t cap, uint32_t local4, icmpx_v4_of v4_of,
		    void *ctx)
{
	struct icmpx_err4 e;
	long inner;

	if (len6 < ICMP_HLEN || cap < ICMP_HLEN)
		return -1;
	if (msg6[0] == ICMPX6_ECHO_REQUEST || msg6[0] == ICMPX6_ECHO_REPLY) {
		size_t n = len6 < cap ? len6 : cap;

		memcpy(out, msg6, n);
		icmpx_echo_6to4(out, n);
		return (long)n;
	}
	if (!icmpx_err_6to4(msg6[0], msg6[1], rd32(msg6 + 4), &e))
		return 0;
	inner = icmpx_inner_6to4(msg6 + ICMP_HLEN, len6 - ICMP_HLEN,
				 out + ICMP_HLEN, cap - ICMP_HLEN, local4,
				 v4_of, ctx);
	if (inner < 0)
		return -1;
	memset(out, 0, ICMP_HLEN);
	out[0] = e.type;
	out[1] = e.code;
	if (e.type == ICMPX4_DEST_UNREACH && e.code == ICMPX4_FRAG_NEEDED)
		wr16(out + 6, (uint16_t)e.info);
	else if (e.type == ICMPX4_PARAMETERPROB)
		out[4] = (uint8_t)e.info;
	wr16(out + 2, icmpx_fold(icmpx_sum(out, ICMP_HLEN + (size_t)inner, 0)));
	return ICMP_HLEN + inner;
}

void icmpx_filter_6(uint32_t mask4, uint32_t out[8])
{
	/* ICMPv6 type -> the ICMPv4 types it can become */
	static const struct {
		uint8_t t6, t4a, t4b;
	} pass[] = {
		{ ICMPX6_DEST_UNREACH, ICMPX4_DEST_UNREACH, ICMPX4_DEST_UNREACH },
		{ ICMPX6_PKT_TOOBIG, ICMPX4_DEST_UNREACH, ICMPX4_DEST_UNREACH },
		{ ICMPX6_TIME_EXCEED, ICMPX4_TIME_EXCEEDED, ICMPX4_TIME_EXCEEDED },
		{ ICMPX6_PARAMPROB, ICMPX4_PARAMETERPROB, ICMPX4_DEST_UNREACH },
		{ ICMPX6_ECHO_REQUEST, ICMPX4_ECHO, ICMPX4_ECHO },
		{ ICMPX6_ECHO_REPLY, ICMPX4_ECHOREPLY, ICMPX4_ECHOREPLY },
	};

	for (int i = 0; i < 8; i++)
		out[i] = 0xffffffffu;
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
		if ((mask4 >> pass[i].t4a & 1) && (mask4 >> pass[i].t4b & 1))
			continue;
		out[pass[i].t6 >> 5] &= ~(1u << (pass[i].t6 & 31));
	}
}

long icmpx_rx_6to4(uint8_t *buf, size_t cap, size_t hdr, size_t len6,
		   size_t full6, struct icmpx_rx *rx)
{
	uint8_t *msg = buf + hdr;
	size_t full4;
	long n4;

	if (cap < hdr + ICMP_HLEN || len6 < ICMP_HLEN || len6 > cap - hdr)
		return -1;
	if (full6 < len6)
		full6 = len6;
	if (msg[0] == ICMPX6_ECHO_REQUEST || msg[0] == ICMPX6_ECHO_REPLY) {
		/* only from an address an IPv4 socket could hear from */
		if (!rx->v4_of || !rx->v4_of(rx->src6, &rx->src4, rx->ctx))
			return 0;
		icmpx_echo_6to4(msg, len6);
		n4 = (long)len6;
		full4 = full6;
	} else {
		uint8_t copy[ICMPX_ERR_MAX];
		size_t n = len6 < sizeof(copy) ? len6 : sizeof(copy);
		uint32_t dst4;

		/* the packet in error must be one sent to an IPv4 address
		 * through NAT64: the program's (or another IPv4 program's) */
		if (len6 < ICMP_HLEN + IP6_HLEN || (msg[ICMP_HLEN] >> 4) != 6 ||
		    !rx->v4_of ||
		    !rx->v4_of(msg + ICMP_HLEN + 24, &dst4, rx->ctx))
			return 0;
		if (!rx->v4_of(rx->src6, &rx->src4, rx->ctx))
			rx->src4 = htonl(ICMPX_DUMMY_V4);
		memcpy(copy, msg, n);
		n4 = icmpx_msg_6to4(copy, n, msg, cap - hdr, rx->local4,
				    rx->v4_of, rx->ctx);
		if (n4 <= 0)
			return n4;
		/* what was cut off stays cut off, the same length */
		full4 = full6 - n + (size_t)n4;
	}
	if (hdr) {
		icmpx_ipv4_header(buf, rx->src4, rx->local4, rx->hoplimit, 0,
				  PROTO_ICMP,
				  (uint16_t)(full4 > 65535 - IP4_HLEN
					     ? 65535 - IP4_HLEN : full4), 0);
	}
	rx->full = hdr + full4;
	return (long)hdr + n4;
}
