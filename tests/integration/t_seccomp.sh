#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tnat64-seccomp (doc/seccomp.md) in the testbed: static and Go programs
# in the IPv6-only client namespace reach IPv4-only servers through the
# seccomp supervisor, without LD_PRELOAD.
#
# Servers in the server namespace: srv's TCP echo (7001), a UDP echo
# (7007), dnsmasq (53, www.seccomp.test -> 198.51.100.11), busybox httpd
# (80).  203.0.113.0/24 is black-holed on the gateway (tayga forwards it,
# nothing answers).  Go programs are built here from tests/progs/seccomp_go
# (standard library only, offline).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

SV=$TB_BUILD/tnat64-seccomp
P=$TB_BUILD/tests/progs
ECHO_PORT=7001
UDP_PORT=7007
REFUSED_PORT=7009
LOCAL_PORT=7101		# to 7103: listeners in the client namespace
HOLE=203.0.113.99
BUSYBOX=$(command -v busybox 2>/dev/null || echo /bin/busybox)

tb_setup

missing=
for f in "$SV" "$P/srv" "$P/seccomp_basic" "$P/seccomp_standin" \
	"$P/seccomp_threads" "$P/seccomp_forkexec" "$P/seccomp_kill"; do
	[ -x "$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
	fail seccomp/build "not built:$missing (run make tests)"
	tb_summary
	exit 1
fi

# Everything a non-root user must read: the testbed tmp dir and config.
chmod 755 "$TB_TMP"
chmod 644 "$TB_CONF"

# sv ARGS...: the supervisor in the client namespace with the testbed
# configuration (TB_TIMEOUT bounds it).  SV_AS (an array: a command prefix
# such as setpriv) and SV_BIN (another copy of the supervisor) change who
# runs what.
SV_AS=()
sv() {
	tb_client "${SV_AS[@]}" env TNAT64_CONF_FILE="$TB_CONF" \
		TNAT64_DEBUG="${TNAT64_DEBUG:-}" "${SV_BIN:-$SV}" "$@"
}

# run_checked NAME TIMEOUT CMD...: run CMD under the supervisor, forward
# its PASS/FAIL/SKIP lines (prefixed seccomp/), FAIL NAME if it exits
# non-zero without a FAIL line of its own.
run_checked() {
	local name=$1 t=$2 out rc line nfail=0 nlines=0
	shift 2
	out=$TB_TMP/$(echo "$name" | tr '/' '_').out
	TB_TIMEOUT=$t sv "$@" >"$out" 2>"$out.err" </dev/null
	rc=$?
	while IFS= read -r line; do
		case $line in
		PASS:\ *) pass "seccomp/${line#PASS: }"; nlines=$((nlines + 1)) ;;
		FAIL:\ *)
			line=${line#FAIL: }
			fail "seccomp/${line%%: *}" "${line#*: }"
			nfail=$((nfail + 1)); nlines=$((nlines + 1)) ;;
		SKIP:\ *)
			line=${line#SKIP: }
			skip "seccomp/${line%%: *}" "${line#*: }"
			nlines=$((nlines + 1)) ;;
		esac
	done <"$out"
	if [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
		fail "seccomp/$name" "exit status $rc: $(tail -n 3 "$out.err" | tr '\n' ' ')"
	elif [ "$nlines" -eq 0 ]; then
		fail "seccomp/$name" "no result lines: $(tail -n 3 "$out.err" | tr '\n' ' ')"
	fi
}

# ------------------------------------------------------------ servers

tb_gw ip route add blackhole 203.0.113.0/24 ||
	tb_log "could not black-hole 203.0.113.0/24 on the gateway"
mkdir -p "$TB_TMP/www"
echo "seccomp page $$" >"$TB_TMP/www/index.html"
chmod -R a+rX "$TB_TMP/www"

tb_bg server "$P/srv" -e "$ECHO_PORT" >/dev/null
tb_bg server python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.10", int(sys.argv[1])))
while True:
    d, a = s.recvfrom(65535)
    s.sendto(d, a)
' "$UDP_PORT" >/dev/null
have_httpd=0
if [ -x "$BUSYBOX" ]; then
	tb_bg server "$BUSYBOX" httpd -f -p 198.51.100.10:80 -h "$TB_TMP/www" \
		>/dev/null && have_httpd=1
fi
have_dns=0
if command -v dnsmasq >/dev/null; then
	tb_bg server dnsmasq -k -C /dev/null --no-resolv --no-hosts \
		--listen-address=198.51.100.10 --bind-interfaces --port=53 \
		--address=/seccomp.test/198.51.100.11 --user=root --pid-file= \
		>/dev/null && have_dns=1
fi
if ! tb_wait_tcp server 0.0.0.0 "$ECHO_PORT" ||
	! tb_wait_udp server 198.51.100.10 "$UDP_PORT"; then
	fail seccomp/servers "echo servers did not start"
	tb_summary
	exit 1
fi
[ "$have_httpd" = 1 ] && ! tb_wait_tcp server 198.51.100.10 80 && have_httpd=0
[ "$have_dns" = 1 ] && ! tb_wait_udp server 198.51.100.10 53 && have_dns=0

# ------------------------------------------------------------ basics

if "$SV" --check; then
	pass seccomp/kernel-support
else
	fail seccomp/kernel-support "$SV --check failed on $(uname -r)"
	tb_summary
	exit 1
fi

want() {	# want NAME FILE EXPECTED-STATUS
	local rc
	"$SV" --want "$2"
	rc=$?
	if [ "$rc" = "$3" ]; then
		pass "seccomp/want-$1"
	else
		fail "seccomp/want-$1" "--want $2: status $rc, expected $3"
	fi
}
[ -x "$BUSYBOX" ] && want busybox-static "$BUSYBOX" 0
want dynamic-c "$P/srv" 1
want script "$TB_ROOT/tests/integration/lib.sh" 1

out=$(TB_TIMEOUT=20 sv sh -c 'exit 7' 2>&1)
rc=$?
[ "$rc" = 7 ] && pass seccomp/exit-status ||
	fail seccomp/exit-status "status $rc, expected 7 ($out)"
TB_TIMEOUT=20 sv sh -c 'kill -TERM $$' >/dev/null 2>&1
rc=$?
[ "$rc" = 143 ] && pass seccomp/exit-signal ||
	fail seccomp/exit-signal "status $rc, expected 143 (SIGTERM)"
TB_TIMEOUT=20 sv /nonexistent/program >/dev/null 2>&1
rc=$?
[ "$rc" = 127 ] && pass seccomp/exit-not-found ||
	fail seccomp/exit-not-found "status $rc, expected 127"

# ------------------------------------------------------------ busybox

page="seccomp page $$"
if [ "$have_httpd" = 1 ]; then
	out=$(TB_TIMEOUT=30 sv "$BUSYBOX" wget -q -O - http://198.51.100.10/ 2>&1)
	[ "$out" = "$page" ] && pass seccomp/busybox-wget ||
		fail seccomp/busybox-wget "got '$out'"
	out=$(printf 'GET / HTTP/1.0\r\n\r\n' |
		TB_TIMEOUT=30 sv "$BUSYBOX" nc 198.51.100.10 80 2>&1)
	case $out in
	*"$page"*) pass seccomp/busybox-nc ;;
	*) fail seccomp/busybox-nc "got '$(echo "$out" | tail -n 2)'" ;;
	esac
	# The launcher picks the supervisor by itself for a static program.
	out=$(TB_TIMEOUT=30 tb_client env -u LD_PRELOAD \
		TNAT64_CONF_FILE="$TB_CONF" "$TB_BUILD/tnat64" \
		"$BUSYBOX" wget -q -O - http://198.51.100.10/ 2>&1)
	[ "$out" = "$page" ] && pass seccomp/launcher-auto ||
		fail seccomp/launcher-auto "got '$out'"
	out=$(TB_TIMEOUT=30 tb_client env -u LD_PRELOAD \
		TNAT64_CONF_FILE="$TB_CONF" "$TB_BUILD/tnat64" --seccomp \
		"$BUSYBOX" wget -q -O - http://198.51.100.10/ 2>&1)
	[ "$out" = "$page" ] && pass seccomp/launcher-option ||
		fail seccomp/launcher-option "got '$out'"
	# tnat64-seccomp inside a supervised program just runs its command.
	out=$(TB_TIMEOUT=30 sv "$SV" "$BUSYBOX" wget -q -O - http://198.51.100.10/ 2>&1)
	[ "$out" = "$page" ] && pass seccomp/nested ||
		fail seccomp/nested "got '$out'"
	# Without the supervisor the same static program cannot get there.
	out=$(TB_TIMEOUT=30 tb_client env LD_PRELOAD="$TB_LIB" \
		"$BUSYBOX" wget -q -O - http://198.51.100.10/ 2>&1)
	[ "$out" != "$page" ] && pass seccomp/busybox-needs-it ||
		fail seccomp/busybox-needs-it "static busybox worked without the supervisor"
else
	skip seccomp/busybox-wget "busybox httpd not available"
	skip seccomp/busybox-nc "busybox httpd not available"
fi

# ------------------------------------------------------------ C programs

run_checked basic 60 "$P/seccomp_basic" "$TB_SERVER4" "$ECHO_PORT" \
	"$UDP_PORT" "$REFUSED_PORT"
# Stand-in sockets: SO_DOMAIN, names, servers, options, epoll before
# connect, TCP Fast Open (client TFO on, keeping the other bits, so that
# sendto(MSG_FASTOPEN) really connects).
tfo=$(tb_client sysctl -n net.ipv4.tcp_fastopen 2>/dev/null) || tfo=1
tb_client sysctl -qw net.ipv4.tcp_fastopen=$((tfo | 1)) >/dev/null ||
	tb_log "could not enable client TFO in the client namespace"
run_checked standin 60 "$P/seccomp_standin" "$TB_SERVER4" "$ECHO_PORT" \
	"$UDP_PORT" "$LOCAL_PORT"
if [ "$have_httpd" = 1 ]; then
	run_checked forkexec 60 "$P/seccomp_forkexec" "$TB_SERVER4" \
		"$ECHO_PORT" "$BUSYBOX" wget -q -O "$TB_TMP/forkexec.page" \
		http://198.51.100.10/
	if [ "$(cat "$TB_TMP/forkexec.page" 2>/dev/null)" = "$page" ]; then
		pass seccomp/forkexec/static-child-page
	else
		fail seccomp/forkexec/static-child-page "static child got no page"
	fi
else
	skip seccomp/forkexec "busybox httpd not available"
fi
run_checked threads 90 "$P/seccomp_threads" "$TB_SERVER4" "$ECHO_PORT" \
	"$HOLE" 80 32

# A background process that outlives the program is still served.
rm -f "$TB_TMP/late.out"
if [ "$have_httpd" = 1 ]; then
	TB_TIMEOUT=30 sv "$BUSYBOX" sh -c "(\"$BUSYBOX\" sleep 1; \"$BUSYBOX\" wget -q \
		-O \"$TB_TMP/late.out\" http://198.51.100.10/) >/dev/null 2>&1 &
		exit 0"
	for _ in $(seq 1 100); do
		[ -s "$TB_TMP/late.out" ] && break
		sleep 0.1
	done
	[ "$(cat "$TB_TMP/late.out" 2>/dev/null)" = "$page" ] &&
		pass seccomp/orphan-still-served ||
		fail seccomp/orphan-still-served "background wget got nothing"
fi

# ------------------------------------------------------------ configuration

# A `local` rule keeps .11 direct (unreachable here), .10 still goes
# through NAT64: the supervisor uses the library's configuration.
printf 'local = 198.51.100.11/32\nnat64_prefix = %s\n' "$TB_PREFIX" \
	>"$TB_TMP/local.conf"
chmod 644 "$TB_TMP/local.conf"
rc10=$(TB_TIMEOUT=20 tb_client env TNAT64_CONF_FILE="$TB_TMP/local.conf" \
	"$SV" "$P/seccomp_forkexec" 198.51.100.10 "$ECHO_PORT" true 2>&1 |
	grep -c '^PASS: forkexec/parent-before-fork')
rc11=$(TB_TIMEOUT=20 tb_client env TNAT64_CONF_FILE="$TB_TMP/local.conf" \
	"$SV" "$P/seccomp_forkexec" 198.51.100.11 "$ECHO_PORT" true 2>&1 |
	grep -c 'FAIL: forkexec/parent-before-fork: connect: Network is unreachable')
if [ "$rc10" = 1 ] && [ "$rc11" = 1 ]; then
	pass seccomp/config-local-rule
else
	fail seccomp/config-local-rule ".10 translated: $rc10, .11 direct: $rc11"
fi
# TNAT64_NAT64_PREFIX overrides the default prefix (a wrong one fails).
rc=$(TB_TIMEOUT=20 tb_client env TNAT64_CONF_FILE="$TB_CONF" \
	TNAT64_NAT64_PREFIX=2001:db8:99::/96 "$SV" "$P/seccomp_forkexec" \
	198.51.100.10 "$ECHO_PORT" true 2>&1 | grep -c '^PASS: forkexec/parent')
[ "$rc" = 0 ] && pass seccomp/config-prefix-override ||
	fail seccomp/config-prefix-override "connected through an unrouted prefix"

# ------------------------------------------------------------ Go

GO=$(command -v go 2>/dev/null)
if [ -z "$GO" ]; then
	skip seccomp/go "go not installed"
else
	export GOCACHE=$TB_TMP/gocache GOPATH=$TB_TMP/gopath GOFLAGS= \
		GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off
	gosrc=$TB_ROOT/tests/progs/seccomp_go
	built=
	if (cd "$gosrc" && CGO_ENABLED=0 "$GO" build -o "$TB_TMP/go-static" .) \
		>"$TB_TMP/go-static.log" 2>&1; then
		built="$built static"
	else
		fail seccomp/go-static/build "$(tail -n 3 "$TB_TMP/go-static.log")"
	fi
	if command -v "${CC:-gcc}" >/dev/null &&
		(cd "$gosrc" && CGO_ENABLED=1 "$GO" build -o "$TB_TMP/go-cgo" .) \
		>"$TB_TMP/go-cgo.log" 2>&1; then
		built="$built cgo"
	else
		skip seccomp/go-cgo "cgo build failed: $(tail -n 1 "$TB_TMP/go-cgo.log")"
	fi
	for k in $built; do
		want "go-$k" "$TB_TMP/go-$k" 0
		args=(-tcp "$TB_SERVER4:$ECHO_PORT" -udp "$TB_SERVER4:$UDP_PORT")
		if [ "$have_dns" = 1 ]; then
			args+=(-dns 198.51.100.10:53 -name www.seccomp.test \
				-want 198.51.100.11)
		else
			skip "seccomp/go-$k/dns" "dnsmasq not available"
		fi
		run_checked "go-$k" 60 "$TB_TMP/go-$k" "${args[@]}"
	done
	if [[ $built == *static* ]]; then
		cp "$TB_TMP/go-static" "$TB_TMP/go-static-user"
		chmod 755 "$TB_TMP/go-static-user"
	fi
fi

# ------------------------------------------------------------ unprivileged

if ! command -v setpriv >/dev/null; then
	skip seccomp/unprivileged "setpriv not installed"
else
	user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	# The build tree may sit where nobody cannot go: use copies.
	USV=$TB_TMP/tnat64-seccomp-user
	cp "$SV" "$USV" && chmod 755 "$USV"
	if [ "$have_httpd" = 1 ]; then
		out=$(TB_TIMEOUT=30 tb_client "${user[@]}" env \
			TNAT64_CONF_FILE="$TB_CONF" "$USV" "$BUSYBOX" sh -c \
			'echo uid=$(id -u) nnp=$(grep NoNewPrivs /proc/self/status | tr -d "\t "); '"\"$BUSYBOX\""' wget -q -O - http://198.51.100.10/' 2>&1)
		case $out in
		*"uid=65534 nnp=NoNewPrivs:1"*"$page"*)
			pass seccomp/unprivileged-busybox ;;
		*) fail seccomp/unprivileged-busybox "got '$out'" ;;
		esac
	fi
	# A non-dumpable program cannot be inspected by an unprivileged
	# supervisor: its AF_INET sockets must still be real ones.
	cp "$P/seccomp_standin" "$TB_TMP/standin-user"
	chmod 755 "$TB_TMP/standin-user"
	SV_AS=("${user[@]}")
	SV_BIN=$USV run_checked standin-nodump 30 "$TB_TMP/standin-user" \
		"$TB_SERVER4" "$ECHO_PORT" "$UDP_PORT" "$LOCAL_PORT" nodump
	SV_AS=()
	if [ -x "$TB_TMP/go-static-user" ]; then
		out=$(TB_TIMEOUT=30 tb_client "${user[@]}" env \
			TNAT64_CONF_FILE="$TB_CONF" "$USV" "$TB_TMP/go-static-user" \
			-tcp "$TB_SERVER4:$ECHO_PORT" -udp "$TB_SERVER4:$UDP_PORT" 2>&1)
		if [ "$(echo "$out" | grep -c '^PASS:')" -ge 4 ] &&
			! echo "$out" | grep -q '^FAIL:'; then
			pass seccomp/unprivileged-go
		else
			fail seccomp/unprivileged-go "$(echo "$out" | grep -v '^PASS' | head -n 3 | tr '\n' ' ')"
		fi
	fi
fi

# ------------------------------------------------------------ supervisor killed

# seccomp_kill runs under the supervisor; once it is READY the supervisor
# (the waiter's child) is killed with SIGKILL.  The program must end by
# itself with clean errors; the waiter must report its exit status.
W=$(tb_bg client env TNAT64_CONF_FILE="$TB_CONF" "$SV" "$P/seccomp_kill" \
	"$TB_SERVER4" "$ECHO_PORT" "$HOLE" 80)
log=$TB_TMP/bg.$W.log
A=
for _ in $(seq 1 100); do
	grep -q '^READY' "$log" 2>/dev/null && break
	sleep 0.1
done
A=$(cat "/proc/$W/task/$W/children" 2>/dev/null | awk '{print $1}')
if ! grep -q '^READY' "$log" 2>/dev/null || [ -z "$A" ]; then
	fail seccomp/kill "program not ready or no supervisor found: $(tail -n 3 "$log")"
else
	kill -KILL "$A"
	for _ in $(seq 1 300); do
		kill -0 "$W" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$W" 2>/dev/null; then
		fail seccomp/kill "program still running 30 s after the supervisor was killed"
	else
		while IFS= read -r line; do
			case $line in
			PASS:\ *) pass "seccomp/${line#PASS: }" ;;
			FAIL:\ *) line=${line#FAIL: }
				fail "seccomp/${line%%: *}" "${line#*: }" ;;
			esac
		done <"$log"
		grep -q '^PASS: kill/pending-call-ended' "$log" ||
			grep -q '^FAIL: kill/' "$log" ||
			fail seccomp/kill "no result lines: $(tail -n 3 "$log")"
	fi
fi

tb_summary
