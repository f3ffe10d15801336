#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/t_launcher.sh - the tnat64 launcher ($B/tnat64).
# Needs no root, no namespaces and no network: it only checks what the
# launcher puts in the environment of the programs it starts and of the
# shells that source it.  Every executed form runs under sh, dash, bash
# and busybox sh (those installed); the sourced forms run in each of them.
#
# The library preloaded here is a dummy shared object built in a temporary
# directory (the launcher only needs the file to exist), so these tests do
# not depend on the state of libtnat64.so; one test at the end runs the
# real $B/libtnat64.so when it is built.

# The single-quoted $ below are for the shells the tests start.
# shellcheck disable=SC2016

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${SANITIZE-}" = 1 ]; then
	B=${B:-build-san}
else
	B=${B:-build}
fi
case $B in
/*) BD=$B ;;
*) BD=$ROOT/$B ;;
esac
LAUNCHER=$BD/tnat64

unset LD_PRELOAD TNAT64_CONF_FILE TNAT64_DEBUG TNAT64_DEBUG_FILE \
	TNAT64_NAT64_PREFIX
NPASS=0
NFAIL=0
NSKIP=0

pass() {
	echo "PASS: $1"
	NPASS=$((NPASS + 1))
}
fail() {
	echo "FAIL: $1: $2"
	NFAIL=$((NFAIL + 1))
}
skip() {
	echo "SKIP: $1: $2"
	NSKIP=$((NSKIP + 1))
}
summary() {
	echo "# t_launcher: $NPASS passed, $NFAIL failed, $NSKIP skipped" >&2
	[ "$NFAIL" -eq 0 ]
}

if [ ! -f "$LAUNCHER" ]; then
	fail launcher "$LAUNCHER not built (make $B/tnat64)"
	summary
	exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-launcher.XXXXXX") || {
	fail launcher/setup "mktemp failed"
	exit 1
}
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- setup

# Dummy libraries: real (empty) ELF objects when a compiler exists, so that
# ld.so preloads them silently; otherwise empty files (ld.so then prints
# a warning on stderr and carries on, which these tests do not look at).
mkdir -p "$T/lib" "$T/build" "$T/bin" "$T/path" "$T/work" || exit 1
printf 'void tnat64_launcher_test(void);\nvoid tnat64_launcher_test(void) {}\n' >"$T/d.c"
if ! ${CC:-cc} -shared -fPIC -o "$T/d.so" "$T/d.c" 2>/dev/null; then
	: >"$T/d.so"
fi
for f in lib/libtnat64.so lib/a.so lib/b.so lib/libasan.so.8 build/libtnat64.so; do
	cp "$T/d.so" "$T/$f" || exit 1
done
LIB=$T/lib/libtnat64.so
A=$T/lib/a.so
BB=$T/lib/b.so
ASAN=$T/lib/libasan.so.8

# L: the launcher as if installed with LIBDIR=$T/lib.  Only the library
# path the Makefile substituted differs from $B/tnat64.
INSTLIB=$(sed -n "s/^[[:space:]]*_tnat64_lib='\(.*\)'\$/\1/p" "$LAUNCHER" | head -n 1)
case $INSTLIB in
/*/libtnat64.so) ;;
*)
	fail launcher/setup "cannot find the installed library path in $LAUNCHER"
	summary
	exit 1
	;;
esac
L=$T/bin/tnat64
sed "s|'$INSTLIB'|'$LIB'|" "$LAUNCHER" >"$L" && chmod 755 "$L" || exit 1
if ! grep -q "'$LIB'" "$L"; then
	fail launcher/setup "substituting the library path failed"
	summary
	exit 1
fi
# LM: installed library missing, nothing next to it either.
LM=$T/bin/tnat64-nolib
sed "s|'$INSTLIB'|'$T/none/libtnat64.so'|" "$LAUNCHER" >"$LM" && chmod 755 "$LM"
# LB: $B/tnat64 as built, in a build tree with its own library.
LB=$T/build/tnat64
cp "$LAUNCHER" "$LB" && chmod 755 "$LB"

# A fake seccomp supervisor beside the launcher: --check and --want answer
# as the real one does (FAKE_SV_NOCHECK: a kernel that cannot), a run
# prints what it was given.  "static-prog" stands for a static binary.
cat >"$T/bin/tnat64-seccomp" <<'SVEOF'
#!/bin/sh
case $1 in
--check)
	if [ -n "${FAKE_SV_NOCHECK:-}" ]; then
		echo "tnat64-seccomp: kernel too old" >&2
		exit 1
	fi
	exit 0 ;;
--want) case $2 in */static-prog) exit 0 ;; *) exit 1 ;; esac ;;
--) shift; printf 'SV:%s|%s|%s' "$*" "${LD_PRELOAD-unset}" "${TNAT64_DEBUG-unset}"; exit 0 ;;
esac
exit 3
SVEOF
chmod 755 "$T/bin/tnat64-seccomp"
# A fake tnat64-discover beside the launchers (the real one would ask this
# host's name servers): it notes how it was called in $T/disc.log, and
# --status answers with its arguments.
cat >"$T/bin/tnat64-discover" <<DISCEOF
#!/bin/sh
printf '%s\n' "\$*" >>"$T/disc.log"
case \$1 in --status) printf 'STATUS:%s' "\$*" ;; esac
exit 0
DISCEOF
chmod 755 "$T/bin/tnat64-discover"
cp "$T/bin/tnat64-discover" "$T/build/tnat64-discover"
cp /bin/true "$T/path/static-prog"

# A program called "show" for the "--" test, and a fake user shell.
printf '#!/bin/sh\necho "program show $#"\n' >"$T/path/show"
printf '#!/bin/sh\nprintf "%%s args=%%s\\n" "${LD_PRELOAD-unset}" "$#"\n' >"$T/fakeshell"
chmod 755 "$T/path/show" "$T/fakeshell"

# Shells to run the launcher with (busybox through a wrapper, so that every
# entry is a plain command that env can start).
INTERPS=
for i in sh dash bash; do
	if command -v "$i" >/dev/null 2>&1; then
		INTERPS="$INTERPS $i"
	else
		skip "launcher/$i" "$i not installed"
	fi
done
if command -v busybox >/dev/null 2>&1 && busybox sh -c : 2>/dev/null; then
	printf '#!/bin/sh\nexec busybox sh "$@"\n' >"$T/busybox"
	chmod 755 "$T/busybox"
	INTERPS="$INTERPS $T/busybox"
fi

# run CMD...: stdout, stderr and exit status to $T/out, $T/err, $T/rc.
# Safe in a subshell (the results are files), so environment changes go
# through env or ( ... ).
run() {
	"$@" >"$T/out" 2>"$T/err" </dev/null
	echo "$?" >"$T/rc"
}

# result: rc and out of the last run
result() {
	rc=$(cat "$T/rc")
	out=$(cat "$T/out")
}

# expect NAME STATUS OUTPUT: compare the last run
expect() {
	result
	if [ "$rc" != "$2" ]; then
		fail "$1" "exit status $rc, want $2 (stderr: $(head -c 300 "$T/err"))"
	elif [ "$out" != "$3" ]; then
		fail "$1" "output [$out], want [$3]"
	else
		pass "$1"
	fi
}

# expect_err NAME STATUS PATTERN: status, nothing on stdout and an error
# message matching PATTERN on stderr
expect_err() {
	result
	if [ "$rc" != "$2" ]; then
		fail "$1" "exit status $rc, want $2"
	elif ! grep -q -- "$3" "$T/err"; then
		fail "$1" "stderr [$(head -c 300 "$T/err")] lacks '$3'"
	elif [ -n "$out" ]; then
		fail "$1" "unexpected output on stdout: [$out]"
	else
		pass "$1"
	fi
}

PRINT='printf "%s" "${LD_PRELOAD-unset}"'

# ---------------------------------------------------------------- executed

for I in $INTERPS; do
	N=launcher/${I##*/}

	run "$I" "$L" -V
	expect "$N/version" 0 "tnat64 1.0.0"
	run "$I" "$L" --version
	expect "$N/version-long" 0 "tnat64 1.0.0"
	run "$I" "$L" -h
	result
	case $rc/$out in
	0/Usage:*--prefix*) pass "$N/help" ;;
	*) fail "$N/help" "status $rc, output [$(printf '%s' "$out" | head -n 2)]" ;;
	esac
	run "$I" "$L" --help
	result
	case $rc/$out in
	0/Usage:*) pass "$N/help-long" ;;
	*) fail "$N/help-long" "status $rc" ;;
	esac

	# CMD: LD_PRELOAD handling
	run "$I" "$L" sh -c "$PRINT"
	expect "$N/cmd-unset" 0 "$LIB"
	run env LD_PRELOAD= "$I" "$L" sh -c "$PRINT"
	expect "$N/cmd-empty-preload" 0 "$LIB"
	run env LD_PRELOAD="$A $BB" "$I" "$L" sh -c "$PRINT"
	expect "$N/cmd-prepend-spaces" 0 "$LIB $A $BB"
	run env LD_PRELOAD="$A:$BB" "$I" "$L" sh -c "$PRINT"
	expect "$N/cmd-prepend-colons" 0 "$LIB:$A:$BB"
	run env LD_PRELOAD="$A $LIB $BB" "$I" "$L" sh -c "$PRINT"
	expect "$N/cmd-present-middle" 0 "$A $LIB $BB"
	run env LD_PRELOAD="$A:$BB:$LIB" "$I" "$L" sh -c "$PRINT"
	expect "$N/cmd-present-end" 0 "$A:$BB:$LIB"
	run env LD_PRELOAD="$LIB" "$I" "$L" sh -c "$PRINT"
	expect "$N/cmd-present-alone" 0 "$LIB"
	run env LD_PRELOAD="$ASAN $A" "$I" "$L" sh -c "$PRINT"
	expect "$N/cmd-sanitizer-first" 0 "$ASAN $LIB $A"
	# nested: the inner launcher must not add it a second time
	run "$I" "$L" "$L" sh -c "$PRINT"
	expect "$N/cmd-nested" 0 "$LIB"

	# CMD: arguments arrive unchanged
	run "$I" "$L" sh -c 'for a; do printf "[%s]" "$a"; done' x \
		"a b" "" "c  d" '*' '$HOME' "-x" 'e"f'"'g"
	expect "$N/cmd-args" 0 "[a b][][c  d][*][\$HOME][-x][e\"f'g]"
	run "$I" "$L" sh -c 'printf "%s" "$#"' x
	expect "$N/cmd-no-args" 0 "0"

	# CMD: exec, so the program keeps the launcher's pid
	"$I" "$L" sh -c 'echo $$' >"$T/pid" 2>/dev/null </dev/null &
	p=$!
	wait "$p"
	if [ "$(cat "$T/pid")" = "$p" ]; then
		pass "$N/cmd-exec-pid"
	else
		fail "$N/cmd-exec-pid" "program pid $(cat "$T/pid"), launcher pid $p"
	fi

	# CMD: the program's exit status passes through
	run "$I" "$L" sh -c 'exit 42'
	expect "$N/cmd-status" 42 ""

	# CMD: the prefix cache is filled first (when the configuration
	# leaves the prefix to discovery and the cache is not fresh: the
	# tool decides), quietly
	rm -f "$T/disc.log"
	run "$I" "$L" sh -c "$PRINT"
	result
	if [ "$rc/$out" = "0/$LIB" ] &&
		[ "$(cat "$T/disc.log" 2>/dev/null)" = "--cached --if-auto --quiet" ]; then
		pass "$N/cmd-fills-prefix-cache"
	else
		fail "$N/cmd-fills-prefix-cache" "status $rc, calls [$(cat "$T/disc.log" 2>/dev/null)]"
	fi
	# status and discover: tnat64-discover, and nothing else
	rm -f "$T/disc.log"
	run "$I" "$L" status 198.51.100.10:80
	expect "$N/status" 0 "STATUS:--status 198.51.100.10:80"
	run "$I" "$L" -p 2001:db8:64::/96 status
	expect "$N/status-no-host" 0 "STATUS:--status"
	run "$I" "$L" discover --no-write --cached
	expect "$N/discover" 0 ""
	[ "$(tail -n 1 "$T/disc.log" 2>/dev/null)" = "--no-write --cached" ] &&
		pass "$N/discover-args" ||
		fail "$N/discover-args" "calls [$(cat "$T/disc.log" 2>/dev/null)]"
	run "$I" "$L" status a b
	expect_err "$N/status-two-hosts" 2 "one HOST"
	run "$I" "$L" -s status
	expect_err "$N/status-seccomp" 2 "does not go with 'status'"
	run "$I" "$L" -- status
	expect_err "$N/status-as-program" 127 "command not found"

	# CMD: not found
	run "$I" "$L" tnat64-no-such-command-$$
	expect_err "$N/cmd-not-found" 127 "command not found"
	run "$I" "$L" "$T/no-such-file"
	expect_err "$N/cmd-not-found-path" 127 "not found"
	run "$I" "$L" ""
	expect_err "$N/cmd-empty-name" 127 "not found"
	run "$I" "$L" "$T/d.c"
	expect_err "$N/cmd-not-executable" 126 "permission denied"
	run "$I" "$L" "$T/work"
	expect_err "$N/cmd-directory" 126 "is a directory"

	# --: ends options; on/off/show after it are commands
	run env PATH="$T/path:$PATH" "$I" "$L" -- show a
	expect "$N/dashdash-show" 0 "program show 1"
	run "$I" "$L" -p 2001:db8:64::/96 -- sh -c 'printf "%s" "$TNAT64_NAT64_PREFIX"'
	expect "$N/dashdash-after-option" 0 "2001:db8:64::/96"

	# options
	cp "$T/d.c" "$T/work/my.conf"
	(cd "$T/work" && run "$I" "$L" -c my.conf sh -c 'printf "%s" "$TNAT64_CONF_FILE"')
	expect "$N/opt-conf-relative" 0 "$T/work/my.conf"
	run "$I" "$L" --conf "$T/work/my.conf" sh -c 'printf "%s" "$TNAT64_CONF_FILE"'
	expect "$N/opt-conf-long" 0 "$T/work/my.conf"
	run "$I" "$L" --conf="$T/work/my.conf" sh -c 'printf "%s" "$TNAT64_CONF_FILE"'
	expect "$N/opt-conf-equals" 0 "$T/work/my.conf"
	run "$I" "$L" -c"$T/work/my.conf" sh -c 'printf "%s" "$TNAT64_CONF_FILE"'
	expect "$N/opt-conf-attached" 0 "$T/work/my.conf"
	run "$I" "$L" -c "$T/no-such.conf" true
	expect_err "$N/opt-conf-missing" 2 "no-such.conf"
	run "$I" "$L" -c "$T/work" true
	expect_err "$N/opt-conf-directory" 2 "cannot read"
	run "$I" "$L" -c
	expect_err "$N/opt-conf-no-arg" 2 "needs an argument"

	for pfx in 2001:db8:64::/96 2001:db8:64::/64 2001:db8::/32 2001:db8:64:: \
		2001:db8:122:300::/56; do
		run "$I" "$L" -p "$pfx" sh -c 'printf "%s" "$TNAT64_NAT64_PREFIX"'
		expect "$N/opt-prefix-$pfx" 0 "$pfx"
	done
	run "$I" "$L" --prefix 2001:db8:64::/96 sh -c 'printf "%s" "$TNAT64_NAT64_PREFIX"'
	expect "$N/opt-prefix-long" 0 "2001:db8:64::/96"
	run "$I" "$L" --prefix=2001:db8:6400::/40 sh -c 'printf "%s" "$TNAT64_NAT64_PREFIX"'
	expect "$N/opt-prefix-equals" 0 "2001:db8:6400::/40"
	for pfx in 2001:db8:64::/95 2001:db8:64::/96x 192.0.2.1 "" 2001:db8::/64/64 \
		"2001:db8:64::/" "2001:db8 ::/96"; do
		run "$I" "$L" -p "$pfx" true
		expect_err "$N/opt-prefix-bad-[$pfx]" 2 "invalid NAT64 prefix"
	done

	for lvl in -1 0 1 2 3 4 10; do
		run "$I" "$L" -d "$lvl" sh -c 'printf "%s" "$TNAT64_DEBUG"'
		expect "$N/opt-debug-$lvl" 0 "$lvl"
	done
	run "$I" "$L" --debug=3 sh -c 'printf "%s" "$TNAT64_DEBUG"'
	expect "$N/opt-debug-equals" 0 "3"
	run "$I" "$L" -d4 sh -c 'printf "%s" "$TNAT64_DEBUG"'
	expect "$N/opt-debug-attached" 0 "4"
	for lvl in x 3x "" - --1 1.5 12345678901; do
		run "$I" "$L" --debug "$lvl" true
		expect_err "$N/opt-debug-bad-[$lvl]" 2 "invalid debug level"
	done

	(cd "$T/work" && run "$I" "$L" -l my.log sh -c 'printf "%s" "$TNAT64_DEBUG_FILE"')
	expect "$N/opt-log-relative" 0 "$T/work/my.log"
	run "$I" "$L" --log "$T/work/x y.log" sh -c 'printf "%s" "$TNAT64_DEBUG_FILE"'
	expect "$N/opt-log-long" 0 "$T/work/x y.log"
	run "$I" "$L" -l "$T/no/such/dir/x.log" true
	expect_err "$N/opt-log-no-dir" 2 "x.log"

	run "$I" "$L" -c "$T/work/my.conf" -p 2001:db8:64::/64 -d 3 -l "$T/work/l" \
		sh -c 'printf "%s|%s|%s|%s|%s" "$TNAT64_CONF_FILE" "$TNAT64_NAT64_PREFIX" "$TNAT64_DEBUG" "$TNAT64_DEBUG_FILE" "$LD_PRELOAD"'
	expect "$N/opt-all" 0 "$T/work/my.conf|2001:db8:64::/64|3|$T/work/l|$LIB"

	run env -u LD_PRELOAD "$I" "$L" --seccomp sh -c true
	expect "$N/opt-seccomp" 0 "SV:sh -c true|unset|unset"
	run env -u LD_PRELOAD "$I" "$L" -d 2 -s sh -c "x y"
	expect "$N/opt-seccomp-later" 0 "SV:sh -c x y|unset|2"
	run env -u LD_PRELOAD PATH="$T/path:$PATH" "$I" "$L" static-prog a
	expect "$N/seccomp-auto-static" 0 "SV:static-prog a|unset|unset"
	run env -u LD_PRELOAD PATH="$T/path:$PATH" "$I" "$L" -P static-prog a
	expect "$N/seccomp-preload-forced" 0 ""
	run env -u LD_PRELOAD FAKE_SV_NOCHECK=1 PATH="$T/path:$PATH" "$I" "$L" static-prog
	result
	if [ "$rc" = 0 ] && grep -q "kernel too old" "$T/err" &&
		grep -q "with the library anyway" "$T/err"; then
		pass "$N/seccomp-auto-fallback"
	else
		fail "$N/seccomp-auto-fallback" "status $rc, stderr [$(cat "$T/err")]"
	fi
	run env -u LD_PRELOAD "$I" "$L" sh -c 'printf "%s" "$LD_PRELOAD"'
	expect "$N/seccomp-auto-dynamic" 0 "$LIB"
	run "$I" "$L" --seccomp show
	expect_err "$N/seccomp-show" 2 "does not go with"

	run "$I" "$L" -x true
	expect_err "$N/opt-unknown" 2 "unknown option"
	run "$I" "$L" --frobnicate true
	expect_err "$N/opt-unknown-long" 2 "unknown option"
	run "$I" "$L" --version=2
	expect_err "$N/opt-flag-with-value" 2 "takes no argument"

	# show
	run "$I" "$L" show
	expect "$N/show-unset" 0 'LD_PRELOAD=""'
	run env LD_PRELOAD="$A $BB" TNAT64_DEBUG=2 "$I" "$L" show
	expect "$N/show-set" 0 "LD_PRELOAD=\"$A $BB\"
TNAT64_DEBUG=\"2\""
	run "$I" "$L" -p 2001:db8:64::/96 -c "$T/work/my.conf" show
	expect "$N/show-options" 0 "LD_PRELOAD=\"\"
TNAT64_CONF_FILE=\"$T/work/my.conf\"
TNAT64_NAT64_PREFIX=\"2001:db8:64::/96\""
	run "$I" "$L" show extra
	expect_err "$N/show-extra-arg" 2 "takes no arguments"

	# on/off only make sense when sourced
	run "$I" "$L" on
	expect_err "$N/on-executed" 2 "sourced"
	run "$I" "$L" off
	expect_err "$N/off-executed" 2 "sourced"

	# no CMD: the user's shell
	run env SHELL="$T/fakeshell" "$I" "$L"
	expect "$N/shell" 0 "$LIB args=0"
	run env SHELL="$T/fakeshell" LD_PRELOAD="$A" "$I" "$L" -d 1
	expect "$N/shell-options" 0 "$LIB $A args=0"
	# no SHELL: /bin/sh, reading its commands from stdin
	printf '%s\n' "$PRINT" | env -u SHELL "$I" "$L" >"$T/out" 2>"$T/err"
	echo "$?" >"$T/rc"
	expect "$N/shell-default" 0 "$LIB"
	run env SHELL="$T/no-such-shell" "$I" "$L"
	expect_err "$N/shell-missing" 127 "not found"

	# library missing
	run "$I" "$LM" true
	expect_err "$N/no-library" 1 "library not found"
	run "$I" "$LM" show
	expect "$N/no-library-show" 0 'LD_PRELOAD=""'

	# build tree: library next to the launcher
	if [ -e "$INSTLIB" ]; then
		skip "$N/build-tree" "$INSTLIB is installed, so it is used"
	else
		run "$I" "$LB" sh -c "$PRINT"
		expect "$N/build-tree" 0 "$T/build/libtnat64.so"
		(cd "$T" && run "$I" build/tnat64 sh -c "$PRINT")
		expect "$N/build-tree-relative" 0 "$T/build/libtnat64.so"
		(cd "$T/build" && run "$I" ./tnat64 sh -c "$PRINT")
		expect "$N/build-tree-dot" 0 "$T/build/libtnat64.so"
	fi
done

# ---------------------------------------------------------------- sourced

# Does shell S pass the arguments of '.' to the sourced file?  (dash
# does not: the file sees the caller's positional parameters.)
printf 'printf "%%s" "${1-none}"\n' >"$T/probe"

# Runs in the sourcing shell: on twice, off twice, through the
# positional parameters (works in every shell), then checks that the
# launcher left no variables, functions or option changes behind.
SCRIPT_POS='L=$1
o=$-
set -- on; . "$L"; r=$?
set -- on; . "$L"; r=$r$?
printf "%s|%s|" "$r" "${LD_PRELOAD-unset}"
set -- off; . "$L"; r=$?
set -- off; . "$L"; r=$r$?
printf "%s|%s|" "$r" "${LD_PRELOAD-unset}"
if [ "$-" = "$o" ]; then printf "opts-same|"; else printf "opts-changed:%s:%s|" "$o" "$-"; fi
if set | grep -q "^_tnat64"; then printf "vars-left|"; else printf "vars-clean|"; fi
if command -v _tnat64_main >/dev/null 2>&1; then printf "funcs-left"; else printf "funcs-clean"; fi'

# The same with arguments to '.', for shells that pass them.
SCRIPT_ARGS='L=$1
set --
. "$L" on; r=$?
. "$L" on; r=$r$?
printf "%s|%s|" "$r" "${LD_PRELOAD-unset}"
. "$L" off; r=$?
. "$L" off; r=$r$?
printf "%s|%s" "$r" "${LD_PRELOAD-unset}"'

# Errors must not end the sourcing shell; options apply to it.
SCRIPT_ERRS='L=$1
set -- ls; . "$L" 2>/dev/null; printf "cmd=%s|" "$?"
set --; . "$L" 2>/dev/null; printf "none=%s|" "$?"
set -- --seccomp on; . "$L" 2>/dev/null; printf "seccomp=%s|" "$?"
set -- -x on; . "$L" 2>/dev/null; printf "bad=%s|" "$?"
set -- -p 2001:db8:64::/95 on; . "$L" 2>/dev/null; printf "badpfx=%s|" "$?"
set -- show extra; . "$L" 2>/dev/null; printf "extra=%s|" "$?"
set -- -h; . "$L" >/dev/null; printf "help=%s|" "$?"
printf "%s|" "${LD_PRELOAD-unset}"
set -- -p 2001:db8:64::/96 -d 2 on; . "$L"; printf "on=%s|" "$?"
sh -c '"'"'printf "%s|%s|%s|" "$LD_PRELOAD" "$TNAT64_NAT64_PREFIX" "$TNAT64_DEBUG"'"'"'
set -- show; . "$L" | head -n 1 | tr "\n" "|"
set -- off; . "$L"
printf "alive"'

for S in $INTERPS; do
	N=launcher/sourced-${S##*/}
	passes=$("$S" -c '. "$1" x' s "$T/probe" 2>/dev/null)

	run "$S" -c "$SCRIPT_POS" s "$L"
	expect "$N/on-off-twice" 0 "00|$LIB|00|unset|opts-same|vars-clean|funcs-clean"

	run env LD_PRELOAD="$A $BB" "$S" -c "$SCRIPT_POS" s "$L"
	expect "$N/on-off-preset" 0 "00|$LIB $A $BB|00|$A $BB|opts-same|vars-clean|funcs-clean"

	run env LD_PRELOAD="$A:$LIB:$BB" "$S" -c "$SCRIPT_POS" s "$L"
	expect "$N/on-off-present" 0 "00|$A:$LIB:$BB|00|$A:$BB|opts-same|vars-clean|funcs-clean"

	run env LD_PRELOAD="$LIB" "$S" -c "set -eu; $SCRIPT_POS" s "$L"
	expect "$N/on-off-set-eu" 0 "00|$LIB|00|unset|opts-same|vars-clean|funcs-clean"

	run "$S" -c "set -f; $SCRIPT_POS" s "$L"
	expect "$N/on-off-noglob" 0 "00|$LIB|00|unset|opts-same|vars-clean|funcs-clean"

	run env LD_PRELOAD="$A" "$S" -c "$SCRIPT_ARGS" s "$L"
	if [ "$passes" = x ]; then
		expect "$N/dot-arguments" 0 "00|$LIB $A|00|$A"
	else
		# The arguments are lost: refuse, with a hint, change nothing.
		result
		if [ "$out" = "22|$A|22|$A" ] && grep -q 'set -- on' "$T/err"; then
			pass "$N/dot-arguments-dropped"
		else
			fail "$N/dot-arguments-dropped" "output [$out], stderr [$(head -c 300 "$T/err")]"
		fi
	fi

	run "$S" -c "$SCRIPT_ERRS" s "$L"
	expect "$N/errors-and-options" 0 "cmd=2|none=2|seccomp=2|bad=2|badpfx=2|extra=2|help=0|unset|on=0|$LIB|2001:db8:64::/96|2|LD_PRELOAD=\"$LIB\"|alive"
done

# ---------------------------------------------------------------- lint

if command -v shellcheck >/dev/null 2>&1; then
	for s in sh dash bash; do
		if msg=$(shellcheck -s "$s" "$LAUNCHER" 2>&1); then
			pass "launcher/shellcheck-$s"
		else
			fail "launcher/shellcheck-$s" "$(printf '%s' "$msg" | head -n 3 | tr '\n' ' ')"
		fi
	done
else
	skip launcher/shellcheck "shellcheck not installed"
fi

# ---------------------------------------------------------------- real library

if [ ! -f "$BD/libtnat64.so" ]; then
	skip launcher/real-library "$BD/libtnat64.so not built"
elif [ -e "$INSTLIB" ]; then
	skip launcher/real-library "$INSTLIB is installed, so $B/tnat64 would use it"
else
	pre=
	if [ "${SANITIZE-}" = 1 ]; then
		pre=$(${CC:-gcc} -print-file-name=libasan.so 2>/dev/null)
		case $pre in /*) ;; *) pre= ;; esac
	fi
	if [ "${SANITIZE-}" = 1 ] && [ -z "$pre" ]; then
		skip launcher/real-library "SANITIZE=1 but no libasan.so found"
	else
		if [ -n "$pre" ]; then
			want="$pre $BD/libtnat64.so"
		else
			want=$BD/libtnat64.so
		fi
		# a prefix given: nothing for the real tnat64-discover to find
		# (it would ask this host's name servers)
		run env LD_PRELOAD="$pre" ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 \
			TNAT64_CONF_FILE=/dev/null "$LAUNCHER" -d 0 \
			-p 2001:db8:64::/96 sh -c "$PRINT"
		expect launcher/real-library 0 "$want"
	fi
fi

summary
