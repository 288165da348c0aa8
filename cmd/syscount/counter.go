package main

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// bpfObject is the compiled syscount.bpf.c; `make bpf` builds it.
//
//go:embed syscount.bpf.o
var bpfObject []byte

// Names in syscount.bpf.c and the layout of its counts map.
const (
	programName = "count_syscall"
	mapName     = "counts"
	keySize     = 4           // __u32 pid
	commLen     = 16          // TASK_COMM_LEN
	valueSize   = 8 + commLen // struct count: __u64 calls, char comm[16]
)

// counter is the loaded BPF object with its program and counts map.
type counter struct {
	obj    *libbpf.Object
	prog   *libbpf.Program
	counts *libbpf.Map
}

// openCounter opens the embedded BPF object and finds its program and map.
// The object is not loaded yet.
func openCounter() (*counter, error) {
	obj, err := libbpf.OpenMem("syscount", bpfObject, nil)
	if err != nil {
		return nil, err
	}
	c := &counter{obj: obj}
	if c.prog, err = obj.Program(programName); err == nil {
		c.counts, err = obj.Map(mapName)
	}
	if err != nil {
		obj.Close()
		return nil, err
	}
	return c, nil
}

// loadCounter opens and loads the embedded object: the program is verified
// and a new, empty counts map is created.
func loadCounter() (*counter, error) {
	if err := checkKernelBTF(bpfObject, vmlinuxBTF); err != nil {
		return nil, err
	}
	c, err := openCounter()
	if err != nil {
		return nil, err
	}
	if err := c.obj.Load(); err != nil {
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
	err = c.prog.SetAutoload(false)
	if err == nil {
		err = c.counts.SetPinPath(path)
	}
	if err == nil {
		err = c.obj.Load()
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Close closes the object. Links made by attach are not affected.
func (c *counter) Close() error {
	return c.obj.Close()
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
	return c.prog.AttachTracepoint(category, event)
}

// row is the count of one process.
type row struct {
	pid   uint32
	comm  string
	calls uint64
}

// readCounts returns every entry of the counts map m.
func readCounts(m *libbpf.Map) ([]row, error) {
	var (
		rows  []row
		prev  []byte // nil asks NextKey for the first key
		key   = make([]byte, keySize)
		next  = make([]byte, keySize)
		value = make([]byte, valueSize)
	)
	for {
		err := m.NextKey(prev, next)
		if errors.Is(err, syscall.ENOENT) {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		copy(key, next)
		prev = key
		err = m.Lookup(key, value)
		if errors.Is(err, syscall.ENOENT) {
			continue // deleted since NextKey returned it
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, decodeRow(key, value))
	}
}

// decodeRow decodes a key and value of the counts map, both in the host's
// byte order.
func decodeRow(key, value []byte) row {
	comm := value[8:]
	if end := bytes.IndexByte(comm, 0); end >= 0 {
		comm = comm[:end]
	}
	return row{
		pid:   binary.NativeEndian.Uint32(key),
		calls: binary.NativeEndian.Uint64(value),
		comm:  string(comm),
	}
}
