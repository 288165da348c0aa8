# libbpf-go build entry points. `make help` lists the targets, from the
# `## ` comment on each target's line: every target has one (.ci/test-build
# checks it).
#
# libbpf's own knobs pass straight through to libbpf/src/Makefile:
#   BUILD_STATIC_ONLY  build only libbpf.a (default here: y; set it empty for libbpf.so too)
#   OBJDIR             where libbpf's objects and archives are built (default build/obj)
#   DESTDIR            staging root that `make install` fills (default build/root)
#   PKG_CONFIG         the pkg-config program libbpf and the Go build call
#   NO_PKG_CONFIG=1    never call pkg-config: flags are passed explicitly instead
#   PKG_CONFIG_PATH    where pkg-config looks first, e.g. a custom libelf's .pc

SHELL := /bin/bash
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

BUILD_STATIC_ONLY ?= y
OBJDIR ?= $(BUILD)/obj
DESTDIR ?= $(BUILD)/root
PREFIX ?= /usr
PKG_CONFIG ?= pkg-config
override OBJDIR := $(abspath $(OBJDIR))
override DESTDIR := $(abspath $(DESTDIR))
MACHINE := $(shell uname -m)
# libbpf installs into $(DESTDIR)$(PREFIX)/lib64 on x86_64 and lib elsewhere.
LIBSUBDIR := $(if $(filter x86_64 ppc64 ppc64le s390x aarch64 riscv64,$(MACHINE)),lib64,lib)
# The __TARGET_ARCH_ name of this machine that libbpf's bpf_tracing.h
# knows (x86, arm64, arm, s390, powerpc, mips, sparc, riscv, loongarch,
# arc); another machine name is passed as it is.
BPF_TARGET_ARCH ?= $(or $(if $(filter x86_64 i386 i486 i586 i686,$(MACHINE)),x86), \
	$(if $(filter aarch64 arm64,$(MACHINE)),arm64),$(if $(filter arm%,$(MACHINE)),arm), \
	$(if $(filter s390%,$(MACHINE)),s390),$(if $(filter ppc%,$(MACHINE)),powerpc), \
	$(if $(filter mips%,$(MACHINE)),mips),$(if $(filter sparc%,$(MACHINE)),sparc), \
	$(if $(filter riscv%,$(MACHINE)),riscv),$(if $(filter loongarch%,$(MACHINE)),loongarch), \
	$(if $(filter arc%,$(MACHINE)),arc),$(MACHINE))
STAGE_LIB := $(DESTDIR)$(PREFIX)/$(LIBSUBDIR)
STAGE_INC := $(DESTDIR)$(PREFIX)/include
STAGE_PC := $(STAGE_LIB)/pkgconfig

GO ?= go
CLANG ?= clang
BPFTOOL ?= bpftool
GOTESTFLAGS ?=

export BUILD_STATIC_ONLY PKG_CONFIG

# Environment under which the Go toolchain finds the vendored libbpf.
ifdef NO_PKG_CONFIG
GO_ENV = CGO_CFLAGS="-I$(STAGE_INC)" \
	CGO_LDFLAGS="-L$(STAGE_LIB) -lbpf -lelf -lz" \
	GOFLAGS="$(strip $(GOFLAGS) -tags=libbpf_nopkgconfig)"
else
GO_ENV = PKG_CONFIG="$(PKG_CONFIG)" \
	PKG_CONFIG_PATH="$(STAGE_PC)$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))"
endif

LIBBPF_A := $(STAGE_LIB)/libbpf.a
VMLINUX_H := $(BUILD)/include/vmlinux.h
BPF_SRCS := $(wildcard $(TOP)/binding/testdata/*.bpf.c $(TOP)/cmd/*/*.bpf.c)
# Objects that a skeleton embeds: `go generate` (cmd/libbpf-skel) compiles
# them and rewrites the committed Go file beside them, to the same bytes
# when nothing changed. They are build output, like the .bpf.o files.
SKEL_OBJS := $(TOP)/cmd/syscount/syscount_bpf.o
BPF_OBJS := $(BPF_SRCS:.bpf.c=.bpf.o) $(SKEL_OBJS)
# libbpf's usdt.bpf.h includes <linux/errno.h>, whose <asm/errno.h> lives
# in Debian's multiarch include folder, which clang -target bpf skips.
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(strip $(BPF_TARGET_ARCH)) \
	-I$(BUILD)/include -I$(STAGE_INC) \
	$(addprefix -idirafter ,$(wildcard /usr/include/$(MACHINE)-linux-gnu))

.PHONY: help deps sync check-sync libbpf libbpf-shared bpf vmlinux env test \
	test-go test-build test-published test-slow demo clean staticcheck

help: ## list the targets and what each does
	@awk '/^[a-z][a-z0-9-]*:.*## / { split($$0, t, ":"); sub(/.*## /, ""); printf "make %-15s %s\n", t[1], $$0 }' $(TOP)/Makefile

# Build dependencies: checked each time, installed when missing (as root on
# Debian or Ubuntu), otherwise the exact install command is printed.
deps: ## check the build tools; install what is missing (as root on Debian or Ubuntu)
	@$(TOP)/.ci/deps

$(TOP)/libbpf/src/Makefile: | deps
	$(TOP)/sync.sh

sync: ## sync libbpf into libbpf/ and include/ from the pinned release (sync.sh)
	$(TOP)/sync.sh

check-sync: ## check that libbpf/ is the tree the pin names (sync.sh --check)
	$(TOP)/sync.sh --check

libbpf: $(LIBBPF_A) ## sync and build the vendored libbpf (static) into DESTDIR

# How libbpf is built and staged, with libbpf's own Makefile and knobs.
# cmd/libbpf-setup runs the same recipe through the libbpf-install target
# (make -f MODULE/Makefile libbpf-install LIBBPF_SRC=... OBJDIR=... DESTDIR=...),
# with a tree that sync.sh --dest synced into its cache.
LIBBPF_SRC ?= $(TOP)/libbpf/src
define build_libbpf
	$(MAKE) -C $(LIBBPF_SRC) OBJDIR=$(OBJDIR) DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) \
		$(if $(NO_PKG_CONFIG),NO_PKG_CONFIG=1) install install_uapi_headers
	@# The staged libbpf.pc says prefix=$(PREFIX); point it at the staging root
	@# so that pkg-config hands out paths that exist.
	sed -i 's|^prefix=.*|prefix=$(DESTDIR)$(PREFIX)|' $(STAGE_PC)/libbpf.pc
endef

$(LIBBPF_A): $(TOP)/libbpf/src/Makefile $(wildcard $(TOP)/libbpf/src/*.[ch]) | deps
	$(build_libbpf)

# For libbpf-setup, which checks the tools itself and never installs any.
.PHONY: libbpf-install
libbpf-install: ## build and stage libbpf from LIBBPF_SRC (what libbpf-setup runs)
	$(build_libbpf)

libbpf-shared: ## libbpf, with libbpf.so too
	$(MAKE) BUILD_STATIC_ONLY= libbpf

vmlinux: $(VMLINUX_H) ## build/include/vmlinux.h from the running kernel's BTF (bpftool)

$(VMLINUX_H): | deps
	mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp
	mv $@.tmp $@

# The uprobe tests' target program, linked statically so that the guest
# kernels of test-kernels can run it too.
UPROBE_TARGET := $(TOP)/binding/testdata/uprobe/target

bpf: $(BPF_OBJS) $(UPROBE_TARGET) ## compile the BPF C programs of binding/testdata and cmd/

$(UPROBE_TARGET): $(UPROBE_TARGET).c
	$(CC) -O1 -static -o $@ $<

%.bpf.o: %.bpf.c $(wildcard $(TOP)/binding/testdata/*.h) $(VMLINUX_H) $(LIBBPF_A)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

%_bpf.o: %.bpf.c $(VMLINUX_H) $(LIBBPF_A) $(wildcard $(TOP)/cmd/libbpf-skel/*.go $(TOP)/cmd/libbpf-skel/internal/gen/*.go)
	cd $(dir $<) && $(GO_ENV) BPF_CLANG=$(CLANG) LIBBPF_INCLUDE=$(STAGE_INC) $(GO) generate ./

# Only export lines reach stdout, so that `eval "$(make -s env)"` works on a
# fresh tree too: building libbpf first reports on stderr. With STATIC=1 a
# comment line comes first, saying how to keep the settings to one build.
env: ## export lines for building another Go module against it (STATIC=1: static agents)
	@$(MAKE) --no-print-directory libbpf >&2
	@$(if $(STATIC),echo '$(STATIC_ENV_NOTE)')
	@echo 'export $(GO_ENV)'

# The whole suite: the build and sync tests, the Go tests on this kernel,
# the C glue under valgrind, a short fuzzing run, and the kernel tests again
# in the fastest guest kernel (Debian's 6.1), where kprobes, fentry and the
# BPF LSM work.
test: test-build test-go staticcheck ## the whole suite: build, Go and lint tests, then published, leakcheck, fuzz, test-kernels
	$(MAKE) --no-print-directory test-published
	$(MAKE) --no-print-directory leakcheck
	$(MAKE) --no-print-directory fuzz FUZZTIME=20s
	$(MAKE) --no-print-directory test-kernels KERNELS=6.1

# The slow extra: sync and build libbpf 1.1 from Debian's linux-source-6.1.
test-slow: | deps ## test-build plus a sync and build of libbpf 1.1 from Debian's linux-source-6.1
	$(TOP)/.ci/test-build --slow

test-build: | deps ## the tests of sync.sh, the Makefile's knobs and `make help` (.ci/test-build)
	$(TOP)/.ci/test-build

# The published module, as a user gets it: go get, libbpf-setup, go vet,
# go build, run, -undo (.ci/test-published; needs root).
test-published: $(LIBBPF_A) | deps ## the published module with libbpf-setup, as a user gets it (root)
	$(TOP)/.ci/test-published

test-go: $(LIBBPF_A) $(BPF_OBJS) $(UPROBE_TARGET) ## gofmt, go vet, go test on this kernel, then -race and cgocheck2 on binding/
	@unformatted=$$(gofmt -l binding cmd internal); [[ -z $$unformatted ]] || { echo "gofmt needed: $$unformatted"; exit 1; }
	$(GO_ENV) $(GO) vet ./...
	@# The tests skipped for a missing kernel feature are listed in
	@# HOST_PROBE_SKIPS; test-kernels checks that each passes in a guest.
	@mkdir -p $(BUILD) && rm -f $(HOST_PROBE_SKIPS)
	$(GO_ENV) LIBBPF_GO_PROBE_SKIPS=$(HOST_PROBE_SKIPS) $(GO) test $(GOTESTFLAGS) -count=1 ./...
	@# Data races, and the cgo pointer rules checked at run time in full.
	$(GO_ENV) $(GO) test $(GOTESTFLAGS) -race -count=1 ./binding/
	$(GO_ENV) GOEXPERIMENT=cgocheck2 $(GO) test $(GOTESTFLAGS) -count=1 ./binding/

# staticcheck at a pinned version, which `go run` fetches through the module
# proxy (and caches) on first use. Without it, the target says so and skips,
# unless CI=true, where a lint that cannot run fails.
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK := $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(LIBBPF_A) ## staticcheck STATICCHECK_VERSION over the module (go run fetches it)
	@if ! out=$$($(STATICCHECK) -version 2>&1); then \
		echo "staticcheck $(STATICCHECK_VERSION) cannot be fetched: $$(tail -n1 <<<"$$out")" >&2; \
		[[ $${CI:-} != true ]] || { echo "CI=true forbids skipping staticcheck" >&2; exit 1; }; \
		echo "staticcheck skipped" >&2; \
	else \
		echo "$$out over ./..."; \
		cd $(TOP) && $(GO_ENV) $(STATICCHECK) ./...; \
	fi

demo: $(LIBBPF_A) $(BPF_OBJS) ## build and run the example agent (persist, status, stop)
	$(GO_ENV) $(GO) build -o $(BUILD)/bin/syscount ./cmd/syscount
	$(TOP)/cmd/syscount/demo.sh $(BUILD)/bin/syscount

clean: ## remove build/, the BPF objects and the uprobe target
	rm -rf $(BUILD) $(BPF_OBJS) $(UPROBE_TARGET)

# --- bench: the binding against C libbpf and cilium/ebpf (bench/) ---
# `make bench` (as root) builds three drivers over bench/bench.bpf.o, runs
# each BENCH_RUNS times, prints the medians, ratios and goals, and writes
# bench/results.json, with the static agent's figures (static-bench, below)
# included; then bench/cmd/paired compares the map element calls with C
# libbpf's in one process (bench/paired.json). bench/ is its own Go module
# (it needs cilium/ebpf).
BENCH_DIR := $(TOP)/bench
BENCH_BIN := $(BUILD)/bench
BENCH_RUNS ?= 15
# The objects of the open + load curve (P programs, M maps), generated by
# bench/cmd/genobj at build time.
BENCH_SIZED := p1_m1 p10_m1 p100_m1 p1_m10 p1_m100
BENCH_SIZED_OBJS := $(BENCH_SIZED:%=$(BENCH_BIN)/sized/sized_%.bpf.o)

.PHONY: bench
bench: $(BENCH_DIR)/bench.bpf.o $(BENCH_BIN)/cdriver $(BENCH_SIZED_OBJS) static-bench ## the binding beside C libbpf and cilium/ebpf; writes bench/results.json (root)
	cd $(BENCH_DIR) && $(GO_ENV) $(GO) build -o $(BENCH_BIN)/gobench ./cmd/gobench
	cd $(BENCH_DIR) && $(GO) build -o $(BENCH_BIN)/report ./cmd/report
	$(BENCH_BIN)/report -runs=$(BENCH_RUNS) -obj=$(BENCH_DIR)/bench.bpf.o -sized=$(BENCH_BIN)/sized \
		-cdriver=$(BENCH_BIN)/cdriver -gobench=$(BENCH_BIN)/gobench \
		-static=$(BENCH_DIR)/static-results.json -out=$(BENCH_DIR)/results.json
	cd $(BENCH_DIR) && $(GO_ENV) $(GO) build -o $(BENCH_BIN)/paired ./cmd/paired
	$(BENCH_BIN)/paired -obj=$(BENCH_DIR)/bench.bpf.o -out=$(BENCH_DIR)/paired.json

$(BENCH_BIN)/sized/sized_%.bpf.c: $(BENCH_DIR)/cmd/genobj/main.go
	@mkdir -p $(dir $@)
	cd $(BENCH_DIR) && $(GO) run ./cmd/genobj -name=$* > $@.tmp && mv $@.tmp $@
$(BENCH_BIN)/sized/sized_%.bpf.o: $(BENCH_BIN)/sized/sized_%.bpf.c $(VMLINUX_H) $(LIBBPF_A)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_DIR)/bench.bpf.o: $(BENCH_DIR)/bench.bpf.c $(VMLINUX_H) $(LIBBPF_A)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_BIN)/cdriver: $(BENCH_DIR)/cdriver/driver.c $(LIBBPF_A)
	mkdir -p $(dir $@)
	$(CC) -O2 -Wall -I$(STAGE_INC) -o $@ $< $(LIBBPF_A) -lelf -lz

# --- static: fully static agents (glibc static) ---
# `make static` builds cmd/syscount into STATIC_BIN as one static executable
# with libbpf, libelf, zlib (and zstd when libelf uses it) and glibc linked
# in; `make -s env STATIC=1` prints the environment with which another
# module's own `go build` makes static agents the same way. The libraries
# come from `pkg-config --static` (the wrapper STATIC_PKG_CONFIG), so a
# custom libelf/zlib/zstd is used when PKG_CONFIG_PATH names its .pc folder.
# The build is reproducible: the same tree and toolchain give the same bytes.
STATIC_BIN ?= $(BUILD)/bin/syscount
STATIC_PKG_CONFIG := $(BUILD)/static/pkg-config
STATIC_LDFLAGS := -static -Wl,--build-id=none -Wl,--gc-sections
# Agents ship without the symbol table and DWARF (-s); Go's own function
# table stays, so panics still show stack traces. The quotes keep the
# -ldflags value whole inside GOFLAGS.
STATIC_GOFLAGS := -trimpath -buildvcs=false \"-ldflags=-s -buildid=\"$(if $(NO_PKG_CONFIG), -tags=libbpf_nopkgconfig)
# PKG_CONFIG and GOFLAGS are set once each: the static wrapper replaces
# GO_ENV's PKG_CONFIG, the static GOFLAGS hold the nopkgconfig tag.
STATIC_GO_ENV := $(if $(NO_PKG_CONFIG),$(filter-out GOFLAGS=% CGO_LDFLAGS=% -lbpf -lelf -lz%,$(GO_ENV)) \
	CGO_LDFLAGS="-L$(STAGE_LIB) -lbpf -lelf -lz $(STATIC_LDFLAGS)",$(filter-out PKG_CONFIG=%,$(GO_ENV)) \
	PKG_CONFIG=$(STATIC_PKG_CONFIG) CGO_LDFLAGS="$(STATIC_LDFLAGS)") CGO_ENABLED=1 GOFLAGS="$(STATIC_GOFLAGS)"
# `make env STATIC=1` prints this first: the static flags (-static, -s,
# -trimpath) are for one agent's build, not for every later go command.
STATIC_ENV_NOTE := \# For one build only: (eval "$$(make -s -C $(TOP) env STATIC=1)" && go build ./cmd/youragent)
STATIC_BENCH_RUNS ?= 10

.PHONY: static static-bench
static: $(LIBBPF_A) $(BPF_OBJS) $(STATIC_PKG_CONFIG) ## build build/bin/syscount fully static (glibc, libbpf, libelf, zlib)
	@mkdir -p $(dir $(abspath $(STATIC_BIN)))
	cd $(TOP) && $(STATIC_GO_ENV) $(GO) build -o $(abspath $(STATIC_BIN)) ./cmd/syscount
	@file $(STATIC_BIN) | grep -q 'statically linked' || { echo "$(STATIC_BIN) is not statically linked" >&2; exit 1; }

# pkg-config that also lists the private libraries a static link needs. It
# calls pkg-config from PATH, never $(PKG_CONFIG), which may be itself.
$(STATIC_PKG_CONFIG):
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\n# pkg-config for static links, made by `make static`.\nexec pkg-config --static "$$@"\n' > $@.tmp
	@chmod +x $@.tmp && mv $@.tmp $@

ifdef STATIC
env: GO_ENV := $(STATIC_GO_ENV)
env: $(STATIC_PKG_CONFIG)
endif

# Size, start-to-attached time and memory of the static syscount beside its
# cilium/ebpf twin (bench/syscount-cilium, CGO_ENABLED=0); needs root.
static-bench: static $(TOP)/bench/syscount-cilium/syscount.bpf.o ## size, start time and memory of the static syscount beside its cilium/ebpf twin (root)
	cd $(TOP)/bench && GOFLAGS= CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=false \
		"-ldflags=-s -buildid=" -o $(BUILD)/bin/syscount-cilium ./syscount-cilium
	$(TOP)/bench/syscount-cilium/measure.sh $(STATIC_BENCH_RUNS) $(abspath $(STATIC_BIN)) \
		$(BUILD)/bin/syscount-cilium $(TOP)/bench/static-results.json

$(TOP)/bench/syscount-cilium/syscount.bpf.o: $(TOP)/cmd/syscount/syscount.bpf.o
	cp $< $@

# --- test-kernels: the tests in other kernels, booted under QEMU (.ci/kernels) ---
# `make test-kernels` (as root) downloads Debian cloud kernel packages into
# build/kernels (cached; a private apt configuration, the system's sources
# are not touched), boots each under qemu-system-x86_64 (TCG) with an
# initramfs holding busybox and the statically linked test binary of
# ./binding, and prints `kernel VERSION: N passed, N failed, N skipped` per
# kernel with the skipped tests and their reasons; it fails on any test
# failure, boot failure or timeout. KERNELS picks the kernels: 6.1
# (bookworm), 6.12 (trixie), newest (sid), experimental. KERNEL_TESTS and
# KERNEL_SKIP become -test.run and -test.skip in the guest (default: all
# but TestSoak), KERNEL_TIMEOUT bounds each kernel in seconds (900). A
# test that the host's last test-go skipped for a missing kernel feature
# must pass in a guest kernel, or the run fails. Needs
# pkg-config (not NO_PKG_CONFIG): the static link takes its libraries from
# `pkg-config --static`.
KERNELS ?= 6.1 6.12 newest
# The tests the host's test-go skipped for a missing kernel feature: each
# must pass in one of the guest kernels (KERNEL_FALLBACK, 6.12 and newest,
# are booted for those that pass in none of KERNELS).
HOST_PROBE_SKIPS := $(BUILD)/host-probe-skips.txt

.PHONY: test-kernels
test-kernels: $(LIBBPF_A) $(BPF_OBJS) $(UPROBE_TARGET) ## the kernel tests in Debian's 6.1, 6.12 and newest kernels under QEMU (KERNELS=...)
	@$(TOP)/.ci/deps kernels
	$(GO_ENV) GO="$(GO)" KERNEL_HOST_SKIPS=$(HOST_PROBE_SKIPS) $(TOP)/.ci/kernels/run $(KERNELS)

# --- reliability: fuzzing, soak and C glue leak check (binding/) ---
# `make fuzz` runs FuzzOpenMem for FUZZTIME (default 60s; as root it also
# loads what opens), then FuzzOpen of internal/elfcheck (the Go checks
# alone, no libbpf, no root) for FUZZTIME; a crasher lands in the
# package's testdata/fuzz/TARGET, which plain `go test` then replays. `make soak` runs TestSoak for
# SOAK_CYCLES cycles (default 5000) and then `make leakcheck`, which builds
# binding/glue.c into a C-only driver (binding/testdata/leakcheck) linked
# with libbpf.a and runs it under valgrind --leak-check=full (needs root).
FUZZTIME ?= 60s
SOAK_CYCLES ?= 5000
VALGRIND ?= valgrind
LEAKCHECK_DIR := $(TOP)/binding/testdata/leakcheck
LEAKCHECK_BIN := $(BUILD)/leakcheck/glue_leak

.PHONY: fuzz soak leakcheck
fuzz: $(LIBBPF_A) $(BPF_OBJS) ## fuzz FuzzOpenMem (binding) and FuzzOpen (internal/elfcheck) for FUZZTIME each
	cd $(TOP) && $(GO_ENV) $(GO) test -run '^$$' -fuzz '^FuzzOpenMem$$' \
		-fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./binding/
	cd $(TOP) && $(GO) test -run '^$$' -fuzz '^FuzzOpen$$' \
		-fuzztime $(FUZZTIME) -fuzzminimizetime 5s ./internal/elfcheck/

soak: $(LIBBPF_A) $(BPF_OBJS) ## the long leak test, TestSoak for SOAK_CYCLES cycles, then leakcheck
	cd $(TOP) && $(GO_ENV) LIBBPF_GO_SOAK_CYCLES=$(SOAK_CYCLES) $(GO) test -count=1 \
		-run '^TestSoak$$' -v -timeout 60m ./binding/
	$(MAKE) --no-print-directory leakcheck

leakcheck: $(LEAKCHECK_BIN) $(BPF_OBJS) ## the C glue, linked with libbpf.a, under valgrind (root)
	$(VALGRIND) --leak-check=full --error-exitcode=1 $(LEAKCHECK_BIN) \
		$(TOP)/binding/testdata/events.bpf.o $(TOP)/binding/testdata/bad.bpf.o

# All of the binding's C glue (glue.c and the glue_*.c of each concern).
GLUE_SRCS := $(wildcard $(TOP)/binding/*.c)

$(LEAKCHECK_BIN): $(LEAKCHECK_DIR)/glue_leak.c $(LEAKCHECK_DIR)/_cgo_export.h \
		$(GLUE_SRCS) $(wildcard $(TOP)/binding/*.h) $(LIBBPF_A)
	mkdir -p $(dir $@)
	$(CC) -g -O1 -Wall -I$(LEAKCHECK_DIR) -I$(TOP)/binding -I$(STAGE_INC) -o $@ \
		$(LEAKCHECK_DIR)/glue_leak.c $(GLUE_SRCS) $(LIBBPF_A) -lelf -lz
