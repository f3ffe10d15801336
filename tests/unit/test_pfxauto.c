/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the discovered default prefix of a process (pfxauto.c) and
 * the prefix set of a mechanism (prefixes.c).  One fake name server (a
 * DNS64 whose prefix the test changes, or no DNS64, or silence) behind a
 * fake operations table with a fake clock; the cache files are real, in
 * a temporary directory, so that two struct pfxauto play two processes
 * of one user. */
#include "check.h"
#include "dns.h"
#include "msgconv.h"
#include "pfxauto.h"
#include "prefixes.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ fake net */

enum mode { DNS64, NODNS64, SILENT, SANDBOX };

static enum mode mode = DNS64;
static const char *server_prefix = "2001:db8:64::/96";
static unsigned server_ttl = 600;
static int queries;
static int64_t fake_ms = 5000000;      /* CLOCK_MONOTONIC */
static int64_t fake_s = 1800000000;    /* CLOCK_REALTIME */
static uint8_t pending[512];
static size_t pending_len;
static int sock_open;

static int f_socket(int d, int t, int p)
{
	(void)d, (void)t, (void)p;
	if (mode == SANDBOX) {
		errno = EPERM;
		return -1;
	}
	sock_open++;
	pending_len = 0;
	return 900;
}

static int f_connect(int fd, const struct sockaddr *sa, socklen_t l)
{
	(void)fd, (void)sa, (void)l;
	return 0;
}

static size_t put16(uint8_t *m, size_t n, unsigned v)
{
	m[n] = (uint8_t)(v >> 8);
	m[n + 1] = (uint8_t)v;
	return n + 2;
}

/* The reply to query q: two AAAA records synthesized from 192.0.0.170
 * and .171 under server_prefix (DNS64), or none (NODATA). */
static ssize_t f_sendto(int fd, const void *buf, size_t len, int fl,
			const struct sockaddr *sa, socklen_t l)
{
	const uint8_t *q = buf;
	uint8_t *m = pending;
	size_t n;

	(void)fd, (void)fl, (void)sa, (void)l;
	queries++;
	if (mode == SILENT)
		return (ssize_t)len;
	memcpy(m, q, len);     /* id, question */
	m[2] = 0x81;           /* QR, RD */
	m[3] = 0x80;           /* RA, NOERROR */
	n = len;
	if (mode == DNS64) {
		struct nat64_prefix p;

		nat64_prefix_parse(server_prefix, &p);
		m[7] = 2;      /* ANCOUNT */
		for (unsigned i = 0; i < 2; i++) {
			uint8_t a[16];

			nat64_synth(&p, htonl(0xc00000aa + i), a);
			n = put16(m, n, 0xc00c);
			n = put16(m, n, DNS_TYPE_AAAA);
			n = put16(m, n, 1);
			n = put16(m, n, server_ttl >> 16);
			n = put16(m, n, server_ttl & 0xffff);
			n = put16(m, n, 16);
			memcpy(m + n, a, 16);
			n += 16;
		}
	}
	pending_len = n;
	return (ssize_t)len;
}

static int f_poll(struct pollfd *p, nfds_t n, int timeout)
{
	if (n && pending_len) {
		p[0].revents = POLLIN;
		return 1;
	}
	fake_ms += timeout > 0 ? timeout : 1;
	return 0;
}

static ssize_t f_recvfrom(int fd, void *buf, size_t len, int fl,
			  struct sockaddr *sa, socklen_t *sl)
{
	struct sockaddr_in6 from = { .sin6_family = AF_INET6,
				     .sin6_port = htons(53) };
	size_t k = pending_len < len ? pending_len : len;

	(void)fd, (void)fl;
	inet_pton(AF_INET6, "2001:db8::53", &from.sin6_addr);
	memcpy(buf, pending, k);
	pending_len = 0;
	if (sa && sl) {
		memcpy(sa, &from, sizeof(from));
		*sl = sizeof(from);
	}
	return (ssize_t)k;
}

static int f_close(int fd)
{
	if (fd == 900) {
		sock_open--;
		return 0;
	}
	return close(fd);
}

static int f_clock(clockid_t c, struct timespec *ts)
{
	int64_t ms = c == CLOCK_REALTIME ? fake_s * 1000 : fake_ms;

	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (ms % 1000) * 1000000;
	return 0;
}

static struct disc_ops fops;
static char tmpdir[64], xdg[96], resolv[128];

/* A process of the test user: its own struct pfxauto, the same cache. */
static void process(struct pfxauto *a)
{
	struct disc_env env;
	struct disc_params p = { .resolv_conf = resolv };

	memset(a, 0, sizeof(*a));
	memset(&env, 0, sizeof(env));
	env.euid = geteuid() ? geteuid() : 4242;
	env.xdg = xdg;
	env.run_user = "/nonexistent";
	env.tmp = "/nonexistent";
	env.sysdir = "/nonexistent/sys";
	pfxauto_init(a, &fops, &env, &p, NULL);
}

static bool is(const struct nat64_prefix *p, const char *text)
{
	struct nat64_prefix want;

	return nat64_prefix_parse(text, &want) == 0 &&
	       nat64_prefix_equal(p, &want);
}

static uint32_t v4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* ------------------------------------------------------------ tests */

static void test_discover_and_share(void)
{
	static struct pfxauto a, b;
	struct pfxauto_view v;
	struct pfx_record rec;
	unsigned g1;

	process(&a);
	pfxauto_load(&a);
	CHECK("load: nothing cached, nothing published", !pfxauto_peek(&a, &v));
	CHECK_INT("load: reads files only", queries, 0);
	CHECK("due without a record", pfxauto_due(&a));

	pfxauto_get(&a, &v);
	CHECK("get: discovers", v.discovered &&
	      is(&v.prefix, "2001:db8:64::/96") && v.gen > 0);
	CHECK_INT("get: one query", queries, 1);
	CHECK_INT("get: socket closed", sock_open, 0);
	g1 = v.gen;
	pfxauto_get(&a, &v);
	CHECK("get again: the same, no query", queries == 1 && v.gen == g1);
	CHECK("record: RFC 7050 from the server",
	      pfxauto_record(&a, &rec) && rec.source == PFX_SRC_RFC7050 &&
	      strcmp(rec.origin, "2001:db8::53") == 0 &&
	      rec.expires - rec.obtained == 600);

	/* a second process reads what the first cached */
	process(&b);
	pfxauto_load(&b);
	CHECK("second process: from the cache, no query",
	      pfxauto_peek(&b, &v) && v.discovered &&
	      is(&v.prefix, "2001:db8:64::/96") && queries == 1);

	/* the network's prefix changes: translations through the old one
	 * fail as unreachable */
	server_prefix = "2001:db8:65::/64";
	fake_s += 2;
	pfxauto_unreachable(&a, g1 + 100); /* an older record: ignored */
	CHECK("unreachable through another record: not due", !pfxauto_due(&a));
	pfxauto_unreachable(&a, g1);
	CHECK("unreachable within the retry interval: rate limited",
	      !pfxauto_due(&a));
	pfxauto_get(&a, &v);
	CHECK("rate limited: old prefix, no query",
	      is(&v.prefix, "2001:db8:64::/96") && queries == 1);
	fake_s += PFXAUTO_RETRY_S;
	CHECK("after the retry interval: due", pfxauto_due(&a));
	pfxauto_get(&a, &v);
	CHECK("rediscovered: the new prefix (the cache's old record skipped)",
	      is(&v.prefix, "2001:db8:65::/64") && v.gen != g1 && queries == 2);
	CHECK("not due any more", !pfxauto_due(&a));

	/* the other process: its record is stale too; its own unreachable
	 * error finds the newer record in the cache, no query */
	pfxauto_unreachable(&b, 0);
	pfxauto_get(&b, &v);
	CHECK("second process: the newer cached record, no query",
	      is(&v.prefix, "2001:db8:65::/64") && queries == 2);

	/* expiry: the cache is stale too, so the next translation asks */
	fake_s += 600;
	CHECK("expired: due", pfxauto_due(&a));
	pfxauto_get(&a, &v);
	CHECK("expired: asked again", queries == 3 &&
	      is(&v.prefix, "2001:db8:65::/64"));
	pfxauto_get(&b, &v);
	CHECK("expired, second process: the first one's fresh record",
	      queries == 3 && is(&v.prefix, "2001:db8:65::/64"));
}

static void test_negative(void)
{
	static struct pfxauto a, b;
	struct pfxauto_view v;
	struct pfx_record rec;
	char path[200];

	fake_s += 4000;
	mode = NODNS64;
	process(&a);
	pfxauto_load(&a); /* expired record: not published */
	CHECK("negative: nothing fresh cached", !pfxauto_peek(&a, &v));
	pfxauto_get(&a, &v);
	CHECK("no DNS64: the fallback, 64:ff9b::/96",
	      !v.discovered && nat64_prefix_is_wkp(&v.prefix) && queries == 4);
	CHECK("no DNS64: negative record, 60 s without an SOA",
	      pfxauto_record(&a, &rec) && !rec.have_prefix &&
	      rec.expires - rec.obtained == PFX_NEG_DEFAULT);
	process(&b);
	pfxauto_load(&b);
	pfxauto_get(&b, &v);
	CHECK("no DNS64: the second process does not ask again",
	      !v.discovered && queries == 4);

	/* a DNS64 that stops answering after unreachable errors: the
	 * prefix known is kept until it expires */
	mode = DNS64;
	fake_s += 100;
	pfxauto_get(&a, &v);
	CHECK("DNS64 again after expiry", v.discovered && queries == 5);
	mode = SILENT;
	fake_s += PFXAUTO_RETRY_S;
	pfxauto_unreachable(&a, 0);
	pfxauto_get(&a, &v);
	CHECK("silent after unreachable: prefix kept",
	      v.discovered && is(&v.prefix, "2001:db8:65::/64") &&
	      queries == 7); /* two tries of the one server */
	CHECK("silent after unreachable: the cache keeps the prefix",
	      disc_cache_read(&fops, &a.env, fake_s, &rec, path,
			      sizeof(path)) == 1 && rec.have_prefix);

	/* a sandbox refusing sockets: the fallback, nothing cached */
	fake_s += 4000;
	mode = SANDBOX;
	process(&a);
	pfxauto_get(&a, &v);
	CHECK("sandbox: fallback, never a failure",
	      !v.discovered && nat64_prefix_is_wkp(&v.prefix));
	CHECK("sandbox: no query sent, nothing written to the cache",
	      queries == 7 &&
	      disc_cache_read(&fops, &a.env, fake_s, &rec, path,
			      sizeof(path)) == 0);
	mode = DNS64;
}

static void test_claim(void)
{
	static struct pfxauto a;
	struct pfxauto_view v;
	int64_t t0;

	fake_s += 4000;
	process(&a);
	/* another thread holds the claim (a refresh in progress): the
	 * caller waits for it at most its deadline, then falls back */
	atomic_store(&a.busy, fake_ms + 3000);
	t0 = fake_ms;
	pfxauto_get(&a, &v);
	CHECK("claim held: waits a bounded time, falls back",
	      !v.discovered && fake_ms - t0 <= 3000 + DISC_BUDGET_MS + 1500 &&
	      queries == 7);
	/* a claim left behind (a fork during a refresh) runs out */
	fake_ms += 10000;
	pfxauto_get(&a, &v);
	CHECK("claim expired: discovers", v.discovered && queries == 8);
	CHECK_INT("claim released", atomic_load(&a.busy), 0);
}

static void test_prefixes(void)
{
	static struct prefixes ps;
	static char arena[1 << 16];
	const char text[] = "path {\nsubnet = 203.0.113.0/24\n"
			    "nat64_prefix = 2001:db8:99::/96\n}\n";
	struct config *c = config_parse(text, sizeof(text) - 1, "t.conf",
					arena, sizeof(arena));
	struct sockaddr_in6 s6, want;
	struct sockaddr_in back;
	struct nat64_prefix p;
	int slot;

	fake_s += 4000;
	server_prefix = "2001:db8:64::/96";
	process(&ps.autop);
	CHECK("prefixes: config auto", c && c->default_auto);
	CHECK("route before anything is known: tentatively NAT64",
	      prefixes_route(&ps, c, v4("198.51.100.10"), htons(80), &slot) &&
	      slot == 0);
	CHECK("route: the path keeps its prefix",
	      prefixes_route(&ps, c, v4("203.0.113.5"), htons(80), &slot) &&
	      slot == 1);
	policy_cache_set(&ps.cache, 0, POLICY_NAT64_WORKS);
	CHECK_INT("synth: discovers",
		  prefixes_synth(&ps, c, 0, v4("198.51.100.10"), htons(80),
				 &s6), 0);
	nat64_prefix_parse("2001:db8:64::/96", &p);
	msgconv_v4_to_nat64(&p, v4("198.51.100.10"), htons(80), &want);
	CHECK("synth: the discovered prefix",
	      memcmp(&s6.sin6_addr, &want.sin6_addr, 16) == 0 &&
	      s6.sin6_port == htons(80));
	CHECK("synth: a new prefix forgets the slot's state",
	      policy_cache_get(&ps.cache, 0) == POLICY_DIRECT_FIRST);
	CHECK_INT("to_v4: slot 0 is the discovered prefix",
		  prefixes_to_v4(&ps, c, &s6, 0, &back), 0);
	CHECK("to_v4: the address", back.sin_addr.s_addr ==
	      v4("198.51.100.10"));
	msgconv_v4_to_nat64(c->prefixes + 1, v4("203.0.113.5"), htons(1),
			    &want);
	CHECK_INT("to_v4: a path prefix keeps its slot",
		  prefixes_to_v4(&ps, c, &want, -1, &back), 1);
	CHECK_INT("to_v4: preferring the path", prefixes_to_v4(&ps, c, &want,
							       1, &back), 1);
	CHECK_INT("after: unreachable through slot 0 -> direct first",
		  prefixes_after(&ps, c, 0, POLICY_CONNECT, -ENETUNREACH),
		  POLICY_DIRECT_FIRST);
	CHECK("after: and a rediscovery is asked for",
	      atomic_load(&ps.autop.stale));
	CHECK_INT("after: unreachable through a path: no rediscovery",
		  (atomic_store(&ps.autop.stale, false),
		   prefixes_after(&ps, c, 1, POLICY_CONNECT, -EHOSTUNREACH)),
		  POLICY_DIRECT_FIRST);
	CHECK("after: path errors leave the discovered prefix alone",
	      !atomic_load(&ps.autop.stale));
	{
		/* ICMP errors: the discovered prefix in slot 0, the path's
		 * after it; no room for a copy: the configuration's array */
		struct nat64_prefix buf[4];
		const struct nat64_prefix *l;
		size_t n = 0;
		uint32_t got = 0;
		struct msgconv_pfx mp;

		l = prefixes_list(&ps, c, buf, 4, &n);
		CHECK("list: a copy, slot 0 discovered",
		      l == buf && n == 2 && memcmp(l[0].addr, p.addr, 16) == 0 &&
		      l[0].len == 96 &&
		      memcmp(l[1].addr, c->prefixes[1].addr, 16) == 0);
		mp = (struct msgconv_pfx){ l, n, -1 };
		CHECK("list: an embedded address found",
		      msgconv_v4_of(s6.sin6_addr.s6_addr, &got, &mp) &&
		      got == v4("198.51.100.10"));
		l = prefixes_list(&ps, c, buf, 1, &n);
		CHECK("list: too many slots, the configuration's",
		      l == c->prefixes && n == 2);
		CHECK("list: no configuration",
		      prefixes_list(&ps, NULL, buf, 4, &n) == NULL && n == 0);
	}

	/* no DNS64: the fallback is the well-known prefix, which is never
	 * used for a non-global address */
	fake_s += 4000;
	mode = NODNS64;
	process(&ps.autop);
	CHECK_INT("fallback: non-global destination, no prefix applies",
		  prefixes_synth(&ps, c, 0, v4("198.51.100.10"), htons(80),
				 &s6), -ENETUNREACH);
	CHECK("fallback known: route says direct for it",
	      !prefixes_route(&ps, c, v4("198.51.100.10"), htons(80), &slot) &&
	      slot == -1);
	CHECK("fallback: a global destination goes through 64:ff9b::/96",
	      prefixes_route(&ps, c, v4("8.8.8.8"), htons(53), &slot) &&
	      prefixes_synth(&ps, c, slot, v4("8.8.8.8"), htons(53),
			     &s6) == 0 && s6.sin6_addr.s6_addr[1] == 0x64 &&
	      s6.sin6_addr.s6_addr[2] == 0xff);
	mode = DNS64;

	/* a configured default never looks at discovery */
	{
		const char t2[] = "nat64_prefix = 2001:db8:46::/96\n";
		struct config *c2 = config_parse(t2, sizeof(t2) - 1, "t2",
						 arena, sizeof(arena));
		int q = queries;

		process(&ps.autop);
		CHECK("explicit default: slot 0 is the file's",
		      prefixes_route(&ps, c2, v4("198.51.100.10"), htons(80),
				     &slot) && slot == 0 &&
		      prefixes_synth(&ps, c2, 0, v4("198.51.100.10"), htons(80),
				     &s6) == 0 && s6.sin6_addr.s6_addr[5] == 0x46 &&
		      queries == q && !pfxauto_peek(&ps.autop,
						    &(struct pfxauto_view){0}));
	}
}

static void test_rewrite(void)
{
	static char arena[1 << 16];
	const char text[] = "nat64_prefix = auto\npath {\n"
			    "subnet = 198.51.100.0/24\n"
			    "nat64_prefix = 2001:db8:64::/96\n}\n";
	struct config *c = config_parse(text, sizeof(text) - 1, "t.conf",
					arena, sizeof(arena));
	struct sockaddr_in ns = { .sin_family = AF_INET,
				  .sin_port = htons(53) };
	struct sockaddr_in6 out;

	memset(&out, 0, sizeof(out));
	ns.sin_addr.s_addr = v4("198.51.100.1");
	CHECK("rewrite: a path's prefix serves an IPv4 name server",
	      pfxauto_rewrite_by_config(c, &ns, &out) &&
	      out.sin6_addr.s6_addr[15] == 1 && out.sin6_addr.s6_addr[5] == 0x64);
	ns.sin_addr.s_addr = v4("8.8.8.8");
	CHECK("rewrite: not the discovered default",
	      !pfxauto_rewrite_by_config(c, &ns, &out));
}

int main(void)
{
	char cmd[128];
	FILE *f;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tnat64-unit.XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(xdg, sizeof(xdg), "%s/xdg", tmpdir);
	mkdir(xdg, 0700);
	if (geteuid() == 0 && chown(xdg, 4242, 0) < 0)
		return 1;
	snprintf(resolv, sizeof(resolv), "%s/resolv.conf", tmpdir);
	f = fopen(resolv, "w");
	if (!f)
		return 1;
	fputs("nameserver 2001:db8::53\n", f);
	fclose(f);
	fops = disc_libc_ops;
	fops.socket = f_socket;
	fops.connect = f_connect;
	fops.sendto = f_sendto;
	fops.recvfrom = f_recvfrom;
	fops.poll = f_poll;
	fops.close = f_close;
	fops.clock_gettime = f_clock;
	test_discover_and_share();
	test_negative();
	test_claim();
	test_prefixes();
	test_rewrite();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return 1;
	return check_exit();
}
