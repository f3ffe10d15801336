# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced by the benchmarks that measure the library against the floor of
# any preload, an empty shared library (bench/startup.sh, bench/exec.sh),
# after they have set ROOT (the source tree) and a die function.
#
# Sets B (the build folder, absolute), LIB (the library, default
# $B/libtnat64.so) and PROG (the program started, default /bin/true).
#   floor_check          LIB is an absolute path to a file, PROG runs
#   floor_build DIR      builds DIR/libempty.so, the floor: one empty
#                        function, compiled as any library would be
#   floor_place DIR      copies LIB and DIR/libempty.so into DIR/lib and
#                        DIR/empty in 4 KB writes, and sets LIB_AT and
#                        EMPTY_AT to the copies, which the modes use
B=${B:-build}
case $B in
/*) ;;
*) B=$ROOT/$B ;;
esac
LIB=${LIB:-$B/libtnat64.so}
PROG=${PROG:-/bin/true}

floor_check() {
	[ -f "$LIB" ] || die "$LIB missing (make)"
	case $LIB in
	/*) ;;
	*) die "LIB must be an absolute path" ;;
	esac
	[ -x "$PROG" ] || die "PROG $PROG is not an executable"
}

floor_build() {
	printf 'void tnat64_bench_empty(void);\nvoid tnat64_bench_empty(void) {}\n' \
		>"$1/empty.c" || die "cannot write $1/empty.c"
	${CC:-cc} -O2 -shared -fPIC -o "$1/libempty.so" "$1/empty.c" ||
		die "cannot build the empty library"
}

# The modes should differ by the libraries alone, not by how their files
# came into the page cache.  A file written in large pieces (cp, cat) is
# kept in large folios, whose pages the kernel maps at a page fault for
# less (fault-around); written in 4 KB pieces (as the linker writes a
# library), or read back after being dropped from the cache, it is kept
# in small ones on this VM.  Measured: the same libtnat64.so 1.009 to
# 1.011 times the empty library's start-up when copied with cp or cat,
# 1.014 to 1.016 written in 4 KB pieces or read back.  Both libraries
# are copied in 4 KB pieces, into directories of the same depth: the
# figure is the one of the costlier case, whatever wrote the build.
floor_place() {
	mkdir -p "$1/lib" "$1/empty" || die "cannot make $1/lib"
	LIB_AT=$1/lib/${LIB##*/}
	EMPTY_AT=$1/empty/libempty.so
	dd if="$LIB" of="$LIB_AT" bs=4096 status=none &&
		dd if="$1/libempty.so" of="$EMPTY_AT" bs=4096 status=none &&
		chmod 755 "$1/lib" "$1/empty" "$LIB_AT" "$EMPTY_AT" ||
		die "cannot copy the libraries into $1"
}
