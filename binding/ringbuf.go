package libbpf

/*
#include "glue_events.h"
*/
import "C"

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// RingBuffer consumes BPF ring buffer maps (BPF_MAP_TYPE_RINGBUF, kernel
// 5.8): one or more rings, each with its own callback, behind one epoll
// set. libbpf's struct ring_buffer checks the maps and owns the epoll set;
// the samples are read by Go, in place, from the ring the kernel maps, in
// the kernel's ring buffer format and with the memory ordering libbpf's
// ring__consume uses (see ringbuf_inplace.go). Consume makes no cgo call at
// all, Poll one (the wait), and delivering a sample does not allocate.
//
// The data slice given to a callback is the sample in the ring: it is
// valid only until the callback returns (the kernel may then write the
// next samples over it), and it is read-only memory, so writing to it
// crashes the program with a fault Go cannot recover from. Copy it to keep
// or change any of it. This is the contract libbpf gives a C callback.
//
// A RingBuffer has one consumer at a time: Poll, Consume, ConsumeN, Run
// and Add fail with an error wrapping EBUSY while another of them runs on
// the same RingBuffer, including from inside a callback. Close, EpollFD
// and the Ring accessors may be called from any goroutine at any time;
// Close wakes a blocked Poll or Run, which then returns an error wrapping
// ErrClosed.
//
// The RingBuffer keeps the rings mapped, so it keeps working after the
// Object that owns the maps is closed. Nothing frees it but Close.
//
// Every error of its methods is an [OpError] whose Op is the method and
// whose Subject names the RingBuffer after the map given to
// NewRingBuffer: "RingBuffer.Poll ring buffer events: callback: <the
// callback's error>".
type RingBuffer struct {
	consumer
	// c is the C state; set to nil by release, under mu and wakeMu.
	c *C.struct_lbg_ringbuf
	// rings are the rings in the order they were added (the index the
	// C side tags the reference consumer's records with).
	rings []*ring
	// subj is the RingBuffer's subject in errors (see subject), set by
	// NewRingBuffer.
	subj string
	// viaLibbpf makes Poll and Consume use libbpf's own consumer
	// (ring__consume, copying into a C batch) instead of the in-place one:
	// the reference the differential tests compare with. Set only by
	// tests, before the first Poll.
	viaLibbpf bool
}

// NewRingBuffer starts consuming the BPF_MAP_TYPE_RINGBUF map m (kernel
// 5.8) with ring_buffer__new (libbpf 0.0.9); fn is called for each sample,
// in the order the BPF side reserved them, skipping the samples it
// discarded. m must be loaded: a map of a loaded Object, or a map from
// [OpenMapPinned] or [OpenMapID], whose rings a BPF program of another
// process may be writing. Other rings can join with Add. Close releases
// the RingBuffer.
//
// data is the sample in the ring, valid only while fn runs and read-only
// (see RingBuffer): copy it to keep it. An error from fn stops the
// delivery and is returned, wrapped, by the Poll or Consume that called
// fn; the failed sample counts as consumed, as in libbpf, and the samples
// after it stay in the ring for the next call. It fails with an error
// wrapping EINVAL for a map of another type, and with the errno of the
// mmap(2) of the ring otherwise.
func NewRingBuffer(m *Map, fn func(data []byte) error) (*RingBuffer, error) {
	r, err := newRingBuffer(m, fn)
	if err != nil {
		return nil, wrapOp("NewRingBuffer", consumerSubject("ring buffer", m), err)
	}
	return r, nil
}

// newRingBuffer is NewRingBuffer with its errors as causes (*callError for
// a failed call).
func newRingBuffer(m *Map, fn func(data []byte) error) (*RingBuffer, error) {
	if fn == nil {
		return nil, fmt.Errorf("nil callback: %w", unix.EINVAL)
	}
	r := &RingBuffer{subj: consumerSubject("ring buffer", m)}
	err := useMap(m, MapTypeRingBuf, func(fd C.int) error {
		rg, err := mapRing(fd, m.name, fn)
		if err != nil {
			return err
		}
		c, err := C.lbg_ringbuf_new(fd, batchLimit)
		if c == nil {
			rg.unmap()
			return &callError{call: "ring_buffer__new", err: ptrErr(err)}
		}
		r.c = c
		r.rings = append(r.rings, rg)
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.init(r.c.wake_fd, C.ring_buffer__epoll_fd(r.c.rb), func() {
		for _, rg := range r.rings {
			rg.unmap()
		}
		C.lbg_ringbuf_free(r.c)
		r.c = nil
	})
	return r, nil
}

// Add adds the BPF_MAP_TYPE_RINGBUF map m to the RingBuffer with
// ring_buffer__add (libbpf 0.0.9), with its own callback fn, under the
// same rules as NewRingBuffer. Poll then waits for all the rings at once
// and each ring's samples go to its own callback, in order within the
// ring; Consume reads the rings in the order they were added.
//
// Add fails with an error wrapping EBUSY while Poll, Consume or Run runs.
func (r *RingBuffer) Add(m *Map, fn func(data []byte) error) error {
	return r.wrap("RingBuffer.Add", r.add(m, fn))
}

// add is Add with its errors as causes; those about m name it.
func (r *RingBuffer) add(m *Map, fn func(data []byte) error) error {
	if r == nil {
		return ErrClosed
	}
	if fn == nil {
		return fmt.Errorf("nil callback: %w", unix.EINVAL)
	}
	if err := r.lock(); err != nil {
		return err
	}
	defer r.unlock()
	err := useMap(m, MapTypeRingBuf, func(fd C.int) error {
		rg, err := mapRing(fd, m.name, fn)
		if err != nil {
			return err
		}
		// The ring's index in libbpf's ring_buffer is its index in
		// r.rings.
		if ret := C.lbg_ringbuf_add(r.c, fd); ret < 0 {
			rg.unmap()
			return &callError{call: "ring_buffer__add", err: errnoErr(ret)}
		}
		r.rings = append(r.rings, rg)
		return nil
	})
	return aboutMap(m, err)
}

// Poll waits up to timeout for samples in any ring (a negative timeout
// waits without limit), then consumes every ring as Consume does. It
// returns the number of samples delivered to the callbacks. When a ring
// already holds data, Poll does not wait at all; otherwise it waits in an
// epoll set of its own that holds libbpf's epoll fd (ring_buffer__epoll_fd)
// and an eventfd, so that Close can wake it. Like ring_buffer__poll, it
// may return 0 before the timeout: when the data it found was discarded
// by the BPF side or is still reserved (not yet submitted), and when woken
// by the end of a Run's context. As ring_buffer__poll, it drains until the
// rings are empty: a callback that makes the BPF program emit again (a
// system call the program traces) keeps it draining; ConsumeN bounds it.
//
// When a callback returns an error, Poll stops and returns it wrapped,
// with the number of samples delivered so far, counting the one that
// failed; the samples after it wait in the ring for the next Poll or
// Consume. Poll returns an error wrapping ErrClosed when the RingBuffer is
// closed, also when Close is called during the Poll.
func (r *RingBuffer) Poll(timeout time.Duration) (int, error) {
	n, err := r.poll(timeout)
	return n, r.wrap("RingBuffer.Poll", err)
}

// poll is Poll with its errors as causes (*callError for a failed call).
func (r *RingBuffer) poll(timeout time.Duration) (int, error) {
	if r == nil {
		return 0, ErrClosed
	}
	if err := r.lock(); err != nil {
		return 0, err
	}
	defer r.unlock()
	if r.viaLibbpf {
		return r.collect(true, timeoutMillis(timeout))
	}
	if !r.ready() {
		// r.c is valid under mu.
		switch ret := C.lbg_ringbuf_wait(r.c, timeoutMillis(timeout)); {
		case ret == C.LBG_WAIT_WOKEN:
			if r.closed.Load() {
				return 0, ErrClosed
			}
			return 0, nil
		case ret < 0:
			return 0, &callError{call: "epoll_wait", err: errnoErr(ret)}
		}
	}
	return r.consumeRings(math.MaxInt)
}

// Consume reads every ring without waiting, as ring_buffer__consume
// (libbpf 0.0.9) does, and calls the callbacks for all the samples
// available, ring after ring. It returns the number delivered, with the
// same error rules as Poll. It makes no system call and no cgo call.
func (r *RingBuffer) Consume() (int, error) {
	n, err := r.consume(math.MaxInt, false)
	return n, r.wrap("RingBuffer.Consume", err)
}

// consume is Consume, or with bounded ConsumeN of limit samples at most,
// with their errors as causes.
func (r *RingBuffer) consume(limit int, bounded bool) (int, error) {
	if r == nil {
		return 0, ErrClosed
	}
	if limit < 0 {
		return 0, fmt.Errorf("n is %d: %w", limit, unix.EINVAL)
	}
	if err := r.lock(); err != nil {
		return 0, err
	}
	defer r.unlock()
	if r.viaLibbpf {
		if bounded {
			return 0, fmt.Errorf("not with libbpf's consumer: %w", unix.EOPNOTSUPP)
		}
		return r.collect(false, 0)
	}
	return r.consumeRings(limit)
}

// ConsumeN works as Consume but delivers at most n samples, as
// ring_buffer__consume_n (libbpf 1.5) does: the rings are read in the
// order they were added, each until it is empty or n samples were
// delivered in all; the rest stay in the rings. It fails with an error
// wrapping EINVAL when n is negative.
func (r *RingBuffer) ConsumeN(n int) (int, error) {
	got, err := r.consume(n, true)
	return got, r.wrap("RingBuffer.ConsumeN", err)
}

// Run polls until ctx is done, calling the callbacks as Poll does. It
// returns nil when ctx is done, and otherwise the first error of Poll,
// such as a callback's error or ErrClosed after Close. The end of ctx
// wakes a blocked poll at once. Run does not count the samples: a
// callback that needs the count keeps it.
func (r *RingBuffer) Run(ctx context.Context) error {
	if r == nil {
		return r.wrap("RingBuffer.Run", ErrClosed)
	}
	return r.wrap("RingBuffer.Run", r.run(ctx, r.poll))
}

// EpollFD returns libbpf's epoll file descriptor for the rings
// (ring_buffer__epoll_fd, libbpf 0.0.9), or -1 once closed, to wait for
// samples in another event loop and then call Consume. It belongs to the
// RingBuffer and is closed by Close.
func (r *RingBuffer) EpollFD() int {
	if r == nil || r.closed.Load() {
		return -1
	}
	return r.epollFD
}

// Close stops the RingBuffer, unmaps the rings and frees libbpf's ring
// buffer with ring_buffer__free. A Poll or Run blocked in another
// goroutine returns at once with an error wrapping ErrClosed, and Close
// waits for it to return before freeing. Called from a callback (or while
// one runs), Close returns at once and the running Poll or Consume stops
// after that callback and frees the RingBuffer as it returns. Close is
// idempotent and returns nil.
func (r *RingBuffer) Close() error {
	if r == nil {
		return nil
	}
	r.close()
	return nil
}

// Ring is one ring of a RingBuffer, for libbpf's ring__* accessors (libbpf
// 1.3, ring buffers from kernel 5.8): its size, its producer and consumer
// positions and the data not yet consumed, which is the consumer's lag as
// a metric. A Ring is valid as long as its RingBuffer: once the
// RingBuffer is closed, its methods return an error wrapping ErrClosed.
// They may be called from any goroutine, also while Poll runs; the
// positions they read move on as the producer and the consumer do.
type Ring struct {
	rb  *RingBuffer
	idx int
}

// Ring returns ring idx of the RingBuffer (ring_buffer__ring, libbpf 1.3):
// 0 for the map given to NewRingBuffer, then the maps of Add in order. It
// fails with an error wrapping EINVAL when there is no such ring and with
// ErrClosed once the RingBuffer is closed.
func (r *RingBuffer) Ring(idx int) (*Ring, error) {
	const op = "RingBuffer.Ring"
	if r == nil {
		return nil, r.wrap(op, ErrClosed)
	}
	var n int
	err := r.withC(func() error {
		n = int(r.c.ring_cnt)
		return nil
	})
	if err != nil {
		return nil, r.wrap(op, err)
	}
	if idx < 0 || idx >= n {
		return nil, r.wrap(op, fmt.Errorf("ring %d of %d: %w", idx, n, unix.EINVAL))
	}
	return &Ring{rb: r, idx: idx}, nil
}

// subject names the RingBuffer in the errors of its methods: "ring buffer
// <name>" after the map given to NewRingBuffer (see consumerSubject), or
// "ring buffer" for a nil RingBuffer. It is fixed at creation.
func (r *RingBuffer) subject() string {
	if r == nil {
		return "ring buffer"
	}
	return r.subj
}

// wrap returns err, the failure of op, as an OpError of the RingBuffer
// (see wrapOp), or nil for nil.
func (r *RingBuffer) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return wrapOp(op, r.subject(), err)
}

// callbackErr returns the cause for err, the error of rg's callback: it
// names rg's map when rg is not the RingBuffer's first ring, whose map
// the subject names.
func (r *RingBuffer) callbackErr(rg *ring, err error) error {
	if len(r.rings) > 0 && rg != r.rings[0] {
		return fmt.Errorf("callback of map %s: %w", rg.name, err)
	}
	return fmt.Errorf("callback: %w", err)
}

// withC runs fn while the C state cannot be freed: under wakeMu, which
// release holds while it frees. It fails with ErrClosed once released.
func (r *RingBuffer) withC(fn func() error) error {
	r.wakeMu.Lock()
	defer r.wakeMu.Unlock()
	if r.wakeFD < 0 || r.closed.Load() {
		return ErrClosed
	}
	return fn()
}

// subject names the ring in errors: "ring <idx> of ring buffer <name>".
func (g *Ring) subject() string {
	return "ring " + strconv.Itoa(g.idx) + " of " + g.rb.subject()
}

// u64 calls one of libbpf's ring__* accessors on the ring, with the C
// state kept alive; op names the method for its error.
func (g *Ring) u64(op string, get func(*C.struct_ring) C.size_t) (uint64, error) {
	var v uint64
	err := g.rb.withC(func() error {
		v = uint64(get(C.ring_buffer__ring(g.rb.c.rb, C.uint(g.idx))))
		return nil
	})
	if err != nil {
		return 0, wrapOp(op, g.subject(), err)
	}
	return v, nil
}

// Size returns the size of the ring's data area in bytes (ring__size,
// libbpf 1.3): the map's max_entries, a power of two.
func (g *Ring) Size() (uint64, error) {
	return g.u64("Ring.Size", func(c *C.struct_ring) C.size_t { return C.ring__size(c) })
}

// ProducerPos returns the ring's producer position (ring__producer_pos,
// libbpf 1.3): the bytes the BPF side has reserved since the ring was
// created, headers and padding included, as the kernel counts them.
func (g *Ring) ProducerPos() (uint64, error) {
	return g.u64("Ring.ProducerPos", func(c *C.struct_ring) C.size_t {
		return C.size_t(C.ring__producer_pos(c))
	})
}

// ConsumerPos returns the ring's consumer position (ring__consumer_pos,
// libbpf 1.3): the bytes consumed since the ring was created.
func (g *Ring) ConsumerPos() (uint64, error) {
	return g.u64("Ring.ConsumerPos", func(c *C.struct_ring) C.size_t {
		return C.size_t(C.ring__consumer_pos(c))
	})
}

// AvailableData returns how many bytes the ring holds that the consumer
// has not consumed (ring__avail_data_size, libbpf 1.3): the producer
// position minus the consumer position, the consumer's lag. Samples still
// reserved (not yet submitted) count too.
func (g *Ring) AvailableData() (uint64, error) {
	return g.u64("Ring.AvailableData", func(c *C.struct_ring) C.size_t { return C.ring__avail_data_size(c) })
}

// MapFD returns the descriptor of the ring's map (ring__map_fd, libbpf
// 1.3), which belongs to the map's owner (the Object, or the Map opened
// without one), not to the RingBuffer.
func (g *Ring) MapFD() (int, error) {
	var fd int
	err := g.rb.withC(func() error {
		fd = int(C.ring__map_fd(C.ring_buffer__ring(g.rb.c.rb, C.uint(g.idx))))
		return nil
	})
	if err != nil {
		return fd, wrapOp("Ring.MapFD", g.subject(), err)
	}
	return fd, nil
}
