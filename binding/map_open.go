package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// MapInfo is what the kernel reports about a map (struct bpf_map_info,
// from BPF_OBJ_GET_INFO_BY_FD, kernel 4.13).
type MapInfo struct {
	// Type is the map type.
	Type MapType
	// ID is the map's system-wide ID, usable with OpenMapID.
	ID uint32
	// Name is the map's name as the kernel keeps it: at most 15 bytes.
	Name string
	// KeySize and ValueSize are the sizes of a key and a value in bytes
	// (ValueSize for one CPU in per-CPU maps).
	KeySize   uint32
	ValueSize uint32
	// MaxEntries is the map's capacity.
	MaxEntries uint32
	// Flags are the map's creation flags (BPF_F_*).
	Flags uint32
	// BTFID is the ID of the map's BTF object, 0 when it has none.
	BTFID uint32
	// MapExtra is the type-specific extra value (map_extra, kernel 5.16),
	// such as the number of hash functions of a bloom filter.
	MapExtra uint64
}

// mapInfo reads fd's struct bpf_map_info with bpf_map_get_info_by_fd.
func mapInfo(fd C.int) (MapInfo, error) {
	var info C.struct_bpf_map_info
	size := C.__u32(C.sizeof_struct_bpf_map_info)
	// info and size are Go memory without Go pointers, written only during
	// the call.
	if ret := C.bpf_map_get_info_by_fd(fd, &info, &size); ret < 0 {
		return MapInfo{}, fmt.Errorf("bpf_map_get_info_by_fd: %w", errnoErr(ret))
	}
	return MapInfo{
		Type:       MapType(info._type),
		ID:         uint32(info.id),
		Name:       C.GoString(&info.name[0]),
		KeySize:    uint32(info.key_size),
		ValueSize:  uint32(info.value_size),
		MaxEntries: uint32(info.max_entries),
		Flags:      uint32(info.map_flags),
		BTFID:      uint32(info.btf_id),
		MapExtra:   uint64(info.map_extra),
	}, nil
}

// newStandaloneMap wraps fd, a map descriptor the caller hands over, in a
// Map without an object; it closes fd when it fails.
func newStandaloneMap(fd C.int, what string) (*Map, error) {
	info, err := mapInfo(fd)
	if err != nil {
		unix.Close(int(fd))
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	m := &Map{
		// The private owner provides the lock; loaded lets the map
		// operations through.
		obj:        &Object{loaded: true, name: info.Name},
		fd:         fd,
		elemFD:     fd,
		name:       info.Name,
		mapType:    info.Type,
		keySize:    int(info.KeySize),
		valueSize:  int(info.ValueSize),
		maxEntries: info.MaxEntries,
	}
	if err := m.derive(); err != nil {
		unix.Close(int(fd))
		return nil, fmt.Errorf("%s: %w", what, err)
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
	fd, err := objGetPinned(path, "bpf-map")
	if err != nil {
		return nil, err
	}
	m, err := newStandaloneMap(fd, fmt.Sprintf("bpf_obj_get %q", path))
	if err != nil {
		return nil, err
	}
	m.pinPath, m.pinned = path, true
	return m, nil
}

// pinStandalone is Map.Pin for a map opened without an object: it pins
// the map's descriptor at path with bpf_obj_pin (BPF_OBJ_PIN, kernel 4.4),
// with bpf_map__pin's rules: "" means the pin path, a map keeps the one
// pin path it has, and pinning it there again does nothing. The caller
// holds the write lock.
func (m *Map) pinStandalone(path string) error {
	const fn = "bpf_obj_pin"
	switch {
	case path == "" && m.pinPath == "":
		return fmt.Errorf("map %s: %s: no pin path given or set: %w", m.name, fn, unix.EINVAL)
	case path != "" && m.pinPath != "" && path != m.pinPath:
		return fmt.Errorf("map %s: %s %q: the map's pin path is %q: %w", m.name, fn, path, m.pinPath, unix.EINVAL)
	case path == "":
		path = m.pinPath
	}
	if m.pinned {
		return nil
	}
	if err := checkPinPath(path); err != nil {
		return fmt.Errorf("map %s: %s: %w", m.name, fn, err)
	}
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory, read only during the call.
	if ret := C.bpf_obj_pin(m.fd, cPath); ret < 0 {
		return fmt.Errorf("map %s: %s %q: %w", m.name, fn, path, errnoErr(ret))
	}
	m.pinPath, m.pinned = path, true
	return nil
}

// unpinStandalone is Map.Unpin for a map opened without an object: it
// removes the pin at path ("" for the pin path) with unlink(2), as
// bpf_map__unpin does, after checking that path is on bpffs. As for a map
// of an object, the pin path stays set and IsPinned becomes false. The
// caller holds the write lock.
func (m *Map) unpinStandalone(path string) error {
	const fn = "unlink"
	switch {
	case path == "" && m.pinPath == "":
		return fmt.Errorf("map %s: %s: no pin path given or set: %w", m.name, fn, unix.EINVAL)
	case path != "" && m.pinPath != "" && path != m.pinPath:
		return fmt.Errorf("map %s: %s %q: the map's pin path is %q: %w", m.name, fn, path, m.pinPath, unix.EINVAL)
	case path == "":
		path = m.pinPath
	}
	if err := checkPinPath(path); err != nil {
		return fmt.Errorf("map %s: %s: %w", m.name, fn, err)
	}
	if err := unix.Unlink(path); err != nil {
		return fmt.Errorf("map %s: %s %q: %w", m.name, fn, path, err)
	}
	m.pinned = false
	return nil
}

// objGetPinned opens the BPF object pinned at path with bpf_obj_get and
// checks that it is of kind ("bpf-map", "bpf-prog"); a pin of another kind
// gives an error wrapping EINVAL. The caller owns the descriptor.
func objGetPinned(path, kind string) (C.int, error) {
	const fn = "bpf_obj_get"
	if err := checkPinPath(path); err != nil {
		return -1, fmt.Errorf("%s: %w", fn, err)
	}
	cPath := C.CString(path)
	defer freeCString(cPath)
	// cPath is C memory, read only during the call.
	fd := C.bpf_obj_get(cPath)
	if fd < 0 {
		return -1, fmt.Errorf("%s %q: %w", fn, path, pinnedErr(errnoErr(fd)))
	}
	if err := checkFDKind(int(fd), kind); err != nil {
		unix.Close(int(fd))
		return -1, fmt.Errorf("%s %q: %w", fn, path, err)
	}
	return fd, nil
}

// OpenMapID opens the map whose system-wide ID is id with
// bpf_map_get_fd_by_id (BPF_MAP_GET_FD_BY_ID, kernel 4.13, needs
// CAP_SYS_ADMIN), without any Object; the Map works as for OpenMapPinned
// and the caller must Close it. An ID no map has gives an error wrapping
// ENOENT.
func OpenMapID(id uint32) (*Map, error) {
	const fn = "bpf_map_get_fd_by_id"
	fd := C.bpf_map_get_fd_by_id(C.__u32(id))
	if fd < 0 {
		return nil, fmt.Errorf("%s %d: %w", fn, id, byIDErr(errnoErr(fd)))
	}
	return newStandaloneMap(fd, fmt.Sprintf("%s %d", fn, id))
}

// Close closes a map opened by OpenMapPinned or OpenMapID, after waiting
// for running operations on it; later calls to its methods return errors
// wrapping ErrClosed. The kernel frees the map once nothing else (a pin, a
// program, another descriptor) holds it. For a map of an Object, Close does
// nothing: Object.Close releases it. Close is idempotent and returns nil.
func (m *Map) Close() error {
	if m == nil || m.obj == nil || m.m != nil {
		return nil
	}
	m.obj.mu.Lock()
	defer m.obj.mu.Unlock()
	if m.fd >= 0 {
		m.obj.res.release()
		unix.Close(int(m.fd))
		m.fd = -1
		m.elemFD = -1
	}
	return nil
}

// Info returns what the kernel reports about the map, with
// bpf_map_get_info_by_fd (kernel 4.13). The object must be loaded.
func (m *Map) Info() (MapInfo, error) {
	const fn = "bpf_map_get_info_by_fd"
	if !m.lock() {
		return MapInfo{}, m.closed(fn)
	}
	defer m.obj.mu.RUnlock()
	fd := m.cFD()
	if !m.obj.loaded || fd < 0 {
		return MapInfo{}, m.notLoaded(fn)
	}
	info, err := mapInfo(fd)
	if err != nil {
		return MapInfo{}, fmt.Errorf("map %s: %w", m.name, err)
	}
	return info, nil
}

// ID returns the map's system-wide ID (from bpf_map_get_info_by_fd, kernel
// 4.13), or 0 before the map is created or once it is closed.
func (m *Map) ID() uint32 {
	info, err := m.Info()
	if err != nil {
		return 0
	}
	return info.ID
}
