package libbpf

/*
#include <stdlib.h>
#include <linux/types.h>
*/
import "C"

import (
	"bytes"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The helpers the whole package shares: Go values copied into C memory for
// the libbpf calls whose options hold pointers (cgo lets Go memory passed
// to C hold only C pointers), C buffers read back into Go, and the check
// of a descriptor given by the caller. Errors live in error.go.

// cString returns a C copy of s, or NULL for "". The caller frees it.
func cString(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

// freeCString frees a string from cString; NULL is fine.
func freeCString(s *C.char) {
	// s was allocated by C.CString (malloc) or is NULL, which free accepts.
	C.free(unsafe.Pointer(s))
}

// cStringArray copies strs into a C array of C strings (the syms of
// libbpf's multi-probe options); free releases it all.
func cStringArray(strs []string) (arr **C.char, free func(), err error) {
	arr = (**C.char)(C.calloc(C.size_t(len(strs)), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	if arr == nil {
		return nil, nil, unix.ENOMEM
	}
	// arr holds len(strs) pointers, NULL until set, and stays C memory.
	elems := unsafe.Slice(arr, len(strs))
	for i, s := range strs {
		elems[i] = C.CString(s)
	}
	return arr, func() {
		for _, s := range elems {
			freeCString(s)
		}
		C.free(unsafe.Pointer(arr))
	}, nil
}

// cULongArray copies values into a C array of unsigned long (the offsets of
// libbpf's uprobe_multi options), to be released with C.free.
func cULongArray(values []uint64) (*C.ulong, error) {
	arr := (*C.ulong)(C.calloc(C.size_t(len(values)), C.sizeof_ulong))
	if arr == nil {
		return nil, unix.ENOMEM
	}
	// arr holds len(values) elements of C memory.
	elems := unsafe.Slice(arr, len(values))
	for i, v := range values {
		elems[i] = C.ulong(v)
	}
	return arr, nil
}

// cU64Array copies values into a C array of __u64 (the cookies of
// libbpf's multi-probe options), to be released with C.free.
func cU64Array(values []uint64) (*C.__u64, error) {
	arr := (*C.__u64)(C.calloc(C.size_t(len(values)), C.sizeof___u64))
	if arr == nil {
		return nil, unix.ENOMEM
	}
	// arr holds len(values) elements of C memory.
	elems := unsafe.Slice(arr, len(values))
	for i, v := range values {
		elems[i] = C.__u64(v)
	}
	return arr, nil
}

// bytesPtr returns a pointer to b's first byte, or nil for an empty b.
func bytesPtr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	// b has at least one byte; the pointer is used only for one C call.
	return unsafe.Pointer(&b[0])
}

// goStringN copies the C string at s into Go, reading at most max bytes of
// the buffer: the string ends at its first NUL, or after max bytes.
func goStringN(s *C.char, max int) string {
	// s points to at least max bytes of C memory owned by the caller; the
	// view does not outlive this call.
	view := unsafe.Slice((*byte)(unsafe.Pointer(s)), max)
	if i := bytes.IndexByte(view, 0); i >= 0 {
		view = view[:i]
	}
	return string(view)
}

// checkFDKind checks that fd is open and is the kind of BPF object want
// names ("bpf-map", "bpf-link", "bpf-prog"), from the anonymous inode
// /proc/self/fd shows for it.
func checkFDKind(fd int, want string) error {
	if fd < 0 {
		return fmt.Errorf("file descriptor %d: %w", fd, unix.EBADF)
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
		return fmt.Errorf("file descriptor %d: %w", fd, err)
	}
	target, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
	if err != nil {
		return fmt.Errorf("file descriptor %d: %w", fd, err)
	}
	if target != "anon_inode:"+want {
		return fmt.Errorf("file descriptor %d is %s, not %s: %w", fd, target, want, unix.EINVAL)
	}
	return nil
}
