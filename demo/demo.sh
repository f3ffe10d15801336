#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tnat64 demo: run as root from the repository on Debian 12:  sh demo/demo.sh
# Installs what it needs (apt-get), builds tnat64, builds three network
# namespaces (IPv6-only client, tayga NAT64 gateway, IPv4-only server),
# then shows curl to an IPv4 address failing without tnat64 and working
# with it, and a static busybox wget working through the seccomp mode.
# Every "$ ..." line is the command that runs next, exactly, with its real
# paths; only the testbed's own set-up (tests/integration/lib.sh) is
# summarized.  Tears everything down on exit.  Exit 0 when the tnat64 step
# works.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
unset SANITIZE B LD_PRELOAD TNAT64_CONF_FILE TNAT64_DEBUG TNAT64_DEBUG_FILE \
	TNAT64_NAT64_PREFIX

heading() {
	printf '\n=== %s\n' "$*"
}
# q WORD: WORD as a shell would need it typed.
q() {
	case $1 in
	'' | *[!A-Za-z0-9_./:=@%+,-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}
# show CMD...: print the command line as it will run.
show() {
	show_line='$'
	for show_w in "$@"; do
		show_line="$show_line $(q "$show_w")"
	done
	printf '%s\n' "$show_line"
}
# run CMD...: show it, then run it.
run() {
	show "$@"
	"$@"
}
# run_sh LINE: show a shell line (a pipeline), then run it.
run_sh() {
	printf '$ %s\n' "$1"
	eval "$1"
}

if [ "$(id -u)" != 0 ]; then
	echo "demo.sh: run me as root (it creates network namespaces)" >&2
	exit 1
fi

heading "Installing what the demo needs"
pkgs="gcc make libc6-dev tayga iproute2 curl python3 busybox-static"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if ! run apt-get -qq update ||
		! run apt-get -qq install -y --no-install-recommends $missing; then
		echo "demo.sh: apt-get failed" >&2
		exit 1
	fi
else
	echo "all installed: $pkgs"
fi
export PATH="$PATH:/usr/sbin:/sbin"

heading "Building tnat64 (make -s: no compiler lines unless something is wrong)"
run make -s || {
	echo "demo.sh: build failed" >&2
	exit 1
}

heading "Building the network: IPv6-only client -> tayga NAT64 gateway -> IPv4-only server"
# shellcheck source=tests/integration/lib.sh
. "$ROOT/tests/integration/lib.sh"
# shellcheck disable=SC2034 # (read by lib.sh)
TB_NAME=demo
# shellcheck disable=SC2034
TB_TIMEOUT=30
tb_setup 2>/dev/null
echo "(tests/integration/lib.sh made the namespaces $TB_CLIENT,"
echo " $TB_GW and $TB_SERVER with ip netns and veth pairs, and"
echo " started tayga in the gateway with the NAT64 prefix $TB_PREFIX)"
run ip netns exec "$TB_CLIENT" ip -brief address show
run ip netns exec "$TB_CLIENT" ip -4 route show
echo "(no IPv4 route at all)"
run ip netns exec "$TB_CLIENT" ip -6 route show
run ip netns exec "$TB_SERVER" ip -brief address show

heading "Starting an IPv4-only web server on $TB_SERVER4:8080"
mkdir -p "$TB_TMP/www"
echo "Hello from the IPv4-only server $TB_SERVER4" >"$TB_TMP/www/index.html"
# What tb_bg runs, in its own session, its pid kept for the teardown.
show setsid ip netns exec "$TB_SERVER" python3 -m http.server 8080 --bind "$TB_SERVER4" \
	--directory "$TB_TMP/www"
printf '  (in the background)\n'
tb_bg server python3 -m http.server 8080 --bind "$TB_SERVER4" \
	--directory "$TB_TMP/www" >/dev/null
tb_wait_tcp server "$TB_SERVER4" 8080 || {
	echo "demo.sh: web server did not start" >&2
	exit 1
}

heading "1. Without tnat64: the IPv6-only client cannot reach an IPv4 address"
run_sh "ip netns exec $TB_CLIENT curl -v -sS --max-time 10 http://$TB_SERVER4:8080/ 2>&1 | grep -E 'Trying|unreachable|curl:'"

heading "2. The NAT64 gateway works for IPv6: the same server at $TB_SERVER6"
run ip netns exec "$TB_CLIENT" curl -sS --max-time 10 "http://[$TB_SERVER6]:8080/"

heading "3. With tnat64: the IPv4 address works"
run cat "$TB_CONF"
show ip netns exec "$TB_CLIENT" env TNAT64_DEBUG=3 "$ROOT/build/tnat64" -c "$TB_CONF" \
	curl -sS --max-time 10 "http://$TB_SERVER4:8080/"
out=$(ip netns exec "$TB_CLIENT" env TNAT64_DEBUG=3 "$ROOT/build/tnat64" -c "$TB_CONF" \
	curl -sS --max-time 10 "http://$TB_SERVER4:8080/" 2>"$TB_TMP/demo.err")
rc=$?
cat "$TB_TMP/demo.err"
printf '%s\n' "$out"

heading "4. A static program (busybox wget): no LD_PRELOAD can reach it, so tnat64 runs it under its seccomp supervisor"
bb=$(command -v busybox)
if [ -n "$bb" ] && "$ROOT/build/tnat64-seccomp" --want "$bb" 2>/dev/null; then
	run ip netns exec "$TB_CLIENT" env TNAT64_DEBUG=2 "$ROOT/build/tnat64" -c "$TB_CONF" \
		"$bb" wget -q -O - "http://$TB_SERVER4:8080/" 2>&1
else
	echo "(skipped: no static busybox here, or this kernel lacks seccomp user notification)"
fi

heading "Result"
if [ "$rc" = 0 ] && [ "$out" = "Hello from the IPv4-only server $TB_SERVER4" ]; then
	echo "tnat64 works: curl reached $TB_SERVER4 from an IPv6-only host through NAT64."
	echo "(tearing down the namespaces)"
	exit 0
fi
echo "tnat64 step FAILED (curl exit status $rc)"
exit 1
