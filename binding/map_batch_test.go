package libbpf_test

import (
	"encoding/binary"
	"errors"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// fillHash writes key i -> value 100+i for i in [0, n) with one batch.
func fillHash(t *testing.T, m *libbpf.Map, n int) {
	t.Helper()
	var keys, values []byte
	for i := range n {
		keys = binary.NativeEndian.AppendUint32(keys, uint32(i))
		values = binary.NativeEndian.AppendUint64(values, uint64(100+i))
	}
	written, err := m.UpdateBatch(keys, values, libbpf.UpdateAny)
	require.NoError(t, err)
	require.Equal(t, n, written)
}

// walkBatches collects the whole map with LookupBatch, starting with batch
// entries at a time and doubling the buffers whenever a hash bucket does
// not fit (ENOSPC), and returns key -> value.
func walkBatches(t *testing.T, m *libbpf.Map, batch int) map[uint32]uint64 {
	t.Helper()
	got := map[uint32]uint64{}
	var cursor libbpf.MapBatchCursor
	for range 100 {
		keys, values := make([]byte, batch*4), make([]byte, batch*8)
		n, err := m.LookupBatch(&cursor, keys, values)
		for i := range n {
			got[binary.NativeEndian.Uint32(keys[i*4:])] = binary.NativeEndian.Uint64(values[i*8:])
		}
		switch {
		case errors.Is(err, os.ErrNotExist):
			return got
		case errors.Is(err, syscall.ENOSPC):
			require.Zero(t, n, "ENOSPC copies nothing")
			batch *= 2
		default:
			require.NoError(t, err)
		}
	}
	t.Fatal("LookupBatch never reached the end of the map")
	return nil
}

func TestMapBatchUpdateAndLookup(t *testing.T) {
	obj := loadObject(t, "maps")
	m := objMap(t, obj, "hash_map")
	fillHash(t, m, 8)

	for _, batch := range []int{1, 3, 8} {
		got := walkBatches(t, m, batch)
		require.Len(t, got, 8, "batch of %d", batch)
		for k, v := range got {
			assert.Equal(t, uint64(100+k), v, "key %d", k)
		}
	}
}

func TestMapBatchDelete(t *testing.T) {
	obj := loadObject(t, "maps")
	m := objMap(t, obj, "hash_map")
	fillHash(t, m, 8)

	deleted, err := m.DeleteBatch(append(u32(1), u32(5)...))
	require.NoError(t, err)
	assert.Equal(t, 2, deleted)
	assert.Len(t, walkBatches(t, m, 8), 6)

	// A key that is not there stops the batch where it stands.
	deleted, err = m.DeleteBatch(append(u32(2), u32(5)...))
	assert.ErrorIs(t, err, syscall.ENOENT)
	assert.Equal(t, 1, deleted)
}

func TestMapBatchLookupAndDelete(t *testing.T) {
	obj := loadObject(t, "maps")
	m := objMap(t, obj, "hash_map")
	fillHash(t, m, 8)

	keys, values := make([]byte, 8*4), make([]byte, 8*8)
	var cursor libbpf.MapBatchCursor
	n, err := m.LookupAndDeleteBatch(&cursor, keys, values)
	assert.ErrorIs(t, err, os.ErrNotExist, "one batch holds the whole map")
	assert.Equal(t, 8, n)
	assert.Empty(t, walkBatches(t, m, 8), "the entries were deleted")
}

func TestMapBatchUpdateStopsWhenTheMapIsFull(t *testing.T) {
	obj := loadObject(t, "maps")
	m := objMap(t, obj, "hash_map") // 8 entries at most
	var keys, values []byte
	for i := range 10 {
		keys = append(keys, u32(uint32(i))...)
		values = append(values, u64(uint64(i))...)
	}
	written, err := m.UpdateBatch(keys, values, libbpf.UpdateAny)
	assert.ErrorIs(t, err, syscall.E2BIG)
	assert.Equal(t, 8, written, "the entries before the full map were written")
	assert.Len(t, walkBatches(t, m, 8), 8)
}

func TestMapBatchUpdateRefusesPerElementFlags(t *testing.T) {
	obj := loadObject(t, "maps")
	m := objMap(t, obj, "hash_map")
	_, err := m.UpdateBatch(u32(1), u64(1), libbpf.UpdateNoExist)
	assert.ErrorIs(t, err, syscall.EINVAL)
	assert.Contains(t, err.Error(), "UpdateAny or UpdateLock")
}

func TestMapBatchPerCPU(t *testing.T) {
	obj := loadObject(t, "maps")
	m := objMap(t, obj, "percpu_array")
	size := m.ValueBufferSize()
	keys := append(u32(0), u32(1)...)
	values := make([]byte, 2*size)
	for i := range values {
		values[i] = byte(i)
	}
	written, err := m.UpdateBatch(keys, values, libbpf.UpdateAny)
	require.NoError(t, err)
	require.Equal(t, 2, written)

	gotKeys, gotValues := make([]byte, 8), make([]byte, 2*size)
	var cursor libbpf.MapBatchCursor
	n, err := m.LookupBatch(&cursor, gotKeys, gotValues)
	if err != nil {
		require.ErrorIs(t, err, os.ErrNotExist)
	}
	require.Equal(t, 2, n)
	assert.Equal(t, keys, gotKeys)
	assert.Equal(t, values, gotValues, "every CPU's value of every entry")
}

func TestMapBatchInvalidBuffers(t *testing.T) {
	obj := loadObject(t, "maps")
	m := objMap(t, obj, "hash_map")
	var cursor libbpf.MapBatchCursor

	_, err := m.LookupBatch(&cursor, make([]byte, 6), make([]byte, 16))
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize, "keys not a whole number of keys")
	_, err = m.LookupBatch(&cursor, make([]byte, 8), make([]byte, 8))
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize, "values for one key, keys for two")
	_, err = m.LookupBatch(&cursor, nil, nil)
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize, "empty batch")
	_, err = m.LookupBatch(nil, make([]byte, 4), make([]byte, 8))
	assert.ErrorIs(t, err, syscall.EINVAL, "nil cursor")
	_, err = m.UpdateBatch(make([]byte, 4), nil, libbpf.UpdateAny)
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize, "update without values")
	_, err = m.DeleteBatch(make([]byte, 3))
	assert.ErrorIs(t, err, libbpf.ErrInvalidSize)
	assert.Contains(t, err.Error(), "hash_map")
}

func TestMapBatchBeforeLoadAndAfterClose(t *testing.T) {
	obj := openObject(t, "maps", nil)
	m := objMap(t, obj, "hash_map")
	var cursor libbpf.MapBatchCursor
	_, err := m.LookupBatch(&cursor, make([]byte, 4), make([]byte, 8))
	assert.ErrorIs(t, err, syscall.EBADF, "not loaded")

	require.NoError(t, obj.Close())
	_, err = m.LookupBatch(&cursor, make([]byte, 4), make([]byte, 8))
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = m.UpdateBatch(make([]byte, 4), make([]byte, 8), libbpf.UpdateAny)
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = m.DeleteBatch(make([]byte, 4))
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}
