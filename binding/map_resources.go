package libbpf

import (
	"sync"

	"golang.org/x/sys/unix"
)

// mapResources are what the binding itself holds for an Object's maps, on
// top of libbpf: the memory mappings Map.Memory makes, and the duplicated
// inner map descriptors Map.SetInnerMap hands to libbpf, which libbpf
// keeps using until Load but never closes. They are released when the
// Object is closed (Object.Close, or Map.Close for a map opened without an
// object).
type mapResources struct {
	mu sync.Mutex
	// mmaps holds each map's mapping.
	mmaps map[*Map]mapping
	// innerFDs holds the descriptor given to bpf_map__set_inner_map_fd
	// for each outer map.
	innerFDs map[*Map]int
}

// mapping is one memory mapping of a map made by Map.Memory.
type mapping struct {
	// whole is the mapping as unix.Mmap returned it, whole pages, which
	// unix.Munmap needs back.
	whole []byte
	// values is the part Memory hands out: MaxEntries values.
	values []byte
}

// release unmaps the memory and closes the descriptors. The caller holds
// the object's write lock, so no method that could hand them out is
// running.
func (r *mapResources) release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for m, mem := range r.mmaps {
		// mem.whole came from unix.Mmap; slices a caller still holds are
		// invalid from here on (see Map.Memory).
		unix.Munmap(mem.whole)
		delete(r.mmaps, m)
	}
	for m, fd := range r.innerFDs {
		unix.Close(fd)
		delete(r.innerFDs, m)
	}
}
