#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sh fuzz/run.sh SECONDS [NAME...]: runs each fuzz target (all of
# $FB/fuzz_*, or the NAMEs given) for SECONDS, one after the other, and
# prints the test protocol:
#   PASS: fuzz/NAME: 25s, 1234567 runs (49382/s), no crash, corpus 345
#   FAIL: fuzz/NAME: crash after N runs, input saved as FILE
# ending with "N passed, N failed, N skipped".  Exit status 1 on any FAIL.
#
# Seeds come from fuzz/corpus/NAME/ (never written); what a run learns
# goes to $FB/corpus/NAME/ and is kept for the next run.  Crashing inputs
# go to $FB/crashes/NAME/: reproduce with `$FB/fuzz_NAME FILE`.  Optional
# per target: fuzz/NAME.dict (a libFuzzer dictionary) and fuzz/NAME.options
# (more libFuzzer flags, e.g. -max_len=8192).  FUZZ_FLAGS adds flags to
# every run.
set -u
secs=${1:?usage: sh fuzz/run.sh SECONDS [NAME...]}
shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FB=${FB:-build-fuzz}
case $FB in
/*) ;;
*) FB=$ROOT/$FB ;;
esac

if [ $# -eq 0 ]; then
	for src in "$ROOT"/fuzz/fuzz_*.c; do
		[ -f "$src" ] || continue
		n=${src##*/fuzz_}
		set -- "$@" "${n%.c}"
	done
fi

npass=0
nfail=0
nskip=0
for name in "$@"; do
	bin=$FB/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz/$name: $bin not built (make fuzz-build)"
		nfail=$((nfail + 1))
		continue
	fi
	seeds=$ROOT/fuzz/corpus/$name
	work=$FB/corpus/$name
	crashes=$FB/crashes/$name
	log=$FB/logs/$name.log
	mkdir -p "$work" "$crashes" "$FB/logs"
	set -- -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$crashes/"
	[ -f "$ROOT/fuzz/$name.dict" ] && set -- "$@" -dict="$ROOT/fuzz/$name.dict"
	if [ -f "$ROOT/fuzz/$name.options" ]; then
		# shellcheck disable=SC2046 # one flag per word, on purpose
		set -- "$@" $(grep -v '^#' "$ROOT/fuzz/$name.options")
	fi
	[ -d "$seeds" ] || seeds=
	before=$(find "$crashes" -type f | wc -l)
	start=$(date +%s)
	: >"$log.start"
	# shellcheck disable=SC2086 # FUZZ_FLAGS: flags split on purpose
	"$bin" "$@" ${FUZZ_FLAGS:-} "$work" ${seeds:+"$seeds"} >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	ncorp=$(find "$work" -type f | wc -l)
	# the newest input libFuzzer saved, if this run saved one
	art=
	if [ "$(find "$crashes" -type f | wc -l)" -gt "$before" ]; then
		art=$(find "$crashes" -type f -newer "$log.start" | head -n 1)
	fi
	if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
		echo "PASS: fuzz/$name: ${took}s, $runs runs (${rate:-?}/s), no crash, corpus $ncorp"
		npass=$((npass + 1))
	else
		echo "FAIL: fuzz/$name: exit status $rc after ${runs:-?} runs${art:+, input saved as $art (reproduce: $bin $art)}"
		grep -E 'ERROR|invariant|runtime error|SUMMARY|^    #[0-9] ' "$log" |
			head -n 25 | sed "s|^|# fuzz/$name: |" >&2
		nfail=$((nfail + 1))
	fi
done

echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
