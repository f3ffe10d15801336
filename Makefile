# SPDX-License-Identifier: GPL-2.0-or-later
# tnat64 - plain GNU make.  `make`, `make check`, `make install`.
# `make check SANITIZE=1` builds everything with ASan+UBSan into build-san/.

PREFIX     ?= /usr
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib/tnat64
MANDIR     ?= $(PREFIX)/share/man
# tnat64-discover's systemd units and NetworkManager dispatcher script
# (dist/): /lib/systemd/system for PREFIX=/usr, as Debian 12's debhelper
# and systemd expect.
SYSTEMDUNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
NMDISPATCHDIR  ?= $(PREFIX)/lib/NetworkManager/dispatcher.d
DESTDIR    ?=
# The one place the version is written: the programs' --version, the
# manual pages' headers and debian/changelog (tests/integration/t_cli.sh
# checks that they agree).
VERSION     = 1.0.0

CC      ?= cc
WARN     = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wshadow -Wpointer-arith -Wvla
CFLAGS  ?= -O2 -g
# CPPFLAGS, CFLAGS and LDFLAGS from the environment or the command line are
# honoured (dpkg-buildflags' hardening flags, for the Debian package); the
# warnings come after CFLAGS so that a -Wformat there cannot weaken them.
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(CPPFLAGS) $(CFLAGS) $(WARN) \
             -DTNAT64_CONF_FILE_DEFAULT='"$(SYSCONFDIR)/tnat64.conf"' \
             -DTNAT64_SECCOMP_DEFAULT='"$(LIBDIR)/tnat64-seccomp"' \
             -DPACKAGE_VERSION='"$(VERSION)"'

ifeq ($(SANITIZE),1)
B       ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B       ?= build
SANFLAGS =
endif

COMMON_SRC   := $(wildcard src/common/*.c)
PRELOAD_SRC  := $(wildcard src/preload/*.c)
VALIDATE_SRC := $(wildcard src/validateconf/*.c)
SECCOMP_SRC  := $(wildcard src/supervisor/*.c)
DISCOVER_SRC := $(wildcard src/discover/*.c)
UNIT_SRC     := $(wildcard tests/unit/test_*.c)
PROG_SRC     := $(wildcard tests/progs/*.c)
STATIC_SRC   := $(wildcard tests/progs/static/*.c)
BENCH_SRC    := $(wildcard bench/*.c)

PIC_COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/pic/%.o)
PRELOAD_OBJ    := $(PRELOAD_SRC:%.c=$(B)/pic/%.o)
COMMON_OBJ     := $(COMMON_SRC:%.c=$(B)/obj/%.o)
VALIDATE_OBJ   := $(VALIDATE_SRC:%.c=$(B)/obj/%.o)
SECCOMP_OBJ    := $(SECCOMP_SRC:%.c=$(B)/obj/%.o)
DISCOVER_OBJ   := $(DISCOVER_SRC:%.c=$(B)/obj/%.o)
UNIT_BIN       := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
PROG_BIN       := $(PROG_SRC:tests/progs/%.c=$(B)/tests/progs/%)
STATIC_BIN     := $(STATIC_SRC:tests/progs/static/%.c=$(B)/tests/progs/static/%)
BENCH_BIN      := $(BENCH_SRC:bench/%.c=$(B)/bench/%)

LIB       := $(B)/libtnat64.so
VALIDATE  := $(B)/tnat64-validateconf
SECCOMP   := $(B)/tnat64-seccomp
DISCOVER  := $(B)/tnat64-discover
LAUNCHER  := $(B)/tnat64
MAN_SRC   := $(wildcard man/*.[158])
MAN       := $(MAN_SRC:man/%=$(B)/man/%)
DIST      := $(B)/dist/tnat64-discover.service $(B)/dist/tnat64-discover.path \
             $(B)/dist/90-tnat64

all: $(LIB) $(VALIDATE) $(LAUNCHER) $(SECCOMP) $(DISCOVER) $(MAN) $(DIST)

# The installation paths are compiled in (the default configuration file)
# and written into the launcher: everything is rebuilt when they change,
# so that `make install PREFIX=/some/dir` gives a self-contained tree.
PATHS := $(LIBDIR) $(SYSCONFDIR) $(BINDIR) $(VERSION)
$(B)/paths.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(PATHS)' | cmp -s - $@ 2>/dev/null || echo '$(PATHS)' > $@

# The library defines recvfrom, recv... itself: with _FORTIFY_SOURCE (which
# dpkg-buildflags adds) glibc's headers turn those names into inline
# checking wrappers, which an interposer of them must not be built with.
# src/preload/symver.h: the old symbol versions the library binds to.
$(B)/pic/%.o: %.c $(wildcard src/*/*.h) $(B)/paths.stamp
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -U_FORTIFY_SOURCE $(SANFLAGS) -fPIC -fvisibility=hidden \
	    -include src/preload/symver.h -Isrc/common -c -o $@ $<

$(B)/obj/%.o: %.c $(wildcard src/*/*.h) $(B)/paths.stamp
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -fPIE -Isrc/common -c -o $@ $<

# The library is bound lazily (-z lazy after LDFLAGS, whose -z now the
# programs keep), as libc.so.6 itself is: with /etc/ld.so.preload every
# program that starts loads it, and binding all its imports at load time
# would cost each of them more than the library does otherwise (make
# bench-startup).  RELRO stays (-z relro from LDFLAGS, or the default).
# No start files (-nostartfiles): their _init and _fini would be one page
# fault each in every process (_fini sits at the end of the code), and
# their weak references (__gmon_start__, _ITM_*) and __cxa_finalize four
# symbol lookups at load time; the library registers nothing with atexit
# and has no C++ objects, and its constructor is an .init_array entry,
# which the dynamic linker runs without them.  Two segments, the
# constructor's code beside the dynamic symbols (-z noseparate-code and
# src/preload/lib.ld, which says what that costs and saves).
$(LIB): $(PIC_COMMON_OBJ) $(PRELOAD_OBJ) src/preload/lib.ld
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) -shared -fPIC -nostartfiles \
	    -Wl,-z,defs -Wl,-z,lazy -Wl,-z,noseparate-code -Wl,-T,src/preload/lib.ld -o $@ $(filter %.o,$^) \
	    -ldl -lpthread

$(VALIDATE): $(VALIDATE_OBJ) $(COMMON_OBJ)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^

# Seccomp supervisor for static and Go programs (doc/seccomp.md).  Linked
# statically: neither LD_PRELOAD nor /etc/ld.so.preload can put the
# library into it (it would translate the supervisor's own calls), and
# the library's exec hooks start it in place of every static program
# (no dynamic loading to pay).  Sanitizer builds cannot be static: there
# it starts again without the library (main.c).
ifeq ($(SANITIZE),1)
SV_STATIC =
else
SV_STATIC = -static-pie
endif
$(SECCOMP): $(SECCOMP_OBJ) $(COMMON_OBJ)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) $(SV_STATIC) -o $@ $^ -lpthread

# NAT64 prefix discovery tool (`tnat64 discover`): json-c for networkd's
# JSON, sd-bus for NetworkManager (the library uses neither).
$(DISCOVER): $(DISCOVER_OBJ) $(COMMON_OBJ)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ -ljson-c -lsystemd

# The launcher finds the library next to itself in the build tree
# (TNAT64_LIB_BUILD) and at LIBDIR once installed.
$(LAUNCHER): src/launcher/tnat64.in Makefile $(B)/paths.stamp
	@mkdir -p $(dir $@)
	sed -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@
	chmod 755 $@

# Manual pages as installed: man/ is written with the default paths
# (/usr/lib/tnat64, /etc/tnat64.conf, /usr/bin) so that it reads well in
# the tree; the installed copies name the paths of this build, and the
# version of this release.
$(B)/man/%: man/% Makefile $(B)/paths.stamp
	@mkdir -p $(dir $@)
	sed -e 's|/usr/lib/tnat64|$(LIBDIR)|g' \
	    -e 's|/etc/tnat64\.conf|$(SYSCONFDIR)/tnat64.conf|g' \
	    -e 's|/usr/bin/tnat64|$(BINDIR)/tnat64|g' \
	    -e '/^\.TH /s|"tnat64 [0-9][0-9.]*"|"tnat64 $(VERSION)"|' $< > $@

# The service files name tnat64-discover where this build installs it.
$(B)/dist/%: dist/systemd/% Makefile $(B)/paths.stamp
	@mkdir -p $(dir $@)
	sed -e 's|/usr/lib/tnat64|$(LIBDIR)|g' $< > $@
$(B)/dist/90-tnat64: dist/NetworkManager/90-tnat64 Makefile $(B)/paths.stamp
	@mkdir -p $(dir $@)
	sed -e 's|/usr/lib/tnat64|$(LIBDIR)|g' $< > $@

$(B)/tests/unit/%: tests/unit/%.c $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) -Isrc/common -o $@ $^ -lpthread

$(B)/tests/progs/%: tests/progs/%.c $(wildcard tests/progs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) -Isrc/common -o $@ $< -lpthread

# Statically linked test programs (out of LD_PRELOAD's reach: the exec
# coverage tests), never with sanitizers, which cannot be static.
$(B)/tests/progs/static/%: tests/progs/static/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -static -o $@ $<

# dlopen tests (t_dlopen.c): modules found only through a RUNPATH, the
# program's ($ORIGIN/rpath) or a module's ($ORIGIN/inner).
RPATH_LIBS := $(B)/tests/progs/rpath/libtnrp.so $(B)/tests/progs/rpath/libtnrpdeep.so \
              $(B)/tests/progs/rpath/inner/libtninner.so
$(B)/tests/progs/rpath/libtnrp.so $(B)/tests/progs/rpath/libtnrpdeep.so: tests/progs/lib/tnrp.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) -shared -fPIC \
	    -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/inner' -o $@ $< -ldl
$(B)/tests/progs/rpath/inner/libtninner.so: tests/progs/lib/tninner.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) -shared -fPIC -o $@ $<
$(B)/tests/progs/t_dlopen: tests/progs/t_dlopen.c $(wildcard tests/progs/*.h) $(RPATH_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) $(LDFLAGS) -Isrc/common \
	    -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/rpath' -o $@ $< -ldl -lpthread

# The NetworkManager stand-in of t_pref64.sh speaks D-Bus through sd-bus.
$(B)/tests/progs/fake_nm: tests/progs/fake_nm.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -o $@ $< -lsystemd

$(B)/bench/%: bench/%.c bench/bench.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< -lpthread

tests: all $(UNIT_BIN) $(PROG_BIN) $(STATIC_BIN)

# Every test: unit, then integration (namespaces, needs root and tayga).
# Ends with "N passed, N failed"; any failure fails make.
check: tests
	B=$(B) SANITIZE=$(SANITIZE) sh tests/run.sh

# Long runs at full size (tests/integration/t_soak.sh; make check runs a
# small version): 1,000,000 translated connect cycles, 10,000,000
# datagrams, 64 threads connecting while others fork and exec.
soak: tests
	SOAK=full B=$(B) TEST_TIMEOUT=3600 bash tests/integration/t_soak.sh

check-unit: tests
	B=$(B) SANITIZE=$(SANITIZE) sh tests/run.sh unit

# The Debian package: build, lintian, upgrade from Debian's 0.06, tests of
# the installed package.  Root on a disposable Debian host: it installs and
# purges the package (tests/package/run.sh).
check-package:
	bash tests/package/run.sh

bench: all $(BENCH_BIN)
	B=$(B) sh bench/run.sh

bench-gw: all $(BENCH_BIN)
	B=$(B) bash bench/run_gw.sh

# Round-trip time of ping through tayga: translated against native IPv6.
bench-ping: all
	B=$(B) bash bench/ping.sh

# Start-up cost of the library in /etc/ld.so.preload (of a private mount
# namespace) against an empty library there and against nothing.
bench-startup: all $(BENCH_BIN)
	B=$(B) bash bench/startup.sh

# What exec coverage costs a dynamic program: 1000 /bin/true from a bash
# with the library preloaded, against an empty preloaded library.
bench-exec: all
	B=$(B) bash bench/exec.sh

# Per-process cost of a configuration of 100,000 and 1,000,000 rules
# against one of 1 rule (bench/confsize.sh).
bench-confsize: all $(BENCH_BIN)
	B=$(B) sh bench/confsize.sh

# What a discovered NAT64 prefix costs: a fresh process's translated
# connect with the prefix from the cache against one from the file, and
# the first translation of a process that has to discover it.
bench-discover: all $(BENCH_BIN)
	B=$(B) bash bench/discover.sh

demo: all
	B=$(B) sh demo/demo.sh

# Fuzzing (fuzz/README.md): one libFuzzer target per fuzz/fuzz_NAME.c,
# built with clang, ASan and UBSan into build-fuzz/, seeds in
# fuzz/corpus/NAME/.  `make fuzz` runs each for FUZZ_SECONDS (FUZZ_TARGETS
# picks some), `make fuzz-ci` for FUZZ_CI_SECONDS each.
FUZZ_CC         ?= clang
FB              := build-fuzz
FUZZ_SRC        := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN        := $(FUZZ_SRC:fuzz/%.c=$(FB)/%)
FUZZ_OBJ        := $(COMMON_SRC:%.c=$(FB)/obj/%.o)
FUZZ_SAN        := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                   -fno-omit-frame-pointer
FUZZ_SECONDS    ?= 600
FUZZ_CI_SECONDS ?= 25
FUZZ_TARGETS    ?=

$(FB)/obj/%.o: %.c $(wildcard src/*/*.h) | fuzz-cc
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	    -Isrc/common -c -o $@ $<

# A target that needs code from outside src/common names its objects in
# a line of its own, e.g. `$(FB)/fuzz_NAME: $(FB)/obj/src/supervisor/x.o`.
$(FB)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_OBJ) | fuzz-cc
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -Isrc/common \
	    -o $@ $< $(filter %.o,$^)

# Fails with a clear message where clang or its libFuzzer runtime is
# missing (gcc-only machines).
# the supervisor's readers of another process's memory
$(FB)/fuzz_targetmsg: $(FB)/obj/src/supervisor/targetmsg.o

fuzz-cc:
	@sh fuzz/check-cc.sh '$(FUZZ_CC)'

fuzz-build: $(FUZZ_BIN)

.PRECIOUS: $(FB)/obj/%.o

fuzz: fuzz-build
	FB=$(FB) sh fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-ci: fuzz-build
	FB=$(FB) sh fuzz/run.sh $(FUZZ_CI_SECONDS) $(FUZZ_TARGETS)

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libtnat64.so
	install -m 755 $(LAUNCHER) $(DESTDIR)$(BINDIR)/tnat64
	install -m 755 $(VALIDATE) $(DESTDIR)$(BINDIR)/tnat64-validateconf
	install -m 755 $(SECCOMP) $(DESTDIR)$(LIBDIR)/tnat64-seccomp
	install -m 755 $(DISCOVER) $(DESTDIR)$(LIBDIR)/tnat64-discover
	install -m 644 $(B)/man/tnat64.1 $(B)/man/tnat64-validateconf.1 \
	    $(B)/man/tnat64-seccomp.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(B)/man/tnat64.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 $(B)/man/tnat64.8 $(DESTDIR)$(MANDIR)/man8/
	# tnat64-discover run at boot and when the network changes (the
	# Debian package enables them; see dist/README.md)
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(NMDISPATCHDIR)
	install -m 644 $(B)/dist/tnat64-discover.service \
	    $(B)/dist/tnat64-discover.path $(DESTDIR)$(SYSTEMDUNITDIR)/
	install -m 755 $(B)/dist/90-tnat64 $(DESTDIR)$(NMDISPATCHDIR)/90-tnat64
	[ -e $(DESTDIR)$(SYSCONFDIR)/tnat64.conf ] || \
	    install -m 644 tnat64.conf $(DESTDIR)$(SYSCONFDIR)/tnat64.conf

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libtnat64.so $(DESTDIR)$(BINDIR)/tnat64 \
	    $(DESTDIR)$(LIBDIR)/tnat64-seccomp $(DESTDIR)$(LIBDIR)/tnat64-discover \
	    $(DESTDIR)$(BINDIR)/tnat64-validateconf \
	    $(DESTDIR)$(MANDIR)/man1/tnat64.1 $(DESTDIR)$(MANDIR)/man1/tnat64-validateconf.1 \
	    $(DESTDIR)$(MANDIR)/man1/tnat64-seccomp.1 \
	    $(DESTDIR)$(MANDIR)/man5/tnat64.conf.5 $(DESTDIR)$(MANDIR)/man8/tnat64.8 \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/tnat64-discover.service \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/tnat64-discover.path \
	    $(DESTDIR)$(NMDISPATCHDIR)/90-tnat64
	-rmdir $(DESTDIR)$(LIBDIR)

clean:
	rm -rf build build-san build-deb $(FB)

FORCE:

.PHONY: all tests check check-unit check-package bench bench-gw bench-ping bench-startup bench-discover demo \
        bench-confsize bench-exec soak \
        install uninstall clean FORCE fuzz fuzz-ci fuzz-build fuzz-cc
.DELETE_ON_ERROR:
