#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/t_system.sh - the library in /etc/ld.so.preload
# (system-wide mode) and `tnat64 --system on|off|status`.
#
# Never writes the host's /etc/ld.so.preload or /etc/tnat64.conf: every
# command that should see them runs in a private mount namespace with /etc
# overlaid (sysns.sh).  `tnat64 --system` edits scratch files given with
# --system-file, or the overlaid /etc/ld.so.preload of such a namespace.
#
#  1. tnat64 --system: usage, status, on/off on scratch files (other lines
#     kept byte for byte, never twice, links, modes), and refusals: a
#     library that is missing, not ELF, has an undefined symbol, prints,
#     crashes, can be replaced by others, cannot be read by other users,
#     another tnat64 library already there, a configuration with errors;
#     undoing a change that makes new programs complain; on and off of
#     the real path in a namespace.
#  2. Ordinary programs that do no IPv4 networking (coreutils, ip, dpkg,
#     apt-cache, git, python3, perl, ssh -V, su, IPv6 sockets...), run in
#     the IPv6-only client namespace with nothing preloaded and with the
#     library in /etc/ld.so.preload, with a good, two broken and no
#     configuration, and after the C library on its line: stdout, stderr
#     and exit status must be the same, byte for byte.
#  3. IPv4 clients with the library in /etc/ld.so.preload: curl, ssh, dig;
#     su to an unprivileged user and curl; a set-user-ID and a
#     file-capability program run by that user (secure execution: only
#     ld.so.preload reaches them); ping as that user (a file-capability
#     program on a raw ICMP socket, translated to ICMPv6); the same with
#     a broken and with a missing configuration.
#  Between 1 and 2: the library's load-time shape (readelf): libc.so.6
#     its only DT_NEEDED, no symbol version newer than GLIBC_2.16, lazy
#     binding, three PT_LOAD segments, no text relocations.
#
# Environment: TNAT64_TEST_INSTALLED=1 tests the installed package
# (/usr/bin/tnat64, /usr/lib/tnat64/libtnat64.so, /etc/tnat64.conf as the
# library's own path) instead of the build tree.  SANITIZE=1: parts 2 and
# 3 and the real library in part 1 are skipped (an ASan library cannot be
# preloaded into every program), the rest runs with test libraries.

# The single-quoted $ below are for the shells the tests start; "A &&
# pass || fail" is safe since pass cannot fail.
# shellcheck disable=SC2016,SC2015

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/sysns.sh
. "$(dirname "$0")/sysns.sh"

tb_setup
T=$TB_TMP
A=$TB_SERVER4
HTTP_PORT=8080
SSH_PORT=2222
NAME_DNS=www.tnat64.test

if [ "${TNAT64_TEST_INSTALLED:-0}" = 1 ]; then
	LAUNCHER=/usr/bin/tnat64
	LIB=/usr/lib/tnat64/libtnat64.so
	for f in "$LAUNCHER" "$LIB"; do
		[ -e "$f" ] || {
			fail system/installed "$f missing (is the package installed?)"
			tb_summary
			exit 1
		}
	done
else
	LAUNCHER=$TB_BUILD/tnat64
	LIB=$TB_LIB
fi
REAL_LIB=yes
[ "${SANITIZE:-}" = 1 ] && REAL_LIB=no

if ! sys_check_usable; then
	skip system "$SYS_WHY"
	tb_summary
	exit 0
fi

# A directory every user may enter (test libraries, launcher copies,
# fixtures): mktemp makes it 0700, and $T is 0700 too.
PUB=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-system.XXXXXX") || {
	fail system/setup "mktemp failed"
	exit 1
}
chmod 755 "$PUB"
trap 'rm -rf "$PUB"; tb_teardown' EXIT

have() { command -v "$1" >/dev/null 2>&1; }
firstline() { head -n 1 "$1" 2>/dev/null | cut -c1-200; }

# ---------------------------------------------------------------- setup

# Test libraries.  "sneaky" prints only when LD_PRELOAD is unset, that
# is when it comes from /etc/ld.so.preload: it passes the trial run of
# --system on and makes the check after the change fail.
mkdir -p "$PUB/src" "$PUB/lib"
cat >"$PUB/src/empty.c" <<'EOF'
void tnat64_test_empty(void);
void tnat64_test_empty(void) {}
EOF
cat >"$PUB/src/noisy.c" <<'EOF'
#include <unistd.h>
__attribute__((constructor)) static void noisy(void)
{
	static const char m[] = "noisy test library loaded\n";
	(void)!write(2, m, sizeof(m) - 1);
}
EOF
cat >"$PUB/src/undef.c" <<'EOF'
void tnat64_test_missing(void);
void tnat64_test_undef(void);
void tnat64_test_undef(void) { tnat64_test_missing(); }
EOF
cat >"$PUB/src/crash.c" <<'EOF'
#include <stdlib.h>
__attribute__((constructor)) static void crash(void) { abort(); }
EOF
cat >"$PUB/src/sneaky.c" <<'EOF'
#include <stdlib.h>
#include <unistd.h>
__attribute__((constructor)) static void sneaky(void)
{
	static const char m[] = "sneaky test library loaded from ld.so.preload\n";
	if (!getenv("LD_PRELOAD"))
		(void)!write(2, m, sizeof(m) - 1);
}
EOF
HAVE_CC=yes
for l in empty noisy crash sneaky; do
	${CC:-cc} -shared -fPIC -o "$PUB/lib/$l.so" "$PUB/src/$l.c" 2>"$T/cc.err" ||
		HAVE_CC=no
done
${CC:-cc} -shared -fPIC -Wl,-z,now -o "$PUB/lib/undef.so" "$PUB/src/undef.c" \
	2>>"$T/cc.err" || HAVE_CC=no
printf 'this is not an ELF file\n' >"$PUB/lib/notelf.so"
chmod 644 "$PUB"/lib/*.so

GOODCONF=$TB_CONF                       # nat64_prefix = the testbed's
# Errors, but one good line: IPv4 clients still work (and see the errors).
HALFCONF=$T/half.conf
printf 'this is not a tnat64 configuration\nlocal = 10.0.0.0/33\nnat64_prefix = %s\n' \
	"$TB_PREFIX" >"$HALFCONF"
# Nothing usable at all.
BADCONF=$T/bad.conf
printf 'nat64_prefix = nonsense\n\001\002\377 binary junk\npath {\n' >"$BADCONF"

# mklauncher NAME LIBFILE: a copy of the launcher whose library is LIBFILE
# (the path the Makefile substituted, swapped), in $PUB/NAME/tnat64.
INSTLIB=$(sed -n "s/^[[:space:]]*_tnat64_lib='\(.*\)'\$/\1/p" "$LAUNCHER" | head -n 1)
mklauncher() {
	mkdir -p "$PUB/$1" &&
		sed "s|'$INSTLIB'|'$2'|" "$LAUNCHER" >"$PUB/$1/tnat64" &&
		chmod 755 "$PUB/$1/tnat64" &&
		grep -qF "'$2'" "$PUB/$1/tnat64"
}
case $INSTLIB in
/*/libtnat64.so) ;;
*)
	fail system/setup "cannot find the library path in $LAUNCHER"
	tb_summary
	exit 1
	;;
esac

# runl LAUNCHER ARGS...: stdout, stderr, status to $T/o, $T/e, $RC.
runl() {
	"$@" >"$T/o" 2>"$T/e" </dev/null
	RC=$?
}
same_file() { cmp -s "$1" "$2"; }

# ======================================================== 1. tnat64 --system

# Usage errors (exit 2) and the sourced form.  In a namespace: were one
# of them to go ahead, it would only change the namespace's file.
L=$LAUNCHER
S=$PUB/etc/ld.so.preload
mkdir -p "$PUB/etc"
for args in "--system" "--system bogus" "--system on true" \
	"-d 3 --system on" "--system-file $S" "--system-file= --system on" \
	"-s --system status" "--system=status show"; do
	# shellcheck disable=SC2086
	out=$(sys_exec - = "$L" $args 2>&1 </dev/null)
	rc=$?
	if [ "$rc" = 2 ] && [ ! -e "$S" ] && [ -n "$out" ]; then
		pass "system/usage: tnat64 $args"
	else
		fail "system/usage: tnat64 $args" "status $rc (want 2): $(echo "$out" | head -n 1)"
	fi
done
out=$(sys_exec - = bash -c '. "$1" --system status' sh "$L" 2>&1 </dev/null)
rc=$?
[ "$rc" = 2 ] && pass "system/usage: sourced --system" ||
	fail "system/usage: sourced --system" "status $rc (want 2): $out"

# status of a file that does not exist
runl "$L" --system status --system-file "$S"
case $RC:$(cat "$T/o") in
"0:off: $S does not exist") pass system/status-missing ;;
*) fail system/status-missing "status $RC: $(cat "$T/o" "$T/e")" ;;
esac

if [ "$HAVE_CC" != yes ]; then
	skip system/on-off "no C compiler for the test libraries: $(firstline "$T/cc.err")"
else
	PL=$PUB/lib-ok/libtnat64.so       # the library of launcher "ok"
	mkdir -p "$PUB/lib-ok" && cp "$PUB/lib/empty.so" "$PL"
	mklauncher ok "$PL" || fail system/setup "launcher copy failed"
	LO=$PUB/ok/tnat64

	# Other lines stay byte for byte; the line is added once.
	printf '# a comment\n\n/usr/lib/x86_64-linux-gnu/libfoo.so:/opt/bar.so\n\t/opt/baz.so  # more\n' >"$T/orig"
	cp "$T/orig" "$S" && chmod 640 "$S"
	runl "$LO" --system on --system-file "$S"
	{ cat "$T/orig"; printf '%s\n' "$PL"; } >"$T/want"
	if [ "$RC" = 0 ] && same_file "$S" "$T/want" &&
		[ "$(stat -c '%a %u' "$S")" = "640 0" ]; then
		pass system/on-keeps-other-lines
	else
		fail system/on-keeps-other-lines "status $RC, mode $(stat -c %a "$S"): $(firstline "$T/e"); file: $(tr '\n' '|' <"$S")"
	fi
	ino=$(stat -c %i "$S")
	runl "$LO" --system on --system-file "$S"
	if [ "$RC" = 0 ] && same_file "$S" "$T/want" && [ "$(stat -c %i "$S")" = "$ino" ] &&
		grep -q 'already on' "$T/o"; then
		pass system/on-twice-changes-nothing
	else
		fail system/on-twice-changes-nothing "status $RC: $(cat "$T/o" "$T/e")"
	fi
	runl "$LO" --system status --system-file "$S"
	[ "$RC" = 0 ] && grep -qx "on: $S names $PL (line 5)" "$T/o" &&
		pass system/status-on ||
		fail system/status-on "status $RC: $(cat "$T/o" "$T/e")"
	# No temporary file left beside it.
	[ "$(find "$PUB/etc" -mindepth 1 | wc -l)" = 1 ] &&
		pass system/no-leftovers ||
		fail system/no-leftovers "$(find "$PUB/etc" -mindepth 1 | tr '\n' ' ')"
	runl "$LO" --system off --system-file "$S"
	if [ "$RC" = 0 ] && same_file "$S" "$T/orig" &&
		[ "$(stat -c '%a' "$S")" = 640 ]; then
		pass system/off-restores-the-file
	else
		fail system/off-restores-the-file "status $RC: $(firstline "$T/e"); file: $(tr '\n' '|' <"$S")"
	fi
	runl "$LO" --system off --system-file "$S"
	[ "$RC" = 0 ] && same_file "$S" "$T/orig" && grep -q 'already off' "$T/o" &&
		pass system/off-twice-changes-nothing ||
		fail system/off-twice-changes-nothing "status $RC: $(cat "$T/o" "$T/e")"

	# A last line without its newline.
	printf '/opt/a.so' >"$S"
	runl "$LO" --system on --system-file "$S"
	printf '/opt/a.so\n%s\n' "$PL" >"$T/want"
	same_file "$S" "$T/want" && pass system/on-after-unterminated-line ||
		fail system/on-after-unterminated-line "file: $(tr '\n' '|' <"$S")"
	runl "$LO" --system off --system-file "$S"
	[ "$RC" = 0 ] && [ "$(cat "$S")" = /opt/a.so ] &&
		pass system/off-after-unterminated-line ||
		fail system/off-after-unterminated-line "status $RC; file: $(tr '\n' '|' <"$S")"

	# No file: on creates it (0644), off removes it again.
	rm -f "$S"
	runl "$LO" --system on --system-file "$S"
	[ "$RC" = 0 ] && [ "$(cat "$S")" = "$PL" ] && [ "$(stat -c %a "$S")" = 644 ] &&
		pass system/on-creates-the-file ||
		fail system/on-creates-the-file "status $RC: $(firstline "$T/e")"
	runl "$LO" --system off --system-file "$S"
	[ "$RC" = 0 ] && [ ! -e "$S" ] && pass system/off-removes-what-on-created ||
		fail system/off-removes-what-on-created "status $RC, file $(ls -l "$S" 2>&1)"

	# The library under another path that leads to it is the same.
	printf '%s\n/opt/a.so\n' "$PUB/lib-ok/../lib-ok/libtnat64.so" >"$S"
	cp "$S" "$T/orig"
	runl "$LO" --system on --system-file "$S"
	[ "$RC" = 0 ] && same_file "$S" "$T/orig" && pass system/on-sees-other-path ||
		fail system/on-sees-other-path "status $RC: $(cat "$T/o")"
	runl "$LO" --system off --system-file "$S"
	[ "$RC" = 0 ] && [ "$(cat "$S")" = /opt/a.so ] && pass system/off-other-path ||
		fail system/off-other-path "status $RC; file: $(tr '\n' '|' <"$S")"

	# A line that names it among other libraries: on has nothing to do,
	# off does not edit a line it did not write.
	printf '/opt/a.so %s\n' "$PL" >"$S"
	cp "$S" "$T/orig"
	runl "$LO" --system on --system-file "$S"
	[ "$RC" = 0 ] && same_file "$S" "$T/orig" && pass system/on-mixed-line ||
		fail system/on-mixed-line "status $RC: $(cat "$T/o" "$T/e")"
	runl "$LO" --system off --system-file "$S"
	[ "$RC" = 1 ] && same_file "$S" "$T/orig" && grep -q 'line 1' "$T/e" &&
		pass system/off-refuses-mixed-line ||
		fail system/off-refuses-mixed-line "status $RC: $(cat "$T/e")"

	# Another tnat64 library already there: on refuses, off leaves it.
	printf '/opt/tnat64/lib/tnat64/libtnat64.so\n' >"$S"
	cp "$S" "$T/orig"
	runl "$LO" --system on --system-file "$S"
	[ "$RC" = 1 ] && same_file "$S" "$T/orig" && pass system/on-refuses-other-tnat64 ||
		fail system/on-refuses-other-tnat64 "status $RC: $(cat "$T/o" "$T/e")"
	printf '/opt/tnat64/lib/tnat64/libtnat64.so\n%s\n' "$PL" >"$S"
	runl "$LO" --system off --system-file "$S"
	[ "$RC" = 0 ] && same_file "$S" "$T/orig" && pass system/off-keeps-other-tnat64 ||
		fail system/off-keeps-other-tnat64 "status $RC: $(cat "$T/e")"
	runl "$LO" --system status --system-file "$S"
	grep -q '^off: ' "$T/o" && grep -q '^note: .*/opt/tnat64' "$T/o" &&
		pass system/status-notes-other-tnat64 ||
		fail system/status-notes-other-tnat64 "$(cat "$T/o")"

	# Through a symbolic link: the file it leads to changes, the link stays.
	printf '/opt/a.so\n' >"$PUB/etc/real.preload"
	ln -sf real.preload "$S"
	runl "$LO" --system on --system-file "$S"
	[ "$RC" = 0 ] && [ -L "$S" ] && grep -qxF "$PL" "$PUB/etc/real.preload" &&
		pass system/on-through-symlink ||
		fail system/on-through-symlink "status $RC: $(cat "$T/e")"
	runl "$LO" --system off --system-file "$S"
	[ "$RC" = 0 ] && [ -L "$S" ] && [ "$(cat "$PUB/etc/real.preload")" = /opt/a.so ] &&
		pass system/off-through-symlink ||
		fail system/off-through-symlink "status $RC: $(cat "$T/e")"
	rm -f "$S" "$PUB/etc/real.preload"

	# Refusals: the file stays as it was, the message says why.
	# refuse NAME LIBFILE-SETUP-CMD...: the library of launcher NAME is
	# made by the command (with $lib its path); --system on must refuse.
	refuse() {
		local name=$1 path=$PUB/lib-$1/libtnat64.so
		shift
		mkdir -p "$PUB/lib-$name" && chmod 755 "$PUB/lib-$name"
		mklauncher "$name" "$path" || {
			fail "system/refuses-$name" "launcher copy failed"
			return
		}
		# shellcheck disable=SC2034 # $lib is for the command
		(lib=$path; eval "$*") || {
			fail "system/refuses-$name" "setup failed: $*"
			return
		}
		printf '/opt/a.so\n' >"$S"
		runl "$PUB/$name/tnat64" --system on --system-file "$S"
		if [ "$RC" = 1 ] && [ "$(cat "$S")" = /opt/a.so ] && [ -s "$T/e" ]; then
			pass "system/refuses-$name"
			tb_log "refuses-$name: $(firstline "$T/e")"
		else
			fail "system/refuses-$name" "status $RC, file $(tr '\n' '|' <"$S"): $(firstline "$T/e")"
		fi
		[ "$(find "$PUB/etc" -mindepth 1 | wc -l)" = 1 ] ||
			fail "system/refuses-$name/leftovers" "$(find "$PUB/etc" -mindepth 1 | tr '\n' ' ')"
	}
	refuse missing ':'
	refuse notelf 'cp "$PUB/lib/notelf.so" "$lib"'
	refuse undefined-symbol 'cp "$PUB/lib/undef.so" "$lib"'
	refuse prints 'cp "$PUB/lib/noisy.so" "$lib"'
	refuse crashes 'cp "$PUB/lib/crash.so" "$lib"'
	refuse world-writable 'cp "$PUB/lib/empty.so" "$lib" && chmod 666 "$lib"'
	refuse writable-directory 'cp "$PUB/lib/empty.so" "$lib" && chmod 777 "$(dirname "$lib")"'
	refuse owned-by-another-user 'cp "$PUB/lib/empty.so" "$lib" && chown nobody "$lib"'
	if have setpriv; then
		refuse unreadable-by-users 'cp "$PUB/lib/empty.so" "$lib" && chmod 600 "$lib"'
	else
		skip system/refuses-unreadable-by-users "setpriv not installed"
	fi

	# The change is undone when new programs then complain (only the file
	# the dynamic linker reads is checked: here in a namespace).
	mkdir -p "$PUB/lib-sneaky" && cp "$PUB/lib/sneaky.so" "$PUB/lib-sneaky/libtnat64.so"
	mklauncher sneaky "$PUB/lib-sneaky/libtnat64.so"
	: >"$T/pre.empty"
	out=$(sys_exec "$T/pre.empty" = sh -c '
		"$0" --system on; echo "rc=$?"
		printf "file:"; tr "\n" "|" </etc/ld.so.preload; echo' \
		"$PUB/sneaky/tnat64" 2>&1)
	case $out in
	*"rc=1"*"file:"$'\n'* | *"rc=1"*"file:") pass system/on-undone-when-programs-complain ;;
	*) fail system/on-undone-when-programs-complain "$(echo "$out" | tr '\n' '|')" ;;
	esac
fi

if [ "$REAL_LIB" = yes ]; then
	# The real library, copied where every user can read it.
	mkdir -p "$PUB/lib-real" && cp "$LIB" "$PUB/lib-real/libtnat64.so" &&
		chmod 644 "$PUB/lib-real/libtnat64.so"
	mklauncher real "$PUB/lib-real/libtnat64.so"
	LR=$PUB/real/tnat64
	printf '/opt/a.so\n' >"$S"
	# A configuration with errors: every IPv4 program would print them.
	out=$(sys_exec - "$HALFCONF" "$LR" --system on --system-file "$S" 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && [ "$(cat "$S")" = /opt/a.so ] && [[ $out == *"unknown directive"* ]]; then
		pass system/refuses-config-with-errors
	else
		fail system/refuses-config-with-errors "status $rc: $(echo "$out" | head -n 3)"
	fi
	# The real /etc/ld.so.preload (of a namespace): on, a new program has
	# the library, status, off, and the file is gone again.
	out=$(sys_exec - "$GOODCONF" sh -c '
		"$0" --system on || exit 11
		grep -q "lib-real/libtnat64.so" /proc/self/maps && echo loaded-after-on
		"$0" --system status | head -n 1
		"$0" --system off || exit 13
		[ ! -e /etc/ld.so.preload ] || exit 14
		grep -q "lib-real/libtnat64.so" /proc/self/maps || echo gone-after-off
		exit 0' "$LR" 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [[ $out == *"on: /etc/ld.so.preload names $PUB/lib-real/libtnat64.so (line 1)"* ]] &&
		[[ $out == *loaded-after-on* ]] && [[ $out == *gone-after-off* ]]; then
		pass system/live-on-status-off
	else
		fail system/live-on-status-off "status $rc: $(echo "$out" | tr '\n' '|')"
	fi
else
	skip system/real-library "SANITIZE=1: an ASan library cannot be preloaded into every program"
fi

# ============================================ 2. ordinary programs, byte for byte

if [ "$REAL_LIB" != yes ]; then
	skip system/same-output "SANITIZE=1: an ASan library cannot be preloaded into every program"
	skip system/clients "SANITIZE=1: an ASan library cannot be preloaded into every program"
	tb_summary
	exit $?
fi

# The library's shape that every program pays for at load time (doc/
# DESIGN.md, "the load-time budget"): it needs libc.so.6 alone (no
# DT_NEEDED on the dynamic linker) and no symbol version newer than
# GLIBC_2.16 (src/preload/symver.h: each newer one is a walk through
# libc's 40 version definitions in every process); it is bound lazily (no
# BIND_NOW, even from hardening flags); two PT_LOAD segments
# (src/preload/lib.ld: -z noseparate-code), of which the writable one's
# part in the file is at most two pages (the rest a .bss); the code the
# constructor runs (.text.tnload) within the first four pages, beside the
# dynamic symbols and relocations the loader reads; no text relocations.
if have readelf; then
	dyn=$(readelf -dW "$LIB" 2>&1)
	needed=$(echo "$dyn" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	[ "$needed" = "libc.so.6 " ] && pass system/shape/needed ||
		fail system/shape/needed "DT_NEEDED: $needed"
	newest=$(readelf -VW "$LIB" 2>/dev/null | sed -n 's/.*Name: GLIBC_\([0-9.]*\) .*/\1/p' |
		sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)
	case $newest in
	2.[0-9] | 2.[0-9].* | 2.1[0-6] | 2.1[0-6].*) pass "system/shape/versions (newest GLIBC_$newest)" ;;
	*) fail system/shape/versions "needs GLIBC_$newest: $(readelf -VW "$LIB" | grep -o 'Name: GLIBC_[0-9.]*' | tr '\n' ' ')" ;;
	esac
	[[ $dyn != *BIND_NOW* && $dyn != *"FLAGS_1"*NOW* && $dyn != *TEXTREL* ]] &&
		pass system/shape/lazy-no-textrel ||
		fail system/shape/lazy-no-textrel "$(echo "$dyn" | grep -E 'FLAGS|TEXTREL' | tr '\n' '|')"
	loads=$(readelf -lW "$LIB" | grep -c '^ *LOAD ')
	wfile=$(readelf -lW "$LIB" | awk '$1 == "LOAD" && $7 ~ /W/ { print $5 }')
	[ "$loads" = 2 ] && [ -n "$wfile" ] && [ $((wfile)) -le 8192 ] &&
		pass system/shape/segments ||
		fail system/shape/segments "$loads PT_LOAD, the writable one $wfile bytes of the file"
	# .text.tnload's address and size (readelf -SW: "[Nr] Name Type
	# Address Off Size ...")
	# and the constructor, the one DT_INIT_ARRAY entry (a relative
	# relocation at that address: its addend), in it, whatever the
	# compiler (clang puts a constructor in .text, gcc in .text.startup)
	read -r at size < <(readelf -SW "$LIB" | sed 's/^ *\[ *[0-9]*\]//' |
		awk '$1 == ".text.tnload" { print $3, $5 }')
	init=$(echo "$dyn" | awk '$2 == "(INIT_ARRAY)" { print $3 }')
	ctor=
	while read -r off _ type add _; do
		[ "$type" = R_X86_64_RELATIVE ] && [ -n "$init" ] &&
			[ $((0x$off)) = $((init)) ] && ctor=0x$add
	done < <(readelf -rW "$LIB" | grep -E '^[0-9a-f]{16} ')
	[ -n "${size:-}" ] && [ -n "$ctor" ] && [ $((0x$at + 0x$size)) -le 16384 ] &&
		[ $((ctor)) -ge $((0x$at)) ] && [ $((ctor)) -lt $((0x$at + 0x$size)) ] &&
		pass system/shape/constructor-first ||
		fail system/shape/constructor-first ".text.tnload at ${at:-none}, size ${size:-none}, constructor at ${ctor:-?}"
else
	skip system/shape "readelf not installed"
fi

printf '%s\n' "$LIB" >"$T/pre.lib"
W=$PUB/work
mkdir -p "$W/tree/sub"
printf 'banana\napple\ncherry\napple\n' >"$W/fruit"
printf 'banana\nkiwi\n' >"$W/fruit2"
printf 'one\n' >"$W/tree/a"
printf 'two\n' >"$W/tree/sub/b"
chmod -R a+rX "$W"
HAVE_GIT=no
if have git; then
	if (cd "$W" && git init -q repo && cd repo &&
		printf 'hello\n' >f && git add f &&
		GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		git -c user.name=t -c user.email=t@example.org commit -q -m first) >/dev/null 2>&1; then
		HAVE_GIT=yes
	fi
fi

# One command a line (external programs: builtins would not start a
# process); none prints anything that changes from run to run.
{
	cat <<'EOF'
/bin/true
/bin/false
/bin/echo hello world
/usr/bin/printf '%s\n' a b c
/bin/cat /etc/os-release
/bin/ls -l tree
/bin/ls /nonexistent-tnat64
/bin/cat /nonexistent-tnat64
/usr/bin/sort -r fruit
/usr/bin/sort fruit | /usr/bin/uniq -c
/usr/bin/wc -l /etc/services
/usr/bin/sha256sum /etc/services
/usr/bin/md5sum fruit
/usr/bin/head -n 3 /etc/services
/usr/bin/tail -n 2 /etc/services
/usr/bin/cut -d: -f1,3 /etc/passwd
/usr/bin/tr a-z A-Z <fruit
/usr/bin/seq 1 40
/usr/bin/expr 6 '*' 7
/usr/bin/basename /usr/lib/x.so .so
/usr/bin/id root
/bin/uname -s -m
/usr/bin/stat -c '%s %U %a %F' /etc/services
/bin/date -u -d @0
/usr/bin/du -s --apparent-size tree
/usr/bin/find tree -print | /usr/bin/sort
/bin/gzip -c fruit | /bin/gzip -dc
/bin/tar -cf - --sort=name --mtime=@0 --owner=0 --group=0 tree | /bin/tar -tvf -
/bin/sed -n 's/^root:.*/root is there/p' /etc/passwd
/bin/grep -c tcp /etc/services
/usr/bin/awk -F: '{ n++ } END { print n }' /etc/passwd
/usr/bin/diff fruit fruit2
/usr/bin/od -An -tx1 -N16 /etc/services
/usr/bin/readlink -f /bin/sh
/usr/bin/env -u _ | /usr/bin/sort
/usr/bin/nproc
/bin/hostname
/usr/bin/timeout 5 /bin/sleep 0.01
/usr/bin/xargs /bin/echo <fruit
/bin/bash -c 'echo $((6 * 7))'
/bin/dash -c 'echo dash; exit 3'
/bin/sh -c 'exit 7'
/sbin/ip -br link show
/sbin/ip -6 route show
/sbin/ip -4 route show
/sbin/ip -6 addr show dev lo
/usr/bin/ss -H -ltn
/usr/bin/dpkg -s coreutils
/usr/bin/dpkg --print-architecture
/usr/bin/dpkg -L coreutils | /usr/bin/wc -l
/usr/bin/apt-cache policy coreutils
/usr/bin/apt-cache depends coreutils
/usr/bin/python3 -c 'import sys; print(sum(range(1000)), sys.argv)' x
/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0)); s.sendto(b"x", s.getsockname()); print(s.recv(9))'
/usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0)); s.listen(); print("listening")'
/usr/bin/python3 -c 'import socket, os; a, b = socket.socketpair(); a.send(b"unix"); print(b.recv(9))'
/usr/bin/perl -e 'print join(",", map { $_ * 2 } 1 .. 5), "\n"'
/usr/bin/perl -MSocket -e 'socket(my $s, AF_INET6, SOCK_STREAM, 0) or die; print "v6 socket\n"'
/usr/bin/ssh -V
/bin/su -s /bin/sh -c '/usr/bin/id -un; /bin/echo $HOME' nobody
/usr/bin/getent passwd root
/usr/bin/getent group root
/usr/bin/getent services ssh
/usr/bin/busybox echo static busybox
EOF
	[ "$HAVE_GIT" = yes ] && cat <<'EOF'
/usr/bin/git --version
/usr/bin/git -C repo log --format='%H %an %s'
/usr/bin/git -C repo status --short --branch
EOF
} >"$PUB/cmds"
chmod 644 "$PUB/cmds"
cat >"$PUB/run-cmds" <<'EOF'
#!/bin/bash
# run-cmds CMDS OUTDIR: each line of CMDS, from $PUB/work, outputs to
# OUTDIR/N.out N.err N.rc.
cmds=$1 out=$2 n=0
mkdir -p "$out" || exit 1
cd "$(dirname "$cmds")/work" || exit 1
while IFS= read -r line; do
	n=$((n + 1))
	bash -c "$line" >"$out/$n.out" 2>"$out/$n.err" </dev/null
	echo $? >"$out/$n.rc"
done <"$cmds"
EOF
chmod 755 "$PUB/run-cmds"
NCMDS=$(wc -l <"$PUB/cmds")

# Absolute paths differ between hosts: drop the commands whose program is
# not there (never more than a few), and count what is left.
: >"$PUB/cmds.ok"
while IFS= read -r line; do
	prog=${line%% *}
	[ -x "$prog" ] && printf '%s\n' "$line" >>"$PUB/cmds.ok"
done <"$PUB/cmds"
mv "$PUB/cmds.ok" "$PUB/cmds"
n=$(wc -l <"$PUB/cmds")
[ "$n" -lt "$NCMDS" ] && tb_log "$((NCMDS - n)) of $NCMDS commands not installed here"
NCMDS=$n
if [ "$NCMDS" -ge 30 ]; then
	pass "system/same-output: $NCMDS ordinary commands to compare"
else
	fail system/same-output "only $NCMDS of the commands are installed (want 30)"
fi

# Modes: nothing preloaded (the reference), the library with the good
# configuration, with a broken one (errors but a usable prefix, nothing
# usable), with none, and after the C library on the same line (the
# programs then bind to the C library: the library must stay out of the
# way, not stop them).
TB_TIMEOUT=300 sys_client - "$GOODCONF" "$PUB/run-cmds" "$PUB/cmds" "$T/out.none"
printf '%s %s\n' "$(ldd /bin/true | awk '/libc\.so/ { print $3 }')" "$LIB" \
	>"$T/pre.libcfirst"
MODES="good bad half missing libcfirst"
for m in good:"$GOODCONF" bad:"$BADCONF" half:"$HALFCONF" missing:- \
	libcfirst:"$GOODCONF"; do
	pre=$T/pre.lib
	[ "${m%%:*}" = libcfirst ] && pre=$T/pre.libcfirst
	TB_TIMEOUT=300 sys_client "$pre" "${m#*:}" "$PUB/run-cmds" \
		"$PUB/cmds" "$T/out.${m%%:*}"
done
# The library really was in them: one more line, its maps.
out=$(sys_client "$T/pre.lib" "$GOODCONF" /bin/cat /proc/self/maps 2>&1)
[[ $out == *"$(readlink -f "$LIB")"* ]] && pass system/library-is-loaded ||
	fail system/library-is-loaded "not in /proc/self/maps of cat"

n=0
while IFS= read -r line; do
	n=$((n + 1))
	diffs=
	for m in $MODES; do
		for k in out err rc; do
			cmp -s "$T/out.none/$n.$k" "$T/out.$m/$n.$k" ||
				diffs="$diffs $m:$k"
		done
	done
	short=$(printf '%s' "$line" | cut -c1-60)
	if [ -z "$diffs" ]; then
		pass "system/same-output: $short"
	else
		m=${diffs# }
		m=${m%%:*}
		fail "system/same-output: $short" "differs with the library:$diffs; stderr with $m: $(firstline "$T/out.$m/$n.err"), without: $(firstline "$T/out.none/$n.err")"
	fi
done <"$PUB/cmds"

# ======================================================== 3. IPv4 clients

mkdir -p "$T/www"
TOKEN=tnat64-system-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
echo "$TOKEN" >"$T/www/token.txt"
chmod -R a+rX "$T/www"
tb_bg server python3 -m http.server "$HTTP_PORT" --bind "$A" \
	--directory "$T/www" >/dev/null
HAVE_DNS=no
if have dnsmasq && have dig; then
	HAVE_DNS=yes
	tb_dnsmasq "$A" "$NAME_DNS,$TB_SERVER4B" >/dev/null
fi
HAVE_SSH=no
if have ssh && [ -x /usr/sbin/sshd ] && have ssh-keygen; then
	if why=$(tb_sshd "$T/ssh" "$A" "$SSH_PORT"); then
		HAVE_SSH=yes
	else
		fail system/sshd "$why"
	fi
fi
tb_wait_tcp server "$A" "$HTTP_PORT" || fail system/http-server "did not start"
[ "$HAVE_DNS" = no ] || tb_wait_udp server "$A" 53 || fail system/dnsmasq "did not start"

CURL="curl -sS --max-time 10 http://$A:$HTTP_PORT/token.txt"
# client NAME EXPECT CMD...: without anything preloaded CMD must fail;
# with the library in /etc/ld.so.preload it must print EXPECT.
client() {
	local name=$1 expect=$2 out rc
	shift 2
	out=$(sys_client - "$GOODCONF" "$@" 2>&1)
	rc=$?
	if [ "$rc" != 0 ] && [[ $out != *"$expect"* ]]; then
		pass "system/clients/$name/control"
	else
		fail "system/clients/$name/control" "worked without the library (status $rc)"
	fi
	out=$(sys_client "$T/pre.lib" "$GOODCONF" "$@" 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [[ $out == *"$expect"* ]]; then
		pass "system/clients/$name"
	else
		fail "system/clients/$name" "status $rc: $(echo "$out" | tail -n 2 | tr '\n' '|')"
	fi
}

# shellcheck disable=SC2086
client curl "$TOKEN" $CURL
if [ "$HAVE_SSH" = yes ]; then
	client ssh ssh-ok ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10 \
		-i "$T/ssh/id_ed25519" -p "$SSH_PORT" "root@$A" echo ssh-ok
else
	skip system/clients/ssh "openssh client/server not installed"
fi
if [ "$HAVE_DNS" = yes ]; then
	client dig "$TB_SERVER4B" dig +short +time=2 +tries=1 @"$A" "$NAME_DNS" A
else
	skip system/clients/dig "dnsmasq or dig not installed"
fi
client su-nobody-curl "$TOKEN" su -s /bin/sh -c "$CURL" nobody

# Secure execution: copies of curl that are set-user-ID (to daemon, not
# root) or have a file capability, run by nobody.  The dynamic linker
# ignores LD_PRELOAD paths for them; /etc/ld.so.preload still counts.
# Only nobody's group may reach them while they exist.
SU=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-secure.XXXXXX")
trap 'rm -rf "$PUB" "$SU"; tb_teardown' EXIT
chgrp "$(id -gn nobody)" "$SU" && chmod 750 "$SU"
AS_NOBODY="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups --"
if ! have setpriv; then
	skip system/clients/setuid "setpriv not installed"
elif findmnt -n -o OPTIONS -T "$SU" | grep -qw nosuid; then
	skip system/clients/setuid "$SU is on a nosuid file system"
else
	cp "$(command -v curl)" "$SU/curl-setuid" && chown daemon "$SU/curl-setuid" &&
		chmod 4755 "$SU/curl-setuid"
	# shellcheck disable=SC2086
	client setuid-curl "$TOKEN" $AS_NOBODY "$SU/curl-setuid" -sS --max-time 10 \
		"http://$A:$HTTP_PORT/token.txt"
	# It really is in secure execution: LD_PRELOAD is not obeyed there,
	# while the same curl without the set-user-ID bit obeys it.
	# shellcheck disable=SC2086
	out=$(sys_client "$T/pre.lib" "$GOODCONF" $AS_NOBODY env \
		LD_PRELOAD="$PUB/lib/noisy.so" "$SU/curl-setuid" --version 2>&1)
	# shellcheck disable=SC2086
	ref=$(sys_client "$T/pre.lib" "$GOODCONF" $AS_NOBODY env \
		LD_PRELOAD="$PUB/lib/noisy.so" curl --version 2>&1)
	[[ $out != *"noisy test library"* ]] && [[ $out == curl* ]] &&
		[[ $ref == *"noisy test library"* ]] &&
		pass system/clients/setuid-is-secure-execution ||
		fail system/clients/setuid-is-secure-execution "$(echo "$out" | head -n 2) / $(echo "$ref" | head -n 1)"
	if have setcap && cp "$(command -v curl)" "$SU/curl-cap" &&
		setcap cap_net_bind_service+ep "$SU/curl-cap" 2>/dev/null; then
		# shellcheck disable=SC2086
		client capability-curl "$TOKEN" $AS_NOBODY "$SU/curl-cap" -sS \
			--max-time 10 "http://$A:$HTTP_PORT/token.txt"
	else
		skip system/clients/capability-curl "setcap not installed or not possible here"
	fi
fi

# ping as an unprivileged user: ping has a file capability (secure
# execution) and uses an ICMP socket.
if have ping; then
	client su-nobody-ping "1 received" su -s /bin/sh -c "ping -n -c 1 -W 5 $A" nobody
else
	skip system/clients/su-nobody-ping "ping not installed"
fi

# A configuration with errors but a usable prefix: clients still work and
# report the errors; one without anything usable, or none at all: they
# fail as without the library (the host cannot reach IPv4), and nothing
# hangs or crashes.
# shellcheck disable=SC2086
out=$(sys_client "$T/pre.lib" "$HALFCONF" $CURL 2>&1)
rc=$?
[ "$rc" = 0 ] && [[ $out == *"$TOKEN"* ]] && [[ $out == *"half.conf"* || $out == *"tnat64.conf:1"* ]] &&
	pass system/clients/curl-config-with-errors ||
	fail system/clients/curl-config-with-errors "status $rc: $(echo "$out" | tr '\n' '|' | cut -c1-300)"
for m in bad:"$BADCONF" missing:-; do
	# shellcheck disable=SC2086
	out=$(sys_client "$T/pre.lib" "${m#*:}" $CURL 2>&1)
	rc=$?
	# shellcheck disable=SC2086
	ref=$(sys_client - "$GOODCONF" $CURL 2>&1)
	rrc=$?
	if [ "$rc" = "$rrc" ] && [[ $out != *"$TOKEN"* ]]; then
		pass "system/clients/curl-config-${m%%:*}"
	else
		fail "system/clients/curl-config-${m%%:*}" "status $rc (without the library $rrc): $(echo "$out" | tail -n 1)"
	fi
done

tb_summary
