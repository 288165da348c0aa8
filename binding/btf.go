package libbpf

/*
#include "glue.h"
#include <bpf/btf.h>
*/
import "C"

import (
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// TypeID is the ID of a type in a BTF object (__u32 in libbpf); 0 is void.
type TypeID uint32

// BTF is BPF Type Format data (struct btf): the kernel's own types
// (LoadKernelBTF), those of a file (LoadBTF) or those of an Object
// (Object.BTF). Its methods are safe for concurrent use.
//
// A BTF from LoadKernelBTF or LoadBTF belongs to the caller, who must Close
// it. A BTF from Object.BTF belongs to the object: it is valid until
// Object.Close, after which its methods return errors wrapping ErrClosed,
// and its Close does nothing.
type BTF struct {
	// obj is the Object whose BTF this is, or nil for parsed BTF.
	obj *Object
	// mu guards btf for parsed BTF; Close takes it for writing.
	mu sync.RWMutex
	// btf is the parsed BTF, nil once closed; unused for an object's BTF,
	// which is looked up under the object's lock at each call.
	btf *C.struct_btf
	// base is, for split BTF (LoadModuleBTF, LoadKernelBTFByID with a
	// base), the BTF it builds on, whose read lock lock also takes.
	base *BTF
}

// lock takes the read lock that keeps the BTF valid and returns it, or
// nil (with no lock held) when the BTF or its object is closed. The caller
// calls unlock when the result is not nil.
func (b *BTF) lock() *C.struct_btf {
	if b == nil {
		return nil
	}
	if b.obj != nil {
		b.obj.mu.RLock()
		if b.obj.obj == nil {
			b.obj.mu.RUnlock()
			return nil
		}
		// The object is open; its BTF lives as long as it does.
		return C.bpf_object__btf(b.obj.obj)
	}
	if b.base != nil && b.base.lock() == nil {
		return nil
	}
	b.mu.RLock()
	if b.btf == nil {
		b.mu.RUnlock()
		if b.base != nil {
			b.base.unlock()
		}
		return nil
	}
	return b.btf
}

// unlock releases the lock taken by a successful lock.
func (b *BTF) unlock() {
	if b.obj != nil {
		b.obj.mu.RUnlock()
		return
	}
	b.mu.RUnlock()
	if b.base != nil {
		b.base.unlock()
	}
}

// LoadKernelBTF reads the running kernel's BTF with btf__load_vmlinux_btf,
// from /sys/kernel/btf/vmlinux (kernel 5.4 with CONFIG_DEBUG_INFO_BTF) or
// the other places libbpf knows. The caller must Close it.
func LoadKernelBTF() (*BTF, error) {
	b, err := C.btf__load_vmlinux_btf()
	if b == nil {
		return nil, fmt.Errorf("btf__load_vmlinux_btf: %w", ptrErr(err))
	}
	return &BTF{btf: b}, nil
}

// LoadBTF parses the BTF in the file at path with btf__parse: the .BTF
// section of an ELF file, such as a BPF object or a vmlinux image, or raw
// BTF such as /sys/kernel/btf/vmlinux. The caller must Close it. A missing
// file gives an error wrapping ENOENT; a file without BTF gives an error
// from libbpf, such as ENODATA or EINVAL.
func LoadBTF(path string) (*BTF, error) {
	const fn = "btf__parse"
	if path == "" {
		return nil, fmt.Errorf("%s: empty path: %w", fn, unix.EINVAL)
	}
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory; NULL asks libbpf not to parse .BTF.ext.
	b, err := C.btf__parse(cPath, nil)
	if b == nil {
		return nil, fmt.Errorf("%s %q: %w", fn, path, ptrErr(err))
	}
	return &BTF{btf: b}, nil
}

// BTF returns the object's own BTF (bpf_object__btf), which clang wrote to
// its .BTF section. It stays valid until Object.Close. An object built
// without BTF (no -g) gives an error wrapping ErrNotFound.
func (o *Object) BTF() (*BTF, error) {
	const fn = "bpf_object__btf"
	if o == nil {
		return nil, closedError(fn)
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.obj == nil {
		return nil, closedError(fn)
	}
	if C.bpf_object__btf(o.obj) == nil {
		return nil, &notFoundError{what: fmt.Sprintf("object %s: %s: BTF", o.name, fn)}
	}
	return &BTF{obj: o}, nil
}

// Close frees BTF from LoadKernelBTF or LoadBTF with btf__free, after
// waiting for running methods. For an object's BTF it does nothing. Close
// is idempotent and returns nil.
func (b *BTF) Close() error {
	if b == nil || b.obj != nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.btf != nil {
		C.btf__free(b.btf)
		b.btf = nil
	}
	return nil
}

// TypeByName returns the ID of the first type called name, with
// btf__find_by_name; names of structs, unions, enums, typedefs, functions
// and variables share one namespace, so ask for "task_struct", not
// "struct task_struct". An unknown name gives an error wrapping
// ErrNotFound and os.ErrNotExist.
func (b *BTF) TypeByName(name string) (TypeID, error) {
	return b.findType("btf__find_by_name", name, fmt.Sprintf("type %q", name), fmt.Sprintf("%q", name),
		func(btf *C.struct_btf, cName *C.char) C.int { return C.int(C.btf__find_by_name(btf, cName)) })
}

// findType runs find, btf__find_by_name or btf__find_by_name_kind, for
// name under the BTF's lock; notFound and target describe the type in the
// errors of an unknown name and of another failure.
func (b *BTF) findType(fn, name, notFound, target string, find func(*C.struct_btf, *C.char) C.int) (TypeID, error) {
	btf := b.lock()
	if btf == nil {
		return 0, closedError(fn)
	}
	defer b.unlock()
	if name == "" {
		return 0, fmt.Errorf("%s: empty name: %w", fn, unix.EINVAL)
	}
	cName := C.CString(name)
	defer freeCString(cName)
	// btf is valid under the lock and cName is C memory.
	ret := find(btf, cName)
	if ret == -C.int(unix.ENOENT) {
		return 0, &notFoundError{what: fn + ": " + notFound}
	}
	if ret < 0 {
		return 0, fmt.Errorf("%s %s: %w", fn, target, errnoErr(ret))
	}
	return TypeID(ret), nil
}

// TypeSize returns the size in bytes of the type id, with
// btf__resolve_size, which follows typedefs, qualifiers and arrays. A
// type without a size (void, a function) or an ID outside the BTF gives an
// error wrapping EINVAL.
func (b *BTF) TypeSize(id TypeID) (int, error) {
	const fn = "btf__resolve_size"
	btf := b.lock()
	if btf == nil {
		return 0, closedError(fn)
	}
	defer b.unlock()
	// btf is valid under the lock.
	if id >= TypeID(C.btf__type_cnt(btf)) {
		return 0, fmt.Errorf("%s: type ID %d is beyond the last type: %w", fn, id, unix.EINVAL)
	}
	ret := C.btf__resolve_size(btf, C.__u32(id))
	if ret < 0 {
		return 0, fmt.Errorf("%s %d: %w", fn, id, errnoErr(C.int(ret)))
	}
	return int(ret), nil
}
