package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// SetAttachTarget sets what the program attaches to, before Object.Load,
// with bpf_program__set_attach_target; libbpf resolves the BTF id the
// kernel needs at load time. For a SEC("freplace") program
// (BPF_PROG_TYPE_EXT) target is the loaded program, of an Object or
// opened without one (OpenProgramPinned, OpenProgramID), and funcName the
// global function of it to replace; an empty funcName lets libbpf take the name
// from the section ("freplace/<name>") at load time. For BTF-based tracing
// programs (fentry, fexit, fmod_ret, tp_btf, lsm) target is nil and
// funcName the kernel function. The binding keeps a duplicate of target's
// descriptor, which libbpf uses at Load, until Load or Object.Close, so
// target may be closed in between. After Object.Load it fails with EBUSY.
func (p *Program) SetAttachTarget(target *Program, funcName string) error {
	const op = "Program.SetAttachTarget"
	if target == nil && funcName == "" {
		return p.opErr(op, "", fmt.Errorf("neither a target program nor a function name: %w", unix.EINVAL))
	}
	// The target's descriptor is duplicated before p's lock is taken:
	// holding the read locks of two objects at once could deadlock
	// against a call doing the opposite while writers wait on both.
	targetFD := C.int(0)
	if target != nil {
		var err error
		if targetFD, err = target.dupFD(); err != nil {
			return p.opErr(op, "", err)
		}
	}
	if err := p.setAttachTarget(op, targetFD, funcName); err != nil {
		if targetFD > 0 {
			unix.Close(int(targetFD))
		}
		return err
	}
	return nil
}

// setAttachTarget implements SetAttachTarget, op, once the target's
// descriptor (0 for none) is in hand; on success p owns it.
func (p *Program) setAttachTarget(op string, targetFD C.int, funcName string) error {
	if !p.lock() {
		return p.closed(op)
	}
	defer p.mu.RUnlock()
	if p.obj.loaded {
		return p.opErr(op, "", fmt.Errorf("object already loaded: %w", unix.EBUSY))
	}
	cFunc := cString(funcName)
	defer freeCString(cFunc)
	// cFunc is C memory or NULL, which libbpf copies; libbpf keeps the
	// target descriptor for Load, and p keeps it open until then.
	if ret := C.bpf_program__set_attach_target(p.prog, targetFD, cFunc); ret < 0 {
		return p.opErr(op, "bpf_program__set_attach_target "+strconv.Quote(funcName), errnoErr(ret))
	}
	// Setters run before Load from one goroutine (see the package doc),
	// so the read lock is enough to replace an earlier target.
	p.releaseTarget()
	p.targetFD = targetFD
	return nil
}

// AttachFreplace attaches the loaded SEC("freplace") program (an extension
// program, BPF_PROG_TYPE_EXT) in place of the global function funcName of
// the loaded program target (of an Object or opened without one), through a
// BPF link, with bpf_program__attach_freplace (kernel 5.10; 5.6 for the
// load-time target alone). The function's signature must match the one the
// program was loaded for (SetAttachTarget), which lets one extension replace
// the same function in several programs. target nil and funcName "" attach
// to the load-time target. While the link is open, every call of the
// function in target runs the extension instead. The returned Link must be
// closed by the caller; it keeps target's program alive in the kernel.
func (p *Program) AttachFreplace(target *Program, funcName string) (*Link, error) {
	const op = "Program.AttachFreplace"
	if (target == nil) != (funcName == "") {
		return nil, p.opErr(op, "", fmt.Errorf("give both a target program and a function name, or neither: %w", unix.EINVAL))
	}
	// The target's descriptor is duplicated before p's lock is taken:
	// holding the read locks of two objects at once could deadlock
	// against a call doing the opposite while writers wait on both.
	targetFD := C.int(0)
	if target != nil {
		var err error
		if targetFD, err = target.dupFD(); err != nil {
			return nil, p.opErr(op, "", err)
		}
		defer unix.Close(int(targetFD))
	}
	return p.attach(op, func() (*C.struct_bpf_link, error) {
		if t := ProgramType(C.bpf_program__type(p.prog)); t != ProgramTypeExt {
			return nil, fmt.Errorf("program type %s is not ext (freplace): %w", t, unix.EINVAL)
		}
		cFunc := cString(funcName)
		defer freeCString(cFunc)
		// cFunc is C memory or NULL; the kernel link takes its own
		// reference to the target program.
		l, err := C.bpf_program__attach_freplace(p.prog, targetFD, cFunc)
		if l == nil {
			return nil, failed(fmt.Sprintf("bpf_program__attach_freplace %q", funcName), err)
		}
		return l, nil
	})
}

// dupFD returns a duplicate of the descriptor of p, the target of
// another program, a loaded program of an Object or one opened without an
// object; the caller closes it. Its error is the cause, which names p as
// the target.
func (p *Program) dupFD() (C.int, error) {
	fd, ok := p.lockFD()
	if !ok {
		return -1, fmt.Errorf("target %s: %w", p.subject(), ErrClosed)
	}
	defer p.mu.RUnlock()
	if fd < 0 {
		return -1, fmt.Errorf("target %s not loaded: %w", p.subject(), unix.EBADF)
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return -1, fmt.Errorf("duplicate the descriptor of target %s: %w", p.subject(), err)
	}
	return C.int(dup), nil
}
