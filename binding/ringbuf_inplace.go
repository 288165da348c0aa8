package libbpf

/*
#include "glue_events.h"
*/
import "C"

import (
	"fmt"
	"math"
	"os"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The in-place ring buffer consumer: Go reads the ring that the kernel
// maps, in the kernel's format (kernel/bpf/ringbuf.c, uapi linux/bpf.h),
// with the memory ordering of libbpf's ring__consume:
//
//   - the map's first page holds the consumer position (written by the
//     consumer, read-write), the second the producer position (written by
//     the kernel, read-only), and the data pages follow, mapped twice in a
//     row so that a sample that wraps around the end of the ring is
//     contiguous in memory;
//   - each sample starts with an 8-byte header on an 8-byte boundary: a
//     32-bit length with the BUSY bit (the BPF program has reserved the
//     sample but not yet submitted or discarded it) and the DISCARD bit,
//     then the 32-bit page offset the kernel uses; the next header is at
//     the next multiple of 8 after the data;
//   - the producer position and each header are loaded with acquire
//     ordering (the sample's bytes are visible once its header says it is
//     committed), and the consumer position is stored with release
//     ordering after each callback returns (the kernel reuses the space
//     only after the callback is done reading it), as libbpf does.
const (
	ringBusyBit    = 1 << 31
	ringDiscardBit = 1 << 30
	ringHdrSize    = 8
)

// ring is one ring of a RingBuffer as the Go consumer sees it: the map's
// pages, mapped by the RingBuffer itself next to libbpf's own mapping (the
// same physical pages, so libbpf's ring__* accessors see what Go consumes).
type ring struct {
	fn   func(data []byte) error
	name string
	// consPos is the consumer position, at the start of the consumer
	// page; prodPos the producer position, at the start of the producer
	// page.
	consPos *uint64
	prodPos *uint64
	// data is the first data page; mask is the ring's size minus 1.
	data unsafe.Pointer
	mask uint64
	// consPage and dataPages are the mappings, unmapped by unmap.
	consPage, dataPages []byte
}

// mapRing maps the BPF_MAP_TYPE_RINGBUF map fd, as libbpf's
// ring_buffer__add does: the consumer page read-write, then the producer
// page and the data pages twice, read-only. Its errors are causes, a
// failed call's a *callError.
func mapRing(fd C.int, name string, fn func([]byte) error) (*ring, error) {
	info, err := mapInfo(fd)
	if err != nil {
		return nil, err
	}
	size := uint64(info.MaxEntries)
	// The kernel makes ring sizes powers of two, multiples of the page.
	if size == 0 || size&(size-1) != 0 {
		return nil, fmt.Errorf("ring size %d is not a power of two: %w", size, unix.EINVAL)
	}
	// The data pages are mapped twice: the length must fit in an int.
	if size > math.MaxInt/4 {
		return nil, fmt.Errorf("ring size %d is too large to map twice: %w", size, unix.E2BIG)
	}
	page := os.Getpagesize()
	rg := &ring{fn: fn, name: name, mask: size - 1}
	rg.consPage, err = unix.Mmap(int(fd), 0, page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, &callError{call: "mmap of the consumer page", err: err}
	}
	rg.dataPages, err = unix.Mmap(int(fd), int64(page), page+2*int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		rg.unmap()
		return nil, &callError{call: "mmap of the data pages", err: err}
	}
	// SAFETY: both mappings are page-aligned and at least a page long,
	// and stay mapped until unmap, which only release calls, after the
	// last reader (the holder of mu) is done. They are not Go memory, so
	// the collector neither moves nor frees them.
	rg.consPos = (*uint64)(unsafe.Pointer(&rg.consPage[0]))
	rg.prodPos = (*uint64)(unsafe.Pointer(&rg.dataPages[0]))
	rg.data = unsafe.Pointer(&rg.dataPages[page])
	return rg, nil
}

// unmap removes the ring's mappings.
func (rg *ring) unmap() {
	// munmap of a mapping made by mapRing fails only on a bad address.
	if rg.consPage != nil {
		_ = unix.Munmap(rg.consPage)
	}
	if rg.dataPages != nil {
		_ = unix.Munmap(rg.dataPages)
	}
	rg.consPage, rg.dataPages = nil, nil
	rg.consPos, rg.prodPos, rg.data = nil, nil, nil
}

// ready reports whether some ring holds data the consumer has not read,
// so that Poll need not wait.
func (r *RingBuffer) ready() bool {
	for _, rg := range r.rings {
		if atomic.LoadUint64(rg.prodPos) != atomic.LoadUint64(rg.consPos) {
			return true
		}
	}
	return false
}

// consumeRings drains the rings in order, delivering at most limit
// samples in all. The caller holds mu.
func (r *RingBuffer) consumeRings(limit int) (int, error) {
	r.delivering.Store(true)
	defer r.delivering.Store(false)
	total := 0
	for _, rg := range r.rings {
		if total >= limit {
			break
		}
		n, err := r.drain(rg, limit-total)
		total += n
		if err != nil {
			return total, err
		}
	}
	// Closed by the last callback: consume nothing more.
	if r.closed.Load() {
		return total, ErrClosed
	}
	return total, nil
}

// drain delivers the committed samples of rg in order, at most limit of
// them, skipping the discarded ones, as libbpf's ring__consume_n does. It
// stops at a busy sample (reserved, not yet committed), at a callback's
// error (the failed sample counts as consumed) or, after a callback,
// once Close was called.
func (r *RingBuffer) drain(rg *ring, limit int) (int, error) {
	// Only this consumer writes the consumer position.
	cons := atomic.LoadUint64(rg.consPos)
	n := 0
	for n < limit {
		prod := atomic.LoadUint64(rg.prodPos)
		if cons >= prod {
			return n, nil
		}
		for cons < prod && n < limit {
			// SAFETY: cons&mask is below the ring's size, and the header
			// and the sample after it (at most the ring's size) lie in
			// the data pages, which are mapped twice in a row. The
			// header is 8-byte aligned.
			hdr := (*uint32)(unsafe.Add(rg.data, cons&rg.mask))
			word := atomic.LoadUint32(hdr)
			if word&ringBusyBit != 0 {
				return n, nil
			}
			size := word &^ (ringBusyBit | ringDiscardBit)
			cons += (uint64(size) + ringHdrSize + 7) &^ 7
			if word&ringDiscardBit != 0 {
				storeRelease(rg.consPos, cons)
				continue
			}
			// SAFETY: see hdr; the slice's capacity ends with the
			// sample, so appending to it copies.
			err := rg.fn(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(hdr), ringHdrSize)), size))
			storeRelease(rg.consPos, cons)
			n++
			if err != nil {
				return n, r.callbackErr(rg, err)
			}
			if r.closed.Load() {
				return n, ErrClosed
			}
		}
	}
	return n, nil
}
