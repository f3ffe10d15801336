/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tnat64.conf parser.
 *
 * Pure code: no file I/O, no allocation (everything lives in the arena
 * the caller hands in, sized by config_arena_size()), no global state, no
 * stdio.  The syntax is tnat64 0.06's, a little more lenient about
 * whitespace:
 *
 *   # comment (anywhere on a line)
 *   local = IP/MASK                       MASK: dotted or a length 0-32
 *   nat64_prefix = PREFIX[/LEN] | auto    default prefix (LEN: RFC 6052;
 *                                         auto, or no such line: found at
 *                                         run time, see config.h)
 *   nat64_suffix = IPV6                   suffix for the default prefix
 *   path {
 *       subnet = IP[:PORT[-PORT]]/MASK    one or more
 *       nat64_prefix = PREFIX[/LEN]       exactly one
 *       nat64_suffix = IPV6               optional
 *   }
 *
 * The lookup structure, built at the end of parsing in the same arena,
 * and config_lookup: config_lookup.c. */
#include "config.h"
#include "addr.h"
#include "config_lk.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

/* ------------------------------------------------------------------ */
/* Arena layout                                                         */

#define ALIGN 16u

struct layout {
	size_t cap;           /* max nets (local + subnet lines) */
	size_t o_config, o_lk, o_prefixes, o_prefix_line, o_path_line, o_errors;
	size_t o_subnets, o_locals;
	size_t o_iv, o_blocks, o_ports, o_lranges;
	size_t o_idx, o_bp, o_owner, o_next;
	size_t total;
};

static size_t align_up(size_t v)
{
	return (v + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* Each `local` or `subnet` line is at least 15 characters
 * ("local=0.0.0.0/0") plus a newline, so a text of len bytes holds at
 * most (len + 1) / 16 of them.  Every other table is bounded by a
 * constant or by a small multiple of that. */
static size_t nets_cap(size_t len)
{
	return (len + 1) / 16 + 1;
}

static void make_layout(size_t cap, struct layout *l)
{
	size_t off = 0;

#define PLACE(field, bytes) do { l->field = off; off = align_up(off + (bytes)); } while (0)
	l->cap = cap;
	PLACE(o_config, sizeof(struct config));
	PLACE(o_lk, sizeof(struct lk));
	PLACE(o_prefixes, CONF_MAX_PREFIXES * sizeof(struct nat64_prefix));
	PLACE(o_prefix_line, CONF_MAX_PREFIXES * sizeof(int));
	PLACE(o_path_line, CONF_MAX_PREFIXES * sizeof(int));
	PLACE(o_errors, CONF_MAX_ERRORS * sizeof(struct conf_error));
	PLACE(o_subnets, cap * sizeof(struct conf_net));
	PLACE(o_locals, cap * sizeof(struct conf_net));
	PLACE(o_iv, (2 * cap + 1) * sizeof(struct lk_iv));
	PLACE(o_blocks, cap * sizeof(struct lk_block));
	PLACE(o_ports, 2 * cap * sizeof(struct lk_port));
	PLACE(o_lranges, cap * sizeof(struct lk_range));
	/* scratch, only used while compiling */
	PLACE(o_idx, cap * sizeof(uint32_t));
	PLACE(o_bp, (2 * cap + 2) * sizeof(uint32_t));
	PLACE(o_owner, (2 * cap + 2) * sizeof(int32_t));
	PLACE(o_next, (2 * cap + 2) * sizeof(uint32_t));
#undef PLACE
	l->total = off + ALIGN; /* slack for aligning the arena itself */
}

/* Per-net cost in bytes is well under 1 KiB: refuse sizes that would
 * overflow size_t. */
#define CAP_LIMIT (SIZE_MAX / 1024)

static const char builtin_text[] = "nat64_prefix = auto\n";

size_t config_arena_size(size_t len)
{
	struct layout l;
	size_t cap;

	/* always enough for config_builtin() too */
	if (len < sizeof(builtin_text))
		len = sizeof(builtin_text);
	if (len >= CAP_LIMIT)
		return SIZE_MAX;
	cap = nets_cap(len);
	make_layout(cap, &l);
	return l.total;
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static char *trim(char *s)
{
	size_t n;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Strict decimal: digits only, value <= max. */
static bool parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v > max)
		return false;
	*out = v;
	return true;
}

static uint32_t len_to_mask(unsigned len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

int config_mask_len(uint32_t m)
{
	uint32_t inv = ~m;

	if (inv & (inv + 1))
		return -1;
	int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Parser state                                                         */

struct parser {
	struct config *c;
	struct layout lay;
	char *base;

	/* prefix slots: [0] is reserved for the default prefix */
	struct nat64_prefix *pfx;
	int *pfx_line;
	int *pfx_path_line;
	size_t npfx;            /* used slots including slot 0 */

	/* default prefix / suffix (top level) */
	bool def_set;
	bool def_auto;          /* nat64_prefix = auto */
	struct nat64_prefix def;
	int def_line;
	bool def_suffix_set;
	uint8_t def_suffix[16];
	int def_suffix_line;

	/* current path block */
	bool in_path;
	int path_line;
	size_t path_first;       /* first subnet of this path */
	bool path_pfx_set;
	struct nat64_prefix path_pfx;
	int path_pfx_line;
	bool path_suffix_set;
	uint8_t path_suffix[16];
	int path_suffix_line;
};

static void add_error(struct parser *ps, int line, const char *fmt, ...)
{
	struct config *c = ps->c;
	va_list ap;

	c->nerrors++;
	if (c->nerrors_stored >= CONF_MAX_ERRORS)
		return;
	struct conf_error *e = &c->errors[c->nerrors_stored++];

	e->line = line;
	va_start(ap, fmt);
	log_format(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

/* A short, printable excerpt of user text for messages. */
static const char *excerpt(const char *s, char buf[48])
{
	size_t n = strlen(s);

	if (n < 48)
		return s;
	memcpy(buf, s, 44);
	memcpy(buf + 44, "...", 4);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Directive handlers                                                   */

/* IP[:PORT[-PORT]]/MASK.  Returns true with *out filled (host bits are
 * masked off with a message) or false after recording one error. */
static bool parse_net(struct parser *ps, int line, const char *what,
		      char *value, bool ports_ok, struct conf_net *out)
{
	char ex[48];
	char *slash, *colon, *maskstr;
	struct in_addr ip, m;
	uint32_t mask;
	unsigned long lo = 0, hi = 0;
	const char *vx;
	char orig[CONF_MAX_LINE + 1];

	/* keep the original text for messages (value gets cut up) */
	strcpy(orig, value);
	vx = excerpt(orig, ex);

	slash = strchr(value, '/');
	if (!slash) {
		add_error(ps, line, "%s '%s': missing /MASK", what, vx);
		return false;
	}
	*slash = '\0';
	maskstr = slash + 1;

	colon = strchr(value, ':');
	if (colon) {
		char *dash, *lostr = colon + 1;

		*colon = '\0';
		if (!ports_ok) {
			add_error(ps, line,
				  "%s '%s': a port is not allowed here", what, vx);
			return false;
		}
		dash = strchr(lostr, '-');
		if (dash)
			*dash = '\0';
		if (!parse_ulong(lostr, 65535, &lo) || lo == 0) {
			add_error(ps, line,
				  "%s '%s': port '%s' invalid or out of range (1-65535)",
				  what, vx, lostr);
			return false;
		}
		hi = lo;
		if (dash) {
			if (!parse_ulong(dash + 1, 65535, &hi) || hi == 0) {
				add_error(ps, line,
					  "%s '%s': port '%s' invalid or out of range (1-65535)",
					  what, vx, dash + 1);
				return false;
			}
			if (lo > hi) {
				add_error(ps, line,
					  "%s '%s': port range %lu-%lu is reversed",
					  what, vx, lo, hi);
				return false;
			}
		}
	}

	if (inet_pton(AF_INET, value, &ip) != 1) {
		add_error(ps, line, "%s '%s': bad IPv4 address '%s'", what, vx,
			  value);
		return false;
	}

	if (strchr(maskstr, '.')) {
		if (inet_pton(AF_INET, maskstr, &m) != 1) {
			add_error(ps, line, "%s '%s': bad mask '%s'", what, vx,
				  maskstr);
			return false;
		}
		if (config_mask_len(ntohl(m.s_addr)) < 0) {
			add_error(ps, line,
				  "%s '%s': mask %s is not contiguous", what,
				  vx, maskstr);
			return false;
		}
		mask = m.s_addr;
	} else {
		unsigned long plen;

		if (!parse_ulong(maskstr, 32, &plen)) {
			add_error(ps, line,
				  "%s '%s': bad mask '%s' (dotted mask or 0-32)",
				  what, vx, maskstr);
			return false;
		}
		mask = htonl(len_to_mask((unsigned)plen));
	}

	memset(out, 0, sizeof(*out));
	out->net = ip.s_addr & mask;
	out->mask = mask;
	out->port_lo = (uint16_t)lo;
	out->port_hi = (uint16_t)hi;
	out->line = line;
	out->prefix = -1;
	if (out->net != ip.s_addr)
		add_error(ps, line,
			  "%s '%s': address has host bits set; using %A/%d",
			  what, vx, out->net, config_mask_len(ntohl(mask)));
	return true;
}

static void do_local(struct parser *ps, int line, char *value)
{
	struct config *c = ps->c;
	struct conf_net n;

	if (ps->in_path) {
		add_error(ps, line,
			  "'local' is not allowed inside a path block (path on line %d)",
			  ps->path_line);
		return;
	}
	if (!parse_net(ps, line, "local", value, false, &n))
		return;
	if (c->nlocals + c->nsubnets >= ps->lay.cap) { /* cannot happen */
		add_error(ps, line, "internal error: configuration arena full");
		return;
	}
	c->locals[c->nlocals++] = n;
}

static void do_subnet(struct parser *ps, int line, char *value)
{
	struct config *c = ps->c;
	struct conf_net n;

	if (!ps->in_path) {
		add_error(ps, line, "'subnet' outside a path block; ignored");
		return;
	}
	if (!parse_net(ps, line, "subnet", value, true, &n))
		return;
	if (c->nlocals + c->nsubnets >= ps->lay.cap) { /* cannot happen */
		add_error(ps, line, "internal error: configuration arena full");
		return;
	}
	c->subnets[c->nsubnets++] = n;
}

static void do_prefix(struct parser *ps, int line, char *value)
{
	struct nat64_prefix p;
	char ex[48];

	if (ps->in_path && ps->path_pfx_set) {
		add_error(ps, line,
			  "duplicate nat64_prefix in path block (first on line %d); ignored",
			  ps->path_pfx_line);
		return;
	}
	if (!ps->in_path && ps->def_set) {
		add_error(ps, line,
			  "duplicate default nat64_prefix (first on line %d); ignored",
			  ps->def_line);
		return;
	}
	if (strcmp(value, "auto") == 0) {
		if (ps->in_path) {
			add_error(ps, line,
				  "nat64_prefix = auto is only for the default prefix (outside path blocks); ignored");
			return;
		}
		ps->def_set = true;
		ps->def_auto = true;
		ps->def = nat64_wkp; /* the fallback */
		ps->def_line = line;
		return;
	}
	if (nat64_prefix_parse(value, &p) != 0) {
		add_error(ps, line,
			  "bad nat64_prefix '%s' (want an IPv6 prefix /32, /40, /48, /56, /64 or /96, no bits past the length, zero bits 64-71)",
			  excerpt(value, ex));
		return;
	}
	if (ps->in_path) {
		ps->path_pfx_set = true;
		ps->path_pfx = p;
		ps->path_pfx_line = line;
	} else {
		ps->def_set = true;
		ps->def = p;
		ps->def_line = line;
	}
}

static void do_suffix(struct parser *ps, int line, char *value)
{
	uint8_t s[16];
	char ex[48];

	if (ps->in_path ? ps->path_suffix_set : ps->def_suffix_set) {
		add_error(ps, line,
			  "duplicate nat64_suffix (first on line %d); ignored",
			  ps->in_path ? ps->path_suffix_line
				      : ps->def_suffix_line);
		return;
	}
	if (inet_pton(AF_INET6, value, s) != 1) {
		add_error(ps, line, "bad nat64_suffix '%s' (want an IPv6 address such as ::aa:bbcc)",
			  excerpt(value, ex));
		return;
	}
	if (ps->in_path) {
		ps->path_suffix_set = true;
		memcpy(ps->path_suffix, s, 16);
		ps->path_suffix_line = line;
	} else {
		ps->def_suffix_set = true;
		memcpy(ps->def_suffix, s, 16);
		ps->def_suffix_line = line;
	}
}

/* Apply a suffix to a prefix; false (with a message) on overlap. */
static bool apply_suffix(struct parser *ps, struct nat64_prefix *p,
			 const uint8_t s[16], int line)
{
	if (nat64_suffix_set(p, s) == 0)
		return true;
	if (p->len == 96)
		add_error(ps, line,
			  "nat64_suffix %B: a /96 prefix leaves no room for a suffix; ignored",
			  s);
	else
		add_error(ps, line,
			  "nat64_suffix %B overlaps the /%d prefix, bits 64-71 or the embedded IPv4 address; ignored",
			  s, (int)p->len);
	return false;
}

static void path_open(struct parser *ps, int line)
{
	ps->in_path = true;
	ps->path_line = line;
	ps->path_first = ps->c->nsubnets;
	ps->path_pfx_set = false;
	ps->path_suffix_set = false;
	ps->path_pfx_line = ps->path_suffix_line = 0;
}

/* Close the current path.  eof: the file ended inside it. */
static void path_close(struct parser *ps, bool eof)
{
	struct config *c = ps->c;
	size_t nsub = c->nsubnets - ps->path_first;
	const char *tail = eof ? " (path block not closed by '}' at end of file)"
			       : "";
	bool ok = true;

	ps->in_path = false;
	if (!ps->path_pfx_set && nsub == 0) {
		add_error(ps, ps->path_line,
			  "path block has no valid nat64_prefix and no valid subnet; dropped%s",
			  tail);
		ok = false;
	} else if (!ps->path_pfx_set) {
		add_error(ps, ps->path_line,
			  "path block has no valid nat64_prefix; dropped%s", tail);
		ok = false;
	} else if (nsub == 0) {
		add_error(ps, ps->path_line,
			  "path block has no valid subnet; dropped%s", tail);
		ok = false;
	} else if (ps->npfx >= CONF_MAX_PREFIXES) {
		add_error(ps, ps->path_line,
			  "too many path blocks (at most %d); dropped%s",
			  CONF_MAX_PREFIXES - 1, tail);
		ok = false;
	} else if (eof) {
		add_error(ps, ps->path_line,
			  "path block not closed by '}' at end of file");
	}

	if (!ok) {
		c->nsubnets = ps->path_first;
		return;
	}
	if (ps->path_suffix_set)
		apply_suffix(ps, &ps->path_pfx, ps->path_suffix,
			     ps->path_suffix_line);
	ps->pfx[ps->npfx] = ps->path_pfx;
	ps->pfx_line[ps->npfx] = ps->path_pfx_line;
	ps->pfx_path_line[ps->npfx] = ps->path_line;
	for (size_t i = ps->path_first; i < c->nsubnets; i++)
		c->subnets[i].prefix = (int)ps->npfx;
	ps->npfx++;
}

static bool name_char(char ch)
{
	return ch && !is_space(ch) && ch != '=' && ch != '{' && ch != '}';
}

static void handle_line(struct parser *ps, int line, char *buf)
{
	char *s, *hash, *rest, *value, saved;
	const char *name;
	size_t nlen;

	hash = strchr(buf, '#');
	if (hash)
		*hash = '\0';
	s = trim(buf);
	if (!*s)
		return;

	if (*s == '}') {
		rest = trim(s + 1);
		if (!ps->in_path) {
			add_error(ps, line, "'}' without a matching 'path {'");
			return;
		}
		if (*rest) {
			char ex[48];

			add_error(ps, line,
				  "unexpected text '%s' after '}' (path closed anyway)",
				  excerpt(rest, ex));
		}
		path_close(ps, false);
		return;
	}

	name = s;
	nlen = 0;
	while (name_char(s[nlen]))
		nlen++;
	rest = s + nlen;
	saved = *rest;
	*rest = '\0';

	if (nlen == 0) {
		add_error(ps, line, "syntax error: expected 'directive = value'");
		return;
	}

	if (strcmp(name, "path") == 0) {
		*rest = saved;
		rest = trim(rest);
		if (strcmp(rest, "{") != 0) {
			add_error(ps, line, "expected 'path {'");
			return;
		}
		if (ps->in_path) {
			int prev = ps->path_line;

			/* a missing '}': close the previous block first */
			add_error(ps, line,
				  "'path {' inside the path block of line %d (missing '}'?)",
				  prev);
			path_close(ps, false);
		}
		path_open(ps, line);
		return;
	}

	static const char *const directives[] = {
		NULL, "local", "subnet", "nat64_prefix", "nat64_suffix",
	};
	int which = 0;

	for (int i = 1; i < 5; i++)
		if (strcmp(name, directives[i]) == 0)
			which = i;
	if (!which) {
		char ex[48];

		add_error(ps, line, "unknown directive '%s'", excerpt(name, ex));
		return;
	}

	/* messages name the directive: name ends the line again below */
	name = directives[which];
	*rest = saved;
	rest = trim(rest);
	if (*rest != '=') {
		add_error(ps, line, "expected '=' after '%s'", name);
		return;
	}
	value = trim(rest + 1);
	if (!*value) {
		add_error(ps, line, "missing value after '%s ='", name);
		return;
	}
	for (char *p = value; *p; p++) {
		if (is_space(*p)) {
			char ex[48];

			add_error(ps, line, "unexpected text '%s' after the value of '%s'",
				  excerpt(trim(p), ex), name);
			return;
		}
	}

	if (which == 1)
		do_local(ps, line, value);
	else if (which == 2)
		do_subnet(ps, line, value);
	else if (which == 3)
		do_prefix(ps, line, value);
	else
		do_suffix(ps, line, value);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */

static void sort_errors(struct config *c)
{
	/* insertion sort by line, stable; at most CONF_MAX_ERRORS */
	for (size_t i = 1; i < c->nerrors_stored; i++) {
		struct conf_error e = c->errors[i];
		size_t j = i;

		while (j > 0 && c->errors[j - 1].line > e.line) {
			c->errors[j] = c->errors[j - 1];
			j--;
		}
		c->errors[j] = e;
	}
}

struct config *config_parse(const char *text, size_t len,
			    const char *filename, void *arena,
			    size_t arena_size)
{
	struct parser ps;
	struct config *c;
	struct lk *lk;
	char *base;
	size_t need, pos = 0;
	int line = 0;
	char buf[CONF_MAX_LINE + 1];

	if (!arena || (!text && len))
		return NULL;
	need = config_arena_size(len);
	if (need == SIZE_MAX || arena_size < need)
		return NULL;

	base = (char *)(((uintptr_t)arena + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
	memset(&ps, 0, sizeof(ps));
	make_layout(nets_cap(len), &ps.lay);
	ps.base = base;

	c = (struct config *)(base + ps.lay.o_config);
	memset(c, 0, sizeof(*c));
	c->filename = filename;
	ps.c = c;
	ps.pfx = (struct nat64_prefix *)(base + ps.lay.o_prefixes);
	ps.pfx_line = (int *)(base + ps.lay.o_prefix_line);
	ps.npfx = 1; /* slot 0: default */
	memset(&ps.pfx[0], 0, sizeof(ps.pfx[0]));
	ps.pfx_line[0] = 0;
	ps.pfx_path_line = (int *)(base + ps.lay.o_path_line);
	ps.pfx_path_line[0] = 0;
	c->errors = (struct conf_error *)(base + ps.lay.o_errors);
	c->subnets = (struct conf_net *)(base + ps.lay.o_subnets);
	c->locals = (struct conf_net *)(base + ps.lay.o_locals);
	lk = (struct lk *)(base + ps.lay.o_lk);

	while (pos < len) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - start) : len - pos;

		pos += llen + (nl ? 1 : 0);
		if (line < INT32_MAX)
			line++;
		if (llen > CONF_MAX_LINE) {
			add_error(&ps, line,
				  "line longer than %d characters; ignored",
				  CONF_MAX_LINE);
			continue;
		}
		if (memchr(start, '\0', llen)) {
			add_error(&ps, line, "line contains a NUL byte; ignored");
			continue;
		}
		/* control characters can only make a line invalid; keep them
		 * out of the messages (they end up on terminals).  Whitespace
		 * ones (tab, CR, VT, FF) become spaces: they still separate
		 * words, and a CR in a message would hide what came before. */
		for (size_t i = 0; i < llen; i++) {
			unsigned char ch = (unsigned char)start[i];

			buf[i] = is_space((char)ch) ? ' ' :
				 ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
		}
		buf[llen] = '\0';
		handle_line(&ps, line, buf);
	}

	if (ps.in_path)
		path_close(&ps, true);

	if (!ps.def_set) {
		/* No default prefix: found at run time (config.h). */
		if (ps.def_suffix_set)
			add_error(&ps, ps.def_suffix_line,
				  "nat64_suffix outside a path block but no default nat64_prefix; ignored");
		ps.def_suffix_set = false;
		ps.def_auto = true;
		ps.def = nat64_wkp; /* the fallback */
		ps.def_line = 0;
	}
	if (ps.def_suffix_set && ps.def_auto)
		add_error(&ps, ps.def_suffix_line,
			  "nat64_suffix does not go with nat64_prefix = auto (a discovered prefix has no suffix); ignored");
	else if (ps.def_suffix_set)
		apply_suffix(&ps, &ps.def, ps.def_suffix, ps.def_suffix_line);
	/* Slot 0 is always the default prefix. */
	ps.pfx[0] = ps.def;
	ps.pfx_line[0] = ps.def_line;
	c->has_default = true;
	c->default_auto = ps.def_auto;
	c->prefixes = ps.pfx;
	c->prefix_line = ps.pfx_line;
	c->path_line = ps.pfx_path_line;
	c->nprefixes = ps.npfx;

	{
		struct lk_space space = {
			.iv = (struct lk_iv *)(base + ps.lay.o_iv),
			.blocks = (struct lk_block *)(base + ps.lay.o_blocks),
			.ports = (struct lk_port *)(base + ps.lay.o_ports),
			.locals = (struct lk_range *)(base + ps.lay.o_lranges),
			.idx = (uint32_t *)(base + ps.lay.o_idx),
			.bp = (uint32_t *)(base + ps.lay.o_bp),
			.owner = (int32_t *)(base + ps.lay.o_owner),
			.next = (uint32_t *)(base + ps.lay.o_next),
		};

		config_lk_compile(c, lk, &space);
	}
	sort_errors(c);
	return c;
}

size_t config_builtin_arena_size(void)
{
	return config_arena_size(sizeof(builtin_text) - 1);
}

struct config *config_builtin(void *arena, size_t arena_size)
{
	struct config *c = config_parse(builtin_text, sizeof(builtin_text) - 1,
					"(built-in)", arena, arena_size);

	if (c)
		c->prefix_line[0] = 0; /* not from any file: implicit auto */
	return c;
}

/* Slot 0 of every parsed configuration is the default prefix (explicit
 * or auto): it is replaced in place. */
void config_set_default(struct config *c, const struct nat64_prefix *p)
{
	if (!c || !p)
		return;
	c->prefixes[0] = *p;
	c->prefix_line[0] = 0; /* not from the file */
	c->path_line[0] = 0;
	c->default_auto = false;
	c->default_env = true;
}
