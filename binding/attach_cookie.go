package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"math"

	"golang.org/x/sys/unix"
)

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
	const fn = "bpf_program__attach_tracepoint_opts"
	if !p.lock() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	if opts == nil {
		opts = &TracepointOptions{}
	}
	if category == "" || name == "" {
		return nil, fmt.Errorf("%s %s: empty tracepoint category or name: %w", fn, p.name, unix.EINVAL)
	}
	cCat := C.CString(category)
	defer freeCString(cCat)
	cName := C.CString(name)
	defer freeCString(cName)
	// copts is Go memory without pointers and the strings C memory, read
	// during the call; p.prog is valid under the read lock.
	copts := C.struct_bpf_tracepoint_opts{sz: C.sizeof_struct_bpf_tracepoint_opts, bpf_cookie: C.__u64(opts.Cookie)}
	l, err := C.bpf_program__attach_tracepoint_opts(p.prog, cCat, cName, &copts)
	if l == nil {
		return nil, fmt.Errorf("%s %s %s:%s: %w", fn, p.name, category, name, ptrErr(err))
	}
	return newLink(l), nil
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
	const fn = "bpf_program__attach_raw_tracepoint_opts"
	if !p.lock() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	if opts == nil {
		opts = &RawTracepointOptions{}
	}
	if name == "" {
		return nil, fmt.Errorf("%s %s: empty raw tracepoint name: %w", fn, p.name, unix.EINVAL)
	}
	cName := C.CString(name)
	defer freeCString(cName)
	// copts is Go memory without pointers and cName C memory, read during
	// the call; p.prog is valid under the read lock.
	copts := C.struct_bpf_raw_tracepoint_opts{sz: C.sizeof_struct_bpf_raw_tracepoint_opts, cookie: C.__u64(opts.Cookie)}
	l, err := C.bpf_program__attach_raw_tracepoint_opts(p.prog, cName, &copts)
	if l == nil {
		return nil, fmt.Errorf("%s %s %s: %w", fn, p.name, name, ptrErr(err))
	}
	return newLink(l), nil
}

// TraceOptions are the optional parameters of Program.AttachTrace (struct
// bpf_trace_opts).
type TraceOptions struct {
	// Cookie is the value bpf_get_attach_cookie returns in the program
	// (cookie), kernel 5.19 for fentry, fexit and fmod_ret.
	Cookie uint64
}

// AttachTrace attaches the loaded fentry, fexit, fmod_ret or tp_btf program
// to the function its section names (or SetAttachTarget chose), with
// bpf_program__attach_trace_opts (kernel 5.5; cookies 5.19): what
// Program.Attach does for these sections, plus a cookie. LSM programs
// attach with Attach. opts may be nil. The returned Link must be closed by
// the caller.
func (p *Program) AttachTrace(opts *TraceOptions) (*Link, error) {
	const fn = "bpf_program__attach_trace_opts"
	if !p.lock() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	if opts == nil {
		opts = &TraceOptions{}
	}
	// copts is Go memory without pointers, read during the call; p.prog
	// is valid under the read lock.
	copts := C.struct_bpf_trace_opts{sz: C.sizeof_struct_bpf_trace_opts, cookie: C.__u64(opts.Cookie)}
	l, err := C.bpf_program__attach_trace_opts(p.prog, &copts)
	if l == nil {
		return nil, fmt.Errorf("%s %s: %w", fn, p.name, ptrErr(err))
	}
	return newLink(l), nil
}

// CgroupOptions are the optional parameters of Program.AttachCgroupOpts
// (struct bpf_cgroup_opts): the place of the program among the others
// attached to the same cgroup hook (kernel 6.16), as for TCXOptions.
type CgroupOptions struct {
	// Flags place the program relative to another (flags).
	Flags MultiProgFlags
	// RelativeFD is the descriptor of the program (or link, with
	// MultiProgLink) to attach next to (relative_fd); 0 for none.
	RelativeFD int
	// RelativeID is the id of the program (or link) to attach next to,
	// with MultiProgID (relative_id); 0 for none. A program attached
	// through a link must be named by its link (MultiProgLink): the
	// kernel refuses its program (EINVAL, seen on 6.18).
	RelativeID uint32
	// ExpectedRevision makes the attach fail with ESTALE unless the
	// hook's revision (QueryPrograms) is this one (expected_revision); 0
	// for any.
	ExpectedRevision uint64
}

// AttachCgroupOpts is AttachCgroup with the multi-program ordering of
// kernel 6.16, through bpf_program__attach_cgroup_opts (libbpf 1.6):
// MultiProgBefore and MultiProgAfter put the program first or last, or
// next to the program or link RelativeFD or RelativeID names, and
// ExpectedRevision guards against concurrent changes. QueryPrograms shows
// the resulting order, in which the programs run. Kernels before 6.16
// refuse any of these options (EINVAL); with none set, this is
// AttachCgroup. opts may be nil. The returned Link must be closed by the
// caller.
func (p *Program) AttachCgroupOpts(cgroupFD int, opts *CgroupOptions) (*Link, error) {
	const fn = "bpf_program__attach_cgroup_opts"
	if opts == nil {
		opts = &CgroupOptions{}
	}
	if opts.RelativeFD < 0 || opts.RelativeFD > math.MaxInt32 {
		return nil, fmt.Errorf("%s %s: relative descriptor %d: %w", fn, p.Name(), opts.RelativeFD, unix.EBADF)
	}
	return p.attachFD(fn, "cgroup", cgroupFD, func(fd C.int) (*C.struct_bpf_link, error) {
		// copts is Go memory without pointers, read during the call.
		copts := C.struct_bpf_cgroup_opts{
			sz:                C.sizeof_struct_bpf_cgroup_opts,
			flags:             C.__u32(opts.Flags),
			relative_fd:       C.__u32(opts.RelativeFD),
			relative_id:       C.__u32(opts.RelativeID),
			expected_revision: C.__u64(opts.ExpectedRevision),
		}
		l, err := C.bpf_program__attach_cgroup_opts(p.prog, fd, &copts)
		return l, err
	})
}
