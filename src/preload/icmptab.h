/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the library keeps for an ICMP socket beyond its descriptors'
 * records (icmp.c): the program's ICMP_FILTER, its socket filter
 * (SO_ATTACH_FILTER, run here on the ICMPv4 view: the kernel would run it
 * on ICMPv6 bytes), options noted, and the spare socket of the other
 * family.  They belong to the socket, not to a descriptor: the records
 * of its descriptors (dup, fork) share one entry, by a 16-bit id
 * (struct fdrec icmp), reference-counted.  A fixed table of
 * ICMPTAB_SLOTS entries, each mapped on first use and reused once no
 * record refers to it; lock-free, async-signal-safe.  Ids are
 * 1..ICMPTAB_SLOTS, 0 meaning none. */
#ifndef TNAT64_ICMPTAB_H
#define TNAT64_ICMPTAB_H

#include <linux/filter.h>
#include <stdatomic.h>
#include <stdint.h>

#include "fdid.h"

#define ICMPTAB_SLOTS 1024

/* Options the program set that the ICMPv6 socket cannot keep itself. */
enum {
	ICMPF_RECVTTL = 1u << 0,   /* IP_RECVTTL: IP_TTL control messages */
	ICMPF_HDRINCL = 1u << 1,   /* IP_HDRINCL: never translated */
	ICMPF_LOCKED  = 1u << 2,   /* SO_LOCK_FILTER */
};

struct icmpsock {
	_Atomic int refs;          /* 0 free, -1 being set up, > 0 used */
	uint32_t filter4;          /* ICMP_FILTER (raw(7)); 0: none */
	_Atomic unsigned int flags;  /* ICMPF_* */
	/* Raw sockets: the socket of the other family (ICMPv6 for an
	 * AF_INET one, AF_INET for ours), made with the program's while it
	 * may still make raw sockets, kept aside (a high number, identity
	 * spare_id, a filter dropping everything) and swapped in when a
	 * destination needs that family; -1: none. */
	int spare;
	struct fdid spare_id;
	/* The socket filter: nprog instructions (0: none), checked. */
	_Atomic uint32_t nprog;
	struct sock_filter prog[BPF_MAXINSNS];
};

/* A new entry (spare -1, nothing set) with one reference: its id, or 0
 * when all are in use (the socket then keeps none of this). */
uint16_t icmptab_new(void);
/* The entry of id (NULL for 0). */
struct icmpsock *icmptab_at(uint16_t id);
/* One more reference to id (returned; 0 for 0, or when the entry was
 * released meanwhile). */
uint16_t icmptab_ref(uint16_t id);
/* Drop a reference; with the last one the spare is closed (if still
 * ours) and the entry freed.  id 0: nothing. */
void icmptab_unref(uint16_t id);

#endif
