/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: tnat64.conf parsing, error reporting and lookup, and the
 * compiled form (confimg.h) against the same linear reference. */
#include "check.h"
#include "config.h"
#include "confimg.h"
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <stdint.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static uint32_t v4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

/* Every config gets an arena of exactly config_arena_size() bytes from
 * malloc, so that the sanitizer build catches any overrun. */
static void *arenas[256];
static size_t narenas;

static struct config *parse_len(const char *text, size_t len)
{
	size_t size = config_arena_size(len);
	void *arena = malloc(size);

	if (!arena)
		abort();
	if (narenas < sizeof(arenas) / sizeof(arenas[0]))
		arenas[narenas++] = arena;
	struct config *c = config_parse(text, len, "test.conf", arena, size);

	if (!c)
		abort();
	return c;
}

static struct config *parse(const char *text)
{
	return parse_len(text, strlen(text));
}

static void free_arenas(void)
{
	while (narenas)
		free(arenas[--narenas]);
}

static void print_errors(const struct config *c)
{
	for (size_t i = 0; i < c->nerrors_stored; i++)
		printf("# line %d: %s\n", c->errors[i].line, c->errors[i].msg);
}

static bool prefix_is(const struct nat64_prefix *p, const char *text)
{
	struct nat64_prefix want;

	return nat64_prefix_parse(text, &want) == 0 &&
	       nat64_prefix_equal(p, &want);
}

/* lookup shorthand: result and prefix index packed, -1 = LOCAL,
 * -2 = NONE, -3 = AUTO (the discovered default, slot 0), >= 0 = NAT64
 * with that prefix */
static int look(const struct config *c, const char *addr, unsigned port)
{
	int pi = -99;
	enum lookup_result r = config_lookup(c, v4(addr), (uint16_t)port, &pi);

	if (r == LOOKUP_LOCAL)
		return pi == -1 ? -1 : -100;
	if (r == LOOKUP_NONE)
		return pi == -1 ? -2 : -100;
	if (r == LOOKUP_AUTO)
		return pi == 0 ? -3 : -100;
	return pi;
}

#define LOOK(name, c, addr, port, want) \
	CHECK_INT(name, look((c), (addr), (port)), (want))

enum { LOCAL = -1, NONE = -2, AUTO = -3 };

/* ------------------------------------------------------------------ */

static const char simple_example[] =
	"# Configuration for libtnat64 (simple example)\n"
	"# Lines starting with # and blank lines are ignored.\n"
	"\n"
	"# This machine reaches 192.0.2.* directly\n"
	"local = 192.0.2.0/255.255.255.0\n"
	"\n"
	"# Everything else goes through NAT64\n"
	"nat64_prefix = 64:ff9b::/96\n";

static void test_simple_example(void)
{
	struct config *c = parse(simple_example);

	print_errors(c);
	CHECK_INT("simple: no errors", c->nerrors, 0);
	CHECK_INT("simple: one local", c->nlocals, 1);
	CHECK("simple: local 192.0.2.0/24",
	      c->nlocals == 1 && c->locals[0].net == v4("192.0.2.0") &&
	      c->locals[0].mask == v4("255.255.255.0") &&
	      c->locals[0].line == 5 && c->locals[0].prefix == -1);
	CHECK("simple: default wkp", c->has_default && c->nprefixes == 1 &&
	      nat64_prefix_is_wkp(&c->prefixes[0]) && c->prefix_line[0] == 8);
	CHECK_INT("simple: no subnets", c->nsubnets, 0);
	CHECK_STR("simple: filename", c->filename, "test.conf");
	LOOK("simple: local lookup", c, "192.0.2.7", 22, LOCAL);
	LOOK("simple: wkp non-global -> none", c, "198.51.100.1", 22, NONE);
	LOOK("simple: wkp global -> nat64", c, "203.0.114.1", 22, 0);
	LOOK("simple: loopback local", c, "127.0.0.1", 22, LOCAL);
}

static const char complex_example[] =
	"# Configuration for libtnat64 (complex example)\n"
	"#\n"
	"# Local networks: reached directly\n"
	"local = 192.0.2.0/24\n"
	"local = 203.0.113.0/255.255.255.128\n"
	"\n"
	"# Paths: networks reached through a specific NAT64 prefix\n"
	"path {\n"
	"\tsubnet = 198.51.100.0/255.255.255.128\n"
	"\tsubnet = 198.51.100.128:80/255.255.255.128\n"
	"    nat64_prefix = 2001:db8:122:344::/64\n"
	"    nat64_suffix = ::aa:bbcc\n"
	"}\n"
	"\n"
	"path {\n"
	"    subnet = 203.0.113.128:8000-8080/25   # a port range\n"
	"    nat64_prefix = 2001:db8:64::/96\n"
	"}\n"
	"\n"
	"# Default NAT64 prefix\n"
	"nat64_prefix = 64:ff9b::/96\n";

static void test_complex_example(void)
{
	struct config *c = parse(complex_example);

	print_errors(c);
	CHECK_INT("complex: no errors", c->nerrors, 0);
	CHECK_INT("complex: two locals", c->nlocals, 2);
	CHECK("complex: second local",
	      c->nlocals == 2 && c->locals[1].net == v4("203.0.113.0") &&
	      c->locals[1].mask == v4("255.255.255.128") &&
	      c->locals[1].line == 5);
	CHECK_INT("complex: three prefixes", c->nprefixes, 3);
	CHECK("complex: default wkp at 0",
	      c->has_default && nat64_prefix_is_wkp(&c->prefixes[0]) &&
	      c->prefix_line[0] == 21);
	CHECK("complex: path 1 prefix with suffix",
	      c->nprefixes == 3 && c->prefixes[1].len == 64 &&
	      c->prefix_line[1] == 11 &&
	      c->prefixes[1].suffix[13] == 0xaa &&
	      c->prefixes[1].suffix[14] == 0xbb &&
	      c->prefixes[1].suffix[15] == 0xcc);
	CHECK("complex: path lines",
	      c->nprefixes == 3 && c->path_line[0] == 0 &&
	      c->path_line[1] == 8 && c->path_line[2] == 15);
	CHECK("complex: path 2 prefix",
	      c->nprefixes == 3 &&
	      prefix_is(&c->prefixes[2], "2001:db8:64::/96") &&
	      c->prefix_line[2] == 17);
	CHECK_INT("complex: three subnets", c->nsubnets, 3);
	if (c->nsubnets == 3) {
		const struct conf_net *s = c->subnets;

		CHECK("complex: subnet 1", s[0].net == v4("198.51.100.0") &&
		      s[0].mask == v4("255.255.255.128") &&
		      s[0].port_lo == 0 && s[0].port_hi == 0 &&
		      s[0].line == 9 && s[0].prefix == 1);
		CHECK("complex: subnet 2 port 80",
		      s[1].net == v4("198.51.100.128") &&
		      s[1].port_lo == 80 && s[1].port_hi == 80 &&
		      s[1].line == 10 && s[1].prefix == 1);
		CHECK("complex: subnet 3 range",
		      s[2].net == v4("203.0.113.128") &&
		      s[2].mask == v4("255.255.255.128") &&
		      s[2].port_lo == 8000 && s[2].port_hi == 8080 &&
		      s[2].line == 16 && s[2].prefix == 2);
	}
	LOOK("complex: local 192.0.2.9", c, "192.0.2.9", 80, LOCAL);
	LOOK("complex: local 203.0.113.5", c, "203.0.113.5", 80, LOCAL);
	LOOK("complex: path 1 any port", c, "198.51.100.5", 12345, 1);
	LOOK("complex: path 1 port 80", c, "198.51.100.200", 80, 1);
	LOOK("complex: path 1 port 81 -> default wkp -> none", c,
	     "198.51.100.200", 81, NONE);
	LOOK("complex: path 2 port 8000", c, "203.0.113.200", 8000, 2);
	LOOK("complex: path 2 port 8080", c, "203.0.113.200", 8080, 2);
	LOOK("complex: path 2 port 8081 -> none", c, "203.0.113.200", 8081,
	     NONE);
	LOOK("complex: path 2 port 7999 -> none", c, "203.0.113.200", 7999,
	     NONE);
	LOOK("complex: port 0 only matches full-range subnets", c,
	     "198.51.100.200", 0, NONE);
	LOOK("complex: global -> default", c, "192.0.3.1", 443, 0);
}

/* ------------------------------------------------------------------ */

struct err_case {
	const char *name;
	const char *text;
	int line;          /* expected line of the one error */
	const char *words; /* a word the message must contain */
};

static const struct err_case err_cases[] = {
	{ "unknown directive", "nat64_prefix = 2001:db8:64::\nserver = 192.0.2.1\n",
	  2, "unknown directive" },
	{ "bad address", "\nlocal = 192.0.2.256/24\n", 2, "bad IPv4 address" },
	{ "bad address short form", "local = 192.0.2/24\n", 1,
	  "bad IPv4 address" },
	{ "bad mask length", "local = 192.0.2.0/33\n", 1, "bad mask" },
	{ "bad mask junk", "local = 192.0.2.0/24x\n", 1, "bad mask" },
	{ "bad mask negative", "local = 192.0.2.0/-1\n", 1, "bad mask" },
	{ "bad dotted mask", "local = 192.0.2.0/255.255.0.256\n", 1,
	  "bad mask" },
	{ "missing mask", "local = 192.0.2.0\n", 1, "missing /MASK" },
	{ "empty mask", "local = 192.0.2.0/\n", 1, "bad mask" },
	{ "non-contiguous mask", "#\n#\nlocal = 192.0.2.0/255.0.255.0\n", 3,
	  "not contiguous" },
	{ "port out of range",
	  "path {\nsubnet = 192.0.2.0:70000/24\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n}\n",
	  2, "out of range" },
	{ "port zero",
	  "path {\nsubnet = 192.0.2.0:0/24\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n}\n",
	  2, "out of range" },
	{ "port junk",
	  "path {\nsubnet = 192.0.2.0:8x/24\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n}\n",
	  2, "out of range" },
	{ "end port out of range",
	  "path {\nsubnet = 192.0.2.0:80-65536/24\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n}\n",
	  2, "out of range" },
	{ "port lo > hi",
	  "path {\nsubnet = 192.0.2.0/24\nsubnet = 192.0.2.0:90-80/24\nnat64_prefix = 2001:db8:64::\n}\n",
	  3, "reversed" },
	{ "port in local", "local = 192.0.2.0:80/24\n", 1, "port" },
	{ "host bits set", "local = 192.0.2.1/24\n", 1, "host bits" },
	{ "duplicate prefix in path",
	  "path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\nnat64_prefix = 2001:db8:65::\n}\n",
	  4, "duplicate nat64_prefix" },
	{ "duplicate default prefix",
	  "nat64_prefix = 2001:db8:64::\nnat64_prefix = 2001:db8:65::\n", 2,
	  "duplicate default" },
	{ "path without prefix",
	  "nat64_prefix = 2001:db8:64::\npath {\nsubnet = 192.0.2.0/24\n}\n",
	  2, "no valid nat64_prefix" },
	{ "path without subnets",
	  "path {\nnat64_prefix = 2001:db8:64::\n}\n", 1, "no valid subnet" },
	{ "empty path", "\n\npath {\n}\n", 3, "no valid nat64_prefix" },
	{ "unterminated path",
	  "path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n",
	  1, "not closed" },
	{ "unterminated empty path", "#\npath {\n", 2, "not closed" },
	{ "close without path", "local = 192.0.2.0/24\n}\n", 2, "without" },
	{ "subnet outside path", "subnet = 192.0.2.0/24\n", 1,
	  "outside a path" },
	{ "local inside path",
	  "path {\nlocal = 198.51.100.0/24\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n}\n",
	  2, "not allowed inside a path" },
	{ "missing equals", "local 192.0.2.0/24\n", 1, "expected '='" },
	{ "missing value", "local =\n", 1, "missing value" },
	{ "missing value with spaces", "local =   # nothing\n", 1,
	  "missing value" },
	{ "junk after value", "local = 192.0.2.0/24 junk\n", 1,
	  "unexpected text" },
	{ "bad path line", "path\n", 1, "expected 'path {'" },
	{ "bad path line 2", "path { x\n", 1, "expected 'path {'" },
	{ "junk after brace",
	  "path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n} x\n",
	  4, "after '}'" },
	{ "equals only", "= 1\n", 1, "syntax error" },
	{ "bad prefix length", "nat64_prefix = 2001:db8:64::/80\n", 1,
	  "bad nat64_prefix" },
	{ "bad prefix bits", "nat64_prefix = 2001:db8:64::1/96\n", 1,
	  "bad nat64_prefix" },
	{ "bad prefix u-octet", "nat64_prefix = 2001:db8:0:0:ff00::/96\n",
	  1, "bad nat64_prefix" },
	{ "bad suffix", "nat64_prefix = 2001:db8::/32\nnat64_suffix = ::g\n",
	  2, "bad nat64_suffix" },
	{ "suffix overlaps",
	  "nat64_suffix = ::1\nnat64_prefix = 2001:db8:64::/96\n", 1,
	  "no room" },
	{ "suffix overlaps in path",
	  "path {\nnat64_prefix = 2001:db8:122:344::/64\nnat64_suffix = ::1:0:0\nsubnet = 192.0.2.0/24\n}\n",
	  3, "overlaps" },
	{ "suffix without default", "nat64_suffix = ::1\n", 1,
	  "no default" },
	{ "duplicate suffix",
	  "nat64_prefix = 2001:db8::/32\nnat64_suffix = ::1\nnat64_suffix = ::2\n",
	  3, "duplicate nat64_suffix" },
	{ "case sensitive directive", "Local = 192.0.2.0/24\n", 1,
	  "unknown directive" },
	{ "nested path",
	  "path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\npath {\nsubnet = 198.51.100.0/24\nnat64_prefix = 2001:db8:65::\n}\n",
	  4, "inside the path block" },
};

static void test_error_cases(void)
{
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const struct err_case *e = &err_cases[i];
		struct config *c = parse(e->text);
		bool ok = c->nerrors == 1 && c->nerrors_stored == 1 &&
			  c->errors[0].line == e->line &&
			  strstr(c->errors[0].msg, e->words) != NULL;

		if (!ok)
			print_errors(c);
		CHECK_MSG(tname("error: %s", e->name), ok,
			  "%zu errors, first line %d \"%s\"; want 1 error on line %d containing \"%s\"",
			  c->nerrors, c->nerrors_stored ? c->errors[0].line : 0,
			  c->nerrors_stored ? c->errors[0].msg : "",
			  e->line, e->words);
	}
}

static void test_error_effects(void)
{
	struct config *c;

	/* valid lines around bad ones still apply */
	c = parse("local = 192.0.2.0/24\n"
		  "bogus line\n"
		  "local = 198.51.100.0/33\n"
		  "local = 203.0.113.0/25\n"
		  "nat64_prefix = 2001:db8:64::/96\n");
	CHECK_INT("effects: two errors", c->nerrors, 2);
	CHECK("effects: errors in line order",
	      c->nerrors_stored == 2 && c->errors[0].line == 2 &&
	      c->errors[1].line == 3);
	CHECK_INT("effects: two locals kept", c->nlocals, 2);
	CHECK("effects: default kept", c->has_default && c->nprefixes == 1);
	LOOK("effects: 203.0.113.1 local", c, "203.0.113.1", 1, LOCAL);
	LOOK("effects: 198.51.100.1 via default", c, "198.51.100.1", 1, 0);

	/* host bits are masked off, the rule applies */
	c = parse("local = 192.0.2.77/255.255.255.0\n");
	CHECK("effects: host bits masked",
	      c->nlocals == 1 && c->locals[0].net == v4("192.0.2.0") &&
	      strstr(c->errors[0].msg, "192.0.2.0/24") != NULL);

	/* a path without prefix is dropped with its subnets */
	c = parse("path {\nsubnet = 192.0.2.0/24\n}\n"
		  "path {\nsubnet = 198.51.100.0/24\nnat64_prefix = 2001:db8:65::\n}\n"
		  "nat64_prefix = 2001:db8:64::\n");
	CHECK("effects: dropped path",
	      c->nerrors == 1 && c->nsubnets == 1 && c->nprefixes == 2 &&
	      c->subnets[0].net == v4("198.51.100.0") &&
	      c->subnets[0].prefix == 1);
	LOOK("effects: dropped path's subnet uses default", c, "192.0.2.1",
	     80, 0);

	/* a path with a bad prefix line: two messages, one per line */
	c = parse("path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::/80\n}\n");
	CHECK("effects: bad prefix drops path",
	      c->nerrors == 2 && c->errors[0].line == 1 &&
	      c->errors[1].line == 3 && c->nsubnets == 0 && c->nprefixes == 1);

	/* the unterminated path still applies when complete */
	c = parse("path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n");
	CHECK("effects: unterminated complete path applies",
	      c->nsubnets == 1 && c->nprefixes == 2 && c->default_auto);
	LOOK("effects: unterminated path lookup", c, "192.0.2.1", 1, 1);

	/* nested path: the first one is closed and kept */
	c = parse("path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n"
		  "path {\nsubnet = 198.51.100.0/24\nnat64_prefix = 2001:db8:65::\n}\n");
	CHECK("effects: nested path keeps both",
	      c->nsubnets == 2 && c->nprefixes == 3);

	/* bad subnet lines inside an otherwise valid path */
	c = parse("path {\nsubnet = 192.0.2.0/40\nsubnet = 198.51.100.0/24\n"
		  "nat64_prefix = 2001:db8:64::\n}\n");
	CHECK("effects: bad subnet skipped",
	      c->nerrors == 1 && c->nsubnets == 1);

	/* long lines */
	char *text = malloc(3 * CONF_MAX_LINE);
	size_t n = 0;

	n += (size_t)sprintf(text + n, "local = 192.0.2.0/24\n");
	memset(text + n, ' ', CONF_MAX_LINE + 1);
	n += CONF_MAX_LINE + 1;
	n += (size_t)sprintf(text + n, "\nlocal = 198.51.100.0/24\n");
	memset(text + n, '#', CONF_MAX_LINE);
	n += CONF_MAX_LINE;
	text[n++] = '\n';
	c = parse_len(text, n);
	CHECK("effects: long line skipped",
	      c->nerrors == 1 && c->errors[0].line == 2 &&
	      strstr(c->errors[0].msg, "longer") && c->nlocals == 2);
	free(text);

	/* NUL byte */
	static const char nul[] = "local = 192.0.2.0/24\0junk\nlocal = 198.51.100.0/24\n";

	c = parse_len(nul, sizeof(nul) - 1);
	CHECK("effects: NUL byte line skipped",
	      c->nerrors == 1 && c->errors[0].line == 1 && c->nlocals == 1);

	/* control characters never reach the messages */
	c = parse("loc\033al = 192.0.2.0/24\n");
	CHECK("effects: control characters replaced in messages",
	      c->nerrors == 1 && strchr(c->errors[0].msg, '\033') == NULL &&
	      strstr(c->errors[0].msg, "loc?al") != NULL);

	/* error storage overflow */
	char many[200 * 8];

	n = 0;
	for (int i = 0; i < 200; i++)
		n += (size_t)sprintf(many + n, "bad %d\n", i % 10);
	c = parse_len(many, n);
	CHECK("effects: errors counted past the stored maximum",
	      c->nerrors == 200 && c->nerrors_stored == CONF_MAX_ERRORS &&
	      c->errors[CONF_MAX_ERRORS - 1].line == CONF_MAX_ERRORS);
}

static void test_lenient_syntax(void)
{
	struct config *c = parse(
		"   # indented comment\r\n"
		"local=192.0.2.0/24\r\n"
		"local   =   198.51.100.0/25 # trailing comment\n"
		"\t\n"
		"path{\n"
		"subnet=203.0.113.0/24\n"
		"nat64_prefix=2001:db8:64::/96#comment\n"
		"   }   \n"
		"path   {   # comment\n"
		"\tsubnet\t=\t198.51.100.128:1-65535/25\n"
		"\tnat64_prefix = 2001:db8:65::\n"
		"}# done\n"
		"nat64_prefix\t= 2001:db8:46::/96");

	print_errors(c);
	CHECK_INT("lenient: no errors", c->nerrors, 0);
	CHECK("lenient: structure", c->nlocals == 2 && c->nsubnets == 2 &&
	      c->nprefixes == 3 && c->has_default &&
	      prefix_is(&c->prefixes[0], "2001:db8:46::/96"));
	CHECK("lenient: subnet ports",
	      c->nsubnets == 2 && c->subnets[1].port_lo == 1 &&
	      c->subnets[1].port_hi == 65535);

	c = parse("");
	CHECK("empty text: auto default", c->nerrors == 0 &&
	      c->nprefixes == 1 && c->has_default && c->default_auto &&
	      nat64_prefix_is_wkp(&c->prefixes[0]) && c->prefix_line[0] == 0 &&
	      c->nlocals == 0 && c->nsubnets == 0);
	LOOK("empty text -> auto", c, "203.0.114.1", 80, AUTO);
	LOOK("empty text, non-global -> auto", c, "192.0.2.1", 80, AUTO);
	LOOK("empty text loopback -> local", c, "127.0.0.1", 80, LOCAL);

	c = parse("nat64_prefix = 2001:db8:64::");
	CHECK("no newline at end", c->nerrors == 0 && c->has_default &&
	      !c->default_auto);

	c = parse("# only comments\n\n   \n# x\n");
	CHECK("only comments", c->nerrors == 0 && c->nprefixes == 1 &&
	      c->default_auto);

	/* 0.06 allowed CIDR lengths too */
	c = parse("local = 0.0.0.0/0\n");
	CHECK("mask /0", c->nerrors == 0 && c->nlocals == 1 &&
	      c->locals[0].mask == 0 && c->locals[0].net == 0);
	c = parse("local = 192.0.2.1/32\nlocal = 192.0.2.0/255.255.255.255\n");
	CHECK("mask /32", c->nerrors == 0 && c->nlocals == 2 &&
	      c->locals[0].mask == 0xffffffffu);
}

static void test_no_default(void)
{
	struct config *c = parse(
		"path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n}\n"
		"path {\nsubnet = 198.51.100.0/24\nnat64_prefix = 2001:db8:65::/64\n}\n");

	/* no default nat64_prefix line: the default is found at run time */
	CHECK("no default: structure",
	      c->nerrors == 0 && c->has_default && c->default_auto &&
	      !c->default_env && c->nprefixes == 3 &&
	      nat64_prefix_is_wkp(&c->prefixes[0]) &&
	      prefix_is(&c->prefixes[1], "2001:db8:64::/96") &&
	      prefix_is(&c->prefixes[2], "2001:db8:65::/64") &&
	      c->prefix_line[0] == 0 &&
	      c->prefix_line[1] == 3 && c->prefix_line[2] == 7 &&
	      c->path_line[1] == 1 && c->path_line[2] == 5 &&
	      c->subnets[0].prefix == 1 && c->subnets[1].prefix == 2);
	LOOK("no default: path 1", c, "192.0.2.1", 80, 1);
	LOOK("no default: path 2", c, "198.51.100.1", 80, 2);
	LOOK("no default: else auto", c, "203.0.113.1", 80, AUTO);
}

static void test_auto(void)
{
	struct nat64_prefix p;
	struct config *c = parse(
		"local = 203.0.113.0/24\n"
		"nat64_prefix = auto\n"
		"path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n}\n");

	CHECK("auto: structure",
	      c->nerrors == 0 && c->has_default && c->default_auto &&
	      c->nprefixes == 2 && c->prefix_line[0] == 2 &&
	      nat64_prefix_is_wkp(&c->prefixes[0]) &&
	      c->subnets[0].prefix == 1);
	LOOK("auto: path keeps its prefix", c, "192.0.2.1", 80, 1);
	LOOK("auto: global -> auto", c, "8.8.8.8", 53, AUTO);
	/* the prefix found decides about the well-known prefix rule */
	LOOK("auto: non-global -> auto", c, "198.51.100.1", 80, AUTO);
	LOOK("auto: local still local", c, "203.0.113.5", 80, LOCAL);

	c = parse("nat64_prefix = auto\nnat64_prefix = 2001:db8:64::\n");
	CHECK("auto: duplicate default reported, auto kept",
	      c->nerrors == 1 && c->errors[0].line == 2 && c->default_auto);
	c = parse("nat64_prefix = 2001:db8:64::\nnat64_prefix = auto\n");
	CHECK("auto: explicit first, auto is the duplicate",
	      c->nerrors == 1 && c->errors[0].line == 2 && !c->default_auto &&
	      prefix_is(&c->prefixes[0], "2001:db8:64::/96"));
	c = parse("path {\nsubnet = 192.0.2.0/24\nnat64_prefix = auto\n}\n");
	CHECK("auto: not in a path block",
	      c->nerrors == 2 && c->errors[1].line == 3 &&
	      strstr(c->errors[1].msg, "only for the default prefix") &&
	      c->nsubnets == 0 && c->nprefixes == 1 && c->default_auto);
	c = parse("nat64_prefix = auto\nnat64_suffix = ::1\n");
	CHECK("auto: no suffix with it",
	      c->nerrors == 1 && c->errors[0].line == 2 && c->default_auto &&
	      strstr(c->errors[0].msg, "does not go with nat64_prefix = auto"));
	c = parse("nat64_prefix = Auto\n");
	CHECK("auto: the word is lower case",
	      c->nerrors == 1 && strstr(c->errors[0].msg, "bad nat64_prefix") &&
	      c->default_auto && c->prefix_line[0] == 0);

	/* TNAT64_NAT64_PREFIX over auto */
	c = parse("nat64_prefix = auto\n");
	nat64_prefix_parse("2001:db8:46::/96", &p);
	config_set_default(c, &p);
	CHECK("auto: set_default makes it explicit",
	      !c->default_auto && c->default_env &&
	      nat64_prefix_equal(&c->prefixes[0], &p));
	LOOK("auto: set_default used", c, "198.51.100.1", 80, 0);
}

static void test_set_default(void)
{
	struct nat64_prefix p;
	struct config *c;

	nat64_prefix_parse("2001:db8:46::/96", &p);
	c = parse("path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n}\n"
		  "nat64_prefix = 2001:db8:65::\n");
	config_set_default(c, &p);
	CHECK("set_default: replaces",
	      c->has_default && c->nprefixes == 2 &&
	      nat64_prefix_equal(&c->prefixes[0], &p) &&
	      prefix_is(&c->prefixes[1], "2001:db8:64::/96") &&
	      config_subnet_prefix(c, 0) == 1 && c->path_line[1] == 1);
	LOOK("set_default: replaced default used", c, "198.51.100.1", 80, 0);
	LOOK("set_default: path unchanged", c, "192.0.2.1", 80, 1);

	c = parse("local = 203.0.113.0/24\n"
		  "path {\nsubnet = 192.0.2.0/24\nnat64_prefix = 2001:db8:64::\n}\n"
		  "path {\nsubnet = 198.51.100.0:80/24\nnat64_prefix = 2001:db8:65::\n}\n");
	LOOK("set_default: before, no default (auto)", c, "198.51.100.1", 81,
	     AUTO);
	config_set_default(c, &p);
	CHECK("set_default: adds",
	      c->has_default && c->nprefixes == 3 &&
	      nat64_prefix_equal(&c->prefixes[0], &p) &&
	      prefix_is(&c->prefixes[1], "2001:db8:64::/96") &&
	      prefix_is(&c->prefixes[2], "2001:db8:65::/96") &&
	      c->prefix_line[0] == 0 && c->prefix_line[1] == 4 &&
	      c->prefix_line[2] == 8 && c->path_line[2] == 6 &&
	      config_subnet_prefix(c, 0) == 1 && config_subnet_prefix(c, 1) == 2);
	LOOK("set_default: added default used", c, "198.51.100.1", 81, 0);
	LOOK("set_default: path 1", c, "192.0.2.1", 81, 1);
	LOOK("set_default: path 2", c, "198.51.100.1", 80, 2);
	LOOK("set_default: local", c, "203.0.113.1", 80, LOCAL);
	config_set_default(c, &nat64_wkp);
	CHECK("set_default: twice", c->nprefixes == 3 &&
	      nat64_prefix_is_wkp(&c->prefixes[0]));
	LOOK("set_default: wkp non-global none", c, "198.51.100.1", 81, NONE);
}

static void test_builtin(void)
{
	size_t size = config_builtin_arena_size();
	void *arena = malloc(size);
	struct config *c = config_builtin(arena, size);

	CHECK("builtin: parses", c != NULL);
	if (c) {
		CHECK("builtin: auto default only (wkp fallback)",
		      c->nerrors == 0 && c->has_default && c->default_auto &&
		      c->nprefixes == 1 &&
		      nat64_prefix_equal(&c->prefixes[0], &nat64_wkp) &&
		      c->nlocals == 0 && c->nsubnets == 0 &&
		      c->prefix_line[0] == 0 && c->path_line[0] == 0);
		LOOK("builtin: doc address -> auto", c, "192.0.2.1", 80, AUTO);
		LOOK("builtin: global -> auto", c, "203.0.114.1", 80, AUTO);
	}
	CHECK("builtin: arena too small", config_builtin(arena, size - 1) == NULL);
	CHECK("builtin: config_arena_size(0) is enough",
	      config_arena_size(0) == size &&
	      config_builtin(arena, config_arena_size(0)) != NULL);
	free(arena);
	CHECK("parse: NULL arena", config_parse("", 0, "x", NULL, 1 << 20) == NULL);
}

static void test_lookup_semantics(void)
{
	struct config *c;

	/* port ranges: several candidates for one interval */
	c = parse("path {\nsubnet = 198.51.100.0:80-90/24\nnat64_prefix = 2001:db8:1::\n}\n"
		  "path {\nsubnet = 198.51.100.0:85-100/24\nnat64_prefix = 2001:db8:2::\n}\n"
		  "path {\nsubnet = 198.51.100.0/24\nnat64_prefix = 2001:db8:3::\n}\n"
		  "path {\nsubnet = 198.51.100.0:1-65535/24\nnat64_prefix = 2001:db8:4::\n}\n");
	CHECK_INT("ports: parsed", c->nerrors, 0);
	LOOK("ports: 80 -> first", c, "198.51.100.1", 80, 1);
	LOOK("ports: 85 -> first (file order)", c, "198.51.100.1", 85, 1);
	LOOK("ports: 91 -> second", c, "198.51.100.1", 91, 2);
	LOOK("ports: 100 -> second", c, "198.51.100.1", 100, 2);
	LOOK("ports: 101 -> third", c, "198.51.100.1", 101, 3);
	LOOK("ports: 79 -> third", c, "198.51.100.1", 79, 3);
	LOOK("ports: 0 -> third", c, "198.51.100.1", 0, 3);
	LOOK("ports: other net -> auto", c, "198.51.101.1", 80, AUTO);

	/* file order beats specificity */
	c = parse("path {\nsubnet = 198.51.100.0/24\nnat64_prefix = 2001:db8:1::\n}\n"
		  "path {\nsubnet = 198.51.100.128/25\nnat64_prefix = 2001:db8:2::\n}\n");
	LOOK("order: broad first wins", c, "198.51.100.200", 1, 1);
	c = parse("path {\nsubnet = 198.51.100.128/25\nnat64_prefix = 2001:db8:2::\n}\n"
		  "path {\nsubnet = 198.51.100.0/24\nnat64_prefix = 2001:db8:1::\n}\n");
	LOOK("order: narrow first wins", c, "198.51.100.200", 1, 1);
	LOOK("order: outside narrow -> broad", c, "198.51.100.100", 1, 2);

	/* an enclosing block's port-specific rule vs an inner full rule */
	c = parse("path {\nsubnet = 198.51.100.0:443/24\nnat64_prefix = 2001:db8:1::\n}\n"
		  "path {\nsubnet = 198.51.100.64/26\nnat64_prefix = 2001:db8:2::\n}\n"
		  "path {\nsubnet = 0.0.0.0:22/0\nnat64_prefix = 2001:db8:3::\n}\n");
	LOOK("nest: outer port rule first", c, "198.51.100.70", 443, 1);
	LOOK("nest: inner full rule", c, "198.51.100.70", 80, 2);
	LOOK("nest: inner beats /0 port 22", c, "198.51.100.70", 22, 2);
	LOOK("nest: /0 port 22 elsewhere", c, "198.51.100.7", 22, 3);
	LOOK("nest: /0 port 22 far away", c, "203.0.113.9", 22, 3);
	LOOK("nest: no match -> auto", c, "203.0.113.9", 23, AUTO);

	/* local precedence and always-local addresses */
	c = parse("local = 198.51.100.0/25\n"
		  "path {\nsubnet = 198.51.100.0/24\nsubnet = 0.0.0.0/0\n"
		  "nat64_prefix = 2001:db8:1::\n}\n"
		  "nat64_prefix = 2001:db8:64::\n");
	LOOK("local: beats path", c, "198.51.100.1", 80, LOCAL);
	LOOK("local: rest of path", c, "198.51.100.129", 80, 1);
	LOOK("local: 127/8", c, "127.1.2.3", 80, LOCAL);
	LOOK("local: 0/8", c, "0.0.0.1", 80, LOCAL);
	LOOK("local: 169.254/16", c, "169.254.7.7", 80, LOCAL);
	LOOK("local: multicast", c, "224.0.0.251", 5353, LOCAL);
	LOOK("local: broadcast", c, "255.255.255.255", 67, LOCAL);
	LOOK("local: 240/4 not local", c, "240.0.0.1", 80, 1);

	/* well-known prefix and non-global addresses */
	c = parse("path {\nsubnet = 198.51.100.0/24\nnat64_prefix = 64:ff9b::/96\n}\n"
		  "nat64_prefix = 2001:db8:64::/96\n");
	LOOK("wkp: path with wkp, doc address -> none", c, "198.51.100.1",
	     80, NONE);
	LOOK("nsp: default network-specific, doc address -> nat64", c,
	     "192.0.2.1", 80, 0);
	c = parse("nat64_prefix = 64:ff9b::/64\n");
	LOOK("wkp: 64:ff9b::/64 is not the wkp", c, "192.0.2.1", 80, 0);

	/* lookup with a NULL prefix pointer */
	CHECK("lookup: NULL prefix pointer",
	      config_lookup(c, v4("192.0.2.1"), 80, NULL) == LOOKUP_NAT64);

	/* merged local intervals */
	c = parse("local = 192.0.2.0/25\nlocal = 192.0.2.128/25\n"
		  "local = 192.0.2.64/26\nlocal = 198.51.100.0/24\n"
		  "nat64_prefix = 2001:db8:64::\n");
	LOOK("locals merged 1", c, "192.0.2.0", 1, LOCAL);
	LOOK("locals merged 2", c, "192.0.2.255", 1, LOCAL);
	LOOK("locals merged 3", c, "192.0.3.0", 1, 0);
	LOOK("locals merged 4", c, "198.51.100.255", 1, LOCAL);
	LOOK("locals merged 5", c, "198.51.99.255", 1, 0);

	/* edges of the address space */
	c = parse("path {\nsubnet = 0.0.0.0/1\nsubnet = 128.0.0.0/1\n"
		  "nat64_prefix = 2001:db8:1::\n}\n");
	LOOK("edges: low", c, "1.0.0.0", 1, 1);
	LOOK("edges: high", c, "254.255.255.255", 1, 1);
	CHECK_INT("edges: intervals", c->nlookup, 2);
}

/* ------------------------------------------------------------------ */
/* Large configurations against a brute-force reference                 */

static enum lookup_result reference(const struct config *c, uint32_t a,
				    uint16_t port, int *pi)
{
	int p = -1;

	*pi = -1;
	if (ipv4_always_local(a) || ipv4_is_multicast_or_broadcast(a))
		return LOOKUP_LOCAL;
	for (size_t i = 0; i < c->nlocals; i++)
		if ((a & c->locals[i].mask) == c->locals[i].net)
			return LOOKUP_LOCAL;
	for (size_t i = 0; i < c->nsubnets && p < 0; i++) {
		const struct conf_net *s = &c->subnets[i];

		if ((a & s->mask) != s->net)
			continue;
		if ((s->port_lo || s->port_hi) &&
		    (port < s->port_lo || port > s->port_hi))
			continue;
		p = s->prefix;
	}
	if (p < 0)
		p = 0;
	if (p == 0 && c->default_auto) {
		*pi = 0;
		return LOOKUP_AUTO;
	}
	if (nat64_prefix_is_wkp(&c->prefixes[p]) && !ipv4_is_global(a))
		return LOOKUP_NONE;
	*pi = p;
	return LOOKUP_NAT64;
}

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 32);
}

static const char *const doc_nets[] = {
	"192.0.2.", "198.51.100.", "203.0.113.",
};

static uint32_t random_doc_addr(void)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%s%u", doc_nets[rnd() % 3], rnd() % 256);
	return v4(buf);
}

/* nsub subnets spread over paths of per_path subnets each; every net
 * lies inside the documentation ranges (or is 0.0.0.0/0). */
static bool sparse; /* mostly small, port-restricted subnets */

static char *gen_config(unsigned nsub, unsigned per_path, bool with_default,
			bool with_locals, size_t *len)
{
	size_t cap = (size_t)nsub * 64 + 4096;
	char *t = malloc(cap);
	size_t n = 0;
	unsigned path = 0;

	if (with_locals) {
		for (int i = 0; i < 4; i++) {
			unsigned plen = 27 + rnd() % 6;
			char a[16];
			uint32_t h = ntohl(random_doc_addr());

			h &= ~0u << (32 - plen);
			h = htonl(h);
			inet_ntop(AF_INET, &h, a, sizeof(a));
			n += (size_t)snprintf(t + n, cap - n,
					      "local = %s/%u\n", a, plen);
		}
	}
	for (unsigned i = 0; i < nsub; i++) {
		if (i % per_path == 0) {
			n += (size_t)snprintf(t + n, cap - n, "path {\n");
			path++;
		}
		unsigned r = rnd();
		unsigned plen = sparse ? 29 + r % 4 : 24 + r % 9;
		char a[16];
		uint32_t h = ntohl(random_doc_addr());

		if (!sparse && r % 997 == 0)
			plen = 0;
		h &= plen ? ~0u << (32 - plen) : 0;
		h = htonl(h);
		inet_ntop(AF_INET, &h, a, sizeof(a));
		switch (sparse ? 2 + ((r >> 8) % 10 != 0) : (r >> 8) % 4) {
		case 0:
		case 1:
			n += (size_t)snprintf(t + n, cap - n,
					      "  subnet = %s/%u\n", a, plen);
			break;
		case 2:
			n += (size_t)snprintf(t + n, cap - n,
					      "  subnet = %s:%u/%u\n", a,
					      1 + rnd() % 100, plen);
			break;
		default: {
			unsigned lo = 1 + rnd() % 100, hi = lo + rnd() % 30;

			n += (size_t)snprintf(t + n, cap - n,
					      "  subnet = %s:%u-%u/%u\n", a, lo,
					      hi, plen);
		}
		}
		if (i % per_path == per_path - 1 || i == nsub - 1) {
			if (path % 17 == 5)
				n += (size_t)snprintf(t + n, cap - n,
						      "  nat64_prefix = 64:ff9b::/96\n}\n");
			else
				n += (size_t)snprintf(t + n, cap - n,
						      "  nat64_prefix = 2001:db8:%x::/%u\n}\n",
						      path,
						      path % 3 ? 96 : 64);
		}
	}
	if (with_default)
		n += (size_t)snprintf(t + n, cap - n,
				      "nat64_prefix = 2001:db8:ffff::/96\n");
	*len = n;
	return t;
}

/* The compiled image of c, in read-only memory of exactly its size (a
 * write to it faults), opened into *v; NULL if it does not open. */
static const struct conf_stamp test_stamp = { 1, 2, 3, 4, 5, 6, 7 };

static struct config *image_of(const struct config *c,
			       struct confimg_view *v, void **img,
			       size_t *len)
{
	struct confimg_hdr hdr;
	struct iovec iov[CONFIMG_IOV_MAX];
	size_t total, off = 0;
	int n = confimg_build(c, &test_stamp, &hdr, iov, &total);
	char *m;

	if (n < 0)
		return NULL;
	m = mmap(NULL, total, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		abort();
	for (int i = 0; i < n; i++) {
		memcpy(m + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	mprotect(m, total, PROT_READ);
	*img = m;
	*len = total;
	return confimg_open(m, total, &test_stamp, "test.conf", v);
}

static void run_large(const char *name_in, unsigned nsub, unsigned per_path,
		      bool with_default, bool with_locals, unsigned nq)
{
	char name[128]; /* name_in may be one of tname's rotating buffers */

	snprintf(name, sizeof(name), "%s", name_in);
	size_t len;
	char *text = gen_config(nsub, per_path, with_default, with_locals,
				 &len);
	struct config *c = parse_len(text, len);
	unsigned bad = 0, counts[3] = { 0, 0, 0 };
	char first[160] = "";

	static struct confimg_view view;
	void *img;
	size_t ilen;
	struct config *ic = image_of(c, &view, &img, &ilen);
	unsigned ibad = 0;

	print_errors(c);
	CHECK_MSG(tname("%s: parses", name),
		  c->nerrors == 0 && c->nsubnets == nsub,
		  "%zu errors, %zu subnets", c->nerrors, c->nsubnets);
	CHECK_MSG(tname("%s: compiled image opens", name), ic != NULL,
		  "%zu bytes", ilen);
	for (unsigned q = 0; q < nq; q++) {
		uint32_t a = random_doc_addr();
		uint16_t port = (uint16_t)(rnd() % 8 == 0 ? rnd() : rnd() % 135);

		if (sparse)
			port = (uint16_t)(rnd() % 40);
		int p1, p2;

		if (q % 50 == 0)
			a = htonl(rnd()); /* anywhere, numbers only */
		enum lookup_result r1 = config_lookup(c, a, port, &p1);
		enum lookup_result r2 = reference(c, a, port, &p2);

		counts[r2 == LOOKUP_NAT64 ? 2 : r2 == LOOKUP_NONE]++;
		if (ic) {
			int p3;

			ibad += config_lookup(ic, a, port, &p3) != r2 ||
				p3 != p2;
		}
		if (r1 != r2 || p1 != p2) {
			if (!bad++) {
				char as[16];

				fmt_ipv4(as, a);
				snprintf(first, sizeof(first),
					 "%s port %u: got %d/%d want %d/%d", as,
					 port, r1, p1, r2, p2);
			}
		}
	}
	printf("# %s: %zu intervals; local %u, none %u, nat64 %u\n", name,
	       c->nlookup, counts[0], counts[1], counts[2]);
	CHECK_MSG(tname("%s: %u lookups match the linear reference", name, nq),
		  bad == 0, "%u mismatches, first: %s", bad, first);
	CHECK_MSG(tname("%s: compiled image: %u lookups match the linear "
			"reference", name, nq), ic && ibad == 0,
		  "%u mismatches", ibad);
	munmap(img, ilen);
	free(text);
}

/* The compiled image: refused when it is not for this file or damaged
 * in its header; any byte of it damaged never makes a lookup read
 * outside it (the sanitizer build checks: the copies are exact-size
 * mallocs); config_set_default on it writes nothing into it. */
static void test_image(void)
{
	static struct confimg_view view, view2;
	struct conf_stamp other = test_stamp;
	struct config *c, *ic;
	struct confimg_hdr hdr2;
	struct iovec iov2[CONFIMG_IOV_MAX];
	size_t total2;
	void *img;
	size_t len;
	unsigned seed = 7;
	struct nat64_prefix p;

	c = parse("local = 203.0.113.0/25\n"
		  "nat64_prefix = 2001:db8:64::/96\n"
		  "path {\n subnet = 198.51.100.0:80-90/24\n"
		  " subnet = 198.51.100.128/25\n"
		  " nat64_prefix = 2001:db8:65::/64\n}\n"
		  "path {\n subnet = 192.0.2.0/24\n"
		  " nat64_prefix = 2001:db8:66::/96\n}\n"
		  "bogus line\n");
	ic = image_of(c, &view, &img, &len);
	CHECK("image: opens, same shape", ic && ic->nprefixes == 3 &&
	      ic->nsubnets == 3 && ic->nlocals == 1 && ic->nerrors == 1 &&
	      !strcmp(ic->errors[0].msg, c->errors[0].msg));
	other.ctime_nsec++;
	CHECK("image: other stamp refused",
	      confimg_open(img, len, &other, "x", &view2) == NULL);
	CHECK("image: shorter refused",
	      confimg_open(img, len - 16, &test_stamp, "x", &view2) == NULL);
	CHECK("image: misaligned refused",
	      confimg_open((char *)img + 1, len - 1, NULL, "x", &view2) ==
		      NULL);

	nat64_prefix_parse("2001:db8:46::/96", &p);
	config_set_default(ic, &p);
	LOOK("image: set_default: default replaced", ic, "198.51.101.1", 80, 0);
	CHECK("image: set_default: prefix", nat64_prefix_equal(
		      &ic->prefixes[0], &p));
	LOOK("image: set_default: path", ic, "198.51.100.1", 85, 1);
	LOOK("image: set_default: local", ic, "203.0.113.1", 85, LOCAL);
	munmap(img, len);

	/* no default prefix in the file: the default is discovered (auto),
	 * kept as such in the image; one set afterwards replaces it */
	c = parse("path {\n subnet = 198.51.100.0/24\n"
		  " nat64_prefix = 2001:db8:65::/96\n}\n");
	ic = image_of(c, &view, &img, &len);
	CHECK("image: no default: auto kept", ic && ic->default_auto &&
	      ic->has_default && !ic->default_env);
	LOOK("image: no default: auto", ic, "192.0.2.1", 80, AUTO);
	LOOK("image: no default: path", ic, "198.51.100.1", 80, 1);
	config_set_default(ic, &p);
	LOOK("image: no default: set", ic, "192.0.2.1", 80, 0);
	LOOK("image: no default: path kept", ic, "198.51.100.1", 80, 1);
	CHECK("image: no default: subnet's prefix",
	      config_subnet_prefix(ic, 0) == 1 && ic->nprefixes == 2);
	CHECK("image: not made after set_default",
	      confimg_build(ic, &test_stamp, &hdr2, iov2, &total2) == -EINVAL);

	/* every byte damaged in turn, in an exact-size copy */
	{
		char *copy = malloc(len);
		unsigned opened = 0;

		for (size_t i = 0; i < len; i++) {
			memcpy(copy, img, len);
			seed = seed * 1103515245u + 12345u;
			copy[i] ^= (char)(1u << (seed >> 16) % 8);
			ic = confimg_open(copy, len, NULL, "x", &view2);
			if (!ic)
				continue;
			opened++;
			for (unsigned q = 0; q < 64; q++) {
				int pi;
				uint32_t a = htonl(0xc6336400u + q * 7);
				enum lookup_result r =
					config_lookup(ic, a, (uint16_t)(q * 3),
						      &pi);

				if (r == LOOKUP_NAT64 &&
				    (pi < 0 || (size_t)pi >= ic->nprefixes))
					abort();
			}
		}
		free(copy);
		CHECK_MSG("image: each byte damaged: lookups stay inside",
			  true, "%u of %zu opened", opened, len);
	}
	munmap(img, len);
	free_arenas();
}

static void test_large(void)
{
	rng_state = 42;
	run_large("large 10000 subnets", 10000, 50, true, true, 200000);
	run_large("large 10000 subnets no default", 10000, 200, false, false,
		  100000);
	run_large("large 10000 subnets one path", 10000, 10000, true, false,
		  100000);
	run_large("large 255 paths", 2550, 10, true, true, 50000);
	sparse = true;
	run_large("large sparse 10000 subnets", 10000, 50, true, true, 200000);
	run_large("large sparse 10000 subnets no default", 10000, 100, false,
		  true, 200000);
	sparse = false;
	free_arenas();
	for (int i = 0; i < 20; i++) {
		sparse = i % 2;
		run_large(tname("small random %d", i), 1 + rnd() % 60,
			  1 + rnd() % 5, i % 4 < 2, i % 3 == 0, 20000);
	}
	sparse = false;
	free_arenas();
}

/* Worst cases for the arena bound: texts made only of the shortest
 * lines that each produce a net.  The arenas are exact-size mallocs, so
 * the sanitizer build notices any overrun. */
static void test_arena_bound(void)
{
	static const char *unit[] = {
		"local=0.0.0.0/0\n",
		"subnet=0.0.0.0/0\n",
		"subnet=1.0.0.0/8\n",
		"x\n",
		"\n",
		"}\n",
	};

	for (size_t u = 0; u < sizeof(unit) / sizeof(unit[0]); u++) {
		for (size_t reps = 0; reps < 3000; reps += 1 + reps) {
			size_t ul = strlen(unit[u]);
			size_t cap = 64 + reps * ul;
			char *t = malloc(cap);
			size_t n = 0;

			if (u == 1 || u == 2)
				n += (size_t)sprintf(t, "path{\n");
			for (size_t i = 0; i < reps; i++) {
				memcpy(t + n, unit[u], ul);
				n += ul;
			}
			if (u == 1 || u == 2)
				n += (size_t)sprintf(t + n, "nat64_prefix=::\n}");
			else if (n)
				n--; /* no final newline: one more byte saved */
			struct config *c = parse_len(t, n);
			bool ok = (u == 0 ? c->nlocals == reps : true) &&
				  (u == 1 || u == 2 ?
				   c->nsubnets == reps || reps == 0 : true);

			CHECK_MSG(tname("arena bound: %zu x \"%.*s\"", reps,
					(int)ul - 1, unit[u]), ok,
				  "nlocals %zu nsubnets %zu errors %zu",
				  c->nlocals, c->nsubnets, c->nerrors);
			free(t);
			free_arenas();
		}
	}
	CHECK("arena size grows", config_arena_size(1000) < config_arena_size(100000));
	CHECK("arena size huge", config_arena_size(SIZE_MAX) == SIZE_MAX);
	CHECK("parse refuses small arena",
	      config_parse("", 0, NULL, (char[64]){ 0 }, 64) == NULL);
}

/* The shipped /etc/tnat64.conf must change nothing: same as built-in. */
static void test_shipped_file(void)
{
	FILE *f = fopen("tnat64.conf", "r");
	static char text[65536];
	size_t n;

	if (!f) {
		/* B/tests/unit/test_config with B inside the source tree */
		char self[4096], path[4200];
		ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (l > 0) {
			self[l] = '\0';
			snprintf(path, sizeof(path), "%s/../../../tnat64.conf",
				 dirname(self));
			f = fopen(path, "r");
		}
	}

	if (!f) {
		printf("SKIP: shipped tnat64.conf: not run from the source tree\n");
		return;
	}
	n = fread(text, 1, sizeof(text), f);
	fclose(f);

	struct config *c = parse_len(text, n);
	size_t bsize = config_builtin_arena_size();
	void *barena = malloc(bsize);
	struct config *b = config_builtin(barena, bsize);

	print_errors(c);
	CHECK("shipped tnat64.conf equals the built-in configuration",
	      c->nerrors == 0 && c->has_default == b->has_default &&
	      c->nprefixes == b->nprefixes && c->nprefixes == 1 &&
	      nat64_prefix_equal(&c->prefixes[0], &b->prefixes[0]) &&
	      c->nlocals == 0 && c->nsubnets == 0);
	free(barena);
	free_arenas();
}

int main(void)
{
	test_simple_example();
	test_complex_example();
	free_arenas();
	test_error_cases();
	free_arenas();
	test_error_effects();
	free_arenas();
	test_lenient_syntax();
	test_no_default();
	test_auto();
	free_arenas();
	test_builtin();
	test_set_default();
	test_lookup_semantics();
	free_arenas();
	test_large();
	test_image();
	test_arena_bound();
	free_arenas();
	test_shipped_file();
	return check_exit();
}
