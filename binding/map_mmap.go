package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Memory returns the values of a memory-mapped array map as memory that Go
// reads and writes directly, without a system call: an array created with
// BPF_F_MMAPABLE (kernel 5.5), which includes the internal maps of global
// variables (.bss, .data and custom .data.* sections) on kernels that can
// map them. Loads and stores through the slice are seen by BPF programs
// and vice versa; they are plain memory accesses, not atomic with respect
// to the programs (use sync/atomic on aligned words where that matters).
//
// The binding maps the map's descriptor itself (mmap, MAP_SHARED, read and
// write) the first time Memory is called; later calls return the same
// memory. The slice is MaxEntries values, each ValueSize rounded up to 8
// bytes (the kernel's slot size), so value i starts at byte
// i*((ValueSize+7)&^7); for an internal map, value 0 is the section, and a
// variable lives at its BTF offset. libbpf's own mapping of internal maps
// (bpf_map__initial_value) is not used: it is the live map only for maps
// libbpf created and filled itself, while for a map reused through
// ReuseFD or a pin it stays libbpf's private initial image.
//
// The object must be loaded (before Load the error wraps EBADF; use
// Object.SetGlobal to set initial values). Maps opened by OpenMapID or
// OpenMapPinned work too. A map that is not an array, or an array created
// without BPF_F_MMAPABLE (as libbpf creates global data on kernels before
// 5.5), gives an error wrapping EINVAL. Read-only maps give an error
// wrapping EPERM instead of memory: .rodata and .kconfig, which libbpf
// freezes at Load, and any map frozen with Map.Freeze, which the kernel
// refuses to map writable. The binding does not fall back to a read-only
// mapping: Go has no read-only slice, and a store into a read-only mapping
// kills the process with a fault that recover cannot catch. Read those
// maps with Object.Global or Map.Lookup. While the writable mapping
// exists, the kernel refuses Map.Freeze with EBUSY.
//
// Lifetime: the slice is valid until the map's Object is closed
// (Object.Close), or for a map opened without an object until Map.Close;
// closing unmaps it. The binding cannot track a slice once it is returned:
// the caller must stop every use of it, and of slices derived from it,
// before closing, and must not close while another goroutine may still use
// it. A read or write through the slice after that is a use after free: it
// faults (a fatal error that recover cannot catch) or, if the address was
// mapped again in between, touches unrelated memory.
func (m *Map) Memory() ([]byte, error) {
	const op = "Map.Memory"
	if err := m.begin(op); err != nil {
		return nil, err
	}
	defer m.mu.RUnlock()
	if m.mapType != MapTypeArray {
		return nil, m.fail(op, "", fmt.Errorf("map type %s cannot be memory-mapped, only BPF_F_MMAPABLE arrays: %w", m.mapType, unix.EINVAL))
	}
	fd := m.fd
	if fd < 0 {
		return nil, m.fail(op, "", fmt.Errorf("map was not created: %w", unix.EBADF))
	}
	mem, err := m.res.mmap(m, fd)
	if err != nil {
		return nil, m.wrap(op, err)
	}
	return mem, nil
}

// mmap returns m's mapping, mapping fd the first time: the values of a
// BPF_F_MMAPABLE array, read and write. The caller holds the object's read
// lock.
func (r *mapResources) mmap(m *Map, fd C.int) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if mem, ok := r.mmaps[m]; ok {
		return mem.values, nil
	}
	info, err := mapInfo(fd)
	if err != nil {
		return nil, err
	}
	if info.Flags&C.BPF_F_MMAPABLE == 0 {
		return nil, fmt.Errorf("array was not created with BPF_F_MMAPABLE (global data has it from kernel 5.5): %w", unix.EINVAL)
	}
	size := int(info.ValueSize+7) &^ 7 * int(info.MaxEntries)
	page := os.Getpagesize()
	mem, err := unix.Mmap(int(fd), 0, (size+page-1)/page*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		if err == unix.EPERM {
			return nil, &callError{call: "mmap", err: fmt.Errorf("the kernel refuses a writable mapping of a frozen or read-only map (.rodata and .kconfig are frozen at Load): %w", err)}
		}
		return nil, &callError{call: "mmap", err: err}
	}
	if r.mmaps == nil {
		r.mmaps = make(map[*Map]mapping)
	}
	r.mmaps[m] = mapping{whole: mem, values: mem[:size]}
	return mem[:size], nil
}
