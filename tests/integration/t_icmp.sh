#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ICMP through NAT64 (issue 12), with real programs, in the testbed with
# an IPv4 router between the gateway and the server (lib.sh TB_ROUTER=1):
#
#   client -- gw (tayga; 2001:db8:1::1, 192.0.2.1, 203.0.113.1)
#          -- router (203.0.113.2 / 198.51.100.1) -- server 198.51.100.10
#
# The router answers 198.51.100.201 with "host unreachable" and
# 198.51.100.202 with "administratively prohibited" (routes of those
# types).  Checked: iputils ping as root (raw socket) under the library,
# an unprivileged copy of it without its file capability under the
# library and Debian's ping as an unprivileged user through
# `tnat64 --seccomp` (both "ping" sockets, ping_group_range set in the
# client namespace), -c -s 1400 -i 0.2 -W, replies from the IPv4 address
# with a plausible TTL, ping's IPv4 texts for an unreachable host, a
# prohibited one and an expired TTL, two root pings at once (each keeps
# its own replies: its socket filter, run by the library on the IPv4
# view); busybox ping (static) under the supervisor; traceroute -n (UDP)
# and -I (ICMP) under the library and busybox traceroute under the
# supervisor: hops 192.0.0.8 (the gateway's IPv6 address), 192.0.2.1
# (tayga), 203.0.113.1 (the gateway's IPv4 side), 203.0.113.2 (the
# router), the server, no "!" flags, no IPv6 text; our own t_icmp and
# t_icmperr under both mechanisms (the second with the router's link at
# MTU 1300, in a testbed of its own).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

P=$TB_BUILD/tests/progs
SV=$TB_BUILD/tnat64-seccomp
LAUNCHER=$TB_BUILD/tnat64
UNREACH=198.51.100.201
PROHIBIT=198.51.100.202
CLOSED_PORT=7999
HOPS=(192.0.0.8 192.0.2.1 203.0.113.1 203.0.113.2)

for t in ping traceroute busybox su; do
	if ! command -v "$t" >/dev/null; then
		skip "$TB_NAME" "$t not installed"
		exit 0
	fi
done

# setup_bed [MTU]: the testbed with the router (its server link at MTU),
# the routes answering with errors, and files a non-root user can read.
setup_bed() {
	TB_ROUTER=1 TB_ROUTER_MTU=${1:-1500} tb_setup
	if ! tb_exec router ip route add unreachable "$UNREACH/32" ||
		! tb_exec router ip route add prohibit "$PROHIBIT/32"; then
		tb_setup_fail "router routes"
	fi
	# The gateway answers many expired TTLs in a row: no rate limit on
	# its errors (the router keeps Linux's, see router_rest).
	tb_gw sysctl -qw net.ipv6.icmp.ratelimit=0 net.ipv4.icmp_ratelimit=0 ||
		tb_setup_fail "gateway ICMP rate limit"
	tb_need_built icmp "$SV" "$LAUNCHER" "$P/t_icmp" "$P/t_icmperr"
	chmod 755 "$TB_TMP"
	chmod 644 "$TB_CONF"
}

# ping_group_range in the client namespace: "1 0" (nobody: raw sockets
# only, what the tests of root's ping need) or everyone.
ping_groups() {
	tb_client sysctl -qw net.ipv4.ping_group_range="$1"
}

# The router sends a host at most one "unreachable" a second (Linux,
# net/ipv4/route.c ip_error, its tokens spent by its other errors too):
# before each probe that needs one, let it have one.
router_rest() {
	sleep 2
}

# run NAME OUT CMD...: CMD's output (both streams) in $TB_TMP/OUT.out,
# its exit status in RC.
run() {
	local name=$1 out=$TB_TMP/$2.out
	shift 2
	"$@" >"$out" 2>&1
	RC=$?
	OUT=$out
	sed "s|^|# $name: |" "$out" >&2
}

# ours NAME PREFIX CMD...: a program of ours, its result lines forwarded
# with PREFIX (tb_results).
ours() {
	local name=$1 pfx=$2 n
	shift 2
	n=$((${N_OURS:-0} + 1))
	N_OURS=$n
	"$@" >"$TB_TMP/ours.$n.out" 2>"$TB_TMP/ours.$n.err"
	tb_results "$pfx" "$name" $? "$TB_TMP/ours.$n.out" \
		"$TB_TMP/ours.$n.err" 60
}

# sv_bin CMD...: CMD under the supervisor itself (for -S programs).
sv_bin() {
	tb_exec client env TNAT64_CONF_FILE="$TB_CONF" "$SV" -- "$@"
}

# check_ping NAME N SIZE [ADDR]: OUT is a ping of ADDR ($TB_SERVER4) that
# got N of N replies of SIZE bytes from it, TTL plausible (64 at most, at
# least 33: a few hops), no IPv6.
check_ping() {
	local name=$1 n=$2 size=$3 addr=${4:-$TB_SERVER4} ttls bad
	if grep -q "$n packets transmitted, $n received" "$OUT" ||
		grep -q "$n packets transmitted, $n packets received" "$OUT"; then
		pass "$name: $n of $n replies"
	else
		fail "$name" "status $RC: $(tail -n 3 "$OUT" | tr '\n' ' ')"
		return
	fi
	if [ "$(grep -c "^$size bytes from $addr: " "$OUT")" -eq "$n" ]; then
		pass "$name: replies of $size bytes from $addr"
	else
		fail "$name: replies" "$(grep bytes "$OUT" | head -n 2 | tr '\n' ' ')"
	fi
	ttls=$(sed -n 's/.* ttl=\([0-9]*\) .*/\1/p' "$OUT")
	bad=$(echo "$ttls" | awk '$1 <= 32 || $1 > 64')
	if [ -n "$ttls" ] && [ -z "$bad" ]; then
		pass "$name: TTL plausible ($(echo "$ttls" | head -n 1))"
	else
		fail "$name: TTL" "ttl values: $(echo "$ttls" | tr '\n' ' ')"
	fi
	if grep -qiE '2001:db8|DUP!|warning' "$OUT"; then
		fail "$name: IPv4 only" "$(grep -iE '2001:db8|DUP!|warning' "$OUT" | head -n 2)"
	else
		pass "$name: no IPv6 text, no duplicate, no warning"
	fi
}

# check_text NAME TEXT: OUT contains TEXT (and ping failed, as it does).
check_text() {
	if grep -qF -- "$2" "$OUT" && [ "$RC" -ne 0 ]; then
		pass "$1: \"$2\""
	else
		fail "$1" "no \"$2\" (status $RC): $(head -c 300 "$OUT" | tr '\n' ' ')"
	fi
}

# check_trace NAME: OUT is a traceroute -n of $TB_SERVER4 through the
# testbed: the expected hops in order, then the server; no flags, no IPv6.
check_trace() {
	local name=$1 i=1 h got
	for h in "${HOPS[@]}" "$TB_SERVER4"; do
		got=$(awk -v i="$i" '$1 == i { print $2; exit }' "$OUT")
		if [ "$got" = "$h" ]; then
			pass "$name: hop $i $h"
		else
			fail "$name: hop $i" "${got:-nothing}, want $h"
		fi
		i=$((i + 1))
	done
	if awk 'NR > 1' "$OUT" | grep -qE '!|:'; then
		fail "$name: flags or IPv6" "$(awk 'NR > 1' "$OUT" | grep -E '!|:' | head -n 2)"
	else
		pass "$name: no ! flag, no IPv6 text"
	fi
	if [ "$(awk '$1 ~ /^[0-9]+$/' "$OUT" | wc -l)" -eq 5 ]; then
		pass "$name: ends at the server"
	else
		fail "$name: length" "$(awk '$1 ~ /^[0-9]+$/' "$OUT" | wc -l) hops"
	fi
}

# ---------------------------------------------------------------- MTU 1500
setup_bed 1500
PUB=$TB_TMP/pub
mkdir -p "$PUB" && chmod 755 "$PUB"
# a copy of ping without its file capability: an unprivileged user runs
# it with LD_PRELOAD honoured, and it uses a "ping" socket
cp "$(command -v ping)" "$PUB/ping" && chmod 755 "$PUB/ping"

ping_groups "1 0"
run lib/ping-root lib-ping tb_tnat64 ping -c 3 -i 0.2 -W 3 "$TB_SERVER4"
check_ping icmp/lib/ping-root 3 64
run lib/ping-s1400 lib-ping-big tb_tnat64 ping -c 3 -s 1400 -i 0.2 -W 3 "$TB_SERVER4"
check_ping icmp/lib/ping-root-s1400 3 1408
router_rest
run lib/ping-unreach lib-unreach tb_tnat64 ping -c 1 -W 2 "$UNREACH"
check_text icmp/lib/ping-root-unreachable \
	"From 203.0.113.2 icmp_seq=1 Destination Host Unreachable"
router_rest
run lib/ping-prohibit lib-prohibit tb_tnat64 ping -c 1 -W 2 "$PROHIBIT"
check_text icmp/lib/ping-root-prohibited \
	"From 203.0.113.2 icmp_seq=1 Destination Host Prohibited"
run lib/ping-ttl lib-ttl tb_tnat64 ping -c 1 -W 2 -t 2 "$TB_SERVER4"
check_text icmp/lib/ping-root-ttl "From 192.0.2.1 icmp_seq=1 Time to live exceeded"

# two root pings at once: each raw socket gets every reply; ping's socket
# filter (IPv4 offsets) keeps its own
tb_exec client env LD_PRELOAD="$TB_LIB" TNAT64_CONF_FILE="$TB_CONF" \
	ping -c 10 -i 0.2 -W 3 "$TB_SERVER4" >"$TB_TMP/twin.out" 2>&1 &
twin=$!
run lib/ping-twins lib-twins tb_tnat64 ping -c 10 -i 0.2 -W 3 "$TB_SERVER4B"
check_ping icmp/lib/ping-two-at-once-b 10 64 "$TB_SERVER4B"
wait "$twin"
RC=$?
OUT=$TB_TMP/twin.out
check_ping icmp/lib/ping-two-at-once-a 10 64

ping_groups "0 2147483647"
run lib/ping-nocap lib-nocap tb_exec client su -s /bin/sh nobody -c \
	"LD_PRELOAD='$TB_LIB' TNAT64_CONF_FILE='$TB_CONF' '$PUB/ping' -c 3 -i 0.2 -W 3 $TB_SERVER4"
check_ping icmp/lib/ping-unprivileged-copy 3 64
run lib/ping-nocap-s1400 lib-nocap-big tb_exec client su -s /bin/sh nobody -c \
	"LD_PRELOAD='$TB_LIB' TNAT64_CONF_FILE='$TB_CONF' '$PUB/ping' -c 2 -s 1400 -i 0.2 -W 3 $TB_SERVER4"
check_ping icmp/lib/ping-unprivileged-copy-s1400 2 1408
router_rest
run lib/ping-nocap-unreach lib-nocap-unreach tb_exec client su -s /bin/sh nobody -c \
	"LD_PRELOAD='$TB_LIB' TNAT64_CONF_FILE='$TB_CONF' '$PUB/ping' -c 1 -W 2 $UNREACH"
check_text icmp/lib/ping-unprivileged-copy-unreachable \
	"From 203.0.113.2 icmp_seq=1 Destination Host Unreachable"

run sv/ping-user sv-ping tb_exec client su -s /bin/sh nobody -c \
	"TNAT64_CONF_FILE='$TB_CONF' '$LAUNCHER' --seccomp ping -c 3 -i 0.2 -W 3 $TB_SERVER4"
check_ping icmp/seccomp/ping-unprivileged 3 64
run sv/ping-user-s1400 sv-ping-big tb_exec client su -s /bin/sh nobody -c \
	"TNAT64_CONF_FILE='$TB_CONF' '$LAUNCHER' --seccomp ping -c 2 -s 1400 -i 0.2 -W 3 $TB_SERVER4"
check_ping icmp/seccomp/ping-unprivileged-s1400 2 1408
router_rest
run sv/ping-user-unreach sv-unreach tb_exec client su -s /bin/sh nobody -c \
	"TNAT64_CONF_FILE='$TB_CONF' '$LAUNCHER' --seccomp ping -c 1 -W 2 $UNREACH"
check_text icmp/seccomp/ping-unprivileged-unreachable \
	"From 203.0.113.2 icmp_seq=1 Destination Host Unreachable"
run sv/ping-user-ttl sv-ttl tb_exec client su -s /bin/sh nobody -c \
	"TNAT64_CONF_FILE='$TB_CONF' '$LAUNCHER' --seccomp ping -c 1 -W 2 -t 3 $TB_SERVER4"
check_text icmp/seccomp/ping-unprivileged-ttl "From 203.0.113.1 icmp_seq=1 Time to live exceeded"

ping_groups "1 0"
# busybox is static: the launcher runs it under the supervisor by itself
run sv/busybox-ping sv-bb-ping tb_exec client env TNAT64_CONF_FILE="$TB_CONF" \
	"$LAUNCHER" busybox ping -c 3 -W 3 "$TB_SERVER4"
check_ping icmp/seccomp/busybox-ping 3 64

run lib/traceroute lib-trace tb_tnat64 traceroute -n -q 1 -w 3 -m 8 "$TB_SERVER4"
check_trace icmp/lib/traceroute-udp
run lib/traceroute-I lib-trace-I tb_tnat64 traceroute -I -n -q 1 -w 3 -m 8 "$TB_SERVER4"
check_trace icmp/lib/traceroute-icmp
run sv/busybox-traceroute sv-bb-trace tb_exec client env TNAT64_CONF_FILE="$TB_CONF" \
	"$LAUNCHER" busybox traceroute -n -q 1 -w 3 -m 8 "$TB_SERVER4"
check_trace icmp/seccomp/busybox-traceroute

# our own: the sockets in detail (ping sockets allowed again)
ping_groups "0 2147483647"
tb_client ip -6 neigh flush all
ours icmp/lib/t_icmp lib/ tb_tnat64 "$P/t_icmp" "$TB_SERVER4"
tb_client ip -6 neigh flush all
ours icmp/seccomp/t_icmp seccomp/ sv_bin "$P/t_icmp" -S "$TB_SERVER4"

# root's ping of the loopback address on this host without IPv4 routes:
# its raw socket (ICMPv6 from the start) becomes AF_INET again, though
# ping gave up CAP_NET_RAW (the other family's socket was made with it)
ping_groups "1 0"
run lib/ping-loopback lib-lo tb_tnat64 ping -c 2 -i 0.2 -W 3 127.0.0.1
check_ping icmp/lib/ping-root-loopback 2 64 127.0.0.1
# a host with some IPv4 route (192.0.2.0/24 on a link of its own): raw
# ICMP sockets are AF_INET, translated at the first send to NAT64, after
# ping gave up CAP_NET_RAW
if tb_client ip link add tn4 type veth peer name tn4p &&
	tb_client ip link set tn4 up && tb_client ip link set tn4p up &&
	tb_client ip addr add 192.0.2.77/24 dev tn4; then
	run lib/ping-routed lib-routed tb_tnat64 ping -c 3 -i 0.2 -W 3 "$TB_SERVER4"
	check_ping icmp/lib/ping-root-ipv4-routed-host 3 64
	run lib/traceroute-I-routed lib-trace-I-routed tb_tnat64 traceroute -I -n -q 1 -w 3 -m 8 "$TB_SERVER4"
	check_trace icmp/lib/traceroute-icmp-ipv4-routed-host
	run lib/ping-routed-lo lib-routed-lo tb_tnat64 ping -c 2 -i 0.2 -W 3 127.0.0.1
	check_ping icmp/lib/ping-root-loopback-ipv4-routed-host 2 64 127.0.0.1
else
	fail icmp/lib/ipv4-routed-host "cannot add a veth with 192.0.2.77/24 to the client"
fi

# ---------------------------------------------------------------- MTU 1300
tb_teardown
setup_bed 1300
ARGS=("$TB_SERVER4" "$CLOSED_PORT" 1300 "$UNREACH" "$PROHIBIT" "${HOPS[@]}")
ours icmp/lib/t_icmperr icmperr/lib/ tb_tnat64 "$P/t_icmperr" "${ARGS[@]}"
# what the kernel learnt of the path must not make the second run's
# "fragmentation needed" a local error at once
tb_client ip -6 route flush cache
ours icmp/seccomp/t_icmperr icmperr/seccomp/ sv_bin "$P/t_icmperr" -S "${ARGS[@]}"

if ! kill -0 "$TB_TAYGA_PID" 2>/dev/null; then
	fail icmp/tayga "tayga died during the run"
fi
tb_summary
