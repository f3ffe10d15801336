#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Long runs (tests/progs/t_soak.c) through the testbed's NAT64 gateway:
# translated connect cycles and datagrams in one process (descriptors
# equal and resident size grown by less than 1 MiB between the first
# 10,000 and the end, both printed), and 64 threads connecting while
# others fork and exec.
#
# SOAK=full (`make soak`): 1,000,000 connect cycles, 10,000,000
# datagrams, 64 x 2,000 threaded cycles.  Otherwise (`make check`, CI)
# a small version: 20,000, 200,000 and 64 x 100.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

P=$TB_BUILD/tests/progs
ECHO_PORT=7001
UDP_PORT=7003
if [ "${SOAK:-}" = full ]; then
	CONNECTS=1000000 DGRAMS=10000000 THREADED=2000 T=3000
else
	CONNECTS=20000 DGRAMS=200000 THREADED=100 T=120
fi

tb_setup
for p in srv udpecho t_soak; do
	if [ ! -x "$P/$p" ]; then
		fail soak/build "$P/$p not built (run make tests)"
		tb_summary
		exit 1
	fi
done
# Deep queues and no TIME_WAIT pile-up for a million connections.
tb_server sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535 \
	net.ipv4.tcp_max_tw_buckets=0 >/dev/null 2>&1
tb_client sysctl -qw net.ipv4.ip_local_port_range="1024 65535" >/dev/null 2>&1
SRV_PID=$(tb_bg server "$P/srv" -e "$ECHO_PORT" -s 7002)
UDP_PID=$(tb_bg server "$P/udpecho" "$UDP_PORT")
if ! tb_wait_tcp server 0.0.0.0 "$ECHO_PORT" ||
	! tb_wait_udp server 0.0.0.0 "$UDP_PORT"; then
	fail soak/server "srv or udpecho did not start"
	tb_summary
	exit 1
fi

soak() { # NAME SOAK-MODE
	local name=$1 out=$TB_TMP/$1.out err=$TB_TMP/$1.err rc
	TB_TIMEOUT=$T tb_tnat64 env SOAK="$2" "$P/t_soak" -a "$TB_SERVER4" \
		-e "$ECHO_PORT" -s "$UDP_PORT" >"$out" 2>"$err" </dev/null
	rc=$?
	grep '^# ' "$out" >&2
	tb_results "" "soak/$name" "$rc" "$out" "$err" "$T"
}
soak connects "connects $CONNECTS"
soak dgrams "dgrams $DGRAMS"
soak threads "threads $THREADED"

for p in "$SRV_PID" "$UDP_PID" "$TB_TAYGA_PID"; do
	kill -0 "$p" 2>/dev/null || fail soak/daemons "pid $p died during the run"
done
tb_summary
