package libbpf

/*
#include "glue.h"
*/
import "C"

import "fmt"

// Freeze makes the map read-only for user space with bpf_map_freeze
// (BPF_MAP_FREEZE, kernel 5.2): later Update, Delete and batch writes
// through any file descriptor fail with an error wrapping EPERM, while BPF
// programs can still write to it (unless the map was created with
// BPF_F_RDONLY_PROG). Freezing cannot be undone: freezing again fails with
// EPERM or, on older kernels such as 6.1, EBUSY; the kernel also refuses
// to freeze with EBUSY while the map is memory-mapped for writing. The
// object must be loaded.
func (m *Map) Freeze() error {
	const fn = "bpf_map_freeze"
	if err := m.begin(fn); err != nil {
		return err
	}
	defer m.obj.mu.RUnlock()
	if ret := C.bpf_map_freeze(m.cFD()); ret < 0 {
		return m.opError(fn, ret)
	}
	return nil
}

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
	const fn = "bpf_map__set_value_size"
	if m == nil || m.obj == nil {
		return closedError(fn)
	}
	// The cached sizes and, for internal maps, libbpf's memory-mapped
	// copy of the globals change.
	m.obj.mu.Lock()
	defer m.obj.mu.Unlock()
	if !m.open() {
		return m.closed(fn)
	}
	if m.m == nil {
		return m.noObject(fn)
	}
	if ret := C.bpf_map__set_value_size(m.m, C.__u32(n)); ret < 0 {
		return fmt.Errorf("map %s: %s %d: %w", m.name, fn, n, errnoErr(ret))
	}
	return m.refresh()
}
