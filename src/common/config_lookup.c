/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The destination lookup of a parsed configuration: its tables, built
 * once at parse time (config_lk_compile), and config_lookup.
 *
 * Pure code: no allocation (the tables live in the arena config_parse
 * was given), no global state, no stdio.
 *   - `local` networks are merged into sorted disjoint intervals;
 *   - path subnets are grouped into distinct CIDR blocks.  CIDR blocks
 *     are either nested or disjoint, so they form a forest of depth <= 33;
 *     the address space is cut into sorted disjoint intervals, each
 *     labelled with the deepest block covering it.  Every block keeps a
 *     sorted disjoint port map (port interval -> first subnet in file
 *     order of that block covering it).  A query binary-searches the
 *     interval, then walks up the at most 33 enclosing blocks, binary
 *     searching each port map, and keeps the smallest file index.
 *   All of it is O(n) in size, so the arena bound stays linear. */
#include <arpa/inet.h>

#include "addr.h"
#include "config_lk.h"

/* In-place heap sort of an index array (no qsort: glibc's may malloc). */
typedef int (*cmp_fn)(const void *ctx, uint32_t a, uint32_t b);

static void sift_down(uint32_t *a, size_t start, size_t n, cmp_fn cmp,
		      const void *ctx)
{
	size_t root = start;

	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && cmp(ctx, a[child], a[child + 1]) < 0)
			child++;
		if (cmp(ctx, a[root], a[child]) >= 0)
			return;
		uint32_t t = a[root];

		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

static void heap_sort(uint32_t *a, size_t n, cmp_fn cmp, const void *ctx)
{
	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n, cmp, ctx);
	for (size_t end = n - 1; end > 0; end--) {
		uint32_t t = a[0];

		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end, cmp, ctx);
	}
}

static int cmp_value(const void *ctx, uint32_t a, uint32_t b)
{
	(void)ctx;
	return a < b ? -1 : a > b;
}

/* Order nets by (network, prefix length, index): containing blocks come
 * before the blocks they contain. */
static int cmp_net(const void *ctx, uint32_t a, uint32_t b)
{
	const struct conf_net *v = ctx;
	uint32_t na = ntohl(v[a].net), nb = ntohl(v[b].net);
	uint32_t ma = ntohl(v[a].mask), mb = ntohl(v[b].mask);

	if (na != nb)
		return na < nb ? -1 : 1;
	if (ma != mb)
		return ma < mb ? -1 : 1; /* shorter mask (bigger block) first */
	return a < b ? -1 : a > b;
}

static uint32_t uf_find(uint32_t *nxt, uint32_t k)
{
	uint32_t r = k;

	while (nxt[r] != r)
		r = nxt[r];
	while (nxt[k] != r) {
		uint32_t t = nxt[k];

		nxt[k] = r;
		k = t;
	}
	return r;
}

/* Index of value v in the sorted unique array a[0..n), which holds it. */
static uint32_t find_bp(const uint32_t *a, size_t n, uint32_t v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

/* Port map of one block: subnets sub[0..d) (indices into config.subnets,
 * in file order). */
static void build_ports(const struct config *c, struct lk *lk,
			const struct lk_space *space, struct lk_block *b,
			const uint32_t *sub, size_t d)
{
	uint32_t *bp = space->bp;
	int32_t *owner = space->owner;
	uint32_t *nxt = space->next;
	size_t m = 0, u;

	b->port_first = (uint32_t)lk->nports;
	b->port_count = 0;

	for (size_t i = 0; i < d; i++) {
		const struct conf_net *n = &c->subnets[sub[i]];
		uint32_t lo = n->port_lo, hi = n->port_hi;

		if (lo == 0 && hi == 0)
			hi = 65535;
		bp[m++] = lo;
		bp[m++] = hi + 1;
		if (lo == 0 && hi == 65535)
			break; /* later subnets of this block can never win */
	}
	heap_sort(bp, m, cmp_value, NULL);
	u = 0;
	for (size_t i = 0; i < m; i++)
		if (u == 0 || bp[u - 1] != bp[i])
			bp[u++] = bp[i];
	m = u; /* segments 0..m-2: [bp[k], bp[k+1]-1]; slot m-1 is a sentinel */
	for (size_t k = 0; k < m; k++) {
		owner[k] = -1;
		nxt[k] = (uint32_t)k;
	}

	for (size_t i = 0; i < d; i++) {
		const struct conf_net *n = &c->subnets[sub[i]];
		uint32_t lo = n->port_lo, hi = n->port_hi;

		if (lo == 0 && hi == 0)
			hi = 65535;
		uint32_t s = find_bp(bp, m, lo), e = find_bp(bp, m, hi + 1);

		for (uint32_t k = uf_find(nxt, s); k < e; k = uf_find(nxt, k)) {
			owner[k] = (int32_t)sub[i];
			nxt[k] = k + 1;
		}
		if (lo == 0 && hi == 65535)
			break;
	}

	for (size_t k = 0; k + 1 < m; k++) {
		if (owner[k] < 0)
			continue;
		struct lk_port *last = b->port_count ?
			&lk->ports[lk->nports - 1] : NULL;

		if (last && last->subnet == (uint32_t)owner[k] &&
		    last->hi + 1 == bp[k]) {
			last->hi = bp[k + 1] - 1;
			continue;
		}
		struct lk_port *p = &lk->ports[lk->nports++];

		p->lo = bp[k];
		p->hi = bp[k + 1] - 1;
		p->subnet = (uint32_t)owner[k];
		b->port_count++;
	}
}

static void emit_iv(struct lk *lk, uint64_t start, uint64_t end, int32_t block)
{
	if (block < 0 || start > end)
		return;
	struct lk_iv *v = &lk->iv[lk->niv++];

	v->start = (uint32_t)start;
	v->end = (uint32_t)end;
	v->block = block;
}

static uint64_t block_end(const struct lk_block *b)
{
	return (uint64_t)b->net + ((uint64_t)1 << (32 - b->len)) - 1;
}

void config_lk_compile(struct config *c, struct lk *lk,
		       const struct lk_space *space)
{
	uint32_t *idx = space->idx;
	int32_t stack[34];
	size_t sp = 0;
	uint64_t cur = 0;

	lk->iv = space->iv;
	lk->blocks = space->blocks;
	lk->ports = space->ports;
	lk->locals = space->locals;
	lk->niv = lk->nblocks = lk->nports = lk->nlocals = 0;

	/* locals: sort, then merge into disjoint intervals */
	for (size_t i = 0; i < c->nlocals; i++)
		idx[i] = (uint32_t)i;
	heap_sort(idx, c->nlocals, cmp_net, c->locals);
	for (size_t i = 0; i < c->nlocals; i++) {
		const struct conf_net *n = &c->locals[idx[i]];
		uint32_t s = ntohl(n->net), e = s | ~ntohl(n->mask);
		struct lk_range *last = lk->nlocals ?
			&lk->locals[lk->nlocals - 1] : NULL;

		if (last && (uint64_t)s <= (uint64_t)last->end + 1) {
			if (e > last->end)
				last->end = e;
			continue;
		}
		lk->locals[lk->nlocals].start = s;
		lk->locals[lk->nlocals].end = e;
		lk->nlocals++;
	}

	/* subnets: group into blocks (same net and mask), in address order
	 * with enclosing blocks first */
	for (size_t i = 0; i < c->nsubnets; i++)
		idx[i] = (uint32_t)i;
	heap_sort(idx, c->nsubnets, cmp_net, c->subnets);

	for (size_t i = 0; i < c->nsubnets;) {
		const struct conf_net *n = &c->subnets[idx[i]];
		size_t j = i + 1;

		while (j < c->nsubnets && c->subnets[idx[j]].net == n->net &&
		       c->subnets[idx[j]].mask == n->mask)
			j++;

		struct lk_block *b = &lk->blocks[lk->nblocks];
		int32_t bi = (int32_t)lk->nblocks++;

		b->net = ntohl(n->net);
		b->len = (uint8_t)config_mask_len(ntohl(n->mask));
		build_ports(c, lk, space, b, idx + i, j - i);

		/* interval sweep: close blocks that end before this one */
		while (sp > 0 && block_end(&lk->blocks[stack[sp - 1]]) < b->net) {
			int32_t top = stack[--sp];

			emit_iv(lk, cur, block_end(&lk->blocks[top]), top);
			cur = block_end(&lk->blocks[top]) + 1;
		}
		if (b->net > cur)
			emit_iv(lk, cur, (uint64_t)b->net - 1,
				sp ? stack[sp - 1] : -1);
		b->parent = sp ? stack[sp - 1] : -1;
		stack[sp++] = bi;
		cur = b->net;
		i = j;
	}
	while (sp > 0) {
		int32_t top = stack[--sp];

		emit_iv(lk, cur, block_end(&lk->blocks[top]), top);
		cur = block_end(&lk->blocks[top]) + 1;
	}
	c->lookup = lk;
	c->nlookup = lk->niv;
}

static bool in_locals(const struct lk *lk, uint32_t h)
{
	size_t lo = 0, hi = lk->nlocals;

	/* last range with start <= h */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lk->locals[mid].start <= h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && h <= lk->locals[lo - 1].end;
}

static int32_t find_block(const struct lk *lk, uint32_t h)
{
	size_t lo = 0, hi = lk->niv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lk->iv[mid].start <= h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && h <= lk->iv[lo - 1].end &&
	    (uint64_t)lk->iv[lo - 1].block < lk->nblocks)
		return lk->iv[lo - 1].block;
	return -1;
}

static int64_t block_port_winner(const struct lk *lk, const struct lk_block *b,
				 uint32_t port)
{
	const struct lk_port *p = lk->ports + b->port_first;
	size_t lo = 0, hi = b->port_count;

	if (b->port_first > lk->nports || hi > lk->nports - b->port_first)
		return -1; /* a damaged compiled image (confimg.h) */

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p[mid].lo <= port)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && port <= p[lo - 1].hi)
		return p[lo - 1].subnet;
	return -1;
}

enum lookup_result config_lookup(const struct config *c, uint32_t v4,
				 uint16_t port, int *prefix)
{
	const struct lk *lk = c ? c->lookup : NULL;
	uint32_t h = ntohl(v4);
	int64_t best = -1;
	int pi;

	if (prefix)
		*prefix = -1;
	if (ipv4_always_local(v4) || ipv4_is_multicast_or_broadcast(v4))
		return LOOKUP_LOCAL;
	if (!c)
		return LOOKUP_NONE;
	if (lk && in_locals(lk, h))
		return LOOKUP_LOCAL;

	/* Every index is checked against its table: a compiled image read
	 * from a file (confimg.h) may be damaged.  A block's parent comes
	 * before it (enclosing blocks sort first), so the walk ends. */
	if (lk) {
		for (int32_t b = find_block(lk, h); b >= 0;) {
			int64_t w = block_port_winner(lk, &lk->blocks[b], port);
			int32_t up = lk->blocks[b].parent;

			if (w >= 0 && (uint64_t)w < c->nsubnets &&
			    (best < 0 || w < best))
				best = w;
			b = up < b ? up : -1;
		}
	}
	if (best >= 0)
		pi = config_subnet_prefix(c, (size_t)best);
	else if (c->has_default)
		pi = 0;
	else
		return LOOKUP_NONE;
	if (pi < 0 || (size_t)pi >= c->nprefixes)
		return LOOKUP_NONE;

	if (pi == 0 && c->default_auto) {
		if (prefix)
			*prefix = 0;
		return LOOKUP_AUTO;
	}
	if (!nat64_prefix_applies(&c->prefixes[pi], v4))
		return LOOKUP_NONE;
	if (prefix)
		*prefix = pi;
	return LOOKUP_NAT64;
}
