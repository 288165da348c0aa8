package libbpf_test

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// ringRecord is the room one 64-byte sample takes in a ring: the 8-byte
// header and the sample.
const ringRecord = 8 + eventSize

func TestRingAccessorsFollowTheConsumer(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	var got []event
	rb := newRingBuffer(t, objMap(t, obj, "ring_a"), func(data []byte) error {
		got = append(got, decodeEvent(data))
		return nil
	})
	ring, err := rb.Ring(0)
	require.NoError(t, err)
	size, err := ring.Size()
	require.NoError(t, err)
	assert.Equal(t, uint64(1<<22), size)
	fd, err := ring.MapFD()
	require.NoError(t, err)
	assert.Equal(t, objMap(t, obj, "ring_a").FD(), fd)

	lag := func() uint64 {
		t.Helper()
		avail, err := ring.AvailableData()
		require.NoError(t, err)
		prod, err := ring.ProducerPos()
		require.NoError(t, err)
		cons, err := ring.ConsumerPos()
		require.NoError(t, err)
		assert.Equal(t, prod-cons, avail, "available data is the producer position minus the consumer's")
		return avail
	}
	assert.Zero(t, lag())
	emit(t, obj, "emit_ring_a", 10)
	assert.Equal(t, uint64(10*ringRecord), lag())

	n, err := rb.ConsumeN(3)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, uint64(7*ringRecord), lag(), "ConsumeN leaves the rest in the ring")
	n, err = rb.ConsumeN(0)
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = rb.Consume()
	require.NoError(t, err)
	assert.Equal(t, 7, n)
	assert.Zero(t, lag())
	require.Len(t, got, 10)
	for i, e := range got {
		assert.Equal(t, uint64(i), e.seq)
	}

	_, err = rb.Ring(1)
	assert.ErrorIs(t, err, syscall.EINVAL, "no second ring yet")
	require.NoError(t, rb.Add(objMap(t, obj, "ring_b"), func([]byte) error { return nil }))
	second, err := rb.Ring(1)
	require.NoError(t, err)
	size, err = second.Size()
	require.NoError(t, err)
	assert.Equal(t, uint64(1<<16), size)
	_, err = rb.ConsumeN(-1)
	assert.ErrorIs(t, err, syscall.EINVAL)

	require.NoError(t, rb.Close())
	_, err = ring.AvailableData()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = rb.Ring(0)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = rb.ConsumeN(1)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// A ring buffer map reached through its pin, as a consumer in another
// process than the loader reaches it, works as the object's own map.
func TestRingBufferOnPinnedMap(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	path := filepath.Join(bpffsDir(t), "ring_a")
	require.NoError(t, objMap(t, obj, "ring_a").Pin(path))
	pinned, err := libbpf.OpenMapPinned(path)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, pinned.Close()) })

	rec := &seqRecorder{t: t, src: srcRingA, size: eventSize}
	rb := newRingBuffer(t, pinned, rec.record)
	emit(t, obj, "emit_ring_a", 100)
	// The loader goes away; the pinned map and the consumer stay.
	require.NoError(t, obj.Close())
	require.NoError(t, os.Remove(path))
	n, err := rb.Consume()
	require.NoError(t, err)
	assert.Equal(t, 100, n)
	assert.Equal(t, uint64(100), rec.next)
}

func TestPerfBufferBuffers(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	const pages = 4
	pb := newPerfBuffer(t, objMap(t, obj, "perf"), pages, func(int, []byte) {}, nil)
	n := pb.BufferCount()
	require.Positive(t, n)
	assert.LessOrEqual(t, n, runtime.NumCPU())
	last := -1
	for i := range n {
		cpu, err := pb.BufferCPU(i)
		require.NoError(t, err)
		assert.Greater(t, cpu, last, "buffers in CPU order")
		last = cpu
		fd, err := pb.BufferFD(i)
		require.NoError(t, err)
		assert.Positive(t, fd)
		size, err := pb.BufferSize(i)
		require.NoError(t, err)
		assert.Equal(t, pages*os.Getpagesize(), size)
	}
	_, err := pb.BufferFD(n)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = pb.BufferCPU(-1)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = pb.BufferSize(n)
	assert.ErrorIs(t, err, syscall.EINVAL)

	require.NoError(t, pb.Close())
	assert.Zero(t, pb.BufferCount())
	_, err = pb.BufferFD(0)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
