package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// batchLimit is the size in bytes at which a batch stops growing and is
// handed to Go: big enough that the one cgo call per batch is spread over
// thousands of small samples, small enough to stay in the CPU caches.
const batchLimit = 128 << 10

// RingBuffer consumes BPF ring buffer maps (BPF_MAP_TYPE_RINGBUF, kernel
// 5.8) with libbpf's struct ring_buffer: one or more rings, each with its
// own callback, behind one epoll set.
//
// The samples are read by libbpf in C and copied into a C batch, and Go
// calls the callbacks by walking that batch after each cgo call returns;
// the cost of entering C is paid once per batch of samples, not once per
// sample, and delivering a sample does not allocate. The data slice given
// to a callback points into that C memory: it is valid only until the
// callback returns, and the callback must copy it to keep any of it.
//
// A RingBuffer has one consumer at a time: Poll, Consume, Run and Add fail
// with an error wrapping EBUSY while another of them runs on the same
// RingBuffer, including from inside a callback. Close and EpollFD may be
// called from any goroutine at any time; Close wakes a blocked Poll or Run,
// which then returns an error wrapping ErrClosed.
//
// The RingBuffer keeps the rings mapped, so it keeps working after the
// Object that owns the maps is closed. Nothing frees it but Close.
type RingBuffer struct {
	consumer
	// c is the C state; set to nil by release, under mu and wakeMu.
	c *C.struct_lbg_ringbuf
	// fns and names are the callback and the map name of each ring, by
	// the index the C side tags the ring's records with.
	fns   []func(data []byte) error
	names []string
}

// consumer is what RingBuffer and PerfBuffer share: the single-consumer
// lock, the Close-during-Poll protocol and the walk over a C batch.
//
// Close must never free the C state while a Poll is inside C, nor while a
// callback reads a batch. Close therefore first marks the consumer closed
// and writes to the eventfd that the poll waits on next to libbpf's epoll
// fd, so a blocked Poll returns at once. Then, unless a callback is
// running (it may be the caller itself), Close takes mu, which waits for
// the Poll to leave C and return, and frees. If a callback is running,
// Close returns at once and the Poll or Consume that runs the callback
// stops after it and frees on its way out (see unlock).
type consumer struct {
	// mu is held by Poll, Consume and Add for their whole run, and by
	// Close to free the C state.
	mu sync.Mutex
	// closed is set once by Close, before anything else it does.
	closed atomic.Bool
	// delivering is true while callbacks run.
	delivering atomic.Bool
	// wakeMu guards wakeFD, so that waking never writes to a descriptor
	// that release has closed (and the kernel may have reused).
	wakeMu sync.Mutex
	// wakeFD is the eventfd of the poll's epoll set; -1 once released.
	wakeFD int
	// epollFD is libbpf's epoll fd, returned by EpollFD.
	epollFD int
	// pos is the offset in the current batch of the next record to
	// deliver; records after a callback error wait there for the next
	// Poll or Consume.
	pos int
	// release frees the C state; called once, holding mu.
	release func()
}

// init sets up the consumer around the C state's descriptors.
func (c *consumer) init(wakeFD, epollFD C.int, release func()) {
	c.wakeFD = int(wakeFD)
	c.epollFD = int(epollFD)
	c.release = func() {
		c.wakeMu.Lock()
		defer c.wakeMu.Unlock()
		c.wakeFD = -1
		release()
	}
}

// lock takes mu for Poll, Consume or Add, failing with ErrClosed once
// closed and with EBUSY while another of them runs.
func (c *consumer) lock(fn string) error {
	if c.closed.Load() {
		return closedError(fn)
	}
	if !c.mu.TryLock() {
		if c.closed.Load() {
			return closedError(fn)
		}
		return fmt.Errorf("%s: another Poll, Consume, Run or Add is running: %w", fn, unix.EBUSY)
	}
	if c.closed.Load() {
		c.unlock()
		return closedError(fn)
	}
	return nil
}

// unlock releases mu, freeing the C state first if Close was called while
// the lock was held (Close leaves that to us when a callback was running).
func (c *consumer) unlock() {
	if c.closed.Load() && c.wakeFD >= 0 {
		c.release()
	}
	c.mu.Unlock()
}

// wake makes a blocked poll return; a poll that starts later returns at
// once, having drained the eventfd.
func (c *consumer) wake() {
	c.wakeMu.Lock()
	defer c.wakeMu.Unlock()
	if c.wakeFD < 0 {
		return
	}
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	// An eventfd write only fails when its counter would overflow, and
	// then the poll is woken anyway.
	_, _ = unix.Write(c.wakeFD, one[:])
}

// close implements Close for both kinds of buffer.
func (c *consumer) close() {
	if c.closed.Swap(true) {
		return
	}
	c.wake()
	if c.delivering.Load() {
		return
	}
	c.mu.Lock()
	if c.wakeFD >= 0 {
		c.release()
	}
	c.mu.Unlock()
}

// run implements Run: Poll without a time limit until ctx is done, woken
// by ctx through the eventfd.
func (c *consumer) run(ctx context.Context, poll func(time.Duration) (int, error)) error {
	stop := context.AfterFunc(ctx, c.wake)
	defer stop()
	for ctx.Err() == nil {
		if _, err := poll(-1); err != nil {
			return err
		}
	}
	return nil
}

// arena returns the records of batch b as a Go slice. b.buf holds b.len
// bytes of C memory written by the C callbacks during the last lbg_*_poll
// or lbg_*_consume call; it stays put until the next such call, which only
// the holder of mu makes.
func arena(b *C.struct_lbg_batch) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(b.buf)), int(b.len))
}

// record returns the tag and data of the record at pos in arena, and where
// the next record starts.
func record(arena []byte, pos int) (tag uint32, data []byte, next int) {
	head := arena[pos : pos+int(C.sizeof_struct_lbg_rec)]
	size := int(binary.NativeEndian.Uint32(head))
	tag = binary.NativeEndian.Uint32(head[4:])
	start := pos + len(head)
	// The capacity ends with the sample, so appending to it copies.
	return tag, arena[start : start+size : start+size], start + (size+7)&^7
}

// timeoutMillis converts a Poll timeout to epoll_wait's milliseconds,
// rounding up so that a short timeout does not become a busy poll; a
// negative timeout means no limit.
func timeoutMillis(d time.Duration) C.int {
	if d < 0 {
		return -1
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if ms > math.MaxInt32 {
		ms = math.MaxInt32
	}
	return C.int(ms)
}

// useMap checks that m is an open, loaded map of type want and calls call
// with its file descriptor, under the object's read lock so that the
// descriptor stays open during the call.
func useMap(m *Map, fn string, want MapType, call func(fd C.int) error) error {
	if !m.lock() {
		return m.closed(fn)
	}
	defer m.obj.mu.RUnlock()
	if m.mapType != want {
		return fmt.Errorf("map %s: %s: map type is %s, want %s: %w", m.name, fn, m.mapType, want, unix.EINVAL)
	}
	fd := m.cFD()
	if !m.obj.loaded || fd < 0 {
		return m.notLoaded(fn)
	}
	return call(fd)
}

// NewRingBuffer starts consuming the BPF_MAP_TYPE_RINGBUF map m (kernel
// 5.8) with ring_buffer__new; fn is called for each sample, in the order
// the BPF side committed them. m must belong to a loaded object. Other
// rings can join with Add. Close releases the RingBuffer.
//
// data is valid only while fn runs (it points into C memory that the next
// batch overwrites): copy it to keep it. An error from fn stops the
// delivery and is returned, wrapped, by the Poll or Consume that called fn.
func NewRingBuffer(m *Map, fn func(data []byte) error) (*RingBuffer, error) {
	const what = "ring_buffer__new"
	if fn == nil {
		return nil, fmt.Errorf("%s: nil callback: %w", what, unix.EINVAL)
	}
	r := &RingBuffer{}
	err := useMap(m, what, MapTypeRingBuf, func(fd C.int) error {
		c, err := C.lbg_ringbuf_new(fd, batchLimit)
		if c == nil {
			return fmt.Errorf("map %s: %s: %w", m.name, what, ptrErr(err))
		}
		r.c = c
		r.names = append(r.names, m.name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.fns = append(r.fns, fn)
	r.init(r.c.wake_fd, C.ring_buffer__epoll_fd(r.c.rb), func() {
		C.lbg_ringbuf_free(r.c)
		r.c = nil
	})
	return r, nil
}

// Add adds the BPF_MAP_TYPE_RINGBUF map m to the RingBuffer with
// ring_buffer__add, with its own callback fn, under the same rules as
// NewRingBuffer. Poll then waits for all the rings at once and each ring's
// samples go to its own callback, in order within the ring.
//
// Add fails with an error wrapping EBUSY while Poll, Consume or Run runs.
func (r *RingBuffer) Add(m *Map, fn func(data []byte) error) error {
	const what = "ring_buffer__add"
	if r == nil {
		return closedError(what)
	}
	if fn == nil {
		return fmt.Errorf("%s: nil callback: %w", what, unix.EINVAL)
	}
	if err := r.lock(what); err != nil {
		return err
	}
	defer r.unlock()
	return useMap(m, what, MapTypeRingBuf, func(fd C.int) error {
		ret := C.lbg_ringbuf_add(r.c, fd)
		if ret < 0 {
			return fmt.Errorf("map %s: %s: %w", m.name, what, errnoErr(ret))
		}
		r.fns = append(r.fns, fn)
		r.names = append(r.names, m.name)
		return nil
	})
}

// Poll waits up to timeout for samples in any ring (a negative timeout
// waits without limit), then consumes every ring as Consume does. It
// returns the number of samples delivered to the callbacks. It returns 0
// before the timeout when woken by the end of a Run's context.
// Libbpf's ring_buffer__poll is replaced by an epoll set of our own that
// holds libbpf's epoll fd and an eventfd, so that Close can wake it; the
// rings are then read with ring__consume.
//
// When a callback returns an error, Poll stops and returns it wrapped,
// with the number of samples delivered so far, counting the one that
// failed. Samples already taken from the rings but not yet delivered are
// delivered first by the next Poll or Consume. Poll returns an error
// wrapping ErrClosed when the RingBuffer is closed, also when Close is
// called during the Poll.
func (r *RingBuffer) Poll(timeout time.Duration) (int, error) {
	if r == nil {
		return 0, closedError("ring_buffer__poll")
	}
	if err := r.lock("ring_buffer__poll"); err != nil {
		return 0, err
	}
	defer r.unlock()
	return r.collect(true, timeoutMillis(timeout))
}

// Consume reads every ring without waiting, with ring__consume (the
// per-ring form of ring_buffer__consume, so that a full batch can resume
// at the ring where it stopped), and calls the callbacks for all the
// samples available. It returns the number delivered, with the same
// error rules as Poll.
func (r *RingBuffer) Consume() (int, error) {
	if r == nil {
		return 0, closedError("ring_buffer__consume")
	}
	if err := r.lock("ring_buffer__consume"); err != nil {
		return 0, err
	}
	defer r.unlock()
	return r.collect(false, 0)
}

// Run polls until ctx is done, calling the callbacks as Poll does. It
// returns nil when ctx is done, and otherwise the first error of Poll,
// such as a callback's error or ErrClosed after Close. The end of ctx
// wakes a blocked poll at once.
func (r *RingBuffer) Run(ctx context.Context) error {
	if r == nil {
		return closedError("ring_buffer__poll")
	}
	return r.run(ctx, r.Poll)
}

// EpollFD returns libbpf's epoll file descriptor for the rings
// (ring_buffer__epoll_fd), or -1 once closed, to wait for samples in
// another event loop and then call Consume. It belongs to the RingBuffer
// and is closed by Close.
func (r *RingBuffer) EpollFD() int {
	if r == nil || r.closed.Load() {
		return -1
	}
	return r.epollFD
}

// Close stops the RingBuffer and frees it with ring_buffer__free. A Poll
// or Run blocked in another goroutine returns at once with an error
// wrapping ErrClosed, and Close waits for it to leave C before freeing.
// Called from a callback (or while one runs), Close returns at once and
// the running Poll or Consume stops after that callback and frees the
// RingBuffer as it returns. Close is idempotent and returns nil.
func (r *RingBuffer) Close() error {
	if r == nil {
		return nil
	}
	r.close()
	return nil
}

// collect delivers what a previous call left in the batch, then fills and
// delivers batches (one cgo call each) until libbpf has nothing more for
// this call: poll waits for the first batch, up to timeout.
func (r *RingBuffer) collect(poll bool, timeout C.int) (int, error) {
	b := &r.c.batch
	total := 0
	for round := 0; ; round++ {
		n, err := r.deliver(b)
		total += n
		if err != nil {
			return total, err
		}
		// A batch that did not stop on its limit ended the call.
		if round > 0 && b.stopped == 0 {
			return total, nil
		}
		what := "ring_buffer__consume"
		var ret C.int
		// Wait only when there is nothing to deliver already.
		if round == 0 && poll && total == 0 && b.stopped == 0 {
			what = "ring_buffer__poll"
			// r.c is valid under mu.
			ret = C.lbg_ringbuf_poll(r.c, timeout)
		} else {
			ret = C.lbg_ringbuf_consume(r.c)
		}
		r.pos = 0
		switch {
		case ret == C.LBG_WAIT_WOKEN:
			if r.closed.Load() {
				return total, closedError(what)
			}
			return total, nil
		case ret < 0:
			// Deliver the samples copied before the failure first.
			n, err := r.deliver(b)
			total += n
			if err != nil {
				return total, err
			}
			return total, fmt.Errorf("%s: %w", what, errnoErr(ret))
		}
	}
}

// deliver calls the callbacks for the records of b from pos on. It stops
// at a callback's error, or with ErrClosed once Close was called.
func (r *RingBuffer) deliver(b *C.struct_lbg_batch) (int, error) {
	recs := arena(b)
	if r.pos >= len(recs) {
		return 0, nil
	}
	r.delivering.Store(true)
	defer r.delivering.Store(false)
	n := 0
	for r.pos < len(recs) {
		if r.closed.Load() {
			return n, closedError("ring_buffer__consume")
		}
		ring, data, next := record(recs, r.pos)
		r.pos = next
		n++
		if err := r.fns[ring](data); err != nil {
			return n, fmt.Errorf("ring buffer %s: callback: %w", r.names[ring], err)
		}
	}
	// Closed by the last callback: consume nothing more.
	if r.closed.Load() {
		return n, closedError("ring_buffer__consume")
	}
	return n, nil
}
