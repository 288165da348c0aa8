package libbpf_test

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// eventSize is the size of struct event in testdata/events.bpf.c.
const eventSize = 64

// testRunOnCPU is BPF_F_TEST_RUN_ON_CPU.
const testRunOnCPU = 1

// eventSource tells which map an event went to (struct event's src).
const (
	srcRingA = 0
	srcRingB = 1
	srcPerf  = 2
)

// event is struct event of testdata/events.bpf.c, decoded.
type event struct {
	seq, src uint64
}

func decodeEvent(data []byte) event {
	return event{
		seq: binary.NativeEndian.Uint64(data[0:]),
		src: binary.NativeEndian.Uint64(data[8:]),
	}
}

// emit makes program prog of events.bpf.o write n events, on CPU 0.
func emit(t testing.TB, obj *libbpf.Object, prog string, n int) {
	t.Helper()
	require.NoError(t, obj.SetGlobal("n_events", u32(uint32(n))))
	_, err := program(t, obj, prog).TestRun(&libbpf.TestRunOptions{Flags: testRunOnCPU, CPU: 0})
	require.NoError(t, err)
}

// dropped returns how many events the programs of events.bpf.o could not
// write because the ring was full.
func dropped(t testing.TB, obj *libbpf.Object) uint64 {
	t.Helper()
	value := make([]byte, 8)
	require.NoError(t, obj.Global("dropped", value))
	return binary.NativeEndian.Uint64(value)
}

// newRingBuffer creates a RingBuffer and closes it when the test ends.
func newRingBuffer(t testing.TB, m *libbpf.Map, fn func([]byte) error) *libbpf.RingBuffer {
	t.Helper()
	rb, err := libbpf.NewRingBuffer(m, fn)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, rb.Close()) })
	return rb
}

// seqRecorder checks that the events of one source arrive once each, in
// order, and have the expected size.
type seqRecorder struct {
	t    testing.TB
	src  uint64
	size int // exact size; 0 for perf, where data is at least eventSize
	next uint64
}

func (r *seqRecorder) record(data []byte) error {
	if r.size != 0 {
		assert.Len(r.t, data, r.size)
	}
	if !assert.GreaterOrEqual(r.t, len(data), eventSize) {
		return nil
	}
	e := decodeEvent(data)
	assert.Equal(r.t, r.src, e.src)
	if e.seq != r.next {
		r.t.Errorf("event %d of source %d arrived, want %d", e.seq, r.src, r.next)
	}
	r.next = e.seq + 1
	return nil
}

// pollUntil polls until want events arrived in total, failing after many
// empty rounds.
func pollUntil(t testing.TB, poll func(time.Duration) (int, error), want int) {
	t.Helper()
	got := 0
	for empty := 0; got < want && empty < 100; {
		n, err := poll(100 * time.Millisecond)
		require.NoError(t, err)
		if n == 0 {
			empty++
		}
		got += n
	}
	assert.Equal(t, want, got)
}

func TestRingBufferOrder(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	rec := &seqRecorder{t: t, src: srcRingA, size: eventSize}
	rb := newRingBuffer(t, objMap(t, obj, "ring_a"), rec.record)

	t.Run("poll", func(t *testing.T) {
		rec.t = t
		emit(t, obj, "emit_ring_a", 1000)
		pollUntil(t, rb.Poll, 1000)
		assert.EqualValues(t, 1000, rec.next)
	})
	t.Run("consume many batches", func(t *testing.T) {
		rec.t = t
		// About 1.4 MiB of records: a dozen batches.
		emit(t, obj, "emit_ring_a", 20000)
		n, err := rb.Consume()
		require.NoError(t, err)
		assert.Equal(t, 20000, n)
		assert.EqualValues(t, 21000, rec.next)
		n, err = rb.Consume()
		require.NoError(t, err)
		assert.Zero(t, n, "the ring should be empty")
	})
	assert.Zero(t, dropped(t, obj))
}

func TestRingBufferAdd(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	recA := &seqRecorder{t: t, src: srcRingA, size: eventSize}
	recB := &seqRecorder{t: t, src: srcRingB, size: eventSize}
	rb := newRingBuffer(t, objMap(t, obj, "ring_a"), recA.record)
	require.NoError(t, rb.Add(objMap(t, obj, "ring_b"), recB.record))

	emit(t, obj, "emit_ring_b", 300)
	emit(t, obj, "emit_ring_a", 5000)
	emit(t, obj, "emit_ring_b", 300)
	pollUntil(t, rb.Poll, 5600)
	assert.EqualValues(t, 5000, recA.next)
	assert.EqualValues(t, 600, recB.next)
	assert.Zero(t, dropped(t, obj))

	t.Run("wrong map", func(t *testing.T) {
		err := rb.Add(objMap(t, obj, "hash"), recA.record)
		assert.ErrorIs(t, err, syscall.EINVAL)
		assert.ErrorContains(t, err, "want ringbuf")
		assert.ErrorIs(t, rb.Add(objMap(t, obj, "ring_b"), nil), syscall.EINVAL)
	})
}

func TestRingBufferCallbackError(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	stop := errors.New("stop here")
	var seqs []uint64
	failAt := uint64(3)
	rb := newRingBuffer(t, objMap(t, obj, "ring_a"), func(data []byte) error {
		e := decodeEvent(data)
		seqs = append(seqs, e.seq)
		if e.seq == failAt {
			return stop
		}
		return nil
	})
	emit(t, obj, "emit_ring_a", 10)

	n, err := rb.Consume()
	assert.ErrorIs(t, err, stop)
	assert.ErrorContains(t, err, "ring_a")
	assert.Equal(t, 4, n, "delivered up to and including the failing event")
	assert.Equal(t, []uint64{0, 1, 2, 3}, seqs)

	// The events already taken from the ring come first, then new ones.
	failAt = 7
	n, err = rb.Poll(time.Second)
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 4, n)
	emit(t, obj, "emit_ring_a", 5)
	pollUntil(t, rb.Poll, 7)
	assert.Equal(t, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, seqs)
}

// openFDs counts the process's open file descriptors.
func openFDs(t testing.TB) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(entries)
}

// pollBlocked checks that poll blocks until closeFn runs in this
// goroutine, and then returns an error wrapping ErrClosed.
func pollBlocked(t *testing.T, poll func(time.Duration) (int, error), closeFn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := poll(-1)
		done <- err
	}()
	// Give the goroutine a chance to block in epoll_wait; the test holds
	// whether or not it got there first.
	time.Sleep(20 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("poll returned before Close: %v", err)
	default:
	}
	require.NoError(t, closeFn())
	select {
	case err := <-done:
		assert.ErrorIs(t, err, libbpf.ErrClosed)
	case <-time.After(30 * time.Second):
		t.Fatal("poll still blocked 30s after Close")
	}
}

func TestRingBufferCloseDuringPoll(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	m := objMap(t, obj, "ring_a")
	before := openFDs(t)
	for range 20 {
		rb, err := libbpf.NewRingBuffer(m, func([]byte) error { return nil })
		require.NoError(t, err)
		pollBlocked(t, rb.Poll, rb.Close)
	}
	assert.Equal(t, before, openFDs(t), "file descriptors leaked")

	t.Run("run", func(t *testing.T) {
		rb, err := libbpf.NewRingBuffer(m, func([]byte) error { return nil })
		require.NoError(t, err)
		pollBlocked(t, func(time.Duration) (int, error) {
			return 0, rb.Run(context.Background())
		}, rb.Close)
	})
}

func TestRingBufferClose(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	rb, err := libbpf.NewRingBuffer(objMap(t, obj, "ring_a"), func([]byte) error { return nil })
	require.NoError(t, err)
	assert.GreaterOrEqual(t, rb.EpollFD(), 0)
	require.NoError(t, rb.Close())
	require.NoError(t, rb.Close(), "second Close")

	check := func(t *testing.T, rb *libbpf.RingBuffer) {
		_, err := rb.Poll(time.Millisecond)
		assert.ErrorIs(t, err, libbpf.ErrClosed)
		_, err = rb.Consume()
		assert.ErrorIs(t, err, libbpf.ErrClosed)
		assert.ErrorIs(t, rb.Run(context.Background()), libbpf.ErrClosed)
		assert.ErrorIs(t, rb.Add(objMap(t, obj, "ring_b"), func([]byte) error { return nil }), libbpf.ErrClosed)
		assert.Equal(t, -1, rb.EpollFD())
		assert.NoError(t, rb.Close())
	}
	t.Run("closed", func(t *testing.T) { check(t, rb) })
	t.Run("nil", func(t *testing.T) { check(t, nil) })
}

func TestRingBufferCloseInCallback(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	var rb *libbpf.RingBuffer
	calls := 0
	rb, err := libbpf.NewRingBuffer(objMap(t, obj, "ring_a"), func([]byte) error {
		calls++
		// A second consumer call from the callback is refused, not a
		// deadlock.
		_, err := rb.Consume()
		assert.ErrorIs(t, err, syscall.EBUSY)
		assert.NoError(t, rb.Close())
		return nil
	})
	require.NoError(t, err)
	emit(t, obj, "emit_ring_a", 10)
	n, err := rb.Consume()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.Equal(t, 1, n)
	assert.Equal(t, 1, calls, "no callback after Close")
	assert.Equal(t, -1, rb.EpollFD())
	assert.NoError(t, rb.Close())
}

// Closed by the callback of the last sample, Consume still reports
// ErrClosed and consumes nothing more.
func TestRingBufferCloseInLastCallback(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	var rb *libbpf.RingBuffer
	rb, err := libbpf.NewRingBuffer(objMap(t, obj, "ring_a"), func([]byte) error {
		return rb.Close()
	})
	require.NoError(t, err)
	emit(t, obj, "emit_ring_a", 1)
	n, err := rb.Consume()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.Equal(t, 1, n)
}

func TestRingBufferRun(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	got := make(chan uint64, 100)
	rb := newRingBuffer(t, objMap(t, obj, "ring_a"), func(data []byte) error {
		got <- decodeEvent(data).seq
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rb.Run(ctx) }()
	emit(t, obj, "emit_ring_a", 50)
	for want := range uint64(50) {
		select {
		case seq := <-got:
			assert.Equal(t, want, seq)
		case <-time.After(30 * time.Second):
			t.Fatalf("event %d did not arrive", want)
		}
	}
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}

	t.Run("callback error", func(t *testing.T) {
		stop := errors.New("stop")
		rb := newRingBuffer(t, objMap(t, obj, "ring_b"), func([]byte) error { return stop })
		emit(t, obj, "emit_ring_b", 1)
		assert.ErrorIs(t, rb.Run(context.Background()), stop)
	})
}

func TestRingBufferBadInput(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "events", nil)
	noop := func([]byte) error { return nil }

	_, err := libbpf.NewRingBuffer(objMap(t, obj, "ring_a"), noop)
	assert.ErrorIs(t, err, syscall.EBADF, "object not loaded")

	requireLoad(t, obj)
	for _, name := range []string{"hash", "perf"} {
		_, err := libbpf.NewRingBuffer(objMap(t, obj, name), noop)
		assert.ErrorIs(t, err, syscall.EINVAL, name)
		assert.ErrorContains(t, err, "want ringbuf", name)
	}
	_, err = libbpf.NewRingBuffer(objMap(t, obj, "ring_a"), nil)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = libbpf.NewRingBuffer(nil, noop)
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	closed := openObject(t, "events", nil)
	m := objMap(t, closed, "ring_a")
	require.NoError(t, closed.Close())
	_, err = libbpf.NewRingBuffer(m, noop)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

func TestRingBufferOutlivesObject(t *testing.T) {
	requireKernel(t)
	obj, err := libbpf.OpenFile(objectPath(t, "events"), nil)
	require.NoError(t, err)
	requireLoad(t, obj)
	emit(t, obj, "emit_ring_a", 5)
	rec := &seqRecorder{t: t, src: srcRingA, size: eventSize}
	rb := newRingBuffer(t, objMap(t, obj, "ring_a"), rec.record)
	require.NoError(t, obj.Close())
	n, err := rb.Consume()
	require.NoError(t, err)
	assert.Equal(t, 5, n)
}

func TestRingBufferConsumeDoesNotAllocate(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	var sum uint64
	rb := newRingBuffer(t, objMap(t, obj, "ring_a"), func(data []byte) error {
		sum += decodeEvent(data).seq
		return nil
	})
	const events = 10000
	emit(t, obj, "emit_ring_a", events)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n, err := rb.Consume()
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	require.Equal(t, events, n)
	// A few allocations per call at most, none per event.
	assert.LessOrEqual(t, after.Mallocs-before.Mallocs, uint64(4))
	assert.EqualValues(t, events*(events-1)/2, sum)
}

// Samples of every size from 1 to 300 bytes arrive whole, with their exact
// length, through both the ring buffer and the perf buffer: the consumers
// copy short aligned samples word by word and the others with memcpy.
func TestSampleSizes(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "ring_sizes")
	const maxSize = 300
	var ringSamples, perfSamples [][]byte
	rb := newRingBuffer(t, objMap(t, obj, "sizes"), func(data []byte) error {
		ringSamples = append(ringSamples, slices.Clone(data))
		return nil
	})
	pb := newPerfBuffer(t, objMap(t, obj, "perf_sizes"), 64, func(cpu int, data []byte) {
		perfSamples = append(perfSamples, slices.Clone(data))
	}, nil)

	_, err := program(t, obj, "emit_sizes").TestRun(&libbpf.TestRunOptions{Flags: testRunOnCPU, CPU: 0})
	require.NoError(t, err)
	failed := make([]byte, 8)
	require.NoError(t, obj.Global("failed", failed))
	require.Equal(t, u64(0), failed)

	n, err := rb.Consume()
	require.NoError(t, err)
	assert.Equal(t, maxSize, n)
	n, err = pb.Consume()
	require.NoError(t, err)
	assert.Equal(t, maxSize, n)
	require.Len(t, ringSamples, maxSize)
	require.Len(t, perfSamples, maxSize)
	want := make([]byte, maxSize)
	for j := range want {
		want[j] = byte(j)
	}
	for i := range maxSize {
		size := i + 1
		assert.Equal(t, want[:size], ringSamples[i], "ring buffer sample of %d bytes", size)
		// The kernel pads perf samples with their 4-byte size header to
		// 8 bytes.
		require.Len(t, perfSamples[i], (size+4+7)&^7-4, "perf sample of %d bytes", size)
		assert.Equal(t, want[:size], perfSamples[i][:size], "perf sample of %d bytes", size)
	}
}
