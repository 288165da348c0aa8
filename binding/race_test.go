package libbpf_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// raceRounds is how many rounds each worker of a race test makes before
// the handle is closed under it; the workers then go on until they see
// ErrClosed.
const raceRounds = 50

// raceLimit bounds how long a race test waits for its workers once the
// handle is closed: a worker still running then is a hang.
const raceLimit = 30 * time.Second

// raceWorkers runs n workers that call op(worker, round) until it returns
// an error wrapping ErrClosed, calls closeFn once every worker has made
// raceRounds rounds, and checks that each worker stopped with ErrClosed
// within raceLimit. op returns nil for results that are fine while the
// handle is open; any other error stops the test.
func raceWorkers(t *testing.T, n int, op func(worker, round int) error, closeFn func() error) {
	t.Helper()
	var warm sync.WaitGroup
	warm.Add(n)
	results := make(chan error, n)
	for w := range n {
		go func() {
			for round := 0; ; round++ {
				if round == raceRounds {
					warm.Done()
				}
				if err := op(w, round); err != nil {
					if round < raceRounds {
						warm.Done()
					}
					results <- err
					return
				}
			}
		}()
	}
	warm.Wait()
	require.NoError(t, closeFn())
	deadline := time.After(raceLimit)
	for range n {
		select {
		case err := <-results:
			assert.ErrorIs(t, err, libbpf.ErrClosed)
		case <-deadline:
			t.Fatalf("a worker still ran %v after Close", raceLimit)
		}
	}
}

// allow returns nil if err is nil or wraps one of the expected errors,
// and err otherwise.
func allow(err error, expected ...error) error {
	for _, e := range expected {
		if errors.Is(err, e) {
			return nil
		}
	}
	return err
}

// Closing an Object while other goroutines attach its programs, run them,
// read and write its globals and maps, and pin its maps: every call either
// works or fails with ErrClosed, nothing crashes or hangs.
func TestRaceObjectCloseWhileInUse(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj, err := libbpf.OpenFile(objectPath(t, "counter"), nil)
	require.NoError(t, err)
	require.NoError(t, obj.SetGlobal("target_tgid", u32(uint32(os.Getpid()))))
	requireLoad(t, obj)
	counts := objMap(t, obj, "counts")
	raw := program(t, obj, "count_raw")
	pinPath := filepath.Join(dir, "counts")

	op := func(w, round int) error {
		switch (w + round) % 6 {
		case 0:
			link, err := raw.AttachRawTracepoint("sys_enter")
			if err != nil {
				// Older kernels (6.1) attach one program to one raw
				// tracepoint only once at a time.
				return allow(err, syscall.EEXIST)
			}
			return link.Close()
		case 1:
			_, err := raw.TestRun(&libbpf.TestRunOptions{Context: make([]byte, 16)})
			return err
		case 2:
			value := make([]byte, 4)
			return obj.Global("target_tgid", value)
		case 3:
			value := make([]byte, 8)
			return counts.Lookup(u32(1), value)
		case 4:
			// All workers share one pin path (libbpf keeps a map's pin
			// path after Unpin): Pin of a pinned map does nothing, Unpin
			// of an unpinned one finds no file.
			if err := counts.Pin(pinPath); err != nil {
				return err
			}
			return allow(counts.Unpin(pinPath), syscall.ENOENT)
		default:
			if _, err := obj.Map("counts"); err != nil {
				return err
			}
			_ = obj.Programs()
			return nil
		}
	}
	raceWorkers(t, 8, op, obj.Close)
}

// Closing a Link while other goroutines use it.
func TestRaceLinkCloseWhileInUse(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := openCounter(t, os.Getpid())
	requireLoad(t, obj)
	link, err := program(t, obj, "count_raw").AttachRawTracepoint("sys_enter")
	require.NoError(t, err)
	alt := program(t, obj, "count_raw_alt")
	pinPath := filepath.Join(dir, "link")

	op := func(w, round int) error {
		switch (w + round) % 3 {
		case 0:
			_ = link.FD()
			_ = link.PinPath()
			// Raw tracepoint links have no detach in the kernel.
			return allow(link.Detach(), syscall.EOPNOTSUPP)
		case 1:
			return allow(link.UpdateProgram(alt), syscall.EINVAL)
		default:
			// A link has one pin path, which another worker may hold;
			// Unpin of an unpinned link is refused.
			if err := allow(link.Pin(pinPath), syscall.EBUSY); err != nil {
				return err
			}
			return allow(link.Unpin(), syscall.EINVAL, syscall.ENOENT)
		}
	}
	raceWorkers(t, 8, op, link.Close)
	assert.Equal(t, -1, link.FD())
}

// Closing a RingBuffer while goroutines consume it and a program fills
// it: the consumers end with ErrClosed, the callbacks stop.
func TestRaceRingBufferCloseWhileConsuming(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	require.NoError(t, obj.SetGlobal("n_events", u32(16)))
	emitter := program(t, obj, "emit_ring_a")
	rb, err := libbpf.NewRingBuffer(objMap(t, obj, "ring_a"), func(data []byte) error {
		if len(data) != eventSize {
			return fmt.Errorf("event of %d bytes", len(data))
		}
		return nil
	})
	require.NoError(t, err)

	raceConsumer(t, emitter, rb)
}

// The same for a PerfBuffer.
func TestRacePerfBufferCloseWhileConsuming(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events")
	require.NoError(t, obj.SetGlobal("n_events", u32(16)))
	emitter := program(t, obj, "emit_perf")
	pb, err := libbpf.NewPerfBuffer(objMap(t, obj, "perf"), 8, func(_ int, data []byte) {
		assert.GreaterOrEqual(t, len(data), eventSize)
	}, nil)
	require.NoError(t, err)

	raceConsumer(t, emitter, pb)
}

// eventConsumer is what RingBuffer and PerfBuffer have in common.
type eventConsumer interface {
	Consume() (int, error)
	Poll(time.Duration) (int, error)
	EpollFD() int
	Close() error
}

// raceConsumer runs emitter, Consume and Poll on c from several goroutines
// while another closes c.
func raceConsumer(t *testing.T, emitter *libbpf.Program, c eventConsumer) {
	op := func(w, round int) error {
		var err error
		switch w % 3 {
		case 0:
			_, err = emitter.TestRun(&libbpf.TestRunOptions{Flags: testRunOnCPU, CPU: 0})
			if err == nil && c.EpollFD() < 0 {
				// The producer does not use the buffer: report its end
				// through it.
				_, err = c.Consume()
			}
		case 1:
			_, err = c.Consume()
		default:
			_, err = c.Poll(time.Millisecond)
		}
		// Only one consumer runs at a time.
		return allow(err, syscall.EBUSY)
	}
	raceWorkers(t, 6, op, c.Close)
}
