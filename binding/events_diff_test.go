package libbpf_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// The differential tests: the binding's in-place consumers read one ring
// of each pair that testdata/events_diff.bpf.c writes, libbpf's own
// consumers (ring__consume, perf_buffer__consume_buffer, behind the same
// API) read its twin, while BPF programs run from other goroutines keep
// writing; both must deliver the same samples in the same order.

// diffSample is a delivered sample of events_diff.bpf.c, checked.
type diffSample struct {
	seq  uint64
	cpu  uint32
	size uint32
}

// decodeDiff checks a sample's head (struct head) against its length and
// last byte. exact says the length must be the head's size (ring buffer);
// perf samples may carry up to 7 bytes of padding.
func decodeDiff(data []byte, exact bool) (diffSample, error) {
	if len(data) < 16 {
		return diffSample{}, fmt.Errorf("sample of %d bytes", len(data))
	}
	s := diffSample{
		seq:  binary.NativeEndian.Uint64(data),
		cpu:  binary.NativeEndian.Uint32(data[8:]),
		size: binary.NativeEndian.Uint32(data[12:]),
	}
	if int(s.size) > len(data) || (exact && int(s.size) != len(data)) || len(data)-int(s.size) > 7 {
		return s, fmt.Errorf("seq %d: head says %d bytes, sample has %d", s.seq, s.size, len(data))
	}
	if data[s.size-1] != byte(s.seq) {
		return s, fmt.Errorf("seq %d: last byte %#x, want %#x", s.seq, data[s.size-1], byte(s.seq))
	}
	return s, nil
}

// diffLog is what one consumer delivered, by ring (ring buffer) or CPU
// (perf buffer). Only the consumer's Poll goroutine appends; count is read
// by others.
type diffLog struct {
	got   [][]diffSample
	bad   []error
	count atomic.Int64
	bytes atomic.Int64
}

func newDiffLog(n int) *diffLog { return &diffLog{got: make([][]diffSample, n)} }

// add records a sample of ring or CPU idx; failOn makes the callback
// return an error for those sequence numbers (after recording them).
func (l *diffLog) add(idx int, data []byte, exact bool, failOn func(uint64) bool) error {
	s, err := decodeDiff(data, exact)
	if err != nil && len(l.bad) < 5 {
		l.bad = append(l.bad, err)
	}
	l.got[idx] = append(l.got[idx], s)
	l.bytes.Add(int64(len(data)))
	l.count.Add(1)
	if failOn != nil && failOn(s.seq) {
		return fmt.Errorf("seq %d: %w", s.seq, errRefused)
	}
	return nil
}

// errRefused marks the callback errors the tests provoke.
var errRefused = errors.New("callback refuses")

// pollLoop polls until the consumer is closed, counting the callback
// errors, which must wrap the callback's own error; it returns the first
// other error.
func pollLoop(poll func(time.Duration) (int, error), callbackErrs *atomic.Int64) error {
	for {
		_, err := poll(-1)
		switch {
		case err == nil:
		case errors.Is(err, libbpf.ErrClosed):
			return nil
		case errors.Is(err, errRefused):
			callbackErrs.Add(1)
		default:
			return err
		}
	}
}

// waitFor waits up to 20 s for cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// pacer slows producers down until cond holds, from producer goroutines.
// It only slows them down: once it waited 5 s in vain (a consumer is
// stuck), it stops waiting, and the test's checks tell what went wrong.
type pacer struct{ gaveUp atomic.Bool }

func (p *pacer) wait(cond func() bool) {
	deadline := time.Now().Add(5 * time.Second)
	for !p.gaveUp.Load() && !cond() {
		if time.Now().After(deadline) {
			p.gaveUp.Store(true)
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// bssU64 reads a __u64 global of obj.
func bssU64(t testing.TB, obj *libbpf.Object, name string) uint64 {
	t.Helper()
	v := make([]byte, 8)
	require.NoError(t, obj.Global(name, v))
	return binary.NativeEndian.Uint64(v)
}

// producerCPUs are the CPUs the producers run on.
func producerCPUs() []uint32 {
	n := min(runtime.NumCPU(), 2)
	cpus := make([]uint32, n)
	for i := range cpus {
		cpus[i] = uint32(i)
	}
	return cpus
}

// runProducers runs prog, n samples a run, runs times from perCPU
// goroutines for each CPU of producerCPUs; with serial set, the runs never
// overlap (so both rings of a pair see the same order), otherwise they race
// each other as well as the consumers. before, if not nil, is called before
// each run of a producer on cpu (with serial, during the producer's turn).
//
// Two goroutines for one CPU can nest: BPF_F_TEST_RUN_ON_CPU runs the
// program in the caller's task, preemption off, when the caller is on that
// CPU, and in an IPI otherwise, which may interrupt the first run between
// its reservation in one ring of a pair and in the other. With one
// goroutine per CPU, the runs on a CPU follow each other.
func runProducers(t *testing.T, prog *libbpf.Program, n, runs, perCPU int, serial bool, before func(cpu uint32)) {
	t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for _, cpu := range producerCPUs() {
		for range perCPU {
			wg.Go(func() {
				ctx := make([]byte, 8)
				binary.NativeEndian.PutUint64(ctx, uint64(n))
				for range runs {
					if serial {
						mu.Lock()
					}
					if before != nil {
						before(cpu)
					}
					_, err := prog.TestRun(&libbpf.TestRunOptions{Context: ctx, Flags: testRunOnCPU, CPU: cpu})
					if serial {
						mu.Unlock()
					}
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// byCPU returns the samples of got from each CPU, in their order.
func byCPU(got []diffSample) map[uint32][]diffSample {
	m := map[uint32][]diffSample{}
	for _, s := range got {
		m[s.cpu] = append(m[s.cpu], s)
	}
	return m
}

// isPrefix reports whether a is a prefix of b or b of a.
func isPrefix(a, b []diffSample) bool {
	n := min(len(a), len(b))
	return slices.Equal(a[:n], b[:n])
}

func TestRingBufferMatchesLibbpf(t *testing.T) {
	requireKernel(t)
	for _, mode := range []struct {
		name string
		// perCPU: producer goroutines per CPU (see runProducers).
		perCPU int
		// serial: producers take turns, so both consumers must deliver
		// the very same sequence; otherwise the order may differ between
		// CPUs, and, with nesting runs (perCPU 2), within one.
		serial bool
		// closeEarly: Close the consumers during their Poll while the
		// producers still run, instead of after the rings are drained.
		closeEarly bool
	}{
		{"serial producers", 2, true, false},
		{"racing producers", 1, false, false},
		{"nesting producers", 2, false, false},
		{"close during poll", 2, true, true},
	} {
		t.Run(mode.name, func(t *testing.T) {
			obj := loadObject(t, "events_diff")
			// Every 97th sequence number makes both callbacks fail.
			failOn := func(seq uint64) bool { return seq%97 == 1 }
			logs := [2]*diffLog{newDiffLog(2), newDiffLog(2)}
			var rbs [2]*libbpf.RingBuffer
			for i, pair := range [2]string{"a", "b"} {
				log := logs[i]
				rb := newRingBuffer(t, objMap(t, obj, "ring_"+pair+"0"), func(data []byte) error {
					return log.add(0, data, true, failOn)
				})
				require.NoError(t, rb.Add(objMap(t, obj, "ring_"+pair+"1"), func(data []byte) error {
					return log.add(1, data, true, failOn)
				}))
				rbs[i] = rb
			}
			rbs[1].ViaLibbpf()

			var callbackErrs [2]atomic.Int64
			var wg sync.WaitGroup
			pollErrs := make([]error, 2)
			for i := range rbs {
				wg.Go(func() { pollErrs[i] = pollLoop(rbs[i].Poll, &callbackErrs[i]) })
			}
			prog := program(t, obj, "emit_rings")
			// Each run of a producer waits until both consumers are
			// at most 20 samples behind, so that the 16 KiB rings are
			// not always full; the samples of one run (10, 24 to 3001
			// bytes) may still overflow them, which the producer turns
			// into a drop of both samples of the pair.
			committed := func() int64 {
				v := make([]byte, 8)
				if obj.Global("committed", v) != nil {
					return 0
				}
				return int64(binary.NativeEndian.Uint64(v))
			}
			var pc pacer
			paced := func(uint32) {
				pc.wait(func() bool {
					c := committed() - 20
					return logs[0].count.Load() >= c && logs[1].count.Load() >= c
				})
			}
			if mode.closeEarly {
				done := make(chan struct{})
				closed := atomic.Bool{}
				go func() {
					defer close(done)
					runProducers(t, prog, 10, 200, mode.perCPU, mode.serial, func(cpu uint32) {
						if !closed.Load() {
							paced(cpu)
						}
					})
				}()
				waitFor(t, "the first samples", func() bool {
					return logs[0].count.Load() > 2000 && logs[1].count.Load() > 2000
				})
				closed.Store(true)
				require.NoError(t, rbs[0].Close())
				require.NoError(t, rbs[1].Close())
				wg.Wait()
				<-done
			} else {
				runProducers(t, prog, 10, 200, mode.perCPU, mode.serial, paced)
				all := committed()
				waitFor(t, "both consumers to drain the rings", func() bool {
					return logs[0].count.Load() == all && logs[1].count.Load() == all
				})
				// Close while both Poll without a time limit.
				require.NoError(t, rbs[0].Close())
				require.NoError(t, rbs[1].Close())
				wg.Wait()
				assert.Greater(t, bssU64(t, obj, "discarded"), uint64(0), "no sample discarded")
			}
			for i := range rbs {
				require.NoError(t, pollErrs[i], "consumer %d", i)
				require.Empty(t, logs[i].bad, "consumer %d", i)
			}
			// The rings are 16 KiB: the samples wrapped many times.
			assert.Greater(t, logs[0].bytes.Load(), int64(20*16<<10))

			for ring := range 2 {
				got, want := logs[0].got[ring], logs[1].got[ring]
				for _, s := range got {
					require.NotZero(t, s.seq%5, "discarded sample delivered")
					require.Equal(t, uint64(ring), (s.seq/3)%2, "sample in the wrong ring")
				}
				switch {
				case mode.closeEarly:
					assert.True(t, isPrefix(got, want), "ring %d: one consumer's samples are not a prefix of the other's", ring)
				case mode.serial:
					assert.Equal(t, want, got, "ring %d", ring)
				case mode.perCPU == 1:
					gotCPU, wantCPU := byCPU(got), byCPU(want)
					assert.Equal(t, wantCPU, gotCPU, "ring %d by CPU", ring)
					assert.ElementsMatch(t, want, got, "ring %d", ring)
				default:
					// A nested run may take its place in one ring of
					// the pair before the run it interrupted, and
					// after it in the other.
					assert.ElementsMatch(t, want, got, "ring %d", ring)
				}
			}
			if !mode.closeEarly {
				// The same callbacks failed, each once.
				assert.Equal(t, callbackErrs[1].Load(), callbackErrs[0].Load())
				assert.Greater(t, callbackErrs[0].Load(), int64(0))
			}
		})
	}
}

func TestPerfBufferMatchesLibbpf(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "events_diff")
	ncpu := runtime.NumCPU()
	logs := [2]*diffLog{newDiffLog(ncpu), newDiffLog(ncpu)}
	var lost atomic.Uint64
	var pbs [2]*libbpf.PerfBuffer
	for i, m := range [2]string{"perf_a", "perf_b"} {
		log := logs[i]
		// Two pages per CPU: the records wrap around the end often.
		pbs[i] = newPerfBuffer(t, objMap(t, obj, m), 2, func(cpu int, data []byte) {
			_ = log.add(cpu, data, false, nil)
		}, func(cpu int, n uint64) { lost.Add(n) })
	}
	pbs[1].ViaLibbpf()

	var wg sync.WaitGroup
	var callbackErrs [2]atomic.Int64
	pollErrs := make([]error, 2)
	for i := range pbs {
		wg.Go(func() { pollErrs[i] = pollLoop(pbs[i].Poll, &callbackErrs[i]) })
	}
	// The producers take turns, and each waits until both consumers
	// delivered everything sent so far, so that no ring overflows (a
	// sample lost in one buffer but not the other would make them differ);
	// the consumers still race the program that writes each run.
	const n = 4
	var produced atomic.Int64
	var pc pacer
	runProducers(t, program(t, obj, "emit_perf"), n, 300, 2, true, func(cpu uint32) {
		want := produced.Load()
		pc.wait(func() bool {
			return logs[0].count.Load() >= want && logs[1].count.Load() >= want
		})
		produced.Add(n)
	})
	sentTotal := int64(bssU64(t, obj, "perf_sent"))
	require.Zero(t, bssU64(t, obj, "perf_failed"), "a perf buffer was full")
	waitFor(t, "both consumers to drain", func() bool {
		return logs[0].count.Load() == sentTotal && logs[1].count.Load() == sentTotal
	})
	require.NoError(t, pbs[0].Close())
	require.NoError(t, pbs[1].Close())
	wg.Wait()
	for i := range pbs {
		require.NoError(t, pollErrs[i])
		require.Empty(t, logs[i].bad)
	}
	assert.Zero(t, lost.Load())
	for cpu := range ncpu {
		assert.Equal(t, logs[1].got[cpu], logs[0].got[cpu], "CPU %d", cpu)
		for _, s := range logs[0].got[cpu] {
			require.Equal(t, uint32(cpu), s.cpu, "sample in another CPU's buffer")
		}
	}
	// Two pages of 4 KiB per CPU: the records wrapped many times.
	assert.Greater(t, logs[0].bytes.Load(), int64(20*8<<10))
}
