package libbpf

/*
#include "glue_events.h"
*/
import "C"

import (
	"context"
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// PerfBuffer consumes a BPF_MAP_TYPE_PERF_EVENT_ARRAY map (kernel 4.3),
// which BPF programs write to with bpf_perf_event_output, with libbpf's
// struct perf_buffer: one perf event ring per CPU.
//
// libbpf's struct perf_buffer opens the perf events, maps their rings
// and owns the epoll set; as with RingBuffer, the records are read by Go
// in place, from the rings the kernel maps (perf_buffer__buffer), with
// the ordering libbpf's reader uses (see perfbuf_inplace.go). Consume makes
// no cgo call, Poll one (the wait), and delivering a sample does not
// allocate. The data slice given to the sample callback is the sample in
// the ring (or, for a sample that wraps around the ring's end, a copy):
// it is valid only until the callback returns and is read-only memory, so
// writing to it crashes the program; copy it to keep or change any of it.
// The kernel pads perf samples to 8 bytes with their 4-byte size header,
// so data may be up to 7 bytes longer than what the BPF program wrote.
//
// A PerfBuffer has one consumer at a time: Poll, Consume and Run fail with
// an error wrapping EBUSY while another of them runs on the same
// PerfBuffer, including from inside a callback. Close and EpollFD may be
// called from any goroutine at any time; Close wakes a blocked Poll or
// Run, which then returns an error wrapping ErrClosed. Nothing frees the
// PerfBuffer but Close. Every error of its methods is an [OpError] whose
// Op is the method and whose Subject is "perf buffer <map name>".
type PerfBuffer struct {
	consumer
	// c is the C state; set to nil by release, under mu and wakeMu.
	c *C.struct_lbg_perfbuf
	// subj is the PerfBuffer's subject in errors (see subject).
	subj   string
	sample func(cpu int, data []byte)
	lost   func(cpu int, count uint64)
	// rings are the per-CPU buffers, by libbpf's buffer index.
	rings []perfRing
	// scratch holds a record that wraps around the end of its ring,
	// copied in one piece: records are at most 64 KiB.
	scratch []byte
	// viaLibbpf makes Poll and Consume use libbpf's own consumer, the
	// reference of the differential tests (see RingBuffer.viaLibbpf).
	viaLibbpf bool
}

// NewPerfBuffer starts consuming the BPF_MAP_TYPE_PERF_EVENT_ARRAY map m
// with perf_buffer__new, which opens a perf event with a ring of
// pagesPerCPU pages for each CPU and stores it in m. pagesPerCPU must be a
// power of two greater than 0. m must be loaded: a map of a loaded
// [Object], or a map from [OpenMapPinned] or [OpenMapID]. The CPUs are those
// perf_buffer__new takes: the online ones, below the map's max_entries.
//
// sample is called for each sample, in order within a CPU. lost, which
// may be nil, is called with the number of samples the kernel dropped on a
// CPU because its ring was full; the kernel reports drops when it next has
// room for a record in that ring. data is valid only while sample runs:
// copy it to keep it. Close releases the PerfBuffer.
func NewPerfBuffer(m *Map, pagesPerCPU int, sample func(cpu int, data []byte), lost func(cpu int, count uint64)) (*PerfBuffer, error) {
	p, err := newPerfBuffer(m, pagesPerCPU, sample, lost)
	if err != nil {
		return nil, wrapOp("NewPerfBuffer", consumerSubject("perf buffer", m), err)
	}
	return p, nil
}

// newPerfBuffer is NewPerfBuffer with its errors as causes (*callError for
// a failed call).
func newPerfBuffer(m *Map, pagesPerCPU int, sample func(cpu int, data []byte), lost func(cpu int, count uint64)) (*PerfBuffer, error) {
	const what = "perf_buffer__new"
	if sample == nil {
		return nil, fmt.Errorf("nil sample callback: %w", unix.EINVAL)
	}
	if pagesPerCPU <= 0 || pagesPerCPU&(pagesPerCPU-1) != 0 {
		return nil, fmt.Errorf("%d pages per CPU, want a power of two greater than 0: %w", pagesPerCPU, unix.EINVAL)
	}
	p := &PerfBuffer{sample: sample, lost: lost}
	wantLost := C.int(0)
	if lost != nil {
		wantLost = 1
	}
	err := useMap(m, MapTypePerfEventArray, func(fd C.int) error {
		c, err := C.lbg_perfbuf_new(fd, C.size_t(pagesPerCPU), wantLost, batchLimit)
		if c == nil {
			return &callError{call: what, err: ptrErr(err)}
		}
		p.c = c
		p.subj = consumerSubject("perf buffer", m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := p.mapRings(); err != nil {
		C.lbg_perfbuf_free(p.c)
		return nil, err
	}
	p.init(p.c.wake_fd, C.perf_buffer__epoll_fd(p.c.pb), func() {
		p.rings = nil
		C.lbg_perfbuf_free(p.c)
		p.c = nil
	})
	return p, nil
}

// Poll waits up to timeout for samples on any CPU (a negative timeout
// waits without limit), then consumes every CPU's ring as Consume does. It
// returns the number of samples delivered to the sample callback (lost
// reports are not counted). When a ring already holds records, Poll does
// not wait at all; otherwise it waits in an epoll set of its own that
// holds libbpf's epoll fd (perf_buffer__epoll_fd) and an eventfd, so that
// Close can wake it. Like perf_buffer__poll, it may return 0 before the
// timeout, when woken for records that an earlier call already read, and
// it returns 0 when woken by the end of a Run's context. Poll returns an
// error wrapping ErrClosed when the PerfBuffer is closed, also when Close
// is called during the Poll.
func (p *PerfBuffer) Poll(timeout time.Duration) (int, error) {
	n, err := p.poll(timeout)
	return n, p.wrap("PerfBuffer.Poll", err)
}

// poll is Poll with its errors as causes (*callError for a failed call).
func (p *PerfBuffer) poll(timeout time.Duration) (int, error) {
	if p == nil {
		return 0, ErrClosed
	}
	if err := p.lock(); err != nil {
		return 0, err
	}
	defer p.unlock()
	if p.viaLibbpf {
		return p.collect(true, timeoutMillis(timeout))
	}
	if !p.ready() {
		// p.c is valid under mu.
		switch ret := C.lbg_perfbuf_wait(p.c, timeoutMillis(timeout)); {
		case ret == C.LBG_WAIT_WOKEN:
			if p.closed.Load() {
				return 0, ErrClosed
			}
			return 0, nil
		case ret < 0:
			return 0, &callError{call: "epoll_wait", err: errnoErr(ret)}
		}
	}
	return p.consumeRings()
}

// Consume reads every CPU's ring without waiting, as perf_buffer__consume
// (libbpf 0.0.8) does, and calls the callbacks for everything available,
// CPU after CPU. It returns the number of samples delivered. It makes no
// system call and no cgo call. It fails with an error wrapping EBADMSG
// on a record of a type that a BPF output event never writes (the
// record is skipped, as libbpf's reader skips it).
func (p *PerfBuffer) Consume() (int, error) {
	n, err := p.consume()
	return n, p.wrap("PerfBuffer.Consume", err)
}

// consume is Consume with its errors as causes.
func (p *PerfBuffer) consume() (int, error) {
	if p == nil {
		return 0, ErrClosed
	}
	if err := p.lock(); err != nil {
		return 0, err
	}
	defer p.unlock()
	if p.viaLibbpf {
		return p.collect(false, 0)
	}
	return p.consumeRings()
}

// Run polls until ctx is done, calling the callbacks as Poll does. It
// returns nil when ctx is done, and otherwise the first error of Poll,
// such as ErrClosed after Close. The end of ctx wakes a blocked poll at
// once. Run does not count the samples: a callback that needs the count
// keeps it.
func (p *PerfBuffer) Run(ctx context.Context) error {
	if p == nil {
		return p.wrap("PerfBuffer.Run", ErrClosed)
	}
	return p.wrap("PerfBuffer.Run", p.run(ctx, p.poll))
}

// EpollFD returns libbpf's epoll file descriptor for the per-CPU rings
// (perf_buffer__epoll_fd), or -1 once closed, to wait for samples in
// another event loop and then call Consume. It belongs to the PerfBuffer
// and is closed by Close.
func (p *PerfBuffer) EpollFD() int {
	if p == nil || p.closed.Load() {
		return -1
	}
	return p.epollFD
}

// Close stops the PerfBuffer and frees it with perf_buffer__free, which
// unmaps the rings, closes the perf events and removes them from the map. A Poll or Run
// blocked in another goroutine returns at once with an error wrapping
// ErrClosed, and Close waits for it to return before freeing. Called
// from a callback (or while one runs), Close returns at once and the
// running Poll or Consume stops after that callback and frees the
// PerfBuffer as it returns. Close is idempotent and returns nil.
func (p *PerfBuffer) Close() error {
	if p == nil {
		return nil
	}
	p.close()
	return nil
}

// withC runs fn while the C state cannot be freed: under wakeMu, which
// release holds while it frees. It fails with ErrClosed once released.
func (p *PerfBuffer) withC(fn func() error) error {
	p.wakeMu.Lock()
	defer p.wakeMu.Unlock()
	if p.wakeFD < 0 || p.closed.Load() {
		return ErrClosed
	}
	return fn()
}

// subject names the PerfBuffer in the errors of its methods: "perf buffer
// <name>" after its map (see consumerSubject), or "perf buffer" for a nil
// PerfBuffer. It is fixed at creation.
func (p *PerfBuffer) subject() string {
	if p == nil {
		return "perf buffer"
	}
	return p.subj
}

// wrap returns err, the failure of op, as an OpError of the PerfBuffer
// (see wrapOp), or nil for nil.
func (p *PerfBuffer) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return wrapOp(op, p.subject(), err)
}

// BufferCount returns the number of per-CPU buffers
// (perf_buffer__buffer_cnt, libbpf 0.2): one per CPU that was online when
// the PerfBuffer was made, below the map's max_entries. It returns 0 once
// the PerfBuffer is closed.
func (p *PerfBuffer) BufferCount() int {
	if p == nil {
		return 0
	}
	n := 0
	_ = p.withC(func() error {
		n = int(p.c.buf_cnt)
		return nil
	})
	return n
}

// BufferCPU returns the CPU of per-CPU buffer idx, the CPU given to the
// sample callback for its samples and the key of its perf event in the
// map. It fails with an error wrapping EINVAL when there is no such
// buffer, and with ErrClosed once the PerfBuffer is closed.
func (p *PerfBuffer) BufferCPU(idx int) (int, error) {
	const op = "PerfBuffer.BufferCPU"
	if p == nil {
		return 0, p.wrap(op, ErrClosed)
	}
	cpu := 0
	err := p.withC(func() error {
		if idx < 0 || idx >= len(p.rings) {
			return fmt.Errorf("buffer %d of %d: %w", idx, len(p.rings), unix.EINVAL)
		}
		cpu = p.rings[idx].cpu
		return nil
	})
	return cpu, p.wrap(op, err)
}

// BufferFD returns the perf event descriptor of per-CPU buffer idx
// (perf_buffer__buffer_fd, libbpf 0.2; perf events of type
// PERF_COUNT_SW_BPF_OUTPUT, kernel 4.4), to poll that CPU alone or to
// read the event's settings. It belongs to the PerfBuffer and is closed
// by Close. It fails with an error wrapping EINVAL when there is no such
// buffer (libbpf's EINVAL), and with ErrClosed once the PerfBuffer is
// closed.
func (p *PerfBuffer) BufferFD(idx int) (int, error) {
	const op = "PerfBuffer.BufferFD"
	if p == nil {
		return -1, p.wrap(op, ErrClosed)
	}
	fd := -1
	err := p.withC(func() error {
		if idx < 0 {
			return fmt.Errorf("buffer %d: %w", idx, unix.EINVAL)
		}
		ret := C.perf_buffer__buffer_fd(p.c.pb, C.size_t(idx))
		if ret < 0 {
			return &callError{call: fmt.Sprintf("perf_buffer__buffer_fd %d", idx), err: errnoErr(ret)}
		}
		fd = int(ret)
		return nil
	})
	return fd, p.wrap(op, err)
}

// BufferSize returns the size in bytes of the data area of per-CPU buffer
// idx, as perf_buffer__buffer (libbpf 1.0) reports it: pagesPerCPU pages.
// The binding reads the buffer's memory itself and does not hand it out:
// a slice of it would outlive Close. It fails as BufferFD does.
func (p *PerfBuffer) BufferSize(idx int) (int, error) {
	const op = "PerfBuffer.BufferSize"
	if p == nil {
		return 0, p.wrap(op, ErrClosed)
	}
	size := 0
	err := p.withC(func() error {
		var base unsafe.Pointer
		var n C.size_t
		if idx < 0 {
			return fmt.Errorf("buffer %d: %w", idx, unix.EINVAL)
		}
		// base and n are Go memory without Go pointers, written during
		// the call.
		if ret := C.perf_buffer__buffer(p.c.pb, C.int(idx), &base, &n); ret < 0 {
			return &callError{call: fmt.Sprintf("perf_buffer__buffer %d", idx), err: errnoErr(ret)}
		}
		size = int(n)
		return nil
	})
	return size, p.wrap(op, err)
}
