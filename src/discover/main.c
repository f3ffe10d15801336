/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64-discover (`tnat64 discover`): find this network's NAT64 prefix
 * -- RFC 8781 PREF64 as systemd-networkd or NetworkManager keep it, then
 * RFC 7050 (DNS64) -- say what was found and where, and write the prefix
 * cache that the library, the supervisor and the launcher read.
 * Exit status: 0 prefix found, 1 none found, 2 usage error. */
#include "discover.h"
#include "config.h"
#include "confload.h"
#include "log.h"
#include "pfxcache.h"
#include "pfxauto.h"
#include "pfxdisc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef TNAT64_VERSION
#define TNAT64_VERSION "0.1"
#endif

int quiet;

void say(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

const char *ptext(const struct nat64_prefix *p)
{
	static char buf[4][96];
	static unsigned k;
	char *b = buf[k++ % 4];
	bool sfx = false;

	inet_ntop(AF_INET6, p->addr, b, 64);
	snprintf(b + strlen(b), 8, "/%u", p->len);
	for (int i = 0; i < 16; i++)
		sfx |= p->suffix[i] != 0;
	if (sfx) {
		strcat(b, " suffix ");
		inet_ntop(AF_INET6, p->suffix, b + strlen(b), 46);
	}
	return b;
}

static void usage(FILE *f)
{
	fputs("Usage: tnat64-discover [OPTION]...\n"
	      "       tnat64-discover --status [OPTION]... [HOST[:PORT]]\n"
	      "Find the NAT64 prefix of this network: RFC 8781 PREF64 as "
	      "systemd-networkd or\nNetworkManager keep it, else RFC 7050 "
	      "(an AAAA query for ipv4only.arpa to the\nname servers of "
	      "resolv.conf).  Print it and where it came from, and write "
	      "the\nprefix cache (root: /run/tnat64/prefix; users: "
	      "$XDG_RUNTIME_DIR/tnat64/prefix).\n\n"
	      "  -c, --cached          use a fresh cached result and ask "
	      "nobody (what the\n                        launcher does "
	      "before it starts a program)\n"
	      "      --if-auto         nothing to do unless the configuration "
	      "leaves the\n                        default prefix to "
	      "discovery (nat64_prefix = auto)\n"
	      "      --status          which prefix HOST (or any IPv4 "
	      "destination) would use,\n                        where it "
	      "came from, the IPv4 route, a live connect\n"
	      "  -n, --no-write        do not write the cache\n"
	      "      --no-pref64       skip systemd-networkd and "
	      "NetworkManager\n"
	      "  -r, --resolv-conf FILE  name servers from FILE (default "
	      "/etc/resolv.conf)\n"
	      "  -t, --timeout MS      RFC 7050 time limit (default 2000, at "
	      "most 10000)\n"
	      "      --networkd-socket PATH  varlink socket of "
	      "systemd-networkd\n"
	      "  -q, --quiet           print nothing; the exit status tells\n"
	      "  -h, --help            this help\n"
	      "  -V, --version         the version\n\n"
	      "Exit status: 0 a prefix was found, 1 none was found (programs "
	      "then use\n64:ff9b::/96), 2 usage error.  With --status: 0 "
	      "it works, 1 nothing works.\n", f);
}

int discover_find(const struct discover_opts *o, int64_t now,
		  struct pfx_record *rec)
{
	struct disc_params params = o->params;
	struct tnconf conf = { 0 };
	struct disc_result r;

	if (o->pref64) {
		struct svc_report nd, nm;
		const struct svc_report *src[2] = { &nd, &nm };

		networkd_query(o->nd_socket, 1000, &nd);
		say("systemd-networkd: %s", nd.msg);
		nm_query(1000, &nm);
		say("NetworkManager: %s", nm.msg);
		for (int s = 0; s < 2; s++) {
			if (src[s]->state != SVC_FOUND)
				continue;
			pfx_record_make(rec, &src[s]->hits[0].prefix,
					PFX_SRC_PREF64, src[s]->hits[0].where, now,
					src[s]->hits[0].lifetime_s);
			for (size_t i = 1; i < src[s]->nhits; i++)
				say("  also advertised: %s (%s; not used)",
				    ptext(&src[s]->hits[i].prefix),
				    src[s]->hits[i].where);
			return 1;
		}
	}
	/* IPv4 name servers through the prefixes the configuration gives
	 * for them */
	if (tnconf_load(&conf) == 0) {
		params.v4_rewrite = pfxauto_rewrite_by_config;
		params.ctx = conf.config;
	}
	disc_rfc7050(&disc_libc_ops, &params, &r);
	if (r.resolv_errors)
		say("RFC 7050: %zu bad line(s) in %s skipped", r.resolv_errors,
		    params.resolv_conf ? params.resolv_conf : DISC_RESOLV_CONF);
	switch (r.status) {
	case DISC_FOUND:
		say("RFC 7050: %s from name server %s (TTL %lld s)",
		    ptext(&r.prefix), r.server, r.ttl);
		for (size_t i = 1; i < r.nprefixes && i < 4; i++)
			say("  also answered: %s (not used)",
			    ptext(&r.others[i - 1]));
		break;
	case DISC_NO_DNS64:
		say("RFC 7050: no DNS64 (%s)", r.why);
		break;
	case DISC_NO_ANSWER:
		say("RFC 7050: no answer in %u ms from %u name server(s)"
		    " (last: %s)", r.elapsed_ms, r.servers,
		    r.why[0] ? r.why : "none asked");
		break;
	}
	disc_result_record(&r, disc_now(&disc_libc_ops), rec);
	tnconf_free(&conf);
	return rec->have_prefix ? 1 : 0;
}

int discover_store(const struct discover_opts *o,
		   const struct disc_env *env, const struct pfx_record *rec,
		   char *where, size_t wsize)
{
	int e;

	if (o->nowrite) {
		say("cache: not written (--no-write)");
		return -1;
	}
	if (env->secure) {
		say("cache: not written (secure-execution process)");
		return -1;
	}
	e = disc_cache_write(&disc_libc_ops, env, rec, where, wsize);
	if (e < 0) {
		say("cache: not written (%s)", strerror(-e));
		return -1;
	}
	say("cache: %s%s, valid for %lld s", where,
	    rec->have_prefix ? "" : " (negative)",
	    (long long)(rec->expires - rec->obtained));
	return 0;
}

/* Does the configuration leave the default prefix to discovery? */
static bool config_wants_discovery(void)
{
	struct tnconf conf = { 0 };
	bool want;

	if (tnconf_load(&conf) < 0)
		return true;
	want = conf.config->default_auto;
	tnconf_free(&conf);
	return want;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cached", no_argument, NULL, 'c' },
		{ "no-write", no_argument, NULL, 'n' },
		{ "no-pref64", no_argument, NULL, 'P' },
		{ "resolv-conf", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "networkd-socket", required_argument, NULL, 'S' },
		{ "if-auto", no_argument, NULL, 'A' },
		{ "status", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct discover_opts o = { .pref64 = true };
	struct disc_env env;
	struct pfx_record rec;
	bool cached = false, if_auto = false, status = false;
	char where[PFX_PATH_MAX + 16];
	int64_t now;
	int c;

	while ((c = getopt_long(argc, argv, "cnr:t:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cached = true;
			break;
		case 'n':
			o.nowrite = true;
			break;
		case 'P':
			o.pref64 = false;
			break;
		case 'r':
			o.params.resolv_conf = optarg;
			break;
		case 't': {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-' ||
			    v < 100 || v > DISC_BUDGET_MAX_MS) {
				fprintf(stderr, "tnat64-discover: --timeout %s: "
					"milliseconds from 100 to %u\n", optarg,
					DISC_BUDGET_MAX_MS);
				return 2;
			}
			o.params.budget_ms = (unsigned)v;
			break;
		}
		case 'S':
			o.nd_socket = optarg;
			break;
		case 'A':
			if_auto = true;
			break;
		case 's':
			status = true;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("tnat64-discover %s\n", TNAT64_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (status)
		return status_main(&o, argc - optind, argv + optind);
	if (optind < argc) {
		fprintf(stderr, "tnat64-discover: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	tnconf_setup_logging("tnat64-discover");
	if (quiet)
		log_setup(-1, 2, "tnat64-discover");
	/* The launcher asks before every program: nothing to do when the
	 * configuration names the default prefix. */
	if (if_auto && !config_wants_discovery())
		return 0;
	disc_env_from_process(&env);
	now = disc_now(&disc_libc_ops);

	if (cached && disc_cache_read(&disc_libc_ops, &env, now, &rec, where,
				      sizeof(where)) == 1) {
		if (rec.have_prefix)
			say("NAT64 prefix: %s (%s %s, cached in %s, %lld s left)",
			    ptext(&rec.prefix), pfx_source_name(rec.source),
			    rec.origin, where, (long long)(rec.expires - now));
		else
			say("NAT64 prefix: none (cached in %s, %lld s left); "
			    "programs use 64:ff9b::/96", where,
			    (long long)(rec.expires - now));
		return rec.have_prefix ? 0 : 1;
	}

	discover_find(&o, now, &rec);
	if (rec.have_prefix)
		say("NAT64 prefix: %s (%s %s)", ptext(&rec.prefix),
		    pfx_source_name(rec.source), rec.origin);
	else
		say("NAT64 prefix: none found; programs use 64:ff9b::/96");
	discover_store(&o, &env, &rec, where, sizeof(where));
	return rec.have_prefix ? 0 : 1;
}
