#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/package/run.sh - the Debian package, as root on a disposable
# Debian 12 host (`make check-package`; .ci/run runs it after make check):
#
#  1. build: dpkg-buildpackage -us -uc -b in a copy of the tree (this tree
#     is left as it was: checked with git status), lintian (no error, no
#     warning), the package's files and conffile against Debian's 0.06.
#  2. upgrade from Debian's tnat64 0.06 (from the archive, apt-get
#     download): with an edited /etc/tnat64.conf and --force-confold (the
#     edit is kept, the new file waits in .dpkg-dist), then remove (the
#     conffile stays), then purge (nothing stays); and again with the
#     conffile as shipped (replaced without a question: stdin is
#     /dev/null, a question would fail the install).  Files, versions and
#     conffile are checked at each step; dpkg must report no conflict.  The
#     edited file keeps 0.06's explicit prefix; the replaced one says
#     nat64_prefix = auto.  tnat64-discover's units are enabled by the
#     postinst, never started (no query from this host).
#  3. the installed package: tests/package/t_installed.sh (curl, ssh, dig
#     and a static busybox through /usr/bin/tnat64 with /etc/tnat64.conf)
#     and tests/integration/t_system.sh against the installed paths.
#  4. removal with the system-wide mode on (in a private mount namespace:
#     its /etc is an overlay): the prerm takes the line out of
#     /etc/ld.so.preload; a line it did not write stops the removal.
#  Then the package is purged (also on failure or interruption).
#
# Installs and purges the package "tnat64" on this host: it refuses to
# run when tnat64 is installed already.  Output: PASS/FAIL/SKIP lines,
# then "N passed, N failed, N skipped"; exit 1 if anything failed.
# Environment: KEEP=1 keeps the scratch directory.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
export PATH="$PATH:/usr/sbin:/sbin"
export DEBIAN_FRONTEND=noninteractive

# Result helpers (pass, fail, skip and their counts) from the testbed's
# library; no testbed is built here (the sub-tests build their own).
# shellcheck source=tests/integration/lib.sh
. "$ROOT/tests/integration/lib.sh"
log() { echo "# $*" >&2; }
summary() {
	echo "$TB_NPASS passed, $TB_NFAIL failed, $TB_NSKIP skipped"
	[ "$TB_NFAIL" -eq 0 ]
}
# check NAME CMD...: PASS when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then
		pass "$name"
	else
		fail "$name" "$*"
	fi
}

if [ "$(id -u)" != 0 ]; then
	skip package "needs root (installs and purges the package)"
	summary
	exit 0
fi
for t in dpkg-buildpackage lintian apt-get dpkg-deb; do
	if ! command -v "$t" >/dev/null 2>&1; then
		fail package "$t not installed (apt-get install debhelper lintian)"
		summary
		exit 1
	fi
done
installed() {
	dpkg-query -W -f '${db:Status-Status}' tnat64 2>/dev/null
}
case $(installed) in
'' | not-installed) ;;
*)
	fail package "the package tnat64 is on this host already ($(installed)); this test installs and purges it"
	summary
	exit 1
	;;
esac

VERSION=$(sed -n 's/^VERSION *= *//p' Makefile)
DEBVERSION=$(dpkg-parsechangelog -l debian/changelog -S Version)
ARCH=$(dpkg --print-architecture)
W=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-package.XXXXXX") || exit 1
purge() {
	case $(installed) in
	'' | not-installed) ;;
	*) dpkg --purge tnat64 >>"$W/dpkg.log" 2>&1 ;;
	esac
}
cleanup() {
	purge
	if [ -z "${KEEP:-}" ]; then
		rm -rf "$W"
	else
		log "kept $W"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ build

if [ "$DEBVERSION" = "$VERSION" ]; then
	pass "package/version: debian/changelog says $DEBVERSION, as the Makefile"
else
	fail package/version "debian/changelog says $DEBVERSION, the Makefile $VERSION"
fi

GIT=no
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	GIT=yes
	git -C "$ROOT" status --porcelain --ignored >"$W/status.before"
fi
SRC=$W/build/tnat64-$VERSION
mkdir -p "$SRC"
if [ "$GIT" = yes ]; then
	# What git has, and new files it does not ignore: no build output.
	git -C "$ROOT" ls-files -z -co --exclude-standard |
		(cd "$ROOT" && tar --null -cf - -T -) | tar -xf - -C "$SRC"
else
	tar -cf - --exclude=./build --exclude=./build-san --exclude=./build-deb \
		--exclude=./build-clang -C "$ROOT" . | tar -xf - -C "$SRC"
fi
log "building the package in $SRC"
if (cd "$SRC" && dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1; then
	pass package/build
else
	fail package/build "dpkg-buildpackage failed: $(tail -n 5 "$W/build.log" | tr '\n' '|')"
	summary
	exit 1
fi
DEB=$W/build/tnat64_${DEBVERSION}_$ARCH.deb
CHANGES=$W/build/tnat64_${DEBVERSION}_$ARCH.changes
check package/deb-built test -f "$DEB"
if [ "$GIT" = yes ]; then
	git -C "$ROOT" status --porcelain --ignored >"$W/status.after"
	if cmp -s "$W/status.before" "$W/status.after"; then
		pass package/tree-left-clean
	else
		fail package/tree-left-clean "$(diff "$W/status.before" "$W/status.after" | tail -n 3 | tr '\n' '|')"
	fi
fi

# No error, no warning (info and experimental tags are shown).
if lintian --fail-on error,warning --display-level '>=info' "$CHANGES" \
	>"$W/lintian.log" 2>&1; then
	pass "package/lintian: no error, no warning ($(grep -c '^[IPX]: ' "$W/lintian.log") info/pedantic/experimental tags)"
else
	fail package/lintian "$(grep -E '^[EW]: ' "$W/lintian.log" | head -n 5 | tr '\n' '|')"
fi
grep -E '^[A-Z]: ' "$W/lintian.log" | sed 's/^/# lintian: /' >&2

# The paths of Debian's 0.06, and what is new.
dpkg-deb -c "$DEB" | awk '{ print $NF }' | sed 's|^\./|/|' >"$W/files"
for f in /usr/lib/tnat64/libtnat64.so /usr/bin/tnat64 \
	/usr/bin/tnat64-validateconf /etc/tnat64.conf \
	/usr/share/man/man1/tnat64.1.gz /usr/share/man/man5/tnat64.conf.5.gz \
	/usr/share/man/man8/tnat64.8.gz /usr/share/man/man1/tnat64-validateconf.1.gz \
	/usr/lib/tnat64/tnat64-seccomp /usr/share/doc/tnat64/copyright \
	/usr/lib/tnat64/tnat64-discover /lib/systemd/system/tnat64-discover.service \
	/lib/systemd/system/tnat64-discover.path \
	/usr/lib/NetworkManager/dispatcher.d/90-tnat64; do
	grep -qxF "$f" "$W/files" || fail package/files "$f is not in the package"
done
pass package/files-checked
dpkg-deb -e "$DEB" "$W/control"
check package/conffile test "$(cat "$W/control/conffiles")" = /etc/tnat64.conf
dpkg-deb --fsys-tarfile "$DEB" | tar -xOf - ./etc/tnat64.conf >"$W/new.conf"
# the new conffile leaves the prefix to discovery
check package/conffile-auto grep -qx 'nat64_prefix = auto' "$W/new.conf"
# the units are enabled, never started by the installation (it would ask
# this host's name servers)
if grep -q "deb-systemd-helper enable 'tnat64-discover.service'" "$W/control/postinst" &&
	grep -q "deb-systemd-helper enable 'tnat64-discover.path'" "$W/control/postinst" &&
	! grep -q 'deb-systemd-invoke.*start' "$W/control/postinst"; then
	pass package/units-enabled-not-started
else
	fail package/units-enabled-not-started "$(grep -n systemd "$W/control/postinst" | head -n 4 | tr '\n' '|')"
fi
HARD=$(readelf -d "$SRC/debian/tnat64/usr/bin/tnat64-validateconf" 2>/dev/null)
case $HARD in
*BIND_NOW* | *'FLAGS_1'*NOW*) pass package/hardening-bindnow ;;
*) fail package/hardening-bindnow "tnat64-validateconf is not linked with -z now" ;;
esac

# ------------------------------------------------------------ upgrade

log "fetching Debian's tnat64 (0.06) from the archive"
mkdir -p "$W/old"
chown _apt "$W/old" 2>/dev/null
if (cd "$W/old" && apt-get download tnat64) >"$W/download.log" 2>&1 &&
	OLD=$(find "$W/old" -name 'tnat64_*.deb' | head -n 1) && [ -n "$OLD" ]; then
	OLDV=$(dpkg-deb -f "$OLD" Version)
	pass "package/old-downloaded: Debian's tnat64 $OLDV"
else
	fail package/old-downloaded "apt-get download tnat64: $(tail -n 2 "$W/download.log" | tr '\n' '|')"
	OLD=
fi
if [ -n "$OLD" ]; then
	if dpkg --compare-versions "$DEBVERSION" gt "$OLDV"; then
		pass "package/version-above-old: $DEBVERSION > $OLDV"
	else
		fail package/version-above-old "$DEBVERSION is not above $OLDV"
	fi
	dpkg-deb --fsys-tarfile "$OLD" | tar -xOf - ./etc/tnat64.conf >"$W/old.conf"
	dpkg-deb -c "$OLD" | awk '{ print $NF }' | sed 's|^\./|/|' >"$W/oldfiles"
fi

# dpkg_step NAME ARGS...: dpkg with stdin from /dev/null (a conffile
# question would fail it); PASS when it succeeds and reports no conflict.
dpkg_step() {
	local name=$1
	shift
	if dpkg "$@" </dev/null >"$W/step.log" 2>&1 &&
		! grep -qiE 'trying to overwrite|conflict|error' "$W/step.log"; then
		pass "$name"
	else
		fail "$name" "dpkg $*: $(grep -iE 'overwrite|conflict|error|conffile' "$W/step.log" | head -n 3 | tr '\n' '|')"
	fi
	cat "$W/step.log" >>"$W/dpkg.log"
}
version_is() {
	[ "$(dpkg-query -W -f '${Version} ${db:Status-Abbrev}' tnat64 2>/dev/null)" = "$1" ]
}
# The files 0.06 had and ours has not must be gone, ours there.
files_are_ours() {
	local f
	while IFS= read -r f; do
		case $f in */) continue ;; esac
		[ -e "$f" ] || { echo "missing $f"; return 1; }
	done <"$W/files"
	while IFS= read -r f; do
		case $f in */) continue ;; esac
		grep -qxF "$f" "$W/files" && continue
		[ ! -e "$f" ] || { echo "left over from 0.06: $f"; return 1; }
	done <"$W/oldfiles"
}
nothing_left() {
	local f
	! dpkg-query -W tnat64 >/dev/null 2>&1 || [ "$(installed)" = not-installed ] ||
		{ echo "dpkg still knows tnat64 ($(installed))"; return 1; }
	for f in /etc/tnat64.conf /etc/tnat64.conf.dpkg-dist /etc/tnat64.conf.dpkg-old \
		/usr/lib/tnat64 /usr/bin/tnat64 /usr/share/doc/tnat64 \
		/lib/systemd/system/tnat64-discover.service \
		/etc/systemd/system/multi-user.target.wants/tnat64-discover.service \
		/etc/systemd/system/paths.target.wants/tnat64-discover.path; do
		[ ! -e "$f" ] || { echo "$f is still there"; return 1; }
	done
}

if [ -n "$OLD" ]; then
	# A: an edited conffile, --force-confold.
	dpkg_step package/upgrade-edited/install-0.06 -i "$OLD"
	check package/upgrade-edited/0.06-installed version_is "$OLDV ii "
	echo "local = 192.0.2.0/255.255.255.0   # edited before the upgrade" >>/etc/tnat64.conf
	cp /etc/tnat64.conf "$W/edited.conf"
	dpkg_step package/upgrade-edited/install-new -i --force-confold "$DEB"
	check package/upgrade-edited/new-installed version_is "$DEBVERSION ii "
	check package/upgrade-edited/edit-kept cmp -s /etc/tnat64.conf "$W/edited.conf"
	check package/upgrade-edited/new-conf-in-dpkg-dist cmp -s /etc/tnat64.conf.dpkg-dist "$W/new.conf"
	if why=$(files_are_ours); then
		pass package/upgrade-edited/files
	else
		fail package/upgrade-edited/files "$why"
	fi
	# Only the conffile differs from what dpkg installed.
	dpkg --verify tnat64 >"$W/verify" 2>&1
	if [ "$(cut -c 13- "$W/verify")" = /etc/tnat64.conf ] && grep -q ' c /etc/tnat64.conf' "$W/verify"; then
		pass package/upgrade-edited/verify
	else
		fail package/upgrade-edited/verify "$(tr '\n' '|' <"$W/verify")"
	fi
	check package/upgrade-edited/audit test -z "$(dpkg --audit 2>&1)"
	check "package/upgrade-edited/version: tnat64 --version" test \
		"$(tnat64 --version 2>&1)" = "tnat64 $VERSION"
	check package/upgrade-edited/old-conf-validates sh -c 'tnat64-validateconf -f /etc/tnat64.conf >/dev/null'
	# the admin's file keeps 0.06's explicit prefix: nothing is discovered
	check package/upgrade-edited/prefix-stays-explicit sh -c \
		'tnat64-validateconf -f /etc/tnat64.conf | grep -q "NAT64 prefix:  64:ff9b::/96 (line"'

	dpkg_step package/upgrade-edited/remove -r tnat64
	check package/upgrade-edited/removed-config-files-left version_is "$DEBVERSION rc "
	check package/upgrade-edited/removed-conffile-kept cmp -s /etc/tnat64.conf "$W/edited.conf"
	if [ ! -e /usr/bin/tnat64 ] && [ ! -e /usr/lib/tnat64/libtnat64.so ] &&
		[ ! -e /usr/lib/tnat64/tnat64-seccomp ]; then
		pass package/upgrade-edited/removed-files-gone
	else
		fail package/upgrade-edited/removed-files-gone "$(find /usr/bin/tnat64 /usr/lib/tnat64 2>&1 | tr '\n' ' ')"
	fi
	dpkg_step package/upgrade-edited/purge -P tnat64
	if why=$(nothing_left); then
		pass package/upgrade-edited/purged-nothing-left
	else
		fail package/upgrade-edited/purged-nothing-left "$why"
	fi

	# B: the conffile as 0.06 shipped it: replaced, no question.
	dpkg_step package/upgrade-unedited/install-0.06 -i "$OLD"
	check package/upgrade-unedited/0.06-conf cmp -s /etc/tnat64.conf "$W/old.conf"
	dpkg_step package/upgrade-unedited/install-new -i "$DEB"
	check package/upgrade-unedited/new-installed version_is "$DEBVERSION ii "
	check package/upgrade-unedited/conf-replaced cmp -s /etc/tnat64.conf "$W/new.conf"
	check package/upgrade-unedited/prefix-now-auto sh -c \
		'tnat64-validateconf -f /etc/tnat64.conf | grep -q "^  auto (line"'
	if [ ! -e /etc/tnat64.conf.dpkg-dist ] && [ ! -e /etc/tnat64.conf.dpkg-old ]; then
		pass package/upgrade-unedited/no-conffile-copies
	else
		fail package/upgrade-unedited/no-conffile-copies "$(find /etc -maxdepth 1 -name 'tnat64.conf.*' | tr '\n' ' ')"
	fi
	if why=$(files_are_ours); then
		pass package/upgrade-unedited/files
	else
		fail package/upgrade-unedited/files "$why"
	fi
	check package/upgrade-unedited/verify test -z "$(dpkg --verify tnat64 2>&1)"
fi

# -------------------------------------------------------- installed package

case $(installed) in
installed) ;;
*) dpkg_step package/install -i "$DEB" ;;
esac
check package/installed version_is "$DEBVERSION ii "

# sub NAME CMD...: a test script of the protocol; its lines are passed on
# and counted here.
sub() {
	local name=$1 p f s
	shift
	"$@" >"$W/sub.log" 2>"$W/sub.err" </dev/null
	local rc=$?
	grep -E '^(PASS|FAIL|SKIP): ' "$W/sub.log"
	p=$(grep -c '^PASS: ' "$W/sub.log")
	f=$(grep -c '^FAIL: ' "$W/sub.log")
	s=$(grep -c '^SKIP: ' "$W/sub.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name: exited with status $rc without a FAIL line"
		f=1
	fi
	if [ "$f" -gt 0 ]; then
		tail -n 30 "$W/sub.err" | sed "s|^|# $name: |" >&2
	fi
	TB_NPASS=$((TB_NPASS + p))
	TB_NFAIL=$((TB_NFAIL + f))
	TB_NSKIP=$((TB_NSKIP + s))
	log "$name: $p passed, $f failed, $s skipped"
}
sub package/t_installed timeout -k 10 300 bash tests/package/t_installed.sh
sub package/t_system env TNAT64_TEST_INSTALLED=1 timeout -k 10 300 \
	bash tests/integration/t_system.sh

# ------------------------------------- removal with the system-wide mode on

# shellcheck source=tests/integration/sysns.sh
. "$ROOT/tests/integration/sysns.sh"
if ! sys_check_usable; then
	skip package/prerm "$SYS_WHY"
else
	# A line the package did not write: the removal stops.  (The other
	# library on it is the C library, which every program has anyway.)
	libc=$(ldd /bin/true | awk '/libc\.so/ { print $3 }')
	printf '%s /usr/lib/tnat64/libtnat64.so\n' "$libc" >"$W/mixed.preload"
	out=$(sys_exec "$W/mixed.preload" = sh -c 'dpkg -r tnat64 </dev/null; echo "rc=$?"; cat /etc/ld.so.preload' 2>&1)
	# (dpkg then marks it to be removed, "ri", but it stays installed.)
	if [[ $out == *"rc=1"* ]] && [[ $out == *"take it out by hand"* ]] &&
		[ "$(installed)" = installed ] && [ -e /usr/lib/tnat64/libtnat64.so ]; then
		pass package/prerm-stops-on-a-line-it-did-not-write
	else
		fail package/prerm-stops-on-a-line-it-did-not-write "$(echo "$out" | tail -n 3 | tr '\n' '|')"
	fi
	# tnat64 --system on, then remove: the line goes before the library.
	out=$(sys_exec - = sh -c '
		tnat64 --system on >/dev/null || { echo "on failed"; exit 1; }
		tnat64 --system status | head -n 1
		dpkg -r tnat64 </dev/null >/dev/null || { echo "remove failed"; exit 1; }
		if [ -e /etc/ld.so.preload ]; then echo "still there:"; cat /etc/ld.so.preload; fi
		/bin/true && echo programs-start-quietly' 2>&1)
	if [[ $out == "on: /etc/ld.so.preload names /usr/lib/tnat64/libtnat64.so (line 1)"$'\n'"programs-start-quietly" ]] &&
		version_is "$DEBVERSION rc "; then
		pass package/prerm-takes-the-line-out
	else
		fail package/prerm-takes-the-line-out "$(echo "$out" | tr '\n' '|')"
	fi
fi

purge
if why=$(nothing_left); then
	pass package/purged-nothing-left
else
	fail package/purged-nothing-left "$why"
fi
summary
