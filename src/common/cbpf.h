/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classic BPF socket filters (SO_ATTACH_FILTER, socket(7), filter.txt of
 * the kernel), checked and run in user space.  A program attaches a
 * filter written for what an IPv4 socket receives (iputils ping checks
 * its ICMP identifier at IPv4 header offsets); on a socket we turned into
 * an ICMPv6 one the kernel would run it on ICMPv6 bytes and drop
 * everything.  So the filter is kept here and run on the IPv4 packet we
 * synthesize, with the kernel's semantics.  Pure code,
 * async-signal-safe. */
#ifndef TNAT64_CBPF_H
#define TNAT64_CBPF_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* 0 when prog (n instructions) is a filter the kernel would accept:
 * 1 to BPF_MAXINSNS instructions, known opcodes, jumps inside the
 * program, scratch memory indexes below BPF_MEMWORDS, no division by a
 * constant 0, constant shifts below 32, ending with a return.  -EINVAL
 * otherwise (what setsockopt(SO_ATTACH_FILTER) returns for it). */
int cbpf_check(const struct sock_filter *prog, size_t n);

/* What the filter sees: the packet data (BPF_ABS/BPF_IND offsets from
 * 0) and the network-layer view for SKF_NET_OFF loads (for a raw socket
 * the same bytes; for an ICMP datagram socket an IPv4 header followed by
 * the data).  protocol is the value of SKF_AD_PROTOCOL (0x0800). */
struct cbpf_pkt {
	const uint8_t *data;
	size_t len;
	const uint8_t *net;
	size_t netlen;
	uint16_t protocol;
};

/* Run a checked filter: the number of bytes to keep (0: drop the
 * packet), as the kernel would trim it; or -1 when the filter needs
 * something only the kernel knows (link-layer bytes, ancillary data other
 * than the protocol and packet type): the caller then keeps the packet
 * (fails open).  Memory-safe whatever the n instructions are (a program
 * being replaced while read, never checked): a scratch index out of range
 * gives -1 too. */
long cbpf_run(const struct sock_filter *prog, size_t n,
	      const struct cbpf_pkt *pkt);

#endif
