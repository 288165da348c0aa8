package main

import (
	"fmt"
	"time"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// bindingRing drains a pre-filled ring buffer with RingBuffer.Consume.
func bindingRing(obj *libbpf.Object, d drain) error {
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
		dropped, err := bindingFill(obj, "fill_ring"+d.suffix, d.ringEvents)
		if err != nil {
			return err
		}
		afterFill()
		s = seen{size: d.size}
		start := time.Now()
		n, err := rb.Consume()
		elapsed := time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %w", d.ringName, err)
		}
		if err := checkEvents(d.ringName, s, d.ringEvents, dropped); err != nil {
			return err
		}
		if uint64(n) != s.events {
			return fmt.Errorf("%s: Consume returned %d, callback saw %d", d.ringName, n, s.events)
		}
		if r > 0 {
			tot.add(elapsed, d.ringEvents, dropped, s.events)
		}
	}
	tot.emit(d.ringName)
	return nil
}

// bindingPerf drains pre-filled perf buffers with PerfBuffer.Consume.
func bindingPerf(obj *libbpf.Object, d drain) error {
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
		dropped, err := bindingFill(obj, "fill_perf"+d.suffix, d.perfEvents)
		if err != nil {
			return err
		}
		afterFill()
		s = seen{size: d.size}
		start := time.Now()
		_, err = pb.Consume()
		elapsed := time.Since(start)
		if err != nil {
			return fmt.Errorf("%s: %w", d.perfName, err)
		}
		if err := checkEvents(d.perfName, s, d.perfEvents, dropped); err != nil {
			return err
		}
		if r > 0 {
			tot.add(elapsed, d.perfEvents, dropped, s.events)
		}
	}
	tot.emit(d.perfName)
	return nil
}
