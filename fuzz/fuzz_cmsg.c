/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: control-message rewriting in both directions
 * (msgconv_cmsg_to_v4 for what a translated socket receives,
 * msgconv_cmsg_to_v6 for what a program sends).
 *
 * Input: 2 bytes capacity of the program's buffer (little-endian, taken
 * modulo 4096), 4 bytes local IPv4 address, then the control buffer as the kernel or the
 * program would hand it over (any bytes at all).
 *
 * Checks, beyond "does not crash":
 *  - nothing is written past the given capacity (the buffer is exactly
 *    that long) nor past the returned length;
 *  - the output is a well-formed control buffer holding, in order, what
 *    msgconv.h says each input message becomes (a prefix of it when
 *    truncated, and only when the next message does not fit);
 *  - an IPv4 form is never longer than the IPv6 one (recvmmsg rewrites
 *    in place): a buffer as long as the input never truncates;
 *  - to_v6 never overflows a buffer of srclen * 2 + 64 bytes (what its
 *    callers allocate), and reports overflow with 0 bytes;
 *  - IP_TOS, IP_TTL and IP_PKTINFO come back from a round trip through
 *    the IPv6 forms. */
#include "fuzz.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "msgconv.h"
#include "prefix.h"

#define MAXMSG 2048

struct msg {
	int level, type;
	const uint8_t *data; /* points into the buffer or into inl */
	size_t len;
	uint8_t inl[64]; /* an in6_pktinfo or an IP_RECVERR entry */
};

/* The whole messages of a control buffer, walked as the kernel's
 * CMSG_NXTHDR does: a header that does not fit or claims more than is
 * left ends the walk. */
static size_t walk(const uint8_t *buf, size_t len, struct msg *out,
		   size_t max)
{
	size_t n = 0, off = 0;

	while (off + sizeof(struct cmsghdr) <= len && n < max) {
		struct cmsghdr h;

		memcpy(&h, buf + off, sizeof(h));
		if (h.cmsg_len < CMSG_LEN(0) || h.cmsg_len > len - off)
			break;
		out[n].level = h.cmsg_level;
		out[n].type = h.cmsg_type;
		out[n].data = buf + off + CMSG_LEN(0);
		out[n].len = h.cmsg_len - CMSG_LEN(0);
		n++;
		off += CMSG_ALIGN(h.cmsg_len);
	}
	return n;
}

/* The prefix error-queue offenders are taken from (RFC 6052 well-known). */
static struct nat64_prefix pfx64;

static void set_inl(struct msg *m, int level, int type, const void *d,
		    size_t len)
{
	m->level = level;
	m->type = type;
	memcpy(m->inl, d, len);
	m->data = m->inl;
	m->len = len;
}

/* What msgconv_cmsg_to_v4 should make of the messages in. */
static size_t ref_to_v4(const struct msg *in, size_t n, uint32_t local,
			struct msg *out)
{
	bool pkt = false, tos = false, ttl = false;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (in[i].level != IPPROTO_IP)
			continue;
		pkt = pkt || in[i].type == IP_PKTINFO;
		tos = tos || in[i].type == IP_TOS;
		ttl = ttl || in[i].type == IP_TTL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct msg *m = &in[i];
		bool v6 = m->level == IPPROTO_IPV6;

		if (v6 && ((m->type == IPV6_PKTINFO && pkt) ||
			   (m->type == IPV6_TCLASS && tos) ||
			   (m->type == IPV6_HOPLIMIT && ttl)))
			continue;
		if (v6 && m->type == IPV6_PKTINFO &&
		    m->len >= sizeof(struct in6_pktinfo)) {
			struct in6_pktinfo p6;
			struct in_pktinfo p4;

			memcpy(&p6, m->data, sizeof(p6));
			memset(&p4, 0, sizeof(p4));
			p4.ipi_ifindex = (int)p6.ipi6_ifindex;
			p4.ipi_spec_dst.s_addr = local;
			p4.ipi_addr.s_addr = local;
			set_inl(&out[k++], IPPROTO_IP, IP_PKTINFO, &p4,
				sizeof(p4));
		} else if (v6 && m->type == IPV6_TCLASS && m->len >= sizeof(int)) {
			int v;
			uint8_t b;

			memcpy(&v, m->data, sizeof(v));
			b = (uint8_t)(v & 0xff);
			set_inl(&out[k++], IPPROTO_IP, IP_TOS, &b, 1);
		} else if (v6 && m->type == IPV6_HOPLIMIT &&
			   m->len >= sizeof(int)) {
			set_inl(&out[k++], IPPROTO_IP, IP_TTL, m->data,
				sizeof(int));
		} else if (v6 && m->type == IPV6_RECVERR) {
			/* the entry's fields: msgconv_err_to_v4, unit-tested
			 * in test_msgconv; here only where it goes */
			uint8_t e4[MSGCONV_ERR4_LEN];

			if (msgconv_err_to_v4(m->data, m->len, e4, &pfx64, 1))
				set_inl(&out[k++], IPPROTO_IP, IP_RECVERR, e4,
					sizeof(e4));
		} else {
			out[k++] = *m;
		}
	}
	return k;
}

/* What msgconv_cmsg_to_v6 should make of the messages in. */
static size_t ref_to_v6(const struct msg *in, size_t n, struct msg *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct msg *m = &in[i];
		bool v4 = m->level == IPPROTO_IP;

		if (v4 && m->type == IP_TOS && m->len >= 1) {
			int v = m->data[0];

			if (m->len >= sizeof(int))
				memcpy(&v, m->data, sizeof(v));
			set_inl(&out[k++], IPPROTO_IPV6, IPV6_TCLASS, &v,
				sizeof(v));
		} else if (v4 && m->type == IP_TTL && m->len >= sizeof(int)) {
			set_inl(&out[k++], IPPROTO_IPV6, IPV6_HOPLIMIT,
				m->data, sizeof(int));
		} else if (v4 && m->type == IP_PKTINFO &&
			   m->len >= sizeof(struct in_pktinfo)) {
			struct in_pktinfo p4;
			struct in6_pktinfo p6;

			memcpy(&p4, m->data, sizeof(p4));
			memset(&p6, 0, sizeof(p6));
			p6.ipi6_ifindex = (unsigned int)p4.ipi_ifindex;
			set_inl(&out[k++], IPPROTO_IPV6, IPV6_PKTINFO, &p6,
				sizeof(p6));
		} else {
			out[k++] = *m;
		}
	}
	return k;
}

static bool same_msg(const struct msg *a, const struct msg *b)
{
	return a->level == b->level && a->type == b->type &&
	       a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* The output buf[0..used) of a call with capacity cap holds exactly a
 * prefix of want[0..nwant); returns how many. */
static size_t check_output(const uint8_t *buf, size_t used, size_t cap,
			   const struct msg *want, size_t nwant)
{
	static struct msg got[MAXMSG];
	size_t n, aligned_end = 0;

	FUZZ_ASSERT(used <= cap);
	n = walk(buf, used, got, MAXMSG);
	FUZZ_ASSERT(n <= nwant);
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(same_msg(&got[i], &want[i]));
		aligned_end += CMSG_SPACE(got[i].len);
	}
	/* every byte is part of a message; only a message cut by the end
	 * of the buffer lacks its padding */
	FUZZ_ASSERT(used == aligned_end ||
		    (used == cap && n > 0 && used < aligned_end &&
		     used >= aligned_end - CMSG_SPACE(got[n - 1].len) +
			     CMSG_LEN(got[n - 1].len)));
	return n;
}

/* Bytes the messages need with the last one's padding optional. */
static size_t need_bytes(const struct msg *m, size_t n)
{
	size_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += i + 1 < n ? CMSG_SPACE(m[i].len) : CMSG_LEN(m[i].len);
	return s;
}

static uint8_t *guarded(size_t cap)
{
	uint8_t *b = malloc(cap ? cap : 1);

	if (!b)
		abort();
	memset(b, 0xee, cap ? cap : 1);
	return b;
}

static void check_untouched(const uint8_t *b, size_t from, size_t cap)
{
	for (size_t i = from; i < cap; i++)
		FUZZ_ASSERT(b[i] == 0xee);
}

static void check_to_v4(const uint8_t *src, size_t srclen, size_t cap,
			uint32_t local)
{
	static struct msg in[MAXMSG], want[MAXMSG];
	size_t nin = walk(src, srclen, in, MAXMSG);
	size_t nwant = ref_to_v4(in, nin, local, want);
	uint8_t *dst = guarded(cap);
	int trunc = -1;
	size_t used = msgconv_cmsg_to_v4x(src, srclen, dst, cap, local, &pfx64,
					  1, &trunc);
	size_t n = check_output(dst, used, cap, want, nwant);

	check_untouched(dst, used, cap);
	FUZZ_ASSERT(trunc == 0 || trunc == 1);
	FUZZ_ASSERT(trunc == (n < nwant));
	if (trunc) {
		/* the first message left out did not fit */
		size_t before = 0;

		for (size_t i = 0; i < n; i++)
			before += CMSG_SPACE(want[i].len);
		FUZZ_ASSERT(before > cap ||
			    cap - before < CMSG_LEN(want[n].len));
	}
	if (cap >= need_bytes(want, nwant))
		FUZZ_ASSERT(!trunc);
	free(dst);
}

static void check_to_v6(const uint8_t *src, size_t srclen, size_t cap)
{
	static struct msg in[MAXMSG], want[MAXMSG];
	size_t nin = walk(src, srclen, in, MAXMSG);
	size_t nwant = ref_to_v6(in, nin, want);
	uint8_t *dst = guarded(cap);
	int over = -1;
	size_t used = msgconv_cmsg_to_v6(src, srclen, dst, cap, &over);

	FUZZ_ASSERT(over == 0 || over == 1);
	FUZZ_ASSERT(used <= cap);
	if (over) {
		FUZZ_ASSERT(used == 0);
		FUZZ_ASSERT(cap < need_bytes(want, nwant));
	} else {
		FUZZ_ASSERT(check_output(dst, used, cap, want, nwant) == nwant);
		check_untouched(dst, used, cap);
	}
	free(dst);
}

/* IP_TOS, IP_TTL and IP_PKTINFO a program sends, turned into IPv6 ones
 * and back, are what the program would receive on an IPv4 socket. */
static void check_round_trip(const uint8_t *src, size_t srclen,
			     uint32_t local)
{
	static struct msg in[MAXMSG], back[MAXMSG];
	size_t nin = walk(src, srclen, in, MAXMSG);
	size_t cap = srclen * 2 + 64, nback;
	uint8_t *v6 = guarded(cap), *v4;
	int over, trunc;
	size_t used6, used4, k = 0;

	/* only programs' messages at the IPv4 level that are converted */
	for (size_t i = 0; i < nin; i++) {
		const struct msg *m = &in[i];

		if (m->level != IPPROTO_IP ||
		    !((m->type == IP_TOS && m->len >= 1) ||
		      (m->type == IP_TTL && m->len >= sizeof(int)) ||
		      (m->type == IP_PKTINFO &&
		       m->len >= sizeof(struct in_pktinfo)))) {
			free(v6);
			return;
		}
	}
	used6 = msgconv_cmsg_to_v6(src, srclen, v6, cap, &over);
	FUZZ_ASSERT(!over);
	v4 = guarded(used6);
	used4 = msgconv_cmsg_to_v4(v6, used6, v4, used6, local, &trunc);
	FUZZ_ASSERT(!trunc);
	nback = walk(v4, used4, back, MAXMSG);
	FUZZ_ASSERT(nback == nin);
	for (size_t i = 0; i < nin; i++, k++) {
		FUZZ_ASSERT(back[k].level == IPPROTO_IP &&
			    back[k].type == in[i].type);
		if (in[i].type == IP_TOS) {
			FUZZ_ASSERT(back[k].len == 1 &&
				    back[k].data[0] == in[i].data[0]);
		} else if (in[i].type == IP_TTL) {
			FUZZ_ASSERT(back[k].len == sizeof(int) &&
				    memcmp(back[k].data, in[i].data, 4) == 0);
		} else {
			struct in_pktinfo a, b;

			FUZZ_ASSERT(back[k].len == sizeof(b));
			memcpy(&a, in[i].data, sizeof(a));
			memcpy(&b, back[k].data, sizeof(b));
			FUZZ_ASSERT(a.ipi_ifindex == b.ipi_ifindex &&
				    b.ipi_addr.s_addr == local &&
				    b.ipi_spec_dst.s_addr == local);
		}
	}
	free(v4);
	free(v6);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!pfx64.len && nat64_prefix_parse("64:ff9b::/96", &pfx64) != 0)
		abort();
	struct fuzz_in in = { data, size };
	size_t cap = fuzz_u16(&in) % 4096, srclen;
	uint32_t local;
	uint8_t *src;

	fuzz_bytes(&in, &local, 4);
	src = (uint8_t *)fuzz_rest(&in, &srclen, 0);

	check_to_v4(src, srclen, cap, local);
	check_to_v4(src, srclen, srclen, local);
	check_to_v4(src, srclen, srclen + 64, local);
	check_to_v6(src, srclen, cap);
	check_to_v6(src, srclen, srclen * 2 + 64);
	check_round_trip(src, srclen, local);
	free(src);
	return 0;
}
