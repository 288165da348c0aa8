// Command libbpf-skel generates a Go skeleton from a BPF C file: it
// compiles the file with clang, embeds the object, and writes Go types for
// its programs, maps, links, global variables and BTF types, as bpftool
// gen skeleton does for C. From go:generate:
//
//	//go:generate go run github.com/libbpf-go/libbpf-go/cmd/libbpf-skel -name counter -type event counter.bpf.c -- -I./include
//
// writes counter_bpf.o and counter_bpf.go beside counter.bpf.c; with
// -target amd64,arm64 one object and Go file per architecture
// (counter_bpf_amd64.o, counter_bpf_amd64.go ...), each with its build
// constraint. Flags after -- go to clang.
//
// clang runs as clang -g -O2 -target bpf -D__TARGET_ARCH_<arch> (the arch
// of GOARCH, or of each -target) with libbpf's headers (bpf/bpf_helpers.h
// ...) from the include directory that pkg-config (go env PKG_CONFIG)
// gives for libbpf: what libbpf-setup or `make env` set up
// ($LIBBPF_INCLUDE, when set, names it instead). $BPF_CLANG or -clang
// choose the clang.
//
//	libbpf-skel -vmlinux vmlinux.h [-btf PATH]
//
// writes vmlinux.h, the C declarations of the kernel's types, from
// /sys/kernel/btf/vmlinux (or the BTF at PATH) with libbpf's btf_dump.
//
// Any error is one line on stderr (after clang's own messages, when clang
// fails), exit status 1, and no output file is left behind: files are
// written under temporary names and renamed once all are complete.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// stringList is a flag that may be repeated or hold a comma-separated
// list.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

type options struct {
	name     string
	pkg      string
	types    stringList
	targets  stringList
	clang    string
	vmlinux  string
	btf      string
	source   string
	cflags   []string
	original []string
}

func parseArgs(args []string) (*options, error) {
	o := &options{original: args}
	fs := flag.NewFlagSet("libbpf-skel", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.StringVar(&o.name, "name", "", "skeleton name, a Go identifier: counter gives Counter, OpenCounter, counter_bpf.go (default: the C file's name before .bpf.c or .c)")
	fs.StringVar(&o.pkg, "package", os.Getenv("GOPACKAGE"), "Go package of the generated file (default: $GOPACKAGE, which go generate sets)")
	fs.Var(&o.types, "type", "a C struct, union, enum or typedef to generate a Go type for, besides those of maps and globals (repeatable, or comma-separated)")
	fs.Var(&o.targets, "target", "GOARCH values to build for, comma-separated, one object and Go file each with build constraints (default: $GOARCH, one file without constraint)")
	fs.StringVar(&o.clang, "clang", envOr("BPF_CLANG", "clang"), "the clang to run (default: $BPF_CLANG or clang)")
	fs.StringVar(&o.vmlinux, "vmlinux", "", "write the kernel's types as C to this file (a vmlinux.h) instead of a skeleton")
	fs.StringVar(&o.btf, "btf", "", "with -vmlinux: the BTF to read (default: the running kernel's, /sys/kernel/btf/vmlinux)")
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: libbpf-skel [-name NAME] [-type T]... [-target ARCH,...] FILE.bpf.c [-- CLANG FLAGS]\n       libbpf-skel -vmlinux vmlinux.h [-btf PATH]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	rest := fs.Args()
	if o.vmlinux != "" {
		if len(rest) > 0 {
			return nil, fmt.Errorf("-vmlinux takes no C file (got %q)", rest[0])
		}
		return o, nil
	}
	if o.btf != "" {
		return nil, errors.New("-btf goes with -vmlinux")
	}
	if len(rest) == 0 || rest[0] == "--" {
		return nil, errors.New("no C file given (usage: libbpf-skel -name NAME FILE.bpf.c [-- CLANG FLAGS])")
	}
	o.source, rest = rest[0], rest[1:]
	if len(rest) > 0 {
		if rest[0] != "--" {
			return nil, fmt.Errorf("unexpected argument %q after the C file: clang flags go after --", rest[0])
		}
		o.cflags = rest[1:]
	}
	if o.name == "" {
		base := o.source[strings.LastIndex(o.source, "/")+1:]
		o.name = strings.TrimSuffix(strings.TrimSuffix(base, ".c"), ".bpf")
	}
	return o, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func main() {
	// libbpf's own messages: warnings and worse only (it reports, for
	// example, the section that keeps -type types as skipped).
	libbpf.SetLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	o, err := parseArgs(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err == nil {
		if o.vmlinux != "" {
			err = writeVmlinux(o.vmlinux, o.btf)
		} else {
			err = generate(o)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "libbpf-skel: %v\n", oneLine(err))
		os.Exit(1)
	}
}

// oneLine keeps an error on one line.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}
