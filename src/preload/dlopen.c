/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dlopen and dlsym (deepbind.h).  glibc's dlopen and dlsym act for their
 * caller: dlopen looks a file up in the calling object's RUNPATH and
 * expands $ORIGIN from it, dlsym(RTLD_NEXT) searches after it; both find
 * it from their return address.  So the hooks are a few instructions
 * that call tn_dlopen_prepare / tn_dlsym_prepare (which do our work and
 * return the real function) and then jump to the real function with the
 * caller's return address still on the stack: it returns straight to the
 * caller, as if called by it.  Our own dlsym calls (real.c) come through
 * here too and stay ours.  x86-64 only; elsewhere there are no such hooks
 * and RTLD_DEEPBIND modules keep libc's functions. */
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deepbind.h"
#include "tnat64.h"

#if defined(__x86_64__)

/* The next definition after this library: libc's (or another
 * interposer's).  dlvsym is not hooked. */
TN_BEFORE_SANITIZER
static void *real_dl(_Atomic(void *) *slot, const char *name)
{
	void *p = atomic_load_explicit(slot, memory_order_acquire);

	if (p)
		return p;
	p = dlvsym(RTLD_NEXT, name, "GLIBC_2.34");
	if (!p)
		p = dlvsym(RTLD_NEXT, name, "GLIBC_2.2.5");
	if (!p) {
		static const char msg[] =
			"tnat64: fatal: dlopen/dlsym missing from the C library\n";
		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	atomic_store_explicit(slot, p, memory_order_release);
	return p;
}

static _Atomic(void *) real_dlopen, real_dlsym;

void *tn_real_dlsym(void *handle, const char *name)
{
	void *(*f)(void *, const char *);
	void *p = real_dl(&real_dlsym, "dlsym");

	memcpy(&f, &p, sizeof(f));
	return f(handle, name);
}

void *tn_dlopen_prepare(const char *file, int mode);
void *tn_dlsym_prepare(void);

TN_BEFORE_SANITIZER
void *tn_dlopen_prepare(const char *file, int mode)
{
	int saved = errno;

	(void)file;
	tn_deep_check();
	if (mode & RTLD_DEEPBIND)
		tn_deep_note();
	errno = saved;
	return real_dl(&real_dlopen, "dlopen");
}

TN_BEFORE_SANITIZER
void *tn_dlsym_prepare(void)
{
	int saved = errno;

	tn_deep_check();
	errno = saved;
	return real_dl(&real_dlsym, "dlsym");
}

/* The hooks: the arguments (rdi, rsi) kept across the call, the stack
 * aligned for it, then a jump. */
#define TN_DL_STUB(name, prepare) \
	".globl " #name "\n" \
	".type " #name ", @function\n" \
	".p2align 4\n" \
	#name ":\n" \
	".cfi_startproc\n" \
	"endbr64\n" \
	"push %rdi\n" \
	".cfi_adjust_cfa_offset 8\n" \
	"push %rsi\n" \
	".cfi_adjust_cfa_offset 8\n" \
	"sub $8, %rsp\n" \
	".cfi_adjust_cfa_offset 8\n" \
	"call " #prepare "\n" \
	"add $8, %rsp\n" \
	".cfi_adjust_cfa_offset -8\n" \
	"pop %rsi\n" \
	".cfi_adjust_cfa_offset -8\n" \
	"pop %rdi\n" \
	".cfi_adjust_cfa_offset -8\n" \
	"jmp *%rax\n" \
	".cfi_endproc\n" \
	".size " #name ", .-" #name "\n"

__asm__(".text\n"
	TN_DL_STUB(dlopen, tn_dlopen_prepare)
	TN_DL_STUB(dlsym, tn_dlsym_prepare));

#else

void *tn_real_dlsym(void *handle, const char *name)
{
	return dlsym(handle, name);
}

#endif
