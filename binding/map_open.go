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

// newOwnedMap wraps fd, a map descriptor the caller hands over, in a Map
// without an object, which owns it; it closes fd when it fails, with a
// *callError, or with what (the call that opened fd, for a caller that
// does not make an OpError of its own) prefixed to it when what is set.
func newOwnedMap(fd C.int, what string) (*Map, error) {
	m, err := ownMap(fd)
	if err != nil && what != "" {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return m, err
}

// ownMap is newOwnedMap with its failure as a *callError.
func ownMap(fd C.int) (*Map, error) {
	info, err := mapInfo(fd)
	if err != nil {
		unix.Close(int(fd))
		return nil, err
	}
	own := &ownedMap{maxEntries: info.MaxEntries, id: info.ID}
	own.mu.guard = new(readGuard)
	m := &Map{own: own}
	m.mapCore = mapCore{
		fdHandle:  fdHandle{mu: &own.mu, state: handleLoaded, fd: fd},
		res:       &own.res,
		name:      info.Name,
		mapType:   info.Type,
		keySize:   int(info.KeySize),
		valueSize: int(info.ValueSize),
	}
	if err := m.derive(); err != nil {
		unix.Close(int(fd))
		return nil, err
	}
	return m, nil
}

// OpenMapPinned opens the map pinned at path in bpffs with bpf_obj_get
// (BPF_OBJ_GET, kernel 4.4) and reads its name, type and sizes with
// bpf_map_get_info_by_fd (kernel 4.13), without any Object. The Map works
// as a loaded map of an object for Lookup, Update, Delete, NextKey,
// LookupAndDelete, the batch methods, Iterate, Freeze, Info and ID, and
// for the pins: its PinPath is path and IsPinned is true, so Unpin("")
// removes that pin, as for a Link from OpenLink. The caller must Close it. path's folder must exist (else the error wraps
// ENOENT) and be on bpffs (else ErrNotBPFFS); a pin that is not a map
// gives an error wrapping EINVAL.
func OpenMapPinned(path string) (*Map, error) {
	const op = "OpenMapPinned"
	fd, err := openPinned(path, "bpf-map")
	if err != nil {
		return nil, wrapOp(op, strconv.Quote(path), err)
	}
	m, err := ownMap(fd)
	if err != nil {
		return nil, wrapOp(op, strconv.Quote(path), err)
	}
	m.own.pinPath, m.own.pinned = path, true
	return m, nil
}

// pinTarget resolves path for Pin or Unpin of an owned map, with
// libbpf's rules for a map's pin path: "" means the pin path, and a map
// keeps the one pin path it has.
func (o *ownedMap) pinTarget(path string) (string, error) {
	switch {
	case path == "" && o.pinPath == "":
		return "", fmt.Errorf("no pin path given or set: %w", unix.EINVAL)
	case path != "" && o.pinPath != "" && path != o.pinPath:
		return "", fmt.Errorf("pin path %q: the map's pin path is %q: %w", path, o.pinPath, unix.EINVAL)
	case path == "":
		path = o.pinPath
	}
	if err := checkPinPath(path); err != nil {
		return "", err
	}
	return path, nil
}

// pin is Map.Pin for an owned map, whose fdHandle is c: it pins the map's
// descriptor at path with bpf_obj_pin (BPF_OBJ_PIN, kernel 4.4), with
// bpf_map__pin's rules (see pinTarget); pinning it where it is pinned
// does nothing. Its errors are causes, bpf_obj_pin's a *callError. The
// caller holds the write lock.
func (o *ownedMap) pin(c *mapCore, path string) error {
	if o.pinned && (path == "" || path == o.pinPath) {
		return nil
	}
	path, err := o.pinTarget(path)
	if err != nil {
		return err
	}
	if err := objPin(c.fd, path); err != nil {
		return &callError{call: fmt.Sprintf("bpf_obj_pin %q", path), err: err}
	}
	o.pinPath, o.pinned = path, true
	return nil
}

// unpin is Map.Unpin for an owned map: it removes the pin at path ("" for
// the pin path) with unlink(2), as bpf_map__unpin does, after checking
// that path is on bpffs. As for a map of an object, the pin path stays set
// and IsPinned becomes false. Its errors are as for pin. The caller holds
// the write lock.
func (o *ownedMap) unpin(path string) error {
	path, err := o.pinTarget(path)
	if err != nil {
		return err
	}
	if err := unix.Unlink(path); err != nil {
		return &callError{call: fmt.Sprintf("unlink %q", path), err: err}
	}
	o.pinned = false
	return nil
}

// OpenMapID opens the map whose system-wide ID is id with
// bpf_map_get_fd_by_id (BPF_MAP_GET_FD_BY_ID, kernel 4.13, needs
// CAP_SYS_ADMIN), without any Object; the Map works as for OpenMapPinned
// and the caller must Close it. An ID no map has gives an error wrapping
// ENOENT.
func OpenMapID(id uint32) (*Map, error) {
	const op = "OpenMapID"
	fd := C.bpf_map_get_fd_by_id(C.__u32(id))
	if fd < 0 {
		return nil, opError(op, "id "+strconv.FormatUint(uint64(id), 10), "bpf_map_get_fd_by_id", byIDErr(errnoErr(fd)))
	}
	m, err := ownMap(fd)
	if err != nil {
		return nil, wrapOp(op, "id "+strconv.FormatUint(uint64(id), 10), err)
	}
	return m, nil
}

// Close closes a map opened by OpenMapPinned or OpenMapID, after waiting
// for running operations on it; later calls to its methods return errors
// wrapping ErrClosed. The kernel frees the map once nothing else (a pin, a
// program, another descriptor) holds it. For a map of an Object, Close does
// nothing: Object.Close releases it. Close is idempotent and returns nil.
func (m *Map) Close() error {
	if m == nil || m.own == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.state != handleClosed {
		m.res.release()
		unix.Close(int(m.fd))
		m.markClosed()
	}
	return nil
}
