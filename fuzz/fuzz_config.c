/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the tnat64.conf parser (config_parse) and its compiled
 * lookup (config_lookup).  The input is the text of a configuration file.
 *
 * Beyond "does not crash":
 *  - the arena is exactly config_arena_size() bytes, ending where its
 *    allocation ends, at any alignment (the sanitizer sees any overrun),
 *    and filled with garbage first: a second parse into other garbage
 *    must give the same configuration and the same answers;
 *  - what the parser stores is well-formed: networks without host bits,
 *    contiguous masks, port ranges in order, valid prefixes and suffixes,
 *    rules in file order, errors sorted by line, bounded, NUL-terminated
 *    and free of control characters;
 *  - config_lookup agrees with a linear reading of the rules (locals
 *    first, then subnets in file order, then the default prefix), at the
 *    edges of every rule (sampled for big inputs) and at random points,
 *    before and after config_set_default. */
#include "fuzz.h"

#include <arpa/inet.h>

#include "addr.h"
#include "config.h"
#include "prefix.h"

#define MAX_PROBES 1024

struct probe {
	uint32_t v4;      /* network order */
	uint16_t port;
};

/* The rules as documented in config.h, checked one by one. */
static enum lookup_result ref_lookup(const struct config *c, uint32_t v4,
				     uint16_t port, int *prefix)
{
	int p = -1;

	*prefix = -1;
	if (ipv4_always_local(v4) || ipv4_is_multicast_or_broadcast(v4))
		return LOOKUP_LOCAL;
	for (size_t i = 0; i < c->nlocals; i++)
		if ((v4 & c->locals[i].mask) == c->locals[i].net)
			return LOOKUP_LOCAL;
	for (size_t i = 0; i < c->nsubnets && p < 0; i++) {
		const struct conf_net *n = &c->subnets[i];
		bool all = n->port_lo == 0 && n->port_hi == 0;

		if ((v4 & n->mask) == n->net &&
		    (all || (port >= n->port_lo && port <= n->port_hi)))
			p = config_subnet_prefix(c, i);
	}
	if (p < 0) {
		if (!c->has_default)
			return LOOKUP_NONE;
		p = 0;
	}
	if (p == 0 && c->default_auto) { /* found at run time */
		*prefix = 0;
		return LOOKUP_AUTO;
	}
	if (nat64_prefix_is_wkp(&c->prefixes[p]) && !ipv4_is_global(v4))
		return LOOKUP_NONE;
	*prefix = p;
	return LOOKUP_NAT64;
}

static bool mask_contiguous(uint32_t mask_net)
{
	uint32_t inv = ~ntohl(mask_net);

	return (inv & (inv + 1)) == 0;
}

static void check_prefix(const struct nat64_prefix *p)
{
	uint8_t allowed[16], out[16];
	char text[64];
	struct nat64_prefix again, bare = *p;
	uint32_t v4 = htonl(0xc0000221u), back = 0;

	FUZZ_ASSERT(nat64_prefix_len_valid(p->len));
	nat64_suffix_allowed(p->len, allowed);
	for (int i = 0; i < 16; i++)
		FUZZ_ASSERT((p->suffix[i] & ~allowed[i]) == 0);
	/* the prefix itself reads back from its text form */
	memset(bare.suffix, 0, sizeof(bare.suffix));
	size_t n = fmt_ipv6(text, p->addr);

	snprintf(text + n, sizeof(text) - n, "/%u", (unsigned)p->len);
	FUZZ_ASSERT(nat64_prefix_parse(text, &again) == 0);
	FUZZ_ASSERT(nat64_prefix_equal(&again, &bare));
	nat64_synth(p, v4, out);
	FUZZ_ASSERT(nat64_extract(p, out, &back) && back == v4);
}

static void check_net(const struct conf_net *n, int nlines, bool local)
{
	FUZZ_ASSERT(mask_contiguous(n->mask));
	FUZZ_ASSERT((n->net & n->mask) == n->net);
	FUZZ_ASSERT(n->line >= 1 && n->line <= nlines);
	FUZZ_ASSERT(n->port_lo <= n->port_hi);
	FUZZ_ASSERT((n->port_lo == 0) == (n->port_hi == 0));
	if (local)
		FUZZ_ASSERT(n->prefix == -1 && n->port_lo == 0);
}

static void check_structure(const struct config *c, int nlines)
{
	FUZZ_ASSERT(c->nerrors >= c->nerrors_stored);
	FUZZ_ASSERT(c->nerrors_stored <= CONF_MAX_ERRORS);
	for (size_t i = 0; i < c->nerrors_stored; i++) {
		const struct conf_error *e = &c->errors[i];
		size_t len = strnlen(e->msg, sizeof(e->msg));

		FUZZ_ASSERT(len > 0 && len < sizeof(e->msg));
		for (size_t k = 0; k < len; k++)
			FUZZ_ASSERT((unsigned char)e->msg[k] >= 0x20 &&
				    e->msg[k] != 0x7f);
		FUZZ_ASSERT(e->line >= 0 && e->line <= nlines);
		if (i)
			FUZZ_ASSERT(c->errors[i - 1].line <= e->line);
	}

	FUZZ_ASSERT(c->nprefixes <= CONF_MAX_PREFIXES);
	FUZZ_ASSERT(!c->has_default || c->nprefixes >= 1);
	for (size_t i = 0; i < c->nprefixes; i++) {
		check_prefix(&c->prefixes[i]);
		FUZZ_ASSERT(c->prefix_line[i] >= 0 &&
			    c->prefix_line[i] <= nlines);
		if (i || !c->has_default)
			FUZZ_ASSERT(c->path_line[i] >= 1 &&
				    c->path_line[i] <= c->prefix_line[i]);
	}

	FUZZ_ASSERT(c->nlocals + c->nsubnets <= (size_t)nlines);
	for (size_t i = 0; i < c->nlocals; i++)
		check_net(&c->locals[i], nlines, true);
	for (size_t i = 0; i < c->nsubnets; i++) {
		const struct conf_net *n = &c->subnets[i];

		int pi = config_subnet_prefix(c, i);

		check_net(n, nlines, false);
		FUZZ_ASSERT(pi >= (c->has_default ? 1 : 0) &&
			    (size_t)pi < c->nprefixes);
		FUZZ_ASSERT(c->path_line[pi] < n->line);
		if (i)
			FUZZ_ASSERT(c->subnets[i - 1].line < n->line);
	}
}

static size_t add_probe(struct probe *pr, size_t n, uint32_t host,
			uint16_t port)
{
	if (n < MAX_PROBES) {
		pr[n].v4 = htonl(host);
		pr[n].port = port;
		n++;
	}
	return n;
}

/* Edges of every rule (a sample of them when there are many), points
 * inside rules and random points. */
static size_t make_probes(const struct config *c, uint32_t seed,
			  struct probe *pr)
{
	size_t n = 0, nrules = c->nlocals + c->nsubnets;
	size_t per = nrules > 24 ? 24 : nrules;

	for (size_t k = 0; k < per; k++) {
		size_t r = nrules > 24 ? fuzz_rand(&seed) % nrules : k;
		const struct conf_net *net = r < c->nlocals ?
			&c->locals[r] : &c->subnets[r - c->nlocals];
		uint32_t lo = ntohl(net->net), hi = lo | ~ntohl(net->mask);
		uint32_t inside = lo | (fuzz_rand(&seed) & ~ntohl(net->mask));
		uint16_t plo = net->port_lo, phi = net->port_hi;
		const uint32_t hosts[] = { lo, lo - 1, hi, hi + 1, inside };
		const uint16_t ports[] = {
			0, plo, (uint16_t)(plo - 1), phi, (uint16_t)(phi + 1),
		};

		for (size_t a = 0; a < sizeof(hosts) / sizeof(hosts[0]); a++)
			for (size_t b = 0; b < sizeof(ports) / sizeof(ports[0]); b++)
				n = add_probe(pr, n, hosts[a], ports[b]);
	}
	for (int k = 0; k < 64; k++) {
		uint32_t h = fuzz_rand(&seed);

		/* every other one inside a rule */
		if (nrules && (k & 1)) {
			size_t r = fuzz_rand(&seed) % nrules;
			const struct conf_net *net = r < c->nlocals ?
				&c->locals[r] : &c->subnets[r - c->nlocals];

			h = ntohl(net->net) | (h & ~ntohl(net->mask));
		}
		n = add_probe(pr, n, h, (uint16_t)fuzz_rand(&seed));
	}
	return n;
}

static void check_lookups(const struct config *c, const struct probe *pr,
			  size_t n, int16_t *answers)
{
	for (size_t i = 0; i < n; i++) {
		int got_p = -7, want_p = -7;
		enum lookup_result got = config_lookup(c, pr[i].v4, pr[i].port,
						       &got_p);
		enum lookup_result want = ref_lookup(c, pr[i].v4, pr[i].port,
						     &want_p);

		if (got != want || got_p != want_p) {
			char a[16];

			fmt_ipv4(a, pr[i].v4);
			fprintf(stderr, "lookup %s:%u: got %d/%d, want %d/%d\n",
				a, pr[i].port, (int)got, got_p, (int)want,
				want_p);
		}
		FUZZ_ASSERT(got == want && got_p == want_p);
		/* the prefix argument is optional */
		if (i % 8 == 0)
			FUZZ_ASSERT(config_lookup(c, pr[i].v4, pr[i].port,
						  NULL) == got);
		if (answers)
			answers[i] = (int16_t)(got == LOOKUP_NAT64 ? got_p : -1 - (int)got);
	}
}

/* An arena of exactly size bytes that ends where its allocation ends,
 * misaligned by skew bytes, full of garbage. */
static void *arena_get(size_t size, unsigned skew, uint8_t garbage,
		       void **block)
{
	uint8_t *b = malloc(size + skew);

	if (!b)
		abort();
	memset(b, garbage, size + skew);
	*block = b;
	return b + skew;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe probes[MAX_PROBES];
	static int16_t first[MAX_PROBES], second[MAX_PROBES];
	char *text = malloc(size ? size : 1);
	size_t need = config_arena_size(size);
	uint32_t seed = fuzz_hash(data, size);
	void *b1, *b2;
	struct config *c1, *c2;
	int nlines = 0;
	size_t np, np2;

	if (!text)
		abort();
	if (size)
		memcpy(text, data, size);
	for (size_t i = 0; i < size; i++)
		nlines += text[i] == '\n';
	if (size && text[size - 1] != '\n')
		nlines++;

	FUZZ_ASSERT(need != SIZE_MAX && need >= config_arena_size(0));
	void *a1 = arena_get(need, seed % 16, 0xa5, &b1);
	void *a2 = arena_get(need, (seed >> 4) % 16, 0x5a, &b2);

	/* one byte short is refused, not overrun */
	FUZZ_ASSERT(config_parse(text, size, "f.conf", a1, need - 1) == NULL);
	c1 = config_parse(text, size, "f.conf", a1, need);
	c2 = config_parse(text, size, "f.conf", a2, need);
	FUZZ_ASSERT(c1 && c2);
	FUZZ_ASSERT(strcmp(c1->filename, "f.conf") == 0);
	check_structure(c1, nlines);

	/* same text, other garbage: the same configuration */
	FUZZ_ASSERT(c1->nerrors == c2->nerrors &&
		    c1->nerrors_stored == c2->nerrors_stored &&
		    c1->nlocals == c2->nlocals &&
		    c1->nsubnets == c2->nsubnets &&
		    c1->nprefixes == c2->nprefixes &&
		    c1->has_default == c2->has_default);
	for (size_t i = 0; i < c1->nerrors_stored; i++)
		FUZZ_ASSERT(c1->errors[i].line == c2->errors[i].line &&
			    strcmp(c1->errors[i].msg, c2->errors[i].msg) == 0);

	np = make_probes(c1, seed, probes);
	check_lookups(c1, probes, np, first);
	np2 = np < 256 ? np : 256;
	check_lookups(c2, probes, np2, second);
	FUZZ_ASSERT(memcmp(first, second, np2 * sizeof(first[0])) == 0);

	/* a default prefix set afterwards (TNAT64_NAT64_PREFIX): the path
	 * blocks keep their prefixes */
	struct nat64_prefix over, keep0 = { .len = 0 };

	FUZZ_ASSERT(nat64_prefix_parse(seed & 1 ? "64:ff9b::/96" :
				       "2001:db8:64::/64", &over) == 0);
	if (c1->nsubnets)
		keep0 = c1->prefixes[config_subnet_prefix(c1, 0)];
	config_set_default(c1, &over);
	FUZZ_ASSERT(c1->has_default && nat64_prefix_equal(&c1->prefixes[0], &over));
	if (c1->nsubnets)
		FUZZ_ASSERT(nat64_prefix_equal(
			&c1->prefixes[config_subnet_prefix(c1, 0)], &keep0));
	check_structure(c1, nlines);
	check_lookups(c1, probes, np, NULL);

	free(b1);
	free(b2);
	free(text);
	return 0;
}
