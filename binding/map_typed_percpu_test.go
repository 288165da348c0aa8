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

func TestPerCPUTypedMap(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "maps")
	cpus, err := libbpf.NumPossibleCPUs()
	require.NoError(t, err)

	// percpu_hash has 4-byte values, each in an 8-byte slot.
	hash := objMap(t, obj, "percpu_hash")
	tm, err := libbpf.NewPerCPUTypedMap[uint32, uint32](hash)
	require.NoError(t, err)
	assert.Equal(t, cpus, tm.CPUs())
	assert.Same(t, hash, tm.Map())

	_, err = tm.Lookup(1)
	assert.ErrorIs(t, err, os.ErrNotExist)
	values := make([]uint32, cpus)
	for i := range values {
		values[i] = uint32(100 + i)
	}
	require.NoError(t, tm.Update(1, values, libbpf.UpdateAny))
	got, err := tm.Lookup(1)
	require.NoError(t, err)
	assert.Equal(t, values, got)

	raw := make([]byte, hash.ValueBufferSize())
	require.NoError(t, hash.Lookup(u32(1), raw))
	for i := range cpus {
		assert.Equal(t, uint32(100+i), binary.NativeEndian.Uint32(raw[i*8:]), "CPU %d's slot", i)
	}

	it := tm.Iterate()
	entries := map[uint32][]uint32{}
	for k, v := range it.All() {
		entries[k] = v
	}
	require.NoError(t, it.Err())
	assert.Equal(t, map[uint32][]uint32{1: values}, entries)

	require.NoError(t, tm.Delete(1))
	assert.ErrorIs(t, tm.Delete(1), syscall.ENOENT)

	t.Run("per-CPU array", func(t *testing.T) {
		ta, err := libbpf.NewPerCPUTypedMap[uint32, uint64](objMap(t, obj, "percpu_array"))
		require.NoError(t, err)
		ones := make([]uint64, cpus)
		for i := range ones {
			ones[i] = 1 << i
		}
		require.NoError(t, ta.Update(0, ones, libbpf.UpdateAny))
		got, err := ta.Lookup(0)
		require.NoError(t, err)
		assert.Equal(t, ones, got)
		assert.ErrorIs(t, ta.Delete(0), syscall.EINVAL, "arrays cannot delete")
	})
}

func TestPerCPUTypedMapBadInput(t *testing.T) {
	requireKernel(t)
	obj := loadObject(t, "maps")
	_, err := libbpf.NewPerCPUTypedMap[uint32, uint64](objMap(t, obj, "hash_map"))
	assert.ErrorIs(t, err, syscall.EINVAL, "not a per-CPU map")
	_, err = libbpf.NewPerCPUTypedMap[uint32, uint64](objMap(t, obj, "percpu_hash"))
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize, "V is one CPU's value, 4 bytes here")
	_, err = libbpf.NewPerCPUTypedMap[uint32, []uint32](objMap(t, obj, "percpu_hash"))
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize, "V is not fixed-size")
	_, err = libbpf.NewPerCPUTypedMap[uint32, uint64](nil)
	assert.ErrorIs(t, err, libbpf.ErrClosed)

	tm, err := libbpf.NewPerCPUTypedMap[uint32, uint32](objMap(t, obj, "percpu_hash"))
	require.NoError(t, err)
	assert.ErrorIs(t, tm.Update(1, make([]uint32, tm.CPUs()+1), libbpf.UpdateAny), libbpf.ErrInvalidSize)
	assert.ErrorIs(t, tm.Update(1, nil, libbpf.UpdateAny), libbpf.ErrInvalidSize)

	var nilTyped *libbpf.PerCPUTypedMap[uint32, uint32]
	assert.Zero(t, nilTyped.CPUs())
	assert.Nil(t, nilTyped.Map())
	_, err = nilTyped.Lookup(1)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.ErrorIs(t, nilTyped.Update(1, nil, libbpf.UpdateAny), libbpf.ErrClosed)
	assert.ErrorIs(t, nilTyped.Delete(1), libbpf.ErrClosed)
	nilIt := nilTyped.Iterate()
	for range nilIt.All() {
		t.Error("a nil map yields nothing")
	}
	assert.ErrorIs(t, nilIt.Err(), libbpf.ErrClosed)

	require.NoError(t, obj.Close())
	_, err = tm.Lookup(1)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	assert.ErrorIs(t, tm.Update(1, make([]uint32, tm.CPUs()), libbpf.UpdateAny), libbpf.ErrClosed)
	assert.ErrorIs(t, tm.Delete(1), libbpf.ErrClosed)
}
