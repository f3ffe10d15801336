/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The discovered-prefix cache record shared between processes: its text
 * format, its lifetime rules, where it lives and when a file may be
 * trusted.  Pure code: no I/O, no allocation, async-signal-safe.
 *
 * Format (text, every line ends with "\n", at most PFX_RECORD_MAX bytes):
 *
 *     tnat64-prefix-cache 1
 *     prefix 2001:db8:64::/96            or: prefix none
 *     source rfc7050 2001:db8:1::53      rfc7050 NAME-SERVER
 *                                        pref64 SERVICE[/INTERFACE]
 *                                        none [WHAT]   (negative entry)
 *     obtained 1764540000                CLOCK_REALTIME seconds
 *     expires 1764543600
 *
 * "prefix none" goes with "source none" (a failed or empty discovery: the
 * negative cache) and only with it.  A prefix with suffix bits (tnat64
 * 0.06's nat64_suffix, never seen from a DNS64 in practice) is written
 * "prefix P suffix S". */
#ifndef TNAT64_PFXCACHE_H
#define TNAT64_PFXCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "prefix.h"

#define PFX_RECORD_MAX 512
#define PFX_ORIGIN_MAX 64

/* Lifetimes, seconds.  A positive entry lives for the TTL of the AAAA
 * records (or the PREF64 lifetime), clamped to [PFX_TTL_MIN, PFX_TTL_MAX]:
 * at least a minute, so that a zero TTL does not make every process ask;
 * at most an hour, so that a changed network is noticed even without the
 * network-change hook.  A negative entry (no DNS64 or no answer) lives
 * for the SOA's negative TTL (RFC 2308) clamped to [PFX_NEG_MIN,
 * PFX_NEG_MAX], or PFX_NEG_DEFAULT without an SOA (timeouts, errors). */
#define PFX_TTL_MIN 60
#define PFX_TTL_MAX 3600
#define PFX_NEG_MIN 30
#define PFX_NEG_MAX 300
#define PFX_NEG_DEFAULT 60
/* obtained may be this far in the future (clock steps between hosts'
 * processes are not expected, but a record is not thrown away for a
 * second of skew) */
#define PFX_SKEW 60

enum pfx_source {
	PFX_SRC_NONE = 0,   /* negative entry */
	PFX_SRC_RFC7050,    /* origin: the name server that answered */
	PFX_SRC_PREF64,     /* origin: the service, e.g. "networkd/eth0" */
};

struct pfx_record {
	bool have_prefix;
	struct nat64_prefix prefix;
	enum pfx_source source;
	char origin[PFX_ORIGIN_MAX]; /* [A-Za-z0-9.:%_/@-], may be empty
					only for PFX_SRC_NONE */
	int64_t obtained;            /* seconds since the epoch */
	int64_t expires;             /* > obtained */
};

/* "rfc7050", "pref64", "none". */
const char *pfx_source_name(enum pfx_source s);

/* Fill rec.  p NULL = negative entry (source must then be PFX_SRC_NONE).
 * ttl: the answer's TTL in seconds, or -1 when there is none (a timeout:
 * PFX_NEG_DEFAULT); clamped as described above.  origin may be NULL;
 * characters outside the allowed set become '_'. */
void pfx_record_make(struct pfx_record *rec, const struct nat64_prefix *p,
		     enum pfx_source source, const char *origin, int64_t now,
		     long long ttl);

/* Text form into buf (size >= PFX_RECORD_MAX).  Returns the length, or
 * -EINVAL for a record the parser would refuse. */
int pfx_record_format(const struct pfx_record *rec, char *buf, size_t size);

/* Parse exactly the format above; anything else (other lines, order,
 * spacing, numbers with signs or junk, a lifetime longer than the
 * maxima, expires <= obtained, a prefix that is not RFC 6052) is -EINVAL.
 * len may include no NUL. */
int pfx_record_parse(const char *text, size_t len, struct pfx_record *rec);

/* True while now (seconds) lies in [obtained - PFX_SKEW, expires). */
bool pfx_record_fresh(const struct pfx_record *rec, int64_t now);

/* Which of two fresh records to use (either may be NULL or stale): a
 * positive entry beats a negative one, PREF64 (the router's word) beats
 * RFC 7050, then the newer one.  Returns a, b or NULL. */
const struct pfx_record *pfx_record_pick(const struct pfx_record *a,
					 const struct pfx_record *b,
					 int64_t now);

/* The trust rule.  A cache directory or file is trusted when it is of
 * the right type (directory / regular file), owned by owner or by root,
 * and neither group- nor world-writable.  The per-user cache passes the
 * reader's euid as owner, the system cache 0 (root only). */
enum pfx_trust {
	PFX_TRUSTED = 0,
	PFX_NOT_DIR,
	PFX_NOT_REGULAR,
	PFX_FOREIGN_OWNER,
	PFX_WRITABLE_BY_OTHERS,
};
enum pfx_trust pfx_trust_check(const struct stat *st, bool want_dir,
			       uid_t owner);
/* "not a directory", "owned by another user"... */
const char *pfx_trust_reason(enum pfx_trust t);

/* Cache locations.  The system cache is PFX_SYSTEM_DIR/prefix, written by
 * root only and read by everyone.  The per-user cache is DIR/prefix with
 * DIR the first of:
 *   $XDG_RUNTIME_DIR/tnat64   when XDG_RUNTIME_DIR is set, absolute,
 *                             without "..", and the directory it names is
 *                             owned by the user and writable by no one
 *                             else (checked when used);
 *   /run/user/UID/tnat64      when /run/user/UID is like that;
 *   /tmp/tnat64-UID           created 0700; must be owned by the user.
 * Secure-execution processes (AT_SECURE) and root have no per-user cache:
 * they read the system one only (root writes it). */
#define PFX_SYSTEM_DIR "/run/tnat64"
#define PFX_FILE_NAME "prefix"
#define PFX_PATH_MAX 256

struct pfx_dir {
	char parent[PFX_PATH_MAX]; /* must exist and be trusted (owned by
				      owner exactly); "" = not checked */
	char dir[PFX_PATH_MAX];    /* holds PFX_FILE_NAME; created 0700
				      (0755 for the system one) */
	uid_t owner;               /* who may own dir and file (and root) */
	bool writable;             /* this process may write it */
	bool system;
};

/* Candidate directories for a process with effective uid euid, in the
 * order to try: up to three per-user candidates (the first usable one is
 * the user's cache; see above), then the system one.  xdg may be NULL
 * (and must be NULL for secure processes: the caller does not read the
 * environment there).  run_user / tmp / sysdir: NULL for "/run/user",
 * "/tmp" and PFX_SYSTEM_DIR (tests point them elsewhere).  Returns the
 * number written (<= 4). */
size_t pfx_dirs(uid_t euid, bool secure, const char *xdg,
		const char *run_user, const char *tmp, const char *sysdir,
		struct pfx_dir out[4]);

#endif
