package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/perf"
	"github.com/cilium/ebpf/ringbuf"

	"github.com/libbpf-go/libbpf-go/bench/internal/stats"
)

// runCilium runs every workload through cilium/ebpf.
func runCilium(path, sizedDir string) error {
	spec, err := ebpf.LoadCollectionSpec(path)
	if err != nil {
		return err
	}
	// kv_1m is declared with one entry, so that open_load does not
	// allocate a million; the curve's map gets them here.
	ms := spec.Maps["kv_1m"]
	if ms == nil {
		return errors.New("map kv_1m not found")
	}
	ms.MaxEntries = kv1M
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		return err
	}
	if runGroup("maps") {
		err = ciliumMaps(coll.Maps["kv"])
	}
	for _, c := range curves {
		if err == nil && runGroup("walk") {
			err = ciliumCurve(coll.Maps[c.name], c.entries, c.suffix)
		}
	}
	for _, d := range drains {
		if !runGroup("drains") {
			break
		}
		if err == nil {
			err = ciliumRing(coll, d)
		}
		if err == nil {
			err = ciliumPerf(coll, d)
		}
	}
	coll.Close()
	if err != nil {
		return err
	}
	if !runGroup("open") {
		return nil
	}
	if err := ciliumOpenLoadClose(path); err != nil {
		return err
	}
	if err := ciliumOpenPhase(path); err != nil {
		return err
	}
	if sizedDir == "" {
		return nil
	}
	for _, name := range sized {
		if err := ciliumSized(sizedDir, name); err != nil {
			return err
		}
	}
	return nil
}

// ciliumOpenPhase times LoadCollectionSpec of path: cilium/ebpf's open
// phase (parse), which holds nothing to close.
func ciliumOpenPhase(path string) error {
	return openPhase(func() error {
		_, err := ebpf.LoadCollectionSpec(path)
		return err
	}, "collection specs loaded")
}

// ciliumSized times LoadCollectionSpec + NewCollection + Close of the
// curve's object name.
func ciliumSized(dir, name string) error {
	var ts []float64
	var progs int
	for i := 0; i <= sizedLoads; i++ {
		start := time.Now()
		coll, err := ciliumOpenLoad(sizedPath(dir, name))
		if err != nil {
			return fmt.Errorf("open_load_%s: %w", name, err)
		}
		d := time.Since(start)
		progs = 0
		for _, p := range coll.Programs {
			if p.FD() >= 0 {
				progs++
			}
		}
		start = time.Now()
		coll.Close()
		if i > 0 {
			ts = append(ts, perOp(d+time.Since(start), 1))
		}
	}
	emit(result{Workload: "open_load_" + name, Unit: "ms/op", Value: stats.Median(ts) / 1e6, Ops: sizedLoads,
		Check: fmt.Sprintf("%d times opened, loaded (%d programs) and closed", sizedLoads, progs)})
	return nil
}

func ciliumOpenLoad(path string) (*ebpf.Collection, error) {
	spec, err := ebpf.LoadCollectionSpec(path)
	if err != nil {
		return nil, err
	}
	return ebpf.NewCollection(spec)
}

func ciliumMaps(m *ebpf.Map) error {
	if m == nil {
		return errors.New("map kv not found")
	}
	key, val, next := make([]byte, 8), make([]byte, 8), make([]byte, 8)
	for k := uint64(0); k < nKeys; k++ {
		putU64(key, k)
		putU64(val, valueOf(k, 0))
		if err := m.Update(key, val, ebpf.UpdateAny); err != nil {
			return fmt.Errorf("populate: %w", err)
		}
	}

	var found uint64
	var ts []float64
	for range lookupPasses {
		start := time.Now()
		for k := uint64(0); k < nKeys; k++ {
			putU64(key, k)
			if m.Lookup(key, val) == nil && getU64(val) == valueOf(k, 0) {
				found++
			}
		}
		ts = append(ts, perOp(time.Since(start), nKeys))
	}
	n := uint64(lookupPasses * nKeys)
	if found != n {
		return fmt.Errorf("map_lookup: %d of %d lookups found their value", found, n)
	}
	emit(result{Workload: "map_lookup", Unit: "ns/op", Value: stats.Median(ts), Ops: n,
		Check: fmt.Sprintf("%d/%d lookups found their value", found, n)})
	if err := parallelLookups(func(key, val []byte) error { return m.Lookup(key, val) }); err != nil {
		return err
	}

	ts = ts[:0]
	for p := uint64(1); p <= updatePasses; p++ {
		start := time.Now()
		for k := uint64(0); k < nKeys; k++ {
			putU64(key, k)
			putU64(val, valueOf(k, p))
			if err := m.Update(key, val, ebpf.UpdateExist); err != nil {
				return fmt.Errorf("map_update: %w", err)
			}
		}
		ts = append(ts, perOp(time.Since(start), nKeys))
	}
	n = updatePasses * nKeys
	found = 0
	for k := uint64(0); k < nKeys; k++ {
		putU64(key, k)
		if m.Lookup(key, val) == nil && getU64(val) == valueOf(k, updatePasses) {
			found++
		}
	}
	if found != nKeys {
		return fmt.Errorf("map_update: %d of %d keys hold the updated value", found, nKeys)
	}
	emit(result{Workload: "map_update", Unit: "ns/op", Value: stats.Median(ts), Ops: n,
		Check: fmt.Sprintf("%d updates, %d/%d keys hold the new value", n, found, nKeys)})

	found = 0
	ts = ts[:0]
	for range iterPasses {
		start := time.Now()
		var prev any // nil: the first key
		for {
			err := m.NextKey(prev, next)
			if errors.Is(err, ebpf.ErrKeyNotExist) {
				break
			}
			if err != nil {
				return fmt.Errorf("map_iterate: %w", err)
			}
			if m.Lookup(next, val) == nil && getU64(val) == valueOf(getU64(next), updatePasses) {
				found++
			}
			copy(key, next)
			prev = key
		}
		ts = append(ts, perOp(time.Since(start), nKeys))
	}
	n = iterPasses * nKeys
	if found != n {
		return fmt.Errorf("map_iterate: %d of %d keys visited with their value", found, n)
	}
	emit(result{Workload: "map_iterate", Unit: "ns/key", Value: stats.Median(ts), Ops: n,
		Check: fmt.Sprintf("%d/%d keys visited with their value", found, n)})

	keys, vals := make([]uint64, batchSize), make([]uint64, batchSize)
	found = 0
	ts = ts[:0]
	for range batchPasses {
		start := time.Now()
		var cursor ebpf.MapBatchCursor
		for {
			count, err := m.BatchLookup(&cursor, keys, vals, nil)
			for i := range count {
				if vals[i] == valueOf(keys[i], updatePasses) {
					found++
				}
			}
			if errors.Is(err, ebpf.ErrKeyNotExist) {
				break
			}
			if err != nil {
				return fmt.Errorf("map_batch: %w", err)
			}
		}
		ts = append(ts, perOp(time.Since(start), nKeys))
	}
	n = batchPasses * nKeys
	if found != n {
		return fmt.Errorf("map_batch: %d of %d entries read with their value", found, n)
	}
	emit(result{Workload: "map_batch", Unit: "ns/entry", Value: stats.Median(ts), Ops: n,
		Check: fmt.Sprintf("%d/%d entries read with their value", found, n)})
	return nil
}

// ciliumFill runs the named fill program once and returns how many events
// it dropped.
func ciliumFill(coll *ebpf.Collection, name string, count uint64) (uint64, error) {
	prog := coll.Programs[name]
	if prog == nil {
		return 0, fmt.Errorf("program %s not found", name)
	}
	ret, err := prog.Run(&ebpf.RunOptions{Context: fillArgs(count, 0)})
	return uint64(ret), err
}

// readerDeadline bounds a drain: the events are already in the buffer, so
// hitting it means events are missing.
const readerDeadline = 5 * time.Second

// ciliumRing drains a pre-filled ring buffer with Reader.ReadInto and a
// reused Record.
func ciliumRing(coll *ebpf.Collection, d drain) error {
	rd, err := ringbuf.NewReader(coll.Maps["ring"])
	if err != nil {
		return err
	}
	defer rd.Close()
	var rec ringbuf.Record
	var tot eventTotals
	// Round 0 warms up and is not timed.
	for r := 0; r <= eventRounds; r++ {
		dropped, err := ciliumFill(coll, "fill_ring"+d.suffix, d.ringEvents)
		if err != nil {
			return err
		}
		afterFill()
		s := seen{size: d.size}
		want := d.ringEvents - dropped
		rd.SetDeadline(time.Now().Add(readerDeadline))
		start := time.Now()
		for s.events < want {
			if err := rd.ReadInto(&rec); err != nil {
				return fmt.Errorf("%s: after %d of %d events: %w", d.ringName, s.events, want, err)
			}
			s.add(rec.RawSample, true)
		}
		elapsed := time.Since(start)
		// Nothing more may be waiting.
		rd.SetDeadline(time.Now())
		for rd.ReadInto(&rec) == nil {
			s.add(rec.RawSample, true)
		}
		if err := checkEvents(d.ringName, s, d.ringEvents, dropped); err != nil {
			return err
		}
		if r > 0 {
			tot.add(elapsed, d.ringEvents, dropped, s.events)
		}
	}
	tot.emit(d.ringName)
	return nil
}

// ciliumPerf drains pre-filled perf buffers with Reader.ReadInto and a
// reused Record.
func ciliumPerf(coll *ebpf.Collection, d drain) error {
	rd, err := perf.NewReader(coll.Maps["perf"], perfPages*os.Getpagesize())
	if err != nil {
		return err
	}
	defer rd.Close()
	var rec perf.Record
	var tot eventTotals
	for r := 0; r <= eventRounds; r++ {
		dropped, err := ciliumFill(coll, "fill_perf"+d.suffix, d.perfEvents)
		if err != nil {
			return err
		}
		afterFill()
		s := seen{size: d.size}
		want := d.perfEvents - dropped
		rd.SetDeadline(time.Now().Add(readerDeadline))
		start := time.Now()
		for s.events < want {
			if err := rd.ReadInto(&rec); err != nil {
				return fmt.Errorf("%s: after %d of %d events: %w", d.perfName, s.events, want, err)
			}
			s.addPerf(&rec)
		}
		elapsed := time.Since(start)
		rd.SetDeadline(time.Now())
		for rd.ReadInto(&rec) == nil {
			s.addPerf(&rec)
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

func ciliumOpenLoadClose(path string) error {
	var ts []float64
	// Round 0 warms up and is not timed.
	for i := 0; i <= openLoads; i++ {
		start := time.Now()
		coll, err := ciliumOpenLoad(path)
		if err != nil {
			return err
		}
		coll.Close()
		if i > 0 {
			ts = append(ts, perOp(time.Since(start), 1))
		}
	}
	emit(result{Workload: "open_load", Unit: "ms/op", Value: stats.Median(ts) / 1e6, Ops: openLoads,
		Check: fmt.Sprintf("%d objects opened, loaded and closed", openLoads)})
	return nil
}

// addPerf counts a perf record: a sample or a count of lost samples.
func (s *seen) addPerf(rec *perf.Record) {
	if rec.LostSamples > 0 {
		s.lost += rec.LostSamples
		return
	}
	s.add(rec.RawSample, false)
}

// ciliumCurve fills m with n entries, then walks it once with
// Map.Iterate (iterate_<suffix>) and once with BatchLookup
// (batch_<suffix>).
func ciliumCurve(m *ebpf.Map, n uint64, suffix string) error {
	if m == nil {
		return fmt.Errorf("map of iterate_%s not found", suffix)
	}
	pk, pv := make([]uint64, n), make([]uint64, n)
	for k := range n {
		pk[k], pv[k] = k, valueOf(k, 0)
	}
	if c, err := m.BatchUpdate(pk, pv, nil); err != nil || uint64(c) != n {
		return fmt.Errorf("populate %s: %d of %d: %v", suffix, c, n, err)
	}
	var found uint64
	var k, v uint64
	start := time.Now()
	it := m.Iterate()
	for it.Next(&k, &v) {
		if v == valueOf(k, 0) {
			found++
		}
	}
	elapsed := time.Since(start)
	if err := it.Err(); err != nil {
		return fmt.Errorf("iterate_%s: %w", suffix, err)
	}
	if found != n {
		return fmt.Errorf("iterate_%s: %d of %d keys visited with their value", suffix, found, n)
	}
	emit(result{Workload: "iterate_" + suffix, Unit: "ns/key", Value: perOp(elapsed, n), Ops: n,
		Check: fmt.Sprintf("%d/%d keys visited with their value", found, n)})

	keys, vals := make([]uint64, batchSize), make([]uint64, batchSize)
	found = 0
	start = time.Now()
	var cursor ebpf.MapBatchCursor
	for {
		count, err := m.BatchLookup(&cursor, keys, vals, nil)
		for i := range count {
			if vals[i] == valueOf(keys[i], 0) {
				found++
			}
		}
		if errors.Is(err, ebpf.ErrKeyNotExist) {
			break
		}
		if err != nil {
			return fmt.Errorf("batch_%s: %w", suffix, err)
		}
	}
	elapsed = time.Since(start)
	if found != n {
		return fmt.Errorf("batch_%s: %d of %d entries read with their value", suffix, found, n)
	}
	emit(result{Workload: "batch_" + suffix, Unit: "ns/entry", Value: perOp(elapsed, n), Ops: n,
		Check: fmt.Sprintf("%d/%d entries read with their value", found, n)})
	return nil
}
