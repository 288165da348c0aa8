package libbpf_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// newPerfBuffer creates a PerfBuffer and closes it when the test ends.
func newPerfBuffer(t testing.TB, m *libbpf.Map, pages int, sample func(int, []byte), lost func(int, uint64)) *libbpf.PerfBuffer {
	t.Helper()
	pb, err := libbpf.NewPerfBuffer(m, pages, sample, lost)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, pb.Close()) })
	return pb
}

func TestPerfBufferOrder(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	rec := &seqRecorder{t: t, src: srcPerf}
	var cpus []int
	pb := newPerfBuffer(t, objMap(t, obj, "perf"), 256, func(cpu int, data []byte) {
		cpus = append(cpus, cpu)
		assert.Less(t, len(data), eventSize+8, "padding only")
		assert.NoError(t, rec.record(data))
	}, func(cpu int, count uint64) {
		t.Errorf("%d samples lost on CPU %d", count, cpu)
	})
	assert.GreaterOrEqual(t, pb.EpollFD(), 0)

	emit(t, obj, "emit_perf", 1000)
	pollUntil(t, pb.Poll, 1000)
	assert.EqualValues(t, 1000, rec.next)
	// emit runs the program on CPU 0.
	for _, cpu := range cpus {
		require.Equal(t, 0, cpu)
	}

	// 10000 events of about 80 bytes make several batches.
	emit(t, obj, "emit_perf", 10000)
	n, err := pb.Consume()
	require.NoError(t, err)
	assert.Equal(t, 10000, n)
	assert.EqualValues(t, 11000, rec.next)
	assert.Zero(t, dropped(t, obj))
}

func TestPerfBufferLost(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	var samples int
	var lost uint64
	pb := newPerfBuffer(t, objMap(t, obj, "perf"), 1, func(cpu int, data []byte) {
		samples++
	}, func(cpu int, count uint64) {
		assert.Equal(t, 0, cpu)
		lost += count
	})
	// One page holds about 50 samples; the rest are dropped.
	emit(t, obj, "emit_perf", 2000)
	n, err := pb.Consume()
	require.NoError(t, err)
	assert.Equal(t, samples, n)
	// The kernel writes the lost record once the ring has room again.
	emit(t, obj, "emit_perf", 1)
	n, err = pb.Consume()
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	assert.Positive(t, lost)
	assert.Equal(t, dropped(t, obj), lost)
	assert.EqualValues(t, 2001, uint64(samples)+lost)
}

func TestPerfBufferCloseDuringPoll(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	m := objMap(t, obj, "perf")
	sample := func(int, []byte) {}
	before := openFDs(t)
	for range 20 {
		pb, err := libbpf.NewPerfBuffer(m, 1, sample, nil)
		require.NoError(t, err)
		pollBlocked(t, pb.Poll, pb.Close)
	}
	assert.Equal(t, before, openFDs(t), "file descriptors leaked")

	t.Run("run", func(t *testing.T) {
		pb, err := libbpf.NewPerfBuffer(m, 1, sample, nil)
		require.NoError(t, err)
		pollBlocked(t, func(time.Duration) (int, error) {
			return 0, pb.Run(context.Background())
		}, pb.Close)
	})
}

func TestPerfBufferClose(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	pb, err := libbpf.NewPerfBuffer(objMap(t, obj, "perf"), 4, func(int, []byte) {}, nil)
	require.NoError(t, err)
	require.NoError(t, pb.Close())
	require.NoError(t, pb.Close(), "second Close")

	check := func(t *testing.T, pb *libbpf.PerfBuffer) {
		_, err := pb.Poll(time.Millisecond)
		assert.ErrorIs(t, err, libbpf.ErrClosed)
		_, err = pb.Consume()
		assert.ErrorIs(t, err, libbpf.ErrClosed)
		assert.ErrorIs(t, pb.Run(context.Background()), libbpf.ErrClosed)
		assert.Equal(t, -1, pb.EpollFD())
		assert.NoError(t, pb.Close())
	}
	t.Run("closed", func(t *testing.T) { check(t, pb) })
	t.Run("nil", func(t *testing.T) { check(t, nil) })

	t.Run("in callback", func(t *testing.T) {
		var pb *libbpf.PerfBuffer
		calls := 0
		pb, err := libbpf.NewPerfBuffer(objMap(t, obj, "perf"), 4, func(int, []byte) {
			calls++
			_, err := pb.Poll(0)
			assert.ErrorIs(t, err, syscall.EBUSY)
			assert.NoError(t, pb.Close())
		}, nil)
		require.NoError(t, err)
		emit(t, obj, "emit_perf", 10)
		n, err := pb.Consume()
		assert.ErrorIs(t, err, libbpf.ErrClosed)
		assert.Equal(t, 1, n)
		assert.Equal(t, 1, calls)
	})
}

func TestPerfBufferRun(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	got := make(chan uint64, 100)
	pb := newPerfBuffer(t, objMap(t, obj, "perf"), 8, func(cpu int, data []byte) {
		got <- decodeEvent(data).seq
	}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pb.Run(ctx) }()
	emit(t, obj, "emit_perf", 50)
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
}

func TestPerfBufferBadInput(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "events", nil)
	sample := func(int, []byte) {}

	_, err := libbpf.NewPerfBuffer(objMap(t, obj, "perf"), 1, sample, nil)
	assert.ErrorIs(t, err, syscall.EBADF, "object not loaded")

	requireLoad(t, obj)
	perf := objMap(t, obj, "perf")
	for _, pages := range []int{0, -1, 3, 12} {
		_, err := libbpf.NewPerfBuffer(perf, pages, sample, nil)
		assert.ErrorIs(t, err, syscall.EINVAL, "%d pages", pages)
		assert.ErrorContains(t, err, "power of two", "%d pages", pages)
	}
	for _, name := range []string{"hash", "ring_a"} {
		_, err := libbpf.NewPerfBuffer(objMap(t, obj, name), 1, sample, nil)
		assert.ErrorIs(t, err, syscall.EINVAL, name)
		assert.ErrorContains(t, err, "want perf_event_array", name)
	}
	_, err = libbpf.NewPerfBuffer(perf, 1, nil, nil)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = libbpf.NewPerfBuffer(nil, 1, sample, nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
