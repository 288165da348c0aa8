package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// Every Program.Attach* method goes through Program.attach, the one path
// from a loaded program to a Link: it takes the program's read lock,
// checks that the program is loaded, runs the libbpf call and wraps what
// it made, as a USDT link when libbpf's USDT manager made it (attachLink).
// The methods of one hook live in the file of that hook (attach_kprobe.go,
// attach_xdp.go, attach_iter.go, ...); the kinds of Link are in handle.go
// and link.go.

// ProbeAttachMode chooses how a uprobe (or kprobe) is attached (enum
// probe_attach_mode).
type ProbeAttachMode uint32

const (
	// ProbeAttachModeDefault lets libbpf pick the best mode the kernel
	// supports (PROBE_ATTACH_MODE_DEFAULT).
	ProbeAttachModeDefault = ProbeAttachMode(0)
	// ProbeAttachModeLegacy uses a probe event created in tracefs
	// (PROBE_ATTACH_MODE_LEGACY).
	ProbeAttachModeLegacy = ProbeAttachMode(1)
	// ProbeAttachModePerf uses a perf event and the PERF_EVENT_IOC_SET_BPF
	// ioctl (PROBE_ATTACH_MODE_PERF).
	ProbeAttachModePerf = ProbeAttachMode(2)
	// ProbeAttachModeLink uses a perf event and a BPF link, kernel 5.15
	// (PROBE_ATTACH_MODE_LINK).
	ProbeAttachModeLink = ProbeAttachMode(3)
)

// attachFailure is the error an attach call returns to Program.attach
// when libbpf failed: the libbpf function called, with the target that
// identifies the failing attach ("bpf_program__attach_xdp ifindex 3"), and
// the error cgo captured when it returned NULL. Unlike a callError, whose
// cause is ready to use, that error is the raw errno (or none), which
// Program.attach converts (ptrErr) and explains (permErr).
type attachFailure struct {
	call string
	err  error
}

func (f *attachFailure) Error() string { return f.call + ": " + f.err.Error() }

// failed reports, from an attach call, that the libbpf function returned
// no link and set err; call names the function and, when the program's
// section does not say it, the target ("bpf_program__attach_xdp ifindex
// 3"), and becomes the OpError's Call.
func failed(call string, err error) error {
	return &attachFailure{call: call, err: err}
}

// attach is the path of every Program.Attach* method, op (the method's
// Go name, "Program.AttachXDP"). Under the program's read lock (its
// Object's), with the program loaded (otherwise the error of p.closed),
// it runs call, which checks its arguments and calls libbpf; p.prog is
// valid during call, and the link made does not refer to it. call returns
// the libbpf link, or nil and either an argument error (the cause alone,
// without prefix) or failed(call, errno) when libbpf failed. The error
// returned is an *OpError of op on p, with the libbpf call in Call (""
// for an argument error), and explains a refused attach (permErr).
func (p *Program) attach(op string, call func() (*C.struct_bpf_link, error)) (*Link, error) {
	if !p.lockLoaded() {
		return nil, p.closed(op)
	}
	defer p.mu.RUnlock()
	link, err := p.attachLink(call)
	if err == nil {
		return link, nil
	}
	if f, ok := errors.AsType[*attachFailure](err); ok {
		return nil, p.opErr(op, f.call, p.permErr(ptrErr(f.err)))
	}
	return nil, p.opErr(op, "", err)
}

// attachLink calls attach, which attaches p with libbpf (nil link and nil
// error: nothing to attach), and wraps the link made, which p's name
// identifies in its errors (Link.subject). libbpf attaches
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
		return newProgramLink(l, p), nil
	}
	o := p.obj
	o.usdtMu.Lock()
	defer o.usdtMu.Unlock()
	l, err := attach()
	if l == nil {
		return nil, err
	}
	o.usdtLinks++
	return newUSDTLink(l, o, p), nil
}

// Attach attaches the loaded program where its section name says, with
// bpf_program__attach: "tracepoint/<category>/<name>", "raw_tp/<name>",
// "kprobe/<function>" and so on. The returned Link must be closed by the
// caller; see Link for what happens when it is not.
func (p *Program) Attach() (*Link, error) {
	return p.attach("Program.Attach", func() (*C.struct_bpf_link, error) {
		l, err := C.bpf_program__attach(p.prog)
		if l == nil {
			return nil, failed("bpf_program__attach", err)
		}
		return l, nil
	})
}

// attachFD is op: it attaches p with attach, fn, a libbpf function taking
// the descriptor of what (a cgroup, a network namespace), which libbpf does
// not keep.
func (p *Program) attachFD(op, fn, what string, fd int, attach func(C.int) (*C.struct_bpf_link, error)) (*Link, error) {
	return p.attach(op, func() (*C.struct_bpf_link, error) {
		if fd < 0 || fd > int(^uint32(0)>>1) {
			return nil, fmt.Errorf("%s descriptor %d: %w", what, fd, unix.EBADF)
		}
		l, err := attach(C.int(fd))
		if l == nil {
			return nil, failed(fmt.Sprintf("%s %s fd %d", fn, what, fd), err)
		}
		return l, nil
	})
}

// checkIfindex refuses an interface index the kernel cannot have.
func checkIfindex(ifindex int) error {
	if ifindex <= 0 || ifindex > int(^uint32(0)>>1) {
		return fmt.Errorf("interface index %d: %w", ifindex, unix.EINVAL)
	}
	return nil
}
