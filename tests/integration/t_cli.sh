#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/integration/t_cli.sh - what a new user meets first: every program
# answers --help and --version (GNU conventions), its man page lists every
# option --help lists (and no other), in the same order, exit statuses
# are documented in order and are what the programs return, one version
# everywhere (Makefile, programs, man pages, debian/changelog), and man
# pages built for another PREFIX name that prefix's paths.
# Needs no network; the one name lookup runs in a network namespace of its
# own (unshare -n), where it fails at once.

# shellcheck disable=SC2015
# (lib.sh for its result helpers, pass/fail/skip/tb_summary, and B: no
# testbed is built)
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
ROOT=$TB_ROOT
BD=$TB_BUILD
unset LD_PRELOAD TNAT64_CONF_FILE TNAT64_DEBUG TNAT64_DEBUG_FILE TNAT64_NAT64_PREFIX

T=$(mktemp -d "${TMPDIR:-/tmp}/tnat64-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

VERSION=$(sed -n 's/^VERSION *= *//p' "$ROOT/Makefile")
case $VERSION in
[0-9]*) pass "cli/version: the Makefile says $VERSION" ;;
*) fail cli/version "no VERSION in the Makefile" ;;
esac

# run CMD...: stdout, stderr, status in $T/o, $T/e, $RC.
run() {
	"$@" >"$T/o" 2>"$T/e" </dev/null
	RC=$?
}
line1() { head -n 1 "$1" | cut -c1-160; }

# Long options as a man page source writes them (\-\-name) or as text.
man_opts() { # FILE: long options of the OPTIONS section's tags, in order
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$1" | awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
		grep -oE '\\-\\-[a-z][a-z\\-]*' | sed 's/\\//g' | awk '!seen[$0]++'
}
help_opts() { # FILE: long options of the option lines of --help, in order
	# (or of all of it, for a usage that has no option lines)
	if grep -qE '^ +-' "$1"; then
		grep -E '^ +-' "$1"
	else
		cat "$1"
	fi | grep -oE -- '--[a-z][a-z-]*' | awk '!seen[$0]++'
}

for prog in tnat64 tnat64-validateconf tnat64-seccomp; do
	p=$BD/$prog
	page=$ROOT/man/$prog.1
	[ -f "$page" ] || page=
	if [ ! -x "$p" ]; then
		fail "cli/$prog" "$p not built"
		continue
	fi
	for h in --help -h; do
		run "$p" "$h"
		if [ "$RC" = 0 ] && grep -qi '^usage:' "$T/o" && [ ! -s "$T/e" ]; then
			pass "cli/$prog $h"
		else
			fail "cli/$prog $h" "status $RC, stderr: $(line1 "$T/e")"
		fi
	done
	cp "$T/o" "$T/help.$prog"
	run "$p" --version
	if [ "$RC" = 0 ] && [ "$(cat "$T/o")" = "$prog $VERSION" ] && [ ! -s "$T/e" ]; then
		pass "cli/$prog --version"
	else
		fail "cli/$prog --version" "status $RC: '$(line1 "$T/o")' (want '$prog $VERSION')"
	fi
	if [ -z "$page" ]; then
		fail "cli/$prog/man" "no man/$prog.N"
		continue
	fi
	pass "cli/$prog/man: ${page#"$ROOT"/}"
	help_opts "$T/help.$prog" >"$T/h"
	man_opts "$page" >"$T/m"
	# Every option of --help in the man page, and the other way round.
	missing=$(grep -vxF -f "$T/m" "$T/h" | tr '\n' ' ')
	extra=$(grep -vxF -f "$T/h" "$T/m" | tr '\n' ' ')
	if [ -s "$T/h" ] && [ -z "$missing$extra" ]; then
		pass "cli/$prog/man-lists-every-option ($(wc -l <"$T/h") long options)"
	else
		fail "cli/$prog/man-lists-every-option" "not in the man page: ${missing:-none}; not in --help: ${extra:-none}"
	fi
	# In the same order (-- excepted: the man page ends its list with it).
	if [ "$(grep -vx -- -- "$T/h" | tr '\n' ' ')" = "$(grep -vx -- -- "$T/m" | tr '\n' ' ')" ]; then
		pass "cli/$prog/man-option-order"
	else
		fail "cli/$prog/man-option-order" "--help: $(tr '\n' ' ' <"$T/h"); man: $(tr '\n' ' ' <"$T/m")"
	fi
done

# tnat64-discover has no page of its own: tnat64(1) lists its options
# under the discover form, and every one of its --help.
D=$BD/tnat64-discover
if [ -x "$D" ]; then
	run "$D" --help
	bad=
	for o in $(help_opts "$T/o"); do
		case $o in --help | --version) continue ;; esac
		grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$ROOT/man/tnat64.1" ||
			bad="$bad $o"
	done
	[ "$RC" = 0 ] && [ -z "$bad" ] &&
		pass "cli/tnat64-discover/options-in-tnat64.1" ||
		fail "cli/tnat64-discover/options-in-tnat64.1" "status $RC; not in tnat64(1):$bad"
else
	fail "cli/tnat64-discover" "$D not built"
fi

# Short options too (tnat64, tnat64-validateconf: "-c, --conf").
for prog in tnat64 tnat64-validateconf; do
	[ -f "$T/help.$prog" ] || continue
	page=$ROOT/man/$prog.1
	bad=
	for o in $(grep -oE '^ +-[a-zA-Z],' "$T/help.$prog" | tr -d ' ,'); do
		grep -qE "^\.(B|BI|BR) .*\\\\$o\b" "$page" || bad="$bad $o"
	done
	[ -z "$bad" ] && pass "cli/$prog/man-lists-short-options" ||
		fail "cli/$prog/man-lists-short-options" "not in the man page:$bad"
done

# EXIT STATUS: in numeric order in every page that has the section.
for page in "$ROOT"/man/*.[1-8]; do
	nums=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$page" |
		awk '/^\.TP/ { getline; if ($1 == ".B" && $2 ~ /^[0-9]+$/) print $2 }' | tr '\n' ' ')
	[ -n "$nums" ] || continue
	if [ "$nums" = "$(echo "$nums" | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ')" ]; then
		pass "cli/${page##*/}/exit-status-in-order ($nums)"
	else
		fail "cli/${page##*/}/exit-status-in-order" "$nums"
	fi
done

# tnat64-validateconf: the statuses it returns are the ones documented.
V=$BD/tnat64-validateconf
VP=$ROOT/man/tnat64-validateconf.1
vnums=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$VP" |
	awk '/^\.TP/ { getline; if ($1 == ".B") print $2 }' | tr '\n' ' ')
[ "$vnums" = "0 1 2 3 " ] && pass "cli/validateconf/man-exit-statuses: $vnums" ||
	fail cli/validateconf/man-exit-statuses "man page lists '$vnums', want '0 1 2 3 '"
printf 'nat64_prefix = 2001:db8:64::/96\n' >"$T/good.conf"
printf 'nat64_prefix = 2001:db8:64::/96\nbogus line\n' >"$T/bad.conf"
vstatus() { # NAME WANT ARGS...
	local name=$1 want=$2
	shift 2
	run "$V" "$@"
	[ "$RC" = "$want" ] && pass "cli/validateconf/status-$want: $name" ||
		fail "cli/validateconf/status-$want: $name" "status $RC: $(line1 "$T/e")"
}
vstatus "good file" 0 -f "$T/good.conf"
vstatus "file with errors" 1 -f "$T/bad.conf"
vstatus "missing file" 1 -f "$T/none.conf"
vstatus "unknown option" 2 --bogus
vstatus "bad port" 2 -f "$T/good.conf" -t 192.0.2.1:70000
vstatus "empty host" 2 -f "$T/good.conf" -t :80
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
	unshare -n "$V" -f "$T/good.conf" -t nosuchhost.invalid >"$T/o" 2>"$T/e"
	RC=$?
	[ "$RC" = 3 ] && grep -q 'cannot resolve nosuchhost.invalid' "$T/e" &&
		pass "cli/validateconf/status-3: unknown host, in a namespace without network" ||
		fail "cli/validateconf/status-3" "status $RC: $(line1 "$T/e")"
	unshare -n "$V" -f "$T/bad.conf" -t nosuchhost.invalid >/dev/null 2>&1
	RC=$?
	[ "$RC" = 1 ] && pass "cli/validateconf/status-1: errors in the file win over an unknown host" ||
		fail "cli/validateconf/status-1: errors win" "status $RC"
else
	skip cli/validateconf/status-3 "needs root and unshare (for a namespace without network)"
fi
run "$V" --help
grep -q '3 if HOST' "$T/o" && grep -q '2 on a usage error' "$T/o" &&
	pass cli/validateconf/help-exit-statuses ||
	fail cli/validateconf/help-exit-statuses "$(grep -A3 'Exit status' "$T/o" | tr '\n' ' ')"

# tnat64-seccomp --want: 0 static or Go, 1 not, 2 not found.
S=$BD/tnat64-seccomp
run "$S" --want /nonexistent/program
[ "$RC" = 2 ] && pass "cli/seccomp/--want-missing-is-2" || fail "cli/seccomp/--want-missing-is-2" "status $RC"
run "$S" --want /bin/sh
[ "$RC" = 1 ] && pass "cli/seccomp/--want-dynamic-is-1" || fail "cli/seccomp/--want-dynamic-is-1" "status $RC"
run "$S"
[ "$RC" = 2 ] && pass "cli/seccomp/no-command-is-2" || fail "cli/seccomp/no-command-is-2" "status $RC"

# One version everywhere.
ch=$(sed -n '1s/^tnat64 (\([^)]*\)).*/\1/p' "$ROOT/debian/changelog")
[ "$ch" = "$VERSION" ] && pass "cli/debian-changelog-version ($ch)" ||
	fail cli/debian-changelog-version "debian/changelog says '$ch', the Makefile '$VERSION'"
bad=
for page in "$BD"/man/*.[1-8]; do
	grep -q "^\.TH .*\"tnat64 $VERSION\"" "$page" || bad="$bad ${page##*/}"
done
[ -z "$bad" ] && [ -n "$(ls "$BD"/man/ 2>/dev/null)" ] &&
	pass "cli/man-pages-of-this-version" ||
	fail cli/man-pages-of-this-version "not of version $VERSION:${bad:- none built}"

# Man pages and launcher built for another PREFIX name its paths (what
# `make install PREFIX=...` installs), and nothing of /usr's.
P=/opt/tnat64-cli-test
pages=
for page in "$ROOT"/man/*.[1-8]; do
	pages="$pages $T/b/man/${page##*/}"
done
# shellcheck disable=SC2086
if make -s -C "$ROOT" B="$T/b" PREFIX="$P" SANITIZE= $pages "$T/b/tnat64" >"$T/make.log" 2>&1; then
	bad=
	for f in $pages "$T/b/tnat64"; do
		sed "s|$P/[^ ]*||g" "$f" | grep -q '/usr/lib/tnat64\|/etc/tnat64\.conf' &&
			bad="$bad ${f##*/}"
	done
	[ -z "$bad" ] && pass "cli/prefix: no /usr/lib/tnat64 nor /etc/tnat64.conf for PREFIX=$P" ||
		fail cli/prefix "still the default paths in:$bad"
	grep -q "$P/lib/tnat64/libtnat64\.so" "$T/b/man/tnat64.8" &&
		grep -q "$P/etc/tnat64\.conf" "$T/b/man/tnat64.conf.5" &&
		grep -q "$P/lib/tnat64/tnat64-seccomp" "$T/b/man/tnat64.1" &&
		grep -q "/etc/ld\.so\.preload" "$T/b/man/tnat64.8" &&
		grep -qF "_tnat64_lib='$P/lib/tnat64/libtnat64.so'" "$T/b/tnat64" &&
		pass "cli/prefix: man pages and launcher name $P" ||
		fail cli/prefix "the paths of $P are not where they belong"
	# make install takes those pages, not man/'s.
	make -s -n -C "$ROOT" B="$T/b" PREFIX="$P" DESTDIR="$T/d" SANITIZE= install 2>&1 |
		sed -e ':a' -e '/\\$/N; s/\\\n//; ta' >"$T/inst"
	bad=
	for f in $pages; do
		grep -q "^[[:space:]]*install .*$f" "$T/inst" || bad="$bad ${f##*/}"
	done
	if [ -z "$bad" ] && ! grep -qE '^[[:space:]]*install .* man/' "$T/inst"; then
		pass "cli/prefix: make install installs the substituted pages"
	else
		fail cli/prefix/install "not installed from $T/b/man:${bad:- (man/ is)}"
	fi
else
	fail cli/prefix "make failed: $(tail -n 3 "$T/make.log")"
fi

tb_summary
