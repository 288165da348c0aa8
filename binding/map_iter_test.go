package libbpf_test

import (
	"encoding/binary"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// loadMaps loads maps.bpf.o with hash_map resized to hashEntries.
func loadMaps(t *testing.T, hashEntries uint32) *libbpf.Object {
	t.Helper()
	obj := openObject(t, "maps", nil)
	require.NoError(t, objMap(t, obj, "hash_map").SetMaxEntries(hashEntries))
	requireLoad(t, obj)
	return obj
}

// fillHash stores key i -> value i*10 for i in [0, n).
func fillIterHash(t *testing.T, m *libbpf.Map, n uint32) {
	t.Helper()
	for i := range n {
		require.NoError(t, m.Update(u32(i), u64(uint64(i)*10), libbpf.UpdateNoExist))
	}
}

func TestMapIterateAll(t *testing.T) {
	requireKernel(t)
	const n = 500
	obj := loadMaps(t, n)
	m := objMap(t, obj, "hash_map")
	fillIterHash(t, m, n)

	it := m.Iterate()
	got := map[uint32]uint64{}
	for k, v := range it.All() {
		key := binary.NativeEndian.Uint32(k)
		_, dup := got[key]
		assert.False(t, dup, "key %d yielded twice", key)
		got[key] = binary.NativeEndian.Uint64(v)
	}
	require.NoError(t, it.Err())
	require.Len(t, got, n)
	for i := range uint32(n) {
		assert.Equal(t, uint64(i)*10, got[i])
	}

	// A second walk of the same iterator starts over.
	count := 0
	for range it.All() {
		count++
	}
	assert.NoError(t, it.Err())
	assert.Equal(t, n, count)
}

func TestMapIterateDeleteEveryYieldedKey(t *testing.T) {
	requireKernel(t)
	const n = 300
	obj := loadMaps(t, n)
	m := objMap(t, obj, "hash_map")
	fillIterHash(t, m, n)

	it := m.Iterate()
	seen := map[uint32]int{}
	for k := range it.All() {
		seen[binary.NativeEndian.Uint32(k)]++
		require.NoError(t, m.Delete(k))
	}
	require.NoError(t, it.Err())
	assert.Len(t, seen, n)
	for key, times := range seen {
		assert.Equal(t, 1, times, "key %d", key)
	}
	assert.ErrorIs(t, m.NextKey(nil, make([]byte, 4)), os.ErrNotExist, "map should be empty")
}

func TestMapIterateDeleteOtherKeys(t *testing.T) {
	requireKernel(t)
	const n = 200
	obj := loadMaps(t, n)
	m := objMap(t, obj, "hash_map")
	fillIterHash(t, m, n)

	// Each step deletes a key that has not been yielded yet, which may be
	// the one the walk continues from; the walk must still end, yield
	// each key at most once and never yield a key deleted before it was
	// reached.
	deleted := map[uint32]bool{}
	seen := map[uint32]int{}
	it := m.Iterate()
	for k := range it.All() {
		key := binary.NativeEndian.Uint32(k)
		assert.False(t, deleted[key], "key %d yielded after its deletion", key)
		seen[key]++
		for cand := range uint32(n) {
			if _, ok := seen[cand]; !ok && !deleted[cand] {
				deleted[cand] = true
				require.NoError(t, m.Delete(u32(cand)))
				break
			}
		}
	}
	for key, times := range seen {
		assert.Equal(t, 1, times, "key %d", key)
	}
	// Deleting the key the walk continues from sends hash maps back to
	// their first key; the walk either gets through or gives up.
	if err := it.Err(); err != nil {
		assert.ErrorIs(t, err, libbpf.ErrIterationAborted)
	} else {
		assert.Equal(t, n, len(seen)+len(deleted), "every key is yielded or deleted")
	}
}

func TestMapIterateBreakAndKinds(t *testing.T) {
	requireKernel(t)
	obj := loadMaps(t, 8)

	hash := objMap(t, obj, "hash_map")
	fillIterHash(t, hash, 8)
	it := hash.Iterate()
	count := 0
	for range it.All() {
		count++
		if count == 3 {
			break
		}
	}
	assert.NoError(t, it.Err())
	assert.Equal(t, 3, count)

	// Array maps yield every index in order.
	array := objMap(t, obj, "array_map")
	var keys []uint32
	it = array.Iterate()
	for k, v := range it.All() {
		keys = append(keys, binary.NativeEndian.Uint32(k))
		assert.Len(t, v, 8)
	}
	require.NoError(t, it.Err())
	assert.Equal(t, []uint32{0, 1, 2, 3}, keys)

	// Per-CPU maps yield ValueBufferSize bytes per value.
	percpu := objMap(t, obj, "percpu_hash")
	value := make([]byte, percpu.ValueBufferSize())
	require.NoError(t, percpu.Update(u32(7), value, libbpf.UpdateAny))
	it = percpu.Iterate()
	count = 0
	for k, v := range it.All() {
		count++
		assert.Equal(t, u32(7), k)
		assert.Len(t, v, percpu.ValueBufferSize())
	}
	require.NoError(t, it.Err())
	assert.Equal(t, 1, count)

	// An empty map yields nothing.
	require.NoError(t, hash.Iterate().Err())
	for k := range hash.Iterate().All() {
		require.NoError(t, hash.Delete(k))
	}
	it = hash.Iterate()
	for range it.All() {
		t.Fatal("empty map yielded an entry")
	}
	assert.NoError(t, it.Err())
}

func TestMapIterateClosed(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	requireLoad(t, obj)
	m := objMap(t, obj, "hash_map")
	fillIterHash(t, m, 4)

	// Closing the object from the loop body ends the walk with ErrClosed.
	it := m.Iterate()
	count := 0
	for range it.All() {
		count++
		require.NoError(t, obj.Close())
	}
	assert.Equal(t, 1, count)
	assert.ErrorIs(t, it.Err(), libbpf.ErrClosed)

	it = m.Iterate()
	for range it.All() {
		t.Fatal("closed map yielded an entry")
	}
	assert.ErrorIs(t, it.Err(), libbpf.ErrClosed)

	var nilMap *libbpf.Map
	it = nilMap.Iterate()
	for range it.All() {
		t.Fatal("nil map yielded an entry")
	}
	assert.ErrorIs(t, it.Err(), libbpf.ErrClosed)
}

func TestMapIterateNotLoaded(t *testing.T) {
	requireKernel(t)
	obj := openObject(t, "maps", nil)
	it := objMap(t, obj, "hash_map").Iterate()
	for range it.All() {
		t.Fatal("unloaded map yielded an entry")
	}
	assert.Error(t, it.Err())
}
