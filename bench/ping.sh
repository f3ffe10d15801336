#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Round-trip time of ping through NAT64 (`make bench-ping`; never a test):
# in the testbed of the integration tests (tests/integration/lib.sh:
# client, tayga gateway, IPv4-only server), the same server reached
#   native  by ping of its NAT64 address (ICMPv6, what the host does
#           without tnat64),
#   lib     by ping of 198.51.100.10 under the library (its raw ICMP
#           socket carried by an ICMPv6 one, replies turned into ICMPv4),
#   sv      by the same under tnat64-seccomp,
# as root (raw sockets: ping_group_range "1 0" in the client namespace),
# ROUNDS rounds (default 10) of `ping -n -c COUNT -i 0.01` (COUNT default
# 100) per mode, the order alternating; each run's median of the time=
# values, and per round the ratios lib/native and sv/native.  Client
# pinned to CPU 0, tayga and the server to CPU 1 unless PIN=0.  Prints
# the median of the per-round ratios (goal for the library: <= 1.05).
# Needs root, iproute2, tayga, iputils ping.

set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/../tests/integration/lib.sh"
# shellcheck source=bench/rounds.sh
. "$(dirname "$0")/rounds.sh"
TB_NAME=bench-ping
ROUNDS=${ROUNDS:-10}
COUNT=${COUNT:-100}
PIN=${PIN:-1}
SV=$TB_BUILD/tnat64-seccomp
bench_counts ROUNDS COUNT
[ -f "$TB_LIB" ] || { echo "bench-ping: $TB_LIB missing (make)" >&2; exit 1; }
command -v ping >/dev/null || { echo "bench-ping: ping not installed" >&2; exit 1; }
tb_setup
tb_client sysctl -qw net.ipv4.ping_group_range="1 0" ||
	echo "bench-ping: warning: ping_group_range" >&2
PINC=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null &&
	[ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ]; then
	PINC=(taskset -c 0)
	taskset -p -c 1 "$TB_TAYGA_PID" >/dev/null
fi
have_sv=0
[ -x "$SV" ] && "$SV" --check 2>/dev/null && have_sv=1

one() { # MODE N: median RTT in ms of N pings at 10 ms intervals
	local cmd
	case $1 in
	native) cmd=(ping -n -c "$2" -i 0.01 -W 2 "$TB_SERVER6") ;;
	lib) cmd=(env LD_PRELOAD="$TB_LIB" TNAT64_CONF_FILE="$TB_CONF"
		ping -n -c "$2" -i 0.01 -W 2 "$TB_SERVER4") ;;
	sv) cmd=(env TNAT64_CONF_FILE="$TB_CONF" "$SV" --
		ping -n -c "$2" -i 0.01 -W 2 "$TB_SERVER4") ;;
	esac
	tb_client "${PINC[@]}" env -u LD_PRELOAD -u TNAT64_DEBUG "${cmd[@]}" \
		2>"$TB_TMP/err" >"$TB_TMP/out"
	sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$TB_TMP/out" | sort -n |
		awk -v n="$2" '{ a[NR] = $1 }
			END { if (NR < n * 0.9) exit 1
			      if (NR % 2) m = a[(NR + 1) / 2]
			      else m = (a[NR / 2] + a[NR / 2 + 1]) / 2
			      print m }'
}

modes="native lib"
[ "$have_sv" = 1 ] && modes="native lib sv"
echo "# bench-ping: $ROUNDS rounds of ping -c $COUNT -i 0.01 through tayga to the IPv4-only $TB_SERVER4 (native: [$TB_SERVER6]), median RTT in ms per run"
for m in $modes; do
	v=$(one "$m" 5)
	[ -n "$v" ] || { echo "bench-ping: $m does not work: $(cat "$TB_TMP/err" "$TB_TMP/out")" >&2; exit 1; }
done
# shellcheck disable=SC2086 # the modes are words
bench_rounds "$ROUNDS" "$COUNT" $modes
echo "median per-round ratio of median RTTs, library/native  $(bench_median "$TB_TMP/r.lib")  (goal <= 1.05)"
if [ "$have_sv" = 1 ]; then
	echo "median per-round ratio of median RTTs, seccomp/native  $(bench_median "$TB_TMP/r.sv")"
else
	echo "# seccomp mode: skipped (no tnat64-seccomp or no kernel support)"
fi
