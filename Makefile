# libbpf-go build entry points. `make help` lists the targets.
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
# libbpf installs into $(DESTDIR)$(PREFIX)/lib64 on x86_64 and lib elsewhere.
LIBSUBDIR := $(if $(filter x86_64 ppc64 ppc64le s390x aarch64 riscv64,$(shell uname -m)),lib64,lib)
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
BPF_OBJS := $(BPF_SRCS:.bpf.c=.bpf.o)
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 \
	-I$(BUILD)/include -I$(STAGE_INC)

.PHONY: help deps sync check-sync libbpf libbpf-shared bpf vmlinux env test \
	test-go test-build test-slow demo clean

help:
	@echo "make demo          build and run the example agent (persist, status, stop)"
	@echo "make test          the whole test suite (build, sync and kernel tests)"
	@echo "make libbpf        sync and build the vendored libbpf (static) into DESTDIR"
	@echo "make libbpf-shared the same, with libbpf.so"
	@echo "make env           export lines for building another Go module against it"
	@echo "make bpf           compile the BPF C programs of binding/testdata and cmd/"
	@echo "make test-slow     the tests plus a sync from Debian's linux-source-6.1"
	@echo "make clean         remove build/"

# Build dependencies: checked each time, installed when missing (as root on
# Debian or Ubuntu), otherwise the exact install command is printed.
deps:
	@$(TOP)/.ci/deps

$(TOP)/libbpf/src/Makefile: | deps
	$(TOP)/sync.sh

sync:
	$(TOP)/sync.sh

check-sync:
	$(TOP)/sync.sh --check

libbpf: $(LIBBPF_A)

$(LIBBPF_A): $(TOP)/libbpf/src/Makefile $(wildcard $(TOP)/libbpf/src/*.[ch]) | deps
	$(MAKE) -C $(TOP)/libbpf/src OBJDIR=$(OBJDIR) DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) \
		$(if $(NO_PKG_CONFIG),NO_PKG_CONFIG=1) install install_uapi_headers
	@# The staged libbpf.pc says prefix=$(PREFIX); point it at the staging root
	@# so that pkg-config hands out paths that exist.
	sed -i 's|^prefix=.*|prefix=$(DESTDIR)$(PREFIX)|' $(STAGE_PC)/libbpf.pc

libbpf-shared:
	$(MAKE) BUILD_STATIC_ONLY= libbpf

vmlinux: $(VMLINUX_H)

$(VMLINUX_H): | deps
	mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp
	mv $@.tmp $@

bpf: $(BPF_OBJS)

%.bpf.o: %.bpf.c $(VMLINUX_H) $(LIBBPF_A)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Only export lines reach stdout, so that `eval "$(make -s env)"` works on a
# fresh tree too: building libbpf first reports on stderr.
env:
	@$(MAKE) --no-print-directory libbpf >&2
	@echo 'export $(GO_ENV)'

test: test-build test-go

# The slow extra: sync and build libbpf 1.1 from Debian's linux-source-6.1.
test-slow: | deps
	$(TOP)/.ci/test-build --slow

test-build: | deps
	$(TOP)/.ci/test-build

test-go: $(LIBBPF_A) $(BPF_OBJS)
	@unformatted=$$(gofmt -l binding cmd); [[ -z $$unformatted ]] || { echo "gofmt needed: $$unformatted"; exit 1; }
	$(GO_ENV) $(GO) vet ./...
	$(GO_ENV) $(GO) test $(GOTESTFLAGS) -count=1 ./...
	@# The cgo pointer rules, checked at run time in full.
	$(GO_ENV) GOEXPERIMENT=cgocheck2 $(GO) test $(GOTESTFLAGS) -count=1 ./binding/

demo: $(LIBBPF_A) $(BPF_OBJS)
	$(GO_ENV) $(GO) build -o $(BUILD)/bin/syscount ./cmd/syscount
	$(TOP)/cmd/syscount/demo.sh $(BUILD)/bin/syscount

clean:
	rm -rf $(BUILD) $(BPF_OBJS)
