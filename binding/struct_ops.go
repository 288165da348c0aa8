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
	const fn = "bpf_map__attach_struct_ops"
	if err := m.checkStructOps(fn); err != nil {
		return nil, err
	}
	defer m.mu.RUnlock()
	// m.m is valid under the read lock; libbpf keeps no reference to it.
	l, err := C.bpf_map__attach_struct_ops(m.m)
	if l == nil {
		return nil, fmt.Errorf("map %s: %s: %w", m.name, fn, ptrErr(err))
	}
	if C.bpf_map__map_flags(m.m)&C.BPF_F_LINK == 0 {
		return &Link{kind: &structOpsMapLink{bpfLink: bpfLink{l: l}, owner: m.obj}}, nil
	}
	return &Link{kind: &structOpsLink{bpfLink: bpfLink{l: l}}}, nil
}

// UpdateMap makes the struct_ops link l, from Map.AttachStructOps on a
// SEC(".struct_ops.link") map, use the loaded struct_ops map m instead,
// atomically, with bpf_link__update_map (BPF_LINK_UPDATE, kernel 6.4). m
// must implement the same struct; subsystems add their own rules (a TCP
// congestion control keeps its name). A Link made from a SEC(".struct_ops")
// map, or any other kind of Link, gives an error wrapping EINVAL.
func (l *Link) UpdateMap(m *Map) error {
	const fn = "bpf_link__update_map"
	if !l.lock() {
		return closedError(fn)
	}
	defer l.mu.RUnlock()
	if err := m.checkStructOps(fn); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	// libbpf takes any link for a struct_ops link and reads past the end
	// of others.
	switch l.kind.(type) {
	case *structOpsLink:
	case *structOpsMapLink:
		return fmt.Errorf("%s %s: the link was made without the kernel's link (SEC(\".struct_ops\")): %w",
			fn, m.name, unix.EINVAL)
	default:
		return fmt.Errorf("%s %s: not a link made by Map.AttachStructOps: %w", fn, m.name, unix.EINVAL)
	}
	// Both handles are valid under their read locks; libbpf keeps only the
	// map's descriptor number, as a marker.
	if ret := C.bpf_link__update_map(l.kind.libbpfLink(), m.m); ret < 0 {
		return fmt.Errorf("%s %s: %w", fn, m.name, errnoErr(ret))
	}
	return nil
}

// checkStructOps takes the read lock of m's Object for fn and checks that
// m is a loaded struct_ops map of an Object. Unless it returns an error,
// the caller must call m.mu.RUnlock.
func (m *Map) checkStructOps(fn string) error {
	if err := m.begin(fn); err != nil {
		return err
	}
	switch {
	case m.m == nil:
		m.mu.RUnlock()
		return m.noObject(fn)
	case m.mapType != MapTypeStructOps:
		m.mu.RUnlock()
		return fmt.Errorf("map %s: %s: a %s map is not a struct_ops map: %w", m.name, fn, m.mapType, unix.EINVAL)
	case C.bpf_map__fd(m.m) < 0:
		m.mu.RUnlock()
		return m.notLoaded(fn)
	}
	return nil
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

func (s *structOpsMapLink) ownFD(fn string) (C.int, error) {
	return -1, fmt.Errorf("%s: the link of a SEC(\".struct_ops\") map has the map's descriptor, not a link's: %w", fn, unix.EOPNOTSUPP)
}

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
	return fmt.Errorf("bpf_link__destroy: struct_ops map's object closed first, the map stays registered: %w", ErrClosed)
}
