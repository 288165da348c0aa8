package libbpf

import (
	"encoding/binary"
	"fmt"
	"iter"
	"reflect"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TypedMap gives typed access to a map whose keys are K and values V,
// fixed-size Go types laid out as the BPF program's C types, such as
// uint32, [16]byte or a struct of sized integers. NewTypedMap checks the
// types once; Lookup, Update and Delete then hand the memory of their K
// and V, in the machine's byte order, to Map.Lookup, Map.Update and
// Map.Delete as byte slices, without copying it, and do not allocate when
// they succeed.
//
// A TypedMap is safe for concurrent use. It adds no lifetime of its own:
// once the map's Object (or, for a map opened without an object, the Map)
// is closed, its methods return errors wrapping ErrClosed, as they do on a
// nil TypedMap.
type TypedMap[K, V any] struct {
	m *Map
}

// NewTypedMap returns typed access to m. K and V must be fixed-size types
// without pointers, as encoding/binary.Size accepts them: bool, sized
// integers and floats, arrays and structs of them (not int, uint, uintptr,
// strings, slices, maps or pointers). Their memory sizes must equal the
// map's key size and value size (bpf_map__key_size, bpf_map__value_size),
// and K must not have implicit padding, whose bytes Go leaves undefined
// while hash maps compare keys byte for byte: spell padding out as blank
// fields (_ [4]byte). Otherwise the error wraps ErrInvalidSize.
//
// Per-CPU maps are refused with an error wrapping EINVAL: their values are
// one slot per possible CPU, which one V cannot hold; use
// NewPerCPUTypedMap. A nil or closed map gives an error wrapping
// ErrClosed. NewTypedMap works before Load (the checks use the declared
// sizes); the methods need the object loaded.
func NewTypedMap[K, V any](m *Map) (*TypedMap[K, V], error) {
	const op = "NewTypedMap"
	if !m.lock() {
		return nil, m.closed(op)
	}
	keySize, valueSize, mapType, subject := m.keySize, m.valueSize, m.mapType, m.subject()
	m.mu.RUnlock()
	if mapType.perCPU() {
		return nil, opError(op, subject, "", fmt.Errorf("%s values are one slot per possible CPU, not one V (use NewPerCPUTypedMap): %w", mapType, unix.EINVAL))
	}
	if err := checkFixedType[K]("key", keySize, true); err != nil {
		return nil, opError(op, subject, "", err)
	}
	if err := checkFixedType[V]("value", valueSize, false); err != nil {
		return nil, opError(op, subject, "", err)
	}
	return &TypedMap[K, V]{m: m}, nil
}

// checkFixedType checks that T is a fixed-size type without pointers of
// size bytes, without implicit padding when noPadding is set.
func checkFixedType[T any](what string, size int, noPadding bool) error {
	var zero T
	typ := reflect.TypeFor[T]()
	packed := binary.Size(zero)
	if packed < 0 {
		return fmt.Errorf("%s type %s is not a fixed-size type without pointers: %w", what, typ, ErrInvalidSize)
	}
	mem := int(unsafe.Sizeof(zero))
	if mem != size {
		return fmt.Errorf("%s type %s is %d bytes, want %d: %w", what, typ, mem, size, ErrInvalidSize)
	}
	if noPadding && packed != mem {
		return fmt.Errorf("%s type %s has %d bytes of implicit padding: %w", what, typ, mem-packed, ErrInvalidSize)
	}
	return nil
}

// Map returns the underlying map, or nil for a nil TypedMap.
func (t *TypedMap[K, V]) Map() *Map {
	if t == nil {
		return nil
	}
	return t.m
}

// bytesOf returns the memory of *p as bytes.
func bytesOf[T any](p *T) []byte {
	// p points to a T, which the constructors checked holds no pointers;
	// the slice covers exactly its memory and does not outlive the
	// caller's use of *p. Map's element operations do not let the slice
	// escape (they pass it to bpf(2) from Go, see map_syscall.go), so a
	// T on the caller's stack stays there: TestTypedMapDoesNotAllocate
	// checks it.
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), unsafe.Sizeof(*p))
}

// Lookup returns the value stored under k, with Map.Lookup
// (bpf_map__lookup_elem). A missing key gives an error wrapping ENOENT
// (and so os.ErrNotExist).
func (t *TypedMap[K, V]) Lookup(k K) (V, error) {
	const op = "TypedMap.Lookup"
	if t == nil {
		var zero V
		return zero, opError(op, "map", "", ErrClosed)
	}
	var v V
	if err := t.m.lookup(op, bytesOf(&k), bytesOf(&v)); err != nil {
		var zero V
		return zero, err
	}
	return v, nil
}

// Update stores v under k with Map.Update (bpf_map__update_elem); flags
// are as for Map.Update.
func (t *TypedMap[K, V]) Update(k K, v V, flags MapUpdateFlags) error {
	const op = "TypedMap.Update"
	if t == nil {
		return opError(op, "map", "", ErrClosed)
	}
	return t.m.update(op, bytesOf(&k), bytesOf(&v), flags)
}

// Delete removes the element stored under k with Map.Delete
// (bpf_map__delete_elem). A missing key gives an error wrapping ENOENT;
// array maps cannot delete and fail with EINVAL.
func (t *TypedMap[K, V]) Delete(k K) error {
	const op = "TypedMap.Delete"
	if t == nil {
		return opError(op, "map", "", ErrClosed)
	}
	return t.m.delete(op, bytesOf(&k))
}

// Iterate returns an iterator over the map's entries as K and V; see
// TypedMapIterator. The walks of a nil TypedMap end at once, with Err
// wrapping ErrClosed.
func (t *TypedMap[K, V]) Iterate() *TypedMapIterator[K, V] {
	return &TypedMapIterator[K, V]{it: t.Map().Iterate(), value: func(value []byte) V {
		var v V
		// The walk's value buffer is ValueBufferSize bytes, which
		// NewTypedMap checked is the size of V.
		copy(bytesOf(&v), value)
		return v
	}}
}

// TypedMapIterator walks a TypedMap (or, with V a slice, a PerCPUTypedMap)
// with a MapIterator, which it follows
// for its guarantees and concurrency rules, yielding copies of each key
// and value as K and V:
//
//	it := tm.Iterate()
//	for k, v := range it.All() {
//		...
//	}
//	if err := it.Err(); err != nil {
//		...
//	}
type TypedMapIterator[K, V any] struct {
	it *MapIterator
	// value converts the walk's value buffer to a V the caller may keep.
	value func([]byte) V
}

// All returns a fresh walk over the map's entries each time it is called;
// see MapIterator.All. Unlike there, the key and value are copies the loop
// body may keep.
func (it *TypedMapIterator[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		for key, value := range it.it.All() {
			var k K
			// The walk's key buffer is KeySize bytes, which the
			// constructor checked is the size of K.
			copy(bytesOf(&k), key)
			if !yield(k, it.value(value)) {
				return
			}
		}
	}
}

// Err returns the error that ended the last walk of All, as
// MapIterator.Err does.
func (it *TypedMapIterator[K, V]) Err() error {
	return it.it.Err()
}
