package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// SetValueSize sets the size of the map's values in bytes with
// bpf_map__set_value_size, before Object.Load (afterwards libbpf refuses
// with EBUSY). For an internal map of global variables (.data, .bss, ...),
// which must be an array, libbpf also resizes its memory and the section's
// BTF, so that the last variable of the section, such as an array, grows
// or shrinks with it. ValueSize and ValueBufferSize report the new size at
// once. The kernel checks the size when Load creates the map (a value the
// map type refuses fails Load); when it does not match the value type the
// map's BTF declares, libbpf creates the map without BTF. SetValueSize
// waits for other users of the object.
func (m *Map) SetValueSize(n uint32) error {
	const op = "Map.SetValueSize"
	// The cached sizes and, for internal maps, libbpf's memory-mapped
	// copy of the globals change.
	if err := m.writeLibbpf(op); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if ret := C.bpf_map__set_value_size(m.m, C.__u32(n)); ret < 0 {
		return m.fail(op, fmt.Sprintf("bpf_map__set_value_size %d", n), errnoErr(ret))
	}
	return m.wrap(op, m.refresh())
}

// setBeforeLoad runs call, one of libbpf's bpf_map__set_* functions that
// only work before the map is created, under the object's write lock
// (libbpf's getters read the same fields), and refreshes the cached name,
// type and sizes when refresh is set. libbpf answers EBUSY once the map
// exists.
func (m *Map) setBeforeLoad(op, fn string, arg any, refresh bool, call func() C.int) error {
	if err := m.writeLibbpf(op); err != nil {
		return err
	}
	defer m.mu.Unlock()
	// m.m is valid under the write lock.
	if ret := call(); ret < 0 {
		return m.fail(op, fmt.Sprintf("%s %v", fn, arg), errnoErr(ret))
	}
	if refresh {
		return m.wrap(op, m.refresh())
	}
	return nil
}

// mapGetter returns get() under the object's read lock, or zero for a
// closed map or one opened without an object.
func mapGetter[T any](m *Map, get func() T) T {
	var zero T
	if m.lockLibbpf("") != nil {
		return zero
	}
	defer m.mu.RUnlock()
	// m.m is valid under the read lock.
	return get()
}

// SetAutocreate decides, before Object.Load, whether Load creates the map
// (bpf_map__set_autocreate; libbpf 1.1): with false, the map is skipped,
// and so are its pins (PinMaps); a program that uses it must not be
// loaded either (SetAutoload(false)), or Load fails for that program. After
// Load, FD returns libbpf's placeholder descriptor for such a map, which is
// no map: Info and the element operations fail. The default is true.
// Afterwards libbpf refuses with EBUSY.
func (m *Map) SetAutocreate(autocreate bool) error {
	return m.setBeforeLoad("Map.SetAutocreate", "bpf_map__set_autocreate", autocreate, false, func() C.int {
		return C.bpf_map__set_autocreate(m.m, C.bool(autocreate))
	})
}

// Autocreate reports whether Load creates the map (bpf_map__autocreate);
// false once closed or for a map opened without an object.
func (m *Map) Autocreate() bool {
	return mapGetter(m, func() bool { return bool(C.bpf_map__autocreate(m.m)) })
}

// SetInitialValue replaces, before Object.Load, the whole initial contents
// of an internal map of global variables (.data, .rodata, .bss, custom
// .data.* sections) or of an arena, with bpf_map__set_initial_value: data
// must be exactly ValueSize bytes (else ErrInvalidSize, checked in Go) and
// is copied. Global reads the new contents at once. Other maps, and the
// .kconfig map, fail with EINVAL; after Load libbpf refuses with EBUSY.
// SetInitialValue waits for other users of the object.
func (m *Map) SetInitialValue(data []byte) error {
	const op, fn = "Map.SetInitialValue", "bpf_map__set_initial_value"
	if err := m.writeLibbpf(op); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if m.mapType != MapTypeArena && len(data) != m.valueSize {
		return m.fail(op, "", fmt.Errorf("data is %d bytes, want %d: %w", len(data), m.valueSize, ErrInvalidSize))
	}
	if len(data) == 0 {
		return m.fail(op, "", fmt.Errorf("empty data: %w", ErrInvalidSize))
	}
	// libbpf copies len(data) bytes of Go memory (no Go pointers in it)
	// during the call.
	if ret := C.bpf_map__set_initial_value(m.m, unsafe.Pointer(&data[0]), C.size_t(len(data))); ret < 0 {
		return m.fail(op, fn, errnoErr(ret))
	}
	return nil
}

// SetType changes, before Object.Load, the type of the map libbpf will
// create (bpf_map__set_type); Type reports it at once. The kernel checks
// the combination of type, sizes and flags at Load. Afterwards libbpf
// refuses with EBUSY. SetType waits for other users of the object.
func (m *Map) SetType(t MapType) error {
	return m.setBeforeLoad("Map.SetType", "bpf_map__set_type", t, true, func() C.int {
		return C.bpf_map__set_type(m.m, C.enum_bpf_map_type(t))
	})
}

// SetKeySize changes, before Object.Load, the key size in bytes of the map
// (bpf_map__set_key_size); KeySize reports it at once, and the element
// operations check keys against it. When it no longer matches the key type
// of the map's BTF, libbpf creates the map without BTF. The kernel checks
// the size at Load (0 is valid only for the types without keys, such as
// bloom filters and queues). Afterwards libbpf refuses with EBUSY.
func (m *Map) SetKeySize(n uint32) error {
	return m.setBeforeLoad("Map.SetKeySize", "bpf_map__set_key_size", n, true, func() C.int {
		return C.bpf_map__set_key_size(m.m, C.__u32(n))
	})
}

// MapFlags returns the map's creation flags (bpf_map__map_flags): the
// BPF_F_* values declared in the object or set by SetMapFlags; 0 once
// closed or for a map opened without an object (see Info for those).
func (m *Map) MapFlags() uint32 {
	return mapGetter(m, func() uint32 { return uint32(C.bpf_map__map_flags(m.m)) })
}

// SetMapFlags replaces, before Object.Load, the map's creation flags
// (bpf_map__set_map_flags), such as BPF_F_NO_PREALLOC or BPF_F_RDONLY_PROG
// (the values of linux/bpf.h). The kernel checks them at Load: a flag the
// map type does not take fails Load with EINVAL. Afterwards libbpf refuses
// with EBUSY.
func (m *Map) SetMapFlags(flags uint32) error {
	return m.setBeforeLoad("Map.SetMapFlags", "bpf_map__set_map_flags", fmt.Sprintf("%#x", flags), false, func() C.int {
		return C.bpf_map__set_map_flags(m.m, C.__u32(flags))
	})
}

// NumaNode returns the NUMA node set by SetNumaNode (bpf_map__numa_node), 0
// by default; 0 once closed or for a map opened without an object.
func (m *Map) NumaNode() uint32 {
	return mapGetter(m, func() uint32 { return uint32(C.bpf_map__numa_node(m.m)) })
}

// SetNumaNode sets, before Object.Load, the NUMA node the map's memory
// should come from (bpf_map__set_numa_node, kernel 4.14). libbpf passes the
// node to BPF_MAP_CREATE as it is, but the kernel uses it only when the
// map's flags include BPF_F_NUMA_NODE (1 << 2; see SetMapFlags), and
// ignores it otherwise. With that flag, a node that does not exist or is
// offline fails Load with EINVAL. Afterwards libbpf refuses with EBUSY.
func (m *Map) SetNumaNode(node uint32) error {
	return m.setBeforeLoad("Map.SetNumaNode", "bpf_map__set_numa_node", node, false, func() C.int {
		return C.bpf_map__set_numa_node(m.m, C.__u32(node))
	})
}

// MapExtra returns the map's type-specific extra value (bpf_map__map_extra,
// "map_extra" in the object's map definition); 0 once closed or for a map
// opened without an object (Info reports it for those).
func (m *Map) MapExtra() uint64 {
	return mapGetter(m, func() uint64 { return uint64(C.bpf_map__map_extra(m.m)) })
}

// SetMapExtra sets, before Object.Load, the map's type-specific extra value
// (bpf_map__set_map_extra, kernel 5.16): for a bloom filter the low 4 bits
// are the number of hash functions (0 means 5), for an arena the address
// of its user space mapping. Types that take none fail Load with EINVAL
// when it is not 0. Afterwards libbpf refuses with EBUSY.
func (m *Map) SetMapExtra(extra uint64) error {
	return m.setBeforeLoad("Map.SetMapExtra", "bpf_map__set_map_extra", extra, false, func() C.int {
		return C.bpf_map__set_map_extra(m.m, C.__u64(extra))
	})
}

// IsInternal reports whether libbpf made the map from a section of global
// variables or externs (.data, .rodata, .bss, .data.*, .kconfig, ...),
// rather than from a declaration in SEC(".maps") (bpf_map__is_internal).
// false once closed or for a map opened without an object.
func (m *Map) IsInternal() bool {
	return mapGetter(m, func() bool { return bool(C.bpf_map__is_internal(m.m)) })
}

// BTFKeyTypeID and BTFValueTypeID return the IDs, in the object's BTF
// (Object.BTF), of the map's key and value types
// (bpf_map__btf_key_type_id, bpf_map__btf_value_type_id); 0 when the map
// has no BTF type for them (a key of an internal map, a map declared
// without __type), once closed, or for a map opened without an object.
// libbpf fills them at open; Load may drop the map's BTF (see
// SetKeySize), but not these IDs.
func (m *Map) BTFKeyTypeID() uint32 {
	return mapGetter(m, func() uint32 { return uint32(C.bpf_map__btf_key_type_id(m.m)) })
}

// BTFValueTypeID returns the ID of the map's value type; see BTFKeyTypeID.
func (m *Map) BTFValueTypeID() uint32 {
	return mapGetter(m, func() uint32 { return uint32(C.bpf_map__btf_value_type_id(m.m)) })
}

// SetExclusiveProgram makes the map, before Object.Load, exclusive to p, a
// program of the same object (bpf_map__set_exclusive_program; libbpf 1.7,
// kernel 6.18): libbpf creates the map with the hash of p's instructions
// (excl_prog_hash), and the kernel then refuses any other program that
// uses the map, failing its load (EACCES in the verifier log, a
// *VerifierError). Kernels without exclusive maps fail Load when the map
// is created. A program of another object, or a call after the map was
// created, fails with EINVAL. Both the map and p wait for other users of
// the object.
func (m *Map) SetExclusiveProgram(p *Program) error {
	const op, fn = "Map.SetExclusiveProgram", "bpf_map__set_exclusive_program"
	if !m.lock() {
		return m.closed(op)
	}
	m.mu.RUnlock()
	if p == nil || m.obj == nil || p.obj != m.obj {
		name := "<nil>"
		if p != nil {
			name = p.name
		}
		return m.wrap(op, fmt.Errorf("program %s does not belong to the map's object: %w", name, unix.EINVAL))
	}
	return m.setBeforeLoad(op, fn, p.name, false, func() C.int {
		if p.prog == nil {
			return -C.int(unix.EINVAL)
		}
		return C.bpf_map__set_exclusive_program(m.m, p.prog)
	})
}

// ExclusiveProgram returns the program set by SetExclusiveProgram
// (bpf_map__exclusive_program), or nil when there is none, once closed, or
// for a map opened without an object.
func (m *Map) ExclusiveProgram() *Program {
	return mapGetter(m, func() *Program {
		prog := C.bpf_map__exclusive_program(m.m)
		for _, p := range m.obj.progs {
			if p.prog == prog && prog != nil {
				return p
			}
		}
		return nil
	})
}
