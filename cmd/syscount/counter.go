package main

import (
	"bytes"
	"fmt"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// The skeleton of syscount.bpf.c: Syscount, OpenSyscount, SyscountCount
// (struct count) and the embedded object syscount_bpf.o. `make bpf` runs
// this (vmlinux.h comes from build/include).
//
//go:generate go run github.com/libbpf-go/libbpf-go/cmd/libbpf-skel -name syscount syscount.bpf.c -- -I../../build/include

// counter is the opened skeleton of syscount.bpf.c.
type counter struct {
	*Syscount
}

// openCounter opens the embedded BPF object; it is not loaded yet.
func openCounter() (*counter, error) {
	s, err := OpenSyscount(nil)
	if err != nil {
		return nil, err
	}
	return &counter{s}, nil
}

// loadCounter opens and loads the embedded object: the program is verified
// and a new, empty counts map is created.
func loadCounter() (*counter, error) {
	if err := checkKernelBTF(syscountObject, vmlinuxBTF); err != nil {
		return nil, err
	}
	c, err := openCounter()
	if err != nil {
		return nil, err
	}
	if err := c.Load(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// loadPinnedCounts opens the embedded object with its counts map taken from
// the pin at path instead of created. The program is neither loaded nor
// attached: only the map is needed to read the counts.
func loadPinnedCounts(path string) (*counter, error) {
	c, err := openCounter()
	if err != nil {
		return nil, err
	}
	err = c.Programs.CountSyscall.SetAutoload(false)
	if err == nil {
		err = c.Maps.Counts.SetPinPath(path)
	}
	if err == nil {
		err = c.Load()
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// isSyscallName reports whether name has the shape of a system call name,
// lowercase letters, digits and _: it becomes part of a tracefs path, so
// anything else is refused before it gets there. A loop rather than a
// regexp keeps the regexp package, a tenth of syscount's Go code, out of
// the binary.
func isSyscallName(name string) bool {
	for _, c := range []byte(name) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return name != ""
}

// attach attaches the program to the tracepoint of the system call named,
// or to raw_syscalls/sys_enter, which fires for every system call, when name
// is empty.
//
// Attaching to syscalls/sys_enter_NAME, rather than filtering on the
// syscall number in the program, lets tracefs tell which names are valid
// (the kernel has such a tracepoint for each of its system calls), keeps an
// architecture's syscall table out of syscount, and does not run the
// program at all for the system calls that are not counted. The tracepoint
// is looked up before attaching so that an unknown name gets one clear
// error rather than libbpf's warnings.
func (c *counter) attach(name string) (*libbpf.Link, error) {
	category, event := "raw_syscalls", "sys_enter"
	if name != "" {
		if !isSyscallName(name) {
			return nil, fmt.Errorf("unknown syscall %q: a name has only lowercase letters, digits and _", name)
		}
		category, event = "syscalls", "sys_enter_"+name
	}
	found, err := tracepointExists(category, event)
	if err != nil {
		return nil, err
	}
	if !found && name != "" {
		return nil, fmt.Errorf("unknown syscall %q: the kernel has no tracepoint syscalls/sys_enter_%s", name, name)
	}
	return c.Programs.CountSyscall.AttachTracepoint(category, event)
}

// row is the count of one process.
type row struct {
	pid   uint32
	comm  string
	calls uint64
}

// readCounts returns every entry of the counts map m, read as the
// skeleton's types: the key is the process id (__u32), the value
// SyscountCount (struct count).
func readCounts(m *libbpf.Map) ([]row, error) {
	counts, err := libbpf.NewTypedMap[uint32, SyscountCount](m)
	if err != nil {
		return nil, err
	}
	var rows []row
	it := counts.Iterate()
	for pid, count := range it.All() {
		rows = append(rows, newRow(pid, count))
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	return rows, nil
}

// newRow is the row of process pid.
func newRow(pid uint32, c SyscountCount) row {
	comm := c.Comm[:]
	if end := bytes.IndexByte(comm, 0); end >= 0 {
		comm = comm[:end]
	}
	return row{pid: pid, calls: c.Calls, comm: string(comm)}
}
