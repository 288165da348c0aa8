package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// AttachStructOps registers the loaded struct_ops map m, such as a
// struct tcp_congestion_ops declared in SEC(".struct_ops") or
// SEC(".struct_ops.link"), with the kernel subsystem it implements, with
// bpf_map__attach_struct_ops (kernel 5.6). Closing the returned Link
// unregisters it; the caller must close it.
//
// A map from SEC(".struct_ops.link") gets a BPF link (kernel 6.4), which
// owns its own descriptor, outlives m's Object and supports Link.UpdateMap.
// A map from SEC(".struct_ops") gets a Link that uses the map's descriptor,
// so it has none of its own (FD returns -1; Pin, Detach, UpdateProgram and
// Info fail with EOPNOTSUPP): close that Link before m's Object. Closed
// after it, the Link cannot unregister the map any more: Close then frees
// it, leaves the registration in place and returns an error wrapping
// ErrClosed.
func (m *Map) AttachStructOps() (*Link, error) {
	const op = "Map.AttachStructOps"
	if err := m.checkStructOps(); err != nil {
		return nil, opError(op, m.subject(), "", err)
	}
	defer m.mu.RUnlock()
	// m.m is valid under the read lock; libbpf keeps no reference to it.
	l, err := C.bpf_map__attach_struct_ops(m.m)
	if l == nil {
		return nil, opError(op, m.subject(), "bpf_map__attach_struct_ops", ptrErr(err))
	}
	if C.bpf_map__map_flags(m.m)&C.BPF_F_LINK == 0 {
		return &Link{kind: &structOpsMapLink{bpfLink: bpfLink{l: l}, owner: m.obj}, of: "struct_ops " + m.subject()}, nil
	}
	return &Link{kind: &structOpsLink{bpfLink: bpfLink{l: l}}, of: "struct_ops " + m.subject()}, nil
}

// UpdateMap makes the struct_ops link l, from Map.AttachStructOps on a
// SEC(".struct_ops.link") map, use the loaded struct_ops map m instead,
// atomically, with bpf_link__update_map (BPF_LINK_UPDATE, kernel 6.4). m
// must implement the same struct; subsystems add their own rules (a TCP
// congestion control keeps its name). A Link made from a SEC(".struct_ops")
// map, or any other kind of Link, gives an error wrapping EINVAL.
func (l *Link) UpdateMap(m *Map) error {
	const op = "Link.UpdateMap"
	if !l.lock() {
		return opError(op, l.subject(), "", ErrClosed)
	}
	defer l.mu.RUnlock()
	if err := m.checkStructOps(); err != nil {
		return opError(op, l.subject(), "", fmt.Errorf("%s: %w", m.subject(), err))
	}
	defer m.mu.RUnlock()
	// libbpf takes any link for a struct_ops link and reads past the end
	// of others.
	switch l.kind.(type) {
	case *structOpsLink:
	case *structOpsMapLink:
		return opError(op, l.subject(), "",
			fmt.Errorf("the link was made without the kernel's link (SEC(\".struct_ops\")): %w", unix.EINVAL))
	default:
		return opError(op, l.subject(), "", fmt.Errorf("not a link made by Map.AttachStructOps: %w", unix.EINVAL))
	}
	// Both handles are valid under their read locks; libbpf keeps only the
	// map's descriptor number, as a marker.
	if ret := C.bpf_link__update_map(l.kind.libbpfLink(), m.m); ret < 0 {
		return opError(op, l.subject(), "bpf_link__update_map "+m.subject(), errnoErr(ret))
	}
	return nil
}

// checkStructOps takes the read lock of m's Object and checks that m is a
// loaded struct_ops map of an Object; its error is the cause, for the
// caller's OpError. Unless it returns an error, the caller must call
// m.mu.RUnlock.
func (m *Map) checkStructOps() error {
	if !m.lock() {
		return ErrClosed
	}
	var err error
	switch {
	case !m.loaded():
		err = fmt.Errorf("object not loaded: %w", unix.EBADF)
	case m.m == nil:
		err = fmt.Errorf("map was opened without an object: %w", unix.EOPNOTSUPP)
	case m.mapType != MapTypeStructOps:
		err = fmt.Errorf("a %s map is not a struct_ops map: %w", m.mapType, unix.EINVAL)
	case C.bpf_map__fd(m.m) < 0:
		// Load did not create it (SetAutocreate(false), or Load failed).
		err = fmt.Errorf("map not created by Object.Load: %w", unix.EBADF)
	}
	if err != nil {
		m.mu.RUnlock()
	}
	return err
}

// structOpsLink is the link of a SEC(".struct_ops.link") map, a kernel
// BPF link (kernel 6.4), the only kind bpf_link__update_map takes.
type structOpsLink struct {
	bpfLink
}

// structOpsMapLink is the link of a SEC(".struct_ops") map, which uses the
// map's descriptor and has none of its own; owner is the map's Object.
type structOpsMapLink struct {
	bpfLink
	owner *Object
}

// ownFD returns the cause of the error of the methods that need the
// link's own descriptor (the Link's method names itself).
func (s *structOpsMapLink) ownFD() (C.int, error) {
	return -1, errStructOpsMapNoFD
}

// errStructOpsMapNoFD is the cause of the error of the methods that need a
// link's descriptor on the link of a SEC(".struct_ops") map.
var errStructOpsMapNoFD = fmt.Errorf("the link of a SEC(\".struct_ops\") map has the map's descriptor, not a link's: %w", unix.EOPNOTSUPP)

// close closes the link under the read lock of the map's Object. Once the
// Object is closed the descriptor is gone, and may be another file's: the
// link is then freed without detaching. The caller holds the Link's lock.
func (s *structOpsMapLink) close() error {
	s.owner.mu.RLock()
	defer s.owner.mu.RUnlock()
	if s.owner.obj != nil {
		return s.bpfLink.close()
	}
	// Disconnected, bpf_link__destroy only frees the link.
	C.bpf_link__disconnect(s.l)
	C.bpf_link__destroy(s.l)
	return fmt.Errorf("the struct_ops map's object was closed first, the map stays registered: %w", ErrClosed)
}
