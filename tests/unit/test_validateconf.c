/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs the built tnat64-validateconf (found next to this test's build
 * directory: B/tests/unit/test_validateconf -> B/tnat64-validateconf) on
 * small files and checks its output and exit status.  No network: only
 * IPv4 literals are resolved. */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char tool[PATH_MAX];
static char dir[] = "/tmp/tnat64-vc-XXXXXX";
static char out[65536], err[65536];

static void slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* Run the tool with up to 4 arguments; returns the exit status. */
static int run(const char *a1, const char *a2, const char *a3,
	       const char *a4)
{
	char op[PATH_MAX + 16], ep[PATH_MAX + 16];
	const char *argv[6] = { "tnat64-validateconf", a1, a2, a3, a4, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st;

	snprintf(op, sizeof(op), "%s/stdout", dir);
	snprintf(ep, sizeof(ep), "%s/stderr", dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, op, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, ep, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (posix_spawn(&pid, tool, &fa, NULL, (char **)argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	slurp(op, out, sizeof(out));
	slurp(ep, err, sizeof(err));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static const char *write_conf(const char *name, const char *text)
{
	static char paths[8][PATH_MAX];
	static unsigned next;
	char *p = paths[next++ % 8];
	FILE *f;

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	return p;
}

static const char good[] =
	"# test\n"
	"local = 192.0.2.0/24\n"
	"path {\n"
	"  subnet = 198.51.100.0:80-90/24\n"
	"  nat64_prefix = 2001:db8:122:344::/64\n"
	"  nat64_suffix = ::aa:bbcc\n"
	"}\n"
	"nat64_prefix = 2001:db8:64::/96\n";

static void tests(void)
{
	const char *g = write_conf("good.conf", good);
	const char *bad = write_conf("bad.conf",
				     "local = 192.0.2.0/24\nserver = x\npath {\n");
	int rc;

	rc = run("-f", g, NULL, NULL);
	CHECK_INT("vc: good file exit 0", rc, 0);
	CHECK("vc: shows the local network", strstr(out, "192.0.2.0/24") != NULL);
	CHECK("vc: shows the default prefix",
	      strstr(out, "2001:db8:64::/96") != NULL);
	CHECK("vc: shows the path with its line",
	      strstr(out, "Path (line 3)") != NULL &&
	      strstr(out, "2001:db8:122:344::/64") != NULL &&
	      strstr(out, "::aa:bbcc") != NULL &&
	      strstr(out, "198.51.100.0/24") != NULL &&
	      strstr(out, "ports 80-90") != NULL);
	CHECK_STR("vc: good file nothing on stderr", err, "");

	rc = run("-f", bad, NULL, NULL);
	CHECK_INT("vc: bad file exit 1", rc, 1);
	char want[PATH_MAX + 64];

	snprintf(want, sizeof(want), "%s:2: unknown directive 'server'", bad);
	CHECK_MSG("vc: error as FILE:LINE: message", strstr(err, want) != NULL,
		  "stderr: %s", err);
	snprintf(want, sizeof(want), "%s:3: ", bad);
	CHECK_MSG("vc: unterminated path reported", strstr(err, want) != NULL,
		  "stderr: %s", err);

	rc = run("-f", g, "-t", "198.51.100.7:85");
	CHECK_INT("vc: -t exit 0", rc, 0);
	CHECK_MSG("vc: -t path",
		  strstr(out, "via NAT64 prefix 2001:db8:122:344::/64 (path at line 3) -> IPv6 address 2001:db8:122:344:c6:3364:7aa:bbcc") != NULL,
		  "stdout: %s", out);
	rc = run("-f", g, "-t", "198.51.100.7:91");
	CHECK_MSG("vc: -t default",
		  rc == 0 && strstr(out, "via NAT64 prefix 2001:db8:64::/96 (default) -> IPv6 address 2001:db8:64::c633:6407") != NULL,
		  "rc %d stdout: %s", rc, out);
	rc = run("-f", g, "-t", "192.0.2.9");
	CHECK_MSG("vc: -t local", rc == 0 && strstr(out, "local (direct IPv4)"),
		  "rc %d stdout: %s", rc, out);
	rc = run("-t", "203.0.113.1", "-f", write_conf("wkp.conf",
		 "nat64_prefix = 64:ff9b::/96\n"));
	CHECK_MSG("vc: -t wkp non-global",
		  rc == 0 && strstr(out, "no NAT64 prefix applies (direct IPv4)"),
		  "rc %d stdout: %s", rc, out);
	rc = run("-f", bad, "-t", "192.0.2.9");
	CHECK_INT("vc: -t with a bad file exits 1", rc, 1);

	CHECK_INT("vc: bad port", run("-f", g, "-t", "192.0.2.1:0"), 2);
	CHECK_INT("vc: port out of range", run("-f", g, "-t", "192.0.2.1:65536"), 2);
	CHECK_INT("vc: port junk", run("-f", g, "-t", "192.0.2.1:8x"), 2);
	CHECK_INT("vc: unknown option", run("-x", NULL, NULL, NULL), 2);
	CHECK_INT("vc: positional argument", run("-f", g, "extra", NULL), 2);
	CHECK_INT("vc: -h", run("-h", NULL, NULL, NULL), 0);
	CHECK("vc: -h prints usage", strstr(out, "Usage:") != NULL);
	CHECK_INT("vc: --help", run("--help", NULL, NULL, NULL), 0);
	CHECK("vc: --help lists --version", strstr(out, "--version") != NULL);
	CHECK_INT("vc: --version", run("--version", NULL, NULL, NULL), 0);
	CHECK("vc: --version prints name and version",
	      strncmp(out, "tnat64-validateconf ", 20) == 0 &&
	      out[20] >= '0' && out[20] <= '9');
	CHECK_INT("vc: --file= --target=", run("--file", g, "--target=192.0.2.9",
						 NULL), 0);
	CHECK_INT("vc: unknown long option", run("--bogus", NULL, NULL, NULL), 2);
	CHECK("vc: unknown option points to --help",
	      strstr(err, "--help") != NULL);
	snprintf(want, sizeof(want), "%s/missing.conf", dir);
	CHECK_INT("vc: missing -f file", run("-f", want, NULL, NULL), 1);
	CHECK("vc: missing file message", strstr(err, "cannot read") != NULL);

	/* Never waits for input: a FIFO without a writer, a terminal-like
	 * device, a directory (an alarm ends a run that blocks). */
	snprintf(want, sizeof(want), "%s/fifo", dir);
	if (mkfifo(want, 0600) != 0)
		abort();
	alarm(10);
	CHECK_INT("vc: FIFO without a writer: refused at once",
		  run("-f", want, NULL, NULL), 1);
	CHECK("vc: FIFO message", strstr(err, "it is a FIFO, not a file") != NULL);
	CHECK_INT("vc: directory refused", run("-f", dir, NULL, NULL), 1);
	CHECK("vc: directory message",
	      strstr(err, "it is a directory, not a file") != NULL);
	CHECK_INT("vc: /dev/zero refused", run("-f", "/dev/zero", NULL, NULL), 1);
	CHECK("vc: device message",
	      strstr(err, "a character device, not a file") != NULL);
	CHECK_INT("vc: /dev/null is an empty file",
		  run("-f", "/dev/null", NULL, NULL), 0);
	alarm(0);
}

int main(int argc, char **argv)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	(void)argc;
	(void)argv;
	if (n <= 0) {
		printf("SKIP: validateconf: cannot find own path\n");
		return 0;
	}
	self[n] = '\0';
	/* B/tests/unit/test_validateconf -> B/tnat64-validateconf */
	snprintf(tool, sizeof(tool), "%s/../../tnat64-validateconf",
		 dirname(self));
	if (access(tool, X_OK) != 0) {
		printf("SKIP: validateconf: %s not built\n", tool);
		return 0;
	}
	if (!mkdtemp(dir)) {
		printf("FAIL: validateconf: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	tests();

	static const char *files[] = {
		"good.conf", "bad.conf", "wkp.conf", "stdout", "stderr",
		"fifo",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char p[PATH_MAX + 16];

		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	if (rmdir(dir) != 0)
		printf("# could not remove %s\n", dir);
	return check_exit();
}
