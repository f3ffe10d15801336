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
# (standard library only, offline).  Real programs (seccomp/real/: curl,
# wget, python, socat, nc, dig, getent, perl, node, ssh to an sshd on
# 2222), dynamic ones included, run under the supervisor as clients of
# those servers and as servers on 127.0.0.1/0.0.0.0 (7201-7208) in the
# client namespace, each against its behaviour without the supervisor.
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

# resolv.conf seen inside the client namespace only (real/getent-hosts).
NETNS_ETC=/etc/netns/$TB_CLIENT
cleanup_seccomp() {
	# Only the directory this run created (its name holds $$).
	case $NETNS_ETC in
	/etc/netns/tnat64-*) rm -rf -- "$NETNS_ETC" ;;
	esac
	tb_teardown
}
trap cleanup_seccomp EXIT

tb_need_built seccomp "$SV" "$P/srv" "$P/seccomp_basic" "$P/seccomp_xlat" \
	"$P/seccomp_threads" "$P/seccomp_forkexec" "$P/seccomp_kill"

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
	local name=$1 t=$2 out rc
	shift 2
	out=$TB_TMP/$(echo "$name" | tr '/' '_').out
	TB_TIMEOUT=$t sv "$@" >"$out" 2>"$out.err" </dev/null
	rc=$?
	tb_results seccomp/ "seccomp/$name" "$rc" "$out" "$out.err" "$t"
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

run_checked ioctl 20 "$P/t_ioctl" lo
run_checked basic 60 "$P/seccomp_basic" "$TB_SERVER4" "$ECHO_PORT" \
	"$UDP_PORT" "$REFUSED_PORT"
# Translated sockets: SO_DOMAIN, names, servers, options carried, epoll
# after connect, TCP Fast Open (client TFO on, keeping the other bits, so
# that sendto(MSG_FASTOPEN) really connects), the table sweep.
tfo=$(tb_client sysctl -n net.ipv4.tcp_fastopen 2>/dev/null) || tfo=1
tb_client sysctl -qw net.ipv4.tcp_fastopen=$((tfo | 1)) >/dev/null ||
	tb_log "could not enable client TFO in the client namespace"
run_checked xlat 60 "$P/seccomp_xlat" "$TB_SERVER4" "$ECHO_PORT" \
	"$UDP_PORT" "$LOCAL_PORT"
# Every option set before a translated connect reaches the AF_INET6
# socket that replaces it (the SOL_SOCKET ones read in one io_uring batch
# where the kernel can, the others one by one: src/supervisor/uring.c),
# with its flags, fd number, fixed local port and SO_BINDTODEVICE: the
# library's t_opts (t_progs), under the supervisor.
if [ -x "$P/t_opts" ]; then
	IFNAME=$(tb_client ip -o -6 route show default 2>/dev/null |
		sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1)
	run_checked opts 25 "$P/t_opts" -a "$TB_SERVER4" -e "$ECHO_PORT" \
		-l 7211 -i "${IFNAME:-eth0}"
else
	fail seccomp/opts "$P/t_opts not built (run make tests)"
fi
# The translation rules are the library's (src/common/policy.c): the sends
# the kernel must answer itself (broadcast, multicast, sockets bound to
# 127.0.0.1; before and after NAT64 worked) get the kernel's own answer
# under the supervisor too, as t_udp_dns checks for the library.
if [ -x "$P/t_udp" ]; then
	TB_TIMEOUT=30 tb_client "$P/t_udp" -P -a "$TB_SERVER4" -e "$UDP_PORT" \
		>"$TB_TMP/probe.native" 2>&1 </dev/null
	TB_TIMEOUT=30 sv "$P/t_udp" -P -a "$TB_SERVER4" -e "$UDP_PORT" \
		>"$TB_TMP/probe.sv" 2>&1 </dev/null
	grep -q '^# server send: ok' "$TB_TMP/probe.sv" ||
		fail seccomp/probe "the supervised run did not translate: $(grep '^#' "$TB_TMP/probe.sv")"
	tb_probe_compare seccomp supervisor "$TB_TMP/probe.native" \
		"$TB_TMP/probe.sv"
else
	skip seccomp/probe "$P/t_udp not built (run make tests)"
fi
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

# A signal storm (doc/seccomp.md, Signals): a static program under a 1 ms
# SIGALRM, with and without SA_RESTART, 500 translated connect cycles
# each; socket() and the other calls the supervisor does not trap never
# fail with EINTR (100000 calls); the EINTRs of those it still traps are
# counted (10000 calls each).  Built static here, like the Go programs.
if "${CC:-gcc}" -static -O2 -std=c11 -D_GNU_SOURCE -o "$TB_TMP/storm" \
	"$TB_ROOT/tests/progs/seccomp_storm.c" -lpthread \
	>"$TB_TMP/storm.log" 2>&1; then
	want storm "$TB_TMP/storm" 0
	run_checked storm 180 "$TB_TMP/storm" "$TB_SERVER4" "$ECHO_PORT" \
		"$HOLE" 80 500 100000 10000
else
	skip seccomp/storm "no static build: $(tail -n 1 "$TB_TMP/storm.log")"
fi


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
	cp "$P/seccomp_xlat" "$TB_TMP/xlat-user"
	chmod 755 "$TB_TMP/xlat-user"
	SV_AS=("${user[@]}")
	SV_BIN=$USV run_checked xlat-nodump 30 "$TB_TMP/xlat-user" \
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

# ------------------------------------------------------------ real programs

# Programs nobody here wrote, forced under the supervisor (dynamic ones
# too: the library is not loaded).  As clients of the IPv4-only servers,
# the same command without the supervisor must fail for want of an IPv4
# route; as servers on 127.0.0.1 or 0.0.0.0 inside the client namespace,
# with a local client, everything seen must be what is seen without it.

have() { command -v "$1" >/dev/null 2>&1; }
UNREACH='[Uu]nreachable|ENETUNREACH|[Ee]rrno 101'
REAL_T=10
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) || PY=python3
T=$TB_TMP
printf 'hello-real\n' >"$T/hello.in"
: >"$T/empty.in"

# real NAME INPUT EXPECT CMD...: without the supervisor CMD (stdin from
# INPUT) must fail saying the network is unreachable (REAL_CONTROL, a
# grep -E pattern; empty: just fail); under the supervisor it must exit
# 0 with every line of EXPECT (grep -E patterns) in its output.
real() {
	local name=seccomp/real/$1 input=$2 expect=$3 out rc pat miss=
	local ctl=${REAL_CONTROL-$UNREACH}
	shift 3
	if ! have "$1"; then
		skip "$name" "$1 not installed"
		return
	fi
	out=$(TB_TIMEOUT=$REAL_T tb_client "$@" <"$input" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] && { [ -z "$ctl" ] ||
		printf '%s\n' "$out" | grep -Eq -- "$ctl"; }; then
		pass "$name/control"
	else
		fail "$name/control" "without the supervisor: exit $rc: $(printf '%s' "$out" | tail -n 2 | tr '\n' ' ' | cut -c1-200)"
	fi
	out=$(TB_TIMEOUT=$REAL_T sv "$@" <"$input" 2>&1)
	rc=$?
	while IFS= read -r pat; do
		[ -z "$pat" ] || printf '%s\n' "$out" | grep -Eq -- "$pat" ||
			miss="$miss [$pat]"
	done <<<"$expect"
	if [ "$rc" -eq 0 ] && [ -z "$miss" ]; then
		pass "$name"
	else
		fail "$name" "exit $rc, missing$miss: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ' | cut -c1-300)"
	fi
}

# mask: what differs between two runs of the same exchange (ephemeral
# ports, dates, times, pids; the supervisor's own messages).
mask() {
	sed -E '/^tnat64\[[0-9]+\]: /d
		s/^[0-9]{4}\/[0-9]{2}\/[0-9]{2} [0-9:.]+ [a-z]+\[[0-9]+\] //
		s/\[[0-9]{2}\/[A-Za-z]{3}\/[0-9]{4} [0-9:]{8}\]/[date]/g
		s/(^|[^0-9])[0-9]{5}([^0-9]|$)/\1port\2/g'
}

# alive PID: PID runs (a zombie does not: orphans here may be reparented
# to a process that does not reap them).
alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st%% *}" != Z ]
}

# served NAME PROTO ADDR PORT CLIENT SERVER...: SERVER (listening on
# ADDR:PORT, PROTO t or u) in the client namespace, first without the
# supervisor, then under it.  CLIENT, a shell command run in the client
# namespace once it listens (REAL_CLIENT_SV=1: under the supervisor too),
# talks to it.  The server is then given 2 s to end by itself, or, with
# REAL_UNTIL (a grep -E pattern), until its output shows it, and is then
# stopped.  The listening socket (ss), the client's and the server's
# output must be the same both times, and not empty.
served() {
	local short=$1 name=seccomp/real/$1 proto=$2 addr=$3 port=$4 client=$5
	local mode pid i pre sl log out res=()
	shift 5
	if ! have "$1"; then
		skip "$name" "$1 not installed"
		return
	fi
	for mode in native sv; do
		pre=()
		[ "$mode" = sv ] && pre=(env TNAT64_CONF_FILE="$TB_CONF" "$SV")
		# The server's output goes to a file opened before it starts
		# (tb_bg's log may get it under another name: see lib.sh).
		# shellcheck disable=SC2016
		out=$T/served.$short.$mode
		log=$out.server
		pid=$(tb_bg client sh -c 'exec "$@" >"$0" 2>&1' "$log" \
			"${pre[@]}" "$@")
		if ! tb_wait_sock "$proto" client "$addr" "$port" 5; then
			fail "$name" "$mode server did not start: $(tail -n 2 "$log" | tr '\n' ' ')"
			kill -TERM -- "-$pid" 2>/dev/null
			return
		fi
		sl=$(tb_client ss -Hn "-l$proto" "sport = :$port" | awk '{print $4}')
		pre=()
		[ "${REAL_CLIENT_SV:-}" = 1 ] &&
			pre=(env TNAT64_CONF_FILE="$TB_CONF" "$SV")
		TB_TIMEOUT=5 tb_client "${pre[@]}" sh -c "$client" \
			>"$out.client" 2>&1 </dev/null
		for i in $(seq 1 40); do
			if [ -n "${REAL_UNTIL:-}" ]; then
				grep -Eq -- "$REAL_UNTIL" "$log" && break
			else
				alive "$pid" || break
			fi
			sleep 0.05
		done
		if alive "$pid"; then
			kill -TERM -- "-$pid" 2>/dev/null
			for i in $(seq 1 40); do
				alive "$pid" || break
				sleep 0.05
			done
		fi
		{
			echo "listening: $sl"
			echo "client:"
			mask <"$out.client"
			echo "server:"
			mask <"$log"
		} >"$out"
		res+=("$out")
	done
	if [ "$(wc -l <"${res[0]}")" -le 3 ]; then
		fail "$name" "nothing exchanged: $(tr '\n' ' ' <"${res[0]}" | cut -c1-200)"
	elif cmp -s "${res[0]}" "${res[1]}"; then
		pass "$name"
	else
		fail "$name" "native and supervised runs differ: $(diff "${res[0]}" "${res[1]}" | grep '^[<>]' | head -n 4 | tr '\n' ' ' | cut -c1-300)"
	fi
}

# http
if [ "$have_httpd" = 1 ]; then
	real curl "$T/empty.in" "^$page\$
Connected to 198\.51\.100\.10 \(198\.51\.100\.10\) port 80
^remote 198\.51\.100\.10:80\$" \
		curl -v -sS -m 5 -w 'remote %{remote_ip}:%{remote_port}\n' \
		http://198.51.100.10/
	real curl-local-port "$T/empty.in" "^$page\$
^local 0\.0\.0\.0:72[1-2][0-9]\$" \
		curl -v -sS -m 5 --local-port 7210-7229 \
		-w 'local %{local_ip}:%{local_port}\n' http://198.51.100.10/
	real curl-interface-any "$T/empty.in" "^$page\$" \
		curl -v -sS -m 5 --interface 0.0.0.0 http://198.51.100.10/
	real wget "$T/empty.in" "^$page\$" \
		wget -O - -T 5 -t 1 http://198.51.100.10/
	real python-urllib "$T/empty.in" "^$page\$" "$PY" -c '
import urllib.request
print(urllib.request.urlopen("http://198.51.100.10/", timeout=5).read().decode().strip())'
	# The launcher's option forces it on a dynamic program too.
	if have curl; then
		out=$(TB_TIMEOUT=$REAL_T tb_client env -u LD_PRELOAD \
			TNAT64_CONF_FILE="$TB_CONF" TNAT64_DEBUG= \
			"$TB_BUILD/tnat64" --seccomp \
			curl -sS -m 5 http://198.51.100.10/ 2>&1)
		[ "$out" = "$page" ] && pass seccomp/real/launcher-dynamic ||
			fail seccomp/real/launcher-dynamic "got '$out'"
	fi
else
	skip seccomp/real/http "busybox httpd not available"
fi

# python: a UDP client (recvfrom), asyncio
real python-udp "$T/empty.in" "^py-udp \('198\.51\.100\.10', $UDP_PORT\) AF_INET\$" \
	"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(b"py-udp", ("198.51.100.10", int(sys.argv[1])))
d, src = s.recvfrom(100)
print(d.decode(), src, s.family.name)' "$UDP_PORT"
real python-asyncio "$T/empty.in" "^hello-asyncio \('198\.51\.100\.10', $ECHO_PORT\)\$" \
	"$PY" -c '
import asyncio, sys
async def main():
    r, w = await asyncio.wait_for(asyncio.open_connection(
        "198.51.100.10", int(sys.argv[1])), 5)
    w.write(b"hello-asyncio\n")
    await w.drain()
    while True:
        line = (await asyncio.wait_for(r.readline(), 5)).decode().strip()
        if not line.startswith("PEER"):
            break
    print(line, w.get_extra_info("peername"))
    w.close()
    await w.wait_closed()
asyncio.run(main())' "$ECHO_PORT"

# socat, nc (srv greets with "PEER <address> <port> TOS <tos>")
real socat-tcp4 "$T/hello.in" "^hello-real\$" \
	socat -t 5 - "TCP4:198.51.100.10:$ECHO_PORT,connect-timeout=5"
# IP_TOS set before connect reaches the IPv4 server (carried to the
# translated socket as the IPv6 traffic class).
real socat-tcp4-tos "$T/hello.in" "^PEER 192\.0\.2\.[0-9]+ [0-9]+ TOS 32\$" \
	socat -t 5 - "TCP4:198.51.100.10:$ECHO_PORT,ip-tos=0x20"
real socat-udp4 "$T/hello.in" "^hello-real\$" \
	socat -t 0.5 - "UDP4:198.51.100.10:$UDP_PORT"
real socat-udp4-sendto "$T/hello.in" "^hello-real\$" \
	socat -t 0.5 - "UDP4-SENDTO:198.51.100.10:$UDP_PORT"
if have nc && nc -h 2>&1 | grep -q OpenBSD; then
	real nc "$T/hello.in" "^hello-real\$
succeeded" nc -v -N -w 5 198.51.100.10 "$ECHO_PORT"
	# A chosen source port survives the switch to IPv6.
	real nc-source-port "$T/hello.in" "^PEER 192\.0\.2\.[0-9]+ 7231 TOS" \
		nc -v -N -w 5 -p 7231 198.51.100.10 "$ECHO_PORT"
	# (nc -v -u would send probes first; without -v nc -u says nothing)
	REAL_CONTROL='' real nc-udp "$T/hello.in" "^hello-real\$" \
		nc -u -w 1 198.51.100.10 "$UDP_PORT"
else
	skip seccomp/real/nc "OpenBSD nc not installed"
fi

# DNS: dig, and glibc's resolver with an IPv4-only name server in
# resolv.conf (ip netns exec mounts /etc/netns/<client>/resolv.conf).
if [ "$have_dns" = 1 ]; then
	real dig "$T/empty.in" "SERVER: 198\.51\.100\.10#53\(198\.51\.100\.10\) \(UDP\)
^www\.seccomp\.test\.[[:space:]].*IN[[:space:]]+A[[:space:]]+198\.51\.100\.11\$" \
		dig +time=2 +tries=1 @198.51.100.10 www.seccomp.test A
	real dig-tcp "$T/empty.in" "SERVER: 198\.51\.100\.10#53\(198\.51\.100\.10\) \(TCP\)
^www\.seccomp\.test\.[[:space:]].*IN[[:space:]]+A[[:space:]]+198\.51\.100\.11\$" \
		dig +tcp +time=2 +tries=1 @198.51.100.10 www.seccomp.test A
	if mkdir -p "$NETNS_ETC" && printf 'nameserver 198.51.100.10\noptions timeout:2 attempts:1\n' \
		>"$NETNS_ETC/resolv.conf"; then
		REAL_CONTROL='' real getent-hosts "$T/empty.in" \
			"^198\.51\.100\.11[[:space:]]+www\.seccomp\.test\$" \
			getent hosts www.seccomp.test
	else
		fail seccomp/real/getent-hosts "cannot write $NETNS_ETC/resolv.conf"
	fi
else
	skip seccomp/real/dns "dnsmasq not available"
fi

# perl, node
# shellcheck disable=SC2016
real perl "$T/empty.in" "^hello-perl 198\.51\.100\.10:$ECHO_PORT\$" perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(PeerAddr => "198.51.100.10",
		PeerPort => $ARGV[0], Proto => "tcp", Timeout => 5)
		or die "connect: $@\n";
	print $s "hello-perl\n";
	my $l = <$s>;
	$l = <$s> if $l =~ /^PEER/;
	chomp $l;
	print $l, " ", $s->peerhost, ":", $s->peerport, "\n";' "$ECHO_PORT"
# shellcheck disable=SC2016
real perl-udp "$T/empty.in" "^perl-udp 198\.51\.100\.10:$UDP_PORT\$" perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(PeerAddr => "198.51.100.10:$ARGV[0]",
		Proto => "udp") or die "socket: $@\n";
	$s->send("perl-udp") or die "send: $!\n";
	my $buf;
	my $from = $s->recv($buf, 100) // die "recv: $!\n";
	my ($port, $ip) = sockaddr_in($from);
	print "$buf ", inet_ntoa($ip), ":$port\n";' "$UDP_PORT"
real node "$T/empty.in" "^hello-node 198\.51\.100\.10:$ECHO_PORT IPv4\$" node -e '
	const s = require("net").connect(+process.argv[1], "198.51.100.10",
		() => s.write("hello-node\n"));
	s.setTimeout(5000, () => { console.error("timeout"); process.exit(3); });
	let buf = "";
	s.on("data", (d) => {
		buf += d;
		const l = buf.split("\n").find((x) => x.startsWith("hello"));
		if (l) {
			console.log(l, s.remoteAddress + ":" + s.remotePort, s.remoteFamily);
			s.end();
		}
	});
	s.on("error", (e) => { console.error(e.message); process.exit(1); });' \
	"$ECHO_PORT"
real node-udp "$T/empty.in" "^node-udp 198\.51\.100\.10:$UDP_PORT IPv4\$" node -e '
	const s = require("dgram").createSocket("udp4");
	s.on("message", (m, r) => {
		console.log(m.toString(), r.address + ":" + r.port, r.family);
		s.close();
	});
	setTimeout(() => { console.error("timeout"); process.exit(3); }, 5000).unref();
	s.send("node-udp", +process.argv[1], "198.51.100.10", (e) => {
		if (e) { console.error(e.message); process.exit(1); }
	});' "$UDP_PORT"

# ssh to an sshd on the IPv4-only server (as tests/integration/t_clients.sh)
real_ssh() {
	local d=$T/ssh why
	if ! have ssh || ! [ -x /usr/sbin/sshd ] || ! have ssh-keygen; then
		skip seccomp/real/ssh "openssh client/server not installed"
		return
	fi
	if ! why=$(tb_sshd "$d" 198.51.100.10 2222); then
		fail seccomp/real/ssh "$why"
		return
	fi
	# shellcheck disable=SC2016
	real ssh "$T/empty.in" "^ok 192\.0\.2\.[0-9]+ [0-9]+ 198\.51\.100\.10 2222\$" \
		ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile="$d/known_hosts" -o ConnectTimeout=5 \
		-i "$d/id_ed25519" -p 2222 root@198.51.100.10 'echo ok $SSH_CONNECTION'
}
real_ssh

# Servers in the client namespace, with local clients (ports 7201-7209).
mkdir -p "$T/lwww"
echo "local page $$" >"$T/lwww/x.txt"
if have curl; then
	REAL_UNTIL='GET /nope' served python-http-server t 127.0.0.1 7201 \
		"curl -sS -m 3 http://127.0.0.1:7201/x.txt; curl -sS -m 3 -o /dev/null -w '%{http_code}\n' http://127.0.0.1:7201/nope" \
		"$PY" -u -m http.server --bind 127.0.0.1 --directory "$T/lwww" 7201
	REAL_CLIENT_SV=1 REAL_UNTIL='GET /x.txt' served python-http-server-sv-client \
		t 0.0.0.0 7202 \
		"curl -sS -m 3 -w ' %{local_ip} %{remote_ip}:%{remote_port}\n' http://127.0.0.1:7202/x.txt" \
		"$PY" -u -m http.server --bind 0.0.0.0 --directory "$T/lwww" 7202
else
	skip seccomp/real/python-http-server "curl not installed"
fi
served socat-tcp4-listen t 127.0.0.1 7203 \
	"echo hello-listen | socat -t 1 - TCP4:127.0.0.1:7203" \
	socat -d -d TCP4-LISTEN:7203,bind=127.0.0.1,reuseaddr PIPE
REAL_CLIENT_SV=1 served socat-tcp4-listen-sv-client t 0.0.0.0 7204 \
	"echo hello-listen | socat -t 1 - TCP4:127.0.0.1:7204" \
	socat -d -d TCP4-LISTEN:7204,reuseaddr PIPE
if have nc && nc -h 2>&1 | grep -q OpenBSD; then
	served nc-listen t 127.0.0.1 7205 \
		"echo hello-nc-l | nc -N -w 2 127.0.0.1 7205" \
		nc -v -l 127.0.0.1 7205
	served nc-4-listen t 0.0.0.0 7206 \
		"echo hello-nc-4l | nc -N -w 2 127.0.0.1 7206" \
		nc -4 -l 7206
	REAL_UNTIL=hello-nc-ul served nc-udp-listen u 127.0.0.1 7207 \
		"echo hello-nc-ul | nc -u -q 0 127.0.0.1 7207" \
		nc -u -l 127.0.0.1 7207
fi
served node-server t 127.0.0.1 7208 \
	"$PY -c 'import socket; print(socket.create_connection((\"127.0.0.1\", 7208), 2).recv(99).decode().strip())'" \
	node -e '
	const srv = require("net").createServer((c) => {
		c.end("hi " + c.remoteAddress + " " + c.remoteFamily + "\n");
		srv.close();
	});
	srv.listen(7208, "127.0.0.1", () => {
		const a = srv.address();
		console.log("listening", a.address, a.port, a.family);
	});'

# Sockets a program ties to IPv4 on purpose, as the library treats them.
if [ "$have_httpd" = 1 ]; then
	# Bound to one IPv4 address (127.0.0.1): never translated; the
	# kernel's own error, as without the supervisor (and the library).
	out=$(TB_TIMEOUT=$REAL_T sv curl -sS -m 5 --interface 127.0.0.1 \
		http://198.51.100.10/ 2>&1)
	rc=$?
	[ "$rc" = 7 ] && pass seccomp/real/curl-interface-loopback ||
		fail seccomp/real/curl-interface-loopback "exit $rc (want 7, as natively): $out"
	# SO_BINDTODEVICE to an interface without IPv4: a direct connect
	# would wait for ARP (natively curl times out); NAT64 at once.
	out=$(TB_TIMEOUT=$REAL_T sv curl -sS -m 5 --interface eth0 \
		http://198.51.100.10/ 2>&1)
	[ "$out" = "$page" ] && pass seccomp/real/curl-interface-device ||
		fail seccomp/real/curl-interface-device "got '$out'"
fi
out=$(TB_TIMEOUT=$REAL_T sv socat -t 0.5 - \
	"UDP4-SENDTO:198.51.100.10:$UDP_PORT,bind=127.0.0.1" <"$T/hello.in" 2>&1)
rc=$?
if [ "$rc" != 0 ] && printf '%s\n' "$out" | grep -q 'Network is unreachable'; then
	pass seccomp/real/socat-udp4-bound-loopback
else
	fail seccomp/real/socat-udp4-bound-loopback "exit $rc: $out"
fi
out=$(TB_TIMEOUT=$REAL_T sv socat -t 0.5 - \
	"UDP4:198.51.100.10:$UDP_PORT,so-bindtodevice=eth0" <"$T/hello.in" 2>&1)
[ "$out" = hello-real ] && pass seccomp/real/socat-udp4-device ||
	fail seccomp/real/socat-udp4-device "got '$out'"

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
