#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real clients nobody here wrote, in the IPv6-only client namespace, talking
# to the IPv4-only server by IPv4 literal.  For each: the control (no
# library) must fail with "Network is unreachable", then under tnat64 the
# same command must work.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tb_setup
TB_TIMEOUT=${TB_TIMEOUT_CLIENT:-30}
A=$TB_SERVER4
HTTP_PORT=8080
ECHO_PORT=7007
SSH_PORT=2222
UNREACH='unreachable|ENETUNREACH|errno 101'
T=$TB_TMP

have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- servers

mkdir -p "$T/www"
TOKEN=tnat64-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
echo "$TOKEN" >"$T/www/token.txt"
tb_bg server python3 -m http.server "$HTTP_PORT" --bind 0.0.0.0 \
	--directory "$T/www" >/dev/null
tb_bg server socat "TCP4-LISTEN:$ECHO_PORT,bind=$A,reuseaddr,fork" PIPE >/dev/null
tb_wait_tcp server 0.0.0.0 "$HTTP_PORT" || fail clients/http-server "did not start"
tb_wait_tcp server "$A" "$ECHO_PORT" || fail clients/echo-server "did not start"

# The testbed itself: native IPv6 through tayga must work, or nothing below
# means anything.
if out=$(tb_client curl -sS --max-time 10 "http://[$TB_SERVER6]:$HTTP_PORT/token.txt" 2>&1) &&
	[ "$out" = "$TOKEN" ]; then
	pass clients/testbed-native-ipv6
else
	fail clients/testbed-native-ipv6 "curl to [$TB_SERVER6] through tayga: $out"
	tb_summary
	exit 1
fi

# ---------------------------------------------------------------- helpers

# last non-empty line of a file, for failure reasons
lastline() { grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 | cut -c1-200; }

# check NAME EXPECT INPUT CMD...: control then tnat64 run of CMD with stdin
# from INPUT (a file); the tnat64 run must exit 0 with EXPECT in its output.
check() {
	local name=$1 expect=$2 input=$3 rc
	shift 3
	tb_client "$@" <"$input" >"$T/c.out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && grep -Eqi "$UNREACH" "$T/c.out"; then
		pass "clients/$name/control"
	else
		fail "clients/$name/control" \
			"expected 'Network is unreachable' without tnat64, got rc=$rc: $(lastline "$T/c.out")"
	fi
	tb_tnat64 "$@" <"$input" >"$T/t.out" 2>"$T/t.err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -qF -- "$expect" "$T/t.out"; then
		pass "clients/$name"
	else
		fail "clients/$name" \
			"rc=$rc, expected '$expect', got '$(lastline "$T/t.out")' stderr: $(lastline "$T/t.err")"
		sed "s/^/# $name: /" "$T/t.err" | tail -n 20 >&2
	fi
}

# san_skip NAME REASON: skip a client that cannot run with the ASan
# runtime preloaded (true when skipped)
san_skip() {
	if [ "${SANITIZE:-}" = 1 ]; then
		skip "clients/$1" "$2 (SANITIZE=1)"
		return 0
	fi
	return 1
}

printf 'hello-tnat64\n' >"$T/hello.in"
: >"$T/empty.in"
URL=http://$A:$HTTP_PORT/token.txt

# ---------------------------------------------------------------- http

# curl hangs in setlocale() at startup when gcc 12's ASan runtime is
# preloaded into it, with or without tnat64 (seen on Debian 12), so
# sanitizer runs use wget where curl would be used.
if ! san_skip curl "curl deadlocks in setlocale() with the ASan runtime preloaded, even without tnat64"; then
	check curl "$TOKEN" "$T/empty.in" curl -v -sS --max-time 10 "$URL"
fi
if have wget; then
	check wget "$TOKEN" "$T/empty.in" wget -O - -T 10 -t 1 "$URL"
else
	skip clients/wget "wget not installed"
fi

# HTTP GET: curl, or wget with the ASan runtime (see above)
if [ "${SANITIZE:-}" = 1 ]; then
	FETCH=(wget -q -O - -T 10 -t 1)
else
	FETCH=(curl -sS --max-time 10)
fi

# a second address of the server
if out=$(tb_tnat64 "${FETCH[@]}" "http://$TB_SERVER4B:$HTTP_PORT/token.txt" 2>&1) &&
	[ "$out" = "$TOKEN" ]; then
	pass clients/http-second-address
else
	fail clients/http-second-address "$(printf '%s\n' "$out" | tail -n 1)"
fi

# refused port: "Connection refused" (curl exit 7, wget 4), not "unreachable"
if [ "${SANITIZE:-}" = 1 ]; then
	refused=wget-refused want=4
	tb_tnat64 wget -O - -T 10 -t 1 "http://$A:9/" >"$T/r.out" 2>&1
else
	refused=curl-refused want=7
	tb_tnat64 curl -v -sS --max-time 10 "http://$A:9/" >"$T/r.out" 2>&1
fi
rc=$?
if [ "$rc" -eq "$want" ] && grep -qi 'refused' "$T/r.out" && ! grep -Eqi "$UNREACH" "$T/r.out"; then
	pass "clients/$refused"
else
	fail "clients/$refused" "rc=$rc (want $want): $(grep -i 'connect' "$T/r.out" | tail -n 1)"
fi

# ---------------------------------------------------------------- bad input
# A bad configuration line: one message naming file and line, the valid
# lines still apply, the program works and its output is untouched.
BADCONF=$T/bad.conf
printf '# a comment\nlocal = 10.0.0.0/8\nnat64_prefx = 2001:db8:99::/96\nnat64_prefix = %s\n' \
	"$TB_PREFIX" >"$BADCONF"
out=$(tb_exec client env LD_PRELOAD="${TB_PRELOAD_EXTRA:+$TB_PRELOAD_EXTRA }$TB_LIB" \
	TNAT64_CONF_FILE="$BADCONF" "${FETCH[@]}" \
	"http://$A:$HTTP_PORT/token.txt" 2>"$T/bad.err")
nmsg=$(grep -c "tnat64" "$T/bad.err")
if [ "$out" = "$TOKEN" ] && [ "$nmsg" = 1 ] &&
	grep -q "$BADCONF:3: .*nat64_prefx" "$T/bad.err"; then
	pass clients/bad-config-line
else
	fail clients/bad-config-line "output [$out], $nmsg messages: $(head -c 300 "$T/bad.err")"
fi
# The same silenced with TNAT64_DEBUG=-1; a bad TNAT64_NAT64_PREFIX is
# reported and ignored (the file's prefix applies).
out=$(tb_exec client env LD_PRELOAD="${TB_PRELOAD_EXTRA:+$TB_PRELOAD_EXTRA }$TB_LIB" \
	TNAT64_CONF_FILE="$BADCONF" TNAT64_DEBUG=-1 "${FETCH[@]}" \
	"http://$A:$HTTP_PORT/token.txt" 2>"$T/bad.err")
if [ "$out" = "$TOKEN" ] && ! grep -q tnat64 "$T/bad.err"; then
	pass clients/bad-config-line-silenced
else
	fail clients/bad-config-line-silenced "output [$out]: $(head -c 300 "$T/bad.err")"
fi
out=$(tb_exec client env LD_PRELOAD="${TB_PRELOAD_EXTRA:+$TB_PRELOAD_EXTRA }$TB_LIB" \
	TNAT64_CONF_FILE="$TB_CONF" TNAT64_NAT64_PREFIX=2001:db8:64::/95 \
	"${FETCH[@]}" "http://$A:$HTTP_PORT/token.txt" 2>"$T/bad.err")
if [ "$out" = "$TOKEN" ] && grep -q "TNAT64_NAT64_PREFIX=2001:db8:64::/95" "$T/bad.err"; then
	pass clients/bad-prefix-variable
else
	fail clients/bad-prefix-variable "output [$out]: $(head -c 300 "$T/bad.err")"
fi

# ---------------------------------------------------------------- python

cat >"$T/py_block.py" <<'EOF'
import os, socket, sys
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
except OSError as e:
    sys.exit("connect: " + os.strerror(e.errno) if e.errno else str(e))
s.sendall(b"hello-python\n")
data = b""
while not data.endswith(b"\n"):
    chunk = s.recv(100)
    if not chunk:
        break
    data += chunk
peer = s.getpeername()
print(data.decode().strip(), "peer=%s:%d" % (peer[0], peer[1]))
EOF
check python-socket "hello-python peer=$A:$ECHO_PORT" "$T/empty.in" \
	python3 "$T/py_block.py" "$A" "$ECHO_PORT"

cat >"$T/py_async.py" <<'EOF'
import asyncio, os, sys
async def main():
    try:
        r, w = await asyncio.wait_for(
            asyncio.open_connection(sys.argv[1], int(sys.argv[2])), 10)
    except OSError as e:
        sys.exit("connect: " + os.strerror(e.errno) if e.errno else str(e))
    w.write(b"hello-asyncio\n")
    await w.drain()
    line = await asyncio.wait_for(r.readline(), 10)
    print(line.decode().strip())
    w.close()
    await w.wait_closed()
asyncio.run(main())
EOF
check python-asyncio hello-asyncio "$T/empty.in" python3 "$T/py_async.py" "$A" "$ECHO_PORT"

# ---------------------------------------------------------------- nc, socat

if have nc; then
	check nc hello-tnat64 "$T/hello.in" nc -v -N -w 10 "$A" "$ECHO_PORT"
else
	skip clients/nc "nc (netcat-openbsd) not installed"
fi
check socat hello-tnat64 "$T/hello.in" socat -t 5 - "TCP:$A:$ECHO_PORT,connect-timeout=10"

# ---------------------------------------------------------------- perl

# shellcheck disable=SC2016
check perl hello-perl "$T/empty.in" perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(PeerAddr => $ARGV[0], PeerPort => $ARGV[1],
		Proto => "tcp", Timeout => 10) or die "connect: $!\n";
	print $s "hello-perl\n";
	my $l = <$s>;
	print $l;' "$A" "$ECHO_PORT"

# ---------------------------------------------------------------- node

if ! have node; then
	skip clients/node "node not installed"
else
	check node hello-node "$T/empty.in" node -e '
		const s = require("net").connect(+process.argv[2], process.argv[1], () => {
			s.write("hello-node\n");
		});
		s.setTimeout(10000, () => { console.error("timeout"); process.exit(3); });
		s.on("data", (d) => { process.stdout.write(d); s.end(); });
		s.on("error", (e) => { console.error(e.message); process.exit(1); });' \
		"$A" "$ECHO_PORT"
fi

# ---------------------------------------------------------------- java

if ! have java || ! have javac; then
	skip clients/java "java/javac not installed"
else
	mkdir -p "$T/java"
	cat >"$T/java/Echo.java" <<'EOF'
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;

public class Echo {
    public static void main(String[] a) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(a[0], Integer.parseInt(a[1])), 10000);
            s.setSoTimeout(10000);
            OutputStream o = s.getOutputStream();
            o.write("hello-java\n".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(
                s.getInputStream(), StandardCharsets.US_ASCII));
            System.out.println(r.readLine());
        } catch (IOException e) {
            System.err.println("connect: " + e.getMessage());
            System.exit(1);
        }
    }
}
EOF
	if timeout 120 javac -d "$T/java" "$T/java/Echo.java" >"$T/javac.log" 2>&1; then
		check java hello-java "$T/empty.in" \
			java -Djava.net.preferIPv4Stack=false -cp "$T/java" Echo "$A" "$ECHO_PORT"
	else
		fail clients/java "javac failed: $(lastline "$T/javac.log")"
	fi
fi

# ---------------------------------------------------------------- ssh

ssh_case() {
	local d=$T/ssh why
	if ! have ssh || ! [ -x /usr/sbin/sshd ] || ! have ssh-keygen; then
		skip clients/ssh "openssh client/server not installed"
		return
	fi
	if ! why=$(tb_sshd "$d" "$A" "$SSH_PORT"); then
		fail clients/ssh "$why"
		return
	fi
	local -a sshcmd=(ssh -F /dev/null -o BatchMode=yes
		-o StrictHostKeyChecking=no -o UserKnownHostsFile="$d/known_hosts"
		-o ConnectTimeout=10 -i "$d/id_ed25519" -p "$SSH_PORT" "root@$A")
	check ssh ok "$T/empty.in" "${sshcmd[@]}" echo ok
	# The blog post's debugging set-up: ssh closes every descriptor above
	# 2 at start (closefrom) and its socket gets the first free number;
	# the library's lines must go to the debug file, not to the server.
	local log=$T/ssh-debug.log out
	rm -f "$log"
	out=$(tb_tnat64 env TNAT64_DEBUG=10 TNAT64_DEBUG_FILE="$log" \
		"${sshcmd[@]}" echo debug-ok 2>&1 </dev/null)
	if [ "$out" = debug-ok ]; then
		pass clients/ssh/debug-file
	else
		fail clients/ssh/debug-file "ssh with TNAT64_DEBUG=10 and TNAT64_DEBUG_FILE: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
	fi
	if grep -q "$A:$SSH_PORT via NAT64" "$log" 2>/dev/null; then
		pass clients/ssh/debug-file/line
	else
		fail clients/ssh/debug-file/line "no translation line in the debug file: $(tail -n 2 "$log" 2>/dev/null | tr '\n' ' ')"
	fi
	# Started with standard error closed (ssh puts /dev/null there):
	# logging to standard error must not reach ssh's connection either.
	out=$(tb_tnat64 env TNAT64_DEBUG=10 sh -c 'exec 2>&-; exec "$@"' sh \
		"${sshcmd[@]}" echo closed-ok </dev/null)
	if [ "$out" = closed-ok ]; then
		pass clients/ssh/stderr-closed
	else
		fail clients/ssh/stderr-closed "ssh with fd 2 closed and TNAT64_DEBUG=10: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
	fi
}
ssh_case

tb_summary
