// SPDX-License-Identifier: GPL-2.0-or-later

//go:build cgo

package main

// #include <unistd.h>
// static int cpid(void) { return (int)getpid(); }
import "C"

// Only there to make the cgo build a real cgo binary (dynamically linked,
// with PT_INTERP): the test checks it is still run in seccomp mode.
func init() {
	_ = C.cpid()
	buildKind = "cgo"
}
