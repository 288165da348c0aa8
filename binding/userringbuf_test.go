package libbpf_test

import (
	"encoding/binary"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

const (
	// userRingSize is RING_SIZE of testdata/userringbuf.bpf.c.
	userRingSize = 4096
	// userHeaderSize is the size of struct header of userringbuf.bpf.c.
	userHeaderSize = 8
	// bpfFuncUserRingbufDrain is BPF_FUNC_user_ringbuf_drain.
	bpfFuncUserRingbufDrain = 209
)

// probeUserRingBuffer reports whether the kernel has user ring buffers and
// lets syscall programs drain them (kernel 6.1).
func probeUserRingBuffer() error {
	if err := libbpf.ProbeMapType(libbpf.MapTypeUserRingBuf); err != nil {
		return err
	}
	return libbpf.ProbeHelper(libbpf.ProgramTypeSyscall, bpfFuncUserRingbufDrain)
}

// userRing is a loaded testdata/userringbuf.bpf.c.
type userRing struct {
	obj   *libbpf.Object
	ring  *libbpf.Map
	drain *libbpf.Program
}

// loadUserRing loads userringbuf.bpf.c, skipping the test when the kernel
// lacks user ring buffers.
func loadUserRing(t testing.TB) userRing {
	t.Helper()
	requireFeature(t, probeUserRingBuffer)
	obj := loadObject(t, "userringbuf")
	return userRing{obj: obj, ring: objMap(t, obj, "user_ring"), drain: program(t, obj, "drain")}
}

// newUserRingBuffer creates a producer for u's ring and closes it when the
// test ends.
func newUserRingBuffer(t testing.TB, u userRing) *libbpf.UserRingBuffer {
	t.Helper()
	rb, err := libbpf.NewUserRingBuffer(u.ring)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, rb.Close()) })
	return rb
}

// runDrain runs the drain program once and returns how many samples
// bpf_user_ringbuf_drain read.
func (u userRing) runDrain(t testing.TB) int {
	t.Helper()
	res, err := u.drain.TestRun(nil)
	require.NoError(t, err)
	n := int(int32(res.ReturnValue))
	require.GreaterOrEqual(t, n, 0, "bpf_user_ringbuf_drain failed: %v", unix.Errno(-n))
	return n
}

// global reads one of the program's __u32 globals.
func (u userRing) global(t testing.TB, name string) uint32 {
	t.Helper()
	value := make([]byte, 4)
	require.NoError(t, u.obj.Global(name, value))
	return binary.NativeEndian.Uint32(value)
}

// sampleHeader is struct header of userringbuf.bpf.c.
type sampleHeader struct {
	seq, size uint32
}

// seen returns the headers of the first n samples the program drained.
func (u userRing) seen(t testing.TB, n int) []sampleHeader {
	t.Helper()
	seen := objMap(t, u.obj, "seen")
	out := make([]sampleHeader, n)
	value := make([]byte, userHeaderSize)
	for i := range out {
		require.NoError(t, seen.Lookup(u32(uint32(i)), value))
		out[i] = sampleHeader{binary.NativeEndian.Uint32(value), binary.NativeEndian.Uint32(value[4:])}
	}
	return out
}

// fillSample writes a test sample into b: the header with seq and len(b),
// then bytes equal to the low byte of seq.
func fillSample(b []byte, seq uint32) {
	binary.NativeEndian.PutUint32(b, seq)
	binary.NativeEndian.PutUint32(b[4:], uint32(len(b)))
	for i := userHeaderSize; i < len(b); i++ {
		b[i] = byte(seq)
	}
}

func newSample(seq uint32, size int) []byte {
	b := make([]byte, size)
	fillSample(b, seq)
	return b
}

// sampleSize gives the samples of the tests varied sizes, from the header
// alone to a few hundred bytes, not all multiples of 8.
func sampleSize(i int) int { return userHeaderSize + (i*37)%301 }

// fillRing writes samples of size bytes until the ring is full and
// returns how many it wrote.
func fillRing(t testing.TB, rb *libbpf.UserRingBuffer, size int) int {
	t.Helper()
	for n := 0; ; n++ {
		err := rb.Write(newSample(uint32(n), size))
		if errors.Is(err, unix.ENOSPC) {
			return n
		}
		require.NoError(t, err)
		require.Less(t, n, userRingSize, "the ring never fills")
	}
}

// Samples written with Write and with Reserve and Submit, of varied sizes,
// reach the BPF program each once, in order, with their size and content.
func TestUserRingBufferDeliversInOrder(t *testing.T) {
	u := loadUserRing(t)
	rb := newUserRingBuffer(t, u)
	const n = 500
	drained := 0
	for i := range n {
		size := sampleSize(i)
		for {
			var err error
			if i%2 == 0 {
				err = rb.Write(newSample(uint32(i), size))
			} else {
				var s []byte
				if s, err = rb.Reserve(size); err == nil {
					require.Len(t, s, size)
					fillSample(s, uint32(i))
					err = rb.Submit(s)
				}
			}
			if !errors.Is(err, unix.ENOSPC) {
				require.NoError(t, err)
				break
			}
			got := u.runDrain(t)
			require.Positive(t, got, "a drain of a full ring reads samples")
			drained += got
		}
	}
	drained += u.runDrain(t)
	assert.Equal(t, n, drained, "samples read by the drains")
	assert.Equal(t, uint32(n), u.global(t, "received"))
	assert.Zero(t, u.global(t, "bad"), "samples with a wrong size or content")
	want := make([]sampleHeader, n)
	for i := range want {
		want[i] = sampleHeader{uint32(i), uint32(sampleSize(i))}
	}
	assert.Equal(t, want, u.seen(t, n))
	assert.Zero(t, u.runDrain(t), "nothing is read twice")
}

// A full ring refuses Reserve and Write with ENOSPC; discarded samples are
// skipped by the drain, which frees their room.
func TestUserRingBufferFull(t *testing.T) {
	u := loadUserRing(t)
	rb := newUserRingBuffer(t, u)
	const size = 100 // a 112-byte record with its header
	var samples [][]byte
	for {
		s, err := rb.Reserve(size)
		if err != nil {
			require.ErrorIs(t, err, unix.ENOSPC)
			assert.Contains(t, err.Error(), "user_ring")
			break
		}
		samples = append(samples, s)
		require.Less(t, len(samples), userRingSize)
	}
	assert.Len(t, samples, userRingSize/112)
	assert.ErrorIs(t, rb.Write(newSample(0, size)), unix.ENOSPC)

	// Discarding does not make room by itself: the drain must pass the
	// samples.
	for _, s := range samples[:len(samples)-1] {
		require.NoError(t, rb.Discard(s))
	}
	_, err := rb.Reserve(size)
	assert.ErrorIs(t, err, unix.ENOSPC, "room before the drain")
	last := samples[len(samples)-1]
	fillSample(last, 7)
	require.NoError(t, rb.Submit(last))
	assert.Equal(t, 1, u.runDrain(t), "the drain skips the discarded samples")
	assert.Equal(t, []sampleHeader{{7, size}}, u.seen(t, 1))

	// The ring has come round: these samples wrap past its end. They are
	// committed newest first, each found among the reserved ones.
	again := make([][]byte, len(samples))
	for i := range again {
		again[i], err = rb.Reserve(size)
		require.NoError(t, err, "sample %d after the drain", i)
	}
	for i := len(again) - 1; i > 0; i-- {
		require.NoError(t, rb.Discard(again[i]))
	}
	fillSample(again[0], 8)
	require.NoError(t, rb.Submit(again[0]))
	assert.Equal(t, 1, u.runDrain(t))
	assert.Equal(t, []sampleHeader{{7, size}, {8, size}}, u.seen(t, 2))
	assert.Zero(t, u.global(t, "bad"))
}

// A sample still reserved holds back the samples reserved after it, and
// the drain then reads them in reservation order, not submission order.
func TestUserRingBufferReservationOrder(t *testing.T) {
	u := loadUserRing(t)
	rb := newUserRingBuffer(t, u)
	first, err := rb.Reserve(16)
	require.NoError(t, err)
	require.NoError(t, rb.Write(newSample(2, 21)))
	third, err := rb.Reserve(24)
	require.NoError(t, err)
	fillSample(first, 1)
	fillSample(third, 3)
	require.NoError(t, rb.Submit(third))
	require.NoError(t, rb.Write(newSample(4, 32)))
	assert.Zero(t, u.runDrain(t), "the reserved first sample holds the others back")
	require.NoError(t, rb.Submit(first))
	assert.Equal(t, 4, u.runDrain(t))
	assert.Equal(t, []sampleHeader{{1, 16}, {2, 21}, {3, 24}, {4, 32}}, u.seen(t, 4))
}

// ReserveBlocking on a full ring times out with ENOSPC, and returns a
// sample as soon as a drain makes room.
func TestUserRingBufferReserveBlocking(t *testing.T) {
	u := loadUserRing(t)
	rb := newUserRingBuffer(t, u)
	const size = 200
	written := fillRing(t, rb, size)
	require.Positive(t, written)

	const timeout = 50 * time.Millisecond
	start := time.Now()
	_, err := rb.ReserveBlocking(size, timeout)
	assert.ErrorIs(t, err, unix.ENOSPC)
	assert.GreaterOrEqual(t, time.Since(start), timeout, "returned before the timeout")
	_, err = rb.ReserveBlocking(size, 0)
	assert.ErrorIs(t, err, unix.ENOSPC, "a zero timeout does not wait")

	// The ring has some room, less than a sample needs: the map polls
	// writable all along, and the wait must still sleep, not spin.
	const wait = 300 * time.Millisecond
	// Only the waiting thread's CPU time counts: the process's would add
	// whatever its other threads do meanwhile (the runtime's, other
	// tests' leftovers), which on a loaded machine was most of the wait.
	runtime.LockOSThread()
	cpu := threadCPUTime(t)
	_, err = rb.ReserveBlocking(size, wait)
	spent := threadCPUTime(t) - cpu
	runtime.UnlockOSThread()
	assert.ErrorIs(t, err, unix.ENOSPC)
	// Waiting takes well under a millisecond of CPU; spinning takes a
	// good part of the wait even on a busy machine.
	assert.Less(t, spent, wait/20, "CPU time spent waiting %v for room", wait)

	type result struct {
		sample []byte
		err    error
	}
	done := make(chan result, 1)
	go func() {
		s, err := rb.ReserveBlocking(size, time.Minute)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		t.Fatalf("ReserveBlocking returned on a full ring: %v", r.err)
	case <-time.After(100 * time.Millisecond):
	}
	drainedAt := time.Now()
	require.Equal(t, written, u.runDrain(t))
	select {
	case r := <-done:
		require.NoError(t, r.err)
		assert.Less(t, time.Since(drainedAt), 10*time.Second)
		fillSample(r.sample, 99)
		require.NoError(t, rb.Submit(r.sample))
	case <-time.After(30 * time.Second):
		t.Fatal("ReserveBlocking still waits after the drain made room")
	}
	assert.Equal(t, 1, u.runDrain(t))
	assert.Equal(t, sampleHeader{99, size}, u.seen(t, written+1)[written])
}

// threadCPUTime returns the CPU time the calling thread has used; the
// goroutine must be locked to its thread (runtime.LockOSThread).
func threadCPUTime(t testing.TB) time.Duration {
	t.Helper()
	var ru unix.Rusage
	require.NoError(t, unix.Getrusage(unix.RUSAGE_THREAD, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Close wakes a ReserveBlocking that waits without a time limit.
func TestUserRingBufferCloseWakesReserveBlocking(t *testing.T) {
	u := loadUserRing(t)
	rb := newUserRingBuffer(t, u)
	require.Positive(t, fillRing(t, rb, 64))
	done := make(chan error, 1)
	go func() {
		_, err := rb.ReserveBlocking(64, -1)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	require.NoError(t, rb.Close())
	select {
	case err := <-done:
		assert.ErrorIs(t, err, libbpf.ErrClosed)
	case <-time.After(10 * time.Second):
		t.Fatal("ReserveBlocking still waits after Close")
	}
}

// Several goroutines write concurrently, one of them waiting for room with
// ReserveBlocking, while the test drains: every sample arrives once, and
// each writer's samples in the order it wrote them.
func TestUserRingBufferConcurrentWriters(t *testing.T) {
	u := loadUserRing(t)
	rb := newUserRingBuffer(t, u)
	const writers, each = 4, 200
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				seq := uint32(w*1000 + i)
				size := sampleSize(w*each + i)
				if w == 0 {
					s, err := rb.ReserveBlocking(size, time.Minute)
					if err != nil {
						errs <- err
						return
					}
					fillSample(s, seq)
					if err := rb.Submit(s); err != nil {
						errs <- err
						return
					}
					continue
				}
				for {
					err := rb.Write(newSample(seq, size))
					if err == nil {
						break
					}
					if !errors.Is(err, unix.ENOSPC) {
						errs <- err
						return
					}
					time.Sleep(100 * time.Microsecond)
				}
			}
		})
	}
	const total = writers * each
	deadline := time.Now().Add(time.Minute)
	received := 0
	for received < total && time.Now().Before(deadline) {
		received += u.runDrain(t)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, total, received)
	assert.Zero(t, u.global(t, "bad"))
	next := make([]int, writers)
	for _, h := range u.seen(t, total) {
		w, i := int(h.seq/1000), int(h.seq%1000)
		require.Less(t, w, writers, "unknown sample %d", h.seq)
		assert.Equal(t, next[w], i, "writer %d's samples out of order", w)
		assert.Equal(t, uint32(sampleSize(w*each+i)), h.size)
		next[w] = i + 1
	}
	assert.Equal(t, []int{each, each, each, each}, next)
}

// In a ring larger than 16 MiB a sample still stops at 2^24-1 bytes, the
// most a drain hands to BPF as a dynptr.
func TestUserRingBufferDynptrLimit(t *testing.T) {
	requireFeature(t, probeUserRingBuffer)
	obj := openObject(t, "userringbuf", nil)
	ring := objMap(t, obj, "user_ring")
	require.NoError(t, ring.SetMaxEntries(1<<25))
	requireLoad(t, obj)
	rb, err := libbpf.NewUserRingBuffer(ring)
	require.NoError(t, err)
	defer func() { assert.NoError(t, rb.Close()) }()
	_, err = rb.Reserve(1 << 24)
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize)
	s, err := rb.Reserve(1<<24 - 1)
	require.NoError(t, err)
	require.NoError(t, rb.Discard(s))
}

// Submit and Discard take only a slice Reserve returned and not yet
// committed; sizes outside 1 to the ring size less the header are refused
// before libbpf sees them.
func TestUserRingBufferBadInput(t *testing.T) {
	u := loadUserRing(t)
	rb := newUserRingBuffer(t, u)
	const maxSample = userRingSize - 8
	for _, size := range []int{0, -1, maxSample + 1, 1 << 40} {
		_, err := rb.Reserve(size)
		assert.ErrorIs(t, err, libbpf.ErrInvalidSize, "Reserve(%d)", size)
		_, err = rb.ReserveBlocking(size, time.Second)
		assert.ErrorIs(t, err, libbpf.ErrInvalidSize, "ReserveBlocking(%d)", size)
	}
	assert.ErrorIs(t, rb.Write(nil), libbpf.ErrInvalidSize)
	assert.ErrorIs(t, rb.Write(make([]byte, maxSample+1)), libbpf.ErrInvalidSize)
	whole, err := rb.Reserve(maxSample)
	require.NoError(t, err, "a sample filling the whole ring")
	require.NoError(t, rb.Discard(whole))
	assert.Zero(t, u.runDrain(t))

	s, err := rb.Reserve(64)
	require.NoError(t, err)
	for name, bad := range map[string][]byte{
		"nil":         nil,
		"Go memory":   make([]byte, 64),
		"later start": s[8:],
		"shorter":     s[:32],
		"empty":       s[:0],
	} {
		assert.ErrorIs(t, rb.Submit(bad), unix.EINVAL, "Submit(%s)", name)
		assert.ErrorIs(t, rb.Discard(bad), unix.EINVAL, "Discard(%s)", name)
	}
	fillSample(s, 5)
	require.NoError(t, rb.Submit(s))
	assert.ErrorIs(t, rb.Submit(s), unix.EINVAL, "second Submit")
	assert.ErrorIs(t, rb.Discard(s), unix.EINVAL, "Discard after Submit")
	d, err := rb.Reserve(64)
	require.NoError(t, err)
	require.NoError(t, rb.Discard(d))
	assert.ErrorIs(t, rb.Discard(d), unix.EINVAL, "second Discard")
	assert.ErrorIs(t, rb.Submit(d), unix.EINVAL, "Submit after Discard")
	assert.Equal(t, 1, u.runDrain(t), "the sample was submitted once, the discarded one skipped")
	assert.Equal(t, []sampleHeader{{5, 64}}, u.seen(t, 1))
	assert.Zero(t, u.global(t, "bad"))
}

// Close is idempotent, every method fails with ErrClosed afterwards, and
// the samples still reserved are discarded, so that a later producer's
// samples get through.
func TestUserRingBufferClose(t *testing.T) {
	u := loadUserRing(t)
	rb, err := libbpf.NewUserRingBuffer(u.ring)
	require.NoError(t, err)
	s, err := rb.Reserve(32)
	require.NoError(t, err)
	require.NoError(t, rb.Close())
	require.NoError(t, rb.Close(), "second Close")

	_, err = rb.Reserve(32)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = rb.Reserve(0)
	assert.ErrorIs(t, err, libbpf.ErrClosed, "closed comes before the size check")
	_, err = rb.ReserveBlocking(32, time.Second)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.ErrorIs(t, rb.Submit(s), libbpf.ErrClosed)
	assert.ErrorIs(t, rb.Discard(s), libbpf.ErrClosed)
	assert.ErrorIs(t, rb.Write(newSample(1, 32)), libbpf.ErrClosed)

	next := newUserRingBuffer(t, u)
	require.NoError(t, next.Write(newSample(2, 40)))
	assert.Equal(t, 1, u.runDrain(t), "the sample reserved at Close was discarded")
	assert.Equal(t, []sampleHeader{{2, 40}}, u.seen(t, 1))

	var nilRing *libbpf.UserRingBuffer
	_, err = nilRing.Reserve(8)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = nilRing.ReserveBlocking(8, 0)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.ErrorIs(t, nilRing.Submit(s), libbpf.ErrClosed)
	assert.ErrorIs(t, nilRing.Discard(s), libbpf.ErrClosed)
	assert.ErrorIs(t, nilRing.Write(s), libbpf.ErrClosed)
	assert.NoError(t, nilRing.Close())
}

// Closing a UserRingBuffer while other goroutines write, reserve, submit,
// discard, wait for room and drain: every call works, finds the ring
// full, or fails with ErrClosed, and nothing crashes or hangs. (The
// workers do not touch the reserved slices, which Close unmaps.)
func TestRaceUserRingBufferCloseWhileInUse(t *testing.T) {
	u := loadUserRing(t)
	rb, err := libbpf.NewUserRingBuffer(u.ring)
	require.NoError(t, err)
	sample := newSample(1, 32)
	op := func(w, round int) error {
		switch (w + round) % 4 {
		case 0:
			return allow(rb.Write(sample), unix.ENOSPC)
		case 1:
			s, err := rb.Reserve(48)
			if err != nil {
				return allow(err, unix.ENOSPC)
			}
			return rb.Submit(s)
		case 2:
			s, err := rb.ReserveBlocking(40, 5*time.Millisecond)
			if err != nil {
				return allow(err, unix.ENOSPC)
			}
			return rb.Discard(s)
		default:
			if _, err := u.drain.TestRun(nil); err != nil {
				return err
			}
			return allow(rb.Write(sample), unix.ENOSPC)
		}
	}
	raceWorkers(t, 6, op, rb.Close)
}

// The producer keeps the ring mapped and its own map descriptor, so it
// still writes and waits after the object is closed.
func TestUserRingBufferOutlivesObject(t *testing.T) {
	requireFeature(t, probeUserRingBuffer)
	obj, err := libbpf.OpenFile(objectPath(t, "userringbuf"), nil)
	require.NoError(t, err)
	requireLoad(t, obj)
	rb, err := libbpf.NewUserRingBuffer(objMap(t, obj, "user_ring"))
	require.NoError(t, err)
	defer func() { assert.NoError(t, rb.Close()) }()
	require.NoError(t, obj.Close())
	require.Positive(t, fillRing(t, rb, 128))
	_, err = rb.ReserveBlocking(128, 20*time.Millisecond)
	assert.ErrorIs(t, err, unix.ENOSPC)
}

// NewUserRingBuffer takes only a user ring buffer map of a loaded object.
func TestNewUserRingBufferBadMap(t *testing.T) {
	u := loadUserRing(t)
	_, err := libbpf.NewUserRingBuffer(objMap(t, u.obj, "seen"))
	assert.ErrorIs(t, err, unix.EINVAL)
	assert.ErrorContains(t, err, "want user_ringbuf")

	_, err = libbpf.NewUserRingBuffer(nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	opened := openObject(t, "userringbuf", nil)
	_, err = libbpf.NewUserRingBuffer(objMap(t, opened, "user_ring"))
	assert.ErrorIs(t, err, unix.EBADF, "object not loaded")

	closed, err := libbpf.OpenFile(objectPath(t, "userringbuf"), nil)
	require.NoError(t, err)
	ring := objMap(t, closed, "user_ring")
	require.NoError(t, closed.Close())
	_, err = libbpf.NewUserRingBuffer(ring)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// BenchmarkUserRingBufferWrite writes 64-byte samples into a 1 MiB ring,
// draining it (outside the timer) whenever it is full.
func BenchmarkUserRingBufferWrite(b *testing.B) {
	requireFeature(b, probeUserRingBuffer)
	obj := openObject(b, "userringbuf", nil)
	ring := objMap(b, obj, "user_ring")
	require.NoError(b, ring.SetMaxEntries(1<<20))
	require.NoError(b, obj.Load())
	u := userRing{obj: obj, ring: ring, drain: program(b, obj, "drain")}
	rb := newUserRingBuffer(b, u)
	sample := newSample(1, 64)
	b.ReportAllocs()
	b.SetBytes(int64(len(sample)))
	b.ResetTimer()
	for range b.N {
		err := rb.Write(sample)
		if errors.Is(err, unix.ENOSPC) {
			b.StopTimer()
			u.runDrain(b)
			b.StartTimer()
			err = rb.Write(sample)
		}
		if err != nil {
			b.Fatalf("write: %v", err)
		}
	}
}
