// Command libbpf-setup builds the libbpf that a libbpf-go module pins and
// makes plain go commands find it, so that a module using the binding needs
// only `go get`, this command and `go build`:
//
//	go get github.com/libbpf-go/libbpf-go/binding
//	go run github.com/libbpf-go/libbpf-go/cmd/libbpf-setup
//	go build ./...
//
// It reads the pin (libbpf/CHECKPOINT) of the libbpf-go version that the
// current module requires (or, outside such a module, of its own version),
// fetches that release, checks its SHA-256, and builds libbpf.a and its
// headers with libbpf's own Makefile into the user's cache
// (os.UserCacheDir()/libbpf-go/VERSION-SHA, or $LIBBPF_GO_CACHE/VERSION-SHA).
// The fetch, check and build are the module's own sync.sh and Makefile, run
// from the (read-only) module folder with their output in the cache.
// Sources, in order: -from FILE_OR_DIR alone when given (a release
// tarball, an unpacked release or libbpf checkout, or a kernel tree), else
// the upstream release tarball, then Debian's source package through a
// private apt configuration. It never installs packages and needs no root.
//
// Then it sets `go env -w PKG_CONFIG` to a wrapper in the cache that puts
// that build's .pc folder first and calls the real pkg-config. It refuses
// to replace a PKG_CONFIG that the user set, unless -force; -undo puts back
// what was there. -print prints an export line instead of changing go env,
// -static prints the settings for one static build, and -check reports what
// is set up and whether a build of the binding finds it.
//
// A second run is a no-op; runs at once build once (a lock in the cache);
// a build happens in a temporary folder renamed into place when complete,
// so a killed run leaves nothing that a later run trusts.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const modulePath = "github.com/libbpf-go/libbpf-go"

// fixCommand is the command that the binding's build errors name.
const fixCommand = "go run " + modulePath + "/cmd/libbpf-setup@latest"

type options struct {
	from   string
	force  bool
	undo   bool
	print  bool
	static bool
	check  bool
	quiet  bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command; it returns the exit code. Every failure is one
// line on stderr.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("libbpf-setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.from, "from", "", "build from this release tarball, unpacked release, libbpf checkout or kernel tree only")
	fs.BoolVar(&o.force, "force", false, "replace a go env PKG_CONFIG that you set (-undo restores it)")
	fs.BoolVar(&o.undo, "undo", false, "restore the go env PKG_CONFIG that was there before libbpf-setup")
	fs.BoolVar(&o.print, "print", false, "print an export line for PKG_CONFIG instead of changing go env")
	fs.BoolVar(&o.static, "static", false, "print the settings for one static build (implies -print; go env is not changed)")
	fs.BoolVar(&o.check, "check", false, "report what is set up and whether a go build of the binding finds it")
	fs.BoolVar(&o.quiet, "q", false, "no progress lines, only errors")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: libbpf-setup [-from FILE_OR_DIR] [-force | -print | -static | -check | -undo]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "libbpf-setup: unexpected argument %q; see libbpf-setup -h\n", fs.Arg(0))
		return 2
	}
	s := &setup{opts: o, stdout: stdout, stderr: stderr}
	var err error
	switch {
	case o.undo:
		err = s.undo()
	case o.check:
		err = s.checkAll()
	default:
		err = s.install()
	}
	if err != nil {
		fmt.Fprintf(stderr, "libbpf-setup: %v\n", err)
		return 1
	}
	return 0
}

func (s *setup) say(format string, args ...any) {
	if !s.opts.quiet {
		fmt.Fprintf(s.stderr, "libbpf-setup: "+format+"\n", args...)
	}
}
