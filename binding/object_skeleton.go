package libbpf

/*
#include <stdlib.h>
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// What the skeletons of cmd/libbpf-skel need beyond the rest of the
// binding: libbpf's initial image of a global data section before Load,
// and bpf_object__attach_skeleton's per-program attach step.

// InitialValue returns libbpf's image of the initial value of a global
// data map (.data, .rodata, .bss and custom .data.*, .rodata.*, .bss.*
// sections), with bpf_map__initial_value, as memory that Go reads and
// writes in place: what is stored there before Object.Load is what Load
// creates the map with, as Object.SetGlobal does for one variable.
//
// It works only before Load: once loaded, libbpf maps read-only sections
// read-only, where a store would kill the process, so the call then gives
// an error wrapping EBUSY; use Map.Memory (writable sections) or
// Map.Lookup (any section) instead. A map that has no initial image (not
// a global data section) gives an error wrapping EINVAL.
//
// The memory is libbpf's: it is valid until Object.Close or Load, and
// must not be used after either. Like Map.Memory, the binding cannot track
// the slice once returned.
func (m *Map) InitialValue() ([]byte, error) {
	const op = "Map.InitialValue"
	if !m.lock() {
		return nil, opError(op, m.subject(), "", ErrClosed)
	}
	defer m.mu.RUnlock()
	if m.m == nil {
		return nil, opError(op, m.subject(), "", fmt.Errorf("map was opened without an object: %w", unix.EOPNOTSUPP))
	}
	if m.loaded() {
		return nil, opError(op, m.subject(), "", fmt.Errorf("object loaded, the image may be read-only (use Map.Memory or Map.Lookup): %w", unix.EBUSY))
	}
	var size C.size_t
	// m.m is valid under the read lock; size is written during the call.
	base := C.bpf_map__initial_value(m.m, &size)
	if base == nil || size == 0 {
		return nil, opError(op, m.subject(), "bpf_map__initial_value", fmt.Errorf("not a global data section: %w", unix.EINVAL))
	}
	// SAFETY: base points to size bytes that libbpf allocated for the
	// section (mmap'd, read and write, until Load or bpf_object__close).
	return unsafe.Slice((*byte)(base), int(size)), nil
}

// AttachSkeleton attaches the loaded program as bpf_object__attach_skeleton
// attaches each program of a skeleton, and with it: a program that is not
// loaded (Autoload), has Autoattach off, or whose section name does not
// say where to attach it (no section handler, or a bare SEC("uprobe")) is
// skipped, and AttachSkeleton returns nil and no error. Otherwise it
// returns the link, which the caller must close, or an error naming the
// program and wrapping the errno. Object.AttachAll does the same for every
// program; AttachSkeleton lets a skeleton keep each program's link.
func (p *Program) AttachSkeleton() (*Link, error) {
	const op = "Program.AttachSkeleton"
	if !p.lock() {
		return nil, p.closed(op)
	}
	defer p.mu.RUnlock()
	if !p.obj.loaded {
		return nil, opError(op, p.subject(), "", fmt.Errorf("%s is not loaded: call Object.Load first: %w", p.obj.subject(), unix.EINVAL))
	}
	// libbpf reads the skeleton through pointers, so all of it is C
	// memory: one allocation holding the skeleton, its one program entry
	// and the program and link slots.
	type slots struct {
		skel C.struct_bpf_object_skeleton
		prog C.struct_bpf_prog_skeleton
		p    *C.struct_bpf_program
		l    *C.struct_bpf_link
	}
	s := (*slots)(C.calloc(1, C.size_t(unsafe.Sizeof(slots{}))))
	if s == nil {
		return nil, opError(op, p.subject(), "calloc", unix.ENOMEM)
	}
	// s is from calloc.
	defer C.free(unsafe.Pointer(s))
	s.skel.sz = C.sizeof_struct_bpf_object_skeleton
	s.skel.prog_cnt = 1
	s.skel.prog_skel_sz = C.sizeof_struct_bpf_prog_skeleton
	s.skel.progs = &s.prog
	s.prog.prog = &s.p
	s.prog.link = &s.l
	link, err := p.attachLink(func() (*C.struct_bpf_link, error) {
		// p.prog is valid under the read lock; s is C memory that libbpf
		// uses only during the call.
		s.p = p.prog
		if ret := C.bpf_object__attach_skeleton(&s.skel); ret < 0 {
			return nil, errnoErr(ret)
		}
		return s.l, nil
	})
	if err != nil {
		return nil, opError(op, p.subject(), "bpf_object__attach_skeleton", err)
	}
	return link, nil
}
