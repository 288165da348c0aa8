package libbpf

/*
#include "glue_events.h"
*/
import "C"

import "encoding/binary"

// libbpf's own perf buffer consumer, the reference of the differential
// tests (PerfBuffer.viaLibbpf): perf_buffer__consume_buffer runs libbpf's
// read loop, whose C event callback copies each record into the C batch,
// and Go walks the batch after each cgo call.

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
				return total, ErrClosed
			}
			return total, nil
		}
		n, err := p.deliver(b)
		total += n
		if err != nil {
			return total, err
		}
		if ret < 0 {
			return total, &callError{call: what, err: errnoErr(ret)}
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
			return n, ErrClosed
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
		return n, ErrClosed
	}
	return n, nil
}
