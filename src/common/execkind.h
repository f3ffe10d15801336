/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What kind of program a file is, for the choice between the preloaded
 * library and the seccomp supervisor: the library reaches a program only
 * through glibc's dynamic loader (LD_PRELOAD), so static programs, Go
 * programs (which make their system calls themselves, with or without
 * cgo) and programs of another C library's loader need the supervisor.
 * One implementation for the library's exec hooks, the supervisor's
 * --want and through it the launcher (tnat64(8), EXEC COVERAGE).
 *
 * Everything here is safe in a vfork child and in a signal handler: raw
 * system calls made inline (src/common/rawsys.h: no cancellation point,
 * no call into libc, errno never changed), no allocation, no lock, no
 * stdio, buffers on the stack (about 1.5 KB for a dynamic program), no
 * global state.  The exec hooks run this in the forked child of the
 * program that starts another, where every page touched is a page fault:
 * nothing here calls a libc function or reads constant data (the code
 * compares with immediates), and the functions of a dynamic program's
 * path are in the exec hooks' text section (TN_EXEC_TEXT). */
#ifndef TNAT64_EXECKIND_H
#define TNAT64_EXECKIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum execkind {
	EXECKIND_OTHER = 0, /* not recognised (32-bit, another architecture,
			       no known format): run as it is */
	EXECKIND_DYNAMIC,   /* x86-64 ELF run by glibc's dynamic loader
			       (ld-linux-x86-64.so.2): LD_PRELOAD reaches it */
	EXECKIND_STATIC,    /* x86-64 ELF without PT_INTERP (static, static
			       PIE) */
	EXECKIND_GO,        /* Go (a "Go" note or Go sections), static or
			       not */
	EXECKIND_FOREIGN,   /* x86-64 ELF with another loader (musl...): a
			       glibc library cannot be preloaded into it */
	EXECKIND_SCRIPT,    /* "#!" script: the kind is its interpreter's */
};

/* Does a program of this kind need the supervisor? */
static inline bool execkind_supervised(enum execkind k)
{
	return k == EXECKIND_STATIC || k == EXECKIND_GO ||
	       k == EXECKIND_FOREIGN;
}

/* Read the file behind ctx from offset off into the n buffers of iov in
 * turn (preadv(2)): the number of bytes read (less at the end of the
 * file), or -errno. */
struct iovec;
typedef long (*execkind_preadv)(void *ctx, const struct iovec *iov, int n,
				uint64_t off);

/* The "#!" line as the kernel reads it (binfmt_script: the first
 * EXECKIND_SCRIPT_HEAD bytes): interp gets the interpreter's path.  A
 * path that does not fit interp_size, or no path at all: OTHER (the
 * kernel refuses those too).  Pure: only rd. */
#define EXECKIND_SCRIPT_HEAD 256
enum execkind execkind_read(execkind_preadv rd, void *ctx, char *interp,
			    size_t interp_size);

/* The kind of the program that starting the file at path (relative to
 * the working directory) would run: a script's interpreter is followed,
 * at most EXECKIND_MAX_DEPTH levels as the kernel does.  nofollow: a
 * symbolic link as last component is not followed (execveat's
 * AT_SYMLINK_NOFOLLOW).  >= 0 (enum execkind) or -errno when the file
 * cannot be opened or read (the exec itself will tell the real error). */
#define EXECKIND_MAX_DEPTH 4
int execkind_path(const char *path, bool nofollow);
/* execkind_path that leaves the file it read open (read-only,
 * close-on-exec) in *fdp (-1 when none is): an exec that follows closes
 * it itself when it succeeds, and the caller closes it otherwise (one
 * system call fewer per exec). */
int execkind_path_keep(const char *path, bool nofollow, int *fdp);
/* The same for the file open as fd (fexecve, execveat with
 * AT_EMPTY_PATH); an O_PATH descriptor is read through /proc/self/fd.
 * *script is set when the file is a script (the kernel then needs the
 * descriptor to stay open across the exec: not close-on-exec). */
int execkind_fd(int fd, bool *script);

#endif
