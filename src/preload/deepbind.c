/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Re-pointing the relocations of RTLD_DEEPBIND objects (deepbind.h).
 *
 * The objects are found in the loader's list of the base namespace (the
 * one LD_PRELOAD libraries live in; r_debug's r_map: linkmap.h), walked
 * inside a dl_iterate_phdr callback, which holds the loader's list lock: the
 * objects after the one that was last when the RTLD_DEEPBIND dlopen was
 * noted are new (all of them, should that one have gone).  For each, the
 * dynamic section gives the relocation tables (DT_RELA, DT_JMPREL) and
 * the symbol table: a JUMP_SLOT, GLOB_DAT or 64-bit relocation against
 * an undefined symbol this library exports gets the global scope's
 * definition of it, as the object would have without RTLD_DEEPBIND.  A
 * slot inside PT_GNU_RELRO (made read-only after relocation) is made
 * writable for the store and read-only again.  x86-64 only. */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "deepbind.h"
#include "linkmap.h"
#include "log.h"

/* 1 + the number of objects in the base namespace before the oldest
 * RTLD_DEEPBIND dlopen not handled yet, 0 when there is none. */
atomic_size_t tn_deep_pending;
static _Atomic(struct link_map *) pending_last;

/* -------------------------------------------------------- our exports */

#define NAMES_MAX 128
static const char *names[NAMES_MAX];
static _Atomic(void *) values[NAMES_MAX];
static size_t nnames;
static atomic_int names_state; /* 0 not yet, 1 being made, 2 ready */

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The base namespace's r_debug: through the program's DT_DEBUG entry,
 * else by the loader's symbol (looked up, not linked: linkmap.c). */
static struct r_debug *base_list(void)
{
	struct r_debug *r = tn_r_debug();

	return r ? r : tn_real_dlsym(RTLD_DEFAULT, "_r_debug");
}

static uintptr_t rel_ptr(uintptr_t base, uintptr_t p)
{
	/* The loader relocates the dynamic section's addresses in place,
	 * except in read-only ones (the vDSO's). */
	return p < base ? p + base : p;
}

/* The number of symbols a DT_GNU_HASH table covers. */
static size_t gnu_hash_nsyms(const uint32_t *h)
{
	uint32_t nbuckets = h[0], symoffset = h[1], bloom = h[2], max = 0;
	const uint32_t *buckets = h + 4 + bloom * (sizeof(ElfW(Addr)) / 4);
	const uint32_t *chain = buckets + nbuckets;

	for (uint32_t i = 0; i < nbuckets; i++)
		if (buckets[i] > max)
			max = buckets[i];
	if (max < symoffset)
		return symoffset;
	while (!(chain[max - symoffset] & 1))
		max++;
	return (size_t)max + 1;
}

/* The functions this library exports (its hooks), from its own dynamic
 * symbol table: one list, whatever hooks there are. */
static void make_names(void)
{
	struct link_map *lm;
	const ElfW(Sym) *sym = NULL;
	const char *str = NULL;
	size_t nsyms = 0;
	int expected = 0;

	if (!atomic_compare_exchange_strong(&names_state, &expected, 1))
		return;
	lm = tn_self_map(base_list());
	if (lm) {
		for (const ElfW(Dyn) *d = lm->l_ld; d->d_tag != DT_NULL; d++) {
			uintptr_t p = rel_ptr(lm->l_addr, d->d_un.d_ptr);

			if (d->d_tag == DT_SYMTAB)
				sym = (const ElfW(Sym) *)p;
			else if (d->d_tag == DT_STRTAB)
				str = (const char *)p;
			else if (d->d_tag == DT_GNU_HASH)
				nsyms = gnu_hash_nsyms((const uint32_t *)p);
			else if (d->d_tag == DT_HASH && !nsyms)
				nsyms = ((const uint32_t *)p)[1];
		}
	}
	for (size_t i = 0; sym && str && i < nsyms && nnames < NAMES_MAX; i++) {
		if (ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC ||
		    sym[i].st_shndx == SHN_UNDEF ||
		    ELF64_ST_VISIBILITY(sym[i].st_other) != STV_DEFAULT)
			continue;
		names[nnames++] = str + sym[i].st_name;
	}
	qsort(names, nnames, sizeof(names[0]), cmp_name);
	atomic_store(&names_state, 2);
}

/* The global scope's definition of our export name, or NULL when name
 * is none of ours. */
static void *hook_for(const char *name)
{
	const char **p;
	size_t i;
	void *v;

	if (atomic_load(&names_state) != 2)
		return NULL;
	p = bsearch(&name, names, nnames, sizeof(names[0]), cmp_name);
	if (!p)
		return NULL;
	i = (size_t)(p - names);
	v = atomic_load_explicit(&values[i], memory_order_relaxed);
	if (!v) {
		v = tn_real_dlsym(RTLD_DEFAULT, name);
		atomic_store_explicit(&values[i], v, memory_order_relaxed);
	}
	return v;
}

/* -------------------------------------------------------- one object */

struct obj {
	uintptr_t base, relro_lo, relro_hi;
	const ElfW(Sym) *sym;
	const char *str;
	size_t strsz;
	long page;
	unsigned changed;
};

static void put(struct obj *o, void **slot, void *v)
{
	uintptr_t a = (uintptr_t)slot;

	if (__atomic_load_n(slot, __ATOMIC_RELAXED) == v)
		return;
	if (a >= o->relro_lo && a < o->relro_hi) {
		void *pg = (void *)(a & ~(uintptr_t)(o->page - 1));

		if (mprotect(pg, (size_t)o->page, PROT_READ | PROT_WRITE) < 0)
			return;
		__atomic_store_n(slot, v, __ATOMIC_RELEASE);
		mprotect(pg, (size_t)o->page, PROT_READ);
	} else {
		__atomic_store_n(slot, v, __ATOMIC_RELEASE);
	}
	o->changed++;
}

static void patch_table(struct obj *o, const ElfW(Rela) *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++) {
		unsigned long type = ELF64_R_TYPE(r[i].r_info);
		size_t s = ELF64_R_SYM(r[i].r_info);
		const ElfW(Sym) *sym;
		void *v;

		if (!s || (type != R_X86_64_JUMP_SLOT &&
			   type != R_X86_64_GLOB_DAT && type != R_X86_64_64))
			continue;
		sym = &o->sym[s];
		if (sym->st_shndx != SHN_UNDEF || sym->st_name >= o->strsz ||
		    ELF64_ST_TYPE(sym->st_info) == STT_TLS)
			continue;
		v = hook_for(o->str + sym->st_name);
		if (!v)
			continue;
		if (type == R_X86_64_64)
			v = (char *)v + r[i].r_addend;
		put(o, (void **)(o->base + r[i].r_offset), v);
	}
}

static void patch_object(const struct dl_phdr_info *info)
{
	struct obj o = { .base = info->dlpi_addr, .page = sysconf(_SC_PAGESIZE) };
	const ElfW(Dyn) *dyn = NULL;
	const ElfW(Rela) *rela = NULL, *jmprel = NULL;
	size_t relasz = 0, pltsz = 0;
	long pltrel = DT_RELA;

	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(o.base + ph->p_vaddr);
		else if (ph->p_type == PT_GNU_RELRO) {
			o.relro_lo = o.base + ph->p_vaddr;
			o.relro_hi = o.relro_lo + ph->p_memsz;
		}
	}
	if (!dyn || o.page <= 0)
		return;
	for (const ElfW(Dyn) *d = dyn; d->d_tag != DT_NULL; d++) {
		uintptr_t p = rel_ptr(o.base, d->d_un.d_ptr);

		switch (d->d_tag) {
		case DT_SYMTAB:
			o.sym = (const ElfW(Sym) *)p;
			break;
		case DT_STRTAB:
			o.str = (const char *)p;
			break;
		case DT_STRSZ:
			o.strsz = d->d_un.d_val;
			break;
		case DT_RELA:
			rela = (const ElfW(Rela) *)p;
			break;
		case DT_RELASZ:
			relasz = d->d_un.d_val;
			break;
		case DT_JMPREL:
			jmprel = (const ElfW(Rela) *)p;
			break;
		case DT_PLTRELSZ:
			pltsz = d->d_un.d_val;
			break;
		case DT_PLTREL:
			pltrel = (long)d->d_un.d_val;
			break;
		}
	}
	if (!o.sym || !o.str)
		return;
	patch_table(&o, rela, relasz / sizeof(ElfW(Rela)));
	if (pltrel == DT_RELA)
		patch_table(&o, jmprel, pltsz / sizeof(ElfW(Rela)));
	if (o.changed)
		log_msg(LOG_DEBUG, "%s: loaded with RTLD_DEEPBIND: %u of its "
			"calls re-pointed to the hooks", info->dlpi_name,
			o.changed);
}

/* -------------------------------------------------------- the list */

struct walk {
	const struct r_debug *r;
	size_t n, start, idx;
	struct link_map *last, *cur;
};

/* Called with the loader's list lock held: count the base namespace. */
static int note_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct walk *w = data;

	(void)info;
	(void)size;
	for (struct link_map *l = w->r->r_map; l; l = l->l_next) {
		w->last = l;
		w->n++;
	}
	return 1;
}

void tn_deep_note(void)
{
	struct walk w = { .r = base_list() };
	size_t cur, want;

	if (!w.r)
		return;
	dl_iterate_phdr(note_cb, &w);
	want = w.n + 1;
	cur = atomic_load(&tn_deep_pending);
	do {
		if (cur && cur <= want)
			return; /* an older note covers this one */
	} while (!atomic_compare_exchange_weak(&tn_deep_pending, &cur, want));
	atomic_store(&pending_last, w.last);
}

/* The callbacks come in the list's order, base namespace first. */
static int apply_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct walk *w = data;

	(void)size;
	if (w->idx == 0) {
		size_t i = 0;
		bool found = false;

		for (struct link_map *l = w->r->r_map; l; l = l->l_next, i++) {
			if (l == w->last && i + 1 == w->start)
				found = true;
			w->n++;
		}
		if (!found)
			w->start = 0;
		w->cur = w->r->r_map;
	}
	if (w->idx >= w->n || !w->cur)
		return 1; /* past the base namespace */
	if (info->dlpi_name != w->cur->l_name)
		return 1; /* not the order expected: touch nothing more */
	if (w->idx >= w->start && info->dlpi_name && info->dlpi_name[0])
		patch_object(info);
	w->idx++;
	w->cur = w->cur->l_next;
	return 0;
}

void tn_deep_apply(void)
{
	int saved = errno;
	struct walk w = { .r = base_list() };
	size_t start = atomic_exchange(&tn_deep_pending, 0);

	if (!start || !w.r)
		return;
	make_names();
	w.start = start - 1;
	w.last = atomic_load(&pending_last);
	dl_iterate_phdr(apply_cb, &w);
	errno = saved;
}
