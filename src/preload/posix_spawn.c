/* SPDX-License-Identifier: GPL-2.0-or-later */
/* posix_spawn, posix_spawnp.  glibc's child runs __execve directly (and
 * no code of ours may run in it: it shares the parent's memory), so a
 * program that needs the supervisor is found here, in the parent, and
 * the supervisor spawned in its place with the same file actions and
 * attributes (exec.h).  posix_spawnp looks the file up in PATH first, as
 * glibc's child would: the first candidate that is a regular file this
 * process may execute. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec.h"
#include "log.h"
#include "rawsys.h"
#include "tnat64.h"

extern char **environ;

typedef int spawn_fn(pid_t *, const char *, const posix_spawn_file_actions_t *,
		     const posix_spawnattr_t *, char *const[], char *const[]);

static _Atomic(spawn_fn *) real_spawn, real_spawnp;

static spawn_fn *resolve(_Atomic(spawn_fn *) *slot, const char *name)
{
	spawn_fn *f = atomic_load_explicit(slot, memory_order_acquire);
	void *p;

	if (f)
		return f;
	p = dlsym(RTLD_NEXT, name);
	if (!p) {
		static const char msg[] =
			"tnat64: fatal: posix_spawn is missing from the C library\n";
		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	memcpy(&f, &p, sizeof(f));
	atomic_store_explicit(slot, f, memory_order_release);
	return f;
}

/* The file posix_spawnp's child would run, in out (PATH_MAX bytes). */
static bool find_in_path(const char *file, char *out)
{
	const char *path = tn_env_get(environ, "PATH"), *p, *e;
	size_t fl = strlen(file);

	if (!path)
		path = "/bin:/usr/bin";
	for (p = path;; p = e + 1) {
		size_t dl;
		struct stat st;

		e = strchrnul(p, ':');
		dl = (size_t)(e - p);
		if (dl + fl + 2 <= PATH_MAX) {
			memcpy(out, p, dl);
			out[dl] = '/';
			memcpy(out + dl + (dl > 0), file, fl + 1);
			if (TN_STAT(out, &st) == 0 && S_ISREG(st.st_mode) &&
			    faccessat(AT_FDCWD, out, X_OK, AT_EACCESS) == 0)
				return true;
		}
		if (!*e)
			return false;
	}
}

static int spawn(spawn_fn *fn, pid_t *pid, const char *file,
		 const char *found, const posix_spawn_file_actions_t *fa,
		 const posix_spawnattr_t *attr, char *const argv[],
		 char *const envp[])
{
	char sv[PATH_MAX];
	char **nv;

	if (tn_spawn_supervised(found, argv, envp, sv, &nv)) {
		spawn_fn *direct = resolve(&real_spawn, "posix_spawn");
		int r = direct(pid, sv, fa, attr, nv, envp);

		free(nv);
		if (r == 0)
			return 0;
		log_msg(LOG_ERR, "cannot start the seccomp supervisor %s for %s "
			"(errno %d): it runs without translation", sv, found, r);
	}
	return fn(pid, file, fa, attr, argv, envp);
}

EXPORT int posix_spawn(pid_t *pid, const char *path,
		       const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *attr, char *const argv[],
		       char *const envp[])
{
	return spawn(resolve(&real_spawn, "posix_spawn"), pid, path, path, fa,
		     attr, argv, envp);
}

EXPORT int posix_spawnp(pid_t *pid, const char *file,
			const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *attr, char *const argv[],
			char *const envp[])
{
	spawn_fn *fn = resolve(&real_spawnp, "posix_spawnp");
	char found[PATH_MAX];

	if (!*file)
		return fn(pid, file, fa, attr, argv, envp);
	if (strchr(file, '/'))
		return spawn(fn, pid, file, file, fa, attr, argv, envp);
	if (strlen(file) > NAME_MAX || !find_in_path(file, found))
		return fn(pid, file, fa, attr, argv, envp);
	return spawn(fn, pid, file, found, fa, attr, argv, envp);
}
