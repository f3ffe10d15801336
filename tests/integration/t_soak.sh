#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Long runs (tests/progs/t_soak.c) through the testbed's NAT64 gateway:
# translated connect cycles and datagrams in one process (descriptors
# equal and resident size grown by less than 1 MiB between the first
# 10,000 and the end, both printed), 64 threads connecting while
# others fork and exec, and the seccomp supervisor serving short-lived
# static programs (busybox wget) started all at once.
#
# SOAK=full (`make soak`): 1,000,000 connect cycles, 10,000,000
# datagrams, 64 x 2,000 threaded cycles, 200 static programs at once.
# Otherwise (`make check`, CI) a small version: 20,000, 200,000, 64 x 100
# and 40.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

P=$TB_BUILD/tests/progs
ECHO_PORT=7001
UDP_PORT=7003
if [ "${SOAK:-}" = full ]; then
	CONNECTS=1000000 DGRAMS=10000000 THREADED=2000 T=3000 STATICS=200
else
	CONNECTS=20000 DGRAMS=200000 THREADED=100 T=120 STATICS=40
fi
SV=$TB_BUILD/tnat64-seccomp
BUSYBOX=$(command -v busybox 2>/dev/null || echo /bin/busybox)

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

# The supervisor serving STATICS static programs started at once by one
# (static) shell under it: every one gets the page, the supervisor and
# the shell end.
statics() {
	local d=$TB_TMP/statics out n ok
	if ! "$SV" --check >/dev/null 2>&1 || ! "$SV" --want "$BUSYBOX" >/dev/null 2>&1; then
		skip soak/seccomp-statics "no seccomp supervisor here or busybox is not static"
		return
	fi
	mkdir -p "$d/www" "$d/out" && echo "soak page $$" >"$d/www/index.html" &&
		chmod -R a+rX "$d"
	tb_bg server "$BUSYBOX" httpd -f -p "$TB_SERVER4:80" -h "$d/www" >/dev/null
	if ! tb_wait_tcp server "$TB_SERVER4" 80; then
		fail soak/seccomp-statics "busybox httpd did not start"
		return
	fi
	# shellcheck disable=SC2016 # expanded by the supervised shell
	TB_TIMEOUT=$T tb_client env TNAT64_CONF_FILE="$TB_CONF" N="$STATICS" \
		D="$d/out" A="$TB_SERVER4" "$SV" "$BUSYBOX" sh -c '
		i=0
		while [ "$i" -lt "$N" ]; do # no -T: that option crashes this busybox wget
			busybox wget -q -O "$D/$i" "http://$A/" &
			i=$((i + 1))
		done
		wait' >"$d/sv.out" 2>&1 </dev/null
	out=$?
	n=$(find "$d/out" -type f | wc -l)
	ok=$(grep -lx "soak page $$" "$d"/out/* 2>/dev/null | wc -l)
	echo "# seccomp statics: $STATICS started, $n wrote a file, $ok got the page" >&2
	if [ "$out" -eq 0 ] && [ "$ok" -eq "$STATICS" ]; then
		pass soak/seccomp-statics
	else
		fail soak/seccomp-statics "exit status $out, $ok of $STATICS got the page: $(tail -n 3 "$d/sv.out" | tr '\n' ' ')"
	fi
}
statics

for p in "$SRV_PID" "$UDP_PID" "$TB_TAYGA_PID"; do
	kill -0 "$p" 2>/dev/null || fail soak/daemons "pid $p died during the run"
done
tb_summary
