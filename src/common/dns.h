/* SPDX-License-Identifier: GPL-2.0-or-later */
/* DNS messages (RFC 1035) for NAT64 prefix discovery: building one query
 * and parsing its reply strictly.  Pure code: no allocation, no I/O, no
 * global state; async-signal-safe. */
#ifndef TNAT64_DNS_H
#define TNAT64_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN 12
#define DNS_UDP_MAX 512        /* RFC 1035 4.2.1; we send no EDNS0 */
#define DNS_NAME_MAX 255       /* wire form, RFC 1035 2.3.4 */
#define DNS_MAX_AAAA 16        /* AAAA records kept from one answer */
#define DNS_MAX_RECORDS 64     /* answer + authority records looked at */

#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA 6
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1

#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_REFUSED 5

/* The name RFC 7050 section 2 asks for. */
#define RFC7050_NAME "ipv4only.arpa"

/* Build a standard query (RFC 1035 4.1) for name/qtype class IN: one
 * question, RD set, CD clear (a DNS64 does not synthesize for CD queries,
 * RFC 6147 5.5), no EDNS0.  name: dotted, without or with the final dot,
 * labels of 1-63 bytes.  id: the caller's random query id.
 * Returns the length written (<= DNS_UDP_MAX), -EINVAL for a bad name or
 * -ENOSPC when size is too small. */
int dns_build_query(uint8_t *buf, size_t size, uint16_t id,
		    const char *name, uint16_t qtype);

struct dns_reply {
	uint8_t rcode;          /* RFC 1035 4.1.1 */
	bool truncated;         /* TC: nothing past the question was read */
	size_t naddr;           /* AAAA records of the question's name
				   (after following CNAMEs), <= DNS_MAX_AAAA */
	size_t naddr_dropped;   /* more AAAA records than room */
	uint8_t addr[DNS_MAX_AAAA][16];
	uint32_t ttl[DNS_MAX_AAAA]; /* seconds, RFC 2181 8 (MSB set = 0) */
	size_t ncname;          /* CNAMEs followed */
	bool have_neg_ttl;      /* an SOA in the authority section */
	uint32_t neg_ttl;       /* RFC 2308 5: min(SOA TTL, SOA MINIMUM) */
};

/* Parse msg (len bytes) as the reply to the query (id, name, qtype):
 * header (QR set, opcode QUERY, id), exactly one question equal to ours
 * (names compared without case), every record's bounds, compression
 * pointers (only backwards, at most 255 bytes of name, so no loops),
 * CNAME chains (at most 8 links), AAAA data of 16 bytes, the SOA of a
 * negative answer, and no bytes after the last record.
 * Returns 0 when msg is a well-formed reply to that query (then look at
 * out->rcode, out->truncated, out->naddr), -ESRCH when it is not a reply
 * to it (wrong id, not a response, another question) and -EBADMSG when it
 * is malformed. */
int dns_parse_reply(const uint8_t *msg, size_t len, uint16_t id,
		    const char *name, uint16_t qtype, struct dns_reply *out);

/* Name in wire form, lowercased, from text (for comparisons).  Returns
 * its length or -EINVAL. */
int dns_name_to_wire(const char *name, uint8_t out[DNS_NAME_MAX]);

#endif
