package libbpf

import (
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// PerCPUTypedMap gives typed access to a per-CPU map (BPF_MAP_TYPE_PERCPU_HASH,
// PERCPU_ARRAY, LRU_PERCPU_HASH, PERCPU_CGROUP_STORAGE), whose keys are K
// and whose every key holds one V per possible CPU. Values travel as []V
// indexed by CPU number, NumPossibleCPUs long; in the kernel's buffer each
// V takes a slot of ValueSize rounded up to 8 bytes, which the methods
// copy V to and from. The rules for K and V, concurrency and lifetime are
// those of TypedMap.
type PerCPUTypedMap[K, V any] struct {
	m *Map
	// cpus is NumPossibleCPUs and slot the size of one CPU's slot.
	cpus, slot int
	// bufs holds *perCPUBuf, the kernel's view of one key's values,
	// whose size is known only at run time.
	bufs sync.Pool
}

// perCPUBuf holds CPUs slots of one key's values as the kernel lays them
// out.
type perCPUBuf struct {
	values []byte
}

// NewPerCPUTypedMap returns typed access to m, a per-CPU map; a map of
// another type gives an error wrapping EINVAL (use NewTypedMap). K and V
// are checked as by NewTypedMap: fixed-size types without pointers whose
// sizes equal the key size and the value size of one CPU, K without
// implicit padding; otherwise the error wraps ErrInvalidSize. A nil or
// closed map gives an error wrapping ErrClosed.
func NewPerCPUTypedMap[K, V any](m *Map) (*PerCPUTypedMap[K, V], error) {
	const op = "NewPerCPUTypedMap"
	if !m.lock() {
		return nil, m.closed(op)
	}
	keySize, valueSize, bufSize, mapType, subject := m.keySize, m.valueSize, m.valueBufSize, m.mapType, m.subject()
	m.mu.RUnlock()
	if !mapType.perCPU() {
		return nil, opError(op, subject, "", fmt.Errorf("%s is not a per-CPU map type (use NewTypedMap): %w", mapType, unix.EINVAL))
	}
	if err := checkFixedType[K]("key", keySize, true); err != nil {
		return nil, opError(op, subject, "", err)
	}
	if err := checkFixedType[V]("value", valueSize, false); err != nil {
		return nil, opError(op, subject, "", err)
	}
	slot := (valueSize + 7) &^ 7
	return &PerCPUTypedMap[K, V]{m: m, cpus: bufSize / slot, slot: slot}, nil
}

// Map returns the underlying map, or nil for a nil PerCPUTypedMap.
func (t *PerCPUTypedMap[K, V]) Map() *Map {
	if t == nil {
		return nil
	}
	return t.m
}

// CPUs returns the number of values per key, NumPossibleCPUs, or 0 for a
// nil PerCPUTypedMap.
func (t *PerCPUTypedMap[K, V]) CPUs() int {
	if t == nil {
		return 0
	}
	return t.cpus
}

// buf returns a buffer from the pool; the caller puts it back.
func (t *PerCPUTypedMap[K, V]) buf() *perCPUBuf {
	if b, ok := t.bufs.Get().(*perCPUBuf); ok {
		return b
	}
	return &perCPUBuf{values: make([]byte, t.cpus*t.slot)}
}

// Lookup returns the values each CPU holds under k, indexed by CPU number,
// with Map.Lookup (bpf_map__lookup_elem). It allocates the returned slice.
// A missing key gives an error wrapping ENOENT (and so os.ErrNotExist).
func (t *PerCPUTypedMap[K, V]) Lookup(k K) ([]V, error) {
	const op = "PerCPUTypedMap.Lookup"
	if t == nil {
		return nil, opError(op, "map", "", ErrClosed)
	}
	b := t.buf()
	defer t.bufs.Put(b)
	if err := t.m.lookup(op, bytesOf(&k), b.values); err != nil {
		return nil, err
	}
	return t.decode(b.values), nil
}

// decode copies each CPU's slot of buf into a new []V.
func (t *PerCPUTypedMap[K, V]) decode(buf []byte) []V {
	values := make([]V, t.cpus)
	for i := range values {
		copy(bytesOf(&values[i]), buf[i*t.slot:])
	}
	return values
}

// Update stores values under k, values[i] for CPU i, with Map.Update
// (bpf_map__update_elem); flags are as for Map.Update. values must hold
// CPUs values, else the error wraps ErrInvalidSize.
func (t *PerCPUTypedMap[K, V]) Update(k K, values []V, flags MapUpdateFlags) error {
	const op = "PerCPUTypedMap.Update"
	if t == nil {
		return opError(op, "map", "", ErrClosed)
	}
	if len(values) != t.cpus {
		return t.m.wrap(op, fmt.Errorf("%d values for %d possible CPUs: %w", len(values), t.cpus, ErrInvalidSize))
	}
	b := t.buf()
	defer t.bufs.Put(b)
	for i := range values {
		// Each slot's bytes past the V are padding, sent as they are.
		copy(b.values[i*t.slot:], bytesOf(&values[i]))
	}
	return t.m.update(op, bytesOf(&k), b.values, flags)
}

// Delete removes the element stored under k with Map.Delete
// (bpf_map__delete_elem). A missing key gives an error wrapping ENOENT;
// per-CPU arrays cannot delete and fail with EINVAL.
func (t *PerCPUTypedMap[K, V]) Delete(k K) error {
	const op = "PerCPUTypedMap.Delete"
	if t == nil {
		return opError(op, "map", "", ErrClosed)
	}
	return t.m.delete(op, bytesOf(&k))
}

// Iterate returns an iterator over the map's entries, yielding each key
// with a fresh []V of its per-CPU values; see TypedMapIterator. The walks
// of a nil PerCPUTypedMap end at once, with Err wrapping ErrClosed.
func (t *PerCPUTypedMap[K, V]) Iterate() *TypedMapIterator[K, []V] {
	return &TypedMapIterator[K, []V]{it: t.Map().Iterate(), value: t.decode}
}
