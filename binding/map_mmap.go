package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"os"
	"unsafe"

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
// For an internal map, the slice is libbpf's own mapping of the map
// (bpf_map__initial_value after Load), ValueSize bytes long and laid out
// as the section, so a variable lives at its BTF offset. For any other
// BPF_F_MMAPABLE array, including a Map opened by OpenMapID or
// OpenMapPinned, the binding maps the map's descriptor itself the first
// time Memory is called (later calls return the same memory); the slice
// is MaxEntries values, each ValueSize rounded up to 8 bytes, so value i
// starts at byte i*((ValueSize+7)&^7).
//
// The object must be loaded (before Load the error wraps EBADF; use
// Object.SetGlobal to set initial values). A map that is not an array,
// or an array created without BPF_F_MMAPABLE, gives an error wrapping
// EINVAL; an internal map libbpf could not map (kernels before 5.5) gives
// one wrapping ENOTSUP. Read-only maps give an error wrapping EPERM
// instead of memory: .rodata and .kconfig, which libbpf freezes at Load
// and maps read-only (BPF_F_RDONLY_PROG), and frozen arrays (Map.Freeze),
// which the kernel refuses to map writable. Go has no read-only slice, and
// a store into a read-only mapping kills the process with a fault that
// recover cannot catch, so the binding refuses rather than returning such
// a slice; read those maps with Object.Global or Map.Lookup.
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
	const fn = "map memory"
	if err := m.begin(fn); err != nil {
		return nil, err
	}
	defer m.obj.mu.RUnlock()
	if m.mapType != MapTypeArray {
		return nil, fmt.Errorf("map %s: %s: map type %s cannot be memory-mapped, only BPF_F_MMAPABLE arrays: %w", m.name, fn, m.mapType, unix.EINVAL)
	}
	fd := m.cFD()
	if fd < 0 {
		return nil, fmt.Errorf("map %s: %s: map was not created: %w", m.name, fn, unix.EBADF)
	}
	// m.m is valid under the read lock.
	if m.m != nil && C.bpf_map__is_internal(m.m) {
		return m.internalMemory(fn)
	}
	return m.obj.res.mmap(m, fd, fn)
}

// internalMemory returns libbpf's mapping of an internal map after Load.
// The caller holds the object's read lock and has checked that the map is
// an internal one.
func (m *Map) internalMemory(fn string) ([]byte, error) {
	if C.bpf_map__map_flags(m.m)&C.BPF_F_RDONLY_PROG != 0 {
		return nil, fmt.Errorf("map %s: %s: read-only section, frozen and mapped read-only at Load: %w", m.name, fn, unix.EPERM)
	}
	var size C.size_t
	// size is a Go variable written only during the call.
	base := C.bpf_map__initial_value(m.m, &size)
	if base == nil || size == 0 {
		return nil, fmt.Errorf("map %s: %s: libbpf did not memory-map the section (kernel 5.5 maps global data): %w", m.name, fn, unix.ENOTSUP)
	}
	// After Load, libbpf has remapped base onto the kernel map (MAP_FIXED
	// over its initial image, same address) and keeps it mapped until
	// bpf_object__close, which waits for the object's write lock; see
	// Memory for the caller's side of that lifetime.
	return unsafe.Slice((*byte)(base), int(size)), nil
}

// mmap returns m's mapping, mapping fd the first time: the values of a
// BPF_F_MMAPABLE array, read and write. The caller holds the object's read
// lock.
func (r *mapResources) mmap(m *Map, fd C.int, fn string) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if mem, ok := r.mmaps[m]; ok {
		return mem.values, nil
	}
	info, err := mapInfo(fd)
	if err != nil {
		return nil, fmt.Errorf("map %s: %s: %w", m.name, fn, err)
	}
	if info.Flags&C.BPF_F_MMAPABLE == 0 {
		return nil, fmt.Errorf("map %s: %s: array was not created with BPF_F_MMAPABLE: %w", m.name, fn, unix.EINVAL)
	}
	size := int(info.ValueSize+7) &^ 7 * int(info.MaxEntries)
	page := os.Getpagesize()
	mem, err := unix.Mmap(int(fd), 0, (size+page-1)/page*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		if err == unix.EPERM {
			return nil, fmt.Errorf("map %s: %s: mmap: the kernel refuses a writable mapping of a frozen or read-only map: %w", m.name, fn, err)
		}
		return nil, fmt.Errorf("map %s: %s: mmap: %w", m.name, fn, err)
	}
	if r.mmaps == nil {
		r.mmaps = make(map[*Map]mapping)
	}
	r.mmaps[m] = mapping{whole: mem, values: mem[:size]}
	return mem[:size], nil
}
