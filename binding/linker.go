package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Linker links several BPF ELF objects into one with libbpf's static
// linker (struct bpf_linker, libbpf 0.4), as `bpftool gen object` does: a
// program split over several C files, with extern functions, variables
// and maps resolved across them, becomes one object for OpenMem or
// OpenFile. Add the objects in order, then Finalize; Close releases the
// linker. A Linker is safe for use from several goroutines, but the
// objects are linked in the order the calls happen.
type Linker struct {
	mu sync.Mutex
	// l is the libbpf linker; nil once closed.
	l *C.struct_bpf_linker
	// memfd holds the output of a linker made with path "", -1 otherwise.
	memfd int
	// path is the output file, "" for memory.
	path string
	// finalized is set once Finalize succeeded.
	finalized bool
}

// NewLinker creates a linker whose output goes to the file at path, with
// bpf_linker__new (created or truncated when Finalize writes it), or, when
// path is "", to memory, with bpf_linker__new_fd on a memfd (libbpf 1.6).
// Close releases it.
func NewLinker(path string) (*Linker, error) {
	const op = "NewLinker"
	l := &Linker{memfd: -1, path: path}
	if path == "" {
		fd, err := unix.MemfdCreate("libbpf-go-linker", unix.MFD_CLOEXEC)
		if err != nil {
			return nil, opError(op, l.subject(), "memfd_create", err)
		}
		cl, err := C.bpf_linker__new_fd(C.int(fd), nil)
		if cl == nil {
			unix.Close(fd)
			return nil, opError(op, l.subject(), "bpf_linker__new_fd", ptrErr(err))
		}
		l.l, l.memfd = cl, fd
		return l, nil
	}
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory, copied by libbpf.
	cl, err := C.bpf_linker__new(cPath, nil)
	if cl == nil {
		return nil, opError(op, l.subject(), "bpf_linker__new", ptrErr(err))
	}
	l.l = cl
	return l, nil
}

// subject is the linker's identity in errors: "linker" and its output,
// the file's path or memory. path never changes, so it is known once
// closed too.
func (l *Linker) subject() string {
	switch {
	case l == nil:
		return "linker"
	case l.path == "":
		return "linker to memory"
	}
	return fmt.Sprintf("linker to %q", l.path)
}

// lock takes the linker's lock and checks that it can still take objects;
// its error is the OpError of op.
func (l *Linker) lock(op string) error {
	if l == nil {
		return opError(op, l.subject(), "", ErrClosed)
	}
	l.mu.Lock()
	if l.l == nil {
		l.mu.Unlock()
		return opError(op, l.subject(), "", ErrClosed)
	}
	if l.finalized {
		l.mu.Unlock()
		return opError(op, l.subject(), "", fmt.Errorf("linker already finalized: %w", unix.EINVAL))
	}
	return nil
}

// AddFile adds the BPF ELF object at path with bpf_linker__add_file. As
// for OpenFile, the file is read and its ELF structure checked in Go first
// (see ErrInvalidObject). Objects that do not fit together, such as two
// definitions of one global symbol or maps of the same name with different
// definitions, fail with EINVAL (libbpf's log, see SetLogger, says why);
// the linker is unusable afterwards, as in libbpf.
func (l *Linker) AddFile(path string) error {
	const op = "Linker.AddFile"
	if l == nil {
		return opError(op, l.subject(), "", ErrClosed)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		call := fmt.Sprintf("read %q", path)
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			call, err = fmt.Sprintf("%s %q", pathErr.Op, path), pathErr.Err
		}
		return opError(op, l.subject(), call, err)
	}
	if err := checkELF(data); err != nil {
		return opError(op, l.subject(), "", fmt.Errorf("file %q: %w", path, err))
	}
	if err := l.lock(op); err != nil {
		return err
	}
	defer l.mu.Unlock()
	cPath := C.CString(path)
	defer freeCString(cPath)
	// l.l is valid under the lock; cPath is C memory.
	if ret := C.bpf_linker__add_file(l.l, cPath, nil); ret < 0 {
		return opError(op, l.subject(), fmt.Sprintf("bpf_linker__add_file %q", path), errnoErr(ret))
	}
	return nil
}

// AddBytes adds a BPF ELF object held in memory with bpf_linker__add_buf
// (libbpf 1.6), which copies it; name is only for errors. Its ELF
// structure is checked in Go first (see ErrInvalidObject); other errors
// are those of AddFile.
func (l *Linker) AddBytes(name string, data []byte) error {
	const op = "Linker.AddBytes"
	if len(data) == 0 {
		return opError(op, l.subject(), "", fmt.Errorf("object %q: empty object data: %w", name, unix.EINVAL))
	}
	if err := checkELF(data); err != nil {
		return opError(op, l.subject(), "", fmt.Errorf("object %q: %w", name, err))
	}
	if err := l.lock(op); err != nil {
		return err
	}
	defer l.mu.Unlock()
	// data is Go memory without Go pointers, which libbpf writes to a
	// memfd during the call and does not keep.
	if ret := C.bpf_linker__add_buf(l.l, unsafe.Pointer(&data[0]), C.size_t(len(data)), nil); ret < 0 {
		return opError(op, l.subject(), fmt.Sprintf("bpf_linker__add_buf %q", name), errnoErr(ret))
	}
	return nil
}

// Finalize resolves the symbols across the added objects, deduplicates
// their BTF and writes the linked object with bpf_linker__finalize, then
// returns it: read back from memory for a linker made with path "", or
// from the output file. An extern that no object defines is left for
// libbpf to resolve at open (a kernel function or variable) and fails
// there if it is not one. Nothing can be added afterwards (EINVAL).
func (l *Linker) Finalize() ([]byte, error) {
	const op = "Linker.Finalize"
	if err := l.lock(op); err != nil {
		return nil, err
	}
	defer l.mu.Unlock()
	// l.l is valid under the lock.
	if ret := C.bpf_linker__finalize(l.l); ret < 0 {
		return nil, opError(op, l.subject(), "bpf_linker__finalize", errnoErr(ret))
	}
	l.finalized = true
	if l.memfd < 0 {
		data, err := os.ReadFile(l.path)
		if err != nil {
			call := fmt.Sprintf("read %q", l.path)
			var pathErr *os.PathError
			if errors.As(err, &pathErr) {
				call, err = fmt.Sprintf("%s %q", pathErr.Op, l.path), pathErr.Err
			}
			return nil, opError(op, l.subject(), call, err)
		}
		return data, nil
	}
	var st unix.Stat_t
	if err := unix.Fstat(l.memfd, &st); err != nil {
		return nil, opError(op, l.subject(), "fstat memfd", err)
	}
	data := make([]byte, st.Size)
	for off := 0; off < len(data); {
		n, err := unix.Pread(l.memfd, data[off:], int64(off))
		if err != nil {
			return nil, opError(op, l.subject(), "pread memfd", err)
		}
		if n == 0 {
			return nil, opError(op, l.subject(), "pread memfd", fmt.Errorf("short read at %d of %d: %w", off, len(data), unix.EIO))
		}
		off += n
	}
	return data, nil
}

// Close releases the linker with bpf_linker__free (an output file that was
// not finalized is left as libbpf left it). It is idempotent and returns
// nil.
func (l *Linker) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.l == nil {
		return nil
	}
	C.bpf_linker__free(l.l)
	l.l = nil
	if l.memfd >= 0 {
		unix.Close(l.memfd)
		l.memfd = -1
	}
	return nil
}
