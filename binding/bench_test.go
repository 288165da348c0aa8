package libbpf_test

import (
	"encoding/binary"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// benchEventsPerOp is how many 64-byte events each consume benchmark
// operation finds waiting.
const benchEventsPerOp = 1024

// benchHashEntries is the number of elements of the hash map benchmarks.
const benchHashEntries = 10000

// consumeBenchmark measures consuming benchEventsPerOp events written by
// program prog before each operation (outside the timer) and reports the
// cost per event.
func consumeBenchmark(b *testing.B, obj *libbpf.Object, prog string, consume func() (int, error)) {
	require.NoError(b, obj.SetGlobal("n_events", u32(benchEventsPerOp)))
	p := program(b, obj, prog)
	opts := &libbpf.TestRunOptions{Flags: testRunOnCPU}
	var busy time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		_, err := p.TestRun(opts)
		require.NoError(b, err)
		b.StartTimer()
		start := time.Now()
		n, err := consume()
		busy += time.Since(start)
		if err != nil || n != benchEventsPerOp {
			b.Fatalf("consumed %d events, want %d: %v", n, benchEventsPerOp, err)
		}
	}
	b.ReportMetric(float64(busy.Nanoseconds())/float64(b.N*benchEventsPerOp), "ns/event")
	b.ReportMetric(benchEventsPerOp, "events/op")
	require.Zero(b, dropped(b, obj))
}

func BenchmarkRingBufferConsume(b *testing.B) {
	requireKernel(b)
	obj := loadObject(b, "events")
	var sum uint64
	rb := newRingBuffer(b, objMap(b, obj, "ring_a"), func(data []byte) error {
		sum += binary.NativeEndian.Uint64(data)
		return nil
	})
	consumeBenchmark(b, obj, "emit_ring_a", rb.Consume)
}

// BenchmarkRingBufferConsumeLibbpf is BenchmarkRingBufferConsume through
// libbpf's own consumer (ring__consume copying into a C batch that Go
// walks), the binding's consumer before the in-place one.
func BenchmarkRingBufferConsumeLibbpf(b *testing.B) {
	requireKernel(b)
	obj := loadObject(b, "events")
	var sum uint64
	rb := newRingBuffer(b, objMap(b, obj, "ring_a"), func(data []byte) error {
		sum += binary.NativeEndian.Uint64(data)
		return nil
	})
	rb.ViaLibbpf()
	consumeBenchmark(b, obj, "emit_ring_a", rb.Consume)
}

// BenchmarkPerfBufferConsumeLibbpf is BenchmarkPerfBufferConsume through
// libbpf's own consumer (perf_buffer__consume_buffer into a C batch).
func BenchmarkPerfBufferConsumeLibbpf(b *testing.B) {
	requireKernel(b)
	obj := loadObject(b, "events")
	var sum uint64
	pb := newPerfBuffer(b, objMap(b, obj, "perf"), 64, func(cpu int, data []byte) {
		sum += binary.NativeEndian.Uint64(data)
	}, nil)
	pb.ViaLibbpf()
	consumeBenchmark(b, obj, "emit_perf", pb.Consume)
}

func BenchmarkPerfBufferConsume(b *testing.B) {
	requireKernel(b)
	obj := loadObject(b, "events")
	var sum uint64
	pb := newPerfBuffer(b, objMap(b, obj, "perf"), 64, func(cpu int, data []byte) {
		sum += binary.NativeEndian.Uint64(data)
	}, nil)
	consumeBenchmark(b, obj, "emit_perf", pb.Consume)
}

// benchHash returns the hash map of events.bpf.o filled with
// benchHashEntries elements, keys 0 to benchHashEntries-1.
func benchHash(b *testing.B) *libbpf.Map {
	requireKernel(b)
	m := objMap(b, loadObject(b, "events"), "hash")
	for i := range uint64(benchHashEntries) {
		require.NoError(b, m.Update(u64(i), u64(i*2), libbpf.UpdateAny))
	}
	return m
}

func BenchmarkMapLookup(b *testing.B) {
	m := benchHash(b)
	key, value := make([]byte, 8), make([]byte, 8)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		binary.NativeEndian.PutUint64(key, uint64(i%benchHashEntries))
		if err := m.Lookup(key, value); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMapUpdate(b *testing.B) {
	m := benchHash(b)
	key, value := make([]byte, 8), make([]byte, 8)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		binary.NativeEndian.PutUint64(key, uint64(i%benchHashEntries))
		binary.NativeEndian.PutUint64(value, uint64(i))
		if err := m.Update(key, value, libbpf.UpdateExist); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMapIterate measures one step of a walk over the map, NextKey
// then Lookup, starting again at the end.
func BenchmarkMapIterate(b *testing.B) {
	m := benchHash(b)
	key, next, value := make([]byte, 8), make([]byte, 8), make([]byte, 8)
	var cur []byte // nil: the first key
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		err := m.NextKey(cur, next)
		if errors.Is(err, os.ErrNotExist) {
			cur = nil
			err = m.NextKey(nil, next)
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := m.Lookup(next, value); err != nil {
			b.Fatal(err)
		}
		copy(key, next)
		cur = key
	}
}

// BenchmarkMapIteratorAll measures Map.Iterate's walk per key: a whole
// walk of the map per benchHashEntries iterations.
func BenchmarkMapIteratorAll(b *testing.B) {
	m := benchHash(b)
	it := m.Iterate()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; {
		for range it.All() {
			if i++; i == b.N {
				break
			}
		}
		if err := it.Err(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMapLookupBatch reads the whole map in batches of 1024 and
// reports the cost per entry.
func BenchmarkMapLookupBatch(b *testing.B) {
	m := benchHash(b)
	const batch = 1024
	keys, values := make([]byte, batch*8), make([]byte, batch*8)
	var cursor libbpf.MapBatchCursor
	entries := 0
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		n, err := m.LookupBatch(&cursor, keys, values)
		entries += n
		if errors.Is(err, os.ErrNotExist) {
			cursor = libbpf.MapBatchCursor{}
		} else if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(entries), "ns/entry")
}

// BenchmarkObjectOpenLoadClose measures the life of a small object: open,
// load (map creation and verification) and close.
func BenchmarkObjectOpenLoadClose(b *testing.B) {
	requireKernel(b)
	path := objectPath(b, "events")
	b.ReportAllocs()
	for range b.N {
		obj, err := libbpf.OpenFile(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := obj.Load(); err != nil {
			b.Fatal(err)
		}
		if err := obj.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMapLookupRawVsSyscall measures Map.Lookup on a hash map through
// syscall.RawSyscall and through syscall.Syscall, alternating blocks of
// 1000 lookups of each in one loop so that both see the same machine
// state, and reports each as ns/lookup and their ratio.
func BenchmarkMapLookupRawVsSyscall(b *testing.B) {
	m := benchHash(b)
	key, value := make([]byte, 8), make([]byte, 8)
	const block = 1000
	var took [2]time.Duration
	b.ResetTimer()
	for range b.N {
		for i, raw := range []bool{true, false} {
			m.SetRawElem(raw)
			start := time.Now()
			for k := range uint64(block) {
				binary.NativeEndian.PutUint64(key, k)
				if err := m.Lookup(key, value); err != nil {
					b.Fatal(err)
				}
			}
			took[i] += time.Since(start)
		}
	}
	raw := float64(took[0].Nanoseconds()) / float64(b.N*block)
	plain := float64(took[1].Nanoseconds()) / float64(b.N*block)
	b.ReportMetric(raw, "ns/raw")
	b.ReportMetric(plain, "ns/syscall")
	b.ReportMetric(plain/raw, "syscall/raw")
}
