package libbpf

/*
#include "glue_events.h"
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
// closed and with EBUSY while another of them runs (causes, which the
// exported method wraps in its OpError).
func (c *consumer) lock() error {
	if c.closed.Load() {
		return ErrClosed
	}
	if !c.mu.TryLock() {
		if c.closed.Load() {
			return ErrClosed
		}
		return errBusy
	}
	if c.closed.Load() {
		c.unlock()
		return ErrClosed
	}
	return nil
}

// errBusy is the cause of a consumer's method called while another runs.
var errBusy = fmt.Errorf("another Poll, Consume, Run or Add is running: %w", unix.EBUSY)

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
// descriptor stays open during the call. Its errors are causes: the
// caller's subject names m (consumerSubject), or the caller adds its name
// (aboutMap).
func useMap(m *Map, want MapType, call func(fd C.int) error) error {
	if !m.lock() {
		return ErrClosed
	}
	defer m.mu.RUnlock()
	if m.mapType != want {
		return fmt.Errorf("map type is %s, want %s: %w", m.mapType, want, unix.EINVAL)
	}
	fd, ok := m.loadedFD()
	if !ok {
		return errNotLoaded
	}
	return call(fd)
}

// consumerSubject returns the subject of an event consumer of kind ("ring
// buffer", "perf buffer", "user ring buffer") made on m: the kind and m's
// name, "ring buffer events"; for a map without a name, "ring buffer of
// map id 12"; for a nil map, the kind alone. It reads only the map's
// name, fixed at open, so that it works on a closed map.
func consumerSubject(kind string, m *Map) string {
	switch {
	case m == nil:
		return kind
	case m.name != "":
		return kind + " " + m.name
	}
	return kind + " of " + m.subject()
}

// aboutMap adds m's subject to err, an error of useMap or of a call on m,
// for a method whose own subject is another map's (RingBuffer.Add).
func aboutMap(m *Map, err error) error {
	if err == nil {
		return nil
	}
	if ce, ok := err.(*callError); ok {
		return &callError{call: ce.call, err: fmt.Errorf("%s: %w", m.subject(), ce.err)}
	}
	return fmt.Errorf("%s: %w", m.subject(), err)
}
