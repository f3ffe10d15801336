#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# NAT64 prefix discovery with tnat64-discover (issue 10), against a real
# DNS64 (unbound's dns64 module, A records from a dnsmasq upstream) and
# tayga on the same network-specific prefix:
#   - every RFC 6052 length: the prefix found is tayga's, a native IPv6
#     fetch through it reaches the IPv4-only server, the cache is written,
#     a second run (--cached) asks no name server (the server's query log
#     is counted) and a run without --cached does ask;
#   - an IPv4-only name server reached through the configured prefix;
#   - resolver variants: two prefixes (first used, second reported), no
#     DNS64 (negative cache, not asked again), a server that never answers
#     (gives up after its tries), answers without the well-known addresses
#     (ignored);
#   - cache trust for a user (nobody) under XDG_RUNTIME_DIR: a file owned
#     by another user, world-writable, garbage or a symlink is ignored with
#     a message and replaced; the system cache (root's, /run/tnat64) is read
#     by users and refused when not root's; a set-user-ID copy writes no
#     user cache.
# tb_dns_client gives each command a private /etc/resolv.conf and /run.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

TB_TIMEOUT=40
PREFIXES=${TB_PREFIXES:-"2001:db8::/32 2001:db8:6400::/40 2001:db8:64::/48 2001:db8:64::/56 2001:db8:64::/64 2001:db8:64::/96"}
D=$TB_BUILD/tnat64-discover
NOBODY=65534

if [ ! -x "$D" ]; then
	fail discover "$D not built (make)"
	exit 1
fi

# run_d NAME ARGS...: tnat64-discover as root in the client; output in
# $out, status in $rc.
run_d() {
	out=$(tb_dns_client "$D" --no-pref64 "$@" 2>&1)
	rc=$?
}

# as_user ARGS...: tnat64-discover as nobody, XDG_RUNTIME_DIR=$XDG.
as_user() {
	out=$(tb_dns_client setpriv --reuid=$NOBODY --regid=$NOBODY \
		--clear-groups env XDG_RUNTIME_DIR="$XDG" "$D" --no-pref64 "$@" 2>&1)
	rc=$?
}

expect() { # expect NAME COND-TEXT: pass/fail with the output as reason
	if [ "$2" = 0 ]; then
		pass "$1"
	else
		fail "$1" "$(printf '%s' "$out" | tr '\n' '|' | cut -c1-300)"
	fi
}

has() { printf '%s\n' "$out" | grep -qF -- "$1"; }

# ------------------------------------------------ every RFC 6052 length

for TB_PREFIX in $PREFIXES; do
	len=${TB_PREFIX#*/}
	tb_setup
	tb_dns64_setup
	mkdir -p "$TB_TMP/www"
	echo "len-$len-$$" >"$TB_TMP/www/t.txt"
	tb_bg server python3 -m http.server 8080 --bind 0.0.0.0 \
		--directory "$TB_TMP/www" >/dev/null

	n0=$(tb_dns_queries)
	run_d
	found=$(printf '%s\n' "$out" | sed -n 's/^NAT64 prefix: \([^ ]*\) .*/\1/p')
	[ "$rc" = 0 ] && [ "$found" = "$TB_PREFIX" ] && has "from name server $TB_DNS6"
	expect "discover/$len/found" $?
	n1=$(tb_dns_queries)
	[ "$n1" = $((n0 + 1)) ]
	expect "discover/$len/one query" $?
	grep -qx "prefix $TB_PREFIX" "$TB_TMP/run/tnat64/prefix" 2>/dev/null &&
		grep -qx "source rfc7050 $TB_DNS6" "$TB_TMP/run/tnat64/prefix"
	expect "discover/$len/system cache written" $?

	# the discovered prefix carries traffic: native IPv6 to the
	# synthesized address of the IPv4-only server, through tayga
	if [ -n "$found" ] && tb_wait_tcp server 0.0.0.0 8080; then
		a6=$(tb_synth "$found" "$TB_SERVER4")
		got=$(tb_client curl -sS --max-time 10 "http://[$a6]:8080/t.txt" 2>&1)
		[ "$got" = "len-$len-$$" ]
		out=$got expect "discover/$len/prefix carries traffic" $?
	else
		fail "discover/$len/prefix carries traffic" "no prefix or no server"
	fi

	run_d --cached
	[ "$rc" = 0 ] && has "cached in /run/tnat64/prefix" &&
		[ "$(tb_dns_queries)" = "$n1" ]
	expect "discover/$len/second run asks nobody" $?
	run_d
	[ "$rc" = 0 ] && [ "$(tb_dns_queries)" = $((n1 + 1)) ]
	expect "discover/$len/run without --cached asks again" $?
	tb_teardown
done

# ------------------------------------------------ IPv4-only name server

# resolv.conf names only an IPv4 server, which the IPv6-only client cannot
# reach: tnat64-discover reaches it through the configured prefix (the
# engine's v4_rewrite hook); without a configured prefix it cannot.
TB_PREFIX=2001:db8:64::/64
tb_setup
tb_dns64_setup
echo 'nameserver 198.51.100.1' >"$TB_TMP/resolv4.conf"
out=$(tb_dns_client env TNAT64_CONF_FILE="$TB_TMP/none.conf" "$D" \
	--no-pref64 -n --resolv-conf "$TB_TMP/resolv4.conf" 2>&1)
rc=$?
[ "$rc" = 1 ] && has "198.51.100.1: network unreachable"
expect "ipv4 name server/control: unreachable without a configured prefix" $?
out=$(tb_dns_client env TNAT64_CONF_FILE="$TB_CONF" "$D" \
	--no-pref64 -n --resolv-conf "$TB_TMP/resolv4.conf" 2>&1)
rc=$?
[ "$rc" = 0 ] && has "RFC 7050: $TB_PREFIX from name server 198.51.100.1"
expect "ipv4 name server: reached through the configured prefix" $?
tb_teardown

# ------------------------------------------------ resolver variants

TB_PREFIX=2001:db8:64::/96
tb_setup
tb_dns64_setup

if tb_dns_variant two; then
	run_d -n
	# the server's answer order is its own: one is used, the other
	# reported (which one comes first is test_pfxdisc's business)
	[ "$rc" = 0 ] && {
		{ has "NAT64 prefix: 2001:db8:64::/96" &&
			has "also answered: 2001:db8:65::/96 (not used)"; } ||
			{ has "NAT64 prefix: 2001:db8:65::/96" &&
				has "also answered: 2001:db8:64::/96 (not used)"; }
	}
	expect "variant/two prefixes: first used, second reported" $?
else
	fail "variant/two prefixes" "server did not start"
fi

if tb_dns_variant nowka; then
	run_d -n
	[ "$rc" = 1 ] && has "without the well-known addresses" &&
		has "NAT64 prefix: none found"
	expect "variant/no well-known address: ignored" $?
else
	fail "variant/no well-known address" "server did not start"
fi

if tb_dns_variant nodns64; then
	rm -f "$TB_TMP/run/tnat64/prefix"
	n0=$(tb_dns_queries)
	run_d
	[ "$rc" = 1 ] && has "RFC 7050: no DNS64" &&
		grep -qx "prefix none" "$TB_TMP/run/tnat64/prefix" 2>/dev/null &&
		grep -qx "source none $TB_DNS6" "$TB_TMP/run/tnat64/prefix"
	expect "variant/no DNS64: negative cache" $?
	n1=$(tb_dns_queries)
	run_d --cached
	[ "$rc" = 1 ] && has "NAT64 prefix: none (cached" &&
		[ "$n1" = $((n0 + 1)) ] && [ "$(tb_dns_queries)" = "$n1" ]
	expect "variant/no DNS64: second run asks nobody" $?
else
	fail "variant/no DNS64" "server did not start"
fi

if tb_dns_variant silent; then
	rm -f "$TB_TMP/run/tnat64/prefix"
	n0=$(tb_dns_queries)
	start=$(date +%s%N)
	run_d
	ms=$((($(date +%s%N) - start) / 1000000))
	tb_log "silent server: tnat64-discover gave up after $ms ms (bound 2000 ms + start-up)"
	# resolv.conf's default attempts (2), each a try of the one server
	[ "$rc" = 1 ] && has "RFC 7050: no answer" && has "timeout" &&
		[ "$(tb_dns_queries)" = $((n0 + 2)) ] &&
		grep -qx "prefix none" "$TB_TMP/run/tnat64/prefix" 2>/dev/null
	expect "variant/never answers: gives up after two tries, negative cache" $?
else
	fail "variant/never answers" "server did not start"
fi
tb_dns_variant dns64 || fail "variant/back to dns64" "unbound did not restart"

# ------------------------------------------------ cache trust

tb_user_xdg $NOBODY

n0=$(tb_dns_queries)
as_user
[ "$rc" = 0 ] && has "cache: $UF, valid for" &&
	[ "$(stat -c '%u %a' "$UF" 2>/dev/null)" = "$NOBODY 644" ] &&
	[ "$(stat -c '%u %a' "$XDG/tnat64" 2>/dev/null)" = "$NOBODY 700" ] &&
	[ ! -e "$TB_TMP/run/tnat64/prefix" ]
expect "cache/user: written under XDG_RUNTIME_DIR (0644 in 0700), not the system one" $?
n1=$(tb_dns_queries)
as_user --cached
[ "$rc" = 0 ] && has "cached in $UF" && [ "$(tb_dns_queries)" = "$n1" ]
expect "cache/user: second run asks nobody" $?

# trust_case NAME MESSAGE PREPARE...: spoil the user's cache file, then a
# --cached run must ignore it (one message), ask the server again and
# replace the file with a good one.
trust_case() {
	local name=$1 msg=$2 before
	shift 2
	"$@"
	before=$(tb_dns_queries)
	as_user --cached
	[ "$rc" = 0 ] && has "ignoring $UF ($msg)" &&
		[ "$(printf '%s\n' "$out" | grep -c 'prefix cache: ignoring')" = 1 ] &&
		[ "$(tb_dns_queries)" = $((before + 1)) ] &&
		[ "$(stat -c '%F %u %a' "$UF")" = "regular file $NOBODY 644" ]
	expect "cache/user: $name ignored, asked again, replaced" $?
}
trust_case "file owned by another user" "owned by another user" chown 1:1 "$UF"
trust_case "world-writable file" "writable by group or others" chmod 666 "$UF"
# shellcheck disable=SC2016 # expanded by the inner sh
trust_case "garbage" "not a valid record" \
	sh -c 'printf "garbage\n" >"$1"' sh "$UF"
# shellcheck disable=SC2016
trust_case "symlink" "a symbolic link" \
	sh -c 'rm -f "$1" && ln -s /etc/hostname "$1"' sh "$UF"

# the system cache: written by root, read by users
rm -rf "$XDG/tnat64"
run_d
n1=$(tb_dns_queries)
as_user -n --cached
[ "$rc" = 0 ] && has "cached in /run/tnat64/prefix" && [ "$(tb_dns_queries)" = "$n1" ]
expect "cache/system: read by a user without asking" $?
chown $NOBODY "$TB_TMP/run/tnat64/prefix"
run_d --cached -n
[ "$rc" = 0 ] && has "ignoring /run/tnat64/prefix (owned by another user)" &&
	[ "$(tb_dns_queries)" = $((n1 + 1)) ]
expect "cache/system: a file not root's is refused" $?

# a set-user-ID copy: secure execution, no user cache written, the
# environment's XDG_RUNTIME_DIR not used
cp "$D" "$TB_TMP/discover-suid" && chmod 4755 "$TB_TMP/discover-suid"
rm -rf "$XDG/tnat64"
out=$(tb_dns_client setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
	env XDG_RUNTIME_DIR="$XDG" "$TB_TMP/discover-suid" --no-pref64 2>&1)
rc=$?
[ "$rc" = 0 ] && has "not written (secure-execution process)" && [ ! -e "$XDG/tnat64" ]
expect "cache/secure execution: no user cache" $?

tb_teardown
tb_summary
