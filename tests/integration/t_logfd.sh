#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Log lines never go into the program's connections (issue 8).  With
# TNAT64_DEBUG=10, a program takes the descriptor of the debug file (or
# standard error) for its own socket, every way a program closes
# descriptors (close, close_range, closefrom, dup2/dup3 onto it, raw
# system calls), then talks TCP (srv's checksum service: the server's byte
# count and hash must be the program's) and UDP (udpecho: every echo must
# be a datagram the program sent) to the IPv4-only server through NAT64.
# Under the library and under the supervisor.  The debug file must hold
# the translation line afterwards.  ssh with the blog post's set-up is in
# t_clients.sh.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

SUM_PORT=7002
UDP_PORT=7003
P=$TB_BUILD/tests/progs
SV=$TB_BUILD/tnat64-seccomp
WAYS="close close_range raw-close_range closefrom dup2 dup3 raw-close"

tb_setup

for p in srv udpecho t_logfd; do
	if [ ! -x "$P/$p" ]; then
		fail logfd/build "$P/$p not built (run make tests)"
		tb_summary
		exit 1
	fi
done
tb_bg server "$P/srv" -s "$SUM_PORT" >/dev/null
tb_bg server "$P/udpecho" -a "$TB_SERVER4" "$UDP_PORT" >/dev/null
if ! tb_wait_tcp server 0.0.0.0 "$SUM_PORT" ||
	! tb_wait_udp server "$TB_SERVER4" "$UDP_PORT"; then
	fail logfd/servers "srv or udpecho did not start"
	tb_summary
	exit 1
fi

# one MECH WHERE WAY PROTO: one run of t_logfd, results forwarded; for
# WHERE=file, the debug file must show the translation.
one() {
	local mech=$1 where=$2 way=$3 proto=$4 name log out rc
	name=$mech/$where/$way/$proto
	log=$TB_TMP/$mech.$where.$way.$proto.log
	out=$TB_TMP/$mech.$where.$way.$proto.out
	local -a env=(TNAT64_DEBUG=10)
	[ "$where" = file ] && env+=(TNAT64_DEBUG_FILE="$log")
	local -a args=(-a "$TB_SERVER4" -s "$SUM_PORT" -u "$UDP_PORT"
		"$where" "$way" "$proto")
	if [ "$mech" = library ]; then
		TB_TIMEOUT=30 TNAT64_DEBUG=10 tb_tnat64 env "${env[@]}" \
			"$P/t_logfd" "${args[@]}" >"$out" 2>"$out.err" </dev/null
	else
		TB_TIMEOUT=30 tb_client env TNAT64_CONF_FILE="$TB_CONF" "${env[@]}" \
			"$SV" "$P/t_logfd" "${args[@]}" >"$out" 2>"$out.err" </dev/null
	fi
	rc=$?
	tb_results "$mech/" "logfd/$name" "$rc" "$out" "$out.err" 30
	[ "$where" = file ] || return 0
	# the library's "A:P via NAT64", the supervisor's "connect A:P -> [..]"
	if grep -Eq "$TB_SERVER4:[0-9]+ (via NAT64|-> \[)" "$log" 2>/dev/null; then
		pass "logfd/$name/line-in-file"
	else
		fail "logfd/$name/line-in-file" "no translation line in $log: $(tail -n 2 "$log" 2>/dev/null | tr '\n' ' ')"
	fi
}

for mech in library seccomp; do
	if [ "$mech" = seccomp ] && ! "$SV" --check >/dev/null 2>&1; then
		skip logfd/seccomp "$("$SV" --check 2>&1 | head -n 1)"
		continue
	fi
	for where in file stderr; do
		for way in $WAYS; do
			for proto in tcp udp; do
				one "$mech" "$where" "$way" "$proto"
			done
		done
	done
done

tb_summary
