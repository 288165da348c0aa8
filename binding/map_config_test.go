package libbpf_test

import (
	"errors"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

func TestMapFreeze(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	m := objMap(t, obj, "hash_map")
	assert.ErrorIs(t, m.Freeze(), syscall.EBADF, "before Load")
	requireLoad(t, obj)

	require.NoError(t, m.Update(u32(1), u64(10), libbpf.UpdateAny))
	require.NoError(t, m.Freeze())
	err := m.Update(u32(1), u64(11), libbpf.UpdateAny)
	assert.ErrorIs(t, err, syscall.EPERM)
	assert.ErrorContains(t, err, "hash_map")
	assert.ErrorIs(t, m.Update(u32(2), u64(20), libbpf.UpdateAny), syscall.EPERM)
	assert.ErrorIs(t, m.Delete(u32(1)), syscall.EPERM)

	// Reads still work.
	value := make([]byte, 8)
	require.NoError(t, m.Lookup(u32(1), value))
	assert.Equal(t, u64(10), value)

	// Freezing twice is refused by the kernel: with EPERM (the frozen map
	// is not writable, as 6.18 checks first) or EBUSY (already frozen, as
	// 6.1 checks first).
	err = m.Freeze()
	if !errors.Is(err, syscall.EBUSY) {
		assert.ErrorIs(t, err, syscall.EPERM)
	}

	require.NoError(t, obj.Close())
	assert.ErrorIs(t, m.Freeze(), libbpf.ErrClosed)
	var nilMap *libbpf.Map
	assert.ErrorIs(t, nilMap.Freeze(), libbpf.ErrClosed)
}

func TestMapSetValueSize(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	m := objMap(t, obj, "hash_map")
	require.NoError(t, m.SetValueSize(16))
	assert.Equal(t, 16, m.ValueSize())
	assert.Equal(t, 16, m.ValueBufferSize())

	percpu := objMap(t, obj, "percpu_hash")
	require.NoError(t, percpu.SetValueSize(12))
	cpus, err := libbpf.NumPossibleCPUs()
	require.NoError(t, err)
	assert.Equal(t, 16*cpus, percpu.ValueBufferSize())

	requireLoad(t, obj)
	value := make([]byte, 16)
	value[15] = 0xab
	require.NoError(t, m.Update(u32(1), value, libbpf.UpdateAny))
	got := make([]byte, 16)
	require.NoError(t, m.Lookup(u32(1), got))
	assert.Equal(t, value, got)
	assert.ErrorIs(t, m.Update(u32(1), u64(1), libbpf.UpdateAny), libbpf.ErrInvalidSize)

	assert.ErrorIs(t, m.SetValueSize(32), syscall.EBUSY, "after Load")
	assert.Equal(t, 16, m.ValueSize())

	require.NoError(t, obj.Close())
	assert.ErrorIs(t, m.SetValueSize(8), libbpf.ErrClosed)
	var nilMap *libbpf.Map
	assert.ErrorIs(t, nilMap.SetValueSize(8), libbpf.ErrClosed)
}

func TestMapSetValueSizeRefused(t *testing.T) {
	requireKernel(t)
	// A value size the kernel refuses for an array map fails Load.
	obj := openObject(t, "maps", nil)
	require.NoError(t, objMap(t, obj, "array_map").SetValueSize(0))
	err := obj.Load()
	require.Error(t, err)
	assert.ErrorContains(t, err, "array_map")
}
