/* SPDX-License-Identifier: GPL-2.0-or-later */
/* execve, execv, execveat, fexecve (exec.h).  No tn_ensure_init: these
 * may run in a vfork child, where resolving symbols is not allowed. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "exec.h"
#include "rawsys.h"
#include "tnat64.h"

extern char **environ;

EXPORT TN_EXEC_TEXT int execve(const char *path, char *const argv[],
			       char *const envp[])
{
	return tn_exec_fail(tn_exec_file(path, argv, envp));
}

EXPORT TN_EXEC_TEXT int execv(const char *path, char *const argv[])
{
	return tn_exec_fail(tn_exec_file(path, argv, environ));
}

EXPORT TN_EXEC_TEXT int execveat(int dirfd, const char *path,
				 char *const argv[], char *const envp[],
				 int flags)
{
	int fd = tn_exec_supervised(dirfd, path, flags, argv, envp);
	long r = TN_SYS5(SYS_execveat, dirfd, path, argv, envp, flags);

	if (fd >= 0)
		TN_SYS1(SYS_close, fd);
	return tn_exec_fail(r);
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
	long r;

	if (fd < 0 || !argv || !envp) {
		errno = EINVAL;
		return -1;
	}
	tn_exec_supervised(fd, "", AT_EMPTY_PATH, argv, envp);
	r = TN_SYS5(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return tn_exec_fail(r);
}
