#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Test runner: sh tests/run.sh [unit|integration|all]   (default all)
# Runs $B/tests/unit/test_* (one per tests/unit/test_*.c) and tests/integration/t_*.sh, each under a
# timeout, collects their PASS/FAIL/SKIP lines, and ends with
#   N passed, N failed, N skipped
# Exit status 1 if anything failed.  A test that exits non-zero (crash,
# timeout) without printing a FAIL line counts as one FAIL.
# Environment: B (build dir, default build; build-san with SANITIZE=1),
# SANITIZE, TEST_TIMEOUT (seconds per binary/script, default 300),
# V=1 (print every line of test output, not only the protocol lines).

set -u
mode=${1:-all}
case $mode in
unit | integration | all) ;;
*)
	echo "usage: sh tests/run.sh [unit|integration|all]" >&2
	exit 2
	;;
esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ "${SANITIZE:-}" = 1 ]; then
	B=${B:-build-san}
else
	B=${B:-build}
fi
case $B in
/*) ;;
*) B=$ROOT/$B ;;
esac
export B
PATH=$PATH:/usr/sbin:/sbin
export PATH
TEST_TIMEOUT=${TEST_TIMEOUT:-300}

npass=0
nfail=0
nskip=0
out=$(mktemp "${TMPDIR:-/tmp}/tnat64-run.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() {
	t=$(date +%s%N 2>/dev/null)
	case $t in
	*N | '') echo $(($(date +%s) * 1000)) ;;
	*) echo $((t / 1000000)) ;;
	esac
}

count() {
	grep -c "^$1: " "$out"
}

# run NAME CMD...: run one test binary/script and account for it.
run() {
	name=$1
	shift
	start=$(now_ms)
	timeout -k 10 "$TEST_TIMEOUT" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	ms=$(($(now_ms) - start))
	if [ "${V:-}" = 1 ]; then
		cat "$out"
	else
		grep -E '^(PASS|FAIL|SKIP): ' "$out"
	fi
	p=$(count PASS)
	f=$(count FAIL)
	s=$(count SKIP)
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "FAIL: $name: timed out after ${TEST_TIMEOUT}s"
		f=$((f + 1))
	elif [ "$rc" -gt 128 ]; then
		echo "FAIL: $name: killed by signal $((rc - 128))"
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name: exited with status $rc without a FAIL line"
		f=1
	elif [ $((p + f + s)) -eq 0 ]; then
		echo "FAIL: $name: printed no PASS/FAIL/SKIP line"
		f=1
	fi
	if grep -qE '^==[0-9]+==ERROR: (Address|Leak)Sanitizer|: runtime error: ' "$out"; then
		echo "FAIL: $name: sanitizer report in the output"
		f=$((f + 1))
	fi
	if [ "$f" -gt 0 ] && [ "${V:-}" != 1 ]; then
		# context for the failure: the non-protocol output, last lines
		grep -vE '^(PASS|FAIL|SKIP): ' "$out" | tail -n 40 | sed "s|^|# $name: |" >&2
	fi
	npass=$((npass + p))
	nfail=$((nfail + f))
	nskip=$((nskip + s))
	printf '# %s: %d.%03ds (pass %d, fail %d, skip %d)\n' "$name" \
		$((ms / 1000)) $((ms % 1000)) "$p" "$f" "$s" >&2
}

if [ "$mode" != integration ]; then
	for src in "$ROOT"/tests/unit/test_*.c; do
		[ -f "$src" ] || continue
		t=${src##*/}
		t=$B/tests/unit/${t%.c}
		if [ -x "$t" ]; then
			run "unit/${t##*/}" "$t"
		else
			echo "FAIL: unit/${t##*/}: $t not built (run make tests)"
			nfail=$((nfail + 1))
		fi
	done
fi

if [ "$mode" != unit ]; then
	why=
	if [ "$(id -u)" != 0 ]; then
		why="needs root"
	elif ! command -v ip >/dev/null 2>&1; then
		why="ip (iproute2) not installed"
	elif ! ip netns list >/dev/null 2>&1; then
		why="ip netns not usable"
	elif ! command -v tayga >/dev/null 2>&1; then
		why="tayga not installed"
	elif [ ! -c /dev/net/tun ]; then
		why="no /dev/net/tun"
	elif ! command -v bash >/dev/null 2>&1; then
		why="bash not installed"
	elif [ ! -f "$B/libtnat64.so" ]; then
		why=
		echo "FAIL: integration: $B/libtnat64.so missing (run make)"
		nfail=$((nfail + 1))
	fi
	for t in "$ROOT"/tests/integration/t_*.sh; do
		[ -f "$t" ] || continue
		if [ -n "$why" ]; then
			echo "SKIP: integration/${t##*/}: $why"
			nskip=$((nskip + 1))
		else
			run "integration/${t##*/}" bash "$t"
		fi
	done
fi

echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
