package libbpf_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Every exported map method gives its failures as an OpError naming the
// method, the map, and the call that failed ("" before any call).
func TestMapErrorsAreOpErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "maps")
	hash := objMap(t, obj, "hash_map")
	array := objMap(t, obj, "array_map")
	percpu := objMap(t, obj, "percpu_hash")
	value := make([]byte, 8)
	dir := t.TempDir()

	lookupErr := hash.Lookup(u32(99), value)
	_, lookupBatchErr := hash.LookupBatch(&libbpf.MapBatchCursor{}, make([]byte, 4*4), make([]byte, 4*8))
	_, deleteBatchErr := hash.DeleteBatch(make([]byte, 3))
	_, updateBatchErr := hash.UpdateBatch(u32(1), u64(1), libbpf.UpdateNoExist)
	_, memoryErr := hash.Memory()
	_, innerIDErr := hash.InnerID(u32(0))
	typed, err := libbpf.NewTypedMap[uint32, uint64](hash)
	require.NoError(t, err)
	_, typedLookupErr := typed.Lookup(99)
	_, newTypedErr := libbpf.NewTypedMap[uint32, uint32](hash)
	_, newTypedPerCPUErr := libbpf.NewTypedMap[uint32, uint32](percpu)
	perCPUTyped, err := libbpf.NewPerCPUTypedMap[uint32, uint32](percpu)
	require.NoError(t, err)
	_, newPerCPUErr := libbpf.NewPerCPUTypedMap[uint32, uint64](hash)
	var nilTyped *libbpf.TypedMap[uint32, uint64]
	_, openIDErr := libbpf.OpenMapID(0xfffffff0)
	_, openPinnedErr := libbpf.OpenMapPinned(filepath.Join(dir, "x"))
	_, listPinsErr := libbpf.ListPins(dir)
	missing := filepath.Join(bpffsDir(t), "missing")
	_, listPinsMissingErr := libbpf.ListPins(missing)
	_, openInnerErr := hash.OpenInner(u32(0))

	cases := []opErrorCase{
		{op: "Map.Lookup", err: lookupErr, subject: "map hash_map", call: "bpf(BPF_MAP_LOOKUP_ELEM)", is: syscall.ENOENT,
			text: "Map.Lookup map hash_map: bpf(BPF_MAP_LOOKUP_ELEM): no such file or directory"},
		{op: "Map.Update", err: hash.Update(u32(1), make([]byte, 4), libbpf.UpdateAny), subject: "map hash_map", is: libbpf.ErrInvalidSize,
			text: "Map.Update map hash_map: value is 4 bytes, want 8: libbpf: invalid size"},
		{op: "Map.Update", err: hash.Update(u32(1), u64(1), libbpf.UpdateExist), subject: "map hash_map", call: "bpf(BPF_MAP_UPDATE_ELEM)", is: syscall.ENOENT},
		{op: "Map.Delete", err: array.Delete(u32(0)), subject: "map array_map", call: "bpf(BPF_MAP_DELETE_ELEM)", is: syscall.EINVAL},
		{op: "Map.Delete", err: hash.Delete(u32(99)), subject: "map hash_map", call: "bpf(BPF_MAP_DELETE_ELEM)", is: syscall.ENOENT},
		{op: "Map.NextKey", err: hash.NextKey(nil, make([]byte, 3)), subject: "map hash_map", is: libbpf.ErrInvalidSize,
			text: "Map.NextKey map hash_map: next key is 3 bytes, want 4: libbpf: invalid size"},
		{op: "Map.NextKey", err: hash.NextKey(nil, make([]byte, 4)), subject: "map hash_map", call: "bpf(BPF_MAP_GET_NEXT_KEY)", is: syscall.ENOENT},
		{op: "Map.LookupAndDelete", err: hash.LookupAndDelete(u32(99), value), subject: "map hash_map", call: "bpf(BPF_MAP_LOOKUP_AND_DELETE_ELEM)", is: syscall.ENOENT},
		{op: "Map.LookupBatch", err: lookupBatchErr, subject: "map hash_map", call: "bpf_map_lookup_batch", is: syscall.ENOENT},
		{op: "Map.DeleteBatch", err: deleteBatchErr, subject: "map hash_map", is: libbpf.ErrInvalidSize},
		{op: "Map.UpdateBatch", err: updateBatchErr, subject: "map hash_map", is: syscall.EINVAL},
		{op: "Map.SetMaxEntries", err: hash.SetMaxEntries(5), subject: "map hash_map", call: "bpf_map__set_max_entries 5", is: syscall.EBUSY,
			text: "Map.SetMaxEntries map hash_map: bpf_map__set_max_entries 5: device or resource busy"},
		{op: "Map.SetValueSize", err: hash.SetValueSize(16), subject: "map hash_map", call: "bpf_map__set_value_size 16", is: syscall.EBUSY},
		{op: "Map.SetNumaNode", err: hash.SetNumaNode(1), subject: "map hash_map", call: "bpf_map__set_numa_node 1", is: syscall.EBUSY},
		{op: "Map.SetInitialValue", err: array.SetInitialValue(make([]byte, 3)), subject: "map array_map", is: libbpf.ErrInvalidSize},
		{op: "Map.Pin", err: hash.Pin(filepath.Join(dir, "p")), subject: "map hash_map", is: libbpf.ErrNotBPFFS},
		{op: "Map.Unpin", err: hash.Unpin(filepath.Join(dir, "p")), subject: "map hash_map", is: libbpf.ErrNotBPFFS},
		{op: "Map.ReuseFD", err: hash.ReuseFD(-1), subject: "map hash_map", is: syscall.EBADF},
		{op: "Map.Memory", err: memoryErr, subject: "map hash_map", is: syscall.EINVAL},
		{op: "Map.SetInnerMap", err: hash.SetInnerMap(array), subject: "map hash_map", is: syscall.EBUSY},
		{op: "Map.SetInner", err: hash.SetInner(u32(0), array), subject: "map hash_map", is: syscall.EINVAL},
		{op: "Map.InnerID", err: innerIDErr, subject: "map hash_map", is: syscall.EINVAL,
			text: "Map.InnerID map hash_map: map type hash does not hold maps: invalid argument"},
		{op: "Map.OpenInner", err: openInnerErr, subject: "map hash_map", is: syscall.EINVAL},
		{op: "TypedMap.Lookup", err: typedLookupErr, subject: "map hash_map", call: "bpf(BPF_MAP_LOOKUP_ELEM)", is: syscall.ENOENT,
			text: "TypedMap.Lookup map hash_map: bpf(BPF_MAP_LOOKUP_ELEM): no such file or directory"},
		{op: "TypedMap.Update", err: typed.Update(1, 1, libbpf.UpdateExist), subject: "map hash_map", call: "bpf(BPF_MAP_UPDATE_ELEM)", is: syscall.ENOENT},
		{op: "TypedMap.Delete", err: typed.Delete(99), subject: "map hash_map", call: "bpf(BPF_MAP_DELETE_ELEM)", is: syscall.ENOENT},
		{op: "TypedMap.Update", err: nilTyped.Update(1, 1, libbpf.UpdateAny), subject: "map", is: libbpf.ErrClosed,
			text: "TypedMap.Update map: libbpf: use of closed handle"},
		{op: "NewTypedMap", err: newTypedErr, subject: "map hash_map", is: libbpf.ErrInvalidSize,
			text: "NewTypedMap map hash_map: value type uint32 is 4 bytes, want 8: libbpf: invalid size"},
		{op: "NewTypedMap", err: newTypedPerCPUErr, subject: "map percpu_hash", is: syscall.EINVAL},
		{op: "NewPerCPUTypedMap", err: newPerCPUErr, subject: "map hash_map", is: syscall.EINVAL},
		{op: "PerCPUTypedMap.Update", err: perCPUTyped.Update(1, nil, libbpf.UpdateAny), subject: "map percpu_hash", is: libbpf.ErrInvalidSize},
		{op: "PerCPUTypedMap.Delete", err: perCPUTyped.Delete(99), subject: "map percpu_hash", call: "bpf(BPF_MAP_DELETE_ELEM)", is: syscall.ENOENT},
		{op: "OpenMapID", err: openIDErr, subject: "id 4294967280", call: "bpf_map_get_fd_by_id", is: syscall.ENOENT,
			text: "OpenMapID id 4294967280: bpf_map_get_fd_by_id: no such file or directory"},
		{op: "OpenMapPinned", err: openPinnedErr, subject: fmt.Sprintf("%q", filepath.Join(dir, "x")), is: libbpf.ErrNotBPFFS},
		{op: "ListPins", err: listPinsErr, subject: fmt.Sprintf("%q", dir), is: libbpf.ErrNotBPFFS,
			text: fmt.Sprintf("ListPins %q: libbpf: not on a bpffs mount", dir)},
		{op: "ListPins", err: listPinsMissingErr, subject: fmt.Sprintf("%q", missing), call: "statfs", is: syscall.ENOENT},
	}
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) { checkOpError(t, c) })
	}
}

// A map of an object not loaded yet, and a map of a closed object, refuse
// before any call, with the same OpError form.
func TestMapErrorsBeforeLoadAndAfterClose(t *testing.T) {
	requireKernel(t)
	open := openObject(t, "maps", nil)
	checkOpError(t, opErrorCase{op: "Map.Lookup", err: objMap(t, open, "hash_map").Lookup(u32(1), make([]byte, 8)),
		subject: "map hash_map", is: syscall.EBADF,
		text: "Map.Lookup map hash_map: object not loaded: bad file descriptor"})
	_, err := objMap(t, open, "hash_map").Info()
	checkOpError(t, opErrorCase{op: "Map.Info", err: err, subject: "map hash_map", is: syscall.EBADF})

	obj, err := libbpf.OpenFile(objectPath(t, "maps"), nil)
	require.NoError(t, err)
	requireLoad(t, obj)
	hash := objMap(t, obj, "hash_map")
	typed, err := libbpf.NewTypedMap[uint32, uint64](hash)
	require.NoError(t, err)
	require.NoError(t, obj.Close())

	checkOpError(t, opErrorCase{op: "Map.Lookup", err: hash.Lookup(u32(1), make([]byte, 8)), subject: "map hash_map",
		is: libbpf.ErrClosed, text: "Map.Lookup map hash_map: libbpf: use of closed handle"})
	_, err = typed.Lookup(1)
	checkOpError(t, opErrorCase{op: "TypedMap.Lookup", err: err, subject: "map hash_map", is: libbpf.ErrClosed})
	checkOpError(t, opErrorCase{op: "Map.Freeze", err: hash.Freeze(), subject: "map hash_map", is: libbpf.ErrClosed})
	checkOpError(t, opErrorCase{op: "Map.SetPinPath", err: hash.SetPinPath("/sys/fs/bpf/x"), subject: "map hash_map", is: libbpf.ErrClosed})
	checkOpError(t, opErrorCase{op: "Map.Pin", err: hash.Pin(""), subject: "map hash_map", is: libbpf.ErrClosed})
	_, err = libbpf.NewTypedMap[uint32, uint64](hash)
	checkOpError(t, opErrorCase{op: "NewTypedMap", err: err, subject: "map hash_map", is: libbpf.ErrClosed})
	it := hash.Iterate()
	for range it.All() {
		t.Fatal("a closed map yields nothing")
	}
	checkOpError(t, opErrorCase{op: "MapIterator.All", err: it.Err(), subject: "map hash_map", is: libbpf.ErrClosed})
	var nilMap *libbpf.Map
	checkOpError(t, opErrorCase{op: "Map.Delete", err: nilMap.Delete(u32(1)), subject: "map", is: libbpf.ErrClosed,
		text: "Map.Delete map: libbpf: use of closed handle"})
}

// A map opened without an object refuses the libbpf setters, and its pin
// errors name the call made.
func TestOwnedMapErrors(t *testing.T) {
	requireKernel(t)
	info, err := objMap(t, loadObject(t, "maps"), "hash_map").Info()
	require.NoError(t, err)
	m, err := libbpf.OpenMapID(info.ID)
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	checkOpError(t, opErrorCase{op: "Map.SetMaxEntries", err: m.SetMaxEntries(3), subject: "map hash_map", is: syscall.EOPNOTSUPP,
		text: "Map.SetMaxEntries map hash_map: map was opened without an object: operation not supported"})
	checkOpError(t, opErrorCase{op: "Map.Unpin", err: m.Unpin(""), subject: "map hash_map", is: syscall.EINVAL})
	path := filepath.Join(bpffsDir(t), "missing", "m")
	checkOpError(t, opErrorCase{op: "Map.Pin", err: m.Pin(path), subject: "map hash_map", is: syscall.ENOENT})
}

// The event consumers give their failures as OpErrors naming the consumer
// by its map.
func TestConsumerErrorsAreOpErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	ringA, hash, perf := objMap(t, obj, "ring_a"), objMap(t, obj, "hash"), objMap(t, obj, "perf")
	noop := func([]byte) error { return nil }

	_, newRingErr := libbpf.NewRingBuffer(hash, noop)
	_, newRingOfErr := libbpf.NewRingBufferOf[*int](ringA, func(**int) error { return nil })
	rb, err := libbpf.NewRingBuffer(ringA, noop)
	require.NoError(t, err)
	addErr := rb.Add(hash, noop)
	addOfErr := libbpf.AddRingBufferOf[uint64](rb, hash, func(*uint64) error { return nil })
	_, consumeNErr := rb.ConsumeN(-1)
	_, ringErr := rb.Ring(5)
	ring, err := rb.Ring(0)
	require.NoError(t, err)
	require.NoError(t, rb.Close())
	_, pollErr := rb.Poll(0)
	_, consumeErr := rb.Consume()
	runErr := rb.Run(t.Context())
	_, sizeErr := ring.Size()

	_, newPerfErr := libbpf.NewPerfBuffer(perf, 3, func(int, []byte) {}, nil)
	_, newPerfTypeErr := libbpf.NewPerfBuffer(hash, 1, func(int, []byte) {}, nil)
	pb, err := libbpf.NewPerfBuffer(perf, 1, func(int, []byte) {}, nil)
	require.NoError(t, err)
	_, bufferCPUErr := pb.BufferCPU(-1)
	require.NoError(t, pb.Close())
	_, perfPollErr := pb.Poll(0)

	cases := []opErrorCase{
		{op: "NewRingBuffer", err: newRingErr, subject: "ring buffer hash", is: syscall.EINVAL,
			text: "NewRingBuffer ring buffer hash: map type is hash, want ringbuf: invalid argument"},
		{op: "NewRingBufferOf", err: newRingOfErr, subject: "ring buffer ring_a", is: libbpf.ErrInvalidSize},
		{op: "RingBuffer.Add", err: addErr, subject: "ring buffer ring_a", is: syscall.EINVAL,
			text: "RingBuffer.Add ring buffer ring_a: map hash: map type is hash, want ringbuf: invalid argument"},
		{op: "AddRingBufferOf", err: addOfErr, subject: "ring buffer ring_a", is: syscall.EINVAL},
		{op: "RingBuffer.ConsumeN", err: consumeNErr, subject: "ring buffer ring_a", is: syscall.EINVAL},
		{op: "RingBuffer.Ring", err: ringErr, subject: "ring buffer ring_a", is: syscall.EINVAL},
		{op: "RingBuffer.Poll", err: pollErr, subject: "ring buffer ring_a", is: libbpf.ErrClosed,
			text: "RingBuffer.Poll ring buffer ring_a: libbpf: use of closed handle"},
		{op: "RingBuffer.Consume", err: consumeErr, subject: "ring buffer ring_a", is: libbpf.ErrClosed},
		{op: "RingBuffer.Run", err: runErr, subject: "ring buffer ring_a", is: libbpf.ErrClosed},
		{op: "Ring.Size", err: sizeErr, subject: "ring 0 of ring buffer ring_a", is: libbpf.ErrClosed},
		{op: "NewPerfBuffer", err: newPerfErr, subject: "perf buffer perf", is: syscall.EINVAL},
		{op: "NewPerfBuffer", err: newPerfTypeErr, subject: "perf buffer hash", is: syscall.EINVAL},
		{op: "PerfBuffer.BufferCPU", err: bufferCPUErr, subject: "perf buffer perf", is: syscall.EINVAL},
		{op: "PerfBuffer.Poll", err: perfPollErr, subject: "perf buffer perf", is: libbpf.ErrClosed},
	}
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) { checkOpError(t, c) })
	}
}

// A callback's error comes back as the cause of the Poll's or Consume's
// OpError, and the user ring buffer's errors have the same form.
func TestConsumerCallbackAndUserRingErrors(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	stop := errors.New("stop here")
	rb := newRingBuffer(t, objMap(t, obj, "ring_a"), func([]byte) error { return stop })
	emit(t, obj, "emit_ring_a", 1)
	_, err := rb.Consume()
	checkOpError(t, opErrorCase{op: "RingBuffer.Consume", err: err, subject: "ring buffer ring_a", is: stop,
		text: "RingBuffer.Consume ring buffer ring_a: callback: stop here"})

	u := loadUserRing(t)
	urb := newUserRingBuffer(t, u)
	_, err = urb.Reserve(0)
	checkOpError(t, opErrorCase{op: "UserRingBuffer.Reserve", err: err, subject: "user ring buffer user_ring", is: libbpf.ErrInvalidSize})
	checkOpError(t, opErrorCase{op: "UserRingBuffer.Submit", err: urb.Submit(make([]byte, 8)), subject: "user ring buffer user_ring", is: syscall.EINVAL})
	_, err = libbpf.NewUserRingBuffer(objMap(t, u.obj, "seen"))
	checkOpError(t, opErrorCase{op: "NewUserRingBuffer", err: err, subject: "user ring buffer seen", is: syscall.EINVAL})
	require.NoError(t, urb.Close())
	checkOpError(t, opErrorCase{op: "UserRingBuffer.Write", err: urb.Write(make([]byte, 8)), subject: "user ring buffer user_ring",
		is: libbpf.ErrClosed, text: "UserRingBuffer.Write user ring buffer user_ring: libbpf: use of closed handle"})
}

// A lookup miss builds its error in few allocations: the OpError and the
// subject.
func TestMapLookupMissAllocations(t *testing.T) {
	requireKernel(t)
	m := objMap(t, loadObject(t, "maps"), "hash_map")
	key, value := u32(99), make([]byte, 8)
	allocs := testing.AllocsPerRun(100, func() {
		if err := m.Lookup(key, value); err == nil {
			panic("key 99 is not in the map")
		}
	})
	assert.LessOrEqual(t, allocs, 2.0)
}

// BenchmarkMapLookupMiss measures a Lookup of a missing key, whose cost is
// the system call and the building of its OpError.
func BenchmarkMapLookupMiss(b *testing.B) {
	m := benchHash(b)
	key, value := u64(1<<40), make([]byte, 8)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if m.Lookup(key, value) == nil {
			b.Fatal("the key is not in the map")
		}
	}
}
