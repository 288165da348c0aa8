package libbpf_test

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// pair is a struct value of maps.bpf.o's 8-byte values.
type pair struct {
	Lo, Hi uint32
}

func typedMap[K, V any](t *testing.T, m *libbpf.Map) *libbpf.TypedMap[K, V] {
	t.Helper()
	tm, err := libbpf.NewTypedMap[K, V](m)
	require.NoError(t, err)
	return tm
}

func TestTypedMapOperations(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "maps")
	hash := objMap(t, obj, "hash_map")
	tm := typedMap[uint32, uint64](t, hash)
	assert.Same(t, hash, tm.Map())

	_, err := tm.Lookup(1)
	assert.ErrorIs(t, err, os.ErrNotExist)
	require.NoError(t, tm.Update(1, 100, libbpf.UpdateAny))
	v, err := tm.Lookup(1)
	require.NoError(t, err)
	assert.Equal(t, uint64(100), v)
	assert.ErrorIs(t, tm.Update(1, 5, libbpf.UpdateNoExist), syscall.EEXIST)

	raw := make([]byte, 8)
	require.NoError(t, hash.Lookup(u32(1), raw))
	assert.Equal(t, u64(100), raw, "typed and byte access agree on the layout")
	require.NoError(t, hash.Update(u32(2), u64(7), libbpf.UpdateAny))
	v, err = tm.Lookup(2)
	require.NoError(t, err)
	assert.Equal(t, uint64(7), v)

	require.NoError(t, tm.Delete(1))
	_, err = tm.Lookup(1)
	assert.ErrorIs(t, err, syscall.ENOENT)
	assert.ErrorIs(t, tm.Delete(1), syscall.ENOENT)

	t.Run("struct values", func(t *testing.T) {
		tp := typedMap[uint32, pair](t, objMap(t, obj, "array_map"))
		require.NoError(t, tp.Update(3, pair{Lo: 1, Hi: 2}, libbpf.UpdateAny))
		p, err := tp.Lookup(3)
		require.NoError(t, err)
		assert.Equal(t, pair{Lo: 1, Hi: 2}, p)
		assert.ErrorIs(t, tp.Delete(3), syscall.EINVAL, "arrays cannot delete")
	})
}

func TestTypedMapIterate(t *testing.T) {
	requireKernel(t)
	tm := typedMap[uint32, uint64](t, objMap(t, loadObject(t, "maps"), "hash_map"))
	want := map[uint32]uint64{1: 10, 2: 20, 5: 50}
	for k, v := range want {
		require.NoError(t, tm.Update(k, v, libbpf.UpdateAny))
	}
	it := tm.Iterate()
	got := map[uint32]uint64{}
	for k, v := range it.All() {
		got[k] = v
	}
	require.NoError(t, it.Err())
	assert.Equal(t, want, got)

	n := 0
	for range it.All() {
		n++
		break
	}
	assert.Equal(t, 1, n, "the loop body can stop the walk")
	assert.NoError(t, it.Err())
}

// Goroutines sharing a TypedMap each read back their own writes.
func TestTypedMapConcurrentUse(t *testing.T) {
	requireKernel(t)
	tm := typedMap[uint32, pair](t, objMap(t, loadObject(t, "maps"), "hash_map"))
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range uint32(4) {
		wg.Go(func() {
			for i := range uint32(500) {
				want := pair{Lo: g, Hi: i}
				if err := tm.Update(g, want, libbpf.UpdateAny); err != nil {
					errs <- err
					return
				}
				got, err := tm.Lookup(g)
				if err != nil {
					errs <- err
					return
				}
				if got != want {
					errs <- fmt.Errorf("goroutine %d read %+v, want %+v", g, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

// Lookup and Update on success do not allocate: the K and V whose memory
// they hand to the kernel stay on the stack.
func TestTypedMapDoesNotAllocate(t *testing.T) {
	requireKernel(t)
	tm := typedMap[uint32, pair](t, objMap(t, loadObject(t, "maps"), "array_map"))
	var sink pair
	allocs := testing.AllocsPerRun(1000, func() {
		if err := tm.Update(1, pair{Lo: 5, Hi: 6}, libbpf.UpdateAny); err != nil {
			panic(err)
		}
		v, err := tm.Lookup(1)
		if err != nil {
			panic(err)
		}
		sink = v
	})
	assert.Zero(t, allocs)
	assert.Equal(t, pair{Lo: 5, Hi: 6}, sink)
}

func TestTypedMapBadTypes(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	hash := objMap(t, obj, "hash_map")

	check := func(name string, err error) {
		t.Helper()
		assert.ErrorIs(t, err, libbpf.ErrInvalidSize, name)
	}
	_, err := libbpf.NewTypedMap[uint64, uint64](hash)
	check("key too big", err)
	_, err = libbpf.NewTypedMap[uint32, uint32](hash)
	check("value too small", err)
	_, err = libbpf.NewTypedMap[uint32, []byte](hash)
	check("slice value", err)
	_, err = libbpf.NewTypedMap[uint32, *uint64](hash)
	check("pointer value", err)
	_, err = libbpf.NewTypedMap[uint32, string](hash)
	check("string value", err)
	_, err = libbpf.NewTypedMap[uint32, int](hash)
	check("int has no fixed size", err)
	_, err = libbpf.NewTypedMap[uint32, any](hash)
	check("interface value", err)
	_, err = libbpf.NewTypedMap[struct {
		A uint8
		B uint16
	}, uint64](hash)
	check("key with implicit padding", err)
	assert.ErrorContains(t, err, "padding")

	_, err = libbpf.NewTypedMap[struct {
		A uint8
		_ uint8
		B uint16
	}, struct {
		A uint32
		B uint8
	}](hash)
	assert.NoError(t, err, "explicit key padding; a value may have implicit padding")

	_, err = libbpf.NewTypedMap[uint32, uint32](objMap(t, obj, "percpu_hash"))
	assert.ErrorIs(t, err, syscall.EINVAL, "per-CPU values")
	assert.ErrorContains(t, err, "per possible CPU")
}

func TestTypedMapBadInput(t *testing.T) {
	requireKernel(t)
	_, err := libbpf.NewTypedMap[uint32, uint64](nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	var nilTyped *libbpf.TypedMap[uint32, uint64]
	assert.Nil(t, nilTyped.Map())
	_, err = nilTyped.Lookup(1)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.ErrorIs(t, nilTyped.Update(1, 1, libbpf.UpdateAny), libbpf.ErrClosed)
	assert.ErrorIs(t, nilTyped.Delete(1), libbpf.ErrClosed)
	nilIt := nilTyped.Iterate()
	for range nilIt.All() {
		t.Error("a nil typed map yields nothing")
	}
	assert.ErrorIs(t, nilIt.Err(), libbpf.ErrClosed)

	t.Run("before load", func(t *testing.T) {
		tm := typedMap[uint32, uint64](t, objMap(t, openObject(t, "maps", nil), "hash_map"))
		_, err := tm.Lookup(1)
		assert.ErrorIs(t, err, syscall.EBADF)
		assert.ErrorIs(t, tm.Update(1, 1, libbpf.UpdateAny), syscall.EBADF)
	})

	t.Run("closed", func(t *testing.T) {
		obj, err := libbpf.OpenFile(objectPath(t, "maps"), nil)
		require.NoError(t, err)
		requireLoad(t, obj)
		hash := objMap(t, obj, "hash_map")
		tm := typedMap[uint32, uint64](t, hash)
		require.NoError(t, obj.Close())

		_, err = tm.Lookup(1)
		assert.ErrorIs(t, err, libbpf.ErrClosed)
		assert.ErrorIs(t, tm.Update(1, 1, libbpf.UpdateAny), libbpf.ErrClosed)
		assert.ErrorIs(t, tm.Delete(1), libbpf.ErrClosed)
		it := tm.Iterate()
		for range it.All() {
			t.Error("a closed map yields nothing")
		}
		assert.ErrorIs(t, it.Err(), libbpf.ErrClosed)
		_, err = libbpf.NewTypedMap[uint32, uint64](hash)
		assert.ErrorIs(t, err, libbpf.ErrClosed)
	})
}
