#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What exec coverage costs a dynamic program (`make bench-exec`; never a
# test: timing decides nothing in tests).
#
# The library's exec hooks read the ELF header of every program a process
# starts (src/common/execkind.c), to start the seccomp supervisor in the
# place of static and Go ones.  Measured: a loop of RUNS (default 1000)
# PROG (default /bin/true) started by bash, in three modes:
#   lib    bash and PROG with the library ($B/libtnat64.so, or LIB=...)
#          in LD_PRELOAD
#   empty  both with an empty shared library (the floor of any preloaded
#          library)
#   load   bash with the empty library, PROG with the library: what
#          loading the library into PROG costs, without the exec hooks
# for ROUNDS rounds (default 11; within a round the modes alternate in
# blocks of BLOCK execs, default 100, in each of the six orders in turn),
# the CPU time (user + system, bash and its children) and the
# wall time of each loop (bash's `time`).  Printed: per exec, the median
# CPU and wall time of each mode, and the medians over the rounds of the
# per-round ratios lib/empty (the figure; goal <= 1.02), load/empty and
# lib/load (the exec hooks alone), with their minimum and maximum.
# Then, deterministic: the system calls per exec of each mode (strace -f
# -c over CALLS execs, default 200) and those that differ, with perf
# installed the minor page faults per exec of each mode, and with
# valgrind installed the user-space instructions of one PROG with each
# preload (the library's loading and constructor).
# Environment: B, LIB, PROG, RUNS, ROUNDS, CALLS, PIN=0 not to pin to
# CPU 1.

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-1000}
ROUNDS=${ROUNDS:-11}
CALLS=${CALLS:-200}
PIN=${PIN:-1}

die() {
	echo "bench-exec: $*" >&2
	exit 1
}
# shellcheck source=bench/floor.sh
. "$ROOT/bench/floor.sh"
floor_check
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-exec.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
floor_build "$TMP"
floor_place "$TMP"

CPU=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null 2>&1 &&
	[ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ]; then
	CPU=(taskset -c 1)
fi

# The preloads of bash and of PROG in each mode.
parent_of() {
	case $1 in
	lib) echo "$LIB_AT" ;;
	*) echo "$EMPTY_AT" ;;
	esac
}
child_of() {
	case $1 in
	empty) echo "$EMPTY_AT" ;;
	*) echo "$LIB_AT" ;;
	esac
}

# The loop of $1 execs of $2 with LD_PRELOAD=$3, in the bash it is given
# to (each mode's loop is the same commands: only the libraries change).
# shellcheck disable=SC2016 # (bash -c's script)
LOOP='for ((i = 0; i < $1; i++)); do LD_PRELOAD=$3 "$2"; done'

# loop MODE N: the loop in a bash with MODE's preloads; prints "wall cpu"
# in seconds.
# shellcheck disable=SC2016 # (bash -c's script)
loop() {
	env LD_PRELOAD="$(parent_of "$1")" "${CPU[@]}" bash -c '
		TIMEFORMAT="%R %U %S"
		{ time '"$LOOP"'; } 2>&1 |
			awk "{ print \$1, \$2 + \$3 }"' bench "$2" "$PROG" "$(child_of "$1")"
}

echo "# tnat64 bench-exec: $ROUNDS rounds x $RUNS runs of $PROG started by bash${CPU[*]:+, pinned to CPU 1}"
echo "# lib = $LIB (run from a copy: bench/floor.sh, floor_place)"
MODES="lib empty load"
for m in $MODES; do
	loop "$m" 50 >/dev/null
done
# A round is RUNS execs per mode, in blocks of BLOCK execs (each block a
# bash of its own) that alternate between the modes: on a shared VM the
# speed of the machine drifts by tens of per cent over seconds, which one
# block of RUNS execs per mode would take for a difference between them.
# (A bash's own start is counted in its block: with the library it costs
# the same few tens of microseconds in every block of that mode, under
# 0.1% of a block.)
BLOCK=${BLOCK:-100}
[ "$BLOCK" -ge 1 ] && [ "$BLOCK" -le "$RUNS" ] || BLOCK=$RUNS
blocks=$(((RUNS + BLOCK - 1) / BLOCK))
ORDERS=("lib empty load" "empty load lib" "load lib empty" "lib load empty"
	"load empty lib" "empty lib load")
for r in $(seq 1 "$ROUNDS"); do
	for b in $(seq 1 "$blocks"); do
		# all six orders in turn: a fixed cycle (lib, empty, load)
		# would always run each mode right after the same other one
		order=${ORDERS[$(((r * blocks + b) % 6))]}
		k=$BLOCK
		[ "$b" -lt "$blocks" ] || k=$((RUNS - (blocks - 1) * BLOCK))
		for m in $order; do
			echo "$m $(loop "$m" "$k")" # "mode wall cpu"
		done
	done >"$TMP/blocks"
	# the round: each mode's blocks added up
	awk -v r="$r" '{ w[$1] += $2; c[$1] += $3 }
		END { printf "round %d lib=%s,%s empty=%s,%s load=%s,%s\n", r,
			w["lib"], c["lib"], w["empty"], c["empty"], w["load"], c["load"] }' \
		"$TMP/blocks" | tee -a "$TMP/rounds" | sed 's/^/# /'
done

awk -v runs="$RUNS" -f "$ROOT/bench/stats.awk" -f /dev/stdin "$TMP/rounds" <<'AWK'
$1 == "round" {
	n++
	for (i = 3; i <= NF; i++) {
		split($i, kv, "="); split(kv[2], v, ",")
		wall[kv[1]] = v[1]; cpu[kv[1]] = v[2]
	}
	wl[n] = wall["lib"]; we[n] = wall["empty"]; wd[n] = wall["load"]
	cl[n] = cpu["lib"]; ce[n] = cpu["empty"]; cd[n] = cpu["load"]
	rc[n] = cpu["lib"] / cpu["empty"]; rw[n] = wall["lib"] / wall["empty"]
	rd[n] = cpu["load"] / cpu["empty"]; rh[n] = cpu["lib"] / cpu["load"]
	line[n] = sprintf("%.3f", rc[n])
}
function show(label, a, n) {
	minmax(a, n)
	printf "  %-34s %.3f (min %.3f, max %.3f)\n", label, median(a, n), lo, hi
}
END {
	printf "\n%-34s %14s %14s\n", "mode", "CPU us/exec", "wall us/exec"
	printf "%-34s %14.1f %14.1f\n", "lib (bash and PROG: libtnat64.so)", median(cl, n) * 1e6 / runs, median(wl, n) * 1e6 / runs
	printf "%-34s %14.1f %14.1f\n", "empty (both: an empty library)", median(ce, n) * 1e6 / runs, median(we, n) * 1e6 / runs
	printf "%-34s %14.1f %14.1f\n", "load (bash empty, PROG the lib)", median(cd, n) * 1e6 / runs, median(wd, n) * 1e6 / runs
	s = line[1]
	for (i = 2; i <= n; i++) s = s " " line[i]
	printf "\nper-round CPU ratios lib/empty: %s\n", s
	printf "medians of the per-round ratios (%d rounds):\n", n
	show("CPU  lib/empty (goal <= 1.02)", rc, n)
	show("wall lib/empty", rw, n)
	show("CPU  load/empty (loading the lib)", rd, n)
	show("CPU  lib/load (the exec hooks)", rh, n)
}
AWK

# System calls per exec: strace -f -c over the whole loop.
if command -v strace >/dev/null 2>&1; then
	echo
	echo "system calls per exec (strace -f -c, $CALLS execs):"
	for m in $MODES; do
		env LD_PRELOAD="$(parent_of "$m")" strace -f -c -o "$TMP/strace.$m" \
			bash -c "$LOOP" bench "$CALLS" "$PROG" "$(child_of "$m")" \
			>/dev/null 2>&1
		# strace -c's table: "% time seconds usecs/call calls [errors]
		# syscall"; the calls column is the 4th.
		awk -v m="$m" -v n="$CALLS" -v out="$TMP/calls.$m" '
			$NF == "total" { printf "  %-6s %7.1f\n", m, $4 / n }
			$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { print $NF, $4 > out }' \
			"$TMP/strace.$m"
	done
	for pair in "lib empty" "lib load"; do
		# shellcheck disable=SC2086 # (two words)
		set -- $pair
		echo "  calls that differ (per exec, $1 - $2):"
		join -a 1 -a 2 -e 0 -o 0,1.2,2.2 <(sort "$TMP/calls.$1") <(sort "$TMP/calls.$2") |
			awk -v n="$CALLS" '{ d = ($2 - $3) / n }
				d >= 0.5 || d <= -0.5 { printf "    %-16s %+6.2f\n", $1, d }'
	done
else
	echo "(strace not installed: no system call counts)"
fi

# Page faults per exec (perf stat, the whole loop): in a forked child
# every page of the library's code touched for the first time, and every
# stack or data page written, is one (4-8 us, as much as 4-6 system
# calls); the exec hooks run there.  The same from run to run within a
# fault or two per exec (where the libraries land decides how many 64 KB
# windows of their code a process touches).
if command -v perf >/dev/null 2>&1 &&
	perf stat -x, -e minor-faults true >/dev/null 2>&1; then
	echo
	echo "minor page faults per exec (perf stat, $CALLS execs):"
	for m in $MODES; do
		f=$(env LD_PRELOAD="$(parent_of "$m")" perf stat -x, -e minor-faults \
			bash -c "$LOOP" bench "$CALLS" "$PROG" "$(child_of "$m")" \
			2>&1 >/dev/null | awk -F, '/minor-faults/ { print $1 }')
		printf '  %-6s %7.1f\n' "$m" "$(awk -v f="${f:-0}" -v n="$CALLS" 'BEGIN { print f / n }')"
	done
else
	echo "(perf not usable here: no page fault counts)"
fi

# Instructions of one PROG with each preload (callgrind; the library's
# loading and constructor).  The tool is run directly, not through the
# valgrind launcher: the launcher is a dynamic program that starts the
# tool, a static one, and with the library in LD_PRELOAD the library
# would start the tool under the supervisor (which is right, but not what
# is measured here).  The exec hooks themselves run in bash's forked
# children just before their exec, where callgrind does not count them:
# their cost is in the system calls and page faults above and the
# lib/load ratio.
# shellcheck source=bench/callgrind.sh
. "$(dirname "$0")/callgrind.sh"
if have_callgrind; then
	echo
	echo "user-space instructions of one $PROG (callgrind):"
	for m in lib empty; do
		env LD_PRELOAD="$(child_of "$m")" \
			"$VG_TOOL" --callgrind-out-file="$TMP/cg.$m" "$PROG" >/dev/null 2>&1
		c=$(awk '/^summary:/ { s += $2 } END { print s + 0 }' "$TMP/cg.$m")
		echo "$m $c" >>"$TMP/insn"
		printf '  %-6s %10d\n' "$m" "$c"
	done
	awk '{ v[$1] = $2 } END { if (v["empty"]) printf "  lib/empty %.3f\n", v["lib"] / v["empty"] }' \
		"$TMP/insn"
else
	echo "(valgrind not installed: no instruction counts)"
fi
