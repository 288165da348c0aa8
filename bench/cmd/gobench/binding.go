package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/libbpf-go/libbpf-go/bench/internal/stats"
	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// runBinding runs every workload through the binding.
func runBinding(path, sizedDir string) error {
	libbpf.SetLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	obj, err := libbpf.OpenFile(path, nil)
	if err != nil {
		return err
	}
	// kv_1m is declared with one entry, so that open_load does not
	// allocate a million; the curve's map gets them here.
	m1, err := obj.Map("kv_1m")
	if err == nil {
		err = m1.SetMaxEntries(kv1M)
	}
	if err == nil {
		err = obj.Load()
	}
	if err != nil {
		obj.Close()
		return err
	}
	if runGroup("maps") {
		err = bindingMaps(obj)
	}
	for _, c := range curves {
		if err == nil && runGroup("walk") {
			err = bindingCurve(obj, c.name, c.entries, c.suffix)
		}
	}
	for _, d := range drains {
		if !runGroup("drains") {
			break
		}
		if err == nil {
			err = bindingRing(obj, d)
		}
		if err == nil {
			err = bindingPerf(obj, d)
		}
	}
	if cerr := obj.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if !runGroup("open") {
		return nil
	}
	if err := bindingOpenLoadClose(path); err != nil {
		return err
	}
	if err := bindingOpenPhase(path); err != nil {
		return err
	}
	if sizedDir == "" {
		return nil
	}
	for _, name := range sized {
		if err := bindingSized(sizedDir, name); err != nil {
			return err
		}
	}
	return nil
}

// bindingOpenPhase times OpenFile + Close of path, no load: the open
// phase (parse and checks) of open_load.
func bindingOpenPhase(path string) error {
	return openPhase(func() error {
		obj, err := libbpf.OpenFile(path, nil)
		if err != nil {
			return err
		}
		return obj.Close()
	}, "objects opened and closed")
}

// bindingSized times open + load + close of the curve's object name.
func bindingSized(dir, name string) error {
	var ts []float64
	var progs int
	for i := 0; i <= sizedLoads; i++ {
		start := time.Now()
		obj, err := bindingOpenLoad(sizedPath(dir, name))
		if err != nil {
			return fmt.Errorf("open_load_%s: %w", name, err)
		}
		d := time.Since(start)
		progs = 0
		for _, p := range obj.Programs() {
			if p.FD() >= 0 {
				progs++
			}
		}
		start = time.Now()
		if err := obj.Close(); err != nil {
			return err
		}
		if i > 0 {
			ts = append(ts, perOp(d+time.Since(start), 1))
		}
	}
	emit(result{Workload: "open_load_" + name, Unit: "ms/op", Value: stats.Median(ts) / 1e6, Ops: sizedLoads,
		Check: fmt.Sprintf("%d times opened, loaded (%d programs) and closed", sizedLoads, progs)})
	return nil
}

func bindingOpenLoad(path string) (*libbpf.Object, error) {
	obj, err := libbpf.OpenFile(path, nil)
	if err != nil {
		return nil, err
	}
	if err := obj.Load(); err != nil {
		obj.Close()
		return nil, err
	}
	return obj, nil
}

func bindingMaps(obj *libbpf.Object) error {
	m, err := obj.Map("kv")
	if err != nil {
		return err
	}
	key, val, next := make([]byte, 8), make([]byte, 8), make([]byte, 8)
	for k := uint64(0); k < nKeys; k++ {
		putU64(key, k)
		putU64(val, valueOf(k, 0))
		if err := m.Update(key, val, libbpf.UpdateAny); err != nil {
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
	if err := parallelLookups(m.Lookup); err != nil {
		return err
	}

	ts = ts[:0]
	for p := uint64(1); p <= updatePasses; p++ {
		start := time.Now()
		for k := uint64(0); k < nKeys; k++ {
			putU64(key, k)
			putU64(val, valueOf(k, p))
			if err := m.Update(key, val, libbpf.UpdateExist); err != nil {
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
		var prev []byte
		for {
			err := m.NextKey(prev, next)
			if errors.Is(err, os.ErrNotExist) {
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

	keys, vals := make([]byte, batchSize*8), make([]byte, batchSize*8)
	found = 0
	ts = ts[:0]
	for range batchPasses {
		start := time.Now()
		var cursor libbpf.MapBatchCursor
		for {
			count, err := m.LookupBatch(&cursor, keys, vals)
			for i := range count {
				if getU64(vals[i*8:]) == valueOf(getU64(keys[i*8:]), updatePasses) {
					found++
				}
			}
			if errors.Is(err, os.ErrNotExist) {
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

// bindingFill runs the named fill program once and returns how many events
// it dropped.
func bindingFill(obj *libbpf.Object, name string, count uint64) (uint64, error) {
	prog, err := obj.Program(name)
	if err != nil {
		return 0, err
	}
	res, err := prog.TestRun(&libbpf.TestRunOptions{Context: fillArgs(count, 0)})
	if err != nil {
		return 0, err
	}
	return uint64(res.ReturnValue), nil
}

func bindingOpenLoadClose(path string) error {
	var ts []float64
	// Round 0 warms up and is not timed.
	for i := 0; i <= openLoads; i++ {
		start := time.Now()
		obj, err := bindingOpenLoad(path)
		if err != nil {
			return err
		}
		if err := obj.Close(); err != nil {
			return err
		}
		if i > 0 {
			ts = append(ts, perOp(time.Since(start), 1))
		}
	}
	emit(result{Workload: "open_load", Unit: "ms/op", Value: stats.Median(ts) / 1e6, Ops: openLoads,
		Check: fmt.Sprintf("%d objects opened, loaded and closed", openLoads)})
	return nil
}

// bindingCurve fills map name with n entries, then walks it once with
// Map.Iterate (iterate_<suffix>) and once with LookupBatch
// (batch_<suffix>).
func bindingCurve(obj *libbpf.Object, name string, n uint64, suffix string) error {
	m, err := obj.Map(name)
	if err != nil {
		return err
	}
	pk, pv := populateData(n)
	if c, err := m.UpdateBatch(pk, pv, libbpf.UpdateAny); err != nil || uint64(c) != n {
		return fmt.Errorf("populate %s: %d of %d: %v", name, c, n, err)
	}
	var found uint64
	start := time.Now()
	it := m.Iterate()
	for k, v := range it.All() {
		if getU64(v) == valueOf(getU64(k), 0) {
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

	keys, vals := make([]byte, batchSize*8), make([]byte, batchSize*8)
	found = 0
	start = time.Now()
	var cursor libbpf.MapBatchCursor
	for {
		count, err := m.LookupBatch(&cursor, keys, vals)
		for i := range count {
			if getU64(vals[i*8:]) == valueOf(getU64(keys[i*8:]), 0) {
				found++
			}
		}
		if errors.Is(err, os.ErrNotExist) {
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
