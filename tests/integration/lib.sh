# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# tests/integration/lib.sh - network-namespace testbed for tnat64.
# Sourced by bash scripts (#!/bin/bash); needs bash, not plain sh.
#
#   client (IPv6 only) --veth-- gw (tayga NAT64) --veth-- server (IPv4 only)
#
#   client  lo: 127.0.0.1 + ::1; veth 2001:db8:1::2/64; default via gw.
#           No IPv4 route at all: IPv4 connects fail "Network is unreachable".
#   gw      2001:db8:1::1/64 to the client, 198.51.100.1/24 to the server,
#           forwarding on, tayga on a tun device: prefix $TB_PREFIX -> tun,
#           192.0.2.0/24 (tayga 192.0.2.1 + dynamic pool 192.0.2.128/25) -> tun.
#   server  198.51.100.10/24 and 198.51.100.11/24, default via 198.51.100.1.
#
# With TB_ROUTER=1, an IPv4 router sits between gw and server (for
# traceroute and ICMP errors from IPv4 hops):
#   gw --veth-- router --veth-- server
#   gw      203.0.113.1/24 to the router, 198.51.100.0/24 via 203.0.113.2.
#   router  203.0.113.2/24 to gw, 198.51.100.1/24 to the server (that link's
#           MTU is TB_ROUTER_MTU, default 1500), 192.0.2.0/24 via gw.
#
# When the NAT64 prefix contains the client subnet (2001:db8::/32), tayga
# would read the client's address as an IPv4-embedded one, so the client
# gets the IPv4-translatable address synthesized from 192.0.2.2 instead
# (RFC 6052 / RFC 6144); TB_CLIENT6 always holds the client's address.
#
# API (test scripts use exactly these names):
#   tb_setup                 build it; exports TB_CLIENT TB_GW TB_SERVER (netns
#                            names), TB_SERVER4 TB_SERVER4B TB_SERVER6 TB_CLIENT6,
#                            TB_PREFIX, TB_CONF, TB_TMP, TB_LIB, TB_PRELOAD_EXTRA
#                            (and TB_ROUTER, the router netns, with TB_ROUTER=1);
#                            installs the EXIT/INT/TERM teardown trap.  Prints
#                            SKIP and exits 0 when not root / no tayga / no
#                            netns; prints FAIL and exits 1 when setup fails.
#   tb_teardown              tear down now (tb_setup may then be called again)
#   tb_client CMD...         run in the client netns, no library
#   tb_tnat64 CMD...         run in the client netns with libtnat64 preloaded
#   tb_server CMD...  tb_gw CMD...
#   tb_bg NS CMD...          background process in NS (client|server|gw|name),
#                            pid recorded for teardown and printed; its output
#                            goes to $TB_TMP/bg.<pid>.log
#   tb_wait_tcp NS ADDR PORT [timeout_s]   wait for a TCP listener
#   tb_wait_udp NS ADDR PORT [timeout_s]   wait for a bound UDP socket
#   tb_sshd DIR ADDR PORT    sshd in the server netns, root key DIR/id_ed25519
#   tb_dnsmasq ADDR NAME,IPV4...  dnsmasq in the server netns answering those
#                            names on ADDR:53 (background, pid printed)
#   tb_synth PREFIX IPV4     RFC 6052 synthesis, prints the IPv6 address
#   tb_results PREFIX NAME RC OUT ERR TIMEOUT   results of a program of ours
#   tb_probe_compare PREFIX WHO NATIVE OTHER     t_udp -P probes, WHO vs none
#   pass NAME / fail NAME REASON / skip NAME REASON / tb_summary
# Every tb_client/tb_tnat64/tb_server/tb_gw command is bounded by
# timeout ${TB_TIMEOUT:-60} seconds.
# Environment: TB_PREFIX (default 2001:db8:64::/96), B (build directory,
# default build, or build-san when SANITIZE=1), SANITIZE, TNAT64_DEBUG,
# TB_TIMEOUT, TB_KEEP=1 (keep $TB_TMP for debugging; namespaces still go).
# SANITIZE=1: TB_PRELOAD_EXTRA is gcc's libasan.so (it must come first in
# LD_PRELOAD) and ASAN_OPTIONS defaults to
# detect_leaks=0:verify_asan_link_order=0, since the programs are not ours.

TB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ "${SANITIZE:-}" = 1 ]; then
	: "${B:=build-san}"
else
	: "${B:=build}"
fi
case $B in
/*) TB_BUILD=$B ;;
*) TB_BUILD=$TB_ROOT/$B ;;
esac
TB_LIB=$TB_BUILD/libtnat64.so
export TB_ROOT TB_BUILD TB_LIB
PATH=$PATH:/usr/sbin:/sbin
export PATH

TB_NPASS=0
TB_NFAIL=0
TB_NSKIP=0
TB_SEQ=0
TB_ACTIVE=0
TB_NAME=$(basename "$0" .sh)

# ---------------------------------------------------------------- results

pass() {
	echo "PASS: $1"
	TB_NPASS=$((TB_NPASS + 1))
}

fail() {
	echo "FAIL: $1: ${2:-failed}"
	TB_NFAIL=$((TB_NFAIL + 1))
}

skip() {
	echo "SKIP: $1: ${2:-skipped}"
	TB_NSKIP=$((TB_NSKIP + 1))
}

# tb_results PREFIX NAME RC OUT ERR TIMEOUT: forward the PASS/FAIL/SKIP
# lines a program of ours printed in OUT (PREFIX put before each name),
# show the end of its stderr ERR, and add a FAIL NAME when it was
# killed or timed out (RC 124/137 after TIMEOUT s), exited non-zero
# without a FAIL line, printed no result line, or a sanitizer spoke.
tb_results() {
	local pfx=$1 name=$2 rc=$3 out=$4 err=$5 t=$6 line rest nfail=0 nlines=0
	while IFS= read -r line; do
		case $line in
		"PASS: "*)
			pass "$pfx${line#PASS: }"
			nlines=$((nlines + 1))
			;;
		"FAIL: "*)
			rest=${line#FAIL: }
			fail "$pfx${rest%%: *}" "${rest#*: }"
			nfail=$((nfail + 1))
			nlines=$((nlines + 1))
			;;
		"SKIP: "*)
			rest=${line#SKIP: }
			skip "$pfx${rest%%: *}" "${rest#*: }"
			nlines=$((nlines + 1))
			;;
		*)
			[ -n "$line" ] && echo "# $name: $line" >&2
			;;
		esac
	done <"$out"
	if [ -s "$err" ]; then
		tail -n 20 "$err" | sed "s|^|# $name stderr: |" >&2
	fi
	if grep -qE '^==[0-9]+==ERROR: (Address|Leak)Sanitizer|: runtime error: ' "$err" "$out"; then
		fail "$name" "sanitizer report (see stderr above)"
	fi
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		fail "$name" "timed out after ${t}s"
	elif [ "$rc" -gt 128 ]; then
		fail "$name" "killed by signal $((rc - 128))"
	elif [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
		fail "$name" "exit status $rc without a FAIL line"
	elif [ "$nlines" -eq 0 ]; then
		fail "$name" "printed no PASS/FAIL/SKIP line"
	fi
}

# tb_probe_compare PREFIX WHO NATIVE OTHER: the PROBE lines of a
# `t_udp -P` run under WHO (its output in OTHER) must be those of the run
# without it (NATIVE): one PASS or FAIL "PREFIX/never translated: NAME"
# per probe, FAIL PREFIX/probe when NATIVE has none.
tb_probe_compare() {
	local pfx=$1 who=$2 native_f=$3 other_f=$4 n=0 tag pname native got

	while read -r tag pname native; do
		[ "$tag" = PROBE ] || continue
		n=$((n + 1))
		got=$(awk -v n="$pname" '$1 == "PROBE" && $2 == n { print $3 }' "$other_f")
		if [ "$got" = "$native" ]; then
			pass "$pfx/never translated: $pname ($native, as without the $who)"
		else
			fail "$pfx/never translated: $pname" "$who ${got:-nothing}, kernel alone $native"
		fi
	done <"$native_f"
	[ "$n" -gt 0 ] || fail "$pfx/probe" "no probe results: $(head -c 300 "$native_f")"
}

tb_summary() {
	echo "# $TB_NAME: $TB_NPASS passed, $TB_NFAIL failed, $TB_NSKIP skipped" >&2
	[ "$TB_NFAIL" -eq 0 ]
}

# tb_need_built NAME FILE...: every FILE is an executable, or NAME/build
# fails, naming the missing ones, and the test ends there.
tb_need_built() {
	local name=$1 f missing=
	shift
	for f in "$@"; do
		[ -x "$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && return 0
	fail "$name/build" "not built:$missing (run make tests)"
	tb_summary
	exit 1
}

tb_log() {
	echo "# $*" >&2
}

# ---------------------------------------------------------------- helpers

# tb_synth PREFIX/LEN IPV4: RFC 6052 section 2.2 address synthesis.
tb_synth() {
	python3 - "$1" "$2" <<'EOF'
import ipaddress, sys
net = ipaddress.IPv6Network(sys.argv[1], strict=True)
if net.prefixlen not in (32, 40, 48, 56, 64, 96):
    sys.exit("bad RFC 6052 prefix length %d" % net.prefixlen)
v4 = ipaddress.IPv4Address(sys.argv[2]).packed
out = bytearray(net.network_address.packed)
j = net.prefixlen // 8
for b in v4:
    if j == 8:          # bits 64-71: the u-octet stays zero
        j = 9
    out[j] = b
    j += 1
print(ipaddress.IPv6Address(bytes(out)))
EOF
}

# tb_in_prefix PREFIX ADDR: true when ADDR lies inside PREFIX.
tb_in_prefix() {
	python3 -c 'import ipaddress, sys
sys.exit(0 if ipaddress.IPv6Address(sys.argv[2]) in ipaddress.IPv6Network(sys.argv[1]) else 1)' "$1" "$2"
}

tb_ns() {
	case $1 in
	client) echo "$TB_CLIENT" ;;
	router) echo "$TB_ROUTER_NS" ;;
	server) echo "$TB_SERVER" ;;
	gw) echo "$TB_GW" ;;
	*) echo "$1" ;;
	esac
}

tb_ns_exists() {
	[ -n "$1" ] && ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF -- "$1"
}

tb_exec() {
	local ns
	ns=$(tb_ns "$1")
	shift
	if ! tb_ns_exists "$ns"; then
		echo "tb_exec: network namespace '$ns' does not exist" >&2
		return 125
	fi
	timeout -k 5 "${TB_TIMEOUT:-60}" ip netns exec "$ns" "$@"
}

tb_client() { tb_exec client "$@"; }
tb_server() { tb_exec server "$@"; }
tb_gw() { tb_exec gw "$@"; }

tb_tnat64() {
	local pre=$TB_LIB
	[ -n "${TB_PRELOAD_EXTRA:-}" ] && pre="$TB_PRELOAD_EXTRA $TB_LIB"
	if [ "${SANITIZE:-}" = 1 ]; then
		tb_exec client env LD_PRELOAD="$pre" TNAT64_CONF_FILE="$TB_CONF" \
			TNAT64_DEBUG="${TNAT64_DEBUG:-}" \
			ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:verify_asan_link_order=0}" \
			UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" "$@"
	else
		tb_exec client env LD_PRELOAD="$pre" TNAT64_CONF_FILE="$TB_CONF" \
			TNAT64_DEBUG="${TNAT64_DEBUG:-}" "$@"
	fi
}

# tb_bg NS CMD...: start CMD in NS in the background (own process group),
# record and print its pid.  Safe inside $(...): output goes to a log file.
tb_bg() {
	local ns pid log fd
	ns=$(tb_ns "$1")
	shift
	if ! tb_ns_exists "$ns"; then
		echo "tb_bg: network namespace '$ns' does not exist" >&2
		return 125
	fi
	log=$(mktemp "$TB_TMP/bg.XXXXXX")
	# Opened here, before the fork: a child opening the name itself may
	# do so after the rename below and write to a file nobody reads.
	exec {fd}>"$log"
	# Not a process group leader here (no job control), so setsid execs
	# in place and $! is the command itself (ip netns exec execs too).
	setsid ip netns exec "$ns" "$@" </dev/null >&"$fd" 2>&1 {fd}>&- &
	pid=$!
	exec {fd}>&-
	echo "$pid" >>"$TB_TMP/pids"
	mv "$log" "$TB_TMP/bg.$pid.log"
	echo "$pid"
}

# tb_dnsmasq ADDR NAME,IPV4...: a dnsmasq in the server namespace that
# answers the A records given (and nothing else) on ADDR port 53, through
# tb_bg (its pid printed).  The caller waits with tb_wait_udp server ADDR 53.
tb_dnsmasq() {
	local a=$1 r recs=()
	shift
	for r in "$@"; do
		recs+=("--host-record=$r")
	done
	tb_bg server dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
		--no-poll --pid-file= --user=root --group=root --bind-interfaces \
		--listen-address="$a" --port=53 "${recs[@]}"
}

# tb_sshd DIR ADDR PORT: an sshd in the server namespace on ADDR:PORT that
# lets root in with the key DIR/id_ed25519 (made here, with the host key
# and the configuration).  0, or 1 with the reason on stdout.
tb_sshd() {
	local d=$1 a=$2 port=$3 usepam=no
	mkdir -p "$d" && chmod 700 "$d" || { echo "cannot make $d"; return 1; }
	if ! ssh-keygen -q -t ed25519 -N '' -f "$d/host_ed25519" </dev/null >/dev/null ||
		! ssh-keygen -q -t ed25519 -N '' -f "$d/id_ed25519" </dev/null >/dev/null; then
		echo "ssh-keygen failed"
		return 1
	fi
	cp "$d/id_ed25519.pub" "$d/authorized_keys"
	# without PAM, sshd refuses accounts whose password starts with "!"
	case $(getent shadow root | cut -d: -f2) in
	'!'*) usepam=yes ;;
	esac
	cat >"$d/sshd_config" <<EOF
Port $port
ListenAddress $a
HostKey $d/host_ed25519
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM $usepam
StrictModes no
PrintMotd no
EOF
	[ -d /run/sshd ] || mkdir -m 755 /run/sshd
	tb_bg server /usr/sbin/sshd -D -e -f "$d/sshd_config" >/dev/null
	if ! tb_wait_tcp server "$a" "$port" 10; then
		echo "sshd did not start (UsePAM $usepam)"
		return 1
	fi
}

# tb_wait_sock KIND NS ADDR PORT TIMEOUT: poll ss inside NS.
tb_wait_sock() {
	local kind=$1 ns addr=$3 port=$4 t=${5:-10} i=0 n
	ns=$(tb_ns "$2")
	n=$((t * 20))
	while [ "$i" -lt "$n" ]; do
		if ip netns exec "$ns" ss -Hn "-l$kind" "sport = :$port" 2>/dev/null |
			awk -v a="$addr" -v p="$port" '
				{ l = $4; sub(/%[^:]*:/, ":", l)
				  if (l == a ":" p || l == "[" a "]:" p || l == "0.0.0.0:" p ||
				      l == "*:" p || l == "[::]:" p) found = 1 }
				END { exit !found }'; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	echo "tb_wait: nothing listening on $addr:$port ($kind) in $ns after ${t}s" >&2
	return 1
}

tb_wait_tcp() { tb_wait_sock t "$@"; }
tb_wait_udp() { tb_wait_sock u "$@"; }

# ---------------------------------------------------------------- setup

tb_teardown() {
	local pid ns i
	[ "$TB_ACTIVE" = 1 ] || return 0
	TB_ACTIVE=0
	if [ -f "$TB_TMP/pids" ]; then
		while read -r pid; do
			[ -n "$pid" ] || continue
			kill -TERM -- "-$pid" 2>/dev/null
			kill -TERM "$pid" 2>/dev/null
		done <"$TB_TMP/pids"
		for i in 1 2 3 4 5 6 7 8 9 10; do
			local alive=0
			while read -r pid; do
				[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1
			done <"$TB_TMP/pids"
			[ "$alive" = 0 ] && break
			sleep 0.1
		done
		while read -r pid; do
			[ -n "$pid" ] || continue
			kill -KILL -- "-$pid" 2>/dev/null
			kill -KILL "$pid" 2>/dev/null
		done <"$TB_TMP/pids"
	fi
	for ns in $TB_CLIENT $TB_GW $TB_SERVER ${TB_ROUTER_NS:-}; do
		tb_ns_exists "$ns" || continue
		# Leftovers can only be processes this run started inside the
		# namespaces it created (children of recorded pids, e.g. sshd's).
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "${TB_TMP:-}" ] && [ -d "$TB_TMP" ] && [ -z "${TB_KEEP:-}" ]; then
		rm -rf "$TB_TMP"
	fi
	return 0
}

tb_setup_fail() {
	fail "$TB_NAME/setup" "$1"
	[ -f "${TB_TMP:-/nonexistent}/tayga.log" ] && sed 's/^/# tayga: /' "$TB_TMP/tayga.log" >&2
	exit 1
}

tb_setup() {
	local why="" base p
	[ "$(id -u)" = 0 ] || why="not root"
	[ -z "$why" ] && ! command -v ip >/dev/null && why="ip (iproute2) not installed"
	[ -z "$why" ] && ! command -v tayga >/dev/null && why="tayga not installed"
	[ -z "$why" ] && ! command -v python3 >/dev/null && why="python3 not installed"
	[ -z "$why" ] && [ ! -c /dev/net/tun ] && why="no /dev/net/tun"
	[ -z "$why" ] && ! ip netns list >/dev/null 2>&1 && why="ip netns not usable"
	if [ -n "$why" ]; then
		skip "$TB_NAME" "$why"
		exit 0
	fi

	tb_teardown
	TB_PREFIX=${TB_PREFIX:-2001:db8:64::/96}
	TB_SERVER4=198.51.100.10
	TB_SERVER4B=198.51.100.11
	TB_SERVER6=$(tb_synth "$TB_PREFIX" "$TB_SERVER4") ||
		tb_setup_fail "bad TB_PREFIX '$TB_PREFIX'"
	TB_SEQ=$((TB_SEQ + 1))
	base=tnat64-$$-$TB_SEQ
	TB_CLIENT=$base-client
	TB_GW=$base-gw
	TB_SERVER=$base-server
	TB_ROUTER_NS=
	[ "${TB_ROUTER:-}" = 1 ] && TB_ROUTER_NS=$base-router
	TB_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-tb.XXXXXX") ||
		tb_setup_fail "mktemp failed"
	: >"$TB_TMP/pids"
	TB_ACTIVE=1
	trap tb_teardown EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	TB_PRELOAD_EXTRA=
	if [ "${SANITIZE:-}" = 1 ]; then
		TB_PRELOAD_EXTRA=$(${TB_CC:-gcc} -print-file-name=libasan.so)
		case $TB_PRELOAD_EXTRA in
		/*) ;;
		*) tb_setup_fail "SANITIZE=1 but no libasan.so found" ;;
		esac
		export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:verify_asan_link_order=0}
	fi
	export TB_PREFIX TB_SERVER4 TB_SERVER4B TB_SERVER6 TB_CLIENT TB_GW \
		TB_SERVER TB_TMP TB_PRELOAD_EXTRA TB_ROUTER_NS

	# Client address: 2001:db8:1::2 unless the prefix covers it.
	local c6=2001:db8:1::2 cnet=2001:db8:1::/64 overlap=0
	if tb_in_prefix "$TB_PREFIX" "$c6"; then
		overlap=1
		c6=$(tb_synth "$TB_PREFIX" 192.0.2.2)
		cnet=$c6/64
	fi
	TB_CLIENT6=$c6
	export TB_CLIENT6

	for p in "$TB_CLIENT" "$TB_GW" "$TB_SERVER" $TB_ROUTER_NS; do
		ip netns add "$p" || tb_setup_fail "ip netns add $p failed"
	done
	for p in "$TB_CLIENT" "$TB_GW" "$TB_SERVER" $TB_ROUTER_NS; do
		tb_ns_exists "$p" || tb_setup_fail "namespace $p missing after creation"
	done

	local c=(ip -n "$TB_CLIENT") g=(ip -n "$TB_GW") s=(ip -n "$TB_SERVER")
	local r=(ip -n "${TB_ROUTER_NS:-none}")
	{
		"${g[@]}" link add gw-c type veth peer name eth0 netns "$TB_CLIENT" &&
		if [ -n "$TB_ROUTER_NS" ]; then
			"${g[@]}" link add gw-s type veth peer name r-g netns "$TB_ROUTER_NS" &&
			"${r[@]}" link add r-s type veth peer name eth0 netns "$TB_SERVER" &&
			"${r[@]}" link set lo up
		else
			"${g[@]}" link add gw-s type veth peer name eth0 netns "$TB_SERVER"
		fi &&
		"${c[@]}" link set lo up && "${g[@]}" link set lo up &&
		"${s[@]}" link set lo up
	} || tb_setup_fail "creating veth pairs failed"

	# client: IPv6 only
	{
		ip netns exec "$TB_CLIENT" sysctl -qw net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.accept_ra=0 &&
		"${c[@]}" link set eth0 up &&
		"${c[@]}" -6 addr add "$c6/64" dev eth0 nodad &&
		if [ "$overlap" = 1 ]; then
			"${c[@]}" -6 route add 2001:db8:1::1/128 dev eth0 &&
			"${c[@]}" -6 route add default via 2001:db8:1::1 dev eth0
		else
			"${c[@]}" -6 route add default via 2001:db8:1::1 dev eth0
		fi
	} || tb_setup_fail "client network setup failed"

	# server: IPv4 only (IPv6 left on lo only)
	{
		ip netns exec "$TB_SERVER" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 &&
		"${s[@]}" link set eth0 up &&
		"${s[@]}" addr add 198.51.100.10/24 dev eth0 &&
		"${s[@]}" addr add 198.51.100.11/24 dev eth0 &&
		"${s[@]}" route add default via 198.51.100.1
	} || tb_setup_fail "server network setup failed"

	# gateway
	{
		ip netns exec "$TB_GW" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1 &&
		"${g[@]}" link set gw-c up && "${g[@]}" link set gw-s up &&
		"${g[@]}" -6 addr add 2001:db8:1::1/64 dev gw-c nodad &&
		if [ -n "$TB_ROUTER_NS" ]; then
			"${g[@]}" addr add 203.0.113.1/24 dev gw-s &&
			"${g[@]}" route add 198.51.100.0/24 via 203.0.113.2
		else
			"${g[@]}" addr add 198.51.100.1/24 dev gw-s
		fi &&
		if [ "$overlap" = 1 ]; then
			"${g[@]}" -6 route add "$cnet" dev gw-c
		fi
	} || tb_setup_fail "gateway network setup failed"

	# IPv4 router between gw and server
	if [ -n "$TB_ROUTER_NS" ]; then
		{
			ip netns exec "$TB_ROUTER_NS" sysctl -qw net.ipv4.ip_forward=1 &&
			"${r[@]}" link set r-g up && "${r[@]}" link set r-s up &&
			"${r[@]}" link set r-s mtu "${TB_ROUTER_MTU:-1500}" &&
			"${s[@]}" link set eth0 mtu "${TB_ROUTER_MTU:-1500}" &&
			"${r[@]}" addr add 203.0.113.2/24 dev r-g &&
			"${r[@]}" addr add 198.51.100.1/24 dev r-s &&
			"${r[@]}" route add 192.0.2.0/24 via 203.0.113.1
		} || tb_setup_fail "router network setup failed"
	fi

	mkdir -p "$TB_TMP/tayga" || tb_setup_fail "mkdir failed"
	cat >"$TB_TMP/tayga.conf" <<EOF
tun-device nat64
ipv4-addr 192.0.2.1
prefix $TB_PREFIX
dynamic-pool 192.0.2.128/25
data-dir $TB_TMP/tayga
EOF
	ip netns exec "$TB_GW" tayga -c "$TB_TMP/tayga.conf" --mktun \
		>"$TB_TMP/tayga.log" 2>&1 ||
		tb_setup_fail "tayga --mktun failed (prefix $TB_PREFIX)"
	{
		"${g[@]}" link set nat64 up &&
		"${g[@]}" -6 route add "$TB_PREFIX" dev nat64 &&
		"${g[@]}" route add 192.0.2.0/24 dev nat64
	} || tb_setup_fail "tun setup failed"
	TB_TAYGA_PID=$(tb_bg gw tayga -c "$TB_TMP/tayga.conf" --nodetach -d) ||
		tb_setup_fail "starting tayga failed"
	# tayga attached to the tun: carrier up
	local i=0
	while ! "${g[@]}" link show nat64 2>/dev/null | grep -q LOWER_UP; do
		i=$((i + 1))
		if [ "$i" -gt 200 ] || ! kill -0 "$TB_TAYGA_PID" 2>/dev/null; then
			cat "$TB_TMP/bg.$TB_TAYGA_PID.log" >>"$TB_TMP/tayga.log" 2>/dev/null
			tb_setup_fail "tayga did not come up (prefix $TB_PREFIX)"
		fi
		sleep 0.05
	done
	export TB_TAYGA_PID

	TB_CONF=$TB_TMP/tnat64.conf
	printf '# generated by tests/integration/lib.sh\nnat64_prefix = %s\n' \
		"$TB_PREFIX" >"$TB_CONF"
	export TB_CONF
	tb_log "testbed $base: prefix $TB_PREFIX, server $TB_SERVER4 = $TB_SERVER6, client $TB_CLIENT6, tmp $TB_TMP"
}

# ---------------------------------------------------------------- DNS64
#
# A real DNS64 on top of tb_setup (same prefix as tayga, $TB_PREFIX):
#
#   server  also 198.51.100.53: dnsmasq, the IPv4-side upstream; it holds
#           the A records of ipv4only.arpa (192.0.0.170, 192.0.0.171,
#           RFC 7050 2) and of server.example (198.51.100.10).  unbound
#           synthesizes only from answers it forwards, not from its own
#           local-data: hence this upstream.
#   gw      unbound on [2001:db8:1::1]:53 (TB_DNS6) and on 198.51.100.1:53
#           (an IPv4-only name server for the client, reachable through
#           NAT64 only), module-config
#           "dns64 iterator", dns64-prefix $TB_PREFIX, forwarding "." to
#           198.51.100.53; every query it receives is logged.
#
# API:
#   tb_dns64_setup           start both (after tb_setup); writes
#                            $TB_RESOLV ("nameserver 2001:db8:1::1"),
#                            exports TB_DNS6 TB_RESOLV TB_DNS_LOG.
#                            FAIL + exit 1 when they do not come up;
#                            SKIP + exit 0 without unbound or dnsmasq.
#   tb_dns_variant KIND      replace the server at [2001:db8:1::1]:53:
#                              dns64    unbound with dns64 (the default)
#                              nodns64  unbound without dns64 (no AAAA)
#                              two      answers two prefixes (2001:db8:64::
#                                       and 2001:db8:65::, both /96)
#                              nowka    AAAA answers without 192.0.0.170/171
#                              silent   reads queries, never answers
#                            (the old server is killed by its pid; its log
#                            stays; TB_DNS_LOG names the new one).
#   tb_dns_queries           number of AAAA queries for ipv4only.arpa the
#                            current server has received so far.
#   tb_dns_client CMD...     CMD in the client netns, in a private mount
#                            namespace where $TB_RESOLV is /etc/resolv.conf
#                            and $TB_TMP/run is /run (so the system prefix
#                            cache /run/tnat64 lives in $TB_TMP/run/tnat64;
#                            the host's files are never touched).
#   tb_dns_wait              wait until the current server answers.
#   tb_user_xdg UID          $TB_TMP/xdg made UID's XDG_RUNTIME_DIR (0700,
#                            its own; $TB_TMP opened to others for it),
#                            XDG and UF (the user's prefix cache there)
#                            set, the system cache $TB_TMP/run/tnat64
#                            removed.

TB_DNS6=2001:db8:1::1
TB_DNS_SEQ=0

tb_dns_log_count() {
	# one line per query: unbound's "info: ADDR ipv4only.arpa. AAAA IN",
	# dnsmasq's "query[AAAA] ipv4only.arpa from ADDR", the silent
	# server's "query ..."
	[ -f "$1" ] || { echo 0; return; }
	grep -ciE 'ipv4only\.arpa\.? AAAA IN|query\[AAAA\] ipv4only\.arpa|^query .*ipv4only' "$1"
}

tb_dns_queries() {
	tb_dns_log_count "$TB_DNS_LOG"
}

tb_dns_client() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	tb_exec client sh -c 'mount --bind "$1" /etc/resolv.conf &&
		mount --bind "$2" /run && shift 2 && exec "$@"' tb_dns_client \
		"$TB_RESOLV" "$TB_TMP/run" "$@"
}

# tb_dns_stop: stop the server at [2001:db8:1::1]:53 (by its pid).
tb_dns_stop() {
	local i=0
	[ -n "${TB_DNS_PID:-}" ] || return 0
	kill -TERM "$TB_DNS_PID" 2>/dev/null
	while kill -0 "$TB_DNS_PID" 2>/dev/null && [ "$i" -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -KILL "$TB_DNS_PID" 2>/dev/null
	TB_DNS_PID=
}

tb_unbound_conf() { # tb_unbound_conf FILE LOG WITH_DNS64
	local modules='"iterator"' d64=""
	if [ "$3" = 1 ]; then
		modules='"dns64 iterator"'
		d64="dns64-prefix: $TB_PREFIX"
	fi
	cat >"$1" <<EOC
server:
	username: ""
	chroot: ""
	directory: "$TB_TMP/dns"
	pidfile: ""
	use-syslog: no
	logfile: "$2"
	log-queries: yes
	verbosity: 1
	interface: $TB_DNS6
	interface: 198.51.100.1
	port: 53
	do-ip4: yes
	do-ip6: yes
	do-tcp: yes
	access-control: ::/0 allow
	access-control: 0.0.0.0/0 allow
	module-config: $modules
	$d64
	do-not-query-localhost: no
	harden-referral-path: no
	qname-minimisation: no
	use-caps-for-id: no
	cache-max-ttl: 600
	val-log-level: 0
forward-zone:
	name: "."
	forward-addr: 198.51.100.53
EOC
}

# tb_dnsmasq_v6 HOSTS LOG: dnsmasq in the gw answering from HOSTS only.
tb_dnsmasq_v6() {
	tb_bg gw dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--no-resolv --no-hosts --addn-hosts="$1" --local=/ipv4only.arpa/ \
		--listen-address="$TB_DNS6" --bind-interfaces --port=53 \
		--user=root --group=root --pid-file= --log-queries \
		--log-facility="$2" --local-ttl=600 --neg-ttl=60
}

tb_dns_wait() {
	local i=0
	while [ "$i" -lt 100 ]; do
		if tb_gw dig +time=1 +tries=1 +short "@$TB_DNS6" \
			localhost.invalid A >/dev/null 2>&1; then
			return 0
		fi
		# the silent server never answers: a bound socket will do
		if [ "${TB_DNS_KIND:-}" = silent ] &&
			tb_wait_udp gw "$TB_DNS6" 53 1 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

tb_dns_variant() {
	local kind=$1 log
	tb_dns_stop
	TB_DNS_SEQ=$((TB_DNS_SEQ + 1))
	log=$TB_TMP/dns/$kind.$TB_DNS_SEQ.log
	: >"$log"
	case $kind in
	dns64 | nodns64)
		tb_unbound_conf "$TB_TMP/dns/unbound.$TB_DNS_SEQ.conf" "$log" \
			"$([ "$kind" = dns64 ] && echo 1 || echo 0)"
		TB_DNS_PID=$(tb_bg gw unbound -d -c "$TB_TMP/dns/unbound.$TB_DNS_SEQ.conf")
		;;
	two)
		printf '%s\n' '2001:db8:64::c000:aa ipv4only.arpa' \
			'2001:db8:65::c000:ab ipv4only.arpa' >"$TB_TMP/dns/two.hosts"
		TB_DNS_PID=$(tb_dnsmasq_v6 "$TB_TMP/dns/two.hosts" "$log")
		;;
	nowka)
		# 192.0.2.1 and 198.51.100.10 embedded: no well-known address
		printf '%s\n' '2001:db8:64::c000:201 ipv4only.arpa' \
			'2001:db8:64::c633:640a ipv4only.arpa' >"$TB_TMP/dns/nowka.hosts"
		TB_DNS_PID=$(tb_dnsmasq_v6 "$TB_TMP/dns/nowka.hosts" "$log")
		;;
	silent)
		TB_DNS_PID=$(tb_bg gw python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
log = open(sys.argv[2], "a")
while True:
    data, peer = s.recvfrom(4096)
    # question name of the query, for the count
    name, i = [], 12
    while i < len(data) and data[i]:
        name.append(data[i + 1:i + 1 + data[i]].decode("ascii", "replace"))
        i += 1 + data[i]
    log.write("query %s from %s\n" % (".".join(name), peer[0]))
    log.flush()
' "$TB_DNS6" "$log")
		;;
	*)
		echo "tb_dns_variant: unknown kind '$kind'" >&2
		return 2
		;;
	esac
	TB_DNS_KIND=$kind
	TB_DNS_LOG=$log
	export TB_DNS_LOG TB_DNS_KIND
	if ! tb_dns_wait; then
		echo "tb_dns_variant: $kind server did not come up" >&2
		sed 's/^/# dns: /' "$log" "$TB_TMP/bg.$TB_DNS_PID.log" >&2 2>/dev/null
		return 1
	fi
}

tb_user_xdg() {
	rm -rf "$TB_TMP/run/tnat64"
	chmod 711 "$TB_TMP"
	XDG=$TB_TMP/xdg
	mkdir -m 700 "$XDG" && chown "$1:$1" "$XDG"
	UF=$XDG/tnat64/prefix
}

tb_dns64_setup() {
	local why=""
	command -v unbound >/dev/null || why="unbound not installed"
	[ -z "$why" ] && ! command -v dnsmasq >/dev/null && why="dnsmasq not installed"
	[ -z "$why" ] && ! command -v dig >/dev/null && why="dig (dnsutils) not installed"
	if [ -n "$why" ]; then
		skip "$TB_NAME/dns64" "$why"
		exit 0
	fi
	mkdir -p "$TB_TMP/dns" "$TB_TMP/run" || tb_setup_fail "mkdir failed"
	chmod 755 "$TB_TMP/run"
	TB_RESOLV=$TB_TMP/resolv.conf
	printf '# generated by tests/integration/lib.sh\nnameserver %s\n' \
		"$TB_DNS6" >"$TB_RESOLV"
	export TB_DNS6 TB_RESOLV

	# the IPv4-side upstream
	ip -n "$TB_SERVER" addr add 198.51.100.53/24 dev eth0 ||
		tb_setup_fail "adding 198.51.100.53 failed"
	printf '%s\n' '192.0.0.170 ipv4only.arpa' '192.0.0.171 ipv4only.arpa' \
		"$TB_SERVER4 server.example" >"$TB_TMP/dns/upstream.hosts"
	TB_DNSMASQ_LOG=$TB_TMP/dns/upstream.log
	TB_DNSMASQ_PID=$(tb_bg server dnsmasq --keep-in-foreground \
		--conf-file=/dev/null --no-resolv --no-hosts \
		--addn-hosts="$TB_TMP/dns/upstream.hosts" \
		--local=/ipv4only.arpa/ --local=/example/ \
		--listen-address=198.51.100.53 --bind-interfaces --port=53 \
		--user=root --group=root --pid-file= --log-queries \
		--log-facility="$TB_DNSMASQ_LOG" --local-ttl=600 --neg-ttl=60) ||
		tb_setup_fail "starting dnsmasq failed"
	export TB_DNSMASQ_LOG TB_DNSMASQ_PID
	local i=0
	while ! tb_server dig +time=1 +tries=1 +short @198.51.100.53 \
		ipv4only.arpa A 2>/dev/null | grep -q 192.0.0.170; do
		i=$((i + 1))
		[ "$i" -gt 50 ] && tb_setup_fail "dnsmasq (upstream) does not answer"
		sleep 0.1
	done
	tb_dns_variant dns64 || tb_setup_fail "unbound (DNS64) did not come up"
	tb_log "DNS64: unbound at [$TB_DNS6]:53, prefix $TB_PREFIX, upstream dnsmasq 198.51.100.53"
}
