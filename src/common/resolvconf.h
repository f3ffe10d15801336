/* SPDX-License-Identifier: GPL-2.0-or-later */
/* resolv.conf(5) reading, as far as NAT64 prefix discovery needs it:
 * name servers and the timeout/attempts options.  Pure code: parses a
 * buffer, no allocation, no I/O, async-signal-safe. */
#ifndef TNAT64_RESOLVCONF_H
#define TNAT64_RESOLVCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

#define RESOLV_MAXNS 3          /* glibc's MAXNS: later lines are ignored */
#define RESOLV_MAX_ERRORS 8
#define RESOLV_TIMEOUT_DEFAULT 5   /* seconds, resolv.conf(5) */
#define RESOLV_TIMEOUT_MAX 30
#define RESOLV_ATTEMPTS_DEFAULT 2
#define RESOLV_ATTEMPTS_MAX 5

struct resolv_ns {
	int family;                 /* AF_INET or AF_INET6 */
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa;                       /* port 53 */
	char scope_name[16];        /* "eth0" of fe80::1%eth0 (interface
				       name, not yet an index: the caller
				       resolves it), or "" */
	int line;
};

struct resolv_error {
	int line;
	char msg[96];
};

struct resolv_conf {
	struct resolv_ns ns[RESOLV_MAXNS];
	size_t nns;
	size_t nns_ignored;         /* nameserver lines past RESOLV_MAXNS */
	bool ns_default;            /* no nameserver line: 127.0.0.1 as libc */
	unsigned timeout_s;         /* options timeout:N, 1..30 */
	unsigned attempts;          /* options attempts:N, 1..5 */
	struct resolv_error errors[RESOLV_MAX_ERRORS];
	size_t nerrors;             /* may exceed RESOLV_MAX_ERRORS */
};

/* Parse len bytes of resolv.conf text.  Never fails as a whole: bad lines
 * are recorded in errors (line numbers from 1) and skipped.  Accepted:
 * comments (# or ; at a line's start or after the values), nameserver
 * with one IPv4 or IPv6 address (scoped fe80::1%eth0 or %2 too), options
 * (timeout:N, attempts:N checked; the other options are libc's business
 * and ignored), domain, search, sortlist (ignored).  Anything else is an
 * error.  Without any nameserver line the server is 127.0.0.1, as in
 * glibc. */
void resolv_conf_parse(const char *text, size_t len, struct resolv_conf *out);

/* Address text of a server ("192.0.2.53", "2001:db8::53",
 * "fe80::1%eth0"); buf >= 64 bytes.  Returns the length. */
size_t resolv_ns_format(const struct resolv_ns *ns, char *buf, size_t size);

#endif
