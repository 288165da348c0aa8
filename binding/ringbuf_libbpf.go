package libbpf

/*
#include "glue_events.h"
*/
import "C"

// libbpf's own ring buffer consumer, the reference of the differential
// tests (RingBuffer.viaLibbpf): ring__consume runs libbpf's sample loop,
// whose C callback copies each sample into the C batch, and Go walks the
// batch after each cgo call. It delivers what libbpf delivers, in libbpf's
// order, through the same RingBuffer API.

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
				return total, ErrClosed
			}
			return total, nil
		case ret < 0:
			// Deliver the samples copied before the failure first.
			n, err := r.deliver(b)
			total += n
			if err != nil {
				return total, err
			}
			return total, &callError{call: what, err: errnoErr(ret)}
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
			return n, ErrClosed
		}
		ring, data, next := record(recs, r.pos)
		r.pos = next
		n++
		if err := r.rings[ring].fn(data); err != nil {
			return n, r.callbackErr(r.rings[ring], err)
		}
	}
	// Closed by the last callback: consume nothing more.
	if r.closed.Load() {
		return n, ErrClosed
	}
	return n, nil
}
