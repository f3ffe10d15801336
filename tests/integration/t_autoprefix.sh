#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Zero configuration (issue 10): programs find the NAT64 prefix through
# the library and the supervisor, with no configuration file, against a
# real DNS64 (unbound's dns64 module, A records from a dnsmasq upstream)
# and tayga on the same network-specific prefix:
#   - every RFC 6052 length: curl through the library with no file; the
#     first process asks once, a second one reads the cache (the server's
#     query log is counted);
#   - curl, ssh and dig with no file (/96 and /64);
#   - resolver variants through the library: two prefixes (one used, the
#     other logged), no DNS64 (falls back; the next process does not ask),
#     a server that never answers (two tries, then falls back), answers
#     without the well-known addresses (ignored);
#   - the cache as a user (nobody, XDG_RUNTIME_DIR): a file owned by
#     another user, world-writable, garbage or a symlink is ignored with
#     one message and replaced;
#   - the network's prefix changes under a running program (DNS64 and
#     tayga restarted on another prefix): it follows without a restart;
#   - tnat64 status for each source of the prefix, and its exit statuses;
#   - the supervisor finds the prefix itself for a static busybox.
# Every command runs in the client namespace with the test's resolv.conf
# and a private /run (the system cache /run/tnat64 is $TB_TMP/run/tnat64),
# without TNAT64_CONF_FILE, and with /etc/tnat64.conf absent or made empty
# (both leave the default prefix to discovery).  Timing never decides:
# times are logged.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/sysns.sh
. "$(dirname "$0")/sysns.sh"

TB_TIMEOUT=60
NOBODY=65534
LAUNCHER=$TB_BUILD/tnat64
SV=$TB_BUILD/tnat64-seccomp
BUSYBOX=$(command -v busybox 2>/dev/null || echo /bin/busybox)
PREFIXES=${TB_PREFIXES:-"2001:db8::/32 2001:db8:6400::/40 2001:db8:64::/48 2001:db8:64::/56 2001:db8:64::/64 2001:db8:64::/96"}

for f in "$TB_LIB" "$LAUNCHER" "$SV" "$TB_BUILD/tnat64-discover"; do
	if [ ! -e "$f" ]; then
		fail autoprefix "$f not built (make)"
		exit 1
	fi
done

# ac CMD...: CMD in the client namespace, no configuration file, the
# test's resolv.conf and /run.
ac() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	tb_exec client sh -c '
		mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /run ||
			exit 125
		if [ -e /etc/tnat64.conf ]; then
			mount --bind /dev/null /etc/tnat64.conf || exit 125
		fi
		shift 2
		exec env -u TNAT64_CONF_FILE -u TNAT64_NAT64_PREFIX "$@"' ac \
		"$TB_RESOLV" "$TB_TMP/run" "$@"
}

# lib CMD...: ac with the library preloaded (TNAT64_DEBUG=${DBG:-1}).
lib() {
	local pre=$TB_LIB
	[ -n "${TB_PRELOAD_EXTRA:-}" ] && pre="$TB_PRELOAD_EXTRA $TB_LIB"
	ac env LD_PRELOAD="$pre" TNAT64_DEBUG="${DBG:-1}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:verify_asan_link_order=0}" \
		"$@"
}

expect() { # NAME STATUS: pass when 0, else fail with $out
	if [ "$2" = 0 ]; then
		pass "$1"
	else
		fail "$1" "$(printf '%s' "$out" | tr '\n' '|' | cut -c1-400)"
	fi
}

has() { printf '%s\n' "$out" | grep -qF -- "$1"; }

cached_prefix() {
	sed -n 's/^prefix //p' "$TB_TMP/run/tnat64/prefix" 2>/dev/null
}

web() { # web: an HTTP server on the IPv4-only server, page t.txt
	mkdir -p "$TB_TMP/www"
	echo "page-$TB_PREFIX-$$" >"$TB_TMP/www/t.txt"
	tb_bg server python3 -m http.server 8080 --bind 0.0.0.0 \
		--directory "$TB_TMP/www" >/dev/null
	tb_wait_tcp server 0.0.0.0 8080
}

# curl deadlocks in setlocale() with the ASan runtime preloaded (even
# without tnat64): sanitizer runs fetch with wget.
if [ "${SANITIZE:-}" = 1 ]; then
	CURL=(wget -q -O - -T 15 -t 1 http://198.51.100.10:8080/t.txt)
else
	CURL=(curl -sS --max-time 15 http://198.51.100.10:8080/t.txt)
fi

# ------------------------------------------------ every RFC 6052 length

for TB_PREFIX in $PREFIXES; do
	len=${TB_PREFIX#*/}
	tb_setup
	tb_dns64_setup
	web || fail "length/$len/web server" "did not start"
	n0=$(tb_dns_queries)
	out=$(DBG=2 lib "${CURL[@]}" 2>&1)
	rc=$?
	[ "$rc" = 0 ] && has "page-$TB_PREFIX-$$" &&
		has "NAT64 prefix $(printf '%s' "${TB_PREFIX%/*}")/$len from $TB_DNS6 (RFC 7050)"
	expect "length/$len/curl with no configuration" $?
	[ "$(tb_dns_queries)" = $((n0 + 1)) ] && [ "$(cached_prefix)" = "$TB_PREFIX" ]
	out="queries $n0 -> $(tb_dns_queries), cache '$(cached_prefix)'" \
		expect "length/$len/one query, cached" $?
	n1=$(tb_dns_queries)
	out=$(lib "${CURL[@]}" 2>&1)
	rc=$?
	[ "$rc" = 0 ] && has "page-$TB_PREFIX-$$" && [ "$(tb_dns_queries)" = "$n1" ]
	expect "length/$len/second process: from the cache, no query" $?
	tb_teardown
done

# ------------------------------------------------ curl, ssh, dig

for TB_PREFIX in 2001:db8:64::/96 2001:db8:64::/64; do
	len=${TB_PREFIX#*/}
	tb_setup
	tb_dns64_setup
	web
	out=$(lib "${CURL[@]}" 2>&1)
	[ $? = 0 ] && has "page-$TB_PREFIX-$$"
	expect "clients/$len/curl" $?
	# dig asks the IPv4-only upstream (dnsmasq) directly: UDP through
	# the discovered prefix
	out=$(lib dig +time=3 +tries=1 +short @198.51.100.53 server.example A 2>&1)
	[ $? = 0 ] && [ "$out" = "$TB_SERVER4" ]
	expect "clients/$len/dig" $?
	if command -v ssh >/dev/null && [ -x /usr/sbin/sshd ]; then
		if why=$(tb_sshd "$TB_TMP/ssh" "$TB_SERVER4" 2222); then
			out=$(lib ssh -F /dev/null -o BatchMode=yes \
				-o StrictHostKeyChecking=no \
				-o UserKnownHostsFile="$TB_TMP/ssh/known_hosts" \
				-o ConnectTimeout=10 -i "$TB_TMP/ssh/id_ed25519" \
				-p 2222 "root@$TB_SERVER4" echo ssh-ok-$$ 2>&1 </dev/null)
			[ $? = 0 ] && has "ssh-ok-$$"
			expect "clients/$len/ssh" $?
		else
			fail "clients/$len/ssh" "$why"
		fi
	else
		skip "clients/$len/ssh" "openssh not installed"
	fi
	# without discovery (a configuration naming another prefix) the same
	# curl fails: the prefix really came from the DNS64
	out=$(lib env TNAT64_NAT64_PREFIX=2001:db8:99::/96 "${CURL[@]}" 2>&1)
	[ $? != 0 ] && ! has "page-"
	expect "clients/$len/control: a wrong configured prefix does not work" $?
	tb_teardown
done

# ------------------------------------------------ resolver variants

TB_PREFIX=2001:db8:64::/96
tb_setup
tb_dns64_setup
web

if tb_dns_variant two; then
	rm -rf "$TB_TMP/run/tnat64"
	out=$(DBG=2 lib "${CURL[@]}" 2>&1)
	used=$(cached_prefix)
	other=2001:db8:65::/96
	[ "$used" = "$other" ] && other=2001:db8:64::/96
	# the prefix of the answer's first record is used (which one comes
	# first is the server's business), the other one is logged
	{ [ "$used" = 2001:db8:64::/96 ] || [ "$used" = 2001:db8:65::/96 ]; } &&
		has "also answered prefix ${other%/*}/96 (not used)" &&
		has "via NAT64 [${used%::/96}::c633:640a]"
	expect "variant/two prefixes: one used, the other logged" $?
else
	fail "variant/two prefixes" "server did not start"
fi

if tb_dns_variant nowka; then
	rm -rf "$TB_TMP/run/tnat64"
	out=$(DBG=2 lib "${CURL[@]}" 2>&1)
	[ $? != 0 ] && has "without the well-known addresses" &&
		[ "$(cached_prefix)" = none ]
	expect "variant/no well-known address: ignored, nothing used" $?
else
	fail "variant/no well-known address" "server did not start"
fi

if tb_dns_variant nodns64; then
	rm -rf "$TB_TMP/run/tnat64"
	n0=$(tb_dns_queries)
	out=$(DBG=2 lib "${CURL[@]}" 2>&1)
	rc=$?
	# the fallback, 64:ff9b::/96, is never used for a documentation
	# address: the connect fails as without the library
	[ "$rc" != 0 ] && has "no NAT64 prefix discovered" &&
		has "no AAAA record: no DNS64" && [ "$(cached_prefix)" = none ] &&
		[ "$(tb_dns_queries)" = $((n0 + 1)) ]
	expect "variant/no DNS64: falls back, negative entry cached" $?
	n1=$(tb_dns_queries)
	out=$(DBG=2 lib "${CURL[@]}" 2>&1)
	[ $? != 0 ] && [ "$(tb_dns_queries)" = "$n1" ] && ! has "discovered"
	expect "variant/no DNS64: the second process does not ask again" $?
else
	fail "variant/no DNS64" "server did not start"
fi

if tb_dns_variant silent; then
	rm -rf "$TB_TMP/run/tnat64"
	n0=$(tb_dns_queries)
	start=$(date +%s%N)
	out=$(DBG=2 lib "${CURL[@]}" 2>&1)
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	tb_log "silent server: curl through the library ended after $ms ms (discovery bound 2000 ms)"
	# resolv.conf's default: two tries of the one server, then the
	# fallback; a negative entry for 60 s
	[ "$rc" != 0 ] && has "no answer (timeout)" &&
		[ "$(tb_dns_queries)" = $((n0 + 2)) ] && [ "$(cached_prefix)" = none ] &&
		grep -q "^source none$" "$TB_TMP/run/tnat64/prefix"
	expect "variant/never answers: two tries, falls back, negative entry" $?
	n1=$(tb_dns_queries)
	out=$(lib "${CURL[@]}" 2>&1)
	[ "$(tb_dns_queries)" = "$n1" ]
	expect "variant/never answers: the second process does not ask" $?
else
	fail "variant/never answers" "server did not start"
fi
tb_dns_variant dns64 || fail "variant/back to dns64" "unbound did not restart"

# ------------------------------------------------ the cache as a user

tb_user_xdg $NOBODY
# as_user CMD...: lib as nobody with XDG_RUNTIME_DIR=$XDG
as_user() {
	lib setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		env XDG_RUNTIME_DIR="$XDG" "$@"
}
n0=$(tb_dns_queries)
out=$(as_user "${CURL[@]}" 2>&1)
[ $? = 0 ] && has "page-" && [ "$(tb_dns_queries)" = $((n0 + 1)) ] &&
	[ "$(stat -c '%u %a' "$UF" 2>/dev/null)" = "$NOBODY 644" ] &&
	[ ! -e "$TB_TMP/run/tnat64/prefix" ]
expect "cache/user: discovered, written under XDG_RUNTIME_DIR only" $?
n1=$(tb_dns_queries)
out=$(as_user "${CURL[@]}" 2>&1)
[ $? = 0 ] && [ "$(tb_dns_queries)" = "$n1" ]
expect "cache/user: the user's next process asks nobody" $?

# trust_case NAME MESSAGE PREPARE...: spoil the user's cache, then the
# library ignores it with one message, asks again, replaces it, and the
# program works.
trust_case() {
	local name=$1 msg=$2 before
	shift 2
	"$@"
	before=$(tb_dns_queries)
	out=$(as_user "${CURL[@]}" 2>&1)
	[ $? = 0 ] && has "page-" && has "ignoring $UF ($msg)" &&
		[ "$(printf '%s\n' "$out" | grep -c 'prefix cache: ignoring')" = 1 ] &&
		[ "$(tb_dns_queries)" = $((before + 1)) ] &&
		[ "$(stat -c '%F %u %a' "$UF")" = "regular file $NOBODY 644" ] &&
		grep -qx "prefix $TB_PREFIX" "$UF"
	expect "cache/user: $name ignored, asked again, replaced" $?
}
# each spoiled file says another prefix: were it used, curl would fail
spoil() { # spoil FILE: a valid record with a prefix tayga does not serve
	sed 's/^prefix .*/prefix 2001:db8:99::\/96/' "$UF" >"$TB_TMP/spoil" &&
		cat "$TB_TMP/spoil" >"$UF"
}
spoil && trust_case "file owned by another user" "owned by another user" chown 1:1 "$UF"
spoil && trust_case "world-writable file" "writable by group or others" chmod 666 "$UF"
# shellcheck disable=SC2016 # expanded by the inner sh
trust_case "garbage" "not a valid record" sh -c 'printf "garbage\n" >"$1"' sh "$UF"
spoil && cp "$UF" "$TB_TMP/elsewhere" && chown $NOBODY "$TB_TMP/elsewhere"
# shellcheck disable=SC2016
trust_case "symlink" "a symbolic link" \
	sh -c 'rm -f "$1" && ln -s "$2" "$1"' sh "$UF" "$TB_TMP/elsewhere"
# a system cache not root's is refused as well
rm -rf "$XDG/tnat64"
out=$(lib "${CURL[@]}" 2>&1) # root: the system cache
spoil_sys() {
	sed -i 's/^prefix .*/prefix 2001:db8:99::\/96/' "$TB_TMP/run/tnat64/prefix"
	chown $NOBODY "$TB_TMP/run/tnat64/prefix"
}
spoil_sys
n0=$(tb_dns_queries)
out=$(lib "${CURL[@]}" 2>&1)
[ $? = 0 ] && has "ignoring /run/tnat64/prefix (owned by another user)" &&
	[ "$(tb_dns_queries)" = $((n0 + 1)) ]
expect "cache/system: a file not root's is refused" $?

# a set-user-ID program (the library from /etc/ld.so.preload, in a
# private mount namespace whose /etc and /run are overlays): secure
# execution, so no cache path from the environment and no cache written,
# but the prefix is still found and used
rm -rf "$XDG/tnat64"
if [ "${SANITIZE:-}" != 1 ] && sys_check_usable && cp "$(command -v curl)" "$TB_TMP/curl-suid" &&
	chmod 4755 "$TB_TMP/curl-suid"; then
	printf '%s\n' "$TB_LIB" >"$TB_TMP/pre.lib"
	n0=$(tb_dns_queries)
	# shellcheck disable=SC2016 # expanded by the inner sh
	out=$(sys_client "$TB_TMP/pre.lib" - sh -c 'cp "$1" /etc/resolv.conf || exit 125
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			env XDG_RUNTIME_DIR="$2" "$3" -sS --max-time 15 "$4"
		echo "rc=$?"; ls -A /run/tnat64 2>/dev/null | wc -l | sed "s/^/written=/"' \
		suid "$TB_RESOLV" "$XDG" "$TB_TMP/curl-suid" http://198.51.100.10:8080/t.txt 2>&1)
	has "page-" && has "rc=0" && has "written=0" && [ ! -e "$XDG/tnat64" ] &&
		[ "$(tb_dns_queries)" = $((n0 + 1)) ]
	expect "cache/set-user-ID program: discovers, writes no cache" $?
else
	skip "cache/set-user-ID program" "no private /etc overlay here, or SANITIZE=1 (libasan is not in ld.so.preload)"
fi

# ------------------------------------------------ tnat64 status

# st ARGS...: tnat64 status in the client, output in $out, status $rc
st() {
	out=$(ac "$LAUNCHER" "$@" 2>&1)
	rc=$?
}
rm -rf "$TB_TMP/run/tnat64"
n0=$(tb_dns_queries)
st status 198.51.100.10:8080
[ "$rc" = 0 ] &&
	has "198.51.100.10 port 8080: NAT64 prefix $TB_PREFIX -> [2001:db8:64::c633:640a]:8080" &&
	has "from RFC 7050: name server $TB_DNS6 (cache /run/tnat64/prefix, " &&
	has "IPv4 route to 198.51.100.10: none" &&
	has "connect through NAT64: connected in" &&
	[ "$(tb_dns_queries)" = $((n0 + 1)) ]
expect "status/rfc7050: nothing cached, found, connected, exit 0" $?
st status
[ "$rc" = 0 ] && has "default NAT64 prefix: $TB_PREFIX" &&
	has "IPv4: no route (IPv6-only host)" && has "IPv6 route to the prefix: yes" &&
	[ "$(tb_dns_queries)" = $((n0 + 1)) ]
expect "status/no host: from the cache, exit 0" $?
st status 198.51.100.10:8081
[ "$rc" = 0 ] && has "refused in" && has "nothing listens on port 8081"
expect "status/refused: the path works, exit 0" $?
st -p 2001:db8:99::/96 status 198.51.100.10:8080
[ "$rc" = 1 ] && has "NAT64 prefix 2001:db8:99::/96" &&
	has "from --prefix or TNAT64_NAT64_PREFIX" && has "connect through NAT64: "
expect "status/--prefix: named, its connect fails, exit 1" $?
printf 'local = 198.51.100.11/32\nnat64_prefix = %s\npath {\n\tsubnet = 198.51.100.10:22/32\n\tnat64_prefix = 2001:db8:98::/96\n}\n' \
	"$TB_PREFIX" >"$TB_TMP/st.conf"
st -c "$TB_TMP/st.conf" status 198.51.100.10:8080
[ "$rc" = 0 ] && has "from $TB_TMP/st.conf line 2" && has "connected in"
expect "status/file: file and line" $?
st -c "$TB_TMP/st.conf" status 198.51.100.10:22
[ "$rc" = 1 ] && has "NAT64 prefix 2001:db8:98::/96" &&
	has "from $TB_TMP/st.conf line 5 (path block of line 3)"
expect "status/path block: file, line and block, exit 1 (tayga has another prefix)" $?
st -c "$TB_TMP/st.conf" status 198.51.100.11:8080
[ "$rc" = 1 ] && has "direct IPv4 (local, $TB_TMP/st.conf line 1)" &&
	has "nothing works: no IPv4 route"
expect "status/local: direct, no IPv4 route, exit 1" $?
st status 127.0.0.1:9
[ "$rc" = 0 ] && has "never translated" && has "connect direct (IPv4): refused"
expect "status/loopback: direct and answered, exit 0" $?
st status 198.51.100.10:8080 extra
[ "$rc" = 2 ]
expect "status/two arguments: exit 2" $?
st status 198.51.100.10:99999
[ "$rc" = 2 ] && has "bad port"
expect "status/bad port: exit 2" $?
# PREF64: the record tnat64-discover writes from systemd-networkd's or
# NetworkManager's PREF64 (t_pref64.sh tests the readers)
now=$(date +%s)
printf 'tnat64-prefix-cache 1\nprefix %s\nsource pref64 networkd/eth0\nobtained %s\nexpires %s\n' \
	"$TB_PREFIX" "$now" $((now + 1800)) >"$TB_TMP/run/tnat64/prefix"
st status 198.51.100.10:8080
[ "$rc" = 0 ] && has "from PREF64 (RFC 8781): networkd/eth0 (cache /run/tnat64/prefix, "
expect "status/pref64: service and interface" $?
if tb_dns_variant nodns64; then
	rm -rf "$TB_TMP/run/tnat64"
	st status 198.51.100.10:8080
	[ "$rc" = 1 ] && has "from the built-in default: name server $TB_DNS6 has no DNS64" &&
		has "direct IPv4: the only prefix for it is 64:ff9b::/96"
	expect "status/built-in: no DNS64, nothing works, exit 1" $?
	st status
	[ "$rc" = 1 ] && has "default NAT64 prefix: 64:ff9b::/96" && has "nothing works"
	expect "status/built-in, no host: exit 1" $?
else
	fail "status/built-in" "server did not start"
fi
tb_dns_variant dns64 || fail "status/back to dns64" "unbound did not restart"

# ------------------------------------------------ the supervisor

if [ -x "$BUSYBOX" ] && "$SV" --check >/dev/null 2>&1; then
	rm -rf "$TB_TMP/run/tnat64"
	n0=$(tb_dns_queries)
	out=$(ac env TNAT64_DEBUG=2 "$SV" -- "$BUSYBOX" wget -q -O - \
		http://198.51.100.10:8080/t.txt 2>&1)
	[ $? = 0 ] && has "page-" && [ "$(tb_dns_queries)" = $((n0 + 1)) ] &&
		[ "$(cached_prefix)" = "$TB_PREFIX" ]
	expect "supervisor: static busybox, no configuration: discovered, cached" $?
	n1=$(tb_dns_queries)
	out=$(ac "$LAUNCHER" "$BUSYBOX" wget -q -O - http://198.51.100.10:8080/t.txt 2>&1)
	[ $? = 0 ] && has "page-" && [ "$(tb_dns_queries)" = "$n1" ]
	expect "supervisor: through the launcher, from the cache" $?
else
	skip supervisor "no static busybox or no seccomp supervisor here"
fi

# ------------------------------------------------ the prefix changes

# A client that fetches the page every 200 ms for as long as it runs,
# with the library, printing OK or the error with a timestamp.
cat >"$TB_TMP/loop.py" <<'EOF'
import socket, sys, time
t0 = time.monotonic()
while True:
    try:
        s = socket.create_connection(("198.51.100.10", 8080), timeout=3)
        s.sendall(b"GET /t.txt HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            data += b
        s.close()
        print("%.2f OK %s" % (time.monotonic() - t0,
              data.split(b"\r\n\r\n", 1)[-1].strip().decode()), flush=True)
    except OSError as e:
        print("%.2f ERR %s" % (time.monotonic() - t0, e), flush=True)
    time.sleep(0.2)
EOF
rm -rf "$TB_TMP/run/tnat64"
pre=$TB_LIB
[ -n "${TB_PRELOAD_EXTRA:-}" ] && pre="$TB_PRELOAD_EXTRA $TB_LIB"
# shellcheck disable=SC2016 # expanded by the inner sh
LOOP=$(tb_bg client sh -c 'mount --bind "$1" /etc/resolv.conf &&
	mount --bind "$2" /run || exit 125
	[ -e /etc/tnat64.conf ] && mount --bind /dev/null /etc/tnat64.conf
	shift 2; exec env -u TNAT64_CONF_FILE "$@"' loop "$TB_RESOLV" "$TB_TMP/run" \
	env LD_PRELOAD="$pre" TNAT64_DEBUG=2 \
	ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:verify_asan_link_order=0}" \
	python3 -u "$TB_TMP/loop.py")
LOG=$TB_TMP/bg.$LOOP.log
wait_for() { # wait_for PATTERN COUNT SECONDS: COUNT lines of LOG match
	local i=0
	while [ "$i" -lt $(($3 * 10)) ]; do
		[ "$(grep -c -- "$1" "$LOG" 2>/dev/null)" -ge "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
OLD=$TB_PREFIX
NEW=2001:db8:65::/64
OLD6=$(tb_synth "$OLD" "$TB_SERVER4")
NEW6=$(tb_synth "$NEW" "$TB_SERVER4")
# last_t: the client's time of its last fetch
last_t() { grep -E '^[0-9.]+ (OK|ERR)' "$LOG" | tail -n 1 | cut -d' ' -f1; }
if wait_for "via NAT64 \[$OLD6\]" 3 20 && wait_for " OK page-" 3 20; then
	pass "change/the client works through $OLD"
	# the network changes its prefix: the DNS64 and tayga restart on
	# NEW, the gateway forgets OLD
	sleep 1
	TB_PREFIX=$NEW
	tb_dns_variant dns64 || fail "change/DNS64 on $NEW" "unbound did not restart"
	kill -TERM "$TB_TAYGA_PID" 2>/dev/null
	while kill -0 "$TB_TAYGA_PID" 2>/dev/null; do sleep 0.05; done
	ip -n "$TB_GW" -6 route del "$OLD" dev nat64
	sed -i "s|^prefix .*|prefix $NEW|" "$TB_TMP/tayga.conf"
	TB_TAYGA_PID=$(tb_bg gw tayga -c "$TB_TMP/tayga.conf" --nodetach -d)
	ip -n "$TB_GW" -6 route add "$NEW" dev nat64
	changed=$(last_t)
	nlines=$(wc -l <"$LOG")
	tb_log "prefix changed from $OLD to $NEW at t=$changed s of the client"
	# timing is not judged: the bound only keeps a broken run from
	# hanging (documented: one failed connect, then at most 10 s)
	i=0
	while [ "$i" -lt 600 ] &&
		! tail -n +"$nlines" "$LOG" | grep -A3 -F "via NAT64 [$NEW6]" |
		grep -q " OK page-"; do
		sleep 0.1
		i=$((i + 1))
	done
	after=$(tail -n +"$nlines" "$LOG")
	if printf '%s\n' "$after" | grep -A3 -F "via NAT64 [$NEW6]" | grep -q " OK page-"; then
		first=$(printf '%s\n' "$after" | grep -A3 -F "via NAT64 [$NEW6]" |
			grep -m1 " OK page-" | cut -d' ' -f1)
		nerr=$(printf '%s\n' "$after" | grep -cE '^[0-9.]+ ERR')
		tb_log "client fetched through $NEW at t=$first s, after $nerr failed fetches"
		pass "change/the running client follows to $NEW without a restart"
		printf '%s\n' "$after" | grep -q "NAT64 prefix changed: ${NEW%/*}/64 now (was ${OLD%/*}/96)" &&
			[ "$(cached_prefix)" = "$NEW" ]
		out=$(printf '%s\n' "$after" | grep -i "prefix" | tail -n 3) \
			expect "change/logged, and the cache has the new prefix" $?
	else
		fail "change/the running client follows to $NEW without a restart" \
			"$(tail -n 4 "$LOG" | tr '\n' '|')"
	fi
else
	fail "change/the client works through $OLD" "$(tail -n 4 "$LOG" | tr '\n' '|')"
fi

tb_teardown
tb_summary
