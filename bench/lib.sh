# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by bench/run.sh and bench/run_udp.sh (POSIX sh, sourced).
#
# Two namespaces joined by a veth, no NAT64 gateway in the path: the
# server side holds the synthesized address SERVER6 (SERVER4 under
# PREFIX) itself, so translated and native traffic reach the same IPv6
# listener at full speed.
#
#   bench_env NAME       paths and addresses; die() prefixes NAME
#   bench_check FILE...  root, iproute2, and the built files exist
#   bench_netns          namespaces C (client) and S (server), TMP, the
#                        library's configuration TMP/tnat64.conf, CPU_C and
#                        CPU_S (taskset prefixes unless PIN=0), PIDS (killed
#                        on exit) and the teardown trap

bench_env() {
	BENCH_NAME=$1
	ROOT=$(cd "$(dirname "$0")/.." && pwd)
	B=${B:-build}
	case $B in
	/*) ;;
	*) B=$ROOT/$B ;;
	esac
	PIN=${PIN:-1}
	PATH=$PATH:/usr/sbin:/sbin
	export PATH
	PREFIX=2001:db8:64::/96
	SERVER4=198.51.100.10
	SERVER6=2001:db8:64::c633:640a
	LIB=$B/libtnat64.so
}

die() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

bench_check() {
	[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
	command -v ip >/dev/null 2>&1 || die "needs ip (iproute2)"
	ip netns list >/dev/null 2>&1 || die "ip netns not usable"
	for f in "$LIB" "$@"; do
		[ -f "$f" ] || die "$f missing (make all tests bench)"
	done
}

ns_exists() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF -- "$1"
}

bench_cleanup() {
	[ "$ACTIVE" = 1 ] || return 0
	ACTIVE=0
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null
	done
	for ns in "$C" "$S"; do
		ns_exists "$ns" && ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}

bench_netns() {
	C=tnat64-$BENCH_NAME-$$-c
	S=tnat64-$BENCH_NAME-$$-s
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-$BENCH_NAME.XXXXXX") ||
		die "mktemp failed"
	PIDS=
	ACTIVE=1
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	for ns in "$C" "$S"; do
		ns_exists "$ns" && die "namespace $ns already exists"
	done
	ip netns add "$C" || die "ip netns add $C failed"
	ip netns add "$S" || die "ip netns add $S failed"
	{
		ip -n "$C" link add eth0 type veth peer name eth0 netns "$S" &&
		ip -n "$C" link set lo up && ip -n "$S" link set lo up &&
		ip -n "$C" link set eth0 up && ip -n "$S" link set eth0 up &&
		ip -n "$C" -6 addr add 2001:db8:1::2/64 dev eth0 nodad &&
		ip -n "$S" -6 addr add 2001:db8:1::1/64 dev eth0 nodad &&
		ip -n "$S" -6 addr add "$SERVER6/128" dev eth0 nodad &&
		ip -n "$C" -6 route add "$PREFIX" via 2001:db8:1::1 dev eth0
	} || die "network setup failed"
	printf '# tnat64 benchmark configuration\nnat64_prefix = %s\n' \
		"$PREFIX" >"$TMP/tnat64.conf"
	CPU_C=
	CPU_S=
	if [ "$PIN" = 1 ] && command -v taskset >/dev/null 2>&1 &&
		[ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ]; then
		CPU_C="taskset -c 0"
		CPU_S="taskset -c 1"
	fi
}
