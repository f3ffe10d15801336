#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tnat64-discover's RFC 8781 (PREF64) readers against stand-ins for the
# services, since Debian 12's systemd 252 and NetworkManager 1.42 predate
# both interfaces:
#   - systemd-networkd: a varlink server answering
#     io.systemd.Network.Describe with JSON BUILT FROM UPSTREAM SOURCE
#     (systemd src/network/networkd-json.c, pref64_append_json: each link's
#     "NDisc": {"PREF64": [{"Prefix": 16 bytes, "PrefixLength",
#     "LifetimeUSec" (CLOCK_BOOTTIME), "ConfigProvider"}]}; newer versions
#     add "PrefixString"), or with varlink's MethodNotFound error;
#   - NetworkManager: tests/progs/fake_nm on a private dbus-daemon, with
#     the object paths and property names of NetworkManager's D-Bus API
#     (Version, Devices, Device.Interface, Device.Ip6Config) and the
#     IP6Config.ClatPref64 property of 1.58 (read as "s").
# Each run is in a new network namespace (no route anywhere: the RFC 7050
# fallback fails at once) and mount namespace (/run is a scratch dir, so
# the cache written is this test's).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

D=$TB_BUILD/tnat64-discover
FAKE_NM=$TB_BUILD/tests/progs/fake_nm
why=
[ "$(id -u)" = 0 ] || why="not root"
[ -z "$why" ] && ! command -v dbus-daemon >/dev/null && why="dbus-daemon not installed"
[ -z "$why" ] && ! command -v unshare >/dev/null && why="unshare not installed"
[ -z "$why" ] && [ ! -x "$FAKE_NM" ] && why="$FAKE_NM not built (make tests)"
if [ -n "$why" ]; then
	skip pref64 "$why"
	exit 0
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-pref64.XXXXXX") || exit 1
PIDS=
cleanup() {
	local p
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.1
	for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
	[ -z "${TB_KEEP:-}" ] && rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$T/run"
echo 'nameserver 2001:db8::53' >"$T/resolv.conf"

# ---------------------------------------------------------------- D-Bus
cat >"$T/bus.conf" <<EOC
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$T/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOC
dbus-daemon --config-file="$T/bus.conf" --nofork --nopidfile >"$T/bus.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do [ -S "$T/bus" ] && break; sleep 0.1; done
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus
NM_PID=

nm_start() { # nm_start VERSION PREF64|-
	nm_stop
	"$FAKE_NM" "$1" "$2" >"$T/nm.out" 2>&1 &
	NM_PID=$!
	PIDS="$PIDS $NM_PID"
	for _ in $(seq 50); do grep -q ready "$T/nm.out" && return 0; sleep 0.1; done
	return 1
}

nm_stop() {
	[ -n "$NM_PID" ] || return 0
	kill -TERM "$NM_PID" 2>/dev/null
	wait "$NM_PID" 2>/dev/null
	NM_PID=
}

# ---------------------------------------------------------------- varlink
VL_PID=
vl_start() { # vl_start REPLY-FILE: serve it (plus NUL) to every call
	vl_stop
	rm -f "$T/varlink"
	python3 -c '
import os, socket, sys
path, reply = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(4)
while True:
    c, _ = s.accept()
    buf = b""
    while b"\0" not in buf:
        d = c.recv(4096)
        if not d:
            break
        buf += d
    if b"io.systemd.Network.Describe" in buf:
        c.sendall(open(reply, "rb").read().strip() + b"\0")
    c.close()
' "$T/varlink" "$1" &
	VL_PID=$!
	PIDS="$PIDS $VL_PID"
	for _ in $(seq 50); do [ -S "$T/varlink" ] && return 0; sleep 0.1; done
	return 1
}

vl_stop() {
	[ -n "$VL_PID" ] || return 0
	kill -TERM "$VL_PID" 2>/dev/null
	wait "$VL_PID" 2>/dev/null
	VL_PID=
	rm -f "$T/varlink"
}

boot_usec() {
	python3 -c 'import time; print(int(time.clock_gettime(time.CLOCK_BOOTTIME) * 1000000))'
}

# A Describe reply as systemd-networkd builds it (networkd-json.c):
# link eth0 with PREF64 entries given as "BYTES LEN LIFETIME_S" triples.
describe() { # describe FILE [--string] ENTRY...
	local f=$1 str=0
	shift
	[ "${1:-}" = --string ] && { str=1; shift; }
	python3 - "$f" "$str" "$(boot_usec)" "$@" <<'EOP'
import ipaddress, json, sys
f, with_string, now = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3])
pref64 = []
for e in sys.argv[4:]:
    addr, plen, life = e.split()
    entry = {"Prefix": list(ipaddress.IPv6Address(addr).packed),
             "PrefixLength": int(plen),
             "LifetimeUSec": now + int(life) * 1000000,
             "ConfigProvider": list(ipaddress.IPv6Address("fe80::1").packed)}
    if with_string:
        entry["PrefixString"] = addr
    pref64.append(entry)
links = [
    {"Index": 1, "Name": "lo", "Type": "loopback",
     "OperationalState": "carrier"},
    {"Index": 2, "Name": "eth0", "Type": "ether",
     "OperationalState": "routable", "NDisc": {"PREF64": pref64}},
]
if not pref64:
    del links[1]["NDisc"]
json.dump({"parameters": {"Interfaces": links}}, open(f, "w"))
EOP
}

# run_d [ARGS]: the tool in fresh net + mount namespaces; $out, $rc.
# shellcheck disable=SC2016 # expanded by the inner sh
run_d() {
	out=$(timeout 30 unshare -mn sh -c 'mount --bind "$1" /run && shift && exec "$@"' \
		run_d "$T/run" "$D" --networkd-socket "$T/varlink" \
		--resolv-conf "$T/resolv.conf" --timeout 300 "$@" 2>&1)
	rc=$?
}

has() { printf '%s\n' "$out" | grep -qF -- "$1"; }

check() { # check NAME STATUS
	if [ "$2" = 0 ]; then
		pass "$1"
	else
		fail "$1" "$(printf '%s' "$out" | tr '\n' '|' | cut -c1-300)"
	fi
}

cache_has() { grep -qx -- "$1" "$T/run/tnat64/prefix" 2>/dev/null; }

# --- networkd with a PREF64, NetworkManager absent
describe "$T/d1.json" "2001:db8:64:: 96 1800"
vl_start "$T/d1.json"
run_d
[ "$rc" = 0 ] && has "systemd-networkd: PREF64 from networkd/eth0" &&
	has "NetworkManager: not running" &&
	has "NAT64 prefix: 2001:db8:64::/96 (pref64 networkd/eth0)" &&
	! has "RFC 7050" && cache_has "source pref64 networkd/eth0" &&
	cache_has "prefix 2001:db8:64::/96"
check "networkd: PREF64 found, used and cached" $?
obt=$(sed -n 's/^obtained //p' "$T/run/tnat64/prefix")
exp=$(sed -n 's/^expires //p' "$T/run/tnat64/prefix")
# the RA lifetime (1800 s, minus the moment it took) is the cache's
life=$((exp - obt))
[ "$life" -ge 1790 ] && [ "$life" -le 1800 ]
out="lifetime $life" check "networkd: cache lifetime from LifetimeUSec" $?

describe "$T/d2.json" --string "2001:db8:6400:: 40 600" "2001:db8:65:: 64 600"
vl_start "$T/d2.json"
run_d -n
[ "$rc" = 0 ] && has "NAT64 prefix: 2001:db8:6400::/40" &&
	has "also advertised: 2001:db8:65::/64 (networkd/eth0; not used)"
check "networkd: two PREF64 (with PrefixString), first used" $?

describe "$T/d3.json" "2001:db8:64:: 96 -5" "2001:db8:66:: 80 600"
vl_start "$T/d3.json"
run_d -n
[ "$rc" = 1 ] && has "none usable" && has "RFC 7050: no answer"
check "networkd: expired and non-RFC 6052 entries refused, RFC 7050 next" $?

describe "$T/d4.json"
vl_start "$T/d4.json"
run_d -n
[ "$rc" = 1 ] && has "systemd-networkd: no PREF64"
check "networkd: running without PREF64" $?

printf '%s' '{"error":"org.varlink.service.MethodNotFound","parameters":{"method":"io.systemd.Network.Describe"}}' >"$T/old.json"
vl_start "$T/old.json"
run_d -n
[ "$rc" = 1 ] && has "systemd-networkd: too old: it lacks io.systemd.Network.Describe"
check "networkd: too old (MethodNotFound)" $?

printf '%s' '{"parameters": {"Interfaces": [' >"$T/bad.json"
vl_start "$T/bad.json"
run_d -n
[ "$rc" = 1 ] && has "systemd-networkd: unreadable reply"
check "networkd: truncated JSON refused" $?
vl_stop

run_d -n
[ "$rc" = 1 ] && has "systemd-networkd: not running (no varlink socket $T/varlink)"
check "networkd: absent" $?

# --- NetworkManager
if nm_start 1.42.4 -; then
	run_d -n
	[ "$rc" = 1 ] && has "NetworkManager: version 1.42.4 is too old (its CLAT PREF64 needs 1.58 or later)"
	check "NetworkManager 1.42 (Debian 12): too old" $?
else
	fail "NetworkManager 1.42: too old" "fake_nm did not start: $(cat "$T/nm.out")"
fi

if nm_start 1.58.0 2001:db8:64::/56; then
	run_d
	[ "$rc" = 0 ] && has "NetworkManager: 1.58.0: PREF64 from NetworkManager/eth0" &&
		has "NAT64 prefix: 2001:db8:64::/56 (pref64 NetworkManager/eth0)" &&
		cache_has "source pref64 NetworkManager/eth0"
	check "NetworkManager 1.58: ClatPref64 found, used and cached" $?
else
	fail "NetworkManager 1.58: ClatPref64" "fake_nm did not start: $(cat "$T/nm.out")"
fi

if nm_start 1.58.0 ""; then
	run_d -n
	[ "$rc" = 1 ] && has "NetworkManager: 1.58.0: no PREF64 (no CLAT running)"
	check "NetworkManager 1.58 without a CLAT: no PREF64" $?
fi
if nm_start 1.60.1 -; then
	run_d -n
	[ "$rc" = 1 ] && has "NetworkManager: 1.60.1: no PREF64"
	check "NetworkManager without the property: no PREF64" $?
fi
if nm_start 1.58.0 2001:db8:64::/80; then
	run_d -n
	[ "$rc" = 1 ] && has "unusable ClatPref64 values seen"
	check "NetworkManager: a non-RFC 6052 prefix refused" $?
fi

# --- both: networkd is asked first
describe "$T/d5.json" "2001:db8:77:: 96 600"
vl_start "$T/d5.json"
if nm_start 1.58.0 2001:db8:64::/56; then
	run_d -n
	[ "$rc" = 0 ] && has "NAT64 prefix: 2001:db8:77::/96 (pref64 networkd/eth0)"
	check "networkd before NetworkManager" $?
fi
nm_stop
vl_stop

# --- --no-pref64 asks neither
run_d -n --no-pref64
[ "$rc" = 1 ] && ! has "systemd-networkd" && ! has "NetworkManager:" &&
	has "RFC 7050: no answer"
check "--no-pref64: straight to RFC 7050" $?

tb_summary
