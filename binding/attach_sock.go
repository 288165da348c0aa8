package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// AttachSockmap attaches the loaded socket map program, a SEC("sk_msg")
// program or a SEC("sk_skb/...") one, to the sockmap or sockhash m through
// a BPF link, with bpf_program__attach_sockmap (kernel 6.10). The program
// attaches with its expected attach type (the section name sets it) and
// runs for the sockets added to m after the attachment; sockets already in
// the map keep the programs they had. Older kernels refuse the link (the
// error wraps EINVAL); Map.AttachProgram works there. The returned Link
// must be closed by the caller; it does not depend on m's Object.
func (p *Program) AttachSockmap(m *Map) (*Link, error) {
	const op = "Program.AttachSockmap"
	mapFD, err := sockMapFD(m)
	if err != nil {
		return nil, p.opErr(op, "", err)
	}
	defer unix.Close(int(mapFD))
	return p.attach(op, func() (*C.struct_bpf_link, error) {
		if err := checkSockProgram(ProgramType(C.bpf_program__type(p.prog)),
			AttachType(C.bpf_program__expected_attach_type(p.prog))); err != nil {
			return nil, err
		}
		// libbpf keeps neither p.prog nor the map descriptor, which the
		// link duplicates in the kernel.
		l, err := C.bpf_program__attach_sockmap(p.prog, mapFD)
		if l == nil {
			return nil, failed("bpf_program__attach_sockmap map "+m.name, err)
		}
		return l, nil
	})
}

// AttachProgram attaches the loaded socket map program p, which may be a
// program opened without an object (OpenProgramPinned), to the sockmap or
// sockhash m with bpf_prog_attach (BPF_PROG_ATTACH with the map as target),
// the form that predates links: t is AttachTypeSKSKBStreamParser or
// AttachTypeSKSKBStreamVerdict for a SEC("sk_skb/...") program (kernel
// 4.14; the sockhash needs 4.18), AttachTypeSKSKBVerdict for one (5.13),
// or AttachTypeSKMsgVerdict for a SEC("sk_msg") program (4.17). The program
// runs for the sockets added to m afterwards. It stays attached as long as
// the map exists, even after p's Object is closed, until DetachProgram;
// attaching another program of the same attach type replaces it.
func (m *Map) AttachProgram(p *Program, t AttachType) error {
	return m.sockProgram("Map.AttachProgram", "bpf_prog_attach", p, t, func(progFD, mapFD C.int) C.int {
		return C.bpf_prog_attach(progFD, mapFD, C.enum_bpf_attach_type(t), 0)
	})
}

// DetachProgram detaches the program p, attached with AttachProgram and
// attach type t, from the sockmap or sockhash m, with bpf_prog_detach2
// (kernel 4.14). Sockets already in the map keep running it. Since kernel
// 5.10 the kernel checks that p is the program attached with t, and the
// error wraps ENOENT when it is not; older kernels detach whatever program
// is attached with t.
func (m *Map) DetachProgram(p *Program, t AttachType) error {
	return m.sockProgram("Map.DetachProgram", "bpf_prog_detach2", p, t, func(progFD, mapFD C.int) C.int {
		return C.bpf_prog_detach2(progFD, mapFD, C.enum_bpf_attach_type(t))
	})
}

// sockProgram is op, AttachProgram or DetachProgram: it checks the
// arguments and runs call, fn, with the descriptors of p and m. The read
// lock lockFD takes on p's Object keeps p's descriptor open. Its errors
// are *OpError of op on m, which say what was wrong with p.
func (m *Map) sockProgram(op, fn string, p *Program, t AttachType, call func(progFD, mapFD C.int) C.int) error {
	subject := m.subject()
	mapFD, err := sockMapFD(m)
	if err != nil {
		return opError(op, subject, "", err)
	}
	defer unix.Close(int(mapFD))
	progFD, ok := p.lockFD()
	if !ok {
		return opError(op, subject, "", fmt.Errorf("%s: %w", p.subject(), ErrClosed))
	}
	defer p.mu.RUnlock()
	pt := p.progType
	if p.prog != nil {
		pt = ProgramType(C.bpf_program__type(p.prog))
	}
	if err := checkSockProgram(pt, t); err != nil {
		return opError(op, subject, "", fmt.Errorf("%s: %w", p.subject(), err))
	}
	if progFD < 0 {
		var cause error = fmt.Errorf("program not loaded: %w", unix.EBADF)
		if p.prog != nil {
			cause = p.notLoadedCause(unix.EBADF)
		}
		return opError(op, subject, "", fmt.Errorf("%s: %w", p.subject(), cause))
	}
	// The program's descriptor stays open under the read lock, the map's
	// duplicate until we close it; the kernel takes its own references.
	if ret := call(progFD, mapFD); ret < 0 {
		return opError(op, subject, fmt.Sprintf("%s %s %s", fn, p.subject(), t), p.permErr(errnoErr(ret)))
	}
	return nil
}

// sockMapFD checks that m is an open and loaded sockmap or sockhash and
// returns a duplicate of its descriptor, which the caller closes; its
// error is the cause alone, which names m. It takes and releases m's
// Object's read lock before the caller takes its program's: holding the
// two objects' locks at once, in either order, could deadlock against
// another call doing the opposite while writers wait on both.
func sockMapFD(m *Map) (C.int, error) {
	if !m.lock() {
		return -1, fmt.Errorf("%s: %w", m.subject(), ErrClosed)
	}
	defer m.mu.RUnlock()
	if m.mapType != MapTypeSockMap && m.mapType != MapTypeSockHash {
		return -1, fmt.Errorf("map %s is a %s map, not a sockmap or sockhash: %w",
			m.name, m.mapType, unix.EINVAL)
	}
	fd, ok := m.loadedFD()
	if !ok {
		return -1, fmt.Errorf("map %s: object not loaded: %w", m.name, unix.EBADF)
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("duplicate the descriptor of map %s: %w", m.name, err)
	}
	return C.int(dup), nil
}

// checkSockProgram refuses a program type and attach type that cannot go
// together on a socket map.
func checkSockProgram(pt ProgramType, t AttachType) error {
	switch {
	case pt == ProgramTypeSKMsg && t == AttachTypeSKMsgVerdict:
		return nil
	case pt == ProgramTypeSKSKB && (t == AttachTypeSKSKBStreamParser ||
		t == AttachTypeSKSKBStreamVerdict || t == AttachTypeSKSKBVerdict):
		return nil
	case pt != ProgramTypeSKMsg && pt != ProgramTypeSKSKB:
		return fmt.Errorf("program type %s cannot attach to a socket map (want sk_msg or sk_skb): %w", pt, unix.EINVAL)
	default:
		return fmt.Errorf("program type %s cannot attach to a socket map as %s: %w", pt, t, unix.EINVAL)
	}
}
