package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"

	"golang.org/x/sys/unix"
)

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
	if opts == nil {
		opts = &USDTOptions{}
	}
	return p.attach("Program.AttachUSDT", func() (*C.struct_bpf_link, error) {
		if err := checkUprobeTarget(pid, binaryPath); err != nil {
			return nil, err
		}
		if provider == "" || name == "" {
			return nil, fmt.Errorf("empty USDT provider or name (%q:%q): %w", provider, name, unix.EINVAL)
		}
		cPath := C.CString(binaryPath)
		defer freeCString(cPath)
		cProvider := C.CString(provider)
		defer freeCString(cProvider)
		cName := C.CString(name)
		defer freeCString(cName)
		// copts is Go memory without pointers and the strings C memory,
		// all read only during the call.
		copts := C.struct_bpf_usdt_opts{
			sz:          C.sizeof_struct_bpf_usdt_opts,
			usdt_cookie: C.__u64(opts.Cookie),
		}
		l, err := C.bpf_program__attach_usdt(p.prog, C.pid_t(pid), cPath, cProvider, cName, &copts)
		if l == nil {
			return nil, failed("bpf_program__attach_usdt "+binaryPath+" "+provider+":"+name, err)
		}
		return l, nil
	})
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
