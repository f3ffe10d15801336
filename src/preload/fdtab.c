/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "icmptab.h"
#include "fdtab.h"
#include "rawsys.h"

#define CHUNK_BITS FDTAB_CHUNK_BITS
#define CHUNK_SIZE FDTAB_CHUNK_SIZE
#define NCHUNKS FDTAB_NCHUNKS

_Atomic(struct fdrec *) fdtab_chunks[NCHUNKS];
#define chunks fdtab_chunks

struct fdrec *fdtab_create(int fd)
{
	unsigned int c = (unsigned int)fd >> CHUNK_BITS;
	unsigned int i = (unsigned int)fd & (CHUNK_SIZE - 1);
	struct fdrec *chunk, *expected = NULL;
	int saved;

	if (fd < 0 || c >= NCHUNKS)
		return NULL;
	chunk = atomic_load_explicit(&chunks[c], memory_order_acquire);
	if (chunk)
		return &chunk[i];
	saved = errno; /* callers' callers keep errno on success */
	chunk = mmap(NULL, CHUNK_SIZE * sizeof(struct fdrec),
		     PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	errno = saved;
	if (chunk == MAP_FAILED)
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(&chunks[c], &expected,
			chunk, memory_order_acq_rel, memory_order_acquire)) {
		munmap(chunk, CHUNK_SIZE * sizeof(struct fdrec));
		chunk = expected;
	}
	return &chunk[i];
}

/* The record no longer refers to an ICMP socket's state (a plain load
 * first: only ICMP sockets ever have one). */
static void drop_icmp(struct fdrec *r)
{
	if (atomic_load_explicit(&r->icmp, memory_order_relaxed))
		fdtab_set_icmp(r, 0);
}

void fdtab_set_icmp(struct fdrec *r, uint16_t id)
{
	icmptab_unref(atomic_exchange_explicit(&r->icmp, id,
					       memory_order_acq_rel));
}

TN_EXEC_TEXT void fdtab_clear_range(unsigned int first, unsigned int last)
{
	unsigned int c;

	if (last >= NCHUNKS * CHUNK_SIZE)
		last = NCHUNKS * CHUNK_SIZE - 1;
	for (c = first >> CHUNK_BITS; first <= last && c < NCHUNKS; c++) {
		struct fdrec *chunk = atomic_load_explicit(&chunks[c],
						memory_order_acquire);
		unsigned int end = (c + 1) * CHUNK_SIZE - 1;

		if (end > last)
			end = last;
		if (chunk)
			for (unsigned int fd = first; fd <= end; fd++) {
				struct fdrec *r = &chunk[fd & (CHUNK_SIZE - 1)];

				atomic_store_explicit(&r->kind, FD_UNKNOWN,
						      memory_order_release);
				drop_icmp(r);
			}
		first = end + 1;
		if (first == 0)
			break;
	}
}

TN_EXEC_TEXT void fdtab_copy(int oldfd, int newfd)
{
	struct fdrec *src = fdtab_get(oldfd, 0);
	uint32_t kind = fdrec_kind(src);
	struct fdrec *dst;

	if (oldfd == newfd)
		return;
	if (kind == FD_UNKNOWN) {
		fdtab_clear(newfd);
		return;
	}
	dst = fdtab_get(newfd, 1);
	if (!dst)
		return;
	atomic_store_explicit(&dst->kind, FD_UNKNOWN, memory_order_relaxed);
	dst->domain = src->domain;
	dst->type = src->type;
	dst->peer_prefix = src->peer_prefix;
	dst->opts = src->opts;
	dst->peer_v4 = src->peer_v4;
	dst->peer_port = src->peer_port;
	dst->bound_port = src->bound_port;
	dst->bound_v4 = src->bound_v4;
	dst->proto = src->proto;
	fdtab_set_icmp(dst, icmptab_ref(atomic_load_explicit(&src->icmp,
						memory_order_acquire)));
	atomic_store_explicit(&dst->dst_seq, 0, memory_order_relaxed);
	atomic_store_explicit(&dst->kind, kind, memory_order_release);
}

int fdtab_next(int from, uint32_t kind)
{
	unsigned int fd = from < 0 ? 0 : (unsigned int)from;

	for (unsigned int c = fd >> CHUNK_BITS; c < NCHUNKS; c++) {
		struct fdrec *chunk = atomic_load_explicit(&chunks[c],
						memory_order_acquire);

		if (!chunk) {
			fd = (c + 1) * CHUNK_SIZE;
			continue;
		}
		for (; fd < (c + 1) * CHUNK_SIZE; fd++)
			if (atomic_load_explicit(&chunk[fd & (CHUNK_SIZE - 1)].kind,
						 memory_order_acquire) == kind)
				return (int)fd;
	}
	return -1;
}
