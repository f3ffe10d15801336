/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the discovery engine (pfxdisc.c).  The network is a fake
 * operations table (fake clock, fake name servers with scripted
 * behaviour), so server order, time bounds, reply checks and descriptor
 * hygiene are tested exactly; the cache uses the real file calls in a
 * temporary directory. */
#include "check.h"
#include "pfxdisc.h"
#include "dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ fake net */

enum behaviour {
	ANSWER,       /* AAAA for both WKAs under prefix */
	TWO_PREFIXES, /* AAAA under prefix and under prefix2 */
	SILENT,       /* never answers */
	NXDOMAIN,
	NODATA,       /* NOERROR, no AAAA, SOA minimum 120 */
	SERVFAIL,
	UNREACH,      /* connect fails with ENETUNREACH */
	STRAY_FIRST,  /* a reply from another address, then the real one */
	BADID_FIRST,  /* a reply with the wrong id, then the real one */
	NO_WKA,       /* AAAA answers without the well-known addresses */
	GARBAGE,      /* a malformed reply */
};

struct fserver {
	const char *addr;
	enum behaviour b;
	unsigned delay_ms;
	const char *prefix, *prefix2;
	int asked;
};

static struct fserver *servers;
static size_t nservers;
static int64_t fake_ms = 1000000;
static int open_fds, max_fds;

struct pending {
	bool used;
	int64_t ready;
	uint8_t msg[512];
	size_t len;
	struct sockaddr_in6 from6;
	struct sockaddr_in from4;
	int family;
};

static struct fsock {
	bool open;
	int family;
	int server;
	struct pending q[3];
} socks[16];

static int find_server(const struct sockaddr *sa)
{
	char t[64];

	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  t, sizeof(t));
	else
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, t,
			  sizeof(t));
	for (size_t i = 0; i < nservers; i++)
		if (strcmp(servers[i].addr, t) == 0)
			return (int)i;
	return -1;
}

static int f_socket(int d, int t, int p)
{
	(void)t;
	(void)p;
	for (int i = 0; i < 16; i++)
		if (!socks[i].open) {
			memset(&socks[i], 0, sizeof(socks[i]));
			socks[i].open = true;
			socks[i].family = d;
			socks[i].server = -1;
			open_fds++;
			if (open_fds > max_fds)
				max_fds = open_fds;
			return 100 + i;
		}
	errno = EMFILE;
	return -1;
}

static int f_connect(int fd, const struct sockaddr *sa, socklen_t l)
{
	struct fsock *s = &socks[fd - 100];
	int i = find_server(sa);

	(void)l;
	if (i < 0 || servers[i].b == UNREACH) {
		errno = ENETUNREACH;
		return -1;
	}
	s->server = i;
	return 0;
}

static size_t put_aaaa(uint8_t *m, size_t n, const char *prefix,
		       uint32_t v4)
{
	struct nat64_prefix p;
	uint8_t a[16];

	nat64_prefix_parse(prefix, &p);
	nat64_synth(&p, htonl(v4), a);
	m[n++] = 0xc0;
	m[n++] = 12;
	m[n++] = 0;
	m[n++] = 28;
	m[n++] = 0;
	m[n++] = 1;
	m[n++] = 0;
	m[n++] = 0;
	m[n++] = 0x02;
	m[n++] = 0x58; /* TTL 600 */
	m[n++] = 0;
	m[n++] = 16;
	memcpy(m + n, a, 16);
	return n + 16;
}

static size_t make_reply(const struct fserver *sv, const uint8_t *q,
			 size_t qlen, uint8_t *m)
{
	size_t n = qlen;

	memcpy(m, q, qlen);
	m[2] = 0x81;
	m[3] = 0x80;
	switch (sv->b) {
	case NXDOMAIN:
		m[3] |= 3;
		return n;
	case SERVFAIL:
		m[3] |= 2;
		return n;
	case NODATA: {
		static const uint8_t soa[] = {
			0xc0, 12, 0, 6, 0, 1, 0, 0, 0x0e, 0x10, 0, 22,
			0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
			0, 0, 0, 120,
		};
		m[9] = 1;
		memcpy(m + n, soa, sizeof(soa));
		return n + sizeof(soa);
	}
	case GARBAGE:
		m[7] = 5; /* five answers that are not there */
		return n;
	case NO_WKA:
		m[7] = 1;
		return put_aaaa(m, n, "2001:db8:64::/96", 0xc0000201);
	default:
		break;
	}
	m[7] = 2;
	n = put_aaaa(m, n, sv->prefix, 0xc00000aa);
	if (sv->b == TWO_PREFIXES)
		return put_aaaa(m, n, sv->prefix2, 0xc00000ab);
	return put_aaaa(m, n, sv->prefix, 0xc00000ab);
}

static void queue(struct fsock *s, const uint8_t *m, size_t len,
		  int64_t ready, const char *from)
{
	for (int i = 0; i < 3; i++)
		if (!s->q[i].used) {
			struct pending *p = &s->q[i];

			p->used = true;
			p->ready = ready;
			memcpy(p->msg, m, len);
			p->len = len;
			if (strchr(from, ':')) {
				p->family = AF_INET6;
				p->from6.sin6_family = AF_INET6;
				p->from6.sin6_port = htons(53);
				inet_pton(AF_INET6, from, &p->from6.sin6_addr);
			} else {
				p->family = AF_INET;
				p->from4.sin_family = AF_INET;
				p->from4.sin_port = htons(53);
				inet_pton(AF_INET, from, &p->from4.sin_addr);
			}
			return;
		}
}

static ssize_t f_sendto(int fd, const void *buf, size_t len, int fl,
			const struct sockaddr *sa, socklen_t sl)
{
	struct fsock *s = &socks[fd - 100];
	struct fserver *sv = &servers[s->server];
	uint8_t m[512];
	size_t n;

	(void)fl;
	(void)sa;
	(void)sl;
	sv->asked++;
	if (sv->b == SILENT)
		return (ssize_t)len;
	n = make_reply(sv, buf, len, m);
	if (sv->b == STRAY_FIRST)
		queue(s, m, n, fake_ms + 1,
		      s->family == AF_INET6 ? "2001:db8::666" : "203.0.113.66");
	if (sv->b == BADID_FIRST) {
		m[0] ^= 0xff;
		queue(s, m, n, fake_ms + 1, sv->addr);
		m[0] ^= 0xff;
	}
	queue(s, m, n, fake_ms + sv->delay_ms + 2, sv->addr);
	return (ssize_t)len;
}

static struct pending *first_pending(struct fsock *s)
{
	struct pending *best = NULL;

	for (int i = 0; i < 3; i++)
		if (s->q[i].used && (!best || s->q[i].ready < best->ready))
			best = &s->q[i];
	return best;
}

static int f_poll(struct pollfd *p, nfds_t n, int timeout)
{
	struct pending *q = first_pending(&socks[p[0].fd - 100]);

	(void)n;
	if (q && q->ready <= fake_ms + timeout) {
		if (q->ready > fake_ms)
			fake_ms = q->ready;
		p[0].revents = POLLIN;
		return 1;
	}
	fake_ms += timeout;
	return 0;
}

static ssize_t f_recvfrom(int fd, void *buf, size_t len, int fl,
			  struct sockaddr *sa, socklen_t *sl)
{
	struct pending *q = first_pending(&socks[fd - 100]);
	size_t n;

	(void)fl;
	if (!q) {
		errno = EAGAIN;
		return -1;
	}
	n = q->len < len ? q->len : len;
	memcpy(buf, q->msg, n);
	if (q->family == AF_INET6) {
		memcpy(sa, &q->from6, sizeof(q->from6));
		*sl = sizeof(q->from6);
	} else {
		memcpy(sa, &q->from4, sizeof(q->from4));
		*sl = sizeof(q->from4);
	}
	q->used = false;
	return (ssize_t)n;
}

static int f_close(int fd)
{
	if (fd >= 100 && fd < 116) {
		if (!socks[fd - 100].open)
			abort(); /* double close */
		socks[fd - 100].open = false;
		open_fds--;
		return 0;
	}
	return close(fd);
}

static int f_clock(clockid_t c, struct timespec *ts)
{
	if (c == CLOCK_REALTIME)
		return clock_gettime(c, ts);
	ts->tv_sec = fake_ms / 1000;
	ts->tv_nsec = (long)(fake_ms % 1000) * 1000000;
	return 0;
}

static struct disc_ops fops;

static bool rewrite(void *ctx, const struct sockaddr_in *s,
		    struct sockaddr_in6 *out)
{
	struct nat64_prefix p;

	(void)ctx;
	nat64_prefix_parse("2001:db8:64::/96", &p);
	nat64_synth(&p, s->sin_addr.s_addr, out->sin6_addr.s6_addr);
	return true;
}

/* ------------------------------------------------------------ cases */

static char tmpdir[64];

static const char *resolv(const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/resolv.conf", tmpdir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static const char *ptext(const struct nat64_prefix *p)
{
	static char b[64];

	inet_ntop(AF_INET6, p->addr, b, sizeof(b));
	snprintf(b + strlen(b), 8, "/%u", p->len);
	return b;
}

static struct disc_result run(struct fserver *sv, size_t n,
			      const char *conf, bool with_rewrite,
			      unsigned budget)
{
	struct disc_params p = { .resolv_conf = resolv(conf),
				 .budget_ms = budget };
	struct disc_result r;

	if (with_rewrite)
		p.v4_rewrite = rewrite;
	servers = sv;
	nservers = n;
	open_fds = 0;
	disc_rfc7050(&fops, &p, &r);
	return r;
}

static void test_engine(void)
{
	struct disc_result r;
	int64_t t0;

	{
		struct fserver sv[] = {
			{ "2001:db8::53", ANSWER, 10, "64:ff9b::/96", 0, 0 },
		};
		r = run(sv, 1, "nameserver 2001:db8::53\n", false, 0);
		CHECK_INT("answer: status", r.status, DISC_FOUND);
		CHECK_STR("answer: prefix", ptext(&r.prefix), "64:ff9b::/96");
		CHECK_STR("answer: server", r.server, "2001:db8::53");
		CHECK_INT("answer: TTL", r.ttl, 600);
		CHECK_INT("answer: one query", r.queries, 1);
		CHECK_INT("answer: descriptors closed", open_fds, 0);
	}
	{
		struct fserver sv[] = {
			{ "192.0.2.53", SILENT, 0, NULL, NULL, 0 },
			{ "2001:db8::53", ANSWER, 0, "2001:db8:64::/64", 0, 0 },
		};
		t0 = fake_ms;
		r = run(sv, 2, "options timeout:5 attempts:2\n"
			"nameserver 192.0.2.53\nnameserver 2001:db8::53\n",
			false, 0);
		CHECK_INT("silent first: status", r.status, DISC_FOUND);
		CHECK_STR("silent first: prefix", ptext(&r.prefix),
			  "2001:db8:64::/64");
		/* 2 servers x 2 attempts share 2000 ms: 500 ms per try */
		CHECK_INT("silent first: waited one try", fake_ms - t0 - 2, 500);
		CHECK_INT("silent first: descriptors closed", open_fds, 0);
	}
	{
		struct fserver sv[] = {
			{ "192.0.2.53", SILENT, 0, NULL, NULL, 0 },
			{ "192.0.2.54", SILENT, 0, NULL, NULL, 0 },
			{ "192.0.2.55", SILENT, 0, NULL, NULL, 0 },
		};
		t0 = fake_ms;
		r = run(sv, 3, "nameserver 192.0.2.53\nnameserver 192.0.2.54\n"
			"nameserver 192.0.2.55\n", false, 0);
		CHECK_INT("all silent: status", r.status, DISC_NO_ANSWER);
		CHECK("all silent: within the budget",
		      fake_ms - t0 <= DISC_BUDGET_MS);
		CHECK_INT("all silent: every server twice",
			  sv[0].asked + sv[1].asked + sv[2].asked, 6);
		CHECK("all silent: says why", strstr(r.why, "timeout") != NULL);
		CHECK_INT("all silent: descriptors closed", open_fds, 0);
	}
	{
		struct fserver sv[] = {
			{ "192.0.2.53", SILENT, 0, NULL, NULL, 0 },
		};
		t0 = fake_ms;
		r = run(sv, 1, "options timeout:30 attempts:5\n"
			"nameserver 192.0.2.53\n", false, 0);
		CHECK("one silent, long timeout: 2 tries of 1 s",
		      fake_ms - t0 == 2000 && sv[0].asked == 2);
	}
	{
		struct fserver sv[] = {
			{ "192.0.2.53", SILENT, 0, NULL, NULL, 0 },
		};
		t0 = fake_ms;
		r = run(sv, 1, "nameserver 192.0.2.53\n", false, 600);
		CHECK("budget 600 ms: respected", fake_ms - t0 <= 600);
	}
	{
		struct fserver sv[] = {
			{ "192.0.2.53", NXDOMAIN, 0, NULL, NULL, 0 },
			{ "192.0.2.54", ANSWER, 0, "64:ff9b::/96", 0, 0 },
		};
		r = run(sv, 2, "nameserver 192.0.2.53\nnameserver 192.0.2.54\n",
			false, 0);
		CHECK_INT("NXDOMAIN decides: status", r.status, DISC_NO_DNS64);
		CHECK_INT("NXDOMAIN decides: second not asked", sv[1].asked, 0);
		CHECK_INT("NXDOMAIN: no TTL", r.ttl, -1);
	}
	{
		struct fserver sv[] = {
			{ "192.0.2.53", NODATA, 0, NULL, NULL, 0 },
		};
		r = run(sv, 1, "nameserver 192.0.2.53\n", false, 0);
		CHECK_INT("NODATA: status", r.status, DISC_NO_DNS64);
		CHECK_INT("NODATA: SOA negative TTL", r.ttl, 120);
	}
	{
		struct fserver sv[] = {
			{ "192.0.2.53", SERVFAIL, 0, NULL, NULL, 0 },
			{ "192.0.2.54", GARBAGE, 0, NULL, NULL, 0 },
			{ "192.0.2.55", ANSWER, 0, "2001:db8:64::/48", 0, 0 },
		};
		r = run(sv, 3, "nameserver 192.0.2.53\nnameserver 192.0.2.54\n"
			"nameserver 192.0.2.55\n", false, 0);
		CHECK_INT("SERVFAIL and garbage skipped: status", r.status,
			  DISC_FOUND);
		CHECK_STR("SERVFAIL and garbage skipped: server", r.server,
			  "192.0.2.55");
	}
	{
		struct fserver sv[] = {
			{ "192.0.2.53", TWO_PREFIXES, 0, "2001:db8:64::/96",
			  "2001:db8:65::/96", 0 },
		};
		r = run(sv, 1, "nameserver 192.0.2.53\n", false, 0);
		CHECK("two prefixes: first used, second reported",
		      r.status == DISC_FOUND && r.nprefixes == 2 &&
		      strcmp(ptext(&r.prefix), "2001:db8:64::/96") == 0 &&
		      strcmp(ptext(&r.others[0]), "2001:db8:65::/96") == 0);
	}
	{
		struct fserver sv[] = {
			{ "192.0.2.53", NO_WKA, 0, NULL, NULL, 0 },
		};
		r = run(sv, 1, "nameserver 192.0.2.53\n", false, 0);
		CHECK("answers without WKA: no DNS64",
		      r.status == DISC_NO_DNS64 && r.nignored == 1 &&
		      r.ttl == 600);
	}
	{
		struct fserver sv[] = {
			{ "2001:db8::53", STRAY_FIRST, 5, "64:ff9b::/96", 0, 0 },
			{ "192.0.2.53", BADID_FIRST, 5, "2001:db8:64::/96", 0,
			  0 },
		};
		r = run(sv, 2, "nameserver 2001:db8::53\n", false, 0);
		CHECK("reply from another address ignored",
		      r.status == DISC_FOUND &&
		      strcmp(ptext(&r.prefix), "64:ff9b::/96") == 0);
		r = run(sv, 2, "nameserver 192.0.2.53\n", false, 0);
		CHECK("reply with another id ignored",
		      r.status == DISC_FOUND &&
		      strcmp(ptext(&r.prefix), "2001:db8:64::/96") == 0);
	}
	{
		/* IPv4 server unreachable; the hook rewrites it through a
		 * configured prefix, where the fake server answers */
		struct fserver sv[] = {
			{ "192.0.2.53", UNREACH, 0, NULL, NULL, 0 },
			{ "2001:db8:64::c000:235", ANSWER, 0,
			  "2001:db8:64::/96", 0, 0 },
		};
		r = run(sv, 2, "nameserver 192.0.2.53\n", false, 0);
		CHECK("unreachable IPv4 server without hook: no answer",
		      r.status == DISC_NO_ANSWER && r.queries == 0 &&
		      strstr(r.why, "unreachable"));
		r = run(sv, 2, "nameserver 192.0.2.53\n", true, 0);
		CHECK("unreachable IPv4 server through the hook",
		      r.status == DISC_FOUND && sv[1].asked == 1 &&
		      strcmp(r.server, "192.0.2.53") == 0);
		CHECK_INT("hook: descriptors closed", open_fds, 0);
	}
	{
		struct fserver sv[] = {
			{ "127.0.0.1", ANSWER, 0, "64:ff9b::/96", 0, 0 },
		};
		r = run(sv, 1, "# nothing\n", false, 0);
		CHECK("no nameserver line: 127.0.0.1",
		      r.status == DISC_FOUND && sv[0].asked == 1);
	}
	CHECK("never more than one descriptor at a time", max_fds == 1);
}

/* ------------------------------------------------------------ cache */

static void test_cache(void)
{
	char xdg[96], path[160], where[300];
	struct disc_env env;
	struct pfx_record rec, back;
	struct nat64_prefix p;
	struct stat st;
	int64_t now = disc_now(&disc_libc_ops);
	FILE *f;

	snprintf(xdg, sizeof(xdg), "%s/xdg", tmpdir);
	mkdir(xdg, 0700);
	memset(&env, 0, sizeof(env));
	env.euid = geteuid() ? geteuid() : 4242; /* a user, even as root */
	env.xdg = xdg;
	env.run_user = "/nonexistent";
	env.tmp = tmpdir;
	env.sysdir = "/nonexistent/sys";
	if (geteuid() == 0 && chown(xdg, env.euid, 0) < 0)
		abort();

	nat64_prefix_parse("2001:db8:64::/96", &p);
	pfx_record_make(&rec, &p, PFX_SRC_RFC7050, "2001:db8::53", now, 600);
	CHECK_INT("cache: nothing yet",
		  disc_cache_read(&disc_libc_ops, &env, now, &back, NULL, 0),
		  0);
	CHECK_INT("cache: write",
		  disc_cache_write(&disc_libc_ops, &env, &rec, where,
				   sizeof(where)), 0);
	snprintf(path, sizeof(path), "%s/tnat64/prefix", xdg);
	CHECK_STR("cache: written where expected", where, path);
	CHECK("cache: file 0644, dir 0700",
	      stat(path, &st) == 0 && (st.st_mode & 07777) == 0644 &&
	      stat(where, &st) == 0);
	snprintf(where, sizeof(where), "%s/tnat64", xdg);
	CHECK("cache: dir 0700", stat(where, &st) == 0 &&
	      (st.st_mode & 07777) == 0700);
	CHECK("cache: read back",
	      disc_cache_read(&disc_libc_ops, &env, now, &back, NULL, 0) == 1 &&
	      nat64_prefix_equal(&back.prefix, &p));
	CHECK_INT("cache: expired",
		  disc_cache_read(&disc_libc_ops, &env, now + 600, &back, NULL,
				  0), 0);

	/* world-writable file: ignored */
	if (geteuid() != 0) {
		chmod(path, 0666);
		CHECK_INT("cache: world-writable file ignored",
			  disc_cache_read(&disc_libc_ops, &env, now, &back, NULL,
					  0), 0);
		chmod(path, 0644);
	}
	/* garbage: ignored, then replaced by a write */
	f = fopen(path, "w");
	fputs("garbage\n", f);
	fclose(f);
	CHECK_INT("cache: garbage ignored",
		  disc_cache_read(&disc_libc_ops, &env, now, &back, NULL, 0), 0);
	CHECK_INT("cache: write replaces garbage",
		  disc_cache_write(&disc_libc_ops, &env, &rec, NULL, 0), 0);
	CHECK_INT("cache: read after replacing",
		  disc_cache_read(&disc_libc_ops, &env, now, &back, NULL, 0), 1);
	/* a symlink in place of the file is not followed */
	unlink(path);
	if (symlink("/etc/hostname", path) == 0) {
		CHECK_INT("cache: symlink not followed",
			  disc_cache_read(&disc_libc_ops, &env, now, &back, NULL,
					  0), 0);
		CHECK_INT("cache: write replaces the symlink itself",
			  disc_cache_write(&disc_libc_ops, &env, &rec, NULL, 0),
			  0);
		CHECK("cache: now a regular file",
		      lstat(path, &st) == 0 && S_ISREG(st.st_mode));
	}
	/* secure-execution processes never write */
	env.secure = true;
	CHECK_INT("cache: secure process does not write",
		  disc_cache_write(&disc_libc_ops, &env, &rec, NULL, 0),
		  -EPERM);
	env.secure = false;
	/* XDG dir writable by others: falls back to tmp/tnat64-UID */
	chmod(xdg, 0777);
	CHECK_INT("cache: untrusted XDG_RUNTIME_DIR -> fallback write",
		  disc_cache_write(&disc_libc_ops, &env, &rec, where,
				   sizeof(where)), 0);
	snprintf(path, sizeof(path), "%s/tnat64-%u/prefix", tmpdir,
		 (unsigned)env.euid);
	CHECK_STR("cache: fallback path", where, path);
	chmod(xdg, 0700);

	/* negative record and its lifetime through disc_obtain's pieces */
	{
		struct disc_result r;

		memset(&r, 0, sizeof(r));
		r.status = DISC_NO_ANSWER;
		r.ttl = -1;
		disc_result_record(&r, now, &rec);
		CHECK("negative record from a timeout",
		      !rec.have_prefix && rec.expires - rec.obtained ==
		      PFX_NEG_DEFAULT);
	}
}

static void test_obtain(void)
{
	struct fserver sv[] = {
		{ "2001:db8::53", ANSWER, 0, "2001:db8:64::/56", 0, 0 },
	};
	char xdg[96];
	struct disc_env env;
	struct disc_params p = { .resolv_conf =
					 resolv("nameserver 2001:db8::53\n") };
	struct disc_result res;
	struct pfx_record rec;

	snprintf(xdg, sizeof(xdg), "%s/xdg2", tmpdir);
	mkdir(xdg, 0700);
	memset(&env, 0, sizeof(env));
	env.euid = geteuid() ? geteuid() : 4242;
	env.xdg = xdg;
	env.run_user = "/nonexistent";
	env.tmp = "/nonexistent";
	env.sysdir = "/nonexistent/sys";
	if (geteuid() == 0 && chown(xdg, env.euid, 0) < 0)
		abort();
	servers = sv;
	nservers = 1;
	CHECK_INT("obtain: first discovers", disc_obtain(&fops, &env, &p, &rec,
							 &res), 1);
	CHECK_INT("obtain: one query", res.queries, 1);
	CHECK_INT("obtain: second from the cache",
		  disc_obtain(&fops, &env, &p, &rec, &res), 1);
	CHECK("obtain: no query the second time",
	      res.queries == 0 && sv[0].asked == 1 && rec.prefix.len == 56);
	CHECK_STR("obtain: origin", rec.origin, "2001:db8::53");
}

int main(void)
{
	char cmd[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tnat64-unit.XXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	fops = disc_libc_ops;
	fops.socket = f_socket;
	fops.connect = f_connect;
	fops.sendto = f_sendto;
	fops.recvfrom = f_recvfrom;
	fops.poll = f_poll;
	fops.close = f_close;
	fops.clock_gettime = f_clock;
	test_engine();
	test_cache();
	test_obtain();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return 1;
	return check_exit();
}
