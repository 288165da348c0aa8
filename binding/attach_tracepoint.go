package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// AttachTracepoint attaches the loaded program, which must be a tracepoint
// program, to the kernel tracepoint category:name (as listed under
// /sys/kernel/tracing/events) with bpf_program__attach_tracepoint. The
// returned Link must be closed by the caller.
func (p *Program) AttachTracepoint(category, name string) (*Link, error) {
	return p.attachTracepoint("Program.AttachTracepoint", "bpf_program__attach_tracepoint", category, name, nil)
}

// TracepointOptions are the optional parameters of
// Program.AttachTracepointOpts (struct bpf_tracepoint_opts).
type TracepointOptions struct {
	// Cookie is the value bpf_get_attach_cookie returns in the program
	// (bpf_cookie), kernel 5.15.
	Cookie uint64
}

// AttachTracepointOpts is AttachTracepoint with options, through
// bpf_program__attach_tracepoint_opts: the cookie lets one program serve
// several tracepoints and tell them apart. opts may be nil. The returned
// Link must be closed by the caller.
func (p *Program) AttachTracepointOpts(category, name string, opts *TracepointOptions) (*Link, error) {
	if opts == nil {
		opts = &TracepointOptions{}
	}
	return p.attachTracepoint("Program.AttachTracepointOpts", "bpf_program__attach_tracepoint_opts", category, name, opts)
}

// attachTracepoint is op: it attaches p to category:name with fn,
// bpf_program__attach_tracepoint, or its _opts variant when opts is not
// nil.
func (p *Program) attachTracepoint(op, fn, category, name string, opts *TracepointOptions) (*Link, error) {
	return p.attach(op, func() (*C.struct_bpf_link, error) {
		if category == "" || name == "" {
			return nil, fmt.Errorf("empty tracepoint category or name: %w", unix.EINVAL)
		}
		cCat := C.CString(category)
		defer freeCString(cCat)
		cName := C.CString(name)
		defer freeCString(cName)
		var l *C.struct_bpf_link
		var err error
		if opts == nil {
			l, err = C.bpf_program__attach_tracepoint(p.prog, cCat, cName)
		} else {
			// copts is Go memory without pointers and the strings C
			// memory, read during the call.
			copts := C.struct_bpf_tracepoint_opts{sz: C.sizeof_struct_bpf_tracepoint_opts, bpf_cookie: C.__u64(opts.Cookie)}
			l, err = C.bpf_program__attach_tracepoint_opts(p.prog, cCat, cName, &copts)
		}
		if l == nil {
			return nil, failed(fn+" "+category+":"+name, err)
		}
		return l, nil
	})
}

// AttachRawTracepoint attaches the loaded program, which must be a raw
// tracepoint program, to the raw tracepoint name (such as "sys_enter") with
// bpf_program__attach_raw_tracepoint. The returned Link must be closed by
// the caller.
func (p *Program) AttachRawTracepoint(name string) (*Link, error) {
	return p.attachRawTracepoint("Program.AttachRawTracepoint", "bpf_program__attach_raw_tracepoint", name, nil)
}

// RawTracepointOptions are the optional parameters of
// Program.AttachRawTracepointOpts (struct bpf_raw_tracepoint_opts).
type RawTracepointOptions struct {
	// Cookie is the value bpf_get_attach_cookie returns in the program
	// (cookie), kernel 6.10; older kernels refuse a non-zero cookie.
	Cookie uint64
}

// AttachRawTracepointOpts is AttachRawTracepoint with options, through
// bpf_program__attach_raw_tracepoint_opts. opts may be nil. The returned
// Link must be closed by the caller.
func (p *Program) AttachRawTracepointOpts(name string, opts *RawTracepointOptions) (*Link, error) {
	if opts == nil {
		opts = &RawTracepointOptions{}
	}
	return p.attachRawTracepoint("Program.AttachRawTracepointOpts", "bpf_program__attach_raw_tracepoint_opts", name, opts)
}

// attachRawTracepoint is op: it attaches p to the raw tracepoint name with
// fn, bpf_program__attach_raw_tracepoint, or its _opts variant when opts
// is not nil.
func (p *Program) attachRawTracepoint(op, fn, name string, opts *RawTracepointOptions) (*Link, error) {
	return p.attach(op, func() (*C.struct_bpf_link, error) {
		if name == "" {
			return nil, fmt.Errorf("empty raw tracepoint name: %w", unix.EINVAL)
		}
		cName := C.CString(name)
		defer freeCString(cName)
		var l *C.struct_bpf_link
		var err error
		if opts == nil {
			l, err = C.bpf_program__attach_raw_tracepoint(p.prog, cName)
		} else {
			// copts is Go memory without pointers and cName C memory,
			// read during the call.
			copts := C.struct_bpf_raw_tracepoint_opts{sz: C.sizeof_struct_bpf_raw_tracepoint_opts, cookie: C.__u64(opts.Cookie)}
			l, err = C.bpf_program__attach_raw_tracepoint_opts(p.prog, cName, &copts)
		}
		if l == nil {
			return nil, failed(fn+" "+name, err)
		}
		return l, nil
	})
}
