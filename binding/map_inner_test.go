package libbpf_test

import (
	"encoding/binary"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// runXDPProgram runs the XDP program name of obj once on a 64-byte packet.
func runXDPProgram(t *testing.T, obj *libbpf.Object, name string) {
	t.Helper()
	_, err := program(t, obj, name).TestRun(&libbpf.TestRunOptions{Data: make([]byte, 64)})
	require.NoError(t, err)
}

// count reads value 0 of a counter_map of inner.bpf.o.
func count(t *testing.T, m *libbpf.Map) uint64 {
	t.Helper()
	value := make([]byte, 8)
	require.NoError(t, m.Lookup(u32(0), value))
	return binary.NativeEndian.Uint64(value)
}

func TestMapInMapProgramUsesTheStoredInnerMap(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "inner")
	outer := objMap(t, obj, "outer_array")
	a, b := objMap(t, obj, "inner_a"), objMap(t, obj, "inner_b")

	runXDPProgram(t, obj, "bump_array")
	assert.Equal(t, []uint64{0, 0}, []uint64{count(t, a), count(t, b)}, "slot 0 is empty: nothing counts")

	require.NoError(t, outer.SetInner(u32(0), a))
	runXDPProgram(t, obj, "bump_array")
	runXDPProgram(t, obj, "bump_array")
	assert.Equal(t, []uint64{2, 0}, []uint64{count(t, a), count(t, b)}, "the program counts in inner_a")

	require.NoError(t, outer.SetInner(u32(0), b))
	runXDPProgram(t, obj, "bump_array")
	assert.Equal(t, []uint64{2, 1}, []uint64{count(t, a), count(t, b)}, "after the swap the program counts in inner_b")

	require.NoError(t, outer.Delete(u32(0)), "map-in-map arrays may delete")
	runXDPProgram(t, obj, "bump_array")
	assert.Equal(t, []uint64{2, 1}, []uint64{count(t, a), count(t, b)}, "an emptied slot counts nowhere")
}

func TestMapInMapInnerIDAndOpenInner(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "inner")
	outer := objMap(t, obj, "outer_array")
	a, b := objMap(t, obj, "inner_a"), objMap(t, obj, "inner_b")
	require.NotZero(t, a.ID())
	require.NotEqual(t, a.ID(), b.ID())

	id, err := outer.InnerID(u32(1))
	require.NoError(t, err)
	assert.Equal(t, b.ID(), id, "libbpf stored inner_b in slot 1 from the BTF initializer")

	_, err = outer.InnerID(u32(0))
	assert.ErrorIs(t, err, os.ErrNotExist, "empty slot")

	require.NoError(t, outer.SetInner(u32(0), a))
	id, err = outer.InnerID(u32(0))
	require.NoError(t, err)
	assert.Equal(t, a.ID(), id)

	inner, err := outer.OpenInner(u32(0))
	require.NoError(t, err)
	defer inner.Close()
	assert.Equal(t, a.ID(), inner.ID())
	assert.Equal(t, libbpf.MapTypeArray, inner.Type())
	runXDPProgram(t, obj, "bump_array")
	assert.Equal(t, uint64(1), count(t, inner), "the opened inner map sees the program's count")
	require.NoError(t, inner.Update(u32(0), u64(40), libbpf.UpdateAny))
	assert.Equal(t, uint64(40), count(t, a), "a write through the opened inner map lands in inner_a")
}

func TestMapInMapHashOfMaps(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "inner")
	outer := objMap(t, obj, "outer_hash")
	a, b := objMap(t, obj, "inner_a"), objMap(t, obj, "inner_b")

	require.NoError(t, outer.SetInner(u32(7), b))
	runXDPProgram(t, obj, "bump_hash")
	assert.Equal(t, []uint64{0, 1}, []uint64{count(t, a), count(t, b)})
	require.NoError(t, outer.SetInner(u32(7), a))
	runXDPProgram(t, obj, "bump_hash")
	assert.Equal(t, []uint64{1, 1}, []uint64{count(t, a), count(t, b)})

	require.NoError(t, outer.Delete(u32(7)))
	_, err := outer.InnerID(u32(7))
	assert.ErrorIs(t, err, syscall.ENOENT)
}

// An inner map stored in an outer map lives on in the kernel after its
// own object is closed.
func TestMapInMapInnerOutlivesItsObject(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "inner")
	outer := objMap(t, obj, "outer_array")

	other, err := libbpf.OpenFile(objectPath(t, "inner"), nil)
	require.NoError(t, err)
	requireLoad(t, other)
	foreign := objMap(t, other, "inner_a")
	require.NoError(t, outer.SetInner(u32(0), foreign))
	id := foreign.ID()
	require.NoError(t, other.Close())

	runXDPProgram(t, obj, "bump_array")
	inner, err := outer.OpenInner(u32(0))
	require.NoError(t, err)
	defer inner.Close()
	assert.Equal(t, id, inner.ID())
	assert.Equal(t, uint64(1), count(t, inner), "the program counts in the closed object's map")
}

func TestSetInnerMapTemplate(t *testing.T) {
	requireKernel(t)
	source := loadObject(t, "inner")
	a, b := objMap(t, source, "inner_a"), objMap(t, source, "inner_b")

	t.Run("needed without __array", func(t *testing.T) {
		obj := openObject(t, "inner_set", nil)
		assert.ErrorContains(t, obj.Load(), "map outer", "an outer map without a template cannot be created")
	})

	t.Run("from another object", func(t *testing.T) {
		obj := openObject(t, "inner_set", nil)
		outer := objMap(t, obj, "outer")
		require.NoError(t, outer.SetInnerMap(a))
		err := outer.SetInnerMap(b)
		assert.ErrorIs(t, err, syscall.EINVAL, "a second template")
		requireLoad(t, obj)
		assert.ErrorIs(t, outer.SetInnerMap(a), syscall.EBUSY, "after load")

		require.NoError(t, outer.SetInner(u32(0), b))
		runXDPProgram(t, obj, "bump")
		assert.Equal(t, uint64(1), count(t, b), "the program counts in the map stored by Go")
		assert.Equal(t, uint64(0), count(t, a), "the template is not the stored map")
	})

	t.Run("from a map opened by ID, closed before load", func(t *testing.T) {
		byID, err := libbpf.OpenMapID(a.ID())
		require.NoError(t, err)
		obj := openObject(t, "inner_set", nil)
		outer := objMap(t, obj, "outer")
		require.NoError(t, outer.SetInnerMap(byID))
		require.NoError(t, byID.Close(), "the outer map keeps its own descriptor")
		requireLoad(t, obj)
		require.NoError(t, outer.SetInner(u32(0), a))
		runXDPProgram(t, obj, "bump")
		assert.Equal(t, uint64(1), count(t, a))
	})

	t.Run("replacing the __array template", func(t *testing.T) {
		obj := openObject(t, "inner", nil)
		require.NoError(t, objMap(t, obj, "outer_hash").SetInnerMap(a))
		requireLoad(t, obj)
		require.NoError(t, objMap(t, obj, "outer_hash").SetInner(u32(7), b))
	})
}

func TestMapInMapBadInput(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "inner")
	outer := objMap(t, obj, "outer_array")
	a := objMap(t, obj, "inner_a")
	mismatched := objMap(t, obj, "mismatched")

	assert.ErrorIs(t, outer.SetInner(u32(0), mismatched), syscall.EINVAL, "inner map of another shape")
	assert.ErrorIs(t, outer.SetInner(u32(5), a), syscall.E2BIG, "index past the array")
	assert.ErrorIs(t, outer.SetInner(u8(0), a), libbpf.ErrInvalidSize, "short key")
	assert.ErrorIs(t, outer.SetInner(u32(0), nil), libbpf.ErrClosed, "nil inner map")
	_, err := outer.InnerID(u8(0))
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize)

	assert.ErrorIs(t, a.SetInner(u32(0), a), syscall.EINVAL, "not a map of maps")
	_, err = a.InnerID(u32(0))
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = a.OpenInner(u32(0))
	assert.ErrorIs(t, err, syscall.EINVAL)

	var nilMap *libbpf.Map
	assert.ErrorIs(t, nilMap.SetInner(u32(0), a), libbpf.ErrClosed)
	assert.ErrorIs(t, nilMap.SetInnerMap(a), libbpf.ErrClosed)
	_, err = nilMap.InnerID(u32(0))
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	t.Run("template errors", func(t *testing.T) {
		fresh := openObject(t, "inner", nil)
		assert.ErrorIs(t, objMap(t, fresh, "inner_a").SetInnerMap(a), syscall.EINVAL, "not a map of maps")
		assert.ErrorIs(t, objMap(t, fresh, "outer_array").SetInnerMap(objMap(t, fresh, "inner_a")), syscall.EBADF,
			"a template of an unloaded object does not exist yet")
		assert.ErrorIs(t, objMap(t, fresh, "outer_array").SetInnerMap(nil), libbpf.ErrClosed)
		byID, err := libbpf.OpenMapID(outer.ID())
		require.NoError(t, err)
		defer byID.Close()
		assert.ErrorIs(t, byID.SetInnerMap(a), syscall.EOPNOTSUPP, "map opened without an object")
	})

	t.Run("closed", func(t *testing.T) {
		closed, err := libbpf.OpenFile(objectPath(t, "inner"), nil)
		require.NoError(t, err)
		requireLoad(t, closed)
		closedOuter, closedInner := objMap(t, closed, "outer_array"), objMap(t, closed, "inner_a")
		require.NoError(t, closed.Close())
		assert.ErrorIs(t, closedOuter.SetInner(u32(0), a), libbpf.ErrClosed)
		assert.ErrorIs(t, outer.SetInner(u32(0), closedInner), libbpf.ErrClosed)
		_, err = closedOuter.InnerID(u32(1))
		assert.ErrorIs(t, err, libbpf.ErrClosed)
		assert.ErrorIs(t, closedOuter.SetInnerMap(a), libbpf.ErrClosed)
	})
}
