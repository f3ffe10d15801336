/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Placement of what the preloaded library's constructor touches.  In
 * /etc/ld.so.preload every program that starts loads the library, and on
 * a virtual machine each page fault costs as much as several system
 * calls, so the constructor touches no page an empty library would not
 * (make bench-startup counts them). */
#ifndef TNAT64_LOADTIME_H
#define TNAT64_LOADTIME_H

/* Where a variable that the preloaded library writes at load time lives:
 * .data, which shares its page with .got.plt, written by the dynamic
 * linker's relocations anyway, so such a write costs no page fault (a
 * variable in .bss, an anonymous mapping, would cost one in every
 * process: src/preload/lib.ld). */
#define TN_LOAD_DATA __attribute__((section(".data.tn_load")))
/* Where a function the library's constructor calls lives: with the
 * constructor, right after the dynamic symbols and relocations the loader
 * reads (src/preload/lib.ld), so that the page fault that maps those
 * maps their code too (the kernel maps the 64 KB around a faulting
 * address of a file at once). */
#define TN_LOAD_TEXT __attribute__((section(".text.startup.tn")))

#endif
