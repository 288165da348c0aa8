package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// global is a global variable located through the object's BTF.
type global struct {
	name string
	sec  string
	m    *C.struct_bpf_map
	off  int
	size int
}

// findGlobal looks a global variable up in the BTF DATASEC types of the
// object. The caller holds o.mu for reading and has checked o.obj.
func (o *Object) findGlobal(name string) (*global, error) {
	cName := C.CString(name)
	defer freeCString(cName)
	// o.obj is open and cName is C memory; the returned section name is
	// owned by the object's BTF and copied right away.
	res := C.lbg_find_global(o.obj, cName)
	if res.err < 0 {
		return nil, &notFoundError{what: fmt.Sprintf("global variable %q", name)}
	}
	g := &global{name: name, sec: C.GoString(res.sec), m: res._map, off: int(res.offset), size: int(res.size)}
	if g.m == nil {
		return nil, &notFoundError{what: fmt.Sprintf("global variable %q: no map backs section %s", name, g.sec)}
	}
	return g, nil
}

// memory returns the variable's bytes in libbpf's memory image of its
// section (bpf_map__initial_value): the initial value before Load, the
// live value mapped from the kernel after it.
func (g *global) memory() ([]byte, error) {
	var size C.size_t
	// g.m is valid under the caller's read lock; size is a Go variable
	// written only during the call.
	base := C.bpf_map__initial_value(g.m, &size)
	if base == nil {
		return nil, fmt.Errorf("global variable %q: section %s is not memory-mapped (kernel 5.5 maps global data): %w", g.name, g.sec, unix.ENOTSUP)
	}
	if g.off+g.size > int(size) {
		return nil, fmt.Errorf("global variable %q: %d bytes at offset %d exceed section %s of %d bytes: %w", g.name, g.size, g.off, g.sec, size, unix.EINVAL)
	}
	// base points to size bytes of memory that libbpf keeps mapped until
	// bpf_object__close, which cannot run while the caller holds the read
	// lock; the slice is not used after the caller returns.
	return unsafe.Slice((*byte)(unsafe.Add(base, g.off)), g.size), nil
}

// GlobalSize returns the size in bytes of the global variable name, as
// recorded in the object's BTF. An unknown name gives an error wrapping
// ErrNotFound.
func (o *Object) GlobalSize(name string) (int, error) {
	g, unlock, err := o.lockGlobal("Object.GlobalSize", name)
	if err != nil {
		return 0, err
	}
	defer unlock()
	return g.size, nil
}

// lockGlobal takes the object's read lock and finds the global variable
// name for op; unless it returns an error (an OpError of op), the caller
// must call unlock.
func (o *Object) lockGlobal(op, name string) (g *global, unlock func(), err error) {
	if o == nil {
		return nil, nil, opError(op, o.subject(), "", fmt.Errorf("global variable %q: %w", name, ErrClosed))
	}
	o.mu.RLock()
	if o.obj == nil {
		o.mu.RUnlock()
		return nil, nil, opError(op, o.subject(), "", fmt.Errorf("global variable %q: %w", name, ErrClosed))
	}
	if g, err = o.findGlobal(name); err != nil {
		o.mu.RUnlock()
		return nil, nil, opError(op, o.subject(), "", err)
	}
	return g, o.mu.RUnlock, nil
}

// checkSize returns an error unless value has the variable's size.
func (g *global) checkSize(name string, value []byte) error {
	if len(value) != g.size {
		return fmt.Errorf("global variable %q: value is %d bytes, want %d: %w", name, len(value), g.size, ErrInvalidSize)
	}
	return nil
}

// Global copies the current value of the global variable name into value,
// which must be GlobalSize(name) bytes (else ErrInvalidSize). Before Load
// that is the initial value; after Load it is read live from the kernel
// map through libbpf's memory mapping (bpf_map__initial_value), including
// for .rodata. The variable is found by name among the BTF DATASEC
// variables of the object (.bss, .data, .rodata, .kconfig and custom
// .data.* and .rodata.* sections). The copy is not atomic with respect to
// BPF programs writing the variable.
//
// A section whose map libbpf did not create, because it was reused (by
// Map.ReuseFD, or found pinned at its pin path during Load), is neither
// filled nor mapped by libbpf: Global and SetGlobal then see libbpf's
// private image of the initial values, not the kernel map. Read and write
// such a map with Map.Lookup and Map.Update, or Map.Memory.
func (o *Object) Global(name string, value []byte) error {
	return o.accessGlobal("Object.Global", name, value, false)
}

// SetGlobal sets the global variable name to value, which must be
// GlobalSize(name) bytes (else ErrInvalidSize). Before Load it sets the
// initial value the kernel map is created with, in any of .bss, .data,
// .rodata and custom .data.* or .rodata.* sections. After Load it writes
// the live value through libbpf's memory mapping of .bss and .data
// sections; read-only sections (.rodata, .kconfig), which the kernel froze
// at Load, give an error wrapping EPERM instead. .kconfig values come from
// the kernel (see ObjectOptions.KConfig) and cannot be set at all.
//
// Writes after Load are not atomic with respect to BPF programs reading
// the variable, nor with respect to other SetGlobal or Global calls.
func (o *Object) SetGlobal(name string, value []byte) error {
	return o.accessGlobal("Object.SetGlobal", name, value, true)
}

// accessGlobal copies the global variable name into value, or with write
// value into the variable, under the object's read lock, once value has
// the variable's size and, for a write, the variable's section can take
// one. Its errors are the OpErrors of op.
func (o *Object) accessGlobal(op, name string, value []byte, write bool) error {
	g, unlock, err := o.lockGlobal(op, name)
	if err != nil {
		return err
	}
	defer unlock()
	if err := g.checkSize(name, value); err != nil {
		return opError(op, o.subject(), "", err)
	}
	if write && g.sec == ".kconfig" {
		return opError(op, o.subject(), "", fmt.Errorf("global variable %q: section %s is set from the kernel configuration: %w", name, g.sec, unix.EPERM))
	}
	// g.m is valid under the read lock.
	if write && o.loaded && C.bpf_map__map_flags(g.m)&C.BPF_F_RDONLY_PROG != 0 {
		return opError(op, o.subject(), "", fmt.Errorf("global variable %q: section %s is read-only once loaded: %w", name, g.sec, unix.EPERM))
	}
	mem, err := g.memory()
	if err != nil {
		return opError(op, o.subject(), "", err)
	}
	if write {
		copy(mem, value)
	} else {
		copy(value, mem)
	}
	return nil
}
