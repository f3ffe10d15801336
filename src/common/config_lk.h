/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the configuration: the compiled destination lookup shared by the
 * parser (config.c, which lays it out in the arena) and the lookup
 * (config_lookup.c, which builds and searches it).  Not for other code:
 * use config.h. */
#ifndef TNAT64_CONFIG_LK_H
#define TNAT64_CONFIG_LK_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* The compiled tables (config->lookup points at a struct lk). */

struct lk_iv {            /* address interval, host order, inclusive */
	uint32_t start, end;
	int32_t block;        /* deepest block covering it */
};

struct lk_block {
	uint32_t net;         /* host order */
	uint8_t len;
	int32_t parent;       /* enclosing block or -1 */
	uint32_t port_first;  /* into lk.ports */
	uint32_t port_count;
};

struct lk_port {          /* port interval -> winning subnet */
	uint32_t lo, hi;      /* inclusive, 0..65535 */
	uint32_t subnet;      /* index into config.subnets */
};

struct lk_range {         /* merged local interval, host order */
	uint32_t start, end;
};

struct lk {
	struct lk_iv *iv;        size_t niv;
	struct lk_block *blocks; size_t nblocks;
	struct lk_port *ports;   size_t nports;
	struct lk_range *locals; size_t nlocals;
};

/* Where config_lk_compile puts the tables and its scratch space, all in
 * the arena, sized for cap `local` and `subnet` lines:
 *   iv 2 * cap + 1, blocks cap, ports 2 * cap, locals cap,
 *   idx cap, bp / owner / next 2 * cap + 2 entries. */
struct lk_space {
	struct lk_iv *iv;
	struct lk_block *blocks;
	struct lk_port *ports;
	struct lk_range *locals;
	uint32_t *idx, *bp, *next;
	int32_t *owner;
};

/* Host-order mask -> prefix length, -1 if not contiguous. */
int config_mask_len(uint32_t m);

/* Build the lookup tables of c (its locals and subnets parsed) into lk,
 * in space sp; c->lookup then points at lk. */
void config_lk_compile(struct config *c, struct lk *lk,
		       const struct lk_space *sp);

#endif
