package libbpf_test

import (
	"encoding/binary"
	"os"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// lpmKey is an IPv4 key of an LPM trie: prefix length, then the address.
func lpmKey(prefixLen uint32, a, b, c, d byte) []byte {
	return append(u32(prefixLen), a, b, c, d)
}

// The element operations of an LPM trie take syscall.Syscall, not the raw
// system call of hash and array maps; they behave the same.
func TestLPMTrieOperations(t *testing.T) {
	requireKernel(t)
	m := objMap(t, loadObject(t, "lpm"), "routes")
	require.Equal(t, libbpf.MapTypeLPMTrie, m.Type())
	value := make([]byte, 4)

	require.NoError(t, m.Update(lpmKey(8, 10, 0, 0, 0), u32(8), libbpf.UpdateAny))
	require.NoError(t, m.Update(lpmKey(24, 10, 1, 2, 0), u32(24), libbpf.UpdateAny))

	require.NoError(t, m.Lookup(lpmKey(32, 10, 1, 2, 3), value))
	assert.Equal(t, u32(24), value, "the longest prefix matches")
	require.NoError(t, m.Lookup(lpmKey(32, 10, 9, 9, 9), value))
	assert.Equal(t, u32(8), value)
	assert.ErrorIs(t, m.Lookup(lpmKey(32, 192, 168, 0, 1), value), os.ErrNotExist)

	next := make([]byte, 8)
	require.NoError(t, m.NextKey(nil, next))
	assert.Contains(t, [][]byte{lpmKey(8, 10, 0, 0, 0), lpmKey(24, 10, 1, 2, 0)}, next)

	assert.ErrorIs(t, m.Update(lpmKey(33, 10, 0, 0, 0), u32(1), libbpf.UpdateAny), syscall.EINVAL,
		"the kernel refuses a prefix longer than the address")
	require.NoError(t, m.Delete(lpmKey(24, 10, 1, 2, 0)))
	require.NoError(t, m.Lookup(lpmKey(32, 10, 1, 2, 3), value))
	assert.Equal(t, u32(8), value, "the shorter prefix matches once the longer is gone")
	assert.ErrorIs(t, m.Delete(lpmKey(24, 10, 1, 2, 0)), os.ErrNotExist)
}

// Keys and values may live on a goroutine stack, also one that grows (and
// so moves) and is scanned by the collector between the calls.
func TestMapOperationsOnMovingStacks(t *testing.T) {
	requireKernel(t)
	m := objMap(t, loadObject(t, "maps"), "hash_map")
	for depth := range 200 {
		// Arrays that stay on this goroutine's stack.
		var key [4]byte
		var val, got [8]byte
		binary.NativeEndian.PutUint32(key[:], uint32(depth%8))
		binary.NativeEndian.PutUint64(val[:], uint64(depth))
		require.NoError(t, m.Update(key[:], val[:], libbpf.UpdateAny))
		// Grow the stack (which copies it) before the lookup.
		growStack(depth * 64)
		runtime.GC()
		require.NoError(t, m.Lookup(key[:], got[:]))
		if binary.NativeEndian.Uint64(got[:]) != uint64(depth) {
			t.Fatalf("depth %d: looked up %d", depth, binary.NativeEndian.Uint64(got[:]))
		}
	}
}

// growStack recurses n times with a frame big enough to make the goroutine
// stack grow.
func growStack(n int) byte {
	var pad [256]byte
	pad[n%256] = byte(n)
	if n == 0 {
		return pad[0]
	}
	return growStack(n-1) + pad[n%256]
}
