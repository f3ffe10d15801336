/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICMP sockets' shared state; see icmptab.h. */
#include <string.h>
#include <sys/mman.h>

#include "icmptab.h"

static _Atomic(struct icmpsock *) slots[ICMPTAB_SLOTS];

static uint16_t fill(struct icmpsock *s, int i)
{
	s->filter4 = 0;
	atomic_store_explicit(&s->flags, 0, memory_order_relaxed);
	s->spare = -1;
	atomic_store_explicit(&s->nprog, 0, memory_order_relaxed);
	atomic_store_explicit(&s->refs, 1, memory_order_release);
	return (uint16_t)(i + 1);
}

uint16_t icmptab_new(void)
{
	/* a free entry already mapped */
	for (int i = 0; i < ICMPTAB_SLOTS; i++) {
		struct icmpsock *s = atomic_load_explicit(&slots[i],
							  memory_order_acquire);
		int zero = 0;

		if (s && atomic_compare_exchange_strong_explicit(&s->refs, &zero,
				-1, memory_order_acquire, memory_order_relaxed))
			return fill(s, i);
	}
	/* a new one (its pages touched only as far as they are used) */
	for (int i = 0; i < ICMPTAB_SLOTS; i++) {
		struct icmpsock *s, *expected = NULL;

		if (atomic_load_explicit(&slots[i], memory_order_relaxed))
			continue;
		s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (s == MAP_FAILED)
			return 0;
		atomic_store_explicit(&s->refs, -1, memory_order_relaxed);
		if (!atomic_compare_exchange_strong_explicit(&slots[i],
				&expected, s, memory_order_acq_rel,
				memory_order_relaxed)) {
			munmap(s, sizeof(*s));
			continue;
		}
		return fill(s, i);
	}
	return 0;
}

struct icmpsock *icmptab_at(uint16_t id)
{
	if (id == 0 || id > ICMPTAB_SLOTS)
		return NULL;
	return atomic_load_explicit(&slots[id - 1], memory_order_acquire);
}

uint16_t icmptab_ref(uint16_t id)
{
	struct icmpsock *s = icmptab_at(id);
	int r;

	if (!s)
		return 0;
	/* only while referred to: an entry released meanwhile (its last
	 * descriptor closed by another thread) is not revived */
	r = atomic_load_explicit(&s->refs, memory_order_acquire);
	while (r > 0)
		if (atomic_compare_exchange_weak_explicit(&s->refs, &r, r + 1,
				memory_order_acq_rel, memory_order_acquire))
			return id;
	return 0;
}

void icmptab_unref(uint16_t id)
{
	struct icmpsock *s = icmptab_at(id);
	int r;

	if (!s)
		return;
	r = atomic_load_explicit(&s->refs, memory_order_acquire);
	while (r > 0) {
		if (r == 1) {
			/* the last reference: the entry is ours alone while
			 * it is set up (-1), then free */
			if (!atomic_compare_exchange_weak_explicit(&s->refs,
					&r, -1, memory_order_acq_rel,
					memory_order_acquire))
				continue;
			if (s->spare >= 0)
				fdid_close(s->spare, &s->spare_id);
			s->spare = -1;
			atomic_store_explicit(&s->nprog, 0,
					      memory_order_relaxed);
			atomic_store_explicit(&s->refs, 0,
					      memory_order_release);
			return;
		}
		if (atomic_compare_exchange_weak_explicit(&s->refs, &r, r - 1,
				memory_order_acq_rel, memory_order_acquire))
			return;
	}
}
