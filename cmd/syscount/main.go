// Command syscount counts system calls per process with a BPF program on a
// syscall tracepoint, built on the libbpf binding.
//
// Usage:
//
//	syscount run [-syscall NAME] [-interval 1s] [-top N]
//	syscount persist [-syscall NAME] DIR
//	syscount status [-top N] DIR
//	syscount stop DIR
//
// run prints a live table until it is interrupted. persist leaves the
// program attached after syscount exits by pinning its link and its counts
// map under DIR, a folder on a bpffs mount such as /sys/fs/bpf/syscount;
// status reads the pinned counts and stop detaches and unpins them. Every
// command needs root, or at least CAP_BPF (and CAP_PERFMON for run and
// persist), and accepts -v to show libbpf's debug log. A DIR that holds
// pins of another agent is refused, and so is a kernel without BTF when
// the BPF object has CO-RE relocations.
//
// A persist killed part way leaves DIR whole or repairable: it pins the
// counts map first and the link last, and only the link pin keeps the
// program attached. Both pins mean a complete persist (status and stop
// work); neither means DIR is free; the counts pin alone is what an
// interrupted persist left, and the next persist removes it and starts
// afresh, saying so (stop removes it too).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Exit codes.
const (
	exitFailure = 1
	exitUsage   = 2
)

// options holds the parsed flags and arguments of a command.
type options struct {
	syscall  string
	interval time.Duration
	top      int
	verbose  bool
	dir      string
}

// command describes one syscount subcommand.
type command struct {
	name     string
	synopsis string // flags and arguments, for the usage text
	summary  string
	flags    func(*flag.FlagSet, *options)
	takesDir bool
	attaches bool // the command loads and attaches the tracing program
	run      func(context.Context, io.Writer, *options) error
}

var commands = []command{
	{
		name:     "run",
		synopsis: "[-syscall NAME] [-interval D] [-top N]",
		summary:  "print a live table of the counts until Ctrl-C",
		flags: func(fs *flag.FlagSet, o *options) {
			syscallFlag(fs, o)
			fs.DurationVar(&o.interval, "interval", time.Second, "time between two tables")
			topFlag(fs, o)
		},
		attaches: true,
		run:      runLive,
	},
	{
		name:     "persist",
		synopsis: "[-syscall NAME] DIR",
		summary:  "count in the kernel after exit, pinned under DIR",
		flags:    syscallFlag,
		takesDir: true,
		attaches: true,
		run:      persist,
	},
	{
		name:     "status",
		synopsis: "[-top N] DIR",
		summary:  "print the counts pinned under DIR",
		flags:    topFlag,
		takesDir: true,
		run:      status,
	},
	{
		name:     "stop",
		synopsis: "DIR",
		summary:  "detach the program persisted under DIR and remove its pins",
		flags:    func(*flag.FlagSet, *options) {},
		takesDir: true,
		run:      stop,
	},
}

// syscallFlag defines -syscall.
func syscallFlag(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.syscall, "syscall", "", "count only the system call `NAME`, e.g. openat (default: all)")
}

// topFlag defines -top.
func topFlag(fs *flag.FlagSet, o *options) {
	fs.IntVar(&o.top, "top", 10, "show the `N` busiest processes; 0 shows all")
}

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

// execute runs the command line args and returns the exit code.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		printUsage(stdout)
		return 0
	}
	cmd := findCommand(args[0])
	if cmd == nil {
		fmt.Fprintf(stderr, "syscount: unknown command %q\n", args[0])
		printUsage(stderr)
		return exitUsage
	}
	o, err := cmd.parse(args[1:], stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return exitUsage
	}
	libbpf.SetLogger(newLogger(stderr, o.verbose))
	err = checkPrivileges(cmd.attaches)
	if err == nil {
		err = cmd.run(ctx, stdout, o)
	}
	if err != nil {
		fmt.Fprintf(stderr, "syscount: %s\n", explain(err))
		return exitFailure
	}
	return 0
}

// findCommand returns the command called name, or nil.
func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// parse parses the flags and arguments of c. It reports usage errors on
// stderr itself.
func (c *command) parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("syscount "+c.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.flags(fs, o)
	fs.BoolVar(&o.verbose, "v", false, "show libbpf's debug log on stderr")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: syscount %s [-v] %s\n\n%s\n\nflags:\n", c.name, c.synopsis, c.summary)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := c.check(o, fs.Args()); err != nil {
		fmt.Fprintf(stderr, "syscount %s: %v\n", c.name, err)
		fs.Usage()
		return nil, err
	}
	return o, nil
}

// check validates the parsed options and stores the positional arguments.
func (c *command) check(o *options, args []string) error {
	switch {
	case c.takesDir && len(args) != 1:
		return errors.New("want exactly one DIR argument")
	case !c.takesDir && len(args) != 0:
		return fmt.Errorf("unexpected argument %q", args[0])
	case c.name == "run" && o.interval <= 0:
		return fmt.Errorf("-interval must be positive, not %v", o.interval)
	case o.top < 0:
		return fmt.Errorf("-top must be 0 or more, not %d", o.top)
	}
	if c.takesDir {
		o.dir = args[0]
	}
	return nil
}

// printUsage writes the command overview to w.
func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: syscount COMMAND [-v] [flags] [DIR]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "syscount counts system calls per process with a BPF tracepoint program.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %-40s %s\n", c.name, c.synopsis, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "DIR is a folder on a bpffs mount, e.g. /sys/fs/bpf/syscount.")
	fmt.Fprintln(w, "Run `syscount COMMAND -h` for the flags of a command; -v shows libbpf's debug log.")
}

// newLogger returns the logger for libbpf's messages: warnings only, or
// everything down to debug messages when verbose is set.
func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// errNeedRoot explains a missing privilege.
var errNeedRoot = errors.New("root privileges are needed (CAP_BPF, CAP_PERFMON and access to bpffs)")

// explain turns err into a single line, with a hint when the kernel refused
// for lack of privileges.
func explain(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if errors.Is(err, syscall.EPERM) && !errors.Is(err, errNeedRoot) {
		msg += "; " + errNeedRoot.Error()
	}
	return msg
}
