package libbpf

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkMapLookupLockShare splits the cost of Map.Lookup into the
// bpf(2) call (elemCall, as the binding makes it) and the rest (the
// object's read lock, the size checks), alone and from two goroutines at
// once (RunParallel; GOMAXPROCS is the machine's CPUs): the read lock of
// a sync.RWMutex writes its reader count, a cache line that both CPUs
// then take from each other on every lookup, which is why Lookup takes
// the lock's read guard instead (guard: Map.enter and exit, handleLock).
func BenchmarkMapLookupLockShare(b *testing.B) {
	obj, err := OpenFile("testdata/events.bpf.o", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		b.Skipf("load: %v", err)
	}
	m, err := obj.Map("hash")
	if err != nil {
		b.Fatal(err)
	}
	const entries = 1000
	for i := range uint64(entries) {
		k, v := make([]byte, 8), make([]byte, 8)
		binary.NativeEndian.PutUint64(k, i)
		if err := m.Update(k, v, UpdateAny); err != nil {
			b.Fatal(err)
		}
	}
	lookup := func(key, val []byte) error { return m.Lookup(key, val) }
	bare := func(key, val []byte) error {
		return m.elemCall(unix.BPF_MAP_LOOKUP_ELEM, key, val, 0)
	}
	lockOnly := func(key, val []byte) error {
		m.obj.mu.RLock()
		//lint:ignore SA2001 the lock alone is what this case measures.
		m.obj.mu.RUnlock()
		return nil
	}
	guardOnly := func(key, val []byte) error {
		tok, err := m.enter("bench")
		if err != nil {
			return err
		}
		m.exit(tok)
		return nil
	}
	for _, c := range []struct {
		name string
		fn   func(key, val []byte) error
	}{{"Lookup", lookup}, {"elemCall", bare}, {"RLock", lockOnly}, {"guard", guardOnly}} {
		b.Run(c.name+"/serial", func(b *testing.B) {
			key, val := make([]byte, 8), make([]byte, 8)
			for i := range b.N {
				binary.NativeEndian.PutUint64(key, uint64(i%entries))
				if err := c.fn(key, val); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/parallel", func(b *testing.B) {
			b.RunParallel(func(pb *testing.PB) {
				key, val := make([]byte, 8), make([]byte, 8)
				i := 0
				for pb.Next() {
					binary.NativeEndian.PutUint64(key, uint64(i%entries))
					i++
					if err := c.fn(key, val); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
