// Command paired compares map element calls made through the binding with
// the same calls made by C libbpf, in one process and close in time: each
// round runs a block of lookups (and of updates, of two lookups at once,
// of opens of the object) every way, in an order that turns from round to
// round, and the ratio of each way to C is taken per round. Figures taken
// that way do not depend on which state (fast or slow) the machine was in
// while each driver of `make bench` ran, so they are an independent check
// of its map and open-phase verdicts. Two ways without the
// binding split the binding's distance from C: bpf(2) from Go through
// syscall.RawSyscall and through syscall.Syscall (what the binding uses;
// see binding/map_syscall.go).
//
//	paired -obj bench/bench.bpf.o [-rounds 40] [-keys 10000] [-out paired.json]
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/libbpf-go/libbpf-go/bench/internal/host"
	"github.com/libbpf-go/libbpf-go/bench/internal/pin"
	"github.com/libbpf-go/libbpf-go/bench/internal/stats"
	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// want is the value stored under key k, as c_lookups checks it.
func want(k uint64) uint64 { return k*3 + 1 }

// way is one way of making a block of element calls; it returns how many
// of the n calls did their work.
type way struct {
	name  string
	block func(n uint64) uint64
}

// summary is what the comparison found for one way of one operation.
type summary struct {
	Op      string  `json:"op"`
	Way     string  `json:"way"`
	NsPerOp float64 `json:"ns_per_op"`
	VsC     float64 `json:"vs_c"`
	VsCMin  float64 `json:"vs_c_min"`
	VsCMax  float64 `json:"vs_c_max"`
	Rounds  int     `json:"rounds"`
	Machine string  `json:"machine,omitempty"`
	Calls   uint64  `json:"calls"`
	Checked string  `json:"check"`
}

func main() {
	objPath := flag.String("obj", "bench/bench.bpf.o", "the benchmark BPF object (its hash map kv is used)")
	rounds := flag.Int("rounds", 40, "rounds; each runs a block of calls every way")
	keys := flag.Uint64("keys", 10000, "calls per block: keys 0 to keys-1")
	out := flag.String("out", "", "also write the results as JSON to this file")
	flag.Parse()
	if err := run(*objPath, *rounds, *keys, *out); err != nil {
		fmt.Fprintln(os.Stderr, "paired:", err)
		os.Exit(1)
	}
}

func run(objPath string, rounds int, keys uint64, out string) error {
	if rounds < 1 || keys < 1 {
		return fmt.Errorf("-rounds and -keys must be at least 1")
	}
	// One thread makes every call, as the C driver's one thread does,
	// bound to one CPU (BENCH_CPU, as in the drivers; package pin).
	if err := pin.Setup(); err != nil {
		return err
	}
	if _, err := pin.Thread(0); err != nil {
		return err
	}
	obj, err := libbpf.OpenFile(objPath, nil)
	if err != nil {
		return err
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		return err
	}
	m, err := obj.Map("kv")
	if err != nil {
		return err
	}
	if m.KeySize() != 8 || m.ValueSize() != 8 || uint64(m.MaxEntries()) < keys {
		return fmt.Errorf("map kv: want 8-byte keys and values and %d entries", keys)
	}
	key, value := make([]byte, 8), make([]byte, 8)
	for k := range keys {
		binary.NativeEndian.PutUint64(key, k)
		binary.NativeEndian.PutUint64(value, want(k))
		if err := m.Update(key, value, libbpf.UpdateAny); err != nil {
			return err
		}
	}
	fd := m.FD()

	// Each block has buffers of its own, so that two may run at once.
	lookup := func(call func(key, value []byte) error) func(uint64) uint64 {
		return func(n uint64) (found uint64) {
			key, value := make([]byte, 8), make([]byte, 8)
			for k := range n {
				binary.NativeEndian.PutUint64(key, k)
				if call(key, value) == nil && binary.NativeEndian.Uint64(value) == want(k) {
					found++
				}
			}
			return found
		}
	}
	update := func(n uint64) (done uint64) {
		for k := range n {
			binary.NativeEndian.PutUint64(key, k)
			binary.NativeEndian.PutUint64(value, want(k))
			if m.Update(key, value, libbpf.UpdateExist) == nil {
				done++
			}
		}
		return done
	}
	// A block of opens is a 100th of a block of element calls.
	openBlock := max(keys/100, 1)
	opens := func(n uint64) (done uint64) {
		for range n {
			o, err := libbpf.OpenFile(objPath, nil)
			if err == nil && o.Close() == nil {
				done++
			}
		}
		return done
	}
	mach := host.Describe().String()
	var all []summary
	for _, op := range []struct {
		name string
		ways []way
		n    uint64
	}{
		{"lookup", []way{
			{"c", func(n uint64) uint64 { return cLookups(fd, n) }},
			{"binding", lookup(m.Lookup)},
			{"go_rawsyscall", lookup(func(k, v []byte) error { return bpfLookup(fd, k, v, true) })},
			{"go_syscall", lookup(func(k, v []byte) error { return bpfLookup(fd, k, v, false) })},
		}, keys},
		{"update", []way{
			{"c", func(n uint64) uint64 { return cUpdates(fd, n) }},
			{"binding", update},
		}, keys},
		// Two at once, as map_lookup_parallel: the wall time per lookup.
		{"lookup_2", []way{
			{"c", twice(func(n uint64) uint64 { return cLookups(fd, n) })},
			{"binding", twice(lookup(m.Lookup))},
			{"go_rawsyscall", twice(lookup(func(k, v []byte) error { return bpfLookup(fd, k, v, true) }))},
			{"go_syscall", twice(lookup(func(k, v []byte) error { return bpfLookup(fd, k, v, false) }))},
		}, keys},
		// The open phase, as open_phase: open the object and close it,
		// no load.
		{"open", []way{
			{"c", func(n uint64) uint64 { return cOpens(objPath, n) }},
			{"binding", opens},
		}, openBlock},
	} {
		sums, err := compare(op.name, op.ways, rounds, op.n)
		if err != nil {
			return err
		}
		for _, s := range sums {
			s.Machine = mach
			all = append(all, s)
			if s.Way == "c" {
				fmt.Printf("paired %-6s %-14s %8.0f ns/op\n", s.Op, "C libbpf", s.NsPerOp)
				continue
			}
			fmt.Printf("paired %-6s %-14s %8.0f ns/op  %s/C %.3f (rounds %.2f to %.2f)\n",
				s.Op, s.Way, s.NsPerOp, s.Way, s.VsC, s.VsCMin, s.VsCMax)
		}
	}
	fmt.Printf("paired: %d rounds of %d calls (of %d opens) each way, one process, on %s\n", rounds, keys, openBlock, mach)
	if out == "" {
		return nil
	}
	data, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(data, '\n'), 0o644)
}

// compare runs rounds rounds of a block of n calls each way, the first way
// being C's, turning the order every round, and fails when a block did not
// do all its work.
func compare(op string, ways []way, rounds int, n uint64) ([]summary, error) {
	took := make([][]float64, len(ways))
	for r := range rounds {
		for j := range ways {
			i := (r + j) % len(ways)
			start := time.Now()
			done := ways[i].block(n)
			took[i] = append(took[i], float64(time.Since(start).Nanoseconds())/float64(n))
			if done != n {
				return nil, fmt.Errorf("%s through %s: %d of %d calls did their work", op, ways[i].name, done, n)
			}
		}
	}
	var sums []summary
	for i, w := range ways {
		ratios := make([]float64, rounds)
		for r := range rounds {
			ratios[r] = took[i][r] / took[0][r]
		}
		sums = append(sums, summary{
			Op: op, Way: w.name, NsPerOp: stats.Median(took[i]), VsC: stats.Median(ratios),
			VsCMin: slices.Min(ratios), VsCMax: slices.Max(ratios), Rounds: rounds,
			Calls: uint64(rounds) * n, Checked: fmt.Sprintf("%d/%d calls did their work", uint64(rounds)*n, uint64(rounds)*n),
		})
	}
	return sums, nil
}

// twice returns a block that runs block on two goroutines at once, each
// with a thread of its own (as a cgo call or a locked goroutine has),
// bound to the run's CPU and the next one as the drivers bind theirs,
// and counts a call done when both did it: the work of 2n calls in the
// time of n, so the figure per call is wall time per pair of calls.
func twice(block func(n uint64) uint64) func(uint64) uint64 {
	return func(n uint64) uint64 {
		var done [2]uint64
		var wg sync.WaitGroup
		for i := range done {
			wg.Go(func() {
				unbind, err := pin.Thread(i)
				if err != nil {
					// Counted as no work done: compare fails the op.
					fmt.Fprintln(os.Stderr, "paired:", err)
					return
				}
				done[i] = block(n)
				if err := unbind(); err != nil {
					fmt.Fprintln(os.Stderr, "paired:", err)
					done[i] = 0
				}
			})
		}
		wg.Wait()
		return min(done[0], done[1])
	}
}

// elemAttr is the element-command part of union bpf_attr (map_fd, key,
// value, flags), as libbpf's bpf_map_lookup_elem fills it.
type elemAttr struct {
	fd    uint32
	_     uint32
	key   unsafe.Pointer
	value unsafe.Pointer
	flags uint64
}

// bpfLookup makes BPF_MAP_LOOKUP_ELEM from Go, through syscall.RawSyscall
// when raw is set, else through syscall.Syscall.
func bpfLookup(fd int, key, value []byte, raw bool) error {
	attr := elemAttr{fd: uint32(fd), key: unsafe.Pointer(&key[0]), value: unsafe.Pointer(&value[0])}
	var errno syscall.Errno
	if raw {
		_, _, errno = syscall.RawSyscall(unix.SYS_BPF, unix.BPF_MAP_LOOKUP_ELEM, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	} else {
		_, _, errno = syscall.Syscall(unix.SYS_BPF, unix.BPF_MAP_LOOKUP_ELEM, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	}
	if errno != 0 {
		return errno
	}
	return nil
}
