/* SPDX-License-Identifier: GPL-2.0-or-later */
/* execve, execv, execveat, fexecve (exec.h).  No tn_ensure_init: these
 * may run in a vfork child, where resolving symbols is not allowed. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "exec.h"
#include "tnat64.h"

extern char **environ;

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	tn_exec_supervised(AT_FDCWD, path, 0, argv, envp);
	return tn_raw_execve(path, argv, envp);
}

EXPORT int execv(const char *path, char *const argv[])
{
	tn_exec_supervised(AT_FDCWD, path, 0, argv, environ);
	return tn_raw_execve(path, argv, environ);
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[],
		    char *const envp[], int flags)
{
	tn_exec_supervised(dirfd, path, flags, argv, envp);
	return tn_raw_execveat(dirfd, path, argv, envp, flags);
}

/* glibc declares argv and envp non-null, and checks them all the same. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wtautological-pointer-compare"
#pragma clang diagnostic ignored "-Wpointer-bool-conversion"
#else
#pragma GCC diagnostic ignored "-Wnonnull-compare"
#endif

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	if (fd < 0 || !argv || !envp) {
		errno = EINVAL;
		return -1;
	}
	tn_exec_supervised(fd, "", AT_EMPTY_PATH, argv, envp);
	return tn_raw_execveat(fd, "", argv, envp, AT_EMPTY_PATH);
}
