package libbpf_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// pinsIn returns the pins directly in dir, by base name.
func pinsIn(t testing.TB, dir string) map[string]libbpf.Pin {
	t.Helper()
	pins, err := libbpf.ListPins(dir)
	require.NoError(t, err)
	byName := map[string]libbpf.Pin{}
	for _, p := range pins {
		byName[filepath.Base(p.Path)] = p
	}
	return byName
}

func TestObjectPinPinsEveryMapAndProgramUnderOneFolder(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "counter")
	dir := filepath.Join(bpffsDir(t), "counter") // created by libbpf
	require.NoError(t, obj.Pin(dir))

	pins := pinsIn(t, dir)
	for _, name := range []string{"count_tp", "count_raw", "count_raw_alt"} {
		if assert.Contains(t, pins, name) {
			assert.Equal(t, libbpf.PinProgram, pins[name].Kind)
			assert.Equal(t, program(t, obj, name).ID(), pins[name].ID, "the pin is the object's program %s", name)
		}
	}
	counts := objMap(t, obj, "counts")
	require.Contains(t, pins, "counts")
	assert.Equal(t, libbpf.PinMap, pins["counts"].Kind)
	assert.Equal(t, filepath.Join(dir, "counts"), counts.PinPath())
	assert.True(t, counts.IsPinned())
	// The .rodata map's name has a dot, which libbpf replaces.
	assert.Contains(t, pins, "counter_rodata")
	assert.Len(t, pins, 3+len(obj.Maps()))

	// The pinned map is the object's map.
	pinned, err := libbpf.OpenMapPinned(filepath.Join(dir, "counts"))
	require.NoError(t, err)
	defer pinned.Close()
	require.NoError(t, pinned.Update(u32(1), u64(42), libbpf.UpdateAny))
	assert.Equal(t, uint64(42), counter(t, counts, 1))

	require.NoError(t, obj.Unpin(dir))
	assert.Empty(t, pinsIn(t, dir))
	assert.False(t, counts.IsPinned())
}

func TestObjectPinMapsWithoutFolderUsesTheMapsPinPaths(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)
	obj := loadObject(t, "maps")
	hash := objMap(t, obj, "hash_map")
	path := filepath.Join(dir, "only_this_one")
	require.NoError(t, hash.SetPinPath(path))

	require.NoError(t, obj.PinMaps(""))
	pins := pinsIn(t, dir)
	assert.Len(t, pins, 1, "maps without a pin path stay unpinned")
	assert.Equal(t, libbpf.PinMap, pins["only_this_one"].Kind)
	assert.True(t, hash.IsPinned())
	assert.False(t, objMap(t, obj, "array_map").IsPinned())

	require.NoError(t, obj.UnpinMaps(""))
	assertPinned(t, path, false)
}

func TestObjectPinMapsAndProgramsSeparately(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "counter")
	maps := filepath.Join(bpffsDir(t), "maps")
	progs := filepath.Join(filepath.Dir(maps), "progs")

	require.NoError(t, obj.PinMaps(maps))
	require.NoError(t, obj.PinPrograms(progs))
	assert.Len(t, pinsIn(t, maps), len(obj.Maps()))
	assert.Len(t, pinsIn(t, progs), 3)
	for _, p := range pinsIn(t, progs) {
		assert.Equal(t, libbpf.PinProgram, p.Kind)
	}

	require.NoError(t, obj.UnpinPrograms(progs))
	assert.Empty(t, pinsIn(t, progs))
	assert.Len(t, pinsIn(t, maps), len(obj.Maps()), "the maps stay pinned")
	require.NoError(t, obj.UnpinMaps(maps))
	assert.Empty(t, pinsIn(t, maps))

	// Unpinning what is not pinned names the missing pin.
	assert.ErrorIs(t, obj.UnpinPrograms(progs), os.ErrNotExist)
}

// A program that was not loaded cannot be pinned: PinPrograms fails and
// leaves nothing pinned.
func TestObjectPinProgramsFailsWholeForAProgramNotLoaded(t *testing.T) {
	requireKernel(t)
	obj := openCounter(t, os.Getpid())
	require.NoError(t, program(t, obj, "count_raw_alt").SetAutoload(false))
	requireLoad(t, obj)
	dir := filepath.Join(bpffsDir(t), "progs")

	err := obj.PinPrograms(dir)
	assert.ErrorIs(t, err, unix.EINVAL)
	requireOpError(t, err, "Object.PinPrograms", "object counter", fmt.Sprintf("bpf_object__pin_programs %q", dir))
	assert.Empty(t, pinsIn(t, dir), "the programs pinned before the failure are unpinned")
}

func TestObjectPinErrors(t *testing.T) {
	requireKernel(t)
	dir := bpffsDir(t)

	t.Run("not loaded", func(t *testing.T) {
		obj := openObject(t, "maps", nil)
		assert.ErrorIs(t, obj.Pin(filepath.Join(dir, "x")), unix.EBADF)
		assert.ErrorIs(t, obj.PinMaps(filepath.Join(dir, "x")), unix.EBADF)
		assert.ErrorIs(t, obj.PinPrograms(filepath.Join(dir, "x")), unix.EBADF)
	})
	obj := loadObject(t, "maps")
	t.Run("outside bpffs", func(t *testing.T) {
		tmp := t.TempDir()
		assert.ErrorIs(t, obj.Pin(tmp), libbpf.ErrNotBPFFS)
		assert.ErrorIs(t, obj.PinMaps(filepath.Join(tmp, "new")), libbpf.ErrNotBPFFS)
		assert.ErrorIs(t, obj.UnpinMaps(tmp), libbpf.ErrNotBPFFS)
		entries, err := os.ReadDir(tmp)
		require.NoError(t, err)
		assert.Empty(t, entries)
	})
	t.Run("two missing levels", func(t *testing.T) {
		assert.ErrorIs(t, obj.PinMaps(filepath.Join(dir, "a", "b")), os.ErrNotExist)
	})
	t.Run("a file, not a folder", func(t *testing.T) {
		m := objMap(t, obj, "hash_map")
		file := filepath.Join(dir, "pinned_map")
		require.NoError(t, m.Pin(file))
		assert.ErrorIs(t, obj.PinMaps(file), unix.ENOTDIR)
		require.NoError(t, m.Unpin(file))
	})
	t.Run("empty folder", func(t *testing.T) {
		assert.ErrorIs(t, obj.Pin(""), unix.EINVAL)
		assert.ErrorIs(t, obj.Unpin(""), unix.EINVAL)
		assert.ErrorIs(t, obj.PinPrograms(""), unix.EINVAL)
		assert.ErrorIs(t, obj.UnpinPrograms(""), unix.EINVAL)
	})
	t.Run("closed", func(t *testing.T) {
		closed := loadObject(t, "maps")
		require.NoError(t, closed.Close())
		assert.ErrorIs(t, closed.Pin(dir), libbpf.ErrClosed)
		assert.ErrorIs(t, closed.UnpinMaps(dir), libbpf.ErrClosed)
		var nilObj *libbpf.Object
		assert.ErrorIs(t, nilObj.PinMaps(dir), libbpf.ErrClosed)
	})
}
