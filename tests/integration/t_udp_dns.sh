#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# UDP and name resolution through the library (issue 3), in the testbed:
#   - tests/progs/t_udp (built by `make tests`) under the library, against
#     udpecho on the IPv4-only server and on 127.0.0.1 in the client;
#   - t_udp -P with and without the library: broadcast, multicast and
#     sockets bound to 127.0.0.1 get exactly the kernel's own answer;
#   - real clients: dig against a dnsmasq on the server, socat UDP4, nc -u,
#     python sockets (connected, unconnected, mixed local/translated, a
#     hand-made DNS query), getaddrinfo with AI_ADDRCONFIG (literal, hosts
#     file, DNS; AF_INET and AF_UNSPEC), getent through glibc's resolver
#     with an IPv4-only nameserver, wget by host name.
# Every client check has a control: the same command without the library
# must fail in the IPv6-only client namespace (otherwise the check would
# prove nothing).  The client namespace gets its own resolv.conf and hosts
# (/etc/netns/<client>/, removed on exit).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ECHO_PORT=7301      # udpecho, server namespace (0.0.0.0)
LOCAL_PORT=7302     # udpecho, client namespace (127.0.0.1)
HTTP_PORT=8080      # python http.server on 198.51.100.11
REPLY_TOS=184       # 0xb8: TOS byte of udpecho's answers
NAME_DNS=www.tnat64.test        # A 198.51.100.11, from dnsmasq
NAME_DNS2=ns.tnat64.test        # A 198.51.100.10, from dnsmasq
NAME_HOSTS=hostsfile.tnat64.test # 198.51.100.11, client's hosts file only
P=$TB_BUILD/tests/progs
T=20                # seconds for any one client command

tb_setup

NETNS_ETC=/etc/netns/$TB_CLIENT
cleanup_udp_dns() {
	# Only the directory this run created (its name holds $$).
	case $NETNS_ETC in
	/etc/netns/tnat64-*) rm -rf -- "$NETNS_ETC" ;;
	esac
	tb_teardown
}
trap cleanup_udp_dns EXIT

for p in t_udp t_fortify udpecho; do
	if [ ! -x "$P/$p" ]; then
		fail udp/build "$P/$p not built (run make tests)"
		tb_summary
		exit 1
	fi
done

# Resolver configuration seen inside the client namespace only.
mkdir -p "$NETNS_ETC" || {
	fail udp/setup "cannot create $NETNS_ETC"
	tb_summary
	exit 1
}
printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$TB_SERVER4" >"$NETNS_ETC/resolv.conf"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n%s %s\n' \
	"$TB_SERVER4B" "$NAME_HOSTS" >"$NETNS_ETC/hosts"

# ---------------------------------------------------------------- servers

ECHO_PID=$(tb_bg server "$P/udpecho" -T "$REPLY_TOS" "$ECHO_PORT")
LECHO_PID=$(tb_bg client "$P/udpecho" -a 127.0.0.1 "$LOCAL_PORT")
HAVE_DNS=0
DNS_PID=
if command -v dnsmasq >/dev/null 2>&1; then
	HAVE_DNS=1
	DNS_PID=$(tb_bg server dnsmasq -k --conf-file=/dev/null --no-resolv \
		--no-hosts --no-poll --pid-file= --user=root --group=root \
		--bind-interfaces --listen-address="$TB_SERVER4" --port=53 \
		--host-record="$NAME_DNS,$TB_SERVER4B" \
		--host-record="$NAME_DNS2,$TB_SERVER4" \
		--log-queries --log-facility=-)
fi
mkdir -p "$TB_TMP/www" && echo "tnat64-udp-dns-token" >"$TB_TMP/www/token.txt"
HTTP_PID=$(tb_bg server python3 -m http.server "$HTTP_PORT" \
	--bind "$TB_SERVER4B" --directory "$TB_TMP/www")
ok=1
tb_wait_udp server 0.0.0.0 "$ECHO_PORT" || ok=0
tb_wait_udp client 127.0.0.1 "$LOCAL_PORT" || ok=0
[ "$HAVE_DNS" = 0 ] || tb_wait_udp server "$TB_SERVER4" 53 || ok=0
tb_wait_tcp server "$TB_SERVER4B" "$HTTP_PORT" || ok=0
if [ "$ok" = 0 ]; then
	for f in "$TB_TMP"/bg.*.log; do
		tail -n 5 "$f" | sed "s|^|# ${f##*/}: |" >&2
	done
	fail udp/servers "a server did not start"
	tb_summary
	exit 1
fi

# Quick sanity: the server side answers natively (from the server itself).
if [ "$HAVE_DNS" = 1 ] && command -v dig >/dev/null 2>&1 && ! out=$(TB_TIMEOUT=$T tb_server dig +short +time=2 +tries=1 \
	@"$TB_SERVER4" "$NAME_DNS" A 2>&1) || [ "$out" != "$TB_SERVER4B" ]; then
	fail udp/dnsmasq "dnsmasq does not answer on the server: $out"
fi

# ---------------------------------------------------------------- helpers

# forward NAME OUTFILE: pass the PASS/FAIL/SKIP lines of a program on.
forward() {
	local line rest
	while IFS= read -r line; do
		case $line in
		"PASS: "*) pass "${line#PASS: }" ;;
		"FAIL: "*)
			rest=${line#FAIL: }
			fail "${rest%%: *}" "${rest#*: }"
			;;
		"SKIP: "*)
			rest=${line#SKIP: }
			skip "${rest%%: *}" "${rest#*: }"
			;;
		*) [ -n "$line" ] && echo "# $1: $line" >&2 ;;
		esac
	done <"$2"
}

SAN_RE='^==[0-9]+==ERROR: (Address|Leak)Sanitizer|: runtime error: '

# lib_and_control NAME EXPECT CMD...: CMD under the library must print
# EXPECT (a grep -E pattern); without it, it must not.
lib_and_control() {
	local name=$1 expect=$2 out rc
	shift 2
	if ! command -v "$1" >/dev/null 2>&1; then
		skip "$name" "$1 not installed"
		return
	fi
	case $name in
	dns/* | gai/DNS*)
		if [ "$HAVE_DNS" = 0 ]; then
			skip "$name" "dnsmasq not installed"
			return
		fi
		;;
	esac
	case "$*" in
	*socat*) command -v socat >/dev/null 2>&1 || { skip "$name" "socat not installed"; return; } ;;
	*" nc "*) command -v nc >/dev/null 2>&1 || { skip "$name" "nc not installed"; return; } ;;
	esac
	out=$(TB_TIMEOUT=$T tb_tnat64 "$@" 2>&1)
	rc=$?
	if printf '%s\n' "$out" | grep -qE "$SAN_RE"; then
		fail "$name" "sanitizer report: $(printf '%s\n' "$out" | grep -E "$SAN_RE" | head -n 2 | tr '\n' ' ')"
	elif [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -qE -- "$expect"; then
		pass "$name"
	else
		fail "$name" "exit $rc, output: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-300)"
	fi
	out=$(TB_TIMEOUT=$T tb_client "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] || ! printf '%s\n' "$out" | grep -qE -- "$expect"; then
		pass "$name (control: fails without the library)"
	else
		fail "$name (control: fails without the library)" \
			"succeeded without the library: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-200)"
	fi
}

# ---------------------------------------------------------------- fortify
# A _FORTIFY_SOURCE program receives through __recvfrom_chk.
out=$TB_TMP/t_fortify.out
tb_tnat64 "$P/t_fortify" "$TB_SERVER4" "$ECHO_PORT" >"$out" 2>&1 </dev/null
rc=$?
forward t_fortify "$out"
grep -q '^PASS: ' "$out" || fail progs/t_fortify "exit status $rc without a PASS line"

# ---------------------------------------------------------------- t_udp

out=$TB_TMP/t_udp.out
TB_TIMEOUT=120 tb_tnat64 "$P/t_udp" -a "$TB_SERVER4" -e "$ECHO_PORT" \
	-l "$LOCAL_PORT" -T "$REPLY_TOS" >"$out" 2>"$TB_TMP/t_udp.err" </dev/null
rc=$?
forward t_udp "$out"
[ -s "$TB_TMP/t_udp.err" ] && tail -n 20 "$TB_TMP/t_udp.err" | sed 's|^|# t_udp stderr: |' >&2
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	fail progs/t_udp "timed out"
elif [ "$rc" -gt 128 ]; then
	fail progs/t_udp "killed by signal $((rc - 128))"
elif [ "$rc" -ne 0 ] && ! grep -q '^FAIL: ' "$out"; then
	fail progs/t_udp "exit status $rc without a FAIL line"
elif ! grep -qE '^(PASS|FAIL|SKIP): ' "$out"; then
	fail progs/t_udp "printed no result line"
fi
if grep -qE "$SAN_RE" "$out" "$TB_TMP/t_udp.err"; then
	fail progs/t_udp "sanitizer report (see stderr above)"
fi

# Probes: the library's answer must be the kernel's own.
TB_TIMEOUT=$T tb_client "$P/t_udp" -P -a "$TB_SERVER4" -e "$ECHO_PORT" \
	>"$TB_TMP/probe.native" 2>&1 </dev/null
TB_TIMEOUT=$T tb_tnat64 "$P/t_udp" -P -a "$TB_SERVER4" -e "$ECHO_PORT" \
	>"$TB_TMP/probe.lib" 2>&1 </dev/null
grep -q '^# server send: ok' "$TB_TMP/probe.lib" ||
	fail udp/probe "the library run did not translate: $(grep '^#' "$TB_TMP/probe.lib")"
tb_probe_compare udp library "$TB_TMP/probe.native" "$TB_TMP/probe.lib"

# ---------------------------------------------------------------- dig

lib_and_control "dns/dig @$TB_SERVER4 $NAME_DNS A" "^$TB_SERVER4B\$" \
	dig +short +time=2 +tries=1 @"$TB_SERVER4" "$NAME_DNS" A
lib_and_control "dns/dig +tcp @$TB_SERVER4 $NAME_DNS2 A" "^$TB_SERVER4\$" \
	dig +tcp +short +time=2 +tries=1 @"$TB_SERVER4" "$NAME_DNS2" A
# dig shows which server answered: the IPv4 one, not an IPv6 address.
lib_and_control "dns/dig reports the server as $TB_SERVER4#53" \
	"SERVER: $TB_SERVER4#53" \
	dig +time=2 +tries=1 @"$TB_SERVER4" "$NAME_DNS" A

# ---------------------------------------------------------------- socat, nc

lib_and_control "udp/socat - UDP4:$TB_SERVER4:$ECHO_PORT" '^socat-hello$' \
	sh -c "echo socat-hello | socat -t 2 - UDP4:$TB_SERVER4:$ECHO_PORT"
lib_and_control "udp/socat UDP4-SENDTO + recvfrom source" '^socat-sendto$' \
	sh -c "echo socat-sendto | socat -t 2 - UDP4-SENDTO:$TB_SERVER4:$ECHO_PORT"
# SO_BINDTODEVICE to the client's interface, which has no IPv4 address:
# a direct datagram would wait for ARP and be lost, so the first one goes
# to NAT64 at once (the rule connect already had).
lib_and_control "udp/socat UDP4-SENDTO bound to eth0 (no IPv4)" '^socat-device$' \
	sh -c "echo socat-device | socat -t 2 - UDP4-SENDTO:$TB_SERVER4:$ECHO_PORT,so-bindtodevice=eth0"
lib_and_control "udp/nc -u $TB_SERVER4 $ECHO_PORT" '^nc-hello$' \
	sh -c "echo nc-hello | nc -u -w 2 $TB_SERVER4 $ECHO_PORT"

# ---------------------------------------------------------------- python

PY_CONN='
import socket, sys
a, p = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.connect((a, p))
s.send(b"py-conn")
d, src = s.recvfrom(100)
assert d == b"py-conn", d
assert src == (a, p), src
assert s.getpeername() == (a, p), s.getpeername()
assert s.family == socket.AF_INET
assert s.getsockname()[1] != 0, s.getsockname()
print("OK", src, s.getpeername())
'
PY_UNCONN='
import socket, sys
a, p = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for i in range(3):
    m = b"py-unconn-%d" % i
    s.sendto(m, (a, p))
    d, src = s.recvfrom(100)
    assert d == m, d
    assert src == (a, p), src
print("OK", src, s.getsockname())
'
PY_MIXED='
import socket, sys
a, p, lp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
seen = []
for dst in [("127.0.0.1", lp), (a, p), ("127.0.0.1", lp), (a, p)]:
    s.sendto(b"mix", dst)
    d, src = s.recvfrom(100)
    assert d == b"mix", d
    assert src == dst, (src, dst)
    seen.append(src)
# both in flight
s.sendto(b"m1", ("127.0.0.1", lp))
s.sendto(b"m2", (a, p))
got = {}
for i in range(2):
    d, src = s.recvfrom(100)
    got[d] = src
assert got == {b"m1": ("127.0.0.1", lp), b"m2": (a, p)}, got
print("OK", seen)
'
PY_MIXED_CONTROL='
import socket, sys
a, p, lp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"mix", (a, p))
d, src = s.recvfrom(100)
print("OK", src)
'
# A resolver of its own: one DNS query built by hand.
PY_DNS='
import socket, struct, sys
server, name, want = sys.argv[1], sys.argv[2], sys.argv[3]
q = struct.pack(">HHHHHH", 0x4a4a, 0x0100, 1, 0, 0, 0)
for label in name.split("."):
    q += bytes([len(label)]) + label.encode()
q += b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(q, (server, 53))
r, src = s.recvfrom(1500)
assert src == (server, 53), src
qid, flags, qd, an = struct.unpack(">HHHH", r[:8])
assert qid == 0x4a4a and an >= 1 and flags & 0x8000, (qid, flags, an)
# the answer is the last A record: its 4 data bytes end the packet
assert socket.inet_ntoa(r[-4:]) == want, socket.inet_ntoa(r[-4:])
print("OK", src, want)
'
lib_and_control "udp/python connected socket: recvfrom and getpeername ($TB_SERVER4, $ECHO_PORT)" \
	"^OK \('$TB_SERVER4', $ECHO_PORT\)" python3 -c "$PY_CONN" "$TB_SERVER4" "$ECHO_PORT"
lib_and_control "udp/python unconnected socket: recvfrom source ($TB_SERVER4, $ECHO_PORT)" \
	"^OK \('$TB_SERVER4', $ECHO_PORT\)" python3 -c "$PY_UNCONN" "$TB_SERVER4" "$ECHO_PORT"
# The mixed script's own local half works without the library, so its
# control is the translated half alone.
out=$(TB_TIMEOUT=$T tb_tnat64 python3 -c "$PY_MIXED" "$TB_SERVER4" "$ECHO_PORT" "$LOCAL_PORT" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -q '^OK'; then
	pass "udp/python mixed 127.0.0.1 / $TB_SERVER4 unconnected socket"
else
	fail "udp/python mixed 127.0.0.1 / $TB_SERVER4 unconnected socket" \
		"$(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
fi
if TB_TIMEOUT=$T tb_client python3 -c "$PY_MIXED_CONTROL" "$TB_SERVER4" "$ECHO_PORT" "$LOCAL_PORT" >/dev/null 2>&1; then
	fail "udp/python mixed (control: fails without the library)" "translated half worked without the library"
else
	pass "udp/python mixed (control: fails without the library)"
fi
lib_and_control "dns/python hand-made DNS query to $TB_SERVER4:53" \
	"^OK \('$TB_SERVER4', 53\) $TB_SERVER4B" python3 -c "$PY_DNS" "$TB_SERVER4" "$NAME_DNS" "$TB_SERVER4B"

# ---------------------------------------------------------------- getaddrinfo

PY_GAI='
import socket, sys
host, fam = sys.argv[1], {"AF_INET": socket.AF_INET, "AF_UNSPEC": socket.AF_UNSPEC}[sys.argv[2]]
r = socket.getaddrinfo(host, 80, fam, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG)
v4 = sorted(set(x[4][0] for x in r if x[0] == socket.AF_INET))
v6 = sorted(set(x[4][0] for x in r if x[0] == socket.AF_INET6))
print("AF_INET", " ".join(v4), "| AF_INET6", " ".join(v6))
'
for fam in AF_INET AF_UNSPEC; do
	lib_and_control "gai/literal $TB_SERVER4, $fam, AI_ADDRCONFIG" \
		"^AF_INET $TB_SERVER4 \|" python3 -c "$PY_GAI" "$TB_SERVER4" "$fam"
	lib_and_control "gai/hosts file $NAME_HOSTS, $fam, AI_ADDRCONFIG" \
		"^AF_INET $TB_SERVER4B \|" python3 -c "$PY_GAI" "$NAME_HOSTS" "$fam"
	lib_and_control "gai/DNS $NAME_DNS, $fam, AI_ADDRCONFIG" \
		"^AF_INET $TB_SERVER4B \|" python3 -c "$PY_GAI" "$NAME_DNS" "$fam"
done
# Without AI_ADDRCONFIG glibc answers a literal even without the library:
# the answer with the library must be the same.
PY_GAI_PLAIN='
import socket, sys
r = socket.getaddrinfo(sys.argv[1], 80, socket.AF_UNSPEC, socket.SOCK_DGRAM)
print(r)
'
a=$(TB_TIMEOUT=$T tb_tnat64 python3 -c "$PY_GAI_PLAIN" "$TB_SERVER4" 2>&1)
b=$(TB_TIMEOUT=$T tb_client python3 -c "$PY_GAI_PLAIN" "$TB_SERVER4" 2>&1)
if [ -n "$a" ] && [ "$a" = "$b" ]; then
	pass "gai/no AI_ADDRCONFIG: same answer as glibc alone"
else
	fail "gai/no AI_ADDRCONFIG: same answer as glibc alone" "library: $a; glibc: $b"
fi

# ---------------------------------------------------------------- glibc resolver

lib_and_control "dns/getent ahosts $NAME_DNS (glibc resolver, IPv4 nameserver)" \
	"^$TB_SERVER4B +STREAM" getent ahosts "$NAME_DNS"
lib_and_control "dns/getent ahostsv4 $NAME_DNS2" "^$TB_SERVER4 +STREAM" \
	getent ahostsv4 "$NAME_DNS2"
lib_and_control "dns/getent hosts $NAME_DNS (gethostbyname2)" \
	"^$TB_SERVER4B +$NAME_DNS" getent hosts "$NAME_DNS"
lib_and_control "dns/python gethostbyname $NAME_DNS" "^$TB_SERVER4B\$" \
	python3 -c 'import socket, sys; print(socket.gethostbyname(sys.argv[1]))' "$NAME_DNS"
# gethostbyname from the hosts file has no AI_ADDRCONFIG: it works without
# the library and must answer the same with it.
PY_GHBN='import socket, sys; print(socket.gethostbyname_ex(sys.argv[1]))'
a=$(TB_TIMEOUT=$T tb_tnat64 python3 -c "$PY_GHBN" "$NAME_HOSTS" 2>&1)
b=$(TB_TIMEOUT=$T tb_client python3 -c "$PY_GHBN" "$NAME_HOSTS" 2>&1)
if printf '%s' "$a" | grep -q "'$TB_SERVER4B'" && [ "$a" = "$b" ]; then
	pass "dns/python gethostbyname_ex $NAME_HOSTS (hosts file): as without the library"
else
	fail "dns/python gethostbyname_ex $NAME_HOSTS (hosts file): as without the library" "library: $a; glibc: $b"
fi

# ---------------------------------------------------------------- wget

lib_and_control "dns/wget http://$NAME_DNS:$HTTP_PORT/ by host name" \
	'^tnat64-udp-dns-token$' \
	wget -q -O - -T 5 -t 1 "http://$NAME_DNS:$HTTP_PORT/token.txt"

# ---------------------------------------------------------------- servers alive

for pid in "$TB_TAYGA_PID" "$ECHO_PID" "$LECHO_PID" $DNS_PID "$HTTP_PID"; do
	if ! kill -0 "$pid" 2>/dev/null; then
		fail udp/servers "process $pid died: $(tail -n 3 "$TB_TMP/bg.$pid.log" 2>/dev/null | tr '\n' ' ')"
	fi
done
if [ -n "${TNAT64_DEBUG:-}" ] && [ -n "$DNS_PID" ]; then
	tail -n 30 "$TB_TMP/bg.$DNS_PID.log" | sed 's|^|# dnsmasq: |' >&2
fi

tb_summary
