package libbpf_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// A map opened from its pin is the object's kernel map: the subtests run
// in order on that one map, each from the state the previous one left.
func TestOpenMapPinned(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := loadMaps(t, 8)
	objHash := objMap(t, obj, "hash_map")
	path := filepath.Join(dir, "hash")
	require.NoError(t, objHash.Pin(path))
	require.NoError(t, objHash.Update(u32(1), u64(100), libbpf.UpdateAny))

	m, err := libbpf.OpenMapPinned(path)
	require.NoError(t, err)
	defer func() { assert.NoError(t, m.Close()) }()

	t.Run("describes the kernel map", func(t *testing.T) {
		assert.Equal(t, "hash_map", m.Name())
		assert.Equal(t, libbpf.MapTypeHash, m.Type())
		assert.Equal(t, 4, m.KeySize())
		assert.Equal(t, 8, m.ValueSize())
		assert.Equal(t, 8, m.ValueBufferSize())
		assert.Equal(t, uint32(8), m.MaxEntries())
		assert.GreaterOrEqual(t, m.FD(), 0)
		assert.NotEqual(t, objHash.FD(), m.FD())
		require.NotZero(t, objHash.ID())
		assert.Equal(t, objHash.ID(), m.ID())

		info, err := m.Info()
		require.NoError(t, err)
		assert.Equal(t, libbpf.MapInfo{
			Type: libbpf.MapTypeHash, ID: objHash.ID(), Name: "hash_map",
			KeySize: 4, ValueSize: 8, MaxEntries: 8, BTFID: info.BTFID,
		}, info)
		assert.NotZero(t, info.BTFID)
	})

	value := make([]byte, 8)
	t.Run("data operations reach the same kernel map", func(t *testing.T) {
		require.NoError(t, m.Lookup(u32(1), value))
		assert.Equal(t, u64(100), value)
		require.NoError(t, m.Update(u32(2), u64(200), libbpf.UpdateNoExist))
		require.NoError(t, objHash.Lookup(u32(2), value))
		assert.Equal(t, u64(200), value)
		next := make([]byte, 4)
		require.NoError(t, m.NextKey(nil, next))
		assert.ErrorIs(t, m.Update(u32(1), u64(1), libbpf.UpdateNoExist), syscall.EEXIST)
		assert.ErrorIs(t, m.Lookup(u32(1), make([]byte, 4)), libbpf.ErrInvalidSize)
	})

	t.Run("iterate", func(t *testing.T) {
		it := m.Iterate()
		keys := map[uint32]bool{}
		for k := range it.All() {
			keys[binary.NativeEndian.Uint32(k)] = true
		}
		require.NoError(t, it.Err())
		assert.Equal(t, map[uint32]bool{1: true, 2: true}, keys)
	})

	t.Run("delete and batch update", func(t *testing.T) {
		require.NoError(t, m.LookupAndDelete(u32(2), value))
		assert.Equal(t, u64(200), value)
		require.NoError(t, m.Delete(u32(1)))
		assert.ErrorIs(t, m.Delete(u32(1)), os.ErrNotExist)

		written, err := m.UpdateBatch(append(u32(5), u32(6)...), append(u64(5), u64(6)...), libbpf.UpdateAny)
		require.NoError(t, err)
		assert.Equal(t, 2, written)
	})

	// libbpf setters need a struct bpf_map; the pins are the Map's own
	// (TestOpenMapPinnedKnowsItsPin).
	t.Run("libbpf setters are refused", func(t *testing.T) {
		assert.ErrorIs(t, m.SetMaxEntries(4), syscall.EOPNOTSUPP)
		assert.ErrorIs(t, m.SetValueSize(4), syscall.EOPNOTSUPP)
		assert.ErrorIs(t, m.SetPinPath(path), syscall.EOPNOTSUPP)
		assert.ErrorIs(t, m.ReuseFD(objHash.FD()), syscall.EOPNOTSUPP)
		assert.Equal(t, path, m.PinPath())
		assert.True(t, m.IsPinned())
	})

	t.Run("Freeze freezes the kernel map", func(t *testing.T) {
		require.NoError(t, m.Freeze())
		assert.ErrorIs(t, objHash.Update(u32(7), u64(7), libbpf.UpdateAny), syscall.EPERM)
	})

	t.Run("outlives its object", func(t *testing.T) {
		require.NoError(t, obj.Close())
		require.NoError(t, m.Lookup(u32(5), value))
		assert.Equal(t, u64(5), value)
	})

	t.Run("Close", func(t *testing.T) {
		require.NoError(t, m.Close())
		require.NoError(t, m.Close(), "second Close")
		assert.Equal(t, -1, m.FD())
		assert.Zero(t, m.ID())
		assert.Equal(t, "", m.Name())
		assert.ErrorIs(t, m.Lookup(u32(5), value), libbpf.ErrClosed)
		assert.ErrorIs(t, m.Update(u32(5), value, libbpf.UpdateAny), libbpf.ErrClosed)
		assert.ErrorIs(t, m.Delete(u32(5)), libbpf.ErrClosed)
		assert.ErrorIs(t, m.NextKey(nil, make([]byte, 4)), libbpf.ErrClosed)
		assert.ErrorIs(t, m.Freeze(), libbpf.ErrClosed)
		_, err := m.Info()
		assert.ErrorIs(t, err, libbpf.ErrClosed)
	})
}

func TestOpenMapPinnedBadPaths(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)

	_, err := libbpf.OpenMapPinned("")
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = libbpf.OpenMapPinned(filepath.Join(dir, "missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = libbpf.OpenMapPinned(filepath.Join(dir, "no-folder", "x"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = libbpf.OpenMapPinned(filepath.Join(t.TempDir(), "x"))
	assert.ErrorIs(t, err, libbpf.ErrNotBPFFS)

	// A pinned program is not a map.
	obj := openCounter(t, os.Getpid())
	requireLoad(t, obj)
	progPath := filepath.Join(dir, "prog")
	require.NoError(t, program(t, obj, "count_tp").Pin(progPath))
	_, err = libbpf.OpenMapPinned(progPath)
	assert.ErrorIs(t, err, syscall.EINVAL)
}

func TestOpenMapID(t *testing.T) {
	requireKernel(t)
	obj := loadMaps(t, 8)
	objArray := objMap(t, obj, "percpu_array")
	id := objArray.ID()
	require.NotZero(t, id)

	m, err := libbpf.OpenMapID(id)
	require.NoError(t, err)
	defer func() { assert.NoError(t, m.Close()) }()
	assert.Equal(t, id, m.ID())
	assert.Equal(t, libbpf.MapTypePerCPUArray, m.Type())
	assert.Equal(t, objArray.ValueBufferSize(), m.ValueBufferSize())

	value := make([]byte, m.ValueBufferSize())
	value[0] = 42
	require.NoError(t, m.Update(u32(1), value, libbpf.UpdateAny))
	got := make([]byte, len(value))
	require.NoError(t, objArray.Lookup(u32(1), got))
	assert.Equal(t, value, got)

	_, err = libbpf.OpenMapID(0xfffffff0)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.ErrorContains(t, err, "bpf_map_get_fd_by_id")
}

func TestMapCloseAndInfoOfObjectMap(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	m := objMap(t, obj, "hash_map")
	assert.Zero(t, m.ID(), "before Load")
	_, err := m.Info()
	assert.ErrorIs(t, err, syscall.EBADF)
	requireLoad(t, obj)

	// Close does nothing on a map of an object.
	require.NoError(t, m.Close())
	require.NoError(t, m.Update(u32(1), u64(1), libbpf.UpdateAny))
	info, err := m.Info()
	require.NoError(t, err)
	assert.Equal(t, "hash_map", info.Name)
	assert.Equal(t, uint32(8), info.MaxEntries)

	require.NoError(t, obj.Close())
	assert.Zero(t, m.ID())
	_, err = m.Info()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	var nilMap *libbpf.Map
	assert.NoError(t, nilMap.Close())
	assert.Zero(t, nilMap.ID())
	_, err = nilMap.Info()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

func TestOpenMapPinnedCloseWhileInUse(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := loadMaps(t, 8)
	path := filepath.Join(dir, "hash")
	require.NoError(t, objMap(t, obj, "hash_map").Pin(path))
	m, err := libbpf.OpenMapPinned(path)
	require.NoError(t, err)
	require.NoError(t, m.Update(u32(1), u64(1), libbpf.UpdateAny))

	// Close waits for running operations; the others then fail with
	// ErrClosed, never with a reused descriptor.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			value := make([]byte, 8)
			for {
				if err := m.Lookup(u32(1), value); err != nil {
					assert.ErrorIs(t, err, libbpf.ErrClosed)
					return
				}
			}
		})
	}
	require.NoError(t, m.Close())
	wg.Wait()
}

// A Map adopted from its pin knows the pin, as a Link from OpenLink does:
// PinPath is the path, IsPinned is true, and Unpin("") removes the pin
// while the Map keeps working; Pin pins it again, elsewhere only after the
// pin path was left. The pin rules are those of a map of an object.
func TestOpenMapPinnedKnowsItsPin(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := loadMaps(t, 8)
	path := filepath.Join(dir, "hash")
	require.NoError(t, objMap(t, obj, "hash_map").Pin(path))

	m, err := libbpf.OpenMapPinned(path)
	require.NoError(t, err)
	defer func() { assert.NoError(t, m.Close()) }()
	assert.Equal(t, path, m.PinPath())
	assert.True(t, m.IsPinned())

	// Another path than the pin path is refused, as libbpf refuses it.
	other := filepath.Join(dir, "other")
	assert.ErrorIs(t, m.Unpin(other), syscall.EINVAL)
	assert.ErrorIs(t, m.Pin(other), syscall.EINVAL)
	assertPinned(t, other, false)
	assert.NoError(t, m.Pin(""), "pinning where it is pinned does nothing")

	require.NoError(t, m.Unpin(""))
	assertPinned(t, path, false)
	assert.False(t, m.IsPinned())
	assert.Equal(t, path, m.PinPath(), "the pin path stays, as for a map of an object")
	require.NoError(t, m.Update(u32(1), u64(1), libbpf.UpdateAny), "the unpinned map lives on in the Map")
	assert.ErrorIs(t, m.Unpin(""), os.ErrNotExist, "nothing left to unpin")

	require.NoError(t, m.Pin(""), "pin again at the pin path")
	assertPinned(t, path, true)
	again, err := libbpf.OpenMapPinned(path)
	require.NoError(t, err)
	defer again.Close()
	assert.Equal(t, m.ID(), again.ID(), "the pin is the same map")
}

// A Map opened by ID has no pin path until Pin gives it one; Unpin then
// removes that pin.
func TestOpenMapIDPinAndUnpin(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := loadMaps(t, 8)
	m, err := libbpf.OpenMapID(objMap(t, obj, "hash_map").ID())
	require.NoError(t, err)
	defer func() { assert.NoError(t, m.Close()) }()
	assert.Empty(t, m.PinPath())
	assert.False(t, m.IsPinned())
	assert.ErrorIs(t, m.Unpin(""), syscall.EINVAL, "no pin path")
	// Unpin never removes a file outside bpffs.
	outside := filepath.Join(t.TempDir(), "hash")
	require.NoError(t, os.WriteFile(outside, nil, 0o600))
	assert.ErrorIs(t, m.Unpin(outside), libbpf.ErrNotBPFFS)
	assert.FileExists(t, outside)
	assert.ErrorIs(t, m.Pin(filepath.Join(t.TempDir(), "hash")), libbpf.ErrNotBPFFS)
	assert.Empty(t, m.PinPath(), "a failed Pin leaves no pin path")

	path := filepath.Join(dir, "by-id")
	require.NoError(t, m.Pin(path))
	assert.Equal(t, path, m.PinPath())
	assert.True(t, m.IsPinned())
	pinned, err := libbpf.OpenMapPinned(path)
	require.NoError(t, err)
	assert.Equal(t, m.ID(), pinned.ID())
	require.NoError(t, pinned.Close())

	require.NoError(t, m.Unpin(path))
	assertPinned(t, path, false)

	require.NoError(t, m.Close())
	assert.ErrorIs(t, m.Pin(path), libbpf.ErrClosed)
	assert.ErrorIs(t, m.Unpin(path), libbpf.ErrClosed)
	assert.Empty(t, m.PinPath())
}
