/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Objects loaded with RTLD_DEEPBIND look their symbols up in their own
 * dependencies first: libc's connect() before the library's hook (PHP
 * loads its extensions so, and libcurl with them).  dlopen.c notes such
 * a load (tn_deep_note, before it happens: its hook jumps to libc's
 * dlopen so that the caller stays the caller, for RUNPATH and $ORIGIN)
 * and, at the next dlopen or dlsym of the process (a program reaches a
 * module's code through dlsym), tn_deep_apply re-points the relocations
 * of the objects loaded since for the functions this library exports, to
 * what the global scope gives (the hooks): nothing else of theirs
 * changes, their other symbols stay deeply bound.  Not reached: a module
 * that makes connections from its constructors, while dlopen runs.
 * doc/DESIGN.md, tnat64(8) RTLD_DEEPBIND. */
#ifndef TNAT64_DEEPBIND_H
#define TNAT64_DEEPBIND_H

#include <stdatomic.h>
#include <stdbool.h>

extern atomic_size_t tn_deep_pending;

/* Before a dlopen with RTLD_DEEPBIND: remember which objects exist. */
void tn_deep_note(void);
/* Re-point the objects loaded since the oldest note. */
void tn_deep_apply(void);

/* The real dlsym (libc's, or the next interposer's), for the global
 * scope's definition of a name. */
void *tn_real_dlsym(void *handle, const char *name);

/* A sanitizer's runtime, preloaded before the library in sanitizer
 * builds, looks its functions up with dlsym (ours) before it has set its
 * shadow memory up: the code that runs then (the dlopen and dlsym hooks
 * up to libc's function) must not be instrumented. */
#define TN_BEFORE_SANITIZER \
	__attribute__((no_sanitize("address", "undefined")))

TN_BEFORE_SANITIZER
static inline void tn_deep_check(void)
{
	if (__builtin_expect(atomic_load_explicit(&tn_deep_pending,
						  memory_order_acquire) != 0, 0))
		tn_deep_apply();
}

#endif
