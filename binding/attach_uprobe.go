package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

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
	const fn = "bpf_program__attach_uprobe_multi"
	if !p.lockLoaded() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	if opts == nil {
		opts = &UprobeMultiOptions{}
	}
	if err := checkUprobeTarget(pid, binaryPath); err != nil {
		return nil, fmt.Errorf("%s %s: %w", fn, p.name, err)
	}
	n, err := opts.count(funcPattern)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", fn, p.name, err)
	}
	// copts is Go memory passed to C, so the arrays it points to must be C
	// memory; libbpf and the kernel read them only during the call.
	copts := C.struct_bpf_uprobe_multi_opts{
		sz:       C.sizeof_struct_bpf_uprobe_multi_opts,
		cnt:      C.size_t(n),
		retprobe: C.bool(opts.Retprobe),
		session:  C.bool(opts.Session),
	}
	if len(opts.Symbols) > 0 {
		syms, free, err := cStringArray(opts.Symbols)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", fn, p.name, err)
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
			return nil, fmt.Errorf("%s %s: %w", fn, p.name, err)
		}
		defer C.free(unsafe.Pointer(arr))
		*a.field = arr
	}
	if len(opts.Cookies) > 0 {
		cookies, err := cU64Array(opts.Cookies)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", fn, p.name, err)
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
		return nil, fmt.Errorf("%s %s %s:%s: %w", fn, p.name, binaryPath, what, p.permErr(ptrErr(cerr)))
	}
	return newLink(l), nil
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

// USDTOptions are the optional parameters of Program.AttachUSDT (struct
// bpf_usdt_opts).
type USDTOptions struct {
	// Cookie is the value bpf_usdt_cookie returns in the program
	// (usdt_cookie).
	Cookie uint64
}

// AttachUSDT attaches the loaded program, a SEC("usdt") program written
// with libbpf's usdt.bpf.h (BPF_USDT, bpf_usdt_arg, bpf_usdt_cookie), to
// every site of the USDT probe provider:name (as the .note.stapsdt ELF
// notes of sys/sdt.h describe them) in a user-space binary, with
// bpf_program__attach_usdt. libbpf attaches one uprobe_multi link on
// kernel 6.6 and later (where the kernel filters by process correctly),
// and one uprobe per site otherwise (kernel 4.17 for the uprobe perf PMU;
// the BPF cookies it relies on need kernel 5.15, older kernels fall back to
// a map of addresses). pid limits the probe to one process: -1 probes
// every process that runs binaryPath, 0 this process. binaryPath is the
// executable or shared library, resolved through PATH or the library
// search path by libbpf when it has no slash; a missing file gives an
// error wrapping ENOENT, as does a binary without that probe. opts may be
// nil.
//
// The returned Link must be closed by the caller. Closing it uses the
// object's USDT manager, so Object.Close leaves the object's memory to the
// last open USDT link to free; the programs stay attached until then.
func (p *Program) AttachUSDT(pid int, binaryPath, provider, name string, opts *USDTOptions) (*Link, error) {
	const fn = "bpf_program__attach_usdt"
	if !p.lockLoaded() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	if opts == nil {
		opts = &USDTOptions{}
	}
	if err := checkUprobeTarget(pid, binaryPath); err != nil {
		return nil, fmt.Errorf("%s %s: %w", fn, p.name, err)
	}
	if provider == "" || name == "" {
		return nil, fmt.Errorf("%s %s: empty USDT provider or name (%q:%q): %w", fn, p.name, provider, name, unix.EINVAL)
	}
	cPath := C.CString(binaryPath)
	defer freeCString(cPath)
	cProvider := C.CString(provider)
	defer freeCString(cProvider)
	cName := C.CString(name)
	defer freeCString(cName)
	link, err := p.attachLink(func() (*C.struct_bpf_link, error) {
		// copts is Go memory without pointers and the strings C memory,
		// all read only during the call; p.prog is valid under the read
		// lock.
		copts := C.struct_bpf_usdt_opts{
			sz:          C.sizeof_struct_bpf_usdt_opts,
			usdt_cookie: C.__u64(opts.Cookie),
		}
		l, err := C.bpf_program__attach_usdt(p.prog, C.pid_t(pid), cPath, cProvider, cName, &copts)
		if l == nil {
			return nil, ptrErr(err)
		}
		return l, nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s %s %s:%s: %w", fn, p.name, binaryPath, provider, name, p.permErr(err))
	}
	return link, nil
}

// attachLink calls attach, which attaches p with libbpf (nil link and nil
// error: nothing to attach), and wraps the link made. libbpf attaches
// SEC("usdt") programs through the object's USDT manager, which USDT
// attaches and closes change: those run under the object's usdtMu, and
// the USDT Link keeps the object's memory until it is closed. The caller
// holds p.obj.mu for reading.
func (p *Program) attachLink(attach func() (*C.struct_bpf_link, error)) (*Link, error) {
	// p.prog is valid under the read lock; libbpf returns its own string.
	sec := C.GoString(C.bpf_program__section_name(p.prog))
	if sec != "usdt" && !strings.HasPrefix(sec, "usdt/") && !strings.HasPrefix(sec, "usdt.s") {
		l, err := attach()
		if l == nil {
			return nil, err
		}
		return newLink(l), nil
	}
	o := p.obj
	o.usdtMu.Lock()
	defer o.usdtMu.Unlock()
	l, err := attach()
	if l == nil {
		return nil, err
	}
	o.usdtLinks++
	return &Link{l: l, usdt: o}, nil
}

// destroyUSDTLink destroys the USDT link l of one of the object's programs
// with bpf_link__destroy, which gives its spec ids back to the object's
// USDT manager, and frees the object when Close left it to its last USDT
// link.
func (o *Object) destroyUSDTLink(l *C.struct_bpf_link) C.int {
	o.usdtMu.Lock()
	defer o.usdtMu.Unlock()
	ret := C.bpf_link__destroy(l)
	o.usdtLinks--
	if o.usdtLinks == 0 && o.closing != nil {
		freeObject(o.closing, o.closingLog)
		o.closing, o.closingLog = nil, nil
	}
	return ret
}

// ProbeUprobeMulti reports whether the running kernel supports uprobe_multi
// links (Program.AttachUprobeMulti, SEC("uprobe.multi") and
// SEC("uretprobe.multi"); kernel 6.6, built with CONFIG_UPROBES). libbpf
// does not export its own probe: ProbeUprobeMulti loads a trivial kprobe
// program with expected attach type BPF_TRACE_UPROBE_MULTI
// (bpf_prog_load) and asks for a uprobe_multi link on the directory "/"
// (bpf_link_create). A kernel that gets as far as checking the file (EBADF)
// supports such links; one that rejects the request (EINVAL) does not.
func ProbeUprobeMulti() error {
	return probeUprobeMulti("uprobe_multi links (kernel 6.6)", AttachTypeTraceUprobeMulti)
}

// ProbeUprobeSession reports whether the running kernel supports uprobe
// session links (UprobeMultiOptions.Session, SEC("uprobe.session"); kernel
// 6.13), as ProbeUprobeMulti does for attach type
// BPF_TRACE_UPROBE_SESSION.
func ProbeUprobeSession() error {
	return probeUprobeMulti("uprobe session links (kernel 6.13)", AttachTypeTraceUprobeSession)
}

// probeUprobeMulti probes uprobe_multi links of attach type at.
func probeUprobeMulti(what string, at AttachType) error {
	fd, err := loadTrivialProgram(what, ProgramTypeKprobe, at, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	root := C.CString("/")
	defer freeCString(root)
	// root is C memory; the glue returns a link fd or a negative errno.
	ret := C.lbg_link_create_uprobe_multi(C.int(fd), C.enum_bpf_attach_type(at), root)
	if ret >= 0 {
		syscall.Close(int(ret))
		return nil
	}
	switch errno := syscall.Errno(-ret); errno {
	case syscall.EBADF:
		return nil
	case syscall.EINVAL, syscall.EOPNOTSUPP, errENOTSUPP, syscall.EPERM:
		return refusal(what, "bpf_link_create", errno)
	default:
		return fmt.Errorf("bpf_link_create %s: %w", what, errno)
	}
}
