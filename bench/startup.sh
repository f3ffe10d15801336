#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Start-up cost of the system-wide mode (`make bench-startup`; never a
# test: timing decides nothing in tests).
#
# A small program that does no networking (PROG, default /bin/true) is
# started in three modes, with /etc/ld.so.preload naming
#   lib    the library ($B/libtnat64.so, or LIB=...)
#   empty  an empty shared library (the floor: what any preloaded
#          library costs the dynamic linker)
#   none   nothing (no /etc/ld.so.preload)
# in ROUNDS rounds (default 21) of RUNS runs per mode (default 300), the
# modes' runs alternating one by one within a round, each set of one
# run per mode in a shuffled order (bench/startup.c: on a shared VM the
# speed of the machine drifts by tens of per cent over seconds, which
# blocks of runs of one mode would take for a difference between the
# modes), and the CPU time (user + system) of each run is
# taken from wait4.  Printed: per mode, the CPU time of the median run
# (the median over the rounds of each round's median run), wall time and
# minor page faults per run, and the median over the rounds of the
# per-round ratios of those median runs lib/empty (goal <= 1.01),
# lib/none and empty/none, with their minimum and maximum, and lib/empty
# of the rounds' total CPU time.  Then, deterministic (unlike the times):
# the system calls of one run in each mode (strace) and, with valgrind
# installed, its user-space instructions.
#
# The runs happen in a private mount namespace where /etc is an overlay
# (tests/integration/sysns.sh): the host's /etc/ld.so.preload is never
# written.  Environment: B, LIB, PROG, RUNS, ROUNDS, WARMUP (unmeasured
# runs per mode first, default 50), PIN=0 not to pin to CPU 1.  Needs root.

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-300}
ROUNDS=${ROUNDS:-21}
WARMUP=${WARMUP:-50}
PIN=${PIN:-1}
PATH=$PATH:/usr/sbin:/sbin

die() {
	echo "bench-startup: $*" >&2
	exit 1
}
# shellcheck source=bench/floor.sh
. "$ROOT/bench/floor.sh"
DRIVER=$B/bench/startup
[ "$(id -u)" = 0 ] || die "needs root (a private mount namespace)"
for f in "$LIB" "$DRIVER"; do
	[ -f "$f" ] || die "$f missing (make all $B/bench/startup)"
done
floor_check

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-startup.XXXXXX") || die "mktemp failed"
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/integration/sysns.sh
. "$ROOT/tests/integration/sysns.sh"
# shellcheck source=bench/callgrind.sh
. "$ROOT/bench/callgrind.sh"
TB_TMP=$TMP
TB_TIMEOUT=3600
export TB_TMP TB_TIMEOUT
sys_check_usable || die "$SYS_WHY"

floor_build "$TMP"
floor_place "$TMP"
printf '%s\n' "$LIB_AT" >"$TMP/pre.lib"
printf '%s\n' "$EMPTY_AT" >"$TMP/pre.empty"

CPU=
if [ "$PIN" = 1 ] && command -v taskset >/dev/null 2>&1 &&
	[ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ]; then
	CPU="taskset -c 1"
fi

echo "# tnat64 bench-startup: $ROUNDS rounds x $RUNS runs of $PROG per mode, alternating run by run (warm-up $WARMUP)${CPU:+, pinned to CPU 1}"
echo "# lib = $LIB (run from a copy: bench/floor.sh, floor_place)"
# shellcheck disable=SC2086
sys_exec - = $CPU "$DRIVER" "$ROUNDS" "$RUNS" "$WARMUP" /etc/ld.so.preload \
	lib="$TMP/pre.lib" empty="$TMP/pre.empty" none=- -- "$PROG" \
	>"$TMP/out" || die "the runs failed: $(tail -n 3 "$TMP/out")"
sed 's/^/# /' "$TMP/out"

awk -f "$ROOT/bench/stats.awk" -f /dev/stdin "$TMP/out" <<'AWK'
$1 == "round" {
	n++
	for (i = 3; i <= NF; i++) {
		split($i, kv, "="); split(kv[2], v, ",")
		cpu[kv[1]] = v[1]; wall[kv[1]] = v[2]; flt[kv[1]] = v[3]
		med[kv[1]] = v[4]
	}
	cl[n] = med["lib"]; ce[n] = med["empty"]; cn[n] = med["none"]
	al[n] = cpu["lib"]; ae[n] = cpu["empty"]
	fl[n] = flt["lib"]; fe[n] = flt["empty"]; fn[n] = flt["none"]
	wl[n] = wall["lib"]; we[n] = wall["empty"]; wn[n] = wall["none"]
	re[n] = med["lib"] / med["empty"]
	rn[n] = med["lib"] / med["none"]
	rf[n] = med["empty"] / med["none"]
	ra[n] = cpu["lib"] / cpu["empty"]
}
END {
	printf "\n%-32s %12s %12s %14s\n", "mode (ld.so.preload names)", "CPU us/run", "wall us/run", "minor faults"
	printf "%-32s %12.1f %12.1f %14.2f\n", "lib (libtnat64.so)", median(cl, n) / 1000, median(wl, n) / 1000, median(fl, n)
	printf "%-32s %12.1f %12.1f %14.2f\n", "empty (an empty library)", median(ce, n) / 1000, median(we, n) / 1000, median(fe, n)
	printf "%-32s %12.1f %12.1f %14.2f\n", "none (no /etc/ld.so.preload)", median(cn, n) / 1000, median(wn, n) / 1000, median(fn, n)
	printf "(CPU: the median run of each round, then the median over the rounds)\n"
	printf "\nmedian of the per-round CPU ratios (%d rounds; each round's ratio is that of its median runs):\n", n
	minmax(re, n); m = median(re, n)
	printf "  lib/empty %.3f  (min %.3f, max %.3f)  goal <= 1.01: %s\n", m, lo, hi, m <= 1.01 ? "met" : "NOT met"
	minmax(rn, n); m = median(rn, n)
	printf "  lib/none  %.3f  (min %.3f, max %.3f)\n", m, lo, hi
	minmax(rf, n); m = median(rf, n)
	printf "  empty/none %.3f (min %.3f, max %.3f)  (what any preloaded library costs)\n", m, lo, hi
	minmax(ra, n); m = median(ra, n)
	printf "  lib/empty of the rounds' total CPU time: %.3f (min %.3f, max %.3f)\n", m, lo, hi
}
AWK

# What MODE puts in /etc/ld.so.preload ("" for none), for the
# deterministic counts below, which give it by LD_PRELOAD.
preload_of() {
	[ "$1" = none ] || cat "$TMP/pre.$1"
}

# System calls of one run in each mode (strace -c; LD_PRELOAD here, which
# gives the dynamic linker the same work), and those that differ from the
# empty library's: the same from run to run.
if command -v strace >/dev/null 2>&1; then
	echo
	echo "system calls of one run (strace -c):"
	for m in lib empty none; do
		pre=$(preload_of "$m")
		env -i PATH=/usr/bin:/bin strace -c -o "$TMP/strace.$m" \
			${pre:+-E LD_PRELOAD=$pre} "$PROG" >/dev/null 2>&1
		# strace -c's table: "% time seconds usecs/call calls [errors]
		# syscall"; the calls column is the 4th.
		awk -v m="$m" -v out="$TMP/calls.$m" '
			$NF == "total" { printf "  %-6s %5d\n", m, $4 }
			$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { print $NF, $4 > out }' \
			"$TMP/strace.$m"
	done
	echo "  calls that differ (lib - empty):"
	join -a 1 -a 2 -e 0 -o 0,1.2,2.2 <(sort "$TMP/calls.lib") \
		<(sort "$TMP/calls.empty") |
		awk '$2 != $3 { printf "    %-16s %+3d\n", $1, $2 - $3 }'
fi

# Instructions are the same from run to run, where CPU time on a busy or
# virtual machine is not: one run of each mode under callgrind (user space
# only; the kernel's share, exec and page faults, is not in it).
if have_callgrind; then
	echo
	echo "user-space instructions of one run (valgrind --tool=callgrind):"
	for m in lib empty none; do
		pre=$(preload_of "$m")
		n=$(env -i PATH=/usr/bin:/bin ${pre:+LD_PRELOAD=$pre} \
			VALGRIND_LAUNCHER="$VALGRIND_LAUNCHER" "$VG_TOOL" \
			--callgrind-out-file=/dev/null "$PROG" 2>&1 >/dev/null |
			sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
		printf '  %-6s %10s\n' "$m" "${n:-?}"
		eval "ir_$m=\${n:-0}"
	done
	# shellcheck disable=SC2154
	awk -v l="$ir_lib" -v e="$ir_empty" -v z="$ir_none" 'BEGIN {
		if (e > 0 && z > 0)
			printf "  lib/empty %.3f, lib/none %.3f (LD_PRELOAD here: the same work for the dynamic linker)\n", l / e, l / z
	}'
fi
