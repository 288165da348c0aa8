package libbpf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrIterationAborted is wrapped by MapIterator.Err when a walk gave up
// because concurrent deletions kept sending it back to keys it had already
// yielded (see MapIterator).
var ErrIterationAborted = errors.New("libbpf: map iteration aborted")

// MapIterator walks the entries of a map with NextKey and Lookup
// (bpf_map__get_next_key and bpf_map__lookup_elem, BPF_MAP_GET_NEXT_KEY,
// kernel 4.12 for a NULL first key). Get one from Map.Iterate, range over
// All, then check Err:
//
//	it := m.Iterate()
//	for key, value := range it.All() {
//		...
//	}
//	if err := it.Err(); err != nil {
//		...
//	}
//
// The key and value slices passed to the loop body are buffers the walk
// reuses: they are valid only until the next iteration step, so copy them
// (bytes.Clone) to keep them. Values are ValueBufferSize bytes, one slot
// per possible CPU for per-CPU maps.
//
// The walk fetches the key that follows the current one before yielding
// the current one, so the loop body may delete the key it is given (or any
// key already yielded) without disturbing the walk. Within one walk:
//   - each key is yielded at most once;
//   - each key present in the map for the whole walk is yielded, unless the
//     walk ends early with an error;
//   - keys added or deleted by others during the walk may or may not be
//     yielded; a key deleted between being found and being looked up is
//     skipped.
//
// When a key is deleted by someone else just as the walk is about to
// continue from it, the kernel restarts hash maps at their first key, so
// the walk goes over keys it already yielded (without yielding them again).
// To always end, a walk stops with an error wrapping ErrIterationAborted
// once such revisited steps outnumber MaxEntries plus the keys yielded so
// far; an undisturbed walk never revisits a key.
//
// A MapIterator is not safe for concurrent use, but the map is: the loop
// body may call any method of the map or its object, even Object.Close
// (the walk then ends with an error wrapping ErrClosed).
type MapIterator struct {
	m   *Map
	err error
}

// Iterate returns an iterator over the entries of the map; see MapIterator.
// A nil or closed map gives an iterator whose walks end at once, with Err
// wrapping ErrClosed.
func (m *Map) Iterate() *MapIterator {
	return &MapIterator{m: m}
}

// Err returns the error that ended the last walk of All, or nil when that
// walk reached the end of the map or the loop body stopped it. An error
// wrapping ENOENT is never returned: it marks the end of the map. The
// error is an OpError whose Op is "MapIterator.All", where the walk ran.
func (it *MapIterator) Err() error {
	return it.err
}

// All returns a fresh walk over the map's entries each time it is called,
// yielding each key with its value; see MapIterator for the guarantees.
// Starting a walk clears Err.
func (it *MapIterator) All() iter.Seq2[[]byte, []byte] {
	return func(yield func(key, value []byte) bool) {
		it.err = it.walk(yield)
	}
}

// iterOp is the Op of the errors of a walk, which MapIterator.Err
// returns: the walk runs in All.
const iterOp = "MapIterator.All"

// walk runs one walk of the map and returns the error that ended it.
func (it *MapIterator) walk(yield func(key, value []byte) bool) error {
	m := it.m
	if !m.lock() {
		return m.closed(iterOp)
	}
	keySize, valueSize := m.keySize, m.valueBufSize
	// An array's keys are its indexes, which are never deleted: the kernel
	// never restarts its walk, and the walk keeps no set.
	track := m.mapType != MapTypeArray && m.mapType != MapTypePerCPUArray
	m.mu.RUnlock()

	cur := make([]byte, keySize)
	next := make([]byte, keySize)
	value := make([]byte, valueSize)
	// Keys yielded so far, to yield each one once when the kernel restarts
	// the walk.
	var seen keySet
	revisits := 0
	if err := m.nextKey(iterOp, nil, cur); err != nil {
		return endOfWalk(err)
	}
	for {
		// Fetch the successor first, so that the loop body may delete cur.
		nextErr := m.nextKey(iterOp, cur, next)
		if nextErr != nil && !errors.Is(nextErr, unix.ENOENT) {
			return nextErr
		}
		if track && seen.has(cur) {
			revisits++
			if limit := int(m.MaxEntries()) + seen.len(); revisits > limit {
				return m.wrap(iterOp, fmt.Errorf("walk revisited %d keys after concurrent deletions: %w",
					revisits, ErrIterationAborted))
			}
		} else {
			switch err := m.lookup(iterOp, cur, value); {
			case err == nil:
				if track {
					seen.add(cur)
				}
				if !yield(cur, value) {
					return nil
				}
			case !errors.Is(err, unix.ENOENT):
				return err
			}
		}
		if nextErr != nil {
			return nil
		}
		cur, next = next, cur
	}
}

// keySet is the set of keys a walk yielded. Keys of at most 8 bytes, the
// common case (u32 and u64 identifiers), are held as integers, in a map
// whose entries hold no pointers for the garbage collector to scan; longer
// keys are copied into chunks of keySetChunk bytes that are only ever
// appended to, and the set's strings point into them, so adding a key
// allocates nothing of its own: the walk's allocations are the chunks and
// the growth of the map.
type keySet struct {
	small map[uint64]struct{}
	keys  map[string]struct{}
	chunk []byte
}

// keySetChunk is the size of a keySet's chunks.
const keySetChunk = 64 << 10

// smallKey returns key, of at most 8 bytes, as an integer; keys of one
// size map one to one.
func smallKey(key []byte) uint64 {
	var b [8]byte
	copy(b[:], key)
	return binary.NativeEndian.Uint64(b[:])
}

// has reports whether the set holds key (without copying it).
func (s *keySet) has(key []byte) bool {
	if len(key) <= 8 {
		_, ok := s.small[smallKey(key)]
		return ok
	}
	_, ok := s.keys[string(key)]
	return ok
}

// add copies key into the set.
func (s *keySet) add(key []byte) {
	if len(key) <= 8 {
		if s.small == nil {
			s.small = make(map[uint64]struct{})
		}
		s.small[smallKey(key)] = struct{}{}
		return
	}
	if s.keys == nil {
		s.keys = make(map[string]struct{})
	}
	if cap(s.chunk)-len(s.chunk) < len(key) {
		s.chunk = make([]byte, 0, max(keySetChunk, len(key)))
	}
	start := len(s.chunk)
	s.chunk = append(s.chunk, key...)
	// The bytes of the string are never written again: later keys go after
	// them or into a new chunk, which the string keeps alive.
	s.keys[unsafe.String(&s.chunk[start], len(key))] = struct{}{}
}

// len is the number of keys in the set.
func (s *keySet) len() int { return len(s.small) + len(s.keys) }

// endOfWalk maps the ENOENT that ends a walk to nil.
func endOfWalk(err error) error {
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	return err
}
