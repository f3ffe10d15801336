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
 * process but the stack (errno is put back as it was), raw system calls
 * (no cancellation point), nothing resolved with dlsym. */
#ifndef TNAT64_EXEC_H
#define TNAT64_EXEC_H

#include <stdbool.h>

/* The most arguments (argv entries) for which the supervisor is started:
 * its argv is built on the stack.  More: the program runs as it is. */
#define TN_EXEC_ARGS_MAX 32768

/* If the file at path (execveat's dirfd and flags: AT_FDCWD and 0 for
 * execve) needs the supervisor, exec the supervisor in its place; on
 * return, it did not (or could not: one log line), and the caller
 * execs the file itself.  errno is kept. */
void tn_exec_supervised(int dirfd, const char *path, int flags,
			char *const argv[], char *const envp[]);

/* The same for the posix_spawn family, in the parent: 0 when the call
 * must go on unchanged, else sv (PATH_MAX bytes) holds the supervisor's
 * path and *argvp the argv to spawn it with (to free).  file is the
 * program's path (posix_spawnp's already found in PATH). */
int tn_spawn_supervised(const char *file, char *const argv[],
			char *const envp[], char *sv, char ***argvp);

/* execve(2) itself: -1 with errno, as glibc's wrapper. */
int tn_raw_execve(const char *path, char *const argv[], char *const envp[]);
int tn_raw_execveat(int dirfd, const char *path, char *const argv[],
		    char *const envp[], int flags);

/* glibc's execvpe: PATH from the environment (default /bin:/usr/bin),
 * each candidate tried in turn; a file the kernel does not know how to
 * run (ENOEXEC) is run by /bin/sh when script is set. */
int tn_execvpe(const char *file, char *const argv[], char *const envp[],
	       bool script);

/* The value of name in the environment env (NULL if absent); no
 * allocation (getenv's reading, for any array). */
const char *tn_env_get(char *const env[], const char *name);

#endif
