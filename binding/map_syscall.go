package libbpf

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The element operations (Lookup, Update, Delete, NextKey, LookupAndDelete)
// are libbpf's bpf_map_lookup_elem_flags, bpf_map_update_elem,
// bpf_map_delete_elem_flags, bpf_map_get_next_key and
// bpf_map_lookup_and_delete_elem_flags. Each of those fills the first 32
// bytes of a union bpf_attr (map_fd, key, value or next_key, flags) and
// makes one bpf(2) call, nothing more; libbpf's bpf_map__*_elem wrappers
// add only the size checks that Map already makes in Go. The binding makes
// that same bpf(2) call from Go with the same attribute, which saves the
// cgo transition (README, "Speed", has the figures).

// elemAttr is the element-command part of union bpf_attr, as libbpf fills
// it. The pointer fields are unsafe.Pointer, padded to the kernel's 64-bit
// fields, so that the Go runtime keeps what they point to in place (and
// alive) while they sit in the attribute, even when the key or value is on
// a goroutine stack that moves.
type elemAttr struct {
	mapFD uint32
	_     uint32
	key   unsafe.Pointer
	_     [8 - unsafe.Sizeof(uintptr(0))]byte
	// value is value, or next_key for BPF_MAP_GET_NEXT_KEY.
	value unsafe.Pointer
	_     [8 - unsafe.Sizeof(uintptr(0))]byte
	flags uint64
}

// elemCall makes the bpf(2) element command cmd on the map with the given
// key, value (or next key) and flags, as libbpf's bpf_map_*_elem functions
// do, and returns the errno on failure. key and value may be empty (nil in
// the attribute). The caller holds the object's read lock, which keeps the
// descriptor open.
//
// The call is syscall.Syscall, which tells the Go scheduler that the
// thread is in the kernel, so that it hands the thread's P to another
// thread if the call blocks. The raw form (syscall.RawSyscall, when
// c.rawElem) skips that bookkeeping and is kept only for the benchmark
// that compares them: see rawElemCalls.
func (c *mapCore) elemCall(cmd uintptr, key, value []byte, flags uint64) error {
	attr := elemAttr{mapFD: uint32(c.fd), key: bytesPtr(key), value: bytesPtr(value), flags: flags}
	var errno unix.Errno
	if c.rawElem {
		_, _, errno = syscall.RawSyscall(unix.SYS_BPF, cmd, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	} else {
		_, _, errno = syscall.Syscall(unix.SYS_BPF, cmd, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	}
	if errno != 0 {
		return errno
	}
	return nil
}

// rawElemCalls says whether the element calls of the map types that never
// sleep in the kernel take syscall.RawSyscall. They do not, because no
// element command is sure not to sleep: the kernel copies the key and the
// value into memory it allocates for the call (map_lookup_elem and
// map_update_elem: vmemdup_user and kvmalloc with GFP_USER, for every map
// type), which may sleep in direct reclaim under memory pressure, as may
// the fault on a page of the caller's buffer not touched yet. During a raw
// system call the scheduler cannot hand the thread's P to another thread
// (with GOMAXPROCS=1 the whole program stops). What the raw call saves is
// the scheduler's bookkeeping, entersyscall and exitsyscall: on the
// machine kind the targets are set on it is most of the binding's distance
// from C (bench/cmd/paired: a raw bpf(2) from Go costs what C libbpf's
// costs, syscall.Syscall 1.07-1.16x; README, "Speed"), and the safe call
// is taken.
const rawElemCalls = false

// rawElemSafe reports whether the element commands on maps of type t only
// copy memory and take spinlocks in the kernel, never sleeping locks or RCU
// grace periods, and rawElemCalls allows the raw system call for them.
func (t MapType) rawElemSafe() bool {
	if !rawElemCalls {
		return false
	}
	switch t {
	case MapTypeHash, MapTypeArray, MapTypePerCPUHash, MapTypePerCPUArray,
		MapTypeLRUHash, MapTypeLRUPerCPUHash, MapTypeQueue, MapTypeStack:
		return true
	}
	return false
}
