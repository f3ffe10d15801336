/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64.conf parser and destination lookup. Pure code: no file I/O, no
 * allocation (the caller hands in one arena), no global state.  The
 * parsed configuration is immutable. */
#ifndef TNAT64_CONFIG_H
#define TNAT64_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "prefix.h"

#define CONF_MAX_LINE 1024     /* longer lines are skipped with a message */
#define CONF_MAX_ERRORS 64     /* more are counted but not stored */
#define CONF_MAX_PREFIXES 256  /* default + one per path block */

struct conf_net {
	uint32_t net, mask;        /* network byte order, net & mask == net */
	uint16_t port_lo, port_hi; /* host order; 0,0 = every port */
	int line;
	int prefix;                /* index into config.prefixes, -1 for local
				      (subnets: config_subnet_prefix) */
};

struct conf_error {
	int line;                  /* 0: not tied to a line */
	char msg[160];
};

struct config {
	const char *filename;      /* as given to config_parse (not copied) */
	struct nat64_prefix *prefixes; /* [0] is the default if has_default */
	int *prefix_line;          /* line of each prefix's definition */
	size_t nprefixes;
	bool has_default;          /* prefixes[0] is the default prefix */
	struct conf_net *locals;  size_t nlocals;
	struct conf_net *subnets; size_t nsubnets;  /* file order */
	/* compiled lookup (implementation detail of config_lookup) */
	void *lookup; size_t nlookup;
	struct conf_error *errors; size_t nerrors;  /* nerrors may exceed stored */
	size_t nerrors_stored;
	/* added: line of the `path {` that defined each prefix (parallel to
	 * prefixes; 0 for the default prefix) */
	int *path_line;
	/* The default prefix is found at run time (doc/discovery.md): the
	 * file says `nat64_prefix = auto`, has no default nat64_prefix, or
	 * there is no file.  has_default is then true, prefixes[0] holds the
	 * built-in 64:ff9b::/96 (what is used when discovery finds nothing)
	 * and prefix_line[0] the line of `auto` (0 when implicit);
	 * config_lookup gives LOOKUP_AUTO for the destinations that use it. */
	bool default_auto;
	/* The default prefix was set by config_set_default
	 * (TNAT64_NAT64_PREFIX, the launcher's --prefix). */
	bool default_env;
};

/* Index into c->prefixes of the prefix of c->subnets[i]. */
static inline int config_subnet_prefix(const struct config *c, size_t i)
{
	return c->subnets[i].prefix;
}

/* Bytes of arena config_parse needs for a text of len bytes.  Never less
 * than config_builtin needs (so config_arena_size(0) does for both). */
size_t config_arena_size(size_t len);

/* Parse text (need not be NUL-terminated).  Never fails as a whole: bad
 * lines are recorded in errors and skipped, the valid ones apply.
 * Returns the config, placed at the start of arena (rounded up to 16
 * bytes), or NULL only when arena is NULL or arena_size is smaller than
 * config_arena_size(len). */
struct config *config_parse(const char *text, size_t len,
			    const char *filename, void *arena,
			    size_t arena_size);

/* The built-in configuration used when no file exists: the default
 * prefix is discovered (default_auto), with 64:ff9b::/96 when none is
 * found; nothing else. */
struct config *config_builtin(void *arena, size_t arena_size);
/* Added: the arena size config_builtin needs. */
size_t config_builtin_arena_size(void);

/* Make p the default prefix (TNAT64_NAT64_PREFIX, the launcher's
 * --prefix): replaces the file's default (explicit or auto); sets
 * default_env, clears default_auto.  Only before the configuration is
 * shared. */
void config_set_default(struct config *c, const struct nat64_prefix *p);

enum lookup_result {
	LOOKUP_LOCAL,   /* go direct: local rule or always-local address */
	LOOKUP_NONE,    /* no prefix applies: go direct */
	LOOKUP_NAT64,   /* translate with prefixes[*prefix] */
	LOOKUP_AUTO,    /* translate with the default prefix, which is
			   discovered (default_auto; *prefix = 0): whether
			   it applies depends on the prefix found
			   (policy_route: never the well-known prefix for a
			   non-global address) */
};

/* Decide for destination v4 (network order) and port (host order).
 * Order: always-local addresses and multicast/broadcast, then `local`
 * rules, then `path` subnets in file order (first match wins), then the
 * default prefix (LOOKUP_AUTO when it is discovered).  The well-known
 * prefix is never chosen for a non-global address (RFC 6052 3.1): that
 * gives LOOKUP_NONE.
 * O(log n) in the number of rules. */
enum lookup_result config_lookup(const struct config *c, uint32_t v4,
				 uint16_t port, int *prefix);

#endif
