package libbpf

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"unsafe"

	"golang.org/x/sys/unix"
)

// NewRingBufferOf is NewRingBuffer for samples of one fixed-size type T,
// such as a struct that cmd/libbpf-skel generated from the BPF program's
// event type: fn gets each sample as a *T. T must be a fixed-size type
// without pointers (as encoding/binary.Size accepts), else the error wraps
// ErrInvalidSize.
//
// Each sample must be exactly unsafe.Sizeof(T) bytes: a sample of another
// size stops the delivery with an error wrapping ErrInvalidSize, returned
// (wrapped) by the Poll, Consume or Run that met it, as a callback's own
// error is. Use NewRingBuffer for samples of varying size.
//
// The *T points into the batch that holds the sample, without a copy,
// when the sample is aligned for T (ring buffer samples are 8-byte
// aligned, so for every T up to 8-byte alignment); otherwise it points to
// a copy. Either way it is valid only while fn runs: copy *T to keep it.
// More rings join with AddRingBufferOf or RingBuffer.Add.
func NewRingBufferOf[T any](m *Map, fn func(*T) error) (*RingBuffer, error) {
	const op = "NewRingBufferOf"
	cb, err := typedSample(fn)
	if err != nil {
		return nil, wrapOp(op, consumerSubject("ring buffer", m), err)
	}
	r, err := newRingBuffer(m, cb)
	if err != nil {
		return nil, wrapOp(op, consumerSubject("ring buffer", m), err)
	}
	return r, nil
}

// AddRingBufferOf adds the ring buffer map m to r (RingBuffer.Add) with a
// callback that gets each sample as a *T, under the rules of
// NewRingBufferOf.
func AddRingBufferOf[T any](r *RingBuffer, m *Map, fn func(*T) error) error {
	const op = "AddRingBufferOf"
	cb, err := typedSample(fn)
	if err != nil {
		return r.wrap(op, aboutMap(m, err))
	}
	return r.wrap(op, r.add(m, cb))
}

// typedSample checks T and returns the []byte callback that hands fn
// each sample as a *T; its errors are causes.
func typedSample[T any](fn func(*T) error) (func([]byte) error, error) {
	typ := reflect.TypeFor[T]()
	if fn == nil {
		return nil, fmt.Errorf("nil callback: %w", unix.EINVAL)
	}
	var zero T
	size := int(unsafe.Sizeof(zero))
	if binary.Size(zero) < 0 || size == 0 {
		return nil, fmt.Errorf("sample type %s is not a fixed-size type without pointers: %w", typ, ErrInvalidSize)
	}
	align := uintptr(typ.Align())
	var spare T
	return func(data []byte) error {
		if len(data) != size {
			return fmt.Errorf("sample of %d bytes, want %d for %s: %w", len(data), size, typ, ErrInvalidSize)
		}
		p := unsafe.Pointer(unsafe.SliceData(data))
		if uintptr(p)%align != 0 {
			// The sample is not aligned for T: hand out an aligned copy.
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&spare)), size), data)
			return fn(&spare)
		}
		// SAFETY: data is exactly size bytes, aligned for T, and T holds
		// no pointers (checked above), so any bytes are a valid T; the
		// memory stays valid while fn runs, which is all the documented
		// lifetime of the *T.
		return fn((*T)(p))
	}, nil
}
