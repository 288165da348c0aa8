package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// PinKind is the kind of BPF object pinned in bpffs.
type PinKind int

const (
	// PinMap is a pinned map.
	PinMap PinKind = iota + 1
	// PinProgram is a pinned program.
	PinProgram
	// PinLink is a pinned link.
	PinLink
)

// String returns "map", "program" or "link", or "PinKind(N)".
func (k PinKind) String() string {
	switch k {
	case PinMap:
		return "map"
	case PinProgram:
		return "program"
	case PinLink:
		return "link"
	}
	return fmt.Sprintf("PinKind(%d)", int(k))
}

// Pin is one BPF object pinned in a bpffs folder, as ListPins reports it.
type Pin struct {
	// Path is the pin's path: the folder given to ListPins joined with
	// the entry's name.
	Path string
	// Kind tells whether a map, program or link is pinned there.
	Kind PinKind
	// ID is the pinned object's system-wide ID (OpenMapID opens a map by
	// it).
	ID uint32
}

// pinKinds maps the anonymous inode names of BPF file descriptors to kinds.
var pinKinds = map[string]PinKind{
	"anon_inode:bpf-map":  PinMap,
	"anon_inode:bpf-prog": PinProgram,
	"anon_inode:bpf-link": PinLink,
}

// ListPins lists the BPF objects pinned directly in dir, a bpffs folder, in
// name order. It opens each pin with bpf_obj_get (kernel 4.4), tells its
// kind from the anonymous inode of the descriptor and reads its ID with
// bpf_obj_get_info_by_fd (kernel 4.13), then closes it. Sub-folders are
// left out (ListPins does not descend into them), and so are pins removed
// while it runs. dir must exist (else the error wraps ENOENT) and be on
// bpffs (else ErrNotBPFFS).
func ListPins(dir string) ([]Pin, error) {
	pins, err := listPins(dir)
	if err != nil {
		return nil, wrapOp("ListPins", strconv.Quote(dir), err)
	}
	return pins, nil
}

// listPins is ListPins with its errors as causes (*callError for a failed
// call).
func listPins(dir string) ([]Pin, error) {
	if dir == "" {
		return nil, fmt.Errorf("empty folder: %w", unix.EINVAL)
	}
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return nil, &callError{call: "statfs", err: err}
	}
	if uint32(st.Type) != unix.BPF_FS_MAGIC {
		return nil, ErrNotBPFFS
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return nil, &callError{call: "readdir", err: err}
	}
	var pins []Pin
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		pin, err := readPin(filepath.Join(dir, e.Name()))
		if errors.Is(err, unix.ENOENT) {
			continue
		}
		if err != nil {
			return nil, err
		}
		pins = append(pins, pin)
	}
	return pins, nil
}

// readPin opens the pin at path and reports its kind and ID; a failed
// call gives a *callError that names path.
func readPin(path string) (Pin, error) {
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory, read only during the call.
	fd := C.bpf_obj_get(cPath)
	if fd < 0 {
		return Pin{}, &callError{call: fmt.Sprintf("bpf_obj_get %q", path), err: errnoErr(fd)}
	}
	defer unix.Close(int(fd))
	target, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
	if err != nil {
		return Pin{}, &callError{call: fmt.Sprintf("readlink of pin %q", path), err: err}
	}
	kind, ok := pinKinds[target]
	if !ok {
		return Pin{}, fmt.Errorf("pin %q is %s, not a BPF map, program or link: %w", path, target, unix.EINVAL)
	}
	// The info structs of maps, programs and links all start with
	// __u32 type, __u32 id; the kernel fills at most len bytes.
	var head struct{ typ, id uint32 }
	size := C.__u32(8)
	// head and size are Go memory without Go pointers, written only during
	// the call.
	if ret := C.bpf_obj_get_info_by_fd(fd, unsafe.Pointer(&head), &size); ret < 0 {
		return Pin{}, &callError{call: fmt.Sprintf("bpf_obj_get_info_by_fd %q", path), err: errnoErr(ret)}
	}
	return Pin{Path: path, Kind: kind, ID: head.id}, nil
}

// checkPinPath checks, before libbpf is called, that path's parent folder
// exists and is on a bpffs mount.
func checkPinPath(path string) error {
	if path == "" {
		return fmt.Errorf("empty pin path: %w", unix.EINVAL)
	}
	dir := filepath.Dir(path)
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return fmt.Errorf("pin path %q: folder %s: %w", path, dir, err)
	}
	if uint32(st.Type) != unix.BPF_FS_MAGIC {
		return &notBPFFSError{path: path, dir: dir}
	}
	return nil
}

// openPinned opens the BPF object pinned at path with bpf_obj_get and
// checks that it is of kind ("bpf-map", "bpf-prog"); a pin of another kind
// gives an error wrapping EINVAL. The caller owns the descriptor. A path
// checkPinPath refuses gives its cause, the failure of bpf_obj_get, or a
// pin of another kind, a *callError with Call "bpf_obj_get": the caller's
// OpError names the path as its subject.
func openPinned(path, kind string) (C.int, error) {
	const fn = "bpf_obj_get"
	if err := checkPinPath(path); err != nil {
		return -1, err
	}
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory, read only during the call.
	fd := C.bpf_obj_get(cPath)
	if fd < 0 {
		return -1, &callError{call: fn, err: pinnedErr(errnoErr(fd))}
	}
	if err := checkFDKind(int(fd), kind); err != nil {
		unix.Close(int(fd))
		return -1, &callError{call: fn, err: err}
	}
	return fd, nil
}

// objPin pins fd, the descriptor of an owned handle, at path with
// bpf_obj_pin (BPF_OBJ_PIN, kernel 4.4), which is what libbpf's
// bpf_map__pin, bpf_program__pin and bpf_link__pin call. It does not check
// path. The caller keeps fd open during the call.
func objPin(fd C.int, path string) error {
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory, read only during the call.
	if ret := C.bpf_obj_pin(fd, cPath); ret < 0 {
		return errnoErr(ret)
	}
	return nil
}
