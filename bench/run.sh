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
# rounds (default 20), alternating the order, of, in wall time (the
# supervisor's work happens in another process, so CPU time of the
# program would hide it):
#   - SV_CYCLES (default 2000) cycles of bench/cycle's "peer" shape
#     (socket, connect, getpeername, SO_LINGER 0, close), three ways:
#     native [SERVER6]; the same under bench/seccomp_floor, which traps
#     socket, connect and getpeername (what tnat64-seccomp trapped for
#     this cycle before it trapped less: pinned, so that trapping fewer
#     calls shows as a gain) and answers each at once with CONTINUE, the
#     floor of the mechanism; and 198.51.100.10 under tnat64-seccomp
#     (translated).  Goal: supervisor/floor <= 1.25.  And a fourth way:
#     under `seccomp_floor -r`, the same traps plus the work no
#     translator that replaces the program's socket can leave out (take
#     the socket and tell which it is; read the address, make one, ADDFD
#     it, release both; for getpeername read, ask, write):
#     irreducible/floor says how far above the floor such a translator
#     must stay, supervisor/irreducible what the supervisor adds to
#     that (the options it copies, its own connect, its table);
#   - the same cycle to 127.0.0.1 (untranslated): without, under the
#     floor, under tnat64-seccomp;
#   - UDP_RR (default 5000) datagram exchanges of `bench/udp rr` (sendto,
#     recvfrom with the source) with `bench/udp echo`: native, under the
#     floor trapping sendto and recvfrom, under `seccomp_floor -r` (the
#     same traps, and the datagram sent and received by the supervisor on
#     its copy of the socket: the least a translator does), translated
#     under tnat64-seccomp.  Goal: supervisor/floor <= 1.25;
#   - bench/seccomp_rw, RW_ITERS (default 200000) write+read iterations
#     on a loopback TCP connection, with and without the supervisor
#     (read and write are not trapped): CPU time of the program per
#     iteration (a CPU-bound loop; less disturbed by other load than wall
#     time); goal: throughput ratio >= 0.99.
# Per round the ratios floor/native, supervisor/floor, supervisor/native;
# their medians over the rounds (min and max beside), and the number of
# calls the supervisor trapped per cycle (its count at TNAT64_DEBUG=3).
SV=$B/tnat64-seccomp
RW=$B/bench/seccomp_rw
FLOOR=$B/bench/seccomp_floor
UDPB=$B/bench/udp
SV_ROUNDS=${SV_ROUNDS:-20}
SV_CYCLES=${SV_CYCLES:-2000}
UDP_RR=${UDP_RR:-5000}
RW_ITERS=${RW_ITERS:-200000}
PORTU=9002
if ! want seccomp; then
	:
elif [ -x "$SV" ] && [ -x "$RW" ] && [ -x "$FLOOR" ] && [ -x "$UDPB" ] &&
	"$SV" --check 2>/dev/null; then
	# shellcheck disable=SC2086
	ip netns exec "$S" $CPU_S "$UDPB" echo "$PORTU" >"$TMP/uecho.log" 2>&1 &
	PIDS="$PIDS $!"
	TRAP_TCP="socket,connect,getpeername"
	TRAP_UDP="sendto,recvfrom"
	sv_cmd() { # MODE [N [WARMUP]]: the command line of one measurement
		n=${2:-$SV_CYCLES} w=${3:-200}
		case $1 in
		tcp) set -- "$CYCLE" "$SERVER6" "$PORT6" "$n" "$w" peer ;;
		tcp-floor) set -- "$FLOOR" "$TRAP_TCP" "$CYCLE" "$SERVER6" "$PORT6" "$n" "$w" peer ;;
		tcp-irr) set -- "$FLOOR" -r "$TRAP_TCP" "$CYCLE" "$SERVER6" "$PORT6" "$n" "$w" peer ;;
		tcp-sv) set -- "$SV" "$CYCLE" "$SERVER4" "$PORT6" "$n" "$w" peer ;;
		lo) set -- "$CYCLE" 127.0.0.1 "$PORTLO" "$n" "$w" peer ;;
		lo-floor) set -- "$FLOOR" "$TRAP_TCP" "$CYCLE" 127.0.0.1 "$PORTLO" "$n" "$w" peer ;;
		lo-sv) set -- "$SV" "$CYCLE" 127.0.0.1 "$PORTLO" "$n" "$w" peer ;;
		udp) set -- "$UDPB" rr "$SERVER6" "$PORTU" "${2:-$UDP_RR}" "$w" ;;
		udp-floor) set -- "$FLOOR" "$TRAP_UDP" "$UDPB" rr "$SERVER6" "$PORTU" "${2:-$UDP_RR}" "$w" ;;
		udp-irr) set -- "$FLOOR" -r "$TRAP_UDP" "$UDPB" rr "$SERVER6" "$PORTU" "${2:-$UDP_RR}" "$w" ;;
		udp-sv) set -- "$SV" "$UDPB" rr "$SERVER4" "$PORTU" "${2:-$UDP_RR}" "$w" ;;
		rw-sv) set -- "$SV" "$RW" "$RW_ITERS" 10000 ;;
		rw) set -- "$RW" "$RW_ITERS" 10000 ;;
		esac
		echo "$@"
	}
	sv_one() { # MODE: wall ns per cycle / exchange, CPU ns per iteration
		case $1 in
		rw*) what=cpu ;;
		*) what=wall ;;
		esac
		# shellcheck disable=SC2046,SC2086
		ip netns exec "$C" $CPU_C env -u LD_PRELOAD -u TNAT64_DEBUG \
			-u TNAT64_DEBUG_FILE TNAT64_CONF_FILE="$TMP/tnat64.conf" \
			$(sv_cmd "$1") 2>"$TMP/err" |
			sed -n "s/.*${what}_ns_per_[a-z]*=\([0-9.]*\).*/\1/p"
	}
	sv_trapped() { # MODE N: notifications per cycle under tnat64-seccomp
		rm -f "$TMP/sv.log"
		# shellcheck disable=SC2046,SC2086
		ip netns exec "$C" $CPU_C env -u LD_PRELOAD TNAT64_DEBUG=3 \
			TNAT64_DEBUG_FILE="$TMP/sv.log" \
			TNAT64_CONF_FILE="$TMP/tnat64.conf" \
			$(sv_cmd "$1" "$2" 0) >/dev/null 2>&1
		sed -n 's/.*notifications: \([0-9]*\) .*/\1/p' "$TMP/sv.log" |
			awk -v n="$2" '{ printf "%.2f", $1 / n }'
	}
	echo
	echo "# seccomp mode: $SV_ROUNDS rounds; $SV_CYCLES connect cycles and $UDP_RR datagram exchanges (wall ns), $RW_ITERS write+read iterations (CPU ns); Linux $(uname -r)"
	for k in tcp lo udp; do
		for q in fn sf sn; do
			: >"$TMP/sv.$k.$q"
		done
	done
	: >"$TMP/sv.ratio.rw"
	for k in tcp udp; do
		: >"$TMP/sv.$k.if"
		: >"$TMP/sv.$k.si"
	done
	sv_modes="tcp tcp-floor tcp-irr tcp-sv lo lo-floor lo-sv udp udp-floor udp-irr udp-sv rw rw-sv"
	sv_rev=$(echo "$sv_modes" | tr ' ' '\n' | awk '{ a[NR] = $0 } END { for (i = NR; i; i--) printf "%s ", a[i] }')
	r=1
	while [ "$r" -le "$SV_ROUNDS" ]; do
		if [ $((r % 2)) = 1 ]; then
			order=$sv_modes
		else
			order=$sv_rev
		fi
		line="# round $r:"
		for m in $order; do
			v=$(sv_one "$m")
			[ -n "$v" ] || die "seccomp mode: no result for $m: $(cat "$TMP/err")"
			eval "sv_$(echo "$m" | tr -c 'a-z0-9\n' '_')=$v"
			line="$line $m=$v"
		done
		for k in tcp lo udp; do
			eval "n=\$sv_$k f=\$sv_${k}_floor v=\$sv_${k}_sv"
			# shellcheck disable=SC2154
			awk -v a="$f" -v b="$n" 'BEGIN { print a / b }' >>"$TMP/sv.$k.fn"
			# shellcheck disable=SC2154
			awk -v a="$v" -v b="$f" 'BEGIN { print a / b }' >>"$TMP/sv.$k.sf"
			# shellcheck disable=SC2154
			awk -v a="$v" -v b="$n" 'BEGIN { print a / b }' >>"$TMP/sv.$k.sn"
		done
		for k in tcp udp; do
			eval "f=\$sv_${k}_floor i=\$sv_${k}_irr v=\$sv_${k}_sv"
			# shellcheck disable=SC2154
			awk -v a="$i" -v b="$f" 'BEGIN { print a / b }' >>"$TMP/sv.$k.if"
			awk -v a="$v" -v b="$i" 'BEGIN { print a / b }' >>"$TMP/sv.$k.si"
		done
		# throughput with / without = time without / time with
		# shellcheck disable=SC2154
		awk -v a="$sv_rw" -v b="$sv_rw_sv" 'BEGIN { print a / b }' >>"$TMP/sv.ratio.rw"
		echo "$line"
		r=$((r + 1))
	done
	echo
	printf '%-44s %18s %18s %18s\n' "median per-round ratio (min-max)" \
		"floor/native" "supervisor/floor" "supervisor/native"
	for k in tcp lo udp; do
		case $k in
		tcp) label="TCP cycle, translated 198.51.100.10" ;;
		lo) label="TCP cycle, 127.0.0.1 (untranslated)" ;;
		udp) label="UDP exchange, translated" ;;
		esac
		for q in fn sf sn; do
			set -- $(stats "$TMP/sv.$k.$q")
			eval "c_$q=\$(printf '%.3f (%.2f-%.2f)' \"\$1\" \"\$2\" \"\$3\")"
			[ "$q" = sf ] && eval "sf_$k=$1"
		done
		# shellcheck disable=SC2154
		printf '%-44s %18s %18s %18s\n' "$label" "$c_fn" "$c_sf" "$c_sn"
	done
	echo
	printf '%-44s %18s %18s\n' "the floor of a replacing translator" \
		"irreducible/floor" "supervisor/irred."
	for k in tcp udp; do
		set -- $(stats "$TMP/sv.$k.if")
		c_if=$(printf '%.3f (%.2f-%.2f)' "$1" "$2" "$3")
		set -- $(stats "$TMP/sv.$k.si")
		c_si=$(printf '%.3f (%.2f-%.2f)' "$1" "$2" "$3")
		case $k in
		tcp) label="TCP cycle (seccomp_floor -r)" ;;
		udp) label="UDP exchange (seccomp_floor -r)" ;;
		esac
		printf '%-44s %18s %18s\n' "$label" "$c_if" "$c_si"
	done
	# shellcheck disable=SC2154
	awk -v t="$sf_tcp" -v u="$sf_udp" 'BEGIN {
		printf "goal supervisor/floor <= 1.25: TCP %s, UDP %s\n", (t <= 1.25 ? "met" : "NOT met"), (u <= 1.25 ? "met" : "NOT met")
	}'
	printf 'trapped calls per TCP cycle translated %s, per 127.0.0.1 cycle %s, per UDP exchange %s (floor: 3, 3, 2)\n' \
		"$(sv_trapped tcp-sv 1000)" "$(sv_trapped lo-sv 1000)" \
		"$(sv_trapped udp-sv 1000)"
	set -- $(stats "$TMP/sv.ratio.rw")
	awk -v w="$1" -v wmin="$2" -v wmax="$3" 'BEGIN {
		printf "median per-round throughput ratio rw seccomp/plain  %.3f  (min %.3f max %.3f; goal >= 0.99: %s)\n", w, wmin, wmax, (w >= 0.99 ? "met" : "NOT met")
	}'
	case $(uname -r) in
	[0-5].* | 6.[0-5] | 6.[0-5].*)
		echo "(kernel before 6.6: no synchronous wake-ups, each round trip costs a cross-CPU wake-up more)" ;;
	esac
else
	echo "# seccomp mode: skipped ($SV, $RW, $FLOOR or $UDPB missing, or no kernel support)"
fi
