/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dynamic linker's list of loaded objects, reached without a lock and
 * without a symbol of the loader (linkmap.c). */
#ifndef TNAT64_LINKMAP_H
#define TNAT64_LINKMAP_H

#include <link.h>

/* The base namespace's r_debug (<link.h>: r_map, the first object of the
 * list, the program), found through the program's DT_DEBUG entry, which
 * the dynamic linker fills in at start-up; NULL when the program has
 * none (a program that is itself a shared library, or one run as
 * `ld.so PROGRAM` by a loader that does not show it in the auxiliary
 * vector).  Takes no lock and calls nothing that may: safe in a forked
 * or vfork child.  The list itself changes under dlopen and dlclose: read
 * it under the loader's lock (inside a dl_iterate_phdr callback), or only
 * the entries that stay (the program's, this library's). */
struct r_debug *tn_r_debug(void);

/* This library's entry in r's list (the one whose dynamic section is
 * ours), or NULL when r is NULL or the library is not in its list. */
struct link_map *tn_self_map(const struct r_debug *r);

#endif
