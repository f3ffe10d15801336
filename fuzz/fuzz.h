/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the libFuzzer targets, one per fuzz/fuzz_*.c (see
 * fuzz/README.md).  Header-only so that a new target is one new file. */
#ifndef TNAT64_FUZZ_H
#define TNAT64_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entry point libFuzzer calls once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test.  A violation is reported like a
 * crash: libFuzzer keeps the input and the run fails. */
#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
			__LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* Reading structured values off the front of the input.  Past the end
 * everything reads as zero, so every input is usable. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline void fuzz_bytes(struct fuzz_in *in, void *out, size_t n)
{
	size_t k = n < in->n ? n : in->n;

	if (k)
		memcpy(out, in->p, k);
	if (n > k)
		memset((uint8_t *)out + k, 0, n - k);
	in->p += k;
	in->n -= k;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	uint8_t v;

	fuzz_bytes(in, &v, 1);
	return v;
}

/* Little-endian, whatever the host. */
static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint8_t b[2];

	fuzz_bytes(in, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint8_t b[4];

	fuzz_bytes(in, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/* A copy of what is left, exactly n bytes long in its own allocation
 * (the sanitizer catches a read past it), NUL-terminated one byte later
 * when nul is set.  Consumes everything. */
static inline char *fuzz_rest(struct fuzz_in *in, size_t *n, int nul)
{
	size_t size = in->n + (nul ? 1 : 0);
	char *s = malloc(size ? size : 1);

	if (!s)
		abort();
	if (in->n)
		memcpy(s, in->p, in->n);
	if (nul)
		s[in->n] = '\0';
	*n = in->n;
	in->p += in->n;
	in->n = 0;
	return s;
}

/* Cheap deterministic pseudo-random numbers (xorshift), seeded from the
 * input, for choosing probes. */
static inline uint32_t fuzz_rand(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

static inline uint32_t fuzz_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

#endif
