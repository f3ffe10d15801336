/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Discovered-prefix cache records: format, lifetimes, trust, locations.
 * Pure code (see pfxcache.h for the format and the rules). */
#include "pfxcache.h"
#include "addr.h"

#include <errno.h>
#include <string.h>

#define MAGIC "tnat64-prefix-cache 1"

const char *pfx_source_name(enum pfx_source s)
{
	switch (s) {
	case PFX_SRC_RFC7050:
		return "rfc7050";
	case PFX_SRC_PREF64:
		return "pref64";
	default:
		return "none";
	}
}

static bool origin_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '%' ||
	       c == '_' || c == '/' || c == '@' || c == '-';
}

static long long clamp(long long v, long long lo, long long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void pfx_record_make(struct pfx_record *rec, const struct nat64_prefix *p,
		     enum pfx_source source, const char *origin, int64_t now,
		     long long ttl)
{
	size_t n = 0;

	memset(rec, 0, sizeof(*rec));
	rec->have_prefix = p != NULL;
	if (p)
		rec->prefix = *p;
	rec->source = p ? source : PFX_SRC_NONE;
	for (const char *o = origin ? origin : ""; *o && n + 1 < PFX_ORIGIN_MAX;
	     o++)
		rec->origin[n++] = origin_char_ok(*o) ? *o : '_';
	rec->origin[n] = '\0';
	if (p)
		ttl = clamp(ttl < 0 ? 0 : ttl, PFX_TTL_MIN, PFX_TTL_MAX);
	else
		ttl = ttl < 0 ? PFX_NEG_DEFAULT
			      : clamp(ttl, PFX_NEG_MIN, PFX_NEG_MAX);
	rec->obtained = now;
	rec->expires = now + ttl;
}

static size_t fmt_prefix(char *buf, const struct nat64_prefix *p)
{
	size_t n = fmt_ipv6(buf, p->addr);

	buf[n++] = '/';
	n += fmt_uint(buf + n, p->len);
	return n;
}

static bool suffix_zero(const struct nat64_prefix *p)
{
	for (int i = 0; i < 16; i++)
		if (p->suffix[i])
			return false;
	return true;
}

struct sb {
	char *b;
	size_t size, n;
	bool over;
};

static void sb_put(struct sb *s, const char *t, size_t l)
{
	if (s->n + l >= s->size) {
		s->over = true;
		return;
	}
	memcpy(s->b + s->n, t, l);
	s->n += l;
	s->b[s->n] = '\0';
}

static void sb_str(struct sb *s, const char *t)
{
	sb_put(s, t, strlen(t));
}

static void sb_num(struct sb *s, int64_t v)
{
	char tmp[24];

	sb_put(s, tmp, fmt_uint(tmp, (unsigned long long)v));
}

static bool record_valid(const struct pfx_record *r)
{
	size_t ol = strnlen(r->origin, PFX_ORIGIN_MAX);

	if (ol == PFX_ORIGIN_MAX)
		return false;
	for (size_t i = 0; i < ol; i++)
		if (!origin_char_ok(r->origin[i]))
			return false;
	if (r->have_prefix != (r->source != PFX_SRC_NONE))
		return false;
	if (r->source != PFX_SRC_NONE && ol == 0)
		return false;
	if (r->source > PFX_SRC_PREF64)
		return false;
	if (r->have_prefix && !nat64_prefix_len_valid(r->prefix.len))
		return false;
	if (r->obtained <= 0 || r->expires <= r->obtained ||
	    r->expires - r->obtained >
		    (r->have_prefix ? PFX_TTL_MAX : PFX_NEG_MAX))
		return false;
	return true;
}

int pfx_record_format(const struct pfx_record *rec, char *buf, size_t size)
{
	struct sb s = { buf, size, 0, false };
	char tmp[64];

	if (!buf || size == 0 || !record_valid(rec))
		return -EINVAL;
	buf[0] = '\0';
	sb_str(&s, MAGIC "\nprefix ");
	if (rec->have_prefix) {
		sb_put(&s, tmp, fmt_prefix(tmp, &rec->prefix));
		if (!suffix_zero(&rec->prefix)) {
			sb_str(&s, " suffix ");
			sb_put(&s, tmp, fmt_ipv6(tmp, rec->prefix.suffix));
		}
	} else {
		sb_str(&s, "none");
	}
	sb_str(&s, "\nsource ");
	sb_str(&s, pfx_source_name(rec->source));
	if (rec->origin[0]) {
		sb_str(&s, " ");
		sb_str(&s, rec->origin);
	}
	sb_str(&s, "\nobtained ");
	sb_num(&s, rec->obtained);
	sb_str(&s, "\nexpires ");
	sb_num(&s, rec->expires);
	sb_str(&s, "\n");
	return s.over ? -EINVAL : (int)s.n;
}

/* Next line of [*p, end) without its "\n"; false when there is no
 * complete line. */
static bool next_line(const char **p, const char *end, const char **ls,
		      size_t *ll)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (!nl)
		return false;
	*ls = *p;
	*ll = (size_t)(nl - *p);
	*p = nl + 1;
	return true;
}

/* "key VALUE": VALUE into val (NUL-terminated). */
static bool keyed(const char *ls, size_t ll, const char *key, char *val,
		  size_t vsize)
{
	size_t kl = strlen(key);

	if (ll <= kl + 1 || memcmp(ls, key, kl) != 0 || ls[kl] != ' ' ||
	    ll - kl - 1 >= vsize)
		return false;
	memcpy(val, ls + kl + 1, ll - kl - 1);
	val[ll - kl - 1] = '\0';
	return true;
}

static bool parse_i64(const char *s, int64_t *v)
{
	int64_t x = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 18 || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

int pfx_record_parse(const char *text, size_t len, struct pfx_record *rec)
{
	const char *p = text, *end, *ls;
	char val[PFX_RECORD_MAX];
	struct pfx_record r;
	size_t ll;

	if (!text || !rec || len > PFX_RECORD_MAX || memchr(text, '\0', len))
		return -EINVAL;
	end = text + len;
	memset(&r, 0, sizeof(r));
	if (!next_line(&p, end, &ls, &ll) || ll != strlen(MAGIC) ||
	    memcmp(ls, MAGIC, ll) != 0)
		return -EINVAL;

	if (!next_line(&p, end, &ls, &ll) ||
	    !keyed(ls, ll, "prefix", val, sizeof(val)))
		return -EINVAL;
	if (strcmp(val, "none") != 0) {
		char *sp = strchr(val, ' ');

		if (sp) {
			*sp = '\0';
			if (strncmp(sp + 1, "suffix ", 7) != 0)
				return -EINVAL;
		}
		if (nat64_prefix_parse(val, &r.prefix) < 0 ||
		    !strchr(val, '/'))
			return -EINVAL;
		if (sp && (nat64_suffix_parse(sp + 8, &r.prefix) < 0 ||
			   suffix_zero(&r.prefix)))
			return -EINVAL;
		r.have_prefix = true;
	}

	if (!next_line(&p, end, &ls, &ll) ||
	    !keyed(ls, ll, "source", val, sizeof(val)))
		return -EINVAL;
	{
		char *sp = strchr(val, ' ');
		const char *origin = "";

		if (sp) {
			*sp = '\0';
			origin = sp + 1;
		}
		if (strcmp(val, "rfc7050") == 0)
			r.source = PFX_SRC_RFC7050;
		else if (strcmp(val, "pref64") == 0)
			r.source = PFX_SRC_PREF64;
		else if (strcmp(val, "none") == 0)
			r.source = PFX_SRC_NONE;
		else
			return -EINVAL;
		if (strlen(origin) >= PFX_ORIGIN_MAX || (sp && !*origin))
			return -EINVAL;
		memcpy(r.origin, origin, strlen(origin) + 1);
	}

	if (!next_line(&p, end, &ls, &ll) ||
	    !keyed(ls, ll, "obtained", val, sizeof(val)) ||
	    !parse_i64(val, &r.obtained))
		return -EINVAL;
	if (!next_line(&p, end, &ls, &ll) ||
	    !keyed(ls, ll, "expires", val, sizeof(val)) ||
	    !parse_i64(val, &r.expires))
		return -EINVAL;
	if (p != end || !record_valid(&r))
		return -EINVAL;
	*rec = r;
	return 0;
}

bool pfx_record_fresh(const struct pfx_record *rec, int64_t now)
{
	return rec && now >= rec->obtained - PFX_SKEW && now < rec->expires;
}

static int rank(const struct pfx_record *r)
{
	if (!r->have_prefix)
		return 0;
	return r->source == PFX_SRC_PREF64 ? 2 : 1;
}

const struct pfx_record *pfx_record_pick(const struct pfx_record *a,
					 const struct pfx_record *b,
					 int64_t now)
{
	if (a && !pfx_record_fresh(a, now))
		a = NULL;
	if (b && !pfx_record_fresh(b, now))
		b = NULL;
	if (!a || !b)
		return a ? a : b;
	if (rank(a) != rank(b))
		return rank(a) > rank(b) ? a : b;
	return b->obtained > a->obtained ? b : a;
}

enum pfx_trust pfx_trust_check(const struct stat *st, bool want_dir,
			       uid_t owner)
{
	if (want_dir && !S_ISDIR(st->st_mode))
		return PFX_NOT_DIR;
	if (!want_dir && !S_ISREG(st->st_mode))
		return PFX_NOT_REGULAR;
	if (st->st_uid != owner && st->st_uid != 0)
		return PFX_FOREIGN_OWNER;
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return PFX_WRITABLE_BY_OTHERS;
	return PFX_TRUSTED;
}

const char *pfx_trust_reason(enum pfx_trust t)
{
	switch (t) {
	case PFX_TRUSTED:
		return "trusted";
	case PFX_NOT_DIR:
		return "not a directory";
	case PFX_NOT_REGULAR:
		return "not a regular file";
	case PFX_FOREIGN_OWNER:
		return "owned by another user";
	case PFX_WRITABLE_BY_OTHERS:
		return "writable by group or others";
	}
	return "?";
}

/* a + b + c into out; false when it does not fit. */
static bool join(char out[PFX_PATH_MAX], const char *a, const char *b,
		 const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);

	if (la + lb + lc >= PFX_PATH_MAX)
		return false;
	memcpy(out, a, la);
	memcpy(out + la, b, lb);
	memcpy(out + la + lb, c, lc + 1);
	return true;
}

static bool path_ok(const char *p)
{
	if (!p || p[0] != '/')
		return false;
	for (const char *s = p; (s = strstr(s, "..")) != NULL; s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '/' || s[2] == '\0'))
			return false;
	return true;
}

size_t pfx_dirs(uid_t euid, bool secure, const char *xdg,
		const char *run_user, const char *tmp, const char *sysdir,
		struct pfx_dir out[4])
{
	char uidtxt[24];
	size_t n = 0;

	fmt_uint(uidtxt, euid);
	if (!run_user)
		run_user = "/run/user";
	if (!tmp)
		tmp = "/tmp";
	if (!sysdir)
		sysdir = PFX_SYSTEM_DIR;
	if (!secure && euid != 0) {
		struct pfx_dir *d;

		if (xdg && path_ok(xdg)) {
			d = &out[n];
			memset(d, 0, sizeof(*d));
			if (join(d->parent, xdg, "", "") &&
			    join(d->dir, d->parent, "/tnat64", "")) {
				d->owner = euid;
				d->writable = true;
				n++;
			}
		}
		d = &out[n];
		memset(d, 0, sizeof(*d));
		if (join(d->parent, run_user, "/", uidtxt) &&
		    join(d->dir, d->parent, "/tnat64", "")) {
			d->owner = euid;
			d->writable = true;
			n++;
		}
		d = &out[n];
		memset(d, 0, sizeof(*d));
		if (join(d->dir, tmp, "/tnat64-", uidtxt)) {
			d->owner = euid;
			d->writable = true;
			n++;
		}
	}
	memset(&out[n], 0, sizeof(out[n]));
	if (join(out[n].dir, sysdir, "", "")) {
		out[n].owner = 0;
		out[n].system = true;
		out[n].writable = !secure && euid == 0;
		n++;
	}
	return n;
}
