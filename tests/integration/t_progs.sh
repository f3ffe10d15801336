#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs the C test programs of tests/progs/ (built into $B/tests/progs by
# `make tests`) in the testbed: each client program runs under the library
# in the IPv6-only client namespace and talks by IPv4 literal to srv (the
# echo and checksum services) in the IPv4-only server namespace, through
# tayga.  Their PASS/FAIL/SKIP lines are forwarded; a program that crashes,
# times out or exits non-zero without a FAIL line gets a FAIL line of its
# own (progs/NAME).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ECHO_PORT=7001
SUM_PORT=7002
REFUSED_PORT=7009   # nothing listens there
OPTS_PORT=7201      # client ns: bind-before-connect
LOCAL_PORT=7101     # client ns: loopback listeners, 7101..7104
P=$TB_BUILD/tests/progs
PROGS="t_names t_opts t_local t_nonblock t_threads t_fork t_bulk t_fastopen t_signal t_epoll t_ioctl"

tb_setup

# shellcheck disable=SC2046 # (PROGS: names, one word each)
tb_need_built progs $(for p in srv $PROGS; do echo "$P/$p"; done)

# Client-side TCP Fast Open (bit 0), keeping whatever else is set.
tfo=$(tb_client sysctl -n net.ipv4.tcp_fastopen 2>/dev/null) || tfo=1
tb_client sysctl -qw net.ipv4.tcp_fastopen=$((tfo | 1)) >/dev/null ||
	tb_log "could not enable client TFO in the client namespace"

SRV_PID=$(tb_bg server "$P/srv" -e "$ECHO_PORT" -s "$SUM_PORT")
if ! tb_wait_tcp server 0.0.0.0 "$ECHO_PORT" ||
	! tb_wait_tcp server 0.0.0.0 "$SUM_PORT"; then
	fail progs/server "srv did not start: $(cat "$TB_TMP"/bg.*.log 2>/dev/null | tail -n 3)"
	tb_summary
	exit 1
fi

# Client interface towards the gateway, for SO_BINDTODEVICE.
IFNAME=$(tb_client ip -o -6 route show default 2>/dev/null |
	sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1)
: "${IFNAME:=eth0}"

# run_prog TIMEOUT NAME ARGS...: run one program under the library and
# forward its result lines through pass/fail/skip.
run_prog() {
	local t=$1 name=$2 out err rc
	shift 2
	out=$TB_TMP/$name.out
	err=$TB_TMP/$name.err
	TB_TIMEOUT=$t tb_tnat64 "$P/$name" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
	tb_results "" "progs/$name" "$rc" "$out" "$err" "$t"
}

A=(-a "$TB_SERVER4" -b "$TB_SERVER4B" -e "$ECHO_PORT" -s "$SUM_PORT"
	-r "$REFUSED_PORT")
# Timeouts add up to less than tests/run.sh's 300 s per script.
run_prog 25 t_names "${A[@]}"
run_prog 25 t_opts "${A[@]}" -l "$OPTS_PORT" -i "$IFNAME"
run_prog 25 t_local -l "$LOCAL_PORT"
run_prog 25 t_nonblock "${A[@]}"
run_prog 30 t_threads "${A[@]}" -t 32
run_prog 25 t_fork "${A[@]}"
run_prog 90 t_bulk "${A[@]}" -n 50000000
run_prog 25 t_fastopen "${A[@]}"
run_prog 30 t_signal "${A[@]}"
run_prog 25 t_epoll "${A[@]}"
run_prog 25 t_ioctl lo

if ! kill -0 "$TB_TAYGA_PID" 2>/dev/null; then
	fail progs/tayga "tayga died during the run"
fi
if ! kill -0 "$SRV_PID" 2>/dev/null; then
	fail progs/server "srv died during the run: $(tail -n 3 "$TB_TMP/bg.$SRV_PID.log" 2>/dev/null)"
fi

tb_summary
