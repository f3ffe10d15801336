/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compiled configuration images (see confimg.h). */
#include "confimg.h"

#include <errno.h>
#include <string.h>

#define SECT_ALIGN 16u

void conf_stamp_of(const struct stat *st, struct conf_stamp *out)
{
	memset(out, 0, sizeof(*out));
	out->dev = (uint64_t)st->st_dev;
	out->ino = (uint64_t)st->st_ino;
	out->size = (uint64_t)st->st_size;
	out->mtime_sec = st->st_mtim.tv_sec;
	out->mtime_nsec = st->st_mtim.tv_nsec;
	out->ctime_sec = st->st_ctim.tv_sec;
	out->ctime_nsec = st->st_ctim.tv_nsec;
}

static const uint32_t elem_sizes[CI_NSECT] = {
	[CI_PREFIXES] = sizeof(struct nat64_prefix),
	[CI_PREFIX_LINE] = sizeof(int),
	[CI_PATH_LINE] = sizeof(int),
	[CI_ERRORS] = sizeof(struct conf_error),
	[CI_LOCALS] = sizeof(struct conf_net),
	[CI_SUBNETS] = sizeof(struct conf_net),
	[CI_IV] = sizeof(struct lk_iv),
	[CI_BLOCKS] = sizeof(struct lk_block),
	[CI_PORTS] = sizeof(struct lk_port),
	[CI_RANGES] = sizeof(struct lk_range),
};

static size_t align_up(size_t v)
{
	return (v + SECT_ALIGN - 1) & ~(size_t)(SECT_ALIGN - 1);
}

int confimg_build(const struct config *c, const struct conf_stamp *st,
		  struct confimg_hdr *hdr, struct iovec iov[CONFIMG_IOV_MAX],
		  size_t *total)
{
	static const char zeros[SECT_ALIGN];
	const struct lk *lk = c ? c->lookup : NULL;
	size_t off, n = 0;
	const void *base[CI_NSECT];
	size_t count[CI_NSECT];

	/* slot 0 is the default prefix, explicit or auto (config.h); an
	 * image is never made after config_set_default */
	if (!c || !lk || !st || !c->has_default || c->default_env ||
	    c->nprefixes < 1 || c->nprefixes > CONF_MAX_PREFIXES)
		return -EINVAL;
	base[CI_PREFIXES] = c->prefixes;
	base[CI_PREFIX_LINE] = c->prefix_line;
	base[CI_PATH_LINE] = c->path_line;
	count[CI_PREFIXES] = count[CI_PREFIX_LINE] = count[CI_PATH_LINE] =
		c->nprefixes;
	base[CI_ERRORS] = c->errors;
	count[CI_ERRORS] = c->nerrors_stored;
	base[CI_LOCALS] = c->locals;
	count[CI_LOCALS] = c->nlocals;
	base[CI_SUBNETS] = c->subnets;
	count[CI_SUBNETS] = c->nsubnets;
	base[CI_IV] = lk->iv;
	count[CI_IV] = lk->niv;
	base[CI_BLOCKS] = lk->blocks;
	count[CI_BLOCKS] = lk->nblocks;
	base[CI_PORTS] = lk->ports;
	count[CI_PORTS] = lk->nports;
	base[CI_RANGES] = lk->locals;
	count[CI_RANGES] = lk->nlocals;

	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->magic, CONFIMG_MAGIC, sizeof(hdr->magic));
	hdr->version = CONFIMG_VERSION;
	hdr->hdr_size = sizeof(*hdr);
	memcpy(hdr->elem_size, elem_sizes, sizeof(elem_sizes));
	hdr->default_auto = c->default_auto;
	hdr->nslots = (uint32_t)c->nprefixes;
	hdr->stamp = *st;
	hdr->nerrors = c->nerrors;
	hdr->nerrors_stored = c->nerrors_stored;
	hdr->nlookup = c->nlookup;

	iov[n].iov_base = hdr;
	iov[n++].iov_len = sizeof(*hdr);
	off = sizeof(*hdr);
	for (int s = 0; s < CI_NSECT; s++) {
		size_t bytes = count[s] * elem_sizes[s], pad = align_up(off) - off;

		if (pad) {
			iov[n].iov_base = (void *)zeros;
			iov[n++].iov_len = pad;
			off += pad;
		}
		hdr->sec[s].off = off;
		hdr->sec[s].count = count[s];
		if (bytes) {
			iov[n].iov_base = (void *)base[s];
			iov[n++].iov_len = bytes;
		}
		off += bytes;
	}
	hdr->total = off;
	*total = off;
	return (int)n;
}

/* Section s of the image, or NULL when it does not lie inside it. */
static const void *section(const struct confimg_hdr *h, const char *img,
			   size_t len, int s)
{
	uint64_t off = h->sec[s].off, count = h->sec[s].count;

	if (off % SECT_ALIGN || off < sizeof(*h) || off > len ||
	    count > (len - off) / elem_sizes[s])
		return NULL;
	return img + off;
}

struct config *confimg_open(const void *img, size_t len,
			    const struct conf_stamp *want,
			    const char *filename, struct confimg_view *v)
{
	const struct confimg_hdr *h = img;
	const void *p[CI_NSECT];
	struct config *c = &v->c;
	size_t nslots;

	if (!img || len < sizeof(*h) || (uintptr_t)img % SECT_ALIGN ||
	    memcmp(h->magic, CONFIMG_MAGIC, sizeof(h->magic)) != 0 ||
	    h->version != CONFIMG_VERSION || h->hdr_size != sizeof(*h) ||
	    memcmp(h->elem_size, elem_sizes, sizeof(elem_sizes)) != 0 ||
	    h->total != len || h->default_auto > 1)
		return NULL;
	if (want && memcmp(&h->stamp, want, sizeof(*want)) != 0)
		return NULL;
	for (int s = 0; s < CI_NSECT; s++)
		if (!(p[s] = section(h, img, len, s)))
			return NULL;
	nslots = h->nslots;
	if (nslots < 1 || nslots > CONF_MAX_PREFIXES ||
	    h->sec[CI_PREFIXES].count != nslots ||
	    h->sec[CI_PREFIX_LINE].count != nslots ||
	    h->sec[CI_PATH_LINE].count != nslots ||
	    h->sec[CI_ERRORS].count != h->nerrors_stored ||
	    h->nerrors_stored > CONF_MAX_ERRORS ||
	    h->nerrors < h->nerrors_stored)
		return NULL;

	for (size_t i = 0; i < h->nerrors_stored; i++) {
		const struct conf_error *e = (const struct conf_error *)
			p[CI_ERRORS] + i;

		if (!memchr(e->msg, '\0', sizeof(e->msg)))
			return NULL;
	}
	for (size_t i = 0; i < nslots; i++)
		if (!nat64_prefix_len_valid(
			    ((const struct nat64_prefix *)p[CI_PREFIXES])[i].len))
			return NULL;

	memset(c, 0, sizeof(*c));
	memcpy(v->pfx, p[CI_PREFIXES], nslots * sizeof(v->pfx[0]));
	memcpy(v->pfx_line, p[CI_PREFIX_LINE], nslots * sizeof(int));
	memcpy(v->path_line, p[CI_PATH_LINE], nslots * sizeof(int));
	c->filename = filename;
	c->has_default = true;
	c->default_auto = h->default_auto != 0;
	c->prefixes = v->pfx;
	c->prefix_line = v->pfx_line;
	c->path_line = v->path_line;
	c->nprefixes = nslots;
	c->errors = (struct conf_error *)p[CI_ERRORS];
	c->nerrors = h->nerrors;
	c->nerrors_stored = h->nerrors_stored;
	c->locals = (struct conf_net *)p[CI_LOCALS];
	c->nlocals = h->sec[CI_LOCALS].count;
	c->subnets = (struct conf_net *)p[CI_SUBNETS];
	c->nsubnets = h->sec[CI_SUBNETS].count;
	v->lk.iv = (struct lk_iv *)p[CI_IV];
	v->lk.niv = h->sec[CI_IV].count;
	v->lk.blocks = (struct lk_block *)p[CI_BLOCKS];
	v->lk.nblocks = h->sec[CI_BLOCKS].count;
	v->lk.ports = (struct lk_port *)p[CI_PORTS];
	v->lk.nports = h->sec[CI_PORTS].count;
	v->lk.locals = (struct lk_range *)p[CI_RANGES];
	v->lk.nlocals = h->sec[CI_RANGES].count;
	c->lookup = &v->lk;
	c->nlookup = v->lk.niv;
	return c;
}
