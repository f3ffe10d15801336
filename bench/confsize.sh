#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Per-process cost of the configuration's size (`make bench-confsize`;
# never a test).
#
# In the namespaces of bench/lib.sh, a fresh process (bench/cycle: one
# translated connect to 198.51.100.10, then exit) is started PROCS times
# in a row by bench/procs, with configurations of 1 rule and of
# RULES (default "100000 1000000") rules: `path` subnets of one address
# each (none covering the destination, which goes through the default
# prefix).  Rounds alternate the sizes; printed: CPU time (user + system
# of the children) per process for each size, the median of the
# per-round ratios big/1 (goal <= 1.05), the first process's cost for
# each size (it parses the file and keeps its compiled form), and the
# user-space instructions of one process (callgrind, when valgrind is
# there: the same from run to run).
#
# The processes run as nobody with XDG_RUNTIME_DIR in the benchmark's
# temporary directory: the compiled forms go there, never to the host's
# /run/tnat64.
#
# Environment: B (build directory), ROUNDS (default 11), PROCS (default
# 200), RULES, PIN=0 (no CPU pinning).  Needs root and iproute2.

set -u
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=bench/callgrind.sh
. "$(dirname "$0")/callgrind.sh"
bench_env confsize
ROUNDS=${ROUNDS:-11}
PROCS=${PROCS:-200}
RULES=${RULES:-100000 1000000}
PORT6=9000
CYCLE=$B/bench/cycle
ACCEPTOR=$B/bench/acceptor
DRIVER=$B/bench/procs
SETTLE=3 # seconds: TNCONF_SETTLE_SECONDS (confload.h) and one more

for v in "$ROUNDS" "$PROCS" $RULES; do
	case $v in
	'' | *[!0-9]*) die "ROUNDS, PROCS and RULES must be numbers" ;;
	esac
done
bench_check "$CYCLE" "$ACCEPTOR" "$DRIVER"
command -v setpriv >/dev/null 2>&1 || die "needs setpriv (util-linux)"
bench_netns
chmod 755 "$TMP"
mkdir -m 700 "$TMP/xdg" && chown 65534:65534 "$TMP/xdg" ||
	die "cannot make $TMP/xdg for nobody"

# gen N FILE: a configuration of N one-address subnets in path blocks of
# at most 10,000 (each its own prefix), and the default prefix.
gen() {
	awk -v n="$1" -v pfx="$PREFIX" 'BEGIN {
		print "nat64_prefix = " pfx
		for (i = 0; i < n; i++) {
			if (i % 10000 == 0) {
				if (i) print "}"
				printf "path {\n  nat64_prefix = 2001:db8:65:%x::/96\n", i / 10000
			}
			printf "  subnet = 10.%d.%d.%d/32\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256
		}
		print "}"
	}' >"$2"
}
SIZES="1 $RULES"
for n in $SIZES; do
	gen "$n" "$TMP/conf.$n"
done
chmod 644 "$TMP"/conf.*
echo "# configurations: $(for n in $SIZES; do printf '%s rules %s bytes; ' "$n" "$(wc -c <"$TMP/conf.$n")"; done)"
sleep "$SETTLE"

# shellcheck disable=SC2086
ip netns exec "$S" $CPU_S "$ACCEPTOR" :: "$PORT6" 2 >"$TMP/acc6.log" 2>&1 &
PIDS="$PIDS $!"
i=0
until ip netns exec "$S" ss -Hltn "sport = :$PORT6" 2>/dev/null | grep -q .; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || die "acceptor did not start: $(cat "$TMP/acc6.log")"
	sleep 0.05
done

# as_nobody N CMD...: in the client namespace, as nobody, with the library
as_nobody() {
	conf=$1
	shift
	# shellcheck disable=SC2086
	ip netns exec "$C" $CPU_C setpriv --reuid=65534 --regid=65534 \
		--clear-groups env -u TNAT64_DEBUG -u TNAT64_DEBUG_FILE \
		-u TNAT64_NAT64_PREFIX HOME=/ XDG_RUNTIME_DIR="$TMP/xdg" \
		LD_PRELOAD="$LIB" TNAT64_CONF_FILE="$TMP/conf.$conf" "$@"
}

# The first process of each size: it reads the file and keeps the
# compiled form (wall time of that one process).
echo "# first process (parses, keeps the compiled form):"
for n in $SIZES; do
	out=$(as_nobody "$n" "$DRIVER" 1 "$CYCLE" "$SERVER4" "$PORT6" 1 0) ||
		die "first run with $n rules failed: $out"
	echo "#   $n rules: $(echo "$out" | sed -n 's/^wall_ns_per_proc=\([0-9.]*\).*/\1/p' |
		awk '{ printf "%.1f ms", $1 / 1e6 }')"
done
echo "# compiled forms: $(ls -l "$TMP/xdg/tnat64" 2>/dev/null | awk 'NR > 1 { printf "%s %s bytes; ", $NF, $5 }')"

one() { # SIZE -> cpu ns per process
	as_nobody "$1" "$DRIVER" "$PROCS" "$CYCLE" "$SERVER4" "$PORT6" 1 0 \
		2>"$TMP/err" |
		sed -n 's/.*cpu_ns_per_proc=\([0-9.]*\).*/\1/p'
}

stats() { # FILE -> "median min max"
	sort -n "$1" | awk '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		      printf "%.4f %.4f %.4f\n", m, a[1], a[NR] }'
}

echo "# $ROUNDS rounds x $PROCS processes per size, CPU time per process (user + system)"
for n in $SIZES; do
	: >"$TMP/res.$n"
	: >"$TMP/ratio.$n"
done
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then
		order=$SIZES
	else
		order=$(echo "$SIZES" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }')
	fi
	line="# round $r:"
	for n in $order; do
		v=$(one "$n")
		[ -n "$v" ] || die "no result for $n rules: $(cat "$TMP/err")"
		echo "$v" >>"$TMP/res.$n"
		eval "cur_$n=$v"
		line="$line $n=$v"
	done
	for n in $RULES; do
		eval "awk -v a=\"\$cur_$n\" -v b=\"\$cur_1\" 'BEGIN { print a / b }'" >>"$TMP/ratio.$n"
	done
	echo "$line"
	r=$((r + 1))
done

echo
printf '%-12s %14s %12s %12s\n' "rules" "median us" "min us" "max us"
for n in $SIZES; do
	# shellcheck disable=SC2046 # three numbers
	set -- $(stats "$TMP/res.$n")
	printf '%-12s %14.1f %12.1f %12.1f\n' "$n" "$(echo "$1" | awk '{ print $1 / 1000 }')" \
		"$(echo "$2" | awk '{ print $1 / 1000 }')" "$(echo "$3" | awk '{ print $1 / 1000 }')"
done
for n in $RULES; do
	# shellcheck disable=SC2046 # three numbers
	set -- $(stats "$TMP/ratio.$n")
	awk -v n="$n" -v m="$1" -v lo="$2" -v hi="$3" 'BEGIN {
		printf "median per-round ratio %s rules / 1 rule  %.3f  (min %.3f max %.3f; goal <= 1.05: %s)\n", n, m, lo, hi, m <= 1.05 ? "met" : "NOT met" }'
done

if have_callgrind; then
	echo "# user-space instructions of one process (callgrind):"
	for n in $SIZES; do
		ir=$(as_nobody "$n" "$VG_TOOL" \
			--callgrind-out-file=/dev/null "$CYCLE" "$SERVER4" "$PORT6" 1 0 2>&1 |
			sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
		eval "ir_$n=$ir"
		echo "#   $n rules: $ir"
	done
	for n in $RULES; do
		eval "awk -v a=\"\$ir_$n\" -v b=\"\$ir_1\" -v n=$n 'BEGIN { printf \"instructions %s rules / 1 rule  %.3f\\n\", n, a / b }'"
	done
fi
