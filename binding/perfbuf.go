package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// PerfBuffer consumes a BPF_MAP_TYPE_PERF_EVENT_ARRAY map (kernel 4.3),
// which BPF programs write to with bpf_perf_event_output, with libbpf's
// struct perf_buffer: one perf event ring per CPU.
//
// As with RingBuffer, libbpf's callbacks run in C and copy the samples
// into a C batch that Go walks after each cgo call, so entering C costs
// once per batch, and delivering a sample does not allocate. The data
// slice given to the sample callback points into that C memory: it is
// valid only until the callback returns, and the callback must copy it to
// keep any of it. The kernel pads perf samples to 8 bytes with their
// 4-byte size header, so data may be up to 7 bytes longer than what the
// BPF program wrote.
//
// A PerfBuffer has one consumer at a time: Poll, Consume and Run fail with
// an error wrapping EBUSY while another of them runs on the same
// PerfBuffer, including from inside a callback. Close and EpollFD may be
// called from any goroutine at any time; Close wakes a blocked Poll or
// Run, which then returns an error wrapping ErrClosed. Nothing frees the
// PerfBuffer but Close.
type PerfBuffer struct {
	consumer
	// c is the C state; set to nil by release, under mu and wakeMu.
	c      *C.struct_lbg_perfbuf
	name   string
	sample func(cpu int, data []byte)
	lost   func(cpu int, count uint64)
}

// NewPerfBuffer starts consuming the BPF_MAP_TYPE_PERF_EVENT_ARRAY map m
// with perf_buffer__new, which opens a perf event with a ring of
// pagesPerCPU pages for each CPU and stores it in m. pagesPerCPU must be a
// power of two greater than 0. m must belong to a loaded object.
//
// sample is called for each sample, in order within a CPU. lost, which
// may be nil, is called with the number of samples the kernel dropped on a
// CPU because its ring was full; the kernel reports drops when it next has
// room for a record in that ring. data is valid only while sample runs:
// copy it to keep it. Close releases the PerfBuffer.
func NewPerfBuffer(m *Map, pagesPerCPU int, sample func(cpu int, data []byte), lost func(cpu int, count uint64)) (*PerfBuffer, error) {
	const what = "perf_buffer__new"
	if sample == nil {
		return nil, fmt.Errorf("%s: nil sample callback: %w", what, unix.EINVAL)
	}
	if pagesPerCPU <= 0 || pagesPerCPU&(pagesPerCPU-1) != 0 {
		return nil, fmt.Errorf("%s: %d pages per CPU, want a power of two greater than 0: %w", what, pagesPerCPU, unix.EINVAL)
	}
	p := &PerfBuffer{sample: sample, lost: lost}
	wantLost := C.int(0)
	if lost != nil {
		wantLost = 1
	}
	err := useMap(m, what, MapTypePerfEventArray, func(fd C.int) error {
		c, err := C.lbg_perfbuf_new(fd, C.size_t(pagesPerCPU), wantLost, batchLimit)
		if c == nil {
			return fmt.Errorf("map %s: %s: %w", m.name, what, ptrErr(err))
		}
		p.c = c
		p.name = m.name
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.init(p.c.wake_fd, C.perf_buffer__epoll_fd(p.c.pb), func() {
		C.lbg_perfbuf_free(p.c)
		p.c = nil
	})
	return p, nil
}

// Poll waits up to timeout for samples on any CPU (a negative timeout
// waits without limit), then consumes every CPU's ring as Consume does. It
// returns the number of samples delivered to the sample callback (lost
// reports are not counted). It returns 0 before the timeout when woken by
// the end of a Run's context. Libbpf's perf_buffer__poll is
// replaced by an epoll set of our own that holds libbpf's epoll fd and an
// eventfd, so that Close can wake it; the rings are then read with
// perf_buffer__consume_buffer. Poll returns an error wrapping ErrClosed
// when the PerfBuffer is closed, also when Close is called during the
// Poll.
func (p *PerfBuffer) Poll(timeout time.Duration) (int, error) {
	if p == nil {
		return 0, closedError("perf_buffer__poll")
	}
	if err := p.lock("perf_buffer__poll"); err != nil {
		return 0, err
	}
	defer p.unlock()
	return p.collect(true, timeoutMillis(timeout))
}

// Consume reads every CPU's ring without waiting, with
// perf_buffer__consume_buffer for each (the per-CPU form of
// perf_buffer__consume, so that a full batch can resume at the next CPU),
// and calls the callbacks for everything available. It returns the number
// of samples delivered.
func (p *PerfBuffer) Consume() (int, error) {
	if p == nil {
		return 0, closedError("perf_buffer__consume")
	}
	if err := p.lock("perf_buffer__consume"); err != nil {
		return 0, err
	}
	defer p.unlock()
	return p.collect(false, 0)
}

// Run polls until ctx is done, calling the callbacks as Poll does. It
// returns nil when ctx is done, and otherwise the first error of Poll,
// such as ErrClosed after Close. The end of ctx wakes a blocked poll at
// once.
func (p *PerfBuffer) Run(ctx context.Context) error {
	if p == nil {
		return closedError("perf_buffer__poll")
	}
	return p.run(ctx, p.Poll)
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
// closes the perf events and removes them from the map. A Poll or Run
// blocked in another goroutine returns at once with an error wrapping
// ErrClosed, and Close waits for it to leave C before freeing. Called
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

// collect fills and delivers batches (one cgo call each) until libbpf has
// nothing more for this call; poll waits for the first batch, up to
// timeout. The sample callback cannot fail, so nothing is left over
// between calls.
func (p *PerfBuffer) collect(poll bool, timeout C.int) (int, error) {
	b := &p.c.batch
	total := 0
	for round := 0; ; round++ {
		what := "perf_buffer__consume"
		var ret C.int
		// p.c is valid under mu.
		if round == 0 && poll {
			what = "perf_buffer__poll"
			ret = C.lbg_perfbuf_poll(p.c, timeout)
		} else {
			ret = C.lbg_perfbuf_consume(p.c)
		}
		p.pos = 0
		if ret == C.LBG_WAIT_WOKEN {
			if p.closed.Load() {
				return total, closedError(what)
			}
			return total, nil
		}
		n, err := p.deliver(b)
		total += n
		if err != nil {
			return total, err
		}
		if ret < 0 {
			return total, fmt.Errorf("map %s: %s: %w", p.name, what, errnoErr(ret))
		}
		if b.stopped == 0 {
			return total, nil
		}
	}
}

// deliver calls the callbacks for the records of b, stopping with
// ErrClosed once Close was called, and returns the number of samples.
func (p *PerfBuffer) deliver(b *C.struct_lbg_batch) (int, error) {
	recs := arena(b)
	if len(recs) == 0 {
		return 0, nil
	}
	p.delivering.Store(true)
	defer p.delivering.Store(false)
	n := 0
	for p.pos < len(recs) {
		if p.closed.Load() {
			return n, closedError("perf_buffer__consume")
		}
		tag, data, next := record(recs, p.pos)
		p.pos = next
		cpu := int(tag &^ C.LBG_REC_LOST)
		if tag&C.LBG_REC_LOST != 0 {
			if p.lost != nil {
				p.lost(cpu, binary.NativeEndian.Uint64(data))
			}
			continue
		}
		n++
		p.sample(cpu, data)
	}
	// Closed by the last callback: consume nothing more.
	if p.closed.Load() {
		return n, closedError("perf_buffer__consume")
	}
	return n, nil
}
