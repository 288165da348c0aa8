package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// mapInMap reports whether values of the map type are maps
// (BPF_MAP_TYPE_ARRAY_OF_MAPS and BPF_MAP_TYPE_HASH_OF_MAPS).
func (t MapType) mapInMap() bool {
	return t == MapTypeArrayOfMaps || t == MapTypeHashOfMaps
}

// checkMapInMap returns an error wrapping EINVAL unless m is a map of maps.
// The caller holds the object's lock.
func (m *Map) checkMapInMap() error {
	if !m.mapType.mapInMap() {
		return fmt.Errorf("map type %s does not hold maps: %w", m.mapType, unix.EINVAL)
	}
	return nil
}

// dupFD returns a duplicate of the descriptor of m, a created map that is
// an argument of the caller's method; the caller closes it. Duplicating
// lets the caller use the map without holding m's lock, which may be the
// lock of the caller's own object. Its errors are causes that name m,
// after role when it is not empty ("inner map x: ..."); the duplication's
// failure is a *callError.
func (m *Map) dupFD(role string) (int, error) {
	name := m.subject()
	if role != "" {
		name = role + " " + name
	}
	if !m.lock() {
		return -1, fmt.Errorf("%s: %w", name, ErrClosed)
	}
	defer m.mu.RUnlock()
	fd, ok := m.loadedFD()
	if !ok {
		return -1, fmt.Errorf("%s: %w", name, errNotLoaded)
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return -1, &callError{call: "fcntl(F_DUPFD_CLOEXEC) of " + name, err: err}
	}
	return dup, nil
}

// SetInnerMap makes inner the template of the maps that m, a map of maps
// (BPF_MAP_TYPE_ARRAY_OF_MAPS or BPF_MAP_TYPE_HASH_OF_MAPS, kernel 4.12),
// will hold, with bpf_map__set_inner_map_fd. When Load creates m, the
// kernel records the template's type, key size, value size, flags and,
// unless the template has BPF_F_INNER_MAP (kernel 5.10), capacity; it
// then accepts only inner maps that match them, and the verifier checks
// programs' accesses to inner maps against the template.
//
// It must be called before m's object is loaded (afterwards the error
// wraps EBUSY), and inner must already exist in the kernel: a map of
// another, loaded Object, or one opened by OpenMapID or OpenMapPinned
// (else the error wraps EBADF). A map of maps declared in BTF with
// __array(values, struct inner_type) does not need it: libbpf creates the
// template from that declaration itself (bpf_map__inner_map) and
// SetInnerMap replaces it; one declared without __array must have a
// template set, or Load fails. m keeps its own duplicate of inner's
// descriptor, so inner may be closed right after the call; the duplicate
// is closed with m's Object. A second call gives an error wrapping
// EINVAL. Maps opened without an object cannot take a template (their
// error wraps EOPNOTSUPP).
func (m *Map) SetInnerMap(inner *Map) error {
	const op = "Map.SetInnerMap"
	if m == nil || m.mu == nil {
		return m.closed(op)
	}
	// Duplicate inner's descriptor before taking m's lock: inner may
	// belong to the same object.
	fd, err := inner.dupFD("inner")
	if err != nil {
		return m.wrap(op, err)
	}
	if err := m.setInnerMapFD(op, fd); err != nil {
		unix.Close(fd)
		return err
	}
	return nil
}

// setInnerMapFD hands fd to libbpf as m's inner map template and keeps it
// until the object is closed. Its errors are op's OpErrors.
func (m *Map) setInnerMapFD(op string, fd int) error {
	const fn = "bpf_map__set_inner_map_fd"
	// libbpf's map state and the object's resources change.
	if err := m.writeLibbpf(op); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if m.loaded() {
		return m.fail(op, "", fmt.Errorf("object already loaded: %w", unix.EBUSY))
	}
	if err := m.checkMapInMap(); err != nil {
		return m.fail(op, "", err)
	}
	res := m.res
	res.mu.Lock()
	defer res.mu.Unlock()
	if _, ok := res.innerFDs[m]; ok {
		return m.fail(op, "", fmt.Errorf("inner map already set: %w", unix.EINVAL))
	}
	// m.m is valid under the write lock; libbpf stores fd and uses it at
	// Load without taking ownership.
	if ret := C.bpf_map__set_inner_map_fd(m.m, C.int(fd)); ret < 0 {
		return m.fail(op, fn, errnoErr(ret))
	}
	if res.innerFDs == nil {
		res.innerFDs = make(map[*Map]int)
	}
	res.innerFDs[m] = fd
	return nil
}

// SetInner stores inner under key in m, a map of maps (kernel 4.12), with
// bpf_map__update_elem: the value user space writes is inner's file
// descriptor (4 bytes), which the kernel turns into a reference to the
// map, so BPF programs looking key up in m get inner. An existing entry
// is replaced. key must be KeySize bytes; inner must exist in the kernel
// (a loaded Object's map, or one opened by OpenMapID or OpenMapPinned)
// and match m's inner map template (type, key and value sizes, flags and,
// unless the template has BPF_F_INNER_MAP, capacity), else the kernel
// refuses with an error wrapping EINVAL. m holds inner from then on:
// inner lives on in the kernel while it is stored, even once its Object
// or Map is closed, until the entry is deleted or replaced (Map.Delete,
// another SetInner) or m is freed.
func (m *Map) SetInner(key []byte, inner *Map) error {
	const op = "Map.SetInner"
	if !m.lock() {
		return m.closed(op)
	}
	err := m.wrap(op, m.checkMapInMap())
	m.mu.RUnlock()
	if err != nil {
		return err
	}
	fd, err := inner.dupFD("inner")
	if err != nil {
		return m.wrap(op, err)
	}
	defer unix.Close(fd)
	var value [4]byte
	binary.NativeEndian.PutUint32(value[:], uint32(fd))
	return m.update(op, key, value[:], UpdateAny)
}

// InnerID returns the system-wide ID of the map stored under key in m, a
// map of maps (kernel 4.12), with bpf_map__lookup_elem: user space reads
// an inner map's ID (4 bytes), never a descriptor. Open it with OpenMapID
// or use OpenInner. key must be KeySize bytes; an empty slot gives an
// error wrapping ENOENT.
func (m *Map) InnerID(key []byte) (uint32, error) {
	return m.innerID("Map.InnerID", key)
}

// innerID is InnerID for op, the method the caller called.
func (m *Map) innerID(op string, key []byte) (uint32, error) {
	if !m.lock() {
		return 0, m.closed(op)
	}
	err := m.wrap(op, m.checkMapInMap())
	m.mu.RUnlock()
	if err != nil {
		return 0, err
	}
	var value [4]byte
	if err := m.lookup(op, key, value[:]); err != nil {
		return 0, err
	}
	return binary.NativeEndian.Uint32(value[:]), nil
}

// OpenInner opens the map stored under key in m, a map of maps, as a Map
// without an object: InnerID, then OpenMapID (kernel 4.13, needs
// CAP_SYS_ADMIN). The caller must Close it. The Map keeps the inner map
// alive even if the entry is later replaced or deleted; if that happens
// between InnerID and OpenMapID, the error wraps ENOENT.
func (m *Map) OpenInner(key []byte) (*Map, error) {
	const op = "Map.OpenInner"
	id, err := m.innerID(op, key)
	if err != nil {
		return nil, err
	}
	inner, err := OpenMapID(id)
	if err != nil {
		// err is OpenMapID's OpError, kept whole as the cause.
		return nil, m.wrap(op, err)
	}
	return inner, nil
}
