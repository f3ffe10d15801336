/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64 status [HOST[:PORT]] (tnat64-discover --status): which NAT64
 * prefix a destination would use and where it came from, whether the
 * host has an IPv4 route to it, and with a HOST a live connect the way a
 * program would make it.  What a program would use is decided by the
 * library's own code (prefixes.h over the same configuration and cache);
 * when nothing is cached, the prefix is found as the launcher finds it
 * before it starts a program (PREF64, then RFC 7050) and cached. */
#include "discover.h"
#include "addr.h"
#include "config.h"
#include "confload.h"
#include "log.h"
#include "msgconv.h"
#include "prefixes.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STATUS_PORT 80            /* HOST without :PORT */
#define STATUS_CONNECT_MS 5000    /* the live connect waits this long */
/* A global address for the IPv4 route lookup without HOST (nothing is
 * sent: a UDP connect only looks the route up). */
#define STATUS_PROBE_V4 "192.0.2.1"

static struct prefixes ps;

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *v4text(uint32_t v4)
{
	static char b[2][INET_ADDRSTRLEN];
	static unsigned k;
	char *s = b[k++ % 2];

	inet_ntop(AF_INET, &v4, s, INET_ADDRSTRLEN);
	return s;
}

/* HOST[:PORT] -> v4, port.  0, or 2 with a message. */
static int parse_target(char *arg, uint32_t *v4, unsigned *port,
			char **host)
{
	char *colon = strrchr(arg, ':');
	struct addrinfo hints, *res = NULL;
	struct in_addr a;
	int rc;

	*port = STATUS_PORT;
	if (colon) {
		char *end;
		unsigned long p;

		errno = 0;
		p = strtoul(colon + 1, &end, 10);
		if (errno || *end || end == colon + 1 || colon[1] == '-' ||
		    p < 1 || p > 65535) {
			fprintf(stderr, "tnat64 status: bad port '%s' (want "
				"1-65535)\n", colon + 1);
			return 2;
		}
		*port = (unsigned)p;
		*colon = '\0';
	}
	*host = arg;
	if (!*arg) {
		fprintf(stderr, "tnat64 status: no host in '%s'\n", arg);
		return 2;
	}
	if (inet_pton(AF_INET, arg, &a) == 1) {
		*v4 = a.s_addr;
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(arg, NULL, &hints, &res);
	if (rc || !res) {
		fprintf(stderr, "tnat64 status: cannot resolve %s to an IPv4 "
			"address: %s\n", arg,
			rc ? gai_strerror(rc) : "no address");
		return 2;
	}
	*v4 = ((const struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return 0;
}

/* The route the kernel would take to sa: 0 (there is one; *local gets
 * the source address when non-NULL), or -errno (ENETUNREACH: none).
 * Nothing is sent. */
static int route_to(const struct sockaddr *sa, socklen_t len,
		    struct sockaddr_storage *local)
{
	int fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, sa, len) < 0) {
		r = -errno;
	} else if (local) {
		socklen_t l = sizeof(*local);

		getsockname(fd, (struct sockaddr *)local, &l);
	}
	close(fd);
	return r;
}

/* A TCP connect to sa, waiting at most STATUS_CONNECT_MS: 0 connected,
 * -ECONNREFUSED (the host answered), -ETIMEDOUT or -errno; *ms the time
 * it took. */
static int try_connect(const struct sockaddr *sa, socklen_t len,
		       unsigned *ms)
{
	int64_t t0 = mono_ms();
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC |
			SOCK_NONBLOCK, 0);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (connect(fd, sa, len) < 0) {
		if (errno != EINPROGRESS) {
			r = -errno;
		} else {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			int n;

			do
				n = poll(&p, 1, STATUS_CONNECT_MS);
			while (n < 0 && errno == EINTR);
			if (n == 0) {
				r = -ETIMEDOUT;
			} else {
				int e = 0;
				socklen_t l = sizeof(e);

				getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l);
				r = -e;
			}
		}
	}
	close(fd);
	*ms = (unsigned)(mono_ms() - t0);
	return r;
}

/* One line: the result of a live connect (what). */
static bool say_connect(const char *what, int r, unsigned ms,
			unsigned port)
{
	if (r == 0)
		say("connect %s: connected in %u ms", what, ms);
	else if (r == -ECONNREFUSED)
		say("connect %s: refused in %u ms (the host answered; nothing "
		    "listens on port %u)", what, ms, port);
	else if (r == -ETIMEDOUT)
		say("connect %s: no answer in %u s", what,
		    STATUS_CONNECT_MS / 1000);
	else
		say("connect %s: %s", what, strerror(-r));
	return r == 0 || r == -ECONNREFUSED;
}

/* Where the discovered default came from, with the time left. */
static void say_record(const struct pfx_record *rec, const char *from,
		       int64_t now)
{
	char where[PFX_PATH_MAX + 48];

	if (from[0])
		snprintf(where, sizeof(where), "cache %s, %lld s left", from,
			 (long long)(rec->expires - now));
	else
		snprintf(where, sizeof(where), "found now, not cached, "
			 "%lld s left", (long long)(rec->expires - now));
	switch (rec->source) {
	case PFX_SRC_PREF64:
		say("  from PREF64 (RFC 8781): %s (%s)", rec->origin, where);
		break;
	case PFX_SRC_RFC7050:
		say("  from RFC 7050: name server %s (%s)", rec->origin, where);
		break;
	default:
		if (rec->origin[0])
			say("  from the built-in default: name server %s has no "
			    "DNS64 (%s)", rec->origin, where);
		else
			say("  from the built-in default: no name server "
			    "answered (%s)", where);
		break;
	}
}

/* Where slot's prefix came from (not the discovered default). */
static void say_configured(const struct config *c, int slot)
{
	if (slot == 0 && c->default_env)
		say("  from --prefix or TNAT64_NAT64_PREFIX");
	else if (slot == 0)
		say("  from %s line %d", c->filename, c->prefix_line[0]);
	else
		say("  from %s line %d (path block of line %d)", c->filename,
		    c->prefix_line[slot], c->path_line[slot]);
}

/* The discovered default: the cache, or found now as the launcher does
 * (and cached); published in ps.  from gets the cache file ("" when not
 * cached). */
static void find_auto(const struct discover_opts *o, const struct config *c,
		      const struct disc_env *env, int64_t now,
		      struct pfx_record *rec, char *from, size_t fsize)
{
	struct disc_params p = o->params;

	p.v4_rewrite = pfxauto_rewrite_by_config;
	p.ctx = (void *)c;
	pfxauto_init(&ps.autop, &disc_libc_ops, env, &p, &c->prefixes[0]);
	if (disc_cache_read(&disc_libc_ops, env, now, rec, from, fsize) != 1) {
		int q = quiet;

		quiet = 1; /* the steps; the result is said below */
		discover_find(o, now, rec);
		if (discover_store(o, env, rec, from, fsize) < 0)
			from[0] = '\0';
		quiet = q;
	}
	pfxauto_set(&ps.autop, rec);
}

int status_main(const struct discover_opts *o, int argc, char **argv)
{
	struct tnconf conf = { 0 };
	const struct config *c;
	struct disc_env env;
	struct pfx_record rec;
	char from[PFX_PATH_MAX + 16] = "";
	char *host = NULL;
	uint32_t v4 = 0;
	unsigned port = 0;
	bool have_auto = false, works;
	int slot = -1, nat;
	int64_t now;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 s6;
	int rv4;

	if (argc > 1) {
		fprintf(stderr, "tnat64 status: one HOST[:PORT] at most\n");
		return 2;
	}
	if (argc == 1 && parse_target(argv[0], &v4, &port, &host))
		return 2;
	tnconf_setup_logging("tnat64 status");
	if (tnconf_load(&conf) < 0) {
		fprintf(stderr, "tnat64 status: out of memory\n");
		return 1;
	}
	c = conf.config;
	tnconf_report(c);
	disc_env_from_process(&env);
	now = disc_now(&disc_libc_ops);
	if (c->default_auto) {
		find_auto(o, c, &env, now, &rec, from, sizeof(from));
		have_auto = true;
	}

	if (!host) {
		struct pfxauto_view v;
		const struct nat64_prefix *p = &c->prefixes[0];
		bool known = !c->default_auto;

		if (have_auto && pfxauto_peek(&ps.autop, &v)) {
			p = &v.prefix;
			known = v.discovered;
		}
		say("default NAT64 prefix: %s", ptext(p));
		if (have_auto)
			say_record(&rec, from, now);
		else
			say_configured(c, 0);
		inet_pton(AF_INET, STATUS_PROBE_V4, &sin.sin_addr);
		sin.sin_port = htons(53);
		rv4 = route_to((struct sockaddr *)&sin, sizeof(sin), NULL);
		if (rv4 == -ENETUNREACH)
			say("IPv4: no route (IPv6-only host): IPv4 destinations "
			    "are translated");
		else
			say("IPv4: routed (%s): programs try IPv4 first and "
			    "are translated only where it has no route",
			    rv4 ? strerror(-rv4) : "default route");
		memset(&s6, 0, sizeof(s6));
		msgconv_v4_to_nat64(p, htonl(0xc00000aa), htons(53), &s6);
		if (route_to((struct sockaddr *)&s6, sizeof(s6), NULL) == 0) {
			say("IPv6 route to the prefix: yes");
		} else {
			say("IPv6 route to the prefix: none");
			known = false;
		}
		works = rv4 != -ENETUNREACH || known;
		if (!works)
			say("nothing works: no IPv4 route and no usable NAT64 "
			    "prefix (configure one: nat64_prefix in %s or "
			    "--prefix)", c->filename);
		tnconf_free(&conf);
		return works ? 0 : 1;
	}

	/* HOST: the decision a program's connect would get */
	nat = prefixes_route(&ps, c, v4, htons((uint16_t)port), &slot);
	if (nat && prefixes_synth(&ps, c, slot, v4, htons((uint16_t)port),
				  &s6) < 0)
		nat = 0;
	if (nat) {
		char a6[INET6_ADDRSTRLEN];
		struct pfxauto_view v;
		const struct nat64_prefix *p = policy_prefix(c, slot);

		if (prefixes_is_auto(c, slot) && pfxauto_peek(&ps.autop, &v))
			p = &v.prefix;
		inet_ntop(AF_INET6, &s6.sin6_addr, a6, sizeof(a6));
		say("%s port %u: NAT64 prefix %s -> [%s]:%u", host, port,
		    ptext(p), a6, port);
		if (prefixes_is_auto(c, slot))
			say_record(&rec, from, now);
		else
			say_configured(c, slot);
	} else if (policy_always_direct(v4)) {
		say("%s port %u: direct IPv4, never translated (loopback, "
		    "link-local, multicast or broadcast)", host, port);
	} else {
		int pi = -1;
		enum lookup_result lr = config_lookup(c, v4, (uint16_t)port,
						      &pi);
		size_t i;

		for (i = 0; lr == LOOKUP_LOCAL && i < c->nlocals; i++)
			if ((v4 & c->locals[i].mask) == c->locals[i].net)
				break;
		if (lr == LOOKUP_LOCAL && i < c->nlocals)
			say("%s port %u: direct IPv4 (local, %s line %d)", host,
			    port, c->filename, c->locals[i].line);
		else
			say("%s port %u: direct IPv4: the only prefix for it is "
			    "64:ff9b::/96, never used for a non-global address "
			    "(RFC 6052 section 3.1)", host, port);
		if (lr == LOOKUP_AUTO)
			say_record(&rec, from, now);
	}

	sin.sin_addr.s_addr = v4;
	sin.sin_port = htons((uint16_t)port);
	rv4 = route_to((struct sockaddr *)&sin, sizeof(sin), NULL);
	if (rv4 == -ENETUNREACH)
		say("IPv4 route to %s: none%s", v4text(v4),
		    nat ? " (programs are translated)" : "");
	else
		say("IPv4 route to %s: %s%s", v4text(v4),
		    rv4 ? strerror(-rv4) : "yes",
		    nat ? " (programs try IPv4 first)" : "");

	works = false;
	if (nat) {
		unsigned ms;
		int r = try_connect((struct sockaddr *)&s6, sizeof(s6), &ms);

		works = say_connect("through NAT64", r, ms, port) &&
			rv4 == -ENETUNREACH;
	}
	if (rv4 != -ENETUNREACH) {
		unsigned ms;
		int r = try_connect((struct sockaddr *)&sin, sizeof(sin), &ms);

		works = say_connect("direct (IPv4)", r, ms, port);
	} else if (!nat) {
		say("nothing works: no IPv4 route and no NAT64 prefix for %s",
		    v4text(v4));
	}
	tnconf_free(&conf);
	return works ? 0 : 1;
}
