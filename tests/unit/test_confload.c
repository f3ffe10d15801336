/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: loading the configuration with bad input (confload.c):
 * configuration files that are directories, FIFOs, devices, symbolic
 * link loops, binary, with NUL bytes, 1 MB lines or 10,000 errors;
 * variables that are empty, huge or full of control characters; a
 * TNAT64_DEBUG_FILE that is a directory or a FIFO.  Each must give a
 * clear message of a few lines at most, never block, and leave a working
 * configuration. */
#include "check.h"
#include "confload.h"
#include "prefix.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static int logp[2] = { -1, -1 };
static char logbuf[1 << 16];
static const char *current = "";

/* A test that blocks fails instead of hanging the run. */
static void on_alarm(int sig)
{
	static const char m[] = "FAIL: confload: blocked in ";

	(void)sig;
	if (write(1, m, sizeof(m) - 1) < 0 ||
	    write(1, current, strlen(current)) < 0 || write(1, "\n", 1) < 0)
		_exit(1);
	_exit(1);
}

static void guard(const char *name)
{
	current = name;
	alarm(10);
}

/* Everything logged since the last call, NUL-terminated; *lines is the
 * number of lines. */
static const char *drain(int *lines)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < sizeof(logbuf) &&
	       (r = read(logp[0], logbuf + n, sizeof(logbuf) - 1 - n)) > 0)
		n += (size_t)r;
	logbuf[n] = '\0';
	*lines = 0;
	for (size_t i = 0; i < n; i++)
		*lines += logbuf[i] == '\n';
	return logbuf;
}

/* Only printable text and line ends. */
static bool plain(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\n') || *s == 0x7f)
			return false;
	return true;
}

static bool longest_line_ok(const char *s)
{
	size_t cur = 0;

	for (; *s; s++) {
		cur = *s == '\n' ? 0 : cur + 1;
		if (cur >= 512)
			return false;
	}
	return true;
}

static void path_in_dir(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static bool is_builtin(const struct config *c)
{
	return c && c->has_default && c->default_auto && c->nprefixes == 1 &&
	       nat64_prefix_is_wkp(&c->prefixes[0]) && c->nlocals == 0 &&
	       c->nsubnets == 0 && c->nerrors == 0;
}

/* Load with what was captured last; returns the messages. */
static const char *load_captured(struct tnconf *tc, int *lines)
{
	memset(tc, 0, sizeof(*tc));
	if (tnconf_load(tc) != 0)
		abort();
	if (tc->config)
		tnconf_report(tc->config);
	alarm(0);
	return drain(lines);
}

/* Load with TNAT64_CONF_FILE=path (unset if NULL) and prefix; returns
 * the messages. */
static const char *load(const char *path, const char *prefix,
			struct tnconf *tc, int *lines)
{
	if (path)
		setenv("TNAT64_CONF_FILE", path, 1);
	else
		unsetenv("TNAT64_CONF_FILE");
	if (prefix)
		setenv("TNAT64_NAT64_PREFIX", prefix, 1);
	else
		unsetenv("TNAT64_NAT64_PREFIX");
	tnconf_capture_env();
	return load_captured(tc, lines);
}

/* A file that is not one: the built-in configuration and one line
 * saying what it is. */
static void test_not_a_file(const char *name, const char *path,
			    const char *says)
{
	struct tnconf tc;
	int lines;
	const char *out;

	guard(name);
	out = load(path, NULL, &tc, &lines);
	CHECK_MSG(tname("%s: built-in configuration", name),
		  is_builtin(tc.config), "config %p", (void *)tc.config);
	CHECK_MSG(tname("%s: one line naming it", name),
		  lines == 1 && strstr(out, path) && strstr(out, says) &&
		  strstr(out, "built-in"), "got \"%s\"", out);
	tnconf_free(&tc);
}

static void test_files(void)
{
	char fifo[128], loop[128], loop2[128], missing[128];

	test_not_a_file("directory", dir, "a directory");
	path_in_dir(fifo, sizeof(fifo), "fifo");
	if (mkfifo(fifo, 0600) != 0)
		abort();
	test_not_a_file("FIFO without a writer", fifo, "a FIFO");
	test_not_a_file("character device", "/dev/zero", "character device");

	/* /dev/null is the usual way to say "no configuration" */
	struct tnconf tc;
	int lines;
	const char *out = load("/dev/null", NULL, &tc, &lines);

	CHECK_MSG("/dev/null: an empty configuration (auto default), no message",
		  tc.config && tc.config->default_auto &&
		  tc.config->nerrors == 0 && lines == 0, "got \"%s\"", out);
	tnconf_free(&tc);
	path_in_dir(loop, sizeof(loop), "loop");
	path_in_dir(loop2, sizeof(loop2), "loop2");
	if (symlink(loop2, loop) != 0 || symlink(loop, loop2) != 0)
		abort();
	test_not_a_file("symlink loop", loop, "symbolic links");
	path_in_dir(missing, sizeof(missing), "missing.conf");
	test_not_a_file("named file missing", missing,
			"no such file or directory");
}

/* Binary files, NUL bytes, 1 MB lines, 10,000 errors: the valid lines
 * apply, a few lines of messages at most, all of them plain text. */
static void test_contents(void)
{
	char path[128], *big;
	struct tnconf tc;
	int lines;
	const char *out;
	size_t n;

	path_in_dir(path, sizeof(path), "bad.conf");

	/* binary: every byte value, many times */
	big = malloc(1 << 16);
	if (!big)
		abort();
	for (n = 0; n < 1 << 16; n++)
		big[n] = (char)(n * 7 + n / 256);
	write_file(path, big, 1 << 16);
	guard("binary");
	out = load(path, NULL, &tc, &lines);
	CHECK_MSG("binary: a few plain lines",
		  tc.config && lines >= 1 && lines <= TNCONF_REPORT_MAX + 1 &&
		  plain(out) && longest_line_ok(out),
		  "%d lines: \"%.300s\"", lines, out);
	tnconf_free(&tc);

	/* NUL bytes */
	static const char nul[] = "local = 192.0.2.0/24\0junk\n"
				  "nat64_prefix = 2001:db8:64::/96\n";

	write_file(path, nul, sizeof(nul) - 1);
	out = load(path, NULL, &tc, &lines);
	CHECK_MSG("NUL byte: line reported, the rest applies",
		  tc.config && tc.config->nerrors == 1 &&
		  tc.config->nlocals == 0 && tc.config->has_default &&
		  lines == 1 && strstr(out, "bad.conf:1: ") &&
		  strstr(out, "NUL"), "got \"%s\"", out);
	tnconf_free(&tc);

	/* a line of 1 MB */
	n = 1000000;
	free(big);
	big = malloc(n + 64);
	if (!big)
		abort();
	memset(big, 'a', n);
	memcpy(big + n, "\nlocal = 192.0.2.0/24\n", 22);
	write_file(path, big, n + 22);
	out = load(path, NULL, &tc, &lines);
	CHECK_MSG("1 MB line: one short message, the rest applies",
		  tc.config && tc.config->nerrors == 1 &&
		  tc.config->nlocals == 1 && lines == 1 &&
		  strstr(out, "bad.conf:1: line longer") &&
		  longest_line_ok(out), "got \"%.300s\"", out);
	tnconf_free(&tc);

	/* 10,000 errors */
	free(big);
	big = malloc(10000 * 8 + 64);
	if (!big)
		abort();
	n = 0;
	for (int i = 0; i < 10000; i++)
		n += (size_t)sprintf(big + n, "bogus%d\n", i % 10);
	n += (size_t)sprintf(big + n, "local = 192.0.2.0/24\n");
	write_file(path, big, n);
	out = load(path, NULL, &tc, &lines);
	CHECK_MSG("10,000 errors: counted",
		  tc.config && tc.config->nerrors == 10000 &&
		  tc.config->nlocals == 1, "nerrors %zu",
		  tc.config ? tc.config->nerrors : 0);
	CHECK_MSG("10,000 errors: the first few, then a count",
		  lines == TNCONF_REPORT_MAX + 1 &&
		  strstr(out, "bad.conf:1: ") &&
		  strstr(out, "9995 more errors; tnat64-validateconf -f "),
		  "%d lines: \"%s\"", lines, out);
	tnconf_free(&tc);
	free(big);
}

/* TNAT64_CONF_FILE and TNAT64_NAT64_PREFIX: empty, huge, control
 * characters. */
static void test_variables(void)
{
	char good[128], *huge;
	struct tnconf tc;
	int lines;
	const char *out;

	path_in_dir(good, sizeof(good), "good.conf");
	write_file(good, "nat64_prefix = 2001:db8:64::/96\n", 32);

	guard("empty");
	out = load(good, "", &tc, &lines);
	CHECK_MSG("empty TNAT64_NAT64_PREFIX: unset, no message",
		  tc.config && tc.config->has_default &&
		  !nat64_prefix_is_wkp(&tc.config->prefixes[0]) && lines == 0,
		  "got \"%s\"", out);
	tnconf_free(&tc);

	huge = malloc(100001);
	if (!huge)
		abort();
	memset(huge, '/', 100000);
	huge[100000] = '\0';
	out = load(huge, NULL, &tc, &lines);
	CHECK_MSG("huge TNAT64_CONF_FILE: said, built-in configuration",
		  is_builtin(tc.config) && lines == 1 &&
		  strstr(out, "TNAT64_CONF_FILE is 100000 bytes long") &&
		  longest_line_ok(out), "got \"%.300s\"", out);
	tnconf_free(&tc);

	memset(huge, '1', 100000);
	out = load(good, huge, &tc, &lines);
	CHECK_MSG("huge TNAT64_NAT64_PREFIX: said, ignored",
		  tc.config && !nat64_prefix_is_wkp(&tc.config->prefixes[0]) &&
		  lines == 1 &&
		  strstr(out, "TNAT64_NAT64_PREFIX is 100000 bytes long") &&
		  longest_line_ok(out), "got \"%.300s\"", out);
	tnconf_free(&tc);
	free(huge);

	out = load(good, "\x1b]0;title\x07\r\n2001:db8::/32", &tc, &lines);
	CHECK_MSG("control characters in TNAT64_NAT64_PREFIX: one plain line",
		  tc.config && lines == 1 && plain(out) &&
		  strstr(out, "TNAT64_NAT64_PREFIX=?]0;title???2001:db8::/32 is not"),
		  "got \"%s\"", out);
	tnconf_free(&tc);

	char ctl[160];

	snprintf(ctl, sizeof(ctl), "%s/\x1b[2Jx\n.conf", dir);
	out = load(ctl, NULL, &tc, &lines);
	CHECK_MSG("control characters in TNAT64_CONF_FILE: one plain line",
		  is_builtin(tc.config) && lines == 1 && plain(out) &&
		  strstr(out, "/?[2Jx?.conf: no such file"),
		  "got \"%s\"", out);
	tnconf_free(&tc);
	unsetenv("TNAT64_CONF_FILE");
	unsetenv("TNAT64_NAT64_PREFIX");
	tnconf_capture_env();
	alarm(0);
}

/* tnconf_setup_logging with TNAT64_DEBUG and TNAT64_DEBUG_FILE set as
 * given; returns what reached standard error. */
static const char *setup_logging(const char *level, const char *file,
				 int *lines)
{
	int saved = dup(2);

	if (saved < 0 || dup2(logp[1], 2) < 0)
		abort();
	if (level)
		setenv("TNAT64_DEBUG", level, 1);
	else
		unsetenv("TNAT64_DEBUG");
	if (file)
		setenv("TNAT64_DEBUG_FILE", file, 1);
	else
		unsetenv("TNAT64_DEBUG_FILE");
	tnconf_setup_logging("t");
	dup2(saved, 2);
	close(saved);
	alarm(0);
	return drain(lines);
}

static void test_debug(void)
{
	char fifo[128], *huge;
	int lines;
	const char *out;

	guard("TNAT64_DEBUG_FILE directory");
	out = setup_logging("1", dir, &lines);
	CHECK_MSG("TNAT64_DEBUG_FILE directory: said on standard error",
		  lines == 1 && strstr(out, "cannot open TNAT64_DEBUG_FILE=") &&
		  strstr(out, "it is a directory") &&
		  strstr(out, "standard error"), "got \"%s\"", out);

	path_in_dir(fifo, sizeof(fifo), "logfifo");
	if (mkfifo(fifo, 0600) != 0)
		abort();
	guard("TNAT64_DEBUG_FILE FIFO without a reader");
	out = setup_logging("1", fifo, &lines);
	CHECK_MSG("TNAT64_DEBUG_FILE FIFO without a reader: no wait, said",
		  lines == 1 && strstr(out, "FIFO that nobody reads"),
		  "got \"%s\"", out);

	/* a reader that never reads: messages are dropped, never waited
	 * for */
	int rd = open(fifo, O_RDONLY | O_NONBLOCK);
	char msg[400];

	if (rd < 0)
		abort();
	guard("TNAT64_DEBUG_FILE full FIFO");
	out = setup_logging("1", fifo, &lines);
	memset(msg, 'm', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	for (int i = 0; i < 1000; i++) /* 400 kB, more than a pipe holds */
		log_msg(LOG_ERR, "%s", msg);
	alarm(0);
	ssize_t got = read(rd, logbuf, sizeof(logbuf));

	CHECK_MSG("TNAT64_DEBUG_FILE full FIFO: no wait", lines == 0 &&
		  got > 0 && strncmp(logbuf, "tnat64[", 7) == 0,
		  "lines %d, read %zd", lines, got);
	close(rd);

	guard("TNAT64_DEBUG control characters");
	out = setup_logging("\x1b[31m\r", NULL, &lines);
	CHECK_MSG("TNAT64_DEBUG control characters: one plain line",
		  lines == 1 && plain(out) &&
		  strstr(out, "TNAT64_DEBUG=?[31m? is not a number"),
		  "got \"%s\"", out);

	huge = malloc(100001);
	if (!huge)
		abort();
	memset(huge, '9', 100000);
	huge[100000] = '\0';
	out = setup_logging(huge, NULL, &lines);
	CHECK_MSG("TNAT64_DEBUG huge: one short line", lines == 1 &&
		  longest_line_ok(out) && strstr(out, "not a number"),
		  "got \"%.200s\"", out);
	free(huge);

	out = setup_logging("", "", &lines);
	CHECK_MSG("empty TNAT64_DEBUG and TNAT64_DEBUG_FILE: as unset",
		  lines == 0 && log_level() == LOG_ERR, "got \"%s\"", out);
	unsetenv("TNAT64_DEBUG");
	unsetenv("TNAT64_DEBUG_FILE");
}

/* The compiled form of a big file (confload.h): written once the file
 * has settled, mapped by the next loads with the same answers and the
 * same messages, ignored (one message) when it may not be trusted or is
 * not an image, not used once the file changed. */
static bool same_lookups(const struct config *a, const struct config *b)
{
	for (uint32_t i = 0; i < 70000; i += 7) {
		uint32_t v = htonl(0x0a000000u + i * 61u);
		int pa, pb;

		if (config_lookup(a, v, (uint16_t)i, &pa) !=
		    config_lookup(b, v, (uint16_t)i, &pb) || pa != pb)
			return false;
	}
	return true;
}

static void test_cache(void)
{
	static char sys[160], ru[160], tmp[160];
	char path[128], cached[256], cmd[512];
	struct tnconf t1, t2;
	struct stat st;
	const char *out;
	char *text, *msgs1;
	size_t n = 0, cap = 1 << 20;
	int lines, lines2;

	snprintf(sys, sizeof(sys), "%s/sys", dir);
	snprintf(ru, sizeof(ru), "%s/run-user", dir);
	snprintf(tmp, sizeof(tmp), "%s/tmp", dir);
	log_setup(LOG_ERR, logp[1], "t"); /* test_debug changed it */
	mkdir(ru, 0755);
	mkdir(tmp, 01777);
	tnconf_set_cache_dirs(ru, tmp, sys);
	unsetenv("XDG_RUNTIME_DIR");
	path_in_dir(path, sizeof(path), "big.conf");
	text = malloc(cap);
	if (!text)
		abort();
	n += (size_t)snprintf(text + n, cap - n,
			      "nat64_prefix = 2001:db8:64::/96\n"
			      "local = 10.200.0.0/16\n");
	for (int p = 0; p < 8; p++) {
		n += (size_t)snprintf(text + n, cap - n, "path {\n"
				      " nat64_prefix = 2001:db8:%x::/96\n",
				      0x100 + p);
		for (int i = 0; i < 1000; i++)
			n += (size_t)snprintf(text + n, cap - n,
					      " subnet = 10.%d.%d.0:%d-%d/24\n",
					      p * 20 + i / 256, i % 256,
					      1 + i % 7, 100 + i % 900);
		n += (size_t)snprintf(text + n, cap - n, "}\n");
	}
	for (int i = 0; i < 7; i++) /* errors: the report must be the same */
		n += (size_t)snprintf(text + n, cap - n, "bogus %d\n", i);
	write_file(path, text, n);
	free(text);
	printf("# %zu bytes, waiting %d s for the file to settle\n", n,
	       TNCONF_SETTLE_SECONDS + 1);
	sleep(TNCONF_SETTLE_SECONDS + 1);

	guard("cache: first load");
	out = load(path, NULL, &t1, &lines);
	msgs1 = strdup(out);
	if (stat(path, &st) != 0)
		abort();
	/* root keeps it in the system directory, users in their own */
	if (geteuid() == 0)
		snprintf(cached, sizeof(cached), "%s/conf-%llx-%llx", sys,
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
	else
		snprintf(cached, sizeof(cached), "%s/tnat64-%u/conf-%llx-%llx",
			 tmp, (unsigned)geteuid(),
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
	CHECK_MSG("cache: first load parses and keeps the compiled form",
		  t1.config && !t1.image && t1.config->nsubnets == 8000 &&
		  stat(cached, &st) == 0 && S_ISREG(st.st_mode) &&
		  (st.st_mode & 07777) == 0644, "image %p, %s: %s",
		  t1.image, cached, strerror(errno));

	guard("cache: second load");
	out = load(path, NULL, &t2, &lines2);
	CHECK_MSG("cache: second load maps it, same answers and messages",
		  lines == TNCONF_REPORT_MAX + 1 && t2.image && t2.config->nsubnets == 8000 &&
		  t2.config->nerrors == 7 && same_lookups(t1.config, t2.config) &&
		  lines2 == lines && !strcmp(out, msgs1),
		  "image %p, %d/%d lines: \"%s\"", t2.image, lines2, lines,
		  out);
	tnconf_free(&t2);

	guard("cache: with TNAT64_NAT64_PREFIX");
	load(path, "2001:db8:46::/96", &t2, &lines2);
	{
		int pi;
		struct nat64_prefix want;

		nat64_prefix_parse("2001:db8:46::/96", &want);
		CHECK("cache: TNAT64_NAT64_PREFIX applies to the mapped form",
		      t2.image && config_lookup(t2.config, htonl(0xc6336401u),
						80, &pi) == LOOKUP_NAT64 &&
		      pi == 0 && nat64_prefix_equal(&t2.config->prefixes[0],
						    &want) &&
		      config_lookup(t2.config, htonl(0x0a000005u), 3, &pi) ==
		      LOOKUP_NAT64 && pi == 1);
	}
	tnconf_free(&t2);

	chmod(cached, 0666);
	guard("cache: writable by others");
	out = load(path, NULL, &t2, &lines2);
	CHECK_MSG("cache: a file writable by others is ignored, one message",
		  !t2.image && t2.config->nsubnets == 8000 &&
		  lines2 == lines + 1 && strstr(out, "writable by group") &&
		  stat(cached, &st) == 0 && (st.st_mode & 07777) == 0644,
		  "image %p, %d lines: \"%s\"", t2.image, lines2, out);
	tnconf_free(&t2);

	write_file(cached, "not an image", 12);
	guard("cache: junk");
	out = load(path, NULL, &t2, &lines2);
	CHECK_MSG("cache: junk is not used and is replaced",
		  !t2.image && t2.config->nsubnets == 8000 &&
		  lines2 == lines && stat(cached, &st) == 0 &&
		  st.st_size > 100000, "image %p, %d lines: \"%s\"",
		  t2.image, lines2, out);
	tnconf_free(&t2);

	snprintf(cmd, sizeof(cmd), "echo 'local = 10.0.0.0/24' >> '%s'", path);
	if (system(cmd) != 0)
		abort();
	guard("cache: file changed");
	out = load(path, NULL, &t2, &lines2);
	CHECK_MSG("cache: a changed file is parsed again",
		  !t2.image && t2.config->nlocals == 2, "image %p", t2.image);
	tnconf_free(&t2);
	tnconf_free(&t1);
	free(msgs1);
}

/* tnconf_capture_envp, the constructor's capture: what it keeps, what it
 * reports, the first of a name, secure-execution mode, values too long;
 * the process's own environment is never read after it. */
static void test_capture_envp(void)
{
	char good[128], other[128], e_conf[200], e_other[200], xdg[300];
	char *huge;
	struct tnconf tc;
	int lines;
	const char *out;
	unsigned int r;

	path_in_dir(good, sizeof(good), "envp.conf");
	write_file(good, "nat64_prefix = 2001:db8:65::/96\n", 32);
	path_in_dir(other, sizeof(other), "envp-other.conf");
	write_file(other, "nat64_prefix = 2001:db8:66::/96\n", 32);
	snprintf(e_conf, sizeof(e_conf), "TNAT64_CONF_FILE=%s", good);
	snprintf(e_other, sizeof(e_other), "TNAT64_CONF_FILE=%s", other);
	/* the real environment names the other file: never read */
	setenv("TNAT64_CONF_FILE", other, 1);
	setenv("XDG_RUNTIME_DIR", "/nowhere", 1);

	{
		char *envp[] = { "HOME=/root", "XDG_RUNTIME_DIR=/run/user/7",
				 "TNAT64X=1", "TNAT64_", NULL };

		r = tnconf_capture_envp(envp, false);
		CHECK_MSG("an entry \"TNAT64_\" alone is one of ours",
			  r == TNCONF_ENV_OURS, "%u", r);
	}
	{
		char *envp[] = { "HOME=/root", "XDG_RUNTIME_DIR=/run/user/7",
				 "TNAT64X=1", NULL };

		r = tnconf_capture_envp(envp, false);
		CHECK_MSG("envp without a variable of ours: 0", r == 0, "%u",
			  r);
		out = tnconf_xdg_runtime_dir();
		CHECK_MSG("XDG_RUNTIME_DIR kept from envp",
			  out && strcmp(out, "/run/user/7") == 0, "%s",
			  out ? out : "(null)");
		load_captured(&tc, &lines);
		CHECK_MSG("no TNAT64_CONF_FILE in envp: the default file, not "
			  "the process's variable", !tc.config ||
			  tc.config->prefixes[0].len != 96 ||
			  tc.config->prefixes[0].addr[5] != 0x66, "prefix");
		tnconf_free(&tc);
	}
	{
		char *envp[] = { e_conf, "XDG_RUNTIME_DIR=/a",
				 "XDG_RUNTIME_DIR=/b", e_other,
				 "TNAT64_NAT64_PREFIX=2001:db8:67::/96",
				 "TNAT64_DEBUG_FILE=/dev/null", NULL };

		r = tnconf_capture_envp(envp, false);
		CHECK_MSG("TNAT64_DEBUG_FILE reported", r == (TNCONF_ENV_OURS |
			  TNCONF_ENV_DEBUG), "%u", r);
		out = tnconf_xdg_runtime_dir();
		CHECK_MSG("the first XDG_RUNTIME_DIR counts",
			  out && strcmp(out, "/a") == 0, "%s",
			  out ? out : "(null)");
		out = load_captured(&tc, &lines);
		CHECK_MSG("the first TNAT64_CONF_FILE counts, and "
			  "TNAT64_NAT64_PREFIX from envp overrides its prefix",
			  tc.config && tc.config->has_default &&
			  tc.config->prefixes[0].addr[5] == 0x67 && lines == 0,
			  "got \"%s\"", out);
		tnconf_free(&tc);
	}
	{
		char *envp[] = { e_conf, "XDG_RUNTIME_DIR=/run/user/7", NULL };

		r = tnconf_capture_envp(envp, true);
		CHECK_MSG("secure execution: reported, nothing kept",
			  r == TNCONF_ENV_OURS && !tnconf_xdg_runtime_dir(),
			  "%u", r);
	}
	huge = malloc(5000 + sizeof("TNAT64_CONF_FILE="));
	if (!huge)
		abort();
	strcpy(huge, "TNAT64_CONF_FILE=");
	memset(huge + strlen(huge), '/', 5000);
	huge[strlen("TNAT64_CONF_FILE=") + 5000] = '\0';
	memset(xdg, 'x', sizeof(xdg) - 1);
	memcpy(xdg, "XDG_RUNTIME_DIR=/", 17);
	xdg[sizeof(xdg) - 1] = '\0';
	{
		char *envp[] = { huge, xdg, NULL };

		tnconf_capture_envp(envp, false);
		CHECK("XDG_RUNTIME_DIR too long: none",
		      !tnconf_xdg_runtime_dir());
		out = load_captured(&tc, &lines);
		CHECK_MSG("TNAT64_CONF_FILE too long in envp: said, built-in "
			  "configuration", is_builtin(tc.config) &&
			  lines == 1 && strstr(out, "is 5000 bytes long"),
			  "got \"%.300s\"", out);
		tnconf_free(&tc);
	}
	free(huge);
	unsetenv("TNAT64_CONF_FILE");
	unsetenv("XDG_RUNTIME_DIR");
	tnconf_capture_env();
}

int main(void)
{
	char cmd[128];

	signal(SIGALRM, on_alarm);
	snprintf(dir, sizeof(dir), "%s/tnat64-confload.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir) || pipe2(logp, O_NONBLOCK | O_CLOEXEC) != 0)
		abort();
	/* a big pipe: the 10,000-error test must fit when it goes wrong */
	fcntl(logp[1], F_SETPIPE_SZ, 1 << 20);
	log_setup(LOG_ERR, logp[1], "t");

	{
		/* never the host's cache directories */
		static char none[160];

		snprintf(none, sizeof(none), "%s/none", dir);
		tnconf_set_cache_dirs(none, none, none);
	}
	test_files();
	test_contents();
	test_variables();
	test_debug();
	test_cache();
	test_capture_envp();

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return check_exit();
}
