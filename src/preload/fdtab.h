/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-descriptor records, lock-free: a two-level table indexed by fd whose
 * chunks are mmap(2)ed on first use and published with compare-and-swap,
 * so every operation is async-signal-safe and fork-safe (no locks). */
#ifndef TNAT64_FDTAB_H
#define TNAT64_FDTAB_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

enum fd_kind {
	FD_UNKNOWN = 0, /* never seen (inherited, passed in...) or not a socket */
	FD_PLAIN,       /* socket created here, not translated */
	FD_EMU,         /* AF_INET6 socket standing in for the program's
			   AF_INET socket: everything observed is turned back
			   into IPv4 */
	FD_V6MAP,       /* program's own AF_INET6 socket whose ::ffff:a.b.c.d
			   peer was sent to NAT64 */
	FD_EPOLL,       /* an epoll instance (its registrations are carried
			   over when a socket is replaced) */
	FD_ICMP6,       /* ICMPv6 socket (raw or datagram) standing in for
			   the program's AF_INET ICMP socket: what it reads
			   is turned into ICMPv4 (icmp.c) */
};

/* Options the program set on a socket we saw being created; a
 * replacement socket gets exactly these copied (FD_UNKNOWN: all). */
enum {
	OPT_SOCKET = 1u << 0,   /* some SOL_SOCKET option (= SOCKOPT_SOCKET) */
	OPT_TCP    = 1u << 1,   /* some SOL_TCP option (= SOCKOPT_TCP) */
	OPT_IP     = 1u << 2,   /* some SOL_IP option (= SOCKOPT_IP) */
	OPT_BOUND  = 1u << 3,   /* bind() was called */
	OPT_FRESH  = 1u << 4,   /* FD_EMU made by socket(): not yet bound,
				   listening or connected */
	OPT_DEVICE = 1u << 5,   /* SO_BINDTODEVICE was set */
};

struct fdrec {
	/* one cache line each: a record is found with a shift, and threads
	 * working on different descriptors do not share lines */
	_Alignas(64) _Atomic uint32_t kind; /* enum fd_kind, written last */
	uint8_t domain, type;    /* as created (type without flags) */
	uint8_t peer_prefix;     /* prefix index of the peer, 0xff: none */
	uint8_t opts;            /* OPT_* */
	uint32_t peer_v4;        /* network order: what the program asked */
	uint16_t peer_port;      /* network order */
	uint16_t bound_port;     /* network order */
	uint32_t bound_v4;       /* network order */
	int proto;
	/* FD_EMU datagram sockets: the last IPv4 destination named in a send
	 * and the IPv6 address it went to, so that a stream of datagrams to
	 * one peer skips the lookup.  A seqlock: dst_seq is odd while being
	 * written and 0 when empty; a reader that sees it change falls back
	 * to the full path.  See send.c. */
	_Atomic uint32_t dst_seq;
	_Atomic uint32_t dst_v4;
	_Atomic uint32_t dst_port_pfx; /* port (network order) << 16 | pfx + 1 */
	_Atomic uint32_t dst6[4];
	/* ICMP sockets: the id of what the library keeps for the socket
	 * (icmptab.h; 0: none), shared by its descriptors' records. */
	_Atomic uint16_t icmp;
};

#define FDTAB_CHUNK_BITS 10
#define FDTAB_CHUNK_SIZE (1u << FDTAB_CHUNK_BITS)
#define FDTAB_NCHUNKS 1024u            /* fds up to 1048575 are tracked */

/* The table itself (fdtab.c); read only through the functions below. */
extern _Atomic(struct fdrec *) fdtab_chunks[FDTAB_NCHUNKS];

/* Allocating a chunk (fdtab.c). */
struct fdrec *fdtab_create(int fd);

/* The record of fd, allocating its chunk if create (NULL if fd is out of
 * range or memory is short: callers then pass the call through).
 * Inline: every socket, connect and close of a program asks. */
static inline struct fdrec *fdtab_get(int fd, int create)
{
	unsigned int c = (unsigned int)fd >> FDTAB_CHUNK_BITS;
	struct fdrec *chunk;

	if (c >= FDTAB_NCHUNKS) /* negative fds too */
		return NULL;
	chunk = atomic_load_explicit(&fdtab_chunks[c], memory_order_acquire);
	if (__builtin_expect(chunk != NULL, 1))
		return &chunk[(unsigned int)fd & (FDTAB_CHUNK_SIZE - 1)];
	return create ? fdtab_create(fd) : NULL;
}

/* Give record r the icmptab reference id (0: none), releasing the one it
 * held. */
void fdtab_set_icmp(struct fdrec *r, uint16_t id);

/* Forget fd (close), and the ICMP socket state its record refers to (a
 * plain load first: only ICMP sockets ever have one). */
static inline void fdtab_clear(int fd)
{
	struct fdrec *r = fdtab_get(fd, 0);

	if (r) {
		atomic_store_explicit(&r->kind, FD_UNKNOWN,
				      memory_order_release);
		if (__builtin_expect(atomic_load_explicit(&r->icmp,
					memory_order_relaxed) != 0, 0))
			fdtab_set_icmp(r, 0);
	}
}
/* Forget [first, last] (close_range, closefrom). */
void fdtab_clear_range(unsigned int first, unsigned int last);
/* newfd now refers to the same open file as oldfd (dup*). */
void fdtab_copy(int oldfd, int newfd);
/* The first fd >= from whose record is of this kind, or -1. */
int fdtab_next(int from, uint32_t kind);

static inline uint32_t fdrec_kind(const struct fdrec *r)
{
	return r ? atomic_load_explicit(&r->kind, memory_order_acquire)
		 : FD_UNKNOWN;
}

#endif
