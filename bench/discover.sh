#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What a discovered NAT64 prefix costs (`make bench-discover`; never a
# test: timing decides nothing in tests).  In the testbed of the
# integration tests (tayga on $TB_PREFIX, unbound's DNS64 on the same
# prefix; tests/integration/lib.sh), the client namespace runs:
#
# 1. A fresh process that makes one translated connect (bench/cycle
#    198.51.100.10 PORT 1 0 under the library), RUNS times in a row, with
#      file   /etc/tnat64.conf naming the prefix (nothing discovered)
#      cache  /etc/tnat64.conf saying nat64_prefix = auto, the prefix in a
#             fresh /run/tnat64/prefix (read once, with the configuration)
#    for ROUNDS rounds, the order of the modes turning from round to round
#    (bench/startup.c swaps the file between the modes).  Printed: the
#    median wall and CPU time per process of each mode, and the median of
#    the per-round wall-time ratios cache/file with their minimum and
#    maximum (goal <= 1.02).
# 2. The first translation of a process that has to discover the prefix
#    (no cache): the time of its one socket+connect+close (bench/cycle),
#    TRIES times each, alternating with the same process finding the
#    prefix in the cache, with the DNS64, then with a name server without
#    DNS64 (it answers: no AAAA; the connect then fails as without the
#    library, 198.51.100.10 not being global), and once with a name server
#    that never answers (the bound).  Medians in ms with min and max.
#
# Everything runs in private mount namespaces (tests/integration/
# sysns.sh): /etc and /run are overlays, the host's files are never
# written.  Environment: B, ROUNDS (default 15), RUNS (default 200),
# WARMUP (default 20), TRIES (default 15), PIN=0 not to pin to CPU 0.
# Needs root, iproute2, tayga, unbound, dnsmasq.

set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/../tests/integration/lib.sh"
# shellcheck source=tests/integration/sysns.sh
. "$(dirname "$0")/../tests/integration/sysns.sh"
# shellcheck source=bench/callgrind.sh
. "$(dirname "$0")/callgrind.sh"
TB_NAME=bench-discover
ROUNDS=${ROUNDS:-15}
RUNS=${RUNS:-200}
WARMUP=${WARMUP:-20}
TRIES=${TRIES:-15}
PIN=${PIN:-1}
PORT=9000
CYCLE=$TB_BUILD/bench/cycle
ACCEPTOR=$TB_BUILD/bench/acceptor
DRIVER=$TB_BUILD/bench/startup
TB_TIMEOUT=3600
for f in "$CYCLE" "$ACCEPTOR" "$DRIVER" "$TB_LIB"; do
	[ -f "$f" ] || { echo "bench-discover: $f missing (make all bench)" >&2; exit 1; }
done
for v in "$ROUNDS" "$RUNS" "$TRIES"; do
	case $v in
	'' | *[!0-9]* | 0) echo "bench-discover: ROUNDS, RUNS and TRIES must be numbers >= 1" >&2; exit 1 ;;
	esac
done
TB_PREFIX=${TB_PREFIX:-2001:db8:64::/96}
tb_setup
tb_dns64_setup
sys_check_usable || { echo "bench-discover: $SYS_WHY" >&2; exit 1; }
tb_server sysctl -qw net.ipv4.tcp_max_tw_buckets=0 >/dev/null
tb_client sysctl -qw net.ipv4.tcp_max_tw_buckets=0 >/dev/null
acc=$(tb_bg server "$ACCEPTOR" 0.0.0.0 "$PORT" 2)
tb_wait_tcp server 0.0.0.0 "$PORT" || { echo "bench-discover: acceptor did not start" >&2; exit 1; }
CPU=
if [ "$PIN" = 1 ] && command -v taskset >/dev/null &&
	[ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ]; then
	CPU="taskset -c 0"
	taskset -p -c 1 "$TB_TAYGA_PID" >/dev/null
	taskset -a -p -c 1 "$acc" >/dev/null
fi

T=$TB_TMP
chmod 755 "$T"
printf 'nat64_prefix = %s\n' "$TB_PREFIX" >"$T/file.conf"
printf 'nat64_prefix = auto\n' >"$T/auto.conf"
now=$(date +%s)
# a fresh positive record, as tnat64-discover or a program writes it
printf 'tnat64-prefix-cache 1\nprefix %s\nsource rfc7050 %s\nobtained %s\nexpires %s\n' \
	"$TB_PREFIX" "$TB_DNS6" "$now" $((now + 3600)) >"$T/record"
# and a negative one (a name server without DNS64 answered)
printf 'tnat64-prefix-cache 1\nprefix none\nsource none %s\nobtained %s\nexpires %s\n' \
	"$TB_DNS6" "$now" $((now + 300)) >"$T/record.none"

# in_ns CONF CMD...: CMD in the client, in a private mount namespace with
# CONF as /etc/tnat64.conf, the testbed's resolv.conf, and the record
# ${REC:-$T/record} in /run/tnat64/prefix when CACHE=1.
in_ns() {
	local conf=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner sh
	sys_client - "$conf" sh -c 'cp "$1" /etc/resolv.conf || exit 125
		mkdir -p -m 755 /run/tnat64 || exit 125
		if [ "$2" = 1 ]; then cp "$3" /run/tnat64/prefix || exit 125
		else rm -f /run/tnat64/prefix; fi
		shift 3; exec "$@"' in-ns "$TB_RESOLV" "${CACHE:-0}" "${REC:-$T/record}" "$@"
}

echo "# tnat64 bench-discover: prefix $TB_PREFIX, DNS64 unbound at [$TB_DNS6]:53, ${CPU:+client on CPU 0, tayga and the server on CPU 1}"

# ------------------------------------------------ 1. a fresh process

echo "# 1. $ROUNDS rounds x $RUNS processes per mode, each one translated connect to $TB_SERVER4:$PORT (warm-up $WARMUP)"
# shellcheck disable=SC2086
CACHE=1 in_ns "$T/file.conf" $CPU env LD_PRELOAD="$TB_LIB" "$DRIVER" "$ROUNDS" \
	"$RUNS" "$WARMUP" /etc/tnat64.conf file="$T/file.conf" cache="$T/auto.conf" \
	-- "$CYCLE" "$TB_SERVER4" "$PORT" 1 0 >"$T/out1" 2>"$T/err1" ||
	{ echo "bench-discover: the runs failed: $(tail -n 3 "$T/err1" "$T/out1")" >&2; exit 1; }
sed 's/^/# /' "$T/out1"
awk -f "$TB_ROOT/bench/stats.awk" -f /dev/stdin "$T/out1" <<'AWK'
$1 == "round" {
	n++
	for (i = 3; i <= NF; i++) {
		split($i, kv, "="); split(kv[2], v, ",")
		cpu[kv[1]] = v[1]; wall[kv[1]] = v[2]
	}
	wf[n] = wall["file"]; wc[n] = wall["cache"]
	cf[n] = cpu["file"]; cc[n] = cpu["cache"]
	r[n] = wall["cache"] / wall["file"]
}
END {
	printf "\n%-42s %12s %12s\n", "prefix of a fresh process", "wall us/run", "CPU us/run"
	printf "%-42s %12.1f %12.1f\n", "file (nat64_prefix in tnat64.conf)", median(wf, n) / 1000, median(cf, n) / 1000
	printf "%-42s %12.1f %12.1f\n", "cache (auto, /run/tnat64/prefix fresh)", median(wc, n) / 1000, median(cc, n) / 1000
	minmax(r, n); m = median(r, n)
	printf "median of the per-round wall ratios cache/file (%d rounds): %.3f (min %.3f, max %.3f)  goal <= 1.02: %s\n", n, m, lo, hi, m <= 1.02 ? "met" : "NOT met"
}
AWK

# What does not depend on a busy machine: the system calls of one such
# process (strace), and its user-space instructions (callgrind).
if command -v strace >/dev/null 2>&1; then
	for m in file auto; do
		# shellcheck disable=SC2016
		CACHE=1 in_ns "$T/$m.conf" sh -c 'f=$1; shift
			strace -f -qq -o "$f" "$@" >/dev/null 2>&1; exit 0' st \
			"$T/strace.$m" env LD_PRELOAD="$TB_LIB" "$CYCLE" "$TB_SERVER4" "$PORT" 1 0
		eval "sc_$m=$(grep -cv '+++ exited' "$T/strace.$m" 2>/dev/null)"
	done
	# shellcheck disable=SC2154
	echo "system calls of one process: file $sc_file, cache $sc_auto (the cache read, once per process; none per connect)"
fi
if have_callgrind; then
	for m in file auto; do
		# shellcheck disable=SC2016
		n=$(CACHE=1 in_ns "$T/$m.conf" sh -c 'env LD_PRELOAD="$1" VALGRIND_LAUNCHER="$5" "$6" \
			--callgrind-out-file=/dev/null "$2" "$3" "$4" 1 0 2>&1 >/dev/null' vg \
			"$TB_LIB" "$CYCLE" "$TB_SERVER4" "$PORT" "$VALGRIND_LAUNCHER" "$VG_TOOL" |
			sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
		eval "ir_$m=\${n:-0}"
	done
	# shellcheck disable=SC2154
	awk -v f="$ir_file" -v a="$ir_auto" 'BEGIN {
		printf "user-space instructions of one process: file %d, cache %d (ratio %.4f)\n", f, a, f ? a / f : 0 }'
fi

# ------------------------------------------------ 2. the first translation

one() { # CACHE=0|1 one: ms of the one socket+connect+close of a fresh process
	# shellcheck disable=SC2086
	in_ns "$T/auto.conf" $CPU env LD_PRELOAD="$TB_LIB" TNAT64_DEBUG=-1 \
		"$CYCLE" "$TB_SERVER4" "$PORT" 1 0 2>/dev/null |
		sed -n 's/.*wall_ns_per_cycle=\([0-9.]*\).*/\1/p' |
		awk '{ printf "%.3f\n", $1 / 1e6 }'
}
stats() { # FILE: median (min max) of the numbers in FILE
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (!NR) { print "n/a"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f ms (min %.2f, max %.2f, %d runs)", m, v[1], v[NR], NR }'
}
echo
echo "# 2. the first translation of a fresh process, ms of its one socket+connect+close ($TRIES runs each, alternating)"
for kind in dns64 nodns64; do
	tb_dns_variant "$kind" >/dev/null || { echo "bench-discover: $kind server did not start" >&2; exit 1; }
	: >"$T/t.$kind.disc"
	: >"$T/t.$kind.cache"
	rec=$T/record
	[ "$kind" = nodns64 ] && rec=$T/record.none
	CACHE=0 one >/dev/null # the resolver's own cache warm, as it would be
	for _ in $(seq "$TRIES"); do
		CACHE=0 one >>"$T/t.$kind.disc"
		CACHE=1 REC=$rec one >>"$T/t.$kind.cache"
	done
done
tb_dns_variant silent >/dev/null || { echo "bench-discover: silent server did not start" >&2; exit 1; }
CACHE=0 one >"$T/t.silent"
printf '%-52s %s\n' "DNS64, discovering (one query, then the connect)" "$(stats "$T/t.dns64.disc")"
printf '%-52s %s\n' "DNS64, prefix in the cache" "$(stats "$T/t.dns64.cache")"
printf '%-52s %s\n' "no DNS64, discovering (answer: none; connect fails)" "$(stats "$T/t.nodns64.disc")"
printf '%-52s %s\n' "no DNS64, the negative entry in the cache" "$(stats "$T/t.nodns64.cache")"
printf '%-52s %s\n' "a name server that never answers (the bound)" "$(stats "$T/t.silent")"
tb_teardown
