/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket filters of translated ICMP sockets; see bpfpool.h.  A slot's
 * refs is 0 when free, -1 while being filled, > 0 while in use. */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "bpfpool.h"

struct slot {
	_Atomic int refs;
	size_t n;
	struct sock_filter prog[BPF_MAXINSNS];
};

static _Atomic(struct slot *) slots[BPFPOOL_SLOTS];

static int fill(struct slot *s, int i, const struct sock_filter *prog,
		size_t n)
{
	memcpy(s->prog, prog, n * sizeof(*prog));
	s->n = n;
	atomic_store_explicit(&s->refs, 1, memory_order_release);
	return i + 1;
}

int bpfpool_put(const struct sock_filter *prog, size_t n)
{
	if (n == 0 || n > BPF_MAXINSNS)
		return -EINVAL;
	/* a free slot already mapped */
	for (int i = 0; i < BPFPOOL_SLOTS; i++) {
		struct slot *s = atomic_load_explicit(&slots[i],
						      memory_order_acquire);
		int zero = 0;

		if (s && atomic_compare_exchange_strong_explicit(&s->refs,
				&zero, -1, memory_order_acquire,
				memory_order_relaxed))
			return fill(s, i, prog, n);
	}
	/* a new one (pages are touched only as far as the program goes) */
	for (int i = 0; i < BPFPOOL_SLOTS; i++) {
		struct slot *s, *expected = NULL;

		if (atomic_load_explicit(&slots[i], memory_order_relaxed))
			continue;
		s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (s == MAP_FAILED)
			return -ENOMEM;
		atomic_store_explicit(&s->refs, -1, memory_order_relaxed);
		if (!atomic_compare_exchange_strong_explicit(&slots[i],
				&expected, s, memory_order_acq_rel,
				memory_order_relaxed)) {
			munmap(s, sizeof(*s));
			continue;
		}
		return fill(s, i, prog, n);
	}
	return -ENOMEM;
}

static struct slot *slot_of(uint16_t id)
{
	if (id == 0 || id > BPFPOOL_SLOTS)
		return NULL;
	return atomic_load_explicit(&slots[id - 1], memory_order_acquire);
}

uint16_t bpfpool_ref(uint16_t id)
{
	struct slot *s = slot_of(id);
	int r;

	if (!s)
		return 0;
	r = atomic_load_explicit(&s->refs, memory_order_relaxed);
	/* only while in use: a slot released (or being refilled) meanwhile
	 * is no longer this id's */
	while (r > 0)
		if (atomic_compare_exchange_weak_explicit(&s->refs, &r, r + 1,
				memory_order_acquire, memory_order_relaxed))
			return id;
	return 0;
}

void bpfpool_unref(uint16_t id)
{
	struct slot *s = slot_of(id);

	if (s)
		atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel);
}

const struct sock_filter *bpfpool_prog(uint16_t id, size_t *n)
{
	struct slot *s = slot_of(id);

	if (!s)
		return NULL;
	*n = s->n;
	return s->prog;
}
