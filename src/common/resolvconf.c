/* SPDX-License-Identifier: GPL-2.0-or-later */
/* resolv.conf(5) parser for prefix discovery: name servers, timeout and
 * attempts.  Pure code on a buffer. */
#include "resolvconf.h"
#include "addr.h"

#include <arpa/inet.h>
#include <string.h>

struct tok {
	const char *s;
	size_t n;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Split line [s, s+n) into at most max tokens; a token starting with # or
 * ; ends the line.  Returns the count (max + 1 when there were more). */
static size_t split(const char *s, size_t n, struct tok *t, size_t max)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t st;

		while (i < n && is_space(s[i]))
			i++;
		if (i == n || s[i] == '#' || s[i] == ';')
			break;
		st = i;
		while (i < n && !is_space(s[i]))
			i++;
		if (k == max)
			return max + 1;
		t[k].s = s + st;
		t[k].n = i - st;
		k++;
	}
	return k;
}

static bool tok_is(const struct tok *t, const char *w)
{
	size_t l = strlen(w);

	return t->n == l && memcmp(t->s, w, l) == 0;
}

static void add_error(struct resolv_conf *c, int line, const char *a,
		      const struct tok *t, const char *b)
{
	struct resolv_error *e;
	size_t n = 0, room;

	if (c->nerrors++ >= RESOLV_MAX_ERRORS)
		return;
	e = &c->errors[c->nerrors - 1];
	e->line = line;
	room = sizeof(e->msg) - 1;
	for (const char *p = a; *p && n < room; p++)
		e->msg[n++] = *p;
	if (t) {
		for (size_t i = 0; i < t->n && i < 40 && n < room; i++) {
			char ch = t->s[i];

			e->msg[n++] = ch >= 0x20 && ch < 0x7f ? ch : '?';
		}
	}
	for (const char *p = b ? b : ""; *p && n < room; p++)
		e->msg[n++] = *p;
	e->msg[n] = '\0';
}

/* Decimal digits only, value <= 999999. */
static bool parse_num(const char *s, size_t n, unsigned *v)
{
	unsigned long x = 0;

	if (n == 0 || n > 6)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (unsigned)(s[i] - '0');
	}
	*v = (unsigned)x;
	return true;
}

static bool scope_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	       c == ':' || c == '@';
}

static int parse_ns(const struct tok *t, struct resolv_ns *ns)
{
	char buf[64];
	const char *pct;
	size_t alen;

	memset(ns, 0, sizeof(*ns));
	if (t->n >= sizeof(buf))
		return -1;
	memcpy(buf, t->s, t->n);
	buf[t->n] = '\0';
	if (inet_pton(AF_INET, buf, &ns->sa.v4.sin_addr) == 1) {
		ns->family = AF_INET;
		ns->sa.v4.sin_family = AF_INET;
		ns->sa.v4.sin_port = htons(53);
		return 0;
	}
	pct = strchr(buf, '%');
	alen = pct ? (size_t)(pct - buf) : t->n;
	buf[alen] = '\0';
	if (inet_pton(AF_INET6, buf, &ns->sa.v6.sin6_addr) != 1)
		return -1;
	ns->family = AF_INET6;
	ns->sa.v6.sin6_family = AF_INET6;
	ns->sa.v6.sin6_port = htons(53);
	if (pct) {
		const char *sc = pct + 1;
		size_t sl = strlen(sc);
		unsigned id;

		if (sl == 0 || sl >= sizeof(ns->scope_name))
			return -1;
		if (parse_num(sc, sl, &id)) {
			ns->sa.v6.sin6_scope_id = id;
			return 0;
		}
		for (size_t i = 0; i < sl; i++)
			if (!scope_char_ok(sc[i]))
				return -1;
		memcpy(ns->scope_name, sc, sl + 1);
	}
	return 0;
}

static void parse_options(struct resolv_conf *c, int line, struct tok *t,
			  size_t nt)
{
	for (size_t i = 1; i < nt; i++) {
		unsigned v;

		if (t[i].n > 8 && memcmp(t[i].s, "timeout:", 8) == 0) {
			if (!parse_num(t[i].s + 8, t[i].n - 8, &v) || v == 0)
				add_error(c, line, "bad option '", &t[i],
					  "' (timeout:SECONDS, 1 or more)");
			else
				c->timeout_s = v > RESOLV_TIMEOUT_MAX
					? RESOLV_TIMEOUT_MAX : v;
		} else if (t[i].n > 9 && memcmp(t[i].s, "attempts:", 9) == 0) {
			if (!parse_num(t[i].s + 9, t[i].n - 9, &v) || v == 0)
				add_error(c, line, "bad option '", &t[i],
					  "' (attempts:N, 1 or more)");
			else
				c->attempts = v > RESOLV_ATTEMPTS_MAX
					? RESOLV_ATTEMPTS_MAX : v;
		} else if (tok_is(&t[i], "timeout:") ||
			   tok_is(&t[i], "attempts:")) {
			add_error(c, line, "option '", &t[i], "' without a value");
		}
		/* ndots:, rotate, edns0, single-request... are the C
		 * library's; they do not change how we ask */
	}
}

void resolv_conf_parse(const char *text, size_t len, struct resolv_conf *c)
{
	size_t off = 0;
	int line = 0;

	memset(c, 0, sizeof(*c));
	c->timeout_s = RESOLV_TIMEOUT_DEFAULT;
	c->attempts = RESOLV_ATTEMPTS_DEFAULT;
	while (text && off < len) {
		const char *s = text + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;
		struct tok t[16];
		size_t nt;

		off += n + (nl ? 1 : 0);
		line++;
		if (memchr(s, '\0', n)) {
			add_error(c, line, "NUL byte in the line", NULL, "");
			continue;
		}
		nt = split(s, n, t, 15);
		if (nt == 0)
			continue;
		if (tok_is(&t[0], "nameserver")) {
			struct resolv_ns ns;

			if (nt != 2) {
				add_error(c, line, "nameserver takes one "
					  "address", NULL, "");
				continue;
			}
			if (parse_ns(&t[1], &ns) < 0) {
				add_error(c, line, "bad name server address '",
					  &t[1], "'");
				continue;
			}
			ns.line = line;
			if (c->nns < RESOLV_MAXNS)
				c->ns[c->nns++] = ns;
			else
				c->nns_ignored++;
		} else if (tok_is(&t[0], "options")) {
			parse_options(c, line, t, nt > 15 ? 15 : nt);
		} else if (tok_is(&t[0], "domain") || tok_is(&t[0], "search") ||
			   tok_is(&t[0], "sortlist")) {
			/* not ours */
		} else {
			add_error(c, line, "unknown keyword '", &t[0], "'");
		}
	}
	if (c->nns == 0) {
		struct resolv_ns *ns = &c->ns[0];

		memset(ns, 0, sizeof(*ns));
		ns->family = AF_INET;
		ns->sa.v4.sin_family = AF_INET;
		ns->sa.v4.sin_port = htons(53);
		ns->sa.v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		c->nns = 1;
		c->ns_default = true;
	}
}

size_t resolv_ns_format(const struct resolv_ns *ns, char *buf, size_t size)
{
	char tmp[64 + 16];
	size_t n;

	if (ns->family == AF_INET) {
		n = fmt_ipv4(tmp, ns->sa.v4.sin_addr.s_addr);
	} else {
		n = fmt_ipv6(tmp, ns->sa.v6.sin6_addr.s6_addr);
		if (ns->scope_name[0]) {
			tmp[n++] = '%';
			memcpy(tmp + n, ns->scope_name,
			       strlen(ns->scope_name) + 1);
			n += strlen(ns->scope_name);
		} else if (ns->sa.v6.sin6_scope_id) {
			tmp[n++] = '%';
			n += fmt_uint(tmp + n, ns->sa.v6.sin6_scope_id);
		}
	}
	if (size == 0)
		return 0;
	if (n >= size)
		n = size - 1;
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return n;
}
