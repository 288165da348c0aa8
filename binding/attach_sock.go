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
	const fn = "bpf_program__attach_sockmap"
	if !p.lock() {
		return nil, p.closed(fn)
	}
	defer p.obj.mu.RUnlock()
	mapFD, unlock, err := p.lockSockMap(fn, m)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := checkSockProgram(ProgramType(C.bpf_program__type(p.prog)),
		AttachType(C.bpf_program__expected_attach_type(p.prog))); err != nil {
		return nil, fmt.Errorf("%s %s: %w", fn, p.name, err)
	}
	// p.prog is valid under the read lock; libbpf keeps neither it nor
	// the map descriptor, which the link duplicates in the kernel.
	l, cerr := C.bpf_program__attach_sockmap(p.prog, mapFD)
	if l == nil {
		return nil, fmt.Errorf("%s %s map %s: %w", fn, p.name, m.name, ptrErr(cerr))
	}
	return newLink(l), nil
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
	return m.sockProgram("bpf_prog_attach", p, t, func(progFD, mapFD C.int) C.int {
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
	return m.sockProgram("bpf_prog_detach2", p, t, func(progFD, mapFD C.int) C.int {
		return C.bpf_prog_detach2(progFD, mapFD, C.enum_bpf_attach_type(t))
	})
}

// sockProgram checks the arguments of AttachProgram and DetachProgram and
// runs call, fn, with the descriptors of p and m. The read lock lockFD
// takes on p's Object keeps p's descriptor open.
func (m *Map) sockProgram(fn string, p *Program, t AttachType, call func(progFD, mapFD C.int) C.int) error {
	progFD, ok := p.lockFD()
	if !ok {
		return fmt.Errorf("%s: %w", fn, closedError("program"))
	}
	defer p.obj.mu.RUnlock()
	mapFD, unlock, err := p.lockSockMap(fn, m)
	if err != nil {
		return err
	}
	defer unlock()
	pt := p.progType
	if p.prog != nil {
		pt = ProgramType(C.bpf_program__type(p.prog))
	}
	if err := checkSockProgram(pt, t); err != nil {
		return fmt.Errorf("%s %s: %w", fn, p.name, err)
	}
	if progFD < 0 {
		return fmt.Errorf("%s %s: program not loaded: %w", fn, p.name, unix.EBADF)
	}
	// Both descriptors stay open under the read locks; the kernel takes
	// its own references.
	if ret := call(progFD, mapFD); ret < 0 {
		return fmt.Errorf("%s %s map %s %s: %w", fn, p.name, m.name, t, errnoErr(ret))
	}
	return nil
}

// lockSockMap checks, for fn, that m is an open and loaded sockmap or
// sockhash and returns its descriptor and the function that releases the
// read lock it took on m's Object. The caller holds the read lock of p's
// Object; when m belongs to the same Object it is not taken again, as a
// second read lock could deadlock behind a waiting writer.
func (p *Program) lockSockMap(fn string, m *Map) (C.int, func(), error) {
	if m == nil || m.obj == nil {
		return -1, nil, fmt.Errorf("%s %s: %w", fn, p.name, closedError("map"))
	}
	unlock := func() {}
	if m.obj != p.obj {
		if !m.lock() {
			return -1, nil, fmt.Errorf("%s %s: %w", fn, p.name, m.closed("map"))
		}
		unlock = m.obj.mu.RUnlock
	}
	if m.mapType != MapTypeSockMap && m.mapType != MapTypeSockHash {
		unlock()
		return -1, nil, fmt.Errorf("%s %s: map %s is a %s map, not a sockmap or sockhash: %w",
			fn, p.name, m.name, m.mapType, unix.EINVAL)
	}
	fd := m.cFD()
	if !m.obj.loaded || fd < 0 {
		unlock()
		return -1, nil, fmt.Errorf("%s %s: %w", fn, p.name, m.notLoaded("map"))
	}
	return fd, unlock, nil
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
