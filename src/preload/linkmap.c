/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The loader's list of objects through the program's DT_DEBUG entry
 * (linkmap.h).  The library used _r_debug, a symbol of the dynamic
 * linker (a DT_NEEDED entry on ld-linux-x86-64.so.2, one more object for
 * every program to look up at load time), and _dl_find_object and
 * dladdr1 (symbols of versions GLIBC_2.35 and GLIBC_2.34: symver.h). */
#include <elf.h>
#include <link.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/auxv.h>

#include "linkmap.h"

/* The linker's name for this object's dynamic section. */
extern ElfW(Dyn) _DYNAMIC[] __attribute__((visibility("hidden")));

/* 0: not looked for yet, 1: looked for, the program has none. */
static _Atomic uintptr_t found;

struct r_debug *tn_r_debug(void)
{
	uintptr_t r = atomic_load_explicit(&found, memory_order_relaxed);
	const ElfW(Phdr) *ph;
	const ElfW(Dyn) *dyn = NULL;
	uintptr_t bias = 0;
	size_t n;

	if (r)
		return r == 1 ? NULL : (struct r_debug *)r;
	r = 1;
	ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	n = (size_t)getauxval(AT_PHNUM);
	if (ph) {
		/* The load bias, from the program header table's own entry
		 * (absent in a non-PIE program, loaded where it says). */
		for (size_t i = 0; i < n; i++)
			if (ph[i].p_type == PT_PHDR)
				bias = (uintptr_t)ph - ph[i].p_vaddr;
		for (size_t i = 0; i < n; i++)
			if (ph[i].p_type == PT_DYNAMIC)
				dyn = (const ElfW(Dyn) *)(bias + ph[i].p_vaddr);
	}
	for (; dyn && dyn->d_tag != DT_NULL; dyn++)
		if (dyn->d_tag == DT_DEBUG && dyn->d_un.d_ptr) {
			const struct r_debug *d =
				(const struct r_debug *)dyn->d_un.d_ptr;

			if (d->r_version >= 1 && d->r_map)
				r = (uintptr_t)d;
			break;
		}
	atomic_store_explicit(&found, r, memory_order_relaxed);
	return r == 1 ? NULL : (struct r_debug *)r;
}

struct link_map *tn_self_map(const struct r_debug *r)
{
	/* The program and the libraries loaded at start-up (this one among
	 * them, when preloaded) are never unloaded: the walk up to us reads
	 * entries that stay. */
	for (struct link_map *l = r ? r->r_map : NULL; l; l = l->l_next)
		if (l->l_ld == _DYNAMIC)
			return l;
	return NULL;
}
