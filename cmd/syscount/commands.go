package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// runLive counts until ctx is done, printing the table every o.interval,
// then detaches.
func runLive(ctx context.Context, w io.Writer, o *options) error {
	c, err := loadCounter()
	if err != nil {
		return err
	}
	defer c.Close()
	link, err := c.attach(o.syscall)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "counting %s; Ctrl-C stops\n", what(o.syscall))
	err = watch(ctx, w, c.Maps.Counts, o)
	return errors.Join(err, link.Close())
}

// watch prints the counts in m every o.interval until ctx is done.
func watch(ctx context.Context, w io.Writer, m *libbpf.Map, o *options) error {
	ticker := time.NewTicker(o.interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-ticker.C:
			rows, err := readCounts(m)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "\n%s\n", now.Format(time.TimeOnly))
			if err := printTable(w, rows, o.top); err != nil {
				return err
			}
		}
	}
}

// what names the system calls counted for the -syscall value name.
func what(name string) string {
	if name == "" {
		return "all system calls"
	}
	return name + " calls"
}

// persist attaches the program and pins its link and counts map under
// o.dir, then returns with the program still counting in the kernel.
func persist(_ context.Context, w io.Writer, o *options) error {
	if err := repairInterrupted(w, o.dir); err != nil {
		return err
	}
	if err := checkFree(o.dir); err != nil {
		return err
	}
	c, err := loadCounter()
	if err != nil {
		return err
	}
	defer c.Close()
	link, err := c.attach(o.syscall)
	if err != nil {
		return err
	}
	// Close detaches the link, unless it is pinned and disconnected.
	defer link.Close()
	if err := pinAll(o.dir, link, c.Maps.Counts); err != nil {
		return err
	}
	link.Disconnect()
	fmt.Fprintf(w, "counting %s in the kernel, pinned in %s\n", what(o.syscall), o.dir)
	fmt.Fprintf(w, "read the counts with: syscount status %s\n", o.dir)
	fmt.Fprintf(w, "stop counting with:   syscount stop %s\n", o.dir)
	return nil
}

// pinAll pins counts and link under dir, creating dir if needed. On failure
// it removes what it made. The link is pinned last: a persist killed before
// it leaves at most the counts pin, which repairInterrupted recognises.
func pinAll(dir string, link *libbpf.Link, counts *libbpf.Map) error {
	created := true
	if err := os.Mkdir(dir, 0o700); errors.Is(err, fs.ErrExist) {
		created = false
	} else if err != nil {
		return err
	}
	countsPath := filepath.Join(dir, countPin)
	err := counts.Pin(countsPath)
	if err == nil {
		if err = link.Pin(filepath.Join(dir, linkPin)); err != nil {
			counts.Unpin(countsPath)
		}
	}
	if err != nil && created {
		os.Remove(dir)
	}
	if errors.Is(err, fs.ErrExist) {
		return errInUse(dir)
	}
	return err
}

// status prints the counts pinned under o.dir.
func status(_ context.Context, w io.Writer, o *options) error {
	if err := checkDir(o.dir); err != nil {
		return err
	}
	path := filepath.Join(o.dir, countPin)
	if found, err := exists(path); err != nil || !found {
		return cmp.Or(err, errNotPersisted(o.dir))
	}
	c, err := loadPinnedCounts(path)
	if err != nil {
		return err
	}
	defer c.Close()
	rows, err := readCounts(c.Maps.Counts)
	if err != nil {
		return err
	}
	return printTable(w, rows, o.top)
}

// stop detaches the program persisted under o.dir and removes its pins and
// o.dir itself.
func stop(_ context.Context, w io.Writer, o *options) error {
	if err := checkDir(o.dir); err != nil {
		return err
	}
	detached, err := unpinLink(filepath.Join(o.dir, linkPin))
	if err != nil {
		return err
	}
	removed, err := removePin(filepath.Join(o.dir, countPin))
	if err != nil {
		return err
	}
	if !detached && !removed {
		return errNotPersisted(o.dir)
	}
	if err := os.Remove(o.dir); err != nil {
		return err
	}
	fmt.Fprintf(w, "stopped: the program is detached and %s is removed\n", o.dir)
	return nil
}

// unpinLink opens the link pinned at path, unpins it and closes it, which
// detaches its program. It reports whether there was a link to unpin.
func unpinLink(path string) (bool, error) {
	if found, err := exists(path); err != nil || !found {
		return false, err
	}
	link, err := libbpf.OpenLink(path)
	if err != nil {
		return false, err
	}
	return true, errors.Join(link.Unpin(), link.Close())
}

// removePin removes the pin at path and reports whether there was one.
func removePin(path string) (bool, error) {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
