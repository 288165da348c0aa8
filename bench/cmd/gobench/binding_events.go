package main

import (
	"fmt"
	"time"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// bindingRing drains a pre-filled ring buffer with RingBuffer.Consume.
func bindingRing(obj *libbpf.Object) error {
	m, err := obj.Map("ring")
	if err != nil {
		return err
	}
	var s seen
	rb, err := libbpf.NewRingBuffer(m, func(data []byte) error {
		s.add(data, true)
		return nil
	})
	if err != nil {
		return err
	}
	defer rb.Close()
	var tot eventTotals
	// Round 0 warms up and is not timed.
	for r := 0; r <= eventRounds; r++ {
		dropped, err := bindingFill(obj, "fill_ring", ringEvents)
		if err != nil {
			return err
		}
		s = seen{}
		start := time.Now()
		n, err := rb.Consume()
		elapsed := time.Since(start)
		if err != nil {
			return fmt.Errorf("ringbuf: %w", err)
		}
		if err := checkEvents("ringbuf", s, ringEvents, dropped); err != nil {
			return err
		}
		if uint64(n) != s.events {
			return fmt.Errorf("ringbuf: Consume returned %d, callback saw %d", n, s.events)
		}
		if r > 0 {
			tot.add(elapsed, ringEvents, dropped, s.events)
		}
	}
	tot.emit("ringbuf")
	return nil
}

// bindingPerf drains pre-filled perf buffers with PerfBuffer.Consume.
func bindingPerf(obj *libbpf.Object) error {
	m, err := obj.Map("perf")
	if err != nil {
		return err
	}
	var s seen
	pb, err := libbpf.NewPerfBuffer(m, perfPages,
		func(cpu int, data []byte) { s.add(data, false) },
		func(cpu int, count uint64) { s.lost += count })
	if err != nil {
		return err
	}
	defer pb.Close()
	var tot eventTotals
	for r := 0; r <= eventRounds; r++ {
		dropped, err := bindingFill(obj, "fill_perf", perfEvents)
		if err != nil {
			return err
		}
		s = seen{}
		start := time.Now()
		_, err = pb.Consume()
		elapsed := time.Since(start)
		if err != nil {
			return fmt.Errorf("perfbuf: %w", err)
		}
		if err := checkEvents("perfbuf", s, perfEvents, dropped); err != nil {
			return err
		}
		if r > 0 {
			tot.add(elapsed, perfEvents, dropped, s.events)
		}
	}
	tot.emit("perfbuf")
	return nil
}
