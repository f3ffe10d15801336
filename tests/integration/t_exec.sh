#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Exec coverage (tnat64(8), EXEC COVERAGE): static and Go programs started
# by programs that have the library (a shell of `tnat64`, `. tnat64 on`,
# make, a C program with each exec function, posix_spawn(p), system,
# popen, vfork) run under the seccomp supervisor and reach IPv4-only
# servers; their parent sees them as if they ran by themselves (status,
# signals, stops, argv[0], environment, descriptors).  Also: scripts of a
# static interpreter, the supervisor missing or unable to start (fail
# open), and the launcher's one line for set-user-ID and file-capability
# programs (ping) run by a normal user, not by root.
#
# Servers in the server namespace: busybox httpd on 198.51.100.10:80, srv's
# TCP echo on 7001 (the Go client's).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

P=$TB_BUILD/tests/progs
PROBE=$P/static/st_probe
LAUNCHER=$TB_BUILD/tnat64
SV=$TB_BUILD/tnat64-seccomp
BUSYBOX=$(command -v busybox 2>/dev/null || echo /bin/busybox)
ECHO_PORT=7001

tb_setup

tb_need_built exec "$SV" "$LAUNCHER" "$PROBE" "$P/t_spawn" "$P/t_dlopen" \
	"$P/t_iouring" "$P/srv"
if [ ! -x "$BUSYBOX" ] || [ -n "$(ldd "$BUSYBOX" 2>/dev/null | grep '=>')" ]; then
	skip exec "no static busybox (busybox-static)"
	tb_summary
	exit 0
fi
chmod 755 "$TB_TMP"
chmod 644 "$TB_CONF"

mkdir -p "$TB_TMP/www"
PAGE="exec page $$"
echo "$PAGE" >"$TB_TMP/www/index.html"
chmod -R a+rX "$TB_TMP/www"
tb_bg server "$BUSYBOX" httpd -f -p 198.51.100.10:80 -h "$TB_TMP/www" >/dev/null
tb_bg server "$P/srv" -e "$ECHO_PORT" >/dev/null
if ! tb_wait_tcp server 198.51.100.10 80 || ! tb_wait_tcp server 0.0.0.0 "$ECHO_PORT"; then
	fail exec/servers "the servers did not start"
	tb_summary
	exit 1
fi

# lib ARGS...: in the client namespace, with the library preloaded as
# `tnat64` would (sanitizer runtime first in sanitizer builds).
lib() { TB_TIMEOUT=${T:-60} tb_tnat64 "$@"; }
# launch ARGS...: the launcher, without LD_PRELOAD of its own.
launch() {
	TB_TIMEOUT=${T:-60} tb_client env -u LD_PRELOAD TNAT64_CONF_FILE="$TB_CONF" \
		"$LAUNCHER" "$@"
}
# sourced CMD: bash that ran `. tnat64 on`, then CMD (a bash string).
# Sourced, the launcher names the installed library: a copy of it names
# the build tree's.
SOURCED=$TB_TMP/tnat64-sourced
sed -e "s|^\([[:space:]]*_tnat64_lib=\)'.*'\$|\1'$TB_LIB'|" \
	-e "s|^\([[:space:]]*_tnat64_sv=\)'.*'\$|\1'$SV'|" "$LAUNCHER" >"$SOURCED"
grep -q "'$TB_LIB'" "$SOURCED" || fail exec/setup "cannot point $SOURCED at $TB_LIB"
sourced() {
	TB_TIMEOUT=${T:-60} tb_client env -u LD_PRELOAD TNAT64_CONF_FILE="$TB_CONF" \
		${TB_PRELOAD_EXTRA:+LD_PRELOAD="$TB_PRELOAD_EXTRA"} \
		bash -c ". '$SOURCED' on && $1"
}

# expect NAME WANT OUT: OUT contains WANT.
expect() {
	case $3 in
	*"$2"*) pass "$1" ;;
	*) fail "$1" "got '$(printf '%s' "$3" | tail -n 3 | tr '\n' '|')'" ;;
	esac
}

# ------------------------------------------------------------ controls

out=$(tb_client "$BUSYBOX" wget -q -O - http://198.51.100.10/ 2>&1)
[ "$out" != "$PAGE" ] && pass exec/control: busybox alone cannot reach it ||
	fail exec/control "static busybox reached the IPv4 server by itself"
out=$(lib sh -c "\"$PROBE\" connect 198.51.100.10 80 2>&1" 2>&1)
case $out in
HTTP/*) pass "exec/sh -c: static program under the library's shell" ;;
*) fail "exec/sh -c: static program under the library's shell" "$out" ;;
esac

# ------------------------------------------------------------ the issue's commands

NC="printf 'GET / HTTP/1.0\\r\\n\\r\\n' | busybox nc 198.51.100.10 80"
out=$(launch sh -c "$NC" 2>&1)
expect "exec/launcher: sh -c busybox nc" "$PAGE" "$out"
out=$(sourced "sh -c \"$NC\"" 2>&1)
expect "exec/. tnat64 on: sh -c busybox nc" "$PAGE" "$out"

# A Makefile whose recipe runs a static program.
if command -v make >/dev/null; then
	mkdir -p "$TB_TMP/mk"
	printf 'all:\n\t%s wget -q -O - http://198.51.100.10/\nfail:\n\t%s exit 3\n' \
		"$BUSYBOX" "$PROBE" >"$TB_TMP/mk/Makefile"
	out=$(launch make -s -C "$TB_TMP/mk" 2>&1)
	expect "exec/launcher: make, a static recipe" "$PAGE" "$out"
	out=$(sourced "make -s -C '$TB_TMP/mk'" 2>&1)
	expect "exec/. tnat64 on: make, a static recipe" "$PAGE" "$out"
	out=$(lib make -C "$TB_TMP/mk" fail 2>&1)
	rc=$?
	case $rc/$out in
	2/*"Error 3"*) pass "exec/make sees the static recipe's status" ;;
	*) fail "exec/make sees the static recipe's status" "status $rc: $(echo "$out" | tail -n 1)" ;;
	esac
else
	skip exec/make "make not installed"
fi

# Go, with and without cgo, started by bash.
GO=$(command -v go 2>/dev/null)
built=
if [ -z "$GO" ]; then
	skip exec/go "go not installed"
else
	export GOCACHE=$TB_TMP/gocache GOPATH=$TB_TMP/gopath GOFLAGS= \
		GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off
	gosrc=$TB_ROOT/tests/progs/seccomp_go
	if (cd "$gosrc" && CGO_ENABLED=0 "$GO" build -o "$TB_TMP/goclient" .) \
		>"$TB_TMP/go-static.log" 2>&1; then
		built="$built goclient"
	else
		fail exec/go-static/build "$(tail -n 3 "$TB_TMP/go-static.log")"
	fi
	if (cd "$gosrc" && CGO_ENABLED=1 "$GO" build -o "$TB_TMP/goclient-cgo" .) \
		>"$TB_TMP/go-cgo.log" 2>&1; then
		built="$built goclient-cgo"
	else
		skip exec/go-cgo "cgo build failed: $(tail -n 1 "$TB_TMP/go-cgo.log")"
	fi
	# Without a build ID there is no "Go" note: only the section names
	# tell (src/common/execkind.c).
	if (cd "$gosrc" && CGO_ENABLED=1 "$GO" build -ldflags=-buildid= \
		-o "$TB_TMP/goclient-cgo-nobuildid" .) >"$TB_TMP/go-cgo-nb.log" 2>&1; then
		built="$built goclient-cgo-nobuildid"
		if command -v readelf >/dev/null; then
			if readelf -n "$TB_TMP/goclient-cgo-nobuildid" | grep -q 'GO BUILDID'; then
				fail "exec/go-cgo-nobuildid: no Go note" "it has one"
			else
				pass "exec/go-cgo-nobuildid: no Go note"
			fi
		fi
	else
		skip exec/go-cgo-nobuildid "cgo build failed: $(tail -n 1 "$TB_TMP/go-cgo-nb.log")"
	fi
	chmod 755 "$TB_TMP"/goclient* 2>/dev/null
fi
for g in $built; do
	cmd="cd '$TB_TMP' && ./$g -tcp $TB_SERVER4:$ECHO_PORT"
	for how in launch sourced; do
		if [ "$how" = launch ]; then
			out=$(launch bash -c "$cmd" 2>&1)
		else
			out=$(sourced "bash -c \"$cmd\"" 2>&1)
		fi
		name="exec/$how: bash -c ./$g"
		if grep -q '^PASS: go-.*/tcp-remoteaddr' <<<"$out" &&
			! grep -q '^FAIL' <<<"$out"; then
			pass "$name"
		else
			fail "$name" "$(grep -m 2 -E '^FAIL|rror' <<<"$out" | tr '\n' '|')"
		fi
	done
done

# ------------------------------------------------------------ what it costs

# A dynamic program's exec binds no symbol of the library lazily in the
# forked child: each binding there costs the child a dozen page faults
# in the loader and the symbol tables (make bench-exec).  The loader's
# LD_DEBUG=bindings log of bash (pid first on each line) has its
# children's lines until their exec (the programs, a C one and a script
# of a dynamic interpreter, run with LD_DEBUG empty).  Sanitizer builds
# call their runtime from every function.
if [ "${SANITIZE:-}" = 1 ]; then
	skip "exec/cost: no lazy binding in the forked child" "sanitizer build"
else
	dbg=$TB_TMP/ldbind
	printf '#!/bin/sh\nexit 0\n' >"$TB_TMP/dyn.sh"
	chmod 755 "$TB_TMP/dyn.sh"
	pid=$(tb_client env LD_PRELOAD="$TB_LIB" TNAT64_CONF_FILE="$TB_CONF" \
		LD_DEBUG=bindings LD_DEBUG_OUTPUT="$dbg" bash -c 'echo $$
		LD_DEBUG= /bin/true; LD_DEBUG= env true; LD_DEBUG= "$1"; :' \
		bash "$TB_TMP/dyn.sh" 2>&1)
	if [ ! -s "$dbg.$pid" ]; then
		fail "exec/cost: no lazy binding in the forked child" "no log $dbg.$pid"
	else
		bound=$(grep -F "binding file $TB_LIB " "$dbg.$pid" |
			awk -v p="$pid:" '$1 != p' | sed 's/.*normal symbol//' | sort -u)
		[ -z "$bound" ] && pass "exec/cost: no lazy binding in the forked child" ||
			fail "exec/cost: no lazy binding in the forked child" "$(tr '\n' ' ' <<<"$bound")"
	fi
fi

# ------------------------------------------------------------ shells as parents

out=$(lib sh -c "\"$PROBE\" exit 7; echo status=\$?" 2>&1)
expect "exec/sh: the static program's exit status" "status=7" "$out"
out=$(lib bash -c "\"$PROBE\" beat '$TB_TMP/bash.beat' & p=\$!
	for i in \$(seq 300); do [ -s '$TB_TMP/bash.beat' ] && break; sleep 0.05; done
	kill \$p; wait \$p; echo status=\$?" 2>&1)
expect "exec/bash: kill reaches the static program" "status=143" "$out"
# bash's job control: the job stops as a whole and goes on.
out=$(lib bash -c "set -m; \"$PROBE\" beat '$TB_TMP/job.beat' & 
	for i in \$(seq 300); do [ -s '$TB_TMP/job.beat' ] && break; sleep 0.05; done
	kill -STOP %1; sleep 0.3; jobs -l; a=\$(cat '$TB_TMP/job.beat'); sleep 0.3
	b=\$(cat '$TB_TMP/job.beat'); echo beats=\$a,\$b; kill -CONT %1; sleep 0.3
	c=\$(cat '$TB_TMP/job.beat'); echo after=\$c; kill %1; wait" 2>&1)
case $out in
*Stopped*beats=*) ;;
esac
a=$(sed -n 's/^beats=\([0-9]*\),.*/\1/p' <<<"$out")
b=$(sed -n 's/^beats=[0-9]*,\([0-9]*\)$/\1/p' <<<"$out")
c=$(sed -n 's/^after=\([0-9]*\)$/\1/p' <<<"$out")
if grep -q Stopped <<<"$out" && [ -n "$a" ] && [ -n "$c" ] &&
	[ "$b" -le $((a + 1)) ] && [ "$c" -gt "$b" ]; then
	pass "exec/bash job control: kill -STOP %1 / kill -CONT %1"
else
	fail "exec/bash job control: kill -STOP %1 / kill -CONT %1" \
		"$(tr '\n' '|' <<<"$out")"
fi

# ------------------------------------------------------------ a C parent

out=$TB_TMP/t_spawn.out
T=240 lib "$P/t_spawn" "$PROBE" "$TB_SERVER4" 80 >"$out" 2>"$out.err"
tb_results exec/c/ exec/c/t_spawn $? "$out" "$out.err" 240

# ------------------------------------------------------------ RTLD_DEEPBIND, dlopen's caller

# AddressSanitizer refuses RTLD_DEEPBIND (it would bypass its own
# interceptors): those parts only run in the normal build.
deep=
[ "${SANITIZE:-}" = 1 ] && deep=-n
out=$TB_TMP/t_dlopen.out
lib "$P/t_dlopen" $deep "$TB_SERVER4" 80 "http://$TB_SERVER4/" "$PAGE" \
	>"$out" 2>"$out.err"
tb_results exec/dlopen/ exec/dlopen/t_dlopen $? "$out" "$out.err" 60
if [ -z "$deep" ]; then
	tb_client "$P/t_dlopen" "$TB_SERVER4" 80 >"$out" 2>&1
	grep -q '^FAIL: deepbind: connect' "$out" &&
		pass "exec/dlopen/control: without the library the module cannot connect" ||
		fail "exec/dlopen/control" "$(grep deepbind "$out" | tr '\n' '|')"
fi
PHPCURL='curl_exec(curl_init("http://198.51.100.10/"));'
if ! command -v php >/dev/null || ! php -r 'exit(function_exists("curl_init") ? 0 : 1);' 2>/dev/null; then
	skip exec/php "php-cli with php-curl not installed"
elif [ -n "$deep" ]; then
	skip exec/php "AddressSanitizer refuses PHP's RTLD_DEEPBIND"
else
	out=$(tb_client php -r "$PHPCURL" 2>&1)
	case $out in
	*"$PAGE"*) fail exec/php/control "php reached the IPv4 server by itself" ;;
	*) pass "exec/php/control: without the library curl cannot connect" ;;
	esac
	out=$(launch php -r "$PHPCURL" 2>&1)
	expect "exec/launcher: php curl (RTLD_DEEPBIND extension)" "$PAGE" "$out"
	out=$(sourced "php -r '$PHPCURL'" 2>&1)
	expect "exec/. tnat64 on: php curl (RTLD_DEEPBIND extension)" "$PAGE" "$out"
	out=$(launch php -r 'echo file_get_contents("http://198.51.100.10/");' 2>&1)
	expect "exec/launcher: php file_get_contents" "$PAGE" "$out"
	# Nothing else changes for PHP: the same modules, the same output.
	a=$(tb_client php -m 2>&1)
	b=$(launch php -m 2>&1)
	[ "$a" = "$b" ] && pass "exec/php -m: the same with the library" ||
		fail "exec/php -m: the same with the library" "$(diff <(echo "$a") <(echo "$b") | head -n 5 | tr '\n' '|')"
fi

# ------------------------------------------------------------ scripts

printf '#!%s sh\n%s wget -q -O - http://198.51.100.10/\n' "$BUSYBOX" \
	"$BUSYBOX" >"$TB_TMP/static.sh"
chmod 755 "$TB_TMP/static.sh"
out=$(lib bash -c "'$TB_TMP/static.sh'" 2>&1)
expect "exec/script of a static interpreter (#!$BUSYBOX sh)" "$PAGE" "$out"
out=$(launch "$TB_TMP/static.sh" 2>&1)
expect "exec/launcher: script of a static interpreter" "$PAGE" "$out"

# ------------------------------------------------------------ fail open

# Under another supervisor that the program does not know of (no
# TNAT64_SECCOMP_ACTIVE): the new supervisor cannot install its listener
# (EBUSY), says so in one line and runs the program itself; the outer
# supervisor still translates for it.
out=$(TB_TIMEOUT=60 tb_client env TNAT64_CONF_FILE="$TB_CONF" "$SV" env \
	-u TNAT64_SECCOMP_ACTIVE LD_PRELOAD="$TB_LIB" bash -c \
	"'$PROBE' connect 198.51.100.10 80; echo status=\$?" 2>&1)
case $out in
*"cannot run here"*HTTP/*status=0*) pass "exec/fail open: the supervisor cannot start" ;;
*) fail "exec/fail open: the supervisor cannot start" "$(tr '\n' '|' <<<"$out")" ;;
esac
# No supervisor next to the library nor installed: one line, then the
# program as it is.
mkdir -p "$TB_TMP/alone"
cp "$TB_LIB" "$TB_TMP/alone/libtnat64.so"
default_sv=$(strings "$TB_LIB" | grep -m 1 '/tnat64-seccomp$')
if [ -n "$default_sv" ] && [ -e "$default_sv" ]; then
	skip "exec/fail open: no supervisor" "$default_sv is installed"
else
	out=$(TB_TIMEOUT=60 tb_client env LD_PRELOAD="${TB_PRELOAD_EXTRA:+$TB_PRELOAD_EXTRA }$TB_TMP/alone/libtnat64.so" \
		TNAT64_CONF_FILE="$TB_CONF" bash -c "'$PROBE' exit 5; echo status=\$?" 2>&1)
	case $out in
	*"seccomp supervisor"*"missing"*status=5*) pass "exec/fail open: no supervisor" ;;
	*) fail "exec/fail open: no supervisor" "$(tr '\n' '|' <<<"$out")" ;;
	esac
fi

# ------------------------------------------------------------ a broken configuration

# As with the library: a supervised program hears of errors in the file
# only when it works with IPv4, once (t_system checks programs that do
# nothing with IPv4 byte for byte).
printf 'nat64_prefix = nonsense\nnat64_prefix = %s\n' "$TB_PREFIX" >"$TB_TMP/bad.conf"
chmod 644 "$TB_TMP/bad.conf"
out=$(lib env TNAT64_CONF_FILE="$TB_TMP/bad.conf" "$BUSYBOX" echo quiet 2>&1)
[ "$out" = quiet ] && pass "exec/bad configuration: a static program without IPv4 hears nothing" ||
	fail "exec/bad configuration: a static program without IPv4" "printed: $out"
out=$(lib env TNAT64_CONF_FILE="$TB_TMP/bad.conf" sh -c \
	"'$BUSYBOX' wget -q -O - http://198.51.100.10/; '$BUSYBOX' wget -q -O - http://198.51.100.10/" 2>&1)
n=$(grep -c "bad.conf:1: bad nat64_prefix" <<<"$out")
case $out in
*"$PAGE"*"$PAGE"*)
	[ "$n" = 2 ] && pass "exec/bad configuration: each static program that connects hears of it once, and works" ||
		fail "exec/bad configuration: reported $n times in two programs" "$out"
	;;
*) fail "exec/bad configuration: the later good line was not used" "$out" ;;
esac

# ------------------------------------------------------------ escapes

# What remains out of reach (tnat64(8) LIMITATIONS): the behaviour
# documented there, checked.  untranslated NAME PATTERN OUT: the program
# ran and failed as an IPv4-only program does here (PATTERN: its own
# "cannot connect" message), without reaching the server.
untranslated() {
	case $3 in
	*"$PAGE"*) fail "$1" "it was translated: $3" ;;
	*"$2"*) pass "$1" ;;
	*) fail "$1" "expected '$2' (the program's own connect failure), got: $3" ;;
	esac
}
out=$(lib "$P/t_iouring" "$TB_SERVER4" 80 2>&1)
case $out in
"io_uring_setup: "*)
	skip "exec/escape: io_uring under the library" "io_uring unavailable here: $out"
	;;
*)
	expect "exec/escape: io_uring's connect under the library is not translated (ENETUNREACH)" \
		"connect: Network is unreachable" "$out"
	;;
esac
out=$(launch --seccomp "$P/t_iouring" "$TB_SERVER4" 80 2>&1)
expect "exec/escape: io_uring under the supervisor: io_uring_setup fails with ENOSYS" \
	"io_uring_setup: Function not implemented" "$out"
if command -v curl >/dev/null; then
	out=$(lib env -u LD_PRELOAD curl -sS -m 10 http://198.51.100.10/ 2>&1)
	untranslated "exec/escape: a dynamic program started without LD_PRELOAD is not translated" \
		"curl: (7)" "$out"
	out=$(lib env -u LD_PRELOAD "$BUSYBOX" wget -q -O - http://198.51.100.10/ 2>&1)
	expect "exec/a static program started by one that cleared LD_PRELOAD: covered" "$PAGE" "$out"
	if command -v sudo >/dev/null; then
		out=$(lib sudo curl -sS -m 10 http://198.51.100.10/ 2>&1)
		untranslated "exec/escape: sudo's env_reset drops LD_PRELOAD: not translated" \
			"curl: (7)" "$out"
		# Root's sudo has the library (no secure mode for root), so
		# it starts a static program under the supervisor, with the
		# environment sudo made: no TNAT64_CONF_FILE, /etc/tnat64.conf.
		out=$(lib sudo TNAT64_CONF_FILE="$TB_CONF" "$BUSYBOX" wget -q -O - \
			http://198.51.100.10/ 2>&1)
		expect "exec/a static program started by root's sudo: covered" "$PAGE" "$out"
	else
		skip "exec/escape: sudo" "sudo not installed"
	fi
else
	skip "exec/escape: programs started without LD_PRELOAD" "curl not installed"
fi
out=$(launch --preload "$BUSYBOX" sh -c "'$BUSYBOX' wget -q -O - http://198.51.100.10/" 2>&1)
untranslated "exec/escape: a static program started by a static one outside the supervisor is not translated" \
	"Network is unreachable" "$out"
out=$(launch "$BUSYBOX" sh -c "'$BUSYBOX' wget -q -O - http://198.51.100.10/" 2>&1)
expect "exec/the same under the supervisor (the launcher's choice for a static program): translated" \
	"$PAGE" "$out"

# ------------------------------------------------------------ set-user-ID, capabilities

PING=$(command -v ping 2>/dev/null)
if [ -z "$PING" ] || ! command -v setpriv >/dev/null ||
	[ -z "$(getcap "$PING" 2>/dev/null)" ] && [ ! -u "$PING" ]; then
	skip exec/ping "no ping with file capabilities or set-user-ID"
else
	# Copies that nobody may run (the build tree may be closed to it).
	inst=$TB_TMP/inst
	mkdir -p "$inst"
	cp "$LAUNCHER" "$TB_LIB" "$SV" "$inst/"
	chmod -R a+rX "$inst"
	out=$(TB_TIMEOUT=30 tb_client setpriv --reuid=65534 --regid=65534 \
		--clear-groups env -u LD_PRELOAD TNAT64_CONF_FILE="$TB_CONF" \
		"$inst/tnat64" ping -c 1 -W 1 198.51.100.10 2>&1 >/dev/null)
	lines=$(grep -c '^tnat64: ' <<<"$out")
	case $out in
	*"ping has file capabilities (cap_net_raw)"*"tnat64 --system on"*"--seccomp"* | \
	*"ping is set-user-ID"*"tnat64 --system on"*"--seccomp"*)
		[ "$lines" = 1 ] && pass "exec/launcher: one line for ping run by a normal user" ||
			fail "exec/launcher: one line for ping run by a normal user" "$lines lines: $out"
		;;
	*) fail "exec/launcher: one line for ping run by a normal user" "$out" ;;
	esac
	out=$(TB_TIMEOUT=30 tb_client env -u LD_PRELOAD TNAT64_CONF_FILE="$TB_CONF" \
		"$inst/tnat64" ping -c 1 -W 1 198.51.100.10 2>&1 >/dev/null)
	case $out in
	*"tnat64: "*) fail "exec/launcher: nothing said when root runs ping" "$out" ;;
	*) pass "exec/launcher: nothing said when root runs ping" ;;
	esac
fi

tb_summary
