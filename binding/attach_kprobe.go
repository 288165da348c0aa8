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

// KprobeOptions are the optional parameters of Program.AttachKprobe
// (struct bpf_kprobe_opts).
type KprobeOptions struct {
	// Offset is the offset from the function's start at which to probe
	// (offset); 0 probes its entry. Return probes take no offset.
	Offset uint64
	// Cookie is the value bpf_get_attach_cookie returns in the program
	// (bpf_cookie), kernel 5.15.
	Cookie uint64
	// AttachMode chooses the attach mechanism (attach_mode).
	AttachMode ProbeAttachMode
}

// AttachKprobe attaches the loaded program, which must be a kprobe-type
// program such as SEC("kprobe") or SEC("kretprobe"), to the kernel
// function funcName with bpf_program__attach_kprobe_opts (kernel 4.17 for
// the kprobe perf PMU; older kernels get a legacy tracefs event; the
// kernel needs CONFIG_KPROBES). retprobe selects a return probe, whatever
// the section name says. opts may be nil. An unknown function gives an
// error from the kernel. The returned Link must be closed by the caller.
func (p *Program) AttachKprobe(retprobe bool, funcName string, opts *KprobeOptions) (*Link, error) {
	if opts == nil {
		opts = &KprobeOptions{}
	}
	return p.attach("Program.AttachKprobe", func() (*C.struct_bpf_link, error) {
		if funcName == "" {
			return nil, fmt.Errorf("empty function name: %w", unix.EINVAL)
		}
		if retprobe && opts.Offset != 0 {
			return nil, fmt.Errorf("return probe with offset %#x: %w", opts.Offset, unix.EINVAL)
		}
		cFunc := C.CString(funcName)
		defer freeCString(cFunc)
		// copts is Go memory without pointers, read only during the call;
		// cFunc is C memory, copied by libbpf.
		copts := C.struct_bpf_kprobe_opts{
			sz:          C.sizeof_struct_bpf_kprobe_opts,
			bpf_cookie:  C.__u64(opts.Cookie),
			offset:      C.size_t(opts.Offset),
			retprobe:    C.bool(retprobe),
			attach_mode: C.enum_probe_attach_mode(opts.AttachMode),
		}
		l, err := C.bpf_program__attach_kprobe_opts(p.prog, cFunc, &copts)
		if l == nil {
			return nil, failed(fmt.Sprintf("bpf_program__attach_kprobe_opts %s+%#x", funcName, opts.Offset), err)
		}
		return l, nil
	})
}

// KprobeMultiOptions are the parameters of Program.AttachKprobeMulti
// (the pattern argument and struct bpf_kprobe_multi_opts). Exactly one of
// Symbols and Pattern must be set.
type KprobeMultiOptions struct {
	// Symbols are the kernel functions to probe (syms).
	Symbols []string
	// Pattern is a glob such as "tcp_*" matching the functions to probe,
	// as listed in available_filter_functions (the pattern argument).
	Pattern string
	// Cookies, if set, holds one value per symbol, which
	// bpf_get_attach_cookie returns in the program (cookies); it needs
	// Symbols.
	Cookies []uint64
	// Retprobe makes return probes (retprobe).
	Retprobe bool
}

// AttachKprobeMulti attaches the loaded program, a SEC("kprobe.multi")
// or SEC("kretprobe.multi") program, to many kernel functions at once
// through one kprobe_multi BPF link, with
// bpf_program__attach_kprobe_multi_opts (kernel 5.18, built with
// CONFIG_FPROBE). The returned Link must be closed by the caller.
func (p *Program) AttachKprobeMulti(opts *KprobeMultiOptions) (*Link, error) {
	return p.attach("Program.AttachKprobeMulti", func() (*C.struct_bpf_link, error) {
		if opts == nil || (opts.Pattern == "") == (len(opts.Symbols) == 0) {
			return nil, fmt.Errorf("want either symbols or a pattern: %w", unix.EINVAL)
		}
		if len(opts.Cookies) != 0 && len(opts.Cookies) != len(opts.Symbols) {
			return nil, fmt.Errorf("%d cookies for %d symbols: %w", len(opts.Cookies), len(opts.Symbols), unix.EINVAL)
		}
		for _, s := range opts.Symbols {
			if s == "" {
				return nil, fmt.Errorf("empty symbol: %w", unix.EINVAL)
			}
		}
		// copts is Go memory passed to C, so the arrays it points to must
		// be C memory; libbpf reads them only during the call.
		copts := C.struct_bpf_kprobe_multi_opts{
			sz:       C.sizeof_struct_bpf_kprobe_multi_opts,
			retprobe: C.bool(opts.Retprobe),
		}
		if n := len(opts.Symbols); n > 0 {
			syms, free, err := cStringArray(opts.Symbols)
			if err != nil {
				return nil, err
			}
			defer free()
			copts.syms = syms
			copts.cnt = C.size_t(n)
		}
		if len(opts.Cookies) > 0 {
			cookies, err := cU64Array(opts.Cookies)
			if err != nil {
				return nil, err
			}
			defer C.free(unsafe.Pointer(cookies))
			copts.cookies = cookies
		}
		cPattern := cString(opts.Pattern)
		defer freeCString(cPattern)
		l, err := C.bpf_program__attach_kprobe_multi_opts(p.prog, cPattern, &copts)
		if l == nil {
			what := opts.Pattern
			if what == "" {
				what = fmt.Sprintf("%d symbols", len(opts.Symbols))
			}
			return nil, failed("bpf_program__attach_kprobe_multi_opts "+what, err)
		}
		return l, nil
	})
}

// KsyscallOptions are the optional parameters of Program.AttachKsyscall
// (struct bpf_ksyscall_opts).
type KsyscallOptions struct {
	// Cookie is the value bpf_get_attach_cookie returns in the program
	// (bpf_cookie), kernel 5.15.
	Cookie uint64
	// Retprobe probes the system call's return (retprobe).
	Retprobe bool
}

// AttachKsyscall attaches the loaded program, a kprobe-type program such as
// SEC("ksyscall") or SEC("kretsyscall"), to the kernel's handler of the
// system call name (such as "getpid"), with bpf_program__attach_ksyscall;
// libbpf finds the architecture's handler function (__x64_sys_getpid and
// the like) and attaches a kprobe to it, so the kernel needs
// CONFIG_KPROBES. opts may be nil. The returned Link must be closed by the
// caller.
func (p *Program) AttachKsyscall(name string, opts *KsyscallOptions) (*Link, error) {
	if opts == nil {
		opts = &KsyscallOptions{}
	}
	return p.attach("Program.AttachKsyscall", func() (*C.struct_bpf_link, error) {
		if name == "" {
			return nil, fmt.Errorf("empty system call name: %w", unix.EINVAL)
		}
		cName := C.CString(name)
		defer freeCString(cName)
		// copts is Go memory without pointers and cName C memory, read
		// only during the call.
		copts := C.struct_bpf_ksyscall_opts{
			sz:         C.sizeof_struct_bpf_ksyscall_opts,
			bpf_cookie: C.__u64(opts.Cookie),
			retprobe:   C.bool(opts.Retprobe),
		}
		l, err := C.bpf_program__attach_ksyscall(p.prog, cName, &copts)
		if l == nil {
			return nil, failed("bpf_program__attach_ksyscall "+name, err)
		}
		return l, nil
	})
}
