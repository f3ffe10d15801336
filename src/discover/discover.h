/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64-discover: RFC 8781 (PREF64) readers for the services that keep
 * it (networkd.c, nm.c), the discovery the tool runs (main.c) and the
 * status report (status.c). */
#ifndef TNAT64_DISCOVER_H
#define TNAT64_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pfxcache.h"
#include "pfxdisc.h"
#include "prefix.h"

/* What the command line asked for. */
struct discover_opts {
	bool nowrite;              /* --no-write */
	bool pref64;               /* ask networkd and NetworkManager */
	const char *nd_socket;     /* --networkd-socket */
	struct disc_params params; /* --resolv-conf, --timeout */
};

/* Set by --quiet: say() prints nothing. */
extern int quiet;
/* One line on standard output (unless quiet). */
__attribute__((format(printf, 1, 2))) void say(const char *fmt, ...);
/* "2001:db8:64::/96" (four buffers in turn). */
const char *ptext(const struct nat64_prefix *p);

/* PREF64 (networkd, then NetworkManager) unless o->pref64 is false, then
 * RFC 7050 (IPv4 name servers through the configuration's prefixes),
 * each step said in one line.  *rec: the result at time now (seconds),
 * positive or negative.  1 with a prefix, 0 without. */
int discover_find(const struct discover_opts *o, int64_t now,
		  struct pfx_record *rec);
/* Write rec to this process's cache (unless --no-write or secure) and
 * say where.  0, or -1 when not written. */
int discover_store(const struct discover_opts *o,
		   const struct disc_env *env, const struct pfx_record *rec,
		   char *where, size_t wsize);

/* --status [HOST[:PORT]] (status.c): which prefix a destination would
 * use and where it came from, the IPv4 route, a live connect.  Exit
 * status: 0 it works, 1 nothing works, 2 usage error. */
int status_main(const struct discover_opts *o, int argc, char **argv);

#define NETWORKD_VARLINK "/run/systemd/netif/io.systemd.Network"
#define SVC_MAX_HITS 4

enum svc_state {
	SVC_FOUND,      /* hits[] has PREF64 prefixes */
	SVC_NONE,       /* the service runs but knows no PREF64 */
	SVC_ABSENT,     /* not running / not installed */
	SVC_TOO_OLD,    /* runs, but predates the interface */
	SVC_ERROR,      /* something else went wrong; msg says what */
};

struct pref64_hit {
	struct nat64_prefix prefix;
	char where[48];          /* "networkd/eth0", "NetworkManager/wlan0" */
	long long lifetime_s;    /* seconds left, -1 unknown */
};

struct svc_report {
	enum svc_state state;
	char msg[192];           /* one plain line for the user */
	struct pref64_hit hits[SVC_MAX_HITS];
	size_t nhits;
	size_t ninvalid;         /* prefixes refused (not RFC 6052) */
};

/* systemd-networkd: io.systemd.Network.Describe over varlink on path
 * (NETWORKD_VARLINK), waiting at most timeout_ms. */
void networkd_query(const char *path, int timeout_ms, struct svc_report *r);

/* Interpret networkd's JSON description (the varlink reply
 * {"parameters":{"Interfaces":[...]}} or `networkctl --json=short`'s
 * {"Interfaces":[...]}): every Interfaces[].NDisc.PREF64[] entry with
 * Prefix (16 numbers, or a string) and PrefixLength; LifetimeUSec is
 * CLOCK_BOOTTIME microseconds (boot_usec is now on that clock).
 * Returns 0, or -1 when json is not such a description (r->msg says). */
int networkd_parse(const char *json, size_t len, uint64_t boot_usec,
		   struct svc_report *r);

/* NetworkManager >= 1.58 over D-Bus (the system bus, or
 * DBUS_SYSTEM_BUS_ADDRESS): Version, then for each device its
 * IP6Config.ClatPref64. */
void nm_query(int timeout_ms, struct svc_report *r);

/* Version "1.58.0" >= major.minor? */
int nm_version_at_least(const char *v, unsigned major, unsigned minor);

/* Add a prefix given as text "addr/len" or bytes+len to r (refused and
 * counted in r->ninvalid when it is not RFC 6052). */
void svc_add_hit(struct svc_report *r, const uint8_t addr[16], unsigned len,
		 const char *where, long long lifetime_s);

#endif
