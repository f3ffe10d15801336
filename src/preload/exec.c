/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The common part of the exec hooks (exec.h): which file needs the
 * supervisor, where the supervisor is, and its command line. */
#include <alloca.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "exec.h"
#include "execkind.h"
#include "linkmap.h"
#include "log.h"
#include "rawsys.h"

#define HOT TN_EXEC_TEXT

#ifndef TNAT64_SECCOMP_DEFAULT
#define TNAT64_SECCOMP_DEFAULT "/usr/lib/tnat64/tnat64-seccomp"
#endif
/* Set in the environment of supervised programs (src/supervisor/sv.h). */
#define SV_ACTIVE_ENV "TNAT64_SECCOMP_ACTIVE"
#define SV_FILE "tnat64-seccomp"

extern char **environ;

HOT const char *tn_env_get(char *const env[], const char *name)
{
	if (!env)
		return NULL;
	for (; *env; env++) {
		const char *e = *env;
		size_t i = 0;

		while (name[i] && e[i] == name[i])
			i++;
		if (!name[i] && e[i] == '=')
			return e + i + 1;
	}
	return NULL;
}

HOT int tn_exec_fail(long r)
{
	errno = (int)-r;
	return -1;
}

/* Under our supervisor already (its variable, and a seccomp filter):
 * whatever this process starts is in its reach. */
static bool supervised_already(char *const envp[])
{
	if (!tn_env_get(environ, SV_ACTIVE_ENV) &&
	    !tn_env_get(envp, SV_ACTIVE_ENV))
		return false;
	return TN_SYS1(SYS_prctl, PR_GET_SECCOMP) == 2;
}

static bool runnable(const char *path)
{
	return TN_SYS2(SYS_access, path, X_OK) == 0;
}

/* The supervisor: tnat64-seccomp next to this library (the build tree,
 * or the installed LIBDIR), else the installed one.  out: PATH_MAX
 * bytes, the last path tried. */
static bool supervisor_path(char *out)
{
	/* lock-free (linkmap.h): this may be a forked or vfork child */
	const struct link_map *self = tn_self_map(tn_r_debug());

	if (self && self->l_name) {
		const char *l = self->l_name;
		const char *slash = strrchr(l, '/');
		size_t d = slash ? (size_t)(slash - l) + 1 : 0;

		if (slash && d + sizeof(SV_FILE) <= PATH_MAX) {
			memcpy(out, l, d);
			memcpy(out + d, SV_FILE, sizeof(SV_FILE));
			if (runnable(out))
				return true;
		}
	}
	memcpy(out, TNAT64_SECCOMP_DEFAULT, sizeof(TNAT64_SECCOMP_DEFAULT));
	return runnable(out);
}

static size_t count(char *const argv[])
{
	size_t n = 0;

	while (argv[n])
		n++;
	return n;
}

static void fmt_int(char *out, int v)
{
	char d[12];
	size_t n = 0, i = 0;

	for (unsigned u = (unsigned)v; n == 0 || u; u /= 10)
		d[n++] = (char)('0' + u % 10);
	while (n)
		out[i++] = d[--n];
	out[i] = '\0';
}

static bool fd_cloexec(int fd)
{
	long f = TN_SYS2(SYS_fcntl, fd, F_GETFD);

	return f < 0 || (f & FD_CLOEXEC);
}

/* The supervisor in place of a program tn_exec_supervised found out of
 * reach: returns only if it could not be started (logged).  A function of
 * its own, never inlined, so that its path buffer is not on the stack of
 * the common case, a dynamic program (in a forked child every stack page
 * written is a page fault). */
static __attribute__((noinline)) void exec_supervisor(
	int fd, bool own, bool ce, const char *path, char *const argv[],
	char *const envp[])
{
	size_t argc = count(argv), nhead;
	char sv[PATH_MAX], num[12];
	char **nv;
	long r;

	if (argc > TN_EXEC_ARGS_MAX) {
		log_msg_fixed(LOG_ERR, "%s is out of the library's reach "
			      "(static, Go...) but has too many arguments "
			      "(%lu) to start the seccomp supervisor for: it "
			      "runs without translation", path,
			      (unsigned long)argc);
		return;
	}
	if (!supervisor_path(sv)) {
		log_msg_fixed(LOG_ERR, "%s is out of the library's reach "
			      "(static, Go...) and the seccomp supervisor %s "
			      "is missing: it runs without translation",
			      fd >= 0 && !own ? "a program" : path, sv);
		return;
	}
	nv = alloca((argc + 6) * sizeof(char *));
	nv[0] = sv;
	if (fd < 0) {
		nv[1] = (char *)"--exec";
		nv[2] = (char *)path;
		nhead = 3;
	} else {
		fmt_int(num, fd);
		nv[1] = (char *)"--exec-fd";
		nv[2] = num;
		nhead = 3;
		if (ce) {
			nv[nhead++] = (char *)"--cloexec";
			TN_SYS3(SYS_fcntl, fd, F_SETFD, 0);
		}
	}
	nv[nhead++] = (char *)"--";
	memcpy(nv + nhead, argv, (argc + 1) * sizeof(char *));
	r = TN_SYS3(SYS_execve, sv, nv, envp);
	log_msg_fixed(LOG_ERR, "cannot start the seccomp supervisor %s for %s "
		      "(errno %d): it runs without translation", sv,
		      fd >= 0 && !own ? "a program" : path, (int)-r);
	if (ce && !own)
		TN_SYS3(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
}

/* A program out of the library's reach, open as fd when fd >= 0 (own:
 * opened here), unless this process is under the supervisor already. */
static __attribute__((noinline)) void out_of_reach(
	int fd, bool own, bool script, const char *path, char *const argv[],
	char *const envp[])
{
	int saved = errno;
	bool ce = false;

	if (supervised_already(envp))
		return;
	if (fd >= 0) {
		ce = own || fd_cloexec(fd);
		/* A script run through a descriptor that is closed on exec
		 * cannot be read by its interpreter: that exec fails. */
		if (script && ce)
			return;
	}
	exec_supervisor(fd, own, ce, path, argv, envp);
	errno = saved;
}

/* tn_exec_supervised, and in *err the error that looking for the file
 * at path gave (0 when it was found, or not looked for by its path). */
static HOT int exec_supervised(int dirfd, const char *path, int flags,
			       char *const argv[], char *const envp[],
			       int *err)
{
	int kind, fd = -1, keep = -1;
	bool script = false, own = false;

	*err = 0;
	if (!path || !argv || !argv[0])
		return -1;
	if ((flags & AT_EMPTY_PATH) && !*path) {
		fd = dirfd;
		kind = execkind_fd(fd, &script);
	} else if (path[0] == '/' || dirfd == AT_FDCWD) {
		kind = execkind_path_keep(path, flags & AT_SYMLINK_NOFOLLOW,
					  &keep);
		/* The file itself (not a script's interpreter) not found. */
		if (kind < 0 && keep < 0)
			*err = kind;
	} else {
		long r = TN_SYS3(SYS_openat, dirfd, path,
				 O_PATH | O_CLOEXEC |
					 ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW
									: 0));

		if (r < 0)
			return -1;
		fd = (int)r;
		own = true;
		kind = execkind_fd(fd, &script);
	}
	if (kind >= 0 && execkind_supervised((enum execkind)kind))
		out_of_reach(fd, own, script, path, argv, envp);
	if (own)
		TN_SYS1(SYS_close, fd);
	return keep;
}

HOT int tn_exec_supervised(int dirfd, const char *path, int flags,
			   char *const argv[], char *const envp[])
{
	int err;

	return exec_supervised(dirfd, path, flags, argv, envp, &err);
}

HOT long tn_exec_file(const char *path, char *const argv[],
		      char *const envp[])
{
	int err, fd = exec_supervised(AT_FDCWD, path, 0, argv, envp, &err);
	long r;

	/* A path that names nothing (each candidate of execvp's PATH
	 * search but one): execve would resolve it the same way and fail
	 * the same way. */
	if (err == -ENOENT || err == -ENOTDIR)
		return err;
	r = TN_SYS3(SYS_execve, path, argv, envp);
	if (fd >= 0)
		TN_SYS1(SYS_close, fd);
	return r;
}

int tn_spawn_supervised(const char *file, char *const argv[],
			char *const envp[], char *sv, char ***argvp)
{
	int saved = errno, kind;
	size_t argc;
	char **nv;

	*argvp = NULL;
	if (!file || !argv || !argv[0])
		return 0;
	kind = execkind_path(file, false);
	if (kind < 0 || !execkind_supervised((enum execkind)kind) ||
	    supervised_already(envp))
		goto no;
	if (!supervisor_path(sv)) {
		log_msg(LOG_ERR, "%s is out of the library's reach (static, "
			"Go...) and the seccomp supervisor %s is missing: it "
			"runs without translation", file, sv);
		goto no;
	}
	argc = count(argv);
	nv = malloc((argc + 5) * sizeof(char *));
	if (!nv)
		goto no;
	nv[0] = sv;
	nv[1] = (char *)"--exec";
	nv[2] = (char *)file;
	nv[3] = (char *)"--";
	memcpy(nv + 4, argv, (argc + 1) * sizeof(char *));
	*argvp = nv;
	errno = saved;
	return 1;
no:
	errno = saved;
	return 0;
}

/* glibc's maybe_script_execute: "/bin/sh FILE ARGS..." for a file the
 * kernel cannot run: the error of that exec, or err when it is not
 * tried. */
static long run_script(const char *file, char *const argv[],
		       char *const envp[], long err)
{
	size_t argc = count(argv);
	char **nv;

	if (argc > TN_EXEC_ARGS_MAX)
		return err;
	nv = alloca((argc + 2) * sizeof(char *));
	nv[0] = (char *)"/bin/sh";
	nv[1] = (char *)file;
	if (argc > 1)
		memcpy(nv + 2, argv + 1, argc * sizeof(char *));
	else
		nv[2] = NULL;
	return tn_exec_file(nv[0], nv, envp);
}

static HOT long try_exec(const char *path, char *const argv[],
			 char *const envp[], bool script)
{
	long r = tn_exec_file(path, argv, envp);

	if (r == -ENOEXEC && script)
		r = run_script(path, argv, envp, r);
	return r;
}

/* PATH's value in env (tn_env_get without the name in read-only data). */
static HOT const char *env_path(char *const env[])
{
	if (!env)
		return NULL;
	for (; *env; env++) {
		const char *e = *env;

		if (e[0] == 'P' && e[1] == 'A' && e[2] == 'T' && e[3] == 'H' &&
		    e[4] == '=')
			return e + 5;
	}
	return NULL;
}

HOT long tn_execvpe(const char *file, char *const argv[], char *const envp[],
		    bool script)
{
	const char *path = env_path(environ), *p, *subp;
	char *buf;
	size_t file_len, path_len;
	bool got_eacces = false;
	long last = -ENOENT;

	if (!*file)
		return -ENOENT;
	for (p = file; *p && *p != '/'; p++)
		;
	if (*p)
		return try_exec(file, argv, envp, script);
	if (!path)
		path = "/bin:/usr/bin";
	for (file_len = 0; file_len < NAME_MAX && file[file_len]; file_len++)
		;
	file_len++;
	for (path_len = 0; path_len < PATH_MAX - 1 && path[path_len];
	     path_len++)
		;
	path_len++;
	if (file_len > NAME_MAX)
		return -ENAMETOOLONG;
	/* As long as PATH's longest element with the name, as glibc's: in a
	 * forked child each stack page written is a page fault. */
	buf = alloca(path_len + file_len + 1);
	for (p = path;; p = subp + 1) {
		for (subp = p; *subp && *subp != ':'; subp++)
			;
		if ((size_t)(subp - p) < path_len) {
			char *pend = buf + (subp - p);
			long r;

			tn_copy(buf, p, (size_t)(subp - p));
			*pend = '/';
			tn_copy(pend + (p < subp), file, file_len);
			r = try_exec(buf, argv, envp, script);
			last = r;
			switch (r) {
			case -EACCES:
				got_eacces = true;
				/* fall through */
			case -ENOENT:
			case -ESTALE:
			case -ENOTDIR:
			case -ENODEV:
			case -ETIMEDOUT:
				break;
			default:
				return r;
			}
		}
		if (*subp == '\0')
			break;
	}
	return got_eacces ? -EACCES : last;
}
