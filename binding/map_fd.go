package libbpf

/*
#include "glue.h"
*/
import "C"

// The calls on a map's descriptor alone, which every Map makes the same
// way whether it belongs to an Object or was opened without one (see
// "Ownership of handles" in handle.go); the element and batch operations
// (map.go, map_syscall.go, map_batch.go) and Memory (map_mmap.go) are the
// others.

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

// mapInfo reads fd's struct bpf_map_info with bpf_map_get_info_by_fd; its
// failure is a *callError.
func mapInfo(fd C.int) (MapInfo, error) {
	var info C.struct_bpf_map_info
	size := C.__u32(C.sizeof_struct_bpf_map_info)
	// info and size are Go memory without Go pointers, written only during
	// the call.
	if ret := C.bpf_map_get_info_by_fd(fd, &info, &size); ret < 0 {
		return MapInfo{}, &callError{call: "bpf_map_get_info_by_fd", err: errnoErr(ret)}
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

// Freeze makes the map read-only for user space with bpf_map_freeze
// (BPF_MAP_FREEZE, kernel 5.2): later Update, Delete and batch writes
// through any file descriptor fail with an error wrapping EPERM, while BPF
// programs can still write to it (unless the map was created with
// BPF_F_RDONLY_PROG). Freezing cannot be undone: freezing again fails with
// EPERM or, on older kernels such as 6.1, EBUSY; the kernel also refuses
// to freeze with EBUSY while the map is memory-mapped for writing. The
// object must be loaded.
func (m *Map) Freeze() error {
	const op = "Map.Freeze"
	if err := m.begin(op); err != nil {
		return err
	}
	defer m.mu.RUnlock()
	if ret := C.bpf_map_freeze(m.fd); ret < 0 {
		return m.fail(op, "bpf_map_freeze", errnoErr(ret))
	}
	return nil
}

// Info returns what the kernel reports about the map, with
// bpf_map_get_info_by_fd (kernel 4.13). The object must be loaded.
func (m *Map) Info() (MapInfo, error) {
	const op = "Map.Info"
	if !m.lock() {
		return MapInfo{}, m.closed(op)
	}
	defer m.mu.RUnlock()
	fd, ok := m.loadedFD()
	if !ok {
		return MapInfo{}, m.notLoaded(op)
	}
	info, err := mapInfo(fd)
	if err != nil {
		return MapInfo{}, m.wrap(op, err)
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
