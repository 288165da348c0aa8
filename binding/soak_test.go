package libbpf_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// soakCyclesEnv sets the number of soak cycles; `make soak` sets it to
// run the long version.
const soakCyclesEnv = "LIBBPF_GO_SOAK_CYCLES"

// Soak cycles in a normal `go test`, and the warm-up cycles before the
// baseline is taken (they let libbpf's feature cache, the Go runtime and
// glibc's malloc arenas settle).
const (
	soakDefaultCycles = 200
	soakWarmupCycles  = 50
)

// The bounds the soak test holds the process to, after all cycles,
// against the baseline taken after the warm-up: open file descriptors and
// goroutines return exactly to their start, and the Go heap (HeapAlloc
// after a GC) and resident memory (VmRSS) grow by no more than these,
// whatever the number of cycles. Resident memory gets more room because
// glibc keeps freed memory in per-thread malloc arenas, which fill up in
// steps as cgo calls land on new threads (each object's 1 MiB kernel log
// buffer comes from an arena once glibc's mmap threshold has risen), so
// it plateaus a few MiB above the start; a leak grows with the cycles
// instead, which the long run (LIBBPF_GO_SOAK_CYCLES=5000) exposes.
const (
	soakHeapSlack = 1 << 20
	soakRSSSlack  = 16 << 20
)

// soakCheckpoint is how often the soak test logs its measurements.
const soakCheckpoint = 500

// soakEvents is how many events each cycle sends through each buffer.
const soakEvents = 64

// soakTracepointEvery is how often a cycle also attaches a tracepoint,
// whose detach waits for an RCU grace period in the kernel (tens of
// milliseconds), far longer than the rest of a cycle.
const soakTracepointEvery = 25

// resources is what the soak test watches; threads is only reported.
type resources struct {
	fds, goroutines, threads int
	heap, rss                uint64
}

func (r resources) String() string {
	return fmt.Sprintf("%d fds, %d goroutines, %d threads, heap %d KiB, RSS %d KiB",
		r.fds, r.goroutines, r.threads, r.heap>>10, r.rss>>10)
}

// measure collects garbage and reads the process's resource use.
func measure(t testing.TB) resources {
	t.Helper()
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return resources{
		fds:        openFDs(t),
		goroutines: runtime.NumGoroutine(),
		threads:    int(procStatus(t, "Threads")),
		heap:       ms.HeapAlloc,
		rss:        procStatus(t, "VmRSS") << 10,
	}
}

// procStatus reads the number of a field of /proc/self/status, such as
// VmRSS (in kB) or Threads.
func procStatus(t testing.TB, field string) uint64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	require.NoError(t, err)
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		if rest, ok := strings.CutPrefix(scanner.Text(), field+":"); ok {
			n, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			require.NoError(t, err)
			return n
		}
	}
	require.NoError(t, scanner.Err())
	t.Fatalf("no %s line in /proc/self/status", field)
	return 0
}

// soakCycles returns the number of cycles to run: soakDefaultCycles, or
// the value of LIBBPF_GO_SOAK_CYCLES.
func soakCycles(t testing.TB) int {
	t.Helper()
	s := os.Getenv(soakCyclesEnv)
	if s == "" {
		return soakDefaultCycles
	}
	n, err := strconv.Atoi(s)
	require.NoError(t, err, soakCyclesEnv)
	require.Positive(t, n, soakCyclesEnv)
	return n
}

// TestSoak runs the whole life cycle of objects, links, maps, pins and
// ring and perf buffers many times and checks that file descriptors and
// goroutines return to their start and the Go heap and resident memory
// stay within soakHeapSlack and soakRSSSlack of it.
func TestSoak(t *testing.T) {
	requireKernel(t)
	cycles := soakCycles(t)
	counterData := readObject(t, "counter")
	eventsPath := objectPath(t, "events")
	dir := bpffsDir(t)
	s := &soaker{counterData: counterData, eventsPath: eventsPath, pinDir: dir}

	for i := range soakWarmupCycles {
		require.NoError(t, s.cycle(i), "warm-up cycle %d", i)
	}
	start := measure(t)
	for i := range cycles {
		require.NoError(t, s.cycle(i), "cycle %d", i)
		// Checkpoints show whether resident memory plateaus (malloc
		// arenas) or keeps growing (a leak) in a long run.
		if (i+1)%soakCheckpoint == 0 && i+1 < cycles {
			t.Logf("after %d cycles: %v", i+1, measure(t))
		}
	}
	end := measure(t)
	t.Logf("%d cycles: start %v; end %v", cycles, start, end)

	assert.Equal(t, start.fds, end.fds, "open file descriptors")
	assert.Equal(t, start.goroutines, end.goroutines, "goroutines")
	assert.LessOrEqual(t, end.heap, start.heap+soakHeapSlack, "Go heap grew by more than %d KiB", soakHeapSlack>>10)
	assert.LessOrEqual(t, end.rss, start.rss+soakRSSSlack, "resident memory grew by more than %d KiB", soakRSSSlack>>10)
}

// soaker runs one soak cycle at a time. Each step returns an error rather
// than failing the test, so that a cycle stops at its first problem.
type soaker struct {
	counterData []byte
	eventsPath  string
	pinDir      string
}

// cycle opens, loads, attaches and uses counter.bpf.o (from memory) and
// events.bpf.o (from its file), then closes everything. Cycle i attaches
// a raw tracepoint, and a tracepoint too when i is a multiple of
// soakTracepointEvery.
func (s *soaker) cycle(i int) (err error) {
	counter, err := libbpf.OpenMem("counter", s.counterData, nil)
	if err != nil {
		return err
	}
	defer closeInto(&err, counter.Close)
	events, err := libbpf.OpenFile(s.eventsPath, nil)
	if err != nil {
		return err
	}
	defer closeInto(&err, events.Close)

	if err := s.counter(counter, i%soakTracepointEvery == 0); err != nil {
		return err
	}
	// Small maps keep a cycle short: the kernel zeroes what it allocates.
	for name, size := range map[string]uint32{"ring_a": 1 << 16, "hash": 64} {
		m, err := events.Map(name)
		if err != nil {
			return err
		}
		if err := m.SetMaxEntries(size); err != nil {
			return err
		}
	}
	if err := s.maps(events); err != nil {
		return err
	}
	return s.buffers(events)
}

// closeInto calls closeFn and keeps its error if there was none yet.
func closeInto(err *error, closeFn func() error) {
	if cerr := closeFn(); *err == nil {
		*err = cerr
	}
}

// counter loads counter.bpf.o, attaches its programs to a raw tracepoint
// and, if tracepoint is set, a tracepoint, checks that they count getpid()
// calls, and pins and unpins the counts map.
func (s *soaker) counter(obj *libbpf.Object, tracepoint bool) (err error) {
	if err := obj.SetGlobal("target_tgid", u32(uint32(os.Getpid()))); err != nil {
		return err
	}
	if err := obj.Load(); err != nil {
		return err
	}
	counts, err := obj.Map("counts")
	if err != nil {
		return err
	}
	for _, a := range attachKinds {
		if a.name == "tracepoint" && !tracepoint {
			continue
		}
		prog, perr := obj.Program(a.program)
		if perr != nil {
			return perr
		}
		link, lerr := a.attach(prog)
		if lerr != nil {
			return lerr
		}
		defer closeInto(&err, link.Close)
	}
	value := make([]byte, 8)
	if err := counts.Lookup(u32(0), value); err != nil {
		return err
	}
	before := value[0]
	unix.Getpid()
	if err := counts.Lookup(u32(0), value); err != nil {
		return err
	}
	if value[0] == before {
		return errors.New("getpid() was not counted")
	}
	path := filepath.Join(s.pinDir, "counts")
	if err := counts.Pin(path); err != nil {
		return err
	}
	return counts.Unpin(path)
}

// maps loads events.bpf.o and fills, walks and empties its hash map.
func (s *soaker) maps(obj *libbpf.Object) error {
	if err := obj.Load(); err != nil {
		return err
	}
	m, err := obj.Map("hash")
	if err != nil {
		return err
	}
	for k := range uint64(16) {
		if err := m.Update(u64(k), u64(k*k), libbpf.UpdateNoExist); err != nil {
			return err
		}
	}
	key, next, value := []byte(nil), make([]byte, 8), make([]byte, 8)
	for n := 0; ; n++ {
		err := m.NextKey(key, next)
		if errors.Is(err, os.ErrNotExist) {
			if n != 16 {
				return fmt.Errorf("walked %d keys, want 16", n)
			}
			break
		}
		if err != nil {
			return err
		}
		if err := m.Lookup(next, value); err != nil {
			return err
		}
		key = append(key[:0], next...)
	}
	for k := range uint64(16) {
		if k%2 == 0 {
			err = m.Delete(u64(k))
		} else {
			err = m.LookupAndDelete(u64(k), value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// buffers sends events through a ring buffer and a perf buffer of
// events.bpf.o, produced with BPF_PROG_TEST_RUN, and receives them all.
func (s *soaker) buffers(obj *libbpf.Object) (err error) {
	if err := obj.SetGlobal("n_events", u32(soakEvents)); err != nil {
		return err
	}
	ring, err := obj.Map("ring_a")
	if err != nil {
		return err
	}
	perf, err := obj.Map("perf")
	if err != nil {
		return err
	}
	got := 0
	rb, err := libbpf.NewRingBuffer(ring, func([]byte) error { got++; return nil })
	if err != nil {
		return err
	}
	defer closeInto(&err, rb.Close)
	pb, err := libbpf.NewPerfBuffer(perf, 4, func(int, []byte) { got++ }, nil)
	if err != nil {
		return err
	}
	defer closeInto(&err, pb.Close)
	for _, name := range []string{"emit_ring_a", "emit_perf"} {
		prog, err := obj.Program(name)
		if err != nil {
			return err
		}
		if _, err := prog.TestRun(&libbpf.TestRunOptions{Flags: testRunOnCPU, CPU: 0}); err != nil {
			return err
		}
	}
	// Both programs ran synchronously: every event is in a buffer.
	for _, poll := range []func(time.Duration) (int, error){rb.Poll, pb.Poll} {
		if _, err := poll(time.Second); err != nil {
			return err
		}
	}
	if got != 2*soakEvents {
		return fmt.Errorf("received %d events, want %d", got, 2*soakEvents)
	}
	return nil
}
