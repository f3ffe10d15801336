# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# tests/integration/sysns.sh - system-wide mode without touching the host.
# Sourced by bash test scripts after lib.sh.
#
# The files every program reads at start (/etc/ld.so.preload) and the
# library's default configuration (/etc/tnat64.conf) are given to one
# command at a time, in a private mount namespace: there a tmpfs holds the
# upper layer of an overlay mounted over /etc, so /etc/ld.so.preload and
# /etc/tnat64.conf are the test's files (or absent), everything else in
# /etc is the host's, and whatever the command writes to /etc stays in
# that namespace.  /run is overlaid the same way (the NAT64 prefix cache
# a program may write, /run/tnat64, stays there too).  The host's /etc
# and /run are never written; the namespace and its tmpfs go away with
# the command.  unshare, sh and mount run before the
# overlay exists, so they never load a test library themselves.
#
#   sys_exec PRELOAD CONF CMD...   run CMD in the current network namespace
#   sys_client PRELOAD CONF CMD... run CMD in the testbed's client namespace
#       PRELOAD: a file to be /etc/ld.so.preload, or - for none
#       CONF:    a file to be /etc/tnat64.conf, - for none, = for the host's
#   The status is CMD's, or 125 when the namespace could not be made.
#   Both are bounded by timeout ${TB_TIMEOUT:-60} (sys_exec too).
#
#   sys_check_usable   0 when this works here; else 1 and the reason in
#                      SYS_WHY
#
# Needs root, util-linux's unshare and an overlayfs-capable kernel.

# The command the namespace runs first: $1 scratch directory (empty),
# $2 PRELOAD, $3 CONF, then the command.
# shellcheck disable=SC2016
SYS_INNER='
d=$1 pre=$2 conf=$3
shift 3
mount -t tmpfs -o mode=0755 tnat64-test "$d" &&
	mkdir -m 755 "$d/upper" "$d/work" || exit 125
if [ "$pre" != - ]; then
	cp -- "$pre" "$d/upper/ld.so.preload" &&
		chmod 644 "$d/upper/ld.so.preload" || exit 125
fi
case $conf in
- | =) ;;
*) cp -- "$conf" "$d/upper/tnat64.conf" && chmod 644 "$d/upper/tnat64.conf" ||
	exit 125 ;;
esac
mount -t overlay tnat64-test \
	-o "lowerdir=/etc,upperdir=$d/upper,workdir=$d/work" /etc || exit 125
mkdir -m 755 "$d/rupper" "$d/rwork" && mount -t overlay tnat64-test \
	-o "lowerdir=/run,upperdir=$d/rupper,workdir=$d/rwork" /run || exit 125
[ "$pre" != - ] || rm -f /etc/ld.so.preload || exit 125
[ "$conf" != - ] || rm -f /etc/tnat64.conf || exit 125
exec "$@"
'

# sys_dir: a fresh empty directory for one namespace's tmpfs.
sys_dir() {
	mktemp -d "${TB_TMP:-${TMPDIR:-/tmp}}/sysns.XXXXXX"
}

# sys_ns PRELOAD CONF WRAPPER... -- CMD...: CMD in a namespace made by
# "WRAPPER unshare".  The scratch directory is empty again on the host
# once the namespace is gone (its tmpfs was mounted there only inside):
# removed after the command, whatever its status.
sys_ns() {
	local pre=$1 conf=$2 d rc=0 wrap=()
	shift 2
	while [ "$1" != -- ]; do
		wrap+=("$1")
		shift
	done
	shift
	d=$(sys_dir) || return 125
	"${wrap[@]}" unshare --mount --propagation private \
		sh -c "$SYS_INNER" sys-ns "$d" "$pre" "$conf" "$@" || rc=$?
	rmdir "$d" 2>/dev/null
	return "$rc"
}

sys_exec() {
	sys_ns "$1" "$2" timeout -k 5 "${TB_TIMEOUT:-60}" -- "${@:3}"
}

sys_client() {
	sys_ns "$1" "$2" tb_exec client -- "${@:3}"
}

sys_check_usable() {
	local f out
	export SYS_WHY=
	if [ "$(id -u)" != 0 ]; then
		SYS_WHY="needs root"
		return 1
	fi
	if ! command -v unshare >/dev/null 2>&1; then
		SYS_WHY="unshare (util-linux) not installed"
		return 1
	fi
	f=$(mktemp "${TB_TMP:-${TMPDIR:-/tmp}}/sysns-probe.XXXXXX") || return 1
	echo "/nonexistent/tnat64-probe.so" >"$f"
	out=$(sys_exec "$f" - cat /etc/ld.so.preload 2>/dev/null)
	rm -f "$f"
	if [ "$out" != "/nonexistent/tnat64-probe.so" ]; then
		SYS_WHY="cannot overlay /etc in a private mount namespace: $out"
		return 1
	fi
	# And the host's file is still what it was.
	if grep -qs tnat64-probe /etc/ld.so.preload; then
		SYS_WHY="the probe reached the host's /etc/ld.so.preload"
		return 1
	fi
	return 0
}
