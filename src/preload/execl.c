/* SPDX-License-Identifier: GPL-2.0-or-later */
/* execl, execle, execlp: the argument list made an argv on the stack, as
 * glibc does, then as execve / execvp (exec.h). */
#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include "exec.h"
#include "tnat64.h"

extern char **environ;

/* The arguments after arg up to the NULL (and for execle the envp after
 * it): how many there are with arg, or -1 (E2BIG) for more than INT_MAX. */
static ptrdiff_t count_list(va_list ap)
{
	ptrdiff_t argc = 1;

	while (va_arg(ap, const char *)) {
		if (argc == INT_MAX)
			return -1;
		argc++;
	}
	return argc;
}

static void fill(char **argv, const char *arg, ptrdiff_t argc, va_list ap)
{
	argv[0] = (char *)arg;
	for (ptrdiff_t i = 1; i <= argc; i++)
		argv[i] = va_arg(ap, char *);
}

EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	ptrdiff_t argc;
	char **argv;

	va_start(ap, arg);
	argc = count_list(ap);
	va_end(ap);
	if (argc < 0) {
		errno = E2BIG;
		return -1;
	}
	argv = alloca((size_t)(argc + 1) * sizeof(char *));
	va_start(ap, arg);
	fill(argv, arg, argc, ap);
	va_end(ap);
	tn_exec_supervised(AT_FDCWD, path, 0, argv, environ);
	return tn_raw_execve(path, argv, environ);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	ptrdiff_t argc;
	char **argv, **envp;

	va_start(ap, arg);
	argc = count_list(ap);
	va_end(ap);
	if (argc < 0) {
		errno = E2BIG;
		return -1;
	}
	argv = alloca((size_t)(argc + 1) * sizeof(char *));
	va_start(ap, arg);
	fill(argv, arg, argc, ap);
	envp = va_arg(ap, char **);
	va_end(ap);
	tn_exec_supervised(AT_FDCWD, path, 0, argv, envp);
	return tn_raw_execve(path, argv, envp);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	ptrdiff_t argc;
	char **argv;

	va_start(ap, arg);
	argc = count_list(ap);
	va_end(ap);
	if (argc < 0) {
		errno = E2BIG;
		return -1;
	}
	argv = alloca((size_t)(argc + 1) * sizeof(char *));
	va_start(ap, arg);
	fill(argv, arg, argc, ap);
	va_end(ap);
	return tn_execvpe(file, argv, environ, true);
}
