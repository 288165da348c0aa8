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
// that same bpf(2) call from Go with the same attribute: entering C
// through cgo costs about 100 ns on top of a call that takes 400-700 ns,
// which was the whole gap between a Go program and a C one (bench/).

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
// Maps whose element commands never wait in the kernel take
// syscall.RawSyscall, which skips the Go scheduler's syscall bookkeeping
// (about 50 ns); the others (maps of maps, whose update and delete wait for
// an RCU grace period, socket maps, which take socket locks, and any type
// not known to be safe) take syscall.Syscall, which lets the scheduler run
// other goroutines while the call waits.
func (m *Map) elemCall(cmd uintptr, key, value []byte, flags uint64) error {
	attr := elemAttr{mapFD: uint32(m.cFD()), key: bytesPtr(key), value: bytesPtr(value), flags: flags}
	var errno syscall.Errno
	if m.rawElem {
		_, _, errno = syscall.RawSyscall(unix.SYS_BPF, cmd, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	} else {
		_, _, errno = syscall.Syscall(unix.SYS_BPF, cmd, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	}
	if errno != 0 {
		return errno
	}
	return nil
}

// rawElemSafe reports whether the element commands on maps of type t only
// copy memory and take spinlocks in the kernel, never sleeping locks or RCU
// grace periods, so that they may run as a raw system call.
func (t MapType) rawElemSafe() bool {
	switch t {
	case MapTypeHash, MapTypeArray, MapTypePerCPUHash, MapTypePerCPUArray,
		MapTypeLRUHash, MapTypeLRUPerCPUHash, MapTypeQueue, MapTypeStack:
		return true
	}
	return false
}
