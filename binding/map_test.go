package libbpf_test

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

func TestMapGetters(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	cases := []struct {
		name      string
		typ       libbpf.MapType
		typName   string
		valueSize int
		entries   uint32
	}{
		{"hash_map", libbpf.MapTypeHash, "hash", 8, 8},
		{"array_map", libbpf.MapTypeArray, "array", 8, 4},
		{"percpu_hash", libbpf.MapTypePerCPUHash, "percpu_hash", 4, 8},
		{"percpu_array", libbpf.MapTypePerCPUArray, "percpu_array", 8, 2},
	}
	check := func(t *testing.T) {
		for _, c := range cases {
			m := objMap(t, obj, c.name)
			assert.Equal(t, c.name, m.Name())
			assert.Equal(t, c.typ, m.Type())
			assert.Equal(t, c.typName, m.Type().String())
			assert.Equal(t, 4, m.KeySize())
			assert.Equal(t, c.valueSize, m.ValueSize())
			assert.Equal(t, c.entries, m.MaxEntries())
		}
	}
	t.Run("before load", func(t *testing.T) {
		check(t)
		assert.Less(t, objMap(t, obj, "hash_map").FD(), 0)
	})
	requireLoad(t, obj)
	t.Run("after load", func(t *testing.T) {
		check(t)
		assert.GreaterOrEqual(t, objMap(t, obj, "hash_map").FD(), 0)
	})
}

func TestHashMapOperations(t *testing.T) {
	requireKernel(t)
	m := objMap(t, loadObject(t, "maps"), "hash_map")
	value := make([]byte, 8)

	err := m.Lookup(u32(1), value)
	assert.ErrorIs(t, err, os.ErrNotExist, "missing key")
	assert.ErrorIs(t, err, syscall.ENOENT)
	assert.Equal(t, "Map.Lookup map hash_map: bpf(BPF_MAP_LOOKUP_ELEM): no such file or directory", err.Error(),
		"names the method, the map and the system call made")

	require.NoError(t, m.Update(u32(1), u64(100), libbpf.UpdateAny))
	require.NoError(t, m.Lookup(u32(1), value))
	assert.Equal(t, u64(100), value)

	assert.ErrorIs(t, m.Update(u32(1), u64(200), libbpf.UpdateNoExist), syscall.EEXIST)
	require.NoError(t, m.Lookup(u32(1), value))
	assert.Equal(t, u64(100), value, "UpdateNoExist did not overwrite")

	require.NoError(t, m.Update(u32(1), u64(300), libbpf.UpdateExist))
	require.NoError(t, m.Lookup(u32(1), value))
	assert.Equal(t, u64(300), value)
	assert.ErrorIs(t, m.Update(u32(2), u64(1), libbpf.UpdateExist), syscall.ENOENT, "UpdateExist needs the key")

	require.NoError(t, m.Delete(u32(1)))
	assert.ErrorIs(t, m.Lookup(u32(1), value), os.ErrNotExist)
	assert.ErrorIs(t, m.Delete(u32(1)), os.ErrNotExist, "already deleted")
}

func TestHashMapLookupAndDelete(t *testing.T) {
	requireKernel(t)
	m := objMap(t, loadObject(t, "maps"), "hash_map")
	require.NoError(t, m.Update(u32(7), u64(77), libbpf.UpdateAny))

	value := make([]byte, 8)
	require.NoError(t, m.LookupAndDelete(u32(7), value))
	assert.Equal(t, u64(77), value)
	assert.ErrorIs(t, m.Lookup(u32(7), value), os.ErrNotExist)
	assert.ErrorIs(t, m.LookupAndDelete(u32(7), value), os.ErrNotExist)
}

func TestHashMapIteration(t *testing.T) {
	requireKernel(t)
	m := objMap(t, loadObject(t, "maps"), "hash_map")
	want := []uint32{3, 1, 4, 5, 9}
	for _, k := range want {
		require.NoError(t, m.Update(u32(k), u64(uint64(k)*10), libbpf.UpdateAny))
	}

	var got []uint32
	var key []byte // nil: start with the first key
	next := make([]byte, 4)
	for range 100 {
		err := m.NextKey(key, next)
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		require.NoError(t, err)
		got = append(got, binary.NativeEndian.Uint32(next))
		key = append(key[:0], next...)
	}
	assert.ElementsMatch(t, want, got)
}

func TestArrayMapOperations(t *testing.T) {
	requireKernel(t)
	m := objMap(t, loadObject(t, "maps"), "array_map")
	value := make([]byte, 8)

	require.NoError(t, m.Lookup(u32(3), value), "array elements always exist")
	assert.Equal(t, u64(0), value)
	require.NoError(t, m.Update(u32(3), u64(33), libbpf.UpdateAny))
	require.NoError(t, m.Lookup(u32(3), value))
	assert.Equal(t, u64(33), value)

	assert.ErrorIs(t, m.Lookup(u32(4), value), os.ErrNotExist, "index past max_entries")
	assert.ErrorIs(t, m.Update(u32(4), u64(1), libbpf.UpdateAny), syscall.E2BIG)
	assert.ErrorIs(t, m.Update(u32(0), u64(1), libbpf.UpdateNoExist), syscall.EEXIST)
	assert.ErrorIs(t, m.Delete(u32(3)), syscall.EINVAL, "array elements cannot be deleted")
	assert.Error(t, m.LookupAndDelete(u32(3), value), "arrays have no lookup-and-delete")
	require.NoError(t, m.Lookup(u32(3), value))
	assert.Equal(t, u64(33), value, "the element survived")

	var keys []uint32
	var key []byte
	next := make([]byte, 4)
	for range 100 {
		err := m.NextKey(key, next)
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		require.NoError(t, err)
		keys = append(keys, binary.NativeEndian.Uint32(next))
		key = append(key[:0], next...)
	}
	assert.Equal(t, []uint32{0, 1, 2, 3}, keys)
}

// Key and value buffers are checked in Go before libbpf is called.
func TestMapInvalidSizes(t *testing.T) {
	requireKernel(t)
	m := objMap(t, loadObject(t, "maps"), "hash_map")
	require.NoError(t, m.Update(u32(1), u64(1), libbpf.UpdateAny))
	shortKey, longKey := make([]byte, 3), make([]byte, 8)
	shortValue := make([]byte, 4)
	value := make([]byte, 8)

	checks := map[string]error{
		"Lookup short key":            m.Lookup(shortKey, value),
		"Lookup long key":             m.Lookup(longKey, value),
		"Lookup short value":          m.Lookup(u32(1), shortValue),
		"Lookup nil value":            m.Lookup(u32(1), nil),
		"Update short key":            m.Update(shortKey, value, libbpf.UpdateAny),
		"Update short value":          m.Update(u32(1), shortValue, libbpf.UpdateAny),
		"Delete short key":            m.Delete(shortKey),
		"Delete nil key":              m.Delete(nil),
		"NextKey short key":           m.NextKey(shortKey, make([]byte, 4)),
		"NextKey short next":          m.NextKey(nil, make([]byte, 2)),
		"LookupAndDelete short key":   m.LookupAndDelete(shortKey, value),
		"LookupAndDelete short value": m.LookupAndDelete(u32(1), shortValue),
	}
	for name, err := range checks {
		assert.ErrorIs(t, err, libbpf.ErrInvalidSize, name)
		assert.ErrorContains(t, err, "hash_map", name)
	}
	assert.ErrorContains(t, m.Lookup(shortKey, value), "3")
	require.NoError(t, m.Lookup(u32(1), value))
	assert.Equal(t, u64(1), value, "nothing changed")
}

func TestNumPossibleCPUs(t *testing.T) {
	requireKernel(t)
	n, err := libbpf.NumPossibleCPUs()
	require.NoError(t, err)
	assert.Positive(t, n)
	// The kernel lists possible CPUs as ranges, e.g. "0-3" or "0,2-5".
	possible, err := os.ReadFile("/sys/devices/system/cpu/possible")
	require.NoError(t, err)
	want := 0
	for _, r := range strings.Split(strings.TrimSpace(string(possible)), ",") {
		first, last, isRange := strings.Cut(r, "-")
		if !isRange {
			last = first
		}
		lo, err := strconv.Atoi(first)
		require.NoError(t, err)
		hi, err := strconv.Atoi(last)
		require.NoError(t, err)
		want += hi - lo + 1
	}
	assert.Equal(t, want, n)
}

// Per-CPU maps read and write one value per possible CPU, each in an
// 8-byte aligned slot.
func TestPerCPUMaps(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "maps")
	ncpu, err := libbpf.NumPossibleCPUs()
	require.NoError(t, err)

	assert.Equal(t, 8, objMap(t, obj, "hash_map").ValueBufferSize(), "not per-CPU: the value size")

	t.Run("percpu_hash", func(t *testing.T) {
		m := objMap(t, obj, "percpu_hash")
		require.Equal(t, 8*ncpu, m.ValueBufferSize(), "4-byte values take 8-byte slots")
		in := make([]byte, m.ValueBufferSize())
		for cpu := range ncpu {
			binary.NativeEndian.PutUint32(in[cpu*8:], uint32(1000+cpu))
		}
		require.NoError(t, m.Update(u32(5), in, libbpf.UpdateAny))
		out := make([]byte, m.ValueBufferSize())
		require.NoError(t, m.Lookup(u32(5), out))
		for cpu := range ncpu {
			assert.Equal(t, uint32(1000+cpu), binary.NativeEndian.Uint32(out[cpu*8:]), "cpu %d", cpu)
		}
		assert.ErrorIs(t, m.Lookup(u32(5), make([]byte, m.ValueSize())), libbpf.ErrInvalidSize,
			"a single value is too small")
		assert.ErrorIs(t, m.Update(u32(5), make([]byte, m.ValueSize()), libbpf.UpdateAny), libbpf.ErrInvalidSize)

		require.NoError(t, m.LookupAndDelete(u32(5), out))
		assert.Equal(t, uint32(1000), binary.NativeEndian.Uint32(out))
		assert.ErrorIs(t, m.Lookup(u32(5), out), os.ErrNotExist)
	})
	t.Run("percpu_array", func(t *testing.T) {
		m := objMap(t, obj, "percpu_array")
		require.Equal(t, 8*ncpu, m.ValueBufferSize())
		in := make([]byte, m.ValueBufferSize())
		for cpu := range ncpu {
			binary.NativeEndian.PutUint64(in[cpu*8:], uint64(cpu)<<32|7)
		}
		require.NoError(t, m.Update(u32(1), in, libbpf.UpdateAny))
		out := make([]byte, m.ValueBufferSize())
		require.NoError(t, m.Lookup(u32(1), out))
		assert.Equal(t, in, out)
		assert.ErrorIs(t, m.Lookup(u32(1), make([]byte, 8)), libbpf.ErrInvalidSize)
	})
}

func TestMapPin(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	m := objMap(t, loadObject(t, "maps"), "hash_map")
	path := filepath.Join(dir, "hash_map")

	assert.False(t, m.IsPinned())
	require.NoError(t, m.Pin(path))
	assert.True(t, m.IsPinned())
	assert.Equal(t, path, m.PinPath())
	assertPinned(t, path, true)

	require.NoError(t, m.Unpin(path))
	assert.False(t, m.IsPinned())
	assertPinned(t, path, false)
}

func TestMapPinErrors(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	m := objMap(t, loadObject(t, "maps"), "hash_map")

	t.Run("outside bpffs", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "map")
		assert.ErrorIs(t, m.Pin(path), libbpf.ErrNotBPFFS)
		assert.False(t, m.IsPinned())
		assertPinned(t, path, false)
	})
	t.Run("missing folder", func(t *testing.T) {
		path := filepath.Join(dir, "missing", "map")
		assert.ErrorIs(t, m.Pin(path), os.ErrNotExist)
		assert.False(t, m.IsPinned())
		assertPinned(t, filepath.Dir(path), false)
	})
	t.Run("path taken", func(t *testing.T) {
		path := filepath.Join(dir, "taken")
		require.NoError(t, os.Mkdir(path, 0o700))
		assert.ErrorIs(t, m.Pin(path), os.ErrExist)
		assert.False(t, m.IsPinned())
	})
	t.Run("unpin outside bpffs", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "precious")
		require.NoError(t, os.WriteFile(path, []byte("keep me"), 0o600))
		assert.ErrorIs(t, m.Unpin(path), libbpf.ErrNotBPFFS)
		assert.FileExists(t, path, "Unpin never removes files outside bpffs")
	})
	t.Run("SetPinPath outside bpffs", func(t *testing.T) {
		other := openObject(t, "maps", nil)
		om := objMap(t, other, "hash_map")
		err := om.SetPinPath(filepath.Join(t.TempDir(), "map"))
		if err == nil {
			err = other.Load()
		}
		assert.Error(t, err)
	})
}

// A failed Pin leaves no trace: the map can still be pinned elsewhere.
func TestMapPinAfterFailedPin(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	m := objMap(t, loadObject(t, "maps"), "hash_map")
	taken := filepath.Join(dir, "taken")
	require.NoError(t, os.Mkdir(taken, 0o700))
	require.ErrorIs(t, m.Pin(taken), os.ErrExist)

	path := filepath.Join(dir, "hash_map")
	require.NoError(t, m.Pin(path))
	assert.Equal(t, path, m.PinPath())
	assert.True(t, m.IsPinned())
	assertPinned(t, path, true)
}

// Pin before Load fails (there is no map to pin yet) and has no effect:
// in particular Load does not pin the map at that path afterwards.
func TestMapPinBeforeLoad(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := openObject(t, "maps", nil)
	m := objMap(t, obj, "hash_map")
	path := filepath.Join(dir, "early")

	assert.Error(t, m.Pin(path))
	assertPinned(t, path, false)
	assert.False(t, m.IsPinned())

	requireLoad(t, obj)
	assert.False(t, m.IsPinned(), "a failed Pin must not become a pin at Load")
	assertPinned(t, path, false)
	assert.Empty(t, m.PinPath())
}

// SetPinPath before Load pins the map at load, or reuses the map already
// pinned there: two objects then share the data.
func TestMapSetPinPath(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	path := filepath.Join(dir, "shared")

	first := openObject(t, "maps", nil)
	a := objMap(t, first, "hash_map")
	require.NoError(t, a.SetPinPath(path))
	assert.Equal(t, path, a.PinPath())
	assert.False(t, a.IsPinned(), "pinned at load, not before")
	requireLoad(t, first)
	assert.True(t, a.IsPinned())
	assertPinned(t, path, true)

	second := openObject(t, "maps", nil)
	b := objMap(t, second, "hash_map")
	require.NoError(t, b.SetPinPath(path))
	requireLoad(t, second)

	require.NoError(t, a.Update(u32(1), u64(11), libbpf.UpdateAny))
	value := make([]byte, 8)
	require.NoError(t, b.Lookup(u32(1), value))
	assert.Equal(t, u64(11), value)

	require.NoError(t, a.Unpin(path))
	assertPinned(t, path, false)
}

// A map whose pinned twin is incompatible is refused at load.
func TestMapSetPinPathIncompatible(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	path := filepath.Join(dir, "array")
	first := loadObject(t, "maps")
	require.NoError(t, objMap(t, first, "array_map").Pin(path))

	second := openObject(t, "maps", nil)
	require.NoError(t, objMap(t, second, "hash_map").SetPinPath(path))
	assert.Error(t, second.Load(), "a hash map cannot reuse a pinned array")
}

// ReuseFD makes a map of a second object use the first object's map.
func TestMapReuseFD(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	first := loadObject(t, "maps")
	a := objMap(t, first, "hash_map")
	require.NoError(t, a.Pin(filepath.Join(dir, "hash_map")))

	second := openObject(t, "maps", nil)
	b := objMap(t, second, "hash_map")
	require.NoError(t, b.ReuseFD(a.FD()))
	requireLoad(t, second)

	require.NoError(t, b.Update(u32(2), u64(22), libbpf.UpdateAny))
	value := make([]byte, 8)
	require.NoError(t, a.Lookup(u32(2), value))
	assert.Equal(t, u64(22), value)

	// The reused map lives on while the second object holds it.
	require.NoError(t, first.Close())
	require.NoError(t, b.Lookup(u32(2), value))
	assert.Equal(t, u64(22), value)
}

func TestMapReuseFDErrors(t *testing.T) {
	requireKernel(t)
	t.Run("bad descriptor", func(t *testing.T) {
		obj := openObject(t, "maps", nil)
		m := objMap(t, obj, "hash_map")
		assert.Error(t, m.ReuseFD(-1))
		require.NoError(t, obj.Load(), "a failed ReuseFD leaves the map as it was")
		assert.Equal(t, libbpf.MapTypeHash, m.Type())
	})
	t.Run("not a map", func(t *testing.T) {
		obj := openObject(t, "maps", nil)
		m := objMap(t, obj, "hash_map")
		f, err := os.Open(os.DevNull)
		require.NoError(t, err)
		defer f.Close()
		assert.Error(t, m.ReuseFD(int(f.Fd())), "/dev/null is not a BPF map")
		assert.Equal(t, libbpf.MapTypeHash, m.Type())
		assert.Equal(t, 4, m.KeySize())
	})
}

// SetMaxEntries resizes a map before load; the kernel enforces the size.
func TestMapSetMaxEntries(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	m := objMap(t, obj, "hash_map")
	require.NoError(t, m.SetMaxEntries(16))
	assert.Equal(t, uint32(16), m.MaxEntries())
	requireLoad(t, obj)
	assert.Equal(t, uint32(16), m.MaxEntries())

	for k := range uint32(16) {
		require.NoError(t, m.Update(u32(k), u64(uint64(k)), libbpf.UpdateAny))
	}
	assert.ErrorIs(t, m.Update(u32(16), u64(16), libbpf.UpdateAny), syscall.E2BIG, "the map is full")

	err := m.SetMaxEntries(32)
	assert.ErrorIs(t, err, syscall.EBUSY)
	assert.ErrorContains(t, err, "Map.SetMaxEntries map hash_map: bpf_map__set_max_entries 32: ")
	assert.Equal(t, uint32(16), m.MaxEntries())
}

// Map operations from many goroutines race with Object.Close: nothing
// crashes, and the only errors are ErrClosed once the object is closed.
func TestMapConcurrentOperationsAndClose(t *testing.T) {
	requireKernel(t)
	obj, err := libbpf.OpenFile(objectPath(t, "maps"), nil)
	require.NoError(t, err)
	requireLoad(t, obj)
	hash := objMap(t, obj, "hash_map")
	array := objMap(t, obj, "array_map")

	const workers = 16
	var started, done sync.WaitGroup
	started.Add(workers)
	errs := make(chan error, workers)
	for w := range workers {
		done.Add(1)
		go func() {
			defer done.Done()
			key, value := u32(uint32(w%8)), make([]byte, 8)
			for i := 0; ; i++ {
				if i == 100 {
					started.Done()
				}
				var err error
				switch i % 4 {
				case 0:
					err = hash.Update(key, u64(uint64(i)), libbpf.UpdateAny)
					if errors.Is(err, syscall.E2BIG) {
						// A preallocated hash map as full as this one can
						// find no free element while other CPUs delete
						// and update: the kernel's per-CPU free lists are
						// searched one after the other.
						err = nil
					}
				case 1:
					err = hash.Lookup(key, value)
					if errors.Is(err, os.ErrNotExist) {
						err = nil // another worker deleted it
					}
				case 2:
					err = array.Update(u32(uint32(w%4)), u64(uint64(i)), libbpf.UpdateAny)
				case 3:
					err = hash.Delete(key)
					if errors.Is(err, os.ErrNotExist) {
						err = nil
					}
				}
				if err != nil {
					if i < 100 {
						started.Done()
					}
					errs <- err
					return
				}
				if i > 10_000_000 {
					errs <- errors.New("the object was never closed")
					return
				}
			}
		}()
	}
	started.Wait()
	require.NoError(t, obj.Close())
	done.Wait()
	close(errs)
	for err := range errs {
		assert.ErrorIs(t, err, libbpf.ErrClosed)
	}
}

// Lookup and Update on success do not allocate.
func TestMapOperationsDoNotAllocate(t *testing.T) {
	requireKernel(t)
	m := objMap(t, loadObject(t, "maps"), "array_map")
	key, in, out := u32(1), u64(5), make([]byte, 8)
	allocs := testing.AllocsPerRun(100, func() {
		if err := m.Update(key, in, libbpf.UpdateAny); err != nil {
			panic(err)
		}
		if err := m.Lookup(key, out); err != nil {
			panic(err)
		}
	})
	assert.Zero(t, allocs)
}
