/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Socket filters (SO_ATTACH_FILTER) that programs attach to their ICMP
 * sockets, kept by the library to run on the ICMPv4 view of what a
 * translated socket reads (src/common/cbpf.h): the kernel would run them
 * on ICMPv6 bytes.  A fixed pool of slots, each mapped on first use and
 * reused once no descriptor refers to it; reference-counted, lock-free,
 * async-signal-safe.  Ids are 1..BPFPOOL_SLOTS, 0 meaning none. */
#ifndef TNAT64_BPFPOOL_H
#define TNAT64_BPFPOOL_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#define BPFPOOL_SLOTS 64

/* Keep a copy of prog (n instructions, checked by cbpf_check): its id
 * with one reference, or -ENOMEM when every slot is in use (what the
 * kernel answers when a socket's option memory runs out). */
int bpfpool_put(const struct sock_filter *prog, size_t n);
/* One more reference to id (returned; 0 when id is 0 or was released
 * meanwhile). */
uint16_t bpfpool_ref(uint16_t id);
/* Drop a reference (id 0: nothing). */
void bpfpool_unref(uint16_t id);
/* The program of id, n instructions: valid while a reference is held. */
const struct sock_filter *bpfpool_prog(uint16_t id, size_t *n);

#endif
