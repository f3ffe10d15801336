#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sh fuzz/check-cc.sh CC: succeeds when CC can build a libFuzzer target
# with ASan and UBSan (clang with its compiler-rt), otherwise says what is
# missing and fails.  Run by make before building the fuzz targets.
cc=${1:-clang}
hint="the fuzz targets need clang with libFuzzer (-fsanitize=fuzzer); on Debian: apt-get install clang libclang-rt-14-dev, or name another clang with FUZZ_CC=clang-NN"

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "make fuzz: compiler '$cc' not found: $hint" >&2
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-fuzzcc.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/t.c" <<'EOC'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	return n > 0 && d[0] == 'x';
}
EOC
if ! "$cc" -fsanitize=fuzzer,address,undefined -o "$tmp/t" "$tmp/t.c" \
	>"$tmp/log" 2>&1; then
	echo "make fuzz: '$cc' cannot build a libFuzzer target: $hint" >&2
	sed 's/^/  /' "$tmp/log" | head -n 5 >&2
	exit 1
fi
