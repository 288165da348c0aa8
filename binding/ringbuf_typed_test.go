package libbpf_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// typedEvent is struct event of testdata/events.bpf.c.
type typedEvent struct {
	Seq, Src uint64
	Pad      [48]byte
}

func TestRingBufferOfDeliversTypedSamples(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	var got []typedEvent
	rb, err := libbpf.NewRingBufferOf(objMap(t, obj, "ring_a"), func(e *typedEvent) error {
		got = append(got, *e)
		return nil
	})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, rb.Close()) })
	require.NoError(t, libbpf.AddRingBufferOf(rb, objMap(t, obj, "ring_b"), func(e *typedEvent) error {
		got = append(got, *e)
		return nil
	}))

	emit(t, obj, "emit_ring_a", 3)
	emit(t, obj, "emit_ring_b", 2)
	pollUntil(t, rb.Poll, 5)
	require.Len(t, got, 5)
	var fromA, fromB []uint64
	for _, e := range got {
		switch e.Src {
		case srcRingA:
			fromA = append(fromA, e.Seq)
		case srcRingB:
			fromB = append(fromB, e.Seq)
		}
	}
	assert.Equal(t, []uint64{0, 1, 2}, fromA)
	assert.Equal(t, []uint64{0, 1}, fromB)
}

// A sample whose size is not T's stops delivery with ErrInvalidSize.
func TestRingBufferOfChecksTheSampleSize(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	type half struct{ Seq, Src uint64 }
	called := false
	rb, err := libbpf.NewRingBufferOf(objMap(t, obj, "ring_a"), func(*half) error {
		called = true
		return nil
	})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, rb.Close()) })
	emit(t, obj, "emit_ring_a", 1)
	_, err = rb.Poll(time.Second)
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize)
	assert.Contains(t, err.Error(), "sample of 64 bytes, want 16")
	assert.False(t, called)
}

func TestRingBufferOfRefusesTypesWithoutAFixedLayout(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	ring := objMap(t, obj, "ring_a")
	_, err := libbpf.NewRingBufferOf(ring, func(*struct{ P *int }) error { return nil })
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize)
	_, err = libbpf.NewRingBufferOf(ring, func(*string) error { return nil })
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize)
	_, err = libbpf.NewRingBufferOf(ring, func(*struct{}) error { return nil })
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize)
	_, err = libbpf.NewRingBufferOf[typedEvent](ring, nil)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = libbpf.NewRingBufferOf(objMap(t, obj, "hash"), func(*typedEvent) error { return nil })
	assert.ErrorIs(t, err, syscall.EINVAL, "not a ring buffer")
}
