package libbpf

/*
#include "glue_events.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The in-place perf buffer consumer: Go reads the rings of the perf
// events that libbpf opened and mapped (perf_buffer__buffer), in the
// kernel's format (uapi linux/perf_event.h), with the ordering of libbpf's
// perf_event_read_simple:
//
//   - each ring starts with a struct perf_event_mmap_page, whose data_head
//     the kernel advances and whose data_tail the consumer advances; the
//     data pages follow, mapped once, so a record may wrap around their end;
//   - data_head is loaded with acquire ordering (the records before it are
//     then visible), and data_tail is stored with release ordering once the
//     ring has been read (the kernel then reuses the space);
//   - each record starts with a struct perf_event_header (type, misc, size);
//     a PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW holds a 32-bit size and the
//     raw data, a PERF_RECORD_LOST an id and the count of lost samples.
//
// A record that wraps around the end of the ring is copied into one piece
// first, as libbpf does; the others are delivered where they lie.

// perfRing is one per-CPU ring of a PerfBuffer.
type perfRing struct {
	cpu int
	// head and tail are data_head and data_tail of the ring's
	// perf_event_mmap_page.
	head, tail *uint64
	// data is the first data page; size is the data size, a power of two.
	data unsafe.Pointer
	size uint64
}

// perfRecHdr is the size of struct perf_event_header.
const perfRecHdr = 8

// mapRings finds each per-CPU ring that libbpf mapped, with
// perf_buffer__buffer (libbpf 1.0), and its CPU.
func (p *PerfBuffer) mapRings() error {
	page := uintptr(os.Getpagesize())
	n := int(p.c.buf_cnt)
	p.rings = make([]perfRing, n)
	p.scratch = make([]byte, 1<<16)
	for i := range n {
		var base unsafe.Pointer
		var size C.size_t
		// base and size are Go memory without Go pointers, written
		// during the call.
		if ret := C.perf_buffer__buffer(p.c.pb, C.int(i), &base, &size); ret < 0 {
			return &callError{call: fmt.Sprintf("perf_buffer__buffer %d", i), err: errnoErr(ret)}
		}
		if size == 0 || size&(size-1) != 0 {
			return fmt.Errorf("buffer %d: ring size %d is not a power of two: %w", i, size, unix.EINVAL)
		}
		// SAFETY: libbpf mapped the header page and size bytes of data
		// pages at base; they stay mapped until perf_buffer__free, which
		// only release calls, after the last reader (the holder of mu)
		// is done. cpus has buf_cnt entries.
		p.rings[i] = perfRing{
			cpu:  int(*(*C.int)(unsafe.Add(unsafe.Pointer(p.c.cpus), i*C.sizeof_int))),
			head: (*uint64)(unsafe.Add(base, C.LBG_PERF_DATA_HEAD)),
			tail: (*uint64)(unsafe.Add(base, C.LBG_PERF_DATA_TAIL)),
			data: unsafe.Add(base, page),
			size: uint64(size),
		}
	}
	return nil
}

// ready reports whether some ring holds records not read yet.
func (p *PerfBuffer) ready() bool {
	for i := range p.rings {
		if atomic.LoadUint64(p.rings[i].head) != atomic.LoadUint64(p.rings[i].tail) {
			return true
		}
	}
	return false
}

// consumeRings reads every ring in buffer order. The caller holds mu.
func (p *PerfBuffer) consumeRings() (int, error) {
	p.delivering.Store(true)
	defer p.delivering.Store(false)
	total := 0
	for i := range p.rings {
		n, err := p.drain(&p.rings[i])
		total += n
		if err != nil {
			return total, err
		}
	}
	if p.closed.Load() {
		return total, ErrClosed
	}
	return total, nil
}

// drain delivers the records of pr from its tail to its head and then
// moves the tail past them. It stops after a callback once Close was
// called, and at a record it cannot read (EBADMSG), which it skips.
func (p *PerfBuffer) drain(pr *perfRing) (n int, err error) {
	head := atomic.LoadUint64(pr.head)
	// Only this consumer writes the tail.
	tail := atomic.LoadUint64(pr.tail)
	data, ringSize, cpu, sample := pr.data, pr.size, pr.cpu, p.sample
	for tail != head && err == nil {
		off := tail & (ringSize - 1)
		// SAFETY: off is below the ring's size and records are 8-byte
		// aligned, so the 8-byte header lies in the data pages.
		rec := unsafe.Add(data, off)
		size := uint64(*(*uint16)(unsafe.Add(rec, 6)))
		// The common case first: a sample that does not wrap, delivered
		// where it lies.
		if *(*uint32)(rec) == C.LBG_PERF_RECORD_SAMPLE && size >= perfRecHdr+4 && off+size <= ringSize {
			// SAFETY: the record, its size field included, lies in the
			// data pages.
			raw := uint64(*(*uint32)(unsafe.Add(rec, perfRecHdr)))
			if raw <= size-perfRecHdr-4 {
				tail += size
				sample(cpu, unsafe.Slice((*byte)(unsafe.Add(rec, perfRecHdr+4)), raw))
				n++
				if p.closed.Load() {
					err = ErrClosed
				}
				continue
			}
		}
		if size < perfRecHdr || size > pr.size {
			// A size the kernel never writes: the ring cannot be walked
			// further, so it is skipped to the head.
			tail = head
			err = fmt.Errorf("CPU %d: record of %d bytes: %w", pr.cpu, size, unix.EBADMSG)
			break
		}
		var b []byte
		if off+size <= pr.size {
			// SAFETY: the record lies in the data pages.
			b = unsafe.Slice((*byte)(rec), size)
		} else {
			first := pr.size - off
			// SAFETY: the record's first part runs to the end of the
			// data pages, its second part starts at their start.
			copy(p.scratch, unsafe.Slice((*byte)(rec), first))
			copy(p.scratch[first:], unsafe.Slice((*byte)(pr.data), size-first))
			b = p.scratch[:size]
		}
		tail += size
		switch binary.NativeEndian.Uint32(b) {
		case C.LBG_PERF_RECORD_SAMPLE:
			var raw uint64
			if size >= perfRecHdr+4 {
				raw = uint64(binary.NativeEndian.Uint32(b[perfRecHdr:]))
			}
			if size < perfRecHdr+4 || raw > size-perfRecHdr-4 {
				err = fmt.Errorf("CPU %d: sample of %d bytes in a record of %d: %w", pr.cpu, raw, size, unix.EBADMSG)
				break
			}
			end := perfRecHdr + 4 + raw
			p.sample(pr.cpu, b[perfRecHdr+4:end:end])
			n++
		case C.LBG_PERF_RECORD_LOST:
			if size < perfRecHdr+16 {
				err = fmt.Errorf("CPU %d: lost record of %d bytes: %w", pr.cpu, size, unix.EBADMSG)
				break
			}
			if p.lost != nil {
				p.lost(pr.cpu, binary.NativeEndian.Uint64(b[perfRecHdr+8:]))
			}
		default:
			err = fmt.Errorf("CPU %d: record type %d: %w", pr.cpu, binary.NativeEndian.Uint32(b), unix.EBADMSG)
		}
		if err == nil && p.closed.Load() {
			err = ErrClosed
		}
	}
	storeRelease(pr.tail, tail)
	return n, err
}
