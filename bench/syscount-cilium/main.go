// Command syscount-cilium is cmd/syscount written with
// github.com/cilium/ebpf instead of the libbpf binding: the twin that
// `make static-bench` compares with the static syscount for size, attach
// time and memory. It embeds the same BPF object, syscount.bpf.o, which
// make copies here from cmd/syscount, and has the same commands:
//
//	syscount-cilium run [-syscall NAME] [-interval 1s]
//	syscount-cilium persist [-syscall NAME] DIR
//	syscount-cilium status DIR
//	syscount-cilium stop DIR
//
// It is built with CGO_ENABLED=0, so it is static without further flags.
package main

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// bpfObject is cmd/syscount's syscount.bpf.o.
//
//go:embed syscount.bpf.o
var bpfObject []byte

// Names in syscount.bpf.c, the pins under DIR and the counts map layout, as
// in cmd/syscount.
const (
	programName = "count_syscall"
	mapName     = "counts"
	linkPin     = "link"
	countPin    = "counts"
	commLen     = 16
)

// count is the value of the counts map: struct count of syscount.bpf.c.
type count struct {
	Calls uint64
	Comm  [commLen]byte
}

func main() {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := execute(ctx, os.Args[1:], os.Stdout)
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "syscount-cilium: %v\n", err)
		os.Exit(1)
	}
}

// execute runs the command line args.
func execute(ctx context.Context, args []string, w io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: syscount-cilium run|persist|status|stop [flags] [DIR]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	name := fs.String("syscall", "", "count only the system call `NAME` (default: all)")
	interval := fs.Duration("interval", time.Second, "time between two tables of run")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if args[0] == "run" {
		if fs.NArg() != 0 || *interval <= 0 {
			return errors.New("usage: syscount-cilium run [-syscall NAME] [-interval D]")
		}
		return runLive(ctx, w, *name, *interval)
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: syscount-cilium %s DIR", args[0])
	}
	dir := fs.Arg(0)
	if err := checkBPFFS(dir); err != nil {
		return err
	}
	switch args[0] {
	case "persist":
		return persist(w, *name, dir)
	case "status":
		return status(w, dir)
	case "stop":
		return stop(w, dir)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// load loads the embedded object and attaches its program to the
// tracepoint of the system call name, or of every system call.
func load(name string) (*ebpf.Collection, link.Link, error) {
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(bpfObject))
	if err != nil {
		return nil, nil, err
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		return nil, nil, err
	}
	group, event := "raw_syscalls", "sys_enter"
	if name != "" {
		group, event = "syscalls", "sys_enter_"+name
	}
	l, err := link.Tracepoint(group, event, coll.Programs[programName], nil)
	if err != nil {
		coll.Close()
		return nil, nil, err
	}
	return coll, l, nil
}

// runLive prints the counts every interval until ctx is done.
func runLive(ctx context.Context, w io.Writer, name string, interval time.Duration) error {
	coll, l, err := load(name)
	if err != nil {
		return err
	}
	defer coll.Close()
	defer l.Close()
	fmt.Fprintln(w, "counting; Ctrl-C stops")
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-ticker.C:
			fmt.Fprintf(w, "\n%s\n", now.Format(time.TimeOnly))
			if err := printCounts(w, coll.Maps[mapName]); err != nil {
				return err
			}
		}
	}
}

// persist attaches the program and pins its link and map under dir.
func persist(w io.Writer, name, dir string) error {
	if _, err := os.Lstat(filepath.Join(dir, countPin)); err == nil {
		return fmt.Errorf("%s is already in use", dir)
	}
	coll, l, err := load(name)
	if err != nil {
		return err
	}
	defer coll.Close()
	defer l.Close()
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if err := coll.Maps[mapName].Pin(filepath.Join(dir, countPin)); err != nil {
		return err
	}
	if err := l.Pin(filepath.Join(dir, linkPin)); err != nil {
		return errors.Join(err, coll.Maps[mapName].Unpin())
	}
	fmt.Fprintf(w, "counting in the kernel, pinned in %s\n", dir)
	return nil
}

// status prints the counts pinned under dir.
func status(w io.Writer, dir string) error {
	m, err := ebpf.LoadPinnedMap(filepath.Join(dir, countPin), nil)
	if err != nil {
		return err
	}
	defer m.Close()
	return printCounts(w, m)
}

// stop detaches the pinned link and removes the pins and dir.
func stop(w io.Writer, dir string) error {
	l, err := link.LoadPinnedLink(filepath.Join(dir, linkPin), nil)
	if err != nil {
		return err
	}
	err = errors.Join(l.Unpin(), l.Close(), os.Remove(filepath.Join(dir, countPin)), os.Remove(dir))
	if err == nil {
		fmt.Fprintf(w, "stopped: %s is removed\n", dir)
	}
	return err
}

// printCounts prints the busiest ten processes in m and the totals.
func printCounts(w io.Writer, m *ebpf.Map) error {
	type row struct {
		pid uint32
		count
	}
	var (
		rows  []row
		r     row
		total uint64
	)
	iter := m.Iterate()
	for iter.Next(&r.pid, &r.count) {
		rows = append(rows, r)
		total += r.Calls
	}
	if err := iter.Err(); err != nil {
		return err
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(b.Calls, a.Calls), cmp.Compare(a.pid, b.pid))
	})
	fmt.Fprintf(w, "%8s  %-16s %12s\n", "PID", "COMM", "COUNT")
	for _, r := range rows[:min(len(rows), 10)] {
		comm, _, _ := bytes.Cut(r.Comm[:], []byte{0})
		fmt.Fprintf(w, "%8d  %-16s %12d\n", r.pid, comm, r.Calls)
	}
	_, err := fmt.Fprintf(w, "total: %d system calls by %d processes\n", total, len(rows))
	return err
}

// checkBPFFS returns an error unless the parent of dir is on bpffs.
func checkBPFFS(dir string) error {
	var st unix.Statfs_t
	if err := unix.Statfs(filepath.Dir(filepath.Clean(dir)), &st); err != nil {
		return err
	}
	if uint32(st.Type) != unix.BPF_FS_MAGIC {
		return fmt.Errorf("%s is not on a bpffs mount", dir)
	}
	return nil
}
