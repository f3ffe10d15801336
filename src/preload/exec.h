/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exec coverage (tnat64(8), EXEC COVERAGE): a program started from a
 * process that has the library, which the library cannot reach (static,
 * Go, another C library's loader: src/common/execkind.h), runs under the
 * seccomp supervisor instead, started in its place: the supervisor
 * (tnat64-seccomp --exec FILE -- ARGV...) keeps the pid the parent knows
 * and runs FILE with the caller's argv, environment and descriptors.
 *
 * Every exported entry point of the exec family has its own hook (glibc's
 * wrappers call each other internally, not through the PLT): exec.c is
 * their common part, execve.c execv.c execvp.c execl.c fexecve.c the
 * hooks, posix_spawn.c the spawn functions (whose child runs no code of
 * ours: the call's arguments are rewritten in the parent).
 *
 * Everything an exec hook does is safe in a vfork child, which shares the
 * parent's memory: no allocation, no lock, no write to memory of the
 * process but the stack (errno is set only when the hook fails), raw
 * system calls (no cancellation point), nothing resolved with dlsym.
 * And it is cheap in a forked child, where every page touched is a page
 * fault: for a program that needs no supervisor (a dynamic one), the
 * hooks call nothing through the PLT (which would bind symbols lazily
 * in every child), make their system calls inline and keep their code
 * in one text section (src/common/rawsys.h). */
#ifndef TNAT64_EXEC_H
#define TNAT64_EXEC_H

#include <stdbool.h>

/* The most arguments (argv entries) for which the supervisor is started:
 * its argv is built on the stack.  More: the program runs as it is. */
#define TN_EXEC_ARGS_MAX 32768

/* If the file at path (execveat's dirfd and flags: AT_FDCWD and 0 for
 * execve) needs the supervisor, exec the supervisor in its place; on
 * return, it did not (or could not: one log line), and the caller
 * execs the file itself, then closes the descriptor returned (>= 0: the
 * file, left open close-on-exec for the exec to close when it succeeds;
 * execkind_path_keep) if its exec failed.  errno is not changed. */
int tn_exec_supervised(int dirfd, const char *path, int flags,
			char *const argv[], char *const envp[]);

/* execve(2) of path with exec coverage (tn_exec_supervised, the exec,
 * the descriptor closed): returns only on failure, -errno. */
long tn_exec_file(const char *path, char *const argv[], char *const envp[]);

/* A hook's failure: errno = -r, -1. */
int tn_exec_fail(long r);

/* The same for the posix_spawn family, in the parent: 0 when the call
 * must go on unchanged, else sv (PATH_MAX bytes) holds the supervisor's
 * path and *argvp the argv to spawn it with (to free).  file is the
 * program's path (posix_spawnp's already found in PATH). */
int tn_spawn_supervised(const char *file, char *const argv[],
			char *const envp[], char *sv, char ***argvp);

/* glibc's execvpe: PATH from the environment (default /bin:/usr/bin),
 * each candidate tried in turn; a file the kernel does not know how to
 * run (ENOEXEC) is run by /bin/sh when script is set.  Returns only on
 * failure, -errno. */
long tn_execvpe(const char *file, char *const argv[], char *const envp[],
		bool script);

/* The value of name in the environment env (NULL if absent); no
 * allocation (getenv's reading, for any array). */
const char *tn_env_get(char *const env[], const char *name);

#endif
