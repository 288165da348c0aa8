package libbpf

/*
#include "glue_events.h"
*/
import "C"

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxDynptrSize is the largest sample bpf_user_ringbuf_drain accepts: it
// hands each sample to the BPF program as a dynptr, which holds at most
// 2^24-1 bytes. A larger sample would stop every later drain with E2BIG.
const maxDynptrSize = 1<<24 - 1

// UserRingBuffer produces samples for a BPF_MAP_TYPE_USER_RINGBUF map
// (kernel 6.1) with libbpf's struct user_ring_buffer: user space writes
// samples into the ring, and BPF programs read them with
// bpf_user_ringbuf_drain.
//
// Reserve hands out a slice over a sample in the ring itself (memory
// shared with the kernel, no copy) to fill and then Submit or Discard;
// Write copies a whole sample in one call. The BPF program reads the
// samples in the order they were reserved, and only once submitted: a
// sample still reserved holds back those reserved after it, even if they
// were submitted. A sample's space is free again once a drain has passed
// it (a drain skips discarded samples).
//
// libbpf's producer functions must not run concurrently, so the
// UserRingBuffer serialises them with a mutex: all its methods may be
// called from any goroutine. ReserveBlocking waits without holding the
// mutex, so that other goroutines can submit meanwhile. The ring has a
// single producer: two UserRingBuffers on the same map, in this process
// or another, corrupt it.
//
// The UserRingBuffer keeps the ring mapped and holds its own duplicate of
// the map's descriptor, so it keeps working after the Object that owns
// the map is closed. Nothing frees it but Close.
//
// Every error of its methods is an [OpError] whose Op is the method and
// whose Subject is "user ring buffer <map name>".
type UserRingBuffer struct {
	// mu serialises the calls into libbpf and guards rb, closed,
	// pending, head and next. startWait adds to waiters under it.
	mu sync.Mutex
	// rb is libbpf's producer; nil once closed.
	rb *C.struct_user_ring_buffer
	// closed is set by Close, before it wakes the waiters.
	closed bool
	// pending holds the samples Reserve handed out, from index head on,
	// in ring order; done marks those committed out of order.
	pending []reservation
	head    int
	// next is the ring position of the next record, counted from the
	// first record this producer wrote.
	next uint64
	// waiters counts the ReserveBlocking calls waiting for room, which
	// Close waits for before it closes the descriptors they wait on.
	waiters sync.WaitGroup

	// Set by NewUserRingBuffer, then constant.
	subj      string // the subject in errors (see subject)
	mapFD     int    // the producer's duplicate of the map's descriptor
	wakeFD    int    // eventfd written by Close to wake the waiters
	mask      uint64 // ring size - 1; the size is a power of two
	maxSample int    // largest sample size Reserve and Write accept
}

// reservation is a sample handed out by Reserve and not yet submitted or
// discarded.
type reservation struct {
	pos uint64         // ring position of the sample's record
	ptr unsafe.Pointer // first byte of the sample, in the ring's mapping
	len int
	// done is set when the sample was committed while an older one is
	// still reserved.
	done bool
}

// recordSize is the room a sample of size bytes takes in the ring: an
// 8-byte header (BPF_RINGBUF_HDR_SZ) and the sample, rounded up to 8
// bytes, as user_ring_buffer__reserve counts it.
func recordSize(size int) uint64 {
	return (uint64(size) + C.BPF_RINGBUF_HDR_SZ + 7) &^ 7
}

// NewUserRingBuffer creates a producer for the BPF_MAP_TYPE_USER_RINGBUF
// map m (kernel 6.1) with user_ring_buffer__new, which maps the ring into
// the process. m must belong to a loaded object; a map of another type
// gives an error wrapping EINVAL. Close releases the UserRingBuffer.
func NewUserRingBuffer(m *Map) (*UserRingBuffer, error) {
	r, err := newUserRingBuffer(m)
	if err != nil {
		return nil, wrapOp("NewUserRingBuffer", consumerSubject("user ring buffer", m), err)
	}
	return r, nil
}

// newUserRingBuffer is NewUserRingBuffer with its errors as causes
// (*callError for a failed call).
func newUserRingBuffer(m *Map) (*UserRingBuffer, error) {
	r := &UserRingBuffer{mapFD: -1, wakeFD: -1}
	err := useMap(m, MapTypeUserRingBuf, func(fd C.int) error {
		info, err := mapInfo(fd)
		if err != nil {
			return err
		}
		r.subj = consumerSubject("user ring buffer", m)
		r.mask = uint64(info.MaxEntries) - 1
		r.maxSample = min(int(info.MaxEntries)-C.BPF_RINGBUF_HDR_SZ, maxDynptrSize)
		// ReserveBlocking waits on the map's descriptor, which the
		// object closes when it is closed: the producer keeps its own.
		r.mapFD, err = unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return &callError{call: "fcntl(F_DUPFD_CLOEXEC)", err: err}
		}
		r.wakeFD, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
		if err != nil {
			r.closeFDs()
			return &callError{call: "eventfd", err: err}
		}
		// No options: libbpf's opts may be NULL.
		rb, cerr := C.user_ring_buffer__new(C.int(r.mapFD), nil)
		if rb == nil {
			r.closeFDs()
			return &callError{call: "user_ring_buffer__new", err: ptrErr(cerr)}
		}
		r.rb = rb
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// closeFDs closes the producer's descriptors.
func (r *UserRingBuffer) closeFDs() {
	for _, fd := range []*int{&r.mapFD, &r.wakeFD} {
		if *fd >= 0 {
			unix.Close(*fd)
			*fd = -1
		}
	}
}

// subject names the UserRingBuffer in the errors of its methods: "user
// ring buffer <name>" after its map (see consumerSubject), or "user ring
// buffer" for a nil UserRingBuffer. It is fixed at creation.
func (r *UserRingBuffer) subject() string {
	if r == nil {
		return "user ring buffer"
	}
	return r.subj
}

// wrap returns err, the failure of op, as an OpError of the
// UserRingBuffer (see wrapOp), or nil for nil.
func (r *UserRingBuffer) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return wrapOp(op, r.subject(), err)
}

// checkSize checks a sample size before libbpf sees it.
func (r *UserRingBuffer) checkSize(size int) error {
	if size <= 0 || size > r.maxSample {
		return fmt.Errorf("sample of %d bytes, want 1 to %d: %w",
			size, r.maxSample, ErrInvalidSize)
	}
	return nil
}

// Reserve reserves a sample of size bytes in the ring with
// user_ring_buffer__reserve and returns it as a slice over the ring's
// memory, to fill and then pass to Submit, or to Discard. The slice is
// valid until then: the ring reuses its memory afterwards, and Close
// unmaps it (touching the slice after Close faults).
//
// size must be from 1 to the ring size less 8 bytes (the record header),
// and at most 2^24-1; otherwise the error wraps ErrInvalidSize. When the
// ring has no room for the sample, the error wraps ENOSPC: room comes
// back as a BPF program drains the ring.
func (r *UserRingBuffer) Reserve(size int) ([]byte, error) {
	const op = "UserRingBuffer.Reserve"
	if r == nil {
		return nil, r.wrap(op, ErrClosed)
	}
	sample, err := r.reserve(size)
	if err != nil {
		return nil, r.wrap(op, err)
	}
	return sample, nil
}

// reserve implements Reserve, with its errors as causes (*callError for
// a failed call).
func (r *UserRingBuffer) reserve(size int) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrClosed
	}
	if err := r.checkSize(size); err != nil {
		return nil, err
	}
	p, err := C.user_ring_buffer__reserve(r.rb, C.__u32(size))
	if p == nil {
		return nil, &callError{call: fmt.Sprintf("user_ring_buffer__reserve %d", size), err: ptrErr(err)}
	}
	if r.head > 0 && len(r.pending) == cap(r.pending) {
		// Reuse the room of the samples committed at the front.
		r.pending = r.pending[:copy(r.pending, r.pending[r.head:])]
		r.head = 0
	}
	r.pending = append(r.pending, reservation{pos: r.next, ptr: p, len: size})
	r.next += recordSize(size)
	// p is the first of size bytes that libbpf reserved in the ring's
	// shared mapping, which stays mapped until Close.
	return unsafe.Slice((*byte)(p), size), nil
}

// ReserveBlocking reserves a sample as Reserve does, waiting up to
// timeout for room when the ring is full; a negative timeout waits
// without limit, and 0 does not wait. The wait ends as soon as a drain
// makes room (a drain that reads samples wakes the waiters, unless the
// BPF program passed BPF_RB_NO_WAKEUP), and the error wraps ENOSPC if
// there is still none at the timeout. Close wakes a waiting ReserveBlocking, which then returns an
// error wrapping ErrClosed.
//
// This is libbpf's user_ring_buffer__reserve_blocking, done in Go around
// user_ring_buffer__reserve: libbpf's version cannot be woken by Close,
// it would have to hold the producer mutex while it waits (so that a
// Submit from another goroutine, which the drain may be waiting for,
// would wait too), and it spins while the ring has some room but not
// enough. Here the wait does not hold the mutex, and uses an epoll set of
// its own, edge-triggered on the map (which the kernel wakes after each
// drain that read a sample) and holding Close's eventfd.
func (r *UserRingBuffer) ReserveBlocking(size int, timeout time.Duration) ([]byte, error) {
	const op = "UserRingBuffer.ReserveBlocking"
	if r == nil {
		return nil, r.wrap(op, ErrClosed)
	}
	sample, err := r.reserveBlocking(size, timeout)
	if err != nil {
		return nil, r.wrap(op, err)
	}
	return sample, nil
}

// reserveBlocking implements ReserveBlocking, with its errors as causes.
func (r *UserRingBuffer) reserveBlocking(size int, timeout time.Duration) ([]byte, error) {
	start := time.Now()
	sample, err := r.reserve(size)
	if timeout == 0 || !errors.Is(err, unix.ENOSPC) {
		return sample, err
	}
	ep, err := r.startWait()
	if err != nil {
		return nil, err
	}
	defer r.endWait(ep)
	var events [2]unix.EpollEvent
	for {
		wait := time.Duration(-1)
		if timeout > 0 {
			if wait = timeout - time.Since(start); wait <= 0 {
				break
			}
		}
		if _, err := unix.EpollWait(ep, events[:], int(timeoutMillis(wait))); err != nil && !errors.Is(err, unix.EINTR) {
			return nil, &callError{call: "epoll_wait", err: err}
		}
		// After Close, reserve returns ErrClosed.
		sample, err = r.reserve(size)
		if !errors.Is(err, unix.ENOSPC) {
			return sample, err
		}
	}
	// As libbpf does, try once more at the timeout.
	sample, err = r.reserve(size)
	if ce, ok := err.(*callError); ok && errors.Is(err, unix.ENOSPC) {
		return nil, &callError{call: ce.call, err: fmt.Errorf("%w (waited %v)", ce.err, timeout)}
	}
	return sample, err
}

// startWait registers a ReserveBlocking call as a waiter and returns the
// epoll set it waits on, which endWait closes.
func (r *UserRingBuffer) startWait() (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return -1, ErrClosed
	}
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return -1, &callError{call: "epoll_create1", err: err}
	}
	// The map polls writable whenever the ring is not completely full,
	// which says nothing about room for this sample: edge-triggered, the
	// wait ends at each wake-up of the ring instead of spinning. The
	// eventfd stays readable once Close has written it.
	for _, ev := range []unix.EpollEvent{
		{Events: unix.EPOLLOUT | unix.EPOLLET, Fd: int32(r.mapFD)},
		{Events: unix.EPOLLIN, Fd: int32(r.wakeFD)},
	} {
		if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, int(ev.Fd), &ev); err != nil {
			unix.Close(ep)
			return -1, &callError{call: "epoll_ctl", err: err}
		}
	}
	r.waiters.Add(1)
	return ep, nil
}

// endWait closes a waiter's epoll set and lets Close go on.
func (r *UserRingBuffer) endWait(ep int) {
	unix.Close(ep)
	r.waiters.Done()
}

// Submit hands a sample from Reserve to the kernel with
// user_ring_buffer__submit; the BPF program reads it at its next drain,
// once all the samples reserved before it are submitted or discarded. The
// sample must not be changed afterwards.
//
// sample must be the very slice Reserve returned (same start and length)
// and still reserved; anything else gives an error wrapping EINVAL and
// libbpf is not called, so a second Submit or Discard of the same sample
// fails. One case cannot be told apart: once the ring has come round, a
// later sample may be reserved at the same place with the same length,
// and a stale slice then names that sample.
func (r *UserRingBuffer) Submit(sample []byte) error {
	return r.commit("UserRingBuffer.Submit", sample, false)
}

// Discard gives a sample from Reserve back with
// user_ring_buffer__discard: the drain skips it, and its room is free
// again once a drain has passed it. sample must be as for Submit.
func (r *UserRingBuffer) Discard(sample []byte) error {
	return r.commit("UserRingBuffer.Discard", sample, true)
}

// commit implements Submit and Discard, op.
func (r *UserRingBuffer) commit(op string, sample []byte, discard bool) error {
	if r == nil {
		return r.wrap(op, ErrClosed)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return r.wrap(op, ErrClosed)
	}
	i, ok := r.find(sample)
	if !ok {
		return r.wrap(op, fmt.Errorf("the %d-byte slice is not a sample reserved in this ring and not yet submitted or discarded: %w",
			len(sample), unix.EINVAL))
	}
	// find checked that the pointer starts a sample this ring reserved
	// and has not committed, inside the ring's mapping.
	if discard {
		C.user_ring_buffer__discard(r.rb, r.pending[i].ptr)
	} else {
		C.user_ring_buffer__submit(r.rb, r.pending[i].ptr)
	}
	r.pending[i].done = true
	for r.head < len(r.pending) && r.pending[r.head].done {
		r.head++
	}
	if r.head == len(r.pending) {
		r.pending = r.pending[:0]
		r.head = 0
	}
	return nil
}

// find returns the index in pending of the reserved sample that sample
// is, if it is one.
func (r *UserRingBuffer) find(sample []byte) (int, bool) {
	live := r.pending[r.head:]
	if len(live) == 0 || len(sample) == 0 {
		return 0, false
	}
	p := unsafe.Pointer(unsafe.SliceData(sample))
	// The reserved samples lie in order within one turn of the ring, so
	// a sample's distance from the oldest, modulo the ring size, is the
	// distance between their positions. Any other pointer lands on no
	// sample or on one whose start differs.
	pos := live[0].pos + (uint64(uintptr(p)-uintptr(live[0].ptr)) & r.mask)
	i, found := slices.BinarySearchFunc(live, pos, func(e reservation, pos uint64) int {
		return cmp.Compare(e.pos, pos)
	})
	if !found || live[i].ptr != p || live[i].len != len(sample) || live[i].done {
		return 0, false
	}
	return r.head + i, true
}

// Write copies data into the ring as one sample, reserving and submitting
// it in a single call (lbg_user_ringbuf_write: user_ring_buffer__reserve,
// a copy, user_ring_buffer__submit). data has the size limits of Reserve,
// and when the ring has no room the error wraps ENOSPC; Write does not
// wait. Write does not allocate.
func (r *UserRingBuffer) Write(data []byte) error {
	const op = "UserRingBuffer.Write"
	if r == nil {
		return r.wrap(op, ErrClosed)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return r.wrap(op, ErrClosed)
	}
	if err := r.checkSize(len(data)); err != nil {
		return r.wrap(op, err)
	}
	// data is Go memory without Go pointers, only read during the call.
	if ret := C.lbg_user_ringbuf_write(r.rb, unsafe.Pointer(&data[0]), C.__u32(len(data))); ret < 0 {
		return r.wrap(op, &callError{call: fmt.Sprintf("user_ring_buffer__reserve %d", len(data)), err: errnoErr(ret)})
	}
	r.next += recordSize(len(data))
	return nil
}

// Close frees the UserRingBuffer with user_ring_buffer__free, which
// unmaps the ring. Samples still reserved are discarded first, so that
// the ring stays usable for a later producer; their slices must not be
// used any more. A ReserveBlocking waiting in another goroutine returns
// an error wrapping ErrClosed, and Close waits for it before freeing.
// Every later call returns an error wrapping ErrClosed. Close is
// idempotent and returns nil.
func (r *UserRingBuffer) Close() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.mu.Unlock()
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	// The eventfd stays open until the waiters are gone. A write only
	// fails when the counter would overflow, which one write cannot do.
	_, _ = unix.Write(r.wakeFD, one[:])
	r.waiters.Wait()

	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.pending[r.head:] {
		if !e.done {
			// e.ptr starts a sample this ring reserved and never
			// committed.
			C.user_ring_buffer__discard(r.rb, e.ptr)
		}
	}
	r.pending, r.head = nil, 0
	C.user_ring_buffer__free(r.rb)
	r.rb = nil
	r.closeFDs()
	return nil
}
