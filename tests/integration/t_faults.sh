#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults while the library works (tests/progs/t_faults.c has the cases):
# descriptors exhausted (RLIMIT_NOFILE), the kernel refusing the
# library's sockets and sends (ENOBUFS, a seccomp filter), no memory for
# its table (mmap refused), /proc not mounted or mounted with hidepid=2,
# a configuration that cannot be read or vanishes after start, and a
# debug file on a full disk.  Each time the program's calls succeed or
# fail with the errno they give without the library, no descriptor is
# left behind, nothing crashes, and at most one line is written to the
# program's standard error.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ECHO_PORT=7001
P=$TB_BUILD/tests/progs
NOBODY=65534

tb_setup

for p in srv t_faults; do
	if [ ! -x "$P/$p" ]; then
		fail faults/build "$P/$p not built (run make tests)"
		tb_summary
		exit 1
	fi
done
SRV_PID=$(tb_bg server "$P/srv" -e "$ECHO_PORT" -s 7002)
if ! tb_wait_tcp server 0.0.0.0 "$ECHO_PORT"; then
	fail faults/server "srv did not start"
	tb_summary
	exit 1
fi

# Files nobody may read: the programs, a copy of the configuration.
chmod 711 "$TB_TMP"
PUB=$TB_TMP/pub
mkdir -m 755 "$PUB"
cp "$TB_CONF" "$PUB/tnat64.conf"
chmod 644 "$PUB/tnat64.conf"

A=(-a "$TB_SERVER4" -e "$ECHO_PORT")

# run NAME MAXLINES [VAR=VALUE...] -- CMD...: run CMD under the library
# (with the variables) in the client namespace; forward its results;
# fail NAME/stderr when it wrote more than MAXLINES lines to stderr.
run() {
	local name=$1 max=$2 out err rc n
	local vars=()
	shift 2
	while [ "$1" != -- ]; do
		vars+=("$1")
		shift
	done
	shift
	out=$TB_TMP/$name.out
	err=$TB_TMP/$name.err
	TB_TIMEOUT=60 tb_tnat64 env "${vars[@]}" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
	# ASan's own start-up lines are not the library's
	n=$(grep -cv '^==' "$err")
	tb_results "$name: " "faults/$name" "$rc" "$out" "$err" 60
	if [ "$n" -le "$max" ]; then
		pass "faults/$name: at most $max line(s) on stderr"
	else
		fail "faults/$name: at most $max line(s) on stderr" \
			"$n: $(head -c 300 "$err" | tr '\n' '|')"
	fi
}

# Command prefixes (run through env): in a private mount namespace with
# /proc unmounted, or remounted with hidepid=2 and as nobody; as nobody.
# shellcheck disable=SC2016 # expanded by the inner sh
NOPROC=(unshare -m --propagation private sh -c 'umount -l /proc && exec "$@"' sh)
# shellcheck disable=SC2016
HIDEPID=(unshare -m --propagation private sh -c
	'mount -t proc -o hidepid=2 proc /proc && exec "$@"' sh
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups)
NOBODY_=(setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups)

# Each case in a process of its own: they need NAT64 not yet used.
for c in nofile enobufs nomem; do
	run "$c" 0 FAULTS="$c" -- "$P/t_faults" "${A[@]}"
done
run epoll 0 FAULTS="plain epoll" -- "$P/t_faults" "${A[@]}"
if [ "${SANITIZE:-}" = 1 ]; then
	skip faults/no-proc "AddressSanitizer itself needs /proc"
else
	run no-proc 0 FAULTS="epoll-noproc plain" -- "${NOPROC[@]}" "$P/t_faults" "${A[@]}"
fi
run hidepid 0 FAULTS="plain epoll" TNAT64_CONF_FILE="$PUB/tnat64.conf" -- \
	"${HIDEPID[@]}" "$P/t_faults" "${A[@]}"

# The configuration unreadable, or gone by the first socket: one line,
# and TNAT64_NAT64_PREFIX still gives the prefix.
cp "$PUB/tnat64.conf" "$PUB/secret.conf"
chmod 000 "$PUB/secret.conf"
run unreadable-conf 1 FAULTS=plain TNAT64_CONF_FILE="$PUB/secret.conf" \
	TNAT64_NAT64_PREFIX="$TB_PREFIX" -- "${NOBODY_[@]}" "$P/t_faults" "${A[@]}"
if grep -q "cannot read $PUB/secret.conf: permission denied" "$TB_TMP/unreadable-conf.err"; then
	pass "faults/unreadable-conf: the line names the file and why"
else
	fail "faults/unreadable-conf: the line names the file and why" \
		"$(head -c 300 "$TB_TMP/unreadable-conf.err")"
fi
cp "$PUB/tnat64.conf" "$PUB/gone.conf"
run vanished-conf 1 FAULTS=plain TNAT64_CONF_FILE="$PUB/gone.conf" \
	FAULTS_UNLINK="$PUB/gone.conf" TNAT64_NAT64_PREFIX="$TB_PREFIX" -- \
	"$P/t_faults" "${A[@]}"
if grep -q "cannot read $PUB/gone.conf: no such file" "$TB_TMP/vanished-conf.err"; then
	pass "faults/vanished-conf: the line names the file and why"
else
	fail "faults/vanished-conf: the line names the file and why" \
		"$(head -c 300 "$TB_TMP/vanished-conf.err")"
fi

# A debug file on a full disk: /dev/full, and a full tmpfs.
run debug-dev-full 1 FAULTS=plain TNAT64_DEBUG=3 TNAT64_DEBUG_FILE=/dev/full -- \
	"$P/t_faults" "${A[@]}"
# shellcheck disable=SC2016 # expanded by the inner sh
run debug-full-tmpfs 1 FAULTS=plain TNAT64_DEBUG=3 -- \
	unshare -m --propagation private sh -c \
	'mount -t tmpfs -o size=16k tmpfs "$0" &&
	 { head -c 65536 /dev/zero >"$0/fill" 2>/dev/null; true; } &&
	 TNAT64_DEBUG_FILE="$0/debug.log" exec "$@"' "$PUB" \
	"$P/t_faults" "${A[@]}"

if ! kill -0 "$SRV_PID" 2>/dev/null; then
	fail faults/server "srv died during the run"
fi
tb_summary
