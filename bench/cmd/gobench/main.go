// Command gobench runs the benchmark workloads through one Go driver, the
// binding (package libbpf) or cilium/ebpf, and prints one JSON line per
// workload, like the C driver in bench/cdriver. It exits non-zero, naming
// the failed check, when a workload did not do its work.
//
//	gobench -driver=binding|cilium -obj bench/bench.bpf.o [-sized DIR]
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/libbpf-go/libbpf-go/bench/internal/pin"
	"github.com/libbpf-go/libbpf-go/bench/internal/stats"
)

// The sizes, mirrored constant for constant from bench/cdriver/driver.c.
const (
	nKeys        = 10000
	lookupPasses = 10
	updatePasses = 10
	iterPasses   = 5
	batchPasses  = 10
	batchSize    = 1024
	ringEvents   = 200000
	perfEvents   = 40000
	perfPages    = 1024
	eventRounds  = 5
	openLoads    = 10
	eventSize    = 64
	openPhases   = 200
	openWarmup   = 300
	sizedLoads   = 10
	kv1M         = 1000000
)

// result is one JSON line: the median-able figure of one workload.
type result struct {
	Driver   string  `json:"driver"`
	Workload string  `json:"workload"`
	Unit     string  `json:"unit"`
	Value    float64 `json:"value"`
	Ops      uint64  `json:"ops"`
	Check    string  `json:"check"`
}

var driverName string

func main() {
	flag.StringVar(&driverName, "driver", "binding", "the driver to run: binding or cilium")
	obj := flag.String("obj", "bench/bench.bpf.o", "the benchmark BPF object")
	sizedDir := flag.String("sized", "", "the folder of the open + load curve's objects (bench/cmd/genobj); none if empty")
	flag.Parse()
	var err error
	if err = pin.Setup(); err == nil {
		// The workloads run on main's goroutine, bound for the whole
		// run (see package pin).
		_, err = pin.Thread(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gobench -driver=%s: %v\n", driverName, err)
		os.Exit(1)
	}
	switch driverName {
	case "binding":
		err = runBinding(*obj, *sizedDir)
	case "cilium":
		err = runCilium(*obj, *sizedDir)
	default:
		err = fmt.Errorf("unknown driver %q (want binding or cilium)", driverName)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gobench -driver=%s: %v\n", driverName, err)
		os.Exit(1)
	}
}

// emit prints one result line for the current driver.
func emit(r result) {
	r.Driver = driverName
	line, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(line))
}

// valueOf is the value the map holds for key k after pass rounds of updates.
func valueOf(k, pass uint64) uint64 {
	return k*3 + 7 + pass
}

func putU64(b []byte, v uint64) { binary.NativeEndian.PutUint64(b, v) }

func getU64(b []byte) uint64 { return binary.NativeEndian.Uint64(b) }

// parallelLookups runs two goroutines that each make one pass of lookups
// over the nKeys keys with lookup (its own key and value buffers),
// lookupPasses times, and emits map_lookup_parallel: the wall time per
// lookup of both together, the median of the passes.
func parallelLookups(lookup func(key, val []byte) error) error {
	var found [2]uint64
	var errs [2]error
	var ts []float64
	for range lookupPasses {
		var wg sync.WaitGroup
		start := time.Now()
		for w := range 2 {
			wg.Go(func() {
				// Worker w on the run's CPU w (as in the C driver).
				unbind, err := pin.Thread(w)
				if err != nil {
					errs[w] = err
					return
				}
				defer func() {
					if err := unbind(); err != nil {
						errs[w] = err
					}
				}()
				key, val := make([]byte, 8), make([]byte, 8)
				for k := uint64(0); k < nKeys; k++ {
					putU64(key, k)
					if lookup(key, val) == nil && getU64(val) == valueOf(k, 0) {
						found[w]++
					}
				}
			})
		}
		wg.Wait()
		ts = append(ts, perOp(time.Since(start), 2*nKeys))
		if err := errors.Join(errs[:]...); err != nil {
			return fmt.Errorf("map_lookup_parallel: %w", err)
		}
	}
	n := uint64(2 * lookupPasses * nKeys)
	if found[0]+found[1] != n {
		return fmt.Errorf("map_lookup_parallel: %d of %d lookups found their value", found[0]+found[1], n)
	}
	emit(result{Workload: "map_lookup_parallel", Unit: "ns/op", Value: stats.Median(ts), Ops: n,
		Check: fmt.Sprintf("%d/%d lookups found their value in 2 goroutines", found[0]+found[1], n)})
	return nil
}

// perOp is the average of d over n operations in nanoseconds.
func perOp(d time.Duration, n uint64) float64 {
	return float64(d.Nanoseconds()) / float64(n)
}

// fillArgs is the raw_tp context of fill_ring and fill_perf: how many
// events, numbered from which sequence number.
func fillArgs(count, first uint64) []byte {
	b := make([]byte, 16)
	putU64(b, count)
	putU64(b[8:], first)
	return b
}

// curves are the maps of the iteration cost curve: map name, entries and
// the workloads' suffix (iterate_<suffix>, batch_<suffix>); the 10k point
// is map_iterate and map_batch.
var curves = []struct {
	name    string
	entries uint64
	suffix  string
}{
	{"kv_1k", 1000, "1k"},
	{"kv_100k", 100000, "100k"},
	{"kv_1m", kv1M, "1m"},
}

// sized are the objects of the open + load curve, sized_<name>.bpf.o in
// the -sized folder: pP_mM has P programs and M maps (bench/cmd/genobj).
var sized = []string{"p1_m1", "p10_m1", "p100_m1", "p1_m10", "p1_m100"}

// sizedPath is the path of the curve's object name in dir.
func sizedPath(dir, name string) string {
	return filepath.Join(dir, "sized_"+name+".bpf.o")
}

// populateData returns the keys 0..n-1 and their values valueOf(k, 0),
// laid out for a batch update.
func populateData(n uint64) (keys, vals []byte) {
	keys, vals = make([]byte, n*8), make([]byte, n*8)
	for k := range n {
		putU64(keys[k*8:], k)
		putU64(vals[k*8:], valueOf(k, 0))
	}
	return keys, vals
}

// drain is one drain workload: the event size, how many events a fill
// writes (so that a fill stays within the ring: 16 MiB, and 4 MiB per CPU
// for perf), the fill program's suffix and the workloads' names; the same
// table as drains in bench/cdriver/driver.c.
type drain struct {
	size                   int
	ringEvents, perfEvents uint64
	suffix                 string
	ringName, perfName     string
}

var drains = []drain{
	{eventSize, ringEvents, perfEvents, "", "ringbuf", "perfbuf"},
	{16, 200000, 40000, "_16", "ringbuf_16", "perfbuf_16"},
	{256, 45000, 12000, "_256", "ringbuf_256", "perfbuf_256"},
	{4096, 3000, 900, "_4096", "ringbuf_4096", "perfbuf_4096"},
}

// seen is what a consumer saw during one drain of size-byte events.
type seen struct {
	events, bad, seqSum, lost uint64
	size                      int
}

// add counts one event and sums its sequence number. exact says whether
// the payload must be exactly s.size bytes (ring buffer) or at least that
// (perf samples carry padding).
func (s *seen) add(data []byte, exact bool) {
	s.events++
	if len(data) < s.size || (exact && len(data) != s.size) {
		s.bad++
		return
	}
	s.seqSum += getU64(data)
}

// checkEvents fails unless the drain received every event the program
// produced and did not drop. The program numbers events from 0 and drops
// only when the buffer is full, so the received ones are 0..received-1.
func checkEvents(workload string, s seen, produced, dropped uint64) error {
	if s.bad != 0 {
		return fmt.Errorf("%s: %d events of the wrong size", workload, s.bad)
	}
	if s.events != produced-dropped {
		return fmt.Errorf("%s: received %d, produced %d - lost %d = %d",
			workload, s.events, produced, dropped, produced-dropped)
	}
	if want := s.events * (s.events - 1) / 2; s.events > 0 && s.seqSum != want {
		return fmt.Errorf("%s: sequence numbers sum to %d, want %d", workload, s.seqSum, want)
	}
	return nil
}

// eventTotals sums the timed rounds of a drain workload and keeps each
// round's ns/event.
type eventTotals struct {
	perEvent                 []float64
	produced, lost, received uint64
}

func (t *eventTotals) add(d time.Duration, produced, lost, received uint64) {
	t.perEvent = append(t.perEvent, perOp(d, max(received, 1)))
	t.produced += produced
	t.lost += lost
	t.received += received
}

func (t *eventTotals) emit(workload string) {
	emit(result{
		Workload: workload, Unit: "ns/event",
		Value: stats.Median(t.perEvent), Ops: t.received,
		Check: fmt.Sprintf("received %d = produced %d - lost %d", t.received, t.produced, t.lost),
	})
}

// runGroup says whether the workloads of group (maps, walk, drains, open)
// run: all of them unless the BENCH_ONLY environment variable lists some,
// comma-separated, as in the C driver.
func runGroup(group string) bool {
	only := os.Getenv("BENCH_ONLY")
	return only == "" || slices.Contains(strings.Split(only, ","), group)
}

// afterFill runs between a drain's fill and its timed drain, untimed. The
// fill is one BPF_PROG_TEST_RUN system call that takes up to hundreds of
// milliseconds here; the Go runtime's sysmon marks a goroutine that has
// run (system call included) for over 10 ms for preemption, and the mark
// takes effect at the goroutine's next function call, in the timed drain.
// With the thread locked (package pin) that preemption is a hand-off through
// another thread and back, milliseconds on a loaded machine (seen as one
// voluntary context switch in each slow round). Yielding here takes the
// preemption before the timer starts; C has no such step to take.
func afterFill() {
	runtime.Gosched()
}

// openPhase times the open phase, open (which opens the object and
// releases it), twice over: the process's first openPhases opens after
// the very first, as open_phase_first, then, after openWarmup more,
// openPhases opens again, as open_phase. The first ones include what a
// fresh process pays once as its memory grows (in Go, the heap's first
// megabytes, page by page, before the first collection lets it reuse
// any); the later ones are what each open costs once that is done.
func openPhase(open func() error, check string) error {
	timed := func() ([]float64, error) {
		var ts []float64
		for range openPhases {
			start := time.Now()
			if err := open(); err != nil {
				return nil, err
			}
			ts = append(ts, perOp(time.Since(start), 1))
		}
		return ts, nil
	}
	if err := open(); err != nil {
		return fmt.Errorf("open_phase: %w", err)
	}
	first, err := timed()
	if err != nil {
		return fmt.Errorf("open_phase_first: %w", err)
	}
	for range openWarmup {
		if err := open(); err != nil {
			return fmt.Errorf("open_phase: %w", err)
		}
	}
	ts, err := timed()
	if err != nil {
		return fmt.Errorf("open_phase: %w", err)
	}
	emit(result{Workload: "open_phase_first", Unit: "us/op", Value: stats.Median(first) / 1e3, Ops: openPhases,
		Check: fmt.Sprintf("%d %s, the process's first", openPhases, check)})
	emit(result{Workload: "open_phase", Unit: "us/op", Value: stats.Median(ts) / 1e3, Ops: openPhases,
		Check: fmt.Sprintf("%d %s, after %d more", openPhases, check, openWarmup)})
	return nil
}
