package libbpf

/*
// libbpf's batch functions use their pointer arguments only during the
// call, so the count each call passes by address may stay on the stack.
#cgo noescape bpf_map_lookup_batch
#cgo noescape bpf_map_lookup_and_delete_batch
#cgo noescape bpf_map_update_batch
#cgo noescape bpf_map_delete_batch
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// MapBatchCursor remembers where a batch walk of a map (LookupBatch,
// LookupAndDeleteBatch) stopped. The zero value starts at the beginning;
// a cursor belongs to one walk of one map and is not safe for concurrent
// use.
type MapBatchCursor struct {
	// token holds the kernel's opaque batch position twice: the half the
	// next call passes in (in_batch) and the half it writes (out_batch).
	token   []byte
	started bool
}

// half returns the size of one half of the cursor's token for m. The
// kernel writes a bucket index (u32) for hash maps and a key for the
// others, so the larger of the two fits every map type.
func (c *MapBatchCursor) half(m *Map) int {
	return max(m.keySize, 4)
}

// LookupBatch copies up to n entries of the map into keys and values, with
// bpf_map_lookup_batch (BPF_MAP_LOOKUP_BATCH, kernel 5.6), where n is
// len(keys)/KeySize; values must hold n times ValueBufferSize bytes (for
// per-CPU maps, every CPU's value of each entry). It returns how many
// entries it copied: keys[:count*KeySize] and the matching values are
// valid, even alongside an error.
//
// Call it again with the same cursor to go on. At the end of the map the
// error wraps ENOENT (errors.Is(err, os.ErrNotExist)); entries copied by
// that last call are still counted. An error wrapping ENOSPC means that a
// hash bucket holds more entries than fit in keys: nothing was copied and
// the walk can go on with larger buffers. Entries added or deleted
// concurrently may or may not be seen.
func (m *Map) LookupBatch(cursor *MapBatchCursor, keys, values []byte) (int, error) {
	return m.batchWalk("Map.LookupBatch", "bpf_map_lookup_batch", cursor, keys, values, false)
}

// LookupAndDeleteBatch is LookupBatch that also deletes the entries it
// copies, with bpf_map_lookup_and_delete_batch
// (BPF_MAP_LOOKUP_AND_DELETE_BATCH, kernel 5.6; hash maps only).
func (m *Map) LookupAndDeleteBatch(cursor *MapBatchCursor, keys, values []byte) (int, error) {
	return m.batchWalk("Map.LookupAndDeleteBatch", "bpf_map_lookup_and_delete_batch", cursor, keys, values, true)
}

// batchWalk does one step of a lookup (and delete) batch walk.
func (m *Map) batchWalk(op, fn string, cursor *MapBatchCursor, keys, values []byte, del bool) (int, error) {
	if err := m.begin(op); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	if cursor == nil {
		return 0, m.fail(op, "", fmt.Errorf("nil cursor: %w", unix.EINVAL))
	}
	n, err := m.batchCount(keys, values, true)
	if err != nil {
		return 0, m.fail(op, "", err)
	}
	half := cursor.half(m)
	if len(cursor.token) != 2*half {
		cursor.token = make([]byte, 2*half)
		cursor.started = false
	}
	var in unsafe.Pointer
	if cursor.started {
		in = unsafe.Pointer(&cursor.token[0])
	}
	out := unsafe.Pointer(&cursor.token[half])
	count := C.__u32(n)
	var ret C.int
	// keys, values and the token are Go memory without Go pointers and
	// count lives on this stack; libbpf uses them only during the call.
	if del {
		ret = C.bpf_map_lookup_and_delete_batch(m.fd, in, out,
			bytesPtr(keys), bytesPtr(values), &count, nil)
	} else {
		ret = C.bpf_map_lookup_batch(m.fd, in, out,
			bytesPtr(keys), bytesPtr(values), &count, nil)
	}
	copy(cursor.token[:half], cursor.token[half:])
	cursor.started = true
	if ret < 0 {
		return int(count), m.fail(op, fn, errnoErr(ret))
	}
	return int(count), nil
}

// UpdateBatch creates or updates the entries whose keys and values are
// laid out one after another in keys and values, with
// bpf_map_update_batch (BPF_MAP_UPDATE_BATCH, kernel 5.6), and returns how
// many it wrote: on an error, the entries before that count were written.
// The kernel takes only UpdateAny or UpdateLock here, for every entry;
// other flags give an error wrapping EINVAL.
func (m *Map) UpdateBatch(keys, values []byte, flags MapUpdateFlags) (int, error) {
	const op, fn = "Map.UpdateBatch", "bpf_map_update_batch"
	if err := m.begin(op); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	if flags&^UpdateLock != 0 {
		return 0, m.fail(op, "", fmt.Errorf("flags %#x: batch updates take only UpdateAny or UpdateLock: %w",
			uint64(flags), unix.EINVAL))
	}
	n, err := m.batchCount(keys, values, true)
	if err != nil {
		return 0, m.fail(op, "", err)
	}
	opts := C.struct_bpf_map_batch_opts{sz: C.sizeof_struct_bpf_map_batch_opts, elem_flags: C.__u64(flags)}
	count := C.__u32(n)
	// keys and values are Go memory without Go pointers; opts and count
	// live on this stack; all are used only during the call.
	ret := C.bpf_map_update_batch(m.fd, bytesPtr(keys), bytesPtr(values), &count, &opts)
	if ret < 0 {
		return int(count), m.fail(op, fn, errnoErr(ret))
	}
	return int(count), nil
}

// DeleteBatch deletes the entries whose keys are laid out one after
// another in keys, with bpf_map_delete_batch (BPF_MAP_DELETE_BATCH, kernel
// 5.6), and returns how many it deleted: on an error (ENOENT for a key
// that is not there) the keys before that count were deleted.
func (m *Map) DeleteBatch(keys []byte) (int, error) {
	const op, fn = "Map.DeleteBatch", "bpf_map_delete_batch"
	if err := m.begin(op); err != nil {
		return 0, err
	}
	defer m.mu.RUnlock()
	n, err := m.batchCount(keys, nil, false)
	if err != nil {
		return 0, m.fail(op, "", err)
	}
	count := C.__u32(n)
	// keys is Go memory without Go pointers and count lives on this stack;
	// both are used only during the call.
	ret := C.bpf_map_delete_batch(m.fd, bytesPtr(keys), &count, nil)
	if ret < 0 {
		return int(count), m.fail(op, fn, errnoErr(ret))
	}
	return int(count), nil
}

// batchCount checks a batch's buffers and returns its number of entries:
// keys must be a whole, non-zero number of keys and, withValues, values as
// many values. The caller holds the object's read lock, taken by begin.
func (m *Map) batchCount(keys, values []byte, withValues bool) (int, error) {
	if len(keys) == 0 || len(keys)%m.keySize != 0 {
		return 0, fmt.Errorf("keys are %d bytes, want a non-zero multiple of %d: %w",
			len(keys), m.keySize, ErrInvalidSize)
	}
	n := len(keys) / m.keySize
	if n > int(^uint32(0)) {
		return 0, fmt.Errorf("%d keys are more than a batch can hold: %w", n, ErrInvalidSize)
	}
	if withValues && len(values) != n*m.valueBufSize {
		return 0, fmt.Errorf("values are %d bytes, want %d for %d keys: %w",
			len(values), n*m.valueBufSize, n, ErrInvalidSize)
	}
	return n, nil
}
