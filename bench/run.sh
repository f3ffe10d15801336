#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Connect-cycle benchmark (`make bench`; never a test: timing decides
# nothing in tests).
#
# Two namespaces joined by a veth, no NAT64 gateway in the path: the server
# side holds the synthesized address 2001:db8:64::c633:640a (198.51.100.10
# under 2001:db8:64::/96) itself, so the translated and the native cycles
# reach the same IPv6 listener.  In one run it alternates ROUNDS rounds of
# CYCLES blocking socket+connect+close cycles of bench/cycle in four modes:
#   xlat     198.51.100.10 with the library (translated to the IPv6 address)
#   native   [2001:db8:64::c633:640a] without the library
#   lo       127.0.0.1 (client namespace) without the library
#   lo+lib   127.0.0.1 with the library
# and prints the median process CPU time per cycle of each mode and the
# ratios xlat/native (goal <= 1.03) and lo+lib/lo (goal <= 1.01): the
# median over the rounds of the ratio within each round (the primary
# figure: the four modes of a round run back to back, so drift of the
# machine cancels), and the ratios of the medians and of the minimums.
# On a busy or virtualized machine the spread between rounds can exceed
# the goals; compare the min/max columns before trusting a ratio.
#
# Environment: PARTS (default "tcp udp seccomp": which parts to run),
# B (build directory, default build), ROUNDS (default 20),
# CYCLES (default 10000), WARMUP (cycles before each measurement, default
# 1000), PIN=0 to not pin the client and the servers to separate CPUs.
# Needs root and iproute2.

set -u
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_env bench
ROUNDS=${ROUNDS:-20}
CYCLES=${CYCLES:-10000}
WARMUP=${WARMUP:-1000}
PARTS=${PARTS:-tcp udp seccomp}
PORT6=9000
PORTLO=9001
CYCLE=$B/bench/cycle
ACCEPTOR=$B/bench/acceptor

for v in "$ROUNDS" "$CYCLES" "$WARMUP"; do
	case $v in
	'' | *[!0-9]*) die "ROUNDS, CYCLES and WARMUP must be numbers" ;;
	esac
done
[ "$ROUNDS" -ge 1 ] && [ "$CYCLES" -ge 1 ] || die "ROUNDS and CYCLES must be >= 1"
bench_check "$CYCLE" "$ACCEPTOR"
bench_netns
# No TIME_WAIT pile-up on the client (hundreds of thousands of cycles to
# one address and port), deep accept queues on both listeners.
ip netns exec "$C" sysctl -qw net.ipv4.tcp_max_tw_buckets=0 \
	net.ipv4.ip_local_port_range="1024 65535" net.core.somaxconn=65535 \
	net.ipv4.tcp_max_syn_backlog=65535 >/dev/null ||
	echo "bench: warning: client sysctls failed" >&2
ip netns exec "$S" sysctl -qw net.ipv4.tcp_max_tw_buckets=0 \
	net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535 >/dev/null ||
	echo "bench: warning: server sysctls failed" >&2

# shellcheck disable=SC2086
ip netns exec "$S" $CPU_S "$ACCEPTOR" :: "$PORT6" 2 >"$TMP/acc6.log" 2>&1 &
PIDS="$PIDS $!"
# shellcheck disable=SC2086
ip netns exec "$C" $CPU_S "$ACCEPTOR" 127.0.0.1 "$PORTLO" 2 >"$TMP/acclo.log" 2>&1 &
PIDS="$PIDS $!"

wait_listen() { # NS PORT
	i=0
	while [ "$i" -lt 100 ]; do
		if ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
wait_listen "$S" "$PORT6" || die "acceptor on [::]:$PORT6 did not start: $(cat "$TMP/acc6.log")"
wait_listen "$C" "$PORTLO" || die "acceptor on 127.0.0.1:$PORTLO did not start: $(cat "$TMP/acclo.log")"

# one MODE N WARMUP: run one measurement, print cpu ns per cycle
one() {
	case $1 in
	xlat) lib=1 addr=$SERVER4 port=$PORT6 ;;
	native) lib=0 addr=$SERVER6 port=$PORT6 ;;
	lo) lib=0 addr=127.0.0.1 port=$PORTLO ;;
	lo+lib) lib=1 addr=127.0.0.1 port=$PORTLO ;;
	esac
	if [ "$lib" = 1 ]; then
		# shellcheck disable=SC2086
		out=$(ip netns exec "$C" $CPU_C env -u TNAT64_DEBUG -u TNAT64_DEBUG_FILE \
			-u TNAT64_NAT64_PREFIX LD_PRELOAD="$LIB" \
			TNAT64_CONF_FILE="$TMP/tnat64.conf" \
			"$CYCLE" "$addr" "$port" "$2" "$3" 2>"$TMP/err") ||
			die "$1 round failed: $(cat "$TMP/err") $out"
	else
		# shellcheck disable=SC2086
		out=$(ip netns exec "$C" $CPU_C env -u LD_PRELOAD \
			"$CYCLE" "$addr" "$port" "$2" "$3" 2>"$TMP/err") ||
			die "$1 round failed: $(cat "$TMP/err") $out"
	fi
	echo "$out" | sed -n 's/^cpu_ns_per_cycle=\([0-9.]*\) .*/\1/p'
}

stats() { # FILE -> "median min max"
	sort -n "$1" | awk '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		      printf "%.4f %.4f %.4f\n", m, a[1], a[NR] }'
}

want() { # PART: is it in PARTS?
	case " $PARTS " in
	*" $1 "*) return 0 ;;
	*) return 1 ;;
	esac
}

if want tcp; then
# The library really translates: a control run must reach the listener.
one xlat 10 0 >/dev/null

echo "# tnat64 bench: $ROUNDS rounds x $CYCLES cycles (warm-up $WARMUP), CPU ns per socket+connect+close${CPU_C:+, client pinned to CPU 0}"
for m in xlat native lo lo+lib; do
	: >"$TMP/res.$m"
done
one xlat 2000 "$WARMUP" >/dev/null
one native 2000 "$WARMUP" >/dev/null
r=1
while [ "$r" -le "$ROUNDS" ]; do
	# alternate the order so slow drifts hit every mode alike
	if [ $((r % 2)) = 1 ]; then
		order="xlat native lo lo+lib"
	else
		order="lo+lib lo native xlat"
	fi
	line="# round $r:"
	for m in $order; do
		v=$(one "$m" "$CYCLES" "$WARMUP")
		[ -n "$v" ] || die "no result for $m"
		echo "$v" >>"$TMP/res.$m"
		eval "cur_$(echo "$m" | tr -c 'a-z\n' '_')=$v"
		line="$line $m=$v"
	done
	# shellcheck disable=SC2154
	awk -v x="$cur_xlat" -v n="$cur_native" 'BEGIN { print x / n }' >>"$TMP/ratio.xlat"
	# shellcheck disable=SC2154
	awk -v x="$cur_lo_lib" -v n="$cur_lo" 'BEGIN { print x / n }' >>"$TMP/ratio.lo"
	echo "$line"
	r=$((r + 1))
done

echo
printf '%-34s %12s %10s %10s\n' "mode" "median ns" "min ns" "max ns"
for m in xlat native lo lo+lib; do
	set -- $(stats "$TMP/res.$m")
	case $m in
	xlat) label="translated $SERVER4 (library)" ;;
	native) label="native [$SERVER6]" ;;
	lo) label="127.0.0.1 without library" ;;
	lo+lib) label="127.0.0.1 with library" ;;
	esac
	printf '%-34s %12.0f %10.0f %10.0f\n' "$label" "$1" "$2" "$3"
	eval "med_$(echo "$m" | tr -c 'a-z\n' '_')=$1"
	eval "min_$(echo "$m" | tr -c 'a-z\n' '_')=$2"
done
# shellcheck disable=SC2154
awk -v x="$med_xlat" -v n="$med_native" -v l="$med_lo" -v ll="$med_lo_lib" \
	-v xm="$min_xlat" -v nm="$min_native" -v lm="$min_lo" -v llm="$min_lo_lib" 'BEGIN {
	printf "\nratio of medians: translated/native %.3f, 127 with/without %.3f\n", x / n, ll / l
	printf "ratio of minimums: translated/native %.3f, 127 with/without %.3f\n", xm / nm, llm / lm
}'
set -- $(stats "$TMP/ratio.xlat")
rx=$1
set -- $(stats "$TMP/ratio.lo")
rl=$1
# The primary figure: median over the rounds of the ratio within a round
# (the modes of one round run back to back, so machine-wide drift cancels).
awk -v r1="$rx" -v r2="$rl" 'BEGIN {
	printf "median per-round ratio translated/native  %.3f  (goal <= 1.03: %s)\n", r1, r1 <= 1.03 ? "met" : "NOT met"
	printf "median per-round ratio 127 with/without   %.3f  (goal <= 1.01: %s)\n", r2, r2 <= 1.01 ? "met" : "NOT met"
}'

fi

# UDP datagrams per second (bench/run_udp.sh, its own namespaces), after the TCP part.
want udp && B="$B" sh "$ROOT/bench/run_udp.sh"

# ------------------------------------------------------------ seccomp mode
# tnat64-seccomp (doc/seccomp.md), in the same namespaces: SV_ROUNDS
# rounds (default 20) of
#   - SV_CYCLES (default 2000) blocking connect-and-close cycles of
#     bench/cycle to 198.51.100.10 under the supervisor, against native
#     [SERVER6]: wall time per cycle (the supervisor's work happens in
#     another process, so CPU time of the program would hide it);
#     goal: ratio <= 1.5;
#   - the floor of the mechanism: the same native cycles under
#     bench/seccomp_floor, which traps connect (floor1), or socket and
#     connect (floor2, what tnat64-seccomp traps for a translated
#     connect), and answers every notification at once with CONTINUE;
#   - bench/seccomp_rw, RW_ITERS (default 200000) write+read iterations
#     on a loopback TCP connection, with and without the supervisor
#     (read and write are not trapped): CPU time of the program per
#     iteration (a CPU-bound loop; less disturbed by other load than wall
#     time); goal: throughput ratio >= 0.99.
SV=$B/tnat64-seccomp
RW=$B/bench/seccomp_rw
FLOOR=$B/bench/seccomp_floor
SV_ROUNDS=${SV_ROUNDS:-20}
SV_CYCLES=${SV_CYCLES:-2000}
RW_ITERS=${RW_ITERS:-200000}
if ! want seccomp; then
	:
elif [ -x "$SV" ] && [ -x "$RW" ] && [ -x "$FLOOR" ] && "$SV" --check 2>/dev/null; then
	sv_one() { # MODE: wall ns per cycle / iteration
		case $1 in
		sv) set -- env TNAT64_CONF_FILE="$TMP/tnat64.conf" "$SV" \
			"$CYCLE" "$SERVER4" "$PORT6" "$SV_CYCLES" 200 ;;
		native) set -- "$CYCLE" "$SERVER6" "$PORT6" "$SV_CYCLES" 200 ;;
		floor1) set -- "$FLOOR" connect \
			"$CYCLE" "$SERVER6" "$PORT6" "$SV_CYCLES" 200 ;;
		floor2) set -- "$FLOOR" socket,connect \
			"$CYCLE" "$SERVER6" "$PORT6" "$SV_CYCLES" 200 ;;
		rw-sv) set -- env TNAT64_CONF_FILE="$TMP/tnat64.conf" "$SV" \
			"$RW" "$RW_ITERS" 10000 ;;
		rw) set -- "$RW" "$RW_ITERS" 10000 ;;
		esac
		case $1 in
		rw*) what=cpu ;;
		*) what=wall ;;
		esac
		# shellcheck disable=SC2086
		ip netns exec "$C" $CPU_C env -u LD_PRELOAD -u TNAT64_DEBUG "$@" \
			2>"$TMP/err" |
			sed -n "s/.*${what}_ns_per_[a-z]*=\([0-9.]*\).*/\1/p"
	}
	echo
	echo "# seccomp mode: $SV_ROUNDS rounds; $SV_CYCLES connect-and-close cycles (wall ns), $RW_ITERS write+read iterations (CPU ns)"
	: >"$TMP/sv.ratio.c"
	: >"$TMP/sv.ratio.f1"
	: >"$TMP/sv.ratio.f2"
	: >"$TMP/sv.ratio.rw"
	r=1
	while [ "$r" -le "$SV_ROUNDS" ]; do
		if [ $((r % 2)) = 1 ]; then
			order="sv native floor1 floor2 rw-sv rw"
		else
			order="rw rw-sv floor2 floor1 native sv"
		fi
		line="# round $r:"
		for m in $order; do
			v=$(sv_one "$m")
			[ -n "$v" ] || die "seccomp mode: no result for $m: $(cat "$TMP/err")"
			eval "sv_$(echo "$m" | tr -c 'a-z0-9\n' '_')=$v"
			line="$line $m=$v"
		done
		# shellcheck disable=SC2154
		awk -v a="$sv_sv" -v b="$sv_native" 'BEGIN { print a / b }' >>"$TMP/sv.ratio.c"
		# shellcheck disable=SC2154
		awk -v a="$sv_floor1" -v b="$sv_native" 'BEGIN { print a / b }' >>"$TMP/sv.ratio.f1"
		# shellcheck disable=SC2154
		awk -v a="$sv_floor2" -v b="$sv_native" 'BEGIN { print a / b }' >>"$TMP/sv.ratio.f2"
		# throughput with / without = time without / time with
		# shellcheck disable=SC2154
		awk -v a="$sv_rw" -v b="$sv_rw_sv" 'BEGIN { print a / b }' >>"$TMP/sv.ratio.rw"
		echo "$line"
		r=$((r + 1))
	done
	set -- $(stats "$TMP/sv.ratio.c")
	rc=$1 rcmin=$2 rcmax=$3
	set -- $(stats "$TMP/sv.ratio.f1")
	f1=$1
	set -- $(stats "$TMP/sv.ratio.f2")
	f2=$1
	set -- $(stats "$TMP/sv.ratio.rw")
	awk -v c="$rc" -v cmin="$rcmin" -v cmax="$rcmax" -v f1="$f1" -v f2="$f2" -v w="$1" -v wmin="$2" -v wmax="$3" 'BEGIN {
		printf "median per-round ratio seccomp connect/native  %.3f  (min %.3f max %.3f; goal <= 1.5: %s)\n", c, cmin, cmax, (c <= 1.5 ? "met" : "NOT met")
		printf "  floor of the mechanism (native cycle, calls trapped and answered at once): connect %.3f, socket+connect %.3f\n", f1, f2
		printf "median per-round throughput ratio rw seccomp/plain  %.3f  (min %.3f max %.3f; goal >= 0.99: %s)\n", w, wmin, wmax, (w >= 0.99 ? "met" : "NOT met")
	}'
else
	echo "# seccomp mode: skipped ($SV or $RW missing, or no kernel support)"
fi
