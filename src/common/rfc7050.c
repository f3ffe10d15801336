/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 7050 section 3 prefix extraction, on top of prefix.c's RFC 6052
 * synthesis/extraction (one implementation of the bit positions). */
#include "rfc7050.h"

#include <arpa/inet.h>
#include <string.h>

static const uint8_t lengths[] = { 96, 64, 56, 48, 40, 32 };

bool rfc7050_prefix_of(const uint8_t a[16], struct nat64_prefix *out)
{
	for (size_t i = 0; i < sizeof(lengths); i++) {
		struct nat64_prefix p;
		uint8_t allowed[16], sfx[16];
		uint32_t v4;

		memset(&p, 0, sizeof(p));
		p.len = lengths[i];
		memcpy(p.addr, a, p.len / 8);
		if (!nat64_extract(&p, a, &v4))
			continue;
		v4 = ntohl(v4);
		if (v4 != RFC7050_WKA1 && v4 != RFC7050_WKA2)
			continue;
		nat64_suffix_allowed(p.len, allowed);
		for (int b = 0; b < 16; b++)
			sfx[b] = a[b] & allowed[b];
		if (nat64_suffix_set(&p, sfx) < 0)
			continue;
		*out = p;
		return true;
	}
	return false;
}

size_t rfc7050_prefixes(const uint8_t (*addrs)[16], size_t n,
			struct nat64_prefix *out, size_t max, size_t *ignored)
{
	struct nat64_prefix seen[16];
	size_t nseen = 0, nign = 0, total = 0;

	for (size_t i = 0; i < n; i++) {
		struct nat64_prefix p;
		size_t j;

		if (!rfc7050_prefix_of(addrs[i], &p)) {
			nign++;
			continue;
		}
		for (j = 0; j < nseen; j++)
			if (nat64_prefix_equal(&seen[j], &p))
				break;
		if (j < nseen)
			continue;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = p;
		if (total < max)
			out[total] = p;
		total++;
	}
	if (ignored)
		*ignored = nign;
	return total;
}
