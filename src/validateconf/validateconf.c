/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64-validateconf: check a tnat64.conf, show what it means, and tell
 * what tnat64 would do for a given destination.
 *
 *   tnat64-validateconf [-f FILE] [-t HOST[:PORT]]
 *
 * Exit status (the man page and --help say the same): 0 configuration
 * fine, 1 errors in the configuration or the file cannot be read, 2 usage
 * error, 3 HOST cannot be resolved (with a configuration without errors). */
#include "config.h"
#include "addr.h"
#include "confload.h"
#include "prefix.h"

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mman.h>
#include <sys/socket.h>

#ifndef TNAT64_CONF_FILE_DEFAULT
#define TNAT64_CONF_FILE_DEFAULT "/etc/tnat64.conf"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

enum {
	EXIT_CONF = 1,     /* errors in the file, or it cannot be read */
	EXIT_USAGE = 2,
	EXIT_RESOLVE = 3,  /* -t HOST has no IPv4 address */
};

static const char *progname = "tnat64-validateconf";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-f FILE] [-t HOST[:PORT]]\n"
		"Check a tnat64 configuration file and show what it means.\n"
		"\n"
		"  -f, --file FILE          read FILE instead of %s\n"
		"  -t, --target HOST[:PORT] tell how tnat64 would reach HOST (an\n"
		"                           IPv4 address or a name), optionally\n"
		"                           on PORT\n"
		"  -h, --help               print this help and exit\n"
		"  -V, --version            print the version and exit\n"
		"\n"
		"Exit status: 0 if the configuration has no errors, 1 if it has\n"
		"errors or cannot be read, 2 on a usage error, 3 if HOST cannot\n"
		"be resolved to an IPv4 address.\n",
		progname, TNAT64_CONF_FILE_DEFAULT);
}

/* Whole file into a malloc'ed buffer; NULL with errno set on failure. */
/* The file as the library reads it (confload.c): never waits on a FIFO
 * or a terminal.  NULL with errno set, or with *what naming a file that
 * is not one ("a FIFO"...) and errno 0. */
static char *read_file(const char *path, size_t *len, size_t *maplen,
		       const char **what)
{
	char *text;
	mode_t mode = 0;
	long n = tnconf_read_text(path, &text, maplen, &mode);

	*what = NULL;
	if (n == TNCONF_NOT_REGULAR) {
		*what = tnconf_file_type(mode);
		errno = 0;
		return NULL;
	}
	if (n < 0) {
		errno = (int)-n;
		return NULL;
	}
	*len = (size_t)n;
	return text ? text : (char *)"";
}

static const char *ip4(uint32_t v4)
{
	static char bufs[4][16];
	static unsigned next;
	char *b = bufs[next++ % 4];

	fmt_ipv4(b, v4);
	return b;
}

static int mask_len(uint32_t mask)
{
	uint32_t m = ntohl(mask);
	int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return n;
}

static void fmt_prefix(char *buf, size_t size, const struct nat64_prefix *p)
{
	char a[46];

	fmt_ipv6(a, p->addr);
	snprintf(buf, size, "%s/%u", a, (unsigned)p->len);
}

static bool suffix_is_zero(const struct nat64_prefix *p)
{
	for (int i = 0; i < 16; i++)
		if (p->suffix[i])
			return false;
	return true;
}

static void show_net(const struct conf_net *n, bool with_ports)
{
	char net[40], ports[32] = "";

	snprintf(net, sizeof(net), "%s/%d", ip4(n->net), mask_len(n->mask));
	if (n->port_lo || n->port_hi) {
		if (n->port_lo == n->port_hi)
			snprintf(ports, sizeof(ports), "port %u",
				 (unsigned)n->port_lo);
		else
			snprintf(ports, sizeof(ports), "ports %u-%u",
				 (unsigned)n->port_lo, (unsigned)n->port_hi);
	} else if (with_ports) {
		snprintf(ports, sizeof(ports), "all ports");
	}
	printf("    %-20s %-18s (netmask %s, line %d)\n", net, ports,
	       ip4(n->mask), n->line);
}

static void show_prefix(const struct config *c, size_t i)
{
	char text[64];

	fmt_prefix(text, sizeof(text), &c->prefixes[i]);
	if (c->prefix_line[i] > 0)
		printf("  NAT64 prefix:  %s (line %d)%s\n", text,
		       c->prefix_line[i],
		       nat64_prefix_is_wkp(&c->prefixes[i]) ?
		       " - the well-known prefix, never used for non-global IPv4 addresses" :
		       "");
	else
		printf("  NAT64 prefix:  %s (built in)%s\n", text,
		       nat64_prefix_is_wkp(&c->prefixes[i]) ?
	       " - the well-known prefix, never used for non-global IPv4 addresses" :
	       "");
	if (!suffix_is_zero(&c->prefixes[i])) {
		char s[46];

		fmt_ipv6(s, c->prefixes[i].suffix);
		printf("  NAT64 suffix:  %s\n", s);
	}
}

static void show_config(const struct config *c)
{
	printf("=== Local networks (reached directly, no NAT64) ===\n");
	printf("  always: 0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16, multicast 224.0.0.0/4,\n"
	       "          broadcast 255.255.255.255\n");
	if (c->nlocals == 0)
		printf("  (no local lines)\n");
	for (size_t i = 0; i < c->nlocals; i++)
		show_net(&c->locals[i], false);
	printf("\n");

	printf("=== Default NAT64 prefix ===\n");
	if (c->default_auto && c->prefix_line[0] > 0)
		printf("  auto (line %d): ", c->prefix_line[0]);
	else if (c->default_auto)
		printf("  auto (no default nat64_prefix line): ");
	if (c->default_auto)
		printf("found at run time, RFC 8781 PREF64\n"
		       "  or RFC 7050 DNS64, else 64:ff9b::/96; 'tnat64 status' shows it\n");
	else
		show_prefix(c, 0);
	printf("\n");

	for (size_t i = c->has_default ? 1 : 0; i < c->nprefixes; i++) {
		printf("=== Path (line %d) ===\n", c->path_line[i]);
		show_prefix(c, i);
		printf("  Reaches (checked in file order, first match wins):\n");
		for (size_t j = 0; j < c->nsubnets; j++)
			if (config_subnet_prefix(c, j) == (int)i)
				show_net(&c->subnets[j], true);
		printf("\n");
	}
}

static void show_errors(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->nerrors_stored; i++) {
		if (c->errors[i].line > 0)
			fprintf(stderr, "%s:%d: %s\n", name, c->errors[i].line,
				c->errors[i].msg);
		else
			fprintf(stderr, "%s: %s\n", name, c->errors[i].msg);
	}
	if (c->nerrors > c->nerrors_stored)
		fprintf(stderr, "%s: ... and %zu more errors\n", name,
			c->nerrors - c->nerrors_stored);
}

static bool has_wkp(const struct config *c)
{
	/* an auto default's 64:ff9b::/96 is only its fallback */
	for (size_t i = c->default_auto ? 1 : 0; i < c->nprefixes; i++)
		if (nat64_prefix_is_wkp(&c->prefixes[i]))
			return true;
	return false;
}

/* HOST[:PORT]: returns 0, or EXIT_USAGE with a message. */
static int split_target(char *arg, char **host, unsigned long *port)
{
	char *colon = strchr(arg, ':');

	*host = arg;
	*port = 0;
	if (colon) {
		char *s = colon + 1, *end;

		*colon = '\0';
		if (*s < '0' || *s > '9') {
			fprintf(stderr, "%s: bad port '%s' (want 1-65535)\n",
				progname, s);
			return EXIT_USAGE;
		}
		errno = 0;
		*port = strtoul(s, &end, 10);
		if (errno || *end != '\0' || *port < 1 || *port > 65535) {
			fprintf(stderr, "%s: bad port '%s' (want 1-65535)\n",
				progname, s);
			return EXIT_USAGE;
		}
	}
	if (!**host) {
		fprintf(stderr, "%s: -t needs a host\n", progname);
		return EXIT_USAGE;
	}
	return 0;
}

/* 0, or EXIT_RESOLVE with a message. */
static int resolve(const char *host, uint32_t *v4)
{
	struct in_addr a;
	struct addrinfo hints, *res = NULL;
	int rc;

	if (inet_pton(AF_INET, host, &a) == 1) {
		*v4 = a.s_addr;
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || !res) {
		fprintf(stderr, "%s: cannot resolve %s: %s\n", progname, host,
			rc ? gai_strerror(rc) : "no IPv4 address");
		return EXIT_RESOLVE;
	}
	*v4 = ((const struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return 0;
}

static int test_host(const struct config *c, const char *host,
		     unsigned long port)
{
	uint32_t v4;
	int prefix = -1;
	enum lookup_result r;

	int rc = resolve(host, &v4);

	if (rc)
		return rc;

	if (strcmp(host, ip4(v4)) == 0)
		printf("%s", host);
	else
		printf("%s (%s)", host, ip4(v4));
	if (port)
		printf(" port %lu", port);
	printf(": ");

	r = config_lookup(c, v4, (uint16_t)port, &prefix);
	switch (r) {
	case LOOKUP_LOCAL:
		printf("local (direct IPv4)\n");
		break;
	case LOOKUP_NONE:
		printf("no NAT64 prefix applies (direct IPv4)\n");
		if (!ipv4_is_global(v4) && has_wkp(c))
			printf("  note: %s is not a global address and the well-known prefix\n"
			       "  64:ff9b::/96 must not be used for it (RFC 6052 section 3.1)\n",
			       ip4(v4));
		break;
	case LOOKUP_AUTO:
		printf("via the default NAT64 prefix, found at run time (auto)\n"
		       "  'tnat64 status %s' shows which one%s\n", ip4(v4),
		       ipv4_is_global(v4) ? "" :
		       "; if none is found, direct IPv4 (64:ff9b::/96 is never\n"
		       "  used for non-global addresses, RFC 6052 section 3.1)");
		break;
	case LOOKUP_NAT64: {
		char ptext[64], a6[46];
		uint8_t out[16];

		fmt_prefix(ptext, sizeof(ptext), &c->prefixes[prefix]);
		nat64_synth(&c->prefixes[prefix], v4, out);
		fmt_ipv6(a6, out);
		if (c->has_default && prefix == 0)
			printf("via NAT64 prefix %s (default) -> IPv6 address %s\n",
			       ptext, a6);
		else
			printf("via NAT64 prefix %s (path at line %d) -> IPv6 address %s\n",
			       ptext, c->path_line[prefix], a6);
		break;
	}
	}
	if (!port && r != LOOKUP_LOCAL) {
		bool restricted = false;

		for (size_t i = 0; i < c->nsubnets; i++)
			if (c->subnets[i].port_lo || c->subnets[i].port_hi)
				restricted = true;
		if (restricted)
			printf("  note: no port given, so subnets limited to ports were not considered\n");
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *file = NULL;
	char *target = NULL, *host = NULL;
	unsigned long port = 0;
	char *text = NULL;
	const char *what = NULL;
	size_t len = 0, maplen = 0;
	void *arena;
	size_t asize;
	struct config *c;
	bool builtin = false;
	int opt, rc = 0;

	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "target", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "f:t:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			file = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", progname, PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n",
				progname);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", progname,
			argv[optind]);
		fprintf(stderr, "Try '%s --help' for more information.\n",
			progname);
		return EXIT_USAGE;
	}
	if (file && !*file) {
		fprintf(stderr, "%s: -f needs a file name\n", progname);
		return EXIT_USAGE;
	}
	if (target) {
		int trc = split_target(target, &host, &port);

		if (trc)
			return trc;
	}

	if (!file) {
		file = TNAT64_CONF_FILE_DEFAULT;
		text = read_file(file, &len, &maplen, &what);
		if (!text && !what && errno == ENOENT) {
			printf("%s does not exist: tnat64 uses its built-in configuration.\n\n",
			       file);
			builtin = true;
		}
	} else {
		text = read_file(file, &len, &maplen, &what);
	}
	if (!text && what) {
		fprintf(stderr, "%s: cannot read %s: it is %s, not a file\n",
			progname, file, what);
		return EXIT_CONF;
	}
	if (!text && !builtin) {
		fprintf(stderr, "%s: cannot read %s: %s\n", progname, file,
			strerror(errno));
		return EXIT_CONF;
	}

	asize = builtin ? config_builtin_arena_size() : config_arena_size(len);
	arena = asize == SIZE_MAX ? NULL : malloc(asize);
	if (!arena) {
		fprintf(stderr, "%s: %s: out of memory\n", progname, file);
		return 1;
	}
	c = builtin ? config_builtin(arena, asize)
		    : config_parse(text, len, file, arena, asize);
	if (!c) { /* cannot happen: the arena has the size asked for */
		fprintf(stderr, "%s: internal error parsing %s\n", progname,
			file);
		return 1;
	}

	if (!builtin && !target)
		printf("Configuration file %s:\n\n", file);
	if (!target)
		show_config(c);
	fflush(stdout);
	show_errors(c, file);
	if (c->nerrors) {
		fprintf(stderr, "%s: %zu error%s in %s\n", progname, c->nerrors,
			c->nerrors == 1 ? "" : "s", file);
		rc = EXIT_CONF;
	}

	/* Errors in the file are the more important news: they decide the
	 * status when the host cannot be resolved either. */
	if (target) {
		int trc = test_host(c, host, port);

		if (trc && !rc)
			rc = trc;
	}

	free(arena);
	if (maplen)
		munmap(text, maplen);
	return rc;
}
