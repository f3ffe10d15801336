#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/package/t_installed.sh - the installed Debian package, as a user
# has it: /usr/bin/tnat64 (finding /usr/lib/tnat64/libtnat64.so and the
# supervisor by itself), the library reading /etc/tnat64.conf (its own
# default path: no TNAT64_CONF_FILE), tnat64-validateconf and the manual
# pages.  Real clients in the IPv6-only client namespace of the testbed
# reach the IPv4-only server: curl, ssh, dig, and a static busybox wget
# (the launcher runs it under the seccomp supervisor).
#
# /etc/tnat64.conf is the testbed's configuration only inside private
# mount namespaces (tests/integration/sysns.sh); the installed file is
# never changed.  Run by tests/package/run.sh with the package installed.

# shellcheck disable=SC2015
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/integration/lib.sh
. "$ROOT/tests/integration/lib.sh"
# shellcheck source=tests/integration/sysns.sh
. "$ROOT/tests/integration/sysns.sh"
TB_NAME=t_installed

LAUNCHER=/usr/bin/tnat64
VALIDATE=/usr/bin/tnat64-validateconf
LIB=/usr/lib/tnat64/libtnat64.so
SV=/usr/lib/tnat64/tnat64-seccomp
for f in "$LAUNCHER" "$VALIDATE" "$LIB" "$SV" /etc/tnat64.conf; do
	if [ ! -e "$f" ]; then
		fail installed/files "$f missing: is the package installed?"
		tb_summary
		exit 1
	fi
done
VERSION=$(sed -n 's/^VERSION *= *//p' "$ROOT/Makefile")
unset LD_PRELOAD TNAT64_CONF_FILE TNAT64_NAT64_PREFIX TNAT64_DEBUG TNAT64_DEBUG_FILE

# ------------------------------------------------- no network needed

for p in "$LAUNCHER" "$VALIDATE" "$SV"; do
	out=$("$p" --version 2>&1)
	[ "$out" = "${p##*/} $VERSION" ] && pass "installed/version: ${p##*/}" ||
		fail "installed/version: ${p##*/}" "got '$out'"
done
out=$("$LAUNCHER" --help 2>&1)
[[ $out == *"Library: $LIB"* ]] && [[ $out == *"Supervisor: $SV"* ]] &&
	pass installed/launcher-finds-the-installed-files ||
	fail installed/launcher-finds-the-installed-files "$(echo "$out" | tail -n 3)"
if "$VALIDATE" >/dev/null; then
	pass installed/shipped-conf-validates
else
	fail installed/shipped-conf-validates "tnat64-validateconf exits $?"
fi
for m in man1/tnat64.1 man1/tnat64-validateconf.1 man5/tnat64.conf.5 man8/tnat64.8; do
	f=/usr/share/man/$m.gz
	if [ -f "$f" ] && zcat "$f" | grep -q '^\.TH .*"tnat64 '"$VERSION"'"'; then
		pass "installed/man: $m"
	else
		fail "installed/man: $m" "missing, or not of version $VERSION"
	fi
done
zcat /usr/share/man/man8/tnat64.8.gz | grep -q '/usr/lib/tnat64/libtnat64\.so' &&
	pass installed/man-names-the-library ||
	fail installed/man-names-the-library "tnat64(8) does not name $LIB"

# ------------------------------------------------------------ clients

tb_setup
T=$TB_TMP
A=$TB_SERVER4
mkdir -p "$T/www"
TOKEN=tnat64-installed-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
echo "$TOKEN" >"$T/www/token.txt"
tb_bg server python3 -m http.server 8080 --bind "$A" --directory "$T/www" >/dev/null
HAVE_DNS=no
if command -v dnsmasq >/dev/null 2>&1 && command -v dig >/dev/null 2>&1; then
	HAVE_DNS=yes
	tb_dnsmasq "$A" "www.tnat64.test,$TB_SERVER4B" >/dev/null
fi
HAVE_SSH=no
if command -v ssh >/dev/null 2>&1 && [ -x /usr/sbin/sshd ]; then
	if why=$(tb_sshd "$T/ssh" "$A" 2222); then
		HAVE_SSH=yes
	else
		fail installed/sshd "$why"
	fi
fi
tb_wait_tcp server "$A" 8080 || fail installed/http-server "did not start"
[ "$HAVE_DNS" = no ] || tb_wait_udp server "$A" 53 || fail installed/dnsmasq "did not start"

# inst NAME EXPECT CMD...: without the launcher CMD fails; with
# `tnat64 CMD`, /etc/tnat64.conf being the testbed's, it prints EXPECT.
inst() {
	local name=$1 expect=$2 out rc
	shift 2
	out=$(sys_client - "$TB_CONF" "$@" 2>&1)
	rc=$?
	[ "$rc" != 0 ] && [[ $out != *"$expect"* ]] &&
		pass "installed/$name/control" ||
		fail "installed/$name/control" "worked without tnat64 (status $rc)"
	out=$(sys_client - "$TB_CONF" "$LAUNCHER" "$@" 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [[ $out == *"$expect"* ]] &&
		pass "installed/$name" ||
		fail "installed/$name" "status $rc: $(echo "$out" | tail -n 2 | tr '\n' '|')"
}

inst curl "$TOKEN" curl -sS --max-time 10 "http://$A:8080/token.txt"
if [ "$HAVE_SSH" = yes ]; then
	inst ssh ssh-ok ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10 \
		-i "$T/ssh/id_ed25519" -p 2222 "root@$A" echo ssh-ok
else
	skip installed/ssh "openssh client/server not installed"
fi
if [ "$HAVE_DNS" = yes ]; then
	inst dig "$TB_SERVER4B" dig +short +time=2 +tries=1 @"$A" www.tnat64.test A
else
	skip installed/dig "dnsmasq or dig not installed"
fi
BUSYBOX=$(command -v busybox 2>/dev/null)
if [ -n "$BUSYBOX" ] && "$SV" --want "$BUSYBOX" 2>/dev/null; then
	if "$SV" --check 2>/dev/null; then
		inst busybox-static-wget "$TOKEN" "$BUSYBOX" wget -q -O - "http://$A:8080/token.txt"
	else
		skip installed/busybox-static-wget "this kernel cannot run the seccomp supervisor: $("$SV" --check 2>&1)"
	fi
else
	skip installed/busybox-static-wget "no static busybox (busybox-static)"
fi
# What validateconf says of the destination, with that configuration.
out=$(sys_exec - "$TB_CONF" "$VALIDATE" -t "$A:8080" 2>&1)
[[ $out == *"via NAT64 prefix $TB_PREFIX (default) -> IPv6 address $TB_SERVER6"* ]] &&
	pass installed/validateconf-target ||
	fail installed/validateconf-target "$out"

# Zero configuration: the installed /etc/tnat64.conf (nat64_prefix =
# auto), a DNS64 on the testbed's prefix: the launcher fills the cache
# (/run is private to each command here), curl gets through, status says
# where the prefix came from.
if [ "$HAVE_DNS" = yes ] && command -v unbound >/dev/null 2>&1; then
	tb_dns64_setup
	# shellcheck disable=SC2016 # expanded by the inner sh
	zc() { sys_client - = sh -c 'cp "$1" /etc/resolv.conf && shift && exec "$@"' zc \
		"$TB_RESOLV" "$@" 2>&1; }
	out=$(zc "$LAUNCHER" curl -sS --max-time 10 "http://$A:8080/token.txt")
	rc=$?
	[ "$rc" = 0 ] && [[ $out == *"$TOKEN"* ]] &&
		pass installed/zero-config/curl ||
		fail installed/zero-config/curl "status $rc: $(echo "$out" | tail -n 2 | tr '\n' '|')"
	out=$(zc "$LAUNCHER" status "$A:8080")
	rc=$?
	[ "$rc" = 0 ] && [[ $out == *"NAT64 prefix $TB_PREFIX"* ]] &&
		[[ $out == *"from RFC 7050: name server $TB_DNS6"* ]] &&
		pass installed/zero-config/status ||
		fail installed/zero-config/status "status $rc: $(echo "$out" | tr '\n' '|')"
else
	skip installed/zero-config "dnsmasq, dig or unbound not installed"
fi

tb_summary
