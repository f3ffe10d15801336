/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include <errno.h>
#include <time.h>
#include <linux/errqueue.h>

#include "addr.h"
#include "icmpx.h"
#include "msgconv.h"

int msgconv_addr_to_v4(const struct sockaddr_in6 *in,
		       const struct nat64_prefix *pfx, size_t npfx,
		       int prefer, struct sockaddr_in *out)
{
	const uint8_t *a = in->sin6_addr.s6_addr;
	uint32_t v4;
	int used = -2;

	if (ipv6_is_v4mapped(a)) {
		memcpy(&v4, a + 12, 4);
		used = -1;
	} else if (prefer >= 0 && (size_t)prefer < npfx &&
		   nat64_extract(&pfx[prefer], a, &v4)) {
		used = prefer;
	} else {
		for (size_t i = 0; i < npfx; i++) {
			if (nat64_extract(&pfx[i], a, &v4)) {
				used = (int)i;
				break;
			}
		}
	}
	if (used == -2)
		return -2;
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = in->sin6_port;
	out->sin_addr.s_addr = v4;
	return used;
}

bool msgconv_v4_of(const uint8_t v6[16], uint32_t *v4, void *ctx)
{
	const struct msgconv_pfx *p = ctx;
	struct sockaddr_in6 s6;
	struct sockaddr_in s4;

	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	memcpy(s6.sin6_addr.s6_addr, v6, 16);
	if (!p || msgconv_addr_to_v4(&s6, p->pfx, p->npfx, p->prefer,
				     &s4) == -2)
		return false;
	*v4 = s4.sin_addr.s_addr;
	return true;
}

void msgconv_mapped(uint32_t v4, uint16_t port_be, struct sockaddr_in6 *out)
{
	memset(out, 0, sizeof(*out));
	out->sin6_family = AF_INET6;
	out->sin6_port = port_be;
	ipv6_make_v4mapped(v4, out->sin6_addr.s6_addr);
}

void msgconv_v4_to_mapped(const struct sockaddr_in *in,
			  struct sockaddr_in6 *out)
{
	msgconv_mapped(in->sin_addr.s_addr, in->sin_port, out);
}

void msgconv_v4_to_nat64(const struct nat64_prefix *p, uint32_t v4,
			 uint16_t port_be, struct sockaddr_in6 *out)
{
	memset(out, 0, sizeof(*out));
	out->sin6_family = AF_INET6;
	out->sin6_port = port_be;
	nat64_synth(p, v4, out->sin6_addr.s6_addr);
}

/* Append one control message to dst (cap bytes, *used so far).
 * Returns 0, or -1 if it does not fit. */
static int put_cmsg(void *dst, size_t cap, size_t *used, int level,
		    int type, const void *data, size_t len)
{
	size_t space = CMSG_SPACE(len);
	struct cmsghdr h;

	if (*used > cap || cap - *used < CMSG_LEN(len))
		return -1;
	memset(&h, 0, sizeof(h));
	h.cmsg_len = CMSG_LEN(len);
	h.cmsg_level = level;
	h.cmsg_type = type;
	memcpy((char *)dst + *used, &h, sizeof(h));
	memcpy((char *)dst + *used + CMSG_LEN(0), data, len);
	/* The last message may end without its padding, as the kernel's. */
	if (cap - *used >= space) {
		memset((char *)dst + *used + CMSG_LEN(len), 0,
		       space - CMSG_LEN(len));
		*used += space;
	} else {
		*used = cap;
	}
	return 0;
}

/* Walk a control buffer without trusting it: calls fn for each whole
 * message. */
#define FOR_EACH_CMSG(buf, len, h, data, dlen) \
	for (size_t off_ = 0; \
	     off_ + sizeof(struct cmsghdr) <= (len) && \
	     (memcpy(&(h), (const char *)(buf) + off_, sizeof(h)), 1) && \
	     (h).cmsg_len >= CMSG_LEN(0) && (h).cmsg_len <= (len) - off_ && \
	     ((data) = (const char *)(buf) + off_ + CMSG_LEN(0), \
	      (dlen) = (h).cmsg_len - CMSG_LEN(0), 1); \
	     off_ += CMSG_ALIGN((h).cmsg_len))

size_t msgconv_cmsg_drop(void *buf, size_t len, int level, int type)
{
	char *b = buf;
	size_t off = 0, out = 0;

	while (off + sizeof(struct cmsghdr) <= len) {
		struct cmsghdr h;
		size_t step;

		memcpy(&h, b + off, sizeof(h));
		if (h.cmsg_len < CMSG_LEN(0) || h.cmsg_len > len - off)
			break;
		step = CMSG_ALIGN(h.cmsg_len);
		if (step > len - off)
			step = len - off;
		if (!(h.cmsg_level == level && h.cmsg_type == type)) {
			memmove(b + out, b + off, step);
			out += step;
		}
		off += step;
	}
	return out;
}

int msgconv_cmsg_int(const void *buf, size_t len, int level, int type,
		     int dflt)
{
	struct cmsghdr h;
	const char *data;
	size_t dlen;

	FOR_EACH_CMSG(buf, len, h, data, dlen) {
		if (h.cmsg_level == level && h.cmsg_type == type &&
		    dlen >= sizeof(int)) {
			int v;

			memcpy(&v, data, sizeof(v));
			return v;
		}
	}
	return dflt;
}

size_t msgconv_err_to_v4(const void *data, size_t dlen, void *out,
			 const struct nat64_prefix *pfx, size_t npfx)
{
	struct sock_extended_err ee;
	struct sockaddr_in6 off6;
	struct sockaddr_in off4;
	struct icmpx_err4 e;

	if (dlen < sizeof(ee))
		return 0;
	memcpy(&ee, data, sizeof(ee));
	memset(&off6, 0, sizeof(off6));
	memcpy(&off6, (const char *)data + sizeof(ee),
	       dlen - sizeof(ee) < sizeof(off6) ? dlen - sizeof(ee)
						 : sizeof(off6));
	memset(&off4, 0, sizeof(off4));
	if (ee.ee_origin == SO_EE_ORIGIN_ICMP6) {
		if (!icmpx_err_6to4(ee.ee_type, ee.ee_code, ee.ee_info, &e))
			return 0;
		ee.ee_origin = SO_EE_ORIGIN_ICMP;
		ee.ee_type = e.type;
		ee.ee_code = e.code;
		ee.ee_info = e.info;
		ee.ee_errno = (uint32_t)icmpx_errno4(e.type, e.code);
		off4.sin_family = AF_INET;
		if (off6.sin6_family != AF_INET6 ||
		    msgconv_addr_to_v4(&off6, pfx, npfx, -1, &off4) == -2)
			off4.sin_addr.s_addr = htonl(ICMPX_DUMMY_V4);
		off4.sin_port = 0;
	} else if (ee.ee_origin == SO_EE_ORIGIN_LOCAL) {
		if (ee.ee_errno == EMSGSIZE && ee.ee_info > 20)
			ee.ee_info -= 20;
	}
	memcpy(out, &ee, sizeof(ee));
	memcpy((char *)out + sizeof(ee), &off4, sizeof(off4));
	return MSGCONV_ERR4_LEN;
}

bool msgconv_errq_has_v4(const void *ctl, size_t len,
			 const struct nat64_prefix *pfx, size_t npfx)
{
	struct cmsghdr h;
	const char *data;
	size_t dlen;

	FOR_EACH_CMSG(ctl, len, h, data, dlen) {
		if (h.cmsg_level == IPPROTO_IPV6 &&
		    h.cmsg_type == IPV6_RECVERR) {
			unsigned char e4[MSGCONV_ERR4_LEN];

			return msgconv_err_to_v4(data, dlen, e4, pfx, npfx) != 0;
		}
	}
	return true;
}

size_t msgconv_cmsg_to_v4(const void *src, size_t srclen, void *dst,
			  size_t cap, uint32_t local_v4, int *truncated)
{
	return msgconv_cmsg_to_v4x(src, srclen, dst, cap, local_v4, NULL, 0,
				   truncated);
}

size_t msgconv_cmsg_to_v4x(const void *src, size_t srclen, void *dst,
			   size_t cap, uint32_t local_v4,
			   const struct nat64_prefix *pfx, size_t npfx,
			   int *truncated)
{
	struct cmsghdr h;
	const char *data;
	size_t dlen, used = 0;
	int have_pktinfo = 0, have_tos = 0, have_ttl = 0;

	/* An IPv4 packet on a dual-stack socket can carry both the IPv4 and
	 * the IPv6 form of the same item: keep only the IPv4 one. */
	FOR_EACH_CMSG(src, srclen, h, data, dlen) {
		if (h.cmsg_level != IPPROTO_IP)
			continue;
		have_pktinfo |= h.cmsg_type == IP_PKTINFO;
		have_tos |= h.cmsg_type == IP_TOS;
		have_ttl |= h.cmsg_type == IP_TTL;
	}
	*truncated = 0;
	FOR_EACH_CMSG(src, srclen, h, data, dlen) {
		int r;

		if (h.cmsg_level == IPPROTO_IPV6 &&
		    ((h.cmsg_type == IPV6_PKTINFO && have_pktinfo) ||
		     (h.cmsg_type == IPV6_TCLASS && have_tos) ||
		     (h.cmsg_type == IPV6_HOPLIMIT && have_ttl)))
			continue;
		if (h.cmsg_level == IPPROTO_IPV6 && h.cmsg_type == IPV6_PKTINFO &&
		    dlen >= sizeof(struct in6_pktinfo)) {
			struct in6_pktinfo p6;
			struct in_pktinfo p4;

			memcpy(&p6, data, sizeof(p6));
			memset(&p4, 0, sizeof(p4));
			p4.ipi_ifindex = (int)p6.ipi6_ifindex;
			p4.ipi_spec_dst.s_addr = local_v4;
			p4.ipi_addr.s_addr = local_v4;
			r = put_cmsg(dst, cap, &used, IPPROTO_IP, IP_PKTINFO,
				     &p4, sizeof(p4));
		} else if (h.cmsg_level == IPPROTO_IPV6 &&
			   h.cmsg_type == IPV6_TCLASS && dlen >= sizeof(int)) {
			int v;
			unsigned char tos;

			memcpy(&v, data, sizeof(v));
			tos = (unsigned char)v;
			r = put_cmsg(dst, cap, &used, IPPROTO_IP, IP_TOS, &tos,
				     sizeof(tos));
		} else if (h.cmsg_level == IPPROTO_IPV6 &&
			   h.cmsg_type == IPV6_HOPLIMIT && dlen >= sizeof(int)) {
			r = put_cmsg(dst, cap, &used, IPPROTO_IP, IP_TTL, data,
				     sizeof(int));
		} else if (h.cmsg_level == IPPROTO_IPV6 &&
			   h.cmsg_type == IPV6_RECVERR) {
			unsigned char e4[MSGCONV_ERR4_LEN];

			if (!msgconv_err_to_v4(data, dlen, e4, pfx, npfx))
				continue;
			r = put_cmsg(dst, cap, &used, IPPROTO_IP, IP_RECVERR,
				     e4, sizeof(e4));
		} else {
			r = put_cmsg(dst, cap, &used, h.cmsg_level, h.cmsg_type,
				     data, dlen);
		}
		if (r < 0) {
			*truncated = 1;
			break;
		}
	}
	return used;
}

size_t msgconv_cmsg_to_v6(const void *src, size_t srclen, void *dst,
			  size_t cap, int *overflow)
{
	struct cmsghdr h;
	const char *data;
	size_t dlen, used = 0;

	*overflow = 0;
	FOR_EACH_CMSG(src, srclen, h, data, dlen) {
		int r;

		if (h.cmsg_level == IPPROTO_IP && h.cmsg_type == IP_TOS &&
		    dlen >= 1) {
			int v = (unsigned char)data[0];

			if (dlen >= sizeof(int))
				memcpy(&v, data, sizeof(v));
			r = put_cmsg(dst, cap, &used, IPPROTO_IPV6, IPV6_TCLASS,
				     &v, sizeof(v));
		} else if (h.cmsg_level == IPPROTO_IP && h.cmsg_type == IP_TTL &&
			   dlen >= sizeof(int)) {
			r = put_cmsg(dst, cap, &used, IPPROTO_IPV6,
				     IPV6_HOPLIMIT, data, sizeof(int));
		} else if (h.cmsg_level == IPPROTO_IP &&
			   h.cmsg_type == IP_PKTINFO &&
			   dlen >= sizeof(struct in_pktinfo)) {
			struct in_pktinfo p4;
			struct in6_pktinfo p6;

			memcpy(&p4, data, sizeof(p4));
			memset(&p6, 0, sizeof(p6));
			p6.ipi6_ifindex = (unsigned int)p4.ipi_ifindex;
			r = put_cmsg(dst, cap, &used, IPPROTO_IPV6, IPV6_PKTINFO,
				     &p6, sizeof(p6));
		} else {
			r = put_cmsg(dst, cap, &used, h.cmsg_level, h.cmsg_type,
				     data, dlen);
		}
		if (r < 0) {
			*overflow = 1;
			return 0;
		}
	}
	return used;
}
