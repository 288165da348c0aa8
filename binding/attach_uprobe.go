package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// UprobeOptions are the optional parameters of Program.AttachUprobe
// (struct bpf_uprobe_opts).
type UprobeOptions struct {
	// FuncName names the function to probe (func_name); libbpf finds its
	// address in the binary's symbol table and adds the offset given to
	// AttachUprobe. Empty: the offset alone says where.
	FuncName string
	// RefCtrOffset is the file offset of the USDT semaphore the kernel
	// increments while the probe is attached (ref_ctr_offset); 0 for none.
	RefCtrOffset uint64
	// Cookie is the value bpf_get_attach_cookie returns in the program
	// (bpf_cookie), kernel 5.15.
	Cookie uint64
	// AttachMode chooses the attach mechanism (attach_mode).
	AttachMode ProbeAttachMode
}

// AttachUprobe attaches the loaded program, which must be a kprobe-type
// program such as SEC("uprobe") or SEC("uretprobe"), to a user-space
// location with bpf_program__attach_uprobe_opts (kernel 4.17 for the
// uprobe perf PMU; older kernels get a legacy tracefs event). retprobe
// selects a return probe. pid limits the probe to one process: -1 probes
// every process that runs binaryPath, 0 this process. binaryPath is the
// executable or shared library, resolved through PATH or the library search
// path by libbpf when it has no slash; a missing file gives an error
// wrapping ENOENT. offset is the file offset of the probed instruction, or
// an offset from opts.FuncName's address. opts may be nil. The returned Link
// must be closed by the caller.
func (p *Program) AttachUprobe(retprobe bool, pid int, binaryPath string, offset uint64, opts *UprobeOptions) (*Link, error) {
	if opts == nil {
		opts = &UprobeOptions{}
	}
	return p.attach("Program.AttachUprobe", func() (*C.struct_bpf_link, error) {
		if err := checkUprobeTarget(pid, binaryPath); err != nil {
			return nil, err
		}
		cPath := C.CString(binaryPath)
		defer freeCString(cPath)
		cFunc := cString(opts.FuncName)
		defer freeCString(cFunc)
		// The options struct is Go memory holding only C pointers
		// (func_name), read by libbpf during the call; libbpf copies what
		// it keeps.
		copts := C.struct_bpf_uprobe_opts{
			sz:             C.sizeof_struct_bpf_uprobe_opts,
			ref_ctr_offset: C.size_t(opts.RefCtrOffset),
			bpf_cookie:     C.__u64(opts.Cookie),
			retprobe:       C.bool(retprobe),
			func_name:      cFunc,
			attach_mode:    C.enum_probe_attach_mode(opts.AttachMode),
		}
		l, err := C.bpf_program__attach_uprobe_opts(p.prog, C.pid_t(pid), cPath, C.size_t(offset), &copts)
		if l == nil {
			return nil, failed(fmt.Sprintf("bpf_program__attach_uprobe_opts %s+%#x", binaryPath, offset), err)
		}
		return l, nil
	})
}

// UprobeMultiOptions are the optional parameters of
// Program.AttachUprobeMulti (struct bpf_uprobe_multi_opts). Without a
// pattern, exactly one of Symbols and Offsets says where to probe; with a
// pattern, Symbols, Offsets, RefCtrOffsets and Cookies must stay empty.
type UprobeMultiOptions struct {
	// Symbols are the functions to probe, looked up in the binary's symbol
	// tables (syms).
	Symbols []string
	// Offsets are the file offsets of the instructions to probe (offsets).
	Offsets []uint64
	// RefCtrOffsets, if set, holds for each location the file offset of
	// the USDT semaphore the kernel increments while the probe is attached,
	// 0 for none (ref_ctr_offsets).
	RefCtrOffsets []uint64
	// Cookies, if set, holds one value per location, which
	// bpf_get_attach_cookie returns in the program (cookies).
	Cookies []uint64
	// Retprobe makes return probes (retprobe).
	Retprobe bool
	// Session makes session probes, which run the program at each
	// location's entry and, if it returned 0 there, at its return too
	// (session; kernel 6.13, a SEC("uprobe.session") program). It
	// excludes Retprobe.
	Session bool
}

// AttachUprobeMulti attaches the loaded program, a SEC("uprobe.multi"),
// SEC("uretprobe.multi") or SEC("uprobe.session") program, to many
// locations of one user-space binary at once through one uprobe_multi BPF
// link, with bpf_program__attach_uprobe_multi (kernel 6.6; ProbeUprobeMulti
// tells). pid limits the probes to one process: -1 probes every process
// that runs binaryPath, 0 this process. binaryPath is the executable or
// shared library, resolved through PATH or the library search path by
// libbpf when it has no slash; a missing file gives an error wrapping
// ENOENT. funcPattern is a glob ('*' and '?') matched against the names of
// the binary's functions; a pattern that matches none gives an error
// wrapping ENOENT. With an empty funcPattern, opts.Symbols or opts.Offsets
// say where to probe; mismatched option lengths give an error wrapping
// EINVAL before libbpf is called. opts may be nil when a pattern is given.
// The returned Link must be closed by the caller.
func (p *Program) AttachUprobeMulti(pid int, binaryPath, funcPattern string, opts *UprobeMultiOptions) (*Link, error) {
	if opts == nil {
		opts = &UprobeMultiOptions{}
	}
	return p.attach("Program.AttachUprobeMulti", func() (*C.struct_bpf_link, error) {
		if err := checkUprobeTarget(pid, binaryPath); err != nil {
			return nil, err
		}
		n, err := opts.count(funcPattern)
		if err != nil {
			return nil, err
		}
		// copts is Go memory passed to C, so the arrays it points to must
		// be C memory; libbpf and the kernel read them only during the
		// call.
		copts := C.struct_bpf_uprobe_multi_opts{
			sz:       C.sizeof_struct_bpf_uprobe_multi_opts,
			cnt:      C.size_t(n),
			retprobe: C.bool(opts.Retprobe),
			session:  C.bool(opts.Session),
		}
		if len(opts.Symbols) > 0 {
			syms, free, err := cStringArray(opts.Symbols)
			if err != nil {
				return nil, err
			}
			defer free()
			copts.syms = syms
		}
		for _, a := range []struct {
			values []uint64
			field  **C.ulong
		}{
			{opts.Offsets, &copts.offsets},
			{opts.RefCtrOffsets, &copts.ref_ctr_offsets},
		} {
			if len(a.values) == 0 {
				continue
			}
			arr, err := cULongArray(a.values)
			if err != nil {
				return nil, err
			}
			defer C.free(unsafe.Pointer(arr))
			*a.field = arr
		}
		if len(opts.Cookies) > 0 {
			cookies, err := cU64Array(opts.Cookies)
			if err != nil {
				return nil, err
			}
			defer C.free(unsafe.Pointer(cookies))
			copts.cookies = cookies
		}
		cPath := C.CString(binaryPath)
		defer freeCString(cPath)
		cPattern := cString(funcPattern)
		defer freeCString(cPattern)
		l, cerr := C.bpf_program__attach_uprobe_multi(p.prog, C.pid_t(pid), cPath, cPattern, &copts)
		if l == nil {
			what := funcPattern
			if what == "" {
				what = fmt.Sprintf("%d locations", n)
			}
			return nil, failed("bpf_program__attach_uprobe_multi "+binaryPath+":"+what, cerr)
		}
		return l, nil
	})
}

// count checks the options against funcPattern as libbpf and the kernel
// want them and returns the number of locations they name (0 with a
// pattern).
func (o *UprobeMultiOptions) count(funcPattern string) (int, error) {
	if o.Retprobe && o.Session {
		return 0, fmt.Errorf("both retprobe and session: %w", unix.EINVAL)
	}
	if funcPattern != "" {
		if len(o.Symbols)+len(o.Offsets)+len(o.RefCtrOffsets)+len(o.Cookies) > 0 {
			return 0, fmt.Errorf("pattern %q with symbols, offsets, semaphores or cookies: %w", funcPattern, unix.EINVAL)
		}
		return 0, nil
	}
	if (len(o.Symbols) == 0) == (len(o.Offsets) == 0) {
		return 0, fmt.Errorf("want a pattern, symbols or offsets (%d symbols, %d offsets): %w",
			len(o.Symbols), len(o.Offsets), unix.EINVAL)
	}
	n := len(o.Symbols) + len(o.Offsets)
	for _, s := range o.Symbols {
		if s == "" {
			return 0, fmt.Errorf("empty symbol: %w", unix.EINVAL)
		}
	}
	if len(o.RefCtrOffsets) != 0 && len(o.RefCtrOffsets) != n {
		return 0, fmt.Errorf("%d semaphore offsets for %d locations: %w", len(o.RefCtrOffsets), n, unix.EINVAL)
	}
	if len(o.Cookies) != 0 && len(o.Cookies) != n {
		return 0, fmt.Errorf("%d cookies for %d locations: %w", len(o.Cookies), n, unix.EINVAL)
	}
	return n, nil
}

// checkUprobeTarget refuses a pid the kernel cannot have and an empty or
// missing binary path. libbpf does not always stat the binary itself, so
// checking it here makes a missing file always wrap ENOENT.
func checkUprobeTarget(pid int, binaryPath string) error {
	if binaryPath == "" {
		return fmt.Errorf("empty binary path: %w", unix.EINVAL)
	}
	if pid < -1 || pid > int(^uint32(0)>>1) {
		return fmt.Errorf("pid %d out of range: %w", pid, unix.EINVAL)
	}
	if strings.Contains(binaryPath, "/") {
		if _, err := os.Stat(binaryPath); err != nil {
			return err
		}
	}
	return nil
}
