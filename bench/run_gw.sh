#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Connect cycles through a real NAT64 gateway (`make bench-gw`; never a
# test).  bench/run.sh measures the worst case: the IPv6 server sits next
# to the client and holds the NAT64 address itself, so the cycle is as
# short as a connect can be and every microsecond of ours shows.  This
# one measures what a user of an IPv6-only host sees: the testbed of the
# integration tests (tests/integration/lib.sh: client, tayga gateway,
# IPv4-only server), and the same IPv4-only server reached
#   native   by a program that speaks IPv6 to its NAT64 address itself,
#   lib      by bench/cycle given 198.51.100.10 under the library,
#   sv       by the same under tnat64-seccomp,
# ROUNDS rounds (default 10) of CYCLES blocking socket+connect+close cycles
# (default 2000) each, alternating the order; wall time per cycle (the
# supervisor works in another process), client pinned to CPU 0, tayga
# and the server to CPU 1 unless PIN=0.  Prints the median per-round ratios lib/native and sv/native.
# Needs root, iproute2, tayga.

set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/../tests/integration/lib.sh"
# shellcheck source=bench/rounds.sh
. "$(dirname "$0")/rounds.sh"
TB_NAME=bench-gw
ROUNDS=${ROUNDS:-10}
CYCLES=${CYCLES:-2000}
PIN=${PIN:-1}
PORT=9000
CYCLE=$TB_BUILD/bench/cycle
ACCEPTOR=$TB_BUILD/bench/acceptor
SV=$TB_BUILD/tnat64-seccomp
for f in "$CYCLE" "$ACCEPTOR" "$TB_LIB"; do
	[ -f "$f" ] || { echo "bench-gw: $f missing (make all bench)" >&2; exit 1; }
done
bench_counts ROUNDS CYCLES
tb_setup
tb_server sysctl -qw net.ipv4.tcp_max_tw_buckets=0 net.core.somaxconn=65535 \
	>/dev/null || echo "bench-gw: warning: server sysctls failed" >&2
tb_client sysctl -qw net.ipv4.tcp_max_tw_buckets=0 \
	net.ipv4.ip_local_port_range="1024 65535" >/dev/null ||
	echo "bench-gw: warning: client sysctls failed" >&2
acc=$(tb_bg server "$ACCEPTOR" 0.0.0.0 "$PORT" 2)
tb_wait_tcp server 0.0.0.0 "$PORT" || { echo "bench-gw: acceptor did not start" >&2; exit 1; }
PINC=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null &&
	[ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ]; then
	# The client (and its supervisor) on CPU 0, the gateway and the
	# server on CPU 1.
	PINC=(taskset -c 0)
	taskset -p -c 1 "$TB_TAYGA_PID" >/dev/null
	taskset -a -p -c 1 "$acc" >/dev/null
fi
have_sv=0
[ -x "$SV" ] && "$SV" --check 2>/dev/null && have_sv=1

one() { # MODE N: wall ns per cycle
	local cmd
	case $1 in
	native) cmd=("$CYCLE" "$TB_SERVER6" "$PORT" "$2" 100) ;;
	lib) cmd=(env LD_PRELOAD="$TB_LIB" TNAT64_CONF_FILE="$TB_CONF"
		"$CYCLE" "$TB_SERVER4" "$PORT" "$2" 100) ;;
	sv) cmd=(env TNAT64_CONF_FILE="$TB_CONF" "$SV"
		"$CYCLE" "$TB_SERVER4" "$PORT" "$2" 100) ;;
	esac
	tb_client "${PINC[@]}" env -u LD_PRELOAD -u TNAT64_DEBUG "${cmd[@]}" \
		2>"$TB_TMP/err" | sed -n 's/.*wall_ns_per_cycle=\([0-9.]*\).*/\1/p'
}

modes="native lib"
[ "$have_sv" = 1 ] && modes="native lib sv"
echo "# bench-gw: $ROUNDS rounds x $CYCLES cycles through tayga, wall ns per socket+connect+close to the IPv4-only $TB_SERVER4 (native: [$TB_SERVER6])"
for m in $modes; do
	v=$(one "$m" 200)
	[ -n "$v" ] || { echo "bench-gw: $m does not work: $(cat "$TB_TMP/err")" >&2; exit 1; }
done
# shellcheck disable=SC2086 # the modes are words
bench_rounds "$ROUNDS" "$CYCLES" $modes
echo "median per-round ratio through tayga, library/native  $(bench_median "$TB_TMP/r.lib")"
if [ "$have_sv" = 1 ]; then
	echo "median per-round ratio through tayga, seccomp/native  $(bench_median "$TB_TMP/r.sv")"
else
	echo "# seccomp mode: skipped (no tnat64-seccomp or no kernel support)"
fi
