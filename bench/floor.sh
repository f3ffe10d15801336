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
