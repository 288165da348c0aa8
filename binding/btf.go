package libbpf

/*
#include "glue.h"
#include <bpf/btf.h>
*/
import "C"

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// TypeID is the ID of a type in a BTF object (__u32 in libbpf); 0 is void.
type TypeID uint32

// BTF is BPF Type Format data (struct btf): the kernel's own types
// (LoadKernelBTF), those of a file (LoadBTF) or those of an Object
// (Object.BTF). Its methods are safe for concurrent use.
//
// A BTF from LoadKernelBTF, LoadBTF, LoadKernelBTFByID or LoadModuleBTF
// belongs to the caller, who must Close it. A BTF from Object.BTF belongs
// to the object: it is valid until Object.Close, after which its methods
// return errors wrapping ErrClosed, and its Close does nothing.
//
// Like a Map or Program (see "Ownership of handles" in handle.go), a BTF
// has one lock pointer, decided when it is made: its Object's lock for an
// object's BTF, which Object.Close takes for writing to mark the BTF
// closed, or for parsed BTF a lock of its own, which its Close takes. The
// methods take that lock and use the cached struct btf whatever the kind;
// only Close tests the kind (own).
type BTF struct {
	// mu is the lock that guards btf: &Object.mu for an object's BTF,
	// &own.mu for parsed BTF.
	mu *handleLock
	// btf is the libbpf BTF, nil once closed. For an object's BTF it is
	// the object's (bpf_object__btf, which libbpf sets at open and frees
	// at bpf_object__close), cleared by Object.Close.
	btf *C.struct_btf
	// own holds what only parsed BTF has, its lock; nil for an object's
	// BTF.
	own *ownedBTF
	// base is, for split BTF (LoadModuleBTF, LoadKernelBTFByID with a
	// base), the BTF it builds on, whose read lock lock also takes.
	base *BTF
	// what says where the BTF comes from, for subject: "vmlinux", a
	// path, "id 12", "of module nf_tables", "of object minimal".
	what string
}

// ownedBTF is what parsed BTF has and an object's BTF has not: its own
// lock.
type ownedBTF struct {
	mu handleLock
}

// newOwnedBTF wraps btf, parsed BTF that the caller owns, with a lock of
// its own; what is as for BTF.what.
func newOwnedBTF(btf *C.struct_btf, what string) *BTF {
	own := &ownedBTF{}
	return &BTF{mu: &own.mu, btf: btf, own: own, what: what}
}

// subject is the BTF's identity in the errors of its methods: "BTF" and
// where it comes from ("BTF vmlinux", "BTF of object minimal", "BTF id
// 12", "BTF \"/path\""), set when it is made and known once closed.
func (b *BTF) subject() string {
	if b == nil || b.what == "" {
		return "BTF"
	}
	return "BTF " + b.what
}

// lock takes the read lock that keeps the BTF valid (its base's first,
// for split BTF) and returns it, or nil (with no lock held) when the BTF,
// its object or its base is closed. The caller calls unlock when the
// result is not nil.
func (b *BTF) lock() *C.struct_btf {
	if b == nil || b.mu == nil {
		return nil
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

// unlock releases the locks taken by a successful lock.
func (b *BTF) unlock() {
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
		return nil, opError("LoadKernelBTF", "vmlinux", "btf__load_vmlinux_btf", ptrErr(err))
	}
	return newOwnedBTF(b, "vmlinux"), nil
}

// LoadBTF parses the BTF in the file at path with btf__parse: the .BTF
// section of an ELF file, such as a BPF object or a vmlinux image, or raw
// BTF such as /sys/kernel/btf/vmlinux. The caller must Close it. A missing
// file gives an error wrapping ENOENT; a file without BTF gives an error
// from libbpf, such as ENODATA or EINVAL.
func LoadBTF(path string) (*BTF, error) {
	const op = "LoadBTF"
	what := fmt.Sprintf("%q", path)
	if path == "" {
		return nil, opError(op, what, "", fmt.Errorf("empty path: %w", unix.EINVAL))
	}
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory; NULL asks libbpf not to parse .BTF.ext.
	b, err := C.btf__parse(cPath, nil)
	if b == nil {
		return nil, opError(op, what, "btf__parse", ptrErr(err))
	}
	return newOwnedBTF(b, what), nil
}

// BTF returns the object's own BTF (bpf_object__btf), which clang wrote to
// its .BTF section: the same *BTF at every call, made at open. It stays
// valid until Object.Close. An object built without BTF (no -g) gives an
// error wrapping ErrNotFound.
func (o *Object) BTF() (*BTF, error) {
	const op = "Object.BTF"
	if o == nil {
		return nil, opError(op, o.subject(), "", ErrClosed)
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.obj == nil {
		return nil, opError(op, o.subject(), "", ErrClosed)
	}
	if o.btf == nil {
		return nil, opError(op, o.subject(), "bpf_object__btf", &notFoundError{what: "BTF (built without -g?)"})
	}
	return o.btf, nil
}

// Close frees BTF from LoadKernelBTF, LoadBTF, LoadKernelBTFByID or
// LoadModuleBTF with btf__free, after waiting for running methods. For an
// object's BTF it does nothing (Object.Close frees it). Close is
// idempotent and returns nil.
func (b *BTF) Close() error {
	if b == nil || b.own == nil {
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
	return b.findType("BTF.TypeByName", "btf__find_by_name", name, fmt.Sprintf("type %q", name),
		func(btf *C.struct_btf, cName *C.char) C.int { return C.int(C.btf__find_by_name(btf, cName)) })
}

// findType runs find, the libbpf function fn (btf__find_by_name or
// btf__find_by_name_kind), for name under the BTF's lock; target
// describes the type sought. Its errors are the OpErrors of op.
func (b *BTF) findType(op, fn, name, target string, find func(*C.struct_btf, *C.char) C.int) (TypeID, error) {
	btf := b.lock()
	if btf == nil {
		return 0, opError(op, b.subject(), "", ErrClosed)
	}
	defer b.unlock()
	if name == "" {
		return 0, opError(op, b.subject(), "", fmt.Errorf("empty name: %w", unix.EINVAL))
	}
	cName := C.CString(name)
	defer freeCString(cName)
	// btf is valid under the lock and cName is C memory.
	ret := find(btf, cName)
	if ret == -C.int(unix.ENOENT) {
		return 0, opError(op, b.subject(), fn, &notFoundError{what: target})
	}
	if ret < 0 {
		return 0, opError(op, b.subject(), fn, fmt.Errorf("%s: %w", target, errnoErr(ret)))
	}
	return TypeID(ret), nil
}

// TypeSize returns the size in bytes of the type id, with
// btf__resolve_size, which follows typedefs, qualifiers and arrays. A
// type without a size (void, a function) or an ID outside the BTF gives an
// error wrapping EINVAL.
func (b *BTF) TypeSize(id TypeID) (int, error) {
	const op = "BTF.TypeSize"
	btf := b.lock()
	if btf == nil {
		return 0, opError(op, b.subject(), "", ErrClosed)
	}
	defer b.unlock()
	// btf is valid under the lock.
	if err := checkTypeID(btf, id); err != nil {
		return 0, opError(op, b.subject(), "", err)
	}
	ret := C.btf__resolve_size(btf, C.__u32(id))
	if ret < 0 {
		return 0, opError(op, b.subject(), fmt.Sprintf("btf__resolve_size %d", id), errnoErr(C.int(ret)))
	}
	return int(ret), nil
}

// checkTypeID returns an error wrapping EINVAL unless id is a type of btf,
// which the caller keeps valid.
func checkTypeID(btf *C.struct_btf, id TypeID) error {
	if n := TypeID(C.btf__type_cnt(btf)); id >= n {
		return fmt.Errorf("type ID %d is beyond the last type (%d): %w", id, n-1, unix.EINVAL)
	}
	return nil
}
