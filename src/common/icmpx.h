/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICMP through NAT64, as the program sees it: ICMPv6 messages turned
 * into the ICMPv4 messages and error-queue entries an IPv4 socket would
 * have given (RFC 7915 section 5.2 for errors, section 5.3 for the
 * packet in error), and ICMPv4 echo turned into ICMPv6 echo on the way
 * out.  Pure code: no system calls, async-signal-safe.
 *
 * All addresses are in network order; lengths in bytes. */
#ifndef TNAT64_ICMPX_H
#define TNAT64_ICMPX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ICMPv4 and ICMPv6 types and codes used here (RFC 792, RFC 4443). */
enum {
	ICMPX4_ECHOREPLY = 0, ICMPX4_DEST_UNREACH = 3, ICMPX4_ECHO = 8,
	ICMPX4_TIME_EXCEEDED = 11, ICMPX4_PARAMETERPROB = 12,
	ICMPX4_HOST_UNREACH = 1, ICMPX4_PROT_UNREACH = 2,
	ICMPX4_PORT_UNREACH = 3, ICMPX4_FRAG_NEEDED = 4,
	ICMPX4_HOST_ANO = 10,
	ICMPX6_DEST_UNREACH = 1, ICMPX6_PKT_TOOBIG = 2,
	ICMPX6_TIME_EXCEED = 3, ICMPX6_PARAMPROB = 4,
	ICMPX6_ECHO_REQUEST = 128, ICMPX6_ECHO_REPLY = 129,
};

/* raw(7)'s ICMP_FILTER option (level SOL_RAW), from <linux/icmp.h>,
 * which clashes with the C library's headers. */
#ifndef ICMP_FILTER
#define ICMP_FILTER 1
#endif

/* The IPv4 address translators use for hops that have no IPv4 address
 * (192.0.0.8, RFC 7600 section 4.8 and the IANA special-purpose
 * registry): the source of ICMPv4 errors that came from an IPv6 address
 * outside the NAT64 prefix. */
#define ICMPX_DUMMY_V4 0xc0000008u /* host order */

/* The IPv4 address the program's side has in packets we synthesize (the
 * destination of received packets, the source of the packet in error):
 * 192.0.0.1, from the IPv4 Service Continuity Prefix 192.0.0.0/29 that
 * CLATs use on hosts without IPv4 (RFC 7335). */
#define ICMPX_LOCAL_V4 0xc0000001u /* host order */

/* An ICMPv4 error: type, code, and the 32-bit rest of the header
 * (next-hop MTU for "fragmentation needed", pointer for parameter
 * problem, as ee_info in sock_extended_err). */
struct icmpx_err4 {
	uint8_t type, code;
	uint32_t info;
};

/* RFC 7915 section 5.2: the ICMPv4 error for an ICMPv6 error of type6,
 * code6 with info6 (MTU of Packet Too Big, pointer of Parameter
 * Problem).  Destination Unreachable codes 0, 2, 3 -> host unreachable,
 * 1 -> host administratively prohibited (10), 4 -> port unreachable;
 * Packet Too Big -> fragmentation needed with MTU - 20 (at least 68);
 * Time Exceeded -> type 11, same code; Parameter Problem code 0 -> type
 * 12 with the pointer mapped (Figure 6), code 1 -> protocol
 * unreachable.  False: the message has no ICMPv4 form and is dropped
 * (informational messages, neighbour discovery, unknown codes). */
bool icmpx_err_6to4(uint8_t type6, uint8_t code6, uint32_t info6,
		    struct icmpx_err4 *out);

/* The errno Linux gives an IPv4 socket for an ICMPv4 error (type, code):
 * ee_errno, SO_ERROR and the next call's error.  0 when it sets none. */
int icmpx_errno4(uint8_t type4, uint8_t code4);

/* The errno an AF_INET program expects where the kernel reported errno
 * err for a translated socket (the IPv6 meaning of ICMPv6 errors):
 * ENETUNREACH (no route, from ICMPv6) and EACCES (administratively
 * prohibited) become EHOSTUNREACH, as their ICMPv4 translations would
 * have given; anything else is returned as it is. */
int icmpx_errno_6to4(int err);

/* Internet checksum (RFC 1071) of len bytes, added to sum (a partial
 * sum from icmpx_sum or 0); returns the folded, complemented value in
 * network order, ready to store. */
uint32_t icmpx_sum(const void *data, size_t len, uint32_t sum);
uint16_t icmpx_fold(uint32_t sum);

/* Write a 20-byte IPv4 header (no options) at out: total length
 * 20 + payload_len, identification id (network order as given),
 * DF set, ttl, protocol proto, tos, checksum filled in. */
void icmpx_ipv4_header(uint8_t out[20], uint32_t src, uint32_t dst,
		       uint8_t ttl, uint8_t tos, uint8_t proto,
		       uint16_t payload_len, uint16_t id);

/* Echo messages in place: an ICMPv4 echo request/reply (type 8/0) of len
 * bytes becomes ICMPv6 (128/129), checksum zeroed (the kernel computes
 * ICMPv6 checksums); and back, with the ICMPv4 checksum computed over
 * the len bytes.  False (untouched) when the type is not echo or len is
 * under 8. */
bool icmpx_echo_4to6(uint8_t *msg, size_t len);
bool icmpx_echo_6to4(uint8_t *msg, size_t len);

/* Maps an address in the NAT64 prefix to its IPv4 address (true), for
 * the functions below; ctx is passed through. */
typedef bool (*icmpx_v4_of)(const uint8_t v6[16], uint32_t *v4, void *ctx);

/* RFC 7915 section 5.3 for what the program reads: the packet in error
 * (an IPv6 header and what followed, as quoted in an ICMPv6 error, len6
 * bytes, possibly truncated) as an IPv4 packet at out (at most cap
 * bytes): a 20-byte header whose source is the IPv4 form of the IPv6
 * source (local4 when v4_of does not know it) and destination the IPv4
 * form of the IPv6 destination (the embedded address, else
 * ICMPX_DUMMY_V4), total length from the IPv6 payload length, TTL from
 * the hop limit, protocol from the next header (1 for ICMPv6; a fragment
 * header is skipped), then the payload with an ICMPv6 echo turned into
 * ICMPv4 echo and the UDP/TCP checksum adjusted for the IPv4
 * pseudo-header.  Returns the length written, or -1 when in6 is not an
 * IPv6 header (then nothing sensible can be said). */
long icmpx_inner_6to4(const uint8_t *in6, size_t len6, uint8_t *out,
		      size_t cap, uint32_t local4, icmpx_v4_of v4_of,
		      void *ctx);

/* A whole ICMPv6 message (as a raw ICMPv6 socket reads it, len6 bytes)
 * as the ICMPv4 message an IPv4 raw socket would read after the IPv4
 * header: echo request/reply with the type changed and the checksum
 * recomputed, errors translated by icmpx_err_6to4 with the packet in
 * error by icmpx_inner_6to4, checksum computed.  Returns the length
 * written at out (at most cap), 0 when the message has no ICMPv4 form
 * (the program must not see it), -1 when it is malformed. */
long icmpx_msg_6to4(const uint8_t *msg6, size_t len6, uint8_t *out,
		    size_t cap, uint32_t local4, icmpx_v4_of v4_of,
		    void *ctx);

/* The ICMP6_FILTER of a raw ICMPv6 socket standing in for an IPv4 raw
 * ICMP socket whose ICMP_FILTER is mask4 (raw(7): bit t set blocks ICMPv4
 * type t; 0 blocks nothing): out[8] as struct icmp6_filter's words (bit
 * set: type blocked).  Only the ICMPv6 types with an ICMPv4 form pass
 * (echo request 128 and reply 129, and the errors of RFC 7915 section
 * 5.2: 1, 2, 3, 4), and of those the ones whose ICMPv4 types mask4 lets
 * through (Parameter Problem, 4, also gives Destination Unreachable).
 * Neighbour discovery, MLD and router messages never pass. */
void icmpx_filter_6(uint32_t mask4, uint32_t out[8]);

/* Largest ICMPv6 error a translation looks at: an error carries at most
 * the IPv6 minimum MTU (RFC 4443 section 2.4 (c)). */
#define ICMPX_ERR_MAX 1280

/* A received ICMPv6 message and what the program of an IPv4 ICMP socket
 * gets for it (icmpx_rx_6to4). */
struct icmpx_rx {
	/* in */
	const uint8_t *src6;   /* the sender's IPv6 address (16 bytes) */
	uint8_t hoplimit;      /* of the received packet: the TTL shown */
	uint32_t local4;       /* our side's IPv4 address, network order */
	icmpx_v4_of v4_of;     /* IPv4 form of an IPv6 address, or false */
	void *ctx;
	/* out */
	uint32_t src4;         /* the sender as the program sees it */
	size_t full;           /* length before any truncation, header
				  included (recvmsg's MSG_TRUNC length) */
};

/* RFC 7915 for an IPv4 ICMP socket's reader, in place.  buf (cap bytes)
 * holds the ICMPv6 message at buf + hdr: len6 bytes received of full6
 * (more when the buffer truncated it).  hdr is 20 for a raw socket (an
 * IPv4 header is written there: total length, TTL = hoplimit, protocol
 * 1, source rx->src4, destination rx->local4, DF, checksum) and 0 for a
 * datagram ("ping") socket.  Echo request/reply: type 128/129 -> 8/0 and
 * the ICMPv4 checksum over the len6 bytes; errors: icmpx_msg_6to4 (at
 * most ICMPX_ERR_MAX bytes looked at), sender 192.0.0.8 when it has no
 * IPv4 form.  Returns the bytes now at buf (hdr included), 0 when the
 * program must not see the message (no ICMPv4 form; an echo from an
 * address without an IPv4 form; an error about a packet that was not
 * sent to an IPv4-embedding address, i.e. not the program's traffic), or
 * -1 when it is malformed or cap is under hdr + 8. */
long icmpx_rx_6to4(uint8_t *buf, size_t cap, size_t hdr, size_t len6,
		   size_t full6, struct icmpx_rx *rx);

#endif
