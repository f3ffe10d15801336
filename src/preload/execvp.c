/* SPDX-License-Identifier: GPL-2.0-or-later */
/* execvp, execvpe: glibc's PATH search, each candidate through the exec
 * hooks' common part (exec.h). */
#include <unistd.h>

#include "exec.h"
#include "tnat64.h"

extern char **environ;

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return tn_execvpe(file, argv, envp, true);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	return tn_execvpe(file, argv, environ, true);
}
