/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The compiled form of a parsed configuration: one flat image (header,
 * then the parser's tables verbatim) that a process maps instead of
 * parsing the file again.  Pure code: no I/O, no allocation.
 *
 * An image names the file it was made from by its stamp (device, inode,
 * size, modification and change times): it is used only while the file
 * still has that stamp.  Reading one costs O(1) (header checks; the
 * lookup touches O(log n) of its pages); every index the lookup follows
 * is checked against the table sizes, so that a damaged image can give
 * a wrong answer at worst, never a read outside it (config_lookup.c).
 * Where images live and who may write them: confload.c, with the trust
 * rules of the prefix cache (pfxcache.h, pfxdisc.h). */
#ifndef TNAT64_CONFIMG_H
#define TNAT64_CONFIMG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "config.h"
#include "config_lk.h"

struct conf_stamp {
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};

void conf_stamp_of(const struct stat *st, struct conf_stamp *out);

/* Sections of an image, in this order. */
enum {
	CI_PREFIXES, CI_PREFIX_LINE, CI_PATH_LINE, CI_ERRORS, CI_LOCALS,
	CI_SUBNETS, CI_IV, CI_BLOCKS, CI_PORTS, CI_RANGES, CI_NSECT
};

#define CONFIMG_MAGIC "tn64cimg"
#define CONFIMG_VERSION 2u

struct confimg_hdr {
	char magic[8];
	uint32_t version;
	uint32_t hdr_size;             /* sizeof(struct confimg_hdr) */
	uint32_t elem_size[CI_NSECT];  /* sizeof of each section's element */
	uint32_t default_auto;         /* nat64_prefix = auto (config.h) */
	uint32_t nslots;               /* prefix slots, slot 0 the default's */
	struct conf_stamp stamp;
	uint64_t total;                /* bytes of the whole image */
	uint64_t nerrors, nerrors_stored;
	uint64_t nlookup;
	struct {
		uint64_t off, count;
	} sec[CI_NSECT];
};

/* The pieces of the image of c (as config_parse made it, before any
 * config_set_default), made from the file with stamp st: fills *hdr and
 * iov[0..n) (header, sections, zero padding), returns n (at most
 * CONFIMG_IOV_MAX) and *total the image's size.  The iovecs point into
 * c's arena and hdr; write them in order. */
#define CONFIMG_IOV_MAX (2 * CI_NSECT + 1)
int confimg_build(const struct config *c, const struct conf_stamp *st,
		  struct confimg_hdr *hdr, struct iovec iov[CONFIMG_IOV_MAX],
		  size_t *total);

/* What a mapped image needs in the process's own memory: the
 * configuration, its lookup tables' descriptor and a copy of the prefix
 * slots (config_set_default writes them). */
struct confimg_view {
	struct config c;
	struct lk lk;
	struct nat64_prefix pfx[CONF_MAX_PREFIXES];
	int pfx_line[CONF_MAX_PREFIXES];
	int path_line[CONF_MAX_PREFIXES];
};

/* The configuration in image img[0..len) if it is a well-formed image
 * of this build's layout for the file with stamp want (NULL: any),
 * placed in *v (filename as config_parse's), or NULL.  O(1) in the
 * image's size. */
struct config *confimg_open(const void *img, size_t len,
			    const struct conf_stamp *want,
			    const char *filename, struct confimg_view *v);

#endif
