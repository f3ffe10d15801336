/* SPDX-License-Identifier: GPL-2.0-or-later */
/* execvp, execvpe: glibc's PATH search, each candidate through the exec
 * hooks' common part (exec.h). */
#include <unistd.h>

#include "exec.h"
#include "rawsys.h"
#include "tnat64.h"

extern char **environ;

EXPORT TN_EXEC_TEXT int execvpe(const char *file, char *const argv[],
				char *const envp[])
{
	return tn_exec_fail(tn_execvpe(file, argv, envp, true));
}

EXPORT TN_EXEC_TEXT int execvp(const char *file, char *const argv[])
{
	return tn_exec_fail(tn_execvpe(file, argv, environ, true));
}
