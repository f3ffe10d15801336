/* SPDX-License-Identifier: GPL-2.0-or-later */
/* execl, execle, execlp: the argument list made an argv on the stack, as
 * glibc does, then as execve / execvp (exec.h). */
#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <unistd.h>

#include "exec.h"
#include "rawsys.h"
#include "tnat64.h"

extern char **environ;

/* The arguments after arg up to the NULL (and for execle the envp after
 * it): how many there are with arg, or -1 (E2BIG) for more than INT_MAX. */
static TN_EXEC_TEXT ptrdiff_t count_list(va_list ap)
{
	ptrdiff_t argc = 1;

	while (va_arg(ap, const char *)) {
		if (argc == INT_MAX)
			return -1;
		argc++;
	}
	return argc;
}

static TN_EXEC_TEXT void fill(char **argv, const char *arg, ptrdiff_t argc,
			      va_list ap)
{
	argv[0] = (char *)arg;
	for (ptrdiff_t i = 1; i <= argc; i++)
		argv[i] = va_arg(ap, char *);
}

/* In a hook whose variadic arguments follow arg: argv, on the hook's
 * stack (alloca: no allocation, safe in a vfork child), and with
 * with_env the envp after the argument list's NULL (execle's); for too
 * many arguments the hook fails with E2BIG. */
#define LIST_TO_ARGV(argv, envp, arg, with_env)                       \
	do {                                                          \
		va_list ap_;                                          \
		ptrdiff_t argc_;                                      \
                                                                      \
		va_start(ap_, arg);                                   \
		argc_ = count_list(ap_);                              \
		va_end(ap_);                                          \
		if (argc_ < 0) {                                      \
			errno = E2BIG;                                \
			return -1;                                    \
		}                                                     \
		(argv) = alloca((size_t)(argc_ + 1) * sizeof(char *)); \
		va_start(ap_, arg);                                   \
		fill(argv, arg, argc_, ap_);                          \
		if (with_env)                                         \
			(envp) = va_arg(ap_, char **);                \
		va_end(ap_);                                          \
	} while (0)

EXPORT TN_EXEC_TEXT int execl(const char *path, const char *arg, ...)
{
	char **argv, **envp = environ;

	LIST_TO_ARGV(argv, envp, arg, false);
	return tn_exec_fail(tn_exec_file(path, argv, envp));
}

EXPORT TN_EXEC_TEXT int execle(const char *path, const char *arg, ...)
{
	char **argv, **envp = NULL;

	LIST_TO_ARGV(argv, envp, arg, true);
	return tn_exec_fail(tn_exec_file(path, argv, envp));
}

EXPORT TN_EXEC_TEXT int execlp(const char *file, const char *arg, ...)
{
	char **argv, **envp = environ;

	LIST_TO_ARGV(argv, envp, arg, false);
	return tn_exec_fail(tn_execvpe(file, argv, envp, true));
}
