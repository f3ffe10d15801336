# SPDX-License-Identifier: GPL-2.0-or-later
# tnat64 - plain GNU make.  `make`, `make check`, `make install`.
# `make check SANITIZE=1` builds everything with ASan+UBSan into build-san/.

PREFIX     ?= /usr
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib/tnat64
MANDIR     ?= $(PREFIX)/share/man
DESTDIR    ?=

CC      ?= cc
WARN     = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wshadow -Wpointer-arith -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) \
             -DTNAT64_CONF_FILE_DEFAULT='"$(SYSCONFDIR)/tnat64.conf"'

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
UNIT_SRC     := $(wildcard tests/unit/test_*.c)
PROG_SRC     := $(wildcard tests/progs/*.c)
BENCH_SRC    := $(wildcard bench/*.c)

PIC_COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/pic/%.o)
PRELOAD_OBJ    := $(PRELOAD_SRC:%.c=$(B)/pic/%.o)
COMMON_OBJ     := $(COMMON_SRC:%.c=$(B)/obj/%.o)
VALIDATE_OBJ   := $(VALIDATE_SRC:%.c=$(B)/obj/%.o)
SECCOMP_OBJ    := $(SECCOMP_SRC:%.c=$(B)/obj/%.o)
UNIT_BIN       := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/unit/%)
PROG_BIN       := $(PROG_SRC:tests/progs/%.c=$(B)/tests/progs/%)
BENCH_BIN      := $(BENCH_SRC:bench/%.c=$(B)/bench/%)

LIB       := $(B)/libtnat64.so
VALIDATE  := $(B)/tnat64-validateconf
SECCOMP   := $(B)/tnat64-seccomp
LAUNCHER  := $(B)/tnat64

all: $(LIB) $(VALIDATE) $(LAUNCHER) $(SECCOMP)

# The installation paths are compiled in (the default configuration file)
# and written into the launcher: everything is rebuilt when they change,
# so that `make install PREFIX=/some/dir` gives a self-contained tree.
PATHS := $(LIBDIR) $(SYSCONFDIR) $(BINDIR)
$(B)/paths.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(PATHS)' | cmp -s - $@ 2>/dev/null || echo '$(PATHS)' > $@

$(B)/pic/%.o: %.c $(wildcard src/*/*.h) $(B)/paths.stamp
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -fPIC -fvisibility=hidden -Isrc/common -c -o $@ $<

$(B)/obj/%.o: %.c $(wildcard src/*/*.h) $(B)/paths.stamp
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -Isrc/common -c -o $@ $<

$(LIB): $(PIC_COMMON_OBJ) $(PRELOAD_OBJ)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -shared -fPIC -Wl,-z,defs -Wl,-z,now \
	    -o $@ $^ -ldl -lpthread

$(VALIDATE): $(VALIDATE_OBJ) $(COMMON_OBJ)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -o $@ $^

# Seccomp supervisor for static and Go programs (doc/seccomp.md).
$(SECCOMP): $(SECCOMP_OBJ) $(COMMON_OBJ)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -o $@ $^ -lpthread

# The launcher finds the library next to itself in the build tree
# (TNAT64_LIB_BUILD) and at LIBDIR once installed.
$(LAUNCHER): src/launcher/tnat64.in Makefile $(B)/paths.stamp
	@mkdir -p $(dir $@)
	sed -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    -e 's|@BINDIR@|$(BINDIR)|g' $< > $@
	chmod 755 $@

$(B)/tests/unit/%: tests/unit/%.c $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -Isrc/common -o $@ $^ -lpthread

$(B)/tests/progs/%: tests/progs/%.c $(wildcard tests/progs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SANFLAGS) -Isrc/common -o $@ $< -lpthread

$(B)/bench/%: bench/%.c bench/bench.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< -lpthread

tests: all $(UNIT_BIN) $(PROG_BIN)

# Every test: unit, then integration (namespaces, needs root and tayga).
# Ends with "N passed, N failed"; any failure fails make.
check: tests
	B=$(B) SANITIZE=$(SANITIZE) sh tests/run.sh

check-unit: tests
	B=$(B) SANITIZE=$(SANITIZE) sh tests/run.sh unit

bench: all $(BENCH_BIN)
	B=$(B) sh bench/run.sh

bench-gw: all $(BENCH_BIN)
	B=$(B) bash bench/run_gw.sh

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
	install -m 644 man/tnat64.1 man/tnat64-validateconf.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/tnat64.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/tnat64.8 $(DESTDIR)$(MANDIR)/man8/
	[ -e $(DESTDIR)$(SYSCONFDIR)/tnat64.conf ] || \
	    install -m 644 tnat64.conf $(DESTDIR)$(SYSCONFDIR)/tnat64.conf

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libtnat64.so $(DESTDIR)$(BINDIR)/tnat64 \
	    $(DESTDIR)$(LIBDIR)/tnat64-seccomp \
	    $(DESTDIR)$(BINDIR)/tnat64-validateconf \
	    $(DESTDIR)$(MANDIR)/man1/tnat64.1 $(DESTDIR)$(MANDIR)/man1/tnat64-validateconf.1 \
	    $(DESTDIR)$(MANDIR)/man5/tnat64.conf.5 $(DESTDIR)$(MANDIR)/man8/tnat64.8
	-rmdir $(DESTDIR)$(LIBDIR)

clean:
	rm -rf build build-san $(FB)

FORCE:

.PHONY: all tests check check-unit bench bench-gw demo install uninstall clean FORCE \
        fuzz fuzz-ci fuzz-build fuzz-cc
.DELETE_ON_ERROR:
