#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2046,SC2015  # word splitting of $(stats ...) is wanted
# UDP datagram benchmark (`make bench` runs it after bench/run.sh's TCP
# part; never a test: timing decides nothing in tests).
#
# Two namespaces joined by a veth, no NAT64 gateway in the path: the
# receiving side holds the synthesized address 2001:db8:64::c633:640a
# (198.51.100.10 under 2001:db8:64::/96) itself, and `bench/udp sink`
# drains [::]:PORT there.  In one run it alternates ROUNDS rounds of
# bench/udp send (N datagrams of SIZE bytes in a tight sendto loop on one
# unconnected socket) in three modes:
#   xlat        AF_INET socket, sendto 198.51.100.10, with the library
#               (each datagram translated to the IPv6 address)
#   native      AF_INET6 socket, sendto [2001:db8:64::c633:640a], without
#               the library
#   native+lib  the same AF_INET6 socket with the library loaded (the
#               cost of the hooks on untranslated sockets)
# then ROUNDS runs of `bench/udp ab` under the library (one process, an
# AF_INET socket to 198.51.100.10 and an AF_INET6 socket to the IPv6
# address, CPU time per chunk of CHUNK sends, alternating: the finest
# alternation, for busy machines; its native side pays the library's
# pass-through hooks, see native+lib),
# and prints, per mode, the median sender CPU time per datagram and the
# median datagrams per second of the sending loop, then the ratios
# native/xlat of CPU time and xlat/native of datagrams per second (goal
# >= 0.95 of native): the median over the rounds of the ratio within
# each round (primary: the modes of a round run back to back, so drift of
# the machine cancels), and the ratios of the medians.  On a busy or
# virtualized machine compare the min/max columns before trusting a ratio.
#
# Environment: B (build directory, default build), ROUNDS (default 20),
# N (datagrams per measurement, default 200000), WARMUP (default 20000),
# SIZE (payload bytes, default 64), CHUNK (sends per alternation in the
# one-process runs, default 1000), PIN=0 to not pin the sender and the
# sink to separate CPUs.  Needs root and iproute2.

set -u
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_env ubench
ROUNDS=${ROUNDS:-20}
N=${N:-200000}
WARMUP=${WARMUP:-20000}
SIZE=${SIZE:-64}
CHUNK=${CHUNK:-1000}

PORT=9100
UDP=$B/bench/udp

for v in "$ROUNDS" "$N" "$WARMUP" "$SIZE" "$CHUNK"; do
	case $v in
	'' | *[!0-9]*) die "ROUNDS, N, WARMUP, SIZE and CHUNK must be numbers" ;;
	esac
done
[ "$ROUNDS" -ge 1 ] && [ "$N" -ge 1 ] && [ "$CHUNK" -ge 1 ] &&
	[ "$SIZE" -ge 1 ] && [ "$SIZE" -le 1400 ] ||
	die "ROUNDS, N, CHUNK >= 1, 1 <= SIZE <= 1400"
bench_check "$UDP"
bench_netns

# shellcheck disable=SC2086
ip netns exec "$S" $CPU_S "$UDP" sink "$PORT" >"$TMP/sink.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while ! ip netns exec "$S" ss -Hlun "sport = :$PORT" 2>/dev/null | grep -q .; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || die "sink on [::]:$PORT did not start: $(cat "$TMP/sink.log")"
	sleep 0.05
done

# one MODE N WARMUP: one measurement; prints "cpu_ns dgrams_per_s"
one() {
	case $1 in
	xlat) lib=1 addr=$SERVER4 ;;
	native) lib=0 addr=$SERVER6 ;;
	native+lib) lib=1 addr=$SERVER6 ;;
	esac
	if [ "$lib" = 1 ]; then
		# shellcheck disable=SC2086
		out=$(ip netns exec "$C" $CPU_C env -u TNAT64_DEBUG -u TNAT64_DEBUG_FILE \
			-u TNAT64_NAT64_PREFIX LD_PRELOAD="$LIB" \
			TNAT64_CONF_FILE="$TMP/tnat64.conf" \
			"$UDP" send "$addr" "$PORT" "$2" "$3" "$SIZE" 2>"$TMP/err") ||
			die "$1 round failed: $(cat "$TMP/err") $out"
	else
		# shellcheck disable=SC2086
		out=$(ip netns exec "$C" $CPU_C env -u LD_PRELOAD \
			"$UDP" send "$addr" "$PORT" "$2" "$3" "$SIZE" 2>"$TMP/err") ||
			die "$1 round failed: $(cat "$TMP/err") $out"
	fi
	echo "$out" | sed -n 's/^cpu_ns_per_dgram=\([0-9.]*\) .*dgrams_per_s=\([0-9.]*\) .*/\1 \2/p'
}

# The library really translates (the first send would fail otherwise; it
# also puts the neighbour entry in place); a control run without the
# library must fail (no IPv4 route in the client).
one xlat 100 0 >/dev/null
if ip netns exec "$C" env -u LD_PRELOAD "$UDP" send "$SERVER4" "$PORT" 1 0 >/dev/null 2>&1; then
	die "control: IPv4 send works without the library (setup error)"
fi

echo "# tnat64 UDP bench: $ROUNDS rounds x $N datagrams of $SIZE bytes (warm-up $WARMUP), sendto on an unconnected socket${CPU_C:+, sender pinned to CPU 0, sink to CPU 1}"
MODES="xlat native native+lib"
for m in $MODES; do
	: >"$TMP/cpu.$m"
	: >"$TMP/rate.$m"
done
: >"$TMP/ratio.cpu"
: >"$TMP/ratio.rate"
: >"$TMP/ratio.libcpu"
for m in $MODES; do
	one "$m" "$WARMUP" "$WARMUP" >/dev/null
done
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then
		order="xlat native native+lib"
	else
		order="native+lib native xlat"
	fi
	line="# round $r:"
	for m in $order; do
		set -- $(one "$m" "$N" "$WARMUP")
		[ $# -eq 2 ] || die "no result for $m"
		echo "$1" >>"$TMP/cpu.$m"
		echo "$2" >>"$TMP/rate.$m"
		v=$(echo "$m" | tr -c 'a-z\n' '_')
		eval "cpu_$v=$1 rate_$v=$2"
		line="$line $m=${1}ns/${2}/s"
	done
	# shellcheck disable=SC2154
	awk -v x="$cpu_xlat" -v n="$cpu_native" 'BEGIN { print n / x }' >>"$TMP/ratio.cpu"
	# shellcheck disable=SC2154
	awk -v x="$rate_xlat" -v n="$rate_native" 'BEGIN { print x / n }' >>"$TMP/ratio.rate"
	# shellcheck disable=SC2154
	awk -v x="$cpu_native_lib" -v n="$cpu_native" 'BEGIN { print n / x }' >>"$TMP/ratio.libcpu"
	echo "$line"
	r=$((r + 1))
done

# One process, both sockets, fine alternation.
: >"$TMP/ratio.ab"
: >"$TMP/ab.v4"
: >"$TMP/ab.v6"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	# shellcheck disable=SC2086
	out=$(ip netns exec "$C" $CPU_C env -u TNAT64_DEBUG -u TNAT64_DEBUG_FILE \
		-u TNAT64_NAT64_PREFIX LD_PRELOAD="$LIB" \
		TNAT64_CONF_FILE="$TMP/tnat64.conf" \
		"$UDP" ab "$SERVER4" "$SERVER6" "$PORT" "$N" "$CHUNK" "$SIZE" 2>"$TMP/err") ||
		die "one-process round failed: $(cat "$TMP/err") $out"
	set -- $(echo "$out" | sed -n 's/^v4_cpu_ns_per_dgram=\([0-9.]*\) v6_cpu_ns_per_dgram=\([0-9.]*\) ratio_v6_over_v4=\([0-9.]*\) .*/\1 \2 \3/p')
	[ $# -eq 3 ] || die "no result from udp ab: $out"
	echo "$1" >>"$TMP/ab.v4"
	echo "$2" >>"$TMP/ab.v6"
	echo "$3" >>"$TMP/ratio.ab"
	echo "# one-process round $r: translated=${1}ns native(lib loaded)=${2}ns ratio=$3"
	r=$((r + 1))
done

stats() { # FILE -> "median min max"
	sort -g "$1" | awk '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		      printf "%.4f %.4f %.4f\n", m, a[1], a[NR] }'
}

echo
printf '%-40s %10s %8s %8s %12s %10s %10s\n' "mode" "cpu ns/dg" "min" "max" "dgrams/s" "min" "max"
for m in $MODES; do
	# shellcheck disable=SC2046
	set -- $(stats "$TMP/cpu.$m") $(stats "$TMP/rate.$m")
	case $m in
	xlat) label="translated AF_INET -> $SERVER4 (lib)" ;;
	native) label="native AF_INET6 -> [$SERVER6]" ;;
	native+lib) label="native AF_INET6, library loaded" ;;
	esac
	printf '%-40s %10.1f %8.1f %8.1f %12.0f %10.0f %10.0f\n' "$label" "$1" "$2" "$3" "$4" "$5" "$6"
	v=$(echo "$m" | tr -c 'a-z\n' '_')
	eval "medcpu_$v=$1 medrate_$v=$4"
done
# shellcheck disable=SC2154
awk -v xc="$medcpu_xlat" -v nc="$medcpu_native" -v xr="$medrate_xlat" \
	-v nr="$medrate_native" 'BEGIN {
	printf "\nratio of medians: CPU native/translated %.3f, datagrams/s translated/native %.3f\n", nc / xc, xr / nr
}'
set -- $(stats "$TMP/ratio.cpu")
rc=$1
set -- $(stats "$TMP/ratio.rate")
rr=$1
set -- $(stats "$TMP/ratio.libcpu")
rl=$1
set -- $(stats "$TMP/ab.v4") $(stats "$TMP/ab.v6")
printf '%-40s %10.1f %8.1f %8.1f\n' "one process: translated AF_INET" "$1" "$2" "$3"
printf '%-40s %10.1f %8.1f %8.1f\n' "one process: AF_INET6 (library loaded)" "$4" "$5" "$6"
set -- $(stats "$TMP/ratio.ab")
ra=$1 ramin=$2 ramax=$3
awk -v a="$rc" -v b="$rr" -v c="$rl" -v d="$ra" -v dmin="$ramin" -v dmax="$ramax" 'BEGIN {
	printf "median per-round ratio CPU per datagram native/translated  %.3f  (goal >= 0.95: %s)\n", a, (a >= 0.95 ? "met" : "NOT met")
	printf "median per-round ratio datagrams/s translated/native       %.3f  (goal >= 0.95: %s)\n", b, (b >= 0.95 ? "met" : "NOT met")
	printf "median per-round ratio CPU native/native+library           %.3f\n", c
	printf "one process, CPU per datagram AF_INET6/translated          %.3f  (min %.3f, max %.3f; goal >= 0.95: %s)\n", d, dmin, dmax, (d >= 0.95 ? "met" : "NOT met")
}'
