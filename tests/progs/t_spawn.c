/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Exec coverage from a C parent (tests/integration/t_exec.sh): with the
 * library preloaded, a static program (tests/progs/static/st_probe)
 * started by each entry point of the exec family, by posix_spawn and
 * posix_spawnp, by vfork + execve, by system() and popen() must run under
 * the supervisor (its IPv4 connect works through NAT64) and look to this
 * parent as if it ran by itself:
 *   status   waitpid gets its exit status
 *   kill     SIGTERM reaches it, waitpid says so, it stops beating
 *   tstp     SIGTSTP stops it (waitpid WUNTRACED: SIGTSTP), SIGCONT lets
 *            it go on (WCONTINUED)
 *   group    SIGSTOP/SIGCONT to its process group (job control)
 *   stop     SIGSTOP to its pid: waitpid sees the stop and the continue
 *   signals  a kill() of its process group reaches it once, a kill() of
 *            its pid once, sigqueue()'s value intact
 *   ident    its argv[0], environment and descriptors are the parent's
 *            choice (fd 5 open, fd 6 close-on-exec closed, nothing else)
 *   eof      its standard output ends when it closes it
 *   net      its connect to ADDR:PORT works
 * and (MODE errors) the exec functions fail as glibc's do, with the same
 * errno: a file or directory that is not there, a directory, a file
 * that may not be run, one the kernel cannot run (ENOEXEC, run by
 * /bin/sh through execvp), a script whose interpreter is missing,
 * execvp's PATH search past missing and unrunnable candidates.
 *
 *   t_spawn PROBE ADDR PORT [MODE...]
 * MODEs: execv execve execvp execvpe execl execle execlp fexecve execveat
 * vfork posix_spawn posix_spawnp system popen errors (default: all). */
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "progs.h"

extern char **environ;

static const char *probe, *probe_dir, *addr, *port;
static char tmpdir[64];

static const char *const all_modes[] = {
	"execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp",
	"fexecve", "execveat", "vfork", "posix_spawn", "posix_spawnp",
	"system", "popen", "errors",
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* In the child: the exec call of mode, argv[0] = name.  Returns on
 * failure only. */
static void exec_mode(const char *mode, char **argv)
{
	const char *a1 = argv[1], *a2 = a1 ? argv[2] : NULL;
	const char *a3 = a2 ? argv[3] : NULL;

	if (!strcmp(mode, "execv"))
		execv(probe, argv);
	else if (!strcmp(mode, "execve") || !strcmp(mode, "vfork"))
		execve(probe, argv, environ);
	else if (!strcmp(mode, "execvp"))
		execvp("st_probe", argv);
	else if (!strcmp(mode, "execvpe"))
		execvpe("st_probe", argv, environ);
	else if (!strcmp(mode, "execl"))
		execl(probe, argv[0], a1, a2, a3, (char *)NULL);
	else if (!strcmp(mode, "execle")) {
		/* The environment comes right after the list's NULL. */
		if (!a1)
			execle(probe, argv[0], (char *)NULL, environ);
		else if (!a2)
			execle(probe, argv[0], a1, (char *)NULL, environ);
		else if (!a3)
			execle(probe, argv[0], a1, a2, (char *)NULL, environ);
		else
			execle(probe, argv[0], a1, a2, a3, (char *)NULL, environ);
	}
	else if (!strcmp(mode, "execlp"))
		execlp("st_probe", argv[0], a1, a2, a3, (char *)NULL);
	else if (!strcmp(mode, "fexecve")) {
		int fd = open(probe, O_RDONLY | O_CLOEXEC);

		fexecve(fd, argv, environ);
	} else if (!strcmp(mode, "execveat")) {
		int d = open(probe_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		execveat(d, "st_probe", argv, environ, 0);
	}
}

/* Start the probe with argv (argv[0] its name) by mode; its standard
 * output to out (-1: ours), in a process group of its own when pgrp.
 * The pid, or -1. */
static pid_t start(const char *mode, char **argv, int out, bool pgrp)
{
	pid_t pid;

	if (!strncmp(mode, "posix_spawn", 11)) {
		posix_spawnattr_t at;
		posix_spawn_file_actions_t fa;
		int r;

		posix_spawnattr_init(&at);
		posix_spawn_file_actions_init(&fa);
		if (pgrp) {
			posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
			posix_spawnattr_setpgroup(&at, 0);
		}
		if (out >= 0)
			posix_spawn_file_actions_adddup2(&fa, out, 1);
		if (!strcmp(mode, "posix_spawnp"))
			r = posix_spawnp(&pid, "st_probe", &fa, &at, argv, environ);
		else
			r = posix_spawn(&pid, probe, &fa, &at, argv, environ);
		posix_spawnattr_destroy(&at);
		posix_spawn_file_actions_destroy(&fa);
		if (r) {
			errno = r;
			return -1;
		}
		return pid;
	}
	pid = !strcmp(mode, "vfork") ? vfork() : fork();
	if (pid == 0) {
		if (pgrp)
			setpgid(0, 0);
		if (out >= 0)
			dup2(out, 1);
		exec_mode(mode, argv);
		_exit(127);
	}
	if (pid > 0 && pgrp)
		setpgid(pid, pid);
	return pid;
}

/* The counter the probe writes to file (beat/count), 0 when none yet;
 * the rest of the line in rest. */
static unsigned long beat_of(const char *file, char *rest, size_t size)
{
	char buf[128];
	int fd = open(file, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	char *end;
	unsigned long v;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtoul(buf, &end, 10);
	if (rest)
		snprintf(rest, size, "%s", end);
	return v;
}

/* Wait up to 15 s for the counter to pass above (or for the line to hold
 * want, when given). */
static bool wait_beat(const char *file, unsigned long above, const char *want)
{
	char rest[128];

	for (int i = 0; i < 1500; i++) {
		unsigned long v = beat_of(file, rest, sizeof(rest));

		if (v > above && (!want || strstr(rest, want)))
			return true;
		sleep_ms(10);
	}
	return false;
}

static int wait_for(pid_t pid, int *st, int flags)
{
	pid_t r;

	do
		r = waitpid(pid, st, flags);
	while (r < 0 && errno == EINTR);
	return r;
}

static const char *describe(int st)
{
	static char b[64];

	if (WIFEXITED(st))
		snprintf(b, sizeof(b), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(b, sizeof(b), "signal %d", WTERMSIG(st));
	else if (WIFSTOPPED(st))
		snprintf(b, sizeof(b), "stopped by %d", WSTOPSIG(st));
	else if (WIFCONTINUED(st))
		snprintf(b, sizeof(b), "continued");
	else
		snprintf(b, sizeof(b), "status 0x%x", st);
	return b;
}

static void t_status(const char *mode)
{
	char name[64], *argv[] = { (char *)"st_probe", (char *)"exit",
				   (char *)"7", NULL };
	pid_t pid = start(mode, argv, -1, false);
	int st = 0;

	snprintf(name, sizeof(name), "%s/status", mode);
	if (pid < 0) {
		fail(name, "start: %s", strerror(errno));
		return;
	}
	wait_for(pid, &st, 0);
	check(name, WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "waitpid: %s, want exit 7", describe(st));
}

/* Start argv (mode) with its standard output on a pipe: the pid and the
 * pipe's read end in *rfd, or -1 after a FAIL line for name. */
static pid_t start_piped(const char *name, const char *mode, char **argv,
			 int *rfd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		fail(name, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = start(mode, argv, p[1], false);
	close(p[1]);
	if (pid < 0) {
		fail(name, "start: %s", strerror(errno));
		close(p[0]);
		return -1;
	}
	*rfd = p[0];
	return pid;
}

static void t_net(const char *mode)
{
	char name[64], buf[256] = "", *argv[] = { (char *)"st_probe",
		(char *)"connect", (char *)addr, (char *)port, NULL };
	int rfd, st = 0;
	ssize_t n;
	pid_t pid;

	snprintf(name, sizeof(name), "%s/net", mode);
	pid = start_piped(name, mode, argv, &rfd);
	if (pid < 0)
		return;
	n = read(rfd, buf, sizeof(buf) - 1);
	close(rfd);
	if (n > 0)
		buf[strcspn(buf, "\n")] = '\0';
	wait_for(pid, &st, 0);
	check(name, WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	      !strncmp(buf, "HTTP/", 5), "%s; it said '%s'", describe(st), buf);
}

/* A probe that beats in file, started by mode. */
static pid_t start_beat(const char *mode, const char *what, const char *file,
			bool pgrp, const char *name)
{
	char *argv[] = { (char *)"st_probe", (char *)what, (char *)file, NULL };
	pid_t pid;

	unlink(file);
	pid = start(mode, argv, -1, pgrp);
	if (pid < 0) {
		fail(name, "start: %s", strerror(errno));
		return -1;
	}
	if (!wait_beat(file, 0, NULL)) {
		fail(name, "the program never beat");
		kill(pid, SIGKILL);
		wait_for(pid, NULL, 0);
		return -1;
	}
	return pid;
}

/* While stopped the probe must not beat: at most one write in flight. */
static bool still(const char *file)
{
	unsigned long a = beat_of(file, NULL, 0), b;

	sleep_ms(300);
	b = beat_of(file, NULL, 0);
	return b <= a + 1;
}

static void t_kill(const char *mode)
{
	char name[64], file[128];
	pid_t pid;
	int st = 0;

	snprintf(name, sizeof(name), "%s/kill", mode);
	snprintf(file, sizeof(file), "%s/%s.kill", tmpdir, mode);
	pid = start_beat(mode, "beat", file, false, name);
	if (pid < 0)
		return;
	kill(pid, SIGTERM);
	wait_for(pid, &st, 0);
	check(name, WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	      "waitpid: %s, want signal %d", describe(st), SIGTERM);
	snprintf(name, sizeof(name), "%s/kill: the program is gone", mode);
	check(name, still(file), "it still beats");
}

/* sig stops the program (sent by send), SIGCONT lets it go on. */
static void stop_cont(const char *mode, const char *what, pid_t pid,
		      const char *file, int sig, bool group, bool beat_check)
{
	char name[96];
	int st = 0;
	unsigned long now;

	snprintf(name, sizeof(name), "%s/%s: stopped", mode, what);
	if (group)
		killpg(pid, sig);
	else
		kill(pid, sig);
	if (wait_for(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st) ||
	    WSTOPSIG(st) != sig) {
		fail(name, "waitpid(WUNTRACED): %s, want stopped by %d",
		     describe(st), sig);
		return;
	}
	pass(name);
	if (beat_check) {
		snprintf(name, sizeof(name), "%s/%s: it does not run", mode, what);
		check(name, still(file), "it beats while stopped");
	}
	now = beat_of(file, NULL, 0);
	snprintf(name, sizeof(name), "%s/%s: continued", mode, what);
	if (group)
		killpg(pid, SIGCONT);
	else
		kill(pid, SIGCONT);
	if (wait_for(pid, &st, WCONTINUED) != pid || !WIFCONTINUED(st)) {
		fail(name, "waitpid(WCONTINUED): %s", describe(st));
		return;
	}
	pass(name);
	snprintf(name, sizeof(name), "%s/%s: it runs again", mode, what);
	check(name, wait_beat(file, now + 2, NULL), "no beat after SIGCONT");
}

static void t_stop(const char *mode)
{
	char name[64], file[128];
	pid_t pid;
	int st = 0;

	snprintf(name, sizeof(name), "%s/stop", mode);
	snprintf(file, sizeof(file), "%s/%s.stop", tmpdir, mode);
	pid = start_beat(mode, "beat", file, true, name);
	if (pid < 0)
		return;
	stop_cont(mode, "tstp", pid, file, SIGTSTP, false, true);
	stop_cont(mode, "group stop", pid, file, SIGSTOP, true, true);
	/* SIGSTOP to the pid stops the process the parent knows (no one
	 * can pass SIGSTOP on): the parent sees it (tnat64(8)). */
	stop_cont(mode, "stop", pid, file, SIGSTOP, false, false);
	kill(pid, SIGKILL);
	wait_for(pid, &st, 0);
	snprintf(name, sizeof(name), "%s/sigkill", mode);
	check(name, WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "waitpid: %s",
	      describe(st));
	snprintf(name, sizeof(name), "%s/sigkill: the program is gone", mode);
	check(name, still(file), "it still beats");
}

static void t_signals(const char *mode)
{
	char name[96], file[128];
	pid_t pid;
	union sigval v = { .sival_int = 4242 };

	snprintf(name, sizeof(name), "%s/signals", mode);
	snprintf(file, sizeof(file), "%s/%s.count", tmpdir, mode);
	pid = start_beat(mode, "count", file, true, name);
	if (pid < 0)
		return;
	snprintf(name, sizeof(name), "%s/signals: process group kill", mode);
	killpg(pid, SIGUSR2);
	check(name, wait_beat(file, 0, "usr2=1 "), "never received");
	/* A marker sent afterwards: once it is in, a second SIGUSR2 passed
	 * on by the supervisor would have been in before it. */
	kill(pid, SIGURG);
	snprintf(name, sizeof(name), "%s/signals: pid kill", mode);
	check(name, wait_beat(file, 0, "urg=1 "), "never received");
	snprintf(name, sizeof(name), "%s/signals: the group's signal once",
		 mode);
	check(name, wait_beat(file, 0, "usr2=1 urg=1 "), "%s",
	      "SIGUSR2 of the process group received twice");
	kill(pid, SIGUSR2);
	snprintf(name, sizeof(name), "%s/signals: the pid's signal", mode);
	check(name, wait_beat(file, 0, "usr2=2 "), "never received");
	sigqueue(pid, SIGRTMIN + 1, v);
	snprintf(name, sizeof(name), "%s/signals: sigqueue value", mode);
	check(name, wait_beat(file, 0, "rt=4242"), "never received");
	kill(pid, SIGKILL);
	wait_for(pid, NULL, 0);
}

static void t_ident(const char *mode)
{
	char name[64], buf[256] = "", want[128];
	char *argv[] = { (char *)"custom-name", (char *)"ident", NULL };
	int p[2], keep[2], gone[2], st = 0;
	ssize_t n;
	pid_t pid;

	snprintf(name, sizeof(name), "%s/ident", mode);
	if (pipe2(p, O_CLOEXEC) < 0 || pipe(keep) < 0 ||
	    pipe2(gone, O_CLOEXEC) < 0) {
		fail(name, "pipe: %s", strerror(errno));
		return;
	}
	/* Above 6 first, then exactly 5 and 6. */
	for (int *fd = keep; fd == keep || fd == gone; fd = fd == keep ? gone
								    : NULL) {
		int high = fcntl(fd[0], F_DUPFD_CLOEXEC, 10);

		close(fd[0]);
		fd[0] = high;
	}
	dup2(keep[0], 5);
	dup3(gone[0], 6, O_CLOEXEC);
	close(keep[0]);
	close(gone[0]);
	setenv("TNAT64_T", "42", 1);
	pid = start(mode, argv, p[1], false);
	unsetenv("TNAT64_T");
	close(p[1]);
	close(5);
	close(6);
	close(keep[1]);
	close(gone[1]);
	if (pid < 0) {
		fail(name, "start: %s", strerror(errno));
		close(p[0]);
		return;
	}
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	if (n > 0)
		buf[strcspn(buf, "\n")] = '\0';
	wait_for(pid, &st, 0);
	snprintf(want, sizeof(want),
		 "argv0=custom-name env=42 fd5=open fd6=closed fds=1");
	check(name, !strcmp(buf, want) && WIFEXITED(st) && !WEXITSTATUS(st),
	      "it said '%s' (%s), want '%s'", buf, describe(st), want);
}

static void t_eof(const char *mode)
{
	char name[64], *argv[] = { (char *)"st_probe", (char *)"closeout", NULL };
	char buf[64];
	struct pollfd pf;
	int rfd, st = 0;
	pid_t pid;

	snprintf(name, sizeof(name), "%s/eof", mode);
	pid = start_piped(name, mode, argv, &rfd);
	if (pid < 0)
		return;
	pf.fd = rfd;
	pf.events = POLLIN;
	if (poll(&pf, 1, 20000) != 1 || read(rfd, buf, sizeof(buf)) != 0)
		fail(name, "no end of file 20 s after the program closed its "
		     "standard output");
	else
		check(name, waitpid(pid, &st, WNOHANG) == 0,
		      "end of file only once the program was gone");
	close(rfd);
	kill(pid, SIGKILL);
	wait_for(pid, NULL, 0);
}

static void t_system(void)
{
	char cmd[512];
	int st;
	FILE *f;
	char buf[256] = "";

	snprintf(cmd, sizeof(cmd), "'%s' exit 7", probe);
	st = system(cmd);
	check("system/status", WIFEXITED(st) && WEXITSTATUS(st) == 7,
	      "system: %s, want exit 7", describe(st));
	snprintf(cmd, sizeof(cmd), "'%s' connect %s %s >/dev/null", probe, addr,
		 port);
	st = system(cmd);
	check("system/net", WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "system: %s", describe(st));
	snprintf(cmd, sizeof(cmd), "exec '%s' connect %s %s", probe, addr, port);
	f = popen(cmd, "r");
	if (!f) {
		fail("popen/net", "popen: %s", strerror(errno));
		return;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	st = pclose(f);
	check("popen/net", WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	      !strncmp(buf, "HTTP/", 5), "%s; it said '%s'", describe(st), buf);
	snprintf(cmd, sizeof(cmd), "exec '%s' exit 9", probe);
	f = popen(cmd, "r");
	st = f ? pclose(f) : -1;
	check("popen/status", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 9,
	      "pclose: %s", describe(st));
}

/* f(...) failed with errno want. */
static void exec_err(const char *name, int r, int want)
{
	int e = errno;

	check(name, r == -1 && e == want, "returned %d, errno %d (%s), want %d",
	      r, e, strerror(e), want);
}

static void put_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, mode);
}

/* execvp(file) in a child with PATH set to path: its status. */
static int execvp_child(const char *file, const char *path, char *arg)
{
	char *argv[] = { (char *)file, arg, NULL };
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		setenv("PATH", path, 1);
		execvp(file, argv);
		_exit(100 + errno);
	}
	if (pid > 0)
		wait_for(pid, &st, 0);
	return st;
}

static void t_errors(void)
{
	char *argv[] = { (char *)"x", NULL };
	char dir[128], data[160], junk[160], nointerp[160], path[512];
	int st;

	snprintf(dir, sizeof(dir), "%s/err", tmpdir);
	mkdir(dir, 0755);
	snprintf(data, sizeof(data), "%s/data", dir);
	put_file(data, "data\n", 0644);
	snprintf(junk, sizeof(junk), "%s/tn-junk", dir);
	put_file(junk, "exit 3\n", 0755);
	snprintf(nointerp, sizeof(nointerp), "%s/nointerp", dir);
	put_file(nointerp, "#!/nonexistent/tnat64-interp\n", 0755);

	exec_err("errors/execv: no such file", execv("/nonexistent-tnat64/x", argv),
		 ENOENT);
	exec_err("errors/execve: a file as a directory",
		 execve("/etc/passwd/x", argv, environ), ENOTDIR);
	exec_err("errors/execv: a directory", execv(dir, argv), EACCES);
	exec_err("errors/execv: not executable", execv(data, argv), EACCES);
	exec_err("errors/execl: no format the kernel knows",
		 execl(junk, "x", (char *)NULL), ENOEXEC);
	exec_err("errors/execv: a script whose interpreter is missing",
		 execv(nointerp, argv), ENOENT);
	exec_err("errors/execvp: an empty name", execvp("", argv), ENOENT);
	snprintf(path, sizeof(path), "%s/a:%s/b", dir, dir);
	setenv("PATH", path, 1);
	exec_err("errors/execvp: nowhere in PATH",
		 execvp("tnat64-no-such-program", argv), ENOENT);
	snprintf(path, sizeof(path), "%s/a:%s:%s/b", dir, dir, dir);
	setenv("PATH", path, 1);
	exec_err("errors/execvp: only a file that may not be run",
		 execvp("data", argv), EACCES);
	setenv("PATH", "/nonexistent-tnat64", 1);
	exec_err("errors/execlp: a path (no PATH search), a file as a "
		 "directory", execlp("/etc/passwd/x", "x", (char *)NULL),
		 ENOTDIR);
	/* Past missing and unrunnable candidates to the program. */
	snprintf(path, sizeof(path), "/nonexistent-tnat64:%s/a:%s:%s", dir, dir,
		 probe_dir);
	st = execvp_child("data", path, NULL);
	check("errors/execvp: only unrunnable candidates, in a child",
	      WIFEXITED(st) && WEXITSTATUS(st) == 100 + EACCES, "%s",
	      describe(st));
	{
		const char *base = strrchr(probe, '/') + 1;
		pid_t pid = fork();

		if (pid == 0) {
			char *pargv[] = { (char *)base, (char *)"exit", (char *)"4",
					  NULL };

			setenv("PATH", path, 1);
			execvp(base, pargv);
			_exit(100 + errno);
		}
		st = -1;
		if (pid > 0)
			wait_for(pid, &st, 0);
		check("errors/execvp: the program after missing and unrunnable "
		      "candidates", WIFEXITED(st) && WEXITSTATUS(st) == 4, "%s",
		      describe(st));
	}
	/* glibc runs a file the kernel cannot run with /bin/sh. */
	snprintf(path, sizeof(path), "/nonexistent-tnat64:%s", dir);
	st = execvp_child("tn-junk", path, NULL);
	check("errors/execvp: a file the kernel cannot run goes to /bin/sh",
	      WIFEXITED(st) && WEXITSTATUS(st) == 3, "%s", describe(st));
}

int main(int argc, char **argv)
{
	static char dir[PATH_MAX];
	char *slash;
	const char *path = getenv("PATH");
	static char newpath[PATH_MAX + 4096];

	if (argc < 4) {
		fprintf(stderr, "usage: t_spawn PROBE ADDR PORT [MODE...]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	probe = argv[1];
	addr = argv[2];
	port = argv[3];
	snprintf(dir, sizeof(dir), "%s", probe);
	slash = strrchr(dir, '/');
	if (!slash || probe[0] != '/') {
		fprintf(stderr, "t_spawn: PROBE must be an absolute path\n");
		return 2;
	}
	*slash = '\0';
	probe_dir = dir;
	snprintf(newpath, sizeof(newpath), "%s:%s", dir, path ? path : "/usr/bin:/bin");
	setenv("PATH", newpath, 1);
	/* Only our own descriptors from here on (ident counts them). */
	syscall(SYS_close_range, 3, ~0u, 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/t_spawn.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	for (int i = 0; i < (argc > 4 ? argc - 4 : (int)(sizeof(all_modes) /
						       sizeof(all_modes[0]))); i++) {
		const char *m = argc > 4 ? argv[4 + i] : all_modes[i];

		if (!strcmp(m, "system") || !strcmp(m, "popen")) {
			if (!strcmp(m, "system"))
				t_system();
			continue;
		}
		if (!strcmp(m, "errors")) {
			const char *saved = getenv("PATH");
			char *keep = saved ? strdup(saved) : NULL;

			t_errors();
			if (keep) {
				setenv("PATH", keep, 1);
				free(keep);
			}
			continue;
		}
		t_status(m);
		t_net(m);
		t_ident(m);
		t_eof(m);
		t_kill(m);
		t_stop(m);
		t_signals(m);
	}
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		(void)!system(cmd);
	}
	return progs_exit();
}
