# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced by the bench scripts that count user-space instructions with
# callgrind.  The tool is run directly ("$VG_TOOL" --callgrind-out-file=...
# PROG), never through the valgrind launcher: the launcher is a dynamic
# program that starts the tool, a static one, and with the library in
# LD_PRELOAD the library's exec coverage starts the tool under the
# seccomp supervisor, which takes the library out of the program being
# measured.  Put LD_PRELOAD in the environment of the tool only (env
# LD_PRELOAD=... "$VG_TOOL" ...).  have_callgrind says whether it can run.
VG_TOOL=${VALGRIND_LIB:-/usr/libexec/valgrind}/callgrind-amd64-linux
VALGRIND_LAUNCHER=$(command -v valgrind 2>/dev/null)
export VG_TOOL VALGRIND_LAUNCHER

have_callgrind() {
	[ -n "$VALGRIND_LAUNCHER" ] && [ -x "$VG_TOOL" ]
}
